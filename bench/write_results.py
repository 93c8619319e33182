"""Write ``bench/results.md`` from the measurements in ``bench/out/*.json`` and the machine's facts.

Sections whose JSON is missing say so; the section that ``bench/original_speed.py`` writes is kept. Usage: ``python bench/write_results.py [--out bench/results.md]``.
"""

import argparse
from pathlib import Path

from common import OUT, ROOT, load_json, machine
from original_speed import MARK_BEGIN, MARK_END

#: The full data's training split (291,336 reviews) and the rows a notebook fits (70 %).
FULL_TRAIN = 291_336
FULL_FIT = int(FULL_TRAIN * 0.7)
PREP_TARGET_S, PREP_TARGET_GIB, FULL_TARGET_MIN = 60, 4, 30


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]


def verdict(ok):
    return "met" if ok else "**missed**"


def machine_section(facts):
    return ["## Machine", "",
            f"{facts['cpu']}, {facts['cores']} cores, {facts['memory_gib']} GiB memory; {facts['platform']}.",
            f"Python {facts['python']}, TensorFlow {facts['tensorflow']}, Keras {facts['keras']}, NumPy "
            f"{facts['numpy']}, pandas {facts['pandas']}, scikit-learn {facts['scikit-learn']}, joblib "
            f"{facts['joblib']}. Written {facts['date']}.", "",
            "Each figure comes with the 1-minute load average before it was measured. It decays over minutes, "
            "so right after the benchmark's previous step (which keeps both cores busy) it reads 1-2 on an "
            "otherwise idle machine; it says something only where it stands well above that.", ""]


def prepare_section(prep):
    lines = ["## Preparation: raw file -> cached padded arrays", ""]
    if not prep:
        return lines + ["Not run (`bench/out/prepare.json` missing).", ""]
    ours, naive = prep["afrlib"], prep["naive"]
    counts = ours["counts"]
    lines += [f"Input `{Path(prep['input']).name}`: {prep['input_bytes'] / 2**20:,.0f} MiB, "
              + ", ".join(f"{name} {value:,}" for name, value in counts.items()) + ".", ""]
    lines += table(["path", "wall s", "CPU s", "peak memory GiB", "load before"], [
        ["afrlib `load_prepared`", ours["wall_s"], ours["cpu_s"], ours["peak_rss_gib"], round(prep["load_before"], 2)],
        ["same recipe, pandas `.apply` per row", naive["wall_s"], naive["cpu_s"], naive["peak_rss_gib"], ""]])
    lines += ["", f"afrlib is **{naive['wall_s'] / ours['wall_s']:.1f}x** faster than the `.apply` version; "
              f"identical arrays and vocabulary: {'yes' if prep['identical'] else '**NO**'}. "
              f"Target <= {PREP_TARGET_S} s and <= {PREP_TARGET_GIB} GiB: "
              f"{verdict(ours['wall_s'] <= PREP_TARGET_S and ours['peak_rss_gib'] <= PREP_TARGET_GIB)}"
              + ("" if counts.get("raw reviews", 0) >= 568_454 else " (at this input size; the target is for 568,454 rows)")
              + ".", "", "Where the time goes (seconds since the process started, from the recipe's log):", ""]
    previous = 0.0
    for at, line in ours["steps"]:
        lines.append(f"- {at - previous:5.1f} s, until {at:.1f} s: {line}")
        previous = at
    lines += [f"- {ours['wall_s'] - previous:5.1f} s: returning", "",
              "The first line includes Python and library imports and the SHA-256 of the file; the cleaning "
              "is one pass of regular expressions per review (the digit-token expression was rewritten "
              "without backtracking, the one change of substance against the `.apply` version, which also "
              "imports TensorFlow for `pad_sequences`).", ""]
    return lines


