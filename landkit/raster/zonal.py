"""``zonal_stats``: the raster's pixels under each feature, read window by window."""

from __future__ import annotations

import logging
import os
import warnings
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio.transform
import rasterio.windows
import shapely
from affine import Affine

from ..crs import require_crs
from ..distributed import Engine, run_partitioned, wanted
from ..errors import CRSError, DataWarning, InputError, describe_ids
from ..geometry import is_absent, is_polygonal, repair
from ..provenance import provenance
from . import pixels
from .source import Raster, RasterArg
from .stats import Distribution, Moments, Pixels, check_stats, needs_values

__all__ = ["PixelRule", "zonal_stats"]

logger = logging.getLogger(__name__)

PixelRule = Literal["centre", "all_touched", "coverage"]


def zonal_stats(
    features: gpd.GeoDataFrame | gpd.GeoSeries,
    raster: RasterArg,
    *,
    stats: Sequence[str] | None = None,
    pixel_rule: PixelRule = "centre",
    categorical: bool = False,
    category_map: Mapping | None = None,
    weights: RasterArg | None = None,
    affine: Affine | None = None,
    crs=None,
    nodata: float | None = None,
    raw: bool = False,
    add_stats: Mapping[str, Callable] | None = None,
    band: int = 1,
    threads: int | None = None,
    progress: bool | Callable[[int, int], None] | None = None,
    engine: Engine = "local",
    scheduler=None,
) -> pd.DataFrame:
    """Statistics of the raster's pixels under each feature.

    Parameters
    ----------
    features : GeoDataFrame or GeoSeries
        Features in any CRS (a CRS is required); they are reprojected to the
        raster's CRS. Null or empty geometries give NaN statistics. A
        GeometryCollection keeps its polygons (its lines, else its points,
        when it has none).
    raster : str, Path, rasterio dataset or ndarray
        A raster file GDAL reads (GeoTIFF, VRT …), an open rasterio dataset
        (left open), or a 2-D array with ``affine=`` and ``crs=`` (a masked
        array's mask marks nodata).
    stats : sequence of str, optional
        Any of ``count``, ``sum``, ``mean``, ``min``, ``max``, ``range``,
        ``std`` (population standard deviation), ``median``,
        ``percentile_<q>`` (``percentile_90``), ``majority``, ``minority``,
        ``unique`` (number of distinct values), ``nodata``, ``nan``, and with
        ``weights=`` ``weighted_mean`` and ``weighted_sum``. Default
        ``("mean", "count")``, or none with ``categorical=True``; see the
        package docstring for each definition.
    pixel_rule : {"centre", "all_touched", "coverage"}
        Which pixels count and with what weight; see the package docstring.
    categorical : bool
        Add one column per class: the pixel count of each class (coverage rule:
        ``frac_<class>``, the class's share of the covered valid area); 0 where
        a class is absent from a feature.
    category_map : mapping, optional
        Class value → column name (e.g. a land-cover legend).
    weights : str, Path, rasterio dataset or ndarray, optional
        A raster on exactly the value raster's grid; adds ``weighted_mean`` and
        ``weighted_sum`` (Σ value × weight [× coverage]) unless ``stats``
        names them.
    affine, crs
        The transform and CRS of an array ``raster`` (and ``weights``).
    nodata : float, optional
        The stored value meaning "no data", in place of the raster's nodata
        tag (a mask band still applies).
    raw : bool
        Use stored values; by default a band's scale and offset are applied
        (stored value × scale + offset).
    add_stats : mapping of str to callable, optional
        Column name → ``func(values)`` called with each feature's valid pixel
        values (1-D float array; coverage rule: ``func(values, coverage)``);
        None for a feature without a valid pixel (the function is not called).
    band : int
        Band number, from 1.
    threads : int, optional
        Threads reading and burning windows; default ``min(2, cores)``.
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
        One row per feature on the features' index: one column per statistic,
        then the class columns, then ``representative_pixel`` (bool) under the
        centre rule. ``count``, ``nodata``, ``nan``, ``unique`` and class
        counts are integers under the centre and all-touched rules and sums of
        coverage fractions under ``"coverage"``. ``attrs["landkit_provenance"]``
        records the raster, band, CRS, pixel rule and nodata value.

    Raises
    ------
    CRSError
        When the features or the raster have no CRS.
    InputError
        For an unknown statistic or pixel rule, a missing band, a rotated
        raster, a weights raster on another grid, or non-polygons with
        ``pixel_rule="coverage"``.

    Examples
    --------
    >>> import landkit as lk
    >>> path = lk.sample_data_path()
    >>> parcels = lk.read_layer(path, "parcels")
    >>> raster = sorted(path.parent.glob("builtup_*.tif"))[-1]
    >>> result = lk.zonal_stats(parcels, raster, stats=("mean", "count", "percentile_90"))
    >>> result.index.equals(parcels.index)
    True
    >>> bool(result["mean"].between(0, 1).all())
    True
    >>> classes = lk.zonal_stats(parcels, raster, categorical=True, pixel_rule="coverage")
    >>> bool(classes.filter(like="frac_").sum(axis=1).round(9).isin([0, 1]).all())
    True
    """
    options = {
        "stats": stats,
        "pixel_rule": pixel_rule,
        "categorical": categorical,
        "category_map": category_map,
        "weights": weights,
        "affine": affine,
        "crs": crs,
        "nodata": nodata,
        "raw": raw,
        "add_stats": add_stats,
        "band": band,
    }
    if pixel_rule not in ("centre", "all_touched", "coverage"):
        msg = f"pixel_rule must be 'centre', 'all_touched' or 'coverage', got {pixel_rule!r}"
        raise InputError(msg)
    if stats is None:
        stats = () if categorical else ("mean", "count")
    stats = list(check_stats(stats, weighted=weights is not None))
    if weights is not None and not {"weighted_mean", "weighted_sum"} & set(stats):
        stats += ["weighted_mean", "weighted_sum"]
    if not stats and not categorical and not add_stats:
        raise InputError("no statistic asked for: pass stats=, categorical=True or add_stats=")
    if wanted(features, engine):
        result = run_partitioned(zonal_stats, features, raster, scheduler=scheduler, **options)
        return _absent_classes_zero(result, [*stats, *(add_stats or {}), "representative_pixel"])
    geoseries = features.geometry if isinstance(features, gpd.GeoDataFrame) else features
    require_crs(geoseries, layer="features")
    geoseries, repaired = repair(geoseries, layer="features", invalid=False)
    grid = Raster(raster, band=band, affine=affine, crs=crs, nodata=nodata, raw=raw)
    weight_grid = None
    if weights is not None:
        weight_grid = Raster(weights, affine=affine, crs=crs, raw=raw, role="weights")
        grid.require_same_grid(weight_grid)
    geoms = _to_raster_crs(geoseries, grid.crs)
    if pixel_rule == "coverage":
        _require_polygons(geoms, geoseries.index)
    run = _Run(grid, weight_grid, geoms, pixel_rule, stats, categorical, add_stats)
    try:
        _scan(run, threads or min(2, os.cpu_count() or 1), _progress_callback(progress))
        representative = np.zeros(len(geoms), dtype=bool)
        if pixel_rule == "centre":
            representative = _representative_pixels(run)
    finally:
        for opened in (grid, weight_grid):
            if opened is not None:
                opened.close()
    _warn_if_disjoint(grid, geoms, run.moments)
    result = run.table(geoseries.index, category_map)
    if pixel_rule == "centre":
        result["representative_pixel"] = representative
    result.attrs["landkit_provenance"] = provenance(
        inputs={"features": features, "raster": grid.name},
        band=band,
        raster_crs=grid.crs.to_string(),
        pixel_rule=pixel_rule,
        nodata=grid.nodata,
        scale_offset="raw values" if raw else f"× {grid.scale:g} + {grid.offset:g}",
        weights=None if weight_grid is None else weight_grid.name,
        geometries_repaired=int(repaired.sum()),
    )
    return result


