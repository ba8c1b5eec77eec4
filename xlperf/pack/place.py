"""Lay a pack out on the grid: where each table lands, and its formulas in A1 form.

Input is the pack and the *anchors* of a template: for each template table its sheet, its
header's top-left cell, its width, its body rows and its columns' cell styles; for each
defined name its cell. The one writer (openpyxl) uses it; inside Excel the written sheets
are copied in, so the same pack gives the same cells wherever it is built.

A template table may receive several blocks (one measure overview per priority): they are
stacked one below another, each with a title row above its header and a blank row between.
When a table needs more rows than the template gave it, everything below it on its sheet
moves down by the difference (:class:`Shift`); a template table left with spare rows keeps
them blank, so nothing below moves up.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import NamedTuple

from ..a1 import column_letter
from ..problems import XlperfError
from .model import HEADER_ROW, TITLE_ROW, Block, Cell, Formula, Pack, Ref


class TableAnchor(NamedTuple):
    """A template table: its header row starts at (row, col); 1-based like Excel."""

    name: str
    sheet: str
    row: int
    col: int
    width: int
    body_rows: int
    styles: tuple[str | None, ...] = ()
    header_style: str | None = None
    title_style: str | None = None

    @property
    def top(self) -> int:
        """The title row, just above the header."""
        return self.row - 1

    @property
    def bottom(self) -> int:
        return self.row + self.body_rows


class NameAnchor(NamedTuple):
    """A defined name of the template: the cell it points at (1-based)."""

    name: str
    sheet: str
    row: int
    col: int


class _AnchorsFields(NamedTuple):
    file: str
    sheets: list[str]
    tables: dict[str, TableAnchor]
    names: dict[str, NameAnchor]


class Anchors(_AnchorsFields):
    """Where a template's tables and defined names are.

    A named tuple (its fields are never reassigned; its list and dicts are filled in place),
    each instance with dicts of its own when ``tables`` or ``names`` are not given.
    """

    __slots__ = ()

    def __new__(cls, file: str, sheets: list[str], tables: dict[str, TableAnchor] | None = None,
                names: dict[str, NameAnchor] | None = None) -> Anchors:
        return super().__new__(cls, file, sheets, {} if tables is None else tables,
                               {} if names is None else names)


class Shift(NamedTuple):
    """Rows below ``after_row`` of ``sheet`` move down by ``by`` (applied bottom first)."""

    sheet: str
    after_row: int
    by: int


class PlacedBlock(NamedTuple):
    """A table of the pack where it lands: sheet, header row and first column."""

    block: Block
    sheet: str
    header_row: int
    col: int
    anchor: TableAnchor

    @property
    def title_row(self) -> int:
        return self.header_row - 1

    @property
    def first_row(self) -> int:
        return self.header_row + 1

    @property
    def last_row(self) -> int:
        return self.header_row + len(self.block.rows)

    @property
    def last_col(self) -> int:
        return self.col + self.block.width - 1

    @property
    def ref(self) -> str:
        """The table's range in A1 form, header included (``B5:H12``)."""
        last = max(self.last_row, self.first_row)
        return f"{column_letter(self.col)}{self.header_row}:{column_letter(self.last_col)}{last}"

    def position(self, row: int, col: int) -> tuple[int, int]:
        if row == TITLE_ROW:
            return self.title_row, self.col + col
        if row == HEADER_ROW:
            return self.header_row, self.col + col
        return self.first_row + row, self.col + col

    def style(self, col: int) -> str | None:
        styles = self.anchor.styles
        if not styles:
            return None
        return styles[min(col, len(styles) - 1)]


class PlacedCell(NamedTuple):
    """A cell the pack writes and where (immutable; a named tuple, which a pack's fifteen
    thousand cells create several times faster than a frozen dataclass)."""

    sheet: str
    row: int
    col: int
    cell: Cell
    formula: str | None  # A1 form, starting with "="
    kind: str  # "title", "header", "body" or "named"

    @property
    def coordinate(self) -> str:
        return f"{column_letter(self.col)}{self.row}"


