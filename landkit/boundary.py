"""Boundary documents: the coordinate exchange TXT, 界址点成果表, 四至 and the publication sheet.

The land bureau exchanges parcel boundaries as the ministry's coordinate
exchange TXT (坐标交换格式: an optional ``[项目信息]`` section, a ``[属性描述]``
header and a ``[地块坐标]`` section), records them in a 界址点成果表 and
publishes each park's name, area, 四至 and leading industry.

Conventions (binding for every function here):

* X is the northing and Y the easting, as in Chinese survey tables; the easting
  carries the zone number as a prefix when the CRS does (EPSG 4513–4533 …).
  Geometries are always built as (easting, northing).
* Boundary points are numbered J1, J2 … from the vertex nearest the north-west
  corner of the ring's bounding box; outer rings run clockwise and holes
  anticlockwise (the parcel is always on the right), each ring closes on its
  first point, and the numbering runs on through holes and further parts.
  Coordinates are in metres to 3 decimals.
* Areas of TXT parcels are planar areas in the declared zone's CRS (from
  坐标系, 几度分带, 带号 and the zone prefix of the eastings).
* 四至 sides are 90° sectors of direction: a boundary segment belongs to the
  side its outward normal faces. A touching neighbour with the longest shared
  edge on a side wins, else the nearest neighbour in front of that side.
"""

from __future__ import annotations

import codecs
import datetime as dt
import itertools
import math
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely.geometry import MultiPolygon, Polygon

from . import standards
from .crs import CGCS2000, area_crs, gk_zone_crs, m2_to_ha, m2_to_mu, measure_area, require_crs
from .errors import CRSError, DataWarning, GeometryError, InputError, describe_ids
from .io import atomic_path, write_table
from .provenance import provenance
from .schema import label, prepare_layer

__all__ = [
    "SIDES",
    "boundary_points",
    "four_boundaries",
    "four_boundaries_sentence",
    "gk_zone_epsg",
    "park_publication_sheet",
    "read_coordinate_txt",
    "write_boundary_points",
    "write_coordinate_txt",
    "write_publication_sheet",
]

SIDES = ("east", "south", "west", "north")
_SIDE_ZH = {"east": "东", "south": "南", "west": "西", "north": "北"}
_RULES = "boundary"

# ------------------------------------------------------------ Gauss-Krüger zones

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
_ZONES = {3: range(25, 46), 6: range(13, 24)}
_DATUM_TEXT = {
    "CGCS2000": "2000国家大地坐标系",
    "Xian 1980": "1980西安坐标系",
    "Beijing 1954": "1954北京坐标系",
}


