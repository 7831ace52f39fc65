"""Three-line (三线) checks: ecological red line, permanent basic farmland, urban boundary.

Park construction land must not break through the three control lines of the
territorial spatial plan (昆政办〔2019〕15号 clause (四)): land overlapping the
ecological protection red line (``ecological_redline``) or permanent basic
farmland (``basic_farmland``), and land lying outside the urban development
boundary (``urban_boundary``), is a violation.

How the numbers are made:

* each line layer is repaired and dissolved, so polygons that overlap inside
  one layer count once;
* areas are planar, in the Gauss-Krüger zone chosen by
  :func:`landkit.crs.area_zones` (the layer's own zone when it fits, else the
  CGCS2000 3-degree zone of each feature's centre); the lines are projected
  into each zone;
* the forbidden region of a line (the line itself, or for the urban boundary
  the land outside it) is cut along a fixed 2 km grid; the grid does not
  depend on the features, so a feature's areas do not depend on which other
  features are checked with it. A feature wholly inside one grid cell takes its
  own area when the cell's region covers it and 0 when the region does not
  touch it (a feature crossing a cell edge is tested so against the line's
  polygons); the others are intersected with the region cut into tiles of at
  most 64 vertices (a feature wholly inside a tile again takes its own area).
  Long vectorised steps run in two threads. The sums equal an overlay of the
  feature with the dissolved line.
"""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from . import crs as lkcrs
from . import standards
from .distributed import Engine, run_partitioned, wanted
from .errors import DataWarning, InputError, SchemaError
from .geometry import is_absent, is_polygonal, repair, require_polygonal
from .io import LINE_KEYS, LinesSource, read_lines
from .provenance import describe_source, provenance

__all__ = [
    "LINE_KEYS",
    "check_three_lines",
    "line_columns",
    "park_three_line_summary",
    "three_line_overlaps",
]

logger = logging.getLogger(__name__)

_PREFIX = {
    "ecological_redline": "ecological_redline",
    "basic_farmland": "basic_farmland",
    "urban_boundary": "outside_urban_boundary",
}
_OUTSIDE = frozenset({"urban_boundary"})  # lines whose outside is the forbidden side
_TABLE = "three_lines"
_TILE_VERTICES = 64  # a tile is split until it has at most this many vertices
_CELL_M = 2000.0  # tiles never cross the lines of a fixed 2 km grid (see _cell_regions)
_MAX_SPLITS = 24
_THREADED_MIN = 2000  # shapely calls on fewer geometries run in one thread
_POLYGON = 3
_FEATURES_FIX = "pass parcel or park polygons (a boundary drawn as lines must be turned into polygons first)"
_LINES_FIX = "pass line polygons (a boundary drawn as lines must be turned into polygons first)"

Progress = bool | Callable[[str], None]


def _report(progress: Progress, message: str) -> None:
    if callable(progress):
        progress(message)
    elif progress:
        logger.info(message)


def line_columns(key: str) -> list[str]:
    """The result columns of one line: ``<line>_m2``, ``<line>_mu``, ``<line>_ha``.

    Examples
    --------
    >>> line_columns("urban_boundary")
    ['outside_urban_boundary_m2', 'outside_urban_boundary_mu', 'outside_urban_boundary_ha']
    """
    prefix = _PREFIX[key]
    return [f"{prefix}_m2", f"{prefix}_mu", f"{prefix}_ha"]


# ------------------------------------------------------------------ inputs


def _feature_ids(features: gpd.GeoDataFrame, id_col: str | None) -> pd.Index:
    if id_col is None:
        return features.index
    if id_col not in features.columns:
        msg = (
            f"features: id column {id_col!r} is missing (columns: "
            f"{', '.join(map(str, features.columns))}). Fix: pass id_col= an existing column."
        )
        raise SchemaError(msg)
    return pd.Index(features[id_col])


def _check_features(features) -> None:
    if not isinstance(features, gpd.GeoDataFrame):
        msg = f"features must be a GeoDataFrame, got {type(features).__name__}"
        raise InputError(msg)
    lkcrs.require_crs(features, layer="features")