def train_section(train):
    lines = ["## Training throughput", ""]
    if not train:
        return lines + ["Not run (`bench/out/train.json` missing).", ""]
    lines += [f"The newest {train['rows']:,} reviews of the training split ({train['n_fit']:,} fit, the last 30 % "
              f"validation), batch {train['batch_size']}, {train['epochs']} epochs, seed 42; test: the oldest "
              f"{train['test_rows']:,} reviews of the test split. Tokens per review after cleaning: mean {train['mean_tokens']}, median "
              f"{train['median_tokens']:.0f}, 95th percentile {train['p95_tokens']:.0f} (of maxlen {train['maxlen']}); "
              f"the fast path's batches are {train['mean_batch_width']} columns wide on average.", "",
              "(a) **seed**: `build_lstm_model(depth, ...)`, `train_model(...)`, as the notebooks by default. "
              f"(b) **fast**: `afrlib.fast.set_threads()` (intra-op / inter-op threads {train['fast_threads'][0]} / "
              f"{train['fast_threads'][1]}), `build_lstm_model(..., mask_padding=True)`, `train_model(..., fast=True)`, "
              "`evaluate_model(..., fast=True)`. Each run in a fresh process. Samples/s = fitting rows per second of epoch wall time (fit and "
              "validation pass), median of the epochs after the first (which also traces the graphs).", ""]
    rows, projected = [], {"seed": 0.0, "fast": 0.0}
    for depth, entry in train["depths"].items():
        seed, fast = entry["seed"], entry["fast"]
        rows.append([depth, f"{seed['samples_per_s']:,.0f}", f"{fast['samples_per_s']:,.0f}", f"**{entry['ratio']}x**",
                     seed["test_accuracy"], fast["test_accuracy"], seed["roc_auc"], fast["roc_auc"],
                     f"{seed['train']['load_before']} / {fast['train']['load_before']}"])
        for name in projected:
            projected[name] += 10 * FULL_FIT / entry[name]["samples_per_s"]
    lines += table(["depth", "(a) samples/s", "(b) samples/s", "(b)/(a)", "(a) test acc", "(b) test acc",
                    "(a) ROC-AUC", "(b) ROC-AUC", "load before (a) / (b)"], rows)
    width = train["mean_batch_width"]
    lines += ["", "Where the time goes: an LSTM step costs the same whatever the padding, and the run time is "
              f"nearly proportional to the steps (columns) of each batch. Cutting the padding leaves {width} of "
              f"{train['maxlen']} columns on average, at most {train['maxlen'] / width:.1f}x fewer steps; the rest of a "
              "batch (embedding lookup, Adam's update of the whole embedding, the validation pass's share) "
              "does not shrink, and the mask adds a few element-wise operations per step."]
    if train.get("loops"):
        loops = train["loops"]
        lines += ["", "The fast path's training epoch, same trimmed batches, through Keras `fit` on a `tf.data` "
                  "dataset and through the per-batch loop of `afrlib.fast.epoch_logs` (`train_on_batch`), which "
                  "`afrlib.fast.train_model` runs; wall seconds of the second epoch (the first also traces):", ""]
        rows = []
        for depth in sorted({key.split(":")[0] for key in loops}):
            via_fit, via_loop = loops[f"{depth}:fit"], loops[f"{depth}:batches"]
            rows.append([depth, via_fit["epoch_seconds"][-1], via_loop["epoch_seconds"][-1],
                         f"**{via_fit['epoch_seconds'][-1] / via_loop['epoch_seconds'][-1]:.2f}x**",
                         f"{via_fit['load_before']} / {via_loop['load_before']}"])
        lines += table(["depth", "`fit` s", "per-batch loop s", "`fit` / loop", "load before"], rows)
        lines += ["", "Both run the same compiled training step; inside `fit` the wide batches took about twice as "
                  "long, so the fast path keeps Keras' step and history figures and drives the batches itself "
                  "(a unit test checks that its history and weights equal `fit`'s on the same batches)."]
    if train.get("width_profile"):
        widths = list(next(iter(train["width_profile"].values())))
        lines += ["", "Seconds per training batch of 1000 reviews by width (columns), masked model, fast threads, "
                  "steady state:", ""]
        lines += table(["depth"] + [f"{w} columns" for w in widths] + [f"{widths[-1]} / {widths[1]}"],
                       [[d] + [profile[w] for w in widths] + [f"{profile[widths[-1]] / profile[widths[1]]:.1f}x"]
                        for d, profile in train["width_profile"].items()])
    diffs = [entry["fast"].get("full_padding_max_abs_diff") for entry in train["depths"].values()]
    lines += ["", f"Fast models scored on the full padded arrays (as `python -m afrlib predict` does) give the same "
              f"probabilities: largest difference {max(d for d in diffs if d is not None):.1e}.", ""]
    if len(train["depths"]) == 3 and train["rows"] >= 50_000:
        lines += [f"Projected full job (3 depths x 10 epochs on {FULL_TRAIN:,} training reviews, {FULL_FIT:,} fit) "
                  f"from these rates: seed {projected['seed'] / 60:.0f} min, fast {projected['fast'] / 60:.0f} min "
                  f"(target <= {FULL_TARGET_MIN} min: {verdict(projected['fast'] / 60 <= FULL_TARGET_MIN)}); the "
                  "full-scale run below measures it.", ""]
    if train.get("unmasked_cut"):
        cut = train["unmasked_cut"]
        lines += [f"Rejected: cut batches **without** the mask. Depth 1 trained so scores test accuracy "
                  f"{cut['test_accuracy_cut']} on cut batches and {cut['test_accuracy_full_padding']} on the full "
                  f"padded rows that `python -m afrlib predict` feeds it (probabilities differ by up to "
                  f"{cut['max_abs_diff']}): such a model meets long runs of padding only at prediction time. "
                  "With the mask, its output does not depend on the padding.", ""]
    if train.get("candidates"):
        sample = train["candidates"]["cut batches, mask, default threads"]
        lines += [f"Candidates, depth 1, {sample['batches']} training batches of 1000 as the fast path forms them (mean width "
                  f"{sample['mean_width']} columns, 100 for the "
                  "seed rows; threads as intra-op / inter-op, TensorFlow's default being 2 / 2 on 2 cores), "
                  "timed after a first pass that traces (and for XLA compiles) every width:", ""]
        base = train["candidates"]["seed"]["samples_per_s"]
        lines += table(["candidate", "samples/s", "vs seed", "first pass s", "CPU s", "XLA on", "load before"], [
            [name, f"{c['samples_per_s']:,.0f}", f"{c['samples_per_s'] / base:.2f}x", c["first_pass_s"], c["cpu_s"],
             "yes" if c.get("xla") else "no", c["load_before"]] for name, c in train["candidates"].items()])
        candidates = train["candidates"]
        ours = candidates["fast: cut batches, mask, threads 1 / 2"]["samples_per_s"]
        default_threads = candidates["cut batches, mask, default threads"]["samples_per_s"]
        others = {name: c["samples_per_s"] / ours for name, c in candidates.items()
                  if name.startswith("cut batches, mask, threads")}
        thread_note = (f"one thread per operation and two operations at a time (`afrlib.fast.THREADS`) ran "
                       f"{ours / default_threads:.2f}x TensorFlow's default here"
                       + "".join(f"; `{name}` {ratio:.2f}x that" for name, ratio in others.items()) + ".")
        unmasked = candidates["cut batches, no mask"]["samples_per_s"] / default_threads
        lines += ["", f"Kept: cut batches with the mask (the mask costs {max(0.0, 1 - 1 / unmasked):.0%} of the cut "
                  f"batches' speed here) and fast threads: {thread_note} XLA runs only without TensorFlow's op "
                  "determinism (Keras turns `jit_compile` off when it is on, as `training.set_seed` sets it), so it "
                  "cannot serve this project's repeatable seeded runs whatever its speed, and with cut batches "
                  "every new width compiles anew (see its first pass). cuDNN (GPU) is out of reach for depths 2 "
                  "and 3 on either path (the seed's `recurrent_dropout=0.4`); depth 1 uses it on the default "
                  "path only, since cuDNN takes masks of rows padded at the end, not the front.", ""]
    return lines


