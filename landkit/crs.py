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

Gauss-Krüger zones are numbered here and nowhere else: CGCS2000, Xian 1980
and Beijing 1954, 3-degree zones 25–45 (central meridian 3 × zone) and
6-degree zones 13–23 (central meridian 6 × zone − 3), with the zone number
as a prefix of the false easting (``34 500 000``) or without (``500 000``).
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Mapping
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from .errors import CRSError, GeometryError, InputError, describe_ids
from .gcj import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)
from .geometry import is_absent

__all__ = [
    "CGCS2000",
    "DATUM_NAMES_ZH",
    "GK_DATUMS",
    "GK_ZONES",
    "SQM_PER_HA",
    "SQM_PER_MU",
    "GKZone",
    "align_crs",
    "area_crs",
    "area_zones",
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "check_coordinates",
    "crs_note",
    "declare_crs",
    "from_bd09",
    "from_gcj02",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "gk_zone",
    "gk_zone_crs",
    "gk_zone_epsg",
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
_GK_DATUM_NAMES = ("China 2000", "Xian 1980", "Beijing 1954")  # pyproj's datum names


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
    """Return the layer's CRS or raise :class:`CRSError` naming the layer.

    The coordinates are checked against the CRS too (:func:`check_coordinates`).
    """
    if gdf.crs is None:
        msg = (
            f"{layer}: the layer has no coordinate reference system. Fix: give it one "
            f"(read_layer(..., crs='EPSG:4543') or gdf.set_crs(...))."
        )
        raise CRSError(msg)
    check_coordinates(gdf, layer=layer)
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
        and any(name in datum for name in _GK_DATUM_NAMES)
    )


# ------------------------------------------------------------ Gauss-Krüger zones

GK_DATUMS = ("CGCS2000", "Xian 1980", "Beijing 1954")
GK_ZONES = {3: range(25, 46), 6: range(13, 24)}  # zone numbers in China by zone width

# (datum, zone width, eastings carry the zone prefix) → EPSG code of the first zone
# (3-degree zone 25 / 6-degree zone 13, both central meridian 75°E); codes run on by zone.
_GK_FIRST_EPSG = {
    ("CGCS2000", 3, True): 4513,
    ("CGCS2000", 3, False): 4534,
    ("CGCS2000", 6, True): 4491,
    ("CGCS2000", 6, False): 4502,
    ("Xian 1980", 3, True): 2349,
    ("Xian 1980", 3, False): 2370,
    ("Xian 1980", 6, True): 2327,
    ("Xian 1980", 6, False): 2338,
    ("Beijing 1954", 3, True): 2401,
    ("Beijing 1954", 3, False): 2422,
    ("Beijing 1954", 6, True): 21413,
    ("Beijing 1954", 6, False): 21453,
}


def gk_zone_epsg(datum: str, width: int, zone: int, *, prefix: bool) -> int:
    """EPSG code of a Gauss-Krüger zone of CGCS2000, Xian 1980 or Beijing 1954.

    Parameters
    ----------
    datum : {"CGCS2000", "Xian 1980", "Beijing 1954"}
    width : {3, 6}
        几度分带.
    zone : int
        带号: 25–45 for 3-degree zones, 13–23 for 6-degree zones in China.
    prefix : bool
        Whether eastings carry the zone number (``40 520 986.477``) or not
        (``520 986.477``).

    Examples
    --------
    >>> gk_zone_epsg("CGCS2000", 3, 40, prefix=True), gk_zone_epsg("CGCS2000", 3, 34, prefix=False)
    (4528, 4543)
    >>> gk_zone_epsg("Xian 1980", 3, 34, prefix=False), gk_zone_epsg("Beijing 1954", 6, 18, prefix=True)
    (2379, 21418)
    """
    if (datum, width, prefix) not in _GK_FIRST_EPSG:
        raise CRSError(f"no Gauss-Krüger zones for datum {datum!r} and zone width {width!r}")
    zones = GK_ZONES[width]
    if zone not in zones:
        msg = f"带号 {zone} is not a {width}-degree zone in China (zones {zones[0]}–{zones[-1]})"
        raise CRSError(msg)
    return _GK_FIRST_EPSG[(datum, width, prefix)] + zone - zones[0]


