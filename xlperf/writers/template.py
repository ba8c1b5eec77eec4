"""Generate the pack template workbook from the layout files.

The result (``xlperf/assets/pack-template.xlsx``) is what an analyst restyles in Excel: named
cell styles, column widths, titles, and one Excel table per place xlperf writes, each with
its header and a few styled body rows. xlperf later finds those tables by name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.table import Table, TableStyleInfo

from ..a1 import column_letter, parse_a1
from ..pack.layout import Layout, SheetLayout, load_layout
from ..pack.place import sheet_prefix
from .atomic import save_workbook_atomically

TEMPLATE_FILE = "pack-template.xlsx"
_THIN = Side(style="thin", color="BFBFBF")


def named_style(name: str, spec: dict[str, Any], base_font: dict[str, Any]) -> NamedStyle:
    font = {**base_font, **(spec.get("font") or {})}
    style = NamedStyle(name=name)
    style.font = Font(name=font.get("name"), size=font.get("size"), bold=font.get("bold"),
                      italic=font.get("italic"), color=font.get("color"),
                      underline=font.get("underline"))
    if spec.get("fill"):
        style.fill = PatternFill("solid", fgColor=spec["fill"])
    if spec.get("border"):
        style.border = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
    style.alignment = Alignment(wrap_text=spec.get("wrap"), vertical=spec.get("vertical"),
                                horizontal=spec.get("horizontal"))
    if spec.get("number_format"):
        style.number_format = spec["number_format"]
    return style


def page_setup(sheet: Any, page: dict[str, Any]) -> None:
    sheet.page_setup.paperSize = (sheet.PAPERSIZE_A3 if page.get("paper") == "A3"
                                  else sheet.PAPERSIZE_A4)
    sheet.page_setup.orientation = page.get("orientation", "landscape")
    sheet.page_setup.fitToWidth = page.get("fit_to_width", 1)
    sheet.page_setup.fitToHeight = page.get("fit_to_height", 0)
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    for side, inches in (page.get("margins") or {}).items():
        setattr(sheet.page_margins, side, inches)
    for part, text in (page.get("header") or {}).items():
        getattr(sheet.oddHeader, part).text = text
    for part, text in (page.get("footer") or {}).items():
        getattr(sheet.oddFooter, part).text = text


#: Cells of this style are merged across the sheet's columns, so a long note wraps within
#: the printed width instead of widening the page.
NOTE_STYLE = "Note"


def _merge_across(sheet: Any, at: str, last_col: int) -> None:
    row, col = parse_a1(at)
    if last_col > col:
        sheet.merge_cells(start_row=row, start_column=col, end_row=row, end_column=last_col)


def _sheet(book: Workbook, layout: SheetLayout, page: dict[str, Any]) -> None:
    sheet = book.create_sheet(layout.name)
    sheet.sheet_view.showGridLines = False
    for letter, width in layout.widths.items():
        sheet.column_dimensions[letter].width = width
    last_col = max((parse_a1(f"{letter}1")[1] for letter in layout.widths), default=1)
    if layout.print_area:  # a note wraps within what prints
        last_col = parse_a1(layout.print_area.split(":")[-1])[1]
    for text in layout.text:
        cell = sheet[text.at]
        cell.value = text.text
        if text.style:
            cell.style = text.style
        if text.style == NOTE_STYLE:
            _merge_across(sheet, text.at, last_col)
    for named in [*layout.names, *layout.charts]:
        row, col = parse_a1(named.at)
        target = f"{sheet_prefix(layout.name)}!${column_letter(col)}${row}"
        book.defined_names[named.name] = DefinedName(named.name, attr_text=target)
        if named.style:
            sheet.cell(row, col).style = named.style
        if named.style == NOTE_STYLE:
            _merge_across(sheet, named.at, last_col)
    for table in layout.tables:
        row, col = parse_a1(table.at)
        sheet.cell(row - 1, col).style = "Heading"
        for offset, heading in enumerate(table.header):
            cell = sheet.cell(row, col + offset, heading)
            cell.style = "Header"
            for body in range(1, table.rows + 1):
                style = table.styles[min(offset, len(table.styles) - 1)] if table.styles else None
                if style:
                    sheet.cell(row + body, col + offset).style = style
        ref = f"{column_letter(col)}{row}:{column_letter(col + len(table.header) - 1)}" \
              f"{row + table.rows}"
        excel_table = Table(displayName=table.name, ref=ref)
        excel_table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1",
                                                    showRowStripes=False)
        sheet.add_table(excel_table)
    page_setup(sheet, {**page, **layout.page})
    for row in layout.row_breaks:
        sheet.row_breaks.append(Break(id=row))
    if layout.print_area:
        sheet.print_area = layout.print_area
    for table in layout.tables:
        if table.name == layout.print_titles:
            row, _col = parse_a1(table.at)
            sheet.print_title_rows = f"{row}:{row}"


def build_template(layout: Layout | None = None) -> Workbook:
    layout = layout or load_layout()
    book = Workbook()
    book.remove(book.active)
    for name, spec in layout.styles.items():
        book.add_named_style(named_style(name, spec, layout.base_font))
    for sheet in layout.sheets:
        _sheet(book, sheet, layout.page)
    return book


def write_template(output: Path) -> Path:
    return save_workbook_atomically(build_template(), output)
