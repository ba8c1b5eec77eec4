"""Feature: every error at the input's cell. Excel's limits on what xlperf writes (32,767
characters a cell once narrative placeholders are filled in, 255 a page header or footer,
no control characters) are checked by ``validate``, at the input cell that would break
them, not at a pack cell."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tiny_input import measure, valid_rows, write_input

from xlperf.api import validate_workbook
from xlperf.cli import main

PRIORITY = "Reduce murder and other homicide"
MARK = "MARKER-TEXT"


def problems(path: Path, code: str) -> list[tuple[str, str, str]]:
    return [(p.sheet, p.cell, p.message) for p in validate_workbook(path) if p.code == code]


def narrative_rows(text: str) -> dict[str, list[list[Any]]]:
    return valid_rows(tblNarratives=[[PRIORITY, "2021-22", "Q4", text]])


def replace_text(path: Path, old: str, new: str) -> Path:
    source = zipfile.ZipFile(path)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            target.writestr(name, source.read(name).replace(old.encode(), new.encode()))
    path.write_bytes(out.getvalue())
    return path


def build(path: Path, tmp_path: Path) -> Any:
    result = CliRunner().invoke(main, ["build", str(path), "-o", str(tmp_path / "p.xlsx")])
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    return result


# -- control characters ------------------------------------------------------------------------

def test_a_control_character_in_a_narrative_is_refused_at_its_cell(tmp_path: Path) -> None:
    path = write_input(tmp_path / "in.xlsx", narrative_rows(f"Homicides {MARK} fell"))
    replace_text(path, MARK, "_x0007_")
    assert problems(path, "control-character") == [(
        "National priorities", "E12",
        "character 11 is a control character (U+0007, written _x0007_ in the file), which an "
        "Excel cell cannot hold; delete it")]


def test_a_control_character_in_a_measure_text_stops_build_at_the_input_cell(
        tmp_path: Path) -> None:
    rows = valid_rows()
    rows["tblMeasures"][0][3] = f"Victims {MARK} satisfied"
    path = replace_text(write_input(tmp_path / "in.xlsx", rows), MARK, "_x001B_")
    result = build(path, tmp_path)
    assert result.exit_code == 1
    assert "in.xlsx Measures!E5: error [control-character] character 9 is a control " \
        "character (U+001B" in result.stderr
    assert "tblAudit" not in result.stderr and not (tmp_path / "p.xlsx").exists()


def test_tabs_and_line_breaks_are_text(tmp_path: Path) -> None:
    path = write_input(tmp_path / "in.xlsx", narrative_rows("Homicides\tfell\nagain"))
    assert problems(path, "control-character") == []


# -- cell text, placeholders filled in ---------------------------------------------------------

def test_a_narrative_whose_placeholders_expand_past_the_limit_is_refused(
        tmp_path: Path) -> None:
    text = "x" * 32_000 + " {homicides}" * 30
    assert len(text) <= 32_767
    path = write_input(tmp_path / "in.xlsx", narrative_rows(text))
    found = problems(path, "text-too-long")
    assert [(s, c) for s, c, _ in found] == [("National priorities", "E12")]
    assert found[0][2].startswith("with its 30 placeholders filled in, this narrative can "
                                  "reach 33,230 characters, over Excel's limit of 32,767")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1


def test_a_narrative_that_fits_with_its_placeholders_passes(tmp_path: Path) -> None:
    path = write_input(tmp_path / "in.xlsx", narrative_rows("x" * 32_000 + " {homicides}"))
    assert problems(path, "text-too-long") == []


def test_a_measure_text_at_excels_limit_is_refused_at_its_cell(tmp_path: Path) -> None:
    rows = valid_rows()
    rows["tblMeasures"][0][3] = "m" * 32_767
    path = write_input(tmp_path / "in.xlsx", rows)
    found = problems(path, "text-too-long")
    assert [(s, c) for s, c, _ in found] == [("Measures", "E5")]
    assert found[0][2].startswith("32,767 characters is over the 32,000 Measure of success "
                                  "accepts")


def test_a_long_measure_id_is_refused_at_its_cell(tmp_path: Path) -> None:
    rows = valid_rows()
    rows["tblMeasures"] = [["M" * 300, *measure()[1:]]]
    rows["tblMeasureValues"][0][0] = "M" * 300
    path = write_input(tmp_path / "in.xlsx", rows)
    assert ("Measures", "B5") in [(s, c) for s, c, _ in problems(path, "text-too-long")]


@pytest.mark.slow
def test_the_longest_measure_text_accepted_builds(tmp_path: Path) -> None:
    rows = valid_rows()
    rows["tblMeasures"][0][3] = "m" * 32_000
    rows["tblMeasures"][0][4] = "a" * 32_000
    path = write_input(tmp_path / "in.xlsx", rows)
    result = build(path, tmp_path)
    assert result.exit_code == 0, result.stderr


# -- page header and footer ----------------------------------------------------------------------

def settings(marking: str | None = None, force: str = "Test Police") -> dict[str, Any]:
    rows = valid_rows()
    rows["tblSettings"] = [["Force name", force], ["Reporting quarter", "Q4 2021-22"]]
    if marking is not None:
        rows["tblSettings"].append(["Protective marking", marking])
    return rows


def test_a_protective_marking_too_long_for_the_header_is_refused_at_its_cell(
        tmp_path: Path) -> None:
    path = write_input(tmp_path / "in.xlsx", settings("OFFICIAL-SENSITIVE " * 16))
    assert problems(path, "header-footer-too-long") == [(
        "Settings", "C7",
        "the protective marking (304 characters) makes the printed page header 308 characters "
        "long, over Excel's 255; shorten it to at most 251 characters")]
    result = build(path, tmp_path)
    assert result.exit_code == 1 and "Settings!C7: error [header-footer-too-long]" \
        in result.stderr


def test_the_longest_marking_that_fits_passes(tmp_path: Path) -> None:
    path = write_input(tmp_path / "in.xlsx", settings("M" * 251))
    assert problems(path, "header-footer-too-long") == []


def test_a_force_name_too_long_for_the_footer_is_refused_at_its_cell(tmp_path: Path) -> None:
    path = write_input(tmp_path / "in.xlsx", settings(force="Constabulary " * 20))
    found = problems(path, "header-footer-too-long")
    assert [(s, c) for s, c, _ in found] == [("Settings", "C5")]
    assert found[0][2].startswith("the force name (260 characters) makes the printed page "
                                  "footer")


def test_a_row_is_never_taller_than_excel_allows() -> None:
    from xlperf.text_fit import MAX_ROW_HEIGHT
    from xlperf.writers.pack_xlsx import fitted_heights

    assert fitted_heights({3: 2, 4: 500, 5: 1}) == {3: 29.0, 4: MAX_ROW_HEIGHT}
    assert MAX_ROW_HEIGHT == 409


def test_the_demo_packs_tallest_row_is_excels_maximum(demo_pack_file: Path) -> None:
    """The demo's longest narrative needs about 471 points of wrapped text; the row is
    written at Excel's maximum, 409, not above it (a taller row makes the file invalid)."""
    import openpyxl

    from xlperf.text_fit import MAX_ROW_HEIGHT

    book = openpyxl.load_workbook(demo_pack_file)
    heights = [d.height for sheet in book.worksheets
               for d in sheet.row_dimensions.values() if d.height]
    assert MAX_ROW_HEIGHT == 409
    # the narratives now take a row per paragraph (issue 15), so no row needs the cap
    assert max(heights) <= MAX_ROW_HEIGHT


def test_control_character_as_its_pattern() -> None:
    """control_character skips its pattern for a printable text: the same answer as the
    pattern for every character of the BMP and some beyond, alone, after text and before
    white space."""
    import re

    from xlperf.reading.output_limits import control_character

    pattern = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
    for code in [*range(0x10000), 0x10000, 0x1F600, 0xE0001, 0xFFFFE, 0x10FFFF]:
        char = chr(code)
        for text in (char, "ab" + char, char + "\n\t\r x"):
            found = pattern.search(text)
            assert (control_character(text) is None) == (found is None), repr(text)
            if found is not None:
                assert f"character {found.start() + 1} is a control character (U+{code:04X}" in (
                    control_character(text) or "")
