"""Every notebook parameter gets one typed check; text spellings are parsed once, the rest refused."""

import ast
import json
from pathlib import Path

import pytest

from afrlib.__main__ import main
from afrlib.errors import ParameterError
from afrlib.parameters import KINDS, check_parameter, check_parameters

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))


def parameters_cell(book):
    for index, cell in enumerate(book["cells"]):
        if "parameters" in cell["metadata"].get("tags", []):
            return index, "".join(cell["source"])
    raise AssertionError("no parameters cell")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_every_notebook_parameter_is_checked_before_use(path):
    book = json.loads(path.read_text())
    index, source = parameters_cell(book)
    names = {target.id for node in ast.parse(source).body if isinstance(node, ast.Assign)
             for target in node.targets if isinstance(target, ast.Name)}
    assert names and not names - set(KINDS), f"{path.stem}: add {names - set(KINDS)} to afrlib.parameters.KINDS"
    following = next(cell for cell in book["cells"][index + 1:] if cell["cell_type"] == "code")
    first_lines = "".join(following["source"]).split("os.chdir")[0]
    assert "globals().update(parameters.check_parameters(globals()))" in first_lines
    namespace = {}
    exec(compile(source, path.name, "exec"), namespace)  # the defaults themselves pass the check
    assert check_parameters(namespace).keys() == names


@pytest.mark.parametrize("name, value, expected", [
    ("fast", "no", False), ("fast", "False", False), ("fast", "YES", True), ("fast", "on", True), ("fast", 0, False),
    ("precise_batchnorm", "off", False), ("epochs", "010", 10), ("epochs", 3.0, 3), ("sample_limit", "null", None),
    ("sample_limit", None, None), ("sample_limit", "3000", 3000), ("validation_split", "0.3", 0.3),
    ("batch_size", "original-updates", "original-updates"), ("batch_size", "250", 250),
    ("data_path", "/data/my #1 reviews.csv", "/data/my #1 reviews.csv"), ("data_path", "010", "010"),
    ("data_path", "none", None), ("seeds", "1 2 3", [1, 2, 3]), ("seeds", [4, 5], [4, 5]),
])
def test_values_are_converted_to_their_kind(name, value, expected):
    converted = check_parameter(name, value)
    assert converted == expected and type(converted) is type(expected)


@pytest.mark.parametrize("name, value", [
    ("fast", "nope"), ("fast", "2"), ("fast", None), ("fast", 2), ("epochs", "ten"), ("epochs", -1), ("epochs", 2.5),
    ("epochs", True), ("validation_split", "1.5"), ("validation_split", 0), ("validation_split", "abc"),
    ("batch_size", 0), ("batch_size", "original"), ("metrics_path", ""), ("metrics_path", 5), ("seeds", "1 x"),
    ("fsat", True),
])
def test_bad_values_are_refused_naming_the_parameter(name, value):
    with pytest.raises(ParameterError, match=name):
        check_parameter(name, value)


def test_the_command_line_refuses_a_bad_spelling_before_running(tmp_path, capsys):
    with pytest.raises(SystemExit) as caught:
        main(["run", "notebooks/lstm_1_layer.ipynb", str(tmp_path / "out.ipynb"), "-p", "fast=nope"])
    assert caught.value.code == 2 and "fast='nope'" in capsys.readouterr().err
    assert not (tmp_path / "out.ipynb").exists()
    listing = tmp_path / "params.yml"
    listing.write_text("epochs: many\n")
    assert main(["run", "notebooks/lstm_1_layer.ipynb", str(tmp_path / "out.ipynb"), "-f", str(listing)]) == 1
    assert "epochs='many'" in capsys.readouterr().err
