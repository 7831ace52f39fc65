"""Province-scale benchmark: the three-line check in one process, on Dask, and in PostGIS.

For each size, one run of the same generated data (the parcels and line layers
of ``bench_three_lines.py``) prints:

* landkit in one process (``check_three_lines``);
* landkit on a Dask LocalCluster of ``--workers`` single-threaded worker
  processes (``engine="dask"``; the time includes sending the parcels to the
  workers and the results back; the cluster's start-up is printed once);
* the same check as one PostGIS query: each line layer dissolved and cut into
  pieces of at most 256 vertices (``ST_Union``, ``ST_Subdivide``, GiST index),
  then per parcel the sum of ``ST_Area(ST_Intersection(parcel, piece))`` over
  the pieces it meets (the whole parcel's area where a piece covers it), and
  the area outside the urban boundary as the parcel's area minus the part
  inside; the time covers the dissolve, the index and the query with its rows
  fetched. Loading the layers with ``landkit.write_layer`` is timed apart.

and the ratios, with the largest differences between the three results
(relative for areas; parcels whose status differs).

The PostGIS part needs a server URL (``--postgis`` or ``LANDKIT_TEST_POSTGIS_URL``,
e.g. from ``eval "$(bash .ci/postgis.sh)"``); without one it is skipped and
says so. Its tables go into a schema ``landkit_bench``, dropped at the end.

Usage::

    python benchmarks/bench_scale.py --sizes 10000,100000,1000000
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import landkit as lk
from landkit.constraints import LINE_KEYS, line_columns

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_three_lines import PITCH, make_lines, make_parcels

SCHEMA = "landkit_bench"
TOLERANCE_M2 = 1.0


def _sql(url: str, statement: str) -> list | None:
    import sqlalchemy as sa

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.begin() as conn:
            cursor = conn.connection.driver_connection.execute(statement)
            return cursor.fetchall() if cursor.description else None
    finally:
        engine.dispose()


def _postgis_query() -> str:
    def inside(key: str) -> str:
        return (
            f"COALESCE((SELECT SUM(CASE WHEN ST_Covers(l.geom, p.geometry) THEN ST_Area(p.geometry) "
            f"ELSE ST_Area(ST_Intersection(p.geometry, l.geom)) END) FROM {SCHEMA}.{key}_parts l "
            f"WHERE ST_Intersects(l.geom, p.geometry)), 0)"
        )

    return (
        f"SELECT p.parcel_id, ST_Area(p.geometry) AS area_m2, "
        f"{inside('ecological_redline')} AS ecological_redline_m2, "
        f"{inside('basic_farmland')} AS basic_farmland_m2, "
        f"ST_Area(p.geometry) - {inside('urban_boundary')} AS outside_urban_boundary_m2 "
        f"FROM {SCHEMA}.parcels p"
    )


def run_postgis(url: str, parcels, lines) -> tuple[pd.DataFrame, float, float]:
    """Load the layers (timed apart), then dissolve, subdivide, index and query (timed)."""
    _sql(url, f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE; CREATE SCHEMA {SCHEMA}")
    start = time.perf_counter()
    lk.write_layer(parcels, url, f"{SCHEMA}.parcels")
    for key, layer in lines.items():
        lk.write_layer(layer, url, f"{SCHEMA}.{key}")
    _sql(url, f"ANALYZE {SCHEMA}.parcels")
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    for key in lines:
        _sql(
            url,
            f"CREATE TABLE {SCHEMA}.{key}_parts AS SELECT ST_Subdivide(ST_Union(geometry), 256) AS geom "
            f"FROM {SCHEMA}.{key}; CREATE INDEX ON {SCHEMA}.{key}_parts USING GIST (geom); "
            f"ANALYZE {SCHEMA}.{key}_parts",
        )
    rows = _sql(url, _postgis_query())
    query_s = time.perf_counter() - start
    columns = ["parcel_id", "area_m2", *(line_columns(k)[0] for k in LINE_KEYS)]
    result = pd.DataFrame(rows, columns=columns).set_index("parcel_id")
    return result.astype(float), load_s, query_s


def _status(frame: pd.DataFrame) -> np.ndarray:
    columns = [line_columns(k)[0] for k in LINE_KEYS]
    return (frame[columns].to_numpy(dtype=float) >= TOLERANCE_M2).any(axis=1)


def _differences(left: pd.DataFrame, right: pd.DataFrame) -> str:
    """Largest area difference: in m², relative to the value, relative to the parcel's area."""
    columns = ["area_m2", *(line_columns(k)[0] for k in LINE_KEYS)]
    a, b = left[columns].to_numpy(dtype=float), right[columns].to_numpy(dtype=float)
    diff = np.abs(a - b)
    scale = np.maximum(np.abs(a), np.abs(b))
    relative = np.divide(diff, scale, out=np.zeros_like(diff), where=scale > 0)
    area = np.maximum(a[:, :1], b[:, :1])
    of_area = np.divide(diff, area, out=np.zeros_like(diff), where=area > 0)
    big = scale >= TOLERANCE_M2
    return (
        f"max diff {np.nanmax(diff):.1e} m², relative {np.nanmax(relative):.1e} "
        f"({np.nanmax(relative[big], initial=0):.1e} on areas ≥ {TOLERANCE_M2:g} m²), "
        f"{np.nanmax(of_area):.1e} of the parcel's area"
    )


