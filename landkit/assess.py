"""Annual park assessment and the policy's other land rules.

The Kunming policy on development zones (昆政办〔2019〕15号) ranks its parks every
year and acts on the result, and sets a few land rules beside the assessment:

* (十九) a yellow card for a park that fails the annual assessment or ranks in the
  last three; delisting for a park last three years running; area reduction or
  downgrade for parks that hold land idle for long or develop little
  (:func:`assess_parks`);
* (十六) at most one park per county, and expansion only for a park built up on its
  approved area that meets the intensive-use standards (:func:`parks_per_county`,
  the ``expansion_ready`` column of :func:`assess_parks`);
* (十) new industrial projects inside a park, mining and energy projects excepted
  (:func:`parcels_outside_parks`);
* (十七) protective distances between hazardous industries and housing or public
  services (:func:`protective_distance_check`);
* (五) leading industries above 80 % of a park's output and emerging industries
  at 40 % (:func:`industry_concentration`).

Every number comes from a table in ``landkit/standards/`` (``assessment``,
``assessment_scheme``, ``assessment_expansion``, ``protective_distances``) with its
document, clause and status. Numbers no source fixes (the pass mark, the weights,
the distances) ship as ``example`` values; a result that rests on one says so.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import standards
from .crs import SQM_PER_MU, area_zones, require_crs
from .errors import DataWarning, InputError, SchemaError, describe_ids
from .geometry import repair
from .landuse import map_land_use
from .provenance import provenance
from .schema import label, prepare_layer

__all__ = [
    "assess_parks",
    "industry_concentration",
    "parcels_outside_parks",
    "parks_per_county",
    "protective_distance_check",
]

logger = logging.getLogger(__name__)

POLICY = "昆政办〔2019〕15号"
_RULES = "assessment"
_SCHEME = "assessment_scheme"
_EXPANSION = "assessment_expansion"
_DISTANCES = "protective_distances"
_ASSESSMENT_KEYS = (
    "pass_mark",
    "yellow_card_bottom_n",
    "delist_consecutive_years",
    "long_idle_rate_min",
    "long_idle_years",
    "low_development_rate_max",
)


# --------------------------------------------------------------------- rules


def _rule(key: str, overrides: Mapping[str, object] | None) -> tuple[float, str]:
    """The value of an assessment rule and its status (``user`` when overridden)."""
    if overrides and key in overrides:
        return float(overrides[key]), "user"
    row = standards.rule_row(_RULES, key)
    return float(standards.rule(_RULES, key)), row["status"]


def _ref(clause: str) -> str:
    return f"{POLICY}（{clause}）"


def _number(value: float, unit: str = "") -> str:
    """A value as text; fractions as percentages (0.05 → 5%)."""
    return f"{value * 100:.4g}%" if unit == "fraction" else f"{value:.4g}"


def _shown(value: float, status: str, unit: str = "") -> str:
    text = _number(value, unit)
    return f"{text}（示例值）" if status == "example" else text


def _check_overrides(overrides: Mapping[str, object] | None) -> None:
    if not overrides:
        return
    known = set(standards.load_table(_RULES)["key"])
    unknown = sorted(set(overrides) - known)
    if unknown:
        msg = (
            f"rules: unknown key(s) {', '.join(unknown)}. Fix: use keys of the "
            f"'{_RULES}' table: {', '.join(sorted(known))}"
        )
        raise InputError(msg)
    not_numbers = sorted(
        k for k, v in overrides.items() if pd.isna(pd.to_numeric(v, errors="coerce"))
    )
    if not_numbers:
        raise InputError(f"rules: {', '.join(not_numbers)} must be numbers")


# -------------------------------------------------------------------- scheme


def _scheme_table(scheme: pd.DataFrame | Mapping | None) -> pd.DataFrame:
    """The scoring scheme as a frame indexed by indicator with weight, direction, ideal, worst."""
    if scheme is None:
        table = standards.load_table(_SCHEME)
    elif isinstance(scheme, Mapping):
        table = (
            pd.DataFrame.from_dict(dict(scheme), orient="index").rename_axis("key").reset_index()
        )
    else:
        table = pd.DataFrame(scheme).copy()
    if "key" not in table.columns and "indicator" in table.columns:
        table = table.rename(columns={"indicator": "key"})
    missing = [c for c in ("key", "weight", "direction", "ideal") if c not in table.columns]
    if missing:
        msg = f"scheme: missing column(s) {', '.join(missing)}"
        msg += ". Fix: give key, weight, direction, ideal"
        raise InputError(msg)
    table = table.set_index("key")
    if table.index.duplicated().any():
        dup = table.index[table.index.duplicated()].unique()
        raise InputError(f"scheme: indicators listed twice: {describe_ids(dup)}")
    for column in ("weight", "ideal", "worst"):
        if column not in table.columns:
            table[column] = np.nan
        table[column] = pd.to_numeric(table[column].replace("", np.nan), errors="coerce")
    direction = table["direction"].astype(str).str.strip().str.lower()
    table["direction"] = direction
    problems = []
    bad_direction = ~direction.isin(["higher", "lower"])
    if bad_direction.any():
        problems.append(
            f"direction must be 'higher' or 'lower' ({describe_ids(table.index[bad_direction])})"
        )
    table.loc[direction.eq("higher") & table["worst"].isna(), "worst"] = 0.0
    if table["weight"].isna().any() or (table["weight"] < 0).any() or table["weight"].sum() <= 0:
        problems.append("weights must be non-negative numbers with a positive sum")
    if table["ideal"].isna().any():
        problems.append(
            f"every indicator needs an ideal value "
            f"({describe_ids(table.index[table['ideal'].isna()])})"
        )
    no_worst = direction.eq("lower") & table["worst"].isna()
    if no_worst.any():
        problems.append(
            f"a 'lower' indicator needs a worst value ({describe_ids(table.index[no_worst])})"
        )
    wrong_way = ((direction == "higher") & (table["ideal"] <= table["worst"])) | (
        (direction == "lower") & (table["ideal"] >= table["worst"])
    )
    if wrong_way.any():
        problems.append(
            "ideal must lie beyond worst in the indicator's direction "
            f"({describe_ids(table.index[wrong_way])})"
        )
    if problems:
        raise InputError("scheme: " + "; ".join(problems))
    if "status" not in table.columns:
        table["status"] = "user"
    return table


def _numeric_columns(table: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """The given history columns as floats; one SchemaError for values that are not numbers."""
    out = pd.DataFrame(index=table.index)
    bad = []
    for column in columns:
        if column not in table.columns:
            continue
        values = table[column]
        numbers = pd.to_numeric(values, errors="coerce").astype(float)
        wrong = numbers.isna() & values.notna() & values.astype(str).str.strip().ne("")
        if wrong.any():
            ids = table.loc[wrong, "park_id"].tolist()
            bad.append(
                f"column {column!r}: values that are not numbers (parks {describe_ids(ids)})"
            )
        out[column] = numbers
    if bad:
        raise SchemaError(
            "history (park_history): " + "; ".join(bad) + ". Fix: write plain numbers."
        )
    return out


def _attainment(values: pd.DataFrame, scheme: pd.DataFrame) -> pd.DataFrame:
    """Points 0–100 per indicator: linear from ``worst`` (0) to ``ideal`` (100), clipped."""
    points = pd.DataFrame(index=values.index)
    for key, row in scheme.iterrows():
        if key not in values.columns:
            points[key] = np.nan
            continue
        share = (values[key] - row["worst"]) / (row["ideal"] - row["worst"])
        points[key] = share.clip(0.0, 1.0) * 100.0
    return points


def _scores(table: pd.DataFrame, scheme: pd.DataFrame) -> pd.DataFrame:
    """score, score_source and the points per indicator for every history row."""
    values = _numeric_columns(table, [*scheme.index, "score"])
    points = _attainment(values, scheme)
    weights = scheme["weight"]
    complete = points.loc[:, weights > 0].notna().all(axis=1)
    computed = (points * weights).sum(axis=1) / weights.sum()
    given = values["score"] if "score" in values.columns else pd.Series(np.nan, index=table.index)
    out = pd.DataFrame(index=table.index)
    out["score"] = given.where(given.notna(), computed.where(complete).round(9))
    out["score_source"] = np.where(given.notna(), "given", np.where(complete, "computed", None))
    missing = []
    for idx in table.index:
        if pd.notna(given[idx]) or complete[idx]:
            missing.append("")
        else:
            names = [
                label(k) for k in scheme.index if weights[k] > 0 and pd.isna(points.at[idx, k])
            ]
            missing.append("、".join(names))
    out["missing_indicators"] = missing
    for key in scheme.index:
        out[f"points_{key}"] = points[key].where(given.isna())
    return out


def _rank_year(scores: pd.Series) -> pd.DataFrame:
    """rank (1 = best, ties share the best rank), bottom_rank (1 = last) and count of one year."""
    scored = scores.dropna()
    out = pd.DataFrame(index=scores.index)
    out["rank"] = scored.rank(ascending=False, method="min").reindex(scores.index).astype("Int64")
    out["bottom_rank"] = (
        scored.rank(ascending=True, method="min").reindex(scores.index).astype("Int64")
    )
    out["ranked_parks"] = len(scored)
    return out


# ------------------------------------------------------------- assess_parks


def assess_parks(
    history: pd.DataFrame,
    *,
    year: int,
    scheme: pd.DataFrame | Mapping[str, Mapping[str, object]] | None = None,
    rules: Mapping[str, float] | None = None,
    expansion: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Assess the parks of one year: score, rank, yellow cards, delisting, reduction, expansion.

    Parameters
    ----------
    history : DataFrame
        One row per park and year (``park_id``, ``year``; Chinese aliases such as
        园区编号, 年度 are recognised), with a ``score`` column (得分) or the scheme's
        indicators (the column names of :func:`landkit.park_indicators`). A row's
        own score wins over one computed from its indicators. Optional columns:
        ``idle_land_rate`` and ``land_development_rate`` (area reduction),
        ``built_area_ha`` and ``approved_area_ha`` or ``built_share`` and the
        expansion table's indicators (expansion readiness).
    year : int
        The year assessed; earlier years supply the delisting and idle-land runs.
    scheme : DataFrame, optional
        Indicators with ``key`` (or ``indicator``), ``weight``, ``direction``
        (``higher``/``lower``), ``ideal`` and ``worst``. An indicator scores 100
        points at its ideal value or beyond, 0 at its worst value or beyond, and
        linearly between (``worst`` defaults to 0 for ``higher``); the score is
        the weighted mean of the points. A mapping indicator → {weight, direction,
        ideal, worst} works too. Default: the ``assessment_scheme`` table (the
        evaluation's indicators; weights and ideals are examples).
    rules : mapping, optional
        Overrides of the ``assessment`` table by key, e.g. ``{"pass_mark": 65}``.
    expansion : DataFrame, optional
        Expansion thresholds with ``key``, ``bound`` (``min``/``max``), ``value``;
        default: the ``assessment_expansion`` table (example values).

    Returns
    -------
    DataFrame
        Indexed by ``park_id``, one row per park in ``year``: ``year``, ``score``,
        ``score_source`` (given/computed), ``rank`` (1 = best; ties share the best
        rank), ``bottom_rank`` (1 = last), ``ranked_parks``, ``passed``
        (score ≥ pass mark), ``yellow_card`` (failed, or ``bottom_rank`` within
        the last three; ties at the edge are all in), ``last_place_years``
        (consecutive years last, up to ``year``), ``delist_recommended`` (last
        three years running), ``long_idle``, ``low_development``,
        ``reduce_or_downgrade``, ``built_share``, ``expansion_ready``, ``status``
        (``evaluated``/``not_evaluated``), ``reasons`` (Chinese, each outcome with
        its clause), ``legal_basis``, ``expansion_notes``, ``example_values`` (the
        example rules the row's outcomes rest on) and ``points_<indicator>`` for
        computed scores. The flags are nullable booleans, NA where a rule cannot
        be decided.

    Examples
    --------
    >>> import landkit as lk
    >>> history = lk.read_table(lk.sample_data_path(), "park_history", kind="park_history")
    >>> result = assess_parks(history, year=2025)
    >>> int(result["yellow_card"].sum()), result.index[result["delist_recommended"]].tolist()
    (3, ['S539019'])
    >>> print(result.at["S539019", "reasons"].split("；")[0])
    黄牌警告：综合得分 56.42 低于合格分 60（示例值）【昆政办〔2019〕15号（十九）】
    """
    _check_overrides(rules)
    table = prepare_layer(history, "park_history", required=("park_id", "year"), layer="history")
    table = _checked_history(table)
    year = int(year)
    if not (table["year"] == year).any():
        years = sorted(table["year"].unique().tolist())
        raise InputError(f"history has no rows for year {year}; years present: {years}")
    table = table[table["year"] <= year]
    scheme_table = _scheme_table(scheme)
    scored = pd.concat([table[["park_id", "year"]], _scores(table, scheme_table)], axis=1)
    ranks = pd.concat([_rank_year(group["score"]) for _, group in scored.groupby("year")])
    scored = scored.join(ranks)

    current = scored[scored["year"] == year].set_index("park_id")
    rule_values = {key: _rule(key, rules) for key in _ASSESSMENT_KEYS}
    pass_mark = rule_values["pass_mark"][0]

    out = current[["year", "score", "score_source", "rank", "bottom_rank", "ranked_parks"]].copy()
    has_score = out["score"].notna()
    out["passed"] = _flag(out["score"] >= pass_mark, has_score)
    in_bottom = (out["bottom_rank"] <= rule_values["yellow_card_bottom_n"][0]).fillna(False)
    out["yellow_card"] = _flag(~out["passed"].fillna(True) | in_bottom, has_score)
    runs = _last_place_runs(scored, year)
    out["last_place_years"] = runs.reindex(out.index).fillna(0).astype(int)
    enough = out["last_place_years"] >= rule_values["delist_consecutive_years"][0]
    out["delist_recommended"] = _flag(enough, has_score)
    out = out.join(_reduction_flags(table, year, rule_values))
    current_rows = table[table["year"] == year].set_index("park_id")
    out = out.join(_expansion(current_rows, out["yellow_card"], expansion))
    out["status"] = np.where(has_score, "evaluated", "not_evaluated")
    out = out.join(
        _reason_texts(
            out,
            current,
            rule_values=rule_values,
            history_years=set(table["year"]),
            scheme_name=_SCHEME if (scheme_table["status"] == "example").any() else None,
        )
    )
    notes = out.pop("expansion_notes")
    out["expansion_notes"] = notes
    points = current[[c for c in current.columns if c.startswith("points_")]]
    if points.notna().any().any():
        out = out.join(points)

    out.attrs["landkit_provenance"] = provenance(
        inputs={"history": history},
        year=year,
        rule_tables=[
            _RULES,
            _SCHEME if scheme is None else "scheme (given)",
            _EXPANSION if expansion is None else "expansion (given)",
        ],
        rules=[f"{key}={value:g} ({status})" for key, (value, status) in rule_values.items()],
    )
    return out


