"""Maps for planners and the land bureau: interactive folium maps and static PNG maps.

:func:`make_map` draws parks, the three control lines and parcels coloured by
their findings on a Leaflet map (OpenStreetMap, 天地图 or no basemap).
:func:`static_map` draws one park for print with matplotlib.

Parcels are coloured by the first finding in this order (:data:`CATEGORIES`):
violation (three lines) > recoverable > idle > suspected_idle > at_risk
(idle land) > below_standard (a ``meets_*`` column is False) >
government_delay > compliant; parcels with no result columns are
``not_evaluated``.

Attribute values reach the browser as JSON data and are put into tooltips and
popups as text nodes (``textContent``), never as HTML, so a name such as
``<img src=x onerror=alert(1)>`` shows as written and runs nothing.

Large layers: when a parcel layer has more than ``interactive_limit`` features,
the parcels without a finding are drawn as one light, non-interactive layer
per category, simplified to about one screen pixel at zoom 17 (≈1 m); flagged
parcels keep their tooltips and popups. Coordinates are rounded to 1e-6° (≈0.1 m)
and sent as integer differences; everything is drawn on a canvas.
"""

from __future__ import annotations

import json
import logging
import math
import os
import warnings
from collections.abc import Mapping, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Literal

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element, MacroElement
from jinja2 import Template

from . import crs as lkcrs
from .constraints import LINE_KEYS, line_columns, read_lines
from .errors import InputError, OutputWarning
from .geometry import polygonal_part
from .io import atomic_path
from .report import STATUS_LABELS, as_boolean, column_label, is_fraction
from .schema import label

__all__ = [
    "CATEGORIES",
    "CATEGORY_COLOURS",
    "cjk_font",
    "combine_results",
    "make_map",
    "parcel_category",
    "static_map",
]

logger = logging.getLogger(__name__)

Basemap = Literal["osm", "tianditu", "tianditu_img"] | None
Coordinates = Literal["auto", "gcj02", "bd09"]

CATEGORIES = (
    "violation",
    "recoverable",
    "idle",
    "suspected_idle",
    "at_risk",
    "below_standard",
    "government_delay",
    "compliant",
    "not_evaluated",
)
"""Parcel map categories, highest precedence first."""

CATEGORY_COLOURS = {
    "violation": "#d7191c",
    "recoverable": "#7b3294",
    "idle": "#f46d43",
    "suspected_idle": "#fdae61",
    "at_risk": "#fee08b",
    "below_standard": "#a6611a",
    "government_delay": "#74add1",
    "compliant": "#1a9850",
    "not_evaluated": "#bdbdbd",
}

_FLAGGED = frozenset(CATEGORIES[:7])
_LINE_STYLES = {
    "ecological_redline": {
        "color": "#e31a1c",
        "weight": 2,
        "fillColor": "#e31a1c",
        "fillOpacity": 0.2,
    },
    "basic_farmland": {
        "color": "#b8860b",
        "weight": 1,
        "fillColor": "#ffd700",
        "fillOpacity": 0.35,
    },
    "urban_boundary": {"color": "#8e44ad", "weight": 2.5, "dashArray": "8 6", "fill": False},
}
_PARK_STYLE = {"color": "#1f3a93", "weight": 3, "fill": False}
_DIGITS = 6  # 1e-6 degree ≈ 0.1 m
_BULK_TOLERANCE = 360 / (256 * 2**17)  # one screen pixel at zoom 17, in degrees (≈1 m)
_PARCEL_FIELDS = (
    "parcel_id",
    "map_category",
    "area_mu",
    "name",
    "park_id",
    "land_use",
    "status",
    "violations",
    *(col for key in LINE_KEYS for col in line_columns(key)[:2]),
    "idle_status",
    "idle_since",
    "days_overdue",
    "idle_fee_wan_yuan",
    "recommended_action",
    "legal_basis",
    "plot_ratio",
    "building_coefficient",
    "green_ratio",
    "admin_share",
    "investment_intensity_wan_yuan_per_mu",
    "meets_plot_ratio",
    "meets_building_coefficient",
    "meets_green_ratio",
    "meets_admin_share",
    "meets_investment_intensity",
    "reason",
)
_OVERLAP_COLUMNS = frozenset(col for key in LINE_KEYS for col in line_columns(key))
_PARK_FIELDS = ("name", "park_id", "level", "county", "approved_area_ha", "leading_industry")
_TIANDITU = (
    "https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
    "&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"
)


# ------------------------------------------------------------------ categories


