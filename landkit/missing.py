"""Missing data (资料不足): the parcels a finding or a metric could not be decided for.

:func:`landkit.detect_idle` gives ``insufficient_data`` when no rule can be
decided, and :func:`landkit.parcel_metrics` leaves a control indicator
``not_evaluated`` when its value cannot be computed; both name the empty
fields, in English (``missing_fields``) and in Chinese (``missing_fields_zh``).
:func:`missing_data_table` gathers those rows into one table for the
workbook's 资料不足 sheet and the command-line summary.
"""

from __future__ import annotations

import pandas as pd

from .columns import feature_name_column, find_column
from .labels import value_label
from .metrics import INDICATOR_INPUTS

__all__ = ["MISSING_DATA_COLUMNS", "missing_data_table"]

MISSING_DATA_COLUMNS = ("parcel_id", "name", "subject", "missing_fields_zh", "missing_fields")
"""The columns of :func:`missing_data_table` (宗地编号, 名称, 判定或指标, 缺少的字段)."""

_IDLE_SUBJECT = "闲置土地初步判定"


def _ids_and_names(frame: pd.DataFrame, parcels: pd.DataFrame | None):
    id_col = find_column(frame, "parcel_id", ("parcels",))
    ids = frame[id_col] if id_col else pd.Series(frame.index.astype(str), index=frame.index)
    name_col = feature_name_column(frame)
    if name_col is not None:
        return ids, frame[name_col]
    if parcels is not None and (source := feature_name_column(parcels)) is not None:
        names = parcels[source].reindex(frame.index)
        return ids, names
    return ids, pd.Series(None, index=frame.index, dtype=object)


def _indicators(row_missing: str, not_evaluated: str | None) -> str:
    """The not-evaluated indicators whose inputs are among the missing fields, in Chinese."""
    missing = {c.strip() for c in row_missing.split(";")}
    codes = [c.strip() for c in (not_evaluated or "").split(";") if c.strip()]
    hit = [c for c in codes if missing & set(INDICATOR_INPUTS.get(c, ()))]
    return "控制指标：" + value_label("not_evaluated", "; ".join(hit or codes))


def missing_data_table(
    *,
    idle: pd.DataFrame | None = None,
    metrics: pd.DataFrame | None = None,
    parcels: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per parcel and finding or metric left undecided for want of data.

    Parameters
    ----------
    idle : DataFrame, optional
        A :func:`landkit.detect_idle` result: its ``insufficient_data`` rows.
    metrics : DataFrame, optional
        A :func:`landkit.parcel_metrics` result: rows whose indicators lack a value.
    parcels : DataFrame, optional
        The parcels, for their names when a result has none (same index).

    Returns
    -------
    DataFrame
        Columns :data:`MISSING_DATA_COLUMNS`: ``parcel_id``, ``name``,
        ``subject`` (the finding or the indicators, in Chinese),
        ``missing_fields_zh`` (the empty fields in Chinese) and
        ``missing_fields`` (the same as column names). Idle findings first,
        then metrics, each in the parcels' order; empty when nothing is missing.

    Examples
    --------
    >>> import warnings, landkit as lk
    >>> parcels = lk.read_layer(lk.sample_data_path(), "parcels")
    >>> sparse = parcels.drop(columns=["start_status", "actual_start_date", "green_area_m2"])
    >>> with warnings.catch_warnings(record=True):  # one sample parcel is repaired
    ...     idle = lk.detect_idle(sparse, as_of="2026-06-30")
    ...     metrics = lk.parcel_metrics(sparse)
    >>> table = missing_data_table(idle=idle, metrics=metrics)
    >>> table.iloc[0][["subject", "missing_fields_zh"]].tolist()
    ['闲置土地初步判定', '动工状态、实际动工日期、建成区影像']
    >>> "绿地面积" in set(table["missing_fields_zh"])
    True
    """
    parts = []
    if idle is not None and "idle_status" in idle.columns:
        rows = idle[idle["idle_status"] == "insufficient_data"]
        ids, names = _ids_and_names(rows, parcels)
        parts.append(
            pd.DataFrame(
                {
                    "parcel_id": ids,
                    "name": names,
                    "subject": _IDLE_SUBJECT,
                    "missing_fields_zh": rows["missing_fields_zh"],
                    "missing_fields": rows["missing_fields"],
                }
            )
        )
    if metrics is not None and "missing_fields_zh" in metrics.columns:
        rows = metrics[metrics["missing_fields_zh"].notna()]
        ids, names = _ids_and_names(rows, parcels)
        subjects = [
            _indicators(m, n)
            for m, n in zip(rows["missing_fields"], rows["not_evaluated"], strict=True)
        ]
        parts.append(
            pd.DataFrame(
                {
                    "parcel_id": ids,
                    "name": names,
                    "subject": pd.Series(subjects, index=rows.index, dtype=object),
                    "missing_fields_zh": rows["missing_fields_zh"],
                    "missing_fields": rows["missing_fields"],
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=list(MISSING_DATA_COLUMNS))
    table = pd.concat(parts, ignore_index=True)
    return table[list(MISSING_DATA_COLUMNS)].astype(object)
