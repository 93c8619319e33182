"""The training budget: batch size and number of optimizer updates (no TensorFlow import, so tables can use it).

The original trained on the full data: 291,336 training reviews, 70 % of them fitted in batches of 1000,
204 optimizer updates per epoch, 2,040 in 10 epochs (README "Data" gives the counts). On the default
sample (14,296 training reviews) the same batch size gives 110. ``bench/budget.md`` measures each depth
there at 110 to 2,050 updates; :data:`DEFAULT_BATCH_SIZES` follows it.
"""

from afrlib.errors import check_fraction, check_whole_number

ORIGINAL_FIT_ROWS = int(291_336 * (1 - 0.3))
ORIGINAL_BATCH_SIZE = 1000
ORIGINAL_UPDATES = "original-updates"
ORIGINAL_UPDATES_COUNT = 2040  # -(-ORIGINAL_FIT_ROWS // ORIGINAL_BATCH_SIZE) * 10 epochs

#: Each depth notebook's default ``batch_size`` and why, from ``bench/budget.md`` (default sample, seed 42)
#: and the seed sweep (seeds 1-5 at batch 1000, and the sanity panels of those runs).
DEFAULT_BATCH_SIZES = {1: 250, 2: 250, 3: 250}
DEFAULT_REASONS = {
    1: ("at 110 updates (batch 1000) its validation accuracy stayed at the majority share for 5 of 10 epochs and it "
        "called 2 of the sanity panel's 4 plain negatives positive for 5 of 6 seeds: still learning"),
    2: "at 110 updates it stayed near the majority guess (negative F1 0.45); 410 reach negative F1 0.67, more add little",
    3: "110 updates left 4 of 5 seeds under-trained, even with precise BatchNorm statistics (make sweep)",
}


def resolve_batch_size(batch_size, n_train, validation_split=0.3):
    """The batch size to train with: ``batch_size`` itself, or the one that keeps the original's update count.

    ``batch_size="original-updates"`` scales the original's 1000 by the share of the original's
    fitting rows this data has, ``round(1000 * n_fit / 203,935)`` with ``n_fit = int(n_train *
    (1 - validation_split))``: exactly 1000 on the full data (203,935 fitting rows), 49 on the default
    sample (10,007), so that 10 epochs make about the original's 2,040 optimizer updates.

    Args:
        batch_size (int | str): a whole number >= 1, or ``"original-updates"``.
        n_train (int): rows of the training split.
        validation_split (float): the share of the training rows held out (Keras' ``validation_split``).

    Returns:
        int: the batch size, >= 1.

    Raises:
        ParameterError: ``batch_size`` is neither a whole number >= 1 nor ``"original-updates"``.
    """
    if batch_size == ORIGINAL_UPDATES:
        check_fraction("validation_split", validation_split, " (the original used 0.3)")
        n_fit = int(n_train * (1 - validation_split))
        return max(1, round(ORIGINAL_BATCH_SIZE * n_fit / ORIGINAL_FIT_ROWS))
    check_whole_number("batch_size", batch_size, 1,
                       hint=f" or {ORIGINAL_UPDATES!r} (the original used 1000 on the full data)")
    return batch_size


def optimizer_updates(n_train, batch_size, epochs, validation_split=0.3):
    """Optimizer updates of a run: ``ceil(n_fit / batch_size) * epochs`` (Keras fits a short last batch).

    Returns:
        int: the number of gradient steps.
    """
    n_fit = int(n_train * (1 - validation_split))
    return -(-n_fit // batch_size) * epochs


#: Training rows of the default sample (README "Data"), and the optimizer updates the default batch sizes make there.
SAMPLE_TRAIN_ROWS = 14_296


def budget_reason(depth, requested, epochs=10, updates=None):
    """Why a run had its batch size, for the summary's budget table.

    Args:
        depth (int): 1-3; requested (int | str): the ``batch_size`` parameter as given; epochs (int): the run's;
        updates (int | None): the run's optimizer updates: a default batch size's reason was measured on the default
            sample over 10 epochs, and one that made other updates (a smaller sample, fewer epochs) says so.

    Returns:
        str: one sentence fragment.
    """
    if requested == ORIGINAL_UPDATES:
        if epochs != 10:
            return (f"scaled to this data to give the original's {ORIGINAL_UPDATES_COUNT // 10:,} updates per epoch "
                    f"({ORIGINAL_UPDATES_COUNT:,} in its 10 epochs; this run had {epochs})")
        return f"scaled to this data to keep the original's {ORIGINAL_UPDATES_COUNT:,} updates"
    if requested == DEFAULT_BATCH_SIZES.get(depth):
        reason = f"default for depth {depth} (bench/budget.md): {DEFAULT_REASONS[depth]}"
        measured = optimizer_updates(SAMPLE_TRAIN_ROWS, requested, 10)
        if updates is not None and updates != measured:
            reason += f" (measured at {measured:,} updates, on the default sample over 10 epochs; this run made {updates:,})"
        return reason
    if requested == ORIGINAL_BATCH_SIZE:
        return "the original's batch size"
    return "set in the run's parameters"
