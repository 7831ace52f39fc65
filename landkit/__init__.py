"""landkit: land checks, maps and tables for development-zone management in China.

Examples
--------
>>> import landkit as lk
>>> parcels = lk.read_layer(lk.sample_data_path(), "parcels")
>>> parcels.crs.to_epsg()
4543
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("landkit")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

from . import crs, errors, schema, standards
from .assess import (
    assess_parks,
    industry_concentration,
    parcels_outside_parks,
    parks_per_county,
    protective_distance_check,
)
from .boundary import (
    boundary_points,
    four_boundaries,
    park_publication_sheet,
    read_coordinate_txt,
    write_boundary_points,
    write_coordinate_txt,
    write_publication_sheet,
)
from .constraints import check_three_lines, park_three_line_summary, three_line_overlaps
from .dossier import case_dossier
from .errors import CRSError, GeometryError, InputError, LandkitError, SchemaError
from .idle import detect_idle
from .indicators import mu_benefit, park_indicators
from .io import read_layer, read_table, sample_data_path, write_layer, write_layers, write_table
from .maps import make_map, static_map
from .metrics import parcel_metrics
from .parcel_map import parcel_map
from .raster import zonal_stats
from .report import write_report
from .schema import validate_layer

__all__ = [
    "CRSError",
    "GeometryError",
    "InputError",
    "LandkitError",
    "SchemaError",
    "__version__",
    "assess_parks",
    "boundary_points",
    "case_dossier",
    "check_three_lines",
    "crs",
    "detect_idle",
    "errors",
    "four_boundaries",
    "industry_concentration",
    "make_map",
    "mu_benefit",
    "parcel_map",
    "parcel_metrics",
    "parcels_outside_parks",
    "park_indicators",
    "park_publication_sheet",
    "park_three_line_summary",
    "parks_per_county",
    "protective_distance_check",
    "read_coordinate_txt",
    "read_layer",
    "read_table",
    "sample_data_path",
    "schema",
    "standards",
    "static_map",
    "three_line_overlaps",
    "validate_layer",
    "write_boundary_points",
    "write_coordinate_txt",
    "write_layer",
    "write_layers",
    "write_publication_sheet",
    "write_report",
    "write_table",
    "zonal_stats",
]
