"""The ministry's coordinate exchange TXT (界址点坐标交换格式).

The land bureau exchanges parcel boundaries as an optional ``[项目信息]``
section, a ``[属性描述]`` header and a ``[地块坐标]`` section. Conventions:

* X is the northing and Y the easting, as in Chinese survey tables; the easting
  carries the zone number as a prefix when the CRS does (EPSG 4513–4533 …).
  Geometries are always built as (easting, northing).
* The zone comes from 坐标系, 几度分带, 带号 and the zone prefix of the
  eastings (numbered by :func:`landkit.crs.gk_zone_epsg`); areas of TXT
  parcels are planar areas in that zone's CRS.
* Points are written in boundary-point order (:mod:`landkit.rings`): a
  boundary read from a TXT keeps its surveyed point numbers and order
  (column ``boundary_point_ids``), a new one is numbered from the north-west,
  clockwise.
* What the reader had to interpret in a non-standard file (an empty 带号,
  ``分带=3度带``, a ring that does not close, 地块编号 shared by several parcels,
  declared and computed areas that differ …) is reported as notes: one
  :class:`~landkit.errors.InputNotesWarning` each, in Chinese, and the list in
  ``attrs["coordinate_txt"]["notes"]``.
"""

from __future__ import annotations

import codecs
import datetime as dt
import math
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely
from shapely.geometry import MultiPolygon, Polygon

from .. import standards
from ..columns import feature_id_column, feature_name_column
from ..crs import (
    CGCS2000,
    DATUM_NAMES_ZH,
    GK_ZONES,
    GKZone,
    area_crs,
    gk_zone,
    gk_zone_crs,
    m2_to_ha,
    m2_to_mu,
    require_crs,
)
from ..errors import (
    CRSError,
    GeometryError,
    InputError,
    InputNotesWarning,
    describe_ids,
)
from ..geometry import is_absent, is_polygonal
from ..rings import POINT_IDS, format_point_ids, numbered_rings
from .files import atomic_path

__all__ = ["read_coordinate_txt", "write_coordinate_txt"]

_RULES = "boundary"

_SECTION = re.compile(r"^\s*[\[【［]\s*(.+?)\s*[\]】］]\s*$")
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)")
_HEADER_KEYS = (
    "格式版本号",
    "数据产生单位",
    "数据产生日期",
    "坐标系",
    "几度分带",
    "投影类型",
    "计量单位",
    "带号",
    "精度",
    "转换参数",
)
_TXT_COLUMNS = ("parcel_id", "name", "sheet_no", "intended_use", "land_use", "extra_fields")


@dataclass
class _Parcel:
    line_no: int
    fields: list[str]
    points: list[tuple[int, str, str, float, float]] = field(default_factory=list)


