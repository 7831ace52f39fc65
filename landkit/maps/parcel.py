"""The 宗地图: the parcel map a land bureau files (地籍调查规程 TD/T 1001).

One page, A4, portrait or landscape after the parcel's shape, drawn at a true
scale 1:N (N from the series 1, 2, 2.5, 5 × 10ᵏ, the smallest at which the
parcel and its labels fit the map frame). It shows:

* 宗地号, the parcel's name and 地类 in the header;
* the parcel with its 界址点 numbered as :func:`landkit.boundary_points`
  numbers them (J1 nearest the north-west corner, clockwise), each label set
  outward from its point; 边长 (metres, 2 decimals) along every side long
  enough on paper to hold it;
* the neighbours (roads, rivers, other parcels) drawn in grey, and the 四至 of
  :func:`landkit.four_boundaries` named beside the sides they adjoin;
* area in m² and 亩, 四至, the scale 1:N with a metric scale bar, a north
  arrow in the corner of the frame farthest from the data, the coordinate
  system in Chinese (datum, projection, zone width, central meridian, 带号),
  blanks for 制图 and 审核 and the date;
* the 界址点坐标表 (点号, X, Y with the zone number, 边长) beside the drawing
  when its rows fit the page.

Labels never overprint: a point label that cannot be set clear of the others
(points closer than a few millimetres on paper) is moved along a short leader
line, and when no free place is found it is left out and the map says that the
point is listed in the coordinate table. Side lengths too short to letter are
likewise left to the table.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import warnings
from collections.abc import Iterable, Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from .. import standards
from ..boundary import boundary_points, four_boundaries
from ..crs import SQM_PER_MU, crs_note, gk_zone
from ..geometry import is_absent, is_polygonal, repair
from ..io import atomic_path
from ..landuse import map_land_use
from .layout import scale_bar_length, today_in_china
from .static import font_families

__all__ = ["neighbour_layers", "parcel_map"]

_MM = 1 / 25.4  # inches per millimetre
_A4 = (210.0, 297.0)  # portrait, mm
_MARGIN = 12.0
_HEADER = 24.0  # title and header lines
_FOOTER = 44.0  # area, 四至, coordinate system, scale, 制图/审核
_TABLE_WIDTH = 64.0
_ROW = 3.9  # table row height, mm
_SCALE_STEPS = (1, 2, 2.5, 5)
_POINT_SIZE = 7.0  # pt, 界址点号
_EDGE_SIZE = 6.0  # pt, 边长
_SIDE_ZH = {"east": "东", "south": "南", "west": "西", "north": "北"}
_SIDE_DIRECTION = {"east": (1, 0), "south": (0, -1), "west": (-1, 0), "north": (0, 1)}
_BLANK = "＿＿＿＿＿＿"




def _zone_number(crs: pyproj.CRS) -> int | None:
    """The 带号 to write before Y, or None when Y carries it already or the CRS has none."""
    zone = gk_zone(crs)
    return None if zone is None or zone.prefix else zone.zone


def _nice_scale(denominator: float) -> int:
    """The smallest scale denominator of the series 1, 2, 2.5, 5 × 10ᵏ not below ``denominator``."""
    power = 10 ** max(0, math.floor(math.log10(max(denominator, 1))))
    for multiple in (1, 10):
        for step in _SCALE_STEPS:
            if step * power * multiple >= denominator:
                return int(step * power * multiple)
    raise AssertionError("unreachable")


def _land_use_text(row: pd.Series) -> str | None:
    """``code name`` of the parcel's land use (e.g. ``1001 工业用地``), or None."""
    code = row.get("land_use")
    if code is None or pd.isna(code):
        return None
    schemes = pd.Series([row.get("land_use_scheme")]) if "land_use_scheme" in row else None
    mapped = map_land_use(pd.Series([str(code)]), schemes=schemes)["code_2023"].iloc[0]
    table = standards.load_table("land_use_codes")
    names = table[(table["scheme"] == "2023") & (table["code"] == mapped)]["name"]
    return f"{code} {names.iloc[0]}" if len(names) else str(code)


