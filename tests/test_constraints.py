"""Tests of the three-line (三线) check: hand-worked cases, a second method, invariants."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import landkit as lk
from landkit.cli import main
from landkit.constraints import LINE_KEYS, line_columns

# A spot near Kunming in CGCS2000 / 3-degree GK CM 102E (EPSG:4543), in metres.
X0, Y0 = 500_000.0, 2_770_000.0
GK = "EPSG:4543"


def box(x, y, w, h):
    return shapely.box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + h)


def layer(geoms, crs=GK, **columns):
    return gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries(list(geoms), crs=crs))


def check(features, lines, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", lk.errors.GeometryRepairedWarning)
        return lk.check_three_lines(features, lines, **kwargs)


def overlaps(features, lines, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", lk.errors.GeometryRepairedWarning)
        return lk.three_line_overlaps(features, lines, **kwargs)


# ------------------------------------------------------------ hand-worked cases


def test_square_half_over_red_line_is_5000_m2_7_5_mu():
    parcels = layer([box(0, 0, 100, 100)], parcel_id=["P1"])
    red = layer([box(50, -50, 200, 200)])
    result = check(parcels, {"ecological_redline": red})
    row = result.iloc[0]
    assert row["ecological_redline_m2"] == 5000.0
    assert row["ecological_redline_mu"] == 7.5
    assert row["ecological_redline_ha"] == 0.5
    assert row["area_m2"] == 10000.0 and row["area_mu"] == 15.0 and row["area_ha"] == 1.0
    assert row["status"] == "violation"
    assert row["violations"] == "ecological_redline"
    assert not row["geometry_repaired"]


def test_overlapping_red_line_polygons_count_once():
    parcels = layer([box(0, 0, 100, 100)])
    # both polygons cover the square's right half; the second also covers 20 m more
    red = layer([box(50, -50, 100, 200), box(30, -50, 100, 200)])
    result = check(parcels, {"ecological_redline": red})
    assert result["ecological_redline_m2"].iloc[0] == pytest.approx(7000.0, abs=1e-6)


def test_parcel_in_red_line_hole_is_compliant():
    shell = box(-500, -500, 1000, 1000).exterior.coords
    hole = box(-10, -10, 130, 130).exterior.coords  # x from -10 to 120
    red = layer([shapely.Polygon(shell, [hole])])
    parcels = layer([box(0, 0, 100, 100), box(100, 0, 40, 100)])
    result = check(parcels, {"ecological_redline": red})
    assert result["ecological_redline_m2"].iloc[0] == 0.0
    assert result["status"].iloc[0] == "compliant"
    # the second parcel sticks 20 m out of the hole: 20 m × 100 m on the red line
    assert result["ecological_redline_m2"].iloc[1] == pytest.approx(2000.0, abs=1e-6)


def test_parcel_wholly_outside_urban_boundary():
    urban = layer([box(0, 0, 1000, 1000)])
    parcels = layer([box(2000, 0, 100, 50), box(10, 10, 100, 50)])
    result = check(parcels, {"urban_boundary": urban})
    assert result["outside_urban_boundary_m2"].tolist() == [5000.0, 0.0]
    assert result["outside_urban_boundary_mu"].iloc[0] == 7.5
    assert result["status"].tolist() == ["violation", "compliant"]
    assert result["violations"].tolist() == ["urban_boundary", ""]


def test_parcel_partly_outside_urban_boundary_with_hole():
    ring = box(-1000, -1000, 3000, 3000).exterior.coords
    hole = box(0, 0, 50, 100).exterior.coords  # a hole is outside the boundary too
    urban = layer([shapely.Polygon(ring, [hole])])
    parcels = layer([box(0, 0, 100, 100)])
    result = check(parcels, {"urban_boundary": urban})
    assert result["outside_urban_boundary_m2"].iloc[0] == pytest.approx(5000.0, abs=1e-6)


def test_edge_touching_only_gives_zero():
    red = layer([box(100, 0, 100, 100)])
    farmland = layer([box(100, 100, 50, 50)])  # touches one corner only
    urban = layer([box(-100, 0, 200, 100)])  # parcel lies on its edge, inside
    parcels = layer([box(0, 0, 100, 100)])
    lines = {"ecological_redline": red, "basic_farmland": farmland, "urban_boundary": urban}
    result = check(parcels, lines)
    for key in LINE_KEYS:
        assert result[line_columns(key)[0]].iloc[0] == 0.0
    assert result["status"].iloc[0] == "compliant"
    assert overlaps(parcels, lines).empty


def test_sliver_under_tolerance_is_reported_not_a_violation():
    parcels = layer([box(0, 0, 100, 100)])
    red = layer([box(99.995, 0, 100, 100)])  # 0.005 m × 100 m = 0.5 m²
    result = check(parcels, {"ecological_redline": red})
    assert result["ecological_redline_m2"].iloc[0] == pytest.approx(0.5, rel=1e-6)
    assert result["status"].iloc[0] == "compliant"
    assert result["violations"].iloc[0] == ""
    strict = check(parcels, {"ecological_redline": red}, tolerance_m2=0.25)
    assert strict["status"].iloc[0] == "violation"
    assert len(overlaps(parcels, {"ecological_redline": red})) == 1


def test_overlap_equal_to_tolerance_is_a_violation():
    parcels = layer([box(0, 0, 100, 100)])
    red = layer([box(99.99, 0, 100, 100)])  # 1 m²
    exact = check(parcels, {"ecological_redline": red}, tolerance_m2=0.5)
    assert exact["status"].iloc[0] == "violation"
    area = exact["ecological_redline_m2"].iloc[0]
    at = check(parcels, {"ecological_redline": red}, tolerance_m2=area)
    above = check(parcels, {"ecological_redline": red}, tolerance_m2=area * 1.0001)
    assert at["status"].iloc[0] == "violation"
    assert above["status"].iloc[0] == "compliant"


def test_tolerance_is_per_feature_and_line():
    # 0.6 m² on each of two lines: neither reaches 1 m², although they add up to 1.2 m²
    parcels = layer([box(0, 0, 100, 100)])
    red = layer([box(99.994, 0, 10, 100)])
    farmland = layer([box(-10, 0, 10.006, 100)])
    result = check(parcels, {"ecological_redline": red, "basic_farmland": farmland})
    assert result["ecological_redline_m2"].iloc[0] == pytest.approx(0.6, rel=1e-6)
    assert result["basic_farmland_m2"].iloc[0] == pytest.approx(0.6, rel=1e-6)
    assert result["status"].iloc[0] == "compliant"


def test_bowtie_is_repaired_and_flagged():
    bowtie = shapely.Polygon(
        [(X0, Y0), (X0 + 100, Y0 + 100), (X0 + 100, Y0), (X0, Y0 + 100), (X0, Y0)]
    )
    parcels = layer([bowtie, box(200, 0, 10, 10)])
    red = layer([box(50, -50, 100, 200)])  # right half: the right-hand triangle, 2500 m²
    with pytest.warns(lk.errors.GeometryRepairedWarning, match="repaired 1 invalid"):
        result = lk.check_three_lines(parcels, {"ecological_redline": red})
    assert result["geometry_repaired"].tolist() == [True, False]
    assert result["area_m2"].iloc[0] == pytest.approx(5000.0, abs=1e-6)
    assert result["ecological_redline_m2"].iloc[0] == pytest.approx(2500.0, abs=1e-6)
    assert result.geometry.iloc[0].equals(bowtie)  # the input geometry is returned


def test_missing_and_empty_geometries_get_their_own_status():
    parcels = layer([None, box(0, 0, 10, 10), shapely.Polygon()], parcel_id=["A", "B", "C"])
    red = layer([box(0, 0, 5, 10)])
    result = check(parcels, {"ecological_redline": red}, id_col="parcel_id")
    assert result["status"].tolist() == ["no_geometry", "violation", "no_geometry"]
    assert result["area_m2"].isna().tolist() == [True, False, True]
    assert result["ecological_redline_m2"].isna().tolist() == [True, False, True]
    assert result["violations"].tolist() == ["", "ecological_redline", ""]


def test_multipolygon_with_hole_feature():
    ring = box(0, 0, 100, 100).exterior.coords
    hole = box(25, 25, 50, 50).exterior.coords
    parcel = shapely.MultiPolygon([shapely.Polygon(ring, [hole]), box(300, 0, 10, 10)])
    red = layer([box(0, 0, 1000, 1000)])
    result = check(layer([parcel]), {"ecological_redline": red})
    assert result["area_m2"].iloc[0] == pytest.approx(10000 - 2500 + 100, abs=1e-6)
    assert result["ecological_redline_m2"].iloc[0] == pytest.approx(7600.0, abs=1e-6)


def test_absent_line_gives_nan_and_no_violation_and_empty_mapping_is_allowed():
    parcels = layer([box(0, 0, 100, 100)])
    result = check(parcels, {})
    for key in LINE_KEYS:
        assert result[line_columns(key)].isna().all(axis=None)
    assert result["status"].iloc[0] == "compliant"
    assert result["area_m2"].iloc[0] == 10000.0
    assert result.attrs["landkit_provenance"]["lines_absent"] == "; ".join(LINE_KEYS)


def test_empty_line_layer_means_everything_outside_urban_boundary():
    parcels = layer([box(0, 0, 100, 100)])
    empty = layer([])
    result = check(parcels, {"urban_boundary": empty, "ecological_redline": empty})
    assert result["outside_urban_boundary_m2"].iloc[0] == 10000.0
    assert result["ecological_redline_m2"].iloc[0] == 0.0
    assert result["violations"].iloc[0] == "urban_boundary"


def test_several_violations_are_listed_in_line_order():
    parcels = layer([box(0, 0, 100, 100)])
    lines = {
        "urban_boundary": layer([box(0, 0, 50, 100)]),
        "basic_farmland": layer([box(0, 0, 10, 10)]),
        "ecological_redline": layer([box(90, 90, 10, 10)]),
    }
    result = check(parcels, lines)
    assert result["violations"].iloc[0] == "ecological_redline;basic_farmland;urban_boundary"


def test_geographic_input_gives_the_same_areas_as_projected():
    rng = np.random.default_rng(7)
    geoms = [box(x, y, 80, 60) for x, y in rng.uniform(0, 2000, size=(30, 2))]
    parcels = layer(geoms, parcel_id=[f"P{i}" for i in range(30)])
    red = layer([box(500, 500, 900, 700).buffer(150)])
    urban = layer([box(-100, -100, 1500, 1800)])
    lines = {"ecological_redline": red, "urban_boundary": urban}
    projected = check(parcels, lines)
    geographic = check(parcels.to_crs(4490), lines)  # lines stay in EPSG:4543
    assert geographic.attrs["landkit_provenance"]["area_crs"] == "EPSG:4543"
    columns = ["area_m2", "ecological_redline_m2", "outside_urban_boundary_m2"]
    for column in columns:
        np.testing.assert_allclose(geographic[column], projected[column], rtol=1e-3, atol=1e-3)
    assert geographic["status"].tolist() == projected["status"].tolist()


def test_features_in_two_zones_are_measured_in_their_own_zones():
    # two 1 km squares, one near 102°E (zone CM 102) and one near 105°E (zone CM 105)
    west = gpd.GeoSeries([box(0, 0, 1000, 1000)], crs=GK)
    east = gpd.GeoSeries([box(0, 0, 1000, 1000)], crs="EPSG:4544")
    geoms = pd.concat([west.to_crs(4490), east.to_crs(4490)], ignore_index=True)
    parcels = gpd.GeoDataFrame({"parcel_id": ["W", "E"]}, geometry=geoms)
    red = gpd.GeoDataFrame(geometry=pd.concat([west.to_crs(4490), east.to_crs(4490)]))
    result = check(parcels, {"ecological_redline": red})
    assert result.attrs["landkit_provenance"]["area_crs"] == "EPSG:4543; EPSG:4544"
    np.testing.assert_allclose(result["area_m2"], [1e6, 1e6], rtol=1e-6)
    np.testing.assert_allclose(result["ecological_redline_m2"], [1e6, 1e6], rtol=1e-6)


@pytest.mark.parametrize(
    "index",
    [None, pd.Index([10, 3, 7, 99]), pd.Index(["d", "a", "c", "b"])],
    ids=["range", "integer", "string"],
)
def test_every_row_out_once_in_order_for_index_flavours(index):
    geoms = [box(0, 0, 100, 100), None, box(500, 0, 100, 100), box(50, 0, 100, 100)]
    parcels = layer(geoms, parcel_id=["A", "B", "C", "D"], note=["x", "y", "z", "w"])
    if index is not None:
        parcels.index = index
    before = parcels.copy()
    red = layer([box(0, 0, 100, 100), box(40, 0, 100, 100)])
    result = check(parcels, {"ecological_redline": red}, id_col="parcel_id")
    assert result.index.equals(parcels.index)
    assert result["parcel_id"].tolist() == ["A", "B", "C", "D"]
    assert result["ecological_redline_m2"].fillna(-1).tolist() == [10000, -1, 0, 9000]
    pd.testing.assert_frame_equal(parcels, before)  # input not mutated
    pieces = overlaps(parcels, {"ecological_redline": red}, id_col="parcel_id")
    assert pieces["parcel_id"].tolist() == ["A", "D"]
    default = overlaps(parcels, {"ecological_redline": red})
    assert default["feature_index"].tolist() == [parcels.index[0], parcels.index[3]]


def test_duplicate_index_labels_keep_every_row():
    parcels = layer([box(0, 0, 100, 100), box(0, 0, 50, 100)])
    parcels.index = pd.Index([5, 5])
    result = check(parcels, {"ecological_redline": layer([box(0, 0, 50, 100)])})
    assert result["ecological_redline_m2"].tolist() == [5000.0, 5000.0]
    assert result["area_m2"].tolist() == [10000.0, 5000.0]


def test_overlap_pieces_are_the_dissolved_pieces():
    parcels = layer([box(0, 0, 100, 100), box(1000, 0, 100, 100)], parcel_id=["A", "B"])
    red = layer([box(50, 0, 100, 100), box(60, 0, 100, 100)])  # overlapping red polygons
    urban = layer([box(0, 0, 500, 500)])
    lines = {"ecological_redline": red, "urban_boundary": urban}
    pieces = overlaps(parcels, lines, id_col="parcel_id")
    assert list(pieces.columns) == [
        "parcel_id",
        "line",
        "area_m2",
        "area_mu",
        "area_ha",
        "geometry",
    ]
    assert pieces[["parcel_id", "line"]].values.tolist() == [
        ["A", "ecological_redline"],
        ["B", "urban_boundary"],
    ]
    assert pieces.crs == parcels.crs
    assert pieces.geometry.iloc[0].equals(box(50, 0, 50, 100))  # one piece, not two
    assert pieces.geometry.iloc[1].equals(box(1000, 0, 100, 100))
    np.testing.assert_allclose(pieces.area, pieces["area_m2"], rtol=1e-9)
    assert pieces["area_mu"].iloc[0] == 7.5


def test_pieces_of_geographic_input_come_back_in_its_crs():
    parcels = layer([box(0, 0, 100, 100)]).to_crs(4490)
    pieces = overlaps(parcels, {"ecological_redline": layer([box(50, 0, 100, 100)])})
    assert pieces.crs.to_epsg() == 4490
    assert pieces["area_m2"].iloc[0] == pytest.approx(5000.0, rel=1e-6)
    assert pieces.to_crs(GK).area.iloc[0] == pytest.approx(5000.0, rel=1e-6)


# ------------------------------------------------------------ a second method


def _wavy_polygon(cx, cy, radius, n, seed, hole=True):
    """A star-shaped polygon with ``n`` vertices (and a hole), for many-vertex lines."""
    rng = np.random.default_rng(seed)
    angles = np.linspace(0, 2 * np.pi, n, endpoint=False)
    r = radius * (1 + 0.15 * np.sin(7 * angles) + 0.05 * rng.uniform(-1, 1, n))
    shell = np.column_stack([cx + r * np.cos(angles), cy + r * np.sin(angles)])
    holes = [shapely.Point(cx, cy).buffer(radius * 0.3, 16).exterior.coords] if hole else []
    return shapely.Polygon(shell, holes)


def _generated(seed=1, n=400):
    rng = np.random.default_rng(seed)
    xy = rng.uniform(-200, 3200, size=(n, 2))
    wh = rng.uniform(20, 150, size=(n, 2))
    parcels = layer(
        [box(x, y, w, h) for (x, y), (w, h) in zip(xy, wh, strict=True)],
        parcel_id=[f"P{i:04d}" for i in range(n)],
    )
    red = layer(
        [
            _wavy_polygon(X0 + 1000, Y0 + 1000, 700, 3000, seed),
            _wavy_polygon(X0 + 1500, Y0 + 1300, 500, 2000, seed + 1),  # overlaps the first
        ]
    )
    farmland = layer([_wavy_polygon(X0 + 2500, Y0 + 500, 400, 1500, seed + 2, hole=False)])
    urban = layer([_wavy_polygon(X0 + 1500, Y0 + 1500, 1700, 4000, seed + 3)])
    return parcels, {"ecological_redline": red, "basic_farmland": farmland, "urban_boundary": urban}


def _overlay_areas(parcels, line, how):
    dissolved = gpd.GeoDataFrame(geometry=[line.union_all()], crs=line.crs)
    pieces = gpd.overlay(parcels[["parcel_id", "geometry"]], dissolved, how=how)
    areas = pieces.assign(a=pieces.area).groupby("parcel_id")["a"].sum()
    return areas.reindex(parcels["parcel_id"], fill_value=0.0).to_numpy()


@pytest.mark.slow
def test_agrees_with_geopandas_overlay_on_generated_lines_with_many_vertices():
    parcels, lines = _generated()
    result = check(parcels, lines, id_col="parcel_id")
    for key in ("ecological_redline", "basic_farmland"):
        expected = _overlay_areas(parcels, lines[key], "intersection")
        np.testing.assert_allclose(result[f"{key}_m2"], expected, rtol=0, atol=0.01)
    expected = _overlay_areas(parcels, lines["urban_boundary"], "difference")
    np.testing.assert_allclose(result["outside_urban_boundary_m2"], expected, rtol=0, atol=0.01)
    # the generated case exercises every kind of pair
    assert (result["ecological_redline_m2"] == result["area_m2"]).any()
    assert (result["ecological_redline_m2"] == 0).any()
    inside = result["ecological_redline_m2"].between(1, result["area_m2"] - 1)
    assert inside.any()


def test_pieces_agree_with_geopandas_overlay_geometry():
    parcels, lines = _generated(seed=3, n=150)
    pieces = overlaps(parcels, lines, id_col="parcel_id")
    red = pieces[pieces["line"] == "ecological_redline"].set_index("parcel_id")
    dissolved = gpd.GeoDataFrame(geometry=[lines["ecological_redline"].union_all()], crs=GK)
    expected = gpd.overlay(parcels, dissolved, how="intersection").set_index("parcel_id")
    expected = expected[expected.area > 0]
    assert sorted(red.index) == sorted(expected.index)
    difference = red.geometry.symmetric_difference(expected.geometry.reindex(red.index))
    assert difference.area.max() < 1e-6


def test_lines_from_a_geopackage_path(tmp_path):
    parcels, lines = _generated(seed=5, n=60)
    path = tmp_path / "lines.gpkg"
    lk.write_layers({"ecological_redline": lines["ecological_redline"]}, path)
    from_path = check(parcels, path)
    from_mapping = check(parcels, {"ecological_redline": lines["ecological_redline"]})
    pd.testing.assert_series_equal(
        from_path["ecological_redline_m2"], from_mapping["ecological_redline_m2"]
    )
    assert from_path["basic_farmland_m2"].isna().all()
    assert "lines.gpkg" in from_path.attrs["landkit_provenance"]["line.ecological_redline"]


def test_line_layers_in_another_crs_are_aligned_and_logged(caplog):
    parcels = layer([box(0, 0, 100, 100)])
    red = layer([box(50, 0, 100, 100)]).to_crs(4490)
    with caplog.at_level("INFO", logger="landkit"):
        result = check(parcels, {"ecological_redline": red})
    assert result["ecological_redline_m2"].iloc[0] == pytest.approx(5000.0, rel=1e-6)
    assert any("ecological_redline" in r.getMessage() for r in caplog.records)


def test_provenance_records_inputs_crs_tolerance_and_vintage():
    parcels = layer([box(0, 0, 100, 100)])
    red = layer([box(50, 0, 100, 100)], vintage=["2023"])
    prov = check(parcels, {"ecological_redline": red}).attrs["landkit_provenance"]
    assert prov["area_crs"] == "EPSG:4543"
    assert prov["tolerance_m2"] == "1.0"
    assert "example" in prov["tolerance_source"]
    assert "vintage 2023" in prov["line.ecological_redline"]
    assert prov["lines"] == "ecological_redline"
    assert {"landkit_version", "run_time", "input.features"} <= set(prov)


# --------------------------------------------------------------- invariants

rects = st.lists(
    st.tuples(
        st.floats(-300, 1300, allow_nan=False),
        st.floats(-300, 1300, allow_nan=False),
        st.floats(1, 300, allow_nan=False),
        st.floats(1, 300, allow_nan=False),
    ),
    min_size=1,
    max_size=25,
)
LINES = {
    "ecological_redline": layer(
        [_wavy_polygon(X0 + 400, Y0 + 400, 400, 600, 11), box(600, 600, 500, 300)]
    ),
    "basic_farmland": layer([box(-100, 800, 600, 300)]),
    "urban_boundary": layer([_wavy_polygon(X0 + 500, Y0 + 500, 800, 800, 12)]),
}
RESULT_COLUMNS = ["area_m2", *[line_columns(k)[0] for k in LINE_KEYS]]


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rects=rects, seed=st.integers(0, 2**32 - 1))
def test_shuffled_and_reindexed_rows_give_the_same_results_per_id(rects, seed):
    parcels = layer([box(*r) for r in rects], parcel_id=[f"P{i}" for i in range(len(rects))])
    base = check(parcels, LINES, id_col="parcel_id").set_index("parcel_id")
    order = np.random.default_rng(seed).permutation(len(parcels))
    shuffled = parcels.iloc[order].copy()
    shuffled.index = [f"row{i}" for i in range(len(parcels))]
    again = check(shuffled, LINES, id_col="parcel_id")
    assert again.index.equals(shuffled.index)
    again = again.set_index("parcel_id").loc[base.index]
    np.testing.assert_allclose(again[RESULT_COLUMNS], base[RESULT_COLUMNS], rtol=1e-9, atol=1e-6)
    assert again["status"].tolist() == base["status"].tolist()


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rects=rects, dx=st.floats(-5000, 5000), dy=st.floats(-5000, 5000))
def test_translating_features_and_lines_together_keeps_the_areas(rects, dx, dy):
    parcels = layer([box(*r) for r in rects])
    base = check(parcels, LINES)
    moved = check(
        parcels.translate(dx, dy).to_frame("geometry"),
        {k: v.translate(dx, dy).to_frame("geometry") for k, v in LINES.items()},
    )
    np.testing.assert_allclose(moved[RESULT_COLUMNS], base[RESULT_COLUMNS], rtol=1e-7, atol=1e-4)
    for column in RESULT_COLUMNS[1:]:
        assert (moved[column] <= moved["area_m2"] + 1e-6).all()


# ------------------------------------------------------------------ errors


def test_bad_inputs_raise_landkit_errors_naming_the_problem():
    parcels = layer([box(0, 0, 10, 10)])
    with pytest.raises(lk.InputError, match="redline"):
        check(parcels, {"redline": layer([])})
    with pytest.raises(lk.CRSError, match="features"):
        check(gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)]), {})
    with pytest.raises(lk.CRSError, match="ecological_redline"):
        check(parcels, {"ecological_redline": gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)])})
    with pytest.raises(lk.SchemaError, match="parcel_id"):
        check(parcels, {}, id_col="parcel_id")
    with pytest.raises(lk.InputError, match="tolerance"):
        check(parcels, {}, tolerance_m2=-1)
    points = layer([shapely.Point(X0, Y0), box(0, 0, 1, 1)], parcel_id=["PT", "OK"])
    with pytest.raises(lk.GeometryError, match="PT"):
        check(points, {}, id_col="parcel_id")


def test_a_geopackage_without_line_layers_is_refused(tmp_path):
    path = tmp_path / "other.gpkg"
    lk.write_layers({"roads": layer([box(0, 0, 1, 1)])}, path)
    with pytest.raises(lk.InputError, match="none of the line layers"):
        check(layer([box(0, 0, 1, 1)]), path)
    with pytest.raises(lk.InputError, match="no such file"):
        check(layer([box(0, 0, 1, 1)]), tmp_path / "missing.gpkg")


def test_lines_from_a_folder_or_a_geopackage_give_the_mapping_result(tmp_path):
    parcels = layer([box(0, 0, 100, 100), box(200, 0, 100, 100)], parcel_id=["A", "B"])
    lines = {
        "ecological_redline": layer([box(50, 0, 200, 100)]),
        "urban_boundary": layer([box(-100, -100, 250, 300)]),
    }
    expected = check(parcels, lines, id_col="parcel_id")
    gpkg = lk.write_layers(lines, tmp_path / "lines.gpkg")
    folder = tmp_path / "lines"
    for key, line in lines.items():
        lk.write_layer(line, folder / f"{key}.geojson")
    for source in (gpkg, folder, str(folder)):
        result = check(parcels, source, id_col="parcel_id")
        pd.testing.assert_frame_equal(
            pd.DataFrame(result.drop(columns="geometry")),
            pd.DataFrame(expected.drop(columns="geometry")),
        )


# ------------------------------------------------------------------ summary


def test_park_summary_counts_and_sums_by_hand():
    parcels = layer(
        [box(0, 0, 100, 100), box(200, 0, 100, 100), box(2000, 0, 100, 100), None],
        parcel_id=["A", "B", "C", "D"],
        park_id=["K1", "K1", "K2", "K2"],
    )
    red = layer([box(50, 0, 200, 100)])  # A: 5000, B: 5000
    urban = layer([box(-100, -100, 600, 600)])  # C outside: 10000
    result = check(parcels, {"ecological_redline": red, "urban_boundary": urban})
    summary = lk.park_three_line_summary(result)
    assert summary.index.tolist() == ["K1", "K2"]
    assert summary["feature_count"].tolist() == [2, 2]
    assert summary["violation_count"].tolist() == [2, 1]
    assert summary["no_geometry_count"].tolist() == [0, 1]
    assert summary["ecological_redline_count"].tolist() == [2, 0]
    assert summary["ecological_redline_m2"].tolist() == [10000.0, 0.0]
    assert summary["ecological_redline_mu"].tolist() == [15.0, 0.0]
    assert summary["outside_urban_boundary_count"].tolist() == [0, 1]
    assert summary["outside_urban_boundary_ha"].tolist() == [0.0, 1.0]
    assert summary["basic_farmland_m2"].isna().all()
    assert summary["area_m2"].tolist() == [20000.0, 10000.0]
    overall = lk.park_three_line_summary(result, park_col=None)
    assert overall.loc["all", "violation_count"] == 3
    with pytest.raises(lk.SchemaError, match="status"):
        lk.park_three_line_summary(parcels)


# ---------------------------------------------------------------------- CLI


def _write_inputs(tmp_path, parcels, lines):
    features = tmp_path / "parcels.gpkg"
    line_path = tmp_path / "lines.gpkg"
    lk.write_layers({"parcels": parcels}, features)
    lk.write_layers(lines, line_path)
    return features, line_path


def test_cli_check_writes_result_pieces_and_summary(tmp_path, capsys):
    parcels = layer(
        [box(0, 0, 100, 100), box(300, 0, 100, 100)], parcel_id=["A", "B"], park_id=["K", "K"]
    )
    features, lines = _write_inputs(
        tmp_path, parcels, {"ecological_redline": layer([box(50, 0, 100, 100)])}
    )
    out = tmp_path / "out.gpkg"
    argv = ["check", str(features), "--lines", str(lines), "--out", str(out)]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "违规 1 个" in printed and "7.50 亩" in printed
    names = {str(n) for n, _ in pyogrio.list_layers(out)}
    assert {"three_lines", "three_line_pieces", "three_line_summary", "landkit_provenance"} <= names
    written = pyogrio.read_dataframe(out, layer="three_lines")
    assert written["status"].tolist() == ["violation", "compliant"]
    summary = pyogrio.read_dataframe(out, layer="three_line_summary")
    assert summary["park_id"].tolist() == ["K"]
    prov = pyogrio.read_dataframe(out, layer="landkit_provenance")
    assert "tolerance_m2" in set(prov["key"])
    assert main([*argv, "--fail-on-findings"]) == 1


def test_cli_check_exit_0_with_fail_on_findings_when_compliant(tmp_path):
    parcels = layer([box(0, 0, 100, 100)], parcel_id=["A"])
    features, lines = _write_inputs(
        tmp_path, parcels, {"basic_farmland": layer([box(500, 0, 10, 10)])}
    )
    out = tmp_path / "out.gpkg"
    argv = ["check", str(features), "--lines", str(lines), "--out", str(out), "--fail-on-findings"]
    assert main(argv) == 0


def test_cli_check_bad_input_exits_2_and_writes_nothing(tmp_path, capsys):
    parcels = layer([box(0, 0, 100, 100)], parcel_id=["A"])
    features, _ = _write_inputs(tmp_path, parcels, {"roads": layer([box(0, 0, 1, 1)])})
    out = tmp_path / "out.gpkg"
    code = main(["check", str(features), "--lines", str(features), "--out", str(out)])
    assert code == 2
    assert "none of the line layers" in capsys.readouterr().err
    assert not out.exists()
    assert main(["check", str(features), "--lines", str(features), "--out", "x.csv"]) == 2


def test_a_line_layer_of_lines_is_refused():
    boundary = layer([box(0, 0, 500, 500).exterior])  # drawn as a line, not a polygon
    with pytest.raises(lk.GeometryError, match="urban_boundary"):
        check(layer([box(0, 0, 10, 10)]), {"urban_boundary": boundary})


def test_tiles_partition_the_region_into_small_pieces():
    from landkit.constraints import _TILE_VERTICES, _tiles

    region = shapely.union_all(
        [_wavy_polygon(0, 0, 1000, 5000, 1), _wavy_polygon(800, 0, 600, 3000, 2)]
    )
    tiles = _tiles(region)
    assert len(tiles) > 50
    assert shapely.get_num_coordinates(tiles).max() <= _TILE_VERTICES
    assert shapely.area(tiles).sum() == pytest.approx(region.area, rel=1e-12)
    assert shapely.union_all(tiles).symmetric_difference(region).area < 1e-6


# ------------------------------------------------------------- sample data


def test_sample_cases_get_the_expected_findings(sample_path, sample_parcels):
    result = check(sample_parcels, sample_path, id_col="parcel_id")
    by_case = result.dropna(subset=["case"]).groupby("case")
    found = {case: set(";".join(rows["violations"]).split(";")) for case, rows in by_case}
    assert "ecological_redline" in found["crosses_redline"]
    assert "basic_farmland" in found["crosses_farmland"]
    assert "urban_boundary" in found["outside_urban_boundary"]
    hole = result[result["case"] == "redline_hole"]
    assert len(hole) and (hole["ecological_redline_m2"] == 0).all()
    assert (hole["status"] == "compliant").all()
    assert result.loc[result["case"] == "invalid_bowtie", "geometry_repaired"].all()
    assert result.attrs["landkit_provenance"]["area_crs"] == "EPSG:4543"


@pytest.mark.parametrize("layer_name", ["parcels", "parks"])
def test_agrees_with_geopandas_overlay_on_the_sample(
    layer_name, sample_path, sample_layer, sample_lines
):
    features = sample_layer(layer_name)
    id_col = "parcel_id" if layer_name == "parcels" else "park_id"
    result = check(features, sample_path, id_col=id_col)
    valid = features[features.is_valid & ~features.geometry.is_empty].copy()
    valid["parcel_id"] = valid[id_col]  # the helper groups by parcel_id
    checked = result.loc[valid.index]
    for key, line in sample_lines.items():
        how = "difference" if key == "urban_boundary" else "intersection"
        expected = _overlay_areas(valid, line, how)
        np.testing.assert_allclose(checked[line_columns(key)[0]], expected, rtol=0, atol=0.01)
    assert (result["status"] == "violation").any()


def test_rule_table_names_the_forbidden_side_of_each_line():
    from landkit import standards

    sides = {key: standards.rule("three_lines", key) for key in LINE_KEYS}
    assert sides == {
        "ecological_redline": "inside",
        "basic_farmland": "inside",
        "urban_boundary": "outside",
    }
    prov = check(layer([box(0, 0, 1, 1)]), {"basic_farmland": layer([])}).attrs
    assert "土地管理法" in prov["landkit_provenance"]["legal_basis.basic_farmland"]


def test_progress_callable_hears_each_line():
    messages = []
    lines = {"ecological_redline": layer([box(0, 0, 5, 5)]), "urban_boundary": layer([])}
    check(layer([box(0, 0, 10, 10)]), lines, progress=messages.append)
    assert len(messages) == 2
    assert "ecological_redline" in messages[0] and "urban_boundary" in messages[1]


@pytest.mark.slow
def test_a_feature_gets_the_same_areas_whichever_features_come_with_it():
    # what makes a partitioned (Dask) run equal to the whole run: no area depends on the others
    rng = np.random.default_rng(7)
    angles = np.linspace(0, 2 * np.pi, 3000, endpoint=False)
    radius = 2600 + 150 * np.sin(angles * 37) + rng.uniform(-20, 20, angles.size)
    wavy = shapely.Polygon(
        np.column_stack([500_000 + radius * np.cos(angles), 2_770_000 + radius * np.sin(angles)])
    )
    lines = {
        "ecological_redline": gpd.GeoDataFrame(geometry=[wavy, wavy.buffer(-900)], crs=4543),
        "urban_boundary": gpd.GeoDataFrame(geometry=[wavy.buffer(400)], crs=4543),
    }
    xs, ys = np.meshgrid(np.arange(-3400, 3400, 170.0), np.arange(-3400, 3400, 170.0))
    boxes = shapely.box(
        500_000 + xs, 2_770_000 + ys, 500_000 + xs + 150, 2_770_000 + ys + 130
    ).ravel()
    parcels = gpd.GeoDataFrame({"pid": np.arange(boxes.size)}, geometry=boxes, crs=4543)
    whole = lk.check_three_lines(parcels, lines, id_col="pid")
    west = parcels.geometry.centroid.x < 499_000
    parts = pd.concat(
        [
            lk.check_three_lines(parcels[west], lines, id_col="pid"),
            lk.check_three_lines(parcels[~west], lines, id_col="pid"),
        ]
    ).loc[parcels.index]
    columns = ["ecological_redline_m2", "outside_urban_boundary_m2"]
    crossing = (whole[columns[0]] > 0) & (whole[columns[0]] < whole["area_m2"])
    assert crossing.sum() > 50  # the case is not trivial
    np.testing.assert_array_equal(parts[columns].to_numpy(), whole[columns].to_numpy())


def test_parcels_on_and_off_the_grid_lines_and_in_threads_give_exact_areas(monkeypatch):
    from landkit import constraints

    # X0, Y0 lie on the fixed 2 km grid: the first parcel straddles a grid line,
    # the second sits inside one cell, the third inside a cell wholly on the red line
    features = layer([box(-50, 100, 100, 100), box(500, 100, 100, 100), box(1200, 1200, 50, 50)])
    red = layer([box(-1000, 150, 3000, 1500)])
    lines = {"ecological_redline": red, "urban_boundary": red}
    expected = [5000.0, 5000.0, 2500.0]
    single = check(features, lines)
    assert single["ecological_redline_m2"].tolist() == pytest.approx(expected, abs=1e-6)
    assert single["outside_urban_boundary_m2"].tolist() == pytest.approx([5000, 5000, 0], abs=1e-6)
    monkeypatch.setattr(constraints, "_THREADED_MIN", 1)  # every shapely step in two threads
    threaded = check(features, lines)
    pd.testing.assert_frame_equal(single, threaded)
