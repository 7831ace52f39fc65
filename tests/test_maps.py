"""Interactive and static maps: content of the HTML, coordinates, escaping, basemaps, PNGs."""

from __future__ import annotations

import json
import re
import warnings

import folium
import geopandas as gpd
import mapdata
import numpy as np
import pandas as pd
import pytest
import shapely

import landkit as lk
from landkit import maps
from landkit.errors import CRSError, InputError, OutputWarning
from landkit.maps import combine_results, layout, make_map, parcel_category, static, static_map

CALL = re.compile(r"landkitLayer\((\{.*\}), (map_[0-9a-f]+)\);")


def payloads(fmap) -> list[dict]:
    """The data of every landkit layer in a map's HTML, in drawing order."""
    return [json.loads(m.group(1)) for m in CALL.finditer(fmap.get_root().render())]


def decode(payload: dict, geometry) -> list[list[np.ndarray]]:
    """Rings of one encoded geometry as (lat, lon) arrays: an independent decoder."""
    scale = 10 ** payload["digits"]
    out = []
    for polygon in geometry:
        rings = []
        for flat in polygon:
            pairs = np.asarray(flat, dtype=np.int64).reshape(-1, 2)
            rings.append((np.cumsum(pairs, axis=0) + payload["origin"]) / scale)
        out.append(rings)
    return out


@pytest.fixture
def layers():
    parcels = mapdata.parcels(50)
    return parcels, mapdata.park(parcels), mapdata.lines(parcels)


# ------------------------------------------------------------------ categories

CASES = pd.DataFrame(
    {
        "status": ["violation", "compliant", "compliant", "compliant", "compliant", "compliant",
                   "compliant", "compliant", None, "no_geometry", "violation"],
        "idle_status": ["recoverable", "recoverable", "idle", "suspected_idle", "at_risk",
                        "government_delay", "active", "insufficient_data", None, None, None],
        "meets_plot_ratio": pd.array([False, False, None, False, False, False, True, None, None,
                                      None, None], dtype="boolean"),
    }
)  # fmt: skip
EXPECTED = [
    "violation",
    "recoverable",
    "idle",
    "suspected_idle",
    "at_risk",
    "below_standard",
    "compliant",
    "compliant",
    "not_evaluated",
    "not_evaluated",
    "violation",
]


@pytest.mark.parametrize(
    "index",
    [None, list(range(100, 111)), [f"r{k}" for k in range(11)]],
    ids=["range", "integer", "string"],
)
def test_category_precedence(index):
    frame = CASES if index is None else CASES.set_axis(index)
    result = parcel_category(frame)
    assert result.tolist() == EXPECTED
    assert result.index.equals(frame.index)


def test_category_without_results_is_not_evaluated():
    frame = pd.DataFrame({"parcel_id": ["A", "B"]})
    assert parcel_category(frame).tolist() == ["not_evaluated", "not_evaluated"]


def test_category_from_one_result_alone():
    idle = pd.DataFrame({"idle_status": ["government_delay", "active", "insufficient_data"]})
    assert parcel_category(idle).tolist() == ["government_delay", "compliant", "not_evaluated"]


# ------------------------------------------------------------------ the HTML


def test_the_canvas_script_is_package_data_inlined_once(layers):
    from importlib import resources

    script = (resources.files("landkit.maps") / "canvas.js").read_text(encoding="utf-8")
    assert "function landkitLayer(" in script and "function landkitLegend(" in script
    parcels, park, lines = layers
    html = make_map(parks=park, parcels=parcels, lines=lines, basemap=None).get_root().render()
    assert html.count(script) == 1


