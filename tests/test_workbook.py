"""The one workbook writer, and every workbook the demo and the commands write, read cell by cell."""

from __future__ import annotations

import datetime as dt
import re

import openpyxl
import pandas as pd
import pytest
import workbooks

import landkit as lk
from landkit.cli import main
from landkit.errors import InputError
from landkit.workbook import write_workbook


def _book(tmp_path, sheets, **kwargs):
    path = write_workbook(sheets, tmp_path / "t.xlsx", title="测试", **kwargs)
    return openpyxl.load_workbook(path)


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    hostile = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tX", "\rY", "=HYPERLINK(\"http://x\")"]
    table = pd.DataFrame({"name": hostile, "area_m2": [-5.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
    book = _book(tmp_path, {"表": table})
    sheet = book["表"]
    names = workbooks.column(sheet, "名称")
    assert [c.value for c in names] == hostile
    assert {c.data_type for c in names} == {"s"} and all(c.quotePrefix for c in names)
    areas = workbooks.column(sheet, "面积（m²）")
    assert areas[0].value == -5.0 and areas[0].data_type == "n"  # numbers stay numbers
    formulas = [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []


def test_formats_fit_the_columns(tmp_path):
    table = pd.DataFrame(
        {
            "park_id": ["K1"],
            "year": [2025.0],
            "idle_fee_wan_yuan": [12.345],
            "leading_share": [0.8178],
            "leading_share_target": [0.8],
            "x_m": [3353315.3884],
            "approved_area_ha": [12.0],
            "grant_date": [pd.Timestamp("2024-03-01 13:45")],
            "days_overdue": [pd.Timedelta(days=40)],
            "yellow_card": [True],
            "level": ["provincial"],
        }
    )
    sheet = _book(tmp_path, {"表": table})["表"]
    cells = dict(zip((c.value for c in sheet[3]), sheet[4], strict=True))
    assert (cells["年度"].value, cells["年度"].number_format) == (2025, "0")
    assert cells["测算土地闲置费（万元）"].number_format == "#,##0.00"
    assert cells["主导产业集聚度（%）"].number_format == "0.0%"
    assert cells["主导产业集聚度目标（%）"].number_format == "0.0%"  # as the value it is set for
    assert cells["X（北坐标）（m）"].number_format == "0.000"
    assert cells["核准面积（公顷）"].number_format == "#,##0.0000"
    assert cells["供地日期"].value == dt.datetime(2024, 3, 1)  # a date, no time of day
    assert cells["供地日期"].number_format == "yyyy-mm-dd"
    assert cells["逾期天数（天）"].value == 40
    assert cells["黄牌警告"].value == "是"
    assert cells["级别"].value == "省级"


def test_names_beside_ids_and_a_chinese_source_sheet(tmp_path):
    parks = pd.DataFrame({"park_id": ["K1", "K2"], "name": ["甲园区", "乙园区"]})
    parcels = pd.DataFrame({"parcel_id": ["P1", "P2"], "park_id": ["K2", "K1"],
                            "name": ["一号地", "二号地"], "area_mu": [1.5, 2.0]})  # fmt: skip
    parcels.attrs["landkit_provenance"] = lk.provenance.provenance(
        inputs={"parcels": parcels}, area_crs="EPSG:4543"
    )
    book = _book(tmp_path, {"宗地": parcels}, names=[parks], as_of="2026-11-01",
                 notes={"as_of": "2026-11-01"})  # fmt: skip
    assert workbooks.problems(book) == []
    header, *rows = workbooks.rows(book["宗地"])
    assert header[:4] == ["宗地编号", "宗地名称", "园区编号", "园区名称"]
    assert [row[:4] for row in rows] == [["P1", "一号地", "K2", "乙园区"], ["P2", "二号地", "K1", "甲园区"]]
    assert book["宗地"].freeze_panes == "E4"  # ids and names stay in view
    assert "数据截至 2026-11-01" in book["宗地"]["A2"].value
    source = workbooks.records(book["来源"])
    items = {row["项目"]: row["内容"] for row in source}
    assert items["输入数据：宗地"] == "程序内传入的数据"
    assert items["面积计算坐标系"] == "EPSG:4543"
    assert items["运行时间"].endswith("（北京时间）")
    run = dt.datetime.strptime(items["运行时间"][:19], "%Y-%m-%d %H:%M:%S")
    utc = dt.datetime.fromisoformat(parcels.attrs["landkit_provenance"]["run_time"])
    assert run - utc.replace(tzinfo=None) == dt.timedelta(hours=8)  # China time
    assert book["来源"].page_setup.orientation == "landscape"


def test_bad_targets(tmp_path):
    with pytest.raises(InputError, match="xlsx"):
        write_workbook({"t": pd.DataFrame({"a": [1]})}, tmp_path / "t.csv", title="t")
    with pytest.raises(InputError, match="no sheets"):
        write_workbook({}, tmp_path / "t.xlsx", title="t")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_every_demo_workbook_is_fit_to_forward(tmp_path):
    from landkit.demo import run_demo

    ctx = run_demo(tmp_path / "demo")
    written = sorted(path for path in ctx.written if path.suffix == ".xlsx")
    assert {path.name for path in written} >= {
        "validation.xlsx", "assessment.xlsx", "report.xlsx", "parks_publication.xlsx"
    }  # fmt: skip
    for path in written:
        book = openpyxl.load_workbook(path)
        if "界址点成果表" in book.sheetnames:  # its own layout: title, feature, area, table
            sheet = book["界址点成果表"]
            assert [c.value for c in sheet[5]] == ["序号", "点号", "圈号", "X（m）", "Y（m）", "边长（m）"]
            assert {sheet.cell(row, 4).number_format for row in range(6, sheet.max_row + 1)
                    if sheet.cell(row, 4).value is not None} == {"0.000"}  # fmt: skip
            assert book.sheetnames[-1] == "来源"
            continue
        assert workbooks.problems(book) == [], path.name
    report = openpyxl.load_workbook(tmp_path / "demo" / "report.xlsx")
    assert len(workbooks.rows(report["汇总"])[0]) <= 20
    assessment = openpyxl.load_workbook(tmp_path / "demo" / "assessment.xlsx")
    years = workbooks.column(assessment["园区考核"], "年度")
    assert {c.value for c in years} == {2025} and {c.number_format for c in years} == {"0"}


@pytest.mark.slow
def test_command_workbooks_are_fit_to_forward(sample_path, tmp_path, capsys):
    sample = str(sample_path)
    idle = tmp_path / "idle"
    assert main(["idle", sample, "--layer", "parcels", "--as-of", "2026-11-01", "--parks", sample,
                 "--out", str(idle)]) in (0, 1)  # fmt: skip
    assess = tmp_path / "assessment.xlsx"
    assert main(["assess", sample, "--sheet", "park_history", "--year", "2025", "--parks", sample,
                 "--out", str(assess)]) in (0, 1)  # fmt: skip
    metrics = tmp_path / "metrics.xlsx"
    assert main(["metrics", sample, "--layer", "parcels", "--parks", sample,
                 "--out", str(metrics)]) in (0, 1)  # fmt: skip
    capsys.readouterr()
    for path in (idle / "idle.xlsx", assess, metrics):
        assert workbooks.problems(openpyxl.load_workbook(path)) == [], path.name
    for sheet in ("地块指标", "园区指标"):  # the notes in Chinese, not the English ``reason``
        notes = workbooks.column(openpyxl.load_workbook(metrics)[sheet], "说明")
        shown = [c.value for c in notes if c.value]
        assert shown and all(workbooks.CJK.search(text) for text in shown), sheet
        assert not any(re.search(r"[a-z]{4,} [a-z]{2,}", text) for text in shown), shown
    headers = [c.value for c in openpyxl.load_workbook(metrics)["地块指标"][workbooks.HEADER_ROW]]
    assert "缺少的字段" in headers and "缺少字段" not in headers  # field names once, in Chinese
    summary = workbooks.records(openpyxl.load_workbook(idle / "idle.xlsx")["汇总"])
    assert summary[0]["园区名称"] == "昆明经济技术开发区"
