"""The PrettyTable observation tables of the original notebook, built from metrics JSON (never typed)."""

from prettytable import PrettyTable


def _fmt(value, digits=4):
    return "Nil" if value in (None, 0, False) else round(value, digits) if isinstance(value, float) else value


def hyperparameter_table(runs):
    """Settings of each LSTM run: the original's first conclusion table.

    Args:
        runs (list[dict]): metrics JSON of the depth notebooks (keys ``depth``, ``architecture``,
            ``parameters``).

    Returns:
        prettytable.PrettyTable: columns LSTM layer, Optimizer, Dropout rate, Batch Size, Epochs,
        Kernel Regularizer, BN.
    """
    table = PrettyTable(["LSTM layer", "Optimizer", "Dropout rate", "Batch Size", "Epochs",
                         "Kernel Regularizer", "BN"])
    for run in runs:
        arch, params = run["architecture"], run["parameters"]
        table.add_row([run["depth"], "Adam", _fmt(arch["dropout"]), params["batch_size"], params["epochs"],
                       _fmt(arch["l2"]), "Yes" if arch["batch_norm"] else "Nil"])
    return table


def results_table(runs):
    """Loss and accuracy of each LSTM run at its last epoch and on the test split (the original's
    "Architecture loss and accuracy comparison").

    Returns:
        prettytable.PrettyTable: columns LSTM layer, Units, Train loss, Val loss, Test loss,
        Train acc, Val acc, Test acc (4 decimals).
    """
    table = PrettyTable(["LSTM layer", "Units", "Train loss", "Val loss", "Test loss",
                         "Train acc", "Val acc", "Test acc"])
    for run in runs:
        h, test = run["history"], run["test"]
        table.add_row([run["depth"], "x".join(map(str, run["architecture"]["units"])),
                       *(f"{v:.4f}" for v in (h["loss"][-1], h["val_loss"][-1], test["test_loss"],
                                               h["accuracy"][-1], h["val_accuracy"][-1],
                                               test["test_accuracy"]))])
    return table


def evaluation_table(runs):
    """Test-split metrics of any models side by side, with the majority-class floor.

    Args:
        runs (list[dict]): metrics JSON with ``model`` (label), ``test`` (see
            :func:`afrlib.metrics.classification_metrics`), ``train_seconds`` and ``n_parameters``.

    Returns:
        prettytable.PrettyTable: one row per model.
    """
    table = PrettyTable(["Model", "Accuracy", "Majority acc", "Above floor", "ROC-AUC", "Neg precision",
                         "Neg recall", "Neg F1", "Train time (s)", "Parameters"])
    for run in runs:
        test, negative = run["test"], run["test"]["per_class"]["negative"]
        table.add_row([run["model"], f"{test['accuracy']:.4f}", f"{test['majority_accuracy']:.4f}",
                       "yes" if test["accuracy"] > test["majority_accuracy"] else "NO",
                       *(f"{v:.4f}" for v in (test["roc_auc"], negative["precision"], negative["recall"],
                                               negative["f1"])),
                       f"{run['train_seconds']:.1f}", f"{run['n_parameters']:,}"])
    return table


def interval_table(runs):
    """Test accuracy, ROC-AUC and negative F1 with their 95 % bootstrap intervals, one row per model.

    Args:
        runs (list[dict]): metrics JSON whose ``test["intervals"]`` was set by
            :func:`afrlib.metrics.save_run`.

    Returns:
        prettytable.PrettyTable: value and ``[low, high]`` per metric.
    """
    from afrlib.metrics import HEADLINE_METRICS

    table = PrettyTable(["Model", *(f"{label} [95 % CI]" for label in HEADLINE_METRICS.values())])
    for run in runs:
        intervals = run["test"]["intervals"]
        table.add_row([run["model"], *(f"{intervals[k]['value']:.4f} [{intervals[k]['low']:.4f}, {intervals[k]['high']:.4f}]"
                                       for k in HEADLINE_METRICS)])
    return table


def comparison_table(tests):
    """One model's test metrics in several states (e.g. as trained / after a post-training step).

    Args:
        tests (dict): row name -> :func:`afrlib.metrics.classification_metrics` result.

    Returns:
        prettytable.PrettyTable: accuracy, majority-class accuracy, ROC-AUC and the negative
        class's precision, recall and F1 per row.
    """
    table = PrettyTable(["Model state", "Accuracy", "Majority acc", "ROC-AUC", "Neg precision", "Neg recall", "Neg F1"])
    for name, test in tests.items():
        negative = test["per_class"]["negative"]
        table.add_row([name, *(f"{v:.4f}" for v in (test["accuracy"], test["majority_accuracy"], test["roc_auc"],
                                                     negative["precision"], negative["recall"], negative["f1"]))])
    return table


def budget_table(runs):
    """The training budget each LSTM had: batch size, optimizer updates and where the batch size came from.

    Args:
        runs (list[dict]): LSTM metrics JSON with ``parameters["batch_size"]`` (as requested:
            a number or ``"original-updates"``), ``budget`` (``batch_size`` used,
            ``optimizer_updates``) and ``parameters["epochs"]``.

    Returns:
        prettytable.PrettyTable: one row per model.
    """
    from afrlib.budget import budget_reason

    table = PrettyTable(["Model", "batch_size", "Batch used", "Epochs", "Optimizer updates", "Why"], align="l")
    for run in runs:
        requested = run["parameters"]["batch_size"]
        table.add_row([run["model"], requested, run["budget"]["batch_size"], run["parameters"]["epochs"],
                       f"{run['budget']['optimizer_updates']:,}",
                       budget_reason(run["depth"], requested, run["parameters"]["epochs"],
                                     run["budget"]["optimizer_updates"])])
    return table


def sanity_table(runs):
    """How many of the sanity panel's reviews each model got right, by kind and expected polarity.

    Args:
        runs (list[dict]): LSTM metrics JSON with ``sanity`` (rows of
            :func:`afrlib.predict.sanity_panel`).

    Returns:
        prettytable.PrettyTable: one row per model; cells ``right / total``, e.g. ``3 / 4``.
    """
    groups = [("plain", "positive"), ("plain", "negative"), ("negation", "negative"), ("negation", "positive")]
    table = PrettyTable(["Model", *(f"{kind} {expected}" for kind, expected in groups)])
    for run in runs:
        cells = []
        for kind, expected in groups:
            rows = [r for r in run["sanity"] if r["kind"] == kind and r["expected"] == expected]
            cells.append(f"{sum(r['correct'] for r in rows)} / {len(rows)}")
        table.add_row([run["model"], *cells])
    return table
