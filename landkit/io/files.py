"""Files: reading and writing layers and tables.

Formats: GeoPackage (the default for results), GeoParquet, Shapefile and
GeoJSON for layers; CSV and XLSX (and GeoPackage attribute tables) for tables.

Shapefile text follows the ``.cpg`` file when there is one; without one,
strict UTF-8 is tried first, then GB18030 (which covers GBK), else the read
fails and asks for ``encoding=``. The encoding used is recorded in
``attrs["landkit_source"]``.

Every file landkit writes is written whole under a temporary name in the
target folder and then renamed onto the target, so a reader never sees half a
file and a failed run leaves the old file as it was. Adding a layer to an
existing GeoPackage copies it, adds the layer to the copy and renames the copy.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import tempfile
import threading
import uuid
import warnings
import zipfile
from collections.abc import Iterator, Mapping
from importlib import resources
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow
import pyarrow.parquet
import pyogrio

from ..crs import declare_crs
from ..errors import InputError, LandkitError, OutputWarning
from ..provenance import KEY as PROVENANCE_KEY
from ..provenance import provenance_frame
from ..schema import apply_columns, prepare_layer

__all__ = [
    "FORMULA_START",
    "LAYER_SUFFIXES",
    "atomic_path",
    "check_target",
    "finish_layer",
    "interruptible",
    "keep_text",
    "list_layers",
    "read_file_layer",
    "read_file_table",
    "sample_data_path",
    "write_file_layer",
    "write_file_layers",
    "write_file_table",
]

logger = logging.getLogger(__name__)

LAYER_SUFFIXES = {".gpkg", ".parquet", ".geoparquet", ".shp", ".geojson", ".json"}


# ------------------------------------------------------------------ sample data


def _sample_folder() -> Path:
    """The installed ``landkit.sample_data`` package, else ``sample_data/`` of the source tree."""
    try:
        return Path(str(resources.files("landkit.sample_data")))
    except ModuleNotFoundError:  # run from a source tree: the package maps sample_data/ on install
        return Path(__file__).resolve().parents[2] / "sample_data"


def sample_data_path(name: str = "kunming") -> Path:
    """Path of a bundled sample GeoPackage; its rasters sit beside it.

    Works in an installed package and in a source tree that is not installed
    (the repository's root on ``sys.path``).

    Examples
    --------
    >>> path = sample_data_path()
    >>> path.name, (path.parent / "builtup_2025.tif").exists()
    ('kunming.gpkg', True)
    """
    folder = _sample_folder()
    path = folder / f"{name}.gpkg"
    if not path.is_file():
        names = sorted(p.name[:-5] for p in folder.glob("*.gpkg"))
        msg = f"no sample named {name!r}; samples: {', '.join(names) or 'none installed'}"
        raise InputError(msg)
    return path


# ---------------------------------------------------------------------- reading


_SQLITE_MAGIC = b"SQLite format 3\x00"
_PARQUET_MAGIC = b"PAR1"
_ZIP_MAGIC = b"PK\x03\x04"
_MAGIC = {
    ".gpkg": (_SQLITE_MAGIC, "a GeoPackage"),
    ".parquet": (_PARQUET_MAGIC, "a Parquet file"),
    ".geoparquet": (_PARQUET_MAGIC, "a Parquet file"),
    ".xlsx": (_ZIP_MAGIC, "an Excel workbook"),
    ".xlsm": (_ZIP_MAGIC, "an Excel workbook"),
}


def _existing(source) -> Path:
    path = Path(source)
    if not path.exists():
        raise InputError(f"{path}: no such file. Fix: check the path.")
    if path.is_dir():
        msg = f"{path}: is a folder, not a file. Fix: give the file inside it (e.g. {path / 'parcels.gpkg'})."
        raise InputError(msg)
    return path


def _what_it_is(path: Path) -> str:
    """A plain description of a file that is not what its suffix says."""
    with open(path, "rb") as handle:
        head = handle.read(512)
    if not head:
        return "an empty file"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        return "an HTML page (a web page saved under this name, e.g. a failed download)"
    if text.startswith(b"<"):
        return "an XML or HTML document"
    if head.startswith(_ZIP_MAGIC):
        return "a ZIP archive or an Office document"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "a file of another format"
    return "a text file"


def _check_format(path: Path) -> None:
    """Raise :class:`InputError` when the file is not what its suffix says."""
    suffix = path.suffix.lower()
    if suffix in _MAGIC:
        magic, name = _MAGIC[suffix]
        with open(path, "rb") as handle:
            if handle.read(len(magic)) == magic:
                return
        msg = (
            f"{path}: is {_what_it_is(path)}, not {name}. Fix: give the real "
            f"{name.split(' ', 1)[1]} (save or export it again)."
        )
        raise InputError(msg)
    if suffix == ".shp":
        missing = [
            part
            for part in (".shx", ".dbf")
            if not (path.with_suffix(part).exists() or path.with_suffix(part.upper()).exists())
        ]
        if missing:
            msg = (
                f"{path}: the Shapefile's {' and '.join(missing)} file is missing beside it "
                f"({'the attributes' if '.dbf' in missing else 'the shape index'} cannot be read). "
                f"Fix: copy every part of the Shapefile (.shp, .shx, .dbf, .prj, .cpg) into one folder."
            )
            raise InputError(msg)


def list_layers(source) -> list[str]:
    """Names of the layers and tables in a GeoPackage (without landkit's provenance table).

    Examples
    --------
    >>> "parcels" in list_layers(sample_data_path())
    True
    """
    path = _existing(source)
    _check_format(path)
    return [str(name) for name, _ in _layer_infos(path) if name != PROVENANCE_KEY]


def _layer_infos(path: Path):
    """``pyogrio.list_layers`` of a GeoPackage; a damaged one is an :class:`InputError`."""
    try:
        return pyogrio.list_layers(path)
    except _READ_ERRORS as err:
        msg = (
            f"{path}: is not a readable GeoPackage ({err}). Fix: check the file, or export it "
            f"again from the GIS."
        )
        raise InputError(msg) from err


def _pick_layer(path: Path, layer: str | None, kind: str | None, *, spatial: bool) -> str | None:
    if layer is not None or path.suffix.lower() != ".gpkg":
        return layer
    infos = _layer_infos(path)
    names = [str(n) for n, geom in infos if (geom is not None) == spatial and n != PROVENANCE_KEY]
    if kind in names:
        return kind
    if len(names) == 1:
        return names[0]
    what = "layers" if spatial else "tables"
    if not names:
        msg = f"{path}: holds no {what}. Fix: give a GeoPackage with one, or another file."
        raise InputError(msg)
    msg = f"{path}: holds several {what} ({', '.join(names)}). Fix: name one with layer=."
    raise InputError(msg)


def _shapefile_encoding(path: Path, encoding: str | None) -> tuple[gpd.GeoDataFrame, str]:
    if encoding is not None:
        return pyogrio.read_dataframe(path, encoding=encoding), encoding
    cpg = path.with_suffix(".cpg")
    if not cpg.exists():
        cpg = path.with_suffix(".CPG")
    if cpg.exists():
        declared = cpg.read_text(encoding="ascii", errors="replace").strip() or "UTF-8"
        return pyogrio.read_dataframe(path), declared
    for candidate in ("utf-8", "gb18030"):
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                gdf = pyogrio.read_dataframe(path, encoding=candidate)
        except (UnicodeDecodeError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError):
            continue
        if not any("converted correctly" in str(w.message) for w in caught):
            logger.info("%s: read the attribute text as %s (no .cpg file)", path, candidate)
            return gdf, candidate
    msg = (
        f"{path}: the attribute text is neither UTF-8 nor GBK/GB18030 and there is no .cpg file. "
        f"Fix: pass encoding= (e.g. encoding='big5')."
    )
    raise InputError(msg)


_READ_ERRORS = (
    pyogrio.errors.DataSourceError,
    pyogrio.errors.DataLayerError,
    pyogrio.errors.FieldError,
    pyarrow.ArrowException,
)


def _read_geoparquet(path: Path) -> gpd.GeoDataFrame:
    columns = pyarrow.parquet.read_schema(path)
    if b"geo" not in (columns.metadata or {}):
        msg = (
            f"{path}: is a Parquet file without geo metadata (plain Parquet, columns "
            f"{', '.join(columns.names[:8])}), so no column is known to hold the geometry. Fix: "
            f"write it as GeoParquet (GeoDataFrame.to_parquet), or as a GeoPackage."
        )
        raise InputError(msg)
    return gpd.read_parquet(path)


def read_file_layer(
    source,
    layer: str | None = None,
    *,
    kind: str | None = None,
    encoding: str | None = None,
    crs=None,
    columns: Mapping[str, str] | None = None,
    park_id: str | None = None,
) -> gpd.GeoDataFrame:
    """Read a layer from a GeoPackage, GeoParquet, Shapefile or GeoJSON file.

    The parameters and the result are those of :func:`landkit.io.read_layer`.

    Examples
    --------
    >>> read_file_layer(sample_data_path(), "parks").attrs["landkit_source"]["layer"]
    'parks'
    """
    path = _existing(source)
    suffix = path.suffix.lower()
    if suffix not in LAYER_SUFFIXES:
        msg = f"{path}: cannot read '{suffix}' files as layers. Fix: use one of {sorted(LAYER_SUFFIXES)}."
        raise InputError(msg)
    _check_format(path)
    name = _pick_layer(path, layer, kind, spatial=True)
    used_encoding = None
    try:
        if suffix in (".parquet", ".geoparquet"):
            gdf = _read_geoparquet(path)
        elif suffix == ".shp":
            gdf, used_encoding = _shapefile_encoding(path, encoding)
        else:
            gdf = pyogrio.read_dataframe(path, layer=name, encoding=encoding)
    except _READ_ERRORS as err:
        msg = f"{path}{f' layer {name}' if name else ''}: cannot be read ({err}). Fix: check the file and layer name."
        raise InputError(msg) from err
    where = f"{path}{f' (layer {name})' if name else ''}"
    gdf = declare_crs(gdf, crs, layer=where)
    conversion = gdf.attrs.get("coordinate_conversion")
    gdf = finish_layer(gdf, kind, where, columns=columns, park_id=park_id)
    gdf.attrs["landkit_source"] = {
        "path": str(path),
        "layer": name,
        "encoding": used_encoding,
        "crs": gdf.crs.to_string() if gdf.crs is not None else None,
        "conversion": conversion,
    }
    return gdf


def finish_layer(gdf, kind: str | None, where: str, *, columns=None, park_id=None):
    """A layer as read, with ``columns=`` and ``park_id=`` applied and, given a kind, prepared."""
    if columns or park_id is not None:
        gdf = apply_columns(gdf, columns, park_id=park_id, layer=where)
    return prepare_layer(gdf, kind, layer=where) if kind is not None else gdf


def _read_csv(path: Path) -> tuple[pd.DataFrame, str]:
    for candidate in ("utf-8-sig", "gb18030"):
        try:
            return pd.read_csv(
                path, dtype=str, keep_default_na=False, encoding=candidate
            ), candidate
        except UnicodeDecodeError:
            continue
    msg = f"{path}: the CSV text is neither UTF-8 nor GBK/GB18030. Fix: save it as UTF-8."
    raise InputError(msg)


def _numeric_where_possible(table: pd.DataFrame, known: set[str]) -> pd.DataFrame:
    out = table.copy()
    for column in out.columns:
        if column in known or not (
            pd.api.types.is_object_dtype(out[column]) or pd.api.types.is_string_dtype(out[column])
        ):
            continue
        text = out[column].astype("string").str.strip()
        empty = text.isna() | (text == "")
        numbers = pd.to_numeric(text.where(~empty), errors="coerce")
        if (~empty).any() and numbers[~empty].notna().all():
            out[column] = numbers.astype(float)
        else:
            out[column] = out[column].where(~empty, None)
    return out


def read_file_table(
    source, sheet: str | int | None = None, *, kind: str | None = None
) -> pd.DataFrame:
    """Read a table from CSV, XLSX or a GeoPackage attribute table.

    The parameters and the result are those of :func:`landkit.io.read_table`.
    """
    path = _existing(source)
    _check_format(path)
    suffix = path.suffix.lower()
    encoding = None
    if suffix not in (".csv", ".xlsx", ".xlsm", ".gpkg"):
        msg = f"{path}: cannot read '{suffix}' files as tables. Fix: use CSV or XLSX."
        raise InputError(msg)
    try:
        if suffix == ".csv":
            table, encoding = _read_csv(path)
        elif suffix == ".gpkg":
            sheet = _pick_layer(path, sheet, kind, spatial=False)
            table = pyogrio.read_dataframe(path, layer=sheet, read_geometry=False)
        else:
            table = pd.read_excel(path, sheet_name=0 if sheet is None else sheet, engine="openpyxl")
    except LandkitError:
        raise
    except (*_READ_ERRORS, zipfile.BadZipFile, pd.errors.ParserError, ValueError, KeyError) as err:
        where = f"{path}{f' (sheet {sheet})' if sheet is not None else ''}"
        msg = f"{where}: cannot be read as a table ({err}). Fix: check the file and the sheet name."
        raise InputError(msg) from err
    table = pd.DataFrame(table)
    known = set()
    if kind is not None:
        table = prepare_layer(table, kind, layer=str(path))
        from ..schema import _spec

        known = set(_spec(kind)["column"])
    table = _numeric_where_possible(table, known)
    table.attrs["landkit_source"] = {"path": str(path), "layer": sheet, "encoding": encoding}
    return table


# ---------------------------------------------------------------------- writing


def check_target(target) -> Path:
    """Raise :class:`InputError` unless a result can be written to ``target``.

    Refused: a target that is a folder; a ``.gpkg`` target that exists but is
    not a GeoPackage (landkit adds layers to GeoPackages and never overwrites
    another kind of file); a target under a regular file; a folder that cannot
    be written. Missing folders are fine (they are created on writing).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> check_target(folder / "new" / "out.gpkg").name
    'out.gpkg'
    >>> check_target(folder)
    Traceback (most recent call last):
    ...
    landkit.errors.InputError: ...: is a folder. Fix: name a file in it, e.g. .../result.gpkg.
    """
    target = Path(target)
    if target.is_dir():
        msg = f"{target}: is a folder. Fix: name a file in it, e.g. {target / 'result.gpkg'}."
        raise InputError(msg)
    if target.suffix.lower() == ".gpkg" and target.exists():
        with open(target, "rb") as handle:
            if handle.read(len(_SQLITE_MAGIC)) != _SQLITE_MAGIC:
                msg = (
                    f"{target}: exists and is {_what_it_is(target)}, not a GeoPackage; landkit adds "
                    f"layers to GeoPackages only and never overwrites another file. Fix: choose "
                    f"another file name, or move the file away."
                )
                raise InputError(msg)
        _layer_infos(target)  # layers are added to it: it must be readable
    folder = target.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        msg = f"{target}: {folder} is a file, so no folder can be made under it. Fix: choose another output folder."
        raise InputError(msg)
    if not os.access(folder, os.W_OK | os.X_OK):
        msg = f"{target}: the folder {folder} cannot be written. Fix: choose a folder you may write to."
        raise InputError(msg)
    return target


_JOURNALS = ("-journal", "-wal", "-shm")


def _remove(tmp: Path) -> None:
    """Remove a temporary file and the journal files SQLite may have left beside it."""
    for path in (tmp, *(tmp.with_name(tmp.name + end) for end in _JOURNALS)):
        with contextlib.suppress(FileNotFoundError):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()


@contextlib.contextmanager
def interruptible() -> Iterator[None]:
    """Turn SIGTERM into an exception while the block runs, so its clean-up code runs.

    Only in the main thread (where Python delivers signals), and only when
    SIGTERM has its default action; a handler already installed is called
    first and decides. The previous handler is restored afterwards. Ctrl-C
    (``KeyboardInterrupt``) needs nothing: it is already an exception.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGTERM)
    if previous is signal.SIG_IGN or previous is None:
        yield
        return

    def terminate(signum, frame):
        if callable(previous):
            previous(signum, frame)
            return
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def atomic_path(target) -> Iterator[Path]:
    """A temporary path beside ``target`` that replaces it when the block succeeds.

    On an exception, Ctrl-C or SIGTERM the temporary file (and any SQLite
    journal beside it) is removed and ``target`` is untouched. ``target`` is
    checked first with :func:`check_target`.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_path(folder / "a.txt") as tmp:
    ...     _ = tmp.write_text("done")
    >>> (folder / "a.txt").read_text()
    'done'
    """
    target = check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.stem}.{uuid.uuid4().hex[:8]}.tmp{target.suffix}")
    with interruptible():
        try:
            yield tmp
            os.replace(tmp, target)
        finally:
            _remove(tmp)


