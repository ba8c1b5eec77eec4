"""Write a quarterly performance workbook (empty for `xlperf init`, or filled for the demo).

The layout comes from the schema: one sheet per dataset, each table under a title and a
line saying what it holds, drop-downs where a cell takes one of a fixed set of values,
input cells in the named style "Input", and an Instructions sheet first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

from ..schema import ColumnSpec, Schema, TableSpec, load_schema
from .atomic import save_workbook_atomically

LIST_SHEET = "Lists"
TYPE_HELP = {
    "text": "text",
    "count": "whole number, 0 or more; blank = no data",
    "number": "number",
    "percent": "percentage as 0-100",
    "fy": "financial year, e.g. 2021-22",
    "year": "calendar year, e.g. 2022",
    "quarter": "Q1, Q2, Q3 or Q4",
    "date": "Excel date",
    "yesno": "Yes or No",
    "choice": "one of a list (drop-down)",
    "ref": "a value from another table",
    "rule": "a rule name from the Rules table or xlperf's defaults",
    "threshold": "comparison such as >= 5",
    "value_source": "Measure values, or a computed series",
    "any": "any value",
}


def _styles(book: Workbook) -> None:
    title = NamedStyle(name="Title")
    title.font = Font(bold=True, size=14, color="1F3864")
    book.add_named_style(title)
    note = NamedStyle(name="Note")
    note.font = Font(italic=True, size=9, color="595959")
    note.alignment = Alignment(wrap_text=False)
    book.add_named_style(note)
    inputs = NamedStyle(name="Input")
    inputs.fill = PatternFill("solid", fgColor="FFF2CC")
    inputs.font = Font(color="0000FF")
    book.add_named_style(inputs)


def build_input_workbook(
    rows: Mapping[str, Sequence[Sequence[Any]]] | None = None,
    schema: Schema | None = None,
    blank_rows: int = 5,
) -> Workbook:
    """A workbook holding every table of the schema, filled with ``rows`` where given."""
    schema = schema or load_schema()
    rows = rows or {}
    book = Workbook()
    _styles(book)
    instructions = book.active
    instructions.title = "Instructions"
    lists = book.create_sheet(LIST_SHEET)
    list_ranges = _write_lists(lists, schema)
    next_row: dict[str, int] = {}
    for spec in schema.tables:
        if spec.sheet not in book.sheetnames:
            book.create_sheet(spec.sheet)
            next_row[spec.sheet] = 1
        sheet = book[spec.sheet]
        start = next_row[spec.sheet]
        last = _write_table(sheet, spec, start, rows.get(spec.name, ()), list_ranges,
                            schema, blank_rows)
        next_row[spec.sheet] = last + 3
    book.move_sheet(LIST_SHEET, offset=len(book.sheetnames))
    _write_instructions(instructions, schema)
    return book


def _write_lists(sheet: Any, schema: Schema) -> dict[str, str]:
    sheet["A1"] = "Fixed lists used by the drop-downs (do not edit)"
    sheet["A1"].style = "Title"
    ranges: dict[str, str] = {}
    for col, (name, values) in enumerate(sorted(schema.choices.items()), start=1):
        letter = get_column_letter(col)
        sheet.cell(row=3, column=col, value=name).font = Font(bold=True)
        for i, value in enumerate(values):
            sheet.cell(row=4 + i, column=col, value=value)
        ranges[name] = f"{LIST_SHEET}!${letter}$4:${letter}${3 + len(values)}"
        sheet.column_dimensions[letter].width = 24
    return ranges


def _write_table(sheet: Any, spec: TableSpec, start: int, data: Sequence[Sequence[Any]],
                 list_ranges: dict[str, str], schema: Schema, blank_rows: int) -> int:
    first_col = 2
    sheet.cell(row=start, column=first_col, value=spec.title).style = "Title"
    sheet.cell(row=start + 1, column=first_col, value=spec.about).style = "Note"
    header_row = start + schema.header_row - 1
    for j, column in enumerate(spec.columns):
        cell = sheet.cell(row=header_row, column=first_col + j, value=column.name)
        cell.font = Font(bold=True)
        width = 9 if column.month else max(12, min(48, len(column.name) + 6))
        if column.type == "text" and not column.required:
            width = max(width, 30)
        letter = get_column_letter(first_col + j)
        current = sheet.column_dimensions[letter].width or 0
        sheet.column_dimensions[letter].width = max(current, width)
    n_rows = len(data) or max(blank_rows, 1)
    for i in range(n_rows):
        values = data[i] if i < len(data) else [None] * len(spec.columns)
        for j, _column in enumerate(spec.columns):
            value = values[j] if j < len(values) else None
            cell = sheet.cell(row=header_row + 1 + i, column=first_col + j)
            cell.style = "Input"
            if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
                cell.value = value
                cell.data_type = "s"
            else:
                cell.value = value
            if _is_date(spec.columns[j]):
                cell.number_format = "dd/mm/yyyy"
    last_row = header_row + n_rows
    ref = f"{get_column_letter(first_col)}{header_row}:" \
          f"{get_column_letter(first_col + len(spec.columns) - 1)}{last_row}"
    table = Table(displayName=spec.name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    sheet.add_table(table)
    for j, column in enumerate(spec.columns):
        validation = _validation(column, list_ranges, schema)
        if validation is None:
            continue
        letter = get_column_letter(first_col + j)
        validation.add(f"{letter}{header_row + 1}:{letter}{max(last_row, header_row + 200)}")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = None
    return last_row


def _is_date(column: ColumnSpec) -> bool:
    return column.type == "date"


def _validation(column: ColumnSpec, list_ranges: dict[str, str],
                schema: Schema) -> DataValidation | None:
    error = f"{column.name}: {TYPE_HELP.get(column.type, column.type)}"
    if column.type == "choice" and column.choices in list_ranges:
        dv = DataValidation(type="list", formula1=f"={list_ranges[column.choices]}",
                            allow_blank=not column.required)
    elif column.type == "yesno":
        dv = DataValidation(type="list", formula1='"Yes,No"', allow_blank=not column.required)
    elif column.type == "quarter":
        dv = DataValidation(type="list", formula1='"Q1,Q2,Q3,Q4"', allow_blank=not column.required)
    elif column.type == "count":
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0",
                            allow_blank=True)
    elif column.type == "date":
        dv = DataValidation(type="date", operator="greaterThan", formula1="1",
                            allow_blank=not column.required)
    else:
        return None
    dv.error = error
    dv.errorTitle = "xlperf"
    dv.showErrorMessage = True
    return dv


def _write_instructions(sheet: Any, schema: Schema) -> None:
    sheet["B2"] = "Quarterly performance workbook"
    sheet["B2"].style = "Title"
    lines = [
        "Fill the yellow input cells of each table; keep the headers as they are.",
        "Add rows by typing in the row under a table (Excel extends the table).",
        "Leave a month blank when there is no data: a blank is never read as 0.",
        "Percentages are written 0-100 (79 means 79%). Financial years are written 2021-22.",
        "Check the workbook with:  xlperf validate <this file>",
        "Explain a measure's grade: xlperf explain MEASURE_ID <this file>",
        "List grade differences:   xlperf reconcile <this file>",
        "",
        "Sheet / table / what it holds",
    ]
    row = 4
    for line in lines:
        sheet.cell(row=row, column=2, value=line)
        row += 1
    sheet.cell(row=row - 1, column=2).font = Font(bold=True)
    for spec in schema.tables:
        sheet.cell(row=row, column=2, value=spec.sheet)
        sheet.cell(row=row, column=3, value=spec.name)
        sheet.cell(row=row, column=4, value=f"{spec.title}. {spec.about}".strip())
        row += 1
    sheet.column_dimensions["B"].width = 24
    sheet.column_dimensions["C"].width = 20
    sheet.column_dimensions["D"].width = 120


def write_input_workbook(path: Path, rows: Mapping[str, Sequence[Sequence[Any]]] | None = None,
                         overwrite: bool = False) -> Path:
    """Write the workbook to ``path`` atomically; refuse to replace a file unless told to."""
    path = Path(path)
    if path.exists() and not overwrite:
        from ..problems import XlperfError  # noqa: PLC0415

        raise XlperfError(f"{path}: already exists; xlperf init never overwrites a file")
    book = build_input_workbook(rows, blank_rows=0 if rows else 5)
    return save_workbook_atomically(book, path)
