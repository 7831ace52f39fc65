"""Dossiers for many findings: the flagged parcels of a run, and the index workbook.

:func:`build_dossiers` makes every document in memory first, so bad input
writes nothing; :func:`write_dossiers` then writes them with the index
``dossiers.xlsx``. With a previous run, only parcels newly flagged or
escalated get a dossier (:func:`landkit.idle.compare_idle`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from ..errors import InputError, SchemaError, describe_ids
from ..idle import FLAGGED, IDLE_STATUSES, compare_idle
from ..io import atomic_path
from ..labels import value_label
from ..maps.parcel import neighbour_layers
from ..provenance import describe_source
from ..schema import prepare_layer
from ..workbook import write_workbook
from .case import DOSSIER_STATUSES, _value, case_dossier

__all__ = ["INDEX_SHEET", "build_dossiers", "index_sheet", "write_dossiers"]

INDEX_SHEET = "调查案卷索引"
"""The sheet of the index workbook ``dossiers.xlsx``."""


def _file_name(parcel_id: str) -> str:
    safe = re.sub(r"[^\w.-]+", "_", parcel_id)
    return f"{safe}_闲置土地调查案卷.docx"


def _change(status: str, previous) -> str:
    if previous is None or previous not in FLAGGED:
        return "新增"
    if status == previous:
        return "未变"
    rank = IDLE_STATUSES.index
    return "升级" if rank(status) < rank(previous) else "变更"


def build_dossiers(
    findings: pd.DataFrame,
    *,
    parcels: gpd.GeoDataFrame,
    previous: pd.DataFrame | None = None,
    only: Sequence[str] = DOSSIER_STATUSES,
    imagery: Mapping[object, str | os.PathLike] | None = None,
    parks: gpd.GeoDataFrame | None = None,
    lines=None,
    neighbours: Sequence[gpd.GeoDataFrame] | None = None,
    name_col: str = "name",
    as_of=None,
) -> tuple[pd.DataFrame, dict[str, object]]:
    """The dossiers of the flagged parcels, in memory, and their index.

    The parameters are those of :func:`write_dossiers`. Nothing is written:
    every document is made before any file is, so bad input writes nothing.

    Returns
    -------
    index : DataFrame
        As :func:`write_dossiers` returns it.
    documents : dict
        ``docx.document.Document`` by file name, for the rows written.

    Examples
    --------
    >>> import landkit as lk
    >>> parcels = lk.read_layer(lk.sample_data_path(), "parcels")
    >>> result = lk.detect_idle(parcels, as_of="2026-11-01")
    >>> index, documents = build_dossiers(result, parcels=parcels, previous=result)
    >>> index["change"].unique().tolist(), documents
    (['未变'], {})
    """
    unknown = sorted(set(only) - set(DOSSIER_STATUSES))
    if unknown:
        msg = f"only: {unknown} cannot get a dossier. Fix: choose from {', '.join(DOSSIER_STATUSES)}."
        raise InputError(msg)
    if "idle_status" not in findings.columns or "parcel_id" not in findings.columns:
        raise SchemaError("findings: lacks parcel_id or idle_status. Fix: pass a detect_idle result.")
    chosen = findings[findings["idle_status"].isin(list(only))]
    duplicated = chosen["parcel_id"].duplicated()
    if duplicated.any():
        msg = f"findings: parcel ids {describe_ids(chosen['parcel_id'][duplicated])} repeat. Fix: one row each."
        raise InputError(msg)
    if previous is not None:
        changes = compare_idle(chosen, previous)
    else:
        changes = pd.DataFrame({"previous_status": None, "newly_flagged": True}, index=chosen.index)
    parcels = prepare_layer(parcels, "parcels", layer="parcels")
    neighbours = neighbour_layers(neighbours)
    rows, documents = [], {}
    for index, row in chosen.iterrows():
        pid, previous_status = str(row["parcel_id"]), changes.at[index, "previous_status"]
        write = bool(changes.at[index, "newly_flagged"])
        name = _file_name(pid)
        if write:
            finding = chosen.loc[[index]]
            finding.attrs = dict(findings.attrs)
            documents[name] = case_dossier(
                finding, parcels=parcels, imagery=imagery, parks=parks, lines=lines,
                neighbours=neighbours, name_col=name_col, as_of=as_of,
            )  # fmt: skip
        rows.append(
            {
                "parcel_id": pid,
                "name": _value(row, "name"),
                "idle_status": row["idle_status"],
                "previous_status": previous_status,
                "change": _change(row["idle_status"], previous_status),
                "written": write,
                "file": name if write else None,
            }
        )
    index = pd.DataFrame(rows, columns=["parcel_id", "name", "idle_status", "previous_status",
                                        "change", "written", "file"])  # fmt: skip
    return index, documents


def write_dossiers(
    findings: pd.DataFrame,
    out_dir: str | os.PathLike,
    *,
    parcels: gpd.GeoDataFrame,
    previous: pd.DataFrame | None = None,
    only: Sequence[str] = DOSSIER_STATUSES,
    imagery: Mapping[object, str | os.PathLike] | None = None,
    parks: gpd.GeoDataFrame | None = None,
    lines=None,
    neighbours: Sequence[gpd.GeoDataFrame] | None = None,
    name_col: str = "name",
    as_of=None,
) -> pd.DataFrame:
    """Write one dossier per flagged parcel and the index workbook ``dossiers.xlsx``.

    With ``previous`` (an earlier :func:`landkit.detect_idle` result), only
    parcels newly flagged or escalated since then get a dossier
    (:func:`landkit.idle.compare_idle`); the index still lists every parcel in
    ``only`` and says which dossiers this run wrote. The other parameters are
    those of :func:`case_dossier`; the documents are made first
    (:func:`build_dossiers`), then written.

    Returns
    -------
    DataFrame
        The index: ``parcel_id``, ``name``, ``idle_status``, ``previous_status``,
        ``change`` (新增, 升级, 变更, 未变), ``written`` and ``file``.

    Examples
    --------
    >>> import landkit as lk, tempfile, warnings
    >>> parcels = lk.read_layer(lk.sample_data_path(), "parcels")
    >>> result = lk.detect_idle(parcels, as_of="2026-11-01")
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     index = write_dossiers(result, tempfile.mkdtemp(), parcels=parcels, previous=result)
    >>> int(index["written"].sum())
    0
    """
    index, documents = build_dossiers(
        findings, parcels=parcels, previous=previous, only=only, imagery=imagery, parks=parks,
        lines=lines, neighbours=neighbours, name_col=name_col, as_of=as_of,
    )  # fmt: skip
    out_dir = Path(out_dir)
    for name, document in documents.items():
        with atomic_path(out_dir / name) as tmp:
            document.save(tmp)
    write_index({INDEX_SHEET: index_sheet(index, findings)}, out_dir / "dossiers.xlsx")
    return index


def write_index(sheets: Mapping[str, pd.DataFrame], target) -> Path:
    """Write the index workbook of a set of dossiers (``dossiers.xlsx``) with the one writer."""
    return write_workbook(sheets, target, title="闲置土地调查案卷索引")


def index_sheet(index: pd.DataFrame, findings: pd.DataFrame) -> pd.DataFrame:
    """The index of :func:`build_dossiers` with Chinese headings and values, for a workbook.

    It carries the findings' provenance and their source
    (``attrs["landkit_provenance"]``).
    """
    shown = pd.DataFrame(
        {
            "宗地编号": index["parcel_id"],
            "宗地名称": index["name"],
            "初步判定": index["idle_status"].map(lambda s: value_label("idle_status", s)),
            "上次状态": index["previous_status"].map(lambda s: value_label("idle_status", s) if s else ""),
            "变化": index["change"],
            "本次写出": np.where(index["written"], "是", "否"),
            "案卷文件": index["file"].fillna(""),
        }
    )
    record = findings.attrs.get("landkit_provenance") or {}
    shown.attrs["landkit_provenance"] = {**record, "source": describe_source(findings)}
    return shown
