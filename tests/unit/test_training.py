"""Seeded training and evaluation on a small prepared split."""

import numpy as np
import pytest

from afrlib import models, prepare, training
from afrlib.errors import DataError, ParameterError

from conftest import many_reviews


@pytest.fixture(scope="module")
def small_data():
    return prepare.prepare(many_reviews(300), maxlen=12, log=lambda line: None)


def fit_once(data, depth=1, seed=7):
    training.set_seed(seed)
    model = models.build_lstm_model(depth, data.input_dim, maxlen=12, embedding_dim=8)
    run = training.train_model(model, data.x_train, data.y_train, epochs=2, batch_size=32,
                               validation_split=0.25, verbose=0)
    test, probability = training.evaluate_model(model, data.x_test, data.y_test, batch_size=32)
    return model, run, test, probability


def test_training_records_history_and_timings(small_data):
    _, run, test, probability = fit_once(small_data)
    assert set(run["history"]) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(values) == 2 for values in run["history"].values())
    assert len(run["epoch_seconds"]) == 2 and run["train_seconds"] >= sum(run["epoch_seconds"])
    assert run["n_fit"] + run["n_validation"] == len(small_data.x_train)
    assert probability.shape == (len(small_data.x_test),)
    # Keras' accuracy and scikit-learn's agree (same 0.5 threshold)
    assert test["test_accuracy"] == pytest.approx(test["accuracy"], abs=1e-6)


@pytest.mark.parametrize("depth", [2, 3])
def test_deeper_models_train(small_data, depth):
    _, run, test, _ = fit_once(small_data, depth=depth)
    assert np.isfinite(run["history"]["loss"]).all() and 0 <= test["roc_auc"] <= 1


def test_same_seed_same_results(small_data):
    first, second = fit_once(small_data)[1:3], fit_once(small_data)[1:3]
    assert first[0]["history"] == second[0]["history"]
    assert first[1] == second[1]


@pytest.mark.parametrize("kwargs, name", [
    ({"epochs": 0}, "epochs"), ({"batch_size": 0}, "batch_size"), ({"validation_split": 1.0}, "validation_split"),
    ({"validation_split": 0}, "validation_split"), ({"batch_size": 10_000}, "batch_size=10000 is larger"),
    ({"epochs": True}, "epochs"), ({"validation_split": "0.3"}, "validation_split"), ({"batch_size": 2.0}, "batch_size"),
    ({"validation_split": 0.999}, "Lower batch_size or validation_split"),  # the split, not the batch, is the cause
])
def test_training_parameters_out_of_range_are_named(kwargs, name):
    settings = {"epochs": 1, "batch_size": 10, "validation_split": 0.3, "n_train": 100, **kwargs}
    with pytest.raises(ParameterError, match=name):
        training.check_training_parameters(**settings)


def test_validation_rows_of_one_polarity_are_refused_before_training():
    y = [0, 1] * 50 + [1, 1]
    training.check_training_parameters(1, 10, 0.3, len(y), y)
    with pytest.raises(ParameterError, match="validation_split=0.01 leaves 2 validation review"):
        training.check_training_parameters(1, 10, 0.01, len(y), y)


def test_a_split_with_too_few_of_a_polarity_is_refused():
    enough = np.array([0] * 10 + [1] * 50)
    with pytest.raises(DataError, match="test split holds 0 negative and 2 positive reviews"):
        training.check_both_classes(enough, np.array([1, 1]))
    with pytest.raises(DataError, match="test split holds 1 negative and 15 positive .* at least 10 of each"):
        training.check_both_classes(enough, np.array([0] + [1] * 15))  # one negative: degenerate intervals
    with pytest.raises(DataError, match="train split holds 9 negative"):
        training.check_both_classes(np.array([0] * 9 + [1] * 50), enough)
    training.check_both_classes(enough, enough)


def test_environment_names_versions():
    facts = training.environment()
    assert {"python", "tensorflow", "keras", "numpy", "pandas", "cpu_count"} <= set(facts)


def test_original_updates_batch_size():
    from afrlib.budget import optimizer_updates, resolve_batch_size

    assert resolve_batch_size("original-updates", 291_336, 0.3) == 1000  # the full data: the original's batch
    assert optimizer_updates(291_336, 1000, 10) == 2040
    assert resolve_batch_size("original-updates", 14_296, 0.3) == 49  # the default sample
    assert optimizer_updates(14_296, 49, 10) == 2050
    assert resolve_batch_size("original-updates", 100, 0.3) == 1  # never 0
    assert resolve_batch_size(250, 14_296) == 250
    for bad in ("1000", "original", 0, 2.5, True, None):
        with pytest.raises(ParameterError, match="batch_size"):
            resolve_batch_size(bad, 14_296)


def test_depth_notebooks_default_to_the_measured_batch_sizes():
    """The parameters cells hold the batch sizes that afrlib.budget documents (and the summary explains)."""
    import papermill

    from afrlib import project_root
    from afrlib.budget import DEFAULT_BATCH_SIZES, budget_reason

    for depth, expected in DEFAULT_BATCH_SIZES.items():
        parameters = papermill.inspect_notebook(str(project_root() / f"notebooks/lstm_{depth}_layer.ipynb"))
        assert parameters["batch_size"]["default"] == repr(expected)
        assert budget_reason(depth, expected).startswith(f"default for depth {depth}")
    assert "2,040" in budget_reason(2, "original-updates") and budget_reason(2, 64) == "set in the run's parameters"
    assert "204 updates per epoch" in budget_reason(2, "original-updates", epochs=1)  # not "keep 2,040"
    assert "(measured" not in budget_reason(2, 250, 10, updates=410)  # the default sample's run
    assert budget_reason(2, 250, 1, updates=3).endswith(  # a tiny run: its reason was not measured on it
        "(measured at 410 updates, on the default sample over 10 epochs; this run made 3)")
