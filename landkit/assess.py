"""Annual park assessment (clause 十九 of 昆政办〔2019〕15号).

The Kunming policy on development zones ranks its parks every year and acts on
the result: a yellow card for a park that fails the annual assessment or ranks in
the last three; delisting for a park last three years running; area reduction or
downgrade for parks that hold land idle for long or develop little; and, by
clause 十六, expansion only for a park built up on its approved area that meets the
intensive-use standards (the ``expansion_ready`` column). The policy's location
rules are in :mod:`landkit.siting`, the industry shares in
:mod:`landkit.indicators`.

Every number comes from a table in ``landkit/standards/`` (``assessment``,
``assessment_scheme``, ``assessment_expansion``) with its document, clause and
status. Numbers no source fixes (the pass mark, the weights) ship as ``example``
values; a result that rests on one says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from . import standards
from .errors import InputError, SchemaError, describe_ids
from .labels import as_boolean
from .provenance import provenance
from .schema import label, prepare_layer

__all__ = ["assess_parks"]

_RULES = "assessment"
_SCHEME = "assessment_scheme"
_EXPANSION = "assessment_expansion"
_GROUNDS = "assessment_reduction_grounds"
_ASSESSMENT_KEYS = (
    "pass_mark",
    "yellow_card_bottom_n",
    "delist_consecutive_years",
    "long_idle_rate_min",
    "long_idle_years",
    "low_development_rate_max",
)


# --------------------------------------------------------------------- rules


_ref = standards.cite


def _number(value: float, unit: str = "") -> str:
    """A value as text; fractions as percentages (0.05 → 5%)."""
    return f"{value * 100:.4g}%" if unit == "fraction" else f"{value:.4g}"


def _shown(value: float, status: str, unit: str = "") -> str:
    text = _number(value, unit)
    return f"{text}（示例值）" if status == "example" else text


# -------------------------------------------------------------------- scheme


def _scheme_table(scheme: pd.DataFrame | Mapping | None) -> pd.DataFrame:
    """The scoring scheme as a frame indexed by indicator with weight, direction, ideal, worst."""
    if scheme is None:
        table = standards.table(_SCHEME)
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
    rules: Mapping[str, object] | pd.DataFrame | None = None,
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
        ``violates_plans``, ``pollution_untreated`` and ``investment_difficulty``
        (yes/no: the competent authority's own findings on those grounds),
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
    rules : mapping or DataFrame, optional
        Overrides of the ``assessment`` table by key, e.g. ``{"pass_mark": 65}``
        (see :mod:`landkit.standards`); recorded with the status ``user``.
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
        three years running), one column per reduction ground clause 十九 names
        (``violates_plans`` 违反相关规划, ``pollution_untreated`` 未按要求开展污染治理,
        ``long_idle`` 长期圈占土地, ``investment_difficulty`` 招商引资困难,
        ``low_development`` 开发程度较低; the ``assessment_reduction_grounds``
        table), ``reduce_or_downgrade`` (True when a ground holds, False only
        when every ground was judged and none holds, else NA),
        ``not_evaluated`` (the grounds not judged, separated by ``;``: landkit
        judges only the two with data, the others come from yes/no history
        columns of the same name), ``built_share``, ``expansion_ready``, ``status``
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
    rules = standards.overrides(rules, _RULES)
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
    rule_values = {key: standards.get(_RULES, key, rules=rules) for key in _ASSESSMENT_KEYS}
    pass_mark = rule_values["pass_mark"].value

    out = current[["year", "score", "score_source", "rank", "bottom_rank", "ranked_parks"]].copy()
    has_score = out["score"].notna()
    out["passed"] = _flag(out["score"] >= pass_mark, has_score)
    in_bottom = (out["bottom_rank"] <= rule_values["yellow_card_bottom_n"].value).fillna(False)
    out["yellow_card"] = _flag(~out["passed"].fillna(True) | in_bottom, has_score)
    runs = _last_place_runs(scored, year)
    out["last_place_years"] = runs.reindex(out.index).fillna(0).astype(int)
    enough = out["last_place_years"] >= rule_values["delist_consecutive_years"].value
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
            _GROUNDS,
            _SCHEME if scheme is None else "scheme (given)",
            _EXPANSION if expansion is None else "expansion (given)",
        ],
        rules=[rule.describe() for rule in rule_values.values()],
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


def _grounds() -> pd.DataFrame:
    """The reduction grounds clause 十九 names, in its order, with the column each is judged from."""
    return standards.table(_GROUNDS)


def _reduction_flags(table: pd.DataFrame, year: int, rule_values) -> pd.DataFrame:
    """Every reduction ground of clause 十九, reduce_or_downgrade and not_evaluated.

    ``long_idle`` and ``low_development`` are judged from the history's rates; the
    grounds landkit has no data for (违反相关规划, 未按要求开展污染治理, 招商引资困难) come
    from yes/no history columns of the same name when the user gives them, else NA.
    """
    idle_min = rule_values["long_idle_rate_min"].value
    idle_years = int(rule_values["long_idle_years"].value)
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
            rate < rule_values["low_development_rate_max"].value, rate.notna()
        )
    grounds = _grounds()
    rows = table[table["year"] == year].set_index("park_id").reindex(current.index)
    for key in grounds.loc[grounds["evaluated_from"] == "", "key"]:
        given = rows[key] if key in rows.columns else pd.Series(pd.NA, index=current.index)
        out[key] = as_boolean(given)
    keys = grounds["key"].tolist()
    out = out[keys]
    out["reduce_or_downgrade"] = _any_of(out)
    out["not_evaluated"] = [
        ";".join(k for k in keys if pd.isna(out.at[park, k])) or None for park in out.index
    ]
    return out


def _expansion_table(expansion: pd.DataFrame | None) -> pd.DataFrame:
    table = (
        standards.table(_EXPANSION) if expansion is None else pd.DataFrame(expansion).copy()
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


def _any_of(conditions: pd.DataFrame) -> pd.Series:
    """Row-wise Kleene OR of nullable boolean columns: True if any is True, NA if any unknown."""
    return ~_all_of(~conditions.astype("boolean"))


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

    ``rule_values`` maps each assessment rule key to its :class:`~landkit.standards.Rule`;
    ``scheme_name`` names the scheme table when its weights are example values.
    """

    def shown(key: str) -> str:
        rule = rule_values[key]
        return _shown(rule.value, rule.status, rule.unit)

    def examples(*keys: str) -> list[str]:
        return [k for k in keys if rule_values[k].status == "example"]

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
            if row["bottom_rank"] <= rule_values["yellow_card_bottom_n"].value:
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
        for key, name in _grounds().query("evaluated_from == ''")[["key", "name"]].itertuples(
            index=False
        ):
            if _true(row[key]):
                found.append((f"建议核减核准面积或降级：{name}（依据所给认定）", "十九", []))
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
