"""Fast training and evaluation of the same models: length-bucketed batches, all-padding columns cut.

The prepared arrays are padded at the front to ``maxlen`` (100), but after cleaning the median
review has about 20 tokens, so most LSTM steps of the default path run over padding. Here every
batch holds reviews of similar length and loses its leading columns that are padding in all its
rows, so a batch of 20-token reviews runs about 20 LSTM steps instead of 100:

- training: every epoch the fitting rows are shuffled, sorted by length within pools of
  :data:`POOL_BATCHES` batches, cut into batches, and the batches shuffled (the "sortish" sampler
  of fastai's ``SortishSampler`` and AllenNLP's ``BucketIterator``: batches stay random while
  their rows have similar lengths);
- validation and test: rows sorted by length, probabilities put back in the original row order.
- the batches go through Keras' ``train_on_batch`` / ``test_on_batch`` / ``predict_on_batch``
  (:func:`epoch_logs`), not ``fit``: the same compiled step and the same epoch figures, without
  the slowdown ``fit`` showed on these variable-width batches (``bench/results.md``).

The model must mask its padding (``build_lstm_model(..., mask_padding=True)``: same layers,
parameters and hyper-parameters, ``mask_zero=True`` on the embedding). Cutting padding columns
is then exact up to float rounding: a masked model gives the same output for a row whatever its
padding, so its predictions here equal ``model.predict`` on the full ``maxlen`` arrays (and
``python -m afrlib predict``). An unmasked model trained on cut batches meets long runs of
padding only at prediction time (depth 1, 2 epochs on 50,000 rows of a generated input: its
probabilities on cut and on full rows differed by up to 0.36). Against the default path, the
differences are the mask (the original's LSTMs read the padding) and the batch composition;
speed and test accuracy of both are measured in ``bench/results.md``. Randomness comes from
NumPy's global generator, which :func:`afrlib.training.set_seed` seeds.
"""

import time

import numpy as np

#: TensorFlow threads of the fast configuration: (intra-op, inter-op). One thread per operation
#: and two operations at a time: the LSTM's many small matrix products (four per gate set with
#: the seed's recurrent dropout) gain more from running side by side than from being split.
#: On the project's 2-core machine depth 1 trained 1.12x faster than with TensorFlow's default
#: (2, 2), and 1.5x faster than with (1, 1) or (2, 1) (``bench/results.md``, candidates).
THREADS = (1, 2)

#: Batches per sorting pool in training: larger pools waste fewer padding steps but make batches
#: less random. With 50 batches of 1000 reviews, batches are 31.5 columns wide on average for a
#: mean review length of 30.0 (``bench/results.md``, 50,000 reviews of the generated input).
POOL_BATCHES = 50


def sequence_lengths(x):
    """Tokens after the front padding of each row.

    Args:
        x (numpy.ndarray): ``(n, maxlen)`` int token indices, 0 = padding at the front.

    Returns:
        numpy.ndarray: ``(n,)`` int64, ``maxlen`` minus the leading zeros of each row
        (0 for an all-padding row).
    """
    x = np.asarray(x)
    nonzero = x != 0
    first = np.argmax(nonzero, axis=1)
    return np.where(nonzero.any(axis=1), x.shape[1] - first, 0).astype(np.int64)


def bucketed_batches(lengths, batch_size, rng=None, pool_batches=POOL_BATCHES):
    """Split row positions ``0..n-1`` into batches of rows of similar length.

    Args:
        lengths (numpy.ndarray): ``(n,)`` row lengths (:func:`sequence_lengths`).
        batch_size (int): rows per batch; the last batch holds the ``n % batch_size`` rest, as
            in Keras, so an epoch has the same number of steps as the default path.
        rng (numpy.random.Generator | None): ``None`` sorts all rows by length (stable) for
            evaluation; a generator gives the shuffled training order described in the module.
        pool_batches (int): batches per sorting pool when ``rng`` is given.

    Returns:
        list[numpy.ndarray]: int64 arrays of row positions, each row exactly once.
    """
    lengths = np.asarray(lengths)
    if rng is None:
        order = np.argsort(lengths, kind="stable")
    else:
        order = rng.permutation(len(lengths))
        pool = batch_size * pool_batches
        for start in range(0, len(order), pool):
            chunk = order[start:start + pool]
            order[start:start + pool] = chunk[np.argsort(lengths[chunk], kind="stable")]
    batches = [order[i:i + batch_size] for i in range(0, len(order), batch_size)]
    if rng is not None:
        batches = [batches[i] for i in rng.permutation(len(batches))]
    return batches


