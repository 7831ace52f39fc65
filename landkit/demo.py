"""The end-to-end demo on the bundled Kunming sample (``landkit demo``).

Each step reads what it needs from the sample through :class:`DemoContext`,
writes its outputs into the output folder and adds lines to the Chinese
summary. Steps run in the order of :data:`STEPS`.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .io import read_layer, read_table, sample_data_path, write_table
from .schema import label, validate_layer

__all__ = ["STEPS", "DemoContext", "run_demo"]

_TABLES = ("park_history", "enterprises")
_KINDS = {
    "parks": "parks",
    "parcels": "parcels",
    "buildings": "buildings",
    "ecological_redline": "lines",
    "basic_farmland": "lines",
    "urban_boundary": "lines",
    "roads": "roads",
    "rivers": "rivers",
    "counties": "counties",
}


@dataclass
class DemoContext:
    """What the demo steps share: the sample, the output folder and the summary."""

    out: Path
    sample: Path = field(default_factory=sample_data_path)
    as_of: str = "2026-11-01"
    written: list[Path] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    outputs: dict[str, list[Path]] = field(default_factory=dict)
    elapsed_s: float = 0.0
    results: dict[str, object] = field(default_factory=dict)
    _cache: dict[str, object] = field(default_factory=dict)

    def layer(self, name: str):
        """A sample layer or table (read once)."""
        if name not in self._cache:
            if name in _TABLES:
                self._cache[name] = read_table(self.sample, name, kind=name)
            else:
                self._cache[name] = read_layer(self.sample, name, kind=_KINDS.get(name))
        return self._cache[name]

    def lines(self) -> dict:
        """The three line layers of the sample, by line key."""
        return {
            key: self.layer(key)
            for key in ("ecological_redline", "basic_farmland", "urban_boundary")
        }

    def wrote(self, path) -> None:
        self.written.append(Path(path))


def validate_sample(ctx: DemoContext) -> None:
    """Validate every layer and table of the sample."""
    rows = []
    for name, kind in [*_KINDS.items(), *((t, t) for t in _TABLES)]:
        frame = ctx.layer(name)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            validate_layer(frame, kind, layer=name)
        repaired = sum("repaired" in str(w.message) for w in caught)
        rows.append({"图层": name, "类型": kind, "要素数": len(frame), "修复几何数": repaired})
    table = pd.DataFrame(rows)
    ctx.wrote(write_table({"校验": table}, ctx.out / "validation.xlsx"))
    total = int(table["要素数"].sum())
    fixed = int(table["修复几何数"].sum())
    ctx.summary.append(
        f"数据校验：{len(rows)} 个图层和表，共 {total} 条记录，修复无效几何 {fixed} 处"
    )


def check_three_lines_step(ctx: DemoContext) -> None:
    """Check parcels and parks against the three lines; write results, pieces and summary."""
    from .constraints import check_three_lines, park_three_line_summary, three_line_overlaps
    from .io import write_layers

    lines = ctx.lines()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # repaired geometries are flagged in the result
        parcels = check_three_lines(ctx.layer("parcels"), lines, id_col="parcel_id")
        parks = check_three_lines(ctx.layer("parks"), lines, id_col="park_id")
        pieces = three_line_overlaps(ctx.layer("parcels"), lines, id_col="parcel_id")
    summary = park_three_line_summary(parcels)
    ctx.results.update(three_lines=parcels, three_lines_parks=parks, three_line_pieces=pieces)
    layers = {
        "three_lines_parcels": parcels,
        "three_lines_parks": parks,
        "three_line_pieces": pieces,
        "three_line_summary": summary.reset_index(),
    }
    ctx.wrote(write_layers(layers, ctx.out / "three_lines.gpkg"))
    bad_parcels = int((parcels["status"] == "violation").sum())
    bad_parks = int((parks["status"] == "violation").sum())
    ctx.summary.append(
        f"三线核查：{len(parcels)} 宗地块中 {bad_parcels} 宗违规，{len(parks)} 个园区中 "
        f"{bad_parks} 个违规；压占生态保护红线 {parcels['ecological_redline_mu'].sum():.2f} 亩，"
        f"永久基本农田 {parcels['basic_farmland_mu'].sum():.2f} 亩，"
        f"城镇开发边界外 {parcels['outside_urban_boundary_mu'].sum():.2f} 亩"
    )


def boundary_step(ctx: DemoContext) -> None:
    """Boundary documents of the first park, and the publication sheet of every park."""
    from .boundary import (
        boundary_points,
        park_publication_sheet,
        write_boundary_points,
        write_publication_sheet,
    )
    from .io import read_coordinate_txt, write_coordinate_txt

    parks = ctx.layer("parks")
    park = parks.iloc[[0]]
    park_id = str(park["park_id"].iloc[0])
    txt = write_coordinate_txt(park, ctx.out / f"{park_id}.txt")
    points = boundary_points(park)
    ctx.wrote(txt)
    ctx.wrote(write_boundary_points(points, ctx.out / f"{park_id}_界址点成果表.xlsx"))
    neighbours = [ctx.layer("roads"), ctx.layer("rivers"), parks]
    sheet = park_publication_sheet(parks, neighbours=neighbours)
    ctx.wrote(write_publication_sheet(sheet, ctx.out / "parks_publication.xlsx"))
    back = read_coordinate_txt(txt)
    ctx.summary.append(
        f"界址点：园区 {park_id} 界址点 {len(points) - points['ring'].nunique()} 个，"
        f"面积 {points.attrs['area_ha']:.4f} 公顷（坐标文件回读 {back['area_ha'].iloc[0]:.4f} 公顷）；"
        f"{sheet.loc[park.index[0], 'four_boundaries']}"
    )


def assess_step(ctx: DemoContext) -> None:
    """Annual park assessment, parks per county, parcels outside parks, distances, industries."""
    from . import standards
    from .assess import assess_parks
    from .indicators import industry_concentration
    from .siting import parcels_outside_parks, parks_per_county, protective_distance_check

    history = ctx.layer("park_history")
    year = int(history["year"].max())
    parks, parcels = ctx.layer("parks"), ctx.layer("parcels")
    assessment = assess_parks(history, year=year)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # repaired geometries are flagged in the results
        per_county = parks_per_county(parks, ctx.layer("counties"))
        outside = parcels_outside_parks(parcels, parks)
        distances = protective_distance_check(parcels, parcels)
    shares = industry_concentration(ctx.layer("enterprises"))
    ctx.results.update(assessment=assessment, industry_concentration=shares)
    sheets = {
        "园区考核": assessment.reset_index(),
        "县区园区数": per_county.reset_index(),
        "园区外工业用地": outside[outside["park_status"].isin(["outside", "partly_outside"])],
        "防护距离不足": distances[distances["distance_status"] == "too_close"],
        "产业集聚度": shares.reset_index(),
    }
    shown = {name: frame.rename(columns=label) for name, frame in sheets.items()}
    ctx.wrote(write_table(shown, ctx.out / "assessment.xlsx"))

    def count(frame, column):
        return int(frame[column].fillna(False).sum())

    over = "、".join(per_county.index[per_county["over_limit"]]) or "无"
    pass_mark = standards.rule_row("assessment", "pass_mark")
    example = " 为示例值" if pass_mark["status"] == "example" else ""
    ctx.summary.append(
        f"{year} 年度园区考核：{len(assessment)} 个园区，黄牌 {count(assessment, 'yellow_card')} 个，"
        f"建议摘牌 {count(assessment, 'delist_recommended')} 个（合格分 {pass_mark['value']}{example}）；"
        f"园区超过 {int(per_county['limit'].iloc[0])} 个的县区：{over}；"
        f"园区外工业地块 {len(sheets['园区外工业用地'])} 宗；防护距离不足 {len(sheets['防护距离不足'])} 宗；"
        f"主导产业集聚度超过 {shares['leading_share_target'].iloc[0]:.0%} 的园区 "
        f"{count(shares, 'meets_leading_target')}/{len(shares)} 个"
    )


def metrics_step(ctx: DemoContext) -> None:
    """Parcel metrics against the national control indicators, and the parks' indicators."""
    import geopandas as gpd

    from .indicators import park_indicators
    from .io import write_layers
    from .metrics import parcel_metrics

    parcels, buildings = ctx.layer("parcels"), ctx.layer("buildings")
    idle = ctx.results.get("idle")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # repaired geometries are flagged in the result
        metrics = parcel_metrics(parcels, buildings)
        parks = park_indicators(ctx.layer("parks"), parcels, buildings=buildings, idle=idle)
    ctx.results.update(parcel_metrics=metrics, park_indicators=parks)
    layer = gpd.GeoDataFrame(metrics, geometry=parcels.geometry)
    layer.attrs = metrics.attrs
    table = parks.reset_index()
    table.attrs = parks.attrs
    ctx.wrote(
        write_layers({"parcel_metrics": layer, "park_indicators": table}, ctx.out / "metrics.gpkg")
    )

    def failing(column):
        return int(metrics[column].eq(False).fillna(False).sum())

    judged = int(metrics["meets_plot_ratio"].notna().sum())
    ratio = parks["composite_plot_ratio"]
    ctx.summary.append(
        f"地块指标：{len(metrics)} 宗中 {judged} 宗按国家控制指标评价，容积率不达标 "
        f"{failing('meets_plot_ratio')} 宗，建筑系数不达标 {failing('meets_building_coefficient')} 宗，"
        f"行政办公比重超标 {failing('meets_admin_share')} 宗；园区综合容积率 "
        f"{ratio.min():.2f}–{ratio.max():.2f}（全国平均 {parks['national_composite_plot_ratio'].iloc[0]:.2f}）"
    )


