"""make reports' notebook runner: success replaces the report, failure keeps the last good one."""

from pathlib import Path

import nbformat
import pytest

from afrlib.runner import NotebookFailed, run_notebook


def write_notebook(path, body):
    book = nbformat.v4.new_notebook()
    parameters = nbformat.v4.new_code_cell("value = 1")
    parameters.metadata["tags"] = ["parameters"]
    book.cells = [parameters, nbformat.v4.new_code_cell(body)]
    book.metadata["kernelspec"] = {"name": "afr-lstm", "display_name": "Python (afr-lstm)", "language": "python"}
    nbformat.write(book, path)
    return path


def output_text(path):
    """All the text of a notebook's outputs (streams, results, errors), without its sources."""
    parts = []
    for cell in nbformat.read(path, as_version=4).cells:
        for output in cell.get("outputs", []):
            parts += [output.get("text", ""), output.get("evalue", "")] + list(output.get("data", {}).values())
    return "\n".join(map(str, parts))


def test_success_then_failure_keeps_the_last_good_report(tmp_path):
    good = write_notebook(tmp_path / "good.ipynb", "print('value is', value)")
    report = tmp_path / "reports" / "demo.ipynb"
    run_notebook(good, report, {"value": 5}, log=lambda line: None)
    assert "value is 5" in report.read_text() and report.with_suffix(".html").is_file()
    before = report.read_text()

    bad = write_notebook(tmp_path / "bad.ipynb", "raise ValueError('broken on purpose')")
    with pytest.raises(NotebookFailed) as caught:
        run_notebook(bad, report, {}, log=lambda line: None)
    message = str(caught.value)
    assert "bad.ipynb" in message and "cell" in message and "broken on purpose" in message
    assert report.read_text() == before  # last good report untouched
    failed = tmp_path / "reports" / "failed" / "demo.ipynb"
    assert "broken on purpose" in failed.read_text()

    run_notebook(good, report, {"value": 6}, log=lambda line: None)
    assert "value is 6" in report.read_text() and not failed.exists()


def test_interrupted_run_keeps_the_report_and_the_next_run_finishes(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    report = tmp_path / "reports" / "demo.ipynb"
    good = write_notebook(tmp_path / "good.ipynb", "print('value is', value)")
    run_notebook(good, report, {"value": 1}, html=False, log=lambda line: None)
    before = report.read_text()
    slow = write_notebook(tmp_path / "slow.ipynb", "import time\nprint('started', flush=True)\ntime.sleep(120)")
    import threading

    # A job started in the background (CI, nohup ... &) inherits an ignored SIGINT, and Python then
    # never raises KeyboardInterrupt: give the child the default disposition, as a terminal would.
    child = subprocess.Popen([sys.executable, "-m", "afrlib", "run", str(slow), str(report), "--no-html"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(child.stdout), daemon=True)  # drains the pipe
    reader.start()
    deadline = time.time() + 240  # a busy machine starts kernels slowly
    while time.time() < deadline and not any("started" in line for line in lines):  # the cell is running
        time.sleep(0.5)
    child.send_signal(signal.SIGINT)  # what Ctrl-C sends to make and its children
    child.wait(timeout=240)
    assert child.returncode != 0
    assert report.read_text() == before
    run_notebook(good, report, {"value": 2}, html=False, log=lambda line: None)
    assert "value is 2" in report.read_text()


def test_bad_run_arguments(tmp_path, capsys):
    from afrlib.__main__ import main

    good = write_notebook(tmp_path / "good.ipynb", "print(value)")
    assert main(["run", str(tmp_path / "missing.ipynb"), str(tmp_path / "out.ipynb")]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert main(["run", str(good), str(tmp_path / "out.html")]) == 1
    assert "must be an .ipynb path" in capsys.readouterr().err
    listing = tmp_path / "params.yml"
    listing.write_text("- 1\n- 2\n")
    assert main(["run", str(good), str(tmp_path / "out.ipynb"), "-f", str(listing)]) == 1
    assert "must be a YAML mapping" in capsys.readouterr().err
    # a parameter of another notebook (epochs) would only be logged by papermill, and the run would ignore it
    assert main(["run", "notebooks/data_preparation.ipynb", str(tmp_path / "out.ipynb"), "-p", "epochs=3"]) == 1
    assert "notebooks/data_preparation.ipynb has no parameter epochs" in capsys.readouterr().err
    assert main(["run", "notebooks/lstm_2_layer.ipynb", str(tmp_path / "out.ipynb"), "-p", "depth=1"]) == 1
    assert "is the 2-layer notebook" in capsys.readouterr().err  # a 1-layer model under the 2-layer title
    assert not (tmp_path / "out.ipynb").exists()
    before = good.read_bytes()
    for output in (good, "notebooks/summary_run.ipynb"):  # a report over its source, or among the sources
        assert main(["run", str(good), str(output)]) == 1
        assert "would overwrite a notebook source" in capsys.readouterr().err
    assert good.read_bytes() == before and not Path("notebooks/summary_run.ipynb").exists()


def test_reports_drop_tensorflow_noise_but_keep_real_errors(tmp_path):
    body = ("import sys\n"
            "sys.stderr.write('WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\\n')\n"
            "sys.stderr.write('E0000 00:00:1795987795.894343   16312 cuda_platform.cc:52] failed call to cuInit: "
            "INTERNAL: CUDA error: Failed call to cuInit: UNKNOWN ERROR (303)\\n')\n"
            "sys.stderr.write('E0000 00:00:1795987810.614845   16412 node_def_util.cc:682] NodeDef mentions "
            "attribute use_unbounded_threadpool which is not in the op definition\\n')\n"
            "sys.stderr.write('W0000 00:00:1.0   1 something.cc:1] a real warning stays\\n')\n"
            "print('result 42')")
    book = write_notebook(tmp_path / "noisy.ipynb", "# Noisy demo\n" + body)
    report = tmp_path / "reports" / "noisy.ipynb"
    run_notebook(book, report, {}, log=lambda line: None)
    text = output_text(report)
    assert "result 42" in text and "a real warning stays" in text
    for noise in ("absl::InitializeLog", "cuInit", "use_unbounded_threadpool"):
        assert noise not in text

    failing = write_notebook(tmp_path / "failing.ipynb",
                             body + "\nsys.stderr.write('disk full\\n')\nraise OSError('no space left')")
    with pytest.raises(NotebookFailed):
        run_notebook(failing, tmp_path / "reports" / "failing.ipynb", {}, log=lambda line: None)
    parked = output_text(tmp_path / "reports" / "failed" / "failing.ipynb")
    assert "no space left" in parked and "disk full" in parked


def test_html_title_is_the_report_heading(tmp_path):
    book = nbformat.v4.new_notebook()
    book.cells = [nbformat.v4.new_markdown_cell("Intro text\n\n# Polarity with one LSTM layer\n\nmore"),
                  nbformat.v4.new_code_cell("1 + 1")]
    book.metadata["kernelspec"] = {"name": "afr-lstm", "display_name": "Python (afr-lstm)", "language": "python"}
    nbformat.write(book, tmp_path / "titled.ipynb")
    report = tmp_path / "out" / "titled.ipynb"
    run_notebook(tmp_path / "titled.ipynb", report, {}, log=lambda line: None)
    assert "<title>Polarity with one LSTM layer</title>" in report.with_suffix(".html").read_text()


def test_written_files_follow_the_umask(tmp_path):
    import os
    import stat

    from afrlib.paths import atomic_path

    previous = os.umask(0o022)
    try:
        with atomic_path(tmp_path / "out.json") as temporary:
            temporary.write_text("{}")
        os.umask(0o027)
        with atomic_path(tmp_path / "private.json") as temporary:
            temporary.write_text("{}")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "out.json").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "private.json").stat().st_mode) == 0o640


