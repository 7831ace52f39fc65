"""Saved maps opened in a real headless Chromium, with no network.

Needs Debian's ``chromium`` and npm's Leaflet (``npm ci`` at the repository root).
Skipped with the reason when either is missing, except under CI (``CI=true``), where
a missing browser is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path

import mapdata
import pytest
from cdp import COUNT_FEATURES, Browser, find_chromium

import landkit as lk
from landkit.maps import combine_results, make_map

LEAFLET = Path(__file__).resolve().parent.parent / "node_modules" / "leaflet" / "dist"


def _requirements() -> str | None:
    if find_chromium() is None:
        return "chromium not found (apt-get install chromium)"
    if not (LEAFLET / "leaflet.js").is_file():
        return f"{LEAFLET} missing (run npm ci at the repository root)"
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
    outside = [url for url in browser.requests() if not url.startswith("file://")]
    assert outside == []
    assert browser.dialogs() == []
    assert browser.evaluate("window.__alerts") == []


def test_sample_map_loads_offline_and_draws_every_feature(
    browser, tmp_path, sample_path, sample_parks, sample_parcels
):
    sample, parks, parcels = sample_path, sample_parks, sample_parcels
    with pytest.warns(lk.errors.GeometryRepairedWarning, match="repaired"):
        checked = lk.check_three_lines(parcels, sample, id_col="parcel_id")
    idle = lk.detect_idle(parcels, as_of="2026-11-01")
    shown = combine_results(checked, idle)
    fmap = make_map(parks=parks, parcels=shown, lines=sample, basemap=None, leaflet=LEAFLET)
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
    fmap = make_map(parcels=parcels, basemap=None, leaflet=LEAFLET)
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
    fmap = make_map(parks=mapdata.park(parcels), parcels=parcels, basemap=None, leaflet=LEAFLET)
    path = _save(fmap, tmp_path / "big.html")
    assert path.stat().st_size <= 25 * 2**20
    milliseconds = browser.open(path)
    _assert_clean(browser)
    drawn = browser.evaluate(COUNT_FEATURES)
    assert drawn["features"] == drawn["drawn"] == len(parcels) + 1
    assert milliseconds < 5000