@dataclass(frozen=True)
class _Zone:
    datum: str
    width: int
    zone: int
    prefix: bool

    @property
    def epsg(self) -> int:
        return gk_zone_epsg(self.datum, self.width, self.zone, prefix=self.prefix)


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
    """
    if (datum, width, prefix) not in _GK_FIRST_EPSG:
        raise CRSError(f"no Gauss-Krüger zones for datum {datum!r} and zone width {width!r}")
    if zone not in _ZONES[width]:
        first, last = _ZONES[width][0], _ZONES[width][-1]
        msg = f"带号 {zone} is not a {width}-degree zone in China (zones {first}–{last})"
        raise CRSError(msg)
    return _GK_FIRST_EPSG[(datum, width, prefix)] + zone - _ZONES[width][0]


def _zone_of_crs(crs: pyproj.CRS) -> _Zone | None:
    """The Gauss-Krüger zone a CRS is, or None when it is none of the EPSG zones."""
    code = crs.to_epsg()
    for (datum, width, prefix), first in _GK_FIRST_EPSG.items():
        if code is not None and 0 <= code - first < len(_ZONES[width]):
            return _Zone(datum, width, _ZONES[width][code - first], prefix)
    return None


# ----------------------------------------------------------------- ring order


def _nw_start(coords: np.ndarray) -> np.ndarray:
    """Rotate an open ring to start at the vertex nearest its bounding box's north-west corner.

    Ties (within 1 mm, so a reprojection's rounding noise cannot flip them) go
    to the northernmost, then the westernmost vertex.
    """
    west, north = coords[:, 0].min(), coords[:, 1].max()
    dist = np.hypot(coords[:, 0] - west, coords[:, 1] - north)
    tied = np.flatnonzero(dist <= dist.min() + 1e-3)
    start = min(tied, key=lambda i: (-round(coords[i, 1], 3), round(coords[i, 0], 3)))
    return np.roll(coords, -int(start), axis=0)


def _open_ring(ring) -> np.ndarray:
    """Ring vertices without the closing point and without repeated consecutive points."""
    coords = np.asarray(ring.coords)[:, :2]
    keep = np.ones(len(coords), dtype=bool)
    keep[1:] = np.any(coords[1:] != coords[:-1], axis=1)
    coords = coords[keep]
    if len(coords) > 1 and np.array_equal(coords[0], coords[-1]):
        coords = coords[:-1]
    return coords


def _ordered_rings(geom) -> list[np.ndarray]:
    """The rings of a (multi)polygon in boundary-point order, each open (no closing point).

    Parts are taken by the distance of their north-west-most vertex to the
    north-west corner of the whole feature; within a part the outer ring comes
    first, then its holes in the same way.
    """
    oriented = shapely.orient_polygons(geom, exterior_cw=True)
    parts = list(oriented.geoms) if isinstance(oriented, MultiPolygon) else [oriented]
    west, _, _, north = oriented.bounds

    def nw_distance(coords: np.ndarray) -> float:
        return float(np.hypot(coords[:, 0] - west, coords[:, 1] - north).min())

    rings = []
    for part in sorted(parts, key=lambda p: nw_distance(_open_ring(p.exterior))):
        rings.append(_nw_start(_open_ring(part.exterior)))
        holes = [_open_ring(h) for h in part.interiors]
        rings.extend(_nw_start(h) for h in sorted(holes, key=nw_distance))
    return rings


def _numbered_rings(geom) -> tuple[list[tuple[int, list[str], np.ndarray]], float]:
    """Rings as (圈号, point ids J1…, coordinates rounded to the millimetre) and their area.

    The area is the planar area of the rounded rings (outer rings minus holes),
    the area a surveyor recomputes from the listed coordinates.
    """
    out, area, number = [], 0.0, 0
    for ring_no, coords in enumerate(_ordered_rings(geom), start=1):
        rounded = np.round(coords, 3)
        ring = Polygon(rounded)
        area += -ring.area if ring.exterior.is_ccw else ring.area
        ids = [f"J{number + i + 1}" for i in range(len(rounded))]
        number += len(rounded)
        out.append((ring_no, ids, rounded))
    return out, area


def _single_feature(feature, *, what: str) -> gpd.GeoDataFrame:
    """A one-row GeoDataFrame (or GeoSeries) as a frame, its geometry checked to be a polygon."""
    if not isinstance(feature, gpd.GeoDataFrame | gpd.GeoSeries):
        msg = f"{what} takes a one-row GeoDataFrame, got {type(feature).__name__}"
        raise InputError(msg)
    frame = feature if isinstance(feature, gpd.GeoDataFrame) else feature.to_frame()
    if len(frame) != 1:
        msg = (
            f"{what} takes one feature, got {len(frame)} rows. Fix: select one row, "
            f"e.g. parks[parks['park_id'] == 'P01']."
        )
        raise InputError(msg)
    require_crs(frame, layer=what)
    geom = frame.geometry.iloc[0]
    if geom is None or geom.is_empty:
        raise GeometryError(f"{what}: the feature {frame.index[0]!r} has no geometry")
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        msg = f"{what}: the feature {frame.index[0]!r} is a {geom.geom_type}, not a polygon"
        raise GeometryError(msg)
    return frame


def _first_value(frame: pd.DataFrame, columns: Sequence[str]) -> str | None:
    for column in columns:
        if column in frame.columns and pd.notna(frame[column].iloc[0]):
            return str(frame[column].iloc[0])
    return None


# ------------------------------------------------------------------ 界址点成果表


def boundary_points(feature: gpd.GeoDataFrame | gpd.GeoSeries) -> pd.DataFrame:
    """The 界址点成果表 of one feature: its boundary points J1…Jn with X, Y and edge lengths.

    Parameters
    ----------
    feature : GeoDataFrame or GeoSeries
        One polygon or multipolygon row, in any CRS. A Gauss-Krüger (or UTM)
        zone CRS that contains the feature is used as it is (a zone prefix on
        the eastings is kept); otherwise the feature is projected to the
        CGCS2000 3-degree zone of its centre (:func:`landkit.crs.area_crs`).

    Returns
    -------
    DataFrame
        One row per boundary point and, per ring, a closing row that repeats
        the ring's first point:

        ``ring`` (圈号: 1 the outer ring, then holes and further parts),
        ``point_id`` (J1, J2 … from the vertex nearest the north-west corner,
        outer rings clockwise, holes anticlockwise), ``x_m`` (northing) and
        ``y_m`` (easting) rounded to the millimetre, ``edge_length_m`` (to the
        next point of the ring, from the rounded coordinates; NaN on the closing
        row).

        ``attrs`` holds ``area_m2``, ``area_ha`` and ``area_mu`` (planar, from
        the listed coordinates), ``crs`` (the CRS of the coordinates),
        ``feature_id``, ``name`` and ``landkit_provenance``.

    Examples
    --------
    >>> import landkit as lk
    >>> parks = lk.read_layer(lk.sample_data_path(), "parks")
    >>> table = boundary_points(parks.iloc[[0]])
    >>> table.iloc[0]["point_id"], table.attrs["crs"]
    ('J1', 'EPSG:4543')
    >>> bool(abs(table.attrs["area_m2"] - lk.crs.measure_area(parks.iloc[[0]]).iloc[0]) < 1)
    True
    """
    frame = _single_feature(feature, what="boundary_points")
    crs = area_crs(frame)
    projected = frame.geometry.to_crs(crs).iloc[0]
    rows = []
    rings, area = _numbered_rings(projected)
    for ring_no, ids, coords in rings:
        nxt = np.roll(coords, -1, axis=0)
        edges = np.round(np.hypot(*(nxt - coords).T), 3)
        for pid, (east, north), edge in zip(ids, coords, edges, strict=True):
            rows.append((ring_no, pid, north, east, edge))
        rows.append((ring_no, ids[0], coords[0, 1], coords[0, 0], np.nan))
    table = pd.DataFrame(rows, columns=["ring", "point_id", "x_m", "y_m", "edge_length_m"])
    table.attrs.update(
        area_m2=area,
        area_ha=m2_to_ha(area),
        area_mu=m2_to_mu(area),
        crs=f"EPSG:{crs.to_epsg()}" if crs.to_epsg() else crs.to_string(),
        crs_name=crs.name,
        feature_id=_first_value(frame, ("parcel_id", "park_id")) or str(frame.index[0]),
        name=_first_value(frame, ("name",)),
    )
    table.attrs["landkit_provenance"] = provenance(
        inputs={"feature": frame},
        area_crs=table.attrs["crs"],
        point_order="J1 north-west, clockwise",
    )
    return table


def write_boundary_points(points: pd.DataFrame, target, *, title: str = "界址点成果表") -> Path:
    """Write a :func:`boundary_points` table as an Excel 界址点成果表.

    The usual layout: a title, the feature's id and name, the coordinate
    system and the area (m², 公顷, 亩), then the columns 序号, 点号, 圈号,
    X（m）, Y（m）, 边长（m）; each point on its own row and each edge length on
    the row between the two points it joins, every ring closing on its first
    point. The header row is frozen and repeated on every printed page;
    coordinates and lengths are numbers shown with 3 and 2 decimals. A
    ``provenance`` sheet records where the table came from.

    Examples
    --------
    >>> import tempfile, pathlib, landkit as lk
    >>> parks = lk.read_layer(lk.sample_data_path(), "parks")
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "jzd.xlsx"
    >>> write_boundary_points(boundary_points(parks.iloc[[0]]), out).exists()
    True
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    attrs = points.attrs
    book = Workbook()
    sheet = book.active
    sheet.title = "界址点成果表"
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=6)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(["编号", attrs.get("feature_id"), "名称", attrs.get("name")])
    sheet.append(["坐标系", f"{attrs.get('crs_name', '')}（{attrs.get('crs', '')}）"])
    sheet.append(
        [
            "面积（m²）",
            attrs.get("area_m2"),
            "面积（公顷）",
            attrs.get("area_ha"),
            "面积（亩）",
            attrs.get("area_mu"),
        ]
    )
    for cell, fmt in (("B4", "0.00"), ("D4", "0.0000"), ("F4", "0.00")):
        sheet[cell].number_format = fmt
    sheet.append(["序号", "点号", "圈号", "X（m）", "Y（m）", "边长（m）"])
    header_row = sheet.max_row
    for number, row in enumerate(points.itertuples(index=False), start=1):
        sheet.append([number, row.point_id, int(row.ring), float(row.x_m), float(row.y_m)])
        sheet[f"D{sheet.max_row}"].number_format = "0.000"
        sheet[f"E{sheet.max_row}"].number_format = "0.000"
        if pd.notna(row.edge_length_m):
            sheet.append([None, None, None, None, None, float(row.edge_length_m)])
            sheet[f"F{sheet.max_row}"].number_format = "0.00"
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    for column, width in zip("ABCDEF", (8, 10, 8, 16, 16, 12), strict=True):
        sheet.column_dimensions[column].width = width
    record = attrs.get("landkit_provenance")
    if record:
        prov = book.create_sheet("provenance")
        prov.append(["key", "value"])
        for key, value in record.items():
            prov.append([key, value])
        prov.freeze_panes = "A2"
    target = Path(target)
    with atomic_path(target) as tmp:
        book.save(tmp)
    return target


