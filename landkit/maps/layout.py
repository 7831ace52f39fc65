"""The sheet of a print map: paper, scale, map frame and the panel of map elements.

A print map is laid out on A4 or A3 paper at a round scale (1:N, true when
printed at 100 %): the title above, the map frame on the left with a metre
grid labelled on its edges, and a panel on the right holding the north arrow,
the legend, the scale (1:N and a metric scale bar), the coordinate-system note
and the 制图单位 / 制图日期 / 数据来源 block, so that nothing of the panel
covers the data. All sizes are in millimetres on paper. matplotlib is
imported when a sheet is made, not when this module is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Sequence
from zoneinfo import ZoneInfo

PAPERS = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
"""Paper sizes in millimetres, portrait (width, height)."""

SCALES = (
    500, 1000, 1500, 2000, 2500, 3000, 4000, 5000, 6000, 8000, 10_000, 12_000, 15_000, 20_000,
    25_000, 30_000, 40_000, 50_000, 60_000, 80_000, 100_000, 150_000, 200_000, 250_000, 500_000,
)  # fmt: skip
"""The round scale denominators a map is drawn at (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10ⁿ)."""

A3_FROM = 20_000
"""With ``paper="auto"``, A3 is used when A4 would need a scale smaller than 1:A3_FROM."""

_MARGIN, _TITLE, _PANEL, _GAP, _TICKS = 10.0, 16.0, 62.0, 5.0, 12.0
_MM = 1 / 25.4


@dataclasses.dataclass(frozen=True)
class Sheet:
    """A laid-out page: paper, orientation, scale and the map's extent in metres."""

    paper: str
    landscape: bool
    scale: int
    extent: tuple[float, float, float, float]

    @property
    def size_mm(self) -> tuple[float, float]:
        width, height = PAPERS[self.paper]
        return (height, width) if self.landscape else (width, height)

    @property
    def frame_mm(self) -> tuple[float, float, float, float]:
        """The map frame: left, bottom, width, height in millimetres."""
        return _frame(*self.size_mm)


def _frame(width: float, height: float) -> tuple[float, float, float, float]:
    left, bottom = _MARGIN + _TICKS, _MARGIN + _TICKS
    return (
        left,
        bottom,
        width - left - _GAP - _PANEL - _MARGIN,
        height - bottom - _TITLE - _MARGIN,
    )


def round_scale(denominator: float) -> int:
    """The first round scale at least as small as ``denominator`` (everything then fits).

    Examples
    --------
    >>> round_scale(3200), round_scale(10_000), round_scale(12_500)
    (4000, 10000, 15000)
    """
    for scale in SCALES:
        if scale >= denominator:
            return scale
    return math.ceil(denominator / SCALES[-1]) * SCALES[-1]


def plan_sheet(
    bounds: Sequence[float], *, paper: str = "auto", orientation: str = "auto", pad: float = 0.06
) -> Sheet:
    """Paper, orientation and the round scale at which ``bounds`` (metres) fit the map frame.

    The orientation is the one giving the larger scale (the park's shape
    decides: a wide park is printed landscape, a tall one portrait); with
    ``paper="auto"`` the paper is A4, or A3 when A4 would need a scale smaller
    than 1:20 000. The extent is centred on ``bounds``.

    Examples
    --------
    >>> wide = plan_sheet((0, 0, 3000, 1000))
    >>> wide.paper, wide.landscape, wide.scale
    ('A4', True, 20000)
    >>> plan_sheet((0, 0, 1000, 1600)).landscape
    False
    """
    if paper not in ("auto", *PAPERS):
        msg = f"paper must be 'auto', 'A4' or 'A3', got {paper!r}"
        raise ValueError(msg)
    if orientation not in ("auto", "portrait", "landscape"):
        msg = f"orientation must be 'auto', 'portrait' or 'landscape', got {orientation!r}"
        raise ValueError(msg)
    xmin, ymin, xmax, ymax = bounds
    width = max(xmax - xmin, 1.0) * (1 + 2 * pad)
    height = max(ymax - ymin, 1.0) * (1 + 2 * pad)

    def fitted(name: str, landscape: bool) -> tuple[int, float]:
        w, h = PAPERS[name]
        _, _, frame_w, frame_h = _frame(*((h, w) if landscape else (w, h)))
        needed = max(width / frame_w, height / frame_h) * 1000
        return round_scale(needed), needed

    sides = {"auto": (False, True), "portrait": (False,), "landscape": (True,)}[orientation]
    chosen = "A4" if paper == "auto" else paper
    landscape = min(sides, key=lambda side: fitted(chosen, side)[::-1])
    if paper == "auto" and fitted("A4", landscape)[0] > A3_FROM:
        chosen = "A3"
        landscape = min(sides, key=lambda side: fitted(chosen, side)[::-1])
    scale = fitted(chosen, landscape)[0]
    _, _, frame_w, frame_h = _frame(*_size(chosen, landscape))
    half_w, half_h = frame_w * scale / 2000, frame_h * scale / 2000
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    return Sheet(chosen, landscape, scale, (cx - half_w, cy - half_h, cx + half_w, cy + half_h))


