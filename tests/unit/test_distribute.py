"""tf.distribute: a mirrored run over two logical CPU devices trains the single-device model."""

import json
import subprocess
import sys

import pytest

from afrlib import distribute
from afrlib.errors import ParameterError
from afrlib.parameters import check_parameter

# Runs in a fresh process: logical devices must be configured before TensorFlow starts.
MIRRORED_RUN = """
import json, sys
import numpy as np
import tensorflow as tf

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
from afrlib import distribute, models, prepare, training

data = prepare.load_prepared(sys.argv[1], 100, 1500, 42, cache_dir=sys.argv[2], log=lambda *a: None)
result = {}
for name in ("none", "mirrored"):
    training.set_seed(42)
    strategy = distribute.make_strategy(name)
    with strategy.scope():
        model = models.build_lstm_model(1, data.input_dim)
    run = training.train_model(model, data.x_train, data.y_train, 2, 100, 0.3, verbose=0, checkpoint_dir=None)
    test, probability = training.evaluate_model(model, data.x_test, data.y_test, 1000)
    result[name] = {"replicas": strategy.num_replicas_in_sync, "loss": run["history"]["loss"],
                    "test_loss": test["test_loss"], "probability": probability.tolist()}
print("RESULT " + json.dumps(result))
"""


def test_a_mirrored_run_over_two_devices_matches_one_device(tmp_path):
    from afrlib.paths import project_root

    done = subprocess.run([sys.executable, "-c", MIRRORED_RUN, str(project_root() / "data/sample/Reviews_sample.csv.gz"),
                           str(tmp_path)], capture_output=True, text=True, timeout=600)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0 and lines, done.stderr[-3000:]
    result = json.loads(lines[0].removeprefix("RESULT "))
    one, two = result["none"], result["mirrored"]
    assert (one["replicas"], two["replicas"]) == (1, 2)
    # Depth 1 has no Dropout, so both runs take the same updates; only the order of the float32 sums
    # differs (two half-batch gradients added, against one). Measured: predictions within 1.2e-7.
    assert one["loss"] == pytest.approx(two["loss"], abs=1e-5)
    assert one["test_loss"] == pytest.approx(two["test_loss"], abs=1e-5)
    assert max(abs(a - b) for a, b in zip(one["probability"], two["probability"])) < 1e-4
    assert one["loss"][1] < one["loss"][0]  # it trained


def test_strategy_names():
    assert check_parameter("strategy", " Mirrored ") == "mirrored" and check_parameter("strategy", "none") == "none"
    with pytest.raises(ParameterError, match="keras-team/keras issue 20585"):
        check_parameter("strategy", "multi-worker")
    with pytest.raises(ParameterError, match="must be one of none, mirrored"):
        check_parameter("strategy", "tpu")
    with pytest.raises(ParameterError, match="fast path trains on one device"):
        distribute.make_strategy("mirrored", fast=True)
