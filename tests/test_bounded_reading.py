"""Feature: bounded reading. A sheet's used range is checked before any cell is
materialised (one value at XFD1048576 must not make the reader allocate the whole grid),
memory stays bounded by the data, and package oddities are read as Excel reads them or
refused with a located message: duplicate zip entries, cells without their ``r`` attribute,
duplicate table headings."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from conftest import SUMMARY_LINES
from tiny_input import measure_value, valid_rows, write_input

from xlperf.api import validate_workbook
from xlperf.reading.xlsx import MAX_USED_CELLS, UnreadableInput, read_workbook

ROOT = Path(__file__).resolve().parent.parent
MEASURE_VALUES_PART = "xl/worksheets/sheet6.xml"  # as write_input lays the workbook out


def errors(path: Path) -> list[tuple[str, str, str]]:
    return [(p.code, p.sheet, p.cell) for p in validate_workbook(path).errors]


def edit_part(path: Path, part: str, edit: Callable[[bytes], bytes]) -> Path:
    source = zipfile.ZipFile(path)
    assert b"tblMeasureValues" in source.read("xl/tables/table6.xml")  # the layout assumed
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, edit(data) if name == part else data)
    path.write_bytes(out.getvalue())
    return path


def tiny(tmp_path: Path) -> Path:
    return write_input(tmp_path / "in.xlsx", valid_rows(tblMeasureValues=[
        measure_value(86), ["M1", "2021-22", "Q3", 123456, None, None, "test"]]))


# -- the used range ---------------------------------------------------------------------------

def test_one_value_in_the_last_cell_is_refused_at_that_cell(tmp_path: Path) -> None:
    path = tiny(tmp_path)
    book = openpyxl.load_workbook(path)
    book["Measure values"]["XFD1048576"] = 1
    book.save(path)
    found = validate_workbook(path).errors
    assert [(p.code, p.sheet, p.cell) for p in found] == [
        ("row-limit-reached", "Measure values", "XFD1048576")]
    assert found[0].message.endswith("the sheet's tables are not read")


def test_one_value_far_from_the_tables_is_refused_at_that_cell(tmp_path: Path) -> None:
    path = tiny(tmp_path)
    book = openpyxl.load_workbook(path)
    book["Measure values"]["XFD500000"] = 1
    book.save(path)
    found = validate_workbook(path).errors
    assert [(p.code, p.sheet, p.cell) for p in found] == [
        ("sheet-too-large", "Measure values", "XFD500000")]
    assert "B1:XFD500000 (8,191,500,000 cells)" in found[0].message


def test_a_used_range_just_within_the_limit_is_read(tmp_path: Path) -> None:
    path = tiny(tmp_path)
    rows = MAX_USED_CELLS // 16_384  # whole rows from A
    book = openpyxl.load_workbook(path)
    book["Measure values"].cell(rows, 16_384, "far but within")
    book.save(path)
    assert "tblMeasureValues" in read_workbook(path).tables


MEMORY_PROBE = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))  # a regression fails, not swaps
from xlperf.api import validate_workbook
problems = validate_workbook(sys.argv[1])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
try:  # getrusage keeps the high-water mark of the process that forked this one; the
    # kernel's per-process figure does not
    status = open("/proc/self/status", encoding="ascii").read()
    peak = int(status.split("VmHWM:")[1].split()[0]) * 1024
except (OSError, IndexError):
    pass
print(json.dumps({"codes": [p.code for p in problems.errors], "peak": peak}))
"""


def test_a_huge_claimed_and_used_dimension_is_read_in_under_200_mb(tmp_path: Path) -> None:
    path = tiny(tmp_path)
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:  # a value at the far corner of every sheet
        sheet["XFD1048575"] = 1
    book.save(path)

    def claim(data: bytes) -> bytes:
        return re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', data)

    for name in zipfile.ZipFile(path).namelist():
        if name.startswith("xl/worksheets/sheet"):
            edit_part(path, name, claim)
    done = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(path)], capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert set(report["codes"]) == {"sheet-too-large"}
    SUMMARY_LINES.append(f"bounded reading: every sheet used to XFD1048575 read in "
                         f"{report['peak'] / 2**20:.0f} MB")
    assert report["peak"] < 200 * 2**20, f"{report['peak'] / 2**20:.0f} MB"


def test_a_claimed_dimension_alone_changes_nothing(tmp_path: Path) -> None:
    path = edit_part(tiny(tmp_path), MEASURE_VALUES_PART, lambda data: re.sub(
        rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', data))
    assert errors(path) == [("percent-out-of-range", "Measure values", "E6")]


# -- package oddities ----------------------------------------------------------------------

def test_a_part_twice_in_the_package_is_refused(tmp_path: Path) -> None:
    path = tiny(tmp_path)
    source = zipfile.ZipFile(path)
    out = io.BytesIO()
    with pytest.warns(UserWarning, match="Duplicate name"), \
            zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            target.writestr(name, source.read(name))
        target.writestr(MEASURE_VALUES_PART, source.read(MEASURE_VALUES_PART).replace(
            b"<v>86</v>", b"<v>12</v>"))
    path.write_bytes(out.getvalue())
    with pytest.raises(UnreadableInput) as caught:
        read_workbook(path)
    problem = caught.value.problem
    assert (problem.code, problem.file) == ("duplicate-part", str(path))
    assert problem.message.startswith(f"part {MEASURE_VALUES_PART} is in the package twice")


def _without_r(row: int, error: bool) -> Callable[[bytes], bytes]:
    """Row ``row`` of Measure values written without cell references (legal: each cell is
    then the one after the previous, the first in column A, hence an empty cell for A)."""
    def edit(data: bytes) -> bytes:
        start = data.index(f'<row r="{row}"'.encode())
        end = data.index(b"</row>", start)
        cells = re.sub(rb' r="[A-Z]+\d+"', b"", data[start:end])
        first = cells.index(b"<c ")
        cells = cells[:first] + b"<c/>" + cells[first:]
        if error:
            cells = cells.replace(b'<c s="4" t="n"><v>123456</v></c>',
                                  b'<c s="4" t="e"><v>#REF!</v></c>')
        return data[:start] + cells + data[end:]

    return edit


def test_an_error_cell_without_r_is_a_formula_error_at_its_cell(tmp_path: Path) -> None:
    path = edit_part(tiny(tmp_path), MEASURE_VALUES_PART, _without_r(6, error=True))
    assert b'<c s="4" t="e"><v>#REF!</v></c>' in zipfile.ZipFile(path).read(MEASURE_VALUES_PART)
    assert errors(path) == [("formula-error", "Measure values", "E6")]


def test_cells_without_r_are_read_where_excel_puts_them(tmp_path: Path) -> None:
    path = edit_part(tiny(tmp_path), MEASURE_VALUES_PART, _without_r(6, error=False))
    rows = read_workbook(path).tables["tblMeasureValues"].rows
    assert rows[1] == ["M1", "2021-22", "Q3", 123456, None, None, "test"]
    assert errors(path) == [("percent-out-of-range", "Measure values", "E6")]


def test_a_heading_twice_is_refused_at_the_second(tmp_path: Path) -> None:
    path = tiny(tmp_path)
    book = openpyxl.load_workbook(path)
    sheet = book["Crime"]
    sheet["E4"] = "Apr"  # May's heading made a second Apr
    book.save(path)
    found = [p for p in validate_workbook(path).errors if p.code == "duplicate-column"]
    assert [(p.sheet, p.cell) for p in found] == [("Crime", "E4")]
    assert found[0].message.startswith("column 'Apr' appears twice in table tblCrime "
                                       "(first at D4)")
