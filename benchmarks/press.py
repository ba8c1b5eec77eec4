"""A warm button press: the Python side of Validate inside Excel, process already running.

    python3 benchmarks/press.py WORKBOOK [PRESSES]

With Excel's "Use UDF Server" (Windows), xlwings keeps one Python process between presses,
so a press after the first pays neither Python's start nor xlperf's imports. This process
stands for it: it reads WORKBOOK once into a minimal stand-in for the xlwings Book the
button passes (values as xlwings returns them, floats for numbers; every write accepted and
dropped), presses Validate once untimed (the cold press), then PRESSES more times, and
prints {"median_seconds": ..., "presses": [...]} as JSON. Excel's own time (COM calls,
drawing the Issues sheet) is not in it: Excel does not run here.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from xlperf.a1 import column_letter as _letter


class Null:
    """Accepts any call, attribute or assignment (the writes a press makes)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Null:
        return self

    def __getattr__(self, name: str) -> Null:
        return self

    def __iter__(self) -> Any:
        return iter(())


NULL = Null()


class Range:
    def __init__(self, sheet: Sheet, r1: int, c1: int, r2: int, c2: int) -> None:
        self.sheet, self.r1, self.c1, self.r2, self.c2 = sheet, r1, c1, r2, c2
        self.merge_cells = False
        self.count = (r2 - r1 + 1) * (c2 - c1 + 1)

    @property
    def address(self) -> str:
        first = f"${_letter(self.c1)}${self.r1}"
        last = f"${_letter(self.c2)}${self.r2}"
        return first if first == last else f"{first}:{last}"

    def options(self, **_kwargs: Any) -> Range:
        return self

    @property
    def value(self) -> list[list[Any]]:
        grid = self.sheet.grid
        return [[grid[r - 1][c - 1] if r <= len(grid) and c <= len(grid[r - 1]) else None
                 for c in range(self.c1, self.c2 + 1)] for r in range(self.r1, self.r2 + 1)]

    @value.setter
    def value(self, _new: Any) -> None:
        pass

    @property
    def rows(self) -> Any:
        return type("Rows", (), {"hidden": False})()

    @property
    def merge_area(self) -> Range:
        return self

    def __getattr__(self, name: str) -> Null:
        return NULL


class Table:
    def __init__(self, sheet: Sheet, name: str, ref: str) -> None:
        from openpyxl.utils import range_boundaries

        c1, r1, c2, r2 = range_boundaries(ref)
        self.name = name
        self.header_row_range = Range(sheet, r1, c1, r1, c2)
        self.data_body_range = Range(sheet, r1 + 1, c1, r2, c2) if r2 > r1 else None


class Sheet:
    def __init__(self, name: str, grid: list[list[Any]]) -> None:
        self.name, self.grid, self.tables = name, grid, []

    def range(self, first: Any, last: Any = None) -> Any:
        if isinstance(first, str):
            return NULL
        last = last or first
        return Range(self, first[0], first[1], last[0], last[1])

    def __getattr__(self, name: str) -> Null:
        return NULL


class Sheets(list):  # type: ignore[type-arg]
    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            return next(s for s in self if s.name == key)
        return super().__getitem__(key)

    def add(self, name: str, **_kwargs: Any) -> Sheet:
        sheet = Sheet(name, [])
        self.append(sheet)
        return sheet


class Book:
    def __init__(self, path: Path) -> None:
        import openpyxl
        from python_calamine import CalamineWorkbook

        values = CalamineWorkbook.from_path(str(path))
        layout = openpyxl.load_workbook(path, read_only=False)
        self.name = path.name
        self.app = NULL
        self.sheets = Sheets()
        for ws in layout.worksheets:
            rows = values.get_sheet_by_name(ws.title).to_python(skip_empty_area=False)
            grid = [[None if v == "" else float(v) if isinstance(v, int) and
                     not isinstance(v, bool) else v for v in row] for row in rows]
            sheet = Sheet(ws.title, grid)
            sheet.tables = [Table(sheet, t.displayName, t.ref) for t in ws.tables.values()]
            self.sheets.append(sheet)

    def __getattr__(self, name: str) -> Null:
        return NULL


def main(path: str, presses: int) -> None:
    book = Book(Path(path))
    from xlperf.excel import entry

    if entry.validate(book) is not True:  # the cold press: imports, data files parsed
        from xlperf.reading.book import load_book

        problems = load_book(book).problems.errors
        print(f"Validate found {len(problems)} problems, first: {problems[:1]}")
        sys.exit(2)
    seconds = []
    for _ in range(presses):
        start = time.perf_counter()
        entry.validate(book)
        seconds.append(time.perf_counter() - start)
    print(json.dumps({"median_seconds": statistics.median(seconds), "presses": seconds}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5)
