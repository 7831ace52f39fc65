"""Excel reports: a summary per park and sheets of findings, for officials to read.

One workbook holds

* ``汇总`` — a row per park: parcels, three-line violations and their areas,
  idle findings and fees, parcels below a control indicator;
* ``三线违规`` — the features whose ``status`` is ``violation``;
* ``指标`` — parcel metrics;
* ``闲置`` — parcels with an idle finding (every ``idle_status`` except
  ``active`` and ``insufficient_data``);
* ``来源`` — the provenance of the inputs.

Headers are Chinese with units and codes are shown by their Chinese names, both
from the label tables (:mod:`landkit.labels`); the header row is frozen,
numbers stay numbers (fractions are formatted as percentages) and dates are
dates.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .constraints import LINE_KEYS, line_columns
from .errors import InputError
from .idle import FLAGGED
from .ids import id_keys, join_on_ids
from .io import atomic_path
from .labels import as_boolean, column_label, is_fraction, value_label
from .provenance import KEY as PROVENANCE_KEY

__all__ = ["write_report"]

_FIRST = ("park_id", "parcel_id", "name")
_THREE_LINE_KEY = (
    "status",
    "violations",
    "area_m2",
    "area_mu",
    *(col for key in LINE_KEYS for col in line_columns(key)[:2]),
)
_IDLE_KEY = (
    "idle_status",
    "idle_since",
    "days_overdue",
    "idle_fee_wan_yuan",
    "recommended_action",
    "legal_basis",
)


# ------------------------------------------------------------------ the sheets


def _table(frame: pd.DataFrame | None, key: tuple[str, ...] = ()) -> pd.DataFrame | None:
    """A plain DataFrame without geometry: ids, then ``key`` columns, then the rest."""
    if frame is None:
        return None
    table = pd.DataFrame(frame).copy()
    geometry = getattr(frame, "_geometry_column_name", None)
    if geometry in table.columns:
        table = table.drop(columns=geometry)
    if not any(col in table.columns for col in ("parcel_id", "park_id")) and (
        table.index.name is not None
    ):
        table = table.reset_index()
    first = [col for col in (*_FIRST, *key) if col in table.columns]
    table = table[first + [col for col in table.columns if col not in first]]
    table.attrs = {}
    return table.reset_index(drop=True)


def _with_park_id(frame: pd.DataFrame | None, *sources: pd.DataFrame | None):
    """The frame with ``park_id`` looked up by ``parcel_id`` in another result, when it lacks one."""
    if frame is None or "park_id" in frame.columns or "parcel_id" not in frame.columns:
        return frame
    for source in sources:
        if source is not None and {"parcel_id", "park_id"} <= set(source.columns):
            keys = id_keys(source["parcel_id"])
            lookup = pd.Series(source["park_id"].to_numpy(), index=keys)
            lookup = lookup[keys.notna() & ~keys.duplicated()]
            return frame.assign(park_id=lookup.reindex(id_keys(frame["parcel_id"])).to_numpy())
    return frame


def _count(frame: pd.DataFrame | None, mask: pd.Series, name: str) -> pd.Series | None:
    if frame is None or "park_id" not in frame.columns:
        return None
    return _by_park(frame, mask).sum().astype(int).rename(name)


def _by_park(frame: pd.DataFrame, values: pd.Series):
    """``values`` grouped by the frame's park ids, numbers and text alike (see ``id_keys``)."""
    return values.groupby(id_keys(frame["park_id"]).to_numpy())


