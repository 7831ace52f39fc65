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
            # granted in 2015: standard="auto" applies the 2008 edition
            "grant_date": pd.to_datetime(["2015-06-01"] * 5),
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
    # T1: exactly 8 m, not higher → once (100); T2: two storeys averaging 8.5 m — which
    # storey is over 8 m is unknown (12 + 5 m is as possible as 8.5 + 8.5 m), so it is
    # counted once (200) with an upper bound of twice (400) and flagged;
    # T3: a given 9 m storey height → twice (200)
    assert r["floor_area_m2"] == pytest.approx(100 + 200 + 100)
    assert r["counted_floor_area_m2"] == pytest.approx(100 + 200 + 200)
    assert r["counted_floor_area_upper_m2"] == pytest.approx(100 + 400 + 200)
    assert r["storey_heights_unknown"]
    # 0.05 ≤ plot ratio ≤ 0.07 on 10 000 m², both below industry 26's 0.6: decided
    assert not r["meets_plot_ratio"]


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


# ---------------------------------------------------------------- issue 14: items 8–11


def one_parcel(**columns) -> gpd.GeoDataFrame:
    """A 100 m × 100 m industrial parcel (10 000 m² = 15 亩) of chemicals (26), granted 2015."""
    data = {
        "parcel_id": ["Q1"],
        "park_id": ["K1"],
        "land_use": ["1001"],
        "industry_code": ["26"],
        "grant_date": pd.to_datetime(["2015-06-01"]),
    }
    data.update({k: [v] for k, v in columns.items()})
    return gpd.GeoDataFrame(data, geometry=[box(0, 0, 100, 100)], crs=4543)


def one_building(floors, height, side=(0, 0, 10, 10), **columns) -> gpd.GeoDataFrame:
    data = {"building_id": ["H1"], "floors": [floors], "height_m": [height]}
    data.update({k: [v] for k, v in columns.items()})
    return gpd.GeoDataFrame(data, geometry=[box(*side)], crs=4543)


def test_two_storeys_12_and_5_m_double_only_the_tall_one():
    # footprint 100 m² (10 × 10), storeys 12 m and 5 m, 100 m² each:
    # counted = 2 × 100 (12 m storey) + 100 (5 m storey) = 300, never 400
    storeys = pd.DataFrame(
        {"building_id": ["H1", "H1"], "storey_height_m": [12.0, 5.0], "floor_area_m2": [100.0, 100.0]}
    )
    r = parcel_metrics(one_parcel(), one_building(2, 17.0), storeys=storeys).iloc[0]
    assert r["floor_area_m2"] == pytest.approx(200.0)
    assert r["counted_floor_area_m2"] == pytest.approx(300.0)
    assert r["counted_floor_area_upper_m2"] == pytest.approx(300.0)
    assert not r["storey_heights_unknown"]
    # the same building described by tall_storey_area_m2 (100 m² on storeys over 8 m)
    b = one_building(2, 17.0, tall_storey_area_m2=100.0)
    r = parcel_metrics(one_parcel(), b).iloc[0]
    assert r["counted_floor_area_m2"] == pytest.approx(300.0)
    # Chinese column names of a storeys table
    zh = storeys.rename(columns={"building_id": "建筑编号", "storey_height_m": "层高", "floor_area_m2": "建筑面积"})
    r = parcel_metrics(one_parcel(), one_building(2, 17.0), storeys=zh).iloc[0]
    assert r["counted_floor_area_m2"] == pytest.approx(300.0)


def test_single_storey_over_8_m_is_doubled():
    # one 9 m storey on 100 m²: counted 200 m²; plot ratio 200 / 10 000 = 0.02
    r = parcel_metrics(one_parcel(), one_building(1, 9.0)).iloc[0]
    assert r["floor_area_m2"] == pytest.approx(100.0)
    assert r["counted_floor_area_m2"] == pytest.approx(200.0)
    assert r["plot_ratio"] == pytest.approx(0.02)
    assert not r["storey_heights_unknown"]


def test_three_storeys_27_m_flagged_and_undecided_only_when_it_matters():
    # 3 storeys, 27 m (average 9 m): which storeys exceed 8 m is unknown.
    # Footprint 60 × 60 = 3 600 m²; gross 10 800 m² → plot ratio 1.08; all doubled 21 600 → 2.16
    b = one_building(3, 27.0, side=(0, 0, 60, 60))
    r = parcel_metrics(one_parcel(), b).iloc[0]
    assert r["storey_heights_unknown"]
    assert r["plot_ratio"] == pytest.approx(1.08)
    assert r["plot_ratio_upper"] == pytest.approx(2.16)
    # minimum 0.6 (industry 26) ≤ 1.08: met whatever the storeys are
    assert r["meets_plot_ratio"]
    # a contract minimum of 1.5 lies between 1.08 and 2.16: the answer depends on the storeys
    r = parcel_metrics(one_parcel(contract_plot_ratio_min=1.5), b).iloc[0]
    assert pd.isna(r["meets_plot_ratio"])
    assert "storey heights" in r["reason"] and "H1" in r["reason"]
    assert "plot_ratio" in r["not_evaluated"]
    # a contract minimum of 2.5 is above even the fully doubled ratio: not met
    r = parcel_metrics(one_parcel(contract_plot_ratio_min=2.5), b).iloc[0]
    assert not r["meets_plot_ratio"]


