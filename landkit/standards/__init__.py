"""Rule tables: every threshold landkit applies, with its source.

Each table is a CSV file in this folder. Rule tables hold one rule per row with
the columns ``key, value, unit, document, clause, status, note``; lookup tables
(for example plot-ratio minimums by industry) carry ``document, clause, status``
on every row too. ``status`` is one of

* ``verified``: read in a copy of the document;
* ``unconfirmed``: recalled, not yet checked against a text;
* ``example``: no source fixes the number; a landkit default to be replaced by
  the user's own.

:func:`get` reads one rule as a typed :class:`Rule` (numbers, dates, booleans,
with unit, source and status); :func:`table` reads a whole table with typed
columns. Every function that reads a rule takes ``rules=``: a mapping of keys
(``{"pass_mark": 65}``, or ``{"assessment.pass_mark": 65}`` to name the table) or
a DataFrame of rows in the rule-table format (``key``, ``value`` and optionally
``table``). An overridden rule carries the status ``user``, which provenance
records.

Examples
--------
>>> from landkit import standards
>>> sorted(standards.STATUSES)
['example', 'unconfirmed', 'verified']
>>> share = standards.get("idle", "developed_share_min")
>>> round(share.value, 4), share.unit, share.status, share.clause
(0.3333, 'fraction of area due', 'verified', '第二条')
>>> standards.get("assessment", "pass_mark", rules={"pass_mark": 65}).describe()
'pass_mark=65 (user)'
"""

from __future__ import annotations

import datetime as dt
import numbers
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources

import pandas as pd

from ..errors import InputError

__all__ = [
    "POLICY",
    "STATUSES",
    "USER",
    "Rule",
    "applied",
    "available",
    "cite",
    "get",
    "load_table",
    "overrides",
    "parse_value",
    "rule",
    "rule_row",
    "table",
]

STATUSES = frozenset({"verified", "unconfirmed", "example"})
USER = "user"
POLICY = "昆政办〔2019〕15号"
_SOURCE_COLUMNS = ("document", "clause", "status")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")
_FRACTION = re.compile(r"\s*[+-]?\d+(\.\d*)?\s*/\s*\d+(\.\d*)?\s*")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# columns of lookup tables that hold codes or names, never numbers
_TEXT_COLUMNS = frozenset({"key", "code", "scheme", "grade", "name", "group", "bound"})

Value = float | int | bool | dt.date | str | None


@dataclass(frozen=True)
class Rule:
    """One rule of a standards table, its value typed.

    ``value`` is an int or float for numbers (``1/3`` is evaluated), a bool for
    ``true``/``false``, a ``datetime.date`` for an ISO date, None for an empty
    cell and text otherwise (codes, whose unit names them as codes, stay text).
    ``status`` is the table's status, or ``user`` for a caller's override.
    ``text`` is the value as written (the override's own text for ``user``).
    """

    table: str
    key: str
    value: Value
    unit: str = ""
    status: str = ""
    document: str = ""
    clause: str = ""
    note: str = field(default="", repr=False)
    text: str = field(default="", repr=False)

    def describe(self) -> str:
        """``key=value (status)``, as provenance records it."""
        value = f"{self.value:g}" if _is_number(self.value) else str(self.value)
        return f"{self.key}={value} ({self.status})"


def cite(clause: str, document: str = POLICY) -> str:
    """A reference to a clause as shown in results, e.g. ``昆政办〔2019〕15号（十九）``."""
    return f"{document}（{clause}）"


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


def _is_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def parse_value(text: str, unit: str = "") -> Value:
    """A cell of a standards table as a typed value (see :class:`Rule`).

    Examples
    --------
    >>> parse_value("1/3"), parse_value("90"), parse_value("false"), parse_value("")
    (0.3333333333333333, 90, False, None)
    >>> parse_value("2026-10-01"), parse_value("1001", "code prefix")
    (datetime.date(2026, 10, 1), '1001')
    """
    value = text.strip()
    if value == "":
        return None
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    if "code" in unit.lower():
        return value
    if _INTEGER.fullmatch(value):
        return int(value)
    if _NUMBER.fullmatch(value):
        return float(value)
    if _FRACTION.fullmatch(value):
        num, den = value.split("/")
        return float(num) / float(den)
    if _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


