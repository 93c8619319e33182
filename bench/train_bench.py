"""Training-throughput benchmark: seed-faithful against fast configuration, every depth, same rows.

On the newest ``--rows`` reviews of the prepared training split (validation: their last 30 %),
batch 1000, Adam, seed 42, each depth is trained ``--epochs`` epochs

- (a) *seed*: ``build_lstm_model(depth, ...)`` and ``train_model(...)``, as the notebooks, with
  TensorFlow's default threads;
- (b) *fast*: ``afrlib.fast.set_threads()``, ``build_lstm_model(..., mask_padding=True)`` and
  ``train_model(..., fast=True)``;

then scored on the oldest ``--test-rows`` reviews of the test split (``evaluate_model``, ``fast``
as in training). Every run is a fresh process (threads are fixed when TensorFlow starts), in the
order (a), (b) per depth. Throughput is fitting rows per second of epoch wall time (fit and
validation pass); the first epoch also pays graph tracing, so the figure is the
median of the later epochs.

``--candidates`` adds, on the same rows: the cost of a batch by its width for every depth (the
profile of where cutting padding saves time); the fast path's training epoch through Keras ``fit``
on a ``tf.data`` dataset against the per-batch loop of :func:`afrlib.fast.epoch_logs`, depths 1
and 3; depth 1 trained on cut batches without the mask,
scored on cut batches and on full padding; and the candidates of :data:`CANDIDATES`, depth 1, as
steady-state ``train_on_batch`` calls over 20 batches after a pass that traces (and for XLA
compiles) every width: XLA ``jit_compile`` (without TensorFlow's op determinism, which turns XLA
off in Keras), cut batches without the mask, and thread settings.

Usage: ``python bench/train_bench.py INPUT [--rows 50000] [--epochs 2] [--candidates]``.
"""

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

from common import OUT, ROOT, Stopwatch, load_data, save_json

SEED = 42
BATCH = 1000


def configuration_run(depth, fast, data, x, y, epochs):
    """Train and test one configuration in this process (for ``fast``, set the threads first); return its figures."""
    from afrlib import fast as fast_path
    from afrlib import models, training

    if fast:
        fast_path.set_threads()
    training.set_seed(SEED)
    model = models.build_lstm_model(depth, data.input_dim, data.x_train.shape[1], mask_padding=fast)
    with Stopwatch() as train_clock:
        run = training.train_model(model, x, y, epochs, BATCH, 0.3, verbose=2, fast=fast)
    with Stopwatch() as test_clock:
        metrics, probability = training.evaluate_model(model, data.x_test, data.y_test, BATCH, fast=fast)
    later = run["epoch_seconds"][1:] or run["epoch_seconds"]
    result = {"epoch_seconds": [round(s, 2) for s in run["epoch_seconds"]],
              "samples_per_s": round(run["n_fit"] / float(np.median(later)), 1),
              "first_epoch_samples_per_s": round(run["n_fit"] / run["epoch_seconds"][0], 1),
              "train": train_clock.as_dict(), "test": test_clock.as_dict(),
              "history": {k: [round(v, 4) for v in values] for k, values in run["history"].items()},
              **{k: round(metrics[k], 4) for k in ("test_loss", "test_accuracy", "roc_auc")},
              "negative_f1": round(metrics["per_class"]["negative"]["f1"], 4)}
    if fast:  # serving check: the same model on the full padded arrays (python -m afrlib predict)
        head = slice(0, min(5000, len(data.x_test)))
        full = model.predict(data.x_test[head], batch_size=BATCH, verbose=0).ravel()
        result["full_padding_max_abs_diff"] = float(np.abs(full - probability[head]).max())
    return result


def candidate_batches(x, count=20, seed=0):
    """Row positions of ``count`` training batches as the fast path forms them (one epoch's draw)."""
    from afrlib import fast

    batches = fast.bucketed_batches(fast.sequence_lengths(x), BATCH, np.random.default_rng(seed))
    return [b for b in batches if len(b) == BATCH][:count]