@dataclasses.dataclass(frozen=True)
class GKZone:
    """A Gauss-Krüger zone: datum, zone width (3 or 6), zone number and easting prefix.

    Examples
    --------
    >>> zone = GKZone("CGCS2000", 3, 34, prefix=False)
    >>> zone.epsg, zone.meridian, zone.with_prefix().epsg
    (4543, 102, 4522)
    """

    datum: str
    width: int
    zone: int
    prefix: bool

    def __post_init__(self) -> None:
        gk_zone_epsg(self.datum, self.width, self.zone, prefix=self.prefix)  # validates

    @property
    def epsg(self) -> int:
        """The zone's EPSG code."""
        return gk_zone_epsg(self.datum, self.width, self.zone, prefix=self.prefix)

    @property
    def meridian(self) -> int:
        """The central meridian in degrees east."""
        return 3 * self.zone if self.width == 3 else 6 * self.zone - 3

    @property
    def crs(self) -> pyproj.CRS:
        """The zone's CRS."""
        return pyproj.CRS.from_epsg(self.epsg)

    def with_prefix(self, prefix: bool = True) -> GKZone:
        """The same zone with (or without) the zone number in the eastings."""
        return dataclasses.replace(self, prefix=prefix)


def gk_zone(crs: pyproj.CRS | str | int) -> GKZone | None:
    """The Gauss-Krüger zone a CRS is, or None when it is none of the EPSG zones.

    Examples
    --------
    >>> gk_zone(2358)
    GKZone(datum='Xian 1980', width=3, zone=34, prefix=True)
    >>> gk_zone(3857) is None
    True
    """
    code = pyproj.CRS(crs).to_epsg()
    if code is None:
        return None
    for (datum, width, prefix), first in _GK_FIRST_EPSG.items():
        zones = GK_ZONES[width]
        if 0 <= code - first < len(zones):
            return GKZone(datum, width, zones[code - first], prefix)
    return None


DATUM_NAMES_ZH = {
    "CGCS2000": "2000国家大地坐标系",
    "Xian 1980": "1980西安坐标系",
    "Beijing 1954": "1954北京坐标系",
}
"""The Chinese name of each Gauss-Krüger datum, as documents write it."""


def crs_note(crs: pyproj.CRS | str | int) -> str:
    """The coordinate system in Chinese, as map sheets and tables state it.

    Examples
    --------
    >>> crs_note("EPSG:4543")
    '2000国家大地坐标系，高斯-克吕格投影，3度带，中央子午线102°E，带号34（Y坐标前加带号）'
    >>> crs_note("EPSG:4326")
    'WGS 84'
    """
    crs = pyproj.CRS.from_user_input(crs)
    zone = gk_zone(crs)
    if zone is None:
        return crs.name
    prefix = "Y坐标含带号" if zone.prefix else "Y坐标前加带号"
    return (
        f"{DATUM_NAMES_ZH[zone.datum]}，高斯-克吕格投影，{zone.width}度带，"
        f"中央子午线{zone.meridian}°E，带号{zone.zone}（{prefix}）"
    )


def gk_zone_crs(
    lon: float, *, width: Literal[3, 6] = 3, prefix: bool = False, datum: str = "CGCS2000"
) -> pyproj.CRS:
    """The Gauss-Krüger zone CRS whose central meridian is nearest ``lon``.

    Parameters
    ----------
    lon : float
        Longitude in degrees east (73.5–136.5 for 3-degree zones).
    width : {3, 6}
        Zone width in degrees.
    prefix : bool
        Whether eastings carry the zone number (EPSG 4513–4533 for CGCS2000
        3-degree zones) or not (EPSG 4534–4554).
    datum : {"CGCS2000", "Xian 1980", "Beijing 1954"}

    Examples
    --------
    >>> gk_zone_crs(102.71).to_epsg(), gk_zone_crs(102.71, prefix=True).to_epsg()
    (4543, 4522)
    >>> gk_zone_crs(102.71, datum="Beijing 1954").to_epsg()
    2431
    """
    return pyproj.CRS.from_epsg(_gk_epsg(lon, width=width, prefix=prefix, datum=datum))


