"""Command line of afr-lstm: run (execute a notebook for make reports), sweep (the depth notebooks
once per seed, make sweep) and predict (polarity of new reviews), index (reports/index.html). Add -h after a command for its options.

Only argparse and YAML load before the arguments are checked: pandas, scikit-learn and TensorFlow are
imported by the command that needs them, so help and argument errors answer at once."""

import argparse
import re
import sys
from pathlib import Path

import yaml

from afrlib.errors import AfrError


def _key_value(text):
    """Parse ``key=value`` (the value still text; :func:`_checked` converts it)."""
    key, sep, value = text.partition("=")
    if not sep or not key.isidentifier():
        raise argparse.ArgumentTypeError(f"{text!r}: write parameters as key=value, key a notebook variable name")
    return key, value


def _parameter(text):
    """Parse ``key=value`` and convert the value to the parameter's kind (:mod:`afrlib.parameters`):
    ``fast=no`` is False, ``epochs=010`` is 10, ``sample_limit=null`` is None, paths stay as typed."""
    from afrlib.errors import ParameterError
    from afrlib.parameters import check_parameter

    key, value = _key_value(text)
    try:
        return key, check_parameter(key, value)
    except ParameterError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _checked(notebook, parameters):
    """``run``'s parameters converted to their kinds, after their names are checked against ``notebook``; every
    mistake is named at once, an unknown name first (a second run would otherwise find the next one).

    Raises:
        ParameterError: one line per mistake.
    """
    from afrlib.errors import ParameterError
    from afrlib.parameters import check_parameter
    from afrlib.runner import check_parameter_names, notebook_parameters

    if not Path(notebook).is_file():
        return parameters  # run_notebook says so first
    errors, checked = [], {}
    known = notebook_parameters(notebook)
    try:
        check_parameter_names(notebook, known, parameters)
    except ParameterError as exc:
        errors.append(str(exc))
    for key, value in parameters.items():
        try:
            checked[key] = check_parameter(key, value)
        except ParameterError as exc:
            if key in known:  # an unknown name is named above
                errors.append(str(exc))
    if errors:
        raise ParameterError("\n".join(errors))
    return checked


def _parameters_file(path):
    """Read a ``-f`` YAML file of parameters, a mapping ``name: value``, every value as written.

    YAML 1.1 would read ``02000`` as octal 1024 and ``1:30`` as 90 (base 60); the values are read
    as text instead (``yaml.BaseLoader``) and converted by :func:`afrlib.parameters.check_parameter`,
    as ``-p`` values are. A quoted null spelling (``"~"``, ``'null'``) and a key that is not a plain name
    are refused, naming the line: YAML would read the first as text, and this reading would lose the quotes. So are
    YAML tags (``!!null``, ``!!int``) and merge keys (``<<``), which this reading would not apply.
    """
    try:
        with open(path, encoding="utf-8") as handle:
            node = yaml.compose(handle, Loader=yaml.BaseLoader)
    except yaml.MarkedYAMLError as exc:
        raise AfrError(_yaml_mistake(path, exc)) from exc
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise AfrError(f"{path}: cannot read the parameters file ({exc}).") from exc
    if node is None or (isinstance(node, yaml.ScalarNode) and not node.value):
        print(f"note: {path} sets no parameter (it is empty, or only comments); the notebook runs with its defaults.",
              file=sys.stderr)
        return {}
    if not isinstance(node, yaml.MappingNode):
        raise AfrError(f"{path} must be a YAML mapping of notebook parameters, one `name: value` a line (a space "
                       f"after the colon), not a {node.id}.")
    from afrlib.parameters import NONE

    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            raise AfrError(f"{path}: line {key.start_mark.line + 1}: a parameter name must be a plain word, not a {key.id}.")
        if key.value == "<<":
            raise AfrError(f"{path}: line {key.start_mark.line + 1}: a YAML merge key (<<) is not read; write each "
                           "parameter on its own line, `name: value`.")
        for part in [value] + (value.value if isinstance(value, yaml.SequenceNode) else []):
            if isinstance(part, yaml.ScalarNode) and part.tag != "tag:yaml.org,2002:str":
                tag = part.tag.replace("tag:yaml.org,2002:", "!!")
                raise AfrError(f"{path}: line {part.start_mark.line + 1}: {key.value}: the YAML tag {tag} is not read "
                               "(values are read as written, then converted to the parameter's kind); drop the tag: "
                               "write null, or the value alone.")
        if isinstance(value, yaml.ScalarNode) and value.style in ("'", '"') and value.value.strip().lower() in NONE:
            raise AfrError(f"{path}: line {value.start_mark.line + 1}: {key.value}: {value.value!r} is quoted, so it is "
                           f"text, not null. Write it unquoted ({key.value}: null) to leave the parameter unset, or "
                           f"give the value you mean.")
    keys = [key.value for key, _ in node.value]
    twice = sorted({key for key in keys if keys.count(key) > 1})
    if twice:
        raise AfrError(f"{path} sets {', '.join(twice)} more than once; keep one value.")
    return yaml.BaseLoader("").construct_document(node)


