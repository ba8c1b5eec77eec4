"""A plain table's rows cut from its sheet's grid (xlperf.reading.xlsx) are exactly what
calamine's own table read gives: the whole read workbook (tables, headers, grids, scans,
problems) is compared with the one read with every table asked of calamine, on the demo and
on edits of its table parts and relationships that the cut must either read the same or
leave to calamine. The same comparison over every hostile input is in test_catalogue.py."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from xlperf.problems import Problem
from xlperf.reading import xlsx

DEMO = Path(__file__).resolve().parent.parent / "xlperf" / "assets" / "demo-q4-2021-22.xlsx"


def read(path: Path) -> tuple[Any, ...] | Problem:
    """Everything a read gives, or the problem that refused the file."""
    try:
        book = xlsx.read_workbook(path)
    except xlsx.UnreadableInput as exc:
        return exc.problem
    return (book.tables, {k: vars(v) for k, v in book.scans.items()}, book.grids,
            book.errors, book.skipped, book.sheet_names, book.table_places, book.warnings,
            book.duplicate_tables)


def both_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any, int]:
    """(the read, the read with every table asked of calamine, tables cut from a grid)."""
    cut: list[int] = []
    rows_from_grid = xlsx._rows_from_grid

    def counted(grid: Any, span: Any) -> Any:
        cut.append(1)
        return rows_from_grid(grid, span)

    with monkeypatch.context() as patch:
        patch.setattr(xlsx, "_rows_from_grid", counted)
        fast = read(path)
    with monkeypatch.context() as patch:
        patch.setattr(xlsx, "_table_span", lambda ref: None)
        slow = read(path)
    return fast, slow, len(cut)


def test_the_demo_is_read_the_same_with_every_table_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow, cut = both_ways(DEMO, monkeypatch)
    assert fast == slow
    assert cut == 29  # every table of the demo is plain: calamine parses each sheet once


def _edited(tmp_path: Path, edit: Callable[[dict[str, bytes]], None]) -> Path:
    with zipfile.ZipFile(DEMO) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    edit(parts)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    path = tmp_path / "edited.xlsx"
    path.write_bytes(buffer.getvalue())
    return path


def _table(name: str, old: bytes, new: bytes) -> Callable[[dict[str, bytes]], None]:
    """Replace ``old`` by ``new`` in the part of table ``name``."""

    def edit(parts: dict[str, bytes]) -> None:
        part = next(p for p, data in parts.items() if p.startswith("xl/tables/")
                    and f'displayName="{name}"'.encode() in data)
        assert old in parts[part], (name, old)
        parts[part] = parts[part].replace(old, new, 1)

    return edit


def _ref(name: str, new: str) -> Callable[[dict[str, bytes]], None]:
    """Give table ``name`` the reference ``new`` (its autoFilter too)."""

    def edit(parts: dict[str, bytes]) -> None:
        part = next(p for p, data in parts.items() if p.startswith("xl/tables/")
                    and f'displayName="{name}"'.encode() in data)
        parts[part] = re.sub(rb'ref="[^"]*"', f'ref="{new}"'.encode(), parts[part])

    return edit


def _rels(old: bytes, new: bytes) -> Callable[[dict[str, bytes]], None]:
    """Replace ``old`` by ``new`` in every sheet's relationships."""

    def edit(parts: dict[str, bytes]) -> None:
        for part in parts:
            if part.startswith("xl/worksheets/_rels/"):
                parts[part] = parts[part].replace(old, new)

    return edit


def _second_reference(parts: dict[str, bytes]) -> None:
    """Table 1's part referenced from a second sheet too."""
    rels = sorted(p for p in parts if p.startswith("xl/worksheets/_rels/"))
    first = re.search(rb'Target="([^"]+)"', parts[rels[0]])
    assert first
    parts[rels[1]] = parts[rels[1]].replace(
        b"</Relationships>", b'<Relationship Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/table" Target="' + first.group(1)
        + b'" Id="rId99" /></Relationships>')