def _checked_history(table: pd.DataFrame) -> pd.DataFrame:
    problems = []
    for column in ("park_id", "year"):
        empty = table[column].isna()
        if empty.any():
            problems.append(
                f"{int(empty.sum())} rows without {column!r} "
                f"(rows {describe_ids(table.index[empty])})"
            )
    dup = table.duplicated(["park_id", "year"], keep=False) & table["park_id"].notna()
    if dup.any():
        pairs = sorted(
            {
                f"{p}/{int(y)}"
                for p, y in table.loc[dup, ["park_id", "year"]].itertuples(index=False)
            }
        )
        problems.append(f"park-years appearing more than once: {describe_ids(pairs)}")
    if problems:
        msg = "history (park_history): " + "; ".join(problems) + ". Fix: one row per park and year."
        raise SchemaError(msg)
    out = table.reset_index(drop=True)
    out["year"] = out["year"].astype(int)
    return out


def _flag(values: pd.Series, known: pd.Series) -> pd.Series:
    """A nullable boolean: ``values`` where ``known``, NA elsewhere."""
    return values.astype("boolean").where(known.astype(bool), pd.NA).astype("boolean")


def _last_place_runs(scored: pd.DataFrame, year: int) -> pd.Series:
    """For each park of ``year``, the number of consecutive years up to ``year`` it was last.

    A park is last when no park scored lower that year (ties share last place); a park
    ranked alone is not last.
    """
    last = (scored["bottom_rank"].eq(1) & (scored["ranked_parks"] > 1)).fillna(False)
    last = pd.Series(last.to_numpy(), index=pd.MultiIndex.from_frame(scored[["park_id", "year"]]))
    runs = {}
    for park in scored.loc[scored["year"] == year, "park_id"]:
        count = 0
        while last.get((park, year - count), False):
            count += 1
        runs[park] = count
    return pd.Series(runs, dtype=int)