def load_table(name: str) -> pd.DataFrame:
    """A copy of the rule table ``name`` (all cells as text, empty cells as "")."""
    return _read(name).copy()


def table(name: str) -> pd.DataFrame:
    """The table ``name`` with typed columns.

    A rule table's ``value`` column holds each row's typed value (see
    :class:`Rule`). In other columns, a column whose filled cells are all
    numbers (or that is empty) reads as float (empty cells NaN) and one whose
    filled cells are all ISO dates as dates, except columns of codes, names and
    sources (``key``, ``code``, ``…_code``, ``…_edition``, ``scheme``,
    ``document`` …), which stay text.

    Examples
    --------
    >>> distances = table("protective_distances")
    >>> str(distances["distance_m"].dtype), distances["industry_code"].iloc[0]
    ('float64', '25')
    """
    out = load_table(name)
    for column in out.columns:
        cells = out[column].str.strip()
        filled = cells[cells != ""]
        if column == "value" and "key" in out.columns:
            units = out["unit"] if "unit" in out.columns else pd.Series("", index=out.index)
            out[column] = [parse_value(v, u) for v, u in zip(cells, units, strict=True)]
        elif (
            column in _TEXT_COLUMNS
            or column.endswith(("_code", "_edition", "_name"))
            or "code_" in column
            or column in ("edition", *_SOURCE_COLUMNS, "note", "unit")
        ):
            continue
        elif filled.map(lambda v: bool(_NUMBER.fullmatch(v))).all():
            out[column] = pd.to_numeric(cells.replace("", None), errors="coerce").astype(float)
        elif filled.map(lambda v: bool(_DATE.fullmatch(v))).all():
            out[column] = pd.to_datetime(cells.replace("", None), errors="coerce").dt.date
    return out


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


def _keys(name: str) -> list[str]:
    table = _read(name)
    if "key" not in table.columns:
        raise InputError(f"rule table {name}.csv has no 'key' column")
    return table["key"].tolist()


def _entries(rules: Mapping | pd.DataFrame | None) -> list[tuple[str | None, str, object]]:
    """``rules=`` as (table or None, key, value) entries."""
    if rules is None:
        return []
    if isinstance(rules, pd.DataFrame):
        missing = [c for c in ("key", "value") if c not in rules.columns]
        if missing:
            msg = (
                f"rules: the table lacks the column(s) {', '.join(missing)}. "
                "Fix: give rows with key, value (and optionally table)."
            )
            raise InputError(msg)
        tables = rules["table"] if "table" in rules.columns else [None] * len(rules)
        return [
            (str(t) if isinstance(t, str) and t else None, str(k), v)
            for t, k, v in zip(tables, rules["key"], rules["value"], strict=True)
        ]
    if not isinstance(rules, Mapping):
        msg = f"rules: expected a mapping or a DataFrame, got {type(rules).__name__}"
        raise InputError(msg)
    tables = set(available())
    out = []
    for name, value in rules.items():
        head, _, tail = str(name).partition(".")
        if tail and head in tables:
            out.append((head, tail, value))
        else:
            out.append((None, str(name), value))
    return out


def _override(base: Rule, value: object) -> Rule:
    """``base`` with the caller's ``value`` (typed like the table's), status ``user``."""
    if isinstance(value, str):
        typed = parse_value(value, base.unit)
    elif isinstance(value, dt.datetime):
        typed = value.date()
    elif hasattr(value, "item"):  # a numpy scalar
        typed = value.item()
    else:
        typed = value
    if isinstance(typed, numbers.Integral) and not isinstance(typed, bool):
        typed = int(typed)
    elif isinstance(typed, numbers.Real) and not isinstance(typed, bool):
        typed = float(typed)
    wants_number = _is_number(base.value) or (base.value is None and base.unit != "")
    if wants_number and not _is_number(typed):
        msg = f"rules: {base.table}.{base.key} must be a number ({base.unit}), got {value!r}"
        raise InputError(msg)
    if isinstance(base.value, bool) and not isinstance(typed, bool):
        msg = f"rules: {base.table}.{base.key} must be true or false, got {value!r}"
        raise InputError(msg)
    text = value if isinstance(value, str) else str(typed)
    return replace(base, value=typed, status=USER, document="", clause="", text=text)


