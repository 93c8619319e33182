"""Seeded training and test-split evaluation of the Keras models."""

import os
import platform
import shutil
import sys
import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from afrlib.budget import (ORIGINAL_UPDATES_COUNT, optimizer_updates,  # noqa: F401 (the notebooks' names)
                           resolve_batch_size)
from afrlib import distribute, resume
from afrlib.errors import DataError, ParameterError, check_fraction, check_whole_number
from afrlib.metrics import CLASS_NAMES, classification_metrics
from afrlib.resume import CHECKPOINT_ROOT


def set_seed(seed):
    """Seed Python, NumPy and TensorFlow (``keras.utils.set_random_seed``) and make TF ops deterministic.

    With the same seed, data, thread count and machine, two trainings give identical weights;
    across machines oneDNN kernels may differ slightly (compare with a tolerance).
    """
    keras.utils.set_random_seed(int(seed))
    tf.config.experimental.enable_op_determinism()


def check_training_parameters(epochs, batch_size, validation_split, n_train, y_train=None):
    """Raise :class:`ParameterError` (naming the parameter) when a training setting cannot work.

    Args:
        epochs (int): >= 1.
        batch_size (int): >= 1 and no larger than the rows left for fitting.
        validation_split (float): strictly between 0 and 1 (Keras takes the *last* fraction of
            the training rows, i.e. the most recent reviews on our time-ordered split); with ``y_train``,
            those rows must hold both polarities (their ROC-AUC picks ``--model best``).
        n_train (int): rows in the training split.
        y_train: ``(n_train,)`` labels 0/1, or None.
    """
    check_whole_number("epochs", epochs, 1, hint=" (the original used 10)")
    check_whole_number("batch_size", batch_size, 1, hint=" (the original used 1000)")
    check_fraction("validation_split", validation_split, " (the original used 0.3)")
    n_fit = int(n_train * (1 - validation_split))
    if n_fit < batch_size:
        raise ParameterError(
            f"batch_size={batch_size} is larger than the {n_fit} training reviews left after "
            f"validation_split={validation_split} of {n_train}. Lower batch_size"
            f"{' or validation_split (the original used 0.3)' if validation_split > 0.5 else ''}, or use more data "
            "(a larger sample_limit or file).")
    if y_train is not None and len(set(np.asarray(y_train)[n_fit:].tolist())) < 2:
        raise ParameterError(
            f"validation_split={validation_split} leaves {n_train - n_fit} validation review(s) of {n_train}, with "
            "only one polarity: their ROC-AUC, which the reports and --model best use, needs both. Use a larger "
            "validation_split (the original used 0.3).")


#: Reviews of each polarity a split needs: with fewer, the test split's negative F1 and the bootstrap's 95 % intervals
#: say nothing (one negative review gives F1 0 or 1 and an interval of a single point, or none).
MIN_PER_CLASS = 10


def check_both_classes(y_train, y_test):
    """Raise :class:`DataError` when the train or test labels hold fewer than :data:`MIN_PER_CLASS` of a class.

    Accuracy would still be computed, but ROC-AUC, per-class metrics, their bootstrap intervals and the
    logistic-regression baseline need both polarities, a few of each.

    Args:
        y_train, y_test: ``(n,)`` labels 0 (negative) / 1 (positive).
    """
    for name, labels in (("train", y_train), ("test", y_test)):
        counts = {CLASS_NAMES[c]: int(np.sum(np.asarray(labels) == c)) for c in (0, 1)}
        if min(counts.values()) < MIN_PER_CLASS:
            raise DataError(
                f"The {name} split holds {counts['negative']} negative and {counts['positive']} positive reviews: "
                f"ROC-AUC, per-class metrics and their 95 % intervals need at least {MIN_PER_CLASS} of each "
                "polarity. Use more reviews (a larger sample_limit or the full file).")


class EpochTimer(keras.callbacks.Callback):
    """Keras callback: records the wall time of every epoch, in seconds, in ``self.seconds``."""

    def on_train_begin(self, logs=None):
        self.seconds = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds.append(time.perf_counter() - self._start)
        if logs is not None:  # logged by CSVLogger too, so a resumed run keeps every epoch's time
            logs["epoch_seconds"] = self.seconds[-1]


