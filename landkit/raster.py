"""Zonal statistics of a raster over vector features, read block by block.

Pixel rules (``pixel_rule=``):

``"centre"`` (default)
    A pixel belongs to a polygon when its centre falls inside it (GDAL's
    rasterization rule, as in rasterstats' default; a centre exactly on an edge
    counts on one side only, so neighbouring parcels never share a pixel). Points
    and lines take the pixels GDAL burns for them. A non-empty feature that holds
    no pixel centre (a parcel smaller than a pixel) takes the single pixel under
    its representative point (``shapely.point_on_surface``) and is marked in the
    ``representative_pixel`` column.
``"all_touched"``
    Every pixel the feature touches counts in full.
``"coverage"``
    Every pixel counts with the fraction of its area the polygon covers, so
    ``count`` is a sum of fractions (polygons only). This is exactextract's
    default weighting; the fractions are exact, computed from the polygon's
    edges (see :func:`_coverage_pixels`), so a parcel smaller than a pixel
    simply gets a small weight.

Pixels whose value is the raster's nodata (or ``nodata=``), masked by the
raster's dataset mask, or NaN are left out of every statistic and counted in
``nodata``. Pixels outside the raster count nowhere.

The raster is read in windows laid on its own block grid, and only the windows
that features touch are read, so memory stays bounded whatever the raster's
size. Features are reprojected into the raster's CRS; the raster is never
resampled.
"""

from __future__ import annotations

import itertools
import logging
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import rasterio.enums
import rasterio.errors
import rasterio.features
import rasterio.transform
import rasterio.windows
import shapely
from affine import Affine

from .crs import require_crs
from .distributed import Engine, run_partitioned, wanted
from .errors import CRSError, DataWarning, InputError, describe_ids
from .geometry import is_absent, is_polygonal, repair, require_polygonal
from .provenance import provenance

__all__ = ["STATS", "builtup_fraction", "guess_builtup_scale", "zonal_stats"]

logger = logging.getLogger(__name__)

PixelRule = Literal["centre", "all_touched", "coverage"]
BuiltupScale = Literal["mask", "fraction", "percent"]
STATS = ("count", "sum", "mean", "min", "max", "std", "range", "nodata")
_WINDOW_PIXELS = 1 << 20  # about one million pixels (a few MB) per window read
_CACHED_BYTES = 64 << 20  # raster blocks read before the file is reopened


