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
