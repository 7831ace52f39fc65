"""The pipeline steps on the sample, and their summaries in the CLI and the demo.

The demo's ``summary.txt`` holds each step's digest; a command prints the
step's summary lines followed by the files it wrote. Both come from the same
step called on the same inputs.
"""

import warnings

import pandas as pd
import pytest

import landkit as lk
from landkit import pipeline
from landkit.cli import main
from landkit.errors import InputError
from landkit.io import list_layers, write_coordinate_txt

SAMPLE = lk.sample_data_path()
RASTERS = {
    "2023-06-30": SAMPLE.parent / "builtup_2023.tif",
    "2025-06-30": SAMPLE.parent / "builtup_2025.tif",
}
AS_OF = "2026-11-01"

# The demo's summary.txt on the sample, line by line.
DEMO_SUMMARY = [
    "数据校验：11 个图层和表，共 468 条记录，修复无效几何 1 处",
    "三线核查：99 宗地块中 3 宗违规，5 个园区中 3 个违规；压占生态保护红线 40.12 亩，"
    "永久基本农田 16.19 亩，城镇开发边界外 20.40 亩",
    "闲置土地（截至 2026-11-01）：政府原因延迟 1 宗，可收回 1 宗，闲置 3 宗，疑似闲置 4 宗，"
    "临近闲置 2 宗；测算土地闲置费 1,616.52 万元；记录与影像不一致 1 宗",
    "地块指标：99 宗中 67 宗按国家控制指标评价，容积率不达标 6 宗，建筑系数不达标 26 宗，"
    "行政办公比重超标 1 宗；园区综合容积率 1.05–1.58（全国平均 0.98）",
    "2025 年度园区考核：5 个园区，黄牌 3 个，建议摘牌 1 个（合格分 60 为示例值）；"
    "园区超过 1 个的县区：官渡区；园区外工业地块 0 宗；防护距离不足 16 宗；"
    "目标对照：主导产业集聚度超过 80% 的园区 5/5 个",
    "界址点：园区 G531042 界址点 4 个，面积 258.9600 公顷（坐标文件回读 258.9600 公顷）；"
    "东至经开东环路，南至宝象河，西至经开西环路，北至经开北环路",
    "地图：map.html（5 个园区、99 宗地块，34 宗有问题已着色）；问题最多的园区 S539019 "
    "打印图 S539019_map.png",
    "报告：report.xlsx（汇总、三线违规、指标、闲置、来源）",
    "调查案卷：8 份，闲置 3 宗、可收回 1 宗、疑似闲置 4 宗（初步判定，须调查核实后方可认定）",
]


def layer(name, kind=None):
    return lk.read_layer(SAMPLE, name, kind=kind)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from landkit.demo import run_demo

    return run_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def parcels():
    return layer("parcels", "parcels")


@pytest.fixture(scope="module")
def parks():
    return layer("parks", "parks")


def printed(capsys, *argv):
    """What a command printed, line by line, and its exit code."""
    code = main([str(a) for a in argv])
    return capsys.readouterr().out.splitlines(), code


# ------------------------------------------------------------------ the demo


@pytest.mark.slow
def test_the_demo_summary_is_the_steps_digests(demo):
    assert demo.summary == DEMO_SUMMARY
    text = (demo.out / "summary.txt").read_text(encoding="utf-8")
    assert text == "\n".join(DEMO_SUMMARY) + "\n"


# ------------------------------------------------------------------ validate


@pytest.mark.slow
def test_validate_one_layer_and_all(demo, capsys, parcels):
    step = pipeline.validate(layer("parcels"), "parcels", layer="parcels", source="x.gpkg")
    assert step.summary[0] == "校验通过：x.gpkg（parcels），99 条记录"
    assert step.summary[1].startswith("已修复：图层“宗地”中 1 个无效几何图形")
    assert step.tables["校验"].to_dict("records") == [
        {"图层": "parcels", "类型": "parcels", "要素数": 99, "修复几何数": 1}
    ]
    lines, code = printed(capsys, "validate", SAMPLE, "--layer", "parcels", "--kind", "parcels")
    assert code == 0
    assert lines == pipeline.validate(
        layer("parcels"), "parcels", layer="parcels", source=str(SAMPLE)
    ).summary
    both = {"parks": (layer("parks"), "parks"), "parcels": (layer("parcels"), "parcels")}
    merged = pipeline.validate_all(both)
    assert merged.tables["校验"]["要素数"].tolist() == [5, 99]
    assert merged.digest == "数据校验：2 个图层和表，共 104 条记录，修复无效几何 1 处"


