import contextlib
import os
import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely

import landkit as lk
from landkit.errors import CRSError, InputError, OutputWarning

DISTRICTS = {
    "五华区",
    "盘龙区",
    "官渡区",
    "西山区",
    "东川区",
    "呈贡区",
    "晋宁区",
    "富民县",
    "宜良县",
    "石林彝族自治县",
    "嵩明县",
    "禄劝彝族苗族自治县",
    "寻甸回族彝族自治县",
    "安宁市",
}


def test_amap_shapefile_without_prj_needs_a_crs(amap_shp):
    with pytest.raises(CRSError) as info:
        lk.read_layer(amap_shp)
    assert "kunming_districts_amap2020.shp" in str(info.value)
    assert "gcj02" in str(info.value)


def test_amap_shapefile_reads_fourteen_districts_with_chinese_names(amap_shp):
    gdf = lk.read_layer(amap_shp, crs="gcj02")
    assert len(gdf) == 14 and set(gdf["name"]) == DISTRICTS
    assert gdf.crs.to_epsg() == 4490
    source = gdf.attrs["landkit_source"]
    assert source["encoding"] == "utf-8" and source["conversion"] == "GCJ-02 → CGCS2000"


def test_gbk_copy_without_cpg_reads_the_same_names(amap_shp, tmp_path):
    original = lk.read_layer(amap_shp, crs="EPSG:4326")
    pyogrio.write_dataframe(
        original[["name", "adcode", "geometry"]], tmp_path / "gbk.shp", encoding="GBK"
    )
    (tmp_path / "gbk.cpg").unlink()
    raw = (tmp_path / "gbk.dbf").read_bytes()
    assert "五华区".encode("gbk") in raw and "五华区".encode() not in raw
    gbk = lk.read_layer(tmp_path / "gbk.shp")
    assert gbk["name"].tolist() == original["name"].tolist()
    assert gbk.attrs["landkit_source"]["encoding"] == "gb18030"
    assert (
        lk.read_layer(tmp_path / "gbk.shp", encoding="gbk")["name"].tolist()
        == original["name"].tolist()
    )


def test_undecodable_text_asks_for_an_encoding(amap_shp, tmp_path):
    original = lk.read_layer(amap_shp, crs="EPSG:4326")[["name", "geometry"]].head(1)
    original["name"] = "ok"
    pyogrio.write_dataframe(original, tmp_path / "odd.shp")
    (tmp_path / "odd.cpg").unlink()
    dbf = bytearray((tmp_path / "odd.dbf").read_bytes())
    start = dbf.index(b"ok")
    dbf[start : start + 2] = b"\x81\xff"  # invalid in UTF-8 and in GB18030
    (tmp_path / "odd.dbf").write_bytes(bytes(dbf))
    with pytest.raises(InputError, match="encoding="):
        lk.read_layer(tmp_path / "odd.shp")


def test_datav_geojson_reads(datav_json):
    gdf = lk.read_layer(datav_json, crs="gcj02")
    assert len(gdf) == 14 and set(gdf["name"]) == DISTRICTS
    assert (gdf.geometry.geom_type == "MultiPolygon").all()


def test_two_independent_extracts_agree_on_district_areas(amap_shp, datav_json):
    amap = lk.read_layer(amap_shp, crs="gcj02").set_index("name")
    datav = lk.read_layer(datav_json, crs="gcj02").set_index("name")
    a = lk.crs.measure_area(amap)
    b = lk.crs.measure_area(datav).reindex(a.index)
    assert ((a - b).abs() / a).max() < 0.01
    # every district centroid lies in the 3-degree zone of CM 102E
    assert [z.to_epsg() for z, _ in lk.crs.area_zones(amap)] == [4543]
    # Gauss-Krueger plane areas against ellipsoidal areas: within 0.1 % per district
    ellipsoid = lk.crs.measure_area(amap, area_method="ellipsoid")
    assert ((a - ellipsoid).abs() / ellipsoid).max() < 0.001
    # the municipality covers about 21 000 km2
    assert 20_500 < a.sum() / 1e6 < 21_500