def run(n: int, client, url: str | None) -> dict:
    parcels = make_parcels(n)
    lines = make_lines(np.ceil(np.sqrt(n)) * PITCH)
    row: dict = {"n": n}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        single = lk.check_three_lines(parcels, lines, id_col="parcel_id")
        row["single_s"] = time.perf_counter() - start
        start = time.perf_counter()
        dask = lk.check_three_lines(
            parcels, lines, id_col="parcel_id", engine="dask", scheduler=client
        )
        row["dask_s"] = time.perf_counter() - start
    row["partitions"] = dask.attrs["landkit_provenance"]["engine"]
    row["dask_diff"] = _differences(dask, single)
    row["dask_status"] = int((dask["status"] != single["status"]).sum())
    row["violations"] = int((single["status"] == "violation").sum())
    if url:
        database, row["load_s"], row["postgis_s"] = run_postgis(url, parcels, lines)
        ours = single.set_index("parcel_id").loc[database.index]
        row["postgis_diff"] = _differences(database, ours)
        row["postgis_status"] = int((_status(database) != _status(ours)).sum())
    return row


def _print(row: dict) -> None:
    n = row["n"]
    print(
        f"{n:>9} parcels ({row['violations']} in violation; Dask {row['partitions']})\n"
        f"    one process         {row['single_s']:>9.2f} s\n"
        f"    Dask LocalCluster   {row['dask_s']:>9.2f} s   one process / Dask = "
        f"{row['single_s'] / row['dask_s']:.2f}\n"
        f"        {row['dask_diff']}; status differs: {row['dask_status']}"
    )
    if "postgis_s" in row:
        print(
            f"    PostGIS query       {row['postgis_s']:>9.2f} s   PostGIS / one process = "
            f"{row['postgis_s'] / row['single_s']:.2f}\n"
            f"        {row['postgis_diff']}; status differs: {row['postgis_status']}\n"
            f"    (loading into PostGIS with write_layer {row['load_s']:.2f} s, not counted)"
        )
    sys.stdout.flush()


def main(argv=None) -> None:
    from distributed import Client, LocalCluster

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000", help="comma-separated parcel counts")
    parser.add_argument("--workers", type=int, default=2, help="Dask worker processes")
    parser.add_argument("--postgis", default=os.environ.get("LANDKIT_TEST_POSTGIS_URL"))
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if not args.postgis:
        print("PostGIS: skipped (no --postgis URL and LANDKIT_TEST_POSTGIS_URL is not set)")
    start = time.perf_counter()
    with (
        LocalCluster(
            n_workers=args.workers, threads_per_worker=1, dashboard_address=None, silence_logs=50
        ) as cluster,
        Client(cluster) as client,
    ):
        print(
            f"Dask LocalCluster: {args.workers} workers × 1 thread, started in "
            f"{time.perf_counter() - start:.1f} s; machine: {os.cpu_count()} CPUs"
        )
        try:
            for n in sizes:
                _print(run(n, client, args.postgis))
        finally:
            if args.postgis:
                _sql(args.postgis, f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")


if __name__ == "__main__":
    main()
