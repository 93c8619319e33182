"""Resume an interrupted training run at its last completed epoch.

Keras does the checkpointing: ``keras.callbacks.BackupAndRestore`` saves the weights, the optimizer
state and the epoch after every epoch and restores them when ``fit`` starts again;
``keras.callbacks.CSVLogger`` (appending) keeps every epoch's metrics, so the history of a resumed run
is the whole run's. The folder of a run is named after a fingerprint of everything that defines it
(:func:`run_key`): the architecture and its initial weights (which carry the seed), the training
arrays, epochs, batch size and validation split. Rerunning the same notebook with the same parameters
finds the folder and resumes; a changed parameter or data file gives another fingerprint and starts
afresh. The folder is deleted when the run completes.
"""

import csv
import hashlib
import json
import shutil
from pathlib import Path

import numpy as np

#: Where ``afrlib.training.train_model`` keeps the checkpoints of unfinished runs (relative to the
#: project root; git-ignored with the rest of ``data/processed``).
CHECKPOINT_ROOT = Path("data/processed/checkpoints")
HISTORY_FILE = "history.csv"


def run_key(model, x_train, y_train, epochs, batch_size, validation_split):
    """Fingerprint of a training run, computed before it starts (hex str, 16 characters).

    Args:
        model: the compiled, untrained Keras model (its configuration and initial weights count).
        x_train, y_train: the training arrays; epochs, batch_size, validation_split: as in ``fit``.
    """
    digest = hashlib.sha256()
    digest.update(json.dumps(model.get_config(), sort_keys=True, default=str).encode())
    for array in [*model.get_weights(), np.ascontiguousarray(x_train), np.ascontiguousarray(y_train)]:
        digest.update(str(array.shape).encode() + str(array.dtype).encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    digest.update(json.dumps([int(epochs), int(batch_size), float(validation_split)]).encode())
    return digest.hexdigest()[:16]


def completed_epochs(directory):
    """Epochs a checkpoint folder holds: those both saved by BackupAndRestore and logged (int, 0 if none).

    A log with fewer rows than the saved epochs cannot give the whole history: the folder is
    cleared and 0 returned (the run starts afresh). Extra log rows (an epoch logged, then
    interrupted before its checkpoint) are dropped.
    """
    directory = Path(directory)
    metadata = directory / "backup" / "training_metadata.json"
    log = directory / HISTORY_FILE
    if not metadata.is_file():
        shutil.rmtree(directory, ignore_errors=True)
        return 0
    saved = int(json.loads(metadata.read_text())["epoch"])
    rows = read_history_rows(log)
    if len(rows) < saved:
        shutil.rmtree(directory, ignore_errors=True)
        return 0
    if len(rows) > saved:
        write_history_rows(log, rows[:saved])
    return saved


def read_history_rows(path):
    """Rows of a CSVLogger file as dicts of floats (``epoch`` as int); [] when there is none."""
    path = Path(path)
    if not path.is_file():
        return []
    with open(path, newline="") as handle:
        return [{key: (int(value) if key == "epoch" else float(value)) for key, value in row.items()}
                for row in csv.DictReader(handle)]


def write_history_rows(path, rows):
    """Rewrite a CSVLogger file with ``rows`` (same columns)."""
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]) if rows else ["epoch"])
        writer.writeheader()
        writer.writerows(rows)
