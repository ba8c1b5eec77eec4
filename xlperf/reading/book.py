"""Read the input tables of a workbook open in Excel (an xlwings ``Book``).

The tables are read into the same :class:`~xlperf.reading.xlsx.RawWorkbook` the file reader
produces, with the same value rules (blank is None, whole numbers are ints, dates at
midnight are dates, Excel errors are :class:`CellError`), and then validated and turned into
a Dataset by the very code that checks files (:func:`xlperf.reading.pipeline.load_raw`). So a
button in Excel reports exactly the problems ``xlperf validate`` reports for the saved file.

What a live workbook cannot have is not looked for: package-level problems (zip bombs,
encryption) and formulas without a calculated value. Hidden rows and merged cells are read
where the engine can tell (desktop Excel); the xlwings remote engine cannot, so they are
skipped there.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from .. import codes
from ..a1 import column_letter
from ..problems import Problem
from .pipeline import Loaded, load_raw
from .xlsx import CellError, RawTable, RawWorkbook, SheetScan, split_ref

#: The error values Excel shows in cells (read as text with xlwings' ``err_to_str``).
EXCEL_ERRORS = frozenset({
    "#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#DATA!", "#SPILL!",
    "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
})


def normalise(value: Any) -> Any:
    """An xlwings value as the file reader gives it."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value in EXCEL_ERRORS:
        return CellError(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return value


def _grid(rng: Any) -> list[list[Any]]:
    values = rng.options(ndim=2, err_to_str=True).value
    return [[normalise(v) for v in row] for row in values or []]


def _bounds(address: str) -> tuple[int, int, int, int]:
    """``$B$4:$F$9`` -> (first row, first col, last row, last col)."""
    first, _, last = address.replace("$", "").partition(":")
    r1, c1 = split_ref(first)
    r2, c2 = split_ref(last or first)
    return r1, c1, r2, c2


def _optional(read: Any) -> Any:
    """A property some engines cannot read (the remote engine raises): None then."""
    try:
        return read()
    except (NotImplementedError, AttributeError):
        return None


def _hidden_rows(sheet: Any, first: int, last: int, c1: int, c2: int) -> set[int]:
    whole = _optional(lambda: sheet.range((first, c1), (last, c2)).rows.hidden)
    if whole is False:
        return set()
    if whole is None and _optional(lambda: sheet.range((first, c1)).rows.hidden) is None:
        return set()  # the engine cannot tell
    return {r for r in range(first, last + 1)
            if _optional(lambda r=r: sheet.range((r, c1)).rows.hidden)}


def _merged(sheet: Any, first: int, last: int, c1: int, c2: int) -> list[str]:
    whole = _optional(lambda: sheet.range((first, c1), (last, c2)).merge_cells)
    if whole is False:
        return []
    if whole is None and _optional(lambda: sheet.range((first, c1)).merge_cells) is None:
        return []  # the engine cannot tell
    found: set[str] = set()
    for r in range(first, last + 1):
        for c in range(c1, c2 + 1):
            area = _optional(lambda r=r, c=c: sheet.range((r, c)).merge_area)
            if area is not None and area.count > 1:
                found.add(area.address.replace("$", ""))
    return sorted(found)


def read_book(book: Any) -> RawWorkbook:
    """Every table of every sheet of ``book``, with the scans the validator uses."""
    tables: dict[str, RawTable] = {}
    scans: dict[str, SheetScan] = {}
    outside: list[Problem] = []
    file = book.name
    sheet_names = [sheet.name for sheet in book.sheets]
    for sheet in book.sheets:
        for table in sheet.tables:
            header_range = table.header_row_range
            if header_range is None:
                continue  # a table without a header row cannot be one of the input's
            r1, c1, _, c2 = _bounds(header_range.address)
            header = [str(v if v is not None else "") for v in _grid(header_range)[0]]
            body = table.data_body_range
            rows = _grid(body) if body is not None else []
            rows = [row + [None] * (len(header) - len(row)) for row in rows]
            tables[table.name] = RawTable(table.name, sheet.name, r1, c1, header, rows)
            scan = scans.setdefault(sheet.name, SheetScan())
            last = r1 + len(rows)
            scan.errors.update({
                f"{column_letter(c1 + j)}{r1 + 1 + i}": value.text
                for i, row in enumerate(rows) for j, value in enumerate(row)
                if isinstance(value, CellError)
            })
            scan.hidden_rows |= _hidden_rows(sheet, r1, last, c1, c2)
            scan.merged += _merged(sheet, r1, last, c1, c2)
            below = _grid(sheet.range((last + 1, c1), (last + 1, c2)))
            for j, value in enumerate(below[0] if below else []):
                if value is not None:
                    ref = f"{column_letter(c1 + j)}{last + 1}"
                    # the file reader's check, worded the same (validate.Validator._layout)
                    outside.append(Problem(
                        codes.OUTSIDE_TABLE,
                        f"row {last + 1} holds data just below table {table.name} but outside "
                        "it; extend the table (Table Design > Resize Table) or move the data",
                        sheet.name, ref, file))
                    break
    return RawWorkbook(path=Path(file), sheet_names=sheet_names, tables=tables, scans=scans,
                       errors=outside)


def load_book(book: Any) -> Loaded:
    """Read and validate ``book``: the problems and the Dataset, as :func:`load` gives them
    for a file."""
    return load_raw(read_book(book))
