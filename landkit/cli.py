"""The ``landkit`` command: a thin shell over the library.

Each command reads its inputs, calls one :mod:`landkit.pipeline` step, writes
the step's tables and figures (atomically) and prints its summary. Exit codes,
for every command: 0 done; 1 done and findings present (only with
``--fail-on-findings``); 2 bad input, usage or an unusable output path (a
one-line Chinese reason, nothing written); 3 a bug in landkit (one line saying
so and where to report it; never a traceback).

Every output path of a command is checked before anything is computed, and
the outputs are written under temporary names and renamed together at the
end, so a failed or interrupted run leaves none of them behind.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import shutil
import sys
import traceback
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

from . import pipeline
from ._version import __version__
from .columns import id_column
from .errors import (
    CRSError,
    DataWarning,
    GeometryError,
    GeometryRepairedWarning,
    InputError,
    InputNotesWarning,
    LandkitError,
    LandkitWarning,
    OutputWarning,
    SchemaError,
    UnrecognisedColumnsWarning,
)
from .io import check_target, interruptible, read_layer, read_table
from .labels import warning_text
from .schema import KINDS

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_BUG = 0, 1, 2, 3


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _command(sub, name: str, about: str, func, *, out=None, fail=None, read=True, ids=False):
    """A subcommand with ``--out``, ``--fail-on-findings``, the common read options and the ids."""
    p = sub.add_parser(name, help=about)
    if out:
        p.add_argument("--out", required=True, help=out)
    if fail:
        p.add_argument("--fail-on-findings", action="store_true", help=f"exit 1 {fail}")
    if read:
        p.add_argument("--layer", help="layer of a GeoPackage / sheet of a workbook")
        p.add_argument("--encoding", help="Shapefile text encoding (default: .cpg, UTF-8, then GBK)")
        p.add_argument("--crs", help="CRS of a layer without one, or gcj02 / bd09")
        p.add_argument("--column", action="append", default=[], metavar="NAME=COLUMN",
                       help="what a column of the layer means, e.g. 用地性质=land_use; may repeat")  # fmt: skip
    if ids:
        p.add_argument("--id-col", help="id column (default: 宗地编号/parcel_id, else 园区编号/park_id "
                       "or a recognised name such as 园区代码)")  # fmt: skip
        p.add_argument("--name-col", help="name column (default: name or a recognised one such as "
                       "开发区名称)")  # fmt: skip
        p.add_argument("--park-id", dest="one_park", metavar="PARK_ID",
                       help="the park of a layer without a 园区编号 column")  # fmt: skip
    p.set_defaults(func=func)
    return p


def _column_map(args, kind: str | None) -> dict[str, str]:
    """``--column NAME=COLUMN`` pairs, with ``--id-col`` and ``--name-col`` for a known kind."""
    mapping = {}
    for value in getattr(args, "column", []):
        name, sep, column = value.partition("=")
        if not sep or not name.strip() or not column.strip():
            raise InputError(f"--column {value}: write NAME=COLUMN, e.g. --column 用地性质=land_use")
        mapping[name.strip()] = column.strip()
    if kind is not None and getattr(args, "id_col", None) and id_column(kind):
        mapping.setdefault(args.id_col, id_column(kind))
    if kind is not None and getattr(args, "name_col", None):
        mapping.setdefault(args.name_col, "name")
    return mapping


def _read(path: str, args, kind: str | None = None):
    """The input layer named on the command line, with its read, column and park options."""
    return read_layer(
        path, args.layer, kind=kind, encoding=args.encoding, crs=args.crs,
        columns=_column_map(args, kind), park_id=getattr(args, "one_park", None),
    )  # fmt: skip


def _add_line_options(p, *, required_help: str) -> None:
    p.add_argument("--lines", help=required_help)
    for flag, key in (("--redline", "生态保护红线"), ("--farmland", "永久基本农田"),
                      ("--urban", "城镇开发边界")):  # fmt: skip
        p.add_argument(flag, metavar="FILE", help=f"{key} layer file (instead of --lines)")


def _lines(args, *, required: bool):
    """``--lines`` (a GeoPackage or a folder), or the files named by --redline/--farmland/--urban."""
    named = {
        key: path
        for key, path in (("ecological_redline", args.redline),
                          ("basic_farmland", args.farmland), ("urban_boundary", args.urban))
        if path
    }  # fmt: skip
    if named and args.lines:
        raise InputError("give --lines or --redline/--farmland/--urban, not both")
    if required and not (named or args.lines):
        raise InputError("no three lines: give --lines (a GeoPackage or a folder) or "
                         "--redline/--farmland/--urban")  # fmt: skip
    return named or args.lines


def _optional(reader, path: str | None, **options):
    return reader(path, **options) if path else None


# ------------------------------------------------------------------ output paths


class Outputs:
    """A command's output files, or its output folder: checked now, written together later.

    Checked at once, before any work: a file's folder must exist and be
    writable, a file must not be a folder (nor an existing file of another
    kind where a GeoPackage goes), a folder must not be a file and its parent
    must exist, and the files named ``inside`` it must be writable.
    :meth:`staged` hands out temporary paths beside the targets
    and renames them onto the targets only when every output was written.
    """

    def __init__(
        self,
        files: dict[str, str | None] | None = None,
        *,
        folder: str | None = None,
        inside: tuple[str, ...] = (),
    ):
        self.files = {option: Path(path) for option, path in (files or {}).items() if path}
        self.folder = Path(folder) if folder else None
        for option, path in self.files.items():
            _check_output_file(option, path)
        if self.folder is not None:
            _check_output_folder(self.folder)
            for name in inside:  # the files the command writes into the folder
                _check_target("--out", self.folder / name)

    @contextlib.contextmanager
    def staged(self) -> Iterator:
        """A function mapping each target to its temporary path; all renamed when the block succeeds."""
        token = uuid.uuid4().hex[:8]
        stages: dict[Path, Path] = {}  # root folder → its staging folder
        planned: list[tuple[Path, Path]] = []

        def stage(target) -> Path:
            target = Path(target)
            root = self.folder.parent if self.folder is not None else target.parent
            staging = stages.setdefault(root, root / f".landkit-{token}")
            path = staging / target.relative_to(root)
            path.parent.mkdir(parents=True, exist_ok=True)
            if target.suffix.lower() == ".gpkg" and target.is_file():
                shutil.copyfile(target, path)  # layers of other names are kept
            planned.append((path, target))
            return path

        try:
            with interruptible():
                yield stage
                for path, target in planned:
                    target.parent.mkdir(exist_ok=True)
                    os.replace(path, target)
        finally:
            for staging in stages.values():
                shutil.rmtree(staging, ignore_errors=True)


def _check_output_file(option: str, path: Path) -> None:
    if not path.parent.is_dir() and not any(p.exists() and not p.is_dir() for p in path.parents):
        msg = f"{option} {path}：文件夹 {path.parent} 不存在。Fix: 先建好文件夹，或换一个已有的文件夹。"
        raise InputError(msg)
    _check_target(option, path)


def _check_target(option: str, path: Path) -> None:
    try:
        check_target(path)
    except InputError as err:
        raise InputError(f"{option} {err}") from err


def _check_output_folder(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        msg = f"--out {folder}：这是一个文件，这里要的是输出文件夹。Fix: 换一个文件夹名。"
        raise InputError(msg)
    if not folder.exists():
        _check_output_file("--out", folder)
    elif not os.access(folder, os.W_OK | os.X_OK):
        raise InputError(f"--out {folder}：文件夹不可写。Fix: 换一个可写的文件夹。")


def _need_suffix(out: str, suffixes: tuple[str, ...], what: str) -> None:
    if Path(out).suffix.lower() not in suffixes:
        raise InputError(f"--out {out}: {what}")


def _done(step: pipeline.StepResult, args, *written, note: str = "") -> int:
    """Print the step's summary and the files written; the exit code."""
    for line in step.summary:
        print(line)
    if written:
        print("已写出：" + "、".join(str(path) for path in written) + note)
    failing = getattr(args, "fail_on_findings", False) and step.findings
    return EXIT_FINDINGS if failing else EXIT_OK
