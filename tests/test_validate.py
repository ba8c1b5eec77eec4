"""Feature: validate the input workbook (`xlperf validate PATH --json`).

Each bad-input test writes a small valid workbook in tmp_path, breaks one thing, runs the
command line and checks the exit code, the stable problem code with its sheet and cell, that
no traceback escaped, and that the input file was not changed.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from conftest import FY_MONTHS, crime_rows, write_input
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.table import TableColumn
from tiny_input import measure, measure_value, rule, valid_rows

from xlperf.cli import main

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "problem-codes.md"

# Crime table (tblCrime) as write_input lays it out: header in row 4, columns from B.
# B Category, C FY, D Apr ... O Mar, P Source; crime_rows() puts each category's 2020-21
# row first, so row 5 is Homicide 2020-21 and row 6 Homicide 2021-22; the last is row 44.
CRIME_LAST_ROW = 44


def month_col(month: str) -> str:
    """Column letter of a month in the Crime table (Apr -> D ... Mar -> O)."""
    return chr(ord("D") + FY_MONTHS.index(month))


def edit(path: Path, change: Callable[[Workbook], None]) -> Path:
    """Open the workbook with openpyxl, apply ``change`` and save it in place."""
    book = load_workbook(path)
    change(book)
    book.save(path)
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def validate(path: Path) -> tuple[Result, dict[str, Any]]:
    """Run `xlperf validate PATH --json`; check it neither crashed nor changed the file."""
    before = sha256(path) if path.is_file() else None
    result = CliRunner().invoke(main, ["validate", str(path), "--json"])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    if before is not None:
        assert sha256(path) == before, "validate changed the input file"
    return result, json.loads(result.output)


def errors(report: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(p["code"], p["sheet"], p["cell"]) for p in report["problems"]
            if p["severity"] == "error"]


def assert_only(path: Path, code: str, sheet: str, cell: str) -> dict[str, Any]:
    """The workbook fails with exactly one error: ``code`` at ``sheet!cell``."""
    result, report = validate(path)
    assert result.exit_code == 1
    assert errors(report) == [(code, sheet, cell)]
    return report


def assert_file_problem(path: Path, code: str) -> None:
    """A problem with the file itself: no sheet or cell, the file named."""
    result, report = validate(path)
    assert result.exit_code == 1
    assert [(p["code"], p["sheet"], p["cell"]) for p in report["problems"]] == [(code, "", "")]
    assert path.name in report["problems"][0]["file"]


# -- valid workbooks ----------------------------------------------------------------------

def test_workbook_from_init_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "new.xlsx"
    assert CliRunner().invoke(main, ["init", str(path)]).exit_code == 0
    result, report = validate(path)
    assert result.exit_code == 0
    assert report["valid"] is True
    assert report["errors"] == 0


def test_filled_workbook_is_valid(tmp_path: Path) -> None:
    path = write_input(tmp_path / "in.xlsx", valid_rows(
        tblRules=[rule()],
        tblMeasures=[measure(), ["M2", "Local Policing", 2, "Fewer crimes", None, "R1",
                                 "Crime YTD: All Crime", "count", "Quarterly", None, "2021-22"]],
    ))
    result, report = validate(path)
    assert result.exit_code == 0
    assert report == {"valid": True, "errors": 0, "warnings": 0, "problems": []}


def test_warnings_do_not_fail(tmp_path: Path) -> None:
    path = write_input(tmp_path / "in.xlsx", valid_rows())
    edit(path, lambda book: add_column(book, "Notes"))
    result, report = validate(path)
    assert result.exit_code == 0
    assert report["valid"] is True
    assert [(p["code"], p["sheet"], p["cell"], p["severity"]) for p in report["problems"]] == [
        ("unknown-column", "Crime", "Q4", "warning")
    ]


def test_json_output_lists_file_sheet_cell_code_message(tmp_path: Path) -> None:
    rows = crime_rows()
    rows[0][2] = "twelve"
    rows[1][3] = -1
    path = write_input(tmp_path / "in.xlsx", valid_rows(tblCrime=rows))
    result, report = validate(path)
    assert result.exit_code == 1
    assert report["valid"] is False and report["errors"] == 2
    for problem in report["problems"]:
        assert {"file", "sheet", "cell", "code", "message", "severity"} <= problem.keys()
        assert problem["file"] == "in.xlsx"
        assert problem["message"]
    assert errors(report) == [("not-a-number", "Crime", "D5"), ("negative-count", "Crime", "E6")]


# -- structure: sheets, tables, columns ---------------------------------------------------

def add_column(book: Workbook, header: str) -> None:
    """Widen the Crime table by one column headed ``header`` (column Q)."""
    sheet = book["Crime"]
    table = sheet.tables["tblCrime"]
    sheet["Q4"] = header
    table.ref = f"B4:Q{CRIME_LAST_ROW}"
    table.tableColumns.append(TableColumn(id=len(table.tableColumns) + 1, name=header))


def test_missing_sheet(tmp_path: Path) -> None:
    path = write_input(tmp_path / "in.xlsx", valid_rows())
    edit(path, lambda book: book.remove(book["ASB"]))
    assert_only(path, "missing-sheet", "ASB", "")


def test_missing_table(tmp_path: Path) -> None:
    path = write_input(tmp_path / "in.xlsx", valid_rows())
    edit(path, lambda book: book["ASB"].tables.pop("tblASB"))
    assert_only(path, "missing-table", "ASB", "")


def test_missing_column(tmp_path: Path) -> None:
    def drop_source(book: Workbook) -> None:
        sheet = book["Crime"]
        table = sheet.tables["tblCrime"]
        table.ref = f"B4:O{CRIME_LAST_ROW}"
        table.tableColumns.pop()
        for row in range(4, CRIME_LAST_ROW + 1):
            sheet[f"P{row}"] = None

    path = edit(write_input(tmp_path / "in.xlsx", valid_rows()), drop_source)
    report = assert_only(path, "missing-column", "Crime", "P4")
    assert "Source" in report["problems"][0]["message"]


@pytest.mark.parametrize(("cell", "header", "column"), [
    ("B4", "Catgory", "Category"),
    ("I4", "Sept", "Sep"),  # a month column: its months are not also reported missing
    ("J4", "\u041e\u0421\u0422", "Oct"),  # "ОСТ" in Cyrillic letters in place of Oct
])
def test_renamed_column(tmp_path: Path, cell: str, header: str, column: str) -> None:
    def misspell(book: Workbook) -> None:
        sheet = book["Crime"]
        sheet[cell] = header
        index = ord(cell[0]) - ord("B")
        sheet.tables["tblCrime"].tableColumns[index].name = header

    path = edit(write_input(tmp_path / "in.xlsx", valid_rows()), misspell)
    report = assert_only(path, "renamed-column", "Crime", cell)
    assert f"should read '{column}'" in report["problems"][0]["message"]


@pytest.mark.parametrize("header", ["Apr-23", "\u041e\u0421\u0422"])  # extra "ОСТ" column
def test_month_outside_year(tmp_path: Path, header: str) -> None:
    path = write_input(tmp_path / "in.xlsx", valid_rows())
    edit(path, lambda book: add_column(book, header))
    assert_only(path, "month-outside-year", "Crime", "Q4")


def test_empty_workbook(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    Workbook().save(path)
    result, report = validate(path)
    assert result.exit_code == 1
    assert errors(report) == [("empty-workbook", "", "")]
    assert report["problems"][0]["file"] == "empty.xlsx"


def test_hidden_row(tmp_path: Path) -> None:
    path = write_input(tmp_path / "in.xlsx", valid_rows())
    edit(path, lambda book: setattr(book["Crime"].row_dimensions[6], "hidden", True))
    assert_only(path, "hidden-row", "Crime", "B6")


def test_merged_cells(tmp_path: Path) -> None:
    path = write_input(tmp_path / "in.xlsx", valid_rows())
    edit(path, lambda book: book["Crime"].merge_cells("P5:P7"))
    assert_only(path, "merged-cells", "Crime", "P5")


# -- cell values ---------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "code"), [
    ("twelve", "not-a-number"),
    ("12", "number-stored-as-text"),
    ("#REF!", "formula-error"),
    (-3, "negative-count"),
    (3.5, "fractional-count"),
])
def test_bad_count(tmp_path: Path, value: Any, code: str) -> None:
    path = write_input(tmp_path / "in.xlsx", valid_rows())

    def put(book: Workbook) -> None:
        book["Crime"]["D5"] = value  # openpyxl writes "#REF!" as an error cell

    edit(path, put)
    assert_only(path, code, "Crime", "D5")


def test_duplicate_period(tmp_path: Path) -> None:
    rows = crime_rows()
    path = write_input(tmp_path / "in.xlsx", valid_rows(tblCrime=[*rows, list(rows[0])]))
    assert_only(path, "duplicate-period", "Crime", f"B{CRIME_LAST_ROW + 1}")


def test_unknown_category(tmp_path: Path) -> None:
    extra = ["Knife Crime", "2021-22", *[1] * 12, "test"]
    path = write_input(tmp_path / "in.xlsx", valid_rows(tblCrime=[*crime_rows(), extra]))
    assert_only(path, "unknown-category", "Crime", f"B{CRIME_LAST_ROW + 1}")


def test_typed_total(tmp_path: Path) -> None:
    total = ["All Crime", "2021-22", *[200] * 12, "test"]
    path = write_input(tmp_path / "in.xlsx", valid_rows(tblCrime=[*crime_rows(), total]))
    report = assert_only(path, "typed-total", "Crime", f"B{CRIME_LAST_ROW + 1}")
    assert "computed" in report["problems"][0]["message"]


def test_unknown_measure(tmp_path: Path) -> None:
    path = write_input(tmp_path / "in.xlsx", valid_rows(
        tblMeasureValues=[measure_value(), measure_value(measure_id="M9")]))
    assert_only(path, "unknown-measure", "Measure values", "B6")


def test_unknown_priority(tmp_path: Path) -> None:
    path = write_input(tmp_path / "in.xlsx", valid_rows(
        tblMeasures=[measure(priority="Local Plicing")]))
    assert_only(path, "unknown-priority", "Measures", "C5")


def test_unknown_grade(tmp_path: Path) -> None:
    path = write_input(tmp_path / "in.xlsx", valid_rows(
        tblMeasureValues=[measure_value(grade="Good")]))
    assert_only(path, "unknown-grade", "Measure values", "F5")


@pytest.mark.parametrize(("value", "code"), [
    (0.79, "percent-as-fraction"),
    (1, "percent-as-fraction"),
    (130, "percent-out-of-range"),
])
def test_percent_typed_wrongly(tmp_path: Path, value: float, code: str) -> None:
    path = write_input(tmp_path / "in.xlsx", valid_rows(
        tblMeasureValues=[measure_value(value=value)]))
    assert_only(path, code, "Measure values", "E5")


def test_percent_limits_are_valid(tmp_path: Path) -> None:
    path = write_input(tmp_path / "in.xlsx", valid_rows(tblMeasureValues=[
        measure_value(value=0), [*measure_value(value=100)[:2], "Q3", 100, None, None, None],
    ]))
    result, report = validate(path)
    assert result.exit_code == 0, report


def test_count_measure_is_not_a_percent(tmp_path: Path) -> None:
    path = write_input(tmp_path / "in.xlsx", valid_rows(
        tblMeasures=[measure(unit="count")], tblMeasureValues=[measure_value(value=0.5)]))
    result, report = validate(path)
    assert result.exit_code == 0, report


# -- months and the reporting quarter ------------------------------------------------------

def test_missing_month(tmp_path: Path) -> None:
    rows = crime_rows()
    rows[1][2 + FY_MONTHS.index("Jun")] = None  # Homicide 2021-22, June
    path = write_input(tmp_path / "in.xlsx", valid_rows(tblCrime=rows))
    assert_only(path, "missing-month", "Crime", f"{month_col('Jun')}6")


def test_future_month(tmp_path: Path) -> None:
    rows = crime_rows()
    for row in rows:
        if row[1] == "2021-22":
            row[2 + 9:2 + 12] = [None, None, None]  # Jan-Mar 2022 not in yet
    rows[1][2 + FY_MONTHS.index("Jan")] = 7  # ... except Homicide January
    settings = [["Reporting quarter", "Q3 2021-22"]]
    path = write_input(tmp_path / "in.xlsx", valid_rows(tblCrime=rows, tblSettings=settings))
    assert_only(path, "future-month", "Crime", f"{month_col('Jan')}6")


# -- rules ---------------------------------------------------------------------------------

def test_unknown_rule_kind(tmp_path: Path) -> None:
    path = write_input(tmp_path / "in.xlsx", valid_rows(tblRules=[rule(kind="ratio")]))
    assert_only(path, "unknown-rule-kind", "Rules", "C5")


def test_thresholds_out_of_order(tmp_path: Path) -> None:
    path = write_input(tmp_path / "in.xlsx", valid_rows(tblRules=[rule(cm="> 5", ra="> 0")]))
    assert_only(path, "thresholds-out-of-order", "Rules", "I5")


def test_missing_rule(tmp_path: Path) -> None:
    path = write_input(tmp_path / "in.xlsx", valid_rows(tblMeasures=[measure(rule=None)]))
    assert_only(path, "missing-rule", "Measures", "G5")


def test_missing_reference_period(tmp_path: Path) -> None:
    path = write_input(tmp_path / "in.xlsx", valid_rows(
        tblRules=[rule(reference="baseline FY", baseline_fy="2015-16")],
        tblMeasures=[measure(rule="R1", source="Crime YTD: All Crime", unit="count")],
        tblMeasureValues=[],
    ))
    assert_only(path, "missing-reference", "Rules", "G5")


# -- files that are not readable workbooks -------------------------------------------------

def test_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(bytes(range(256)) * 8)
    assert_file_problem(path, "corrupt-file")


def test_truncated_workbook(tmp_path: Path) -> None:
    whole = write_input(tmp_path / "whole.xlsx", valid_rows()).read_bytes()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    assert_file_problem(path, "corrupt-file")


def test_password_protected(tmp_path: Path) -> None:
    path = tmp_path / "locked.xlsx"
    path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504)
    assert_file_problem(path, "password-protected")


@pytest.mark.parametrize("name", ["old.xls", "export.csv"])
def test_wrong_format(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"Category,FY,Apr\nHomicide,2021-22,1\n")
    assert_file_problem(path, "wrong-format")


def test_file_not_found(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.xlsx"
    assert_file_problem(path, "file-not-found")
    assert not path.exists()


# -- every code is documented --------------------------------------------------------------

def emitted_codes() -> set[str]:
    """Every problem code the package can emit: each ``codes.NAME`` it uses (code literals
    live in xlperf/codes.py only: tests/test_problem_codes.py) and the schema's codes."""
    import xlperf.codes

    found: set[str] = set()
    for source in sorted((ROOT / "xlperf").rglob("*.py")):
        for name in re.findall(r"\bcodes\.([A-Z][A-Z_]+)\b", source.read_text(encoding="utf-8")):
            value = getattr(xlperf.codes, name)
            if isinstance(value, str) and name != "REGISTRY_FILE":
                found.add(value)
    schema = (ROOT / "xlperf" / "schema" / "input.yaml").read_text(encoding="utf-8")
    found |= set(re.findall(r"\b(?:unknown|missing): ([a-z]+(?:-[a-z]+)+)", schema))
    return found


def documented_codes() -> set[str]:
    """Codes named in the first column of the tables in docs/problem-codes.md."""
    return set(re.findall(r"^\|\s*`([a-z]+(?:-[a-z]+)+)`\s*\|", DOC.read_text(encoding="utf-8"),
                          re.MULTILINE))


def test_every_problem_code_is_documented() -> None:
    codes = emitted_codes()
    assert {"missing-sheet", "not-a-number", "corrupt-file", "typed-total",
            "thresholds-out-of-order", "percent-as-fraction", "duplicate-row",
            "missing-value", "unknown-value"} <= codes
    assert sorted(codes - documented_codes()) == []


def test_documented_codes_exist() -> None:
    assert sorted(documented_codes() - emitted_codes()) == []


def test_addresses_quote_sheet_names_like_excel() -> None:
    from xlperf.problems import address, split_address

    assert address("Measure values", "E5") == "'Measure values'!E5"
    assert address("Crime", "D14") == "Crime!D14"
    assert split_address("'Measure values'!E5") == ("Measure values", "E5")
    assert split_address("Crime") == ("Crime", "")
