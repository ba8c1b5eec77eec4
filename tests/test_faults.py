"""Feature: faults while writing never lose the previous pack or leave a partial one.

A build killed between writing its temporary file and renaming it leaves the previous pack
byte-identical; a full disk or a read-only folder gives a clear error and no file; an output
that is the input, or a pack open in Excel or LibreOffice, is refused; Excel's limits (sheet
names, rows, columns, characters per cell) are checked before anything is written.
"""

from __future__ import annotations

import errno
import hashlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from xlperf.cli import main
from xlperf.pack.model import Block, Cell, NamedCell, Pack, Sheet
from xlperf.problems import XlperfError
from xlperf.writers import atomic
from xlperf.writers.pack_xlsx import (
    MAX_CELL_CHARS,
    MAX_COLS,
    MAX_ROWS,
    MAX_SHEET_NAME,
    check_limits,
)

pytestmark = pytest.mark.slow  # writes packs through faults and subprocesses

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "xlperf" / "assets" / "demo-q4-2021-22.xlsx"
PREVIOUS = b"PK previous pack: must survive every failed build byte for byte"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(*args: str) -> Result:
    result = CliRunner().invoke(main, ["build", *args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


@pytest.fixture
def previous(tmp_path: Path) -> Path:
    """An existing pack in an output folder of its own."""
    folder = tmp_path / "packs"
    folder.mkdir()
    pack = folder / "pack.xlsx"
    pack.write_bytes(PREVIOUS)
    return pack


def assert_untouched(pack: Path) -> None:
    """The previous pack is byte-identical and nothing else is left in its folder."""
    assert pack.read_bytes() == PREVIOUS
    assert sorted(p.name for p in pack.parent.iterdir()) == [pack.name]


# -- killed mid-write ---------------------------------------------------------------------------

@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_build_killed_before_the_rename_keeps_the_previous_pack(previous: Path,
                                                                tmp_path: Path) -> None:
    marker = tmp_path / "paused"
    env = {**os.environ, atomic.PAUSE_ENV: str(marker),
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    process = subprocess.Popen(
        [sys.executable, "-m", "xlperf.cli", "build", str(DEMO), "-o", str(previous)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120  # a generous bound, not a timing assertion
        while not marker.exists():
            assert process.poll() is None, process.communicate()[0].decode()
            assert time.monotonic() < deadline, "the build never reached the rename"
            time.sleep(0.02)
        temp = Path(marker.read_text(encoding="utf-8"))
        # the new pack is complete in its temporary file, the rename not yet done
        assert temp.parent == previous.parent and temp.stat().st_size > 0
        assert previous.read_bytes() == PREVIOUS
        os.kill(process.pid, signal.SIGKILL)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()
    assert process.returncode == -signal.SIGKILL
    assert previous.read_bytes() == PREVIOUS
    leftovers = sorted(p.name for p in previous.parent.iterdir() if p != previous)
    # what a kill leaves is hidden and never looks like a workbook
    assert leftovers == [temp.name]
    assert temp.name.startswith(f".{previous.name}.") and temp.name.endswith(".tmp")
    # the next build is not blocked by it and replaces the pack whole
    result = build(str(DEMO), "-o", str(previous))
    assert result.exit_code == 0, result.output
    assert previous.read_bytes()[:2] == b"PK" and previous.read_bytes() != PREVIOUS


def test_pause_hook_is_off_in_normal_runs(monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path) -> None:
    monkeypatch.delenv(atomic.PAUSE_ENV, raising=False)
    monkeypatch.setattr(atomic.time, "sleep", lambda _s: pytest.fail("paused"))
    out = atomic.write_bytes_atomically(b"data", tmp_path / "out.bin")
    assert out.read_bytes() == b"data"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.bin"]


# -- a full disk, a read-only folder -------------------------------------------------------------

def _no_space(*_args: Any, **_kwargs: Any) -> Any:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class _FullDiskFile:
    """A file object whose writes fail as on a full disk (after the file was created)."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def __enter__(self) -> _FullDiskFile:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.real.close()

    def write(self, _data: bytes) -> int:
        return _no_space()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


@pytest.mark.parametrize("where", ["create", "write", "fsync"])
def test_full_disk(previous: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    if where == "create":
        monkeypatch.setattr(tempfile, "mkstemp", _no_space)
    elif where == "write":
        real_fdopen = os.fdopen
        monkeypatch.setattr(os, "fdopen", lambda *a, **k: _FullDiskFile(real_fdopen(*a, **k)))
    else:
        monkeypatch.setattr(os, "fsync", _no_space)
    result = build(str(DEMO), "-o", str(previous))
    assert result.exit_code == 1
    assert "the disk is full" in result.output and "nothing was changed" in result.output
    assert str(previous) in result.output
    assert_untouched(previous)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root writes into read-only folders; see the simulated test")
def test_read_only_folder(previous: Path) -> None:
    previous.parent.chmod(0o555)
    try:
        result = build(str(DEMO), "-o", str(previous))
    finally:
        previous.parent.chmod(0o755)
    assert result.exit_code == 1
    assert "read-only" in result.output
    assert_untouched(previous)


@pytest.mark.parametrize("how", ["permissions", "filesystem"])
def test_read_only_output_simulated(previous: Path, monkeypatch: pytest.MonkeyPatch,
                                    how: str) -> None:
    """The same, where the tests run as root: a folder without write permission (as
    os.access reports it), and a read-only file system that refuses to create the file."""
    if how == "permissions":
        real_access = os.access
        monkeypatch.setattr(atomic.os, "access", lambda p, mode: False if mode == os.W_OK
                            else real_access(p, mode))
        expected = "read-only"
    else:
        def read_only(*_args: Any, **_kwargs: Any) -> Any:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))

        monkeypatch.setattr(tempfile, "mkstemp", read_only)
        expected = os.strerror(errno.EROFS)
    result = build(str(DEMO), "-o", str(previous))
    assert result.exit_code == 1
    assert expected in result.output
    assert_untouched(previous)


# -- refused outputs -----------------------------------------------------------------------------

@pytest.mark.parametrize("spelling", ["same", "dotted", "symlink"])
def test_output_that_is_the_input_is_refused(tmp_path: Path, spelling: str) -> None:
    source = tmp_path / "in" / "q4.xlsx"
    source.parent.mkdir()
    source.write_bytes(DEMO.read_bytes())
    before = sha256(source)
    output = {"same": source, "dotted": tmp_path / "in" / ".." / "in" / "q4.xlsx",
              "symlink": tmp_path / "link.xlsx"}[spelling]
    if spelling == "symlink":
        output.symlink_to(source)
    result = build(str(source), "-o", str(output))
    assert result.exit_code == 1
    assert "is the input workbook" in result.output
    assert sha256(source) == before
    assert sorted(p.name for p in source.parent.iterdir()) == ["q4.xlsx"]


@pytest.mark.parametrize("lock", ["~$pack.xlsx", ".~lock.pack.xlsx#"])
def test_pack_open_in_excel_is_refused(previous: Path, lock: str) -> None:
    (previous.parent / lock).write_bytes(b"owner")
    result = build(str(DEMO), "-o", str(previous))
    assert result.exit_code == 1
    assert "is open in" in result.output and lock in result.output
    assert previous.read_bytes() == PREVIOUS
    assert sorted(p.name for p in previous.parent.iterdir()) == sorted([previous.name, lock])


def test_output_in_a_missing_folder_is_refused(tmp_path: Path) -> None:
    result = build(str(DEMO), "-o", str(tmp_path / "nowhere" / "pack.xlsx"))
    assert result.exit_code == 1
    assert "does not exist" in result.output
    assert not (tmp_path / "nowhere").exists()


# -- Excel's limits, before writing ---------------------------------------------------------------

def pack_of(*sheets: Sheet) -> Pack:
    return Pack("Test pack", "Q4 2021-22", "OFFICIAL", list(sheets))


def block(rows: list[list[Cell]] | None = None, header: list[str] | None = None) -> Block:
    return Block("tblTest", "tblTest", header or ["Name"], rows or [[Cell("x")]])


@pytest.mark.parametrize(("pack", "words"), [
    (pack_of(Sheet("S" * (MAX_SHEET_NAME + 1))), f"over {MAX_SHEET_NAME} characters"),
    *[(pack_of(Sheet(f"Crime{ch}2022")), "contains one of") for ch in "[]:*?/\\"],
    (pack_of(Sheet("History")), "Excel reserves"),
    (pack_of(Sheet("'Quoted")), "apostrophe"),
    (pack_of(Sheet("")), "blank"),
    (pack_of(Sheet("Data", [block([[Cell("x" * (MAX_CELL_CHARS + 1))]])])),
     f"{MAX_CELL_CHARS + 1:,} characters"),
    (pack_of(Sheet("Data", [block([[Cell("x", note="n" * (MAX_CELL_CHARS + 1))]])])),
     f"{MAX_CELL_CHARS + 1:,} characters"),
    (pack_of(Sheet("Cover", named_cells=[NamedCell("PackTitle",
                                                   Cell("t" * (MAX_CELL_CHARS + 1)))])),
     "PackTitle"),
    (pack_of(Sheet("Data", [block(header=[f"C{i}" for i in range(MAX_COLS + 1)],
                                  rows=[[Cell(1)]])])), "more than an Excel sheet holds"),
    (pack_of(Sheet("Data", [block([[Cell(1)]] * (MAX_ROWS - 1))])),
     "more than an Excel sheet holds"),
])
def test_excel_limits_are_checked(pack: Pack, words: str) -> None:
    with pytest.raises(XlperfError) as caught:
        check_limits(pack)
    assert words in str(caught.value)


def test_limits_at_the_edge_pass() -> None:
    check_limits(pack_of(Sheet("S" * MAX_SHEET_NAME, [
        block([[Cell("x" * MAX_CELL_CHARS)]] * (MAX_ROWS - 2))])))


def test_limits_are_checked_before_anything_is_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A pack that breaks a limit stops the build before the template is even opened."""
    import xlperf.pack.build
    import xlperf.writers.pack_xlsx

    monkeypatch.setattr(xlperf.pack.build, "describe_pack",
                        lambda *_a, **_k: pack_of(Sheet("Crime: Q4 2021/22")))
    monkeypatch.setattr(xlperf.writers.pack_xlsx, "cached_template",
                        lambda *_a, **_k: pytest.fail("the template was opened"))
    result = build(str(DEMO), "-o", str(tmp_path / "pack.xlsx"))
    assert result.exit_code == 1
    assert "contains one of" in result.output
    assert list(tmp_path.iterdir()) == []


def test_cells_beyond_the_sheet_are_refused() -> None:
    from xlperf.api import template_path
    from xlperf.pack.place import place
    from xlperf.writers.pack_xlsx import _Book
    from xlperf.writers.xlsx_template import cached_template

    template = cached_template(template_path())
    book = _Book(template, place(pack_of(Sheet("Data")), template.anchors))
    for row, col in ((MAX_ROWS + 1, 1), (1, MAX_COLS + 1)):
        with pytest.raises(XlperfError, match="beyond Excel's last row or column"):
            book.put("Data", row, col, 1, None, None, "Data!X")
