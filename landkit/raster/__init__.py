"""Zonal statistics of a raster over vector features, read block by block.

Pixel rules (``pixel_rule=``):

``"centre"`` (default)
    A pixel belongs to a polygon when its centre falls inside it (GDAL's
    rasterization rule, as in rasterstats' default; a centre exactly on an edge
    counts on one side only, so neighbouring parcels never share a pixel). Points
    and lines take the pixels GDAL burns for them. A non-empty feature that holds
    no pixel centre (a parcel smaller than a pixel) takes the single pixel under
    its representative point (``shapely.point_on_surface``) and is marked in the
    ``representative_pixel`` column.
``"all_touched"``
    Every pixel the feature touches counts in full.
``"coverage"``
    Every pixel counts with the fraction of its area the polygon covers, so
    ``count`` is a sum of fractions (polygons only). This is exactextract's
    default weighting; the fractions are exact, computed from the polygon's
    edges (see :func:`landkit.raster.pixels.coverage_pixels`), so a parcel
    smaller than a pixel simply gets a small weight.

Values are the stored values × the band's scale + offset (``raw=True`` keeps
stored values). Pixels whose stored value is the raster's nodata (or
``nodata=`` in its place), masked by the raster's mask band, or NaN are left
out of every statistic; ``nodata`` counts them, except that with ``nan`` also
asked for, NaN pixels are counted in ``nan`` alone. Pixels outside the raster
count nowhere.

Statistics, with ``c`` a pixel's weight (1, or its covered fraction) over the
valid pixels:

* ``count`` Σc; ``sum`` Σcx (0 for a feature without a valid pixel); ``mean``
  Σcx / Σc; ``std`` the population standard deviation with weights c;
  ``min``, ``max``, ``range`` over the pixels with c > 0, unweighted;
* ``median`` and ``percentile_<q>``: centre and all-touched rules, NumPy's
  linear percentile of the pixel values (as rasterstats); coverage rule,
  exactextract's weighted quantile of the distinct values with their summed
  coverage (see :func:`landkit.raster.stats._weighted_quantile`), truncated
  toward zero on an integer raster read without scale or offset (exactextract
  answers in the raster's type);
* ``majority`` / ``minority``: the value with the largest / smallest Σc; ties
  go to the smallest value, except the coverage rule's majority, which takes
  the largest (as exactextract); ``unique``: the number of distinct values;
* ``weighted_sum`` Σcwx and ``weighted_mean`` Σcwx / Σcw with w from the
  ``weights=`` raster (NaN if a pixel's weight has no data, as exactextract);
* categorical: per class Σc (centre rule) or Σc of the class / Σc
  (``frac_<class>``, coverage rule).

Statistics of a feature without a valid pixel are NaN, except ``count``,
``sum``, ``weighted_sum``, ``unique``, ``nodata``, ``nan`` and class counts,
which are 0 (``add_stats`` functions are not called: None).

The raster is read in windows laid on its own block grid, and only the windows
that features touch are read (two threads by default), so memory stays bounded
whatever the raster's size. Features are reprojected into the raster's CRS; the
raster is never resampled.
"""

from .builtup import BuiltupScale, builtup_fraction, guess_builtup_scale
from .stats import STATS
from .zonal import PixelRule, zonal_stats

__all__ = [
    "STATS",
    "BuiltupScale",
    "PixelRule",
    "builtup_fraction",
    "guess_builtup_scale",
    "zonal_stats",
]
