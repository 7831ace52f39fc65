"""Pipeline steps that evaluate: parcel metrics and park indicators, the annual assessment."""

from __future__ import annotations

import pandas as pd

from ..missing import missing_data_table
from ..schema import label
from .result import StepResult, count_true, missing_lines, recording, warning_lines

# ------------------------------------------------------------------- metrics


def metrics(
    parcels,
    buildings=None,
    *,
    standard: str = "auto",
    local_standard=None,
    parks=None,
    idle=None,
) -> StepResult:
    """Parcel metrics against the control indicators, and the parks' indicators.

    Parameters
    ----------
    parcels : GeoDataFrame
        The parcels.
    buildings : GeoDataFrame, optional
        Buildings (``floors``, ``height_m``) for the floor area.
    standard : str
        National control-indicator edition; ``"auto"`` (default): the one in force on each
        parcel's grant date.
    local_standard : DataFrame, optional
        A jurisdiction's thresholds.
    parks : GeoDataFrame, optional
        Parks: adds table ``park_indicators``.
    idle : DataFrame, optional
        A :func:`landkit.detect_idle` result, for the parks' idle-land rate.

    Returns
    -------
    StepResult
        Tables ``parcel_metrics`` (with the parcels' geometry),
        ``park_indicators`` and, when an indicator lacks data, ``missing_data``
        (:func:`landkit.missing.missing_data_table`); findings: a parcel misses
        a threshold.

    Examples
    --------
    >>> import landkit as lk
    >>> path = lk.sample_data_path()
    >>> step = metrics(lk.read_layer(path, "parcels"), lk.read_layer(path, "buildings"))
    >>> step.summary[1]
    '  容积率：评价 67 宗，不达标 6 宗'
    """
    import geopandas as gpd

    from ..indicators import park_indicators
    from ..metrics import CONTROL_INDICATORS, parcel_metrics

    with recording() as caught:
        result = parcel_metrics(
            parcels, buildings, standard=standard, local_standard=local_standard, parks=parks
        )
        indicators = None
        if parks is not None:
            indicators = park_indicators(parks, parcels, buildings=buildings, idle=idle)
    layer = gpd.GeoDataFrame(result, geometry=parcels.geometry)
    layer.attrs = result.attrs
    tables = {"parcel_metrics": layer}
    judged = {key: result[f"meets_{key}"] for key in CONTROL_INDICATORS}
    failing = {key: int(v.eq(False).fillna(False).sum()) for key, v in judged.items()}
    editions = result["standard_edition"].value_counts().sort_index()
    used = "，".join(f"{name} {count} 宗" for name, count in editions.items()) or "无"
    shown = f"按供地日期：{used}" if standard == "auto" else standard
    summary = [f"地块指标（{shown}）：共 {len(result)} 宗"]
    for key, column in CONTROL_INDICATORS.items():
        evaluated = int(judged[key].notna().sum())
        if evaluated:
            summary.append(f"  {label(column)}：评价 {evaluated} 宗，不达标 {failing[key]} 宗")
        else:
            summary.append(f"  {label(column)}：无控制值，未评价")
    missing = missing_data_table(metrics=result, parcels=parcels)
    if len(missing):
        tables["missing_data"] = missing
    summary += missing_lines(missing)
    summary += warning_lines(caught, repaired_only=True)
    digest = (
        f"地块指标：{len(result)} 宗中 {int(judged['plot_ratio'].notna().sum())} 宗按国家控制指标"
        f"评价，容积率不达标 {failing['plot_ratio']} 宗，建筑系数不达标 "
        f"{failing['building_coefficient']} 宗，行政办公比重超标 {failing['admin_share']} 宗"
    )
    if indicators is not None:
        table = indicators.reset_index()
        table.attrs = indicators.attrs
        tables["park_indicators"] = table
        summary.append(f"园区集约利用指标：{len(indicators)} 个园区")
        for park_id, row in indicators.iterrows():
            ratio, rate = row["composite_plot_ratio"], row["industrial_land_rate"]
            shown_ratio = "—" if pd.isna(ratio) else f"{ratio:.2f}"
            shown_rate = "—" if pd.isna(rate) else f"{rate:.1%}"
            summary.append(f"  {park_id}：综合容积率 {shown_ratio}，工业用地率 {shown_rate}")
        ratio = indicators["composite_plot_ratio"]
        if len(indicators):
            national = indicators["national_composite_plot_ratio"].iloc[0]
            digest += f"；园区综合容积率 {ratio.min():.2f}–{ratio.max():.2f}（全国平均 {national:.2f}）"
    return StepResult(
        tables=tables, summary=summary, digest=digest, findings=any(failing.values())
    )


# ---------------------------------------------------------------- assessment