def parcel_category(parcels: pd.DataFrame) -> pd.Series:
    """The map category of each parcel, by the precedence of :data:`CATEGORIES`.

    Uses whichever result columns are present: ``status`` (three lines),
    ``idle_status`` (idle land) and ``meets_*`` (metrics).

    Returns
    -------
    Series
        ``map_category`` on the input's index.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"status": ["violation", "compliant", "compliant", None],
    ...                       "idle_status": ["idle", "idle", "active", None]})
    >>> parcel_category(frame).tolist()
    ['violation', 'idle', 'compliant', 'not_evaluated']
    """
    index = parcels.index
    none = pd.Series(False, index=index)
    status = parcels["status"] if "status" in parcels.columns else pd.Series(None, index=index)
    idle = (
        parcels["idle_status"] if "idle_status" in parcels.columns else pd.Series(None, index=index)
    )
    meets = [col for col in parcels.columns if str(col).startswith("meets_")]
    met = parcels[meets].apply(as_boolean) if meets else pd.DataFrame(index=index)
    below = met.eq(False).fillna(False).any(axis=1) if meets else none
    evaluated = (
        status.isin(["compliant", "violation"])
        | (idle.notna() & ~idle.isin(["insufficient_data"]))
        | (met.notna().any(axis=1) if meets else none)
    )
    out = pd.Series("not_evaluated", index=index, name="map_category", dtype=object)
    rules = [
        ("compliant", evaluated),
        ("government_delay", idle.eq("government_delay")),
        ("below_standard", below),
        ("at_risk", idle.eq("at_risk")),
        ("suspected_idle", idle.eq("suspected_idle")),
        ("idle", idle.eq("idle")),
        ("recoverable", idle.eq("recoverable")),
        ("violation", status.eq("violation")),
    ]
    for category, mask in rules:
        out[mask.fillna(False).to_numpy(dtype=bool)] = category
    return out


def combine_results(parcels: pd.DataFrame, *results: pd.DataFrame) -> pd.DataFrame:
    """Parcels with the columns of further results (three lines, idle, metrics) added.

    A result is matched on ``parcel_id`` when both have that column, else on the
    index (which must then be the parcels' index). Columns the parcels already
    have are kept as they are; rows of ``parcels`` keep their order.

    Examples
    --------
    >>> import pandas as pd
    >>> base = pd.DataFrame({"parcel_id": ["A", "B"], "status": ["compliant", "violation"]})
    >>> idle = pd.DataFrame({"parcel_id": ["B", "A"], "idle_status": ["idle", "active"]})
    >>> combine_results(base, idle)["idle_status"].tolist()
    ['active', 'idle']
    """
    out = parcels.copy()
    for result in results:
        new = [col for col in result.columns if col not in out.columns]
        geometry = getattr(result, "_geometry_column_name", None)
        new = [col for col in new if col != geometry]
        if "parcel_id" in out.columns and "parcel_id" in result.columns:
            if result["parcel_id"].duplicated().any():
                msg = "combine_results: a result repeats parcel_id values. Fix: one row per parcel."
                raise InputError(msg)
            table = pd.DataFrame(result[["parcel_id", *new]]).set_index("parcel_id")
            table = table.reindex(out["parcel_id"].to_numpy())
        elif result.index.equals(out.index):
            table = pd.DataFrame(result[new])
        else:
            msg = (
                "combine_results: a result has neither parcel_id nor the parcels' index. "
                "Fix: pass results of the same parcel layer."
            )
            raise InputError(msg)
        for col in new:
            out[col] = table[col].set_axis(out.index)
    return out


# ------------------------------------------------------------------ geometry


def _display(gdf: gpd.GeoDataFrame, layer: str, coordinates: Coordinates) -> gpd.GeoDataFrame:
    """The layer in lon/lat for display; GCJ-02/BD-09 values converted to CGCS2000 first."""
    return _true_coordinates(gdf, layer, coordinates).to_crs(4326)


def _true_coordinates(
    gdf: gpd.GeoDataFrame, layer: str, coordinates: Coordinates
) -> gpd.GeoDataFrame:
    """The layer itself, or converted to CGCS2000 when it holds GCJ-02/BD-09 values."""
    if isinstance(gdf, gpd.GeoSeries):
        gdf = gdf.to_frame()
    if not isinstance(gdf, gpd.GeoDataFrame):
        msg = f"{layer}: expected a GeoDataFrame, got {type(gdf).__name__}"
        raise InputError(msg)
    lkcrs.require_crs(gdf, layer=layer)
    marked = str(gdf.attrs.get("coordinate_conversion", ""))
    system = coordinates
    if coordinates == "auto":
        system = (
            "gcj02" if marked.endswith("GCJ-02") else "bd09" if marked.endswith("BD-09") else None
        )
    if system == "gcj02":
        logger.info("%s: GCJ-02 coordinates converted to CGCS2000 for display", layer)
        gdf = lkcrs.from_gcj02(gdf)
    elif system == "bd09":
        logger.info("%s: BD-09 coordinates converted to CGCS2000 for display", layer)
        gdf = lkcrs.from_bd09(gdf)
    return gdf


def _nothing_to_draw(layer: gpd.GeoDataFrame) -> bool:
    values = layer.geometry.values
    return bool((shapely.is_missing(values) | shapely.is_empty(values)).all())


def _polygons(geoms: np.ndarray) -> np.ndarray:
    """The polygonal part of each geometry; None where nothing can be drawn."""
    geoms = polygonal_part(np.asarray(geoms, dtype=object))
    drawable = np.isin(shapely.get_type_id(geoms), (3, 6)) & ~shapely.is_empty(geoms)
    return np.where(drawable, geoms, None)