def zonal_stats(
    features: gpd.GeoDataFrame | gpd.GeoSeries,
    raster: str | Path,
    *,
    stats: Sequence[str] = ("mean", "count"),
    band: int = 1,
    pixel_rule: PixelRule = "centre",
    nodata: float | None = None,
    progress: bool | Callable[[int, int], None] | None = None,
    engine: Engine = "local",
    scheduler=None,
) -> pd.DataFrame:
    """Statistics of the raster's pixels under each feature.

    Parameters
    ----------
    features : GeoDataFrame or GeoSeries
        Features in any CRS (a CRS is required); they are reprojected to the
        raster's CRS. Null or empty geometries give NaN statistics.
    raster : str or Path
        A raster file GDAL reads (GeoTIFF, VRT …) with a CRS.
    stats : sequence of str
        Any of ``count``, ``sum``, ``mean``, ``min``, ``max``, ``std``
        (population standard deviation), ``range`` and ``nodata`` (number of
        nodata/NaN pixels under the feature).
    band : int
        Band number, from 1.
    pixel_rule : {"centre", "all_touched", "coverage"}
        Which pixels count and with what weight; see the module docstring.
    nodata : float, optional
        A value to treat as nodata in addition to the raster's own nodata.
    progress : bool or callable, optional
        ``True`` logs progress at INFO level; a callable receives
        ``(windows_done, windows_total)``.
    engine : {"local", "dask"}
        ``"dask"`` (or a ``dask_geopandas.GeoDataFrame``) runs spatial
        partitions on a Dask cluster (:mod:`landkit.distributed`); the result
        equals the local one.
    scheduler : str or distributed.Client, optional
        The Dask cluster to use with ``engine="dask"``.

    Returns
    -------
    DataFrame
        One row per feature on the features' index, one column per statistic,
        plus ``representative_pixel`` (bool) under the centre rule. ``count``
        is an integer under the centre and all-touched rules and a sum of
        coverage fractions under ``"coverage"``. ``attrs["landkit_provenance"]``
        records the raster, band, CRS and pixel rule.

    Raises
    ------
    CRSError
        When the features or the raster have no CRS.
    InputError
        For an unknown statistic or pixel rule, a missing band, a rotated
        raster, or non-polygons with ``pixel_rule="coverage"``.

    Examples
    --------
    >>> import landkit as lk
    >>> path = lk.sample_data_path()
    >>> parcels = lk.read_layer(path, "parcels")
    >>> raster = sorted(path.parent.glob("builtup_*.tif"))[-1]
    >>> result = lk.zonal_stats(parcels, raster, stats=("mean", "count"))
    >>> result.index.equals(parcels.index)
    True
    >>> bool(result["mean"].between(0, 1).all())
    True
    """
    if wanted(features, engine):
        options = {"stats": stats, "band": band, "pixel_rule": pixel_rule, "nodata": nodata}
        return run_partitioned(zonal_stats, features, raster, scheduler=scheduler, **options)
    stats = _check_stats(stats)
    if pixel_rule not in ("centre", "all_touched", "coverage"):
        msg = f"pixel_rule must be 'centre', 'all_touched' or 'coverage', got {pixel_rule!r}"
        raise InputError(msg)
    geoseries = features.geometry if isinstance(features, gpd.GeoDataFrame) else features
    require_crs(geoseries, layer="features")
    geoseries, repaired = repair(geoseries, layer="features", invalid=False)
    with _open(raster) as src:
        _check_raster(src, band, raster)
        geoms = _to_raster_crs(geoseries, src.crs)
        if pixel_rule == "coverage":
            _require_polygons(geoms, geoseries.index)
        acc = _Accumulator(len(geoms), weighted=pixel_rule == "coverage")
        _scan(src, band, geoms, acc, pixel_rule, nodata, _progress_callback(progress))
        representative = np.zeros(len(geoms), dtype=bool)
        if pixel_rule == "centre":
            representative = _representative_pixels(src, band, geoms, acc, nodata)
        _warn_if_disjoint(src, geoms, acc, raster)
        result = acc.table(stats, geoseries.index)
        if pixel_rule == "centre":
            result["representative_pixel"] = representative
        result.attrs["landkit_provenance"] = provenance(
            inputs={"features": features, "raster": raster},
            band=band,
            raster_crs=src.crs.to_string(),
            pixel_rule=pixel_rule,
            nodata=src.nodata if nodata is None else nodata,
            geometries_repaired=int(repaired.sum()),
        )
    return result


def guess_builtup_scale(raster: str | Path, *, band: int = 1) -> BuiltupScale:
    """Guess whether a built-up raster holds a 0/1 mask or fraction, or a percent.

    The raster's approximate maximum decides: at most 1 is a mask or fraction
    (both read as a 0–1 fraction), at most 100 a percent. Anything larger is
    not a built-up raster.

    Raises
    ------
    InputError
        When the maximum exceeds 100 or is negative.
    """
    # no .aux.xml beside the user's file for the statistics computed here
    with rasterio.Env(GDAL_PAM_ENABLED="NO"), _open(raster) as src:
        _check_raster(src, band, raster)
        top = src.stats(indexes=[band], approx=True)[0].max
    if 0 <= top <= 1:
        return "fraction"
    if 0 <= top <= 100:
        return "percent"
    msg = (
        f"built-up raster {raster}: values reach {top:g}, which is neither a 0/1 mask, a 0–1 "
        f"fraction nor a 0–100 percent. Fix: rescale it, or pass builtup_scale=."
    )
    raise InputError(msg)


