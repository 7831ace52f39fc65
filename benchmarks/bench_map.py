"""Benchmark: size and load time of landkit maps of 1 000, 10 000 and 100 000 parcels.

Parcels are generated rectangles near Kunming (see ``tests/mapdata.py``): one in ten
breaks the red line and one in ten has an idle finding, the rest are compliant. For
each size the script builds the map (Leaflet inlined from the package), saves it,
and opens it in headless Chromium with no network. It prints, from one run, the time
to build and save the HTML, its size, the time from navigation to the first drawn
frame, and the features counted on the map. Budget: ≤ 25 MB and < 5 s at 100 000.

    python benchmarks/bench_map.py                       # 1000, 10000, 100000
    python benchmarks/bench_map.py --sizes 1000 10000 --flagged-every 2
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import mapdata  # noqa: E402
from cdp import COUNT_FEATURES, Browser, find_chromium  # noqa: E402

from landkit.maps import make_map  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument(
        "--flagged-every", type=int, default=10, help="one parcel in N breaks the red line"
    )
    args = parser.parse_args()
    executable = find_chromium()
    if executable is None:
        sys.exit("needs chromium (apt-get install chromium)")
    print(f"{'parcels':>8} {'build s':>8} {'HTML MB':>8} {'load s':>7} {'features':>9} errors")
    with tempfile.TemporaryDirectory() as folder, Browser(executable) as browser:
        for size in args.sizes:
            parcels = mapdata.parcels(size, flagged_every=args.flagged_every)
            park = mapdata.park(parcels)
            start = time.perf_counter()
            fmap = make_map(parks=park, parcels=parcels, basemap=None)
            path = Path(folder) / f"map_{size}.html"
            fmap.save(str(path))
            build = time.perf_counter() - start
            load = browser.open(path) / 1000
            drawn = browser.evaluate(COUNT_FEATURES)
            errors = len(browser.errors())
            size_mb = path.stat().st_size / 2**20
            print(
                f"{size:>8} {build:>8.2f} {size_mb:>8.2f} {load:>7.2f} {drawn['drawn']:>9} {errors}"
            )


if __name__ == "__main__":
    main()
