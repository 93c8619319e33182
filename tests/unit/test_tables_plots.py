"""Observation tables and figures are built from metrics records."""

import matplotlib
import pandas as pd
import pytest

from afrlib import models, plots, tables
from afrlib.metrics import classification_metrics

matplotlib.use("Agg")


def record(depth, accuracy):
    test = classification_metrics([0, 0, 1, 1, 1], [0.2, 0.6, 0.7, 0.8, 0.9])
    test.update(test_loss=0.3, test_accuracy=accuracy)
    history = {"loss": [0.5, 0.4], "val_loss": [0.45, 0.41], "accuracy": [0.8, 0.85], "val_accuracy": [0.82, 0.84]}
    return {"name": f"lstm_{depth}_layer", "model": f"LSTM, {depth} layer(s)", "depth": depth,
            "architecture": models.ARCHITECTURES[depth], "parameters": {"batch_size": 1000, "epochs": 2},
            "history": history, "test": test, "train_seconds": 12.5, "n_parameters": 1234}


def test_tables_hold_one_row_per_run_with_the_recorded_values():
    runs = [record(1, 0.9), record(3, 0.8)]
    settings = tables.hyperparameter_table(runs)
    assert settings.field_names[0] == "LSTM layer" and len(settings.rows) == 2
    assert settings.rows[0][2] == "Nil" and settings.rows[1][2] == 0.4 and settings.rows[1][-1] == "Yes"
    results = tables.results_table(runs)
    assert results.rows[0][1:] == ["100", "0.4000", "0.4100", "0.3000", "0.8500", "0.8400", "0.9000"]
    assert results.rows[1][1] == "50x50x50"
    evaluation = tables.evaluation_table(runs)
    assert evaluation.rows[0][0] == "LSTM, 1 layer(s)" and evaluation.rows[0][-1] == "1,234"
    # accuracy 0.9 and 0.8 against a majority share of 0.6 in the fixture's test labels
    assert [row[3] for row in evaluation.rows] == ["yes", "yes"]
    floor = record(2, 0.6)
    floor["test"]["accuracy"] = floor["test"]["majority_accuracy"]
    assert tables.evaluation_table([floor]).rows[0][3] == "NO"


def test_figures_are_drawn_and_saved(tmp_path):
    run = record(1, 0.9)
    figures = [
        plots.plot_history(run["history"], "t", tmp_path / "h.png"),
        plots.plot_weight_violins(models.build_lstm_model(2, 20, maxlen=5), path=tmp_path / "w.png"),
        plots.plot_confusion_matrix(run["test"]["confusion_matrix"], path=tmp_path / "c.png"),
        plots.plot_roc_curves({"a": run["test"]}, path=tmp_path / "r.png"),
        plots.plot_histories({"a": run["history"], "b": run["history"]}, tmp_path / "hs.png"),
        plots.plot_metric_bars(pd.DataFrame({"accuracy": [0.9, 0.8], "roc_auc": [0.95, 0.9],
                                             "majority_accuracy": [0.84, 0.84]}, index=["a", "b"]), tmp_path / "b.png"),
        plots.plot_review_lengths([3, 10, 50, 120], 100, tmp_path / "l.png"),
    ]
    assert all(f.axes for f in figures)
    assert sorted(p.name for p in tmp_path.glob("*.png")) == sorted(
        ["h.png", "w.png", "c.png", "r.png", "hs.png", "b.png", "l.png"])
    # one violin panel per weight matrix: embedding, two LSTM kernels, output
    assert len(figures[1].axes) == 4


def test_weight_matrices_skip_batch_norm():
    names = [name for name, _ in plots.weight_matrices(models.build_lstm_model(3, 20, maxlen=5))]
    assert names == ["embedding", "lstm_1", "lstm_2", "lstm_3", "output"]
