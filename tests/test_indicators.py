"""Park indicators on a five-parcel park worked by hand; land-use mix; 亩均 scoring."""

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
from landkit.errors import DataWarning, InputError, SchemaError
from landkit.indicators import industry_concentration, mu_benefit, park_indicators
from landkit.landuse import map_land_use

X0, Y0 = 500_000.0, 2_760_000.0


def box(x0, y0, x1, y1):
    return shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


def make_parks() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"park_id": ["K1", "K2"], "name": ["甲园区", "乙园区"]},
        geometry=[box(0, 0, 400, 300), box(1000, 0, 1100, 100)],
        crs=4543,
    )


def make_parcels() -> gpd.GeoDataFrame:
    """Park K1: five parcels; K2 has none."""
    return gpd.GeoDataFrame(
        {
            "parcel_id": ["Q1", "Q2", "Q3", "Q4", "Q5"],
            "park_id": ["K1"] * 5,
            "land_use": ["1001", "0901", "1001", "0103", "1701"],
            "land_status": ["A2;D21", "A4;D21", "B21;D21;G", "B22", "C1"],
            "start_status": ["started", "started", "not_started", None, None],
            "grant_date": ["2018-01-01", "2019-05-01", "2021-03-05", None, None],
            "floor_area_m2": [12_000.0, 20_000.0, 0.0, 0.0, 0.0],
            "footprint_area_m2": [4000.0, 3000.0, 0.0, 0.0, 0.0],
            "invested_wan_yuan": [3000.0, 5000.0, 0.0, np.nan, np.nan],
            "land_price_wan_yuan": [600.0, 900.0, 300.0, np.nan, np.nan],
            "tax_wan_yuan": [300.0, 100.0, 0.0, np.nan, np.nan],
        },
        geometry=[
            box(0, 0, 100, 100),  # Q1 10 000 m²
            box(100, 0, 200, 100),  # Q2 10 000 m²
            box(200, 0, 300, 50),  # Q3 5 000 m²
            box(0, 100, 100, 200),  # Q4 10 000 m²
            box(300, 0, 350, 100),  # Q5 5 000 m²
        ],
        crs=4543,
    )


def test_five_parcel_park_by_hand():
    r = park_indicators(make_parks(), make_parcels()).loc["K1"]
    # A = Q1 + Q2 = 20 000; A2 = 10 000; B = Q3 + Q4 = 15 000; B21 = 5 000;
    # D = Q1 + Q2 + Q3 = 25 000; G = 5 000
    assert r["built_up_area_ha"] == pytest.approx(2.0)
    assert r["industrial_area_ha"] == pytest.approx(1.0)
    assert r["land_development_rate"] == pytest.approx(25_000 / 35_000)
    assert r["land_supply_rate"] == pytest.approx(1.0)
    assert r["land_built_rate"] == pytest.approx(0.8)
    assert r["industrial_land_rate"] == pytest.approx(0.5)
    assert r["residential_land_rate"] == pytest.approx(0.0)
    assert r["composite_plot_ratio"] == pytest.approx(32_000 / 20_000)
    assert r["building_density"] == pytest.approx(7_000 / 20_000)
    assert r["industrial_plot_ratio"] == pytest.approx(1.2)
    assert r["industrial_building_coefficient"] == pytest.approx(0.4)
    assert r["industrial_investment_intensity_wan_yuan_per_ha"] == pytest.approx(3600.0)
    assert r["industrial_tax_per_ha_wan_yuan"] == pytest.approx(300.0)
    assert r["composite_tax_per_ha_wan_yuan"] == pytest.approx(200.0)
    assert r["idle_land_rate"] == pytest.approx(0.2)
    assert r["zone_type"] == "industry_led"
    assert r["land_status_source"] == "given"
    assert r["park_area_m2"] == pytest.approx(120_000.0)
    assert r["parcel_coverage"] == pytest.approx(40_000 / 120_000)
    # mix over 40 000 m² of parcels: industry Q1+Q3, other Q2+Q4, ecological Q5
    assert r["industry_land_share"] == pytest.approx(0.375)
    assert r["other_land_share"] == pytest.approx(0.5)
    assert r["ecological_land_share"] == pytest.approx(0.125)
    assert r["residential_land_share"] == pytest.approx(0.0)
    assert r["national_composite_plot_ratio"] == pytest.approx(0.98)


