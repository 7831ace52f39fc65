"""Parcel map categories, their precedence and the colours both renderers use.

A parcel is coloured by the first finding in this order (:data:`CATEGORIES`):
violation (three lines) > recoverable > idle > suspected_idle > at_risk
(idle land) > below_standard (a ``meets_*`` column is False) >
government_delay > compliant; parcels with no result columns are
``not_evaluated``. The interactive map (:mod:`landkit.maps.interactive`) and
the print map (:mod:`landkit.maps.static`) share these categories, the
colours and the styles of the three lines and the park boundary; the Chinese
name of each category is in ``value_labels.csv`` (field ``map_category``).
"""

from __future__ import annotations

import logging
from typing import Literal

import geopandas as gpd
import pandas as pd

from .. import crs as lkcrs
from ..errors import InputError
from ..geometry import require_polygonal
from ..ids import id_keys, join_on_ids
from ..labels import as_boolean

__all__ = [
    "CATEGORIES",
    "CATEGORY_COLOURS",
    "FLAGGED_CATEGORIES",
    "LINE_STYLES",
    "PARK_STYLE",
    "combine_results",
    "parcel_category",
    "true_coordinates",
]

logger = logging.getLogger(__name__)

Coordinates = Literal["auto", "gcj02", "bd09"]

CATEGORIES = (
    "violation",
    "recoverable",
    "idle",
    "suspected_idle",
    "at_risk",
    "below_standard",
    "government_delay",
    "compliant",
    "not_evaluated",
)
"""Parcel map categories, highest precedence first."""

CATEGORY_COLOURS = {
    "violation": "#d7191c",
    "recoverable": "#7b3294",
    "idle": "#f46d43",
    "suspected_idle": "#fdae61",
    "at_risk": "#fee08b",
    "below_standard": "#a6611a",
    "government_delay": "#74add1",
    "compliant": "#1a9850",
    "not_evaluated": "#bdbdbd",
}

FLAGGED_CATEGORIES = tuple(c for c in CATEGORIES if c not in ("compliant", "not_evaluated"))
"""The categories that are findings."""

LINE_STYLES = {
    "ecological_redline": {
        "color": "#e31a1c",
        "weight": 2,
        "fillColor": "#e31a1c",
        "fillOpacity": 0.2,
    },
    "basic_farmland": {
        "color": "#b8860b",
        "weight": 1,
        "fillColor": "#ffd700",
        "fillOpacity": 0.35,
    },
    "urban_boundary": {"color": "#8e44ad", "weight": 2.5, "dashArray": "8 6", "fill": False},
}
PARK_STYLE = {"color": "#1f3a93", "weight": 3, "fill": False}


def parcel_category(parcels: pd.DataFrame) -> pd.Series:
    """The map category of each parcel, by the precedence of :data:`CATEGORIES`.

    Uses whichever result columns are present: ``status`` (three lines),
    ``idle_status`` (idle land) and ``meets_*`` (metrics).

    Returns
    -------
    Series
        ``map_category`` on the input's index.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"status": ["violation", "compliant", "compliant", None],
    ...                       "idle_status": ["idle", "idle", "active", None]})
    >>> parcel_category(frame).tolist()
    ['violation', 'idle', 'compliant', 'not_evaluated']
    """
    index = parcels.index
    none = pd.Series(False, index=index)
    status = parcels["status"] if "status" in parcels.columns else pd.Series(None, index=index)
    idle = (
        parcels["idle_status"] if "idle_status" in parcels.columns else pd.Series(None, index=index)
    )
    meets = [col for col in parcels.columns if str(col).startswith("meets_")]
    met = parcels[meets].apply(as_boolean) if meets else pd.DataFrame(index=index)
    below = met.eq(False).fillna(False).any(axis=1) if meets else none
    evaluated = (
        status.isin(["compliant", "violation"])
        | (idle.notna() & ~idle.isin(["insufficient_data"]))
        | (met.notna().any(axis=1) if meets else none)
    )
    out = pd.Series("not_evaluated", index=index, name="map_category", dtype=object)
    rules = [
        ("compliant", evaluated),
        ("government_delay", idle.eq("government_delay")),
        ("below_standard", below),
        ("at_risk", idle.eq("at_risk")),
        ("suspected_idle", idle.eq("suspected_idle")),
        ("idle", idle.eq("idle")),
        ("recoverable", idle.eq("recoverable")),
        ("violation", status.eq("violation")),
    ]
    for category, mask in rules:
        out[mask.fillna(False).to_numpy(dtype=bool)] = category
    return out