def _for_ogr(frame: pd.DataFrame) -> pd.DataFrame:
    """Columns in types every OGR driver writes: nullable booleans and odd objects as text/float."""
    out = frame.copy()
    out.attrs = {}
    for column in out.columns:
        if column == getattr(out, "_geometry_column_name", None):
            continue
        series = out[column]
        if isinstance(series.dtype, pd.BooleanDtype) or (
            pd.api.types.is_object_dtype(series) and series.map(lambda v: isinstance(v, bool)).any()
        ):
            out[column] = series.map(
                lambda v: None if v is None or v is pd.NA else str(bool(v)).lower()
            )
        elif isinstance(series.dtype, pd.Int64Dtype | pd.Float64Dtype):
            out[column] = series.astype(float)
        elif pd.api.types.is_object_dtype(series) or isinstance(series.dtype, pd.StringDtype):
            out[column] = series.map(
                lambda v: (
                    None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else str(v)
                )
            ).astype(object)
    return out


def _suffix(target: Path) -> str:
    suffix = target.suffix.lower()
    if suffix not in LAYER_SUFFIXES:
        msg = (
            f"{target}: cannot write '{suffix}' files. Fix: use .gpkg, .parquet, .shp or .geojson."
        )
        raise InputError(msg)
    return suffix


