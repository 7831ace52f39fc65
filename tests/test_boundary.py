"""Boundary documents: coordinate TXT, 界址点成果表, 四至 and the publication sheet."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyproj
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box

import landkit as lk
from landkit.boundary import four_boundaries_sentence
from landkit.cli import main
from landkit.errors import CRSError, DataWarning, GeometryError, InputError, InputNotesWarning

DATA = Path(__file__).parent / "data" / "land_parcels"
REAL_UTF8 = DATA / "hangzhou_pengbu_BR14_jzd.utf8.txt"
REAL_GBK = DATA / "hangzhou_pengbu_BR14_jzd.gbk_crlf.DERIVED.txt"

# spatial.md §4.2: two parcels in zone 34 (Kunming); DK-02 has a hole and a deliberately
# wrong declared area (0.1500 ha instead of 50 m × 40 m − 10 m × 10 m = 0.1900 ha).
EXAMPLE = """[属性描述]
格式版本号=1.01版本
数据产生单位=某某测绘有限公司
数据产生日期=2025-01-15
坐标系=2000国家大地坐标系
几度分带=3
投影类型=高斯克吕格
计量单位=米
带号=34
精度=0.001
转换参数=,,,,,,
[地块坐标]
5,0.4000,DK-01,地块1,面,,工业用地,0601,@
J1,1,2770700.000,34571600.000
J2,1,2770700.000,34571700.000
J3,1,2770660.000,34571700.000
J4,1,2770660.000,34571600.000
J1,1,2770700.000,34571600.000
10,0.1500,DK-02,地块2,面,,工业用地,,@
J1,1,2770600.000,34571600.000
J2,1,2770600.000,34571650.000
J3,1,2770560.000,34571650.000
J4,1,2770560.000,34571600.000
J1,1,2770600.000,34571600.000
J5,2,2770590.000,34571610.000
J6,2,2770590.000,34571620.000
J7,2,2770580.000,34571620.000
J8,2,2770580.000,34571610.000
J5,2,2770590.000,34571610.000
"""


def _points_of(text: str) -> np.ndarray:
    """(X, Y) of the point lines, parsed independently of landkit."""
    rows = re.findall(r"^J\w*,\d+,([\d.]+),([\d.]+)\s*$", text, flags=re.MULTILINE)
    return np.array(rows, dtype=float)


def _shoelace(xy: np.ndarray) -> float:
    x, y = (xy - xy.mean(axis=0)).T  # centred: products of 8-digit coordinates lose digits
    return 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def _write(tmp_path: Path, text: str, name="f.txt", encoding="utf-8", newline="\n") -> Path:
    path = tmp_path / name
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def _read_quiet(path, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)
        return lk.read_coordinate_txt(path, **kwargs)


# ------------------------------------------------------------- the real file


def test_real_file_both_encodings_same_parcel():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the declared area agrees: no warning at all
        utf8 = lk.read_coordinate_txt(REAL_UTF8)
        gbk = lk.read_coordinate_txt(REAL_GBK)
    assert utf8.attrs["coordinate_txt"]["encoding"] == "utf-8"
    assert gbk.attrs["coordinate_txt"]["encoding"] == "gb18030"
    assert len(utf8) == len(gbk) == 1
    assert utf8.crs.to_epsg() == gbk.crs.to_epsg() == 4528
    assert utf8.geometry.iloc[0].equals_exact(gbk.geometry.iloc[0], 0)
    pd.testing.assert_frame_equal(utf8.drop(columns="geometry"), gbk.drop(columns="geometry"))
    assert utf8["name"].iloc[0] == "彭埠单元B/R-14地块"
    assert utf8["parcel_id"].iloc[0] == "1"
    assert utf8.attrs["coordinate_txt"]["header"]["数据产生单位"] == "浙江华东建设工程有限公司"


def test_real_file_area_agrees_with_declared_and_independent_shoelace():
    parcel = lk.read_coordinate_txt(REAL_UTF8)
    xy = _points_of(REAL_UTF8.read_text(encoding="utf-8"))
    assert len(xy) == 66  # 界址点数 in the header, the closing J01 included
    independent = _shoelace(xy[:-1])
    assert parcel["area_m2"].iloc[0] == pytest.approx(independent, abs=1e-6)
    assert abs(parcel["area_ha"].iloc[0] - 5.7089) <= 0.0001
    assert parcel["declared_area_ha"].iloc[0] == 5.7089
    assert not parcel["area_mismatch"].iloc[0]
    assert parcel["area_mu"].iloc[0] == pytest.approx(independent * 15 / 10000)


def test_real_file_lies_in_hangzhou_pengbu():
    parcel = lk.read_coordinate_txt(REAL_UTF8)
    # independent: the first point through pyproj, axis order (northing, easting) of EPSG:4528
    x, y = _points_of(REAL_UTF8.read_text(encoding="utf-8"))[0]
    lat, lon = pyproj.Transformer.from_crs(4528, 4490).transform(x, y)
    assert 120.1 < lon < 120.3 and 30.2 < lat < 30.4  # 彭埠, Shangcheng district, Hangzhou
    first = shapely.get_coordinates(parcel.to_crs(4490).geometry).tolist()[0]
    assert first == pytest.approx([lon, lat], abs=1e-9)


@pytest.mark.parametrize(
    ("encoding", "newline", "final"),
    [
        ("utf-8-sig", "\r\n", True),
        ("utf-8", "\n", False),
        ("gbk", "\n", False),
        ("gbk", "\r\n", True),
        ("gb18030", "\r", True),
    ],
)
def test_encodings_and_line_ends(tmp_path, encoding, newline, final):
    text = REAL_UTF8.read_text(encoding="utf-8").rstrip("\n") + ("\n" if final else "")
    path = _write(tmp_path, text, encoding=encoding, newline=newline)
    parcel = lk.read_coordinate_txt(path)
    expected = lk.read_coordinate_txt(REAL_UTF8)
    assert parcel.geometry.iloc[0].equals_exact(expected.geometry.iloc[0], 0)
    assert parcel["name"].iloc[0] == "彭埠单元B/R-14地块"


# ------------------------------------------------- axis order and zone prefix


def _swap_columns(text: str) -> str:
    return re.sub(r"^(J\w*,\d+),([\d.]+),([\d.]+)$", r"\1,\3,\2", text, flags=re.MULTILINE)


def test_swapped_xy_is_caught_and_can_be_read(tmp_path):
    text = REAL_UTF8.read_text(encoding="utf-8")
    path = _write(tmp_path, _swap_columns(text))
    with pytest.raises(InputError, match="swapped"):
        lk.read_coordinate_txt(path)
    fixed = lk.read_coordinate_txt(path, swap_xy=True)
    expected = lk.read_coordinate_txt(REAL_UTF8)
    assert fixed.geometry.iloc[0].equals_exact(expected.geometry.iloc[0], 0)


def test_swapped_xy_without_prefix_is_caught(tmp_path):
    text = re.sub(r",40(\d{6}\.\d{3})$", r",\1", REAL_UTF8.read_text(encoding="utf-8"), flags=re.M)
    with pytest.raises(InputError, match="swapped"):
        lk.read_coordinate_txt(_write(tmp_path, _swap_columns(text)))


def test_missing_zone_prefix_is_caught_and_placed_by_band(tmp_path):
    text = re.sub(r",40(\d{6}\.\d{3})$", r",\1", REAL_UTF8.read_text(encoding="utf-8"), flags=re.M)
    assert ",40520986.477" not in text
    path = _write(tmp_path, text)
    with pytest.warns(InputNotesWarning, match="无带号前缀"):
        parcel = lk.read_coordinate_txt(path)
    assert parcel.crs.to_epsg() == 4549  # CGCS2000 3-degree CM 120E, no prefix
    expected = lk.read_coordinate_txt(REAL_UTF8)
    moved = parcel.to_crs(4528).geometry.iloc[0]
    assert moved.equals_exact(expected.geometry.iloc[0], 1e-6)
    assert parcel["area_m2"].iloc[0] == pytest.approx(expected["area_m2"].iloc[0], rel=1e-12)


def test_missing_prefix_and_missing_band_is_an_error(tmp_path):
    text = re.sub(r",40(\d{6}\.\d{3})$", r",\1", REAL_UTF8.read_text(encoding="utf-8"), flags=re.M)
    text = text.replace("带号=40\n", "")
    with pytest.raises(CRSError, match="带号"):
        lk.read_coordinate_txt(_write(tmp_path, text))


def test_prefix_disagreeing_with_band_is_an_error(tmp_path):
    text = REAL_UTF8.read_text(encoding="utf-8").replace("带号=40", "带号=39")
    with pytest.raises(CRSError, match=r"prefix.*40.*带号=39"):
        lk.read_coordinate_txt(_write(tmp_path, text))


def test_prefix_outside_the_declared_zone_width_is_an_error(tmp_path):
    text = REAL_UTF8.read_text(encoding="utf-8").replace("几度分带=3", "几度分带=6")
    text = text.replace("带号=40\n", "")
    with pytest.raises(CRSError, match="6-degree"):
        lk.read_coordinate_txt(_write(tmp_path, text))


def test_xian80_header_gives_xian80_zone(tmp_path):
    text = EXAMPLE.replace("2000国家大地坐标系", "1980西安坐标系")
    parcels = _read_quiet(_write(tmp_path, text))
    assert parcels.crs.to_epsg() == 2358
    assert "Xian 1980" in parcels.crs.name


def test_not_an_exchange_file(tmp_path):
    with pytest.raises(InputError, match="地块坐标"):
        lk.read_coordinate_txt(_write(tmp_path, "a,b,c\n1,2,3\n"))


# files in the wild: BOM, [项目信息], 分带=3度带, unit text in the area, an extra field before
# '@', point numbers without J, unclosed rings, a second part as 圈号 2, an island in a hole
TOLERANT = """\ufeff[项目信息]
项目名称=测试项目
[属性描述]
格式版本号=
坐标系=2000国家大地坐标系
分带=3度带
投影类型=高斯克吕格
计量单位=米
带号=34
精度=0.001
转换参数=,,,,,,

