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
