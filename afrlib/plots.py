"""Figures of the reports (matplotlib/seaborn). Each function returns the figure and can save it as PNG."""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns

from afrlib.metrics import CLASS_NAMES


def _save(fig, path):
    """Save ``fig`` as a PNG at ``path`` (folders created) when a path is given; return ``fig``."""
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=100, bbox_inches="tight")
    return fig


def plot_history(history, title="", path=None):
    """Loss vs epoch and accuracy vs epoch, training (blue) and validation (red), side by side.

    Same two plots as the original notebook, drawn on one figure.

    Args:
        history (dict): Keras ``History.history``: lists ``loss``, ``val_loss``, ``accuracy``,
            ``val_accuracy`` (one float per epoch).
        title: figure title.
        path: PNG to write, or ``None``.

    Returns:
        matplotlib.figure.Figure
    """
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    epochs = np.arange(1, len(history["loss"]) + 1)
    for ax, key, name in ((axes[0], "loss", "Loss"), (axes[1], "accuracy", "Accuracy")):
        ax.plot(epochs, history[key], "b-o", label=f"Training {name.lower()}")
        ax.plot(epochs, history[f"val_{key}"], "r-o", label=f"Validation {name.lower()}")
        ax.set(title=f"{name} vs epoch", xlabel="Epoch", ylabel=name, xticks=epochs)
        ax.legend()
        ax.grid(True)
    fig.suptitle(title)
    fig.tight_layout()
    return _save(fig, path)


def weight_matrices(model):
    """The first weight matrix of every layer that has one, as in the original notebook.

    Returns:
        list[tuple[str, numpy.ndarray]]: ``(layer name, weights)``: the embedding
        ``(input_dim, embedding_dim)``, each LSTM's input kernel ``(inputs, 4 * units)``,
        the output layer ``(units, 1)``. BatchNorm layers are skipped (their first array is a
        scale vector, not a weight matrix).
    """
    return [(layer.name, layer.get_weights()[0]) for layer in model.layers
            if layer.get_weights() and layer.get_weights()[0].ndim == 2]


def plot_weight_violins(model, title="", path=None):
    """Violin plot of every weight matrix of :func:`weight_matrices`, one panel per layer.

    Returns:
        matplotlib.figure.Figure
    """
    matrices = weight_matrices(model)
    fig, axes = plt.subplots(1, len(matrices), figsize=(2.6 * len(matrices), 4.5))
    for ax, (name, weights), color in zip(axes, matrices, sns.color_palette("deep", len(matrices))):
        sns.violinplot(y=weights.ravel(), ax=ax, color=color, cut=0)
        ax.set(title=f"{name}\n{weights.shape}", ylabel="weight" if ax is axes[0] else "")
        ax.grid(True)
    fig.suptitle(title or "Weight matrices after training")
    fig.tight_layout()
    return _save(fig, path)


def plot_confusion_matrix(confusion, title="", path=None):
    """Seaborn heatmap of a 2x2 confusion matrix (rows: true class, columns: predicted), counts annotated.

    Returns:
        matplotlib.figure.Figure
    """
    fig, ax = plt.subplots(figsize=(4.5, 3.8))
    sns.heatmap(np.asarray(confusion), annot=True, fmt="d", cmap="Blues", cbar=False, ax=ax,
                xticklabels=CLASS_NAMES, yticklabels=CLASS_NAMES)
    ax.set(xlabel="Predicted polarity", ylabel="True polarity", title=title or "Confusion matrix")
    fig.tight_layout()
    return _save(fig, path)


def plot_roc_curves(runs, title="ROC curve (test split)", path=None):
    """ROC curves of one or more runs, AUC in the legend, chance diagonal dashed.

    Args:
        runs (dict[str, dict]): label -> metrics with ``roc_curve`` (``fpr``/``tpr`` lists) and ``roc_auc``.

    Returns:
        matplotlib.figure.Figure
    """
    fig, ax = plt.subplots(figsize=(5.5, 5))
    for label, run in runs.items():
        ax.plot(run["roc_curve"]["fpr"], run["roc_curve"]["tpr"], label=f"{label} (AUC {run['roc_auc']:.3f})")
    ax.plot([0, 1], [0, 1], "k--", linewidth=0.8, label="chance")
    ax.set(xlabel="False positive rate", ylabel="True positive rate", title=title, xlim=(0, 1), ylim=(0, 1))
    ax.legend(loc="lower right")
    ax.grid(True)
    fig.tight_layout()
    return _save(fig, path)