def trimmed_batches(x, batch_size, rng=None):
    """Length-bucketed batches of ``x`` without their all-padding leading columns.

    Args:
        x (numpy.ndarray): ``(n, maxlen)`` int sequences, padded at the front.
        batch_size (int): rows per batch.
        rng (numpy.random.Generator | None): as in :func:`bucketed_batches`.

    Yields:
        tuple[numpy.ndarray, numpy.ndarray]: ``(rows, x[rows, maxlen - w:])`` in the order of
        :func:`bucketed_batches`: int64 row positions and the ``(len(rows), w)`` batch, ``w``
        the longest row of the batch (at least 1).
    """
    x = np.asarray(x)
    lengths = sequence_lengths(x)
    for rows in bucketed_batches(lengths, batch_size, rng):
        width = max(int(lengths[rows].max()), 1)
        yield rows, x[rows, x.shape[1] - width:]


def epoch_logs(step, x, y, batch_size, rng=None):
    """One pass of ``step`` (``model.train_on_batch`` or ``test_on_batch``) over the trimmed batches of ``x``.

    Keras' own loop (``fit`` on a ``tf.data`` dataset of the same batches) would do, but on the
    project's 2-core CPU it ran the same training step 1.8x (depth 1) and 1.9x (depth 3) slower,
    the wide batches taking about twice as long inside it (``bench/results.md``, "through ``fit``").

    Args:
        step: a bound Keras ``train_on_batch`` / ``test_on_batch`` of a masked model.
        x, y: ``(n, maxlen)`` sequences padded at the front and ``(n,)`` labels.
        batch_size (int), rng (numpy.random.Generator | None): as in :func:`trimmed_batches`.

    Returns:
        dict: batch-size-weighted means (float) of the step's logs (``loss``, ``accuracy``):
        Keras' epoch figures, as ``fit`` and ``evaluate`` report them.

    Raises:
        ParameterError: ``x`` has no rows, or ``batch_size`` is not a whole number >= 1.
    """
    from afrlib.errors import ParameterError, check_whole_number

    check_whole_number("batch_size", batch_size, 1)
    if len(x) == 0:
        raise ParameterError("No rows to train or score on: give at least one sequence.")
    y = np.asarray(y)
    totals, rows_seen = {}, 0
    for rows, batch in trimmed_batches(x, batch_size, rng):
        logs = step(batch, y[rows], return_dict=True)
        for key, value in logs.items():
            totals[key] = totals.get(key, 0.0) + float(value) * len(rows)
        rows_seen += len(rows)
    return {key: total / rows_seen for key, total in totals.items()}


def set_threads(intra=THREADS[0], inter=THREADS[1]):
    """Set TensorFlow's thread pools to the fast configuration's :data:`THREADS`.

    Call it once per process, before any model is built (before or after
    :func:`afrlib.training.set_seed`); TensorFlow fixes its threads when it starts running. It
    applies to everything the process runs afterwards; results repeat for a fixed setting but
    differ slightly from runs with other thread counts (oneDNN).

    Args:
        intra (int): threads that one operation may use (0 = TensorFlow's default).
        inter (int): operations run at the same time (0 = TensorFlow's default).

    Returns:
        tuple[int, int]: the (intra, inter) now in force.

    Raises:
        ParameterError: TensorFlow has already started (a model was built or an operation ran)
            with other thread settings.
    """
    import tensorflow as tf

    from afrlib.errors import ParameterError

    current = (tf.config.threading.get_intra_op_parallelism_threads(),
               tf.config.threading.get_inter_op_parallelism_threads())
    if current == (intra, inter):
        return current
    try:
        tf.config.threading.set_intra_op_parallelism_threads(intra)
        tf.config.threading.set_inter_op_parallelism_threads(inter)
    except RuntimeError as exc:
        raise ParameterError(
            f"set_threads({intra}, {inter}): TensorFlow has started already with threads {current} ({exc}). "
            "Call afrlib.fast.set_threads() before building a model, e.g. in the first cell, or restart "
            "the kernel.") from exc
    return intra, inter


def check_masked(model):
    """Raise :class:`afrlib.errors.ParameterError` unless ``model`` starts with an embedding that masks index 0.

    Cutting padding columns changes the output of a model that reads its padding; see the module
    docstring.
    """
    from afrlib.errors import ParameterError

    embedding = next((layer for layer in model.layers if hasattr(layer, "mask_zero")), None)
    if embedding is None or not embedding.mask_zero:
        raise ParameterError(
            f"fast=True needs a model that masks its padding; {model.name} reads it. Build it with "
            "afrlib.models.build_lstm_model(..., mask_padding=True), or use fast=False.")


