"""Inside Excel, without Excel: the entry points the buttons and the ribbon call, run on a
test double of the xlwings API (tests/excel_double.py) whose every member
test_excel_api.py checks against xlwings' own source; and the analyst workbook, its VBA
and buttons.

What cannot be tested here, because Excel cannot run: that Excel's sheet copy, rename,
delete and name handling behave as the double models them (its docstring lists each
assumption), that the VBA compiles, and what the screen shows. Those are checked by
structure only.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import hashlib
import inspect
import io
import json
import linecache
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import xlwings as xw
from openpyxl import load_workbook

from xlperf.api import build_pack, explain_measure, load_dataset
from xlperf.excel import entry, swap
from xlperf.writers import vba, xlsm

sys.path.insert(0, str(Path(__file__).parent))
import excel_double as xd
from tiny_input import valid_rows, write_input

pytestmark = pytest.mark.slow  # packs built through the double, and LibreOffice

BUTTON_MACRO = re.compile(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>")
RUN_PYTHON = re.compile(r'RunPython\s+"import ([\w.]+) as (\w+); \2\.(\w+)\((.*?)\)"')
XLWINGS = Path(xw.__file__).parent
ENTRY_POINTS = ("validate", "build_pack", "regrade", "explain", "export_pdf",
                "add_input_sheets", "settings")


# -- helpers --------------------------------------------------------------------------------
def open_caller(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[xd.Bench, xd.Book]:
    """A bench whose ``xw.Book.caller()`` is the workbook ``path``."""
    bench = xd.Bench()
    bench.engine = entry.ENGINE  # Excel's own workbook object as the engine offers it
    book = bench.open(path)
    bench.caller = book
    monkeypatch.setattr(entry, "_xlwings", bench.module)
    return bench, book


def final_names(file_pack: Path) -> dict[str, str]:
    book = load_workbook(file_pack, read_only=True)  # the names only: fast
    try:
        return swap.workbook_names(book.sheetnames, entry._taken(None))
    finally:
        book.close()


def mapped_formula(value: Any, names: dict[str, str]) -> Any:
    """A file pack formula with its sheet references renamed as in the analyst workbook
    (written independently of the product: a regular expression, not its tokenizer)."""
    if not isinstance(value, str) or not value.startswith("="):
        return value
    for old in sorted(names, key=len, reverse=True):
        new = names[old]
        quoted = "'" + old.replace("'", "''") + "'"
        value = re.sub(rf"(?:{re.escape(quoted)}|(?<![\w.'\]]){re.escape(old)})!",
                       lambda _m, new=new: f"\0{new}\0!", value)
    return re.sub(r"\0([^\0]*)\0!", lambda m: xd._quote(m.group(1)) + "!", value)


def sheet_refs(value: Any) -> set[str]:
    return xd.referred_sheets(value) if isinstance(value, str) and value.startswith("=") \
        else set()


def fingerprint(ws: Any, names: dict[str, str] | None = None,
                tables: dict[str, str] | None = None) -> dict[str, Any]:
    """Everything of a sheet the committee or a reviewer sees, with the file pack's sheet and
    table names mapped to the analyst workbook's."""
    names = names or {}
    tables = tables or {}
    cells = {}
    for row in ws.iter_rows():
        for c in row:
            if c.value is None and not c.has_style:
                continue
            value = mapped_formula(c.value, names)
            if isinstance(value, str) and value.startswith("="):
                value = value.replace("$", "")  # quoting differs; references must not
            link = None
            if c.hyperlink is not None and c.hyperlink.location:
                sheet, ref = xd._split(c.hyperlink.location)
                link = (names.get(sheet, sheet), ref)
            cells[c.coordinate] = (
                value, c.style, c.number_format, c.font.b, c.font.i, c.font.sz,
                str(c.font.color.rgb if c.font.color else None), str(c.fill.fgColor.rgb),
                c.alignment.horizontal, c.alignment.vertical, c.alignment.wrap_text,
                c.border.left.style if c.border.left else None,
                c.border.top.style if c.border.top else None, link,
                c.comment.text if c.comment else None)
    setup = ws.page_setup
    return {
        "cells": cells,
        "widths": {k: d.width for k, d in ws.column_dimensions.items() if d.width},
        "heights": {k: d.height for k, d in ws.row_dimensions.items() if d.height},
        "merged": sorted(str(m) for m in ws.merged_cells.ranges),
        "tables": {tables.get(t.displayName, t.displayName): t.ref
                   for t in ws.tables.values()},
        "charts": [(type(ch).__name__, [(s.val.numRef.f.split("!")[-1],
                                          s.cat.numRef.f.split("!")[-1]) for s in ch.series])
                   for ch in ws._charts],
        "print": (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight,
                  ws.sheet_properties.pageSetUpPr.fitToPage
                  if ws.sheet_properties.pageSetUpPr else None,
                  str(ws.print_title_rows), ws.oddHeader.center.text, ws.oddFooter.center.text,
                  ws.page_margins.left, ws.print_options.horizontalCentered),
        "conditional": sorted(str(r.sqref) for r in ws.conditional_formatting),
        "validations": sorted(str(v.sqref) for v in ws.data_validations.dataValidation),
    }


def input_clashes(pack: Any) -> dict[str, str]:
    """Pack table -> its name beside the input's tables (tblRules -> tblRulesPack)."""
    from xlperf.schema import load_schema

    return swap.table_names([t for ws in pack.worksheets for t in ws.tables],
                            [t.name for t in load_schema().tables])


def snapshot(book: xd.Book, skip: tuple[str, ...] = ("Issues",)) -> dict[str, Any]:
    """The whole workbook as data: sheet order, every cell (by row and column) with its
    value, style and link, tables, charts, names (cheap: the sweeps take one per call)."""
    wb = book._wb

    return {
        "order": [s for s in wb.sheetnames if s not in skip],
        "sheets": {ws.title: ({key: (c._value,  # the cell inline: a call per cell costs
                                     c._style.tobytes() if c._style is not None else b"",
                                     link.location if (link := getattr(c, "_hyperlink", None))
                                     is not None else None)
                               for key, c in ws._cells.items()},
                              {t.displayName: t.ref for t in ws.tables.values()},
                              len(ws._charts))
                   for ws in wb.worksheets if ws.title not in skip},
        "names": {n: d.attr_text for n, d in wb.defined_names.items()},
    }


def app_restored(bench: xd.Bench) -> bool:
    return bench.app._state == {"calculation": "automatic", "screen_updating": True,
                                "display_alerts": True, "status_bar": False}


