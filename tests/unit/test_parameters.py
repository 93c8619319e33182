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
    ("cpu_tuning", " Auto ", "auto"), ("cpu_tuning", "yes", True), ("cpu_tuning", False, False),
])
def test_values_are_converted_to_their_kind(name, value, expected):
    converted = check_parameter(name, value)
    assert converted == expected and type(converted) is type(expected)


@pytest.mark.parametrize("name, value", [
    ("fast", "nope"), ("fast", "2"), ("fast", None), ("fast", 2), ("epochs", "ten"), ("epochs", -1), ("epochs", 2.5),
    ("epochs", True), ("validation_split", "1.5"), ("validation_split", 0), ("validation_split", "abc"),
    ("batch_size", 0), ("batch_size", "original"), ("metrics_path", ""), ("metrics_path", 5), ("seeds", "1 x"),
    ("fsat", True), ("cpu_tuning", "sometimes"), ("cpu_tuning", None),
])
def test_bad_values_are_refused_naming_the_parameter(name, value):
    with pytest.raises(ParameterError, match=name):
        check_parameter(name, value)


def test_the_command_line_refuses_a_bad_spelling_before_running(tmp_path, capsys):
    assert main(["run", "notebooks/lstm_1_layer.ipynb", str(tmp_path / "out.ipynb"), "-p", "fast=nope"]) == 1
    assert "fast='nope'" in capsys.readouterr().err
    assert not (tmp_path / "out.ipynb").exists()
    listing = tmp_path / "params.yml"
    listing.write_text("epochs: many\n")
    assert main(["run", "notebooks/lstm_1_layer.ipynb", str(tmp_path / "out.ipynb"), "-f", str(listing)]) == 1
    assert "epochs='many'" in capsys.readouterr().err


@pytest.mark.parametrize("yaml_text, message", [
    ("sample_limit: 02000\nseed: 017\n", None),  # decimal, not YAML 1.1 octal
    ("seed: 1:30\n", "seed='1:30'"),  # not base 60
    ("sample_limit:\n", "sample_limit: the value is empty"),  # an empty value is not "default"
    ("seed: maybe\n", "seed='maybe'"),  # (fast is no parameter of this notebook: that is named first)
    ("", "sets no parameter (it is empty, or only comments); the notebook runs with its defaults"),
    ("# seed: 3\n", "sets no parameter"),
])
def test_yaml_values_are_read_as_written(tmp_path, yaml_text, message, capsys, monkeypatch):
    import afrlib.runner

    seen = {}
    monkeypatch.setattr(afrlib.runner, "run_notebook", lambda source, output, parameters, html: seen.update(parameters))
    listing = tmp_path / "params.yml"
    listing.write_text(yaml_text)
    code = main(["run", "notebooks/data_preparation.ipynb", str(tmp_path / "out.ipynb"), "-f", str(listing)])
    if message is None:
        assert code == 0 and seen == {"sample_limit": 2000, "seed": 17}
    elif "sets no parameter" in message:  # runs, with a note
        assert code == 0 and seen == {} and message in capsys.readouterr().err
    else:
        assert code == 1 and message in capsys.readouterr().err and not seen


@pytest.mark.parametrize("name, value", [
    ("maxlen", "0"), ("maxlen", 10_001), ("sample_limit", 0), ("seed", 2**32), ("depth", 4), ("depth", "0"),
    ("epochs", 0), ("seed", "\u00b2"), ("data_path", ""), ("sample_limit", ""),
])
def test_out_of_range_and_empty_values_are_refused_before_any_data(name, value):
    with pytest.raises(ParameterError, match=name):
        check_parameter(name, value)


def test_odd_digits_on_the_command_line_get_a_reason(tmp_path, capsys):
    assert main(["run", "notebooks/data_preparation.ipynb", str(tmp_path / "o.ipynb"), "-p", "seed=\u00b2"]) == 1
    assert "seed='\u00b2': must be a whole number" in capsys.readouterr().err


def test_every_parameter_mistake_is_named_at_once_unknown_names_first(tmp_path, capsys):
    argv = ["run", "notebooks/lstm_1_layer.ipynb", str(tmp_path / "o.ipynb"), "-p", "precise_batchnorm=yes",
            "-p", "epochs=0", "-p", "fast=nope", "-p", "fsat=1"]
    assert main(argv) == 1
    lines = capsys.readouterr().err.splitlines()
    assert "has no parameter fsat, precise_batchnorm" in lines[0]
    assert lines[1:] == ["epochs='0': must be a whole number 1 to 10,000.",
                         "fast='nope': must be true or false (also yes/no, on/off, 1/0)."]
    assert not (tmp_path / "o.ipynb").exists()