# ------------------------------------------------------------------ validate


def _add_validate_parser(sub) -> None:
    about = "校验图层 check a layer or table against the data model"
    p = _command(sub, "validate", about, _cmd_validate, ids=True)
    p.add_argument("path")
    p.add_argument("--kind", required=True, choices=KINDS)
    p.add_argument("--strict", action="store_true", help="invalid geometry, and a column that "
                   "likely means a known one but is not recognised, are errors")  # fmt: skip


def _cmd_validate(args) -> int:
    # the layer or table as stored: validation maps aliases and parses values itself
    if args.kind in ("park_history", "enterprises") or args.path.lower().endswith((".csv", ".xlsx")):
        frame = read_table(args.path, args.layer)
        frame.attrs["landkit_columns"] = _column_map(args, args.kind)
    else:
        txt = args.path.lower().endswith(".txt")  # its 地块编号 is the id of the kind given
        frame = read_layer(
            args.path, args.layer, kind=args.kind if txt else None, encoding=args.encoding,
            crs=args.crs, columns=_column_map(args, args.kind), park_id=args.one_park,
        )  # fmt: skip
    layer = args.layer or Path(args.path).name
    step = pipeline.validate(frame, args.kind, layer=layer, strict=args.strict, source=args.path)
    return _done(step, args)