def _text(row: pd.Series, column: str) -> str | None:
    value = row.get(column)
    return None if value is None or pd.isna(value) or str(value).strip() == "" else str(value)


# ------------------------------------------------------------------- layout


class _Sheet:
    """Page geometry in millimetres and the map frame's ground window."""

    def __init__(self, bounds: np.ndarray, rows: int, scale: int | None):
        width, height = bounds[2] - bounds[0], bounds[3] - bounds[1]
        self.landscape = width > height
        self.page = (_A4[1], _A4[0]) if self.landscape else _A4
        page_w, page_h = self.page
        frame_h = page_h - 2 * _MARGIN - _HEADER - _FOOTER
        self.table_rows = int((frame_h - 2 * _ROW) // _ROW)
        self.with_table = rows <= self.table_rows
        table = _TABLE_WIDTH + 4 if self.with_table else 0
        self.frame = (_MARGIN, _MARGIN + _FOOTER, page_w - 2 * _MARGIN - table, frame_h)
        # the parcel takes at most 70 % of the frame, leaving room for labels and 四至
        fit = max(width * 1000 / (0.7 * self.frame[2]), height * 1000 / (0.7 * self.frame[3]))
        self.scale = scale or _nice_scale(fit)
        cx, cy = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
        half_w = self.frame[2] * self.scale / 2000
        half_h = self.frame[3] * self.scale / 2000
        self.window = (cx - half_w, cy - half_h, cx + half_w, cy + half_h)

    def axes_box(self, box: tuple[float, float, float, float]) -> list[float]:
        """A (left, bottom, width, height) box in mm as figure fractions."""
        page_w, page_h = self.page
        return [box[0] / page_w, box[1] / page_h, box[2] / page_w, box[3] / page_h]

    def ground(self, mm: float) -> float:
        """Metres on the ground for ``mm`` on paper."""
        return mm * self.scale / 1000


# ----------------------------------------------------------------- labelling


class _Placer:
    """Sets texts where their boxes (in display pixels) clear every box placed so far."""

    def __init__(self, ax, renderer, blocked: Iterable = ()):
        self.ax = ax
        self.renderer = renderer
        self.boxes = list(blocked)

    def _clear(self, box) -> bool:
        frame = self.ax.get_window_extent(self.renderer)
        inside = (
            box.x0 >= frame.x0 and box.x1 <= frame.x1 and box.y0 >= frame.y0 and box.y1 <= frame.y1
        )
        return inside and not any(box.overlaps(other) for other in self.boxes)

    def place(self, text: str, candidates: Sequence[tuple[float, float]], *, avoid=None, **style):
        """Draw ``text`` at the first candidate position whose box is clear; None if none is.

        ``avoid`` is a geometry in data coordinates the text must not touch.
        """
        artist = self.ax.text(0, 0, text, ha="center", va="center", **style)
        to_data = self.ax.transData.inverted()
        for x, y in candidates:
            artist.set_position((x, y))
            box = artist.get_window_extent(self.renderer).expanded(1.3, 1.5)
            if avoid is not None:
                corners = to_data.transform([[box.x0, box.y0], [box.x1, box.y1]])
                if shapely.box(*corners[0], *corners[1]).intersects(avoid):
                    continue
            if self._clear(box):
                self.boxes.append(box)
                return artist
        artist.remove()
        return None

    def block(self, artist) -> None:
        self.boxes.append(artist.get_window_extent(self.renderer))


def _outward(coords: np.ndarray) -> np.ndarray:
    """Unit vectors along the bisector of the left normals of a ring at each vertex."""
    prev = coords - np.roll(coords, 1, axis=0)
    nxt = np.roll(coords, -1, axis=0) - coords

    def left(v: np.ndarray) -> np.ndarray:
        n = np.column_stack([-v[:, 1], v[:, 0]])
        return n / np.maximum(np.hypot(*n.T), 1e-12)[:, None]

    out = left(prev) + left(nxt)
    length = np.hypot(*out.T)
    fallback = left(nxt)
    out = np.where(length[:, None] > 1e-9, out / np.maximum(length, 1e-12)[:, None], fallback)
    return out


def _candidates(x, y, direction, step: float) -> list[tuple[float, float]]:
    """Positions around (x, y): outward first, then turning away and farther out (with a leader)."""
    angle = math.atan2(direction[1], direction[0])
    rounds = (
        ((1.0, 1.6), (0, 25, -25, 50, -50, 80, -80)),
        ((2.4, 3.4, 4.6), (0, 20, -20, 40, -40, 60, -60, 80, -80)),
        ((1.6, 2.4), (115, -115, 150, -150, 180)),
    )
    spots = []
    for distances, turns in rounds:
        for distance in distances:
            for turn in turns:
                a = angle + math.radians(turn)
                spots.append((x + distance * step * math.cos(a), y + distance * step * math.sin(a)))
    return spots


def _label_points(ax, placer, points: pd.DataFrame, geom, sheet: _Sheet) -> list[str]:
    """Set the 界址点 numbers; the ids left out (no free place) are returned."""
    skipped = []
    step = sheet.ground(3.2)
    for _, ring in points.groupby("ring", sort=False):
        ring = ring.iloc[:-1]  # the closing row repeats the first point
        coords = ring[["y_m", "x_m"]].to_numpy(dtype=float)
        # outer rings run clockwise, holes anticlockwise: the left normal leaves the parcel on both
        directions = _outward(coords) if len(coords) > 2 else np.zeros_like(coords)
        for pid, (x, y), d in zip(ring["point_id"], coords, directions, strict=True):
            spots = _candidates(x, y, d, step)
            spots.sort(key=lambda p: geom.contains(shapely.Point(p)))  # outside the parcel first
            artist = placer.place(
                pid,
                spots,
                avoid=geom.boundary,
                fontsize=_POINT_SIZE,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.2, "alpha": 0.85},
                zorder=6,
            )
            if artist is None:
                skipped.append(pid)
                continue
            tx, ty = artist.get_position()
            if math.hypot(tx - x, ty - y) > step * 1.3:  # moved away: a leader line
                ax.plot([x, tx], [y, ty], color="#555555", linewidth=0.4, zorder=5)
    return skipped


