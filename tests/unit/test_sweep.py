"""make sweep: seeds parsed once, finished runs kept, changed data or parameters rerun, spread computed."""

from pathlib import Path

import numpy as np
import pytest

from afrlib import sweep
from afrlib.errors import ParameterError
from afrlib.metrics import classification_metrics, save_run
from afrlib.prepare import file_sha256


def fake_execute(calls, sha):
    """Stand-in for papermill: records the call and writes the metrics and scores a notebook would."""
    def execute(source, output, parameters):
        calls.append((parameters["seed"], source))
        y = np.array([0, 1] * 20)
        p = np.clip(y * 0.6 + np.linspace(0, 0.39, 40), 0, 1)
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text("{}")
        recorded = {k: v for k, v in parameters.items() if k not in ("model_dir", "metrics_path", "figures_dir")}
        record = {"model": source, "parameters": recorded,
                  "data": {"source_sha256": sha, "n_train": 160, "n_test": 40}, "test": classification_metrics(y, p)}
        if "lstm" in source:
            record["depth"] = int(source.split("_")[1])
        save_run(record, y, p, parameters["metrics_path"])
    return execute


def test_parse_seeds():
    assert sweep.parse_seeds("1 2 3") == [1, 2, 3] and sweep.parse_seeds("4,5") == [4, 5]
    for bad, match in (("", "No seeds"), ("1 x", "'x'"), ("1 1", "repeat"), ("-1", "'-1'")):
        with pytest.raises(ParameterError, match=match):
            sweep.parse_seeds(bad)


def test_finished_runs_are_kept_and_changes_rerun(tmp_path, reviews_csv):
    sha, calls = file_sha256(reviews_csv), []
    out = tmp_path / "sweep"
    notebooks = ("lstm_1_layer", "baseline")
    executed = sweep.run_sweep([1, 2], out, reviews_csv, {"epochs": 3}, notebooks, fake_execute(calls, sha), log=lambda line: None)
    assert [(s, src) for s, src in calls] == [(1, "notebooks/lstm_1_layer.ipynb"), (1, "notebooks/baseline.ipynb"),
                                             (2, "notebooks/lstm_1_layer.ipynb"), (2, "notebooks/baseline.ipynb")]
    assert len(executed) == 4
    calls.clear()
    # Same seeds and parameters: nothing reruns; a new seed runs alone.
    sweep.run_sweep([1, 2, 3], out, reviews_csv, {"epochs": 3}, notebooks, fake_execute(calls, sha), log=lambda line: None)
    assert [s for s, _ in calls] == [3, 3]
    calls.clear()
    # A changed, added or removed parameter reruns the notebooks that have it (the baseline has no epochs).
    sweep.run_sweep([1], out, reviews_csv, {"epochs": 4}, notebooks, fake_execute(calls, sha), log=lambda line: None)
    assert calls == [(1, "notebooks/lstm_1_layer.ipynb")]
    calls.clear()
    sweep.run_sweep([1], out, reviews_csv, {}, notebooks, fake_execute(calls, sha), log=lambda line: None)
    assert calls == [(1, "notebooks/lstm_1_layer.ipynb")]
    calls.clear()
    sweep.run_sweep([1], out, reviews_csv, {"maxlen": 50}, notebooks, fake_execute(calls, sha), log=lambda line: None)
    assert len(calls) == 2
    calls.clear()
    with pytest.raises(ParameterError, match="No notebook of the sweep has the parameter mistakes_shown"):
        sweep.run_sweep([1], out, reviews_csv, {"mistakes_shown": 3}, notebooks, fake_execute(calls, sha))
    for name in ("data_path", "model_dir", "metrics_path", "figures_dir"):  # the sweep sets them itself
        with pytest.raises(ParameterError, match=f"{name} cannot be a sweep parameter"):
            sweep.run_sweep([1], out, reviews_csv, {name: "x"}, notebooks, fake_execute(calls, sha))
    # A missing output, an edited notebook (another SHA-256 in the manifest) or another data file rerun.
    (out / "seed_2" / "metrics" / "baseline.scores.npz").unlink()
    manifest = out / "seed_2" / "metrics" / "lstm_1_layer.run.json"
    manifest.write_text(manifest.read_text().replace('"notebook_sha256": "', '"notebook_sha256": "0'))
    sweep.run_sweep([2], out, reviews_csv, {"epochs": 3}, notebooks, fake_execute(calls, sha), log=lambda line: None)
    assert calls == [(2, "notebooks/lstm_1_layer.ipynb"), (2, "notebooks/baseline.ipynb")]
    calls.clear()
    reviews_csv.write_text(reviews_csv.read_text() + "\n")
    sweep.run_sweep([2], out, reviews_csv, {"epochs": 3}, notebooks, fake_execute(calls, file_sha256(reviews_csv)),
                    log=lambda line: None)
    assert len(calls) == 2


