"""Tests of the policy's location rules (landkit.siting): parks per county, parcels outside
parks, protective distances."""

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box

import landkit as lk
from landkit.errors import DataWarning
from landkit.siting import parcels_outside_parks, parks_per_county, protective_distance_check

CRS = "EPSG:4543"  # CGCS2000 3-degree Gauss-Krüger, CM 102°E (Kunming)
X0, Y0 = 500_000.0, 2_760_000.0


def square(x, y, size):
    return box(X0 + x, Y0 + y, X0 + x + size, Y0 + y + size)


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
    return gpd.GeoDataFrame(
        {"park_id": ["K1"], "level": ["省级"]}, geometry=[square(0, 0, 1_000)], crs=CRS
    )


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
        "existing",  # granted in 2015, before the policy date (2019-01-18): no violation
        "outside",
        "no_geometry",
    ]
    assert result["new_project"].tolist() == [True] * 5 + [False, True, True]
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
    earlier = parcels_outside_parks(plots, zone, since="2010-01-01")
    assert earlier.at[5, "park_status"] == "outside"
    assert "policy_date=2010-01-01 (user)" in earlier.attrs["landkit_provenance"]["rules"]


def _hand_parcel(code, grant_date, geometry, land_use=None):
    return gpd.GeoDataFrame(
        {"parcel_id": ["H1"], "land_use": [land_use], "industry_code": [code],
         "grant_date": [grant_date]},
        geometry=[geometry], crs=CRS,
    )  # fmt: skip


@pytest.mark.parametrize("code", ["D4411", "4411", "D44", "44", 4411])
def test_power_plant_outside_every_park_is_exempt(zone, code):
    plant = _hand_parcel(code, "2022-05-01", square(3_000, 0, 100))
    result = parcels_outside_parks(plant, zone)
    assert result.at[0, "park_status"] == "exempt"
    assert result.at[0, "location_status"] == "outside"
    assert result.at[0, "legal_basis"] == ""


@pytest.mark.parametrize("code", ["C2614", "2614", "C26", "26", 2614, 26.0])
def test_every_form_of_a_manufacturing_code_is_industrial(zone, code):
    plant = _hand_parcel(code, "2022-05-01", square(3_000, 0, 100))
    result = parcels_outside_parks(plant, zone)
    assert bool(result.at[0, "industrial"]) and result.at[0, "park_status"] == "outside"


def test_land_granted_in_2010_outside_a_park_is_no_violation(zone):
    old = _hand_parcel("C2614", "2010-06-01", square(3_000, 0, 100), land_use="1001")
    result = parcels_outside_parks(old, zone)
    assert result.at[0, "park_status"] == "existing"
    assert not result.at[0, "new_project"] and result.at[0, "legal_basis"] == ""


def test_parcel_without_grant_date_is_date_unknown(zone):
    undated = _hand_parcel("C2614", None, square(3_000, 0, 100), land_use="1001")
    result = parcels_outside_parks(undated, zone)
    assert result.at[0, "park_status"] == "date_unknown"
    assert pd.isna(result.at[0, "new_project"]) and result.at[0, "legal_basis"] == ""
    no_column = parcels_outside_parks(undated.drop(columns="grant_date"), zone)
    assert no_column.at[0, "park_status"] == "date_unknown"


def test_parcel_in_a_county_level_park_is_not_inside(zone):
    parks = pd.concat(
        [
            zone,
            gpd.GeoDataFrame(
                {"park_id": ["X1", "U1"], "level": ["县级", None]},
                geometry=[square(3_000, 0, 1_000), square(6_000, 0, 1_000)],
                crs=CRS,
            ),
        ],
        ignore_index=True,
    )
    plots = gpd.GeoDataFrame(
        {"parcel_id": ["county", "unknown", "mixed", "old"], "land_use": ["1001"] * 4,
         "grant_date": ["2021-01-01"] * 3 + ["2012-01-01"]},
        geometry=[square(3_100, 100, 200), square(6_100, 100, 200),
                  square(3_900, 100, 200),  # half in the county park, half outside all
                  square(3_500, 500, 100)],
        crs=CRS,
    )  # fmt: skip
    result = parcels_outside_parks(plots, parks)
    assert result["location_status"].tolist() == [
        "in_lower_level_park", "park_level_unknown", "partly_outside", "in_lower_level_park"
    ]  # fmt: skip
    assert result["park_status"].tolist() == [
        "in_lower_level_park", "park_level_unknown", "partly_outside", "existing"
    ]  # fmt: skip
    assert "市级及以上" in result.at[0, "legal_basis"] and result.at[1, "legal_basis"] == ""
    assert result.at[0, "outside_park_m2"] == pytest.approx(0.0)
    assert result.at[0, "outside_qualifying_park_m2"] == pytest.approx(40_000.0)
    city = parcels_outside_parks(plots, parks.assign(level=["省级", "市级", "国家级"]))
    assert city["park_status"].tolist()[:2] == ["inside", "inside"]
    county = parcels_outside_parks(plots, parks, rules={"outside_park_min_level": "县级"})
    assert county.at[0, "park_status"] == "inside"
    with pytest.raises(lk.errors.InputError, match="outside_park_min_level"):
        parcels_outside_parks(plots, parks, rules={"outside_park_min_level": "镇"})