# ---------------------------------------------------------------------- demo


def _add_demo_parser(sub) -> None:
    p = sub.add_parser("demo", help="演示 run the whole pipeline on the bundled Kunming sample")
    p.add_argument("--out", default="landkit_demo", help="output folder (default: landkit_demo)")
    p.set_defaults(func=_cmd_demo)


def _cmd_demo(args) -> int:
    from .demo import console_lines, run_demo

    Outputs(folder=args.out)
    print("\n".join(console_lines(run_demo(args.out, progress=_progress))))
    return EXIT_OK


# --------------------------------------------------------------------- check


def _add_check_parser(sub) -> None:
    about = "三线核查 check parcels or parks against the three lines"
    p = _command(sub, "check", about, _cmd_check, out="result GeoPackage (.gpkg)",
                 fail="on any violation", ids=True)  # fmt: skip
    p.add_argument("features", help="parcels or parks (GeoPackage, Shapefile, GeoParquet, TXT …)")
    _add_line_options(p, required_help="the three lines: a GeoPackage or a folder whose layers "
                      "are named 生态保护红线/STBHHX, 永久基本农田/YJJBNT, 城镇开发边界/CZKFBJ "
                      "(or ecological_redline …); any may be absent")  # fmt: skip
    p.add_argument("--kind", choices=("parcels", "parks"), help="layer kind (maps column aliases)")
    p.add_argument("--park-col", default="park_id", help="column for the per-park summary")
    p.add_argument("--tolerance", type=float, help="sliver tolerance in m² (default: rule table)")


def _cmd_check(args) -> int:
    from .io import write_layers

    _need_suffix(args.out, (".gpkg",), "the result must be a GeoPackage (.gpkg)")
    outputs = Outputs({"--out": args.out})
    features = _read(args.features, args, args.kind)
    id_col = id_column(args.kind) if args.kind and args.id_col else args.id_col
    step = pipeline.three_lines(
        features, _lines(args, required=True), id_col=id_col,
        park_col=args.park_col, tolerance_m2=args.tolerance, progress=_progress,
    )  # fmt: skip
    with outputs.staged() as stage:
        write_layers(step.tables, stage(args.out))
    return _done(step, args, args.out, note=f"（图层 {', '.join(step.tables)}）")


# ------------------------------------------------------------------ boundary


def _add_boundary_parser(sub) -> None:
    about = "界址点 coordinate TXT, 界址点成果表 and boundary map of one parcel or park"
    p = _command(sub, "boundary", about, _cmd_boundary, out="output folder", ids=True)
    p.add_argument("features", help="layer holding the parcel or park, or a coordinate TXT")
    p.add_argument("--id", required=True, dest="feature_id", help="id of the feature to write")
    p.add_argument("--neighbours", action="append", default=[], help="named roads/rivers/parcels "
                   "for 四至: a layer of FEATURES' GeoPackage or a file (may repeat)")  # fmt: skip
    p.add_argument("--neighbour-name-col", default="name", help="name column of the neighbours")
    p.add_argument("--txt-encoding", default="gbk", choices=("gbk", "utf-8"))


