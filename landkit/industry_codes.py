"""GB/T 4754 industry codes in every written form.

Registers write the same class of the 国民经济行业分类 as ``"C2614"``, ``"2614"``,
``"C26"``, ``"26"``, or as the number 2614 or 26.0 from a spreadsheet cell. landkit
reads them all through :func:`normalise_industry_code` and :func:`industry_codes`, so
a rule keyed on the division ``"26"`` (parcels outside parks, protective distances,
plot-ratio minimums, industry shares) matches every one of them:

* the code is the digits of the class (大类 two digits, 中类 three, 小类 four); a
  leading 门类 letter is dropped after it is checked against the division;
* the 门类 (section) comes from the two-digit 大类 through the ``industry_sections``
  table of ``landkit/standards/`` for the code's edition (2002, 2011 or 2017); 2011
  and 2017 codes share their sections up to 大类 75;
* 工业 (industry in the statistical sense: 门类 B 采矿业, C 制造业, D 电力、热力、燃气及水生产和供应业)
  is the table's ``industrial`` column.

A number that lost a leading zero (6 for ``"06"``, 610 for ``"0610"``) is ambiguous
when it has three digits (``"0610"`` 小类 or ``"610"``?), and a letter that names
another section than the digits (``"D2614"``) is a contradiction: both raise
:class:`~landkit.errors.InputError` naming the values and the fix.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd

from . import standards
from .errors import InputError, describe_ids

__all__ = ["EDITIONS", "industry_codes", "industry_section", "normalise_industry_code"]

EDITIONS = (2002, 2011, 2017)
"""The editions of GB/T 4754 landkit reads."""

_TABLE = "industry_sections"
_PATTERN = re.compile(r"^([A-Za-z]?)\s*(\d{2,4})$")


@cache
def _sections() -> dict[tuple[int, str], tuple[str, bool]]:
    """(edition, two-digit division) → (section letter, industrial)."""
    out = {}
    for row in standards.table(_TABLE).itertuples():
        for division in range(int(row.code_first), int(row.code_last) + 1):
            out[(int(row.edition), f"{division:02d}")] = (row.section, row.industrial == "true")
    return out


def _edition(value: object) -> int:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return 2017
    edition = int(float(value))
    if edition not in EDITIONS:
        msg = f"industry_code_edition {value!r} is not known. Fix: use one of {EDITIONS}."
        raise InputError(msg)
    return edition


def _digits(value: object) -> str | None:
    """The digits of one code, or None when the cell is empty; ValueError when unreadable."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, np.integer, float, np.floating)):
        if not float(value).is_integer() or value < 0:
            raise ValueError(value)
        text = str(int(value))
        if len(text) == 1:  # a division below 10 that lost its leading zero
            return f"0{text}"
        if len(text) not in (2, 4):  # 3 digits: "0610" or "610"? the number cannot say
            raise ValueError(value)
        return text
    text = str(value).strip().replace(" ", "")
    if not text:
        return None
    match = _PATTERN.match(text)
    if match is None:
        raise ValueError(value)
    return match.group(1).upper() + match.group(2)


def _normalised(value: object, edition: int) -> tuple[str, str, bool] | None:
    """(digits, section, industrial) of one code; ValueError when unreadable or contradictory."""
    written = _digits(value)
    if written is None:
        return None
    letter, digits = (written[0], written[1:]) if written[0].isalpha() else ("", written)
    found = _sections().get((edition, digits[:2]))
    if found is None or (letter and letter != found[0]):
        raise ValueError(value)
    return digits, found[0], found[1]


