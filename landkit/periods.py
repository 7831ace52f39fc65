"""Periods under 民法典 arts. 201–203: dates, year periods, holiday calendars, month-only dates.

A period counted in years from a date ends on the corresponding day of the
last year, or on the month's last day when there is none (art. 202; the start
day itself is not counted, art. 201). When the last day is a statutory rest day
(法定休假日), the period ends on the day after the rest days (art. 203); that
needs the official calendar of rest days, which the caller supplies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError, describe_ids
from .schema import parse_dates

__all__ = ["as_date", "describe_rest_days", "month_bounds", "period_end", "rest_days"]

_DAY = pd.Timedelta(days=1)


def as_date(value: object, *, name: str) -> pd.Timestamp:
    """A date (midnight ``Timestamp``) from a date, datetime or ISO string."""
    if isinstance(value, str | dt.date | np.datetime64) and not (
        isinstance(value, str) and not value.strip()
    ):
        try:
            stamp = pd.Timestamp(value).as_unit("ns")  # years 1677–2262, as every date column
        except (ValueError, TypeError) as err:
            msg = f"{name}: {value!r} is not a date. Fix: write it as 2026-10-01."
            raise InputError(msg) from err
        if not pd.isna(stamp):
            return stamp.tz_localize(None).normalize() if stamp.tzinfo else stamp.normalize()
    msg = f"{name} is required as a date, datetime or ISO string such as 2026-10-01, got {value!r}"
    raise InputError(msg)


def rest_days(
    holidays: Iterable[object] | pd.Series | str | Path | None,
) -> tuple[pd.Timestamp, ...] | None:
    """The official rest days of a holiday calendar, sorted; None without one.

    ``holidays`` is a list of dates, a Series, or the path of a CSV file with
    one date per row (the column ``date`` or ``日期`` when there is one, else
    the first; a header row is optional).

    Examples
    --------
    >>> rest_days(["2026-10-01", "2026年10月2日", "20261003"])[-1]
    Timestamp('2026-10-03 00:00:00')
    >>> rest_days(None) is None
    True
    """
    if holidays is None:
        return None
    source = "holidays"
    if isinstance(holidays, str | Path):
        source = f"holidays {holidays}"
        try:
            table = pd.read_csv(holidays, dtype=str, header=None, keep_default_na=False)
        except (OSError, ValueError) as err:
            msg = f"{source}: cannot be read ({err}). Fix: give a CSV file with one date per row."
            raise InputError(msg) from err
        names = [str(v).strip().lower() for v in table.iloc[0]] if len(table) else []
        column = next((i for i, n in enumerate(names) if n in ("date", "日期")), 0)
        values = table.iloc[:, column] if len(table.columns) else pd.Series(dtype=object)
        if len(values) and parse_dates(values.iloc[:1])[2].iloc[0]:
            values = values.iloc[1:]  # a header row
    else:
        values = pd.Series(list(holidays), dtype=object)
    dates, precision, bad = parse_dates(values.reset_index(drop=True))
    bad |= precision.eq("month")
    if bad.any():
        examples = ", ".join(repr(str(v)) for v in values[bad.to_numpy()].head(3))
        msg = (
            f"{source}: {int(bad.sum())} values are not days (rows "
            f"{describe_ids(bad.index[bad])}; e.g. {examples}). Fix: one date per row, "
            f"such as 2026-10-01."
        )
        raise InputError(msg)
    return tuple(sorted(set(dates.dropna())))


def describe_rest_days(rest: tuple[pd.Timestamp, ...] | None) -> str:
    """A provenance note on the holiday calendar used (or not used).

    Examples
    --------
    >>> describe_rest_days(None)
    '未适用民法典第二百零三条：未提供法定节假日历'
    """
    if rest is None:
        return "未适用民法典第二百零三条：未提供法定节假日历"
    if not rest:
        return "已适用民法典第二百零三条：节假日历为空"
    return f"已适用民法典第二百零三条：休息日 {len(rest)} 天（{rest[0]:%Y-%m-%d} 至 {rest[-1]:%Y-%m-%d}）"


def period_end(
    dates: pd.Series, years: int, rest: tuple[pd.Timestamp, ...] | None = None
) -> tuple[pd.Series, pd.Series]:
    """The last day of a period of ``years`` from ``dates`` (民法典 arts. 201–203).

    Returns the calendar last day (art. 202: the corresponding day, else the
    month's last day) and the last day after art. 203 moved it off the rest
    days in ``rest`` (the same without a calendar).

    Examples
    --------
    >>> import pandas as pd
    >>> start = pd.Series(pd.to_datetime(["2025-10-01", "2024-02-29"]))
    >>> end, moved = period_end(start, 1, rest_days(["2026-10-01", "2026-10-02"]))
    >>> [f"{d:%Y-%m-%d}" for d in end], [f"{d:%Y-%m-%d}" for d in moved]
    (['2026-10-01', '2025-02-28'], ['2026-10-03', '2025-02-28'])
    """
    end = dates + pd.DateOffset(years=years)
    moved = end.copy()
    if rest:
        on_rest = moved.isin(rest)
        while on_rest.any():
            moved = moved.where(~on_rest, moved + _DAY)
            on_rest = moved.isin(rest)
    return end, moved


def month_bounds(
    dates: pd.Series, precision: pd.Series | None
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """First and last possible day of each date, and where it is known only to the month.

    ``precision`` is the ``<column>_precision`` column of a normalised layer
    (``"month"`` for ``2025.10``), or None when every date is a day.

    Examples
    --------
    >>> import pandas as pd
    >>> dates = pd.Series(pd.to_datetime(["2024-02-01", "2024-03-05"]))
    >>> first, last, month = month_bounds(dates, pd.Series(["month", "day"]))
    >>> [f"{d:%Y-%m-%d}" for d in last], month.tolist()
    (['2024-02-29', '2024-03-05'], [True, False])
    """
    first = pd.to_datetime(dates).astype("datetime64[ns]")
    month = (
        pd.Series(False, index=dates.index)
        if precision is None
        else precision.eq("month").fillna(False).astype(bool)
    )
    return first, first.where(~month, first + pd.offsets.MonthEnd(0)), month
