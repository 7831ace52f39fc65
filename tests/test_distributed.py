"""The Dask engine equals the single-process run, row for row, on the input's index.

Runs on a two-worker LocalCluster (worker processes, as on a real cluster). Without the
``landkit[dask]`` extra the tests skip locally and fail under CI (``CI=true``).
"""

from __future__ import annotations

import os
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from rasterio.transform import from_origin

import landkit as lk
from landkit.distributed import _bounds, _zone_plan, run_partitioned
from landkit.errors import GeometryRepairedWarning, InputError

pytestmark = pytest.mark.slow  # runs in the full suite (the README test command)

try:
    import dask_geopandas
    import distributed
except ImportError:  # pragma: no cover - depends on the environment
    dask_geopandas = distributed = None

RTOL = 1e-9
ZONE = "EPSG:4543"  # CGCS2000 3-degree zone, CM 102°E: 100.5°E to 103.5°E


@pytest.fixture(scope="module")
def client():
    if distributed is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("the landkit[dask] extra is not installed (required under CI)")
        pytest.skip("the landkit[dask] extra is not installed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, dashboard_address=None, silence_logs=40
        ) as cluster,
        distributed.Client(cluster, set_as_default=False) as c,
    ):
        yield c


# ----------------------------------------------------------------- generated data


def _lonlat_to_zone(lon, lat):
    points = gpd.GeoSeries(shapely.points(lon, lat), crs=4490).to_crs(ZONE)
    return points.x.to_numpy(), points.y.to_numpy()


def _parcels(n: int, seed: int, *, west: float = 103.30, east: float = 103.70) -> gpd.GeoDataFrame:
    """Boxes and triangles around Kunming's east; by default they cross the 103.5°E zone edge."""
    rng = np.random.default_rng(seed)
    x, y = _lonlat_to_zone(rng.uniform(west, east, n), rng.uniform(24.90, 25.10, n))
    w, h = rng.uniform(20, 400, n), rng.uniform(20, 400, n)
    geoms = shapely.box(x, y, x + w, y + h)
    triangles = rng.random(n) < 0.2
    geoms[triangles] = shapely.polygons(
        np.stack([[x, y], [x + w, y], [x, y + h], [x, y]], axis=1).transpose(2, 1, 0)[triangles]
    )
    geoms[3] = None
    geoms[7] = shapely.Polygon()
    geoms[11] = shapely.Polygon(
        [(x[11], y[11]), (x[11] + 50, y[11] + 50), (x[11] + 50, y[11]), (x[11], y[11] + 50)]
    )
    return gpd.GeoDataFrame(
        {"parcel_id": [f"P{i:05d}" for i in range(n)], "park_id": rng.choice(["K1", "K2"], n)},
        geometry=geoms,
        crs=ZONE,
    )


def _lines(seed: int) -> dict[str, gpd.GeoDataFrame]:
    rng = np.random.default_rng(seed)
    x, y = _lonlat_to_zone(rng.uniform(103.30, 103.70, 60), rng.uniform(24.90, 25.10, 60))
    red = shapely.buffer(shapely.points(x[:30], y[:30]), rng.uniform(200, 1500, 30))
    farm = shapely.box(x[30:], y[30:], x[30:] + 2500, y[30:] + 1200)
    cx, cy = _lonlat_to_zone(np.array([103.5]), np.array([25.0]))
    urban = (
        shapely.Point(cx[0], cy[0])
        .buffer(14000)
        .difference(shapely.Point(cx[0], cy[0]).buffer(3000))
    )
    return {
        "ecological_redline": gpd.GeoDataFrame(geometry=red, crs=ZONE),
        "basic_farmland": gpd.GeoDataFrame(geometry=farm, crs=ZONE).to_crs(4490),
        "urban_boundary": gpd.GeoDataFrame(geometry=[urban], crs=ZONE),
    }


def _raster(path, *, fraction: bool) -> str:
    """A 60 m grid over the parcels: built-up fraction (0-1) or percent with a nodata block."""
    rng = np.random.default_rng(5)
    (x0, x1), (y0, y1) = _lonlat_to_zone(np.array([103.28, 103.72]), np.array([25.12, 24.88]))
    cols, rows = int((x1 - x0) // 60), int((y0 - y1) // 60)
    if fraction:
        data = rng.random((rows, cols)).astype("float32")
        dtype, nodata = "float32", -1.0
    else:
        data = rng.integers(0, 101, (rows, cols)).astype("uint8")
        dtype, nodata = "uint8", 255
    data[:40, :40] = nodata
    profile = {"driver": "GTiff", "width": cols, "height": rows, "count": 1, "dtype": dtype}
    profile.update(crs=ZONE, transform=from_origin(x0, y0, 60, 60), nodata=nodata)
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)
    return str(path)


