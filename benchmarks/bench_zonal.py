"""Benchmark: landkit.zonal_stats against rasterstats and exactextract, side by side.

Generates, in a temporary folder, a tiled uint8 GeoTIFF (built-up percent
0–100, nodata 255, 10 m pixels in EPSG:4543) of SIDE × SIDE pixels and N
parcels (non-overlapping rotated rectangles from under one pixel to a few
hundred metres across), then runs, each in a fresh process and REPEATS times
with the methods interleaved:

* count + mean: landkit's coverage rule and exactextract (the same rule);
* categorical counts: landkit (centre rule) and rasterstats' categorical mode;
* count + mean: landkit's centre rule and rasterstats (the same rule);

and prints each method's median time (and every run), the peak resident
memory of its process (and the increase after loading the parcels), the ratios
of the medians, and how far the matching pairs agree. rasterstats, by far the
slowest, runs on the first ``--rasterstats-sample`` parcels with its time scaled.

Needs the ``bench`` extra (``pip install landkit[bench]``).

Usage::

    python benchmarks/bench_zonal.py --sizes 20000x100000 --repeats 3
    python benchmarks/bench_zonal.py --sizes 2000x2000 --keep /tmp/zonal --rasterstats-sample 0
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
    import warnings

    import geopandas as gpd
    import pandas as pd

    warnings.simplefilter("ignore")  # rasterstats' and shapely's deprecation notices
    frame = gpd.read_parquet(parcels)
    total = len(frame)
    import exactextract  # noqa: F401  (imports outside the measured memory and time)
    import rasterstats

    import landkit  # noqa: F401

    if method.startswith("rasterstats") and limit:
        frame = frame.iloc[:limit]
    before = _rss_mb()
    start = time.perf_counter()
    if method == "landkit-categorical":
        from landkit import zonal_stats

        table = zonal_stats(frame, raster, categorical=True)
    elif method == "rasterstats-categorical":
        rows = rasterstats.zonal_stats(list(frame.geometry), raster, categorical=True)
        table = pd.DataFrame(rows, index=frame.index).fillna(0).astype("int64")
    elif method.startswith("landkit"):
        from landkit import zonal_stats

        rule = "coverage" if method == "landkit-coverage" else "centre"
        table = zonal_stats(frame, raster, stats=("count", "mean"), pixel_rule=rule)
    elif method == "rasterstats":
        rows = rasterstats.zonal_stats(list(frame.geometry), raster, stats=["count", "mean"])
        table = pd.DataFrame(rows, index=frame.index)[["count", "mean"]].astype(float)
    else:
        from exactextract import exact_extract

        table = exact_extract(raster, frame, ["count", "mean"], output="pandas")
        table.index = frame.index
    seconds = time.perf_counter() - start
    if len(frame) < total:
        seconds *= total / len(frame)  # extrapolated to every parcel
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put((seconds, peak, peak - before, table))


def run(method: str, raster: Path, parcels: Path, limit: int = 0) -> tuple:
    """Run one method in a fresh process; return time, peak MB, increase MB and its table."""
    context = mp.get_context("spawn")
    queue = context.Queue()
    args = (method, str(raster), str(parcels), limit, queue)
    process = context.Process(target=_run, args=args)
    process.start()
    result = queue.get()
    process.join()
    return result


def agreement(ours, theirs, *, exact: bool) -> str:
    """How far two tables agree on the parcels and columns both have.

    Parcels smaller than a pixel are left out: under the centre rule landkit
    gives them the pixel under them, rasterstats no pixel.
    """
    rows = ours.index.intersection(theirs.index)
    tiny = 0
    if "representative_pixel" in ours.columns:
        small = ours.loc[rows, "representative_pixel"].to_numpy(bool)
        rows, tiny = rows[~small], int(small.sum())
    columns = [c for c in theirs.columns if c in ours.columns]
    a = ours.loc[rows, columns].to_numpy(float)
    b = theirs.loc[rows, columns].to_numpy(float)
    both = ~np.isnan(a) & ~np.isnan(b)
    only = int((np.isnan(a) != np.isnan(b)).sum())
    diff = np.abs(a - b)[both]
    if exact:
        same = int((diff <= 1e-9 * np.maximum(1, np.abs(b[both]))).sum())
        summary = f"{same} of {int(both.sum())} values identical"
    else:
        summary = f"max |Δ| {diff.max():.1e} over {int(both.sum())} values"
    summary += f" ({len(rows)} parcels); NaN on one side only: {only}"
    return summary + (f"; {tiny} parcels under a pixel left out" if tiny else "")


METHODS = (
    "landkit-coverage",
    "exactextract",
    "landkit-categorical",
    "rasterstats-categorical",
    "landkit-centre",
    "rasterstats",
)
RATIOS = (  # (slower peer, landkit, target)
    ("exactextract", "landkit-coverage", 8.0),
    ("rasterstats-categorical", "landkit-categorical", 10.0),
    ("rasterstats", "landkit-centre", None),
)


def bench(side: int, count: int, folder: Path, sample: int, repeats: int) -> None:
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
    times = {m: [] for m in METHODS}
    results = {}
    for repeat in range(repeats):  # methods interleaved, so load changes hit all alike
        for method in METHODS:
            limit = sample if method.startswith("rasterstats") else 0
            seconds, peak, grown, table = run(method, raster, parcels, limit)
            times[method].append(seconds)
            results[method] = (peak, grown, table)
        print(f"  repeat {repeat + 1} of {repeats} done")
    median = {m: float(np.median(t)) for m, t in times.items()}
    for method in METHODS:
        peak, grown, _ = results[method]
        note = ""
        if method.startswith("rasterstats") and sample and sample < count:
            note = f"  (first {sample} parcels; time scaled to {count})"
        runs = " ".join(f"{t:.1f}" for t in times[method])
        print(
            f"  {method:24s} median {median[method]:8.2f} s  [{runs}]  "
            f"peak {peak:6.0f} MB (+{grown:.0f} MB){note}"
        )
    for peer, ours, target in RATIOS:
        goal = f"  (target ≥ {target:g}×)" if target else ""
        print(f"  {peer} / {ours}: {median[peer] / median[ours]:6.1f}×{goal}")
    table = {m: r[2] for m, r in results.items()}
    print(f"  centre vs rasterstats:     {agreement(table['landkit-centre'], table['rasterstats'], exact=True)}")
    print(f"  coverage vs exactextract:  {agreement(table['landkit-coverage'], table['exactextract'], exact=False)}")
    print(
        "  categorical vs rasterstats: "
        + agreement(table["landkit-categorical"], table["rasterstats-categorical"], exact=True)
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="20000x100000",
        help="comma-separated SIDExPARCELS, e.g. 5000x100000,20000x100000",
    )
    parser.add_argument("--keep", help="folder to keep the generated data in (default: temp)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each method (default 3)")
    parser.add_argument(
        "--rasterstats-sample",
        type=int,
        default=10000,
        help="run rasterstats on the first N parcels and scale its time (0: all; default 10000)",
    )
    args = parser.parse_args(argv)
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench_zonal_"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        for size in args.sizes.split(","):
            side, count = (int(v) for v in size.lower().split("x"))
            print(f"raster {side}×{side} pixels, {count} parcels:")
            bench(side, count, folder, args.rasterstats_sample, args.repeats)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
