"""Idle land (闲置土地) under the 闲置土地处置办法 (国土资源部令第53号).

landkit proposes; the bureau decides. Every finding is a 初步判定 (preliminary
finding): the official 认定 follows the investigation and the
《闲置土地调查通知书》 (arts. 5–7), the 《闲置土地认定书》 (arts. 9–10) and, for a
fee or a recovery, the approval of the people's government (art. 14). Every
number comes from ``landkit/standards/idle.csv``; every action, reason and
note from ``idle_actions.csv`` and ``idle_texts.csv``, with its source.

* **Rule A** (art. 2, art. 14): land not started one full year after the
  agreed start date is ``idle`` (fee estimate: 20 % of the land price); two
  full years makes it ``recoverable``. Only on start records the raster does
  not contradict: where the start status rests on the raster alone, or the
  records and the raster disagree, the parcel is ``suspected_idle`` with a
  ``review_reason`` and the action is the investigation (art. 5).
* **Rule B** (art. 2 para. 2): started land whose developed footprint is below
  1/3 of the footprint due (``planned_footprint_area_m2``, else
  ``contract_building_coefficient`` × area), or whose investment is below 25 %
  of the total, and whose current halt (``halted_since``, ended by
  ``resumed_date``) has lasted one full year, is ``suspected_idle``: the
  article says such land *may* be deemed idle, and it is disposed of under
  art. 12, never by fee or recovery.
* **Government causes** (art. 8): a recorded ``delay_cause`` turns an idle or
  recoverable finding into ``government_delay`` (negotiated disposal, art. 12)
  and is carried into a suspected finding's reason and action.
* ``at_risk``: the agreed start date has passed without a start but the year
  is not over, the halt is under a year, or the agreed start date is at most
  ``warn_days`` away.

Start status comes from ``start_status`` where given, else from
``actual_start_date`` (a date on or before ``as_of`` = started, a later date =
not started). A blank cell is unknown, never "not started": the built-up
raster decides such a parcel when one is given (mean built-up fraction below
``not_started_max_builtup`` = not started), else Rule A is
``insufficient_data``.

Periods follow 民法典 arts. 201–203: the day a period starts from is not
counted, a period of years ends on the corresponding day (the last day of
February when there is none), and, when a holiday calendar is given, a period
ending on a rest day ends on the next working day. A one-year period from
2025-10-01 ends on 2026-10-01; the land is idle from 2026-10-02
(``idle_since``) and ``days_overdue = as_of − idle_since``. A date known only
to the month (``2025.10``) counts from the month's last day, a resumption from
its first day, so that no finding comes earlier than the record allows;
``date_assumed`` says so.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterable, Mapping
from fractions import Fraction
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from . import standards
from .crs import measure_area
from .distributed import Engine, run_partitioned, wanted
from .errors import DataWarning, InputError, SchemaError, describe_ids
from .geometry import require_polygonal
from .labels import label, value_label
from .periods import as_date, describe_rest_days, month_bounds, period_end, rest_days
from .provenance import provenance
from .raster import BuiltupScale, PixelRule, guess_builtup_scale, zonal_stats
from .schema import check_values, prepare_layer

__all__ = ["FLAGGED", "IDLE_STATUSES", "compare_idle", "detect_idle"]

IDLE_STATUSES = (
    "government_delay",
    "recoverable",
    "idle",
    "suspected_idle",
    "at_risk",
    "active",
    "insufficient_data",
)
"""Every ``idle_status``, in order of precedence (``insufficient_data`` aside)."""

FLAGGED = ("government_delay", "recoverable", "idle", "suspected_idle", "at_risk")
"""The statuses that are findings."""

_TABLE, _ACTIONS, _CAUSES, _TEXTS = "idle", "idle_actions", "idle_delay_causes", "idle_texts"
_SCALE_TOP = {"mask": 1.0, "fraction": 1.0, "percent": 100.0}
_DAY = pd.Timedelta(days=1)


def detect_idle(
    parcels: gpd.GeoDataFrame | pd.DataFrame,
    *,
    as_of: dt.date | dt.datetime | str,
    builtup: str | Path | Mapping[object, str | Path] | None = None,
    builtup_scale: BuiltupScale | None = None,
    pixel_rule: PixelRule = "centre",
    warn_days: int | None = None,
    not_started_max_builtup: float | None = None,
    holidays: Iterable[object] | pd.Series | str | Path | None = None,
    rules: Mapping[str, object] | pd.DataFrame | None = None,
    engine: Engine = "local",
    scheduler=None,
) -> gpd.GeoDataFrame | pd.DataFrame:
    """Find idle, recoverable and suspected idle parcels as of a date (初步判定).

    Parameters
    ----------
    parcels : GeoDataFrame or DataFrame
        Parcels with any of ``parcel_id``, ``agreed_start_date``,
        ``start_status``, ``actual_start_date``, ``halted_since``,
        ``resumed_date``, ``developed_area_m2`` (else ``footprint_area_m2``),
        ``planned_footprint_area_m2`` (else ``contract_building_coefficient``
        × the parcel's area), ``invested_wan_yuan``,
        ``planned_investment_wan_yuan``, ``land_price_wan_yuan`` and
        ``delay_cause`` (Chinese aliases accepted). A geometry is needed only
        for the raster and for the contract coefficient's area.
    as_of : date, datetime or ISO string
        The date the findings hold on. Required; nothing depends on the clock.
    builtup : path or mapping of date → path, optional
        Built-up raster(s). With several dates, the latest one not after
        ``as_of`` is the evidence; every date gets its own column.
    builtup_scale : {"mask", "fraction", "percent"}, optional
        How the raster's values read; guessed from the raster when None.
        Values that do not fit the scale (above 1 for a mask or fraction,
        above 100 for a percent, or negative) raise :class:`InputError`.
    pixel_rule : {"centre", "all_touched", "coverage"}
        Pixel rule of the zonal mean (see :func:`landkit.zonal_stats`).
    warn_days : int, optional
        Days before a deadline that make a parcel ``at_risk``; default from
        the standards table (90).
    not_started_max_builtup : float, optional
        Built-up fraction below which a parcel reads as not started; default
        from the standards table (0.10).
    holidays : list of dates, Series, or CSV path, optional
        The official rest days (法定休假日, weekends that are rest days
        included). A period ending on one ends on the next working day
        (民法典 art. 203). Without a calendar the rule is not applied and
        ``holiday_note`` and the provenance say so.
    rules : mapping or DataFrame, optional
        Overrides of the ``idle`` table (see :mod:`landkit.standards`), e.g.
        ``{"require_both_shortfalls": True}``; ``warn_days`` and
        ``not_started_max_builtup`` above are the same as their keys here.
        Recorded with the status ``user``.
    engine : {"local", "dask"}
        ``"dask"`` (or a ``dask_geopandas.GeoDataFrame``) runs spatial
        partitions on a Dask cluster (:mod:`landkit.distributed`); the result
        equals the local one.
    scheduler : str or distributed.Client, optional
        The Dask cluster to use with ``engine="dask"``.

    Returns
    -------
    GeoDataFrame or DataFrame
        A normalised copy of ``parcels`` (same index and order) with:

        * ``idle_status``: one of :data:`IDLE_STATUSES`;
        * ``idle_rule``: ``not_started_1y``, ``not_started_2y``, ``halted_1y``
          (findings), ``start_overdue``, ``start_due``, ``halted`` (at risk);
        * ``idle_since`` (the first idle day), ``days_overdue``,
          ``next_deadline`` (the day the status escalates next);
        * ``idle_fee_wan_yuan``: the estimated fee (测算土地闲置费), 20 % of the
          land price, for ``idle`` only (NaN without a price);
        * ``recommended_action`` (the procedure), ``legal_basis``,
          ``idle_reason``, ``review_reason`` (why a finding needs review),
          ``missing_fields`` (column names) and ``missing_fields_zh`` (the same
          in Chinese), ``date_assumed``, ``holiday_note`` (Chinese);
        * ``start_evidence`` (``records``, ``raster`` or ``conflict``),
          ``evidence_conflict``, ``builtup_fraction`` (and
          ``builtup_fraction_YYYYMMDD`` per date when several rasters are
          given).

    Raises
    ------
    InputError
        For a missing or unreadable ``as_of`` or holiday calendar, a raster
        whose values do not fit its scale, or bad options.
    SchemaError
        For unparseable columns, negative amounts or areas, or an unknown
        ``delay_cause``.

    Examples
    --------
    >>> import landkit as lk
    >>> parcels = lk.read_layer(lk.sample_data_path(), "parcels")
    >>> result = lk.detect_idle(parcels, as_of="2026-11-01")
    >>> result.index.equals(parcels.index)
    True
    >>> set(result["idle_status"]) <= set(IDLE_STATUSES)
    True
    >>> result.set_index("parcel_id").at["P038", "idle_status"]  # no start records, no raster
    'insufficient_data'
    """
    day = as_date(as_of, name="as_of")
    rules = standards.overrides(
        rules,
        _TABLE,
        given={"warn_days": warn_days, "not_started_max_builtup": not_started_max_builtup},
    )
    rest = rest_days(holidays)
    if wanted(parcels, engine):
        options = {
            "as_of": day,
            "builtup": builtup,
            "builtup_scale": builtup_scale,
            "pixel_rule": pixel_rule,
            "holidays": rest,
            "rules": rules,
        }
        return run_partitioned(detect_idle, parcels, scheduler=scheduler, **options)
    values = _rules(rules)
    frame = prepare_layer(parcels, "parcels", layer="parcels")
    check_values(parcels=frame)
    ids = (
        frame["parcel_id"] if "parcel_id" in frame.columns else pd.Series(frame.index, frame.index)
    )
    causes = _delay_causes(frame, ids)
    fractions, evidence_date, scale = _builtup(frame, ids, builtup, builtup_scale, pixel_rule, day)
    dates = _record_dates(frame, day)
    start = _start_status(frame, dates, fractions, values, day)
    findings = _findings(frame, dates, start, causes, values, rest, day)
    out = frame.assign(
        start_evidence=start["evidence"],
        **findings,
        evidence_conflict=start["evidence"].eq("conflict").astype(bool),
        **fractions,
    )
    if "delay_cause" in out.columns:
        out["delay_cause"] = causes  # as codes
    out.attrs["landkit_provenance"] = provenance(
        inputs={"parcels": parcels, **_builtup_inputs(builtup)},
        as_of=day.date().isoformat(),
        rule_tables=(_TABLE, _ACTIONS, _CAUSES, _TEXTS),
        warn_days=values["warn_days"],
        not_started_max_builtup=values["not_started_max_builtup"],
        rules=[rule.describe() for rule in standards.applied(rules)],
        builtup_evidence_date="" if evidence_date is None else evidence_date.date().isoformat(),
        builtup_scale=scale or "",
        pixel_rule=pixel_rule,
        holidays=describe_rest_days(rest),
    )
    return out


def compare_idle(
    current: pd.DataFrame, previous: pd.DataFrame, *, id_col: str = "parcel_id"
) -> pd.DataFrame:
    """What changed since a previous :func:`detect_idle` run.

    Returns a DataFrame on ``current``'s index with ``previous_status`` (None
    for parcels the previous run did not hold) and ``newly_flagged``: a finding
    now (:data:`FLAGGED`) that the previous run did not hold in that status
    (new, or escalated as from ``at_risk`` to ``idle``).

    Examples
    --------
    >>> import pandas as pd
    >>> now = pd.DataFrame({"parcel_id": ["P1", "P2", "P3"], "idle_status": ["idle"] * 3})
    >>> before = pd.DataFrame({"parcel_id": ["P1", "P3"], "idle_status": ["at_risk", "idle"]})
    >>> compare_idle(now, before)["newly_flagged"].tolist()
    [True, True, False]
    """
    for name, frame in (("current", current), ("previous", previous)):
        missing = [c for c in (id_col, "idle_status") if c not in frame.columns]
        if missing:
            msg = f"{name}: lacks {', '.join(missing)}. Fix: pass detect_idle results."
            raise SchemaError(msg)
    before = previous.drop_duplicates(id_col).set_index(id_col)["idle_status"]
    previous_status = current[id_col].map(before)
    previous_status = previous_status.astype(object).where(previous_status.notna(), None)
    newly = current["idle_status"].isin(FLAGGED) & (current["idle_status"] != previous_status)
    return pd.DataFrame(
        {"previous_status": previous_status, "newly_flagged": newly},
        index=current.index,
    )


# ------------------------------------------------------------------ inputs


def _rules(overrides: Mapping[str, object]) -> dict[str, object]:
    """The values of the ``idle`` table's rules, with the caller's overrides."""

    def value(key: str):
        return standards.get(_TABLE, key, rules=overrides).value

    def share(key: str) -> Fraction:
        return Fraction(standards.get(_TABLE, key, rules=overrides).text)

    rules = {
        "idle_years": int(value("not_started_idle_years")),
        "recovery_years": int(value("not_started_recovery_years")),
        "halted_years": int(value("halted_idle_years")),
        "fee_share": float(value("idle_fee_share")),
        "developed_share": share("developed_share_min"),
        "invested_share": share("invested_share_min"),
        "require_both": bool(value("require_both_shortfalls")),
        "warn_days": int(value("warn_days")),
        "not_started_max_builtup": float(value("not_started_max_builtup")),
    }
    if rules["warn_days"] < 0 or not 0 <= rules["not_started_max_builtup"] <= 1:
        msg = "warn_days must be ≥ 0 and not_started_max_builtup within 0–1"
        raise InputError(msg)
    return rules


def _text(key: str) -> str:
    """A text of ``idle_texts.csv``."""
    return standards.load_table(_TEXTS).set_index("key").at[key, "value"]


def _delay_causes(frame: pd.DataFrame, ids: pd.Series) -> pd.Series:
    """``delay_cause`` as codes (None where empty); unknown causes raise."""
    if "delay_cause" not in frame.columns:
        return pd.Series(None, index=frame.index, dtype=object)
    table = standards.load_table(_CAUSES)
    lookup = {}
    for row in table.itertuples():
        for alias in (row.code, row.label_zh, *row.aliases.split("|")):
            lookup[alias.strip().lower()] = row.code
    text = frame["delay_cause"].astype("string").str.strip().str.lower()
    empty = text.isna() | (text == "")
    codes = text.map(lookup)
    bad = ~empty & codes.isna()
    if bad.any():
        msg = (
            f"parcels: column delay_cause has unknown values {describe_ids(text[bad].unique())} "
            f"in rows {describe_ids(ids[bad])}. Fix: use one of {', '.join(table['code'])} "
            f"(or their Chinese phrasings), or leave the cell empty."
        )
        raise SchemaError(msg)
    return codes.astype(object).where(~empty, None)


def _builtup(frame, ids, builtup, scale, pixel_rule, day):
    """Built-up fraction columns, the evidence date and the scale used."""
    if builtup is None:
        return {}, None, None
    if not isinstance(frame, gpd.GeoDataFrame):
        msg = "parcels: a built-up raster needs parcel geometries. Fix: pass a GeoDataFrame."
        raise InputError(msg)
    if isinstance(builtup, Mapping):
        dated = [(as_date(k, name="builtup date"), v) for k, v in builtup.items()]
        dated.sort(key=lambda pair: pair[0])
    else:
        dated = [(None, builtup)]
    if not dated:
        return {}, None, None
    columns, evidence, evidence_date, scales = {}, None, None, []
    for date, path in dated:
        scales.append(scale or guess_builtup_scale(path))
        fraction = _builtup_fraction(frame, ids, path, scales[-1], pixel_rule)
        if len(dated) > 1:
            columns[f"builtup_fraction_{date:%Y%m%d}"] = fraction
        if date is None or date <= day:
            evidence, evidence_date = fraction, date
    if evidence is None:
        msg = "every built-up raster is dated after as_of; none is used as evidence"
        zh = "所有建成区影像的日期都晚于核查日期，均未作为证据使用"
        warnings.warn(DataWarning.said(msg, zh), stacklevel=3)
        evidence = pd.Series(np.nan, index=frame.index)
    return (
        {"builtup_fraction": evidence, **columns},
        evidence_date,
        "; ".join(dict.fromkeys(scales)),
    )


def _builtup_fraction(frame, ids, path, scale, pixel_rule) -> pd.Series:
    """Mean built-up fraction (0–1) per parcel; values that do not fit ``scale`` raise."""
    if scale not in _SCALE_TOP:
        msg = f"builtup_scale must be 'mask', 'fraction' or 'percent', got {scale!r}"
        raise InputError(msg)
    require_polygonal(frame.geometry, ids, layer="parcels", fix="give parcel polygons")
    stats = zonal_stats(frame, path, stats=("mean", "min", "max"), pixel_rule=pixel_rule)
    top = _SCALE_TOP[scale]
    bad = ((stats["max"] > top) | (stats["min"] < 0)).to_numpy()
    if bad.any():
        low, high = stats["min"][bad].min(), stats["max"][bad].max()
        msg = (
            f"built-up raster {path} (builtup_scale={scale!r}, values 0–{top:g}): pixels under "
            f"parcels {describe_ids(ids[bad])} run from {low:g} to {high:g}. Fix: pass "
            f"builtup_scale='percent' for 0–100 values, or rescale the raster."
        )
        raise InputError(msg)
    mean = stats["mean"].astype(float)
    return (mean / 100 if scale == "percent" else mean).rename("builtup_fraction")


def _builtup_inputs(builtup) -> dict[str, object]:
    if builtup is None:
        return {}
    if isinstance(builtup, Mapping):
        return {f"builtup.{k}": str(v) for k, v in builtup.items()}
    return {"builtup": str(builtup)}


def _number(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(np.nan, index=frame.index)
    return frame[column].astype(float)


def _record_dates(frame: pd.DataFrame, day: pd.Timestamp) -> dict[str, object]:
    """The dates the rules count from, and a note per row on month-only dates.

    A month-only date gives its first and last possible day: periods count
    from the last (``agreed_start_date``, ``halted_since``), a resumption from
    the first, and a start is certain only once its last possible day is past.
    """
    bounds, notes = {}, pd.Series("", index=frame.index, dtype=object)
    for column, kept in (
        ("agreed_start_date", "last"),
        ("actual_start_date", "both"),
        ("halted_since", "last"),
        ("resumed_date", "first"),
    ):
        values = frame.get(column, pd.Series(pd.NaT, index=frame.index))
        first, last, month = month_bounds(values, frame.get(f"{column}_precision"))
        bounds[column] = (first, last)
        for i in np.flatnonzero(month.to_numpy()):
            if kept == "both" and (last.iloc[i] <= day or first.iloc[i] > day):
                continue  # the start is on record either way: no day is assumed
            key = {"last": "note_month_latest", "first": "note_month_earliest"}.get(
                kept, "note_month_unknown"
            )
            text = _text(key).format(
                field=label(column),
                month=f"{first.iloc[i]:%Y-%m}",
                day=f"{(first if kept == 'first' else last).iloc[i]:%Y-%m-%d}",
                as_of=f"{day:%Y-%m-%d}",
            )
            notes.iloc[i] = "；".join(filter(None, (notes.iloc[i], text)))
    return {
        "agreed": bounds["agreed_start_date"][1],
        "started_first": bounds["actual_start_date"][0],
        "started_last": bounds["actual_start_date"][1],
        "halted": bounds["halted_since"][1],
        "resumed": bounds["resumed_date"][0],
        "notes": notes.where(notes != "", None),
    }


def _start_status(frame, dates, fractions, rules, day) -> dict[str, pd.Series]:
    """Start status by records and by raster, and which evidence decides."""
    records = pd.Series(None, index=frame.index, dtype=object)
    if "actual_start_date" in frame.columns:
        records[(dates["started_last"] <= day).to_numpy()] = "started"
        records[(dates["started_first"] > day).to_numpy()] = "not_started"
    if "start_status" in frame.columns:
        given = frame["start_status"].astype(object)
        records = given.where(given.notna(), records)
    records = records.astype(object).where(records.notna(), None)
    fraction = fractions.get("builtup_fraction", pd.Series(np.nan, index=frame.index))
    raster = pd.Series(None, index=frame.index, dtype=object)
    known = fraction.notna()
    raster[known] = np.where(
        fraction[known] < rules["not_started_max_builtup"], "not_started", "started"
    )
    has_records, has_raster = records.notna(), raster.notna()
    evidence = np.select(
        [has_records & (~has_raster | (records == raster)), has_records, has_raster],
        ["records", "conflict", "raster"],
        None,
    )
    return {
        "records": records,
        "raster": raster,
        "fraction": fraction,
        "evidence": pd.Series(evidence, index=frame.index, dtype=object),
    }


# ------------------------------------------------------------------- rules


def _below(part: pd.Series, whole: pd.Series, share: Fraction) -> pd.Series:
    """``part < share × whole`` exactly, as a nullable boolean (NA where unknown)."""
    known = part.notna() & whole.notna() & (whole > 0)
    below = part * share.denominator < whole * share.numerator
    return pd.Series(below, dtype="boolean").where(known, pd.NA)


def _footprint_due(frame: pd.DataFrame) -> pd.Series:
    """``planned_footprint_area_m2``, else the contract building coefficient × area."""
    due = _number(frame, "planned_footprint_area_m2")
    coefficient = _number(frame, "contract_building_coefficient")
    needed = due.isna() & coefficient.notna()
    if needed.any() and isinstance(frame, gpd.GeoDataFrame):
        area = measure_area(frame[needed]).reindex(frame.index)
        due = due.fillna(coefficient * area)
    return due


def _shortfall(frame: pd.DataFrame, rules) -> dict[str, pd.Series]:
    """Rule B's shortfall (nullable boolean), its two parts and what leaves them open."""
    developed = _number(frame, "developed_area_m2").fillna(_number(frame, "footprint_area_m2"))
    due = _footprint_due(frame)
    area_short = _below(developed, due, rules["developed_share"])
    invested = _number(frame, "invested_wan_yuan")
    planned = _number(frame, "planned_investment_wan_yuan")
    money_short = _below(invested, planned, rules["invested_share"])
    combined = area_short & money_short if rules["require_both"] else area_short | money_short
    fields = {
        "developed_area_m2 or footprint_area_m2": developed.isna(),
        "planned_footprint_area_m2 or contract_building_coefficient": due.isna(),
        "invested_wan_yuan": invested.isna(),
        "planned_investment_wan_yuan": planned.isna(),
    }
    missing = [
        "; ".join(name for name, absent in fields.items() if absent.iloc[i]) or None
        for i in range(len(frame))
    ]
    return {
        "shortfall": combined,
        "area_short": area_short,
        "money_short": money_short,
        "missing": pd.Series(missing, index=frame.index, dtype=object),
    }


