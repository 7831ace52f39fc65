"""The three control-line layers (三线) as they are delivered.

A 三区三线 delivery comes as a GeoPackage (or one layer per file in a folder)
whose layers are named in Chinese (``生态保护红线``, ``永久基本农田``, ``城镇开发边界``),
by table code (``STBHHX``, ``YJJBNT`` / ``YJJBNTTB``, ``CZKFBJ`` / ``CSKFBJ``),
often with a region code or a year around the name (``530100_STBHHX_2022``),
or by landkit's own keys. The name patterns live in ``line_names.csv`` (a
pattern found anywhere in a layer or file name, ignoring case, names its line):
add a delivery's name there, not here.

:func:`read_lines` takes a GeoPackage, a folder, a list of files or a mapping
(line key, or a recognised name, → GeoDataFrame or file). Any line may be
absent. Each layer read records in ``attrs["landkit_line"]`` where it came
from and the name it was recognised by (:func:`recognised_lines` lists them);
the same is logged.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ..errors import InputError
from .files import LAYER_SUFFIXES, list_layers, read_file_layer

__all__ = ["LINE_KEYS", "line_key", "line_name_zh", "read_lines", "recognised_lines"]

logger = logging.getLogger(__name__)

LINE_KEYS = ("ecological_redline", "basic_farmland", "urban_boundary")

Layer = gpd.GeoDataFrame | gpd.GeoSeries
LinesSource = (
    Mapping[str, Layer | str | os.PathLike] | Sequence[str | os.PathLike] | str | os.PathLike
)
KEY = "landkit_line"
"""``attrs`` key of a line layer's origin: ``line``, ``source`` and ``matched`` (the pattern)."""


@cache
def _patterns() -> tuple[tuple[str, str], ...]:
    with resources.as_file(resources.files("landkit") / "line_names.csv") as path:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    return tuple((row.pattern.lower(), row.line) for row in table.itertuples())


def _matches(name: str) -> dict[str, str]:
    """Line key → the first pattern of that line found in ``name``."""
    text = str(name).lower()
    found: dict[str, str] = {}
    for pattern, line in _patterns():
        if pattern in text:
            found.setdefault(line, pattern)
    return found


def line_key(name: str) -> str | None:
    """The line a layer or file name stands for, or None (also when it could be two lines).

    Examples
    --------
    >>> [line_key(n) for n in ("生态保护红线", "530100_YJJBNTTB_2022", "CZKFBJ", "roads")]
    ['ecological_redline', 'basic_farmland', 'urban_boundary', None]
    """
    found = _matches(name)
    return next(iter(found)) if len(found) == 1 else None


def line_name_zh(key: str) -> str:
    """The Chinese name of a line layer: the first Chinese name of the line in ``line_names.csv``.

    Examples
    --------
    >>> line_name_zh("urban_boundary")
    '城镇开发边界'
    """
    return next(p for p, line in _patterns() if line == key and not p.isascii())


def _candidates() -> str:
    by_line: dict[str, list[str]] = {}
    for pattern, line in _patterns():
        code = pattern.isascii() and "_" not in pattern
        by_line.setdefault(line, []).append(pattern.upper() if code else pattern)
    return "; ".join(f"{line}: {' / '.join(names)}" for line, names in by_line.items())


def _unrecognised(what: str, names: Sequence[str]) -> InputError:
    msg = (
        f"{what}: cannot tell which line {', '.join(map(repr, names))} "
        f"{'is' if len(names) == 1 else 'are'} (names recognised — {_candidates()}). "
        f"Fix: rename the layer or file, or name each file (lines={{'ecological_redline': "
        f"path, …}}; on the command line --redline/--farmland/--urban)."
    )
    return InputError(msg)


def _tag(layer: Layer, line: str, source: str, matched: str) -> Layer:
    out = layer.copy()
    out.attrs[KEY] = {"line": line, "source": source, "matched": matched}
    logger.info("%s (%s) ← %s", line_name_zh(line), line, source)
    return out


def read_lines(source: LinesSource) -> dict[str, Layer]:
    """The line layers of ``source`` by line key, in the order of :data:`LINE_KEYS`.

    Parameters
    ----------
    source : GeoPackage path, folder path, file, list of files or mapping
        A GeoPackage whose layers are named for the lines; one layer file so
        named (``生态保护红线.shp``); a folder of files
        so named (any layer format :func:`landkit.io.read_layer` reads; other
        files are left alone); a list of such files, each of which must be
        recognised; or a mapping of line keys (or names such as
        ``生态保护红线``) to GeoDataFrames, GeoSeries or files.

    Returns
    -------
    dict
        The lines found, at least one; each layer's ``attrs["landkit_line"]``
        says where it came from (:func:`recognised_lines`).

    Raises
    ------
    InputError
        No such file or folder; none of the lines in it; a file in a list,
        or a key of a mapping, that names no line (the message lists the
        names recognised); two layers for one line.

    Examples
    --------
    >>> import landkit as lk
    >>> lines = read_lines(lk.sample_data_path())
    >>> sorted(lines)
    ['basic_farmland', 'ecological_redline', 'urban_boundary']
    >>> recognised_lines(lines).loc["basic_farmland", "matched"]
    'basic_farmland'
    """
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        if path.is_dir():
            return _read_folder(path)
        if path.is_file() and path.suffix.lower() == ".gpkg":
            return _read_geopackage(path)
        if path.is_file():  # one layer file, named for its line
            return _read_files([path], str(path))
        raise InputError(f"{path}: no such file or folder. Fix: check the path of the line layers.")
    if isinstance(source, Mapping):
        return _read_mapping(source)
    if isinstance(source, Sequence) and all(Path(p).is_file() for p in source) and source:
        return _read_files([Path(p) for p in source], "lines")
    msg = (
        f"lines must be a mapping of {', '.join(LINE_KEYS)} to GeoDataFrames or files, a "
        f"GeoPackage, a folder or a list of existing files, got {source!r:.80}"
    )
    raise InputError(msg)