def test_park_without_parcels_is_nan_with_reason():
    out = park_indicators(make_parks(), make_parcels())
    assert list(out.index) == ["K1", "K2"]
    assert out.index.name == "park_id"
    r = out.loc["K2"]
    assert r["n_parcels"] == 0
    assert np.isnan(r["composite_plot_ratio"]) and np.isnan(r["land_built_rate"])
    assert "no parcels" in r["reason"]
    assert not np.isinf(out.select_dtypes("number").to_numpy(dtype=float)).any()


def test_derived_status_leaves_supply_and_development_nan():
    parcels = make_parcels().drop(columns="land_status")
    idle = pd.DataFrame({"parcel_id": ["Q3"], "idle_status": ["idle"]})
    r = park_indicators(make_parks(), parcels, idle=idle).loc["K1"]
    assert r["land_status_source"] == "derived"
    assert np.isnan(r["land_supply_rate"]) and np.isnan(r["land_development_rate"])
    assert "cannot be derived" in r["reason"]
    # started construction land: Q1 (A2) and Q2 (A4); supplied: Q1–Q3 (grant dates)
    assert r["land_built_rate"] == pytest.approx(20_000 / 25_000)
    assert r["industrial_land_rate"] == pytest.approx(0.5)
    assert r["idle_land_rate"] == pytest.approx(5_000 / 25_000)


def test_derived_without_idle_result_gives_nan_idle_rate():
    parcels = make_parcels().drop(columns="land_status")
    r = park_indicators(make_parks(), parcels).loc["K1"]
    assert np.isnan(r["idle_land_rate"])
    assert "idle_land_rate" in r["reason"]


def test_zone_type_industry_city():
    parcels = make_parcels()
    parcels.loc[1, "land_status"] = "A1;D21"
    parcels.loc[0, "land_status"] = "A2;D21"
    parcels.loc[0, "geometry"] = box(0, 0, 100, 40)  # A2 4 000 of A 14 000 < 30 %
    r = park_indicators(make_parks(), parcels).loc["K1"]
    assert r["industrial_land_rate"] == pytest.approx(4_000 / 14_000)
    assert r["zone_type"] == "industry_city"


def test_missing_floor_area_on_built_land_gives_nan():
    parcels = make_parcels()
    parcels.loc[0, "floor_area_m2"] = np.nan
    r = park_indicators(make_parks(), parcels).loc["K1"]
    assert np.isnan(r["industrial_plot_ratio"]) and np.isnan(r["composite_plot_ratio"])
    assert r["building_density"] == pytest.approx(0.35)


def test_buildings_layer_used_for_floor_area():
    buildings = gpd.GeoDataFrame(
        {"building_id": ["B1"], "floors": [4], "height_m": [16.0]},
        geometry=[box(10, 10, 60, 60)],  # 2 500 m² in Q1
        crs=4543,
    )
    r = park_indicators(make_parks(), make_parcels(), buildings=buildings).loc["K1"]
    assert r["industrial_plot_ratio"] == pytest.approx(10_000 / 10_000)
    assert r["industrial_building_coefficient"] == pytest.approx(0.25)


def test_bad_land_status_raises():
    parcels = make_parcels()
    parcels.loc[0, "land_status"] = "Z9"
    with pytest.raises(SchemaError):
        park_indicators(make_parks(), parcels)


