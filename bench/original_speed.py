"""What speeds up the original (unmasked, seed-faithful) LSTMs on CPU, at equal results (``cpu_tuning``).

Each variant trains the same model (seed 42, batch ``--batch``, Adam, validation split 0.3) for ``--epochs``
epochs on the prepared training split of INPUT, in a fresh process (threads and oneDNN are fixed when
TensorFlow starts), then scores the test split. Throughput is fitting rows per second of epoch wall
time, median of the epochs after the first (which also pays graph tracing). Each variant's test
predictions are compared with the baseline's of the same depth: a variant is kept only if they agree
within ``TOLERANCE``.

Variants: ``baseline`` (the notebooks' settings: TensorFlow's default threads, oneDNN on, the LSTM's
loop as Keras runs it); ``unroll`` (``LSTM(unroll=True)``: the 100 time steps as straight-line ops
instead of a ``while`` loop; set on the built layers before ``fit`` traces them, as
``build_lstm_model(unroll=True)`` does); ``threads-1x2`` / ``threads-2x1`` (intra-op x inter-op threads);
``onednn-off`` (``TF_ENABLE_ONEDNN_OPTS=0``); ``unroll+threads-1x2``. XLA is not a candidate: Keras turns
``jit_compile`` off under op determinism, which ``training.set_seed`` enables.

Usage: ``python bench/original_speed.py INPUT [--batch 1000] [--depths 1 2 3] [--epochs 3] [--variants ...]``;
the figures go to ``bench/out/original_speed_<batch>.json``, the tables of every such file to the section
"The original settings, faster" of ``bench/results.md`` (``--write`` only rewrites that section).
"""

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

from common import OUT, ROOT, load_data, load_json, machine, save_json

SEED = 42
#: Largest difference of a test probability from the baseline's for a variant to count as the same model.
TOLERANCE = 1e-3
VARIANTS = {
    "baseline": {},
    "unroll": {"unroll": True},
    "threads-1x2": {"threads": (1, 2)},
    "threads-2x1": {"threads": (2, 1)},
    "onednn-off": {"env": {"TF_ENABLE_ONEDNN_OPTS": "0"}},
    "unroll+threads-1x2": {"unroll": True, "threads": (1, 2)},
}


