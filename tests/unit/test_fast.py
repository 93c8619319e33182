"""The fast path (afrlib.fast) and the scale-input generator of the benchmark (bench/make_scale_input.py)."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from afrlib import data as afrdata
from afrlib import fast, models, prepare, training
from afrlib.errors import ParameterError

from conftest import many_reviews

MAXLEN = 12


@pytest.fixture(scope="module")
def small_data():
    return prepare.prepare(many_reviews(300), maxlen=MAXLEN, log=lambda line: None)


def ragged(n=60, maxlen=MAXLEN, vocabulary=30, seed=0):
    """``n`` pre-padded rows of every length 0..maxlen, in random order."""
    rng = np.random.default_rng(seed)
    x = np.zeros((n, maxlen), dtype=np.int32)
    for row, length in zip(x, rng.permutation(np.arange(n) % (maxlen + 1))):
        if length:
            row[-length:] = rng.integers(1, vocabulary, length)
    return x


def model(depth=1, mask_padding=True, input_dim=30, seed=3):
    training.set_seed(seed)
    return models.build_lstm_model(depth, input_dim, maxlen=MAXLEN, embedding_dim=8, mask_padding=mask_padding)


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_masked_model_has_the_same_architecture(depth):
    plain, masked = model(depth, False), model(depth, True)
    assert [type(layer) for layer in plain.layers] == [type(layer) for layer in masked.layers]
    assert [w.shape for w in plain.weights] == [w.shape for w in masked.weights]
    assert plain.count_params() == masked.count_params()
    assert not plain.layers[0].mask_zero and masked.layers[0].mask_zero


def test_lengths_and_batches():
    x = ragged()
    lengths = fast.sequence_lengths(x)
    assert lengths.tolist() == [int(np.count_nonzero(row)) for row in x]
    for rng in (None, np.random.default_rng(1)):
        batches = fast.bucketed_batches(lengths, 16, rng, pool_batches=2)
        assert sorted(np.concatenate(batches).tolist()) == list(range(len(x)))  # every row once
        assert sorted(len(b) for b in batches) == [12, 16, 16, 16]  # Keras' batch sizes
    sorted_rows = np.concatenate(fast.bucketed_batches(lengths, 16))
    assert (np.diff(lengths[sorted_rows]) >= 0).all()
    one = fast.bucketed_batches(lengths, 16, np.random.default_rng(1))
    again = fast.bucketed_batches(lengths, 16, np.random.default_rng(1))
    assert all((a == b).all() for a, b in zip(one, again))
    # batches of a shuffled pool hold rows of similar length: less padding than random batches
    width = sum(len(b) * lengths[b].max() for b in one)
    assert width < 16 * 3 * MAXLEN + 12 * MAXLEN


def test_fast_predictions_equal_full_padding_in_row_order():
    x = ragged()
    m = model(1)
    full = m.predict(x, batch_size=16, verbose=0).ravel()
    quick = fast.predict(m, x, batch_size=16)
    assert quick.shape == (len(x),)
    np.testing.assert_allclose(quick, full, atol=1e-5)
    y = (np.arange(len(x)) % 2).astype("int8")
    slow_metrics, _ = training.evaluate_model(m, x, y, batch_size=16)
    fast_metrics, probability = training.evaluate_model(m, x, y, batch_size=16, fast=True)
    np.testing.assert_allclose(probability, full, atol=1e-5)
    assert fast_metrics.keys() == slow_metrics.keys()
    assert fast_metrics["test_loss"] == pytest.approx(slow_metrics["test_loss"], abs=1e-5)


def test_full_length_rows_give_the_default_models_predictions():
    x = np.random.default_rng(0).integers(1, 30, (40, MAXLEN)).astype("int32")
    plain, masked = model(1, False), model(1, True, seed=99)
    masked.set_weights(plain.get_weights())
    np.testing.assert_allclose(fast.predict(masked, x, batch_size=16),
                               plain.predict(x, batch_size=16, verbose=0).ravel(), atol=1e-6)


def fit_fast(data, depth=1, seed=7, epochs=2):
    m = model(depth, True, data.input_dim, seed)
    run = training.train_model(m, data.x_train, data.y_train, epochs=epochs, batch_size=32,
                               validation_split=0.25, verbose=0, fast=True)
    return m, run


def test_fast_training_is_seeded_and_validates_on_the_last_rows(small_data):
    m, run = fit_fast(small_data)
    assert set(run) == {"history", "epoch_seconds", "train_seconds", "n_fit", "n_validation"}
    assert set(run["history"]) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(values) == 2 for values in run["history"].values()) and len(run["epoch_seconds"]) == 2
    assert (run["n_fit"], run["n_validation"]) == (180, 60)  # Keras: floor(240 * 0.75) rows fit
    assert fit_fast(small_data)[1]["history"] == run["history"]
    # validation is the last 25 % of the rows, scored with the weights at the end of the epoch
    loss, accuracy = m.evaluate(small_data.x_train[180:], small_data.y_train[180:], verbose=0)
    assert run["history"]["val_loss"][-1] == pytest.approx(loss, abs=1e-5)
    assert run["history"]["val_accuracy"][-1] == pytest.approx(accuracy, abs=1e-6)


def test_fast_history_is_what_keras_fit_reports_on_the_same_batches(small_data, depth=1):
    """The per-batch loop of the fast path reproduces fit's epoch figures and weights.

    Depth 1 has no dropout; with dropout (depths 2, 3) the masks drawn after a retrace differ
    from fit's (measured: same first epoch, losses 0.4 % apart in the second), as any reseeding would.
    """
    import tensorflow as tf

    m, run = fit_fast(small_data, depth=depth, epochs=2)
    reference = model(depth, True, small_data.input_dim, seed=7)
    rng = np.random.default_rng(np.random.randint(2**31 - 1))  # the draw fast.train_model makes after set_seed
    x, y = small_data.x_train, small_data.y_train

    def batches(x, y, rng):
        for rows, batch in fast.trimmed_batches(x, 32, rng):
            yield batch, y[rows]

    spec = (tf.TensorSpec((None, None), tf.int32), tf.TensorSpec((None,), tf.as_dtype(y.dtype)))
    n_fit = run["n_fit"]
    fit_data = tf.data.Dataset.from_generator(lambda: batches(x[:n_fit], y[:n_fit], rng), output_signature=spec)
    val_data = tf.data.Dataset.from_generator(lambda: batches(x[n_fit:], y[n_fit:], None), output_signature=spec)
    fit_data = fit_data.apply(tf.data.experimental.assert_cardinality(-(-n_fit // 32)))
    history = reference.fit(fit_data, validation_data=val_data, epochs=2, verbose=0, shuffle=False).history
    for key, values in run["history"].items():
        np.testing.assert_allclose(values, history[key], rtol=1e-5, atol=1e-6, err_msg=key)
    for ours, theirs in zip(m.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-6)


def test_deepest_model_trains_fast_and_predicts_like_full_padding(small_data):
    m, run = fit_fast(small_data, depth=3, epochs=1)
    assert np.isfinite(run["history"]["val_loss"]).all()
    x = small_data.x_test
    np.testing.assert_allclose(fast.predict(m, x, batch_size=16), m.predict(x, batch_size=16, verbose=0).ravel(),
                               atol=1e-5)


def test_dropout_models_train_repeatably(small_data):
    assert fit_fast(small_data, depth=2, epochs=1)[1]["history"] == fit_fast(small_data, depth=2, epochs=1)[1]["history"]


def test_bad_batch_size_and_no_rows_are_refused():
    m, x = model(1), ragged()
    for bad in (0, -5, 2.5):
        with pytest.raises(ParameterError, match="batch_size"):
            fast.predict(m, x, batch_size=bad)
    with pytest.raises(ParameterError, match="No rows"):
        fast.evaluate_model(m, x[:0], np.zeros(0, "int8"))


def test_unmasked_model_is_refused(small_data):
    with pytest.raises(ParameterError, match="mask_padding=True"):
        training.train_model(model(1, False, small_data.input_dim), small_data.x_train, small_data.y_train,
                             epochs=1, batch_size=32, fast=True)
    with pytest.raises(ParameterError, match="mask_padding=True"):
        training.evaluate_model(model(1, False), ragged(), np.zeros(60, "int8"), fast=True)


def load_generator():
    path = Path(__file__).resolve().parents[2] / "bench/make_scale_input.py"
    spec = importlib.util.spec_from_file_location("make_scale_input", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_scale_input_has_the_full_releases_proportions(tmp_path):
    gen = load_generator()
    sample = many_reviews(200)
    sample.loc[sample.index % 10 == 0, "Score"] = 3
    rows = 5000
    table = gen.scale_reviews(sample, rows=rows, seed=1)
    assert len(table) == rows and table["Id"].tolist() == list(range(1, rows + 1))
    n_score3 = int((table["Score"] == 3).sum())
    assert n_score3 == round(rows * gen.SCORE3_FRACTION)
    kept = prepare.filter_and_label(table)
    removed = len(kept) - len(prepare.deduplicate(kept))
    assert removed == round(gen.DUPLICATE_FRACTION * (rows - n_score3))
    assert 0.30 < removed / len(kept) < 0.32 and 0.07 < n_score3 / rows < 0.08
    assert gen.scale_reviews(sample, rows=rows, seed=1).equals(table)
    out = tmp_path / "Reviews.csv"
    gen.write_csv(table, out)
    assert afrdata.load_reviews(out).equals(afrdata.validate_reviews(table, out))


def test_set_threads_before_tensorflow_starts_and_a_clear_error_after():
    import subprocess
    import sys

    script = ("from afrlib import fast, models, training\n"
              "assert fast.set_threads() == fast.THREADS\n"
              "training.set_seed(1); models.build_lstm_model(1, 10)\n"
              "assert fast.set_threads() == fast.THREADS\n"
              "try:\n    fast.set_threads(2, 2)\nexcept Exception as exc:\n    print(type(exc).__name__, exc)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ParameterError set_threads(2, 2)") and "before building a model" in done.stdout
