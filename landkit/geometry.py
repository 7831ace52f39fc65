"""Geometry predicates and the repair shared by every check.

Two questions are asked of geometries all over landkit and are answered here
only: :func:`is_absent` (missing or empty) and :func:`is_polygonal` (a Polygon
or MultiPolygon).

Invalid polygons (self-intersections, bow-ties, rings that touch) are repaired
with ``shapely.make_valid`` and only their polygonal part is kept. A valid
GeometryCollection that holds polygons keeps its polygonal part the same way;
both count as repaired rows. Missing and empty geometries are left as they
are, so no row ever disappears; each check decides what status such a row
gets. Where a check needs polygons, :func:`require_polygonal` raises
:class:`~landkit.errors.GeometryError` for lines and points.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .errors import GeometryError, GeometryRepairedWarning, describe_ids

__all__ = ["is_absent", "is_polygonal", "polygonal_part", "repair", "require_polygonal"]

_POLYGONAL_TYPES = (3, 6)  # shapely type ids of Polygon and MultiPolygon
_COLLECTION = 7


def is_absent(geoms) -> np.ndarray:
    """Whether each geometry is missing (None) or empty.

    Examples
    --------
    >>> import shapely
    >>> is_absent([None, shapely.Polygon(), shapely.box(0, 0, 1, 1)]).tolist()
    [True, True, False]
    """
    values = np.asarray(getattr(geoms, "values", geoms), dtype=object)
    return shapely.is_missing(values) | shapely.is_empty(values)


def is_polygonal(geoms) -> np.ndarray:
    """Whether each geometry is a Polygon or MultiPolygon (empty ones included).

    Examples
    --------
    >>> import shapely
    >>> is_polygonal([shapely.box(0, 0, 1, 1), shapely.Point(0, 0), None]).tolist()
    [True, False, False]
    """
    values = np.asarray(getattr(geoms, "values", geoms), dtype=object)
    return np.isin(shapely.get_type_id(values), _POLYGONAL_TYPES)


def _holds_polygons(geom) -> bool:
    parts = shapely.get_parts(geom)
    return bool(np.isin(shapely.get_type_id(parts), _POLYGONAL_TYPES).any())


def polygonal_part(geoms: np.ndarray) -> np.ndarray:
    """The polygonal part of each GeometryCollection (empty when it has none); other geometries as they are."""
    geoms = np.asarray(geoms, dtype=object)
    out = geoms.copy()
    types = shapely.get_type_id(geoms)
    for i in np.flatnonzero(types == _COLLECTION):
        parts = shapely.get_parts(geoms[i])
        polys = parts[np.isin(shapely.get_type_id(parts), _POLYGONAL_TYPES)]
        out[i] = shapely.union_all(polys) if len(polys) else shapely.Polygon()
    return out


def repair(
    gdf: gpd.GeoDataFrame | gpd.GeoSeries, *, layer: str = "layer", invalid: bool = True
) -> tuple[gpd.GeoSeries, np.ndarray]:
    """Repair invalid polygons and collections; return the geometries and a mask of the repaired rows.

    Invalid geometries go through ``shapely.make_valid`` and keep their
    polygonal part; a valid GeometryCollection that holds polygons keeps its
    polygonal part. A warning says how many rows were repaired. Nothing is
    dropped and the input is not modified. ``invalid=False`` leaves invalid
    geometries as they are and handles the collections only.

    Examples
    --------
    >>> import shapely, geopandas as gpd
    >>> bowtie = shapely.Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])
    >>> mixed = shapely.GeometryCollection([shapely.box(0, 0, 1, 1), shapely.LineString([(0, 0), (5, 5)])])
    >>> import warnings; warnings.simplefilter("ignore")
    >>> geoms, repaired = repair(gpd.GeoSeries([bowtie, mixed], crs=4543))
    >>> repaired.tolist(), geoms.area.tolist()
    ([True, True], [2.0, 1.0])
    """
    series = gdf.geometry if isinstance(gdf, gpd.GeoDataFrame) else gdf
    values = np.asarray(series.values, dtype=object)
    present = ~is_absent(values)
    valid = shapely.is_valid(values)
    broken = present & ~valid if invalid else np.zeros(len(values), dtype=bool)
    collections = present & valid & (shapely.get_type_id(values) == _COLLECTION)
    collections[collections] = [_holds_polygons(g) for g in values[collections]]
    repaired = broken | collections
    if not repaired.any():
        return series.copy(), repaired
    fixed = values.copy()
    fixed[broken] = polygonal_part(shapely.make_valid(fixed[broken]))
    fixed[collections] = polygonal_part(fixed[collections])
    warning = GeometryRepairedWarning.about(
        layer, int(broken.sum()), collections=int(collections.sum())
    )
    warnings.warn(warning, stacklevel=2)
    return gpd.GeoSeries(fixed, index=series.index, crs=series.crs, name=series.name), repaired


def require_polygonal(geoms, ids=None, *, layer: str = "layer", fix: str | None = None) -> None:
    """Raise :class:`GeometryError` when present geometries are not polygons.

    A GeometryCollection that holds polygons passes: :func:`repair` keeps its
    polygonal part.

    Parameters
    ----------
    geoms : array-like of geometries
        Missing and empty geometries pass (each check gives them its own status).
    ids : array-like, optional
        The ids named in the message (default: the positions).
    layer : str
        The layer's name in the message.
    fix : str, optional
        The fix to suggest (default: turn lines or points into polygons).

    Examples
    --------
    >>> import shapely
    >>> require_polygonal([shapely.box(0, 0, 1, 1), None])
    >>> require_polygonal([shapely.LineString([(0, 0), (1, 1)])], ["P1"], layer="parcels")
    Traceback (most recent call last):
    ...
    landkit.errors.GeometryError: parcels: 1 geometries are LineString, not polygons (ids P1 (1 in all)). Fix: give polygons (a boundary drawn as lines or points must be turned into polygons first).
    """
    values = np.asarray(getattr(geoms, "values", geoms), dtype=object)
    wrong = ~is_absent(values) & ~is_polygonal(values)
    collections = np.flatnonzero(wrong & (shapely.get_type_id(values) == _COLLECTION))
    wrong[collections] = [not _holds_polygons(g) for g in values[collections]]
    if not wrong.any():
        return
    ids = np.arange(len(values)) if ids is None else np.asarray(pd.Index(ids), dtype=object)
    kinds = sorted({str(g.geom_type) for g in values[wrong]})
    fix = fix or "give polygons (a boundary drawn as lines or points must be turned into polygons first)"
    msg = (
        f"{layer}: {int(wrong.sum())} geometries are {', '.join(kinds)}, not polygons "
        f"(ids {describe_ids(ids[wrong])}). Fix: {fix}."
    )
    raise GeometryError(msg)
