"""The command line: init, validate, explain, reconcile; messages, never tracebacks."""

import hashlib
import json
import subprocess
import sys

from click.testing import CliRunner

from xlperf.cli import main


def _run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args))


def test_init_writes_a_workbook_that_validates_and_refuses_to_overwrite(tmp_path):
    path = tmp_path / "new.xlsx"
    assert _run("init", str(path)).exit_code == 0
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    result = _run("validate", str(path), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["valid"] is True
    again = _run("init", str(path))
    assert again.exit_code == 1
    assert "already exists" in again.output
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_init_workbook_has_every_table_dropdowns_and_input_style(tmp_path):
    from openpyxl import load_workbook

    from xlperf.schema import load_schema

    path = tmp_path / "new.xlsx"
    _run("init", str(path))
    book = load_workbook(path)
    tables = {name for ws in book.worksheets for name in ws.tables}
    assert tables == {t.name for t in load_schema().tables}
    assert book.sheetnames[0] == "Instructions"
    crime = book["Crime"]
    assert any("Lists!" in (dv.formula1 or "") for dv in crime.data_validations.dataValidation)
    assert crime["B5"].style == "Input"
    assert "Input" in book.named_styles


def test_validate_demo_is_clean(demo):
    result = _run("validate", str(demo))
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("valid")


def test_explain_and_reconcile_on_the_demo(demo):
    result = _run("explain", "CT1", str(demo))
    assert result.exit_code == 0, result.output
    assert "Value: 79% (138 / 175 respondents)" in result.output
    assert "Reference: 94%" in result.output
    assert "Computed grade: Requires Action" in result.output
    earlier = _run("explain", "CT1", str(demo), "--quarter", "Q1 2021-22")
    assert "Not graded: reported annually as part of Community Survey" in earlier.output
    result = _run("reconcile", str(demo))
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("No.\tTopic\tItem\tPeriod\tPublished\txlperf")
    assert sum("public order measure" in line for line in lines) == 4
    assert any("\tPriority roll-up\tLocal Policing\tQ1 2021-22\tClose Monitoring\t"
               "Satisfactory\t" in line for line in lines)


def test_explain_errors_are_messages(demo):
    result = _run("explain", "NOPE", str(demo))
    assert result.exit_code == 1
    assert "no measure 'NOPE'" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    result = _run("explain", "CT1", str(demo), "--quarter", "Q1 2030-31")
    assert result.exit_code == 1 and "after the latest quarter" in result.output
    result = _run("explain", "CT1", str(demo), "--quarter", "soon")
    assert result.exit_code == 1 and "not a quarter" in result.output


def test_help_does_not_import_heavy_libraries():
    code = ("import sys; from xlperf.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('openpyxl', 'python_calamine', 'xlwings', 'pandas') "
            "if m in sys.modules]\nprint('HEAVY', heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "HEAVY []" in out