def combine_results(parcels: pd.DataFrame, *results: pd.DataFrame) -> pd.DataFrame:
    """Parcels with the columns of further results (three lines, idle, metrics) added.

    A result is matched on ``parcel_id`` when both have that column (whether
    the ids are numbers or text, see :func:`landkit.ids.id_keys`; a result
    that matches no parcel is an :class:`InputError`), else on the index
    (which must then be the parcels' index). Columns the parcels already
    have are kept as they are; rows of ``parcels`` keep their order.

    Examples
    --------
    >>> import pandas as pd
    >>> base = pd.DataFrame({"parcel_id": ["A", "B"], "status": ["compliant", "violation"]})
    >>> idle = pd.DataFrame({"parcel_id": ["B", "A"], "idle_status": ["idle", "active"]})
    >>> combine_results(base, idle)["idle_status"].tolist()
    ['active', 'idle']
    """
    out = parcels.copy()
    for result in results:
        new = [col for col in result.columns if col not in out.columns]
        geometry = getattr(result, "_geometry_column_name", None)
        new = [col for col in new if col != geometry]
        if "parcel_id" in out.columns and "parcel_id" in result.columns:
            keys, wanted = id_keys(result["parcel_id"]), id_keys(out["parcel_id"])
            if keys.dropna().duplicated().any():
                msg = "combine_results: a result repeats parcel_id values. Fix: one row per parcel."
                raise InputError(msg)
            join_on_ids(keys, wanted, what="combine_results: a result's parcel_id")
            table = pd.DataFrame(result[new]).set_axis(keys)[keys.notna()]
            table = table.reindex(wanted)
        elif result.index.equals(out.index):
            table = pd.DataFrame(result[new])
        else:
            msg = (
                "combine_results: a result has neither parcel_id nor the parcels' index. "
                "Fix: pass results of the same parcel layer."
            )
            raise InputError(msg)
        for col in new:
            out[col] = table[col].set_axis(out.index)
    return out


def true_coordinates(
    gdf: gpd.GeoDataFrame, layer: str, coordinates: Coordinates
) -> gpd.GeoDataFrame:
    """The layer itself, or converted to CGCS2000 when it holds GCJ-02/BD-09 values."""
    if isinstance(gdf, gpd.GeoSeries):
        gdf = gdf.to_frame()
    if not isinstance(gdf, gpd.GeoDataFrame):
        msg = f"{layer}: expected a GeoDataFrame, got {type(gdf).__name__}"
        raise InputError(msg)
    lkcrs.require_crs(gdf, layer=layer)
    require_polygonal(gdf.geometry, gdf.index, layer=layer)
    marked = str(gdf.attrs.get("coordinate_conversion", ""))
    system = coordinates
    if coordinates == "auto":
        system = (
            "gcj02" if marked.endswith("GCJ-02") else "bd09" if marked.endswith("BD-09") else None
        )
    if system == "gcj02":
        logger.info("%s: GCJ-02 coordinates converted to CGCS2000 for display", layer)
        gdf = lkcrs.from_gcj02(gdf)
    elif system == "bd09":
        logger.info("%s: BD-09 coordinates converted to CGCS2000 for display", layer)
        gdf = lkcrs.from_bd09(gdf)
    return gdf
