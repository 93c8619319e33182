"""Loading Kaggle files, and the one-paragraph errors for bad input."""

import gzip
import sqlite3

import pandas as pd
import pytest

from afrlib.data import COLUMNS, csv_problem, load_reviews, read_csv_strict
from afrlib.errors import DataError


@pytest.mark.parametrize("fixture", ["reviews_csv", "reviews_csv_gz", "reviews_sqlite"])
def test_each_kaggle_format_loads_with_the_exact_schema(fixture, request, reviews_frame):
    frame = load_reviews(request.getfixturevalue(fixture))
    assert list(frame.columns) == COLUMNS
    assert len(frame) == len(reviews_frame)
    assert frame["Score"].dtype == "int64" and frame["Time"].dtype == "int64"
    assert frame.loc[frame["Id"] == 16, "ProfileName"].item() == ""  # empty, not NaN
    assert frame.loc[frame["Id"] == 7, "Text"].item() == reviews_frame.loc[6, "Text"]


def test_the_real_sample_loads(shared_sample):
    frame = load_reviews(shared_sample)
    assert len(frame) == 20_250  # PROVENANCE.md: rows in this file
    assert frame["Score"].value_counts().to_dict() == {5: 13_416, 4: 2_518, 1: 1_866, 3: 1_437, 2: 1_013}


def expect_error(path, *fragments):
    with pytest.raises(DataError) as caught:
        load_reviews(path)
    message = str(caught.value)
    for fragment in (str(path), *fragments):
        assert fragment in message, message
    return message


def test_missing_sqlite_is_reported_and_not_created(tmp_path):
    path = tmp_path / "database.sqlite"
    expect_error(path, "does not exist")
    assert not path.exists()


def test_missing_directory_and_unknown_extension(tmp_path):
    expect_error(tmp_path / "Reviews.csv", "does not exist")
    folder = tmp_path / "Reviews.csv"
    folder.mkdir()
    expect_error(folder, "is a directory")
    other = tmp_path / "Reviews.xlsx"
    other.write_text("x")
    expect_error(other, "unknown file type")


def test_empty_file_and_header_only(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    expect_error(empty, "empty")
    header = tmp_path / "header.csv"
    header.write_text(",".join(COLUMNS) + "\n")
    expect_error(header, "no review rows")


def test_missing_column_is_named(tmp_path, reviews_frame):
    path = tmp_path / "Reviews.csv"
    reviews_frame.drop(columns=["Time"]).to_csv(path, index=False)
    expect_error(path, "missing column(s) ['Time']")


def test_sqlite_without_reviews_table(tmp_path):
    path = tmp_path / "database.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE Other (x INTEGER)")
    expect_error(path, "no table 'Reviews'", "Other")


def test_a_lower_case_reviews_table_is_read(tmp_path, reviews_frame):
    path = tmp_path / "database.sqlite"
    with sqlite3.connect(path) as connection:  # SQLite's names ignore case: FROM Reviews reads it
        reviews_frame.to_sql("reviews", connection, index=False)
    assert load_reviews(path)["Text"].tolist() == reviews_frame["Text"].tolist()


def test_a_csv_split_by_semicolons_is_named(tmp_path, reviews_frame):
    path = tmp_path / "Reviews.csv"
    reviews_frame.to_csv(path, index=False, sep=";")
    expect_error(path, "split by ';', not commas")


def test_not_a_sqlite_file(tmp_path):
    path = tmp_path / "database.sqlite"
    path.write_text("this is not a database " * 100)
    expect_error(path, "not a readable SQLite database")


def test_non_utf8_bytes(tmp_path, reviews_frame):
    path = tmp_path / "Reviews.csv"
    reviews_frame.assign(Text=reviews_frame["Text"].str.replace("Great", "Gr\u00e9at")).to_csv(
        path, index=False, encoding="latin-1")
    expect_error(path, "not valid UTF-8")


