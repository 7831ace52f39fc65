"""Parcel metrics and the industrial-land control indicators (工业项目建设用地控制指标).

Every metric is one sum per parcel divided by the parcel's area (m² in the right
Gauss-Krüger zone, :func:`landkit.crs.measure_area`). A zero or missing denominator
gives NaN and a line in ``reason``, never inf.

* ``plot_ratio`` 容积率 = counted floor area ÷ parcel area. With a buildings layer the floor
  area is footprint × floors, a building across a parcel line split by the area of each
  piece, and a storey higher than 8 m counted twice (the height and factor come from
  ``standards/control_indicators.csv``; the storey height is ``storey_height_m`` when the
  buildings carry it, else ``height_m ÷ floors``). Without buildings the parcel's
  ``floor_area_m2`` is used as given.
* ``building_coefficient`` 建筑系数 = (building footprint + ``yard_area_m2`` when given) ÷ area.
* ``green_ratio`` 绿地率 = ``green_area_m2`` ÷ area.
* ``admin_share`` 行政办公及生活服务设施用地所占比重 = ``admin_land_area_m2`` ÷ area, or, when
  that land cannot be separated, ``admin_floor_area_m2`` ÷ total floor area.
* ``investment_intensity_wan_yuan_per_mu`` 投资强度 = (``invested_wan_yuan`` +
  ``land_price_wan_yuan``) ÷ area in 亩 (the 2008 definition); ``_per_ha`` the same per
  公顷; ``planned_investment_intensity_wan_yuan_per_mu`` uses ``planned_investment_wan_yuan``.
* ``output_per_mu_wan_yuan`` 亩均产值 and ``tax_per_mu_wan_yuan`` 亩均税收.

For each control indicator the result holds ``<indicator>_min``, ``<indicator>_max`` (the
thresholds used) and ``meets_<indicator>`` (pandas ``boolean``: NA where no threshold
applies or the value is missing, listed in ``not_evaluated``). Thresholds come from, in
order: the parcel's contract columns (``contract_plot_ratio_min``,
``contract_plot_ratio_max``, and likewise ``contract_<indicator>_min/_max`` for the other
indicators), a local standard table, the national standard named by ``standard``. The
national thresholds apply to industrial land only (land use 1001 工业用地, or an industry
code where the land use is unknown); contract bounds apply to any parcel that has them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import standards
from .crs import align_crs, area_zones, m2_to_ha, m2_to_mu, measure_area, require_crs
from .errors import InputError, SchemaError, describe_ids
from .geometry import is_absent, repair, require_polygonal
from .labels import value_label
from .landuse import map_land_use
from .provenance import provenance
from .schema import prepare_layer

__all__ = ["CONTROL_INDICATORS", "INDICATOR_INPUTS", "STANDARDS", "parcel_metrics"]

STANDARDS = ("national-2004", "national-2008", "national-2023")
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
_RULES = "control_indicators"
_TABLE_EDITION = {"plot_ratio_min_gbt4754_2002": 2002, "plot_ratio_min_2023": 2017}
_EDITIONS = (2002, 2011, 2017)
_STATUS_ORDER = ("verified", "user", "unconfirmed", "example")
_TOLERANCE = 1e-9  # relative: a plot ratio of 0.8 computed as 0.79999999999 meets a 0.8 minimum


# ------------------------------------------------------------------ quantities


@dataclass
class Quantities:
    """Per-parcel sums on the parcels' index (m²), and the notes explaining gaps."""

    area_m2: pd.Series
    floor_area_m2: pd.Series
    counted_floor_area_m2: pd.Series
    footprint_area_m2: pd.Series
    floor_area_source: pd.Series
    repaired: np.ndarray
    notes: pd.Series