def _label_edges(placer, points: pd.DataFrame, sheet: _Sheet) -> int:
    """Letter each side's length inside the parcel along the side; returns how many were not."""
    missing = 0
    inset = sheet.ground(1.9)
    for _, ring in points.groupby("ring", sort=False):
        coords = ring[["y_m", "x_m"]].to_numpy(dtype=float)
        lengths = ring["edge_length_m"].to_numpy(dtype=float)
        for (x0, y0), (x1, y1), length in zip(coords[:-1], coords[1:], lengths[:-1], strict=True):
            dx, dy = x1 - x0, y1 - y0
            norm = math.hypot(dx, dy) or 1.0
            inward = (dy / norm, -dx / norm)  # right of a clockwise ring
            angle = math.degrees(math.atan2(dy, dx))
            if angle > 90:
                angle -= 180
            elif angle <= -90:
                angle += 180  # text reads left to right, or bottom to top
            mx, my = (x0 + x1) / 2, (y0 + y1) / 2
            spots = [(mx + k * inset * inward[0], my + k * inset * inward[1]) for k in (1, -1)]
            artist = placer.place(
                f"{length:.2f}",
                spots,
                fontsize=_EDGE_SIZE,
                rotation=angle,
                rotation_mode="anchor",
                color="#1f3a93",
                zorder=6,
            )
            missing += artist is None
    return missing


def neighbour_layers(neighbours) -> list[gpd.GeoDataFrame]:
    """Neighbour layers as a list, invalid polygons repaired (a warning says so)."""
    if neighbours is None:
        return []
    if isinstance(neighbours, gpd.GeoDataFrame):
        layers = [neighbours]
    elif isinstance(neighbours, Mapping):
        layers = list(neighbours.values())
    else:
        layers = list(neighbours)
    out = []
    for number, layer in enumerate(layers, start=1):
        geoms, repaired = repair(layer, layer=f"neighbours (layer {number})")
        out.append(layer.set_geometry(geoms.values) if repaired.any() else layer)
    return out


