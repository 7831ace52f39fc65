"""The end-to-end demo on the bundled Kunming sample (``landkit demo``).

Each step hands the sample layers it needs (read once through
:class:`DemoContext`) to a :mod:`landkit.pipeline` step, writes the step's
tables and figures into the output folder and keeps its one-line summary.
Steps run in the order of :data:`STEPS`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import pipeline
from .dossier import write_index
from .io import read_layer, read_table, sample_data_path, write_layers
from .workbook import write_workbook

__all__ = ["STEPS", "DemoContext", "console_lines", "run_demo"]

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

    def rasters(self) -> dict:
        """The sample's built-up rasters (``builtup_<year>.tif``) by image date."""
        import rasterio

        rasters = {}
        for path in sorted(self.sample.parent.glob("builtup_*.tif")):
            with rasterio.open(path) as src:
                rasters[src.tags().get("IMAGE_DATE", f"{path.stem[-4:]}-06-30")] = path
        return rasters

    def wrote(self, path) -> Path:
        self.written.append(Path(path))
        return Path(path)

    def save_figures(self, step: pipeline.StepResult) -> None:
        """Save every figure of a step under its default file name."""
        for name, figure in step.figures.items():
            self.wrote(pipeline.save_figure(figure, self.out / name))


def validate_sample(ctx: DemoContext) -> None:
    """Validate every layer and table of the sample."""
    layers = {name: (ctx.layer(name), kind) for name, kind in _KINDS.items()}
    layers.update((name, (ctx.layer(name), name)) for name in _TABLES)
    step = pipeline.validate_all(layers)
    ctx.wrote(write_workbook(step.tables, ctx.out / "validation.xlsx", title="样例数据校验"))
    ctx.summary.append(step.digest)


def check_three_lines_step(ctx: DemoContext) -> None:
    """Check parcels and parks against the three lines; write results, pieces and summary."""
    step = pipeline.three_lines(ctx.layer("parcels"), ctx.lines(), parks=ctx.layer("parks"))
    tables = step.tables
    ctx.results.update(
        three_lines=tables["three_lines"],
        three_lines_parks=tables["three_lines_parks"],
        three_line_pieces=tables["three_line_pieces"],
    )
    layers = {
        "three_lines_parcels": tables["three_lines"],
        "three_lines_parks": tables["three_lines_parks"],
        "three_line_pieces": tables["three_line_pieces"],
        "three_line_summary": tables["three_line_summary"],
    }
    ctx.wrote(write_layers(layers, ctx.out / "three_lines.gpkg"))
    ctx.summary.append(step.digest)


def idle_step(ctx: DemoContext) -> None:
    """Idle-land findings as of the demo date, with both built-up rasters as evidence."""
    step = pipeline.idle(ctx.layer("parcels"), as_of=ctx.as_of, builtup=ctx.rasters())
    ctx.results["idle"] = step.tables["idle"]
    ctx.wrote(write_layers(step.tables, ctx.out / "idle.gpkg"))
    ctx.summary.append(step.digest)


def metrics_step(ctx: DemoContext) -> None:
    """Parcel metrics against the national control indicators, and the parks' indicators."""
    step = pipeline.metrics(
        ctx.layer("parcels"),
        ctx.layer("buildings"),
        parks=ctx.layer("parks"),
        idle=ctx.results.get("idle"),
    )
    ctx.results.update(
        parcel_metrics=step.tables["parcel_metrics"].drop(columns="geometry"),
        park_indicators=step.tables["park_indicators"].set_index("park_id"),
    )
    ctx.wrote(write_layers(step.tables, ctx.out / "metrics.gpkg"))
    ctx.summary.append(step.digest)


def assess_step(ctx: DemoContext) -> None:
    """Annual park assessment, parks per county, parcels outside parks, distances, industries."""
    step = pipeline.assessment(
        ctx.layer("park_history"),
        enterprises=ctx.layer("enterprises"),
        parks=ctx.layer("parks"),
        counties=ctx.layer("counties"),
        parcels=ctx.layer("parcels"),
    )
    ctx.results.update(
        assessment=step.tables["园区考核"].set_index("park_id"),
        industry_concentration=step.tables["产业集聚度"].set_index("park_id"),
    )
    path = ctx.out / "assessment.xlsx"
    year = int(step.tables["园区考核"]["year"].max())
    title = f"{year} 年度开发区考核"
    ctx.wrote(write_workbook(step.tables, path, title=title, names=[ctx.layer("parks")]))
    ctx.summary.append(step.digest)


