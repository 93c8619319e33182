"""Load Amazon Fine Food Reviews from Kaggle's ``Reviews.csv`` / ``.csv.gz`` or ``database.sqlite``.

Schema (Kaggle ``snap/amazon-fine-food-reviews``, McAuley & Leskovec, WWW 2013):
``Id, ProductId, UserId, ProfileName, HelpfulnessNumerator, HelpfulnessDenominator,
Score, Time, Summary, Text``; ``Time`` is Unix seconds, ``Text`` holds HTML.
Every problem with the file is raised as :class:`afrlib.errors.DataError` with a
message that names the file, what was wrong and what to do.
"""

import csv
import gzip
import hashlib
import re
import sqlite3
import time
import warnings
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
#: 1995-07-16 00:00 UTC in Unix seconds, the day Amazon sold its first book: no review is older.
FIRST_REVIEW_TIME = 805_852_800
#: Allowed values of the integer columns: (lowest, highest or None for now, rule named in errors).
VALUE_RANGES = {
    "Id": (0, 2**62, "Id must be a non-negative review number"),
    "HelpfulnessNumerator": (0, 2**62, "HelpfulnessNumerator (helpful votes) must be >= 0"),
    "HelpfulnessDenominator": (0, 2**62, "HelpfulnessDenominator (all votes) must be >= 0"),
    "Score": (1, 5, "Score must be 1 to 5 stars"),
    "Time": (FIRST_REVIEW_TIME, None, "Time must be Unix seconds from 1995-07-16 (Amazon's first sale) to now (1999-2012 "
             "in this dataset; 0 is an empty date, milliseconds are too large)"),
}
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
    if path.name != path.name.strip():
        raise DataError(f"{str(path)!r}: the file name begins or ends with a space; check the path. {HELP}")
    if path.is_dir():
        raise DataError(f"{path} is a directory, not a reviews file. {HELP}")
    if name.endswith(CSV_SUFFIXES):
        kind = "csv"
    elif name.endswith(SQLITE_SUFFIXES):
        kind = "sqlite"
    else:
        raise DataError(
            f"{path}: unknown file type. afrlib reads {', '.join(CSV_SUFFIXES + SQLITE_SUFFIXES)} "
            f"files. {HELP}"
        )
    if not path.is_file():
        raise DataError(f"{path} does not exist{'' if path.is_absolute() else f' (in {path.resolve().parent})'}. "
                        f"Check the path. {HELP}")
    if path.stat().st_size == 0:
        raise DataError(f"{path} is empty (0 bytes). {HELP}")
    if kind == "csv" and not name.endswith(".gz"):
        with open(path, "rb") as handle:
            if handle.read(2) == b"\x1f\x8b":
                raise DataError(f"{path} is gzip-compressed but its name ends in .csv: name it .csv.gz. {HELP}")
    return path, kind


def _first_bad_utf8_line(path):
    """1-based number of the first line of ``path`` (gzip or plain) that is not UTF-8, or None."""
    opener = gzip.open if str(path).lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            for number, line in enumerate(handle, start=1):
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError:
                    return number
    except (OSError, EOFError, zlib.error):
        return None
    return None


#: The first bytes of archives and compressed files that are not gzip (which is read), by their usual names.
ARCHIVES = {b"PK\x03\x04": "a ZIP archive", b"BZh": "bzip2-compressed", b"\xfd7zXZ\x00": "xz-compressed",
            b"7z\xbc\xaf\x27\x1c": "a 7-Zip archive", b"\x28\xb5\x2f\xfd": "zstd-compressed"}


def archive_kind(data):
    """What archive or compressed file ``data`` (its first bytes) starts, such as ``"a ZIP archive"``, else None."""
    return next((kind for magic, kind in ARCHIVES.items() if data.startswith(magic)), None)


def looks_like_utf16(data):
    """True when NUL bytes are a quarter or more of ``data`` (bytes): UTF-16 text without a byte-order mark,
    which is also valid UTF-8 when its characters are ASCII (``A\x00w\x00f\x00u\x00l\x00``)."""
    return len(data) >= 4 and data.count(b"\x00") * 4 >= len(data)


