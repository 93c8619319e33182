"""Error analysis on the test split: metrics by slice, calibration, confident mistakes, disagreements.

Every function takes the test labels and each model's scores as written by the depth and baseline
notebooks (``reports/metrics/<name>.scores.npz``, :func:`afrlib.metrics.read_scores`), so the
analysis needs no retraining. Metrics are scikit-learn's.
"""

import numpy as np
import pandas as pd
from sklearn import metrics as skm
from sklearn.calibration import calibration_curve

from afrlib.errors import DataError, ParameterError

#: Negation words as they survive cleaning (``n't`` is expanded to ``not``; ``no``/``nor``/``not``
#: are kept out of the stop words).
NEGATIONS = frozenset({"not", "no", "nor", "never", "nothing", "none", "neither", "nobody", "nowhere", "without"})


def check_run_settings(records, **settings):
    """Refuse models run with other settings than the error analysis, e.g. ``maxlen=100``.

    Args:
        records (dict): name -> metrics record (``parameters`` as the depth and baseline notebooks write them).
        **settings: the analysis's own values; a record without the key is not checked.

    Raises:
        ParameterError: naming the model, the setting and both values (the slices would be computed with a
            ``maxlen`` the models did not read, for example).
    """
    for name, record in records.items():
        for key, value in settings.items():
            recorded = record.get("parameters", {}).get(key, value)
            if recorded != value:
                raise ParameterError(f"{name} was run with {key}={recorded!r} and this analysis with {key}={value!r}, so "
                                     f"its slices would not describe what the model read. Run the analysis with "
                                     f"-p {key}={recorded}, or rerun the models with {key}={value}.")


def check_models_match(records, bundles):
    """Refuse saved models that are not the ones whose metrics the analysis reads.

    Args:
        records (dict): name -> metrics record (its ``test`` figures, as the depth notebooks write them).
        bundles (dict): the same names -> saved model (:class:`afrlib.predict.Bundle`), whose ``evaluation`` holds the
            test figures of the run that saved it.

    Raises:
        DataError: a model's test ROC-AUC differs from its record's (another run saved the model: the mistakes would
            come from one run and the word contributions from another); a model without figures is not checked.
    """
    for name, bundle in bundles.items():
        saved = (bundle.evaluation or {}).get("roc_auc")
        recorded = records[name].get("test", {}).get("roc_auc")
        if saved is not None and recorded is not None and abs(saved - recorded) > 1e-9:
            raise DataError(f"{bundle.directory} (test ROC-AUC {saved:.4f}) was saved by another run than the metrics "
                            f"of {name} (test ROC-AUC {recorded:.4f}), so the analysis would mix two models. Point "
                            "models_dir and metrics_dir at the outputs of the same runs (make reports writes both).")


def test_reviews(data, reviews):
    """The test split's reviews with what the slices need, in test order.

    Args:
        data (PreparedData): the prepared split (:func:`afrlib.prepare.load_prepared`).
        reviews (pandas.DataFrame): the raw reviews it was built from (:func:`afrlib.data.load_reviews`).

    Returns:
        pandas.DataFrame: ``n_test`` rows: ``Id``, ``Text`` (raw), ``HelpfulnessDenominator``
        (votes), ``cleaned`` (the text the models read), ``label`` (0/1), ``tokens`` (int,
        in-vocabulary tokens before truncation to ``maxlen``).
    """
    raw = reviews.drop_duplicates("Id").set_index("Id").loc[data.ids_test]
    vocabulary = data.vocabulary
    return pd.DataFrame({"Id": data.ids_test, "Text": raw["Text"].to_numpy(),
                         "HelpfulnessDenominator": raw["HelpfulnessDenominator"].to_numpy(),
                         "cleaned": data.text_test, "label": np.asarray(data.y_test).astype(int),
                         "tokens": [sum(word in vocabulary for word in text.split()) for text in data.text_test]})


