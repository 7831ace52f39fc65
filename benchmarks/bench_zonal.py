"""Benchmark: landkit.zonal_stats against rasterstats and exactextract.

Generates, in a temporary folder, a tiled uint8 GeoTIFF (built-up percent
0–100, nodata 255, 10 m pixels in EPSG:4543) of SIDE × SIDE pixels and N
parcels (non-overlapping rotated rectangles from under one pixel to a few hundred metres across),
then runs, each in its own process:

* landkit, centre-of-pixel rule, and rasterstats (same rule): times, ratio;
* landkit, coverage weighting, and exactextract (same rule): times, ratio;

and prints, for each, the time, the peak resident memory of its process (and
the increase over the process after loading the parcels), and the agreement of
``count`` and ``mean`` between the matching pairs.

Needs the ``bench`` extra (``pip install landkit[bench]``).

Usage::

    python benchmarks/bench_zonal.py --sizes 20000x100000
    python benchmarks/bench_zonal.py --sizes 2000x2000,4000x2000 --keep /tmp/zonal
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

PIXEL = 10.0
ORIGIN = (500_000.0, 2_900_000.0)  # EPSG:4543 (CGCS2000 3-degree GK, CM 102°E)
BLOCK = 512


def make_raster(path: Path, side: int, seed: int = 1) -> None:
    """Write a tiled uint8 GeoTIFF block by block (memory stays at one block row)."""
    import rasterio
    from rasterio.transform import Affine
    from rasterio.windows import Window

    rng = np.random.default_rng(seed)
    profile = {
        "driver": "GTiff",
        "width": side,
        "height": side,
        "count": 1,
        "dtype": "uint8",
        "nodata": 255,
        "crs": "EPSG:4543",
        "transform": Affine(PIXEL, 0, ORIGIN[0], 0, -PIXEL, ORIGIN[1]),
        "tiled": True,
        "blockxsize": BLOCK,
        "blockysize": BLOCK,
        "BIGTIFF": "IF_SAFER",
    }
    with rasterio.open(path, "w", **profile) as dst:
        for row in range(0, side, BLOCK):
            height = min(BLOCK, side - row)
            level = rng.integers(0, 101, size=(1, (side + BLOCK - 1) // BLOCK))
            base = np.repeat(level, BLOCK, axis=1)[:, :side]
            noise = rng.integers(-20, 21, size=(height, side))
            values = np.clip(base + noise, 0, 100).astype("uint8")
            values[rng.random((height, side)) < 0.01] = 255
            dst.write(values, 1, window=Window(0, row, side, height))


def make_parcels(path: Path, side: int, count: int, seed: int = 2) -> None:
    """Write ``count`` rotated rectangles spread over the raster to a GeoParquet file."""
    import geopandas as gpd
    import shapely

    rng = np.random.default_rng(seed)
    extent = side * PIXEL
    cells = int(np.ceil(np.sqrt(count)))
    cell = extent / cells
    k = np.arange(count)
    cx = ORIGIN[0] + (k % cells + 0.5) * cell
    cy = ORIGIN[1] - (k // cells + 0.5) * cell
    width = np.minimum(rng.lognormal(np.log(80), 0.8, count), 0.6 * cell)
    height = np.minimum(width * rng.uniform(0.4, 1.6, count), 0.6 * cell)
    tiny = rng.random(count) < 0.02  # parcels smaller than a pixel
    width[tiny], height[tiny] = 6.0, 4.0
    boxes = shapely.box(cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)
    angles = rng.uniform(0, 90, count)
    geoms = [shapely.affinity.rotate(b, a) for b, a in zip(boxes, angles, strict=True)]
    frame = gpd.GeoDataFrame({"parcel_id": [f"P{i}" for i in k]}, geometry=geoms, crs=4543)
    frame.to_parquet(path)


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def _run(method: str, raster: str, parcels: str, limit: int, queue) -> None:
    import geopandas as gpd

    frame = gpd.read_parquet(parcels)
    total = len(frame)
    import exactextract  # noqa: F401  (imports outside the measured memory and time)
    import rasterstats

    import landkit  # noqa: F401

    before = _rss_mb()
    start = time.perf_counter()
    if method.startswith("landkit"):
        from landkit import zonal_stats

        rule = "coverage" if method == "landkit-coverage" else "centre"
        result = zonal_stats(frame, raster, stats=("count", "mean"), pixel_rule=rule)
        count, mean = result["count"].to_numpy(float), result["mean"].to_numpy(float)
    elif method == "rasterstats":
        import rasterstats

        shapes = list(frame.geometry.iloc[:limit] if limit else frame.geometry)
        rows = rasterstats.zonal_stats(shapes, raster, stats=["count", "mean"])
        count = np.full(total, np.nan)
        mean = np.full(total, np.nan)
        count[: len(rows)] = [r["count"] for r in rows]
        mean[: len(rows)] = [np.nan if r["mean"] is None else r["mean"] for r in rows]
    else:
        from exactextract import exact_extract

        result = exact_extract(raster, frame, ["count", "mean"], output="pandas")
        count, mean = result["count"].to_numpy(float), result["mean"].to_numpy(float)
    seconds = time.perf_counter() - start
    if method == "rasterstats" and limit:
        seconds *= total / min(limit, total)  # extrapolated to every parcel
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((seconds, peak, peak - before, count, mean))


def run(method: str, raster: Path, parcels: Path, limit: int = 0) -> tuple:
    """Run one method in a fresh process; return time, peak MB, increase MB, count, mean."""
    context = mp.get_context("spawn")
    queue = context.Queue()
    args = (method, str(raster), str(parcels), limit, queue)
    process = context.Process(target=_run, args=args)
    process.start()
    result = queue.get()
    process.join()
    return result


def agreement(a: tuple, b: tuple, *, exact: bool) -> str:
    """How far two methods' counts and means agree, on the parcels both were run on."""
    compared = ~np.isnan(a[3]) & ~np.isnan(b[3])
    both = compared & ~np.isnan(a[4]) & ~np.isnan(b[4])
    only_a = int((compared & ~np.isnan(a[4]) & np.isnan(b[4])).sum())
    only_b = int((compared & np.isnan(a[4]) & ~np.isnan(b[4])).sum())
    count_diff = np.abs(a[3][both] - b[3][both])
    mean_diff = np.abs(a[4][both] - b[4][both])
    tail = f"; a value from landkit only: {only_a}, from the other only: {only_b}"
    if exact:
        same = (count_diff == 0) & (mean_diff <= 1e-9 * np.maximum(1, np.abs(b[4][both])))
        return f"{int(same.sum())} of {int(both.sum())} parcels identical in count and mean{tail}"
    relative = count_diff / np.maximum(b[3][both], 1e-12)
    return (
        f"over {int(both.sum())} parcels max |Δcount| {count_diff.max():.1e} px "
        f"(relative {relative.max():.1e}), max |Δmean| {mean_diff.max():.1e}{tail}"
    )


