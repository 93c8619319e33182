"""Inference benchmark: raw review text -> polarity, through the saved-model path of ``python -m afrlib predict``.

Trains a small 1-layer model here (``--train-rows`` newest training reviews, 1 epoch, seed 42:
the figures are about speed, not accuracy), saves it with :func:`afrlib.predict.save_bundle`, loads
it back, and scores ``--reviews`` raw texts of the input file with
:func:`afrlib.predict.predict_texts` (cleaning, encoding, padding to 100, ``model.predict``):
reviews per second, the share of that time spent cleaning and encoding, and the latency of one
review at a time (median and 95th percentile of ``--single`` calls). The same is measured for the
model with the fast path's mask (same weights), which ``predict_texts`` still runs over all 100
steps, and for :func:`afrlib.fast.predict` on the encoded texts (length-sorted batches).

Usage: ``python bench/inference_bench.py INPUT [--reviews 10000] [--single 100]``.
"""

import argparse
import tempfile
import time
import warnings

import numpy as np

from common import OUT, Stopwatch, load_data, save_json


def score(texts, bundle, single):
    """Throughput of ``predict_texts`` on ``texts`` and latency of one review, for one bundle."""
    from afrlib.predict import predict_texts

    predict_texts(texts[:10], bundle)  # traces the predict function
    with Stopwatch() as clock:
        result = predict_texts(texts, bundle)
    latencies = []
    for text in texts[:single]:
        started = time.perf_counter()
        predict_texts([text], bundle)
        latencies.append(time.perf_counter() - started)
    return result, {"reviews_per_s": round(len(texts) / clock.wall, 1), **clock.as_dict(),
                    "single_median_ms": round(1000 * float(np.median(latencies)), 1),
                    "single_p95_ms": round(1000 * float(np.percentile(latencies, 95)), 1)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("input", help="reviews file (bench/make_scale_input.py writes one)")
    parser.add_argument("--reviews", type=int, default=10_000, help="reviews scored at once (default 10,000)")
    parser.add_argument("--single", type=int, default=100, help="one-review calls timed (default 100)")
    parser.add_argument("--train-rows", type=int, default=20_000, help="rows the model is trained on")
    parser.add_argument("--json", default=str(OUT / "inference.json"), help="where to write the results")
    args = parser.parse_args(argv)
    # The masked copy was never trained, so its saved optimizer is empty: Keras says so on loading.
    warnings.filterwarnings("ignore", message="Skipping variable loading for optimizer")
    from afrlib import fast, models, training
    from afrlib.data import load_reviews
    from afrlib.predict import encode_texts, load_bundle, save_bundle

    data = load_data(args.input)
    reviews = load_reviews(args.input)
    texts = reviews["Text"].sample(n=min(args.reviews, len(reviews)), random_state=0).tolist()
    maxlen = data.x_train.shape[1]
    training.set_seed(42)
    model = models.build_lstm_model(1, data.input_dim, maxlen)
    rows = slice(-min(args.train_rows, len(data.x_train)), None)
    training.train_model(model, data.x_train[rows], data.y_train[rows], epochs=1, verbose=0)
    masked = models.build_lstm_model(1, data.input_dim, maxlen, mask_padding=True)
    masked.set_weights(model.get_weights())
    results = {"input": args.input, "reviews": len(texts), "single_calls": args.single,
               "mean_characters": round(float(np.mean([len(t) for t in texts])), 1)}
    with Stopwatch() as clock:
        x, known = encode_texts(texts, data.vocabulary, maxlen)
    results["clean_encode"] = {"reviews_per_s": round(len(texts) / clock.wall, 1), **clock.as_dict()}
    with tempfile.TemporaryDirectory(dir=OUT) as folder:
        for name, trained in (("seed model", model), ("masked model", masked)):
            bundle = load_bundle(save_bundle(trained, data.vocabulary, maxlen, f"{folder}/{name.split()[0]}"))
            print(f"Scoring {len(texts):,} reviews with predict_texts, {name}...", flush=True)
            result, results[name] = score(texts, bundle, args.single)
            print(f"  {results[name]['reviews_per_s']:,.0f} reviews/s, one review "
                  f"{results[name]['single_median_ms']:.0f} ms (median)", flush=True)
            if name == "masked model":
                scored = known > 0
                fast.predict(bundle.model, x[scored][:10])
                with Stopwatch() as clock:
                    x, known = encode_texts(texts, bundle.vocabulary, maxlen)
                    probability = fast.predict(bundle.model, x[known > 0])
                results["masked model, fast.predict"] = {"reviews_per_s": round(len(texts) / clock.wall, 1),
                                                         **clock.as_dict()}
                results["masked model, fast.predict"]["max_abs_diff"] = float(
                    np.abs(probability - result["probability"].to_numpy()[scored]).max())
    save_json(results, args.json)
    print(f"Written to {args.json}.")


if __name__ == "__main__":
    main()
