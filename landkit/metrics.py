"""Parcel metrics and the industrial-land control indicators (工业项目建设用地控制指标).

Every metric is one sum per parcel divided by the parcel's area (m² in the right
Gauss-Krüger zone, :func:`landkit.crs.measure_area`). A zero or missing denominator
gives NaN and a line in ``reason`` (in Chinese in ``reason_zh``, from the same reason
codes: :class:`Reasons`), never inf.

* ``plot_ratio`` 容积率 = counted floor area ÷ parcel area. With a buildings layer the floor
  area is footprint × floors (or a storeys table's floor areas), a building across a parcel
  line split by the area of each piece; only storeys higher than 8 m count twice
  (:mod:`landkit.floor_area`). Where a building's storey heights are unknown
  (``storey_heights_unknown``) ``plot_ratio`` counts them once and ``plot_ratio_upper``
  twice, and ``meets_plot_ratio`` is NA only when a threshold lies between the two.
  Structures (构筑物) have no floor area. Without buildings the parcel's ``floor_area_m2``
  is used (plus ``tall_storey_area_m2`` once more).
* ``building_coefficient`` 建筑系数 = (buildings' + structures' footprint + ``yard_area_m2``,
  露天堆场和露天操作场地) ÷ area.
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
The national edition is, by default, the one in force on the parcel's grant date
(``standard_edition``); investment-intensity minimums depend on the region class
(``region_class``, ``investment_intensity_basis``): :mod:`landkit.control_standards`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import standards
from .control_standards import (
    _EDITIONS,
    _RULES,
    CONTROL_INDICATORS,
    STANDARDS,
    Rows,
    control_thresholds,
    editions_in_force,
    industry_divisions,
    judge,
    national_rules,
    numeric_column,
    prepare_local,
    region_classes_of,
)
from .crs import align_crs, area_zones, m2_to_ha, m2_to_mu, measure_area, require_crs
from .errors import InputError, SchemaError, describe_ids
from .floor_area import building_floors
from .geometry import is_absent, repair, require_polygonal
from .labels import value_label, value_labels
from .landuse import map_land_use
from .provenance import provenance
from .schema import check_values, prepare_layer

__all__ = ["CONTROL_INDICATORS", "INDICATOR_INPUTS", "STANDARDS", "parcel_metrics"]

# ------------------------------------------------------------------ quantities


@dataclass
class Quantities:
    """Per-parcel sums on the parcels' index (m²), and the notes explaining gaps.

    ``floor_area_m2`` is the gross floor area of buildings (structures excluded);
    ``counted_floor_area_m2`` doubles the storeys known to be over 8 m and
    ``counted_floor_area_upper_m2`` also those of ``storey_heights_unknown`` buildings;
    ``footprint_area_m2`` is the buildings' footprint, ``structure_area_m2`` the
    structures', ``coefficient_area_m2`` both plus ``yard_area_m2`` (the numerator of the
    building coefficient).
    """

    area_m2: pd.Series
    floor_area_m2: pd.Series
    counted_floor_area_m2: pd.Series
    counted_floor_area_upper_m2: pd.Series
    footprint_area_m2: pd.Series
    structure_area_m2: pd.Series
    yard_area_m2: pd.Series
    storey_heights_unknown: pd.Series
    floor_area_source: pd.Series
    repaired: np.ndarray
    notes: Reasons

    @property
    def coefficient_area_m2(self) -> pd.Series:
        """Buildings, structures and open yards: the building coefficient's numerator."""
        return self.footprint_area_m2 + self.structure_area_m2 + self.yard_area_m2


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
    storeys: pd.DataFrame | None = None,
    area_method: str = "planar",
    rules: Mapping[str, object] | None = None,
) -> Quantities:
    """Area, floor area and footprint of each parcel (shared by the park indicators).

    ``parcels`` and ``buildings`` must already be prepared (canonical columns). Buildings
    are brought to the parcels' CRS; invalid geometries are repaired (with a warning).
    ``storeys`` and the tall-storey rule: :mod:`landkit.floor_area`. ``rules`` overrides
    the ``control_indicators`` table's tall-storey rule. Without buildings the parcels'
    ``floor_area_m2``, ``footprint_area_m2``, ``structure_area_m2`` and
    ``tall_storey_area_m2`` are used as given.
    """
    geoms, repaired = repair(parcels, layer="parcels")
    require_polygonal(geoms[~repaired], _ids(parcels, "parcel_id")[~repaired], layer="parcels")
    area = measure_area(geoms, area_method=area_method)
    index = parcels.index
    notes = Reasons(index)
    notes.add(is_absent(geoms), "no_geometry")
    yard = numeric_column(parcels, "yard_area_m2").fillna(0.0)
    if buildings is None:
        floor = numeric_column(parcels, "floor_area_m2")
        footprint = numeric_column(parcels, "footprint_area_m2")
        structures = numeric_column(parcels, "structure_area_m2").fillna(0.0)
        extra = standards.get(_RULES, "tall_storey_factor", rules=rules).value - 1
        counted = floor + extra * numeric_column(parcels, "tall_storey_area_m2").fillna(0.0)
        source = pd.Series(np.where(floor.notna(), "attributes", None), index=index, dtype=object)
        notes.add(floor.isna(), "input_missing", columns="floor_area_m2")
        notes.add(footprint.isna(), "input_missing", columns="footprint_area_m2")
        unknown = pd.Series(False, index=index)
        return Quantities(
            area, floor, counted, counted.copy(), footprint, structures, yard, unknown, source,
            repaired, notes,
        )  # fmt: skip

    b_aligned = align_crs({"parcels": parcels, "buildings": buildings})["buildings"]
    b_geoms, b_repaired = repair(b_aligned, layer="buildings")
    b_ids = _ids(buildings, "building_id")[~b_repaired]
    require_polygonal(b_geoms[~b_repaired], b_ids, layer="buildings")
    zones = area_zones(geoms)
    own = area_method == "planar" and len(zones) == 1 and zones[0][0].equals(parcels.crs)
    whole = (
        shapely.area(b_geoms.values)
        if own
        else measure_area(b_geoms, area_method=area_method).to_numpy()
    )
    f = building_floors(buildings, footprint_m2=whole, storeys=storeys, rules=rules)
    p_pos, b_pos, piece_area = _pieces(
        geoms.values, b_geoms.values, parcels.crs, planar=own, area_method=area_method
    )
    n = len(parcels)

    def per_parcel(weights: np.ndarray, name: str) -> pd.Series:
        total = np.bincount(p_pos, weights=piece_area * weights[b_pos], minlength=n)
        return pd.Series(total, index=index, name=name)

    is_structure = f.structure.astype(float)
    ids = _ids(buildings, "building_id")
    for mask, code in (
        (np.isnan(f.gross[b_pos]), "no_floors"),
        (f.unknown[b_pos], "storey_heights_unknown"),
    ):
        if mask.any():
            pairs = pd.DataFrame({"parcel": p_pos[mask], "building": ids[b_pos[mask]]})
            listed = pairs.groupby("parcel")["building"].agg(
                lambda b: (describe_ids(sorted(set(b))), describe_ids(sorted(set(b)), zh=True))
            )
            per_row = np.full(n, None, dtype=object)
            per_row[listed.index.to_numpy()] = listed.to_numpy(dtype=object)
            notes.add(per_row != None, code, ids=pd.Series(per_row, index=index))  # noqa: E711
    unknown = np.zeros(n, dtype=bool)
    unknown[p_pos[f.unknown[b_pos]]] = True
    return Quantities(
        area,
        per_parcel(f.gross, "floor_area_m2"),
        per_parcel(f.counted_low, "counted_floor_area_m2"),
        per_parcel(f.counted_high, "counted_floor_area_upper_m2"),
        per_parcel(1.0 - is_structure, "footprint_area_m2"),
        per_parcel(is_structure, "structure_area_m2"),
        yard,
        pd.Series(unknown, index=index, name="storey_heights_unknown"),
        pd.Series("buildings", index=index, dtype=object),
        repaired,
        notes,
    )


