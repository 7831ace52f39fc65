"""Canonical layers and columns, Chinese/English aliases, value parsing and validation.

The canonical columns of each layer kind, their types and their aliases live in
``columns.csv`` beside this module, recognised by :mod:`landkit.columns` (with
the 10-byte cuts shapefiles make of Chinese names); the Chinese display names
of every column (input and result) live in ``labels.csv``, read by
:mod:`landkit.labels` (:func:`label` is that module's). Both are data: add an
alias or a label there, not here. An explicit mapping (``columns=``) always
wins over the aliases, and a layer of one park can be given its ``park_id``.

Dates parse from the forms officials write: ``2021-03-05``, ``2021/3/5``,
``2021.03.05``, ``20210305``, ``2021年3月5日``, ISO date-times, and numeric
Excel cells (serial day numbers of the 1900 date system, or ``20210305`` as a
number). Text never parses as an Excel serial. ``2016.02`` and ``2016年2月``
(year and month) parse to the first day of the month, and a column
``<name>_precision`` then says ``month`` for those rows and ``day`` for the rest.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .columns import (
    _SPATIAL_KINDS,
    KINDS,
    _spec,
    id_column,
    likely_column,
    recognise_column,
    unrecognised_columns,
)
from .errors import (
    GeometryRepairedWarning,
    SchemaError,
    UnrecognisedColumnsWarning,
    describe_ids,
)
from .geometry import is_absent, repair
from .labels import BOOLEAN_WORDS, label

__all__ = [
    "COLUMNS_KEY",
    "KINDS",
    "PARK_ID_KEY",
    "apply_columns",
    "check_values",
    "id_column",
    "label",
    "likely_column",
    "parse_dates",
    "prepare_layer",
    "recognise_column",
    "unrecognised_columns",
    "validate_layer",
]

logger = logging.getLogger(__name__)

COLUMNS_KEY = "landkit_columns"
"""``attrs`` key of an explicit column mapping (layer column → canonical column)."""
PARK_ID_KEY = "landkit_park_id"
"""``attrs`` key of the park id given to a layer without a ``park_id`` column."""

_NUMERIC = {"number", "area", "amount", "count", "int", "fraction"}
_NON_NEGATIVE = {"area", "amount", "count", "fraction"}
_START_STATUS = {
    "started": ("started", "已动工", "已开工", "动工", "开工", "是", "true", "yes", "1"),
    "not_started": ("not_started", "未动工", "未开工", "否", "false", "no", "0"),
}
_FIX = {
    "date": "write dates as 2021-03-05 (2021/3/5, 2021.03.05, 20210305 and 2021年3月5日 also work)",
    "number": "write plain numbers (no units, no text)",
    "bool": "write 是/否 or true/false",
    "start_status": "write started/not_started (已动工/未动工) or leave the cell empty",
}


# -------------------------------------------------------------------- parsing


_DMY = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"  # a time of day, as OGR writes datetimes
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_ISO_TIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$"
)
_YM = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _parse_date(value: object) -> tuple[dt.date | None, str | None, bool]:
    """(date, precision, ok) for one cell."""
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return None, None, True
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.date(), "day", True
    if isinstance(value, dt.date):
        return value, "day", True
    if isinstance(value, bool | np.bool_):
        return None, None, False
    if isinstance(value, int | float | np.integer | np.floating):
        return _parse_number_date(float(value))
    text = str(value).strip()
    if text == "" or text.lower() in ("nan", "nat", "none", "null"):
        return None, None, True
    for pattern, precision in (
        (_DMY, "day"),
        (_COMPACT, "day"),
        (_ISO_TIME, "day"),
        (_YM, "month"),
    ):
        match = pattern.match(text)
        if match:
            year, month = int(match.group(1)), int(match.group(2))
            day = int(match.group(3)) if precision == "day" else 1
            try:
                return dt.date(year, month, day), precision, True
            except ValueError:
                return None, None, False
    return None, None, False


def _parse_number_date(number: float) -> tuple[dt.date | None, str | None, bool]:
    if not np.isfinite(number):
        return None, None, True
    if number.is_integer() and 19000101 <= number <= 29991231:
        return _parse_date(str(int(number)))
    if 1900 <= number < 2100 and not number.is_integer():
        # a year.month number such as 2016.02 (an Excel serial here would be 1905)
        year, month = int(number), round((number - int(number)) * 100)
        if 1 <= month <= 12:
            return dt.date(year, month, 1), "month", True
        return None, None, False
    if 1 <= number <= 2958465:
        return _EXCEL_EPOCH + dt.timedelta(days=int(number)), "day", True
    return None, None, False


def parse_dates(values: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse a column of dates.

    Returns
    -------
    dates : Series of ``datetime64`` (midnight), NaT where empty or unparseable
    precision : Series of ``"day"`` / ``"month"`` / None
    bad : boolean Series, True where a non-empty cell could not be parsed

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series(["2021-03-05", "2021/3/5", "2021.03.05", "20210305",
    ...                "2021年3月5日", 44260, "2016.02", "44260", ""])
    >>> dates, precision, bad = parse_dates(s)
    >>> [d.strftime("%Y-%m-%d") if pd.notna(d) else None for d in dates]
    ['2021-03-05', '2021-03-05', '2021-03-05', '2021-03-05', '2021-03-05', '2021-03-05', '2016-02-01', None, None]
    >>> precision.tolist()[6], bad.tolist()[7]
    ('month', True)
    """
    parsed = [_parse_date(v) for v in values.tolist()]
    dates = pd.to_datetime(
        pd.Series([p[0] for p in parsed], index=values.index, dtype=object), errors="coerce"
    ).astype("datetime64[ns]")
    precision = pd.Series([p[1] for p in parsed], index=values.index, dtype=object)
    bad = pd.Series([not p[2] for p in parsed], index=values.index, dtype=bool)
    return dates, precision, bad


