import contextlib
import io
import subprocess
import sys
import tomllib
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import landkit as lk
from landkit.cli import main


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "landkit.cli", *args], capture_output=True, text=True, check=False
    )


@pytest.mark.slow
def test_help_and_version():
    out = run("--help")
    assert out.returncode == 0 and "validate" in out.stdout and "demo" in out.stdout
    out = run("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"landkit {lk.__version__}"


def test_validate_a_good_layer(capsys):
    code = main(["validate", str(lk.sample_data_path()), "--kind", "parks", "--layer", "parks"])
    assert code == 0
    assert "校验通过" in capsys.readouterr().out


def test_a_geometry_repair_reads_as_one_chinese_line(tmp_path, capsys):
    sample = str(lk.sample_data_path())
    code = main(["check", sample, "--layer", "parcels", "--lines", sample,
                 "--out", str(tmp_path / "three_lines.gpkg")])  # fmt: skip
    out = capsys.readouterr()
    assert code == 0
    assert "已修复：图层“要素”中 1 个无效几何图形（make_valid，保留面状部分）" in out.out
    assert "invalid geometr" not in out.out + out.err


@pytest.mark.slow
def test_validate_names_every_problem_and_exits_2(tmp_path):
    broken = gpd.GeoDataFrame(
        {
            "宗地编号": ["P1", "P1", "P3"],
            "约定动工日期": ["2021-03-05", "明年", None],
            "土地价款": [10.0, 20.0, -1.0],
        },
        geometry=[shapely.box(0, 0, 10, 10), shapely.box(20, 0, 30, 10), None],
        crs=4543,
    )
    path = tmp_path / "broken.gpkg"
    lk.write_layer(broken, path, "parcels")
    out = run("validate", str(path), "--kind", "parcels")
    assert out.returncode == 2
    err = out.stderr
    for needle in (
        "missing column 'park_id'",
        "duplicate ids P1",
        "are not dates (ids P1",
        "negative values (ids P3",
        "missing or empty geometry (ids P3",
    ):
        assert needle in err
    assert out.stdout == ""


@pytest.mark.slow
def test_bad_usage_and_missing_files_exit_2(tmp_path):
    assert run("validate", str(tmp_path / "none.gpkg"), "--kind", "parcels").returncode == 2
    assert run("validate").returncode == 2
    assert run("no-such-command").returncode == 2


@pytest.mark.slow
def test_demo_writes_a_summary(tmp_path):
    out = run("demo", "--out", str(tmp_path / "demo"))
    assert out.returncode == 0, out.stderr
    summary = (tmp_path / "demo" / "summary.txt").read_text(encoding="utf-8")
    assert "数据校验" in summary
    assert "已写出文件" in out.stdout and "[1/" in out.stderr


# ------------------------------------------------------------------ bad input and unusable outputs

SAMPLE = str(lk.sample_data_path())
RASTER = sorted(lk.sample_data_path().parent.glob("builtup_*.tif"))[-1]
ISSUES = (
    tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text(encoding="utf-8"))[
        "project"
    ]["urls"]["Homepage"].rstrip("/")
    + "/issues"
)