def _draw_neighbours(ax, layers, plane, window) -> None:
    for layer in layers:
        geoms = layer.geometry.to_crs(plane).clip_by_rect(*window)
        geoms = geoms[~is_absent(geoms)]
        polygons = geoms[is_polygonal(geoms)]
        lines = geoms[~geoms.index.isin(polygons.index)]
        if len(polygons):
            polygons.plot(ax=ax, facecolor="#eeeeee", edgecolor="#8a8a8a", linewidth=0.6)
        if len(lines):
            lines.plot(ax=ax, color="#9a9a9a", linewidth=2.2)


def _label_sides(placer, sides: dict, layers, name_col, geom, plane, sheet: _Sheet) -> None:
    """Name each 四至 neighbour beside the side it adjoins, on its drawn part when visible."""
    window = shapely.box(*sheet.window)
    cx, cy = geom.centroid.x, geom.centroid.y
    xmin, ymin, xmax, ymax = geom.bounds
    for side, (ux, uy) in _SIDE_DIRECTION.items():
        name = sides.get(side)
        if not name:
            continue
        edge_x = {1: xmax, -1: xmin, 0: cx}[ux]
        edge_y = {1: ymax, -1: ymin, 0: cy}[uy]
        anchor = shapely.Point(edge_x, edge_y)
        spots = []
        for layer in layers:
            match = layer[layer[name_col].astype("string").str.strip() == name]
            for part in match.geometry.to_crs(plane).intersection(window):
                if part is not None and not part.is_empty:
                    near = shapely.ops.nearest_points(part.difference(geom), anchor)[0]
                    spots.append((near.x, near.y))
        gap = sheet.ground(5)
        spots.sort(key=lambda p: math.hypot(p[0] - edge_x, p[1] - edge_y))
        spots = [(x + ux * gap * k, y + uy * gap * k) for x, y in spots[:1] for k in (0.6, 1)]
        spots += [(edge_x + ux * gap * k, edge_y + uy * gap * k) for k in (1.2, 2, 3, 4)]
        spots += [(x + sheet.ground(d), y) for x, y in list(spots) for d in (-12, 12)]
        placer.place(
            f"{_SIDE_ZH[side]}至：{name}",
            spots,
            avoid=geom.buffer(sheet.ground(0.8)),
            fontsize=8,
            color="#333333",
            rotation=90 if ux else 0,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6, "alpha": 0.85},
            zorder=7,
        )


def _north_arrow(fig, ax, sheet: _Sheet, geom, placed) -> None:
    """A north arrow in the frame corner that is farthest from the parcel and the labels."""
    fx, fy, fw, fh = sheet.frame
    size_w, size_h = 12.0, 20.0
    corners = [
        (fx + fw - size_w - 3, fy + fh - size_h - 3),
        (fx + 3, fy + fh - size_h - 3),
        (fx + fw - size_w - 3, fy + 3),
        (fx + 3, fy + 3),
    ]
    x0, y0 = sheet.window[:2]

    def clash(corner) -> float:
        cx, cy = corner
        box = shapely.box(
            x0 + sheet.ground(cx - fx),
            y0 + sheet.ground(cy - fy),
            x0 + sheet.ground(cx - fx + size_w),
            y0 + sheet.ground(cy - fy + size_h),
        )
        hits = box.intersection(geom.buffer(sheet.ground(3))).area
        to_pixels = ax.transData.transform
        (px0, py0), (px1, py1) = to_pixels(box.bounds[:2]), to_pixels(box.bounds[2:])
        from matplotlib.transforms import Bbox

        pixel_box = Bbox([[px0, py0], [px1, py1]])
        return hits + sum(pixel_box.overlaps(b) for b in placed) * box.area

    best = min(corners, key=clash)  # ties keep the order: top right first
    arrow = fig.add_axes(sheet.axes_box((best[0], best[1], size_w, size_h)))
    arrow.set_xticks([])
    arrow.set_yticks([])
    for spine in arrow.spines.values():
        spine.set_visible(False)
    arrow.patch.set_alpha(0.85)
    arrow.annotate(
        "",
        xy=(0.5, 0.98),
        xytext=(0.5, 0.3),
        xycoords="axes fraction",
        arrowprops={"facecolor": "black", "width": 3, "headwidth": 10, "headlength": 10},
    )
    arrow.text(0.5, 0.12, "北", ha="center", va="center", fontsize=11, transform=arrow.transAxes)