def _parse_numbers(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.astype(float), pd.Series(False, index=values.index)
    text = values.astype("string").str.strip().str.replace(",", "", regex=False)
    text = text.str.replace("，", "", regex=False)
    empty = text.isna() | text.isin(["", "nan", "NaN", "None", "null", "-", "—"])
    numbers = pd.to_numeric(text.where(~empty), errors="coerce").astype(float)
    return numbers, numbers.isna() & ~empty


def _parse_choice(values: pd.Series, choices: dict) -> tuple[pd.Series, pd.Series]:
    lookup = {
        str(alias).lower(): canonical for canonical, aliases in choices.items() for alias in aliases
    }
    out, bad = [], []
    for value in values.tolist():
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
            out.append(None)
            bad.append(False)
            continue
        text = str(value).strip().lower()
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        if text in ("", "nan", "none"):
            out.append(None)
            bad.append(False)
        elif text in lookup:
            out.append(lookup[text])
            bad.append(False)
        else:
            out.append(None)
            bad.append(True)
    return pd.Series(out, index=values.index, dtype=object), pd.Series(bad, index=values.index)


def _parse_code(values: pd.Series, column: str) -> pd.Series:
    def one(value):
        if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int | np.integer):
            text = str(int(value))
            # land-use codes lose their leading zero in spreadsheets: 701 → 0701
            if column == "land_use" and len(text) % 2 == 1:
                text = "0" + text
            return text
        text = str(value).strip()
        return text or None

    return pd.Series([one(v) for v in values.tolist()], index=values.index, dtype=object)


def _parse_id(values: pd.Series) -> pd.Series:
    def one(value):
        if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            return None
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        text = str(value).strip()
        return text or None

    return pd.Series([one(v) for v in values.tolist()], index=values.index, dtype=object)


# ------------------------------------------------------------------ problems


