"""Boundary documents: 界址点成果表, 四至 and the publication sheet.

The land bureau exchanges parcel boundaries as the ministry's coordinate
exchange TXT (read and written by :mod:`landkit.io.coordinate_txt`), records
them in a 界址点成果表 and publishes each park's name, area, 四至 and leading
industry.

Conventions (binding for every function here):

* X is the northing and Y the easting, as in Chinese survey tables; the easting
  carries the zone number as a prefix when the CRS does (EPSG 4513–4533 …).
  Geometries are always built as (easting, northing).
* Boundary points are numbered J1, J2 … from the vertex nearest the north-west
  corner of the ring's bounding box; outer rings run clockwise and holes
  anticlockwise (the parcel is always on the right), each ring closes on its
  first point, and the numbering runs on through holes and further parts
  (:mod:`landkit.rings`). Coordinates are in metres to 3 decimals.
* 四至 sides are 90° sectors of direction: a boundary segment belongs to the
  side its outward normal faces. A touching neighbour with the longest shared
  edge on a side wins, else the nearest neighbour in front of that side.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, Polygon

from . import standards
from .columns import feature_id_column, feature_name_column
from .crs import area_crs, crs_note, m2_to_ha, m2_to_mu, measure_area, require_crs
from .errors import GeometryError, InputError
from .geometry import is_absent, require_polygonal
from .io import atomic_path, write_table
from .io.coordinate_txt import target_zone
from .labels import labelled
from .provenance import provenance
from .rings import POINT_IDS, format_point_ids, numbered_rings
from .schema import prepare_layer

__all__ = [
    "SIDES",
    "boundary_points",
    "four_boundaries",
    "four_boundaries_sentence",
    "park_publication_sheet",
    "write_boundary_points",
    "write_publication_sheet",
]

SIDES = ("east", "south", "west", "north")
_SIDE_ZH = {"east": "东", "south": "南", "west": "西", "north": "北"}
_RULES = "boundary"


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
    if is_absent(frame.geometry)[0]:
        raise GeometryError(f"{what}: the feature {frame.index[0]!r} has no geometry")
    require_polygonal(frame.geometry, frame.index, layer=what)
    return frame


def _first_value(frame: pd.DataFrame, columns: Sequence[str | None]) -> str | None:
    for column in columns:
        if column in frame.columns and pd.notna(frame[column].iloc[0]):
            return str(frame[column].iloc[0])
    return None


# ------------------------------------------------------------------ 界址点成果表


def boundary_points(
    feature: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    id_col: str | None = None,
    name_col: str | None = None,
) -> pd.DataFrame:
    """The 界址点成果表 of one feature: its boundary points J1…Jn with X, Y and edge lengths.

    Parameters
    ----------
    feature : GeoDataFrame or GeoSeries
        One polygon or multipolygon row, in any CRS. It is listed in the zone
        the coordinate TXT writes it in (:func:`landkit.io.write_coordinate_txt`):
        its own Gauss-Krüger zone when it lies in one, else the CGCS2000 3-degree
        zone of its centre, always with the zone number before Y, so the table
        and the TXT carry the same coordinates. A feature read from a coordinate
        TXT keeps its surveyed point numbers and order (column
        ``boundary_point_ids``, see :mod:`landkit.rings`).
    id_col, name_col : str, optional
        The columns of the feature's id and name; by default the canonical or
        a recognised column (宗地编号, 园区代码, 开发区名称 …).

    Returns
    -------
    DataFrame
        One row per boundary point and, per ring, a closing row that repeats
        the ring's first point:

        ``ring`` (圈号: 1 the outer ring, then holes and further parts),
        ``point_id`` (J1, J2 … from the vertex nearest the north-west corner,
        outer rings clockwise, holes anticlockwise), ``x_m`` (northing) and
        ``y_m`` (easting with the zone number, e.g. 34 5xx xxx.xxx) rounded to
        the millimetre, ``edge_length_m`` (to the
        next point of the ring, from the rounded coordinates; NaN on the closing
        row).

        ``attrs`` holds ``area_m2``, ``area_ha`` and ``area_mu`` (planar, from
        the listed coordinates), ``crs`` (the CRS of the coordinates),
        ``crs_note`` (the coordinate system in Chinese: 2000国家大地坐标系，
        高斯-克吕格投影，3度带，中央子午线，带号; :func:`landkit.crs.crs_note`),
        ``feature_id``, ``name`` and ``landkit_provenance``.

    Examples
    --------
    >>> import landkit as lk
    >>> parks = lk.read_layer(lk.sample_data_path(), "parks")
    >>> table = boundary_points(parks.iloc[[0]])
    >>> table.iloc[0]["point_id"], table.attrs["crs"], int(table.iloc[0]["y_m"] // 1_000_000)
    ('J1', 'EPSG:4522', 34)
    >>> table.attrs["crs_note"]
    '2000国家大地坐标系，高斯-克吕格投影，3度带，中央子午线102°E，带号34（Y坐标含带号）'
    >>> bool(abs(table.attrs["area_m2"] - lk.crs.measure_area(parks.iloc[[0]]).iloc[0]) < 1)
    True
    """
    frame = _single_feature(feature, what="boundary_points")
    crs = target_zone(frame, None).crs  # the zone and Y convention of the coordinate TXT
    projected = frame.geometry.to_crs(crs).iloc[0]
    rows = []
    rings, area = numbered_rings(projected, _first_value(frame, (POINT_IDS,)))
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
        crs=f"EPSG:{crs.to_epsg()}",
        crs_name=crs.name,
        crs_note=crs_note(crs),
        feature_id=_first_value(frame, [id_col or feature_id_column(frame)]) or str(frame.index[0]),
        name=_first_value(frame, [name_col or feature_name_column(frame)]),
    )
    surveyed_ids = _first_value(frame, (POINT_IDS,))
    surveyed = surveyed_ids == format_point_ids([(str(n), ids) for n, ids, _ in rings])
    table.attrs["landkit_provenance"] = provenance(
        inputs={"feature": frame},
        area_crs=table.attrs["crs"],
        point_order="as surveyed" if surveyed else "J1 north-west, clockwise",
    )
    return table


def write_boundary_points(points: pd.DataFrame, target, *, title: str = "界址点成果表") -> Path:
    """Write a :func:`boundary_points` table as an Excel 界址点成果表.

    The usual layout: a title, the feature's id and name, the coordinate
    system and the area (m², 公顷, 亩), then the columns 序号, 点号, 圈号,
    X（m）, Y（m）, 边长（m）; each point on its own row and each edge length on
    the row between the two points it joins, every ring closing on its first
    point. The header row is frozen and repeated on every printed A4 page;
    coordinates and lengths are numbers to the millimetre (3 decimals). A
    ``来源`` sheet records where the table came from
    (:func:`landkit.workbook.add_source_sheet`).

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

    from .workbook import add_source_sheet, page_setup

    attrs = points.attrs
    book = Workbook()
    sheet = book.active
    sheet.title = "界址点成果表"
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=6)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append(["编号", attrs.get("feature_id"), "名称", attrs.get("name")])
    sheet.append(["坐标系", attrs.get("crs_note") or attrs.get("crs_name", ""), attrs.get("crs")])
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
    for cell, fmt in (("B4", "#,##0.00"), ("D4", "0.0000"), ("F4", "#,##0.00")):
        sheet[cell].number_format = fmt
    for cell in ("B2", "D2"):
        if isinstance(sheet[cell].value, str):
            sheet[cell].data_type = "s"  # an id or name is text, never a formula
    sheet.append(["序号", "点号", "圈号", "X（m）", "Y（m）", "边长（m）"])
    header_row = sheet.max_row
    for number, row in enumerate(points.itertuples(index=False), start=1):
        x, y = round(float(row.x_m), 3), round(float(row.y_m), 3)
        sheet.append([number, row.point_id, int(row.ring), x, y])
        sheet[f"D{sheet.max_row}"].number_format = "0.000"
        sheet[f"E{sheet.max_row}"].number_format = "0.000"
        if pd.notna(row.edge_length_m):
            sheet.append([None, None, None, None, None, round(float(row.edge_length_m), 3)])
            sheet[f"F{sheet.max_row}"].number_format = "0.000"
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    sheet.freeze_panes = f"A{header_row + 1}"
    page_setup(sheet, header_row, landscape=False)
    for column, width in zip("ABCDEF", (8, 10, 8, 16, 16, 12), strict=True):
        sheet.column_dimensions[column].width = width
    record = attrs.get("landkit_provenance")
    add_source_sheet(book, title, {"界址点成果表": record} if record else {})
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
        keep = ~is_absent(geoms)
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
    rules: Mapping[str, object] | pd.DataFrame | None = None,
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
        from the ``boundary`` rule table (``four_boundaries_touch_tolerance_m``);
        the same as ``rules={"four_boundaries_touch_tolerance_m": ...}``.
    max_distance : float, optional
        Ignore non-touching neighbours farther than this (metres); no limit by
        default.
    rules : mapping or DataFrame, optional
        Overrides of the ``boundary`` table (see :mod:`landkit.standards`).

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
    rules = standards.overrides(
        rules, _RULES, given={"four_boundaries_touch_tolerance_m": tolerance}
    )
    layers = _as_layers(neighbours)
    if isinstance(feature, shapely.Geometry):
        if not layers:
            raise InputError("four_boundaries: a bare geometry needs neighbours (for the CRS)")
        feature = gpd.GeoDataFrame(geometry=[feature], crs=layers[0].crs)
    frame = _single_feature(feature, what="four_boundaries")
    tolerance = standards.get(_RULES, "four_boundaries_touch_tolerance_m", rules=rules).value
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
    rules: Mapping[str, object] | pd.DataFrame | None = None,
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
    rules : mapping or DataFrame, optional
        Overrides of the ``boundary`` table, passed to :func:`four_boundaries`.

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
    rules = standards.overrides(rules, _RULES)
    table = prepare_layer(parks, "parks", layer="parks")
    out = pd.DataFrame(index=table.index)
    for column in ("park_id", "name", "level", "county", "leading_industry"):
        out[column] = table[column] if column in table.columns else None
    approved = table["approved_area_ha"] if "approved_area_ha" in table.columns else np.nan
    out["approved_area_ha"] = pd.to_numeric(pd.Series(approved, index=table.index), errors="coerce")
    require_polygonal(table.geometry, table.get("park_id", table.index), layer="parks")
    area_m2 = measure_area(table, area_method=area_method)
    out["area_ha"] = m2_to_ha(area_m2)
    out["area_mu"] = m2_to_mu(area_m2)
    out["area_difference_ha"] = out["area_ha"] - out["approved_area_ha"]
    layers = [] if neighbours is None else _as_layers(neighbours)
    sides = {side: [] for side in (*SIDES, "sentence")}
    for position in range(len(table)):
        row = table.iloc[[position]]
        if not layers or is_absent(row.geometry)[0]:
            found = dict.fromkeys(sides)
        else:
            found = four_boundaries(
                row, layers, name_col=name_col, max_distance=max_distance, rules=rules
            )
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


def write_publication_sheet(
    sheet: pd.DataFrame, target, *, title: str = "开发区公布信息表", as_of: object = None
) -> Path:
    """Write a :func:`park_publication_sheet` as Excel or CSV with Chinese headers and units.

    A workbook is laid out by :func:`landkit.workbook.write_workbook` (title,
    park names beside ids, levels in Chinese, A4 print set-up, a ``来源``
    sheet); a CSV holds the table with Chinese headers and values
    (:func:`landkit.labels.labelled`).

    Examples
    --------
    >>> import tempfile, pathlib, landkit as lk
    >>> parks = lk.read_layer(lk.sample_data_path(), "parks")
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "parks.xlsx"
    >>> write_publication_sheet(park_publication_sheet(parks), out).exists()
    True
    """
    from .workbook import write_workbook

    target = Path(target)
    if target.suffix.lower() == ".xlsx":
        return write_workbook({"园区公布信息": sheet}, target, title=title, as_of=as_of)
    shown = labelled(sheet)
    shown.attrs = dict(sheet.attrs)
    return write_table(shown, target)
