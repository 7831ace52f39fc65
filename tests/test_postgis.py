"""PostGIS reading and writing against a real server.

The server tests need ``LANDKIT_TEST_POSTGIS_URL`` (``eval "$(bash .ci/postgis.sh)"`` starts one).
Without it they skip locally and fail under CI (``CI=true``).
"""

from __future__ import annotations

import logging
import os
import traceback
import uuid

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon, box

import landkit as lk
from landkit.errors import CRSError, InputError
from landkit.io.postgis import masked_url, read_postgis, write_postgis
from landkit.provenance import provenance

URL_VAR = "LANDKIT_TEST_POSTGIS_URL"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (required under CI)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def server() -> str:
    url = os.environ.get(URL_VAR)
    if not url:
        _unavailable(f'{URL_VAR} is not set; start a server with eval "$(bash .ci/postgis.sh)"')
    try:
        import geoalchemy2  # noqa: F401
        import psycopg  # noqa: F401
        import sqlalchemy  # noqa: F401
    except ImportError:
        _unavailable("the landkit[postgis] extra is not installed")
    return url


def _sql(url: str, statement: str):
    import sqlalchemy as sa

    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.begin() as conn:
            cursor = conn.connection.driver_connection.execute(statement)
            return cursor.fetchall() if cursor.description else None
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def schema(server) -> str:
    name = f"landkit_test_{uuid.uuid4().hex[:8]}"
    _sql(server, f'CREATE SCHEMA "{name}"')
    yield name
    _sql(server, f'DROP SCHEMA "{name}" CASCADE')


def _leftovers(url: str, schema: str) -> list:
    return _sql(
        url,
        f"SELECT tablename FROM pg_tables WHERE schemaname = '{schema}' "
        "AND tablename LIKE 'landkit_tmp_%'",
    )


def _layer() -> gpd.GeoDataFrame:
    ring = [(500000, 2770000), (500120, 2770000), (500120, 2770080), (500000, 2770080)]
    hole = [(500010, 2770010), (500020, 2770010), (500020, 2770020), (500010, 2770020)]
    return gpd.GeoDataFrame(
        {
            "parcel_id": ["P1", "P2", "P3"],
            "name": ["昆明经开区一号地块", "呈贡信息产业园", None],
            "land_use": ["1001", "0701", "1001"],
            "area_note_m2": [9600.5, np.nan, 1.0 / 3.0],
            "floors": [3, 12, 0],
            "started": [True, False, True],
            "agreed_start_date": pd.to_datetime(["2021-03-05", None, "2024-02-29"]),
        },
        geometry=[
            Polygon(ring, [hole]),
            MultiPolygon(
                [box(500200, 2770000, 500300, 2770050), box(500400, 2770000, 500450, 2770050)]
            ),
            None,
        ],
        crs="EPSG:4543",
    )


# ------------------------------------------------------------------ no server needed


@pytest.mark.parametrize(
    "name",
    [
        "parcels; DROP TABLE x",
        'parcels"; DROP TABLE x; --',
        "a.b.c",
        "1parcels",
        "",
        "par cels",
        "地块",
        "public.",
        "x" * 64,
    ],
)
def test_layer_names_other_than_identifiers_are_refused_before_connecting(name):
    url = "postgresql://user:pw@127.0.0.1:1/nowhere"  # nothing listens: refusal comes first
    with pytest.raises(InputError, match="not a table name"):
        read_postgis(url, name)
    with pytest.raises(InputError, match="not a table name"):
        write_postgis(_layer(), url, name)


def test_masked_url_drops_the_password_wherever_it_is():
    assert (
        masked_url("postgresql://planner:s3cret@db:5432/land")
        == "postgresql://planner@db:5432/land"
    )
    assert "abc" not in masked_url("postgres://u@h/d?password=abc&sslmode=require")
    assert "p%40x" not in masked_url("postgresql+psycopg://u:p%40x@h/d")
    assert masked_url("postgresql://u:pa:ss@[::1]:5432/db") == "postgresql://u@[::1]:5432/db"
    assert masked_url("postgresql:///db?password=zz") == "postgresql:///db"


