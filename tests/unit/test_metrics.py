"""scikit-learn metrics plumbing and the metrics JSON files."""

import json

import numpy as np
import pytest

from afrlib.errors import DataError
from afrlib.metrics import classification_metrics, read_metrics, write_json


def test_classification_metrics_on_a_known_example():
    y = [0, 0, 0, 1, 1, 1, 1, 1]
    p = [0.1, 0.6, 0.2, 0.9, 0.8, 0.4, 0.7, 0.95]
    result = classification_metrics(y, p)
    # predicted: 0 1 0 1 1 0 1 1 -> TN 2, FP 1, FN 1, TP 4
    assert result["confusion_matrix"] == [[2, 1], [1, 4]]
    assert result["accuracy"] == pytest.approx(6 / 8)
    assert result["majority_accuracy"] == pytest.approx(5 / 8)
    negative = result["per_class"]["negative"]
    assert negative["precision"] == pytest.approx(2 / 3) and negative["recall"] == pytest.approx(2 / 3)
    assert negative["support"] == 3
    # ROC-AUC by counting ordered (positive, negative) pairs: 14 of 15 ranked right
    assert result["roc_auc"] == pytest.approx(14 / 15)
    curve = result["roc_curve"]
    assert curve["fpr"][0] == 0 and curve["fpr"][-1] == 1 and curve["tpr"][-1] == 1
    assert np.all(np.diff(curve["tpr"]) >= 0)


def test_single_class_is_an_error():
    with pytest.raises(DataError, match="both polarities"):
        classification_metrics([1, 1, 1], [0.2, 0.7, 0.9])


def test_metrics_json_round_trip_and_missing_file(tmp_path):
    path = write_json({"a": 1, "b": [0.5]}, tmp_path / "sub" / "m.json")
    assert read_metrics([path]) == [{"a": 1, "b": [0.5]}]
    assert [p.name for p in path.parent.iterdir()] == ["m.json"]  # no temporary file left
    with pytest.raises(FileNotFoundError, match="make reports"):
        read_metrics([tmp_path / "nope.json"])


def test_write_json_keeps_the_old_file_when_the_payload_fails(tmp_path):
    path = write_json({"ok": True}, tmp_path / "m.json")
    with pytest.raises(TypeError):
        write_json({"bad": object()}, path)
    assert json.loads(path.read_text()) == {"ok": True}
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]


