"""Run landkit's heavy checks on a Dask cluster, partitioned spatially.

:func:`landkit.check_three_lines`, :func:`landkit.zonal_stats` and
:func:`landkit.detect_idle` take ``engine="dask"`` (or a
``dask_geopandas.GeoDataFrame``) and hand the work to :func:`run_partitioned`:

* the rows are cut into partitions of nearby features (sorted along a Hilbert
  curve through their bounding boxes; rows without geometry go last), so each
  partition meets only the line polygons and raster windows near it;
* every partition runs the ordinary single-process function on a worker;
* the results are put back in the input's order, on the input's index.

Every row's result depends on that row and the shared inputs only, so the run
equals the single-process run row for row, to rounding: a partition cuts the
line polygons into tiles at other places, so an overlap is summed from other
pieces (differences near 1e-7 m², about 1e-11 of a parcel's area; statuses
are identical). One thing is decided for the layer as a whole: whether areas are
measured in the layer's own Gauss-Krüger zone (it must contain the whole
layer) or in each feature's own zone (:func:`landkit.crs.area_zones`). The
decision is taken once from the whole layer's bounds; a partition that would
decide otherwise on its own is measured through CGCS2000 lon/lat so that it
follows the layer's decision.

Needs the ``landkit[dask]`` extra (``dask[distributed]``, ``dask-geopandas``).
Raster and GeoPackage paths given to the functions are opened by the workers,
so on a real cluster they must be reachable from every worker.
"""

from __future__ import annotations

import logging
import math
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import crs as lkcrs
from .errors import InputError
from .geometry import is_absent

__all__ = ["ENGINES", "is_dask", "run_partitioned", "wanted"]

logger = logging.getLogger(__name__)

Engine = Literal["local", "dask"]
ENGINES = ("local", "dask")
_EXTRA = "pip install 'landkit[dask]'"
# Each partition prepares the line polygons near it again, so partitions are few and large:
# one per worker thread, more only when one would exceed _MAX_ROWS, none below _MIN_ROWS rows.
_MIN_ROWS = 5_000
_MAX_ROWS = 500_000
_LONLAT = 4490  # CGCS2000


def is_dask(obj: object) -> bool:
    """Whether ``obj`` is a Dask (or dask-geopandas) DataFrame, without importing Dask.

    Examples
    --------
    >>> import landkit as lk
    >>> is_dask(lk.read_layer(lk.sample_data_path(), "parks"))
    False
    """
    module = type(obj).__module__
    return module.startswith(("dask_geopandas", "dask.")) and hasattr(obj, "to_delayed")


def wanted(features: object, engine: str) -> bool:
    """Whether a call goes to Dask: ``engine="dask"`` or Dask input; checks ``engine``.

    Examples
    --------
    >>> wanted(None, "local"), wanted(None, "dask")
    (False, True)
    """
    if engine not in ENGINES:
        msg = f"engine must be one of {', '.join(map(repr, ENGINES))}, got {engine!r}"
        raise InputError(msg)
    return engine == "dask" or is_dask(features)


def _require_dask():
    try:
        import dask_geopandas  # noqa: F401
        import distributed
    except ImportError as err:
        msg = f"engine='dask' needs Dask ({err.name} is missing). Fix: {_EXTRA}."
        raise InputError(msg) from None
    return distributed


