"""Training beyond one device with ``tf.distribute``: the ``strategy`` parameter of the LSTM notebooks.

- ``none`` (default): TensorFlow's default strategy, one device (the CPU, or the first GPU).
- ``mirrored``: ``tf.distribute.MirroredStrategy``, every local GPU (or the logical devices configured),
  one copy of the model on each, gradients summed across them after every batch.

With a strategy, ``batch_size`` is the *global* batch: each of ``n`` replicas gets ``batch_size / n``
rows per step, and the optimizer takes one update per global batch, so the number of updates, and the
model trained, do not depend on the number of devices (up to the order of floating-point sums and the
random draws of Dropout, which differ per replica). Keras guide: "Multi-GPU distributed training with
TensorFlow" (keras.io/guides/distributed_training_with_tensorflow).

Several machines (``MultiWorkerMirroredStrategy``) are not offered: with the pinned Keras 3.15 and
TensorFlow 2.21, ``model.fit`` under that strategy fails at its first step ("Attempt to convert a value
(PerReplica ...) to a Tensor"; keras-team/keras issue 20585, open), which we reproduced with two workers
on 127.0.0.1, with NumPy arrays and with a ``tf.data`` dataset alike.
"""

from afrlib.errors import ParameterError

STRATEGIES = ("none", "mirrored")


def check_strategy(name, fast=False):
    """Return ``name`` when it is one of :data:`STRATEGIES`, else raise :class:`ParameterError`.

    ``fast=True`` (the length-bucketed fast path, :mod:`afrlib.fast`) takes ``none`` only.
    """
    if name == "multi-worker":
        raise ParameterError("strategy='multi-worker': training over several machines is not available: Keras 3's "
                             "model.fit fails under MultiWorkerMirroredStrategy (keras-team/keras issue 20585). "
                             "Use strategy='mirrored' for all GPUs of one machine.")
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
    return tf.distribute.get_strategy()


def describe(strategy, batch_size):
    """One line for the report: the strategy, its replicas and the rows each replica gets per step."""
    replicas = strategy.num_replicas_in_sync
    name = type(strategy).__name__
    if replicas == 1 and name == "_DefaultDistributionStrategy":
        return f"One device (no tf.distribute strategy); batches of {batch_size} reviews."
    return (f"{name} over {replicas} replica(s): each global batch of {batch_size} reviews is split into "
            f"{replicas} of about {batch_size // replicas}, one optimizer update per global batch.")
