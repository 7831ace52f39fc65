"""Which pixels a geometry takes: burnt ids for the centre and all-touched rules, exact
coverage fractions for the coverage rule."""

from __future__ import annotations

import itertools
import threading

import numpy as np
import rasterio.enums
import rasterio.features
import shapely
from affine import Affine


def suspects(geoms: np.ndarray, tree: shapely.STRtree, pixel: float) -> np.ndarray:
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


def coverage_pixels(geoms: np.ndarray, transform: Affine, shape) -> tuple[np.ndarray, ...]:
    """Exact fraction of each pixel of a grid that each polygon covers.

    Green's theorem, as in exact-area font rasterizers: every polygon edge is
    cut where it crosses a pixel row or column; a piece of vertical extent
    ``dy`` whose mean position lies a fraction ``f`` into its pixel adds
    ``dy·(1 − f)`` to that pixel and ``dy·f`` to the next one in the row, and
    the running sum along the row is then the covered fraction of every pixel
    (exteriors and holes are oriented first, so holes subtract).

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
    if not len(row):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, np.zeros(0)
    # pieces come edge by edge, so feature by feature: each feature gets a dense
    # box of its rows × columns (a deposit left of the grid still carries along
    # the row, one right of it counts nowhere), and the running sum along each
    # row of a box is the covered fraction
    left, right = np.clip(col, -1, width), np.clip(col + 1, -1, width)
    starts = np.flatnonzero(np.r_[True, feature[1:] != feature[:-1]])
    piece_box = np.cumsum(np.r_[False, feature[1:] != feature[:-1]])
    row0, col0 = np.minimum.reduceat(row, starts), np.minimum.reduceat(left, starts)
    nrows = np.maximum.reduceat(row, starts) - row0 + 1
    ncols = np.maximum.reduceat(right, starts) - col0 + 1
    size = nrows * ncols
    offset = np.cumsum(size) - size
    at = offset[piece_box] + (row - row0[piece_box]) * ncols[piece_box] - col0[piece_box]
    amount = np.bincount(
        np.concatenate([at + left, at + right]),
        weights=np.concatenate([dy * (1 - frac), dy * frac]),
        minlength=int(size.sum()),
    )
    # every row of a closed ring sums to zero; subtracting each row's rounding
    # residue from the next row's first cell keeps rows independent
    row_len = np.repeat(ncols, nrows)
    row_start = np.cumsum(row_len) - row_len
    amount[row_start[1:]] -= np.add.reduceat(amount, row_start)[:-1]
    cover = np.cumsum(amount)
    if transform.determinant > 0:  # a south-up grid mirrors the orientation
        cover = -cover
    cell = np.flatnonzero(cover > 1e-12)
    box = np.searchsorted(offset, cell, side="right") - 1
    within = cell - offset[box]
    rows = row0[box] + within // ncols[box]
    cols = col0[box] + within % ncols[box]
    ok = (cols >= 0) & (cols < width)
    return feature[starts][box[ok]], rows[ok], cols[ok], cover[cell[ok]]


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
    # one float key sorts by edge, then t (0 ≤ t ≤ 1); far faster than lexsort, and
    # exact to about 1e-12 of an edge for the few thousand edges of a window
    order = np.argsort(2.0 * edge + t)
    edge, t = edge[order], t[order]
    same = (edge[:-1] == edge[1:]) & (t[1:] > t[:-1])
    return edge[:-1][same], t[:-1][same], t[1:][same]


def geojson(geoms: np.ndarray) -> list:
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


_BURNING = threading.Lock()


def burn(shapes, shape, transform: Affine, all_touched: bool, *, values=None, merge=False):
    """Burn shapes into an int32 grid: their ``values`` (replace) or claim counts (merge)."""
    if not len(shapes):
        return np.zeros(shape, dtype=np.int32)
    pairs = zip(shapes, values, strict=True) if values is not None else ((s, 1) for s in shapes)
    with _BURNING:  # rasterio's in-memory datasets are not safe to create from two threads at once
        return rasterio.features.rasterize(
        pairs,
            out_shape=shape,
            transform=transform,
            all_touched=all_touched,
            merge_alg=rasterio.enums.MergeAlg.add if merge else rasterio.enums.MergeAlg.replace,
            fill=0,
            dtype="int32",
        )


def burn_one(mapping, geom, shape, transform: Affine, all_touched: bool):
    """Rows and columns of the pixels one feature claims, burnt in its own bounding box."""
    left, bottom, right, top = shapely.bounds(geom)
    xs, ys = np.array([left, right, left, right]), np.array([top, bottom, bottom, top])
    cols, rows = ~transform @ (xs, ys)
    r0, c0 = max(int(np.floor(rows.min())) - 1, 0), max(int(np.floor(cols.min())) - 1, 0)
    r1 = min(int(np.ceil(rows.max())) + 1, shape[0])
    c1 = min(int(np.ceil(cols.max())) + 1, shape[1])
    if r1 <= r0 or c1 <= c0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    grid = burn([mapping], (r1 - r0, c1 - c0), transform @ Affine.translation(c0, r0), all_touched)
    r, c = np.nonzero(grid)
    return r + r0, c + c0


def pixel_boxes(transform: Affine, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Pixel squares as polygons in the raster's CRS."""
    x0, y0 = transform @ (cols, rows)
    x1, y1 = transform @ (cols + 1, rows + 1)
    return shapely.box(
        np.minimum(x0, x1), np.minimum(y0, y1), np.maximum(x0, x1), np.maximum(y0, y1)
    )
