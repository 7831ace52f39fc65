"""The Excel report: sheets, Chinese headers with units, frozen headers, typed cells."""

from __future__ import annotations

import datetime as dt

import mapdata
import numpy as np
import openpyxl
import pandas as pd
import pytest
import workbooks

import landkit as lk
from landkit.errors import GeometryRepairedWarning, InputError
from landkit.idle import FLAGGED
from landkit.report import write_report


@pytest.fixture
def results():
    parcels = mapdata.parcels(30)
    parcels["park_id"] = ["K1"] * 20 + ["K2"] * 10
    violating = parcels["status"].eq("violation")
    three_lines = parcels.drop(columns=["idle_status", "idle_fee_wan_yuan"]).assign(
        ecological_redline_m2=np.where(violating, 100.0, 0.0)
    )
    three_lines.attrs["landkit_provenance"] = {"tolerance_m2": "1.0", "area_crs": "EPSG:4543"}
    idle = parcels[["parcel_id", "park_id", "idle_status", "idle_fee_wan_yuan", "geometry"]].copy()
    idle["idle_since"] = pd.Timestamp("2025-10-02")
    metrics = pd.DataFrame(
        {
            "parcel_id": parcels["parcel_id"],
            "plot_ratio": np.linspace(0.5, 2.0, 30),
            "building_coefficient": 0.25,
            "meets_plot_ratio": pd.array([False, True, None] * 10, dtype="boolean"),
        }
    )
    parks = pd.DataFrame({"park_id": ["K1", "K2", "K3"], "name": ["甲园", "乙园", "丙园"]})
    return parks, three_lines, metrics, idle


_rows = workbooks.rows
_records = workbooks.records


def test_workbook_sheets_headers_and_frozen_rows(results, tmp_path):
    parks, three_lines, metrics, idle = results
    path = write_report(
        tmp_path / "r.xlsx", parks=parks, three_lines=three_lines, metrics=metrics, idle=idle
    )
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["汇总", "三线违规", "指标", "闲置", "来源"]
    assert workbooks.problems(book) == []
    for sheet in book.worksheets:
        assert all(cell.font.bold for cell in sheet[3])
        assert sheet["A1"].value.startswith("开发区土地核查报告——")
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.page_setup.fitToWidth == 1
        assert sheet.auto_filter.ref.startswith("A3:")
    assert book["汇总"].freeze_panes == "C4"
    assert book["指标"].freeze_panes == "E4"
    summary = _rows(book["汇总"])[0]
    assert summary[:2] == ["园区编号", "园区名称"]
    assert len(summary) <= 20
    assert "宗地压占生态保护红线面积合计（m²）" in summary
    assert "宗地数（宗）" in summary and "闲置宗地数（宗）" in summary
    assert "测算土地闲置费（万元）" in summary
    assert _rows(book["指标"])[0] == [
        "园区编号",
        "园区名称",
        "宗地编号",
        "宗地名称",
        "容积率",
        "建筑系数（%）",
        "容积率达标",
    ]
    assert [r["园区名称"] for r in _records(book["指标"])][19:21] == ["甲园", "乙园"]


def test_summary_adds_up_per_park(results, tmp_path):
    parks, three_lines, metrics, idle = results
    path = write_report(
        tmp_path / "r.xlsx", parks=parks, three_lines=three_lines, metrics=metrics, idle=idle
    )
    rows = {r["园区编号"]: r for r in _records(openpyxl.load_workbook(path)["汇总"])}
    assert list(rows) == ["K1", "K2", "K3"]
    # by hand: every tenth parcel breaks the red line (P0, P10 in K1; P20 in K2)
    assert [rows[k]["宗地数（宗）"] for k in rows] == [20, 10, 0]
    assert [rows[k]["违规要素数（个）"] for k in rows] == [2, 1, 0]
    assert [rows[k]["宗地压占生态保护红线面积合计（m²）"] for k in rows] == [200.0, 100.0, None]
    # second method: a crosstab of the same findings
    table = pd.crosstab(idle["park_id"], idle["idle_status"]).reindex(["K1", "K2", "K3"]).fillna(0)
    for code, text in (("idle", "闲置"), ("at_risk", "临近闲置"), ("recoverable", "可收回")):
        expected = table[code].astype(int).tolist() if code in table else [0, 0, 0]
        assert [rows[k][f"{text}宗地数（宗）"] for k in rows] == expected
    fees = idle.groupby("park_id")["idle_fee_wan_yuan"].sum(min_count=1)
    assert rows["K1"]["测算土地闲置费（万元）"] == pytest.approx(fees["K1"])
    below = metrics["meets_plot_ratio"].eq(False).fillna(False)
    assert rows["K1"]["指标未达标宗地数（宗）"] == int(below.iloc[:20].sum())
    assert rows["K2"]["指标未达标宗地数（宗）"] == int(below.iloc[20:].sum())


