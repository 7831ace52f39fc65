"""Built-up fraction of parcels from a built-up raster (a mask, a fraction or a percent)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

import geopandas as gpd
import pandas as pd
import rasterio

from ..errors import InputError
from ..geometry import require_polygonal
from .source import Raster, open_file
from .zonal import PixelRule, zonal_stats

__all__ = ["BuiltupScale", "builtup_fraction", "guess_builtup_scale"]

logger = logging.getLogger(__name__)

BuiltupScale = Literal["mask", "fraction", "percent"]


def guess_builtup_scale(raster: str | Path, *, band: int = 1) -> BuiltupScale:
    """Guess whether a built-up raster holds a 0/1 mask or fraction, or a percent.

    The raster's approximate maximum decides: at most 1 is a mask or fraction
    (both read as a 0–1 fraction), at most 100 a percent. Anything larger is
    not a built-up raster.

    Raises
    ------
    InputError
        When the maximum exceeds 100 or is negative.
    """
    Raster(raster, band=band)  # checks the file, its CRS and the band
    # no .aux.xml beside the user's file for the statistics computed here
    with rasterio.Env(GDAL_PAM_ENABLED="NO"), open_file(raster) as src:
        top = src.stats(indexes=[band], approx=True)[0].max
    if 0 <= top <= 1:
        return "fraction"
    if 0 <= top <= 100:
        return "percent"
    msg = (
        f"built-up raster {raster}: values reach {top:g}, which is neither a 0/1 mask, a 0–1 "
        f"fraction nor a 0–100 percent. Fix: rescale it, or pass builtup_scale=."
    )
    raise InputError(msg)


def builtup_fraction(
    features: gpd.GeoDataFrame | gpd.GeoSeries,
    raster: str | Path,
    *,
    scale: BuiltupScale | None = None,
    pixel_rule: PixelRule = "centre",
) -> pd.Series:
    """Mean built-up fraction (0–1) of each feature from a built-up raster.

    Parameters
    ----------
    features : GeoDataFrame or GeoSeries
        Features in any CRS.
    raster : str or Path
        A built-up raster: a 0/1 mask, a 0–1 probability or a 0–100 percent.
    scale : {"mask", "fraction", "percent"}, optional
        How to read the values; guessed by :func:`guess_builtup_scale` when None.
    pixel_rule : {"centre", "all_touched", "coverage"}
        As in :func:`zonal_stats`.

    Returns
    -------
    Series
        ``builtup_fraction`` on the features' index; NaN where no valid pixel
        lies under a feature.

    Examples
    --------
    >>> import landkit as lk
    >>> path = lk.sample_data_path()
    >>> parcels = lk.read_layer(path, "parcels")
    >>> raster = sorted(path.parent.glob("builtup_*.tif"))[-1]
    >>> fraction = builtup_fraction(parcels, raster)
    >>> bool(fraction.dropna().between(0, 1).all())
    True
    """
    if scale is None:
        scale = guess_builtup_scale(raster)
        logger.info("built-up raster %s read as %s", raster, scale)
    if scale not in ("mask", "fraction", "percent"):
        msg = f"builtup_scale must be 'mask', 'fraction' or 'percent', got {scale!r}"
        raise InputError(msg)
    geoms = features.geometry if isinstance(features, gpd.GeoDataFrame) else features
    require_polygonal(geoms, geoms.index, layer="parcels", fix="give parcel polygons")
    mean = zonal_stats(features, raster, stats=("mean",), pixel_rule=pixel_rule)["mean"]
    fraction = mean / 100 if scale == "percent" else mean
    return fraction.rename("builtup_fraction")