def call(argv) -> tuple[int, str, str]:
    """Run the command in-process: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), warnings.catch_warnings():
        warnings.simplefilter("default")
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# command → (its arguments without the output, the output option's kind, its file suffix)
COMMANDS = {
    "check": (["check", SAMPLE, "--layer", "parcels", "--lines", SAMPLE], "file", ".gpkg"),
    "metrics": (["metrics", SAMPLE, "--layer", "parcels"], "file", ".gpkg"),
    "assess": (["assess", SAMPLE, "--sheet", "park_history", "--year", "2025"], "file", ".xlsx"),
    "map": (["map", SAMPLE, "--layer", "parcels", "--basemap", "none"], "file", ".html"),
    "report": (["report", "--parks", SAMPLE], "file", ".xlsx"),
    "idle": (["idle", SAMPLE, "--layer", "parcels", "--as-of", "2026-06-30"], "folder", ""),
    "boundary": (["boundary", SAMPLE, "--layer", "parks", "--id", "G531042"], "folder", ""),
    "demo": (["demo"], "folder", ""),
}


def _bad_out(folder: Path, case: str, suffix: str) -> Path:
    blocker = folder / "a_file.txt"
    blocker.write_text("x")
    (folder / f"a_folder{suffix or '.d'}").mkdir()
    return {
        "under a regular file": blocker / f"out{suffix}",
        "in a missing folder": folder / "missing" / f"out{suffix}",
        "an existing folder": folder / f"a_folder{suffix or '.d'}",
        "an existing file": blocker,
    }[case]


UNUSABLE = [
    (command, case)
    for command in sorted(COMMANDS)
    for case in ("under a regular file", "in a missing folder", "an existing folder", "an existing file")
    # a file output may replace a file, a folder output may write into a folder
    if case != {"file": "an existing file", "folder": "an existing folder"}[COMMANDS[command][1]]
]


@pytest.mark.parametrize(("command", "case"), UNUSABLE)
def test_an_unusable_output_path_exits_2_in_one_chinese_line_and_writes_nothing(tmp_path, command, case):
    argv, _, suffix = COMMANDS[command]
    out = _bad_out(tmp_path, case, suffix)
    before = tree(tmp_path)
    code, stdout, stderr = call([*argv, "--out", out])
    assert code == 2, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误 error:"), stderr
    assert "Traceback" not in stderr and stdout == ""
    assert tree(tmp_path) == before


def test_one_unusable_output_of_several_leaves_none_of_them(tmp_path):
    blocker = tmp_path / "a_file.txt"
    blocker.write_text("x")
    argv = ["map", SAMPLE, "--layer", "parcels", "--parks", SAMPLE, "--basemap", "none"]
    code, _, stderr = call([*argv, "--out", tmp_path / "map.html", "--png", blocker / "map.png"])
    assert code == 2 and "--png" in stderr
    assert tree(tmp_path) == ["a_file.txt"]


def test_an_unwritable_file_inside_the_output_folder_leaves_none_of_the_others(tmp_path):
    out = tmp_path / "idle"
    (out / "idle.xlsx").mkdir(parents=True)  # where the workbook should go
    code, _, stderr = call([*COMMANDS["idle"][0], "--out", out])
    assert code == 2 and "idle.xlsx" in stderr
    assert tree(tmp_path) == ["idle", "idle/idle.xlsx"]


def test_a_successful_run_leaves_no_temporary_files(tmp_path):
    code, _, stderr = call([*COMMANDS["idle"][0], "--out", tmp_path / "idle"])
    assert code == 0, stderr
    assert tree(tmp_path) == ["idle", "idle/idle.gpkg", "idle/idle.html", "idle/idle.xlsx"]


def test_a_bug_says_so_and_where_to_report_it_with_exit_3(tmp_path, monkeypatch):
    from landkit import pipeline

    def broken(*args, **kwargs):
        raise RuntimeError("something landkit did not foresee")

    monkeypatch.setattr(pipeline, "three_lines", broken)
    code, _, stderr = call([*COMMANDS["check"][0], "--out", tmp_path / "out.gpkg"])
    assert code == 3
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr
    assert "内部错误" in lines[0] and ISSUES in lines[0] and "RuntimeError" in lines[0]
    assert tree(tmp_path) == []


def test_bad_usage_is_one_chinese_line(tmp_path):
    code, _, stderr = call(["check", SAMPLE])
    assert code == 2
    assert len(stderr.strip().splitlines()) == 1 and stderr.startswith("错误 error: 命令行参数有误")


def test_a_schema_error_is_one_line(tmp_path):
    path = tmp_path / "parcels.gpkg"
    broken = gpd.GeoDataFrame({"x": [1, 2]}, geometry=[shapely.box(0, 0, 1, 1), None], crs=4543)
    lk.write_layer(broken, path)
    code, _, stderr = call(["metrics", path, "--out", tmp_path / "m.gpkg"])
    assert code == 2 and len(stderr.strip().splitlines()) == 1
    assert "parcel_id" in stderr and not (tmp_path / "m.gpkg").exists()


# ------------------------------------------------------------------ joins on ids of either type


@pytest.fixture
def numbered(tmp_path):
    """Five parcels with the ids 1–5 as text, in a GeoPackage."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parcels = lk.read_layer(SAMPLE, "parcels").head(5)
    parcels = parcels.assign(parcel_id=[str(i) for i in range(1, 6)], park_id="7")
    path = tmp_path / "parcels.gpkg"
    lk.write_layer(parcels, path, "parcels")
    return path