EDITS: dict[str, Callable[[dict[str, bytes]], None]] = {
    "no header row": _table("tblSettings", b'headerRowCount="1"', b'headerRowCount="0"'),
    "two header rows": _table("tblSettings", b'headerRowCount="1"', b'headerRowCount="2"'),
    "header count spelt 01": _table("tblSettings", b'headerRowCount="1"',
                                    b'headerRowCount="01"'),
    "totals row": _table("tblSettings", b'headerRowCount="1"',
                         b'headerRowCount="1" totalsRowCount="1"'),
    "insert row": _table("tblSettings", b'headerRowCount="1"',
                         b'headerRowCount="1" insertRow="1"'),
    "insert row false": _table("tblSettings", b'headerRowCount="1"',
                               b'headerRowCount="1" insertRow="false"'),
    "one cell": _ref("tblSettings", "B4"),
    "absolute reference": _ref("tblSettings", "$B$4:$C$21"),
    "lower case reference": _ref("tblSettings", "b4:c21"),
    "reference below the data": _ref("tblSettings", "B4:C60"),
    "reference right of the data": _ref("tblSettings", "B4:H21"),
    "reference past row 2000": _ref("tblSettings", "B4:C2500"),
    "reference from A1": _ref("tblSettings", "A1:C21"),
    "reversed reference": _ref("tblSettings", "C21:B4"),
    "no display name": _table("tblSettings", b'displayName="tblSettings"', b""),
    "relative targets": _rels(b'Target="/xl/tables/', b'Target="../tables/'),
    "bare targets": _rels(b'Target="/xl/tables/', b'Target="tables/'),
    "other relationship type": _rels(b"relationships/table", b"relationships/tables"),
    "referenced twice": _second_reference,
}


@pytest.mark.parametrize("name", EDITS)
def test_an_edited_table_is_read_the_same(name: str, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow, _ = both_ways(_edited(tmp_path, EDITS[name]), monkeypatch)
    assert fast == slow


def test_only_plain_tables_are_cut(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The shapes the cut leaves to calamine are left to it (one table fewer is cut)."""
    for name in ("no header row", "totals row", "insert row", "no display name",
                 "referenced twice"):
        _, _, cut = both_ways(_edited(tmp_path, EDITS[name]), monkeypatch)
        assert cut == 28, name
    _, _, cut = both_ways(_edited(tmp_path, EDITS["relative targets"]), monkeypatch)
    assert cut == 29  # Excel's own targets are plain too


def test_a_header_only_table_has_no_rows(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A plain table of a header and no data rows (Excel always keeps one, other writers
    may not) is read as a table without rows. Left to calamine, it would stop calamine's Rust
    code (a panic printed to the terminal): the reader refuses it first, naming the table
    and its cell."""
    fast, slow, cut = both_ways(_edited(tmp_path, _ref("tblSettings", "B4:C4")), monkeypatch)
    assert cut == 29
    assert isinstance(fast, tuple)
    assert fast[0]["tblSettings"].rows == []
    assert fast[0]["tblSettings"].header == ["Setting", "Value"]
    assert isinstance(slow, Problem)
    assert (slow.code, slow.sheet, slow.cell) == ("corrupt-file", "Settings", "B4")
    assert slow.message.startswith("table tblSettings's reference B4:C4 leaves no row for "
                                   "its data below its header")


@pytest.mark.parametrize("ref", ["B4", "C21:B4", "$B$4"])
def test_a_table_calamine_cannot_read_is_a_corrupt_file(ref: str, tmp_path: Path) -> None:
    problem = read(_edited(tmp_path, _ref("tblSettings", ref)))
    assert isinstance(problem, Problem)
    assert problem.code == "corrupt-file"
    assert problem.file.endswith("edited.xlsx")


@pytest.mark.parametrize(("ref", "change"), [
    ("C21:B4", None), ("B4", None),
    ("B4:C5", (b'headerRowCount="1"', b'headerRowCount="1" totalsRowCount="1"')),
    ("B4:C5", (b'headerRowCount="1"', b'headerRowCount="2"')),
])
def test_no_rust_panic_reaches_the_terminal(ref: str, change: tuple[bytes, bytes] | None,
                                            tmp_path: Path) -> None:
    """A table whose reference leaves no data row is refused by xlperf itself, naming the
    table and the cell: calamine would stop on it with a panic printed to stderr by Rust
    itself, which no Python handler can word."""
    edits = [_ref("tblSettings", ref)] + ([_table("tblSettings", *change)] if change else [])

    def edit(parts: dict[str, bytes]) -> None:
        for one in edits:
            one(parts)

    path = _edited(tmp_path, edit)
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUST_")}
    done = subprocess.run([sys.executable, "-m", "xlperf", "validate", str(path)],
                          capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 1
    assert "panicked" not in done.stderr and "Traceback" not in done.stderr
    assert f"Settings!{ref.split(':')[0]}: error [corrupt-file] table tblSettings's " \
           f"reference {ref}" in done.stdout + done.stderr
