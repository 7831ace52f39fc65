"""The policy's location rules for parks and industrial land.

Beside the annual assessment (:mod:`landkit.assess`), the Kunming policy on
development zones (昆政办〔2019〕15号) sets where parks and industrial projects may be:

* (十六) at most one park per county (:func:`parks_per_county`);
* (十) new industrial projects (granted on or after the policy date) inside a park
  of 市级 or above, mining and energy projects excepted (:func:`parcels_outside_parks`);
* (十七) protective distances between hazardous industries and housing or public
  services (:func:`protective_distance_check`).

The numbers come from the ``assessment`` table (the county limit, the policy date,
the minimum park level, the outside-park tolerance and exemptions), the
``park_levels`` table and the ``protective_distances`` table of
``landkit/standards/``, whose distances are ``example`` values. Industry codes are
read in every written form (``C2614``, ``2614``, ``C26``, ``26``) through
:mod:`landkit.industry_codes`.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable, Mapping
from functools import cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import standards
from .crs import SQM_PER_MU, area_zones, require_crs
from .errors import DataWarning, InputError, SchemaError, describe_ids
from .geometry import is_absent, is_polygonal, repair, require_polygonal
from .industry_codes import industry_codes, normalise_industry_code
from .landuse import map_land_use
from .provenance import provenance
from .schema import prepare_layer

__all__ = [
    "OUTSIDE_PARK_FINDINGS",
    "parcels_outside_parks",
    "parks_per_county",
    "protective_distance_check",
]

logger = logging.getLogger(__name__)

_RULES = "assessment"
_DISTANCES = "protective_distances"
_ref = standards.cite


# ------------------------------------------------------------ parks per county


def parks_per_county(
    parks: gpd.GeoDataFrame,
    counties: gpd.GeoDataFrame | None,
    *,
    county_col: str = "name",
    rules: Mapping[str, object] | pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Count the parks of each county against the limit of one (clause 十六).

    A park belongs to the county holding the largest part of its area (areas in
    the Gauss-Krüger zone of :func:`landkit.crs.area_crs`). With ``counties=None``
    the parks' own ``county`` column (所在县区) decides.

    Parameters
    ----------
    parks : GeoDataFrame
        Parks with ``park_id``.
    counties : GeoDataFrame or None
        County polygons with a name column.
    county_col : str
        The counties' name column (default ``name``; 名称 and other aliases work).
    rules : mapping or DataFrame, optional
        Overrides of the ``assessment`` table (see :mod:`landkit.standards`), e.g.
        ``{"parks_per_county_max": 2}``; recorded with the status ``user``.

    Returns
    -------
    DataFrame
        Indexed by county (every county, in the counties' order): ``park_count``,
        ``park_ids`` (separated by ``;``), ``limit``, ``over_limit``, ``legal_basis``.
        Parks in no county are named in a warning.

    Examples
    --------
    >>> import landkit as lk
    >>> path = lk.sample_data_path()
    >>> table = parks_per_county(lk.read_layer(path, "parks"), lk.read_layer(path, "counties"))
    >>> table.loc[table["over_limit"], ["park_count", "park_ids"]]
            park_count         park_ids
    county
    官渡区            2  G531042;G533124
    """
    rules = standards.overrides(rules, _RULES)
    parks = prepare_layer(parks, "parks", required=("park_id",), layer="parks")
    if counties is None:
        if "county" not in parks.columns:
            raise SchemaError(
                "parks: no 'county' column (所在县区) and no counties layer. "
                "Fix: pass the counties layer or add the column."
            )
        names = parks["county"]
        order = list(dict.fromkeys(names.dropna()))
    else:
        if county_col not in counties.columns:
            counties = prepare_layer(counties, "counties", required=(county_col,), layer="counties")
        dup = counties[county_col].duplicated(keep=False)
        if dup.any():
            raise SchemaError(
                f"counties: column {county_col!r} repeats "
                f"{describe_ids(sorted(set(counties.loc[dup, county_col])))}. "
                "Fix: give every county its own name (or dissolve the parts first)."
            )
        order = counties[county_col].tolist()
        names = _largest_overlap(parks, counties, county_col)
    missing = names.isna()
    if missing.any():
        ids = parks.loc[missing, "park_id"]
        msg = (
            f"parks: {int(missing.sum())} parks lie in no county (or have no geometry or county) "
            f"and are not counted (ids {describe_ids(ids)})"
        )
        zh = f"{int(missing.sum())} 个园区不在任何县区内（或缺图形、县区），未计数（{describe_ids(ids, zh=True)}）"
        warnings.warn(
            DataWarning.said(msg, zh, layer="parks"),
            stacklevel=2,
        )
    rule = standards.get(_RULES, "parks_per_county_max", rules=rules)
    limit = rule.value
    ids = parks["park_id"].groupby(names.to_numpy()).agg(lambda s: ";".join(map(str, s)))
    out = pd.DataFrame(index=pd.Index(order, name="county"))
    out["park_count"] = (
        parks["park_id"].groupby(names.to_numpy()).size().reindex(order).fillna(0).astype(int)
    )
    out["park_ids"] = ids.reindex(order).fillna("")
    out["limit"] = int(limit)
    out["over_limit"] = out["park_count"] > limit
    out["legal_basis"] = np.where(
        out["over_limit"], f"{_ref('十六')}：原则上每个县（市）区园区不超过{limit:g}个", ""
    )
    out.attrs["landkit_provenance"] = provenance(
        inputs={"parks": parks, "counties": counties if counties is not None else "parks.county"},
        rule_tables=[_RULES],
        rules=[rule.describe()],
    )
    return out


