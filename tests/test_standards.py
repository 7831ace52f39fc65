"""The standards tables: the typed accessor, the typed table reader and the override (rules=)."""

import datetime as dt
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import landkit as lk
from landkit import standards
from landkit.errors import InputError

GK = "EPSG:4543"
X0, Y0 = 500_000.0, 2_760_000.0


def square(x0, y0, x1, y1):
    return shapely.box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1)


# ------------------------------------------------------------------ typed accessor


def test_rule_values_are_typed_with_unit_source_and_status():
    years = standards.get("idle", "not_started_idle_years")
    assert years.value == 1 and isinstance(years.value, int)
    assert years.unit == "year" and years.status == "verified"
    assert "第53号" in years.document and years.clause == "第二条"
    share = standards.get("idle", "developed_share_min")
    assert share.value == pytest.approx(1 / 3) and share.text == "1/3"
    both = standards.get("idle", "require_both_shortfalls")
    assert both.value is False
    fee = standards.get("idle", "idle_fee_share")
    assert isinstance(fee.value, float) and fee.value == pytest.approx(0.2)
    # an empty cell reads as None
    assert standards.get("park_evaluation", "benchmark.idle_land_rate").value is None
    # codes stay text, a linked table stays text
    assert standards.get("control_indicators", "industrial_land_use").value == "1001"
    assert standards.get("assessment", "outside_park_exempt_industries").value.startswith("06;")
    linked = standards.get("control_indicators", "national-2008.plot_ratio_min").value
    assert linked == "table:plot_ratio_min_gbt4754_2002"
    investment = standards.get("control_indicators", "national-2004.investment_intensity_min")
    assert investment.value == "table:investment_intensity_min"


def test_rule_is_frozen_and_old_names_still_work():
    rule = standards.get("assessment", "pass_mark")
    with pytest.raises(AttributeError):
        rule.value = 70
    assert standards.rule("assessment", "pass_mark") == 60
    assert standards.rule_row("assessment", "pass_mark")["status"] == "example"
    assert standards.load_table("assessment")["value"].map(type).eq(str).all()


def test_cells_parse_to_numbers_dates_booleans_and_text():
    assert standards.parse_value("1/4") == 0.25
    assert standards.parse_value("2026-10-01") == dt.date(2026, 10, 1)
    assert standards.parse_value("TRUE") is True
    assert standards.parse_value("-3") == -3
    assert standards.parse_value("1e-3") == 0.001
    assert standards.parse_value("inside") == "inside"
    assert standards.parse_value("0601", "land-use code") == "0601"


def test_table_reader_types_columns():
    distances = standards.table("protective_distances")
    assert distances["distance_m"].dtype == float
    assert distances["industry_code"].map(type).eq(str).all()  # codes keep leading zeros
    assert distances["industry_code_edition"].map(type).eq(str).all()
    scheme = standards.table("mu_benefit_schemes")
    assert scheme["weight"].dtype == float and scheme["benchmark"].dtype == float
    assert scheme["benchmark"].isna().any()  # an empty cell is NaN, not ""
    rules = standards.table("idle")
    by_key = dict(zip(rules["key"], rules["value"], strict=True))
    assert by_key["warn_days"] == 90 and by_key["require_both_shortfalls"] is False
    empty = standards.table("plot_ratio_min_2023")["value"]  # no minimum found yet
    assert empty.dtype == float and empty.isna().all()
    crosswalk = standards.table("industry_code_crosswalk")
    assert crosswalk["edition"].map(type).eq(str).all()


def test_table_reader_reads_iso_dates(monkeypatch):
    dated = pd.DataFrame(
        {
            "key": ["a", "b"],
            "in_force": ["2019-03-01", ""],
            "document": ["d", "d"],
            "clause": ["c", "c"],
            "status": ["verified", "verified"],
        }
    )
    monkeypatch.setattr(standards, "_read", lambda name: dated)
    table = standards.table("dated")
    assert table.at[0, "in_force"] == dt.date(2019, 3, 1)
    assert pd.isna(table.at[1, "in_force"])


def test_unknown_table_or_key_is_a_clear_error():
    with pytest.raises(InputError, match="no rule table named 'nope'"):
        standards.get("nope", "x")
    with pytest.raises(InputError, match="0 rows for key 'x'"):
        standards.get("idle", "x")


# ------------------------------------------------------------------ rules= overrides