def write_file_layers(
    layers: Mapping[str, pd.DataFrame],
    target,
    *,
    provenance: Mapping[str, str] | None = None,
) -> Path:
    """Write several layers and tables into one GeoPackage, atomically.

    The parameters and the result are those of :func:`landkit.io.write_layers`.
    """
    target = Path(target)
    if target.suffix.lower() != ".gpkg":
        raise InputError(f"{target}: several layers can only go into a GeoPackage (.gpkg)")
    records: dict[str, Mapping[str, str]] = {}
    with atomic_path(target) as tmp:
        old = None
        if target.exists():
            shutil.copyfile(target, tmp)
            names = [str(n) for n, _ in pyogrio.list_layers(tmp)]
            if PROVENANCE_KEY in names:
                old = pyogrio.read_dataframe(tmp, layer=PROVENANCE_KEY, read_geometry=False)
        for name, frame in layers.items():
            if name == PROVENANCE_KEY:
                raise InputError(f"the layer name {PROVENANCE_KEY!r} is reserved")
            record = provenance if provenance is not None else frame.attrs.get("landkit_provenance")
            if record:
                records[name] = record
            data = _for_ogr(frame)
            if not isinstance(data, gpd.GeoDataFrame):
                data = pd.DataFrame(data)
            pyogrio.write_dataframe(data, tmp, layer=name, driver="GPKG")
        if records or old is not None:
            table = provenance_frame(records)
            if old is not None:
                kept = old[~old["layer"].isin(list(layers))]
                table = pd.concat([kept, table], ignore_index=True)
            pyogrio.write_dataframe(table, tmp, layer=PROVENANCE_KEY, driver="GPKG")
    return target


