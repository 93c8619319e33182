"""Full-scale run: the three depths, ``--epochs`` epochs each, on the whole prepared training split.

The fast configuration by default (``afrlib.fast.set_threads()``, ``build_lstm_model(...,
mask_padding=True)``, ``train_model(..., fast=True)``; ``--seed-config`` runs the notebooks'
default instead), batch
1000, validation_split 0.3, seed 42, then the test split. The wall time of each depth and of the
whole job (models built, trained and tested; the prepared split is loaded from the cache first)
goes to ``bench/out/full.json``, rewritten after every depth.

Usage: ``python bench/full_bench.py INPUT [--epochs 10] [--seed-config]``.
"""

import argparse

from common import OUT, Stopwatch, load_data, save_json


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("input", help="reviews file (bench/make_scale_input.py writes one)")
    parser.add_argument("--epochs", type=int, default=10, help="epochs per depth (default 10)")
    parser.add_argument("--depths", default="1,2,3", help="comma-separated depths (default 1,2,3)")
    parser.add_argument("--seed-config", action="store_true", help="the notebooks' default path instead of fast")
    parser.add_argument("--json", default=str(OUT / "full.json"), help="where to write the results")
    args = parser.parse_args(argv)
    from afrlib import fast as fast_path
    from afrlib import models, training

    fast = not args.seed_config
    if fast:
        fast_path.set_threads()
    data = load_data(args.input)
    results = {"input": args.input, "configuration": "fast" if fast else "seed", "epochs": args.epochs,
               "train_rows": len(data.x_train), "test_rows": len(data.x_test), "counts": data.counts, "depths": {}}
    with Stopwatch() as job:
        for depth in [int(d) for d in args.depths.split(",") if d]:
            print(f"Depth {depth}, {results['configuration']} configuration, {len(data.x_train):,} training reviews, "
                  f"{args.epochs} epochs...", flush=True)
            with Stopwatch() as clock:
                training.set_seed(42)
                model = models.build_lstm_model(depth, data.input_dim, data.x_train.shape[1], mask_padding=fast)
                run = training.train_model(model, data.x_train, data.y_train, args.epochs, 1000, 0.3, fast=fast)
                metrics, _ = training.evaluate_model(model, data.x_test, data.y_test, 1000, fast=fast)
            results["depths"][str(depth)] = {
                **clock.as_dict(), "train_s": round(run["train_seconds"], 1),
                "epoch_seconds": [round(s, 1) for s in run["epoch_seconds"]], "n_fit": run["n_fit"],
                "history": {k: [round(v, 4) for v in values] for k, values in run["history"].items()},
                "test_accuracy": round(metrics["test_accuracy"], 4), "roc_auc": round(metrics["roc_auc"], 4),
                "majority_accuracy": round(metrics["majority_accuracy"], 4),
                "negative_f1": round(metrics["per_class"]["negative"]["f1"], 4)}
            print(f"Depth {depth}: {clock.wall / 60:.1f} min, test accuracy {metrics['test_accuracy']:.4f}", flush=True)
            save_json(results, args.json)
    results.update(job.as_dict())
    save_json(results, args.json)
    print(f"All depths: {job.wall / 60:.1f} min. Written to {args.json}.")


if __name__ == "__main__":
    main()
