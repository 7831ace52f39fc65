"""Inputs shaped like a bureau's own files, built from the sample: findings equal the sample's.

* parcels as a GBK shapefile without .cpg, in EPSG:4326, with Chinese names, pinyin codes
  and the 10-byte cuts the format makes of long Chinese names;
* the three lines as a folder of Chinese file names, as table codes in a GeoPackage, as a
  list of files and as a mapping of files;
* parks as a shapefile with 园区代码 / 开发区名称;
* coordinate TXTs: three parcels sharing an id; an open ring with an empty 带号.
"""

import re
import subprocess
import sys
import warnings
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

import landkit as lk
from landkit.errors import InputError, InputNotesWarning, SchemaError, UnrecognisedColumnsWarning
from landkit.io.lines import recognised_lines
from landkit.missing import missing_data_table

SAMPLE = lk.sample_data_path()
AS_OF = "2026-06-30"
LINES = ("ecological_redline", "basic_farmland", "urban_boundary")

# canonical column → the name a bureau's export uses (long names are cut by the format)
BUREAU_NAMES = {
    "parcel_id": "ZDDM",
    "park_id": "园区代码",
    "name": "企业名称",
    "land_use": "用地性质",
    "land_use_scheme": "分类标准",
    "industry_code": "行业代码",
    "industry_code_edition": "行业分类版本",
    "grant_date": "合同签订日期",
    "agreed_start_date": "约定动工日期",
    "agreed_completion_date": "约定竣工日期",
    "start_status": "是否动工",
    "actual_start_date": "实际动工日期",
    "halted_since": "停工日期",
    "floor_area_m2": "JZMJ",
    "footprint_area_m2": "建筑基底面积",
    "developed_area_m2": "已开发面积",
    "planned_footprint_area_m2": "应开发面积",
    "green_area_m2": "绿地面积",
    "admin_land_area_m2": "行政办公用地面积",
    "admin_floor_area_m2": "行政办公建筑面积",
    "land_price_wan_yuan": "土地出让金额",
    "planned_investment_wan_yuan": "计划总投资",
    "invested_wan_yuan": "已完成投资额",
    "output_wan_yuan": "工业总产值",
    "tax_wan_yuan": "税收总额",
    "stat_year": "统计年度",
    "delay_cause": "未动工原因",
    "contract_plot_ratio_min": "容积率下限",
    "contract_plot_ratio_max": "容积率上限",
}


