"""Feature: arguments are checked before any work: a quarter outside the data names the
data's range, a control character in an interpreter path and a template with merged cells
over a table are refused plainly (exit 1, no traceback, nothing written)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result
from tiny_input import valid_rows, write_input

from xlperf.api import template_path
from xlperf.cli import main


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    return result


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_input(tmp_path_factory.mktemp("in") / "in.xlsx", valid_rows())


@pytest.mark.parametrize(("command", "quarter", "message"), [
    ("build", "Q1 1000-01", "Q1 1000-01 is before the first quarter with crime figures "
     "(Q1 2020-21); the input covers Q1 2020-21 to Q4 2021-22"),
    ("build", "Q4 2019-20", "Q4 2019-20 is before the first quarter with crime figures "
     "(Q1 2020-21); the input covers Q1 2020-21 to Q4 2021-22"),
    ("statement", "Q4 2019-20", "Q4 2019-20 is before the first quarter with crime figures"),
    ("reconcile", "Q1 1000-01", "Q1 1000-01 is before the first quarter with crime figures"),
    ("build", "Q1 2022-23", "Q1 2022-23 is after the latest quarter with data (Q4 2021-22); "
     "the input covers Q1 2020-21 to Q4 2021-22"),
])
def test_a_quarter_outside_the_data_names_the_data_range(tiny: Path, tmp_path: Path,
                                                         command: str, quarter: str,
                                                         message: str) -> None:
    args = [command, str(tiny), "-q", quarter]
    if command != "reconcile":
        args += ["-o", str(tmp_path / "out.xlsx")]
    result = run(*args)
    assert result.exit_code == 1
    assert f"Error: in.xlsx: {message}" in result.stderr
    assert not (tmp_path / "out.xlsx").exists()


def test_the_first_quarter_of_the_data_builds(tiny: Path, tmp_path: Path) -> None:
    result = run("build", str(tiny), "-q", "Q1 2020-21", "-o", str(tmp_path / "p.xlsx"))
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("option", "char"), [("--interpreter-mac", "\x07"),
                                              ("--interpreter-win", "\x00"),
                                              ("--interpreter-win", "\n")])
def test_a_control_character_in_an_interpreter_path_is_refused(tmp_path: Path, option: str,
                                                               char: str) -> None:
    result = run("workbook", "-o", str(tmp_path / "book.xlsm"), option, f"/opt/py{char}thon")
    assert result.exit_code == 1
    assert f"Error: {option}: character 8 is a control character (U+{ord(char):04X})" \
        in result.stderr
    assert not (tmp_path / "book.xlsm").exists()


def test_a_template_with_merged_cells_over_a_table_is_refused(tiny: Path,
                                                              tmp_path: Path) -> None:
    book = openpyxl.load_workbook(template_path())
    sheet = book["Summary"]
    table = sheet.tables["tblSummary"]
    first = table.ref.split(":")[0]  # the header row's first cell
    row, col = sheet[first].row, sheet[first].column
    sheet.merge_cells(start_row=row + 1, start_column=col, end_row=row + 2, end_column=col + 1)
    merged = next(r.coord for r in sheet.merged_cells.ranges if r.min_row == row + 1)
    book.save(tmp_path / "merged.xlsx")
    result = run("build", str(tiny), "-o", str(tmp_path / "p.xlsx"), "--template",
                 str(tmp_path / "merged.xlsx"))
    assert result.exit_code == 1
    assert f"Error: merged.xlsx: cells Summary!{merged} are merged over table tblSummary" \
        in result.stderr
    assert not (tmp_path / "p.xlsx").exists()