@pytest.mark.parametrize("yaml_text, fragment", [
    ("seed: 42\nseed: 7\n", "sets seed more than once"),
    ("seed:5\n", "a space after the colon"),
    ("epochs: 1\nseed:12\n", "line 2: `seed:12` needs a space after the colon: `seed: 12`"),  # was PyYAML's own text
    ("epochs: 1\nseeds: [1, 2\n", "line 2: not valid YAML"),
    ("seed: 1\n---\nepochs: 2\n", "line 2: a second YAML document (---) begins there"),
    ("? [a]\n: 1\n", "line 1: a parameter name must be a plain word, not a sequence"),
    ('data_path: "~"\n', "'~' is quoted, so it is text, not null"),
    ("sample_limit: 'null'\n", "'null' is quoted, so it is text, not null"),
    ("sample_limit: !!null\n", "line 1: sample_limit: the YAML tag !!null is not read"),
    ("seed: !!int 7\n", "the YAML tag !!int is not read"),
    ("seeds: [1, !!int 2]\n", "the YAML tag !!int is not read"),
    ("defaults: &d\n  epochs: 2\n<<: *d\n", "line 3: a YAML merge key (<<) is not read"),
])
def test_yaml_mistakes_are_named(tmp_path, yaml_text, fragment, capsys):
    listing = tmp_path / "p.yml"
    listing.write_text(yaml_text)
    assert main(["run", "notebooks/data_preparation.ipynb", str(tmp_path / "o.ipynb"), "-f", str(listing)]) == 1
    assert fragment in capsys.readouterr().err


@pytest.mark.parametrize("value", ["1e1000", "9" * 40, "1.5e300"])
def test_a_huge_number_is_called_too_large_not_badly_written(value):
    with pytest.raises(ParameterError, match="far too large a number .*seed goes from 0 to 4,294,967,295"):
        check_parameter("seed", value)


@pytest.mark.parametrize("name, value", [("seed", "3.5"), ("sample_limit", "3000.5"), ("maxlen", "100.4")])
def test_a_fraction_is_called_not_whole_not_too_large(name, value):
    with pytest.raises(ParameterError, match="must be a whole number") as caught:
        check_parameter(name, value)
    assert "too large" not in str(caught.value)


def test_yaml_null_and_integral_numbers():
    assert check_parameter("sample_limit", "~") is None
    assert check_parameter("depth", "3.0") == 3 and check_parameter("epochs", "1e1") == 10


@pytest.mark.parametrize("name, value", [
    ("epochs", "2.0000000000000001"), ("sample_limit", "2000.0000000000001"),  # not rounded to a whole number
    ("epochs", "3_0"), ("depth", "\u0662"), ("epochs", "1e400000000"), ("epochs", "9" * 5000),
    ("validation_split", "0.3_3"), ("validation_split", "\u0660.\u0663"), ("validation_split", "0x1p-2"),
])
def test_numbers_are_read_exactly_or_refused(name, value):
    with pytest.raises(ParameterError, match=name):
        check_parameter(name, value)


def test_exact_numbers_in_every_usual_spelling():
    assert [check_parameter("epochs", v) for v in ("010", "+3", " 3 ", "3.0", "3.", "1E1", 3, 3.0)] == [10, 3, 3, 3, 3, 10, 3, 3]
    assert [check_parameter("validation_split", v) for v in ("0.3", ".3", "3e-1", 0.3)] == [0.3] * 4


@pytest.mark.parametrize("name, value, message", [
    ("metrics_path", "null", "needs a path"), ("figures_dir", "None", "needs a path"), ("model_dir", "~", "needs a path"),
    ("sample_limit", "", "or null \\(unquoted\\) to leave it unset"), ("epochs", " ", "the value is empty"),
    ("epochs", "99999999999999999999999", "1 to 10,000"), ("embedding_dim", "100000000", "1 to 4,096"),
])
def test_fourth_round_of_parameter_values(name, value, message):
    with pytest.raises(ParameterError, match=message):
        check_parameter(name, value)
    assert check_parameter("data_path", "null") is None  # the one path that may be left unset