def builtup_fraction(
    features: gpd.GeoDataFrame | gpd.GeoSeries,
    raster: str | Path,
    *,
    scale: BuiltupScale | None = None,
    pixel_rule: PixelRule = "centre",
) -> pd.Series:
    """Mean built-up fraction (0–1) of each feature from a built-up raster.

    Parameters
    ----------
    features : GeoDataFrame or GeoSeries
        Features in any CRS.
    raster : str or Path
        A built-up raster: a 0/1 mask, a 0–1 probability or a 0–100 percent.
    scale : {"mask", "fraction", "percent"}, optional
        How to read the values; guessed by :func:`guess_builtup_scale` when None.
    pixel_rule : {"centre", "all_touched", "coverage"}
        As in :func:`zonal_stats`.

    Returns
    -------
    Series
        ``builtup_fraction`` on the features' index; NaN where no valid pixel
        lies under a feature.

    Examples
    --------
    >>> import landkit as lk
    >>> path = lk.sample_data_path()
    >>> parcels = lk.read_layer(path, "parcels")
    >>> raster = sorted(path.parent.glob("builtup_*.tif"))[-1]
    >>> fraction = builtup_fraction(parcels, raster)
    >>> bool(fraction.dropna().between(0, 1).all())
    True
    """
    if scale is None:
        scale = guess_builtup_scale(raster)
        logger.info("built-up raster %s read as %s", raster, scale)
    if scale not in ("mask", "fraction", "percent"):
        msg = f"builtup_scale must be 'mask', 'fraction' or 'percent', got {scale!r}"
        raise InputError(msg)
    geoms = features.geometry if isinstance(features, gpd.GeoDataFrame) else features
    require_polygonal(geoms, geoms.index, layer="parcels", fix="give parcel polygons")
    mean = zonal_stats(features, raster, stats=("mean",), pixel_rule=pixel_rule)["mean"]
    fraction = mean / 100 if scale == "percent" else mean
    return fraction.rename("builtup_fraction")


# ------------------------------------------------------------------ checks


def _check_stats(stats: Iterable[str]) -> list[str]:
    stats = [stats] if isinstance(stats, str) else list(stats)
    unknown = [s for s in stats if s not in STATS]
    if unknown or not stats:
        msg = f"unknown statistics {unknown}; choose from {', '.join(STATS)}"
        raise InputError(msg)
    return list(dict.fromkeys(stats))


def _open(raster: str | Path):
    """Open a raster for reading; an unreadable file is an :class:`InputError`."""
    try:
        return rasterio.open(raster)
    except rasterio.errors.RasterioIOError as err:
        msg = f"raster {raster}: cannot be read ({err}). Fix: check the path and the file."
        raise InputError(msg) from err


def _check_raster(src, band: int, raster) -> None:
    if src.crs is None:
        msg = (
            f"raster {raster} has no coordinate reference system. Fix: assign one, e.g. "
            f"`rio edit-info --crs EPSG:4543 {raster}`."
        )
        raise CRSError(msg)
    if not 1 <= band <= src.count:
        msg = f"raster {raster} has {src.count} band(s); band {band} does not exist"
        raise InputError(msg)
    if not src.transform.is_rectilinear:
        msg = f"raster {raster} is rotated; warp it to a north-up grid first (gdalwarp)"
        raise InputError(msg)


def _to_raster_crs(geoseries: gpd.GeoSeries, crs) -> np.ndarray:
    """The features' geometries in the raster's CRS; coordinates must survive the move."""
    geoms = geoseries.to_crs(crs).values
    present = ~is_absent(geoms)
    broken = present & ~np.isfinite(shapely.bounds(geoms)).all(axis=1)
    if broken.any():
        msg = (
            f"features: rows {describe_ids(geoseries.index[broken])} cannot be moved from "
            f"{geoseries.crs.to_string()} to the raster's CRS {crs.to_string()}; their "
            f"coordinates do not fit the declared CRS. Fix: declare the layer's true CRS "
            f"(gdf.set_crs(..., allow_override=True))."
        )
        raise CRSError(msg)
    return geoms


