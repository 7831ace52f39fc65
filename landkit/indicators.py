"""Park indicators of the 开发区土地集约利用评价, the land-use mix, and 亩均 scoring.

Land status follows the evaluation's codes (``standards/land_status_codes.csv``): A built-up
urban construction land (A1 residential, A2 industrial and storage …), B other land (B21
ready for supply), C unbuildable, D supplied, G idle, H1/H2 high-tech. A parcel may carry
codes of several dimensions in ``land_status`` (``"A2;D21"``). Where a parcel has no
``land_status`` it is derived:

* A-class (``A1``, ``A2`` …) from its land use (``standards/land_use_codes.csv``) when it
  has started (``start_status``, else ``actual_start_date``, else floor area or footprint
  above 0);
* D (supplied) when it has a ``grant_date`` (unknown when the layer has no such column);
* G (idle) when the ``idle`` result says ``idle``, ``recoverable`` or ``government_delay``
  (``standards/park_evaluation.csv``).

B and B21 cannot be derived, so 土地开发率 and 土地供应率 are NaN with a reason for a park
with derived statuses. Every indicator is a sum of parcel areas (or of floor area,
footprint, investment, tax on them) divided by another; a zero or unknown denominator gives
NaN and a reason, never inf. Floor area here is the gross floor area of buildings, as the
evaluation counts it (the 8 m rule belongs to the project control indicators,
:func:`landkit.parcel_metrics`); structures (``building_type`` 构筑物) have none. 建筑密度
counts the buildings' footprint; 工业用地建筑系数 counts buildings, structures and open yards
(``yard_area_m2``) on A2, as the project building coefficient does. The industry shares of
clause 五 (:func:`industry_concentration`) live in :mod:`landkit.industry`.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd

from . import standards
from .crs import SQM_PER_HA, m2_to_mu, measure_area, require_crs
from .errors import DataWarning, InputError, SchemaError, describe_ids
from .geometry import require_polygonal
from .industry import industry_concentration
from .landuse import map_land_use
from .metrics import Reasons, add_note, parcel_quantities, ratio
from .provenance import provenance
from .schema import check_values, prepare_layer

__all__ = ["MIX_GROUPS", "industry_concentration", "mu_benefit", "park_indicators"]

MIX_GROUPS = ("industry", "public_service", "residential", "ecological", "other")
_INDICATORS = (
    "land_development_rate",
    "land_supply_rate",
    "land_built_rate",
    "industrial_land_rate",
    "composite_plot_ratio",
    "building_density",
    "industrial_plot_ratio",
    "industrial_building_coefficient",
    "industrial_investment_intensity_wan_yuan_per_ha",
    "industrial_tax_per_ha_wan_yuan",
    "composite_tax_per_ha_wan_yuan",
    "idle_land_rate",
)
_RULES = "park_evaluation"
_SPLIT = re.compile(r"[;,，；/\s]+")


# ------------------------------------------------------------------ land status


def _given_codes(values: pd.Series) -> list[frozenset[str] | None]:
    known = set(standards.table("land_status_codes")["code"]) | {"A", "B", "C", "D", "E", "H"}
    out: list[frozenset[str] | None] = []
    bad = []
    for index, value in values.items():
        if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            out.append(None)
            continue
        codes = frozenset(c for c in _SPLIT.split(str(value).strip().upper()) if c)
        if not codes:
            out.append(None)
            continue
        if codes - known:
            bad.append(index)
        out.append(codes)
    if bad:
        msg = (
            f"parcels: column 'land_status' holds codes that are not the evaluation's "
            f"(rows {describe_ids(bad)}). Fix: use A1, A2, A31 … B21, B22, C1–C3, D1, D21, "
            f"D22, E1, E21, E22, F, G, H1, H2, several separated by ';'."
        )
        raise SchemaError(msg)
    return out


def _has(codes: list[frozenset[str]], prefix: str, *, exact: bool = False) -> np.ndarray:
    if exact:
        return np.array([prefix in c for c in codes], dtype=bool)
    return np.array([any(x.startswith(prefix) for x in c) for c in codes], dtype=bool)


def _idle_statuses(rules) -> frozenset[str]:
    value = str(standards.get(_RULES, "idle_statuses", rules=rules).value or "")
    return frozenset(s.strip() for s in value.split(";") if s.strip())


def _idle_flags(parcels: pd.DataFrame, idle: pd.DataFrame | None, rules) -> pd.Series | None:
    """True where the idle result counts the parcel as 闲置土地; None without a result."""
    if idle is None:
        return None
    if "idle_status" not in idle.columns:
        msg = "idle: no 'idle_status' column. Fix: pass the result of landkit.detect_idle."
        raise SchemaError(msg)
    if "parcel_id" in idle.columns:
        status = idle.set_index("parcel_id")["idle_status"]
        status = status[~status.index.duplicated()]
        flags = parcels["parcel_id"].map(status)
    else:
        flags = idle["idle_status"].reindex(parcels.index)
    return flags.isin(_idle_statuses(rules))


def _started(parcels: pd.DataFrame, floor: pd.Series, footprint: pd.Series) -> np.ndarray:
    status = parcels.get("start_status")
    actual = parcels.get("actual_start_date")
    n = len(parcels)
    by_status = np.full(n, None, dtype=object) if status is None else status.to_numpy(dtype=object)
    has_actual = np.zeros(n, bool) if actual is None else actual.notna().to_numpy()
    built = ((floor.fillna(0) > 0) | (footprint.fillna(0) > 0)).to_numpy()
    decided = np.array([s in ("started", "not_started") for s in by_status], dtype=bool)
    from_records = np.where(decided, by_status == "started", has_actual)
    no_record = ~decided & ~has_actual
    return np.where(no_record, built, from_records)


def _derive_status(parcels, land, started, idle_flags) -> list[frozenset[str]]:
    classes = land["evaluation_class"].to_numpy(dtype=object)
    granted = parcels["grant_date"].notna().to_numpy() if "grant_date" in parcels else None
    out = []
    for i in range(len(parcels)):
        codes = set()
        if classes[i] and started[i]:
            codes.add(classes[i])
        if granted is not None and granted[i]:
            codes.add("D")
        if idle_flags is not None and bool(idle_flags.iloc[i]):
            codes.add("G")
        out.append(frozenset(codes))
    return out


# ----------------------------------------------------------------- park sums


def _sums(frame: pd.DataFrame, park: pd.Series, parks: pd.Index) -> pd.DataFrame:
    """Column sums per park; a column that is NaN on any row of a park sums to NaN."""
    return (
        frame.groupby(park.to_numpy(), sort=False)
        .sum(min_count=1)
        .reindex(parks)
        .where(frame.isna().groupby(park.to_numpy(), sort=False).sum().reindex(parks) == 0)
    )


def _gaps(parts: pd.DataFrame, ids: pd.Series, park: pd.Series, parks: pd.Index) -> pd.DataFrame:
    """Per park and column: the parcels whose value is missing ((English, Chinese), "" when none)."""
    out = pd.DataFrame("", index=parks, columns=parts.columns, dtype=object)
    for column in parts.columns[parts.isna().any().to_numpy()]:
        missing = parts[column].isna().to_numpy()
        listed = ids[missing].groupby(park[missing].to_numpy()).agg(
            lambda s: (describe_ids(list(s)), describe_ids(list(s), zh=True))
        )
        out.loc[listed.index, column] = listed.to_numpy()
    return out


def _masked(values: pd.Series, mask: np.ndarray) -> pd.Series:
    """values where mask, 0 elsewhere (NaN outside the mask does not count)."""
    return values.where(mask, 0.0)


def park_indicators(
    parks: gpd.GeoDataFrame,
    parcels: gpd.GeoDataFrame,
    *,
    buildings: gpd.GeoDataFrame | None = None,
    idle: pd.DataFrame | None = None,
    storeys: pd.DataFrame | None = None,
    land_use_scheme: str = "2023",
    area_method: str = "planar",
    rules: Mapping[str, object] | pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The intensive-use evaluation's indicators for each park, with national benchmarks.

    Parameters
    ----------
    parks : GeoDataFrame
        Parks (``park_id`` required).
    parcels : GeoDataFrame
        Parcels with ``park_id``; ``land_status`` optional (see the module notes).
    buildings : GeoDataFrame, optional
        Buildings for floor area and footprint (else the parcels' attributes).
    idle : DataFrame, optional
        A :func:`landkit.detect_idle` result for the idle-land rate (matched by
        ``parcel_id``).
    storeys : DataFrame, optional
        One row per storey (see :mod:`landkit.floor_area`); its floor areas replace
        footprint × floors for the buildings it lists.
    land_use_scheme : {"2023", "sandiao", "gb50137"}
        Scheme of numeric ``land_use`` codes (see :func:`landkit.landuse.map_land_use`).
    area_method : {"planar", "ellipsoid"}
        See :func:`landkit.crs.measure_area`.
    rules : mapping or DataFrame, optional
        Overrides of the ``park_evaluation`` table (see :mod:`landkit.standards`),
        e.g. ``{"zone_type.industrial_land_rate_above": 0.35}``; recorded with the
        status ``user``.

    Returns
    -------
    DataFrame
        Indexed by ``park_id`` in the parks' order: ``n_parcels``, ``park_area_m2``,
        ``parcel_area_m2``, ``parcel_coverage`` (parcel area ÷ park area), the areas behind
        the ratios (``built_up_area_ha`` A, ``industrial_area_ha`` A2, ``supplied_area_ha``
        D, ``idle_area_ha`` G), ``land_development_rate`` (A+B21)÷(A+B),
        ``land_supply_rate`` D÷(A+B21), ``land_built_rate`` A÷D,
        ``industrial_land_rate`` A2÷A, ``residential_land_rate`` A1÷A,
        ``high_tech_land_rate`` (H1+H2)÷A, ``composite_plot_ratio``, ``building_density``,
        ``industrial_plot_ratio``, ``industrial_building_coefficient``,
        ``industrial_investment_intensity_wan_yuan_per_ha`` ((invested + land price) on
        A2 ÷ A2), ``industrial_tax_per_ha_wan_yuan``, ``composite_tax_per_ha_wan_yuan``,
        ``idle_land_rate`` G÷D, ``zone_type`` (``industry_led`` 工业主导型,
        ``industry_city`` 产城融合型, ``other``), the land-use mix
        ``<group>_land_share`` of the parcel area (groups :data:`MIX_GROUPS` and
        ``unknown``), ``national_<indicator>`` benchmarks, ``land_status_source``
        (given, derived, mixed), ``reason`` and ``reason_zh`` (the same notes in Chinese).

    Examples
    --------
    >>> import warnings
    >>> import landkit as lk
    >>> path = lk.sample_data_path()
    >>> parks = lk.read_layer(path, "parks")
    >>> parcels = lk.read_layer(path, "parcels")
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     result = lk.park_indicators(parks, parcels)
    >>> result.index.name, len(result) == len(parks)
    ('park_id', True)
    >>> bool(result["industrial_land_rate"].dropna().between(0, 1).all())
    True
    """
    rules = standards.overrides(rules, _RULES)
    park_frame = prepare_layer(parks, "parks", required=("park_id",), layer="parks")
    data = prepare_layer(parcels, "parcels", required=("parcel_id", "park_id"), layer="parcels")
    require_crs(park_frame, layer="parks")
    require_crs(data, layer="parcels")
    blds = None
    if buildings is not None:
        blds = prepare_layer(buildings, "buildings", layer="buildings")
        require_crs(blds, layer="buildings")
    check_values(parks=park_frame, parcels=data, buildings=blds)
    park_ids = pd.Index(park_frame["park_id"], name="park_id")
    if park_ids.has_duplicates or park_ids.hasnans:
        msg = "parks: 'park_id' must be unique and filled in. Fix: give every park its own id."
        raise SchemaError(msg)
    orphans = ~data["park_id"].isin(park_ids)
    if orphans.any():
        ids = data.loc[orphans, "parcel_id"].tolist()
        msg = (
            f"parcels: {len(ids)} parcels name a park_id that is not in parks "
            f"({describe_ids(ids)}); they are left out"
        )
        zh = f"{len(ids)} 宗地块的园区编号不在园区图层中（{describe_ids(ids, zh=True)}），未计入"
        warnings.warn(DataWarning.said(msg, zh, layer="parcels"), stacklevel=2)

    q = parcel_quantities(data, blds, storeys=storeys, area_method=area_method)
    land = map_land_use(
        data["land_use"] if "land_use" in data.columns else pd.Series(None, index=data.index),
        scheme=land_use_scheme,
        schemes=data.get("land_use_scheme"),
    )
    idle_flags = _idle_flags(data, idle, rules)
    started = _started(data, q.floor_area_m2, q.footprint_area_m2 + q.structure_area_m2)
    derived = _derive_status(data, land, started, idle_flags)
    given = (
        _given_codes(data["land_status"]) if "land_status" in data.columns else [None] * len(data)
    )
    is_given = np.array([g is not None for g in given], dtype=bool)
    codes = [
        (g | frozenset({"G"}) if idle_flags is not None and bool(idle_flags.iloc[i]) else g)
        if g is not None
        else derived[i]
        for i, g in enumerate(given)
    ]

    area = q.area_m2.fillna(0.0)
    park = data["park_id"]
    money = {
        "invested": _num(data, "invested_wan_yuan"),
        "price": _num(data, "land_price_wan_yuan"),
        "tax": _num(data, "tax_wan_yuan"),
    }
    is_a = _has(codes, "A")
    is_a2 = _has(codes, "A2", exact=True)
    taxed = is_a2 | _has(codes, "A4", exact=True)
    parts = pd.DataFrame(
        {
            "parcel": area,
            "A": _masked(area, is_a),
            "A1": _masked(area, _has(codes, "A1", exact=True)),
            "A2": _masked(area, is_a2),
            "B": _masked(area, _has(codes, "B")),
            "B21": _masked(area, _has(codes, "B21", exact=True)),
            "D": _masked(area, _has(codes, "D")),
            "G": _masked(area, _has(codes, "G", exact=True)),
            "H": _masked(area, _has(codes, "H1", exact=True) | _has(codes, "H2", exact=True)),
            "floor_A": _masked(q.floor_area_m2, is_a),
            "footprint_A": _masked(q.footprint_area_m2, is_a),
            "floor_A2": _masked(q.floor_area_m2, is_a2),
            "coefficient_A2": _masked(q.coefficient_area_m2, is_a2),
            "invest_A2": _masked(money["invested"] + money["price"], is_a2),
            "tax_A2": _masked(money["tax"], is_a2),
            # taxes of residential, public and green land count as 0 when missing
            "tax_A": _masked(money["tax"].where(taxed, money["tax"].fillna(0.0)), is_a),
        },
        index=data.index,
    )
    for group in (*MIX_GROUPS, None):
        key = f"mix_{group or 'unknown'}"
        mask = land["mix_group"].isna() if group is None else land["mix_group"] == group
        parts[key] = _masked(area, mask.to_numpy())
    inside = ~orphans.to_numpy()
    sums = _sums(parts[inside], park[inside], park_ids)
    gaps = _gaps(parts[inside], data.loc[inside, "parcel_id"], park[inside], park_ids)
    counts = park[inside].value_counts().reindex(park_ids, fill_value=0)
    source = (
        pd.Series(is_given[inside], index=park[inside].to_numpy())
        .groupby(level=0)
        .agg(lambda s: "given" if s.all() else ("derived" if not s.any() else "mixed"))
    )
    source = source.reindex(park_ids)
    has_grant = "grant_date" in data.columns or "land_status" in data.columns

    out = pd.DataFrame(index=park_ids)
    out["n_parcels"] = counts.astype(int)
    require_polygonal(park_frame.geometry, park_frame.index, layer="parks")
    park_area = measure_area(park_frame, area_method=area_method)
    out["park_area_m2"] = park_area.to_numpy()
    out["parcel_area_m2"] = sums["parcel"].fillna(0.0)
    out["parcel_coverage"] = ratio(out["parcel_area_m2"], out["park_area_m2"])
    for column, key in (
        ("built_up_area_ha", "A"),
        ("industrial_area_ha", "A2"),
        ("supplied_area_ha", "D"),
        ("idle_area_ha", "G"),
    ):
        out[column] = sums[key] / SQM_PER_HA
    out = _rates(
        out, sums, gaps, source, has_grant=has_grant, has_idle=idle is not None, rules=rules
    )
    for group in (*MIX_GROUPS, "unknown"):
        out[f"{group}_land_share"] = ratio(sums[f"mix_{group}"], sums["parcel"])
    benchmarks = [standards.get(_RULES, f"benchmark.{i}", rules=rules) for i in _INDICATORS]
    for indicator, benchmark in zip(_INDICATORS, benchmarks, strict=True):
        out[f"national_{indicator}"] = np.nan if benchmark.value is None else benchmark.value
    out["land_status_source"] = source
    for column in ("reason", "reason_zh"):
        out[column] = out.pop(column).replace("", None)
    out.attrs["landkit_provenance"] = provenance(
        inputs={"parks": parks, "parcels": parcels}
        | ({"buildings": buildings} if buildings is not None else {})
        | ({"idle": idle} if idle is not None else {}),
        rule_tables=[_RULES, "land_status_codes", "land_use_codes"],
        rules=[rule.describe() for rule in standards.applied(rules)],
        area_method=area_method,
    )
    return out