@dataclass
class _Problems:
    layer: str
    kind: str
    frame: pd.DataFrame
    items: list[str] = field(default_factory=list)

    def row_ids(self, mask) -> list[object]:
        mask = np.asarray(mask, dtype=bool)
        id_col = id_column(self.kind)
        if id_col and id_col in self.frame.columns:
            ids = self.frame[id_col].to_numpy(dtype=object)[mask]
            index = self.frame.index.to_numpy()[mask]
            return [
                i if i is not None and not pd.isna(i) else f"row {r}"
                for i, r in zip(ids, index, strict=True)
            ]
        return [f"row {r}" for r in self.frame.index.to_numpy()[mask]]

    def add(self, text: str) -> None:
        self.items.append(text)

    def raise_if_any(self) -> None:
        if not self.items:
            return
        count = len(self.items)
        lines = "\n".join(f"  - {item}" for item in self.items)
        msg = f"{self.layer} ({self.kind}): {count} problem{'s' if count > 1 else ''}:\n{lines}"
        error = SchemaError(msg)
        error.problems = list(self.items)
        raise error


def _column_name(column: str) -> str:
    shown = label(column)
    return f"'{column}' ({shown})" if shown != column else f"'{column}'"


def _explicit(frame: pd.DataFrame, kind: str, columns, problems: _Problems) -> dict[str, str]:
    """The explicit ``columns=`` mapping (layer column → canonical column), checked."""
    if not columns:
        return {}
    canonical = list(_spec(kind)["column"])
    mapping = {}
    for source, target in dict(columns).items():
        if target not in canonical:
            problems.add(
                f"columns={{{source!r}: {target!r}}}: {target!r} is not a column of {kind}. "
                f"Fix: map to one of {', '.join(canonical)}."
            )
        elif source in frame.columns:
            mapping[source] = target
        elif target not in frame.columns:
            problems.add(
                f"columns={{{source!r}: {target!r}}}: the layer has no column {source!r}. "
                f"Fix: use a column of the layer ({', '.join(map(str, frame.columns[:12]))} …)."
            )
    return mapping


def _rename_aliases(frame: pd.DataFrame, kind: str, problems: _Problems, columns=None):
    explicit = _explicit(frame, kind, columns, problems)
    canonical = set(_spec(kind)["column"])
    taken = set(explicit.values())
    targets: dict[str, list[str]] = {}
    geometry_name = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    for col in frame.columns:
        if col == geometry_name or col in explicit:
            continue
        target = col if col in canonical else recognise_column(str(col), kind)
        if target is not None and target not in taken:
            targets.setdefault(target, []).append(col)
    renames = dict(explicit)
    for target, sources in targets.items():
        if len(sources) > 1:
            problems.add(
                f"columns {', '.join(map(repr, sources))} all mean {_column_name(target)}. "
                f"Fix: keep one of them, or say which with columns={{{sources[0]!r}: {target!r}}}."
            )
        elif sources[0] != target:
            renames[sources[0]] = target
    for source, target in explicit.items():
        if target in frame.columns and source != target:
            problems.add(
                f"columns={{{source!r}: {target!r}}}: the layer already has a column {target!r}. "
                f"Fix: drop or rename one of them."
            )
    return frame.rename(columns=renames)


def _give_park_id(frame: pd.DataFrame, park_id, problems: _Problems) -> pd.DataFrame:
    if park_id is None:
        return frame
    if "park_id" in frame.columns:
        given = frame["park_id"].dropna().astype(str).str.strip()
        others = sorted(set(given[given != ""]) - {str(park_id)})
        if others:
            problems.add(
                f"park_id={park_id!r} given, but column {_column_name('park_id')} already holds "
                f"{describe_ids(others)}. Fix: drop park_id= or the column."
            )
            return frame
    return frame.assign(park_id=str(park_id))


