"""landkit: land checks, maps and tables for development-zone management in China.

Examples
--------
>>> import landkit as lk
>>> parcels = lk.read_layer(lk.sample_data_path(), "parcels")
>>> parcels.crs.to_epsg()
4543
"""

from importlib import import_module
from typing import Any

from ._version import __version__ as __version__

# Public name → the module (relative to landkit) that defines it. A name mapped to itself is
# a submodule. Modules load on first use, so ``import landkit`` stays light: folium,
# matplotlib, openpyxl, dask and sqlalchemy load only when a function that needs them runs.
_EXPORTS = {
    "CRSError": "errors",
    "GeometryError": "errors",
    "InputError": "errors",
    "LandkitError": "errors",
    "SchemaError": "errors",
    "assess_parks": "assess",
    "boundary_points": "boundary",
    "case_dossier": "dossier",
    "check_three_lines": "constraints",
    "crs": "crs",
    "detect_idle": "idle",
    "errors": "errors",
    "four_boundaries": "boundary",
    "industry_concentration": "indicators",
    "make_map": "maps",
    "mu_benefit": "indicators",
    "normalise_industry_code": "industry_codes",
    "parcel_map": "maps",
    "parcel_metrics": "metrics",
    "parcels_outside_parks": "siting",
    "park_indicators": "indicators",
    "park_publication_sheet": "boundary",
    "park_three_line_summary": "constraints",
    "parks_per_county": "siting",
    "protective_distance_check": "siting",
    "read_coordinate_txt": "io",
    "read_layer": "io",
    "read_table": "io",
    "sample_data_path": "io",
    "schema": "schema",
    "standards": "standards",
    "static_map": "maps",
    "three_line_overlaps": "constraints",
    "validate_layer": "schema",
    "write_boundary_points": "boundary",
    "write_coordinate_txt": "io",
    "write_layer": "io",
    "write_layers": "io",
    "write_publication_sheet": "boundary",
    "write_report": "report",
    "write_table": "io",
    "zonal_stats": "raster",
}

__all__ = sorted(["__version__", *_EXPORTS])


def __getattr__(name: str) -> Any:
    """Import the module defining a public name on first use (PEP 562)."""
    try:
        target = _EXPORTS[name]
    except KeyError:
        msg = f"module {__name__!r} has no attribute {name!r}"
        raise AttributeError(msg) from None
    module = import_module(f"{__name__}.{target}")
    value = module if target == name else getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
