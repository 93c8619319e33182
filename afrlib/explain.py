"""Word-level attributions of the LSTM models: integrated gradients over the embedding.

Method: integrated gradients (Sundararajan, Taly & Yan, "Axiomatic Attribution for Deep Networks",
ICML 2017, eq. 1 and its Riemann approximation in section 5; the same recipe as TensorFlow's
"Integrated gradients" tutorial). The baseline is the padding embedding at every position, i.e. the
model's input for a review with no known word. A token's attribution is the sum over the embedding
dimensions of ``(e - e0) * mean gradient along the straight path from e0 to e``; the path integral
uses the trapezoidal rule with ``steps`` intervals.

Completeness (the paper's axiom): the attributions of a review sum to ``F(review) - F(baseline)``,
``F`` the model's output probability. The error of the trapezoidal rule falls as ``steps`` grows; the
tests check it (:func:`integrated_gradients` returns both sides so a caller can too).

No library fits: Captum is for PyTorch, alibi's implementation pins an older TensorFlow than ours.
"""

import html

import numpy as np


def _forward(model):
    """The model from its embedding output to its output: list of the layers after ``embedding``."""
    names = [layer.name for layer in model.layers]
    if "embedding" not in names:
        raise ValueError("integrated gradients need a model with a layer named 'embedding' "
                         "(afrlib.models.build_lstm_model).")
    return model.get_layer("embedding"), model.layers[names.index("embedding") + 1:]


def integrated_gradients(model, sequences, steps=64):
    """Integrated-gradients attribution of every token of padded sequences.

    Args:
        model: a Keras model built by :func:`afrlib.models.build_lstm_model` (trained or not).
        sequences: ``(n, maxlen)`` int padded token ids (0 = padding), as the model reads them.
        steps (int): intervals of the path integral (trapezoidal rule), >= 1.

    Returns:
        dict: ``attributions`` ``(n, maxlen)`` float64 (0 at padding positions), ``output`` ``(n,)``
        float64 probability of the review, ``baseline_output`` (float, the all-padding input's
        probability). Completeness: ``attributions.sum(1) ~= output - baseline_output``.

    Raises:
        ValueError: ``steps`` < 1, or a model without an ``embedding`` layer.
    """
    import tensorflow as tf

    if int(steps) < 1:
        raise ValueError(f"steps={steps!r}: the path integral needs at least 1 interval.")
    embedding, tail = _forward(model)
    sequences = np.asarray(sequences, dtype="int32")
    maxlen = sequences.shape[1]

    def run(embedded, mask):
        x = embedded
        for layer in tail:
            x = layer(x, training=False, mask=mask) if layer.__class__.__name__ == "LSTM" else layer(x, training=False)
        return x[:, 0]

    weights = np.full(steps + 1, 1.0 / steps)  # trapezoidal rule over alpha = 0, 1/steps, ..., 1
    weights[[0, -1]] /= 2
    alphas = tf.constant(np.linspace(0.0, 1.0, steps + 1), dtype=tf.float32)[:, None, None]
    baseline = embedding(tf.zeros((1, maxlen), dtype="int32"))[0]
    baseline_output = float(run(baseline[None], None)[0])

    @tf.function(reduce_retracing=True)
    def path_gradients(embedded, mask):
        path = baseline[None] + alphas * (embedded - baseline)[None]
        with tf.GradientTape() as tape:
            tape.watch(path)
            out = run(path, None if mask is None else tf.repeat(mask[None], steps + 1, axis=0))
        return tape.gradient(out, path), out[-1]

    attributions = np.zeros(sequences.shape, dtype=np.float64)
    outputs = np.zeros(len(sequences), dtype=np.float64)
    for row, tokens in enumerate(sequences):
        embedded = embedding(tokens[None])[0]
        mask = tf.constant(tokens != 0) if getattr(embedding, "mask_zero", False) else None
        gradients, output = path_gradients(embedded, mask)
        mean_gradient = np.tensordot(weights, gradients.numpy().astype(np.float64), axes=1)
        attributions[row] = ((embedded - baseline).numpy().astype(np.float64) * mean_gradient).sum(-1)
        outputs[row] = float(output)
    attributions[sequences == 0] = 0.0
    return {"attributions": attributions, "output": outputs, "baseline_output": baseline_output}


def explain_texts(texts, bundle, steps=64):
    """Attributions of raw review texts, word by word, with the training-time preprocessing.

    Args:
        texts (list[str]): ``n`` raw reviews.
        bundle: a saved model with its vocabulary (:func:`afrlib.predict.load_bundle`).
        steps (int): see :func:`integrated_gradients`.

    Returns:
        list[dict]: per review ``words`` (list[str], the in-vocabulary tokens the model reads, in
        order; a review longer than ``maxlen`` keeps its last ``maxlen``), ``contributions``
        (list[float], same length, signed change of P(positive)), ``p_positive`` and
        ``baseline_p_positive`` (floats). A review with no known word has empty lists.
    """
    from afrlib.predict import encode_texts

    sequences, _ = encode_texts(list(texts), bundle.vocabulary, bundle.maxlen)
    result = integrated_gradients(bundle.model, sequences, steps)
    words_of = {index: word for word, index in bundle.vocabulary.items()}
    explained = []
    for row, tokens in enumerate(sequences):
        kept = tokens != 0
        explained.append({"words": [words_of[int(t)] for t in tokens[kept]],
                          "contributions": result["attributions"][row][kept].round(6).tolist(),
                          "p_positive": float(result["output"][row]),
                          "baseline_p_positive": result["baseline_output"]})
    return explained


def top_words(explanation, k=5):
    """The ``k`` words with the largest absolute contribution: list of ``(word, contribution)``, largest first."""
    pairs = list(zip(explanation["words"], explanation["contributions"]))
    return sorted(pairs, key=lambda pair: -abs(pair[1]))[:k]


def _colour(value, scale):
    """Background colour for a contribution: red for negative, blue for positive, white at 0."""
    import matplotlib

    rgba = matplotlib.colormaps["RdBu"](0.5 + 0.5 * max(-1.0, min(1.0, value / scale)))
    return matplotlib.colors.to_hex(rgba)


def _ink(value, scale):
    """Text colour that stays legible on :func:`_colour`'s background: white on the dark ends."""
    return "#ffffff" if abs(value) > 0.6 * scale else "#000000"


def highlight_html(explanation, scale=None):
    """One review's words on backgrounds coloured by contribution (HTML ``<span>``s).

    Args:
        explanation (dict): one item of :func:`explain_texts`.
        scale (float | None): the contribution drawn at full colour; None: the review's largest.

    Returns:
        str: HTML, words separated by spaces, each with its contribution in a tooltip.
    """
    values = explanation["contributions"]
    scale = scale or max([abs(v) for v in values] + [1e-9])
    spans = [f'<span title="{value:+.4f}" style="background:{_colour(value, scale)};color:{_ink(value, scale)};'
             f'padding:1px 3px;border-radius:3px">{html.escape(word)}</span>'
             for word, value in zip(explanation["words"], values)]
    return " ".join(spans) or "<i>no known words</i>"


def legend_html(scale):
    """A colour bar from -scale to +scale, labelled in P(positive) units (HTML)."""
    stops = np.linspace(-scale, scale, 9)
    cells = "".join(f'<span style="background:{_colour(v, scale)};color:{_ink(v, scale)};padding:2px 8px">{v:+.2f}</span>'
                    for v in stops)
    return (f'<div style="margin:4px 0">Contribution to P(positive): {cells} '
            '(red pushes towards negative, blue towards positive)</div>')