def _parse_columns(frame: pd.DataFrame, kind: str, problems: _Problems) -> pd.DataFrame:
    spec = _spec(kind).set_index("column")
    for column in [c for c in frame.columns if c in spec.index]:
        dtype = spec.at[column, "dtype"]
        values = frame[column]
        if dtype == "date":
            dates, precision, bad = parse_dates(values)
            frame[column] = dates
            if (precision == "month").any():
                frame[f"{column}_precision"] = precision
            fix = _FIX["date"]
            kind_text = "dates"
        elif dtype in _NUMERIC:
            numbers, bad = _parse_numbers(values)
            frame[column] = numbers
            fix, kind_text = _FIX["number"], "numbers"
            if dtype in ("int", "count") and not bad.any():
                fractional = numbers.notna() & (numbers % 1 != 0)
                if fractional.any():
                    ids = problems.row_ids(fractional)
                    problems.add(
                        f"column {_column_name(column)}: {len(ids)} values are not whole numbers "
                        f"(ids {describe_ids(ids)}). Fix: write whole numbers."
                    )
        elif dtype == "start_status":
            frame[column], bad = _parse_choice(values, _START_STATUS)
            fix, kind_text = _FIX["start_status"], "start statuses"
        elif dtype == "bool":
            parsed, bad = _parse_choice(values, BOOLEAN_WORDS)
            frame[column] = parsed.astype("boolean")
            fix, kind_text = _FIX["bool"], "yes/no values"
        elif dtype == "code":
            frame[column] = _parse_code(values, column)
            continue
        elif dtype == "id":
            frame[column] = _parse_id(values)
            continue
        else:
            continue
        if bad.any():
            ids = problems.row_ids(bad)
            examples = ", ".join(repr(str(v)) for v in values[bad.to_numpy()].head(3).tolist())
            problems.add(
                f"column {_column_name(column)}: {len(ids)} values are not {kind_text} "
                f"(ids {describe_ids(ids)}; e.g. {examples}). Fix: {fix}."
            )
    return frame


def _check_required(frame: pd.DataFrame, columns, problems: _Problems) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        names = ", ".join(_column_name(c) for c in missing)
        problems.add(
            f"missing column{'s' if len(missing) > 1 else ''} {names}. Fix: add "
            f"{'them' if len(missing) > 1 else 'it'} (Chinese names such as "
            f"{label(missing[0])} are recognised)."
        )


def _normalise(
    frame, kind: str, *, required, layer: str | None, columns=None, park_id=None
) -> tuple[pd.DataFrame, _Problems]:
    if not isinstance(frame, pd.DataFrame):
        msg = f"{layer or kind}: expected a (Geo)DataFrame, got {type(frame).__name__}"
        raise SchemaError(msg)
    if columns is None:
        columns = frame.attrs.get(COLUMNS_KEY)
    if park_id is None:
        park_id = frame.attrs.get(PARK_ID_KEY)
    out = frame.copy()
    problems = _Problems(layer or kind, kind, out)
    out = _rename_aliases(out, kind, problems, columns)
    out = _give_park_id(out, park_id, problems)
    problems.frame = out
    _check_required(out, required, problems)
    out = _parse_columns(out, kind, problems)
    problems.frame = out
    out.attrs = dict(frame.attrs)
    if columns:
        out.attrs[COLUMNS_KEY] = dict(columns)
    if park_id is not None:
        out.attrs[PARK_ID_KEY] = str(park_id)
    return out, problems


def apply_columns(
    frame: pd.DataFrame,
    columns: Mapping[str, str] | None = None,
    *,
    park_id: str | None = None,
    layer: str | None = None,
) -> pd.DataFrame:
    """A copy with the columns renamed as ``columns`` says and ``park_id`` given, both kept in attrs.

    For a layer whose kind is not known yet (:func:`landkit.read_layer` without
    ``kind=``): the mapping and the park id are recorded in ``attrs`` so that
    :func:`prepare_layer` and :func:`validate_layer` (and so every analysis)
    apply them again.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"用途": ["1001"]})
    >>> out = apply_columns(table, {"用途": "land_use"}, park_id="K1")
    >>> out.to_dict("records"), out.attrs[COLUMNS_KEY]
    ([{'land_use': '1001', 'park_id': 'K1'}], {'用途': 'land_use'})
    """
    problems = _Problems(layer or "layer", "columns=", frame)
    mapping = dict(columns or {})
    absent = [s for s, t in mapping.items() if s not in frame.columns and t not in frame.columns]
    if absent:
        problems.add(
            f"columns=: the layer has no column {', '.join(map(repr, absent))}. Fix: use a "
            f"column of the layer ({', '.join(map(str, frame.columns[:12]))} …)."
        )
    out = frame.rename(columns={s: t for s, t in mapping.items() if s in frame.columns})
    out = _give_park_id(out, park_id, problems)
    problems.raise_if_any()
    out.attrs = dict(frame.attrs)
    if mapping:
        out.attrs[COLUMNS_KEY] = mapping
    if park_id is not None:
        out.attrs[PARK_ID_KEY] = str(park_id)
    return out


