"""Idle land under Order 53: rules worked by hand, raster evidence and the CLI."""

from __future__ import annotations

import datetime as dt

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import rasterio
from hypothesis import given, settings
from hypothesis import strategies as st
from rasterio.transform import Affine
from shapely.geometry import box

from landkit.cli import main
from landkit.errors import InputError, SchemaError
from landkit.idle import FLAGGED, IDLE_STATUSES, compare_idle, detect_idle

AS_OF = "2026-10-02"


def parcels(*rows, crs="EPSG:4543"):
    """Parcels P0, P1, … as 100 m squares in a row (10 000 m² each)."""
    table = pd.DataFrame(list(rows))
    if "parcel_id" not in table:
        table.insert(0, "parcel_id", [f"P{i}" for i in range(len(table))])
        table.insert(1, "park_id", "K1")
    geoms = [
        box(500_000 + 200 * i, 2_800_000, 500_100 + 200 * i, 2_800_100) for i in range(len(table))
    ]
    return gpd.GeoDataFrame(table, geometry=geoms, crs=crs)


def one(row, as_of=AS_OF, **options):
    return detect_idle(parcels(row), as_of=as_of, **options).iloc[0]


def not_started(agreed, **more):
    return {"agreed_start_date": agreed, "start_status": "not_started", **more}


def halted(since, **more):
    return {"start_status": "started", "halted_since": since, **more}


# ------------------------------------------------------------------- rule A


def test_one_full_year_ends_on_the_same_date_and_idle_starts_next_day():
    row = not_started("2025-10-01", land_price_wan_yuan=1234.5)
    before = one(row, as_of="2026-10-01")
    assert (before["idle_status"], before["idle_rule"]) == ("at_risk", "start_overdue")
    assert before["next_deadline"] == pd.Timestamp("2026-10-02")
    assert pd.isna(before["idle_fee_wan_yuan"])
    first = one(row, as_of="2026-10-02")
    assert (first["idle_status"], first["idle_rule"]) == ("idle", "not_started_1y")
    assert first["idle_since"] == pd.Timestamp("2026-10-02")
    assert first["days_overdue"] == 0
    assert first["idle_fee_wan_yuan"] == pytest.approx(246.9)  # 20 % of 1234.5
    assert "第十四条第（一）项" in first["legal_basis"]
    assert "土地闲置费" in first["recommended_action"]


def test_two_full_years_make_it_recoverable():
    row = not_started("2024-10-01", land_price_wan_yuan=1000)
    still_idle = one(row, as_of="2026-10-01")
    assert still_idle["idle_status"] == "idle"
    assert still_idle["days_overdue"] == 364
    assert still_idle["next_deadline"] == pd.Timestamp("2026-10-02")
    recoverable = one(row, as_of="2026-10-02")
    assert (recoverable["idle_status"], recoverable["idle_rule"]) == (
        "recoverable",
        "not_started_2y",
    )
    assert recoverable["idle_since"] == pd.Timestamp("2025-10-02")
    assert recoverable["days_overdue"] == 365
    assert pd.isna(recoverable["idle_fee_wan_yuan"])
    assert "无偿收回" in recoverable["recommended_action"]


def test_a_start_on_29_february_ends_on_28_february():
    row = not_started("2024-02-29")
    assert one(row, as_of="2025-02-28")["idle_status"] == "at_risk"
    idle = one(row, as_of="2025-03-01")
    assert (idle["idle_status"], idle["idle_since"]) == ("idle", pd.Timestamp("2025-03-01"))
    assert one(row, as_of="2026-02-28")["idle_status"] == "idle"
    assert one(row, as_of="2026-03-01")["idle_status"] == "recoverable"
    # a year from 28 February 2023 ends on 28 February 2024, a leap year
    assert one(not_started("2023-02-28"), as_of="2024-02-29")["idle_status"] == "idle"
    assert one(not_started("2023-02-28"), as_of="2024-02-28")["idle_status"] == "at_risk"