def test_outside_area_agrees_with_overlay(plots, zone):
    result = parcels_outside_parks(plots, zone)
    present = plots[plots.geometry.notna()]
    expected = present.geometry.difference(zone.union_all()).area
    assert result.loc[present.index, "outside_park_m2"].tolist() == pytest.approx(expected.tolist())


def test_project_points_inside_or_outside(zone):
    projects = gpd.GeoDataFrame(
        {"parcel_id": ["p_in", "p_out"], "industry_code": ["26", "26"],
         "grant_date": ["2022-01-01", "2022-01-01"]},
        geometry=[Point(X0 + 500, Y0 + 500), Point(X0 + 5_000, Y0 + 500)],
        crs=CRS,
    )  # fmt: skip
    result = parcels_outside_parks(projects, zone)
    assert result["park_status"].tolist() == ["inside", "outside"]
    undated = parcels_outside_parks(projects.drop(columns="grant_date"), zone)
    assert undated["location_status"].tolist() == ["inside", "outside"]
    assert undated["park_status"].tolist() == ["inside", "date_unknown"]


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


@pytest.mark.parametrize("code", ["C2614", "2614", "C26", "26", 2614])
def test_chemical_plant_beside_housing_in_every_code_form(plants, housing, code):
    plant = plants.iloc[[0]].assign(industry_code=[code])
    result = protective_distance_check(plant, housing)
    assert result.iloc[0]["required_distance_m"] == 500
    assert result.iloc[0]["distance_status"] == "too_close"
    table = pd.DataFrame({"industry_code": ["C26"], "distance_m": [500]})
    assert protective_distance_check(plant, housing, distances=table).iloc[0][
        "distance_status"
    ] == "too_close"


def test_contradictory_or_ambiguous_code_is_an_error(plants, housing):
    with pytest.raises(lk.errors.InputError, match="D2614"):
        protective_distance_check(plants.assign(industry_code="D2614"), housing)
    with pytest.raises(lk.errors.InputError, match="610"):  # "0610" or "610"?
        lk.industry_codes.normalise_industry_code(610)
    assert lk.industry_codes.normalise_industry_code(6) == "06"


def test_own_distance_table(plants, housing):
    table = pd.DataFrame({"industry_code": ["26", "2614"], "distance_m": [100, 250]})
    result = protective_distance_check(plants, housing, distances=table)
    # the longer code wins: 250 m for 2614, 300 m away → compliant
    assert result.at[0, "required_distance_m"] == 250
    assert result.at[0, "distance_status"] == "compliant"
    assert result.at[0, "distance_rule_status"] == "user"


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


def test_cli_assess_with_enterprises_and_parks(tmp_path, capsys, parks, counties):
    from openpyxl import load_workbook

    from landkit.cli import main

    history = tmp_path / "history.xlsx"
    scores = {"A": 92, "B": 61, "C": 58, "D": 70, "E": 45}
    pd.DataFrame({"park_id": list(scores), "year": 2025, "score": list(scores.values())}).to_excel(
        history, index=False
    )
    enterprises = tmp_path / "enterprises.csv"
    pd.DataFrame(
        {
            "enterprise_id": ["e1", "e2"],
            "park_id": ["K1", "K1"],
            "industry_code": ["C3670", "C3911"],  # shares count industrial enterprises only
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
