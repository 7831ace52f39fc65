"""Floor area of buildings for the plot ratio: the 8 m storey rule and structures.

国土资发〔2008〕24号: "建筑物层高超过8米的，在计算容积率时该层建筑面积加倍计算" — only the storeys
taller than 8 m are doubled (height and factor in ``standards/control_indicators.csv``).
For each building, the floor area on tall storeys is taken from, in order:

1. a storeys table (``storeys=``: ``building_id``, ``storey_height_m``, ``floor_area_m2``,
   one row per storey; the building's gross floor area is then the table's total);
2. the building's ``tall_storey_area_m2`` (floor area on storeys over 8 m);
3. the building's ``storey_height_m`` (every storey that high);
4. ``height_m`` and ``floors``: a single storey over 8 m is doubled; a building of several
   storeys whose average storey exceeds 8 m is flagged ``storey_heights_unknown`` (its
   counted floor area lies between the gross area and the fully doubled area); an
   average of 8 m or less is not doubled (heights alone cannot show one tall storey).

``building_type`` tells buildings (建筑物) from structures (构筑物: tanks, silos, towers).
A structure counts in the building coefficient and never in floor area.

Examples
--------
>>> import pandas as pd
>>> b = pd.DataFrame({"building_id": ["B1", "B2", "B3"], "floors": [1, 2, 3],
...                   "height_m": [9.0, 17.0, 27.0]})
>>> f = building_floors(b, footprint_m2=pd.Series([100.0, 100.0, 100.0]))
>>> f.gross.tolist(), f.counted_low.tolist(), f.counted_high.tolist()
([1.0, 2.0, 3.0], [2.0, 2.0, 3.0], [2.0, 4.0, 6.0])
>>> f.unknown.tolist()
[False, True, True]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import standards
from .errors import SchemaError, describe_ids
from .labels import value_labels

__all__ = ["BuildingFloors", "building_floors", "building_types", "prepare_storeys"]

_RULES = "control_indicators"
#: accepted spellings of building_type beyond the English codes and the Chinese labels
_TYPE_ALIASES = {
    "building": ("建筑", "房屋", "房屋建筑", "厂房", "b"),
    "structure": ("构筑", "构造物", "构建筑物", "s"),
}
#: column aliases of a storeys table (one row per storey)
_STOREY_COLUMNS = {
    "building_id": ("building_id", "建筑编号", "楼栋编号", "建筑物编号", "jzwbh"),
    "storey_height_m": ("storey_height_m", "height_m", "层高", "层高_米", "层高（米）"),
    "floor_area_m2": ("floor_area_m2", "建筑面积", "层建筑面积", "本层建筑面积"),
}


@dataclass
class BuildingFloors:
    """Per building, floor area per m² of footprint (the building's own order).

    ``gross`` counts every storey once; ``counted_low`` doubles the storeys known to be
    over the limit; ``counted_high`` also doubles those whose height is unknown
    (``unknown``). Structures have 0 everywhere. NaN where floors are unknown.
    """

    gross: np.ndarray
    counted_low: np.ndarray
    counted_high: np.ndarray
    unknown: np.ndarray
    structure: np.ndarray


def building_types(buildings: pd.DataFrame) -> np.ndarray:
    """True for structures (构筑物), False for buildings (建筑物, also where not given).

    Raises :class:`~landkit.errors.SchemaError` naming the buildings whose
    ``building_type`` is neither.

    Examples
    --------
    >>> import pandas as pd
    >>> building_types(pd.DataFrame({"building_type": ["构筑物", "building", None]})).tolist()
    [True, False, False]
    """
    if "building_type" not in buildings.columns:
        return np.zeros(len(buildings), dtype=bool)
    names = {}
    for code, label in value_labels("building_type").items():
        for spelling in (code, label, *_TYPE_ALIASES.get(code, ())):
            names[str(spelling).strip().lower()] = code
    values = buildings["building_type"].to_numpy(dtype=object)
    known = pd.notna(values)
    codes = np.array(
        [names.get(str(v).strip().lower()) if k else "building" for v, k in zip(values, known, strict=True)],
        dtype=object,
    )
    bad = np.array([c is None for c in codes])
    if bad.any():
        ids = _ids(buildings)[bad]
        msg = (
            f"buildings: column 'building_type' holds {sorted(set(map(str, values[bad])))} "
            f"(buildings {describe_ids(ids)}). Fix: write 建筑物 (building) or 构筑物 (structure)."
        )
        raise SchemaError(msg)
    return codes == "structure"


def prepare_storeys(storeys: pd.DataFrame) -> pd.DataFrame:
    """A storeys table with canonical columns ``building_id``, ``storey_height_m``,
    ``floor_area_m2`` (numbers checked; one row per storey).

    Examples
    --------
    >>> import pandas as pd
    >>> t = prepare_storeys(pd.DataFrame({"建筑编号": ["B1"], "层高": [12], "建筑面积": [100]}))
    >>> t.columns.tolist()
    ['building_id', 'storey_height_m', 'floor_area_m2']
    """
    if not isinstance(storeys, pd.DataFrame):
        msg = f"storeys: expected a DataFrame, got {type(storeys).__name__}"
        raise SchemaError(msg)
    lower = {str(c).strip().lower(): c for c in storeys.columns}
    out = pd.DataFrame(index=storeys.index)
    missing = []
    for column, spellings in _STOREY_COLUMNS.items():
        found = next((lower[s] for s in spellings if s in lower), None)
        if found is None:
            missing.append(column)
        else:
            out[column] = storeys[found]
    if missing:
        msg = (
            f"storeys: missing column(s) {', '.join(missing)}. Fix: give one row per storey "
            "with building_id (建筑编号), storey_height_m (层高) and floor_area_m2 (建筑面积)."
        )
        raise SchemaError(msg)
    out["building_id"] = out["building_id"].astype(str).str.strip()
    problems = []
    for column in ("storey_height_m", "floor_area_m2"):
        number = pd.to_numeric(out[column], errors="coerce")
        bad = number.isna() | (number < 0)
        if bad.any():
            ids = out.loc[bad, "building_id"].tolist()
            problems.append(f"'{column}' is missing, not a number or negative ({describe_ids(ids)})")
        out[column] = number.astype(float)
    if problems:
        msg = "storeys: " + "; ".join(problems) + ". Fix: write plain non-negative numbers."
        raise SchemaError(msg)
    return out


def _ids(buildings: pd.DataFrame) -> np.ndarray:
    if "building_id" in buildings.columns:
        return buildings["building_id"].to_numpy(dtype=object)
    return np.array([f"row {i}" for i in buildings.index], dtype=object)


def _numbers(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)


def building_floors(
    buildings: pd.DataFrame,
    *,
    footprint_m2: pd.Series,
    storeys: pd.DataFrame | None = None,
    rules: Mapping[str, object] | None = None,
) -> BuildingFloors:
    """Gross and counted floor area per m² of footprint of each building.

    Parameters
    ----------
    buildings : DataFrame
        Prepared buildings (``building_id``, ``floors``, ``height_m``, optionally
        ``storey_height_m``, ``tall_storey_area_m2``, ``building_type``).
    footprint_m2 : Series
        Each building's whole footprint (m²), in the buildings' order; it turns the
        absolute floor areas of ``tall_storey_area_m2`` and ``storeys`` into factors.
    storeys : DataFrame, optional
        One row per storey (see :func:`prepare_storeys`); it wins for the buildings it
        lists.
    rules : mapping, optional
        Overrides of ``tall_storey_height_m`` and ``tall_storey_factor``.
    """
    limit = standards.get(_RULES, "tall_storey_height_m", rules=rules).value
    extra = standards.get(_RULES, "tall_storey_factor", rules=rules).value - 1
    n = len(buildings)
    footprint = np.asarray(footprint_m2, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_m2 = np.where(footprint > 0, 1.0 / footprint, np.nan)
    floors = _numbers(buildings, "floors")
    height = _numbers(buildings, "height_m")
    storey_height = _numbers(buildings, "storey_height_m")
    tall_area = _numbers(buildings, "tall_storey_area_m2")

    gross = floors.copy()
    share_low = np.zeros(n)  # share of gross floor area on tall storeys (known)
    share_high = np.zeros(n)
    # 4. height and floors
    with np.errstate(divide="ignore", invalid="ignore"):
        average = np.where(floors > 0, height / floors, np.nan)
    single = (floors == 1) & (height > limit)
    unknown = (floors > 1) & (average > limit)
    share_low[single] = 1.0
    share_high[single | unknown] = 1.0
    # 3. a storey height given for every storey
    given = ~np.isnan(storey_height)
    share_low[given] = share_high[given] = (storey_height[given] > limit).astype(float)
    unknown &= ~given
    low = gross * (1 + extra * share_low)
    high = gross * (1 + extra * share_high)
    # 2. floor area on tall storeys
    given = ~np.isnan(tall_area)
    low[given] = high[given] = gross[given] + extra * tall_area[given] * per_m2[given]
    unknown &= ~given
    # 1. a storeys table
    if storeys is not None:
        table = prepare_storeys(storeys)
        table["tall"] = table["floor_area_m2"].where(table["storey_height_m"] > limit, 0.0)
        totals = table.groupby("building_id")[["floor_area_m2", "tall"]].sum()
        ids = pd.Series(_ids(buildings)).astype(str).str.strip()
        listed = ids.isin(totals.index).to_numpy()
        found = totals.reindex(ids[listed])
        gross[listed] = found["floor_area_m2"].to_numpy() * per_m2[listed]
        low[listed] = high[listed] = (
            found["floor_area_m2"].to_numpy() + extra * found["tall"].to_numpy()
        ) * per_m2[listed]
        unknown &= ~listed
    structure = building_types(buildings)
    for values in (gross, low, high):
        values[structure] = 0.0
    unknown &= ~structure
    return BuildingFloors(gross, low, high, unknown, structure)