def time_candidate(x, y, input_dim, batches, mask, trim, jit):
    """Seconds per training batch (steady state) and first-pass seconds, depth 1."""
    import keras

    from afrlib import fast, models, training

    if jit:  # Keras turns XLA off when TensorFlow's op determinism is on, as training.set_seed sets it
        keras.utils.set_random_seed(SEED)
    else:
        training.set_seed(SEED)
    model = models.build_lstm_model(1, input_dim, x.shape[1], mask_padding=mask)
    if jit:
        model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"], jit_compile=True)
    lengths = fast.sequence_lengths(x)
    feed = [(x[b, x.shape[1] - max(int(lengths[b].max()), 1):] if trim else x[b], y[b]) for b in batches]
    started = time.perf_counter()
    for xb, yb in feed:  # traces (and with XLA compiles) every new width
        model.train_on_batch(xb, yb)
    first = time.perf_counter() - started
    with Stopwatch() as clock:
        for xb, yb in feed:
            model.train_on_batch(xb, yb)
    return {"s_per_batch": round(clock.wall / len(feed), 4), "samples_per_s": round(BATCH * len(feed) / clock.wall, 1),
            "first_pass_s": round(first, 2), "cpu_s": round(clock.cpu, 2), "load_before": round(clock.load, 2),
            "mean_width": round(float(np.mean([f[0].shape[1] for f in feed])), 1), "xla": bool(model.jit_compile),
            "batches": len(feed)}


def width_profile(depth, input_dim, widths=(10, 25, 50, 100), rounds=2):
    """Seconds per training batch of 1000 random reviews at each width (masked model, steady state).

    Shows how the cost of a batch grows with its columns, i.e. where cutting padding saves time.
    """
    from afrlib import fast, models, training

    fast.set_threads()
    training.set_seed(SEED)
    model = models.build_lstm_model(depth, input_dim, max(widths), mask_padding=True)
    rng = np.random.default_rng(0)
    feed = {w: (rng.integers(1, input_dim, (BATCH, w)).astype("int32"), rng.integers(0, 2, BATCH).astype("int8"))
            for w in widths}
    for w in widths:  # trace
        model.train_on_batch(*feed[w])
    seconds = dict.fromkeys(widths, 0.0)
    for _ in range(rounds):  # interleaved, so a change of load hits every width alike
        for w in widths:
            started = time.perf_counter()
            model.train_on_batch(*feed[w])
            seconds[w] += (time.perf_counter() - started) / rounds
    return {str(w): round(s, 3) for w, s in seconds.items()}


CANDIDATES = {  # name: (mask, trim, jit, (intra-op, inter-op) threads or None = TensorFlow's default (2, 2 here))
    "seed": (False, False, False, None),
    "seed + XLA jit_compile": (False, False, True, None),
    "cut batches, no mask": (False, True, False, None),
    "seed, threads 1 / 2": (False, False, False, (1, 2)),
    "cut batches, mask, default threads": (True, True, False, None),
    "cut batches, mask, threads 1 / 1": (True, True, False, (1, 1)),
    "cut batches, mask, threads 2 / 1": (True, True, False, (2, 1)),
    "fast: cut batches, mask, threads 1 / 2": (True, True, False, (1, 2)),
    "fast + XLA jit_compile": (True, True, True, (1, 2)),
}


def run_candidate(name, data, x, y):
    """Time one candidate in this process (thread settings must come before TensorFlow starts)."""
    from afrlib import fast

    mask, trim, jit, threads = CANDIDATES[name]
    if threads:
        fast.set_threads(*threads)
    x_fit, y_fit = x[:int(len(x) * 0.7)], y[:int(len(x) * 0.7)]
    return time_candidate(x_fit, y_fit, data.input_dim, candidate_batches(x_fit), mask, trim, jit)


