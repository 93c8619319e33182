"""make reports' notebook runner: success replaces the report, failure keeps the last good one."""

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
    child = subprocess.Popen([sys.executable, "-m", "afrlib", "run", str(slow), str(report), "--no-html"],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    staging = report.parent / ".tmp" / report.name
    deadline = time.time() + 60
    while time.time() < deadline and not staging.exists():  # papermill saves it before the first cell
        time.sleep(0.5)
    time.sleep(3)
    child.send_signal(signal.SIGINT)  # what Ctrl-C sends to make and its children
    child.wait(timeout=60)
    assert child.returncode != 0
    assert report.read_text() == before
    run_notebook(good, report, {"value": 2}, html=False, log=lambda line: None)
    assert "value is 2" in report.read_text()


def test_parameter_values_are_read_literally():
    from afrlib.__main__ import parse_value

    assert [parse_value(v) for v in ("010", "0.3", "null", "true", "on", "/data/my #1 reviews.csv")] == [
        10, 0.3, None, True, "on", "/data/my #1 reviews.csv"]


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