def _result(folder: Path, ids, name="idle.csv") -> Path:
    path = folder / name
    pd.DataFrame(
        {"parcel_id": ids, "park_id": [7] * len(ids), "idle_status": ["idle"] * len(ids),
         "status": ["violation"] * len(ids)}
    ).to_csv(path, index=False)  # fmt: skip
    return path


def test_map_with_a_result_of_integer_ids_joins_text_ids(numbered, tmp_path):
    result = _result(tmp_path, [1, 2, 3])
    code, _, stderr = call(["map", numbered, "--with", result, "--basemap", "none", "--out", tmp_path / "m.html"])
    assert code == 0, stderr
    assert (tmp_path / "m.html").exists()


def test_map_with_a_result_that_matches_nothing_says_so(numbered, tmp_path):
    result = _result(tmp_path, [101, 102])
    code, _, stderr = call(["map", numbered, "--with", result, "--basemap", "none", "--out", tmp_path / "m.html"])
    assert code == 2 and "none of its 2 ids" in stderr
    assert not (tmp_path / "m.html").exists()


def test_report_joins_park_ids_of_either_type_and_says_when_nothing_matches(tmp_path):
    parks = tmp_path / "parks.csv"
    pd.DataFrame({"park_id": ["7"], "name": ["甲园区"]}).to_csv(parks, index=False)
    result = _result(tmp_path, [1, 2], name="three_lines.csv")
    code, _, stderr = call(["report", "--parks", parks, "--three-lines", result, "--out", tmp_path / "r.xlsx"])
    assert code == 0, stderr
    other = tmp_path / "other_parks.csv"
    pd.DataFrame({"park_id": ["G9"], "name": ["乙园区"]}).to_csv(other, index=False)
    code, _, stderr = call(["report", "--parks", other, "--three-lines", result, "--out", tmp_path / "s.xlsx"])
    assert code == 2 and "park_id" in stderr and not (tmp_path / "s.xlsx").exists()


# ------------------------------------------------------------------ generated bad input


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> dict[str, str]:
    """Bad and good inputs the generated command lines draw from."""
    folder = tmp_path_factory.mktemp("inputs")
    (folder / "text.gpkg").write_text("park_id\nK1\n")
    (folder / "page.gpkg").write_text("<!DOCTYPE html><html></html>")
    (folder / "empty.gpkg").write_bytes(b"")
    (folder / "dir.gpkg").mkdir()
    (folder / "plain.csv").write_text("a,b\n1,2\n")
    (folder / "gbk.csv").write_bytes("园区编号,年份\nK1,二〇二五\n".encode("gbk"))
    (folder / "bad.xlsx").write_text("not a workbook")
    (folder / "blocker").write_text("x")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parcels = lk.read_layer(SAMPLE, "parcels")
    lk.write_layer(parcels.head(0), folder / "none.gpkg", "parcels")
    lk.write_layer(parcels.head(1), folder / "one.gpkg", "parcels")
    lk.write_layer(parcels.head(2).set_geometry(parcels.head(2).boundary), folder / "lines.gpkg", "parcels")
    names = ["text.gpkg", "page.gpkg", "empty.gpkg", "dir.gpkg", "plain.csv", "gbk.csv", "bad.xlsx",
             "none.gpkg", "one.gpkg", "lines.gpkg", "missing.gpkg", "blocker"]  # fmt: skip
    return {"folder": str(folder), **{name: str(folder / name) for name in names}}


