"""`xlperf build`: default input and quarter, --quarter, output naming and refusals."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from packbook import table

from xlperf.cli import main


def _run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args))


@pytest.mark.slow
def test_build_defaults_to_the_demo_and_the_latest_quarter(tmp_path: Path) -> None:
    out = tmp_path / "pack.xlsx"
    result = _run("build", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "(Q4 2021-22)" in result.output
    assert openpyxl.load_workbook(out)["Cover"]["C5"].value == "Q4 2021-22"


@pytest.mark.slow
def test_quarter_option_moves_every_label(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "q3.xlsx"
    result = _run("build", str(demo), "--quarter", "Q3 2021-22", "-o", str(out))
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book["Cover"]["C6"].value == "1 October to 31 December 2021"
    header, _ = table(book, "tblSummary")
    assert header[1:6] == ["Q3 2020-21", "Q4 2020-21", "Q1 2021-22", "Q2 2021-22",
                           "Q3 2021-22"]
    header, _ = table(book, "tblCrimeSummary")
    assert header[1:3] == ["2020/21 Apr-Dec", "2021/22 Apr-Dec"]


@pytest.mark.slow
def test_default_output_sits_next_to_the_input(demo: Path, tmp_path: Path) -> None:
    copy = tmp_path / "input.xlsx"
    shutil.copy(demo, copy)
    result = _run("build", str(copy))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "policing-plan-pack-q4-2021-22.xlsx").exists()


def test_refuses_to_write_over_the_input(demo: Path, tmp_path: Path) -> None:
    copy = tmp_path / "input.xlsx"
    shutil.copy(demo, copy)
    before = copy.read_bytes()
    result = _run("build", str(copy), "-o", str(copy))
    assert result.exit_code == 1
    assert "is the input workbook" in result.output
    assert "Traceback" not in result.output
    assert copy.read_bytes() == before


def test_a_quarter_after_the_data_is_refused(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "pack.xlsx"
    result = _run("build", str(demo), "-q", "Q1 2022-23", "-o", str(out))
    assert result.exit_code == 1
    assert "after the latest quarter with data (Q4 2021-22)" in result.output
    assert not out.exists()


def test_bad_quarter_text_is_a_usage_error(tmp_path: Path) -> None:
    result = _run("build", "-q", "fourth quarter", "-o", str(tmp_path / "p.xlsx"))
    assert result.exit_code == 1  # bad input; 2 is kept for internal errors
    assert "is not a quarter" in result.output


def test_missing_output_folder_is_refused(tmp_path: Path) -> None:
    result = _run("build", "-o", str(tmp_path / "nowhere" / "pack.xlsx"))
    assert result.exit_code == 1
    assert "does not exist" in result.output


def test_refuses_to_write_over_the_template(demo: Path, tmp_path: Path) -> None:
    from xlperf.api import template_path

    template = tmp_path / "template.xlsx"
    shutil.copy(template_path(), template)
    before = template.read_bytes()
    result = _run("build", str(demo), "--template", str(template), "-o", str(template))
    assert result.exit_code == 1
    assert "is the input workbook" in result.output
    assert template.read_bytes() == before


@pytest.mark.slow
def test_build_prints_the_inputs_warnings(demo: Path, tmp_path: Path) -> None:
    import zipfile

    edited = tmp_path / "with-macros.xlsx"
    shutil.copy(demo, edited)
    with zipfile.ZipFile(edited, "a") as package:  # macros are never run: a warning
        package.writestr("xl/vbaProject.bin", b"not run")
    result = _run("build", str(edited), "-o", str(tmp_path / "pack.xlsx"))
    assert result.exit_code == 0, result.output
    assert "warning [macros-ignored]" in result.output