def train_model(model, x_train, y_train, epochs=10, batch_size=1000, validation_split=0.3, verbose=2):
    """Fit like :func:`afrlib.training.train_model`, with length-bucketed, trimmed batches.

    Validation is the last ``validation_split`` of the rows (the newest reviews), as in Keras,
    scored after each epoch; batch size, epochs, optimizer and model are unchanged. The epochs
    run Keras' ``train_on_batch`` / ``test_on_batch`` (see :func:`epoch_logs` for why not ``fit``),
    so the history holds the figures ``fit`` would report.

    Args:
        model: a compiled Keras model built with ``mask_padding=True``
            (:func:`afrlib.models.build_lstm_model`).
        x_train: ``(n_train, maxlen)`` int32 sequences, padded at the front.
        y_train: ``(n_train,)`` labels, 0/1.
        epochs, batch_size, validation_split: as in ``keras.Model.fit``.
        verbose (int): 0 silent, otherwise one line per epoch (as ``fit`` with ``verbose=2``).

    Returns:
        dict: the same keys as :func:`afrlib.training.train_model`: ``history`` (``loss``,
        ``accuracy``, ``val_loss``, ``val_accuracy``: lists of ``epochs`` floats),
        ``epoch_seconds`` (list, s), ``train_seconds`` (s), ``n_fit``, ``n_validation`` (rows).

    Raises:
        ParameterError: see :func:`afrlib.training.check_training_parameters`, or a model that
            does not mask its padding (:func:`check_masked`).
    """
    from afrlib.training import check_training_parameters

    check_training_parameters(epochs, batch_size, validation_split, len(x_train), y_train)
    check_masked(model)
    x_train, y_train = np.asarray(x_train), np.asarray(y_train)
    n_fit = int(len(x_train) * (1 - validation_split))
    rng = np.random.default_rng(np.random.randint(2**31 - 1))  # seeded by training.set_seed
    history = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
    epoch_seconds = []
    started = time.perf_counter()
    for epoch in range(1, epochs + 1):
        epoch_started = time.perf_counter()
        logs = epoch_logs(model.train_on_batch, x_train[:n_fit], y_train[:n_fit], batch_size, rng)
        validation = epoch_logs(model.test_on_batch, x_train[n_fit:], y_train[n_fit:], batch_size)
        logs.update({f"val_{key}": value for key, value in validation.items()})
        for key in history:
            history[key].append(logs[key])
        epoch_seconds.append(time.perf_counter() - epoch_started)
        if verbose:
            print(f"Epoch {epoch}/{epochs} - {epoch_seconds[-1]:.0f}s - "
                  + " - ".join(f"{key}: {logs[key]:.4f}" for key in history), flush=True)
    return {"history": history, "epoch_seconds": epoch_seconds, "train_seconds": time.perf_counter() - started,
            "n_fit": n_fit, "n_validation": len(x_train) - n_fit}


def predict(model, x, batch_size=1000):
    """Probabilities of ``model`` for the rows of ``x``, in their order, from length-sorted batches.

    Args:
        model: a Keras model with one sigmoid output that masks its padding.
        x: ``(n, maxlen)`` int32 sequences, padded at the front.
        batch_size (int): rows per batch.

    Returns:
        numpy.ndarray: ``(n,)`` float32, row ``i`` the probability of ``x[i]``.

    Raises:
        ParameterError: a model that does not mask its padding (:func:`check_masked`), or
            ``batch_size`` not a whole number >= 1.
    """
    from afrlib.errors import check_whole_number

    check_masked(model)
    check_whole_number("batch_size", batch_size, 1)
    probability = np.empty(len(x), dtype=np.float32)
    for rows, batch in trimmed_batches(x, batch_size):
        probability[rows] = np.asarray(model.predict_on_batch(batch)).ravel()
    return probability


def evaluate_model(model, x_test, y_test, batch_size=1000):
    """Test-split evaluation like :func:`afrlib.training.evaluate_model`, from length-sorted batches.

    Returns:
        tuple[dict, numpy.ndarray]: the metrics (Keras ``test_loss`` (with any regularization
        terms, as ``model.evaluate``), ``test_accuracy``, and the keys of
        :func:`afrlib.metrics.classification_metrics`) and the ``(n_test,)`` float32
        probabilities in the original row order.

    Raises:
        ParameterError: a model that does not mask its padding (:func:`check_masked`), no test
            rows, or ``batch_size`` not a whole number >= 1.
    """
    from afrlib.metrics import classification_metrics

    check_masked(model)
    x_test, y_test = np.asarray(x_test), np.asarray(y_test)
    logs = epoch_logs(model.test_on_batch, x_test, y_test, batch_size)
    probability = predict(model, x_test, batch_size)
    return {"test_loss": logs["loss"], "test_accuracy": logs["accuracy"],
            **classification_metrics(y_test, probability)}, probability