_VALUES = ["", "-1", "0", "2025", "abc", "2026-13-01", "2026-06-30", "EPSG:4490", "gcj02", "1e9", "园区"]

# command → (takes a positional input, required options, optional options); "out" options draw
# from the output paths, "file" options from the inputs, the others from _VALUES or their choices
_SPECS = {
    "validate": (True, {"--kind": ["parcels", "parks", "park_history"]}, {"--layer": None, "--crs": None}),
    "check": (True, {"--lines": "file", "--out": "out"}, {"--layer": None, "--crs": None, "--tolerance": None}),
    "metrics": (True, {"--out": "out"}, {"--layer": None, "--buildings": "file", "--parks": "file"}),
    "idle": (True, {"--as-of": None, "--out": "out"}, {"--layer": None, "--builtup": "file", "--previous": "file"}),
    "map": (True, {"--out": "out"}, {"--layer": None, "--with": "file", "--parks": "file", "--lines": "file"}),
    "report": (False, {"--out": "out", "--three-lines": "file"}, {"--parks": "file", "--idle": "file"}),
    "assess": (True, {"--year": ["2024", "2025", "1900"], "--out": "out"}, {"--sheet": None, "--parks": "file"}),
    "boundary": (True, {"--id": ["P001", "G531042", "nope", ""], "--out": "out"}, {"--layer": None, "--crs": None}),
}  # fmt: skip


@st.composite
def command_lines(draw, files: list[str], outs: dict[str, list[str]]):
    command = draw(st.sampled_from(sorted(_SPECS)))
    positional, required, optional = _SPECS[command]
    argv = [command, draw(st.sampled_from(files))] if positional else [command]

    def value(pool):
        if pool == "file":
            return draw(st.sampled_from(files))
        if pool == "out":  # the command's own kind of output half of the time
            return draw(st.one_of(st.sampled_from(outs[command]), st.sampled_from(outs["bad"])))
        return draw(st.sampled_from(pool or [*_VALUES, "parcels", "parks"]))

    for option, pool in required.items():
        argv += [option, value(pool)]
    for option in draw(st.lists(st.sampled_from(sorted(optional)), max_size=2, unique=True)):
        argv += [option, value(optional[option])]
    return argv


@pytest.mark.slow
def test_the_cli_never_exits_with_anything_but_0_1_2_on_bad_input(scratch):
    files = [path for name, path in scratch.items() if name != "folder"] + [SAMPLE, str(RASTER)]
    folder = Path(scratch["folder"])
    (folder / "out").mkdir(exist_ok=True)
    good = {
        "check": ["r.gpkg"], "metrics": ["m.gpkg", "m.xlsx"], "idle": ["idle"], "map": ["m.html"],
        "report": ["r.xlsx"], "assess": ["a.xlsx"], "boundary": ["b"], "validate": [],
    }  # fmt: skip
    outs = {command: [str(folder / "out" / name) for name in names] for command, names in good.items()}
    outs["bad"] = [
        str(folder / "blocker" / "r.gpkg"),
        str(folder / "dir.gpkg"),
        str(folder / "missing" / "r.xlsx"),
        str(folder / "out" / "r.csv"),
        str(folder / "text.gpkg"),
    ]

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(command_lines(files, outs))
    def run_one(argv):
        code, _, stderr = call(argv)
        assert code in (0, 1, 2), (argv, stderr)
        assert "Traceback" not in stderr, (argv, stderr)
        if code == 2:
            assert len(stderr.strip().splitlines()) == 1, (argv, stderr)

    run_one()


def test_report_of_a_table_that_is_no_result_exits_2(tmp_path):
    table = tmp_path / "table.csv"
    pd.DataFrame({"parcel_id": ["P1"]}).to_csv(table, index=False)
    code, _, stderr = call(["report", "--three-lines", table, "--out", tmp_path / "r.xlsx"])
    assert code == 2 and "status" in stderr and not (tmp_path / "r.xlsx").exists()