def _summary(
    parks: pd.DataFrame | None,
    three_lines: pd.DataFrame | None,
    metrics: pd.DataFrame | None,
    idle: pd.DataFrame | None,
) -> pd.DataFrame:
    """A row per park: what the parcel results add up to."""
    parts: list[pd.Series] = []
    if three_lines is not None and "status" in three_lines.columns:
        violation = three_lines["status"].eq("violation")
        parts.append(_count(three_lines, pd.Series(True, index=three_lines.index), "parcel_count"))
        parts.append(_count(three_lines, violation, "violation_count"))
        for key in LINE_KEYS:
            column = line_columns(key)[0]
            if column in three_lines.columns and "park_id" in three_lines.columns:
                total = _by_park(three_lines, three_lines[column]).sum(min_count=1)
                parts.append(total.rename(f"parcel_{column}"))
    if idle is not None and "idle_status" in idle.columns:
        status = idle["idle_status"]
        for code in FLAGGED:
            parts.append(_count(idle, status.eq(code), f"{code}_count"))
        if "idle_fee_wan_yuan" in idle.columns and "park_id" in idle.columns:
            parts.append(_by_park(idle, idle["idle_fee_wan_yuan"]).sum(min_count=1))
    if metrics is not None:
        meets = [col for col in metrics.columns if col.startswith("meets_")]
        if meets:
            below = metrics[meets].apply(as_boolean).eq(False).fillna(False).any(axis=1)
            parts.append(_count(metrics, below, "below_standard_count"))
    parts = [p for p in parts if p is not None]
    found = pd.concat(parts, axis=1) if parts else None
    if parks is not None:
        base = _table(parks)
        if "park_id" not in base.columns:
            msg = "parks: the summary needs a park_id column. Fix: pass parks with park_id."
            raise InputError(msg)
        if found is None:
            return base
        found = found.drop(columns=[col for col in found.columns if col in base.columns])
        wanted = id_keys(base["park_id"])
        join_on_ids(found.index, wanted, what="the parcel results' park_id")
        found = found.reindex(wanted)
        found.index = base.index
        counts = [col for col in found.columns if col.endswith("_count")]
        found[counts] = found[counts].fillna(0).astype(int)
        return pd.concat([base, found], axis=1)
    if found is None:
        return pd.DataFrame({"park_id": []})
    return found.rename_axis("park_id").reset_index()


def _sheets(
    parks: pd.DataFrame | None,
    three_lines: pd.DataFrame | None,
    metrics: pd.DataFrame | None,
    idle: pd.DataFrame | None,
) -> dict[str, pd.DataFrame]:
    sheets = {"汇总": _summary(parks, three_lines, metrics, idle)}
    if three_lines is not None:
        found = three_lines[three_lines["status"].eq("violation")]
        sheets["三线违规"] = _table(found, _THREE_LINE_KEY)
    if metrics is not None:
        sheets["指标"] = _table(metrics)
    if idle is not None:
        sheets["闲置"] = _table(idle[idle["idle_status"].isin(FLAGGED)], _IDLE_KEY)
    return sheets


