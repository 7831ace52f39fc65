"""Pipeline steps that check features: validation, the three lines, idle land."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from ..columns import feature_id_column
from ..geometry import is_absent
from ..io import read_layer, read_lines
from ..io.lines import recognised_lines
from ..labels import value_label
from ..missing import missing_data_table
from ..schema import validate_layer
from .result import (
    StepResult,
    is_repair,
    missing_lines,
    recording,
    status_counts,
    warning_lines,
)

# ------------------------------------------------------------------ validate


def validate(
    frame: pd.DataFrame, kind: str, *, layer: str, strict: bool = False, source=None
) -> StepResult:
    """Check one layer or table against the data model.

    Parameters
    ----------
    frame : DataFrame or GeoDataFrame
        The layer as stored (validation maps aliases and parses values itself).
    kind : str
        One of :data:`landkit.schema.KINDS`.
    layer : str
        The layer's name in error messages.
    strict : bool
        Invalid geometry is an error instead of being repaired.
    source : str or Path, optional
        The file named in the summary (default: ``layer``).

    Returns
    -------
    StepResult
        ``tables["校验"]``: one row (layer, kind, rows, repaired geometries).

    Examples
    --------
    >>> import landkit as lk
    >>> parks = lk.read_layer(lk.sample_data_path(), "parks")
    >>> validate(parks, "parks", layer="parks").summary
    ['校验通过：parks（parks），5 条记录']
    """
    with recording() as caught:
        checked = validate_layer(frame, kind, strict=strict, layer=layer)
    repaired = sum(is_repair(w) for w in caught)
    row = {"图层": layer, "类型": kind, "要素数": len(frame), "修复几何数": repaired}
    summary = [f"校验通过：{source or layer}（{kind}），{len(frame)} 条记录"]
    summary += warning_lines(caught, repaired_only=True, indent="")
    summary += _column_lines(checked.attrs.get("landkit_unrecognised", []))
    return StepResult(tables={"校验": pd.DataFrame([row])}, summary=summary)


def _column_lines(unrecognised: list[dict]) -> list[str]:
    """Lines naming the columns validation did not recognise, with what they most likely mean."""
    likely = [item for item in unrecognised if isinstance(item["likely_column"], str)]
    lines = [
        f"未识别的列：{item['column']}，可能是 {item['likely_label']}；如是，用 "
        f"--column {item['column']}={item['likely_column']} 指定"
        for item in likely
    ]
    unused = [item["column"] for item in unrecognised if item not in likely]
    if unused:
        lines.append(f"未使用的列：{'、'.join(unused)}")
    return lines


def validate_all(layers: Mapping[str, tuple[pd.DataFrame, str]]) -> StepResult:
    """Check several layers and tables; ``layers`` maps a name to ``(frame, kind)``.

    Examples
    --------
    >>> import landkit as lk
    >>> path = lk.sample_data_path()
    >>> layers = {n: (lk.read_layer(path, n), n) for n in ("parks", "parcels")}
    >>> validate_all(layers).digest
    '数据校验：2 个图层和表，共 104 条记录，修复无效几何 1 处'
    """
    results = [validate(frame, kind, layer=name) for name, (frame, kind) in layers.items()]
    table = pd.concat([r.tables["校验"] for r in results], ignore_index=True)
    total, fixed = int(table["要素数"].sum()), int(table["修复几何数"].sum())
    return StepResult(
        tables={"校验": table},
        summary=[line for r in results for line in r.summary],
        digest=f"数据校验：{len(table)} 个图层和表，共 {total} 条记录，修复无效几何 {fixed} 处",
    )


# --------------------------------------------------------------- three lines


def three_lines(
    features,
    lines,
    *,
    id_col: str | None = None,
    park_col: str = "park_id",
    tolerance_m2: float | None = None,
    parks=None,
    progress=False,
) -> StepResult:
    """Check parcels (or parks) against the three lines, with pieces and a per-park summary.

    Parameters
    ----------
    features : GeoDataFrame
        Parcels or parks.
    lines : mapping, str or Path
        As :func:`landkit.check_three_lines` takes them.
    id_col : str, optional
        Default: ``parcel_id``, else ``park_id``, else the index.
    park_col : str
        Column of the per-park summary (ignored when absent).
    tolerance_m2 : float, optional
        Sliver tolerance (default: rule table).
    parks : GeoDataFrame, optional
        Parks checked as well (table ``three_lines_parks``).
    progress : bool or callable
        Passed to :func:`landkit.check_three_lines`.

    Returns
    -------
    StepResult
        Tables ``three_lines``, ``three_line_pieces``, ``three_line_summary``
        (and ``three_lines_parks``); findings: a violation.

    Examples
    --------
    >>> import landkit as lk
    >>> path = lk.sample_data_path()
    >>> step = three_lines(lk.read_layer(path, "parcels"), path)
    >>> step.summary[0]
    '三线核查：99 个要素，违规 3 个，无几何 0 个（容差 1.0 m²）'
    """
    from ..constraints import (
        LINE_KEYS,
        check_three_lines,
        line_columns,
        park_three_line_summary,
        three_line_overlaps,
    )
    from ..crs import m2_to_mu

    id_col = id_col or feature_id_column(features)
    layers = read_lines(lines)
    with recording() as caught:
        result = check_three_lines(
            features, layers, id_col=id_col, tolerance_m2=tolerance_m2, progress=progress
        )
        pieces = three_line_overlaps(features, layers, id_col=id_col)
        checked_parks = None
        if parks is not None:
            checked_parks = check_three_lines(parks, layers, id_col="park_id")
    park_col = park_col if park_col in result.columns else None
    tables = {
        "three_lines": result,
        "three_line_pieces": pieces,
        "three_line_summary": park_three_line_summary(result, park_col=park_col).reset_index(),
    }
    violating = int((result["status"] == "violation").sum())
    no_geometry = int((result["status"] == "no_geometry").sum())
    record = result.attrs["landkit_provenance"]
    summary = [
        f"三线核查：{len(result)} 个要素，违规 {violating} 个，无几何 {no_geometry} 个"
        f"（容差 {record['tolerance_m2']} m²）"
    ]
    absent = record["lines_absent"].split("; ")
    for key in LINE_KEYS:
        if key in absent:
            summary.append(f"  {value_label('line', key)}：未提供该图层，未核查")
            continue
        count = int(result["violations"].str.contains(key, regex=False).sum())
        total = float(result[line_columns(key)[0]].sum())
        summary.append(
            f"  {value_label('line', key)}：{count} 个要素违规，合计 {total:,.1f} m²（{m2_to_mu(total):,.2f} 亩）"
        )
    summary += [
        f"  图层 {row.line_zh}：{row.source}（"
        + ("指定" if row.matched == "given" else f"按名称 {row.matched} 识别")
        + f"，{row.features} 个要素）"
        for row in recognised_lines(layers).itertuples()
    ]
    summary += warning_lines(caught)
    digest = f"三线核查：{len(result)} 宗地块中 {violating} 宗违规"
    if checked_parks is not None:
        tables["three_lines_parks"] = checked_parks
        bad_parks = int((checked_parks["status"] == "violation").sum())
        digest += f"，{len(checked_parks)} 个园区中 {bad_parks} 个违规"
    digest += (
        f"；压占生态保护红线 {result['ecological_redline_mu'].sum():.2f} 亩，"
        f"永久基本农田 {result['basic_farmland_mu'].sum():.2f} 亩，"
        f"城镇开发边界外 {result['outside_urban_boundary_mu'].sum():.2f} 亩"
    )
    return StepResult(tables=tables, summary=summary, digest=digest, findings=violating > 0)


# ---------------------------------------------------------------------- idle


def idle(
    parcels,
    *,
    as_of,
    builtup=None,
    builtup_scale: str | None = None,
    previous=None,
    html_map: bool = False,
    parks=None,
    holidays=None,
) -> StepResult:
    """Idle-land findings as of a date, optionally compared with an earlier run.

    Parameters
    ----------
    parcels : GeoDataFrame
        The parcels.
    as_of : str or date
        The date the findings hold on.
    builtup, builtup_scale
        Built-up rasters as evidence, as :func:`landkit.detect_idle` takes them.
    previous : str or Path, optional
        An earlier ``idle.gpkg``: adds ``previous_status`` and ``newly_flagged``.
    html_map : bool
        Also make the map ``idle.html`` (when any parcel has a geometry): it opens on the idle-land findings
        (``only="idle"``), the other parcels faded.
    parks : GeoDataFrame, optional
        Parks outlined on the map.
    holidays : list of dates, Series or CSV path, optional
        The official rest days (民法典 art. 203), as :func:`landkit.detect_idle`
        takes them; the summary says whether the rule was applied.

    Returns
    -------
    StepResult
        Table ``idle`` (and ``missing_data``, :func:`landkit.missing.missing_data_table`,
        when a finding lacks data); findings: a flagged parcel.

    Examples
    --------
    >>> import landkit as lk
    >>> parcels = lk.read_layer(lk.sample_data_path(), "parcels")
    >>> idle(parcels, as_of="2026-11-01").summary[1]
    '  测算土地闲置费合计 1,616.52 万元'
    """
    from ..idle import FLAGGED, as_date, compare_idle, detect_idle
    from ..periods import rest_days

    as_of = as_date(as_of, name="--as-of")
    earlier = read_layer(previous, "idle") if previous is not None else None
    rest = rest_days(holidays)
    result = detect_idle(
        parcels, as_of=as_of, builtup=builtup, builtup_scale=builtup_scale, holidays=rest
    )
    if earlier is not None:
        result = result.assign(**compare_idle(result, earlier))
    flagged = status_counts(result["idle_status"], FLAGGED, field="idle_status", skip_absent=False)
    every = status_counts(
        result["idle_status"],
        (*FLAGGED, "insufficient_data"),
        field="idle_status",
        skip_absent=False,
    )
    fee = float(result["idle_fee_wan_yuan"].sum())
    missing = missing_data_table(idle=result)
    summary = [
        f"闲置土地核查（截至 {as_of:%Y-%m-%d}）：共 {len(result)} 宗；{every}",
        f"  测算土地闲置费合计 {fee:,.2f} 万元",
        _holiday_line(result, rest),
        *missing_lines(missing),
    ]
    digest = f"闲置土地（截至 {as_of:%Y-%m-%d}）：{flagged}；测算土地闲置费 {fee:,.2f} 万元"
    if "builtup_fraction" in result.columns:
        conflicts = int(result["evidence_conflict"].sum())
        summary.append(f"  动工记录与建成影像不一致 {conflicts} 宗")
        digest += f"；记录与影像不一致 {conflicts} 宗"
    if earlier is not None:
        summary.append(f"  与上次（{previous}）相比新增 {int(result['newly_flagged'].sum())} 宗")
    figures = {}
    if html_map and not is_absent(result.geometry).all():  # no map of nothing
        from ..maps import make_map

        figures["idle.html"] = make_map(parks=parks, parcels=result, only="idle")
    return StepResult(
        tables={"idle": result, **({"missing_data": missing} if len(missing) else {})},
        summary=summary,
        digest=digest,
        figures=figures,
        findings=bool(result["idle_status"].isin(FLAGGED).any()),
    )


def _holiday_line(result, rest) -> str:
    """Whether periods ending on a rest day were moved (民法典 art. 203), for the summary."""
    if rest is None:
        return "  未提供法定节假日历：期间最后一日未按民法典第二百零三条顺延"
    moved = int(result["holiday_note"].notna().sum())
    return f"  已按法定节假日历（{len(rest)} 个休息日）适用民法典第二百零三条，期间顺延 {moved} 宗"

