"""Generated layers for the map, report and browser tests and the map benchmark.

Parcels are 50 m × 45 m rectangles on a 60 m grid in CGCS2000 / 3-degree GK CM 102E
(EPSG:4543, Kunming), one park around them and a red-line block over part of them.
Every tenth parcel breaks the red line; idle findings cycle through the idle statuses
on a share of the parcels.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

X0, Y0 = 570_000.0, 2_767_000.0
STEP, WIDTH, HEIGHT = 60.0, 50.0, 45.0
IDLE_CYCLE = ("idle", "at_risk", "suspected_idle", "recoverable", "government_delay")
XSS = "<img src=x onerror=alert(1)>"


def parcels(n: int, *, flagged_every: int = 10) -> gpd.GeoDataFrame:
    """``n`` parcels; every ``flagged_every``-th is a violation, as many others are idle-flagged."""
    i = np.arange(n)
    side = int(np.ceil(np.sqrt(n)))
    x = X0 + (i % side) * STEP
    y = Y0 + (i // side) * STEP
    status = np.where(i % flagged_every == 0, "violation", "compliant")
    idle = np.full(n, "active", dtype=object)
    chosen = i % flagged_every == flagged_every // 2
    idle[chosen] = np.array(IDLE_CYCLE, dtype=object)[(i[chosen] // flagged_every) % 5]
    area_m2 = WIDTH * HEIGHT
    return gpd.GeoDataFrame(
        {
            "parcel_id": [f"P{k:06d}" for k in i],
            "park_id": "K1",
            "name": [f"地块{k}" for k in i],
            "status": status,
            "violations": np.where(status == "violation", "ecological_redline", ""),
            "area_m2": area_m2,
            "area_mu": area_m2 * 15 / 10000,
            "idle_status": idle,
            "idle_fee_wan_yuan": np.where(idle == "idle", 12.5, np.nan),
        },
        geometry=shapely.box(x, y, x + WIDTH, y + HEIGHT),
        crs=4543,
    )


def park(layer: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One park around the parcels."""
    xmin, ymin, xmax, ymax = layer.total_bounds
    return gpd.GeoDataFrame(
        {"park_id": ["K1"], "name": ["测试园区"], "level": ["省级"]},
        geometry=[shapely.box(xmin - 100, ymin - 100, xmax + 100, ymax + 100)],
        crs=layer.crs,
    )


def lines(layer: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    """A red-line block over the first parcels and an urban boundary around everything."""
    xmin, ymin, xmax, ymax = layer.total_bounds
    red = shapely.box(xmin + 10, ymin + 10, xmin + 130, ymin + 100)
    urban = shapely.box(xmin - 500, ymin - 500, xmax + 500, ymax + 500)
    return {
        "ecological_redline": gpd.GeoDataFrame(geometry=[red], crs=layer.crs),
        "urban_boundary": gpd.GeoDataFrame(geometry=[urban], crs=layer.crs),
    }