def test_prefixed_eastings_get_a_hint(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"a": [1]}, geometry=[shapely.box(34_500_000, 2_770_000, 34_500_100, 2_770_100)]
    )
    gdf.to_file(tmp_path / "x.geojson")
    with pytest.raises(CRSError, match="EPSG:4522"):
        lk.read_layer(tmp_path / "x.geojson")


def test_round_trip_gpkg_parquet_shapefile_keeps_text_dates_and_crs(tmp_path):
    gdf = gpd.GeoDataFrame(
        {
            "parcel_id": ["宗地-1", "宗地-2"],
            "park_id": ["K1", "K1"],
            "agreed_start_date": pd.to_datetime(["2021-03-05", None]),
            "floor_area_m2": [1.5, None],
        },
        geometry=[shapely.box(0, 0, 10, 10), shapely.box(20, 0, 30, 10)],
        crs=4543,
    )
    for name in ("a.gpkg", "a.parquet", "a.geojson"):
        path = lk.write_layer(gdf, tmp_path / name)
        back = lk.read_layer(path, kind="parcels")
        assert back["parcel_id"].tolist() == ["宗地-1", "宗地-2"]
        assert back.crs.to_epsg() == 4543
        assert back["agreed_start_date"].iloc[0] == pd.Timestamp("2021-03-05")
        assert back.geometry.area.tolist() == [100.0, 100.0]
    with pytest.warns(OutputWarning, match="agreed_start_date → agreed_sta"):
        lk.write_layer(gdf, tmp_path / "a.shp")
    back = lk.read_layer(tmp_path / "a.shp", kind="parcels")
    assert back["parcel_id"].tolist() == ["宗地-1", "宗地-2"] and back.crs.to_epsg() == 4543
    assert (tmp_path / "a.cpg").read_text().strip().upper().replace("-", "") == "UTF8"
    assert not [p for p in os.listdir(tmp_path) if ".tmp" in p or p.startswith(".")]


def test_adding_a_layer_keeps_the_others_and_records_provenance(tmp_path):
    a = gpd.GeoDataFrame({"v": [1]}, geometry=[shapely.box(0, 0, 1, 1)], crs=4543)
    a.attrs["landkit_provenance"] = {"tolerance_m2": "1.0"}
    target = tmp_path / "out.gpkg"
    lk.write_layers({"a": a, "summary": pd.DataFrame({"n": [1, 2]})}, target)
    before = target.stat().st_ino
    lk.write_layer(a, target, "b")
    names = sorted(str(n) for n, _ in pyogrio.list_layers(target))
    assert names == ["a", "b", "landkit_provenance", "summary"]
    assert target.stat().st_ino != before  # replaced by rename, never edited in place
    prov = lk.read_table(target, "landkit_provenance")
    assert set(prov["layer"]) == {"a", "b"}
    assert lk.read_table(target, "summary")["n"].tolist() == [1, 2]


def test_failed_write_leaves_the_old_file(tmp_path):
    target = tmp_path / "out.gpkg"
    good = gpd.GeoDataFrame({"v": [1]}, geometry=[shapely.box(0, 0, 1, 1)], crs=4543)
    lk.write_layer(good, target, "a")
    content = target.read_bytes()
    with pytest.raises(InputError):
        lk.write_layers({"a": good, "landkit_provenance": good}, target)
    assert target.read_bytes() == content
    assert sorted(os.listdir(tmp_path)) == ["out.gpkg"]


