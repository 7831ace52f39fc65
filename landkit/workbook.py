"""Excel workbooks an official can forward: the one writer of every ``.xlsx`` landkit makes.

:func:`write_workbook` takes result tables with landkit's English column names
and writes each as a sheet laid out for reading and printing:

* row 1 the title, row 2 the as-of date and the run date, row 3 the Chinese
  headers with units (:func:`landkit.labels.column_label`), the data below;
* codes and yes/no values by their Chinese names
  (:func:`landkit.labels.value_label`), land-use codes with their names;
* numbers stay numbers, with formats that fit the column: years as ``2025``,
  money (万元) and areas to 2 decimals, hectares to 4, X/Y to 3, fractions
  and their thresholds as percentages, counts and days as integers; dates
  are dates;
* a column of English notes or field names with a Chinese counterpart
  (``reason`` beside ``reason_zh``, ``missing_fields`` beside
  ``missing_fields_zh``) is shown by its counterpart only;
* the park's and the parcel's name beside their ids (looked up in any sheet
  or table given that has both);
* a frozen header and id columns, a filter, column widths fitted to Chinese
  text, A4 landscape print set-up fitted to the page width with the header
  repeated on every page and page numbers in the footer;
* text that a spreadsheet would read as a formula (beginning with ``=``,
  ``+``, ``-``, ``@``, tab or carriage return) is stored as text;
* a ``来源`` sheet: the title, the as-of date, the run time in China time
  (Asia/Shanghai) and the provenance of every table, in Chinese.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from .errors import InputError
from .io import atomic_path, keep_text
from .labels import column_label, is_fraction, label, value_label
from .provenance import KEY as PROVENANCE_KEY

__all__ = ["CHINA_TIME", "add_source_sheet", "cell_format", "page_setup", "write_workbook"]

CHINA_TIME = ZoneInfo("Asia/Shanghai")
"""The time zone run times are shown in."""

HEADER_ROW = 3
"""The row of the column headers; rows 1 and 2 hold the title and the dates."""

_NAME_COLUMNS = {"park_id": "park_name", "parcel_id": "parcel_name"}
_MAX_WIDTH = 48


CREATOR = "landkit"
"""The creator property of every workbook landkit writes."""

# ------------------------------------------------------------------ values and formats


def _is_year(column: str) -> bool:
    return column in ("year", "edition") or column.endswith(("_year", "_edition"))


def cell_format(column: str, value: object) -> str | None:
    """The Excel number format of a number or date in a column (None for text).

    Examples
    --------
    >>> cell_format("year", 2025), cell_format("idle_fee_wan_yuan", 20.0)
    ('0', '#,##0.00')
    >>> cell_format("leading_share_target", 0.8), cell_format("x_m", 3353315.388)
    ('0.0%', '0.000')
    """
    if isinstance(value, dt.date):
        return "yyyy-mm-dd"
    if _is_year(column) or column.startswith(("days", "n_")) or column.endswith("_count"):
        return "0"
    if is_fraction(column):
        return "0.0%"
    if column in ("x_m", "y_m"):
        return "0.000"
    if column.endswith("_ha"):
        return "#,##0.0000"
    if isinstance(value, int | np.integer):
        return "0"
    return "#,##0.00"


def _value(column: str, value: object) -> object:
    """What an Excel cell holds for a value: a number, a date, text or None."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_):
        return value_label(column, bool(value))
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, pd.Timedelta):
        return value.days
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return None
        if _is_year(column) and float(value).is_integer():
            return int(value)
        return float(value)
    text = value_label(column, value)
    return text if text else None


def _width(value: object) -> int:
    """Display width of a value: Chinese characters count twice."""
    if value is None:
        return 0
    if isinstance(value, float):
        return len(f"{value:,.2f}")
    if isinstance(value, dt.date):
        return 10
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(value))


# ------------------------------------------------------------------ names beside ids


def _name_lookups(tables: Iterable[pd.DataFrame | None]) -> dict[str, dict]:
    """Park and parcel names by id, from every table that has an id and a name."""
    found: dict[str, dict] = {"park_id": {}, "parcel_id": {}}
    for table in tables:
        if table is None:
            continue
        columns = set(table.columns)
        for key, name in _NAME_COLUMNS.items():
            source = name if name in columns else None
            owner = "parcel_id" if "parcel_id" in columns else "park_id"
            if source is None and "name" in columns and key == owner:
                source = "name"
            if source and key in columns:
                pairs = table[[key, source]].dropna().drop_duplicates(key)
                for ident, text in zip(pairs[key], pairs[source], strict=True):
                    found[key].setdefault(str(ident), str(text))
    return found