def prepare_layer(
    frame: pd.DataFrame,
    kind: str,
    *,
    required=(),
    layer: str | None = None,
    columns: Mapping[str, str] | None = None,
    park_id: str | None = None,
) -> pd.DataFrame:
    """A normalised copy of a layer or table for analysis.

    Aliases become canonical columns, dates become ``datetime64``, numbers
    become floats, codes and ids become text. The columns in ``required`` must
    be present. Missing or empty geometries are kept (each analysis gives such
    rows a status of their own). Raises one :class:`SchemaError` listing every
    problem found.

    Parameters
    ----------
    frame : DataFrame or GeoDataFrame
    kind : str
        One of :data:`KINDS`.
    required : sequence of str
        Canonical columns that must be present.
    layer : str, optional
        The name used in messages (default: ``kind``).
    columns : mapping, optional
        Layer column → canonical column (``{"用地性质": "land_use"}``), over the
        aliases. Without it, the mapping kept in ``frame.attrs`` by
        :func:`landkit.read_layer` or :func:`validate_layer` applies, so every
        function that takes the layer honours it.
    park_id : str, optional
        The park of a layer without a ``park_id`` column (one park's parcels).

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"宗地编号": ["P1"], "园区编号": ["K1"], "约定动工日期": ["2021年3月5日"]})
    >>> prepare_layer(table, "parcels").dtypes.astype(str).to_dict()
    {'parcel_id': 'object', 'park_id': 'object', 'agreed_start_date': 'datetime64[ns]'}
    >>> table = pd.DataFrame({"ZDH": ["P1"], "用途": ["1001"]})
    >>> prepared = prepare_layer(table, "parcels", columns={"用途": "land_use"}, park_id="K1")
    >>> prepared.to_dict("records")
    [{'parcel_id': 'P1', 'land_use': '1001', 'park_id': 'K1'}]
    """
    out, problems = _normalise(
        frame, kind, required=required, layer=layer, columns=columns, park_id=park_id
    )
    problems.raise_if_any()
    return out


