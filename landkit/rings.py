"""Boundary-point order (界址点顺序), shared by the 界址点成果表 and the coordinate TXT.

* Boundary points are numbered J1, J2 … from the vertex nearest the
  north-west corner of the ring's bounding box;
* outer rings run clockwise and holes anticlockwise (the parcel is always on
  the right);
* parts are taken by the distance of their north-west-most vertex to the
  north-west corner of the whole feature; within a part the outer ring comes
  first, then its holes in the same way; the numbering runs on through holes
  and further parts;
* coordinates are rounded to the millimetre.
"""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon

__all__ = ["numbered_rings"]


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


def numbered_rings(geom) -> tuple[list[tuple[int, list[str], np.ndarray]], float]:
    """Rings as (圈号, point ids J1…, coordinates rounded to the millimetre) and their area.

    The area is the planar area of the rounded rings (outer rings minus holes),
    the area a surveyor recomputes from the listed coordinates.

    Examples
    --------
    >>> import shapely
    >>> rings, area = numbered_rings(shapely.box(0, 0, 20, 10))
    >>> [(no, ids, coords.tolist()[0]) for no, ids, coords in rings], area
    ([(1, ['J1', 'J2', 'J3', 'J4'], [0.0, 10.0])], 200.0)
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


