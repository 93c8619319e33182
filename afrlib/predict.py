"""Saved models and the polarity of new reviews (``python -m afrlib predict``).

A saved model is a folder (``models/lstm_<depth>_layer/`` by default, ignored by git) holding
``model.keras`` and ``preprocessing.json`` (vocabulary, ``maxlen``, cleaning version): it loads on
its own. New text goes through exactly the training-time code path: :func:`afrlib.prepare.clean_texts`,
:func:`afrlib.prepare.encode`, :func:`afrlib.prepare.pad`.
"""

import json
import os
import re
import shutil
import sys
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from afrlib.data import OTHER_LINE_BREAKS, archive_kind, file_sha256, looks_like_utf16, read_csv_strict, repeats_header
from afrlib.paths import current_umask
from afrlib.errors import AfrError, DataError, ParameterError, check_whole_number
from afrlib.prepare import (CLEANING_VERSION, LINE_ESCAPE, clean_texts, decoded_text, encode, garbled_words,
                            invisible_word_breaks, lost_characters, mistyped_negations, pad, spelled_out_words)

NO_KNOWN_WORDS = "no known words"


@dataclass
class Bundle:
    """A trained model with the preprocessing it was trained with."""

    model: object
    vocabulary: dict
    maxlen: int
    cleaning_version: int
    directory: Path
    evaluation: dict = None


#: The files of a saved-model folder that ``evaluation.json`` records the SHA-256 of.
BUNDLE_FILES = ("model.keras", "preprocessing.json")


def save_bundle(model, vocabulary, maxlen, directory, evaluation=None):
    """Save ``model`` and its preprocessing to ``directory``, replacing it only once complete.

    Args:
        model: trained Keras model.
        vocabulary (dict[str, int]): the training vocabulary (word -> index).
        maxlen (int): padded sequence length the model expects.
        directory: target folder, e.g. ``models/lstm_1_layer``.
        evaluation (dict | None): the model's own figures, read back by ``predict`` for its
            warnings and ``--model best`` (see :func:`evaluation_summary`).

    Returns:
        pathlib.Path: ``directory``, holding ``model.keras``, ``preprocessing.json`` and, when
        given, ``evaluation.json``.
    """
    directory = Path(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=directory.parent, prefix=f".{directory.name}."))
    staging.chmod(0o777 & ~current_umask())  # mkdtemp makes 0700; give the usual mode
    try:
        model.save(staging / "model.keras")
        (staging / "preprocessing.json").write_text(json.dumps(
            {"maxlen": int(maxlen), "cleaning_version": CLEANING_VERSION, "vocabulary": vocabulary}))
        if evaluation is not None:  # with the two files' hashes: evaluation.json belongs to them (check_bundle_matches)
            sums = {name: file_sha256(staging / name) for name in BUNDLE_FILES}
            (staging / "evaluation.json").write_text(json.dumps({**evaluation, "files_sha256": sums}, indent=1))
        old = directory.with_name(f".{directory.name}.old")
        if directory.exists():
            shutil.rmtree(old, ignore_errors=True)
            os.replace(directory, old)
        os.replace(staging, directory)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return directory


def load_bundle(directory):
    """Load a folder written by :func:`save_bundle`.

    Raises:
        AfrError: the folder or a file in it is missing or unreadable, or it was saved with
            another cleaning version (retrain it with ``make reports``).
    """
    import keras

    directory = Path(directory)
    files = [directory / "model.keras", directory / "preprocessing.json"]
    missing = [str(f) for f in files if not f.is_file()]
    inside = sorted(directory.rglob("model.keras")) if missing and directory.is_dir() else []
    if inside:
        raise AfrError(f"{directory} is not a saved-model folder but holds some (missing {', '.join(missing)}): name "
                       f"one, such as {inside[0].parent}, or give --model 1, 2, 3 or best.")
    if missing:
        raise AfrError(f"No saved model in {directory} (missing {', '.join(missing)}). Run `make reports` "
                       "first: each LSTM notebook saves its model under models/.")
    try:
        preprocessing = json.loads(files[1].read_text())
        vocabulary, maxlen = dict(preprocessing["vocabulary"]), int(preprocessing["maxlen"])
        model = keras.models.load_model(files[0])
    except Exception as exc:
        raise AfrError(f"The saved model in {directory} cannot be read ({type(exc).__name__}: {exc}). "
                       "Delete the folder and run `make reports` again.") from exc
    if "cleaning_version" not in preprocessing:
        raise AfrError(f"{directory}: preprocessing.json records no cleaning_version, so the text cleaning it was trained "
                       f"with is unknown. Run `make reports` to retrain.")
    if preprocessing.get("cleaning_version") != CLEANING_VERSION:
        raise AfrError(f"{directory} was trained with text cleaning version {preprocessing.get('cleaning_version')!r}, "
                       f"this afrlib cleans with version {CLEANING_VERSION}. Run `make reports` to retrain.")
    check_bundle_matches(model, vocabulary, maxlen, directory)
    evaluation = read_evaluation(directory)
    recorded = (evaluation or {}).get("files_sha256", {})
    changed = [name for name in BUNDLE_FILES if name in recorded and recorded[name] != file_sha256(directory / name)]
    if changed:
        raise AfrError(f"{directory}: {' and '.join(changed)} changed since evaluation.json was written with them (edited, "
                       "or copied from another run), so its figures, the quality warnings and --model best would "
                       "describe another model. Copy the whole folder of one run, or run `make reports`.")
    return Bundle(model, vocabulary, maxlen, CLEANING_VERSION, directory, evaluation)