def assessment(
    history,
    *,
    year: int | None = None,
    scheme=None,
    pass_mark: float | None = None,
    enterprises=None,
    parks=None,
    counties=None,
    parcels=None,
) -> StepResult:
    """Annual park assessment, with the policy's industry and location rules.

    Parameters
    ----------
    history : DataFrame
        Park history (one row per park and year).
    year : int, optional
        The year assessed (default: the latest in ``history``).
    scheme : DataFrame, optional
        Indicator weights (default: rule table).
    pass_mark : float, optional
        Pass mark (default: rule table, an example value).
    enterprises : DataFrame, optional
        Enterprises: adds the industry shares (sheet ``产业集聚度``).
    parks : GeoDataFrame, optional
        Parks: adds the parks per county (sheet ``县区园区数``).
    counties : GeoDataFrame, optional
        Counties (default: the parks' county column).
    parcels : GeoDataFrame, optional
        With ``parks``: industrial parcels outside parks and protective distances.

    Returns
    -------
    StepResult
        Tables by sheet name; findings: a yellow card.

    Examples
    --------
    >>> import landkit as lk
    >>> history = lk.read_table(lk.sample_data_path(), "park_history")
    >>> assessment(history).summary[1]
    '  黄牌警告 3 个，建议摘牌 1 个'
    """
    from .. import standards
    from ..assess import assess_parks
    from ..indicators import industry_concentration
    from ..siting import (
        OUTSIDE_PARK_FINDINGS,
        parcels_outside_parks,
        parks_per_county,
        protective_distance_check,
    )

    year = int(history["year"].max()) if year is None else year
    rules = {"pass_mark": pass_mark} if pass_mark is not None else None
    result = assess_parks(history, year=year, scheme=scheme, rules=rules)
    tables = {"园区考核": result.reset_index()}
    if pass_mark is None:
        row = standards.rule_row("assessment", "pass_mark")
        example = row["status"] == "example"
        noted = row["value"] + ("（示例值）" if example else "")
        shown = row["value"] + (" 为示例值" if example else "")
    else:
        shown = noted = f"{pass_mark:g}"
    yellow, delist = count_true(result, "yellow_card"), count_true(result, "delist_recommended")
    summary = [
        f"{year} 年度园区考核：{len(result)} 个园区，评价 {int(result['score'].notna().sum())} 个"
        f"（合格分 {noted}）",
        f"  黄牌警告 {yellow} 个，建议摘牌 {delist} 个",
        f"  建议核减面积或降级 {count_true(result, 'reduce_or_downgrade')} 个，"
        f"具备扩区条件 {count_true(result, 'expansion_ready')} 个",
    ]
    for park, row in result[result["yellow_card"].fillna(False).astype(bool)].iterrows():
        summary.append(f"  {park}：{row['reasons']}")
    digest = [
        f"{year} 年度园区考核：{len(result)} 个园区，黄牌 {yellow} 个，"
        f"建议摘牌 {delist} 个（合格分 {shown}）"
    ]
    with recording() as caught:  # repaired geometries are flagged in the results
        if parks is not None:
            per_county = parks_per_county(parks, counties)
            tables["县区园区数"] = per_county.reset_index()
            limit = int(per_county["limit"].iloc[0])
            over = "、".join(per_county.index[per_county["over_limit"]]) or "无"
            county_line = f"园区超过 {limit} 个的县区：{over}"
            digest.append(county_line)
        if parks is not None and parcels is not None:
            outside = parcels_outside_parks(parcels, parks)
            distances = protective_distance_check(parcels, parcels)
            tables["园区外工业用地"] = outside[
                outside["park_status"].isin(OUTSIDE_PARK_FINDINGS)
            ]
            tables["防护距离不足"] = distances[distances["distance_status"] == "too_close"]
            digest.append(f"园区外工业地块 {len(tables['园区外工业用地'])} 宗")
            digest.append(f"防护距离不足 {len(tables['防护距离不足'])} 宗")
    if enterprises is not None:
        shares = industry_concentration(enterprises)
        tables["产业集聚度"] = shares.reset_index()
        lead = count_true(shares, "meets_leading_target")
        emerging = count_true(shares, "meets_emerging_target")
        lead_target = shares["leading_share_target"].iloc[0]
        emerging_target = shares["emerging_share_target"].iloc[0]
        summary.append(
            f"  目标对照（第五条）：主导产业集聚度超过 {lead_target:.0%}：{lead}/{len(shares)} 个园区；"
            f"新兴产业产值占比达到 {emerging_target:.0%}：{emerging}/{len(shares)} 个园区"
        )
        digest.append(
            f"目标对照：主导产业集聚度超过 {lead_target:.0%} 的园区 {lead}/{len(shares)} 个"
        )
    if parks is not None:
        summary.append(f"  {county_line}")
    summary += warning_lines(caught)
    return StepResult(tables=tables, summary=summary, digest="；".join(digest), findings=yellow > 0)