def test_orphan_parcels_warn():
    parcels = make_parcels()
    parcels.loc[4, "park_id"] = "K9"
    with pytest.warns(DataWarning, match="K9|not in parks"):
        out = park_indicators(make_parks(), parcels)
    assert out.loc["K1", "n_parcels"] == 4


def test_land_use_schemes_map_to_the_same_groups():
    codes = pd.Series(["0601", "M2", "R2", "05H1", "100102", "工业用地"])
    mapped = map_land_use(codes, schemes=pd.Series(["sandiao", None, None, None, None, None]))
    assert mapped["code_2023"].tolist()[:2] == ["1001", "100102"]
    assert mapped["mix_group"].tolist() == [
        "industry",
        "industry",
        "residential",
        "other",
        "industry",
        "industry",
    ]
    # the same digits mean different classes in 2023 and 三调
    assert map_land_use(pd.Series(["0601"]))["mix_group"].iloc[0] == "other"
    with pytest.raises(InputError):
        map_land_use(codes, scheme="1984")


# --------------------------------------------------------------------- 亩均


def units() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "enterprise_id": ["E1", "E2", "E3", "E4"],
            "area_mu": [10.0, 20.0, 40.0, 0.0],
            "tax_wan_yuan": [300.0, 200.0, 400.0, 10.0],
            "revenue_wan_yuan": [3000.0, 4000.0, 2000.0, 100.0],
            "value_added_wan_yuan": [1000.0, 1200.0, 800.0, 10.0],
            "energy_tce": [500.0, 400.0, 800.0, 1.0],
            "emissions_t": [0.2, np.nan, 0.5, 0.1],
            "employees": [50, 60, 40, 2],
            "rd_wan_yuan": [90.0, 120.0, 20.0, 0.0],
        },
        index=pd.Index([7, 3, 5, 1]),
    )


def test_huangyan_scheme_by_hand():
    out = mu_benefit(units(), scheme="huangyan-2022")
    e1 = out.loc[7]
    assert e1["tax_per_mu_wan_yuan"] == pytest.approx(30.0)
    expected = (
        30 / 24.097 * 30
        + 100 / 136.16 * 20
        + 2.0 / 2.694 * 20
        + 5000 / 4929.81 * 10
        + 20 / 18.14 * 10
        + 0.03 / 0.0302 * 10
    )
    assert e1["score"] == pytest.approx(expected)
    # E2 has no emission data: the average item score of the others (E1, E3, E4)
    item = out["score_value_added_per_emission_wan_yuan_per_t"]
    others = [1000 / 0.2 / 4929.81 * 10, 800 / 0.5 / 4929.81 * 10, 10 / 0.1 / 4929.81 * 10]
    assert item.loc[3] == pytest.approx(np.mean(others))
    # E4 has no land: NaN per mu, NaN total, not ranked
    assert np.isnan(out.loc[1, "tax_per_mu_wan_yuan"]) and np.isnan(out.loc[1, "score"])
    assert pd.isna(out.loc[1, "rank"])
    assert out["grade"].isna().all()  # the district's cut-offs are not in the copy read
    assert out.index.equals(units().index)


def test_ranked_scheme_grades_by_rank_share():
    table = pd.DataFrame(
        {
            "indicator": ["tax_per_mu"],
            "numerator": ["tax_wan_yuan"],
            "denominator": ["area_mu"],
            "weight": [100.0],
            "benchmark": [10.0],
        }
    )
    data = pd.DataFrame({"area_mu": [1.0] * 20, "tax_wan_yuan": np.arange(20, 0, -1, dtype=float)})
    grades = [
        {"grade": "A", "rank_share_max": 0.25},
        {"grade": "B", "rank_share_max": 0.70},
        {"grade": "C", "rank_share_max": 0.95},
        {"grade": "D", "rank_share_max": 1.0},
    ]
    out = mu_benefit(data, scheme={"indicators": table, "grades": grades})
    assert out["score"].iloc[0] == pytest.approx(200.0)
    assert out["grade"].value_counts().to_dict() == {"A": 5, "B": 9, "C": 5, "D": 1}
    assert out["rank"].tolist() == list(range(1, 21))