def _tolerance(rules: Mapping[str, object]) -> standards.Rule:
    """The sliver tolerance rule, with the caller's override (checked)."""
    rule = standards.get(_TABLE, "sliver_tolerance_m2", rules=rules)
    if not np.isfinite(rule.value) or rule.value < 0:
        msg = f"tolerance_m2 (sliver_tolerance_m2) must be a finite area ≥ 0 in m², got {rule.text}"
        raise InputError(msg)
    return rule


# --------------------------------------------------------------- geometry


def _polygon_parts(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Non-empty single polygons in ``geoms`` and the position each came from."""
    parts, index = shapely.get_parts(geoms, return_index=True)
    while True:
        nested = shapely.get_type_id(parts) >= 4  # multi-part or collection
        if not nested.any():
            break
        inner, inner_index = shapely.get_parts(parts[nested], return_index=True)
        parts = np.concatenate([parts[~nested], inner])
        index = np.concatenate([index[~nested], index[nested][inner_index]])
    keep = (shapely.get_type_id(parts) == _POLYGON) & ~shapely.is_empty(parts)
    return parts[keep], index[keep]


def _tiles(regions: np.ndarray) -> np.ndarray:
    """Cut polygonal regions into polygons of at most ``_TILE_VERTICES`` vertices.

    A polygon with more vertices is halved across the longer side of its
    bounding box, level by level; the tiles' interiors are disjoint and their
    union is the regions.
    """
    todo, _ = _polygon_parts(np.asarray(regions, dtype=object).ravel())
    done = []
    for _ in range(_MAX_SPLITS):
        small = shapely.get_num_coordinates(todo) <= _TILE_VERTICES
        done.append(todo[small])
        todo = todo[~small]
        if not len(todo):
            break
        xmin, ymin, xmax, ymax = shapely.bounds(todo).T
        wide = (xmax - xmin) >= (ymax - ymin)
        xcut = np.where(wide, (xmin + xmax) / 2, xmax)
        ycut = np.where(wide, ymax, (ymin + ymax) / 2)
        first = shapely.box(xmin, ymin, xcut, ycut)
        second = shapely.box(np.where(wide, xcut, xmin), np.where(wide, ymin, ycut), xmax, ymax)
        halves = shapely.intersection(np.concatenate([todo, todo]), np.concatenate([first, second]))
        todo, _ = _polygon_parts(halves)
    done.append(todo)
    return np.concatenate(done)


def _project(geoms: np.ndarray, source: pyproj.CRS, target: pyproj.CRS) -> np.ndarray:
    if source.equals(target):
        return geoms
    return np.asarray(gpd.GeoSeries(geoms, crs=source).to_crs(target).values, dtype=object)


def _grid_cells(tree: shapely.STRtree, geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The cells of the fixed grid (multiples of ``_CELL_M``) that hold some feature, row by row,
    and the cell wholly holding each feature (-1 when it crosses a cell edge).

    The grid does not move with the features, so a feature meets the same cells,
    in the same order, whichever other features are checked with it (a Dask
    partition gives the same areas as the whole layer).
    """
    xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
    cols = np.arange(np.floor(xmin / _CELL_M), np.floor(xmax / _CELL_M) + 1)
    rows = np.arange(np.floor(ymin / _CELL_M), np.floor(ymax / _CELL_M) + 1)
    col, row = np.meshgrid(cols, rows)
    cells = shapely.box(
        col * _CELL_M, row * _CELL_M, (col + 1) * _CELL_M, (row + 1) * _CELL_M
    ).ravel()
    used = np.unique(tree.query(cells, predicate="intersects")[0])
    bounds = shapely.bounds(geoms)
    low, high = np.floor(bounds[:, :2] / _CELL_M), np.floor(bounds[:, 2:] / _CELL_M)
    alone = (low == high).all(axis=1)  # a bound exactly on a grid line counts as crossing
    flat = (low[:, 1] - rows[0]) * len(cols) + (low[:, 0] - cols[0])
    home = np.full(len(geoms), -1, dtype=np.intp)
    position = np.searchsorted(used, flat[alone].astype(np.intp))
    home[alone] = position
    return cells[used], home


def _cell_regions(line: np.ndarray, cells: np.ndarray, *, outside: bool) -> np.ndarray:
    """The dissolved line (or the land outside it) within each cell; polygons overlapping
    inside the line layer count once."""
    cell_pos, line_pos = shapely.STRtree(line).query(cells, predicate="intersects")
    parts = _threaded(shapely.intersection, line[line_pos], cells[cell_pos])
    inside = np.empty(len(cells), dtype=object)
    inside[:] = shapely.Polygon()
    for cell in np.unique(cell_pos):
        mine = parts[cell_pos == cell]
        inside[cell] = mine[0] if len(mine) == 1 else shapely.union_all(mine)
    if outside:
        return shapely.difference(cells, inside)
    return inside


def _lines_near(
    polys: np.ndarray, cells: np.ndarray, zone: pyproj.CRS, source: pyproj.CRS
) -> np.ndarray:
    """The line polygons (in the source CRS) that may meet the cells."""
    xmin, ymin, xmax, ymax = shapely.total_bounds(cells)
    transformer = pyproj.Transformer.from_crs(zone, source, always_xy=True)
    box = shapely.box(*transformer.transform_bounds(xmin, ymin, xmax, ymax, densify_pts=21))
    margin = 0.01 * max(box.bounds[2] - box.bounds[0], box.bounds[3] - box.bounds[1])
    return polys[shapely.intersects(polys, shapely.buffer(box, margin, join_style="mitre"))]


@dataclass
class _Measured:
    """Overlap of each feature (by position in its zone) with one forbidden region."""

    area_m2: np.ndarray
    pairs: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.intp))
    pieces: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))


