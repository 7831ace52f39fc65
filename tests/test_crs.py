import math

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from landkit import crs
from landkit.errors import CRSError, InputError

KUNMING = (102.71, 25.04)


def square(x0, y0, side):
    return shapely.box(x0, y0, x0 + side, y0 + side)


def test_mu_and_hectare_are_exact():
    assert crs.m2_to_mu(5000.0) == 7.5
    assert crs.m2_to_mu(10000 / 15) == pytest.approx(1.0, abs=0)
    assert crs.m2_to_ha(5000.0) == 0.5
    assert crs.m2_to_mu(crs.SQM_PER_HA) == 15.0


def test_zone_epsg_codes_follow_the_formulas():
    assert crs.gk_zone_crs(102.71).to_epsg() == 4543  # 4534 + (102 - 75) / 3
    assert crs.gk_zone_crs(102.71, prefix=True).to_epsg() == 4522  # 4488 + 34
    assert crs.gk_zone_crs(103.6).to_epsg() == 4544
    assert crs.gk_zone_crs(102.71, width=6).to_epsg() == 4507  # CM 105E
    assert crs.gk_zone_crs(102.71, width=6, prefix=True).to_epsg() == 4496
    for lon in np.arange(73.6, 136.4, 0.7):
        zone = crs.gk_zone_crs(float(lon))
        cm = zone.coordinate_operation.params[1].value
        assert abs(cm - lon) <= 1.5
    with pytest.raises(CRSError):
        crs.gk_zone_crs(10.0)


def test_band_and_width_give_the_epsg_code():
    cases = {
        ("CGCS2000", 3, 34, True): (4522, 102, 34_500_000),
        ("CGCS2000", 3, 34, False): (4543, 102, 500_000),
        ("CGCS2000", 6, 18, True): (4496, 105, 18_500_000),
        ("CGCS2000", 6, 18, False): (4507, 105, 500_000),
        ("Xian 1980", 3, 34, True): (2358, 102, 34_500_000),
        ("Beijing 1954", 6, 18, False): (21458, 105, 500_000),
    }
    for (datum, width, zone, prefix), (code, meridian, false_easting) in cases.items():
        assert crs.gk_zone_epsg(datum, width, zone, prefix=prefix) == code
        params = {p.name: p.value for p in pyproj.CRS.from_epsg(code).coordinate_operation.params}
        assert params["Longitude of natural origin"] == meridian
        assert params["False easting"] == false_easting
    with pytest.raises(CRSError):
        crs.gk_zone_epsg("CGCS2000", 3, 18, prefix=True)


def _zone_parameters(code: int) -> tuple[str, float, float]:
    """Datum name, central meridian and false easting of an EPSG code, from the EPSG database."""
    zone_crs = pyproj.CRS.from_epsg(code)
    params = {p.name: p.value for p in zone_crs.coordinate_operation.params}
    return zone_crs.datum.name, params["Longitude of natural origin"], params["False easting"]


@pytest.mark.parametrize("datum", crs.GK_DATUMS)
@pytest.mark.parametrize("width", [3, 6])
@pytest.mark.parametrize("prefix", [True, False])
def test_every_zone_of_every_datum_matches_the_epsg_database(datum, width, prefix):
    datum_name = {"CGCS2000": "China 2000", "Xian 1980": "Xian 1980", "Beijing 1954": "Beijing 1954"}
    for zone in crs.GK_ZONES[width]:
        code = crs.gk_zone_epsg(datum, width, zone, prefix=prefix)
        name, meridian, false_easting = _zone_parameters(code)
        assert datum_name[datum] in name
        assert meridian == (3 * zone if width == 3 else 6 * zone - 3)
        assert false_easting == (zone * 1_000_000 if prefix else 0) + 500_000
        assert crs.gk_zone(code) == crs.GKZone(datum, width, zone, prefix)
        assert crs.gk_zone(code).epsg == code
        assert crs.gk_zone(code).meridian == meridian