# -- fixtures -----------------------------------------------------------------------------
#: File packs written by Build pack and Re-grade, by what they were written from; and file
#: packs read back, by content (see ``one_file_pack_per_input``).
_WRITTEN: dict[str, bytes] = {}
_READ: dict[str, swap.PackFile] = {}


@pytest.fixture(autouse=True, scope="module")
def one_file_pack_per_input() -> Any:
    """Build pack and Re-grade write the file pack (``xlperf build``'s writer) and read it
    back; the same dataset and quarter give the same bytes (tests/data/demo-pack.sha256), so
    in these tests each pack is written once and read once, and every later run, injected
    or not, copies the bytes and the reading. The key is the dataset's full repr (its
    source file name included), never a guess."""
    import xlperf.api

    write, read = xlperf.api.write_pack, swap.read_pack_file

    def cached_write(ds: Any, quarter: Any, output: Path, *args: Any, **kwargs: Any) -> Path:
        key = hashlib.sha256(repr((ds, quarter, args, kwargs)).encode()).hexdigest()
        if key in _WRITTEN:
            Path(output).write_bytes(_WRITTEN[key])
        else:
            write(ds, quarter, output, *args, **kwargs)
            _WRITTEN[key] = Path(output).read_bytes()
        return Path(output)

    def cached_read(path: Path) -> swap.PackFile:
        key = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        if key not in _READ:
            _READ[key] = read(path)
        return dataclasses.replace(_READ[key], path=Path(path))

    mp = pytest.MonkeyPatch()
    mp.setattr(xlperf.api, "write_pack", cached_write)
    mp.setattr(swap, "read_pack_file", cached_read)
    yield
    mp.undo()


@pytest.fixture(scope="module")
def file_pack(demo_pack_file: Path) -> Path:
    """The demo's pack as ``xlperf build`` writes it (conftest's, built once a session)."""
    return demo_pack_file


@pytest.fixture(scope="module")
def pack_book(file_pack: Path) -> Any:
    """The demo's file pack, loaded once (tests only read it)."""
    return load_workbook(file_pack)