def _with_names(table: pd.DataFrame, lookups: Mapping[str, dict]) -> pd.DataFrame:
    """The table with ``park_name``/``parcel_name`` right after their ids, ``name`` placed there."""
    table = table.copy()
    if "name" in table.columns:
        owner = "parcel_id" if "parcel_id" in table.columns else "park_id"
        if owner in table.columns and _NAME_COLUMNS[owner] not in table.columns:
            table = table.rename(columns={"name": _NAME_COLUMNS[owner]})
    order = [col for col in table.columns if col not in _NAME_COLUMNS.values()]
    for key, name in _NAME_COLUMNS.items():
        if key not in table.columns:
            continue
        if name not in table.columns and lookups.get(key):
            looked_up = table[key].astype(str).map(lookups[key])
            if looked_up.notna().any():
                table[name] = looked_up
        if name in table.columns:
            order.insert(order.index(key) + 1, name)
    return table[order]


#: English note columns → their Chinese counterparts, shown in their place
_CHINESE_TWINS = {"reason": "reason_zh", "missing_fields": "missing_fields_zh"}


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """A DataFrame without geometry, a named index made a column, Chinese notes only."""
    table = pd.DataFrame(frame)
    if table.index.name is not None and table.index.name not in table.columns:
        table = table.reset_index()
    geometry = {"geometry", getattr(frame, "_geometry_column_name", None)}
    table = table.drop(columns=[col for col in table.columns if col in geometry])
    for english, chinese in _CHINESE_TWINS.items():
        if english in table.columns and chinese in table.columns:
            table = table.drop(columns=english)
    table.columns = [str(col) for col in table.columns]
    return table.reset_index(drop=True)


# ------------------------------------------------------------------ sheets


def _styles():
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="999999")
    return {
        "title": Font(bold=True, size=14),
        "note": Font(size=9, color="555555"),
        "header": Font(bold=True),
        "fill": PatternFill("solid", fgColor="DDEBF7"),
        "wrap": Alignment(wrap_text=True, vertical="center", horizontal="center"),
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
    }


def page_setup(sheet, header_row: int, *, landscape: bool = True) -> None:
    """A4 print set-up: fitted to the page width, ``header_row`` repeated, page numbers."""
    from openpyxl.worksheet.properties import PageSetupProperties

    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"


def _set(cell, value: object, column: str) -> None:
    """Put a value in a cell; text that looks like a formula stays text."""
    cell.value = value
    if isinstance(value, str):
        keep_text(cell)
    elif value is not None:
        cell.number_format = cell_format(column, value) or "General"


def _write_sheet(book, name: str, table: pd.DataFrame, heading: tuple[str, str]) -> None:
    from openpyxl.utils import get_column_letter

    style = _styles()
    sheet = book.create_sheet(name)
    columns = list(table.columns)
    span = max(len(columns), 1)
    title, note = heading
    sheet.cell(1, 1, title).font = style["title"]
    sheet.cell(2, 1, note).font = style["note"]
    if span > 1:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=span)
        sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=span)
    widths = []
    for position, column in enumerate(columns, start=1):
        header = sheet.cell(HEADER_ROW, position, column_label(column))
        header.font, header.fill = style["header"], style["fill"]
        header.alignment, header.border = style["wrap"], style["border"]
        widths.append(min(_width(header.value), 24))
    for row_number, row in enumerate(table.itertuples(index=False, name=None), start=HEADER_ROW + 1):
        for position, (value, column) in enumerate(zip(row, columns, strict=True), start=1):
            shown = _value(column, value)
            _set(sheet.cell(row_number, position), shown, column)
            widths[position - 1] = max(widths[position - 1], _width(shown))
    for position, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = max(8, min(_MAX_WIDTH, width + 2))
    sheet.row_dimensions[HEADER_ROW].height = 32
    ids = {"park_id", "park_name", "parcel_id", "parcel_name"}
    frozen = next((i for i, column in enumerate(columns) if column not in ids), len(columns))
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, frozen + 1).coordinate
    if columns:
        last = get_column_letter(len(columns))
        sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{HEADER_ROW + max(len(table), 1)}"
    page_setup(sheet, HEADER_ROW)


def _provenance_key(key: str) -> str:
    """A provenance key in Chinese: ``input.parcels`` → 输入数据：宗地."""
    head, *rest = key.split(".")
    if head == "input" and rest:
        return "输入数据：" + " ".join(label(part) for part in rest)
    return "：".join(label(part) for part in (head, *rest))


def _provenance_value(key: str, value: object) -> str:
    """A provenance value for reading: run times in China time, codes by their names."""
    text = str(value)
    if key == "run_time":
        try:
            return _china(dt.datetime.fromisoformat(text))
        except ValueError:
            return text
    if text in ("", "None", "nan"):
        return "无"
    if key.startswith("input.") and text == "in memory":
        return "程序内传入的数据"
    return value_label(key, text)


def _as_of_text(as_of: object) -> str:
    """An as-of date as it reads on paper: ``2026-11-01`` (a time only where one is given)."""
    stamp = pd.Timestamp(as_of)
    return stamp.date().isoformat() if stamp == stamp.normalize() else str(stamp)


def _china(when: dt.datetime) -> str:
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(CHINA_TIME).strftime("%Y-%m-%d %H:%M:%S（北京时间）")


