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

A boundary read from a coordinate TXT keeps its surveyed point numbers and
order: the reader records them in the column ``boundary_point_ids`` (rings in
the geometry's ring order separated by ``;``, each ``圈号:点号,点号,…`` without the
closing point) and the geometry keeps the file's vertex order. While the
geometry still has those rings and vertices (it may have been reprojected),
:func:`numbered_rings` lists them as surveyed; a geometry that has been
changed is numbered anew, with a warning.
"""

from __future__ import annotations

import warnings

import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon

from .errors import InputNotesWarning

__all__ = ["POINT_IDS", "format_point_ids", "numbered_rings"]

POINT_IDS = "boundary_point_ids"
"""The column holding a boundary's surveyed point numbers."""


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


def _own_rings(geom) -> list[tuple[bool, np.ndarray]]:
    """(is a hole, open ring) in the geometry's own order: each part's shell, then its holes."""
    parts = list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom]
    return [
        (hole, np.asarray(ring.coords)[:-1, :2])
        for part in parts
        for hole, ring in ((False, part.exterior), *((True, h) for h in part.interiors))
    ]


def format_point_ids(rings: list[tuple[str, list[str]]]) -> str:
    """The ``boundary_point_ids`` text of rings given as (圈号, point ids).

    Examples
    --------
    >>> format_point_ids([("1", ["J01", "J02", "J03"]), ("2", ["J04", "J05", "J06"])])
    '1:J01,J02,J03;2:J04,J05,J06'
    """
    return ";".join(f"{no}:{','.join(ids)}" for no, ids in rings)


def _surveyed(geom, point_ids: str):
    """Rings with their surveyed numbers, or None when the geometry no longer fits them."""
    parsed = []
    for position, text in enumerate(point_ids.split(";"), start=1):
        no, _, ids = text.rpartition(":")
        parsed.append((int(no) if no.strip().isdigit() else position, ids.split(",")))
    rings = _own_rings(geom)
    if len(parsed) != len(rings) or any(
        len(ids) != len(coords) for (_, ids), (_, coords) in zip(parsed, rings, strict=True)
    ):
        return None
    out, area = [], 0.0
    for (ring_no, ids), (hole, coords) in zip(parsed, rings, strict=True):
        rounded = np.round(coords, 3)
        area += -Polygon(rounded).area if hole else Polygon(rounded).area
        out.append((ring_no, ids, rounded))
    return out, area


def numbered_rings(
    geom, point_ids: str | None = None
) -> tuple[list[tuple[int, list[str], np.ndarray]], float]:
    """Rings as (圈号, point ids J1…, coordinates rounded to the millimetre) and their area.

    The area is the planar area of the rounded rings (outer rings minus holes),
    the area a surveyor recomputes from the listed coordinates. With
    ``point_ids`` (a ``boundary_point_ids`` value) the rings keep their
    surveyed numbers and order while the geometry fits them.

    Examples
    --------
    >>> import shapely
    >>> rings, area = numbered_rings(shapely.box(0, 0, 20, 10))
    >>> [(no, ids, coords.tolist()[0]) for no, ids, coords in rings], area
    ([(1, ['J1', 'J2', 'J3', 'J4'], [0.0, 10.0])], 200.0)
    >>> rings, area = numbered_rings(shapely.box(0, 0, 20, 10), "1:A,B,C,D")
    >>> [(no, ids, coords.tolist()[0]) for no, ids, coords in rings], area
    ([(1, ['A', 'B', 'C', 'D'], [20.0, 0.0])], 200.0)
    """
    if isinstance(point_ids, str) and point_ids.strip():
        surveyed = _surveyed(geom, point_ids)
        if surveyed is not None:
            return surveyed
        zh = "界址点号与图形不再相符（图形已改动），已从西北角起顺时针重新编号"
        warnings.warn(InputNotesWarning.said(zh, zh), stacklevel=2)
    out, area, number = [], 0.0, 0
    for ring_no, coords in enumerate(_ordered_rings(geom), start=1):
        rounded = np.round(coords, 3)
        ring = Polygon(rounded)
        area += -ring.area if ring.exterior.is_ccw else ring.area
        ids = [f"J{number + i + 1}" for i in range(len(rounded))]
        number += len(rounded)
        out.append((ring_no, ids, rounded))
    return out, area


