"""Zonal statistics: paper cases, rasterstats' expectations and a second method."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import rasterio.mask
import shapely
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from rasterio.transform import Affine
from shapely.geometry import box

from landkit.errors import CRSError, DataWarning, GeometryRepairedWarning, InputError
from landkit.raster import builtup_fraction, guess_builtup_scale, zonal_stats
from landkit.raster import pixels as lkpixels
from landkit.raster import source as lksource
from landkit.raster import stats as lkstats
from landkit.raster import zonal as lkzonal

DATA = Path(__file__).parent / "data" / "rasterstats"
ALL_STATS = ("count", "sum", "mean", "min", "max", "std", "range", "nodata")
NINE = np.arange(1, 10, dtype="float32").reshape(3, 3)  # 1 … 9, row 0 on top
UNIT = Affine(1, 0, 0, 0, -1, 3)  # covers x 0–3, y 0–3; value 7 is bottom-left


def write_raster(path, array, transform=UNIT, *, crs="EPSG:4543", nodata=None, **options):
    profile = {
        "driver": "GTiff",
        "height": array.shape[0],
        "width": array.shape[1],
        "count": 1,
        "dtype": str(array.dtype),
        "transform": transform,
        "crs": crs,
        "nodata": nodata,
        **options,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(array, 1)
    return path


def frame(*geoms, crs="EPSG:4543", index=None):
    return gpd.GeoDataFrame(geometry=list(geoms), crs=crs, index=index)


@pytest.fixture
def nine(tmp_path):
    return write_raster(tmp_path / "nine.tif", NINE)


# --------------------------------------------------------------- paper cases


def test_square_on_3x3_under_each_pixel_rule(nine):
    square = frame(box(0.5, 0.5, 2.5, 2.5))
    centre = zonal_stats(square, nine, stats=("count", "mean", "min", "max"))
    # centres on the square's edges count on the right and top sides only (GDAL's
    # half-open rule): cells 2, 3, 5, 6, 8, 9
    assert centre.loc[0, ["count", "mean", "min", "max"]].tolist() == [6, 5.5, 2, 9]
    touched = zonal_stats(square, nine, stats=("count", "mean"), pixel_rule="all_touched")
    assert touched.loc[0].tolist() == [9, 5]
    # coverage [0.25, .5, .25, .5, 1, .5, .25, .5, .25] sums to 4; weighted mean 5
    covered = zonal_stats(square, nine, stats=("count", "mean", "sum"), pixel_rule="coverage")
    assert covered.loc[0, "count"] == pytest.approx(4.0)
    assert covered.loc[0, "mean"] == pytest.approx(5.0)
    assert covered.loc[0, "sum"] == pytest.approx(20.0)


def test_rectangle_of_whole_cells(nine):
    bottom = frame(box(0, 0, 2, 1))  # cells 7 and 8 exactly
    for rule in ("centre", "coverage"):
        result = zonal_stats(bottom, nine, stats=("count", "mean", "std"), pixel_rule=rule)
        assert result.loc[0, "count"] == pytest.approx(2)
        assert result.loc[0, "mean"] == pytest.approx(7.5)
        assert result.loc[0, "std"] == pytest.approx(0.5)


def test_parcel_smaller_than_a_pixel_takes_the_pixel_under_it(nine):
    tiny = frame(box(0.1, 0.1, 0.4, 0.4), box(1.6, 2.2, 1.9, 2.3))  # inside cells 7 and 2
    centre = zonal_stats(tiny, nine, stats=("count", "mean"))
    assert centre["mean"].tolist() == [7, 2]
    assert centre["count"].tolist() == [1, 1]
    assert centre["representative_pixel"].all()
    covered = zonal_stats(tiny, nine, stats=("count", "mean"), pixel_rule="coverage")
    assert covered["count"].tolist() == pytest.approx([0.09, 0.03])
    assert covered["mean"].tolist() == pytest.approx([7, 2])


def test_partial_and_no_overlap(nine):
    features = frame(box(2, 2, 4, 4), box(10, 10, 11, 11), box(2.6, -1, 5, 0.4))
    result = zonal_stats(features, nine, stats=("count", "mean"))
    assert result.loc[0].tolist()[:2] == [1, 3]  # only cell 3 lies on the raster
    assert result.loc[1, "count"] == 0 and np.isnan(result.loc[1, "mean"])
    # the third holds no pixel centre; its representative point lies off the raster
    assert result.loc[2, "count"] == 0 and not result.loc[2, "representative_pixel"]
    covered = zonal_stats(features, nine, stats=("count", "mean"), pixel_rule="coverage")
    assert covered["count"].tolist() == pytest.approx([1, 0, 0.4 * 0.4])
    assert covered.loc[2, "mean"] == pytest.approx(9)


def test_nodata_is_left_out_and_counted(tmp_path):
    values = NINE.copy()
    values[1, 1] = -1  # the centre cell (5)
    path = write_raster(tmp_path / "holes.tif", values, nodata=-1)
    square = frame(box(0.5, 0.5, 2.5, 2.5))
    covered = zonal_stats(square, path, stats=("count", "mean", "nodata"), pixel_rule="coverage")
    # weights 0.25 on 1, 3, 7, 9 and 0.5 on 2, 4, 6, 8: (5 + 10) / 3
    assert covered.loc[0].tolist() == pytest.approx([3, 5, 1])
    centre = zonal_stats(square, path, stats=("count", "mean", "nodata"))
    assert centre.loc[0, ["count", "nodata"]].tolist() == [5, 1]
    assert centre.loc[0, "mean"] == pytest.approx((2 + 3 + 6 + 8 + 9) / 5)
    # nodata= replaces the tag: -1 becomes a value and 9 the nodata
    other = zonal_stats(square, path, stats=("count", "nodata", "min"), nodata=9)
    assert other.loc[0].tolist()[:3] == [5, 1, -1]


def test_nan_cells_are_nodata(tmp_path):
    values = NINE.copy()
    values[0, :] = np.nan
    path = write_raster(tmp_path / "nan.tif", values)
    result = zonal_stats(frame(box(0, 0, 3, 3)), path, stats=("count", "nodata", "mean"))
    assert result.loc[0].tolist()[:3] == [6, 3, 6.5]


def test_overlapping_features_each_get_their_own_pixels(nine):
    features = frame(box(0, 0, 3, 3), box(0, 0, 2, 2), box(1, 1, 3, 3))
    result = zonal_stats(features, nine, stats=("count", "sum"))
    assert result["count"].tolist() == [9, 4, 4]
    assert result["sum"].tolist() == [45, 4 + 5 + 7 + 8, 2 + 3 + 5 + 6]


def test_points_in_one_pixel_all_count(nine):
    points = frame(shapely.Point(0.2, 0.2), shapely.Point(0.7, 0.8), shapely.Point(2.5, 2.5))
    result = zonal_stats(points, nine, stats=("count", "mean"))
    assert result["count"].tolist() == [1, 1, 1]
    assert result["mean"].tolist()[:2] == [7, 7]


def test_result_keeps_the_index_and_order(nine):
    features = frame(box(0, 0, 1, 1), None, box(2, 2, 3, 3), index=["z", "a", "m"])
    result = zonal_stats(features, nine, stats=("mean",))
    assert list(result.index) == ["z", "a", "m"]
    assert result["mean"].tolist()[0] == 7 and np.isnan(result.loc["a", "mean"])
    assert result.loc["m", "mean"] == 3


# ------------------------------------------------------------------ CRS


def test_features_are_reprojected_to_the_raster_crs(tmp_path):
    # a 10 m grid in CGCS2000 3-degree GK CM 102°E (EPSG:4543) near Kunming
    transform = Affine(10, 0, 570_000, 0, -10, 2_770_000)
    values = np.arange(100, dtype="float32").reshape(10, 10)
    path = write_raster(tmp_path / "gk.tif", values, transform, crs="EPSG:4543")
    parcels = frame(box(570_012, 2_769_922, 570_058, 2_769_968), crs="EPSG:4543")
    direct = zonal_stats(parcels, path, stats=("count", "mean"))
    moved = zonal_stats(parcels.to_crs("EPSG:4490"), path, stats=("count", "mean"))
    assert direct.loc[0, "count"] == 5 * 5
    assert moved.loc[0].tolist()[:2] == pytest.approx(direct.loc[0].tolist()[:2])


def test_the_features_are_not_modified(tmp_path):
    transform = Affine(10, 0, 570_000, 0, -10, 2_770_000)
    path = write_raster(tmp_path / "gk.tif", np.ones((10, 10), dtype="float32"), transform)
    parcels = frame(box(570_012, 2_769_922, 570_058, 2_769_968), None, crs="EPSG:4543").to_crs(4490)
    parcels["name"] = ["甲", "乙"]
    before = parcels.copy()
    zonal_stats(parcels, path, stats=("count", "mean"), pixel_rule="coverage")
    pd.testing.assert_frame_equal(parcels, before)
    assert parcels.crs.to_epsg() == 4490 and list(parcels.columns) == ["geometry", "name"]


def test_mismatched_crs_is_reported_not_silent():
    # rasterstats' multipolygons.prj declares WGS 84 degrees for metre coordinates
    shapes = gpd.read_file(DATA / "multipolygons.shp")
    with pytest.raises(CRSError, match="declare the layer's true CRS"):
        zonal_stats(shapes, DATA / "slope.tif")
    wrong = frame(box(102.7, 25.0, 102.8, 25.1), crs="EPSG:4326")
    with pytest.warns(DataWarning, match="overlaps raster"):
        zonal_stats(wrong, DATA / "slope.tif")


def test_missing_crs_raises(tmp_path, nine):
    with pytest.raises(CRSError, match="features"):
        zonal_stats(frame(box(0, 0, 1, 1), crs=None), nine)
    bare = write_raster(tmp_path / "bare.tif", NINE, crs=None)
    with pytest.raises(CRSError, match="no coordinate reference system"):
        zonal_stats(frame(box(0, 0, 1, 1)), bare)


def test_bad_arguments(nine, tmp_path):
    square = frame(box(0, 0, 1, 1))
    with pytest.raises(InputError, match="unknown statistics"):
        zonal_stats(square, nine, stats=("mode",))
    with pytest.raises(InputError, match="pixel_rule"):
        zonal_stats(square, nine, pixel_rule="exact")
    with pytest.raises(InputError, match="band 2"):
        zonal_stats(square, nine, band=2)
    with pytest.raises(InputError, match="cannot be read"):
        zonal_stats(square, tmp_path / "missing.tif")
    with pytest.raises(InputError, match="needs polygons"):
        zonal_stats(frame(shapely.Point(1, 1)), nine, pixel_rule="coverage")


# ------------------------------------------------- rasterstats' expectations


def polygons():
    return gpd.read_file(DATA / "polygons.shp")


def same_crs(name):
    """A rasterstats layer whose .prj is wrong (WGS 84), given the raster's CRS."""
    return gpd.read_file(DATA / name).set_crs(polygons().crs, allow_override=True)