def test_a_failed_run_is_not_taken_for_finished(tmp_path, reviews_csv):
    sha, calls = file_sha256(reviews_csv), []
    out = tmp_path / "sweep"
    writes = fake_execute(calls, sha)

    def fails_after_writing(source, output, parameters):
        writes(source, output, parameters)  # metrics and scores written, then a later cell fails
        raise RuntimeError("cell 20 failed")

    with pytest.raises(RuntimeError):
        sweep.run_sweep([1], out, reviews_csv, None, ("baseline",), fails_after_writing, log=lambda line: None)
    calls.clear()
    sweep.run_sweep([1], out, reviews_csv, None, ("baseline",), writes, log=lambda line: None)
    assert calls == [(1, "notebooks/baseline.ipynb")]


def test_sample_limit_is_refused(tmp_path, reviews_csv):
    with pytest.raises(ParameterError, match="sample_limit"):
        sweep.run_sweep([1], tmp_path, reviews_csv, {"sample_limit": 100}, execute=lambda *a: None)


def test_load_sweep_and_spread(tmp_path, reviews_csv):
    sha = file_sha256(reviews_csv)
    out = tmp_path / "sweep"
    notebooks = ("lstm_1_layer", "baseline")
    sweep.run_sweep([1, 2, 3], out, reviews_csv, None, notebooks, fake_execute([], sha), log=lambda line: None)
    records, scores, labels = sweep.load_sweep(out, [1, 2, 3], notebooks)
    assert list(records) == ["notebooks/lstm_1_layer.ipynb", "notebooks/baseline.ipynb"]
    assert len(scores["notebooks/baseline.ipynb"]) == 3 and labels.shape == (40,)
    table = sweep.spread_table(records)
    assert len(table) == 6 and (table["seeds"] == 3).all() and (table["sd"] == 0).all()
    with pytest.raises(FileNotFoundError):
        sweep.load_sweep(out, [1, 4], notebooks)
    sweep.run_sweep([4], out, reviews_csv, {"epochs": 5}, notebooks, fake_execute([], sha), log=lambda line: None)
    with pytest.raises(ParameterError, match="different parameters"):
        sweep.load_sweep(out, [1, 4], notebooks)


def test_sweep_report_renders_from_the_runs(tmp_path, reviews_csv):
    """The sweep notebook runs end to end on a finished (stand-in) sweep and writes its summary."""
    import json

    from afrlib.runner import run_notebook

    out = tmp_path / "sweep"
    sweep.run_sweep([1, 2], out, reviews_csv, None, sweep.SWEEP_NOTEBOOKS, fake_execute([], file_sha256(reviews_csv)),
                    log=lambda line: None)
    summary = tmp_path / "sweep.json"
    run_notebook("notebooks/sweep.ipynb", tmp_path / "report.ipynb", {
        "sweep_dir": str(out), "seeds": [1, 2], "figures_dir": str(tmp_path / "figures"),
        "summary_path": str(summary)}, html=False, log=lambda line: None)
    written = json.loads(summary.read_text())
    assert written["seeds"] == [1, 2] and len(written["spread"]) == 12 and len(written["paired_bootstrap"]) == 18
    assert (tmp_path / "figures" / "sweep_spread.png").is_file()


def test_seed_is_not_a_sweep_parameter(tmp_path):
    from afrlib.errors import ParameterError
    from afrlib.sweep import run_sweep

    with pytest.raises(ParameterError, match="seed cannot be a sweep parameter"):
        run_sweep([1, 2], tmp_path, "data.csv", {"seed": 7}, execute=lambda *args: None)


def test_a_sweep_elsewhere_keeps_its_models_and_figures_inside_its_folder(tmp_path):
    default = sweep.planned_runs([1], "reports/sweep", "data.csv", notebooks=("lstm_1_layer",))[0]["parameters"]
    assert default["model_dir"] == "models/sweep/seed_1/lstm_1_layer" and default["figures_dir"].startswith("build/sweep/")
    trial = sweep.planned_runs([1], tmp_path / "trial", "data.csv", notebooks=("lstm_1_layer",))[0]["parameters"]
    assert trial["model_dir"] == str(tmp_path / "trial" / "models" / "seed_1" / "lstm_1_layer")  # not make sweep's
    assert trial["figures_dir"].startswith(str(tmp_path / "trial"))
