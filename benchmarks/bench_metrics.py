"""Benchmark: landkit.parcel_metrics against a plain geopandas overlay + groupby.

Parcels are squares on a grid (EPSG:4543, near Kunming); each parcel gets buildings, some of
them across the parcel line. Both methods compute the floor area and footprint per parcel;
landkit also computes every other metric and the control-indicator checks. One run of each
per size; times, their ratio and the largest difference in floor area are printed.

    python benchmarks/bench_metrics.py                 # 100 000 parcels, 300 000 buildings
    python benchmarks/bench_metrics.py --sizes 1000 10000
"""

from __future__ import annotations

import argparse
import time
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landkit.metrics import parcel_metrics

X0, Y0 = 500_000.0, 2_700_000.0
CELL = 100.0  # parcel side, m


def make_layers(n_parcels: int, buildings_per_parcel: int = 3, seed: int = 0):
    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(n_parcels)))
    i = np.arange(n_parcels)
    x, y = X0 + (i % side) * CELL, Y0 + (i // side) * CELL
    parcels = gpd.GeoDataFrame(
        {
            "parcel_id": [f"P{k}" for k in i],
            "park_id": "K1",
            "land_use": "1001",
            "industry_code": rng.choice(["26", "29", "30", "34", "39"], n_parcels),
            "invested_wan_yuan": rng.uniform(1000, 5000, n_parcels),
            "land_price_wan_yuan": rng.uniform(200, 900, n_parcels),
        },
        geometry=shapely.box(x, y, x + CELL, y + CELL),
        crs=4543,
    )
    n_b = n_parcels * buildings_per_parcel
    owner = np.repeat(i, buildings_per_parcel)
    bx = X0 + (owner % side) * CELL + rng.uniform(-10, 80, n_b)  # some cross the west line
    by = Y0 + (owner // side) * CELL + rng.uniform(0, 70, n_b)
    w, h = rng.uniform(10, 30, n_b), rng.uniform(10, 30, n_b)
    floors = rng.integers(1, 8, n_b)
    buildings = gpd.GeoDataFrame(
        {
            "building_id": [f"B{k}" for k in range(n_b)],
            "floors": floors,
            "height_m": floors * rng.uniform(3.0, 4.5, n_b),  # no storey above 8 m
        },
        geometry=shapely.box(bx, by, bx + w, by + h),
        crs=4543,
    )
    return parcels, buildings


def overlay_groupby(parcels: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame) -> pd.DataFrame:
    """The plain way: overlay, area of each piece, groupby parcel, divide by parcel area."""
    pieces = gpd.overlay(
        parcels[["parcel_id", "geometry"]],
        buildings[["floors", "geometry"]],
        how="intersection",
        keep_geom_type=True,
    )
    pieces["footprint"] = pieces.area
    pieces["floor"] = pieces["footprint"] * pieces["floors"]
    sums = pieces.groupby("parcel_id")[["floor", "footprint"]].sum()
    sums = sums.reindex(parcels["parcel_id"], fill_value=0.0)
    area = parcels.set_index("parcel_id").area
    return pd.DataFrame(
        {
            "floor_area_m2": sums["floor"],
            "plot_ratio": sums["floor"] / area,
            "building_coefficient": sums["footprint"] / area,
        }
    )


def run(n_parcels: int) -> None:
    parcels, buildings = make_layers(n_parcels)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        ours = parcel_metrics(parcels, buildings)
        t_landkit = time.perf_counter() - start
        start = time.perf_counter()
        plain = overlay_groupby(parcels, buildings)
        t_plain = time.perf_counter() - start
    diff = np.nanmax(np.abs(ours["floor_area_m2"].to_numpy() - plain["floor_area_m2"].to_numpy()))
    print(
        f"{n_parcels:>8} parcels {len(buildings):>8} buildings | landkit {t_landkit:8.2f} s | "
        f"overlay+groupby {t_plain:8.2f} s | ratio {t_plain / t_landkit:6.2f}x | "
        f"max floor-area difference {diff:.2e} m²"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000], help="parcel counts")
    args = parser.parse_args()
    for size in args.sizes:
        run(size)


if __name__ == "__main__":
    main()