def test_overrides_by_key_table_key_and_rule_table():
    plain = standards.overrides({"pass_mark": 65}, "assessment")
    qualified = standards.overrides({"assessment.pass_mark": 65}, "assessment")
    rows = standards.overrides(pd.DataFrame({"key": ["pass_mark"], "value": ["65"]}), "assessment")
    assert plain == qualified == {"assessment.pass_mark": 65}
    rule = standards.get("assessment", "pass_mark", rules=rows)
    assert rule.value == 65 and rule.status == "user" and rule.unit == "score"
    assert rule.describe() == "pass_mark=65 (user)"
    # a convenience keyword wins over rules=; None means not given
    merged = standards.overrides({"warn_days": 10}, "idle", given={"warn_days": 30})
    assert merged == {"idle.warn_days": 30}
    assert standards.overrides(None, "idle", given={"warn_days": None}) == {}


def test_unknown_override_key_names_the_table_and_the_valid_keys():
    with pytest.raises(InputError) as info:
        standards.overrides({"warn_day": 30}, "idle")
    message = str(info.value)
    assert "warn_day" in message and "'idle' table" in message
    assert "warn_days" in message and "not_started_max_builtup" in message
    with pytest.raises(InputError, match=r"assessment\.warn_days"):
        standards.overrides({"assessment.warn_days": 30}, "idle")
    with pytest.raises(InputError, match="key, value"):
        standards.overrides(pd.DataFrame({"name": ["warn_days"]}), "idle")


def test_override_of_the_wrong_kind_is_an_error():
    with pytest.raises(InputError, match="must be a number"):
        standards.overrides({"pass_mark": "sixty"}, "assessment")
    with pytest.raises(InputError, match="true or false"):
        standards.overrides({"require_both_shortfalls": 1}, "idle")


def test_idle_rules_override():
    parcel = pd.DataFrame(
        {"parcel_id": ["P1"], "agreed_start_date": ["2026-10-01"], "start_status": ["not_started"]}
    )
    default = lk.detect_idle(parcel, as_of="2026-08-01")  # 61 days before the agreed start
    assert default.at[0, "idle_status"] == "at_risk"
    late = lk.detect_idle(parcel, as_of="2026-08-01", rules={"idle.warn_days": 30})
    assert late.at[0, "idle_status"] == "active"
    same = lk.detect_idle(parcel, as_of="2026-08-01", warn_days=30)
    assert same.at[0, "idle_status"] == "active"
    assert "warn_days=30 (user)" in late.attrs["landkit_provenance"]["rules"]
    overdue = parcel.assign(agreed_start_date="2025-10-01")
    assert lk.detect_idle(overdue, as_of="2026-10-05").at[0, "idle_status"] == "idle"
    longer = lk.detect_idle(overdue, as_of="2026-10-05", rules={"not_started_idle_years": 2})
    assert longer.at[0, "idle_status"] == "at_risk"
    with pytest.raises(InputError, match="'idle' table"):
        lk.detect_idle(parcel, as_of="2026-08-01", rules={"pass_mark": 65})


