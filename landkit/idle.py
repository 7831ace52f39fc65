"""Idle land (闲置土地) under the 闲置土地处置办法 (国土资源部令第53号).

Rules, with every number read from ``landkit/standards/idle.csv``:

* **Rule A** (art. 2, art. 14): land not started one full year after the
  agreed start date is ``idle`` (fee: 20 % of the land price); two full years
  makes it ``recoverable`` (recovery without compensation).
* **Rule B** (art. 2): started land whose developed footprint is below 1/3 of
  the area due, or whose investment is below 25 % of the total, and whose
  development has been halted one full year, is ``suspected_idle``. The article
  says such land *may* be deemed idle, so the finding is for review.
* **Government causes** (art. 8): a delay caused by government or force
  majeure turns an idle or recoverable finding into ``government_delay``,
  disposed of by negotiation (art. 12) without a fee.
* ``at_risk``: the agreed start date has passed without a start but the year
  is not over, development has been halted for less than a year, or the agreed
  start date is at most ``warn_days`` away.

Periods follow 民法典 arts. 201–202: the day a period starts from is not
counted, and a period of years ends on the corresponding day of the last year
(the last day of February when that year has no 29 February). A one-year
period from 2025-10-01 ends on 2026-10-01; the land is idle from 2026-10-02
(``idle_since``) and ``days_overdue = as_of − idle_since``.

Start status comes from ``start_status`` where given, else from
``actual_start_date`` when the layer has that column (a date on or before
``as_of`` = started, none = not started), else from a built-up raster (mean
built-up fraction below ``not_started_max_builtup`` = not started). Where the
records and the raster disagree, the records stand and ``evidence_conflict``
is True.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from . import standards
from .crs import measure_area
from .distributed import Engine, run_partitioned, wanted
from .errors import DataWarning, InputError, SchemaError, describe_ids
from .labels import value_label
from .provenance import provenance
from .raster import BuiltupScale, PixelRule, builtup_fraction, guess_builtup_scale
from .schema import prepare_layer

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

_TABLE, _ACTIONS, _CAUSES = "idle", "idle_actions", "idle_delay_causes"


def detect_idle(
    parcels: gpd.GeoDataFrame | pd.DataFrame,
    *,
    as_of: dt.date | dt.datetime | str,
    builtup: str | Path | Mapping[object, str | Path] | None = None,
    builtup_scale: BuiltupScale | None = None,
    pixel_rule: PixelRule = "centre",
    warn_days: int | None = None,
    not_started_max_builtup: float | None = None,
    rules: Mapping[str, object] | pd.DataFrame | None = None,
    engine: Engine = "local",
    scheduler=None,
) -> gpd.GeoDataFrame | pd.DataFrame:
    """Find idle, recoverable and suspected idle parcels as of a date.

    Parameters
    ----------
    parcels : GeoDataFrame or DataFrame
        Parcels with any of ``parcel_id``, ``agreed_start_date``,
        ``start_status``, ``actual_start_date``, ``halted_since``,
        ``developed_area_m2`` (else ``footprint_area_m2``),
        ``planned_footprint_area_m2`` (else the parcel's area),
        ``invested_wan_yuan``, ``planned_investment_wan_yuan``,
        ``land_price_wan_yuan`` and ``delay_cause`` (Chinese aliases accepted).
        A geometry is needed only for the raster and for the parcel area.
    as_of : date, datetime or ISO string
        The date the findings hold on. Required; nothing depends on the clock.
    builtup : path or mapping of date → path, optional
        Built-up raster(s). With several dates, the latest one not after
        ``as_of`` is the evidence; every date gets its own column.
    builtup_scale : {"mask", "fraction", "percent"}, optional
        How the raster's values read; guessed from the raster when None.
    pixel_rule : {"centre", "all_touched", "coverage"}
        Pixel rule of the zonal mean (see :func:`landkit.zonal_stats`).
    warn_days : int, optional
        Days before a deadline that make a parcel ``at_risk``; default from
        the standards table (90).
    not_started_max_builtup : float, optional
        Built-up fraction below which a parcel reads as not started; default
        from the standards table (0.10).
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
        * ``idle_fee_wan_yuan``: 20 % of the land price for ``idle`` (NaN
          without a price, and for other statuses);
        * ``recommended_action``, ``legal_basis``, ``idle_reason`` (Chinese),
          ``missing_fields`` (English column names) and ``missing_fields_zh``
          (the same in Chinese);
        * ``start_evidence`` (``records`` or ``raster``), ``evidence_conflict``,
          ``builtup_fraction`` (and ``builtup_fraction_YYYYMMDD`` per date when
          several rasters are given).

    Raises
    ------
    InputError
        For a missing or unreadable ``as_of``, or bad options.
    SchemaError
        For unparseable columns or an unknown ``delay_cause``.

    Examples
    --------
    >>> import landkit as lk
    >>> parcels = lk.read_layer(lk.sample_data_path(), "parcels")
    >>> result = lk.detect_idle(parcels, as_of="2026-11-01")
    >>> result.index.equals(parcels.index)
    True
    >>> set(result["idle_status"]) <= set(IDLE_STATUSES)
    True
    """
    day = as_date(as_of, name="as_of")
    rules = standards.overrides(
        rules,
        _TABLE,
        given={"warn_days": warn_days, "not_started_max_builtup": not_started_max_builtup},
    )
    if wanted(parcels, engine):
        options = {
            "as_of": day,
            "builtup": builtup,
            "builtup_scale": builtup_scale,
            "pixel_rule": pixel_rule,
            "rules": rules,
        }
        return run_partitioned(detect_idle, parcels, scheduler=scheduler, **options)
    values = _rules(rules)
    frame = prepare_layer(parcels, "parcels", layer="parcels")
    ids = (
        frame["parcel_id"] if "parcel_id" in frame.columns else pd.Series(frame.index, frame.index)
    )
    causes = _delay_causes(frame, ids)
    fractions, evidence_date, scale = _builtup(frame, builtup, builtup_scale, pixel_rule, day)
    start, source, conflict = _start_status(frame, fractions, values, day)
    findings = _findings(frame, start, causes, values, day)
    out = frame.assign(start_evidence=source, **findings, evidence_conflict=conflict, **fractions)
    if "delay_cause" in out.columns:
        out["delay_cause"] = causes  # as codes
    out.attrs["landkit_provenance"] = provenance(
        inputs={"parcels": parcels, **_builtup_inputs(builtup)},
        as_of=day.date().isoformat(),
        rule_tables=(_TABLE, _ACTIONS, _CAUSES),
        warn_days=values["warn_days"],
        not_started_max_builtup=values["not_started_max_builtup"],
        rules=[rule.describe() for rule in standards.applied(rules)],
        builtup_evidence_date="" if evidence_date is None else evidence_date.date().isoformat(),
        builtup_scale=scale or "",
        pixel_rule=pixel_rule,
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


def as_date(value: object, *, name: str) -> pd.Timestamp:
    """A date (midnight ``Timestamp``) from a date, datetime or ISO string."""
    if isinstance(value, str | dt.date | np.datetime64) and not (
        isinstance(value, str) and not value.strip()
    ):
        try:
            stamp = pd.Timestamp(value)
        except (ValueError, TypeError) as err:
            msg = f"{name}: {value!r} is not a date. Fix: write it as 2026-10-01."
            raise InputError(msg) from err
        if not pd.isna(stamp):
            return stamp.tz_localize(None).normalize() if stamp.tzinfo else stamp.normalize()
    msg = f"{name} is required as a date, datetime or ISO string such as 2026-10-01, got {value!r}"
    raise InputError(msg)


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


def _builtup(frame, builtup, scale, pixel_rule, day):
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
        fraction = builtup_fraction(frame, path, scale=scales[-1], pixel_rule=pixel_rule)
        if len(dated) > 1:
            columns[f"builtup_fraction_{date:%Y%m%d}"] = fraction
        if date is None or date <= day:
            evidence, evidence_date = fraction, date
    if evidence is None:
        msg = "every built-up raster is dated after as_of; none is used as evidence"
        warnings.warn(msg, DataWarning, stacklevel=3)
        evidence = pd.Series(np.nan, index=frame.index)
    return (
        {"builtup_fraction": evidence, **columns},
        evidence_date,
        "; ".join(dict.fromkeys(scales)),
    )


def _builtup_inputs(builtup) -> dict[str, object]:
    if builtup is None:
        return {}
    if isinstance(builtup, Mapping):
        return {f"builtup.{k}": str(v) for k, v in builtup.items()}
    return {"builtup": str(builtup)}


def _date_column(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    return pd.to_datetime(frame[column])


def _number(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(np.nan, index=frame.index)
    return frame[column].astype(float)


def _start_status(frame, fractions, rules, day):
    """Start status per row (``started``/``not_started``/None), its source and conflicts."""
    records = pd.Series(None, index=frame.index, dtype=object)
    if "actual_start_date" in frame.columns:
        started_on = _date_column(frame, "actual_start_date")
        records[:] = np.where(started_on.notna() & (started_on <= day), "started", "not_started")
    if "start_status" in frame.columns:
        given = frame["start_status"].astype(object)
        records = given.where(given.notna(), records)
    fraction = fractions.get("builtup_fraction", pd.Series(np.nan, index=frame.index))
    raster = pd.Series(None, index=frame.index, dtype=object)
    known = fraction.notna()
    raster[known] = np.where(
        fraction[known] < rules["not_started_max_builtup"], "not_started", "started"
    )
    start = records.where(records.notna(), raster)
    source = pd.Series(
        np.select([records.notna(), raster.notna()], ["records", "raster"], None),
        index=frame.index,
        dtype=object,
    )
    conflict = (records.notna() & raster.notna() & (records != raster)).astype(bool)
    return start, source, conflict


# ------------------------------------------------------------------- rules


def _period_end_next(dates: pd.Series, years: int) -> pd.Series:
    """The first day after a period of ``years`` counted from ``dates`` (民法典 201–202)."""
    return dates + pd.DateOffset(years=years) + pd.Timedelta(days=1)


def _below(part: pd.Series, whole: pd.Series, share: Fraction) -> pd.Series:
    """``part < share × whole`` exactly, as a nullable boolean (NA where unknown)."""
    known = part.notna() & whole.notna() & (whole > 0)
    below = part * share.denominator < whole * share.numerator
    return pd.Series(below, dtype="boolean").where(known, pd.NA)


def _shortfall(frame: pd.DataFrame, rules) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Rule B's shortfall (nullable boolean) and its two parts."""
    developed = _number(frame, "developed_area_m2").fillna(_number(frame, "footprint_area_m2"))
    due = _number(frame, "planned_footprint_area_m2")
    needs_area = due.isna() & developed.notna()
    if needs_area.any() and isinstance(frame, gpd.GeoDataFrame):
        due = due.fillna(measure_area(frame[needs_area]).reindex(frame.index))
    area_short = _below(developed, due, rules["developed_share"])
    money_short = _below(
        _number(frame, "invested_wan_yuan"),
        _number(frame, "planned_investment_wan_yuan"),
        rules["invested_share"],
    )
    combined = area_short & money_short if rules["require_both"] else area_short | money_short
    return combined, area_short, money_short


def _rule_facts(frame, start, rules, day) -> dict[str, object]:
    """For every row: which rule applies, and the dates the rules count from."""
    agreed = _date_column(frame, "agreed_start_date")
    halted = _date_column(frame, "halted_since")
    halted = halted.where(halted <= day)  # a halt after as_of has not begun
    idle_day = _period_end_next(agreed, rules["idle_years"])
    recovery_day = _period_end_next(agreed, rules["recovery_years"])
    halt_day = _period_end_next(halted, rules["halted_years"])
    shortfall, area_short, money_short = _shortfall(frame, rules)
    warn = pd.Timedelta(days=rules["warn_days"])
    not_started = (start == "not_started").to_numpy()
    started = (start == "started").to_numpy()
    recoverable = not_started & (recovery_day <= day).to_numpy()
    is_halted = started & halted.notna().to_numpy()
    year_halted = is_halted & (halt_day <= day).to_numpy()
    return {
        "agreed": agreed,
        "halted_on": halted,
        "idle_day": idle_day,
        "recovery_day": recovery_day,
        "halt_day": halt_day,
        "area_short": area_short,
        "money_short": money_short,
        "unknown_start": ~(started | not_started),
        "not_started": not_started,
        "not_started_2y": recoverable,
        "not_started_1y": not_started & (idle_day <= day).to_numpy() & ~recoverable,
        "start_overdue": not_started & (agreed < day).to_numpy() & (idle_day > day).to_numpy(),
        "start_due": not_started & (agreed >= day).to_numpy() & (agreed - day <= warn).to_numpy(),
        "no_agreed_date": not_started & agreed.isna().to_numpy(),
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
    early_warning = facts["start_overdue"] | facts["start_due"] | facts["halted"]
    undecided = facts["unknown_start"] | facts["no_agreed_date"] | facts["halted_unknown"]
    status = np.select(
        [
            causes.notna().to_numpy() & idle_or_worse,
            facts["not_started_2y"],
            facts["not_started_1y"],
            facts["halted_1y"],
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


def _findings(frame, start, causes, rules, day) -> pd.DataFrame:
    """The result columns of :func:`detect_idle`."""
    facts = _rule_facts(frame, start, rules, day)
    status, rule = _status_and_rule(facts, causes)
    index = frame.index
    finding = np.isin(status, FLAGGED[:4])
    idle_or_worse = facts["not_started_1y"] | facts["not_started_2y"]
    since = _dates(
        [
            (finding & idle_or_worse, facts["idle_day"]),
            (finding & facts["halted_1y"], facts["halt_day"]),
        ],
        index,
    )
    next_deadline = _dates(
        [
            (facts["not_started"] & ~idle_or_worse, facts["idle_day"]),
            (facts["not_started_1y"], facts["recovery_day"]),
            (facts["halted_running"], facts["halt_day"]),
        ],
        index,
    )
    fee = _number(frame, "land_price_wan_yuan") * rules["fee_share"]
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
    actions = standards.load_table(_ACTIONS).set_index("key")
    table["recommended_action"] = [actions.at[s, "value"] or None for s in status]
    table["legal_basis"] = [
        _legal_basis(actions, s, c) for s, c in zip(status, causes, strict=True)
    ]
    table["missing_fields"], table["missing_fields_zh"] = _missing(facts)
    rows = pd.concat(
        [table, facts["agreed"].rename("agreed"), facts["halted_on"].rename("halted")], axis=1
    )
    table["idle_reason"] = [
        _reason(row, cause, area, money)
        for row, cause, area, money in zip(
            rows.itertuples(), causes, facts["area_short"], facts["money_short"], strict=True
        )
    ]
    return table


def _missing(facts) -> tuple[list[str | None], list[str | None]]:
    """The fields whose absence left a row undecided, named in English and in Chinese."""
    texts = {
        "unknown_start": "start_status; actual_start_date; builtup raster",
        "no_agreed_date": "agreed_start_date",
        "halted_unknown": (
            "developed_area_m2 or footprint_area_m2 (with planned_footprint_area_m2 or a "
            "geometry); invested_wan_yuan with planned_investment_wan_yuan"
        ),
    }
    english = np.select([facts[key] for key in texts], list(texts.values()), None).tolist()
    chinese = [value_label("missing_fields", text) if text else None for text in english]
    return english, chinese


def _legal_basis(actions: pd.DataFrame, status: str, cause: str | None) -> str | None:
    """Document and article of a finding, e.g. ``闲置土地处置办法（国土资源部令第53号）第二条``."""

    def cite(document: str, clause: str) -> list[str]:
        pairs = zip(document.split(";"), clause.split(";"), strict=False)
        return [f"{d.strip()}{c.strip()}" for d, c in pairs if d.strip()]

    parts = cite(actions.at[status, "document"], actions.at[status, "clause"])
    if status == "government_delay" and cause:
        row = standards.load_table(_CAUSES).set_index("code").loc[cause]
        parts += cite(row["document"], row["clause"])
    return "；".join(dict.fromkeys(parts)) or None


def _day(value) -> str:
    return "" if pd.isna(value) else f"{value:%Y-%m-%d}"


def _reason(row, cause, area_short, money_short) -> str | None:
    """Why a row has its status, in Chinese."""
    status = row.idle_status
    if status == "insufficient_data":
        return f"资料不足，缺少：{row.missing_fields_zh}"
    texts = {
        "not_started_1y": f"自约定动工日期{_day(row.agreed)}起满一年未动工开发",
        "not_started_2y": f"自约定动工日期{_day(row.agreed)}起满两年未动工开发",
        "start_overdue": (
            f"已过约定动工日期{_day(row.agreed)}未动工，{_day(row.next_deadline)}起构成闲置"
        ),
        "start_due": f"约定动工日期{_day(row.agreed)}临近，尚未动工",
        "halted": f"自{_day(row.halted)}中止开发建设，{_day(row.next_deadline)}起满一年",
    }
    if row.idle_rule == "halted_1y":
        short = [
            text
            for text, flag in (
                ("已开发面积不足应开发面积的三分之一", area_short),
                ("已投资额不足总投资额的25%", money_short),
            )
            if flag is not pd.NA and bool(flag)
        ]
        return f"自{_day(row.halted)}中止开发建设满一年，且{'、'.join(short)}"
    text = texts.get(row.idle_rule)
    if status == "government_delay" and cause:
        label = standards.load_table(_CAUSES).set_index("code").at[cause, "label_zh"]
        return f"{text}；延迟原因：{label}"
    return text
