"""Industry shares of a park's industrial output (clause 五 of 昆政办〔2019〕15号).

One of the park indicators (re-exported by :mod:`landkit.indicators`). Clause 五 sets
development targets for the city's parks ("培育打造‘3145’产业集群 … 主导产业集聚度超过80%，
园区规模以上工业增加值占地区规模以上工业增加值比重超过85%以上，新兴产业工业产值占园区工业比重达到40%"):

* the shares are shares of the park's *industrial* output: enterprises whose
  ``industry_code`` lies in 门类 B 采矿业, C 制造业 or D 电力、热力、燃气及水生产和供应业
  (the ``industrial`` column of the ``industry_sections`` table; codes in any written
  form, :mod:`landkit.industry_codes`). Enterprises without a code, or with another
  门类, are not counted, and the ``reason`` column says how many;
* the 85 % share is the park's 规上工业增加值 over that of its region (地区: the county
  or city the caller names), computed where the enterprises give value added and the
  caller gives the region's figure;
* every target is a 目标对照 (``comparison`` = ``target_comparison``): a comparison with
  the city's development targets, not a compliance finding.

The targets come from the ``assessment`` table of ``landkit/standards/``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from . import standards
from .errors import SchemaError
from .industry_codes import industry_codes, normalise_industry_code
from .provenance import provenance
from .schema import prepare_layer

__all__ = ["industry_concentration"]

_RULES = "assessment"
_TARGETS = (
    "leading_industry_share_min",
    "emerging_industry_share_min",
    "above_scale_value_added_share_min",
)


def _meets(met: pd.Series, share: pd.Series) -> pd.Series:
    """A nullable boolean: ``met`` where the share is known, NA elsewhere."""
    return met.astype("boolean").where(share.notna(), pd.NA).astype("boolean")


def _flag(table: pd.DataFrame, column: str) -> pd.Series:
    if column in table.columns:
        return table[column].astype("boolean")
    return pd.Series(pd.NA, index=table.index, dtype="boolean")


def _leading_by_code(table: pd.DataFrame, codes: pd.Series, leading) -> pd.Series:
    """Membership of the park's leading industries from ``leading`` code prefixes."""
    if "industry_code" not in table.columns:
        raise SchemaError("enterprises: leading= needs an 'industry_code' column (行业代码).")
    prefixes = {
        str(park): tuple(c for c in map(normalise_industry_code, wanted) if c)
        for park, wanted in leading.items()
    }
    found = [
        pd.NA if pd.isna(code) or park not in prefixes else code.startswith(prefixes[park])
        for code, park in zip(codes, table["park_id"].astype(str), strict=True)
    ]
    return pd.Series(found, index=table.index, dtype="boolean")


def _above_scale_value_added(table: pd.DataFrame) -> pd.Series | None:
    """Each enterprise's 规上工业增加值 (0 for 规下 firms), or None without the columns."""
    if "above_scale_value_added_wan_yuan" in table.columns:
        return pd.to_numeric(table["above_scale_value_added_wan_yuan"], errors="coerce")
    if {"value_added_wan_yuan", "is_above_scale"} <= set(table.columns):
        added = pd.to_numeric(table["value_added_wan_yuan"], errors="coerce")
        above = table["is_above_scale"].astype("boolean")
        return added.where(above.fillna(False).astype(bool), 0.0).where(above.notna())
    return None