def _idle_parcels(n: int, seed: int) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    parcels = _parcels(n, seed)
    parcels.loc[11, "geometry"] = shapely.box(*parcels.geometry[11].bounds)  # no bow-tie here
    days = pd.to_datetime("2020-01-01") + pd.to_timedelta(rng.integers(0, 2500, n), unit="D")
    parcels["agreed_start_date"] = days
    parcels["start_status"] = rng.choice(
        np.array(["started", "not_started", None], dtype=object), n
    )
    halted = rng.random(n) < 0.4
    parcels["halted_since"] = days.where(~halted, days + pd.to_timedelta(400, unit="D")).where(
        halted
    )
    parcels["planned_investment_wan_yuan"] = rng.uniform(1000, 9000, n)
    parcels["invested_wan_yuan"] = parcels["planned_investment_wan_yuan"] * rng.uniform(0, 1, n)
    parcels["land_price_wan_yuan"] = np.where(rng.random(n) < 0.1, np.nan, rng.uniform(100, 900, n))
    parcels["developed_area_m2"] = rng.uniform(0, 20000, n)
    parcels["delay_cause"] = np.where(rng.random(n) < 0.05, "land_not_delivered", None)
    return parcels


def _with_index(frame: pd.DataFrame, flavour: str) -> pd.DataFrame:
    if flavour == "shuffled":
        return frame.sample(frac=1.0, random_state=1)
    if flavour == "string":
        return frame.set_index(frame["parcel_id"].rename("key"))
    return frame


def assert_same(dask_result: pd.DataFrame, single: pd.DataFrame) -> None:
    """Row for row: same index and order, numbers to 1e-9 relative, all else exactly."""
    assert type(dask_result) is type(single)
    assert dask_result.index.equals(single.index)
    assert list(dask_result.columns) == list(single.columns)
    if isinstance(single, gpd.GeoDataFrame):
        assert dask_result.crs == single.crs
        left, right = dask_result.geometry.values, single.geometry.values
        assert (
            shapely.equals_exact(left, right, 0)
            | (shapely.is_missing(left) & shapely.is_missing(right))
        ).all()
        dask_result, single = (
            pd.DataFrame(dask_result).drop(columns=single.geometry.name),
            pd.DataFrame(single).drop(columns=single.geometry.name),
        )
    pd.testing.assert_frame_equal(dask_result, single, check_exact=False, rtol=RTOL, atol=0)


# ------------------------------------------------------------------------- tests


@pytest.mark.parametrize("flavour", ["default", "shuffled", "string"])
def test_three_line_check_equals_single_process(client, flavour):
    parcels = _with_index(_parcels(1500, 1), flavour)
    lines = _lines(2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeometryRepairedWarning)
        single = lk.check_three_lines(parcels, lines, id_col="parcel_id")
        dask = lk.check_three_lines(
            parcels, lines, id_col="parcel_id", engine="dask", scheduler=client
        )
    assert_same(dask, single)
    assert (single["status"] == "violation").sum() > 50  # the data exercise every path
    assert set(single["status"]) == {"compliant", "violation", "no_geometry"}
    assert dask.attrs["landkit_provenance"]["engine"].startswith("dask")


@pytest.mark.parametrize("npartitions", [1, 6])
def test_a_layer_spanning_two_zones_keeps_per_feature_zones_in_every_partition(client, npartitions):
    parcels = _parcels(1500, 3)
    chunks = np.array_split(np.argsort(parcels.geometry.bounds["minx"].to_numpy()), 6)
    plan = _zone_plan([_bounds(parcels.iloc[c]) for c in chunks], parcels.crs)
    assert not all(plan) and any(plan)  # the western partitions alone would fit the layer's zone
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeometryRepairedWarning)
        single = lk.check_three_lines(parcels, _lines(4))
        dask = run_partitioned(
            lk.check_three_lines, parcels, _lines(4), scheduler=client, npartitions=npartitions
        )
    assert_same(dask, single)
    assert single.attrs["landkit_provenance"]["area_crs"] == "EPSG:4543; EPSG:4544"


def test_a_layer_inside_its_zone_and_a_lonlat_layer(client):
    inside = _parcels(800, 5, west=102.9, east=103.4)
    chunks = np.array_split(np.arange(len(inside)), 4)
    assert _zone_plan([_bounds(inside.iloc[c]) for c in chunks], inside.crs) == [False] * 4
    for parcels in (inside, _parcels(800, 6).to_crs(4490)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", GeometryRepairedWarning)
            single = lk.check_three_lines(parcels, _lines(7))
            dask = lk.check_three_lines(parcels, _lines(7), engine="dask", scheduler=client)
        assert_same(dask, single)


@pytest.mark.parametrize("pixel_rule", ["centre", "all_touched", "coverage"])
def test_zonal_stats_equal_single_process(client, tmp_path, pixel_rule):
    raster = _raster(tmp_path / "builtup.tif", fraction=False)
    parcels = _with_index(_parcels(1200, 8), "shuffled")
    present = ~(parcels.geometry.isna() | parcels.geometry.is_empty)
    parcels = parcels[present & parcels.is_valid]
    stats = ("count", "sum", "mean", "min", "max", "std", "nodata")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeometryRepairedWarning)
        single = lk.zonal_stats(parcels, raster, stats=stats, pixel_rule=pixel_rule)
        dask = lk.zonal_stats(
            parcels, raster, stats=stats, pixel_rule=pixel_rule, engine="dask", scheduler=client
        )
    assert_same(dask, single)
    assert single["mean"].notna().sum() > 1000