def _num(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype=float)
    return pd.to_numeric(frame[column], errors="coerce").astype(float)


_INPUTS = {
    "floor_A": "floor_area_m2",
    "floor_A2": "floor_area_m2",
    "footprint_A": "footprint_area_m2",
    "coefficient_A2": "footprint_area_m2",
    "invest_A2": "invested_wan_yuan or land_price_wan_yuan",
    "tax_A2": "tax_wan_yuan",
    "tax_A": "tax_wan_yuan",
}


def _rates(out, sums, gaps, source, *, has_grant: bool, has_idle: bool, rules) -> pd.DataFrame:
    notes = Reasons(out.index)
    derived = (source != "given").to_numpy()
    no_parcels = (out["n_parcels"] == 0).to_numpy()
    notes.add(no_parcels, "no_parcels")
    ha = {k: sums[k] / SQM_PER_HA for k in ("A", "A2")}

    def put(column, numerator, denominator, den_name, extra=None):
        value = ratio(sums[numerator] if isinstance(numerator, str) else numerator, denominator)
        blocked = np.zeros(len(out), bool) if extra is None else extra[0]
        value = value.where(~blocked)
        out[column] = value
        if extra is not None:
            notes.add(blocked & ~no_parcels, extra[1], indicator=column)
        zero = (
            ~blocked & ~no_parcels & ~(denominator > 0).to_numpy() & denominator.notna().to_numpy()
        )
        notes.add(zero, "denominator_zero", indicator=column, denominator=den_name)
        unknown = ~blocked & ~no_parcels & value.isna().to_numpy() & ~zero
        if isinstance(numerator, str) and numerator in _INPUTS:
            listed = unknown & (gaps[numerator] != "").to_numpy()
            notes.add(listed, "inputs_missing_on", indicator=column, columns=_INPUTS[numerator],
                      ids=gaps[numerator])  # fmt: skip
        else:
            notes.add(unknown, "data_missing", indicator=column)

    not_derivable = (derived, "status_b_not_derivable")
    put(
        "land_development_rate",
        sums["A"] + sums["B21"],
        sums["A"] + sums["B"],
        "A+B",
        not_derivable,
    )
    put("land_supply_rate", sums["D"], sums["A"] + sums["B21"], "A+B21", not_derivable)
    no_grant = (np.full(len(out), not has_grant), "supplied_unknown")
    put("land_built_rate", sums["A"], sums["D"], "D", no_grant)
    put("industrial_land_rate", sums["A2"], sums["A"], "A")
    put("residential_land_rate", sums["A1"], sums["A"], "A")
    put(
        "high_tech_land_rate",
        sums["H"],
        sums["A"],
        "A",
        (derived, "status_h_not_derivable"),
    )
    put("composite_plot_ratio", "floor_A", sums["A"], "A")
    put("building_density", "footprint_A", sums["A"], "A")
    put("industrial_plot_ratio", "floor_A2", sums["A2"], "A2")
    put("industrial_building_coefficient", "coefficient_A2", sums["A2"], "A2")
    put(
        "industrial_investment_intensity_wan_yuan_per_ha",
        "invest_A2",
        ha["A2"],
        "A2",
    )
    put("industrial_tax_per_ha_wan_yuan", "tax_A2", ha["A2"], "A2")
    put("composite_tax_per_ha_wan_yuan", "tax_A", ha["A"], "A")
    no_idle = (
        derived & (not has_idle) | np.full(len(out), not has_grant),
        "no_idle_status",
    )
    put("idle_land_rate", sums["G"], sums["D"], "D", no_idle)
    out["zone_type"] = _zone_type(
        out["industrial_land_rate"], out["residential_land_rate"], rules=rules
    )
    out["reason"], out["reason_zh"] = notes.english, notes.chinese
    return out


