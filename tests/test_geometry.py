import geopandas as gpd
import numpy as np
import pytest
import shapely

from landkit.errors import GeometryError, GeometryRepairedWarning
from landkit.geometry import is_absent, is_polygonal, repair, require_polygonal

SQUARE = shapely.box(0, 0, 10, 10)
LINE = shapely.LineString([(0, 0), (5, 5)])
POINT = shapely.Point(1, 1)


def test_absent_means_missing_or_empty():
    geoms = [None, shapely.Polygon(), shapely.GeometryCollection(), SQUARE, LINE]
    assert is_absent(geoms).tolist() == [True, True, True, False, False]
    assert is_absent(gpd.GeoSeries(geoms)).tolist() == [True, True, True, False, False]


def test_polygonal_means_polygon_or_multipolygon():
    geoms = [SQUARE, shapely.MultiPolygon([SQUARE]), LINE, POINT, None, shapely.GeometryCollection([SQUARE])]
    assert is_polygonal(geoms).tolist() == [True, True, False, False, False, False]


def test_repair_keeps_the_polygonal_part_of_a_valid_collection_and_counts_it():
    mixed = shapely.GeometryCollection([SQUARE, LINE, POINT])
    lines_only = shapely.GeometryCollection([LINE])
    series = gpd.GeoSeries([mixed, SQUARE, lines_only, None], index=[7, 3, 5, 1], crs=4543)
    with pytest.warns(GeometryRepairedWarning, match="polygonal part of 1 geometry collection$"):
        geoms, repaired = repair(series, layer="parcels")
    assert repaired.tolist() == [True, False, False, False]
    assert geoms.index.tolist() == [7, 3, 5, 1]
    assert geoms.iloc[0].equals(SQUARE) and geoms.iloc[2].equals(lines_only)
    assert series.iloc[0].equals(mixed)  # the input is untouched


def test_repair_of_a_clean_layer_warns_nothing():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        geoms, repaired = repair(gpd.GeoSeries([SQUARE, None], crs=4543))
    assert not repaired.any() and geoms.iloc[0].equals(SQUARE)


@pytest.mark.parametrize("geom", [LINE, POINT, shapely.GeometryCollection([LINE])])
def test_require_polygonal_names_the_layer_the_ids_and_the_fix(geom):
    with pytest.raises(GeometryError) as info:
        require_polygonal([SQUARE, geom], np.array(["P1", "P2"]), layer="parcels")
    text = str(info.value)
    assert text.startswith("parcels: 1 geometries are") and "P2" in text and "Fix:" in text
    assert geom.geom_type in text


def test_require_polygonal_lets_missing_and_empty_geometries_pass():
    require_polygonal([SQUARE, None, shapely.LineString()], layer="parcels")
