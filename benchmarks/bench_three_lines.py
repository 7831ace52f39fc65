"""Benchmark of the three-line check against geopandas.overlay + groupby.

Generated parcels (jittered rectangles of 40–150 m) are checked against three
generated line layers with thousands of vertices, holes and overlapping parts.
For each size the script prints, from one run, landkit's time, the time of
``geopandas.overlay`` (dissolved line, intersection or difference) plus a
groupby per parcel, their ratio and the largest per-parcel area difference.
Sizes above ``--overlay-max`` run landkit alone.

Usage::

    python benchmarks/bench_three_lines.py --sizes 10000,100000,1000000
"""

from __future__ import annotations

import argparse
import time
import warnings

import geopandas as gpd
import numpy as np
import shapely

import landkit as lk
from landkit.constraints import LINE_KEYS, line_columns

CRS = "EPSG:4543"
X0, Y0 = 500_000.0, 2_770_000.0
PITCH = 120.0  # metres between parcel centres


def wavy_polygon(rng, cx, cy, radius, vertices, holes=0):
    """A star-shaped polygon with ``vertices`` vertices and ``holes`` round holes."""
    angles = np.linspace(0, 2 * np.pi, vertices, endpoint=False)
    waves = 0.2 * np.sin(rng.integers(3, 9) * angles + rng.uniform(0, 6))
    r = radius * (1 + waves + 0.03 * rng.uniform(-1, 1, vertices))
    shell = np.column_stack([cx + r * np.cos(angles), cy + r * np.sin(angles)])
    rings = []
    for k in range(holes):
        a = 2 * np.pi * k / holes
        centre = shapely.Point(cx + 0.4 * radius * np.cos(a), cy + 0.4 * radius * np.sin(a))
        rings.append(centre.buffer(radius * 0.12, 32).exterior.coords)
    return shapely.Polygon(shell, rings)


def make_parcels(n: int, seed: int = 0) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(n)))
    i = np.arange(n)
    cx = X0 + (i % side) * PITCH + rng.uniform(-10, 10, n)
    cy = Y0 + (i // side) * PITCH + rng.uniform(-10, 10, n)
    w, h = rng.uniform(40, 150, n), rng.uniform(40, 150, n)
    geoms = shapely.box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
    return gpd.GeoDataFrame({"parcel_id": np.char.add("P", i.astype(str))}, geometry=geoms, crs=CRS)


def make_lines(extent: float, seed: int = 0) -> dict[str, gpd.GeoDataFrame]:
    """Red line: overlapping blobs with holes; farmland: many patches; urban: one big shape."""
    rng = np.random.default_rng(seed)

    def spot(margin=0.1):
        return X0 + rng.uniform(margin, 1 - margin) * extent, Y0 + rng.uniform(
            margin, 1 - margin
        ) * extent

    red = []
    for _ in range(6):
        cx, cy = spot()
        radius = extent * rng.uniform(0.05, 0.12)
        red.append(wavy_polygon(rng, cx, cy, radius, 3000, holes=3))
        red.append(wavy_polygon(rng, cx + radius * 0.6, cy, radius * 0.7, 2000, holes=1))
    farmland = [
        wavy_polygon(rng, *spot(0.02), extent * rng.uniform(0.01, 0.04), 600, holes=1)
        for _ in range(60)
    ]
    centre = X0 + extent / 2
    urban = [wavy_polygon(rng, centre, Y0 + extent / 2, extent * 0.45, 8000, holes=8)]
    return {
        "ecological_redline": gpd.GeoDataFrame(geometry=red, crs=CRS),
        "basic_farmland": gpd.GeoDataFrame(geometry=farmland, crs=CRS),
        "urban_boundary": gpd.GeoDataFrame(geometry=urban, crs=CRS),
    }


def overlay_areas(parcels: gpd.GeoDataFrame, lines) -> dict[str, np.ndarray]:
    """Per-parcel areas by geopandas.overlay of the dissolved line, then a groupby."""
    out = {}
    for key, line in lines.items():
        dissolved = gpd.GeoDataFrame(geometry=[line.union_all()], crs=line.crs)
        how = "difference" if key == "urban_boundary" else "intersection"
        pieces = gpd.overlay(parcels[["parcel_id", "geometry"]], dissolved, how=how)
        sums = pieces.assign(a=pieces.area).groupby("parcel_id")["a"].sum()
        out[key] = sums.reindex(parcels["parcel_id"], fill_value=0.0).to_numpy()
    return out


def run(n: int, overlay: bool) -> dict:
    parcels = make_parcels(n)
    lines = make_lines(np.ceil(np.sqrt(n)) * PITCH)
    vertices = {
        k: int(shapely.get_num_coordinates(v.geometry.values).sum()) for k, v in lines.items()
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        result = lk.check_three_lines(parcels, lines, id_col="parcel_id")
        landkit_s = time.perf_counter() - start
    row = {"n": n, "landkit_s": landkit_s, "vertices": vertices}
    row["violations"] = int((result["status"] == "violation").sum())
    if overlay:
        start = time.perf_counter()
        expected = overlay_areas(parcels, lines)
        row["overlay_s"] = time.perf_counter() - start
        row["max_diff_m2"] = max(
            float(np.max(np.abs(result[line_columns(k)[0]].to_numpy() - expected[k])))
            for k in LINE_KEYS
        )
    return row


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated")
    parser.add_argument(
        "--overlay-max", type=int, default=100_000, help="largest size also run with overlay"
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    print(f"{'parcels':>9} {'landkit s':>10} {'overlay s':>10} {'ratio':>7} {'max diff m2':>12}")
    for n in sizes:
        row = run(n, overlay=n <= args.overlay_max)
        if "overlay_s" in row:
            ratio = row["overlay_s"] / row["landkit_s"]
            print(
                f"{n:>9} {row['landkit_s']:>10.2f} {row['overlay_s']:>10.2f} {ratio:>7.1f} "
                f"{row['max_diff_m2']:>12.2e}"
            )
        else:
            print(f"{n:>9} {row['landkit_s']:>10.2f} {'-':>10} {'-':>7} {'-':>12}")
        print(f"          line vertices {row['vertices']}, violations {row['violations']}")


if __name__ == "__main__":
    main()
