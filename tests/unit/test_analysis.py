"""Error-analysis slicing, calibration, confident mistakes and disagreements on cases with known answers."""

import numpy as np
import pandas as pd
import pytest

from afrlib import analysis


def test_length_slices_mark_the_cut_reviews():
    labels = analysis.length_slices([0, 1, 10, 11, 25, 26, 50, 51, 100, 101, 500], maxlen=100)
    assert labels.tolist() == ["0 tokens", "1-10 tokens", "1-10 tokens", "11-25 tokens", "11-25 tokens", "26-50 tokens",
                               "26-50 tokens", "51-100 tokens", "51-100 tokens", "> 100 tokens (cut)",
                               "> 100 tokens (cut)"]


def test_negation_and_helpfulness_slices():
    assert analysis.negation_slices(["not good", "good value", "never again", "nothing else", "notable"]).tolist() == [
        "with a negation", "no negation", "with a negation", "with a negation", "no negation"]
    assert analysis.helpfulness_slices([0, 1, 4, 5, 90]).tolist() == [
        "no votes", "1-4 votes", "1-4 votes", "5+ votes", "5+ votes"]


def test_slice_table_computes_each_slice_on_its_own_rows():
    y = np.array([1, 1, 0, 0, 1, 0])
    perfect = np.array([0.9, 0.8, 0.1, 0.2, 0.7, 0.3])
    flipped_b = np.where(np.arange(6) >= 3, 1 - perfect, perfect)  # wrong on every row of slice "b"
    table = analysis.slice_table(y, {"m": flipped_b}, np.array(["a", "a", "a", "b", "b", "b"]))
    row_a = table[table["slice"] == "a"].iloc[0]
    row_b = table[table["slice"] == "b"].iloc[0]
    assert (row_a["accuracy"], row_a["ROC-AUC"], row_a["negative F1"]) == (1.0, 1.0, 1.0)
    assert (row_b["accuracy"], row_b["ROC-AUC"], row_b["negative F1"]) == (0.0, 0.0, 0.0)
    assert (row_a["reviews"], row_a["negative reviews"]) == (3, 1)
    one_class = analysis.slice_table(y, {"m": perfect}, np.array(["x", "x", "y", "y", "x", "y"]))
    assert one_class["ROC-AUC"].isna().all()


def test_slices_are_ordered_by_their_numbers():
    labels = analysis.length_slices([120, 5, 30, 60, 12], maxlen=100)
    table = analysis.slice_table(np.array([1, 0, 1, 0, 1]), {"m": np.full(5, 0.6)}, labels)
    assert table["slice"].tolist() == ["1-10 tokens", "11-25 tokens", "26-50 tokens", "51-100 tokens",
                                       "> 100 tokens (cut)"]


def test_calibration_of_a_calibrated_and_an_overconfident_model():
    rng = np.random.default_rng(0)
    p = rng.uniform(0, 1, 20000)
    y = (rng.uniform(0, 1, 20000) < p).astype(int)  # P(positive) is exactly p
    result = analysis.calibration(y, {"calibrated": p, "overconfident": (p > 0.5).astype(float)})
    curve = result["calibrated"]
    assert np.abs(np.array(curve["mean_predicted"]) - np.array(curve["fraction_positive"])).max() < 0.03
    assert result["calibrated"]["brier"] == pytest.approx(1 / 6, abs=0.01)  # E[p(1-p)] for p ~ U(0, 1)
    assert result["overconfident"]["brier"] > result["calibrated"]["brier"]


def test_confident_mistakes_and_disagreements():
    y = np.array([1, 0, 1, 0, 1])
    p = np.array([0.05, 0.9, 0.6, 0.55, 0.8])  # wrong on rows 0 (|p - 0.5| = 0.45), 1 (0.4), 3 (0.05)
    assert analysis.confident_mistakes(y, p, k=2).tolist() == [0, 1]
    assert analysis.confident_mistakes(y, p, k=9).tolist() == [0, 1, 3]
    q = np.array([0.9, 0.1, 0.4, 0.45, 0.7])
    counts = analysis.disagreements(y, p, q)
    assert (counts["disagree"], counts["first_right"], counts["second_right"], counts["both_wrong"]) == (4, 1, 3, 0)
    assert counts["indices"].tolist() == [0, 1, 2, 3]


def test_test_reviews_follow_the_split_order(reviews_frame):
    from afrlib import prepare

    data = prepare.prepare(reviews_frame, maxlen=8, test_size=0.25, log=lambda line: None)
    frame = analysis.test_reviews(data, reviews_frame)
    assert frame["Id"].tolist() == list(data.ids_test) and frame["cleaned"].tolist() == list(data.text_test)
    by_id = reviews_frame.set_index("Id")
    assert frame["Text"].tolist() == by_id.loc[data.ids_test, "Text"].tolist()
    known = [sum(word in data.vocabulary for word in text.split()) for text in data.text_test]
    assert frame["tokens"].tolist() == known and frame["label"].tolist() == list(data.y_test)


def test_error_conclusion_names_weakest_slices_and_best_calibration():
    table = pd.DataFrame([
        {"slice": "short", "model": "m", "reviews": 100, "negative reviews": 20, "accuracy": 0.8, "ROC-AUC": 0.8,
         "negative F1": 0.30},
        {"slice": "long", "model": "m", "reviews": 100, "negative reviews": 20, "accuracy": 0.9, "ROC-AUC": 0.9,
         "negative F1": 0.70}])
    text = analysis.error_conclusion({"length": table}, {"m": 0.08, "b": 0.10},
                                     {"m": {"disagree": 7, "first_right": 3, "second_right": 4, "both_wrong": 2}})
    assert "m: weakest on short (length; negative F1 0.30" in text and "strongest on long (length; negative F1 0.70" in text
    assert "Calibration: best m (Brier 0.0800); b 0.1000." in text and "disagree on 7 reviews" in text
    small = analysis.error_conclusion({"length": table}, {"m": 0.08}, {}, min_negative=50)
    assert "weakest" not in small


def test_the_analysis_refuses_models_run_with_another_maxlen():
    records = {"lstm_1_layer": {"parameters": {"maxlen": 100, "sample_limit": None}}, "baseline": {"parameters": {}}}
    analysis.check_run_settings(records, maxlen=100, sample_limit=None)
    with pytest.raises(Exception, match="lstm_1_layer was run with maxlen=100 and this analysis with maxlen=50"):
        analysis.check_run_settings(records, maxlen=50, sample_limit=None)


def test_models_from_another_run_than_the_metrics_are_refused():
    from types import SimpleNamespace

    from afrlib.errors import DataError

    records = {"lstm_2_layer": {"test": {"roc_auc": 0.598}}}
    same = {"lstm_2_layer": SimpleNamespace(evaluation={"roc_auc": 0.598}, directory="m/lstm_2_layer")}
    analysis.check_models_match(records, same)
    other = {"lstm_2_layer": SimpleNamespace(evaluation={"roc_auc": 0.707}, directory="m/lstm_2_layer")}
    with pytest.raises(DataError, match=r"m/lstm_2_layer \(test ROC-AUC 0.7070\) was saved by another run"):
        analysis.check_models_match(records, other)