[地块坐标]
8,0.4400公顷,DK-01,地块1,面,,工业用地,1001,描述文字,@
1,1,2770700.000,34571600.000
2,1,2770700.000,34571700.000
3,1,2770660.000,34571700.000
4,1,2770660.000,34571600.000
5,2, 2770700.000 , 34571800.000
6,2,2770700.000,34571820.000
7,2,2770680.000,34571820.000
8,2,2770680.000,34571800.000
12,0.6800,DK-02,地块2,面,,,,@
J1,1,2770600,34571600
J2,1,2770600,34571700
J3,1,2770500,34571700
J4,1,2770500,34571600
J5,2,2770580,34571620
J6,2,2770520,34571620
J7,2,2770520,34571680
J8,2,2770580,34571680
J9,3,2770560,34571640
J10,3,2770560,34571660
J11,3,2770540,34571660
J12,3,2770540,34571640
"""


def test_tolerant_reading_of_variant_files(tmp_path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        parcels = lk.read_coordinate_txt(_write(tmp_path, TOLERANT, encoding="utf-8"))
    # areas and point counts agree; what was interpreted is reported, one note each
    notes = parcels.attrs["coordinate_txt"]["notes"]
    assert [str(w.message).split("：", 1)[1] for w in caught] == notes
    assert {w.category for w in caught} == {InputNotesWarning}
    assert notes[0] == "分带=3度带 按 几度分带=3 处理"
    assert notes[1:] == [
        f"地块 {pid} 第 {ring} 圈未闭合（末点不回到首点 {first}），已按首点闭合"
        for pid, ring, first in [
            ("DK-01", 1, "1"), ("DK-01", 2, "5"), ("DK-02", 1, "J1"), ("DK-02", 2, "J5"),
            ("DK-02", 3, "J9"),
        ]
    ]
    assert parcels.crs.to_epsg() == 4522
    assert parcels["area_m2"].tolist() == pytest.approx([4000 + 400, 10000 - 3600 + 400])
    assert parcels["declared_area_ha"].tolist() == [0.44, 0.68]
    assert parcels["extra_fields"].iloc[0] == "描述文字"
    two_parts, island = parcels.geometry
    assert two_parts.geom_type == "MultiPolygon" and len(two_parts.geoms) == 2
    assert island.geom_type == "MultiPolygon" and len(island.geoms) == 2
    assert island.contains(Point(34_571_650, 2_770_550))  # on the island
    assert not island.contains(Point(34_571_630, 2_770_550))  # in the hole around it
    assert parcels.attrs["coordinate_txt"]["project"] == {"项目名称": "测试项目"}
    back = lk.read_coordinate_txt(lk.write_coordinate_txt(parcels, tmp_path / "o.txt"))
    for a, b in zip(parcels.geometry, back.geometry, strict=True):
        assert a.symmetric_difference(b).area == 0
    assert back["extra_fields"].iloc[0] == "描述文字"
    assert back.attrs["coordinate_txt"]["project"] == {"项目名称": "测试项目"}


def test_more_variants_no_ring_numbers_restarted_numbers_and_meridian_band(tmp_path):
    text = EXAMPLE.replace("带号=34", "带号=102").replace("0.1500", "0.1900")
    # 带号 written as the central meridian; 点号,X,Y without 圈号 on the outer rings
    text = re.sub(r"^(J\d+),1,", r"\1,", text, flags=re.M)
    with pytest.warns(DataWarning, match="central meridian"):
        parcels = lk.read_coordinate_txt(_write(tmp_path, text))
    assert parcels.crs.to_epsg() == 4522
    assert parcels["area_m2"].tolist() == pytest.approx([4000, 1900])
    # two unclosed rings under one 圈号, the second starting again at J1: two parts
    restarted = """[属性描述]