# ---------------------------------------------------------------- writing cells

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def _cell(value: object, column: str) -> tuple[object, str | None]:
    """The value an Excel cell holds and its number format."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None, None
    if isinstance(value, bool | np.bool_):
        return value_label(column, value), None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date(), "yyyy-mm-dd"
    if isinstance(value, dt.date):
        return value, "yyyy-mm-dd"
    if isinstance(value, pd.Timedelta):
        return value.days, "0"
    if isinstance(value, int | np.integer):
        return int(value), "0"
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return None, None
        if is_fraction(column):
            return float(value), "0.0%"
        return float(value), "#,##0.00"
    return value_label(column, str(value)), None


def _write_sheet(book: Workbook, title: str, table: pd.DataFrame) -> None:
    sheet = book.create_sheet(title)
    columns = [str(col) for col in table.columns]
    sheet.append([column_label(col) for col in columns])
    for cell in sheet[1]:
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    formats: dict[int, str] = {}
    for row in table.itertuples(index=False, name=None):
        values = []
        for position, (value, column) in enumerate(zip(row, columns, strict=True)):
            cell_value, number_format = _cell(value, column)
            values.append(cell_value)
            if number_format:
                formats[position] = number_format
        sheet.append(values)
    for position, number_format in formats.items():
        for (cell,) in sheet.iter_rows(min_row=2, min_col=position + 1, max_col=position + 1):
            if isinstance(cell.value, int | float | dt.date):
                cell.number_format = number_format
    for position, column in enumerate(columns, start=1):
        width = max(10, min(40, 2 * len(column_label(column)) + 2))
        sheet.column_dimensions[get_column_letter(position)].width = width
    sheet.freeze_panes = "B2" if len(columns) > 1 else "A2"
    if len(table):
        sheet.auto_filter.ref = sheet.dimensions


def _provenance_table(
    frames: Mapping[str, pd.DataFrame | None], extra: Mapping[str, object] | None
) -> pd.DataFrame:
    rows = []
    for name, frame in frames.items():
        record = getattr(frame, "attrs", {}).get(PROVENANCE_KEY) if frame is not None else None
        for key, value in (record or {}).items():
            rows.append({"结果": name, "项目": key, "值": str(value)})
    for key, value in (extra or {}).items():
        rows.append({"结果": "report", "项目": key, "值": str(value)})
    return pd.DataFrame(rows, columns=["结果", "项目", "值"])


def write_report(
    target,
    *,
    parks: pd.DataFrame | None = None,
    three_lines: pd.DataFrame | None = None,
    metrics: pd.DataFrame | None = None,
    idle: pd.DataFrame | None = None,
    provenance: Mapping[str, object] | None = None,
) -> Path:
    """Write an Excel report of parks and parcel findings.

    Parameters
    ----------
    target : str or Path
        The ``.xlsx`` file; written whole under a temporary name, then renamed.
    parks : DataFrame, optional
        The parks (``park_id``, ``name`` …), one summary row each; may be a
        :func:`landkit.check_three_lines` result for the parks themselves.
    three_lines : DataFrame, optional
        A :func:`landkit.check_three_lines` result for parcels (``status``,
        ``violations``, ``<line>_m2`` …).
    metrics : DataFrame, optional
        A :func:`landkit.parcel_metrics` result (``plot_ratio``, ``meets_*`` …);
        give it a ``parcel_id`` and ``park_id`` column (or a named index) to
        identify the rows.
    idle : DataFrame, optional
        A :func:`landkit.detect_idle` result (``idle_status``, ``idle_since`` …).
    provenance : mapping, optional
        Extra provenance items; the inputs' ``attrs["landkit_provenance"]``
        are written as well, to the ``来源`` sheet.

    Returns
    -------
    Path
        The workbook written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import landkit as lk
    >>> parks = lk.read_layer(lk.sample_data_path(), "parks")
    >>> parcels = lk.read_layer(lk.sample_data_path(), "parcels")
    >>> checked = lk.check_three_lines(parcels, lk.sample_data_path())
    >>> path = write_report(pathlib.Path(tempfile.mkdtemp()) / "report.xlsx",
    ...                     parks=parks, three_lines=checked)
    >>> import openpyxl
    >>> openpyxl.load_workbook(path).sheetnames
    ['汇总', '三线违规', '来源']
    """
    target = Path(target)
    if target.suffix.lower() != ".xlsx":
        msg = f"report: {target} is not an .xlsx file. Fix: name the report *.xlsx."
        raise InputError(msg)
    inputs = {"parks": parks, "three_lines": three_lines, "metrics": metrics, "idle": idle}
    if all(frame is None for frame in inputs.values()):
        msg = "report: nothing to report. Fix: pass parks, three_lines, metrics or idle."
        raise InputError(msg)
    for name, column in (("three_lines", "status"), ("idle", "idle_status")):
        frame = inputs[name]
        if frame is not None and column not in frame.columns:
            msg = f"{name}: the report needs the {column!r} column. Fix: pass the check's result."
            raise InputError(msg)
    metrics = _with_park_id(metrics, three_lines, idle)
    book = Workbook()
    book.remove(book.active)
    for title, table in _sheets(parks, three_lines, metrics, idle).items():
        _write_sheet(book, title, table)
    _write_sheet(book, "来源", _provenance_table(inputs, provenance))
    with atomic_path(target) as tmp:
        book.save(tmp)
    return target
