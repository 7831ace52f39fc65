"""The three control-line layers (三线) from a GeoPackage, a folder of files or a mapping.

A layer is matched to a line by its name: the layer name in a GeoPackage, the
file name without its suffix in a folder (``ecological_redline.shp``,
``basic_farmland.gpkg``, ``urban_boundary.geojson`` …). Any line may be absent.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd

from ..errors import InputError, describe_ids
from .files import LAYER_SUFFIXES, list_layers, read_file_layer

__all__ = ["LINE_KEYS", "read_lines"]

LINE_KEYS = ("ecological_redline", "basic_farmland", "urban_boundary")

LinesSource = Mapping[str, gpd.GeoDataFrame | gpd.GeoSeries] | str | os.PathLike


def read_lines(source: LinesSource) -> dict[str, gpd.GeoDataFrame | gpd.GeoSeries]:
    """The line layers of ``source`` by line key, in the order of :data:`LINE_KEYS`.

    Parameters
    ----------
    source : GeoPackage path, folder path or mapping
        A GeoPackage with layers named ``ecological_redline``,
        ``basic_farmland`` and ``urban_boundary``; a folder with files so
        named (any layer format :func:`landkit.io.read_layer` reads); or a
        mapping of those keys to GeoDataFrames or GeoSeries.

    Returns
    -------
    dict
        The lines found; at least one.

    Raises
    ------
    InputError
        No such file or folder; none of the lines in it; two files for one
        line in a folder; unknown keys or values that are not layers in a
        mapping.

    Examples
    --------
    >>> import landkit as lk
    >>> sorted(read_lines(lk.sample_data_path()))
    ['basic_farmland', 'ecological_redline', 'urban_boundary']
    """
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        if path.is_dir():
            return _read_folder(path)
        if path.is_file():
            return _read_geopackage(path)
        raise InputError(f"{path}: no such file or folder. Fix: check the path of the line layers.")
    if not isinstance(source, Mapping):
        msg = (
            f"lines must be a mapping of {', '.join(LINE_KEYS)} to GeoDataFrames, a "
            f"GeoPackage or a folder, got {type(source).__name__}"
        )
        raise InputError(msg)
    unknown = [key for key in source if key not in LINE_KEYS]
    if unknown:
        msg = (
            f"lines: unknown line layer(s) {describe_ids(unknown)}. Fix: use the keys "
            f"{', '.join(LINE_KEYS)}."
        )
        raise InputError(msg)
    for key, layer in source.items():
        if not isinstance(layer, gpd.GeoDataFrame | gpd.GeoSeries):
            msg = f"{key}: expected a GeoDataFrame, got {type(layer).__name__}"
            raise InputError(msg)
    return {key: source[key] for key in LINE_KEYS if key in source}


def _none_found(where: Path, listing: str) -> InputError:
    msg = (
        f"{where}: holds none of the line layers {', '.join(LINE_KEYS)} ({listing}). "
        f"Fix: name the layers so, or pass a mapping."
    )
    return InputError(msg)


def _read_geopackage(path: Path) -> dict[str, gpd.GeoDataFrame]:
    present = set(list_layers(path))
    found = [key for key in LINE_KEYS if key in present]
    if not found:
        raise _none_found(path, f"layers: {', '.join(sorted(present))}")
    return {key: read_file_layer(path, key) for key in found}


def _read_folder(folder: Path) -> dict[str, gpd.GeoDataFrame]:
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in LAYER_SUFFIXES)
    by_key: dict[str, list[Path]] = {}
    for path in files:
        if path.stem in LINE_KEYS:
            by_key.setdefault(path.stem, []).append(path)
    doubled = {key: paths for key, paths in by_key.items() if len(paths) > 1}
    if doubled:
        shown = "; ".join(f"{key}: {', '.join(p.name for p in paths)}" for key, paths in doubled.items())
        raise InputError(f"{folder}: several files for one line ({shown}). Fix: keep one per line.")
    if not by_key:
        raise _none_found(folder, f"files: {', '.join(p.name for p in files) or 'none'}")
    return {key: read_file_layer(by_key[key][0]) for key in LINE_KEYS if key in by_key}