def _gk_epsg(
    lon: float, *, width: Literal[3, 6] = 3, prefix: bool = False, datum: str = "CGCS2000"
) -> int:
    """The EPSG code of :func:`gk_zone_crs` (arithmetic only, cheap per feature)."""
    if width == 3:
        zone = math.floor(lon / 3 + 0.5)
    elif width == 6:
        zone = math.floor(lon / 6) + 1
    else:
        raise InputError(f"zone width must be 3 or 6, got {width!r}")
    zones = GK_ZONES[width]
    if zone not in zones:
        msg = f"longitude {lon:.4f} lies outside the {width}-degree zones {zones[0]}–{zones[-1]}"
        raise CRSError(msg)
    return gk_zone_epsg(datum, width, zone, prefix=prefix)


def prefixed_zone(easting: float) -> int | None:
    """The zone number carried by an easting with a zone prefix, else None.

    Eastings with a prefix are ``zone × 1 000 000 + 500 000 ± …``; in China
    the 3-degree zones are 25–45 and the 6-degree zones 13–23.

    Examples
    --------
    >>> prefixed_zone(34_571_652.527), prefixed_zone(571_652.527)
    (34, None)
    """
    if not np.isfinite(easting) or easting < 1_000_000:
        return None
    zone = int(easting // 1_000_000)
    return zone if any(zone in zones for zones in GK_ZONES.values()) else None


def zone_crs_from_eastings(eastings, *, datum: str = "CGCS2000") -> pyproj.CRS | None:
    """Guess the prefixed Gauss-Krüger CRS from eastings that carry a zone prefix.

    Returns None when the eastings carry no prefix or disagree on the zone.
    The width follows from the zone number (13–23: 6-degree, 25–45:
    3-degree); the datum cannot be seen in the numbers and is given.

    Examples
    --------
    >>> zone_crs_from_eastings([34_571_652.5, 34_572_000.0]).to_epsg()
    4522
    >>> zone_crs_from_eastings([34_571_652.5], datum="Xian 1980").to_epsg()
    2358
    """
    if datum not in GK_DATUMS:
        raise InputError(f"datum must be one of {', '.join(GK_DATUMS)}, got {datum!r}")
    zones = {prefixed_zone(float(e)) for e in np.asarray(eastings, dtype=float).ravel()}
    if len(zones) != 1 or None in zones:
        return None
    zone = zones.pop()
    width = 3 if zone in GK_ZONES[3] else 6
    return pyproj.CRS.from_epsg(gk_zone_epsg(datum, width, zone, prefix=True))


# -------------------------------------------------------------------- area rules


def _lonlat_bounds(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> tuple[float, float, float, float]:
    transformer = pyproj.Transformer.from_crs(gdf.crs, CGCS2000, always_xy=True)
    return transformer.transform_bounds(*gdf.total_bounds, densify_pts=21)


def _own_zone_fits(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> bool:
    crs = pyproj.CRS(gdf.crs)
    if not is_gauss_kruger(crs):
        return False
    geoms = gdf.geometry.values
    if is_absent(geoms).all():
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
    present = ~is_absent(geoms)
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


# ------------------------------------------------------------- CRS declaration

_LONLAT_SYSTEMS = {"gcj02": from_gcj02, "gcj-02": from_gcj02, "bd09": from_bd09, "bd-09": from_bd09}


def _crs_hint(gdf: gpd.GeoDataFrame) -> str:
    """A suggestion for ``crs=`` from the coordinates of a layer without a usable CRS."""
    if is_absent(gdf.geometry).all():
        return "e.g. crs='EPSG:4543'"
    minx, miny, maxx, maxy = gdf.total_bounds
    guess = zone_crs_from_eastings([minx, maxx])
    if guess is not None and 1_000_000 < miny < 6_000_000:
        return f"the eastings carry a zone prefix, e.g. crs='EPSG:{guess.to_epsg()}'"
    if minx >= -180 and maxx <= 180 and miny >= -90 and maxy <= 90:
        return (
            "the coordinates are degrees: crs='EPSG:4490' (CGCS2000), or crs='gcj02' / "
            "crs='bd09' for Amap / Baidu coordinates"
        )
    return "e.g. crs='EPSG:4543' (CGCS2000 3-degree zone, CM 102°E)"


def declare_crs(gdf: gpd.GeoDataFrame, crs=None, *, layer: str = "layer") -> gpd.GeoDataFrame:
    """The layer with its coordinate reference system declared and checked.

    Parameters
    ----------
    gdf : GeoDataFrame
        A layer as read from its source.
    crs : optional
        The CRS the coordinates are in (anything pyproj accepts), overriding
        the layer's own; or ``"gcj02"`` / ``"bd09"`` for Amap / Baidu lon/lat,
        which is converted to CGCS2000 (EPSG:4490) and recorded in
        ``attrs["coordinate_conversion"]``. Without it the layer's own CRS is
        kept.
    layer : str
        The layer's name in error messages.

    Returns
    -------
    GeoDataFrame
        A copy when anything changed, else the layer itself.

    Raises
    ------
    CRSError
        No CRS is given and the layer has none (the message suggests one from
        the coordinates); the coordinates do not fit the CRS, given or own
        (see :func:`check_coordinates`);
        ``"gcj02"`` / ``"bd09"`` declared for a projected layer.

    Examples
    --------
    >>> import landkit as lk
    >>> parks = lk.read_layer(lk.sample_data_path(), "parks")
    >>> bare = parks.set_crs(None, allow_override=True)
    >>> declare_crs(bare, "EPSG:4543").crs.to_epsg()
    4543
    >>> amap = declare_crs(parks.to_crs(4326), "gcj02")
    >>> amap.crs.to_epsg(), amap.attrs["coordinate_conversion"]
    (4490, 'GCJ-02 → CGCS2000')
    """
    system = _LONLAT_SYSTEMS.get(str(crs).lower()) if crs is not None else None
    if system is not None:
        if gdf.crs is not None and not pyproj.CRS(gdf.crs).is_geographic:
            msg = f"{layer}: crs={crs!r} declares lon/lat, but the layer is in {gdf.crs}."
            raise CRSError(msg)
        lonlat = gdf.set_crs(4326, allow_override=True)
        check_coordinates(lonlat, layer=layer, declared=crs)
        return system(lonlat)
    if crs is not None:
        try:
            pyproj.CRS(crs)
        except pyproj.exceptions.CRSError as err:
            msg = f"{layer}: crs={crs!r} is not a coordinate reference system. Fix: e.g. crs='EPSG:4543'."
            raise CRSError(msg) from err
        declared = gdf.set_crs(crs, allow_override=True)
        check_coordinates(declared, layer=layer, declared=crs)
        return declared
    if gdf.crs is None:
        msg = f"{layer}: the layer has no coordinate reference system. Fix: pass crs= ({_crs_hint(gdf)})."
        raise CRSError(msg)
    check_coordinates(gdf, layer=layer)
    return gdf


def check_coordinates(gdf: gpd.GeoDataFrame | gpd.GeoSeries, *, layer: str = "layer", declared=None) -> None:
    """Raise :class:`CRSError` when the coordinates cannot be in the layer's CRS.

    Caught: metre coordinates under a CRS in degrees; eastings that carry a
    Gauss-Krüger zone prefix (``34 571 652``) under a zone CRS without one
    (EPSG:4543), and eastings without it (``571 652``) under a zone CRS with
    one (EPSG:4522); coordinates outside a Gauss-Krüger zone. A layer
    without geometries passes. Coordinates that are not numbers (NaN,
    infinity) raise :class:`GeometryError`.

    Examples
    --------
    >>> import landkit as lk
    >>> parks = lk.read_layer(lk.sample_data_path(), "parks")
    >>> check_coordinates(parks, layer="parks")
    >>> check_coordinates(parks.set_crs(4522, allow_override=True), layer="parks")
    Traceback (most recent call last):
    ...
    landkit.errors.CRSError: parks: the CRS EPSG:4522 puts the zone number in front of the eastings (34 500 000), but the eastings have none (...). Fix: declare the layer's true CRS, crs='EPSG:4543' (the same zone without the prefix).
    """
    series = gdf.geometry if isinstance(gdf, gpd.GeoDataFrame) else gdf
    present = ~is_absent(series)
    if gdf.crs is None or not present.any():
        return
    bounds = shapely.bounds(np.asarray(series.values, dtype=object)[present])
    finite = np.isfinite(bounds).all(axis=1)
    if not finite.all():
        msg = (
            f"{layer}: rows {describe_ids(series.index[present][~finite])} have coordinates that "
            f"are not numbers (NaN or infinity). Fix: correct or drop those geometries."
        )
        raise GeometryError(msg)
    minx, miny = bounds[:, :2].min(axis=0)
    maxx, maxy = bounds[:, 2:].max(axis=0)
    crs = pyproj.CRS(gdf.crs)
    given = f"crs={declared!r}" if declared is not None else f"the CRS {crs.to_string()}"
    if crs.is_geographic:
        if minx < -180 or maxx > 360 or miny < -90 or maxy > 90:
            hint = _crs_hint(gdf.set_crs(None, allow_override=True))
            msg = (
                f"{layer}: {given} says degrees but the coordinates are not degrees "
                f"(x {minx:.6g} … {maxx:.6g}, y {miny:.6g} … {maxy:.6g}). Fix: declare the layer's true CRS ({hint})."
            )
            raise CRSError(msg)
        return
    zone = gk_zone(crs)
    if zone is None:
        return
    carried = {prefixed_zone(float(minx)), prefixed_zone(float(maxx))}
    if not zone.prefix and carried != {None}:
        fit = zone_crs_from_eastings([minx, maxx], datum=zone.datum)
        fix = f"crs='EPSG:{fit.to_epsg()}'" if fit is not None else "the zone whose eastings carry its number"
        msg = (
            f"{layer}: the eastings carry a zone prefix ({minx:,.0f} … {maxx:,.0f}), but {given} "
            f"has none (eastings about 500 000). Fix: declare the layer's true CRS, {fix}."
        )
        raise CRSError(msg)
    if zone.prefix and maxx < 1_000_000:
        plain = zone.with_prefix(False).epsg
        msg = (
            f"{layer}: {given} puts the zone number in front of the eastings "
            f"({zone.zone} 500 000), but the eastings have none ({minx:,.0f} … {maxx:,.0f}). Fix: declare the layer's true CRS, crs='EPSG:{plain}' (the same zone without the prefix)."
        )
        raise CRSError(msg)
    # far outside the zone: a false easting of 500 km, with a zone's width to spare each side
    low = zone.zone * 1_000_000 - 1_000_000 if zone.prefix else -1_000_000
    if minx < low or maxx > low + 3_000_000 or min(miny, -maxy) < -10_000_000:
        msg = (
            f"{layer}: the coordinates (x {minx:.7g} … {maxx:.7g}, y {miny:.7g} … {maxy:.7g}) lie "
            f"far outside {given}'s zone (eastings about {low + 1_500_000:,}). Fix: declare the "
            f"layer's true CRS."
        )
        raise CRSError(msg)
