"""Exceptions raised by afrlib.

Every error a user can meet carries a one-paragraph message naming the file or
parameter, what was wrong, and what to do about it.
"""


class AfrError(Exception):
    """Base class for the errors afrlib raises on bad input."""


class DataError(AfrError, ValueError):
    """The reviews file is missing, unreadable, or does not hold the Kaggle schema."""


class ParameterError(AfrError, ValueError):
    """A run parameter (maxlen, epochs, validation_split, ...) is out of range."""


def check_whole_number(name, value, low, high=None, hint=""):
    """Raise :class:`ParameterError` unless ``value`` is an int (``bool`` excluded) in ``[low, high]``.

    The message names the parameter, the value, the allowed range and ``hint`` (e.g. the default).
    """
    import numbers

    inside = (isinstance(value, numbers.Integral) and not isinstance(value, bool)
              and value >= low and (high is None or value <= high))
    if not inside:
        allowed = f"{low} to {high:,}" if high is not None else f">= {low}"
        raise ParameterError(f"{name}={value!r}: must be a whole number {allowed}{hint}.")


def check_fraction(name, value, hint=""):
    """Raise :class:`ParameterError` unless ``value`` is a real number strictly between 0 and 1."""
    import numbers

    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < value < 1:
        raise ParameterError(f"{name}={value!r}: must be a number strictly between 0 and 1{hint}.")
