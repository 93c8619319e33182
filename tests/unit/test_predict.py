"""Saved models round trip; predict uses the training-time preprocessing; edge cases are flagged."""

import argparse
import json

import numpy as np
import pytest

from afrlib import models, predict, prepare, training
from afrlib.__main__ import main
from afrlib.errors import AfrError

from conftest import many_reviews


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    reviews = many_reviews(200, seed=3)
    data = prepare.prepare(reviews, maxlen=12, log=lambda line: None)
    training.set_seed(1)
    model = models.build_lstm_model(1, data.input_dim, maxlen=12, embedding_dim=8)
    training.train_model(model, data.x_train, data.y_train, epochs=1, batch_size=32, verbose=0)
    _, probability = training.evaluate_model(model, data.x_test, data.y_test, batch_size=32)
    directory = predict.save_bundle(model, data.vocabulary, 12, tmp_path_factory.mktemp("m") / "lstm_1_layer")
    raw = reviews.set_index("Id").loc[data.ids_test, "Text"].tolist()
    return data, probability, directory, raw


def test_bundle_round_trip_gives_the_evaluation_probabilities(trained):
    data, probability, directory, raw_test_texts = trained
    bundle = predict.load_bundle(directory)
    assert bundle.vocabulary == data.vocabulary and bundle.maxlen == 12
    result = predict.predict_texts(raw_test_texts, bundle)
    np.testing.assert_allclose(result["probability"], probability, rtol=1e-5, atol=1e-6)
    assert (result["known_tokens"] > 0).all()
    chunked = predict.predict_texts([""] + raw_test_texts, bundle, batch_size=7)  # several batches, rows kept in order
    np.testing.assert_allclose(chunked["probability"][1:], probability, rtol=1e-5, atol=1e-6)
    with pytest.raises(AfrError, match="batch_size"):
        predict.predict_texts(raw_test_texts, bundle, batch_size=0)


def test_model_folder_follows_the_umask(trained):
    import os
    import stat

    directory = trained[2]
    expected_dir = 0o777 & ~predict.current_umask()
    assert stat.S_IMODE(directory.stat().st_mode) == expected_dir
    for path in directory.iterdir():
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (expected_dir if path.is_dir() else 0o666 & ~predict.current_umask()), (path, oct(mode))


def test_no_known_words_is_flagged_not_guessed(trained):
    bundle = predict.load_bundle(trained[2])
    result = predict.predict_texts(["", "the and of it", "Ceci n'est pas une pipe zzzq"], bundle)
    assert (result["polarity"] == predict.NO_KNOWN_WORDS).all()
    assert result["probability"].isna().all() and (result["known_tokens"] == 0).all()


def test_cli_table_json_and_file(trained, tmp_path, capsys):
    directory = str(trained[2])
    assert main(["predict", "--model", directory, "Great coffee, love it", ""]) == 0
    table = capsys.readouterr().out
    assert "Polarity" in table and predict.NO_KNOWN_WORDS in table
    reviews = tmp_path / "reviews.csv"
    reviews.write_text("Id,Text\nB7,Terrible stale chips\n12,Délicieux snack ☕\n")
    assert main(["predict", "--model", directory, "--file", str(reviews), "--json"]) == 0
    out = capsys.readouterr().out
    assert "Délicieux snack ☕" in out  # JSON keeps non-ASCII text readable
    rows = [json.loads(line) for line in out.splitlines()]
    assert [row["review"] for row in rows] == ["Terrible stale chips", "Délicieux snack ☕"]
    assert [row["source"] for row in rows] == ["B7", "12"]
    assert all(set(row) == {"source", "polarity", "p_positive", "known_tokens", "review"} for row in rows)
    assert all(0 <= row["p_positive"] <= 1 and row["polarity"] in {"positive", "negative"} for row in rows)
    no_id = tmp_path / "no_id.csv"
    no_id.write_text("Text\nfirst\nsecond\n")
    assert [source for source, _ in predict.read_review_file(no_id)] == ["row 1", "row 2"]
    lines = tmp_path / "reviews.txt"
    lines.write_text("one review\n\nanother review\n")
    assert predict.read_review_file(lines) == [("line 1", "one review"), ("line 3", "another review")]


def test_only_newlines_end_a_review(tmp_path):
    path = tmp_path / "reviews.txt"
    separators = ["\u2028", "\u2029", "\x0c", "\x85", "\x0b", "\x1c"]  # a lone \\r is refused (see below)
    reviews = [f"Arrived stale.{separator}Would not buy again." for separator in separators]
    path.write_bytes(("\r\n".join(reviews[:3]) + "\n" + "\n".join(reviews[3:]) + "\r\n").encode("utf-8"))
    assert [text for _, text in predict.read_review_file(path)] == reviews


