"""The notebook sources: stripped, parameterised, and the fast configuration as `make reports FAST=1` runs it."""

import json
import zipfile

import nbformat
import pytest

from afrlib import fast, project_root
from afrlib.runner import run_notebook

NOTEBOOKS = sorted((project_root() / "notebooks").glob("*.ipynb"))


def test_every_report_has_a_source():
    assert [p.stem for p in NOTEBOOKS] == ["baseline", "data_preparation", "error_analysis", "lstm_1_layer", "lstm_2_layer",
                                           "lstm_3_layer", "summary", "sweep"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_sources_are_stripped_and_have_one_parameters_cell(path):
    book = nbformat.read(path, 4)
    code = [cell for cell in book.cells if cell.cell_type == "code"]
    assert [cell for cell in code if cell.outputs or cell.execution_count] == []
    assert sum("parameters" in cell.metadata.get("tags", []) for cell in book.cells) == 1


def test_fast_depth_notebook_masks_padding_and_sets_the_fast_threads(tmp_path):
    """`make reports FAST=1` passes fast=True: the notebook must set afrlib.fast's threads and say so."""
    report = tmp_path / "lstm_1_layer.ipynb"
    metrics_path = tmp_path / "metrics.json"
    run_notebook(project_root() / "notebooks/lstm_1_layer.ipynb", report, html=False, log=lambda line: None,
                 parameters={"sample_limit": 2000, "epochs": 1, "batch_size": 200, "fast": True,
                             "cache_dir": str(tmp_path / "cache"), "metrics_path": str(metrics_path),
                             "figures_dir": str(tmp_path / "figures"), "model_dir": str(tmp_path / "model")})
    record = json.loads(metrics_path.read_text())
    assert record["parameters"]["fast"] is True
    assert record["model"] == "LSTM, 1 layer, fast"
    environment = record["environment"]
    assert (environment["intra_op_threads"], environment["inter_op_threads"]) == fast.THREADS
    with zipfile.ZipFile(tmp_path / "model/model.keras") as saved:  # the .keras format: a zip with config.json
        layers = json.loads(saved.read("config.json"))["config"]["layers"]
    assert [layer["config"]["mask_zero"] for layer in layers if layer["class_name"] == "Embedding"] == [True]


def test_a_depth_notebook_checkpoints_under_its_cache_dir(tmp_path):
    """Epoch checkpoints go under cache_dir (they went to data/processed/checkpoints whatever cache_dir said)."""
    run_notebook(project_root() / "notebooks/lstm_1_layer.ipynb", tmp_path / "out.ipynb", html=False,
                 log=lambda line: None,
                 parameters={"sample_limit": 1000, "epochs": 1, "batch_size": 200, "cache_dir": str(tmp_path / "cache"),
                             "metrics_path": str(tmp_path / "metrics.json"), "figures_dir": str(tmp_path / "figures"),
                             "model_dir": str(tmp_path / "model")})
    assert (tmp_path / "cache/checkpoints").is_dir()  # the finished run's own folder is deleted, its root stays
    for depth in (2, 3):
        source = (project_root() / f"notebooks/lstm_{depth}_layer.ipynb").read_text()
        assert 'checkpoint_dir=os.path.join(cache_dir, \\"checkpoints\\")' in source
