"""The end-to-end demo on the bundled Kunming sample (``landkit demo``).

Each step reads what it needs from the sample through :class:`DemoContext`,
writes its outputs into the output folder and adds lines to the Chinese
summary. Steps run in the order of :data:`STEPS`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .io import read_layer, read_table, sample_data_path, write_table
from .schema import validate_layer

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


# Demo steps in running order; each takes the context.
STEPS: list[tuple[str, Callable[[DemoContext], None]]] = [
    ("校验样例数据", validate_sample),
    ("三线核查", check_three_lines_step),
]


def run_demo(out, *, progress: bool | Callable[[str], None] = False) -> DemoContext:
    """Run every demo step on the sample and write a summary into ``out``.

    Examples
    --------
    >>> import tempfile
    >>> ctx = run_demo(tempfile.mkdtemp())
    >>> (ctx.out / "summary.txt").exists()
    True
    """
    ctx = DemoContext(out=Path(out))
    ctx.out.mkdir(parents=True, exist_ok=True)
    report = progress if callable(progress) else None
    for number, (title, step) in enumerate(STEPS, start=1):
        if report:
            report(f"[{number}/{len(STEPS)}] {title}")
        step(ctx)
    summary = ctx.out / "summary.txt"
    summary.write_text("\n".join(ctx.summary) + "\n", encoding="utf-8")
    ctx.wrote(summary)
    return ctx