def _require_polygons(geoms: np.ndarray, index: pd.Index) -> None:
    present = ~is_absent(geoms)
    bad = present & ~is_polygonal(geoms)
    if bad.any():
        msg = (
            f"features: pixel_rule='coverage' needs polygons; rows {describe_ids(index[bad])} "
            f"are points or lines. Fix: use pixel_rule='centre'."
        )
        raise InputError(msg)


def _progress_callback(progress) -> Callable[[int, int], None] | None:
    if progress is None or progress is False:
        return None
    if callable(progress):
        return progress

    def log(done: int, total: int) -> None:
        if done == total or done % max(total // 10, 1) == 0:
            logger.info("zonal statistics: %d of %d windows read", done, total)

    return log


def _warn_if_disjoint(src, geoms: np.ndarray, acc: _Accumulator, raster) -> None:
    present = ~is_absent(geoms)
    if present.any() and not (acc.touched > 0).any():
        left, bottom, right, top = src.bounds
        msg = (
            f"none of the {int(present.sum())} features overlaps raster {raster} "
            f"(raster bounds {left:.6g}, {bottom:.6g}, {right:.6g}, {top:.6g} in "
            f"{src.crs.to_string()}; features {shapely.total_bounds(geoms[present])} after "
            f"reprojection). Check that both CRSs are declared correctly."
        )
        warnings.warn(msg, DataWarning, stacklevel=3)


# --------------------------------------------------------------- windows


def _window_grid(src) -> list[rasterio.windows.Window]:
    """Windows of about a million pixels, each a whole number of the raster's blocks."""
    block_h, block_w = src.block_shapes[0]
    block_h, block_w = max(block_h, 1), max(block_w, 1)
    if block_w >= src.width:  # striped file: whole rows
        width = src.width
        height = block_h * max(1, _WINDOW_PIXELS // (width * block_h))
    else:
        side = int(np.sqrt(_WINDOW_PIXELS))
        width = block_w * max(1, side // block_w)
        height = block_h * max(1, side // block_h)
    return [
        rasterio.windows.Window(
            col, row, min(width, src.width - col), min(height, src.height - row)
        )
        for row in range(0, src.height, height)
        for col in range(0, src.width, width)
    ]


def _window_boxes(src, windows: list[rasterio.windows.Window]) -> np.ndarray:
    bounds = np.array([rasterio.windows.bounds(w, src.transform) for w in windows])
    return shapely.box(
        np.minimum(bounds[:, 0], bounds[:, 2]),
        np.minimum(bounds[:, 1], bounds[:, 3]),
        np.maximum(bounds[:, 0], bounds[:, 2]),
        np.maximum(bounds[:, 1], bounds[:, 3]),
    )


# ----------------------------------------------------------------- scanning


def _scan(src, band, geoms, acc, pixel_rule, nodata, progress) -> None:
    present = ~is_absent(geoms)
    tree = shapely.STRtree(np.where(present, geoms, None))
    suspects = _suspects(geoms, tree, float(np.hypot(src.transform.a, src.transform.e)))
    windows = _window_grid(src)
    hits = tree.query(_window_boxes(src, windows), predicate="intersects")
    order = np.lexsort((hits[1], hits[0]))
    window_of, feature_of = hits[0][order], hits[1][order]
    starts = np.searchsorted(window_of, np.arange(len(windows) + 1))
    busy = [k for k in range(len(windows)) if starts[k + 1] > starts[k]]
    # GDAL keeps every block read in its cache; reopening the file every few
    # windows lets those blocks go, so memory stays bounded on large rasters
    itemsize = np.dtype(src.dtypes[band - 1]).itemsize
    per_open = max(1, _CACHED_BYTES // (_WINDOW_PIXELS * itemsize))
    for first in range(0, len(busy), per_open):
        with _open(src.name) as reader:
            for done, k in enumerate(busy[first : first + per_open], start=first + 1):
                local = feature_of[starts[k] : starts[k + 1]]  # sorted feature positions
                _scan_window(
                    reader, band, windows[k], geoms, local, suspects, tree, acc, pixel_rule, nodata
                )
                if progress is not None:
                    progress(done, len(busy))


def _read(src, band, window, nodata) -> tuple[np.ndarray, np.ndarray]:
    """Values of a window and the mask of its valid pixels."""
    masked = src.read(band, window=window, masked=True)
    values = np.asarray(masked.data)
    valid = ~np.ma.getmaskarray(masked)
    if values.dtype.kind == "f":
        valid &= ~np.isnan(values)
    if nodata is not None:
        valid &= values != nodata
    return values, valid


def _suspects(geoms: np.ndarray, tree: shapely.STRtree, pixel: float) -> np.ndarray:
    """Features whose bounding box, grown by a pixel, meets another feature's box.

    Only these can claim a pixel another feature claims too.
    """
    bounds = shapely.bounds(geoms)
    grown = shapely.box(
        bounds[:, 0] - pixel, bounds[:, 1] - pixel, bounds[:, 2] + pixel, bounds[:, 3] + pixel
    )
    left, right = tree.query(grown)
    suspects = np.zeros(len(geoms), dtype=bool)
    suspects[left[left != right]] = True
    return suspects


def _scan_window(src, band, window, geoms, local, suspects, tree, acc, pixel_rule, nodata):
    """Add one window's pixels to the statistics of the features ``local`` touching it.

    Under the coverage rule every polygon's exact pixel fractions are computed
    from its edges (:func:`_coverage_pixels`). Otherwise all features are burnt
    at once into an id grid; a second burn counts how many features claim each
    pixel, among those that may share one (see :func:`_suspects`). Features
    that do share a pixel (overlapping features) are then burnt one at a time.
    """
    values, valid = _read(src, band, window, nodata)
    transform = src.window_transform(window)
    shape = values.shape
    if pixel_rule == "coverage":
        which, rows, cols, weights = _coverage_pixels(geoms[local], transform, shape)
        acc.add(local, which, values[rows, cols], valid[rows, cols], weights)
        return
    touched = pixel_rule == "all_touched"
    shapes = _geojson(geoms[local])
    ids = _burn(shapes, shape, transform, touched, values=range(1, len(local) + 1))
    close = np.flatnonzero(suspects[local])
    claims = _burn([shapes[k] for k in close], shape, transform, touched, merge=True)
    skip = np.zeros(shape, dtype=bool)
    if (claims > 1).any():
        rows, cols = np.nonzero(claims > 1)
        involved = np.intersect1d(tree.query(_pixel_boxes(transform, rows, cols))[1], local)
        alone = np.searchsorted(local, involved)
        skip = np.isin(ids, alone + 1)
        for k in alone:
            r, c = _burn_one(shapes[k], geoms[local[k]], shape, transform, touched)
            acc.add(local[k : k + 1], np.zeros(len(r), np.int64), values[r, c], valid[r, c], None)
    inside = (ids > 0) & ~skip
    acc.add(local, ids[inside] - 1, values[inside], valid[inside], None)


def _coverage_pixels(geoms: np.ndarray, transform: Affine, shape) -> tuple[np.ndarray, ...]:
    """Exact fraction of each pixel of a grid that each polygon covers.

    Green's theorem, as in exact-area font rasterizers: every polygon edge is
    cut where it crosses a pixel row or column; a piece of vertical extent
    ``dy`` whose mean position lies a fraction ``f`` into its pixel adds
    ``dy·(1 − f)`` to that pixel and ``dy·f`` to the next one in the row, and
    the running sum along the row is then the covered fraction of every pixel
    (exteriors and holes are oriented first, so holes subtract). Pixels between
    two edges of a row take the running sum in full.

    Returns
    -------
    which, rows, cols, fractions : arrays
        Position of the polygon in ``geoms``, pixel row and column in the grid,
        and the covered fraction (0–1], for every covered pixel.
    """
    height, width = shape
    _, coords, offsets = shapely.to_ragged_array(shapely.orient_polygons(geoms))
    ring_of_point = np.repeat(np.arange(len(offsets[0]) - 1), np.diff(offsets[0]))
    polygon_of_ring = np.repeat(np.arange(len(offsets[1]) - 1), np.diff(offsets[1]))
    if len(offsets) == 3:  # MultiPolygon: parts → features
        polygon_of_ring = np.repeat(np.arange(len(offsets[2]) - 1), np.diff(offsets[2]))[
            polygon_of_ring
        ]
    u, v = ~transform @ (coords[:, 0], coords[:, 1])
    first = np.flatnonzero(ring_of_point[:-1] == ring_of_point[1:])
    u0, v0, u1, v1 = u[first], v[first], u[first + 1], v[first + 1]
    edge_feature = polygon_of_ring[ring_of_point[first]]
    # only edges meeting the grid's rows matter (horizontal ones add nothing)
    keep = (np.maximum(v0, v1) > 0) & (np.minimum(v0, v1) < height) & (v0 != v1)
    u0, v0, u1, v1, edge_feature = u0[keep], v0[keep], u1[keep], v1[keep], edge_feature[keep]
    edge, ta, tb = _pixel_pieces(u0, v0, u1, v1)
    du, dv = u1[edge] - u0[edge], v1[edge] - v0[edge]
    mid = (ta + tb) / 2
    um, vm = u0[edge] + du * mid, v0[edge] + dv * mid
    dy = dv * (tb - ta)
    row, col = np.floor(vm).astype(np.int64), np.floor(um).astype(np.int64)
    inside = (row >= 0) & (row < height)
    row, col, dy, feature = row[inside], col[inside], dy[inside], edge_feature[edge][inside]
    frac = um[inside] - col
    # accumulation cells, summed per (feature, row, column)
    feature = np.concatenate([feature, feature])
    row = np.concatenate([row, row])
    col = np.concatenate([col, col + 1])
    amount = np.concatenate([dy * (1 - frac), dy * frac])
    order = np.lexsort((col, row, feature))
    feature, row, col, amount = feature[order], row[order], col[order], amount[order]
    new = np.ones(len(feature), dtype=bool)
    new[1:] = (np.diff(feature) != 0) | (np.diff(row) != 0) | (np.diff(col) != 0)
    amount = np.bincount(np.cumsum(new) - 1, weights=amount)
    feature, row, col = feature[new], row[new], col[new]
    # running sum along each (feature, row)
    starts = np.ones(len(feature), dtype=bool)
    starts[1:] = (np.diff(feature) != 0) | (np.diff(row) != 0)
    total = np.cumsum(amount)
    group = np.cumsum(starts) - 1
    cover = total - (total[starts] - amount[starts])[group]
    if transform.determinant > 0:  # a south-up grid mirrors the orientation
        cover = -cover
    # pixels strictly between two cells of the same row take the running sum
    pair = np.flatnonzero(~starts[1:])
    low, high = np.maximum(col[pair] + 1, 0), np.minimum(col[pair + 1], width)
    span = np.where(np.abs(cover[pair]) > 1e-12, np.maximum(high - low, 0), 0)
    run = np.repeat(np.arange(len(pair)), span)
    run_col = low[run] + np.arange(len(run)) - np.repeat(np.cumsum(span) - span, span)
    which = np.concatenate([feature, feature[pair][run]])
    rows = np.concatenate([row, row[pair][run]])
    cols = np.concatenate([col, run_col])
    fractions = np.concatenate([cover, cover[pair][run]])
    ok = (cols >= 0) & (cols < width) & (fractions > 1e-12)
    return which[ok], rows[ok], cols[ok], fractions[ok]


def _pixel_pieces(u0, v0, u1, v1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cut edges (in pixel units) where they cross whole columns or rows.

    Returns the edge of each piece and the piece's start and end parameters
    ``0 ≤ ta < tb ≤ 1`` along it; every piece lies within one pixel.
    """
    n = len(u0)
    edges, cuts = [np.arange(n), np.arange(n)], [np.zeros(n), np.ones(n)]
    for a, b in ((u0, u1), (v0, v1)):
        low = np.floor(np.minimum(a, b)) + 1
        count = np.maximum(np.ceil(np.maximum(a, b)) - low, 0).astype(np.int64)
        edge = np.repeat(np.arange(n), count)
        k = low[edge] + np.arange(len(edge)) - np.repeat(np.cumsum(count) - count, count)
        edges.append(edge)
        cuts.append((k - a[edge]) / (b[edge] - a[edge]))
    edge, t = np.concatenate(edges), np.concatenate(cuts)
    order = np.lexsort((t, edge))
    edge, t = edge[order], t[order]
    same = (edge[:-1] == edge[1:]) & (t[1:] > t[:-1])
    return edge[:-1][same], t[:-1][same], t[1:][same]


def _geojson(geoms: np.ndarray) -> list:
    """GeoJSON-like mappings of ``geoms`` for rasterio, built from shapely's ragged arrays.

    Much faster than ``__geo_interface__`` for many polygons or lines; other
    geometry types fall back to it.
    """
    kinds = set(shapely.get_type_id(geoms).tolist())
    if not kinds or not (kinds <= {3, 6} or kinds <= {1, 5}):
        return [g.__geo_interface__ for g in geoms]
    kind, coords, offsets = shapely.to_ragged_array(geoms)
    parts = coords.tolist()
    for level in offsets:
        bounds = level.tolist()
        parts = [parts[a:b] for a, b in itertools.pairwise(bounds)]
    name = {1: "LineString", 3: "Polygon", 5: "MultiLineString", 6: "MultiPolygon"}[int(kind)]
    return [{"type": name, "coordinates": part} for part in parts]


def _burn(shapes, shape, transform: Affine, all_touched: bool, *, values=None, merge=False):
    """Burn shapes into an int32 grid: their ``values`` (replace) or claim counts (merge)."""
    if not len(shapes):
        return np.zeros(shape, dtype=np.int32)
    pairs = zip(shapes, values, strict=True) if values is not None else ((s, 1) for s in shapes)
    return rasterio.features.rasterize(
        pairs,
        out_shape=shape,
        transform=transform,
        all_touched=all_touched,
        merge_alg=rasterio.enums.MergeAlg.add if merge else rasterio.enums.MergeAlg.replace,
        fill=0,
        dtype="int32",
    )


def _burn_one(geojson, geom, shape, transform: Affine, all_touched: bool):
    """Rows and columns of the pixels one feature claims, burnt in its own bounding box."""
    left, bottom, right, top = shapely.bounds(geom)
    xs, ys = np.array([left, right, left, right]), np.array([top, bottom, bottom, top])
    cols, rows = ~transform @ (xs, ys)
    r0, c0 = max(int(np.floor(rows.min())) - 1, 0), max(int(np.floor(cols.min())) - 1, 0)
    r1 = min(int(np.ceil(rows.max())) + 1, shape[0])
    c1 = min(int(np.ceil(cols.max())) + 1, shape[1])
    if r1 <= r0 or c1 <= c0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    grid = _burn([geojson], (r1 - r0, c1 - c0), transform @ Affine.translation(c0, r0), all_touched)
    r, c = np.nonzero(grid)
    return r + r0, c + c0


def _pixel_boxes(transform: Affine, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Pixel squares as polygons in the raster's CRS."""
    x0, y0 = transform @ (cols, rows)
    x1, y1 = transform @ (cols + 1, rows + 1)
    return shapely.box(
        np.minimum(x0, x1), np.minimum(y0, y1), np.maximum(x0, x1), np.maximum(y0, y1)
    )


def _representative_pixels(src, band, geoms, acc, nodata) -> np.ndarray:
    """Give features without a pixel centre the pixel under their representative point."""
    present = ~is_absent(geoms)
    small = np.flatnonzero(present & (acc.touched == 0))
    taken = np.zeros(len(geoms), dtype=bool)
    if not len(small):
        return taken
    points = shapely.point_on_surface(geoms[small])
    rows, cols = rasterio.transform.rowcol(
        src.transform, shapely.get_x(points), shapely.get_y(points), op=np.floor
    )
    rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    inside = (rows >= 0) & (rows < src.height) & (cols >= 0) & (cols < src.width)
    small, rows, cols = small[inside], rows[inside], cols[inside]
    block_h, block_w = src.block_shapes[band - 1]
    order = np.lexsort((cols // block_w, rows // block_h))  # block by block
    block_bytes = block_h * block_w * np.dtype(src.dtypes[band - 1]).itemsize
    per_open = max(1, _CACHED_BYTES // block_bytes)  # reopen to let cached blocks go
    for first in range(0, len(order), per_open):
        with _open(src.name) as reader:
            for j in order[first : first + per_open]:
                window = rasterio.windows.Window(cols[j], rows[j], 1, 1)
                values, valid = _read(reader, band, window, nodata)
                one = np.zeros(1, dtype=np.int64)
                acc.add(small[j : j + 1], one, values.ravel(), valid.ravel(), None)
                taken[small[j]] = True
    return taken


# --------------------------------------------------------------- aggregation


@dataclass
class _Accumulator:
    """Per-feature running statistics, merged window by window (Chan et al.'s update)."""

    size: int
    weighted: bool
    touched: np.ndarray = field(init=False)  # pixels (or coverage) under each feature
    count: np.ndarray = field(init=False)
    mean: np.ndarray = field(init=False)
    m2: np.ndarray = field(init=False)
    low: np.ndarray = field(init=False)
    high: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.touched = np.zeros(self.size)
        self.count = np.zeros(self.size)
        self.mean = np.zeros(self.size)
        self.m2 = np.zeros(self.size)
        self.low = np.full(self.size, np.inf)
        self.high = np.full(self.size, -np.inf)

    def add(self, members, local, values, valid, weights) -> None:
        """Merge pixels into the statistics of ``members`` (distinct feature positions).

        ``local`` gives, for each pixel, its feature as an index into ``members``;
        ``weights`` is None for whole pixels.
        """
        m = len(members)
        self.touched[members] += np.bincount(local, weights=weights, minlength=m)
        local, x = local[valid], values[valid].astype(np.float64)
        w = None if weights is None else weights[valid]
        n = np.bincount(local, weights=w, minlength=m).astype(np.float64)
        got = n > 0
        if not got.any():
            return
        mean = np.divide(
            np.bincount(local, weights=x if w is None else w * x, minlength=m),
            n,
            out=np.zeros(m),
            where=got,
        )
        squares = (x - mean[local]) ** 2
        m2 = np.bincount(local, weights=squares if w is None else w * squares, minlength=m)
        low, high = np.full(m, np.inf), np.full(m, -np.inf)
        np.minimum.at(low, local, x)
        np.maximum.at(high, local, x)
        members, n, mean, m2, low, high = (a[got] for a in (members, n, mean, m2, low, high))
        old_n = self.count[members]
        total = old_n + n
        delta = mean - self.mean[members]
        self.mean[members] += delta * n / total
        self.m2[members] += m2 + delta**2 * old_n * n / total
        self.count[members] = total
        self.low[members] = np.minimum(self.low[members], low)
        self.high[members] = np.maximum(self.high[members], high)

    def table(self, stats: list[str], index: pd.Index) -> pd.DataFrame:
        """The requested statistics as a DataFrame on ``index``."""
        has = self.count > 0
        nodata = self.touched - self.count
        columns = {
            "count": self.count if self.weighted else np.rint(self.count).astype(np.int64),
            "sum": np.where(has, self.mean * self.count, 0.0),
            "mean": np.where(has, self.mean, np.nan),
            "min": np.where(has, self.low, np.nan),
            "max": np.where(has, self.high, np.nan),
            "std": np.where(has, np.sqrt(self.m2 / np.where(has, self.count, 1)), np.nan),
            "range": np.where(has, self.high - self.low, np.nan),
            "nodata": nodata if self.weighted else np.rint(nodata).astype(np.int64),
        }
        return pd.DataFrame({s: columns[s] for s in stats}, index=index)
