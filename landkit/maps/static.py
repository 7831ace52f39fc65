"""Print maps of a park with matplotlib: :func:`static_map` and the font it needs.

A park is drawn in the Gauss-Krüger CRS landkit measures its area in, with its
boundary, the three lines, parcels coloured by :func:`~landkit.maps.parcel_category`,
a legend, a north arrow, a scale bar and a metre grid. matplotlib is imported
when a map is drawn, not when this module is.
"""

from __future__ import annotations

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
        msg = (
            "no font with Chinese glyphs found; Chinese text will render as boxes. "
            "Fix: install fonts-noto-cjk (apt) or a font package that ships Noto Sans CJK."
        )
        zh = "未找到含中文字形的字体，图中汉字将显示为方框。请安装 fonts-noto-cjk 等中文字体"
        warnings.warn(OutputWarning.said(msg, zh), stacklevel=3)
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


def _visible(geoms, window: tuple[float, ...], *, outline: bool) -> bool:
    """Whether any of the geometries shows in the window (their outline, for unfilled styles)."""
    frame = shapely.box(*window)
    if outline:
        geoms = shapely.boundary(geoms)
    return bool(shapely.intersects(geoms, frame).any())


def _draw_lines(ax, lines, plane, window: tuple[float, ...]) -> list:
    """Draw the three lines near the window; legend handles for those that show.

    The ecological red line is a red outline with red hatching and no fill, so
    that it never looks like a violating parcel (solid red, black cross-hatch).
    """
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
        style = LINE_STYLES[key]
        filled = style.get("fill", True) and key != "ecological_redline"
        if not len(near) or not _visible(near, window, outline=not filled):
            continue
        face = style.get("fillColor", style["color"]) if filled else "none"
        line = "--" if style.get("dashArray") else "-"
        hatch = "////" if key == "ecological_redline" else None
        width = 1.6 if key == "ecological_redline" else 1.2
        gpd.GeoSeries(near, crs=plane).plot(
            ax=ax, facecolor=face, edgecolor=style["color"], linestyle=line, linewidth=width,
            hatch=hatch, alpha=0.55 if filled else 1, zorder=2,
        )  # fmt: skip
        handles.append(
            Patch(facecolor=face, edgecolor=style["color"], linestyle=line, hatch=hatch,
                  linewidth=width, alpha=0.55 if filled else 1, label=label(key))
        )  # fmt: skip
    return handles


def _draw_parcels(ax, parcels: gpd.GeoDataFrame, plane, window) -> tuple[list, gpd.GeoDataFrame]:
    """Draw parcels coloured by category; legend handles of the categories shown, the parcels."""
    from matplotlib.patches import Patch

    parcels = true_coordinates(parcels, "parcels", "auto")
    values = parcels.geometry.values
    drawn = parcels[~is_absent(values)].to_crs(plane)
    drawn = drawn[shapely.intersects(drawn.geometry.values, shapely.box(*window))]
    categories = parcel_category(drawn).to_numpy()
    handles = []
    for name in CATEGORIES:
        chosen = drawn[categories == name]
        if not len(chosen):
            continue
        style = {"facecolor": CATEGORY_COLOURS[name], "edgecolor": "#444444", "linewidth": 0.4}
        if name == "violation":  # a finding stands out from the red line's hatch
            style = {**style, "edgecolor": "black", "linewidth": 0.9, "hatch": "xx"}
        chosen.plot(ax=ax, alpha=0.85, zorder=3, **style)
        handles.append(Patch(alpha=0.85, label=value_label("map_category", name), **style))
    return handles, drawn


def _label_parcels(ax, parcels: gpd.GeoDataFrame, scale: int) -> int:
    """Parcel ids where they fit on paper (6 pt text inside the parcel); how many were labelled."""
    if "parcel_id" not in parcels.columns or not len(parcels):
        return 0
    size_pt = 5.5
    char_mm = size_pt * 0.3528 * 0.62
    xmin, xmax = ax.get_xlim()
    ymin, ymax = ax.get_ylim()
    frame = shapely.box(xmin, ymin, xmax, ymax)
    count = 0
    for ident, geom in zip(parcels["parcel_id"], parcels.geometry.values, strict=True):
        if ident is None or geom is None:
            continue
        text = str(ident)
        inner = shapely.intersection(shapely.make_valid(geom), frame)  # a bowtie is drawn as given
        if inner.is_empty:
            continue
        point = shapely.point_on_surface(inner)
        need_w = (len(text) * char_mm + 1.5) * scale / 1000
        need_h = (size_pt * 0.3528 + 1.0) * scale / 1000
        room = shapely.box(point.x - need_w / 2, point.y - need_h / 2,
                           point.x + need_w / 2, point.y + need_h / 2)  # fmt: skip
        if shapely.contains(inner, room):
            ax.text(point.x, point.y, text, ha="center", va="center", fontsize=size_pt,
                    color="#1a1a1a", zorder=5, clip_on=True,
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "alpha": 0.7,
                          "linewidth": 0})  # fmt: skip
            count += 1
    return count