def test_map_has_layers_legend_and_features(layers):
    parcels, park, lines = layers
    fmap = make_map(parks=park, parcels=parcels, lines=lines, basemap=None)
    html = fmap.get_root().render()
    control = re.search(r"overlays :\s*\{(.*?)\}", html, re.S).group(1)
    names = [json.loads(key) for key in re.findall(r'("[^"]*") :', control)]
    assert names == ["生态保护红线", "城镇开发边界", "园区边界", "宗地"]  # no farmland given
    legend = json.loads(re.search(r'landkitLegend\("图例", (\[.*\]), map_', html).group(1))
    texts = [item[0] for item in legend]
    expected = {"三线违规", "可收回", "闲置", "疑似闲置", "临近闲置", "政府原因延迟", "合规"}
    assert expected <= set(texts)
    assert texts.index("三线违规") < texts.index("闲置") < texts.index("合规")
    lines_red, lines_urban, parks_data, parcels_data = payloads(fmap)
    assert len(parks_data["features"]) == 1
    assert len(parcels_data["features"]) == len(parcels)
    assert sum(len(b[1]) for b in lines_red["bulk"]) == 1
    assert sum(len(b[1]) for b in lines_urban["bulk"]) == 1
    assert "L.control.scale" in html
    assert "fitBounds" in html


@pytest.mark.parametrize("crs", [4543, 4490], ids=["gauss-kruger", "cgcs2000-degrees"])
def test_coordinates_match_the_layer_in_lon_lat(layers, crs):
    parcels, park, _ = layers
    parcels, park = parcels.to_crs(crs), park.to_crs(crs)
    fmap = make_map(parks=park, parcels=parcels, basemap=None)
    data = payloads(fmap)[-1]
    truth = parcels.to_crs(4326).geometry.values
    for (geometry, _, _), expected in zip(data["features"], truth, strict=True):
        (ring,) = decode(data, geometry)[0]
        coords = shapely.get_coordinates(expected.exterior)[:-1][:, ::-1]  # lat, lon
        assert ring.shape == coords.shape
        assert np.abs(ring - coords).max() <= 0.51e-6


def test_popup_values_in_chinese_with_units(layers):
    parcels, _, _ = layers
    violating = parcels["status"].eq("violation")
    parcels = parcels.assign(ecological_redline_m2=np.where(violating, 1234.5, 0.0))
    data = payloads(make_map(parcels=parcels, basemap=None))[-1]
    fields = data["fields"]
    assert fields[:3] == ["宗地编号", "评价结果", "面积（亩）"]
    assert "测算土地闲置费（万元）" in fields
    first = dict(zip(fields, data["features"][0][2], strict=True))
    assert first["宗地编号"] == "P000000"
    assert first["评价结果"] == "三线违规"
    assert first["面积（亩）"] == "3.38"  # 2250 m² = 3.375 亩
    assert first["突破的控制线"] == "生态保护红线"
    assert first["测算土地闲置费（万元）"] is None
    assert first["压占生态保护红线面积（m²）"] == "1,234.50"
    second = dict(zip(fields, data["features"][1][2], strict=True))
    assert second["突破的控制线"] is None  # empty text is left out
    assert second["压占生态保护红线面积（m²）"] is None  # so is no overlap
    idle = dict(zip(fields, data["features"][5][2], strict=True))
    assert idle["闲置判定"] == "闲置"
    assert idle["测算土地闲置费（万元）"] == "12.50"
    assert first["三线状态"] == "三线违规" and "状态" not in fields


def test_popups_name_parks_land_uses_and_yes_no(layers):
    parcels, park, _ = layers
    parcels = parcels.assign(
        park_id="K1", land_use="1001", meets_plot_ratio=[True, False] * 25
    )
    park = park.assign(park_id="K1", name="甲园区")
    data = payloads(make_map(parks=park, parcels=parcels, basemap=None))[-1]
    first = dict(zip(data["fields"], data["features"][0][2], strict=True))
    assert first["园区编号"] == "K1" and first["园区名称"] == "甲园区"
    assert first["用地类型"] == "1001 工业用地"
    assert first["容积率达标"] == "是"
    values = {v for f in data["features"] for v in f[2] if isinstance(v, str)}
    assert not {v for v in values if re.fullmatch(r"[a-z_]+|true|false|True|False", v)}


