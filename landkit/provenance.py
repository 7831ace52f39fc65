"""Provenance records: where a result came from.

A record is a flat ``dict`` of text values: the inputs, the CRS used for
areas, the rule tables, the as-of date, the landkit version and the run time.
It travels in ``DataFrame.attrs["landkit_provenance"]`` and is written to the
``landkit_provenance`` table of a GeoPackage or a sheet of a workbook. Result
tables themselves hold no run time, so the same inputs give identical tables.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from ._version import __version__

__all__ = ["describe_source", "provenance", "provenance_frame"]

KEY = "landkit_provenance"


def describe_source(obj: Any) -> str:
    """A short text naming where a layer came from (its file and layer, or 'in memory')."""
    attrs = getattr(obj, "attrs", {}) or {}
    source = attrs.get("landkit_source")
    if isinstance(source, Mapping):
        parts = [str(source.get("path", ""))]
        if source.get("layer"):
            parts.append(f"layer={source['layer']}")
        if source.get("encoding"):
            parts.append(f"encoding={source['encoding']}")
        return " ".join(p for p in parts if p)
    if isinstance(obj, str | os.PathLike):
        return os.fspath(obj)
    return "in memory"


def provenance(*, inputs: Mapping[str, Any] | None = None, **items: Any) -> dict[str, str]:
    """A provenance record for a result.

    Parameters
    ----------
    inputs : mapping, optional
        Input name → layer, table or path; each is described by
        :func:`describe_source`.
    **items
        Anything else worth recording (``area_crs``, ``tolerance_m2``,
        ``rule_tables``, ``as_of`` …); values are turned into text.

    Examples
    --------
    >>> rec = provenance(inputs={"parcels": "parcels.gpkg"}, tolerance_m2=1.0)
    >>> rec["input.parcels"], rec["tolerance_m2"], "landkit_version" in rec
    ('parcels.gpkg', '1.0', True)
    """
    record = {f"input.{name}": describe_source(obj) for name, obj in (inputs or {}).items()}
    for key, value in items.items():
        if isinstance(value, Iterable) and not isinstance(value, str | bytes | Mapping):
            value = "; ".join(str(v) for v in value)
        record[key] = str(value)
    record["landkit_version"] = __version__
    record["run_time"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return record


def provenance_frame(records: Mapping[str, Mapping[str, str]]) -> pd.DataFrame:
    """Records by layer name as a long table with columns ``layer, key, value``."""
    rows = [
        {"layer": layer, "key": key, "value": value}
        for layer, record in records.items()
        for key, value in record.items()
    ]
    return pd.DataFrame(rows, columns=["layer", "key", "value"])