def _buildings_floor_factors(buildings: pd.DataFrame, rules) -> tuple[np.ndarray, np.ndarray]:
    """Floors and counted floors of each building (NaN where floors are unknown)."""
    floors = pd.to_numeric(buildings.get("floors"), errors="coerce")
    if floors is None:
        floors = pd.Series(np.nan, index=buildings.index)
    floors = floors.to_numpy(dtype=float)
    if "storey_height_m" in buildings.columns:
        storey = pd.to_numeric(buildings["storey_height_m"], errors="coerce").to_numpy(float)
    else:
        storey = np.full(len(buildings), np.nan)
    if "height_m" in buildings.columns:
        height = pd.to_numeric(buildings["height_m"], errors="coerce").to_numpy(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            from_height = np.where(floors > 0, height / floors, np.nan)
        storey = np.where(np.isnan(storey), from_height, storey)
    limit = standards.get(_RULES, "tall_storey_height_m", rules=rules).value
    factor = standards.get(_RULES, "tall_storey_factor", rules=rules).value
    counted = np.where(storey > limit, floors * factor, floors)
    return floors, counted


def _pieces(
    parcel_geoms: np.ndarray, building_geoms: np.ndarray, crs, *, planar: bool, area_method: str
) -> tuple:
    """(parcel position, building position, piece area m²) of every overlapping pair.

    ``planar``: the layer's own CRS is the one its areas are measured in, so the pieces'
    areas are taken as they are; otherwise each piece is measured by ``measure_area``.
    """
    tree = shapely.STRtree(building_geoms)
    p_pos, b_pos = tree.query(parcel_geoms, predicate="intersects")
    if len(p_pos) == 0:
        return p_pos, b_pos, np.zeros(0)
    p_geoms, b_geoms = parcel_geoms[p_pos], building_geoms[b_pos]
    inside = shapely.contains_properly(p_geoms, b_geoms)
    pieces = b_geoms.copy()
    cut = ~inside
    pieces[cut] = shapely.intersection(p_geoms[cut], b_geoms[cut])
    if planar:
        area = shapely.area(pieces)
    else:
        area = measure_area(gpd.GeoSeries(pieces, crs=crs), area_method=area_method).to_numpy()
    keep = area > 0
    return p_pos[keep], b_pos[keep], area[keep]


def parcel_quantities(
    parcels: gpd.GeoDataFrame,
    buildings: gpd.GeoDataFrame | None = None,
    *,
    area_method: str = "planar",
    rules: Mapping[str, object] | None = None,
) -> Quantities:
    """Area, floor area and footprint of each parcel (shared by the park indicators).

    ``parcels`` and ``buildings`` must already be prepared (canonical columns). Buildings
    are brought to the parcels' CRS; invalid geometries are repaired (with a warning).
    ``rules`` overrides the ``control_indicators`` table's tall-storey rule.
    """
    geoms, repaired = repair(parcels, layer="parcels")
    require_polygonal(geoms[~repaired], _ids(parcels, "parcel_id")[~repaired], layer="parcels")
    area = measure_area(geoms, area_method=area_method)
    index = parcels.index
    notes = pd.Series("", index=index, dtype=object)
    notes = add_note(notes, is_absent(geoms), "parcel has no geometry")
    if buildings is None:
        floor = _column(parcels, "floor_area_m2")
        footprint = _column(parcels, "footprint_area_m2")
        source = pd.Series(np.where(floor.notna(), "attributes", None), index=index, dtype=object)
        notes = add_note(notes, floor.isna(), "floor_area_m2 missing")
        notes = add_note(notes, footprint.isna(), "footprint_area_m2 missing")
        return Quantities(area, floor, floor.copy(), footprint, source, repaired, notes)

    b_aligned = align_crs({"parcels": parcels, "buildings": buildings})["buildings"]
    b_geoms, b_repaired = repair(b_aligned, layer="buildings")
    b_ids = _ids(buildings, "building_id")[~b_repaired]
    require_polygonal(b_geoms[~b_repaired], b_ids, layer="buildings")
    floors, counted = _buildings_floor_factors(buildings, rules)
    zones = area_zones(geoms)
    own = area_method == "planar" and len(zones) == 1 and zones[0][0].equals(parcels.crs)
    p_pos, b_pos, piece_area = _pieces(
        geoms.values, b_geoms.values, parcels.crs, planar=own, area_method=area_method
    )
    n = len(parcels)
    footprint = np.bincount(p_pos, weights=piece_area, minlength=n)
    floor = np.bincount(p_pos, weights=piece_area * floors[b_pos], minlength=n)
    counted_floor = np.bincount(p_pos, weights=piece_area * counted[b_pos], minlength=n)
    no_floors = np.isnan(floors[b_pos])
    if no_floors.any():
        ids = _ids(buildings, "building_id")
        pairs = pd.DataFrame({"parcel": p_pos[no_floors], "building": ids[b_pos[no_floors]]})
        listed = pairs.groupby("parcel")["building"].agg(lambda b: describe_ids(sorted(set(b))))
        text = np.full(n, "", dtype=object)
        text[listed.index.to_numpy()] = "buildings without floors: " + listed.to_numpy(dtype=object)
        notes = add_note(notes, text != "", pd.Series(text, index=index))
    source = pd.Series("buildings", index=index, dtype=object)
    return Quantities(
        area,
        pd.Series(floor, index=index, name="floor_area_m2"),
        pd.Series(counted_floor, index=index, name="counted_floor_area_m2"),
        pd.Series(footprint, index=index, name="footprint_area_m2"),
        source,
        repaired,
        notes,
    )


def _ids(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column in frame.columns:
        return frame[column].to_numpy(dtype=object)
    return np.array([f"row {i}" for i in frame.index], dtype=object)


def _column(frame: pd.DataFrame, column: str) -> pd.Series:
    """A numeric column, or all-NaN when the frame lacks it."""
    if column not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype=float, name=column)
    return pd.to_numeric(frame[column], errors="coerce").astype(float)


def ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """``numerator ÷ denominator`` with NaN (never inf) where the denominator is 0 or missing."""
    den = denominator.where(denominator > 0)
    return numerator / den


# ---------------------------------------------------------------- thresholds


def _industry_division(value: object) -> str | None:
    """The two-digit division of an industry code: ``"C2611"`` → ``"26"``, 26.0 → ``"26"``."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    digits = re.sub(r"^[A-Za-z]+", "", str(value).strip())
    match = re.match(r"^(\d{2})", digits)
    return match.group(1) if match else None


def _divisions(frame: pd.DataFrame) -> list[str | None]:
    """The two-digit industry division of every row (None where unknown)."""
    if "industry_code" not in frame.columns:
        return [None] * len(frame)
    codes, uniques = pd.factorize(frame["industry_code"].astype(object), use_na_sentinel=True)
    found = np.array([_industry_division(u) for u in uniques] + [None], dtype=object)
    return found[codes].tolist()


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


def _national_rules(standard: str, rules) -> dict[tuple[str, str], tuple[object, str]]:
    """(indicator, bound) → (value or "table:NAME", status) of a national standard."""
    if standard not in STANDARDS:
        msg = f"standard must be one of {', '.join(STANDARDS)}, got {standard!r}"
        raise InputError(msg)
    keys = standards.table(_RULES)["key"]
    out = {}
    for key in keys[keys.str.startswith(f"{standard}.")]:
        rule = standards.get(_RULES, key, rules=rules)
        indicator, bound = key.split(".", 1)[1].rsplit("_", 1)
        if rule.value is not None:
            out[(indicator, bound)] = (rule.value, rule.status)
    return out


def _prepare_local(local_standard: pd.DataFrame | None) -> pd.DataFrame | None:
    if local_standard is None:
        return None
    missing = [c for c in ("indicator",) if c not in local_standard.columns]
    if missing or not ({"min", "max"} & set(local_standard.columns)):
        msg = (
            "local_standard: needs the columns 'indicator' and 'min' and/or 'max' "
            "(optionally 'industry_code', 'document', 'status'). Fix: add them."
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
    return table


def _thresholds(
    parcels: pd.DataFrame,
    *,
    standard: str,
    local: pd.DataFrame | None,
    rules: Mapping[str, object],
    in_scope: np.ndarray,
    divisions: list[str | None],
    editions: np.ndarray,
) -> tuple[dict[str, pd.Series], pd.DataFrame, list[str]]:
    """Threshold series per indicator and bound, the crosswalk columns and the status per row."""
    n = len(parcels)
    index = parcels.index
    rules = _national_rules(standard, rules)
    status = np.zeros(n, dtype=int)  # position in _STATUS_ORDER + 1; 0 = no threshold
    thresholds: dict[str, pd.Series] = {}
    extra = pd.DataFrame(index=index)
    extra["industry_code_2002"] = None
    extra["crosswalk_ambiguous"] = pd.array([pd.NA] * n, dtype="boolean")
    tables_used = []
    for indicator in CONTROL_INDICATORS:
        for bound in ("min", "max"):
            values = np.full(n, np.nan)
            row_status = np.full(n, "", dtype=object)
            rule = rules.get((indicator, bound))
            if rule is not None and isinstance(rule[0], str):
                name = rule[0].removeprefix("table:")
                tables_used.append(name)
                found = [
                    _table_minimum(name, d, int(e)) if s else (np.nan, "", False, "")
                    for d, e, s in zip(divisions, editions, in_scope, strict=True)
                ]
                values = np.array([f[0] for f in found], dtype=float)
                row_status = np.array(
                    [f[3] if not np.isnan(f[0]) else "" for f in found], dtype=object
                )
                if _TABLE_EDITION[name] == 2002:
                    extra["industry_code_2002"] = [f[1] or None for f in found]
                    extra["crosswalk_ambiguous"] = pd.array(
                        [f[2] if f[1] else pd.NA for f in found], dtype="boolean"
                    )
            elif rule is not None:
                values = np.where(in_scope, float(rule[0]), np.nan)
                row_status = np.where(in_scope, rule[1], "")
            if local is not None:
                values, row_status = _apply_local(
                    local, indicator, bound, values, row_status, in_scope, divisions
                )
            contract = _column(parcels, f"contract_{indicator}_{bound}").to_numpy()
            has_contract = ~np.isnan(contract)
            values = np.where(has_contract, contract, values)
            row_status = np.where(has_contract, "user", row_status)
            key = f"{indicator}_{bound}"
            thresholds[key] = pd.Series(values, index=index, name=key)
            rank = np.array([_STATUS_ORDER.index(s) + 1 if s else 0 for s in _codes(row_status)], dtype=int)
            status = np.maximum(status, rank[_positions(row_status)])
    names = np.array([None, *_STATUS_ORDER], dtype=object)
    extra["threshold_status"] = names[status]
    return thresholds, extra, tables_used


def _apply_local(local, indicator, bound, values, row_status, in_scope, divisions):
    if bound not in local.columns:
        return values, row_status
    rows = local[(local["indicator"] == indicator) & local[bound].notna()]
    if rows.empty:
        return values, row_status
    values, row_status = values.copy(), row_status.copy()
    general = rows[rows["division"].isna()]
    if not general.empty:
        values = np.where(in_scope, float(general[bound].iloc[-1]), values)
        row_status = np.where(in_scope, "user", row_status)
    by_division = dict(
        zip(rows["division"].dropna(), rows.loc[rows["division"].notna(), bound], strict=True)
    )
    for i, division in enumerate(divisions):
        if in_scope[i] and division in by_division:
            values[i] = float(by_division[division])
            row_status[i] = "user"
    return values, row_status


def _codes(values: np.ndarray) -> np.ndarray:
    """The distinct values of an array, in the order :func:`_positions` indexes them."""
    return pd.unique(pd.Series(values, dtype=object))


def _positions(values: np.ndarray) -> np.ndarray:
    return pd.factorize(pd.Series(values, dtype=object))[0]


def _meets(value: pd.Series, low: pd.Series, high: pd.Series) -> pd.Series:
    tol_low = _TOLERANCE * np.maximum(1.0, low.abs())
    tol_high = _TOLERANCE * np.maximum(1.0, high.abs())
    ok_low = low.isna() | (value >= low - tol_low)
    ok_high = high.isna() | (value <= high + tol_high)
    decided = value.notna() & (low.notna() | high.notna())
    out = pd.Series(pd.array((ok_low & ok_high).to_numpy(), dtype="boolean"), index=value.index)
    out[~decided.to_numpy()] = pd.NA
    return out


# --------------------------------------------------------------------- public


def add_note(text: pd.Series, mask, note: str | pd.Series) -> pd.Series:
    """Append ``note`` (one text, or a text per row) to ``text`` where ``mask`` is True."""
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return text
    note = note.to_numpy(dtype=object) if isinstance(note, pd.Series) else note
    values = text.to_numpy(dtype=object)
    where = np.flatnonzero(mask)
    now = values[where]
    tail = note[where] if isinstance(note, np.ndarray) else note
    values = values.copy()
    values[where] = np.where(now == "", tail, now + "; " + tail)
    return pd.Series(values, index=text.index, dtype=object)


#: control indicator → the input columns its value is computed from
INDICATOR_INPUTS = {
    "plot_ratio": ("floor_area_m2",),
    "building_coefficient": ("footprint_area_m2",),
    "admin_share": ("admin_land_area_m2", "admin_floor_area_m2"),
    "green_ratio": ("green_area_m2",),
    "investment_intensity": ("invested_wan_yuan", "land_price_wan_yuan"),
    "output_per_mu": ("output_wan_yuan",),
    "tax_per_mu": ("tax_wan_yuan",),
}


def _missing_inputs(data: pd.DataFrame, no_value_for: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The empty or absent input columns of the indicators left without a value, per row."""
    english, chinese = [], []
    for index, items in no_value_for.items():
        indicators = [item.strip() for item in items.split(",") if item.strip()]
        columns = [
            column
            for indicator in indicators
            for column in INDICATOR_INPUTS.get(indicator, ())
            if column not in data.columns or pd.isna(data.at[index, column])
        ]
        text = "; ".join(dict.fromkeys(columns)) or None
        english.append(text)
        chinese.append(value_label("missing_fields", text) if text else None)
    return (
        pd.Series(english, index=data.index, dtype=object),
        pd.Series(chinese, index=data.index, dtype=object),
    )


def _add_item(text: pd.Series, mask: np.ndarray, item: str) -> pd.Series:
    """Append ``item`` to a comma-separated list where ``mask`` is True."""
    values = text.to_numpy(dtype=object).copy()
    where = np.flatnonzero(mask)
    now = values[where]
    values[where] = np.where(now == "", item, now + ", " + item)
    return pd.Series(values, index=text.index, dtype=object)


def _in_scope(
    parcels: pd.DataFrame, land: pd.DataFrame, rules: Mapping[str, object]
) -> tuple[np.ndarray, list[str | None]]:
    """Rows the national control indicators apply to, and why the others are out."""
    prefix = standards.get(_RULES, "industrial_land_use", rules=rules).value
    code = land["code_2023"]
    known = code.notna().to_numpy()
    industrial = code.fillna("").str.startswith(prefix).to_numpy()
    has_industry = (
        parcels["industry_code"].notna().to_numpy()
        if "industry_code" in parcels.columns
        else np.zeros(len(parcels), dtype=bool)
    )
    if "land_use" in parcels.columns:
        given = parcels["land_use"].notna().to_numpy()
    else:
        given = np.zeros(len(parcels), dtype=bool)
    scope = np.where(known, industrial, ~given & has_industry)
    why = []
    for k, g, s, value in zip(
        known, given, scope, parcels.get("land_use", [None] * len(parcels)), strict=True
    ):
        if s:
            why.append(None)
        elif k:
            why.append(f"not industrial land (land_use {value})")
        elif g:
            why.append(f"land_use {value} not recognised")
        else:
            why.append("no land_use and no industry_code")
    return scope, why


def parcel_metrics(
    parcels: gpd.GeoDataFrame,
    buildings: gpd.GeoDataFrame | None = None,
    *,
    standard: str = "national-2008",
    local_standard: pd.DataFrame | None = None,
    industry_code_edition: int = 2017,
    land_use_scheme: str = "2023",
    area_method: str = "planar",
    rules: Mapping[str, object] | pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Plot ratio, building coefficient, green ratio, admin share, investment intensity and
    per-亩 output and tax of each parcel, judged against the control indicators.

    Parameters
    ----------
    parcels : GeoDataFrame
        Parcels (``parcel_id`` required; Chinese column names are recognised).
    buildings : GeoDataFrame, optional
        Building footprints with ``floors`` and, for the 8 m rule, ``height_m`` or
        ``storey_height_m``. When given, floor area and footprint come from it (a parcel
        without buildings has 0); else from the parcels' ``floor_area_m2`` and
        ``footprint_area_m2``.
    standard : {"national-2008", "national-2004", "national-2023"}
        The national control-indicator edition (``standards/control_indicators.csv``).
        The 2023 values are unconfirmed slots: where a value is missing the indicator is
        not evaluated.
    local_standard : DataFrame, optional
        A jurisdiction's own table overriding the national one: columns ``indicator``
        (one of :data:`CONTROL_INDICATORS`), ``min`` and/or ``max``, optionally
        ``industry_code`` (a two-digit division in the parcels' own edition).
        Investment, output and tax thresholds are in 万元/亩.
    industry_code_edition : {2017, 2011, 2002}
        Edition of ``industry_code`` where the parcels' ``industry_code_edition`` is empty.
        The national plot-ratio table is coded in GB/T 4754-2002 and is looked up
        through ``standards/industry_code_crosswalk.csv``; where one current code maps to
        several 2002 codes the lower minimum is used and ``crosswalk_ambiguous`` is True.
    land_use_scheme : {"2023", "sandiao", "gb50137"}
        Scheme of numeric ``land_use`` codes where the parcels' ``land_use_scheme`` is empty.
    area_method : {"planar", "ellipsoid"}
        See :func:`landkit.crs.measure_area`.
    rules : mapping or DataFrame, optional
        Overrides of the ``control_indicators`` table (see :mod:`landkit.standards`),
        e.g. ``{"national-2008.building_coefficient_min": 0.35}`` or
        ``{"tall_storey_height_m": 8}``; an overridden threshold has the status
        ``user``.

    Returns
    -------
    DataFrame
        On the parcels' index: ``parcel_id``, ``area_m2``, ``area_mu``, ``area_ha``,
        ``floor_area_m2``, ``counted_floor_area_m2`` (tall storeys counted twice),
        ``footprint_area_m2``, ``floor_area_source``, the metrics, ``admin_share_basis``,
        ``industry_code_2002``, ``crosswalk_ambiguous``, ``<indicator>_min``,
        ``<indicator>_max``, ``meets_<indicator>``, ``threshold_status`` (the weakest
        status of the thresholds used: verified, user, unconfirmed, example),
        ``geometry_repaired``, ``not_evaluated``, ``reason`` and, for the
        indicators left without a value, the empty input columns as
        ``missing_fields`` and in Chinese as ``missing_fields_zh``. A metric whose
        denominator is 0 or missing is NaN, never inf.

    Examples
    --------
    >>> import warnings
    >>> import landkit as lk
    >>> path = lk.sample_data_path()
    >>> parcels = lk.read_layer(path, "parcels")
    >>> buildings = lk.read_layer(path, "buildings")
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     result = lk.parcel_metrics(parcels, buildings)
    >>> result.index.equals(parcels.index)
    True
    >>> bool(result["plot_ratio"].dropna().between(0, 10).all())
    True
    >>> str(result["meets_plot_ratio"].dtype)
    'boolean'
    """
    if industry_code_edition not in _EDITIONS:
        msg = f"industry_code_edition must be one of {_EDITIONS}, got {industry_code_edition!r}"
        raise InputError(msg)
    rules = standards.overrides(rules, _RULES)
    _national_rules(standard, rules)  # check the name before any work
    local = _prepare_local(local_standard)
    data = prepare_layer(parcels, "parcels", required=("parcel_id",), layer="parcels")
    require_crs(data, layer="parcels")
    blds = None
    if buildings is not None:
        blds = prepare_layer(buildings, "buildings", layer="buildings")
        require_crs(blds, layer="buildings")
    q = parcel_quantities(data, blds, area_method=area_method, rules=rules)
    out = pd.DataFrame(index=data.index)
    out["parcel_id"] = data["parcel_id"]
    if "park_id" in data.columns:
        out["park_id"] = data["park_id"]
    out["area_m2"] = q.area_m2
    out["area_mu"] = m2_to_mu(q.area_m2)
    out["area_ha"] = m2_to_ha(q.area_m2)
    out["floor_area_m2"] = q.floor_area_m2
    out["counted_floor_area_m2"] = q.counted_floor_area_m2
    out["footprint_area_m2"] = q.footprint_area_m2
    out["floor_area_source"] = q.floor_area_source
    reason = q.notes
    zero_area = (q.area_m2 <= 0).to_numpy()
    reason = add_note(reason, zero_area, "parcel area is 0")

    out, reason = _metrics(out, data, q, reason)

    land = map_land_use(
        data["land_use"] if "land_use" in data.columns else pd.Series(None, index=data.index),
        scheme=land_use_scheme,
        schemes=data["land_use_scheme"] if "land_use_scheme" in data.columns else None,
    )
    scope, why = _in_scope(data, land, rules)
    divisions = _divisions(data)
    editions = _column(data, "industry_code_edition").fillna(industry_code_edition).to_numpy()
    bad_editions = sorted(set(editions.tolist()) - set(_EDITIONS))
    if bad_editions:
        msg = (
            f"parcels: column 'industry_code_edition' holds {bad_editions}. "
            f"Fix: use {', '.join(map(str, _EDITIONS))}."
        )
        raise SchemaError(msg)
    thresholds, extra, tables = _thresholds(
        data,
        standard=standard,
        local=local,
        rules=rules,
        in_scope=scope,
        divisions=divisions,
        editions=editions,
    )
    out["industry_code_2002"] = extra["industry_code_2002"]
    out["crosswalk_ambiguous"] = extra["crosswalk_ambiguous"]
    why_text = pd.Series([w or "" for w in why], index=data.index, dtype=object)
    reason = add_note(reason, ~scope, "control indicators: " + why_text)
    not_evaluated = pd.Series("", index=data.index, dtype=object)
    no_threshold_for = pd.Series("", index=data.index, dtype=object)
    no_value_for = pd.Series("", index=data.index, dtype=object)
    for indicator, column in CONTROL_INDICATORS.items():
        low, high = thresholds[f"{indicator}_min"], thresholds[f"{indicator}_max"]
        out[f"{indicator}_min"] = low
        out[f"{indicator}_max"] = high
        meets = _meets(out[column], low, high)
        out[f"meets_{indicator}"] = meets
        undecided = meets.isna().to_numpy()
        not_evaluated = add_note(not_evaluated, undecided, indicator)
        no_threshold = (low.isna() & high.isna()).to_numpy()
        no_threshold_for = _add_item(no_threshold_for, undecided & no_threshold & scope, indicator)
        no_value_for = _add_item(no_value_for, undecided & ~no_threshold, indicator)
    no_code = scope & np.array([d is None for d in divisions], dtype=bool) & out["plot_ratio_min"].isna()
    reason = add_note(reason, no_code.to_numpy(), "plot_ratio: no industry_code for the minimum")
    reason = add_note(reason, no_value_for != "", "no value to judge: " + no_value_for)
    reason = add_note(reason, no_threshold_for != "", "no threshold: " + no_threshold_for)
    out["threshold_status"] = extra["threshold_status"]
    out["geometry_repaired"] = q.repaired
    out["not_evaluated"] = not_evaluated.replace("", None)
    out["reason"] = reason.replace("", None)
    out["missing_fields"], out["missing_fields_zh"] = _missing_inputs(data, no_value_for)
    out.attrs["landkit_provenance"] = provenance(
        inputs={"parcels": parcels, **({"buildings": buildings} if buildings is not None else {})},
        standard=standard,
        local_standard="given" if local is not None else "none",
        rule_tables=[_RULES, "industry_code_crosswalk", "land_use_codes", *tables],
        rules=[rule.describe() for rule in standards.applied(rules)],
        area_method=area_method,
    )
    return out


def _metrics(
    out: pd.DataFrame, data: pd.DataFrame, q: Quantities, reason: pd.Series
) -> tuple[pd.DataFrame, pd.Series]:
    area, area_mu, area_ha = q.area_m2, out["area_mu"], out["area_ha"]
    yard = _column(data, "yard_area_m2").fillna(0.0)
    green = _column(data, "green_area_m2")
    admin_land = _column(data, "admin_land_area_m2")
    admin_floor = _column(data, "admin_floor_area_m2")
    invested = _column(data, "invested_wan_yuan")
    planned = _column(data, "planned_investment_wan_yuan")
    price = _column(data, "land_price_wan_yuan")
    output = _column(data, "output_wan_yuan")
    tax = _column(data, "tax_wan_yuan")

    out["plot_ratio"] = ratio(q.counted_floor_area_m2, area)
    out["building_coefficient"] = ratio(q.footprint_area_m2 + yard, area)
    out["green_ratio"] = ratio(green, area)
    by_land = ratio(admin_land, area)
    by_floor = ratio(admin_floor, q.floor_area_m2)
    use_land = admin_land.notna()
    out["admin_share"] = by_land.where(use_land, by_floor)
    basis = np.where(use_land, "land", np.where(admin_floor.notna(), "floor_area", None))
    out["admin_share_basis"] = pd.Series(basis, index=data.index, dtype=object)
    out["investment_intensity_wan_yuan_per_mu"] = ratio(invested + price, area_mu)
    out["investment_intensity_wan_yuan_per_ha"] = ratio(invested + price, area_ha)
    out["planned_investment_intensity_wan_yuan_per_mu"] = ratio(planned + price, area_mu)
    out["output_per_mu_wan_yuan"] = ratio(output, area_mu)
    out["tax_per_mu_wan_yuan"] = ratio(tax, area_mu)

    for column, missing in (
        ("green_area_m2", green.isna()),
        ("admin_land_area_m2 and admin_floor_area_m2", admin_land.isna() & admin_floor.isna()),
        ("invested_wan_yuan", invested.isna()),
        ("land_price_wan_yuan", price.isna()),
        ("planned_investment_wan_yuan", planned.isna()),
        ("output_wan_yuan", output.isna()),
        ("tax_wan_yuan", tax.isna()),
    ):
        reason = add_note(reason, missing.to_numpy(), f"{column} missing")
    floor_zero = (~use_land & admin_floor.notna() & ~(q.floor_area_m2 > 0)).to_numpy()
    reason = add_note(reason, floor_zero, "admin_share: total floor area is 0 or unknown")
    return out, reason
