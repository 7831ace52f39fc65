"""Print maps of a park with matplotlib: :func:`static_map` and the font it needs.

A park is drawn in the Gauss-Krüger CRS landkit measures its area in, with its
boundary, the three lines, parcels coloured by :func:`~landkit.maps.parcel_category`,
a legend, a north arrow, a scale bar and a metre grid. matplotlib is imported
when a map is drawn, not when this module is.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import shapely

from .. import crs as lkcrs
from ..errors import InputError, OutputWarning
from ..geometry import is_absent
from ..io import atomic_path, read_lines
from ..labels import label, value_label
from .categories import (
    CATEGORIES,
    CATEGORY_COLOURS,
    LINE_STYLES,
    PARK_STYLE,
    parcel_category,
    true_coordinates,
)

__all__ = ["cjk_font", "static_map"]

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


def font_families() -> list[str]:
    """The font list for a figure: a CJK font first, and one warning when there is none."""
    family = cjk_font()
    if family is None:
        warnings.warn(
            "no font with Chinese glyphs found; Chinese text will render as boxes. "
            "Fix: install fonts-noto-cjk (apt) or a font package that ships Noto Sans CJK.",
            OutputWarning,
            stacklevel=3,
        )
        return ["DejaVu Sans"]
    return [family, "DejaVu Sans"]


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
        layer = true_coordinates(layer, key, "auto")
        geoms = gpd.GeoSeries(layer.geometry.values, crs=layer.crs).to_crs(plane)
        near = geoms.clip_by_rect(*margin).values
        near = near[~is_absent(near)]
        if not shapely.intersects(near, shapely.box(*window)).any():
            continue
        style = LINE_STYLES[key]
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

    parcels = true_coordinates(parcels, "parcels", "auto")
    values = parcels.geometry.values
    drawn = parcels[~is_absent(values)].to_crs(plane)
    categories = parcel_category(drawn).to_numpy()
    handles = []
    for name in CATEGORIES:
        chosen = drawn[categories == name]
        if len(chosen):
            colour = CATEGORY_COLOURS[name]
            chosen.plot(ax=ax, facecolor=colour, edgecolor="#444444", linewidth=0.4, alpha=0.8)
            handles.append(Patch(facecolor=colour, edgecolor="#444444", label=value_label("map_category", name)))
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

    parks = true_coordinates(parks, "parks", "auto")
    if park_id is not None:
        if "park_id" not in parks.columns or not parks["park_id"].eq(park_id).any():
            msg = f"parks: no park with park_id {park_id!r}. Fix: pass an existing park_id."
            raise InputError(msg)
        parks = parks[parks["park_id"].eq(park_id)]
        if parcels is not None and "park_id" in parcels.columns:
            parcels = parcels[parcels["park_id"].eq(park_id)]
    if is_absent(parks.geometry).all():
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
    fonts = font_families()
    with rc_context({"font.family": fonts, "axes.unicode_minus": False}):
        fig = Figure(figsize=(10, 8), dpi=dpi, layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        handles = _draw_lines(ax, lines, plane, window) if lines is not None else []
        if parcels is not None:
            handles += _draw_parcels(ax, parcels, plane)
        parks.boundary.plot(ax=ax, color=PARK_STYLE["color"], linewidth=2)
        handles.append(Line2D([], [], color=PARK_STYLE["color"], linewidth=2, label="园区边界"))
        _decorate(ax, window, title, handles)
        fig.text(0.01, 0.005, f"坐标系：{plane.name}", fontsize=7, color="#555555")
        if path is not None:
            with atomic_path(path) as tmp:
                fig.savefig(tmp, format="png", dpi=dpi)
    return fig