@pytest.mark.slow
def test_rasterstats_main_and_nodata_argument():
    result = zonal_stats(polygons(), DATA / "slope.tif", stats=("count", "mean"))
    assert result["count"].tolist() == [75, 50]
    assert round(result.loc[0, "mean"], 2) == 14.66
    zero = zonal_stats(polygons(), DATA / "slope.tif", stats=("count",), nodata=0)
    assert zero["count"].tolist() == [75, 50]


def test_rasterstats_recomputed_full_statistics():
    result = zonal_stats(polygons(), DATA / "slope.tif", stats=ALL_STATS)
    expected = pd.DataFrame(
        {
            "count": [75, 50],
            "min": [6.5751, 16.9410],
            "max": [22.2734, 82.6904],
            "mean": [14.6601, 56.6058],
            "sum": [1099.5063, 2830.2881],
            "std": [3.0407, 14.2124],
            "range": [15.6983, 65.7495],
        }
    )
    for column in expected:
        assert result[column].tolist() == pytest.approx(
            expected[column].tolist(), abs=1e-4, rel=1e-6
        )


@pytest.mark.slow
def test_rasterstats_points_lines_and_multi_parts():
    points = zonal_stats(gpd.read_file(DATA / "points.shp"), DATA / "slope.tif")
    assert int(points["count"].sum()) == 3
    assert [round(v, 3) for v in points["mean"]] == [11.386, 35.547, 53.584]
    lines = zonal_stats(gpd.read_file(DATA / "lines.shp"), DATA / "slope.tif")
    assert lines["count"].tolist() == [58, 32]
    multi = zonal_stats(same_crs("multipolygons.shp"), DATA / "slope.tif")
    assert multi["count"].tolist() == [125]
    assert zonal_stats(same_crs("multilines.shp"), DATA / "slope.tif")["count"][0] in (89, 90)
    assert zonal_stats(same_crs("multipoints.shp"), DATA / "slope.tif")["count"].tolist() == [3]