@contextmanager
def _client(scheduler) -> Iterator[Any]:
    """A client: the given one, one for a scheduler address, the current one, or a LocalCluster's."""
    distributed = _require_dask()
    if isinstance(scheduler, distributed.Client):
        yield scheduler
        return
    if scheduler is not None:
        with distributed.Client(scheduler) as client:
            yield client
        return
    try:
        yield distributed.default_client()
        return
    except ValueError:
        pass
    logger.info("starting a Dask LocalCluster for this run")
    with (
        distributed.LocalCluster(
            threads_per_worker=1, dashboard_address=None, silence_logs=logging.CRITICAL
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def _spatial_order(frame: pd.DataFrame | gpd.GeoSeries) -> np.ndarray:
    """Row positions sorted along a Hilbert curve; rows without geometry last."""
    if not isinstance(frame, gpd.GeoDataFrame | gpd.GeoSeries):
        return np.arange(len(frame))
    geoms = frame.geometry.values
    present = ~is_absent(geoms)
    where = np.flatnonzero(present)
    if not len(where):
        return np.arange(len(frame))
    distance = gpd.GeoSeries(geoms[present]).hilbert_distance()
    return np.concatenate(
        [where[np.argsort(distance.to_numpy(), kind="stable")], np.flatnonzero(~present)]
    )


def _partition_count(client, rows: int, npartitions: int | None) -> int:
    if npartitions is not None:
        if int(npartitions) < 1:
            raise InputError(f"npartitions must be at least 1, got {npartitions!r}")
        return min(int(npartitions), rows)
    threads = sum(client.nthreads().values()) or 1
    count = max(threads, math.ceil(rows / _MAX_ROWS))
    return max(1, min(count, math.ceil(rows / _MIN_ROWS)))


def _zone_plan(bounds: Sequence[np.ndarray], crs) -> list[bool]:
    """Per partition (by its bounds): whether to measure it through lon/lat.

    True where the partition alone would be measured in the layer's own zone
    while the whole layer is not (so that it follows the layer's decision).
    """
    if crs is None or not lkcrs.is_gauss_kruger(crs):
        return [False] * len(bounds)
    boxes = np.array(
        [shapely.box(*b) if np.isfinite(b).all() else None for b in bounds], dtype=object
    )
    layer_fits = _fits(boxes, crs)
    return [not layer_fits and box is not None and _fits(np.array([box]), crs) for box in boxes]


def _fits(geoms: np.ndarray, crs) -> bool:
    """Whether :func:`landkit.crs.area_zones` would measure these geometries in ``crs`` itself."""
    present = geoms[~is_absent(geoms)]
    if not len(present):
        return False  # nothing to measure: no need to follow any decision
    xmin, ymin, xmax, ymax = shapely.total_bounds(present)
    # the test of area_zones reads only the total bounds, which two corner points share
    corners = gpd.GeoSeries(shapely.points([[xmin, ymin], [xmax, ymax]]), crs=crs)
    return lkcrs._own_zone_fits(corners)


def _run_partition(func: Callable, part: pd.DataFrame, payload, via_lonlat: bool):
    """Run ``func`` on one partition; returns the result and the warnings it raised."""
    args, kwargs = payload
    data = part.to_crs(_LONLAT) if via_lonlat else part
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = func(data, *args, **kwargs)
    if via_lonlat and isinstance(result, gpd.GeoDataFrame):
        result[result.geometry.name] = gpd.GeoSeries(
            part.geometry.values, result.index, crs=part.crs
        )
    return result, [w.message for w in caught]


def _merged_provenance(results: Sequence[pd.DataFrame], partitions: int) -> dict:
    """One record from the partitions': values that differ are joined with '; '."""
    records = [r.attrs.get("landkit_provenance") or {} for r in results if len(r)] or [
        results[0].attrs.get("landkit_provenance") or {}
    ]
    merged: dict[str, Any] = {}
    for key in dict.fromkeys(k for record in records for k in record):
        values = list(dict.fromkeys(str(r[key]) for r in records if key in r))
        first = next(r[key] for r in records if key in r)
        merged[key] = first if len(values) == 1 or key == "run_time" else "; ".join(values)
    merged["engine"] = f"dask ({partitions} partitions)"
    return merged


def run_partitioned(
    func: Callable[..., pd.DataFrame],
    features: pd.DataFrame,
    *args: Any,
    scheduler=None,
    npartitions: int | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    """Run a row-wise landkit function on a Dask cluster, partitioned spatially.

    Parameters
    ----------
    func : callable
        A function ``func(features, *args, **kwargs)`` whose result has one row
        per input row on the input's index (a check or a zonal statistic).
    features : GeoDataFrame, DataFrame or dask_geopandas.GeoDataFrame
        The rows. A Dask frame whose ``spatial_partitions`` are known (after
        ``spatial_shuffle()`` or ``calculate_spatial_partitions()``) keeps its
        partitions; any other Dask frame is gathered and partitioned anew.
    *args, **kwargs
        Passed to ``func`` on every partition (line layers, a raster path …);
        sent to each worker once.
    scheduler : str or distributed.Client, optional
        A scheduler address (``"tcp://host:8786"``) or a client. Without it,
        the current client, else a LocalCluster started for this call (one
        single-threaded worker process per core) and closed after it.
    npartitions : int, optional
        Number of partitions; default one per worker thread (more when one
        would hold over 500 000 rows; fewer when one would hold under 5000):
        each partition prepares the shared inputs near it again (the line
        polygons it meets, the raster windows it reads).

    Returns
    -------
    DataFrame or GeoDataFrame
        The results of the partitions, in memory, in the input's row order and
        on its index. ``attrs["landkit_provenance"]`` merges the partitions'
        records (values that differ are joined with ``; ``) and adds ``engine``.
        Warnings raised on the workers are raised again here, once each.

    Examples
    --------
    >>> import landkit as lk
    >>> path = lk.sample_data_path()
    >>> parcels = lk.read_layer(path, "parcels")
    >>> result = lk.check_three_lines(parcels, path, engine="dask")  # doctest: +SKIP
    >>> result.index.equals(parcels.index)  # doctest: +SKIP
    True
    """
    _require_dask()
    if is_dask(features):
        if getattr(features, "spatial_partitions", None) is not None:
            return _run_dask_partitions(func, features, args, kwargs, scheduler)
        logger.info("the Dask frame has no spatial partitions: gathering it to partition it")
        features = features.compute()
    if not isinstance(features, pd.DataFrame | gpd.GeoSeries):
        msg = (
            f"features must be a GeoDataFrame, GeoSeries, DataFrame or Dask GeoDataFrame, "
            f"got {type(features).__name__}"
        )
        raise InputError(msg)
    if not len(features):
        return func(features, *args, **kwargs)
    with _client(scheduler) as client:
        count = _partition_count(client, len(features), npartitions)
        order = _spatial_order(features)
        chunks = [np.sort(chunk) for chunk in np.array_split(order, count)]
        plan = _zone_plan(
            [_bounds(features.iloc[chunk]) for chunk in chunks], getattr(features, "crs", None)
        )
        parts = client.scatter([features.iloc[chunk] for chunk in chunks])
        outputs = _gather(client, func, parts, plan, args, kwargs)
    results = [result for result, _ in outputs]
    out = pd.concat(results).take(np.argsort(np.concatenate(chunks), kind="stable"))
    return _finish(out, outputs, results, stacklevel=4)


def _run_dask_partitions(func, features, args, kwargs, scheduler) -> pd.DataFrame:
    with _client(scheduler) as client:
        parts = client.compute(features.to_delayed())
        bounds = client.gather([client.submit(_bounds, part) for part in parts])
        plan = _zone_plan(bounds, getattr(features, "crs", None))
        outputs = _gather(client, func, parts, plan, args, kwargs)
    results = [result for result, _ in outputs]
    return _finish(pd.concat(results), outputs, results, stacklevel=5)


def _bounds(part: pd.DataFrame | gpd.GeoSeries) -> np.ndarray:
    """Total bounds of a partition's geometries (NaN when it has none)."""
    if not isinstance(part, gpd.GeoDataFrame | gpd.GeoSeries):
        return np.full(4, np.nan)
    geoms = part.geometry.values
    present = geoms[~is_absent(geoms)]
    return shapely.total_bounds(present) if len(present) else np.full(4, np.nan)


def _gather(client, func, parts, plan, args, kwargs) -> list:
    [payload] = client.scatter([(args, kwargs)], broadcast=True)
    futures = [
        client.submit(_run_partition, func, part, payload, via_lonlat, pure=False)
        for part, via_lonlat in zip(parts, plan, strict=True)
    ]
    return client.gather(futures)


def _common_dtypes(out: pd.DataFrame, results: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Columns whose dtype the concatenation widened (an all-empty partition) get it back."""
    if not isinstance(out, pd.DataFrame):
        return out
    for column in out.columns:
        if isinstance(out[column].dtype, gpd.array.GeometryDtype):
            continue
        filled = {str(r[column].dtype): r[column].dtype for r in results if r[column].notna().any()}
        if len(filled) == 1:
            dtype = next(iter(filled.values()))
            if out[column].dtype != dtype:
                out[column] = out[column].astype(dtype)
    return out


def _finish(out: pd.DataFrame, outputs, results, *, stacklevel: int) -> pd.DataFrame:
    seen = set()
    for _, caught in outputs:
        for message in caught:
            key = (type(message), str(message))
            if key not in seen:
                seen.add(key)
                warnings.warn(message, stacklevel=stacklevel)
    out = _common_dtypes(out, results)
    attrs = dict(results[0].attrs)
    if any("landkit_provenance" in r.attrs for r in results):
        attrs["landkit_provenance"] = _merged_provenance(results, len(results))
    out.attrs = attrs
    return out
