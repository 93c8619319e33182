"""The three architectures match the original notebook's parameter counts."""

import pytest

from afrlib.errors import ParameterError
from afrlib.models import TUNING_FROM_ROWS, build_lstm_model, cpu_tuning


@pytest.mark.parametrize("depth, input_dim, total, lstm_params", [
    (1, 64_869, 2_129_109, [53_200]),  # seed notebook, section 4.1 model.summary()
    (2, 72_396, 2_353_523, [16_600, 20_200]),  # section 4.2
    (3, 72_396, 2_374_051, [16_600, 20_200, 20_200]),  # section 4.3 (164 non-trainable BatchNorm)
])
def test_parameter_counts_match_the_original(depth, input_dim, total, lstm_params):
    model = build_lstm_model(depth, input_dim)
    assert model.count_params() == total
    assert [layer.count_params() for layer in model.layers if layer.name.startswith("lstm")] == lstm_params
    assert model.input_shape == (None, 100) and model.output_shape == (None, 1)


def test_depth_3_regularises_and_normalises():
    model = build_lstm_model(3, 50)
    names = [layer.name for layer in model.layers]
    assert names[:3] == ["embedding", "batch_norm_in", "dropout_in"] and names[-2:] == ["batch_norm_out", "output"]
    lstm = model.get_layer("lstm_1")
    assert lstm.dropout == 0.4 and lstm.recurrent_dropout == 0.4
    assert lstm.kernel_regularizer is not None and lstm.recurrent_activation.__name__ == "sigmoid"


@pytest.mark.parametrize("depth, input_dim", [(0, 10), (4, 10), (1, 0), ("2", 10), (2.0, 10), (1, None)])
def test_bad_sizes_are_named(depth, input_dim):
    with pytest.raises(ParameterError, match="depth|input_dim"):
        build_lstm_model(depth, input_dim)


def test_cpu_tuning_follows_the_fitting_rows_and_says_why():
    rows = int(TUNING_FROM_ROWS / 0.7) + 2  # just enough training rows for TUNING_FROM_ROWS fitting rows
    on = cpu_tuning("auto", 1, rows, 0.3)
    assert on["threads"] == (1, 2) and on["unroll"] and on["reason"].startswith("on: 50,001 fitting rows, auto tunes from 50,000")
    assert cpu_tuning("auto", 3, rows, 0.3)["threads"] == (1, 2) and cpu_tuning(True, 2, 100, 0.3)["unroll"]
    below = cpu_tuning("auto", 1, rows - 3, 0.3)
    assert "threads" not in below and below["reason"] == ("off: 49,998 fitting rows, auto tunes from 50,000 (the "
                                                          "unrolled graph compiles longer than its faster epochs save on fewer)")
    assert cpu_tuning(False, 1, 10**6) == {"reason": "off: cpu_tuning=False"}
    assert cpu_tuning(True, 1, 10**6, fast=True) == {"reason": "off: the fast path sets its own threads"}


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_an_unrolled_model_gives_the_same_predictions(depth):
    import numpy as np

    rolled = build_lstm_model(depth, 40, maxlen=12)
    unrolled = build_lstm_model(depth, 40, maxlen=12, unroll=True)
    assert unrolled.get_layer("lstm_1").unroll and not rolled.get_layer("lstm_1").unroll
    unrolled.set_weights(rolled.get_weights())
    x = np.random.default_rng(0).integers(0, 40, size=(64, 12)).astype("int32")
    x[:5, :7] = 0  # padded rows, as the original feeds them
    y = (x.sum(axis=1) % 2).astype("float32")
    assert np.abs(rolled.predict_on_batch(x) - unrolled.predict_on_batch(x)).max() < 1e-6
    if depth == 1:  # no dropout: one training step takes both to the same weights
        rolled.train_on_batch(x, y), unrolled.train_on_batch(x, y)
        assert np.abs(rolled.predict_on_batch(x) - unrolled.predict_on_batch(x)).max() < 1e-6
    with pytest.raises(ParameterError, match="unroll with mask_padding"):
        build_lstm_model(depth, 40, maxlen=12, mask_padding=True, unroll=True)
