"""Load Amazon Fine Food Reviews from Kaggle's ``Reviews.csv`` / ``.csv.gz`` or ``database.sqlite``.

Schema (Kaggle ``snap/amazon-fine-food-reviews``, McAuley & Leskovec, WWW 2013):
``Id, ProductId, UserId, ProfileName, HelpfulnessNumerator, HelpfulnessDenominator,
Score, Time, Summary, Text``; ``Time`` is Unix seconds, ``Text`` holds HTML.
Every problem with the file is raised as :class:`afrlib.errors.DataError` with a
message that names the file, what was wrong and what to do.
"""

import gzip
import hashlib
import sqlite3
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from afrlib.errors import DataError

COLUMNS = [
    "Id", "ProductId", "UserId", "ProfileName", "HelpfulnessNumerator",
    "HelpfulnessDenominator", "Score", "Time", "Summary", "Text",
]
INTEGER_COLUMNS = ["Id", "HelpfulnessNumerator", "HelpfulnessDenominator", "Score", "Time"]
TEXT_COLUMNS = ["ProductId", "UserId", "ProfileName", "Summary", "Text"]
CSV_SUFFIXES = (".csv", ".csv.gz")
SQLITE_SUFFIXES = (".sqlite", ".sqlite3", ".db")
HELP = ("Point DATA at Kaggle's Reviews.csv (or .csv.gz) or database.sqlite from "
        "snap/amazon-fine-food-reviews, unmodified.")


