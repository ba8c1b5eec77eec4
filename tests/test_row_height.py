"""Issue 17: a text the pack prints wrapped must fit Excel's tallest row (409 points) at its
column's width, and `validate` says so at the *input* cell that holds it (a warning: the pack
is still valid, but its printed page cuts the text off).

The layouts declare which input columns each pack column prints (``shows:``); the marker
test below checks that declaration against the packs xlperf really writes: every wrapped
output cell whose text is too long for its row must trace back to a reported input cell.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest
from tiny_input import measure, valid_rows, write_input

from xlperf.api import validate_workbook
from xlperf.pack.layout import load_layout
from xlperf.schema import load_schema

CODE = "row-too-tall"
#: Excel's tallest row shows (409 - 3) // 13 lines of 10-point text (the writer's estimate:
#: 13 points a line, 1.15 characters per unit of column width).
LINES = 31


def reported(path: Path) -> list[tuple[str, str, str, str]]:
    return [(p.sheet, p.cell, p.severity, p.message) for p in validate_workbook(path)
            if p.code == CODE]


def test_every_declared_column_is_an_input_text_column_printed_by_that_table() -> None:
    schema = load_schema()
    declared = 0
    for sheet in load_layout().sheets:
        for table in sheet.tables:
            for header, sources in (*table.shows, *table.paragraphs):
                assert header in table.header, (table.name, header)
                for table_name, column in sources:
                    spec = schema.table(table_name)
                    types = {c.name: c.type for c in spec.columns}
                    assert types.get(column) == "text", (table.name, table_name, column)
                    declared += 1
    assert declared >= 40


def test_a_measure_name_that_fits_every_printed_column_is_not_reported(tmp_path: Path) -> None:
    # the narrowest column printing a measure's name is the Audit sheet's Name (width 14:
    # 16 characters a line, 31 lines)
    name = "x" * (16 * LINES)
    path = write_input(tmp_path / "in.xlsx", valid_rows(tblMeasures=[[*measure()[:3], name,
                                                                       *measure()[4:]]]))
    assert reported(path) == []


def test_a_measure_name_one_character_too_long_is_reported_at_its_input_cell(
        tmp_path: Path) -> None:
    name = "x" * (16 * LINES + 1)
    path = write_input(tmp_path / "in.xlsx", valid_rows(tblMeasures=[[*measure()[:3], name,
                                                                       *measure()[4:]]]))
    assert reported(path) == [(
        "Measures", "E5", "warning",
        "printed in the pack's 'Audit' sheet (Name), this text needs 32 lines and a row shows "
        "at most 31 (Excel's tallest row is 409 points), so the printed page cuts it off; "
        "shorten it to about 496 characters")]


def test_line_breaks_count_as_lines(tmp_path: Path) -> None:
    name = "\n".join(["short"] * (LINES + 1))
    path = write_input(tmp_path / "in.xlsx", valid_rows(tblMeasures=[[*measure()[:3], name,
                                                                       *measure()[4:]]]))
    assert [(s, c) for s, c, _, _ in reported(path)] == [("Measures", "E5")]


def test_a_warning_does_not_stop_the_build(tmp_path: Path) -> None:
    from xlperf.api import build_pack

    name = "x" * 2000
    path = write_input(tmp_path / "in.xlsx", valid_rows(tblMeasures=[[*measure()[:3], name,
                                                                       *measure()[4:]]]))
    assert [s for s, *_ in reported(path)] == ["Measures"]
    out, _quarter = build_pack(path, output=tmp_path / "pack.xlsx")
    assert out.stat().st_size > 0


# -- the declaration against the packs xlperf writes --------------------------------------

#: Input columns that are keys or names other tables and settings refer to: a marker there
#: would make the input invalid, so they keep the demo's values.
KEYS = {("tblPriorities", "Priority"), ("tblMeasures", "Measure ID"), ("tblRules", "Rule"),
        ("tblReportText", "Paragraph"), ("tblKPAs", "Period"), ("tblKPAs", "KPA"),
        ("tblKPAFocus", "Period"), ("tblKPAPriorities", "Period"),
        ("tblResultHistory", "Series ID"), ("tblSurveyAnswers", "Survey"),
        ("tblSurveyResponses", "Survey"), ("tblMeasures", "Survey"),
        ("tblSurveyAnswers", "Question ID"), ("tblSurveyAnswers", "Answer")}
FILLER = "lorem ipsum dolor sit amet "


def _marked_demo(path: Path, length: int) -> dict[str, tuple[str, str, str, str]]:
    """The demo with every free-text cell replaced by ``length`` characters that start with
    a unique marker; marker -> (sheet, cell, table, column)."""
    from openpyxl import load_workbook
    from openpyxl.utils import range_boundaries

    from xlperf.api import demo_path

    schema = load_schema()
    book = load_workbook(demo_path())
    markers: dict[str, tuple[str, str, str, str]] = {}
    for ws in book.worksheets:
        for table in ws.tables.values():
            spec = next((t for t in schema.tables if t.name == table.name), None)
            if spec is None:
                continue
            c1, r1, c2, r2 = range_boundaries(table.ref)
            header = [ws.cell(r1, c).value for c in range(c1, c2 + 1)]
            for column in spec.columns:
                if (column.type != "text" or column.name not in header
                        or (table.name, column.name) in KEYS):
                    continue
                c = c1 + header.index(column.name)
                for r in range(r1 + 1, r2 + 1):
                    cell = ws.cell(r, c)
                    if cell.value is None:
                        continue
                    marker = f"ZQ{len(markers):04d}"
                    limit = min(int(column.max or length), length)
                    cell.value = (marker + " " + FILLER * (length // len(FILLER) + 1))[:limit]
                    markers[marker] = (ws.title, cell.coordinate, table.name, column.name)
    book.save(path)
    return markers


def _needs_lines(text: str, width: float) -> int:
    per_line = max(1, int(width * 1.15))
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def _cut_off(outputs: list[Path]) -> tuple[set[str], set[str]]:
    """Markers in wrapped output cells too long for a 409-point row, and all markers printed
    wrapped."""
    from openpyxl import load_workbook

    cut: set[str] = set()
    printed: set[str] = set()
    for output in outputs:
        for ws in load_workbook(output).worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    value: Any = cell.value
                    if not isinstance(value, str) or "ZQ" not in value \
                            or not cell.alignment.wrap_text:
                        continue
                    found = set(re.findall(r"ZQ\d{4}", value))
                    printed |= found
                    width = ws.column_dimensions[cell.column_letter].width or 13.0
                    if _needs_lines(value, width) > LINES:
                        assert ws.row_dimensions[cell.row].height == 409, (ws.title, cell)
                        cut |= found
    return cut, printed


@pytest.mark.slow
@pytest.mark.parametrize("length", [600, 3000])
def test_every_text_the_printed_pack_cuts_off_is_reported_at_its_input_cell(
        tmp_path: Path, length: int) -> None:
    from xlperf.api import build_pack, build_statement, build_trackers

    path = tmp_path / "in.xlsx"
    markers = _marked_demo(path, length)
    problems = validate_workbook(path)
    assert problems.errors == []
    found = {(p.sheet, p.cell) for p in problems if p.code == CODE}
    outputs = [build_pack(path, output=tmp_path / "pack.xlsx")[0],
               build_statement(path, output=tmp_path / "statement.xlsx")[0],
               build_trackers(path, output=tmp_path / "trackers.xlsx")]
    cut, printed = _cut_off(outputs)
    assert cut, "the marked demo must cut some text off, or this test proves nothing"
    missed = sorted(markers[m] for m in cut if markers[m][:2] not in found)
    assert missed == []
    # every column reported is one whose text the outputs really print wrapped
    reported_columns = {markers[m][2:] for m in markers if markers[m][:2] in found}
    printed_columns_ = {markers[m][2:] for m in printed}
    assert reported_columns <= printed_columns_
    if length == 600:
        # wide columns hold 600 characters: the report text (width 96) is not reported
        assert ("tblReportText", "Text") not in reported_columns
    else:
        assert ("tblHMICFRS", "Recommendation") in reported_columns