#: A ``name:value`` line without the space after the colon (YAML reads it as text, not as a parameter).
NO_SPACE_AFTER_COLON = re.compile(r"^[ \t]*([A-Za-z_]\w*):(?![\s/\\])(\S.*)$", re.MULTILINE)


def _yaml_mistake(path, exc):
    """The message for a parameters file that is no valid YAML: the line at fault and what to write there."""
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    found = NO_SPACE_AFTER_COLON.search(text)
    if found:
        line = text.count("\n", 0, found.start()) + 1
        return (f"{path}: line {line}: `{found.group(0).strip()}` needs a space after the colon: "
                f"`{found.group(1)}: {found.group(2).strip()}`.")
    if "another document" in str(exc.problem):
        return (f"{path}: line {exc.problem_mark.line + 1}: a second YAML document (---) begins there; keep one mapping "
                "of parameters, `name: value` a line.")
    mark = exc.context_mark or exc.problem_mark
    return (f"{path}: line {mark.line + 1}: not valid YAML ({exc.problem}); write one `name: value` a line, "
            "with a space after the colon.")


def _once(pairs):
    """``-p`` pairs as a dict; a key given twice is refused, as in a ``-f`` file."""
    keys = [key for key, _ in pairs]
    twice = sorted({key for key in keys if keys.count(key) > 1})
    if twice:
        raise AfrError(f"-p sets {', '.join(twice)} more than once; keep one value.")
    return dict(pairs)


class _Once(argparse.Action):
    """An option that may be given once: a second value is refused, not silently preferred."""

    def __call__(self, parser, namespace, values, option_string=None):
        if getattr(namespace, f"_{self.dest}_given", False):
            parser.error(f"{option_string} given twice; give it once")
        setattr(namespace, f"_{self.dest}_given", True)
        setattr(namespace, self.dest, values)


def _from_here(parameters):
    """Relative path parameters made absolute from the current folder, as the output notebook's path is.

    The notebook runs at the project root, where a relative path would otherwise count from; from the root
    itself (make) nothing changes.
    """
    from afrlib.parameters import KINDS
    from afrlib.paths import project_root

    here = Path.cwd().resolve()
    try:
        if here == project_root(here):
            return parameters
    except FileNotFoundError:
        return parameters  # run_notebook says that this is no clone
    return {key: str(here / value) if KINDS.get(key, "").endswith("path") and isinstance(value, str)
            and not Path(value).is_absolute() else value for key, value in parameters.items()}


def _model_choice(text):
    """``--model``: a depth 1-3, ``best`` or a folder; any other whole number, or nothing, is refused."""
    if not text.strip():
        raise argparse.ArgumentTypeError("empty: give a depth 1, 2 or 3, 'best' or a saved-model folder")
    if text.strip() in {"1", "2", "3", "best"}:
        return text.strip()
    if text.strip().isascii() and text.strip().isdigit() and int(text) in (1, 2, 3) and not Path(text).exists():
        return str(int(text))  # "01"
    if text.isdigit():
        raise argparse.ArgumentTypeError(f"{text}: the LSTM depth must be 1, 2 or 3 (or give 'best' or a saved-model folder)")
    return text


