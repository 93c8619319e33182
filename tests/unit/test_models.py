"""The three architectures match the original notebook's parameter counts."""

import pytest

from afrlib.errors import ParameterError
from afrlib.models import build_lstm_model


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