def _scale_bar(fig, sheet: _Sheet, left: float, bottom: float) -> None:
    """A metric scale bar of about 40 mm starting at (left, bottom) mm on the page."""
    metres = scale_bar_length(sheet.ground(40))
    length_mm = metres * 1000 / sheet.scale
    from matplotlib.patches import Rectangle

    bar = fig.add_axes(sheet.axes_box((left, bottom, length_mm, 2.0)))
    bar.set_xlim(0, metres)
    bar.set_ylim(0, 1)
    bar.set_axis_off()
    half = metres / 2
    for i, colour in enumerate(("black", "white")):
        bar.add_patch(
            Rectangle((i * half, 0), half, 1, facecolor=colour, edgecolor="black", linewidth=0.6)
        )
    for x, text in ((0, "0"), (half, f"{half:g}"), (metres, f"{metres:g} m")):
        bar.text(x, 1.4, text, ha="center", va="bottom", fontsize=6.5)


def _coordinate_table(fig, sheet: _Sheet, points: pd.DataFrame, zone: int | None) -> None:
    """The 界址点坐标表 beside the frame: 点号, X, Y (with 带号), 边长."""
    left = sheet.frame[0] + sheet.frame[2] + 4
    top = sheet.frame[1] + sheet.frame[3]
    ax = fig.add_axes(sheet.axes_box((left, sheet.frame[1], _TABLE_WIDTH, sheet.frame[3])))
    ax.set_xlim(0, _TABLE_WIDTH)
    ax.set_ylim(sheet.frame[1], top)
    ax.set_axis_off()
    columns = ((0.0, 9.0, "点号"), (9.0, 20.0, "X（m）"), (29.0, 22.0, "Y（m）"), (51.0, 13.0, "边长（m）"))
    ax.text(_TABLE_WIDTH / 2, top - _ROW * 0.5, "界址点坐标表", ha="center", va="center", fontsize=8.5)
    y = top - _ROW * 1.5
    for x, width, head in columns:
        ax.text(x + width / 2, y, head, ha="center", va="center", fontsize=6.5)
    prefix = f"{zone}" if zone is not None else ""
    rows = points.itertuples(index=False)
    lines_y = [top - _ROW, top - 2 * _ROW]
    for number, row in enumerate(rows, start=1):
        y = top - _ROW * (1.5 + number)
        edge = "" if pd.isna(row.edge_length_m) else f"{row.edge_length_m:.2f}"
        values = (row.point_id, f"{row.x_m:.3f}", f"{prefix}{row.y_m:.3f}", edge)
        for (x, width, _), value in zip(columns, values, strict=True):
            ax.text(x + width / 2, y, value, ha="center", va="center", fontsize=6.3)
        lines_y.append(y - _ROW / 2)
    bottom = lines_y[-1]
    for y in lines_y:
        width = 0.8 if y == lines_y[0] else 0.4
        ax.plot([0, _TABLE_WIDTH], [y, y], color="black", linewidth=width, clip_on=False)
    for x in (0, 9, 29, 51, _TABLE_WIDTH):
        ax.plot([x, x], [top - _ROW, bottom], color="black", linewidth=0.4, clip_on=False)
    if zone is not None:
        ax.text(0, bottom - 2.5, f"注：Y坐标前两位{zone}为带号。", fontsize=6, va="top")