def _encode(geoms: np.ndarray, origin: tuple[int, int]) -> list:
    """Polygons as nested lists (geometry → polygons → rings), a ring flat [dlat, dlon, …] in 1e-6°.

    The first point of a ring is relative to ``origin``, the others to the point
    before; the closing point is dropped (Leaflet closes rings itself).
    """
    if len(geoms) == 0:
        return []
    _, coords, offsets = shapely.to_ragged_array(geoms)
    if len(offsets) == 2:  # Polygons only: one polygon per geometry
        offsets = (*offsets, np.arange(len(geoms) + 1))
    ring_end, poly_end, geom_end = offsets
    ints = np.round(coords[:, ::-1] * 10**_DIGITS).astype(np.int64)
    deltas = np.diff(ints, axis=0, prepend=ints[:1])
    starts = ring_end[:-1]
    deltas[starts] = ints[starts] - np.asarray(origin)
    rings = [deltas[a : b - 1].ravel().tolist() for a, b in pairwise(ring_end)]
    polys = [rings[a:b] for a, b in pairwise(poly_end)]
    return [polys[a:b] for a, b in pairwise(geom_end)]


def _origin(bounds: np.ndarray) -> tuple[int, int]:
    return (round(bounds[1] * 10**_DIGITS), round(bounds[0] * 10**_DIGITS))


# ------------------------------------------------------------------ values as text


