"""The pack as plain data: sheets, tables, cells, formulas and charts.

The describers in :mod:`xlperf.pack.sheets` build a :class:`Pack` from a dataset; the
writer (openpyxl) puts it on a worksheet grid; Excel copies the written sheets in.
Nothing here knows about either library.

A table (:class:`Block`) names the template table it is written into, never a cell
address: the layout (:mod:`xlperf.pack.place`) finds where that table sits in the
template, so an analyst may restyle or move it. Formulas refer to other cells through
:class:`Ref` (a table, a row and a column), resolved to A1 addresses only when the table
has been placed.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

Value = str | int | float | bool | dt.date | None

#: Row index of a table's header row and of its title row (body rows count from 0).
HEADER_ROW = -1
TITLE_ROW = -2


class Ref(NamedTuple):
    """A cell, or a rectangle of cells, of a table in the pack.

    ``row``/``col`` count from the table's first body row and first column; ``row2`` and
    ``col2`` make it a range. ``fixed_row``/``fixed_col`` write ``$`` so a formula copied
    across keeps pointing at the same row or column.

    :class:`Ref`, :class:`Formula` and :class:`Cell` are named tuples (immutable, equal and
    hashed by their fields, as frozen dataclasses are) because a pack creates some forty
    thousand of them: a named tuple is made about three times faster than a frozen
    dataclass, which sets each field through ``object.__setattr__``.
    """

    block: str
    row: int
    col: int
    row2: int | None = None
    col2: int | None = None
    fixed_row: bool = False
    fixed_col: bool = False

    def to(self, row2: int, col2: int) -> Ref:
        return Ref(self.block, self.row, self.col, row2, col2, self.fixed_row, self.fixed_col)


class Formula(NamedTuple):
    """An Excel formula with ``{0}``, ``{1}``... standing for :class:`Ref` cells.

    Defined names (``MonthsInYear``) may appear as they are.
    """

    text: str
    refs: tuple[Ref, ...] = ()


class Cell(NamedTuple):
    """One cell: a value, or a formula with the value xlperf computed for it.

    ``style`` names a cell style of the template ("Count", "Percent", "Grade Satisfactory").
    Text values are always written as text, even when they start with ``=``.
    """

    value: Value = None
    style: str | None = None
    formula: Formula | None = None
    link: str | None = None  # a sheet name: the cell links to that sheet's first cell
    note: str | None = None  # a comment for reviewers (e.g. where a grade differs from its rule)

    @property
    def is_formula(self) -> bool:
        return self.formula is not None


class Block:
    """A table written into the template table ``template``.

    Several blocks may share a template table (one measure overview per priority): they are
    written one below another, a blank row apart. ``name`` is the Excel table name given to
    this block in the pack and must be unique.

    :class:`Block`, :class:`Sheet` and :class:`Pack` are plain classes with ``__slots__``
    (mutable: describers fill their lists after creating them), not dataclasses: a dataclass
    generates its methods with ``exec`` when its module is imported, which cost ``xlperf
    build`` about a millisecond a class. Nothing compares or prints them, so they have no
    ``__eq__`` or ``__repr__``.
    """

    __slots__ = ("header", "name", "new_page", "row_keys", "rows", "template", "title")

    name: str
    template: str
    header: list[str]
    rows: list[list[Cell]]
    title: str | None
    row_keys: list[str]
    #: printing starts a new page at this block's title (keeps a title with its table)
    new_page: bool

    def __init__(self, name: str, template: str, header: list[str], rows: list[list[Cell]],
                 title: str | None = None, row_keys: list[str] | None = None,
                 new_page: bool = False) -> None:
        self.name = name
        self.template = template
        self.header = header
        self.rows = rows
        self.title = title
        self.row_keys = [] if row_keys is None else row_keys
        self.new_page = new_page

    def row_of(self, key: str) -> int:
        return self.row_keys.index(key)

    def col_of(self, heading: str) -> int:
        return self.header.index(heading)

    def ref(self, row: int | str, col: int | str, **kwargs: bool) -> Ref:
        r = self.row_of(row) if isinstance(row, str) else row
        c = self.col_of(col) if isinstance(col, str) else col
        return Ref(self.name, r, c, **kwargs)

    @property
    def height(self) -> int:
        """Rows the block occupies on the sheet: title, header and body."""
        return (1 if self.title is not None else 0) + 1 + len(self.rows)

    @property
    def width(self) -> int:
        return max(len(self.header), max(map(len, self.rows), default=0))


class NamedCell(NamedTuple):
    """A single cell found by a defined name of the template (``PackTitle``)."""

    name: str
    cell: Cell


class Series(NamedTuple):
    """A series of a chart: its title, values and look."""

    title: str
    values: Ref
    kind: str | None = None  # "line" draws this series as a line over a column chart
    colour: str | None = None  # hex RGB of the line and markers; None: the chart's default
    dashed: bool = False
    marker: bool = False  # a round marker on each point (with ``colour``)
    line: bool = True  # False: markers only (blank cells leave no point)


class Chart(NamedTuple):
    """A native line or column chart placed at the template's defined name ``anchor``."""

    anchor: str
    title: str
    categories: Ref
    series: tuple[Series, ...]
    y_title: str = ""
    x_title: str = ""
    kind: str = "line"  # "line" or "bar" (columns)
    width: float = 16  # centimetres
    height: float = 7.5


class Sheet:
    """A sheet of the pack: its tables, named cells and charts."""

    __slots__ = ("blocks", "charts", "name", "named_cells")

    name: str
    blocks: list[Block]
    named_cells: list[NamedCell]
    charts: list[Chart]

    def __init__(self, name: str, blocks: list[Block] | None = None,
                 named_cells: list[NamedCell] | None = None,
                 charts: list[Chart] | None = None) -> None:
        self.name = name
        self.blocks = [] if blocks is None else blocks
        self.named_cells = [] if named_cells is None else named_cells
        self.charts = [] if charts is None else charts

    def block(self, name: str) -> Block:
        for block in self.blocks:
            if block.name == name:
                return block
        raise KeyError(name)


class Pack:
    """Everything a writer needs: the sheets in order and the print header/footer fields."""

    __slots__ = ("marking", "quarter", "sheets", "shown", "title")

    title: str
    quarter: str
    marking: str
    sheets: list[Sheet]
    #: Catalogue figures (``FigureKey.text``) -> the cells that show them and their values
    #: (issue 16): one figure shown twice must show one value.
    shown: dict[str, list[tuple[Ref, object]]]

    def __init__(self, title: str, quarter: str, marking: str, sheets: list[Sheet],
                 shown: dict[str, list[tuple[Ref, object]]] | None = None) -> None:
        self.title = title
        self.quarter = quarter
        self.marking = marking
        self.sheets = sheets
        self.shown = {} if shown is None else shown

    def sheet(self, name: str) -> Sheet:
        for sheet in self.sheets:
            if sheet.name == name:
                return sheet
        raise KeyError(name)

    def blocks(self) -> dict[str, Block]:
        return {b.name: b for s in self.sheets for b in s.blocks}

    @property
    def header_fields(self) -> dict[str, str]:
        """What ``{marking}`` and ``{quarter}`` in the template's header/footer become."""
        return {"marking": self.marking, "quarter": self.quarter, "title": self.title}
