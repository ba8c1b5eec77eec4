"""The bad-input catalogue: malformed input workbooks, each with the problem xlperf must report.

Every case is data: a name, a builder that writes the malformed input into a folder, the
stable problem code and the cell (``Crime!D5``, as Excel writes an address; ``''`` for a
problem with the file itself) that ``xlperf validate`` and ``xlperf build`` must name.
Cases start from a tiny valid input (tests/tiny_input.py, which tests/test_validate.py
uses too) or from the demo workbook, and break one thing, with openpyxl or by editing the
package's XML. The output is deterministic: the same script gives the same bytes.

Run:  .venv/bin/python tests/bad_inputs.py OUTDIR  (writes every case and OUTDIR/catalogue.json)
Used by tests/test_catalogue.py, which runs both commands on every case.
"""

from __future__ import annotations

import io
import json
import re
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tiny_input import (
    FY_MONTHS,
    crime_rows,
    measure,
    measure_value,
    rule,
    valid_rows,
)

from xlperf.reading.xlsx import MAX_INPUT_BYTES

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

DEMO = ROOT / "xlperf" / "assets" / "demo-q4-2021-22.xlsx"
#: Excel's last row: a sheet filled to it has almost certainly lost rows.
LAST_ROW = 1_048_576
#: Fixed zip entry date for packages edited here (as xlperf.writers.atomic does).
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
CYRILLIC_OCT = "\u041e\u0421\u0422"  # "ОСТ": Cyrillic O, Es, Te

Builder = Callable[[Path], Path]


@dataclass(frozen=True)
class Case:
    """One malformed input and what xlperf must say about it."""

    name: str
    builder: Builder  # writes the input into a folder and returns its path
    code: str
    cell: str  # 'Crime!D5' / "'Measure values'!E5"; the sheet alone; '' for the file itself
    severity: str = "error"
    about: str = ""

    def build(self, folder: Path) -> Path:
        return self.builder(Path(folder))


# -- writing -----------------------------------------------------------------------------------

def _save(book: Any, path: Path) -> Path:
    from xlperf.writers.atomic import workbook_bytes

    path.write_bytes(workbook_bytes(book))
    return path


