"""Write a pack into the workbook open in Excel, through xlwings.

The pack is the one ``xlperf build`` writes (:func:`xlperf.pack.build.describe_pack`) and it
is laid out by the same code (:func:`xlperf.pack.place.place`), on anchors taken straight
from the layout files (:func:`xlperf.pack.layout.anchors_from_layout`), so every value and
formula lands in the cell it has in the file pack. Styles are applied as direct formatting
(number format, fill, font, alignment, borders) from ``styles.yaml``: xlwings cannot create
named cell styles. Page setup and charts are left to the file pack.

Everything is worked out first (:func:`plan_pack`: placement, sheet names, every cell, every
format); only a complete plan is written (:func:`replace_sheets`), so a problem found while
planning leaves the workbook untouched.

Where a pack sheet has the name of an input sheet (Excel compares names without case:
"Measures", "Public Order"), it is written as "Measures (pack)"; formulas and links follow.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..a1 import column_letter, parse_a1
from ..pack.layout import Layout, anchors_from_layout, load_layout
from ..pack.model import Cell, NamedCell, Pack, Sheet
from ..pack.place import Anchors, Placement, place, sheet_prefix
from ..problems import XlperfError

PACK_SUFFIX = " (pack)"
TABLE_STYLE = "TableStyleLight1"
BORDER_COLOR = "#BFBFBF"
MAX_SHEET_NAME = 31


@dataclass(frozen=True)
class PlannedCell:
    value: Any
    formula: str | None
    style: str | None
    link: str | None = None  # a sheet of the workbook
    note: str | None = None

    @property
    def is_text(self) -> bool:
        return self.formula is None and isinstance(self.value, str)


@dataclass
class SheetPlan:
    name: str  # the sheet's name in the workbook
    pack_name: str  # its name in the pack (and the layout)
    widths: dict[str, float] = field(default_factory=dict)
    cells: dict[tuple[int, int], PlannedCell] = field(default_factory=dict)
    tables: list[tuple[str, str]] = field(default_factory=list)  # name, A1 range

    @property
    def extent(self) -> tuple[int, int]:
        rows = [r for r, _ in self.cells] or [1]
        cols = [c for _, c in self.cells] or [1]
        return max(rows), max(cols)


@dataclass
class Plan:
    sheets: list[SheetPlan]
    names: list[tuple[str, str, str]]  # defined name, its sheet, what it refers to
    renamed: dict[str, str]  # pack sheet name -> workbook sheet name
    placement: Placement | None = None  # where each table of the pack landed

    def sheet(self, pack_name: str) -> SheetPlan:
        for sheet in self.sheets:
            if sheet.pack_name == pack_name:
                return sheet
        raise KeyError(pack_name)


def workbook_names(pack_names: Iterable[str], taken: Iterable[str]) -> dict[str, str]:
    """Pack sheet name -> the name it gets in a workbook whose input sheets are ``taken``."""
    used = {name.casefold() for name in taken}
    out: dict[str, str] = {}
    for name in pack_names:
        new = name if name.casefold() not in used else f"{name}{PACK_SUFFIX}"
        if len(new) > MAX_SHEET_NAME:
            raise XlperfError(f"pack: sheet name {new!r} is over {MAX_SHEET_NAME} characters")
        out[name] = new
        used.add(new.casefold())
    return out


def _rename_cell(cell: Cell, names: dict[str, str]) -> Cell:
    if cell.link and cell.link in names:
        return dataclasses.replace(cell, link=names[cell.link])
    return cell


def rename_pack(pack: Pack, names: dict[str, str]) -> Pack:
    """The pack with its sheets (and the links to them) renamed."""
    sheets = []
    for sheet in pack.sheets:
        blocks = [dataclasses.replace(b, rows=[[_rename_cell(c, names) for c in row]
                                               for row in b.rows]) for b in sheet.blocks]
        named = [NamedCell(n.name, _rename_cell(n.cell, names)) for n in sheet.named_cells]
        sheets.append(Sheet(names.get(sheet.name, sheet.name), blocks, named, sheet.charts))
    return dataclasses.replace(pack, sheets=sheets)


def rename_anchors(anchors: Anchors, names: dict[str, str]) -> Anchors:
    return Anchors(
        anchors.file, [names.get(s, s) for s in anchors.sheets],
        {k: dataclasses.replace(a, sheet=names.get(a.sheet, a.sheet))
         for k, a in anchors.tables.items()},
        {k: dataclasses.replace(a, sheet=names.get(a.sheet, a.sheet))
         for k, a in anchors.names.items()},
    )


def table_names(pack: Pack, taken: Iterable[str]) -> dict[str, str]:
    """Pack table name -> its name in a workbook whose input tables are ``taken`` (table
    names are unique across a workbook: the pack's tblASB becomes tblASBPack)."""
    used = {name.casefold() for name in taken}
    out: dict[str, str] = {}
    for block in pack.blocks().values():
        new = block.name
        while new.casefold() in used:
            new += "Pack"
        out[block.name] = new
        used.add(new.casefold())
    return out


def plan_pack(pack: Pack, taken: Iterable[str], layout: Layout | None = None,
              taken_tables: Iterable[str] = ()) -> Plan:
    """Every cell, format, table and name the pack writes, on workbook sheet names; ``taken``
    are the workbook's other sheets, ``taken_tables`` its other tables."""
    layout = layout or load_layout()
    anchors = anchors_from_layout(layout)
    names = workbook_names([s.name for s in layout.sheets], taken)
    tables = table_names(pack, taken_tables)
    placement = place(rename_pack(pack, names), rename_anchors(anchors, names))
    styles = layout.styles
    plans: dict[str, SheetPlan] = {}
    for sheet in pack.sheets:
        plan = SheetPlan(names[sheet.name], sheet.name)
        plans[plan.name] = plan
        sheet_layout = layout.sheet(sheet.name)
        plan.widths = dict(sheet_layout.widths)
        shifts = [s for s in placement.shifts if s.sheet == plan.name]
        for text in sheet_layout.text:
            row, col = parse_a1(text.at)
            row += sum(s.by for s in shifts if s.after_row < row)
            plan.cells[(row, col)] = PlannedCell(text.text, None, text.style)
        for named in sheet_layout.names:
            anchor = placement.names[named.name]
            plan.cells[(anchor.row, anchor.col)] = PlannedCell(None, None, named.style)
    for placed in placement.cells():
        plan = plans[placed.sheet]
        cell = placed.cell
        style = cell.style
        if style is None and (placed.row, placed.col) in plan.cells:
            style = plan.cells[(placed.row, placed.col)].style  # a named cell's own style
        plan.cells[(placed.row, placed.col)] = PlannedCell(
            cell.value, placed.formula, style, cell.link, cell.note)
    for block in placement.blocks.values():
        plans[block.sheet].tables.append((tables[block.block.name], block.ref))
    for plan in plans.values():
        for (row, col), cell in plan.cells.items():
            if cell.style and cell.style not in styles:
                raise XlperfError(f"{sheet_prefix(plan.name)}!{column_letter(col)}{row}: "
                                  f"styles.yaml has no cell style {cell.style!r}")
    defined = [(n, a.sheet, f"={sheet_prefix(a.sheet)}!${column_letter(a.col)}${a.row}")
               for n, a in placement.names.items() if a.sheet in plans]
    return Plan(list(plans.values()), defined, names, placement)


# -- writing ---------------------------------------------------------------------------
def _rectangles(cells: dict[tuple[int, int], Any]) -> list[tuple[int, int, int, int, Any]]:
    """Group cells with equal keys into rectangles: (row1, col1, row2, col2, key)."""
    runs: list[tuple[int, int, int, Any]] = []  # row, col1, col2, key
    for row, col in sorted(cells):
        key = cells[(row, col)]
        if runs and runs[-1][0] == row and runs[-1][2] == col - 1 and runs[-1][3] == key:
            runs[-1] = (row, runs[-1][1], col, key)
        else:
            runs.append((row, col, col, key))
    rects: list[list[Any]] = []
    open_by_cols: dict[tuple[int, int, Any], list[Any]] = {}
    for row, c1, c2, key in runs:
        rect = open_by_cols.get((c1, c2, key))
        if rect is not None and rect[2] == row - 1:
            rect[2] = row
        else:
            rect = [row, c1, row, c2, key]
            rects.append(rect)
            open_by_cols[(c1, c2, key)] = rect
    return [tuple(r) for r in rects]  # type: ignore[misc]


#: The formatting a style may carry, each applied to the largest rectangles sharing it.
ATTRIBUTES = ("number_format", "fill", "bold", "italic", "size", "color", "wrap",
              "horizontal", "vertical", "border")


def _attributes(spec: dict[str, Any], text: bool) -> dict[str, Any]:
    font = spec.get("font") or {}
    return {
        "number_format": "@" if text else spec.get("number_format"),
        "fill": spec.get("fill"), "bold": font.get("bold"), "italic": font.get("italic"),
        "size": font.get("size"), "color": font.get("color"), "wrap": spec.get("wrap"),
        "horizontal": spec.get("horizontal"), "vertical": spec.get("vertical"),
        "border": spec.get("border"),
    }


def _apply(rng: Any, attribute: str, value: Any) -> None:
    if attribute == "number_format":
        rng.number_format = value
    elif attribute == "fill":
        rng.color = f"#{value}"
    elif attribute == "bold":
        rng.font.bold = True
    elif attribute == "italic":
        rng.font.italic = True
    elif attribute == "size":
        rng.font.size = value
    elif attribute == "color":
        rng.font.color = f"#{value}"
    elif attribute == "wrap":
        rng.wrap_text = True
    elif attribute == "horizontal":
        rng.horizontal_alignment = value
    elif attribute == "vertical":
        rng.vertical_alignment = value
    elif attribute == "border":
        rng.borders.set("all", line_style="continuous", color=BORDER_COLOR)


def _value(cell: PlannedCell) -> Any:
    return cell.formula if cell.formula is not None else cell.value


def write_sheet(sheet: Any, plan: SheetPlan, layout: Layout) -> None:
    """Write one planned sheet onto a new, empty worksheet."""
    for letter, width in plan.widths.items():
        sheet.range(f"{letter}1").column_width = width
    last_row, last_col = plan.extent
    everything = sheet.range((1, 1), (last_row, last_col))
    if layout.base_font.get("name"):
        everything.font.name = layout.base_font["name"]
    if layout.base_font.get("size"):
        everything.font.size = layout.base_font["size"]
    formats: dict[tuple[str | None, bool], dict[str, Any]] = {}
    for cell in plan.cells.values():
        key = (cell.style, cell.is_text)
        if key not in formats:
            formats[key] = _attributes(layout.styles.get(cell.style or "", {}), cell.is_text)
    for attribute in ATTRIBUTES:
        keys = {pos: value for pos, cell in plan.cells.items()
                if (value := formats[(cell.style, cell.is_text)][attribute])}
        for r1, c1, r2, c2, value in _rectangles(keys):
            _apply(sheet.range((r1, c1), (r2, c2)), attribute, value)
    # values row by row, one write per run of neighbouring cells; formulas start with "="
    # and text cells are formatted as text above, so no text is ever read as a formula
    runs: list[tuple[int, int, list[Any]]] = []
    for row, col in sorted(plan.cells):
        value = _value(plan.cells[(row, col)])
        if runs and runs[-1][0] == row and runs[-1][1] + len(runs[-1][2]) == col:
            runs[-1][2].append(value)
        else:
            runs.append((row, col, [value]))
    for row, col, values in runs:
        if any(v is not None for v in values):
            sheet.range((row, col), (row, col + len(values) - 1)).value = [values]
    for (row, col), cell in sorted(plan.cells.items()):
        if cell.link:
            sheet.range((row, col)).add_hyperlink(
                f"#{sheet_prefix(cell.link)}!A1", str(cell.value), f"Go to {cell.link}")
        if cell.note:
            sheet.range((row, col)).add_note(cell.note)
    for name, ref in plan.tables:
        sheet.tables.add(source=sheet.range(ref), name=name, table_style_name=TABLE_STYLE)
    sheet.autofit("rows")


def existing_tables(book: Any) -> dict[str, tuple[str, str]]:
    """Table name -> (sheet, range without $) of every table in the open workbook."""
    found: dict[str, tuple[str, str]] = {}
    for sheet in book.sheets:
        for table in sheet.tables:
            found[table.name] = (sheet.name, table.range.address.replace("$", ""))
    return found


def _ours(book: Any, sheets: list[SheetPlan]) -> dict[str, str]:
    """Planned sheet -> the workbook's sheet of that name, for those that exist; an error for
    one that xlperf did not write (it holds none of the pack's tables): never overwritten."""
    tables = existing_tables(book)
    present = {s.name.casefold(): s.name for s in book.sheets}
    found = {}
    for sheet in sheets:
        name = present.get(sheet.name.casefold())
        if name is None:
            continue
        ours = {t for t, (where, _) in tables.items() if where == name}
        if sheet.tables and not ours & {t for t, _ in sheet.tables}:
            raise XlperfError(
                f"the workbook already has a sheet {name!r} that xlperf did not write (it "
                f"has none of the pack's tables {', '.join(t for t, _ in sheet.tables)}); "
                "rename or delete it, then try again")
        found[sheet.name] = name
    return found


def check_replaceable(book: Any, plan: Plan) -> list[str]:
    """The pack sheets already in ``book`` (from an earlier build): replaced by a build."""
    return list(_ours(book, plan.sheets).values())


def check_regradable(book: Any, plan: Plan, pack_names: Iterable[str]) -> list[SheetPlan]:
    """The planned sheets ``pack_names``, checked to be xlperf's sheets in ``book`` and to be
    referred to by no formula of another sheet (so they can be replaced on their own)."""
    chosen = [plan.sheet(n) for n in pack_names]
    ours = _ours(book, chosen)
    for sheet in chosen:
        if sheet.name not in ours:
            raise XlperfError(f"there is no sheet {sheet.name!r} to re-grade: press Build pack")
    targets = "|".join(re.escape(sheet_prefix(s.name)) for s in chosen)
    refers = re.compile(rf"(?<![\w.'])(?:{targets})!")
    for other in plan.sheets:
        if other in chosen:
            continue
        for (row, col), cell in other.cells.items():
            if cell.formula and refers.search(cell.formula):
                raise XlperfError(
                    f"{sheet_prefix(other.name)}!{column_letter(col)}{row} refers to a sheet a "
                    "re-grade replaces; press Build pack instead")
    return chosen


def replace_sheets(book: Any, plan: Plan, sheets: list[SheetPlan] | None = None,
                   layout: Layout | None = None) -> None:
    """Write the planned ``sheets`` (default: all) into ``book``, replacing xlperf's sheets
    of the same names. Each goes after the sheet the pack puts before it, where that exists,
    else at the end."""
    layout = layout or load_layout()
    sheets = sheets if sheets is not None else plan.sheets
    existing = _ours(book, sheets)
    written = {s.name for s in sheets}
    names = [n for n in plan.names if n[1] in written]
    present_names = {n.name for n in book.names}
    for name, _sheet, _refers in names:  # names first: they point into the old sheets
        if name in present_names:
            book.names[name].delete()
    for name in existing.values():
        book.sheets[name].delete()
    order = [s.name for s in plan.sheets]
    for sheet in sheets:
        position = order.index(sheet.name)
        before = {s.name.casefold() for s in book.sheets}
        previous = next((order[i] for i in range(position - 1, -1, -1)
                         if order[i].casefold() in before), None)
        after = book.sheets[previous] if previous else book.sheets[len(book.sheets) - 1]
        write_sheet(book.sheets.add(sheet.name, after=after), sheet, layout)
    for name, _sheet, refers_to in names:
        book.names.add(name, refers_to)
    book.sheets[sheets[0].name].activate()
