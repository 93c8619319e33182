"""Classification metrics (scikit-learn) and the metrics JSON files every report writes and reads."""

import json
from pathlib import Path

import numpy as np
from sklearn import metrics as skm

from afrlib.errors import DataError
from afrlib.paths import atomic_path

CLASS_NAMES = ("negative", "positive")


def classification_metrics(y_true, probability, threshold=0.5):
    """Metrics of a probabilistic classifier on one split, with scikit-learn.

    Args:
        y_true: ``(n,)`` labels 0/1.
        probability: ``(n,)`` float probability of the positive class.
        threshold: a review is called positive when ``probability > threshold`` (as Keras'
            binary accuracy does).

    Returns:
        dict: ``accuracy``, ``roc_auc``, ``majority_accuracy`` (share of the larger class:
        the floor any model must beat), ``per_class`` (``negative``/``positive`` ->
        precision, recall, f1, support), ``confusion_matrix`` (2x2 list, rows = true class
        negative/positive, columns = predicted), ``roc_curve`` (``fpr`` on a 0..1 grid of 101
        points and the interpolated ``tpr``), ``n``.

    Raises:
        DataError: ``y_true`` holds a single class (ROC-AUC is undefined).
    """
    y_true = np.asarray(y_true).astype(int).ravel()
    probability = np.asarray(probability, dtype=float).ravel()
    if len(np.unique(y_true)) < 2:
        raise DataError("ROC-AUC needs both polarities among the evaluated reviews; only one is present.")
    predicted = (probability > threshold).astype(int)
    report = skm.classification_report(y_true, predicted, labels=[0, 1], target_names=CLASS_NAMES,
                                       output_dict=True, zero_division=0)
    fpr, tpr, _ = skm.roc_curve(y_true, probability)
    grid = np.linspace(0, 1, 101)
    share_positive = float(y_true.mean())
    return {
        "n": int(len(y_true)),
        "accuracy": float(skm.accuracy_score(y_true, predicted)),
        "roc_auc": float(skm.roc_auc_score(y_true, probability)),
        "majority_accuracy": max(share_positive, 1 - share_positive),
        "per_class": {name: {"precision": report[name]["precision"], "recall": report[name]["recall"],
                             "f1": report[name]["f1-score"], "support": int(report[name]["support"])}
                      for name in CLASS_NAMES},
        "confusion_matrix": skm.confusion_matrix(y_true, predicted, labels=[0, 1]).tolist(),
        "roc_curve": {"fpr": grid.tolist(), "tpr": np.interp(grid, fpr, tpr).round(5).tolist()},
    }


def write_json(payload, path):
    """Write ``payload`` as indented JSON, atomically (:func:`afrlib.paths.atomic_path`); returns the path."""
    with atomic_path(path) as temporary:
        temporary.write_text(json.dumps(payload, indent=1) + "\n")
    return Path(path)


def read_metrics(paths):
    """Load metrics JSON files written by the notebooks.

    Returns:
        list[dict]: one record per path, in the order of ``paths``.

    Raises:
        FileNotFoundError: a file is missing (run its notebook first, e.g. ``make reports``).
        DataError: a file is not valid JSON, or the records were computed on different data
            (another source file or test split): tables mixing them would compare nothing.
    """
    loaded = []
    for path in paths:
        if not Path(path).is_file():
            raise FileNotFoundError(f"{path} is missing: run its notebook first (make reports).")
        try:
            loaded.append(json.loads(Path(path).read_text()))
        except json.JSONDecodeError as exc:
            raise DataError(f"{path} is not valid JSON ({exc}). Delete it and run make reports again.") from exc
    splits = {(r.get("data") or {}).get("source_sha256", r.get("manifest", {}).get("source_sha256")) for r in loaded}
    if len(splits - {None}) > 1:
        raise DataError(f"{', '.join(map(str, paths))} were computed from different data files; run make reports "
                        "so that every report uses the same DATA.")
    return loaded
