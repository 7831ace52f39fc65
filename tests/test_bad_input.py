"""Bad input through every public function: empty and one-row layers, geometry of the wrong kind,
ids of another dtype, interrupted writes."""

from __future__ import annotations

import inspect
import os
import signal
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

import landkit as lk
from landkit.errors import GeometryError, GeometryRepairedWarning, LandkitError

SAMPLE = lk.sample_data_path()
RASTER = sorted(SAMPLE.parent.glob("builtup_*.tif"))[-1]
AS_OF = "2026-06-30"


def _read(name: str, **kw) -> gpd.GeoDataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return lk.read_layer(SAMPLE, name, **kw)


@pytest.fixture(scope="module")
def sample() -> dict[str, pd.DataFrame]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layers = {
            name: _read(name)
            for name in ("parks", "parcels", "buildings", "counties", *lk.io.LINE_KEYS)
        }
        layers["history"] = lk.read_table(SAMPLE, "park_history", kind="park_history")
        layers["enterprises"] = lk.read_table(SAMPLE, "enterprises")
        idle = lk.detect_idle(layers["parcels"], as_of=AS_OF, builtup=RASTER)
    flagged = idle["idle_status"].isin(["idle", "recoverable", "suspected_idle"])
    layers["flagged"] = layers["parcels"][flagged.to_numpy()]
    return layers


def _head(layers: dict, n: int) -> dict:
    """The sample with the parks, parcels and tables cut to ``n`` rows (lines and context kept)."""
    out = dict(layers)
    park = layers["parks"]["park_id"].iloc[0]
    parcels = layers["parcels"][layers["parcels"]["park_id"] == park]
    out["parks"] = layers["parks"].head(n)
    out["parcels"] = parcels.head(n)
    out["history"] = layers["history"][layers["history"]["year"] == 2025].head(n)
    out["enterprises"] = layers["enterprises"].head(n)
    out["flagged"] = layers["flagged"].head(n)
    out["lines"] = {key: layers[key] for key in lk.io.LINE_KEYS}
    return out


def _checked(s, folder=None):
    return lk.check_three_lines(s["parcels"], s["lines"], id_col="parcel_id")


def _units(s) -> pd.DataFrame:
    """The parcels as 亩均 units with the figures a scheme needs."""
    parcels = s["parcels"]
    return pd.DataFrame(
        {
            "enterprise_id": parcels["parcel_id"],
            "area_mu": 10.0,
            "tax_wan_yuan": 300.0,
            "revenue_wan_yuan": 3000.0,
            "value_added_wan_yuan": 1000.0,
            "energy_tce": 500.0,
            "emissions_t": 0.2,
            "employees": 50,
            "rd_wan_yuan": 90.0,
        },
        index=parcels.index,
    )


def _dossier(s, folder):
    finding = lk.detect_idle(s["flagged"], as_of=AS_OF, builtup=RASTER)
    return lk.case_dossier(finding, parcels=s["flagged"], path=folder / "case.docx")


