"""Write a full-size reviews file in Kaggle's schema by resampling the real sample.

The full Kaggle release has 568,454 reviews: 42,640 of them (7.50 %) with ``Score == 3``, and
161,641 of the 525,814 others (30.74 %) are copies of another review (same ``UserId``,
``ProfileName``, ``Time``, ``Text``) listed under another ``ProductId``, which the recipe drops
(README "Data"). This script draws rows of the real sample with those proportions:

- *originals*: sample rows drawn at random (without replacement while the sample lasts), each
  given a fresh ``UserId`` so that two draws of the same sample row are distinct reviews;
  ``Score``-3 and other rows are drawn separately, in the full release's proportion;
- *duplicates*: copies of random originals of the same kind under another ``ProductId``.

Rows are shuffled and numbered ``Id`` 1..n. Copies keep their source's ``Time``, so a text and
its copies fall on the same side of the time-ordered train/test split. With ``--rows 568454``
the recipe's first two steps give exactly 525,814 and 364,173 rows, as on the real file.

Usage: ``python bench/make_scale_input.py [--rows 568454] [--seed 0] [--out bench/out/Reviews_568454.csv]``.
The output (about 300 MB at full size) goes under ``bench/out/``, which git ignores; it is written
to a temporary file and renamed, so an interrupted run leaves nothing half-written.
"""

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from afrlib.data import COLUMNS, load_reviews  # noqa: E402

FULL_ROWS = 568_454
#: Fraction of rows with Score 3 in the full release (42,640 / 568,454).
SCORE3_FRACTION = (568_454 - 525_814) / 568_454
#: Fraction of rows that are a copy of another review under another ProductId (161,641 / 525,814).
DUPLICATE_FRACTION = (525_814 - 364_173) / 525_814
DEFAULT_SOURCE = ROOT / "data/sample/Reviews_sample.csv.gz"


def scale_reviews(sample, rows=FULL_ROWS, seed=0):
    """Resample ``sample`` to ``rows`` reviews with the full release's Score-3 and duplicate shares.

    Args:
        sample (pandas.DataFrame): reviews in Kaggle's schema (:func:`afrlib.data.load_reviews`),
            holding rows with ``Score == 3`` and rows without, and at least two ``ProductId``.
        rows (int): rows to produce, >= 2.
        seed (int): seed of NumPy's generator; the same seed gives the same table.

    Returns:
        pandas.DataFrame: ``rows`` reviews, columns :data:`afrlib.data.COLUMNS`, ``Id`` 1..rows in
        order, of which ``round(rows * SCORE3_FRACTION)`` have ``Score == 3`` and
        ``round(DUPLICATE_FRACTION * k)`` of the ``k`` rows of each kind (Score 3 or not) are
        duplicates (recipe step 2 drops exactly those).

    Raises:
        ValueError: ``rows`` < 2, or a sample without both kinds of rows or with one product.
    """
    if rows < 2:
        raise ValueError(f"rows={rows}: must be >= 2.")
    rng = np.random.default_rng(seed)
    products = sample["ProductId"].unique()
    if len(products) < 2:
        raise ValueError("the sample needs at least two ProductId to place duplicates under another one.")
    n_score3 = round(rows * SCORE3_FRACTION)
    parts, users = [], 0
    for kind, count in (("score 3", n_score3), ("other", rows - n_score3)):
        pool = sample[(sample["Score"] == 3) == (kind == "score 3")]
        if count and pool.empty:
            raise ValueError(f"the sample holds no {kind} rows.")
        n_dup = round(DUPLICATE_FRACTION * count)
        n_orig = count - n_dup
        drawn = pool.iloc[rng.choice(len(pool), n_orig, replace=n_orig > len(pool))].reset_index(drop=True)
        # A fresh, unique UserId per original ("AS" + a number in base 36): no two are duplicates.
        drawn["UserId"] = [f"AS{np.base_repr(users + i, 36):0>12}" for i in range(n_orig)]
        users += n_orig
        copies = drawn.iloc[rng.integers(0, n_orig, n_dup)].reset_index(drop=True)
        # Each copy under another product: a random one, moved on by one place where it is the original's.
        other = rng.integers(0, len(products), n_dup)
        clash = products[other] == copies["ProductId"].to_numpy(dtype=object)
        other[clash] = (other[clash] + 1) % len(products)
        parts += [drawn, copies.assign(ProductId=products[other])]
    table = pd.concat(parts, ignore_index=True)
    table = table.iloc[rng.permutation(len(table))].reset_index(drop=True)
    table["Id"] = np.arange(1, len(table) + 1)
    return table[COLUMNS]


def write_csv(table, out):
    """Write ``table`` to ``out`` (``.csv`` or ``.csv.gz``) through a temporary file and a rename."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(f".{out.name}.tmp")
    table.to_csv(temporary, index=False, compression="gzip" if out.name.endswith(".gz") else None)
    os.replace(temporary, out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=FULL_ROWS, help=f"reviews to write (default {FULL_ROWS:,})")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--source", default=str(DEFAULT_SOURCE), help="the real sample to resample")
    parser.add_argument("--out", help="output .csv or .csv.gz (default bench/out/Reviews_<rows>.csv)")
    args = parser.parse_args(argv)
    out = Path(args.out or ROOT / f"bench/out/Reviews_{args.rows}.csv")
    started = time.perf_counter()
    table = scale_reviews(load_reviews(args.source), args.rows, args.seed)
    write_csv(table, out)
    print(f"Wrote {len(table):,} reviews ({(table['Score'] == 3).sum():,} with Score 3) to {out} "
          f"in {time.perf_counter() - started:.1f} s.")


if __name__ == "__main__":
    main()