# --------------------------------------------------------------- three lines


@pytest.mark.slow
def test_three_lines_step_cli_and_demo(demo, capsys, tmp_path, parcels, parks):
    step = pipeline.three_lines(parcels, SAMPLE, parks=parks)
    assert list(step.tables) == [
        "three_lines",
        "three_line_pieces",
        "three_line_summary",
        "three_lines_parks",
    ]
    assert [len(t) for t in step.tables.values()] == [99, 3, 5, 5]
    assert step.findings
    assert step.summary[:4] == [
        "三线核查：99 个要素，违规 3 个，无几何 0 个（容差 1.0 m²）",
        "  生态保护红线：1 个要素违规，合计 26,750.0 m²（40.12 亩）",
        "  永久基本农田：1 个要素违规，合计 10,792.7 m²（16.19 亩）",
        "  城镇开发边界外：1 个要素违规，合计 13,600.0 m²（20.40 亩）",
    ]
    assert step.digest == demo.summary[1]
    out = tmp_path / "three_lines.gpkg"
    lines, code = printed(capsys, "check", SAMPLE, "--layer", "parcels", "--lines", SAMPLE,
                          "--out", out, "--fail-on-findings")  # fmt: skip
    assert code == 1
    alone = pipeline.three_lines(parcels, SAMPLE)
    assert lines[:-1] == alone.summary
    layers = "three_lines, three_line_pieces, three_line_summary"
    assert lines[-1] == f"已写出：{out}（图层 {layers}）"
    assert list_layers(out)[:3] == list(alone.tables)


def test_three_lines_without_a_line_says_so(parcels):
    lines = {"basic_farmland": layer("basic_farmland", "lines")}
    step = pipeline.three_lines(parcels, lines)
    assert "  生态保护红线：未提供该图层，未核查" in step.summary
    assert "  城镇开发边界外：未提供该图层，未核查" in step.summary


# ---------------------------------------------------------------------- idle


@pytest.mark.slow
def test_idle_step_cli_and_demo(demo, capsys, tmp_path, parcels):
    step = pipeline.idle(parcels, as_of=AS_OF, builtup=RASTERS)
    assert list(step.tables) == ["idle"] and len(step.tables["idle"]) == 99
    assert step.findings and not step.figures
    assert step.summary == [
        "闲置土地核查（截至 2026-11-01）：共 99 宗；政府原因延迟 1 宗，可收回 1 宗，闲置 3 宗，"
        "疑似闲置 4 宗，临近闲置 2 宗，资料不足 0 宗",
        "  测算土地闲置费合计 1,616.52 万元",
        "  未提供法定节假日历：期间最后一日未按民法典第二百零三条顺延",
        "  动工记录与建成影像不一致 1 宗",
    ]
    assert step.digest == demo.summary[2]
    builtup = [f"--builtup={date}={path}" for date, path in RASTERS.items()]
    out = tmp_path / "idle"
    lines, code = printed(capsys, "idle", SAMPLE, "--layer", "parcels", "--as-of", AS_OF,
                          *builtup, "--out", out)  # fmt: skip
    assert code == 0
    assert lines[:-1] == step.summary
    assert lines[-1] == f"已写出：{out / 'idle.gpkg'}、{out / 'idle.xlsx'}、{out / 'idle.html'}"


