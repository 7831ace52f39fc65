"""Shared fixtures: paths of the test data copied into the repository."""

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def amap_shp() -> Path:
    return DATA / "admin_boundaries" / "kunming_districts_amap2020.shp"


@pytest.fixture
def datav_json() -> Path:
    return DATA / "admin_boundaries" / "kunming_530100_full.datav.json"
