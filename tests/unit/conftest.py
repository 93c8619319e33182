"""Small review tables the tests build themselves, in Kaggle's exact schema."""

import gzip
import sqlite3

import pandas as pd
import pytest

from afrlib.data import COLUMNS

POSITIVE = ["Great coffee, I love it and will buy again.", "Delicious snack, my kids adore these chips.",
            "Best tea ever, fresh and fragrant.", "Wonderful flavor, fast shipping, great price.",
            "My dog loves this food, healthy and tasty.", "Excellent quality, tastes great every time."]
NEGATIVE = ["Terrible taste, I didn't like it at all.", "Stale chips, awful and overpriced.",
            "The coffee was bitter and weak, not good.", "Disgusting, my dog would not eat it."]


def _row(id_, product, user, score, time, text, numerator=0, denominator=0, profile=None, summary="s"):
    return [id_, product, user, profile if profile is not None else f"name {user}", numerator, denominator,
            score, time, summary, text]


def recipe_rows():
    """16 reviews whose recipe counts are known: see test_recipe_counts."""
    rows = [_row(i + 1, f"B00000000{i % 3}", f"AU{i}", 5 if i % 2 else 4, 1_300_000_000 + 1000 * i, text)
            for i, text in enumerate(POSITIVE)]
    rows += [_row(7 + i, f"B00000001{i}", f"AN{i}", 1 if i % 2 else 2, 1_300_500_000 + 1000 * i, text)
             for i, text in enumerate(NEGATIVE)]
    rows += [
        # Score 3: dropped in step 1.
        _row(11, "B000000020", "AX1", 3, 1_300_900_000, "It is fine, nothing special."),
        _row(12, "B000000021", "AX2", 3, 1_300_901_000, "Average product."),
        # The same review listed under two products (Amazon variants): the copy under the
        # smaller ProductId survives, although its Id is larger.
        _row(13, "B000000099", "ADUP", 5, 1_301_000_000, "Amazing cookies, buy them now."),
        _row(14, "B000000001", "ADUP", 5, 1_301_000_000, "Amazing cookies, buy them now."),
        # Helpfulness anomaly: 3 helpful votes out of 1. Dropped in step 3.
        _row(15, "B000000030", "AH", 5, 1_301_100_000, "Lovely jam.", numerator=3, denominator=1),
        # Empty profile name and summary: kept.
        _row(16, "B000000031", "AE", 1, 1_301_200_000, "Horrible smell, threw it away.", profile="", summary=""),
    ]
    return rows


@pytest.fixture
def reviews_frame():
    """The 16 recipe rows as a DataFrame (dtypes as read from CSV)."""
    return pd.DataFrame(recipe_rows(), columns=COLUMNS)


@pytest.fixture
def reviews_csv(tmp_path, reviews_frame):
    """The recipe rows written as Reviews.csv."""
    path = tmp_path / "Reviews.csv"
    reviews_frame.to_csv(path, index=False)
    return path


@pytest.fixture
def reviews_csv_gz(tmp_path, reviews_frame):
    path = tmp_path / "Reviews.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        reviews_frame.to_csv(handle, index=False)
    return path


@pytest.fixture
def reviews_sqlite(tmp_path, reviews_frame):
    """The recipe rows in table Reviews of a database.sqlite, as Kaggle ships it."""
    path = tmp_path / "database.sqlite"
    with sqlite3.connect(path) as connection:
        reviews_frame.to_sql("Reviews", connection, index=False)
    return path


def many_reviews(n=400, seed=0):
    """``n`` distinct reviews (about 20 % negative) with increasing Time, for training tests."""
    import numpy as np

    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        negative = rng.random() < 0.2
        words = rng.choice(NEGATIVE if negative else POSITIVE, size=2)
        rows.append(_row(i + 1, f"B{i:09d}", f"A{i}", 1 if negative else 5, 1_200_000_000 + 3600 * i,
                         " ".join(words) + f" review {'x' * (i % 7 + 1)}"))
    return pd.DataFrame(rows, columns=COLUMNS)


@pytest.fixture
def shared_sample():
    """The real sample committed in data/sample (PROVENANCE.md there)."""
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "data/sample/Reviews_sample.csv.gz"
    assert path.is_file(), f"{path} is missing from the checkout"
    return path