def test_truncated_gzip(tmp_path, reviews_csv_gz):
    data = reviews_csv_gz.read_bytes()
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(data[: len(data) // 2])
    expect_error(cut, "gzip")


def test_broken_quote(tmp_path, reviews_frame):
    path = tmp_path / "Reviews.csv"
    reviews_frame.to_csv(path, index=False)
    lines = path.read_text().splitlines()
    lines[3] = lines[3].replace(",Great", ',"Great', 1) if ",Great" in lines[3] else lines[3] + ',"open'
    path.write_text("\n".join(lines) + "\n")
    expect_error(path, "line 4: ',' expected after")


@pytest.mark.parametrize("column, value, fragment", [
    ("Score", 7, "Score must be 1 to 5"),
    ("Score", "five", "column Score must hold whole numbers"),
    ("Score", 4.5, "column Score must hold whole numbers"),
    ("Time", "yesterday", "column Time must hold whole numbers"),
])
def test_bad_values_name_column_and_row(tmp_path, reviews_frame, column, value, fragment):
    frame = reviews_frame.astype({column: object})
    frame.loc[4, column] = value
    path = tmp_path / "Reviews.csv"
    frame.to_csv(path, index=False)
    expect_error(path, fragment, "data row 5 (Id 5)")


def test_missing_text_names_the_row(tmp_path, reviews_frame):
    frame = reviews_frame.copy()
    frame.loc[2, "Text"] = ""
    path = tmp_path / "Reviews.csv"
    frame.to_csv(path, index=False)
    expect_error(path, "column Text is empty or missing in data row 3 (Id 3)")


def test_file_sha256_changes_with_content(tmp_path):
    from afrlib.data import file_sha256

    a, b = tmp_path / "a", tmp_path / "b"
    a.write_bytes(b"one")
    b.write_bytes(b"two")
    assert file_sha256(a) != file_sha256(b)
    assert file_sha256(a) == "7692c3ad3540bb803c020b3aee66cd8887123234ea0c6e7143c0add73ff431ed"


@pytest.mark.parametrize("column, value, fragment", [
    ("Score", "inf", "column Score must hold whole numbers"),
    ("Time", "1e30", "column Time must hold whole numbers"),
    ("Id", "100000000000000000000", "column Id must hold whole numbers"),
    ("Time", "1303862400000", "Time must be Unix seconds"),
    ("Time", "0", "0 is an empty date"), ("Time", "1", "Time must be Unix seconds from 1995-07-16"),
    ("Time", "4102444800", "to now"),  # 2100
    ("HelpfulnessNumerator", "-1", "HelpfulnessNumerator (helpful votes) must be >= 0"),
])
def test_values_out_of_range_are_refused_not_wrapped(tmp_path, reviews_frame, column, value, fragment):
    frame = reviews_frame.astype({column: object})
    frame.loc[7, column] = value
    path = tmp_path / "Reviews.csv"
    frame.to_csv(path, index=False)
    expect_error(path, fragment, "data row 8")


def test_non_utf8_names_the_line(tmp_path, reviews_frame):
    path = tmp_path / "Reviews.csv"
    reviews_frame.assign(Text=reviews_frame["Text"].mask(reviews_frame["Id"] == 11, "Tr\u00e8s bon caf\u00e9")).to_csv(
        path, index=False, encoding="latin-1")
    expect_error(path, "line 12 is not valid UTF-8")  # header is line 1, Id 11 is data row 11


def test_trailing_commas_load_and_extra_fields_are_refused(tmp_path, reviews_frame):
    path = tmp_path / "Reviews.csv"
    text = reviews_frame.to_csv(index=False, header=False, lineterminator=",\n")
    path.write_text(",".join(COLUMNS) + "\n" + text)  # every data row ends with a comma
    assert load_reviews(path)["Id"].tolist() == reviews_frame["Id"].tolist()
    lines = reviews_frame.to_csv(index=False).splitlines()
    lines[1] = lines[1].replace(",s,", ",s, unquoted,")  # an unquoted comma: 11 fields in data row 1
    path.write_text("\n".join(lines) + "\n")
    expect_error(path, "line 2 has 11 field(s) where the header has 10")
    for separator in ("\x0c", "\x85", "\u2028"):  # rows joined by a line break that a CSV does not take
        path.write_text("Id,Text\n1,awful" + separator + "2,great\n")
        expect_error(path, f"line 2 has 3 field(s) where the header has 2, and holds U+{ord(separator):04X}")
        path.write_text('Id,Text\n1,"awful"' + separator + '2,"great"\n')  # after a closing quote
        expect_error(path, f"line 2: ',' expected after '\"', and the line holds U+{ord(separator):04X}")


def test_sqlite_binary_text(tmp_path, reviews_frame):
    frame = reviews_frame.astype(object)
    frame.loc[5, "Text"] = b"\xff\xfe"
    path = tmp_path / "database.sqlite"
    with sqlite3.connect(path) as connection:
        frame.to_sql("Reviews", connection, index=False)
    expect_error(path, "Text")


def kaggle_lines(texts):
    header = ",".join(COLUMNS)
    return [header] + [f"{i},B00000000{i},AU{i},name {i},0,0,5,{1_300_000_000 + i},s,{text}"
                       for i, text in enumerate(texts, start=1)]


@pytest.mark.parametrize("texts, first_bad, span", [
    # a quote opens the Text of data line 2 (file line 3) and only a quote on line 5 closes it
    (["Great tea", '"Arrived stale', "Would not buy again", "Fresh", 'Tasty" indeed', "Good"], 3, 4),
    (['"Weak coffee', "Bitter", 'Cheap" stuff', "Lovely", "Sweet", "Fine"], 2, 3),
])
def test_a_stray_quote_that_merges_rows_is_refused(tmp_path, texts, first_bad, span):
    import pandas as pd

    path = tmp_path / "Reviews.csv"
    path.write_text("\n".join(kaggle_lines(texts)) + "\n")
    assert len(pd.read_csv(path)) < len(texts)  # what the parser alone does: fewer rows, no error
    with pytest.raises(DataError, match=rf"line {first_bad}: ',' expected after '\"'"):
        load_reviews(path)


def test_merged_rows_found_however_the_quote_closes(tmp_path):
    # the quote opened on file line 3 closes right at the end of line 5: valid CSV, one record over 3 lines
    path = tmp_path / "Reviews.csv"
    lines = kaggle_lines(["fine", '"Arrived stale', "Would not buy again", 'ok"', "Good"])
    path.write_text("\n".join(lines) + "\n")
    assert len(pd.read_csv(path)) == 3  # what the parser alone does: 5 data lines, 3 rows, no error
    with pytest.raises(DataError, match="line 3: this row runs over 3 lines of the file"):
        load_reviews(path)


@pytest.mark.parametrize("header", ["Text,Text", "Id,Text,Text", "Text,Id, Text"])
def test_a_header_naming_a_column_twice_is_refused(tmp_path, header):
    # pandas renames the second Text to Text.1 and reads the first, without a word
    path = tmp_path / "Reviews.csv"
    path.write_text(header + "\n" + ",".join(["1", "good", "bad"][:header.count(",") + 1]) + "\n")
    assert "Text" in pd.read_csv(path).columns
    with pytest.raises(DataError, match="line 1: the header names the column\\(s\\) 'Text' more than once"):
        read_csv_strict(path)


def test_a_training_file_with_two_text_columns_is_refused(tmp_path):
    path = tmp_path / "Reviews.csv"
    lines = kaggle_lines(["Great tea", "Arrived stale"])
    path.write_text("\n".join([lines[0] + ",Text"] + [line + ",placeholder" for line in lines[1:]]) + "\n")
    with pytest.raises(DataError, match="'Text' more than once"):
        load_reviews(path)


def test_a_quoted_empty_row_is_a_row_and_a_blank_line_is_not(tmp_path):
    path = tmp_path / "reviews.csv"
    path.write_text('Text\ngood\n""\n\n   \nbad\n')
    problem, rows = csv_problem(path)
    assert problem is None and rows == 3
    assert len(read_csv_strict(path, dtype=str, keep_default_na=False)) == 3


def test_a_lone_carriage_return_and_an_unclosed_quote_are_named_by_their_line(tmp_path):
    lines = kaggle_lines(["Great tea", "Arrived stale\rWould not buy again", "Fresh"])
    path = tmp_path / "Reviews.csv"
    path.write_bytes("\n".join(lines).encode() + b"\n")
    with pytest.raises(DataError, match="line 3 holds a carriage return"):
        load_reviews(path)
    wrapped = kaggle_lines(["Great tea", "Arrived stale"]) + ["but the price is awful", kaggle_lines(["Fresh"])[1]]
    path.write_text("\n".join(wrapped) + "\n")
    with pytest.raises(DataError, match="line 4 has 1 field"):
        load_reviews(path)
    blank_first = kaggle_lines(["Great tea"]) + ["", "", kaggle_lines(["x", '"Arrived stale'])[2], "more"]
    path.write_text("\n".join(blank_first) + "\n")
    with pytest.raises(DataError, match="line 5: "):
        load_reviews(path)
    path.write_bytes("\r\n".join(lines[:2] + lines[3:]).encode() + b"\r\n")  # Windows line endings are fine
    assert len(load_reviews(path)) == 2
    unclosed = kaggle_lines(["Great tea", "Fresh", "Good", '"Arrived stale'])
    path.write_text("\n".join(unclosed) + "\n")
    with pytest.raises(DataError, match="line 5: unexpected end of data"):
        load_reviews(path)


def test_a_plain_csv_named_gz_is_told_to_drop_the_gz(tmp_path):
    path = tmp_path / "Reviews.csv.gz"
    path.write_text("\n".join(kaggle_lines(["Great tea"])) + "\n")
    with pytest.raises(DataError, match="is not gzip-compressed although its name ends in .gz: name it .csv"):
        load_reviews(path)


def test_tenth_round_of_training_files(tmp_path, reviews_frame):
    path = tmp_path / "Reviews.csv"
    for column, value in (("Time", "1.304e+09"), ("Id", "1e3"), ("HelpfulnessNumerator", "True")):
        frame = reviews_frame.astype({column: object})
        frame.loc[0, column] = value
        frame.to_csv(path, index=False)
        expect_error(path, f"column {column} must hold whole numbers written with digits")
    frame = reviews_frame.astype({"HelpfulnessNumerator": object})
    frame.loc[2, "HelpfulnessNumerator"] = ""  # an empty cell is named as such
    frame.to_csv(path, index=False)
    expect_error(path, "column HelpfulnessNumerator is empty in")
    frame = reviews_frame.astype({"Score": object})
    frame.loc[0, "Score"] = "5.0"  # a spreadsheet's float column is still a whole number
    frame.to_csv(path, index=False)
    assert load_reviews(path)["Score"].iloc[0] == 5
    path.write_text(reviews_frame.to_csv(index=False).replace(",", ", ", len(reviews_frame.columns) - 1))
    assert len(load_reviews(path)) == len(reviews_frame)  # "Id, ProductId, ..." is Kaggle's header
    path.write_bytes(reviews_frame.to_csv(index=False).replace("\n", "\r").encode())
    expect_error(path, "old Mac line ending")
    path.write_text(reviews_frame.to_csv(index=False, header=False))
    expect_error(path, "line 1 holds no column names")
    path.write_text(reviews_frame.to_csv(index=False).replace("Text\n", "Text,,\n", 1))
    expect_error(path, "unnamed (empty) columns")


@pytest.mark.parametrize("before, fragment", [
    ("sep=,\n", "'sep=' line, not the header"), ("# exported from Excel\n", "is a comment"),
])
def test_a_line_before_the_header_is_named(tmp_path, reviews_frame, before, fragment):
    path = tmp_path / "Reviews.csv"
    path.write_text(before + reviews_frame.to_csv(index=False))
    expect_error(path, fragment)


def test_a_quoted_header_and_a_repeated_header_are_named(tmp_path, reviews_frame):
    path = tmp_path / "Reviews.csv"
    path.write_text('"' + ",".join(reviews_frame.columns) + '"\n' + reviews_frame.to_csv(index=False, header=False))
    expect_error(path, "the whole header as one quoted field")
    path.write_text(reviews_frame.to_csv(index=False) + reviews_frame.to_csv(index=False))  # cat a.csv b.csv
    expect_error(path, f"data row {len(reviews_frame) + 1} (Id Id) repeats the header")
    again = reviews_frame.to_csv(index=False, header=False)
    path.write_text(reviews_frame.to_csv(index=False) + "\ufeff" + ",".join(reviews_frame.columns).lower() + "\n" + again)
    expect_error(path, f"data row {len(reviews_frame) + 1} (Id \ufeffid) repeats the header")  # a BOM, lower case


def test_a_utf16_training_file_is_named(tmp_path, reviews_frame):
    path = tmp_path / "Reviews.csv"
    path.write_bytes(reviews_frame.to_csv(index=False).encode("utf-16-le"))
    expect_error(path, "looks like UTF-16")


def test_a_review_longer_than_the_csv_modules_field_limit_loads(tmp_path, reviews_frame):
    frame = reviews_frame.copy()
    frame.loc[3, "Text"] = "terrible coffee " * 12_500  # 200,000 characters, unquoted
    frame.to_csv(tmp_path / "Reviews.csv", index=False)
    assert len(load_reviews(tmp_path / "Reviews.csv").loc[3, "Text"]) == 200_000


def test_a_file_compressed_twice_is_named_so(tmp_path, reviews_frame):
    import gzip

    path = tmp_path / "Reviews.csv.gz"
    path.write_bytes(gzip.compress(gzip.compress(reviews_frame.to_csv(index=False).encode())))
    expect_error(path, "is compressed twice (gzip inside gzip)")
