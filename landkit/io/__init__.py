"""Reading and writing layers and tables, one module per source.

* :mod:`landkit.io.files`: GeoPackage, GeoParquet, Shapefile and GeoJSON
  layers; CSV, XLSX and GeoPackage tables; atomic writes;
* :mod:`landkit.io.postgis`: PostGIS tables and queries (``postgresql://``
  URLs);
* :mod:`landkit.io.coordinate_txt`: the ministry's coordinate exchange TXT;
* :mod:`landkit.io.lines`: the three control-line layers from a GeoPackage, a
  folder of files or a mapping.

:func:`read_layer`, :func:`write_layer`, :func:`write_layers`,
:func:`read_table` and :func:`write_table` hand a source to its module: a
``postgresql://`` URL to PostGIS, anything else to the files.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd

from ..columns import id_column
from ..errors import InputError
from . import postgis
from .coordinate_txt import read_coordinate_txt, write_coordinate_txt
from .files import (
    atomic_path,
    check_target,
    finish_layer,
    interruptible,
    keep_text,
    list_layers,
    read_file_layer,
    read_file_table,
    sample_data_path,
    write_file_layer,
    write_file_layers,
    write_file_table,
)
from .lines import LINE_KEYS, LinesSource, read_lines

__all__ = [
    "LINE_KEYS",
    "LinesSource",
    "atomic_path",
    "check_target",
    "interruptible",
    "keep_text",
    "list_layers",
    "read_coordinate_txt",
    "read_layer",
    "read_lines",
    "read_table",
    "sample_data_path",
    "write_coordinate_txt",
    "write_layer",
    "write_layers",
    "write_table",
]

_DATABASE_SCHEMES = ("postgresql://", "postgresql+psycopg://", "postgres://")


def _is_database(source) -> bool:
    return isinstance(source, str) and source.startswith(_DATABASE_SCHEMES)


def _files_only(source, what: str) -> None:
    if _is_database(source):
        msg = (
            f"{postgis.masked_url(source)}: {what} go to files only. Fix: read or write each "
            f"layer with read_layer/write_layer and the table name as layer=."
        )
        raise InputError(msg)


def read_layer(
    source,
    layer: str | None = None,
    *,
    kind: str | None = None,
    encoding: str | None = None,
    crs=None,
    sql: str | None = None,
    columns: Mapping[str, str] | None = None,
    park_id: str | None = None,
) -> gpd.GeoDataFrame:
    """Read a layer from a GeoPackage, GeoParquet, Shapefile, GeoJSON or coordinate TXT file, or PostGIS.

    Parameters
    ----------
    source : str or Path
        The file, or a ``postgresql://`` URL. A ``.txt`` file is read as the
        ministry's coordinate exchange TXT (:func:`read_coordinate_txt`).
    layer : str, optional
        The layer of a GeoPackage (or the table of a database); without it,
        the layer named like ``kind`` or the only spatial layer.
    kind : str, optional
        A layer kind of :mod:`landkit.schema` (``"parcels"`` …): column
        aliases are mapped and values parsed.
    encoding : str, optional
        Shapefile text encoding, overriding the ``.cpg`` file and detection.
    crs : optional
        The CRS of a layer that has none (anything pyproj accepts), or
        ``"gcj02"`` / ``"bd09"`` to declare Amap / Baidu lon/lat, which is
        converted to CGCS2000 (EPSG:4490); see :func:`landkit.crs.declare_crs`.
    sql : str, optional
        For a ``postgresql://`` source only: a query to read instead of the
        table ``layer`` (needs the ``landkit[postgis]`` extra).
    columns : mapping, optional
        Layer column → canonical column (``{"用地性质": "land_use"}``), over the
        aliases; kept in ``attrs`` so every later step applies it
        (:func:`landkit.schema.prepare_layer`).
    park_id : str, optional
        The park of a layer that has no ``park_id`` column (one park's parcels).

    Returns
    -------
    GeoDataFrame
        With ``attrs["landkit_source"]`` recording the path, layer, encoding
        and any coordinate conversion.

    Examples
    --------
    >>> import landkit as lk
    >>> parks = lk.read_layer(lk.sample_data_path(), "parks")
    >>> parks.crs.to_epsg(), "park_id" in parks.columns
    (4543, True)
    """
    options = {"columns": columns, "park_id": park_id}
    if _is_database(source):
        gdf = postgis.read_postgis(str(source), layer, sql=sql, crs=crs)
        return finish_layer(gdf, kind, gdf.attrs["landkit_source"]["layer"], **options)
    if sql is not None:
        raise InputError("sql= applies to postgresql:// sources only")
    if Path(source).suffix.lower() == ".txt":
        if crs is not None or layer is not None:
            raise InputError(f"{source}: a coordinate TXT names its own CRS and has one layer")
        gdf = read_coordinate_txt(source, encoding=encoding)
        id_col = id_column(kind) if kind else None
        if id_col not in (None, "parcel_id"):  # 地块编号 is the id of whatever the file holds
            gdf = gdf.rename(columns={"parcel_id": id_col})
        return finish_layer(gdf, kind, str(source), **options)
    return read_file_layer(source, layer, kind=kind, encoding=encoding, crs=crs, **options)


def read_table(source, sheet: str | int | None = None, *, kind: str | None = None) -> pd.DataFrame:
    """Read a register or table from CSV, XLSX or a GeoPackage attribute table.

    CSV text may be UTF-8 (with or without BOM) or GBK/GB18030. Columns that a
    ``kind`` defines are parsed by its type (dates as dates, codes as text);
    other columns become numbers when every non-empty cell is a number.

    Examples
    --------
    >>> import landkit as lk
    >>> history = lk.read_table(lk.sample_data_path(), "park_history", kind="park_history")
    >>> {"park_id", "year"} <= set(history.columns)
    True
    """
    _files_only(source, "tables")
    return read_file_table(source, sheet, kind=kind)


def write_layer(gdf: gpd.GeoDataFrame, target, layer: str | None = None) -> Path | str:
    """Write one layer atomically to .gpkg (default), .parquet, .shp, .geojson or PostGIS.

    A target without a suffix gets ``.gpkg``. For a GeoPackage, ``layer``
    defaults to the file's stem and other layers already in the file are kept.
    Shapefiles are written UTF-8 with a ``.cpg`` file, through a temporary
    folder. A ``postgresql://`` target writes the table ``layer`` (see
    :func:`landkit.io.postgis.write_postgis`) and returns the URL without its
    password.

    Examples
    --------
    >>> import tempfile, pathlib, landkit as lk
    >>> parks = lk.read_layer(lk.sample_data_path(), "parks")
    >>> write_layer(parks, pathlib.Path(tempfile.mkdtemp()) / "parks.parquet").suffix
    '.parquet'
    """
    if _is_database(target):
        return postgis.write_postgis(gdf, str(target), layer)
    return write_file_layer(gdf, target, layer)


def write_layers(
    layers: Mapping[str, pd.DataFrame],
    target,
    *,
    provenance: Mapping[str, str] | None = None,
) -> Path:
    """Write several layers and tables into one GeoPackage, atomically.

    Existing layers of other names in ``target`` are kept (the file is copied,
    the layers added to the copy, and the copy renamed onto ``target``); a
    layer of the same name is replaced. DataFrames without geometry become
    attribute tables. A ``landkit_provenance`` table records, per layer, the
    given ``provenance`` or the frame's ``attrs["landkit_provenance"]``.

    Examples
    --------
    >>> import tempfile, pathlib, landkit as lk
    >>> parks = lk.read_layer(lk.sample_data_path(), "parks")
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "out.gpkg"
    >>> _ = write_layers({"parks": parks}, out, provenance={"note": "copy"})
    >>> import pyogrio
    >>> sorted(name for name, _ in pyogrio.list_layers(out))
    ['landkit_provenance', 'parks']
    """
    _files_only(target, "several layers")
    return write_file_layers(layers, target, provenance=provenance)


def write_table(tables, target, *, index: bool = False) -> Path:
    """Write a table (CSV or XLSX) or several sheets (XLSX) atomically.

    Parameters
    ----------
    tables : DataFrame or mapping of sheet name → DataFrame
    target : str or Path
        ``.csv`` (UTF-8 with BOM, so spreadsheet programs read Chinese) or ``.xlsx``.
    index : bool
        Write the index as the first column.

    In workbooks the header row is frozen, numbers stay numbers, dates are
    dates and text that a spreadsheet would read as a formula (beginning with
    ``=``, ``+``, ``-``, ``@``, tab or carriage return) stays text; a frame's
    ``attrs["landkit_provenance"]`` adds a ``provenance`` sheet.

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> write_table(pd.DataFrame({"park_id": ["K1"]}), out).read_text(encoding="utf-8-sig")
    'park_id\\nK1\\n'
    """
    _files_only(target, "tables")
    return write_file_table(tables, target, index=index)
