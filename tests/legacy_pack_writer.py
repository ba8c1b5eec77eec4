"""TEST ONLY: the openpyxl pack writer as it was before the streaming writer (issue 19),
kept so tests/test_pack_writer.py can compare the content of both outputs.

Write a pack description into the template workbook with openpyxl.

The template is opened, its tables and defined names read as anchors, the pack placed on
them (:func:`xlperf.pack.place.place`), and every cell, table, name and chart written.
Only then is the workbook serialised, so an error leaves nothing behind.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.series import SeriesLabel
from openpyxl.comments import Comment
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.table import Table, TableStyleInfo

from xlperf.a1 import column_letter, parse_a1
from xlperf.pack.model import Chart, Pack, Ref
from xlperf.pack.place import Anchors, NameAnchor, Placement, TableAnchor, place, sheet_prefix
from xlperf.problems import XlperfError
from xlperf.reading.xlsx import check_package
from xlperf.writers.atomic import workbook_bytes

#: Excel's limits, checked before anything is written.
MAX_CELL_CHARS = 32_767
MAX_ROWS = 1_048_576
MAX_COLS = 16_384
MAX_SHEET_NAME = 31
#: Excel's tallest row, in points: a taller height makes the file invalid.
MAX_ROW_HEIGHT = 409
FORBIDDEN_SHEET_CHARS = set("[]:*?/\\")
_TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]{0,254}$")


def _style_name(cell: Any) -> str | None:
    name = cell.style
    return None if name in (None, "Normal") else name


def anchors_from_workbook(book: Any, file: str) -> Anchors:
    """Where the template's tables and defined names are, and how their cells are styled."""
    anchors = Anchors(file, list(book.sheetnames))
    for sheet in book.worksheets:
        for table in sheet.tables.values():
            first, _, last = table.ref.partition(":")
            row, col = parse_a1(first)
            last_row, last_col = parse_a1(last or first)
            styles = tuple(_style_name(sheet.cell(row + 1, c)) for c in range(col, last_col + 1))
            anchors.tables[table.displayName] = TableAnchor(
                table.displayName, sheet.title, row, col, last_col - col + 1, last_row - row,
                styles, _style_name(sheet.cell(row, col)),
                _style_name(sheet.cell(row - 1, col)) if row > 1 else None)
            _refuse_merges(sheet, table.displayName, max(row - 1, 1), col, last_row, last_col,
                           file)
    for name, defined in book.defined_names.items():
        for sheet_name, coordinate in defined.destinations:
            if sheet_name in book.sheetnames:
                row, col = parse_a1(coordinate.split(":")[0])
                anchors.names[name] = NameAnchor(name, sheet_name, row, col)
    return anchors


def _refuse_merges(sheet: Any, table: str, top: int, left: int, bottom: int, right: int,
                   file: str) -> None:
    """xlperf writes every cell of a table and its title: merged cells there are refused,
    named by their template cells."""
    for merged in sheet.merged_cells.ranges:
        if (merged.min_row <= bottom and merged.max_row >= top and merged.min_col <= right
                and merged.max_col >= left):
            raise XlperfError(
                f"{file}: cells {sheet_prefix(sheet.title)}!{merged.coord} are merged over "
                f"table {table} (or its title row), where xlperf writes every cell; unmerge "
                "them in the template (Home > Merge & Center)")


