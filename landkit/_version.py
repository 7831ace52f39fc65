"""The installed landkit version, read from the package metadata."""

from importlib.metadata import PackageNotFoundError, version

__all__ = ["__version__"]

try:
    __version__ = version("landkit")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
