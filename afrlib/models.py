"""The three LSTM architectures of the original 2019 Keras 2 course notebook, in Keras 3.

Differences from the 2019 Keras 2.2 notebook, all forced by Keras 3 and stated in the reports:
the input is declared with ``keras.Input(shape=(maxlen,))`` (``input_length`` is gone), and the
LSTM gates use the Keras 3 default ``recurrent_activation="sigmoid"`` (Keras 2.2 used
``hard_sigmoid`` = 0.2x+0.5).
"""

import keras
from keras import layers, regularizers

from afrlib.errors import ParameterError, check_whole_number

DEPTHS = (1, 2, 3)

#: Hyper-parameters of each depth, as in the original notebook; read by the observation tables.
ARCHITECTURES = {
    1: {"units": [100], "dropout": None, "recurrent_dropout": None, "l2": None, "batch_norm": False},
    2: {"units": [50, 50], "dropout": 0.4, "recurrent_dropout": 0.4, "l2": None, "batch_norm": False},
    3: {"units": [50, 50, 50], "dropout": 0.4, "recurrent_dropout": 0.4, "l2": 0.01, "batch_norm": True},
}


#: TensorFlow threads of the CPU tuning: 1 per operation, 2 operations at a time (as the fast path's).
TUNED_THREADS = (1, 2)
#: ``cpu_tuning="auto"`` tunes from this many fitting rows per epoch (the full data has 203,935). Below it the
#: unrolled graph's longer first compilation (about 20 s at depth 1, 2-3 min at depths 2 and 3 on 2 cores)
#: costs more than the faster epochs save, and runs on the default sample (10,007 fitting rows) keep their settings.
TUNING_FROM_ROWS = 50_000


def cpu_tuning(setting, depth, n_train, validation_split=0.3, fast=False):
    """The CPU settings that train the original (unmasked) model faster with the same predictions.

    TensorFlow threads :data:`TUNED_THREADS` and ``LSTM(unroll=True)`` (the time steps as straight-line
    operations instead of a ``while`` loop), measured in ``bench/results.md`` ("The original settings,
    faster"; each variant in a fresh process, 2 cores): 1.3-1.8x the samples/s of the untuned depths at
    batches of 250 and 1000, with test probabilities within 1e-6 of the untuned run's (the order of
    float32 sums changes, nothing else).

    Args:
        setting: ``"auto"`` (tune when the fitting rows, ``int(n_train * (1 - validation_split))``, reach
            :data:`TUNING_FROM_ROWS`), ``True`` or ``False``.
        depth (int): 1-3.
        n_train (int): training rows, validation included.
        validation_split (float): share held out for validation.
        fast (bool): the fast path has its own threads and variable-width batches: never tuned here.

    Returns:
        dict: ``{"reason": str}`` for no tuning, else ``{"threads": (intra, inter), "unroll": True, "reason": str}``;
        the reason says why, in words, for the notebook's output and the metrics JSON.
    """
    fitting_rows = int(n_train * (1 - validation_split))
    if fast:
        return {"reason": "off: the fast path sets its own threads"}
    if setting is False:
        return {"reason": "off: cpu_tuning=False"}
    if setting == "auto" and fitting_rows < TUNING_FROM_ROWS:
        return {"reason": f"off: {fitting_rows:,} fitting rows, auto tunes from {TUNING_FROM_ROWS:,} (the unrolled graph "
                          "compiles longer than its faster epochs save on fewer)"}
    why = "cpu_tuning=True" if setting is True else f"{fitting_rows:,} fitting rows, auto tunes from {TUNING_FROM_ROWS:,}"
    return {"threads": TUNED_THREADS, "unroll": True, "reason": f"on: {why}; LSTMs unrolled, threads 1 x 2"}


