"""The ``landkit`` command: a thin shell over the library.

Exit codes, for every command: 0 done; 1 done and findings present (only with
``--fail-on-findings``); 2 bad input or usage (a one-line reason, nothing
written); anything else is a crash.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import __version__, pipeline
from .errors import InputError, LandkitError
from .io import read_layer, read_table
from .schema import KINDS

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _add_common_read(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--layer", help="layer of a GeoPackage / sheet of a workbook")
    parser.add_argument(
        "--encoding", help="Shapefile text encoding (default: .cpg, UTF-8, then GBK)"
    )
    parser.add_argument("--crs", help="CRS of a layer without one, or gcj02 / bd09")


def _read_raw(path: str, kind: str, args) -> object:
    """The layer or table as stored (validation maps aliases and parses values itself)."""
    if kind in ("park_history", "enterprises") or Path(path).suffix.lower() in (".csv", ".xlsx"):
        return read_table(path, args.layer)
    return read_layer(path, args.layer, encoding=args.encoding, crs=args.crs)


def _need_suffix(out: str, suffix: str, what: str) -> None:
    if Path(out).suffix.lower() != suffix:
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
    p = sub.add_parser("validate", help="校验图层 check a layer or table against the data model")
    p.add_argument("path")
    p.add_argument("--kind", required=True, choices=KINDS)
    p.add_argument(
        "--strict", action="store_true", help="invalid geometry is an error, not repaired"
    )
    _add_common_read(p)
    p.set_defaults(func=_cmd_validate)


def _cmd_validate(args) -> int:
    frame = _read_raw(args.path, args.kind, args)
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

    ctx = run_demo(args.out, progress=_progress)
    print("\n".join(console_lines(ctx)))
    return EXIT_OK


# --------------------------------------------------------------------- check


def _add_check_parser(sub) -> None:
    p = sub.add_parser("check", help="三线核查 check parcels or parks against the three lines")
    p.add_argument("features", help="parcels or parks (GeoPackage, Shapefile, GeoParquet …)")
    p.add_argument(
        "--lines",
        required=True,
        help="GeoPackage with layers ecological_redline, "
        "basic_farmland, urban_boundary (any may be absent)",
    )
    p.add_argument("--out", required=True, help="result GeoPackage (.gpkg)")
    p.add_argument("--kind", choices=("parcels", "parks"), help="layer kind (maps column aliases)")
    p.add_argument("--id-col", help="id column (default: parcel_id, else park_id, else the index)")
    p.add_argument("--park-col", default="park_id", help="column for the per-park summary")
    p.add_argument("--tolerance", type=float, help="sliver tolerance in m² (default: rule table)")
    p.add_argument("--fail-on-findings", action="store_true", help="exit 1 on any violation")
    _add_common_read(p)
    p.set_defaults(func=_cmd_check)


def _cmd_check(args) -> int:
    from .io import write_layers

    _need_suffix(args.out, ".gpkg", "the result must be a GeoPackage (.gpkg)")
    features = read_layer(
        args.features, args.layer, kind=args.kind, encoding=args.encoding, crs=args.crs
    )
    step = pipeline.three_lines(
        features,
        args.lines,
        id_col=args.id_col,
        park_col=args.park_col,
        tolerance_m2=args.tolerance,
        progress=_progress,
    )
    write_layers(step.tables, args.out)
    return _done(step, args, args.out, note=f"（图层 {', '.join(step.tables)}）")


# ------------------------------------------------------------------ boundary


def _add_boundary_parser(sub) -> None:
    p = sub.add_parser(
        "boundary",
        help="界址点 coordinate TXT, 界址点成果表 and boundary map of one parcel or park",
    )
    p.add_argument("features", help="layer holding the parcel or park, or a coordinate TXT")
    p.add_argument("--id", required=True, dest="feature_id", help="id of the feature to write")
    p.add_argument("--id-col", help="id column (default: parcel_id, else park_id)")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument(
        "--neighbours",
        action="append",
        default=[],
        help="named roads/rivers/parcels for 四至: a layer of FEATURES' GeoPackage or a file "
        "(may repeat)",
    )
    p.add_argument("--name-col", default="name", help="name column of the neighbours")
    p.add_argument("--txt-encoding", default="gbk", choices=("gbk", "utf-8"))
    _add_common_read(p)
    p.set_defaults(func=_cmd_boundary)


def _cmd_boundary(args) -> int:
    from .boundary import read_coordinate_txt, write_boundary_points, write_coordinate_txt

    if Path(args.features).suffix.lower() == ".txt":
        features = read_coordinate_txt(args.features, encoding=args.encoding)
    else:
        features = read_layer(args.features, args.layer, encoding=args.encoding, crs=args.crs)
    neighbours = [
        read_layer(n) if Path(n).exists() else read_layer(args.features, n)
        for n in args.neighbours
    ]
    step = pipeline.boundary_documents(
        features, args.feature_id, id_col=args.id_col, neighbours=neighbours,
        name_col=args.name_col, layer=args.features,
    )  # fmt: skip
    out, stem = Path(args.out), pipeline.file_stem(args.feature_id)
    feature, points = step.tables["feature"], step.tables["boundary_points"]
    written = [
        write_coordinate_txt(feature, out / f"{stem}.txt", encoding=args.txt_encoding),
        write_boundary_points(points, out / f"{stem}_界址点成果表.xlsx"),
        *(pipeline.save_figure(figure, out / name) for name, figure in step.figures.items()),
    ]
    return _done(step, args, *written)


# ---------------------------------------------------------------------- idle


def _add_idle_parser(sub) -> None:
    p = sub.add_parser(
        "idle", help="闲置土地核查 flag idle parcels (闲置土地处置办法) as of a date"
    )
    p.add_argument("parcels", help="parcel layer (GeoPackage, Shapefile, GeoParquet …)")
    p.add_argument("--as-of", required=True, help="date the findings hold on, e.g. 2026-11-01")
    p.add_argument(
        "--builtup",
        action="append",
        default=[],
        metavar="DATE=FILE",
        help="built-up raster of a date (0/1 mask, 0–1 fraction or 0–100 percent); may repeat",
    )
    p.add_argument("--builtup-scale", choices=("mask", "fraction", "percent"))
    p.add_argument("--previous", help="an earlier idle.gpkg, to report what is newly flagged")
    p.add_argument("--out", required=True, help="output folder (idle.gpkg, idle.xlsx, idle.html)")
    p.add_argument("--fail-on-findings", action="store_true", help="exit 1 on any finding")
    _add_common_read(p)
    p.set_defaults(func=_cmd_idle)


def _builtup_arguments(values: list[str]):
    from .errors import InputError
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

    as_of = as_date(args.as_of, name="--as-of")
    builtup = _builtup_arguments(args.builtup)
    parcels = read_layer(
        args.parcels, args.layer, kind="parcels", encoding=args.encoding, crs=args.crs
    )
    step = pipeline.idle(
        parcels,
        as_of=as_of,
        builtup=builtup,
        builtup_scale=args.builtup_scale,
        previous=args.previous,
        html_map=True,
    )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written = [
        write_layers(step.tables, out / "idle.gpkg"),
        write_report(out / "idle.xlsx", idle=step.tables["idle"]),
        pipeline.save_figure(step.figures["idle.html"], out / "idle.html"),
    ]
    return _done(step, args, *written)


# ------------------------------------------------------------------- metrics


def _add_metrics_parser(sub) -> None:
    p = sub.add_parser(
        "metrics", help="地块指标 plot ratio, building coefficient, intensity; park indicators"
    )
    p.add_argument("parcels", help="parcel layer (GeoPackage, Shapefile, GeoParquet …)")
    p.add_argument("--buildings", help="building layer (floors, height_m) for the floor area")
    p.add_argument(
        "--standard",
        default="national-2008",
        choices=("national-2008", "national-2004", "national-2023"),
        help="national control-indicator edition (default national-2008)",
    )
    p.add_argument(
        "--local-standard",
        help="CSV/XLSX of a jurisdiction's thresholds (indicator,min,max[,industry_code])",
    )
    p.add_argument("--parks", help="park layer: adds the parks' intensive-use indicators")
    p.add_argument("--out", required=True, help="result GeoPackage (.gpkg) or workbook (.xlsx)")
    p.add_argument(
        "--fail-on-findings", action="store_true", help="exit 1 when a parcel misses a threshold"
    )
    _add_common_read(p)
    p.set_defaults(func=_cmd_metrics)


def _cmd_metrics(args) -> int:
    from .io import write_layers, write_table

    suffix = Path(args.out).suffix.lower()
    if suffix not in (".gpkg", ".xlsx"):
        raise InputError(f"--out {args.out}: the result must be a GeoPackage (.gpkg) or .xlsx")
    parcels = read_layer(
        args.parcels, args.layer, kind="parcels", encoding=args.encoding, crs=args.crs
    )
    buildings = read_layer(args.buildings, kind="buildings") if args.buildings else None
    local = read_table(args.local_standard) if args.local_standard else None
    parks = read_layer(args.parks, kind="parks") if args.parks else None
    step = pipeline.metrics(
        parcels, buildings, standard=args.standard, local_standard=local, parks=parks
    )
    if suffix == ".gpkg":
        write_layers(step.tables, args.out)
    else:
        names = {"parcel_metrics": "地块指标", "park_indicators": "园区指标"}
        sheets = {
            names[name]: frame.drop(columns="geometry", errors="ignore")
            for name, frame in step.tables.items()
        }
        write_table(pipeline.labelled(sheets), args.out)
    return _done(step, args, args.out)


# -------------------------------------------------------------------- assess


def _add_assess_parser(sub) -> None:
    p = sub.add_parser("assess", help="园区年度考核 annual park assessment, policy land rules")
    p.add_argument("history", help="park history (CSV, XLSX or a GeoPackage table)")
    p.add_argument("--year", type=int, required=True, help="the year assessed")
    p.add_argument("--out", required=True, help="result workbook (.xlsx)")
    p.add_argument("--sheet", help="sheet of the history workbook / table of a GeoPackage")
    p.add_argument("--scheme", help="CSV of key,weight,direction,ideal,worst (default: rule table)")
    p.add_argument("--pass-mark", type=float, help="pass mark (default 60, an example value)")
    p.add_argument("--enterprises", help="enterprise table for leading/emerging industry shares")
    p.add_argument("--parks", help="parks layer, for the parks-per-county count")
    p.add_argument("--counties", help="counties layer (default: the parks' county column)")
    p.add_argument(
        "--fail-on-findings", action="store_true", help="exit 1 on a yellow card or delisting"
    )
    p.set_defaults(func=_cmd_assess)


def _cmd_assess(args) -> int:
    from .io import write_table

    _need_suffix(args.out, ".xlsx", "the result must be a workbook (.xlsx)")
    history = read_table(args.history, args.sheet, kind="park_history")
    step = pipeline.assessment(
        history,
        year=args.year,
        scheme=read_table(args.scheme) if args.scheme else None,
        pass_mark=args.pass_mark,
        enterprises=read_table(args.enterprises, kind="enterprises") if args.enterprises else None,
        parks=read_layer(args.parks, kind="parks") if args.parks else None,
        counties=read_layer(args.counties, kind="counties") if args.counties else None,
    )
    write_table(pipeline.labelled(step.tables), args.out)
    return _done(step, args, args.out)


# ----------------------------------------------------------------- map, report

def _add_map_parser(sub) -> None:
    p = sub.add_parser(
        "map", help="地图 interactive HTML map (and a print PNG) of parcels and parks"
    )
    p.add_argument("parcels", help="parcels or a result of check / idle / metrics")
    p.add_argument("--out", required=True, help="the map (.html)")
    p.add_argument("--parks", help="park boundaries")
    p.add_argument(
        "--lines", help="GeoPackage with ecological_redline, basic_farmland, urban_boundary"
    )
    p.add_argument(
        "--with",
        dest="results",
        action="append",
        default=[],
        metavar="FILE",
        help="a further result (three_lines / idle / parcel_metrics) joined on parcel_id; may repeat",
    )
    p.add_argument("--basemap", default="osm", choices=("osm", "tianditu", "tianditu_img", "none"))
    p.add_argument("--tianditu-key", help="天地图 key (default: TIANDITU_KEY)")
    p.add_argument("--leaflet", help="folder with leaflet.js and leaflet.css, for offline use")
    p.add_argument("--png", help="also write a print map of one park (.png); needs --parks")
    p.add_argument("--park-id", help="the park of the PNG (default: every park given)")
    _add_common_read(p)
    p.set_defaults(func=_cmd_map)


def _cmd_map(args) -> int:
    if Path(args.out).suffix.lower() not in (".html", ".htm"):
        raise InputError(f"--out {args.out}: the map must be an .html file")
    if args.png and (not args.parks or Path(args.png).suffix.lower() != ".png"):
        raise InputError("--png needs --parks and a file name ending in .png")
    parcels = read_layer(
        args.parcels, args.layer, kind="parcels", encoding=args.encoding, crs=args.crs
    )
    step = pipeline.make_maps(
        parcels,
        results=[pipeline.read_result(path) for path in args.results],
        parks=read_layer(args.parks, kind="parks") if args.parks else None,
        lines=args.lines,
        basemap=None if args.basemap == "none" else args.basemap,
        tianditu_key=args.tianditu_key,
        leaflet=args.leaflet,
        print_map=bool(args.png),
        park_id=args.park_id,
    )
    html, *png = step.figures.values()
    written = [pipeline.save_figure(html, args.out)]
    if png:
        written.append(pipeline.save_figure(png[0], args.png))
    return _done(step, args, *written)


def _add_report_parser(sub) -> None:
    p = sub.add_parser(
        "report", help="报告 Excel report: summary per park, violations, metrics, idle"
    )
    p.add_argument("--out", required=True, help="the workbook (.xlsx)")
    p.add_argument("--parks", help="parks (a layer or a table with park_id)")
    p.add_argument("--three-lines", help="result of `landkit check` for parcels")
    p.add_argument("--metrics", help="result of `landkit metrics`")
    p.add_argument("--idle", help="result of `landkit idle`")
    p.set_defaults(func=_cmd_report)


def _cmd_report(args) -> int:
    from .report import write_report

    _need_suffix(args.out, ".xlsx", "the report must be an .xlsx file")
    step = pipeline.report(
        parks=pipeline.read_result(args.parks, kind="parks") if args.parks else None,
        three_lines=pipeline.read_result(args.three_lines) if args.three_lines else None,
        metrics=pipeline.read_result(args.metrics) if args.metrics else None,
        idle=pipeline.read_result(args.idle) if args.idle else None,
    )
    write_report(args.out, **step.tables)
    return _done(step, args, args.out)


# ------------------------------------------------------------------- the parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="landkit",
        description="landkit：开发区土地核查工具 (three lines, metrics, idle land, boundaries, maps)",
    )
    parser.add_argument("--version", action="version", version=f"landkit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_demo_parser(sub)
    _add_validate_parser(sub)
    # further subcommands register here (one line each)
    _add_map_parser(sub)
    _add_report_parser(sub)
    _add_metrics_parser(sub)
    _add_assess_parser(sub)
    _add_idle_parser(sub)
    _add_boundary_parser(sub)
    _add_check_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_INPUT
    try:
        return args.func(args)
    except LandkitError as err:
        lines = str(err).splitlines()
        print(f"错误 error: {lines[0]}", file=sys.stderr)
        for line in lines[1:]:
            print(line, file=sys.stderr)
        return EXIT_INPUT


if __name__ == "__main__":
    sys.exit(main())
