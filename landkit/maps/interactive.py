"""Interactive maps for planners and the land bureau: :func:`make_map` (folium, Leaflet).

:func:`make_map` draws parks, the three control lines and parcels coloured by
their findings (:func:`~landkit.maps.parcel_category`) on a Leaflet map
(OpenStreetMap, 天地图 or no basemap).

Attribute values reach the browser as JSON data and are put into tooltips and
popups as text nodes (``textContent``), never as HTML, so a name such as
``<img src=x onerror=alert(1)>`` shows as written and runs nothing. Codes and
yes/no values are shown by their Chinese names (:func:`landkit.labels.value_label`).

Large layers: when a parcel layer has more than ``interactive_limit`` features,
the parcels without a finding are drawn as one light, non-interactive layer
per category, simplified to about one screen pixel at zoom 17 (≈1 m); flagged
parcels keep their tooltips and popups. Coordinates are rounded to 1e-6° (≈0.1 m)
and sent as integer differences; everything is drawn on a canvas by
``canvas.js``, which ships beside this module. folium is imported when a map
is made, not when this module is.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..constraints import LINE_KEYS, line_columns
from ..errors import InputError
from ..geometry import is_absent, is_polygonal, polygonal_part
from ..io import read_lines
from ..labels import column_label, is_fraction, label, value_label
from .categories import (
    CATEGORIES,
    CATEGORY_COLOURS,
    FLAGGED_CATEGORIES,
    LINE_STYLES,
    PARK_STYLE,
    Coordinates,
    parcel_category,
    true_coordinates,
)

if TYPE_CHECKING:
    import folium

    from ._leaflet import Basemap

__all__ = ["make_map"]

_DIGITS = 6  # 1e-6 degree ≈ 0.1 m
_BULK_TOLERANCE = 360 / (256 * 2**17)  # one screen pixel at zoom 17, in degrees (≈1 m)
_PARCEL_FIELDS = (
    "parcel_id",
    "map_category",
    "area_mu",
    "name",
    "park_id",
    "park_name",
    "land_use",
    "three_line_status",
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
)
_OVERLAP_COLUMNS = frozenset(col for key in LINE_KEYS for col in line_columns(key))
_PARK_FIELDS = ("name", "park_id", "level", "county", "approved_area_ha", "leading_industry")
ONLY_GROUPS = {
    "idle": ("recoverable", "idle", "suspected_idle", "at_risk", "government_delay"),
    "findings": FLAGGED_CATEGORIES,
}
"""Names ``only=`` accepts besides the categories: every idle-land finding, every finding."""
_ONLY_TITLES = {"idle": "闲置土地", "findings": "问题宗地"}
_FADED_STYLE = {"color": "#9e9e9e", "weight": 0.5, "fillColor": "#e0e0e0", "fillOpacity": 0.35}


# ------------------------------------------------------------------ geometry


def _display(gdf: gpd.GeoDataFrame, layer: str, coordinates: Coordinates) -> gpd.GeoDataFrame:
    """The layer in lon/lat for display; GCJ-02/BD-09 values converted to CGCS2000 first."""
    return true_coordinates(gdf, layer, coordinates).to_crs(4326)


def _nothing_to_draw(layer: gpd.GeoDataFrame) -> bool:
    values = layer.geometry.values
    return bool(is_absent(values).all())


def _polygons(geoms: np.ndarray) -> np.ndarray:
    """The polygonal part of each geometry; None where nothing can be drawn."""
    geoms = polygonal_part(np.asarray(geoms, dtype=object))
    drawable = is_polygonal(geoms) & ~is_absent(geoms)
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
        return value_label(column, value)
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
    return value_label(column, text) if text else None


def _values(frame: pd.DataFrame, fields: Sequence[str]) -> list[list[str | None]]:
    columns = [[_text(v, col) for v in frame[col].tolist()] for col in fields]
    return [list(row) for row in zip(*columns, strict=True)] if columns else [[]] * len(frame)


def _legend_item(text: str, style: Mapping[str, object]) -> tuple:
    fill = style.get("fillColor", style["color"]) if style.get("fill", True) else "transparent"
    line = "dashed" if style.get("dashArray") else "solid"
    opacity = float(style.get("fillOpacity", 1)) if style.get("fill", True) else 1.0
    return (text, str(fill), str(style["color"]), line, max(opacity, 0.35))


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


def _parcel_layer(
    parcels: gpd.GeoDataFrame, origin, fields, interactive_limit: int, chosen: tuple[str, ...]
) -> tuple:
    """Payload and legend of the parcels; those outside ``chosen`` drawn faded, as context."""
    categories = parcel_category(parcels)
    frame = parcels.assign(map_category=categories)
    if "three_line_status" not in frame.columns:
        frame = frame.rename(columns={"status": "three_line_status"})
    shown = [col for col in (fields or _PARCEL_FIELDS) if col in frame.columns]
    styles = {
        name: {"color": CATEGORY_COLOURS[name], "weight": 1, "fillOpacity": 0.6}
        for name in CATEGORIES
    }
    styles["other"] = _FADED_STYLE
    others = ~categories.isin(chosen)
    drawn_as = categories.where(~others, "other")
    bulk = others.to_numpy()
    if len(parcels) > interactive_limit:
        bulk = bulk | ~categories.isin(FLAGGED_CATEGORIES).to_numpy()
        for name in ("compliant", "not_evaluated"):
            styles[name] = {**styles[name], "weight": 0.5, "fillOpacity": 0.35}
    payload = _feature_payload(
        frame, drawn_as, styles, shown, origin, tooltip=min(3, len(shown)), bulk=bulk
    )
    present = [name for name in CATEGORIES if (drawn_as == name).any()]
    legend = [_legend_item(value_label("map_category", name), styles[name]) for name in present]
    if others.any():
        legend.append(_legend_item("其他宗地（不在本图专题内）", _FADED_STYLE))
    faded = drawn_as.isin(("compliant", "not_evaluated")) & pd.Series(bulk, index=frame.index)
    if others.any() or faded.any():
        legend.append(("浅色宗地仅作底图参照，不可点击查看", None, None, None))
    return payload, legend


def _chosen(only: str | Sequence[str] | None) -> tuple[str, ...]:
    """The categories ``only=`` selects (every category when None)."""
    if only is None:
        return CATEGORIES
    names = [only] if isinstance(only, str) else list(only)
    chosen: list[str] = []
    for name in names:
        if name in ONLY_GROUPS:
            chosen.extend(ONLY_GROUPS[name])
        elif name in CATEGORIES:
            chosen.append(name)
        else:
            known = ", ".join((*ONLY_GROUPS, *CATEGORIES))
            msg = f"only: unknown category {name!r}. Fix: use one of {known}."
            raise InputError(msg)
    return tuple(dict.fromkeys(chosen))


def _with_park_names(parcels: gpd.GeoDataFrame, parks: gpd.GeoDataFrame | None):
    """Parcels with ``park_name`` looked up in the parks by ``park_id``."""
    out = parcels
    if (
        parks is not None
        and {"park_id", "name"} <= set(parks.columns)
        and "park_id" in out.columns
        and "park_name" not in out.columns
    ):
        names = parks.dropna(subset=["park_id"]).drop_duplicates("park_id")
        out = out.assign(park_name=out["park_id"].map(names.set_index("park_id")["name"]))
    return out


def _park_layer(parks: gpd.GeoDataFrame, origin) -> dict:
    shown = [col for col in _PARK_FIELDS if col in parks.columns]
    categories = pd.Series("park", index=parks.index)
    bulk = np.zeros(len(parks), dtype=bool)
    return _feature_payload(
        parks, categories, {"park": PARK_STYLE}, shown, origin, tooltip=2, bulk=bulk
    )


def _line_payload(key: str, layer: gpd.GeoDataFrame, origin, clip) -> dict:
    geoms = _polygons(layer.geometry.values)
    geoms = geoms[geoms != None]  # noqa: E711
    if clip is not None and len(geoms):
        geoms = geoms[shapely.intersects(geoms, shapely.box(*clip))]
    bulk = [[0, _encode(geoms, origin)]] if len(geoms) else []
    return _payload(origin, [], 0, {key: LINE_STYLES[key]}, [], bulk)


def _default_title(parks: gpd.GeoDataFrame | None, only: str | Sequence[str] | None) -> str:
    names = []
    if parks is not None and "name" in parks.columns:
        names = parks["name"].dropna().astype(str).tolist()
    where = "、".join(names) if len(names) <= 2 else f"{names[0]}等 {len(names)} 个开发区"
    where = where or "开发区"
    if only is None:
        return f"{where}土地核查图"
    chosen = [only] if isinstance(only, str) else list(only)
    shown = "、".join(_ONLY_TITLES.get(name) or value_label("map_category", name) for name in chosen)
    return f"{where}{shown}分布图"


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
    only: str | Sequence[str] | None = None,
    title: str | None = None,
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
        OpenStreetMap; 天地图 vector or imagery with labels; ``None`` for none.
        Only the basemap's tiles come from the network: without one the map
        draws everything but the basemap.
    tianditu_key : str, optional
        The 天地图 key; default the ``TIANDITU_KEY`` environment variable. The
        key is written into the map's HTML, as tile URLs need it.
    leaflet : path or URL, optional
        Leaflet is inlined into the map, so a saved map is one file that works
        offline; by default the Leaflet that ships with landkit. A folder
        holding ``leaflet.js`` and ``leaflet.css`` inlines those instead; an
        http(s) URL prefix links to them there (an intranet server).
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
    only : str or sequence of str, optional
        The parcel categories the map is about (:data:`CATEGORIES`, or
        ``"idle"`` for every idle-land finding, ``"findings"`` for every
        finding). The map opens on those parcels; the others are drawn faded
        and non-interactive, as context, and the legend says so.
    title : str, optional
        The title shown on the map and as the page title; default the parks'
        names (or 开发区) and what the map shows.

    Returns
    -------
    folium.Map
        Fitted to the data (to the chosen parcels with ``only=``), with a
        title, a layer control, a legend and a metric scale bar.

    Examples
    --------
    >>> import landkit as lk
    >>> sample = lk.sample_data_path()
    >>> parcels = lk.check_three_lines(lk.read_layer(sample, "parcels"), sample)
    >>> m = make_map(parks=lk.read_layer(sample, "parks"), parcels=parcels, lines=sample,
    ...              basemap=None)
    >>> html = m.get_root().render()
    >>> "landkit-legend" in html, "cdn" in html, "L.control.scale" in html
    (True, False, True)
    """
    if basemap not in ("osm", "tianditu", "tianditu_img", None):
        msg = f"basemap must be 'osm', 'tianditu', 'tianditu_img' or None, got {basemap!r}"
        raise InputError(msg)
    if coordinates not in ("auto", "gcj02", "bd09"):
        msg = f"coordinates must be 'auto', 'gcj02' or 'bd09', got {coordinates!r}"
        raise InputError(msg)
    chosen = _chosen(only)
    line_layers = read_lines(lines) if lines is not None else {}
    if parcels is not None:
        parcels = _with_park_names(parcels, parks)
    shown = {
        name: _display(gdf, name, coordinates)
        for name, gdf in {"parks": parks, "parcels": parcels, **line_layers}.items()
        if gdf is not None
    }
    focus = [shown[name] for name in ("parks", "parcels") if name in shown]
    extent_layers = focus or [shown[name] for name in shown]
    if only is not None and "parcels" in shown:
        subject = shown["parcels"][parcel_category(shown["parcels"]).isin(chosen).to_numpy()]
        if len(subject) and not _nothing_to_draw(subject):
            extent_layers = [subject]
    if not extent_layers or all(_nothing_to_draw(layer) for layer in extent_layers):
        msg = "make_map: nothing to draw. Fix: pass parks, parcels or lines with geometries."
        raise InputError(msg)
    bounds = np.array([layer.total_bounds for layer in extent_layers])
    west, south = np.nanmin(bounds[:, :2], axis=0)
    east, north = np.nanmax(bounds[:, 2:], axis=0)
    pad_x, pad_y = (east - west) * 0.2 + 1e-3, (north - south) * 0.2 + 1e-3
    clip = (west - pad_x, south - pad_y, east + pad_x, north + pad_y) if focus else None
    origin = _origin(np.array([west, south]))

    import folium

    from ._leaflet import Legend, MetricScale, Title, VectorLayer, add_basemap, use_leaflet

    fmap = folium.Map(tiles=None, control_scale=False, prefer_canvas=True)
    use_leaflet(fmap, leaflet)
    add_basemap(fmap, basemap, tianditu_key)
    Title(title or _default_title(parks, only)).add_to(fmap)
    legend = []
    for key in LINE_KEYS:
        if key in shown:
            payload = _line_payload(key, shown[key], origin, clip)
            VectorLayer(payload, label(key)).add_to(fmap)
            legend.append(_legend_item(label(key), LINE_STYLES[key]))
    if "parks" in shown:
        VectorLayer(_park_layer(shown["parks"], origin), "园区边界").add_to(fmap)
        legend.append(_legend_item("园区边界", PARK_STYLE))
    if "parcels" in shown:
        payload, items = _parcel_layer(
            shown["parcels"], origin, fields, interactive_limit, chosen
        )
        VectorLayer(payload, "宗地").add_to(fmap)
        legend.extend(items)
    Legend(legend).add_to(fmap)
    MetricScale().add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    fmap.fit_bounds([[south, west], [north, east]])
    return fmap