def write_file_layer(gdf: gpd.GeoDataFrame, target, layer: str | None = None) -> Path:
    """Write one layer atomically to .gpkg (default), .parquet, .shp or .geojson.

    The parameters and the result are those of :func:`landkit.io.write_layer`.
    """
    target = Path(target)
    if target.suffix == "":
        target = target.with_suffix(".gpkg")
    suffix = _suffix(target)
    if suffix == ".gpkg":
        return write_file_layers({layer or target.stem: gdf}, target)
    if suffix in (".parquet", ".geoparquet"):
        with atomic_path(target) as tmp:
            gdf.to_parquet(tmp)
        return target
    if suffix == ".shp":
        long_names = [
            c for c in gdf.columns if c != gdf.geometry.name and len(str(c).encode()) > 10
        ]
        if long_names:
            renamed = ", ".join(
                f"{c} → {str(c).encode()[:10].decode(errors='ignore')}" for c in long_names
            )
            msg = (
                f"{target.name}: Shapefile field names hold at most 10 bytes: {renamed}. "
                f"Write a GeoPackage to keep the names."
            )
            zh = f"{target.name}：Shapefile 字段名最多 10 字节，已截短：{renamed}。保存为 GeoPackage 可保留原名"
            # stacklevel 3: the caller of landkit.io.write_layer
            warnings.warn(OutputWarning.said(msg, zh), stacklevel=3)
        check_target(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        with interruptible(), tempfile.TemporaryDirectory(dir=target.parent, prefix=".landkit-") as folder:
            tmp = Path(folder) / target.name
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message="Normalized/laundered field name")
                warnings.filterwarnings("ignore", message=".*created as String field")
                pyogrio.write_dataframe(_for_ogr(gdf), tmp, encoding="UTF-8")
            for part in Path(folder).iterdir():
                os.replace(part, target.with_suffix(part.suffix))
        return target
    with atomic_path(target) as tmp:
        pyogrio.write_dataframe(_for_ogr(gdf), tmp, driver="GeoJSON")
    return target