坐标系=2000国家大地坐标系
几度分带=3
带号=34
[地块坐标]
8,0.0800,R,两块,面,,,,@
J1,1,2770040,34500000
J2,1,2770040,34500020
J3,1,2770020,34500020
J4,1,2770020,34500000
J1,1,2770040,34500100
J2,1,2770040,34500120
J3,1,2770020,34500120
J4,1,2770020,34500100
"""
    with pytest.warns(InputNotesWarning, match="第 1 圈未闭合"):  # the second ring
        parcel = lk.read_coordinate_txt(_write(tmp_path, restarted, name="r.txt"))
    assert parcel.geometry.iloc[0].geom_type == "MultiPolygon"
    assert parcel["area_m2"].iloc[0] == pytest.approx(800)


def test_point_count_and_bad_lines_are_reported(tmp_path):
    text = EXAMPLE.replace("5,0.4000,DK-01", "9,0.4000,DK-01").replace("0.1500", "0.1900")
    with pytest.warns(DataWarning, match="界址点数=9"):
        lk.read_coordinate_txt(_write(tmp_path, text))
    broken = EXAMPLE.replace("J3,1,2770660.000,34571700.000", "J3,1,2770660.000")
    with pytest.raises(InputError, match="line 16"):
        lk.read_coordinate_txt(_write(tmp_path, broken, name="b.txt"))


# ---------------------------------------------------- two parcels and holes


def test_two_parcel_file_with_hole(tmp_path):
    path = _write(tmp_path, EXAMPLE, encoding="gbk", newline="\r\n")
    with pytest.warns(InputNotesWarning, match=r"DK-02：申报 0\.1500 公顷，计算 0\.1900 公顷"):
        parcels = lk.read_coordinate_txt(path)
    assert parcels.crs.to_epsg() == 4522
    assert parcels["parcel_id"].tolist() == ["DK-01", "DK-02"]
    assert parcels["area_m2"].tolist() == pytest.approx([100 * 40, 50 * 40 - 10 * 10])
    assert parcels["area_mismatch"].tolist() == [False, True]
    assert parcels["intended_use"].tolist() == ["工业用地", "工业用地"]
    assert parcels["land_use"].iloc[0] == "0601" and pd.isna(parcels["land_use"].iloc[1])
    hole = parcels.geometry.iloc[1]
    assert hole.geom_type == "Polygon" and len(hole.interiors) == 1
    assert hole.contains(Point(34_571_605, 2_770_595))  # between the outer ring and the hole
    assert not hole.contains(Point(34_571_615, 2_770_585))  # in the hole


def test_hole_parcel_round_trips(tmp_path):
    parcels = _read_quiet(_write(tmp_path, EXAMPLE))
    out = lk.write_coordinate_txt(parcels, tmp_path / "out.txt")
    back = lk.read_coordinate_txt(out)  # the area is now written from the geometry: no warning
    assert back.crs.to_epsg() == 4522
    for a, b in zip(parcels.geometry, back.geometry, strict=True):
        assert shapely.normalize(a).equals_exact(shapely.normalize(b), 0)
    columns = ["parcel_id", "name", "sheet_no", "intended_use", "land_use", "area_m2"]
    pd.testing.assert_frame_equal(parcels[columns], back[columns])
    assert back["declared_area_ha"].tolist() == [0.4, 0.19]
    assert back.attrs["coordinate_txt"]["header"]["数据产生单位"] == "某某测绘有限公司"
    assert back.attrs["coordinate_txt"]["header"]["数据产生日期"] == "2025-01-15"


def test_real_file_round_trips_byte_stable(tmp_path):
    parcel = lk.read_coordinate_txt(REAL_GBK)
    first = lk.write_coordinate_txt(parcel, tmp_path / "a.txt")
    raw = first.read_bytes()
    assert raw.endswith(b"\r\n") and b"\r\n" in raw and b"\n\n" not in raw
    text = raw.decode("gbk")
    assert "坐标系=2000国家大地坐标系" in text and "带号=40" in text and "几度分带=3" in text
    assert "66,5.7090,1,彭埠单元B/R-14地块,面,,,,@" in text  # 65 points + closing J1
    back = lk.read_coordinate_txt(first)
    assert shapely.normalize(back.geometry.iloc[0]).equals_exact(
        shapely.normalize(parcel.geometry.iloc[0]), 0
    )
    assert back.attrs["coordinate_txt"]["header"] == parcel.attrs["coordinate_txt"]["header"]
    second = lk.write_coordinate_txt(back, tmp_path / "b.txt")
    assert second.read_bytes() == raw


def test_write_utf8_lf(tmp_path):
    parcel = lk.read_coordinate_txt(REAL_UTF8)
    out = lk.write_coordinate_txt(parcel, tmp_path / "u.txt", encoding="utf-8", newline="\n")
    raw = out.read_bytes()
    assert b"\r" not in raw and raw.endswith(b"\n")
    assert raw.decode("utf-8").startswith("[属性描述]\n格式版本号=1.01版本\n")


def test_multipolygon_is_written_as_parts_and_read_back(tmp_path):
    parts = MultiPolygon(
        [box(500_000, 2_770_000, 500_100, 2_770_050), box(500_200, 2_770_000, 500_230, 2_770_030)]
    )
    layer = gpd.GeoDataFrame({"parcel_id": ["M1"], "name": ["两块"]}, geometry=[parts], crs=4543)
    back = lk.read_coordinate_txt(lk.write_coordinate_txt(layer, tmp_path / "m.txt"))
    assert back.crs.to_epsg() == 4522  # written with the zone prefix
    assert back.geometry.iloc[0].geom_type == "MultiPolygon"
    assert back.to_crs(4543).geometry.iloc[0].symmetric_difference(parts).area < 1e-6
    assert back["area_m2"].iloc[0] == pytest.approx(100 * 50 + 30 * 30)


def test_writer_numbers_points_from_north_west_clockwise(tmp_path):
    # a rectangle given anticlockwise from its south-east corner
    ring = [(500_100, 2_770_000), (500_100, 2_770_040), (500_000, 2_770_040), (500_000, 2_770_000)]
    layer = gpd.GeoDataFrame({"parcel_id": ["R"]}, geometry=[Polygon(ring)], crs=4543)
    text = lk.write_coordinate_txt(layer, tmp_path / "r.txt").read_bytes().decode("gbk")
    lines = text.split("\r\n")
    start = lines.index("[地块坐标]")
    assert lines[start + 1 : start + 7] == [
        "5,0.4000,R,,面,,,,@",
        "J1,1,2770040.000,34500000.000",
        "J2,1,2770040.000,34500100.000",
        "J3,1,2770000.000,34500100.000",
        "J4,1,2770000.000,34500000.000",
        "J1,1,2770040.000,34500000.000",
    ]
    assert layer.geometry.iloc[0].equals(Polygon(ring))  # input untouched


def test_writer_refuses_bad_rows(tmp_path):
    bowtie = Polygon(
        [(500_000, 2_770_000), (500_010, 2_770_010), (500_010, 2_770_000), (500_000, 2_770_010)]
    )
    layer = gpd.GeoDataFrame(
        {"parcel_id": ["ok", "bow", "none"]},
        geometry=[box(500_000, 2_770_000, 500_010, 2_770_010), bowtie, None],
        crs=4543,
    )
    with pytest.raises(GeometryError, match=r"bow|1, 2"):
        lk.write_coordinate_txt(layer, tmp_path / "x.txt")
    assert not (tmp_path / "x.txt").exists()
    comma = gpd.GeoDataFrame(
        {"parcel_id": ["a"], "name": ["甲,乙"]},
        geometry=[box(500_000, 2_770_000, 500_010, 2_770_010)],
        crs=4543,
    )
    with pytest.raises(InputError, match="comma"):
        lk.write_coordinate_txt(comma, tmp_path / "x.txt")
    assert list(tmp_path.iterdir()) == []


def test_writer_from_degrees_uses_the_centroid_zone(tmp_path):
    square = box(500_000, 2_770_000, 500_100, 2_770_100)
    layer = gpd.GeoDataFrame({"parcel_id": ["D"]}, geometry=[square], crs=4543).to_crs(4490)
    back = lk.read_coordinate_txt(lk.write_coordinate_txt(layer, tmp_path / "d.txt"))
    assert back.crs.to_epsg() == 4522
    assert back["area_m2"].iloc[0] == pytest.approx(10_000, abs=0.01)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.tuples(st.floats(0, 500), st.floats(0, 500)), min_size=3, max_size=12, unique=True),
    st.floats(-50_000, 50_000),
    st.floats(-50_000, 50_000),
)
def test_round_trip_and_point_order_property(tmp_path_factory, points, dx, dy):
    hull = shapely.convex_hull(shapely.MultiPoint(points))
    if hull.geom_type != "Polygon" or hull.area < 10:
        return
    geom = shapely.affinity.translate(hull, 500_000 + dx, 3_000_000 + dy)
    layer = gpd.GeoDataFrame({"parcel_id": ["H"]}, geometry=[geom], crs=4543)
    table = lk.boundary_points(layer)
    outer = table[table["ring"] == 1]
    xy = outer[["y_m", "x_m"]].to_numpy() - [34_000_000, 0]  # Y carries the zone number 34
    assert (xy[0] == xy[-1]).all()
    assert shapely.LinearRing(xy).is_ccw is False  # clockwise
    west, north = np.round(geom.bounds[0], 3), np.round(geom.bounds[3], 3)
    distances = np.hypot(xy[:-1, 0] - west, xy[:-1, 1] - north)
    assert distances[0] == distances.min()
    # coordinates rounded to the millimetre move the area by at most perimeter × 0.5 mm
    assert table.attrs["area_m2"] == pytest.approx(geom.area, abs=geom.length * 0.0005)
    path = tmp_path_factory.mktemp("rt") / "h.txt"
    back = lk.read_coordinate_txt(lk.write_coordinate_txt(layer, path)).to_crs(4543)
    assert back.geometry.iloc[0].hausdorff_distance(geom) < 0.001
    # the file lists the vertices as the table does
    assert np.asarray(back.geometry.iloc[0].exterior.coords) == pytest.approx(xy, abs=1e-6)
    listed = back.to_crs(4522).geometry.iloc[0].exterior.coords  # as the file writes Y
    assert np.asarray(listed) == pytest.approx(outer[["y_m", "x_m"]].to_numpy(), abs=1e-6)


# ------------------------------------------------------------------ 界址点成果表


@pytest.mark.parametrize("index", [[0], [7], ["p-1"]])
def test_boundary_points_hand_worked_rectangle_with_hole(index):
    # the outer ring anticlockwise from the south-east corner, the hole clockwise
    outer = box(500_000, 2_770_000, 500_100, 2_770_040).exterior.coords
    hole = box(500_010, 2_770_010, 500_020, 2_770_020).exterior.coords[::-1]
    assert Polygon(outer).exterior.is_ccw and not Polygon(hole).exterior.is_ccw
    feature = gpd.GeoDataFrame(
        {"parcel_id": ["P1"], "name": ["甲"]},
        geometry=[Polygon(outer, [hole])],
        crs=4543,
        index=index,
    )
    before = feature.copy()
    table = lk.boundary_points(feature)
    assert ",".join(table["point_id"]) == "J1,J2,J3,J4,J1,J5,J6,J7,J8,J5"
    assert table["ring"].tolist() == [1] * 5 + [2] * 5
    # J1 at the north-west corner, clockwise: NW → NE → SE → SW; Y with the zone number 34
    assert table[["x_m", "y_m"]].iloc[:5].to_numpy().tolist() == [
        [2_770_040, 34_500_000],
        [2_770_040, 34_500_100],
        [2_770_000, 34_500_100],
        [2_770_000, 34_500_000],
        [2_770_040, 34_500_000],
    ]
    # the hole anticlockwise from its own north-west corner: NW → SW → SE → NE
    assert table[["x_m", "y_m"]].iloc[5:9].to_numpy().tolist() == [
        [2_770_020, 34_500_010],
        [2_770_010, 34_500_010],
        [2_770_010, 34_500_020],
        [2_770_020, 34_500_020],
    ]
    assert table["edge_length_m"].tolist()[:4] == [100, 40, 100, 40]
    assert np.isnan(table["edge_length_m"].iloc[4]) and np.isnan(table["edge_length_m"].iloc[9])
    assert table.attrs["area_m2"] == 4000 - 100
    assert table.attrs["area_ha"] == pytest.approx(0.39)
    assert table.attrs["area_mu"] == pytest.approx(3900 * 15 / 10000)
    assert table.attrs["crs"] == "EPSG:4522"  # CGCS2000 zone 34 with the zone number
    assert table.attrs["crs_note"] == (
        "2000国家大地坐标系，高斯-克吕格投影，3度带，中央子午线102°E，带号34（Y坐标含带号）"
    )
    assert table.attrs["feature_id"] == "P1" and table.attrs["name"] == "甲"
    pd.testing.assert_frame_equal(feature, before)


def test_boundary_points_real_parcel_against_measure_area():
    parcel = lk.read_coordinate_txt(REAL_UTF8)
    table = lk.boundary_points(parcel)
    assert len(table) == 66  # 65 points and the closing J1
    assert table["y_m"].min() > 40_000_000  # the zone prefix is kept
    # edge lengths from the listed coordinates, independently
    xy = table[["x_m", "y_m"]].to_numpy()
    edges = np.hypot(*np.diff(xy, axis=0).T)
    assert table["edge_length_m"].iloc[:-1].to_numpy() == pytest.approx(edges, abs=5e-4)
    assert table.attrs["area_m2"] == pytest.approx(lk.crs.measure_area(parcel).iloc[0], abs=1e-3)
    assert table.attrs["area_m2"] == pytest.approx(_shoelace(xy[:-1]), abs=1e-6)
    assert (table["x_m"] == table["x_m"].round(3)).all()


def test_boundary_points_in_degrees_uses_a_zone():
    square = box(571_600, 2_770_600, 571_700, 2_770_700)
    feature = gpd.GeoDataFrame(geometry=[square], crs=4543).to_crs(4490)
    table = lk.boundary_points(feature)
    assert table.attrs["crs"] == "EPSG:4522"
    assert table.attrs["area_m2"] == pytest.approx(10_000, abs=0.01)
    assert table["point_id"].iloc[0] == "J1"
    expected = [2_770_700, 34_571_600]
    assert table[["x_m", "y_m"]].iloc[0].tolist() == pytest.approx(expected, abs=1e-3)


def test_boundary_points_multipolygon_numbering_runs_on():
    parts = MultiPolygon(
        [box(500_200, 2_770_000, 500_210, 2_770_010), box(500_000, 2_770_000, 500_010, 2_770_010)]
    )
    table = lk.boundary_points(gpd.GeoDataFrame(geometry=[parts], crs=4543))
    assert table["ring"].tolist() == [1] * 5 + [2] * 5
    assert table["point_id"].tolist()[5:] == ["J5", "J6", "J7", "J8", "J5"]
    assert table["y_m"].iloc[0] == 34_500_000  # the western part first
    assert table.attrs["area_m2"] == 200


def test_boundary_points_list_y_as_the_coordinate_txt_does(tmp_path):
    parks = lk.read_layer(lk.sample_data_path(), "parks")
    park = parks.iloc[[0]]
    table = lk.boundary_points(park)
    assert (table["y_m"] // 1_000_000 == 34).all()  # the zone number before Y
    txt = lk.write_coordinate_txt(park, tmp_path / "park.txt")
    listed = [
        [float(v) for v in line.split(",")[2:4]]
        for line in txt.read_bytes().decode("gbk").splitlines()
        if line.startswith("J")
    ]
    assert table[["x_m", "y_m"]].to_numpy().tolist() == listed
    assert "带号=34" in txt.read_bytes().decode("gbk")
    assert table.attrs["crs_note"].startswith("2000国家大地坐标系，高斯-克吕格投影，3度带")


def test_boundary_points_rejects_bad_input():
    two = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1), box(2, 2, 3, 3)], crs=4543)
    with pytest.raises(InputError, match="one feature"):
        lk.boundary_points(two)
    with pytest.raises(GeometryError, match="Point"):
        lk.boundary_points(gpd.GeoDataFrame(geometry=[Point(500_000, 2_770_000)], crs=4543))
    with pytest.raises(GeometryError, match="no geometry"):
        lk.boundary_points(gpd.GeoDataFrame(geometry=[None], crs=4543))
    with pytest.raises(CRSError):
        lk.boundary_points(gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)]))


def test_boundary_points_keep_the_surveyed_numbers_of_a_txt(tmp_path):
    parcel = lk.read_coordinate_txt(REAL_UTF8)
    text = REAL_UTF8.read_text(encoding="utf-8")
    listed = re.findall(r"^(J\d+),1,([\d.]+),([\d.]+)$", text, flags=re.M)
    assert listed[0][0] == "J01" and listed[-1][0] == "J01"  # the file closes on J01
    table = lk.boundary_points(parcel)
    assert table["point_id"].tolist() == [pid for pid, _, _ in listed]
    assert table[["x_m", "y_m"]].to_numpy().tolist() == [[float(x), float(y)] for _, x, y in listed]
    assert table.attrs["landkit_provenance"]["point_order"] == "as surveyed"
    # written back: J01… in the file's order; reprojecting keeps them
    out = lk.write_coordinate_txt(parcel.to_crs(4490), tmp_path / "back.txt", encoding="utf-8")
    written = re.findall(r"^(J\d+),1,", out.read_text(encoding="utf-8"), flags=re.M)
    assert written == [pid for pid, _, _ in listed]
    # a changed geometry is numbered anew, with a note
    moved = parcel.assign(geometry=parcel.geometry.simplify(5))
    with pytest.warns(InputNotesWarning, match="重新编号"):
        assert lk.boundary_points(moved)["point_id"].iloc[0] == "J1"


def test_boundary_points_workbook(tmp_path):
    # a boundary without surveyed numbers: J1 north-west, clockwise
    parcel = lk.read_coordinate_txt(REAL_UTF8).drop(columns="boundary_point_ids")
    out = lk.write_boundary_points(lk.boundary_points(parcel), tmp_path / "jzd.xlsx")
    book = openpyxl.load_workbook(out)
    sheet = book["界址点成果表"]
    assert sheet["A1"].value == "界址点成果表"
    assert sheet["B2"].value == "1" and sheet["D2"].value == "彭埠单元B/R-14地块"
    assert sheet["A3"].value == "坐标系" and sheet["C3"].value == "EPSG:4528"
    for words in ("2000国家大地坐标系", "高斯-克吕格投影", "3度带", "中央子午线120°E", "带号40"):
        assert words in sheet["B3"].value
    assert sheet["B4"].value == pytest.approx(57089.5, abs=0.01)
    assert sheet["D4"].value == pytest.approx(5.70895, abs=1e-5)
    header = [c.value for c in sheet[5]]
    assert header == ["序号", "点号", "圈号", "X（m）", "Y（m）", "边长（m）"]
    assert sheet.freeze_panes == "A6"
    # J1: the listed point nearest the north-west corner (min Y, max X), found independently
    xy = _points_of(REAL_UTF8.read_text(encoding="utf-8"))
    nw = xy[np.argmin(np.hypot(xy[:, 0] - xy[:, 0].max(), xy[:, 1] - xy[:, 1].min()))]
    assert nw.tolist() == [3353315.388, 40520760.267]  # J36 of the file
    assert [sheet.cell(6, c).value for c in range(1, 6)] == [1, "J1", 1, *nw.tolist()]
    # points and edges alternate: the edge J1–J2 on the row between them
    assert sheet.cell(7, 2).value is None and sheet.cell(7, 6).value == pytest.approx(
        np.hypot(*(xy[np.flatnonzero((xy == nw).all(axis=1))[0] + 1] - nw)), abs=5e-4
    )
    assert sheet.cell(8, 1).value == 2 and sheet.cell(8, 6).value is None
    last = 5 + 66 + 65  # 66 point rows and 65 edges
    assert sheet.max_row == last
    assert sheet.cell(last, 1).value == 66 and sheet.cell(last, 2).value == "J1"
    assert sheet.cell(last, 6).value is None
    assert sheet.print_title_rows == "$5:$5"
    assert sheet.page_setup.paperSize == 9  # A4
    assert "来源" in book.sheetnames


# ------------------------------------------------------------------------ 四至


def _neighbourhood(x0=500_000, y0=2_770_000):
    """A 100 m square parcel with known neighbours on each side (EPSG:4543)."""
    parcel = box(x0, y0, x0 + 100, y0 + 100)
    rows = [
        ("东环路", LineString([(x0 + 100.2, y0 - 50), (x0 + 100.2, y0 + 150)])),  # touches east
        ("宝象河", LineString([(x0 - 200, y0 - 30), (x0 + 300, y0 - 30)])),  # 30 m south
        ("远处河", LineString([(x0 - 200, y0 - 300), (x0 + 300, y0 - 300)])),  # farther south
        ("西侧地块", box(x0 - 50, y0, x0, y0 + 100)),  # shares the west edge
        ("北京路", LineString([(x0 - 20, y0 + 100), (x0 + 120, y0 + 100)])),  # on the north edge
        ("北侧小地块", box(x0, y0 + 100, x0 + 30, y0 + 130)),  # touches north over 30 m only
        ("内部地块", box(x0, y0, x0 + 50, y0 + 50)),  # inside the parcel: not a neighbour
        ("本地块", parcel),  # the parcel itself
        (None, box(x0 + 100, y0, x0 + 200, y0 + 100)),  # no name: ignored
    ]
    neighbours = gpd.GeoDataFrame(
        {"name": [r[0] for r in rows]}, geometry=[r[1] for r in rows], crs=4543
    )
    feature = gpd.GeoDataFrame({"parcel_id": ["Z1"]}, geometry=[parcel], crs=4543)
    return feature, neighbours


@pytest.mark.parametrize(("x0", "y0"), [(500_000, 2_770_000), (431_234.5, 3_012_345.25)])
@pytest.mark.parametrize("shuffle", [False, True])
def test_four_boundaries_hand_made_neighbourhood(x0, y0, shuffle):
    feature, neighbours = _neighbourhood(x0, y0)
    if shuffle:
        neighbours = neighbours.sample(frac=1, random_state=3)
    sides = lk.four_boundaries(feature, neighbours, name_col="name")
    assert sides == {
        "east": "东环路",
        "south": "宝象河",
        "west": "西侧地块",
        "north": "北京路",
        "sentence": "东至东环路，南至宝象河，西至西侧地块，北至北京路",
    }


def test_four_boundaries_narrow_parcel_sides_follow_edge_direction():
    # 1000 m × 20 m east-west strip: its long north edge faces north along its whole length
    x0, y0 = 500_000, 2_770_000
    strip = gpd.GeoDataFrame(geometry=[box(x0, y0, x0 + 1000, y0 + 20)], crs=4543)
    roads = gpd.GeoDataFrame(
        {"name": ["长江路", "黄河路", "东一路"]},
        geometry=[
            LineString([(x0 - 10, y0 + 20), (x0 + 1010, y0 + 20)]),
            LineString([(x0 - 10, y0 - 10), (x0 + 1010, y0 - 10)]),
            LineString([(x0 + 1000, y0 - 5), (x0 + 1000, y0 + 25)]),
        ],
        crs=4543,
    )
    sides = lk.four_boundaries(strip, roads, name_col="name")
    assert [sides[s] for s in lk.boundary.SIDES] == ["东一路", "黄河路", None, "长江路"]


def test_four_boundaries_layers_in_other_crs_and_lists():
    feature, neighbours = _neighbourhood()
    roads = neighbours[neighbours.geometry.geom_type == "LineString"].to_crs(4490)
    plots = neighbours[neighbours.geometry.geom_type != "LineString"]
    sides = lk.four_boundaries(feature.to_crs(4522), [roads, plots], name_col="name")
    assert [sides[s] for s in lk.boundary.SIDES] == ["东环路", "宝象河", "西侧地块", "北京路"]


def test_four_boundaries_nearest_limits_and_editing():
    feature, neighbours = _neighbourhood()
    far = neighbours[neighbours["name"].isin(["宝象河", "远处河"])]
    sides = lk.four_boundaries(feature, far, name_col="name", max_distance=20)
    assert sides["south"] is None  # 宝象河 is 30 m away
    sides = lk.four_boundaries(feature, far, name_col="name", max_distance=30)
    assert sides["south"] == "宝象河"
    sides = lk.four_boundaries(feature.geometry.iloc[0], far, name_col="name")
    # the rivers pass south-east and south-west of the square but not in front of its other sides
    assert sides == {
        "east": None,
        "south": "宝象河",
        "west": None,
        "north": None,
        "sentence": "东至（待定），南至宝象河，西至（待定），北至（待定）",
    }
    sides["north"] = "规划路"
    assert four_boundaries_sentence(sides) == "东至（待定），南至宝象河，西至（待定），北至规划路"
    with pytest.raises(InputError, match="name_col"):
        lk.four_boundaries(feature, neighbours, name_col="名称")


# --------------------------------------------------------- publication sheet


def _parks():
    parks = gpd.GeoDataFrame(
        {
            "园区编号": ["K1", "K2", "K3"],
            "园区名称": ["甲园区", "乙园区", "丙园区"],
            "级别": ["国家级", "省级", "省级"],
            "所在县区": ["官渡区", "安宁市", "安宁市"],
            "核准面积": [1.0, 0.5, None],
            "主导产业": ["装备制造", "生物医药", None],
        },
        geometry=[
            box(571_600, 2_770_600, 571_700, 2_770_700),
            box(571_700, 2_770_600, 571_750, 2_770_700),
            None,
        ],
        crs=4543,
        index=["a", "b", "c"],
    )
    roads = gpd.GeoDataFrame(
        {"name": ["北京路", "环湖路"]},
        geometry=[
            LineString([(571_500, 2_770_700), (571_800, 2_770_700)]),
            LineString([(571_500, 2_770_590), (571_800, 2_770_590)]),
        ],
        crs=4543,
    )
    return parks, roads


def test_publication_sheet():
    parks, roads = _parks()
    before = parks.copy()
    sheet = lk.park_publication_sheet(
        parks, neighbours=[roads, parks.rename(columns={"园区名称": "name"})]
    )
    assert sheet.index.tolist() == ["a", "b", "c"]
    assert sheet["park_id"].tolist() == ["K1", "K2", "K3"]
    assert sheet["area_ha"].tolist()[:2] == pytest.approx([1.0, 0.5])
    assert sheet["area_mu"].tolist()[:2] == pytest.approx([15.0, 7.5])
    assert sheet["area_difference_ha"].tolist()[:2] == pytest.approx([0.0, 0.0], abs=1e-9)
    assert np.isnan(sheet["area_ha"].iloc[2]) and sheet["four_boundaries"].iloc[2] is None
    first = sheet.loc["a"]
    assert (first["four_boundaries_east"], first["four_boundaries_north"]) == ("乙园区", "北京路")
    assert first["four_boundaries_south"] == "环湖路"
    assert first["four_boundaries"].startswith("东至乙园区，南至环湖路，")
    assert sheet.loc["b", "four_boundaries_west"] == "甲园区"
    assert sheet.loc["b", "leading_industry"] == "生物医药"
    pd.testing.assert_frame_equal(parks, before)


def test_publication_sheet_files(tmp_path):
    parks, roads = _parks()
    sheet = lk.park_publication_sheet(parks, neighbours=roads)
    xlsx = lk.write_publication_sheet(sheet, tmp_path / "parks.xlsx")
    book = openpyxl.load_workbook(xlsx)
    ws = book.worksheets[0]
    assert ws["A1"].value.startswith("开发区公布信息表")
    header = [c.value for c in ws[3]]
    assert header[:6] == ["园区编号", "园区名称", "级别", "所在县区", "主导产业", "核准面积（公顷）"]
    assert "四至" in header and "东至" in header and "面积（亩）" in header
    assert ws.freeze_panes == "C4"
    area = ws.cell(4, header.index("面积（公顷）") + 1)
    assert area.data_type == "n" and area.value == pytest.approx(1.0)
    assert area.number_format == "#,##0.0000"
    assert book.sheetnames == ["园区公布信息", "来源"]
    csv = lk.write_publication_sheet(sheet, tmp_path / "parks.csv")
    back = pd.read_csv(csv, encoding="utf-8-sig")
    assert back["园区编号"].tolist() == ["K1", "K2", "K3"]


# ----------------------------------------------------------------------- CLI


def test_cli_boundary(tmp_path, capsys):
    parks, roads = _parks()
    source = tmp_path / "in.gpkg"
    lk.write_layers(
        {
            "parks": parks.rename(columns={"园区编号": "park_id", "园区名称": "name"}),
            "roads": roads,
        },
        source,
    )
    out = tmp_path / "out"
    code = main(
        [
            "boundary",
            str(source),
            "--layer",
            "parks",
            "--id",
            "K1",
            "--out",
            str(out),
            "--neighbours",
            "roads",
        ]
    )
    assert code == 0
    printed = capsys.readouterr().out
    assert "10,000.00 m²" in printed and "15.00 亩" in printed and "北至北京路" in printed
    names = sorted(p.name for p in out.iterdir())
    assert names == ["K1.txt", "K1_界址点图.png", "K1_界址点成果表.xlsx"]
    assert (out / "K1_界址点图.png").read_bytes()[:4] == b"\x89PNG"
    back = lk.read_coordinate_txt(out / "K1.txt")
    assert back["area_m2"].iloc[0] == pytest.approx(10_000)


def test_cli_boundary_bad_id_writes_nothing(tmp_path, capsys):
    parks, _ = _parks()
    source = tmp_path / "in.gpkg"
    lk.write_layers({"parks": parks.rename(columns={"园区编号": "park_id"})}, source)
    out = tmp_path / "out"
    assert main(["boundary", str(source), "--id", "NOPE", "--out", str(out)]) == 2
    assert "NOPE" in capsys.readouterr().err
    assert not out.exists()


def test_cli_boundary_from_a_coordinate_txt(tmp_path, capsys):
    source = _write(tmp_path, EXAMPLE.replace("0.1500", "0.1900"), encoding="gbk", newline="\r\n")
    out = tmp_path / "out"
    assert main(["boundary", str(source), "--id", "DK-02", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "1,900.00 m²" in printed and "界址点 8 个，2 圈" in printed
    assert lk.read_coordinate_txt(out / "DK-02.txt")["area_m2"].iloc[0] == pytest.approx(1900)
    assert (out / "DK-02_界址点成果表.xlsx").exists() and (out / "DK-02_界址点图.png").exists()