# ------------------------------------------------------------------------- 四至


def _as_layers(neighbours) -> list[gpd.GeoDataFrame]:
    if isinstance(neighbours, gpd.GeoDataFrame):
        return [neighbours]
    if isinstance(neighbours, Mapping):
        return list(neighbours.values())
    if isinstance(neighbours, Sequence) and all(
        isinstance(n, gpd.GeoDataFrame) for n in neighbours
    ):
        return list(neighbours)
    msg = "neighbours must be a GeoDataFrame or a list of GeoDataFrames (roads, rivers, parcels …)"
    raise InputError(msg)


_OUTWARD = {"east": (1.0, 0.0), "south": (0.0, -1.0), "west": (-1.0, 0.0), "north": (0.0, 1.0)}


def _side_of(nx: float, ny: float) -> str:
    """The side an outward normal points to: the 90° sector of its bearing."""
    angle = math.degrees(math.atan2(ny, nx))
    if -45 < angle <= 45:
        return "east"
    if 45 < angle <= 135:
        return "north"
    if -135 < angle <= -45:
        return "south"
    return "west"


def _facing_segments(shape) -> dict[str, list[tuple[tuple[float, float], tuple[float, float]]]]:
    """The boundary segments of a polygon by the side their outward normal faces."""
    oriented = shapely.orient_polygons(shape, exterior_cw=True)
    parts = oriented.geoms if isinstance(oriented, MultiPolygon) else [oriented]
    segments: dict[str, list] = {side: [] for side in SIDES}
    for part in parts:
        for ring in (part.exterior, *part.interiors):
            coords = np.asarray(ring.coords)[:, :2]
            for (x0, y0), (x1, y1) in itertools.pairwise(coords.tolist()):
                if (x0, y0) == (x1, y1):
                    continue
                # the parcel lies on the right of every ring (outer clockwise, holes
                # anticlockwise), so the outward normal is the direction turned left
                side = _side_of(-(y1 - y0), x1 - x0)
                segments[side].append(((x0, y0), (x1, y1)))
    return segments


def _swept(segments, side: str, reach: float):
    """The area in front of the segments, swept outward towards ``side`` by ``reach``."""
    ux, uy = _OUTWARD[side]
    quads = [
        Polygon(
            [p, q, (q[0] + reach * ux, q[1] + reach * uy), (p[0] + reach * ux, p[1] + reach * uy)]
        )
        for p, q in segments
    ]
    return shapely.union_all([q for q in quads if q.area > 0])


def _measure(geoms: np.ndarray, like: np.ndarray) -> np.ndarray:
    """Area, length or point count of ``geoms``, whichever dimension ``like`` has."""
    return np.where(
        shapely.area(like) > 0,
        shapely.area(geoms),
        np.where(shapely.length(like) > 0, shapely.length(geoms), ~shapely.is_empty(geoms)),
    ).astype(float)


def _neighbour_parts(feature, layers, name_col: str, crs, tolerance: float):
    """Names and parts outside the feature of the named neighbours that adjoin it.

    A neighbour equal to the feature, or lying mostly inside it (an inner
    parcel, an internal road), is not a neighbour.
    """
    interior = feature.buffer(-tolerance) if tolerance > 0 else feature
    names, parts = [], []
    for layer_no, layer in enumerate(layers):
        where = f"neighbours (layer {layer_no + 1})"
        if name_col not in layer.columns:
            msg = (
                f"{where}: no column {name_col!r}. Fix: pass name_col= naming the column "
                f"that holds the road, river or parcel names."
            )
            raise InputError(msg)
        require_crs(layer, layer=where)
        geoms = np.asarray(layer.geometry.to_crs(crs).values, dtype=object)
        text = layer[name_col].astype("string").str.strip()
        keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        keep &= (text.notna() & (text != "")).to_numpy(dtype=bool)
        keep &= ~shapely.equals(geoms, feature)
        outside = shapely.difference(geoms, interior)
        keep &= _measure(outside, geoms) >= 0.5 * _measure(geoms, geoms)
        keep &= ~shapely.is_empty(outside)
        names.extend(text[keep].tolist())
        parts.append(outside[keep])
    return names, np.concatenate(parts) if parts else np.array([], dtype=object)