@pytest.mark.slow
def test_rasterstats_nodata_cases():
    classes = zonal_stats(
        polygons(), DATA / "slope_classes.tif", stats=("count", "nodata"), nodata=1.0
    )
    assert classes["count"].tolist() == [0, 49]
    masked = zonal_stats(polygons(), DATA / "dataset_mask.tif", stats=("count",))
    assert masked["count"].tolist() == [75, 0]
    empty = zonal_stats(polygons(), DATA / "all_nodata.tif", stats=("count", "nodata"))
    assert empty["count"].tolist() == [0, 0]
    assert empty["nodata"].tolist() == [75, 50]
    some = zonal_stats(polygons(), DATA / "slope_nodata.tif", stats=("count", "nodata", "min"))
    assert some["nodata"].tolist() == [36, 19]
    assert some["count"].tolist() == [39, 31]
    assert (some["min"] >= 0).all()


@pytest.mark.slow
def test_rasterstats_partial_and_no_overlap():
    partial = zonal_stats(gpd.read_file(DATA / "polygons_partial_overlap.shp"), DATA / "slope.tif")
    assert partial["count"].tolist() == [99, 99, 28, 135, 49, 68, 52, 115, 48]
    outside = gpd.read_file(DATA / "polygons_no_overlap.shp")
    with pytest.warns(DataWarning, match="none of the 9 features"):
        missed = zonal_stats(outside, DATA / "slope.tif")
    assert (missed["count"] == 0).all()


