"""Generated conclusions follow the numbers they are given; the reports index lists what exists."""

import json

import pytest

from afrlib import conclusions
from afrlib.index import write_index


def record(accuracy, low, roc_auc=0.9, roc_low=0.88, roc_high=0.92, recall=0.58, precision=0.71, name="LSTM, 1 layer"):
    interval = {"accuracy": {"value": accuracy, "low": low, "high": accuracy + 0.01},
                "roc_auc": {"value": roc_auc, "low": roc_low, "high": roc_high},
                "negative_f1": {"value": 0.63, "low": 0.60, "high": 0.66}}
    return {"model": name, "n_parameters": 1000, "n_fit": 700, "n_validation": 300,
            "parameters": {"epochs": 10}, "budget": {"batch_size": 250, "optimizer_updates": 30},
            "test": {"n": 400, "accuracy": accuracy, "roc_auc": roc_auc, "majority_accuracy": 0.84,
                     "confusion_matrix": [[36, 28], [15, 321]],
                     "intervals": interval, "per_class": {"negative": {"recall": recall, "precision": precision,
                                                                       "f1": 0.63}}},
            "sanity": [{"review": "Awful.", "kind": "plain", "correct": False},
                       {"review": "Great.", "kind": "plain", "correct": True},
                       {"review": "Not good.", "kind": "negation", "correct": True}]}


def test_model_conclusion_reads_the_floor_from_the_interval():
    clear = conclusions.model_conclusion(record(0.90, 0.88))
    assert "whole of its 95 % interval" in clear and "0.9000" in clear
    touching = conclusions.model_conclusion(record(0.85, 0.83))
    assert "reaches the floor" in touching
    at_floor = conclusions.model_conclusion(record(0.84, 0.82))
    assert "not above the majority-class floor" in at_floor


def test_negative_class_and_sanity_panel_in_words():
    text = conclusions.model_conclusion(record(0.9, 0.88, recall=0.25, precision=0.9))
    assert "flags 25 as negative and lets 75 pass" in text and "90 are negative" in text
    assert "1 of 2 plain reviews, 1 of 1 negations" in text and "'Awful.'" in text


def test_a_model_that_calls_no_review_negative_has_no_precision_in_words():
    silent = record(0.84, 0.82, recall=0.0, precision=0.0)
    silent["test"]["confusion_matrix"] = [[0, 64], [0, 336]]  # scikit-learn's 0/0 precision is 0
    text = conclusions.model_conclusion(silent)
    assert "it calls no review negative, so its negative-class precision is undefined" in text
    assert "of every 100 reviews it calls negative" not in text


def test_summary_conclusion_ranks_and_compares_intervals():
    runs = [record(0.9, 0.88, roc_auc=0.93, roc_low=0.92, roc_high=0.94, name="depth 1"),
            record(0.9, 0.88, roc_auc=0.91, roc_low=0.90, roc_high=0.915, name="depth 2"),
            record(0.84, 0.82, roc_auc=0.80, roc_low=0.78, roc_high=0.82, name="depth 3")]
    baseline = record(0.9, 0.89, roc_auc=0.95, roc_low=0.94, roc_high=0.96, name="baseline")
    text = conclusions.summary_conclusion(runs, baseline)
    assert "2 of the 3 LSTM depths" in text and "(depth 3 did not)" in text
    assert "depth 1 0.9300 > depth 2 0.9100 > depth 3 0.8000" in text and "do not overlap" in text
    assert "trails the baseline (0.9500) by 0.0200" in text
    runs[1]["test"]["intervals"]["roc_auc"]["high"] = 0.925
    assert "overlap, so this test sample does not separate them" in conclusions.summary_conclusion(runs, baseline)


def test_index_links_existing_reports_with_their_numbers(tmp_path):
    (tmp_path / "metrics").mkdir()
    (tmp_path / "lstm_1_layer.html").write_text("<html></html>")
    (tmp_path / "metrics" / "lstm_1_layer.json").write_text(json.dumps(
        {"test": {"accuracy": 0.91, "majority_accuracy": 0.84, "roc_auc": 0.93, "per_class": {"negative": {"f1": 0.66}}}}))
    (tmp_path / "summary.html").write_text("<html></html>")
    page = write_index(tmp_path).read_text()
    assert 'href="lstm_1_layer.html"' in page and 'href="summary.html"' in page
    assert "accuracy 0.9100 (floor 0.8400), ROC-AUC 0.9300, negative F1 0.6600" in page
    assert "lstm_2_layer.html" not in page and "<td>lstm_2_layer</td>" in page  # missing, and said so
    assert "not rendered here: run make reports" in page and "not rendered here: run make sweep" in page
    with pytest.raises(Exception, match="holds none of the rendered reports"):
        write_index(tmp_path / "reprots")
    assert not (tmp_path / "reprots").exists()


def test_sweep_conclusion_lists_what_the_bootstrap_supports():
    import pandas as pd

    spread = pd.DataFrame([{"model": "a", "metric": "ROC-AUC", "seeds": 5, "mean": 0.9, "sd": 0.01, "min": 0.88, "max": 0.91},
                           {"model": "b", "metric": "ROC-AUC", "seeds": 5, "mean": 0.8, "sd": 0.05, "min": 0.7, "max": 0.85}])
    comparison = [{"a": "a", "b": "b", "metric": "roc_auc", "difference": 0.1, "low": 0.05, "high": 0.15},
                  {"a": "a", "b": "b", "metric": "accuracy", "difference": 0.01, "low": -0.01, "high": 0.03},
                  {"a": "a", "b": "b", "metric": "negative_f1", "difference": -0.04, "low": -0.06, "high": -0.02}]
    text = conclusions.sweep_conclusion(spread, comparison)
    assert "largest spread is b's ROC-AUC (sd 0.0500" in text and "supports 2 of 3 orderings" in text
    assert "  - a over b on ROC-AUC (0.100)" in text and "  - b over a on negative F1 (0.040)" in text
    assert "cannot tell apart: a vs b on accuracy" in text


def test_data_conclusion_names_the_sample_limit_step():
    counts = {"raw reviews": 1500, "Score != 3": 1400, "after de-duplication": 1381, "non-empty after cleaning": 1000,
              "train": 800, "test": 200}
    record = {"counts": counts, "vocabulary_size": 5000, "median_tokens_train": 30, "majority_accuracy_test": 0.83}
    assert "1,381 remain after de-duplication and 1,000 after cleaning" in conclusions.data_conclusion(record)
    limited = conclusions.data_conclusion({**record, "counts": {**counts, "after sample_limit": 1000}})
    assert "1,381 remain after de-duplication, 1,000 after sample_limit and 1,000 after cleaning" in limited