def _threaded(func: Callable, *arrays: np.ndarray) -> np.ndarray:
    """``func(*arrays)`` for a vectorised shapely function, in two threads on long arrays.

    Shapely releases the GIL inside GEOS, so the halves run on two cores.
    """
    n = len(arrays[0])
    if n < _THREADED_MIN or (os.cpu_count() or 1) < 2:
        return func(*arrays)
    half = n // 2
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(func, *(a[:half] for a in arrays))
        second = func(*(a[half:] for a in arrays))
        return np.concatenate([first.result(), second])


def _measure(
    geoms: np.ndarray,
    areas: np.ndarray,
    home: np.ndarray,
    region: np.ndarray,
    polys: np.ndarray,
    *,
    outside: bool,
    with_pieces: bool,
) -> _Measured:
    """Overlap of every feature with a forbidden region given cell by cell.

    A feature wholly inside one grid cell that the cell's region covers takes its
    own area; one the region does not touch takes 0. A feature crossing a cell
    edge is tested against the line's polygons ``polys`` instead: covered by one
    of them, or touching none, it is wholly on one side. Only the others are
    intersected with the region's tiles.
    """
    shapely.prepare(region)
    alone = np.flatnonzero(home >= 0)
    cell_region = region[home[alone]]
    covered = _threaded(shapely.covers, cell_region, geoms[alone])
    touching = covered | _threaded(shapely.intersects, cell_region, geoms[alone])
    inside = [alone[covered]]
    crossing = [alone[touching & ~covered]]
    spread = np.flatnonzero((home < 0) & ~shapely.is_missing(geoms))
    if len(spread):
        tree = shapely.STRtree(geoms[spread])
        on_line = np.zeros(len(spread), dtype=bool)
        on_line[tree.query(polys, predicate="covers")[1]] = True
        off_line = np.ones(len(spread), dtype=bool)
        off_line[tree.query(polys, predicate="intersects")[1]] = False
        whole, none = (off_line, on_line) if outside else (on_line, off_line)
        inside.append(spread[whole])
        crossing.append(spread[~whole & ~none])
    inside, crossing = np.concatenate(inside), np.concatenate(crossing)
    feat_pos, part_area = [inside], [areas[inside]]
    part_geoms = [geoms[inside]]
    if len(crossing):
        sub_tree = shapely.STRtree(geoms[crossing])
        needed = np.unique(sub_tree.query(region, predicate="intersects")[0])
        tiles = _tiles(region[needed])
        shapely.prepare(tiles)
        tile_pos, sub_pos = sub_tree.query(tiles, predicate="intersects")
        pos = crossing[sub_pos]
        whole = _threaded(shapely.covers, tiles[tile_pos], geoms[pos])
        pieces = np.empty(len(pos), dtype=object)
        pieces[whole] = geoms[pos[whole]]
        pieces[~whole] = _threaded(shapely.intersection, geoms[pos[~whole]], tiles[tile_pos[~whole]])
        piece_area = np.where(whole, areas[pos], 0.0)
        piece_area[~whole] = shapely.area(pieces[~whole])
        feat_pos.append(pos)
        part_area.append(piece_area)
        part_geoms.append(pieces)
    feat_pos, part_area = np.concatenate(feat_pos), np.concatenate(part_area)
    total = np.bincount(feat_pos, weights=part_area, minlength=len(geoms))
    if not with_pieces:
        return _Measured(total)
    part_geoms = np.concatenate(part_geoms)
    has = part_area > 0
    pairs, pieces = _dissolve_by_feature(part_geoms[has], feat_pos[has])
    return _Measured(total, pairs, pieces)