def test_structures_and_yards_count_in_coefficient_only():
    # building 20 × 20 = 400 m², 2 floors → 800 m² floor area; tank (构筑物) 10 × 10 = 100 m²
    # with 5 "floors" recorded → no floor area; yard 1 500 m².
    # coefficient = (400 + 100 + 1 500) / 10 000 = 0.20; plot ratio = 800 / 10 000 = 0.08
    b = gpd.GeoDataFrame(
        {
            "building_id": ["F1", "T1"],
            "floors": [2, 5],
            "height_m": [8.0, 20.0],
            "建筑类型": ["建筑物", "构筑物"],
        },
        geometry=[box(0, 0, 20, 20), box(50, 50, 60, 60)],
        crs=4543,
    )
    r = parcel_metrics(one_parcel(yard_area_m2=1500.0), b).iloc[0]
    assert r["floor_area_m2"] == pytest.approx(800.0)
    assert r["counted_floor_area_m2"] == pytest.approx(800.0)
    assert r["footprint_area_m2"] == pytest.approx(400.0)
    assert r["structure_area_m2"] == pytest.approx(100.0)
    assert r["building_coefficient"] == pytest.approx(0.20)
    assert r["plot_ratio"] == pytest.approx(0.08)
    with pytest.raises(SchemaError, match="building_type"):
        parcel_metrics(one_parcel(), b.assign(建筑类型=["建筑物", "棚子"]))


def test_edition_by_grant_date():
    # 2010 grant → 2008 edition (building coefficient ≥ 0.30, plot ratio table 0.6 for 26);
    # 2024 grant → 2023 edition, whose plot-ratio table slot is empty → not evaluated
    parcels = pd.concat(
        [
            one_parcel(grant_date=pd.Timestamp("2010-05-01")),
            one_parcel(grant_date=pd.Timestamp("2024-03-01")).assign(parcel_id="Q2"),
            one_parcel(grant_date=pd.NaT).assign(parcel_id="Q3"),
        ],
        ignore_index=True,
    )
    parcels = gpd.GeoDataFrame(parcels, crs=4543)
    b = one_building(1, 6.0, side=(0, 0, 100, 80))  # 8 000 m²: coefficient 0.8, ratio 0.8
    r = parcel_metrics(parcels, b).set_index("parcel_id")
    assert r.loc["Q1", "standard_edition"] == "national-2008"
    assert r.loc["Q1", "plot_ratio_min"] == pytest.approx(0.6)
    assert r.loc["Q1", "building_coefficient_min"] == pytest.approx(0.30)
    assert r.loc["Q2", "standard_edition"] == "national-2023"
    assert pd.isna(r.loc["Q2", "meets_plot_ratio"])
    assert "plot_ratio" in r.loc["Q2", "not_evaluated"]
    assert "empty slot" in r.loc["Q2", "reason"]
    assert r.loc["Q2", "building_coefficient_min"] == pytest.approx(0.40)  # unconfirmed
    assert r.loc["Q2", "threshold_status"] == "unconfirmed"
    assert r.loc["Q3", "standard_edition"] is None
    assert pd.isna(r.loc["Q3", "meets_building_coefficient"])
    assert "no grant_date" in r.loc["Q3", "reason"]
    # an explicit edition applies to every parcel
    fixed = parcel_metrics(parcels, b, standard="national-2008")
    assert (fixed["standard_edition"] == "national-2008").all()


