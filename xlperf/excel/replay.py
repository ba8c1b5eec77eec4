"""Run the Excel entry points without Excel: a workbook file as the JSON an xlwings client
sends, and the actions xlwings' remote engine returns applied back to the file.

xlwings' remote engine (``xlwings.Book(json=payload)``) works on a description of the
workbook (sheet names, cell values, tables, names, the selection) and records everything
written to it as a list of actions (``book.json()["actions"]``) for the client to apply.
:func:`payload` builds that description from an ``.xlsx`` file as Office's client does;
:func:`replay` applies the actions to the same file with openpyxl, as Excel would. The
tests use both to prove that a button's Python writes the same cells ``xlperf build`` does.
"""

from __future__ import annotations

import datetime as dt
import re
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table, TableStyleInfo

CLIENT = "Office.js"
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?Z?)?$")


def _json_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(value, dt.date):
        return f"{value.isoformat()}T00:00:00.000Z"
    if isinstance(value, dt.time):
        return value.isoformat()
    return value


def _a1(first_row: int, first_col: int, last_row: int, last_col: int) -> str:
    return (f"${get_column_letter(first_col)}${first_row}:"
            f"${get_column_letter(last_col)}${last_row}")


def payload(path: Path, selection: str = "A1", active_sheet: str | None = None,
            name: str | None = None) -> dict[str, Any]:
    """The JSON a client sends for the workbook ``path``: values from A1 to the last used
    cell of each sheet (formulas as their saved values), tables, names and the selection."""
    import xlwings  # noqa: PLC0415

    book = load_workbook(path, data_only=True)
    sheets = []
    for sheet in book.worksheets:
        values = [[_json_value(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        tables = []
        for table in sheet.tables.values():
            first, _, last = table.ref.partition(":")
            r1, c1 = _split(first)
            r2, c2 = _split(last or first)
            body_last = max(r2, r1 + 1)
            tables.append({
                "name": table.displayName,
                "range_address": _a1(r1, c1, body_last, c2),
                "header_row_range_address": _a1(r1, c1, r1, c2),
                "data_body_range_address": _a1(r1 + 1, c1, body_last, c2),
                "total_row_range_address": None,
                "show_headers": True,
                "show_totals": False,
                "table_style": table.tableStyleInfo.name if table.tableStyleInfo else None,
                "show_autofilter": True,
            })
        sheets.append({
            "name": sheet.title, "values": values or [[]], "pictures": [], "shapes": [],
            "charts": [], "notes": [], "tables": tables, "visibility": "Visible",
            "print_area": None, "show_gridlines": True, "pivot_tables": [],
        })
    names = []
    for defined_name, defined in book.defined_names.items():
        for sheet_name, coordinate in defined.destinations:
            if sheet_name in book.sheetnames:
                names.append({"name": defined_name,
                              "sheet_index": book.sheetnames.index(sheet_name),
                              "address": coordinate, "scope_sheet_name": None,
                              "scope_sheet_index": None, "book_scope": True})
    active = book.sheetnames.index(active_sheet) if active_sheet else 0
    return {
        "client": CLIENT,
        "version": xlwings.__version__,
        "book": {"name": name or Path(path).name, "active_sheet_index": active,
                 "selection": selection},
        "names": names,
        "sheets": sheets,
    }


def _split(ref: str) -> tuple[int, int]:
    letters, row = coordinate_from_string(ref.replace("$", ""))
    return row, column_index_from_string(letters)


@dataclass
class Replayed:
    """The workbook after the actions, and what the user was shown."""

    book: Any
    alerts: list[str] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)


def _cell_value(value: Any, text_format: bool) -> Any:
    """What Excel stores when a client writes ``value`` (as Office.js does with values)."""
    if value == "" or value is None:
        return None
    if isinstance(value, str):
        if value.startswith("=") and not text_format:
            return value
        if text_format:
            return value
        match = _ISO.match(value)
        if match:  # Excel reads an ISO date written as text as a date
            return dt.datetime(*[int(p) if p else 0 for p in match.groups()])
        return value
    return value


def _cells(sheet: Any, action: dict[str, Any]) -> list[Any]:
    r0, c0 = action["start_row"] + 1, action["start_column"] + 1
    return [sheet.cell(r0 + i, c0 + j)
            for i in range(action["row_count"]) for j in range(action["column_count"])]


def replay(path: Path, actions: list[dict[str, Any]]) -> Replayed:
    """Apply remote-engine ``actions`` to the workbook ``path`` (a fresh openpyxl copy)."""
    book = load_workbook(path)
    done = Replayed(book)
    for action in actions:
        func, args = action["func"], action.get("args") or []
        position = action.get("sheet_position")
        sheet = book.worksheets[position] if position is not None else None
        if func == "addSheet":
            book.create_sheet(args[1], args[0])
        elif func == "sheetDelete":
            book.remove(sheet)
        elif func in ("sheetClear", "sheetClearContents"):
            for row in list(sheet.iter_rows()):
                for cell in row:
                    cell.value = None
                    if func == "sheetClear":
                        cell.style = "Normal"
                        cell.hyperlink = None
                        cell.comment = None
        elif func in ("setValues", "setFormula"):
            values = action["values"]
            r0, c0 = action["start_row"] + 1, action["start_column"] + 1
            for i, row in enumerate(values):
                for j, value in enumerate(row):
                    cell = sheet.cell(r0 + i, c0 + j)
                    cell.value = _cell_value(value, cell.number_format == "@")
        elif func == "setNumberFormat":
            for cell in _cells(sheet, action):
                cell.number_format = args[0]
        elif func == "setRangeColor":
            for cell in _cells(sheet, action):
                cell.fill = PatternFill("solid", fgColor=args[0].lstrip("#")) if args[0] \
                    else PatternFill()
        elif func == "setFontProperty":
            prop, value = args[0], args[1]
            key = {"color": "color", "bold": "b", "italic": "i", "size": "sz",
                   "name": "name"}[prop]
            for cell in _cells(sheet, action):
                font = copy(cell.font)
                setattr(font, key, value.lstrip("#") if prop == "color" else value)
                cell.font = font
        elif func == "setWrapText":
            for cell in _cells(sheet, action):
                cell.alignment = Alignment(**{**_alignment(cell), "wrap_text": bool(args[0])})
        elif func in ("setHorizontalAlignment", "setVerticalAlignment"):
            key = "horizontal" if func == "setHorizontalAlignment" else "vertical"
            value = {"Center": "center", "Left": "left", "Right": "right", "Top": "top",
                     "Bottom": "bottom", "General": "general"}.get(args[0], args[0].lower())
            for cell in _cells(sheet, action):
                cell.alignment = Alignment(**{**_alignment(cell), key: value})
        elif func == "setBorderProperty":
            side = Side(style="thin", color="BFBFBF")
            for cell in _cells(sheet, action):
                cell.border = Border(left=side, right=side, top=side, bottom=side)
        elif func == "setColumnWidth":
            for j in range(action["column_count"]):
                letter = get_column_letter(action["start_column"] + 1 + j)
                sheet.column_dimensions[letter].width = args[0]
        elif func == "addHyperlink":
            cell = sheet.cell(action["start_row"] + 1, action["start_column"] + 1)
            address, text, tip = args[0], args[1], args[2]
            if address.startswith("#"):
                cell.hyperlink = Hyperlink(ref=cell.coordinate, location=address[1:],
                                           tooltip=tip)
            else:
                cell.hyperlink = address
            cell.value = text
        elif func == "addNote":
            cell = sheet.cell(action["start_row"] + 1, action["start_column"] + 1)
            cell.comment = Comment(args[1], "xlperf")
        elif func == "addTable":
            address, _has_headers, style, name = args[0], args[1], args[2], args[3]
            table = Table(displayName=name, ref=address.replace("$", ""))
            table.tableStyleInfo = TableStyleInfo(name=style, showRowStripes=False)
            sheet.add_table(table)
        elif func == "namesAdd":
            book.defined_names[args[0]] = DefinedName(args[0], attr_text=args[1].lstrip("="))
        elif func == "nameDelete":
            if args and args[0] in book.defined_names:
                del book.defined_names[args[0]]
        elif func == "alert":
            done.alerts.append(args[0])
        elif func == "activateSheet":
            book.active = args[0]
        elif func in ("setSheetAutofit", "setAutofit", "setScreenUpdating", "calculate"):
            pass  # layout only: nothing to check without Excel
        else:
            done.unsupported.append(func)
    return done


def _alignment(cell: Any) -> dict[str, Any]:
    a = cell.alignment
    return {"horizontal": a.horizontal, "vertical": a.vertical, "wrap_text": a.wrap_text}