def build_lstm_model(depth, input_dim, maxlen=100, embedding_dim=32, mask_padding=False, unroll=False):
    """Build and compile the original notebook's LSTM classifier of the given depth.

    Architectures (embedding ``embedding_dim``-d, glorot-normal init, then):

    - depth 1: LSTM(100) -> Dense(1, sigmoid)
    - depth 2: Dropout(0.4) -> LSTM(50) -> LSTM(50) -> Dropout(0.4) -> Dense(1, sigmoid),
      LSTMs with ``dropout=recurrent_dropout=0.4``
    - depth 3: BatchNorm -> Dropout(0.4) -> 3 x LSTM(50) (dropout/recurrent_dropout 0.4,
      L2 0.01 on the input kernels) -> Dropout(0.4) -> BatchNorm -> Dense(1, sigmoid)

    Compiled with Adam (Keras defaults, learning rate 0.001), binary cross-entropy and accuracy.

    Args:
        depth (int): number of stacked LSTM layers, 1, 2 or 3.
        input_dim (int): vocabulary size + 1 (index 0 is padding).
        maxlen (int): sequence length of the padded input.
        embedding_dim (int): embedding width (32 in the original).
        mask_padding (bool): ``True`` makes the embedding mask index 0 (``mask_zero=True``), so
            the LSTMs skip the padding instead of reading it, and the output no longer depends
            on how much padding a row has. Same layers and parameters. Required by the fast
            path (:mod:`afrlib.fast`), which cuts padding columns; ``False`` (default) is the
            original, whose LSTMs read all ``maxlen`` steps. A masked LSTM does not use cuDNN
            on a GPU (cuDNN accepts only masks of rows padded at the end).
        unroll (bool): ``LSTM(unroll=True)``: the same layers and weights, run as ``maxlen`` straight-line
            steps (faster on CPU with :func:`cpu_tuning`'s threads; a graph that compiles slower).
            Not with ``mask_padding`` (the fast path feeds batches of varying width).

    Returns:
        keras.Sequential: input ``(batch, maxlen)`` int, output ``(batch, 1)`` float32
        probability of the positive class.

    Raises:
        ParameterError: depth not in 1-3, a size below 1, or ``unroll`` with ``mask_padding``.
    """
    check_whole_number("depth", depth, 1, 3, " (stacked LSTM layers)")
    if unroll and mask_padding:
        raise ParameterError("unroll with mask_padding: the fast path feeds batches of varying width, which an "
                             "unrolled LSTM cannot take; use one of them.")
    for name, value in {"input_dim": input_dim, "maxlen": maxlen, "embedding_dim": embedding_dim}.items():
        check_whole_number(name, value, 1)
    spec = ARCHITECTURES[depth]
    stack = [keras.Input(shape=(maxlen,), name="tokens"),
             layers.Embedding(input_dim, embedding_dim, embeddings_initializer="glorot_normal",
                              mask_zero=bool(mask_padding), name="embedding")]
    if spec["batch_norm"]:
        stack.append(layers.BatchNormalization(name="batch_norm_in"))
    if spec["dropout"]:
        stack.append(layers.Dropout(spec["dropout"], name="dropout_in"))
    for index, units in enumerate(spec["units"], start=1):
        stack.append(layers.LSTM(
            units, return_sequences=index < len(spec["units"]),
            dropout=spec["dropout"] or 0.0, recurrent_dropout=spec["recurrent_dropout"] or 0.0,
            kernel_regularizer=regularizers.l2(spec["l2"]) if spec["l2"] else None,
            # cuDNN takes masks of right-padded rows only; ours are padded at the front.
            use_cudnn=False if mask_padding else "auto", unroll=bool(unroll), name=f"lstm_{index}"))
    if spec["dropout"]:
        stack.append(layers.Dropout(spec["dropout"], name="dropout_out"))
    if spec["batch_norm"]:
        stack.append(layers.BatchNormalization(name="batch_norm_out"))
    stack.append(layers.Dense(1, activation="sigmoid", name="output"))
    model = keras.Sequential(stack, name=f"lstm_{depth}_layer")
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model