def recognised_lines(lines: Mapping[str, Layer]) -> pd.DataFrame:
    """What :func:`read_lines` recognised: one row per line with its Chinese name and source.

    Returns
    -------
    DataFrame
        Indexed by line key: ``line_zh``, ``source`` (file, and layer), ``matched``
        (the name pattern, or ``given`` for a layer passed in memory), ``features``.
    """
    rows = {}
    for key, layer in lines.items():
        info = layer.attrs.get(KEY, {"source": "given", "matched": "given"})
        rows[key] = (line_name_zh(key), info["source"], info["matched"], len(layer))
    return pd.DataFrame.from_dict(
        rows, orient="index", columns=["line_zh", "source", "matched", "features"]
    )


def _one_each(found: dict[str, list[tuple[str, Layer | Path, str]]], where: str) -> None:
    doubled = {key: items for key, items in found.items() if len(items) > 1}
    if doubled:
        shown = "; ".join(
            f"{key}: {', '.join(name for name, _, _ in items)}" for key, items in doubled.items()
        )
        msg = f"{where}: several files for one line ({shown}). Fix: keep one per line."
        raise InputError(msg)


def _none_found(where: Path, listing: str) -> InputError:
    msg = (
        f"{where}: holds none of the line layers {', '.join(LINE_KEYS)} ({listing}). "
        f"Names recognised — {_candidates()}. Fix: name the layers so, or name each file "
        f"(lines={{'ecological_redline': path, …}}; on the command line --redline/--farmland/--urban)."
    )
    return InputError(msg)


def _read_geopackage(path: Path) -> dict[str, Layer]:
    present = list_layers(path)
    found: dict[str, list] = {}
    for name in present:
        key = line_key(name)
        if key is not None:
            found.setdefault(key, []).append((name, name, next(iter(_matches(name).values()))))
    if not found:
        raise _none_found(path, f"layers: {', '.join(sorted(present))}")
    _one_each(found, str(path))
    return {
        key: _tag(read_file_layer(path, found[key][0][0]), key, f"{path} ({found[key][0][0]})",
                  found[key][0][2])
        for key in LINE_KEYS
        if key in found
    }


def _read_folder(folder: Path) -> dict[str, Layer]:
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in LAYER_SUFFIXES)
    named = [p for p in files if line_key(p.stem) is not None]
    if not named:
        raise _none_found(folder, f"files: {', '.join(p.name for p in files) or 'none'}")
    return _read_files(named, str(folder))


def _read_files(paths: list[Path], where: str) -> dict[str, Layer]:
    unknown = [p.name for p in paths if line_key(p.stem) is None]
    if unknown:
        raise _unrecognised(where, unknown)
    found: dict[str, list] = {}
    for path in paths:
        key = line_key(path.stem)
        found.setdefault(key, []).append((path.name, path, _matches(path.stem)[key]))
    _one_each(found, where)
    return {
        key: _tag(read_file_layer(found[key][0][1]), key, str(found[key][0][1]), found[key][0][2])
        for key in LINE_KEYS
        if key in found
    }


def _read_mapping(source: Mapping) -> dict[str, Layer]:
    keys = {name: name if name in LINE_KEYS else line_key(name) for name in source}
    unknown = [name for name, key in keys.items() if key is None]
    if unknown:
        msg = (
            f"lines: unknown line layer(s) {', '.join(map(repr, unknown))}. Fix: use the keys "
            f"{', '.join(LINE_KEYS)} (names recognised — {_candidates()})."
        )
        raise InputError(msg)
    out: dict[str, Layer] = {}
    for name, value in source.items():
        key = keys[name]
        if key in out:
            raise InputError(f"lines: two entries for {key}. Fix: give each line once.")
        if isinstance(value, str | os.PathLike):
            if not Path(value).is_file():
                msg = (
                    f"{name}: {value}: no such file (expected a GeoDataFrame or a layer file). "
                    f"Fix: check the path."
                )
                raise InputError(msg)
            out[key] = _tag(read_file_layer(value), key, str(value), "given")
        elif isinstance(value, gpd.GeoDataFrame | gpd.GeoSeries):
            out[key] = value
        else:
            raise InputError(f"{name}: expected a GeoDataFrame, got {type(value).__name__}")
    return {key: out[key] for key in LINE_KEYS if key in out}