def test_read_table_csv_in_gbk_and_xlsx(tmp_path):
    table = pd.DataFrame(
        {
            "宗地编号": ["P1", "P2"],
            "园区编号": ["K", "K"],
            "约定动工日期": ["2021.03.05", "20220101"],
            "备注": ["甲", "乙"],
            "面积指标": ["1.5", "2"],
        }
    )
    table.to_csv(tmp_path / "gbk.csv", index=False, encoding="gbk")
    out = lk.read_table(tmp_path / "gbk.csv", kind="parcels")
    assert out["agreed_start_date"].tolist() == [
        pd.Timestamp("2021-03-05"),
        pd.Timestamp("2022-01-01"),
    ]
    assert out["备注"].tolist() == ["甲", "乙"] and out["面积指标"].tolist() == [1.5, 2.0]
    assert out.attrs["landkit_source"]["encoding"] == "gb18030"
    lk.write_table({"登记": out}, tmp_path / "t.xlsx")
    back = lk.read_table(tmp_path / "t.xlsx", kind="parcels")
    assert back["parcel_id"].tolist() == ["P1", "P2"]
    assert back["agreed_start_date"].iloc[0] == pd.Timestamp("2021-03-05")


def test_unknown_files_and_layers_are_clear_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        lk.read_layer(tmp_path / "none.gpkg")
    (tmp_path / "x.txt").write_text("x")
    with pytest.raises(InputError, match="cannot read"):
        lk.read_layer(tmp_path / "x.txt")
    gdf = gpd.GeoDataFrame({"v": [1]}, geometry=[shapely.box(0, 0, 1, 1)], crs=4543)
    lk.write_layers({"a": gdf, "b": gdf}, tmp_path / "two.gpkg")
    with pytest.raises(InputError, match="several layers"):
        lk.read_layer(tmp_path / "two.gpkg")


# ------------------------------------------------------------------- line layers

LINE_LAYERS = ("ecological_redline", "basic_farmland", "urban_boundary")


def _sample_lines() -> dict[str, gpd.GeoDataFrame]:
    return {key: lk.read_layer(lk.sample_data_path(), key) for key in LINE_LAYERS}


def test_read_lines_from_a_geopackage_matches_layer_names(tmp_path):
    lines = _sample_lines()
    parks = lk.read_layer(lk.sample_data_path(), "parks")
    path = lk.write_layers({**lines, "parks": parks}, tmp_path / "l.gpkg")
    read = lk.io.read_lines(path)
    assert list(read) == list(LINE_LAYERS)
    for key in LINE_LAYERS:
        assert len(read[key]) == len(lines[key])
        assert read[key].attrs["landkit_source"]["layer"] == key
    only_one = lk.write_layers({"urban_boundary": lines["urban_boundary"]}, tmp_path / "u.gpkg")
    assert list(lk.io.read_lines(str(only_one))) == ["urban_boundary"]
    none = lk.write_layers({"parks": lines["urban_boundary"]}, tmp_path / "p.gpkg")
    with pytest.raises(InputError, match=r"holds none of the line layers.*parks"):
        lk.io.read_lines(none)


def test_read_lines_from_a_folder_of_files(tmp_path):
    lines = _sample_lines()
    folder = tmp_path / "lines"
    lk.write_layer(lines["ecological_redline"], folder / "ecological_redline.shp")
    lk.write_layer(lines["basic_farmland"], folder / "basic_farmland.geojson")
    lk.write_layer(lines["urban_boundary"], folder / "urban_boundary.gpkg")
    (folder / "notes.csv").write_text("a\n1\n")
    read = lk.io.read_lines(folder)
    assert list(read) == list(LINE_LAYERS)
    for key in LINE_LAYERS:
        assert read[key].crs.to_epsg() == lines[key].crs.to_epsg()
        assert read[key].geometry.area.sum() == pytest.approx(lines[key].geometry.area.sum())
    lk.write_layer(lines["urban_boundary"], folder / "urban_boundary.parquet")
    with pytest.raises(InputError, match=r"several files for one line.*urban_boundary"):
        lk.io.read_lines(folder)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputError, match="holds none of the line layers"):
        lk.io.read_lines(empty)