def _largest_overlap(
    parks: gpd.GeoDataFrame, counties: gpd.GeoDataFrame, county_col: str
) -> pd.Series:
    """The county holding the largest share of each park's area (NA when none)."""
    require_crs(parks, layer="parks")
    require_crs(counties, layer="counties")
    crs = area_zones(parks)[0][0]
    logger.info("assigning parks to counties by overlap area in %s", crs.to_string())
    park_geoms, _ = repair(parks.to_crs(crs), layer="parks")
    county_geoms, _ = repair(counties.to_crs(crs), layer="counties")
    tree = shapely.STRtree(county_geoms.values)
    left, right = tree.query(park_geoms.values, predicate="intersects")
    names = pd.Series(pd.NA, index=parks.index, dtype=object)
    if len(left):
        areas = shapely.area(
            shapely.intersection(park_geoms.values[left], county_geoms.values[right])
        )
        pairs = pd.DataFrame({"park": left, "county": right, "area": areas})
        best = pairs.sort_values(["park", "area"], ascending=[True, False], kind="stable")
        best = best.drop_duplicates("park")
        names.iloc[best["park"].to_numpy()] = counties[county_col].to_numpy()[
            best["county"].to_numpy()
        ]
    return names


# ------------------------------------------------------- parcels outside parks


def _land_class(frame: pd.DataFrame, category: str) -> pd.Series:
    """True where ``land_use`` is in ``category``; NA where the code is missing or unknown.

    Categories: ``industrial`` (2023 code 1001 工业用地 and its subclasses),
    ``residential`` and ``public_service`` (the groups of :func:`landkit.landuse.map_land_use`).
    The code scheme comes from a ``land_use_scheme`` column when there is one (default 2023).
    """
    schemes = frame["land_use_scheme"] if "land_use_scheme" in frame.columns else None
    mapped = map_land_use(frame["land_use"], schemes=schemes)
    if category == "industrial":
        hit = mapped["code_2023"].astype("string").str.startswith("1001")
    else:
        hit = mapped["mix_group"].astype("string") == category
    return hit.astype("boolean").where(mapped["code_2023"].notna(), pd.NA)


def _code_in(codes: pd.Series, prefixes: Iterable[str]) -> pd.Series:
    """True where a normalised code starts with one of the (normalised) prefixes."""
    wanted = tuple(code for code in map(normalise_industry_code, prefixes) if code)
    return codes.astype("string").str.startswith(wanted).fillna(False).astype(bool)


