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


#: The three test metrics every comparison reports, in this order; names as shown to readers.
HEADLINE_METRICS = {"accuracy": "accuracy", "roc_auc": "ROC-AUC", "negative_f1": "negative F1"}


def headline_metrics(y_true, probability, threshold=0.5):
    """Accuracy, ROC-AUC and negative-class F1 of one model on one split, fast enough to bootstrap.

    The same values as scikit-learn's ``accuracy_score``, ``roc_auc_score`` and ``f1_score(pos_label=0)``
    (a unit test checks it), without their input validation, which took most of the time of a
    bootstrap: ROC-AUC is the Mann-Whitney statistic ``(R1 - n1 (n1 + 1) / 2) / (n1 n0)`` with
    ``R1`` the sum of the positives' ranks (ties averaged, ``scipy.stats.rankdata``); negative F1 is
    ``2 TN / (2 TN + FN + FP)`` with the negative class as the one detected.

    Args:
        y_true: ``(n,)`` int labels 0/1, both present.
        probability: ``(n,)`` float probability of the positive class.
        threshold: positive when ``probability > threshold``.

    Returns:
        numpy.ndarray: ``(3,)`` float64, in the order of :data:`HEADLINE_METRICS`.
    """
    from scipy.stats import rankdata

    positive = y_true == 1
    predicted = probability > threshold
    n1 = int(positive.sum())
    n0 = len(y_true) - n1
    roc_auc = (rankdata(probability)[positive].sum() - n1 * (n1 + 1) / 2) / (n1 * n0)
    true_negative = np.sum(~positive & ~predicted)
    errors = np.sum(positive != predicted)
    negative_f1 = 2 * true_negative / (2 * true_negative + errors) if true_negative + errors else 0.0
    return np.array([np.mean(positive == predicted), roc_auc, negative_f1])


def _bootstrap(n, statistic, n_resamples, confidence, seed):
    """Percentile bootstrap (``scipy.stats.bootstrap``) over the ``n`` evaluated reviews.

    ``statistic(indices)`` gets an ``(n,)`` int resample of review indices and returns a vector;
    all its entries are computed on the same resamples, so differences stay paired.
    The percentile method, not BCa: BCa's jackknife costs ``n`` extra evaluations (72,835 on the full data).
    """
    from scipy.stats import bootstrap

    result = bootstrap((np.arange(n),), lambda idx: statistic(idx.astype(np.int64)), n_resamples=n_resamples,
                       confidence_level=confidence, method="percentile", vectorized=False, batch=100,
                       rng=np.random.default_rng(seed))  # batch: 100 resamples' indices in memory at a time
    return np.atleast_1d(result.confidence_interval.low), np.atleast_1d(result.confidence_interval.high)


def bootstrap_intervals(y_true, probability, n_resamples=2000, confidence=0.95, seed=0):
    """Bootstrap confidence intervals of a model's test accuracy, ROC-AUC and negative F1.

    The test reviews are resampled with replacement ``n_resamples`` times (percentile method,
    ``scipy.stats.bootstrap``); the interval is the sampling uncertainty of the test split, not
    the seed-to-seed spread of training (``make sweep`` measures that).

    Args:
        y_true: ``(n,)`` labels 0/1; probability: ``(n,)`` float probability of positive.
        n_resamples (int): bootstrap resamples; confidence (float): e.g. 0.95; seed (int).

    Returns:
        dict: metric key of :data:`HEADLINE_METRICS` -> ``{"value", "low", "high"}`` floats.
    """
    y_true, probability = np.asarray(y_true).astype(int).ravel(), np.asarray(probability, dtype=float).ravel()
    value = headline_metrics(y_true, probability)
    low, high = _bootstrap(len(y_true), lambda idx: headline_metrics(y_true[idx], probability[idx]),
                           n_resamples, confidence, seed)
    return {key: {"value": float(value[i]), "low": float(low[i]), "high": float(high[i])}
            for i, key in enumerate(HEADLINE_METRICS)}


def paired_bootstrap(y_true, scores, pairs, n_resamples=1000, confidence=0.95, seed=0):
    """Paired bootstrap of metric differences between models scored on the same test reviews.

    Each model may have several runs (seeds); its metric is the mean over its runs. For a pair
    ``(a, b)`` the statistic is ``metric(a) - metric(b)``, computed on the same resampled reviews
    for both, so the interval reflects how much the *difference* moves with the test sample.
    An interval that excludes 0 means the ordering holds on this test split at that confidence.

    Args:
        y_true: ``(n,)`` labels 0/1.
        scores (dict): model name -> list of ``(n,)`` probability arrays (one per run).
        pairs (list[tuple[str, str]]): the ``(a, b)`` names to compare.
        n_resamples, confidence, seed: as in :func:`bootstrap_intervals`.

    Returns:
        list[dict]: per pair and metric: ``a``, ``b``, ``metric`` (a key of
        :data:`HEADLINE_METRICS`), ``difference`` (a minus b, on all reviews), ``low``, ``high``.

    Raises:
        KeyError: a pair names a model missing from ``scores``.
    """
    y_true = np.asarray(y_true).astype(int).ravel()
    names = sorted({name for pair in pairs for name in pair})
    arrays = {name: [np.asarray(p, dtype=float).ravel() for p in scores[name]] for name in names}

    def differences(idx):
        means = {name: np.mean([headline_metrics(y_true[idx], p[idx]) for p in arrays[name]], axis=0)
                 for name in names}
        return np.concatenate([means[a] - means[b] for a, b in pairs])

    value = differences(np.arange(len(y_true)))
    low, high = _bootstrap(len(y_true), differences, n_resamples, confidence, seed)
    keys = list(HEADLINE_METRICS)
    return [{"a": a, "b": b, "metric": keys[j], "difference": float(value[i * 3 + j]),
             "low": float(low[i * 3 + j]), "high": float(high[i * 3 + j])}
            for i, (a, b) in enumerate(pairs) for j in range(3)]