def inference_section(inference):
    lines = ["## Inference: raw text -> polarity", ""]
    if not inference:
        return lines + ["Not run (`bench/out/inference.json` missing).", ""]
    lines += [f"{inference['reviews']:,} raw reviews of the input (mean {inference['mean_characters']:,.0f} characters), "
              "a 1-layer model saved and loaded with `afrlib.predict`; one-review latency over "
              f"{inference['single_calls']} calls of `predict_texts([text])`. Cleaning and encoding alone: "
              f"{inference['clean_encode']['reviews_per_s']:,.0f} reviews/s.", ""]
    rows = []
    for name in ("seed model", "masked model"):
        entry = inference[name]
        rows.append([f"`predict_texts`, {name}", f"{entry['reviews_per_s']:,.0f}", entry["single_median_ms"],
                     entry["single_p95_ms"], entry["load_before"]])
    entry = inference["masked model, fast.predict"]
    rows.append(["encode + `afrlib.fast.predict`, masked model", f"{entry['reviews_per_s']:,.0f}", "", "",
                 entry["load_before"]])
    lines += table(["path", "reviews/s", "one review, median ms", "one review, p95 ms", "load before"], rows)
    return lines + ["", f"`fast.predict` gives the same probabilities (largest difference {entry['max_abs_diff']:.1e}).", ""]