def add_years(day: dt.date, years: int) -> dt.date:
    """民法典 202 by hand: the same day ``years`` later, else the month's last day."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(
    agreed=st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31)),
    offset=st.integers(-200, 1200),
)
def test_rule_a_matches_calendar_arithmetic_done_by_hand(agreed, offset):
    as_of = agreed + dt.timedelta(days=offset)
    result = one(not_started(agreed.isoformat()), as_of=as_of)
    idle_from = add_years(agreed, 1) + dt.timedelta(days=1)
    recoverable_from = add_years(agreed, 2) + dt.timedelta(days=1)
    if as_of >= recoverable_from:
        expected = "recoverable"
    elif as_of >= idle_from:
        expected = "idle"
    elif as_of > agreed or (agreed - as_of).days <= 90:
        expected = "at_risk"
    else:
        expected = "active"
    assert result["idle_status"] == expected
    if expected in ("idle", "recoverable"):
        assert result["idle_since"].date() == idle_from
        assert result["days_overdue"] == (as_of - idle_from).days


def test_agreed_start_close_ahead_is_at_risk():
    assert one(not_started("2026-12-31"))["idle_status"] == "at_risk"  # 90 days ahead
    assert one(not_started("2026-12-31"))["idle_rule"] == "start_due"
    assert one(not_started("2027-01-01"))["idle_status"] == "active"  # 91 days
    assert one(not_started("2027-01-01"), warn_days=91)["idle_status"] == "at_risk"


def test_actual_start_date_decides_when_start_status_is_absent():
    started = one({"agreed_start_date": "2024-01-01", "actual_start_date": "2024-03-01"})
    assert (started["idle_status"], started["start_evidence"]) == ("active", "records")
    # a start after the as-of date had not happened yet on that date
    later = one({"agreed_start_date": "2024-01-01", "actual_start_date": "2027-01-01"})
    assert later["idle_status"] == "recoverable"
    # a blank date is unknown, never "not started"
    empty = one({"agreed_start_date": "2024-01-01", "actual_start_date": None})
    assert (empty["idle_status"], empty["start_evidence"]) == ("insufficient_data", None)
    assert "actual_start_date" in empty["missing_fields"]


# ------------------------------------------------------------------- rule B


MONEY_OK = {"invested_wan_yuan": 25.0, "planned_investment_wan_yuan": 100.0}  # exactly 25 %


@pytest.mark.parametrize(
    ("figures", "status"),
    [
        ({"developed_area_m2": 33.0, "planned_footprint_area_m2": 100.0}, "suspected_idle"),
        ({"developed_area_m2": 100.0, "planned_footprint_area_m2": 300.0, **MONEY_OK}, "active"),
        ({"invested_wan_yuan": 24.99, "planned_investment_wan_yuan": 100.0}, "suspected_idle"),
        # developed exactly 1/3, investment unknown: it could still be idle
        ({"developed_area_m2": 100.0, "planned_footprint_area_m2": 300.0}, "insufficient_data"),
        (
            {
                "developed_area_m2": 50.0,
                "planned_footprint_area_m2": 150.0,
                "invested_wan_yuan": 20.0,
                "planned_investment_wan_yuan": 100.0,
            },
            "suspected_idle",
        ),
        # due: the contract coefficient × the parcel's 10 000 m²
        ({"footprint_area_m2": 1999.0, "contract_building_coefficient": 0.6}, "suspected_idle"),
        ({"footprint_area_m2": 2000.0, "contract_building_coefficient": 0.6, **MONEY_OK}, "active"),
        # no footprint due: the area test is undecided, never the whole parcel area
        ({"footprint_area_m2": 3000.0}, "insufficient_data"),
        ({"footprint_area_m2": 3400.0, **MONEY_OK}, "insufficient_data"),
        ({}, "insufficient_data"),
    ],
)
def test_rule_b_shortfalls(figures, status):
    result = one(halted("2025-10-01", **figures))
    assert result["idle_status"] == status
    if status == "suspected_idle":
        assert result["idle_rule"] == "halted_1y"
        assert result["idle_since"] == pd.Timestamp("2026-10-02")
        assert "第二条" in result["legal_basis"]
    if status == "insufficient_data":
        assert "planned_footprint_area_m2" in result["missing_fields"] or (
            "invested_wan_yuan" in result["missing_fields"]
        )


def test_halted_under_a_year_is_at_risk_then_suspected():
    row = halted("2025-10-01", developed_area_m2=10.0, planned_footprint_area_m2=100.0)
    risk = one(row, as_of="2026-10-01")
    assert (risk["idle_status"], risk["idle_rule"]) == ("at_risk", "halted")
    assert risk["next_deadline"] == pd.Timestamp("2026-10-02")
    assert one(row, as_of="2026-10-02")["idle_status"] == "suspected_idle"
    # a halt recorded after the as-of date has not begun
    assert one(row, as_of="2025-09-30")["idle_status"] == "active"
    no_shortfall = halted(
        "2025-10-01", developed_area_m2=90.0, planned_footprint_area_m2=100.0, **MONEY_OK
    )
    assert one(no_shortfall, as_of="2026-01-01")["idle_status"] == "active"


def test_the_table_can_require_both_shortfalls():
    both = {"rules": {"require_both_shortfalls": True}}
    one_short = halted(
        "2025-10-01",
        developed_area_m2=10.0,
        planned_footprint_area_m2=100.0,
        invested_wan_yuan=90.0,
        planned_investment_wan_yuan=100.0,
    )
    assert one(one_short, **both)["idle_status"] == "active"
    assert one(one_short)["idle_status"] == "suspected_idle"  # either shortfall by default
    both_short = {**one_short, "invested_wan_yuan": 10.0}
    assert one(both_short, **both)["idle_status"] == "suspected_idle"


# ---------------------------------------------------------- government causes


@pytest.mark.parametrize(
    ("cause", "code", "clause"),
    [
        ("land_not_delivered", "land_not_delivered", "第八条第（一）项"),
        ("未按期交地", "land_not_delivered", "第八条第（一）项"),
        ("规划调整", "plan_revised", "第八条第（二）项"),
        ("国家政策调整", "policy_change", "第八条第（三）项"),
        ("信访", "petition", "第八条第（四）项"),
        ("文物保护", "military_or_heritage", "第八条第（五）项"),
        ("other_government", "other_government", "第八条第（六）项"),
        ("不可抗力", "force_majeure", "第二十六条"),
    ],
)
def test_government_causes_turn_findings_into_negotiated_disposal(cause, code, clause):
    for agreed in ("2025-10-01", "2024-10-01"):  # idle and recoverable
        result = one(not_started(agreed, land_price_wan_yuan=500.0, delay_cause=cause))
        assert result["idle_status"] == "government_delay"
        assert result["delay_cause"] == code
        assert pd.isna(result["idle_fee_wan_yuan"])
        assert clause in result["legal_basis"] and "第十二条" in result["legal_basis"]
        assert "协商" in result["recommended_action"]


def test_a_cause_does_not_hide_an_early_warning():
    result = one(not_started("2026-06-01", delay_cause="信访"))
    assert result["idle_status"] == "at_risk"


def test_unknown_delay_cause_is_a_schema_error():
    layer = parcels(
        not_started("2024-01-01", delay_cause="企业资金困难"), not_started("2024-01-01")
    )
    with pytest.raises(SchemaError, match=r"delay_cause.*企业资金困难.*P0"):
        detect_idle(layer, as_of=AS_OF)


# ------------------------------------------------------- preliminary findings


def test_findings_are_preliminary_and_actions_state_the_procedure():
    idle = one(not_started("2025-10-01", land_price_wan_yuan=100.0))
    assert idle["idle_reason"].startswith("初步判定")
    steps = idle["recommended_action"].split(" → ")
    assert [s[:4] for s in steps] == ["调查核实", "经调查核", "报经本级", "下达《征"]
    assert "《闲置土地调查通知书》" in steps[0] and "《闲置土地认定书》" in steps[1]
    assert "第五条" in idle["legal_basis"] and "第十四条第（一）项" in idle["legal_basis"]
    recoverable = one(not_started("2024-10-01"))
    assert recoverable["recommended_action"].split(" → ")[-1].endswith("无偿收回国有建设用地使用权")


def test_a_halted_parcel_with_a_government_cause_carries_it():
    row = halted(
        "2025-01-01",
        developed_area_m2=10.0,
        planned_footprint_area_m2=100.0,
        land_price_wan_yuan=500.0,
        delay_cause="规划调整",
    )
    result = one(row)
    assert (result["idle_status"], result["idle_rule"]) == ("suspected_idle", "halted_1y")
    assert result["delay_cause"] == "plan_revised"
    assert "延迟原因：规划依法修改" in result["idle_reason"]
    assert "延迟原因：规划依法修改" in result["recommended_action"]
    assert "协商处置" in result["recommended_action"]
    assert "征缴土地闲置费决定书" not in result["recommended_action"]
    assert "无偿收回国有" not in result["recommended_action"]
    assert "第八条第（二）项" in result["legal_basis"] and "第十二条" in result["legal_basis"]
    assert pd.isna(result["idle_fee_wan_yuan"])
    # without a cause, halted land still goes to art. 12, never to a fee
    plain = one({**row, "delay_cause": None})
    assert "第十二条" in plain["recommended_action"] and "闲置费决定书" not in plain["recommended_action"]
    assert "也可以认定" in plain["review_reason"]


def test_a_restarted_parcel_is_not_halted_and_a_new_halt_counts_afresh():
    short = {"developed_area_m2": 10.0, "planned_footprint_area_m2": 100.0}
    resumed = one(halted("2024-01-01", resumed_date="2025-06-01", **short))
    assert resumed["idle_status"] == "active"
    # resumed after the as-of date: still halted on that date
    assert one(halted("2024-01-01", resumed_date="2027-01-01", **short))["idle_status"] == (
        "suspected_idle"
    )
    # halted again after the resumption: the year runs from the new halt
    again = one(halted("2026-03-01", resumed_date="2025-06-01", **short))
    assert (again["idle_status"], again["next_deadline"]) == (
        "at_risk",
        pd.Timestamp("2027-03-02"),
    )
    # a resumption known only to the month counts from its first day (Chinese column name)
    month_only = one({**halted("2025-09-01", **short), "复工日期": "2025年10月"}, as_of="2025-10-01")
    assert month_only["idle_status"] == "active"
    assert "2025-10-01" in month_only["date_assumed"]


def test_a_month_only_start_date_counts_from_the_months_last_day():
    row = not_started("2025.10", land_price_wan_yuan=100.0)
    for as_of in ("2026-10-02", "2026-10-31"):
        assert one(row, as_of=as_of)["idle_status"] == "at_risk"
    idle = one(row, as_of="2026-11-01")
    assert (idle["idle_status"], idle["idle_since"]) == ("idle", pd.Timestamp("2026-11-01"))
    assert "2025-10-31" in idle["date_assumed"] and "月" in idle["date_assumed"]
    assert one(not_started("2024.02"), as_of="2025-02-28")["idle_status"] == "at_risk"
    assert one(not_started("2024.02"), as_of="2025-03-01")["idle_status"] == "idle"
    exact = one(not_started("2025-10-01"))
    assert pd.isna(exact["date_assumed"])


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(month=st.dates(dt.date(2016, 1, 1), dt.date(2030, 12, 1)), offset=st.integers(0, 900))
def test_a_month_only_start_is_never_idle_before_the_latest_possible_day(month, offset):
    last_day = (pd.Timestamp(month) + pd.offsets.MonthEnd(0)).date()
    as_of = month.replace(day=1) + dt.timedelta(days=offset)
    result = one(not_started(f"{month:%Y.%m}"), as_of=as_of)
    if result["idle_status"] in ("idle", "recoverable"):
        assert as_of > add_years(last_day, 1)
        assert result["idle_since"].date() == add_years(last_day, 1) + dt.timedelta(days=1)
    assert f"{last_day:%Y-%m-%d}" in result["date_assumed"]


def test_a_month_only_actual_start_is_uncertain_within_its_month():
    row = {"agreed_start_date": "2025-01-01", "actual_start_date": "2026.10"}
    uncertain = one(row, as_of="2026-10-15")
    assert uncertain["idle_status"] == "insufficient_data"
    assert "无法确定" in uncertain["date_assumed"]
    assert one(row, as_of="2026-11-01")["idle_status"] == "active"
    assert one(row, as_of="2026-09-30")["idle_status"] == "idle"


@pytest.mark.parametrize("kind", ["list", "series", "csv"])
def test_holidays_move_a_period_ending_on_a_rest_day(kind, tmp_path):
    golden_week = [f"2026-10-0{d}" for d in range(1, 8)]
    calendar = {
        "list": golden_week,
        "series": pd.Series(pd.to_datetime(golden_week)),
        "csv": tmp_path / "holidays.csv",
    }[kind]
    pd.DataFrame({"日期": golden_week}).to_csv(tmp_path / "holidays.csv", index=False)
    row = not_started("2025-10-01")
    moved = one(row, as_of="2026-10-08", holidays=calendar)
    assert (moved["idle_status"], moved["next_deadline"]) == ("at_risk", pd.Timestamp("2026-10-09"))
    assert "顺延至2026-10-08" in moved["holiday_note"]
    idle = one(row, as_of="2026-10-09", holidays=calendar)
    assert (idle["idle_status"], idle["idle_since"]) == ("idle", pd.Timestamp("2026-10-09"))
    plain = one(row, as_of="2026-10-02")
    assert plain["idle_status"] == "idle" and "未提供法定节假日历" in plain["holiday_note"]
    layer = parcels(row)
    assert "未适用民法典第二百零三条" in detect_idle(layer, as_of=AS_OF).attrs["landkit_provenance"]["holidays"]
    applied = detect_idle(layer, as_of=AS_OF, holidays=calendar)
    assert applied.attrs["landkit_provenance"]["holidays"].startswith("已适用民法典第二百零三条：休息日 7 天")


def test_a_bad_holiday_calendar_is_an_error(tmp_path):
    with pytest.raises(InputError, match=r"holidays.*not days.*'国庆'"):
        detect_idle(parcels(not_started("2025-10-01")), as_of=AS_OF, holidays=["2026-10-01", "国庆"])
    with pytest.raises(InputError, match="cannot be read"):
        detect_idle(parcels(not_started("2025-10-01")), as_of=AS_OF, holidays=tmp_path / "no.csv")


@pytest.mark.parametrize(
    "column", ["land_price_wan_yuan", "invested_wan_yuan", "developed_area_m2", "floor_area_m2"]
)
def test_negative_numbers_are_errors_everywhere(column):
    import landkit as lk

    layer = parcels(not_started("2025-10-01"), not_started("2025-10-01", **{column: -1.0}))
    layer["land_use"] = "1001"
    with pytest.raises(SchemaError, match=rf"{column}.*negative.*P1"):
        detect_idle(layer, as_of=AS_OF)
    with pytest.raises(SchemaError, match=rf"{column}.*negative.*P1"):
        lk.parcel_metrics(layer)
    parks = gpd.GeoDataFrame(
        {"park_id": ["K1"]}, geometry=[box(499_000, 2_799_000, 502_000, 2_801_000)], crs=layer.crs
    )
    with pytest.raises(SchemaError, match=rf"{column}.*negative.*P1"):
        lk.park_indicators(parks, layer)


def test_a_contract_coefficient_above_one_is_an_error():
    row = halted("2025-01-01", footprint_area_m2=10.0, contract_building_coefficient=40)
    with pytest.raises(SchemaError, match=r"contract_building_coefficient.*above 1"):
        one(row)


def test_the_sample_p038_and_p039_are_never_recoverable():
    import landkit as lk

    sample = lk.sample_data_path()
    layer = lk.read_layer(sample, "parcels")
    rasters = {f"{y}-06-30": sample.parent / f"builtup_{y}.tif" for y in (2023, 2025)}
    with_raster = detect_idle(layer, as_of="2026-11-01", builtup=rasters).set_index("parcel_id")
    without = detect_idle(layer, as_of="2026-11-01").set_index("parcel_id")
    assert with_raster.at["P038", "idle_status"] == "active"  # 79 % built-up: started
    assert with_raster.at["P039", "idle_status"] == "suspected_idle"  # bare, raster only
    assert "仅依据建成区影像" in with_raster.at["P039", "review_reason"]
    assert without.loc[["P038", "P039"], "idle_status"].tolist() == ["insufficient_data"] * 2
    assert with_raster.at["P018", "idle_status"] == "suspected_idle"  # records vs raster
    for table in (with_raster, without):
        assert not table.loc[["P038", "P039"], "idle_status"].isin(["idle", "recoverable"]).any()


# -------------------------------------------------------------- missing data


def test_insufficient_data_names_what_is_missing():
    table = detect_idle(
        parcels(
            {"start_status": "not_started"},
            {"agreed_start_date": "2024-01-01"},
        ),
        as_of=AS_OF,
    )
    assert table["idle_status"].tolist() == ["insufficient_data"] * 2
    assert table["missing_fields"].tolist()[0] == "agreed_start_date"
    assert "start_status" in table["missing_fields"].tolist()[1]
    assert table["idle_reason"].str.startswith("资料不足").all()


def test_as_of_is_required_and_checked():
    layer = parcels(not_started("2025-10-01"))
    with pytest.raises(InputError, match="as_of is required"):
        detect_idle(layer, as_of=None)
    with pytest.raises(InputError, match="not a date"):
        detect_idle(layer, as_of="2026-02-30")
    text = detect_idle(layer, as_of="2026-10-02")
    values = (dt.date(2026, 10, 2), dt.datetime(2026, 10, 2, 17, 30), np.datetime64(AS_OF))
    for value in (*values, pd.Timestamp(AS_OF, tz="Asia/Shanghai")):
        other = detect_idle(layer, as_of=value)
        pd.testing.assert_frame_equal(text, other)


# ---------------------------------------------------------- the whole layer


def mixed_layer(index=None):
    layer = parcels(
        not_started("2025-10-01", land_price_wan_yuan=100.0),
        not_started("2024-10-01"),
        not_started("2024-10-01", delay_cause="petition"),
        halted("2025-01-01", developed_area_m2=1.0, planned_footprint_area_m2=100.0),
        not_started("2026-08-01"),
        {"start_status": "started"},
        {},
    )
    if index is not None:
        layer.index = index
    return layer


EXPECTED = [
    "idle",
    "recoverable",
    "government_delay",
    "suspected_idle",
    "at_risk",
    "active",
    "insufficient_data",
]


@pytest.mark.parametrize(
    "index",
    [None, pd.Index([7, 3, 11, 0, 5, 2, 9]), pd.Index(list("gcaebfd"))],
    ids=["range", "integer", "string"],
)
def test_every_status_rows_kept_in_order_input_untouched(index):
    layer = mixed_layer(index)
    before = layer.copy()
    result = detect_idle(layer, as_of=AS_OF)
    pd.testing.assert_frame_equal(layer, before)
    assert result.index.equals(layer.index)
    assert result["idle_status"].tolist() == EXPECTED
    assert set(EXPECTED) == set(IDLE_STATUSES)
    assert result.loc[result["idle_status"].isin(FLAGGED[:4]), "idle_since"].notna().all()
    assert (result["days_overdue"].dropna() >= 0).all()
    assert result.loc[result["idle_status"] == "active", "legal_basis"].isna().all()
    assert result.attrs["landkit_provenance"]["as_of"] == AS_OF


def test_an_empty_layer_gives_an_empty_result():
    empty = parcels(not_started("2025-01-01")).iloc[:0]
    result = detect_idle(empty, as_of=AS_OF)
    assert len(result) == 0 and "idle_status" in result.columns


def test_chinese_column_names_are_accepted():
    table = pd.DataFrame(
        {
            "宗地编号": ["A"],
            "约定动工日期": ["2025年10月1日"],
            "动工状态": ["未动工"],
            "土地价款": [50],
        }
    )
    result = detect_idle(table, as_of=AS_OF).iloc[0]
    assert (result["idle_status"], result["idle_fee_wan_yuan"]) == ("idle", 10.0)


def test_compare_idle_reports_new_flags():
    before = detect_idle(mixed_layer(), as_of="2026-01-01")
    after = detect_idle(mixed_layer(), as_of=AS_OF)
    changes = compare_idle(after, before)
    newly = after.loc[changes["newly_flagged"], "parcel_id"].tolist()
    # P0 at risk → idle, P1 idle → recoverable, P3 halted → suspected, P4 active → at risk;
    # P2 was a government delay then and is now
    assert newly == ["P0", "P1", "P3", "P4"]
    assert changes["previous_status"].tolist()[:3] == ["at_risk", "idle", "government_delay"]


# ------------------------------------------------------------ raster evidence


@pytest.fixture
def builtup(tmp_path):
    """A 10 m built-up grid under the first four parcels: built, bare, built, bare."""
    values = np.zeros((10, 80), dtype="float32")
    for i, level in enumerate((0.9, 0.02, 0.8, 0.05)):
        values[:, 20 * i : 20 * i + 10] = level
    path = tmp_path / "builtup.tif"
    profile = {
        "driver": "GTiff",
        "height": 10,
        "width": 80,
        "count": 1,
        "dtype": "float32",
        "crs": "EPSG:4543",
        "transform": Affine(10, 0, 500_000, 0, -10, 2_800_100),
        "nodata": -1,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(values, 1)
    percent = tmp_path / "builtup_percent.tif"
    with rasterio.open(percent, "w", **{**profile, "dtype": "uint8", "nodata": 255}) as dst:
        dst.write(np.round(values * 100).astype("uint8"), 1)
    return path, percent


def test_raster_decides_without_start_records(builtup):
    layer = parcels(*[{"agreed_start_date": "2025-01-01"}] * 4)
    for raster in builtup:
        result = detect_idle(layer, as_of=AS_OF, builtup=raster)
        assert result["builtup_fraction"].tolist() == pytest.approx([0.9, 0.02, 0.8, 0.05])
        # the raster alone never makes a parcel idle: suspected, to be investigated
        assert result["idle_status"].tolist() == ["active", "suspected_idle"] * 2
        assert (result["start_evidence"] == "raster").all()
        assert not result["evidence_conflict"].any()
        suspected = result.iloc[[1, 3]]
        assert suspected["review_reason"].str.contains("建成区影像").all()
        assert suspected["recommended_action"].str.contains("闲置土地调查通知书").all()
        assert not suspected["recommended_action"].str.contains("闲置费|收回").any()
        assert suspected["idle_fee_wan_yuan"].isna().all()


def test_records_stand_and_conflicts_are_flagged(builtup):
    layer = parcels(
        not_started("2025-01-01"),  # raster: built
        {"start_status": "started"},  # raster: bare
        {"start_status": "started"},  # raster: built
        not_started("2025-01-01"),  # raster: bare
    )
    result = detect_idle(layer, as_of=AS_OF, builtup=builtup[0])
    assert result["evidence_conflict"].tolist() == [True, True, False, False]
    assert result["start_evidence"].tolist() == ["conflict", "conflict", "records", "records"]
    # records the raster contradicts never make a parcel idle
    assert result["idle_status"].tolist() == ["suspected_idle", "active", "active", "idle"]
    assert "不一致" in result["review_reason"].iloc[0]
    assert result["review_reason"].iloc[1:].isna().all()
    looser = detect_idle(layer, as_of=AS_OF, builtup=builtup[0], not_started_max_builtup=0.01)
    assert looser["evidence_conflict"].tolist() == [True, False, False, True]
    assert looser["idle_status"].tolist() == ["suspected_idle", "active", "active", "suspected_idle"]


def test_several_dates_give_a_column_each_and_the_latest_decides(builtup):
    layer = parcels(*[{"agreed_start_date": "2025-01-01"}] * 4)
    dated = {"2026-06-30": builtup[0], "2027-06-30": builtup[1], "2024-06-30": builtup[1]}
    result = detect_idle(layer, as_of=AS_OF, builtup=dated, builtup_scale="percent")
    assert {"builtup_fraction_20240630", "builtup_fraction_20260630"} <= set(result.columns)
    # 2026-06-30 is the latest date not after as_of; read as percent, its 0.9 → 0.009
    assert result["builtup_fraction"].tolist() == pytest.approx([0.009, 0.0002, 0.008, 0.0005])
    assert result.attrs["landkit_provenance"]["builtup_evidence_date"] == "2026-06-30"


@pytest.mark.slow
def test_a_start_status_from_the_raster_alone_is_never_idle(builtup):
    layer = parcels(*[{"agreed_start_date": "2023-01-01", "land_price_wan_yuan": 100.0}] * 4)
    for as_of in pd.date_range("2023-01-01", "2027-01-01", freq="QS"):
        result = detect_idle(layer, as_of=as_of, builtup=builtup[0])
        assert not result["idle_status"].isin(["idle", "recoverable"]).any(), as_of
        assert result["idle_fee_wan_yuan"].isna().all()
        suspected = result[result["idle_status"] == "suspected_idle"]
        assert suspected["review_reason"].str.contains("仅依据建成区影像").all()
        assert (suspected["recommended_action"].str.count("→") == 0).all()  # investigation only


def test_mis_scaled_rasters_are_errors(builtup, tmp_path):
    layer = parcels(*[{"agreed_start_date": "2025-01-01"}] * 4)
    with pytest.raises(InputError, match=r"builtup_scale='fraction'.*P0, P1.*percent"):
        detect_idle(layer, as_of=AS_OF, builtup=builtup[1], builtup_scale="fraction")
    with pytest.raises(InputError, match="builtup_scale='mask'"):
        detect_idle(layer, as_of=AS_OF, builtup={"2026-06-30": builtup[1]}, builtup_scale="mask")
    negative = tmp_path / "negative.tif"
    with rasterio.open(builtup[0]) as src:
        values, profile = src.read(1), src.profile
    with rasterio.open(negative, "w", **profile) as dst:
        dst.write(values - 0.5, 1)
    with pytest.raises(InputError, match=r"P1, P3 .* run from -0\.48"):
        detect_idle(layer, as_of=AS_OF, builtup=negative, builtup_scale="fraction")


# --------------------------------------------------------------------- CLI


@pytest.fixture
def layer_file(tmp_path):
    path = tmp_path / "parcels.gpkg"
    mixed_layer().to_file(path, layer="parcels")
    return path


def run(*argv):
    return main([str(a) for a in argv])


def read_idle(folder):
    return pyogrio.read_dataframe(folder / "idle.gpkg", layer="idle")


def test_cli_writes_gpkg_excel_and_map_and_reruns_identically(layer_file, tmp_path, capsys):
    first, second = tmp_path / "run1", tmp_path / "run2"
    assert run("idle", layer_file, "--as-of", AS_OF, "--out", first) == 0
    assert run("idle", layer_file, "--as-of", AS_OF, "--out", second) == 0
    out = capsys.readouterr().out
    assert "闲置 1 宗" in out and "可收回 1 宗" in out and "20.00 万元" in out
    for name in ("idle.gpkg", "idle.xlsx", "idle.html"):
        assert (first / name).is_file()
    table = read_idle(first)
    assert table["idle_status"].tolist() == EXPECTED
    pd.testing.assert_frame_equal(table, read_idle(second))
    sheets = [pd.read_excel(f / "idle.xlsx", sheet_name="闲置", header=2) for f in (first, second)]
    pd.testing.assert_frame_equal(*sheets)
    assert "法律依据" in sheets[0].columns
    assert len(sheets[0]) == len(FLAGGED)


def test_cli_reports_newly_flagged_and_fails_on_findings(layer_file, tmp_path, capsys):
    earlier = tmp_path / "january"
    assert run("idle", layer_file, "--as-of", "2026-01-01", "--out", earlier) == 0
    now = tmp_path / "october"
    code = run(
        "idle",
        layer_file,
        "--as-of",
        AS_OF,
        "--previous",
        earlier / "idle.gpkg",
        "--out",
        now,
        "--fail-on-findings",
    )
    assert code == 1
    assert "新增 4 宗" in capsys.readouterr().out
    table = read_idle(now)
    assert table.loc[table["newly_flagged"], "parcel_id"].tolist() == ["P0", "P1", "P3", "P4"]


def test_cli_builtup_argument(layer_file, builtup, tmp_path):
    out = tmp_path / "out"
    assert (
        run(
            "idle",
            layer_file,
            "--as-of",
            AS_OF,
            "--builtup",
            f"2026-06-30={builtup[0]}",
            "--out",
            out,
        )
        == 0
    )
    assert read_idle(out)["builtup_fraction"].notna().sum() == 4


@pytest.mark.parametrize(
    "extra",
    [
        ["--as-of", "2026-13-01"],
        ["--as-of", AS_OF, "--builtup", "2026-06-30=missing.tif"],
        ["--as-of", AS_OF, "--builtup", "June=missing.tif", "--builtup", "x.tif"],
    ],
)
def test_cli_bad_input_exits_2_and_writes_nothing(layer_file, tmp_path, capsys, extra):
    out = tmp_path / "never"
    assert run("idle", layer_file, *extra, "--out", out) == 2
    assert not out.exists()
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("错误 error:")


def test_cli_bad_layer_exits_2_and_writes_nothing(tmp_path, capsys):
    path = tmp_path / "bad.gpkg"
    parcels(not_started("2025-01-01", delay_cause="资金不足")).to_file(path)
    out = tmp_path / "never"
    assert run("idle", path, "--as-of", AS_OF, "--out", out) == 2
    assert not out.exists()
    assert "delay_cause" in capsys.readouterr().err