def check_bundle_matches(model, vocabulary, maxlen, directory):
    """Refuse a folder whose files come from different runs (copied or edited by hand).

    Args:
        model (keras.Model): the loaded ``model.keras``; vocabulary (dict[str, int]) and maxlen (int): from
        ``preprocessing.json``; directory (pathlib.Path): the folder, whose name may give the depth (``lstm_2_layer``).

    Raises:
        AfrError: a ``maxlen`` other than the model's input length; a vocabulary index the model's embedding does not
            have; a folder named for another depth than the model's number of LSTM layers.
    """
    import keras

    length = model.input_shape[1] if len(model.input_shape) == 2 else None
    if length is not None and length != maxlen:
        raise AfrError(f"{directory}: preprocessing.json gives maxlen {maxlen}, but the model reads sequences of {length}: "
                       "the two files come from different runs. Copy both from one run, or run `make reports`.")
    embedding = next((layer for layer in model.layers if isinstance(layer, keras.layers.Embedding)), None)
    largest = max(vocabulary.values(), default=0)
    if embedding is not None and largest >= embedding.input_dim:
        raise AfrError(f"{directory}: preprocessing.json's vocabulary holds index {largest:,}, but the model's embedding "
                       f"takes indices below {embedding.input_dim:,}: the two files come from different runs. Copy both "
                       "from one run, or run `make reports`.")
    named = re.fullmatch(r"lstm_(\d+)_layer", directory.resolve().name)
    layers = sum(isinstance(layer, keras.layers.LSTM) for layer in model.layers)
    if named and int(named.group(1)) != layers:
        raise AfrError(f"{directory} is named for depth {named.group(1)}, but its model.keras has {layers} LSTM "
                       f"layer(s): a model copied from another folder would be scored under this depth's figures. "
                       "Copy the whole folder of one run, or run `make reports`.")


def evaluation_summary(test, validation):
    """The figures a saved model carries (``evaluation.json``): what ``predict`` warns on and ranks by.

    Args:
        test (dict), validation (dict): :func:`afrlib.metrics.classification_metrics` of the test
            split and of the validation rows.

    Returns:
        dict: ``test_accuracy``, ``majority_accuracy``, ``negative_f1``, ``roc_auc`` (test split)
        and ``validation_roc_auc``, floats.
    """
    return {"test_accuracy": test["accuracy"], "majority_accuracy": test["majority_accuracy"],
            "negative_f1": test["per_class"]["negative"]["f1"], "roc_auc": test["roc_auc"],
            "validation_roc_auc": validation["roc_auc"]}


def read_evaluation(directory):
    """The ``evaluation.json`` of a saved-model folder, or ``None`` when it has none or it is unreadable."""
    try:
        return json.loads((Path(directory) / "evaluation.json").read_text())
    except (OSError, ValueError):
        return None


#: ``predict`` warns when the chosen model's own test negative F1 is below this.
MIN_NEGATIVE_F1 = 0.5


def quality_warnings(evaluation):
    """Why a saved model's predictions should not be trusted, from its own recorded figures.

    Args:
        evaluation (dict | None): see :func:`evaluation_summary`.

    Returns:
        list[str]: one sentence per problem, naming the metric (empty when none); a model without
        usable figures gets one sentence saying so, one whose ``evaluation.json`` lacks ``files_sha256`` (so that
        :func:`load_bundle` cannot check that its files belong together) another.
    """
    needed = ("test_accuracy", "majority_accuracy", "negative_f1")
    if not isinstance(evaluation, dict) or not all(isinstance(evaluation.get(k), (int, float))
                                                   and np.isfinite(evaluation[k]) for k in needed):
        return ["it carries no usable test figures (evaluation.json missing or incomplete), so its quality is "
                "unknown; models saved by make reports carry them"]
    problems = []
    if not isinstance(evaluation.get("files_sha256"), dict):
        problems.append("its evaluation.json records no SHA-256 of model.keras and preprocessing.json (saved by an "
                        "older afr-lstm, or edited), so whether its figures and vocabulary belong to this model cannot "
                        "be checked; run `make reports` to save it again")
    if evaluation["test_accuracy"] <= evaluation["majority_accuracy"]:
        problems.append(f"its test accuracy {evaluation['test_accuracy']:.4f} is not above the majority-class "
                        f"accuracy {evaluation['majority_accuracy']:.4f} (it may call every review positive)")
    if evaluation["negative_f1"] < MIN_NEGATIVE_F1:
        problems.append(f"its test negative F1 is {evaluation['negative_f1']:.4f}, under {MIN_NEGATIVE_F1} "
                        "(it misses most negative reviews)")
    return problems


def best_model_directory(root):
    """The saved LSTM (``models/lstm_<depth>_layer``) with the highest validation ROC-AUC.

    Chosen on the validation rows, not the test split, so the choice does not peek at the test figures.

    Returns:
        pathlib.Path: the folder.

    Raises:
        AfrError: no saved model carries its figures (run ``make reports``).
    """
    candidates = {}
    for depth in (1, 2, 3):
        directory = Path(root) / f"models/lstm_{depth}_layer"
        evaluation = read_evaluation(directory)
        if (isinstance(evaluation, dict) and isinstance(evaluation.get("validation_roc_auc"), (int, float))
                and (directory / "model.keras").is_file()):
            candidates[directory] = evaluation["validation_roc_auc"]
    if not candidates:
        raise AfrError(f"--model best: no saved model under {Path(root) / 'models'} records its validation "
                       "ROC-AUC. Run `make reports` first.")
    return max(candidates, key=candidates.get)


def encode_texts(texts, vocabulary, maxlen):
    """Raw review texts -> padded model input, with the training-time cleaning and encoding.

    Returns:
        tuple[numpy.ndarray, numpy.ndarray]: ``(n, maxlen)`` int32 sequences and ``(n,)`` int64
        counts of in-vocabulary tokens per review (before truncation to ``maxlen``).
    """
    sequences = encode(clean_texts(texts), vocabulary)
    return pad(sequences, maxlen), np.array([len(s) for s in sequences], dtype=np.int64)