def one_run(path, depth, epochs, variant, batch):
    """Train one variant in this process; return its figures and test probabilities."""
    settings = VARIANTS[variant]
    import tensorflow as tf

    if "threads" in settings:
        intra, inter = settings["threads"]
        tf.config.threading.set_intra_op_parallelism_threads(intra)
        tf.config.threading.set_inter_op_parallelism_threads(inter)
    from afrlib import models, training

    data = load_data(path, log=lambda *args: None)
    training.set_seed(SEED)
    model = models.build_lstm_model(depth, data.input_dim)
    if settings.get("unroll"):
        for layer in model.layers:
            if hasattr(layer, "unroll"):
                layer.unroll = True  # read when fit traces the model, so the same weights are unrolled
    started = time.perf_counter()
    run = training.train_model(model, data.x_train, data.y_train, epochs, batch, 0.3, verbose=0, checkpoint_dir=None)
    train_seconds = time.perf_counter() - started
    test, probability = training.evaluate_model(model, data.x_test, data.y_test, batch)
    later = run["epoch_seconds"][1:] or run["epoch_seconds"]
    return {"depth": depth, "variant": variant, "n_fit": run["n_fit"],
            "samples_per_s": round(run["n_fit"] / float(np.median(later)), 1),
            "train_seconds": round(train_seconds, 1), "test_accuracy": round(test["test_accuracy"], 4),
            "roc_auc": round(test["roc_auc"], 4), "probability": probability.tolist()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input", nargs="?", help="reviews file (not needed with --write)")
    parser.add_argument("--depths", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    parser.add_argument("--write", action="store_true", help="only rewrite the section of bench/results.md")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)  # depth, variant: run one in this process
    args = parser.parse_args()
    if args.write:
        write_section()
        return
    if args.child:
        print("RESULT " + json.dumps(one_run(args.input, int(args.child[0]), args.epochs, args.child[1], args.batch)))
        return
    load_data(args.input)  # build the cache once, before the timed runs
    rows = []
    for depth in args.depths:
        baseline = None
        for variant in ["baseline"] + [v for v in args.variants if v != "baseline"]:
            env = {**os.environ, **VARIANTS[variant].get("env", {})}
            done = subprocess.run([sys.executable, __file__, args.input, "--epochs", str(args.epochs), "--batch", str(args.batch),
                                   "--child", str(depth), variant], capture_output=True, text=True, env=env,
                                  cwd=ROOT)
            lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
            if done.returncode or not lines:
                sys.exit(f"depth {depth} {variant} failed:\n{done.stderr[-3000:]}")
            result = json.loads(lines[0].removeprefix("RESULT "))
            probability = np.array(result.pop("probability"))
            baseline = probability if baseline is None else baseline
            result["max_abs_diff_from_baseline"] = float(np.abs(probability - baseline).max())
            result["same_model"] = result["max_abs_diff_from_baseline"] <= TOLERANCE
            rows.append(result)
            print(f"depth {depth} {variant:12s} {result['samples_per_s']:8.1f} samples/s  train {result['train_seconds']:6.1f} s  "
                  f"test accuracy {result['test_accuracy']:.4f}  ROC-AUC {result['roc_auc']:.4f}  "
                  f"max |p - baseline| {result['max_abs_diff_from_baseline']:.2e}", flush=True)
    save_json({"input": str(args.input), "epochs": args.epochs, "batch_size": args.batch, "tolerance": TOLERANCE,
               "machine": machine(), "rows": rows}, OUT / f"original_speed_{args.batch}.json")
    write_section()


#: Fitting rows per epoch of the full Kaggle data (291,336 training reviews, 30 % held out).
FULL_FIT_ROWS = 203_935
#: The variant that ``afrlib.models.cpu_tuning`` applies.
KEPT = "unroll+threads-1x2"
MARK_BEGIN, MARK_END = "<!-- original_speed: begin -->", "<!-- original_speed: end -->"


def write_section():
    """Put the tables of every ``bench/out/original_speed_<batch>.json`` into ``bench/results.md``, between markers."""
    from afrlib.models import TUNED_THREADS

    runs = [load_json(path) for path in sorted(OUT.glob("original_speed_*.json"), key=lambda p: -int(p.stem.split("_")[-1]))]
    lines = [MARK_BEGIN, "## The original settings, faster: `cpu_tuning`", "",
             "Written by `bench/original_speed.py` (its docstring gives the method) from `bench/out/original_speed_<batch>.json`. "
             "Unmasked (original) models, seed 42, each variant in a fresh process, one after another on an otherwise idle "
             f"machine. Same model: test probabilities within {TOLERANCE} of the baseline's. Compilation: the first epoch's "
             "extra seconds over a steady epoch (train s minus 3 steady epochs). Full job: 10 epochs of "
             f"{FULL_FIT_ROWS:,} fitting rows per depth at that throughput, plus the compilation.", ""]
    for run in runs:
        lines += [f"Input `{run['input']}`, {run['epochs']} epochs, batch {run['batch_size']}; {run['machine']['cpu']}, "
                  f"{run['machine']['cores']} cores, {run['machine']['date']}.", "",
                  "| depth | variant | samples/s | vs baseline | compilation s | full job min | test accuracy | ROC-AUC | max abs diff of P | same model |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        base = {row["depth"]: row["samples_per_s"] for row in run["rows"] if row["variant"] == "baseline"}
        for row in run["rows"]:
            steady = row["n_fit"] / row["samples_per_s"]
            compilation = max(0.0, row["train_seconds"] - run["epochs"] * steady)
            full = (10 * FULL_FIT_ROWS / row["samples_per_s"] + compilation) / 60
            row["full_min"] = full
            lines.append(f"| {row['depth']} | {row['variant']} | {row['samples_per_s']:,.0f} | "
                         f"{row['samples_per_s'] / base[row['depth']]:.2f}x | {compilation:.0f} | {full:.1f} | "
                         f"{row['test_accuracy']} | {row['roc_auc']} | {row['max_abs_diff_from_baseline']:.1e} | "
                         f"{'yes' if row['same_model'] else 'no'} |")
        by = {(row["depth"], row["variant"]): row for row in run["rows"]}
        depths = sorted(base)
        if all((d, KEPT) in by for d in depths):
            before = sum(by[(d, "baseline")]["full_min"] for d in depths)
            after = sum(by[(d, KEPT)]["full_min"] for d in depths)
            lines += ["", f"Full job at batch {run['batch_size']}, depths {', '.join(map(str, depths))}: **{before:.0f} min** "
                      f"untuned, **{after:.0f} min** with `cpu_tuning` ({KEPT}: threads {TUNED_THREADS[0]} / "
                      f"{TUNED_THREADS[1]}, unrolled LSTMs)."]
        lines.append("")
    lines.append(MARK_END)
    results = ROOT / "bench/results.md"
    text = results.read_text()
    if MARK_BEGIN in text:
        text = text[:text.index(MARK_BEGIN)] + "\n".join(lines) + text[text.index(MARK_END) + len(MARK_END):]
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"
    results.write_text(text)
    print("\n".join(lines))

if __name__ == "__main__":
    main()