def test_only_maps_the_chosen_findings_and_opens_on_them(layers):
    parcels, park, _ = layers
    fmap = make_map(parks=park, parcels=parcels, basemap=None, only="idle")
    html = fmap.get_root().render()
    data = payloads(fmap)[-1]
    styles = [style.get("fillColor", style["color"]) for style in data["styles"]]
    idle_like = parcels["idle_status"].isin(
        ["recoverable", "idle", "suspected_idle", "at_risk", "government_delay"]
    ) & ~parcels["status"].eq("violation")
    assert len(data["features"]) == int(idle_like.sum())  # the rest is faded bulk
    assert sum(len(b[1]) for b in data["bulk"]) == len(parcels) - int(idle_like.sum())
    assert {b[0] for b in data["bulk"]} == {styles.index("#e0e0e0")}
    legend = json.loads(re.search(r'landkitLegend\("图例", (\[.*\]), map_', html).group(1))
    texts = [item[0] for item in legend]
    assert "三线违规" not in texts and "其他宗地（不在本图专题内）" in texts
    assert any("浅色宗地" in text for text in texts)
    chosen = parcels[idle_like.to_numpy()].to_crs(4326).total_bounds
    fitted = re.findall(r"fitBounds\(\s*(\[\[[-\d.,\s\[\]]+\]\])", html)[-1]  # Leaflet's own first
    bounds = json.loads(fitted)
    assert bounds == [[chosen[1], chosen[0]], [chosen[3], chosen[2]]]
    assert "测试园区闲置土地分布图" in html
    with pytest.raises(InputError, match="unknown category"):
        make_map(parcels=parcels, basemap=None, only="nonsense")


def test_attribute_values_never_become_markup(layers):
    parcels, _, _ = layers
    parcels = parcels.assign(name=[mapdata.XSS, "</script><script>alert(2)</script>"] * 25)
    fmap = make_map(parcels=parcels, basemap=None)
    html = fmap.get_root().render()
    assert "<img src=x" not in html
    assert "<script>alert(2)" not in html
    data = payloads(fmap)[-1]
    names = [dict(zip(data["fields"], f[2], strict=True))["名称"] for f in data["features"]]
    assert names[:2] == [mapdata.XSS, "</script><script>alert(2)</script>"]
    assert "textContent" in html and "innerHTML" not in html.split("landkitTable")[1]


def test_input_is_not_modified(layers):
    parcels, park, lines = layers
    before = parcels.copy()
    make_map(parks=park, parcels=parcels, lines=lines, basemap=None)
    pd.testing.assert_frame_equal(parcels, before)


def test_missing_and_empty_geometries_are_skipped(layers):
    parcels, _, _ = layers
    parcels = parcels.copy()
    parcels.loc[parcels.index[:2], "geometry"] = [None, shapely.Polygon()]
    data = payloads(make_map(parcels=parcels, basemap=None))[-1]
    assert len(data["features"]) == len(parcels) - 2


def test_empty_or_geometry_less_parcels_beside_parks(layers):
    parcels, park, _ = layers
    for shown in (parcels.iloc[:0], parcels.assign(geometry=None)):
        data = payloads(make_map(parks=park, parcels=shown, basemap=None))
        assert len(data[0]["features"]) == 1 and data[1]["features"] == []
    with pytest.raises(InputError, match="nothing to draw"):
        make_map(parcels=parcels.assign(geometry=shapely.Polygon()), basemap=None)


def test_gcj02_layers_are_converted_not_drawn_offset(layers):
    parcels, _, _ = layers
    parcels = parcels.iloc[:4]
    truth = np.array([shapely.get_coordinates(g)[0][::-1] for g in parcels.to_crs(4326).geometry])
    marked = lk.crs.to_gcj02(parcels)
    unmarked = marked.copy()
    unmarked.attrs = {}
    offsets = {}
    for name, layer, coordinates in (
        ("marked", marked, "auto"),
        ("declared", unmarked, "gcj02"),
        ("as given", unmarked, "auto"),
    ):
        data = payloads(make_map(parcels=layer, basemap=None, coordinates=coordinates))[-1]
        first = np.array([decode(data, f[0])[0][0][0] for f in data["features"]])
        offsets[name] = np.abs(first - truth).max()
    assert offsets["marked"] < 2e-6
    assert offsets["declared"] < 2e-6
    assert offsets["as given"] > 1e-3  # GCJ-02 is hundreds of metres off near Kunming


