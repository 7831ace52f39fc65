"""The ``landkit`` command: a thin shell over the library.

Exit codes, for every command: 0 done; 1 done and findings present (only with
``--fail-on-findings``); 2 bad input or usage (a one-line reason, nothing
written); anything else is a crash.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from . import __version__
from .errors import LandkitError
from .io import read_layer, read_table
from .schema import KINDS, validate_layer

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _add_common_read(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--layer", help="layer of a GeoPackage / sheet of a workbook")
    parser.add_argument(
        "--encoding", help="Shapefile text encoding (default: .cpg, UTF-8, then GBK)"
    )
    parser.add_argument("--crs", help="CRS of a layer without one, or gcj02 / bd09")


def _read_any(path: str, kind: str, args) -> object:
    if kind in ("park_history", "enterprises") or Path(path).suffix.lower() in (".csv", ".xlsx"):
        return read_table(path, args.layer, kind=kind)
    return read_layer(path, args.layer, kind=kind, encoding=args.encoding, crs=args.crs)


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
    frame = _read_any(args.path, args.kind, args)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        validate_layer(
            frame, args.kind, strict=args.strict, layer=args.layer or Path(args.path).name
        )
    repaired = [str(w.message) for w in caught if "repaired" in str(w.message)]
    print(f"校验通过：{args.path}（{args.kind}），{len(frame)} 条记录")
    for line in repaired:
        print(f"已修复：{line}")
    return EXIT_OK


# ---------------------------------------------------------------------- demo


def _add_demo_parser(sub) -> None:
    p = sub.add_parser("demo", help="演示 run the whole pipeline on the bundled Kunming sample")
    p.add_argument("--out", default="landkit_demo", help="output folder (default: landkit_demo)")
    p.set_defaults(func=_cmd_demo)


def _cmd_demo(args) -> int:
    from .demo import run_demo

    ctx = run_demo(args.out, progress=_progress)
    print("已写出文件：")
    for path in ctx.written:
        print(f"  {path}")
    print("结果摘要：")
    for line in ctx.summary:
        print(f"  {line}")
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
    from .constraints import (
        LINE_KEYS,
        check_three_lines,
        line_columns,
        park_three_line_summary,
        three_line_overlaps,
    )
    from .crs import m2_to_mu
    from .errors import InputError
    from .io import write_layers

    if Path(args.out).suffix.lower() != ".gpkg":
        raise InputError(f"--out {args.out}: the result must be a GeoPackage (.gpkg)")
    features = read_layer(
        args.features, args.layer, kind=args.kind, encoding=args.encoding, crs=args.crs
    )
    id_col = args.id_col or next((c for c in ("parcel_id", "park_id") if c in features), None)
    result = check_three_lines(features, args.lines, id_col=id_col, tolerance_m2=args.tolerance)
    pieces = three_line_overlaps(features, args.lines, id_col=id_col)
    park_col = args.park_col if args.park_col in result.columns else None
    summary = park_three_line_summary(result, park_col=park_col).reset_index()
    write_layers(
        {"three_lines": result, "three_line_pieces": pieces, "three_line_summary": summary},
        args.out,
    )
    names = {
        "ecological_redline": "生态保护红线",
        "basic_farmland": "永久基本农田",
        "urban_boundary": "城镇开发边界外",
    }
    violating = int((result["status"] == "violation").sum())
    no_geometry = int((result["status"] == "no_geometry").sum())
    tolerance = result.attrs["landkit_provenance"]["tolerance_m2"]
    print(
        f"三线核查：{len(result)} 个要素，违规 {violating} 个，无几何 {no_geometry} 个"
        f"（容差 {tolerance} m²）"
    )
    absent = result.attrs["landkit_provenance"]["lines_absent"].split("; ")
    for key in LINE_KEYS:
        column = line_columns(key)[0]
        if key in absent:
            print(f"  {names[key]}：未提供该图层，未核查")
            continue
        count = int(result["violations"].str.contains(key, regex=False).sum())
        total = float(result[column].sum())
        mu = m2_to_mu(total)
        print(f"  {names[key]}：{count} 个要素违规，合计 {total:,.1f} m²（{mu:,.2f} 亩）")
    print(f"已写出：{args.out}（图层 three_lines, three_line_pieces, three_line_summary）")
    return EXIT_FINDINGS if args.fail_on_findings and violating else EXIT_OK


# ------------------------------------------------------------------ boundary


def _add_boundary_parser(sub) -> None:
    p = sub.add_parser(
        "boundary",
        help="界址点 coordinate TXT, 界址点成果表 and boundary map of one parcel or park",
    )
    p.add_argument("features", help="layer holding the parcel or park")
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
    import re

    from .boundary import (
        boundary_points,
        four_boundaries,
        write_boundary_points,
        write_coordinate_txt,
    )
    from .errors import InputError
    from .io import atomic_path

    features = read_layer(args.features, args.layer, encoding=args.encoding, crs=args.crs)
    id_col = args.id_col or next((c for c in ("parcel_id", "park_id") if c in features), None)
    if id_col is None or id_col not in features.columns:
        raise InputError(f"{args.features}: no id column. Fix: name it with --id-col.")
    chosen = features[features[id_col].astype(str) == args.feature_id]
    if len(chosen) != 1:
        msg = f"{args.features}: {len(chosen)} features have {id_col} = {args.feature_id!r}"
        raise InputError(f"{msg}. Fix: pass an id that names exactly one feature.")
    points = boundary_points(chosen)
    sides = None
    if args.neighbours:
        layers = [
            read_layer(n) if Path(n).exists() else read_layer(args.features, n)
            for n in args.neighbours
        ]
        sides = four_boundaries(chosen, layers, name_col=args.name_col)
    figure = _boundary_figure(chosen, points)
    out = Path(args.out)
    stem = re.sub(r'[\\/:*?"<>|\s]+', "_", args.feature_id)
    written = [
        write_coordinate_txt(chosen, out / f"{stem}.txt", encoding=args.txt_encoding),
        write_boundary_points(points, out / f"{stem}_界址点成果表.xlsx"),
        out / f"{stem}_界址点图.png",
    ]
    with atomic_path(written[-1]) as tmp:
        figure.savefig(tmp, format="png", dpi=200)
    attrs = points.attrs
    name = f"（{attrs['name']}）" if attrs.get("name") else ""
    print(
        f"{args.feature_id}{name}：面积 {attrs['area_m2']:,.2f} m²（{attrs['area_ha']:.4f} 公顷，"
        f"{attrs['area_mu']:.2f} 亩），界址点 {len(points) - points['ring'].nunique()} 个，"
        f"{points['ring'].nunique()} 圈，坐标系 {attrs['crs']}"
    )
    if sides is not None:
        print(f"四至：{sides['sentence']}")
    print("已写出：" + "、".join(str(p) for p in written))
    return EXIT_OK


def _boundary_figure(feature, points):
    """The boundary map (landkit.maps.static_map) with the boundary points labelled."""
    from .maps import static_map

    name = points.attrs.get("name") or points.attrs.get("feature_id")
    fig = static_map(feature, title=f"{name} 界址点图")
    ax = fig.axes[0]
    first = points.drop_duplicates(["ring", "point_id"])
    ax.plot(first["y_m"], first["x_m"], "o", color="#c00000", markersize=2.5)
    if len(first) <= 80:
        for row in first.itertuples(index=False):
            ax.annotate(row.point_id, (row.y_m, row.x_m), fontsize=6, xytext=(2, 2),
                        textcoords="offset points")  # fmt: skip
    return fig


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