@pytest.mark.parametrize("flavour", ["default", "string"])
def test_detect_idle_equals_single_process(client, tmp_path, flavour):
    raster = _raster(tmp_path / "builtup.tif", fraction=True)
    parcels = _with_index(_idle_parcels(1200, 9), flavour)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeometryRepairedWarning)
        single = lk.detect_idle(parcels, as_of="2026-11-01", builtup=raster)
        dask = lk.detect_idle(
            parcels, as_of="2026-11-01", builtup=raster, engine="dask", scheduler=client
        )
    assert_same(dask, single)
    assert single["idle_status"].nunique() >= 5


@pytest.mark.slow
def test_a_dask_geodataframe_is_accepted(client):
    parcels = _parcels(1000, 10)
    lines = _lines(11)
    # Dask turns text columns into its own string dtype: compare with the same frame in memory
    plain = dask_geopandas.from_geopandas(parcels, npartitions=3)
    present = parcels[~(parcels.geometry.isna() | parcels.geometry.is_empty)]
    shuffled = dask_geopandas.from_geopandas(present, npartitions=3).spatial_shuffle()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeometryRepairedWarning)
        # partitions without spatial information: gathered and partitioned spatially
        from_plain = lk.check_three_lines(plain, lines, scheduler=client)
        # spatially shuffled partitions are kept (the shuffle replaces the index)
        from_shuffled = lk.check_three_lines(shuffled, lines, scheduler=client)
        single_plain = lk.check_three_lines(plain.compute(), lines)
        single_shuffled = lk.check_three_lines(shuffled.compute(), lines)
    assert from_plain.index.equals(parcels.index)
    assert_same(from_plain, single_plain)
    assert_same(from_shuffled, single_shuffled)


def test_worker_warnings_come_back_once(client):
    parcels = _parcels(600, 12)  # one invalid geometry, repaired with a warning
    with pytest.warns(GeometryRepairedWarning, match="repaired") as caught:
        lk.check_three_lines(parcels, {}, engine="dask", scheduler=client)
    assert sum("repaired" in str(w.message) for w in caught) == 1


def test_errors_on_workers_keep_their_type(client):
    parcels = _parcels(300, 13)
    with pytest.raises(InputError, match="unknown line layer"):
        run_partitioned(
            lk.check_three_lines, parcels, {"red": parcels}, scheduler=client, npartitions=2
        )


def test_an_unknown_engine_is_refused():
    with pytest.raises(InputError, match="engine must be one of"):
        lk.check_three_lines(_parcels(20, 14), {}, engine="spark")


@pytest.mark.slow
def test_a_local_cluster_is_started_without_a_scheduler(client):
    parcels = _parcels(200, 15)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeometryRepairedWarning)
        single = lk.check_three_lines(parcels, _lines(16))
        dask = lk.check_three_lines(parcels, _lines(16), engine="dask")
    assert_same(dask, single)


def test_empty_input_runs_locally(client):
    empty = _parcels(20, 17).iloc[:0]
    assert_same(
        lk.check_three_lines(empty, _lines(18), engine="dask", scheduler=client),
        lk.check_three_lines(empty, _lines(18)),
    )


@pytest.mark.slow
def test_the_sample_equals_single_process_through_a_scheduler_address(
    client, sample_path, sample_parcels, sample_rasters
):
    path, parcels, rasters = sample_path, sample_parcels, sample_rasters
    address = client.scheduler.address
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeometryRepairedWarning)
        checks = [
            (
                run_partitioned(
                    lk.check_three_lines,
                    parcels,
                    path,
                    id_col="parcel_id",
                    scheduler=address,
                    npartitions=4,
                ),
                lk.check_three_lines(parcels, path, id_col="parcel_id"),
            ),
            (
                lk.detect_idle(
                    parcels, as_of="2026-11-01", builtup=rasters, engine="dask", scheduler=address
                ),
                lk.detect_idle(parcels, as_of="2026-11-01", builtup=rasters),
            ),
            (
                lk.zonal_stats(
                    parcels,
                    rasters["2025-06-30"],
                    pixel_rule="coverage",
                    engine="dask",
                    scheduler=address,
                ),
                lk.zonal_stats(parcels, rasters["2025-06-30"], pixel_rule="coverage"),
            ),
        ]
    for dask, single in checks:
        assert_same(dask, single)


def test_detect_idle_on_a_table_without_geometry(client):
    table = pd.DataFrame(_idle_parcels(900, 19).drop(columns="geometry"))
    single = lk.detect_idle(table, as_of="2026-11-01")
    dask = run_partitioned(
        lk.detect_idle, table, scheduler=client, npartitions=4, as_of="2026-11-01"
    )
    assert_same(dask, single)
    assert dask.attrs["landkit_provenance"]["engine"] == "dask (4 partitions)"