def test_basemaps(layers, monkeypatch):
    parcels, _, _ = layers
    monkeypatch.delenv("TIANDITU_KEY", raising=False)
    osm = make_map(parcels=parcels).get_root().render()
    assert "tile.openstreetmap.org" in osm
    none = make_map(parcels=parcels, basemap=None).get_root().render()
    assert "L.tileLayer" not in none
    with pytest.raises(InputError, match="TIANDITU_KEY"):
        make_map(parcels=parcels, basemap="tianditu")
    vector = make_map(parcels=parcels, basemap="tianditu", tianditu_key="k123").get_root().render()
    assert "tianditu.gov.cn/vec_w" in vector and "tianditu.gov.cn/cva_w" in vector
    assert "tk=k123" in vector
    monkeypatch.setenv("TIANDITU_KEY", "envkey")
    imagery = make_map(parcels=parcels, basemap="tianditu_img").get_root().render()
    assert "tianditu.gov.cn/img_w" in imagery and "tianditu.gov.cn/cia_w" in imagery
    assert "tk=envkey" in imagery


def test_leaflet_is_inlined_and_nothing_comes_from_a_cdn(layers, tmp_path):
    from importlib import resources

    parcels, park, lines = layers
    folder = resources.files("landkit.maps") / "leaflet"
    script = (folder / "leaflet.js").read_text(encoding="utf-8")
    assert "Leaflet 1.9.4" in script[:200]
    assert "BSD 2-Clause" in (folder / "LICENSE").read_text(encoding="utf-8")
    html = make_map(parks=park, parcels=parcels, lines=lines).get_root().render()
    assert re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', html) == []
    assert html.count(script) == 1 and "url(images/" not in html
    assert "data:image/png;base64," in html
    assert not re.search(r"jquery|bootstrap|font-?awesome|cdn\.|unpkg", html, re.I)
    (tmp_path / "leaflet.js").write_text("var mine = 1;")
    (tmp_path / "leaflet.css").write_text(".mine{}")
    html = make_map(parcels=parcels, basemap=None, leaflet=tmp_path).get_root().render()
    assert "var mine = 1;" in html and ".mine{}" in html and "file:" not in html
    served = make_map(parcels=parcels, basemap=None, leaflet="https://gis.example/leaflet/")
    links = re.findall(r'(?:src|href)="([^"]+)"', served.get_root().render())
    assert sorted(links) == ["https://gis.example/leaflet/leaflet.css",
                             "https://gis.example/leaflet/leaflet.js"]  # fmt: skip
    # the class-level defaults of folium are untouched
    assert any("cdn" in url for _, url in folium.Map.default_js)


def test_local_leaflet_folder_must_hold_leaflet(layers, tmp_path):
    parcels, _, _ = layers
    (tmp_path / "leaflet.js").write_text("")
    with pytest.raises(InputError, match=r"leaflet\.css"):
        make_map(parcels=parcels, basemap=None, leaflet=tmp_path)


@pytest.mark.slow
def test_large_layers_keep_flagged_interactive_and_the_rest_light(tmp_path):
    parcels = mapdata.parcels(100_000)
    fmap = make_map(parks=mapdata.park(parcels), parcels=parcels, basemap=None)
    path = tmp_path / "big.html"
    fmap.save(str(path))
    assert path.stat().st_size <= 25 * 2**20
    data = payloads(fmap)[-1]
    flagged = parcel_category(parcels) != "compliant"
    assert len(data["features"]) == int(flagged.sum())
    assert sum(len(b[1]) for b in data["bulk"]) == int((~flagged).sum())
    small = payloads(make_map(parcels=parcels.iloc[:100], basemap=None))[-1]
    assert small["bulk"] == [] and len(small["features"]) == 100