#: how text a spreadsheet would read as a formula begins (OWASP formula injection)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def keep_text(cell) -> None:
    """Store an openpyxl cell's text that a spreadsheet would read as a formula as text.

    Text beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return
    (OWASP formula injection) keeps its value and is marked as text.

    Examples
    --------
    >>> from openpyxl import Workbook
    >>> cell = Workbook().active["A1"]
    >>> cell.value = "=1+1"
    >>> keep_text(cell)
    >>> cell.data_type, cell.value
    ('s', '=1+1')
    """
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True


def write_file_table(tables, target, *, index: bool = False) -> Path:
    """Write a table (CSV or XLSX) or several sheets (XLSX) atomically.

    The parameters and the result are those of :func:`landkit.io.write_table`.
    """
    target = Path(target)
    suffix = target.suffix.lower()
    sheets = dict(tables) if isinstance(tables, Mapping) else {"Sheet1": tables}
    if suffix == ".csv":
        if len(sheets) != 1:
            raise InputError(f"{target}: a CSV file holds one table; use .xlsx for several")
        with atomic_path(target) as tmp:
            next(iter(sheets.values())).to_csv(tmp, index=index, encoding="utf-8-sig")
        return target
    if suffix != ".xlsx":
        raise InputError(f"{target}: tables are written as .csv or .xlsx")
    records = {
        name: df.attrs["landkit_provenance"]
        for name, df in sheets.items()
        if df.attrs.get("landkit_provenance")
    }
    with atomic_path(target) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            plain = pd.DataFrame(frame).drop(columns="geometry", errors="ignore")
            plain.to_excel(writer, sheet_name=str(name)[:31], index=index)
            sheet = writer.sheets[str(name)[:31]]
            sheet.freeze_panes = "B2" if index else "A2"
            for cells in sheet.columns:
                for cell in cells:
                    keep_text(cell)
                width = max(len(str(c.value)) if c.value is not None else 0 for c in cells[:200])
                sheet.column_dimensions[cells[0].column_letter].width = min(
                    max(10, width * 1.6), 60
                )
        if records:
            provenance_frame(records).to_excel(writer, sheet_name="provenance", index=False)
            writer.sheets["provenance"].freeze_panes = "A2"
    return target
