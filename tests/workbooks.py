"""Reading landkit workbooks cell by cell, as an official's spreadsheet program would."""

from __future__ import annotations

import re

HEADER_ROW = 3
CODE = re.compile(r"^[a-z][a-z0-9_]*(;\s*[a-z][a-z0-9_]*)*$")
"""An English code or raw field name (``not_started_1y``, ``area_m2``)."""
CJK = re.compile(r"[\u4e00-\u9fff]")
YEAR_HEADERS = ("年度", "年份", "版本")


def rows(sheet) -> list[list]:
    """The header row and the rows below it."""
    return [list(row) for row in sheet.iter_rows(min_row=HEADER_ROW, values_only=True)]


def records(sheet) -> list[dict]:
    header, *body = rows(sheet)
    return [dict(zip(header, row, strict=True)) for row in body]


def column(sheet, header: str) -> list:
    """The cells of the column headed ``header``, below the header."""
    names = [cell.value for cell in sheet[HEADER_ROW]]
    position = names.index(header) + 1
    return [sheet.cell(row, position) for row in range(HEADER_ROW + 1, sheet.max_row + 1)]


def problems(book) -> list[str]:
    """What an official would find wrong in a workbook; empty when it is fit to forward."""
    found = []
    if book.sheetnames[-1] != "来源":
        found.append("no 来源 sheet at the end")
    for sheet in book.worksheets:
        where = sheet.title
        if not (isinstance(sheet["A1"].value, str) and CJK.search(sheet["A1"].value)):
            found.append(f"{where}: no Chinese title in A1")
        header = [cell.value for cell in sheet[HEADER_ROW]]
        for name in header:
            if not isinstance(name, str) or not CJK.search(name):
                found.append(f"{where}: header {name!r} is not Chinese")
        for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
            for cell in row:
                if cell.data_type == "f":
                    found.append(f"{where}!{cell.coordinate}: formula {cell.value!r}")
                value = cell.value
                if isinstance(value, str) and CODE.match(value) and sheet.title != "来源":
                    found.append(f"{where}!{cell.coordinate}: English code {value!r}")
                if isinstance(value, str) and value.lower() in ("true", "false", "nan", "none"):
                    found.append(f"{where}!{cell.coordinate}: raw value {value!r}")
                name = header[cell.column - 1] if cell.column <= len(header) else ""
                year = isinstance(name, str) and any(word in name for word in YEAR_HEADERS)
                if isinstance(value, int | float) and year and cell.number_format != "0":
                    found.append(f"{where}!{cell.coordinate}: year as {cell.number_format}")
        for ident, name in (("园区编号", "园区名称"), ("宗地编号", "宗地名称")):
            if ident in header and name not in header and header.count(ident) == 1:
                position = header.index(ident)
                if sheet.max_row > HEADER_ROW and header[position + 1 : position + 2] != [name]:
                    found.append(f"{where}: {ident} without {name} beside it")
        if sheet.freeze_panes is None or int(re.sub(r"\D", "", sheet.freeze_panes)) != 4:
            found.append(f"{where}: header not frozen ({sheet.freeze_panes})")
        if sheet.print_title_rows != f"${HEADER_ROW}:${HEADER_ROW}":
            found.append(f"{where}: header not repeated on printed pages")
    return found