def test_lines_far_from_the_parks_are_left_out(layers):
    _, park, lines = layers
    far = shapely.affinity.translate(lines["ecological_redline"].geometry.iloc[0], 50_000)
    red = gpd.GeoDataFrame(geometry=[lines["ecological_redline"].geometry.iloc[0], far], crs=4543)
    data = payloads(make_map(parks=park, lines={"ecological_redline": red}, basemap=None))[0]
    assert sum(len(b[1]) for b in data["bulk"]) == 1


def test_map_of_lines_alone(layers):
    _, _, lines = layers
    assert len(payloads(make_map(lines=lines, basemap=None))) == 2


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({}, InputError, "nothing to draw"),
        ({"basemap": "gaode"}, InputError, "basemap"),
        ({"coordinates": "wgs"}, InputError, "coordinates"),
        ({"lines": {"redline": None}}, InputError, "unknown line"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        make_map(**kwargs)


def test_layer_without_crs_is_refused(layers):
    parcels, _, _ = layers
    with pytest.raises(CRSError):
        make_map(parcels=parcels.set_crs(None, allow_override=True), basemap=None)


# ------------------------------------------------------------------ combining results


def test_combine_results_by_parcel_id_and_by_index(layers):
    parcels, _, _ = layers
    base = parcels[["parcel_id", "geometry"]]
    idle = pd.DataFrame(parcels[["parcel_id", "idle_status"]]).iloc[::-1]
    metrics = pd.DataFrame({"plot_ratio": np.arange(len(parcels), dtype=float)}, index=base.index)
    out = combine_results(base, idle, metrics)
    assert out["idle_status"].tolist() == parcels["idle_status"].tolist()
    assert out["plot_ratio"].tolist() == list(range(len(parcels)))
    assert out.index.equals(base.index) and list(base.columns) == ["parcel_id", "geometry"]
    with pytest.raises(InputError, match="neither parcel_id"):
        combine_results(base, metrics.reset_index(drop=True).iloc[:3])


# ------------------------------------------------------------------ static maps


def _pixels(fig) -> np.ndarray:
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba())[..., :3]


@pytest.mark.slow
def test_static_map_png(layers, tmp_path):
    parcels, park, lines = layers
    path = tmp_path / "park.png"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph would warn
        fig = static_map(park, parcels=parcels, lines=lines, path=path, dpi=80)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = _pixels(fig)
    colours = {tuple(c) for c in image.reshape(-1, 3)[::7]}
    assert len(colours) > 50
    red = np.array([0xD7, 0x19, 0x1C])
    assert (np.abs(image.astype(int) - red).sum(axis=-1) < 60).any()  # violation parcels drawn
    ax, panel = fig.axes
    assert ax.get_title() == "测试园区 土地利用与三线管控图"
    legend = [t.get_text() for t in panel.get_legend().get_texts()]
    assert legend[:2] == ["生态保护红线", "三线违规"]
    assert {"闲置", "合规", "园区边界"} <= set(legend)
    assert "城镇开发边界" not in legend  # it encloses the whole sheet: no edge of it is drawn
    texts = [t.get_text() for t in panel.texts]
    assert "北" in texts and "米" in texts  # north arrow and metric scale bar, beside the map
    assert not [t for t in ax.texts if t.get_text() == "北"]  # nothing of the panel on the data
    scale = next(t for t in texts if t.startswith("比例尺 1:"))
    denominator = int(scale.removeprefix("比例尺 1:").replace(" ", ""))
    assert denominator in layout.SCALES
    frame_mm = ax.get_position().width * fig.get_size_inches()[0] * 25.4
    xmin, xmax = ax.get_xlim()
    assert (xmax - xmin) * 1000 / frame_mm == pytest.approx(denominator, rel=1e-6)  # true 1:N
    paper = sorted(round(mm) for mm in fig.get_size_inches() * 25.4)
    assert paper in ([210, 297], [297, 420])
    notes = " ".join(texts)
    assert "2000国家大地坐标系" in notes and "EPSG:4543" in notes
    assert "制图单位" in notes and "制图日期" in notes and "数据来源" in notes
    grid = ax.get_xgridlines() + ax.get_ygridlines()
    assert len(grid) >= 6 and all(line.get_visible() for line in grid)
    labels = {t.get_text() for t in ax.texts}
    assert labels and labels <= set(parcels["parcel_id"])  # parcel ids where they fit