def test_read_metrics_refuses_corrupt_files_and_mixed_data(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"name": "lstm_1_layer", "test": {')
    with pytest.raises(DataError, match="not valid JSON"):
        read_metrics([broken])
    a = write_json({"data": {"source_sha256": "aaa"}}, tmp_path / "a.json")
    b = write_json({"data": {"source_sha256": "bbb"}}, tmp_path / "b.json")
    prep = write_json({"manifest": {"source_sha256": "aaa"}}, tmp_path / "prep.json")
    assert len(read_metrics([a, prep])) == 2
    with pytest.raises(DataError, match="different data files"):
        read_metrics([a, b])


def test_headline_metrics_equal_scikit_learn():
    from sklearn import metrics as skm

    from afrlib.metrics import headline_metrics

    rng = np.random.default_rng(5)
    y = (rng.random(500) < 0.8).astype(int)
    p = np.round(np.clip(0.5 * y + rng.random(500) * 0.6, 0, 1), 2)  # rounded: many ties
    expected = [skm.accuracy_score(y, p > 0.5), skm.roc_auc_score(y, p), skm.f1_score(y, p > 0.5, pos_label=0)]
    np.testing.assert_allclose(headline_metrics(y, p), expected, rtol=1e-12)


def test_bootstrap_interval_of_accuracy_matches_the_binomial_answer():
    """Accuracy is a proportion: its 95 % interval is about p +- 1.96 sqrt(p (1 - p) / n)."""
    from afrlib.metrics import bootstrap_intervals

    rng = np.random.default_rng(6)
    n = 4000
    y = (rng.random(n) < 0.5).astype(int)
    wrong = rng.random(n) < 0.2  # 80 % accuracy
    p = np.where(wrong, 1 - y, y) * 0.8 + 0.1
    result = bootstrap_intervals(y, p, n_resamples=2000, seed=1)["accuracy"]
    half = 1.96 * np.sqrt(result["value"] * (1 - result["value"]) / n)
    assert result["low"] < result["value"] < result["high"]
    assert result["low"] == pytest.approx(result["value"] - half, abs=0.003)
    assert result["high"] == pytest.approx(result["value"] + half, abs=0.003)


def test_paired_bootstrap_separates_a_better_model_and_not_an_equal_one():
    from afrlib.metrics import paired_bootstrap

    rng = np.random.default_rng(7)
    n = 2000
    y = (rng.random(n) < 0.5).astype(int)
    good = np.where(rng.random(n) < 0.1, 1 - y, y) * 0.8 + 0.1  # 90 % accurate
    poor = np.where(rng.random(n) < 0.3, 1 - y, y) * 0.8 + 0.1  # 70 % accurate
    rows = paired_bootstrap(y, {"good": [good, good], "poor": [poor], "same": [good]},
                            [("good", "poor"), ("good", "same")], n_resamples=500)
    by = {(r["a"], r["b"], r["metric"]): r for r in rows}
    better = by[("good", "poor", "accuracy")]
    assert better["difference"] == pytest.approx(np.mean((good > 0.5) == y) - np.mean((poor > 0.5) == y))
    assert 0 < better["low"] < better["difference"] < better["high"]
    assert by[("good", "same", "roc_auc")]["low"] == by[("good", "same", "roc_auc")]["high"] == 0


def test_save_run_writes_intervals_and_scores(tmp_path):
    from afrlib.metrics import read_scores, save_run

    y = np.array([0, 1] * 50)
    p = np.linspace(0.01, 0.99, 100)
    path = tmp_path / "run.json"
    save_run({"test": classification_metrics(y, p)}, y, p, path)
    assert set(read_metrics([path])[0]["test"]["intervals"]) == {"accuracy", "roc_auc", "negative_f1"}
    y_back, p_back = read_scores(path)
    np.testing.assert_array_equal(y_back, y)
    np.testing.assert_allclose(p_back, p, rtol=1e-6)
    with pytest.raises(FileNotFoundError, match="scores"):
        read_scores(tmp_path / "other.json")


def test_runs_on_different_test_splits_are_refused(tmp_path):
    import pytest

    from afrlib.errors import DataError

    def run(name, n_test, limit):
        path = tmp_path / f"{name}.json"
        write_json({"data": {"source_sha256": "abc", "n_train": 4 * n_test, "n_test": n_test},
                    "parameters": {"sample_limit": limit, "seed": 42}}, path)
        return path

    read_metrics([run("a", 3574, None), run("b", 3574, None)])
    with pytest.raises(DataError, match="tested on different splits"):  # one run with sample_limit=3000
        read_metrics([run("a", 3574, None), run("c", 600, 3000)])


def test_runs_with_other_lengths_seeds_or_data_are_refused_naming_the_difference(tmp_path):
    import pytest

    from afrlib.errors import DataError

    def run(name, sha="abc", limit=None, seed=42, maxlen=100):
        path = tmp_path / f"{name}.json"
        write_json({"data": {"source_sha256": sha, "n_train": 800, "n_test": 200},
                    "parameters": {"sample_limit": limit, "seed": seed, "maxlen": maxlen}}, path)
        return path

    read_metrics([run("a"), run("b")])
    with pytest.raises(DataError, match=r"different lengths \(.*a.json: maxlen 100; .*b.json: maxlen 50\)"):
        read_metrics([run("a"), run("b", maxlen=50)])
    with pytest.raises(DataError, match="sample_limit 1000, seed 7"):  # the same sizes: the seed differs
        read_metrics([run("a", limit=1000), run("b", limit=1000, seed=7)])
    with pytest.raises(DataError, match=r"different data files \(.*a.json: sha256 abc; .*b.json: sha256 def\)"):
        read_metrics([run("a"), run("b", sha="def")])


def test_a_summary_refuses_runs_of_different_seeds(tmp_path):
    import pytest

    from afrlib.errors import DataError

    paths = []
    for name, seed in (("a", 42), ("b", 7)):
        paths.append(tmp_path / f"{name}.json")
        write_json({"data": {"source_sha256": "abc", "n_train": 800, "n_test": 200},
                    "parameters": {"sample_limit": None, "seed": seed}}, paths[-1])
    assert len(read_metrics(paths)) == 2  # the sweep reads one model over seeds
    with pytest.raises(DataError, match=r"different seeds \(.*a.json: seed 42; .*b.json: seed 7\)"):
        read_metrics(paths, same_seed=True)