def _cmd_boundary(args) -> int:
    from .boundary import write_boundary_points
    from .io import write_coordinate_txt

    stem = pipeline.file_stem(args.feature_id)
    outputs = Outputs(folder=args.out, inside=(f"{stem}.txt", f"{stem}_界址点成果表.xlsx"))
    features = _read(args.features, args)
    neighbours = [
        read_layer(n) if Path(n).exists() else read_layer(args.features, n)
        for n in args.neighbours
    ]
    step = pipeline.boundary_documents(
        features, args.feature_id, id_col=args.id_col, feature_name_col=args.name_col,
        neighbours=neighbours, name_col=args.neighbour_name_col, layer=args.features,
    )  # fmt: skip
    out = Path(args.out)
    feature, points = step.tables["feature"], step.tables["boundary_points"]
    written = [out / f"{stem}.txt", out / f"{stem}_界址点成果表.xlsx", *map(out.joinpath, step.figures)]
    with outputs.staged() as stage:
        write_coordinate_txt(feature, stage(written[0]), encoding=args.txt_encoding,
                             id_col=args.id_col, name_col=args.name_col)  # fmt: skip
        write_boundary_points(points, stage(written[1]))
        for target, figure in zip(written[2:], step.figures.values(), strict=True):
            pipeline.save_figure(figure, stage(target))
    return _done(step, args, *written)


# ---------------------------------------------------------------------- idle


def _add_idle_parser(sub) -> None:
    about = "闲置土地核查 flag idle parcels (闲置土地处置办法) as of a date"
    p = _command(sub, "idle", about, _cmd_idle, fail="on any finding", ids=True,
                 out="output folder (idle.gpkg, idle.xlsx, idle.html)")  # fmt: skip
    p.add_argument("parcels", help="parcel layer (GeoPackage, Shapefile, GeoParquet …)")
    p.add_argument("--as-of", required=True, help="date the findings hold on, e.g. 2026-11-01")
    p.add_argument("--builtup", action="append", default=[], metavar="DATE=FILE", help="built-up "
                   "raster of a date (0/1 mask, 0–1 fraction or 0–100 percent); may repeat")  # fmt: skip
    p.add_argument("--builtup-scale", choices=("mask", "fraction", "percent"))
    p.add_argument("--previous", help="an earlier idle.gpkg, to report what is newly flagged")
    p.add_argument("--parks", help="park boundaries, outlined on the map and named in the workbook")
    p.add_argument("--holidays", metavar="FILE", help="法定节假日 CSV of the official rest days, "
                   "one date per row: a period ending on one ends on the next working day "
                   "(民法典第二百零三条)")  # fmt: skip


def _builtup_arguments(values: list[str]):
    """--builtup values: one FILE, or DATE=FILE pairs (a mapping by ISO date)."""
    from .idle import as_date

    if not values:
        return None
    dated = {}
    for value in values:
        date, sep, path = value.partition("=")
        if not sep:
            if len(values) > 1:
                raise InputError(f"--builtup {value}: with several rasters write DATE=FILE")
            date, path = None, value
        if not Path(path).is_file():
            raise InputError(f"--builtup {value}: no such file {path}")
        if date is None:
            return path
        dated[as_date(date, name="--builtup date").date().isoformat()] = path
    return dated


def _cmd_idle(args) -> int:
    from .idle import as_date
    from .io import write_layers
    from .report import write_report

    names = ("idle.gpkg", "idle.xlsx", "idle.html")
    outputs = Outputs(folder=args.out, inside=names)
    as_of = as_date(args.as_of, name="--as-of")
    builtup = _builtup_arguments(args.builtup)
    parks = _optional(read_layer, args.parks, kind="parks")
    step = pipeline.idle(
        _read(args.parcels, args, "parcels"), as_of=as_of, builtup=builtup,
        builtup_scale=args.builtup_scale, previous=args.previous, html_map=True, parks=parks,
        holidays=args.holidays and _existing_file(args.holidays, "--holidays"),
    )  # fmt: skip
    written = [Path(args.out) / name for name in names]
    with outputs.staged() as stage:
        write_layers(step.tables, stage(written[0]))
        write_report(
            stage(written[1]), parks=parks, idle=step.tables["idle"], as_of=as_of, title="闲置土地核查表"
        )
        if "idle.html" in step.figures:  # a map only when there is something to draw
            pipeline.save_figure(step.figures["idle.html"], stage(written[2]))
        else:
            written.pop()
    return _done(step, args, *written)


