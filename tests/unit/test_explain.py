"""Integrated gradients: completeness holds, padding gets nothing, words map back; predict --explain."""

import json

import numpy as np
import pytest

from afrlib import explain, models, predict, prepare, training
from afrlib.__main__ import main

from conftest import many_reviews


@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    reviews = many_reviews(300, seed=5)
    data = prepare.prepare(reviews, maxlen=16, log=lambda line: None)
    saved = {}
    for depth in (1, 3):
        training.set_seed(depth)
        model = models.build_lstm_model(depth, data.input_dim, maxlen=16, embedding_dim=8)
        training.train_model(model, data.x_train, data.y_train, epochs=3, batch_size=32, verbose=0)
        saved[depth] = predict.save_bundle(model, data.vocabulary, 16, tmp_path_factory.mktemp("m") / f"d{depth}")
    return data, saved


@pytest.mark.parametrize("depth", [1, 3])
def test_completeness_attributions_sum_to_the_output_change(bundles, depth):
    data, saved = bundles
    bundle = predict.load_bundle(saved[depth])
    x = data.x_test[:6]
    result = explain.integrated_gradients(bundle.model, x, steps=64)
    np.testing.assert_allclose(result["output"], bundle.model.predict(x, verbose=0).ravel(), atol=1e-6)
    gap = result["attributions"].sum(1) - (result["output"] - result["baseline_output"])
    assert np.abs(gap).max() < 1e-3  # trapezoidal rule, 64 intervals: stated tolerance 0.001 of P(positive)
    assert (result["attributions"][x == 0] == 0).all()
    empty = explain.integrated_gradients(bundle.model, np.zeros((1, 16), dtype="int32"), steps=8)
    assert empty["output"][0] == pytest.approx(empty["baseline_output"], abs=1e-6)


def test_a_one_step_path_is_not_enough_for_a_nonlinear_model(bundles):
    data, saved = bundles
    model = predict.load_bundle(saved[3]).model
    coarse = explain.integrated_gradients(model, data.x_test[:6], steps=1)
    gap = coarse["attributions"].sum(1) - (coarse["output"] - coarse["baseline_output"])
    fine = explain.integrated_gradients(model, data.x_test[:6], steps=64)
    fine_gap = fine["attributions"].sum(1) - (fine["output"] - fine["baseline_output"])
    assert np.abs(fine_gap).max() < np.abs(gap).max()  # the check can tell a poor integral from a good one


def test_words_map_back_and_html_has_a_span_per_word(bundles):
    _, saved = bundles
    bundle = predict.load_bundle(saved[1])
    known = sorted(bundle.vocabulary, key=bundle.vocabulary.get)[:3]
    explained = explain.explain_texts([" ".join(known), "", "zzqx"], bundle, steps=16)
    assert explained[0]["words"] == known and len(explained[0]["contributions"]) == 3
    assert explained[1]["words"] == [] and explained[2]["words"] == []
    top = explain.top_words(explained[0], 2)
    assert len(top) == 2 and abs(top[0][1]) >= abs(top[1][1])
    page = explain.highlight_html(explained[0])
    assert page.count("<span") == 3 and all(word in page for word in known)
    assert "no known words" in explain.highlight_html(explained[1])
    assert explain.legend_html(0.2).count("<span") == 9


def test_predict_explain_table_and_json(bundles, capsys):
    _, saved = bundles
    assert main(["predict", "--model", str(saved[1]), "--explain", "--json", "Terrible stale chips", ""]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert 1 <= len(rows[0]["top_words"]) <= 5 and rows[1]["top_words"] == []
    assert all(set(item) == {"word", "contribution"} for item in rows[0]["top_words"])
    assert main(["predict", "--model", str(saved[1]), "--explain", "Delicious snack"]) == 0
    assert "Top words" in capsys.readouterr().out
