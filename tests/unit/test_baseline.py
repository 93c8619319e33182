"""The TF-IDF + logistic-regression baseline on a small prepared split."""

import pytest

from afrlib import baseline, prepare

from conftest import many_reviews


def test_baseline_learns_and_reports_the_shared_metrics():
    data = prepare.prepare(many_reviews(300, seed=5), maxlen=10, log=lambda line: None)
    pipeline, record = baseline.train_and_evaluate_baseline(data.text_train, data.y_train, data.text_test,
                                                            data.y_test)
    test = record["test"]
    # the fixture's polarity words separate the classes: a linear model must beat the floor
    assert test["accuracy"] > test["majority_accuracy"] and test["roc_auc"] > 0.9
    assert test["test_accuracy"] == test["accuracy"] and test["test_loss"] > 0
    assert record["n_parameters"] == record["n_features"] + 1
    vocabulary = pipeline[0].vocabulary_
    assert "terrible taste" in vocabulary  # bigrams are features
    assert record["model"] == baseline.MODEL_NAME


@pytest.mark.parametrize("missing", ["positive", "negative"])
def test_baseline_needs_both_classes(missing):
    data = prepare.prepare(many_reviews(100, seed=2), maxlen=10, log=lambda line: None)
    y = data.y_train * 0 + (1 if missing == "negative" else 0)
    with pytest.raises(ValueError):
        baseline.train_and_evaluate_baseline(data.text_train, y, data.text_test, data.y_test)