def test_fifth_round_of_parameter_values(tmp_path, capsys, monkeypatch):
    from pathlib import Path as P

    from afrlib.parameters import check_depth_outputs

    assert check_parameter("metrics_path", "~/afr/m.json") == str(P.home() / "afr/m.json")  # as a shell would
    assert check_parameter("data_path", "~/Reviews.csv") == str(P.home() / "Reviews.csv")
    monkeypatch.setenv("AFR_TEST_DIR", str(tmp_path))
    assert check_parameter("cache_dir", "$AFR_TEST_DIR/c") == check_parameter("cache_dir", "${AFR_TEST_DIR}/c") == f"{tmp_path}/c"
    monkeypatch.delenv("AFR_TEST_DIR")
    with pytest.raises(ParameterError, match=r"\$AFR_TEST_DIR is not set in the environment"):  # not a folder named so
        check_parameter("cache_dir", "$AFR_TEST_DIR/c")
    with pytest.raises(ParameterError, match="depth=2, but model_dir='scratch/models/lstm_1_layer' is named for depth 1"):
        check_depth_outputs(2, model_dir="scratch/models/lstm_1_layer")
    check_depth_outputs(2, metrics_path="reports/metrics/lstm_2_layer.json", model_dir="elsewhere")
    assert main(["run", "notebooks/data_preparation.ipynb", str(tmp_path / "o.ipynb"), "-p", "seed=1", "-p", "seed=2"]) == 1
    assert "-p sets seed more than once" in capsys.readouterr().err


def test_every_depth_notebook_checks_its_output_names():
    from afrlib import project_root

    for depth in (1, 2, 3):
        source = (project_root() / f"notebooks/lstm_{depth}_layer.ipynb").read_text()
        assert "parameters.check_depth_outputs(depth, metrics_path=metrics_path, model_dir=model_dir)" in source


def test_a_path_with_a_space_at_an_end_is_refused():
    with pytest.raises(ParameterError, match="begins or ends with white space"):
        check_parameter("metrics_path", "/tmp/m.json ")


@pytest.mark.parametrize("value", ["1 1 2", "01 1", [3, 3]])
def test_a_seed_given_twice_is_refused(value):
    with pytest.raises(ParameterError, match="given more than once"):
        check_parameter("seeds", value)


def test_tenth_round_of_parameter_values():
    for value in ("1.000", "20.000"):  # a thousands separator, or a decimal point?
        with pytest.raises(ParameterError, match="thousands separator"):
            check_parameter("maxlen", value)
    assert check_parameter("maxlen", "100.0") == 100 and check_parameter("seeds", "[1, 2]") == [1, 2]
    with pytest.raises(ParameterError, match="line break that a YAML > or | block keeps"):
        check_parameter("data_path", "data/x.csv\n")


def test_a_path_spread_over_lines_is_refused():
    with pytest.raises(ParameterError, match="holds a line break"):
        check_parameter("data_path", "data/x\n.csv")


@pytest.mark.parametrize("name, value", [
    ("fast", "'no'"), ("maxlen", '"100"'), ("sample_limit", "'null'"), ("data_path", "'reviews.csv'"),
    ("metrics_path", '"out dir/m.json"'),
])
def test_a_value_that_kept_its_quotes_is_refused_with_the_reason(name, value):
    with pytest.raises(ParameterError, match="holds its own quotes"):
        check_parameter(name, value)


def test_an_optional_parameter_names_null_as_a_choice():
    with pytest.raises(ParameterError, match=r"Or null \(unquoted\) to leave it unset"):
        check_parameter("sample_limit", "all")
    assert check_parameter("data_path", "it's.csv") == "it's.csv"  # a quote inside a name is a name


def test_output_paths_of_the_wrong_kind_are_refused_before_any_work(tmp_path):
    from afrlib.parameters import check_parameters

    (tmp_path / "metrics.json").mkdir()
    (tmp_path / "figures").write_text("a file")
    with pytest.raises(ParameterError, match="metrics_path=.* is a folder"):
        check_parameters({"metrics_path": str(tmp_path / "metrics.json")})
    with pytest.raises(ParameterError, match="figures_dir=.* is a file"):
        check_parameters({"figures_dir": str(tmp_path / "figures")})
    assert check_parameters({"metrics_path": str(tmp_path / "new.json"), "figures_dir": str(tmp_path / "new")})


def test_a_negative_number_is_named_as_such():
    for name, value in (("sample_limit", "-1"), ("seed", "-1"), ("seed", -3)):
        with pytest.raises(ParameterError, match=f"{name}=.*must not be negative"):
            check_parameter(name, value)