def unmasked_cut_run(data, x, y, epochs):
    """Depth 1 trained on cut batches without the mask: test accuracy on cut batches and on full padding.

    Shows why the fast path needs the mask: such a model never learns what 80 padding steps do,
    and ``python -m afrlib predict`` feeds it full padded rows.
    """
    from afrlib import fast, models, training
    from afrlib.metrics import classification_metrics

    fast.set_threads()
    training.set_seed(SEED)
    model = models.build_lstm_model(1, data.input_dim, x.shape[1])
    n_fit = int(len(x) * 0.7)
    rng = np.random.default_rng(np.random.randint(2**31 - 1))
    for _ in range(epochs):  # afrlib.fast.train_model refuses unmasked models; its loop, without validation
        for rows, batch in fast.trimmed_batches(x[:n_fit], BATCH, rng):
            model.train_on_batch(batch, y[rows])
    cut = np.empty(len(data.x_test), dtype=np.float32)
    for rows, batch in fast.trimmed_batches(data.x_test, BATCH):
        cut[rows] = np.asarray(model.predict_on_batch(batch)).ravel()
    full = model.predict(data.x_test, batch_size=BATCH, verbose=0).ravel()
    return {"test_accuracy_cut": round(classification_metrics(data.y_test, cut)["accuracy"], 4),
            "test_accuracy_full_padding": round(classification_metrics(data.y_test, full)["accuracy"], 4),
            "max_abs_diff": round(float(np.abs(cut - full).max()), 4)}