# name → (call on the cut sample and a scratch folder, rows the result has for n input rows: a
# callable of n, or None when the result is not a table of rows)
CASES = {
    "assess_parks": (lambda s, d: lk.assess_parks(s["history"], year=2025), lambda n: n),
    "boundary_points": (lambda s, d: lk.boundary_points(s["parks"]), None),
    "case_dossier": (_dossier, None),
    "check_three_lines": (_checked, lambda n: n),
    "three_line_overlaps": (
        lambda s, d: lk.three_line_overlaps(s["parcels"], s["lines"], id_col="parcel_id"),
        None,
    ),
    "park_three_line_summary": (lambda s, d: lk.park_three_line_summary(_checked(s)), None),
    "detect_idle": (
        lambda s, d: lk.detect_idle(s["parcels"], as_of=AS_OF, builtup=RASTER),
        lambda n: n,
    ),
    "four_boundaries": (
        lambda s, d: lk.four_boundaries(s["parks"], s["counties"], name_col="name"),
        None,
    ),
    "industry_concentration": (lambda s, d: lk.industry_concentration(s["enterprises"]), None),
    "make_map": (
        lambda s, d: lk.make_map(parks=s["parks"], parcels=s["parcels"], basemap=None),
        None,
    ),
    "static_map": (
        lambda s, d: lk.static_map(s["parks"], parcels=s["parcels"], path=d / "map.png"),
        None,
    ),
    "mu_benefit": (lambda s, d: lk.mu_benefit(_units(s), scheme="huangyan-2022"), lambda n: n),
    "parcel_metrics": (lambda s, d: lk.parcel_metrics(s["parcels"], s["buildings"]), lambda n: n),
    "parcel_map": (lambda s, d: lk.parcel_map(s["parcels"], path=d / "parcel.png"), None),
    "parcels_outside_parks": (
        lambda s, d: lk.parcels_outside_parks(s["parcels"], s["parks"]),
        lambda n: n,
    ),
    "park_indicators": (
        lambda s, d: lk.park_indicators(s["parks"], s["parcels"], buildings=s["buildings"]),
        lambda n: n,
    ),
    "park_publication_sheet": (lambda s, d: lk.park_publication_sheet(s["parks"]), lambda n: n),
    "parks_per_county": (lambda s, d: lk.parks_per_county(s["parks"], s["counties"]), None),
    "protective_distance_check": (
        lambda s, d: lk.protective_distance_check(s["parcels"], s["parcels"]),
        lambda n: n,
    ),
    "validate_layer": (lambda s, d: lk.validate_layer(s["parcels"], "parcels"), lambda n: n),
    "write_boundary_points": (
        lambda s, d: lk.write_boundary_points(lk.boundary_points(s["parks"]), d / "points.xlsx"),
        None,
    ),
    "write_coordinate_txt": (
        lambda s, d: lk.write_coordinate_txt(s["parks"], d / "parks.txt", id_col="park_id"),
        None,
    ),
    "write_layer": (lambda s, d: lk.write_layer(s["parcels"], d / "parcels.gpkg"), None),
    "write_layers": (lambda s, d: lk.write_layers({"parcels": s["parcels"]}, d / "all.gpkg"), None),
    "write_publication_sheet": (
        lambda s, d: lk.write_publication_sheet(lk.park_publication_sheet(s["parks"]), d / "p.xlsx"),
        None,
    ),
    "write_report": (
        lambda s, d: lk.write_report(d / "report.xlsx", three_lines=_checked(s)),
        None,
    ),
    "write_table": (lambda s, d: lk.write_table(s["history"], d / "history.xlsx"), None),
    "zonal_stats": (lambda s, d: lk.zonal_stats(s["parcels"], RASTER), lambda n: n),
}

# public callables that take no layer: readers, the sample's path, a code normaliser
NO_LAYER = {
    "normalise_industry_code",
    "read_coordinate_txt",
    "read_layer",
    "read_table",
    "sample_data_path",
}
# an empty layer is refused with a landkit error saying why, never an IndexError: functions that
# take exactly one feature, and outputs that would hold nothing (a map, a coordinate file, the
# assessment of a year without parks)
REFUSE_EMPTY = {
    "boundary_points": "one feature",
    "four_boundaries": "one feature",
    "write_boundary_points": "one feature",
    "parcel_map": "one feature",
    "case_dossier": "one row",
    "make_map": "nothing to draw",
    "static_map": "no geometry",
    "write_coordinate_txt": "no rows",
    "assess_parks": "no rows",
}


def test_every_public_function_that_takes_a_layer_is_covered():
    public = {
        name
        for name in lk.__all__
        if inspect.isfunction(getattr(lk, name)) and name not in NO_LAYER
    }
    assert public == set(CASES)


