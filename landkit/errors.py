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
    """Base class of every warning landkit gives.

    A warning may carry its text in Chinese (:attr:`zh`) and the layer it is about
    (:attr:`layer`); the command line and the summaries show them
    (:func:`landkit.labels.warning_text`) after a head naming the warning's kind
    (已修复, 数据提示 …); without them they show the message itself.
    """

    zh: str | None = None
    layer: str | None = None

    @classmethod
    def said(cls, message: str, zh: str, *, layer: str | None = None) -> LandkitWarning:
        """This warning with its English message, its Chinese text and the layer it is about.

        Examples
        --------
        >>> w = DataWarning.said("parks: 2 parks lie in no county", "2 个园区不在任何县区内", layer="parks")
        >>> str(w), w.zh, w.layer
        ('parks: 2 parks lie in no county', '2 个园区不在任何县区内', 'parks')
        """
        warning = cls(message)
        warning.zh, warning.layer = zh, layer
        return warning


class GeometryRepairedWarning(LandkitWarning):
    """Invalid geometries were repaired (``make_valid``, polygonal part kept); results flag them.

    Examples
    --------
    >>> w = GeometryRepairedWarning.about("parcels", 1)
    >>> str(w)
    'parcels: repaired 1 invalid geometry (make_valid, polygonal part kept)'
    >>> w.layer, w.zh
    ('parcels', '1 个无效几何图形（make_valid，保留面状部分）')
    >>> GeometryRepairedWarning.about("parcels", 0, collections=2).zh
    '2 个几何集合（保留面状部分）'
    >>> GeometryRepairedWarning.about("parcels", 2, ids=["P1", "P2"]).zh
    '2 个无效几何图形（make_valid，保留面状部分），编号 P1、P2（共 2 个）'
    """

    @classmethod
    def about(
        cls,
        layer: str,
        count: int,
        *,
        ids: Iterable[object] | None = None,
        collections: int = 0,
    ) -> GeometryRepairedWarning:
        """The warning for ``count`` invalid geometries of ``layer`` repaired (``ids``:
        their ids) and ``collections`` geometry collections cut to their polygonal part."""
        ids = None if ids is None else list(ids)
        english, chinese = [], []
        if count:
            noun = "geometry" if count == 1 else "geometries"
            listed = f", ids {describe_ids(ids)}" if ids else ""
            english.append(f"repaired {count} invalid {noun} (make_valid, polygonal part kept{listed})")
            listed = f"，编号 {describe_ids(ids, zh=True)}" if ids else ""
            chinese.append(f"{count} 个无效几何图形（make_valid，保留面状部分）{listed}")
        if collections:
            plural = "s" * (collections > 1)
            english.append(f"kept the polygonal part of {collections} geometry collection{plural}")
            chinese.append(f"{collections} 个几何集合（保留面状部分）")
        warning = cls(f"{layer}: {'; '.join(english)}")
        warning.zh, warning.layer = "、".join(chinese), layer
        return warning


class DataWarning(LandkitWarning):
    """Input data are incomplete or disagree: rows left out, values replaced or not used."""


class OutputWarning(LandkitWarning):
    """An output cannot hold everything: a format truncates names, a font lacks glyphs."""


def describe_ids(ids: Iterable[object], *, first: int = 5, zh: bool = False) -> str:
    """Return the first few ids and how many there are, for messages (``zh``: in Chinese).

    Examples
    --------
    >>> describe_ids(["P1", "P2"])
    'P1, P2 (2 in all)'
    >>> describe_ids(range(8), first=3)
    '0, 1, 2, … (8 in all)'
    >>> describe_ids(["P1", "P2"], zh=True)
    'P1、P2（共 2 个）'
    """
    ids = list(ids)
    comma = "、" if zh else ", "
    shown = comma.join(str(i) for i in ids[:first])
    more = f"{comma}…" if len(ids) > first else ""
    count = f"（共 {len(ids)} 个）" if zh else f" ({len(ids)} in all)"
    return f"{shown}{more}{count}"


class UnrecognisedColumnsWarning(DataWarning):
    """A layer holds columns that look like canonical columns but were not recognised."""


class InputNotesWarning(DataWarning):
    """landkit had to interpret a non-standard input (a header, a ring, an id) and says how."""