def test_ranked_five_scheme_runs_with_mean_benchmarks():
    out = mu_benefit(units().drop(index=1), scheme="ranked-five")
    assert out["grade"].notna().all()
    # mean benchmark: the mean item score is the weight
    assert out["score_tax_per_mu_wan_yuan"].mean() == pytest.approx(45.0)


def test_exempt_units_are_scored_not_graded():
    data = units().drop(index=1)
    data["exempt"] = [False, True, False]
    out = mu_benefit(data, scheme="ranked-five")
    assert pd.isna(out.loc[3, "grade"]) and pd.notna(out.loc[3, "score"])
    assert pd.isna(out.loc[3, "rank"])


def test_unknown_scheme_and_missing_columns():
    with pytest.raises(InputError):
        mu_benefit(units(), scheme="nowhere")
    with pytest.raises(SchemaError):
        mu_benefit(units().drop(columns="energy_tce"), scheme="huangyan-2022")


def test_public_names():
    assert lk.park_indicators is park_indicators and lk.mu_benefit is mu_benefit


def test_input_not_mutated():
    parks, parcels = make_parks(), make_parcels()
    before = parcels.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        park_indicators(parks, parcels)
    pd.testing.assert_frame_equal(parcels, before)


def test_item_cap():
    table = pd.DataFrame(
        {
            "indicator": ["tax_per_mu"],
            "numerator": ["tax_wan_yuan"],
            "denominator": ["area_mu"],
            "weight": [50.0],
            "benchmark": [10.0],
            "cap": [1.5],
        }
    )
    data = pd.DataFrame({"area_mu": [1.0, 1.0], "tax_wan_yuan": [100.0, 5.0]})
    out = mu_benefit(data, scheme=table)
    assert out["score"].tolist() == pytest.approx([75.0, 25.0])  # 500 capped at 1.5 × 50


def test_metrics_demo_step(tmp_path):
    from landkit.demo import DemoContext, metrics_step

    ctx = DemoContext(out=tmp_path)
    metrics_step(ctx)
    assert (tmp_path / "metrics.gpkg").exists()
    assert ctx.summary and ctx.summary[0].startswith("地块指标")
    assert len(ctx.results["park_indicators"]) == len(ctx.layer("parks"))


@pytest.mark.slow
@settings(max_examples=10, deadline=None)
@given(st.permutations(range(5)), st.floats(-2000, 2000), st.floats(-2000, 2000))
def test_shuffled_or_translated_parcels_give_the_same_park_figures(order, dx, dy):
    parks, parcels = make_parks(), make_parcels()
    base = park_indicators(parks, parcels).select_dtypes("number")
    moved = parcels.iloc[list(order)].copy()
    moved["geometry"] = moved.geometry.translate(dx, dy)
    parks_moved = parks.copy()
    parks_moved["geometry"] = parks.geometry.translate(dx, dy)
    other = park_indicators(parks_moved, moved).select_dtypes("number")
    pd.testing.assert_frame_equal(base, other, rtol=1e-9)
    rates = base.filter(regex="_rate$|_share$").stack().dropna()
    assert rates.between(0, 1).all()


# ------------------------------------------- industry_concentration (clause 五)