def four_boundaries(
    feature,
    neighbours,
    *,
    name_col: str,
    tolerance: float | None = None,
    max_distance: float | None = None,
) -> dict[str, str | None]:
    """四至: the named feature adjoining each side (east, south, west, north).

    Parameters
    ----------
    feature : GeoDataFrame, GeoSeries or shapely geometry
        One polygon (a one-row GeoDataFrame, or a geometry in the neighbours'
        CRS).
    neighbours : GeoDataFrame or list of GeoDataFrames
        Named roads, rivers, parcels, parks … (lines or polygons, any CRS). A
        neighbour equal to the feature, and one lying mostly inside it, is
        ignored; so are rows without a name.
    name_col : str
        The column holding the neighbours' names (in every layer).
    tolerance : float, optional
        Distance in metres within which a neighbour counts as touching; default
        from the ``boundary`` rule table (``four_boundaries_touch_tolerance_m``).
    max_distance : float, optional
        Ignore non-touching neighbours farther than this (metres); no limit by
        default.

    Returns
    -------
    dict
        ``east``, ``south``, ``west``, ``north``: the neighbour's name or None;
        ``sentence``: "东至…，南至…，西至…，北至…". Edit the four names and
        re-render the sentence with :func:`four_boundaries_sentence`.

    Notes
    -----
    The sides are 90° sectors of direction: each segment of the feature's
    boundary belongs to the side its outward normal points to (east: bearing
    within 45° of due east, and so on), so the long north edge of a narrow
    east-west parcel faces north wherever it lies relative to the centroid.
    On each side, the neighbour whose touching edge (the part of that side's
    boundary within ``tolerance`` of it) is longest wins, when it is longer
    than twice the tolerance (a corner contact or a crossing road does not
    count); when none touches there, the nearest neighbour lying in front of
    that side (in the area swept from its edges towards east, south, west or
    north) wins. Distances are in metres in :func:`landkit.crs.area_crs` of the
    feature. The result is a draft for the surveyor to confirm.

    Examples
    --------
    >>> import landkit as lk
    >>> sample = lk.sample_data_path()
    >>> parks = lk.read_layer(sample, "parks")
    >>> roads, rivers = lk.read_layer(sample, "roads"), lk.read_layer(sample, "rivers")
    >>> sides = four_boundaries(parks.iloc[[0]], [roads, rivers, parks], name_col="name")
    >>> sorted(sides)
    ['east', 'north', 'sentence', 'south', 'west']
    >>> sides["sentence"].startswith("东至")
    True
    """
    layers = _as_layers(neighbours)
    if isinstance(feature, shapely.Geometry):
        if not layers:
            raise InputError("four_boundaries: a bare geometry needs neighbours (for the CRS)")
        feature = gpd.GeoDataFrame(geometry=[feature], crs=layers[0].crs)
    frame = _single_feature(feature, what="four_boundaries")
    if tolerance is None:
        tolerance = float(standards.rule(_RULES, "four_boundaries_touch_tolerance_m"))
    crs = area_crs(frame)
    shape = frame.geometry.to_crs(crs).iloc[0]
    names, parts = _neighbour_parts(shape, layers, name_col, crs, tolerance)
    result: dict[str, str | None] = dict.fromkeys(SIDES)
    if not names:
        result["sentence"] = four_boundaries_sentence(result)
        return result
    bounds = np.vstack([shape.bounds, shapely.bounds(parts)])
    reach = 2 * float(max(np.ptp(bounds[:, [0, 2]]), np.ptp(bounds[:, [1, 3]]))) + 1.0
    near = shapely.buffer(parts, tolerance) if tolerance > 0 else parts
    for side, segments in _facing_segments(shape).items():
        if not segments:
            continue
        edge = shapely.MultiLineString(segments)
        shared = shapely.length(shapely.intersection(edge, near))
        if shared.max() > 2 * tolerance:  # a corner contact or a crossing is no adjoining edge
            result[side] = names[int(np.argmax(shared))]
            continue
        front = _swept(segments, side, reach)
        # a road running along the rim of the swept area (past a corner) is not in front
        inner = front.buffer(-tolerance) if tolerance > 0 else front
        in_front = _measure(shapely.intersection(parts, inner), parts) > 0
        dist = np.where(
            in_front, shapely.distance(edge, shapely.intersection(parts, front)), np.inf
        )
        if max_distance is not None:
            dist[dist > max_distance] = np.inf
        if np.isfinite(dist).any():
            result[side] = names[int(np.argmin(dist))]
    result["sentence"] = four_boundaries_sentence(result)
    return result


def four_boundaries_sentence(sides: Mapping[str, str | None], *, missing: str = "（待定）") -> str:
    """Render 四至 as "东至…，南至…，西至…，北至…".

    Examples
    --------
    >>> sides = {"east": "东环路", "south": "宝象河", "west": None, "north": "北京路"}
    >>> four_boundaries_sentence(sides)
    '东至东环路，南至宝象河，西至（待定），北至北京路'
    """
    return "，".join(f"{_SIDE_ZH[s]}至{sides.get(s) or missing}" for s in SIDES)


# ---------------------------------------------------------- publication sheet

_SHEET_COLUMNS = [
    "park_id",
    "name",
    "level",
    "county",
    "leading_industry",
    "approved_area_ha",
    "area_ha",
    "area_mu",
    "area_difference_ha",
    "four_boundaries_east",
    "four_boundaries_south",
    "four_boundaries_west",
    "four_boundaries_north",
    "four_boundaries",
]


def park_publication_sheet(
    parks: gpd.GeoDataFrame,
    *,
    neighbours=None,
    name_col: str = "name",
    area_method: str = "planar",
    max_distance: float | None = None,
) -> pd.DataFrame:
    """The per-park publication sheet: name, approved vs measured area, 四至, leading industry.

    Parameters
    ----------
    parks : GeoDataFrame
        Parks (canonical or Chinese column names: 园区编号, 园区名称, 级别,
        所在县区, 核准面积, 主导产业).
    neighbours : GeoDataFrame or list of GeoDataFrames, optional
        Named roads, rivers and parks for 四至 (pass the parks layer too so
        adjoining parks are named). Without it the 四至 columns are empty.
    name_col : str
        The name column of the neighbours.
    area_method : {"planar", "ellipsoid"}
        How the measured area is computed (:func:`landkit.crs.measure_area`).
    max_distance : float, optional
        Passed to :func:`four_boundaries`.

    Returns
    -------
    DataFrame
        On the parks' index, in their order: ``park_id``, ``name``, ``level``,
        ``county``, ``leading_industry``, ``approved_area_ha``, ``area_ha`` and
        ``area_mu`` (measured), ``area_difference_ha`` (measured − approved),
        ``four_boundaries_east`` … ``four_boundaries_north`` and the sentence
        ``four_boundaries``. A park without geometry has NaN areas and no 四至.

    Examples
    --------
    >>> import landkit as lk
    >>> sample = lk.sample_data_path()
    >>> parks = lk.read_layer(sample, "parks")
    >>> roads = lk.read_layer(sample, "roads")
    >>> sheet = park_publication_sheet(parks, neighbours=[roads, parks])
    >>> len(sheet) == len(parks), bool((sheet["area_ha"] > 0).all())
    (True, True)
    """
    table = prepare_layer(parks, "parks", layer="parks")
    out = pd.DataFrame(index=table.index)
    for column in ("park_id", "name", "level", "county", "leading_industry"):
        out[column] = table[column] if column in table.columns else None
    approved = table["approved_area_ha"] if "approved_area_ha" in table.columns else np.nan
    out["approved_area_ha"] = pd.to_numeric(pd.Series(approved, index=table.index), errors="coerce")
    area_m2 = measure_area(table, area_method=area_method)
    out["area_ha"] = m2_to_ha(area_m2)
    out["area_mu"] = m2_to_mu(area_m2)
    out["area_difference_ha"] = out["area_ha"] - out["approved_area_ha"]
    layers = [] if neighbours is None else _as_layers(neighbours)
    sides = {side: [] for side in (*SIDES, "sentence")}
    for position in range(len(table)):
        row = table.iloc[[position]]
        geom = row.geometry.iloc[0]
        if not layers or geom is None or geom.is_empty:
            found = dict.fromkeys(sides)
        else:
            found = four_boundaries(row, layers, name_col=name_col, max_distance=max_distance)
        for key in sides:
            sides[key].append(found[key])
    for side in SIDES:
        out[f"four_boundaries_{side}"] = pd.Series(sides[side], index=table.index, dtype=object)
    out["four_boundaries"] = pd.Series(sides["sentence"], index=table.index, dtype=object)
    out = out[_SHEET_COLUMNS]
    out.attrs["landkit_provenance"] = provenance(
        inputs={"parks": parks},
        area_method=area_method,
        four_boundaries_neighbours=len(layers),
        rule_tables="boundary",
    )
    return out


