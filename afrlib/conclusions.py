"""The closing paragraph of every report, generated from that run's own metrics.

Each function takes the record a notebook saved (the metrics JSON, as read back by
:func:`afrlib.metrics.read_metrics`) and returns Markdown, so a report's conclusion is never text
written before its run. The notebooks show it with ``IPython.display.Markdown``.
"""


def _floor_verdict(test):
    """How the test accuracy and its 95 % interval stand against the majority-class floor."""
    floor = test["majority_accuracy"]
    accuracy = test["intervals"]["accuracy"]
    if accuracy["low"] > floor:
        return (f"above the majority-class floor of {floor:.4f} (always answering positive), and so is "
                "the whole of its 95 % interval")
    if accuracy["value"] > floor:
        return (f"above the majority-class floor of {floor:.4f}, but its 95 % interval reaches the floor: "
                "on this test sample it is not clearly better than always answering positive")
    return (f"not above the majority-class floor of {floor:.4f}: the model does no better than always "
            "answering positive")


def _interval(test, key, name):
    value = test["intervals"][key]
    return f"{name} {value['value']:.4f} (95 % interval {value['low']:.4f} to {value['high']:.4f})"


def negative_class_meaning(test):
    """What the negative class's recall and precision mean for a user, in words (str, Markdown)."""
    negative = test["per_class"]["negative"]
    caught = round(100 * negative["recall"])
    recall = (f"Of every 100 negative reviews in the test split the model flags {caught} as negative and lets "
              f"{100 - caught} pass as positive (negative-class recall {negative['recall']:.2f})")
    called_negative = sum(row[0] for row in test["confusion_matrix"])  # rows: true class; column 0: called negative
    if called_negative == 0:  # precision is 0/0, which scikit-learn reports as 0
        return f"{recall}; it calls no review negative, so its negative-class precision is undefined."
    return (f"{recall}; of every 100 reviews it calls negative, {round(100 * negative['precision'])} are negative "
            f"(precision {negative['precision']:.2f}).")


def model_conclusion(record):
    """Conclusion of one model's report (an LSTM depth or the baseline).

    Args:
        record (dict): the run's metrics record: ``model``, ``test`` with ``intervals``
            (:func:`afrlib.metrics.save_run`), and for LSTMs ``n_fit``, ``n_validation``,
            ``budget``, ``parameters`` and optionally ``sanity`` (:func:`afrlib.predict.sanity_panel` rows).

    Returns:
        str: Markdown, a short paragraph per point (what was done, result, negative class, sanity panel).

    Raises:
        KeyError: the record lacks ``test.intervals`` (written by :func:`afrlib.metrics.save_run`).
    """
    test = record["test"]
    n_test = test["n"]
    if "budget" in record:
        done = (f"**What was done.** {record['model']} ({record.get('n_parameters', 0):,} parameters) was trained on "
                f"{record['n_fit']:,} reviews for {record['parameters']['epochs']} epochs in batches of "
                f"{record['budget']['batch_size']:,} ({record['budget']['optimizer_updates']:,} optimizer updates), "
                f"with the {record['n_validation']:,} newest training reviews held out for validation, and tested "
                f"on the {n_test:,} newest reviews.")
    else:
        done = (f"**What was done.** {record['model']} was fitted on the {record['data']['n_train']:,} training "
                f"reviews and tested on the {n_test:,} newest reviews.")
    result = (f"**Result.** Test {_interval(test, 'accuracy', 'accuracy')} is {_floor_verdict(test)}. "
              f"{_interval(test, 'roc_auc', 'ROC-AUC')}; {_interval(test, 'negative_f1', 'negative-class F1')}.")
    parts = [done, result, f"**The negative class.** {negative_class_meaning(test)}"]
    if record.get("sanity"):
        rows = record["sanity"]
        counts = {}
        for row in rows:
            key = "plain reviews" if row["kind"] == "plain" else "negations"
            right, total = counts.get(key, (0, 0))
            counts[key] = (right + bool(row["correct"]), total + 1)
        said = ", ".join(f"{right} of {total} {key}" for key, (right, total) in counts.items())
        missed = [row["review"] for row in rows if not row["correct"]]
        parts.append(f"**Sanity panel.** Right on {said}."
                     + (f" Wrong on: {'; '.join(repr(text) for text in missed)}." if missed else ""))
    return "\n\n".join(parts)