def _reduction_flags(table: pd.DataFrame, year: int, rule_values) -> pd.DataFrame:
    """long_idle, low_development and reduce_or_downgrade (clause 十九)."""
    idle_min = rule_values["long_idle_rate_min"][0]
    idle_years = int(rule_values["long_idle_years"][0])
    values = _numeric_columns(table, ["idle_land_rate", "land_development_rate"])
    frame = table[["park_id", "year"]].join(values)
    current = frame[frame["year"] == year].set_index("park_id")
    out = pd.DataFrame(index=current.index)
    out["long_idle"] = pd.Series(pd.NA, index=current.index, dtype="boolean")
    if "idle_land_rate" in frame.columns:
        wanted = list(range(year - idle_years + 1, year + 1))
        window = frame[frame["year"].isin(wanted)].pivot(
            index="park_id", columns="year", values="idle_land_rate"
        )
        window = window.reindex(index=current.index, columns=wanted)
        out["long_idle"] = _all_of(_flag(window >= idle_min, window.notna()))
    out["low_development"] = pd.Series(pd.NA, index=current.index, dtype="boolean")
    if "land_development_rate" in frame.columns:
        rate = current["land_development_rate"]
        out["low_development"] = _flag(
            rate < rule_values["low_development_rate_max"][0], rate.notna()
        )
    out["reduce_or_downgrade"] = out["long_idle"] | out["low_development"]
    return out


