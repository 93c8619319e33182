"""tf.distribute: a mirrored run over two logical CPU devices trains the single-device model; two workers on
127.0.0.1 train the same model as each other and as one process running the same loop."""

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


# One worker of a cluster (TF_CONFIG set), or with "single" one process running the same loop under the default
# strategy. As the depth notebooks do: seed, then strategy, then model; train_model and evaluate_model.
WORKER_RUN = """
import json, sys
from afrlib import distribute, models, prepare, training

data = prepare.load_prepared(sys.argv[1], 100, 600, 42, cache_dir=sys.argv[2], log=lambda *a: None)
training.set_seed(42)
if sys.argv[3] == "single":
    model = models.build_lstm_model(1, data.input_dim)
    run = distribute.fit_multi_worker(model, data.x_train, data.y_train, 1, 50, 0.3, 1608637542, verbose=0)
    probability = distribute.predict_probabilities(model, data.x_test)
    test = {}
else:
    strategy = distribute.make_strategy("multi-worker")
    with strategy.scope():
        model = models.build_lstm_model(1, data.input_dim)
    run = training.train_model(model, data.x_train, data.y_train, 1, 50, 0.3, verbose=0, checkpoint_dir=None)
    test, probability = training.evaluate_model(model, data.x_test, data.y_test, 1000)
print("RESULT " + json.dumps({"history": run["history"], "n_fit": run["n_fit"], "test_loss": test.get("test_loss"),
                              "probability": probability.tolist()}))
"""


def free_ports(n):
    import socket

    sockets = [socket.socket() for _ in range(n)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def test_two_workers_on_localhost_train_the_same_model(tmp_path):
    import os

    from afrlib.paths import project_root

    data = str(project_root() / "data/sample/Reviews_sample.csv.gz")
    workers = [f"127.0.0.1:{port}" for port in free_ports(2)]
    processes = []
    for index in (0, 1):
        config = {"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}}
        env = {**os.environ, "TF_CONFIG": json.dumps(config)}
        processes.append(subprocess.Popen([sys.executable, "-c", WORKER_RUN, data, str(tmp_path / f"cache{index}"), "worker"],
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env))
    results = []
    for process in processes:
        out, err = process.communicate(timeout=600)
        lines = [line for line in out.splitlines() if line.startswith("RESULT ")]
        assert process.returncode == 0 and lines, err[-3000:]
        results.append(json.loads(lines[0].removeprefix("RESULT ")))
    # The seed drawn inside train_model (1608637542 after set_seed(42)) makes the single run's batches the same.
    done = subprocess.run([sys.executable, "-c", WORKER_RUN, data, str(tmp_path / "cache"), "single"],
                          capture_output=True, text=True, timeout=600)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0 and lines, done.stderr[-3000:]
    single = json.loads(lines[0].removeprefix("RESULT "))
    first, second = results
    assert first["probability"] == second["probability"] and first["history"] == second["history"]  # the workers agree
    assert first["n_fit"] == single["n_fit"] and 0 < first["test_loss"] < 0.69  # it trained
    # Two half-batch gradients summed across processes against one whole-batch gradient: the float32 sums differ.
    assert first["history"]["loss"] == pytest.approx(single["history"]["loss"], abs=1e-6)
    assert max(abs(a - b) for a, b in zip(first["probability"], single["probability"])) < 1e-5


def test_strategy_names(monkeypatch):
    assert check_parameter("strategy", " Mirrored ") == "mirrored" and check_parameter("strategy", "none") == "none"
    assert check_parameter("strategy", "multi-worker") == "multi-worker"
    with pytest.raises(ParameterError, match="must be one of none, mirrored, multi-worker"):
        check_parameter("strategy", "tpu")
    for config in (None, "{}", '{"cluster": {"worker": ["a:1"]}, "task": {"type": "worker", "index": 1}}'):
        if config is None:
            monkeypatch.delenv("TF_CONFIG", raising=False)
        else:
            monkeypatch.setenv("TF_CONFIG", config)
        with pytest.raises(ParameterError, match="needs the environment variable TF_CONFIG"):
            distribute.make_strategy("multi-worker")
    with pytest.raises(ParameterError, match="fast path trains on one device"):
        distribute.make_strategy("mirrored", fast=True)