def _source_table(
    title: str,
    as_of: object,
    now: dt.datetime,
    records: Mapping[str, Mapping[str, object]],
    notes: Mapping[str, object] | None,
) -> pd.DataFrame:
    rows = [("本工作簿", "标题", title)]
    if as_of is not None:
        rows.append(("本工作簿", "数据截至", _as_of_text(as_of)))
    rows.append(("本工作簿", "制表时间", _china(now)))
    for key, value in (notes or {}).items():
        rows.append(("本工作簿", label(str(key)), str(value)))
    for sheet, record in records.items():
        for key, value in record.items():
            rows.append((sheet, _provenance_key(str(key)), _provenance_value(str(key), value)))
    return pd.DataFrame(rows, columns=["工作表", "项目", "内容"])


def add_source_sheet(
    book,
    title: str,
    records: Mapping[str, Mapping[str, object]],
    *,
    as_of: object = None,
    notes: Mapping[str, object] | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Add the ``来源`` sheet: title, as-of date, run time (China time) and provenance records.

    ``records`` maps a sheet name to its provenance record
    (:func:`landkit.provenance.provenance`); keys and codes are written in Chinese.
    """
    now = now or dt.datetime.now(dt.UTC)
    note = f"制表时间 {_china(now)}"
    source = _source_table(title, as_of, now, records, notes)
    _write_sheet(book, "来源", source, (f"{title}——来源", note))
    book.properties.creator = CREATOR


def is_landkit_workbook(path) -> bool:
    """Whether an ``.xlsx`` file is a workbook landkit wrote for people to read (not data).

    Examples
    --------
    >>> import tempfile, pathlib, pandas as pd
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "t.xlsx"
    >>> is_landkit_workbook(write_workbook({"表": pd.DataFrame({"a": [1]})}, out, title="t"))
    True
    """
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return False  # not a workbook at all: the reader that follows says so
    try:
        return book.properties.creator == CREATOR
    finally:
        book.close()


def write_workbook(
    sheets: Mapping[str, pd.DataFrame],
    target,
    *,
    title: str,
    as_of: object = None,
    names: Iterable[pd.DataFrame] = (),
    notes: Mapping[str, object] | None = None,
) -> Path:
    """Write result tables as a workbook an official can read, print and forward.

    Parameters
    ----------
    sheets : mapping of str to DataFrame
        Sheet name (Chinese) → table with landkit's column names; a named
        index becomes the first column, geometry is left out. Each table's
        ``attrs["landkit_provenance"]`` goes to the ``来源`` sheet.
    target : str or Path
        The ``.xlsx`` file; written whole under a temporary name, then renamed.
    title : str
        The title printed above every sheet (the sheet name is added).
    as_of : date or str, optional
        The date the findings hold for, printed under the title.
    names : iterable of DataFrame
        Further tables to look park and parcel names up in (``park_id`` or
        ``parcel_id`` with ``name``); the sheets themselves are used too.
    notes : mapping, optional
        Further items for the ``来源`` sheet (label → text).

    Returns
    -------
    Path
        The workbook written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import openpyxl, pandas as pd
    >>> table = pd.DataFrame({"park_id": ["K1"], "year": [2025], "level": ["national"],
    ...                       "yellow_card": [False], "idle_fee_wan_yuan": [12.5]})
    >>> parks = pd.DataFrame({"park_id": ["K1"], "name": ["甲园区"]})
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "a.xlsx"
    >>> book = openpyxl.load_workbook(write_workbook({"考核": table}, out, title="园区考核",
    ...                                              as_of="2025-06-30", names=[parks]))
    >>> [c.value for c in book["考核"][4]]
    ['K1', '甲园区', 2025, '国家级', '否', 12.5]
    >>> book["考核"]["C4"].number_format, book.sheetnames
    ('0', ['考核', '来源'])
    """
    from openpyxl import Workbook

    target = Path(target)
    if target.suffix.lower() != ".xlsx":
        msg = f"workbook: {target} is not an .xlsx file. Fix: name the workbook *.xlsx."
        raise InputError(msg)
    if not sheets:
        msg = "workbook: no sheets to write. Fix: pass at least one table."
        raise InputError(msg)
    now = dt.datetime.now(dt.UTC)
    tables = {name: _plain(frame) for name, frame in sheets.items()}
    lookups = _name_lookups([*tables.values(), *(_plain(f) for f in names)])
    dated = f"数据截至 {_as_of_text(as_of)}；" if as_of is not None else ""
    note = f"{dated}制表时间 {_china(now)}；面积、金额等单位见表头"
    book = Workbook()
    book.remove(book.active)
    for name, table in tables.items():
        _write_sheet(book, name, _with_names(table, lookups), (f"{title}——{name}", note))
    records = {
        name: frame.attrs[PROVENANCE_KEY]
        for name, frame in sheets.items()
        if isinstance(getattr(frame, "attrs", {}).get(PROVENANCE_KEY), Mapping)
    }
    add_source_sheet(book, title, records, as_of=as_of, notes=notes, now=now)
    with atomic_path(target) as tmp:
        book.save(tmp)
    return target