def _zone_type(industrial: pd.Series, residential: pd.Series, *, rules) -> pd.Series:
    above = standards.get(_RULES, "zone_type.industrial_land_rate_above", rules=rules).value
    below = standards.get(_RULES, "zone_type.residential_land_rate_below", rules=rules).value
    led = (industrial > above) & (residential < below)
    city = (industrial <= above) & (residential >= below)
    kind = np.where(led, "industry_led", np.where(city, "industry_city", "other"))
    unknown = (industrial.isna() | residential.isna()).to_numpy()
    return pd.Series(np.where(unknown, None, kind), index=industrial.index, dtype=object)


# ------------------------------------------------------------------- 亩均 scoring


def _scheme_tables(scheme) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    if isinstance(scheme, str):
        table = standards.table("mu_benefit_schemes")
        rows = table[table["scheme"] == scheme]
        if rows.empty:
            names = ", ".join(sorted(set(table["scheme"])))
            msg = f"mu_benefit: no scheme named {scheme!r}. Fix: use one of {names}, or a table."
            raise InputError(msg)
        grades = standards.table("mu_benefit_grades")
        return rows.copy(), grades[grades["scheme"] == scheme].copy(), scheme
    if isinstance(scheme, Mapping):
        indicators = pd.DataFrame(scheme["indicators"])
        grades = pd.DataFrame(
            scheme.get("grades", []), columns=["grade", "rank_share_max", "min_score"]
        )
        return indicators, grades, str(scheme.get("name", "custom"))
    if isinstance(scheme, pd.DataFrame):
        return (
            scheme.copy(),
            pd.DataFrame(columns=["grade", "rank_share_max", "min_score"]),
            "custom",
        )
    msg = "mu_benefit: scheme must be a scheme name, a table of indicators or a mapping"
    raise InputError(msg)