def test_a_layer_and_a_query_together_are_refused():
    with pytest.raises(InputError, match="not both"):
        read_postgis("postgresql://u@h/d", "parcels", sql="SELECT 1")


def test_sql_is_refused_for_files(tmp_path):
    with pytest.raises(InputError, match="postgresql"):
        lk.read_layer(tmp_path / "a.gpkg", sql="SELECT 1")


# --------------------------------------------------------------------- with server


def test_round_trip_keeps_geometry_crs_text_and_values(server, schema):
    layer = _layer()
    lk.write_layer(layer, server, f"{schema}.parcels")
    back = lk.read_layer(server, f"{schema}.parcels").sort_values("parcel_id", ignore_index=True)
    assert back.crs == layer.crs
    assert back.geometry.name == "geometry"
    assert list(back["name"].iloc[:2]) == ["昆明经开区一号地块", "呈贡信息产业园"]
    assert back["name"].isna().iloc[2]
    assert shapely.equals_exact(back.geometry.values[:2], layer.geometry.values[:2], 0).all()
    assert back.geometry.isna().iloc[2]
    np.testing.assert_array_equal(back["area_note_m2"], layer["area_note_m2"])
    assert list(back["floors"]) == [3, 12, 0]
    assert list(back["started"]) == [True, False, True]
    assert list(back["agreed_start_date"].dt.strftime("%Y-%m-%d").fillna("")) == [
        "2021-03-05",
        "",
        "2024-02-29",
    ]
    assert back.attrs["landkit_source"]["layer"] == f"{schema}.parcels"


def test_a_sample_layer_round_trips_and_reads_with_aliases(server, schema, sample_parcels):
    parcels = sample_parcels
    lk.write_layer(parcels, server, f"{schema}.sample_parcels")
    back = lk.read_layer(server, f"{schema}.sample_parcels", kind="parcels")
    back = back.set_index("parcel_id").loc[parcels["parcel_id"]]
    assert back.crs == parcels.crs
    assert shapely.equals_exact(back.geometry.values, parcels.geometry.values, 0).all()
    assert list(back["name"]) == list(parcels["name"])


def test_writing_again_replaces_the_table_and_keeps_one_spatial_index(server, schema):
    table = f"{schema}.replaced"
    lk.write_layer(_layer(), server, table)
    lk.write_layer(_layer().iloc[:1], server, table)
    assert len(lk.read_layer(server, table)) == 1
    indexes = _sql(
        server,
        f"SELECT indexname FROM pg_indexes WHERE schemaname = '{schema}' AND tablename = 'replaced'",
    )
    assert [row[0] for row in indexes] == ["idx_replaced_geometry"]
    assert _leftovers(server, schema) == []


def test_a_failed_write_leaves_the_old_table(server, schema):
    table = f"{schema}.kept"
    lk.write_layer(_layer(), server, table)
    _sql(server, f"CREATE VIEW {schema}.kept_view AS SELECT * FROM {table}")
    with pytest.raises(InputError, match="depend"):  # the old table cannot be dropped
        lk.write_layer(_layer().iloc[:1], server, table)
    assert sorted(lk.read_layer(server, table)["parcel_id"]) == ["P1", "P2", "P3"]
    assert _leftovers(server, schema) == []


def test_an_injection_through_the_layer_name_drops_nothing(server, schema):
    lk.write_layer(_layer(), server, f"{schema}.x")
    with pytest.raises(InputError):
        lk.read_layer(server, f"{schema}.x; DROP TABLE {schema}.x")
    with pytest.raises(InputError):
        lk.write_layer(_layer(), server, f"{schema}.y; DROP TABLE {schema}.x")
    assert len(lk.read_layer(server, f"{schema}.x")) == 3


def test_a_query_reads_with_sql(server, schema):
    lk.write_layer(_layer(), server, f"{schema}.q")
    got = lk.read_layer(
        server,
        sql=f"SELECT parcel_id, ST_Area(geometry) AS area, ST_Centroid(geometry) AS geom FROM {schema}.q "
        "WHERE geometry IS NOT NULL AND parcel_id LIKE 'P%' ORDER BY parcel_id;",
    )
    assert list(got.columns) == ["parcel_id", "area", "geometry"]
    assert got.crs.to_epsg() == 4543
    np.testing.assert_allclose(got["area"], _layer().geometry.area.iloc[:2], rtol=1e-12)
    assert (got.geom_type == "Point").all()
    assert got.attrs["landkit_source"]["layer"] == "sql"


