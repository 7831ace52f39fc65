"""``landkit dossier`` on the result of ``landkit idle``: one Word dossier per flagged parcel.

The idle result is written by ``landkit idle`` on the sample, as the monthly job
does; the dossiers are read back with python-docx.
"""

import contextlib
import io

import docx
import pandas as pd
import pytest

import landkit as lk
from landkit.cli import main
from landkit.dossier import BLANK, DOSSIER_STATUSES
from landkit.schema import prepare_layer

pytestmark = pytest.mark.slow  # runs in the full suite (the README test command)

SAMPLE = lk.sample_data_path()
AS_OF = "2026-11-01"
IMAGERY = {
    "2023-06-30": SAMPLE.parent / "builtup_2023.tif",
    "2025-06-30": SAMPLE.parent / "builtup_2025.tif",
}
IMAGERY_OPTIONS = [f"--imagery={date}={path}" for date, path in IMAGERY.items()]


def _run(*argv) -> tuple[int, list[str]]:
    """A command's exit code and the lines it printed."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main([str(a) for a in argv])
    return code, printed.getvalue().splitlines()


def _text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def monthly(tmp_path_factory):
    """`landkit idle` on the sample, then `landkit dossier` on its idle.gpkg."""
    folder = tmp_path_factory.mktemp("monthly")
    builtup = [f"--builtup={date}={path}" for date, path in IMAGERY.items()]
    code, _ = _run("idle", SAMPLE, "--layer", "parcels", "--as-of", AS_OF, *builtup,
                   "--out", folder / "idle")  # fmt: skip
    assert code == 0
    idle, out = folder / "idle" / "idle.gpkg", folder / "dossiers"
    code, lines = _run("dossier", idle, "--out", out, *IMAGERY_OPTIONS, "--parks", SAMPLE,
                       "--lines", SAMPLE)  # fmt: skip
    return {"folder": folder, "idle": idle, "out": out, "code": code, "lines": lines,
            "result": lk.read_layer(idle, "idle")}  # fmt: skip


def test_one_dossier_per_flagged_parcel_and_the_summary(monthly):
    result, out = monthly["result"], monthly["out"]
    flagged = result[result["idle_status"].isin(DOSSIER_STATUSES)]
    counts = flagged["idle_status"].value_counts()
    assert monthly["code"] == 0
    assert monthly["lines"][:2] == [
        f"调查案卷：写出 {len(flagged)} 份（新增 {len(flagged)} 份，升级 0 份），索引 dossiers.xlsx",
        f"  初步判定：闲置 {counts['idle']} 宗、可收回 {counts['recoverable']} 宗、"
        f"疑似闲置 {counts['suspected_idle']} 宗（须调查核实后方可认定）",
    ]
    assert monthly["lines"][-1] == f"已写出：{out}（案卷 {len(flagged)} 份，索引 dossiers.xlsx）"
    files = sorted(path.name for path in out.glob("*.docx"))
    assert files == sorted(f"{pid}_闲置土地调查案卷.docx" for pid in flagged["parcel_id"])
    others = result.loc[~result["idle_status"].isin(DOSSIER_STATUSES), "parcel_id"]
    assert not any(name.startswith(f"{pid}_") for pid in others for name in files)
    sheet = pd.read_excel(out / "dossiers.xlsx", sheet_name="调查案卷索引", header=2)
    assert sorted(sheet["宗地编号"]) == sorted(flagged["parcel_id"])
    assert set(sheet["变化"]) == {"新增"} and set(sheet["本次写出"]) == {"是"}


def test_each_dossier_holds_the_case_read_back(monthly):
    result = monthly["result"].set_index("parcel_id")
    for path in sorted(monthly["out"].glob("*.docx")):
        document = docx.Document(path)
        text = _text(document)
        parcel_id = path.name.split("_")[0]
        finding = result.loc[parcel_id]
        assert parcel_id in text and finding["name"] in text
        assert finding["idle_reason"] in text  # the rule that fired
        assert f"法律依据：{finding['legal_basis']}" in text  # quoted from the rule tables
        # the location map, the 宗地图 and one chip per --imagery date
        assert len(document.inline_shapes) == 2 + len(IMAGERY)
        assert f"图1　宗地{parcel_id}区位图" in text
        for date in IMAGERY:
            assert f"{date}　建成区比例：" in text
        headers = [tuple(cell.text for cell in table.rows[0].cells) for table in document.tables]
        assert ("事项", "记录", "来源字段") in headers
        assert "草　稿（未经审核、未加盖印章，不得送达）" in text
        assert "闲置土地调查通知书" in text and f"{BLANK}〔{BLANK}〕{BLANK}号" in text
        # the as-of date comes from the idle.gpkg's provenance
        assert document.core_properties.created.date().isoformat() == AS_OF
        assert "核查日期\n2026年11月1日" in text


def test_a_second_run_with_previous_writes_none_and_says_so(monthly):
    out = monthly["folder"] / "again"
    code, lines = _run("dossier", monthly["idle"], "--previous", monthly["idle"], "--out", out)
    flagged = int(monthly["result"]["idle_status"].isin(DOSSIER_STATUSES).sum())
    assert code == 0
    assert lines[:3] == [
        "调查案卷：写出 0 份（新增 0 份，升级 0 份），索引 dossiers.xlsx",
        f"  未写出（与上次相同）{flagged} 宗",
        "  初步判定：闲置 0 宗、可收回 0 宗、疑似闲置 0 宗（须调查核实后方可认定）",
    ]
    assert not list(out.glob("*.docx"))
    sheet = pd.read_excel(out / "dossiers.xlsx", sheet_name="调查案卷索引", header=2)
    assert set(sheet["变化"]) == {"未变"} and set(sheet["本次写出"]) == {"否"}


def test_previous_run_new_and_escalated_parcels_only(monthly):
    result = monthly["result"]
    before = result[result["parcel_id"] != "P040"].copy()  # P040 not held last month
    before.loc[before["parcel_id"] == "P015", "idle_status"] = "at_risk"  # P015 escalated since
    previous = lk.write_layers({"idle": before}, monthly["folder"] / "before" / "idle.gpkg")
    out = monthly["folder"] / "escalated"
    code, lines = _run("dossier", monthly["idle"], "--previous", previous, "--out", out,
                       "--only", "idle,suspected_idle")  # fmt: skip
    assert code == 0
    assert lines[0] == "调查案卷：写出 2 份（新增 1 份，升级 1 份），索引 dossiers.xlsx"
    assert sorted(path.name[:4] for path in out.glob("*.docx")) == ["P015", "P040"]
    sheet = pd.read_excel(out / "dossiers.xlsx", sheet_name="调查案卷索引", header=2).set_index("宗地编号")
    assert sheet.loc["P015", "变化"] == "升级" and sheet.loc["P015", "上次状态"] == "临近闲置"
    assert sheet.loc["P040", "变化"] == "新增" and sheet.loc["P040", "本次写出"] == "是"
    assert set(sheet["初步判定"]) <= {"闲置", "疑似闲置"}


@pytest.mark.parametrize(
    ("arguments", "reason"),
    [
        (["{tmp}/none.gpkg"], "文件不存在"),
        (["{tmp}"], "是文件夹，不是文件"),
        (["{idle}", "--imagery", str(IMAGERY["2025-06-30"])], "须写作 日期=文件"),
        (["{idle}", "--imagery", "6月=" + str(IMAGERY["2025-06-30"])], "不是日期"),
        (["{idle}", "--imagery", "2025-06-30={tmp}/none.tif"], "文件不存在"),
        (["{idle}", "--only", "idle,active"], "只能从 idle,recoverable,suspected_idle 中选"),
        (["{idle}", "--previous", "{tmp}/none.gpkg"], "文件不存在"),
        ([str(SAMPLE)], "没有 idle 图层"),
    ],
    ids=["missing", "folder", "imagery-without-date", "imagery-bad-date", "imagery-missing",
         "only", "previous-missing", "no-idle-layer"],
)
def test_bad_input_exits_2_with_one_chinese_line_and_writes_nothing(
    monthly, tmp_path, capsys, arguments, reason
):
    out = tmp_path / "out"
    argv = [a.format(tmp=tmp_path, idle=monthly["idle"]) for a in arguments]
    code = main(["dossier", *argv, "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 2
    assert reason in captured.err and len(captured.err.strip().splitlines()) == 1
    assert captured.out == ""
    assert not out.exists()


def test_a_land_user_column_is_the_land_user_not_the_name(sample_parcels):
    parcels = sample_parcels.assign(土地使用权人="云南普坪食品有限公司")
    prepared = prepare_layer(parcels, "parcels")
    assert (prepared["land_user"] == "云南普坪食品有限公司").all()
    assert prepared["name"].tolist() == sample_parcels["name"].tolist()