def test_concentration_figures():
    table = pd.DataFrame(
        {
            "企业编号": ["e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8"],
            "园区编号": ["K1", "K1", "K1", "K1", "K2", "K2", "K3", "K3"],
            "产值": [100, 50, 30, 20, 90, 10, 80, 20],
            "行业代码": ["C3670", "3670", "C26", "26", "1310", "C13", "C3911", "3911"],
            "是否主导产业": ["是", "是", "否", "否", "是", "否", "是", "否"],
            "是否新兴产业": ["是", "否", "是", "否", "是", "否", "否", "是"],
        }
    )
    result = industry_concentration(table)
    assert list(result.index) == ["K1", "K2", "K3"]
    assert result["output_wan_yuan"].tolist() == [200, 100, 100]
    # K1: leading 150/200, emerging 130/200; K2: 0.9 and 0.9; K3: exactly 0.8 and 0.2
    assert result["leading_share"].tolist() == pytest.approx([0.75, 0.9, 0.8])
    assert result["emerging_share"].tolist() == pytest.approx([0.65, 0.9, 0.2])
    # "超过80%" is strictly above; "达到40%" is at least
    assert result["meets_leading_target"].tolist() == [False, True, False]
    assert result["meets_emerging_target"].tolist() == [True, True, False]
    assert (result["leading_share_target"] == 0.8).all()
    assert (result["comparison"] == "target_comparison").all()  # 目标对照, not a finding


def test_concentration_counts_only_industrial_enterprises():
    table = pd.DataFrame(
        {
            "enterprise_id": ["a", "b", "c", "d", "e"],
            "park_id": ["K1"] * 5,
            # manufacturing, power (D), mining (B), logistics (G 5810), no code
            "industry_code": ["C3670", "D4411", "0610", "5810", None],
            "output_wan_yuan": [60, 20, 20, 500, 400],
            "in_leading_industry": [True, False, True, False, False],
            "is_emerging": [True, False, False, False, False],
        }
    )
    result = industry_concentration(table)
    assert result.at["K1", "output_wan_yuan"] == 1000
    assert result.at["K1", "industrial_output_wan_yuan"] == 100
    assert result.at["K1", "industrial_enterprise_count"] == 3
    assert result.at["K1", "leading_share"] == pytest.approx(0.8)
    assert result.at["K1", "emerging_share"] == pytest.approx(0.6)
    assert "1 家企业无行业代码" in result.at["K1", "reason"]
    assert "1 家非工业企业" in result.at["K1", "reason"]
    assert lk.standards.load_table("industry_sections").query("industrial == 'true'")[
        "section"
    ].unique().tolist() == ["B", "C", "D"]


def test_above_scale_value_added_share_against_the_region():
    table = pd.DataFrame(
        {
            "enterprise_id": ["a", "b", "c", "d"],
            "park_id": ["K1", "K1", "K2", "K2"],
            "industry_code": ["C3670", "C26", "C13", "5810"],
            "output_wan_yuan": [100, 100, 100, 100],
            "value_added_wan_yuan": [30, 10, 50, 99],
            "is_above_scale": [True, False, True, True],
        }
    )
    region = {"K1": 35, "K2": 100}
    result = industry_concentration(table, region_value_added=region)
    # K1: 30 of the region's 35 (the 规下 firm does not count); K2: the logistics firm is no 工业
    assert result["above_scale_value_added_wan_yuan"].tolist() == [30, 50]
    assert result["above_scale_share"].tolist() == pytest.approx([30 / 35, 0.5])
    assert result["meets_above_scale_target"].tolist() == [True, False]  # "超过85%"
    assert (result["above_scale_share_target"] == 0.85).all()
    given = table.drop(columns=["value_added_wan_yuan", "is_above_scale"]).assign(
        above_scale_value_added_wan_yuan=[30, 0, 50, 99]
    )
    same = industry_concentration(given, region_value_added=pd.Series(region))
    assert same["above_scale_share"].tolist() == pytest.approx([30 / 35, 0.5])
    no_region = industry_concentration(table)
    assert no_region["above_scale_share"].isna().all()
    assert no_region["meets_above_scale_target"].isna().all()
    assert "地区规上工业增加值" in no_region.at["K1", "reason"]
    no_data = industry_concentration(table.drop(columns="value_added_wan_yuan"))
    assert "缺少企业规上工业增加值" in no_data.at["K1", "reason"]