def write_publication_sheet(sheet: pd.DataFrame, target) -> Path:
    """Write a :func:`park_publication_sheet` as Excel or CSV with Chinese headers and units.

    Examples
    --------
    >>> import tempfile, pathlib, landkit as lk
    >>> parks = lk.read_layer(lk.sample_data_path(), "parks")
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "parks.xlsx"
    >>> write_publication_sheet(park_publication_sheet(parks), out).exists()
    True
    """
    shown = sheet.rename(columns=label)
    shown.attrs = dict(sheet.attrs)
    target = Path(target)
    if target.suffix.lower() == ".xlsx":
        return write_table({"园区公布信息": shown}, target)
    return write_table(shown, target)


# ------------------------------------------------------- coordinate exchange TXT

_SECTION = re.compile(r"^\s*[\[【［]\s*(.+?)\s*[\]】］]\s*$")
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)")
_HEADER_KEYS = (
    "格式版本号",
    "数据产生单位",
    "数据产生日期",
    "坐标系",
    "几度分带",
    "投影类型",
    "计量单位",
    "带号",
    "精度",
    "转换参数",
)
_TXT_COLUMNS = ("parcel_id", "name", "sheet_no", "intended_use", "land_use", "extra_fields")


@dataclass
class _Parcel:
    line_no: int
    fields: list[str]
    points: list[tuple[int, str, str, float, float]] = field(default_factory=list)


def _decode(raw: bytes, encoding: str | None, where: str) -> tuple[str, str]:
    if encoding is not None:
        try:
            return raw.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as err:
            raise InputError(f"{where}: cannot be decoded as {encoding} ({err})") from err
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict"), "utf-8-sig"
    for candidate in ("utf-8", "gb18030"):
        try:
            return raw.decode(candidate), candidate
        except UnicodeDecodeError:
            continue
    msg = f"{where}: the text is neither UTF-8 nor GBK/GB18030. Fix: pass encoding=."
    raise InputError(msg)


def _parse_txt(text: str, where: str) -> tuple[dict[str, dict[str, str]], list[_Parcel]]:
    sections: dict[str, dict[str, str]] = {}
    parcels: list[_Parcel] = []
    section = None
    problems: list[str] = []
    for line_no, raw in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line:
            continue
        if match := _SECTION.match(line):
            section = match.group(1)
            sections.setdefault(section, {})
            continue
        if section != "地块坐标":
            if section is not None and "=" in line.replace("＝", "="):
                key, _, value = line.replace("＝", "=").partition("=")
                sections[section][key.strip()] = value.strip()
            continue
        if line.rstrip(", ").endswith("@"):
            fields = [f.strip() for f in line.rstrip(", ").removesuffix("@").split(",")]
            if fields and fields[-1] == "":
                fields.pop()
            parcels.append(_Parcel(line_no, fields))
            continue
        fields = [f.strip() for f in line.split(",")]
        if not parcels:
            problems.append(f"line {line_no}: a point before the first parcel header")
            continue
        if len(fields) == 3 and _NUMBER.fullmatch(fields[1]) and float(fields[1]) >= 1000:
            fields.insert(1, "1")  # 点号,X,Y: a file without 圈号, one ring per parcel
        try:
            x, y = float(fields[2]), float(fields[3])
        except (IndexError, ValueError):
            problems.append(f"line {line_no}: '{line}' is not 点号,圈号,X,Y")
            continue
        parcels[-1].points.append((line_no, fields[0], fields[1], x, y))
    if "地块坐标" not in sections:
        problems.append("no [地块坐标] section")
    elif not parcels:
        problems.append("the [地块坐标] section holds no parcel")
    if problems:
        shown = "; ".join(problems[:5])
        if len(problems) > 5:
            shown += f"; … ({len(problems)} problems)"
        raise InputError(f"{where}: not a coordinate exchange file: {shown}")
    return sections, parcels


def _int_in(text: str | None) -> int | None:
    match = _NUMBER.search(text or "")
    return int(float(match.group())) if match else None


def _datum(text: str | None, notes: list[str]) -> str:
    value = (text or "").replace(" ", "")
    if not value:
        notes.append("坐标系 is empty; CGCS2000 (2000国家大地坐标系) is assumed")
        return "CGCS2000"
    if "2000" in value or "CGCS" in value.upper():
        return "CGCS2000"
    if "80" in value or "西安" in value:
        return "Xian 1980"
    if "54" in value or "北京" in value:
        return "Beijing 1954"
    msg = f"坐标系={text} is not CGCS2000, Xian 1980 or Beijing 1954 Gauss-Krüger"
    raise CRSError(msg)


