"""Check a raw workbook against the schema, cell by cell, and collect every problem.

Each problem has a stable code (see docs/input-workbook.md) and the cell it is about.
The typed rows that come out are plain Python values: counts are ints, blanks are None.
"""

from __future__ import annotations

from typing import Any

from .. import codes
from ..a1 import column_letter
from ..problems import Problem, Problems, address
from ..schema import ColumnSpec, Schema, TableSpec
from .convert import MONTH_WORDS, CellProblem, convert, foreign_letters, plain, show
from .output_limits import control_character
from .xlsx import CellError, RawTable, RawWorkbook, split_ref

MAX_CELL_TEXT = 32_767


class Row:
    """One data row of a table: typed values by column, and each column's cell."""

    __slots__ = ("cells", "excel_row", "sheet", "values")

    def __init__(self, values: dict[str, Any], cells: dict[str, str], sheet: str,
                 excel_row: int) -> None:
        self.values, self.cells, self.sheet, self.excel_row = values, cells, sheet, excel_row

    def __getitem__(self, column: str) -> Any:
        return self.values.get(column)

    def get(self, column: str, default: Any = None) -> Any:
        value = self.values.get(column)
        return default if value is None else value

    def cell(self, column: str) -> str:
        return self.cells.get(column, "")


class TypedTable:
    """A table's typed rows, with its spec, sheet and header cells (column -> "C4")."""

    __slots__ = ("header_cells", "rows", "sheet", "spec")

    def __init__(self, spec: TableSpec, rows: list[Row] | None = None, sheet: str = "",
                 header_cells: dict[str, str] | None = None) -> None:
        self.spec, self.sheet = spec, sheet
        self.rows = [] if rows is None else rows
        self.header_cells = {} if header_cells is None else header_cells


class _Refused:
    """A cell value its column refuses: the problem's code and message (the cell is the
    problem's place)."""

    __slots__ = ("code", "message")

    def __init__(self, code: str, message: str) -> None:
        self.code, self.message = code, message


#: A value not judged yet in its column (see :meth:`Validator._row`).
_UNSEEN: Any = object()

#: How a column of a table is read: its name, its position in the table, its letter, for
#: a count the whole numbers it takes as they are (see :meth:`Validator._counts`), the
#: outcome of each text (or blank) value judged so far, and its spec.
_Reader = tuple[str, int, str, tuple[float, float] | None, dict[Any, Any], ColumnSpec]


#: Cyrillic and Greek capitals that look like Latin ones ("ОСТ" typed for "OCT").
_LOOKALIKES = str.maketrans("АВСЕНІЈКМОРЅТХУΑΒΕΗΙΚΜΝΟΡΤΧΥΖ", "ABCEHIJKMOPSTXYABEHIKMNOPTXYZ")


def _latin(text: str) -> str:
    """``text`` with look-alike Cyrillic and Greek letters read as the Latin ones."""
    return text.upper().translate(_LOOKALIKES)


def _is_renamed(header: str, column: str) -> bool:
    """True when ``header`` is ``column`` mistyped: other case or spacing, or a typo."""
    import difflib  # noqa: PLC0415 - only for a header that is not the column's

    a, b = plain(_latin(header)), plain(column)
    return bool(a) and (a == b or difflib.SequenceMatcher(None, a, b).ratio() >= 0.8)