# ------------------------------------------------------------------- metrics


def _add_metrics_parser(sub) -> None:
    about = "地块指标 plot ratio, building coefficient, intensity; park indicators"
    p = _command(sub, "metrics", about, _cmd_metrics, fail="when a parcel misses a threshold",
                 ids=True, out="result GeoPackage (.gpkg) or workbook (.xlsx)")  # fmt: skip
    p.add_argument("parcels", help="parcel layer (GeoPackage, Shapefile, GeoParquet …)")
    p.add_argument("--buildings", help="building layer (floors, height_m) for the floor area")
    p.add_argument("--standard", default="auto",
                   choices=("auto", "national-2008", "national-2004", "national-2023"),
                   help="national control-indicator edition (default auto: the one in force "
                        "on each parcel's grant date)")  # fmt: skip
    p.add_argument("--local-standard", help="CSV/XLSX of a jurisdiction's thresholds "
                   "(indicator,min,max[,industry_code])")  # fmt: skip
    p.add_argument("--parks", help="park layer: adds the parks' intensive-use indicators")


_METRIC_SHEETS = {"parcel_metrics": "地块指标", "park_indicators": "园区指标", "missing_data": "资料不足"}


def _cmd_metrics(args) -> int:
    from .io import write_layers
    from .workbook import write_workbook

    what = "the result must be a GeoPackage (.gpkg) or .xlsx"
    _need_suffix(args.out, (".gpkg", ".xlsx"), what)
    outputs = Outputs({"--out": args.out})
    parks = _optional(read_layer, args.parks, kind="parks")
    parcels = _read(args.parcels, args, "parcels")
    step = pipeline.metrics(
        parcels,
        _optional(read_layer, args.buildings, kind="buildings"),
        standard=args.standard,
        local_standard=_optional(read_table, args.local_standard),
        parks=parks,
    )
    with outputs.staged() as stage:
        if args.out.lower().endswith(".gpkg"):
            write_layers(step.tables, stage(args.out))
        else:
            sheets = {_METRIC_SHEETS[name]: frame for name, frame in step.tables.items()}
            names = [parcels] if parks is None else [parcels, parks]
            write_workbook(sheets, stage(args.out), title=f"地块控制指标（{args.standard}）", names=names)
    return _done(step, args, args.out)


# -------------------------------------------------------------------- assess


def _add_assess_parser(sub) -> None:
    about = "园区年度考核 annual park assessment, policy land rules"
    p = _command(sub, "assess", about, _cmd_assess, out="result workbook (.xlsx)",
                 fail="on a yellow card or delisting", read=False)  # fmt: skip
    p.add_argument("history", help="park history (CSV, XLSX or a GeoPackage table)")
    p.add_argument("--year", type=int, required=True, help="the year assessed")
    p.add_argument("--sheet", help="sheet of the history workbook / table of a GeoPackage")
    p.add_argument("--scheme", help="CSV of key,weight,direction,ideal,worst (default: rule table)")
    p.add_argument("--pass-mark", type=float, help="pass mark (default 60, an example value)")
    p.add_argument("--enterprises", help="enterprise table for leading/emerging industry shares")
    p.add_argument("--parks", help="parks layer, for the parks-per-county count")
    p.add_argument("--counties", help="counties layer (default: the parks' county column)")


