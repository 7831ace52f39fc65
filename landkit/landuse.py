"""Land-use codes: 用地用海分类 (2023), 三调 and GB 50137 codes mapped to one set of groups.

``land_use`` takes codes of the 2023 国土空间调查、规划、用途管制用地用海分类 (``"1001"``
工业用地, ``"0701"`` 城镇住宅用地 …). 三调 codes (``"0601"`` …) and GB 50137 codes
(``"M1"``, ``"R2"`` …) are mapped through ``standards/land_use_codes.csv`` to the same
groups. A code is looked up whole, then by its level-2 and level-1 prefix (``"100101"`` →
``"1001"`` → ``"10"``; ``"M1"`` → ``"M"``); a name such as ``"工业用地"`` is looked up when
the code is not found.

The 2023 and 三调 schemes reuse the same digits for different classes (``"0601"`` is 农村道路
in 2023 and 工业用地 in 三调), so the scheme of a numeric code is never guessed: it comes from
the ``land_use_scheme`` column or argument (default ``"2023"``). Codes with letters are
recognised: a leading letter means GB 50137, an ``H`` or a trailing ``A`` inside a numeric
code (``"05H1"``, ``"0810A"``) means 三调.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Literal

import numpy as np
import pandas as pd

from . import standards
from .errors import InputError

__all__ = ["SCHEMES", "map_land_use"]

Scheme = Literal["2023", "sandiao", "gb50137"]
SCHEMES = ("2023", "sandiao", "gb50137")
_SCHEME_ALIASES = {
    "2023": "2023",
    "用地用海": "2023",
    "sandiao": "sandiao",
    "三调": "sandiao",
    "gb50137": "gb50137",
    "gb 50137": "gb50137",
    "gb50137-2011": "gb50137",
}
_OUT = ("code_2023", "mix_group", "evaluation_class")


@cache
def _lookup() -> tuple[dict, dict]:
    table = standards.table("land_use_codes")
    by_code = {
        (row.scheme, row.code.upper()): tuple(getattr(row, c) for c in _OUT)
        for row in table.itertuples()
    }
    by_name = {}
    for scheme in SCHEMES:  # 2023 first: a name shared by two schemes means the 2023 class
        for row in table[table["scheme"] == scheme].itertuples():
            by_name.setdefault(row.name, tuple(getattr(row, c) for c in _OUT))
    return by_code, by_name


def _scheme_of(code: str, default: str) -> str:
    if re.match(r"^[A-Z]", code):
        return "gb50137"
    if re.match(r"^\d+H\d*$", code) or re.match(r"^\d{4}A$", code):
        return "sandiao"
    return default


def _candidates(code: str, scheme: str) -> list[str]:
    if scheme == "gb50137":
        return [code[:n] for n in range(len(code), 0, -1)]
    return list(dict.fromkeys(c for c in (code, code[:4], code[:2]) if c))


def _one(value: object, scheme: str) -> tuple[str, str, str] | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    text = str(value).strip()
    if not text:
        return None
    by_code, by_name = _lookup()
    code = text.upper()
    scheme = _scheme_of(code, scheme)
    for candidate in _candidates(code, scheme):
        if (scheme, candidate) in by_code:
            return by_code[(scheme, candidate)]
    return by_name.get(text)


def _normalise_scheme(value: object, default: str) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return default
    key = str(value).strip().lower()
    if key == "":
        return default
    if key not in _SCHEME_ALIASES:
        msg = (
            f"land_use_scheme {value!r} is not known. Fix: use one of "
            f"{', '.join(SCHEMES)} (用地用海 2023, 三调, GB 50137)."
        )
        raise InputError(msg)
    return _SCHEME_ALIASES[key]


def map_land_use(
    codes: pd.Series, *, scheme: Scheme | str = "2023", schemes: pd.Series | None = None
) -> pd.DataFrame:
    """Map land-use codes to 2023 codes, mix groups and evaluation classes.

    Parameters
    ----------
    codes : Series
        Land-use codes or names (text).
    scheme : {"2023", "sandiao", "gb50137"}
        Scheme of numeric codes when ``schemes`` does not say.
    schemes : Series, optional
        The scheme of each row (a ``land_use_scheme`` column); empty cells use ``scheme``.

    Returns
    -------
    DataFrame
        On the index of ``codes``: ``code_2023``, ``mix_group`` (industry, public_service,
        residential, ecological, other) and ``evaluation_class`` (the 开发区土地集约利用评价
        class of the land once built: ``A1``, ``A2`` … ``A6``, ``B12``; empty when the land is
        not construction land). Unknown or empty codes give None in every column.

    Examples
    --------
    >>> import pandas as pd
    >>> map_land_use(pd.Series(["100101", "M1", "0701", "1401", None]))["evaluation_class"].tolist()
    ['A2', 'A2', 'A1', 'A51', None]
    >>> map_land_use(pd.Series(["0601"]), scheme="sandiao")["code_2023"].tolist()
    ['1001']
    """
    default = _normalise_scheme(scheme, "2023")
    if schemes is None:
        row_schemes = [default] * len(codes)
    else:
        row_schemes = [_normalise_scheme(s, default) for s in schemes.tolist()]
    cache_: dict[tuple[object, str], tuple | None] = {}
    rows = []
    for value, row_scheme in zip(codes.tolist(), row_schemes, strict=True):
        key = (value, row_scheme)
        if key not in cache_:
            cache_[key] = _one(value, row_scheme)
        found = cache_[key]
        rows.append(found if found is not None else (None, None, None))
    out = pd.DataFrame(rows, index=codes.index, columns=list(_OUT), dtype=object)
    return out.where(out != "", None)
