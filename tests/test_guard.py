"""Feature: the last line of defence. An exception xlperf did not expect, in any command,
is one plain sentence on stderr, exit code 2 (1 is bad input), a log file under the user's
cache folder with the traceback, and nothing written."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from xlperf import api, guard
from xlperf.cli import main

#: Each command, its arguments, and the library call it makes (where the fault is injected).
COMMANDS = [
    (["init", "{tmp}/new.xlsx"], "init_workbook"),
    (["validate", "{tmp}/in.xlsx"], "validate_workbook"),
    (["explain", "CT1"], "explain_measure"),
    (["reconcile"], "reconcile"),
    (["build", "-o", "{tmp}/pack.xlsx"], "build_pack"),
    (["template", "{tmp}/template.xlsx"], "write_template"),
    (["build-all", "-o", "{tmp}/packs"], "build_all"),
    (["trackers", "-o", "{tmp}/trackers.xlsx"], "build_trackers"),
    (["statement", "-o", "{tmp}/statement.xlsx"], "build_statement"),
    (["workbook", "-o", "{tmp}/book.xlsm"], "write_analyst_workbook"),
    (["addin", "-o", "{tmp}/xlperf.xlam"], "write_addin"),
    (["excel", "install", "--dry-run"], "install_addin"),
    (["spc", "{tmp}/in.xlsx"], "spc_csv"),
]


class Injected(RuntimeError):
    """The fault the tests inject."""


def _boom(*_args: object, **_kwargs: object) -> None:
    raise Injected("injected fault 7f3a")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    monkeypatch.setattr(sys, "platform", "linux")
    return folder / "xlperf" / "log"


def test_every_command_of_the_cli_is_covered() -> None:
    assert sorted(main.commands) == sorted(args[0] for args, _ in COMMANDS)


@pytest.mark.parametrize(("args", "call"), COMMANDS, ids=[a[0] for a, _ in COMMANDS])
def test_an_unexpected_exception_is_one_sentence_exit_2_and_a_log(
        args: list[str], call: str, tmp_path: Path, cache: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "in.xlsx").write_bytes(b"")
    monkeypatch.setattr(api, call, _boom)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = CliRunner().invoke(main, [a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 2, result.output
    stderr = result.stderr
    assert "Traceback" not in result.output and "Traceback" not in stderr
    assert "7f3a" not in stderr  # the exception text is in the log, not on screen
    lines = [line for line in stderr.splitlines() if line.strip() and "Building" not in line]
    assert len(lines) == 1 and lines[0].count(". ") == 0 and lines[0].endswith("."), stderr
    assert "unexpected internal error (Injected)" in lines[0]
    logs = list(cache.glob("xlperf-*.log"))
    assert len(logs) == 1 and str(logs[0]) in lines[0]
    text = logs[0].read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "Injected: injected fault 7f3a" in text
    assert f" {call}" in text or "_boom" in text
    # nothing written next to the input but the cache folder the log went to
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "cache") == \
        [n for n in before if n != "cache"]


def test_bad_input_is_still_exit_1(tmp_path: Path, cache: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "missing.xlsx")])
    assert result.exit_code == 1
    assert not cache.exists()


def test_an_xlperf_error_escaping_a_command_is_exit_1(monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path, cache: Path) -> None:
    from xlperf.problems import XlperfError

    def refuse(*_args: object) -> None:
        raise XlperfError("in.xlsx: refused for a reason")

    monkeypatch.setattr(api, "validate_workbook", refuse)
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "in.xlsx")])
    assert result.exit_code == 1
    assert "refused for a reason" in result.stderr and "Traceback" not in result.stderr
    assert not cache.exists()


def test_the_guard_for_excel_entry_points_shows_the_sentence(cache: Path) -> None:
    shown: list[str] = []
    with guard.guarded(shown.append, "excel build_pack"):
        raise KeyError("no such sheet")
    assert len(shown) == 1 and "unexpected internal error (KeyError)" in shown[0]
    log = next(cache.glob("*.log")).read_text(encoding="utf-8")
    assert "command: excel build_pack" in log and "KeyError: 'no such sheet'" in log


def test_the_guard_lets_xlperf_errors_and_exits_through(cache: Path) -> None:
    from xlperf.problems import XlperfError

    for exc in (XlperfError("bad input"), SystemExit(1), KeyboardInterrupt()):
        with pytest.raises(type(exc)), guard.guarded(pytest.fail):
            raise exc
    assert not cache.exists()


def test_an_unwritable_log_folder_still_gives_one_sentence(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           ) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.setattr(sys, "platform", "linux")
    shown: list[str] = []
    with guard.guarded(shown.append):
        raise ValueError("x")
    assert len(shown) == 1 and "no log file could be written" in shown[0]


@pytest.mark.parametrize(("platform", "env", "expected"), [
    ("linux", {"XDG_CACHE_HOME": "/x/cache"}, "/x/cache/xlperf/log"),
    ("linux", {"XDG_CACHE_HOME": ""}, "{home}/.cache/xlperf/log"),
    ("linux", {"XDG_CACHE_HOME": "relative"}, "{home}/.cache/xlperf/log"),
    ("darwin", {}, "{home}/Library/Logs/xlperf"),
    ("win32", {"LOCALAPPDATA": "/c/Users/a/AppData/Local"}, "/c/Users/a/AppData/Local/xlperf/Logs"),
])
def test_log_folder_per_platform(platform: str, env: dict[str, str], expected: str,
                                 monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.setenv("HOME", str(tmp_path))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert guard.log_dir() == Path(expected.format(home=tmp_path))


def test_old_logs_are_pruned(cache: Path) -> None:
    cache.mkdir(parents=True)
    for i in range(guard.KEEP_LOGS + 5):
        old = cache / f"xlperf-2000{i:04d}.log"
        old.write_text("old")
        os.utime(old, (i, i))
    guard.write_log(ValueError("new"))
    assert len(list(cache.glob("xlperf-*.log"))) == guard.KEEP_LOGS


@pytest.mark.parametrize("args", [["build", "-q", "soon"], ["frobnicate"],
                                  ["build", "--no-such-option"], ["--bogus"],
                                  ["workbook"]])
def test_a_wrong_argument_is_exit_1_so_that_2_always_means_a_bug(args: list[str],
                                                                  cache: Path) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and not cache.exists()


def test_help_and_version_still_exit_0() -> None:
    assert CliRunner().invoke(main, ["--help"]).exit_code == 0
    assert CliRunner().invoke(main, ["build", "--help"]).exit_code == 0
    assert CliRunner().invoke(main, ["--version"]).exit_code == 0


def test_a_reader_that_stops_reading_is_not_an_internal_error(tmp_path: Path,
                                                               cache: Path) -> None:
    """`xlperf validate big.xlsx | head`: the pipe closes while xlperf writes; a real
    process and a real pipe, as a shell makes them (CliRunner has no pipe to break)."""
    import subprocess

    from tiny_input import measure, valid_rows, write_input

    # warnings go to stdout: enough of them (300 measure names too long to print, about
    # 80 KB) that the report outgrows the pipe's buffer (64 KiB)
    measures = [[f"M{n}", *measure()[1:3], "x" * 600, *measure()[4:]] for n in range(300)]
    path = write_input(tmp_path / "in.xlsx", valid_rows(tblMeasures=measures))
    env = dict(os.environ)  # the cache fixture points XDG_CACHE_HOME into tmp_path
    process = subprocess.Popen([sys.executable, "-m", "xlperf.cli", "validate", str(path)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(100)
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait() == 141
    assert stderr == ""
    assert not list(cache.rglob("*.log"))