def length_slices(token_counts, maxlen):
    """Bucket of each review by its number of in-vocabulary tokens.

    Args:
        token_counts: ``(n,)`` int, tokens of each review the model could read, before truncation.
        maxlen (int): the models' sequence length; longer reviews were cut.

    Returns:
        numpy.ndarray: ``(n,)`` str labels ``"1-10 tokens"``, ``"11-25 tokens"``, ``"26-50 tokens"``,
        ``"51-<maxlen> tokens"``, ``"> <maxlen> tokens (cut)"`` (``"0 tokens"`` for none).
    """
    counts = np.asarray(token_counts)
    edges = [(0, 0, "0 tokens"), (1, 10, "1-10 tokens"), (11, 25, "11-25 tokens"), (26, 50, "26-50 tokens"),
             (51, maxlen, f"51-{maxlen} tokens")]
    labels = np.full(len(counts), f"> {maxlen} tokens (cut)", dtype=object)
    for low, high, label in edges:
        labels[(counts >= low) & (counts <= high)] = label
    return labels


def negation_slices(cleaned_texts):
    """``"with a negation"`` / ``"no negation"`` per cleaned review (:data:`NEGATIONS`). Returns ``(n,)`` str."""
    return np.array(["with a negation" if NEGATIONS.intersection(text.split()) else "no negation"
                     for text in cleaned_texts], dtype=object)


def helpfulness_slices(votes):
    """Bucket by the number of helpfulness votes a review received (Kaggle ``HelpfulnessDenominator``).

    Returns:
        numpy.ndarray: ``(n,)`` str ``"no votes"``, ``"1-4 votes"`` or ``"5+ votes"``.
    """
    votes = np.asarray(votes)
    return np.where(votes == 0, "no votes", np.where(votes < 5, "1-4 votes", "5+ votes")).astype(object)


def slice_table(y_true, scores, slices):
    """Accuracy, ROC-AUC and negative F1 of every model on every slice.

    Args:
        y_true: ``(n,)`` labels 0/1.
        scores (dict[str, array]): model name -> ``(n,)`` P(positive).
        slices: ``(n,)`` slice label of each review.

    Returns:
        pandas.DataFrame: one row per (slice, model): ``slice``, ``model``, ``reviews``,
        ``negative reviews``, ``accuracy``, ``ROC-AUC`` (NaN when the slice holds one class) and
        ``negative F1``; slices in order of first appearance in a sorted listing.
    """
    y_true = np.asarray(y_true).astype(int)
    slices = np.asarray(slices)
    rows = []
    for label in sorted(set(slices), key=_slice_order):
        inside = slices == label
        y = y_true[inside]
        for model, probability in scores.items():
            predicted = (np.asarray(probability)[inside] > 0.5).astype(int)
            rows.append({"slice": label, "model": model, "reviews": int(inside.sum()),
                         "negative reviews": int((y == 0).sum()),
                         "accuracy": skm.accuracy_score(y, predicted),
                         "ROC-AUC": (skm.roc_auc_score(y, np.asarray(probability)[inside])
                                     if len(set(y)) == 2 else np.nan),
                         "negative F1": skm.f1_score(y, predicted, pos_label=0, zero_division=0)})
    return pd.DataFrame(rows)


def _slice_order(label):
    """Sort key: numeric buckets by their first number, other labels alphabetically after them."""
    head = str(label).lstrip("> ").split("-")[0].split(" ")[0]
    return (0, int(head), str(label)) if head.isdigit() else (1, 0, str(label))