def test_rasterstats_all_touched():
    result = zonal_stats(polygons(), DATA / "slope.tif", pixel_rule="all_touched")
    assert result["count"].tolist() == [95, 73]


def test_coverage_counts_sum_to_the_polygon_areas():
    result = zonal_stats(polygons(), DATA / "slope.tif", stats=("count",), pixel_rule="coverage")
    with rasterio.open(DATA / "slope.tif") as src:
        pixel = abs(src.transform.a * src.transform.e)
    assert (result["count"] * pixel).tolist() == pytest.approx(polygons().area.tolist())


# -------------------------------------------------- an independent method


def mask_stats(features, path, all_touched=False):
    """Per-feature statistics with rasterio.mask, one feature at a time."""
    rows = []
    with rasterio.open(path) as src:
        for geom in features.to_crs(src.crs).geometry:
            try:
                data, _ = rasterio.mask.mask(
                    src, [geom], crop=True, filled=False, all_touched=all_touched
                )
            except ValueError:  # no overlap with the raster
                rows.append((0, np.nan))
                continue
            values = data[0].compressed().astype(float)
            values = values[~np.isnan(values)]
            rows.append((len(values), values.mean() if len(values) else np.nan))
    return pd.DataFrame(rows, columns=["count", "mean"], index=features.index)


@pytest.mark.slow
def test_agrees_with_rasterio_mask_on_partial_overlaps():
    features = gpd.read_file(DATA / "polygons_partial_overlap.shp")
    for touched in (False, True):
        rule = "all_touched" if touched else "centre"
        ours = zonal_stats(features, DATA / "slope_nodata.tif", pixel_rule=rule)
        theirs = mask_stats(features, DATA / "slope_nodata.tif", all_touched=touched)
        assert ours["count"].tolist() == theirs["count"].tolist()
        assert np.allclose(ours["mean"], theirs["mean"], equal_nan=True)


TILED_BOX = box(0, -8, 64, 40)  # the bounds of the tiled raster below


@st.composite
def polygon_sets(draw):
    count = draw(st.integers(1, 12))
    shapes = []
    for _ in range(count):
        x, y = draw(st.floats(-5, 60)), draw(st.floats(-5, 45))
        w, h = draw(st.floats(1.5, 25)), draw(st.floats(1.5, 25))
        angle = draw(st.floats(0, 90))
        shapes.append(shapely.affinity.rotate(box(x, y, x + w, y + h), angle))
    # a set that misses the raster altogether is warned about (tested on its own)
    assume(max(shape.intersection(TILED_BOX).area for shape in shapes) >= 1.0)
    return shapes


@pytest.fixture(scope="module")
def tiled(tmp_path_factory):
    rng = np.random.default_rng(7)
    values = rng.integers(0, 100, size=(48, 64)).astype("float32")
    values[rng.random(values.shape) < 0.05] = -9
    path = tmp_path_factory.mktemp("tiled") / "tiled.tif"
    options = {"tiled": True, "blockxsize": 16, "blockysize": 16}
    return write_raster(path, values, Affine(1, 0, 0, 0, -1, 40), nodata=-9, **options)


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(shapes=polygon_sets())
def test_windowed_reading_agrees_with_rasterio_mask(shapes, tiled):
    features = frame(*shapes)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lksource, "WINDOW_PIXELS", 32 * 32)  # several windows per raster
        ours = zonal_stats(features, tiled)
    theirs = mask_stats(features, tiled)
    holds = theirs["count"] > 0  # rasterio.mask has no representative-pixel rule
    assert ours["count"][holds].tolist() == theirs["count"][holds].tolist()
    assert np.allclose(ours["mean"][holds], theirs["mean"][holds])
    assert (ours["count"][~holds] <= 1).all()


