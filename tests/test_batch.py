"""xlperf build-all: many quarters and many forces in one run, with a summary, an exit code
that says whether anything failed, and never a half-written pack."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT, crime_rows, write_input
from openpyxl import load_workbook

from xlperf.batch import BUILT, FAILED, SKIPPED, build_all
from xlperf.cli import main
from xlperf.periods import Quarter

pytestmark = pytest.mark.slow  # batch: worker processes, many packs

#: The measure's reference (the same quarter a year earlier) is typed for every quarter of
#: 2020-21 except Q2, so Q2 2021-22 alone cannot be graded.
VALUES = [("2020-21", "Q1", 10), ("2020-21", "Q3", 12), ("2020-21", "Q4", 13),
          ("2021-22", "Q1", 11), ("2021-22", "Q2", 12), ("2021-22", "Q3", 13),
          ("2021-22", "Q4", 14)]


def rows(force: str = "Test Force", gap: bool = False) -> dict[str, list[list]]:
    """A small valid input: crime for 2020-21 and 2021-22; with ``gap``, one measure whose
    reference is missing for Q2 2021-22 only."""
    tables: dict[str, list[list]] = {"tblSettings": [["Force name", force]],
                                     "tblCrime": crime_rows(("2020-21", "2021-22"))}
    if gap:
        tables |= {
            "tblPriorities": [["Local", "Local policing"]],
            "tblMeasures": [["M1", "Local", 1, "More arrests", None,
                             "COUNT-INCREASE-V-LAST-YEAR", "Measure values", "count",
                             "Quarterly", None, "2020-21"]],
            "tblMeasureValues": [["M1", fy, q, v, None, None, "test"] for fy, q, v in VALUES],
        }
    return tables


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["build-all", *args])


def pack_file(force_slug: str, quarter: str) -> str:
    number, fy = quarter.split()
    return f"{force_slug}-policing-plan-pack-{number.lower()}-{fy}.xlsx"


def named(book_path: Path, name: str) -> object:
    book = load_workbook(book_path)
    ((sheet, cell),) = list(book.defined_names[name].destinations)
    return book[sheet][cell.replace("$", "")].value


def assert_only_complete_packs(folder: Path) -> None:
    """Every file in the folder is a whole workbook: no temporary or truncated files."""
    for path in folder.iterdir():
        assert path.suffix == ".xlsx" and not path.name.startswith("."), path.name
        with zipfile.ZipFile(path) as package:
            assert package.testzip() is None


def summary_rows(output: str) -> dict[str, list[str]]:
    """Input -> its row of the summary table (columns split on runs of spaces)."""
    lines = output.split("\n\n")[0].splitlines()
    table = [re.split(r"\s{2,}", line.strip()) for line in lines if line.strip()]
    header = table.index(["Input", "Force", "Built", "Skipped", "Failed"])
    return {row[0]: row[1:] for row in table[header + 1:]}


def test_a_quarter_range_builds_one_pack_per_quarter(tmp_path):
    source = write_input(tmp_path / "in.xlsx", rows())
    out = tmp_path / "packs"
    result = run(str(source), "-o", str(out), "--from", "Q3 2020-21", "--to", "Q2 2021-22",
                 "--jobs", "1")
    assert result.exit_code == 0, result.output
    quarters = ["Q3 2020-21", "Q4 2020-21", "Q1 2021-22", "Q2 2021-22"]
    assert sorted(p.name for p in out.iterdir()) == sorted(pack_file("test-force", q)
                                                           for q in quarters)
    for quarter in quarters:
        pack = out / pack_file("test-force", quarter)
        assert named(pack, "PackQuarter") == quarter
        assert named(pack, "PackForce") == "Test Force"
    assert summary_rows(result.output) == {"in.xlsx": ["Test Force", "4", "0", "0"]}
    assert "4 built, 0 skipped, 0 failed" in result.output
    assert_only_complete_packs(out)


def test_a_failing_quarter_in_the_middle_fails_alone_with_its_reason(tmp_path):
    source = write_input(tmp_path / "in.xlsx", rows(gap=True))
    out = tmp_path / "packs"
    result = run(str(source), "-o", str(out), "--from", "Q1 2021-22", "--to", "Q4 2021-22",
                 "-j", "1")
    assert result.exit_code == 1
    assert sorted(p.name for p in out.iterdir()) == sorted(
        pack_file("test-force", q) for q in ("Q1 2021-22", "Q3 2021-22", "Q4 2021-22"))
    assert summary_rows(result.output) == {"in.xlsx": ["Test Force", "3", "0", "1"]}
    failed = result.output.split("Failed:\n", 1)[1].split("\n\n")[0].strip().splitlines()
    assert len(failed) == 1
    assert failed[0].startswith("in.xlsx  Q2 2021-22  Measures!")
    assert "[missing-reference]" in failed[0] and "Q2 2020-21" in failed[0]
    assert "3 built, 0 skipped, 1 failed" in result.output
    assert_only_complete_packs(out)


def test_default_range_is_every_quarter_of_the_input(tmp_path):
    source = write_input(tmp_path / "in.xlsx", rows())
    report = build_all([source], tmp_path / "out", jobs=1)
    first = Quarter.parse("Q1 2020-21")
    expected = [first] + [first.previous(-k) for k in range(1, 8)]  # to Q4 2021-22
    assert [o.quarter for o in report.outcomes] == expected
    assert {o.status for o in report.outcomes} == {BUILT}


def test_quarters_outside_the_input_are_skipped_with_a_reason(tmp_path):
    source = write_input(tmp_path / "in.xlsx", rows())
    report = build_all([source], tmp_path / "out", Quarter.parse("Q3 2019-20"),
                       Quarter.parse("Q1 2020-21"), jobs=1)
    by_quarter = {o.quarter.label: o for o in report.outcomes if o.quarter}
    assert by_quarter["Q1 2020-21"].status == BUILT
    for label in ("Q3 2019-20", "Q4 2019-20"):
        assert by_quarter[label].status == SKIPPED
        assert by_quarter[label].reason == "no crime figures before 2020-21"
    assert not report.failed
    lines = report.summary()
    assert "Skipped:" in lines and "Failed:" not in lines


def test_a_folder_of_two_forces_in_two_worker_processes(tmp_path):
    forces = tmp_path / "forces"
    forces.mkdir()
    write_input(forces / "a.xlsx", rows("Force A"))
    write_input(forces / "b.xlsx", rows("Force B"))
    (forces / "~$a.xlsx").write_bytes(b"Excel lock file")
    (forces / "notes.txt").write_text("not an input")
    # a pack from an earlier run into the same folder is not an input
    (forces / pack_file("force-a", "Q3 2021-22")).write_bytes(b"old pack")
    result = run(str(forces), "-o", str(forces), "--from", "Q4 2021-22", "--to", "Q4 2021-22",
                 "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert summary_rows(result.output) == {"a.xlsx": ["Force A", "1", "0", "0"],
                                           "b.xlsx": ["Force B", "1", "0", "0"]}
    assert "with 2 workers" in result.output
    for slug, force in (("force-a", "Force A"), ("force-b", "Force B")):
        assert named(forces / pack_file(slug, "Q4 2021-22"), "PackForce") == force


def test_a_bad_input_fails_whole_and_the_others_still_build(tmp_path):
    good = write_input(tmp_path / "good.xlsx", rows("Good"))
    bad_rows = rows("Bad")
    bad_rows["tblCrime"][0][3] = "twelve"
    bad = write_input(tmp_path / "bad.xlsx", bad_rows)
    same = write_input(tmp_path / "same.xlsx", rows("Good"))  # a second input for "Good"
    report = build_all([good, bad, same], tmp_path / "out", Quarter.parse("Q4 2021-22"),
                       Quarter.parse("Q4 2021-22"), jobs=1)
    statuses = [(o.input.name, o.quarter and o.quarter.label, o.status)
                for o in report.outcomes]
    assert statuses == [("good.xlsx", "Q4 2021-22", BUILT), ("bad.xlsx", None, FAILED),
                        ("same.xlsx", "Q4 2021-22", FAILED)]
    bad_outcome, same_outcome = report.failed
    assert "[not-a-number]" in bad_outcome.reason and "Crime!" in bad_outcome.reason
    assert same_outcome.reason.startswith("good.xlsx is also for Good")
    assert [p.name for p in (tmp_path / "out").iterdir()] == [pack_file("good", "Q4 2021-22")]


def test_a_failed_write_leaves_no_partial_file_and_keeps_the_old_pack(tmp_path, monkeypatch):
    import xlperf.writers.atomic as atomic

    source = write_input(tmp_path / "in.xlsx", rows())
    out = tmp_path / "out"
    out.mkdir()
    old = out / pack_file("test-force", "Q4 2021-22")
    old.write_bytes(b"last quarter's run")
    real_fsync = atomic.os.fsync
    calls = []

    def fsync(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:  # the second pack: Q4 2021-22
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(atomic.os, "fsync", fsync)
    report = build_all([source], out, Quarter.parse("Q3 2021-22"), Quarter.parse("Q4 2021-22"),
                       jobs=1)
    assert [o.status for o in report.outcomes] == [BUILT, FAILED]
    assert "the disk is full" in report.failed[0].reason
    assert old.read_bytes() == b"last quarter's run"
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [old.name, pack_file("test-force", "Q3 2021-22")])


def test_run_errors_are_messages(tmp_path):
    source = write_input(tmp_path / "in.xlsx", rows())
    result = run(str(source), "-o", str(tmp_path / "o"), "--from", "Q4 2021-22",
                 "--to", "Q1 2021-22")
    assert result.exit_code == 1 and "is after --to" in result.output
    result = run(str(tmp_path / "missing.xlsx"), "-o", str(tmp_path / "o"))
    assert result.exit_code == 1 and "no such file or folder" in result.output
    result = run(str(source), "-o", str(tmp_path / "o"), "--from", "soon")
    assert result.exit_code == 1 and "--from" in result.output
    assert not (tmp_path / "o").exists()


def test_benchmark_command_prints_its_table(tmp_path):
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick",
                             "--work", str(tmp_path)], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("| run"))
    runs = [line.split("|")[1].strip() for line in lines[header + 2:] if line.startswith("|")]
    assert runs == ["xlperf --help", "validate demo", "build demo",
                    "build-all demo, 2 quarters", "build-all 2 forces x 1 quarter",
                    "warm press: Validate (Excel entry point)"]
    rows = {line.split("|")[1].strip(): line.split("|") for line in lines[header + 2:]}
    for build in ("build demo", "build-all demo, 2 quarters"):  # both yardsticks measured
        assert float(rows[build][7]) > 0 and float(rows[build][8]) > 0


def test_every_quarter_of_the_demo_builds(tmp_path, demo):
    out = tmp_path / "packs"
    result = run(str(demo), "-o", str(out), "-j", "2")
    assert result.exit_code == 0, result.output
    assert "20 built, 0 skipped, 0 failed" in result.output
    assert len(list(out.iterdir())) == 20
    assert_only_complete_packs(out)


def test_build_of_an_earlier_quarter_makes_the_same_checks(tmp_path):
    source = write_input(tmp_path / "in.xlsx", rows(gap=True))
    result = CliRunner().invoke(main, ["build", str(source), "-q", "Q2 2021-22", "-o",
                                       str(tmp_path / "q2.xlsx")])
    assert result.exit_code == 1
    assert "[missing-reference]" in result.output and "Q2 2020-21" in result.output
    assert not (tmp_path / "q2.xlsx").exists()


def test_a_reported_grade_without_its_reference_is_shown_unchecked(tmp_path):
    tables = rows(gap=True)
    tables["tblMeasureValues"] = [
        ["M1", fy, q, v, "Close Monitoring" if (fy, q) == ("2021-22", "Q2") else None,
         "judgement" if (fy, q) == ("2021-22", "Q2") else None, "test"]
        for fy, q, v in VALUES]
    source = write_input(tmp_path / "in.xlsx", tables)
    out = tmp_path / "q2.xlsx"
    result = CliRunner().invoke(main, ["build", str(source), "-q", "Q2 2021-22", "-o", str(out)])
    assert result.exit_code == 0, result.output
    from xlperf.reading.pipeline import load

    tables["tblSettings"] = [*tables["tblSettings"], ["Reporting quarter", "Q2 2021-22"]]
    reported = write_input(tmp_path / "q2-reported.xlsx", tables)
    warnings = [p for p in load(reported).problems if p.code == "unchecked-grade"]
    assert len(warnings) == 1 and warnings[0].severity == "warning"
    assert "reported grade Close Monitoring is shown" in warnings[0].message