def _line_of(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def _utf8_lines(raw: bytes) -> list[int]:
    """Numbers of the lines that hold non-ASCII text valid as UTF-8."""
    found = []
    for line_no, line in enumerate(raw.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            continue
        found.append(line_no)
    return found


def _decode(raw: bytes, encoding: str | None, where: str) -> tuple[str, str]:
    """The text of the file and its encoding; text in two encodings is refused, naming the lines."""
    if encoding is not None:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError as err:
            msg = (
                f"{where}: line {_line_of(raw, err.start)} cannot be decoded as {encoding} ({err.reason}). "
                f"Fix: pass the file's encoding= or save the whole file in one encoding."
            )
            raise InputError(msg) from err
        except LookupError as err:
            raise InputError(f"{where}: unknown encoding {encoding!r}. Fix: e.g. encoding='gbk'.") from err
    bom = raw.startswith(codecs.BOM_UTF8)
    body = raw[len(codecs.BOM_UTF8) :] if bom else raw
    try:
        return body.decode("utf-8"), "utf-8-sig" if bom else "utf-8"
    except UnicodeDecodeError as err:
        bad_line = _line_of(body, err.start)
    utf8 = _utf8_lines(body)
    if bom or utf8:
        shown = f"line {utf8[0]}" if utf8 else "the byte-order mark"
        msg = (
            f"{where}: the text mixes encodings: {shown} is UTF-8 but line {bad_line} is not "
            f"(GBK?), so names would come out garbled. Fix: save the whole file in one encoding "
            f"(UTF-8 or GBK), or pass encoding= if one encoding is right."
        )
        raise InputError(msg)
    try:
        return body.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as err:
        msg = (
            f"{where}: line {_line_of(body, err.start)} is neither UTF-8 nor GBK/GB18030. "
            f"Fix: pass encoding=."
        )
        raise InputError(msg) from err


def _parse_txt(text: str, where: str) -> tuple[dict[str, dict[str, str]], list[_Parcel]]:
    sections: dict[str, dict[str, str]] = {}
    parcels: list[_Parcel] = []
    section = None
    problems: list[str] = []
    for line_no, raw in enumerate(re.split(r"\r\n|\r|\n", text), start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line:
            continue
        if match := _SECTION.match(line):
            section = match.group(1)
            sections.setdefault(section, {})
            continue
        if section != "地块坐标":
            if section is not None and "=" in line.replace("＝", "="):
                key, _, value = line.replace("＝", "=").partition("=")
                sections[section][key.strip()] = value.strip()
            continue
        if line.rstrip(", ").endswith("@"):
            fields = [f.strip() for f in line.rstrip(", ").removesuffix("@").split(",")]
            if fields and fields[-1] == "":
                fields.pop()
            parcels.append(_Parcel(line_no, fields))
            continue
        fields = [f.strip() for f in line.split(",")]
        if not parcels:
            problems.append(f"line {line_no}: a point before the first parcel header")
            continue
        if len(fields) == 3 and _NUMBER.fullmatch(fields[1]) and float(fields[1]) >= 1000:
            fields.insert(1, "1")  # 点号,X,Y: a file without 圈号, one ring per parcel
        try:
            x, y = float(fields[2]), float(fields[3])
        except (IndexError, ValueError):
            problems.append(f"line {line_no}: '{line}' is not 点号,圈号,X,Y")
            continue
        parcels[-1].points.append((line_no, fields[0], fields[1], x, y))
    if "地块坐标" not in sections:
        problems.append("no [地块坐标] section")
    elif not parcels:
        problems.append("the [地块坐标] section holds no parcel")
    if problems:
        shown = "; ".join(problems[:5])
        if len(problems) > 5:
            shown += f"; … ({len(problems)} problems)"
        raise InputError(f"{where}: cannot read it as a coordinate exchange file (TXT): {shown}")
    return sections, parcels


def _int_in(text: str | None) -> int | None:
    match = _NUMBER.search(text or "")
    return int(float(match.group())) if match else None


def _datum(text: str | None, notes: list[str]) -> str:
    value = (text or "").replace(" ", "")
    if not value:
        notes.append("坐标系 为空，按 2000国家大地坐标系 处理")
        return "CGCS2000"
    if "2000" in value or "CGCS" in value.upper():
        return "CGCS2000"
    if "80" in value or "西安" in value:
        return "Xian 1980"
    if "54" in value or "北京" in value:
        return "Beijing 1954"
    msg = f"坐标系={text} is not CGCS2000, Xian 1980 or Beijing 1954 Gauss-Krüger"
    raise CRSError(msg)


def _file_zone(header: Mapping[str, str], north, east, where: str, notes: list[str]) -> GKZone:
    """The Gauss-Krüger zone of a file, its axis order and zone prefix checked against 带号."""
    datum = _datum(header.get("坐标系"), notes)
    width_text = header.get("几度分带") or header.get("分带")
    width = _int_in(width_text)
    if width is not None and not ("几度分带" in header and width_text.strip().isdigit()):
        key = "几度分带" if "几度分带" in header else "分带"
        notes.append(f"{key}={width_text} 按 几度分带={width} 处理")
    zone = _int_in(header.get("带号"))
    if zone is not None and zone > 60 and zone % 3 == 0:  # a central meridian written as 带号
        meridian = zone
        zone = meridian // 3 if width != 6 else (meridian + 3) // 6
        notes.append(f"带号={meridian} 是中央经线（central meridian），按第 {zone} 带处理")
    if width not in (None, 3, 6):
        raise CRSError(f"{where}: 几度分带={header.get('几度分带')} is neither 3 nor 6")
    unit = header.get("计量单位", "")
    if unit and unit not in ("米", "m", "M", "metre", "meter"):
        raise CRSError(f"{where}: 计量单位={unit}; only metres (米) are supported")
    projection = header.get("投影类型", "")
    if projection and "高斯" not in projection and "gauss" not in projection.lower():
        raise CRSError(f"{where}: 投影类型={projection}; only 高斯克吕格 is supported")
    fix = "Fix: write X (northing) first and Y (easting) second, or read with swap_xy=True."
    if (north >= 10_000_000).any():
        msg = (
            f"{where}: X and Y appear swapped: X (the northing, listed first) holds values like "
            f"{north.max():.3f}, an easting with a zone prefix. {fix}"
        )
        raise InputError(msg)
    seven_digit = (east >= 1_000_000) & (east < 10_000_000)
    if seven_digit.any():
        msg = (
            f"{where}: X and Y appear swapped: Y (the easting, listed second) holds values like "
            f"{east[seven_digit][0]:.3f}, which is a northing, not an easting. {fix}"
        )
        raise InputError(msg)
    prefixed = east >= 10_000_000
    if prefixed.any() and not prefixed.all():
        msg = (
            f"{where}: {int(prefixed.sum())} Y values carry a zone prefix and "
            f"{int((~prefixed).sum())} do not. Fix: write every Y with its zone prefix."
        )
        raise CRSError(msg)
    if prefixed.all():
        zones = np.unique(east // 1_000_000).astype(int)
        if len(zones) > 1:
            named = ", ".join(map(str, zones))
            raise CRSError(f"{where}: the Y prefixes name several zones ({named})")
        prefix_zone = int(zones[0])
        if zone is not None and zone != prefix_zone:
            msg = (
                f"{where}: the zone prefix of Y ({prefix_zone}) disagrees with 带号={zone}. "
                f"Fix: correct 带号 in [属性描述] or the eastings."
            )
            raise CRSError(msg)
        if zone is None:
            shown = "为空" if "带号" in header else "缺失"
            notes.append(f"带号{shown}，按 Y 坐标的带号前缀取第 {prefix_zone} 带")
        zone = prefix_zone
    elif zone is None:
        msg = (
            f"{where}: Y carries no zone prefix and [属性描述] gives no 带号, so the zone is "
            f"unknown. Fix: add 带号= (e.g. 带号=34 for Kunming) or write Y with its zone prefix."
        )
        raise CRSError(msg)
    else:
        notes.append(f"Y 坐标无带号前缀，按 [属性描述] 带号={zone} 定位")
    if width is None:
        width = 3 if zone in GK_ZONES[3] else 6
    if zone not in GK_ZONES[width]:
        first, last = GK_ZONES[width][0], GK_ZONES[width][-1]
        msg = (
            f"{where}: zone {zone} is not a {width}-degree zone (几度分带={width}: {first}–{last})"
        )
        raise CRSError(msg)
    return GKZone(datum, width, zone, bool(prefixed.all()))


@dataclass
class _Ring:
    number: str
    ids: list[str]
    points: list[tuple[float, float]]
    closed: bool = False


def _rings(parcel: _Parcel) -> list[_Ring]:
    """Split a parcel's points into rings (easting, northing), each open, with its point ids.

    A new ring starts when 圈号 changes, after a ring has closed on its first
    point, or when the first point number comes again at another place.
    """
    rings: list[_Ring] = []
    current_no, first_id, closed = None, None, True
    for _, point_id, ring_no, x, y in parcel.points:
        point = (y, x)
        restart = point_id == first_id and point != rings[-1].points[0]
        if closed or ring_no != current_no or restart:
            rings.append(_Ring(ring_no, [point_id], [point]))
            current_no, first_id, closed = ring_no, point_id, False
            continue
        ring = rings[-1]
        if len(ring.points) > 2 and point == ring.points[0]:
            ring.closed = closed = True
        else:
            ring.ids.append(point_id)
            ring.points.append(point)
    return rings


def _assemble(rings: list[_Ring]):
    """Polygon from rings, and the rings in its order.

    The first ring is an outer ring; a later one inside a part is its hole.
    """
    parts: list[tuple[_Ring, list[_Ring]]] = []
    for ring in rings:
        poly = Polygon(ring.points)
        host = None
        for shell, holes in parts:
            if Polygon(shell.points).covers(poly) and not any(
                Polygon(h.points).covers(poly) for h in holes
            ):
                host = holes
                break
        if host is None:
            parts.append((ring, []))
        else:
            host.append(ring)
    polygons = [Polygon(shell.points, [h.points for h in holes]) for shell, holes in parts]
    ordered = [ring for shell, holes in parts for ring in (shell, *holes)]
    return (polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)), ordered


def _duplicate_ids(ids: list[str | None], lines: list[int]) -> list[str]:
    """Notes naming each 地块编号 that several parcels share, by position and line in the file."""
    positions: dict[str, list[int]] = {}
    for position, pid in enumerate(ids):
        if pid is not None:
            positions.setdefault(pid, []).append(position)
    return [
        f"地块编号 {pid} 出现 {len(where)} 次：文件中第 {'、'.join(str(p + 1) for p in where)} "
        f"个地块（第 {'、'.join(str(lines[p]) for p in where)} 行），各作一个地块读入"
        for pid, where in positions.items()
        if len(where) > 1
    ]


def read_coordinate_txt(
    path,
    *,
    encoding: str | None = None,
    swap_xy: bool = False,
    rules: Mapping[str, object] | pd.DataFrame | None = None,
) -> gpd.GeoDataFrame:
    """Read a coordinate exchange TXT (界址点坐标交换格式) into parcels.

    Parameters
    ----------
    path : str or Path
        The file: GBK/GB18030 or UTF-8 (with or without BOM), CRLF or LF line
        ends, with or without a final newline.
    encoding : str, optional
        Force a text encoding (default: UTF-8 when the bytes are valid UTF-8,
        else GB18030, which covers GBK and GB2312).
    swap_xy : bool
        The file lists the easting first (a non-standard file); by default the
        swap is detected and raised as an error.
    rules : mapping or DataFrame, optional
        Overrides of the ``boundary`` table's declared-area tolerances
        (``txt_area_tolerance_ha``, ``txt_area_tolerance_rel``; see
        :mod:`landkit.standards`).

    Returns
    -------
    GeoDataFrame
        One row per parcel of ``[地块坐标]``, in file order: ``parcel_id``
        (地块编号), ``name`` (地块名称), ``sheet_no`` (图幅号), ``intended_use``
        (地块用途), ``land_use`` (地类编码), ``extra_fields`` (fields a local
        variant adds before ``@``, comma-joined), ``declared_area_ha``
        (地块面积), ``area_m2``, ``area_ha``, ``area_mu`` (planar in the file's
        zone), ``area_mismatch`` (declared and computed areas differ beyond the
        ``boundary`` rule table's tolerance), ``boundary_point_ids`` (the
        surveyed point numbers, ring by ring, see :mod:`landkit.rings`),
        geometry (in the file's vertex order; 圈号 1 the outer ring; a later
        ring inside an outer ring is a hole, otherwise another part).
        The CRS is the file's Gauss-Krüger zone: EPSG from 坐标系, 几度分带 and
        带号, with or without the zone prefix as the eastings are written.
        ``attrs["coordinate_txt"]`` keeps the ``[属性描述]`` and ``[项目信息]``
        entries and the encoding, so :func:`write_coordinate_txt` writes them
        back.

    Raises
    ------
    InputError
        Not an exchange file; X and Y swapped.
    CRSError
        Zone prefix and 带号 disagree; no prefix and no 带号; unknown 坐标系.

    Warns
    -----
    InputNotesWarning
        One per note: declared and computed areas differ; 界址点数 matches no
        count of the listed points; eastings without zone prefix; an empty or
        missing 带号, 分带 written as text; a ring that does not close; a
        地块编号 shared by several parcels (named by their position and line in
        the file); invalid rings.

    Examples
    --------
    >>> import tempfile, pathlib, landkit as lk
    >>> parks = lk.read_layer(lk.sample_data_path(), "parks")
    >>> txt = pathlib.Path(tempfile.mkdtemp()) / "parks.txt"
    >>> _ = write_coordinate_txt(parks.iloc[:2], txt)
    >>> parcels = read_coordinate_txt(txt)
    >>> parcels.crs.to_epsg(), len(parcels), bool(parcels["area_mismatch"].any())
    (4522, 2, False)
    """
    rules = standards.overrides(rules, _RULES)
    path = Path(path)
    where = str(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file. Fix: check the path.")
    text, used = _decode(path.read_bytes(), encoding, where)
    sections, parcels = _parse_txt(text, where)
    header = sections.get("属性描述", {})
    notes: list[str] = []
    xs = np.array([p[3] for parcel in parcels for p in parcel.points], dtype=float)
    ys = np.array([p[4] for parcel in parcels for p in parcel.points], dtype=float)
    if swap_xy:
        xs, ys = ys, xs
        parcels = [
            _Parcel(p.line_no, p.fields, [(n, i, r, y, x) for n, i, r, x, y in p.points])
            for p in parcels
        ]
    if len(xs) == 0:
        raise InputError(f"{where}: the parcels hold no points")
    zone = _file_zone(header, xs, ys, where, notes)
    rows, geoms, problems, lines = [], [], [], []
    for parcel in parcels:
        fields = parcel.fields + [""] * (8 - len(parcel.fields))
        label_ = fields[2] or fields[3] or f"line {parcel.line_no}"
        if fields[4] and fields[4] != "面":
            problems.append(f"{label_}: 记录图形属性={fields[4]} (only 面 parcels are read)")
            continue
        rings = _rings(parcel)
        short = [r for r in rings if len(set(r.points)) < 3]
        if not rings or short:
            problems.append(f"{label_}: a ring with fewer than 3 distinct points")
            continue
        geom, ordered = _assemble(rings)
        geoms.append(geom)
        notes.extend(
            f"地块 {label_} 第 {r.number} 圈未闭合（末点不回到首点 {r.ids[0]}），已按首点闭合"
            for r in rings
            if not r.closed
        )
        count = _int_in(fields[0])
        n_lines = len(parcel.points)
        distinct = sum(len(r.points) for r in rings)
        if count is not None and count not in (n_lines, n_lines - 1, distinct):
            notes.append(f"地块 {label_}：界址点数={count}，但列出 {n_lines} 个点")
        lines.append(parcel.line_no)
        area_text = _NUMBER.search(fields[1])
        rows.append(
            {
                "parcel_id": fields[2] or None,
                "name": fields[3] or None,
                "sheet_no": fields[5] or None,
                "intended_use": fields[6] or None,
                "land_use": fields[7] or None,
                "extra_fields": ",".join(fields[8:]) or None,
                "declared_area_ha": float(area_text.group()) if area_text else np.nan,
                POINT_IDS: format_point_ids([(r.number, r.ids) for r in ordered]),
            }
        )
    if problems:
        raise GeometryError(f"{where}: " + "; ".join(problems))
    notes.extend(_duplicate_ids([row["parcel_id"] for row in rows], lines))
    crs = pyproj.CRS.from_epsg(zone.epsg)
    out = gpd.GeoDataFrame(rows, geometry=geoms, crs=crs)
    invalid = ~shapely.is_valid(out.geometry.values)
    if invalid.any():
        notes.append(
            f"地块 {describe_ids(out.loc[invalid, 'parcel_id'])} 的界址线自相交或重叠，"
            f"图形无效；可用 landkit.geometry.repair 修复"
        )
    area = shapely.area(out.geometry.values)
    out["area_m2"] = area
    out["area_ha"] = m2_to_ha(area)
    out["area_mu"] = m2_to_mu(area)
    absolute = standards.get(_RULES, "txt_area_tolerance_ha", rules=rules).value
    relative = standards.get(_RULES, "txt_area_tolerance_rel", rules=rules).value
    declared = out["declared_area_ha"]
    allowed = np.maximum(absolute, relative * declared.abs())
    mismatch = declared.notna() & ((out["area_ha"] - declared).abs() > allowed + 1e-12)
    out["area_mismatch"] = mismatch
    if mismatch.any():
        listed = out.loc[mismatch, ["parcel_id", "declared_area_ha", "area_ha"]].head(5)
        shown = "；".join(
            f"{pid}：申报 {d:.4f} 公顷，计算 {c:.4f} 公顷"
            for pid, d, c in listed.itertuples(index=False)
        )
        notes.append(f"地块面积与坐标计算的面积不符（{shown}）")
    for note in notes:
        text = f"{where}：{note}"  # the notes are written in Chinese
        warnings.warn(InputNotesWarning.said(text, text), stacklevel=2)
    areas = ["declared_area_ha", "area_m2", "area_ha", "area_mu", "area_mismatch"]
    out = out[[*_TXT_COLUMNS, *areas, POINT_IDS, "geometry"]]
    out.attrs["coordinate_txt"] = {
        "header": dict(header),
        "project": dict(sections.get("项目信息", {})),
        "encoding": used,
        "notes": notes,
    }
    out.attrs["landkit_source"] = {
        "path": where,
        "layer": None,
        "encoding": used,
        "crs": f"EPSG:{zone.epsg}",
    }
    return out


def target_zone(gdf: gpd.GeoDataFrame, crs) -> GKZone:
    """The (prefixed) zone a file is written in: the given CRS, the layer's own, or its centre's."""
    if crs is not None:
        zone = gk_zone(crs)
        if zone is None:
            msg = f"crs={crs!r} is not a Gauss-Krüger zone of CGCS2000, Xian 1980 or Beijing 1954"
            raise CRSError(msg)
        return zone.with_prefix()
    own = gk_zone(gdf.crs)
    if own is not None and area_crs(gdf).equals(pyproj.CRS(gdf.crs)):
        return own.with_prefix()
    to_lonlat = pyproj.Transformer.from_crs(gdf.crs, CGCS2000, always_xy=True)
    west, _, east, _ = to_lonlat.transform_bounds(*gdf.total_bounds)
    return gk_zone(gk_zone_crs((west + east) / 2, prefix=True))


def _field(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    return str(value).strip()


def write_coordinate_txt(
    gdf: gpd.GeoDataFrame,
    path,
    *,
    encoding: str = "gbk",
    newline: str = "\r\n",
    crs=None,
    id_col: str | None = None,
    name_col: str | None = None,
    header: Mapping[str, str] | None = None,
    project: Mapping[str, str] | None = None,
) -> Path:
    """Write polygons as a coordinate exchange TXT (界址点坐标交换格式).

    Parameters
    ----------
    gdf : GeoDataFrame
        Polygons in any CRS. They are written in their own Gauss-Krüger zone
        when the layer is in one that contains it, else in the CGCS2000
        3-degree zone of the layer's centroid, always with the zone prefix on
        Y (the easting).
    path : str or Path
        The file, written atomically.
    encoding : {"gbk", "gb18030", "utf-8", "utf-8-sig"}
        GBK is what desktop land software reads.
    newline : {"\\r\\n", "\\n"}
        Line ends; the file ends with one.
    crs : optional
        Write in this Gauss-Krüger zone instead (e.g. ``"EPSG:4522"``).
    id_col : str, optional
        The column written as 地块编号; default ``parcel_id``, else ``park_id``
        (canonical or recognised: 宗地编号, 园区代码 …), else 1, 2, ….
    name_col : str, optional
        The column written as 地块名称; default ``name`` (canonical or
        recognised: 开发区名称, 宗地名称 …).
    header : mapping, optional
        ``[属性描述]`` entries (数据产生单位, 数据产生日期 …) over those kept in
        ``gdf.attrs`` by :func:`read_coordinate_txt` and the defaults
        (格式版本号=1.01版本, 精度=0.001, 数据产生日期=today). 坐标系, 几度分带,
        投影类型, 计量单位 and 带号 always follow the CRS written.
    project : mapping, optional
        ``[项目信息]`` entries; also taken from ``gdf.attrs``.

    Notes
    -----
    Each parcel line is ``界址点数,地块面积,地块编号,地块名称,面,图幅号,地块用途,地类编码,@``
    (the columns ``sheet_no``, ``intended_use``, ``land_use`` and
    ``extra_fields`` when present). 地块面积 is the planar area of the written
    coordinates in 公顷 to 4 decimals; 界址点数 counts the point lines. Points
    keep the numbers and order of a boundary read from a TXT, else follow
    :func:`landkit.rings.numbered_rings` (J1 north-west, outer rings clockwise,
    each ring closed, 圈号 1, 2 … for the outer ring, holes and further
    parts); X (northing) first, coordinates to 3 decimals.

    Examples
    --------
    >>> import tempfile, pathlib, landkit as lk
    >>> parks = lk.read_layer(lk.sample_data_path(), "parks")
    >>> txt = write_coordinate_txt(parks.iloc[[0]], pathlib.Path(tempfile.mkdtemp()) / "p.txt")
    >>> txt.read_bytes().decode("gbk").splitlines()[0]
    '[属性描述]'
    """
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise InputError(f"write_coordinate_txt takes a GeoDataFrame, got {type(gdf).__name__}")
    if newline not in ("\r\n", "\n"):
        raise InputError(f"newline must be '\\r\\n' or '\\n', got {newline!r}")
    require_crs(gdf, layer="write_coordinate_txt")
    if gdf.empty:
        raise InputError("write_coordinate_txt: the layer has no rows")
    geoms = gdf.geometry.values
    bad = is_absent(geoms) | ~is_polygonal(geoms)
    bad |= ~bad & ~shapely.is_valid(geoms)
    if bad.any():
        msg = (
            f"write_coordinate_txt: rows {describe_ids(gdf.index[bad])} have no geometry, are not "
            f"polygons or are invalid. Fix: drop them or repair them (landkit.geometry.repair)."
        )
        raise GeometryError(msg)
    zone = target_zone(gdf, crs)
    projected = gdf.geometry.to_crs(zone.epsg).values
    id_col = id_col or feature_id_column(gdf)
    name_col = name_col or feature_name_column(gdf)
    for option, column in (("id_col", id_col), ("name_col", name_col)):
        if column is not None and column not in gdf.columns:
            raise InputError(f"write_coordinate_txt: no column {column!r} ({option})")
    kept = gdf.attrs.get("coordinate_txt", {})
    entries = {
        "格式版本号": "1.01版本",
        "数据产生单位": "",
        "数据产生日期": dt.date.today().isoformat(),
        "精度": "0.001",
        "转换参数": ",,,,,,",
        **kept.get("header", {}),
        **(header or {}),
        "坐标系": DATUM_NAMES_ZH[zone.datum],
        "几度分带": str(zone.width),
        "投影类型": "高斯克吕格",
        "计量单位": "米",
        "带号": str(zone.zone),
    }
    project = {**kept.get("project", {}), **(project or {})}
    lines = []
    if project:
        lines.append("[项目信息]")
        lines.extend(f"{k}={v}" for k, v in project.items())
    lines.append("[属性描述]")
    lines.extend(f"{k}={entries[k]}" for k in _HEADER_KEYS)
    lines.extend(f"{k}={v}" for k, v in entries.items() if k not in _HEADER_KEYS)
    lines.append("[地块坐标]")
    unsafe = []
    for position, geom in enumerate(projected):
        row = gdf.iloc[position]
        rings, area = numbered_rings(geom, row.get(POINT_IDS))
        points = [
            f"{pid},{ring_no},{north:.3f},{east:.3f}"
            for ring_no, ids, coords in rings
            for pid, (east, north) in [*zip(ids, coords, strict=True), (ids[0], coords[0])]
        ]
        values = [
            _field(row[id_col]) if id_col else str(position + 1),
            _field(row[name_col]) if name_col else "",
            _field(row.get("sheet_no")),
            _field(row.get("intended_use")),
            _field(row.get("land_use")),
        ]
        extra = _field(row.get("extra_fields"))
        if any(c in v for v in values for c in ",@\r\n") or any(c in extra for c in "@\r\n"):
            unsafe.append(gdf.index[position])
        head = [str(len(points)), f"{m2_to_ha(area):.4f}", values[0], values[1], "面", *values[2:]]
        if extra:
            head.append(extra)
        lines.append(",".join(head) + ",@")
        lines.extend(points)
    if unsafe:
        msg = (
            f"write_coordinate_txt: rows {describe_ids(unsafe)} hold a comma, '@' or a line "
            f"break in a text field, which the format cannot carry. Fix: replace them (e.g. '，')."
        )
        raise InputError(msg)
    text = newline.join(lines) + newline
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError as err:
        bad_text = text[err.start : err.end]
        msg = f"write_coordinate_txt: {bad_text!r} cannot be written in {encoding}. "
        msg += "Fix: encoding='utf-8'."
        raise InputError(msg) from err
    except LookupError as err:
        raise InputError(f"write_coordinate_txt: unknown encoding {encoding!r}") from err
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return path