def _demo_parcels(ctx: DemoContext):
    """The parcels with every result computed so far (three lines, idle, metrics)."""
    from .maps import combine_results

    base = ctx.results.get("three_lines", ctx.layer("parcels"))
    others = [ctx.results[key] for key in ("idle", "parcel_metrics") if key in ctx.results]
    return combine_results(base, *others)


def map_step(ctx: DemoContext) -> None:
    """An interactive map of every park and a print map of the first park."""
    from .io import atomic_path
    from .maps import make_map, parcel_category, static_map

    parks, parcels = ctx.layer("parks"), _demo_parcels(ctx)
    fmap = make_map(parks=parks, parcels=parcels, lines=ctx.lines())
    with atomic_path(ctx.out / "map.html") as tmp:
        fmap.save(str(tmp))
    ctx.wrote(ctx.out / "map.html")
    flagged = ~parcel_category(parcels).isin(["compliant", "not_evaluated"])
    counts = parcels.loc[flagged, "park_id"].value_counts()  # the park with most findings
    park_id = str(counts.index[0] if len(counts) else parks["park_id"].iloc[0])
    png = ctx.out / f"{park_id}_map.png"
    static_map(parks, parcels=parcels, lines=ctx.lines(), park_id=park_id, path=png)
    ctx.wrote(png)
    ctx.summary.append(
        f"地图：map.html（{len(parks)} 个园区、{len(parcels)} 宗地块，{int(flagged.sum())} 宗有问题已着色）；"
        f"问题最多的园区 {park_id} 打印图 {png.name}"
    )