def bench(side: int, count: int, folder: Path, rasterstats_sample: int) -> None:
    raster, parcels = folder / f"builtup_{side}.tif", folder / f"parcels_{side}_{count}.parquet"
    if not raster.exists():
        start = time.perf_counter()
        make_raster(raster, side)
        print(
            f"  raster {side}×{side} uint8 written in {time.perf_counter() - start:.0f} s "
            f"({raster.stat().st_size / 2**20:.0f} MB)"
        )
    if not parcels.exists():
        make_parcels(parcels, side, count)
    results = {}
    for method in ("landkit-centre", "rasterstats", "landkit-coverage", "exactextract"):
        limit = rasterstats_sample if method == "rasterstats" else 0
        results[method] = run(method, raster, parcels, limit)
        seconds, peak, grown = results[method][:3]
        note = ""
        if limit and limit < count:
            note = f"  (run on the first {limit} parcels; time scaled to {count})"
        print(f"  {method:17s} {seconds:8.1f} s   peak {peak:7.0f} MB (+{grown:.0f} MB){note}")
    lc, rs = results["landkit-centre"], results["rasterstats"]
    lw, ee = results["landkit-coverage"], results["exactextract"]
    print(f"  rasterstats / landkit-centre time:    {rs[0] / lc[0]:6.1f}×")
    print(f"  exactextract / landkit-coverage time: {ee[0] / lw[0]:6.2f}×")
    print(f"  exactextract / landkit-centre time:   {ee[0] / lc[0]:6.2f}×")
    print(f"  centre rule vs rasterstats: {agreement(lc, rs, exact=True)}")
    print(f"  coverage vs exactextract:   {agreement(lw, ee, exact=False)}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="20000x100000",
        help="comma-separated SIDExPARCELS, e.g. 5000x100000,20000x100000",
    )
    parser.add_argument("--keep", help="folder to keep the generated data in (default: temp)")
    parser.add_argument(
        "--rasterstats-sample",
        type=int,
        default=0,
        help="run rasterstats on the first N parcels only and scale its time (default: all)",
    )
    args = parser.parse_args(argv)
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench_zonal_"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        for size in args.sizes.split(","):
            side, count = (int(v) for v in size.lower().split("x"))
            print(f"raster {side}×{side} pixels, {count} parcels:")
            bench(side, count, folder, args.rasterstats_sample)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