def test_read_lines_checks_a_mapping_and_the_path():
    lines = _sample_lines()
    assert list(lk.io.read_lines({"urban_boundary": lines["urban_boundary"]})) == ["urban_boundary"]
    with pytest.raises(InputError, match="unknown line layer"):
        lk.io.read_lines({"redline": lines["ecological_redline"]})
    with pytest.raises(InputError, match="expected a GeoDataFrame"):
        lk.io.read_lines({"basic_farmland": "farmland.shp"})
    with pytest.raises(InputError, match="must be a mapping"):
        lk.io.read_lines(["ecological_redline"])
    with pytest.raises(InputError, match="no such file or folder"):
        lk.io.read_lines("no/such/lines.gpkg")


def test_database_urls_go_to_postgis_and_tables_to_files_only(tmp_path):
    url = "postgresql://planner:s3cret@localhost:1/land"
    with pytest.raises(InputError, match="tables go to files only") as caught:
        lk.read_table(url)
    assert "s3cret" not in str(caught.value)
    parks = lk.read_layer(lk.sample_data_path(), "parks")
    with pytest.raises(InputError, match="several layers go to files only"):
        lk.write_layers({"parks": parks}, url)
    with pytest.raises(InputError, match="sql= applies to postgresql"):
        lk.read_layer(lk.sample_data_path(), sql="SELECT 1")


# ------------------------------------------------------------------ files that are not what they say


def _parks():
    return lk.read_layer(lk.sample_data_path(), "parks")


def _not_a_geopackage(folder, kind):
    path = folder / f"{kind}.gpkg"
    if kind == "folder":
        path.mkdir()
    elif kind == "html":
        path.write_text("<!DOCTYPE html><html><body>登录</body></html>", encoding="utf-8")
    else:
        path.write_text("park_id,name\nK1,园区\n", encoding="utf-8")
    return path


NOT_A_GEOPACKAGE = [
    (reader, kind, said)
    for reader in (lk.read_layer, lk.read_table, lk.io.list_layers, lk.io.read_lines)
    for kind, said in (("text", "a text file"), ("html", "an HTML page"), ("folder", "is a folder"))
    if not (reader is lk.io.read_lines and kind == "folder")  # a folder of line files is valid
]


@pytest.mark.parametrize(("reader", "kind", "said"), NOT_A_GEOPACKAGE)
def test_a_file_that_is_not_a_geopackage_is_named_with_the_fix(tmp_path, kind, said, reader):
    path = _not_a_geopackage(tmp_path, kind)
    with pytest.raises(InputError, match=said) as info:
        reader(path)
    assert str(path) in str(info.value) and "Fix:" in str(info.value)


@pytest.mark.parametrize("kind", ["text", "html", "folder"])
@pytest.mark.parametrize("writer", ["write_layer", "write_layers"])
def test_writing_onto_something_that_is_not_a_geopackage_is_refused_and_leaves_it(tmp_path, kind, writer):
    path = _not_a_geopackage(tmp_path, kind)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    content = path.read_bytes() if path.is_file() else None
    with pytest.raises(InputError, match="Fix:"):
        if writer == "write_layer":
            lk.write_layer(_parks(), path)
        else:
            lk.write_layers({"parks": _parks()}, path)
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    assert (path.read_bytes() if path.is_file() else None) == content


@pytest.mark.parametrize(
    "where",
    ["under a file", "folder is a file"],
)
def test_an_output_under_a_regular_file_is_an_input_error(tmp_path, where):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    target = blocker / "out.gpkg" if where == "under a file" else blocker / "deeper" / "out.csv"
    with pytest.raises(InputError, match="is a file"):
        lk.io.check_target(target)
    with pytest.raises(InputError, match="is a file"):
        lk.write_table(pd.DataFrame({"a": [1]}), target.with_suffix(".csv"))


def test_an_unwritable_folder_is_an_input_error(tmp_path, monkeypatch):
    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access

    def access(path, mode):  # as the system answers for a read-only mount, even to root
        return False if Path(path) == locked else real_access(path, mode)

    monkeypatch.setattr("landkit.io.files.os.access", access)
    with pytest.raises(InputError, match="cannot be written"):
        lk.write_layer(_parks(), locked / "parks.gpkg")
    assert list(locked.iterdir()) == []


