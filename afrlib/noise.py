"""TensorFlow's known, harmless start-up lines, kept out of reports and of ``predict``'s output.

The TensorFlow wheel prints them from C++ straight to file descriptor 2, whatever
``TF_CPP_MIN_LOG_LEVEL`` says: a CPU-only machine's failed CUDA probe, a tf.data attribute notice of
TensorFlow 2.18+, absl's pre-initialisation banner. Only lines matching :data:`NOISE` are removed;
any other stderr text, and every Python error, stays visible.
"""

import contextlib
import os
import re
import sys
import tempfile

NOISE = re.compile(
    r"^WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR$"
    r"|^[EIW]\d{4} [\d:. ]+\d+ (cudart_stub\.cc:\d+\] Could not find cuda drivers"
    r"|cuda_platform\.cc:\d+\] failed call to cuInit"
    r"|cuda_executor\.cc:\d+\]"
    r"|node_def_util\.cc:\d+\] NodeDef mentions attribute use_unbounded_threadpool)")


def drop_noise(text):
    """``text`` without its :data:`NOISE` lines (line endings kept). Returns (str, int lines removed)."""
    lines = text.splitlines(keepends=True)
    kept = [line for line in lines if not NOISE.search(line.rstrip("\r\n"))]
    return "".join(kept), len(lines) - len(kept)


@contextlib.contextmanager
def filtered_native_stderr():
    """Capture file descriptor 2 (C++ and Python alike) for the block, then write it back without noise.

    For command lines that load TensorFlow; an exception in the block still shows, after the
    captured text.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            capture.seek(0)
            kept, _ = drop_noise(capture.read().decode("utf-8", "replace"))
            sys.stderr.write(kept)
            sys.stderr.flush()
