"""Helpers shared by the benchmark scripts: paths, the prepared split, JSON results, machine facts."""

import json
import os
import platform
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench/out"
CACHE = OUT / "cache"
OUT.mkdir(parents=True, exist_ok=True)
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


def load_data(path, log=print):
    """The prepared split of ``path`` (maxlen 100, seed 42), cached under ``bench/out/cache``."""
    from afrlib.prepare import load_prepared

    return load_prepared(path, cache_dir=CACHE, log=log)


def save_json(result, path):
    """Write ``result`` as indented JSON to ``path`` (a temporary file, then a rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(result, indent=1))
    os.replace(temporary, path)


def load_json(path):
    """The JSON object in ``path``, or ``None`` when it does not exist."""
    path = Path(path)
    return json.loads(path.read_text()) if path.is_file() else None


def machine():
    """Facts printed at the top of ``bench/results.md``: CPU, cores, memory, versions, date, load."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        memory = float("nan")
    import joblib
    import keras
    import numpy
    import pandas
    import sklearn
    import tensorflow

    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(memory, 1),
            "platform": platform.platform(), "python": platform.python_version(),
            "tensorflow": tensorflow.__version__, "keras": keras.__version__, "numpy": numpy.__version__,
            "pandas": pandas.__version__, "scikit-learn": sklearn.__version__, "joblib": joblib.__version__,
            "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


class Stopwatch:
    """Wall and process CPU seconds of a ``with`` block, and the 1-minute load average before it.

    CPU seconds (all threads of this process) next to wall seconds show when other programs
    shared the cores: on an idle 2-core machine a TensorFlow step has CPU close to 2 x wall.
    """

    def __enter__(self):
        self.load = os.getloadavg()[0]
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu
        return False

    def as_dict(self):
        return {"wall_s": round(self.wall, 2), "cpu_s": round(self.cpu, 2), "load_before": round(self.load, 2)}