def write_json(payload, path):
    """Write ``payload`` as indented JSON, atomically (:func:`afrlib.paths.atomic_path`); returns the path."""
    with atomic_path(path) as temporary:
        temporary.write_text(json.dumps(payload, indent=1) + "\n")
    return Path(path)


def scores_path(metrics_path):
    """Where :func:`save_run` keeps a run's per-review test scores: ``<metrics>.scores.npz`` beside the JSON."""
    metrics_path = Path(metrics_path)
    return metrics_path.with_name(metrics_path.stem + ".scores.npz")


def save_run(record, y_true, probability, metrics_path):
    """Add bootstrap intervals to a run's record, then write its metrics JSON and its test scores.

    Args:
        record (dict): the run's record, with ``test`` from :func:`classification_metrics`;
            ``record["test"]["intervals"]`` is set to :func:`bootstrap_intervals` (95 %).
        y_true: ``(n_test,)`` labels 0/1; probability: ``(n_test,)`` float probability of positive.
        metrics_path: the JSON to write; the scores go to :func:`scores_path` (``y_true`` int8,
            ``probability`` float64), read by the sweep's paired bootstrap.

    Returns:
        dict: ``record``.
    """
    record["test"]["intervals"] = bootstrap_intervals(y_true, probability)
    with atomic_path(scores_path(metrics_path)) as temporary:  # scores first: a JSON never sits beside older scores
        with open(temporary, "wb") as handle:
            np.savez_compressed(handle, y_true=np.asarray(y_true, dtype=np.int8),
                                probability=np.asarray(probability, dtype=np.float64))
    write_json(record, metrics_path)
    return record


def read_scores(metrics_path):
    """The ``(y_true, probability)`` arrays :func:`save_run` wrote beside ``metrics_path``.

    Raises:
        FileNotFoundError: no scores file (rerun the run's notebook).
    """
    path = scores_path(metrics_path)
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: rerun the notebook that wrote {metrics_path}.")
    with np.load(path) as scores:
        return scores["y_true"].astype(int), scores["probability"].astype(float)


def read_metrics(paths, same_seed=False):
    """Load metrics JSON files written by the notebooks.

    Args:
        paths: the metrics files.
        same_seed (bool): also refuse records of different seeds (a summary compares models of one run; the sweep
            reads one model over seeds).

    Returns:
        list[dict]: one record per path, in the order of ``paths``.

    Raises:
        FileNotFoundError: a file is missing (run its notebook first, e.g. ``make reports``).
        DataError: a file is not valid JSON, or the records were computed on different data
            (another source file or test split), with another ``maxlen``, or (``same_seed``) another seed: tables
            mixing them would compare nothing.
    """
    loaded = []
    for path in paths:
        if not Path(path).is_file():
            raise FileNotFoundError(f"{path} is missing: run its notebook first (make reports).")
        try:
            loaded.append(json.loads(Path(path).read_text()))
        except json.JSONDecodeError as exc:
            raise DataError(f"{path} is not valid JSON ({exc}). Delete it and run make reports again.") from exc
    sources = {path: (r.get("data") or {}).get("source_sha256", r.get("manifest", {}).get("source_sha256"))
               for path, r in zip(paths, loaded)}
    if len(set(sources.values()) - {None}) > 1:
        described = "; ".join(f"{path}: sha256 {source[:12]}" for path, source in sources.items() if source)
        raise DataError(f"The runs were computed from different data files ({described}); run make reports so that "
                        "every report uses the same DATA.")

    def split(record):  # the test split: its size, and the sample it was drawn from
        data, parameters = record.get("data") or {}, record.get("parameters") or {}
        limit = parameters.get("sample_limit")
        return (data.get("n_train"), data.get("n_test"), limit, parameters.get("seed") if limit is not None else None)

    splits = {path: split(record) for path, record in zip(paths, loaded) if (record.get("data") or {}).get("n_test")}
    if len(set(splits.values())) > 1:
        described = "; ".join(f"{path}: {key[0]} train / {key[1]} test reviews, sample_limit {key[2]}"
                              + (f", seed {key[3]}" if key[2] is not None else "") for path, key in splits.items())
        raise DataError(f"The runs were tested on different splits ({described}), so their figures cannot be compared. "
                        "Run every notebook with the same sample_limit (and seed), e.g. make reports.")
    lengths = {path: (record.get("parameters") or {}).get("maxlen") for path, record in zip(paths, loaded)}
    if len(set(lengths.values()) - {None}) > 1:
        described = "; ".join(f"{path}: maxlen {maxlen}" for path, maxlen in lengths.items() if maxlen is not None)
        raise DataError(f"The runs read reviews of different lengths ({described}), so the comparison would not be "
                        "like for like. Run every notebook with the same maxlen, e.g. make reports.")
    seeds = {path: (record.get("parameters") or {}).get("seed") for path, record in zip(paths, loaded)}
    if same_seed and len(set(seeds.values()) - {None}) > 1:
        described = "; ".join(f"{path}: seed {seed}" for path, seed in seeds.items() if seed is not None)
        raise DataError(f"The runs were made with different seeds ({described}), so one model's lead could be its "
                        "seed's luck. Run every notebook with one seed (make reports); make sweep compares seeds.")
    return loaded