def _text(value: object, column: str) -> str | None:
    """A value as the text a tooltip shows; None (row left out) for a missing value or no overlap."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_):
        return "是" if value else "否"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float | np.floating):
        if math.isnan(value) or (value == 0 and column in _OVERLAP_COLUMNS):
            return None
        if is_fraction(column):
            return f"{value * 100:.1f}"
        if column.startswith("days"):
            return f"{value:.0f}"
        return f"{value:,.2f}"
    text = str(value)
    if text == "":
        return None
    if column in ("status", "idle_status", "map_category"):
        return STATUS_LABELS.get(text, text)
    if column == "violations":
        return "、".join(label(key) for key in text.split(";") if key)
    return text


def _values(frame: pd.DataFrame, fields: Sequence[str]) -> list[list[str | None]]:
    columns = [[_text(v, col) for v in frame[col].tolist()] for col in fields]
    return [list(row) for row in zip(*columns, strict=True)] if columns else [[]] * len(frame)


# ------------------------------------------------------------------ folium elements

_SCRIPT = """
<style>
.landkit-legend{background:#fff;padding:6px 8px;border-radius:4px;box-shadow:0 0 4px rgba(0,0,0,.3);
font:12px/1.5 sans-serif}
.landkit-legend i{display:inline-block;width:18px;height:12px;margin-right:6px;
vertical-align:middle}
.landkit-table th{text-align:left;padding-right:8px;font-weight:normal;color:#555}
.landkit-table td{font-weight:bold}
</style>
<script>
function landkitTable(fields, values, n) {
  var table = document.createElement("table");
  table.className = "landkit-table";
  for (var i = 0; i < n; i++) {
    if (values[i] === null) continue;
    var row = table.insertRow();
    var th = document.createElement("th");
    th.textContent = fields[i];
    row.appendChild(th);
    row.insertCell().textContent = values[i];
  }
  return table;
}
function landkitContains(polygons, y, x) {
  var inside = false;
  polygons.forEach(function (rings) {
    rings.forEach(function (r) {
      for (var i = 0, j = r.length - 1; i < r.length; j = i++) {
        if ((r[i][0] > y) !== (r[j][0] > y) &&
            x < (r[j][1] - r[i][1]) * (y - r[i][0]) / (r[j][0] - r[i][0]) + r[i][1]) {
          inside = !inside;
        }
      }
    });
  });
  return inside;
}
function landkitPicker(shapes) {
  var boxes = shapes.map(function (polygons) {
    var b = [Infinity, Infinity, -Infinity, -Infinity];
    polygons.forEach(function (rings) { rings[0].forEach(function (p) {
      b[0] = Math.min(b[0], p[0]); b[1] = Math.min(b[1], p[1]);
      b[2] = Math.max(b[2], p[0]); b[3] = Math.max(b[3], p[1]);
    }); });
    return b;
  });
  var all = boxes.reduce(function (a, b) {
    return [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])];
  }, [Infinity, Infinity, -Infinity, -Infinity]);
  var n = Math.max(1, Math.min(256, Math.ceil(Math.sqrt(shapes.length))));
  var sy = (all[2] - all[0]) / n || 1, sx = (all[3] - all[1]) / n || 1, cells = {};
  function cell(v, lo, s) { return Math.max(0, Math.min(n - 1, Math.floor((v - lo) / s))); }
  boxes.forEach(function (b, k) {
    for (var i = cell(b[0], all[0], sy); i <= cell(b[2], all[0], sy); i++) {
      for (var j = cell(b[1], all[1], sx); j <= cell(b[3], all[1], sx); j++) {
        (cells[i * n + j] = cells[i * n + j] || []).push(k);
      }
    }
  });
  return function (latlng) {
    var y = latlng.lat, x = latlng.lng;
    if (y < all[0] || y > all[2] || x < all[1] || x > all[3]) return -1;
    var found = cells[cell(y, all[0], sy) * n + cell(x, all[1], sx)] || [];
    for (var i = 0; i < found.length; i++) {
      var b = boxes[found[i]];
      if (y >= b[0] && y <= b[2] && x >= b[1] && x <= b[3] &&
          landkitContains(shapes[found[i]], y, x)) return found[i];
    }
    return -1;
  };
}
function landkitInstall(map) {
  var tooltip = L.tooltip({sticky: true, direction: "top", offset: [0, -8]}), last = null;
  function hit(latlng) {
    for (var i = map.landkitLayers.length - 1; i >= 0; i--) {
      var entry = map.landkitLayers[i];
      if (!map.hasLayer(entry.group)) continue;
      var k = entry.pick(latlng);
      if (k >= 0) return {entry: entry, k: k};
    }
    return null;
  }
  map.on("mousemove", function (e) {
    var h = hit(e.latlng);
    map.getContainer().style.cursor = h ? "pointer" : "";
    if (!h) { last = null; map.closeTooltip(tooltip); return; }
    var d = h.entry.d, key = h.entry.id + ":" + h.k;
    if (key !== last) {
      tooltip.setContent(landkitTable(d.fields, d.features[h.k][2], Math.min(d.tooltip, d.fields.length)));
      last = key;
    }
    tooltip.setLatLng(e.latlng);
    if (!map.hasLayer(tooltip)) tooltip.openOn(map);
  });
  map.on("mouseout", function () { last = null; map.closeTooltip(tooltip); });
  map.on("click", function (e) {
    var h = hit(e.latlng);
    if (!h) return;
    var d = h.entry.d;
    L.popup({maxWidth: 460, maxHeight: 360}).setLatLng(e.latlng)
      .setContent(landkitTable(d.fields, d.features[h.k][2], d.fields.length)).openOn(map);
  });
}
function landkitLayer(d, map) {
  var scale = Math.pow(10, d.digits), group = L.featureGroup();
  function ring(flat) {
    var y = d.origin[0], x = d.origin[1], out = new Array(flat.length / 2);
    for (var i = 0; i < flat.length; i += 2) {
      y += flat[i]; x += flat[i + 1]; out[i / 2] = [y / scale, x / scale];
    }
    return out;
  }
  function decode(g) { return g.map(function (p) { return p.map(ring); }); }
  function draw(parts, counts) {
    // Canvas fills one huge path very slowly; a few dozen polygons per path are fast.
    d.styles.forEach(function (style, i) {
      if (!counts[i]) return;
      var options = L.extend({}, style, {interactive: false}), chunk = 64, layers = [];
      for (var k = 0; k < parts[i].length; k += chunk) {
        layers.push(L.polygon(parts[i].slice(k, k + chunk), options));
      }
      var layer = L.featureGroup(layers);
      layer.landkitFeatures = counts[i];
      group.addLayer(layer);
    });
  }
  function empty() { return d.styles.map(function () { return []; }); }
  var parts = empty(), counts = d.styles.map(function () { return 0; });
  d.bulk.forEach(function (b) {
    b[1].forEach(function (g) { decode(g).forEach(function (p) { parts[b[0]].push(p); }); });
    counts[b[0]] += b[1].length;
  });
  draw(parts, counts);
  parts = empty(); counts = counts.map(function () { return 0; });
  var shapes = d.features.map(function (f) {
    var polygons = decode(f[0]);
    polygons.forEach(function (p) { parts[f[1]].push(p); });
    counts[f[1]] += 1;
    return polygons;
  });
  draw(parts, counts);
  if (shapes.length) {
    if (!map.landkitLayers) { map.landkitLayers = []; landkitInstall(map); }
    map.landkitLayers.push({id: map.landkitLayers.length, group: group, d: d,
                            pick: landkitPicker(shapes)});
  }
  return group;
}
</script>
"""


def _json(data: object) -> str:
    """JSON that is safe inside a <script> element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class _VectorLayer(folium.map.Layer):
    """An overlay drawn by ``landkitLayer`` from compact JSON."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = landkitLayer({{ this.payload }}, {{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, payload: dict, name: str):
        super().__init__(name=name, overlay=True, control=True)
        self._name = "LandkitLayer"
        self.payload = _json(payload)

    def render(self, **kwargs):
        self.get_root().header.add_child(Element(_SCRIPT), name="landkit_script")
        super().render(**kwargs)


class _Legend(MacroElement):
    """A legend control built from text nodes."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
          var items = {{ this.items }};
          var control = L.control({position: "bottomright"});
          control.onAdd = function () {
            var div = L.DomUtil.create("div", "landkit-legend");
            var title = document.createElement("b");
            title.textContent = "图例";
            div.appendChild(title);
            items.forEach(function (item) {
              var row = document.createElement("div");
              var swatch = document.createElement("i");
              swatch.style.background = item[1];
              swatch.style.border = "2px " + item[3] + " " + item[2];
              row.appendChild(swatch);
              row.appendChild(document.createTextNode(item[0]));
              div.appendChild(row);
            });
            return div;
          };
          control.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, items: list[tuple[str, str, str, str]]):
        super().__init__()
        self._name = "LandkitLegend"
        self.items = _json(items)