def _cmd_assess(args) -> int:
    from .workbook import write_workbook

    _need_suffix(args.out, (".xlsx",), "the result must be a workbook (.xlsx)")
    outputs = Outputs({"--out": args.out})
    parks = _optional(read_layer, args.parks, kind="parks")
    step = pipeline.assessment(
        read_table(args.history, args.sheet, kind="park_history"),
        year=args.year,
        scheme=_optional(read_table, args.scheme),
        pass_mark=args.pass_mark,
        enterprises=_optional(read_table, args.enterprises, kind="enterprises"),
        parks=parks,
        counties=_optional(read_layer, args.counties, kind="counties"),
    )
    with outputs.staged() as stage:
        names = [] if parks is None else [parks]
        write_workbook(step.tables, stage(args.out), title=f"{args.year} 年度开发区考核", names=names)
    return _done(step, args, args.out)


# ----------------------------------------------------------------- map, report


def _add_map_parser(sub) -> None:
    about = "地图 interactive HTML map (and a print PNG) of parcels and parks"
    p = _command(sub, "map", about, _cmd_map, out="the map (.html)")
    p.add_argument("parcels", help="parcels or a result of check / idle / metrics")
    p.add_argument("--parks", help="park boundaries")
    _add_line_options(p, required_help="the three lines: a GeoPackage or a folder (layers named "
                      "生态保护红线/STBHHX, 永久基本农田/YJJBNT, 城镇开发边界/CZKFBJ …)")  # fmt: skip
    p.add_argument("--with", dest="results", action="append", default=[], metavar="FILE",
                   help="a further result (three_lines / idle / parcel_metrics) joined on "
                   "parcel_id; may repeat")  # fmt: skip
    p.add_argument("--basemap", default="osm", choices=("osm", "tianditu", "tianditu_img", "none"))
    p.add_argument("--tianditu-key", help="天地图 key (default: TIANDITU_KEY)")
    p.add_argument("--leaflet", help="another Leaflet: a folder with leaflet.js and leaflet.css "
                   "(inlined) or an intranet URL prefix; default the Leaflet landkit ships")  # fmt: skip
    p.add_argument("--only", action="append", metavar="CATEGORY",
                   help="map only these findings (idle, findings, violation, recoverable, "
                   "suspected_idle, at_risk, below_standard …), the rest faded; may repeat")  # fmt: skip
    p.add_argument("--png", help="also write a print map of one park (.png); needs --parks")
    p.add_argument("--park-id", help="the park of the PNG (default: every park given)")


def _cmd_map(args) -> int:
    _need_suffix(args.out, (".html", ".htm"), "the map must be an .html file")
    if args.png and (not args.parks or Path(args.png).suffix.lower() != ".png"):
        raise InputError("--png needs --parks and a file name ending in .png")
    outputs = Outputs({"--out": args.out, "--png": args.png})
    step = pipeline.make_maps(
        _read(args.parcels, args, "parcels"),
        results=[pipeline.read_result(path) for path in args.results],
        parks=_optional(read_layer, args.parks, kind="parks"),
        lines=_lines(args, required=False),
        basemap=None if args.basemap == "none" else args.basemap,
        tianditu_key=args.tianditu_key,
        leaflet=args.leaflet,
        only=args.only,
        print_map=bool(args.png),
        park_id=args.park_id,
    )
    targets = [Path(args.out), Path(args.png or "")][: len(step.figures)]
    with outputs.staged() as stage:
        for figure, target in zip(step.figures.values(), targets, strict=True):
            pipeline.save_figure(figure, stage(target))
    return _done(step, args, *targets)


def _add_report_parser(sub) -> None:
    about = "报告 Excel report: summary per park, violations, metrics, idle"
    p = _command(sub, "report", about, _cmd_report, out="the workbook (.xlsx)", read=False)
    p.add_argument("--parks", help="parks (a layer or a table with park_id)")
    p.add_argument("--three-lines", help="result of `landkit check` for parcels")
    p.add_argument("--metrics", help="result of `landkit metrics`")
    p.add_argument("--idle", help="result of `landkit idle`")


def _cmd_report(args) -> int:
    from .report import write_report

    _need_suffix(args.out, (".xlsx",), "the report must be an .xlsx file")
    outputs = Outputs({"--out": args.out})
    step = pipeline.report(
        parks=_optional(pipeline.read_result, args.parks, kind="parks"),
        three_lines=_optional(pipeline.read_result, args.three_lines),
        metrics=_optional(pipeline.read_result, args.metrics),
        idle=_optional(pipeline.read_result, args.idle),
    )
    with outputs.staged() as stage:
        write_report(stage(args.out), **step.tables)
    return _done(step, args, args.out)


