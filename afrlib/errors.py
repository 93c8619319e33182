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