def _legend_item(text: str, style: Mapping[str, object]) -> tuple[str, str, str, str]:
    fill = style.get("fillColor", style["color"]) if style.get("fill", True) else "transparent"
    line = "dashed" if style.get("dashArray") else "solid"
    return (text, str(fill), str(style["color"]), line)


# ------------------------------------------------------------------ layers


def _feature_payload(
    gdf: gpd.GeoDataFrame,
    categories: pd.Series,
    styles: Mapping[str, dict],
    fields: Sequence[str],
    origin: tuple[int, int],
    *,
    tooltip: int,
    bulk: np.ndarray,
) -> dict:
    """Payload of a layer: interactive features and simplified, light bulk."""
    geoms = _polygons(gdf.geometry.values)
    drawn = geoms != None  # noqa: E711 (element-wise)
    names = list(styles)
    code = categories.map({name: i for i, name in enumerate(names)}).to_numpy()
    one = drawn & ~bulk
    values = _values(gdf[one], fields)
    features = [
        [g, int(c), v]
        for g, c, v in zip(_encode(geoms[one], origin), code[one], values, strict=True)
    ]
    light = []
    for i in range(len(names)):
        chosen = drawn & bulk & (code == i)
        if chosen.any():
            simple = shapely.simplify(geoms[chosen], _BULK_TOLERANCE, preserve_topology=True)
            light.append([i, _encode(simple, origin)])
    return _payload(origin, [column_label(col) for col in fields], tooltip, styles, features, light)


def _payload(origin, fields: list[str], tooltip: int, styles, features: list, bulk: list) -> dict:
    """What ``landkitLayer`` draws: style list, interactive features, light bulk by style."""
    return {
        "digits": _DIGITS,
        "origin": list(origin),
        "fields": fields,
        "tooltip": tooltip,
        "styles": list(styles.values()),
        "features": features,
        "bulk": bulk,
    }


def _parcel_layer(parcels: gpd.GeoDataFrame, origin, fields, interactive_limit: int) -> tuple:
    categories = parcel_category(parcels)
    frame = parcels.assign(map_category=categories)
    shown = [col for col in (fields or _PARCEL_FIELDS) if col in frame.columns]
    styles = {
        name: {"color": CATEGORY_COLOURS[name], "weight": 1, "fillOpacity": 0.6}
        for name in CATEGORIES
    }
    if len(parcels) > interactive_limit:
        bulk = ~categories.isin(_FLAGGED).to_numpy()
        for name in ("compliant", "not_evaluated"):
            styles[name] = {**styles[name], "weight": 0.5, "fillOpacity": 0.35}
    else:
        bulk = np.zeros(len(parcels), dtype=bool)
    payload = _feature_payload(
        frame, categories, styles, shown, origin, tooltip=min(3, len(shown)), bulk=bulk
    )
    present = [name for name in CATEGORIES if (categories == name).any()]
    legend = [_legend_item(STATUS_LABELS[name], styles[name]) for name in present]
    return payload, legend


def _park_layer(parks: gpd.GeoDataFrame, origin) -> dict:
    shown = [col for col in _PARK_FIELDS if col in parks.columns]
    categories = pd.Series("park", index=parks.index)
    bulk = np.zeros(len(parks), dtype=bool)
    return _feature_payload(
        parks, categories, {"park": _PARK_STYLE}, shown, origin, tooltip=2, bulk=bulk
    )


def _line_payload(key: str, layer: gpd.GeoDataFrame, origin, clip) -> dict:
    geoms = _polygons(layer.geometry.values)
    geoms = geoms[geoms != None]  # noqa: E711
    if clip is not None and len(geoms):
        geoms = geoms[shapely.intersects(geoms, shapely.box(*clip))]
    bulk = [[0, _encode(geoms, origin)]] if len(geoms) else []
    return _payload(origin, [], 0, {key: _LINE_STYLES[key]}, [], bulk)


def _add_basemap(fmap: folium.Map, basemap: Basemap, key: str | None) -> None:
    if basemap is None:
        return
    if basemap == "osm":
        folium.TileLayer("OpenStreetMap", name="OpenStreetMap").add_to(fmap)
        return
    key = key or os.environ.get("TIANDITU_KEY")
    if not key:
        msg = (
            "basemap 'tianditu' needs a key. Fix: pass tianditu_key= or set the TIANDITU_KEY "
            "environment variable (keys: https://console.tianditu.gov.cn/api/key)."
        )
        raise InputError(msg)
    base, notes, name = (
        ("vec", "cva", "天地图矢量") if basemap == "tianditu" else ("img", "cia", "天地图影像")
    )
    common = {"attr": "天地图 © 国家地理信息公共服务平台", "subdomains": "01234567", "max_zoom": 18}
    folium.TileLayer(_TIANDITU.format(layer=base, key=key), name=name, **common).add_to(fmap)
    folium.TileLayer(
        _TIANDITU.format(layer=notes, key=key), name="天地图注记", overlay=True, **common
    ).add_to(fmap)