@cache
def _level_ranks() -> dict[str, tuple[str, int]]:
    """Every written park level (lower case) → (level code, rank); 市级 ranks 2."""
    out = {}
    for row in standards.table("park_levels").itertuples():
        for name in (row.level, *row.names.split("|")):
            out[name.strip().lower()] = (row.level, int(row.rank))
    return out


def _park_levels(parks: gpd.GeoDataFrame) -> pd.Series:
    """The level code of every park (``national`` … ``township``); NA where unknown."""
    if "level" not in parks.columns:
        return pd.Series(pd.NA, index=parks.index, dtype=object)
    ranks = _level_ranks()
    text = parks["level"].astype("string").str.strip().str.lower()
    return text.map(lambda v: ranks.get(v, (pd.NA,))[0] if pd.notna(v) else pd.NA)


def _location(part, polygonal, unions, tolerance_m2: float):
    """location_status, the area outside every park and outside the qualifying parks."""
    qualifying, lower, unknown = unions
    every = shapely.union_all([qualifying, lower, unknown])
    area = shapely.area(part)
    out_every = shapely.area(shapely.difference(part, every))
    beyond = shapely.difference(part, qualifying)
    out_qualifying = shapely.area(beyond)
    in_unknown = shapely.area(shapely.intersection(beyond, unknown))
    status = np.where(
        out_every >= tolerance_m2,
        np.where(out_every < area - tolerance_m2, "partly_outside", "outside"),
        np.where(in_unknown >= tolerance_m2, "park_level_unknown", "in_lower_level_park"),
    )
    status = np.where(out_qualifying < tolerance_m2, "inside", status)
    points = np.where(
        shapely.intersects(part, qualifying),
        "inside",
        np.where(
            shapely.intersects(part, unknown),
            "park_level_unknown",
            np.where(shapely.intersects(part, lower), "in_lower_level_park", "outside"),
        ),
    )
    return (
        np.where(polygonal, status, points),
        np.where(polygonal, out_every, np.nan),
        np.where(polygonal, out_qualifying, np.nan),
        np.where(polygonal, area, np.nan),
    )


OUTSIDE_PARK_FINDINGS = ("outside", "partly_outside", "in_lower_level_park")
"""The ``park_status`` values that break clause 十 (a new industrial project)."""


