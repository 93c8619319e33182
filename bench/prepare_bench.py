"""Preparation benchmark: raw reviews file -> cached padded arrays, afrlib against a plain pandas ``.apply``.

Each variant runs in a fresh Python process, so its wall time includes imports and its peak
memory (``ru_maxrss``) is its own:

- ``afrlib``: :func:`afrlib.prepare.load_prepared` (writes the joblib cache, which later benchmark
  steps reuse from ``bench/out/cache``);
- ``naive``: the same recipe written the straightforward way, every per-row step a pandas
  ``Series.apply``, text cleaning as :func:`afrlib.prepare.clean_review` stood before the
  benchmark (digit tokens matched with ``\\S*\\d\\S*``) and Keras ``pad_sequences``.

Both must give identical arrays and vocabulary (compared by hash). Usage:
``python bench/prepare_bench.py INPUT [--json bench/out/prepare.json]``.
"""

import argparse
import subprocess
import sys
import time

STARTED = time.perf_counter()

import resource  # noqa: E402

from common import OUT, ROOT, load_json, save_json  # noqa: E402


def naive_prepare(path, cache_file, maxlen=100, test_size=0.2):
    """The recipe of :func:`afrlib.prepare.prepare`, per-row steps as pandas ``.apply``; returns its arrays."""
    import html
    import re
    import unicodedata
    from collections import Counter

    import joblib
    from keras.utils import pad_sequences
    from sklearn.model_selection import train_test_split

    from afrlib import prepare as P
    from afrlib.data import load_reviews

    digit_token = re.compile(r"\S*\d\S*")

    def clean(text):
        text = P.HTML_TAG.sub(" ", P.URL.sub(" ", text))
        text = html.unescape(text).translate(P.APOSTROPHES).lower()
        if not text.isascii():
            text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
        text = P.CONTRACTION.sub(lambda match: P.CONTRACTIONS[match.group(0)], text)
        text = P.NON_ALNUM.sub(" ", digit_token.sub(" ", text))
        return " ".join(word for word in text.split() if word not in P.STOP_WORDS)

    reviews = load_reviews(path)
    reviews = reviews[reviews["Score"] != 3].copy()
    reviews["label"] = reviews["Score"].apply(lambda score: 1 if score > 3 else 0).astype("int8")
    reviews = reviews.sort_values(["ProductId", "Id"], kind="stable")
    reviews = reviews.drop_duplicates(subset=["UserId", "ProfileName", "Time", "Text"], keep="first")
    reviews = reviews[reviews["HelpfulnessNumerator"] <= reviews["HelpfulnessDenominator"]].copy()
    reviews["clean"] = reviews["Text"].apply(clean)
    reviews = reviews[reviews["clean"] != ""]
    train, test = train_test_split(reviews.sort_values(["Time", "Id"], kind="stable"), test_size=test_size,
                                   shuffle=False)
    counts = Counter()
    train["clean"].apply(lambda text: counts.update(text.split()))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    vocabulary = {word: index for index, (word, _) in enumerate(ranked, start=1)}

    def encode(text):
        return [vocabulary[word] for word in text.split() if word in vocabulary]

    arrays = {"x_train": pad_sequences(train["clean"].apply(encode).tolist(), maxlen=maxlen, dtype="int32"),
              "x_test": pad_sequences(test["clean"].apply(encode).tolist(), maxlen=maxlen, dtype="int32"),
              "y_train": train["label"].to_numpy("int8"), "y_test": test["label"].to_numpy("int8"),
              "vocabulary": vocabulary}
    joblib.dump(arrays, cache_file)
    return arrays


def run_variant(variant, path):
    """Prepare ``path`` with ``variant`` in this process; return its timings, peak memory and result hash."""
    import tempfile
    from pathlib import Path

    import joblib

    steps = []

    def log(line):
        steps.append((round(time.perf_counter() - STARTED, 2), line))

    with tempfile.TemporaryDirectory(dir=OUT) as scratch:
        if variant == "afrlib":
            from afrlib.prepare import load_prepared

            data = load_prepared(path, cache_dir=scratch, log=log)
            arrays = {"x_train": data.x_train, "x_test": data.x_test, "y_train": data.y_train,
                      "y_test": data.y_test, "vocabulary": data.vocabulary}
            wall = time.perf_counter() - STARTED
            cache = Path(data.manifest["cache_file"])
            (OUT / "cache").mkdir(parents=True, exist_ok=True)
            cache.replace(OUT / "cache" / cache.name)  # reused by the training and inference benchmarks
            counts = data.counts
        else:
            arrays = naive_prepare(path, Path(scratch) / "naive.joblib")
            wall = time.perf_counter() - STARTED
            counts = {"train": len(arrays["y_train"]), "test": len(arrays["y_test"])}
    return {"variant": variant, "wall_s": round(wall, 2), "cpu_s": round(time.process_time(), 2),
            "peak_rss_gib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 3),
            "result_hash": joblib.hash(arrays), "counts": counts, "steps": steps}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("input", help="reviews file (bench/make_scale_input.py writes one)")
    parser.add_argument("--variant", choices=["afrlib", "naive"], help="run one variant here (internal)")
    parser.add_argument("--json", default=str(OUT / "prepare.json"), help="where to write the results")
    args = parser.parse_args(argv)
    if args.variant:
        save_json(run_variant(args.variant, args.input), args.json)
        return
    import os

    results = {"input": args.input, "input_bytes": os.path.getsize(args.input), "load_before": os.getloadavg()[0]}
    for variant in ("afrlib", "naive"):
        print(f"Preparation benchmark, {variant} variant, on {args.input}...", flush=True)
        part = OUT / f".prepare-{variant}.json"
        subprocess.run([sys.executable, __file__, args.input, "--variant", variant, "--json", str(part)],
                       check=True, cwd=ROOT)
        results[variant] = load_json(part)
        part.unlink()
        print(f"  {results[variant]['wall_s']:.1f} s, peak {results[variant]['peak_rss_gib']:.2f} GiB", flush=True)
    results["identical"] = results["afrlib"]["result_hash"] == results["naive"]["result_hash"]
    save_json(results, args.json)
    print(f"Identical arrays and vocabulary: {results['identical']}. Written to {args.json}.")


if __name__ == "__main__":
    main()