def _use_local_leaflet(fmap: folium.Map, leaflet: str | os.PathLike) -> None:
    """Load Leaflet from a local folder (or a URL prefix) and nothing from a CDN."""
    text = os.fspath(leaflet)
    if text.startswith(("http://", "https://")):
        base = text.rstrip("/") + "/"
    else:
        folder = Path(text).resolve()
        missing = [name for name in ("leaflet.js", "leaflet.css") if not (folder / name).is_file()]
        if missing:
            msg = (
                f"leaflet: {folder} lacks {', '.join(missing)}. Fix: point leaflet= at the "
                "folder holding leaflet.js and leaflet.css (npm's leaflet/dist)."
            )
            raise InputError(msg)
        base = folder.as_uri() + "/"
    fmap.default_js = [("leaflet", base + "leaflet.js")]
    fmap.default_css = [("leaflet_css", base + "leaflet.css")]


def make_map(
    *,
    parks: gpd.GeoDataFrame | None = None,
    parcels: gpd.GeoDataFrame | None = None,
    lines: Mapping[str, gpd.GeoDataFrame] | str | os.PathLike | None = None,
    basemap: Basemap = "osm",
    tianditu_key: str | None = None,
    leaflet: str | os.PathLike | None = None,
    coordinates: Coordinates = "auto",
    fields: Sequence[str] | None = None,
    interactive_limit: int = 5000,
) -> folium.Map:
    """An interactive map of parks, the three lines and parcels coloured by finding.

    Parameters
    ----------
    parks : GeoDataFrame, optional
        Park boundaries; tooltips show the name and id.
    parcels : GeoDataFrame, optional
        Parcels, usually a result of :func:`landkit.check_three_lines`,
        :func:`landkit.detect_idle` or both joined; coloured by
        :func:`parcel_category`, with a tooltip (id, finding, area) and a popup
        of the key figures in Chinese with units.
    lines : mapping or path, optional
        ``ecological_redline``, ``basic_farmland``, ``urban_boundary`` layers
        (or a GeoPackage holding layers of those names); drawn red, yellow and
        as a purple dashed line, clipped to the parks and parcels.
    basemap : {"osm", "tianditu", "tianditu_img", None}
        OpenStreetMap; 天地图 vector or imagery with labels; ``None`` for none
        (offline).
    tianditu_key : str, optional
        The 天地图 key; default the ``TIANDITU_KEY`` environment variable. The
        key is written into the map's HTML, as tile URLs need it.
    leaflet : path or URL, optional
        A folder (or an http(s) URL prefix) holding ``leaflet.js`` and ``leaflet.css``, for
        maps that must work without internet (e.g. ``node_modules/leaflet/dist``
        after ``npm install leaflet``). Then nothing is loaded from a CDN.
    coordinates : {"auto", "gcj02", "bd09"}
        ``"auto"``: layers marked as GCJ-02/BD-09 by :func:`landkit.crs.to_gcj02`
        are converted back; ``"gcj02"``/``"bd09"`` declares every lon/lat layer
        to hold such values. They are converted to CGCS2000, never drawn offset.
    fields : sequence of str, optional
        Parcel columns for the popup, in order (default: the ids, the finding,
        the area and whichever result columns are present).
    interactive_limit : int
        Above this many parcels, parcels without a finding are drawn light and
        non-interactive.

    Returns
    -------
    folium.Map
        Fitted to the data, with a layer control, a legend and a scale bar.

    Examples
    --------
    >>> import landkit as lk
    >>> sample = lk.sample_data_path()
    >>> parcels = lk.check_three_lines(lk.read_layer(sample, "parcels"), sample)
    >>> m = make_map(parks=lk.read_layer(sample, "parks"), parcels=parcels, lines=sample,
    ...              basemap=None)
    >>> "landkit-legend" in m.get_root().render()
    True
    """
    if basemap not in ("osm", "tianditu", "tianditu_img", None):
        msg = f"basemap must be 'osm', 'tianditu', 'tianditu_img' or None, got {basemap!r}"
        raise InputError(msg)
    if coordinates not in ("auto", "gcj02", "bd09"):
        msg = f"coordinates must be 'auto', 'gcj02' or 'bd09', got {coordinates!r}"
        raise InputError(msg)
    line_layers = read_lines(lines) if lines is not None else {}
    shown = {
        name: _display(gdf, name, coordinates)
        for name, gdf in {"parks": parks, "parcels": parcels, **line_layers}.items()
        if gdf is not None
    }
    focus = [shown[name] for name in ("parks", "parcels") if name in shown]
    extent_layers = focus or [shown[name] for name in shown]
    if not extent_layers or all(_nothing_to_draw(layer) for layer in extent_layers):
        msg = "make_map: nothing to draw. Fix: pass parks, parcels or lines with geometries."
        raise InputError(msg)
    bounds = np.array([layer.total_bounds for layer in extent_layers])
    west, south = np.nanmin(bounds[:, :2], axis=0)
    east, north = np.nanmax(bounds[:, 2:], axis=0)
    pad_x, pad_y = (east - west) * 0.2 + 1e-3, (north - south) * 0.2 + 1e-3
    clip = (west - pad_x, south - pad_y, east + pad_x, north + pad_y) if focus else None
    origin = _origin(np.array([west, south]))

    fmap = folium.Map(tiles=None, control_scale=True, prefer_canvas=True)
    if leaflet is not None:
        _use_local_leaflet(fmap, leaflet)
    _add_basemap(fmap, basemap, tianditu_key)
    legend = []
    for key in LINE_KEYS:
        if key in shown:
            payload = _line_payload(key, shown[key], origin, clip)
            _VectorLayer(payload, label(key)).add_to(fmap)
            legend.append(_legend_item(label(key), _LINE_STYLES[key]))
    if "parks" in shown:
        _VectorLayer(_park_layer(shown["parks"], origin), "园区边界").add_to(fmap)
        legend.append(_legend_item("园区边界", _PARK_STYLE))
    if "parcels" in shown:
        payload, items = _parcel_layer(shown["parcels"], origin, fields, interactive_limit)
        _VectorLayer(payload, "宗地").add_to(fmap)
        legend.extend(items)
    _Legend(legend).add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    fmap.fit_bounds([[south, west], [north, east]])
    return fmap