def parcels_outside_parks(
    parcels: gpd.GeoDataFrame,
    parks: gpd.GeoDataFrame,
    *,
    since=None,
    tolerance_m2: float | None = None,
    rules: Mapping[str, object] | pd.DataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Industrial parcels or projects outside every park of 市级 or above (clause 十).

    "除矿产资源、能源开发等对选址有特殊要求的项目外，新上工业项目必须安排在当地市级及以上园区":
    the rule concerns *new* industrial projects and parks at 市级 or above. So

    * a parcel granted (``grant_date``) before the policy date (the ``assessment``
      table's ``policy_date``, 2019-01-18) is ``existing``, and one without a grant
      date is ``date_unknown``: neither is a violation;
    * a park's ``level`` (级别: 国家级, 省级, 市级, 县级 … through the ``park_levels``
      table; minimum ``outside_park_min_level``) decides whether it counts: a
      parcel lying only in parks below 市级 is ``in_lower_level_park``, one in a
      park whose level is missing ``park_level_unknown`` (never ``inside``);
    * mining and energy projects are exempt (industry codes in the ``assessment``
      table, ``outside_park_exempt_industries``, matched in any written form
      through :func:`landkit.industry_codes.industry_codes`).

    A row is industrial when its ``land_use`` maps to 1001 工业用地 (三调 0601 with
    ``land_use_scheme="sandiao"``, GB 50137 M…); without ``land_use``, when its
    ``industry_code`` lies in 门类 B, C or D (工业 in the statistical sense). Areas
    are measured in the Gauss-Krüger zone of each feature. Points (projects) are
    inside when they fall in or on a park.

    Parameters
    ----------
    parcels : GeoDataFrame
        Parcels or project points.
    parks : GeoDataFrame
        Park boundaries with ``level``.
    since : date or str, optional
        Parcels granted on or after this date are new projects (default: the
        table's ``policy_date``); the same as ``rules={"policy_date": ...}``.
    tolerance_m2 : float, optional
        Outside area below this counts as inside (default: the table's
        ``outside_park_tolerance_m2``); the same as
        ``rules={"outside_park_tolerance_m2": ...}``.
    rules : mapping or DataFrame, optional
        Overrides of the ``assessment`` table (see :mod:`landkit.standards`), e.g.
        ``{"outside_park_exempt_industries": "06;07;08"}``; recorded with the status ``user``.

    Returns
    -------
    GeoDataFrame
        A copy of ``parcels`` (same index and order) with ``industrial``,
        ``exempt``, ``new_project`` (granted on or after the policy date; NA
        without a grant date), ``outside_park_m2`` and ``outside_park_mu``
        (outside every park), ``outside_qualifying_park_m2`` (outside every park
        of 市级 or above), ``outside_share``, ``location_status`` ∈ {``inside``
        (in a park of 市级 or above), ``partly_outside``, ``outside``,
        ``in_lower_level_park``, ``park_level_unknown``, ``no_geometry``},
        ``park_status`` (the finding) ∈ {``inside``, ``partly_outside``,
        ``outside``, ``in_lower_level_park``, ``park_level_unknown``,
        ``not_industrial``, ``exempt``, ``existing``, ``date_unknown``,
        ``unknown_use``, ``no_geometry``} and ``legal_basis`` (filled for the
        findings ``outside``, ``partly_outside`` and ``in_lower_level_park``).

    Examples
    --------
    >>> import landkit as lk
    >>> path = lk.sample_data_path()
    >>> result = parcels_outside_parks(lk.read_layer(path, "parcels"), lk.read_layer(path, "parks"))
    >>> result["park_status"].value_counts().to_dict()
    {'inside': 89, 'not_industrial': 10}
    """
    rules = standards.overrides(
        rules, _RULES, given={"outside_park_tolerance_m2": tolerance_m2, "policy_date": since}
    )
    require_crs(parcels, layer="parcels")
    require_crs(parks, layer="parks")
    table = prepare_layer(parcels, "parcels", layer="parcels")
    used = {
        key: standards.get(_RULES, key, rules=rules)
        for key in (
            "outside_park_tolerance_m2",
            "outside_park_exempt_industries",
            "policy_date",
            "outside_park_min_level",
        )
    }
    tolerance_m2 = float(used["outside_park_tolerance_m2"].value)
    exempt_codes = str(used["outside_park_exempt_industries"].value).split(";")
    policy_date = pd.Timestamp(used["policy_date"].value)
    min_level = _level_ranks().get(str(used["outside_park_min_level"].value).strip().lower())
    if min_level is None:
        msg = (
            f"rules: outside_park_min_level {used['outside_park_min_level'].value!r} is no park "
            f"level. Fix: use one of {', '.join(standards.table('park_levels')['level'])}."
        )
        raise InputError(msg)

    industrial = pd.Series(pd.NA, index=table.index, dtype="boolean")
    if "land_use" in table.columns:
        industrial = _land_class(table, "industrial")
    exempt = pd.Series(False, index=table.index)
    if "industry_code" in table.columns:
        codes = industry_codes(
            table["industry_code"],
            table.get("industry_code_edition"),
            layer="parcels",
            ids=table.get("parcel_id"),
        )
        industrial = industrial.fillna(codes["industrial"])
        exempt = _code_in(codes["industry_code"], exempt_codes)

    geoms, repaired = repair(table, layer="parcels")
    geoms = geoms.reset_index(drop=True)  # positions from here on
    absent = is_absent(geoms)
    location = np.full(len(geoms), "no_geometry", dtype=object)
    outside_m2 = np.full(len(geoms), np.nan)
    outside_qualifying_m2 = np.full(len(geoms), np.nan)
    area_m2 = np.full(len(geoms), np.nan)
    park_geoms, _ = repair(parks, layer="parks")
    require_polygonal(park_geoms, parks.get("park_id", parks.index), layer="parks")
    levels = _park_levels(parks)
    rank = levels.map(lambda v: _level_ranks()[v][1] if pd.notna(v) else np.nan).to_numpy()
    groups = (rank >= min_level[1], rank < min_level[1], np.isnan(rank.astype(float)))
    zones = area_zones(geoms)
    logger.info("measuring in %s", ", ".join(crs.to_string() for crs, _ in zones))
    for crs, idx in zones:
        positions = idx.to_numpy()
        positions = positions[~absent[positions]]
        part = geoms.iloc[positions].to_crs(crs).values
        projected = park_geoms.to_crs(crs).values
        unions = [shapely.union_all(projected[group]) for group in groups]
        polygonal = is_polygonal(part)
        found = _location(part, polygonal, unions, tolerance_m2)
        location[positions], outside_m2[positions] = found[0], found[1]
        outside_qualifying_m2[positions], area_m2[positions] = found[2], found[3]

    out = parcels.copy()
    out["industrial"] = industrial.to_numpy()
    out["exempt"] = exempt.to_numpy()
    new = pd.Series(pd.NA, index=table.index, dtype="boolean")
    if "grant_date" in table.columns:
        granted = pd.to_datetime(table["grant_date"], errors="coerce")
        new = (granted >= policy_date).astype("boolean").where(granted.notna(), pd.NA)
    out["new_project"] = new.to_numpy()
    out["outside_park_m2"] = outside_m2
    out["outside_park_mu"] = outside_m2 / SQM_PER_MU
    out["outside_qualifying_park_m2"] = outside_qualifying_m2
    with np.errstate(invalid="ignore", divide="ignore"):
        out["outside_share"] = np.where(area_m2 > 0, outside_m2 / area_m2, np.nan)
    out["location_status"] = location
    known = industrial.notna().to_numpy()
    is_industrial = industrial.fillna(False).to_numpy(dtype=bool)
    status = np.where(known, location, "unknown_use")
    status = np.where(known & ~is_industrial, "not_industrial", status)
    status = np.where(is_industrial & exempt.to_numpy(), "exempt", status)
    finding = np.isin(status, OUTSIDE_PARK_FINDINGS)
    status = np.where(finding & new.isna().to_numpy(), "date_unknown", status)
    status = np.where(finding & new.eq(False).fillna(False).to_numpy(), "existing", status)
    status = np.where(absent, "no_geometry", status)
    out["park_status"] = status
    out["legal_basis"] = np.where(
        np.isin(status, OUTSIDE_PARK_FINDINGS), f"{_ref('十')}：新上工业项目必须安排在当地市级及以上园区", ""
    )
    if repaired.any():
        out["geometry_repaired"] = repaired
    out.attrs["landkit_provenance"] = provenance(
        inputs={"parcels": parcels, "parks": parks},
        rule_tables=[_RULES, "park_levels", "industry_sections"],
        rules=[rule.describe() for rule in used.values()],
        area_crs=[crs.to_string() for crs, _ in zones],
        tolerance_m2=tolerance_m2,
        exempt_industries=exempt_codes,
        parks_without_known_level=int(levels.isna().sum()),
    )
    return out


# --------------------------------------------------------- protective distances


def _distance_table(distances: pd.DataFrame | None) -> pd.DataFrame:
    table = (
        standards.table(_DISTANCES) if distances is None else pd.DataFrame(distances).copy()
    )
    missing = [c for c in ("industry_code", "distance_m") if c not in table.columns]
    if missing:
        raise InputError(
            f"distances: missing column(s) {', '.join(missing)}. "
            "Fix: give industry_code, distance_m"
        )
    table["distance_m"] = pd.to_numeric(table["distance_m"], errors="coerce")
    if table["distance_m"].isna().any() or (table["distance_m"] < 0).any():
        bad = table.loc[table["distance_m"].isna() | (table["distance_m"] < 0), "industry_code"]
        raise InputError(
            f"distances: distance_m must be a non-negative number ({describe_ids(bad)})"
        )
    if "industry_code_edition" not in table.columns:
        table["industry_code_edition"] = "2017"
    table["industry_code_edition"] = _edition(table["industry_code_edition"])
    table["industry_code"] = industry_codes(
        table["industry_code"],
        table["industry_code_edition"].astype(int),
        layer="distances",
    )["industry_code"]
    if "status" not in table.columns:
        table["status"] = "user"
    return table


def _edition(values: pd.Series) -> pd.Series:
    """Code editions as text; 2011 and 2017 share their divisions, so 2011 reads as 2017."""
    numbers = pd.to_numeric(values, errors="coerce").fillna(2017).astype(int)
    return numbers.replace({2011: 2017}).astype(str)


def _required_distances(table: pd.DataFrame, rules: pd.DataFrame) -> pd.DataFrame:
    """The distance row matching each plant's code (the longest matching code prefix).

    Codes in any written form (``"C2614"``, ``"2614"``, ``"C26"``, ``"26"``) match.
    """
    given = table.get("industry_code_edition")
    codes = industry_codes(
        table["industry_code"], given, layer="plants", ids=table.get("parcel_id")
    )["industry_code"].astype("string")
    editions = _edition(given) if given is not None else pd.Series("2017", index=table.index)
    out = pd.DataFrame(
        {"required_distance_m": np.nan, "distance_rule_status": None, "industry_name": None},
        index=table.index,
    )
    order = rules.assign(length=rules["industry_code"].str.len()).sort_values(
        "length", kind="stable"
    )
    for row in order.itertuples():
        match = (
            codes.str.startswith(row.industry_code).fillna(False)
            & (editions == row.industry_code_edition)
        ).to_numpy()
        out.loc[match, "required_distance_m"] = row.distance_m
        out.loc[match, "distance_rule_status"] = row.status
        out.loc[match, "industry_name"] = getattr(row, "industry_name", None)
    return out


def protective_distance_check(
    plants: gpd.GeoDataFrame,
    sensitive: gpd.GeoDataFrame,
    *,
    distances: pd.DataFrame | None = None,
    sensitive_uses: Iterable[str] | None = ("residential", "public_service"),
) -> gpd.GeoDataFrame:
    """Check protective distances between hazardous plants and housing or public services (十七).

    The distance a plant must keep comes from its ``industry_code`` (GB/T 4754; the
    edition from ``industry_code_edition``, default 2017) in the
    ``protective_distances`` table, by the longest matching code prefix. Distances
    are measured edge to edge in metres in the Gauss-Krüger zone of each plant.

    Parameters
    ----------
    plants : GeoDataFrame
        Plants (parcels or points) with ``industry_code``.
    sensitive : GeoDataFrame
        Land to protect. When it has ``land_use``, only rows in ``sensitive_uses``
        count (land-use groups of :func:`landkit.landuse.map_land_use`: 07… housing,
        08… public services; 三调 and GB 50137 codes too); ``sensitive_uses=None``
        counts every row.
    distances : DataFrame, optional
        ``industry_code``, ``distance_m`` (and ``industry_code_edition``,
        ``status``) instead of the shipped table, whose distances are ``example``
        values: no source read fixes them. Use the distances of the project's
        environmental impact assessment.
    sensitive_uses : iterable of str or None
        Categories among ``residential`` and ``public_service``.

    Returns
    -------
    GeoDataFrame
        A copy of ``plants`` (same index and order) with ``required_distance_m``,
        ``distance_rule_status``, ``nearest_sensitive`` (its ``parcel_id``, else
        its index label), ``nearest_sensitive_distance_m``, ``sensitive_within``
        (how many sensitive features lie closer than required), ``shortfall_m``,
        ``distance_status`` ∈ {``compliant``, ``too_close``, ``not_listed``,
        ``no_sensitive``, ``no_geometry``} and ``legal_basis``.

    Examples
    --------
    >>> import landkit as lk
    >>> parcels = lk.read_layer(lk.sample_data_path(), "parcels")
    >>> result = protective_distance_check(parcels, parcels)
    >>> plant = result[result["case"] == "chemical_plant"].iloc[0]
    >>> plant["industry_code"], float(plant["required_distance_m"]), plant["distance_status"]
    ('26', 500.0, 'too_close')
    >>> round(float(plant["nearest_sensitive_distance_m"])), float(plant["shortfall_m"])
    (290, 210.0)
    """
    require_crs(plants, layer="plants")
    require_crs(sensitive, layer="sensitive")
    table = prepare_layer(plants, "parcels", required=("industry_code",), layer="plants")
    guarded = prepare_layer(sensitive, "parcels", layer="sensitive")
    if sensitive_uses is not None and "land_use" in guarded.columns:
        uses = list(sensitive_uses)
        unknown = sorted(set(uses) - {"residential", "public_service"})
        if unknown:
            raise InputError(f"sensitive_uses: unknown {unknown}; use residential, public_service")
        keep = np.zeros(len(guarded), dtype=bool)
        for use in uses:
            keep |= _land_class(guarded, use).fillna(False).to_numpy(dtype=bool)
        guarded = guarded[keep]
    names = (
        guarded["parcel_id"]
        if "parcel_id" in guarded.columns
        else pd.Series(guarded.index, index=guarded.index)
    )
    guarded_geoms, _ = repair(guarded, layer="sensitive")
    present_guarded = ~is_absent(guarded_geoms)
    guarded_geoms = guarded_geoms[present_guarded]
    names = names[present_guarded]

    required = _required_distances(table, _distance_table(distances))
    geoms, _ = repair(table, layer="plants")
    geoms = geoms.reset_index(drop=True)  # positions from here on
    absent = is_absent(geoms)
    need_all = required["required_distance_m"].to_numpy(dtype=float)
    nearest_name = np.full(len(geoms), None, dtype=object)
    nearest_m = np.full(len(geoms), np.nan)
    within = np.zeros(len(geoms), dtype=int)
    zones = area_zones(geoms)
    logger.info("measuring in %s", ", ".join(crs.to_string() for crs, _ in zones))
    for crs, idx in zones:
        positions = idx.to_numpy()
        positions = positions[~absent[positions]]
        if not len(positions) or not len(guarded_geoms):
            continue
        part = geoms.iloc[positions].to_crs(crs).values
        tree = shapely.STRtree(guarded_geoms.to_crs(crs).values)
        (which, hit), gap = tree.query_nearest(part, return_distance=True, all_matches=False)
        nearest_m[positions[which]] = gap
        nearest_name[positions[which]] = names.to_numpy()[hit]
        need = need_all[positions]
        listed = ~np.isnan(need)
        if listed.any():
            # strictly closer than required: a feature at exactly the distance complies
            limit = np.nextafter(need[listed], 0)
            close, _ = tree.query(part[listed], predicate="dwithin", distance=limit)
            within[positions[listed]] = np.bincount(close, minlength=int(listed.sum()))

    out = plants.copy()
    out["required_distance_m"] = need_all
    out["distance_rule_status"] = required["distance_rule_status"].to_numpy()
    out["nearest_sensitive"] = nearest_name
    out["nearest_sensitive_distance_m"] = nearest_m
    out["sensitive_within"] = np.where(np.isnan(need_all), np.nan, within)
    too_close = nearest_m < need_all
    out["shortfall_m"] = np.where(too_close, need_all - nearest_m, np.nan)
    status = np.where(too_close, "too_close", "compliant")
    status = np.where(np.isnan(nearest_m), "no_sensitive", status)
    status = np.where(np.isnan(need_all), "not_listed", status)
    status = np.where(absent, "no_geometry", status)
    out["distance_status"] = status
    out["legal_basis"] = np.where(
        status == "too_close", f"{_ref('十七')}：严格落实安全生产和环境保护所需的防护距离", ""
    )
    out.attrs["landkit_provenance"] = provenance(
        inputs={"plants": plants, "sensitive": sensitive},
        rule_tables=[_DISTANCES if distances is None else "distances (given)"],
        distance_crs=[crs.to_string() for crs, _ in zones],
        sensitive_uses=list(sensitive_uses) if sensitive_uses is not None else "all rows",
    )
    return out
