"""Training beyond one device with ``tf.distribute``: the ``strategy`` parameter of the LSTM notebooks.

- ``none`` (default): TensorFlow's default strategy, one device (the CPU, or the first GPU).
- ``mirrored``: ``tf.distribute.MirroredStrategy``, every local GPU (or the logical devices configured),
  one copy of the model on each, gradients summed across them after every batch.

With a strategy, ``batch_size`` is the *global* batch: each of ``n`` replicas gets ``batch_size / n``
rows per step, and the optimizer takes one update per global batch, so the number of updates, and the
model trained, do not depend on the number of devices (up to the order of floating-point sums and the
random draws of Dropout, which differ per replica). Keras guide: "Multi-GPU distributed training with
TensorFlow" (keras.io/guides/distributed_training_with_tensorflow).

- ``multi-worker``: ``tf.distribute.MultiWorkerMirroredStrategy`` over the machines named in the
  ``TF_CONFIG`` environment variable (the same notebook and parameters run on each machine, each with its
  own ``task``). Keras 3's ``model.fit``, ``evaluate`` and ``predict`` fail under that strategy at their
  first step ("Attempt to convert a value (PerReplica ...) to a Tensor"; keras-team/keras issue 20585,
  open, reproduced with the pinned Keras 3.15 / TensorFlow 2.21), so :func:`fit_multi_worker` trains with
  a custom loop (``strategy.run`` per global batch, the pattern of TensorFlow's guide "Custom training
  with tf.distribute.Strategy") and :func:`predict_probabilities` scores with direct model calls.
"""

import json
import os
import time

import numpy as np

from afrlib.errors import ParameterError

STRATEGIES = ("none", "mirrored", "multi-worker")


def check_strategy(name, fast=False):
    """Return ``name`` when it is one of :data:`STRATEGIES`, else raise :class:`ParameterError`.

    ``fast=True`` (the length-bucketed fast path, :mod:`afrlib.fast`) takes ``none`` only.
    """
    if name not in STRATEGIES:
        raise ParameterError(f"strategy={name!r}: must be one of {', '.join(STRATEGIES)}.")
    if fast and name != "none":
        raise ParameterError(f"strategy={name!r} with fast=True: the fast path trains on one device; use one of them.")
    return name


def make_strategy(name="none", fast=False):
    """The ``tf.distribute`` strategy for ``name`` (:data:`STRATEGIES`).

    Build and compile the model inside ``strategy.scope()``; ``model.fit`` then spreads each global batch
    over the strategy's replicas. The default strategy's scope changes nothing.

    Returns:
        tf.distribute.Strategy: ``num_replicas_in_sync`` is the number of model copies.

    Raises:
        ParameterError: see :func:`check_strategy`.
    """
    import tensorflow as tf

    check_strategy(name, fast)
    if name == "mirrored":
        return tf.distribute.MirroredStrategy()
    if name == "multi-worker":
        check_tf_config(os.environ.get("TF_CONFIG"))
        return tf.distribute.MultiWorkerMirroredStrategy()
    return tf.distribute.get_strategy()


def check_tf_config(text):
    """Refuse a missing or malformed ``TF_CONFIG`` (the cluster and this machine's task) for ``multi-worker``.

    Raises:
        ParameterError: naming what is missing, with an example.
    """
    example = ('TF_CONFIG=\'{"cluster": {"worker": ["host1:12345", "host2:12345"]}, "task": {"type": "worker", '
               '"index": 0}}\' (index 1 on the second machine)')
    try:
        config = json.loads(text or "")
        workers = config["cluster"]["worker"]
        index = config["task"]["index"]
        assert config["task"]["type"] == "worker" and isinstance(workers, list) and 0 <= index < len(workers)
    except (ValueError, KeyError, TypeError, AssertionError):
        raise ParameterError(f"strategy='multi-worker' needs the environment variable TF_CONFIG naming every worker "
                             f"and this machine's index; got {text!r}. Set it on each machine, e.g. {example}.") from None


def is_multi_worker(model):
    """True when ``model`` was built under a ``MultiWorkerMirroredStrategy`` scope."""
    import tensorflow as tf

    return isinstance(model.distribute_strategy, tf.distribute.MultiWorkerMirroredStrategy)


def predict_probabilities(model, x, batch_size=1000):
    """``(n,)`` float32 probabilities from direct model calls (``training=False``), in batches.

    Works under every strategy, including ``MultiWorkerMirroredStrategy``, where ``model.predict`` fails;
    every worker computes all rows with its copy of the (identical) weights.
    """
    parts = [np.asarray(model(x[start:start + batch_size], training=False)).ravel()
             for start in range(0, len(x), batch_size)]
    return np.concatenate(parts).astype("float32") if parts else np.zeros(0, dtype="float32")