def test_idle_step_and_cli_apply_a_holiday_calendar(capsys, tmp_path, parcels):
    calendar = tmp_path / "holidays.csv"
    calendar.write_text("日期\n2026-06-15\n", encoding="utf-8")  # P015's one year ends that day
    step = pipeline.idle(parcels, as_of=AS_OF, holidays=calendar)
    assert step.summary[2] == "  已按法定节假日历（1 个休息日）适用民法典第二百零三条，期间顺延 1 宗"
    idle = step.tables["idle"].set_index("parcel_id")
    assert str(idle.at["P015", "idle_since"])[:10] == "2026-06-17"
    lines, code = printed(capsys, "idle", SAMPLE, "--layer", "parcels", "--as-of", AS_OF,
                          "--holidays", calendar, "--out", tmp_path / "idle")  # fmt: skip
    assert code == 0 and lines[:-1] == step.summary
    assert main(["idle", str(SAMPLE), "--layer", "parcels", "--as-of", AS_OF,
                 "--holidays", str(tmp_path / "none.csv"), "--out", str(tmp_path / "x")]) == 2  # fmt: skip


def test_idle_step_compares_with_a_previous_run(tmp_path, parcels):
    first = pipeline.idle(parcels, as_of="2025-11-01")
    lk.write_layers(first.tables, tmp_path / "idle.gpkg")
    step = pipeline.idle(parcels, as_of=AS_OF, previous=tmp_path / "idle.gpkg", html_map=True)
    assert "newly_flagged" in step.tables["idle"].columns
    assert step.summary[-1].startswith(f"  与上次（{tmp_path / 'idle.gpkg'}）相比新增 ")
    assert list(step.figures) == ["idle.html"]


# ------------------------------------------------------------------- metrics


@pytest.mark.slow
def test_metrics_step_cli_and_demo(demo, capsys, tmp_path, parcels, parks):
    buildings = layer("buildings", "buildings")
    step = pipeline.metrics(parcels, buildings, parks=parks, idle=demo.results["idle"])
    assert list(step.tables) == ["parcel_metrics", "missing_data", "park_indicators"]
    assert [len(t) for t in step.tables.values()] == [99, 1, 5]  # P039 lacks its floor areas
    assert step.tables["parcel_metrics"].geometry.equals(parcels.geometry)
    assert step.digest == demo.summary[3]
    assert step.findings
    out = tmp_path / "metrics.xlsx"
    lines, code = printed(capsys, "metrics", SAMPLE, "--layer", "parcels", "--buildings", SAMPLE,
                          "--parks", SAMPLE, "--out", out)  # fmt: skip
    assert code == 0
    assert lines[:-1] == pipeline.metrics(parcels, buildings, parks=parks).summary
    assert lines[1] == "  容积率：评价 67 宗，不达标 6 宗"
    assert lines[-1] == f"已写出：{out}"
    with pd.ExcelFile(out) as book:
        assert book.sheet_names == ["地块指标", "资料不足", "园区指标", "来源"]


# ---------------------------------------------------------------- assessment


@pytest.mark.slow
def test_assessment_step_cli_and_demo(demo, capsys, tmp_path, parks, parcels):
    history = lk.read_table(SAMPLE, "park_history", kind="park_history")
    enterprises = lk.read_table(SAMPLE, "enterprises", kind="enterprises")
    counties = layer("counties", "counties")
    step = pipeline.assessment(
        history, enterprises=enterprises, parks=parks, counties=counties, parcels=parcels
    )
    assert list(step.tables) == ["园区考核", "县区园区数", "园区外工业用地", "防护距离不足", "产业集聚度"]
    assert [len(t) for t in step.tables.values()] == [5, 14, 0, 16, 5]
    assert step.digest == demo.summary[4]
    assert step.findings
    out = tmp_path / "assessment.xlsx"
    lines, code = printed(capsys, "assess", SAMPLE, "--sheet", "park_history", "--year", 2025,
                          "--enterprises", SAMPLE, "--parks", SAMPLE, "--out", out)  # fmt: skip
    assert code == 0
    cli = pipeline.assessment(history, year=2025, enterprises=enterprises, parks=parks)
    assert lines[:-1] == cli.summary
    assert lines[:3] == [
        "2025 年度园区考核：5 个园区，评价 5 个（合格分 60（示例值））",
        "  黄牌警告 3 个，建议摘牌 1 个",
        "  建议核减面积或降级 1 个，具备扩区条件 0 个",
    ]
    with pd.ExcelFile(out) as book:
        assert book.sheet_names == ["园区考核", "县区园区数", "产业集聚度", "来源"]