class Validator:
    """Validate one workbook. ``run`` returns the typed tables and adds to ``problems``."""

    def __init__(self, raw: RawWorkbook, schema: Schema, default_rules: set[str]) -> None:
        self.raw = raw
        self.schema = schema
        self.default_rules = default_rules
        self.problems = Problems()
        self.file = raw.path.name
        #: calamine's workbook and sheets, opened once for every table that needs them
        self.sheets: dict[str | None, Any] = {}
        #: id of a column -> the longest text it accepts, worked out once per column
        self.text_limits: dict[int, int] = {}

    def add(self, code: str, message: str, sheet: str = "", cell: str = "") -> None:
        self.problems.add(Problem(code, message, sheet, cell, self.file))

    # -- tables and headers ------------------------------------------------------------
    def run(self) -> dict[str, TypedTable]:
        for warning in self.raw.warnings:
            self.problems.add(warning)
        for error in self.raw.errors:
            self.problems.add(error)
        for name in self.raw.duplicate_tables:
            places = self.raw.table_places.get(name, [])
            if len(places) < 2:
                self.add(codes.DUPLICATE_TABLE,
                         f"two tables are named {name}; table names must be unique")
            for sheet, ref in places[1:]:
                self.add(codes.DUPLICATE_TABLE,
                         f"this table is also named {name}, like the one at "
                         f"{address(*places[0])}; table names must be unique: rename one "
                         "(Table Design > Table Name)", sheet, ref)
        if self.raw.duplicate_tables:
            return {}
        if not self.raw.tables:
            if self.raw.skipped:
                return {}  # tables not read, and an error already says why
            self.add(codes.EMPTY_WORKBOOK,
                "the workbook has no Excel tables; start from `xlperf init` or the demo",
            )
            return {}
        typed: dict[str, TypedTable] = {}
        for spec in self.schema.tables:
            raw = self.raw.tables.get(spec.name)
            if raw is None:
                if spec.optional and spec.sheet not in self.raw.sheet_names:
                    continue  # a workbook written before the table existed
                if spec.name not in self.raw.skipped:  # already reported
                    self._missing_table(spec)
                continue
            if raw.sheet != spec.sheet:
                self.add(codes.RENAMED_SHEET,
                         f"table {spec.name} is on sheet {raw.sheet!r} but belongs on sheet "
                         f"{spec.sheet!r}: rename the sheet back (or move the table)",
                         raw.sheet, raw.header_ref(0))
            typed[spec.name] = self._table(spec, raw)
        self._references(typed)
        return typed

    def _missing_table(self, spec: TableSpec) -> None:
        if spec.sheet not in self.raw.sheet_names:
            on_sheet = [t.name for t in self.schema.tables if t.sheet == spec.sheet]
            if spec.name != on_sheet[0]:
                return  # one problem per missing sheet, reported with its first table
            lookalike = [s for s in self.raw.sheet_names if plain(s) == plain(spec.sheet)]
            hint = f" (there is a sheet named {lookalike[0]!r})" if lookalike else ""
            tables = (f"table {spec.name}" if len(on_sheet) == 1
                      else f"tables {', '.join(on_sheet[:-1])} and {on_sheet[-1]}")
            self.add(codes.MISSING_SHEET,
                     f"sheet {spec.sheet!r} with {tables} is missing{hint}",
                     sheet=spec.sheet)
        else:
            self.add(codes.MISSING_TABLE,
                     f"table {spec.name} ({spec.title}) is missing from sheet {spec.sheet!r}",
                     sheet=spec.sheet)

    def _table(self, spec: TableSpec, raw: RawTable) -> TypedTable:
        table = TypedTable(spec=spec, sheet=raw.sheet)
        positions: dict[str, int] = {}
        header = raw.header
        expected = spec.column_names
        for j, text in enumerate(header):
            if text in expected and text not in positions:
                positions[text] = j
        renames: set[int] = set()
        for index, column in enumerate(spec.columns):
            if column.name in positions:
                table.header_cells[column.name] = raw.header_ref(positions[column.name])
                continue
            renamed = [
                j for j, text in enumerate(header)
                if text not in expected and j not in renames and _is_renamed(text, column.name)
            ]
            if renamed:
                j = renamed[0]
                renames.add(j)
                foreign = foreign_letters(header[j])
                detail = f"; it contains {', '.join(foreign)}" if foreign else ""
                self.add(codes.RENAMED_COLUMN,
                         f"header {header[j]!r} should read {column.name!r}{detail}",
                         raw.sheet, raw.header_ref(j))
            elif not column.optional:
                # the header cell where the schema puts the column
                self.add(codes.MISSING_COLUMN,
                         f"table {spec.name} has no {column.name!r} column "
                         f"(expected at {raw.header_ref(index)})",
                         raw.sheet, raw.header_ref(index))
        for j, text in enumerate(header):
            if text in positions and positions[text] != j:
                self.add(codes.DUPLICATE_COLUMN,
                         f"column {text!r} appears twice in table {spec.name} (first at "
                         f"{raw.header_ref(positions[text])}); only one is read: delete this "
                         "one or give it its own heading", raw.sheet, raw.header_ref(j))
                continue
            if text in expected or j in renames:
                continue
            foreign = foreign_letters(text)
            if spec.months and (plain(text)[:3] in MONTH_WORDS or foreign):
                detail = f"; it contains {', '.join(foreign)}" if foreign else ""
                self.add(codes.MONTH_OUTSIDE_YEAR,
                         f"column {text!r} is not one of the months "
                         f"{spec.month_names[0]}..{spec.month_names[-1]} of this table{detail}",
                         raw.sheet, raw.header_ref(j))
            else:
                self.add(codes.UNKNOWN_COLUMN,
                         f"column {text!r} is not part of table {spec.name}; it is ignored",
                         raw.sheet, raw.header_ref(j))
        self._layout(raw)
        readers = [self._reader(column, raw, positions[column.name])
                   for column in spec.columns if column.name in positions]
        for i, cells in enumerate(raw.rows):
            if cells.count(None) == len(cells):
                continue  # an empty row left in a table is harmless
            table.rows.append(self._row(readers, cells, raw.sheet, raw.header_row + 1 + i))
        self._keys(table)
        return table

    def _layout(self, raw: RawTable) -> None:
        scan = self.raw.scans.get(raw.sheet)
        if scan is None:
            return
        first, last = raw.header_row, raw.last_row
        for row in sorted(scan.hidden_rows):
            if first <= row <= last:
                self.add(codes.HIDDEN_ROW,
                         f"row {row} of table {raw.name} is hidden; unhide it or delete it",
                         raw.sheet, f"{column_letter(raw.first_col)}{row}")
        for merged in scan.merged:
            start = merged.split(":")[0]
            end = merged.split(":")[-1]
            r1, c1 = split_ref(start)
            r2, c2 = split_ref(end)
            last_col = raw.first_col + len(raw.header) - 1
            if r1 <= last and r2 >= first and c1 <= last_col and c2 >= raw.first_col:
                self.add(codes.MERGED_CELLS,
                         f"cells {merged} are merged across table {raw.name}; unmerge them",
                         raw.sheet, start)
        if scan.max_row > last:
            below = last + 1
            # data typed just under a table is outside it and silently ignored by Excel formulas
            for ref in _cells_in_row(self.raw, raw, below, self.sheets):
                self.add(codes.OUTSIDE_TABLE,
                         f"row {below} holds data just below table {raw.name} but outside it; "
                         "extend the table (Table Design > Resize Table) or move the data",
                         raw.sheet, ref)
                break
        for ref in sorted(scan.uncalculated):
            row, col = split_ref(ref)
            if first < row <= last and raw.first_col <= col < raw.first_col + len(raw.header):
                self.add(codes.FORMULA_NOT_CALCULATED,
                         "the formula here has no calculated value; open the file in Excel, "
                         "recalculate and save", raw.sheet, ref)

    # -- cells ---------------------------------------------------------------------------
    def _reader(self, column: ColumnSpec, raw: RawTable, position: int) -> _Reader:
        """How ``column`` is read, at ``position`` of ``raw``'s header."""
        return (column.name, position, column_letter(raw.first_col + position),
                self._counts(column), {}, column)

    def _counts(self, column: ColumnSpec) -> tuple[float, float] | None:
        """For a count column, the whole numbers the converter returns unchanged (from 0, or
        its range's low end if higher, to its range's high end); None for other columns."""
        if column.type != "count":
            return None
        bounds = self.schema.bounds(column)
        return (0, float("inf")) if bounds is None else (max(0.0, bounds[0]), bounds[1])

    def _row(self, readers: list[_Reader], cells: list[Any], sheet: str, number: int) -> Row:
        """The typed row of ``cells``, Excel row ``number``; each refused cell's problem is
        added, in the order of the columns.

        A text (or blank) cell is judged once per distinct value of its column (the
        reader's ``seen``): the outcome depends on the column and the value only, and the
        same texts (years, quarters, categories) fill most rows."""
        values: dict[str, Any] = {}
        refs: dict[str, str] = {}
        digits = str(number)
        for name, position, letter, counts, seen, column in readers:
            ref = letter + digits
            refs[name] = ref
            value = cells[position]
            if type(value) is str or value is None:
                typed = seen.get(value, _UNSEEN)
                if typed is _UNSEEN:
                    typed = seen[value] = self._outcome(column, value)
            elif counts is not None and type(value) is int and counts[0] <= value <= counts[1]:
                values[name] = value
                continue
            else:
                typed = self._outcome(column, value)
            if type(typed) is _Refused:
                self.add(typed.code, typed.message, sheet, ref)
                typed = None
            values[name] = typed
        return Row(values, refs, sheet, number)

    def _outcome(self, column: ColumnSpec, value: Any) -> Any:
        """The typed value of a cell of ``column`` holding ``value``, or why it is refused."""
        if isinstance(value, CellError):
            return _Refused(codes.FORMULA_ERROR, f"{value.text} is an Excel error, not a value")
        if isinstance(value, str) and not value.strip():
            value = None
        if value is None:
            if column.required:
                return _Refused(column.missing or codes.MISSING_VALUE,
                                f"{column.name} is required")
            return None
        if isinstance(value, str):
            refused = control_character(value)
            if refused:
                return _Refused(codes.CONTROL_CHARACTER, refused)
            if len(value) > MAX_CELL_TEXT:
                return _Refused(codes.TEXT_TOO_LONG, f"{len(value):,} characters is over "
                                f"Excel's limit of {MAX_CELL_TEXT:,} per cell")
            longest = self._text_limit(column)
            if len(value) > longest:
                return _Refused(codes.TEXT_TOO_LONG, f"{len(value):,} characters is over the "
                                f"{longest:,} {column.name} accepts: the pack prints it with "
                                f"other words in one cell, which Excel limits to "
                                f"{MAX_CELL_TEXT:,} characters")
        try:
            return convert(column, value, self.schema)
        except CellProblem as problem:
            return _Refused(problem.code, problem.message)

    def _text_limit(self, column: ColumnSpec) -> int:
        """The longest text a column accepts (schema ``limits: text`` or the column's
        ``max:``): below Excel's cell limit, so what the pack adds around it still fits."""
        limit = self.text_limits.get(id(column))
        if limit is None:
            if column.type not in ("text", "ref", "rule"):
                limit = MAX_CELL_TEXT
            else:
                bounds = self.schema.bounds(ColumnSpec(column.name, "text", max=column.max))
                limit = int(bounds[1]) if bounds else MAX_CELL_TEXT
            self.text_limits[id(column)] = limit
        return limit

    # -- across rows and tables ----------------------------------------------------------
    def _keys(self, table: TypedTable) -> None:
        if not table.spec.key:
            return
        seen: dict[tuple[Any, ...], Row] = {}
        periodic = any(k in ("FY", "Year", "Quarter", "Period", "12 months to")
                       for k in table.spec.key)
        columns = table.spec.key
        for row in table.rows:
            key = tuple(map(row.values.get, columns))
            if None in key:
                continue
            if key in seen:
                first = seen[key]
                shown = ", ".join(str(k) for k in key)
                self.add(codes.DUPLICATE_PERIOD if periodic else codes.DUPLICATE_ROW,
                         f"{shown} appears twice (first in row {first.excel_row})",
                         row.sheet, row.cell(table.spec.key[0]))
            else:
                seen[key] = row

    def _references(self, typed: dict[str, TypedTable]) -> None:
        for table in typed.values():
            for column in table.spec.columns:
                if column.type == "ref" and column.ref:
                    other, other_column = column.ref.split(".", 1)
                    if other not in typed:
                        continue
                    known = {r[other_column] for r in typed[other].rows}
                    for row in table.rows:
                        value = row[column.name]
                        if value is not None and value not in known:
                            foreign = foreign_letters(value)
                            detail = f"; it contains {', '.join(foreign)}" if foreign else ""
                            self.add(column.unknown or codes.UNKNOWN_VALUE,
                                     f"{show(value)} is not in {other_column} of {other} "
                                     f"(sheet {typed[other].sheet!r}){detail}",
                                     row.sheet, row.cell(column.name))
                            row.values[column.name] = None
                if column.type == "rule" and "tblRules" in typed:
                    known = {r["Rule"] for r in typed["tblRules"].rows} | self.default_rules
                    for row in table.rows:
                        value = row[column.name]
                        if value is not None and value not in known:
                            self.add(column.unknown or codes.UNKNOWN_VALUE,
                                     f"rule {show(value)} is neither in the Rules table nor "
                                     "one of xlperf's default rules", row.sheet,
                                     row.cell(column.name))
                            row.values[column.name] = None