def fit_multi_worker(model, x_train, y_train, epochs, batch_size, validation_split, seed, verbose=2):
    """Train ``model`` (built and compiled under a ``MultiWorkerMirroredStrategy`` scope) with a custom loop.

    The same as ``model.fit(..., shuffle=True)`` in what it computes: the first ``1 - validation_split`` of
    the rows are fitted in shuffled global batches of ``batch_size`` (each worker takes every n-th row of
    a batch; gradients are summed over workers, one optimizer update per global batch, the loss scaled by the
    global batch); the rest are the validation rows, scored after each epoch. The shuffle order comes from
    ``seed`` and the epoch, so it is the same on every worker. Two workers on 127.0.0.1 gave each other
    identical losses and test probabilities, and one process running this loop under the default strategy
    losses within 2e-8 and probabilities within 1.2e-7 (depth 1, 2 epochs, 600 reviews; the unit test,
    ``tests/unit/test_distribute.py``, runs one epoch).
    No epoch checkpoints: an interrupted multi-worker run starts afresh.

    Args:
        model: compiled Keras model (its optimizer and losses are used).
        x_train: ``(n_train, maxlen)`` int32; y_train: ``(n_train,)`` 0/1.
        epochs, batch_size, validation_split, seed: as for :func:`afrlib.training.train_model`.
        verbose: 0 silent, else one line per epoch.

    Returns:
        dict: ``history`` (``loss``, ``accuracy``, ``val_loss``, ``val_accuracy``), ``epoch_seconds``,
        ``n_fit``, ``n_validation``, as :func:`afrlib.training.train_model`.
    """
    import keras
    import tensorflow as tf

    strategy = model.distribute_strategy
    n_fit = int(len(x_train) * (1 - validation_split))
    x_fit, y_fit = x_train[:n_fit], np.asarray(y_train[:n_fit], dtype="float32")
    x_val, y_val = x_train[n_fit:], np.asarray(y_train[n_fit:], dtype="float32")
    per_row = keras.losses.BinaryCrossentropy(reduction="none")

    @tf.function
    def step(x, y, global_size):
        def replica_step(x, y, global_size):
            with tf.GradientTape() as tape:
                probability = model(x, training=True)
                loss = tf.reduce_sum(per_row(y[:, None], probability)) / tf.cast(global_size, tf.float32)
                if model.losses:  # L2 of depth 3, counted once over the replicas
                    loss += tf.nn.scale_regularization_loss(tf.add_n(model.losses))
            gradients = tape.gradient(loss, model.trainable_variables)
            model.optimizer.apply_gradients(zip(gradients, model.trainable_variables))
            right = tf.reduce_sum(tf.cast(tf.equal(tf.cast(probability[:, 0] > 0.5, tf.float32), y), tf.float32))
            return loss, right
        loss, right = strategy.run(replica_step, args=(x, y, global_size))
        return strategy.reduce("SUM", loss, axis=None), strategy.reduce("SUM", right, axis=None)

    history = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
    seconds = []
    for epoch in range(epochs):
        started = time.perf_counter()
        order = np.random.default_rng([seed, epoch]).permutation(n_fit)

        def dataset(context, order=order):
            def share(x, y):  # this worker's rows of a global batch, and the global batch's size
                part = slice(context.input_pipeline_id, None, context.num_input_pipelines)
                return x[part], y[part], tf.shape(x)[0]
            return tf.data.Dataset.from_tensor_slices((x_fit[order], y_fit[order])).batch(batch_size).map(share)

        total, right = 0.0, 0.0
        for x, y, size in strategy.distribute_datasets_from_function(dataset):
            loss, correct = step(x, y, size)
            total += float(loss) * float(strategy.experimental_local_results(size)[0])
            right += float(correct)
        probability = predict_probabilities(model, x_val)
        history["loss"].append(total / n_fit)
        history["accuracy"].append(right / n_fit)
        history["val_loss"].append(float(np.mean(per_row(y_val[:, None], probability[:, None]))))
        history["val_accuracy"].append(float(np.mean((probability > 0.5) == y_val)))
        seconds.append(time.perf_counter() - started)
        if verbose:
            print(f"Epoch {epoch + 1}/{epochs} - {seconds[-1]:.0f}s - " + " - ".join(
                f"{key}: {values[-1]:.4f}" for key, values in history.items()), flush=True)
    return {"history": history, "epoch_seconds": seconds, "n_fit": n_fit, "n_validation": len(x_train) - n_fit}


def describe(strategy, batch_size):
    """One line for the report: the strategy, its replicas and the rows each replica gets per step."""
    replicas = strategy.num_replicas_in_sync
    name = type(strategy).__name__
    if replicas == 1 and name == "_DefaultDistributionStrategy":
        return f"One device (no tf.distribute strategy); batches of {batch_size} reviews."
    return (f"{name} over {replicas} replica(s): each global batch of {batch_size} reviews is split into "
            f"{replicas} of about {batch_size // replicas}, one optimizer update per global batch.")
