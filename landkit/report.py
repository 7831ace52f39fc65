"""Excel reports: a summary per park and sheets of findings, for officials to read.

One workbook holds

* ``汇总`` — a row per park, :data:`SUMMARY_COLUMNS` only, so that it prints
  on one A4 page width: the park (id, name, level, county, approved and
  measured area, its own three-line status), its parcels, three-line
  violations and their areas, idle findings by kind and their fees, and
  parcels below a control indicator; the parks' other attributes are left out;
* ``三线违规`` — the parcels whose three-line ``status`` is ``violation``;
* ``指标`` — parcel metrics;
* ``闲置`` — parcels with an idle finding (every ``idle_status`` except
  ``active`` and ``insufficient_data``);
* ``来源`` — the provenance of the inputs.

The workbook is laid out by :func:`landkit.workbook.write_workbook`: a title,
the as-of date, Chinese headers with units, codes by their Chinese names,
names beside ids, typed and formatted numbers, A4 print set-up. The
three-line ``status`` is headed 三线状态 (column ``three_line_status``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from .constraints import LINE_KEYS, line_columns
from .errors import InputError
from .idle import FLAGGED
from .ids import id_keys, join_on_ids
from .labels import as_boolean
from .provenance import KEY as PROVENANCE_KEY
from .workbook import write_workbook

__all__ = ["write_report"]

_FIRST = ("park_id", "parcel_id", "name")
_THREE_LINE_KEY = (
    "three_line_status",
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

SUMMARY_COLUMNS = (
    "park_id",
    "name",
    "level",
    "county",
    "approved_area_ha",
    "area_ha",
    "three_line_status",
    "violations",
    "parcel_count",
    "violation_count",
    *(f"parcel_{line_columns(key)[0]}" for key in LINE_KEYS),
    *(f"{code}_count" for code in FLAGGED),
    "idle_fee_wan_yuan",
    "below_standard_count",
)
"""The columns of the ``汇总`` sheet, in order (those present)."""

_LEFT_OUT = ("reason",)
"""Notes in English from the metrics; their ``not_evaluated`` codes say the same in Chinese."""

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
    table = table[first + [col for col in table.columns if col not in first + list(_LEFT_OUT)]]
    table.attrs = {key: value for key, value in frame.attrs.items() if key == PROVENANCE_KEY}
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


def _three_line_status(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """The frame with its three-line ``status`` named ``three_line_status``."""
    if frame is None or "status" not in frame.columns:
        return frame
    return frame.rename(columns={"status": "three_line_status"})


def _sheets(
    parks: pd.DataFrame | None,
    three_lines: pd.DataFrame | None,
    metrics: pd.DataFrame | None,
    idle: pd.DataFrame | None,
) -> dict[str, pd.DataFrame]:
    summary = _summary(_three_line_status(parks), three_lines, metrics, idle)
    summary = summary[[col for col in SUMMARY_COLUMNS if col in summary.columns]]
    summary.attrs = _table(parks).attrs if parks is not None else {}
    sheets = {"汇总": summary}
    if three_lines is not None:
        found = three_lines[three_lines["status"].eq("violation")]
        sheets["三线违规"] = _table(_three_line_status(found), _THREE_LINE_KEY)
    if metrics is not None:
        sheets["指标"] = _table(metrics)
    if idle is not None:
        sheets["闲置"] = _table(idle[idle["idle_status"].isin(FLAGGED)], _IDLE_KEY)
    return sheets


def write_report(
    target,
    *,
    parks: pd.DataFrame | None = None,
    three_lines: pd.DataFrame | None = None,
    metrics: pd.DataFrame | None = None,
    idle: pd.DataFrame | None = None,
    provenance: Mapping[str, object] | None = None,
    as_of: object = None,
    title: str = "开发区土地核查报告",
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
    as_of : date or str, optional
        The date the findings hold for, printed under the title.
    title : str
        The title printed above each sheet.

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
    sheets = _sheets(parks, three_lines, metrics, idle)
    names = [frame for frame in (parks, three_lines, idle) if frame is not None]
    return write_workbook(
        sheets, target, title=title, as_of=as_of, names=[_table(f) for f in names], notes=provenance
    )