def _file_zone(header: Mapping[str, str], north, east, where: str, notes: list[str]) -> _Zone:
    """The Gauss-Krüger zone of a file, its axis order and zone prefix checked against 带号."""
    datum = _datum(header.get("坐标系"), notes)
    width = _int_in(header.get("几度分带") or header.get("分带"))
    zone = _int_in(header.get("带号"))
    if zone is not None and zone > 60 and zone % 3 == 0:  # a central meridian written as 带号
        meridian = zone
        zone = meridian // 3 if width != 6 else (meridian + 3) // 6
        notes.append(f"带号={meridian} is a central meridian; read as zone {zone}")
    if width not in (None, 3, 6):
        raise CRSError(f"{where}: 几度分带={header.get('几度分带')} is neither 3 nor 6")
    unit = header.get("计量单位", "")
    if unit and unit not in ("米", "m", "M", "metre", "meter"):
        raise CRSError(f"{where}: 计量单位={unit}; only metres (米) are supported")
    projection = header.get("投影类型", "")
    if projection and "高斯" not in projection and "gauss" not in projection.lower():
        raise CRSError(f"{where}: 投影类型={projection}; only 高斯克吕格 is supported")
    fix = "Fix: write X (northing) first and Y (easting) second, or read with swap_xy=True."
    if (north >= 10_000_000).any():
        msg = (
            f"{where}: X and Y appear swapped: X (the northing, listed first) holds values like "
            f"{north.max():.3f}, an easting with a zone prefix. {fix}"
        )
        raise InputError(msg)
    seven_digit = (east >= 1_000_000) & (east < 10_000_000)
    if seven_digit.any():
        msg = (
            f"{where}: X and Y appear swapped: Y (the easting, listed second) holds values like "
            f"{east[seven_digit][0]:.3f}, which is a northing, not an easting. {fix}"
        )
        raise InputError(msg)
    prefixed = east >= 10_000_000
    if prefixed.any() and not prefixed.all():
        msg = (
            f"{where}: {int(prefixed.sum())} Y values carry a zone prefix and "
            f"{int((~prefixed).sum())} do not. Fix: write every Y with its zone prefix."
        )
        raise CRSError(msg)
    if prefixed.all():
        zones = np.unique(east // 1_000_000).astype(int)
        if len(zones) > 1:
            named = ", ".join(map(str, zones))
            raise CRSError(f"{where}: the Y prefixes name several zones ({named})")
        prefix_zone = int(zones[0])
        if zone is not None and zone != prefix_zone:
            msg = (
                f"{where}: the zone prefix of Y ({prefix_zone}) disagrees with 带号={zone}. "
                f"Fix: correct 带号 in [属性描述] or the eastings."
            )
            raise CRSError(msg)
        zone = prefix_zone
    elif zone is None:
        msg = (
            f"{where}: Y carries no zone prefix and [属性描述] gives no 带号, so the zone is "
            f"unknown. Fix: add 带号= (e.g. 带号=34 for Kunming) or write Y with its zone prefix."
        )
        raise CRSError(msg)
    else:
        notes.append(f"Y carries no zone prefix; placed in 带号={zone} from [属性描述]")
    if width is None:
        width = 3 if zone in _ZONES[3] else 6
    if zone not in _ZONES[width]:
        first, last = _ZONES[width][0], _ZONES[width][-1]
        msg = (
            f"{where}: zone {zone} is not a {width}-degree zone (几度分带={width}: {first}–{last})"
        )
        raise CRSError(msg)
    return _Zone(datum, width, zone, bool(prefixed.all()))


def _rings(parcel: _Parcel) -> list[list[tuple[float, float]]]:
    """Split a parcel's points into rings (easting, northing).

    A new ring starts when 圈号 changes, after a ring has closed on its first
    point, or when the first point number comes again at another place.
    """
    rings: list[list[tuple[float, float]]] = []
    current_no, first_id, closed = None, None, True
    for _, point_id, ring_no, x, y in parcel.points:
        point = (y, x)
        restart = point_id == first_id and point != rings[-1][0]
        if closed or ring_no != current_no or restart:
            rings.append([point])
            current_no, first_id, closed = ring_no, point_id, False
            continue
        rings[-1].append(point)
        closed = len(rings[-1]) > 2 and point == rings[-1][0]
    return rings


def _assemble(rings: list[list[tuple[float, float]]]):
    """Polygon from rings: the first is an outer ring; a later one inside a part is its hole."""
    parts: list[tuple[list, list]] = []
    for ring in rings:
        poly = Polygon(ring)
        host = None
        for shell, holes in parts:
            if Polygon(shell).covers(poly) and not any(Polygon(h).covers(poly) for h in holes):
                host = holes
                break
        if host is None:
            parts.append((ring, []))
        else:
            host.append(ring)
    polygons = [Polygon(shell, holes) for shell, holes in parts]
    return polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)