def test_concentration_from_code_prefixes_and_missing_flags():
    table = pd.DataFrame(
        {
            "enterprise_id": ["a", "b", "c", "d"],
            "park_id": ["K1", "K1", "K2", "K2"],
            "industry_code": ["3670", "2614", "3670", "1310"],
            "output_wan_yuan": [300, 100, 50, None],
        }
    )
    result = industry_concentration(table, leading={"K1": ["36"], "K2": ["13"]})
    assert result.at["K1", "leading_share"] == pytest.approx(0.75)
    assert result.at["K2", "leading_share"] == pytest.approx(0.0)
    assert pd.isna(result.at["K1", "emerging_share"])
    assert "新兴产业" in result.at["K1", "reason"]
    assert "缺少产值" in result.at["K2", "reason"]
    same = industry_concentration(
        table.set_axis([5, 5, 1, 1]), leading={"K1": ["36"], "K2": ["13"]}
    )
    pd.testing.assert_frame_equal(same, result)


def test_concentration_table_read_from_csv(tmp_path):
    path = tmp_path / "enterprises.csv"
    pd.DataFrame(
        {
            "统一社会信用代码": ["x1", "x2"],
            "园区代码": ["K1", "K1"],
            "工业总产值": ["90", "10"],
            "行业代码": ["C3670", "C3670"],
            "是否主导产业": ["是", "否"],
            "是否新兴产业": ["否", "是"],
        }
    ).to_csv(path, index=False, encoding="gbk")
    result = industry_concentration(lk.read_table(path, kind="enterprises"))
    assert result.at["K1", "leading_share"] == pytest.approx(0.9)
    assert bool(result.at["K1", "meets_leading_target"])


def test_structures_yards_and_tall_storeys_in_the_park_figures():
    # Q1 (A2, 10 000 m²): a 2-storey building 40 × 50 = 2 000 m² of 12 m + 5 m storeys
    # (gross 4 000 m²; the 8 m rule would count 6 000 m² but not here), a tank (构筑物)
    # 10 × 10 = 100 m² and a 900 m² yard. Q2 (A4) has no buildings.
    # 工业用地建筑系数 = (2 000 + 100 + 900) / 10 000 = 0.30; 工业用地综合容积率 = 4 000 / 10 000
    # = 0.4 (gross, structures none); 建筑密度 = 2 000 / 20 000 = 0.10 (buildings only);
    # 综合容积率 = 4 000 / 20 000 = 0.2.
    parcels = make_parcels().assign(yard_area_m2=[900.0, 0.0, 0.0, 0.0, 0.0])
    buildings = gpd.GeoDataFrame(
        {
            "building_id": ["F1", "T1"],
            "floors": [2, 1],
            "height_m": [17.0, 30.0],
            "building_type": ["建筑物", "构筑物"],
        },
        geometry=[box(0, 0, 40, 50), box(60, 60, 70, 70)],
        crs=4543,
    )
    r = park_indicators(make_parks(), parcels, buildings=buildings).loc["K1"]
    assert r["industrial_building_coefficient"] == pytest.approx(0.30)
    assert r["industrial_plot_ratio"] == pytest.approx(0.4)
    assert r["building_density"] == pytest.approx(0.10)
    assert r["composite_plot_ratio"] == pytest.approx(0.2)
    # the project-level plot ratio of the same parcel doubles the 12 m storey only, given
    # the storeys: (2 × 2 000 + 2 000) / 10 000 = 0.6
    storeys = pd.DataFrame(
        {"building_id": ["F1", "F1"], "storey_height_m": [12.0, 5.0], "floor_area_m2": [2000.0] * 2}
    )
    m = lk.parcel_metrics(parcels, buildings, storeys=storeys).set_index("parcel_id")
    assert m.loc["Q1", "plot_ratio"] == pytest.approx(0.6)
    assert m.loc["Q1", "building_coefficient"] == pytest.approx(0.30)
