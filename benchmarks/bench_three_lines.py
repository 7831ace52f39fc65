"""Benchmark of the three-line check against geopandas.overlay + groupby.

Generated parcels (jittered rectangles of 40–150 m) are checked against three
generated line layers with thousands of vertices, holes and overlapping parts.
For each size the script prints the median over ``--repeats`` runs of
landkit's check (all three lines in one call) and, per line layer, of what a
geopandas user writes: dissolve the layer, ``gpd.overlay(parcels, dissolved,
how="intersection")``, group the pieces' areas per parcel (outside the urban
boundary = parcel area − that). The ratio is the sum of the three overlay
medians over landkit's median; the largest per-parcel area difference is
printed too. Sizes above ``--overlay-max`` run landkit alone. ``--crs EPSG:4490``
hands landkit the layers in geographic CGCS2000 (it then measures each
feature in its own Gauss-Krüger zone).

Usage::

    python benchmarks/bench_three_lines.py --sizes 100000 --repeats 3
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


def overlay_areas(parcels: gpd.GeoDataFrame, line: gpd.GeoDataFrame) -> np.ndarray:
    """Per-parcel area on a line, as a geopandas user writes it: dissolve, overlay, group."""
    dissolved = line.dissolve()
    pieces = gpd.overlay(parcels[["parcel_id", "geometry"]], dissolved, how="intersection")
    sums = pieces.assign(a=pieces.area).groupby("parcel_id")["a"].sum()
    return sums.reindex(parcels["parcel_id"], fill_value=0.0).to_numpy()


def run(n: int, overlay: bool, repeats: int, crs: str = CRS) -> dict:
    parcels = make_parcels(n)
    lines = make_lines(np.ceil(np.sqrt(n)) * PITCH)
    given = parcels.to_crs(crs), {k: v.to_crs(crs) for k, v in lines.items()}
    vertices = {
        k: int(shapely.get_num_coordinates(v.geometry.values).sum()) for k, v in lines.items()
    }
    landkit_s, overlay_s = [], {k: [] for k in LINE_KEYS}
    for _ in range(repeats):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = time.perf_counter()
            result = lk.check_three_lines(*given, id_col="parcel_id")
            landkit_s.append(time.perf_counter() - start)
        if not overlay:
            continue
        expected = {}
        for key in LINE_KEYS:
            start = time.perf_counter()
            inside = overlay_areas(parcels, lines[key])
            overlay_s[key].append(time.perf_counter() - start)
            # landkit reports the area outside the urban boundary
            expected[key] = parcels.area.to_numpy() - inside if key == "urban_boundary" else inside
    row = {"n": n, "landkit_s": landkit_s, "vertices": vertices}
    row["violations"] = int((result["status"] == "violation").sum())
    if overlay:
        row["overlay_s"] = overlay_s
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
    parser.add_argument("--repeats", type=int, default=3, help="runs of each (default 3)")
    parser.add_argument(
        "--crs",
        default=CRS,
        help="CRS landkit is given the layers in, e.g. EPSG:4490 (overlay runs in EPSG:4543)",
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    for n in sizes:
        row = run(n, overlay=n <= args.overlay_max, repeats=args.repeats, crs=args.crs)
        ours = float(np.median(row["landkit_s"]))
        runs = " ".join(f"{t:.2f}" for t in row["landkit_s"])
        print(f"{n} parcels; line vertices {row['vertices']}; violations {row['violations']}")
        print(f"  landkit, three lines in one check ({args.crs}): median {ours:.2f} s  [{runs}]")
        if "overlay_s" not in row:
            continue
        total = 0.0
        for key in LINE_KEYS:
            times = row["overlay_s"][key]
            total += float(np.median(times))
            runs = " ".join(f"{t:.2f}" for t in times)
            print(f"  overlay {key:19s} median {np.median(times):6.2f} s  [{runs}]")
        print(f"  overlay, sum of the three medians: {total:.2f} s")
        print(f"  ratio overlay / landkit: {total / ours:.1f}×  (target ≥ 5×)")
        print(f"  largest per-parcel area difference: {row['max_diff_m2']:.2e} m²")


if __name__ == "__main__":
    main()