def read_csv_strict(path, help_text=HELP, **options):
    """``pandas.read_csv`` (UTF-8, no index column) with every parse failure raised as :class:`DataError`.

    Rows with more fields than the header (an unquoted comma in a text, a trailing comma) are
    errors, not silently shifted or cut.

    Args:
        path: a ``.csv`` or ``.csv.gz`` file.
        help_text (str): the advice ending every error message (default: point DATA at Kaggle's file).
        **options: passed to ``pandas.read_csv``.

    Returns:
        pandas.DataFrame

    Raises:
        DataError: bytes that are not UTF-8, a damaged gzip, a broken quote, ragged rows, no header.
    """
    opener = gzip.open if str(path).lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            start = handle.read(65536)
    except (OSError, EOFError, zlib.error):
        start = b""  # a damaged gzip: pandas below names it
    if archive_kind(start):
        raise DataError(f"{path} is {archive_kind(start)}, not a CSV: extract the CSV from it and give that. {help_text}")
    if looks_like_utf16(start):
        raise DataError(f"{path} looks like UTF-16 or UTF-32 text (NUL bytes between its letters), not UTF-8: save it "
                        f"as UTF-8 (\"CSV UTF-8\" in a spreadsheet's Save As). {help_text}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(path, encoding="utf-8", index_col=False, **options)
    except UnicodeDecodeError as exc:
        with open(path, "rb") as handle:
            if handle.read(2) == b"\x1f\x8b":
                if str(path).lower().endswith(".gz"):
                    raise DataError(f"{path} is compressed twice (gzip inside gzip): decompress it once (gunzip) and "
                                    f"name the result .csv.gz. {help_text}") from exc
                raise DataError(f"{path} is gzip-compressed but its name does not end in .gz: name it .csv.gz. "
                                f"{help_text}") from exc
        line = _first_bad_utf8_line(path)
        where = f"line {line}" if line else "the file"
        raise DataError(
            f"{path}: {where} is not valid UTF-8 ({exc.reason}). The file was probably re-saved by a "
            f"spreadsheet program in another encoding; save it as UTF-8. {help_text}") from exc
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        with open(path, "rb") as handle:
            if handle.read(2) != b"\x1f\x8b":
                raise DataError(f"{path} is not gzip-compressed although its name ends in .gz: name it .csv. "
                                f"{help_text}") from exc
        raise DataError(f"{path}: the gzip stream is damaged or truncated ({exc}). Download or "
                        f"copy the file again. {help_text}") from exc
    except pd.errors.EmptyDataError as exc:
        raise DataError(f"{path} holds no header and no rows. {help_text}") from exc
    except pd.errors.ParserWarning as exc:
        problem, _ = csv_problem(path)
        if problem:
            raise DataError(f"{path}: {problem}. {help_text}") from exc
        raise DataError(f"{path}: some rows have more fields than the header. Usually a text holds an "
                        f"unquoted comma, or every row ends with a comma. {help_text}") from exc
    except pd.errors.ParserError as exc:
        problem, _ = csv_problem(path)
        if problem:
            raise DataError(f"{path}: {problem}. {help_text}") from exc
        detail = " ".join(str(exc).split())
        fields = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", detail)
        if fields:
            raise DataError(f"{path}: line {fields.group(2)} has {fields.group(3)} field(s) where the rows before it have "
                            f"{fields.group(1)}: a comma at the end of some rows only, or an unquoted comma in a text. "
                            f"{help_text}") from exc
        raise DataError(f"{path} is not a well-formed CSV ({detail}). "
                        f"Usually a quote is not closed or a row has extra fields. {help_text}") from exc
    check_line_structure(path, len(frame), help_text)  # names the exact line
    return frame


#: The csv module refuses fields over 131,072 characters by default; pandas reads them, and a review may be that long.
csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))


