"""Parcel metrics: hand-worked parcels, the 8 m rule, the crosswalk, contracts, NaN not inf."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

import landkit as lk
from landkit.errors import InputError, SchemaError
from landkit.metrics import parcel_metrics

X0, Y0 = 500_000.0, 2_760_000.0  # EPSG:4543, near Kunming


def box(x0, y0, x1, y1):
    return shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


def make_parcels(index=None) -> gpd.GeoDataFrame:
    """Five parcels whose figures are worked out by hand in the tests below."""
    frame = gpd.GeoDataFrame(
        {
            "parcel_id": ["P1", "P2", "P3", "P4", "P5"],
            "park_id": ["K1"] * 5,
            "land_use": ["1001", "100101", "0701", "1001", "1001"],
            "industry_code": ["26", "29", None, "30", "39"],
            "invested_wan_yuan": [3000.0, np.nan, 1000.0, 10.0, 500.0],
            "land_price_wan_yuan": [600.0, 400.0, 800.0, 5.0, 100.0],
            "planned_investment_wan_yuan": [4500.0, 2000.0, np.nan, 10.0, 600.0],
            "output_wan_yuan": [7500.0, np.nan, np.nan, 0.0, 900.0],
            "tax_wan_yuan": [300.0, 50.0, np.nan, 0.0, 45.0],
            "green_area_m2": [1500.0, 0.0, 900.0, 0.0, 0.0],
            "admin_land_area_m2": [800.0, np.nan, np.nan, 0.0, 100.0],
            "admin_floor_area_m2": [np.nan, 480.0, np.nan, np.nan, np.nan],
            "contract_plot_ratio_min": [np.nan, np.nan, np.nan, np.nan, 0.3],
            "contract_plot_ratio_max": [np.nan, np.nan, np.nan, np.nan, 0.4],
        },
        geometry=[
            box(0, 0, 100, 100),  # P1: 10 000 m² = 15 亩
            box(100, 0, 200, 100),  # P2: 10 000 m²
            box(0, 200, 50, 250),  # P3: 2 500 m², residential
            shapely.Polygon(),  # P4: empty, area 0
            box(300, 0, 400, 50),  # P5: 5 000 m² = 7.5 亩
        ],
        crs=4543,
    )
    if index is not None:
        frame.index = index
    return frame


def make_buildings() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "building_id": ["B1", "B2", "B3", "B4"],
            "floors": [3, 1, 2, 5],
            "height_m": [12.0, 10.0, 7.0, 15.0],
        },
        geometry=[
            box(10, 10, 50, 60),  # B1 in P1: 2 000 m², storey 4 m
            box(80, 0, 120, 20),  # B2 across P1|P2: 800 m² (400 + 400), storey 10 m > 8 m
            box(130, 30, 180, 70),  # B3 in P2: 2 000 m², storey 3.5 m
            box(310, 5, 350, 25),  # B4 in P5: 800 m², 5 floors → 4 000 m²
        ],
        crs=4543,
    )


@pytest.fixture
def result() -> pd.DataFrame:
    return parcel_metrics(make_parcels(), make_buildings())


def test_areas_and_floor_areas_by_hand(result):
    r = result.set_index("parcel_id")
    assert r.loc["P1", "area_m2"] == pytest.approx(10_000.0)
    assert r.loc["P1", "area_mu"] == pytest.approx(15.0)
    assert r.loc["P1", "area_ha"] == pytest.approx(1.0)
    # P1: B1 2000 m² × 3 floors + half of B2 (400 m²) × 1 floor, counted twice (10 m storey)
    assert r.loc["P1", "footprint_area_m2"] == pytest.approx(2400.0)
    assert r.loc["P1", "floor_area_m2"] == pytest.approx(6400.0)
    assert r.loc["P1", "counted_floor_area_m2"] == pytest.approx(6800.0)
    assert r.loc["P1", "plot_ratio"] == pytest.approx(0.68)
    assert r.loc["P1", "building_coefficient"] == pytest.approx(0.24)
    # P2: the other half of B2 (400 m², counted twice) + B3 2000 m² × 2
    assert r.loc["P2", "counted_floor_area_m2"] == pytest.approx(800.0 + 4000.0)
    assert r.loc["P2", "plot_ratio"] == pytest.approx(0.48)
    assert r.loc["P3", "plot_ratio"] == 0.0
    assert r.loc["P5", "plot_ratio"] == pytest.approx(4000.0 / 5000.0)


def test_building_over_two_parcels_is_split_by_area(result):
    r = result.set_index("parcel_id")
    # B2 is 800 m²: each parcel holds 400 m² of its footprint
    assert r.loc["P1", "footprint_area_m2"] - 2000.0 == pytest.approx(400.0)
    assert r.loc["P2", "footprint_area_m2"] - 2000.0 == pytest.approx(400.0)
    # total footprint is conserved
    assert result["footprint_area_m2"].sum() == pytest.approx(2000 + 800 + 2000 + 800)


def test_money_and_shares_by_hand(result):
    r = result.set_index("parcel_id")
    assert r.loc["P1", "investment_intensity_wan_yuan_per_mu"] == pytest.approx(3600 / 15)
    assert r.loc["P1", "investment_intensity_wan_yuan_per_ha"] == pytest.approx(3600.0)
    assert r.loc["P1", "planned_investment_intensity_wan_yuan_per_mu"] == pytest.approx(5100 / 15)
    assert r.loc["P1", "output_per_mu_wan_yuan"] == pytest.approx(500.0)
    assert r.loc["P1", "tax_per_mu_wan_yuan"] == pytest.approx(20.0)
    assert r.loc["P1", "green_ratio"] == pytest.approx(0.15)
    assert r.loc["P1", "admin_share"] == pytest.approx(0.08)
    assert r.loc["P1", "admin_share_basis"] == "land"
    # P2 has no admin land: the floor-area share stands in (480 of 400 + 4000 m²)
    assert r.loc["P2", "admin_share"] == pytest.approx(480 / 4400)
    assert r.loc["P2", "admin_share_basis"] == "floor_area"
    # P2 has no invested amount: NaN with its reason
    assert np.isnan(r.loc["P2", "investment_intensity_wan_yuan_per_mu"])
    assert "invested_wan_yuan missing" in r.loc["P2", "reason"]


def test_control_indicators_national_2008(result):
    r = result.set_index("parcel_id")
    # 26 chemicals: minimum 0.6; 0.68 meets it
    assert r.loc["P1", "plot_ratio_min"] == pytest.approx(0.6)
    assert r.loc["P1", "meets_plot_ratio"] is True or bool(r.loc["P1", "meets_plot_ratio"])
    assert not r.loc["P1", "meets_building_coefficient"]  # 24 % < 30 %
    assert r.loc["P1", "building_coefficient_min"] == pytest.approx(0.30)
    assert bool(r.loc["P1", "meets_green_ratio"])  # 15 % ≤ 20 %
    assert not r.loc["P1", "meets_admin_share"]  # 8 % > 7 %
    assert r.loc["P1", "admin_share_max"] == pytest.approx(0.07)
    assert pd.isna(r.loc["P1", "meets_investment_intensity"])  # no national table values
    assert "investment_intensity" in r.loc["P1", "not_evaluated"]
    for column in ("meets_plot_ratio", "meets_building_coefficient", "meets_investment_intensity"):
        assert str(result[column].dtype) == "boolean"


def test_industry_code_through_the_crosswalk(result):
    r = result.set_index("parcel_id")
    # current 29 (rubber and plastics) = 2002 29 (0.8) + 30 (1.0): the lower minimum, flagged
    assert r.loc["P2", "industry_code_2002"] == "29|30"
    assert r.loc["P2", "plot_ratio_min"] == pytest.approx(0.8)
    assert bool(r.loc["P2", "crosswalk_ambiguous"])
    assert not r.loc["P2", "meets_plot_ratio"]  # 0.48 < 0.8
    # current 26 is 2002 26, one to one
    assert r.loc["P1", "industry_code_2002"] == "26"
    assert not r.loc["P1", "crosswalk_ambiguous"]


def test_same_code_different_edition_gives_different_minimum():
    parcels = make_parcels().iloc[[0]].copy()
    parcels["industry_code"] = "30"
    current = parcel_metrics(parcels, industry_code_edition=2017)
    old = parcel_metrics(parcels, industry_code_edition=2002)
    # 2017 code 30 is non-metallic minerals (2002 code 31, minimum 0.7);
    # 2002 code 30 is plastics (minimum 1.0)
    assert current["industry_code_2002"].iloc[0] == "31"
    assert current["plot_ratio_min"].iloc[0] == pytest.approx(0.7)
    assert old["industry_code_2002"].iloc[0] == "30"
    assert old["plot_ratio_min"].iloc[0] == pytest.approx(1.0)


def test_contract_maximum_exceeded(result):
    r = result.set_index("parcel_id")
    # P5: 4000 m² of floor on 5000 m² = 0.8, above the contract's 0.4 maximum
    assert r.loc["P5", "plot_ratio_max"] == pytest.approx(0.4)
    assert r.loc["P5", "plot_ratio_min"] == pytest.approx(0.3)
    assert not r.loc["P5", "meets_plot_ratio"]
    assert r.loc["P5", "threshold_status"] in ("user", "unconfirmed")


def test_eight_metre_rule_boundaries():
    parcels = make_parcels().iloc[[0]].copy()
    b = gpd.GeoDataFrame(
        {
            "building_id": ["T1", "T2", "T3"],
            "floors": [1, 2, 1],
            "height_m": [8.0, 17.0, np.nan],
            "storey_height_m": [np.nan, np.nan, 9.0],
        },
        geometry=[box(0, 0, 10, 10), box(20, 0, 30, 10), box(40, 0, 50, 10)],
        crs=4543,
    )
    r = parcel_metrics(parcels, b).iloc[0]
    # T1: exactly 8 m, not higher → once (100); T2: 8.5 m storeys → twice (2 × 2 × 100);
    # T3: a given 9 m storey height → twice (200)
    assert r["floor_area_m2"] == pytest.approx(100 + 200 + 100)
    assert r["counted_floor_area_m2"] == pytest.approx(100 + 400 + 200)


def test_zero_area_gives_nan_not_inf(result):
    r = result.set_index("parcel_id").loc["P4"]
    numeric = [
        "plot_ratio",
        "building_coefficient",
        "green_ratio",
        "admin_share",
        "investment_intensity_wan_yuan_per_mu",
        "output_per_mu_wan_yuan",
        "tax_per_mu_wan_yuan",
    ]
    assert all(np.isnan(r[c]) for c in numeric)
    assert "parcel area is 0" in r["reason"]
    assert not np.isinf(result.select_dtypes("number").to_numpy(dtype=float)).any()


def test_residential_parcel_is_not_judged(result):
    r = result.set_index("parcel_id").loc["P3"]
    assert pd.isna(r["meets_plot_ratio"]) and pd.isna(r["meets_building_coefficient"])
    assert "not industrial land" in r["reason"]


@pytest.mark.parametrize(
    "index",
    [None, pd.Index([10, 3, 7, 1, 99]), pd.Index(["e", "d", "c", "b", "a"])],
    ids=["range", "int", "str"],
)
def test_results_on_the_input_index(index):
    parcels = make_parcels(index)
    before = parcels.copy()
    out = parcel_metrics(parcels, make_buildings())
    assert out.index.equals(parcels.index)
    pd.testing.assert_frame_equal(parcels, before)  # input not mutated
    assert out["plot_ratio"].iloc[0] == pytest.approx(0.68)


def test_attributes_used_without_buildings():
    parcels = make_parcels()
    parcels["floor_area_m2"] = [12_000.0, 5000.0, 5000.0, 0.0, np.nan]
    parcels["footprint_area_m2"] = [4000.0, 3000.0, 1000.0, 0.0, np.nan]
    r = parcel_metrics(parcels).set_index("parcel_id")
    assert r.loc["P1", "plot_ratio"] == pytest.approx(1.2)
    assert r.loc["P1", "building_coefficient"] == pytest.approx(0.4)
    assert r.loc["P1", "floor_area_source"] == "attributes"
    assert np.isnan(r.loc["P5", "plot_ratio"])
    assert "floor_area_m2 missing" in r.loc["P5", "reason"]


def test_local_standard_overrides_national():
    local = pd.DataFrame(
        {
            "indicator": ["building_coefficient", "plot_ratio", "investment_intensity"],
            "min": [0.20, 0.5, 200.0],
            "industry_code": [None, "26", None],
        }
    )
    r = parcel_metrics(make_parcels(), make_buildings(), local_standard=local).set_index(
        "parcel_id"
    )
    assert r.loc["P1", "building_coefficient_min"] == pytest.approx(0.20)
    assert bool(r.loc["P1", "meets_building_coefficient"])  # 24 % ≥ 20 %
    assert r.loc["P1", "plot_ratio_min"] == pytest.approx(0.5)
    assert r.loc["P2", "plot_ratio_min"] == pytest.approx(0.8)  # no local row for 29
    assert bool(r.loc["P1", "meets_investment_intensity"])  # 240 ≥ 200 万元/亩
    assert r.loc["P1", "threshold_status"] == "user"


def test_standard_2023_leaves_plot_ratio_unevaluated():
    r = parcel_metrics(make_parcels(), make_buildings(), standard="national-2023")
    r = r.set_index("parcel_id")
    assert pd.isna(r.loc["P1", "meets_plot_ratio"])
    assert r.loc["P1", "threshold_status"] == "unconfirmed"


def test_bad_options_raise():
    with pytest.raises(InputError):
        parcel_metrics(make_parcels(), standard="national-1999")
    with pytest.raises(InputError):
        parcel_metrics(make_parcels(), industry_code_edition=1994)
    with pytest.raises(SchemaError):
        parcel_metrics(make_parcels().drop(columns="parcel_id"))


def overlay_floor_area(parcels: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame) -> pd.Series:
    """Second method: geopandas overlay and groupby (no 8 m rule: storeys below 8 m)."""
    p = parcels[["parcel_id", "geometry"]]
    b = buildings[["floors", "geometry"]]
    pieces = gpd.overlay(p, b, how="intersection", keep_geom_type=True)
    pieces["floor"] = pieces.area * pieces["floors"]
    return pieces.groupby("parcel_id")["floor"].sum().reindex(parcels["parcel_id"], fill_value=0.0)


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(0, 380),
            st.floats(0, 180),
            st.floats(1, 60),
            st.floats(1, 60),
            st.integers(1, 6),
        ),
        min_size=1,
        max_size=12,
    ),
    st.randoms(use_true_random=False),
)
def test_matches_overlay_and_groupby(boxes, rnd):
    parcels = gpd.GeoDataFrame(
        {"parcel_id": [f"P{i}" for i in range(8)]},
        geometry=[
            box(100 * (i % 4), 100 * (i // 4), 100 * (i % 4) + 100, 100 * (i // 4) + 100)
            for i in range(8)
        ],
        crs=4543,
    )
    buildings = gpd.GeoDataFrame(
        {
            "building_id": [f"B{i}" for i in range(len(boxes))],
            "floors": [b[4] for b in boxes],
            "height_m": [3.0 * b[4] for b in boxes],
        },
        geometry=[box(x, y, x + w, y + h) for x, y, w, h, _ in boxes],
        crs=4543,
    )
    order = list(range(len(parcels)))
    rnd.shuffle(order)
    shuffled = parcels.iloc[order]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", lk.errors.GeometryRepairedWarning)
        out = parcel_metrics(shuffled, buildings)
    expected = overlay_floor_area(shuffled, buildings)
    np.testing.assert_allclose(
        out["floor_area_m2"].to_numpy(), expected.to_numpy(), rtol=1e-9, atol=1e-6
    )
    assert out.index.equals(shuffled.index)
    assert (out["building_coefficient"] >= 0).all()


def test_public_name():
    assert lk.parcel_metrics is parcel_metrics


def test_degrees_input_measured_in_its_zone():
    projected = parcel_metrics(make_parcels(), make_buildings())
    degrees = parcel_metrics(make_parcels().to_crs(4490), make_buildings().to_crs(4490))
    for column in ("area_m2", "footprint_area_m2", "plot_ratio", "building_coefficient"):
        np.testing.assert_allclose(
            degrees[column].to_numpy(), projected[column].to_numpy(), rtol=1e-5, equal_nan=True
        )


def test_ellipsoid_areas_close_to_planar():
    planar = parcel_metrics(make_parcels(), make_buildings())
    ellipsoid = parcel_metrics(make_parcels(), make_buildings(), area_method="ellipsoid")
    # a GK zone's central meridian has scale 1: plane and ellipsoid agree to well under 0.1 %
    np.testing.assert_allclose(
        ellipsoid["plot_ratio"].to_numpy(), planar["plot_ratio"].to_numpy(), rtol=1e-3
    )


def test_building_without_floors_gives_nan_with_its_id():
    buildings = make_buildings()
    buildings["floors"] = buildings["floors"].astype(float)
    buildings.loc[0, "floors"] = np.nan
    r = parcel_metrics(make_parcels(), buildings).set_index("parcel_id")
    assert np.isnan(r.loc["P1", "plot_ratio"])
    assert "B1" in r.loc["P1", "reason"]
    assert r.loc["P1", "building_coefficient"] == pytest.approx(0.24)  # footprint still known
    assert r.loc["P2", "plot_ratio"] == pytest.approx(0.48)


def test_cli_metrics(tmp_path, capsys):
    from landkit.cli import main

    source = tmp_path / "in.gpkg"
    lk.write_layers({"parcels": make_parcels(), "buildings": make_buildings()}, source)
    out = tmp_path / "out.gpkg"
    args = ["metrics", str(source), "--layer", "parcels", "--buildings", str(source)]
    assert main([*args, "--out", str(out)]) == 0
    written = lk.read_layer(out, "parcel_metrics")
    assert len(written) == 5 and written["plot_ratio"].iloc[0] == pytest.approx(0.68)
    assert "容积率" in capsys.readouterr().out
    assert main([*args, "--out", str(tmp_path / "again.gpkg"), "--fail-on-findings"]) == 1
    bad = tmp_path / "out.txt"
    assert main([*args, "--out", str(bad)]) == 2
    assert not bad.exists()
    book = tmp_path / "out.xlsx"
    assert main([*args, "--out", str(book)]) == 0
    with pd.ExcelFile(book) as written_book:
        assert "地块指标" in written_book.sheet_names


def test_rule_tables_are_sourced():
    from landkit import standards

    names = [
        "control_indicators",
        "plot_ratio_min_gbt4754_2002",
        "plot_ratio_min_2023",
        "industry_code_crosswalk",
        "land_use_codes",
        "land_status_codes",
        "park_evaluation",
        "mu_benefit_schemes",
        "mu_benefit_grades",
    ]
    for name in names:
        table = standards.load_table(name)
        assert (table["document"] != "").all(), name
        assert table["status"].isin(sorted(standards.STATUSES)).all(), name
    old = standards.load_table("plot_ratio_min_gbt4754_2002")
    assert "38" not in set(old["industry_code"])  # GB/T 4754-2002 has no division 38
    walk = standards.load_table("industry_code_crosswalk")
    for edition in ("2011", "2017"):
        codes = set(walk.loc[walk["edition"] == edition, "industry_code"])
        assert codes == {str(c) for c in range(13, 44)}
    assert (standards.load_table("plot_ratio_min_2023")["status"] == "unconfirmed").all()


def test_missing_industry_code_is_explained():
    parcels = make_parcels().iloc[[0]].copy()
    parcels["industry_code"] = None
    r = parcel_metrics(parcels).iloc[0]
    assert pd.isna(r["meets_plot_ratio"])
    assert "no industry_code" in r["reason"]