# ------------------------------------------------------------------- dossier


def _add_dossier_parser(sub) -> None:
    about = "调查案卷 Word dossier and draft 闲置土地调查通知书 of each flagged parcel"
    p = _command(sub, "dossier", about, _cmd_dossier, read=False,
                 out="output folder (one .docx per parcel, dossiers.xlsx)")  # fmt: skip
    p.add_argument("idle", metavar="IDLE.gpkg", help="the idle.gpkg written by `landkit idle`")
    p.add_argument("--imagery", action="append", default=[], metavar="DATE=FILE", help="a built-up "
                   "raster or imagery of a date, chipped per parcel; may repeat")  # fmt: skip
    p.add_argument("--only", help="statuses that get a dossier, comma-separated "
                   "(default: idle,recoverable,suspected_idle)")  # fmt: skip
    p.add_argument("--previous", metavar="OLD/idle.gpkg", help="an earlier idle.gpkg: dossiers "
                   "only for parcels newly flagged or escalated since")  # fmt: skip
    p.add_argument("--parks", help="park layer, for the location map")
    _add_line_options(p, required_help="the three lines drawn on the location map: a GeoPackage "
                      "or a folder")  # fmt: skip


def _existing_file(path: str, what: str) -> str:
    if not Path(path).exists():
        raise InputError(f"{what} {path}：文件不存在")
    if not Path(path).is_file():
        raise InputError(f"{what} {path}：是文件夹，不是文件")
    return path


def _imagery_arguments(values: list[str]) -> dict[str, str] | None:
    """--imagery values: DATE=FILE pairs, by ISO date."""
    from .idle import as_date

    dated = {}
    for value in values:
        date, sep, path = value.partition("=")
        if not sep or not date:
            raise InputError(f"--imagery {value}：须写作 日期=文件，如 2025-06-30=builtup_2025.tif")
        try:
            day = as_date(date, name="--imagery").date().isoformat()
        except InputError:
            raise InputError(f"--imagery {value}：{date} 不是日期，须写作 2025-06-30") from None
        dated[day] = _existing_file(path, "--imagery")
    return dated or None


def _only_arguments(value: str | None) -> tuple[str, ...] | None:
    from .dossier import DOSSIER_STATUSES

    if value is None:
        return None
    chosen = tuple(s.strip() for s in value.split(",") if s.strip())
    unknown = [s for s in chosen if s not in DOSSIER_STATUSES]
    if unknown or not chosen:
        shown = ",".join(unknown) or "（空）"
        raise InputError(f"--only {shown}：只能从 {','.join(DOSSIER_STATUSES)} 中选")
    return chosen


def _cmd_dossier(args) -> int:
    from .dossier import write_index

    out = Path(args.out)
    outputs = Outputs(folder=args.out, inside=("dossiers.xlsx",))
    for path, what in ((args.parks, "--parks"), (args.previous, "--previous")):
        if path:
            _existing_file(path, what)
    lines = _lines(args, required=False)
    step = pipeline.dossiers(
        pipeline.read_idle(_existing_file(args.idle, "IDLE.gpkg")),
        previous=_optional(pipeline.read_idle, args.previous),
        only=_only_arguments(args.only),
        imagery=_imagery_arguments(args.imagery),
        parks=_optional(read_layer, args.parks, kind="parks"),
        lines=lines,
    )
    with outputs.staged() as stage:
        for name, document in step.figures.items():
            pipeline.save_figure(document, stage(out / name))
        write_index(step.tables, stage(out / "dossiers.xlsx"))
    note = f"（案卷 {len(step.figures)} 份，索引 dossiers.xlsx）"
    return _done(step, args, out, note=note)


