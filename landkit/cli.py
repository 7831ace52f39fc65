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
from .io import list_layers, read_layer, read_table
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


def _read_raw(path: str, kind: str, args) -> object:
    """The layer or table as stored (validation maps aliases and parses values itself)."""
    if kind in ("park_history", "enterprises") or Path(path).suffix.lower() in (".csv", ".xlsx"):
        return read_table(path, args.layer)
    return read_layer(path, args.layer, encoding=args.encoding, crs=args.crs)


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
    print(f"完成，用时 {ctx.elapsed_s:.1f} 秒。已写出文件（{ctx.out.resolve()}）：")
    for title, paths in ctx.outputs.items():
        if paths:
            print(f"  {title}：{'、'.join(path.name for path in paths)}")
    print(f"结果摘要（样例数据，认定日期 {ctx.as_of}）：")
    for line in ctx.summary:
        head, _, rest = line.partition("：")
        parts = rest.split("；") if rest else []
        print(f"  {head}：{parts[0]}" if parts else f"  {line}")
        for part in parts[1:]:
            print(f"      {part}")
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
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = check_three_lines(
            features, args.lines, id_col=id_col, tolerance_m2=args.tolerance, progress=_progress
        )
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
    for message in dict.fromkeys(str(w.message) for w in caught):
        print(f"  {'已修复' if 'repaired' in message else '提示'}：{message}")
    print(f"已写出：{args.out}（图层 three_lines, three_line_pieces, three_line_summary）")
    return EXIT_FINDINGS if args.fail_on_findings and violating else EXIT_OK


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
    import re

    from .boundary import boundary_points, four_boundaries, write_boundary_points
    from .errors import InputError
    from .io import atomic_path, read_coordinate_txt, write_coordinate_txt

    if Path(args.features).suffix.lower() == ".txt":
        features = read_coordinate_txt(args.features, encoding=args.encoding)
    else:
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
    from .idle import FLAGGED, as_date, compare_idle, detect_idle
    from .io import atomic_path, write_layers
    from .maps import make_map
    from .report import STATUS_LABELS, write_report

    as_of = as_date(args.as_of, name="--as-of")
    builtup = _builtup_arguments(args.builtup)
    previous = None
    if args.previous:
        previous = read_layer(args.previous, "idle")
    parcels = read_layer(
        args.parcels, args.layer, kind="parcels", encoding=args.encoding, crs=args.crs
    )
    result = detect_idle(parcels, as_of=as_of, builtup=builtup, builtup_scale=args.builtup_scale)
    if previous is not None:
        changes = compare_idle(result, previous)
        result = result.assign(**changes)
    fmap = make_map(parcels=result)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    write_layers({"idle": result}, out / "idle.gpkg")
    write_report(out / "idle.xlsx", idle=result)
    with atomic_path(out / "idle.html") as tmp:
        fmap.save(str(tmp))
    counts = result["idle_status"].value_counts()
    parts = [
        f"{STATUS_LABELS[s]} {int(counts.get(s, 0))} 宗" for s in (*FLAGGED, "insufficient_data")
    ]
    fee = float(result["idle_fee_wan_yuan"].sum())
    print(f"闲置土地核查（截至 {as_of:%Y-%m-%d}）：共 {len(result)} 宗；" + "，".join(parts))
    print(f"  测算土地闲置费合计 {fee:,.2f} 万元")
    if "builtup_fraction" in result.columns:
        print(f"  动工记录与建成影像不一致 {int(result['evidence_conflict'].sum())} 宗")
    if previous is not None:
        print(f"  与上次（{args.previous}）相比新增 {int(result['newly_flagged'].sum())} 宗")
    print(f"已写出：{out / 'idle.gpkg'}、{out / 'idle.xlsx'}、{out / 'idle.html'}")
    flagged = bool(result["idle_status"].isin(FLAGGED).any())
    return EXIT_FINDINGS if args.fail_on_findings and flagged else EXIT_OK


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
    import geopandas as gpd

    from .errors import InputError
    from .indicators import park_indicators
    from .io import write_layers, write_table
    from .metrics import CONTROL_INDICATORS, parcel_metrics
    from .schema import label

    suffix = Path(args.out).suffix.lower()
    if suffix not in (".gpkg", ".xlsx"):
        raise InputError(f"--out {args.out}: the result must be a GeoPackage (.gpkg) or .xlsx")
    parcels = read_layer(
        args.parcels, args.layer, kind="parcels", encoding=args.encoding, crs=args.crs
    )
    buildings = read_layer(args.buildings, kind="buildings") if args.buildings else None
    local = read_table(args.local_standard) if args.local_standard else None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = parcel_metrics(parcels, buildings, standard=args.standard, local_standard=local)
        parks = None
        if args.parks:
            parks = park_indicators(
                read_layer(args.parks, kind="parks"), parcels, buildings=buildings
            )
    layers = {"parcel_metrics": gpd.GeoDataFrame(result, geometry=parcels.geometry)}
    if parks is not None:
        layers["park_indicators"] = parks.reset_index()
    for frame in layers.values():
        frame.attrs = {"landkit_provenance": result.attrs["landkit_provenance"]}
    if parks is not None:
        layers["park_indicators"].attrs = parks.attrs
    if suffix == ".gpkg":
        write_layers(layers, args.out)
    else:
        sheets = {"地块指标": result.rename(columns=label)}
        if parks is not None:
            sheets["园区指标"] = layers["park_indicators"].rename(columns=label)
        sheets["地块指标"].attrs = result.attrs
        write_table(sheets, args.out)

    judged = {k: result[f"meets_{k}"] for k in CONTROL_INDICATORS}
    failing = {k: int(v.eq(False).fillna(False).sum()) for k, v in judged.items()}
    print(f"地块指标（{args.standard}）：共 {len(result)} 宗")
    for key, column in CONTROL_INDICATORS.items():
        evaluated = int(judged[key].notna().sum())
        if evaluated:
            print(f"  {label(column)}：评价 {evaluated} 宗，不达标 {failing[key]} 宗")
        else:
            print(f"  {label(column)}：无控制值，未评价")
    repaired = [str(w.message) for w in caught if "repaired" in str(w.message)]
    for line in dict.fromkeys(repaired):
        print(f"  已修复：{line}")
    if parks is not None:
        print(f"园区集约利用指标：{len(parks)} 个园区")
        for park_id, row in parks.iterrows():
            ratio = row["composite_plot_ratio"]
            rate = row["industrial_land_rate"]
            shown_ratio = "—" if ratio != ratio else f"{ratio:.2f}"
            shown_rate = "—" if rate != rate else f"{rate:.1%}"
            print(f"  {park_id}：综合容积率 {shown_ratio}，工业用地率 {shown_rate}")
    print(f"已写出：{args.out}")
    findings = any(failing.values())
    return EXIT_FINDINGS if args.fail_on_findings and findings else EXIT_OK


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
    from . import standards
    from .assess import assess_parks
    from .errors import InputError
    from .indicators import industry_concentration
    from .io import write_table
    from .schema import label
    from .siting import parks_per_county

    if Path(args.out).suffix.lower() != ".xlsx":
        raise InputError(f"--out {args.out}: the result must be a workbook (.xlsx)")
    history = read_table(args.history, args.sheet, kind="park_history")
    scheme = read_table(args.scheme) if args.scheme else None
    rules = {"pass_mark": args.pass_mark} if args.pass_mark is not None else None
    result = assess_parks(history, year=args.year, scheme=scheme, rules=rules)
    sheets = {"园区考核": result.reset_index()}
    shares = per_county = None
    if args.enterprises:
        shares = industry_concentration(read_table(args.enterprises, kind="enterprises"))
        sheets["产业集聚度"] = shares.reset_index()
    if args.parks:
        parks = read_layer(args.parks, kind="parks")
        counties = read_layer(args.counties, kind="counties") if args.counties else None
        per_county = parks_per_county(parks, counties)
        sheets["县区园区数"] = per_county.reset_index()
    labelled = {}
    for name, frame in sheets.items():
        shown = frame.rename(columns=label)
        shown.attrs = frame.attrs
        labelled[name] = shown
    write_table(labelled, args.out)

    def count(column):
        return int(result[column].fillna(False).sum())

    if args.pass_mark is None:
        row = standards.rule_row("assessment", "pass_mark")
        shown = row["value"] + ("（示例值）" if row["status"] == "example" else "")
    else:
        shown = f"{args.pass_mark:g}"
    evaluated = int(result["score"].notna().sum())
    print(f"{args.year} 年度园区考核：{len(result)} 个园区，评价 {evaluated} 个（合格分 {shown}）")
    print(f"  黄牌警告 {count('yellow_card')} 个，建议摘牌 {count('delist_recommended')} 个")
    reduce, expand = count("reduce_or_downgrade"), count("expansion_ready")
    print(f"  建议核减面积或降级 {reduce} 个，具备扩区条件 {expand} 个")
    for park, row in result[result["yellow_card"].fillna(False)].iterrows():
        print(f"  {park}：{row['reasons']}")
    if shares is not None:
        lead = int(shares["meets_leading_target"].fillna(False).sum())
        emerging = int(shares["meets_emerging_target"].fillna(False).sum())
        lead_target = shares["leading_share_target"].iloc[0]
        emerging_target = shares["emerging_share_target"].iloc[0]
        print(
            f"  主导产业集聚度超过 {lead_target:.0%}：{lead}/{len(shares)} 个园区；"
            f"新兴产业产值占比达到 {emerging_target:.0%}：{emerging}/{len(shares)} 个园区"
        )
    if per_county is not None:
        over = per_county[per_county["over_limit"]]
        limit = int(per_county["limit"].iloc[0])
        print(f"  园区超过 {limit} 个的县区：{'、'.join(over.index) if len(over) else '无'}")
    print(f"已写出：{args.out}")
    findings = bool(result["yellow_card"].fillna(False).any())
    return EXIT_FINDINGS if args.fail_on_findings and findings else EXIT_OK