def test_predict_reads_standard_input(trained, monkeypatch, capsys):
    import io

    stdin = io.TextIOWrapper(io.BytesIO("Terrible stale chips\nDelicious snack\n".encode("utf-8")))
    monkeypatch.setattr("sys.stdin", stdin)
    assert main(["predict", "--model", str(trained[2]), "--file", "-", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(row["source"], row["review"]) for row in rows] == [("line 1", "Terrible stale chips"),
                                                                ("line 2", "Delicious snack")]


def test_cli_errors_are_one_line(tmp_path, capsys):
    assert main(["predict", "--model", str(tmp_path / "none"), "text"]) == 1
    assert "no such folder" in capsys.readouterr().err
    assert main(["predict", "--model", str(tmp_path), "text"]) == 1  # a folder without a model
    assert "No saved model" in capsys.readouterr().err
    assert main(["predict", "--model", str(tmp_path)]) == 1
    assert "Nothing to score" in capsys.readouterr().err


def test_other_cleaning_version_is_refused(trained, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(trained[2], copy)
    meta = json.loads((copy / "preprocessing.json").read_text())
    meta["cleaning_version"] = 0
    (copy / "preprocessing.json").write_text(json.dumps(meta))
    with pytest.raises(AfrError, match="cleaning version"):
        predict.load_bundle(copy)


@pytest.mark.parametrize("content, fragment", [
    ('Id,Text\n1,"unclosed\n', "line 2: unexpected end of data"),
    ('Id,Text\n1,"Great"coffee\n', "line 2: ',' expected after"),
    ("Id,Text\n1,This coffee is great\nbut the price is awful\n2,fine\n", "line 3 has 1 field"),
    ("Id,Text\n1,tasty, would buy\n2,awful\n", "line 2 has 3 field.s. where the header has 2"),
    ("", "no header"),
])
def test_bad_review_files_get_one_clear_error(tmp_path, content, fragment):
    path = tmp_path / "reviews.csv"
    path.write_text(content)
    with pytest.raises(AfrError, match=fragment) as caught:
        predict.read_review_file(path)
    assert "predict file" in str(caught.value) and "Kaggle" not in str(caught.value)
    latin = tmp_path / "reviews.txt"
    latin.write_bytes("tr\u00e8s bon".encode("latin-1"))
    with pytest.raises(AfrError, match="not UTF-8"):
        predict.read_review_file(latin)
    latin_csv = tmp_path / "latin.csv"
    latin_csv.write_bytes("Text\ntr\u00e8s bon\n".encode("latin-1"))
    with pytest.raises(AfrError, match="not valid UTF-8") as caught:
        predict.read_review_file(latin_csv)
    assert "predict file" in str(caught.value) and "Kaggle" not in str(caught.value)
    with pytest.raises(AfrError, match="is a directory"):
        predict.read_review_file(tmp_path)


def test_a_folder_of_files_from_different_runs_is_refused(trained, tmp_path, capsys):
    import shutil

    def copy(name, **changes):
        folder = shutil.copytree(trained[2], tmp_path / name / "lstm_1_layer")
        preprocessing = json.loads((folder / "preprocessing.json").read_text())
        (folder / "preprocessing.json").write_text(json.dumps({**preprocessing, **changes}))
        return folder

    with pytest.raises(AfrError, match="gives maxlen 500, but the model reads sequences of 12"):
        predict.load_bundle(copy("a", maxlen=500))
    vocabulary = {**json.loads((trained[2] / "preprocessing.json").read_text())["vocabulary"], "zzzawful": 999_999}
    with pytest.raises(AfrError, match="holds index 999,999, but the model's embedding takes indices below"):
        predict.load_bundle(copy("b", vocabulary=vocabulary))
    renamed = shutil.copytree(trained[2], tmp_path / "c" / "lstm_3_layer")  # a depth-1 model under depth 3's name
    with pytest.raises(AfrError, match="named for depth 3, but its model.keras has 1 LSTM layer"):
        predict.load_bundle(renamed)
    for above in (tmp_path / "a", tmp_path):  # the folder above a model's, or two above (models/sweep)
        assert main(["predict", "--model", str(above), "great"]) == 1
        assert "is not a saved-model folder but holds some" in capsys.readouterr().err
    with pytest.raises(AfrError, match="cleaning version '3', this afrlib"):  # text, not the number 3
        predict.load_bundle(copy("d", cleaning_version="3"))
    unversioned = copy("e")
    preprocessing = json.loads((unversioned / "preprocessing.json").read_text())
    del preprocessing["cleaning_version"]
    (unversioned / "preprocessing.json").write_text(json.dumps(preprocessing))
    with pytest.raises(AfrError, match="preprocessing.json records no cleaning_version"):
        predict.load_bundle(unversioned)


def test_evaluation_json_belongs_to_the_files_it_was_saved_with(trained, tmp_path):
    bundle = predict.load_bundle(trained[2])

    def save(name, vocabulary):
        return predict.save_bundle(bundle.model, vocabulary, bundle.maxlen, tmp_path / name / "lstm_1_layer", GOOD)

    first = save("a", bundle.vocabulary)
    assert set(json.loads((first / "evaluation.json").read_text())["files_sha256"]) == {"model.keras", "preprocessing.json"}
    assert predict.load_bundle(first).evaluation["roc_auc"] == GOOD["roc_auc"]
    other = save("b", {**bundle.vocabulary, "extra": 1})  # another run's files
    (first / "evaluation.json").write_text((other / "evaluation.json").read_text())  # its evaluation.json copied in
    with pytest.raises(AfrError, match="preprocessing.json changed since evaluation.json was written"):
        predict.load_bundle(first)
    second = save("c", bundle.vocabulary)
    preprocessing = json.loads((second / "preprocessing.json").read_text())
    a, b = list(preprocessing["vocabulary"])[:2]  # swap two words' indices: the model would read one as the other
    preprocessing["vocabulary"][a], preprocessing["vocabulary"][b] = preprocessing["vocabulary"][b], preprocessing["vocabulary"][a]
    (second / "preprocessing.json").write_text(json.dumps(preprocessing))
    with pytest.raises(AfrError, match="preprocessing.json changed since evaluation.json was written"):
        predict.load_bundle(second)


def test_cli_rejects_unknown_depth(capsys):
    with pytest.raises(SystemExit) as caught:  # an argument error, before any library loads
        main(["predict", "--model", "4", "text"])
    assert caught.value.code == 2 and "must be 1, 2 or 3" in capsys.readouterr().err


def test_a_depth_with_a_leading_zero_is_the_depth():
    from afrlib.__main__ import _model_choice

    assert _model_choice("01") == "1" and _model_choice(" 3") == "3" and _model_choice("best") == "best"
    with pytest.raises(argparse.ArgumentTypeError, match="empty"):
        _model_choice("")


def test_broken_preprocessing_file_is_reported(trained, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(trained[2], copy)
    (copy / "preprocessing.json").write_text('{"maxlen": "abc", "cleaning_version": 1}')
    with pytest.raises(AfrError, match="cannot be read"):
        predict.load_bundle(copy)


GOOD = {"test_accuracy": 0.91, "majority_accuracy": 0.84, "negative_f1": 0.66, "roc_auc": 0.93, "validation_roc_auc": 0.90}


def copy_with_evaluation(source, target, evaluation):
    import shutil

    shutil.copytree(source, target)
    sums = {name: predict.file_sha256(target / name) for name in predict.BUNDLE_FILES}
    (target / "evaluation.json").write_text(json.dumps({**evaluation, "files_sha256": sums}))
    return target


def test_predict_warns_on_a_model_at_the_floor(trained, tmp_path, capsys):
    floor = copy_with_evaluation(trained[2], tmp_path / "floor", {**GOOD, "test_accuracy": 0.84, "negative_f1": 0.0})
    assert main(["predict", "--model", str(floor), "Great coffee"]) == 0
    err = capsys.readouterr().err
    assert "majority-class accuracy 0.8400" in err and "negative F1 is 0.0000" in err
    weak = copy_with_evaluation(trained[2], tmp_path / "weak", {**GOOD, "negative_f1": 0.45})
    assert main(["predict", "--model", str(weak), "Great coffee"]) == 0
    err = capsys.readouterr().err
    assert "negative F1 is 0.4500" in err and "majority" not in err
    good = copy_with_evaluation(trained[2], tmp_path / "good", GOOD)
    assert main(["predict", "--model", str(good), "Great coffee"]) == 0
    assert "warning" not in capsys.readouterr().err
    for missing in (None, {}, {**GOOD, "negative_f1": float("nan")}):  # no usable figures: say so
        assert "quality is unknown" in predict.quality_warnings(missing)[0]


def test_a_model_folder_whose_files_cannot_be_checked_is_warned_about(trained, tmp_path, capsys):
    unchecked = copy_with_evaluation(trained[2], tmp_path / "old", GOOD)
    evaluation = json.loads((unchecked / "evaluation.json").read_text())
    del evaluation["files_sha256"]  # saved before the hashes were recorded, or edited
    (unchecked / "evaluation.json").write_text(json.dumps(evaluation))
    assert main(["predict", "--model", str(unchecked), "Great coffee"]) == 0
    assert "records no SHA-256 of model.keras and preprocessing.json" in capsys.readouterr().err


def test_predict_files_that_would_be_misread(trained, tmp_path, capsys):
    looks_like_csv = tmp_path / "reviews_export"
    looks_like_csv.write_text("Id,Text\n1,Great coffee\n")
    with pytest.raises(AfrError, match="rename it to .csv"):
        predict.read_review_file(looks_like_csv)
    blank_ids = tmp_path / "ids.csv"
    blank_ids.write_text("Id,Text\n,first\n7,second\n  ,third\n")
    assert [source for source, _ in predict.read_review_file(blank_ids)] == ["row 1", "7", "row 3"]
    for empty, content in (("empty.txt", ""), ("header.csv", "Id,Text\n"), ("blank.txt", "\n \n")):
        (tmp_path / empty).write_text(content)
        assert main(["predict", "--model", str(trained[2]), "--file", str(tmp_path / empty)]) == 1
        assert f"{tmp_path / empty} holds no review" in capsys.readouterr().err
    split = tmp_path / "cr.csv"
    split.write_bytes(b"Id,Text\n1,Arrived stale\rWould not buy again\n2,fine\n")
    with pytest.raises(AfrError, match="line 2 holds a carriage return"):
        predict.read_review_file(split)


def test_best_model_is_the_highest_validation_roc_auc(trained, tmp_path):
    with pytest.raises(AfrError, match="make reports"):
        predict.best_model_directory(tmp_path)
    for depth, validation, test in ((1, 0.80, 0.99), (2, 0.90, 0.85), (3, 0.85, 0.95)):
        copy_with_evaluation(trained[2], tmp_path / f"models/lstm_{depth}_layer",
                             {**GOOD, "validation_roc_auc": validation, "roc_auc": test})
    assert predict.best_model_directory(tmp_path) == tmp_path / "models/lstm_2_layer"  # not the best test ROC-AUC


def test_sanity_panel(trained):
    panel = predict.sanity_panel(predict.load_bundle(trained[2]))
    assert len(panel) == len(predict.SANITY_REVIEWS) and set(panel["kind"]) == {"plain", "negation"}
    assert (panel["correct"] == (panel["expected"] == panel["predicted"])).all()
    assert set(panel["expected"]) == {"positive", "negative"}


def test_predict_output_holds_no_tensorflow_noise(trained):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "afrlib", "predict", "--model", str(trained[2]), "Great coffee"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "Great coffee" in done.stdout
    for noise in ("cuInit", "E0000", "I0000", "absl", "node_def_util", "oneDNN"):
        assert noise not in done.stdout + done.stderr, done.stderr


def test_second_round_of_predict_inputs(trained, tmp_path, capsys):
    import gzip

    old_mac = tmp_path / "mac.txt"
    old_mac.write_bytes(b"awful stale\rgreat delicious\rbest ever\r")
    with pytest.raises(AfrError, match="carriage returns"):
        predict.read_review_file(old_mac)
    for header, fix in (("id,text", "rename it to .csv"), ("ID\tTEXT", "save the table as a CSV"),
                        ("Text;Score", "save the table as a CSV")):
        (tmp_path / "h.txt").write_text(f"{header}\n1,awful stale\n")
        with pytest.raises(AfrError, match=fix):
            predict.read_review_file(tmp_path / "h.txt")
    (tmp_path / "r.txt").write_text("Text, texture and taste were great\n")  # a review, not a header
    assert predict.read_review_file(tmp_path / "r.txt") == [("line 1", "Text, texture and taste were great")]
    (tmp_path / "empty.txt").write_text("")
    assert main(["predict", "--model", str(trained[2]), "--file", str(tmp_path / "empty.txt"), "awful"]) == 1
    assert "holds no review" in capsys.readouterr().err
    packed = tmp_path / "packed.csv"
    packed.write_bytes(gzip.compress(b"Id,Text\n1,good\n"))
    with pytest.raises(AfrError, match="gzip-compressed"):
        predict.read_review_file(packed)
    assert main(["predict", "--model", str(trained[2]), "awful\tstale\x0bbad | line 1 | positive | 0.99"]) == 0
    table = capsys.readouterr().out
    assert "\t" not in table and "\x0b" not in table


@pytest.mark.parametrize("data, problem", [
    (b"Stale and awful\rBest coffee ever\n", "carriage returns"),  # would merge two reviews
    (b"Id,Text\n1,good\n", "save it to a file whose name ends in .csv"),  # the header would be scored
    (b"Text\nawful\n", "is a column header"),
])
def test_standard_input_is_checked_as_a_text_file_is(monkeypatch, tmp_path, data, problem):
    import io

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    with pytest.raises(AfrError, match=problem):
        predict.read_review_file("-")
    (tmp_path / "same.txt").write_bytes(data)
    with pytest.raises(AfrError):
        predict.read_review_file(tmp_path / "same.txt")


def test_third_round_of_predict_inputs(tmp_path):
    for header in ("Text", '"text"', "TEXT"):  # a one-column header is a header too
        (tmp_path / "h.txt").write_text(f"{header}\nawful\n")
        with pytest.raises(AfrError, match="rename it to .csv"):
            predict.read_review_file(tmp_path / "h.txt")
    (tmp_path / "word.txt").write_text("Texture\nawful\n")  # a one-word review is a review
    assert predict.read_review_file(tmp_path / "word.txt") == [("line 1", "Texture"), ("line 2", "awful")]
    (tmp_path / "two.csv").write_text("Id,Text,Text\n1,good,bad\n")  # pandas would score "good", drop "bad"
    with pytest.raises(AfrError, match="'Text' more than once"):
        predict.read_review_file(tmp_path / "two.csv")
    (tmp_path / "empty_row.csv").write_text('Text\ngood\n""\nbad\n')
    assert [source for source, _ in predict.read_review_file(tmp_path / "empty_row.csv")] == ["row 1", "row 2", "row 3"]


def test_fourth_round_of_predict_inputs(trained, tmp_path, capsys):
    for header in ("ID,Text", "id,Text", "Review Id,Text", "review_id,Text", "Text,RowID"):
        (tmp_path / "ids.csv").write_text(f"{header}\n17,great\n")
        with pytest.raises(AfrError, match="write the header Id"):
            predict.read_review_file(tmp_path / "ids.csv")
    (tmp_path / "bom.csv").write_bytes("\ufeff\ufeffId,Text\n17,great\n".encode())  # two byte-order marks
    assert predict.read_review_file(tmp_path / "bom.csv") == [("17", "great")]
    word = next(iter(predict.load_bundle(trained[2]).vocabulary))  # maxlen is 12 here
    assert main(["predict", "--model", str(trained[2]), f"{word} " * 20, f"{word} " * 12]) == 0
    err = capsys.readouterr().err
    assert "argument 1 has 20 known tokens; the model reads its last 12" in err and "argument 2" not in err
    for choice in (" 1", "/nonexistent/model"):
        code = main(["predict", "--model", choice, "great"])
        message = capsys.readouterr().err
        assert (code == 1 and "no such folder" in message) if choice.startswith("/") else "no such folder" not in message


def test_fifth_round_of_predict_inputs(trained, tmp_path, capsys):
    (tmp_path / "a.txt").write_text("awful stale\n")
    (tmp_path / "b.txt").write_text("great coffee\nfresh\n")
    model = ["--model", str(trained[2])]
    assert main(["predict", *model, "--json", "--file", str(tmp_path / "a.txt"), str(tmp_path / "b.txt")]) == 0
    sources = [json.loads(line)["source"] for line in capsys.readouterr().out.splitlines()]
    assert sources == [f"{tmp_path / 'a.txt'} line 1", f"{tmp_path / 'b.txt'} line 1", f"{tmp_path / 'b.txt'} line 2"]
    assert main(["predict", *model, "--json", "--file", str(tmp_path / "a.txt"), "--file", str(tmp_path / "b.txt")]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3  # both files, not the last one only
    with pytest.raises(SystemExit):
        main(["predict", "--model", "2", "--model", "1", "great"])
    assert "--model given twice" in capsys.readouterr().err
    assert main(["predict", *model, "-"]) == 1
    assert "write --file -" in capsys.readouterr().err
    for name, content, message in (("r.jsonl", '{"id": 1, "text": "Great coffee"}\n', "JSON is not read"),
                                   ("r.tsv", "Id\tText\n1\tgreat\n", "tab-separated"),
                                   ("r.txt.gz", None, "gzip-compressed; decompress it")):
        path = tmp_path / name
        if content is None:
            import gzip
            path.write_bytes(gzip.compress(b"great coffee\n"))
        else:
            path.write_text(content)
        with pytest.raises(AfrError, match=message):
            predict.read_review_file(path)
    assert main(["predict", "--model", str(trained[2] / "model.keras"), "great"]) == 1
    assert "is a file; give the folder" in capsys.readouterr().err


def test_a_file_name_given_as_a_review_is_refused(trained, tmp_path, capsys):
    (tmp_path / "my_reviews").write_text("great\n")
    for text in ("my_reviews.csv", str(tmp_path / "my_reviews")):  # forgot --file
        assert main(["predict", "--model", str(trained[2]), "great coffee", text]) == 1
        assert f"argument 2 ({text!r}) looks like a file name" in capsys.readouterr().err
    assert main(["predict", "--model", str(trained[2]), "I bought the 5.csv pack"]) == 0  # a review with spaces


def test_a_tab_separated_table_saved_as_text_is_refused(tmp_path):
    table = tmp_path / "export.txt"
    table.write_text("Review\tProduct\nStale and tasteless, I want my money back.\tGreat Value Best Choice Coffee\n")
    with pytest.raises(AfrError, match="every line holds a tab"):
        predict.read_review_file(table)
    (tmp_path / "one.txt").write_text("a review with\ta tab\nand one without\n")  # not a table
    assert len(predict.read_review_file(tmp_path / "one.txt")) == 2


def test_ninth_round_of_predict_inputs(trained, tmp_path, capsys, monkeypatch):
    for header in ("Review", "Comments", "review_text", "Review Text", "Id,Body", "Product\tReview"):
        (tmp_path / "h.txt").write_text(f"{header}\nStale and tasteless.\n")  # a spreadsheet's one-column export
        with pytest.raises(AfrError, match="is a column header"):
            predict.read_review_file(tmp_path / "h.txt")
    (tmp_path / "word.txt").write_text("Reviewed\nDelicious\n")  # one-word reviews stay reviews
    assert len(predict.read_review_file(tmp_path / "word.txt")) == 2
    (tmp_path / "ragged.txt").write_text("Review\tProduct\tStars\nStale.\tCoffee\nGreat\tTea\t5\n")
    with pytest.raises(AfrError, match="every line holds a tab"):
        predict.read_review_file(tmp_path / "ragged.txt")
    (tmp_path / "semi.csv").write_text("Id;Text\n1;great\n")
    with pytest.raises(AfrError, match="split by ';', not commas"):
        predict.read_review_file(tmp_path / "semi.csv")
    (tmp_path / "ids.csv").write_text("Id,Text\n1,great\n1,awful\n2,fine\n")
    with pytest.raises(AfrError, match="Id 1 names more than one row"):
        predict.read_review_file(tmp_path / "ids.csv")
    (tmp_path / "blank_ids.csv").write_text("Id,Text\n,great\n,awful\n")  # empty Ids are named by row
    assert [source for source, _ in predict.read_review_file(tmp_path / "blank_ids.csv")] == ["row 1", "row 2"]
    (tmp_path / "a.txt").write_text("great\n")
    assert main(["predict", "--model", str(trained[2]), "--file", str(tmp_path / "a.txt"), "Great coffee"]) == 1
    assert "review texts go before --file" in capsys.readouterr().err
    monkeypatch.chdir(tmp_path)  # outside any clone: say how to name the model
    assert main(["predict", "great coffee"]) == 1
    assert "cd into the clone first" in capsys.readouterr().err


def test_tenth_round_of_predict_inputs(trained, tmp_path, capsys, monkeypatch):
    for header in ("Customer Review", "Review:", "Content", "My review", "Id,Customer Review,Rating", "Product,Rating,My review",
                   "Response", "Answer", "Verbatim", "Testimonial", "Kommentar", "Avis", "Customer responses", "Reply",
                   "Reason"):
        (tmp_path / "h.txt").write_text(f"{header}\nStale and tasteless.\n")
        with pytest.raises(AfrError, match="is a column header"):
            predict.read_review_file(tmp_path / "h.txt")
    (tmp_path / "r.txt").write_text("Great review\nTexture\n")  # reviews, not headings
    assert len(predict.read_review_file(tmp_path / "r.txt")) == 2
    for header in ("Id,Text", "\ufeffId,Text", "id,text"):  # cat a.csv b.csv, b.csv saved with a BOM, or in lower case
        (tmp_path / "joined.csv").write_text(f"Id,Text\n1,Great coffee\n{header}\n3,Terrible\n")
        with pytest.raises(AfrError, match="data row 2 repeats the header"):
            predict.read_review_file(tmp_path / "joined.csv")
    for middle in ("Text", "Review"):  # a header further down: two exports joined with cat
        (tmp_path / "joined.txt").write_text(f"Great tea\nAwful coffee\n{middle}\nLovely\n")
        with pytest.raises(AfrError, match=f"line 3 \\('{middle}'\\) is a column header"):
            predict.read_review_file(tmp_path / "joined.txt")
    with pytest.raises(AfrError, match="is not a regular file"):
        predict.read_review_file("/dev/null")
    (tmp_path / "labels.txt").write_text("Great coffee\nAwful stale coffee\tnegative\n")  # a label on some lines
    with pytest.raises(AfrError, match="line 2 ends with a tab and 'negative', as in a labelled table"):
        predict.read_review_file(tmp_path / "labels.txt")
    for line in ("negative,great coffee", "positive\tawful stale"):  # the label first; a single tab line too
        (tmp_path / "labels.txt").write_text(f"{line}\n")
        with pytest.raises(AfrError, match="line 1 begins with '(negative|positive)' and (','|a tab), as in a labelled table"):
            predict.read_review_file(tmp_path / "labels.txt")
    for line in ("awful coffee,positive", "Would buy again|negative", "awful coffee; positive", "great coffee - negative",
                 "stale \u2013 Positive"):
        (tmp_path / "labels.txt").write_text(f"Great coffee\n{line}\n")
        with pytest.raises(AfrError, match="line 2 ends with '[-,|;\u2013]' and '(positive|negative|Positive)'"):
            predict.read_review_file(tmp_path / "labels.txt")
    for line, message in (("negative - great coffee", "line 1 begins with 'negative' and '-'"),
                          ("Negative: awful product", "line 1 begins with 'Negative' and ':'"),
                          ("__label__negative I would buy it again", "begins with '__label__negative' \\(fastText's label\\)"),
                          ("awful product => negative", "line 1 ends with '=>' and 'negative'"),
                          ("awful product (negative)", "line 1 ends with '\\(negative\\)'"),
                          ("[positive] Best coffee ever", "line 1 begins with '\\[positive\\]'"),
                          ("Stale and tasteless \u2192 negative", "line 1 ends with '\u2192' and 'negative'"),
                          ("Stale and tasteless,bad", "line 1 ends with ',' and 'bad'"),
                          ("Stale and tasteless\tbad", "line 1 ends with a tab and 'bad'")):
        (tmp_path / "labels.txt").write_text(f"{line}\n")
        with pytest.raises(AfrError, match=message):
            predict.read_review_file(tmp_path / "labels.txt")
    (tmp_path / "labels.txt").write_text("It was good, bad and ugly\nIt was good, bad\n")  # a spaced ", bad": a review
    assert len(predict.read_review_file(tmp_path / "labels.txt")) == 2
    for kind, start in (("a ZIP archive", b"PK\x03\x04\x14\x00"), ("bzip2-compressed", b"BZh91AY&SY")):
        for suffix in (".txt", ".csv"):
            (tmp_path / f"packed{suffix}").write_bytes(start + bytes(range(256)))
            with pytest.raises(AfrError, match=f"packed\\{suffix} is {kind}"):
                predict.read_review_file(tmp_path / f"packed{suffix}")
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbfStale\nI don\x92t like it\n")  # the byte after a byte-order mark
    with pytest.raises(AfrError, match="line 2, byte 0x92"):
        predict.read_review_file(tmp_path / "bom.txt")
    (tmp_path / "comma.csv").write_text("Id,Text\n1,awful\n2,great,\n")  # a comma at the end of one row
    with pytest.raises(AfrError, match="line 3 has 3 field\\(s\\) where the rows before it have 2"):
        predict.read_review_file(tmp_path / "comma.csv")
    for table in ("| review |\n|---|\n| Awful and stale |\n", "Awful\n--- | ---\n", "<th>Review</th>\nAwful\n"):
        (tmp_path / "table.txt").write_text(table)  # a Markdown or HTML table's header and borders
        with pytest.raises(AfrError, match="is a row of a Markdown or HTML table"):
            predict.read_review_file(tmp_path / "table.txt")
    (tmp_path / "cell.txt").write_text('"awful stuff\nreally bad"\n"great"\n')  # a spreadsheet cell with a line break
    with pytest.raises(AfrError, match="line 1 opens a quote that line 2 closes"):
        predict.read_review_file(tmp_path / "cell.txt")
    (tmp_path / "cell.txt").write_text('"Great" coffee\nAwful "stuff"\n')  # quotes closed on their lines
    assert len(predict.read_review_file(tmp_path / "cell.txt")) == 2
    (tmp_path / "table.txt").write_text("Great | cheap\nAwful\n")  # a bar inside a review: no table
    assert len(predict.read_review_file(tmp_path / "table.txt")) == 2
    (tmp_path / "tab.txt").write_text("awful\tproduct\n")  # a tab in a review, not a header's
    assert predict.read_review_file(tmp_path / "tab.txt") == [("line 1", "awful\tproduct")]
    (tmp_path / "labels.txt").write_text("The reviews were mostly positive\nNot so negative-minded\n")  # no label
    assert len(predict.read_review_file(tmp_path / "labels.txt")) == 2
    (tmp_path / "comma.csv").write_text("Text,\nGreat coffee,\nText,\nAwful stuff,\n")  # an empty column after Text
    with pytest.raises(AfrError, match="data row 2 repeats the header"):
        predict.read_review_file(tmp_path / "comma.csv")
    (tmp_path / "my reviews.csv").write_text("Id,Text\n1,awful\n")
    for text in (str(tmp_path / "my reviews.csv"), "my reviews.csv"):  # forgot --file, the name has a space
        assert main(["predict", "--model", str(trained[2]), text]) == 1
        assert "looks like a file name" in capsys.readouterr().err
    assert main(["predict", "--model", str(trained[2]), "I don\udc92t like it"]) == 1  # bytes 0x92 from argv
    assert "argument 1 is not UTF-8 text" in capsys.readouterr().err
    assert main(["predict", "--model", str(trained[2]), "--file", "-", "-"]) == 1
    assert "given more than once" in capsys.readouterr().err
    assert main(["predict", "--model", str(trained[2]), "x" * 5000]) == 0  # no file name, however long
    capsys.readouterr()
    fake = tmp_path / "models" / "lstm_1_layer"  # a models/ folder beside the current one is not the clone's
    fake.mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    assert main(["predict", "--model", "1", "great"]) == 1
    assert "cd into the clone first" in capsys.readouterr().err


def test_eleventh_round_of_predict_inputs(trained, tmp_path, capsys):
    for header in ("Amazon Review", "Review (text)", "Reviews 2024"):
        (tmp_path / "h.txt").write_text(f"{header}\nStale and tasteless.\n")
        with pytest.raises(AfrError, match="is a column header"):
            predict.read_review_file(tmp_path / "h.txt")
    (tmp_path / "a.txt").write_text("great\n")
    assert main(["predict", "--model", str(trained[2]), "--file", str(tmp_path / "a.txt"), str(tmp_path / "a.txt")]) == 1
    assert "names the same file more than once" in capsys.readouterr().err
    (tmp_path / "sep.csv").write_text("sep=,\nId,Text\n1,great\n")
    with pytest.raises(AfrError, match="'sep=' line"):
        predict.read_review_file(tmp_path / "sep.csv")


def test_utf16_without_a_byte_order_mark_is_refused(tmp_path):
    for name, text in (("u.txt", "Awful stale chips\nGreat\n"), ("u.csv", "Id,Text\n1,Awful\n")):
        for encoding in ("utf-16-le", "utf-32-le"):
            (tmp_path / name).write_bytes(text.encode(encoding))  # valid UTF-8 too: ASCII letters and NULs
            with pytest.raises(AfrError, match="looks like UTF-16 or UTF-32"):
                predict.read_review_file(tmp_path / name)


@pytest.mark.parametrize("written, meant", [
    ("don.t", "don't"), ("isn;t", "isn't"), ("don' t", "don't"), ("DIDN-T", "didn't"), ("wasn_t", "wasn't"),
    ("do'nt", "don't"), ("does'nt", "doesn't"), ("ca'nt", "can't"), ("haven,t", "haven't"),
    ("don'", "don't"), ("d'ont", "don't"), ("di'dnt", "didn't"), ("might'nt", "mightn't"),
    ("dont", "don't"), ("wasnt", "wasn't"), ("don\u00adt", "don't"),  # no apostrophe: a word of its own
    ("dnt", "don't"), ("wudnt", "wouldn't"),  # as in text messages
])
def test_a_mistyped_negation_is_warned_about(trained, tmp_path, capsys, written, meant):
    good = copy_with_evaluation(trained[2], tmp_path / "good", GOOD)
    assert "not" not in prepare.clean_review(f"I {written} like it").split()  # cleaning loses it: hence the warning
    assert main(["predict", "--model", str(good), "Great coffee", f"I {written} like it"]) == 0
    err = capsys.readouterr().err
    assert f"argument 2 has a mistyped {meant}" in err and "argument 1" not in err


@pytest.mark.parametrize("text, fragment", [
    ("gre\u200bat coffee", "invisible character in 'gre<U+200B>at': cleaning reads 'gre at', a reader sees 'great'"),
    ("terri\u200eble taste", "'terri<U+200E>ble': cleaning reads 'terri ble', a reader sees 'terrible'"),
    ("great\u200bcoffee", "cleaning reads 'great coffee', a reader sees 'greatcoffee'"),
    ("aw&#8203;ful coffee", "'aw<U+200B>ful': cleaning reads 'aw ful', a reader sees 'awful'"),  # written as an entity
    ("aw\x00ful coffee", "'aw<U+0000>ful': cleaning reads 'aw ful'"),  # a NUL byte
    ("Tastes like c r a p", "spells 'crap' letter by letter ('c r a p')"),
    ("caf\u00c3\u00a9 cr\u00c3\u00a8me was awful", "looks garbled by a wrong text encoding (caf\u00c3\u00a9 for caf\u00e9, "
                                                      "cr\u00c3\u00a8me for cr\u00e8me)"),
])
def test_invisible_word_breaks_and_garbled_letters_are_warned_about(trained, tmp_path, capsys, text, fragment):
    good = copy_with_evaluation(trained[2], tmp_path / "good", GOOD)
    assert main(["predict", "--model", str(good), "Great coffee", text]) == 0
    err = capsys.readouterr().err
    assert fragment in err and "warning: argument 2 " in err and "argument 1" not in err


def test_tokens_shows_the_words_the_model_reads_and_marks_the_unknown(trained, capsys):
    text = "I DIDN\u2019T like it, xyzzyq stale"
    assert main(["predict", "--model", str(trained[2]), "--tokens", "--json", text]) == 0
    line = json.loads(capsys.readouterr().out)
    assert line["tokens"] == prepare.clean_review(text).split() == ["not", "like", "xyzzyq", "stale"]
    assert "xyzzyq" in line["unknown_tokens"] and "not" not in line["unknown_tokens"]
    assert main(["predict", "--model", str(trained[2]), "--tokens", text]) == 0
    assert "[xyzzyq]" in capsys.readouterr().out


@pytest.mark.parametrize("text, fragment", [
    ("n0t good", "writes 'n0t' with digits for letters"), ("g00d stuff", "Write 'good'"),
    ("g\u0336o\u0336o\u0336d\u0336", "holds struck-through letters"),
    ("N/A", "is only 'N/A', which spreadsheets and databases write for a missing value"), (" None ", "is only 'None'"),
    ("Arrived stale.\u2028Would not buy", "holds U+2028, which ends a line elsewhere but not here"),
    ("Stale.\x0bAwful", "holds U+000B"), ("It is not\\ngood", "holds \\n written out"),
    ("<del>great</del> awful", "text crossed out by markup"), ("~~great~~ awful", "text crossed out by markup"),
    ("\u202elufwa", "holds a left-to-right or right-to-left override"), ("gre\ufffcat", "'gre<U+FFFC>at': cleaning reads 'gre at'"),
    ("aw&#xD800;ful", "holds U+FFFD, the mark of a lost character"), ("aw\\U0011FFFFful", "in 'aw<U+FFFD>ful': cleaning reads 'aw ful'"),
    ("\\N", "is only '\\\\N'"), ("(blank)", "is only '(blank)'"), (" undefined", "is only 'undefined'"),
    ("Stale. 25 people found this helpful. Helpful Report abuse", "holds '25 people found this helpful', copied from a review page"),
    ("I was disap-\npointed", "holds 'disap-\\npointed', hyphenated across a line break"),
    ("Reviewed in the United States on March 3, 2021\nGood value", "holds 'Reviewed in the United States on March 3, 2021'"),
    ("The worst chips.\n-- \nBest regards, Anna", "ends with an e-mail's sign-off ('-- Best regards, Anna')"),
    ("I was disappointed\n\nThanks,\nMike", "ends with an e-mail's sign-off ('Thanks, Mike')"),
    ("gre\x1fat coffee", "'gre<U+001F>at': cleaning reads 'gre at'"), ("gre\u3164at", "'gre<U+3164>at'"),
    ("gre\x1bat", "'gre<U+001B>at'"), ("gre\x9bat", "'gre<U+009B>at'"), ("gre\u2800at", "'gre<U+2800>at'"),  # blanks, controls
    ("This is ~great~ awful", "a chat's ~...~"), ("a.w.f.u.l", "spells 'awful' letter by letter ('a.w.f.u.l')"),
    ("Review #2: awful", "begins with 'Review #2' and a colon"),
    ("Text: awful", "begins with 'Text' and a colon"), ("review body:stale", "begins with 'review body' and a colon"),
])
def test_text_warnings_name_what_cleaning_reads_otherwise(text, fragment):
    assert any(fragment in message for message in predict.text_warnings(text))


def test_plain_reviews_get_no_text_warning():
    for text in ("costs ~5 oz, weighs ~3 lb", "e.g. i.e. U.S.A. p.m.", "&#x3C;b&#x3E;awful", "It was awful.\\r\\nwould not buy",
                 "I don\x92t like it","Great coffee, thanks!", "best coffee\nbest price", "Great.\nThanks to the seller it came early",
                 "Top quality tea", "I reviewed it in May","Great coffee, 16oz bag, 4th order, vitamin b12, mp3 player, k9 treats, h2o", "I don't like it",
                 "None of the flavors worked", "na\u00efve caf\u00e9"):
        assert predict.text_warnings(text) == [], text


def test_text_that_cleaning_reads_as_seen_gets_no_invisible_or_garbling_warning():
    for text in ("soft\u00adhyphen", "love it \u2764\ufe0fgreat", "I don\u00e2\u20ac\u2122t like it",  # read as seen
                 "caf\u00e9 na\u00efve \u00e0 la carte", "\U0001f468\u200d\U0001f469\u200d\U0001f467 family", "gre\x1b[0mat",  # a terminal code goes
                 "I don\u200b't like it", "I don\u0092t like it"):  # the tokens as seen ("not"); U+0092: cp1252's ’
        assert prepare.invisible_word_breaks(text) == [] and prepare.garbled_words(text) == [], text


def test_decoded_escapes_get_no_digit_warning():
    for text in ("\\u0041wful product", "\\ud83d\\ude00awful", "I don\\x92t like it", "I don=E2=80=99t like it"):
        assert predict.text_warnings(text) == [], text


def test_well_written_negations_and_look_alike_words_are_not_warned_about():
    for text in ("I don't like it", "I don t like it", "Don Francisco coffee", "a T-shirt", "I do not", "can t",
                 "see www.x.com/don.t now", "Isn\u2019t it good", "I don''t like it", "I said 'yes I can'", "y'all",
                 "rock 'n' roll", "the dogs' bowls", "I mightn t"):
        assert prepare.mistyped_negations(text) == [], text
    assert prepare.mistyped_negations("don.t and isn;t, don.t") == ["don't", "isn't", "don't"]


@pytest.mark.parametrize("content, message", [
    ('{"text": "terrible coffee", "rating": 5}\n{"text": "great", "rating": 1}\n', "line 1 is JSON"),  # JSON Lines
    ('[\n {"Text": "terrible"}\n]\n', "line 1 is JSON"),  # a JSON array over several lines
    ("# reviews\nterrible coffee\n", "is a comment"), ("// reviews\nterrible\n", "line 1 .* is a comment"),
    ("great coffee\n# a note\n", "line 2 .* is a comment"),
    ('great coffee\n{"text": "awful tea"}\n', "line 2 is JSON"),  # a JSON line after the first
    ("user,rating,notes\nterrible coffee\n", "is a column header"),
    ("id,sentiment,tweet\nterrible coffee\n", "is a column header"),
    ("stars|review\n5|great\n", "is a column header"),
    ('"Review",\nterrible coffee\n', "is a column header"), ("Review :\nterrible coffee\n", "is a column header"),
    ("[Review]\nterrible\n", "is a column header"), ("Notes\nterrible\n", "is a column header"),
    ("Text of review\nterrible\n", "is a column header"), ("Reviewer comments\nterrible\n", "is a column header"),
])
def test_text_files_that_are_not_one_review_a_line_are_refused(tmp_path, content, message):
    (tmp_path / "r.txt").write_text(content)
    with pytest.raises(AfrError, match=message):
        predict.read_review_file(tmp_path / "r.txt")


def test_reviews_that_look_a_little_like_headers_or_json_are_scored(tmp_path):
    (tmp_path / "r.txt").write_text("Great,cheap,tasty\n{not json} but tasty\n#1 coffee ever\nGreat review\n"
                                    "Notes of chocolate, very nice\nterrible\n\x1a")
    assert [text for _, text in predict.read_review_file(tmp_path / "r.txt")] == [
        "Great,cheap,tasty", "{not json} but tasty", "#1 coffee ever", "Great review", "Notes of chocolate, very nice",
        "terrible"]  # Ctrl-Z at the end is no review


def test_undecodable_and_compressed_text_is_named_with_its_line(tmp_path):
    (tmp_path / "l.txt").write_bytes(b"fine\ncaf\xe9 ok\n")
    with pytest.raises(AfrError, match="line 2, byte 0xe9"):
        predict.read_review_file(tmp_path / "l.txt")
    with pytest.raises(AfrError, match="standard input is gzip-compressed"):
        predict.text_reviews(__import__("gzip").compress(b"fine\n"), "standard input")
    (tmp_path / "q.csv").write_text('Id,Text\n1, "Terrible stale chips, awful taste"\n')
    with pytest.raises(AfrError, match="a space before an opening quote"):
        predict.read_review_file(tmp_path / "q.csv")


def test_json_output_escapes_unicode_line_breaks(trained, capsys):
    assert main(["predict", "--model", str(trained[2]), "--json", "stale\u2028awful", "good\u0085great"]) == 0
    lines = capsys.readouterr().out.splitlines()  # str.splitlines also splits at U+2028 and NEL
    assert [json.loads(line)["review"] for line in lines] == ["stale\u2028awful", "good\u0085great"]