def _expansion_table(expansion: pd.DataFrame | None) -> pd.DataFrame:
    table = (
        standards.load_table(_EXPANSION) if expansion is None else pd.DataFrame(expansion).copy()
    )
    missing = [c for c in ("key", "bound", "value") if c not in table.columns]
    if missing:
        raise InputError(
            f"expansion: missing column(s) {', '.join(missing)}. Fix: give key, bound, value"
        )
    table["value"] = pd.to_numeric(table["value"], errors="coerce")
    table["bound"] = table["bound"].astype(str).str.strip().str.lower()
    bad = ~table["bound"].isin(["min", "max"]) | table["value"].isna()
    if bad.any():
        raise InputError(
            "expansion: bound must be min or max and value a number "
            f"({describe_ids(table.loc[bad, 'key'])})"
        )
    if "status" not in table.columns:
        table["status"] = "user"
    if "unit" not in table.columns:
        table["unit"] = ""
    return table


def _all_of(conditions: pd.DataFrame) -> pd.Series:
    """Row-wise Kleene AND of nullable boolean columns: False if any is False, NA if any unknown."""
    any_false = conditions.eq(False).fillna(False).any(axis=1)
    all_true = conditions.eq(True).fillna(False).all(axis=1)
    out = pd.Series(pd.NA, index=conditions.index, dtype="boolean")
    out[all_true] = True
    out[any_false] = False
    return out


def _true(value: object) -> bool:
    return value is not pd.NA and not pd.isna(value) and bool(value)


