"""Column recognition: the canonical columns of each layer kind and the names they go by.

The canonical columns, their types and their aliases live in ``columns.csv``
beside this module (Chinese names, the pinyin-initial codes of bureau data such
as ``ZDDM`` or ``YDXZ``, English variants): add an alias there, not here.
Shapefiles cut field names to 10 bytes, so every Chinese alias is also
recognised in its cut forms, computed here: its first 5 characters (GBK, 2
bytes a character) and its first 3 (UTF-8, 3 bytes a character):
``约定动工日期`` is also ``约定动工日`` and ``约定动``. A cut that two columns of a
kind share is not recognised. Names that are not recognised are compared with
every alias, cut form and Chinese label to say which column they most likely
mean (:func:`likely_column`).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import geopandas as gpd
import pandas as pd

from .errors import SchemaError
from .labels import label

__all__ = [
    "KINDS",
    "feature_id_column",
    "feature_name_column",
    "find_column",
    "id_column",
    "likely_column",
    "recognise_column",
    "unrecognised_columns",
]

_SPATIAL_KINDS = {
    "parks": ("Polygon", "MultiPolygon"),
    "parcels": ("Polygon", "MultiPolygon"),
    "buildings": ("Polygon", "MultiPolygon"),
    "lines": ("Polygon", "MultiPolygon"),
    "counties": ("Polygon", "MultiPolygon"),
    "roads": ("LineString", "MultiLineString", "Polygon", "MultiPolygon"),
    "rivers": ("LineString", "MultiLineString", "Polygon", "MultiPolygon"),
}
_TABLE_KINDS = ("park_history", "enterprises")
KINDS = (*_SPATIAL_KINDS, *_TABLE_KINDS)


# ----------------------------------------------------------------- the tables


@cache
def _columns() -> pd.DataFrame:
    with resources.as_file(resources.files("landkit") / "columns.csv") as path:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table["required"] = table["required"] == "true"
    return table


def _spec(kind: str) -> pd.DataFrame:
    if kind not in KINDS:
        msg = f"unknown layer kind {kind!r}; kinds: {', '.join(KINDS)}"
        raise SchemaError(msg)
    return _columns()[_columns()["kind"] == kind]


def id_column(kind: str) -> str | None:
    """The id column of a layer kind (``parcel_id`` for parcels), or None.

    Examples
    --------
    >>> id_column("parcels"), id_column("roads")
    ('parcel_id', None)
    """
    spec = _spec(kind)
    ids = spec[(spec["dtype"] == "id") & spec["required"]]["column"].tolist()
    preferred = {"parcels": "parcel_id", "park_history": "park_id"}
    if kind in preferred:
        return preferred[kind]
    return ids[0] if ids else None



def _norm_name(name: object) -> str:
    text = str(name).strip().lower()
    text = re.sub(r"[（(][^）)]*[）)]$", "", text)  # a trailing unit: 总建筑面积（m²）
    return re.sub(r"\s+", "", text)



def _cuts(alias: str) -> set[str]:
    """The names a shapefile makes of a long alias: its first 10 bytes in GBK and in UTF-8.

    A dBase field name holds 10 bytes: 5 Chinese characters in GBK, 3 in UTF-8.

    >>> sorted(_cuts("约定动工日期"))
    ['约定动', '约定动工日']
    """
    out = set()
    for encoding in ("gbk", "utf-8"):
        data = alias.encode(encoding, errors="ignore")
        if len(data) > 10:
            out.add(data[:10].decode(encoding, errors="ignore"))
    return out


@dataclass(frozen=True)
class _Names:
    exact: dict[str, str]
    """Normalised canonical names and aliases → canonical column."""
    cut: dict[str, str]
    """Normalised 10-byte cuts of aliases that name one column only → canonical column."""
    near: dict[str, tuple[str, ...]]
    """Every name a column goes by (aliases, cuts, its label) → the columns it may mean."""


@cache
def _names(kind: str) -> _Names:
    spec = _spec(kind)
    exact: dict[str, str] = {}
    cuts: dict[str, set[str]] = {}
    near: dict[str, set[str]] = {}
    for row in spec.itertuples():
        names = [row.column, *filter(None, row.aliases.split("|"))]
        for name in names:
            exact.setdefault(_norm_name(name), row.column)
            for cut in _cuts(name):
                cuts.setdefault(_norm_name(cut), set()).add(row.column)
        for name in [*names, label(row.column), *(c for n in names for c in _cuts(n))]:
            near.setdefault(_norm_name(name), set()).add(row.column)
    cut = {
        name: next(iter(targets))
        for name, targets in cuts.items()
        if len(targets) == 1 and name not in exact and len(name) > 1
    }
    return _Names(exact, cut, {name: tuple(sorted(t)) for name, t in near.items()})


def recognise_column(name: str, kind: str) -> str | None:
    """The canonical column a column name means in a layer kind, or None.

    Canonical names, the aliases of ``columns.csv`` (Chinese, pinyin-initial
    codes, English) and the 10-byte cuts shapefiles make of the Chinese
    aliases (5 characters in GBK, 3 in UTF-8) are recognised; a cut that two
    columns share is not.

    Examples
    --------
    >>> [recognise_column(n, "parcels") for n in ("约定动工日", "实际动工日", "ZDDM", "用地性质")]
    ['agreed_start_date', 'actual_start_date', 'parcel_id', 'land_use']
    >>> recognise_column("备注", "parcels") is None
    True
    """
    names = _names(kind)
    key = _norm_name(name)
    return names.exact.get(key) or names.cut.get(key)


def likely_column(name: str, kind: str) -> str | None:
    """The canonical column an unrecognised column name most likely means, or None.

    Compares the name with every alias, cut form and Chinese label of the
    kind's columns (:mod:`difflib`; a name that begins an alias counts too).

    Examples
    --------
    >>> likely_column("约定动工日期1", "parcels"), likely_column("实际动工_1", "parcels")
    ('agreed_start_date', 'actual_start_date')
    >>> likely_column("备注", "parcels") is None
    True
    """
    key = _norm_name(name)
    near = _names(kind).near
    if not key:
        return None
    cjk = any(ord(ch) > 0x2E80 for ch in key)
    scored = []
    for alias, targets in near.items():
        ratio = difflib.SequenceMatcher(None, key, alias).ratio()
        if cjk and len(key) >= 2 and alias.startswith(key):
            ratio = max(ratio, 0.8)
        scored.append((ratio, alias, targets))
    ratio, _, targets = max(scored, key=lambda item: item[0])
    cutoff = 0.55 if cjk else 0.8  # short codes such as HXBM and HXMC differ in meaning
    return targets[0] if ratio >= cutoff and len(targets) == 1 else None


def unrecognised_columns(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The columns of a layer landkit does not use, each with the column it most likely means.

    Columns that are canonical for ``kind``, recognised aliases, landkit's own
    result columns (those with a label) and the geometry are left out.

    Returns
    -------
    DataFrame
        ``column``, ``likely_column`` (None when nothing is close) and
        ``likely_label`` (its Chinese name).

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame(columns=["宗地编号", "约定动工日期1", "备注"])
    >>> unrecognised_columns(table, "parcels").to_dict("records")[0]
    {'column': '约定动工日期1', 'likely_column': 'agreed_start_date', 'likely_label': '约定动工日期'}
    """
    spec = _spec(kind)
    canonical = set(spec["column"])
    geometry_name = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    rows = []
    for col in frame.columns:
        text = str(col)
        if (
            col == geometry_name
            or text in canonical
            or recognise_column(text, kind)
            or label(text) != text
            or text.endswith("_precision")
        ):
            continue
        likely = likely_column(text, kind)
        rows.append((text, likely, label(likely) if likely else None))
    return pd.DataFrame(rows, columns=["column", "likely_column", "likely_label"])