def test_metrics_rules_override():
    parcels = gpd.GeoDataFrame(
        {"parcel_id": ["P1"], "land_use": ["1001"], "industry_code": ["3670"]},
        geometry=[square(0, 0, 100, 100)],
        crs=GK,
    )
    buildings = gpd.GeoDataFrame(
        {"floors": [1]},
        geometry=[square(0, 0, 100, 33)],
        crs=GK,  # coefficient 0.33
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # no grant date: name the edition (the default picks it by grant date)
        default = lk.parcel_metrics(parcels, buildings, standard="national-2008")
        strict = lk.parcel_metrics(
            parcels,
            buildings,
            standard="national-2008",
            rules={"national-2008.building_coefficient_min": 0.35},
        )
    assert default.at[0, "building_coefficient_min"] == pytest.approx(0.30)
    assert bool(default.at[0, "meets_building_coefficient"])
    assert strict.at[0, "building_coefficient_min"] == pytest.approx(0.35)
    assert not bool(strict.at[0, "meets_building_coefficient"])
    assert "building_coefficient_min=0.35 (user)" in strict.attrs["landkit_provenance"]["rules"]
    with pytest.raises(InputError, match="control_indicators"):
        lk.parcel_metrics(parcels, buildings, rules={"national-2099.plot_ratio_min": 1})


def test_assessment_rules_override_with_a_table():
    history = pd.DataFrame({"park_id": ["A", "B"], "year": 2025, "score": [62.0, 90.0]})
    rows = pd.DataFrame({"table": ["assessment"], "key": ["pass_mark"], "value": ["65"]})
    result = lk.assess_parks(history, year=2025, rules=rows)
    assert result["passed"].tolist() == [False, True]
    assert "pass_mark=65 (user)" in result.attrs["landkit_provenance"]["rules"]
    with pytest.raises(InputError, match="unknown key"):
        lk.assess_parks(history, year=2025, rules={"pass": 65})


def test_three_line_rules_override():
    parcels = gpd.GeoDataFrame(geometry=[square(0, 0, 100, 100)], crs=GK)
    red = gpd.GeoDataFrame(geometry=[square(99.5, 0, 200, 100)], crs=GK)  # 50 m² overlap
    lines = {"ecological_redline": red}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        default = lk.check_three_lines(parcels, lines)
        loose = lk.check_three_lines(parcels, lines, rules={"sliver_tolerance_m2": 60})
        keyword = lk.check_three_lines(parcels, lines, tolerance_m2=60)
    assert default.at[0, "status"] == "violation"
    assert loose.at[0, "status"] == keyword.at[0, "status"] == "compliant"
    assert loose.attrs["landkit_provenance"]["tolerance_source"] == "given by the caller"
    with pytest.raises(InputError, match="three_lines"):
        lk.check_three_lines(parcels, lines, rules={"tolerance": 60})


def test_siting_and_industry_rules_override():
    parks = gpd.GeoDataFrame(
        {"park_id": ["K1", "K2"], "county": ["甲县", "甲县"]},
        geometry=[square(0, 0, 10, 10), square(20, 0, 30, 10)],
        crs=GK,
    )
    assert lk.parks_per_county(parks, None)["over_limit"].tolist() == [True]
    two = lk.parks_per_county(parks, None, rules={"parks_per_county_max": 2})
    assert two["over_limit"].tolist() == [False] and two["limit"].tolist() == [2]
    enterprises = pd.DataFrame(
        {"park_id": ["K1", "K1"], "industry_code": ["C3670", "C3911"],
         "output_wan_yuan": [75, 25], "in_leading_industry": [1, 0]}
    )  # fmt: skip
    shares = lk.industry_concentration(enterprises, rules={"leading_industry_share_min": 0.7})
    assert shares["meets_leading_target"].tolist() == [True]
    assert shares["leading_share_target"].tolist() == [0.7]
    with pytest.raises(InputError, match="assessment"):
        lk.industry_concentration(enterprises, rules={"leading_share": 0.7})


def test_park_indicator_rules_override():
    parks = gpd.GeoDataFrame({"park_id": ["K1"]}, geometry=[square(0, 0, 100, 100)], crs=GK)
    parcels = gpd.GeoDataFrame(
        {"parcel_id": ["P1"], "park_id": ["K1"], "land_use": ["1001"], "floor_area_m2": [100.0]},
        geometry=[square(0, 0, 10, 10)],
        crs=GK,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = lk.park_indicators(parks, parcels, rules={"benchmark.composite_plot_ratio": 1.5})
    assert result.at["K1", "national_composite_plot_ratio"] == 1.5
    assert np.isclose(
        result.at["K1", "national_land_supply_rate"],
        standards.rule("park_evaluation", "benchmark.land_supply_rate"),
    )
    assert "composite_plot_ratio=1.5 (user)" in result.attrs["landkit_provenance"]["rules"]


def test_boundary_rules_override():
    from landkit.boundary import four_boundaries

    park = gpd.GeoDataFrame(geometry=[square(0, 0, 100, 100)], crs=GK)
    road = gpd.GeoDataFrame({"name": ["东路"]}, geometry=[square(101, 0, 110, 100)], crs=GK)
    by_rule = four_boundaries(
        park, [road], name_col="name", rules={"boundary.four_boundaries_touch_tolerance_m": 2}
    )
    assert by_rule == four_boundaries(park, [road], name_col="name", tolerance=2)
    assert by_rule["east"] == "东路"
    with pytest.raises(InputError, match="'boundary' table"):
        four_boundaries(park, [road], name_col="name", rules={"touch_tolerance": 2})


def test_overrides_from_a_table_keep_their_types():
    rows = pd.DataFrame(
        {"key": ["require_both_shortfalls", "warn_days"], "value": [np.True_, np.int64(30)]}
    )
    rules = standards.overrides(rows, "idle")
    assert standards.get("idle", "require_both_shortfalls", rules=rules).value is True
    warn = standards.get("idle", "warn_days", rules=rules)
    assert warn.value == 30 and type(warn.value) is int and warn.status == "user"
