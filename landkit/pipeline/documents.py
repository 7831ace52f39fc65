"""Pipeline steps that present: boundary documents, maps, the Excel report, case dossiers."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from ..columns import feature_id_column
from ..errors import InputError, SchemaError
from .result import StepResult, file_stem, status_counts

# ---------------------------------------------------------- boundary documents


def boundary_documents(
    features,
    feature_id: str,
    *,
    id_col: str | None = None,
    feature_name_col: str | None = None,
    neighbours: Sequence = (),
    name_col: str = "name",
    publication: bool = False,
    figure: bool = True,
    layer: str = "features",
) -> StepResult:
    """界址点 table, 四至 and boundary map of one parcel or park.

    Parameters
    ----------
    features : GeoDataFrame
        The layer holding the feature.
    feature_id : str
        The id of the feature (exactly one row).
    id_col : str, optional
        Default: ``parcel_id``, else ``park_id`` (canonical or recognised:
        宗地编号, 园区代码 …).
    feature_name_col : str, optional
        The feature's name column (default: ``name`` or a recognised one such
        as 开发区名称).
    neighbours : sequence of GeoDataFrame
        Named roads, rivers or parcels for 四至.
    name_col : str
        Name column of the neighbours.
    publication : bool
        Also make the publication sheet of every feature (parks).
    figure : bool
        Make the boundary map ``<id>_界址点图.png``: the 宗地图 of
        :func:`landkit.maps.parcel.parcel_map` (界址点 numbers, 边长, 四至 with
        the neighbours drawn, scale, coordinate table).
    layer : str
        The layer's name in error messages.

    Returns
    -------
    StepResult
        Tables ``feature`` (the row, for the coordinate TXT), ``boundary_points``
        and, with ``publication``, ``publication``.

    Examples
    --------
    >>> import landkit as lk
    >>> parks = lk.read_layer(lk.sample_data_path(), "parks")
    >>> step = boundary_documents(parks, "G531042", figure=False)
    >>> step.summary[0].split("，")[-3:]
    ['界址点 4 个', '1 圈', '坐标系 EPSG:4522']
    """
    from ..boundary import boundary_points, four_boundaries, park_publication_sheet

    id_col = id_col or feature_id_column(features)
    if id_col is None or id_col not in features.columns:
        raise InputError(f"{layer}: no id column. Fix: name it with --id-col.")
    chosen = features[features[id_col].astype(str) == feature_id]
    if len(chosen) != 1:
        msg = f"{layer}: {len(chosen)} features have {id_col} = {feature_id!r}"
        raise InputError(f"{msg}. Fix: pass an id that names exactly one feature.")
    points = boundary_points(chosen, id_col=id_col, name_col=feature_name_col)
    tables = {"feature": chosen, "boundary_points": points}
    attrs, rings = points.attrs, points["ring"].nunique()
    name = f"（{attrs['name']}）" if attrs.get("name") else ""
    summary = [
        f"{feature_id}{name}：面积 {attrs['area_m2']:,.2f} m²（{attrs['area_ha']:.4f} 公顷，"
        f"{attrs['area_mu']:.2f} 亩），界址点 {len(points) - rings} 个，"
        f"{rings} 圈，坐标系 {attrs['crs']}"
    ]
    if neighbours and not publication:
        sides = four_boundaries(chosen, list(neighbours), name_col=name_col)
        summary.append(f"四至：{sides['sentence']}")
    if publication:
        sheet = park_publication_sheet(features, neighbours=list(neighbours))
        tables["publication"] = sheet
    figures = {}
    if figure:
        from ..maps.parcel import parcel_map

        figures[f"{file_stem(feature_id)}_界址点图.png"] = parcel_map(
            chosen, neighbours=list(neighbours) or None, name_col=name_col, title="界址点图"
        )
    return StepResult(tables=tables, summary=summary, figures=figures)


def boundary_digest(step: StepResult, txt) -> str:
    """The one-line summary of :func:`boundary_documents`, read back from its coordinate TXT.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import landkit as lk
    >>> parks = lk.read_layer(lk.sample_data_path(), "parks")
    >>> step = boundary_documents(parks, "G531042", figure=False)
    >>> txt = pathlib.Path(tempfile.mkdtemp()) / "G531042.txt"
    >>> txt = lk.write_coordinate_txt(step.tables["feature"], txt)
    >>> boundary_digest(step, txt)
    '界址点：园区 G531042 界址点 4 个，面积 258.9600 公顷（坐标文件回读 258.9600 公顷）'
    """
    from ..io import read_coordinate_txt

    points = step.tables["boundary_points"]
    feature = step.tables["feature"]
    back = read_coordinate_txt(txt)
    line = (
        f"界址点：园区 {points.attrs['feature_id']} 界址点 "
        f"{len(points) - points['ring'].nunique()} 个，面积 {points.attrs['area_ha']:.4f} 公顷"
        f"（坐标文件回读 {back['area_ha'].iloc[0]:.4f} 公顷）"
    )
    if "publication" in step.tables:
        line += f"；{step.tables['publication'].loc[feature.index[0], 'four_boundaries']}"
    return line


# ----------------------------------------------------------------------- map


def make_maps(
    parcels,
    *,
    results: Sequence = (),
    parks=None,
    lines=None,
    basemap: str | None = "osm",
    tianditu_key: str | None = None,
    leaflet=None,
    only=None,
    print_map: bool = False,
    park_id: str | None = None,
    most_findings: bool = False,
) -> StepResult:
    """An interactive map of parcels coloured by finding, and a print map.

    Parameters
    ----------
    parcels : GeoDataFrame
        Parcels, or a result of the three-line check.
    results : sequence of DataFrame
        Further results (three lines, idle, metrics) joined on ``parcel_id``.
    parks, lines, basemap, tianditu_key, leaflet, only
        As :func:`landkit.make_map` takes them.
    print_map : bool
        Also make a print map (needs ``parks``).
    park_id : str, optional
        The park of the print map (default: every park).
    most_findings : bool
        Print the park with the most flagged parcels instead.

    Returns
    -------
    StepResult
        Table ``parcels`` (with the results joined); figures ``map.html`` and
        ``<park>_map.png``.

    Examples
    --------
    >>> import landkit as lk
    >>> parcels = lk.read_layer(lk.sample_data_path(), "parcels")
    >>> make_maps(parcels, basemap=None).summary
    ['地图：宗地 99 宗（未评价 99 宗）']
    """
    from ..maps import CATEGORIES, combine_results, make_map, parcel_category, static_map

    if print_map and parks is None:
        raise InputError("a print map needs parks. Fix: give the parks (--parks).")
    parcels = combine_results(parcels, *results)
    fmap = make_map(
        parks=parks,
        parcels=parcels,
        lines=lines,
        basemap=basemap,
        tianditu_key=tianditu_key,
        leaflet=leaflet,
        only=only,
    )
    figures: dict[str, object] = {"map.html": fmap}
    category = parcel_category(parcels)
    flagged = ~category.isin(["compliant", "not_evaluated"])
    if most_findings:
        counts = parcels.loc[flagged, "park_id"].value_counts()
        park_id = str(counts.index[0] if len(counts) else parks["park_id"].iloc[0])
    if print_map:
        figure = static_map(parks, parcels=parcels, lines=lines, park_id=park_id)
        figures[f"{park_id}_map.png" if park_id else "map.png"] = figure
    counts = status_counts(category, CATEGORIES, field="map_category", skip_absent=True)
    parks_text = f"，园区 {len(parks)} 个" if parks is not None else ""
    shown_parks = len(parks) if parks is not None else 0
    digest = (
        f"地图：map.html（{shown_parks} 个园区、{len(parcels)} 宗地块，"
        f"{int(flagged.sum())} 宗有问题已着色）"
    )
    if print_map and most_findings:
        digest += f"；问题最多的园区 {park_id} 打印图 {park_id}_map.png"
    return StepResult(
        tables={"parcels": parcels},
        summary=[f"地图：宗地 {len(parcels)} 宗（{counts}）{parks_text}"],
        digest=digest,
        figures=figures,
    )


# -------------------------------------------------------------------- report


def report(*, parks=None, three_lines=None, metrics=None, idle=None) -> StepResult:
    """What the Excel report holds: summary per park, violations, metrics, idle parcels.

    Parameters
    ----------
    parks, three_lines, metrics, idle : DataFrame, optional
        As :func:`landkit.write_report` takes them; at least one.

    Returns
    -------
    StepResult
        Tables by :func:`landkit.write_report` keyword (``parks``,
        ``three_lines``, ``metrics``, ``idle``), the ones given.

    Examples
    --------
    >>> import landkit as lk
    >>> report(parks=lk.read_layer(lk.sample_data_path(), "parks")).summary
    ['报告：', '  园区 5 个']
    """
    from ..idle import FLAGGED

    given = {"parks": parks, "three_lines": three_lines, "metrics": metrics, "idle": idle}
    tables = {name: frame for name, frame in given.items() if frame is not None}
    if not tables:
        raise InputError("nothing to report: give --parks, --three-lines, --metrics or --idle")
    for name, column, command in (("three_lines", "status", "check"), ("idle", "idle_status", "idle")):
        if name in tables and column not in tables[name].columns:
            msg = f"{name}: the table has no {column} column. Fix: give a result of `landkit {command}`."
            raise SchemaError(msg)
    summary = ["报告："]
    if parks is not None:
        summary.append(f"  园区 {len(parks)} 个")
    if three_lines is not None:
        found = int(three_lines["status"].eq("violation").sum())
        summary.append(f"  三线违规 {found} 宗（共 {len(three_lines)} 宗）")
    if metrics is not None:
        summary.append(f"  地块指标 {len(metrics)} 宗")
    if idle is not None:
        found = int(idle["idle_status"].isin(FLAGGED).sum())
        summary.append(f"  闲置相关 {found} 宗（共 {len(idle)} 宗）")
    return StepResult(tables=tables, summary=summary)


def report_digest(path) -> str:
    """The one-line summary of a written report: its file name and sheets.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import landkit as lk
    >>> parks = lk.read_layer(lk.sample_data_path(), "parks")
    >>> path = lk.write_report(pathlib.Path(tempfile.mkdtemp()) / "r.xlsx", parks=parks)
    >>> report_digest(path)
    '报告：r.xlsx（汇总、来源）'
    """
    import openpyxl

    path = Path(path)
    book = openpyxl.load_workbook(path, read_only=True)
    sheets = "、".join(book.sheetnames)
    book.close()
    return f"报告：{path.name}（{sheets}）"


# ------------------------------------------------------------------ dossiers


def dossiers(
    idle,
    *,
    parcels=None,
    previous=None,
    only: Sequence[str] | None = None,
    imagery=None,
    parks=None,
    lines=None,
    neighbours: Sequence = (),
    as_of=None,
) -> StepResult:
    """Case dossiers of the flagged parcels of an idle-land run, and their index.

    Parameters
    ----------
    idle : DataFrame, str or Path
        A :func:`landkit.detect_idle` result, or the ``idle.gpkg`` that
        ``landkit idle`` wrote (its provenance carries the as-of date).
    parcels : GeoDataFrame, optional
        The parcels, for the 四至 (default: the result itself, which keeps
        the parcels' columns and geometry).
    previous : DataFrame, str or Path, optional
        An earlier result or ``idle.gpkg``: only parcels newly flagged or
        escalated since then get a dossier.
    only : sequence of str, optional
        The statuses that get a dossier (default:
        :data:`landkit.dossier.DOSSIER_STATUSES`).
    imagery, parks, lines, neighbours, as_of
        As :func:`landkit.case_dossier` takes them.

    Returns
    -------
    StepResult
        Table ``调查案卷索引`` (the index workbook ``dossiers.xlsx``); figures:
        one Word document per dossier by file name; findings: a dossier.

    Examples
    --------
    >>> import landkit as lk
    >>> parcels = lk.read_layer(lk.sample_data_path(), "parcels")
    >>> result = lk.detect_idle(parcels, as_of="2026-11-01")
    >>> dossiers(result, previous=result).summary[:2]
    ['调查案卷：写出 0 份（新增 0 份，升级 0 份），索引 dossiers.xlsx', '  未写出（与上次相同）6 宗']
    """
    from ..dossier import DOSSIER_STATUSES, INDEX_SHEET, build_dossiers, index_sheet
    from ..errors import LandkitWarning
    from ..labels import value_label
    from .result import read_idle, recording, warning_lines

    findings = idle if isinstance(idle, pd.DataFrame) else read_idle(idle)
    earlier = previous if previous is None or isinstance(previous, pd.DataFrame) else read_idle(previous)
    only = tuple(DOSSIER_STATUSES if only is None else only)
    with recording() as caught:
        index, documents = build_dossiers(
            findings, parcels=findings if parcels is None else parcels, previous=earlier,
            only=only, imagery=imagery, parks=parks, lines=lines, neighbours=list(neighbours),
            as_of=as_of,
        )  # fmt: skip
    written = index[index["written"]]
    changes = written["change"].value_counts()
    more = f"，变更 {int(changes['变更'])} 份" if "变更" in changes else ""
    summary = [
        f"调查案卷：写出 {len(written)} 份（新增 {int(changes.get('新增', 0))} 份，"
        f"升级 {int(changes.get('升级', 0))} 份{more}），索引 dossiers.xlsx"
    ]
    if earlier is not None:
        summary.append(f"  未写出（与上次相同）{int((~index['written']).sum())} 宗")
    counts = written["idle_status"].value_counts()
    statuses = "、".join(f"{value_label('idle_status', s)} {int(counts.get(s, 0))} 宗" for s in only)
    summary.append(f"  初步判定：{statuses}（须调查核实后方可认定）")
    # landkit's own warnings (repaired geometries, data notes); not the libraries' deprecations
    summary += warning_lines([w for w in caught if issubclass(w.category, LandkitWarning)])
    digest = f"调查案卷：{len(written)} 份，{statuses}（初步判定，须调查核实后方可认定）"
    return StepResult(
        tables={INDEX_SHEET: index_sheet(index, findings)},
        summary=summary,
        digest=digest,
        figures=documents,
        findings=bool(documents),
    )