def _ids(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column in frame.columns:
        return frame[column].to_numpy(dtype=object)
    return np.array([f"row {i}" for i in frame.index], dtype=object)


def ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """``numerator ÷ denominator`` with NaN (never inf) where the denominator is 0 or missing."""
    den = denominator.where(denominator > 0)
    return numerator / den


# --------------------------------------------------------------------- public


def add_note(text: pd.Series, mask, note: str | pd.Series, *, sep: str = "; ") -> pd.Series:
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
    values[where] = np.where(now == "", tail, now + sep + tail)
    return pd.Series(values, index=text.index, dtype=object)


#: the English text of each reason code; its Chinese text is in ``value_labels.csv``
#: (field ``reason``), filled from the same parameters (:class:`Reasons`)
REASON_TEXTS = {
    "no_geometry": "parcel has no geometry",
    "zero_area": "parcel area is 0",
    "input_missing": "{columns} missing",
    "no_floors": "buildings without floors: {ids}",
    "storey_heights_unknown": "storey heights unknown (average storey over 8 m) on buildings {ids}",
    "admin_floor_zero": "admin_share: total floor area is 0 or unknown",
    "no_grant_date": (
        "control indicators: no grant_date: the edition in force is unknown "
        "(give grant_date or standard=)"
    ),
    "before_first_edition": (
        "control indicators: granted before the first national edition ({standard}, {date})"
    ),
    "not_industrial": "control indicators: not industrial land (land_use {land_use})",
    "land_use_unknown": "control indicators: land_use {land_use} not recognised",
    "no_land_use": "control indicators: no land_use and no industry_code",
    "empty_slot": "{indicator}: {standard} gives no value (empty slot)",
    "empty_table_slot": "{indicator}: {standard} table {table} has an empty slot for {codes}",
    "investment_no_row": "{indicator}: {standard} 投资强度表 has no row for industry {codes}",
    "investment_empty_slot": "{indicator}: {standard} 投资强度表 {region_class} × {codes}: empty slot",
    "no_industry_code": "plot_ratio: no industry_code for the minimum",
    "depends_on_storeys": "plot_ratio: the answer depends on storey heights (give storeys=)",
    "county_not_classed": "investment_intensity: county {county} not in region_classes",
    "no_region_class": (
        "investment_intensity: no region_class "
        "(give a region_class column, or region_classes= and county)"
    ),
    "no_value": "no value to judge: {indicators}",
    "no_threshold": "no threshold: {indicators}",
    # park indicators (landkit.indicators)
    "no_parcels": "no parcels",
    "status_b_not_derivable": "{indicator}: land status B/B21 cannot be derived; give land_status",
    "status_h_not_derivable": "{indicator}: H1/H2 cannot be derived; give land_status",
    "supplied_unknown": "{indicator}: no grant_date or land_status: D unknown",
    "no_idle_status": "{indicator}: no idle result (idle=) or land_status G, or D unknown",
    "denominator_zero": "{indicator}: {denominator} is 0",
    "inputs_missing_on": "{indicator}: {columns} missing on {ids}",
    "data_missing": "{indicator}: data missing",
}

#: how a parameter of a reason reads in Chinese (others are shown as they are)
_ZH_PARAMETERS = {
    "columns": lambda v: value_label("missing_fields", v),
    "indicator": lambda v: value_label("not_evaluated", v),
    "indicators": lambda v: value_label("not_evaluated", v.replace(",", ";")),
    "standard": lambda v: value_label("standard_edition", v),
    "denominator": lambda v: value_label("denominator", v),
    "ids": lambda v: v,
}


class Reasons:
    """Why a parcel's metric or finding is missing: per-row notes from reason codes.

    Each note is a code of :data:`REASON_TEXTS` with its parameters; ``english``
    and ``chinese`` hold the notes of each row joined by ``; `` and ``；``. A
    parameter is one value for every row or a Series (per row); ``ids`` may be
    a pair (English, Chinese).

    Examples
    --------
    >>> notes = Reasons(pd.RangeIndex(2))
    >>> notes.add([True, False], "input_missing", columns="green_area_m2")
    >>> notes.add([True, True], "no_value", indicators="plot_ratio; green_ratio")
    >>> notes.english.tolist()
    ['green_area_m2 missing; no value to judge: plot_ratio; green_ratio', 'no value to judge: plot_ratio; green_ratio']
    >>> notes.chinese.tolist()
    ['缺少绿地面积；无数值可判定：容积率、绿地率', '无数值可判定：容积率、绿地率']
    """

    def __init__(self, index: pd.Index) -> None:
        self.english = pd.Series("", index=index, dtype=object)
        self.chinese = pd.Series("", index=index, dtype=object)

    def add(self, mask, code: str, **parameters) -> None:
        """Add the note ``code`` to the rows where ``mask`` is True."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        english, chinese = REASON_TEXTS[code], value_labels("reason")[code]
        if not any(isinstance(v, pd.Series) for v in parameters.values()):
            self._append(mask, *self._fill(english, chinese, parameters))
            return
        texts_en = np.full(len(mask), "", dtype=object)
        texts_zh = np.full(len(mask), "", dtype=object)
        for i in np.flatnonzero(mask):
            row = {
                k: v.iloc[i] if isinstance(v, pd.Series) else v for k, v in parameters.items()
            }
            texts_en[i], texts_zh[i] = self._fill(english, chinese, row)
        self._append(mask, texts_en, texts_zh)

    def add_notes(self, notes: list[list[tuple[str, dict]]]) -> None:
        """Add, per row (in order), a list of ``(code, parameters)`` notes."""
        rows: dict[tuple, list[int]] = {}
        for i, row in enumerate(notes):
            for code, parameters in row:
                rows.setdefault((code, tuple(parameters.items())), []).append(i)
        for (code, parameters), where in rows.items():
            mask = np.zeros(len(notes), dtype=bool)
            mask[where] = True
            self.add(mask, code, **dict(parameters))

    @staticmethod
    def _fill(english: str, chinese: str, parameters: dict) -> tuple[str, str]:
        en = {k: v[0] if isinstance(v, tuple) else v for k, v in parameters.items()}
        zh = {
            k: v[1] if isinstance(v, tuple) else _ZH_PARAMETERS.get(k, str)(str(v))
            for k, v in parameters.items()
        }
        return english.format(**en), chinese.format(**zh)

    def _append(self, mask: np.ndarray, english, chinese) -> None:
        if isinstance(english, np.ndarray):
            index = self.english.index
            english, chinese = pd.Series(english, index=index), pd.Series(chinese, index=index)
        self.english = add_note(self.english, mask, english)
        self.chinese = add_note(self.chinese, mask, chinese, sep="；")


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
) -> tuple[np.ndarray, list[tuple[str, dict] | None]]:
    """Rows the national control indicators apply to, and why the others are out (notes)."""
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
            why.append(("not_industrial", {"land_use": value}))
        elif g:
            why.append(("land_use_unknown", {"land_use": value}))
        else:
            why.append(("no_land_use", {}))
    return scope, why


def parcel_metrics(
    parcels: gpd.GeoDataFrame,
    buildings: gpd.GeoDataFrame | None = None,
    *,
    standard: str = "auto",
    local_standard: pd.DataFrame | None = None,
    region_classes: pd.DataFrame | Mapping[str, object] | str | None = None,
    storeys: pd.DataFrame | None = None,
    parks: gpd.GeoDataFrame | pd.DataFrame | None = None,
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
        Building footprints with ``floors`` and, for the 8 m rule, ``height_m``,
        ``storey_height_m`` or ``tall_storey_area_m2``; ``building_type`` 建筑物/构筑物. When given, floor area and footprint come from it (a parcel
        without buildings has 0); else from the parcels' ``floor_area_m2`` and
        ``footprint_area_m2``.
    standard : {"auto", "national-2008", "national-2004", "national-2023"}
        The national control-indicator edition (``standards/control_indicators.csv``).
        ``"auto"``: for each parcel the edition in force on its ``grant_date`` (none
        without a grant date, with the reason). Where an edition's value or table slot is
        empty the indicator is not evaluated and ``reason`` says so; landkit never falls
        back to another edition.
    local_standard : DataFrame, optional
        A jurisdiction's own table overriding the national one: columns ``indicator``
        (one of :data:`CONTROL_INDICATORS`), ``min`` and/or ``max``, optionally
        ``industry_code`` (a two-digit division in the parcels' own edition) and
        ``region_class`` (1–7, 一类…七类). Investment, output and tax thresholds are in
        万元/亩.
    region_classes : DataFrame, mapping or path, optional
        County → region class (地区分类 1–7) for the investment-intensity table: a mapping,
        or a table (or CSV path) with ``county`` (所在县区) and ``region_class`` (地区分类)
        or ``land_grade`` (土地等别 1–15, grouped by
        ``standards/region_class_by_land_grade.csv``), matched on the parcels' ``county``.
        A parcel's own ``region_class`` column wins.
    storeys : DataFrame, optional
        One row per storey: ``building_id``, ``storey_height_m``, ``floor_area_m2``
        (:func:`landkit.floor_area.prepare_storeys`).
    parks : DataFrame, optional
        Parks whose ``region_class`` or ``county`` fill in those of their parcels (by
        ``park_id``) for the investment-intensity table.
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
        ``counted_floor_area_upper_m2``, ``storey_heights_unknown``,
        ``footprint_area_m2`` (buildings), ``structure_area_m2``, ``yard_area_m2``,
        ``floor_area_source``, the metrics, ``plot_ratio_upper``, ``admin_share_basis``,
        ``standard_edition``, ``region_class``, ``industry_code_2002``,
        ``crosswalk_ambiguous``, ``investment_intensity_basis``, ``<indicator>_min``,
        ``<indicator>_max``, ``meets_<indicator>``, ``threshold_status`` (the weakest
        status of the thresholds used: verified, user, unconfirmed, example),
        ``geometry_repaired``, ``not_evaluated``, ``reason`` (English) and
        ``reason_zh`` (the same notes in Chinese) and, for the
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
    if standard != "auto":
        national_rules(standard, rules)  # check the name before any work
    local = prepare_local(local_standard)
    data = prepare_layer(parcels, "parcels", required=("parcel_id",), layer="parcels")
    require_crs(data, layer="parcels")
    blds = None
    if buildings is not None:
        blds = prepare_layer(buildings, "buildings", layer="buildings")
        require_crs(blds, layer="buildings")
    check_values(parcels=data, buildings=blds)
    q = parcel_quantities(data, blds, storeys=storeys, area_method=area_method, rules=rules)
    out = pd.DataFrame(index=data.index)
    out["parcel_id"] = data["parcel_id"]
    if "park_id" in data.columns:
        out["park_id"] = data["park_id"]
    out["area_m2"] = q.area_m2
    out["area_mu"] = m2_to_mu(q.area_m2)
    out["area_ha"] = m2_to_ha(q.area_m2)
    out["floor_area_m2"] = q.floor_area_m2
    out["counted_floor_area_m2"] = q.counted_floor_area_m2
    out["counted_floor_area_upper_m2"] = q.counted_floor_area_upper_m2
    out["storey_heights_unknown"] = q.storey_heights_unknown.astype("boolean")
    out["footprint_area_m2"] = q.footprint_area_m2
    out["structure_area_m2"] = q.structure_area_m2
    out["yard_area_m2"] = q.yard_area_m2
    out["floor_area_source"] = q.floor_area_source
    notes = q.notes
    notes.add((q.area_m2 <= 0).to_numpy(), "zero_area")

    out = _metrics(out, data, q, notes)

    land = map_land_use(
        data["land_use"] if "land_use" in data.columns else pd.Series(None, index=data.index),
        scheme=land_use_scheme,
        schemes=data["land_use_scheme"] if "land_use_scheme" in data.columns else None,
    )
    scope, why = _in_scope(data, land, rules)
    divisions = industry_divisions(data)
    editions = numeric_column(data, "industry_code_edition").fillna(industry_code_edition).to_numpy()
    bad_editions = sorted(set(editions.tolist()) - set(_EDITIONS))
    if bad_editions:
        msg = (
            f"parcels: column 'industry_code_edition' holds {bad_editions}. "
            f"Fix: use {', '.join(map(str, _EDITIONS))}."
        )
        raise SchemaError(msg)
    if standard == "auto":
        if "grant_date" in data.columns:
            grant = data["grant_date"]
        else:
            grant = pd.Series(pd.NaT, index=data.index)
        row_standard, no_edition = editions_in_force(grant, rules)
    else:
        row_standard = pd.Series(standard, index=data.index, dtype=object)
        no_edition = pd.Series("", index=data.index, dtype=object)
    park_frame = None if parks is None else prepare_layer(parks, "parks", layer="parks")
    classes, no_class = region_classes_of(data, region_classes, park_frame)
    rows = Rows(row_standard.to_numpy(dtype=object), scope, divisions, editions, classes)
    thresholds, extra, tables, slot_notes = control_thresholds(
        data, rows=rows, local=local, rules=rules
    )
    out["standard_edition"] = row_standard
    out["region_class"] = pd.Series(classes, index=data.index).where(classes > 0).astype("Int64")
    notes.add_notes([why if s else [] for why, s in zip(no_edition, scope, strict=True)])
    notes.add_notes(slot_notes)
    out["industry_code_2002"] = extra["industry_code_2002"]
    out["crosswalk_ambiguous"] = extra["crosswalk_ambiguous"]
    notes.add_notes([[w] if w else [] for w in why])
    not_evaluated = pd.Series("", index=data.index, dtype=object)
    no_threshold_for = pd.Series("", index=data.index, dtype=object)
    no_value_for = pd.Series("", index=data.index, dtype=object)
    for indicator, column in CONTROL_INDICATORS.items():
        low, high = thresholds[f"{indicator}_min"], thresholds[f"{indicator}_max"]
        out[f"{indicator}_min"] = low
        out[f"{indicator}_max"] = high
        upper = out["plot_ratio_upper"] if indicator == "plot_ratio" else None
        meets = judge(out[column], low, high, upper)
        out[f"meets_{indicator}"] = meets
        undecided = meets.isna().to_numpy()
        not_evaluated = add_note(not_evaluated, undecided, indicator)
        no_threshold = (low.isna() & high.isna()).to_numpy()
        no_threshold_for = _add_item(no_threshold_for, undecided & no_threshold & scope, indicator)
        no_value = out[column].isna().to_numpy()
        no_value_for = _add_item(no_value_for, undecided & ~no_threshold & no_value, indicator)
    no_code = scope & np.array([d is None for d in divisions], dtype=bool) & out["plot_ratio_min"].isna()
    notes.add(no_code.to_numpy(), "no_industry_code")
    depends = (
        q.storey_heights_unknown.to_numpy()
        & out["meets_plot_ratio"].isna().to_numpy()
        & out["plot_ratio"].notna().to_numpy()
        & (out["plot_ratio_min"].notna() | out["plot_ratio_max"].notna()).to_numpy()
    )
    notes.add(depends, "depends_on_storeys")
    no_class_yet = (
        scope
        & (classes == 0)
        & row_standard.notna().to_numpy()
        & out["investment_intensity_min"].isna().to_numpy()
    )
    notes.add_notes([why if yet else [] for why, yet in zip(no_class, no_class_yet, strict=True)])
    out["investment_intensity_basis"] = extra["investment_intensity_basis"]
    notes.add((no_value_for != "").to_numpy(), "no_value", indicators=no_value_for)
    notes.add((no_threshold_for != "").to_numpy(), "no_threshold", indicators=no_threshold_for)
    out["threshold_status"] = extra["threshold_status"]
    out["geometry_repaired"] = q.repaired
    out["not_evaluated"] = not_evaluated.replace("", None)
    out["reason"] = notes.english.replace("", None)
    out["reason_zh"] = notes.chinese.replace("", None)
    out["missing_fields"], out["missing_fields_zh"] = _missing_inputs(data, no_value_for)
    out.attrs["landkit_provenance"] = provenance(
        inputs={
            name: frame
            for name, frame in (
                ("parcels", parcels),
                ("buildings", buildings),
                ("storeys", storeys),
                ("parks", parks),
            )
            if frame is not None
        },
        standard=standard,
        standard_editions=sorted(set(row_standard.dropna())),
        region_classes="given" if region_classes is not None else "none",
        local_standard="given" if local is not None else "none",
        rule_tables=[
            _RULES,
            "industry_code_crosswalk",
            "land_use_codes",
            *tables,
            *(["region_class_by_land_grade"] if region_classes is not None else []),
        ],
        rules=[rule.describe() for rule in standards.applied(rules)],
        area_method=area_method,
    )
    return out


#: the two admin-area columns, either of which gives the admin share (English, Chinese)
_BOTH_ADMIN_AREAS = (
    "admin_land_area_m2 and admin_floor_area_m2",
    "和".join(value_label("missing_fields", c) for c in INDICATOR_INPUTS["admin_share"]),
)


def _metrics(out: pd.DataFrame, data: pd.DataFrame, q: Quantities, notes: Reasons) -> pd.DataFrame:
    area, area_mu, area_ha = q.area_m2, out["area_mu"], out["area_ha"]
    green = numeric_column(data, "green_area_m2")
    admin_land = numeric_column(data, "admin_land_area_m2")
    admin_floor = numeric_column(data, "admin_floor_area_m2")
    invested = numeric_column(data, "invested_wan_yuan")
    planned = numeric_column(data, "planned_investment_wan_yuan")
    price = numeric_column(data, "land_price_wan_yuan")
    output = numeric_column(data, "output_wan_yuan")
    tax = numeric_column(data, "tax_wan_yuan")

    out["plot_ratio"] = ratio(q.counted_floor_area_m2, area)
    out["plot_ratio_upper"] = ratio(q.counted_floor_area_upper_m2, area)
    out["building_coefficient"] = ratio(q.coefficient_area_m2, area)
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
        (_BOTH_ADMIN_AREAS, admin_land.isna() & admin_floor.isna()),
        ("invested_wan_yuan", invested.isna()),
        ("land_price_wan_yuan", price.isna()),
        ("planned_investment_wan_yuan", planned.isna()),
        ("output_wan_yuan", output.isna()),
        ("tax_wan_yuan", tax.isna()),
    ):
        notes.add(missing.to_numpy(), "input_missing", columns=column)
    floor_zero = (~use_land & admin_floor.notna() & ~(q.floor_area_m2 > 0)).to_numpy()
    notes.add(floor_zero, "admin_floor_zero")
    return out
