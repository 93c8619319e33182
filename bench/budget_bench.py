"""Training budget on the default data: test metrics of each depth against the number of optimizer updates.

Each (depth, batch size) runs in its own process at the original's other settings (10 epochs,
validation split 0.3, seed 42, seed-faithful model) and writes
``bench/out/budget/<data sha256[:12]>/d<depth>_b<batch>.json``;
a finished configuration is not rerun. Depth 3 is scored as trained and after the precise BatchNorm
statistics (``afrlib.batchnorm``), gathered in training mode (Dropout on, the step's default) and in
inference mode (Dropout off, for comparison). The table goes to ``bench/budget.md``.

    .venv/bin/python bench/budget_bench.py [--data PATH] [--depths 1 2 3] [--batch-sizes 1000 250 100 original-updates]
        [--jobs 2]

``--jobs 2`` runs two configurations at once with one TensorFlow thread each (this machine has 2
cores): the metrics are those of single runs, the seconds are not comparable with ``make reports``.
"""

import argparse
import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from common import OUT, ROOT, load_data, machine, save_json

RESULTS = OUT / "budget"


def inference_mode_statistics(model, x, batch_size):
    """Set each BatchNorm's moving statistics to the mean / variance of its input over ``x``, Dropout off."""
    import keras
    import numpy as np

    from afrlib.batchnorm import batchnorm_layers

    for layer in batchnorm_layers(model):  # in order: a later layer's input depends on the earlier layers' statistics
        probe = keras.Model(model.inputs, layer.input)
        values = np.concatenate([np.asarray(probe(x[start:start + batch_size], training=False)).reshape(-1, layer.input.shape[-1])
                                 for start in range(0, len(x), batch_size)])
        layer.moving_mean.assign(values.mean(axis=0))
        layer.moving_variance.assign(values.var(axis=0))


def run_one(data_path, depth, batch_size, threads):
    """Train one configuration in this process and return its record."""
    import tensorflow as tf

    if threads:
        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)
    from afrlib import batchnorm, budget, models, training

    data = load_data(data_path)
    n_fit = int(len(data.x_train) * 0.7)
    resolved = budget.resolve_batch_size(batch_size, len(data.x_train), 0.3)
    training.set_seed(42)
    model = models.build_lstm_model(depth, data.input_dim)
    run = training.train_model(model, data.x_train, data.y_train, 10, resolved, 0.3, verbose=0)
    summary = lambda test: {k: test[k] for k in ("test_accuracy", "roc_auc", "majority_accuracy")} | {
        "negative_f1": test["per_class"]["negative"]["f1"], "negative_recall": test["per_class"]["negative"]["recall"]}
    record = {"depth": depth, "batch_size": batch_size, "resolved_batch_size": resolved,
              "updates": -(-n_fit // resolved) * 10, "train_seconds": run["train_seconds"],
              "final_loss": run["history"]["loss"][-1], "final_val_loss": run["history"]["val_loss"][-1],
              "as_trained": summary(training.evaluate_model(model, data.x_test, data.y_test, 1000)[0])}
    if batchnorm.batchnorm_layers(model):
        trained = batchnorm.moving_statistics(model)
        batchnorm.precise_batchnorm_statistics(model, data.x_train[:n_fit], resolved, seed=42, mode="training")
        record["precise_training_mode"] = summary(training.evaluate_model(model, data.x_test, data.y_test, 1000)[0])
        for layer in batchnorm.batchnorm_layers(model):
            layer.moving_mean.assign(trained[layer.name]["mean"])
            layer.moving_variance.assign(trained[layer.name]["variance"])
        inference_mode_statistics(model, data.x_train[:n_fit], 1000)
        record["precise_inference_mode"] = summary(training.evaluate_model(model, data.x_test, data.y_test, 1000)[0])
    return record


def write_table(records, path):
    """The markdown table of ``records`` (one row per configuration) with the machine facts."""
    lines = ["# Training budget on the default data", "",
             "Written by `bench/budget_bench.py`: each depth at the original's settings (10 epochs, validation "
             "split 0.3, seed 42, seed-faithful model) with several batch sizes, i.e. numbers of optimizer updates. "
             "`original` is the batch size that gives the original's number of updates on this data "
             "(`afrlib.budget.resolve_batch_size`). Test split of the default data; majority-class accuracy "
             f"{records[0]['as_trained']['majority_accuracy']:.4f}. Depth 3 also after precise BatchNorm statistics "
             "gathered in training mode (Dropout on, `afrlib.batchnorm` with `mode=\"training\"`) and in inference mode (Dropout off, mean and variance over all fitting rows). "
             "`train s`: seconds of training with two configurations running at once, one TensorFlow thread each "
             "(`--jobs 2`), so comparable within the table only.", "",
             "| depth | batch size | updates | evaluated | test accuracy | ROC-AUC | negative F1 | negative recall | train s |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in sorted(records, key=lambda r: (r["depth"], -r["resolved_batch_size"])):
        for key, label in (("as_trained", "as trained"), ("precise_training_mode", "precise BN, training mode"),
                           ("precise_inference_mode", "precise BN, inference mode")):
            if key in r:
                m = r[key]
                batch = f"{r['resolved_batch_size']}" + (" (original)" if r["batch_size"] == "original-updates" else "")
                lines.append(f"| {r['depth']} | {batch} | {r['updates']:,} | {label} | {m['test_accuracy']:.4f} | "
                             f"{m['roc_auc']:.4f} | {m['negative_f1']:.4f} | {m['negative_recall']:.4f} | "
                             f"{r['train_seconds']:.0f} |")
    facts = machine()
    lines += ["", "Machine: " + ", ".join(f"{k} {v}" for k, v in facts.items()), ""]
    path.write_text("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=None, help="reviews file (default: the project's default data)")
    parser.add_argument("--depths", nargs="+", type=int, default=[1, 2, 3])
    parser.add_argument("--batch-sizes", nargs="+", default=["1000", "250", "100", "original-updates"])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)  # internal: DEPTH BATCH in a child process
    args = parser.parse_args()
    from afrlib.paths import default_data_path

    data_path = args.data or str(ROOT / default_data_path(ROOT))
    global RESULTS
    from afrlib.prepare import file_sha256

    RESULTS = RESULTS / file_sha256(data_path)[:12]  # results of another data file are not reused
    if args.one:
        depth, batch = int(args.one[0]), args.one[1]
        record = run_one(data_path, depth, int(batch) if batch.isdigit() else batch, 1 if args.jobs > 1 else 0)
        save_json(record, RESULTS / f"d{depth}_b{batch}.json")
        return
    load_data(data_path)  # build the cache once, before the children read it
    todo = [(d, b) for d in args.depths for b in args.batch_sizes if not (RESULTS / f"d{d}_b{b}.json").is_file()]
    todo.sort(key=lambda item: item[1] == "original-updates" or item[1].isdigit() and int(item[1]) < 250, reverse=True)

    def launch(item):
        started = time.perf_counter()
        command = [sys.executable, __file__, "--data", data_path, "--jobs", str(args.jobs), "--one", str(item[0]), item[1]]
        subprocess.run(command, check=True)
        print(f"depth {item[0]}, batch {item[1]}: done in {time.perf_counter() - started:.0f} s", flush=True)

    with ThreadPoolExecutor(args.jobs) as pool:
        list(pool.map(launch, todo))
    records = [json.loads(p.read_text()) for p in sorted(RESULTS.glob("d*_b*.json"))]
    write_table(records, ROOT / "bench/budget.md")
    print((ROOT / "bench/budget.md").read_text())


if __name__ == "__main__":
    main()
