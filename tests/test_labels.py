"""One Chinese vocabulary: every column and every coded value a result can hold has a name."""

from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest
import rasterio

import landkit as lk
from landkit import labels, schema, standards
from landkit.constraints import LINE_KEYS
from landkit.idle import FLAGGED, IDLE_STATUSES
from landkit.maps import CATEGORIES, parcel_category

CODE = re.compile(r"^[a-z][a-z0-9_]*(;\s*[a-z][a-z0-9_]*)*$")
"""A value that reads as an English code (``suspected_idle``, ``basic_farmland;urban_boundary``)."""

FREE_TEXT = {"case"}
"""Sample columns that hold notes rather than codes (the sample's test-case names)."""


@pytest.fixture(scope="module")
def results() -> dict[str, pd.DataFrame]:
    sample = lk.sample_data_path()
    parcels = lk.read_layer(sample, "parcels")
    parks = lk.read_layer(sample, "parks")
    buildings = lk.read_layer(sample, "buildings")
    rasters = {}
    for path in sorted(sample.parent.glob("builtup_*.tif")):
        with rasterio.open(path) as src:
            rasters[src.tags().get("IMAGE_DATE", f"{path.stem[-4:]}-06-30")] = path
    no_records = parcels.drop(columns=["start_status", "actual_start_date"], errors="ignore")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the sample's bowtie parcel is repaired and flagged
        three_lines = lk.check_three_lines(parcels, sample)
        idle = lk.detect_idle(parcels, as_of="2026-11-01", builtup=rasters)
        out = {
            "three_lines": three_lines,
            "three_lines_parks": lk.check_three_lines(parks, sample),
            "idle": idle,
            "idle_raster_only": lk.detect_idle(no_records, as_of="2026-11-01", builtup=rasters),
            "idle_earlier": lk.detect_idle(parcels, as_of="2025-01-01"),
            "metrics": lk.parcel_metrics(parcels, buildings),
            "park_indicators": lk.park_indicators(parks, parcels, buildings=buildings, idle=idle),
            "outside_parks": lk.parcels_outside_parks(parcels, parks),
            "distances": lk.protective_distance_check(parcels, parcels),
        }
    out["map"] = pd.DataFrame({"map_category": parcel_category(lk.maps.combine_results(
        three_lines, idle, out["metrics"]))})  # fmt: skip
    return out


def _coded_values(frame: pd.DataFrame):
    """(column, value) for every value of ``frame`` that reads as an English code or is yes/no."""
    geometry = getattr(frame, "_geometry_column_name", None)
    for column in frame.columns:
        if column in FREE_TEXT or column == geometry or frame[column].dtype.kind in "fiucmM":
            continue
        for value in frame[column].dropna().unique():
            if isinstance(value, bool) or CODE.match(str(value)):
                yield column, value


@pytest.mark.slow
def test_every_coded_value_of_every_result_has_a_chinese_name(results):
    unnamed = set()
    seen = 0
    for name, frame in results.items():
        for column, value in _coded_values(frame):
            seen += 1
            shown = labels.value_label(column, value)
            if not re.search(r"[\u4e00-\u9fff]", shown) or re.search(r"[a-z]{2,}", shown):
                unnamed.add((name, column, value))
    assert seen > 50  # the sample does reach the coded columns
    assert not unnamed, sorted(unnamed)


def test_the_sample_reaches_every_evidence_and_status(results):
    evidence = pd.concat([results[k]["start_evidence"] for k in ("idle", "idle_raster_only")])
    assert {"records", "raster"} <= set(evidence.dropna())
    statuses = pd.concat([results[k]["idle_status"] for k in ("idle", "idle_earlier")])
    assert set(FLAGGED) <= set(statuses)


def test_every_column_of_every_result_has_a_chinese_header(results):
    unnamed = {
        (name, column)
        for name, frame in results.items()
        for column in frame.columns
        if column != getattr(frame, "_geometry_column_name", None)
        and not re.match(r"builtup_fraction_\d{8}$", str(column))  # one per raster date
        and labels.label(column) == column
    }
    assert not unnamed, sorted(unnamed)


@pytest.mark.parametrize(
    ("field", "codes"),
    [
        ("idle_status", IDLE_STATUSES),
        ("previous_status", IDLE_STATUSES),
        ("map_category", CATEGORIES),
        ("violations", LINE_KEYS),
        ("line", LINE_KEYS),
        ("status", ("compliant", "violation", "no_geometry")),
        (
            "idle_rule",
            ("not_started_2y", "not_started_1y", "halted_1y", "start_overdue", "start_due", "halted"),
        ),
        ("start_evidence", ("records", "raster", "conflict")),
        ("threshold_status", ("verified", "user", "unconfirmed", "example")),
        ("delay_cause", tuple(standards.load_table("idle_delay_causes")["code"])),
    ],
)
def test_every_documented_code_has_a_chinese_name(field, codes):
    for code in codes:
        shown = labels.value_label(field, code)
        assert re.search(r"[\u4e00-\u9fff]", shown) and not re.search(r"[a-z]{2,}", shown), code


def test_values_and_lists_are_named_from_the_table():
    assert labels.value_label("violations", "basic_farmland;urban_boundary") == (
        "永久基本农田、城镇开发边界外"
    )
    assert labels.value_label("not_evaluated", "plot_ratio; admin_share") == (
        "容积率、行政办公及生活服务设施用地所占比重"
    )
    assert labels.value_label("park_id", "G531042") == "G531042"
    assert labels.value_label("status", "idle") == "idle"  # codes are named per column
    assert [labels.yes_no(v) for v in (True, False, "是", "0", None, pd.NA)] == [
        "是", "否", "是", "否", None, None,
    ]  # fmt: skip


def test_one_yes_no_vocabulary_for_input_and_display():
    for truth, words in labels.BOOLEAN_WORDS.items():
        assert labels.as_boolean(pd.Series(list(words), dtype=object)).eq(truth).all()
        ids = [f"E{i}" for i in range(len(words))]
        frame = pd.DataFrame({"enterprise_id": ids, "park_id": "G1", "is_emerging": list(words)})
        parsed = schema.prepare_layer(frame, "enterprises", layer="enterprises")
        assert parsed["is_emerging"].eq(truth).all()


def test_schema_label_is_the_label_table():
    assert schema.label is labels.label
    assert schema.label("floor_area_m2") == "总建筑面积（m²）"