def test_small_windows_give_the_same_answer(tiled, monkeypatch):
    features = frame(box(3, 3, 50, 37), box(10.5, 0, 11.5, 40), box(20, 20, 21, 21))
    whole = zonal_stats(features, tiled, stats=ALL_STATS)
    monkeypatch.setattr(lksource, "WINDOW_PIXELS", 16 * 16)
    calls = []
    pieces = zonal_stats(features, tiled, stats=ALL_STATS, progress=lambda d, t: calls.append(t))
    pd.testing.assert_frame_equal(whole, pieces, check_exact=False, rtol=1e-12)
    assert len(calls) > 1 and calls[0] > 1


# ------------------------------------------------------------ built-up fraction


@pytest.mark.parametrize(
    ("values", "scale"),
    [
        (np.array([[0, 1], [1, 1]], dtype="uint8"), "fraction"),
        (np.array([[0.0, 0.5], [1.0, 0.5]], dtype="float32"), "fraction"),
        (np.array([[0, 50], [100, 50]], dtype="uint8"), "percent"),
    ],
)
def test_builtup_fraction_reads_each_scale(tmp_path, values, scale):
    path = write_raster(tmp_path / "b.tif", values, Affine(1, 0, 0, 0, -1, 2))
    assert guess_builtup_scale(path) == scale
    whole = frame(box(0, 0, 2, 2))
    expected = values.astype(float).mean() / (100 if scale == "percent" else 1)
    assert builtup_fraction(whole, path)[0] == pytest.approx(expected)
    assert [p.name for p in tmp_path.iterdir()] == ["b.tif"]  # no .aux.xml left behind


def test_builtup_fraction_rejects_other_values(tmp_path):
    path = write_raster(tmp_path / "b.tif", np.array([[0, 255]], dtype="uint8"))
    with pytest.raises(InputError, match="neither a 0/1 mask"):
        builtup_fraction(frame(box(0, 2, 2, 3)), path)


def geos_coverage(geom, transform, shape):
    """Covered fraction of every pixel by intersecting the pixel squares with GEOS."""
    rows, cols = np.indices(shape)
    boxes = lkpixels.pixel_boxes(transform, rows.ravel(), cols.ravel())
    pixel = abs(transform.a * transform.e)
    return (shapely.area(shapely.intersection(boxes, geom)) / pixel).reshape(shape)


@st.composite
def polygons_with_holes(draw):
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        x, y = draw(st.floats(-4, 14)), draw(st.floats(-4, 10))
        r = draw(st.floats(0.2, 6))
        sides = draw(st.integers(3, 9))
        outer = shapely.Point(x, y).buffer(r, quad_segs=sides)
        if draw(st.booleans()):
            outer = outer.difference(shapely.Point(x, y).buffer(r / 2, quad_segs=2))
        parts.append(shapely.affinity.rotate(outer, draw(st.floats(0, 90))))
    return shapely.union_all(parts)


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(geom=polygons_with_holes(), south_up=st.booleans())
def test_coverage_fractions_equal_geos_intersections(geom, south_up):
    transform = Affine(0.7, 0, 0, 0, 0.9, 0) if south_up else Affine(0.7, 0, 0, 0, -0.9, 9)
    shape = (10, 16)
    which, rows, cols, fractions = lkpixels.coverage_pixels(np.array([geom]), transform, shape)
    ours = np.zeros(shape)
    np.add.at(ours, (rows, cols), fractions)
    assert (which == 0).all()
    assert np.allclose(ours, geos_coverage(geom, transform, shape), atol=1e-9)


def test_only_windows_that_features_touch_are_read(tiled, monkeypatch):
    monkeypatch.setattr(lksource, "WINDOW_PIXELS", 16 * 16)  # 12 windows of 16 × 16
    calls = []
    corner = frame(box(1, 30, 5, 38))  # inside the top-left window
    zonal_stats(corner, tiled, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 1)]


