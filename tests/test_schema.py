import datetime as dt
import warnings

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from landkit import schema
from landkit.errors import GeometryRepairedWarning, SchemaError


def parcels(**columns):
    n = len(next(iter(columns.values())))
    geoms = [
        shapely.box(500_000 + 200 * i, 2_770_000, 500_100 + 200 * i, 2_770_100) for i in range(n)
    ]
    return gpd.GeoDataFrame(columns, geometry=geoms, crs=4543)


@pytest.mark.parametrize(
    "text",
    [
        "2021-03-05",
        "2021/3/5",
        "2021.03.05",
        "20210305",
        "2021年3月5日",
        "2021年03月05日",
        "2021-03-05T00:00:00",
        "2021-03-05 08:30",
        " 2021-3-5 ",
    ],
)
def test_official_date_forms(text):
    dates, precision, bad = schema.parse_dates(pd.Series([text]))
    assert dates.iloc[0] == pd.Timestamp("2021-03-05")
    assert precision.iloc[0] == "day" and not bad.iloc[0]


def test_excel_numbers_dates_and_text_that_only_looks_numeric():
    values = pd.Series(
        [
            44260,
            44260.75,
            20210305,
            dt.date(2021, 3, 5),
            pd.Timestamp("2021-03-05 13:00"),
            "44260",
            None,
            "",
        ],
        dtype=object,
    )
    dates, _, bad = schema.parse_dates(values)
    assert dates.iloc[:5].tolist() == [pd.Timestamp("2021-03-05")] * 5
    assert bad.tolist() == [False] * 3 + [False, False, True, False, False]
    assert dates.iloc[5:].isna().all()


def test_year_month_gets_month_precision():
    dates, precision, bad = schema.parse_dates(pd.Series(["2016.02", "2016年2月", 2016.02]))
    assert dates.tolist() == [pd.Timestamp("2016-02-01")] * 3
    assert precision.tolist() == ["month"] * 3 and not bad.any()


@pytest.mark.parametrize(
    "text", ["2021-02-30", "2021-13-01", "next year", "3/5/2021", "2021-3-5-1"]
)
def test_impossible_or_foreign_dates_are_bad(text):
    _, _, bad = schema.parse_dates(pd.Series([text]))
    assert bad.iloc[0]


def test_chinese_aliases_become_canonical_columns():
    layer = parcels(
        **{
            "宗地编号": ["P1", "P2"],
            "园区编号": ["K1", "K1"],
            "约定动工日期": ["2021/3/5", "2022年1月1日"],
            "总建筑面积（m²）": ["1,200.5", "800"],
            "动工状态": ["已动工", "未动工"],
            "地类编码": [701, "100101"],
            "extra": ["a", "b"],
        }
    )
    out = schema.prepare_layer(layer, "parcels")
    assert list(out.columns) == [
        "parcel_id",
        "park_id",
        "agreed_start_date",
        "floor_area_m2",
        "start_status",
        "land_use",
        "extra",
        "geometry",
    ]
    assert out["floor_area_m2"].tolist() == [1200.5, 800.0]
    assert out["start_status"].tolist() == ["started", "not_started"]
    assert out["land_use"].tolist() == ["0701", "100101"]
    assert out["agreed_start_date"].tolist() == [
        pd.Timestamp("2021-03-05"),
        pd.Timestamp("2022-01-01"),
    ]
    assert "宗地编号" in layer.columns  # the input is not modified


def test_two_columns_with_the_same_meaning_are_an_error():
    layer = parcels(宗地编号=["P1"], 地块编号=["P2"], park_id=["K1"])
    with pytest.raises(SchemaError, match="parcel_id"):
        schema.prepare_layer(layer, "parcels")


def test_one_error_names_every_problem_with_ids_and_fixes():
    layer = parcels(
        parcel_id=["P1", "P2", "P2", "P4"],
        agreed_start_date=["2021-03-05", "soon", "2021-02-30", None],
        land_price_wan_yuan=[100, -5, 30, 40],
    )
    layer.loc[3, "geometry"] = None
    with pytest.raises(SchemaError) as info:
        schema.validate_layer(layer, "parcels", layer="parcels.gpkg")
    text = str(info.value)
    assert text.startswith("parcels.gpkg (parcels): 5 problems")
    assert "missing column 'park_id'" in text
    assert (
        "'agreed_start_date' (约定动工日期): 2 values are not dates (ids P2, P2 (2 in all)" in text
    )
    assert "duplicate ids P2" in text
    assert "'land_price_wan_yuan' (土地价款（万元）): 1 negative values (ids P2" in text
    assert "missing or empty geometry (ids P4" in text
    assert text.count("Fix:") == 5
    assert len(info.value.problems) == 5


def test_wrong_geometry_type_and_missing_crs():
    layer = gpd.GeoDataFrame(
        {"parcel_id": ["A", "B"], "park_id": ["K", "K"]},
        geometry=[shapely.Point(0, 0), shapely.box(0, 0, 1, 1)],
    )
    with pytest.raises(SchemaError) as info:
        schema.validate_layer(layer, "parcels")
    assert "rows are Point, expected Polygon or MultiPolygon (ids A" in str(info.value)
    assert "no coordinate reference system" in str(info.value)


def test_invalid_geometry_is_repaired_and_counted_unless_strict():
    bowtie = shapely.Polygon([(0, 0), (10, 10), (10, 0), (0, 10)])
    layer = gpd.GeoDataFrame({"parcel_id": ["X"], "park_id": ["K"]}, geometry=[bowtie], crs=4543)
    with pytest.warns(GeometryRepairedWarning, match="repaired 1 invalid"):
        out = schema.validate_layer(layer, "parcels")
    assert out.geometry.iloc[0].is_valid and out.geometry.iloc[0].area == 50.0
    assert not layer.geometry.iloc[0].is_valid
    with pytest.raises(SchemaError, match="invalid geometries"):
        schema.validate_layer(layer, "parcels", strict=True)


def test_valid_layer_passes_and_tables_validate():
    layer = parcels(parcel_id=["P1", "P2"], park_id=["K", "K"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = schema.validate_layer(layer, "parcels")
    assert out.index.equals(layer.index)
    history = pd.DataFrame(
        {"园区编号": ["K", "K", "K"], "年度": [2023, 2024, 2024], "得分": [70, "x", 65]}
    )
    with pytest.raises(SchemaError) as info:
        schema.validate_layer(history, "park_history")
    assert "'score' (得分（分）): 1 values are not numbers" in str(info.value)
    assert "K/2024" in str(info.value)


def test_labels_come_from_the_label_table():
    assert schema.label("floor_area_m2") == "总建筑面积（m²）"
    assert schema.label("area_ha") == "面积（公顷）"
    assert schema.id_column("parcels") == "parcel_id"
    with pytest.raises(SchemaError, match="unknown layer kind"):
        schema.prepare_layer(pd.DataFrame(), "plots")
