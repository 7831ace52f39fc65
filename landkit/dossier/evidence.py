"""The pictures of a case dossier: the location map and the dated image chips.

Every chip of a parcel is drawn on one grid: the parcel's Gauss-Krüger zone
(:func:`landkit.crs.area_crs`), a square window around the parcel and the
finest pixel size among the rasters, each raster warped onto that grid
(nearest neighbour), so extent and scale are the same on every date. A
one-band raster is read as built-up land (mask, fraction or percent) and its
built-up fraction over the parcel comes from :func:`landkit.raster.builtup_fraction`;
imagery of three or more bands is shown in true colour from the bands named
red, green and blue (else the first three, or ``rgb_bands``).
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Mapping, Sequence

import geopandas as gpd
import numpy as np
import rasterio
from rasterio.enums import ColorInterp, Resampling
from rasterio.transform import from_origin
from rasterio.vrt import WarpedVRT

from ..crs import area_crs
from ..errors import InputError
from ..idle import as_date
from ..maps import static_map
from ..maps.parcel import scale_bar_length
from ..maps.static import font_families
from ..raster import builtup_fraction, guess_builtup_scale

__all__ = ["imagery_chips", "location_map", "png"]

_CHIP_PIXELS = 600  # at most this many pixels across a chip
_BAND_NAMES = {
    "red": ("red", "r", "红", "红光", "b4"),
    "green": ("green", "g", "绿", "绿光", "b3"),
    "blue": ("blue", "b", "蓝", "蓝光", "b2"),
}


def png(fig, dpi: int = 150) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def location_map(feature: gpd.GeoDataFrame, *, parcels, parks, lines=None, title=None) -> bytes:
    """The parcel outlined in its park (:func:`landkit.maps.static_map`), as PNG bytes."""
    park_id = feature["park_id"].iloc[0] if "park_id" in feature.columns else None
    known = "park_id" in parks.columns and parks["park_id"].astype(str).eq(str(park_id)).any()
    shown = parks[parks["park_id"].astype(str) == str(park_id)] if known else parks
    fig = static_map(
        parks, parcels=parcels, lines=lines, park_id=str(park_id) if known else None, title=title
    )
    ax = fig.axes[0]
    outline = feature.to_crs(area_crs(shown))
    outline.boundary.plot(ax=ax, color="#c00000", linewidth=2.4, zorder=10)
    point = outline.geometry.iloc[0].representative_point()
    x0, x1 = ax.get_xlim()
    ax.annotate(
        f"本宗地 {feature['parcel_id'].iloc[0] if 'parcel_id' in feature.columns else ''}",
        xy=(point.x, point.y),
        xytext=(point.x + (x1 - x0) * 0.12, point.y + (x1 - x0) * 0.08),
        fontsize=10,
        fontfamily=font_families(),
        color="#c00000",
        arrowprops={"arrowstyle": "->", "color": "#c00000", "linewidth": 1.2},
        bbox={"facecolor": "white", "edgecolor": "#c00000", "pad": 2},
        zorder=11,
    )
    return png(fig)


def _metres(src) -> float:
    """The raster's pixel width in metres (approximately, for a geographic CRS)."""
    if src.crs is None:
        msg = f"imagery {src.name} has no coordinate reference system. Fix: assign one."
        raise InputError(msg)
    if src.crs.is_geographic:
        return abs(src.res[0]) * 111_320.0
    return abs(src.res[0]) * src.crs.linear_units_factor[1]


def _rgb_bands(src, rgb_bands: Sequence[int] | None) -> list[int]:
    if rgb_bands is not None:
        bands = [int(b) for b in rgb_bands]
        if len(bands) != 3 or not all(1 <= b <= src.count for b in bands):
            msg = f"rgb_bands={rgb_bands!r}: give three band numbers of {src.name} (1–{src.count})"
            raise InputError(msg)
        return bands
    interp = {ColorInterp.red: "red", ColorInterp.green: "green", ColorInterp.blue: "blue"}
    found = {}
    for band, (description, colour) in enumerate(
        zip(src.descriptions, src.colorinterp, strict=True), start=1
    ):
        text = (description or "").strip().lower()
        for name, aliases in _BAND_NAMES.items():
            if text in aliases or interp.get(colour) == name:
                found.setdefault(name, band)
    return [found[name] for name in _BAND_NAMES] if len(found) == 3 else [1, 2, 3]