def check_limits(pack: Pack) -> None:
    """Excel's limits on sheet names, table names and cell text, checked before writing."""
    problems: list[str] = []
    for sheet in pack.sheets:
        if len(sheet.name) > MAX_SHEET_NAME:
            problems.append(f"sheet name {sheet.name!r} is over {MAX_SHEET_NAME} characters")
        if FORBIDDEN_SHEET_CHARS & set(sheet.name):
            problems.append(f"sheet name {sheet.name!r} contains one of [ ] : * ? / \\")
        if not sheet.name.strip() or sheet.name[0] == "'" or sheet.name[-1] == "'" \
                or sheet.name.casefold() == "history":
            problems.append(f"sheet name {sheet.name!r} is blank, starts or ends with an "
                            "apostrophe, or is 'History', which Excel reserves")
        for named in sheet.named_cells:
            for text in (named.cell.value, named.cell.note):
                if isinstance(text, str) and len(text) > MAX_CELL_CHARS:
                    problems.append(f"{sheet.name}: {named.name} holds {len(text):,} "
                                    f"characters, over Excel's {MAX_CELL_CHARS:,}")
        for block in sheet.blocks:
            if not _TABLE_NAME.match(block.name):
                problems.append(f"{block.name!r} is not a valid Excel table name")
            if len(block.rows) + 2 > MAX_ROWS or len(block.header) > MAX_COLS:
                problems.append(f"table {block.name} has {len(block.rows):,} rows and "
                                f"{len(block.header):,} columns: more than an Excel sheet holds "
                                f"({MAX_ROWS:,} rows, {MAX_COLS:,} columns)")
            headers = [str(h) for h in block.header]
            if len(set(h.casefold() for h in headers)) != len(headers) or "" in headers:
                problems.append(f"table {block.name} needs unique, non-empty headings")
            for r, row in enumerate(block.rows):
                for c, cell in enumerate(row):
                    longest = max((len(t) for t in (cell.value, cell.note) if isinstance(t, str)),
                                  default=0)
                    if longest > MAX_CELL_CHARS:
                        problems.append(
                            f"{sheet.name}: table {block.name} row {r + 1} column {c + 1} holds "
                            f"{longest:,} characters, over Excel's {MAX_CELL_CHARS:,}")
    if problems:
        raise XlperfError("pack: " + "; ".join(problems))


def _write_cell(sheet: Any, row: int, col: int, value: Any, formula: str | None,
                style: str | None, styles: set[str], where: str) -> Any:
    if row > MAX_ROWS or col > MAX_COLS:
        raise XlperfError(f"{where}: beyond Excel's last row or column")
    cell = sheet.cell(row, col)
    try:
        if formula is not None:
            cell.value = formula
        else:
            cell.value = value
            if isinstance(value, str) and value.startswith(("=", "+", "-", "@")):
                cell.data_type = "s"  # text copied from the input is never a formula
    except IllegalCharacterError:
        raise XlperfError(f"{where}: the text holds control characters Excel cannot store") \
            from None
    except AttributeError:  # a MergedCell: only the top-left cell of a merge holds a value
        raise XlperfError(f"{where}: the template merges this cell with others, where xlperf "
                          "writes; unmerge it in the template (Home > Merge & Center)") from None
    if style:
        if style not in styles:
            raise XlperfError(f"{where}: the template has no cell style {style!r}")
        cell.style = style
    return cell


#: Points per line of 10-point text, and the characters a column of width 1 holds.
LINE_HEIGHT = 13.0
CHARS_PER_WIDTH = 1.15