class Placement:
    """The pack placed on a template: each table and name where it lands."""

    __slots__ = ("_origins", "anchors", "blocks", "names", "pack", "shifts", "spare",
                 "unused_tables")

    pack: Pack
    anchors: Anchors
    blocks: dict[str, PlacedBlock]
    names: dict[str, NameAnchor]
    shifts: list[Shift]
    spare: list[tuple[str, int, int, int, int]]  # sheet, first row, first col, last row, last col
    unused_tables: list[TableAnchor]

    #: block -> (sheet, title row, header row, first body row, first column), worked out
    #: once: a pack's formulas resolve some eight thousand references
    _origins: dict[str, tuple[str, int, int, int, int]]

    def __init__(self, pack: Pack, anchors: Anchors, blocks: dict[str, PlacedBlock],
                 names: dict[str, NameAnchor], shifts: list[Shift],
                 spare: list[tuple[str, int, int, int, int]],
                 unused_tables: list[TableAnchor]) -> None:
        self.pack = pack
        self.anchors = anchors
        self.blocks = blocks
        self.names = names
        self.shifts = shifts
        self.spare = spare
        self.unused_tables = unused_tables
        self._origins = {}

    def address(self, ref: Ref, from_sheet: str) -> str:
        origin = self._origins.get(ref.block)
        if origin is None and ref.block in self.blocks:
            placed = self.blocks[ref.block]
            origin = self._origins[ref.block] = (placed.sheet, placed.title_row,
                                                 placed.header_row, placed.first_row,
                                                 placed.col)
        if origin is not None:
            sheet, title_row, header_row, first_row, first_col = origin
            row = ref.row
            row = first_row + row if row >= 0 else (
                header_row if row == HEADER_ROW else title_row if row == TITLE_ROW
                else first_row + row)
            first = _a1(row, first_col + ref.col, ref.fixed_row, ref.fixed_col)
            if ref.row2 is not None or ref.col2 is not None:
                row2 = ref.row if ref.row2 is None else ref.row2
                row2 = first_row + row2 if row2 >= 0 else (
                    header_row if row2 == HEADER_ROW else title_row if row2 == TITLE_ROW
                    else first_row + row2)
                col2 = ref.col if ref.col2 is None else ref.col2
                first += ":" + _a1(row2, first_col + col2, ref.fixed_row, ref.fixed_col)
        elif ref.block in self.names:
            name = self.names[ref.block]
            sheet, first = name.sheet, _a1(name.row, name.col, True, True)
        else:
            raise XlperfError(f"pack: a formula refers to {ref.block!r}, which is not in the pack")
        return first if sheet == from_sheet else sheet_prefix(sheet) + "!" + first

    def formula(self, formula: Formula, from_sheet: str) -> str:
        return formula.text.format(*[self.address(r, from_sheet) for r in formula.refs])

    def cells(self) -> Iterator[PlacedCell]:
        """Every cell the pack writes, in sheet order."""
        for sheet, row, col, cell, style, formula, kind in self.cell_tuples():
            if style != cell.style:
                cell = Cell(cell.value, style, cell.formula, cell.link, cell.note)
            yield PlacedCell(sheet, row, col, cell, formula, kind)

    def cell_tuples(self) -> Iterator[tuple[str, int, int, Cell, str | None, str | None, str]]:
        """:meth:`cells` as plain tuples (sheet, row, col, cell, style, formula, kind), the
        cell as described and ``style`` the one it is written in (its own, else its template
        column's): the pack writer's loop over some seventeen thousand cells."""
        for sheet in self.pack.sheets:
            name = sheet.name
            for block in sheet.blocks:
                placed = self.blocks[block.name]
                if block.title is not None:
                    row, col = placed.position(TITLE_ROW, 0)
                    style = placed.anchor.title_style
                    yield name, row, col, Cell(block.title, style), style, None, "title"
                for c, heading in enumerate(block.header):
                    row, col = placed.position(HEADER_ROW, c)
                    style = placed.anchor.header_style
                    yield name, row, col, Cell(heading, style), style, None, "header"
                # the body: placed.position and placed.style, worked out once per block
                first_row, first_col = placed.first_row, placed.col
                styles = placed.anchor.styles
                last_style = len(styles) - 1
                for r, cells in enumerate(block.rows):
                    row = first_row + r
                    for c, cell in enumerate(cells):
                        style = cell.style or (styles[min(c, last_style)] if styles else None)
                        formula = self.formula(cell.formula, name) if cell.formula else None
                        yield name, row, first_col + c, cell, style, formula, "body"
            for named in sheet.named_cells:
                anchor = self.names[named.name]
                yield (anchor.sheet, anchor.row, anchor.col, named.cell, named.cell.style,
                       self._text(named.cell, anchor.sheet), "named")

    def _text(self, cell: Cell, sheet: str) -> str | None:
        return self.formula(cell.formula, sheet) if cell.formula else None


