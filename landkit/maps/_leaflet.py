"""The folium side of :func:`landkit.maps.make_map`: map elements, basemaps and Leaflet's files.

Imported only when a map is made, so that ``import landkit.maps`` does not load
folium. The drawing code itself is ``canvas.js`` (and ``canvas.css``) beside
this module, shipped as package data and inlined once into each map.

Leaflet's release files (``leaflet/leaflet.js``, ``leaflet.css``, the images
its style sheet names and its BSD-2 ``LICENSE``) ship beside this module too
and are inlined into every map, images as data URIs, in place of folium's
CDN links (Leaflet, jQuery, Bootstrap, Font Awesome), which a landkit map
does not need: a saved map is one file that works without a network.
"""

from __future__ import annotations

import base64
import json
import os
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

from ..errors import InputError

Basemap = Literal["osm", "tianditu", "tianditu_img"] | None

_TIANDITU = (
    "https://t{{s}}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
    "&LAYER={layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
    "&TILEMATRIX={{z}}&TILEROW={{y}}&TILECOL={{x}}&tk={key}"
)


@cache
def _script() -> str:
    """The style and script every landkit map carries, read from the package's files."""
    folder = resources.files("landkit.maps")
    css = (folder / "canvas.css").read_text(encoding="utf-8")
    js = (folder / "canvas.js").read_text(encoding="utf-8")
    return f"\n<style>\n{css}</style>\n<script>\n{js}</script>\n"


def to_json(data: object) -> str:
    """JSON that is safe inside a <script> element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _add_script(element: MacroElement) -> None:
    element.get_root().header.add_child(Element(_script()), name="landkit_script")


class VectorLayer(folium.map.Layer):
    """An overlay drawn by ``landkitLayer`` (canvas.js) from compact JSON."""

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
        self.payload = to_json(payload)

    def render(self, **kwargs):
        _add_script(self)
        super().render(**kwargs)


class Legend(MacroElement):
    """A legend control drawn by ``landkitLegend`` (canvas.js) from text nodes."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        landkitLegend({{ this.title }}, {{ this.items }}, {{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, items: list[tuple[str, str, str, str]], title: str = "图例"):
        super().__init__()
        self._name = "LandkitLegend"
        self.items = to_json(items)
        self.title = to_json(title)

    def render(self, **kwargs):
        _add_script(self)
        super().render(**kwargs)


def add_basemap(fmap: folium.Map, basemap: Basemap, key: str | None) -> None:
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


def _inline_images(css: str, read) -> str:
    """The style sheet with ``url(images/…)`` replaced by data URIs (``read(name)`` gives bytes)."""

    def data_uri(match: re.Match) -> str:
        try:
            data = read(match.group(1))
        except OSError:
            return match.group(0)
        return f"url(data:image/png;base64,{base64.b64encode(data).decode('ascii')})"

    return re.sub(r"url\((images/[\w.-]+\.png)\)", data_uri, css)


def _read_leaflet(folder) -> tuple[str, str]:
    """Leaflet's script and style sheet (images inlined) from a folder or package resource."""
    missing = [name for name in ("leaflet.js", "leaflet.css") if not (folder / name).is_file()]
    if missing:
        msg = (
            f"leaflet: {folder} lacks {', '.join(missing)}. Fix: point leaflet= at the "
            "folder holding leaflet.js and leaflet.css (Leaflet's dist folder), or leave it out "
            "to use the Leaflet that comes with landkit."
        )
        raise InputError(msg)
    css = (folder / "leaflet.css").read_text(encoding="utf-8")
    css = _inline_images(css, lambda name: (folder / name).read_bytes())
    return (folder / "leaflet.js").read_text(encoding="utf-8"), css


@cache
def _packaged_leaflet() -> tuple[str, str]:
    return _read_leaflet(resources.files("landkit.maps") / "leaflet")


def _safe_in_script(text: str) -> str:
    """Script or style text that cannot end its element early."""
    return re.sub(r"</(script|style)", r"<\\/\1", text, flags=re.IGNORECASE)


def use_leaflet(fmap: folium.Map, leaflet: str | os.PathLike | None) -> None:
    """Give the map Leaflet and nothing from a CDN.

    ``None``: the Leaflet that ships with landkit, inlined; a folder holding
    ``leaflet.js`` and ``leaflet.css``: those files, inlined; an http(s) URL
    prefix: links to the files there (an intranet server).
    """
    fmap.default_js = []
    fmap.default_css = []
    text = None if leaflet is None else os.fspath(leaflet)
    if text is not None and text.startswith(("http://", "https://")):
        base = text.rstrip("/") + "/"
        fmap.default_js = [("leaflet", base + "leaflet.js")]
        fmap.default_css = [("leaflet_css", base + "leaflet.css")]
        return
    js, css = _packaged_leaflet() if text is None else _read_leaflet(Path(text).resolve())
    css, js = _safe_in_script(css), _safe_in_script(js)
    inline = f"<style>\n{css}\n</style>\n<script>\n{js}\n</script>\n"
    fmap.get_root().header.add_child(Element(inline), name="leaflet", index=0)


class MetricScale(MacroElement):
    """A scale bar in metres and kilometres only."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.control.scale({metric: true, imperial: false, maxWidth: 150})
            .addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )


class Title(MacroElement):
    """The map's title, a control at the top drawn by ``landkitTitle`` (canvas.js)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        landkitTitle({{ this.text }}, {{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, text: str):
        super().__init__()
        self._name = "LandkitTitle"
        self.text = to_json(text)

    def render(self, **kwargs):
        _add_script(self)
        super().render(**kwargs)