def calibration(y_true, scores, bins=10):
    """Reliability curve and Brier score of every model.

    Args:
        y_true: ``(n,)`` labels 0/1.
        scores (dict[str, array]): model name -> ``(n,)`` P(positive).
        bins (int): equal-width probability bins.

    Returns:
        dict[str, dict]: per model ``brier`` (float, mean squared error of P(positive), lower is
        better), ``mean_predicted`` and ``fraction_positive`` (lists of floats, one per non-empty
        bin; sklearn.calibration.calibration_curve).
    """
    result = {}
    for model, probability in scores.items():
        fraction, predicted = calibration_curve(y_true, probability, n_bins=bins, strategy="uniform")
        result[model] = {"brier": float(skm.brier_score_loss(y_true, probability)),
                         "mean_predicted": predicted.tolist(), "fraction_positive": fraction.tolist()}
    return result


def confident_mistakes(y_true, probability, k=5):
    """Indices of the ``k`` wrong verdicts made with the most confidence.

    Returns:
        numpy.ndarray: ``(<=k,)`` int row indices, most confident first (largest ``|p - 0.5|``).
    """
    y_true = np.asarray(y_true).astype(int)
    probability = np.asarray(probability)
    wrong = np.flatnonzero((probability > 0.5).astype(int) != y_true)
    return wrong[np.argsort(-np.abs(probability[wrong] - 0.5), kind="stable")][:k]


def disagreements(y_true, first, second):
    """How two models' verdicts differ on the same reviews.

    Args:
        y_true: ``(n,)`` labels; first, second: ``(n,)`` P(positive) of the two models.

    Returns:
        dict: ``disagree`` (reviews with different verdicts), ``first_right`` and ``second_right``
        (of those, how many each got right), ``both_wrong`` (reviews both got wrong), and
        ``indices`` (``(disagree,)`` int rows where they differ).
    """
    y_true = np.asarray(y_true).astype(int)
    a = (np.asarray(first) > 0.5).astype(int)
    b = (np.asarray(second) > 0.5).astype(int)
    differ = np.flatnonzero(a != b)
    return {"disagree": int(len(differ)), "first_right": int((a[differ] == y_true[differ]).sum()),
            "second_right": int((b[differ] == y_true[differ]).sum()),
            "both_wrong": int(((a != y_true) & (b != y_true)).sum()), "indices": differ}


def error_conclusion(tables, briers, disagreement_counts, min_negative=20):
    """Short generated conclusion: each model's weakest and strongest slice, calibration, disagreements.

    Args:
        tables (dict[str, pandas.DataFrame]): slicing name (e.g. ``"length"``) -> :func:`slice_table`.
        briers (dict[str, float]): model -> Brier score.
        disagreement_counts (dict[str, dict]): LSTM model -> :func:`disagreements` against the baseline.
        min_negative (int): slices with fewer negative reviews are too small to name.

    Returns:
        str: Markdown, one bullet per model, then calibration and disagreements.
    """
    every = pd.concat([table.assign(slicing=name) for name, table in tables.items()], ignore_index=True)
    every = every[every["negative reviews"] >= min_negative]

    def describe(row):
        return (f"{row['slice']} ({row['slicing']}; negative F1 {row['negative F1']:.2f} on {row['reviews']:,} "
                f"reviews, {row['negative reviews']:,} negative)")

    lines = ["**Conclusion.** Negative-class F1 by slice (slices with at least "
             f"{min_negative} negative reviews):"]
    for model in briers:
        rows = every[every["model"] == model]
        if len(rows):
            lines.append(f"- {model}: weakest on {describe(rows.loc[rows['negative F1'].idxmin()])}, "
                         f"strongest on {describe(rows.loc[rows['negative F1'].idxmax()])}.")
    best = min(briers, key=briers.get)
    lines.append(f"- Calibration: best {best} (Brier {briers[best]:.4f}); "
                 + ", ".join(f"{model} {value:.4f}" for model, value in briers.items() if model != best) + ".")
    for model, counts in disagreement_counts.items():
        lines.append(f"- {model} and the baseline disagree on {counts['disagree']:,} reviews: {model} is right on "
                     f"{counts['first_right']:,}, the baseline on {counts['second_right']:,}.")
    return "\n".join(lines)