def _absent_classes_zero(result: pd.DataFrame, others: list) -> pd.DataFrame:
    """Class columns a partition did not meet are 0 there, not missing."""
    classes = [c for c in result.columns if c not in others]
    if not classes:
        return result
    filled = result[classes].fillna(0)
    if not any(str(c).startswith("frac_") for c in classes):
        filled = filled.astype(np.int64)
    out = result.copy()
    out[classes] = filled
    return out


# ------------------------------------------------------------------ checks


def _to_raster_crs(geoseries: gpd.GeoSeries, crs) -> np.ndarray:
    """The features' geometries in the raster's CRS; coordinates must survive the move."""
    moved = geoseries if geoseries.crs == crs else geoseries.to_crs(crs)
    geoms = _collection_parts(np.asarray(moved.values, dtype=object))
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


def _collection_parts(geoms: np.ndarray) -> np.ndarray:
    """GeometryCollections as the multi-geometry of their highest-dimension parts."""
    collections = np.flatnonzero(shapely.get_type_id(geoms) == 7)
    if not len(collections):
        return geoms
    out = geoms.copy()
    for k in collections:
        parts = shapely.get_parts(geoms[k])
        while (shapely.get_type_id(parts) >= 4).any():
            parts = shapely.get_parts(parts)
        parts = parts[~shapely.is_empty(parts)]
        dims = shapely.get_dimensions(parts)
        top = parts[dims == dims.max()] if len(parts) else parts
        out[k] = shapely.union_all(top) if len(top) else shapely.Polygon()
    return out


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