def validate_layer(
    gdf: pd.DataFrame,
    kind: str,
    *,
    strict: bool = False,
    layer: str | None = None,
    columns: Mapping[str, str] | None = None,
    park_id: str | None = None,
) -> pd.DataFrame:
    """Validate a layer or table and return a normalised copy.

    Every problem is collected and reported in one :class:`SchemaError`:
    missing required columns, duplicate ids, values that are not dates,
    numbers or yes/no, negative areas or amounts, missing or empty
    geometries, geometries of the wrong type, a missing CRS. Invalid
    geometries are repaired with a warning (``strict=True`` makes them
    errors too).

    Columns that are not recognised are listed in
    ``attrs["landkit_unrecognised"]`` (a list of records: ``column``,
    ``likely_column``, ``likely_label``; see :func:`unrecognised_columns`).
    Those that most likely mean a canonical column (a typo, a cut name, a
    local name) give an :class:`~landkit.errors.UnrecognisedColumnsWarning`,
    and are errors with ``strict=True``; ``columns=`` says what they mean.

    Parameters
    ----------
    gdf : GeoDataFrame or DataFrame
        The layer (a DataFrame for the table kinds).
    kind : str
        One of :data:`KINDS`.
    strict : bool
        Treat invalid geometries and likely unrecognised columns as errors.
    layer : str, optional
        The name used in messages (default: ``kind``).
    columns : mapping, optional
        Layer column → canonical column, over the aliases (see :func:`prepare_layer`).
    park_id : str, optional
        The park of a layer without a ``park_id`` column.

    Examples
    --------
    >>> import landkit as lk
    >>> parcels = lk.read_layer(lk.sample_data_path(), "parcels")
    >>> import warnings
    >>> with warnings.catch_warnings(record=True):
    ...     checked = validate_layer(parcels, "parcels")
    >>> len(checked) == len(parcels), checked.attrs["landkit_unrecognised"]
    (True, [])
    >>> parks = lk.read_layer(lk.sample_data_path(), "parks")
    >>> validate_layer(parks.rename(columns={"approval_date": "批准日期1"}), "parks", strict=True)
    Traceback (most recent call last):
    ...
    landkit.errors.SchemaError: parks (parks): 1 problem:
      - column '批准日期1' is not recognised; it most likely means 'approval_date' (批准时间). Fix: rename it, or pass columns={'批准日期1': 'approval_date'}.
    """
    spec = _spec(kind)
    required = spec[spec["required"]]["column"].tolist()
    out, problems = _normalise(
        gdf, kind, required=required, layer=layer, columns=columns, park_id=park_id
    )
    unknown = unrecognised_columns(out, kind)
    likely = unknown[unknown["likely_column"].notna()]
    texts = [
        f"column {row.column!r} is not recognised; it most likely means "
        f"{_column_name(row.likely_column)}. Fix: rename it, or pass "
        f"columns={{{row.column!r}: {row.likely_column!r}}}."
        for row in likely.itertuples()
    ]
    if strict:
        for text in texts:
            problems.add(text)
    _check_ids(out, kind, problems)
    _check_ranges(out, kind, problems)
    if kind in _SPATIAL_KINDS:
        out = _validate_geometry(out, kind, strict=strict, problems=problems)
    problems.raise_if_any()
    out.attrs["landkit_unrecognised"] = unknown.to_dict("records")
    if texts:
        zh = "；".join(
            f"列“{row.column}”未识别，可能是“{label(row.likely_column)}”"
            f"（可改列名，或用 --column {row.column}={row.likely_column} 指定）"
            for row in likely.itertuples()
        )
        warning = UnrecognisedColumnsWarning.said(
            f"{problems.layer}: " + "; ".join(texts), zh, layer=problems.layer
        )
        warnings.warn(warning, stacklevel=2)
    others = unknown.loc[unknown["likely_column"].isna(), "column"].tolist()
    if others:
        logger.info("%s: columns not used by landkit: %s", problems.layer, ", ".join(others))
    return out


def _check_ids(out: pd.DataFrame, kind: str, problems: _Problems) -> None:
    id_col = id_column(kind)
    if id_col in out.columns and kind != "park_history":
        ids = out[id_col]
        empty = ids.isna()
        if empty.any():
            problems.add(
                f"column {_column_name(id_col)}: {int(empty.sum())} rows have no id "
                f"(rows {describe_ids(out.index[empty.to_numpy()])}). Fix: fill in every id."
            )
        dup = ids.duplicated(keep=False) & ~empty
        if dup.any():
            problems.add(
                f"column {_column_name(id_col)}: duplicate ids {describe_ids(sorted(set(ids[dup])))}. "
                f"Fix: give every row its own {id_col}."
            )
    if kind == "park_history" and {"park_id", "year"} <= set(out.columns):
        dup = out.duplicated(["park_id", "year"], keep=False)
        if dup.any():
            pairs = sorted(
                {f"{p}/{y}" for p, y in out.loc[dup, ["park_id", "year"]].itertuples(index=False)}
            )
            problems.add(
                f"columns 'park_id' and 'year': {len(pairs)} park-years appear more than once "
                f"({describe_ids(pairs)}). Fix: keep one row per park and year."
            )


