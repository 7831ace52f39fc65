"""PostGIS layers: read a table or a query, write a table atomically.

Needs the ``landkit[postgis]`` extra (SQLAlchemy, psycopg 3, GeoAlchemy2).
:func:`landkit.io.read_layer` and :func:`landkit.io.write_layer` hand
``postgresql://`` URLs here.

* A layer is a table, ``table`` or ``schema.table``, each part a plain
  identifier (a letter or ``_``, then letters, digits or ``_``; at most 63
  characters). It is always double-quoted, so its case is kept. Anything else
  is refused; a query goes only through the explicit ``sql=`` argument.
* The password of a URL never reaches a log, an error message, ``attrs`` or
  provenance: landkit records the URL without it.
* A write goes into a new table under a temporary name; the old table is
  dropped and the new one renamed onto its name in the same transaction, so a
  reader sees the old table or the new one, never half of one.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import geopandas as gpd
import pandas as pd
import pyproj
import shapely

from ..crs import declare_crs
from ..errors import CRSError, InputError

__all__ = ["masked_url", "read_postgis", "write_postgis"]

logger = logging.getLogger(__name__)

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
_EXTRA = "pip install 'landkit[postgis]'"


def _sqlalchemy():
    try:
        import geoalchemy2  # noqa: F401  (to_postgis needs it)
        import psycopg  # noqa: F401
        import sqlalchemy
    except ImportError as err:
        msg = f"PostGIS needs SQLAlchemy, psycopg and GeoAlchemy2 ({err.name} is missing). Fix: {_EXTRA}."
        raise InputError(msg) from None
    return sqlalchemy


def _parse_url(url: str):
    sa = _sqlalchemy()
    try:
        parsed = sa.engine.make_url(url)
    except (sa.exc.ArgumentError, ValueError):
        msg = "the database URL cannot be parsed. Fix: use postgresql://user:password@host:port/database."
        raise InputError(msg) from None
    if parsed.get_backend_name() not in ("postgresql", "postgres"):
        msg = f"not a PostgreSQL URL ({parsed.get_backend_name()}). Fix: use postgresql://…"
        raise InputError(msg)
    return parsed.set(drivername="postgresql+psycopg")


def _secrets(parsed) -> list[str]:
    values = [str(v) for v in (parsed.password, parsed.query.get("password")) if v]
    return values + [quote(v, safe="") for v in values]


def masked_url(url: str) -> str:
    """The URL without its password, as landkit logs and records it.

    Examples
    --------
    >>> masked_url("postgresql://planner:s3cret@db.example:5432/land?sslmode=require")
    'postgresql://planner@db.example:5432/land?sslmode=require'
    """
    parts = urlsplit(url)
    userinfo, at, hosts = parts.netloc.rpartition("@")
    user = userinfo.split(":", 1)[0] + at
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k != "password"])
    return f"{parts.scheme}://{user}{hosts}{parts.path}{'?' if query else ''}{query}"


def _scrub(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


@contextmanager
def _connection(url: str, *, begin: bool) -> Iterator:
    """A connection (in one transaction when ``begin``); database errors become InputError."""
    sa = _sqlalchemy()
    import psycopg

    parsed = _parse_url(url)
    where = masked_url(url)
    engine = sa.create_engine(parsed, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() if begin else engine.connect() as conn:
            yield conn
    except (sa.exc.DBAPIError, psycopg.Error) as err:
        reason = _scrub(str(getattr(err, "orig", err)).strip(), _secrets(parsed))
        msg = f"{where}: {reason}"
        raise InputError(msg) from None
    finally:
        engine.dispose()


def _run(conn, statement: str):
    """Run SQL text as it is (no placeholders: a ``%`` in it stays a ``%``); returns the cursor."""
    return conn.connection.driver_connection.execute(statement)


def _table_name(layer) -> tuple[str | None, str]:
    """``(schema, table)`` of a layer name; anything but plain identifiers is refused."""
    parts = layer.split(".") if isinstance(layer, str) else []
    if not 1 <= len(parts) <= 2 or not all(_IDENTIFIER.fullmatch(p) for p in parts):
        msg = (
            f"layer {layer!r} is not a table name. Fix: name a table as table or schema.table "
            f"(letters, digits and _ only), or pass a query with sql=."
        )
        raise InputError(msg)
    return (parts[0], parts[1]) if len(parts) == 2 else (None, parts[0])


def _quoted(schema: str | None, table: str) -> str:
    return f'"{schema}"."{table}"' if schema else f'"{table}"'


def _spatial_tables(conn) -> list[str]:
    sa = _sqlalchemy()
    rows = conn.execute(
        sa.text(
            "SELECT f_table_schema, f_table_name FROM geometry_columns "
            "WHERE f_table_schema NOT IN ('pg_catalog', 'information_schema', 'topology') "
            "ORDER BY 1, 2"
        )
    )
    return [t if s == "public" else f"{s}.{t}" for s, t in rows]


def _geometry_oid(conn) -> int:
    sa = _sqlalchemy()
    oid = conn.execute(sa.text("SELECT to_regtype('geometry')::oid")).scalar()
    if oid is None:
        raise InputError("the database has no PostGIS. Fix: CREATE EXTENSION postgis;")
    return oid


def _layer_query(conn, layer: str, where: str) -> str:
    schema, table = _table_name(layer)
    sa = _sqlalchemy()
    exists = conn.execute(sa.text("SELECT to_regclass(:name)"), {"name": _quoted(schema, table)})
    if exists.scalar() is None:
        tables = _spatial_tables(conn)
        msg = (
            f"{where}: no table {layer!r}. Fix: name one of the spatial tables "
            f"({', '.join(tables) or 'none'}); names are case-sensitive."
        )
        raise InputError(msg)
    return f"SELECT * FROM {_quoted(schema, table)}"


def _declared_srid(conn, layer: str, column: str) -> int | None:
    """The SRID a table declares for a geometry column (for a table with no rows)."""
    sa = _sqlalchemy()
    schema, table = _table_name(layer)
    srid = conn.execute(
        sa.text(
            "SELECT g.srid FROM geometry_columns g JOIN pg_namespace n ON n.nspname = g.f_table_schema "
            "JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = g.f_table_name "
            "WHERE c.oid = to_regclass(:name) AND g.f_geometry_column = :column"
        ),
        {"name": _quoted(schema, table), "column": column},
    ).scalar()
    return srid or None


def _srid(geoms: pd.Series, where: str) -> int | None:
    srids = set(shapely.get_srid(geoms[geoms.notna()].to_numpy())) - {0}
    if len(srids) > 1:
        msg = f"{where}: the geometries have several SRIDs ({sorted(srids)}). Fix: transform them to one with sql=."
        raise CRSError(msg)
    return srids.pop() if srids else None


def read_postgis(
    url: str, layer: str | None = None, *, sql: str | None = None, crs=None
) -> gpd.GeoDataFrame:
    """Read a PostGIS table, or the result of a query, as a GeoDataFrame.

    Parameters
    ----------
    url : str
        ``postgresql://user:password@host:port/database``.
    layer : str, optional
        A table: ``table`` or ``schema.table`` (quoted, so case-sensitive).
    sql : str, optional
        A query to read instead of a table. Exactly one of ``layer`` and
        ``sql`` is given.
    crs : optional
        The CRS when the geometries carry no SRID, or ``"gcj02"`` / ``"bd09"``
        (see :func:`landkit.read_layer`).

    Returns
    -------
    GeoDataFrame
        The first geometry column becomes the active ``geometry`` column (other
        geometry columns are parsed too), in the CRS of its SRID.
        ``attrs["landkit_source"]`` records the URL without its password.

    Examples
    --------
    >>> import os, landkit as lk
    >>> url = os.environ["LANDKIT_TEST_POSTGIS_URL"]  # doctest: +SKIP
    >>> lk.write_layer(lk.read_layer(lk.sample_data_path(), "parks"), url, "parks")  # doctest: +SKIP
    >>> parks = lk.read_layer(url, "parks")  # doctest: +SKIP
    >>> big = lk.read_layer(url, sql="SELECT * FROM parks WHERE ST_Area(geometry) > 1e6")  # doctest: +SKIP
    """
    if (layer is None) == (sql is None):
        msg = "read a PostGIS table with layer= or a query with sql=, not both and not neither"
        raise InputError(msg)
    where = masked_url(url)
    if layer is not None:
        _table_name(layer)
    label = "sql" if sql is not None else layer
    with _connection(url, begin=False) as conn:
        _run(conn, "SET TRANSACTION READ ONLY")  # reading never changes the database
        query = sql if sql is not None else _layer_query(conn, layer, where)
        geometry_oid = _geometry_oid(conn)
        cursor = _run(conn, query)
        if cursor.description is None:
            raise InputError(
                f"{where} ({label}): the statement returns no rows. Fix: use a SELECT."
            )
        names = [column.name for column in cursor.description]
        geometry_columns = [c.name for c in cursor.description if c.type_code == geometry_oid]
        if not geometry_columns:
            msg = f"{where} ({label}): the result has no geometry column. Fix: select one."
            raise InputError(msg)
        frame = pd.DataFrame.from_records(cursor.fetchall(), columns=names, coerce_float=True)
        for column in geometry_columns:
            wkb = frame[column].astype(object)
            frame[column] = shapely.from_wkb(wkb.where(wkb.notna(), None).to_numpy())
        active = geometry_columns[0]
        srid = _srid(frame[active], f"{where} ({label})")
        if srid is None and layer is not None:
            srid = _declared_srid(conn, layer, active)
    frame = frame[[c for c in frame.columns if c != active] + [active]]
    if active != "geometry" and "geometry" not in frame.columns:
        frame = frame.rename(columns={active: "geometry"})
        active = "geometry"
    gdf = gpd.GeoDataFrame(frame, geometry=active, crs=srid)
    gdf = declare_crs(gdf, crs, layer=f"{where} ({label})")
    conversion = gdf.attrs.get("coordinate_conversion")
    logger.info("read %d rows from %s (%s)", len(gdf), where, label)
    gdf.attrs["landkit_source"] = {
        "path": where,
        "layer": label,
        "encoding": None,
        "crs": gdf.crs.to_string() if gdf.crs is not None else None,
        "conversion": conversion,
    }
    return gdf


def _epsg(gdf: gpd.GeoDataFrame, where: str) -> int:
    if gdf.crs is None:
        msg = f"{where}: the layer has no CRS. Fix: set one (gdf.set_crs) before writing."
        raise CRSError(msg)
    code = pyproj.CRS(gdf.crs).to_epsg()
    if code is None:
        msg = (
            f"{where}: PostGIS stores a CRS as an EPSG code and {gdf.crs.name!r} has none. "
            f"Fix: reproject to an EPSG CRS (e.g. EPSG:4543) before writing."
        )
        raise CRSError(msg)
    return code


def write_postgis(gdf: gpd.GeoDataFrame, url: str, layer: str | None) -> str:
    """Write a layer to a PostGIS table, replacing the table atomically.

    Parameters
    ----------
    gdf : GeoDataFrame
        The layer; its CRS must have an EPSG code. The index is not written.
    url : str
        ``postgresql://user:password@host:port/database``.
    layer : str
        The table: ``table`` or ``schema.table`` (the schema must exist).

    Returns
    -------
    str
        The URL without its password.

    Notes
    -----
    The rows go into a new table under a temporary name; in the same
    transaction the old table is dropped and the new one renamed onto its
    name. A failure leaves the old table as it was. The table comment holds
    the frame's ``attrs["landkit_provenance"]`` as JSON.
    """
    where = masked_url(url)
    if layer is None:
        raise InputError(f"{where}: name the table to write with layer=")
    schema, table = _table_name(layer)
    srid = _epsg(gdf, f"{where} ({layer})")
    data = gdf.copy()
    data.attrs = {}
    data = data.set_crs(srid, allow_override=True)
    temporary = f"landkit_tmp_{uuid.uuid4().hex[:12]}"
    target = _quoted(schema, table)
    with _connection(url, begin=True) as conn:
        data.to_postgis(temporary, conn, schema=schema, if_exists="fail", index=False)
        _run(conn, f"DROP TABLE IF EXISTS {target}")
        _run(conn, f'ALTER TABLE {_quoted(schema, temporary)} RENAME TO "{table}"')
        column = data.geometry.name
        index = _quoted(schema, f"idx_{temporary}_{column}")
        _run(conn, f'ALTER INDEX IF EXISTS {index} RENAME TO "idx_{table}_{column}"')
        record = gdf.attrs.get("landkit_provenance")
        if record:
            comment = _literal(conn, json.dumps(record, ensure_ascii=False, sort_keys=True))
            _run(conn, f"COMMENT ON TABLE {target} IS {comment}")
    logger.info("wrote %d rows to %s (%s)", len(gdf), where, layer)
    return where


def _literal(conn, text: str) -> str:
    from psycopg import sql

    return sql.Literal(text).as_string(conn.connection.driver_connection)