@cache
def _rule(name: str, key: str) -> Rule:
    row = rule_row(name, key)
    unit = row.get("unit", "")
    return Rule(
        table=name,
        key=key,
        value=parse_value(row.get("value", ""), unit),
        unit=unit,
        status=row["status"],
        document=row["document"],
        clause=row["clause"],
        note=row.get("note", ""),
        text=row.get("value", "").strip(),
    )


def get(name: str, key: str, *, rules: Mapping | pd.DataFrame | None = None) -> Rule:
    """Rule ``key`` of table ``name`` as a typed :class:`Rule`, overridden by ``rules``.

    Parameters
    ----------
    name, key : str
        The table (without ``.csv``) and the rule's key.
    rules : mapping or DataFrame, optional
        The caller's overrides (see the module text); an entry for this rule,
        named ``key`` or ``name.key``, replaces the value and sets the status
        to ``user``.

    Examples
    --------
    >>> rule = get("idle", "warn_days")
    >>> rule.value, rule.unit, rule.status
    (90, 'day', 'example')
    >>> get("idle", "warn_days", rules={"idle.warn_days": 30}).describe()
    'warn_days=30 (user)'
    """
    base = _rule(name, key)
    found = [v for t, k, v in _entries(rules) if k == key and t in (None, name)]
    return _override(base, found[-1]) if found else base


def overrides(
    rules: Mapping | pd.DataFrame | None,
    tables: str | Iterable[str],
    *,
    given: Mapping[str, object] | None = None,
) -> dict[str, object]:
    """Check a caller's ``rules=`` against the tables a function reads.

    Returns the overrides as ``{"table.key": value}`` for :func:`get`, with
    ``given`` (a function's own keywords such as ``warn_days=``, by key of the
    first table; None means not given) added over ``rules``.

    Raises
    ------
    InputError
        For a key that none of ``tables`` holds (the message names the tables
        and their keys), or a value of the wrong kind.

    Examples
    --------
    >>> overrides({"pass_mark": 65}, "assessment")
    {'assessment.pass_mark': 65}
    >>> overrides({"pass": 65}, "assessment")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    landkit.errors.InputError: rules: unknown key(s) pass for the 'assessment' table. ...
    """
    names = [tables] if isinstance(tables, str) else list(tables)
    keys = {name: _keys(name) for name in names}
    out: dict[str, object] = {}
    unknown = []
    for t, k, v in _entries(rules):
        homes = [n for n in names if (t in (None, n)) and k in keys[n]]
        if not homes:
            unknown.append(k if t is None else f"{t}.{k}")
        for home in homes:
            out[f"{home}.{k}"] = v
    if unknown:
        quoted = ", ".join(f"'{n}'" for n in names)
        valid = "; ".join(", ".join(keys[n]) for n in names)
        msg = (
            f"rules: unknown key(s) {', '.join(unknown)} for the {quoted} "
            f"table{'s' if len(names) > 1 else ''}. Fix: use one of {valid}"
        )
        raise InputError(msg)
    for key, value in (given or {}).items():
        if value is not None:
            out[f"{names[0]}.{key}"] = value
    for name_key, value in out.items():
        name, key = name_key.split(".", 1)
        _override(_rule(name, key), value)  # type check up front
    return out


def applied(rules: Mapping[str, object]) -> list[Rule]:
    """The overridden rules of an :func:`overrides` result, for provenance.

    Examples
    --------
    >>> [r.describe() for r in applied(overrides({"warn_days": 30}, "idle"))]
    ['warn_days=30 (user)']
    """
    return [get(*name.split(".", 1), rules=rules) for name in rules]


def rule(name: str, key: str) -> Value:
    """The value of rule ``key`` in table ``name`` (``get(name, key).value``).

    Numbers come back as int or float (``1/3`` written as a fraction is
    evaluated), ``true``/``false`` as bool, an ISO date as a date, an empty cell
    as None, anything else as text.
    """
    return get(name, key).value