def csv_problem(path):
    """The first structural problem of a CSV file, read with the ``csv`` module in strict mode, or None.

    One header line naming each column once, then one line a row, each with the header's number of
    fields; blank lines are skipped, as pandas does. Found and named by file line (1 = the header): a
    header split by another delimiter (:data:`OTHER_DELIMITERS`), a header that names a column twice (pandas would rename the second ``Text`` to ``Text.1`` and read the
    first), a carriage return
    (``\\r``) that does not end a line (the parser would split the row there), a row spread over
    several lines (a quote opened and not closed where the field ends, or a review written over
    lines), text after a closing quote (``"Great"coffee`` would be read as ``Greatcoffee``), an
    unclosed quote at the end of the file, a row with more or fewer fields than the header.

    Returns:
        tuple[str, int] | None: ``(message, data rows)``, message None when the file is sound.
    """
    opener = gzip.open if str(path).lower().endswith(".gz") else open
    with opener(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            body = line.rstrip(b"\n").removesuffix(b"\r")
            if b"\r" in body and not line.endswith(b"\n"):
                return ("its lines end in a carriage return (\\r) alone, the old Mac line ending, which this reader "
                        "does not take. Save the file with \\n (or \\r\\n) line endings"), 0
            if b"\r" in body:
                return (f"line {number} holds a carriage return (\\r) inside its text, which ends a row for the CSV "
                        "parser and splits this one in two. Remove it, or save the file with plain line endings"), 0
    rows = 0
    with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
        last = [""]  # the last physical line read: a blank line is skipped, a quoted empty field ("") is a row

        def lines():
            for line in handle:
                last[0] = line
                yield line

        reader = csv.reader(lines(), strict=True)
        end = 0
        try:
            header = next(reader, None)
            end = reader.line_num
            names = [name.strip() for name in header or []]
            twice = sorted({name for name in names if names.count(name) > 1})
            if names and names[0].lower().startswith("sep="):
                return "line 1 is a spreadsheet's 'sep=' line, not the header: delete that line", 0
            if names and names[0].startswith("#"):
                return "line 1 is a comment ('#...'), not the header: delete the comment lines before the header", 0
            if len(names) == 1 and "," in names[0]:
                return (f"line 1 holds the whole header as one quoted field ({names[0][:40]!r}...): remove the quotes "
                        "around it"), 0
            if names and re.fullmatch(r"[-+0-9.]+", names[0]):  # a column name is no number: an Id, a data row
                return ("line 1 holds no column names (it starts with a number, as a data row does): the file needs "
                        "its header line, "
                        f"e.g. Kaggle's {','.join(COLUMNS)}"), 0
            if "" in twice:
                return ("line 1: the header has unnamed (empty) columns, from commas at the end of the line (a "
                        "spreadsheet's empty columns). Delete those columns or the trailing commas"), 0
            if twice:
                return (f"line 1: the header names the column(s) {', '.join(map(repr, twice))} more than once, so "
                        "one of them would be read and the other silently renamed. Keep one column of each name"), 0
            split_by = [spelt for delimiter, spelt in OTHER_DELIMITERS.items() if len(names) == 1 and delimiter in names[0]]
            if split_by:
                return (f"line 1: the header reads as one column, {names[0]!r}. Its header is split by {split_by[0]}, "
                        "not commas: save it as a comma-separated CSV"), 0
            for record in reader:
                start, end = end + 1, reader.line_num
                if not last[0].strip():
                    continue
                if end > start:
                    return (f"line {start}: this row runs over {end - start + 1} lines of the file (to line {end}): "
                            "a quoted field holds line breaks. Every row here must be one line: if the text really spans "
                            "lines, put it on one line; if not, a \" opens a field and is not closed where the field "
                            "ends (write a quote inside a quoted field as \"\")"), rows
                trailing_comma = header is not None and len(record) == len(header) + 1 and record[-1] == ""
                if header is not None and len(record) != len(header) and not trailing_comma:
                    spaced = ' (a space before an opening quote makes the quote part of the text: write ,"... not , "...)'
                    if _other_line_breaks(last[0]):
                        return (f"line {start} has {len(record)} field(s) where the header has {len(header)}, and "
                                f"{_other_line_breaks(last[0])}"), rows
                    return (f"line {start} has {len(record)} field(s) where the header has {len(header)}: a text with "
                            "an unquoted comma, or a review wrapped onto the next line"
                            + (spaced if re.search(r',\s+"', last[0]) else "")), rows
                rows += 1
        except csv.Error as exc:
            if _other_line_breaks(last[0]):
                return f"line {end + 1}: {exc}, and the line {_other_line_breaks(last[0])}", rows
            return (f"line {end + 1}: {exc} (a quote that opens a field must close it, right before the next comma "
                    "or the end of the line; write a quote inside a quoted field as \"\")"), rows
    return None, rows


def _other_line_breaks(line):
    """For a CSV line holding :data:`OTHER_LINE_BREAKS`, the end of a message naming them; else ``""``."""
    breaks = sorted({f"U+{ord(c):04X}" for c in line if c in OTHER_LINE_BREAKS})
    return (f"holds {', '.join(breaks)}, which ends a line for some programs but not for a CSV: rows joined by it are "
            "read as one. Put each row on a line of its own") if breaks else ""


def check_line_structure(path, n_rows, help_text=HELP):
    """Refuse a CSV whose structure :func:`csv_problem` faults, or whose rows pandas counted otherwise.

    Raises:
        DataError: naming the file line and the problem, ending with ``help_text``.
    """
    problem, rows = csv_problem(path)
    if problem:
        raise DataError(f"{path}: {problem}. {help_text}")
    if rows != n_rows:
        raise DataError(f"{path}: {rows:,} data lines (not counting blank ones) parse into {n_rows:,} rows; every "
                        f"row must be one line. {help_text}")


#: Characters that end a line elsewhere but not here (a review, and a CSV row, ends at a newline only): vertical tab,
#: form feed, file, group and record separators, NEL, line and paragraph separators.
OTHER_LINE_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
#: Delimiters other than the comma that spreadsheets write (some locales save "CSV" with semicolons), named.
OTHER_DELIMITERS = {"\t": "tabs", ";": "';'", "|": "'|'"}


def read_csv_reviews(path):
    """Read Kaggle's ``Reviews.csv`` (plain or gzip-compressed) without validating its values.

    Returns:
        pandas.DataFrame: one row per review, columns as in the file (names without surrounding spaces);
        every Kaggle column as pandas ``string`` (:func:`validate_reviews` converts the integer ones), empty
        ``Text`` as missing.

    Raises:
        DataError: see :func:`read_csv_strict`.
    """
    frame = read_csv_strict(path, dtype={c: "string" for c in TEXT_COLUMNS + INTEGER_COLUMNS}, keep_default_na=False,
                            na_values={"Text": [""]})
    frame.columns = [str(name).strip() for name in frame.columns]  # "Id, ProductId, ..." as Kaggle's header
    return frame


def read_sqlite_reviews(path):
    """Read table ``Reviews`` (any case, as SQLite names go) of Kaggle's ``database.sqlite`` without validating it.

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
            if "reviews" not in {table.lower() for table in tables}:  # SQLite's names ignore case
                raise DataError(f"{path} has no table 'Reviews' (tables: {sorted(tables) or 'none'}). "
                                f"{HELP}")
            frame = pd.read_sql_query("SELECT * FROM Reviews ORDER BY Id", connection)
    except sqlite3.DatabaseError as exc:
        raise DataError(f"{path} is not a readable SQLite database ({exc}). {HELP}") from exc
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: table Reviews holds text that is not UTF-8 ({exc.reason}). {HELP}") from exc
    for column in TEXT_COLUMNS:
        if column in frame:
            binary = frame[column].map(lambda value: isinstance(value, bytes))
            if binary.any():
                raise DataError(f"{path}: column {column} holds binary data, not text, in "
                                f"{_rows(binary, frame)}. {HELP}")
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


def repeats_header(frame, columns):
    """Rows that repeat the header in ``columns`` (files joined with ``cat``), any case, a byte-order mark allowed.

    Args:
        frame (pandas.DataFrame): the parsed table, ``n`` rows. columns (list[str]): the column names to compare.

    Returns:
        pandas.Series: ``n`` bool, True where every one of ``columns`` holds its own name.
    """
    found = pd.Series(True, index=frame.index)
    for name in columns:
        cell = frame[name].astype("string").str.strip().str.lstrip("\ufeff").str.lower()
        found &= (cell == name.lower()).fillna(False).astype(bool)
    return found


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
    header_again = repeats_header(frame, ["Id", "Text"])
    if header_again.any():
        raise DataError(f"{path}: {_rows(header_again, frame)} repeats the header (files joined with cat?). "
                        f"Keep the header on the first line only. {HELP}")
    for column in INTEGER_COLUMNS:
        if pd.api.types.is_string_dtype(frame[column]):  # from a CSV: digits only, so 1.304e+09 is no Time
            bad = ~frame[column].str.fullmatch(r"\s*[-+]?[0-9]+(?:\.0*)?\s*").fillna(False).astype(bool)
            empty = bad & frame[column].fillna("").str.strip().eq("")
            if empty.any():
                raise DataError(f"{path}: column {column} is empty in {_rows(empty, frame)}; every row needs a whole "
                                f"number there. {HELP}")
            if bad.any():
                raise DataError(f"{path}: column {column} must hold whole numbers written with digits (not 1.3e+09, "
                                f"True or 1,000); it does not in {_rows(bad, frame)}. {HELP}")
        values = pd.to_numeric(frame[column], errors="coerce").astype("float64")
        bad = ~np.isfinite(values) | (values != np.floor(values)) | (values.abs() >= 2.0**63)
        if bad.any():
            raise DataError(f"{path}: column {column} must hold whole numbers; it does not in "
                            f"{_rows(bad, frame)}. {HELP}")
        frame[column] = pd.to_numeric(frame[column]).astype("int64")
        low, high, rule = VALUE_RANGES[column]
        bad = (frame[column] < low) | (frame[column] > (high if high is not None else time.time()))
        if bad.any():
            raise DataError(f"{path}: {rule}; it is not in {_rows(bad, frame)}. {HELP}")
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