def plot_histories(histories, path=None):
    """Validation loss and accuracy of several runs on shared axes (summary report).

    Args:
        histories (dict[str, dict]): label -> Keras history dict.

    Returns:
        matplotlib.figure.Figure
    """
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for label, history in histories.items():
        epochs = np.arange(1, len(history["loss"]) + 1)
        for ax, key in ((axes[0], "loss"), (axes[1], "accuracy")):
            line, = ax.plot(epochs, history[f"val_{key}"], "-o", label=f"{label} validation")
            ax.plot(epochs, history[key], "--", color=line.get_color(), alpha=0.6, label=f"{label} training")
    for ax, name in ((axes[0], "Loss"), (axes[1], "Accuracy")):
        ax.set(title=f"{name} vs epoch", xlabel="Epoch", ylabel=name)
        ax.grid(True)
        ax.legend(fontsize=8)
    fig.tight_layout()
    return _save(fig, path)


#: Axis names of the metric columns the figures draw.
METRIC_LABELS = {"accuracy": "Accuracy", "roc_auc": "ROC-AUC", "negative_f1": "Negative-class F1",
                 "majority_accuracy": "Majority-class accuracy"}


def plot_metric_bars(table, path=None):
    """Grouped bar chart: one group per metric, one bar per model, majority-class floor dashed.

    Args:
        table (pandas.DataFrame): index = model, columns = metrics to draw (0..1), e.g.
            ``accuracy``, ``roc_auc``, ``negative_f1`` (named on the axis by :data:`METRIC_LABELS`);
            optional column ``majority_accuracy`` drawn as a dashed line across the accuracy group.

    Returns:
        matplotlib.figure.Figure
    """
    metrics = [c for c in table.columns if c != "majority_accuracy"]
    long = table[metrics].reset_index(names="model").melt(id_vars="model", var_name="metric")
    long["metric"] = long["metric"].map(lambda name: METRIC_LABELS.get(name, name))
    fig, ax = plt.subplots(figsize=(11, 4.8))
    sns.barplot(data=long, x="metric", y="value", hue="model", ax=ax)
    for container in ax.containers:  # values at half height: below any floor line (a floor is >= 0.5)
        ax.bar_label(container, fmt="%.3f", fontsize=8, label_type="center", color="white", fontweight="bold")
    if "majority_accuracy" in table and "accuracy" in metrics:
        group = metrics.index("accuracy")  # seaborn puts group i at x = i, bars within +-0.4
        floor = table["majority_accuracy"].iloc[0]
        ax.hlines(floor, group - 0.45, group + 0.45, color="k", linestyle="--", linewidth=1.2,
                  label=f"majority-class accuracy ({floor:.3f})")
    ax.set(ylim=(0, 1.05), xlabel="metric on the test split",
           ylabel="score (0 to 1, higher is better)", title="Test-split metrics by model")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    fig.tight_layout()
    return _save(fig, path)


def plot_review_lengths(token_counts, maxlen, path=None):
    """Histogram of review lengths in tokens after cleaning, with ``maxlen`` marked.

    Returns:
        matplotlib.figure.Figure
    """
    counts = np.asarray(token_counts)
    fig, ax = plt.subplots(figsize=(8, 4))
    sns.histplot(counts, bins=np.arange(0, min(counts.max(), 4 * maxlen) + 5, 5), ax=ax)
    ax.axvline(maxlen, color="r", linestyle="--", label=f"maxlen = {maxlen} "
               f"({(counts > maxlen).mean():.1%} of reviews truncated)")
    ax.axvline(np.median(counts), color="k", linestyle=":", label=f"median = {np.median(counts):.0f}")
    ax.set(xlabel="tokens per review after cleaning", ylabel="reviews", title="Review length")
    ax.legend()
    fig.tight_layout()
    return _save(fig, path)


