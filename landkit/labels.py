"""Chinese display names: one vocabulary for every column and coded value a user sees.

Two tables beside this module hold the vocabulary; add a name there, not in code:

* ``labels.csv`` (``column,label_zh,unit``) names every input and result column;
* ``value_labels.csv`` (``field,value,label_zh``) names the coded values of a
  column: statuses (``status``, ``idle_status``, ``map_category`` …), rules,
  evidence, causes, line keys, park levels and yes/no (field ``bool``). A
  ``field`` cell may name several columns that share a vocabulary, separated
  by ``|``.

Maps, workbooks, the command line and the notebooks all read these names
through :func:`label`, :func:`column_label` and :func:`value_label`.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy as np
import pandas as pd

__all__ = [
    "BOOLEAN_WORDS",
    "as_boolean",
    "column_label",
    "is_fraction",
    "label",
    "labelled",
    "value_label",
    "value_labels",
    "warning_text",
    "yes_no",
]

BOOLEAN_WORDS = {
    True: ("true", "t", "yes", "y", "1", "是", "√"),
    False: ("false", "f", "no", "n", "0", "否", "×"),
}
"""The words read as yes and no (lower case), in input tables and result files."""

_FRACTIONS = frozenset(
    {"building_coefficient", "green_ratio", "admin_share", "building_density", "builtup_fraction"}
)
_LIST_FIELDS = frozenset(
    {"violations", "not_evaluated", "missing_fields", "example_values", "lines", "lines_absent"}
)
"""Columns holding several codes separated by ``;``."""
_COLUMN_FIELDS = frozenset({"not_evaluated", "missing_fields"})
"""Columns whose codes are column names (named by :func:`label` without unit)."""


@cache
def _table(name: str) -> pd.DataFrame:
    with resources.as_file(resources.files("landkit") / name) as path:
        return pd.read_csv(path, dtype=str, keep_default_na=False)


@cache
def _names() -> dict[str, str]:
    return dict(zip(*(_table("labels.csv")[col] for col in ("column", "label_zh")), strict=True))


@cache
def _labels() -> dict[str, str]:
    return {
        row.column: f"{row.label_zh}（{row.unit}）" if row.unit else row.label_zh
        for row in _table("labels.csv").itertuples()
    }


@cache
def _values() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for row in _table("value_labels.csv").itertuples():
        for field in row.field.split("|"):
            out.setdefault(field, {})[row.value] = row.label_zh
    return out


def label(column: str) -> str:
    """The Chinese display name of a column, with its unit; the column itself when unknown.

    Two families of columns are named from the column they derive from: the
    points an indicator scores (``points_<indicator>``) and a value per image
    date (``<column>_YYYYMMDD``).

    Examples
    --------
    >>> label("area_mu"), label("parcel_id"), label("no_such_column")
    ('面积（亩）', '宗地编号', 'no_such_column')
    >>> label("points_land_built_rate"), label("builtup_fraction_20250630")
    ('土地建成率得分（分）', '建成比例（2025-06-30）')
    """
    known = _labels().get(column)
    if known is not None:
        return known
    base, _, day = column.rpartition("_")
    if column.startswith("points_") and column[7:] in _names():
        return f"{_names()[column[7:]]}得分（分）"
    if base in _names() and len(day) == 8 and day.isdigit():
        return f"{_labels()[base]}（{day[:4]}-{day[4:6]}-{day[6:]}）"
    return column


def is_fraction(column: str) -> bool:
    """Whether a column holds a fraction (0.24) that is shown as a percentage (24 %).

    A threshold of a fraction (``green_ratio_max``, ``leading_share_target``)
    is a fraction too, and so is a fraction per image date
    (``builtup_fraction_20250630``); points scored (``points_…``) are not.

    Examples
    --------
    >>> is_fraction("green_ratio"), is_fraction("idle_land_rate"), is_fraction("plot_ratio")
    (True, True, False)
    >>> is_fraction("leading_share_target"), is_fraction("points_idle_land_rate")
    (True, False)
    """
    if column.startswith("points_"):
        return False
    base, _, tail = column.rpartition("_")
    if base and (tail in ("min", "max", "target") or (len(tail) == 8 and tail.isdigit())):
        column = base
    return column in _FRACTIONS or column.endswith(("_rate", "_share", "_fraction"))


def column_label(column: str) -> str:
    """The Chinese header of a column: its label with unit, ``（%）`` for fractions.

    Examples
    --------
    >>> column_label("area_mu"), column_label("building_coefficient")
    ('面积（亩）', '建筑系数（%）')
    """
    text = label(column)
    if is_fraction(column) and text != column and "（" not in text:
        text += "（%）"
    return text


def yes_no(value: object) -> str | None:
    """是 or 否 for a yes/no value (text such as "False" is read too); None when missing.

    Examples
    --------
    >>> yes_no(True), yes_no("false"), yes_no(None)
    ('是', '否', None)
    """
    truth = as_boolean(pd.Series([value], dtype=object)).iloc[0]
    return None if truth is pd.NA else _values()["bool"][str(bool(truth)).lower()]


def value_labels(field: str) -> dict[str, str]:
    """Every code of a column with its Chinese name (empty when the column has no codes).

    Examples
    --------
    >>> value_labels("three_line_status")
    {'compliant': '合规', 'violation': '三线违规', 'no_geometry': '无图形'}
    """
    return dict(_values().get(field, {}))


def value_label(field: str, value: object) -> str:
    """The Chinese name of a value of a column, for display.

    Codes are looked up in ``value_labels.csv``; yes/no values read 是/否;
    a land-use code (``land_use``) reads as the code and its name in the
    land-use classification (``standards/land_use_codes.csv``); a list of codes (``violations``, ``not_evaluated``: codes separated by
    ``;``) gives their names joined by ``、``. Any other value (a name, an id,
    free text) is returned as text.

    Examples
    --------
    >>> value_label("idle_status", "suspected_idle")
    '疑似闲置'
    >>> value_label("violations", "basic_farmland;urban_boundary")
    '永久基本农田、城镇开发边界外'
    >>> value_label("not_evaluated", "plot_ratio; green_ratio")
    '容积率、绿地率'
    >>> value_label("meets_plot_ratio", False), value_label("name", "经开区")
    ('否', '经开区')
    >>> value_label("land_use", "1001")
    '1001 工业用地'
    """
    if isinstance(value, bool | np.bool_):
        return _values()["bool"][str(bool(value)).lower()]
    text = str(value)
    if field in _LIST_FIELDS:
        codes = [code.strip() for code in text.split(";") if code.strip()]
        return "、".join(_one(field, code) for code in codes)
    if field == "land_use":
        name = _land_use_names().get(text.strip().upper())
        return f"{text.strip()} {name}" if name else text
    return _one(field, text)


@cache
def _land_use_names() -> dict[str, str]:
    """Land-use names by code (the first scheme listing a code names it)."""
    from . import standards

    names: dict[str, str] = {}
    for row in standards.load_table("land_use_codes").itertuples():
        names.setdefault(str(row.code).upper(), str(row.name))
    return names


def _one(field: str, code: str) -> str:
    named = _values().get(field, {}).get(code)
    if named is None and field in _COLUMN_FIELDS:
        names = [_names().get(part.strip()) for part in code.split(" or ")]
        named = "或".join(names) if all(names) else None  # ``a or b``: either column
    return code if named is None else named


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of a table for display: Chinese headers and coded values by their Chinese names.

    Headers come from :func:`label`; codes, lists of codes and yes/no values
    from :func:`value_label`. Other values (numbers, dates, names, geometry)
    are kept as they are.

    Examples
    --------
    >>> import landkit as lk
    >>> sample = lk.sample_data_path()
    >>> checked = lk.check_three_lines(lk.read_layer(sample, "parks"), sample)
    >>> labelled(checked[["park_id", "level", "status"]]).iloc[0].to_dict()
    {'园区编号': 'G531042', '级别': '国家级', '状态': '合规'}
    """
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        coded = str(column) in _values() or str(column) in (*_LIST_FIELDS, "land_use")
        if coded or values.dtype == bool or str(values.dtype) == "boolean":
            named = values.astype(object).map(
                lambda v, c=str(column): value_label(c, v), na_action="ignore"
            )
            out[column] = named.astype(object)
    return out.rename(columns=lambda column: label(str(column)))


