"""The linear baseline: TF-IDF of word 1-2-grams + logistic regression (scikit-learn).

Trained on exactly the cleaned texts and labels of the LSTMs' prepared split, so the four models
are compared on the same test reviews. Public results on this task put TF-IDF + a linear model at
about 0.94 accuracy (as such notebooks self-report, on other splits).
"""

import time

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.pipeline import make_pipeline

from afrlib.metrics import classification_metrics

MODEL_NAME = "TF-IDF 1-2-grams + logistic regression"


def build_baseline(min_df=2, C=1.0, seed=42):
    """TF-IDF (word 1-2-grams, words seen in at least ``min_df`` training reviews, sublinear tf)
    followed by L2-regularised logistic regression (lbfgs, up to 1000 iterations).

    Returns:
        sklearn.pipeline.Pipeline: ``fit(texts, labels)``, ``predict_proba(texts)`` -> ``(n, 2)``.
    """
    return make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=min_df, sublinear_tf=True),
                         LogisticRegression(C=C, max_iter=1000, random_state=seed))


def train_and_evaluate_baseline(text_train, y_train, text_test, y_test, seed=42):
    """Fit the baseline on the training split and evaluate it on the test split.

    Args:
        text_train, text_test (list[str]): cleaned texts (``PreparedData.text_*``).
        y_train, y_test: ``(n,)`` labels 0/1.

    Returns:
        tuple[Pipeline, dict]: the fitted pipeline and a metrics record with ``model``,
        ``train_seconds`` (s), ``n_parameters`` (coefficients + intercept), ``n_features``
        and ``test`` (``test_loss`` = log loss, ``test_accuracy`` and the keys of
        :func:`afrlib.metrics.classification_metrics`).
    """
    pipeline = build_baseline(seed=seed)
    started = time.perf_counter()
    pipeline.fit(text_train, y_train)
    train_seconds = time.perf_counter() - started
    probability = pipeline.predict_proba(text_test)[:, 1]
    test = classification_metrics(y_test, probability)
    test.update(test_loss=float(log_loss(y_test, probability, labels=[0, 1])), test_accuracy=test["accuracy"])
    classifier = pipeline[-1]
    return pipeline, {"model": MODEL_NAME, "train_seconds": train_seconds,
                      "n_parameters": int(classifier.coef_.size + classifier.intercept_.size),
                      "n_features": int(classifier.coef_.shape[1]), "test": test}