# ------------------------------------------------------------------ empty and one-row layers


@pytest.fixture(scope="module")
def cut(tmp_path_factory) -> Path:
    """Parcels, parks and history cut to 0 and 1 rows: p0.gpkg, p1.gpkg, k0.gpkg, k1.gpkg, h0.csv, h1.csv."""
    folder = tmp_path_factory.mktemp("cut")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parcels, parks = lk.read_layer(SAMPLE, "parcels"), lk.read_layer(SAMPLE, "parks")
        history = lk.read_table(SAMPLE, "park_history")
    for n in (0, 1):
        lk.write_layer(parcels.head(n), folder / f"p{n}.gpkg", "parcels")
        lk.write_layer(parks.head(n), folder / f"k{n}.gpkg", "parks")
        lk.write_table(history[history["year"] == 2025].head(n), folder / f"h{n}.csv")
    return folder


# command line (with {n} for 0 or 1) → what an empty input gives: 0 (empty results) or the reason
EMPTY_RUNS = {
    "validate": (["validate", "p{n}.gpkg", "--kind", "parcels"], 0),
    "check": (["check", "p{n}.gpkg", "--lines", SAMPLE, "--out", "c{n}.gpkg"], 0),
    "metrics": (["metrics", "p{n}.gpkg", "--parks", "k{n}.gpkg", "--out", "m{n}.xlsx"], 0),
    "idle": (["idle", "p{n}.gpkg", "--as-of", "2026-06-30", "--builtup", str(RASTER), "--out", "i{n}"], 0),
    "map": (["map", "p{n}.gpkg", "--parks", "k{n}.gpkg", "--basemap", "none", "--out", "map{n}.html"],
            "nothing to draw"),
    "report": (["report", "--parks", "k{n}.gpkg", "--out", "r{n}.xlsx"], 0),
    "assess": (["assess", "h{n}.csv", "--year", "2025", "--out", "a{n}.xlsx"], "no rows"),
    "boundary": (["boundary", "k{n}.gpkg", "--id", "G531042", "--out", "b{n}"], "0 features"),
}  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("n", [0, 1])
@pytest.mark.parametrize("command", sorted(EMPTY_RUNS))
def test_empty_and_one_row_layers_through_every_command(cut, monkeypatch, command, n):
    monkeypatch.chdir(cut)
    argv, empty = EMPTY_RUNS[command]
    code, _, stderr = call([part.format(n=n) for part in argv])
    if n == 1 or empty == 0:
        assert code == 0, stderr
    else:
        assert code == 2 and empty in stderr and len(stderr.strip().splitlines()) == 1


# ------------------------------------------------------------------ interrupted runs

