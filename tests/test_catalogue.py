"""Feature: the bad-input catalogue (scripts/bad_inputs.py): nothing lost, nothing let in.

Every malformed input of the catalogue goes through `xlperf validate --json` and
`xlperf build -o OUT` (in-process, with click's CliRunner). Each must name its problem code
at its cell, exit with code 1, print no traceback, leave no output file (not even a
temporary one) and leave the input's bytes as they were. A warning case (an extra column
xlperf ignores) is reported at its cell and does not stop the pack. The run ends with the
line ``N bad inputs tried, N clear errors, 0 tracebacks, 0 partial outputs, 0 inputs changed``.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bad_inputs
import pytest
from bad_inputs import CASES, Case
from click.testing import CliRunner, Result
from conftest import SUMMARY_LINES
from test_regular_sheet import agree, sheets
from test_table_slices import both_ways
from test_validate import documented_codes

from xlperf.cli import main
from xlperf.problems import address

pytestmark = pytest.mark.slow  # 66 bad inputs through validate and build


@dataclass
class Tally:
    tried: int = 0
    clear: int = 0
    tracebacks: int = 0
    partial: int = 0
    changed: int = 0

    def line(self) -> str:
        return (f"{self.tried} bad inputs tried, {self.clear} clear errors, "
                f"{self.tracebacks} tracebacks, {self.partial} partial outputs, "
                f"{self.changed} inputs changed")


TALLY = Tally()


@pytest.fixture(scope="module", autouse=True)
def summary_line():  # type: ignore[no-untyped-def]
    """Print the tally once the module's cases have run (see conftest.SUMMARY_LINES)."""
    yield
    if TALLY.tried:
        SUMMARY_LINES.append(TALLY.line())


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    """Every case written once by the script's own entry point, with its manifest."""
    folder = tmp_path_factory.mktemp("catalogue")
    rows = bad_inputs.write_catalogue(folder)
    return folder, {row["name"]: folder / row["file"] for row in rows}


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the SHA-256 of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def crashed(result: Result) -> bool:
    """True when the command let an exception (a traceback) escape instead of a message."""
    escaped = result.exception is not None and not isinstance(result.exception, SystemExit)
    return escaped or "Traceback" in result.output


def reported(result: Result) -> list[tuple[str, str, str]]:
    try:
        report = json.loads(result.output)
    except ValueError:
        return []
    return [(p["code"], address(p["sheet"], p["cell"]), p["severity"])
            for p in report["problems"]]


def run_case(case: Case, path: Path, out: Path) -> dict[str, Any]:
    """Run both commands on one case and judge them (the judgement feeds the tally)."""
    folder = path.parent
    before = snapshot(folder)
    validated = CliRunner().invoke(main, ["validate", str(path), "--json"])
    built = CliRunner().invoke(main, ["build", str(path), "-o", str(out / "pack.xlsx")])
    after = snapshot(folder)
    error = case.severity == "error"
    located = (case.code, case.cell, case.severity) in reported(validated)
    line = f"{case.cell or path.name}: {case.severity} [{case.code}]"
    written = sorted(p.name for p in out.iterdir())
    if error:
        clear = (located and validated.exit_code == 1 and built.exit_code == 1
                 and line in built.output)
        partial = bool(written)
    else:  # a warning: reported at its cell, and the pack is still written, whole
        clear = located and validated.exit_code == 0 and built.exit_code == 0
        partial = written != ["pack.xlsx"] or not zipfile.is_zipfile(out / "pack.xlsx")
    judged = {
        "clear": clear, "traceback": crashed(validated) or crashed(built),
        "partial": partial, "changed": before != after,
    }
    TALLY.tried += 1
    TALLY.clear += judged["clear"]
    TALLY.tracebacks += judged["traceback"]
    TALLY.partial += judged["partial"]
    TALLY.changed += judged["changed"]
    judged.update(validate=validated.output[-3000:], build=built.output[-3000:], written=written,
                  codes=reported(validated), exits=(validated.exit_code, built.exit_code))
    return judged


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(case: Case, catalogue: tuple[Path, dict[str, Path]],
                   tmp_path: Path) -> None:
    path = catalogue[1][case.name]
    judged = run_case(case, path, tmp_path)
    assert not judged["traceback"], judged
    assert not judged["changed"], judged
    assert not judged["partial"], judged
    assert judged["clear"], judged


# -- the catalogue itself -----------------------------------------------------------------------

