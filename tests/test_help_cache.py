"""`xlperf --help` from xlperf's cache: the text click printed for the same inputs, never a
copy of its own, never a stale one, and no error when the cache cannot be written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from xlperf import cache, start

ROOT = Path(__file__).resolve().parent.parent


def run(args: list[str], folder: Path | str, columns: str = "100",
        importtime: bool = False) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "XLPERF_CACHE_DIR": str(folder), "COLUMNS": columns}
    flags = ["-X", "importtime"] if importtime else []
    return subprocess.run([sys.executable, *flags, "-m", "xlperf", *args], capture_output=True,
                          text=True, cwd=ROOT, env=env, check=True)


def clicks_own(columns: str) -> str:
    """The help text click prints itself, under the name `python -m xlperf` gives."""
    code = ("import sys; from xlperf.cli import main; "
            "main(sys.argv[1:], prog_name='python -m xlperf')")
    env = {**os.environ, "COLUMNS": columns}
    return subprocess.run([sys.executable, "-c", code, "--help"], capture_output=True,
                          text=True, cwd=ROOT, env=env, check=True).stdout


def helps(folder: Path) -> list[Path]:
    """The help text entries in a cache folder (it holds other entries too)."""
    return sorted(folder.glob("help-*"))


def imported_click(stderr: str) -> bool:
    return any(line.split("|")[-1].strip().startswith("click")
               for line in stderr.splitlines() if line.startswith("import time:"))


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_cached_help_is_clicks_text_and_skips_click(tmp_path: Path, flag: str) -> None:
    wide, narrow = clicks_own("100"), clicks_own("60")
    assert wide != narrow  # the width matters, so the key must hold it
    first = run([flag], tmp_path, "100", importtime=True)
    assert first.stdout == wide
    assert imported_click(first.stderr)  # no entry yet: click printed it
    assert len(helps(tmp_path)) == 1  # one entry
    second = run([flag], tmp_path, "100", importtime=True)
    assert second.stdout == wide
    assert not imported_click(second.stderr)  # from the cache, without click
    assert run([flag], tmp_path, "60").stdout == narrow  # another width: another entry
    assert run([flag], tmp_path, "60").stdout == narrow
    assert len(helps(tmp_path)) == 2


def test_entry_is_dropped_when_a_module_it_came_from_changes(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    monkeypatch.setenv("XLPERF_CACHE_DIR", str(tmp_path / "cache"))
    module = tmp_path / "cli.py"
    module.write_text("x = 1\n", encoding="utf-8")
    cache.write("help-test.txt", "key", cache.stamp([str(module)]).encode() + b"\nHELP\n")
    assert start.cached_help("help-test.txt", "key") == "HELP\n"
    assert start.cached_help("help-test.txt", "another key") is None
    module.write_text("x = 22\n", encoding="utf-8")  # the source changed
    assert start.cached_help("help-test.txt", "key") is None
    module.unlink()  # or went away
    assert start.cached_help("help-test.txt", "key") is None


def test_corrupt_entry_is_a_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XLPERF_CACHE_DIR", str(tmp_path))
    (tmp_path / "help-x.txt").write_bytes(b"key")  # no body at all
    assert start.cached_help("help-x.txt", "key") is None
    (tmp_path / "help-x.txt").write_bytes(b"key\nno stamps line")
    assert start.cached_help("help-x.txt", "key") is None


def test_help_when_the_cache_cannot_be_written(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    result = run(["--help"], blocked / "cache")  # its parent is a file: cannot be created
    assert result.stdout == clicks_own("100")
    assert blocked.read_text(encoding="utf-8") == "not a folder"


def test_empty_cache_dir_turns_the_cache_off(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XLPERF_CACHE_DIR", "")
    assert cache.cache_dir() is None
    cache.write("entry", "key", b"body")
    assert cache.read("entry", "key") is None
    monkeypatch.chdir(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_other_commands_still_go_to_click(tmp_path: Path) -> None:
    result = run(["--version"], tmp_path)
    assert result.stdout.startswith("xlperf, version ")
    assert helps(tmp_path) == []  # only the help text is cached