def _rule_facts(frame, dates, start, rules, rest, day) -> dict[str, object]:
    """For every row: which rule applies, and the dates the rules count from."""
    agreed = dates["agreed"]
    halted = dates["halted"].where(dates["halted"] <= day)  # a halt after as_of has not begun
    resumed = dates["resumed"]
    halted = halted.where(~((resumed >= halted) & (resumed <= day)))  # a resumption ends it
    periods = {
        "idle": period_end(agreed, rules["idle_years"], rest),
        "recovery": period_end(agreed, rules["recovery_years"], rest),
        "halt": period_end(halted, rules["halted_years"], rest),
    }
    idle_day, recovery_day, halt_day = (periods[k][1] + _DAY for k in periods)
    short = _shortfall(frame, rules)
    shortfall = short["shortfall"]
    warn = pd.Timedelta(days=rules["warn_days"])
    records, raster = start["records"], start["raster"]
    not_started = ((records == "not_started") | (raster == "not_started")).to_numpy()
    started = ((records == "started") | (raster == "started")).to_numpy()
    firm = (start["evidence"] == "records").to_numpy()
    recoverable = not_started & (recovery_day <= day).to_numpy()
    is_halted = started & halted.notna().to_numpy()
    year_halted = is_halted & (halt_day <= day).to_numpy()
    return {
        "agreed": agreed,
        "halted_on": halted,
        "periods": periods,
        "idle_day": idle_day,
        "recovery_day": recovery_day,
        "halt_day": halt_day,
        "short": short,
        "firm": firm,
        "unknown_start": ~(started | not_started),
        "not_started": not_started,
        "not_started_2y": recoverable,
        "not_started_1y": not_started & (idle_day <= day).to_numpy() & ~recoverable,
        "start_overdue": not_started & (agreed < day).to_numpy() & (idle_day > day).to_numpy(),
        "start_due": not_started & (agreed >= day).to_numpy() & (agreed - day <= warn).to_numpy(),
        "no_agreed_date": not_started & ~started & agreed.isna().to_numpy(),
        "halted_1y": year_halted & shortfall.fillna(False).to_numpy(dtype=bool),
        "halted": is_halted
        & (halt_day > day).to_numpy()
        & ~shortfall.eq(False).fillna(False).to_numpy(bool),
        "halted_unknown": year_halted & shortfall.isna().to_numpy(),
        "halted_running": is_halted & ~year_halted,
    }