def test_cells_are_typed(results, tmp_path):
    _, three_lines, metrics, idle = results
    path = write_report(tmp_path / "r.xlsx", three_lines=three_lines, metrics=metrics, idle=idle)
    book = openpyxl.load_workbook(path)
    found = _records(book["三线违规"])
    assert [r["宗地编号"] for r in found] == ["P000000", "P000010", "P000020"]
    assert {r["三线状态"] for r in found} == {"三线违规"}
    assert {r["突破的控制线"] for r in found} == {"生态保护红线"}
    assert all(isinstance(r["面积（亩）"], float) for r in found)
    header = _rows(book["指标"])[0]
    coefficient = book["指标"].cell(row=4, column=header.index("建筑系数（%）") + 1)
    assert coefficient.value == 0.25 and coefficient.number_format == "0.0%"
    ratio = book["指标"].cell(row=4, column=header.index("容积率") + 1)
    assert ratio.value == 0.5 and ratio.data_type == "n"
    meets = [r["容积率达标"] for r in _records(book["指标"])][:3]
    assert meets == ["否", "是", None]
    assert [r["园区编号"] for r in _records(book["指标"])][19:21] == ["K1", "K2"]  # looked up
    flagged = _records(book["闲置"])
    assert len(flagged) == int(idle["idle_status"].isin(FLAGGED).sum())
    assert {r["闲置判定"] for r in flagged} <= {
        "闲置",
        "临近闲置",
        "疑似闲置",
        "可收回",
        "政府原因延迟",
    }
    since_col = _rows(book["闲置"])[0].index("闲置起始日") + 1
    since = book["闲置"].cell(row=4, column=since_col)
    assert since.value == dt.datetime(2025, 10, 2) and since.number_format == "yyyy-mm-dd"
    provenance = _records(book["来源"])
    assert {"工作表": "三线违规", "项目": "面积容差（m²）", "内容": "1.0"} in provenance
    assert {"工作表": "三线违规", "项目": "面积计算坐标系", "内容": "EPSG:4543"} in provenance
    made = next(r["内容"] for r in provenance if r["项目"] == "制表时间")
    assert made.endswith("（北京时间）")


@pytest.mark.slow
def test_codes_are_shown_by_their_chinese_names(tmp_path):
    sample = lk.sample_data_path()
    parcels = lk.read_layer(sample, "parcels")
    with pytest.warns(GeometryRepairedWarning, match="repaired"):
        three_lines = lk.check_three_lines(parcels, sample)
    idle = lk.detect_idle(parcels, as_of="2026-11-01")
    with pytest.warns(GeometryRepairedWarning, match="repaired"):
        metrics = lk.parcel_metrics(parcels, lk.read_layer(sample, "buildings"))
    parks = lk.read_layer(sample, "parks")
    path = write_report(
        tmp_path / "r.xlsx", parks=parks, three_lines=three_lines, metrics=metrics, idle=idle
    )
    book = openpyxl.load_workbook(path)
    assert workbooks.problems(book) == []
    shown = {
        cell.value
        for sheet in book.worksheets[:-1]
        for row in sheet.iter_rows(min_row=4)
        for cell in row
        if isinstance(cell.value, str)
    }
    assert {"三线违规", "闲置", "满一年未动工", "档案记录", "已核实", "是", "否"} <= shown
    assert {"国家级", "1001 工业用地"} <= shown
    industries = workbooks.column(book["闲置"], "行业代码版本")
    assert {c.value for c in industries} == {2017} and {c.number_format for c in industries} == {"0"}


