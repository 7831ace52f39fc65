"""Coordinate reference systems, area measurement and units.

Areas in landkit are planar areas in a Gauss-Krüger projection:

* the layer's own CRS when it is a Gauss-Krüger (CGCS2000, Xian 1980 or
  Beijing 1954 datum) or UTM zone whose area of use contains the layer;
* otherwise each feature is measured in the CGCS2000 3-degree zone of its own
  centre, EPSG 4534 + (CM − 75) / 3 (Kunming → EPSG:4543). Outside the
  CGCS2000 zones (longitude 73.5–136.5°E) the WGS 84 UTM zone of the centre
  is used.

``area_method="ellipsoid"`` gives ellipsoidal areas on the CGCS2000 (GRS 80)
ellipsoid instead. Web Mercator or degrees are never used for a measurement.

Units: 1 亩 = 10000/15 m² exactly, 1 公顷 = 10000 m² = 15 亩.

GCJ-02 (Amap, Tencent) and BD-09 (Baidu) are obfuscated WGS 84 coordinates.
The forward formulas are the public ones; the inverses iterate the forward
formula until it reproduces the input to better than 1e-9 degrees (about
0.1 mm), far inside the 0.5 m asked of them.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from .errors import CRSError, InputError

__all__ = [
    "CGCS2000",
    "SQM_PER_HA",
    "SQM_PER_MU",
    "align_crs",
    "area_crs",
    "area_zones",
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "from_bd09",
    "from_gcj02",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "gk_zone_crs",
    "is_gauss_kruger",
    "m2_to_ha",
    "m2_to_mu",
    "measure_area",
    "prefixed_zone",
    "require_crs",
    "require_projected",
    "to_gcj02",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
    "zone_crs_from_eastings",
]

logger = logging.getLogger(__name__)

CGCS2000 = pyproj.CRS.from_epsg(4490)
SQM_PER_MU = 10000 / 15
SQM_PER_HA = 10000.0

AreaMethod = Literal["planar", "ellipsoid"]
_GK_DATUMS = ("China 2000", "Xian 1980", "Beijing 1954")


# --------------------------------------------------------------------------- units


def m2_to_mu(area_m2):
    """Convert square metres to 亩 (1 亩 = 10000/15 m², so × 15 / 10000).

    Examples
    --------
    >>> m2_to_mu(5000.0)
    7.5
    """
    return area_m2 * 15 / 10000


def m2_to_ha(area_m2):
    """Convert square metres to 公顷 (hectares).

    Examples
    --------
    >>> m2_to_ha(5000.0)
    0.5
    """
    return area_m2 / 10000


# --------------------------------------------------------------- CRS recognition


def require_crs(gdf: gpd.GeoDataFrame | gpd.GeoSeries, *, layer: str = "layer") -> pyproj.CRS:
    """Return the layer's CRS or raise :class:`CRSError` naming the layer."""
    if gdf.crs is None:
        msg = (
            f"{layer}: the layer has no coordinate reference system. Fix: give it one "
            f"(read_layer(..., crs='EPSG:4543') or gdf.set_crs(...))."
        )
        raise CRSError(msg)
    return pyproj.CRS(gdf.crs)


def require_projected(gdf: gpd.GeoDataFrame | gpd.GeoSeries, *, layer: str = "layer") -> pyproj.CRS:
    """Return the layer's CRS when it is projected in metres, else raise :class:`CRSError`."""
    crs = require_crs(gdf, layer=layer)
    unit = crs.axis_info[0].unit_name if crs.axis_info else ""
    if not crs.is_projected or unit not in ("metre", "meter"):
        msg = (
            f"{layer}: CRS {crs.to_string()} is not a projected CRS in metres. Fix: "
            f"reproject, e.g. gdf.to_crs(landkit.crs.area_crs(gdf))."
        )
        raise CRSError(msg)
    return crs


