"""Settings for the docstring examples in ``landkit/`` (the tests' fixtures are in tests/)."""

import pytest
from _pytest.doctest import DoctestItem

REPAIRED = "ignore::landkit.errors.GeometryRepairedWarning"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The demo's example is slow; repairs of the sample's bowtie parcel are expected.

    The examples run on the sample data, whose deliberately invalid parcel is
    repaired with a :class:`~landkit.errors.GeometryRepairedWarning`; every
    other warning in an example is an error, as in the tests.
    """
    for item in items:
        if isinstance(item, DoctestItem):
            item.add_marker(pytest.mark.filterwarnings(REPAIRED))
            if item.name.startswith("landkit.demo."):
                item.add_marker(pytest.mark.slow)
