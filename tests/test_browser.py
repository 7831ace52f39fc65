"""Saved maps opened in a real headless Chromium, with no network.

Needs Debian's ``chromium``; Leaflet comes with landkit and is inlined into every map.
Skipped with the reason when the browser is missing, except under CI (``CI=true``),
where a missing browser is a failure. Every host name resolves to nothing, so a map
that needed the network would not draw.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import mapdata
import pytest
from cdp import COUNT_FEATURES, Browser, find_chromium

import landkit as lk
from landkit.maps import combine_results, make_map


def _requirements() -> str | None:
    if find_chromium() is None:
        return "chromium not found (apt-get install chromium)"
    return None


_MISSING = _requirements()
if _MISSING and os.environ.get("CI", "").lower() == "true":
    pytest.fail(f"browser tests cannot run under CI: {_MISSING}", pytrace=False)
pytestmark = pytest.mark.skipif(_MISSING is not None, reason=_MISSING or "")


@pytest.fixture(scope="module")
def browser():
    with Browser(find_chromium()) as b:
        yield b


def _save(fmap, path: Path) -> Path:
    fmap.save(str(path))
    return path


def _assert_clean(browser) -> None:
    assert browser.errors() == []
    outside = [url for url in browser.requests() if not url.startswith(("file://", "data:"))]
    assert outside == []
    assert browser.dialogs() == []
    assert browser.evaluate("window.__alerts") == []


@pytest.mark.slow
def test_sample_map_loads_offline_and_draws_every_feature(
    browser, tmp_path, sample_path, sample_parks, sample_parcels
):
    sample, parks, parcels = sample_path, sample_parks, sample_parcels
    with pytest.warns(lk.errors.GeometryRepairedWarning, match="repaired"):
        checked = lk.check_three_lines(parcels, sample, id_col="parcel_id")
    idle = lk.detect_idle(parcels, as_of="2026-11-01")
    shown = combine_results(checked, idle)
    fmap = make_map(parks=parks, parcels=shown, lines=sample, basemap=None)
    browser.open(_save(fmap, tmp_path / "sample.html"))
    _assert_clean(browser)
    drawn = browser.evaluate(COUNT_FEATURES)
    with_geometry = int((~(shown.geometry.isna() | shown.geometry.is_empty)).sum())
    assert drawn["features"] >= len(parks) + with_geometry
    assert drawn["drawn"] == drawn["features"]
    assert drawn["painted"] > 1000
    legend = browser.evaluate("document.querySelector('.landkit-legend').textContent")
    assert "图例" in legend and "园区边界" in legend and "生态保护红线" in legend
    control = browser.evaluate("document.querySelector('.leaflet-control-layers').textContent")
    assert "宗地" in control and "园区边界" in control
    assert browser.evaluate("document.querySelectorAll('.leaflet-control-scale').length") == 1
    scale = browser.evaluate("document.querySelector('.leaflet-control-scale').textContent")
    assert re.fullmatch(r"\s*\d+ k?m\s*", scale), scale  # metric only, no miles or feet
    assert browser.evaluate("document.title") == "昆明经济技术开发区等 5 个开发区土地核查图"


def _point_of(browser, lat: float, lon: float) -> tuple[float, float]:
    script = f"""
    (function () {{
      var map = Object.values(window).find(function (v) {{ return v instanceof L.Map; }});
      var p = map.latLngToContainerPoint([{lat}, {lon}]);
      var box = map.getContainer().getBoundingClientRect();
      return [p.x + box.left, p.y + box.top];
    }})()
    """
    return tuple(browser.evaluate(script))


def _mouse(browser, kind: str, x: float, y: float) -> None:
    params = {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}
    browser.send("Input.dispatchMouseEvent", params, session=browser.session)


def test_hostile_names_show_as_text_and_run_nothing(browser, tmp_path):
    parcels = mapdata.parcels(9).assign(name=mapdata.XSS)
    fmap = make_map(parcels=parcels, basemap=None)
    browser.open(_save(fmap, tmp_path / "xss.html"))
    centre = parcels.to_crs(4326).geometry.iloc[4].centroid
    x, y = _point_of(browser, centre.y, centre.x)
    _mouse(browser, "mouseMoved", x, y)
    tooltip = browser.evaluate("document.querySelector('.leaflet-tooltip').textContent")
    assert "P000004" in tooltip
    _mouse(browser, "mousePressed", x, y)
    _mouse(browser, "mouseReleased", x, y)
    popup = "document.querySelector('.leaflet-popup-content')"
    assert mapdata.XSS in browser.evaluate(f"{popup}.textContent")
    assert browser.evaluate(f"{popup}.querySelectorAll('img').length") == 0
    assert browser.evaluate("document.querySelectorAll('img').length") == 0
    browser.evaluate("new Promise(function (r) { setTimeout(r, 300); })")
    _assert_clean(browser)


@pytest.mark.slow
def test_hundred_thousand_parcels_load_within_budget(browser, tmp_path):
    parcels = mapdata.parcels(100_000)
    fmap = make_map(parks=mapdata.park(parcels), parcels=parcels, basemap=None)
    path = _save(fmap, tmp_path / "big.html")
    assert path.stat().st_size <= 25 * 2**20
    milliseconds = browser.open(path)
    _assert_clean(browser)
    drawn = browser.evaluate(COUNT_FEATURES)
    assert drawn["features"] == drawn["drawn"] == len(parcels) + 1
    assert milliseconds < 5000


def test_popups_are_chinese_and_the_osm_map_draws_without_network(browser, tmp_path):
    parcels = mapdata.parcels(9).assign(land_use="1001", meets_plot_ratio=True, park_id="K1")
    park = mapdata.park(parcels).assign(park_id="K1", name="甲园区")
    fmap = make_map(parks=park, parcels=parcels)  # the default OSM basemap, unreachable here
    browser.open(_save(fmap, tmp_path / "osm.html"))
    tiles = [url for url in browser.requests() if not url.startswith(("file://", "data:"))]
    assert tiles and all("tile.openstreetmap.org" in url for url in tiles)
    failures = [e for e in browser.errors() if "load failed" not in e and "ERR_" not in e]
    assert failures == []  # only the tiles failed to load
    assert browser.evaluate(COUNT_FEATURES)["painted"] > 1000
    violating = int(parcels.index[parcels["status"].eq("violation")][0])
    centre = parcels.to_crs(4326).geometry.iloc[violating].centroid
    x, y = _point_of(browser, centre.y, centre.x)
    _mouse(browser, "mousePressed", x, y)
    _mouse(browser, "mouseReleased", x, y)
    text = browser.evaluate("document.querySelector('.leaflet-popup-content').innerText")
    assert "三线状态\t三线违规" in text and "园区名称\t甲园区" in text
    assert "用地类型\t1001 工业用地" in text and "容积率达标\t是" in text
    assert not re.search(r"\b(true|false|violation|compliant|status)\b", text)
