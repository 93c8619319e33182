"""One typed check for every notebook parameter, before any data is read.

Papermill injects parameters as Python values, but the values often started as text: ``-p fast=no``
on our command line, ``-r fast False`` on papermill's. A string is truthy, so an unchecked
``fast = "no"`` trains the fast model. :func:`check_parameters` converts each parameter to its kind
(:data:`KINDS`) or refuses it with a message naming it; the command line (``python -m afrlib run``)
and the notebooks both go through it, so the usual boolean spellings are parsed in one place. The
tests walk every notebook's parameters cell: a parameter missing from :data:`KINDS` fails them.
"""

import numbers
import os
import re
import unicodedata
from decimal import Decimal
from pathlib import Path

from afrlib.errors import ParameterError

TRUE = {"true", "yes", "on", "1", "y", "t"}
FALSE = {"false", "no", "off", "0", "n", "f"}
NONE = {"none", "null", "~"}  # not "": an empty value (an unset shell variable) is refused, not read as "default"

#: Kind of every notebook parameter: bool, whole (int >= 0), fraction (0 < x < 1), path (text),
#: batch (whole >= 1 or "original-updates"), seeds (list of whole numbers), strategy (afrlib.distribute.STRATEGIES);
#: "optional ..." also takes None, "auto ..." also "auto".
KINDS = {
    "data_path": "optional path", "sample_limit": "optional whole", "depth": "whole", "epochs": "whole",
    "batch_size": "batch", "validation_split": "fraction", "maxlen": "whole", "embedding_dim": "whole",
    "seed": "whole", "fast": "bool", "precise_batchnorm": "bool", "cache_dir": "path", "metrics_path": "path",
    "figures_dir": "path", "model_dir": "path", "metrics_dir": "path", "sweep_dir": "path", "seeds": "seeds",
    "summary_path": "path", "models_dir": "path", "explain_steps": "whole", "mistakes_shown": "whole",
    "strategy": "strategy", "cpu_tuning": "auto bool",
}