def as_boolean(values: pd.Series) -> pd.Series:
    """A yes/no column as pandas' nullable boolean; text in :data:`BOOLEAN_WORDS` is read too.

    Examples
    --------
    >>> as_boolean(pd.Series(["True", "否", None, "?"])).tolist()
    [True, False, <NA>, <NA>]
    """
    try:
        return values.astype("boolean")
    except (TypeError, ValueError):
        words = {word: truth for truth, group in BOOLEAN_WORDS.items() for word in group}
        text = values.astype("string").str.strip().str.lower()
        return text.map(lambda t: words.get(t, pd.NA)).astype("boolean")


def warning_text(message: Warning | str) -> str:
    """A warning's text for a Chinese reader: its :attr:`zh` text about its layer, else the message.

    Examples
    --------
    >>> from landkit.errors import GeometryRepairedWarning
    >>> warning_text(GeometryRepairedWarning.about("parcels", 1))
    '图层“宗地”中 1 个无效几何图形（make_valid，保留面状部分）'
    >>> warning_text(UserWarning("as it was"))
    'as it was'
    """
    chinese = getattr(message, "zh", None)
    if not chinese:
        return str(message).strip()
    layer = getattr(message, "layer", None)
    return f"图层“{value_label('图层', layer)}”中 {chinese}" if layer else chinese