def _source_text(*frames) -> str:
    """Where the layers came from: their files' names, else landkit's results."""
    names = []
    for frame in frames:
        source = getattr(frame, "attrs", {}).get("landkit_source")
        if isinstance(source, Mapping) and source.get("path"):
            names.append(Path(str(source["path"])).name)
    return "、".join(dict.fromkeys(names)) or "landkit 核查结果"


def static_map(
    parks: gpd.GeoDataFrame,
    *,
    parcels: gpd.GeoDataFrame | None = None,
    lines: Mapping[str, gpd.GeoDataFrame] | str | os.PathLike | None = None,
    park_id: str | None = None,
    title: str | None = None,
    path: str | os.PathLike | None = None,
    dpi: int = 200,
    paper: str = "auto",
    orientation: str = "auto",
    organisation: str | None = None,
    source: str | None = None,
    date: object = None,
):
    """A print map of a park to cartographic standard, on A4 or A3 at a round scale.

    The map is drawn in the Gauss-Krüger CRS landkit measures the park's area
    in, at a round scale 1:N true when printed at 100 % (:mod:`landkit.maps.layout`).
    The sheet holds the title, the map with a labelled metre grid, and beside
    it a north arrow, the legend (only what is drawn), the scale 1:N with a
    metric scale bar, the coordinate system in Chinese and the 制图单位 /
    制图日期 / 数据来源 block. A three-line violation is solid red with a black
    cross-hatch; the ecological red line a red hatched outline. Parcel ids are
    written where they fit. Layers marked as GCJ-02/BD-09
    (:func:`landkit.crs.to_gcj02`) are converted back first.

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
    paper : {"auto", "A4", "A3"}
        ``"auto"``: A4, or A3 when A4 would need a scale smaller than 1:20 000.
    orientation : {"auto", "portrait", "landscape"}
        ``"auto"``: the one that prints the park at the larger scale.
    organisation : str, optional
        The 制图单位; left blank to be filled in by hand.
    source : str, optional
        The 数据来源; default the names of the files the layers were read from.
    date : date or str, optional
        The 制图日期; default today in China.

    Returns
    -------
    matplotlib.figure.Figure
        The map frame is ``fig.axes[0]``, the panel of map elements ``fig.axes[1]``.

    Warns
    -----
    UserWarning
        Once, when no font with Chinese glyphs is found (Chinese text would
        render as boxes); install Debian's ``fonts-noto-cjk``.

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
    from matplotlib.lines import Line2D

    from . import layout

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
    try:
        sheet = layout.plan_sheet(parks.to_crs(lkcrs.area_crs(parks)).total_bounds, paper=paper,
                                  orientation=orientation)  # fmt: skip
    except ValueError as error:
        raise InputError(f"static_map: {error}") from error
    plane = lkcrs.area_crs(parks)
    parks = parks.to_crs(plane)
    window = sheet.extent
    if title is None:
        names = parks["name"].dropna().astype(str).tolist() if "name" in parks.columns else []
        title = f"{'、'.join(names[:2]) or '园区'} 土地利用与三线管控图"
    fonts = font_families()
    with rc_context({"font.family": fonts, "axes.unicode_minus": False}), warnings.catch_warnings():
        if len(fonts) == 1:  # no CJK font: font_families warned once, not once per glyph
            warnings.filterwarnings("ignore", message="Glyph .* missing from")
        fig, ax, panel = layout.figure(sheet, dpi)
        handles = _draw_lines(ax, lines, plane, window) if lines is not None else []
        drawn = None
        if parcels is not None:
            parcel_handles, drawn = _draw_parcels(ax, parcels, plane, window)
            handles += parcel_handles
        parks.boundary.plot(ax=ax, color=PARK_STYLE["color"], linewidth=2, zorder=4)
        handles.append(Line2D([], [], color=PARK_STYLE["color"], linewidth=2, label="园区边界"))
        ax.set_xlim(window[0], window[2])
        ax.set_ylim(window[1], window[3])
        if drawn is not None:
            _label_parcels(ax, drawn, sheet.scale)
        ax.set_title(title, fontsize=15, pad=10, weight="bold")
        layout.grid(ax, sheet)
        top = panel.get_ylim()[1]
        top -= layout.north_arrow(panel, top)
        top -= layout.scale_block(panel, sheet, top)
        layout.legend(panel, handles, top - 2)
        layout.info_block(
            panel,
            [
                f"坐标系：{lkcrs.crs_note(plane)}（EPSG:{plane.to_epsg()}）",
                f"制图单位：{organisation or '＿＿＿＿＿＿'}",
                f"制图日期：{date or layout.today_in_china().isoformat()}",
                f"数据来源：{source or _source_text(parks, parcels)}",
                f"纸张：{sheet.paper}{'横向' if sheet.landscape else '纵向'}，按 100% 打印",
            ],
        )
        if path is not None:
            with atomic_path(path) as tmp:
                fig.savefig(tmp, format="png", dpi=dpi)
    return fig