def test_catalogue_is_large_unique_and_documented(
        catalogue: tuple[Path, dict[str, Path]]) -> None:
    names = [c.name for c in CASES]
    assert len(names) >= 40
    assert len(set(names)) == len(names)
    assert sorted({c.code for c in CASES} - documented_codes()) == []
    assert {c.severity for c in CASES} <= {"error", "warning"}
    manifest = json.loads((catalogue[0] / "catalogue.json").read_text(encoding="utf-8"))
    assert [(r["name"], r["code"], r["cell"]) for r in manifest] == [
        (c.name, c.code, c.cell) for c in CASES]


def test_catalogue_covers_the_issue() -> None:
    """The faults issue 6 names, each present as a case with the code that catches it."""
    by_name = {c.name: c.code for c in CASES}
    assert by_name["merged-across-table"] == "merged-cells"
    assert by_name["hidden-row-in-demo"] == "hidden-row"
    assert by_name["number-as-text-in-demo"] == "number-stored-as-text"
    assert by_name["date-as-text"] == "date-stored-as-text"
    assert by_name["row-below-table"] == "outside-table"
    assert by_name["duplicate-table-name"] == "duplicate-table"
    assert by_name["sheet-renamed"] == "renamed-sheet"
    assert by_name["extra-columns"] == "unknown-column"
    assert by_name["typed-total-disagrees"] == "typed-total"
    assert by_name["future-month"] == "future-month"
    assert by_name["calendar-year-as-fy"] == "bad-financial-year"
    assert by_name["fy-as-calendar-year"] == "bad-year"
    assert by_name["cyrillic-oct-in-demo"] == "renamed-column"
    assert by_name["rows-to-excel-limit"] == "row-limit-reached"


def test_both_sheet_scans_agree_on_every_hostile_input(
        catalogue: tuple[Path, dict[str, Path]]) -> None:
    """xlperf.reading.regular_sheet's one-go scan finds what the streaming scan finds on
    every sheet of every case, or leaves the sheet to it (test_regular_sheet.py)."""
    answered = 0
    for name, path in catalogue[1].items():
        for data in sheets(path):
            same = agree(data)
            assert same is not False, name
            answered += same is True
    assert answered > 100  # the regular layout is the usual one


def test_tables_cut_from_the_grid_agree_on_every_hostile_input(
        catalogue: tuple[Path, dict[str, Path]], monkeypatch: pytest.MonkeyPatch) -> None:
    """A plain table cut from its sheet's grid reads as calamine's own table read on every
    case, or is left to it (test_table_slices.py)."""
    cut = 0
    for name, path in catalogue[1].items():
        fast, slow, tables = both_ways(path, monkeypatch)
        assert fast == slow, name
        cut += tables
    assert cut > 100  # the plain table is the usual one


def test_million_row_case_is_cheap_and_real(catalogue: tuple[Path, dict[str, Path]]) -> None:
    """The 1,048,576-row input is small on disk, but its table really reaches the last row."""
    path = catalogue[1]["rows-to-excel-limit"]
    assert path.stat().st_size < 200_000
    with zipfile.ZipFile(path) as archive:
        tables = [archive.read(n) for n in archive.namelist() if n.startswith("xl/tables/")]
    assert any(b'ref="B4:P1048576"' in t for t in tables)


@pytest.mark.parametrize("name", ["hidden-row", "sheet-renamed", "duplicate-table-name",
                                  "rows-to-excel-limit", "zip-bomb"])
def test_cases_are_deterministic(name: str, tmp_path: Path) -> None:
    case = next(c for c in CASES if c.name == name)
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    assert case.build(first).read_bytes() == case.build(second).read_bytes()


@pytest.mark.parametrize("base", [
    bad_inputs.tiny(), bad_inputs.tiny(lambda book: None), bad_inputs.demo(lambda book: None),
    bad_inputs.demo_xml(lambda parts: None),
], ids=["tiny", "tiny-openpyxl", "demo-openpyxl", "demo-xml"])
def test_unbroken_bases_are_valid(base: bad_inputs.Builder, tmp_path: Path) -> None:
    """Each case's error comes from what it breaks: its starting point validates cleanly."""
    result = CliRunner().invoke(main, ["validate", str(base(tmp_path)), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["errors"] == 0


def test_pack_from_a_tiny_input_builds(tmp_path: Path) -> None:
    """A valid input with only crime and one measure builds a pack, or says why not."""
    path = bad_inputs.tiny()(tmp_path)
    result = CliRunner().invoke(main, ["build", str(path), "-o", str(tmp_path / "pack.xlsx")])
    assert not crashed(result), result.output
    assert result.exit_code == 0, result.output