# ------------------------------------------------------------------ static maps

_CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Noto Serif CJK SC",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
)
_CJK_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


def cjk_font() -> str | None:
    """The family name of an installed font with Chinese glyphs, or None.

    Looks for Noto Sans CJK, Source Han Sans, WenQuanYi and common system fonts
    among matplotlib's fonts, then at Debian's font paths.
    """
    from matplotlib import font_manager

    names = {font.name for font in font_manager.fontManager.ttflist}
    for family in _CJK_FAMILIES:
        if family in names:
            return family
    for path in _CJK_FILES:
        if Path(path).is_file():
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name()
    return None


def _nice_length(span: float) -> float:
    """A round length (1, 2 or 5 × 10^n) near a fifth of ``span``."""
    target = span / 5
    power = 10 ** math.floor(math.log10(target))
    return max(step * power for step in (1, 2, 5) if step * power <= target)


def _scale_bar(ax, length: float) -> None:
    from matplotlib.patches import Rectangle

    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    left, base = x0 + (x1 - x0) * 0.05, y0 + (y1 - y0) * 0.05
    height = (y1 - y0) * 0.012
    half = length / 2
    for i, colour in enumerate(("black", "white")):
        ax.add_patch(
            Rectangle((left + i * half, base), half, height, facecolor=colour, edgecolor="black")
        )
    unit, value = ("km", length / 1000) if length >= 1000 else ("m", length)
    for x, text in ((left, "0"), (left + length, f"{value:g} {unit}")):
        ax.text(x, base + height * 1.6, text, ha="center", va="bottom", fontsize=8)


def _north_arrow(ax) -> None:
    ax.annotate(
        "北",
        xy=(0.94, 0.95),
        xytext=(0.94, 0.84),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=11,
        arrowprops={"facecolor": "black", "width": 4, "headwidth": 11},
    )


def _draw_lines(ax, lines, plane, window: tuple[float, ...]) -> list:
    """Draw the three lines near the window; legend handles for those that show."""
    from matplotlib.patches import Patch

    xmin, ymin, xmax, ymax = window
    reach = max(xmax - xmin, ymax - ymin)  # clip edges this far out never show
    margin = (xmin - reach, ymin - reach, xmax + reach, ymax + reach)
    handles = []
    for key, layer in read_lines(lines).items():
        layer = _true_coordinates(layer, key, "auto")
        geoms = gpd.GeoSeries(layer.geometry.values, crs=layer.crs).to_crs(plane)
        near = geoms.clip_by_rect(*margin).values
        near = near[~(shapely.is_empty(near) | shapely.is_missing(near))]
        if not shapely.intersects(near, shapely.box(*window)).any():
            continue
        style = _LINE_STYLES[key]
        face = style.get("fillColor", "none") if style.get("fill", True) else "none"
        line = "--" if style.get("dashArray") else "-"
        gpd.GeoSeries(near, crs=plane).plot(
            ax=ax, facecolor=face, edgecolor=style["color"], linestyle=line, linewidth=1.2,
            alpha=0.6 if face != "none" else 1,
        )  # fmt: skip
        handles.append(
            Patch(facecolor=face, edgecolor=style["color"], linestyle=line, label=label(key))
        )
    return handles


def _draw_parcels(ax, parcels: gpd.GeoDataFrame, plane) -> list:
    """Draw parcels coloured by category; legend handles of the categories present."""
    from matplotlib.patches import Patch

    parcels = _true_coordinates(parcels, "parcels", "auto")
    values = parcels.geometry.values
    drawn = parcels[~(shapely.is_missing(values) | shapely.is_empty(values))].to_crs(plane)
    categories = parcel_category(drawn).to_numpy()
    handles = []
    for name in CATEGORIES:
        chosen = drawn[categories == name]
        if len(chosen):
            colour = CATEGORY_COLOURS[name]
            chosen.plot(ax=ax, facecolor=colour, edgecolor="#444444", linewidth=0.4, alpha=0.8)
            handles.append(Patch(facecolor=colour, edgecolor="#444444", label=STATUS_LABELS[name]))
    return handles