def train_model(model, x_train, y_train, epochs=10, batch_size=1000, validation_split=0.3, verbose=2,
                fast=False, checkpoint_dir=CHECKPOINT_ROOT, callbacks=()):
    """Fit a compiled model as the original notebook did (one line per epoch with ``verbose=2``).

    Args:
        model: a compiled Keras model (:func:`afrlib.models.build_lstm_model`).
        x_train: ``(n_train, maxlen)`` int32 padded sequences.
        y_train: ``(n_train,)`` labels, 0/1.
        epochs, batch_size, validation_split: as in ``keras.Model.fit``; validation is the
            last ``validation_split`` of the rows (the newest training reviews).
        fast (bool): ``True`` trains on length-bucketed batches without their all-padding
            columns (:func:`afrlib.fast.train_model`; the model must be built with
            ``mask_padding=True``; same architecture and settings, several times faster on CPU,
            measured in ``bench/results.md``); ``False`` (default) is the original's
            ``model.fit`` on the padded arrays.
        checkpoint_dir: folder of the checkpoints of unfinished runs (default
            ``data/processed/checkpoints``, relative to the working directory: the notebooks run at
            the project root), or None for none. Each completed epoch is saved there
            (``keras.callbacks.BackupAndRestore`` and ``CSVLogger``, :mod:`afrlib.resume`); calling
            again with the same model, data and settings after an interruption resumes at the last
            completed epoch, and prints so. The run's folder is removed when it completes. Not used
            with ``fast=True``.
        callbacks: further Keras callbacks, run after the checkpointing ones.

    A model built under ``MultiWorkerMirroredStrategy`` (``strategy="multi-worker"``) is trained by
    :func:`afrlib.distribute.fit_multi_worker` instead of ``fit`` (no checkpoints, no callbacks).

    Returns:
        dict: ``history`` (``loss``, ``accuracy``, ``val_loss``, ``val_accuracy``: lists of
        ``epochs`` floats, the whole run's even when resumed), ``epoch_seconds`` (list of floats, s),
        ``train_seconds`` (float, s, this call only), ``n_fit`` and ``n_validation`` (rows),
        ``resumed_at_epoch`` (int: completed epochs found in a checkpoint, 0 for a fresh run).

    Raises:
        ParameterError: see :func:`check_training_parameters`; with ``fast=True``, also a model
            that does not mask its padding.
    """
    if fast:
        from afrlib import fast as fast_path

        return fast_path.train_model(model, x_train, y_train, epochs, batch_size, validation_split, verbose)
    check_training_parameters(epochs, batch_size, validation_split, len(x_train), y_train)
    if distribute.is_multi_worker(model):  # model.fit fails there (afrlib.distribute)
        started = time.perf_counter()
        seed = int(np.random.randint(2**31 - 1))  # the same on every worker: set_seed seeded NumPy alike
        run = distribute.fit_multi_worker(model, x_train, y_train, epochs, batch_size, validation_split, seed, verbose)
        return {**run, "train_seconds": time.perf_counter() - started, "resumed_at_epoch": 0}
    timer = EpochTimer()
    steps, resumed, directory = [timer], 0, None
    if checkpoint_dir is not None:
        directory = Path(checkpoint_dir) / resume.run_key(model, x_train, y_train, epochs, batch_size, validation_split)
        resumed = resume.completed_epochs(directory)
        if resumed:
            print(f"Resuming at epoch {resumed + 1} of {epochs}: an earlier run of these settings was interrupted "
                  f"after {resumed} completed epoch{'s' if resumed > 1 else ''} (checkpoint {directory}).", flush=True)
        directory.mkdir(parents=True, exist_ok=True)
        steps += [keras.callbacks.CSVLogger(str(directory / resume.HISTORY_FILE), append=True),
                  keras.callbacks.BackupAndRestore(str(directory / "backup"), delete_checkpoint=False)]
    started = time.perf_counter()
    fitted = model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, validation_split=validation_split,
                       verbose=verbose, callbacks=steps + list(callbacks))
    history = {k: [float(v) for v in values] for k, values in fitted.history.items() if k != "epoch_seconds"}
    epoch_seconds = timer.seconds
    if directory is not None:
        rows = resume.read_history_rows(directory / resume.HISTORY_FILE)
        history = {key: [row[key] for row in rows] for key in history}
        epoch_seconds = [row["epoch_seconds"] for row in rows]
        shutil.rmtree(directory, ignore_errors=True)
    n_validation = len(x_train) - int(len(x_train) * (1 - validation_split))
    return {"history": history, "epoch_seconds": epoch_seconds, "train_seconds": time.perf_counter() - started,
            "n_fit": len(x_train) - n_validation, "n_validation": n_validation, "resumed_at_epoch": resumed}


def evaluate_model(model, x_test, y_test, batch_size=1000, fast=False):
    """Test-split evaluation: Keras loss/accuracy plus :func:`classification_metrics`.

    ``fast=True`` scores length-sorted batches without their all-padding columns
    (:func:`afrlib.fast.evaluate_model`), for models built with ``mask_padding=True``: the same
    figures as ``fast=False`` on such a model, faster.

    Returns:
        tuple[dict, numpy.ndarray]: the metrics (``test_loss``, ``test_accuracy`` and the keys
        of :func:`classification_metrics`) and the ``(n_test,)`` float32 probabilities.
    """
    if fast:
        from afrlib import fast as fast_path

        return fast_path.evaluate_model(model, x_test, y_test, batch_size)
    if distribute.is_multi_worker(model):  # model.evaluate and predict fail there (afrlib.distribute)
        probability = distribute.predict_probabilities(model, x_test, batch_size)
        y = np.asarray(y_test, dtype="float32")
        loss = np.mean(keras.losses.binary_crossentropy(y[:, None], probability[:, None]))
        accuracy = np.mean((probability > 0.5) == y)
        return {"test_loss": float(loss), "test_accuracy": float(accuracy),
                **classification_metrics(y_test, probability)}, probability
    loss, accuracy = model.evaluate(x_test, y_test, batch_size=batch_size, verbose=0)
    probability = model.predict(x_test, batch_size=batch_size, verbose=0).ravel()
    return {"test_loss": float(loss), "test_accuracy": float(accuracy),
            **classification_metrics(y_test, probability)}, probability


def environment():
    """Versions and machine facts recorded in every metrics JSON and report.

    Returns:
        dict: ``python``, ``tensorflow``, ``keras``, ``numpy``, ``pandas``, ``scikit-learn``
        versions, ``platform``, ``cpu_count`` and TensorFlow's intra/inter-op thread settings
        (0 = TensorFlow's default, one per core).
    """
    import pandas
    import sklearn

    return {"python": sys.version.split()[0], "tensorflow": tf.__version__, "keras": keras.__version__,
            "numpy": np.__version__, "pandas": pandas.__version__, "scikit-learn": sklearn.__version__,
            "platform": platform.platform(), "cpu_count": os.cpu_count(),
            "intra_op_threads": tf.config.threading.get_intra_op_parallelism_threads(),
            "inter_op_threads": tf.config.threading.get_inter_op_parallelism_threads()}


