"""Zonal statistics against rasterstats (centre rule) and exactextract (coverage rule).

Every statistic a peer shares with landkit is compared on the peer's own test
rasters (``tests/data/rasterstats``) and on the sample data.
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import rasterstats
import shapely
from exactextract import exact_extract

import landkit as lk

pytestmark = pytest.mark.slow  # runs in the full suite (the README test command)

DATA = Path(__file__).parent / "data" / "rasterstats"
SAMPLE = lk.sample_data_path()
SHARED_RS = (
    "count", "sum", "mean", "min", "max", "range", "std", "median", "percentile_10",
    "percentile_90", "majority", "minority", "unique", "nodata",
)  # fmt: skip
SHARED_EE = {  # landkit name: exactextract name (and its column)
    "count": "count", "sum": "sum", "mean": "mean", "min": "min", "max": "max",
    "std": "stdev", "median": "median", "percentile_10": "quantile(q=0.1)",
    "percentile_90": "quantile(q=0.9)", "majority": "majority", "minority": "minority",
    "unique": "variety",
}  # fmt: skip
CASES = [
    (DATA / "polygons.shp", DATA / "slope.tif"),
    (DATA / "polygons.shp", DATA / "slope_nodata.tif"),
    (DATA / "polygons.shp", DATA / "slope_classes.tif"),
    (DATA / "polygons_partial_overlap.shp", DATA / "slope_nodata.tif"),
    (SAMPLE, sorted(SAMPLE.parent.glob("builtup_*.tif"))[0]),
    (SAMPLE, sorted(SAMPLE.parent.glob("builtup_*.tif"))[-1]),
]


def layer(path: Path) -> gpd.GeoDataFrame:
    """The layer's valid features (an invalid polygon's coverage is undefined)."""
    frame = lk.read_layer(path, "parcels") if path.suffix == ".gpkg" else gpd.read_file(path)
    return frame[frame.is_valid]


def column(rows: list[dict], stat: str) -> np.ndarray:
    """A rasterstats statistic; landkit's sum and unique of no pixel are 0 where it has None."""
    zero = 0 if stat in ("sum", "unique") else np.nan
    return np.array([zero if r.get(stat) is None else r[stat] for r in rows], dtype=float)


@pytest.mark.parametrize(("vectors", "raster"), CASES, ids=lambda p: p.name)
def test_centre_rule_equals_rasterstats(vectors, raster):
    features = layer(vectors)
    ours = lk.zonal_stats(features, raster, stats=SHARED_RS)
    with quiet():
        theirs = rasterstats.zonal_stats(
            features.to_crs(raster_crs(raster)), raster, stats=list(SHARED_RS)
        )
    # rasterstats has no representative pixel for parcels smaller than a pixel
    plain = ~ours["representative_pixel"].to_numpy()
    assert plain.sum() > 0
    # rasterstats counts cells off the raster as nodata; landkit counts them nowhere
    inside = features.to_crs(raster_crs(raster)).within(raster_box(raster)).to_numpy()
    for stat in SHARED_RS:
        rows = plain & inside if stat == "nodata" else plain
        got, expected = ours[stat].to_numpy(dtype=float)[rows], column(theirs, stat)[rows]
        # rasterstats sums single-precision rasters in single precision
        assert np.allclose(got, expected, rtol=1e-6, atol=1e-6, equal_nan=True), stat


@pytest.mark.parametrize(("vectors", "raster"), CASES, ids=lambda p: p.name)
def test_coverage_rule_equals_exactextract(vectors, raster):
    features = layer(vectors)
    ours = lk.zonal_stats(features, raster, stats=list(SHARED_EE), pixel_rule="coverage")
    theirs = exact_extract(
        str(raster), features.to_crs(raster_crs(raster)), list(SHARED_EE.values()), output="pandas"
    )
    theirs = theirs.rename(columns={"quantile_10": "quantile(q=0.1)", "quantile_90": "quantile(q=0.9)"})
    held = ours["count"].to_numpy() > 0
    for stat, name in SHARED_EE.items():
        got = ours[stat].to_numpy(dtype=float)
        expected = theirs[name].to_numpy(dtype=float)
        # 0 on both sides without a pixel for count, sum and unique
        held_too = np.ones(len(got), dtype=bool) if stat in ("count", "sum", "unique") else held
        # exactextract answers in single precision
        assert np.allclose(got[held_too], expected[held_too], rtol=2e-6, atol=1e-6), stat