def add_predict_arguments(parser):
    """Options of ``python -m afrlib predict`` (carried out by :func:`afrlib.predict.run_predict`)."""
    parser.add_argument("texts", nargs="*", help="review texts to score")
    parser.add_argument("--file", nargs="+", action="extend", metavar="FILE",
                        help="CSV with a Text column (and optionally Id), or a text file with one review a line; "
                             "- reads such lines from standard input; several files are read in order")
    parser.add_argument("--model", default="1", type=_model_choice, action=_Once,
                        help="LSTM depth 1, 2 or 3 (models/lstm_<depth>_layer), 'best' (highest validation "
                             "ROC-AUC of the three) or a saved-model folder (default 1)")
    parser.add_argument("--json", action="store_true", help="print JSON lines instead of a table")
    parser.add_argument("--explain", action="store_true",
                        help="add each review's most influential words with their signed contribution to "
                             "P(positive) (integrated gradients, afrlib.explain)")
    parser.add_argument("--tokens", action="store_true",
                        help="add the words the model reads after the text cleaning, those outside its vocabulary "
                             "in [brackets] (they do not count)")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m afrlib", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="execute a notebook with papermill into reports/")
    run.add_argument("notebook", help="source notebook, e.g. notebooks/lstm_1_layer.ipynb")
    run.add_argument("output", help="executed notebook to write, e.g. reports/lstm_1_layer.ipynb")
    run.add_argument("-f", "--parameters-file", help="YAML file of parameters")
    run.add_argument("-p", "--parameter", action="append", type=_key_value, default=[],
                     metavar="KEY=VALUE", help="one parameter, converted to its kind (true/false, yes/no; whole number; null); repeatable, wins over -f")
    run.add_argument("--no-html", action="store_true", help="skip the HTML rendering")

    sweep = commands.add_parser("sweep", help="run the depth notebooks and the baseline once per seed, then the sweep report")
    sweep.add_argument("--seeds", default="1 2 3 4 5", help='seeds, e.g. "1 2 3 4 5" (default)')
    sweep.add_argument("--data", required=True, help="reviews file")
    sweep.add_argument("--out", default="reports/sweep", help="folder of the per-seed runs (default reports/sweep)")
    sweep.add_argument("--report", default="reports/sweep.ipynb", help="the sweep report (HTML beside it)")
    sweep.add_argument("-p", "--parameter", action="append", type=_parameter, default=[], metavar="KEY=VALUE",
                       help="a parameter for every run (e.g. epochs=5); repeatable")

    add_predict_arguments(commands.add_parser("predict", help="polarity of new reviews"))
    index = commands.add_parser("index", help="write <reports>/index.html linking every report with its numbers")
    index.add_argument("reports", nargs="?", default="reports", help="reports folder (default reports)")
    args = parser.parse_args(argv)
    try:
        if args.command == "run":
            from afrlib.runner import run_notebook

            parameters = _parameters_file(args.parameters_file) if args.parameters_file else {}
            parameters.update(_once(args.parameter))
            run_notebook(args.notebook, args.output, _from_here(_checked(args.notebook, parameters)),
                         html=not args.no_html)
        elif args.command == "sweep":
            from afrlib.runner import run_notebook
            from afrlib.sweep import parse_seeds, run_sweep

            seeds = parse_seeds(args.seeds)
            run_sweep(seeds, args.out, args.data, _once(args.parameter))
            report = Path(args.report)
            run_notebook("notebooks/sweep.ipynb", report, {
                "sweep_dir": args.out, "seeds": seeds, "figures_dir": str(report.parent / "figures"),
                "summary_path": str(report.parent / "metrics" / f"{report.stem}.json")})
        elif args.command == "index":
            from afrlib.index import write_index

            print(f"Wrote {write_index(args.reports)}")
        else:
            from afrlib.predict import run_predict

            run_predict(args)
    except (AfrError, RuntimeError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl-C: a message, not a traceback from deep inside papermill
        print("interrupted (Ctrl-C). Reports, metrics and models are written whole or not at all; run the same "
              "command again to finish (a training resumes at its last completed epoch).", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
