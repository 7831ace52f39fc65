"""Which control-indicator edition applies, and the investment-intensity table.

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
from functools import cache

import numpy as np
import pandas as pd

from . import standards
from .errors import InputError, SchemaError, describe_ids

__all__ = [
    "STANDARDS",
    "editions_in_force",
    "investment_code_edition",
    "investment_minimum",
    "parse_region_class",
    "region_classes_of",
]

STANDARDS = ("national-2004", "national-2008", "national-2023")
INVESTMENT_TABLE = "investment_intensity_min"
_RULES = "control_indicators"
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
) -> tuple[pd.Series, pd.Series]:
    """The national edition in force on each grant date, and why none where there is none."""
    dates = pd.to_datetime(grant_date, errors="coerce")
    editions = _edition_dates(rules)
    names = np.full(len(dates), None, dtype=object)
    for name, since in editions:
        names[(dates >= since).to_numpy()] = name
    why = np.full(len(dates), "", dtype=object)
    why[dates.isna().to_numpy()] = (
        "no grant_date: the edition in force is unknown (give grant_date or standard=)"
    )
    first_name, first = editions[0]
    early = (dates < first).to_numpy()
    why[early] = f"granted before the first national edition ({first_name}, {first.date()})"
    return pd.Series(names, index=grant_date.index, dtype=object), pd.Series(
        why, index=grant_date.index, dtype=object
    )


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


def region_classes_of(
    parcels: pd.DataFrame, region_classes=None
) -> tuple[np.ndarray, pd.Series]:
    """Each parcel's region class (0 where unknown), and why unknown."""
    classes = np.zeros(len(parcels), dtype=int)
    why = pd.Series("", index=parcels.index, dtype=object)
    if "region_class" in parcels.columns:
        values = parcels["region_class"]
        parsed = [parse_region_class(v) for v in values]
        bad = [
            i
            for i, v, p in zip(parcels.index, values, parsed, strict=True)
            if pd.notna(v) and p is None
        ]
        if bad:
            ids = parcels.loc[bad, "parcel_id"] if "parcel_id" in parcels.columns else bad
            msg = (
                f"parcels: column 'region_class' is not a class 1–7 on {describe_ids(ids)}. "
                "Fix: write 一类…七类 or 1–7."
            )
            raise SchemaError(msg)
        for i, p in enumerate(parsed):
            if p is not None:
                classes[i] = p
    if region_classes is not None:
        table = _read_region_classes(region_classes)
        if "county" in parcels.columns:
            county = parcels["county"].astype(object).where(parcels["county"].notna(), None)
            for i, name in enumerate(county):
                key = None if name is None else str(name).strip()
                if classes[i] == 0 and key in table.index:
                    classes[i] = int(table.at[key, "region_class"])
            unknown = county.notna().to_numpy() & (classes == 0)
            why[unknown] = "county " + county[unknown].astype(str) + " not in region_classes"
    missing = (classes == 0) & (why == "").to_numpy()
    why[missing] = "no region_class (give a region_class column, or region_classes= and county)"
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


def investment_code_edition(standard: str) -> int:
    """The GB/T 4754 edition the investment table of ``standard`` is coded in."""
    editions = [row[0] for key, row in _investment_rows().items() if key[0] == standard]
    return int(editions[0]) if editions else 2017
