import subprocess
import sys

import geopandas as gpd
import pytest
import shapely

import landkit as lk
from landkit.cli import main


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "landkit.cli", *args], capture_output=True, text=True, check=False
    )


def test_help_and_version():
    out = run("--help")
    assert out.returncode == 0 and "validate" in out.stdout and "demo" in out.stdout
    out = run("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"landkit {lk.__version__}"


def test_validate_a_good_layer(capsys):
    code = main(["validate", str(lk.sample_data_path()), "--kind", "parks", "--layer", "parks"])
    assert code == 0
    assert "校验通过" in capsys.readouterr().out


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