def predict_texts(texts, bundle, batch_size=1000):
    """Polarity of raw review texts.

    Args:
        texts (list[str]): ``n`` reviews, HTML allowed.
        bundle (Bundle): from :func:`load_bundle`.
        batch_size (int): reviews per forward pass of the model.

    Returns:
        pandas.DataFrame: ``n`` rows: ``text``, ``polarity`` (``"positive"``, ``"negative"``, or
        ``"no known words"`` when cleaning leaves no vocabulary word: empty text, only stop words,
        another language), ``probability`` (float in [0, 1], probability of positive; NaN when
        no known words), ``known_tokens`` (int).

    Raises:
        ParameterError: ``batch_size`` is not a whole number >= 1.
    """
    check_whole_number("batch_size", batch_size, 1)
    texts = [str(t) for t in texts]
    x, known = encode_texts(texts, bundle.vocabulary, bundle.maxlen)
    probability = np.full(len(texts), np.nan)
    rows = np.flatnonzero(known > 0)
    for start in range(0, len(rows), batch_size):  # predict_on_batch: no per-call tf.data set-up, unlike predict
        batch = rows[start:start + batch_size]
        probability[batch] = np.asarray(bundle.model.predict_on_batch(x[batch])).ravel()
    polarity = np.where(known == 0, NO_KNOWN_WORDS, np.where(probability > 0.5, "positive", "negative"))
    return pd.DataFrame({"text": texts, "polarity": polarity, "probability": probability, "known_tokens": known})


#: Short reviews with an obvious polarity, written for this project: ``(text, label, kind)`` with label
#: 1 positive / 0 negative and kind ``plain`` or ``negation`` (the polarity hangs on a "not" or "no").
#: Every depth report ends with the model's verdict on them.
SANITY_REVIEWS = [
    ("Delicious, my whole family loves it.", 1, "plain"),
    ("Great coffee, I buy it every month.", 1, "plain"),
    ("Excellent quality and a fair price, highly recommended.", 1, "plain"),
    ("My dog loves these treats.", 1, "plain"),
    ("Terrible taste, I threw it away.", 0, "plain"),
    ("Stale and tasteless, I want my money back.", 0, "plain"),
    ("The worst chips I have ever eaten.", 0, "plain"),
    ("It arrived broken and smelled awful.", 0, "plain"),
    ("This is not good at all.", 0, "negation"),
    ("Would not buy again, very disappointed.", 0, "negation"),
    ("No flavor, not worth the money.", 0, "negation"),
    ("Not bad at all, I would buy it again.", 1, "negation"),
]


def sanity_panel(bundle):
    """The model's verdict on :data:`SANITY_REVIEWS`.

    Args:
        bundle (Bundle): the model with its preprocessing (:func:`load_bundle`, or built in memory).

    Returns:
        pandas.DataFrame: one row per review: ``review``, ``kind``, ``expected``, ``predicted``
        (polarity or ``"no known words"``), ``P(positive)`` (float, NaN without known words) and
        ``correct`` (bool).
    """
    texts, labels, kinds = zip(*SANITY_REVIEWS)
    result = predict_texts(list(texts), bundle)
    expected = np.array(["positive" if label else "negative" for label in labels])
    return pd.DataFrame({"review": texts, "kind": kinds, "expected": expected, "predicted": result["polarity"],
                         "P(positive)": result["probability"].round(4),
                         "correct": result["polarity"].to_numpy() == expected})


PREDICT_FILE_HELP = ("A predict file is a UTF-8 CSV with a Text column (and optionally Id), or a UTF-8 text "
                     "file with one review a line; --file - reads such text from standard input.")


def split_reviews(text):
    """One review a line: split at ``\\n`` (a ``\\r\\n`` ending loses its ``\\r``) and nowhere else.

    Unicode line and paragraph separators, form feeds and NEL stay inside their review, unlike
    ``str.splitlines``.

    Returns:
        list[tuple[str, str]]: ``("line N", review)`` with ``N`` the 1-based line number, blank
        lines skipped.
    """
    lines = text.split("\n")
    return [(f"line {number}", line.removesuffix("\r")) for number, line in enumerate(lines, start=1)
            if line.strip()]


#: Headings of a review column in spreadsheets and exports, lower case.
REVIEW_COLUMN_NAMES = {"text", "texts", "review", "reviews", "reviewtext", "reviewbody", "comment", "comments", "body",
                       "content", "feedback", "message", "summary", "description", "sentence", "opinion", "note", "notes",
                       "remarks", "response", "responses", "answer", "answers", "verbatim", "verbatims", "testimonial",
                       "testimonials", "kommentar", "kommentare", "bewertung", "avis", "commentaire", "commentaires",
                       "comentario", "comentarios", "opinions", "statement", "reply", "replies", "reason", "reasons", "tweet",
                       "tweets"}
#: Words that may come before such a heading: ``Customer Review``, ``My review``, ``Review Text``.
HEADING_QUALIFIERS = {"customer", "customers", "product", "user", "client", "buyer", "item", "your", "my", "full",
                      "written", "the", "amazon", "online", "original", "raw", "all", "new", "food", "reviewer",
                      "of"} | REVIEW_COLUMN_NAMES
#: One column name: one to three words of letters, digits and ``_``, perhaps followed by a number or a word in
#: brackets (``Reviews 2024``, ``Review (text)``) and a colon (``Review:``).
COLUMN_NAME = re.compile(r"([A-Za-z_][A-Za-z0-9_]*(?: [A-Za-z_][A-Za-z0-9_]*){0,2})(?: [0-9]+| ?\([A-Za-z0-9_ ]*\))?:?")


#: Other columns of review tables, lower case: a line of two or more one-word names, one of them here, is a header.
TABLE_COLUMN_NAMES = {"id", "user", "userid", "username", "date", "time", "timestamp", "rating", "stars", "score",
                      "sentiment", "label", "polarity", "product", "productid", "title", "name", "helpful", "notes",
                      "tweet", "words", "remarks"}