def _stretch(data: np.ma.MaskedArray) -> np.ndarray:
    """Bands × rows × cols to rows × cols × RGBA, each band stretched 2–98 %."""
    out = np.zeros((*data.shape[1:], 4))
    for i, band in enumerate(data):
        valid = band.compressed()
        low, high = np.percentile(valid, (2, 98)) if valid.size else (0, 1)
        out[..., i] = np.clip((band.filled(low) - low) / max(high - low, 1e-9), 0, 1)
    out[..., 3] = ~np.ma.getmaskarray(data).any(axis=0)
    return out


def _fraction(feature, path, count: int) -> tuple[float | None, str | None]:
    """Built-up fraction over the parcel and the scale read, or (None, reason)."""
    if count != 1:
        return None, "多波段影像，未计算"
    try:
        scale = guess_builtup_scale(path)
    except InputError:
        return None, "非建成区栅格，未计算"
    value = builtup_fraction(feature, path, scale=scale).iloc[0]
    return (None, "宗地内无有效像元") if np.isnan(value) else (float(value), scale)


def _chip_figure(image, window, outline, date_text: str, builtup_scale, fonts):
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    xmin, ymin, xmax, ymax = window
    with rc_context({"font.family": fonts}):
        fig = Figure(figsize=(2.3, 2.5), dpi=200)
        FigureCanvasAgg(fig)
        ax = fig.add_axes([0.02, 0.02, 0.96, 0.86])
        extent = (xmin, xmax, ymin, ymax)
        if image.ndim == 3:
            ax.imshow(image, extent=extent, interpolation="nearest")
        else:
            builtup = builtup_scale in ("mask", "fraction", "percent")
            top = 100 if builtup_scale == "percent" else 1
            ax.imshow(image, extent=extent, interpolation="nearest", cmap="Greys" if builtup else "gray",
                      vmin=0 if builtup else None, vmax=top if builtup else None)  # fmt: skip
        outline.boundary.plot(ax=ax, color="white", linewidth=2.6)
        outline.boundary.plot(ax=ax, color="#d00000", linewidth=1.3)
        ax.set_xlim(xmin, xmax)
        ax.set_ylim(ymin, ymax)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel("")
        ax.set_ylabel("")
        bar = scale_bar_length((xmax - xmin) / 3)
        bx, by = xmin + (xmax - xmin) * 0.05, ymin + (ymax - ymin) * 0.05
        ax.plot([bx, bx + bar], [by, by], color="black", linewidth=3, solid_capstyle="butt")
        ax.plot([bx, bx + bar], [by, by], color="white", linewidth=1.2, solid_capstyle="butt")
        ax.text(bx + bar / 2, by + (ymax - ymin) * 0.03, f"{bar:g} m", ha="center", fontsize=6,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5})  # fmt: skip
        fig.text(0.5, 0.94, date_text, ha="center", va="center", fontsize=8)
    return fig


def imagery_chips(
    feature: gpd.GeoDataFrame,
    imagery: Mapping[object, str | os.PathLike],
    *,
    rgb_bands: Sequence[int] | None = None,
) -> list[tuple[bytes, str]]:
    """One (PNG bytes, caption) per imagery date, oldest first, on one grid."""
    plane = area_crs(feature)
    outline = feature.to_crs(plane)
    xmin, ymin, xmax, ymax = outline.total_bounds
    side = max(xmax - xmin, ymax - ymin) * 1.5 + 40
    dated = sorted((as_date(k, name="imagery date"), os.fspath(v)) for k, v in imagery.items())
    metres = []
    for _, path in dated:
        with rasterio.open(path) as src:
            metres.append(_metres(src))
    pixel = max(min(metres), side / _CHIP_PIXELS)
    n = math.ceil(side / pixel)
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    left, top = cx - n * pixel / 2, cy + n * pixel / 2
    window = (left, top - n * pixel, left + n * pixel, top)
    transform = from_origin(left, top, pixel, pixel)
    fonts = font_families()
    chips = []
    for date, path in dated:
        with rasterio.open(path) as src:
            count = src.count
            bands = _rgb_bands(src, rgb_bands) if count >= 3 else [1]
            with WarpedVRT(src, crs=plane, transform=transform, width=n, height=n,
                           resampling=Resampling.nearest) as vrt:  # fmt: skip
                data = vrt.read(bands, masked=True)
        fraction, scale = _fraction(feature, path, count)
        image = _stretch(data) if count >= 3 else data[0]
        date_text = f"{date:%Y-%m-%d}"
        fig = _chip_figure(image, window, outline, date_text, scale, fonts)
        shown = f"{fraction:.1%}" if fraction is not None else scale
        chips.append((png(fig), f"{date_text}　建成区比例：{shown}"))
    return chips