def _dissolve_by_feature(parts: np.ndarray, feat_pos: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One polygonal piece per feature: the union of its tile parts."""
    polys, origin = _polygon_parts(parts)
    owner = feat_pos[origin]
    order = np.argsort(owner, kind="stable")
    polys, owner = polys[order], owner[order]
    positions, starts, counts = np.unique(owner, return_index=True, return_counts=True)
    pieces = polys[starts].copy()
    for i in np.flatnonzero(counts > 1):
        pieces[i] = shapely.union_all(polys[starts[i] : starts[i] + counts[i]])
    return positions, pieces


# ------------------------------------------------------------------ core


@dataclass
class _Overlay:
    area_m2: np.ndarray
    present: np.ndarray
    repaired: np.ndarray
    line_m2: dict[str, np.ndarray]
    pieces: dict[str, tuple[np.ndarray, np.ndarray]]
    record: dict[str, str]


def _prepare_lines(lines: dict, features_crs: pyproj.CRS) -> tuple[dict[str, np.ndarray], dict]:
    """Repaired polygons of each line in the features' CRS, and what is known of each layer."""
    aligned = lkcrs.align_crs({"features": gpd.GeoSeries([], crs=features_crs), **lines})
    out, notes = {}, {}
    for key in lines:
        geoms, repaired = repair(aligned[key], layer=key)
        values = np.asarray(geoms.values, dtype=object)
        require_polygonal(values[~repaired], geoms.index[~repaired], layer=key, fix=_LINES_FIX)
        polys, _ = _polygon_parts(values)
        out[key] = polys
        notes[f"line.{key}"] = _describe_line(lines[key], int(repaired.sum()))
    return out, notes


def _describe_line(layer: gpd.GeoDataFrame | gpd.GeoSeries, repaired: int) -> str:
    crs = lkcrs.require_crs(layer, layer="lines").to_string()
    text = f"{describe_source(layer)}; {len(layer)} features; CRS {crs}"
    vintage = _vintage(layer)
    if vintage:
        text += f"; vintage {vintage}"
    if repaired:
        text += f"; {repaired} geometries repaired"
    return text


def _legal_basis(key: str) -> str:
    rule = standards.get(_TABLE, key)
    return f"{rule.document} {rule.clause} ({rule.status})"


def _vintage(layer: gpd.GeoDataFrame | gpd.GeoSeries) -> str | None:
    """The layer's vintage from ``attrs["vintage"]`` or a year/vintage column (三调 SJNF)."""
    if layer.attrs.get("vintage"):
        return str(layer.attrs["vintage"])
    if isinstance(layer, gpd.GeoDataFrame):
        for column in ("vintage", "year", "SJNF", "sjnf"):
            if column in layer.columns:
                values = sorted({str(v) for v in layer[column].dropna()})
                if values:
                    return ", ".join(values)
    return None


def _overlay(
    features: gpd.GeoDataFrame,
    lines: LinesSource,
    *,
    id_col: str | None,
    with_pieces: bool,
    progress: Progress,
) -> _Overlay:
    _check_features(features)
    ids = _feature_ids(features, id_col)
    layers = read_lines(lines)
    source_crs = pyproj.CRS(features.crs)
    line_polys, line_notes = _prepare_lines(layers, source_crs)

    geoms, repaired = repair(features, layer="features")
    values = np.asarray(geoms.values, dtype=object)
    repaired = np.asarray(repaired, dtype=bool)
    require_polygonal(values[~repaired], ids[~repaired], layer="features", fix=_FEATURES_FIX)
    # a geometry that repairs to lines or points has no area: treat it as missing
    present = ~is_absent(values) & is_polygonal(values)

    n = len(features)
    area = np.full(n, np.nan)
    line_m2 = {key: np.where(present, 0.0, np.nan) for key in layers}
    pieces: dict[str, list] = {key: [] for key in layers}
    zones = []
    positional = gpd.GeoSeries(np.where(present, values, None), crs=source_crs)
    for zone_crs, index in lkcrs.area_zones(positional):
        pos = np.asarray(index, dtype=np.intp)
        pos = pos[present[pos]]
        if not len(pos):
            continue
        zones.append(zone_crs.to_string())
        zgeoms = _project(values[pos], source_crs, zone_crs)
        zareas = shapely.area(zgeoms)
        area[pos] = zareas
        tree = shapely.STRtree(zgeoms)
        cells, home = _grid_cells(tree, zgeoms)
        for key, polys in line_polys.items():
            _report(progress, f"三线核查 {key}：{len(pos)} 个要素（{zones[-1]}）")
            zpolys = _project(_lines_near(polys, cells, zone_crs, source_crs), source_crs, zone_crs)
            region = _cell_regions(zpolys, cells, outside=key in _OUTSIDE)
            measured = _measure(
                zgeoms, zareas, home, region, zpolys, outside=key in _OUTSIDE, with_pieces=with_pieces
            )
            line_m2[key][pos] = measured.area_m2
            if with_pieces and len(measured.pairs):
                back = _project(measured.pieces, zone_crs, source_crs)
                pieces[key].append((pos[measured.pairs], back))
    record = {
        "area_crs": "; ".join(zones) if zones else "none (no geometry)",
        "area_method": "planar",
        "lines": "; ".join(layers) if layers else "none",
        "lines_absent": "; ".join(k for k in LINE_KEYS if k not in layers) or "none",
        "rule_table": f"standards/{_TABLE}.csv",
        **line_notes,
        **{f"legal_basis.{key}": _legal_basis(key) for key in layers},
    }
    joined = {
        key: (
            np.concatenate([p for p, _ in parts]) if parts else np.empty(0, dtype=np.intp),
            np.concatenate([g for _, g in parts]) if parts else np.empty(0, dtype=object),
        )
        for key, parts in pieces.items()
    }
    return _Overlay(area, present, repaired, line_m2, joined, record)


# --------------------------------------------------------------- public API


def check_three_lines(
    features: gpd.GeoDataFrame,
    lines: LinesSource,
    *,
    id_col: str | None = None,
    tolerance_m2: float | None = None,
    rules: Mapping[str, object] | pd.DataFrame | None = None,
    progress: Progress = False,
    engine: Engine = "local",
    scheduler=None,
) -> gpd.GeoDataFrame:
    """Check parcels or parks against the three control lines (三线).

    Parameters
    ----------
    features : GeoDataFrame
        Parcel or park polygons in any CRS (a CRS is required). Invalid
        geometries are repaired (``make_valid``, polygonal part) for the check;
        the returned geometry is the input's.
    lines : mapping or path
        ``ecological_redline``, ``basic_farmland`` and ``urban_boundary`` mapped
        to polygon layers, any of them absent; or a GeoPackage or a folder
        holding layers of those names (read by :func:`landkit.io.read_lines`).
        Layers in another CRS are aligned to the features' CRS (logged).
    id_col : str, optional
        Column naming each feature in error messages.
    progress : bool or callable
        Report each step: a callable is called with a message, True logs it
        (``logging`` at INFO level). Off by default.
    tolerance_m2 : float, optional
        An overlap (or area outside the urban boundary) of one feature with one
        line is a violation when it is at least this many m². Smaller overlaps
        are reported but are digitising slivers. Default: ``sliver_tolerance_m2``
        of ``standards/three_lines.csv`` (1.0 m², a landkit default, status
        ``example``); the same as ``rules={"sliver_tolerance_m2": ...}``.
    rules : mapping or DataFrame, optional
        Overrides of the ``three_lines`` table (see :mod:`landkit.standards`);
        recorded with the status ``user``.
    engine : {"local", "dask"}
        ``"dask"`` (or a ``dask_geopandas.GeoDataFrame``) runs spatial
        partitions on a Dask cluster (:mod:`landkit.distributed`; no progress
        reports); the result equals the local one.
    scheduler : str or distributed.Client, optional
        The Dask cluster to use with ``engine="dask"``.

    Returns
    -------
    GeoDataFrame
        A copy of ``features`` (same index, same order, every row once) with

        * ``area_m2``, ``area_mu``, ``area_ha``: the feature's area;
        * per line ``ecological_redline_*``, ``basic_farmland_*`` and
          ``outside_urban_boundary_*`` in ``_m2``, ``_mu``, ``_ha``: area on the
          red line, on the farmland, outside the urban boundary (NaN when the
          line layer is absent);
        * ``status``: ``compliant``, ``violation`` or ``no_geometry`` (null or
          empty geometry, or one that repairs to no area; its areas are NaN);
        * ``violations``: the line keys broken, separated by ``;`` ("" if none);
        * ``geometry_repaired``: True where the geometry was repaired.

        Columns of these names already in ``features`` are replaced (with a
        warning). ``attrs["landkit_provenance"]`` records the inputs, the CRS
        areas were measured in, the tolerance and the line layers.

    Examples
    --------
    >>> import landkit as lk
    >>> path = lk.sample_data_path()
    >>> parcels = lk.read_layer(path, "parcels")
    >>> result = lk.check_three_lines(parcels, path, id_col="parcel_id")
    >>> len(result) == len(parcels), bool(result.index.equals(parcels.index))
    (True, True)
    >>> sorted(set(result["status"]))
    ['compliant', 'violation']
    >>> result.loc[result["case"] == "crosses_redline", "violations"].tolist()
    ['ecological_redline']
    >>> result.attrs["landkit_provenance"]["area_crs"]
    'EPSG:4543'
    """
    rules = standards.overrides(
        rules, _TABLE, given={"sliver_tolerance_m2": tolerance_m2}
    )
    tolerance_rule = _tolerance(rules)
    if wanted(features, engine):
        options = {"id_col": id_col, "rules": rules}
        return run_partitioned(check_three_lines, features, lines, scheduler=scheduler, **options)
    tolerance = float(tolerance_rule.value)
    overlay = _overlay(features, lines, id_col=id_col, with_pieces=False, progress=progress)
    out = features.copy()
    new_columns = ["area_m2", "area_mu", "area_ha"]
    new_columns += [c for key in LINE_KEYS for c in line_columns(key)]
    new_columns += ["status", "violations", "geometry_repaired"]
    replaced = [c for c in new_columns if c in features.columns]
    if replaced:
        warnings.warn(
            f"features: columns {', '.join(replaced)} are replaced by the check's results",
            DataWarning,
            stacklevel=2,
        )
    out["area_m2"] = overlay.area_m2
    out["area_mu"] = lkcrs.m2_to_mu(overlay.area_m2)
    out["area_ha"] = lkcrs.m2_to_ha(overlay.area_m2)
    code = np.zeros(len(features), dtype=np.intp)
    for bit, key in enumerate(LINE_KEYS):
        m2 = overlay.line_m2.get(key, np.full(len(features), np.nan))
        col_m2, col_mu, col_ha = line_columns(key)
        out[col_m2] = m2
        out[col_mu] = lkcrs.m2_to_mu(m2)
        out[col_ha] = lkcrs.m2_to_ha(m2)
        code |= np.where(m2 >= tolerance, 1 << bit, 0)
    names = np.array(
        [";".join(k for b, k in enumerate(LINE_KEYS) if c >> b & 1) for c in range(8)],
        dtype=object,
    )
    status = np.where(code > 0, "violation", "compliant")
    out["status"] = np.where(overlay.present, status, "no_geometry").astype(object)
    out["violations"] = names[code]
    out["geometry_repaired"] = overlay.repaired
    if tolerance_rule.status != standards.USER:
        tolerance_source = f"standards/{_TABLE}.csv sliver_tolerance_m2 {tolerance_rule.status}"
    else:
        tolerance_source = "given by the caller"
    out.attrs["landkit_provenance"] = provenance(
        inputs={"features": features},
        tolerance_m2=tolerance,
        tolerance_source=tolerance_source,
        **overlay.record,
    )
    return out


def three_line_overlaps(
    features: gpd.GeoDataFrame,
    lines: LinesSource,
    *,
    id_col: str | None = None,
    progress: Progress = False,
) -> gpd.GeoDataFrame:
    """The pieces of each feature on the red line, on farmland and outside the urban boundary.

    Parameters
    ----------
    features, lines, id_col, progress
        As for :func:`check_three_lines`.

    Returns
    -------
    GeoDataFrame
        One row per feature and line with a piece of positive area (slivers
        included; no tolerance applies), ordered by feature then line:
        the feature's id in a column named ``id_col`` (else ``feature_index``,
        the feature's index label), ``line`` (the line key), ``area_m2``,
        ``area_mu``, ``area_ha`` (measured as in :func:`check_three_lines`) and
        the piece's geometry in the features' CRS. Each piece is the feature
        intersected with the dissolved line (for ``urban_boundary``: the part
        of the feature outside it).

    Examples
    --------
    >>> import landkit as lk
    >>> path = lk.sample_data_path()
    >>> pieces = lk.three_line_overlaps(lk.read_layer(path, "parcels"), path, id_col="parcel_id")
    >>> list(pieces.columns)
    ['parcel_id', 'line', 'area_m2', 'area_mu', 'area_ha', 'geometry']
    >>> sorted(set(pieces["line"]))
    ['basic_farmland', 'ecological_redline', 'urban_boundary']
    """
    overlay = _overlay(features, lines, id_col=id_col, with_pieces=True, progress=progress)
    ids = _feature_ids(features, id_col)
    positions, keys, geoms = [], [], []
    for rank, key in enumerate(LINE_KEYS):
        if key not in overlay.pieces:
            continue
        pos, piece = overlay.pieces[key]
        positions.append(pos)
        keys.append(np.full(len(pos), rank))
        geoms.append(piece)
    pos = np.concatenate(positions) if positions else np.empty(0, dtype=np.intp)
    rank = np.concatenate(keys) if keys else np.empty(0, dtype=np.intp)
    geom = np.concatenate(geoms) if geoms else np.empty(0, dtype=object)
    order = np.lexsort((rank, pos))
    pos, rank, geom = pos[order], rank[order], geom[order]
    by_line = np.vstack([overlay.line_m2.get(k, np.full(len(features), np.nan)) for k in LINE_KEYS])
    area = by_line[rank, pos]
    out = gpd.GeoDataFrame(
        {
            id_col or "feature_index": ids.to_numpy()[pos],
            "line": np.array(LINE_KEYS, dtype=object)[rank],
            "area_m2": area,
            "area_mu": lkcrs.m2_to_mu(area),
            "area_ha": lkcrs.m2_to_ha(area),
        },
        geometry=gpd.GeoSeries(geom, crs=features.crs),
    )
    out.attrs["landkit_provenance"] = provenance(inputs={"features": features}, **overlay.record)
    return out


def park_three_line_summary(
    result: pd.DataFrame, *, park_col: str | None = "park_id"
) -> pd.DataFrame:
    """Per park: how many of its parcels break each line, and by how much.

    Parameters
    ----------
    result : DataFrame
        A :func:`check_three_lines` result for parcels (or parks) with a
        ``park_col`` column.
    park_col : str or None
        The column naming each row's park; None puts every row in one group
        labelled ``"all"``.

    Returns
    -------
    DataFrame
        Indexed by park (sorted; parcels without a park form a NaN group):
        ``feature_count``, ``violation_count``, ``no_geometry_count``,
        ``area_m2``/``_mu``/``_ha`` (sum of the parcels' areas), and per line
        ``<line>_count`` (parcels in violation of that line) and
        ``<line>_m2``/``_mu``/``_ha`` (sum over the parcels, slivers included;
        NaN when the line was not checked). Parcels that overlap one another
        are counted once each; check the park boundary itself with
        :func:`check_three_lines` for the park's own area on each line.

    Examples
    --------
    >>> import landkit as lk
    >>> path = lk.sample_data_path()
    >>> result = lk.check_three_lines(lk.read_layer(path, "parcels"), path)
    >>> summary = lk.park_three_line_summary(result)
    >>> int(summary["feature_count"].sum()) == len(result)
    True
    """
    needed = [park_col] if park_col is not None else []
    needed += ["status", "violations", "area_m2"]
    needed += [c for key in LINE_KEYS for c in line_columns(key)]
    missing = [c for c in needed if c not in result.columns]
    if missing:
        msg = (
            f"summary: columns {', '.join(missing)} are missing. Fix: pass the result of "
            f"check_three_lines, with park_col= naming the park column."
        )
        raise SchemaError(msg)
    frame = pd.DataFrame(
        {
            "park": result[park_col].to_numpy() if park_col else np.full(len(result), "all"),
            "violation": (result["status"] == "violation").to_numpy(),
            "no_geometry": (result["status"] == "no_geometry").to_numpy(),
            "area_m2": result["area_m2"].to_numpy(dtype=float),
        }
    )
    broken = result["violations"].fillna("").astype(str)
    for key in LINE_KEYS:
        col_m2 = line_columns(key)[0]
        frame[f"{_PREFIX[key]}_count"] = broken.str.contains(key, regex=False).to_numpy()
        frame[col_m2] = result[col_m2].to_numpy(dtype=float)
    groups = frame.groupby("park", sort=True, dropna=False)
    summary = pd.DataFrame(
        {
            "feature_count": groups.size(),
            "violation_count": groups["violation"].sum(),
            "no_geometry_count": groups["no_geometry"].sum(),
        }
    )
    sums = groups["area_m2"].sum(min_count=1)
    summary["area_m2"], summary["area_mu"], summary["area_ha"] = (
        sums,
        lkcrs.m2_to_mu(sums),
        lkcrs.m2_to_ha(sums),
    )
    for key in LINE_KEYS:
        col_m2, col_mu, col_ha = line_columns(key)
        summary[f"{_PREFIX[key]}_count"] = groups[f"{_PREFIX[key]}_count"].sum()
        line_sum = groups[col_m2].sum(min_count=1)
        summary[col_m2], summary[col_mu], summary[col_ha] = (
            line_sum,
            lkcrs.m2_to_mu(line_sum),
            lkcrs.m2_to_ha(line_sum),
        )
    summary.index.name = park_col or "group"
    summary = summary.astype({c: "int64" for c in summary.columns if c.endswith("_count")})
    summary.attrs["landkit_provenance"] = dict(result.attrs.get("landkit_provenance", {}))
    return summary