_INTERRUPTED = """
import sys, time
import landkit.report
from landkit.cli import main

real = landkit.report.write_report

def slow(*args, **kwargs):
    out = real(*args, **kwargs)
    print("writing", flush=True)
    time.sleep(30)
    return out

landkit.report.write_report = slow
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.slow
@pytest.mark.parametrize("signum", ["SIGTERM", "SIGINT"])
def test_an_interrupted_command_leaves_the_previous_outputs_and_no_temporaries(tmp_path, signum):
    import os
    import signal
    import time

    out = tmp_path / "idle"
    argv = [*COMMANDS["idle"][0], "--out", out]
    assert call(argv)[0] == 0
    before = {name: (out / name).read_bytes() for name in tree(out)}
    env = {**os.environ, "PYTHONPATH": str(Path(lk.__file__).parents[1])}
    with subprocess.Popen(
        [sys.executable, "-c", _INTERRUPTED, *map(str, argv)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
    ) as proc:  # fmt: skip
        while proc.stdout.readline().strip() != "writing":
            assert proc.poll() is None, proc.stderr.read()
        time.sleep(0.2)
        proc.send_signal(getattr(signal, signum))
        _, stderr = proc.communicate(timeout=60)
    assert proc.returncode not in (0, 1, 2, 3)
    assert "Traceback" not in stderr
    assert tree(tmp_path) == ["idle", *(f"idle/{name}" for name in before)]
    assert {name: (out / name).read_bytes() for name in tree(out)} == before


# ------------------------------------------------------------------ formula injection in workbooks

HOSTILE = ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=2", '=HYPERLINK("http://example.com","点此")']


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    """The sample's first park and its parcels, with every text a user may type set to formulas."""
    folder = tmp_path_factory.mktemp("hostile")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        parks = lk.read_layer(SAMPLE, "parks")
        parcels = lk.read_layer(SAMPLE, "parcels")
        history = lk.read_table(SAMPLE, "park_history")
        flagged = lk.detect_idle(parcels, as_of="2026-06-30", builtup=RASTER)["idle_status"].ne("active")
    park = parcels.loc[flagged.to_numpy(), "park_id"].iloc[0]  # a park with idle findings
    parks = parks[parks["park_id"] == park]
    mine = parcels["park_id"].eq(park).to_numpy()
    order = np.lexsort((~flagged.to_numpy()[mine],))
    parcels = parcels[mine].iloc[order].head(len(HOSTILE)).copy()
    parcels["name"] = HOSTILE[: len(parcels)]
    parcels["note"] = HOSTILE[: len(parcels)]
    parks = parks.assign(name=HOSTILE[0], leading_industry=HOSTILE[-1])
    lk.write_layer(parcels, folder / "parcels.gpkg", "parcels")
    lk.write_layer(parks, folder / "parks.gpkg", "parks")
    lk.write_table(history.assign(note=HOSTILE[0]), folder / "history.csv")
    return folder


WORKBOOK_RUNS = {
    "metrics": (["metrics", "parcels.gpkg", "--parks", "parks.gpkg", "--out", "m.xlsx"], "m.xlsx"),
    "idle": (["idle", "parcels.gpkg", "--as-of", "2026-06-30", "--builtup", str(RASTER), "--out", "idle"],
             "idle/idle.xlsx"),
    "assess": (["assess", "history.csv", "--year", "2025", "--out", "a.xlsx"], "a.xlsx"),
    "report": (["report", "--parks", "parks.gpkg", "--idle", "idle/idle.gpkg", "--out", "r.xlsx"], "r.xlsx"),
    "boundary": (["boundary", "parks.gpkg", "--id", "{park}", "--out", "b"], "b/{park}_界址点成果表.xlsx"),
}  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("command", list(WORKBOOK_RUNS))  # in order: report reads idle's result
def test_workbook_text_that_looks_like_a_formula_stays_text(hostile, monkeypatch, command):
    import openpyxl

    monkeypatch.chdir(hostile)
    park = lk.read_layer("parks.gpkg")["park_id"].iloc[0]
    argv, book = WORKBOOK_RUNS[command]
    argv, book = [part.format(park=park) for part in argv], book.format(park=park)
    if command == "report" and not (hostile / "idle" / "idle.gpkg").exists():
        assert call(WORKBOOK_RUNS["idle"][0])[0] == 0
    code, _, stderr = call(argv)
    assert code == 0, stderr
    cells = [cell for sheet in openpyxl.load_workbook(book).worksheets for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    texts = {str(cell.value) for cell in cells if isinstance(cell.value, str)}
    found = [h for h in HOSTILE if any(h.strip() in text for text in texts)]
    assert found, f"none of the formulas reached {book}"
    assert any(isinstance(cell.value, int | float) for cell in cells)  # numbers stay numbers


@pytest.mark.parametrize("as_of", ["-1", "0", "99999-01-01", "2026-02-30", ""])
def test_a_date_that_is_none_exits_2(tmp_path, as_of):
    code, _, stderr = call([*COMMANDS["idle"][0][:-2], "--as-of", as_of, "--out", tmp_path / "idle"])
    assert code == 2 and "--as-of" in stderr and tree(tmp_path) == []