def _expansion(current: pd.DataFrame, yellow: pd.Series, expansion) -> pd.DataFrame:
    """built_share, expansion_ready and the unmet or missing conditions (clauses 十六, 十九)."""
    table = _expansion_table(expansion)
    values = _numeric_columns(
        current.reset_index(), [*table["key"], "built_area_ha", "approved_area_ha"]
    ).set_index(current.index)
    if "built_share" not in values.columns and {"built_area_ha", "approved_area_ha"} <= set(
        values.columns
    ):
        approved = values["approved_area_ha"].where(values["approved_area_ha"] > 0)
        values["built_share"] = values["built_area_ha"] / approved
    out = pd.DataFrame(index=current.index)
    out["built_share"] = values["built_share"] if "built_share" in values.columns else np.nan
    met = pd.DataFrame(index=current.index)
    notes: dict[object, list[str]] = {park: [] for park in current.index}
    for row in table.itertuples():
        column = values.get(row.key, pd.Series(np.nan, index=current.index))
        ok = column >= row.value if row.bound == "min" else column <= row.value
        met[row.key] = _flag(ok, column.notna())
        sign = "≥" if row.bound == "min" else "≤"
        for park in current.index:
            if pd.isna(column[park]):
                notes[park].append(f"缺少{label(row.key)}")
            elif not ok[park]:
                threshold = _shown(row.value, row.status, row.unit)
                value = _number(column[park], row.unit)
                notes[park].append(f"{label(row.key)} {value} 未达到 {sign}{threshold}")
    met["no_yellow_card"] = ~yellow
    for park in current.index:
        if _true(yellow[park]):
            notes[park].append(f"本年度黄牌警告（{_ref('十九')}）")
    out["expansion_ready"] = _all_of(met)
    out["expansion_notes"] = ["；".join(notes[p]) for p in current.index]
    return out


def _reason_texts(out, current, *, rule_values, history_years, scheme_name) -> pd.DataFrame:
    """reasons, legal_basis and example_values of every assessed park.

    ``rule_values`` maps each assessment rule key to its (value, status);
    ``scheme_name`` names the scheme table when its weights are example values.
    """

    def shown(key: str) -> str:
        return _shown(*rule_values[key], standards.rule_row(_RULES, key)["unit"])

    def examples(*keys: str) -> list[str]:
        return [k for k in keys if rule_values[k][1] == "example"]

    reasons, bases, example_values = [], [], []
    for park in out.index:
        row = out.loc[park]
        found: list[tuple[str, str | None, list[str]]] = []  # (text, clause, example keys)
        if pd.isna(row["score"]):
            missing = current.at[park, "missing_indicators"]
            found.append((f"未评估：缺少得分或指标（{missing}）", None, []))
        else:
            # every evaluated row rests on the pass mark, and a computed score on the scheme
            computed = row["score_source"] == "computed" and scheme_name
            found.append(("", None, [*examples("pass_mark"), *([scheme_name] if computed else [])]))
            if not _true(row["passed"]):
                found.append(
                    (
                        f"黄牌警告：综合得分 {row['score']:.2f} 低于合格分 {shown('pass_mark')}",
                        "十九",
                        examples("pass_mark"),
                    )
                )
            if row["bottom_rank"] <= rule_values["yellow_card_bottom_n"][0]:
                found.append(
                    (
                        f"黄牌警告：位于后{shown('yellow_card_bottom_n')}名"
                        f"（第 {row['rank']} 名，共 {row['ranked_parks']} 个园区）",
                        "十九",
                        examples("yellow_card_bottom_n"),
                    )
                )
            years_last = int(row["last_place_years"])
            if _true(row["delist_recommended"]):
                found.append(
                    (
                        f"建议摘牌：连续 {years_last} 年考核评价为最后一名",
                        "十九",
                        examples("delist_consecutive_years"),
                    )
                )
            elif row["bottom_rank"] == 1 and int(row["year"]) - years_last not in history_years:
                found.append(
                    (
                        f"本年度最后一名；历史数据缺少 {int(row['year']) - years_last} 年，"
                        "无法判断是否连续末位",
                        None,
                        [],
                    )
                )
        if _true(row["long_idle"]):
            found.append(
                (
                    f"建议核减核准面积或降级：土地闲置率连续 {shown('long_idle_years')} 年"
                    f"不低于 {shown('long_idle_rate_min')}（长期圈占土地）",
                    "十九",
                    examples("long_idle_years", "long_idle_rate_min"),
                )
            )
        if _true(row["low_development"]):
            found.append(
                (
                    f"建议核减核准面积或降级：土地开发率低于 {shown('low_development_rate_max')}"
                    "（开发程度较低）",
                    "十九",
                    examples("low_development_rate_max"),
                )
            )
        if _true(row["expansion_ready"]):
            found.append(
                ("具备扩区条件（按核准面积基本建成且达到集约用地标准）", "十六", [_EXPANSION])
            )
        reasons.append("；".join(f"{t}【{_ref(c)}】" if c else t for t, c, _ in found if t))
        clauses = dict.fromkeys(c for _, c, _ in found if c)
        bases.append("; ".join(_ref(c) for c in clauses))
        example_values.append("; ".join(dict.fromkeys(k for *_, keys in found for k in keys)))
    return pd.DataFrame(
        {"reasons": reasons, "legal_basis": bases, "example_values": example_values},
        index=out.index,
    )