def report_step(ctx: DemoContext) -> None:
    """The Excel report: summary per park, three-line violations, metrics, idle parcels."""
    import openpyxl

    from .report import write_report

    parks = ctx.results.get("three_lines_parks", ctx.layer("parks"))
    path = write_report(
        ctx.out / "report.xlsx",
        parks=parks,
        three_lines=ctx.results.get("three_lines"),
        metrics=ctx.results.get("parcel_metrics"),
        idle=ctx.results.get("idle"),
    )
    ctx.wrote(path)
    sheets = "、".join(openpyxl.load_workbook(path, read_only=True).sheetnames)
    ctx.summary.append(f"报告：{path.name}（{sheets}）")


def idle_step(ctx: DemoContext) -> None:
    """Idle-land findings as of the demo date, with both built-up rasters as evidence."""
    import rasterio

    from .idle import FLAGGED, detect_idle
    from .io import write_layers
    from .report import STATUS_LABELS

    rasters = {}
    for path in sorted(ctx.sample.parent.glob("builtup_*.tif")):
        with rasterio.open(path) as src:
            rasters[src.tags().get("IMAGE_DATE", f"{path.stem[-4:]}-06-30")] = path
    result = detect_idle(ctx.layer("parcels"), as_of=ctx.as_of, builtup=rasters)
    ctx.results["idle"] = result
    ctx.wrote(write_layers({"idle": result}, ctx.out / "idle.gpkg"))
    counts = result["idle_status"].value_counts()
    found = "，".join(f"{STATUS_LABELS[s]} {int(counts.get(s, 0))} 宗" for s in FLAGGED)
    ctx.summary.append(
        f"闲置土地（截至 {ctx.as_of}）：{found}；测算土地闲置费 "
        f"{result['idle_fee_wan_yuan'].sum():,.2f} 万元；记录与影像不一致 "
        f"{int(result['evidence_conflict'].sum())} 宗"
    )


# Demo steps in running order; each takes the context.
STEPS: list[tuple[str, Callable[[DemoContext], None]]] = [
    ("校验样例数据", validate_sample),
    ("三线核查", check_three_lines_step),
    ("闲置土地核查", idle_step),
    ("地块指标与园区集约利用", metrics_step),  # after idle: the idle-land rate needs it
    ("园区年度考核", assess_step),
    ("界址点与公布信息", boundary_step),
    ("地图", map_step),
    ("Excel 报告", report_step),
]


def run_demo(out, *, progress: bool | Callable[[str], None] = False) -> DemoContext:
    """Run every demo step on the sample and write a summary into ``out``.

    Parameters
    ----------
    out : str or Path
        The output folder (created when missing).
    progress : bool or callable
        A callable is given one line (``[2/8] 三线核查``) as each step starts.

    Returns
    -------
    DemoContext
        With ``written`` (every file, in order), ``outputs`` (the files of each
        step, by step title), ``summary`` (one Chinese line per step) and
        ``elapsed_s``.

    Examples
    --------
    >>> import tempfile
    >>> ctx = run_demo(tempfile.mkdtemp())
    >>> (ctx.out / "summary.txt").exists()
    True
    >>> sum(len(files) for files in ctx.outputs.values()) == len(ctx.written)
    True
    """
    ctx = DemoContext(out=Path(out))
    ctx.out.mkdir(parents=True, exist_ok=True)
    report = progress if callable(progress) else None
    start = time.perf_counter()
    for number, (title, step) in enumerate(STEPS, start=1):
        if report:
            report(f"[{number}/{len(STEPS)}] {title}")
        before = len(ctx.written)
        step(ctx)
        ctx.outputs[title] = ctx.written[before:]
    summary = ctx.out / "summary.txt"
    summary.write_text("\n".join(ctx.summary) + "\n", encoding="utf-8")
    ctx.wrote(summary)
    ctx.outputs["结果摘要"] = [summary]
    ctx.elapsed_s = time.perf_counter() - start
    return ctx
