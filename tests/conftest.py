"""Shared fixtures: the test data copied into the repository and the bundled sample.

The sample's layers are read once per session; each fixture hands a test its
own copy, so a test that changes a layer cannot change another test's input.
"""

from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pytest

import landkit as lk

DATA = Path(__file__).parent / "data"
SAMPLE_RASTERS = {"2023-06-30": "builtup_2023.tif", "2025-06-30": "builtup_2025.tif"}


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def amap_shp() -> Path:
    return DATA / "admin_boundaries" / "kunming_districts_amap2020.shp"


@pytest.fixture
def datav_json() -> Path:
    return DATA / "admin_boundaries" / "kunming_530100_full.datav.json"


@pytest.fixture(scope="session")
def sample_path() -> Path:
    """The bundled Kunming GeoPackage."""
    return lk.sample_data_path()


@pytest.fixture(scope="session")
def sample_layer(sample_path) -> Callable[[str], gpd.GeoDataFrame]:
    """``sample_layer(name)``: a fresh copy of a sample layer, read with landkit once."""
    read: dict[str, gpd.GeoDataFrame] = {}

    def layer(name: str) -> gpd.GeoDataFrame:
        if name not in read:
            read[name] = lk.read_layer(sample_path, name)
        return read[name].copy()

    return layer


@pytest.fixture
def sample_parks(sample_layer) -> gpd.GeoDataFrame:
    return sample_layer("parks")


@pytest.fixture
def sample_parcels(sample_layer) -> gpd.GeoDataFrame:
    return sample_layer("parcels")


@pytest.fixture
def sample_buildings(sample_layer) -> gpd.GeoDataFrame:
    return sample_layer("buildings")


@pytest.fixture
def sample_lines(sample_layer) -> dict[str, gpd.GeoDataFrame]:
    """The sample's three control lines by line key."""
    from landkit.constraints import LINE_KEYS

    return {key: sample_layer(key) for key in LINE_KEYS}


@pytest.fixture(scope="session")
def sample_rasters(sample_path) -> dict[str, Path]:
    """The sample's built-up rasters by image date."""
    return {day: sample_path.parent / name for day, name in SAMPLE_RASTERS.items()}
