"""`xlperf validate` without click (xlperf.validate_command, used by xlperf.start): the same
output, streams and exit code as the click command, and click not imported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from tiny_input import measure, valid_rows, write_input

from xlperf.validate_command import plain_arguments

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "xlperf" / "assets" / "demo-q4-2021-22.xlsx"


def _run(module: str, args: list[str], cache: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "XLPERF_CACHE_DIR": str(cache)}
    return subprocess.run([sys.executable, "-m", module, *args], capture_output=True,
                          cwd=ROOT, env=env, check=False)


def _bad_input(tmp_path: Path) -> Path:
    rows = valid_rows(tblMeasures=[[f"M{n}", *measure()[1:3], "x" * 600, *measure()[4:]]
                                   for n in range(3)])
    rows["tblCrime"][0][3] = "twelve"
    return write_input(tmp_path / "bad.xlsx", rows)


@pytest.mark.parametrize("form", ["text", "json", "json first", "missing", "bad"])
def test_the_plain_run_prints_what_click_prints(form: str, tmp_path: Path) -> None:
    path = {"missing": str(tmp_path / "nope.xlsx"),
            "bad": str(_bad_input(tmp_path)) if form == "bad" else ""}.get(form, str(DEMO))
    args = {"json": ["validate", path, "--json"],
            "json first": ["validate", "--json", path]}.get(form, ["validate", path])
    plain = _run("xlperf", args, tmp_path / "cache")
    clicked = _run("xlperf.cli", args, tmp_path / "cache")
    assert (plain.returncode, plain.stdout, plain.stderr) == (
        clicked.returncode, clicked.stdout, clicked.stderr)
    assert plain.returncode == (1 if form in ("missing", "bad") else 0)


def test_validate_does_not_import_click(tmp_path: Path) -> None:
    probe = ("import sys\nsys.argv = ['xlperf', 'validate', sys.argv[1]]\n"
             "from xlperf.start import run\ntry:\n    run()\nexcept SystemExit:\n    pass\n"
             "print('CLICK', 'click' in sys.modules)")
    env = {**os.environ, "XLPERF_CACHE_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", probe, str(DEMO)], capture_output=True,
                         text=True, check=True, cwd=ROOT, env=env).stdout
    assert "CLICK False" in out


@pytest.mark.parametrize("args", [
    ["validate"], ["validate", "a.xlsx", "b.xlsx"], ["validate", "--json"],
    ["validate", "--json", "--json", "a.xlsx"], ["validate", "a.xlsx", "--js"],
    ["validate", "-", ], ["validate", "--", "a.xlsx"], ["validate", "a.xlsx", "--help"],
    ["validate", ""], ["build", "a.xlsx"], ["validate", "xlperf"],
])
def test_other_arguments_are_left_to_click(args: list[str], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(ROOT)
    assert plain_arguments(args) is None


def test_plain_arguments(tmp_path: Path) -> None:
    assert plain_arguments(["validate", str(DEMO)]) == (str(DEMO), False)
    assert plain_arguments(["validate", "--json", str(DEMO)]) == (str(DEMO), True)
    assert plain_arguments(["validate", str(tmp_path / "missing.xlsx"), "--json"]) == (
        str(tmp_path / "missing.xlsx"), True)


def test_a_reader_that_stops_reading_ends_the_plain_run_with_141(tmp_path: Path) -> None:
    measures = [[f"M{n}", *measure()[1:3], "x" * 600, *measure()[4:]] for n in range(300)]
    path = write_input(tmp_path / "in.xlsx", valid_rows(tblMeasures=measures))
    env = {**os.environ, "XLPERF_CACHE_DIR": str(tmp_path / "cache"),
           "XDG_CACHE_HOME": str(tmp_path / "home")}
    process = subprocess.Popen([sys.executable, "-m", "xlperf", "validate", str(path)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(100)
    process.stdout.close()
    with process.stderr:
        stderr = process.stderr.read().decode()
    assert process.wait() == 141
    assert stderr == ""
    assert not list((tmp_path / "home").rglob("*.log"))