def normalise_industry_code(value: object, *, edition: int = 2017) -> str | None:
    """The digits of a GB/T 4754 code written in any form; None for an empty cell.

    Parameters
    ----------
    value : str, int or float
        ``"C2614"``, ``"2614"``, ``"C26"``, ``"26"``, 2614, 26.0 ….
    edition : {2017, 2011, 2002}
        The edition the code belongs to (sections differ between editions).

    Returns
    -------
    str or None
        ``"2614"``, ``"26"`` …: the form the rule tables are keyed on (by prefix).

    Raises
    ------
    InputError
        The text is no code, its letter names another 门类 than its digits, or a
        number has three digits (a lost leading zero cannot be told from a 中类).

    Examples
    --------
    >>> [normalise_industry_code(v) for v in ("C2614", "2614", "C26", "26", 2614, 26.0, None)]
    ['2614', '2614', '26', '26', '2614', '26', None]
    >>> normalise_industry_code("D4411"), normalise_industry_code(6)
    ('4411', '06')
    """
    found = industry_codes(pd.Series([value], dtype=object), edition=edition, layer="value")
    code = found["industry_code"].iloc[0]
    return None if pd.isna(code) else code


def industry_section(value: object, *, edition: int = 2017) -> str | None:
    """The 门类 letter of a code in any form (from its 大类 and the standards table).

    Examples
    --------
    >>> industry_section("2614"), industry_section("D4411"), industry_section("08")
    ('C', 'D', 'B')
    """
    found = industry_codes(pd.Series([value], dtype=object), edition=edition, layer="value")
    section = found["industry_section"].iloc[0]
    return None if pd.isna(section) else section


def industry_codes(
    codes: pd.Series,
    editions: pd.Series | None = None,
    *,
    edition: int = 2017,
    layer: str = "layer",
    ids: pd.Series | None = None,
) -> pd.DataFrame:
    """Normalise a column of industry codes (see the module notes).

    Parameters
    ----------
    codes : Series
        Codes in any form (text or numbers); empty cells stay empty.
    editions : Series, optional
        The edition of each row (an ``industry_code_edition`` column); empty
        cells use ``edition``.
    edition : {2017, 2011, 2002}
        The default edition.
    layer : str
        The layer named in an error.
    ids : Series, optional
        The row ids named in an error (default: the index labels).

    Returns
    -------
    DataFrame
        On the index of ``codes``: ``industry_code`` (digits, e.g. ``"2614"``),
        ``industry_division`` (``"26"``), ``industry_section`` (``"C"``) and
        ``industrial`` (门类 B, C or D; nullable boolean, NA for an empty code).

    Raises
    ------
    InputError
        Listing every unreadable or contradictory code with its row ids.

    Examples
    --------
    >>> import landkit as lk
    >>> parcels = lk.read_layer(lk.sample_data_path(), "parcels")
    >>> codes = industry_codes(parcels["industry_code"], parcels["industry_code_edition"])
    >>> plant = codes.loc[parcels["case"] == "chemical_plant"].iloc[0]
    >>> plant["industry_code"], plant["industry_section"], bool(plant["industrial"])
    ('26', 'C', True)
    """
    default = _edition(edition)
    row_editions = (
        [default] * len(codes)
        if editions is None
        else [default if pd.isna(e) else _edition(e) for e in editions.tolist()]
    )
    labels = codes.index if ids is None else pd.Index(ids)
    found: dict[tuple[object, int], tuple | None] = {}
    rows, bad = [], []
    for value, row_edition, name in zip(codes.tolist(), row_editions, labels, strict=True):
        key = (value if not isinstance(value, float) or not np.isnan(value) else None, row_edition)
        if key not in found:
            try:
                found[key] = _normalised(value, row_edition)
            except ValueError:
                found[key] = ValueError
        result = found[key]
        if result is ValueError:
            bad.append((name, value))
            result = None
        rows.append(
            (None, None, None, pd.NA) if result is None else (result[0], result[0][:2], *result[1:])
        )
    if bad:
        values = sorted({str(v) for _, v in bad})
        msg = (
            f"{layer}: column 'industry_code' holds {len(bad)} values that are no GB/T 4754 code "
            f"of their edition, or whose 门类 letter names another section than the 大类 "
            f"({describe_ids(values)}; rows {describe_ids([n for n, _ in bad])}). Fix: write the "
            f"code as text with its leading zero (\"0610\", \"C2614\" or \"2614\")."
        )
        raise InputError(msg)
    out = pd.DataFrame(
        rows,
        index=codes.index,
        columns=["industry_code", "industry_division", "industry_section", "industrial"],
        dtype=object,
    )
    out["industrial"] = out["industrial"].astype("boolean")
    return out