def _zip(parts: dict[str, bytes], level: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", level) as archive:
        for name, content in parts.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = level
            info.external_attr = 0o600 << 16
            archive.writestr(info, content)
    return out.getvalue()


def tiny(change: Callable[[Any], None] | None = None, **tables: list[list[Any]]) -> Builder:
    """A builder: the tiny valid input with ``tables`` replaced, then ``change`` applied."""

    def build(folder: Path) -> Path:
        from openpyxl import load_workbook

        from xlperf.writers.input_workbook import build_input_workbook

        book = build_input_workbook(valid_rows(**tables), blank_rows=0)
        if change is not None:
            book = load_workbook(io.BytesIO(_save_bytes(book)))
            change(book)
        return _save(book, folder / "input.xlsx")

    return build


def _save_bytes(book: Any) -> bytes:
    from xlperf.writers.atomic import workbook_bytes

    return workbook_bytes(book)


def demo(change: Callable[[Any], None]) -> Builder:
    """A builder: the demo workbook changed with openpyxl."""

    def build(folder: Path) -> Path:
        from openpyxl import load_workbook

        book = load_workbook(DEMO)
        change(book)
        return _save(book, folder / "demo-copy.xlsx")

    return build


def demo_xml(edit: Callable[[dict[str, bytes]], None]) -> Builder:
    """A builder: the demo package with its XML parts edited directly."""

    def build(folder: Path) -> Path:
        with zipfile.ZipFile(DEMO) as archive:
            parts = {name: archive.read(name) for name in archive.namelist()}
        edit(parts)
        path = folder / "demo-copy.xlsx"
        path.write_bytes(_zip(parts))
        return path

    return build


def raw(name: str, content: Callable[[], bytes]) -> Builder:
    def build(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(content())
        return path

    return build


# -- openpyxl edits ---------------------------------------------------------------------------

def put(sheet: str, **cells: Any) -> Callable[[Any], None]:
    def change(book: Any) -> None:
        for ref, value in cells.items():
            book[sheet][ref] = value

    return change


def add_column(sheet_name: str, table_name: str, header: str,
               values: dict[int, Any] | None = None) -> Callable[[Any], None]:
    """Widen a table by one column to the right, headed ``header``."""

    def change(book: Any) -> None:
        from openpyxl.utils import column_index_from_string, get_column_letter
        from openpyxl.worksheet.table import TableColumn

        sheet = book[sheet_name]
        table = sheet.tables[table_name]
        first, last = table.ref.split(":")
        last_col = re.match(r"[A-Z]+", last).group(0)  # type: ignore[union-attr]
        last_row = int(last[len(last_col):])
        new_col = get_column_letter(column_index_from_string(last_col) + 1)
        header_row = int(re.sub(r"[A-Z]+", "", first))
        sheet[f"{new_col}{header_row}"] = header
        for row, value in (values or {}).items():
            sheet[f"{new_col}{row}"] = value
        table.ref = f"{first}:{new_col}{last_row}"
        if table.autoFilter is not None:
            table.autoFilter.ref = table.ref
        table.tableColumns.append(TableColumn(id=len(table.tableColumns) + 1, name=header))

    return change


def rename_header(sheet_name: str, table_name: str, cell: str,
                  header: str) -> Callable[[Any], None]:
    def change(book: Any) -> None:
        from openpyxl.utils import column_index_from_string

        sheet = book[sheet_name]
        table = sheet.tables[table_name]
        sheet[cell] = header
        first_col = re.match(r"[A-Z]+", table.ref).group(0)  # type: ignore[union-attr]
        letters = re.match(r"[A-Z]+", cell).group(0)  # type: ignore[union-attr]
        index = column_index_from_string(letters) - column_index_from_string(first_col)
        table.tableColumns[index].name = header

    return change


def add_row(sheet_name: str, table_name: str, values: list[Any]) -> Callable[[Any], None]:
    """Append a row to a table and extend the table over it."""

    def change(book: Any) -> None:
        from openpyxl.utils import column_index_from_string

        sheet = book[sheet_name]
        table = sheet.tables[table_name]
        first, last = table.ref.split(":")
        first_col = re.match(r"[A-Z]+", first).group(0)  # type: ignore[union-attr]
        last_col = re.match(r"[A-Z]+", last).group(0)  # type: ignore[union-attr]
        row = int(last[len(last_col):]) + 1
        start = column_index_from_string(first_col)
        for j, value in enumerate(values):
            sheet.cell(row, start + j, value)
        table.ref = f"{first}:{last_col}{row}"
        if table.autoFilter is not None:
            table.autoFilter.ref = table.ref

    return change


def below_table(sheet_name: str, row: int, values: list[Any]) -> Callable[[Any], None]:
    """Data typed under a table, outside its range (the table is not extended)."""

    def change(book: Any) -> None:
        for j, value in enumerate(values):
            book[sheet_name].cell(row, 2 + j, value)

    return change


def hide_row(sheet_name: str, row: int) -> Callable[[Any], None]:
    def change(book: Any) -> None:
        book[sheet_name].row_dimensions[row].hidden = True

    return change


def merge(sheet_name: str, cells: str) -> Callable[[Any], None]:
    def change(book: Any) -> None:
        book[sheet_name].merge_cells(cells)

    return change


def rename_sheet(old: str, new: str) -> Callable[[Any], None]:
    def change(book: Any) -> None:
        book[old].title = new

    return change


def remove_sheet(name: str) -> Callable[[Any], None]:
    def change(book: Any) -> None:
        book.remove(book[name])

    return change


def drop_table(sheet_name: str, table_name: str) -> Callable[[Any], None]:
    def change(book: Any) -> None:
        book[sheet_name].tables.pop(table_name)

    return change


def drop_source_column(book: Any) -> None:
    sheet = book["Crime"]
    table = sheet.tables["tblCrime"]
    table.ref = "B4:O44"
    table.tableColumns.pop()
    for row in range(4, 45):
        sheet[f"P{row}"] = None


def every(*changes: Callable[[Any], None]) -> Callable[[Any], None]:
    def change(book: Any) -> None:
        for step in changes:
            step(book)

    return change


# -- XML edits --------------------------------------------------------------------------------

def _sheet_part(parts: dict[str, bytes], sheet: str) -> str:
    """The path of ``sheet``'s XML part (through workbook.xml and its relationships)."""
    workbook = parts["xl/workbook.xml"].decode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    rid = re.search(rf'<sheet[^>]*name="{re.escape(sheet)}"[^>]*r:id="([^"]+)"', workbook)
    assert rid, sheet
    target = re.search(rf'<Relationship[^>]*Id="{rid.group(1)}"[^>]*Target="([^"]+)"', rels) \
        or re.search(rf'<Relationship[^>]*Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels)
    assert target, rid.group(1)
    path = target.group(1).lstrip("/")
    return path if path.startswith("xl/") else f"xl/{path}"


def _table_part(parts: dict[str, bytes], table: str) -> str:
    for name, content in parts.items():
        if name.startswith("xl/tables/") and f'displayName="{table}"'.encode() in content:
            return name
    raise AssertionError(table)


def rename_table_xml(old: str, new: str) -> Callable[[dict[str, bytes]], None]:
    """Give table ``old`` the name ``new`` (Excel's own UI would refuse a duplicate)."""

    def edit(parts: dict[str, bytes]) -> None:
        name = _table_part(parts, old)
        parts[name] = parts[name].replace(f'"{old}"'.encode(), f'"{new}"'.encode())

    return edit


def inline_text(sheet: str, ref: str, text: str) -> Callable[[dict[str, bytes]], None]:
    """Put ``text`` into one cell as an inline string (openpyxl would cut it at 32,767)."""

    def edit(parts: dict[str, bytes]) -> None:
        part = _sheet_part(parts, sheet)
        cell = f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'
        xml, count = re.subn(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)', cell, parts[part].decode(),
                             count=1, flags=re.DOTALL)
        assert count == 1, ref
        parts[part] = xml.encode()

    return edit


def fill_to_last_row(parts: dict[str, bytes]) -> None:
    """The Crime table runs to Excel's last row, with a data row there, as a pasted export
    that hit the limit does. Written straight into the XML: no million openpyxl rows."""
    part = _sheet_part(parts, "Crime")
    xml = parts[part].decode()
    xml = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="B1:P{LAST_ROW}"/>', xml)
    values = "".join(f'<c r="{chr(ord("D") + i)}{LAST_ROW}"><v>1</v></c>' for i in range(12))
    row = (f'<row r="{LAST_ROW}"><c r="B{LAST_ROW}" t="inlineStr"><is><t>Homicide</t></is></c>'
           f'<c r="C{LAST_ROW}" t="inlineStr"><is><t>2021-22</t></is></c>{values}'
           f'<c r="P{LAST_ROW}" t="inlineStr"><is><t>export</t></is></c></row>')
    xml = xml.replace("</sheetData>", row + "</sheetData>")
    parts[part] = xml.encode()
    table = _table_part(parts, "tblCrime")
    parts[table] = re.sub(rb'ref="B4:P\d+"', f'ref="B4:P{LAST_ROW}"'.encode(), parts[table])


def stray_last_row(parts: dict[str, bytes]) -> None:
    """A value in the last row of the ASB sheet, far below its (unchanged) table."""
    part = _sheet_part(parts, "ASB")
    xml = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="B1:O{LAST_ROW}"/>',
                 parts[part].decode())
    row = f'<row r="{LAST_ROW}"><c r="C{LAST_ROW}"><v>81</v></c></row>'
    parts[part] = xml.replace("</sheetData>", row + "</sheetData>").encode()


# -- hostile and unreadable files -------------------------------------------------------------

def _demo_parts() -> dict[str, bytes]:
    with zipfile.ZipFile(DEMO) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def billion_laughs() -> bytes:
    """The classic XML entity bomb, as the demo's workbook part."""
    lol = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)]
    bomb = (f'<?xml version="1.0"?><!DOCTYPE lolz [{"".join(lol)}]>'
            "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
            "<sheets><sheet name=\"&lol9;\" sheetId=\"1\"/></sheets></workbook>")
    parts = _demo_parts()
    parts["xl/workbook.xml"] = bomb.encode()
    return _zip(parts)