def _quiet(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


@pytest.fixture(scope="module")
def sample_parcels():
    return lk.read_layer(SAMPLE, "parcels")


@pytest.fixture(scope="module")
def bureau_shapefile(sample_parcels, tmp_path_factory):
    """The sample parcels as a desktop GIS exports them: GBK, no .cpg, EPSG:4326."""
    folder = tmp_path_factory.mktemp("bureau")
    frame = sample_parcels.drop(columns=["case", "synthetic"]).rename(columns=BUREAU_NAMES)
    path = folder / "宗地.shp"
    _quiet(pyogrio.write_dataframe, frame.to_crs(4326), path, encoding="GBK")
    path.with_suffix(".cpg").unlink()
    return path


def test_the_shapefile_holds_cut_names(bureau_shapefile):
    fields = pyogrio.read_info(bureau_shapefile, encoding="gbk")["fields"].tolist()
    for cut in ("约定动工日", "实际动工日", "土地出让金", "建筑基底面", "已完成投资", "合同签订日"):
        assert cut in fields
    assert not bureau_shapefile.with_suffix(".cpg").exists()


def test_bureau_parcels_are_recognised_and_validate_strictly(bureau_shapefile, sample_parcels):
    read = lk.read_layer(bureau_shapefile)
    assert read.attrs["landkit_source"]["encoding"] == "gb18030" and read.crs.to_epsg() == 4326
    checked = _quiet(lk.validate_layer, read, "parcels", strict=False)
    assert checked.attrs["landkit_unrecognised"] == []
    assert set(BUREAU_NAMES) <= set(checked.columns)
    canonical = _quiet(lk.validate_layer, sample_parcels, "parcels")
    for column in ("agreed_start_date", "actual_start_date", "land_price_wan_yuan", "land_use"):
        pd.testing.assert_series_equal(
            checked[column].reset_index(drop=True),
            canonical[column].reset_index(drop=True),
            check_dtype=False,
        )


@pytest.mark.slow
def test_findings_from_bureau_parcels_equal_the_samples(bureau_shapefile, sample_parcels):
    raster = SAMPLE.parent / "builtup_2025.tif"
    read = lk.read_layer(bureau_shapefile, kind="parcels")
    ours = _quiet(lk.detect_idle, read, as_of=AS_OF, builtup=raster)
    theirs = _quiet(lk.detect_idle, sample_parcels, as_of=AS_OF, builtup=raster)
    columns = ["parcel_id", "idle_status", "idle_rule", "idle_since", "missing_fields_zh"]
    pd.testing.assert_frame_equal(
        pd.DataFrame(ours[columns]).reset_index(drop=True),
        pd.DataFrame(theirs[columns]).reset_index(drop=True),
    )
    checked = _quiet(lk.check_three_lines, read, SAMPLE)
    expected = _quiet(lk.check_three_lines, sample_parcels, SAMPLE)
    for column in ("parcel_id", "status", "violations"):
        assert checked[column].tolist() == expected[column].tolist()
    assert checked["area_m2"].to_numpy() == pytest.approx(expected["area_m2"].to_numpy(), rel=1e-6)
    metrics = _quiet(lk.parcel_metrics, read)
    sample_metrics = _quiet(lk.parcel_metrics, sample_parcels)
    for column in ("meets_plot_ratio", "meets_green_ratio", "not_evaluated", "missing_fields_zh"):
        assert metrics[column].tolist() == sample_metrics[column].tolist()


def test_a_likely_miss_is_reported_and_fails_strict_validation(bureau_shapefile):
    read = lk.read_layer(bureau_shapefile).rename(columns={"约定动工日": "约定动工日期_1"})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        checked = lk.validate_layer(read, "parcels")
    unrecognised = [w for w in caught if w.category is UnrecognisedColumnsWarning]
    assert len(unrecognised) == 1
    assert re.search("约定动工日期_1.*agreed_start_date", str(unrecognised[0].message))
    assert checked.attrs["landkit_unrecognised"] == [
        {
            "column": "约定动工日期_1",
            "likely_column": "agreed_start_date",
            "likely_label": "约定动工日期",
        }
    ]
    with pytest.raises(SchemaError, match=r"约定动工日期_1.*columns=\{'约定动工日期_1'"):
        _quiet(lk.validate_layer, read, "parcels", strict=True)
    # the explicit mapping always works, on read and on every function that takes the layer
    mapped = lk.read_layer(
        lk.write_layer(read, bureau_shapefile.parent / "mapped.gpkg"),
        columns={"约定动工日期_1": "agreed_start_date"},
    )
    assert "agreed_start_date" in mapped.columns
    raw = read.copy()
    raw.attrs["landkit_columns"] = {"约定动工日期_1": "agreed_start_date"}
    ours = _quiet(lk.detect_idle, raw, as_of=AS_OF)
    theirs = _quiet(lk.detect_idle, lk.read_layer(bureau_shapefile), as_of=AS_OF)
    assert ours["idle_status"].tolist() == theirs["idle_status"].tolist()
    renamed = read.rename(columns={"用地性质": "规划用途"})
    with_mapping = _quiet(lk.validate_layer, renamed, "parcels", columns={"规划用途": "land_use"})
    assert with_mapping["land_use"].tolist() == _quiet(
        lk.validate_layer, lk.read_layer(bureau_shapefile), "parcels"
    )["land_use"].tolist()
    with pytest.raises(SchemaError, match="not a column of parcels"):
        _quiet(lk.validate_layer, renamed, "parcels", columns={"规划用途": "use"})


def test_missing_fields_are_named_in_chinese(sample_parcels):
    sparse = sample_parcels.drop(columns=["start_status", "actual_start_date", "green_area_m2"])
    idle = _quiet(lk.detect_idle, sparse, as_of=AS_OF)
    metrics = _quiet(lk.parcel_metrics, sparse)
    table = missing_data_table(idle=idle, metrics=metrics, parcels=sparse)
    assert list(table.columns) == [
        "parcel_id",
        "name",
        "subject",
        "missing_fields_zh",
        "missing_fields",
    ]
    undecided = idle[idle["idle_status"] == "insufficient_data"]
    assert len(undecided) > 0
    assert (undecided["missing_fields_zh"] == "动工状态、实际动工日期、建成区影像").all()
    assert undecided["idle_reason"].str.contains("资料不足，缺少：动工状态").all()
    green = table[table["missing_fields_zh"].str.contains("绿地面积")]
    assert len(green) > 0 and green["subject"].str.contains("绿地率").all()
    names = sparse.set_index("parcel_id")["name"]
    assert green["name"].tolist() == names[green["parcel_id"]].tolist()
    assert not re.search(r"[a-z]_[a-z]", " ".join(table["missing_fields_zh"]))


# ------------------------------------------------------------------ three lines


@pytest.fixture(scope="module")
def sample_lines():
    return {key: lk.read_layer(SAMPLE, key) for key in LINES}


def test_three_lines_as_delivered(sample_lines, sample_parcels, tmp_path):
    expected = _quiet(lk.check_three_lines, sample_parcels, SAMPLE)
    chinese = tmp_path / "三区三线"
    for key, name in zip(LINES, ("生态保护红线", "永久基本农田", "城镇开发边界"), strict=True):
        lk.write_layer(sample_lines[key], chinese / f"{name}.shp")
    coded = lk.write_layers(
        {
            "530100STBHHX2022": sample_lines["ecological_redline"],
            "YJJBNTTB": sample_lines["basic_farmland"],
            "CZKFBJ": sample_lines["urban_boundary"],
            "parks": lk.read_layer(SAMPLE, "parks"),
        },
        tmp_path / "delivery.gpkg",
    )
    files = sorted(chinese.glob("*.shp"))
    for source in (chinese, coded, files, dict(zip(("生态保护红线", "basic_farmland", "CZKFBJ"),
                                                   sorted(files, reverse=True), strict=True))):
        lines = lk.io.read_lines(source)
        assert list(lines) == list(LINES)
        table = recognised_lines(lines)
        assert table["line_zh"].tolist() == ["生态保护红线", "永久基本农田", "城镇开发边界"]
        result = _quiet(lk.check_three_lines, sample_parcels, source)
        for column in ("status", "violations"):
            assert result[column].tolist() == expected[column].tolist()
    assert recognised_lines(lk.io.read_lines(coded)).loc["ecological_redline", "matched"] == "stbhhx"


def test_an_unrecognised_line_file_names_the_candidates(sample_lines, tmp_path):
    path = lk.write_layer(sample_lines["urban_boundary"], tmp_path / "边界.shp")
    with pytest.raises(InputError, match=r"'边界\.shp'.*生态保护红线.*STBHHX.*--redline"):
        lk.io.read_lines([path])
    with pytest.raises(InputError, match=r"holds none of the line layers.*CZKFBJ"):
        lk.io.read_lines(tmp_path)


# ------------------------------------------------------------- parks and ids


@pytest.fixture(scope="module")
def bureau_parks(tmp_path_factory):
    parks = lk.read_layer(SAMPLE, "parks")
    frame = parks.rename(columns={"park_id": "园区代码", "name": "开发区名称", "level": "级别"})
    path = tmp_path_factory.mktemp("parks") / "开发区.shp"
    _quiet(pyogrio.write_dataframe, frame[["园区代码", "开发区名称", "级别", "geometry"]],
           path, encoding="GBK")
    path.with_suffix(".cpg").unlink()
    return path, parks


def test_park_ids_and_names_reach_the_boundary_documents(bureau_parks, tmp_path):
    path, parks = bureau_parks
    read = lk.read_layer(path)
    points = lk.boundary_points(read.iloc[[0]])
    assert points.attrs["feature_id"] == parks["park_id"].iloc[0]
    assert points.attrs["name"] == parks["name"].iloc[0]
    txt = lk.write_coordinate_txt(read.iloc[[0]], tmp_path / "p.txt", encoding="utf-8")
    head = next(line for line in txt.read_text(encoding="utf-8").splitlines() if "@" in line)
    assert head.split(",")[2:4] == [parks["park_id"].iloc[0], parks["name"].iloc[0]]
    checked = _quiet(lk.check_three_lines, lk.read_layer(path, kind="parks"), SAMPLE)
    expected = _quiet(lk.check_three_lines, parks, SAMPLE)
    assert checked["park_id"].tolist() == expected["park_id"].tolist()
    assert checked["status"].tolist() == expected["status"].tolist()


def test_one_parks_parcels_get_a_park_id(sample_parcels, tmp_path):
    one = sample_parcels[sample_parcels["park_id"] == sample_parcels["park_id"].iloc[0]]
    path = lk.write_layer(one.drop(columns="park_id"), tmp_path / "one.gpkg")
    with pytest.raises(SchemaError, match="park_id"):
        _quiet(lk.validate_layer, lk.read_layer(path), "parcels")
    given = lk.read_layer(path, kind="parcels", park_id=one["park_id"].iloc[0])
    assert (given["park_id"] == one["park_id"].iloc[0]).all()
    with pytest.raises(SchemaError, match="already holds"):
        _quiet(lk.validate_layer, sample_parcels, "parcels", park_id="K0")


# --------------------------------------------------------------- coordinate TXTs


def _txt_parcels(sample_parcels):
    return sample_parcels[sample_parcels.geometry.geom_type == "Polygon"].iloc[:3]


def test_three_parcels_sharing_an_id(sample_parcels, tmp_path):
    parcels = _txt_parcels(sample_parcels).assign(parcel_id="DK-1")
    path = lk.write_coordinate_txt(parcels, tmp_path / "shared.txt")
    note = "地块编号 DK-1 出现 3 次：文件中第 1、2、3 个地块（第 13、19、25 行）"
    with pytest.warns(InputNotesWarning, match=note):
        read = lk.read_layer(path)
    assert read["parcel_id"].tolist() == ["DK-1"] * 3
    with pytest.raises(SchemaError, match="duplicate ids DK-1"):
        _quiet(lk.validate_layer, read, "parcels")
    checked = _quiet(lk.check_three_lines, read.to_crs(4543), SAMPLE)
    expected = _quiet(lk.check_three_lines, _txt_parcels(sample_parcels), SAMPLE)
    assert checked["status"].tolist() == expected["status"].tolist()


def test_open_ring_and_empty_band(sample_parcels, tmp_path):
    parcels = _txt_parcels(sample_parcels)
    text = lk.write_coordinate_txt(parcels, tmp_path / "a.txt", encoding="utf-8").read_text(
        encoding="utf-8"
    )
    lines = text.splitlines()
    first_header = next(i for i, line in enumerate(lines) if line.endswith("@"))
    second_header = next(i for i, line in enumerate(lines) if line.endswith("@") and i > first_header)
    del lines[second_header - 1]  # the first parcel's closing point
    first_ids = [line.split(",")[0] for line in lines[first_header + 1 : second_header - 1]]
    lines = [("带号=" if line.startswith("带号=") else line) for line in lines]
    lines = [("分带=3度带" if line.startswith("几度分带=") else line) for line in lines]
    path = tmp_path / "open.txt"
    path.write_text("\n".join(lines) + "\n", encoding="gbk")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read = lk.read_layer(path, kind="parcels")
    notes = [str(w.message) for w in caught if issubclass(w.category, InputNotesWarning)]
    assert any("分带=3度带 按 几度分带=3 处理" in n for n in notes)
    assert any("带号为空，按 Y 坐标的带号前缀取第" in n for n in notes)
    assert any(f"地块 {parcels['parcel_id'].iloc[0]} 第 1 圈未闭合" in n for n in notes)
    assert read.attrs["coordinate_txt"]["notes"] == [n.split("：", 1)[1] for n in notes]
    checked = _quiet(lk.check_three_lines, read, SAMPLE)
    expected = _quiet(lk.check_three_lines, parcels, SAMPLE)
    assert checked["parcel_id"].tolist() == parcels["parcel_id"].tolist()
    assert checked["status"].tolist() == expected["status"].tolist()
    assert checked["area_m2"].to_numpy() == pytest.approx(expected["area_m2"].to_numpy(), abs=0.01)
    # written back, the open ring keeps its surveyed numbers and order, now closed
    back = lk.write_coordinate_txt(read, tmp_path / "back.txt", encoding="utf-8")
    written = [
        line.split(",")[0]
        for line in back.read_text(encoding="utf-8").splitlines()
        if re.match(r"^J\d+,", line)
    ]
    assert written[: len(first_ids) + 1] == [*first_ids, first_ids[0]]


# ------------------------------------------------------------------ sample data


def test_sample_data_from_the_source_tree():
    root = Path(lk.__file__).resolve().parents[1]
    code = (
        "import sys\n"
        "sys.meta_path[:] = [f for f in sys.meta_path if 'Editable' not in "
        "getattr(f, '__name__', type(f).__name__)]\n"
        "sys.path.insert(0, '.')\n"
        "import landkit\n"
        "print(landkit.sample_data_path())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert Path(done.stdout.strip()) == root / "sample_data" / "kunming.gpkg"


# ------------------------------------------------------------------ command line


def _run(capsys, *argv):
    from landkit.cli import main

    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def renamed_shapefile(bureau_shapefile):
    """The bureau parcels with land use under a local name no alias covers."""
    frame = lk.read_layer(bureau_shapefile).rename(columns={"用地性质": "规划用途"})
    path = bureau_shapefile.parent / "local" / "宗地.shp"
    path.parent.mkdir()
    _quiet(pyogrio.write_dataframe, frame, path, encoding="GBK")
    path.with_suffix(".cpg").unlink()
    return path


def test_cli_validate_names_a_likely_miss_and_strict_fails(renamed_shapefile, capsys):
    code, out, err = _run(capsys, "validate", renamed_shapefile, "--kind", "parcels")
    assert code == 0
    assert "未识别的列：规划用途，可能是 用地类型；如是，用 --column 规划用途=land_use 指定" in out
    code, _, err = _run(capsys, "validate", renamed_shapefile, "--kind", "parcels", "--strict")
    assert code == 2 and "规划用途" in err and "land_use" in err
    code, out, _ = _run(capsys, "validate", renamed_shapefile, "--kind", "parcels",
                        "--column", "规划用途=land_use")  # fmt: skip
    assert code == 0 and "未识别的列" not in out


@pytest.mark.slow
def test_cli_check_reads_the_lines_as_delivered(bureau_shapefile, sample_lines, capsys, tmp_path):
    folder = tmp_path / "三区三线"
    names = dict(zip(LINES, ("生态保护红线", "永久基本农田", "城镇开发边界"), strict=True))
    for key, name in names.items():
        lk.write_layer(sample_lines[key], folder / f"{name}.shp")
    code, out, _ = _run(capsys, "check", bureau_shapefile, "--kind", "parcels", "--lines", folder,
                        "--out", tmp_path / "a.gpkg")  # fmt: skip
    assert code == 0 and "违规 3 个" in out
    for name in names.values():
        assert f"图层 {name}：{folder / name}.shp（按名称 {name} 识别" in out
    code, out, _ = _run(capsys, "check", bureau_shapefile, "--redline", folder / "生态保护红线.shp",
                        "--urban", folder / "城镇开发边界.shp", "--out", tmp_path / "b.gpkg")  # fmt: skip
    assert code == 0 and "图层 生态保护红线" in out and "永久基本农田：未提供该图层" in out
    code, _, err = _run(capsys, "check", bureau_shapefile, "--lines", bureau_shapefile.parent,
                        "--out", tmp_path / "c.gpkg")  # fmt: skip
    assert code == 2 and "STBHHX" in err and "--redline" in err


def test_cli_boundary_carries_the_parks_own_id_and_name(bureau_parks, capsys, tmp_path):
    import openpyxl

    path, parks = bureau_parks
    park_id, name = parks["park_id"].iloc[0], parks["name"].iloc[0]
    code, out, _ = _run(capsys, "boundary", path, "--id", park_id, "--out", tmp_path)
    assert code == 0 and out.startswith(f"{park_id}（{name}）")
    head = next(
        line
        for line in (tmp_path / f"{park_id}.txt").read_text(encoding="gbk").splitlines()
        if line.endswith("@")
    )
    assert head.split(",")[2:4] == [park_id, name]
    sheet = openpyxl.load_workbook(tmp_path / f"{park_id}_界址点成果表.xlsx")["界址点成果表"]
    assert (sheet["B2"].value, sheet["D2"].value) == (park_id, name)


def test_cli_lists_missing_data_in_chinese(sample_parcels, capsys, tmp_path):
    sparse = sample_parcels.drop(columns=["start_status", "actual_start_date"])
    path = lk.write_layer(sparse, tmp_path / "sparse.gpkg")
    code, out, _ = _run(capsys, "idle", path, "--as-of", AS_OF, "--out", tmp_path / "idle")
    assert code == 0
    assert re.search(r"资料不足 \d+ 项：\n    P\d+（.+）闲置土地初步判定，缺少：动工状态、实际动工日期、建成区影像", out)
    assert "missing_data" in lk.io.list_layers(tmp_path / "idle" / "idle.gpkg")


def test_cli_warnings_are_one_chinese_line_each(sample_parcels, capsys, tmp_path):
    parcels = _txt_parcels(sample_parcels)
    text = lk.write_coordinate_txt(parcels, tmp_path / "a.txt").read_text(encoding="gbk")
    path = tmp_path / "odd.txt"
    path.write_text(text.replace("带号=34", "带号="), encoding="gbk")
    code, _, err = _run(capsys, "validate", path, "--kind", "parcels")
    assert code == 2 and "park_id" in err  # a TXT holds no park: --park-id gives it
    code, _, err = _run(capsys, "validate", path, "--kind", "parcels", "--park-id", "K1")
    assert code == 0
    assert err.splitlines() == [f"已按约定处理：{path}：带号为空，按 Y 坐标的带号前缀取第 34 带"]
    code, _, err = _run(capsys, "-v", "validate", path, "--kind", "parcels", "--park-id", "K1")
    assert code == 0 and "InputNotesWarning" in err