def test_help_answers_without_loading_the_heavy_libraries():
    import subprocess
    import sys

    code = ("import sys\nfrom afrlib.__main__ import main\n"
            "for argv in (['-h'], ['predict', '-h'], ['run', '-h'], ['predict', '--model', '7', 'x']):\n"
            "    try:\n        main(argv)\n    except SystemExit:\n        pass\n"
            "print(sorted(m for m in ('pandas', 'sklearn', 'tensorflow', 'keras', 'papermill') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout + done.stderr
    assert "``" not in done.stdout  # no raw reStructuredText in the help


def test_native_stderr_filter_keeps_real_errors(capfd):
    import os

    from afrlib.noise import filtered_native_stderr

    with pytest.raises(RuntimeError, match="model file damaged"):
        with filtered_native_stderr():
            os.write(2, b"E0000 00:00:1795987795.894343   16312 cuda_platform.cc:52] failed call to cuInit: x\n"
                        b"I0000 00:00:1.2   7 cudart_stub.cc:31] Could not find cuda drivers on your machine\n"
                        b"E0000 00:00:1.2   7 saver.cc:9] a real C++ error\n")
            raise RuntimeError("model file damaged")
    err = capfd.readouterr().err
    assert "a real C++ error" in err and "cuInit" not in err and "cuda drivers" not in err


def test_run_paths_count_from_the_current_folder(monkeypatch):
    from afrlib.__main__ import _from_here
    from afrlib.paths import project_root

    root = project_root()
    values = {"metrics_path": "../work/m.json", "epochs": 3, "figures_dir": "/abs/figures", "data_path": None}
    assert _from_here(values) == values  # at the project root (make): as given
    monkeypatch.chdir(root / "notebooks")  # as the output notebook's path does
    assert _from_here(values) == {**values, "metrics_path": str(root / "notebooks/../work/m.json")}


def test_ctrl_c_ends_with_a_message_and_status_130(monkeypatch, capsys):
    import afrlib.runner
    from afrlib.__main__ import main

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(afrlib.runner, "run_notebook", interrupted)
    assert main(["run", "notebooks/data_preparation.ipynb", "scratch/x.ipynb"]) == 130
    err = capsys.readouterr().err
    assert "interrupted (Ctrl-C)" in err and "Traceback" not in err


def test_make_sees_a_data_edit_that_kept_size_and_modification_time(tmp_path):
    import os
    import shutil
    import subprocess

    shutil.copy(Path(__file__).resolve().parents[2] / "Makefile", tmp_path / "Makefile")
    data = tmp_path / "Reviews.csv"

    def data_id():
        subprocess.run(["make", "-s", "build/data.id", f"DATA={data}", "READY="], cwd=tmp_path, check=True)
        return (tmp_path / "build" / "data.id").read_text()

    data.write_text("Id,Text\n1,great\n")
    first = data_id()
    stat = data.stat()
    data.write_text("Id,Text\n1,awful\n"[:len("Id,Text\n1,great\n")])  # same size
    os.utime(data, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # cp -p, touch -r: the old modification time
    assert data_id() != first