def test_xian80_and_beijing54_zones_for_kunming():
    assert crs.gk_zone_epsg("Xian 1980", 3, 34, prefix=False) == 2379  # Xian 1980 CM 102E
    assert crs.gk_zone_epsg("Beijing 1954", 3, 34, prefix=True) == 2410
    assert crs.gk_zone_epsg("Beijing 1954", 6, 18, prefix=True) == 21418
    assert crs.gk_zone_crs(102.71, datum="Xian 1980").to_epsg() == 2379
    assert crs.gk_zone_crs(102.71, width=6, prefix=True, datum="Beijing 1954").to_epsg() == 21418
    assert crs.zone_crs_from_eastings([34_571_652.5], datum="Xian 1980").to_epsg() == 2358
    assert crs.zone_crs_from_eastings([18_400_000.0], datum="Beijing 1954").to_epsg() == 21418
    assert crs.gk_zone(2358).with_prefix(False).epsg == 2379
    assert crs.gk_zone(3857) is None and crs.gk_zone(4490) is None
    with pytest.raises(CRSError):
        crs.gk_zone_epsg("Xian 1980", 6, 34, prefix=True)  # 34 is a 3-degree zone
    with pytest.raises(CRSError):
        crs.gk_zone_epsg("WGS 84", 3, 34, prefix=True)
    with pytest.raises(CRSError):
        crs.GKZone("Beijing 1954", 3, 12, prefix=False)
    with pytest.raises(InputError):
        crs.zone_crs_from_eastings([34_571_652.5], datum="WGS 84")


def _layer(geoms, crs_=None):
    return gpd.GeoDataFrame({"parcel_id": [f"P{i}" for i in range(len(geoms))]}, geometry=geoms, crs=crs_)


def test_declare_crs_sets_overrides_or_keeps_the_crs():
    bare = _layer([shapely.Point(571_652.5, 2_770_673.0)])
    declared = crs.declare_crs(bare, "EPSG:4543", layer="parcels")
    assert declared.crs.to_epsg() == 4543 and bare.crs is None  # the input is untouched
    assert crs.declare_crs(declared, 4544).crs.to_epsg() == 4544
    assert crs.declare_crs(declared) is declared


def test_declare_crs_without_a_crs_names_the_layer_and_suggests_one():
    prefixed = _layer([shapely.Point(34_571_652.5, 2_770_673.0)])
    with pytest.raises(CRSError, match=r"parcels: .*EPSG:4522"):
        crs.declare_crs(prefixed, layer="parcels")
    lonlat = _layer([shapely.Point(*KUNMING)])
    with pytest.raises(CRSError, match="gcj02"):
        crs.declare_crs(lonlat, layer="parcels")


def test_declare_crs_refuses_degrees_that_are_metres():
    wrong = _layer([shapely.Point(571_652.5, 2_770_673.0)], 4490)
    with pytest.raises(CRSError, match="not degrees"):
        crs.declare_crs(wrong, layer="parcels")


def test_declare_crs_converts_amap_and_baidu_coordinates():
    wgs = _layer([shapely.Point(*KUNMING)], 4326)
    amap = _layer([shapely.Point(*crs.wgs84_to_gcj02(*KUNMING))], 4326)
    baidu = _layer([shapely.Point(*crs.wgs84_to_bd09(*KUNMING))])  # no CRS: declared lon/lat
    for layer, system, label in ((amap, "gcj02", "GCJ-02"), (baidu, "BD-09", "BD-09")):
        converted = crs.declare_crs(layer, system)
        assert converted.crs.to_epsg() == 4490
        assert converted.attrs["coordinate_conversion"] == f"{label} → CGCS2000"
        point = converted.geometry.iloc[0]
        assert (point.x, point.y) == pytest.approx(KUNMING, abs=1e-8)
    with pytest.raises(CRSError, match="declares lon/lat"):
        crs.declare_crs(wgs.to_crs(4543), "gcj02", layer="parcels")


def test_kunming_point_matches_the_published_coordinates():
    to_prefixed = pyproj.Transformer.from_crs(
        4490, crs.gk_zone_crs(102.71, prefix=True), always_xy=True
    )
    east, north = to_prefixed.transform(*KUNMING)
    assert (round(north, 3), round(east, 3)) == (2770673.006, 34571652.527)


def test_prefixed_eastings_are_recognised():
    assert crs.prefixed_zone(34_571_652.527) == 34
    assert crs.prefixed_zone(571_652.527) is None
    assert crs.prefixed_zone(24_500_000.0) is None  # between the 6- and 3-degree ranges
    assert crs.zone_crs_from_eastings([40_500_100.0, 40_501_000.0]).to_epsg() == 4528
    assert crs.zone_crs_from_eastings([18_400_000.0]).to_epsg() == 4496
    assert crs.zone_crs_from_eastings([34_500_000.0, 35_500_000.0]) is None


def test_is_gauss_kruger():
    assert crs.is_gauss_kruger(4543) and crs.is_gauss_kruger(4522)
    assert crs.is_gauss_kruger(2383)  # Xian 1980 3-degree CM 102E
    assert crs.is_gauss_kruger(32648)  # UTM 48N
    assert not crs.is_gauss_kruger(3857) and not crs.is_gauss_kruger(4490)


def test_hand_computed_square_area_in_mu():
    gdf = gpd.GeoDataFrame(geometry=[square(500_000, 2_770_000, 100)], crs=4543)
    area = crs.measure_area(gdf)
    assert area.iloc[0] == 10000.0
    assert crs.m2_to_mu(area.iloc[0]) == 15.0


def test_geographic_input_is_measured_in_its_gk_zone():
    projected = gpd.GeoDataFrame(geometry=[square(571_600, 2_770_600, 100)], crs=4543)
    lonlat = projected.to_crs(4490)
    assert crs.area_crs(lonlat).to_epsg() == 4543
    assert crs.measure_area(lonlat).iloc[0] == pytest.approx(10000.0, rel=1e-6)
    mercator = projected.to_crs(3857)
    assert mercator.area.iloc[0] > 11000  # what a Web Mercator measure would wrongly give
    assert crs.measure_area(mercator).iloc[0] == pytest.approx(10000.0, rel=1e-6)


def test_features_in_two_zones_are_measured_in_their_own_zones():
    west = gpd.GeoSeries([square(571_600, 2_770_600, 100)], crs=4543).to_crs(4490)
    east = gpd.GeoSeries([square(420_000, 2_770_000, 100)], crs=4544).to_crs(4490)
    both = gpd.GeoDataFrame(geometry=list(west) + list(east), crs=4490, index=["w", "e"])
    zones = crs.area_zones(both)
    assert [(z.to_epsg(), list(idx)) for z, idx in zones] == [(4543, ["w"]), (4544, ["e"])]
    assert crs.measure_area(both).tolist() == pytest.approx([10000.0, 10000.0], rel=1e-6)


def test_zero_area_and_invalid_features_still_get_a_zone():
    bowtie = shapely.Polygon([(102.7, 25.0), (102.71, 25.01), (102.71, 25.0), (102.7, 25.01)])
    line_like = shapely.Polygon([(102.7, 25.0), (102.71, 25.01), (102.7, 25.0)])
    gdf = gpd.GeoDataFrame(geometry=[bowtie, line_like], crs=4490)
    assert [z.to_epsg() for z, _ in crs.area_zones(gdf)] == [4543]
    assert crs.measure_area(gdf).iloc[1] == 0.0


def test_own_zone_is_kept_when_it_contains_the_layer():
    gdf = gpd.GeoDataFrame(geometry=[square(500_000, 2_770_000, 100)], crs=2383)
    assert crs.area_crs(gdf).to_epsg() == 2383
    outside = gpd.GeoDataFrame(geometry=[square(900_000, 2_770_000, 100)], crs=4543)
    assert crs.area_crs(outside).to_epsg() != 4543


def test_ellipsoidal_area_agrees_with_planar_near_the_central_meridian():
    gdf = gpd.GeoDataFrame(geometry=[square(500_000, 2_770_000, 1000)], crs=4543)
    planar = crs.measure_area(gdf).iloc[0]
    ellipsoid = crs.measure_area(gdf, area_method="ellipsoid").iloc[0]
    assert ellipsoid == pytest.approx(planar, rel=1e-4)


def test_polygon_with_hole_and_missing_geometry():
    ring = shapely.Polygon(
        [(0, 0), (100, 0), (100, 100), (0, 100)], holes=[[(10, 10), (20, 10), (20, 20), (10, 20)]]
    )
    ring = shapely.affinity.translate(ring, 500_000, 2_770_000)
    gdf = gpd.GeoDataFrame(geometry=[ring, None, shapely.Polygon()], crs=4543, index=[7, 8, 9])
    area = crs.measure_area(gdf)
    assert area.loc[7] == 9900.0
    assert math.isnan(area.loc[8]) and area.loc[9] == 0.0
    ell = crs.measure_area(gdf, area_method="ellipsoid")
    assert ell.loc[7] == pytest.approx(9900.0, rel=1e-4)


def test_missing_crs_and_unprojected_layers_raise():
    gdf = gpd.GeoDataFrame(geometry=[square(0, 0, 1)])
    with pytest.raises(CRSError, match="parcels"):
        crs.require_crs(gdf, layer="parcels")
    with pytest.raises(CRSError, match="not a projected"):
        crs.require_projected(gdf.set_crs(4490), layer="parcels")
    assert crs.require_projected(gdf.set_crs(4543)).to_epsg() == 4543


# Reference values published with the public algorithm (wandergis/coordTransform README)
def test_gcj02_reference_values():
    assert crs.wgs84_to_gcj02(116.404, 39.915) == (116.41024449916938, 39.91640428150164)
    assert crs.gcj02_to_bd09(116.404, 39.915) == (116.41036949371029, 39.92133699351021)
    # the published simple inverses are accurate to 1–2 m; ours iterate to < 1 mm
    lon, lat = crs.gcj02_to_wgs84(116.404, 39.915)
    assert lon == pytest.approx(116.39775550083061, abs=2e-5)
    assert lat == pytest.approx(39.91359571849836, abs=2e-5)
    lon, lat = crs.bd09_to_gcj02(116.404, 39.915)
    assert lon == pytest.approx(116.39762729119315, abs=2e-5)
    assert lat == pytest.approx(39.90865673957631, abs=2e-5)


def _metres(lon1, lat1, lon2, lat2):
    return pyproj.Geod(ellps="GRS80").inv(lon1, lat1, lon2, lat2)[2]


@settings(max_examples=200, deadline=None)
@given(st.floats(73.7, 135.0), st.floats(18.2, 53.5))
def test_gcj02_and_bd09_round_trip_within_half_a_metre(lon, lat):
    back = crs.gcj02_to_wgs84(*crs.wgs84_to_gcj02(lon, lat))
    assert _metres(lon, lat, *back) < 0.5
    back = crs.bd09_to_wgs84(*crs.wgs84_to_bd09(lon, lat))
    assert _metres(lon, lat, *back) < 0.5


def test_gcj02_offset_at_kunming_is_hundreds_of_metres_and_arrays_work():
    lon = np.array([102.71, 102.8])
    lat = np.array([25.04, 25.0])
    glon, glat = crs.wgs84_to_gcj02(lon, lat)
    assert isinstance(glon, np.ndarray) and glon.shape == (2,)
    assert 200 < _metres(lon[0], lat[0], glon[0], glat[0]) < 700
    assert crs.wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)  # outside China: unchanged


def test_whole_layer_conversion_round_trips(amap_shp):
    import landkit as lk

    gcj = lk.read_layer(amap_shp, crs="EPSG:4326")
    converted = crs.from_gcj02(gcj)
    assert converted.crs.to_epsg() == 4490
    back = crs.to_gcj02(converted)
    a = shapely.get_coordinates(gcj.geometry.values)
    b = shapely.get_coordinates(back.geometry.values)
    assert np.abs(a - b).max() < 1e-8
    shift = _metres(*a[0], *shapely.get_coordinates(converted.geometry.values)[0])
    assert 200 < shift < 700
    with pytest.raises(CRSError):
        crs.from_gcj02(converted.to_crs(4543))