# ------------------------------------------------ every statistic, by hand

EVERY = (
    "count", "sum", "mean", "min", "max", "range", "std", "median", "percentile_25",
    "percentile_75", "majority", "minority", "unique", "nodata",
)  # fmt: skip
SQUARE = box(0.5, 0.5, 2.5, 2.5)


def test_every_statistic_on_3x3_centre_rule(nine):
    # centres of cells 2, 3, 5, 6, 8, 9 fall in the square (see above)
    result = zonal_stats(frame(SQUARE), nine, stats=EVERY).loc[0]
    expected = {
        "count": 6, "sum": 33, "mean": 5.5, "min": 2, "max": 9, "range": 7,
        "std": 2.5,  # sqrt(219 / 6 − 5.5²)
        "median": 5.5, "percentile_25": 3.5, "percentile_75": 7.5,  # linear, as NumPy
        "majority": 2, "minority": 2,  # every value once: the smallest wins
        "unique": 6, "nodata": 0,
    }  # fmt: skip
    assert result[list(expected)].tolist() == pytest.approx(list(expected.values()))


@pytest.mark.parametrize(("dtype", "quartiles"), [("float32", [3.5, 6.5]), ("int32", [3, 6])])
def test_every_statistic_on_3x3_coverage_rule(tmp_path, dtype, quartiles):
    path = write_raster(tmp_path / "nine.tif", NINE.astype(dtype))
    result = zonal_stats(frame(SQUARE), path, stats=EVERY, pixel_rule="coverage").loc[0]
    # coverage [.25, .5, .25, .5, 1, .5, .25, .5, .25] (exactextract's own test case)
    expected = {
        "count": 4, "sum": 20, "mean": 5, "min": 1, "max": 9, "range": 8, "std": np.sqrt(5),
        "median": 5,
        # S = i·cᵢ + 8·(c₀ + … + cᵢ₋₁) = 0, 2.5, 6.5, 9.5 …; q·C·8 = 8 lies between the
        # values 3 and 4 (S 6.5 and 9.5): 3.5; 24 between 6 and 7 (S 22.5 and 25.5): 6.5.
        # An integer raster answers in its type, truncated, as exactextract does.
        "percentile_25": quartiles[0], "percentile_75": quartiles[1],
        "majority": 5, "minority": 1,  # 1, 3, 7, 9 tie at 0.25: the smallest
        "unique": 9, "nodata": 0,
    }  # fmt: skip
    assert result[list(expected)].tolist() == pytest.approx(list(expected.values()))


def test_unit_square_half_in_two_cells(nine):
    half = frame(box(0.5, 0, 1.5, 1))  # half of cell 7, half of cell 8
    stats = ("count", "mean", "median", "majority", "minority", "unique")
    covered = zonal_stats(half, nine, stats=stats, pixel_rule="coverage").loc[0]
    # ties at 0.5: the coverage majority is the largest value, the minority the smallest
    assert covered.tolist() == pytest.approx([1, 7.5, 7.5, 8, 7, 2])
    centre = zonal_stats(half, nine, stats=stats).loc[0]  # only cell 8's centre lies inside
    assert centre[list(stats)].tolist() == [1, 8, 8, 8, 8, 1]


def test_nan_is_counted_apart_when_asked():
    # rasterstats' test_nan_counts
    values = np.array([[np.nan] * 3, [0, 0, 0], [1, 4, 5]])
    features = frame(box(1, 0, 4, 3))
    options = {"affine": Affine(1, 0, 1, 0, -1, 3), "crs": "EPSG:4543", "nodata": 0}
    apart = zonal_stats(features, values, stats=("count", "nodata", "nan", "mean"), **options)
    assert apart.loc[0].tolist()[:4] == [3, 3, 3, pytest.approx(10 / 3)]
    together = zonal_stats(features, values, stats=("count", "nodata"), **options)
    assert together.loc[0].tolist()[:2] == [3, 6]  # without nan, NaN pixels are nodata


def test_nan_and_nodata_in_one_array():
    # rasterstats' test_nan_nodata
    values = np.array([[np.nan, 12.25], [-9999, 12.75]])
    options = {"affine": Affine(1, 0, 0, 0, -1, 2), "crs": "EPSG:4543", "nodata": -9999}
    stats = ("count", "nodata", "nan", "mean", "min", "max", "sum")
    result = zonal_stats(frame(box(0, 0, 2, 2)), values, stats=stats, **options).loc[0]
    assert result[list(stats)].tolist() == [2, 1, 1, 12.5, 12.25, 12.75, 25]


