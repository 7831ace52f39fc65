"""Tests of the annual park assessment and the policy's other land rules (landkit.assess)."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, box

import landkit as lk
from landkit import standards
from landkit.assess import (
    assess_parks,
    industry_concentration,
    parcels_outside_parks,
    parks_per_county,
    protective_distance_check,
)
from landkit.errors import DataWarning, InputError, SchemaError

CRS = "EPSG:4543"  # CGCS2000 3-degree Gauss-Krüger, CM 102°E (Kunming)
X0, Y0 = 500_000.0, 2_760_000.0


def square(x, y, size):
    return box(X0 + x, Y0 + y, X0 + x + size, Y0 + y + size)


# --------------------------------------------------------------- assess_parks
#
# Three years, five parks, scores given (hand-worked outcomes for 2025):
#
#   park  2023  2024  2025   rank 2025  pass ≥ 60   last three   yellow   last place
#   A      90    88    92        1         yes          no          no        -
#   B      80    75    61        3         yes          yes         yes       -
#   C      70    72    58        4         no           yes         yes       -
#   D      65    55    70        2         yes          no          no        -
#   E      50    52    45        5         no           yes         yes    2023, 2024, 2025 → delist
#
SCORES = {
    2023: {"A": 90, "B": 80, "C": 70, "D": 65, "E": 50},
    2024: {"A": 88, "B": 75, "C": 72, "D": 55, "E": 52},
    2025: {"A": 92, "B": 61, "C": 58, "D": 70, "E": 45},
}


def history_frame(scores=SCORES, **extra):
    rows = [
        {"park_id": park, "year": year, "score": score}
        for year, by_park in scores.items()
        for park, score in by_park.items()
    ]
    frame = pd.DataFrame(rows)
    for column, values in extra.items():
        frame[column] = values
    return frame


def test_hand_worked_three_year_history():
    result = assess_parks(history_frame(), year=2025)
    assert list(result.index) == ["A", "B", "C", "D", "E"]
    assert result["score"].tolist() == [92, 61, 58, 70, 45]
    assert result["rank"].tolist() == [1, 3, 4, 2, 5]
    assert result["passed"].tolist() == [True, True, False, True, False]
    assert result["yellow_card"].tolist() == [False, True, True, False, True]
    assert result["last_place_years"].tolist() == [0, 0, 0, 0, 3]
    assert result["delist_recommended"].tolist() == [False, False, False, False, True]
    assert (result["ranked_parks"] == 5).all()
    assert (result["status"] == "evaluated").all()


def test_reasons_name_the_clause_and_the_example_pass_mark():
    result = assess_parks(history_frame(), year=2025)
    assert result.at["A", "reasons"] == ""
    assert result.at["A", "example_values"] == "pass_mark"
    assert "后3名" in result.at["B", "reasons"] and "低于合格分" not in result.at["B", "reasons"]
    assert "低于合格分 60（示例值）" in result.at["C", "reasons"]
    assert "建议摘牌" in result.at["E", "reasons"] and "连续 3 年" in result.at["E", "reasons"]
    assert result.at["E", "legal_basis"] == "昆政办〔2019〕15号（十九）"
    assert "pass_mark" in result.at["E", "example_values"]
    assert "pass_mark=60 (example)" in result.attrs["landkit_provenance"]["rules"]


def test_earlier_year_counts_only_history_up_to_it():
    result = assess_parks(history_frame(), year=2024)
    assert result["rank"].tolist() == [1, 2, 3, 4, 5]
    assert result.at["E", "last_place_years"] == 2
    assert not result["delist_recommended"].any()
    assert result.at["D", "yellow_card"] and result.at["C", "yellow_card"]


def test_delisting_needs_consecutive_years():
    scores = {year: dict(by_park) for year, by_park in SCORES.items()}
    scores[2024]["E"], scores[2024]["D"] = 56, 52  # D last in 2024, E breaks its run
    result = assess_parks(history_frame(scores), year=2025)
    assert result.at["E", "last_place_years"] == 1
    assert not result["delist_recommended"].any()


def test_missing_earlier_year_is_said_not_guessed():
    two_years = {year: SCORES[year] for year in (2024, 2025)}
    result = assess_parks(history_frame(two_years), year=2025)
    assert result.at["E", "last_place_years"] == 2
    assert not result.at["E", "delist_recommended"]
    assert "缺少 2023 年" in result.at["E", "reasons"]


def test_ties_share_rank_and_ties_at_the_edge_of_the_last_three_are_all_carded():
    scores = {2025: {"A": 90, "B": 80, "C": 80, "D": 70, "E": 65}}
    result = assess_parks(history_frame(scores), year=2025)
    assert result["rank"].tolist() == [1, 2, 2, 4, 5]
    # B and C share third place from the bottom: both are in the last three
    assert result["yellow_card"].tolist() == [False, True, True, True, True]


def test_pass_mark_and_rules_are_configurable():
    result = assess_parks(history_frame(), year=2025, rules={"pass_mark": 65})
    assert result["passed"].tolist() == [True, False, False, True, False]
    assert "pass_mark=65 (user)" in result.attrs["landkit_provenance"]["rules"]
    no_bottom = assess_parks(history_frame(), year=2025, rules={"yellow_card_bottom_n": 0})
    assert no_bottom["yellow_card"].tolist() == [False, False, True, False, True]
    with pytest.raises(InputError, match="unknown key"):
        assess_parks(history_frame(), year=2025, rules={"passmark": 65})


def test_scores_computed_from_indicators_by_hand():
    scheme = pd.DataFrame(
        {
            "indicator": ["x", "y"],
            "weight": [3, 1],
            "direction": ["higher", "lower"],
            "ideal": [1.0, 0.0],
            "worst": [None, 0.2],
        }
    )
    history = pd.DataFrame(
        {
            "园区编号": ["P1", "P2", "P3"],
            "年度": [2025, 2025, 2025],
            "x": [0.5, 1.2, 0.8],
            "y": [0.05, 0.3, None],
        }
    )
    result = assess_parks(history, year=2025, scheme=scheme)
    # P1: x 50 points, y 75 points → (3·50 + 75) / 4 = 56.25; P2: x 100, y 0 → 75
    assert result.at["P1", "score"] == pytest.approx(56.25)
    assert result.at["P2", "score"] == pytest.approx(75.0)
    assert result.at["P1", "points_y"] == pytest.approx(75.0)
    assert pd.isna(result.at["P3", "score"]) and result.at["P3", "status"] == "not_evaluated"
    assert pd.isna(result.at["P3", "yellow_card"]) and pd.isna(result.at["P3", "rank"])
    assert "未评估" in result.at["P3", "reasons"]
    assert result["rank"].tolist()[:2] == [2, 1]
    assert result["score_source"].tolist()[:2] == ["computed", "computed"]
    as_mapping = {
        "x": {"weight": 3, "direction": "higher", "ideal": 1.0},
        "y": {"weight": 1, "direction": "lower", "ideal": 0.0, "worst": 0.2},
    }
    again = assess_parks(history, year=2025, scheme=as_mapping)
    assert again["score"].tolist()[:2] == pytest.approx([56.25, 75.0])


def test_default_scheme_scores_national_means_full_marks():
    scheme = standards.load_table("assessment_scheme")
    ideal = {row.key: float(row.ideal) for row in scheme.itertuples()}
    at_ideal = pd.DataFrame([{"park_id": "K1", "year": 2025, **ideal}])
    result = assess_parks(at_ideal, year=2025)
    assert result.at["K1", "score"] == pytest.approx(100.0)
    assert result.at["K1", "example_values"] == "pass_mark; assessment_scheme"
    assert set(scheme["status"]) == {"example"}


def test_given_score_wins_over_indicators():
    history = history_frame({2025: {"A": 70, "B": 50}}, composite_plot_ratio=[0.1, 5.0])
    scheme = pd.DataFrame(
        {"key": ["composite_plot_ratio"], "weight": [1], "direction": ["higher"], "ideal": [1]}
    )
    result = assess_parks(history, year=2025, scheme=scheme)
    assert result["score"].tolist() == [70, 50]
    assert (result["score_source"] == "given").all()


def test_area_reduction_flags_from_idle_and_development():
    idle = {("C", 2024): 0.06, ("C", 2025): 0.08, ("B", 2025): 0.2}
    history = history_frame()
    history["idle_land_rate"] = [
        idle.get((p, y), 0.0) for p, y in zip(history.park_id, history.year, strict=True)
    ]
    history["land_development_rate"] = np.where(history["park_id"] == "D", 0.5, 0.9)
    result = assess_parks(history, year=2025)
    # C idle ≥ 5 % two years running; B only this year; D develops little
    assert result["long_idle"].tolist() == [False, False, True, False, False]
    assert result["low_development"].tolist() == [False, False, False, True, False]
    assert result["reduce_or_downgrade"].tolist() == [False, False, True, True, False]
    assert "长期圈占土地" in result.at["C", "reasons"] and "示例值" in result.at["C", "reasons"]
    without = assess_parks(history_frame(), year=2025)
    assert without["reduce_or_downgrade"].isna().all()


def test_expansion_readiness():
    expansion = pd.DataFrame(
        {
            "key": ["built_share", "composite_plot_ratio"],
            "bound": ["min", "min"],
            "value": [0.9, 1.0],
        }
    )
    history = history_frame(
        {2025: {"A": 90, "B": 85, "C": 80, "D": 70, "E": 65}},
        built_area_ha=[95, 80, 95, 95, 95],
        approved_area_ha=[100, 100, 100, 100, 100],
        composite_plot_ratio=[1.2, 1.2, 0.8, None, 1.2],
    )
    result = assess_parks(history, year=2025, expansion=expansion)
    assert result["built_share"].tolist() == pytest.approx([0.95, 0.8, 0.95, 0.95, 0.95])
    # A ready; B not built up; C plot ratio low (and carded); D lacks a value but is carded; E carded
    assert result["expansion_ready"].tolist() == [True, False, False, False, False]
    assert "十六" in result.at["A", "legal_basis"]
    history.loc[history.park_id == "D", "score"] = 95
    d_unknown = assess_parks(history, year=2025, expansion=expansion)
    assert pd.isna(d_unknown.at["D", "expansion_ready"])
    assert "缺少" in d_unknown.at["D", "expansion_notes"]


def test_history_problems_raise_once():
    history = history_frame()
    history.loc[len(history)] = {"park_id": "A", "year": 2025, "score": 1}
    with pytest.raises(SchemaError, match="A/2025"):
        assess_parks(history, year=2025)
    with pytest.raises(InputError, match="no rows for year 2030"):
        assess_parks(history_frame(), year=2030)
    with pytest.raises(SchemaError, match="year"):
        assess_parks(pd.DataFrame({"park_id": ["A"], "score": [1]}), year=2025)


@pytest.mark.parametrize("index", [None, [10, 11, 12, 13, 14] * 3, list("abcdefghijklmno")])
def test_input_index_and_order_do_not_matter(index):
    history = history_frame()
    if index is not None:
        history.index = index
    shuffled = history.sample(frac=1.0, random_state=3)
    before = shuffled.copy()
    result = assess_parks(shuffled, year=2025)
    pd.testing.assert_frame_equal(shuffled, before)
    expected = assess_parks(history_frame(), year=2025)
    pd.testing.assert_frame_equal(
        result.sort_index().drop(columns=[]), expected.sort_index(), check_like=True
    )


def test_history_read_from_xlsx_with_chinese_headers(tmp_path):
    history = history_frame().rename(
        columns={"park_id": "园区编号", "year": "年度", "score": "综合得分"}
    )
    path = tmp_path / "history.xlsx"
    history.to_excel(path, index=False)
    table = lk.read_table(path, kind="park_history")
    result = assess_parks(table, year=2025)
    assert result["delist_recommended"].tolist() == [False, False, False, False, True]


# ------------------------------------------------------------ parks_per_county


@pytest.fixture
def counties():
    return gpd.GeoDataFrame(
        {"名称": ["甲县", "乙县", "丙县"]},
        geometry=[square(0, 0, 10_000), square(10_000, 0, 10_000), square(20_000, 0, 10_000)],
        crs=CRS,
    )


@pytest.fixture
def parks():
    return gpd.GeoDataFrame(
        {"park_id": ["K1", "K2", "K3"], "county": ["甲县", "甲县", "乙县"]},
        geometry=[
            square(1_000, 1_000, 2_000),
            square(5_000, 5_000, 2_000),
            # straddles 甲县 / 乙县: 30 % west of x = 10 000, 70 % east
            box(X0 + 9_400, Y0 + 1_000, X0 + 11_400, Y0 + 3_000),
        ],
        crs=CRS,
    )


def test_county_with_two_parks(parks, counties):
    table = parks_per_county(parks, counties)
    assert list(table.index) == ["甲县", "乙县", "丙县"]
    assert table["park_count"].tolist() == [2, 1, 0]
    assert table["over_limit"].tolist() == [True, False, False]
    assert table.at["甲县", "park_ids"] == "K1;K2"
    assert "十六" in table.at["甲县", "legal_basis"] and table.at["乙县", "legal_basis"] == ""


def test_county_by_attribute_and_in_degrees(parks, counties):
    by_column = parks_per_county(parks, None)
    assert by_column["park_count"].to_dict() == {"甲县": 2, "乙县": 1}
    degrees = parks_per_county(parks.to_crs(4490), counties.to_crs(4490))
    assert degrees["park_count"].tolist() == [2, 1, 0]


def test_largest_overlap_agrees_with_overlay(parks, counties):
    pieces = gpd.overlay(parks, counties.rename(columns={"名称": "name"}), how="intersection")
    pieces["area"] = pieces.area
    best = pieces.sort_values("area").groupby("park_id")["name"].last()
    expected = best.value_counts().reindex(counties["名称"]).fillna(0).astype(int)
    assert parks_per_county(parks, counties)["park_count"].tolist() == expected.tolist()


def test_park_in_no_county_warns(parks, counties):
    far = parks.copy()
    far.loc[3] = {"park_id": "K9", "county": None, "geometry": square(50_000, 0, 500)}
    with pytest.warns(DataWarning, match="K9"):
        table = parks_per_county(far, counties)
    assert table["park_count"].sum() == 3


# ------------------------------------------------------ parcels_outside_parks


@pytest.fixture
def zone():
    return gpd.GeoDataFrame({"park_id": ["K1"]}, geometry=[square(0, 0, 1_000)], crs=CRS)


@pytest.fixture
def plots():
    return gpd.GeoDataFrame(
        {
            "parcel_id": ["in", "half", "out", "house", "mine", "old", "code_only", "none"],
            "land_use": ["100101", "1001", "0601", "0701", "1001", "M2", None, None],
            "land_use_scheme": ["2023", "2023", "三调", "2023", "2023", "gb50137", None, None],
            "industry_code": ["26", "34", "13", None, "08", "13", "39", None],
            "grant_date": ["2020-01-01"] * 5 + ["2015-06-01", "2021-01-01", "2021-01-01"],
        },
        geometry=[
            square(100, 100, 200),
            square(900, 100, 200),  # half of it east of the park
            square(2_000, 0, 100),
            square(2_000, 500, 100),
            square(3_000, 0, 100),
            square(4_000, 0, 100),
            square(5_000, 0, 100),
            None,
        ],
        crs=CRS,
    )


def test_industrial_parcels_outside_every_park(plots, zone):
    result = parcels_outside_parks(plots, zone)
    assert result["park_status"].tolist() == [
        "inside",
        "partly_outside",
        "outside",
        "not_industrial",
        "exempt",
        "outside",
        "outside",
        "no_geometry",
    ]
    assert result.at[1, "outside_park_m2"] == pytest.approx(20_000.0)
    assert result.at[1, "outside_share"] == pytest.approx(0.5)
    assert result.at[2, "outside_park_mu"] == pytest.approx(10_000 / (10_000 / 15))
    assert result.at[0, "outside_park_m2"] == pytest.approx(0.0)
    assert "十" in result.at[2, "legal_basis"] and result.at[0, "legal_basis"] == ""
    assert list(result.index) == list(plots.index)
    pd.testing.assert_frame_equal(result[plots.columns], plots)


@pytest.mark.parametrize("index", [list("abcdefgh"), [7, 7, 3, 3, 1, 1, 0, 0]])
def test_outside_parks_with_other_indexes(plots, zone, index):
    expected = parcels_outside_parks(plots, zone)
    plots.index = index
    result = parcels_outside_parks(plots, zone)
    assert list(result.index) == index
    assert result["park_status"].tolist() == expected["park_status"].tolist()
    assert result["outside_park_m2"].tolist() == pytest.approx(
        expected["outside_park_m2"].tolist(), nan_ok=True
    )


def test_outside_parks_with_parks_in_degrees(plots, zone):
    expected = parcels_outside_parks(plots, zone)
    result = parcels_outside_parks(plots, zone.to_crs(4490))
    assert result["park_status"].tolist() == expected["park_status"].tolist()
    assert result.at[1, "outside_park_m2"] == pytest.approx(20_000.0, rel=1e-4)


def test_since_leaves_older_parcels_alone(plots, zone):
    result = parcels_outside_parks(plots, zone, since="2019-01-18")
    assert result.at[5, "park_status"] == "existing"
    assert result.at[6, "park_status"] == "outside"


def test_outside_area_agrees_with_overlay(plots, zone):
    result = parcels_outside_parks(plots, zone)
    present = plots[plots.geometry.notna()]
    expected = present.geometry.difference(zone.union_all()).area
    assert result.loc[present.index, "outside_park_m2"].tolist() == pytest.approx(expected.tolist())


def test_project_points_inside_or_outside(zone):
    projects = gpd.GeoDataFrame(
        {"parcel_id": ["p_in", "p_out"], "industry_code": ["26", "26"]},
        geometry=[Point(X0 + 500, Y0 + 500), Point(X0 + 5_000, Y0 + 500)],
        crs=CRS,
    )
    result = parcels_outside_parks(projects, zone)
    assert result["park_status"].tolist() == ["inside", "outside"]


# -------------------------------------------------- protective_distance_check


@pytest.fixture
def plants():
    return gpd.GeoDataFrame(
        {
            "parcel_id": ["chem", "chem_far", "food", "chem_2002", "no_geom"],
            "land_use": ["1001"] * 5,
            "industry_code": ["2614", "26", "13", "26", "26"],
            "industry_code_edition": [2017, 2017, 2017, 2002, 2017],
        },
        geometry=[
            square(0, 0, 200),  # east edge at x = 200; housing starts at x = 500: 300 m
            square(0, 2_000, 200),  # 600 m from the housing that lies east of it
            square(0, -1_000, 100),
            square(0, 4_000, 200),
            None,
        ],
        crs=CRS,
    )


@pytest.fixture
def housing():
    return gpd.GeoDataFrame(
        {
            "parcel_id": ["R1", "R2", "SCHOOL", "SHOP"],
            "land_use": ["0701", "0701", "0804", "0901"],
        },
        geometry=[
            square(500, 0, 200),
            square(800, 2_000, 200),
            square(-1_700, -3_000, 200),
            square(250, 4_000, 100),  # commerce 50 m away: not sensitive
        ],
        crs=CRS,
    )


def test_plant_300_m_from_housing_where_500_m_is_required(plants, housing):
    result = protective_distance_check(plants, housing)
    assert result.at[0, "required_distance_m"] == 500
    assert result.at[0, "nearest_sensitive"] == "R1"
    assert result.at[0, "nearest_sensitive_distance_m"] == pytest.approx(300.0)
    assert result.at[0, "shortfall_m"] == pytest.approx(200.0)
    assert result.at[0, "sensitive_within"] == 1
    assert result.at[0, "distance_status"] == "too_close"
    assert result.at[0, "distance_rule_status"] == "example"
    assert "十七" in result.at[0, "legal_basis"]
    assert result["distance_status"].tolist() == [
        "too_close",
        "compliant",
        "not_listed",
        "compliant",
        "no_geometry",
    ]
    assert result.at[1, "nearest_sensitive_distance_m"] == pytest.approx(600.0)
    assert pd.isna(result.at[1, "shortfall_m"])


@pytest.mark.parametrize("index", [list("vwxyz"), [4, 4, 2, 2, 2]])
def test_distances_with_other_indexes(plants, housing, index):
    expected = protective_distance_check(plants, housing)
    plants.index = index
    housing.index = index[:4]
    result = protective_distance_check(plants, housing)
    assert list(result.index) == index
    assert result["distance_status"].tolist() == expected["distance_status"].tolist()
    assert result["nearest_sensitive"].tolist() == expected["nearest_sensitive"].tolist()


def test_distances_agree_with_brute_force(plants, housing):
    result = protective_distance_check(plants, housing, sensitive_uses=None)
    for i, geom in plants.geometry.items():
        if geom is None:
            continue
        gaps = housing.geometry.distance(geom)
        assert result.at[i, "nearest_sensitive_distance_m"] == pytest.approx(gaps.min())
        assert result.at[i, "nearest_sensitive"] == housing.at[gaps.idxmin(), "parcel_id"]
    # with every row sensitive, the shop 50 m away is now the nearest to chem_2002
    assert result.at[3, "distance_status"] == "too_close"


def test_distance_is_measured_in_metres_not_degrees(plants, housing):
    in_degrees = protective_distance_check(plants.to_crs(4490), housing.to_crs(4490))
    assert in_degrees.at[0, "nearest_sensitive_distance_m"] == pytest.approx(300.0, abs=0.5)
    assert in_degrees.at[0, "distance_status"] == "too_close"


def test_own_distance_table(plants, housing):
    table = pd.DataFrame({"industry_code": ["26", "2614"], "distance_m": [100, 250]})
    result = protective_distance_check(plants, housing, distances=table)
    # the longer code wins: 250 m for 2614, 300 m away → compliant
    assert result.at[0, "required_distance_m"] == 250
    assert result.at[0, "distance_status"] == "compliant"
    assert result.at[0, "distance_rule_status"] == "user"


# ---------------------------------------------------- industry_concentration


def test_concentration_figures():
    table = pd.DataFrame(
        {
            "企业编号": ["e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8"],
            "园区编号": ["K1", "K1", "K1", "K1", "K2", "K2", "K3", "K3"],
            "产值": [100, 50, 30, 20, 90, 10, 80, 20],
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
            "是否主导产业": ["是", "否"],
            "是否新兴产业": ["否", "是"],
        }
    ).to_csv(path, index=False, encoding="gbk")
    result = industry_concentration(lk.read_table(path, kind="enterprises"))
    assert result.at["K1", "leading_share"] == pytest.approx(0.9)
    assert bool(result.at["K1", "meets_leading_target"])


# ------------------------------------------------------------------------ CLI


def test_cli_assess_writes_workbook_and_exit_codes(tmp_path, capsys):
    from openpyxl import load_workbook

    from landkit.cli import main

    history = tmp_path / "history.csv"
    history_frame().to_csv(history, index=False)
    out = tmp_path / "assessment.xlsx"
    assert main(["assess", str(history), "--year", "2025", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "黄牌警告 3 个" in printed and "建议摘牌 1 个" in printed and "示例值" in printed
    book = load_workbook(out)
    assert "园区考核" in book.sheetnames and "provenance" in book.sheetnames
    header = [cell.value for cell in book["园区考核"][1]]
    assert "园区编号" in header
    argv = ["assess", str(history), "--year", "2025", "--out", str(out), "--fail-on-findings"]
    assert main(argv) == 1


def test_cli_assess_bad_input_writes_nothing(tmp_path, capsys):
    from landkit.cli import main

    history = tmp_path / "history.csv"
    history_frame().to_csv(history, index=False)
    out = tmp_path / "assessment.xlsx"
    assert main(["assess", str(history), "--year", "2031", "--out", str(out)]) == 2
    assert "2031" in capsys.readouterr().err
    assert not out.exists()


# ------------------------------------------------- real data: Kunming catalogue


def test_real_kunming_parks_per_district_agree_with_a_spatial_join(data_dir, amap_shp):
    catalogue = lk.read_table(data_dir / "dev_zones" / "yunnan_devzones_2018catalog_extract.csv")
    points = gpd.GeoDataFrame(
        {"park_id": catalogue["代码"]},
        geometry=gpd.points_from_xy(catalogue["经度_GCJ02"], catalogue["纬度_GCJ02"]),
        crs=4490,
    )
    points = lk.crs.from_gcj02(points)
    districts = lk.read_layer(amap_shp, crs="gcj02")
    inside = gpd.sjoin(points, districts[["name", "geometry"]], predicate="within")
    expected = inside["name"].value_counts().reindex(districts["name"]).fillna(0).astype(int)
    in_kunming = points[points.index.isin(inside.index)]
    with pytest.warns(DataWarning, match="no county"):
        parks_per_county(points, districts)  # the rest of Yunnan lies outside these districts
    table = parks_per_county(in_kunming, districts)
    assert table["park_count"].tolist() == expected.tolist()
    assert table["over_limit"].tolist() == (expected > 1).tolist()
    assert table["park_count"].sum() >= 10  # most of the 14 Kunming parks geocode into the city


# ----------------------------------------------------- property: second method


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(min_value=30, max_value=100), min_size=3, max_size=3),
        min_size=1,
        max_size=7,
    )
)
def test_outcomes_agree_with_a_plain_second_method(score_lists):
    parks = [f"P{i}" for i in range(len(score_lists))]
    years = (2023, 2024, 2025)
    scores = {
        y: {p: s[k] for p, s in zip(parks, score_lists, strict=True)} for k, y in enumerate(years)
    }
    result = assess_parks(history_frame(scores), year=2025)
    this_year = pd.Series(scores[2025])
    # ranks: 1 + the number of parks with a strictly better score
    expected_rank = [1 + int((this_year > v).sum()) for v in this_year]
    assert result["rank"].tolist() == expected_rank
    # in the last three: fewer than three parks score strictly lower
    in_bottom = [int((this_year < v).sum()) < 3 for v in this_year]
    yellow = [v < 60 or b for v, b in zip(this_year, in_bottom, strict=True)]
    assert result["yellow_card"].tolist() == yellow
    # delisting: the lowest score (ties included) in each of the three years
    # (a park ranked alone is not last)
    last_every_year = [
        len(parks) > 1 and all(scores[y][p] == min(scores[y].values()) for y in years)
        for p in parks
    ]
    assert result["delist_recommended"].tolist() == last_every_year


def test_cli_assess_with_enterprises_and_parks(tmp_path, capsys, parks, counties):
    from openpyxl import load_workbook

    from landkit.cli import main

    history = tmp_path / "history.xlsx"
    history_frame().to_excel(history, index=False)
    enterprises = tmp_path / "enterprises.csv"
    pd.DataFrame(
        {
            "enterprise_id": ["e1", "e2"],
            "park_id": ["K1", "K1"],
            "output_wan_yuan": [90, 10],
            "in_leading_industry": ["是", "否"],
            "is_emerging": ["否", "是"],
        }
    ).to_csv(enterprises, index=False)
    lk.write_layer(parks, tmp_path / "parks.gpkg", "parks")
    lk.write_layer(counties, tmp_path / "counties.gpkg", "counties")
    out = tmp_path / "out.xlsx"
    argv = ["assess", str(history), "--year", "2025", "--out", str(out), "--pass-mark", "65"]
    argv += ["--enterprises", str(enterprises), "--parks", str(tmp_path / "parks.gpkg")]
    argv += ["--counties", str(tmp_path / "counties.gpkg")]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "合格分 65）" in printed and "园区超过 1 个的县区：甲县" in printed
    assert "主导产业集聚度超过 80%：1/1" in printed
    assert {"园区考核", "产业集聚度", "县区园区数"} <= set(load_workbook(out).sheetnames)


def test_bad_scheme_is_reported_whole():
    scheme = pd.DataFrame(
        {
            "key": ["x", "y", "z"],
            "weight": [1, 1, 1],
            "direction": ["up", "lower", "higher"],
            "ideal": [1.0, 0.0, None],
        }
    )
    history = pd.DataFrame({"park_id": ["A"], "year": [2025], "x": [1.0], "y": [0.0], "z": [1.0]})
    with pytest.raises(InputError) as info:
        assess_parks(history, year=2025, scheme=scheme)
    message = str(info.value)
    assert "'higher' or 'lower'" in message and "worst" in message and "ideal value" in message