def find_column(frame: pd.DataFrame, column: str, kinds: tuple[str, ...]) -> str | None:
    """The column of ``frame`` that means the canonical ``column`` in one of ``kinds``, or None.

    An explicit mapping kept in ``frame.attrs`` (``columns=`` on read) comes
    first, then the canonical name itself, then a recognised alias, kind by kind.

    Examples
    --------
    >>> import pandas as pd
    >>> parks = pd.DataFrame(columns=["园区代码", "开发区名称"])
    >>> find_column(parks, "park_id", ("parcels", "parks")), find_column(parks, "name", ("parks",))
    ('园区代码', '开发区名称')
    """
    explicit = {t: s for s, t in frame.attrs.get("landkit_columns", {}).items()}
    if explicit.get(column) in frame.columns:
        return explicit[column]
    if column in frame.columns:
        return column
    for kind in kinds:
        for col in frame.columns:
            if recognise_column(str(col), kind) == column:
                return col
    return None


def feature_id_column(frame: pd.DataFrame) -> str | None:
    """The id column of parcels or parks: ``parcel_id`` or ``park_id``, canonical or recognised."""
    return find_column(frame, "parcel_id", ("parcels",)) or find_column(
        frame, "park_id", ("parks",)
    )


def feature_name_column(frame: pd.DataFrame) -> str | None:
    """The name column of parcels or parks (名称, 开发区名称, 宗地名称 …)."""
    return find_column(frame, "name", ("parks", "parcels"))
