"""A copy of the repository's tracked files, with nothing beside it, runs a notebook on the committed sample."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def tracked_files():
    try:
        listing = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    return [name for name in listing.stdout.decode().split("\0") if name]


def test_no_tracked_file_points_outside_the_repository():
    offenders = []
    for name in tracked_files():
        path = ROOT / name
        if path.is_file() and path.suffix not in {".gz", ".png", ".npz", ".keras"}:
            if "../" + "shared" in path.read_text(encoding="utf-8", errors="replace"):
                offenders.append(name)
    assert not offenders


def test_a_lone_copy_runs_data_preparation_on_the_committed_sample(tmp_path):
    copy = tmp_path / "alone" / "afr-lstm"  # nothing beside it: no sibling folders, no data outside
    for name in tracked_files():
        if name.startswith("reports/"):
            continue
        target = copy / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    environment = {**os.environ, "PYTHONPATH": str(copy)}  # the copy's afrlib, in this process and the kernel
    done = subprocess.run([sys.executable, "-m", "afrlib", "run", "notebooks/data_preparation.ipynb",
                           "reports/data_preparation.ipynb", "--no-html"],
                          cwd=copy, env=environment, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    record = json.loads((copy / "scratch" / "metrics" / "data_preparation.json").read_text())
    assert record["source"] == "data/sample/Reviews_sample.csv.gz"
    assert record["counts"]["raw reviews"] == 20250
    assert (copy / "reports" / "data_preparation.ipynb").is_file()