def test_assessment_pass_mark_is_shown_as_given():
    history = lk.read_table(SAMPLE, "park_history", kind="park_history")
    step = pipeline.assessment(history, pass_mark=70)
    assert step.summary[0] == "2025 年度园区考核：5 个园区，评价 5 个（合格分 70）"
    assert step.digest == "2025 年度园区考核：5 个园区，黄牌 3 个，建议摘牌 1 个（合格分 70）"
    assert list(step.tables) == ["园区考核"]


# ---------------------------------------------------------- boundary documents


@pytest.mark.slow
def test_boundary_step_cli_and_demo(demo, capsys, tmp_path, parks):
    neighbours = [layer("roads", "roads"), layer("rivers", "rivers"), parks]
    step = pipeline.boundary_documents(
        parks, "G531042", neighbours=neighbours, publication=True, figure=False
    )
    assert list(step.tables) == ["feature", "boundary_points", "publication"]
    assert len(step.tables["feature"]) == 1 and len(step.tables["publication"]) == 5
    assert not step.figures
    txt = write_coordinate_txt(step.tables["feature"], tmp_path / "G531042.txt")
    assert pipeline.boundary_digest(step, txt) == demo.summary[5]
    out = tmp_path / "G531042"
    lines, code = printed(capsys, "boundary", SAMPLE, "--layer", "parks", "--id", "G531042",
                          "--neighbours", "roads", "--neighbours", "rivers", "--out", out)  # fmt: skip
    assert code == 0
    roads_rivers = neighbours[:2]
    cli = pipeline.boundary_documents(parks, "G531042", neighbours=roads_rivers)
    assert lines[:-1] == cli.summary
    assert lines[1] == "四至：东至经开东环路，南至宝象河，西至经开西环路，北至经开北环路"
    assert list(cli.figures) == ["G531042_界址点图.png"]
    assert sorted(p.name for p in out.iterdir()) == [
        "G531042.txt",
        "G531042_界址点图.png",
        "G531042_界址点成果表.xlsx",
    ]


def test_boundary_step_needs_exactly_one_feature(parks):
    with pytest.raises(InputError, match=r"parks\.gpkg: 0 features have park_id"):
        pipeline.boundary_documents(parks, "NOPE", layer="parks.gpkg")


# ----------------------------------------------------------------------- map


@pytest.mark.slow
def test_map_step_cli_and_demo(demo, capsys, tmp_path, parks):
    results = [demo.results["idle"], demo.results["parcel_metrics"]]
    lines_ = demo.lines()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        step = pipeline.make_maps(demo.results["three_lines"], results=results, parks=parks,
                                  lines=lines_, print_map=True, most_findings=True)  # fmt: skip
    assert list(step.figures) == ["map.html", "S539019_map.png"]
    assert step.digest == demo.summary[6]
    assert len(step.tables["parcels"]) == 99
    out = tmp_path / "map.html"
    lines, code = printed(capsys, "map", SAMPLE, "--layer", "parcels", "--basemap", "none",
                          "--out", out)  # fmt: skip
    assert code == 0
    cli = pipeline.make_maps(layer("parcels", "parcels"), basemap=None)
    assert lines == [*cli.summary, f"已写出：{out}"]
    assert cli.summary == ["地图：宗地 99 宗（未评价 99 宗）"]


def test_print_map_needs_parks(parcels):
    with pytest.raises(InputError, match="needs parks"):
        pipeline.make_maps(parcels, print_map=True)


# -------------------------------------------------------------------- report