def to_bool(name, value):
    """``True``/``False``, or their usual spellings (true/false, yes/no, on/off, 1/0, any case)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in TRUE | FALSE:
        return value.strip().lower() in TRUE
    raise ParameterError(f"{name}={value!r}: must be true or false (also yes/no, on/off, 1/0).")


#: A whole number written as text: ASCII digits, optionally ``+``, a decimal point followed by zeros or an
#: exponent of at most two digits (``3``, ``010``, ``+3``, ``3.0``, ``1e2``). No ``_`` grouping, no other scripts' digits.
WHOLE_TEXT = re.compile(r"\+?[0-9]+(?:\.[0-9]*)?(?:[eE]\+?[0-9]{1,2})?")


def to_whole(name, value):
    """A whole number >= 0 from an int, an integral float (``3.0``) or text (:data:`WHOLE_TEXT`).

    Text is read exactly (``decimal``), so ``"2.0000000000000001"`` is refused, not rounded to 2.
    """
    if isinstance(value, str) and re.fullmatch(r"\+?[0-9]+\.[0-9]{3}", value.strip()):
        raise ParameterError(f"{name}={value!r}: a point followed by three digits may be a thousands separator "
                             f"(1.000 for 1000) or a decimal point; write the whole number without it.")
    if isinstance(value, str) and len(value.strip()) <= 30 and WHOLE_TEXT.fullmatch(value.strip()):
        number = Decimal(value.strip())
        if number == number.to_integral_value():
            return int(number)
    if isinstance(value, numbers.Integral) and not isinstance(value, bool) and value >= 0:
        return int(value)
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value)
    huge = isinstance(value, str) and re.fullmatch(r"\+?[0-9]+(?:\.[0-9]*)?(?:[eE]\+?([0-9]+))?", value.strip())
    if huge and (len(value.strip()) > 30 or len(huge.group(1) or "") > 2):
        low, high = RANGES.get(name, (0, None))
        allowed = f"; {name} goes from {low} to {high:,}" if high is not None else ""
        raise ParameterError(f"{name}={value[:40]!r}: far too large a number (over 30 characters, or an exponent "
                             f"over 99){allowed}.")
    negative = isinstance(value, str) and value.strip().startswith("-") and WHOLE_TEXT.fullmatch(value.strip()[1:])
    if negative or (isinstance(value, numbers.Real) and not isinstance(value, bool) and value < 0):
        raise ParameterError(f"{name}={value!r}: must not be negative.")
    raise ParameterError(f"{name}={value!r}: must be a whole number written with the digits 0-9 (e.g. 3, 010, "
                         f"3.0 or 1e3).")


#: A decimal number written as text: ASCII digits, a point, an exponent of at most two digits (``0.3``, ``.3``, ``3e-1``).
NUMBER_TEXT = re.compile(r"\+?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]{1,2})?")


def to_fraction(name, value):
    """A number strictly between 0 and 1, from a number or decimal text (:data:`NUMBER_TEXT`)."""
    number = None
    if isinstance(value, str) and NUMBER_TEXT.fullmatch(value.strip()):
        number = float(value.strip())
    elif isinstance(value, numbers.Real) and not isinstance(value, bool):
        number = float(value)
    if number is None or not 0 < number < 1:
        raise ParameterError(f"{name}={value!r}: must be a number strictly between 0 and 1.")
    return number


def _quoted(value):
    """The quote character wrapping text (``'x.csv'`` -> ``'``), or ``""``: a value quoted twice on its way in."""
    inner = value.strip() if isinstance(value, str) else ""
    return inner[0] if len(inner) >= 2 and inner[0] == inner[-1] and inner[0] in "'\"" else ""


def to_path(name, value):
    """Non-empty text, ``~`` and environment variables (``$HOME``) expanded as a shell does (a ``pathlib.Path`` is turned
    into text; an unset variable is refused); a null spelling (``null``, ``None``, ``~``) is
    refused: only ``data_path`` may be left unset, and a file named ``null`` is never what was meant. So is a path
    wrapped in its own quotes (``'x.csv'``: quoted twice on the way in)."""
    if isinstance(value, Path):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise ParameterError(f"{name}={value!r}: must be a file or folder path (text).")
    if value.strip().lower() in NONE:
        raise ParameterError(f"{name}={value!r}: this parameter needs a path; leave it out to keep its default.")
    if any(unicodedata.category(character) == "Cc" for character in value.strip()):
        raise ParameterError(f"{name}={value!r}: the path holds a line break or another control character (a YAML | or > "
                             f"block spread over lines?); write it on one line.")
    if _quoted(value):
        raise ParameterError(f"{name}={value!r}: must be a path without quotes around it.")  # check_parameter says why
    if value != value.strip():
        raise ParameterError(f"{name}={value!r}: the path begins or ends with white space (a space, or the line break "
                             f"that a YAML > or | block keeps: write >- or |-); check the quoting.")
    value = os.path.expandvars(os.path.expanduser(value))  # "~/x" and "$HOME/x" as in a shell, also from a YAML file
    unset = re.search(r"\$(?:\w+|\{\w+\})", value)
    if unset:
        raise ParameterError(f"{name}={value!r}: {unset.group(0)} is not set in the environment, so the path would hold "
                             f"it as text. Set it, or write the path itself.")
    return value


def to_batch(name, value):
    """A whole number >= 1, or ``"original-updates"``."""
    if isinstance(value, str) and value.strip() == "original-updates":
        return "original-updates"
    try:
        number = to_whole(name, value)
    except ParameterError:
        number = 0
    if number < 1:
        raise ParameterError(f"{name}={value!r}: must be a whole number >= 1 or \"original-updates\".")
    return number


def to_seeds(name, value):
    """A list of distinct whole numbers, from a list or from text such as ``"1 2 3"``."""
    items = value.strip().strip("[]").replace(",", " ").split() if isinstance(value, str) else value  # "[1, 2]" too
    if not isinstance(items, (list, tuple)) or not items:
        raise ParameterError(f"{name}={value!r}: must be a list of whole numbers, e.g. [1, 2, 3].")
    seeds = [to_whole(name, item) for item in items]
    twice = sorted({seed for seed in seeds if seeds.count(seed) > 1})
    if twice:
        raise ParameterError(f"{name}={value!r}: seed(s) {', '.join(map(str, twice))} given more than once; each seed "
                             "counts once in the spread and the bootstrap.")
    return seeds


def to_strategy(name, value):
    """A ``tf.distribute`` strategy name (:data:`afrlib.distribute.STRATEGIES`), any case."""
    from afrlib.distribute import check_strategy

    if not isinstance(value, str):
        raise ParameterError(f"{name}={value!r}: must be a strategy name (none, mirrored or multi-worker).")
    return check_strategy(value.strip().lower())


#: Allowed range of the whole-number parameters (inclusive; None: no upper bound).
RANGES = {"sample_limit": (1, None), "depth": (1, 3), "epochs": (1, 10_000), "maxlen": (1, 10_000),
          "embedding_dim": (1, 4_096), "seed": (0, 2**32 - 1), "explain_steps": (1, None), "mistakes_shown": (0, None)}

CONVERTERS = {"bool": to_bool, "whole": to_whole, "fraction": to_fraction, "path": to_path, "batch": to_batch,
              "seeds": to_seeds, "strategy": to_strategy}


def check_parameter(name, value):
    """Convert one parameter to its kind (:data:`KINDS`).

    Args:
        name (str): the parameter's name.
        value: its value as injected or typed (``"no"``, ``"3"``, ``None`` ...).

    Returns:
        the typed value (bool, int, float, str, list[int] or None).

    Raises:
        ParameterError: an unknown parameter, or a value that is not of its kind; the message names it.
    """
    if name not in KINDS:
        raise ParameterError(f"{name}: not a parameter of the afr-lstm notebooks ({', '.join(sorted(KINDS))}).")
    kind = KINDS[name]
    if isinstance(value, str) and not value.strip():
        unset = " or null (unquoted) to leave it unset" if kind.startswith("optional ") else ""
        raise ParameterError(f"{name}: the value is empty; give a value{unset}. (An unset shell variable, or "
                             f"`{name}:` with nothing after it in a YAML file, gives an empty value.)")
    if kind.startswith("auto "):
        if isinstance(value, str) and value.strip().lower() == "auto":
            return "auto"
        try:
            return CONVERTERS[kind.removeprefix("auto ")](name, value)
        except ParameterError as exc:
            raise ParameterError(f"{exc} Or \"auto\".") from exc
    optional = kind.startswith("optional ")
    if optional:
        if value is None or (isinstance(value, str) and value.strip().lower() in NONE):
            return None
        kind = kind.removeprefix("optional ")
    try:
        converted = CONVERTERS[kind](name, value)
    except ParameterError as exc:
        quote = _quoted(value)
        if quote:
            raise ParameterError(f"{exc} The value holds its own quotes ({quote}...{quote}): they reached afr-lstm "
                                 "as part of the text (quoted twice in the shell or the YAML file); write it "
                                 "without them.") from exc
        if optional:
            raise ParameterError(f"{exc} Or null (unquoted) to leave it unset.") from exc
        raise
    if name in RANGES:
        low, high = RANGES[name]
        if converted < low or (high is not None and converted > high):
            allowed = f"{low} to {high:,}" if high is not None else f">= {low}"
            raise ParameterError(f"{name}={value!r}: must be a whole number {allowed}.")
    return converted


#: Path parameters that name a file, and those that name a folder (relative paths count from the project root,
#: where the notebooks run).
FILE_PATHS = {"metrics_path", "summary_path"}
FOLDER_PATHS = {"figures_dir", "model_dir", "cache_dir", "metrics_dir", "models_dir", "sweep_dir"}


def check_parameters(namespace):
    """Typed values of the notebook parameters found in ``namespace``, to put back into it.

    A notebook calls ``globals().update(parameters.check_parameters(globals()))`` right after its
    parameters cell, so every later cell sees typed values.

    Args:
        namespace (dict): the notebook's globals (or any mapping holding parameters by name).

    Returns:
        dict: ``{name: typed value}`` for every name of :data:`KINDS` present in ``namespace``.

    Raises:
        ParameterError: the first parameter whose value is not of its kind; a file path (:data:`FILE_PATHS`) that
            is a folder, or a folder path (:data:`FOLDER_PATHS`) that is a file (the run would fail at its end).
    """
    checked = {name: check_parameter(name, namespace[name]) for name in KINDS if name in namespace}
    for name, value in checked.items():
        if name in FILE_PATHS and Path(value).is_dir():
            raise ParameterError(f"{name}={value!r} is a folder; give the path of the file to write (a .json).")
        if name in FOLDER_PATHS and Path(value).is_file():
            raise ParameterError(f"{name}={value!r} is a file; give a folder.")
    return checked



def check_depth_outputs(depth, **paths):
    """Refuse output paths named for another LSTM depth than ``depth``.

    A depth notebook run with another ``depth`` (``lstm_1_layer.ipynb -p depth=2``) would otherwise
    save a 2-layer model and its metrics under ``lstm_1_layer`` names.

    Args:
        depth (int): the run's depth; paths: parameter name -> path (text).

    Raises:
        ParameterError: a path that names ``lstm_<k>_layer`` with ``k`` not ``depth``.
    """
    for name, path in paths.items():
        found = re.search(r"lstm_(\d+)_layer", str(path))
        if found and int(found.group(1)) != depth:
            raise ParameterError(f"depth={depth}, but {name}={str(path)!r} is named for depth {found.group(1)}. Run "
                                 f"notebooks/lstm_{depth}_layer.ipynb, or give outputs named for depth {depth}.")
