"""Precise BatchNorm statistics: they repair unconverged moving averages and leave converged ones alone."""

import keras
import numpy as np
import pytest

from afrlib import batchnorm, models
from afrlib.errors import ParameterError


def small_model(momentum=0.99):
    """Dense input -> BatchNorm -> Dense(1): the moving statistics are the only state besides the weights."""
    keras.utils.set_random_seed(0)
    return keras.Sequential([keras.Input(shape=(4,)), keras.layers.BatchNormalization(momentum=momentum, name="bn"),
                             keras.layers.Dense(1, name="out")])


@pytest.fixture
def inputs():
    """1,000 rows whose features have means 5, -3, 0, 10 and standard deviations 2, 1, 0.5, 3."""
    rng = np.random.default_rng(1)
    return (rng.normal(size=(1000, 4)) * [2, 1, 0.5, 3] + [5, -3, 0, 10]).astype("float32")


def test_repairs_unconverged_statistics(inputs):
    model = small_model()  # moving statistics still at their initial mean 0 / variance 1
    trainable = [w.numpy().copy() for w in model.trainable_weights]
    reference = np.asarray(model(inputs, training=True))  # normalised with the statistics of all rows
    assert np.abs(np.asarray(model(inputs, training=False)) - reference).max() > 1  # broken at inference
    unconverged = model.get_layer("bn").moving_mean.numpy().copy()  # 1 % of the way from 0 after that call
    change = batchnorm.precise_batchnorm_statistics(model, inputs, batch_size=100)
    layer = model.get_layer("bn")
    # Equal-size batches covering every row: the average of the batch means is the mean of all rows.
    np.testing.assert_allclose(layer.moving_mean.numpy(), inputs.mean(axis=0), rtol=1e-5, atol=1e-5)
    # The average of batch variances (n = 100, biased) is close to the variance of all rows.
    np.testing.assert_allclose(layer.moving_variance.numpy(), inputs.var(axis=0), rtol=0.05)
    np.testing.assert_allclose(np.asarray(model(inputs, training=False)), reference, atol=0.05)
    assert all(np.array_equal(w.numpy(), old) for w, old in zip(model.trainable_weights, trainable))
    np.testing.assert_array_equal(change["bn"]["before"]["mean"], unconverged)
    np.testing.assert_array_equal(change["bn"]["after"]["mean"], layer.moving_mean.numpy())
    assert layer.momentum == 0.99  # restored


def test_is_a_no_op_on_converged_statistics(inputs):
    model = small_model(momentum=0.9)
    rng = np.random.default_rng(2)
    for _ in range(400):  # 400 training-mode batches: the moving averages converge
        model(inputs[rng.choice(len(inputs), 100, replace=False)], training=True)
    layer = model.get_layer("bn")
    converged = layer.moving_mean.numpy().copy(), layer.moving_variance.numpy().copy()
    before = np.asarray(model(inputs, training=False))
    batchnorm.precise_batchnorm_statistics(model, inputs, batch_size=100)
    # Changes stay within the noise of a momentum-0.9 average of batch means: its sd is
    # sqrt(0.1 / 1.9) * sigma / sqrt(100) = 0.023 sigma; allowed: 0.1 sigma, over 4 sd.
    sigma = inputs.std(axis=0)
    assert (np.abs(layer.moving_mean.numpy() - converged[0]) < 0.1 * sigma).all()
    np.testing.assert_allclose(layer.moving_variance.numpy(), converged[1], rtol=0.15)
    np.testing.assert_allclose(np.asarray(model(inputs, training=False)), before, atol=0.1)


def test_a_failed_step_leaves_the_model_as_it_was(inputs):
    model = small_model()
    layer = model.get_layer("bn")
    old = layer.moving_mean.numpy().copy(), layer.moving_variance.numpy().copy()
    with pytest.raises(Exception):
        batchnorm.precise_batchnorm_statistics(model, np.ones((200, 5), "float32"), batch_size=100)  # wrong width
    np.testing.assert_array_equal(layer.moving_mean.numpy(), old[0])
    np.testing.assert_array_equal(layer.moving_variance.numpy(), old[1])
    assert layer.momentum == 0.99


def test_depth_3_input_batchnorm_gets_the_embedding_statistics():
    keras.utils.set_random_seed(3)
    model = models.build_lstm_model(3, 50, maxlen=10, embedding_dim=8)
    x = np.random.default_rng(4).integers(0, 50, size=(300, 10)).astype("int32")
    change = batchnorm.precise_batchnorm_statistics(model, x, batch_size=100)
    assert list(change) == ["batch_norm_in", "batch_norm_out"]
    embedded = model.get_layer("embedding").embeddings.numpy()[x].reshape(-1, 8)  # Dropout comes after this BatchNorm
    np.testing.assert_allclose(model.get_layer("batch_norm_in").moving_mean.numpy(), embedded.mean(axis=0),
                               rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(model.get_layer("batch_norm_in").moving_variance.numpy(), embedded.var(axis=0), rtol=0.1)
    table = batchnorm.statistics_table(change)
    assert list(table["layer"]) == ["batch_norm_in", "batch_norm_in", "batch_norm_out", "batch_norm_out"]


def test_models_without_batchnorm_and_bad_arguments(inputs):
    model = models.build_lstm_model(1, 50, maxlen=10, embedding_dim=8)
    assert batchnorm.precise_batchnorm_statistics(model, np.zeros((10, 10), "int32"), batch_size=5) == {}
    with pytest.raises(ParameterError, match="batch_size"):
        batchnorm.precise_batchnorm_statistics(small_model(), inputs, batch_size=0)
    with pytest.raises(ParameterError, match="full batch"):
        batchnorm.precise_batchnorm_statistics(small_model(), inputs[:50], batch_size=100)


def test_inference_mode_gathers_the_statistics_the_model_meets_at_inference():
    keras.utils.set_random_seed(5)
    model = models.build_lstm_model(3, 50, maxlen=10, embedding_dim=8)
    x = np.random.default_rng(6).integers(0, 50, size=(300, 10)).astype("int32")
    probe = keras.Model(model.inputs, model.get_layer("batch_norm_out").input)  # what the output BatchNorm normalises
    batchnorm.precise_batchnorm_statistics(model, x, batch_size=300, mode="inference")  # input BatchNorm first
    seen = np.asarray(probe(x, training=False))  # Dropout off, as at inference
    layer = model.get_layer("batch_norm_out")
    np.testing.assert_allclose(layer.moving_mean.numpy(), seen.mean(axis=0), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(layer.moving_variance.numpy(), seen.var(axis=0), rtol=1e-3, atol=1e-6)
    inference_variance = layer.moving_variance.numpy().copy()
    batchnorm.precise_batchnorm_statistics(model, x, batch_size=300, mode="training")
    assert (layer.moving_variance.numpy() > inference_variance).mean() > 0.9  # Dropout's variance shift
    rates = [model.get_layer("dropout_in").rate, model.get_layer("lstm_1").cell.dropout,
             model.get_layer("lstm_1").cell.recurrent_dropout]
    assert rates == [0.4, 0.4, 0.4]  # restored
    batchnorm.precise_batchnorm_statistics(model, x, batch_size=300, mode="inference")
    batchnorm.precise_batchnorm_statistics(model, x, batch_size=300, mode="inference")  # its own fixed point
    np.testing.assert_allclose(layer.moving_variance.numpy(), inference_variance, rtol=1e-5)
    with pytest.raises(ParameterError, match="mode"):
        batchnorm.precise_batchnorm_statistics(model, x, batch_size=300, mode="eval")