def looks_like_csv_header(line):
    """True for a first line such as ``Text``, ``Review:``, ``Customer Review``, ``Id,Comments``, ``Product,Rating,My review``
    or ``user,rating,notes``.

    Column names (:data:`COLUMN_NAME`; quotes, brackets, a final ``:`` or ``#`` and invisible characters aside, trailing
    empty columns dropped) separated by commas, tabs, semicolons or ``|``, one of them a review column's
    heading: a word of :data:`REVIEW_COLUMN_NAMES` (any case, ``_`` as a space) after none or more of
    :data:`HEADING_QUALIFIERS`; or two or more one-word names, two of them in :data:`TABLE_COLUMN_NAMES`.
    ``Great review``, ``Texture``, ``Great,cheap,tasty`` and ``awful<TAB>product`` are reviews.
    """
    fields = [re.sub(r"\s*[:#]$", "", "".join(c for c in field if unicodedata.category(c) != "Cf").strip()
                     .strip("\"'\u201c\u201d\u2018\u2019[]").strip()) for field in re.split(r"[,\t;|]", line)]
    while len(fields) > 1 and not fields[-1]:  # trailing empty columns of a spreadsheet export
        fields.pop()
    names = [COLUMN_NAME.fullmatch(field) for field in fields]
    if not all(names):
        return False
    words = [name.group(1).lower() for name in names]
    if len(words) > 1 and all(" " not in word for word in words) and len(TABLE_COLUMN_NAMES & set(words)) >= 2:
        return True
    for name in names:
        words = name.group(1).replace("_", " ").lower().split()
        if words[-1] in REVIEW_COLUMN_NAMES and all(word in HEADING_QUALIFIERS for word in words[:-1]):
            return True
    return False


#: A polarity or star label after a tab, or a polarity after ``,``/``;``/``|``, a spaced dash or an arrow, or in
#: brackets, at the end of a line (``Awful stale coffee<TAB>negative``, ``awful coffee,positive``, ``great coffee -
#: negative``, ``awful => negative``, ``awful (negative)``).
LABEL_AFTER = re.compile(r"(?:\t\s*(?P<tab>positive|negative|pos|neg|good|bad|[0-5]|[1-5] stars?|label)"
                         r"|\s*(?P<mark>[,;|]|(?<=\s)[-\u2013\u2014]|=>|->|[\u2192\u21d2\u2794\u279c\u27f6])\s*"
                         r"(?P<label>positive|negative)|(?P<comma>,)(?P<word>good|bad)"
                         r"|\s(?P<bracketed>\((?:positive|negative)\)|\[(?:positive|negative)\]))\s*$", re.IGNORECASE)
#: The same label before the review (``negative,great coffee``, ``positive<TAB>awful``, ``negative - great``,
#: ``negative: awful``, ``(negative) awful``), or fastText's ``__label__negative``; also ``good``/``bad`` after a tab or a
#: comma without a space (``stale,bad``).
LABEL_BEFORE = re.compile(r"^\s*(?:(?P<fasttext>__label__\w+)|(?P<label>positive|negative|pos|neg)\s*"
                          r"(?P<mark>[,;|\t:]|[-\u2013\u2014](?=\s))|(?P<bracketed>\((?:positive|negative)\)|"
                          r"\[(?:positive|negative)\])\s)", re.IGNORECASE)


#: A Markdown table's row (``| Awful and stale |``) or separator (``|---|``, ``--- | ---``).
MARKDOWN_TABLE = re.compile(r"\s*\|.*\|\s*$|\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+$")
#: An HTML table's cell or row tags.
HTML_TABLE = re.compile(r"<(?:th|td|tr|thead|tbody|table)\b[^<>]*>", re.IGNORECASE)