@pytest.mark.slow
def test_violations_and_the_red_line_have_distinct_symbols(layers):
    parcels, park, lines = layers
    fig = static_map(park, parcels=parcels, lines=lines)
    handles = {h.get_label(): h for h in fig.axes[1].get_legend().legend_handles}
    redline, violation = handles["生态保护红线"], handles["三线违规"]
    assert redline.get_hatch() and violation.get_hatch()
    assert redline.get_hatch() != violation.get_hatch()
    assert redline.get_facecolor()[3] == 0  # the red line is an outline, never a red fill
    assert violation.get_facecolor()[3] > 0


def test_only_what_is_drawn_is_in_the_legend(layers):
    parcels, park, lines = layers
    compliant = parcels.assign(status="compliant", idle_status="active")
    far = {"urban_boundary": lines["urban_boundary"].translate(50_000)}
    fig = static_map(park, parcels=compliant, lines=far)
    legend = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert legend == ["合规", "园区边界"]


@pytest.mark.parametrize(
    ("size", "landscape", "paper"),
    [((3000, 1000), True, "A4"), ((1000, 1600), False, "A4"), ((40_000, 30_000), True, "A3")],
)
def test_paper_and_orientation_follow_the_park(size, landscape, paper):
    sheet = layout.plan_sheet((0, 0, *size))
    assert (sheet.landscape, sheet.paper) == (landscape, paper)
    xmin, ymin, xmax, ymax = sheet.extent
    assert xmin < 0 and ymin < 0 and xmax > size[0] and ymax > size[1]  # the park fits
    with pytest.raises(ValueError, match="paper"):
        layout.plan_sheet((0, 0, 1, 1), paper="Letter")


def test_scale_bar_length_is_round():
    assert layout.nice_bar(5000) == 200
    assert layout.nice_bar(25_000) == 1000
    assert layout.nice_bar(2000, longest_mm=45) == 50


def _render_text(text: str, family: str) -> np.ndarray:
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with rc_context({"font.family": [family]}), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fig = Figure(figsize=(1, 1), dpi=50)
        FigureCanvasAgg(fig)
        fig.text(0.5, 0.5, text, fontsize=30, ha="center", va="center")
        return _pixels(fig)


def test_chinese_title_renders_as_glyphs_not_boxes(layers):
    family = maps.cjk_font()
    assert family is not None, "no CJK font: install fonts-noto-cjk"
    # Missing glyphs all draw as the same box: DejaVu shows that, the CJK font must not.
    assert np.array_equal(_render_text("园", "DejaVu Sans"), _render_text("区", "DejaVu Sans"))
    assert not np.array_equal(_render_text("园", family), _render_text("区", family))
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    font = FT2Font(font_manager.findfont(font_manager.FontProperties(family=family)))
    _, park, _ = layers
    title = static_map(park).axes[0].get_title()
    assert all(font.get_char_index(ord(char)) for char in title if not char.isspace())