def _footer(fig, sheet: _Sheet, lines: list[str], date_text: str) -> None:
    page_w, _ = sheet.page
    ax = fig.add_axes(sheet.axes_box((_MARGIN, _MARGIN, page_w - 2 * _MARGIN, _FOOTER - 3)))
    ax.set_xlim(0, page_w - 2 * _MARGIN)
    ax.set_ylim(0, _FOOTER - 3)
    ax.set_axis_off()
    y = _FOOTER - 6
    for line in lines:
        ax.text(0, y, line, fontsize=8, va="center", wrap=True)
        y -= 5.2
    ax.text(0, 2.5, f"制图：{_BLANK}　　审核：{_BLANK}", fontsize=8.5, va="center")
    ax.text(page_w - 2 * _MARGIN, 2.5, f"制图日期：{date_text}", fontsize=8.5, va="center", ha="right")


def _chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# ---------------------------------------------------------------------- entry


def parcel_map(
    feature: gpd.GeoDataFrame,
    *,
    neighbours: gpd.GeoDataFrame | Sequence[gpd.GeoDataFrame] | Mapping | None = None,
    name_col: str | None = None,
    path: str | os.PathLike | None = None,
    scale: int | None = None,
    date: dt.date | str | None = None,
    title: str = "宗地图",
    dpi: int = 200,
):
    """Draw the 宗地图 of one parcel (TD/T 1001 elements) on an A4 page.

    Parameters
    ----------
    feature : GeoDataFrame
        One parcel row, in any CRS; ``parcel_id``, ``name`` and ``land_use``
        are shown when present.
    neighbours : GeoDataFrame, list or mapping of GeoDataFrames, optional
        Roads, rivers, other parcels …, drawn in grey; their names (column
        ``name_col``) give the 四至 (:func:`landkit.four_boundaries`).
    name_col : str, optional
        The neighbours' name column (default ``"name"``).
    path : str or Path, optional
        Write a PNG there (whole, then renamed).
    scale : int, optional
        The scale denominator N of 1:N; default the smallest of 1, 2, 2.5, 5 ×
        10ᵏ at which the parcel fits.
    date : date or ISO string, optional
        制图日期; default today in China (Asia/Shanghai).
    title : str
        The sheet title.
    dpi : int
        Resolution of the PNG.

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.landkit`` holds ``scale``, ``sides`` (四至), ``points`` (the
        :func:`landkit.boundary_points` table), ``skipped_points`` (point ids
        left unlabelled) and ``with_table``.

    Warns
    -----
    UserWarning
        Once, when no font with Chinese glyphs is found.

    Examples
    --------
    >>> import landkit as lk
    >>> sample = lk.sample_data_path()
    >>> parcels = lk.read_layer(sample, "parcels")
    >>> fig = parcel_map(parcels.iloc[[14]], neighbours=[lk.read_layer(sample, "roads"), parcels],
    ...                  date="2026-11-01")
    >>> fig.landkit["scale"] >= 500, "J1" in [t.get_text() for t in fig.axes[0].texts]
    (True, True)
    """
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    points = boundary_points(feature)  # checks the feature: one polygon with a CRS
    plane = pyproj.CRS.from_user_input(points.attrs["crs"])
    row = feature.iloc[0]
    geom = feature.geometry.to_crs(plane).iloc[0]
    name_col = name_col or "name"
    layers = neighbour_layers(neighbours)
    sides = (
        four_boundaries(feature, layers, name_col=name_col)
        if layers
        else {s: None for s in _SIDE_ZH} | {"sentence": ""}
    )
    day = pd.Timestamp(date or today_in_china()).date()
    sheet = _Sheet(np.asarray(geom.bounds), len(points), scale)
    fonts = font_families()
    page_w, page_h = sheet.page
    with rc_context({"font.family": fonts, "axes.unicode_minus": False}), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        fig = Figure(figsize=(page_w * _MM, page_h * _MM), dpi=dpi)
        FigureCanvasAgg(fig)
        renderer = fig.canvas.get_renderer()
        ax = fig.add_axes(sheet.axes_box(sheet.frame))
        ax.set_xlim(sheet.window[0], sheet.window[2])
        ax.set_ylim(sheet.window[1], sheet.window[3])
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_linewidth(1.0)
        _draw_neighbours(ax, layers, plane, sheet.window)
        gpd.GeoSeries([geom], crs=plane).plot(
            ax=ax, facecolor="#fff6d5", edgecolor="black", linewidth=1.2, zorder=3
        )
        vertices = points.drop_duplicates(["ring", "point_id"])
        ax.scatter(
            vertices["y_m"], vertices["x_m"], s=9, facecolor="white", edgecolor="#c00000",
            linewidth=0.8, zorder=4,
        )  # fmt: skip
        ax.set_xlim(sheet.window[0], sheet.window[2])
        ax.set_ylim(sheet.window[1], sheet.window[3])
        ax.set_xlabel("")
        ax.set_ylabel("")
        marker_boxes = [
            _marker_box(ax, renderer, x, y, sheet)
            for x, y in vertices[["y_m", "x_m"]].to_numpy(dtype=float)
        ]
        placer = _Placer(ax, renderer, marker_boxes)
        skipped = _label_points(ax, placer, points, geom, sheet)
        edges_missing = _label_edges(placer, points, sheet)
        if layers:
            _label_sides(placer, sides, layers, name_col, geom, plane, sheet)
        _north_arrow(fig, ax, sheet, geom, placer.boxes[len(marker_boxes) :])
        parcel_id = _text(row, "parcel_id") or str(feature.index[0])
        fig.text(0.5, 1 - (_MARGIN + 7) / page_h, title, ha="center", va="center", fontsize=18)
        header = f"宗地号：{parcel_id}"
        if _text(row, "name"):
            header += f"　　宗地名称：{_text(row, 'name')}"
        header += f"　　地类：{_land_use_text(row) or _BLANK}"
        fig.text(_MARGIN / page_w, 1 - (_MARGIN + 17) / page_h, header, fontsize=9, va="center")
        fig.text(
            1 - _MARGIN / page_w, 1 - (_MARGIN + 17) / page_h, f"比例尺 1:{sheet.scale}",
            fontsize=9, va="center", ha="right",
        )  # fmt: skip
        area = points.attrs["area_m2"]
        notes = []
        if skipped:
            notes.append(f"界址点{'、'.join(skipped)}相距过近未注记点号，见界址点坐标表")
        if edges_missing:
            notes.append("过短界址边未注记边长，见界址点坐标表")
        if not sheet.with_table:
            notes.append(f"界址点共{len(vertices)}个，坐标见界址点成果表（附表）")
        lines = [
            f"宗地面积：{area:,.2f} m²（{area / SQM_PER_MU:,.2f} 亩）",
            f"四至：{sides['sentence'] or _BLANK}",
            f"坐标系：{crs_note(plane)}",
            "；".join(notes) if notes else "",
        ]
        _footer(fig, sheet, [line for line in lines if line], _chinese_date(day))
        _scale_bar(fig, sheet, page_w - _MARGIN - 60, _MARGIN + _FOOTER - 9)
        if sheet.with_table:
            _coordinate_table(fig, sheet, points, _zone_number(plane))
        fig.landkit = {
            "scale": sheet.scale,
            "sides": sides,
            "points": points,
            "skipped_points": skipped,
            "with_table": sheet.with_table,
            "landscape": sheet.landscape,
        }
        if path is not None:
            with atomic_path(path) as tmp:
                fig.savefig(tmp, format="png", dpi=dpi)
    return fig


def _marker_box(ax, renderer, x: float, y: float, sheet: _Sheet):
    """The display box a point marker takes (1 mm square)."""
    from matplotlib.transforms import Bbox

    half = sheet.ground(0.6)
    (x0, y0), (x1, y1) = ax.transData.transform([(x - half, y - half), (x + half, y + half)])
    return Bbox([[x0, y0], [x1, y1]])