def test_array_dataset_and_file_inputs_agree(nine):
    features = frame(SQUARE, box(0, 0, 1, 1))
    from_file = zonal_stats(features, nine, stats=EVERY)
    with rasterio.open(nine) as src:
        from_dataset = zonal_stats(features, src, stats=EVERY)
        assert not src.closed
    from_array = zonal_stats(features, NINE, stats=EVERY, affine=UNIT, crs="EPSG:4543")
    pd.testing.assert_frame_equal(from_file, from_dataset)
    pd.testing.assert_frame_equal(from_file, from_array)
    masked = np.ma.masked_equal(NINE, 5)
    holes = zonal_stats(features, masked, stats=("count", "nodata"), affine=UNIT, crs=4543)
    assert holes.loc[0].tolist()[:2] == [5, 1]
    with pytest.raises(InputError, match="affine="):
        zonal_stats(features, NINE, crs="EPSG:4543")
    with pytest.raises(CRSError, match="crs="):
        zonal_stats(features, NINE, affine=UNIT)


def test_scale_and_offset_apply_unless_raw(tmp_path):
    path = tmp_path / "scaled.tif"
    write_raster(path, NINE.astype("int16"), nodata=5)
    with rasterio.open(path, "r+") as dst:
        dst.scales, dst.offsets = (0.5,), (10,)
    stats = ("mean", "min", "max", "median", "majority")
    scaled = zonal_stats(frame(box(0, 0, 3, 3)), path, stats=stats).loc[0]
    # stored 1 … 9 without the nodata 5: mean 5, min 1, max 9, median 5, majority 1
    assert scaled[list(stats)].tolist() == pytest.approx([12.5, 10.5, 14.5, 12.5, 10.5])
    stored = zonal_stats(frame(box(0, 0, 3, 3)), path, stats=stats, raw=True).loc[0]
    assert stored[list(stats)].tolist() == pytest.approx([5, 1, 9, 5, 1])
    classes = zonal_stats(frame(box(0, 2, 2, 3)), path, categorical=True)
    assert list(classes.columns[:2]) == [10.5, 11.0]


CLASSES = np.array([[1, 1, 1], [2, 2, 2], [3, 3, 3]], dtype="uint8")


def test_categorical_counts_and_fractions(tmp_path):
    path = write_raster(tmp_path / "classes.tif", CLASSES)
    squares = frame(box(0.5, 0.5, 1, 1), box(0.5, 0.5, 2.5, 2.5), None, index=["a", "b", "c"])
    fractions = zonal_stats(squares, path, categorical=True, pixel_rule="coverage")
    assert list(fractions.columns) == ["frac_1", "frac_2", "frac_3"]
    assert fractions.loc["a"].tolist() == [0, 0, 1]  # exactextract's test_frac
    assert fractions.loc["b"].tolist() == pytest.approx([0.25, 0.5, 0.25])
    assert fractions.loc["c"].tolist() == [0, 0, 0]
    counts = zonal_stats(squares, path, categorical=True, stats=("count",))
    # a holds no centre: the pixel under it (class 3); b: the two right cells of each row
    assert counts[["count", 1, 2, 3]].to_numpy().tolist() == [[1, 0, 0, 1], [6, 2, 2, 2], [0] * 4]
    legend = {1: "built", 2: "cropland"}
    named = zonal_stats(squares, path, categorical=True, category_map=legend)
    assert list(named.columns) == ["built", "cropland", 3, "representative_pixel"]
    named = zonal_stats(squares, path, categorical=True, category_map=legend, pixel_rule="coverage")
    assert list(named.columns) == ["frac_built", "frac_cropland", "frac_3"]
    merged = zonal_stats(squares, path, categorical=True, category_map={1: "farm", 2: "farm"})
    assert merged[["farm", 3]].to_numpy().tolist() == [[0, 1], [4, 2], [0, 0]]


