"""After nbval re-executed the smoke reports, their fresh metrics must match the committed reference.

Counts and parameter counts must be equal; losses and accuracies within tolerances, because
oneDNN results differ slightly across machines (same code and seed). Run by `make test` after
the nbval items, which write build/smoke/metrics/.
"""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "reports" / "smoke" / "metrics"
FRESH = ROOT / "build" / "smoke" / "metrics"
LSTM_NAMES = ["lstm_1_layer", "lstm_2_layer", "lstm_3_layer"]


def load(folder, name):
    path = folder / f"{name}.json"
    if not path.is_file():
        pytest.fail(f"{path} is missing: run `make test`, whose nbval step re-executes reports/smoke/ and writes it.")
    return json.loads(path.read_text())


def test_data_preparation_counts_are_exact():
    assert load(FRESH, "data_preparation")["counts"] == load(REFERENCE, "data_preparation")["counts"]


@pytest.mark.parametrize("name", LSTM_NAMES)
def test_lstm_metrics_within_tolerance(name):
    fresh, reference = load(FRESH, name), load(REFERENCE, name)
    assert fresh["n_parameters"] == reference["n_parameters"]
    assert fresh["data"] == reference["data"]
    for key, tolerance in (("test_loss", 0.05), ("test_accuracy", 0.03), ("roc_auc", 0.05)):
        assert fresh["test"][key] == pytest.approx(reference["test"][key], abs=tolerance), key
    for key in ("loss", "val_loss"):
        assert fresh["history"][key] == pytest.approx(reference["history"][key], abs=0.05), key


def test_baseline_metrics_within_tolerance():
    fresh, reference = load(FRESH, "baseline"), load(REFERENCE, "baseline")
    assert fresh["n_features"] == reference["n_features"]
    for key in ("accuracy", "roc_auc"):
        assert fresh["test"][key] == pytest.approx(reference["test"][key], abs=1e-3), key