def text_reviews(data, name):
    """Reviews from the bytes of a text file or of standard input, one review a line (:func:`split_reviews`).

    Args:
        data (bytes): the whole input, UTF-8 (a byte-order mark is dropped).
        name (str): the input as named in errors (a path, or ``"standard input"``).

    Returns:
        list[tuple[str, str]]: ``("line N", review)``.

    Raises:
        DataError: bytes that are not UTF-8; a carriage return that ends no line (it would merge or split
            reviews); a tab on every line of two or more (a tab-separated table); a first line that is a column
            header (:func:`looks_like_csv_header`; it would be scored as a review); JSON, or a comment line
            (``#``, ``//``, ``;`` or ``%%`` and a space), on any line.
    """
    if archive_kind(data):
        raise DataError(f"{name} is {archive_kind(data)}, not text: extract the reviews from it and give that file. "
                        f"{PREDICT_FILE_HELP}")
    data = data.removeprefix(b"\xef\xbb\xbf")  # a byte-order mark: the offsets below count from after it
    if looks_like_utf16(data):
        raise DataError(f"{name} looks like UTF-16 or UTF-32 text (NUL bytes between its letters), not UTF-8: its "
                        f"letters would be scored one by one. Save it as UTF-8. {PREDICT_FILE_HELP}")
    try:
        text = data.decode("utf-8")  # its byte-order mark is dropped above
    except UnicodeDecodeError as exc:
        if data[:2] == b"\x1f\x8b":
            raise DataError(f"{name} is gzip-compressed; decompress it (gunzip). {PREDICT_FILE_HELP}") from exc
        line = data[:exc.start].count(b"\n") + 1
        raise DataError(f"{name} is not UTF-8 text: line {line}, byte "
                        f"0x{data[exc.start]:02x} ({exc.reason}; a Windows or Latin-1 file?). Convert it to UTF-8 "
                        f"(iconv -f cp1252 -t utf-8). {PREDICT_FILE_HELP}") from exc
    if "\r" in text.replace("\r\n", ""):
        raise DataError(f"{name} holds carriage returns (\\r) that end no line (old Mac line endings, or a \\r inside "
                        f"a review): only a newline ends a review here. Convert it to plain \\n line endings. "
                        f"{PREDICT_FILE_HELP}")
    reviews = split_reviews(text)
    if reviews and reviews[-1][1].strip() == "\x1a":  # Ctrl-Z: the end-of-file mark of old DOS editors
        reviews.pop()
    first = reviews[0][1].strip() if reviews else ""
    if first[:1] in "{[" and _is_json(text.strip()):
        raise DataError(f"{name}: line 1 is JSON ({first[:40]!r}), whose keys and brackets would be scored as words. Save "
                        f"the reviews as a CSV with a Text column or one review a line. {PREDICT_FILE_HELP}")
    for source, review in reviews:
        if review.strip()[:1] in "{[" and _is_json(review.strip()):
            raise DataError(f"{name}: {source} is JSON ({review.strip()[:40]!r}), whose keys and brackets would be "
                            f"scored as words. Save the reviews as a CSV with a Text column or one review a line. "
                            f"{PREDICT_FILE_HELP}")
        if re.match(r"(#|＃|//|;|%%)(\s|$)", review.strip()):
            raise DataError(f"{name}: {source} ({review.strip()[:40]!r}) is a comment, which would be scored as a "
                            f"review. Drop it. {PREDICT_FILE_HELP}")
    if len(reviews) > 1 and all("\t" in review for _, review in reviews):
        raise DataError(f"{name}: every line holds a tab, as in a tab-separated table (a spreadsheet's \"Text (Tab "
                        f"delimited)\" export), so its other columns (and header, if any) would be scored with the reviews. Save "
                        f"it as a CSV (comma-separated) with a Text column; if these are reviews, replace the tabs "
                        f"with spaces. {PREDICT_FILE_HELP}")
    for (source, review), (later, rest) in zip(reviews, reviews[1:]):
        if review.lstrip().startswith('"') and review.count('"') % 2 and rest.rstrip().endswith('"') and rest.count('"') % 2:
            raise DataError(f"{name}: {source} opens a quote that {later} closes, as a spreadsheet writes a cell holding a "
                            f"line break when it saves text, so one review would be scored as two. Save it as a CSV with "
                            f"a Text column, or put the review on one line. {PREDICT_FILE_HELP}")
    for source, review in reviews:
        if MARKDOWN_TABLE.match(review) or HTML_TABLE.search(review):
            raise DataError(f"{name}: {source} ({review.strip()[:40]!r}) is a row of a Markdown or HTML table, whose header "
                            f"and borders would be scored as reviews. Save the table as a CSV with a Text column. "
                            f"{PREDICT_FILE_HELP}")
    if reviews and looks_like_csv_header(reviews[0][1]):
        first = reviews[0][1]
        if "\t" in first or ";" in first or "|" in first:
            fix = "save the table as a CSV (comma-separated) with a Text column and give that"
        elif name == "standard input":
            fix = "save it to a file whose name ends in .csv, with the review column headed Text, and give that"
        else:
            fix = "rename it to .csv, with the review column headed Text"
        raise DataError(f"{name}: its first line {first.strip()!r} is a column header, but a text file is read one "
                        f"review a line, so the header would be scored as a review. To read it as a table, {fix}; else "
                        f"drop the header line. {PREDICT_FILE_HELP}")
    for source, review in reviews[1:]:
        if looks_like_csv_header(review):
            raise DataError(f"{name}: {source} ({review.strip()[:40]!r}) is a column header (files joined with cat?), so it "
                            f"would be scored as a review. Drop it. {PREDICT_FILE_HELP}")
    for source, review in reviews:
        before, after = LABEL_BEFORE.search(review), LABEL_AFTER.search(review)
        if before or after:
            match = before or after
            mark = match.group("mark") or (after.group("comma") if after and not before else None) or "\t"
            mark = "a tab" if mark == "\t" else repr(mark)
            label = repr(match.group("label") or (after.group("tab") or after.group("word") if after else None))
            if before and before.group("fasttext"):
                where = f"begins with {before.group('fasttext')!r} (fastText's label)"
            elif match.group("bracketed"):
                where = f"{'begins' if before else 'ends'} with {match.group('bracketed')!r}"
            else:
                where = f"begins with {label} and {mark}" if before else f"ends with {mark} and {label}"
            raise DataError(f"{name}: {source} {where}, as in a labelled table, so the label would be scored as "
                            f"a word of the review. Drop the labels (or save the table as a CSV with a Text column). "
                            f"{PREDICT_FILE_HELP}")
    return reviews


#: Headings of an identifier column, lower case, spaces, ``_`` and ``-`` removed: refused unless written ``Id``.
ID_HEADINGS = {"id", "reviewid", "rowid", "commentid", "responseid", "recordid"}


