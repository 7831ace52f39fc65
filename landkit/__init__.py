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

# public analysis and presentation functions (one import line per module)
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
from .errors import CRSError, GeometryError, InputError, LandkitError, SchemaError
from .io import read_layer, read_table, sample_data_path, write_layer, write_layers, write_table
from .schema import validate_layer

__all__ = [
    "CRSError",
    "GeometryError",
    "InputError",
    "LandkitError",
    "SchemaError",
    "__version__",
    "crs",
    "errors",
    "read_layer",
    "read_table",
    "sample_data_path",
    "schema",
    "standards",
    "validate_layer",
    "write_layer",
    "write_layers",
    "write_table",
    # public analysis and presentation names
    "boundary_points",
    "four_boundaries",
    "park_publication_sheet",
    "read_coordinate_txt",
    "write_boundary_points",
    "write_coordinate_txt",
    "write_publication_sheet",
    "check_three_lines",
    "park_three_line_summary",
    "three_line_overlaps",
]
