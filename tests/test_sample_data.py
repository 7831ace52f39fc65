"""The bundled Kunming sample: layers, CRS, the documented cases, rasters, rebuild."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import rasterio
import shapely
from rasterio import features

import landkit as lk
from landkit import standards

ROOT = Path(__file__).resolve().parents[1]
AS_OF = pd.Timestamp("2026-11-01")
IMAGE_DATES = {2023: pd.Timestamp("2023-06-30"), 2025: pd.Timestamp("2025-06-30")}
SPATIAL = {
    "parks": "Polygon",
    "parcels": "Polygon",
    "buildings": "Polygon",
    "ecological_redline": "Polygon",
    "basic_farmland": "Polygon",
    "urban_boundary": "Polygon",
    "roads": "LineString",
    "rivers": "LineString",
    "counties": "MultiPolygon",
}
TABLES = ("park_history", "enterprises")
COLUMNS = {
    "parks": ["park_id", "name", "level", "county", "approved_area_ha", "leading_industry"],
    "parcels": [
        "parcel_id", "park_id", "name", "land_use", "industry_code", "industry_code_edition",
        "grant_date", "agreed_start_date", "agreed_completion_date", "start_status",
        "actual_start_date", "halted_since", "floor_area_m2", "footprint_area_m2",
        "developed_area_m2", "planned_footprint_area_m2", "green_area_m2",
        "admin_land_area_m2", "admin_floor_area_m2", "land_price_wan_yuan",
        "planned_investment_wan_yuan", "invested_wan_yuan", "output_wan_yuan", "tax_wan_yuan",
        "stat_year", "delay_cause", "contract_plot_ratio_min", "contract_plot_ratio_max",
    ],
    "buildings": ["building_id", "parcel_id", "floors", "height_m"],
    "roads": ["name"],
    "rivers": ["name"],
    "counties": ["county_code", "name"],
    "park_history": ["park_id", "year", "land_supply_rate", "composite_plot_ratio",
                     "idle_land_rate"],
    "enterprises": ["enterprise_id", "park_id", "industry_code", "output_wan_yuan",
                    "is_emerging", "in_leading_industry"],
}  # fmt: skip
KUNMING = {
    "530102": "五华区", "530103": "盘龙区", "530111": "官渡区", "530112": "西山区",
    "530113": "东川区", "530114": "呈贡区", "530115": "晋宁区", "530124": "富民县",
    "530125": "宜良县", "530126": "石林彝族自治县", "530127": "嵩明县",
    "530128": "禄劝彝族苗族自治县", "530129": "寻甸回族彝族自治县", "530181": "安宁市",
}  # fmt: skip


@pytest.fixture(scope="module")
def layers(sample_path) -> dict[str, pd.DataFrame]:
    out = {name: gpd.read_file(sample_path, layer=name) for name in SPATIAL}
    out.update({name: pyogrio.read_dataframe(sample_path, layer=name) for name in TABLES})
    return out


@pytest.fixture(scope="module")
def parcels(layers) -> gpd.GeoDataFrame:
    return layers["parcels"].set_index("parcel_id", drop=False)


@pytest.fixture(scope="module")
def builtup(sample_path, parcels) -> pd.DataFrame:
    """Mean built-up fraction per parcel and year, by burning parcel numbers into the grid."""
    means = {}
    for year in IMAGE_DATES:
        with rasterio.open(sample_path.parent / f"builtup_{year}.tif") as src:
            values = src.read(1, masked=True).filled(np.nan)
            burnt = features.rasterize(
                [(geom, i) for i, geom in enumerate(parcels.geometry, start=1)],
                out_shape=src.shape,
                transform=src.transform,
                fill=0,
            )
        mean = pd.Series(values.ravel()).groupby(burnt.ravel()).mean()
        means[year] = [mean.get(i, np.nan) for i in range(1, len(parcels) + 1)]
    return pd.DataFrame(means, index=parcels.index)


def case(parcels, name: str) -> gpd.GeoDataFrame:
    rows = parcels[parcels["case"] == name]
    assert len(rows) > 0, f"no parcel has case {name!r}"
    return rows


def years_after(dates: pd.Series, years: int) -> pd.Series:
    """The first day after a period of ``years`` from ``dates`` (the idle date)."""
    return dates + pd.DateOffset(years=years) + pd.Timedelta(days=1)


# ------------------------------------------------------------------ structure


def test_sample_and_rasters_exist(sample_path):
    assert sample_path.name == "kunming.gpkg"
    for year in IMAGE_DATES:
        assert (sample_path.parent / f"builtup_{year}.tif").is_file()
    files = sample_path.parent.glob("*")
    total = sum(p.stat().st_size for p in files if p.suffix in {".gpkg", ".tif"})
    assert total <= 10 * 2**20


def test_every_layer_and_table_is_there(sample_path):
    found = dict(pyogrio.list_layers(sample_path))
    for name, geometry_type in SPATIAL.items():
        assert found[name] == geometry_type, name
    for name in TABLES:
        assert name in found
        assert found[name] is None  # attribute table, not a spatial layer
        assert pyogrio.read_info(sample_path, layer=name)["geometry_type"] is None


@pytest.mark.parametrize("name", list(SPATIAL))
def test_every_layer_is_in_epsg_4543(sample_path, name):
    assert pyogrio.read_info(sample_path, layer=name)["crs"] == "EPSG:4543"


@pytest.mark.parametrize("name", list(COLUMNS))
def test_canonical_columns(layers, name):
    missing = set(COLUMNS[name]) - set(layers[name].columns)
    assert not missing


@pytest.mark.parametrize("name", ["parks", "parcels", "buildings", "roads", "rivers"])
def test_drawn_features_say_they_are_synthetic(layers, name):
    assert layers[name]["synthetic"].astype(bool).all()


def test_layers_validate_with_their_kind(sample_path):
    kinds = {"parks": "parks", "buildings": "buildings", "roads": "roads", "rivers": "rivers"}
    kinds.update(counties="counties", ecological_redline="lines", basic_farmland="lines")
    kinds.update(urban_boundary="lines")
    for layer, kind in kinds.items():
        lk.validate_layer(gpd.read_file(sample_path, layer=layer), kind)
    with pytest.warns(lk.errors.GeometryRepairedWarning, match=r"repaired 1 invalid geometr.*P027"):
        lk.validate_layer(gpd.read_file(sample_path, layer="parcels"), "parcels")
    for table in TABLES:
        lk.read_table(sample_path, table, kind=table)


def test_parcel_values_are_realistic(parcels):
    ok = parcels[parcels.is_valid & parcels["industry_code"].notna()]
    mu = ok.area * 15 / 10000
    price = ok["land_price_wan_yuan"] / mu
    assert price.between(20, 60).all()
    invest = ok["planned_investment_wan_yuan"] / mu
    assert invest.between(150, 400).all()
    built = ok[ok["floor_area_m2"] > 0]
    done = built[built["halted_since"].isna() & (built["actual_start_date"] < "2024-01-01")]
    assert (done["floor_area_m2"] / done.area).between(0.4, 2.5).all()
    assert parcels["parcel_id"].is_unique
    assert set(parcels["start_status"].dropna()) == {"started", "not_started"}
    assert {"100101", "1001", "0701", "0804", "1401", "1101", "0601", "M1"} <= set(
        parcels["land_use"]
    )


def test_buildings_sit_in_their_parcels(layers, parcels):
    buildings = layers["buildings"]
    assert 150 <= len(buildings) <= 300
    owned = buildings[buildings["parcel_id"].notna()]
    homes = gpd.GeoSeries(parcels.loc[owned["parcel_id"], "geometry"].values, index=owned.index)
    assert owned.geometry.within(homes).all()
    assert (buildings["height_m"] / buildings["floors"] > 8).sum() >= 3


# ---------------------------------------------------------------- real parts


def test_counties_are_the_14_real_districts(layers):
    counties = layers["counties"]
    assert dict(zip(counties["county_code"], counties["name"], strict=True)) == KUNMING
    assert counties.is_valid.all()
    # Kunming's districts together cover about 21,000 km²
    assert 20_000 < counties.area.sum() / 1e6 < 22_500


def test_parks_come_from_the_catalogue(layers):
    parks = layers["parks"].set_index("park_id")
    catalogue = pd.read_csv(
        ROOT / "sample_data" / "sources" / "yunnan_devzones_2018catalog_extract.csv", dtype=str
    ).set_index("代码")
    assert 4 <= len(parks) <= 5
    rows = catalogue.loc[parks.index]
    assert list(parks["name"]) == list(rows["开发区名称"])
    assert np.allclose(parks["approved_area_ha"], rows["核准面积_公顷"].astype(float))
    assert set(parks["level"]) == {"national", "provincial"}
    assert (parks.area / 1e6).between(1, 5).all()  # a few km² each


def test_parks_lie_in_their_district_and_one_district_has_two(layers):
    parks, counties = layers["parks"], layers["counties"]
    joined = gpd.sjoin(parks, counties[["name", "geometry"]], predicate="within")
    assert list(joined["name_right"]) == list(parks["county"])
    assert parks["county"].value_counts().max() == 2


# --------------------------------------------------------------------- cases


def test_three_line_cases(layers, parcels):
    ok = parcels[parcels.is_valid]
    redline = layers["ecological_redline"].union_all()
    farmland = layers["basic_farmland"].union_all()
    urban = layers["urban_boundary"].union_all()
    on_redline = ok.index[ok.intersection(redline).area > 1]
    on_farmland = ok.index[ok.intersection(farmland).area > 1]
    outside = ok.index[ok.difference(urban).area > 1]
    assert list(on_redline) == list(case(parcels, "crosses_redline").index)
    assert list(on_farmland) == list(case(parcels, "crosses_farmland").index)
    assert list(outside) == list(case(parcels, "outside_urban_boundary").index)


def test_redline_polygons_overlap_and_one_has_a_hole_holding_a_parcel(layers, parcels):
    first, second = layers["ecological_redline"].geometry
    assert first.intersection(second).area > 0
    holed = [p for p in (first, second) if len(p.interiors) > 0]
    assert len(holed) == 1
    hole = shapely.Polygon(holed[0].interiors[0])
    inside = case(parcels, "redline_hole").geometry.iloc[0]
    assert hole.contains(inside)
    assert shapely.Polygon(holed[0].exterior).contains(inside)


def test_not_started_cases(parcels):
    not_started = parcels["start_status"] == "not_started"
    idle_day = years_after(parcels["agreed_start_date"], 1)
    recover_day = years_after(parcels["agreed_start_date"], 2)
    idle = case(parcels, "idle_not_started").index
    assert (not_started[idle] & (idle_day[idle] <= AS_OF) & (recover_day[idle] > AS_OF)).all()
    assert parcels.loc[idle, "delay_cause"].isna().all()
    assert parcels.loc[idle, "land_price_wan_yuan"].gt(0).all()
    recoverable = case(parcels, "recoverable_not_started").index
    assert (not_started[recoverable] & (recover_day[recoverable] <= AS_OF)).all()
    government = case(parcels, "government_delay")
    assert (recover_day[government.index] <= AS_OF).all()
    assert (government["delay_cause"] == "land_not_delivered").all()
    soon = case(parcels, "at_risk_start_passed").index
    assert (not_started[soon] & (parcels.loc[soon, "agreed_start_date"] < AS_OF)).all()
    assert (idle_day[soon] > AS_OF).all()


def test_started_then_halted_cases(parcels):
    started = parcels["start_status"] == "started"
    low_development = parcels["developed_area_m2"] * 3 < parcels["planned_footprint_area_m2"]
    low_investment = parcels["invested_wan_yuan"] * 4 < parcels["planned_investment_wan_yuan"]
    halted_year = years_after(parcels["halted_since"], 1) <= AS_OF
    a = case(parcels, "suspected_idle_low_development").index
    assert (started[a] & low_development[a] & ~low_investment[a] & halted_year[a]).all()
    b = case(parcels, "suspected_idle_low_investment").index
    assert (started[b] & ~low_development[b] & low_investment[b] & halted_year[b]).all()
    c = case(parcels, "at_risk_halted").index
    assert (started[c] & low_development[c] & (parcels.loc[c, "halted_since"] < AS_OF)).all()
    assert not halted_year[c].any()
    others = parcels["case"].isna()
    assert parcels.loc[others, "halted_since"].isna().all()


@pytest.mark.slow
def test_raster_agrees_with_records_except_the_conflict(parcels, builtup):
    threshold = standards.rule("idle", "not_started_max_builtup")
    unknown = parcels["start_status"].isna()
    for year, day in IMAGE_DATES.items():
        started = parcels["actual_start_date"].notna() & (parcels["actual_start_date"] <= day)
        looks_started = builtup[year] >= threshold
        disagree = parcels.index[(started != looks_started) & ~unknown]
        expected = ["raster_conflict"] if year == 2025 else []
        assert list(parcels.loc[disagree, "case"]) == expected
    conflict = case(parcels, "raster_conflict").index
    assert (parcels.loc[conflict, "start_status"] == "started").all()
    assert (builtup.loc[conflict, 2025] < threshold).all()


def test_parcels_without_start_records_are_told_apart_by_the_raster(parcels, builtup):
    threshold = standards.rule("idle", "not_started_max_builtup")
    unknown = parcels.index[parcels["start_status"].isna()]
    assert parcels.loc[unknown, "actual_start_date"].isna().all()
    assert sorted(parcels.loc[unknown, "case"]) == [
        "raster_decides_not_started",
        "raster_decides_started",
    ]
    yes = case(parcels, "raster_decides_started").index
    no = case(parcels, "raster_decides_not_started").index
    assert (builtup.loc[yes, 2025] >= threshold).all()
    assert (builtup.loc[no, 2025] < threshold).all()


def test_plot_ratio_cases(parcels):
    minimum = standards.load_table("plot_ratio_min_gbt4754_2002").set_index("industry_code")
    ratio = parcels["floor_area_m2"] / parcels.area
    low = case(parcels, "below_plot_ratio_min")
    floor = minimum.loc[low["industry_code"], "value"].astype(float).to_numpy()
    assert (ratio[low.index].to_numpy() < floor).all()
    high = case(parcels, "over_contract_max")
    assert (ratio[high.index] > high["contract_plot_ratio_max"]).all()
    control = case(parcels, "contract_ok")
    assert (
        ratio[control.index]
        .between(control["contract_plot_ratio_min"], control["contract_plot_ratio_max"])
        .all()
    )
    assert parcels["contract_plot_ratio_max"].notna().sum() >= 3


def test_other_control_indicator_cases(parcels):
    def rule(key):
        return standards.rule("control_indicators", f"national-2008.{key}")

    low = case(parcels, "low_building_coefficient")
    assert (low["footprint_area_m2"] / low.area < rule("building_coefficient_min")).all()
    admin = case(parcels, "admin_share_over_limit")
    assert (admin["admin_land_area_m2"] / admin.area > rule("admin_share_max")).all()
    green = case(parcels, "green_ratio_over_limit")
    assert (green["green_area_m2"] / green.area > rule("green_ratio_max")).all()


def test_building_across_two_parcels(layers, parcels):
    shared = layers["buildings"]
    shared = shared[shared["case"] == "building_across_parcels"]
    assert len(shared) == 1
    assert shared["parcel_id"].isna().all()
    pieces = parcels.intersection(shared.geometry.iloc[0]).area
    hit = list(parcels.index[pieces > 1])
    assert hit == list(case(parcels, "building_across_parcels").index)
    assert len(hit) == 2


def test_bowtie_parcel_is_invalid(parcels):
    invalid = parcels.index[~parcels.is_valid]
    assert list(invalid) == list(case(parcels, "invalid_bowtie").index)
    reason = shapely.is_valid_reason(parcels.loc[invalid, "geometry"].iloc[0])
    assert reason.startswith("Self-intersection")


def test_chemical_plant_near_housing(parcels):
    plant = case(parcels, "chemical_plant")
    assert (plant["industry_code"] == "26").all()
    homes = case(parcels, "near_chemical_plant")
    assert (homes["land_use"] == "0701").all()
    distance = homes.geometry.iloc[0].distance(plant.geometry.iloc[0])
    assert 250 <= distance <= 350


# --------------------------------------------------------------------- tables


def test_park_history_has_a_weak_park_three_years_running(layers):
    history = layers["park_history"]
    parks = set(layers["parks"]["park_id"])
    assert set(history["park_id"]) == parks
    assert sorted(history["year"].unique()) == [2023, 2024, 2025]
    assert len(history) == 3 * len(parks)
    worst = {year: group.set_index("park_id") for year, group in history.groupby("year")}
    lows = {year: frame["land_supply_rate"].idxmin() for year, frame in worst.items()}
    assert len(set(lows.values())) == 1
    weak = lows[2025]
    for frame in worst.values():
        assert frame["idle_land_rate"].idxmax() == weak
        assert frame["composite_plot_ratio"].idxmin() == weak


def test_enterprises_link_to_parks_and_parcels(layers, parcels):
    enterprises = layers["enterprises"]
    assert enterprises["enterprise_id"].is_unique
    assert set(enterprises["park_id"]) == set(layers["parks"]["park_id"])
    linked = enterprises["parcel_id"].dropna()
    assert linked.isin(parcels.index).all()
    assert enterprises["is_emerging"].any() and not enterprises["is_emerging"].all()
    assert enterprises["in_leading_industry"].any()
    assert not enterprises["in_leading_industry"].all()


# ------------------------------------------------------------------- rasters


@pytest.mark.parametrize("year", list(IMAGE_DATES))
def test_rasters_cover_the_parks(sample_path, layers, year):
    with rasterio.open(sample_path.parent / f"builtup_{year}.tif") as src:
        assert src.crs.to_epsg() == 4543
        assert src.res == (10.0, 10.0)
        assert src.dtypes[0] == "float32"
        assert src.nodata == -1
        assert src.profile["tiled"] and src.profile["compress"] == "deflate"
        left, bottom, right, top = src.bounds
        for park in layers["parks"].geometry:
            x0, y0, x1, y1 = park.bounds
            assert left <= x0 and x1 <= right and bottom <= y0 and y1 <= top
            window = src.window(*park.bounds)
            values = src.read(1, window=window, masked=True)
            assert values.count() == values.size  # no nodata over a park
            assert values.min() >= 0 and values.max() <= 1


# -------------------------------------------------------------------- rebuild


@pytest.mark.slow
def test_rebuild_gives_identical_tables_and_rasters(tmp_path, sample_path):
    script = ROOT / "sample_data" / "build_sample.py"
    subprocess.run([sys.executable, str(script), "--out", str(tmp_path)], check=True)
    for name in [*SPATIAL, *TABLES]:
        old = pyogrio.read_dataframe(sample_path, layer=name)
        new = pyogrio.read_dataframe(tmp_path / "kunming.gpkg", layer=name)
        pd.testing.assert_frame_equal(old, new, check_exact=True)
    for year in IMAGE_DATES:
        with (
            rasterio.open(sample_path.parent / f"builtup_{year}.tif") as a,
            rasterio.open(tmp_path / f"builtup_{year}.tif") as b,
        ):
            assert a.profile == b.profile
            assert np.array_equal(a.read(1), b.read(1))