@pytest.mark.parametrize(
    "raster", [DATA / "slope_classes.tif", *sorted(SAMPLE.parent.glob("builtup_*.tif"))],
    ids=lambda p: p.name,
)  # fmt: skip
def test_categorical_equals_both_peers(raster):
    vectors = DATA / "polygons.shp" if raster.parent == DATA else SAMPLE
    features = layer(vectors)
    moved = features.to_crs(raster_crs(raster))
    counts = lk.zonal_stats(features, raster, categorical=True)
    with quiet():
        theirs = rasterstats.zonal_stats(moved, raster, categorical=True)
    plain = ~counts.pop("representative_pixel").to_numpy()
    expected = pd.DataFrame(theirs, index=features.index).fillna(0)
    expected = expected.reindex(columns=counts.columns, fill_value=0)
    assert (counts[plain].to_numpy() == expected[plain].to_numpy()).all()
    fractions = lk.zonal_stats(features, raster, categorical=True, pixel_rule="coverage")
    ee = exact_extract(str(raster), moved, ["unique", "frac"], output="pandas")
    for k, (classes, shares) in enumerate(zip(ee["unique"], ee["frac"], strict=True)):
        row = fractions.iloc[k]
        names = [f"frac_{int(c) if float(c).is_integer() else c}" for c in classes]
        assert row[names].to_numpy() == pytest.approx(np.asarray(shares), rel=2e-6, abs=1e-7)
        assert row.drop(names).eq(0).all()  # absent classes are 0


def test_points_lines_and_nodata_tags_as_rasterstats():
    slope = DATA / "slope.tif"
    for name in ("points.shp", "lines.shp"):
        features = gpd.read_file(DATA / name)
        ours = lk.zonal_stats(features, slope, stats=("count", "mean", "median", "unique"))
        with quiet():
            theirs = rasterstats.zonal_stats(features, slope, stats="count mean median unique")
        for stat in ("count", "mean", "median", "unique"):
            assert ours[stat].to_numpy(float) == pytest.approx(column(theirs, stat)), (name, stat)
    polygons = gpd.read_file(DATA / "polygons.shp")
    ours = lk.zonal_stats(polygons, DATA / "slope_classes.tif", stats=SHARED_RS, nodata=1.0)
    with quiet():
        theirs = rasterstats.zonal_stats(
            polygons, DATA / "slope_classes.tif", stats=list(SHARED_RS), nodata=1.0
        )
    for stat in SHARED_RS:
        assert np.allclose(ours[stat].to_numpy(float), column(theirs, stat), equal_nan=True), stat


def test_arrays_as_rasterstats():
    with rasterio.open(DATA / "slope_nodata.tif") as src:
        values, affine, crs = src.read(1), src.transform, src.crs
    polygons = gpd.read_file(DATA / "polygons.shp")
    # without a nodata argument, −9999 is a value (rasterstats' test_some_nodata_ndarray)
    ours = lk.zonal_stats(polygons, values, stats=SHARED_RS, affine=affine, crs=crs)
    with quiet():
        theirs = rasterstats.zonal_stats(polygons, values, affine=affine, stats=list(SHARED_RS))
    for stat in SHARED_RS:
        assert np.allclose(ours[stat].to_numpy(float), column(theirs, stat)), stat
    assert ours["min"].tolist() == [-9999, -9999]


def raster_box(path: Path):
    with rasterio.open(path) as src:
        return shapely.box(*src.bounds)


def raster_crs(path: Path):
    with rasterio.open(path) as src:
        return src.crs


@contextmanager
def quiet():
    """rasterstats' own deprecation warnings are not under test here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield
