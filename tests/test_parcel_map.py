"""The 宗地图: its elements, its true scale, and labels that never overprint."""

import sys
import warnings

import geopandas as gpd
import pytest
import shapely

import landkit as lk
from landkit.crs import crs_note
from landkit.maps import parcel_map

X0, Y0 = 580000.0, 2760000.0


@pytest.fixture(scope="module")
def sample():
    path = lk.sample_data_path()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return lk.read_layer(path, "parcels"), lk.read_layer(path, "roads")


def _texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [t.get_text() for t in fig.texts]


def _parcel(coords, **columns) -> gpd.GeoDataFrame:
    data = {"parcel_id": ["T1"], "name": ["测试宗地"], **columns}
    return gpd.GeoDataFrame(data, geometry=[shapely.Polygon(coords)], crs=4543)


def test_sample_parcel_shows_the_elements_a_bureau_files(sample, tmp_path):
    parcels, roads = sample
    feature = parcels[parcels["parcel_id"] == "P015"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the sample's bow-tie neighbour is repaired
        fig = parcel_map(feature, neighbours=[roads, parcels], date="2026-11-01",
                         path=tmp_path / "zdt.png")  # fmt: skip
    assert (tmp_path / "zdt.png").stat().st_size > 50_000
    texts = _texts(fig)
    joined = "\n".join(texts)
    points = lk.boundary_points(feature)
    for pid in points["point_id"].unique():
        assert pid in texts
    assert "宗地号：P015" in joined and "云南普坪食品有限公司" in joined
    area = points.attrs["area_m2"]
    assert f"{area:,.2f} m²" in joined and f"{area * 15 / 10000:,.2f} 亩" in joined
    sides = fig.landkit["sides"]
    assert sides["south"] and sides["west"] and sides["north"]
    for side, zh in (("east", "东"), ("south", "南"), ("west", "西"), ("north", "北")):
        assert f"{zh}至：{sides[side]}" in texts  # named beside the side in the drawing
    assert sides["sentence"] in joined
    assert f"比例尺 1:{fig.landkit['scale']}" in texts
    assert "制图日期：2026年11月1日" in texts and any(t.startswith("制图：＿") for t in texts)
    assert "2000国家大地坐标系" in joined and "中央子午线102°E" in joined and "带号34" in joined
    assert "北" in texts and "界址点坐标表" in texts
    first = points.iloc[0]
    assert first.y_m // 1_000_000 == 34  # the 界址点成果表 lists Y with the zone number
    assert f"{first.x_m:.3f}" in texts and f"{first.y_m:.3f}" in texts  # Y with the zone
    for length in points["edge_length_m"].dropna():
        assert f"{length:.2f}" in texts


def test_the_scale_is_true_on_paper(sample):
    parcels, _ = sample
    fig = parcel_map(parcels.iloc[[14]], date="2026-11-01")
    ax = fig.axes[0]
    width_mm = ax.get_position().width * fig.get_figwidth() * 25.4
    ground_m = ax.get_xlim()[1] - ax.get_xlim()[0]
    assert ground_m * 1000 / width_mm == pytest.approx(fig.landkit["scale"])
    height_mm = ax.get_position().height * fig.get_figheight() * 25.4
    assert (ax.get_ylim()[1] - ax.get_ylim()[0]) * 1000 / height_mm == pytest.approx(
        fig.landkit["scale"]
    )


def test_page_orientation_follows_the_parcel():
    wide = _parcel([(X0, Y0), (X0, Y0 + 100), (X0 + 400, Y0 + 100), (X0 + 400, Y0)])
    tall = _parcel([(X0, Y0), (X0, Y0 + 400), (X0 + 100, Y0 + 400), (X0 + 100, Y0)])
    fig_wide, fig_tall = parcel_map(wide), parcel_map(tall)
    assert fig_wide.landkit["landscape"] and fig_wide.get_figwidth() > fig_wide.get_figheight()
    assert not fig_tall.landkit["landscape"] and fig_tall.get_figheight() > fig_tall.get_figwidth()


def test_close_points_do_not_overprint(tmp_path):
    # a notch whose points lie 0.4–1 m apart: well under a millimetre at 1:2500
    coords = [
        (X0, Y0 + 200), (X0 + 120, Y0 + 200), (X0 + 120.6, Y0 + 199.5), (X0 + 121.2, Y0 + 200),
        (X0 + 122, Y0 + 200.3), (X0 + 180, Y0 + 200), (X0 + 180, Y0), (X0 + 60, Y0),
        (X0 + 59.5, Y0 + 0.8), (X0, Y0),
    ]  # fmt: skip
    fig = parcel_map(_parcel(coords), date="2026-11-01", path=tmp_path / "close.png")
    renderer = fig.canvas.get_renderer()
    labels = [t for t in fig.axes[0].texts if t.get_text()]
    boxes = [t.get_window_extent(renderer) for t in labels]
    for i, box in enumerate(boxes):
        for j in range(i + 1, len(boxes)):
            assert not box.overlaps(boxes[j]), (labels[i].get_text(), labels[j].get_text())
    drawn = {t.get_text() for t in labels if t.get_text().startswith("J")}
    skipped = set(fig.landkit["skipped_points"])
    assert drawn | skipped == {f"J{i}" for i in range(1, 11)} and not drawn & skipped
    footer = "\n".join(_texts(fig))
    for pid in skipped:
        assert pid in footer  # named in the note that refers to the table
    assert "见界址点坐标表" in footer  # the short sides' lengths are left to the table


@pytest.mark.slow
def test_many_points_leave_the_table_to_an_attachment():
    ring = shapely.Point(X0, Y0).buffer(100, quad_segs=30)  # 120 points
    fig = parcel_map(gpd.GeoDataFrame({"parcel_id": ["R1"]}, geometry=[ring], crs=4543))
    assert not fig.landkit["with_table"]
    assert "界址点坐标表" not in _texts(fig)
    assert any("坐标见界址点成果表" in t for t in _texts(fig))


def test_one_warning_without_a_chinese_font(monkeypatch):
    module = sys.modules["landkit.maps.static"]
    monkeypatch.setattr(module, "cjk_font", lambda: None)
    feature = _parcel([(X0, Y0), (X0, Y0 + 100), (X0 + 100, Y0 + 100), (X0 + 100, Y0)])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        parcel_map(feature)
    assert len(caught) == 1 and "Chinese glyphs" in str(caught[0].message)


def test_crs_note_names_zone_and_meridian():
    assert crs_note("EPSG:4513").startswith("2000国家大地坐标系，高斯-克吕格投影，3度带，中央子午线75°E，带号25")
    assert "6度带" in crs_note("EPSG:4502") and "中央子午线75°E" in crs_note("EPSG:4502")


def test_point_labels_sit_outside_the_parcel_also_in_holes_and_parts():
    outer = shapely.box(X0, Y0, X0 + 200, Y0 + 120).difference(
        shapely.box(X0 + 60, Y0 + 40, X0 + 110, Y0 + 80)
    )
    shape = shapely.MultiPolygon([outer, shapely.box(X0 + 230, Y0 + 20, X0 + 280, Y0 + 70)])
    fig = parcel_map(gpd.GeoDataFrame({"parcel_id": ["H1"]}, geometry=[shape], crs=4543))
    labels = [t for t in fig.axes[0].texts if t.get_text().startswith("J")]
    assert len(labels) == 12 and not fig.landkit["skipped_points"]
    for text in labels:
        assert not shape.contains(shapely.Point(text.get_position())), text.get_text()