def _status_and_rule(facts, causes: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``idle_status`` by precedence, and the rule behind it."""
    idle_or_worse = facts["not_started_1y"] | facts["not_started_2y"]
    firm = facts["firm"]
    early_warning = facts["start_overdue"] | facts["start_due"] | facts["halted"]
    undecided = facts["unknown_start"] | facts["no_agreed_date"] | facts["halted_unknown"]
    status = np.select(
        [
            causes.notna().to_numpy() & idle_or_worse & firm,
            facts["not_started_2y"] & firm,
            facts["not_started_1y"] & firm,
            idle_or_worse | facts["halted_1y"],
            early_warning,
            undecided,
        ],
        [
            "government_delay",
            "recoverable",
            "idle",
            "suspected_idle",
            "at_risk",
            "insufficient_data",
        ],
        "active",
    )
    rules = (
        "not_started_2y",
        "not_started_1y",
        "halted_1y",
        "start_overdue",
        "start_due",
        "halted",
    )
    rule = np.select([facts[r] for r in rules], list(rules), None)
    rule = np.where(np.isin(status, ("active", "insufficient_data")), None, rule)
    return status, rule


def _dates(choices: list[tuple[np.ndarray, pd.Series]], index: pd.Index) -> pd.Series:
    """The date of the first matching choice per row (NaT where none matches)."""
    values = np.select(
        [mask for mask, _ in choices],
        [dates.to_numpy(dtype="datetime64[ns]") for _, dates in choices],
        np.datetime64("NaT", "ns"),
    )
    return pd.Series(values, index=index, dtype="datetime64[ns]")


def _findings(frame, dates, start, causes, rules, rest, day) -> pd.DataFrame:
    """The result columns of :func:`detect_idle`."""
    facts = _rule_facts(frame, dates, start, rules, rest, day)
    status, rule = _status_and_rule(facts, causes)
    index = frame.index
    finding = np.isin(status, FLAGGED[:4])
    idle_or_worse = facts["not_started_1y"] | facts["not_started_2y"]
    a_finding, b_finding = finding & idle_or_worse, finding & facts["halted_1y"] & ~idle_or_worse
    since = _dates([(a_finding, facts["idle_day"]), (b_finding, facts["halt_day"])], index)
    escalates = [
        (facts["not_started"] & ~idle_or_worse, "idle"),
        (facts["not_started_1y"], "recovery"),
        (facts["halted_running"], "halt"),
    ]
    next_deadline = _dates([(m, facts["periods"][k][1] + _DAY) for m, k in escalates], index)
    used = [(a_finding, "idle"), (b_finding, "halt"), *escalates]
    calendar_end = _dates([(m, facts["periods"][k][0]) for m, k in used], index)
    moved_end = _dates([(m, facts["periods"][k][1]) for m, k in used], index)
    fee = _number(frame, "land_price_wan_yuan") * rules["fee_share"]
    review = finding & (status != "government_delay") & idle_or_worse & ~facts["firm"]
    carries = np.isin(status, ("government_delay", "suspected_idle")) & causes.notna().to_numpy()
    carried = pd.Series(np.where(carries, causes, None), index=index, dtype=object)
    table = pd.DataFrame(
        {
            "idle_status": status,
            "idle_rule": rule,
            "idle_since": since,
            "days_overdue": (day - since).dt.days.astype("Int64"),
            "next_deadline": next_deadline,
            "idle_fee_wan_yuan": fee.where(status == "idle").astype(float),
        },
        index=index,
    )
    keys = np.select(
        [
            (status == "suspected_idle") & carried.notna().to_numpy(),
            (status == "suspected_idle") & ~review,
        ],
        ["suspected_idle_with_cause", "suspected_idle_halted"],
        status,
    )
    table["recommended_action"] = [_action(k, c) for k, c in zip(keys, carried, strict=True)]
    table["legal_basis"] = [_legal_basis(k, c) for k, c in zip(keys, carried, strict=True)]
    table["missing_fields"] = _missing(facts)
    table["missing_fields_zh"] = [
        value_label("missing_fields", t) if isinstance(t, str) else None
        for t in table["missing_fields"]
    ]
    rows = pd.concat(
        [table, facts["agreed"].rename("agreed"), facts["halted_on"].rename("halted")], axis=1
    )
    short = facts["short"]
    table["idle_reason"] = [
        _reason(row, cause, area, money)
        for row, cause, area, money in zip(
            rows.itertuples(), carried, short["area_short"], short["money_short"], strict=True
        )
    ]
    table["missing_fields"] = [  # every field of an either-or group is absent
        None if pd.isna(m) else m.replace(" or ", "; ") for m in table["missing_fields"]
    ]
    table["review_reason"] = _review_reasons(start, review, status == "suspected_idle")
    table["date_assumed"] = dates["notes"]
    table["holiday_note"] = _holiday_notes(calendar_end, moved_end, rest)
    return table


def _missing(facts) -> list[str | None]:
    """The fields whose absence left a row undecided (``a or b; c``: column names)."""
    texts = {
        "unknown_start": pd.Series(
            "start_status; actual_start_date; builtup", index=facts["agreed"].index
        ),
        "no_agreed_date": pd.Series("agreed_start_date", index=facts["agreed"].index),
        "halted_unknown": facts["short"]["missing"],
    }
    missing = np.select(
        [facts[key] for key in texts], [t.to_numpy(dtype=object) for t in texts.values()], None
    )
    return missing.tolist()


def _steps(key: str) -> list[str]:
    steps = standards.load_table(_ACTIONS).set_index("key").at[key, "value"]
    return [f"step_{s.strip()}" for s in steps.split(";") if s.strip()]


def _action(key: str, cause: str | None) -> str | None:
    """The recommended procedure, in Chinese: the steps joined by arrows."""
    steps = [_text(s) for s in _steps(key)]
    if not steps:
        return None
    if cause:
        steps.append(_text("action_cause").format(cause=value_label("delay_cause", cause)))
    return " → ".join(steps)


def _legal_basis(key: str, cause: str | None) -> str | None:
    """Documents and articles of a finding and its procedure, grouped by document."""
    actions = standards.load_table(_ACTIONS).set_index("key")
    texts = standards.load_table(_TEXTS).set_index("key")
    sources = [(actions.at[key, "document"], actions.at[key, "clause"])]
    if cause:
        row = standards.load_table(_CAUSES).set_index("code").loc[cause]
        sources.append((row["document"], row["clause"]))
    sources += [(texts.at[s, "document"], texts.at[s, "clause"]) for s in _steps(key)]
    grouped: dict[str, list[str]] = {}
    for documents, clauses in sources:
        for document, clause in zip(documents.split(";"), clauses.split(";"), strict=False):
            if document.strip():
                grouped.setdefault(document.strip(), [])
                for part in clause.split("、"):
                    if part.strip() and part.strip() not in grouped[document.strip()]:
                        grouped[document.strip()].append(part.strip())
    for clauses in grouped.values():  # 第十四条 goes where 第十四条第（一）项 is cited
        clauses[:] = [c for c in clauses if not any(o != c and o.startswith(c) for o in clauses)]
    return "；".join(f"{d}{'、'.join(c)}" for d, c in grouped.items()) or None


def _day(value) -> str:
    return "" if pd.isna(value) else f"{value:%Y-%m-%d}"


def _reason(row, cause, area_short, money_short) -> str | None:
    """Why a row has its status, in Chinese."""
    status = row.idle_status
    if status == "insufficient_data":
        fields = "；".join(
            "或".join(f"{label(name)}（{name}）" for name in group.split(" or "))
            for group in row.missing_fields.split("; ")
        )
        return _text("reason_insufficient").format(fields=fields)
    if pd.isna(row.idle_rule):
        return None
    short = "、".join(
        _text(key)
        for key, flag in (("reason_area_short", area_short), ("reason_money_short", money_short))
        if flag is not pd.NA and bool(flag)
    )
    text = _text(f"reason_{row.idle_rule}").format(
        agreed=_day(row.agreed),
        halted=_day(row.halted),
        deadline=_day(row.next_deadline),
        shortfall=short,
    )
    if status in FLAGGED[:4]:
        text = _text("preliminary") + text
    if cause:
        text += "；" + _text("action_cause").format(cause=value_label("delay_cause", cause))
    return text


def _review_reasons(start, review: np.ndarray, suspected: np.ndarray) -> list[str | None]:
    """Why a suspected finding needs review before anything else, in Chinese."""
    out = []
    for i, (records, raster, fraction) in enumerate(
        zip(start["records"], start["raster"], start["fraction"], strict=True)
    ):
        if review[i]:
            key = "review_raster_only" if records is None else "review_conflict"
            out.append(
                _text(key).format(
                    fraction=f"{fraction:.0%}",
                    raster=value_label("start_status", raster),
                    records=value_label("start_status", records) if records else "",
                )
            )
        elif suspected[i]:
            out.append(_text("review_halted"))
        else:
            out.append(None)
    return out


def _holiday_notes(calendar_end: pd.Series, moved_end: pd.Series, rest) -> list[str | None]:
    """Per row with a period: whether 民法典 art. 203 was applied, and what it moved."""
    if rest is None:
        return [None if pd.isna(end) else _text("holiday_not_applied") for end in calendar_end]
    moved_text = _text("holiday_moved")
    return [
        moved_text.format(end=_day(end), moved=_day(moved)) if pd.notna(end) and moved != end else None
        for end, moved in zip(calendar_end, moved_end, strict=True)
    ]