def zip_bomb() -> bytes:
    """A part that unpacks to 64 MiB of zeros from about 64 KiB (1000 to 1)."""
    parts = _demo_parts()
    parts["xl/media/padding.bin"] = bytes(64 * 1024 * 1024)
    return _zip(parts)


def truncated() -> bytes:
    data = DEMO.read_bytes()
    return data[: len(data) // 2]


def too_large(folder: Path) -> Path:
    """A file one byte over the input limit (sparse: nothing is really written)."""
    path = folder / "too-large.xlsx"
    with path.open("wb") as handle:
        handle.write(DEMO.read_bytes())
        handle.truncate(MAX_INPUT_BYTES + 1)
    return path


def empty_workbook(folder: Path) -> Path:
    from openpyxl import Workbook

    return _save(Workbook(), folder / "blank.xlsx")


# -- the catalogue ----------------------------------------------------------------------------

def _future_tiny_rows() -> list[list[Any]]:
    rows = crime_rows()
    for row in rows:
        if row[1] == "2021-22":
            row[2 + 9:2 + 12] = [None, None, None]  # Jan-Mar 2022 not in yet
    rows[1][2 + FY_MONTHS.index("Jan")] = 7  # ... except Homicide January
    return rows


def _crime_with(index: int, position: int, value: Any) -> list[list[Any]]:
    rows = crime_rows()
    rows[index][position] = value
    return rows


_ALL_CRIME_ROW = ["All Crime", "2021-22", *[999] * 12, "typed by hand"]
_SERVATOR_TOTAL = ["TOTAL", "2021-22", *[250] * 12, "typed by hand"]

CASES: list[Case] = [
    # -- the foundation cases (issue 2), on the tiny input --------------------------------
    Case("missing-sheet", tiny(remove_sheet("ASB")), "missing-sheet", "ASB"),
    Case("missing-table", tiny(drop_table("ASB", "tblASB")), "missing-table", "ASB"),
    Case("missing-column", tiny(drop_source_column), "missing-column", "Crime!P4"),
    Case("renamed-column-typo", tiny(rename_header("Crime", "tblCrime", "B4", "Catgory")),
         "renamed-column", "Crime!B4"),
    Case("renamed-month-sept", tiny(rename_header("Crime", "tblCrime", "I4", "Sept")),
         "renamed-column", "Crime!I4"),
    Case("cyrillic-oct-header", tiny(rename_header("Crime", "tblCrime", "J4", CYRILLIC_OCT)),
         "renamed-column", "Crime!J4", about="Cyrillic О, С, Т in place of Latin O, C, T"),
    Case("month-of-next-year", tiny(add_column("Crime", "tblCrime", "Apr-23")),
         "month-outside-year", "Crime!Q4"),
    Case("extra-cyrillic-month", tiny(add_column("Crime", "tblCrime", CYRILLIC_OCT)),
         "month-outside-year", "Crime!Q4"),
    Case("empty-workbook", empty_workbook, "empty-workbook", ""),
    Case("hidden-row", tiny(hide_row("Crime", 6)), "hidden-row", "Crime!B6"),
    Case("merged-cells", tiny(merge("Crime", "P5:P7")), "merged-cells", "Crime!P5"),
    Case("text-in-count", tiny(put("Crime", D5="twelve")), "not-a-number", "Crime!D5"),
    Case("number-as-text", tiny(put("Crime", D5="12")), "number-stored-as-text", "Crime!D5"),
    Case("ref-error", tiny(put("Crime", D5="#REF!")), "formula-error", "Crime!D5"),
    Case("negative-count", tiny(put("Crime", D5=-3)), "negative-count", "Crime!D5"),
    Case("fractional-count", tiny(put("Crime", D5=3.5)), "fractional-count", "Crime!D5"),
    Case("duplicate-period", tiny(tblCrime=[*crime_rows(), crime_rows()[0]]),
         "duplicate-period", "Crime!B45"),
    Case("unknown-category",
         tiny(tblCrime=[*crime_rows(), ["Knife Crime", "2021-22", *[1] * 12, "test"]]),
         "unknown-category", "Crime!B45"),
    Case("typed-subtotal",
         tiny(tblCrime=[*crime_rows(), ["All Crime", "2021-22", *[200] * 12, "test"]]),
         "typed-total", "Crime!B45"),
    Case("unknown-measure",
         tiny(tblMeasureValues=[measure_value(), measure_value(measure_id="M9")]),
         "unknown-measure", "'Measure values'!B6"),
    Case("unknown-priority", tiny(tblMeasures=[measure(priority="Local Plicing")]),
         "unknown-priority", "Measures!C5"),
    Case("unknown-grade", tiny(tblMeasureValues=[measure_value(grade="Good")]),
         "unknown-grade", "'Measure values'!F5"),
    Case("percent-as-fraction", tiny(tblMeasureValues=[measure_value(value=0.79)]),
         "percent-as-fraction", "'Measure values'!E5"),
    Case("percent-out-of-range", tiny(tblMeasureValues=[measure_value(value=130)]),
         "percent-out-of-range", "'Measure values'!E5"),
    Case("missing-month", tiny(tblCrime=_crime_with(1, 2 + FY_MONTHS.index("Jun"), None)),
         "missing-month", "Crime!F6"),
    Case("future-month-tiny", tiny(tblCrime=_future_tiny_rows(),
                                   tblSettings=[["Reporting quarter", "Q3 2021-22"]]),
         "future-month", "Crime!M6"),
    Case("unknown-rule-kind", tiny(tblRules=[rule(kind="ratio")]), "unknown-rule-kind",
         "Rules!C5"),
    Case("thresholds-out-of-order", tiny(tblRules=[rule(cm="> 5", ra="> 0")]),
         "thresholds-out-of-order", "Rules!I5"),
    Case("missing-rule", tiny(tblMeasures=[measure(rule=None)]), "missing-rule", "Measures!G5"),
    Case("missing-reference-period",
         tiny(tblRules=[rule(reference="baseline FY", baseline_fy="2015-16")],
              tblMeasures=[measure(rule="R1", source="Crime YTD: All Crime", unit="count")],
              tblMeasureValues=[]),
         "missing-reference", "Rules!G5"),
    Case("unknown-column", tiny(add_column("Crime", "tblCrime", "Notes")), "unknown-column",
         "Crime!Q4", severity="warning"),
    Case("random-bytes", raw("broken.xlsx", lambda: bytes(range(256)) * 8), "corrupt-file", ""),
    Case("truncated-file", raw("truncated.xlsx", truncated), "corrupt-file", ""),
    Case("password-protected",
         raw("locked.xlsx", lambda: bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504),
         "password-protected", ""),
    Case("xls-file", raw("old.xls", lambda: b"Category,FY,Apr\nHomicide,2021-22,1\n"),
         "wrong-format", ""),
    Case("csv-file", raw("export.csv", lambda: b"Category,FY,Apr\nHomicide,2021-22,1\n"),
         "wrong-format", ""),
    Case("file-not-found", lambda folder: folder / "nowhere.xlsx", "file-not-found", ""),
    # -- issue 6: the usual spreadsheet faults, on the demo --------------------------------
    Case("merged-across-table", demo(merge("Crime", "D6:F6")), "merged-cells", "Crime!D6"),
    Case("hidden-row-in-demo", demo(hide_row("Crime", 20)), "hidden-row", "Crime!B20"),
    Case("number-as-text-in-demo", demo(put("Servator", E8="28")), "number-stored-as-text",
         "Servator!E8"),
    Case("thousands-as-text", demo(put("Crime", H30="1,234")), "number-stored-as-text",
         "Crime!H30"),
    Case("date-as-text", demo(put("HMICFRS", I5="31/05/2022")), "date-stored-as-text",
         "HMICFRS!I5"),
    Case("month-name-date-as-text", demo(put("HMICFRS", C6="February 2022")),
         "date-stored-as-text", "HMICFRS!C6"),
    Case("row-below-table", demo(below_table("Crime", 105, ["Arson", "2021-22", 3, 4])),
         "outside-table", "Crime!B105", about="the table's ListObject ends at row 104"),
    Case("duplicate-table-name", demo_xml(rename_table_xml("tblASB", "tblCrime")),
         "duplicate-table", "ASB!B4"),
    Case("sheet-renamed", demo(rename_sheet("Crime", "Crime data")), "renamed-sheet",
         "'Crime data'!B4"),
    Case("extra-columns", demo(add_column("Crime", "tblCrime", "Analyst notes",
                                          {5: "checked", 6: "see email"})),
         "unknown-column", "Crime!Q4", severity="warning",
         about="an extra column is ignored, with a warning: nothing in it is read"),
    Case("typed-total-disagrees", demo(add_row("Crime", "tblCrime", _ALL_CRIME_ROW)),
         "typed-total", "Crime!B105", about="999 a month, not the sum of the categories"),
    Case("total-row-in-servator", demo(add_row("Servator", "tblServator", _SERVATOR_TOTAL)),
         "typed-total", "Servator!B15"),
    Case("future-month", demo(put("ASB", F8=70)), "future-month", "ASB!F8",
         about="April 2022 filled in a Q4 2021-22 workbook"),
    Case("calendar-year-as-fy", demo(put("Crime", C6=2017)), "bad-financial-year",
         "Crime!C6"),
    Case("fy-as-calendar-year", demo(put("ASB", B6="2020-21")), "bad-year", "ASB!B6"),
    Case("cyrillic-oct-in-demo", demo(rename_header("Crime", "tblCrime", "J4", CYRILLIC_OCT)),
         "renamed-column", "Crime!J4"),
    Case("cyrillic-letter-in-category",
         demo(put("Crime", B30="R\u043ebbery of Business Property")),
         "unknown-category", "Crime!B30", about="a Cyrillic о in Robbery"),
    Case("rows-to-excel-limit", demo_xml(fill_to_last_row), "row-limit-reached",
         f"Crime!B{LAST_ROW}", about="the table reaches row 1,048,576: rows were cut off"),
    Case("data-in-last-row", demo_xml(stray_last_row), "row-limit-reached",
         f"ASB!C{LAST_ROW}", about="a sheet whose used range is 1,048,576 rows"),
    Case("formula-not-calculated", demo(put("Crime", D6="=1+1")), "formula-not-calculated",
         "Crime!D6"),
    Case("div0-error", demo(put("Neighbourhood crime", E7="#DIV/0!")), "formula-error",
         "'Neighbourhood crime'!E7"),
    Case("text-too-long", demo_xml(inline_text("National priorities", "E27", "x" * 40_000)),
         "text-too-long", "'National priorities'!E27"),
    Case("bad-reporting-quarter", demo(put("Settings", C6="Q5 2021-22")), "bad-quarter",
         "Settings!C6"),
    Case("not-a-date", demo(put("HMICFRS", C5="soon")), "not-a-date", "HMICFRS!C5"),
    Case("negative-servator", demo(put("Servator", F8=-1)), "negative-count", "Servator!F8"),
    # -- files that are not safe to open -----------------------------------------------------
    Case("empty-file", raw("empty.xlsx", lambda: b""), "empty-file", ""),
    Case("file-too-large", too_large, "file-too-large", ""),
    Case("zip-bomb", raw("bomb.xlsx", zip_bomb), "zip-bomb", ""),
    Case("billion-laughs", raw("laughs.xlsx", billion_laughs), "xml-entities", ""),
]


def write_catalogue(folder: Path) -> list[dict[str, Any]]:
    """Build every case in its own subfolder of ``folder``; return the manifest rows."""
    folder = Path(folder)
    rows = []
    for case in CASES:
        where = folder / case.name
        where.mkdir(parents=True, exist_ok=True)
        path = case.build(where)
        rows.append({"name": case.name, "file": str(path.relative_to(folder)),
                     "code": case.code, "cell": case.cell, "severity": case.severity,
                     "about": case.about})
    (folder / "catalogue.json").write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n",
                                           encoding="utf-8")
    return rows


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[-2].strip())
        return 2
    rows = write_catalogue(Path(argv[0]))
    print(f"Wrote {len(rows)} bad inputs to {argv[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