def full_section(full):
    lines = ["## Full-scale run: the three depths, 10 epochs each", ""]
    if not full:
        return lines + ["Not run (`make bench FULL=1` runs it; `bench/out/full.json` missing).", ""]
    done = full.get("wall_s")
    lines += [f"Input `{Path(full['input']).name}`, {full['configuration']} configuration, {full['train_rows']:,} training / {full['test_rows']:,} test "
              f"reviews, {full['epochs']} epochs, batch 1000, seed 42. Wall time of each depth: model built, trained "
              "(with the validation pass of every epoch) and scored on the test split; the prepared split is loaded "
              "from the cache before (the preparation above comes on top).", ""]
    rows = [[depth, f"{d['wall_s'] / 60:.1f}", f"{sum(d['epoch_seconds']) / len(d['epoch_seconds']):.0f}",
             d["test_accuracy"], d.get("majority_accuracy", ""), d["roc_auc"], d["negative_f1"], d["load_before"]]
            for depth, d in full["depths"].items()]
    lines += table(["depth", "wall min", "mean epoch s", "test acc", "majority acc", "ROC-AUC", "negative F1",
                    "load before"], rows)
    complete = full["epochs"] == 10 and len(full["depths"]) == 3 and full["train_rows"] >= 290_000
    if done and complete:
        lines += ["", f"Whole job: **{done / 60:.1f} min** (target <= {FULL_TARGET_MIN} min: "
                  f"{verdict(done / 60 <= FULL_TARGET_MIN)})."]
    elif done:
        lines += ["", f"Whole run: {done / 60:.1f} min. Not the full job (3 depths x 10 epochs on about 291,000 "
                  "training reviews), so the 30-minute target is not assessed."]
    else:
        lines += ["", "Interrupted: only the depths above finished."]
    return lines + [""]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(ROOT / "bench/results.md"))
    args = parser.parse_args(argv)
    lines = ["# Benchmark results", "",
             "Written by `make bench` (`bench/write_results.py`) from `bench/out/*.json`. The input is the real "
             "sample resampled to Kaggle's size and proportions (`bench/make_scale_input.py`): its texts repeat, "
             "so test accuracies here compare configurations, not the model's quality on the real data.", ""]
    prep = load_json(OUT / "prepare.json")
    raw = (prep or {}).get("afrlib", {}).get("counts", {}).get("raw reviews", 0)
    if raw < 568_454:
        lines += [f"**Small-scale run ({raw:,} raw reviews, not 568,454): these figures check the benchmark, they "
                  "are not the full-scale measurements. `make bench FULL=1` gives those.**", ""]
    lines += machine_section(machine())
    lines += prepare_section(prep)
    lines += train_section(load_json(OUT / "train.json"))
    lines += inference_section(load_json(OUT / "inference.json"))
    lines += full_section(load_json(OUT / "full.json"))
    old = Path(args.out).read_text() if Path(args.out).is_file() else ""
    if MARK_BEGIN in old:  # bench/original_speed.py's section: its JSON may be from another run, keep it as written
        lines.append(old[old.index(MARK_BEGIN):old.index(MARK_END) + len(MARK_END)])
    Path(args.out).write_text("\n".join(lines).rstrip() + "\n")
    print(f"Wrote {args.out}.")


if __name__ == "__main__":
    main()
