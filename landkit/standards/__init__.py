"""Rule tables: every threshold landkit applies, with its source.

Each table is a CSV file in this folder. Rule tables hold one rule per row with
the columns ``key, value, unit, document, clause, status, note``; lookup tables
(for example plot-ratio minimums by industry) carry ``document, clause, status``
on every row too. ``status`` is one of

* ``verified``: read in a copy of the document;
* ``unconfirmed``: recalled, not yet checked against a text;
* ``example``: no source fixes the number; a landkit default to be replaced by
  the user's own.

Examples
--------
>>> from landkit import standards
>>> sorted(standards.STATUSES)
['example', 'unconfirmed', 'verified']
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd

from ..errors import InputError

__all__ = ["STATUSES", "available", "load_table", "rule", "rule_row"]

STATUSES = frozenset({"verified", "unconfirmed", "example"})
_SOURCE_COLUMNS = ("document", "clause", "status")


def available() -> list[str]:
    """Names of the tables shipped with landkit."""
    folder = resources.files(__name__)
    return sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".csv"))


@cache
def _read(name: str) -> pd.DataFrame:
    path = resources.files(__name__) / f"{name}.csv"
    if not path.is_file():
        msg = f"no rule table named {name!r}; tables: {', '.join(available())}"
        raise InputError(msg)
    with resources.as_file(path) as file:
        table = pd.read_csv(file, dtype=str, keep_default_na=False, comment=None)
    missing = [c for c in _SOURCE_COLUMNS if c not in table.columns]
    if missing:
        raise InputError(f"rule table {name}.csv lacks the column(s) {', '.join(missing)}")
    bad = sorted(set(table["status"]) - STATUSES)
    if bad:
        raise InputError(f"rule table {name}.csv has unknown status value(s) {bad}")
    return table


def load_table(name: str) -> pd.DataFrame:
    """A copy of the rule table ``name`` (all cells as text, empty cells as "")."""
    return _read(name).copy()


def rule_row(name: str, key: str) -> pd.Series:
    """The row of rule ``key`` in table ``name``, with its source and status."""
    table = _read(name)
    if "key" not in table.columns:
        raise InputError(f"rule table {name}.csv has no 'key' column")
    rows = table[table["key"] == key]
    if len(rows) != 1:
        msg = f"rule table {name}.csv has {len(rows)} rows for key {key!r} (expected one)"
        raise InputError(msg)
    return rows.iloc[0].copy()


def rule(name: str, key: str) -> float | str | bool | None:
    """The value of rule ``key`` in table ``name``.

    Numbers come back as float (``1/3`` written as a fraction is evaluated),
    ``true``/``false`` as bool, an empty cell as None, anything else as text.
    """
    value = rule_row(name, key)["value"].strip()
    if value == "":
        return None
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    try:
        if "/" in value:
            num, den = value.split("/")
            return float(num) / float(den)
        return float(value)
    except ValueError:
        return value
