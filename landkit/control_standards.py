"""The control indicators' thresholds for each parcel: edition, tables, local and contract.

Thresholds come from, in order: the parcel's contract columns (``contract_<indicator>_min``
/ ``_max``), a local standard (by industry and region class), the national edition. Tables
by industry are coded in GB/T 4754-2002 or 2017 and looked up through the crosswalk.

* Edition by date: ``standard="auto"`` takes, for each parcel, the national edition in
  force on its ``grant_date`` (the editions' dates are ``effective_date.<edition>`` rules
  of ``standards/control_indicators.csv``). A parcel without a grant date, or granted
  before the first edition, gets no edition and its national indicators are not
  evaluated (with the reason); landkit never falls back to another edition.
* Investment intensity (投资强度): the national tables give minimums in 万元/公顷 by region
  class (地区分类 一类…七类) and industry (``standards/investment_intensity_min.csv``,
  one column per class). A parcel's class comes from its ``region_class`` column, else
  from ``region_classes=`` (county → class, or county → 土地等别, grouped by
  ``standards/region_class_by_land_grade.csv``) on its ``county``.

Examples
--------
>>> import pandas as pd
>>> grant = pd.Series(pd.to_datetime(["2010-05-01", "2024-03-01", None]))
>>> editions_in_force(grant)[0].tolist()
['national-2008', 'national-2023', None]
>>> parse_region_class("第三类"), parse_region_class(5), parse_region_class("八类")
(3, 5, None)
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from . import standards
from .crs import SQM_PER_HA, m2_to_mu
from .errors import InputError, SchemaError, describe_ids
from .industry_codes import industry_codes, normalise_industry_code

__all__ = [
    "CONTROL_INDICATORS",
    "STANDARDS",
    "Rows",
    "control_thresholds",
    "editions_in_force",
    "industry_divisions",
    "investment_code_edition",
    "investment_minimum",
    "judge",
    "national_rules",
    "numeric_column",
    "parse_region_class",
    "prepare_local",
    "region_classes_of",
]

STANDARDS = ("national-2004", "national-2008", "national-2023")
INVESTMENT_TABLE = "investment_intensity_min"
_RULES = "control_indicators"
#: control indicator → the metric column it judges
CONTROL_INDICATORS = {
    "plot_ratio": "plot_ratio",
    "building_coefficient": "building_coefficient",
    "admin_share": "admin_share",
    "green_ratio": "green_ratio",
    "investment_intensity": "investment_intensity_wan_yuan_per_mu",
    "output_per_mu": "output_per_mu_wan_yuan",
    "tax_per_mu": "tax_per_mu_wan_yuan",
}
_TABLE_EDITION = {"plot_ratio_min_gbt4754_2002": 2002, "plot_ratio_min_2023": 2017}
_EDITIONS = (2002, 2011, 2017)
_STATUS_ORDER = ("verified", "user", "unconfirmed", "example")
_TOLERANCE = 1e-9  # relative: a plot ratio of 0.8 computed as 0.79999999999 meets a 0.8 minimum


_ZH_DIGITS = "一二三四五六七八九十"
_CLASS = re.compile(r"^第?\s*([0-9]+|[一二三四五六七八九十]+)\s*(类|类地区)?$")
_GRADE = re.compile(r"^第?\s*([0-9]+|[一二三四五六七八九十]+)\s*等?(别)?$")
_COUNTY_COLUMNS = ("county", "所在县区", "县区", "区县", "county_name", "name", "名称")
_CLASS_COLUMNS = ("region_class", "地区分类", "地区类别", "类别")
_GRADE_COLUMNS = ("land_grade", "土地等别", "等别")


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _ZH_DIGITS.index(text[1]) + 1
    return _ZH_DIGITS.index(text[0]) + 1


def _parse(value: object, pattern: re.Pattern, top: int) -> int | None:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    match = pattern.match(str(value).strip())
    if not match:
        return None
    number = _number(match.group(1))
    return number if 1 <= number <= top else None


def parse_region_class(value: object) -> int | None:
    """The region class 1–7 of ``3``, ``"三类"``, ``"第三类"``; None when not one."""
    return _parse(value, _CLASS, 7)


def _land_grade_classes() -> dict[int, tuple[int, str]]:
    table = standards.table("region_class_by_land_grade")
    return {
        int(row.land_grade): (int(row.region_class), row.status) for row in table.itertuples()
    }


def _edition_dates(rules) -> list[tuple[str, pd.Timestamp]]:
    out = []
    for name in STANDARDS:
        date = standards.get(_RULES, f"effective_date.{name}", rules=rules).value
        if date is not None:
            out.append((name, pd.Timestamp(date)))
    return sorted(out, key=lambda item: item[1])


def editions_in_force(
    grant_date: pd.Series, rules: Mapping[str, object] | None = None
) -> tuple[pd.Series, list[list[tuple[str, dict]]]]:
    """The national edition in force on each grant date, and why none where there is none.

    The reasons are lists of notes, ``(code, parameters)`` of
    :data:`landkit.metrics.REASON_TEXTS`, empty where an edition is in force.
    """
    dates = pd.to_datetime(grant_date, errors="coerce")
    editions = _edition_dates(rules)
    names = np.full(len(dates), None, dtype=object)
    for name, since in editions:
        names[(dates >= since).to_numpy()] = name
    first_name, first = editions[0]
    before = ("before_first_edition", {"standard": first_name, "date": str(first.date())})
    why = [
        [("no_grant_date", {})] if pd.isna(date) else [before] if date < first else []
        for date in dates
    ]
    return pd.Series(names, index=grant_date.index, dtype=object), why


def _read_region_classes(region_classes) -> pd.DataFrame:
    """``region_classes=`` as a frame of county, region_class, status."""
    if isinstance(region_classes, str | os.PathLike):
        region_classes = pd.read_csv(region_classes, dtype=str, keep_default_na=False)
    if isinstance(region_classes, Mapping):
        region_classes = pd.DataFrame(
            {"county": list(region_classes), "region_class": list(region_classes.values())}
        )
    if not isinstance(region_classes, pd.DataFrame):
        msg = (
            "region_classes: expected a DataFrame, a mapping county → class or a CSV path, "
            f"got {type(region_classes).__name__}"
        )
        raise InputError(msg)

    def find(names):
        lower = {str(c).strip().lower(): c for c in region_classes.columns}
        return next((lower[n] for n in names if n in lower), None)

    county, klass, grade = find(_COUNTY_COLUMNS), find(_CLASS_COLUMNS), find(_GRADE_COLUMNS)
    if county is None or (klass is None and grade is None):
        msg = (
            "region_classes: needs a county column (county / 所在县区) and region_class "
            "(地区分类, 1–7) or land_grade (土地等别, 1–15). Fix: add them."
        )
        raise SchemaError(msg)
    out = pd.DataFrame({"county": region_classes[county].astype(str).str.strip()})
    out["status"] = "user"
    if klass is not None:
        out["region_class"] = [parse_region_class(v) for v in region_classes[klass]]
    else:
        out["region_class"] = None
    if grade is not None:
        grades = _land_grade_classes()
        by_grade = [grades.get(_parse(v, _GRADE, 15)) for v in region_classes[grade]]
        fill = out["region_class"].isna().to_numpy() & np.array([g is not None for g in by_grade])
        chosen = [g for g, f in zip(by_grade, fill, strict=True) if f]
        out.loc[fill, "region_class"] = [g[0] for g in chosen]
        out.loc[fill, "status"] = [g[1] for g in chosen]
    bad = out["region_class"].isna()
    if bad.any():
        msg = (
            f"region_classes: no class 1–7 (or land grade 1–15) for {describe_ids(out.loc[bad, 'county'])}. "
            "Fix: write 一类…七类 or 1–7 (land grades 一等…十五等 or 1–15)."
        )
        raise SchemaError(msg)
    return out.drop_duplicates("county", keep="last").set_index("county")


def _with_park_columns(parcels: pd.DataFrame, parks: pd.DataFrame | None) -> pd.DataFrame:
    """``region_class`` and ``county`` of each parcel, filled from its park where empty."""
    frame = pd.DataFrame(index=parcels.index)
    for column in ("region_class", "county"):
        frame[column] = parcels[column] if column in parcels.columns else None
    if parks is None or "park_id" not in parcels.columns:
        return frame
    park = parks.drop_duplicates("park_id").set_index("park_id")
    for column in ("region_class", "county"):
        if column in park.columns:
            frame[column] = frame[column].where(
                frame[column].notna(), parcels["park_id"].map(park[column])
            )
    return frame


def region_classes_of(
    parcels: pd.DataFrame, region_classes=None, parks: pd.DataFrame | None = None
) -> tuple[np.ndarray, list[list[tuple[str, dict]]]]:
    """Each parcel's region class (0 where unknown), and why unknown (notes, as
    :func:`editions_in_force` gives them).

    The class is the parcel's ``region_class``, else its park's, else ``region_classes``
    looked up on the parcel's ``county`` (else its park's).
    """
    frame = _with_park_columns(parcels, parks)
    parsed = [parse_region_class(v) for v in frame["region_class"]]
    bad = [p is None and pd.notna(v) for v, p in zip(frame["region_class"], parsed, strict=True)]
    if any(bad):
        ids = parcels["parcel_id"][bad] if "parcel_id" in parcels.columns else parcels.index[bad]
        msg = (
            f"parcels: 'region_class' (of the parcel or its park) is not a class 1–7 on "
            f"{describe_ids(ids)}. Fix: write 一类…七类 or 1–7."
        )
        raise SchemaError(msg)
    classes = np.array([p or 0 for p in parsed], dtype=int)
    county = frame["county"].astype(object).where(frame["county"].notna(), None)
    if region_classes is not None:
        table = _read_region_classes(region_classes)
        for i, name in enumerate(county):
            key = None if name is None else str(name).strip()
            if classes[i] == 0 and key in table.index:
                classes[i] = int(table.at[key, "region_class"])
    why = [
        []
        if klass
        else [("county_not_classed", {"county": str(name)})]
        if region_classes is not None and name is not None
        else [("no_region_class", {})]
        for klass, name in zip(classes, county, strict=True)
    ]
    return classes, why


@cache
def _investment_rows() -> dict[tuple[str, str], tuple[str, str, tuple[float, ...], str]]:
    """(standard, industry code) → (code edition, name, minimums by class, status)."""
    table = standards.table(INVESTMENT_TABLE)
    out = {}
    for row in table.to_dict("records"):
        values = tuple(float(row[f"class_{k}"]) for k in range(1, 8))
        out[(row["standard"], row["industry_code"])] = (
            row["industry_code_edition"],
            row["industry_name"],
            values,
            row["status"],
        )
    return out


def investment_minimum(
    standard: str, region_class: int, codes: tuple[str, ...]
) -> tuple[float, str, str]:
    """(minimum in 万元/公顷, status, basis) for a class and the table's industry codes.

    ``codes`` are already in the table's code edition; where several apply the lower
    minimum is used. NaN where the table's slot is empty (the basis says so).
    """
    rows = [(c, _investment_rows()[(standard, c)]) for c in codes if (standard, c) in _investment_rows()]
    if not rows:
        return np.nan, "", f"{standard} 投资强度表 has no row for industry {'|'.join(codes) or '?'}"
    klass = f"第{_ZH_DIGITS[region_class - 1]}类"
    found = [(row[2][region_class - 1], row[3]) for _, row in rows]
    known = [f for f in found if not np.isnan(f[0])]
    where = f"{standard} 投资强度表 {klass} × {'|'.join(c for c, _ in rows)}"
    if not known:
        return np.nan, found[0][1], f"{where}: empty slot"
    value, status = min(known, key=lambda f: f[0])
    return value, status, f"{where}: {value:g} 万元/公顷"


def _investment_note(indicator: str, standard: str, region_class: int, codes) -> tuple[str, dict]:
    """The note for a parcel without an investment minimum: no row, or an empty slot."""
    rows = [c for c in codes if (standard, c) in _investment_rows()]
    if not rows:
        return "investment_no_row", {
            "indicator": indicator, "standard": standard, "codes": "|".join(codes) or "?"
        }
    klass = f"第{_ZH_DIGITS[region_class - 1]}类"
    return "investment_empty_slot", {
        "indicator": indicator, "standard": standard, "region_class": klass,
        "codes": "|".join(rows),
    }  # fmt: skip


def _join(codes) -> str:
    return codes if isinstance(codes, str) else "|".join(codes)


def investment_code_edition(standard: str) -> int:
    """The GB/T 4754 edition the investment table of ``standard`` is coded in."""
    editions = [row[0] for key, row in _investment_rows().items() if key[0] == standard]
    return int(editions[0]) if editions else 2017


def numeric_column(frame: pd.DataFrame, column: str) -> pd.Series:
    """A numeric column, or all-NaN when the frame lacks it."""
    if column not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype=float, name=column)
    return pd.to_numeric(frame[column], errors="coerce").astype(float)


# ---------------------------------------------------------------- thresholds


def _industry_division(value: object) -> str | None:
    """The two-digit division of an industry code in any form: ``"C2611"`` → ``"26"``."""
    code = normalise_industry_code(value)
    return None if code is None else code[:2]


def industry_divisions(frame: pd.DataFrame) -> list[str | None]:
    """The two-digit industry division of every row (None where unknown)."""
    if "industry_code" not in frame.columns:
        return [None] * len(frame)
    codes = industry_codes(frame["industry_code"], layer="parcels", ids=frame.get("parcel_id"))
    return codes["industry_division"].tolist()


@cache
def _crosswalk() -> dict[tuple[int, str], tuple[str, ...]]:
    """(edition, division) → GB/T 4754-2002 divisions; 2002 codes map to themselves."""
    table = standards.table("industry_code_crosswalk")
    out: dict[tuple[int, str], tuple[str, ...]] = {}
    for row in table.itertuples():
        key = (int(row.edition), row.industry_code)
        codes = out.get(key, ())
        if row.industry_code_2002:
            codes = (*codes, row.industry_code_2002)
        out[key] = codes
    return out


def _to_edition(division: str, edition: int, target: int) -> tuple[str, ...]:
    """Divisions in edition ``target`` that correspond to ``division`` in ``edition``."""
    if edition == target or {edition, target} == {2011, 2017}:
        return (division,)
    walk = _crosswalk()
    if target == 2002:
        return walk.get((edition, division), ())
    return tuple(code for (ed, code), olds in walk.items() if ed == target and division in olds)


@cache
def _lookup_table(name: str) -> dict[str, tuple[float, str]]:
    table = standards.table(name)
    return {row.industry_code: (row.value, row.status) for row in table.itertuples()}


@cache
def _table_minimum(name: str, division: str | None, edition: int) -> tuple[float, str, bool, str]:
    """(minimum, codes used, ambiguous, status) of a by-industry table for one parcel."""
    if division is None:
        return np.nan, "", False, ""
    table = _lookup_table(name)
    codes = [c for c in _to_edition(division, edition, _TABLE_EDITION[name]) if c in table]
    if not codes:
        return np.nan, "", False, ""
    values = [table[c] for c in codes]
    known = [v for v in values if not np.isnan(v[0])]
    if not known:
        return np.nan, "|".join(codes), len(codes) > 1, values[0][1]
    value, status = min(known, key=lambda v: v[0])
    return value, "|".join(codes), len(codes) > 1, status


def national_rules(standard: str, rules) -> dict[tuple[str, str], tuple[object, str]]:
    """(indicator, bound) → (value, "table:NAME" or None for an empty slot; status)."""
    if standard not in STANDARDS:
        msg = f"standard must be one of auto, {', '.join(STANDARDS)}, got {standard!r}"
        raise InputError(msg)
    keys = standards.table(_RULES)["key"]
    out = {}
    for key in keys[keys.str.startswith(f"{standard}.")]:
        rule = standards.get(_RULES, key, rules=rules)
        indicator, bound = key.split(".", 1)[1].rsplit("_", 1)
        out[(indicator, bound)] = (rule.value, rule.status)
    return out


def prepare_local(local_standard: pd.DataFrame | None) -> pd.DataFrame | None:
    if local_standard is None:
        return None
    missing = [c for c in ("indicator",) if c not in local_standard.columns]
    if missing or not ({"min", "max"} & set(local_standard.columns)):
        msg = (
            "local_standard: needs the columns 'indicator' and 'min' and/or 'max' "
            "(optionally 'industry_code', 'region_class', 'document', 'status'). Fix: add them."
        )
        raise SchemaError(msg)
    table = local_standard.copy()
    unknown = sorted(set(table["indicator"]) - set(CONTROL_INDICATORS))
    if unknown:
        msg = (
            f"local_standard: unknown indicator(s) {', '.join(map(str, unknown))}. Fix: use "
            f"{', '.join(CONTROL_INDICATORS)}."
        )
        raise SchemaError(msg)
    for bound in ("min", "max"):
        table[bound] = pd.to_numeric(table.get(bound), errors="coerce")
    table["division"] = [
        _industry_division(v) for v in table.get("industry_code", [None] * len(table))
    ]
    table["class"] = [
        parse_region_class(v) or 0 for v in table.get("region_class", [None] * len(table))
    ]
    return table


@dataclass
class Rows:
    """What the thresholds of each parcel depend on (arrays in the parcels' order)."""

    standard: np.ndarray  # edition name per row, None where none applies
    in_scope: np.ndarray
    divisions: list[str | None]
    editions: np.ndarray  # GB/T 4754 edition of each row's industry code
    classes: np.ndarray  # region class 1–7, 0 where unknown


def _table_values(name, indicator, rows: Rows, mask, std, extra, notes):
    """Minimums of a by-industry table for the rows in ``mask``: values and statuses."""
    n = len(mask)
    values, row_status = np.full(n, np.nan), np.full(n, "", dtype=object)
    for i in np.flatnonzero(mask):
        division = rows.divisions[i]
        if division is None:
            continue
        if name == INVESTMENT_TABLE:
            klass = int(rows.classes[i])
            if klass == 0:
                continue
            codes = _to_edition(division, int(rows.editions[i]), investment_code_edition(std))
            value, status, basis = investment_minimum(std, klass, codes)
            extra.at[extra.index[i], "investment_intensity_basis"] = basis
            if np.isnan(value):
                notes[i].append(_investment_note(indicator, std, klass, codes))
            values[i], row_status[i] = value / m2_to_mu(SQM_PER_HA), status
            continue
        value, codes, ambiguous, status = _table_minimum(name, division, int(rows.editions[i]))
        if _TABLE_EDITION[name] == 2002:
            extra.at[extra.index[i], "industry_code_2002"] = codes or None
            extra.at[extra.index[i], "crosswalk_ambiguous"] = ambiguous if codes else pd.NA
        if codes and np.isnan(value):
            notes[i].append(
                (
                    "empty_table_slot",
                    {"indicator": indicator, "standard": std, "table": name, "codes": _join(codes)},
                )
            )
        values[i], row_status[i] = value, status if not np.isnan(value) else ""
    return values, row_status


def control_thresholds(
    parcels: pd.DataFrame,
    *,
    rows: Rows,
    local: pd.DataFrame | None,
    rules: Mapping[str, object],
) -> tuple[dict[str, pd.Series], pd.DataFrame, list[str], list[list[tuple[str, dict]]]]:
    """Threshold series per indicator and bound, the lookup columns, tables used, and notes
    per row (as :func:`editions_in_force` gives them)."""
    n = len(parcels)
    index = parcels.index
    national = {s: national_rules(s, rules) for s in _codes(rows.standard) if s is not None}
    status = np.zeros(n, dtype=int)  # position in _STATUS_ORDER + 1; 0 = no threshold
    thresholds: dict[str, pd.Series] = {}
    extra = pd.DataFrame(index=index)
    extra["industry_code_2002"] = pd.Series(None, index=index, dtype=object)
    extra["crosswalk_ambiguous"] = pd.array([pd.NA] * n, dtype="boolean")
    extra["investment_intensity_basis"] = pd.Series(None, index=index, dtype=object)
    notes: list[list[tuple[str, dict]]] = [[] for _ in range(n)]
    tables_used = []
    for indicator in CONTROL_INDICATORS:
        for bound in ("min", "max"):
            values = np.full(n, np.nan)
            row_status = np.full(n, "", dtype=object)
            for std, table in national.items():
                mask = rows.in_scope & (rows.standard == std)
                if (indicator, bound) not in table or not mask.any():
                    continue
                value, rule_status = table[(indicator, bound)]
                if isinstance(value, str):
                    name = value.removeprefix("table:")
                    tables_used.append(name)
                    got, got_status = _table_values(name, indicator, rows, mask, std, extra, notes)
                    values = np.where(mask, got, values)
                    row_status = np.where(mask, got_status, row_status)
                elif value is None:
                    for i in np.flatnonzero(mask):
                        notes[i].append(
                            ("empty_slot", {"indicator": indicator, "standard": std})
                        )
                else:
                    values = np.where(mask, float(value), values)
                    row_status = np.where(mask, rule_status, row_status)
            if local is not None:
                values, row_status = _apply_local(
                    local, indicator, bound, values, row_status, rows, extra
                )
            contract = numeric_column(parcels, f"contract_{indicator}_{bound}").to_numpy()
            has_contract = ~np.isnan(contract)
            values = np.where(has_contract, contract, values)
            row_status = np.where(has_contract, "user", row_status)
            key = f"{indicator}_{bound}"
            thresholds[key] = pd.Series(values, index=index, name=key)
            rank = np.array([_STATUS_ORDER.index(s) + 1 if s else 0 for s in _codes(row_status)], dtype=int)
            status = np.maximum(status, rank[_positions(row_status)])
    names = np.array([None, *_STATUS_ORDER], dtype=object)
    extra["threshold_status"] = names[status]
    notes = [list({(c, *p.items()): (c, p) for c, p in row}.values()) for row in notes]
    return thresholds, extra, sorted(set(tables_used)), notes


def _apply_local(local, indicator, bound, values, row_status, rows: Rows, extra):
    """A local standard's rows: general, by industry, by region class, or both."""
    if bound not in local.columns:
        return values, row_status
    table = local[(local["indicator"] == indicator) & local[bound].notna()]
    if table.empty:
        return values, row_status
    values, row_status = values.copy(), row_status.copy()
    specific = {
        (d if isinstance(d, str) else None, int(k)): float(v)
        for d, k, v in zip(table["division"], table["class"], table[bound], strict=True)
    }
    for i in np.flatnonzero(rows.in_scope):
        d, k = rows.divisions[i], int(rows.classes[i])
        keys = [(d, k), (d, 0), (None, k), (None, 0)] if k else [(d, 0), (None, 0)]
        key = next((key for key in keys if key in specific), None)
        if key is None:
            continue
        values[i], row_status[i] = specific[key], "user"
        if indicator == "investment_intensity":
            extra.at[extra.index[i], "investment_intensity_basis"] = (
                f"local_standard {_class_label(key[1])} × {key[0] or 'all industries'}"
            )
    return values, row_status


def _class_label(klass: int) -> str:
    return f"第{'一二三四五六七'[klass - 1]}类" if klass else "all classes"


def _codes(values: np.ndarray) -> np.ndarray:
    """The distinct values of an array, in the order :func:`_positions` indexes them."""
    return pd.unique(pd.Series(values, dtype=object))


def _positions(values: np.ndarray) -> np.ndarray:
    return pd.factorize(pd.Series(values, dtype=object))[0]


def judge(
    value: pd.Series, low: pd.Series, high: pd.Series, upper: pd.Series | None = None
) -> pd.Series:
    """Whether ``value`` lies within [low, high]; NA where undecided.

    ``upper``: the value may be anywhere in [value, upper] (storeys of unknown height);
    the answer is NA where it differs across that range.
    """
    upper = value if upper is None else upper.fillna(value)
    tol_low = _TOLERANCE * np.maximum(1.0, low.abs())
    tol_high = _TOLERANCE * np.maximum(1.0, high.abs())
    surely = (low.isna() | (value >= low - tol_low)) & (high.isna() | (upper <= high + tol_high))
    surely_not = (low.notna() & (upper < low - tol_low)) | (high.notna() & (value > high + tol_high))
    decided = value.notna() & (low.notna() | high.notna()) & (surely | surely_not)
    out = pd.Series(pd.array(surely.to_numpy(), dtype="boolean"), index=value.index)
    out[~decided.to_numpy()] = pd.NA
    return out