def _size(paper: str, landscape: bool) -> tuple[float, float]:
    width, height = PAPERS[paper]
    return (height, width) if landscape else (width, height)


def nice_bar(scale: int, longest_mm: float = 45.0) -> float:
    """A round length in metres (1, 2 or 5 × 10ᵏ) at most ``longest_mm`` long on paper at 1:scale.

    Examples
    --------
    >>> nice_bar(5000), nice_bar(25_000), nice_bar(1000)
    (200.0, 1000.0, 20.0)
    """
    return float(scale_bar_length(longest_mm * scale / 1000))


def scale_bar_length(metres: float) -> float:
    """A round length (1, 2 or 5 × 10ᵏ m) at most ``metres``.

    Examples
    --------
    >>> scale_bar_length(90), scale_bar_length(1234)
    (50, 1000)
    """
    power = 10 ** math.floor(math.log10(metres))
    return max(step * power for step in (1, 2, 5) if step * power <= metres)


def figure(sheet: Sheet, dpi: int):
    """A matplotlib Figure of the sheet's paper size, with the map frame as its first axes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    width, height = sheet.size_mm
    fig = Figure(figsize=(width * _MM, height * _MM), dpi=dpi)
    FigureCanvasAgg(fig)
    left, bottom, frame_w, frame_h = sheet.frame_mm
    ax = fig.add_axes((left / width, bottom / height, frame_w / width, frame_h / height))
    xmin, ymin, xmax, ymax = sheet.extent
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_aspect("equal", adjustable="box")
    panel_left = left + frame_w + _GAP
    panel = fig.add_axes((panel_left / width, bottom / height, _PANEL / width, frame_h / height))
    panel.set_xlim(0, _PANEL)
    panel.set_ylim(0, frame_h)
    panel.set_axis_off()
    return fig, ax, panel


def grid(ax, sheet: Sheet) -> None:
    """A metre grid over the map, labelled on the frame (X northing left, Y easting below)."""
    from matplotlib.ticker import FuncFormatter, MultipleLocator

    _, _, frame_w, _ = sheet.frame_mm
    step = nice_bar(sheet.scale, longest_mm=frame_w / 4)
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(MultipleLocator(step))
        axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:.0f}"))
    ax.grid(True, color="#7f7f7f", linewidth=0.35, linestyle=(0, (4, 3)))
    ax.set_axisbelow(False)
    ax.tick_params(labelsize=6, length=2, pad=1.5)
    ax.tick_params(axis="y", labelrotation=90)
    for label in ax.get_yticklabels():
        label.set_verticalalignment("center")
    ax.set_xlabel("Y（东坐标，m）", fontsize=6.5, labelpad=2)
    ax.set_ylabel("X（北坐标，m）", fontsize=6.5, labelpad=7)


def north_arrow(panel, top: float) -> float:
    """A north arrow at the top of the panel; the height it took (mm)."""
    from matplotlib.patches import Polygon

    cx, size = _PANEL / 2, 14.0
    base = top - size - 5
    panel.add_patch(Polygon([(cx, base + size), (cx - 4, base), (cx, base + 3)], closed=True,
                            facecolor="black", edgecolor="black", linewidth=0.6))  # fmt: skip
    panel.add_patch(Polygon([(cx, base + size), (cx + 4, base), (cx, base + 3)], closed=True,
                            facecolor="white", edgecolor="black", linewidth=0.6))  # fmt: skip
    panel.text(cx, base + size + 1, "北", ha="center", va="bottom", fontsize=10, weight="bold")
    return size + 6


def scale_block(panel, sheet: Sheet, top: float) -> float:
    """The scale 1:N and a metric scale bar below ``top``; the height it took (mm)."""
    from matplotlib.patches import Rectangle

    panel.text(_PANEL / 2, top - 1, f"比例尺 1:{sheet.scale:,}".replace(",", " "),
               ha="center", va="top", fontsize=8.5)  # fmt: skip
    length = nice_bar(sheet.scale)
    bar_mm = length * 1000 / sheet.scale
    left, base, height = (_PANEL - bar_mm) / 2, top - 12, 1.6
    parts = 4
    for i in range(parts):
        colour = "black" if i % 2 == 0 else "white"
        panel.add_patch(Rectangle((left + i * bar_mm / parts, base), bar_mm / parts, height,
                                  facecolor=colour, edgecolor="black", linewidth=0.5))  # fmt: skip
    unit, factor = ("千米", 1000) if length >= 1000 else ("米", 1)
    for i in (0, parts // 2, parts):
        value = length * i / parts / factor
        panel.text(left + i * bar_mm / parts, base + height + 0.8, f"{value:g}",
                   ha="center", va="bottom", fontsize=6)  # fmt: skip
    panel.text(left + bar_mm + 1.5, base + height / 2, unit, ha="left", va="center", fontsize=6)
    return 15.0


def legend(panel, handles: list, top: float) -> float:
    """The legend (the handles given: only what is drawn) below ``top``; the height it took."""
    shown = panel.legend(
        handles=handles,
        title="图例",
        loc="upper left",
        bbox_to_anchor=(0, top / panel.get_ylim()[1], 1, 0),
        bbox_transform=panel.transAxes,
        fontsize=7.5,
        title_fontsize=8.5,
        frameon=True,
        edgecolor="#666666",
        fancybox=False,
        borderaxespad=0,
        handlelength=2.2,
        handleheight=1.2,
        mode="expand",
    )
    shown.get_frame().set_linewidth(0.5)
    return 9.0 + 5.2 * len(handles)


def info_block(panel, lines: Sequence[str]) -> None:
    """The map's notes (coordinate system, 制图单位, 制图日期, 数据来源) at the panel's foot."""
    from matplotlib.patches import Rectangle

    wrapped = [part for line in lines for part in _wrap(line, 50)]
    height = 3 + 3.6 * len(wrapped)
    panel.add_patch(Rectangle((0, 0), _PANEL, height, facecolor="white", edgecolor="#666666",
                              linewidth=0.5, clip_on=False))  # fmt: skip
    for i, text in enumerate(wrapped):
        panel.text(1.5, height - 2 - 3.6 * i, text, ha="left", va="top", fontsize=6.2)


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` display columns (a Chinese character takes two).

    Lines break after a Chinese comma or before an opening bracket, within a
    run of text only when it is longer than a line.
    """
    import re
    import unicodedata

    def size(part: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in part)

    lines, line = [], ""
    for part in re.findall(r"[^，（]*，|（[^）]*）|[^，（]+", text):
        while size(line + part) > width and line.strip():
            lines.append(line)
            line = "  "
        while size(line + part) > width:  # a run longer than a line
            cut = max(i for i in range(1, len(part) + 1) if size(line + part[:i]) <= width)
            lines.append(line + part[:cut])
            line, part = "  ", part[cut:]
        line += part
    return [*lines, line]


def today_in_china() -> dt.date:
    """Today's date in China (Asia/Shanghai)."""
    return dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