def test_weights_give_weighted_mean_and_sum(nine, tmp_path):
    bottom_row = np.array([[0, 0, 0], [0, 0, 0], [1, 1, 1]], dtype="float32")
    weights = write_raster(tmp_path / "w.tif", bottom_row)
    square = frame(SQUARE)
    covered = zonal_stats(square, nine, weights=weights, pixel_rule="coverage")
    # exactextract's test: (0.25·7 + 0.5·8 + 0.25·9) / (0.25 + 0.5 + 0.25)
    assert covered.loc[0, ["weighted_mean", "weighted_sum"]].tolist() == pytest.approx([8, 8])
    centre = zonal_stats(square, nine, weights=weights, stats=("weighted_mean",))
    assert centre.loc[0, "weighted_mean"] == pytest.approx(8.5)  # cells 8 and 9
    coarse = write_raster(tmp_path / "coarse.tif", bottom_row, Affine(2, 0, 0, 0, -2, 6))
    with pytest.raises(InputError, match=r"weights .*coarse.tif.* is not on the grid of raster"):
        zonal_stats(square, nine, weights=coarse)
    with pytest.raises(InputError, match="weights="):
        zonal_stats(square, nine, stats=("weighted_mean",))


def test_geometry_collections_keep_their_polygons(nine):
    mixed = shapely.GeometryCollection([SQUARE, shapely.LineString([(0, 0), (3, 3)])])
    features = frame(SQUARE, mixed)
    for rule in ("centre", "coverage"):
        with pytest.warns(GeometryRepairedWarning, match="1 geometry collection"):
            result = zonal_stats(features, nine, stats=EVERY, pixel_rule=rule)
        assert result.loc[0, list(EVERY)].tolist() == result.loc[1, list(EVERY)].tolist()
        assert result.attrs["landkit_provenance"]["geometries_repaired"] == "1"


def test_add_stats_get_each_feature_s_pixels(nine):
    features = frame(SQUARE, box(10, 10, 11, 11))
    centre = zonal_stats(features, nine, stats=(), add_stats={"top": np.max, "n": len})
    assert centre.loc[0, ["top", "n"]].tolist() == [9, 6]
    assert centre.loc[1, ["top", "n"]].tolist() == [None, None]  # no pixel: not called
    mean = {"mean_by_hand": lambda values, cover: np.average(values, weights=cover)}
    covered = zonal_stats(features.iloc[:1], nine, add_stats=mean, pixel_rule="coverage")
    assert covered.loc[0, "mean_by_hand"] == pytest.approx(5)


def test_distribution_statistics_do_not_depend_on_windows(tiled, monkeypatch):
    features = frame(box(3, 3, 50, 37), box(10.5, 0, 11.5, 40), box(20, 20, 21, 21), box(0, 0, 2, 2))
    stats = (*EVERY, "percentile_90")
    for rule in ("centre", "coverage"):
        whole = zonal_stats(features, tiled, stats=stats, pixel_rule=rule, categorical=True)
        with monkeypatch.context() as patch:
            patch.setattr(lksource, "WINDOW_PIXELS", 16 * 16)
            patch.setattr(lkstats, "_FLUSH_ROWS", 10)  # compute finished features often
            pieces = zonal_stats(features, tiled, stats=stats, pixel_rule=rule, categorical=True)
        pd.testing.assert_frame_equal(whole, pieces, check_exact=False, rtol=1e-9)


@pytest.mark.slow
@settings(max_examples=20, deadline=None)
@given(
    shapes=polygon_sets(),
    labels=st.sampled_from(["range", "int", "str"]),
    seed=st.integers(0, 2**16),
)
def test_results_keep_the_input_index_and_order(shapes, labels, seed, tiled):
    n = len(shapes)
    index = {
        "range": pd.RangeIndex(n),
        "int": pd.Index(np.random.default_rng(seed).permutation(n) * 7 - 3),
        "str": pd.Index([f"p{(k * 31 + seed) % 97}-{k}" for k in range(n)]),
    }[labels]
    features = frame(*shapes, index=index)
    stats = ("count", "mean", "median", "majority", "unique")
    result = zonal_stats(features, tiled, stats=stats, categorical=True)
    assert result.index.equals(features.index)
    order = np.random.default_rng(seed).permutation(n)
    shuffled = zonal_stats(features.iloc[order], tiled, stats=stats, categorical=True)
    pd.testing.assert_frame_equal(shuffled.loc[result.index, result.columns], result)


def test_partitions_fill_classes_they_did_not_meet_with_zero():
    # Dask partitions each see their own classes; gathered, the others are 0
    gathered = pd.DataFrame({"count": [2, 3], 1: [2, np.nan], 4: [np.nan, 3]})
    filled = lkzonal._absent_classes_zero(gathered, ["count", "representative_pixel"])
    assert filled.to_numpy().tolist() == [[2, 2, 0], [3, 0, 3]]
    assert filled[1].dtype == np.int64 and gathered[1].isna().any()