def industry_concentration(
    enterprises: pd.DataFrame,
    *,
    leading: Mapping[str, Iterable[str]] | None = None,
    region_value_added: Mapping[str, float] | pd.Series | None = None,
    rules: Mapping[str, object] | pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Leading, emerging and above-scale shares of each park's industrial output (clause 五).

    The policy's targets, compared (目标对照), not enforced: leading industries
    above 80 % of the park's industrial output (主导产业集聚度超过80%), emerging
    industries at 40 % or more (新兴产业工业产值占园区工业比重达到40%), and the
    park's 规上工业增加值 above 85 % of its region's. Shares are output-weighted
    over the industrial enterprises (门类 B, C, D; see the module notes).

    Parameters
    ----------
    enterprises : DataFrame
        One row per enterprise with ``park_id``, ``output_wan_yuan``,
        ``industry_code`` (any form; ``industry_code_edition`` optional) and
        ``is_emerging``; membership of a leading industry from the column
        ``in_leading_industry`` (是否主导产业) or from ``leading``. For the
        above-scale share: ``above_scale_value_added_wan_yuan`` (规上工业增加值),
        or ``value_added_wan_yuan`` with ``is_above_scale`` (是否规上企业).
    leading : mapping, optional
        Park id → GB/T 4754 codes of its leading industries (any form, matched by
        prefix), used where ``in_leading_industry`` is absent or empty.
    region_value_added : mapping or Series, optional
        Park id → 规上工业增加值 (万元) of the park's region (地区: its county or
        the city), the denominator of the 85 % share.
    rules : mapping or DataFrame, optional
        Overrides of the ``assessment`` table's targets (see
        :mod:`landkit.standards`), e.g. ``{"leading_industry_share_min": 0.7}``;
        recorded with the status ``user``.

    Returns
    -------
    DataFrame
        Indexed by ``park_id`` (order of first appearance): ``enterprise_count``,
        ``industrial_enterprise_count``, ``output_wan_yuan`` (all enterprises),
        ``industrial_output_wan_yuan`` (the shares' base),
        ``leading_output_wan_yuan``, ``leading_share``, ``leading_share_target``,
        ``meets_leading_target`` (share > target), ``emerging_output_wan_yuan``,
        ``emerging_share``, ``emerging_share_target``, ``meets_emerging_target``
        (share ≥ target), ``above_scale_value_added_wan_yuan``,
        ``region_above_scale_value_added_wan_yuan``, ``above_scale_share``,
        ``above_scale_share_target``, ``meets_above_scale_target`` (share >
        target), ``comparison`` (``target_comparison``: 目标对照, not a
        compliance finding) and ``reason`` (why a share is missing, what was not
        counted). A share is NaN when the park has no industrial output, an
        industrial enterprise with output lacks the flag, or the data for the
        above-scale share are missing; the ``meets_*`` flags are NA then.

    Examples
    --------
    >>> import landkit as lk
    >>> table = lk.read_table(lk.sample_data_path(), "enterprises", kind="enterprises")
    >>> shares = lk.industry_concentration(table)
    >>> shares["meets_leading_target"].tolist()
    [True, True, True, True, True]
    >>> print(shares.at["G533124", "reason"].split("；")[-1])
    3 家企业无行业代码，未计入工业产值
    """
    rules = standards.overrides(rules, _RULES)
    table = prepare_layer(
        enterprises, "enterprises", required=("park_id", "output_wan_yuan"), layer="enterprises"
    )
    if "industry_code" in table.columns:
        codes = industry_codes(
            table["industry_code"],
            table.get("industry_code_edition"),
            layer="enterprises",
            ids=table.get("enterprise_id"),
        )
    else:
        codes = pd.DataFrame(
            {"industry_code": None, "industrial": pd.array([pd.NA] * len(table), "boolean")},
            index=table.index,
        )
    industrial = codes["industrial"].fillna(False).astype(bool)
    lead = _flag(table, "in_leading_industry")
    if leading is not None:
        lead = lead.fillna(_leading_by_code(table, codes["industry_code"], leading))
    emerging = _flag(table, "is_emerging")
    targets = {key: standards.get(_RULES, key, rules=rules) for key in _TARGETS}

    output = table["output_wan_yuan"]
    counted = output.where(industrial, 0).fillna(0)
    has_output = industrial & (output.fillna(0) > 0)
    above = _above_scale_value_added(table)
    frame = pd.DataFrame(
        {
            "park_id": table["park_id"],
            "all_output": output.fillna(0),
            "industrial": industrial,
            "output": counted,
            "lead_output": counted.where(lead.fillna(False).astype(bool), 0),
            "emerging_output": counted.where(emerging.fillna(False).astype(bool), 0),
            "lead_unknown": has_output & lead.isna(),
            "emerging_unknown": has_output & emerging.isna(),
            "no_output": industrial & output.isna(),
            "no_code": codes["industrial"].isna(),
            "other_code": codes["industrial"].eq(False).fillna(False),
            "above": (above if above is not None else 0.0) * industrial,
            "above_unknown": industrial & (above.isna() if above is not None else True),
        }
    )
    grouped = frame.groupby("park_id", sort=False)
    sums = grouped.sum()
    out = pd.DataFrame(index=sums.index)
    out["enterprise_count"] = grouped.size()
    out["industrial_enterprise_count"] = sums["industrial"].astype(int)
    out["output_wan_yuan"] = sums["all_output"]
    out["industrial_output_wan_yuan"] = sums["output"]
    total = sums["output"].where(sums["output"] > 0)
    out["leading_output_wan_yuan"] = sums["lead_output"]
    out["leading_share"] = (sums["lead_output"] / total).where(sums["lead_unknown"] == 0)
    out["leading_share_target"] = targets["leading_industry_share_min"].value
    out["meets_leading_target"] = _meets(
        out["leading_share"] > out["leading_share_target"], out["leading_share"]
    )
    out["emerging_output_wan_yuan"] = sums["emerging_output"]
    out["emerging_share"] = (sums["emerging_output"] / total).where(sums["emerging_unknown"] == 0)
    out["emerging_share_target"] = targets["emerging_industry_share_min"].value
    out["meets_emerging_target"] = _meets(
        out["emerging_share"] >= out["emerging_share_target"], out["emerging_share"]
    )
    known_above = (sums["above_unknown"] == 0) & (sums["industrial"] > 0)
    out["above_scale_value_added_wan_yuan"] = sums["above"].where(known_above)
    region = (
        pd.Series(dict(region_value_added) if region_value_added is not None else {}, dtype=float)
        .reindex(out.index)
        .astype(float)
    )
    out["region_above_scale_value_added_wan_yuan"] = region
    out["above_scale_share"] = out["above_scale_value_added_wan_yuan"] / region.where(region > 0)
    out["above_scale_share_target"] = targets["above_scale_value_added_share_min"].value
    out["meets_above_scale_target"] = _meets(
        out["above_scale_share"] > out["above_scale_share_target"], out["above_scale_share"]
    )
    out["comparison"] = "target_comparison"
    out["reason"] = [
        _reasons(row, has_above=above is not None, region=region[park])
        for park, row in sums.iterrows()
    ]
    out.index.name = "park_id"
    out.attrs["landkit_provenance"] = provenance(
        inputs={"enterprises": enterprises},
        rule_tables=[_RULES, "industry_sections"],
        rules=[rule.describe() for rule in targets.values()],
        industrial_sections="B;C;D",
    )
    return out


def _reasons(row: pd.Series, *, has_above: bool, region: float) -> str:
    """Why a park's shares are missing and which enterprises were not counted (Chinese)."""
    notes = []
    if row["output"] <= 0:
        notes.append("园区无工业产值数据（门类 B、C、D 企业）")
    if row["lead_unknown"]:
        notes.append(f"{int(row['lead_unknown'])} 家有产值工业企业未标明是否属于主导产业")
    if row["emerging_unknown"]:
        notes.append(f"{int(row['emerging_unknown'])} 家有产值工业企业未标明是否属于新兴产业")
    if row["no_output"]:
        notes.append(f"{int(row['no_output'])} 家工业企业缺少产值（按 0 计）")
    if not has_above:
        notes.append(
            "缺少企业规上工业增加值（above_scale_value_added_wan_yuan，"
            "或 value_added_wan_yuan 与 is_above_scale）"
        )
    elif row["above_unknown"]:
        notes.append(f"{int(row['above_unknown'])} 家工业企业缺少规上工业增加值或规上标志")
    if np.isnan(region) or region <= 0:
        notes.append("缺少所在地区规上工业增加值（region_value_added=）")
    if row["no_code"]:
        notes.append(f"{int(row['no_code'])} 家企业无行业代码，未计入工业产值")
    if row["other_code"]:
        notes.append(f"{int(row['other_code'])} 家非工业企业（门类 B、C、D 以外）未计入工业产值")
    return "；".join(notes)