def read_review_file(path):
    """Reviews to score from a file: a CSV (``.csv``/``.csv.gz``) with a ``Text`` column, else one review a line.

    Args:
        path: the file, or ``"-"`` for standard input (one review a line, checked as a text file is).

    Returns:
        list[tuple[str, str]]: ``(source, review)`` in file order. ``source`` is the CSV's ``Id``
        when it has that column, else ``"row N"`` (1-based data row, blank lines not counted); ``"line N"``
        for text.

    Raises:
        DataError: a missing file or a directory, a CSV that does not parse (see
            :func:`afrlib.data.read_csv_strict`) or has no ``Text`` column, text refused by :func:`text_reviews`.
    """
    if str(path) == "-":
        return text_reviews(sys.stdin.buffer.read(), "standard input")
    path = Path(path)
    if path.is_dir():
        raise DataError(f"{path} is a directory. {PREDICT_FILE_HELP}")
    if path.exists() and not path.is_file():
        raise DataError(f"{path} is not a regular file (a device or a pipe); save the reviews to a file. {PREDICT_FILE_HELP}")
    if not path.is_file():
        raise DataError(f"{path} does not exist. --file reads every argument after it as a file name: review texts go "
                        f"before --file. {PREDICT_FILE_HELP}")
    suffix = path.name.lower().rsplit(".", 1)[-1] if "." in path.name else ""
    if suffix in {"json", "jsonl", "ndjson"}:
        raise DataError(f"{path}: JSON is not read (its keys and brackets would be scored as words). Save the reviews "
                        f"as a CSV with a Text column or one review a line. {PREDICT_FILE_HELP}")
    if suffix in {"tsv", "tab"}:
        raise DataError(f"{path}: tab-separated files are not read; save it as a CSV (comma-separated, with a Text "
                        f"column). {PREDICT_FILE_HELP}")
    if path.name.lower().endswith((".csv", ".csv.gz")):
        frame = read_csv_strict(path, help_text=PREDICT_FILE_HELP, dtype=str, keep_default_na=False)
        frame.columns = [str(name).lstrip("\ufeff").strip() for name in frame.columns]  # a second byte-order mark
        if "Text" not in frame:
            raise DataError(f"{path} has no Text column (columns: {list(frame.columns)}). "
                            f"{PREDICT_FILE_HELP}")
        id_columns = [name for name in frame.columns if re.sub(r"[\s_-]", "", name.lower()) in ID_HEADINGS]
        if id_columns and id_columns != ["Id"]:
            raise DataError(f"{path}: its Id column is headed {id_columns[0]!r}; write the header Id, so that each result "
                            f"is named by its Id. {PREDICT_FILE_HELP}")
        named = [name for name in frame.columns if not name.startswith("Unnamed: ")]  # not the empty one after "Text,"
        repeated_header = repeats_header(frame, named).to_numpy()
        if repeated_header.any():
            raise DataError(f"{path}: data row {int(np.flatnonzero(repeated_header)[0]) + 1} repeats the header (files "
                            f"joined with cat?), so it would be scored as a review. Keep the header on the first line "
                            f"only. {PREDICT_FILE_HELP}")
        ids = frame["Id"].str.strip() if "Id" in frame else [""] * len(frame)
        sources = [identifier or f"row {number}" for number, identifier in enumerate(ids, start=1)]
        repeated = sorted(source for source, count in Counter(sources).items() if count > 1)
        if repeated:
            raise DataError(f"{path}: Id {', '.join(repeated[:5])} names more than one row, so their results could not "
                            f"be told apart. Give each row its own Id, or leave the Id cell empty (the result is then "
                            f"named by its row). {PREDICT_FILE_HELP}")
        return list(zip(sources, frame["Text"]))
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        raise DataError(f"{path} is gzip-compressed; decompress it (gunzip), or name a compressed CSV .csv.gz. "
                        f"{PREDICT_FILE_HELP}")
    return text_reviews(data, str(path))


def _is_json(text):
    """True when ``text`` (str) is a JSON object or array."""
    try:
        return isinstance(json.loads(text), (dict, list))
    except ValueError:
        return False


def _is_file(text):
    """True when ``text`` names an existing file (False for text no file name can be: too long, a NUL byte)."""
    try:
        return Path(text).is_file()
    except (OSError, ValueError):
        return False


#: What spreadsheets write in an empty cell: scored as a review, it gets a verdict that means nothing.
#: (``\N`` is a database dump's null, ``(blank)`` Excel's, ``undefined`` JavaScript's.) Compared in lower case.
MISSING_MARKS = {"na", "n/a", "#n/a", "null", "none", "nan", "-", "--", "#value!", "#ref!", "#null!", "#div/0!", "#name?",
                 "#num!", "\\n", "(blank)", "(empty)", "(null)", "<null>", "<na>", "undefined", "nil", "nat"}
#: A review column's name and a colon before the text (``Text: awful``, ``Review text: ...``, ``Review 2: ...``), from a
#: key-value export.
FIELD_NAME_PREFIX = re.compile(r"\s*((?:(?:review[ _]?)?(?:text|body)|review|content)(?:\s*#?\d+)?)\s*:\s*\S", re.IGNORECASE)
#: What a review page shows around a review, copied with it: vote counts, buttons, the date line, the badges.
PAGE_BOILERPLATE = re.compile(r"\b(?:\d[\d,]*|one) (?:people|person) found this helpful\b|\bReport abuse\b|\bWas this "
                              r"review helpful(?: to you)?\?|\bHelpful\s+(?:Report|Comment)\b|\bVerified Purchase\b"
                              r"|\bReviewed in (?:the )?[A-Z][\w ]{1,40}? on [A-Z][a-z]+ \d{1,2}, \d{4}|\bTop (?:positive|critical) "
                              r"review\b", re.IGNORECASE)
#: An e-mail's sign-off: the signature line ``-- `` or a closing (``Best regards``, ``Thanks,``) on a line of its own near
#: the end, perhaps followed by a name.
SIGN_OFF = re.compile(r"\n-- ?\n(?P<signature>[^\n]{0,60})|\n[ \t]*(?P<closing>(?:(?:best|kind|warm|many|with)[ \t]+)?"
                      r"(?:regards|wishes|thanks|thank you|cheers|sincerely|best|yours(?: truly| sincerely)?)[ \t]*[,!.]?"
                      r"[ \t]*(?-i:[A-Z][\w.'-]*(?:[ \t]+[A-Z][\w.'-]*){0,2})?(?:\n[^\n]{0,40}){0,3})\s*$", re.IGNORECASE)
#: Letters struck through by combining strokes, or text crossed out by HTML, BBCode, Markdown (``~~``) or a chat app
#: (``~great~``; not ``~5 oz``).
CROSSED_OUT = re.compile(r"[\u0334-\u0338]|<(?:s|del|strike)\b[^<>]*>|\[s\]|~~[^~\s]"
                         r"|(?<![~\w])~[^~\s][^~\n]{0,200}?(?<!\s)~(?![~\w])", re.IGNORECASE)