def _lines(value: Any, width: float) -> int:
    """How many lines a wrapped text needs in a column ``width`` characters wide."""
    if not isinstance(value, str) or not value:
        return 1
    per_line = max(1, int(width * CHARS_PER_WIDTH))
    return sum(max(1, -(-len(part) // per_line)) for part in value.split("\n"))


def fit_row_heights(sheet: Any, wrapped: dict[int, int]) -> None:
    """Set each row's height to its tallest wrapped cell: Excel and LibreOffice do not
    re-fit rows of a file they open, so without this wrapped text would be cut off."""
    for row, lines in sorted(wrapped.items()):
        if lines > 1:
            sheet.row_dimensions[row].height = min(round(lines * LINE_HEIGHT + 3, 1),
                                                   MAX_ROW_HEIGHT)


def _clear(sheet: Any, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
    for row in range(first_row, last_row + 1):
        for col in range(first_col, last_col + 1):
            cell = sheet.cell(row, col)
            cell.value = None
            cell.style = "Normal"


def _chart(placement: Placement, chart: Chart, sheet_name: str, book: Any) -> Any:
    def reference(ref: Ref) -> Reference:
        placed = placement.blocks[ref.block]
        row, col = placed.position(ref.row, ref.col)
        row2, col2 = placed.position(ref.row if ref.row2 is None else ref.row2,
                                     ref.col if ref.col2 is None else ref.col2)
        return Reference(book[placed.sheet], min_col=col, min_row=row, max_col=col2,
                         max_row=row2)

    line: Any = LineChart() if chart.kind == "line" else BarChart()
    line.title = chart.title
    line.y_axis.title = chart.y_title
    line.x_axis.title = chart.x_title
    line.height, line.width = chart.height, chart.width
    line.legend = None if len(chart.series) == 1 else line.legend
    if chart.kind == "bar":
        line.type, line.overlap, line.gapWidth = "col", 100, 50
    overlay = LineChart()
    for series in chart.series:
        target = overlay if series.kind == "line" and chart.kind == "bar" else line
        target.add_data(reference(series.values), titles_from_data=False)
        target.series[-1].tx = SeriesLabel(v=series.title)
        if target is not line or chart.kind == "line":
            target.series[-1].smooth = False
    line.set_categories(reference(chart.categories))
    # openpyxl hides both axes unless told otherwise; a reviewer needs the scale.
    line.x_axis.delete = False
    line.y_axis.delete = False
    if overlay.series:
        line += overlay  # a line over the columns, on the same axes
    return line


def render_pack(pack: Pack, template: Path) -> bytes:
    """The finished pack workbook as bytes (deterministic: same pack, same bytes)."""
    check_package(Path(template))
    check_limits(pack)
    book = load_workbook(template)
    anchors = anchors_from_workbook(book, Path(template).name)
    placement = place(pack, anchors)
    styles = {s if isinstance(s, str) else s.name for s in book.named_styles}
    described = {s.name for s in pack.sheets}
    for name in list(book.sheetnames):
        if name not in described:
            del book[name]

    for sheet in book.worksheets:
        for table_name in list(sheet.tables):
            del sheet.tables[table_name]
    for shift in placement.shifts:
        sheet = book[shift.sheet]
        if sheet.max_row > shift.after_row:
            last = column_letter(max(sheet.max_column, 1))
            sheet.move_range(f"A{shift.after_row + 1}:{last}{sheet.max_row}", rows=shift.by)
    for name, first_row, first_col, last_row, last_col in placement.spare:
        _clear(book[name], first_row, first_col, last_row, last_col)
    for anchor in placement.unused_tables:
        if anchor.sheet in book.sheetnames:  # a sheet not described was deleted above
            _clear(book[anchor.sheet], anchor.top, anchor.col, anchor.bottom,
                   anchor.col + anchor.width - 1)

    wrapped: dict[str, dict[int, int]] = {}
    merged = {(name, r.min_row, r.min_col): (r.min_col, r.max_col)
              for name in described for r in book[name].merged_cells.ranges}
    for placed in placement.cells():
        sheet = book[placed.sheet]
        where = f"{sheet_prefix(placed.sheet)}!{placed.coordinate}"
        cell = _write_cell(sheet, placed.row, placed.col, placed.cell.value, placed.formula,
                           placed.cell.style, styles, where)
        if placed.cell.link:
            # an internal link: a location in this workbook, not an external target
            cell.hyperlink = Hyperlink(ref=cell.coordinate,
                                       location=f"{sheet_prefix(placed.cell.link)}!A1")
        if placed.cell.note:
            cell.comment = Comment(placed.cell.note, "xlperf", width=300, height=120)
        if cell.alignment.wrap_text and placed.formula is None:
            first, last = merged.get((placed.sheet, placed.row, placed.col),
                                     (placed.col, placed.col))
            width = sum(sheet.column_dimensions[column_letter(c)].width or 8.43
                        for c in range(first, last + 1))
            rows = wrapped.setdefault(placed.sheet, {})
            rows[placed.row] = max(rows.get(placed.row, 1), _lines(placed.cell.value, width))
    for name, rows in wrapped.items():
        fit_row_heights(book[name], rows)

    for placed_block in placement.blocks.values():
        if placed_block.block.new_page and placed_block.title_row > 1:
            book[placed_block.sheet].row_breaks.append(Break(id=placed_block.title_row - 1))
        table = Table(displayName=placed_block.block.name, ref=placed_block.ref)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=False)
        book[placed_block.sheet].add_table(table)

    for name, name_anchor in placement.names.items():
        if name_anchor.sheet not in book.sheetnames:  # no name may point at a deleted sheet
            book.defined_names.pop(name, None)
            continue
        target = (f"{sheet_prefix(name_anchor.sheet)}!${column_letter(name_anchor.col)}"
                  f"${name_anchor.row}")
        book.defined_names[name] = DefinedName(name, attr_text=target)

    fields = pack.header_fields
    for sheet_desc in pack.sheets:
        sheet = book[sheet_desc.name]
        for part in ("left", "center", "right"):
            for band in (sheet.oddHeader, sheet.oddFooter):
                text = getattr(band, part).text
                if text:
                    getattr(band, part).text = text.format_map(fields)
        for chart in sheet_desc.charts:
            chart_anchor = placement.names[chart.anchor]
            sheet.add_chart(_chart(placement, chart, sheet_desc.name, book),
                            f"{column_letter(chart_anchor.col)}{chart_anchor.row}")
    book.calculation.fullCalcOnLoad = True
    return workbook_bytes(book)