def test_plain_parquet_without_geo_metadata_is_named(tmp_path):
    path = tmp_path / "plain.parquet"
    pd.DataFrame({"park_id": ["K1"], "wkt": ["POINT (0 0)"]}).to_parquet(path)
    with pytest.raises(InputError, match="without geo metadata") as info:
        lk.read_layer(path)
    assert "GeoParquet" in str(info.value)
    fake = tmp_path / "fake.parquet"
    fake.write_text("<html></html>")
    with pytest.raises(InputError, match=r"an HTML page .*, not a Parquet file"):
        lk.read_layer(fake)


@pytest.mark.parametrize("part", [".dbf", ".shx", ".DBF"])
def test_a_shapefile_missing_its_dbf_or_shx_is_never_read_without_attributes(tmp_path, part):
    path = tmp_path / "parks.shp"
    with pytest.warns(UserWarning):
        lk.write_layer(_parks(), path)
    if part == ".DBF":  # the other parts in upper case are found
        path.with_suffix(".dbf").rename(path.with_suffix(".DBF"))
        assert len(lk.read_layer(path).columns) > 1
        return
    path.with_suffix(part).unlink()
    with pytest.raises(InputError, match=rf"\{part} file is missing") as info:
        lk.read_layer(path)
    assert "Fix:" in str(info.value)


def test_a_workbook_that_is_not_one_is_named(tmp_path):
    path = tmp_path / "register.xlsx"
    path.write_text("parcel_id\nP1\n")
    with pytest.raises(InputError, match="a text file, not an Excel workbook"):
        lk.read_table(path)
    real = tmp_path / "real.xlsx"
    lk.write_table(pd.DataFrame({"a": [1]}), real)
    with pytest.raises(InputError, match="sheet"):
        lk.read_table(real, "no such sheet")


# ------------------------------------------------------------------ coordinates that do not fit the CRS


def _save(gdf, folder, name="layer.gpkg"):
    path = folder / name
    lk.write_layer(gdf, path)
    return path


@pytest.mark.parametrize("given", [None, "EPSG:4543"])
def test_eastings_with_a_zone_prefix_under_a_crs_without_one_are_refused(tmp_path, given):
    parks = _parks()
    prefixed = parks.set_geometry(parks.geometry.translate(34_000_000))
    path = _save(prefixed if given else prefixed.set_crs(4543, allow_override=True), tmp_path)
    with pytest.raises(CRSError, match=r"carry a zone prefix.*Fix: declare the layer's true CRS, crs='EPSG:4522'"):
        lk.read_layer(path, crs=given)


@pytest.mark.parametrize("given", [None, "EPSG:4522"])
def test_eastings_without_a_zone_prefix_under_a_crs_with_one_are_refused(tmp_path, given):
    parks = _parks()
    path = _save(parks if given else parks.set_crs(4522, allow_override=True), tmp_path)
    with pytest.raises(CRSError, match=r"have none.*Fix: declare the layer's true CRS, crs='EPSG:4543'"):
        lk.read_layer(path, crs=given)