def _decorate(ax, window: tuple[float, ...], title: str, handles: list) -> None:
    """Title, metre grid, legend, north arrow and scale bar."""
    from matplotlib.ticker import FuncFormatter

    ax.set_xlim(window[0], window[2])
    ax.set_ylim(window[1], window[3])
    ax.set_aspect("equal")
    ax.set_title(title, fontsize=15)
    ax.grid(True, color="#999999", linewidth=0.4, linestyle=":")
    metres = FuncFormatter(lambda value, _: f"{value:,.0f}")
    ax.xaxis.set_major_formatter(metres)
    ax.yaxis.set_major_formatter(metres)
    ax.tick_params(labelsize=7)
    ax.tick_params(axis="y", labelrotation=90)
    ax.set_xlabel("Y（东坐标，m）", fontsize=8)
    ax.set_ylabel("X（北坐标，m）", fontsize=8)
    ax.legend(handles=handles, title="图例", fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1))
    _north_arrow(ax)
    _scale_bar(ax, _nice_length(window[2] - window[0]))


def static_map(
    parks: gpd.GeoDataFrame,
    *,
    parcels: gpd.GeoDataFrame | None = None,
    lines: Mapping[str, gpd.GeoDataFrame] | str | os.PathLike | None = None,
    park_id: str | None = None,
    title: str | None = None,
    path: str | os.PathLike | None = None,
    dpi: int = 200,
):
    """A print map of a park: boundary, lines, parcels, legend, north arrow, scale bar and grid.

    Drawn in the Gauss-Krüger CRS landkit measures the park's area in, so the
    grid is in metres (X north, Y east) and the scale bar is true. Layers marked
    as GCJ-02/BD-09 (:func:`landkit.crs.to_gcj02`) are converted back first.

    Parameters
    ----------
    parks : GeoDataFrame
        Parks; with ``park_id`` only that park is drawn (and its parcels).
    parcels : GeoDataFrame, optional
        Parcels coloured as in :func:`make_map`.
    lines : mapping or path, optional
        The three line layers, as for :func:`make_map`.
    park_id : str, optional
        The park to draw; default all parks given.
    title : str, optional
        Default: the park's name and “土地利用与三线管控图”.
    path : str or Path, optional
        Write a PNG there (whole, then renamed).
    dpi : int
        Resolution of the PNG.

    Returns
    -------
    matplotlib.figure.Figure

    Warns
    -----
    UserWarning
        When no font with Chinese glyphs is found (Chinese text would render
        as boxes); install Debian's ``fonts-noto-cjk`` or a font package.

    Examples
    --------
    >>> import landkit as lk
    >>> sample = lk.sample_data_path()
    >>> parks = lk.read_layer(sample, "parks")
    >>> fig = static_map(parks, parcels=lk.read_layer(sample, "parcels"), lines=sample,
    ...                  park_id=parks["park_id"].iloc[0])
    >>> fig.axes[0].get_title()
    '昆明经济技术开发区 土地利用与三线管控图'
    """
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    parks = _true_coordinates(parks, "parks", "auto")
    if park_id is not None:
        if "park_id" not in parks.columns or not parks["park_id"].eq(park_id).any():
            msg = f"parks: no park with park_id {park_id!r}. Fix: pass an existing park_id."
            raise InputError(msg)
        parks = parks[parks["park_id"].eq(park_id)]
        if parcels is not None and "park_id" in parcels.columns:
            parcels = parcels[parcels["park_id"].eq(park_id)]
    if shapely.is_missing(parks.geometry.values).all():
        msg = "parks: no geometry to draw. Fix: pass parks with boundaries."
        raise InputError(msg)
    plane = lkcrs.area_crs(parks)
    parks = parks.to_crs(plane)
    xmin, ymin, xmax, ymax = parks.total_bounds
    pad = max(xmax - xmin, ymax - ymin) * 0.08
    window = (xmin - pad, ymin - pad, xmax + pad, ymax + pad)
    if title is None:
        names = parks["name"].dropna().astype(str).tolist() if "name" in parks.columns else []
        title = f"{'、'.join(names[:2]) or '园区'} 土地利用与三线管控图"
    family = cjk_font()
    if family is None:
        warnings.warn(
            "no font with Chinese glyphs found; Chinese text will render as boxes. "
            "Fix: install fonts-noto-cjk (apt) or a font package that ships Noto Sans CJK.",
            OutputWarning,
            stacklevel=2,
        )
    fonts = [family, "DejaVu Sans"] if family else ["DejaVu Sans"]
    with rc_context({"font.family": fonts, "axes.unicode_minus": False}):
        fig = Figure(figsize=(10, 8), dpi=dpi, layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        handles = _draw_lines(ax, lines, plane, window) if lines is not None else []
        if parcels is not None:
            handles += _draw_parcels(ax, parcels, plane)
        parks.boundary.plot(ax=ax, color=_PARK_STYLE["color"], linewidth=2)
        handles.append(Line2D([], [], color=_PARK_STYLE["color"], linewidth=2, label="园区边界"))
        _decorate(ax, window, title, handles)
        fig.text(0.01, 0.005, f"坐标系：{plane.name}", fontsize=7, color="#555555")
        if path is not None:
            with atomic_path(path) as tmp:
                fig.savefig(tmp, format="png", dpi=dpi)
    return fig