def test_investment_intensity_by_region_class():
    # invested 2 700 + land price 300 = 3 000 万元 on 15 亩 → 200 万元/亩 (3 000 万元/公顷)
    parcels = pd.concat(
        [
            one_parcel(invested_wan_yuan=2700.0, land_price_wan_yuan=300.0, county="官渡区"),
            one_parcel(invested_wan_yuan=2700.0, land_price_wan_yuan=300.0, county="晋宁区"),
            one_parcel(invested_wan_yuan=2700.0, land_price_wan_yuan=300.0, region_class="第五类"),
            one_parcel(invested_wan_yuan=2700.0, land_price_wan_yuan=300.0),
        ],
        ignore_index=True,
    )
    parcels = gpd.GeoDataFrame(parcels.assign(parcel_id=["Q1", "Q2", "Q3", "Q4"]), crs=4543)
    classes = pd.DataFrame({"所在县区": ["官渡区", "晋宁区"], "土地等别": ["七等", "十五等"]})
    r = parcel_metrics(parcels, region_classes=classes).set_index("parcel_id")
    # land grade 七等 → class 4, 十五等 → class 7 (grouping table, unconfirmed)
    assert r["region_class"].tolist()[:3] == [4, 7, 5]
    assert pd.isna(r.loc["Q4", "region_class"])
    # the national 2008 table's cells are empty slots: not evaluated, and the basis says so
    assert pd.isna(r.loc["Q1", "meets_investment_intensity"])
    assert r.loc["Q1", "investment_intensity_basis"] == (
        "national-2008 投资强度表 第四类 × 26: empty slot"
    )
    assert "no region_class" in r.loc["Q4", "reason"]
    # a local table by class and industry (万元/亩): class 4 needs 180, class 7 needs 250
    local = pd.DataFrame(
        {
            "indicator": ["investment_intensity"] * 2,
            "industry_code": ["26", "26"],
            "region_class": ["四类", 7],
            "min": [180.0, 250.0],
        }
    )
    r = parcel_metrics(parcels, region_classes=classes, local_standard=local).set_index("parcel_id")
    assert r.loc["Q1", "investment_intensity_wan_yuan_per_mu"] == pytest.approx(200.0)
    assert r.loc["Q1", "investment_intensity_min"] == pytest.approx(180.0)
    assert r.loc["Q1", "meets_investment_intensity"]
    assert not r.loc["Q2", "meets_investment_intensity"]  # 200 < 250
    assert r.loc["Q2", "investment_intensity_basis"] == "local_standard 第七类 × 26"
    assert pd.isna(r.loc["Q3", "meets_investment_intensity"])  # class 5: no row
    # a mapping county → class works too
    r = parcel_metrics(parcels, region_classes={"官渡区": 3}).set_index("parcel_id")
    assert r.loc["Q1", "region_class"] == 3


def test_region_class_from_the_park():
    # the park's 地区分类 (三类) or its county fills in for parcels that give none
    parks = pd.DataFrame({"园区编号": ["K1", "K2"], "地区分类": ["三类", None], "所在县区": [None, "晋宁区"]})
    parcels = gpd.GeoDataFrame(
        pd.concat([one_parcel(), one_parcel().assign(parcel_id="Q2", park_id="K2")], ignore_index=True),
        crs=4543,
    )
    r = parcel_metrics(parcels, parks=parks, region_classes={"晋宁区": "第七类"})
    assert r["region_class"].tolist() == [3, 7]
    assert r["investment_intensity_basis"].tolist() == [
        "national-2008 投资强度表 第三类 × 26: empty slot",
        "national-2008 投资强度表 第七类 × 26: empty slot",
    ]
    with pytest.raises(SchemaError, match="region_class"):
        parcel_metrics(parcels.assign(region_class="八类"))


def test_attributes_with_structures_yards_and_tall_storeys(tmp_path):
    # no buildings layer: floor 6 000 m² of which 1 000 m² on storeys over 8 m → counted
    # 7 000 m², plot ratio 0.7; coefficient (2 500 + 300 structures + 1 200 yard) / 10 000 = 0.4
    p = one_parcel(
        floor_area_m2=6000.0,
        tall_storey_area_m2=1000.0,
        footprint_area_m2=2500.0,
        structure_area_m2=300.0,
        露天堆场面积=1200.0,
    )
    r = parcel_metrics(p).iloc[0]
    assert r["counted_floor_area_m2"] == pytest.approx(7000.0)
    assert r["plot_ratio"] == pytest.approx(0.7)
    assert r["building_coefficient"] == pytest.approx(0.4)
    # a county → class table read from CSV (land grades)
    path = tmp_path / "classes.csv"
    path.write_text("所在县区,土地等别\n官渡区,7\n", encoding="utf-8")
    r = parcel_metrics(one_parcel(county="官渡区"), region_classes=path).iloc[0]
    assert r["region_class"] == 4


def test_undecided_plot_ratio_names_the_storeys_not_a_missing_value():
    b = one_building(3, 27.0, side=(0, 0, 60, 60))  # plot ratio 1.08 … 2.16 (see above)
    r = parcel_metrics(one_parcel(contract_plot_ratio_min=1.5), b).iloc[0]
    assert "no value to judge: plot_ratio" not in r["reason"]
    # under the 2023 edition the slot is empty: the reason is the slot, not the storeys
    r = parcel_metrics(one_parcel(grant_date=pd.Timestamp("2024-01-10")), b).iloc[0]
    assert pd.isna(r["meets_plot_ratio"])
    assert "empty slot" in r["reason"] and "storey heights (give" not in r["reason"]
