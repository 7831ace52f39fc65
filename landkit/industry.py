"""Industry shares of a park's output (clause 五 of 昆政办〔2019〕15号).

One of the park indicators (re-exported by :mod:`landkit.indicators`): the
policy's targets for the share of leading industries and emerging industries in
a park's industrial output, read from the ``assessment`` table of
``landkit/standards/``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from . import standards
from .errors import SchemaError
from .provenance import provenance
from .schema import prepare_layer

__all__ = ["industry_concentration"]

_RULES = "assessment"


def _meets(met: pd.Series, share: pd.Series) -> pd.Series:
    """A nullable boolean: ``met`` where the share is known, NA elsewhere."""
    return met.astype("boolean").where(share.notna(), pd.NA).astype("boolean")


def industry_concentration(
    enterprises: pd.DataFrame,
    *,
    leading: Mapping[str, Iterable[str]] | None = None,
    rules: Mapping[str, object] | pd.DataFrame | None = None,
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
    rules : mapping or DataFrame, optional
        Overrides of the ``assessment`` table's targets (see
        :mod:`landkit.standards`), e.g. ``{"leading_industry_share_min": 0.7}``;
        recorded with the status ``user``.

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
    >>> shares = lk.industry_concentration(table)
    >>> shares["meets_leading_target"].tolist()
    [True, False, True, True, True]
    """
    rules = standards.overrides(rules, _RULES)
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
    lead_rule = standards.get(_RULES, "leading_industry_share_min", rules=rules)
    emerging_rule = standards.get(_RULES, "emerging_industry_share_min", rules=rules)
    lead_target, emerging_target = lead_rule.value, emerging_rule.value

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
    out["meets_leading_target"] = _meets(out["leading_share"] > lead_target, out["leading_share"])
    out["emerging_output_wan_yuan"] = sums["emerging_output"]
    out["emerging_share"] = (sums["emerging_output"] / total).where(sums["emerging_unknown"] == 0)
    out["emerging_share_target"] = emerging_target
    out["meets_emerging_target"] = _meets(
        out["emerging_share"] >= emerging_target, out["emerging_share"]
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
        rules=[lead_rule.describe(), emerging_rule.describe()],
    )
    return out