#: A digit standing for a letter inside a word (``n0t``, ``g00d``, ``aw3s0me``): tokens with a digit are dropped.
DIGIT_FOR_LETTER = re.compile(r"\b[A-Za-z]*[A-Za-z][0134578]+[A-Za-z][A-Za-z0134578]*\b")
LEET = str.maketrans("0134578", "oleastb")


def text_warnings(text):
    """What ``predict`` says about one review whose words cleaning may not read as a person does.

    Args:
        text (str): raw review text.

    Returns:
        list[str]: messages, each to follow "warning: <source> "; empty when there is nothing to say.
    """
    messages = []
    for negation in dict.fromkeys(mistyped_negations(text)):
        stem = negation.removesuffix("'t")
        messages.append(f"has a mistyped {negation} (its apostrophe missing, moved or replaced: {stem}t, {stem}.t, "
                        f"{stem[:-1]}'nt); the text cleaning does not read it as \"not\", so the model may miss the "
                        f"negation and the verdict may be wrong. Write {negation}.")
    for written, read, seen in invisible_word_breaks(text):
        messages.append(f"has an invisible character in {written!r}: cleaning reads {read!r}, a reader sees {seen!r}. If "
                        "that is one word, or two, remove the character or write a space.")
    for written, word in spelled_out_words(text):
        messages.append(f"spells {word!r} letter by letter ({written!r}); the model reads single letters, not the word. "
                        f"Write {word!r}.")
    for written in dict.fromkeys(DIGIT_FOR_LETTER.findall(decoded_text(text))):  # not "\\u0041wful", "&#x3C;"
        messages.append(f"writes {written!r} with digits for letters; cleaning drops every word holding a digit, so the "
                        f"model does not read it. Write {written.lower().translate(LEET)!r}.")
    garbled = garbled_words(text)
    if garbled:
        shown = ", ".join(f"{old} for {new}" for old, new in garbled)
        messages.append(f"looks garbled by a wrong text encoding ({shown}); cleaning reads the garbled letters as "
                        "written, so those words are unknown to the model. Save the text as UTF-8 again, or repair it "
                        "(.venv/bin/ftfy FILE prints the repaired text).")
    if CROSSED_OUT.search(text):
        messages.append("holds struck-through letters (a combining stroke, as in g\u0336o\u0336o\u0336d\u0336) or text "
                        "crossed out by markup (<s>, <del>, <strike>, [s], ~~...~~, a chat's ~...~); cleaning reads them as plain words, "
                        "not as words crossed out.")
    if re.search("[\u202d\u202e]", text):
        messages.append("holds a left-to-right or right-to-left override (U+202D, U+202E), so it is shown in another "
                        "order than the model reads it. Remove the override and write the text in reading order.")
    for written, read in lost_characters(text):
        messages.append(f"holds U+FFFD, the mark of a lost character (an escape of no character, such as &#xD800;, or bytes "
                        f"that were not UTF-8), in {written!r}: cleaning reads {read!r}. Repair the text at its source.")
    page = PAGE_BOILERPLATE.search(text)
    if page:
        messages.append(f"holds {page.group(0)!r}, copied from a review page with the review; the model reads it as words "
                        "of the review (it moves verdicts). Drop it.")
    sign_off = SIGN_OFF.search(text)
    if sign_off:
        shown = (sign_off.group("closing") or f"-- {sign_off.group('signature')}").strip().replace("\n", " ")[:40]
        messages.append(f"ends with an e-mail's sign-off ({shown!r}); the model reads it as words of the review (it "
                        "moves verdicts). Drop it.")
    for written in dict.fromkeys(re.findall(r"[A-Za-z]+-\r?\n[a-z]+", text)):
        messages.append(f"holds {written!r}, hyphenated across a line break, which cleaning reads as two words; if it "
                        "is one word, join it.")
    field = FIELD_NAME_PREFIX.match(text)
    if field:
        messages.append(f"begins with {field.group(1)!r} and a colon, as an export writes a field's name before its "
                        "value; the model reads that name as words of the review. Drop it, if it is not part of the "
                        "review.")
    if text.strip().lower() in MISSING_MARKS:
        messages.append(f"is only {text.strip()!r}, which spreadsheets and databases write for a missing value: its verdict means "
                        "nothing. Leave such rows out.")
    for escape in dict.fromkeys(re.findall(r"(?<!\\)\\[nrt](?=[a-z])", LINE_ESCAPE.sub(" ", text))):
        messages.append(f"holds {escape} written out (as an export writes a line break or tab) before a lower-case "
                        f"letter; cleaning reads it as part of the next word. Replace it with a space.")
    breaks = sorted({f"U+{ord(c):04X}" for c in text if c in OTHER_LINE_BREAKS})
    if breaks:
        messages.append(f"holds {', '.join(breaks)}, which ends a line elsewhere but not here (only a newline ends a "
                        "review): the text around it is scored as one review.")
    return messages