@pytest.fixture(scope="module")
def built(demo: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The demo with the pack brought in by Build pack, through the double."""
    mp = pytest.MonkeyPatch()
    bench, book = open_caller(demo, mp)
    result = entry.build_pack()
    out = tmp_path_factory.mktemp("built") / "built.xlsx"
    book._wb.save(out)
    yield bench, book, result, out
    mp.undo()


# -- Build pack is xlperf build -----------------------------------------------------------
def test_build_pack_brings_in_exactly_xlperf_builds_sheets(built, file_pack, pack_book):
    bench, book, result, _ = built
    assert result is True
    expected = pack_book
    assert bench.alerts == ["The pack for Q4 2021-22 is in this workbook "
                            f"({len(expected.sheetnames)} sheets)."]
    assert app_restored(bench)
    names = final_names(file_pack)
    tables = swap.table_names([t for ws in expected.worksheets for t in ws.tables],
                              [t for ws in load_workbook(built[3]).worksheets
                               if ws.title not in names.values() for t in ws.tables])
    assert tables["tblASB"] == "tblASBPack" and tables["tblSummary"] == "tblSummary"
    wb = book._wb
    # the pack's sheets, in the file's order, after the input sheets
    assert [s for s in wb.sheetnames if s in set(names.values())] == \
        [names[s] for s in expected.sheetnames]
    assert wb.sheetnames[-len(names):] == [names[s] for s in expected.sheetnames]
    compared = 0
    for name in expected.sheetnames:
        want = fingerprint(expected[name], names, tables)
        got = fingerprint(wb[names[name]])
        for key in want:
            assert got[key] == want[key], (name, key)
        compared += len(want["cells"])
    assert compared > 5000
    assert sum(len(ws._charts) for ws in wb.worksheets) == sum(
        len(ws._charts) for ws in expected.worksheets) > 0
    # every formula refers to a sheet of this workbook: no external link is left
    for ws in wb.worksheets:
        for c in ws._cells.values():
            refs = sheet_refs(c.value)
            assert not any("[" in r for r in refs), (ws.title, c.coordinate, c.value)
            assert refs <= set(wb.sheetnames), (ws.title, c.coordinate, c.value)
    # the pack's defined names point at its cells in this workbook
    for name, defined in expected.defined_names.items():
        (sheet, ref), = defined.destinations
        (got_sheet, got_ref), = wb.defined_names[name].destinations
        assert (got_sheet, got_ref) == (names[sheet], ref), name
    assert not [s for s in wb.sheetnames if s.startswith("~xlperf")]


def test_cross_sheet_formulas_were_repaired_not_left_as_links(built, pack_book):
    """The double turns a copied formula's references to other sheets of the pack file into
    external links, as Excel does; Build pack must have set each one again."""
    bench = built[0]
    repaired = [args for name, args in bench.calls if name == "Range.formula="]
    assert len(repaired) > 100
    formulas = [f for args in repaired for row in args[2] for f in row]
    assert len(formulas) > 300 and not [f for f in formulas if "[" in f]
    copies = [args for name, args in bench.calls if name == "Sheet.copy"]
    assert [a[0] for a in copies] == pack_book.sheetnames
    assert all(a[3].startswith(swap.NEW_PREFIX) for a in copies)  # temporary names first


def foreign_chart_refs(book: Any) -> tuple[int, list[str]]:
    """(how many references the charts of ``book`` have, those that point outside their own
    sheet): every series' values and categories, of every chart of every sheet."""
    seen, foreign = 0, []
    for ws in book.worksheets:
        for number, chart in enumerate(ws._charts, start=1):
            for index, series in enumerate(chart.series):
                refs = {"values": series.val.numRef if series.val else None,
                        "categories": (series.cat.numRef or series.cat.strRef)
                        if series.cat else None}
                for what, ref in refs.items():
                    if ref is None or not ref.f:
                        foreign.append(f"{ws.title} chart {number} series {index}: no {what}")
                        continue
                    seen += 1
                    sheet = xd._split(ref.f)[0]
                    if sheet != ws.title:
                        foreign.append(f"{ws.title} chart {number} series {index} {what}: "
                                       f"{ref.f}")
    return seen, foreign


def test_charts_refer_only_to_their_own_sheet(built, pack_book):
    """Why one sheet at a time is enough for charts: Excel moves a chart's references with
    its sheet only when they point into that sheet (the SPC charts plot their chart data on
    the SPC sheet, not SPC Data)."""
    pack = pack_book
    seen, foreign = foreign_chart_refs(pack)
    charts = sum(len(ws._charts) for ws in pack.worksheets)
    series = sum(len(c.series) for ws in pack.worksheets for c in ws._charts)
    assert charts >= 14 and seen == 2 * series > 60
    assert foreign == []
    # and so after Build pack, through the double's sheet-by-sheet copy
    seen, foreign = foreign_chart_refs(built[1]._wb)
    assert seen == 2 * series and foreign == []


def test_the_chart_check_can_fail(file_pack):
    pack = load_workbook(file_pack)
    spc = pack["SPC"]._charts[0].series
    spc[0].val.numRef.f = "'SPC Data'!$C$6:$C$65"
    spc[-1].cat.numRef.f = "'[pack.xlsx]SPC'!$B$183:$B$242"
    _seen, foreign = foreign_chart_refs(pack)
    assert foreign == ["SPC chart 1 series 0 values: 'SPC Data'!$C$6:$C$65",
                       f"SPC chart 1 series {len(spc) - 1} categories: "
                       "'[pack.xlsx]SPC'!$B$183:$B$242"]


def test_a_second_build_replaces_the_previous_pack(built, demo, tmp_path, monkeypatch):
    _, _, _, path = built
    shutil.copy(demo, tmp_path / path.name)  # the pack names its source file
    file_pack = build_pack(tmp_path / path.name, output=tmp_path / "pack.xlsx")[0]
    bench, book = open_caller(path, monkeypatch)
    before = list(book._wb.sheetnames)
    assert entry.build_pack() is True
    assert len(bench.alerts) == 1 and "is in this workbook" in bench.alerts[0]
    assert book._wb.sheetnames == before
    expected = load_workbook(file_pack)
    names = final_names(file_pack)
    for name in ("Cover", "Summary", "Measures", "Checks", "Data", "Key Data", "Audit", "ASB"):
        want = fingerprint(expected[name], names, input_clashes(expected))
        got = fingerprint(book._wb[names[name]])
        assert got == want, name
    tables = [t for ws in book._wb.worksheets for t in ws.tables]
    assert len(tables) == len({t.casefold() for t in tables})
    assert not [t for t in tables if t.startswith(swap.OLD_TABLE_PREFIX)]
    assert [n for n, _ in bench.calls].count("Sheet.delete") == len(expected.sheetnames)


# -- a failure at each step ---------------------------------------------------------------
@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A tiny input, its pack file, and the input with that pack brought in."""
    folder = tmp_path_factory.mktemp("tiny")
    source = write_input(folder / "tiny.xlsx", valid_rows())
    pack = folder / "pack.xlsx"
    build_pack(source, output=pack)
    mp = pytest.MonkeyPatch()
    _bench, book = open_caller(source, mp)
    assert entry.build_pack() is True
    with_pack = folder / "with-pack.xlsx"
    book._wb.save(with_pack)
    mp.undo()
    return {"input": source, "pack": pack, "with_pack": with_pack,
            "read": swap.read_pack_file(pack)}


def _fast_pack(monkeypatch: pytest.MonkeyPatch, tiny: dict[str, Any]) -> None:
    """The pack file is written and read once (what is under test is the swap)."""
    import dataclasses

    import xlperf.api

    monkeypatch.setattr(xlperf.api, "write_pack",
                        lambda ds, q, out, *a, **k: shutil.copy(tiny["pack"], out))
    monkeypatch.setattr(swap, "read_pack_file",
                        lambda path: dataclasses.replace(tiny["read"], path=Path(path)))


Check = Callable[[xd.Bench, dict[str, Any], dict[str, Any], int], "str | None"]


class _OwnersDirectory:
    """``tempfile.TemporaryDirectory`` that only the process that made it removes: a forked
    injected run must not remove the folder of the run it was forked from (the same folder
    on disk). No finalizer either: the standard one removes the folder when a child drops
    the object."""

    def __init__(self, suffix: str | None = None, prefix: str | None = None,
                 dir: str | None = None, **_options: Any) -> None:  # tempfile's names
        self.name = tempfile.mkdtemp(suffix, prefix, dir)
        self._owner = os.getpid()

    def __enter__(self) -> str:
        return self.name

    def __exit__(self, *_exc: object) -> None:
        self.cleanup()

    def cleanup(self) -> None:
        if os.getpid() == self._owner:
            shutil.rmtree(self.name, ignore_errors=True)


def sweep_results(function: Callable[[], Any], path: Path, monkeypatch: pytest.MonkeyPatch,
                  check: Check, snapshots: bool = True) -> tuple[int, dict[int, str | None]]:
    """Inject a failure at EVERY call ``function`` makes: (how many calls it makes, what
    ``check`` found per call index, None for nothing wrong).

    ``function`` runs once, undisturbed; before each of its calls to the double the run
    forks, and the child process makes that call fail and runs on from there, so each
    injected run costs only what follows the failure, not the calls before it (a replay
    per index, over 1,500 of them for Build pack, cost 45 CPU minutes). The child checks
    the workbook (``check`` gets the bench, the workbook's snapshot after the run and before
    it, and the index), sends the answer up a pipe and exits; the parent goes on with the
    call. Where ``os.fork`` is missing each index is replayed from a fresh workbook.
    ``snapshots=False``: ``check`` looks at the bench only (it gets empty snapshots)."""
    bench, book = open_caller(path, monkeypatch)
    take: Callable[[xd.Book], dict[str, Any]] = (
        (lambda book: snapshot(book, skip=())) if snapshots else (lambda book: {}))
    original = take(book)
    monkeypatch.setattr(tempfile, "TemporaryDirectory", _OwnersDirectory)
    found: dict[int, str | None] = {}

    def injected_run(bench: xd.Bench, book: xd.Book, index: int) -> str | None:
        try:
            function()
        except BaseException as exc:  # noqa: BLE001 - the test reports it
            return f"{exc!r} reached Excel"
        what = bench.calls[index][0] if index < len(bench.calls) else "?"
        problem = check(bench, take(book), original, index)
        return f"{what}: {problem}" if problem else None

    if not hasattr(os, "fork"):  # pragma: no cover - Windows: every index, replayed
        function()
        total = len(bench.calls)
        for index in range(total):
            bench, book = open_caller(path, monkeypatch)
            bench.fail_at = index
            found[index] = injected_run(bench, book, index)
        return total, found

    function()  # undisturbed, on its own copy: what the forked run must do too
    plain = [name for name, _ in bench.calls]
    bench, book = open_caller(path, monkeypatch)

    child: list[tuple[int, int]] = []  # in a child: (its index, the pipe to write to)
    running: list[tuple[int, int, int]] = []  # children at work: (index, pid, pipe)
    at_once = max(1, min(4, os.cpu_count() or 1))

    def reap(index: int, pid: int, read: int) -> None:
        with os.fdopen(read, "rb") as answer:  # an answer is far smaller than a pipe holds
            data = answer.read()
        os.waitpid(pid, 0)
        found[index] = json.loads(data)["problem"] if data else \
            "the injected run died without an answer"

    def fork_here(index: int, _name: str) -> None:
        if child:
            return
        if len(running) >= at_once:
            reap(*running.pop(0))
        read, write = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: this call fails, the run goes on from there
            os.close(read)
            for _index, _pid, other in running:
                os.close(other)
            gc.disable()
            signal.alarm(120)  # a child that hangs dies; the parent reports it
            child.append((index, write))
            bench.before_call = None
            bench.fail_at = index
            return
        os.close(write)
        running.append((index, pid, read))

    for module in (entry, swap, xd, contextlib, tempfile, *[  # each child formats a
            m for name, m in list(sys.modules.items())  # traceback: read their source
            if name.partition(".")[0] == "xlperf"]):  # once, not per child
        linecache.getlines(module.__file__)
    gc.collect()
    gc.freeze()  # a child's garbage collector then leaves the parent's objects alone
    bench.before_call = fork_here
    reached: list[BaseException] = []
    try:
        function()
    except BaseException as exc:
        if not child:
            raise
        reached.append(exc)
    finally:
        if not child:
            bench.before_call = None
            while running:
                reap(*running.pop(0))
            gc.unfreeze()
    if child:  # the child: check, answer, and leave without running the parent's code
        index, write = child[0]
        try:
            problem = f"{reached[0]!r} reached Excel" if reached else \
                injected_run_after(bench, take(book), index, check, original)
            os.write(write, json.dumps({"problem": problem}).encode())
        finally:
            os._exit(0)
    forked = [name for name, _ in bench.calls]
    assert forked == plain, (  # no child disturbed the run it was forked from
        f"the run the sweep forked from made {len(forked)} calls, not {len(plain)}: "
        f"{bench.alerts}")
    return len(bench.calls), found


def injected_run_after(bench: xd.Bench, after: dict[str, Any], index: int, check: Check,
                       original: dict[str, Any]) -> str | None:
    """In a forked child, once the run with the failure at ``index`` has returned."""
    what = bench.calls[index][0]
    try:
        problem = check(bench, after, original, index)
    except BaseException as exc:  # noqa: BLE001 - reported, not raised in a child
        problem = f"the check failed: {exc!r}"
    return f"{what}: {problem}" if problem else None


def _sweep(function: Callable[[], Any], path: Path, monkeypatch: pytest.MonkeyPatch,
           check: Check, snapshots: bool = True) -> int:
    """``sweep_results``, asserting that every call was injected and nothing was wrong;
    returns how many calls ``function`` makes."""
    total, found = sweep_results(function, path, monkeypatch, check, snapshots)
    assert sorted(found) == list(range(total)), "a call was not injected"
    wrong = [f"call {index}: {problem}" for index, problem in sorted(found.items())
             if problem]
    assert wrong == [], "\n".join(wrong[:20])
    return total


def _pack_check(sheets: list[str]) -> Callable[..., str | None]:
    def check(bench: xd.Bench, after: dict[str, Any], original: dict[str, Any], index: int
              ) -> str | None:
        if len(bench.alerts) != 1:
            return f"{len(bench.alerts)} alerts: {bench.alerts}"
        if not app_restored(bench):
            return f"Excel left as {bench.app._state}"
        now = {"order": [s for s in after["order"] if s != "Issues"],
               "sheets": {k: v for k, v in after["sheets"].items() if k != "Issues"},
               "names": after["names"]}
        temporaries = [s for s in now["order"] if s.startswith(swap.NEW_PREFIX)]
        if temporaries:
            return f"temporary sheets left: {temporaries}"
        before = {k: v for k, v in original["sheets"].items() if k != "Issues"}
        if now["sheets"] == before and now["names"] == original["names"] \
                and now["order"] == [s for s in original["order"] if s != "Issues"]:
            return None  # the previous pack exactly as it was
        # past the commit (the same input, so the same pack): the new pack is complete and
        # in place; a previous sheet Excel would not delete is named in the message
        if "did not finish" in bench.alerts[0]:
            return f"a failure changed the previous pack: {bench.alerts[0]!r}"
        leftovers = [s for s in now["order"] if s.startswith(swap.OLD_PREFIX)]
        if leftovers and (len(leftovers) != 1 or leftovers[0] not in bench.alerts[0]):
            return f"leftovers {leftovers} not named in {bench.alerts[0]!r}"
        if [s for s in now["order"] if s not in leftovers] != \
                [s for s in original["order"] if s != "Issues"]:
            return f"sheets now {now['order']}"
        for name in sheets:
            values = {k: v[0] for k, v in now["sheets"][name][0].items() if v[0] is not None}
            want = {k: v[0] for k, v in before[name][0].items() if v[0] is not None}
            if values != want or now["sheets"][name][1] != before[name][1]:
                return f"sheet {name} is not the pack after the commit"
        return None
    return check


def sweep_over_the_pack(button: Callable[[], Any], sheets: Callable[[dict[str, str]], list[str]],
                        tiny: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> int:
    """``_sweep`` of a button that replaces pack sheets (Build pack, Re-grade) on the tiny
    input with a pack: a failure at any call leaves the previous pack or the whole new one
    (``_pack_check`` of the sheets ``sheets(final_names)`` names); how many calls it makes."""
    _fast_pack(monkeypatch, tiny)
    names = final_names(tiny["pack"])
    return _sweep(button, tiny["with_pack"], monkeypatch, _pack_check(sheets(names)))


def test_the_sweep_can_fail(tiny, monkeypatch):
    """The check above flags a swap without rollback (a negative self-check)."""
    _fast_pack(monkeypatch, tiny)

    class NoUndo(swap._Undo):
        def run(self) -> None:
            self.actions.clear()

    monkeypatch.setattr(swap, "_Undo", NoUndo)
    bench, book = open_caller(tiny["with_pack"], monkeypatch)
    original = snapshot(book, skip=())
    entry.build_pack()
    renames = [i for i, (n, a) in enumerate(bench.calls)
               if n == "Sheet.name=" and not a[0].startswith(swap.NEW_PREFIX)]
    bench, book = open_caller(tiny["with_pack"], monkeypatch)
    bench.fail_at = renames[3]
    entry.build_pack()
    names = final_names(tiny["pack"])
    check = _pack_check(list(names.values()))
    assert check(bench, snapshot(book, skip=()), original, renames[3]) is not None


def test_a_failure_reaching_the_workbook_is_one_alert(monkeypatch, demo):
    bench, _book = open_caller(demo, monkeypatch)
    bench.caller_error = OSError("Excel is busy")
    for name in ENTRY_POINTS:
        bench.alerts.clear()
        assert getattr(entry, name)() is None
        assert len(bench.alerts) == 1 and "Excel is busy" in bench.alerts[0], name


def test_an_unexpected_failure_puts_its_traceback_on_issues(monkeypatch, tiny):
    bench, book = open_caller(tiny["with_pack"], monkeypatch)
    _fast_pack(monkeypatch, tiny)
    index = _first(entry.build_pack, tiny, monkeypatch, "Sheet.copy")
    bench, book = open_caller(tiny["with_pack"], monkeypatch)
    original = snapshot(book)
    bench.fail_at = index
    assert entry.build_pack() is None
    assert bench.alerts == [
        "Build pack did not finish: injected failure at call "
        f"{bench.fail_at}: Sheet.copy. Nothing was changed. The detail is on the Issues sheet."]
    issues = book._wb["Issues"]
    detail = "\n".join(str(c.value) for c in issues["D"] if c.value)
    assert "Traceback" in detail and "swap_in" in detail
    assert snapshot(book) == original


def _record(function: Callable[[], Any], tiny: dict[str, Any],
            monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[Any, ...]]]:
    bench, _book = open_caller(tiny["with_pack"], monkeypatch)
    function()
    return bench.calls


def _first(function: Callable[[], Any], tiny: dict[str, Any],
           monkeypatch: pytest.MonkeyPatch, call: str) -> int:
    return next(i for i, (n, _a) in enumerate(_record(function, tiny, monkeypatch))
                if n == call)


# -- Re-grade -------------------------------------------------------------------------------
def _edit_reported_grade(path: Path, out: Path) -> Path:
    book = load_workbook(path)
    ws = book["Measure values"]
    ref = ws.tables["tblMeasureValues"].ref
    top = int(re.findall(r"\d+", ref)[0])
    header = [c.value for c in ws[top]]
    col = {h: header.index(h) + 1 for h in ("FY", "Quarter", "Reported grade")}
    row = next(r for r in range(top + 1, ws.max_row + 1)
               if ws.cell(r, col["FY"]).value == "2021-22"
               and ws.cell(r, col["Quarter"]).value == "Q4")
    old = ws.cell(row, col["Reported grade"]).value
    ws.cell(row, col["Reported grade"]).value = \
        "Requires Action" if old != "Requires Action" else "Satisfactory"
    book.save(out)
    return out


def test_regrade_replaces_only_summary_measures_and_audit(built, demo, tmp_path, monkeypatch):
    edited = _edit_reported_grade(built[3], tmp_path / "edited.xlsx")
    expected = build_pack(_edit_reported_grade(demo, tmp_path / "input.xlsx"),
                          output=tmp_path / "expected.xlsx")[0]
    bench, book = open_caller(edited, monkeypatch)
    before = snapshot(book)
    assert entry.regrade() is True
    assert len(bench.alerts) == 1 and "recomputed" in bench.alerts[0]
    names = final_names(expected)
    regraded = {names[s] for s in entry.REGRADE_SHEETS}
    assert [a[0] for n, a in bench.calls if n == "Sheet.copy"] == list(entry.REGRADE_SHEETS)
    now = snapshot(book)
    assert now["order"] == before["order"]  # each new sheet where the old one was
    for sheet in before["sheets"]:
        if sheet not in regraded:
            assert now["sheets"][sheet] == before["sheets"][sheet], sheet
    want = load_workbook(expected)
    tables = input_clashes(want)
    for name in entry.REGRADE_SHEETS:
        assert fingerprint(book._wb[names[name]]) == fingerprint(want[name], names, tables), \
            name
    previous = built[1]._wb  # the pack before the edit
    assert fingerprint(book._wb[names["Summary"]]) != fingerprint(
        previous[names["Summary"]]) or fingerprint(
        book._wb[names["Measures"]]) != fingerprint(previous[names["Measures"]])


def test_regrade_before_any_build_asks_for_a_build(demo, monkeypatch):
    bench, book = open_caller(demo, monkeypatch)
    before = snapshot(book)
    assert entry.regrade() is None
    assert len(bench.alerts) == 1 and "press Build pack first" in bench.alerts[0]
    assert snapshot(book) == before


# -- bad input ---------------------------------------------------------------------------------
def _crime_cell(book: Any) -> Any:
    table = book["Crime"].tables["tblCrime"]
    head = int(re.findall(r"\d+", table.ref)[0])
    header = [c.value for c in book["Crime"][head]]
    return book["Crime"].cell(head + 3, header.index("Jun") + 1)


@pytest.mark.parametrize("name", ["build_pack", "validate", "regrade", "explain"])
def test_a_bad_cell_goes_to_issues_with_a_link_and_one_alert(name, demo, tmp_path,
                                                             monkeypatch):
    wb = load_workbook(demo)
    target = _crime_cell(wb)
    target.value = "twelve"
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    bench, book = open_caller(path, monkeypatch)
    before = snapshot(book)
    assert not getattr(entry, name)()
    assert len(bench.alerts) == 1 and "listed on the Issues sheet" in bench.alerts[0]
    issues = book._wb["Issues"]
    rows = [[c.value for c in row] for row in issues.iter_rows(min_row=4, max_col=4)]
    assert rows[0] == ["Error", "not-a-number", f"Crime!{target.coordinate}",
                       '"twelve" is not a number']
    for i, row in enumerate(rows):
        assert issues.cell(4 + i, 3).hyperlink.location.endswith(row[2].split("!")[1])
    assert snapshot(book) == before  # nothing but Issues changed
    assert app_restored(bench)


def test_validate_a_valid_workbook(demo, monkeypatch):
    bench, book = open_caller(demo, monkeypatch)
    assert entry.validate() is True
    assert len(bench.alerts) == 1 and bench.alerts[0].startswith("The input is valid (")
    rows = [[c.value for c in r] for r in book._wb["Issues"].iter_rows(min_row=4, max_col=4)]
    assert rows and all(r[0] == "Warning" for r in rows) or rows == [
        [None, None, None, "No problems found."]]


def test_a_workbook_without_input_tables_is_offered_add_input_sheets(tmp_path, monkeypatch):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "My analysis"
    wb.active["A1"] = "mine"
    wb.save(tmp_path / "mine.xlsx")
    for name in ("validate", "build_pack", "regrade", "explain"):
        bench, book = open_caller(tmp_path / "mine.xlsx", monkeypatch)
        assert getattr(entry, name)() is None
        assert len(bench.alerts) == 1 and "Add input sheets" in bench.alerts[0], name
        assert book._wb.sheetnames == ["My analysis"]


def test_a_sheet_xlperf_did_not_write_is_never_replaced(demo, tmp_path, monkeypatch):
    wb = load_workbook(demo)
    wb.create_sheet("Summary")["A1"] = "my own notes"
    wb.save(tmp_path / "mine.xlsx")
    bench, book = open_caller(tmp_path / "mine.xlsx", monkeypatch)
    before = snapshot(book)
    assert entry.build_pack() is None
    assert len(bench.alerts) == 1
    assert "already has a sheet 'Summary' that xlperf did not write" in bench.alerts[0]
    assert snapshot(book) == before


@pytest.mark.parametrize("engine", ["windows", "macos"])
@pytest.mark.parametrize("state, said", [
    ("read_only", "Excel opened this workbook read-only, so nothing xlperf adds could be "
                  "saved; save a copy (File > Save As) and press the button there."),
    ("shared", "this is a shared workbook (Share Workbook), in which Excel cannot copy, "
               "rename or delete sheets or add tables; turn sharing off (Review > Unshare "
               "Workbook) or save a copy, then try again."),
])
def test_a_read_only_or_shared_workbook_is_refused_in_one_sentence(engine, state, said, demo,
                                                                   monkeypatch):
    """As Excel reports it (Book.api: COM on Windows, AppleScript on macOS), not from file
    permissions: this runs, and can fail, as root too."""
    monkeypatch.setattr(entry, "ENGINE", engine)
    for name, what in (("build_pack", "Build pack"), ("regrade", "Re-grade"),
                       ("add_input_sheets", "Add input sheets")):
        bench, book = open_caller(demo, monkeypatch)
        bench.engine = engine
        setattr(bench, state, True)
        before = snapshot(book, skip=())
        assert getattr(entry, name)() is None
        assert bench.alerts == [f"{what}: {said}"], name
        assert snapshot(book, skip=()) == before and app_restored(bench)
        asked = [n for n, _ in bench.calls if n.startswith("Book.api.")]
        assert asked == ({"windows": ["Book.api.ReadOnly", "Book.api.MultiUserEditing"],
                          "macos": ["Book.api.read_only.get",
                                    "Book.api.multi_user_editing.get"]}[engine]), asked
        assert not [n for n, _ in bench.calls if n in ("Sheet.copy", "Sheets.add")]


def test_an_editable_workbook_is_asked_on_each_engine(demo, monkeypatch):
    """Neither read-only nor shared: Add input sheets goes on, on both engines (a name only
    one engine has would fail on the other: the double offers each engine's names only)."""
    for engine in ("windows", "macos"):
        monkeypatch.setattr(entry, "ENGINE", engine)
        bench, _book = open_caller(demo, monkeypatch)
        bench.engine = engine
        assert entry.add_input_sheets() is not None, bench.alerts
        assert len([n for n, _ in bench.calls if n.startswith("Book.api.")]) == 2
    monkeypatch.setattr(entry, "ENGINE", "macos")
    bench, _book = open_caller(demo, monkeypatch)
    bench.engine = "windows"  # the double as Windows: COM names only
    assert entry.add_input_sheets() is None
    assert "did not finish" in bench.alerts[0] and "read_only" in bench.alerts[0]


def test_a_second_build_while_one_runs_is_refused(demo, monkeypatch):
    bench, book = open_caller(demo, monkeypatch)
    lock = entry._lock_path(book)
    lock.write_text(str(os.getpid()), "ascii")  # a live process holds it
    try:
        before = snapshot(book)
        assert entry.build_pack() is None
        assert bench.alerts == ["Build pack: xlperf is already building the pack of this "
                                "workbook; wait for it to finish, then try again."]
        assert snapshot(book) == before
    finally:
        lock.unlink(missing_ok=True)


def test_a_lock_left_by_a_stopped_run_is_taken_over(tiny, monkeypatch):
    _fast_pack(monkeypatch, tiny)
    bench, book = open_caller(tiny["with_pack"], monkeypatch)
    lock = entry._lock_path(book)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    lock.write_text(dead, "ascii")
    assert entry.build_pack() is True, bench.alerts
    assert not lock.exists()


def test_protected_view_from_the_ribbon_is_one_message(demo, monkeypatch):
    bench, _book = open_caller(demo, monkeypatch)
    addin = bench.open(demo, name="xlperf.xlam")
    bench.caller = addin
    bench.active = None  # Excel has no active workbook while one is in Protected View
    for name in ENTRY_POINTS:
        bench.alerts.clear()
        assert getattr(entry, name)() is None
        assert len(bench.alerts) == 1 and "Protected View" in bench.alerts[0], name


def test_the_ribbon_acts_on_the_active_workbook(demo, monkeypatch):
    bench, book = open_caller(demo, monkeypatch)
    bench.caller = bench.open(demo, name="xlperf.xlam")
    bench.active = book
    assert entry.validate() is True
    assert "Issues" in book._wb.sheetnames


# -- Explain -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def measure(demo: Path) -> tuple[str, str, str]:
    """A measure with typed values (it has a row on the Measure values sheet)."""
    typed = {c.value for c in load_workbook(demo)["Measure values"]["B"]}
    m = next(m for m in load_dataset(demo).measures[1:] if m.id in typed)
    return m.id, m.label, explain_measure(demo, m.id)


def _row_of(ws: Any, value: str) -> int:
    return next(c.row for row in ws.iter_rows() for c in row if c.value == value)


@pytest.mark.parametrize("where", ["cell", "row", "block", "areas", "pack"])
def test_explain_the_selected_measure(where, measure, built, monkeypatch):
    measure_id, label, expected = measure
    bench, book = open_caller(built[3], monkeypatch)
    row = _row_of(book._wb["Measure values"], measure_id)
    bench.selection = {
        "cell": ("Measure values", f"$E${row}"),
        "row": ("Measure values", f"${row}:${row}"),
        "block": ("Measure values", f"$C${row}:$F${row + 2}"),
        "areas": ("Measure values", f"$D${row},$B$1:$B$2"),
        "pack": ("Measures (pack)", f"$E${_row_of(book._wb['Measures (pack)'], label)}"),
    }[where]
    assert entry.explain() == expected
    assert bench.alerts == [expected]


@pytest.mark.parametrize("selection, said", [
    (None, "a shape or chart is selected"),  # xlwings gives None for both, on both engines
    (("Measure values", "$C:$C"), "a whole column is selected"),
    (("Settings", "$B$2"), "names no measure"),
])
def test_explain_without_a_measure_says_what_to_select(selection, said, demo, monkeypatch):
    bench, book = open_caller(demo, monkeypatch)
    bench.selection = selection
    before = snapshot(book)
    assert entry.explain() is None
    assert len(bench.alerts) == 1 and said in bench.alerts[0]
    assert "select a cell holding a measure ID" in bench.alerts[0]
    assert snapshot(book) == before


# -- Export PDF, Add input sheets, Settings ---------------------------------------------------
def test_export_pdf_prints_the_committee_sheets_in_order(built, file_pack, pack_book,
                                                          monkeypatch):
    bench, _book = open_caller(built[3], monkeypatch)
    path = entry.export_pdf()
    names = final_names(file_pack)
    committee = [names[s] for s in pack_book.sheetnames
                 if s not in ("Audit", "Checks", "Data")]
    assert bench.pdfs == [(path, committee)]
    assert len(bench.alerts) == 1 and path in bench.alerts[0]


def test_export_pdf_before_a_build_asks_for_one(demo, monkeypatch):
    bench, _book = open_caller(demo, monkeypatch)
    assert entry.export_pdf() is None
    assert bench.pdfs == [] and "press Build pack first" in bench.alerts[0]


def test_add_input_sheets_beside_the_analysts_own(tmp_path, monkeypatch):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "My analysis"
    wb.active["A1"] = "mine"
    wb.create_sheet("Crime")["B2"] = "my crime notes"
    wb.save(tmp_path / "mine.xlsx")
    bench, book = open_caller(tmp_path / "mine.xlsx", monkeypatch)
    added = entry.add_input_sheets()
    assert added is not None and "Crime" not in added and "Settings" in added
    assert book._wb.sheetnames[:2] == ["My analysis", "Crime"]
    assert book._wb["Crime"]["B2"].value == "my crime notes"
    assert book._wb["My analysis"]["A1"].value == "mine"
    assert "Crime" in bench.alerts[0]
    for ws in book._wb.worksheets:  # drop-downs point at this workbook's Lists sheet
        for rule in ws.data_validations.dataValidation:
            if rule.type == "list" and "!" in (rule.formula1 or ""):
                assert "[" not in rule.formula1 and "Lists" in rule.formula1, ws.title
    again = entry.add_input_sheets()
    assert again == [] and "No input sheet was added" in bench.alerts[-1]


def test_settings_adds_missing_keys_and_never_overwrites(demo, tmp_path, monkeypatch):
    wb = load_workbook(demo)
    conf = wb.create_sheet("xlwings.conf")
    conf["A1"], conf["B1"] = "Interpreter_Win", r"C:\nowhere\python.exe"
    conf["A2"], conf["B2"] = "Interpreter_Mac", "/nowhere/python"
    wb.save(tmp_path / "conf.xlsx")
    bench, book = open_caller(tmp_path / "conf.xlsx", monkeypatch)
    values = entry.settings()
    assert values is not None
    assert values["Interpreter_Win"] == r"C:\nowhere\python.exe"
    assert values["Interpreter_Mac"] == "/nowhere/python"
    assert "UDF Modules" in values
    ws = book._wb["xlwings.conf"]
    assert ws["B1"].value == r"C:\nowhere\python.exe" and ws["B2"].value == "/nowhere/python"
    assert len(bench.alerts) == 1 and "does not exist" in bench.alerts[0]
    assert sys.executable in bench.alerts[0]


# -- reading the open workbook --------------------------------------------------------------------
def test_the_book_reader_gives_the_file_readers_dataset(demo, monkeypatch):
    from xlperf.reading.book import load_book
    from xlperf.reading.pipeline import load

    _bench, book = open_caller(demo, monkeypatch)
    from_book = load_book(book)
    from_file = load(demo)
    assert from_book.problems.errors == from_file.problems.errors == []
    assert from_book.dataset == from_file.dataset


def test_the_double_is_what_the_entry_points_call(built):
    """Every recorded call is a member of the surface test_excel_api.py checks (or a sub-step
    of one)."""
    from test_excel_api import double_surface

    surface = double_surface()
    for name, _args in built[0].calls:
        if name.startswith("Book.api."):  # the engine's own object: excel_reports only
            assert name in {"windows": ("Book.api.ReadOnly", "Book.api.MultiUserEditing"),
                            "macos": ("Book.api.read_only.get",
                                      "Book.api.multi_user_editing.get")}[entry.ENGINE], name
            continue
        cls, _, member = name.partition(".")
        member = member.rstrip("=").split(">")[0]
        if name == "Sheets[]":
            cls, member = "Sheets", "__getitem__"
        assert cls in ("Book",) and member == "caller" or member in surface.get(cls, {}), name


# -- the analyst workbook --------------------------------------------------------------
@pytest.fixture(scope="module")
def analyst(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from xlperf.cli import main

    path = tmp_path_factory.mktemp("xlsm") / "analyst.xlsm"
    result = CliRunner().invoke(main, ["workbook", "-o", str(path), "--demo"])
    assert result.exit_code == 0, result.output
    return path


def test_analyst_workbook_is_macro_enabled_and_reproducible(analyst, tmp_path):
    with zipfile.ZipFile(analyst) as package:
        types = package.read("[Content_Types].xml").decode()
        assert 'PartName="/xl/workbook.xml" ContentType="application/vnd.ms-excel.sheet.' \
               'macroEnabled.main+xml"' in types
        assert 'Extension="bin" ContentType="application/vnd.ms-office.vbaProject"' in types
        assert "vbaProject" in package.read("xl/_rels/workbook.xml.rels").decode()
        assert package.read("xl/vbaProject.bin")[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    book = load_workbook(analyst)
    assert book.sheetnames[0] == "Start" and "xlwings.conf" in book.sheetnames
    assert book.code_name == "ThisWorkbook"
    assert [ws.sheet_properties.codeName for ws in book.worksheets] == [
        f"Sheet{i}" for i in range(1, len(book.worksheets) + 1)]
    again = tmp_path / "again.xlsm"
    from xlperf.api import write_analyst_workbook

    write_analyst_workbook(again, demo=True)
    assert again.read_bytes() == analyst.read_bytes()
    with pytest.raises(Exception, match="never overwrites"):
        write_analyst_workbook(again)


def test_conf_sheet_registers_the_cell_functions(analyst):
    conf = load_workbook(analyst)["xlwings.conf"]
    settings = {}
    for row in range(1, conf.max_row + 1):  # xlwings reads A1 down to the first blank
        if conf.cell(row, 1).value is None:
            break
        settings[conf.cell(row, 1).value] = conf.cell(row, 2).value
    assert settings["Interpreter_Win"].endswith("pythonw.exe")
    module = __import__(settings["UDF Modules"], fromlist=["_"])
    # xw.func registers a function only on Windows (elsewhere it is a no-op): read the source
    registered = re.findall(r"^@xw\.func\b.*\n(?:@xw\.arg\b.*\n)*def (\w+)\(",
                            inspect.getsource(module), re.MULTILINE)
    public = [name for name, _ in inspect.getmembers(module, inspect.isfunction)
              if name.startswith("XLPERF_")]
    assert sorted(registered) == sorted(public) and len(public) >= 5
    assert module.XLPERF_GRADE(79, "CT-SURVEY-V-BASELINE") == "Requires Action"


def test_every_button_runs_a_macro_that_exists_and_every_runpython_call_a_real_function(
        analyst):
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(analyst))
    modules = {name.rsplit(".", 1)[0]: code for _, _, name, code in parser.extract_macros()}
    parser.close()
    assert {"xlwings", "xlperf", "Dictionary", "ThisWorkbook"} <= set(modules)
    subs = {m.group(1) for code in modules.values()
            for m in re.finditer(r"^(?:Public |Private )?Sub (\w+)\(", code, re.MULTILINE)}
    with zipfile.ZipFile(analyst) as package:
        vml = "".join(package.read(n).decode() for n in package.namelist()
                      if n.endswith(".vml"))
    buttons = BUTTON_MACRO.findall(vml)
    assert buttons == [b.macro for b in xlsm.load_spec().buttons]
    assert set(buttons) <= subs
    calls = RUN_PYTHON.findall(modules["xlperf"])
    assert len(calls) == modules["xlperf"].count("RunPython") >= 4
    # every function a button runs is one the failure sweeps inject into
    assert {function for _m, _a, function, _args in calls} <= set(ENTRY_POINTS)
    for module_name, _alias, function, arguments in calls:
        module = __import__(module_name, fromlist=["_"])
        target = getattr(module, function)
        assert arguments == ""  # called from Excel with no argument: the book is the caller
        inspect.signature(target).bind()
    for button in buttons:
        body = re.search(rf"Sub {button}\(\)(.*?)End Sub", "\n".join(modules.values()), re.S)
        assert body is not None, button


def test_the_xlwings_module_is_the_installed_xlwings(analyst):
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(analyst))
    code = {name: code for _, _, name, code in parser.extract_macros()}["xlwings.bas"]
    parser.close()
    shipped = Path(xw.__file__).with_name("xlwings.bas").read_text("cp1252")
    assert code.replace("\r\n", "\n").strip() == shipped.replace("\r\n", "\n").strip()
    assert f"XLWINGS_VERSION As String = \"{xw.__version__}\"" in code


def test_vba_streams_round_trip_through_oletools():
    from oletools.olevba import decompress_stream

    text = Path(xw.__file__).with_name("xlwings.bas").read_bytes()
    noise = bytes((i * 7919 + i // 13) % 256 for i in range(10_000))
    for data in (b"", b"a", text, noise, text[:4096], text[:4097]):
        packed = vba.compress(data)
        assert bytes(decompress_stream(bytearray(packed))) == data
        assert vba.decompress(packed) == data
    assert len(vba.compress(text)) < len(text) / 2


def test_compound_file_round_trips_through_olefile():
    import olefile

    from xlperf.writers.cfb import compound_file

    streams = {"PROJECT": b"x" * 10, "VBA/dir": bytes(range(256)) * 20,  # mini and regular
               "VBA/Module1": b"\0" * 4096, "VBA/A": b"a" * 4095, "VBA/B/C": b"c" * 70_000}
    ole = olefile.OleFileIO(io.BytesIO(compound_file(streams)))
    assert sorted("/".join(e) for e in ole.listdir()) == sorted(streams)
    for path, data in streams.items():
        assert ole.openstream(path).read() == data
    assert compound_file(streams) == compound_file(dict(reversed(streams.items())))


def test_project_protection_fields_read_as_office_writes_them():
    """The xlwings quickstart was saved by Office: its CMG/DPB/GC decrypt to 'unprotected,
    no password, visible', the values xlperf encrypts."""
    import olefile

    with zipfile.ZipFile(Path(xw.__file__).with_name("quickstart.xlsm")) as package:
        ole = olefile.OleFileIO(io.BytesIO(package.read("xl/vbaProject.bin")))
    project = ole.openstream("PROJECT").read().decode("cp1252")
    fields = dict(re.findall(r'^(\w+)="([^"]*)"', project, re.MULTILINE))
    assert vba.decrypt(fields["CMG"]) == b"\0\0\0\0"
    assert vba.decrypt(fields["DPB"]) == b"\0"
    assert vba.decrypt(fields["GC"]) == b"\xff"
    for data in (b"\0\0\0\0", b"\0", b"\xff"):
        assert vba.decrypt(vba.encrypt(data, fields["ID"])) == data


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_loads_the_vba_project_and_binds_every_button(analyst, tmp_path):
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "ods", "--outdir", str(tmp_path), str(analyst)],
                   check=True, capture_output=True, timeout=300)
    with zipfile.ZipFile(tmp_path / "analyst.ods") as ods:
        names = ods.namelist()
        content = ods.read("content.xml").decode()
        module = ods.read("Basic/VBAProject/xlperf.xml").decode()
    assert {"Basic/VBAProject/xlwings.xml", "Basic/VBAProject/Dictionary.xml"} <= set(names)
    assert "Sub BuildPack()" in module
    bound = re.findall(r'vnd\.sun\.star\.script:VBAProject\.(\w+)\.(\w+)\?language=Basic',
                       content)
    assert [macro for _, macro in bound] == [b.macro for b in xlsm.load_spec().buttons]
    assert {module for module, _ in bound} == {"xlperf", "xlwings"}