@pytest.mark.slow
def test_no_cjk_font_warns_once_not_per_glyph(layers, monkeypatch, tmp_path):
    parcels, park, lines = layers
    monkeypatch.setattr(static, "cjk_font", lambda: None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        static_map(park, parcels=parcels, lines=lines, path=tmp_path / "boxes.png", dpi=50)
    assert [str(w.message)[:40] for w in caught] == ["no font with Chinese glyphs found; Chine"]
    assert caught[0].category is OutputWarning


@pytest.mark.slow
def test_static_map_draws_gcj02_layers_in_place(layers):
    parcels, park, _ = layers
    plain = static_map(park, parcels=parcels).axes[0]
    marked = static_map(lk.crs.to_gcj02(park), parcels=lk.crs.to_gcj02(parcels)).axes[0]
    assert np.allclose(plain.get_xlim(), marked.get_xlim(), atol=0.01)
    assert np.allclose(plain.get_ylim(), marked.get_ylim(), atol=0.01)


def test_static_map_of_one_park(layers):
    parcels, park, _ = layers
    other = park.assign(park_id="K2", name="另一园区").translate(5000)
    both = pd.concat([park, gpd.GeoDataFrame(park.drop(columns="geometry").assign(
        park_id="K2", name="另一园区"), geometry=other.values, crs=park.crs)])  # fmt: skip
    fig = static_map(both, parcels=parcels, park_id="K1")
    assert fig.axes[0].get_title().startswith("测试园区")
    with pytest.raises(InputError, match="K9"):
        static_map(both, park_id="K9")


@pytest.mark.slow
def test_static_map_labels_an_invalid_parcel_drawn_as_given(layers):
    parcels, park, _ = layers
    x0, y0, x1, y1 = parcels.geometry.iloc[0].bounds
    bowtie = shapely.Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1)])
    parcels = parcels.copy()
    parcels.loc[parcels.index[0], "geometry"] = bowtie
    assert not shapely.is_valid(bowtie)
    fig = static_map(park, parcels=parcels)
    labels = {text.get_text() for text in fig.axes[0].texts}
    assert set(parcels["parcel_id"].iloc[1:5]) <= labels


# ------------------------------------------------------------------ the command line


@pytest.mark.slow
def test_cli_map_writes_html_and_png(layers, tmp_path, capsys):
    from landkit.cli import main

    parcels, park, lines = layers
    source = tmp_path / "in.gpkg"
    lk.write_layers({"parcels": parcels.drop(columns="idle_status"), "parks": park}, source)
    lk.write_layers(lines, tmp_path / "lines.gpkg")
    idle = tmp_path / "idle.gpkg"
    lk.write_layers({"idle": parcels[["parcel_id", "idle_status", "geometry"]]}, idle)
    out, png = tmp_path / "map.html", tmp_path / "park.png"
    argv = [
        "map", str(source), "--layer", "parcels", "--parks", str(source),
        "--lines", str(tmp_path / "lines.gpkg"), "--with", str(idle), "--basemap", "none",
        "--png", str(png), "--out", str(out),
    ]  # fmt: skip
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "宗地 50 宗" in printed and "三线违规 5 宗" in printed and "闲置 1 宗" in printed
    html = out.read_text(encoding="utf-8")
    data = [json.loads(m.group(1)) for m in CALL.finditer(html)]
    assert len(data) == 4 and len(data[-1]["features"]) == 50
    assert png.read_bytes()[:4] == b"\x89PNG"
    only = tmp_path / "idle.html"
    argv = ["map", str(source), "--layer", "parcels", "--with", str(idle), "--basemap", "none",
            "--only", "idle", "--out", str(only)]  # fmt: skip
    assert main(argv) == 0
    data = [json.loads(m.group(1)) for m in CALL.finditer(only.read_text(encoding="utf-8"))]
    idle_land = parcels["idle_status"].isin(maps.interactive.ONLY_GROUPS["idle"])
    expected = int((idle_land & ~parcels["status"].eq("violation")).sum())
    assert len(data[-1]["features"]) == expected > 0  # the idle-land findings; the rest faded
    assert main([*argv[:-4], "--only", "nonsense", "--out", str(tmp_path / "x.html")]) == 2


@pytest.mark.parametrize(
    "extra",
    [["--out", "map.txt"], ["--out", "map.html", "--png", "p.png"], ["--out", "map.html"]],
    ids=["not-html", "png-without-parks", "missing-input"],
)
def test_cli_map_bad_input_writes_nothing(tmp_path, monkeypatch, capsys, extra):
    from landkit.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["map", "no_such.gpkg", *extra]) == 2
    assert "错误" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