def file_sha256(path, chunk_bytes=1 << 20):
    """Return the hex SHA-256 of a file (64 characters), read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(chunk_bytes), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_path(path):
    """Check that ``path`` is an existing reviews file of a known kind.

    Returns:
        tuple[pathlib.Path, str]: the path and its kind, ``"csv"`` or ``"sqlite"``.

    Raises:
        DataError: the path is missing, a directory, or has an unknown extension.
    """
    path = Path(path)
    name = path.name.lower()
    if name.endswith(CSV_SUFFIXES):
        kind = "csv"
    elif name.endswith(SQLITE_SUFFIXES):
        kind = "sqlite"
    else:
        raise DataError(
            f"{path}: unknown file type. afrlib reads {', '.join(CSV_SUFFIXES + SQLITE_SUFFIXES)} "
            f"files. {HELP}"
        )
    if path.is_dir():
        raise DataError(f"{path} is a directory, not a reviews file. {HELP}")
    if not path.is_file():
        raise DataError(f"{path} does not exist. Check the path (relative paths start at the "
                        f"project root). {HELP}")
    if path.stat().st_size == 0:
        raise DataError(f"{path} is empty (0 bytes). {HELP}")
    return path, kind


def read_csv_reviews(path):
    """Read Kaggle's ``Reviews.csv`` (plain or gzip-compressed) without validating it.

    Args:
        path: a ``.csv`` or ``.csv.gz`` file, UTF-8.

    Returns:
        pandas.DataFrame: one row per review, columns as in the file, all as read by pandas.

    Raises:
        DataError: bytes that are not UTF-8, a truncated gzip, a broken quote, no rows.
    """
    try:
        return pd.read_csv(path, encoding="utf-8", dtype={c: "string" for c in TEXT_COLUMNS},
                           keep_default_na=False, na_values={"Text": [""]})
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{path}: byte {exc.start} is not valid UTF-8 ({exc.reason}). The file was probably "
            f"re-saved by a spreadsheet program in another encoding. {HELP}") from exc
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise DataError(f"{path}: the gzip stream is damaged or truncated ({exc}). Download or "
                        f"copy the file again. {HELP}") from exc
    except pd.errors.EmptyDataError as exc:
        raise DataError(f"{path} holds no header and no rows. {HELP}") from exc
    except pd.errors.ParserError as exc:
        raise DataError(f"{path} is not a well-formed CSV ({exc}). Usually a quote is not "
                        f"closed or a row has extra fields. {HELP}") from exc


def read_sqlite_reviews(path):
    """Read table ``Reviews`` of Kaggle's ``database.sqlite`` without validating it.

    The file is opened read-only (``mode=ro``): a wrong path never creates an empty
    database, as a plain ``sqlite3.connect`` would.

    Returns:
        pandas.DataFrame: one row per review, in ``Id`` order.

    Raises:
        DataError: not a SQLite database, or no ``Reviews`` table.
    """
    uri = f"{Path(path).resolve().as_uri()}?mode=ro"
    try:
        with sqlite3.connect(uri, uri=True) as connection:
            tables = {row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type='table'")}
            if "Reviews" not in tables:
                raise DataError(f"{path} has no table 'Reviews' (tables: {sorted(tables) or 'none'}). "
                                f"{HELP}")
            frame = pd.read_sql_query("SELECT * FROM Reviews ORDER BY Id", connection)
    except sqlite3.DatabaseError as exc:
        raise DataError(f"{path} is not a readable SQLite database ({exc}). {HELP}") from exc
    for column in TEXT_COLUMNS:
        if column in frame:
            frame[column] = frame[column].astype("string")
            if column != "Text":
                frame[column] = frame[column].fillna("")
    return frame


def _rows(mask, frame, limit=5):
    """Describe the first rows where ``mask`` holds as 'data row N (Id X)'."""
    positions = np.flatnonzero(np.asarray(mask))
    ids = frame["Id"].iloc[positions[:limit]].tolist() if "Id" in frame else [None] * limit
    shown = ", ".join(f"data row {p + 1} (Id {i})" for p, i in zip(positions[:limit], ids))
    more = f" and {len(positions) - limit} more" if len(positions) > limit else ""
    return shown + more


def validate_reviews(frame, path):
    """Check a DataFrame against the Kaggle schema and return it with clean dtypes.

    Args:
        frame: the table as read from ``path``.
        path: the source file, named in error messages.

    Returns:
        pandas.DataFrame: columns :data:`COLUMNS` in order; integers as ``int64``,
        text as pandas ``string`` with empty ``ProfileName``/``Summary`` as ``""``.

    Raises:
        DataError: missing columns, no rows, non-integer or out-of-range ``Score``,
        non-numeric ``Time`` or helpfulness counts, missing ``Text``. Row numbers count
        data rows from 1 (the header is not a row).
    """
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(f"{path}: missing column(s) {missing}; found {list(frame.columns)}. "
                        f"The file must have Kaggle's header {','.join(COLUMNS)}. {HELP}")
    if len(frame) == 0:
        raise DataError(f"{path} has a header but no review rows. {HELP}")
    frame = frame[COLUMNS].copy()
    for column in INTEGER_COLUMNS:
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = values.isna() | (values != np.floor(values))
        if bad.any():
            raise DataError(f"{path}: column {column} must hold whole numbers; "
                            f"{_rows(bad, frame)} do not. {HELP}")
        frame[column] = values.astype("int64")
    bad = ~frame["Score"].between(1, 5)
    if bad.any():
        raise DataError(f"{path}: Score must be 1 to 5 stars; {_rows(bad, frame)} are outside. {HELP}")
    bad = frame["Text"].isna()
    if bad.any():
        raise DataError(f"{path}: column Text is empty or missing in {_rows(bad, frame)}. "
                        f"Every review needs its text. {HELP}")
    for column in TEXT_COLUMNS:
        frame[column] = frame[column].astype("string").fillna("")
    return frame


def load_reviews(path):
    """Load and validate a reviews file, picking the reader from its extension.

    Args:
        path: ``Reviews.csv``, ``Reviews.csv.gz`` or ``database.sqlite`` (table ``Reviews``).

    Returns:
        pandas.DataFrame: ``n_reviews`` rows, columns :data:`COLUMNS` (see :func:`validate_reviews`).

    Raises:
        DataError: anything wrong with the file, with a message saying what to do.
    """
    path, kind = check_path(path)
    frame = read_csv_reviews(path) if kind == "csv" else read_sqlite_reviews(path)
    return validate_reviews(frame, path)