def summary_conclusion(runs, baseline):
    """Conclusion of the summary: which model ranks best, by how much, and whether the intervals separate them.

    Args:
        runs (list[dict]): the LSTM records (depth order), each with ``test.intervals``.
        baseline (dict): the baseline's record.

    Returns:
        str: Markdown paragraph.
    """
    models = runs + [baseline]

    def value(run, key):
        return run["test"]["intervals"][key]["value"]

    best = max(models, key=lambda run: value(run, "roc_auc"))
    best_lstm = max(runs, key=lambda run: value(run, "roc_auc"))
    above = [run["model"] for run in runs if run["test"]["intervals"]["accuracy"]["low"] > run["test"]["majority_accuracy"]]
    below = [run["model"] for run in runs if run["model"] not in above]
    lines = [f"**Conclusion.** {len(above)} of the {len(runs)} LSTM depths beat the majority-class floor of "
             f"{runs[0]['test']['majority_accuracy']:.4f} with their whole 95 % accuracy interval"
             + (f" ({', '.join(below)} did not)." if below else ".")]
    ranked = sorted(runs, key=lambda run: -value(run, "roc_auc"))
    order = " > ".join(f"{run['model']} {value(run, 'roc_auc'):.4f}" for run in ranked)
    top, runner_up = ranked[0]["test"]["intervals"]["roc_auc"], ranked[1]["test"]["intervals"]["roc_auc"]
    overlap = top["low"] <= runner_up["high"]
    lines.append(f"By test ROC-AUC the depths rank {order}; "
                 + ("the 95 % intervals of the first two overlap, so this test sample does not separate them "
                    "(`make sweep` gives the seed-to-seed spread and paired comparisons)."
                    if overlap else "the first two's 95 % intervals do not overlap."))
    by_f1 = max(models, key=lambda run: value(run, "negative_f1"))
    gap = value(best_lstm, "roc_auc") - value(baseline, "roc_auc")
    lines.append(f"The highest ROC-AUC of all is {best['model']} ({value(best, 'roc_auc'):.4f}); the best LSTM, "
                 f"{best_lstm['model']}, {'leads' if gap > 0 else 'trails'} the baseline ({value(baseline, 'roc_auc'):.4f}) "
                 f"by {abs(gap):.4f}. The negative class, the one that matters for finding "
                 f"complaints, is best served by {by_f1['model']} (negative-class F1 {value(by_f1, 'negative_f1'):.4f}).")
    return " ".join(lines)


def data_conclusion(record):
    """Conclusion of the data-preparation report from its record (counts, vocabulary, floor).

    Args:
        record (dict): ``counts`` (the recipe's step counts), ``vocabulary_size``,
            ``median_tokens_train``, ``majority_accuracy_test``.

    Returns:
        str: Markdown paragraph.
    """
    counts = record["counts"]
    return (f"**Conclusion.** Of {counts['raw reviews']:,} raw reviews, {counts['Score != 3']:,} have a star rating "
            f"other than 3; {counts['after de-duplication']:,} remain after de-duplication"
            + (f", {counts['after sample_limit']:,} after sample_limit" if "after sample_limit" in counts else "")
            + f" and {counts['non-empty after cleaning']:,} after cleaning. The time split gives {counts['train']:,} "
            f"training and {counts['test']:,} test reviews (the newest), a vocabulary of "
            f"{record['vocabulary_size']:,} words and a median of {record['median_tokens_train']:.0f} tokens per "
            f"training review. {record['majority_accuracy_test']:.1%} of the test reviews are the majority class: "
            "that is the accuracy of always answering positive, the floor every model must beat.")


def sweep_conclusion(spread, comparison):
    """Conclusion of the sweep report: the spread over seeds and which orderings the paired bootstrap supports.

    Args:
        spread (pandas.DataFrame): :func:`afrlib.sweep.spread_table` (``model``, ``metric``, ``seeds``,
            ``mean``, ``sd``, ``min``, ``max``).
        comparison (list[dict]): :func:`afrlib.metrics.paired_bootstrap` rows (``a``, ``b``, ``metric``,
            ``difference``, ``low``, ``high``).

    Returns:
        str: Markdown bullets.
    """
    from afrlib.metrics import HEADLINE_METRICS

    seeds = int(spread["seeds"].max())
    widest = spread.loc[spread["sd"].idxmax()]
    lines = [f"**Conclusion.** Over {seeds} seeds the largest spread is {widest['model']}'s {widest['metric']} "
             f"(sd {widest['sd']:.4f}, {widest['min']:.4f} to {widest['max']:.4f})."]
    held, unclear = [], []
    for row in comparison:
        metric = HEADLINE_METRICS.get(row["metric"], row["metric"])
        if row["low"] > 0 or row["high"] < 0:
            better, worse = (row["a"], row["b"]) if row["low"] > 0 else (row["b"], row["a"])
            held.append(f"{better} over {worse} on {metric} ({abs(row['difference']):.3f})")
        else:
            unclear.append(f"{row['a']} vs {row['b']} on {metric}")
    lines.append(f"- The paired bootstrap supports {len(held)} of {len(comparison)} orderings (the 95 % interval of "
                 "the difference excludes 0):" if held else "- The paired bootstrap supports no ordering.")
    lines += [f"  - {item}" for item in held]
    if unclear:
        lines.append("- This test sample cannot tell apart: " + "; ".join(unclear) + ".")
    return "\n".join(lines)
