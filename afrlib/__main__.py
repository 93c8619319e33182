"""Command line: ``python -m afrlib run ...`` (execute a notebook for make reports) and
``python -m afrlib predict ...`` (polarity of new reviews). ``python -m afrlib -h`` lists options."""

import argparse
import sys

import yaml

from afrlib.errors import AfrError


def _parameter(text):
    """Parse ``key=value``; the value is read as YAML (``3000`` -> int, ``null`` -> None)."""
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"{text!r}: write parameters as key=value")
    return key, yaml.safe_load(value)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m afrlib", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="execute a notebook with papermill into reports/")
    run.add_argument("notebook", help="source notebook, e.g. notebooks/lstm_1_layer.ipynb")
    run.add_argument("output", help="executed notebook to write, e.g. reports/lstm_1_layer.ipynb")
    run.add_argument("-f", "--parameters-file", help="YAML file of parameters")
    run.add_argument("-p", "--parameter", action="append", type=_parameter, default=[],
                     metavar="KEY=VALUE", help="one parameter (YAML value); repeatable, wins over -f")
    run.add_argument("--no-html", action="store_true", help="skip the HTML rendering")

    from afrlib.predict import add_predict_arguments

    add_predict_arguments(commands.add_parser("predict", help="polarity of new reviews"))
    args = parser.parse_args(argv)
    try:
        if args.command == "run":
            from afrlib.runner import run_notebook

            parameters = {}
            if args.parameters_file:
                with open(args.parameters_file) as handle:
                    parameters.update(yaml.safe_load(handle) or {})
            parameters.update(dict(args.parameter))
            run_notebook(args.notebook, args.output, parameters, html=not args.no_html)
        else:
            from afrlib.predict import run_predict

            run_predict(args)
    except (AfrError, RuntimeError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
