"""Rasters as zonal statistics read them: a file, an open rasterio dataset or a NumPy array.

A :class:`Raster` knows its grid (transform, size, CRS, block shape), which
stored value is nodata (the tag, or ``nodata=`` in its place), the band's scale
and offset, and reads a window as stored values plus masks of valid and NaN
pixels. Each reading thread has its own file handle, reopened every so often so
that GDAL's block cache is let go as reading moves on.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import rasterio
import rasterio.enums
import rasterio.errors
import rasterio.io
import rasterio.windows
import shapely
from affine import Affine
from pyproj import CRS

from ..errors import CRSError, InputError

WINDOW_PIXELS = 1 << 20  # about one million pixels (a few MB) per window read
_CACHED_BYTES = 64 << 20  # windows read by one thread before its file is reopened

RasterArg = str | Path | rasterio.io.DatasetReaderBase | np.ndarray


class Raster:
    """One band of a raster, ready to be read window by window.

    Parameters
    ----------
    raster : str, Path, rasterio dataset or ndarray
        A file GDAL reads, a dataset opened with rasterio (left open), or a 2-D
        array (a masked array's mask marks nodata) with ``affine`` and ``crs``.
    band : int
        Band number, from 1 (an array is one band).
    affine, crs
        The array's transform and CRS; ignored for files and datasets.
    nodata : float, optional
        The stored value that means "no data", in place of the raster's tag.
    raw : bool
        Keep stored values; by default the band's scale and offset are applied.
    role : str
        How the raster is named in messages (``"raster"``, ``"weights"``).
    """

    def __init__(
        self,
        raster: RasterArg,
        *,
        band: int = 1,
        affine: Affine | None = None,
        crs=None,
        nodata: float | None = None,
        raw: bool = False,
        role: str = "raster",
    ) -> None:
        self.role, self.band = role, band
        self._local, self._lock, self._handles = threading.local(), threading.Lock(), []
        self.array: np.ndarray | None = None
        self.mask: np.ndarray | None = None
        if isinstance(raster, np.ndarray):
            self._from_array(raster, affine, crs, nodata)
        else:
            self._from_dataset(raster, band, nodata, raw)
        window_bytes = WINDOW_PIXELS * self.dtype.itemsize
        self._reads_per_open = max(1, _CACHED_BYTES // window_bytes)
        if self.crs is None:
            msg = (
                f"{role} {self.name} has no coordinate reference system. Fix: assign one "
                f"(for an array pass crs=, for a file e.g. `rio edit-info --crs EPSG:4543`)."
            )
            raise CRSError(msg)
        if not self.transform.is_rectilinear:
            msg = f"{role} {self.name} is rotated; warp it to a north-up grid first (gdalwarp)"
            raise InputError(msg)

    def _from_array(self, array: np.ndarray, affine, crs, nodata) -> None:
        self.name = f"<array {array.shape[-2]}×{array.shape[-1]} {array.dtype}>"
        if array.ndim == 3 and array.shape[0] == 1:
            array = array[0]
        if array.ndim != 2:
            msg = f"{self.role} array must be 2-D (rows, columns), got shape {array.shape}"
            raise InputError(msg)
        if affine is None:
            msg = f"{self.role} {self.name}: an array needs affine= (its geotransform)"
            raise InputError(msg)
        self.array = np.ma.getdata(array)
        self.mask = np.ma.getmaskarray(array) if np.ma.isMaskedArray(array) else None
        self.transform = Affine(*tuple(affine)[:6])
        self.crs = None if crs is None else CRS.from_user_input(crs)
        self.height, self.width = self.array.shape
        self.dtype = self.array.dtype
        self.block_shape = (min(256, self.height), self.width)
        self.nodata, self.scale, self.offset, self.masked_by = nodata, 1.0, 0.0, "nodata"

    def _from_dataset(self, raster, band: int, nodata, raw: bool) -> None:
        if isinstance(raster, rasterio.io.DatasetReaderBase):
            src, self.name = raster, raster.name
            self._describe(src, band, nodata, raw)
            return
        self.name = str(raster)
        with open_file(raster, role=self.role) as src:
            self._describe(src, band, nodata, raw)

    def _describe(self, src, band: int, nodata, raw: bool) -> None:
        if not 1 <= band <= src.count:
            msg = f"{self.role} {self.name} has {src.count} band(s); band {band} does not exist"
            raise InputError(msg)
        self.crs = None if src.crs is None else CRS.from_user_input(src.crs)
        self.transform, self.height, self.width = src.transform, src.height, src.width
        self.dtype = np.dtype(src.dtypes[band - 1])
        self.block_shape = tuple(max(b, 1) for b in src.block_shapes[band - 1])
        self.nodata = src.nodata if nodata is None else nodata
        self.scale = 1.0 if raw else float(src.scales[band - 1])
        self.offset = 0.0 if raw else float(src.offsets[band - 1])
        flags = src.mask_flag_enums[band - 1]
        if rasterio.enums.MaskFlags.nodata in flags or rasterio.enums.MaskFlags.all_valid in flags:
            self.masked_by = "nodata"  # the mask is the nodata value, which nodata= replaces
        else:
            self.masked_by = "mask"  # a mask band or alpha band, kept under nodata=

    # ------------------------------------------------------------ grid

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        x0, y0 = self.transform @ (0, 0)
        x1, y1 = self.transform @ (self.width, self.height)
        return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)

    @property
    def pixel_size(self) -> float:
        return float(np.hypot(self.transform.a, self.transform.e))

    def grid(self) -> str:
        t = self.transform
        return (
            f"{self.width}×{self.height} pixels of {abs(t.a):g}×{abs(t.e):g} from "
            f"({t.c:g}, {t.f:g}), {self.crs.to_string()}"
        )

    def require_same_grid(self, other: Raster) -> None:
        """Raise unless ``other`` lies on exactly this raster's grid."""
        same = (
            (self.width, self.height) == (other.width, other.height)
            and self.transform.almost_equals(other.transform, precision=1e-9 * self.pixel_size)
            and self.crs == other.crs
        )
        if not same:
            msg = (
                f"{other.role} {other.name} ({other.grid()}) is not on the grid of {self.role} "
                f"{self.name} ({self.grid()}). Fix: resample the {other.role} onto the "
                f"{self.role}'s grid first (gdalwarp -te … -tr … or rasterio.warp.reproject)."
            )
            raise InputError(msg)

    def window_grid(self) -> list[rasterio.windows.Window]:
        """Windows of about a million pixels, each a whole number of the raster's blocks."""
        block_h, block_w = self.block_shape
        if block_w >= self.width:  # striped file: whole rows
            width = self.width
            height = block_h * max(1, WINDOW_PIXELS // (width * block_h))
        else:
            side = int(np.sqrt(WINDOW_PIXELS))
            width = block_w * max(1, side // block_w)
            height = block_h * max(1, side // block_h)
        return [
            rasterio.windows.Window(
                col, row, min(width, self.width - col), min(height, self.height - row)
            )
            for row in range(0, self.height, height)
            for col in range(0, self.width, width)
        ]

    def window_boxes(self, windows: list[rasterio.windows.Window]) -> np.ndarray:
        bounds = np.array([rasterio.windows.bounds(w, self.transform) for w in windows])
        return shapely.box(
            np.minimum(bounds[:, 0], bounds[:, 2]),
            np.minimum(bounds[:, 1], bounds[:, 3]),
            np.maximum(bounds[:, 0], bounds[:, 2]),
            np.maximum(bounds[:, 1], bounds[:, 3]),
        )

    def window_transform(self, window: rasterio.windows.Window) -> Affine:
        return rasterio.windows.transform(window, self.transform)

    # ------------------------------------------------------------ reading

    @contextmanager
    def reader(self) -> Iterator:
        """A handle for :meth:`read`: the calling thread's open file, or None for an array.

        Each thread reopens its file every ``_CACHED_BYTES`` of windows read, so
        the blocks GDAL caches for it are let go; :meth:`close` closes them all.
        """
        if self.array is not None:
            yield None
            return
        local = self._local
        handle = getattr(local, "handle", None)
        if handle is None or local.reads >= self._reads_per_open:
            if handle is not None:
                handle.close()
            handle = local.handle = open_file(self.name, role=self.role)
            local.reads = 0
            with self._lock:
                self._handles.append(handle)
        local.reads += 1
        yield handle

    def close(self) -> None:
        """Close the files the reading threads opened."""
        with self._lock:
            for handle in self._handles:
                handle.close()
            self._handles.clear()
        self._local = threading.local()

    def read(self, handle, window: rasterio.windows.Window):
        """Stored values of a window, and where a mask band (or an array's mask) hides pixels.

        The mask is None when only the nodata value and NaN mark missing data;
        :meth:`classify` tells valid pixels from the rest.
        """
        if self.array is None:
            values = handle.read(self.band, window=window)
            hidden = None
            if self.masked_by == "mask":
                hidden = handle.read_masks(self.band, window=window) == 0
            return values, hidden
        rows, cols = window.toslices()
        hidden = None if self.mask is None else self.mask[rows, cols]
        return self.array[rows, cols], hidden

    def classify(self, values: np.ndarray, hidden: np.ndarray | None):
        """Which of these pixels are valid, and which are NaN (None for an integer raster).

        A pixel is valid unless it is hidden by the mask, nodata, or NaN.
        """
        valid = np.ones(values.shape, dtype=bool) if hidden is None else ~hidden
        nan = np.isnan(values) if values.dtype.kind == "f" else None
        if self.nodata is not None and not np.isnan(self.nodata):
            valid &= values != self.nodata
        if nan is not None:
            valid &= ~nan
        return valid, nan

    def scaled(self, values: np.ndarray) -> np.ndarray:
        """Stored values as float64, with the band's scale and offset applied."""
        out = values.astype(np.float64)
        if self.scale != 1.0:
            out *= self.scale
        if self.offset != 0.0:
            out += self.offset
        return out


def open_file(raster: str | Path, *, role: str = "raster"):
    """Open a raster file for reading; an unreadable file is an :class:`InputError`."""
    try:
        return rasterio.open(raster)
    except rasterio.errors.RasterioIOError as err:
        msg = f"{role} {raster}: cannot be read ({err}). Fix: check the path and the file."
        raise InputError(msg) from err