def _scheme_indicators(table: pd.DataFrame) -> pd.DataFrame:
    needed = ["indicator", "numerator", "denominator", "weight"]
    missing = [c for c in needed if c not in table.columns]
    if missing:
        msg = f"mu_benefit scheme: missing column(s) {', '.join(missing)}. Fix: add them."
        raise SchemaError(msg)
    out = table.copy()
    for column, default in (
        ("benchmark", np.nan),
        ("benchmark_method", ""),
        ("missing", "none"),
        ("cap", np.nan),
    ):
        if column not in out.columns:
            out[column] = default
    out["cap"] = pd.to_numeric(out["cap"].replace("", np.nan), errors="coerce")
    out["weight"] = pd.to_numeric(out["weight"], errors="coerce")
    out["benchmark"] = pd.to_numeric(out["benchmark"].replace("", np.nan), errors="coerce")
    method = out["benchmark_method"].fillna("").astype(str).str.strip()
    out["benchmark_method"] = np.where(
        method == "", np.where(out["benchmark"].notna(), "fixed", "mean"), method
    )
    out["missing"] = out["missing"].fillna("none").astype(str).replace("", "none")
    bad = sorted(set(out["benchmark_method"]) - {"fixed", "mean"}) + sorted(
        set(out["missing"]) - {"none", "mean_score", "zero"}
    )
    if bad or out["weight"].isna().any():
        msg = (
            f"mu_benefit scheme: benchmark_method must be fixed/mean, missing none/mean_score/"
            f"zero and every weight a number (found {bad or 'an empty weight'})."
        )
        raise SchemaError(msg)
    return out