def read_coordinate_txt(
    path, *, encoding: str | None = None, swap_xy: bool = False
) -> gpd.GeoDataFrame:
    """Read a coordinate exchange TXT (界址点坐标交换格式) into parcels.

    Parameters
    ----------
    path : str or Path
        The file: GBK/GB18030 or UTF-8 (with or without BOM), CRLF or LF line
        ends, with or without a final newline.
    encoding : str, optional
        Force a text encoding (default: UTF-8 when the bytes are valid UTF-8,
        else GB18030, which covers GBK and GB2312).
    swap_xy : bool
        The file lists the easting first (a non-standard file); by default the
        swap is detected and raised as an error.

    Returns
    -------
    GeoDataFrame
        One row per parcel of ``[地块坐标]``, in file order: ``parcel_id``
        (地块编号), ``name`` (地块名称), ``sheet_no`` (图幅号), ``intended_use``
        (地块用途), ``land_use`` (地类编码), ``extra_fields`` (fields a local
        variant adds before ``@``, comma-joined), ``declared_area_ha``
        (地块面积), ``area_m2``, ``area_ha``, ``area_mu`` (planar in the file's
        zone), ``area_mismatch`` (declared and computed areas differ beyond the
        ``boundary`` rule table's tolerance), geometry (圈号 1 the outer ring;
        a later ring inside an outer ring is a hole, otherwise another part).
        The CRS is the file's Gauss-Krüger zone: EPSG from 坐标系, 几度分带 and
        带号, with or without the zone prefix as the eastings are written.
        ``attrs["coordinate_txt"]`` keeps the ``[属性描述]`` and ``[项目信息]``
        entries and the encoding, so :func:`write_coordinate_txt` writes them
        back.

    Raises
    ------
    InputError
        Not an exchange file; X and Y swapped.
    CRSError
        Zone prefix and 带号 disagree; no prefix and no 带号; unknown 坐标系.

    Warns
    -----
    UserWarning
        Declared and computed areas differ; 界址点数 matches no count of the
        listed points; eastings without zone prefix; invalid rings.

    Examples
    --------
    >>> import tempfile, pathlib, landkit as lk
    >>> parks = lk.read_layer(lk.sample_data_path(), "parks")
    >>> txt = pathlib.Path(tempfile.mkdtemp()) / "parks.txt"
    >>> _ = write_coordinate_txt(parks.iloc[:2], txt)
    >>> parcels = read_coordinate_txt(txt)
    >>> parcels.crs.to_epsg(), len(parcels), bool(parcels["area_mismatch"].any())
    (4522, 2, False)
    """
    path = Path(path)
    where = str(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file. Fix: check the path.")
    text, used = _decode(path.read_bytes(), encoding, where)
    sections, parcels = _parse_txt(text, where)
    header = sections.get("属性描述", {})
    notes: list[str] = []
    xs = np.array([p[3] for parcel in parcels for p in parcel.points], dtype=float)
    ys = np.array([p[4] for parcel in parcels for p in parcel.points], dtype=float)
    if swap_xy:
        xs, ys = ys, xs
        parcels = [
            _Parcel(p.line_no, p.fields, [(n, i, r, y, x) for n, i, r, x, y in p.points])
            for p in parcels
        ]
    if len(xs) == 0:
        raise InputError(f"{where}: the parcels hold no points")
    zone = _file_zone(header, xs, ys, where, notes)
    rows, geoms, problems = [], [], []
    for parcel in parcels:
        fields = parcel.fields + [""] * (8 - len(parcel.fields))
        label_ = fields[2] or fields[3] or f"line {parcel.line_no}"
        if fields[4] and fields[4] != "面":
            problems.append(f"{label_}: 记录图形属性={fields[4]} (only 面 parcels are read)")
            continue
        rings = _rings(parcel)
        short = [r for r in rings if len(set(r)) < 3]
        if not rings or short:
            problems.append(f"{label_}: a ring with fewer than 3 distinct points")
            continue
        geoms.append(_assemble(rings))
        count = _int_in(fields[0])
        n_lines = len(parcel.points)
        distinct = sum(len(r) - (r[0] == r[-1] and len(r) > 1) for r in rings)
        if count is not None and count not in (n_lines, n_lines - 1, distinct):
            notes.append(f"{label_}: 界址点数={count} but {n_lines} points are listed")
        area_text = _NUMBER.search(fields[1])
        rows.append(
            {
                "parcel_id": fields[2] or None,
                "name": fields[3] or None,
                "sheet_no": fields[5] or None,
                "intended_use": fields[6] or None,
                "land_use": fields[7] or None,
                "extra_fields": ",".join(fields[8:]) or None,
                "declared_area_ha": float(area_text.group()) if area_text else np.nan,
            }
        )
    if problems:
        raise GeometryError(f"{where}: " + "; ".join(problems))
    crs = pyproj.CRS.from_epsg(zone.epsg)
    out = gpd.GeoDataFrame(rows, geometry=geoms, crs=crs)
    invalid = ~shapely.is_valid(out.geometry.values)
    if invalid.any():
        notes.append(
            f"invalid rings in parcel(s) {describe_ids(out.loc[invalid, 'parcel_id'])}; "
            f"repair with landkit.geometry.repair"
        )
    area = shapely.area(out.geometry.values)
    out["area_m2"] = area
    out["area_ha"] = m2_to_ha(area)
    out["area_mu"] = m2_to_mu(area)
    absolute = float(standards.rule(_RULES, "txt_area_tolerance_ha"))
    relative = float(standards.rule(_RULES, "txt_area_tolerance_rel"))
    declared = out["declared_area_ha"]
    allowed = np.maximum(absolute, relative * declared.abs())
    mismatch = declared.notna() & ((out["area_ha"] - declared).abs() > allowed + 1e-12)
    out["area_mismatch"] = mismatch
    if mismatch.any():
        listed = out.loc[mismatch, ["parcel_id", "declared_area_ha", "area_ha"]].head(5)
        shown = ", ".join(
            f"{pid}: declared {d:.4f} ha, computed {c:.4f} ha"
            for pid, d, c in listed.itertuples(index=False)
        )
        notes.append(f"declared 地块面积 differs from the area of the coordinates ({shown})")
    for note in notes:
        warnings.warn(f"{where}: {note}", DataWarning, stacklevel=2)
    areas = ["declared_area_ha", "area_m2", "area_ha", "area_mu", "area_mismatch"]
    out = out[[*_TXT_COLUMNS, *areas, "geometry"]]
    out.attrs["coordinate_txt"] = {
        "header": dict(header),
        "project": dict(sections.get("项目信息", {})),
        "encoding": used,
    }
    out.attrs["landkit_source"] = {
        "path": where,
        "layer": None,
        "encoding": used,
        "crs": f"EPSG:{zone.epsg}",
    }
    return out


def _target_zone(gdf: gpd.GeoDataFrame, crs) -> _Zone:
    """The (prefixed) zone a file is written in: the given CRS, the layer's own, or its centre's."""
    if crs is not None:
        zone = _zone_of_crs(pyproj.CRS(crs))
        if zone is None:
            msg = f"crs={crs!r} is not a Gauss-Krüger zone of CGCS2000, Xian 1980 or Beijing 1954"
            raise CRSError(msg)
        return _Zone(zone.datum, zone.width, zone.zone, True)
    own = _zone_of_crs(pyproj.CRS(gdf.crs))
    if own is not None and area_crs(gdf).equals(pyproj.CRS(gdf.crs)):
        return _Zone(own.datum, own.width, own.zone, True)
    to_lonlat = pyproj.Transformer.from_crs(gdf.crs, CGCS2000, always_xy=True)
    west, _, east, _ = to_lonlat.transform_bounds(*gdf.total_bounds)
    zone = _zone_of_crs(gk_zone_crs((west + east) / 2, prefix=True))
    return _Zone(zone.datum, zone.width, zone.zone, True)


def _field(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(value).strip()


def write_coordinate_txt(
    gdf: gpd.GeoDataFrame,
    path,
    *,
    encoding: str = "gbk",
    newline: str = "\r\n",
    crs=None,
    id_col: str | None = None,
    name_col: str = "name",
    header: Mapping[str, str] | None = None,
    project: Mapping[str, str] | None = None,
) -> Path:
    """Write polygons as a coordinate exchange TXT (界址点坐标交换格式).

    Parameters
    ----------
    gdf : GeoDataFrame
        Polygons in any CRS. They are written in their own Gauss-Krüger zone
        when the layer is in one that contains it, else in the CGCS2000
        3-degree zone of the layer's centroid, always with the zone prefix on
        Y (the easting).
    path : str or Path
        The file, written atomically.
    encoding : {"gbk", "gb18030", "utf-8", "utf-8-sig"}
        GBK is what desktop land software reads.
    newline : {"\\r\\n", "\\n"}
        Line ends; the file ends with one.
    crs : optional
        Write in this Gauss-Krüger zone instead (e.g. ``"EPSG:4522"``).
    id_col : str, optional
        The column written as 地块编号; default ``parcel_id``, else ``park_id``,
        else 1, 2, ….
    name_col : str
        The column written as 地块名称.
    header : mapping, optional
        ``[属性描述]`` entries (数据产生单位, 数据产生日期 …) over those kept in
        ``gdf.attrs`` by :func:`read_coordinate_txt` and the defaults
        (格式版本号=1.01版本, 精度=0.001, 数据产生日期=today). 坐标系, 几度分带,
        投影类型, 计量单位 and 带号 always follow the CRS written.
    project : mapping, optional
        ``[项目信息]`` entries; also taken from ``gdf.attrs``.

    Notes
    -----
    Each parcel line is ``界址点数,地块面积,地块编号,地块名称,面,图幅号,地块用途,地类编码,@``
    (the columns ``sheet_no``, ``intended_use``, ``land_use`` and
    ``extra_fields`` when present). 地块面积 is the planar area of the written
    coordinates in 公顷 to 4 decimals; 界址点数 counts the point lines. Points
    follow :func:`boundary_points` (J1 north-west, outer rings clockwise,
    each ring closed, 圈号 1, 2 … for the outer ring, holes and further
    parts); X (northing) first, coordinates to 3 decimals.

    Examples
    --------
    >>> import tempfile, pathlib, landkit as lk
    >>> parks = lk.read_layer(lk.sample_data_path(), "parks")
    >>> txt = write_coordinate_txt(parks.iloc[[0]], pathlib.Path(tempfile.mkdtemp()) / "p.txt")
    >>> txt.read_bytes().decode("gbk").splitlines()[0]
    '[属性描述]'
    """
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise InputError(f"write_coordinate_txt takes a GeoDataFrame, got {type(gdf).__name__}")
    if newline not in ("\r\n", "\n"):
        raise InputError(f"newline must be '\\r\\n' or '\\n', got {newline!r}")
    require_crs(gdf, layer="write_coordinate_txt")
    if gdf.empty:
        raise InputError("write_coordinate_txt: the layer has no rows")
    geoms = gdf.geometry.values
    types = np.array([g.geom_type if g is not None else None for g in geoms], dtype=object)
    bad = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    bad |= ~np.isin(types, ["Polygon", "MultiPolygon"])
    bad |= ~bad & ~shapely.is_valid(geoms)
    if bad.any():
        msg = (
            f"write_coordinate_txt: rows {describe_ids(gdf.index[bad])} have no geometry, are not "
            f"polygons or are invalid. Fix: drop them or repair them (landkit.geometry.repair)."
        )
        raise GeometryError(msg)
    zone = _target_zone(gdf, crs)
    projected = gdf.geometry.to_crs(zone.epsg).values
    if id_col is None:
        id_col = next((c for c in ("parcel_id", "park_id") if c in gdf.columns), None)
    if id_col is not None and id_col not in gdf.columns:
        raise InputError(f"write_coordinate_txt: no column {id_col!r} (id_col)")
    kept = gdf.attrs.get("coordinate_txt", {})
    entries = {
        "格式版本号": "1.01版本",
        "数据产生单位": "",
        "数据产生日期": dt.date.today().isoformat(),
        "精度": "0.001",
        "转换参数": ",,,,,,",
        **kept.get("header", {}),
        **(header or {}),
        "坐标系": _DATUM_TEXT[zone.datum],
        "几度分带": str(zone.width),
        "投影类型": "高斯克吕格",
        "计量单位": "米",
        "带号": str(zone.zone),
    }
    project = {**kept.get("project", {}), **(project or {})}
    lines = []
    if project:
        lines.append("[项目信息]")
        lines.extend(f"{k}={v}" for k, v in project.items())
    lines.append("[属性描述]")
    lines.extend(f"{k}={entries[k]}" for k in _HEADER_KEYS)
    lines.extend(f"{k}={v}" for k, v in entries.items() if k not in _HEADER_KEYS)
    lines.append("[地块坐标]")
    unsafe = []
    for position, geom in enumerate(projected):
        row = gdf.iloc[position]
        rings, area = _numbered_rings(geom)
        points = [
            f"{pid},{ring_no},{north:.3f},{east:.3f}"
            for ring_no, ids, coords in rings
            for pid, (east, north) in [*zip(ids, coords, strict=True), (ids[0], coords[0])]
        ]
        values = [
            _field(row[id_col]) if id_col else str(position + 1),
            _field(row[name_col]) if name_col in gdf.columns else "",
            _field(row.get("sheet_no")),
            _field(row.get("intended_use")),
            _field(row.get("land_use")),
        ]
        extra = _field(row.get("extra_fields"))
        if any(c in v for v in values for c in ",@\r\n") or any(c in extra for c in "@\r\n"):
            unsafe.append(gdf.index[position])
        head = [str(len(points)), f"{m2_to_ha(area):.4f}", values[0], values[1], "面", *values[2:]]
        if extra:
            head.append(extra)
        lines.append(",".join(head) + ",@")
        lines.extend(points)
    if unsafe:
        msg = (
            f"write_coordinate_txt: rows {describe_ids(unsafe)} hold a comma, '@' or a line "
            f"break in a text field, which the format cannot carry. Fix: replace them (e.g. '，')."
        )
        raise InputError(msg)
    text = newline.join(lines) + newline
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError as err:
        bad_text = text[err.start : err.end]
        msg = f"write_coordinate_txt: {bad_text!r} cannot be written in {encoding}. "
        msg += "Fix: encoding='utf-8'."
        raise InputError(msg) from err
    except LookupError as err:
        raise InputError(f"write_coordinate_txt: unknown encoding {encoding!r}") from err
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return path