def is_gauss_kruger(crs: pyproj.CRS | str | int) -> bool:
    """Whether ``crs`` is a Gauss-Krüger (CGCS2000/Xian 80/Beijing 54) or UTM zone.

    Examples
    --------
    >>> is_gauss_kruger(4543), is_gauss_kruger(3857), is_gauss_kruger(4490)
    (True, False, False)
    """
    crs = pyproj.CRS(crs)
    if not crs.is_projected:
        return False
    if crs.utm_zone is not None:
        return True
    op = crs.coordinate_operation
    datum = crs.datum.name if crs.datum is not None else ""
    return (
        op is not None
        and op.method_name == "Transverse Mercator"
        and any(name in datum for name in _GK_DATUMS)
    )


def gk_zone_crs(lon: float, *, width: Literal[3, 6] = 3, prefix: bool = False) -> pyproj.CRS:
    """The CGCS2000 Gauss-Krüger zone CRS whose central meridian is nearest ``lon``.

    Parameters
    ----------
    lon : float
        Longitude in degrees east (73.5–136.5 for 3-degree zones).
    width : {3, 6}
        Zone width in degrees.
    prefix : bool
        Whether eastings carry the zone number (EPSG 4513–4533 for 3-degree
        zones) or not (EPSG 4534–4554).

    Examples
    --------
    >>> gk_zone_crs(102.71).to_epsg(), gk_zone_crs(102.71, prefix=True).to_epsg()
    (4543, 4522)
    """
    return pyproj.CRS.from_epsg(_gk_epsg(lon, width=width, prefix=prefix))


def _gk_epsg(lon: float, *, width: Literal[3, 6] = 3, prefix: bool = False) -> int:
    """The EPSG code of :func:`gk_zone_crs` (arithmetic only, cheap per feature)."""
    if width == 3:
        zone = math.floor(lon / 3 + 0.5)
        if not 25 <= zone <= 45:
            raise CRSError(f"longitude {lon:.4f} lies outside the CGCS2000 3-degree zones 25–45")
        return 4488 + zone if prefix else 4534 + (3 * zone - 75) // 3
    if width == 6:
        zone = math.floor(lon / 6) + 1
        if not 13 <= zone <= 23:
            raise CRSError(f"longitude {lon:.4f} lies outside the CGCS2000 6-degree zones 13–23")
        return 4478 + zone if prefix else 4502 + (6 * zone - 3 - 75) // 6
    raise InputError(f"zone width must be 3 or 6, got {width!r}")