# ----------------------------------------------------------------- map, report

_RESULT_LAYERS = ("three_lines", "idle", "parcel_metrics")


def _read_result(path: str, *, kind: str | None = None):
    """A result layer or table: a GeoPackage's result layer when it has one, else the file."""
    suffix = Path(path).suffix.lower()
    if suffix in (".csv", ".xlsx"):
        return read_table(path, kind=kind)
    if suffix == ".gpkg" and Path(path).is_file():
        names = set(list_layers(path))
        for name in _RESULT_LAYERS:
            if name in names:
                return read_layer(path, name, kind=kind)
    return read_layer(path, kind=kind)


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
    from .errors import InputError
    from .io import atomic_path
    from .maps import CATEGORIES, combine_results, make_map, parcel_category, static_map
    from .report import STATUS_LABELS

    if Path(args.out).suffix.lower() not in (".html", ".htm"):
        raise InputError(f"--out {args.out}: the map must be an .html file")
    if args.png and (not args.parks or Path(args.png).suffix.lower() != ".png"):
        raise InputError("--png needs --parks and a file name ending in .png")
    parcels = read_layer(
        args.parcels, args.layer, kind="parcels", encoding=args.encoding, crs=args.crs
    )
    parcels = combine_results(parcels, *(_read_result(path) for path in args.results))
    parks = read_layer(args.parks, kind="parks") if args.parks else None
    basemap = None if args.basemap == "none" else args.basemap
    fmap = make_map(
        parks=parks,
        parcels=parcels,
        lines=args.lines,
        basemap=basemap,
        tianditu_key=args.tianditu_key,
        leaflet=args.leaflet,
    )
    figure = None
    if args.png:
        figure = static_map(parks, parcels=parcels, lines=args.lines, park_id=args.park_id)
    with atomic_path(args.out) as tmp:
        fmap.save(str(tmp))
    if figure is not None:
        with atomic_path(args.png) as tmp:
            figure.savefig(tmp, format="png")
    counts = parcel_category(parcels).value_counts()
    parts = [
        f"{STATUS_LABELS[name]} {int(counts[name])} 宗" for name in CATEGORIES if name in counts
    ]
    parks_text = f"，园区 {len(parks)} 个" if parks is not None else ""
    print(f"地图：宗地 {len(parcels)} 宗（{'，'.join(parts)}）{parks_text}")
    print(f"已写出：{args.out}" + (f"、{args.png}" if args.png else ""))
    return EXIT_OK


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
    from .errors import InputError
    from .report import FLAGGED_IDLE, write_report

    if Path(args.out).suffix.lower() != ".xlsx":
        raise InputError(f"--out {args.out}: the report must be an .xlsx file")
    if not any((args.parks, args.three_lines, args.metrics, args.idle)):
        raise InputError("nothing to report: give --parks, --three-lines, --metrics or --idle")
    frames = {
        "parks": _read_result(args.parks, kind="parks") if args.parks else None,
        "three_lines": _read_result(args.three_lines) if args.three_lines else None,
        "metrics": _read_result(args.metrics) if args.metrics else None,
        "idle": _read_result(args.idle) if args.idle else None,
    }
    write_report(args.out, **frames)
    print("报告：")
    if frames["parks"] is not None:
        print(f"  园区 {len(frames['parks'])} 个")
    if frames["three_lines"] is not None:
        found = int(frames["three_lines"]["status"].eq("violation").sum())
        print(f"  三线违规 {found} 宗（共 {len(frames['three_lines'])} 宗）")
    if frames["metrics"] is not None:
        print(f"  地块指标 {len(frames['metrics'])} 宗")
    if frames["idle"] is not None:
        found = int(frames["idle"]["idle_status"].isin(FLAGGED_IDLE).sum())
        print(f"  闲置相关 {found} 宗（共 {len(frames['idle'])} 宗）")
    print(f"已写出：{args.out}")
    return EXIT_OK


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