def test_summary_without_parks(results, tmp_path):
    _, three_lines, _, _ = results
    path = write_report(tmp_path / "r.xlsx", three_lines=three_lines)
    rows = _records(openpyxl.load_workbook(path)["汇总"])
    assert [(r["园区编号"], r["违规要素数（个）"]) for r in rows] == [("K1", 2), ("K2", 1)]


def test_idle_results_without_park_ids_still_give_a_workbook(results, tmp_path):
    _, _, _, idle = results
    path = write_report(tmp_path / "r.xlsx", idle=idle.drop(columns="park_id"))
    book = openpyxl.load_workbook(path)
    assert "闲置" in book.sheetnames
    flagged = idle["idle_status"].isin(FLAGGED).sum()
    assert len(_rows(book["闲置"])) - 1 == flagged


def test_inputs_are_not_modified(results, tmp_path):
    parks, three_lines, metrics, idle = results
    copies = [frame.copy() for frame in results]
    write_report(tmp_path / "r.xlsx", parks=parks, three_lines=three_lines, metrics=metrics,
                 idle=idle)  # fmt: skip
    for before, after in zip(copies, results, strict=True):
        pd.testing.assert_frame_equal(before, after)


@pytest.mark.parametrize(
    ("name", "kwargs", "match"),
    [
        ("r.csv", {"parks": pd.DataFrame({"park_id": ["K1"]})}, "xlsx"),
        ("r.xlsx", {}, "nothing to report"),
        ("r.xlsx", {"idle": pd.DataFrame({"parcel_id": ["A"]})}, "idle_status"),
    ],
)
def test_bad_input(tmp_path, name, kwargs, match):
    with pytest.raises(InputError, match=match):
        write_report(tmp_path / name, **kwargs)
    assert list(tmp_path.iterdir()) == []


def test_failed_write_leaves_the_old_file(results, tmp_path, monkeypatch):
    _, three_lines, _, _ = results
    target = tmp_path / "r.xlsx"
    target.write_bytes(b"old")

    def broken(self, filename):
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken)
    with pytest.raises(OSError, match="disk full"):
        write_report(target, three_lines=three_lines)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]


def test_cli_report(results, tmp_path, capsys):
    from landkit.cli import main
    from landkit.io import write_layers

    parks, three_lines, metrics, idle = results
    write_layers({"three_lines": three_lines}, tmp_path / "check.gpkg")
    write_layers({"idle": idle}, tmp_path / "idle.gpkg")
    metrics.to_csv(tmp_path / "metrics.csv", index=False)
    parks.to_csv(tmp_path / "parks.csv", index=False)
    out = tmp_path / "report.xlsx"
    argv = [
        "report", "--parks", str(tmp_path / "parks.csv"),
        "--three-lines", str(tmp_path / "check.gpkg"), "--idle", str(tmp_path / "idle.gpkg"),
        "--metrics", str(tmp_path / "metrics.csv"), "--out", str(out),
    ]  # fmt: skip
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "三线违规 3 宗" in printed and "园区 3 个" in printed
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["汇总", "三线违规", "指标", "闲置", "来源"]
    assert main(["report", "--out", str(tmp_path / "r.xlsx")]) == 2
    assert main(["report", "--idle", str(tmp_path / "idle.gpkg"), "--out", "r.csv"]) == 2
    assert not (tmp_path / "r.xlsx").exists()


def test_a_landkit_workbook_is_not_read_back_as_data(results, tmp_path, capsys):
    from landkit.cli import main

    parks, _, metrics, _ = results
    shown = tmp_path / "metrics.xlsx"
    write_report(tmp_path / "first.xlsx", parks=parks, metrics=metrics)
    (tmp_path / "first.xlsx").rename(shown)
    code = main(["report", "--metrics", str(shown), "--out", str(tmp_path / "r.xlsx")])
    assert code == 2 and not (tmp_path / "r.xlsx").exists()
    assert ".gpkg" in capsys.readouterr().err


def test_a_broken_workbook_given_as_a_result_exits_2(tmp_path, capsys):
    from landkit.cli import main

    broken = tmp_path / "bad.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    code = main(["report", "--three-lines", str(broken), "--out", str(tmp_path / "r.xlsx")])
    assert code == 2 and not (tmp_path / "r.xlsx").exists()
    assert str(broken) in capsys.readouterr().err