def plot_seed_spread(records, path=None):
    """Each model's test metrics over seeds: one point per seed, mean ± standard deviation as an error bar.

    Args:
        records (dict): model label -> list of metrics records, each with ``test["intervals"]``
            (:func:`afrlib.sweep.load_sweep`).

    Returns:
        matplotlib.figure.Figure: one panel per metric of :data:`afrlib.metrics.HEADLINE_METRICS`,
        the majority-class accuracy dashed on the accuracy panel.
    """
    from afrlib.metrics import HEADLINE_METRICS

    models = list(records)
    fig, axes = plt.subplots(1, len(HEADLINE_METRICS), figsize=(4.2 * len(HEADLINE_METRICS), 4.2), sharey=False)
    for ax, (key, label) in zip(axes, HEADLINE_METRICS.items()):
        for x, model in enumerate(models):
            values = np.array([run["test"]["intervals"][key]["value"] for run in records[model]])
            ax.scatter(np.full(len(values), x) + np.linspace(-0.12, 0.12, len(values)), values, s=14, alpha=0.6)
            ax.errorbar(x + 0.3, values.mean(), yerr=values.std(ddof=1) if len(values) > 1 else 0, fmt="o",
                        color="k", capsize=4, markersize=4)
        if key == "accuracy":
            floor = records[models[0]][0]["test"]["majority_accuracy"]
            ax.axhline(floor, color="k", linestyle="--", linewidth=1, label=f"majority class {floor:.3f}")
            ax.legend(fontsize=8, loc="lower right")
        ax.set_xticks(range(len(models)), [m.replace(" + ", "\n+ ") for m in models], rotation=30, ha="right", fontsize=8)
        ax.set(title=f"Test {label}", ylabel=f"test {label} (points: seeds; black: mean ± sd)")
    fig.tight_layout()
    return _save(fig, path)


def plot_slice_metrics(table, metric="negative F1", title="", path=None):
    """One metric of every model on every slice (grouped bars), each slice labelled with its size.

    Args:
        table (pandas.DataFrame): :func:`afrlib.analysis.slice_table` output.
        metric (str): a metric column of ``table`` (``"accuracy"``, ``"ROC-AUC"``, ``"negative F1"``).

    Returns:
        matplotlib.figure.Figure
    """
    sizes = table.drop_duplicates("slice").set_index("slice")
    order = list(sizes.index)
    names = {label: f"{label}\n{sizes.loc[label, 'reviews']:,} reviews\n{sizes.loc[label, 'negative reviews']:,} negative"
             for label in order}
    shown = table.assign(slice=table["slice"].map(names))
    fig, ax = plt.subplots(figsize=(11, 4.8))
    sns.barplot(data=shown, x="slice", y=metric, hue="model", order=[names[label] for label in order], ax=ax)
    ax.tick_params(axis="x", labelsize=8)
    for container in ax.containers:
        ax.bar_label(container, fmt="%.2f", fontsize=7, padding=1)
    ax.set(ylim=(0, 1.08), xlabel="", ylabel=f"{metric} on the test split", title=title or f"{metric} by slice")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    fig.tight_layout()
    return _save(fig, path)


def plot_reliability(curves, path=None):
    """Reliability diagram: observed share of positive reviews against the predicted P(positive).

    Args:
        curves (dict): :func:`afrlib.analysis.calibration` output.

    Returns:
        matplotlib.figure.Figure
    """
    fig, ax = plt.subplots(figsize=(6.5, 5.5))
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label="perfectly calibrated")
    for model, curve in curves.items():
        ax.plot(curve["mean_predicted"], curve["fraction_positive"], marker="o", markersize=4,
                label=f"{model} (Brier {curve['brier']:.4f})")
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="predicted P(positive), bin mean",
           ylabel="share of reviews that are positive", title="Reliability diagram (test split, 10 bins)")
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return _save(fig, path)