def boundary_step(ctx: DemoContext) -> None:
    """Boundary documents of the first park, and the publication sheet of every park."""
    from .boundary import write_boundary_points, write_publication_sheet
    from .io import write_coordinate_txt

    parks = ctx.layer("parks")
    park_id = str(parks["park_id"].iloc[0])
    neighbours = [ctx.layer("roads"), ctx.layer("rivers"), parks]
    step = pipeline.boundary_documents(
        parks, park_id, neighbours=neighbours, publication=True, figure=False
    )
    txt = ctx.wrote(write_coordinate_txt(step.tables["feature"], ctx.out / f"{park_id}.txt"))
    points = step.tables["boundary_points"]
    ctx.wrote(write_boundary_points(points, ctx.out / f"{park_id}_界址点成果表.xlsx"))
    sheet = step.tables["publication"]
    ctx.wrote(write_publication_sheet(sheet, ctx.out / "parks_publication.xlsx"))
    ctx.summary.append(pipeline.boundary_digest(step, txt))


def map_step(ctx: DemoContext) -> None:
    """An interactive map of every park and a print map of the park with most findings."""
    results = [ctx.results[key] for key in ("idle", "parcel_metrics") if key in ctx.results]
    step = pipeline.make_maps(
        ctx.results.get("three_lines", ctx.layer("parcels")),
        results=results,
        parks=ctx.layer("parks"),
        lines=ctx.lines(),
        print_map=True,
        most_findings=True,
    )
    ctx.save_figures(step)
    ctx.summary.append(step.digest)


def report_step(ctx: DemoContext) -> None:
    """The Excel report: summary per park, three-line violations, metrics, idle parcels."""
    from .report import write_report

    step = pipeline.report(
        parks=ctx.results.get("three_lines_parks", ctx.layer("parks")),
        three_lines=ctx.results.get("three_lines"),
        metrics=ctx.results.get("parcel_metrics"),
        idle=ctx.results.get("idle"),
    )
    path = ctx.wrote(write_report(ctx.out / "report.xlsx", **step.tables, as_of=ctx.as_of))
    ctx.summary.append(pipeline.report_digest(path))


def dossier_step(ctx: DemoContext) -> None:
    """Case dossiers of the flagged parcels, with both built-up rasters as image evidence."""
    step = pipeline.dossiers(
        ctx.results["idle"],
        parcels=ctx.layer("parcels"),
        imagery=ctx.rasters(),
        parks=ctx.layer("parks"),
        lines=ctx.lines(),
        neighbours=[ctx.layer("roads"), ctx.layer("rivers")],
    )
    folder = ctx.out / "dossiers"
    for name, document in step.figures.items():
        ctx.wrote(pipeline.save_figure(document, folder / name))
    ctx.wrote(write_index(step.tables, folder / "dossiers.xlsx"))
    ctx.summary.append(step.digest)


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
    ("调查案卷", dossier_step),  # after idle: a dossier per flagged parcel
]


def run_demo(out, *, progress: bool | Callable[[str], None] = False) -> DemoContext:
    """Run every demo step on the sample and write a summary into ``out``.

    Parameters
    ----------
    out : str or Path
        The output folder (created when missing).
    progress : bool or callable
        A callable is given one line (``[2/9] 三线核查``) as each step starts.

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


def console_lines(ctx: DemoContext) -> list[str]:
    """What ``landkit demo`` prints when done: the files of each step and the summary."""
    lines = [f"完成，用时 {ctx.elapsed_s:.1f} 秒。已写出文件（{ctx.out.resolve()}）："]
    for title, paths in ctx.outputs.items():
        if paths:
            lines.append(f"  {title}：{'、'.join(path.relative_to(ctx.out).as_posix() for path in paths)}")
    lines.append(f"结果摘要（样例数据，核查日期 {ctx.as_of}）：")
    for line in ctx.summary:
        head, _, rest = line.partition("：")
        parts = rest.split("；") if rest else []
        lines.append(f"  {head}：{parts[0]}" if parts else f"  {line}")
        lines.extend(f"      {part}" for part in parts[1:])
    return lines