# ------------------------------------------------------------ parks per county


def parks_per_county(
    parks: gpd.GeoDataFrame,
    counties: gpd.GeoDataFrame | None,
    *,
    county_col: str = "name",
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
        warnings.warn(
            f"parks: {int(missing.sum())} parks lie in no county (or have no geometry or county) "
            "and are not counted "
            f"(ids {describe_ids(parks.loc[missing, 'park_id'])})",
            DataWarning,
            stacklevel=2,
        )
    limit, status = _rule("parks_per_county_max", None)
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
        rules=[f"parks_per_county_max={limit:g} ({status})"],
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
    text = codes.astype("string").str.strip()
    return text.str.startswith(tuple(prefixes)).fillna(False).astype(bool)


def parcels_outside_parks(
    parcels: gpd.GeoDataFrame,
    parks: gpd.GeoDataFrame,
    *,
    since=None,
    tolerance_m2: float | None = None,
) -> gpd.GeoDataFrame:
    """Industrial parcels or projects outside every park (clause 十).

    New industrial projects must lie in a city-level or higher park; mining and
    energy projects, which need particular sites, are exempt (division codes in
    the ``assessment`` table, ``outside_park_exempt_industries``).

    A row is industrial when its ``land_use`` maps to 1001 工业用地 (三调 0601 with
    ``land_use_scheme="sandiao"``, GB 50137 M…); without ``land_use``, when its ``industry_code`` is an
    industry in the statistical sense (工业: mining, manufacturing and utilities,
    GB/T 4754 divisions 06–46). Areas are measured in the Gauss-Krüger zone of each
    feature. Points (projects) are inside when they fall in or on a park.

    Parameters
    ----------
    parcels : GeoDataFrame
        Parcels or project points.
    parks : GeoDataFrame
        Park boundaries.
    since : date or str, optional
        Only parcels granted (``grant_date``) on or after this date are new
        projects; older ones get ``existing``. Default: every parcel is checked.
    tolerance_m2 : float, optional
        Outside area below this counts as inside (default: the table's
        ``outside_park_tolerance_m2``).

    Returns
    -------
    GeoDataFrame
        A copy of ``parcels`` (same index and order) with ``industrial``,
        ``exempt``, ``outside_park_m2``, ``outside_park_mu``, ``outside_share``
        and ``park_status`` ∈ {``inside``, ``partly_outside``, ``outside``,
        ``not_industrial``, ``exempt``, ``existing``, ``unknown_use``,
        ``no_geometry``}, ``legal_basis``.

    Examples
    --------
    >>> import landkit as lk
    >>> path = lk.sample_data_path()
    >>> result = parcels_outside_parks(lk.read_layer(path, "parcels"), lk.read_layer(path, "parks"))
    >>> set(result["park_status"]) <= {"inside", "partly_outside", "outside", "not_industrial",
    ...                                "exempt", "existing", "unknown_use", "no_geometry"}
    True
    """
    require_crs(parcels, layer="parcels")
    require_crs(parks, layer="parks")
    table = prepare_layer(parcels, "parcels", layer="parcels")
    if tolerance_m2 is None:
        tolerance_m2 = float(standards.rule(_RULES, "outside_park_tolerance_m2"))
    exempt_codes = str(standards.rule(_RULES, "outside_park_exempt_industries")).split(";")

    industrial = pd.Series(pd.NA, index=table.index, dtype="boolean")
    if "land_use" in table.columns:
        industrial = _land_class(table, "industrial")
    if "industry_code" in table.columns:
        codes = table["industry_code"].astype("string").str.strip().str[:2]
        in_industry = pd.to_numeric(codes, errors="coerce").between(6, 46)
        by_code = in_industry.astype("boolean").where(codes.notna(), pd.NA)
        industrial = industrial.fillna(by_code)
        exempt = _code_in(table["industry_code"], exempt_codes)
    else:
        exempt = pd.Series(False, index=table.index)

    geoms, repaired = repair(table, layer="parcels")
    geoms = geoms.reset_index(drop=True)  # positions from here on
    absent = shapely.is_missing(geoms.values) | shapely.is_empty(geoms.values)
    outside_m2 = np.full(len(geoms), np.nan)
    area_m2 = np.full(len(geoms), np.nan)
    points_out = np.zeros(len(geoms), dtype=bool)
    park_geoms, _ = repair(parks, layer="parks")
    zones = area_zones(geoms)
    logger.info("measuring in %s", ", ".join(crs.to_string() for crs, _ in zones))
    for crs, idx in zones:
        positions = idx.to_numpy()
        part = geoms.iloc[positions].to_crs(crs).values
        park_union = shapely.union_all(park_geoms.to_crs(crs).values)
        polygonal = np.isin(shapely.get_type_id(part), (3, 6))
        area_m2[positions] = np.where(polygonal, shapely.area(part), np.nan)
        outside = shapely.area(shapely.difference(part, park_union))
        outside_m2[positions] = np.where(polygonal, outside, np.nan)
        points_out[positions] = ~polygonal & ~shapely.intersects(part, park_union)

    out = parcels.copy()
    out["industrial"] = industrial.to_numpy()
    out["exempt"] = exempt.to_numpy()
    out["outside_park_m2"] = outside_m2
    out["outside_park_mu"] = outside_m2 / SQM_PER_MU
    with np.errstate(invalid="ignore", divide="ignore"):
        out["outside_share"] = np.where(area_m2 > 0, outside_m2 / area_m2, np.nan)
    status = np.where(
        points_out | (outside_m2 >= tolerance_m2),
        np.where((outside_m2 < area_m2 - tolerance_m2), "partly_outside", "outside"),
        "inside",
    )
    known = industrial.notna().to_numpy()
    is_industrial = industrial.fillna(False).to_numpy(dtype=bool)
    status = np.where(known, status, "unknown_use")
    status = np.where(known & ~is_industrial, "not_industrial", status)
    status = np.where(is_industrial & exempt.to_numpy(), "exempt", status)
    if since is not None:
        if "grant_date" not in table.columns:
            raise SchemaError(
                "parcels: since= needs a 'grant_date' column (供地日期). Fix: add it."
            )
        older = (table["grant_date"] < pd.Timestamp(since)).fillna(False).to_numpy()
        status = np.where(
            older & np.isin(status, ["inside", "partly_outside", "outside"]), "existing", status
        )
    status = np.where(absent, "no_geometry", status)
    out["park_status"] = status
    flagged = np.isin(status, ["outside", "partly_outside"])
    out["legal_basis"] = np.where(
        flagged, f"{_ref('十')}：新上工业项目必须安排在市级及以上园区", ""
    )
    if repaired.any():
        out["geometry_repaired"] = repaired
    out.attrs["landkit_provenance"] = provenance(
        inputs={"parcels": parcels, "parks": parks},
        rule_tables=[_RULES],
        area_crs=[crs.to_string() for crs, _ in zones],
        tolerance_m2=tolerance_m2,
        exempt_industries=exempt_codes,
        since=since if since is not None else "all parcels",
    )
    return out


# --------------------------------------------------------- protective distances


def _distance_table(distances: pd.DataFrame | None) -> pd.DataFrame:
    table = (
        standards.load_table(_DISTANCES) if distances is None else pd.DataFrame(distances).copy()
    )
    missing = [c for c in ("industry_code", "distance_m") if c not in table.columns]
    if missing:
        raise InputError(
            f"distances: missing column(s) {', '.join(missing)}. "
            "Fix: give industry_code, distance_m"
        )
    table["industry_code"] = table["industry_code"].astype(str).str.strip()
    table["distance_m"] = pd.to_numeric(table["distance_m"], errors="coerce")
    if table["distance_m"].isna().any() or (table["distance_m"] < 0).any():
        bad = table.loc[table["distance_m"].isna() | (table["distance_m"] < 0), "industry_code"]
        raise InputError(
            f"distances: distance_m must be a non-negative number ({describe_ids(bad)})"
        )
    if "industry_code_edition" not in table.columns:
        table["industry_code_edition"] = "2017"
    table["industry_code_edition"] = _edition(table["industry_code_edition"])
    if "status" not in table.columns:
        table["status"] = "user"
    return table


def _edition(values: pd.Series) -> pd.Series:
    """Code editions as text; 2011 and 2017 share their divisions, so 2011 reads as 2017."""
    numbers = pd.to_numeric(values, errors="coerce").fillna(2017).astype(int)
    return numbers.replace({2011: 2017}).astype(str)


def _required_distances(table: pd.DataFrame, rules: pd.DataFrame) -> pd.DataFrame:
    """The distance row matching each plant's code (the longest matching code prefix)."""
    codes = table["industry_code"].astype("string").str.strip()
    editions = (
        _edition(table["industry_code_edition"])
        if "industry_code_edition" in table.columns
        else pd.Series("2017", index=table.index)
    )
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
    present_guarded = ~(
        shapely.is_missing(guarded_geoms.values) | shapely.is_empty(guarded_geoms.values)
    )
    guarded_geoms = guarded_geoms[present_guarded]
    names = names[present_guarded]

    required = _required_distances(table, _distance_table(distances))
    geoms, _ = repair(table, layer="plants")
    geoms = geoms.reset_index(drop=True)  # positions from here on
    absent = shapely.is_missing(geoms.values) | shapely.is_empty(geoms.values)
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


# ------------------------------------------------------ industry concentration


def industry_concentration(
    enterprises: pd.DataFrame,
    *,
    leading: Mapping[str, Iterable[str]] | None = None,
) -> pd.DataFrame:
    """Leading-industry and emerging-industry shares of each park's output (clause 五).

    The policy's targets: output of the park's leading industries above 80 % of
    its industrial output (主导产业集聚度超过80%), and emerging industries reaching
    40 % (新兴产业工业产值占园区工业比重达到40%). Shares are output-weighted.

    Parameters
    ----------
    enterprises : DataFrame
        One row per enterprise with ``park_id``, ``output_wan_yuan`` and
        ``is_emerging``; membership of a leading industry from the column
        ``in_leading_industry`` (是否主导产业) or from ``leading``.
    leading : mapping, optional
        Park id → GB/T 4754 code prefixes of its leading industries, matched
        against ``industry_code``; used where ``in_leading_industry`` is absent
        or empty.

    Returns
    -------
    DataFrame
        Indexed by ``park_id`` (order of first appearance): ``enterprise_count``,
        ``output_wan_yuan``, ``leading_output_wan_yuan``, ``leading_share``,
        ``leading_share_target``, ``meets_leading_target`` (share > target),
        ``emerging_output_wan_yuan``, ``emerging_share``,
        ``emerging_share_target``, ``meets_emerging_target`` (share ≥ target),
        ``reason`` (why a share is missing). Enterprises without output are
        counted but add nothing; a share is NaN when the park has no output or an
        enterprise with output lacks the flag.

    Examples
    --------
    >>> import landkit as lk
    >>> table = lk.read_table(lk.sample_data_path(), "enterprises", kind="enterprises")
    >>> shares = industry_concentration(table)
    >>> shares["meets_leading_target"].tolist()
    [True, False, True, True, True]
    """
    table = prepare_layer(
        enterprises, "enterprises", required=("park_id", "output_wan_yuan"), layer="enterprises"
    )
    lead = (
        table["in_leading_industry"].astype("boolean")
        if "in_leading_industry" in table.columns
        else pd.Series(pd.NA, index=table.index, dtype="boolean")
    )
    if leading is not None:
        if "industry_code" not in table.columns:
            raise SchemaError("enterprises: leading= needs an 'industry_code' column (行业代码).")
        prefixes = table["park_id"].map({str(k): tuple(map(str, v)) for k, v in leading.items()})
        codes = table["industry_code"].astype("string").str.strip()
        by_code = [
            (pd.NA if pd.isna(code) else code.startswith(p)) if isinstance(p, tuple) else pd.NA
            for code, p in zip(codes, prefixes, strict=True)
        ]
        lead = lead.fillna(pd.Series(by_code, index=table.index, dtype="boolean"))
    emerging = (
        table["is_emerging"].astype("boolean")
        if "is_emerging" in table.columns
        else pd.Series(pd.NA, index=table.index, dtype="boolean")
    )
    lead_target, lead_status = _rule("leading_industry_share_min", None)
    emerging_target, emerging_status = _rule("emerging_industry_share_min", None)

    output = table["output_wan_yuan"]
    has_output = output.fillna(0) > 0
    frame = pd.DataFrame(
        {
            "park_id": table["park_id"],
            "output": output.fillna(0),
            "lead_output": output.where(lead.fillna(False).astype(bool), 0).fillna(0),
            "emerging_output": output.where(emerging.fillna(False).astype(bool), 0).fillna(0),
            "lead_unknown": has_output & lead.isna(),
            "emerging_unknown": has_output & emerging.isna(),
            "no_output": output.isna(),
        }
    )
    grouped = frame.groupby("park_id", sort=False)
    sums = grouped.sum()
    out = pd.DataFrame(index=sums.index)
    out["enterprise_count"] = grouped.size()
    out["output_wan_yuan"] = sums["output"]
    total = sums["output"].where(sums["output"] > 0)
    out["leading_output_wan_yuan"] = sums["lead_output"]
    out["leading_share"] = (sums["lead_output"] / total).where(sums["lead_unknown"] == 0)
    out["leading_share_target"] = lead_target
    out["meets_leading_target"] = _flag(
        out["leading_share"] > lead_target, out["leading_share"].notna()
    )
    out["emerging_output_wan_yuan"] = sums["emerging_output"]
    out["emerging_share"] = (sums["emerging_output"] / total).where(sums["emerging_unknown"] == 0)
    out["emerging_share_target"] = emerging_target
    out["meets_emerging_target"] = _flag(
        out["emerging_share"] >= emerging_target, out["emerging_share"].notna()
    )
    reasons = []
    for _, row in sums.iterrows():
        notes = []
        if row["output"] <= 0:
            notes.append("园区无产值数据")
        if row["lead_unknown"]:
            notes.append(f"{int(row['lead_unknown'])} 家有产值企业未标明是否属于主导产业")
        if row["emerging_unknown"]:
            notes.append(f"{int(row['emerging_unknown'])} 家有产值企业未标明是否属于新兴产业")
        if row["no_output"]:
            notes.append(f"{int(row['no_output'])} 家企业缺少产值（按 0 计）")
        reasons.append("；".join(notes))
    out["reason"] = reasons
    out.index.name = "park_id"
    out.attrs["landkit_provenance"] = provenance(
        inputs={"enterprises": enterprises},
        rule_tables=[_RULES],
        rules=[
            f"leading_industry_share_min={lead_target:g} ({lead_status})",
            f"emerging_industry_share_min={emerging_target:g} ({emerging_status})",
        ],
    )
    return out
