"""Exceptions and warnings raised by landkit.

Every landkit error is also a :class:`ValueError`, so callers that already
catch ``ValueError`` keep working. A message names the layer, the column, the
offending ids (the first few and a count) and the fix.

Every landkit warning is a :class:`LandkitWarning` (a :class:`UserWarning`) of
a named kind, so a caller filters warnings by category, never by message text:

>>> import warnings
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore", GeometryRepairedWarning)
...     warnings.simplefilter("error", DataWarning)
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "CRSError",
    "DataWarning",
    "GeometryError",
    "GeometryRepairedWarning",
    "InputError",
    "InputNotesWarning",
    "LandkitError",
    "LandkitWarning",
    "OutputWarning",
    "SchemaError",
    "UnrecognisedColumnsWarning",
    "describe_ids",
]


class LandkitError(ValueError):
    """Base class of every error landkit raises on bad input."""


class SchemaError(LandkitError):
    """A layer or table lacks a column, or holds values of the wrong kind."""


class CRSError(LandkitError):
    """A layer has no coordinate reference system, or one that cannot be used."""


class GeometryError(LandkitError):
    """Geometries are missing, empty, of the wrong type, or cannot be repaired."""


class InputError(LandkitError):
    """An argument or a file is unusable (unknown option, unreadable file)."""


class LandkitWarning(UserWarning):
    """Base class of every warning landkit gives."""


class GeometryRepairedWarning(LandkitWarning):
    """Invalid geometries were repaired (``make_valid``, polygonal part kept); results flag them."""


class DataWarning(LandkitWarning):
    """Input data are incomplete or disagree: rows left out, values replaced or not used."""


class OutputWarning(LandkitWarning):
    """An output cannot hold everything: a format truncates names, a font lacks glyphs."""


def describe_ids(ids: Iterable[object], *, first: int = 5) -> str:
    """Return the first few ids and how many there are, for error messages.

    Examples
    --------
    >>> describe_ids(["P1", "P2"])
    'P1, P2 (2 in all)'
    >>> describe_ids(range(8), first=3)
    '0, 1, 2, … (8 in all)'
    """
    ids = list(ids)
    shown = ", ".join(str(i) for i in ids[:first])
    more = ", …" if len(ids) > first else ""
    return f"{shown}{more} ({len(ids)} in all)"


class UnrecognisedColumnsWarning(DataWarning):
    """A layer holds columns that look like canonical columns but were not recognised."""


class InputNotesWarning(DataWarning):
    """landkit had to interpret a non-standard input (a header, a ring, an id) and says how."""