@pytest.mark.parametrize("given", [None, "EPSG:4490", "EPSG:4326", "gcj02"])
def test_metre_coordinates_declared_as_degrees_are_refused(tmp_path, given):
    parks = _parks()
    stored = {None: parks.set_crs(4490, allow_override=True), "gcj02": parks.set_crs(None, allow_override=True)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a layer saved without a CRS
        path = _save(stored.get(given, parks), tmp_path)
    with pytest.raises(CRSError, match="not degrees"):
        lk.read_layer(path, crs=given)


def test_coordinates_that_fit_their_crs_pass(tmp_path):
    parks = _parks()
    assert lk.read_layer(_save(parks, tmp_path), crs="EPSG:4543").crs.to_epsg() == 4543
    prefixed = parks.to_crs(4522)
    assert lk.read_layer(_save(prefixed, tmp_path, "p.gpkg")).crs.to_epsg() == 4522
    assert lk.read_layer(_save(parks.to_crs(4490), tmp_path, "d.gpkg")).crs.to_epsg() == 4490


# ------------------------------------------------------------------ coordinate TXT in two encodings


def _mixed_txt(folder, *, header_gbk: bool):
    path = folder / "parks.txt"
    lk.write_coordinate_txt(_parks().head(1), path, encoding="utf-8", id_col="park_id")
    lines = path.read_bytes().split(b"\n")
    chinese = [i for i, line in enumerate(lines) if not line.isascii()]
    # the header (属性描述) is the first Chinese line, the parcel's name line the last
    recode = chinese[0] if header_gbk else chinese[-1]
    lines[recode] = lines[recode].decode("utf-8").encode("gbk")
    path.write_bytes(b"\n".join(lines))
    return path, recode + 1


@pytest.mark.parametrize("header_gbk", [False, True])
def test_a_coordinate_txt_in_two_encodings_names_the_line(tmp_path, header_gbk):
    path, line = _mixed_txt(tmp_path, header_gbk=header_gbk)
    for reader in (lk.read_coordinate_txt, lk.read_layer):
        with pytest.raises(InputError, match="mixes encodings") as info:
            reader(path)
        assert f"line {line}" in str(info.value)


def test_a_coordinate_txt_with_a_bom_and_gbk_text_names_the_line(tmp_path):
    path = tmp_path / "parks.txt"
    lk.write_coordinate_txt(_parks().head(1), path, encoding="gbk", id_col="park_id")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    with pytest.raises(InputError, match=r"byte-order mark is UTF-8 but line \d+ is not"):
        lk.read_coordinate_txt(path)
    with pytest.raises(InputError, match=r"line \d+ cannot be decoded as utf-8"):
        lk.read_coordinate_txt(path, encoding="utf-8")


@pytest.mark.parametrize("crs", ["", "abc", "EPSG:999999"])
def test_a_crs_pyproj_does_not_know_is_a_landkit_crs_error(crs):
    with pytest.raises(CRSError, match="is not a coordinate reference system"):
        lk.read_layer(lk.sample_data_path(), "parks", crs=crs)


def test_a_geopackage_without_tables_says_so(tmp_path):
    with pytest.raises(InputError, match="holds no tables"):
        lk.read_table(_save(_parks(), tmp_path))


@pytest.mark.filterwarnings("ignore:GPKG. bad application_id:RuntimeWarning")  # GDAL's note on it
@pytest.mark.parametrize("damage", ["plain SQLite", "truncated"])
def test_a_damaged_geopackage_is_named_when_read_or_written_to(tmp_path, damage):
    import sqlite3

    path = tmp_path / "damaged.gpkg"
    if damage == "plain SQLite":
        with contextlib.closing(sqlite3.connect(path)) as con:
            con.execute("create table t (a)")
            con.commit()
    else:
        path.write_bytes(lk.sample_data_path().read_bytes()[:50_000])
    before = path.read_bytes()
    for action in (lk.read_layer, lk.read_table, lk.io.list_layers, lambda p: lk.write_layer(_parks(), p)):
        with pytest.raises(InputError, match="is not a readable GeoPackage"):
            action(path)
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["damaged.gpkg"]


def test_write_table_keeps_text_that_looks_like_a_formula_as_text(tmp_path):
    import openpyxl

    hostile = ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", '=HYPERLINK("http://example.com","x")']
    frame = pd.DataFrame({"name": hostile, "=header": range(len(hostile)), "v": [0.5] * len(hostile)})
    path = lk.write_table(frame, tmp_path / "t.xlsx")
    cells = [c for row in openpyxl.load_workbook(path).worksheets[0].iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert [c.value for c in cells if c.column == 1][1:] == hostile
    assert [c.value for c in cells if c.column == 3][1:] == [0.5] * len(hostile)  # numbers stay numbers
    assert lk.read_table(path)["name"].tolist() == hostile