def _cells_in_row(raw_wb: RawWorkbook, table: RawTable, row: int,
                  opened: dict[str | None, Any] | None = None) -> list[str]:
    """Cells with data in ``row`` within the table's columns: from the rows the reader kept
    (``raw_wb.grids``), else by reading the sheet again (the workbook, key None, and the
    sheet kept in ``opened`` for the next table)."""
    # the rows read with the headers when they reach ``row`` (calamine's first ``row``
    # rows either way), else the sheet read again
    asked, grid = raw_wb.grids.get(table.sheet, (0, []))
    values = grid[:row] if row <= asked else _sheet_rows(raw_wb, table, row, opened)
    if len(values) < row:
        return []
    line = values[row - 1]
    refs = []
    for j in range(len(table.header)):
        col = table.first_col - 1 + j
        if col < len(line) and line[col] not in ("", None):
            refs.append(f"{column_letter(col + 1)}{row}")
    return refs


def _sheet_rows(raw_wb: RawWorkbook, table: RawTable, row: int,
                opened: dict[str | None, Any] | None) -> list[list[Any]]:
    """The sheet's first ``row`` rows, read with calamine (``opened`` as above)."""
    import python_calamine as calamine  # noqa: PLC0415

    opened = {} if opened is None else opened
    if None not in opened:
        opened[None] = calamine.CalamineWorkbook.from_path(str(raw_wb.path))
    if table.sheet not in opened:
        opened[table.sheet] = opened[None].get_sheet_by_name(table.sheet)
    rows: list[list[Any]] = opened[table.sheet].to_python(skip_empty_area=False, nrows=row)
    return rows