@pytest.mark.slow
def test_report_step_cli_and_demo(demo, capsys, tmp_path):
    step = pipeline.report(
        parks=demo.results["three_lines_parks"],
        three_lines=demo.results["three_lines"],
        metrics=demo.results["parcel_metrics"],
        idle=demo.results["idle"],
    )
    assert step.summary == [
        "报告：",
        "  园区 5 个",
        "  三线违规 3 宗（共 99 宗）",
        "  地块指标 99 宗",
        "  闲置相关 11 宗（共 99 宗）",
    ]
    path = lk.write_report(tmp_path / "report.xlsx", **step.tables)
    assert pipeline.report_digest(path) == demo.summary[7]
    idle = tmp_path / "idle.gpkg"
    lk.write_layers({"idle": demo.results["idle"]}, idle)
    lines, code = printed(capsys, "report", "--idle", idle, "--out", tmp_path / "r.xlsx")
    assert code == 0
    assert lines[:-1] == pipeline.report(idle=pipeline.read_result(idle)).summary
    with pytest.raises(InputError, match="nothing to report"):
        pipeline.report()


# ------------------------------------------------------------------ dossiers


@pytest.mark.slow
def test_dossier_step_cli_and_demo(demo, capsys, tmp_path):
    from landkit.dossier import DOSSIER_STATUSES

    result = demo.results["idle"]
    flagged = sorted(result.loc[result["idle_status"].isin(DOSSIER_STATUSES), "parcel_id"])
    written = [path.relative_to(demo.out).as_posix() for path in demo.outputs["调查案卷"]]
    assert written == [*(f"dossiers/{pid}_闲置土地调查案卷.docx" for pid in flagged),
                       "dossiers/dossiers.xlsx"]  # fmt: skip
    idle = lk.write_layers({"idle": result}, tmp_path / "idle.gpkg")
    before = pipeline.read_idle(idle)
    step = pipeline.dossiers(before, only=["suspected_idle"], imagery=RASTERS)
    pd.testing.assert_frame_equal(before, pipeline.read_idle(idle))
    assert step.summary[:2] == [
        "调查案卷：写出 4 份（新增 4 份，升级 0 份），索引 dossiers.xlsx",
        "  初步判定：疑似闲置 4 宗（须调查核实后方可认定）",
    ]
    assert step.digest == "调查案卷：4 份，疑似闲置 4 宗（初步判定，须调查核实后方可认定）"
    assert step.findings and list(step.tables) == ["调查案卷索引"]
    out = tmp_path / "dossiers"
    imagery = [f"--imagery={date}={path}" for date, path in RASTERS.items()]
    lines, code = printed(capsys, "dossier", idle, "--only", "suspected_idle", *imagery,
                          "--out", out)  # fmt: skip
    assert code == 0
    assert lines[:-1] == step.summary
    assert lines[-1] == f"已写出：{out}（案卷 4 份，索引 dossiers.xlsx）"
    assert sorted(path.name for path in out.iterdir()) == sorted([*step.figures, "dossiers.xlsx"])


def test_dossier_step_needs_an_idle_result(tmp_path):
    with pytest.raises(InputError, match="没有 idle 图层"):
        pipeline.dossiers(SAMPLE)
    with pytest.raises(InputError, match="不是 GeoPackage"):
        pipeline.dossiers(tmp_path)


# ------------------------------------------------------------------- helpers


def test_steps_leave_their_inputs_untouched(parcels, parks):
    before = parcels.copy()
    pipeline.three_lines(parcels, SAMPLE, parks=parks)
    pipeline.idle(parcels, as_of=AS_OF)
    pd.testing.assert_frame_equal(parcels, before)


def test_validate_lists_unused_columns_apart_from_likely_misses(parcels):
    layer = parcels.rename(columns={"agreed_start_date": "约定动工日期1"}).assign(备注="x")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", lk.errors.LandkitWarning)
        step = pipeline.validate(layer, "parcels", layer="parcels")
    assert "未识别的列：约定动工日期1，可能是 约定动工日期；如是，用 --column 约定动工日期1=agreed_start_date 指定" in step.summary
    assert "未使用的列：备注" in step.summary
    assert not any("nan" in line for line in step.summary)