# ------------------------------------------------------------------- the parser


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="landkit",
        description="landkit：开发区土地核查工具 (three lines, metrics, idle land, boundaries, maps)",
    )
    parser.add_argument("--version", action="version", version=f"landkit {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="详细信息 show each warning's details and the steps taken")  # fmt: skip
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for add in (_add_demo_parser, _add_validate_parser, _add_map_parser, _add_report_parser,
                _add_metrics_parser, _add_assess_parser, _add_idle_parser, _add_boundary_parser,
                _add_check_parser, _add_dossier_parser):  # fmt: skip
        add(sub)
    return parser


_REASONS = (
    (CRSError, "坐标系有误"),
    (GeometryError, "几何图形有误"),
    (SchemaError, "字段或取值有误"),
    (LandkitError, "输入或输出无法使用"),
)


class _UsageError(Exception):
    """A command line argparse refuses."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):
        raise _UsageError(f"{self.prog}: {message}")


def _one_line(text: object) -> str:
    return " ".join(part.strip() for part in str(text).splitlines() if part.strip())


def _fail(reason: str, detail: object) -> None:
    print(f"错误 error: {reason}：{_one_line(detail)}", file=sys.stderr)


def issues_url() -> str:
    """Where bugs are reported: the project's Homepage (package metadata) + ``/issues``.

    Examples
    --------
    >>> issues_url().endswith("/issues")
    True
    """
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        urls = metadata("landkit").get_all("Project-URL") or []
    except PackageNotFoundError:
        urls = []
    entries = [entry.partition(",")[::2] for entry in urls]
    pyproject = Path(__file__).parents[1] / "pyproject.toml"
    if not entries and pyproject.is_file():  # a source tree that is not installed
        import tomllib

        project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
        entries = list(project.get("urls", {}).items())
    for name, url in entries:
        if name.strip().lower() == "homepage":
            return url.strip().rstrip("/") + "/issues"
    return "landkit 项目的问题跟踪页"


def _bug(err: BaseException) -> int:
    frames = traceback.extract_tb(err.__traceback__)
    where = f"（{Path(frames[-1].filename).name}:{frames[-1].lineno}）" if frames else ""
    _fail(
        "landkit 内部错误，这是程序缺陷而不是输入问题",
        f"{type(err).__name__}: {err}{where}。请把命令行和这一行报告到 {issues_url()}",
    )
    return EXIT_BUG


#: the Chinese head of a warning's line on the command line, by category (most specific first)
_WARNING_HEADS = (
    (GeometryRepairedWarning, "已修复"),
    (UnrecognisedColumnsWarning, "未识别的列"),
    (InputNotesWarning, "已按约定处理"),
    (DataWarning, "数据提示"),
    (OutputWarning, "输出提示"),
    (LandkitWarning, "提示"),
)


def _warning_printer(verbose: bool):
    """``warnings.showwarning`` for the command line: one Chinese line per landkit warning.

    Other libraries' warnings are shown only with ``-v``; ``-v`` also adds each
    warning's category and where it was raised.
    """

    def show(message, category, filename, lineno, file=None, line=None):
        head = next((text for cls, text in _WARNING_HEADS if issubclass(category, cls)), None)
        if head is None and not verbose:
            return
        text = warning_text(message)
        text = text.splitlines()[0] if text else ""
        shown = f"{head or '提示'}：{text}"
        if verbose:
            shown += f"  [{category.__name__}，{filename}:{lineno}]"
        print(shown, file=sys.stderr)

    return show


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except _UsageError as err:
        _fail("命令行参数有误", f"{err}（用 landkit --help 查看用法）")
        return EXIT_INPUT
    except SystemExit as done:  # --help, --version
        return done.code if isinstance(done.code, int) else EXIT_OK
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_INPUT
    if args.verbose:
        logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s", stream=sys.stderr)
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.showwarning = _warning_printer(args.verbose)
        try:
            return args.func(args)
        except LandkitError as err:
            _fail(next(reason for kind, reason in _REASONS if isinstance(err, kind)), err)
        except OSError as err:
            where = f"{err.filename}：" if err.filename else ""
            _fail("文件无法读写", f"{where}{err.strerror or err}")
        except KeyboardInterrupt:
            _fail("已中断", "未写出任何结果")
            return 130
        except Exception as err:  # any other exception is a bug: said in one line
            return _bug(err)
    return EXIT_INPUT


if __name__ == "__main__":
    sys.exit(main())