def check_values(**layers: pd.DataFrame | None) -> None:
    """Refuse values no analysis may use, in normalised layers.

    The value checks of :func:`validate_layer`: negative areas, amounts
    (land price, investment, output, tax) and counts, and fractions (such as
    ``contract_building_coefficient``) outside 0–1. Analyses call this on
    the layers they have prepared, so a bad number never becomes a finding.

    Parameters
    ----------
    **layers : DataFrame or None
        Normalised layers (:func:`prepare_layer`) by kind, e.g.
        ``parcels=frame, buildings=None``; None is skipped.

    Raises
    ------
    SchemaError
        One error listing every problem of every layer: layer, column, ids
        and the fix.

    Examples
    --------
    >>> import landkit as lk
    >>> parcels = prepare_layer(lk.read_layer(lk.sample_data_path(), "parcels"), "parcels")
    >>> check_values(parcels=parcels, buildings=None)  # the sample is clean
    >>> parcels.loc[parcels.index[0], "land_price_wan_yuan"] = -5.0
    >>> try:
    ...     check_values(parcels=parcels)
    ... except SchemaError as err:
    ...     print(err.problems[0].split(": ")[1])
    1 negative values (ids P001 (1 in all)). Fix
    """
    messages, items = [], []
    for kind, frame in layers.items():
        if frame is None:
            continue
        problems = _Problems(kind, kind, frame)
        _check_ranges(frame, kind, problems)
        try:
            problems.raise_if_any()
        except SchemaError as err:
            messages.append(str(err))
            items += err.problems
    if messages:
        error = SchemaError("\n".join(messages))
        error.problems = items
        raise error


def _check_ranges(out: pd.DataFrame, kind: str, problems: _Problems) -> None:
    """Negative areas, amounts, counts and fractions; fractions above 1."""
    spec = _spec(kind).set_index("column")["dtype"]
    for column, dtype in spec[spec.isin(sorted(_NON_NEGATIVE))].items():
        if column not in out.columns or not pd.api.types.is_numeric_dtype(out[column]):
            continue
        checks = [(out[column] < 0, "negative values", "areas and amounts cannot be negative")]
        if dtype == "fraction":
            checks.append((out[column] > 1, "values above 1", "write ratios as 0.3, not 30"))
        for mask, what, fix in checks:
            bad = mask.fillna(False).to_numpy(dtype=bool)
            if bad.any():
                ids = problems.row_ids(bad)
                problems.add(
                    f"column {_column_name(column)}: {len(ids)} {what} (ids "
                    f"{describe_ids(ids)}). Fix: {fix}."
                )


def _validate_geometry(out, kind: str, *, strict: bool, problems: _Problems):
    if not isinstance(out, gpd.GeoDataFrame) or out._geometry_column_name not in out.columns:
        problems.add("no geometry column. Fix: read the layer with landkit.read_layer.")
        return out
    if out.crs is None:
        problems.add(
            "the layer has no coordinate reference system. Fix: pass crs= (e.g. 'EPSG:4543')."
        )
    geoms = out.geometry.values
    missing = is_absent(geoms)
    if missing.any():
        ids = problems.row_ids(missing)
        problems.add(
            f"geometry: {len(ids)} rows have a missing or empty geometry (ids {describe_ids(ids)}). "
            f"Fix: draw the feature or remove the row."
        )
    allowed = _SPATIAL_KINDS[kind]
    types = np.asarray(shapely.get_type_id(geoms))
    names = np.array(
        [
            "Point",
            "LineString",
            "LinearRing",
            "Polygon",
            "MultiPoint",
            "MultiLineString",
            "MultiPolygon",
            "GeometryCollection",
        ],
        dtype=object,
    )
    wrong = ~missing & ~np.isin(names[np.clip(types, 0, 7)], allowed)
    if wrong.any():
        ids = problems.row_ids(wrong)
        found = sorted(set(names[np.clip(types[wrong], 0, 7)]))
        problems.add(
            f"geometry: {len(ids)} rows are {', '.join(found)}, expected {' or '.join(allowed)} "
            f"(ids {describe_ids(ids)}). Fix: give {kind} {allowed[0].lower()} geometries."
        )
    invalid = ~missing & ~wrong & ~shapely.is_valid(geoms)
    if invalid.any():
        ids = problems.row_ids(invalid)
        if strict:
            problems.add(
                f"geometry: {len(ids)} invalid geometries (ids {describe_ids(ids)}). "
                f"Fix: repair them (shapely.make_valid) or validate without strict=True."
            )
        else:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fixed, _ = repair(out)
            out = out.set_geometry(fixed)
            warning = GeometryRepairedWarning.about(problems.layer, len(ids), ids=ids)
            warnings.warn(warning, stacklevel=3)
    return out
