"""GCJ-02 (Amap, Tencent) and BD-09 (Baidu) offsets, point by point.

GCJ-02 and BD-09 are obfuscated WGS 84 coordinates. The forward formulas are
the public ones; the inverses iterate the forward formula until it reproduces
the input to better than 1e-9 degrees (about 0.1 mm), far inside the 0.5 m
asked of them. :mod:`landkit.crs` re-exports these functions and converts
whole layers with them.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = [
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]

_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0


def _in_china(lon, lat):
    return (lon > 72.004) & (lon < 137.8347) & (lat > 0.8293) & (lat < 55.8271)


def _gcj_delta(lon, lat):
    x, y = lon - 105.0, lat - 35.0
    dlat = (
        -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * np.sqrt(np.abs(x))
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
        + (160.0 * np.sin(y / 12.0 * np.pi) + 320 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    )
    dlon = (
        300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * np.sqrt(np.abs(x))
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
        + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    )
    radlat = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    return dlon, dlat


def _as_arrays(lon, lat):
    scalar = np.ndim(lon) == 0 and np.ndim(lat) == 0
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float), scalar


def _result(lon, lat, scalar):
    return (float(lon), float(lat)) if scalar else (lon, lat)


def _wgs_to_gcj(lon, lat):
    dlon, dlat = _gcj_delta(lon, lat)
    inside = _in_china(lon, lat)
    return np.where(inside, lon + dlon, lon), np.where(inside, lat + dlat, lat)


def _gcj_to_bd(lon, lat):
    z = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def _invert(forward, lon, lat):
    """Solve forward(w) = (lon, lat) by fixed-point iteration."""
    wlon, wlat = lon.copy(), lat.copy()
    for _ in range(50):
        flon, flat = forward(wlon, wlat)
        elon, elat = flon - lon, flat - lat
        wlon, wlat = wlon - elon, wlat - elat
        if (
            np.nanmax(np.abs(elon), initial=0.0) < 1e-12
            and np.nanmax(np.abs(elat), initial=0.0) < 1e-12
        ):
            break
    return wlon, wlat


def wgs84_to_gcj02(lon, lat):
    """WGS 84 (or CGCS2000) longitude/latitude to GCJ-02; scalars or arrays.

    Points outside China's box are returned unchanged, as the public formula does.

    Examples
    --------
    >>> wgs84_to_gcj02(116.404, 39.915)
    (116.41024449916938, 39.91640428150164)
    """
    lon, lat, scalar = _as_arrays(lon, lat)
    return _result(*_wgs_to_gcj(lon, lat), scalar)


def gcj02_to_wgs84(lon, lat):
    """GCJ-02 to WGS 84 by iterating the forward formula (error < 1e-9°).

    Examples
    --------
    >>> lon, lat = gcj02_to_wgs84(116.41024449916938, 39.91640428150164)
    >>> round(lon, 9), round(lat, 9)
    (116.404, 39.915)
    """
    lon, lat, scalar = _as_arrays(lon, lat)
    return _result(*_invert(_wgs_to_gcj, lon, lat), scalar)


def gcj02_to_bd09(lon, lat):
    """GCJ-02 to Baidu BD-09.

    Examples
    --------
    >>> gcj02_to_bd09(116.404, 39.915)
    (116.41036949371029, 39.92133699351021)
    """
    lon, lat, scalar = _as_arrays(lon, lat)
    return _result(*_gcj_to_bd(lon, lat), scalar)


def bd09_to_gcj02(lon, lat):
    """Baidu BD-09 to GCJ-02 by iterating the forward formula."""
    lon, lat, scalar = _as_arrays(lon, lat)
    return _result(*_invert(_gcj_to_bd, lon, lat), scalar)


def wgs84_to_bd09(lon, lat):
    """WGS 84 to Baidu BD-09 (through GCJ-02)."""
    lon, lat, scalar = _as_arrays(lon, lat)
    return _result(*_gcj_to_bd(*_wgs_to_gcj(lon, lat)), scalar)


def bd09_to_wgs84(lon, lat):
    """Baidu BD-09 to WGS 84 (through GCJ-02)."""
    lon, lat, scalar = _as_arrays(lon, lat)
    glon, glat = _invert(_gcj_to_bd, lon, lat)
    return _result(*_invert(_wgs_to_gcj, glon, glat), scalar)