#: Column letters of the first 702 columns (A to ZZ), by index.
_LETTERS = ["", *(column_letter(c) for c in range(1, 703))]


def _a1(row: int, col: int, fixed_row: bool = False, fixed_col: bool = False) -> str:
    letter = _LETTERS[col] if 0 < col < 703 else column_letter(col)
    return f"{'$' if fixed_col else ''}{letter}{'$' if fixed_row else ''}{row}"


@lru_cache(maxsize=256)
def sheet_prefix(sheet: str) -> str:
    """A sheet name as a formula writes it: quoted (quotes doubled) unless plain."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", sheet) and not re.fullmatch(
            r"[A-Za-z]{1,3}\d+", sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def place(pack: Pack, anchors: Anchors) -> Placement:
    """Place every block of ``pack`` on the template described by ``anchors``."""
    problems: list[str] = []
    for sheet in pack.sheets:
        if sheet.name not in anchors.sheets:
            problems.append(f"no sheet {sheet.name!r}")
        for block in sheet.blocks:
            anchor = anchors.tables.get(block.template)
            if anchor is None:
                problems.append(f"no table {block.template!r} (needed on sheet {sheet.name!r})")
            elif anchor.sheet != sheet.name:
                problems.append(f"table {block.template!r} is on sheet {anchor.sheet!r}, "
                                f"the pack writes it on {sheet.name!r}")
        for named in sheet.named_cells:
            if named.name not in anchors.names:
                problems.append(f"no defined name {named.name!r} (needed on sheet {sheet.name!r})")
        for chart in sheet.charts:
            if chart.anchor not in anchors.names:
                problems.append(f"no defined name {chart.anchor!r} for a chart on {sheet.name!r}")
    if problems:
        raise XlperfError(f"template {anchors.file}: " + "; ".join(problems))

    by_template: dict[str, list[Block]] = {}
    for sheet in pack.sheets:
        for block in sheet.blocks:
            by_template.setdefault(block.template, []).append(block)

    growth: list[tuple[TableAnchor, int]] = []
    spare: list[tuple[str, int, int, int, int]] = []
    for anchor in anchors.tables.values():
        blocks = by_template.get(anchor.name, [])
        needed = sum(b.height + 1 for b in blocks) - 1 if blocks else 0
        given = anchor.bottom - anchor.top + 1
        if needed > given:
            growth.append((anchor, needed - given))
        elif blocks and needed < given:
            spare.append((anchor.sheet, anchor.top + needed, anchor.col, anchor.bottom,
                          anchor.col + anchor.width - 1))

    def shift(sheet: str, row: int) -> int:
        return sum(by for a, by in growth if a.sheet == sheet and a.bottom < row)

    placed: dict[str, PlacedBlock] = {}
    for name, blocks in by_template.items():
        anchor = anchors.tables[name]
        cursor = anchor.top + shift(anchor.sheet, anchor.top)
        for block in blocks:
            if block.name in placed:
                raise XlperfError(f"pack: two tables are named {block.name!r}")
            placed[block.name] = PlacedBlock(block, anchor.sheet, cursor + 1, anchor.col, anchor)
            cursor += block.height + 1
    names = {n: NameAnchor(n, a.sheet, a.row + shift(a.sheet, a.row), a.col)
             for n, a in anchors.names.items()}
    shifts = sorted((Shift(a.sheet, a.bottom, by) for a, by in growth),
                    key=lambda s: (s.sheet, -s.after_row))
    spare = [(s, r1 + shift(s, r1), c1, r2 + shift(s, r1), c2) for s, r1, c1, r2, c2 in spare]
    unused = [a for a in anchors.tables.values() if a.name not in by_template]
    return Placement(pack, anchors, placed, names, shifts, spare, unused)