def _warn_if_disjoint(grid: Raster, geoms: np.ndarray, moments: Moments) -> None:
    present = ~is_absent(geoms)
    if present.any() and not (moments.touched > 0).any():
        left, bottom, right, top = grid.bounds
        msg = (
            f"none of the {int(present.sum())} features overlaps raster {grid.name} "
            f"(raster bounds {left:.6g}, {bottom:.6g}, {right:.6g}, {top:.6g} in "
            f"{grid.crs.to_string()}; features {shapely.total_bounds(geoms[present])} after "
            f"reprojection). Check that both CRSs are declared correctly."
        )
        zh = f"{int(present.sum())} 个要素均不与栅格 {grid.name} 重叠，请检查两者的坐标系是否声明正确"
        warnings.warn(DataWarning.said(msg, zh, layer="features"), stacklevel=3)


# ----------------------------------------------------------------- scanning


@dataclass
class _Run:
    """One zonal statistics run: inputs, options and the statistics gathered so far."""

    grid: Raster
    weights: Raster | None
    geoms: np.ndarray
    pixel_rule: str
    stats: list[str]
    categorical: bool
    add_stats: Mapping[str, Callable] | None

    def __post_init__(self) -> None:
        n = len(self.geoms)
        wanted = set(self.stats)
        self.moments = Moments(
            n,
            weighted=self.pixel_rule == "coverage",
            sums=bool(wanted & {"sum", "mean", "std", "weighted_mean", "weighted_sum"}),
            spread="std" in wanted,
            extremes=bool(wanted & {"min", "max", "range"}),
        )
        self.need_values = self.moments.sums or self.moments.extremes or bool(self.add_stats)
        identity = self.grid.scale == 1.0 and self.grid.offset == 0.0
        self.scale = None if identity else self.grid.scaled
        self.distribution = None
        if needs_values(self.stats, self.categorical) or self.add_stats:
            coverage = self.pixel_rule == "coverage"
            integer = identity and self.grid.dtype.kind in "ui"
            self.distribution = Distribution(
                n, self.stats, coverage, self.categorical, self.add_stats, integer
            )

    def add(self, batch: Pixels) -> None:
        x = self.grid.scaled(batch.values[batch.valid]) if self.need_values else None
        self.moments.add(batch, x)
        if self.distribution is not None:
            self.distribution.add(batch, x, self.scale)

    def weigh(self, window) -> np.ndarray | None:
        """The weights raster's values in a window (NaN where it has no data)."""
        if self.weights is None:
            return None
        with self.weights.reader() as handle:
            values, hidden = self.weights.read(handle, window)
        valid, _ = self.weights.classify(values, hidden)
        out = self.weights.scaled(values)
        out[~valid] = np.nan
        return out

    def table(self, index: pd.Index, category_map: Mapping | None) -> pd.DataFrame:
        nan_apart = "nan" in self.stats
        columns = self.moments.columns(self.stats, nan_apart)
        if self.distribution is not None:
            self.distribution.finish()
            columns.update(self.distribution.out)
        order = self.stats + list(self.add_stats or {})
        result = pd.DataFrame({s: columns[s] for s in order}, index=index)
        if self.categorical:
            classes = self.distribution.class_table(index, category_map)
            result = pd.concat([result, classes], axis=1)
        return result


def _scan(run: _Run, threads: int, progress) -> None:
    """Read every window some feature touches and add its pixels, ``threads`` at a time."""
    geoms, grid = run.geoms, run.grid
    present = ~is_absent(geoms)
    tree = shapely.STRtree(np.where(present, geoms, None))
    near = None
    if run.pixel_rule != "coverage":  # only burnt features may claim one pixel twice
        near = pixels.suspects(geoms, tree, grid.pixel_size)
    windows = grid.window_grid()
    hits = tree.query(grid.window_boxes(windows), predicate="intersects")
    order = np.lexsort((hits[1], hits[0]))
    window_of, feature_of = hits[0][order], hits[1][order]
    starts = np.searchsorted(window_of, np.arange(len(windows) + 1))
    busy = [k for k in range(len(windows)) if starts[k + 1] > starts[k]]
    remaining = np.bincount(feature_of, minlength=len(geoms))
    shapes: list = [None] * len(geoms)
    if run.pixel_rule != "coverage":
        for k, mapping in zip(np.flatnonzero(present), pixels.geojson(geoms[present]), strict=True):
            shapes[k] = mapping

    def work(k: int) -> list[Pixels]:
        local = feature_of[starts[k] : starts[k + 1]]  # sorted feature positions
        return _window_pixels(run, windows[k], local, near, tree, shapes)

    with ThreadPoolExecutor(max_workers=max(threads, 1)) as pool:
        pending: deque = deque()
        queued = iter(busy)
        for done in range(1, len(busy) + 1):
            while len(pending) < 2 * threads:
                k = next(queued, None)
                if k is None:
                    break
                pending.append((k, pool.submit(work, k)))
            k, future = pending.popleft()
            for batch in future.result():
                run.add(batch)
            remaining[feature_of[starts[k] : starts[k + 1]]] -= 1
            if run.distribution is not None:
                finished = remaining == 0
                if run.pixel_rule == "centre":  # these may still get a representative pixel
                    finished &= run.moments.touched > 0
                run.distribution.maybe_flush(finished)
            if progress is not None:
                progress(done, len(busy))