def test_reading_changes_nothing_and_needs_rows_with_geometry(server, schema):
    lk.write_layer(_layer(), server, f"{schema}.readonly")
    with pytest.raises(InputError, match="read-only"):
        lk.read_layer(server, sql=f"DELETE FROM {schema}.readonly RETURNING *")
    with pytest.raises(InputError, match="no geometry column"):
        lk.read_layer(server, sql=f"SELECT parcel_id FROM {schema}.readonly")
    assert len(lk.read_layer(server, f"{schema}.readonly")) == 3


def test_an_empty_table_keeps_its_crs(server, schema):
    lk.write_layer(_layer().iloc[:0], server, f"{schema}.empty")
    got = lk.read_layer(server, f"{schema}.empty")
    assert len(got) == 0
    assert got.crs.to_epsg() == 4543


def test_a_missing_table_names_the_spatial_tables(server, schema):
    lk.write_layer(_layer(), server, f"{schema}.listed")
    with pytest.raises(InputError, match=rf"no table 'nothere'.*{schema}\.listed"):
        lk.read_layer(server, "nothere")


def test_a_layer_without_epsg_code_is_refused(server, schema):
    layer = _layer().set_crs("+proj=tmerc +lon_0=102 +ellps=GRS80 +units=m", allow_override=True)
    with pytest.raises(CRSError, match="EPSG"):
        lk.write_layer(layer, server, f"{schema}.noepsg")


def test_the_password_never_reaches_logs_errors_attrs_or_provenance(server, schema, caplog):
    import sqlalchemy as sa

    parsed = sa.engine.make_url(server)
    password = parsed.password
    assert password, "the test URL must carry a password"
    caplog.set_level(logging.DEBUG)
    layer = _layer()
    layer.attrs["landkit_provenance"] = provenance(inputs={"parcels": "memory"}, note="测试")
    lk.write_layer(layer, server, f"{schema}.secret")
    got = lk.read_layer(server, f"{schema}.secret")
    texts = [caplog.text, repr(got.attrs), repr(provenance(inputs={"parcels": got}))]
    checked = lk.check_three_lines(got, {})
    texts.append(repr(checked.attrs))
    wrong = server.replace(f":{password}@", f":{password}x@")
    for attempt in (
        lambda: lk.read_layer(wrong, f"{schema}.secret"),
        lambda: lk.read_layer(server, "nothere"),
        lambda: lk.read_layer(server, sql="SELECT * FROM nothere"),
        lambda: lk.write_layer(layer, wrong, f"{schema}.secret2"),
    ):
        with pytest.raises(InputError) as caught:
            attempt()
        texts.append("".join(traceback.format_exception(caught.value)))
    assert "password authentication failed" in texts[-4]
    for text in texts:
        assert password not in text
    comment = _sql(server, f"SELECT obj_description('{schema}.secret'::regclass)")[0][0]
    assert "测试" in comment and password not in comment


@pytest.mark.filterwarnings("ignore::landkit.errors.GeometryRepairedWarning")
@pytest.mark.parametrize("scheme", ["postgresql://", "postgres://", "postgresql+psycopg://"])
def test_a_check_on_a_layer_from_postgis_equals_the_check_on_the_file(
    server, schema, scheme, sample_path, sample_parcels
):
    path, parcels = sample_path, sample_parcels
    url = server.replace("postgresql://", scheme, 1)
    lk.write_layer(parcels, url, f"{schema}.checked")
    back = lk.read_layer(url, f"{schema}.checked").set_index("parcel_id").loc[parcels["parcel_id"]]
    back = back.reset_index()[parcels.columns]
    from_file = lk.check_three_lines(parcels, path, id_col="parcel_id")
    from_database = lk.check_three_lines(back, path, id_col="parcel_id")
    columns = [c for c in from_file.columns if c.endswith(("_m2", "_mu", "_ha"))]
    np.testing.assert_array_equal(from_database[columns], from_file[columns])
    assert list(from_database["status"]) == list(from_file["status"])