def _unit_area_mu(units: pd.DataFrame, area_method: str) -> pd.Series:
    if "area_mu" in units.columns:
        return pd.to_numeric(units["area_mu"], errors="coerce").astype(float)
    if "area_m2" in units.columns:
        return m2_to_mu(pd.to_numeric(units["area_m2"], errors="coerce").astype(float))
    if isinstance(units, gpd.GeoDataFrame):
        require_polygonal(units.geometry, units.get("enterprise_id", units.index), layer="units")
        return m2_to_mu(measure_area(units, area_method=area_method))
    msg = "mu_benefit: units need 'area_mu', 'area_m2' or a geometry. Fix: add the land area."
    raise SchemaError(msg)


def mu_benefit(
    units: pd.DataFrame,
    *,
    scheme: str | pd.DataFrame | Mapping = "ranked-five",
    area_method: str = "planar",
) -> pd.DataFrame:
    """亩均效益 scoring: indicator values, weighted scores, rank and A/B/C/D grade.

    Each indicator is ``numerator ÷ denominator`` (``area_mu`` as denominator means the
    unit's land in 亩); its score is ``value ÷ benchmark × weight``, the benchmark being a
    fixed value or the mean over the units that have the value. The total ``score`` is the
    sum of the item scores; units are ranked by it (1 = best) and graded by rank share
    (``rank ÷ number ranked`` ≤ the grade's ``rank_share_max``) or by ``min_score``.

    Parameters
    ----------
    units : DataFrame or GeoDataFrame
        One row per enterprise (or parcel, park …) with the scheme's columns, e.g.
        ``tax_wan_yuan``, ``value_added_wan_yuan``, ``energy_tce``, ``emissions_t``,
        ``employees``, ``rd_wan_yuan``, ``revenue_wan_yuan``, and the land as ``area_mu``,
        ``area_m2`` or a geometry. A boolean ``exempt`` column (utilities, start-ups) keeps
        a unit out of the ranking; it is scored but not graded.
    scheme : str, DataFrame or mapping
        A shipped scheme (``standards/mu_benefit_schemes.csv``: ``"huangyan-2022"`` with
        the district's 2022 weights and benchmarks and no grade cut-offs,
        ``"ranked-five"`` with its weights and the top 25 % / 70 % / 95 % grade
        cut-offs), a table of indicators (columns ``indicator, numerator, denominator,
        weight`` and optionally ``benchmark``, ``benchmark_method`` fixed/mean,
        ``missing`` none/mean_score/zero, ``cap``: the most an item may score, as a
        multiple of its weight), or a mapping ``{"indicators": table,
        "grades": [{"grade": "A", "rank_share_max": 0.2}, ...], "name": ...}``.
    area_method : {"planar", "ellipsoid"}
        Used only when the land area comes from a geometry.

    Returns
    -------
    DataFrame
        On the units' index: ``area_mu``, one column per indicator, ``score_<indicator>``,
        ``score``, ``rank``, ``grade`` (None where the scheme has no cut-offs, the unit is
        exempt or has no score), ``reason``. A zero or missing denominator gives NaN.
        A unit missing an item scores NaN in total unless the item's ``missing`` rule is
        ``mean_score`` (the mean of the other units' item scores) or ``zero``.

    Examples
    --------
    >>> import pandas as pd
    >>> units = pd.DataFrame({"area_mu": [10.0, 20.0], "tax_wan_yuan": [300.0, 200.0]})
    >>> table = pd.DataFrame({"indicator": ["tax_per_mu_wan_yuan"], "numerator": ["tax_wan_yuan"],
    ...                       "denominator": ["area_mu"], "weight": [100], "benchmark": [20.0]})
    >>> mu_benefit(units, scheme=table)[["tax_per_mu_wan_yuan", "score", "rank"]]
       tax_per_mu_wan_yuan  score  rank
    0                 30.0  150.0     1
    1                 10.0   50.0     2
    """
    indicators_table, grades, name = _scheme_tables(scheme)
    table = _scheme_indicators(indicators_table)
    if not isinstance(units, pd.DataFrame):
        raise InputError("mu_benefit: units must be a DataFrame")
    area_mu = _unit_area_mu(units, area_method)
    needed = sorted(
        (set(table["numerator"]) | set(table["denominator"])) - {"area_mu"} - set(units.columns)
    )
    if needed:
        msg = f"mu_benefit: units lack the column(s) {', '.join(needed)} that scheme {name!r} uses."
        raise SchemaError(msg)
    out = pd.DataFrame(index=units.index)
    out["area_mu"] = area_mu
    reason = pd.Series("", index=units.index, dtype=object)
    total = pd.Series(0.0, index=units.index)
    for row in table.itertuples():
        numerator = pd.to_numeric(units[row.numerator], errors="coerce").astype(float)
        denominator = (
            area_mu
            if row.denominator == "area_mu"
            else pd.to_numeric(units[row.denominator], errors="coerce").astype(float)
        )
        value = ratio(numerator, denominator)
        out[row.indicator] = value
        benchmark = row.benchmark if row.benchmark_method == "fixed" else value.mean()
        if not benchmark or np.isnan(benchmark):
            msg = f"mu_benefit: indicator {row.indicator!r} has no usable benchmark ({benchmark})."
            raise InputError(msg)
        score = value / benchmark * row.weight
        if not np.isnan(row.cap):
            score = score.clip(upper=row.cap * row.weight)
        missing = score.isna()
        if row.missing == "mean_score":
            score = score.fillna(score.mean())
        elif row.missing == "zero":
            score = score.fillna(0.0)
        out[f"score_{row.indicator}"] = score
        reason = add_note(reason, missing.to_numpy(), f"{row.indicator}: no value")
        total = total + score
    out["score"] = total
    exempt = (
        units["exempt"].fillna(False).astype(bool).to_numpy()
        if "exempt" in units.columns
        else np.zeros(len(units), bool)
    )
    ranked = out["score"].notna().to_numpy() & ~exempt
    rank = out["score"].where(ranked).rank(ascending=False, method="min")
    out["rank"] = rank.astype("Int64")
    out["grade"] = _grades(out["score"], rank, grades, int(ranked.sum()))
    reason = add_note(reason, exempt, "exempt: scored, not graded")
    reason = add_note(
        reason, ranked & out["grade"].isna().to_numpy(), "scheme has no grade cut-offs"
    )
    out["reason"] = reason.replace("", None)
    out.attrs["landkit_provenance"] = provenance(
        inputs={"units": units},
        scheme=name,
        rule_tables=["mu_benefit_schemes", "mu_benefit_grades"],
    )
    return out


def _grades(score: pd.Series, rank: pd.Series, grades: pd.DataFrame, n_ranked: int) -> pd.Series:
    out = pd.Series(None, index=score.index, dtype=object)
    if grades.empty or n_ranked == 0:
        return out
    share = rank / n_ranked
    by_rank = pd.to_numeric(grades.get("rank_share_max"), errors="coerce")
    by_score = pd.to_numeric(grades.get("min_score"), errors="coerce")
    for i in range(len(grades) - 1, -1, -1):  # best grade last, so it wins
        grade = grades["grade"].iloc[i]
        if by_rank is not None and not np.isnan(by_rank.iloc[i]):
            hit = share <= by_rank.iloc[i] + 1e-12
        elif by_score is not None and not np.isnan(by_score.iloc[i]):
            hit = score >= by_score.iloc[i]
        else:
            continue
        out[hit.fillna(False).to_numpy() & rank.notna().to_numpy()] = grade
    return out
