"""Geometry repair shared by every check.

Invalid polygons (self-intersections, bow-ties, rings that touch) are repaired
with ``shapely.make_valid`` and only their polygonal part is kept. Missing and
empty geometries are left as they are, so no row ever disappears; each check
decides what status such a row gets.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import shapely

from .errors import GeometryRepairedWarning

__all__ = ["polygonal_part", "repair"]


def polygonal_part(geoms: np.ndarray) -> np.ndarray:
    """The polygonal part of each geometry (a MultiPolygon, or empty when there is none)."""
    geoms = np.asarray(geoms, dtype=object)
    out = geoms.copy()
    types = shapely.get_type_id(geoms)
    mixed = types == 7  # GeometryCollection
    for i in np.flatnonzero(mixed):
        parts = shapely.get_parts(geoms[i])
        polys = parts[np.isin(shapely.get_type_id(parts), (3, 6))]
        out[i] = shapely.union_all(polys) if len(polys) else shapely.Polygon()
    return out


def repair(
    gdf: gpd.GeoDataFrame | gpd.GeoSeries, *, layer: str = "layer"
) -> tuple[gpd.GeoSeries, np.ndarray]:
    """Repair invalid polygons; return the repaired geometries and a mask of the repaired rows.

    A warning says how many rows were repaired. Nothing is dropped and the
    input is not modified.

    Examples
    --------
    >>> import shapely, geopandas as gpd
    >>> bowtie = shapely.Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])
    >>> import warnings; warnings.simplefilter("ignore")
    >>> geoms, repaired = repair(gpd.GeoSeries([bowtie], crs=4543))
    >>> bool(repaired[0]), geoms[0].area
    (True, 2.0)
    """
    series = gdf.geometry if isinstance(gdf, gpd.GeoDataFrame) else gdf
    values = series.values
    present = ~(shapely.is_missing(values) | shapely.is_empty(values))
    invalid = present & ~shapely.is_valid(values)
    if not invalid.any():
        return series.copy(), invalid
    fixed = np.asarray(values, dtype=object).copy()
    fixed[invalid] = polygonal_part(shapely.make_valid(fixed[invalid]))
    warnings.warn(GeometryRepairedWarning.about(layer, int(invalid.sum())), stacklevel=2)
    return gpd.GeoSeries(fixed, index=series.index, crs=series.crs, name=series.name), invalid