@pytest.mark.slow
@pytest.mark.parametrize("n", [0, 1])
@pytest.mark.parametrize("name", sorted(CASES))
def test_empty_and_one_row_layers_give_empty_and_one_row_results(sample, tmp_path, name, n):
    call, rows = CASES[name]
    cut = _head(sample, n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if n == 0 and name in REFUSE_EMPTY:
            with pytest.raises(LandkitError, match=REFUSE_EMPTY[name]):
                call(cut, tmp_path)
            return
        result = call(cut, tmp_path)
    if rows is not None:
        assert len(result) == rows(n)
    if isinstance(result, Path):
        assert result.exists()


# ------------------------------------------------------------------ geometry of the wrong kind


def _with_geometry(layer: gpd.GeoDataFrame, geom) -> gpd.GeoDataFrame:
    out = layer.head(2).copy()
    out.loc[out.index[0], out.geometry.name] = geom
    return out


def _as_parks(parcels: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Parcels standing in for parks (same geometries), with park ids of their own."""
    return parcels.assign(park_id=[f"K{i}" for i in range(len(parcels))], name="园区")


POLYGON_FUNCTIONS = {
    "check_three_lines": lambda s, p: lk.check_three_lines(p, s["lines"], id_col="parcel_id"),
    "park_indicators_parks": lambda s, p: lk.park_indicators(_as_parks(p), s["parcels"]),
    "detect_idle": lambda s, p: lk.detect_idle(p, as_of=AS_OF, builtup=RASTER),
    "park_publication_sheet": lambda s, p: lk.park_publication_sheet(_as_parks(p)),
    "four_boundaries": lambda s, p: lk.four_boundaries(p.head(1), s["counties"], name_col="name"),
    "parcels_outside_parks": lambda s, p: lk.parcels_outside_parks(s["parcels"], _as_parks(p)),
    "make_map": lambda s, p: lk.make_map(parcels=p, basemap=None),
    "mu_benefit": lambda s, p: lk.mu_benefit(
        _units(s).iloc[: len(p)].pipe(gpd.GeoDataFrame, geometry=p.geometry.to_numpy(), crs=p.crs)
        .drop(columns="area_mu"),
        scheme="huangyan-2022",
    ),
    "static_map": lambda s, p: lk.static_map(_as_parks(p)),
    "three_line_overlaps": lambda s, p: lk.three_line_overlaps(p, s["lines"], id_col="parcel_id"),
    "parcel_metrics": lambda s, p: lk.parcel_metrics(p),
    "park_indicators": lambda s, p: lk.park_indicators(s["parks"], p),
    "boundary_points": lambda s, p: lk.boundary_points(p.head(1)),
    "zonal_stats_coverage": lambda s, p: lk.zonal_stats(p, RASTER, pixel_rule="coverage"),
}


@pytest.mark.parametrize("kind", ["line", "point"])
@pytest.mark.parametrize("name", sorted(POLYGON_FUNCTIONS))
def test_a_line_or_point_where_a_polygon_is_expected_is_refused(sample, name, kind):
    cut = _head(sample, 2)
    first = cut["parcels"].geometry.iloc[0]
    geom = first.boundary if kind == "line" else first.centroid
    parcels = _with_geometry(cut["parcels"], geom)
    error = LandkitError if name == "zonal_stats_coverage" else GeometryError
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(error, match=r"not polygons|needs polygons"):
            POLYGON_FUNCTIONS[name](cut, parcels)


def _collection(polygon):
    return shapely.GeometryCollection([polygon, shapely.LineString(polygon.exterior.coords[:2])])


def test_a_geometry_collection_keeps_its_polygonal_part_in_the_three_line_check(sample):
    cut = _head(sample, 2)
    plain = lk.check_three_lines(cut["parcels"], cut["lines"], id_col="parcel_id")
    parcels = _with_geometry(cut["parcels"], _collection(cut["parcels"].geometry.iloc[0]))
    with pytest.warns(GeometryRepairedWarning, match="polygonal part of 1 geometry collection"):
        mixed = lk.check_three_lines(parcels, cut["lines"], id_col="parcel_id")
    assert mixed["area_m2"].tolist() == pytest.approx(plain["area_m2"].tolist())
    assert mixed["geometry_repaired"].tolist() == [True, False]
    assert (mixed["status"] != "no_geometry").all()


def test_a_geometry_collection_keeps_its_polygonal_part_in_metrics_and_zonal_stats(sample):
    cut = _head(sample, 2)
    parcels = _with_geometry(cut["parcels"], _collection(cut["parcels"].geometry.iloc[0]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = lk.parcel_metrics(cut["parcels"])
        plain_stats = lk.zonal_stats(cut["parcels"], RASTER, pixel_rule="coverage")
    with pytest.warns(GeometryRepairedWarning, match="polygonal part of 1 geometry collection"):
        mixed = lk.parcel_metrics(parcels)
    with pytest.warns(GeometryRepairedWarning, match="polygonal part of 1 geometry collection"):
        stats = lk.zonal_stats(parcels, RASTER, pixel_rule="coverage")
    assert mixed["area_m2"].tolist() == pytest.approx(plain["area_m2"].tolist())
    assert stats["mean"].tolist() == pytest.approx(plain_stats["mean"].tolist())
    assert stats.attrs["landkit_provenance"]["geometries_repaired"] == "1"


# ------------------------------------------------------------------ interrupted writes

_WRITER = textwrap.dedent(
    """
    import sys, time, warnings
    import landkit as lk
    from landkit.io import files

    warnings.simplefilter("ignore")
    parcels = lk.read_layer(lk.sample_data_path(), "parcels")
    real = files._for_ogr

    def slow(frame):
        print("writing", flush=True)
        time.sleep(30)
        return real(frame)

    files._for_ogr = slow
    lk.write_layer(parcels, sys.argv[1])
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_write_leaves_the_previous_output_and_no_temporary(tmp_path, signum):
    target = tmp_path / "result.gpkg"
    lk.write_layer(_read("parks"), target)
    before = target.read_bytes()
    env = {**os.environ, "PYTHONPATH": str(Path(lk.__file__).parents[1])}
    with subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    ) as proc:
        assert proc.stdout.readline().strip() == "writing"
        time.sleep(0.2)
        proc.send_signal(signum)
        proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.gpkg"]
    assert target.read_bytes() == before


def test_the_sigterm_handler_is_restored_after_a_write(tmp_path):
    previous = signal.getsignal(signal.SIGTERM)
    lk.write_layer(_read("parks"), tmp_path / "parks.gpkg")
    assert signal.getsignal(signal.SIGTERM) is previous


# ------------------------------------------------------------------ ids of another dtype

ID_FLAVOURS = {
    "int": lambda ids: [int(i) for i in ids],
    "float": lambda ids: [float(i) for i in ids],
    "text": lambda ids: [str(i) for i in ids],
    "zero-padded text": lambda ids: [f"{int(i):04d}" for i in ids],
}


@pytest.mark.parametrize("theirs", sorted(ID_FLAVOURS))
@pytest.mark.parametrize("ours", sorted(ID_FLAVOURS))
def test_results_join_back_whatever_the_id_type(ours, theirs):
    from landkit.maps import combine_results

    parcels = pd.DataFrame({"parcel_id": ID_FLAVOURS[ours]([3, 1, 2]), "status": ["a", "b", "c"]})
    idle = pd.DataFrame({"parcel_id": ID_FLAVOURS[theirs]([1, 2]), "idle_status": ["idle", "active"]})
    joined = combine_results(parcels, idle)
    assert joined["parcel_id"].tolist() == parcels["parcel_id"].tolist()
    assert joined["idle_status"].isna().tolist() == [True, False, False]
    assert joined["idle_status"].iloc[1:].tolist() == ["idle", "active"]


def test_results_that_match_nothing_are_an_input_error():
    from landkit.maps import combine_results

    parcels = pd.DataFrame({"parcel_id": ["P1", "P2"]})
    with pytest.raises(lk.InputError, match="none of its 1 ids"):
        combine_results(parcels, pd.DataFrame({"parcel_id": ["Q9"], "idle_status": ["idle"]}))


@pytest.mark.parametrize("flavour", ["int", "text"])
def test_the_report_summary_joins_park_ids_of_either_type(tmp_path, flavour):
    import openpyxl

    parks = pd.DataFrame({"park_id": ["1", "2"], "name": ["甲", "乙"]})
    checked = pd.DataFrame(
        {
            "parcel_id": ["a", "b", "c"],
            "park_id": ID_FLAVOURS[flavour]([1, 1, 2]),
            "status": ["violation", "violation", "compliant"],
        }
    )
    target = lk.write_report(tmp_path / "report.xlsx", parks=parks, three_lines=checked)
    rows = list(openpyxl.load_workbook(target).worksheets[0].iter_rows(values_only=True))
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["甲"][-2:] == (2, 2)  # parcels, violations
    assert by_name["乙"][-2:] == (1, 0)
    with pytest.raises(lk.InputError, match="park_id"):
        lk.write_report(tmp_path / "other.xlsx", parks=parks.assign(park_id=["X", "Y"]), three_lines=checked)


# ------------------------------------------------------------------ coordinates that cannot be


WRONG_COORDINATES = {
    "infinite": (shapely.Polygon([(570_000, 2_760_000), (float("inf"), 2_760_000), (570_100, 2_760_100)]),
                 GeometryError, "not numbers"),
    "far outside the zone": (shapely.box(5e6, 5e6, 5.1e6, 5.1e6), lk.CRSError, "far outside"),
    "astronomical": (shapely.box(1e300, 1e300, 2e300, 2e300), lk.CRSError, "far outside"),
    "zone prefix under a plain zone": (shapely.box(34_570_000, 2_760_000, 34_570_100, 2_760_100),
                                       lk.CRSError, "carry a zone prefix"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(WRONG_COORDINATES))
@pytest.mark.parametrize("name", sorted(POLYGON_FUNCTIONS))
def test_coordinates_that_cannot_be_in_the_crs_are_refused_by_every_function(sample, name, case):
    geom, error, said = WRONG_COORDINATES[case]
    cut = _head(sample, 2)
    parcels = _with_geometry(cut["parcels"], geom)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(error, match=said):
            POLYGON_FUNCTIONS[name](cut, parcels)


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, SystemExit])
def test_an_interrupted_write_removes_the_temporary_file_and_its_journals(tmp_path, interruption):
    target = tmp_path / "result.gpkg"
    lk.write_layer(_read("parks"), target)
    before = target.read_bytes()
    with pytest.raises(interruption), lk.io.atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        for end in ("-journal", "-wal", "-shm"):
            tmp.with_name(tmp.name + end).write_bytes(b"journal")
        raise interruption
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.gpkg"]
    assert target.read_bytes() == before