def run_predict(args):
    """Carry out ``python -m afrlib predict`` (options: :func:`afrlib.__main__.add_predict_arguments`).

    Each result names its source: ``argument N``, the CSV's ``Id`` (else ``row N``) or ``line N``, after the
    file's name when several files are given.
    """
    if "-" in args.texts:
        raise AfrError("'-' was given as a review text; to read reviews from standard input, write --file -.")
    if (args.file or []).count("-") > 1:
        raise AfrError("--file - is given more than once; standard input can be read once.")
    named = [str(Path(file).resolve()) for file in args.file or [] if file != "-"]
    if len(set(named)) < len(named):
        raise AfrError("--file names the same file more than once; its results could not be told apart. Give it once.")
    for number, text in enumerate(args.texts, start=1):
        if re.search("[\udc80-\udcff]", text):  # bytes that are not UTF-8, kept by Python as surrogates
            raise AfrError(f"argument {number} is not UTF-8 text (a byte such as 0x92, from a Windows or Latin-1 file), "
                           "so some characters would be lost. Convert it to UTF-8 (iconv -f cp1252 -t utf-8), or give "
                           "the file with --file to have it checked.")
        name_like = len(text.split()) <= 3 and "\n" not in text and re.search(
            r"\.(csv|txt|tsv|json|jsonl|gz)$", text.strip(), re.IGNORECASE)
        if name_like or _is_file(text):
            raise AfrError(f"argument {number} ({text!r}) looks like a file name, not a review; to score a file's "
                           f"reviews, write --file {text!r} (review texts go before --file).")
    reviews = [(f"argument {number}", text) for number, text in enumerate(args.texts, start=1)]
    files = args.file or []
    for file in files:
        from_file = read_review_file(file)
        name = "standard input" if file == "-" else file
        if not from_file:
            raise AfrError(f"Nothing to score: {name} holds no review (it is empty, or only a header or blank lines).")
        reviews += [(f"{name} {source}" if len(files) > 1 else source, text) for source, text in from_file]
    if not reviews:
        raise AfrError("Nothing to score: give review texts as arguments or --file.")
    sources, texts = zip(*reviews)

    def project_root():
        from afrlib import paths

        try:
            return paths.project_root()
        except FileNotFoundError as exc:
            raise AfrError(f"--model {args.model}: the saved models are looked for in the models/ folder of the "
                           f"afr-lstm clone that holds the current folder, and {Path.cwd()} is in none. cd into the "
                           "clone first (file paths may be absolute), or give the model folder itself, e.g. --model "
                           "/path/to/afr-lstm/models/lstm_1_layer.") from exc

    if args.model == "best":
        directory = best_model_directory(project_root())
        print(f"--model best: {directory} (validation ROC-AUC "
              f"{read_evaluation(directory)['validation_roc_auc']:.4f})", file=sys.stderr)
    else:
        if args.model in {"1", "2", "3"}:  # the clone's models/, wherever the command runs
            directory = project_root() / f"models/lstm_{args.model}_layer"
        else:
            directory = args.model
        if Path(directory).is_file():
            raise AfrError(f"--model {args.model!r} is a file; give the folder that holds model.keras and "
                           "preprocessing.json (models/lstm_<depth>_layer).")
        if args.model not in {"1", "2", "3"} and not Path(directory).is_dir():
            raise AfrError(f"--model {args.model!r}: no such folder. Give 1, 2 or 3 (the depth), best, or the folder of "
                           "a saved model (models/lstm_<depth>_layer).")
    from afrlib.noise import filtered_native_stderr

    with filtered_native_stderr():  # TensorFlow's C++ start-up notices would bury the answer
        bundle = load_bundle(directory)
        result = predict_texts(list(texts), bundle)
        if args.explain:
            from afrlib.explain import explain_texts, top_words

            tops = [top_words(explanation, 5) for explanation in explain_texts(list(texts), bundle)]
    for source, known in zip(sources, result["known_tokens"]):
        if known > bundle.maxlen:
            print(f"warning: {source} has {known} known tokens; the model reads its last {bundle.maxlen} (maxlen), as "
                  f"in training, so the first {known - bundle.maxlen} do not count.", file=sys.stderr)
    for source, text in zip(sources, texts):
        for message in text_warnings(text):
            print(f"warning: {source} {message}", file=sys.stderr)
    for problem in quality_warnings(bundle.evaluation):
        advice = " Try --model best." if args.model in {"1", "2", "3"} else ""  # not after a folder of its own
        print(f"warning: the model in {directory}: {problem}.{advice}", file=sys.stderr)
    tokens = [text.split() for text in clean_texts(texts)] if args.tokens else []
    if args.json:  # keys named after the table's columns
        for index, (source, row) in enumerate(zip(sources, result.itertuples())):
            probability = None if np.isnan(row.probability) else round(float(row.probability), 6)
            line = {"source": source, "polarity": row.polarity, "p_positive": probability,
                    "known_tokens": int(row.known_tokens), "review": row.text}
            if args.explain:
                line["top_words"] = [{"word": word, "contribution": round(value, 4)} for word, value in tops[index]]
            if args.tokens:
                line["tokens"] = tokens[index]
                line["unknown_tokens"] = [token for token in tokens[index] if token not in bundle.vocabulary]
            text = json.dumps(line, ensure_ascii=False)  # escape the line breaks that str.splitlines also splits at:
            print(text.translate({0x2028: "\\u2028", 0x2029: "\\u2029", 0x85: "\\u0085"}))  # one record a line
        return
    from prettytable import PrettyTable

    columns = ["Source", "Polarity", "P(positive)", "Known tokens", "Review"]
    table = PrettyTable(columns + (["Top words (contribution to P(positive))"] if args.explain else [])
                        + (["Tokens ([unknown])"] if args.tokens else []), align="l")
    for index, (source, row) in enumerate(zip(sources, result.itertuples())):
        flat = "".join(" " if unicodedata.category(c)[0] in "CZ" and c != " " else c for c in row.text)  # no \r, \t ...
        shown = flat if len(flat) <= 60 else flat[:57] + "..."
        cells = [source, row.polarity, "" if np.isnan(row.probability) else f"{row.probability:.4f}",
                 row.known_tokens, shown]
        if args.explain:
            cells.append(", ".join(f"{word} {value:+.3f}" for word, value in tops[index]))
        if args.tokens:
            read = " ".join(token if token in bundle.vocabulary else f"[{token}]" for token in tokens[index])
            cells.append(read if len(read) <= 100 else read[:97] + "...")  # --json gives them all
        table.add_row(cells)
    print(table)
    sys.stdout.flush()