def _window_pixels(run: _Run, window, local, near, tree, shapes) -> list[Pixels]:
    """The pixels one window gives the features ``local`` touching it.

    Under the coverage rule every polygon's exact pixel fractions are computed
    from its edges (:func:`pixels.coverage_pixels`). Otherwise all features are
    burnt at once into an id grid; a second burn counts how many features claim
    each pixel, among those that may share one (see :func:`pixels.suspects`).
    Features that do share a pixel (overlapping features) are then burnt one
    at a time.
    """
    grid = run.grid
    with grid.reader() as handle:
        values, hidden = grid.read(handle, window)
    weight = run.weigh(window)
    transform = grid.window_transform(window)
    shape = values.shape

    def batch(members, where, at, cover=None) -> Pixels:
        taken = values[at]
        valid, nan = grid.classify(taken, None if hidden is None else hidden[at])
        return Pixels(
            members, where, taken, valid, nan, cover, None if weight is None else weight[at]
        )

    if run.pixel_rule == "coverage":
        which, rows, cols, fractions = pixels.coverage_pixels(run.geoms[local], transform, shape)
        return [batch(local, which, (rows, cols), fractions)]
    touched = run.pixel_rule == "all_touched"
    mine = [shapes[k] for k in local]
    ids = pixels.burn(mine, shape, transform, touched, values=range(1, len(local) + 1))
    close = np.flatnonzero(near[local])
    claims = pixels.burn([mine[k] for k in close], shape, transform, touched, merge=True)
    out = []
    if (claims > 1).any():
        rows, cols = np.nonzero(claims > 1)
        involved = np.intersect1d(tree.query(pixels.pixel_boxes(transform, rows, cols))[1], local)
        alone = np.searchsorted(local, involved)
        ids = np.where(np.isin(ids, alone + 1), 0, ids)
        for k in alone:
            r, c = pixels.burn_one(mine[k], run.geoms[local[k]], shape, transform, touched)
            out.append(batch(local[k : k + 1], np.zeros(len(r), np.int64), (r, c)))
    inside = np.flatnonzero(ids)
    out.append(batch(local, ids.ravel()[inside] - 1, np.unravel_index(inside, shape)))
    return out


def _representative_pixels(run: _Run) -> np.ndarray:
    """Give features without a pixel centre the pixel under their representative point."""
    grid, geoms = run.grid, run.geoms
    present = ~is_absent(geoms)
    small = np.flatnonzero(present & (run.moments.touched == 0))
    taken = np.zeros(len(geoms), dtype=bool)
    if not len(small):
        return taken
    points = shapely.point_on_surface(geoms[small])
    rows, cols = rasterio.transform.rowcol(
        grid.transform, shapely.get_x(points), shapely.get_y(points), op=np.floor
    )
    rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    inside = (rows >= 0) & (rows < grid.height) & (cols >= 0) & (cols < grid.width)
    small, rows, cols = small[inside], rows[inside], cols[inside]
    block_h, block_w = grid.block_shape
    order = np.lexsort((cols // block_w, rows // block_h))  # block by block
    one = np.zeros(1, dtype=np.int64)
    for j in order:
        window = rasterio.windows.Window(cols[j], rows[j], 1, 1)
        with grid.reader() as handle:
            values, hidden = grid.read(handle, window)
        values = values.ravel()
        valid, nan = grid.classify(values, None if hidden is None else hidden.ravel())
        weight = run.weigh(window)
        weight = None if weight is None else weight.ravel()
        run.add(Pixels(small[j : j + 1], one, values, valid, nan, None, weight))
        taken[small[j]] = True
    return taken