def prefixed_zone(easting: float) -> int | None:
    """The zone number carried by an easting with a zone prefix, else None.

    CGCS2000 eastings with a prefix are ``zone × 1 000 000 + 500 000 ± …``; in
    China the 3-degree zones are 25–45 and the 6-degree zones 13–23.

    Examples
    --------
    >>> prefixed_zone(34_571_652.527), prefixed_zone(571_652.527)
    (34, None)
    """
    if not np.isfinite(easting) or easting < 1_000_000:
        return None
    zone = int(easting // 1_000_000)
    return zone if 13 <= zone <= 23 or 25 <= zone <= 45 else None


def zone_crs_from_eastings(eastings, *, datum: str = "CGCS2000") -> pyproj.CRS | None:
    """Guess the prefixed Gauss-Krüger CRS from eastings that carry a zone prefix.

    Returns None when the eastings carry no prefix or disagree on the zone.
    Only the CGCS2000 datum is guessed; the width follows from the zone number
    (13–23: 6-degree, 25–45: 3-degree).

    Examples
    --------
    >>> zone_crs_from_eastings([34_571_652.5, 34_572_000.0]).to_epsg()
    4522
    """
    if datum != "CGCS2000":
        raise InputError(f"only CGCS2000 zones can be guessed, got datum {datum!r}")
    zones = {prefixed_zone(float(e)) for e in np.asarray(eastings, dtype=float).ravel()}
    if len(zones) != 1 or None in zones:
        return None
    zone = zones.pop()
    return pyproj.CRS.from_epsg(4488 + zone if zone >= 25 else 4478 + zone)


# -------------------------------------------------------------------- area rules


def _lonlat_bounds(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> tuple[float, float, float, float]:
    transformer = pyproj.Transformer.from_crs(gdf.crs, CGCS2000, always_xy=True)
    return transformer.transform_bounds(*gdf.total_bounds, densify_pts=21)


def _own_zone_fits(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> bool:
    crs = pyproj.CRS(gdf.crs)
    if not is_gauss_kruger(crs):
        return False
    geoms = gdf.geometry.values
    if shapely.is_empty(geoms).all() or shapely.is_missing(geoms).all():
        return True
    area = crs.area_of_use
    if area is None:
        return True
    west, south, east, north = _lonlat_bounds(gdf)
    tol = 0.01  # degrees: features digitised on the zone edge still belong to it
    return (
        west >= area.west - tol
        and east <= area.east + tol
        and south >= area.south - tol
        and north <= area.north + tol
    )


def _centre_epsg(lon: float, lat: float) -> int:
    if 73.5 <= lon < 136.5:
        return _gk_epsg(lon)
    zone = min(int((lon + 180) // 6) + 1, 60)
    return (32600 if lat >= 0 else 32700) + zone


def area_zones(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> list[tuple[pyproj.CRS, pd.Index]]:
    """Group the rows by the CRS their areas are measured in.

    Returns a list of ``(crs, index)`` pairs that together hold every row
    exactly once. A layer in a Gauss-Krüger or UTM zone that contains it gives
    one group in its own CRS; otherwise rows are grouped by the CGCS2000
    3-degree zone of the centre of their bounds. Rows without geometry join the first group.

    Examples
    --------
    >>> import landkit as lk
    >>> parcels = lk.read_layer(lk.sample_data_path(), "parcels")
    >>> [(crs.to_epsg(), len(idx) == len(parcels)) for crs, idx in area_zones(parcels)]
    [(4543, True)]
    """
    crs = require_crs(gdf)
    if _own_zone_fits(gdf):
        return [(crs, gdf.index)]
    geoms = gdf.geometry.values
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    lonlat = gpd.GeoSeries(geoms[present], crs=crs).to_crs(CGCS2000).values
    # the centre of the bounds in degrees picks the zone; unlike a centroid it exists
    # for every geometry, invalid or of zero area
    bounds = shapely.bounds(lonlat)
    lon, lat = (bounds[:, 0] + bounds[:, 2]) / 2, (bounds[:, 1] + bounds[:, 3]) / 2
    codes = np.full(len(gdf), -1, dtype=np.int64)
    for i, (x, y) in zip(np.flatnonzero(present), zip(lon, lat, strict=True), strict=True):
        codes[i] = _centre_epsg(float(x), float(y))
    if (codes >= 0).any():
        first = codes[np.flatnonzero(codes >= 0)[0]]
        codes[codes < 0] = first
    else:
        codes[:] = 4543
    order = list(dict.fromkeys(codes.tolist()))
    return [(pyproj.CRS.from_epsg(code), gdf.index[codes == code]) for code in order]


def area_crs(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> pyproj.CRS:
    """The CRS in which landkit measures the layer's areas.

    With per-feature zones this is the zone of the first feature; see
    :func:`area_zones` for all of them.

    Examples
    --------
    >>> import landkit as lk
    >>> area_crs(lk.read_layer(lk.sample_data_path(), "parks")).to_epsg()
    4543
    >>> area_crs(lk.read_layer(lk.sample_data_path(), "parks").to_crs(4490)).to_epsg()
    4543
    """
    return area_zones(gdf)[0][0]


def measure_area(
    gdf: gpd.GeoDataFrame | gpd.GeoSeries, *, area_method: AreaMethod = "planar"
) -> pd.Series:
    """Area of each feature in m², on the input's index.

    Parameters
    ----------
    gdf : GeoDataFrame or GeoSeries
        Features in any CRS (a CRS is required).
    area_method : {"planar", "ellipsoid"}
        ``"planar"``: Gauss-Krüger plane areas by the rule of :func:`area_zones`.
        ``"ellipsoid"``: areas on the CGCS2000 ellipsoid (the 国土调查 convention).

    Returns
    -------
    Series
        ``area_m2``; 0 for empty and NaN for missing geometries.

    Examples
    --------
    >>> import landkit as lk
    >>> parks = lk.read_layer(lk.sample_data_path(), "parks")
    >>> bool((measure_area(parks) > 0).all())
    True
    """
    if area_method not in ("planar", "ellipsoid"):
        raise InputError(f"area_method must be 'planar' or 'ellipsoid', got {area_method!r}")
    geoseries = gdf.geometry if isinstance(gdf, gpd.GeoDataFrame) else gdf
    require_crs(geoseries)
    out = pd.Series(np.nan, index=geoseries.index, name="area_m2", dtype=float)
    if area_method == "planar":
        for crs, idx in area_zones(geoseries):
            positions = geoseries.index.get_indexer(idx) if geoseries.index.is_unique else None
            part = geoseries.loc[idx] if positions is None else geoseries.iloc[positions]
            values = shapely.area(part.to_crs(crs).values)
            if positions is None:
                out.loc[idx] = values
            else:
                out.iloc[positions] = values
    else:
        geod = pyproj.Geod(ellps="GRS80")
        lonlat = shapely.orient_polygons(geoseries.to_crs(CGCS2000).values)
        out[:] = [np.nan if g is None else abs(geod.geometry_area_perimeter(g)[0]) for g in lonlat]
    return out


def align_crs(layers: Mapping[str, gpd.GeoDataFrame]) -> dict[str, gpd.GeoDataFrame]:
    """Bring every layer to the first layer's CRS; each reprojection is logged.

    Every layer must have a CRS (:class:`CRSError` names the one that has none).
    """
    names = list(layers)
    if not names:
        return {}
    target = require_crs(layers[names[0]], layer=names[0])
    out = {}
    for name in names:
        gdf = layers[name]
        crs = require_crs(gdf, layer=name)
        if crs.equals(target):
            out[name] = gdf
        else:
            logger.info("reprojecting %s from %s to %s", name, crs.to_string(), target.to_string())
            out[name] = gdf.to_crs(target)
    return out


# ------------------------------------------------------------------ GCJ-02/BD-09

_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0


def _in_china(lon, lat):
    return (lon > 72.004) & (lon < 137.8347) & (lat > 0.8293) & (lat < 55.8271)


def _gcj_delta(lon, lat):
    x, y = lon - 105.0, lat - 35.0
    dlat = (
        -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * np.sqrt(np.abs(x))
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
        + (160.0 * np.sin(y / 12.0 * np.pi) + 320 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    )
    dlon = (
        300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * np.sqrt(np.abs(x))
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
        + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    )
    radlat = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    return dlon, dlat


def _as_arrays(lon, lat):
    scalar = np.ndim(lon) == 0 and np.ndim(lat) == 0
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float), scalar


def _result(lon, lat, scalar):
    return (float(lon), float(lat)) if scalar else (lon, lat)


def _wgs_to_gcj(lon, lat):
    dlon, dlat = _gcj_delta(lon, lat)
    inside = _in_china(lon, lat)
    return np.where(inside, lon + dlon, lon), np.where(inside, lat + dlat, lat)


def _gcj_to_bd(lon, lat):
    z = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def _invert(forward, lon, lat):
    """Solve forward(w) = (lon, lat) by fixed-point iteration."""
    wlon, wlat = lon.copy(), lat.copy()
    for _ in range(50):
        flon, flat = forward(wlon, wlat)
        elon, elat = flon - lon, flat - lat
        wlon, wlat = wlon - elon, wlat - elat
        if (
            np.nanmax(np.abs(elon), initial=0.0) < 1e-12
            and np.nanmax(np.abs(elat), initial=0.0) < 1e-12
        ):
            break
    return wlon, wlat


def wgs84_to_gcj02(lon, lat):
    """WGS 84 (or CGCS2000) longitude/latitude to GCJ-02; scalars or arrays.

    Points outside China's box are returned unchanged, as the public formula does.

    Examples
    --------
    >>> wgs84_to_gcj02(116.404, 39.915)
    (116.41024449916938, 39.91640428150164)
    """
    lon, lat, scalar = _as_arrays(lon, lat)
    return _result(*_wgs_to_gcj(lon, lat), scalar)


def gcj02_to_wgs84(lon, lat):
    """GCJ-02 to WGS 84 by iterating the forward formula (error < 1e-9°).

    Examples
    --------
    >>> lon, lat = gcj02_to_wgs84(116.41024449916938, 39.91640428150164)
    >>> round(lon, 9), round(lat, 9)
    (116.404, 39.915)
    """
    lon, lat, scalar = _as_arrays(lon, lat)
    return _result(*_invert(_wgs_to_gcj, lon, lat), scalar)


def gcj02_to_bd09(lon, lat):
    """GCJ-02 to Baidu BD-09.

    Examples
    --------
    >>> gcj02_to_bd09(116.404, 39.915)
    (116.41036949371029, 39.92133699351021)
    """
    lon, lat, scalar = _as_arrays(lon, lat)
    return _result(*_gcj_to_bd(lon, lat), scalar)


def bd09_to_gcj02(lon, lat):
    """Baidu BD-09 to GCJ-02 by iterating the forward formula."""
    lon, lat, scalar = _as_arrays(lon, lat)
    return _result(*_invert(_gcj_to_bd, lon, lat), scalar)


def wgs84_to_bd09(lon, lat):
    """WGS 84 to Baidu BD-09 (through GCJ-02)."""
    lon, lat, scalar = _as_arrays(lon, lat)
    return _result(*_gcj_to_bd(*_wgs_to_gcj(lon, lat)), scalar)


def bd09_to_wgs84(lon, lat):
    """Baidu BD-09 to WGS 84 (through GCJ-02)."""
    lon, lat, scalar = _as_arrays(lon, lat)
    glon, glat = _invert(_gcj_to_bd, lon, lat)
    return _result(*_invert(_wgs_to_gcj, glon, glat), scalar)


def _transform_layer(gdf: gpd.GeoDataFrame, func, crs, system: str) -> gpd.GeoDataFrame:
    if gdf.crs is not None and not pyproj.CRS(gdf.crs).is_geographic:
        msg = (
            f"{system} coordinates are longitude/latitude, but the layer's CRS is "
            f"{pyproj.CRS(gdf.crs).to_string()}. Fix: pass the layer in degrees."
        )
        raise CRSError(msg)

    def apply(coords):
        lon, lat = func(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    out = gdf.copy()
    out[out.geometry.name] = gpd.GeoSeries(
        shapely.transform(gdf.geometry.values, apply), index=gdf.index, crs=crs
    )
    out = out.set_crs(crs, allow_override=True)
    out.attrs["coordinate_conversion"] = system
    return out


def from_gcj02(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy of a GCJ-02 (Amap) lon/lat layer converted to CGCS2000 (EPSG:4490)."""
    return _transform_layer(gdf, gcj02_to_wgs84, CGCS2000, "GCJ-02 → CGCS2000")


def from_bd09(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy of a BD-09 (Baidu) lon/lat layer converted to CGCS2000 (EPSG:4490)."""
    return _transform_layer(gdf, bd09_to_wgs84, CGCS2000, "BD-09 → CGCS2000")


def to_gcj02(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """A copy of a layer in GCJ-02 lon/lat (for display on Amap-style tiles only).

    The result's CRS is labelled EPSG:4326 and ``attrs["coordinate_conversion"]``
    says that the values are GCJ-02.
    """
    lonlat = gdf.to_crs(CGCS2000)
    return _transform_layer(lonlat, wgs84_to_gcj02, pyproj.CRS.from_epsg(4326), "CGCS2000 → GCJ-02")