def loop_epoch_seconds(depth, via_fit, data, x, y):
    """Wall seconds of each of two training epochs of the fast path, same batches, masked model.

    ``via_fit``: Keras ``fit`` on a ``tf.data`` dataset of the trimmed batches (the usual way);
    otherwise :func:`afrlib.fast.epoch_logs` (``train_on_batch`` per batch, what
    ``afrlib.fast.train_model`` runs). No validation pass.
    """
    import tensorflow as tf

    from afrlib import fast, models, training

    fast.set_threads()
    training.set_seed(SEED)
    model = models.build_lstm_model(depth, data.input_dim, x.shape[1], mask_padding=True)
    n_fit = int(len(x) * 0.7)
    x_fit, y_fit = x[:n_fit], y[:n_fit]
    rng = np.random.default_rng(0)
    if via_fit:
        def batches():
            for rows, batch in fast.trimmed_batches(x_fit, BATCH, rng):
                yield batch, y_fit[rows]

        spec = (tf.TensorSpec((None, None), tf.as_dtype(x.dtype)), tf.TensorSpec((None,), tf.as_dtype(y.dtype)))
        dataset = tf.data.Dataset.from_generator(batches, output_signature=spec).apply(
            tf.data.experimental.assert_cardinality(-(-n_fit // BATCH))).prefetch(2)
        timer = training.EpochTimer()
        model.fit(dataset, epochs=2, verbose=0, shuffle=False, callbacks=[timer])
        return [round(s, 2) for s in timer.seconds]
    seconds = []
    for _ in range(2):
        started = time.perf_counter()
        fast.epoch_logs(model.train_on_batch, x_fit, y_fit, BATCH, rng)
        seconds.append(round(time.perf_counter() - started, 2))
    return seconds


def run_task(task, args):
    """Run one task of the benchmark in this process; return its JSON-able result."""
    data = load_data(args.input, log=lambda line: None)
    data.x_test, data.y_test = data.x_test[:args.test_rows], data.y_test[:args.test_rows]
    x, y = data.x_train[-args.rows:], data.y_train[-args.rows:]
    kind, _, name = task.partition(":")
    if kind in ("seed", "fast"):
        return configuration_run(int(name), kind == "fast", data, x, y, args.epochs)
    if kind == "unmasked":
        return unmasked_cut_run(data, x, y, args.epochs)
    if kind == "loop":
        depth, _, way = name.partition(":")
        load_before = round(os.getloadavg()[0], 2)
        return {"epoch_seconds": loop_epoch_seconds(int(depth), way == "fit", data, x, y), "load_before": load_before}
    if kind == "profile":
        return {str(d): width_profile(d, data.input_dim) for d in (1, 2, 3)}
    return run_candidate(name, data, x, y)


def in_subprocess(task, args):
    """Run ``task`` (see :func:`run_task`) in a fresh Python process, its output passed through."""
    command = [sys.executable, __file__, args.input, "--rows", str(args.rows), "--test-rows", str(args.test_rows),
               "--epochs", str(args.epochs), "--task", task]
    done = subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    lines = done.stdout.splitlines()
    print("\n".join(line for line in lines if not line.startswith("RESULT ")), flush=True)
    return json.loads([line for line in lines if line.startswith("RESULT ")][-1][len("RESULT "):])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("input", help="reviews file (bench/make_scale_input.py writes one)")
    parser.add_argument("--rows", type=int, default=50_000, help="newest training rows used (default 50,000)")
    parser.add_argument("--test-rows", type=int, default=20_000, help="oldest test rows scored (default 20,000)")
    parser.add_argument("--epochs", type=int, default=2, help="epochs per configuration (default 2)")
    parser.add_argument("--depths", default="1,2,3", help="comma-separated depths (default 1,2,3)")
    parser.add_argument("--candidates", action="store_true", help="also the width profile and other candidates")
    parser.add_argument("--task", help=argparse.SUPPRESS)  # internal: one task, JSON on stdout
    parser.add_argument("--json", default=str(OUT / "train.json"), help="where to write the results")
    args = parser.parse_args(argv)
    if args.task:
        print("RESULT " + json.dumps(run_task(args.task, args)), flush=True)
        return
    from afrlib import fast

    data = load_data(args.input)
    x = data.x_train[-args.rows:]
    lengths = fast.sequence_lengths(x)
    n_fit = int(len(x) * 0.7)
    results = {"input": args.input, "rows": len(x), "n_fit": n_fit, "test_rows": min(args.test_rows, len(data.x_test)),
               "epochs": args.epochs, "batch_size": BATCH, "maxlen": int(x.shape[1]), "fast_threads": fast.THREADS,
               "full_train_rows": len(data.x_train), "mean_tokens": round(float(lengths.mean()), 1),
               "median_tokens": float(np.median(lengths)), "p95_tokens": float(np.percentile(lengths, 95)),
               "mean_batch_width": round(float(np.mean([lengths[b].max() for b in fast.bucketed_batches(
                   lengths[:n_fit], BATCH, np.random.default_rng(0))])), 1),
               "depths": {}}
    for depth in [int(d) for d in args.depths.split(",") if d]:
        results["depths"][str(depth)] = entry = {}
        for name in ("seed", "fast"):
            print(f"Depth {depth}, {name} configuration, {len(x):,} rows, {args.epochs} epochs...", flush=True)
            entry[name] = in_subprocess(f"{name}:{depth}", args)
        entry["ratio"] = round(entry["fast"]["samples_per_s"] / entry["seed"]["samples_per_s"], 2)
        print(f"Depth {depth}: {entry['seed']['samples_per_s']:,.0f} -> {entry['fast']['samples_per_s']:,.0f} "
              f"samples/s (x{entry['ratio']}); test accuracy {entry['seed']['test_accuracy']:.4f} -> "
              f"{entry['fast']['test_accuracy']:.4f}", flush=True)
        save_json(results, args.json)
    if args.candidates:
        print("Depth 1 on cut batches without the mask (accuracy on cut and on full padding)...", flush=True)
        results["unmasked_cut"] = in_subprocess("unmasked", args)
        results["loops"] = {}
        for depth in (1, 3):
            for way in ("fit", "batches"):
                print(f"Depth {depth}, fast path's training epoch through {way}...", flush=True)
                results["loops"][f"{depth}:{way}"] = in_subprocess(f"loop:{depth}:{way}", args)
        print("Seconds per batch by width, every depth...", flush=True)
        results["width_profile"] = in_subprocess("profile", args)
        save_json(results, args.json)
        results["candidates"] = {}
        for name in CANDIDATES:
            print(f"Candidate: {name}...", flush=True)
            results["candidates"][name] = in_subprocess(f"candidate:{name}", args)
            print(f"  {results['candidates'][name]['samples_per_s']:,.0f} samples/s", flush=True)
            save_json(results, args.json)
    save_json(results, args.json)
    print(f"Written to {args.json}.")


if __name__ == "__main__":
    main()
