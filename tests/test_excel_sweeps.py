"""Issue 13: Re-grade, and every other entry point, with a failure injected at every call;
and the sweep's own self-check.

Split from test_excel.py so that the two test workers (pytest-xdist, ``--dist loadfile``)
run the long sweeps beside the rest of the suite, and so that the sweeps fork from a worker
that has not loaded test_excel.py's demo workbooks (tests/conftest.py runs this file first:
a fork, and a child's exit, cost in proportion to the memory of the process forked); the
sweep, its fixtures and its checks are test_excel.py's."""

from __future__ import annotations

import contextlib
import shutil
from typing import Any

import pytest
from test_excel import (  # the fixtures too: pytest finds them by name in this module
    ENTRY_POINTS,
    _sweep,
    app_restored,
    entry,
    one_file_pack_per_input,
    sweep_over_the_pack,
    sweep_results,
    tiny,
    xd,
)

__all__ = ["one_file_pack_per_input", "tiny"]

pytestmark = pytest.mark.slow  # thousands of injected runs through the double

@pytest.mark.slow
def test_regrade_failure_at_every_call_leaves_the_previous_pack(tiny, monkeypatch):
    total = sweep_over_the_pack(entry.regrade,
                                lambda names: [names[s] for s in entry.REGRADE_SHEETS], tiny,
                                monkeypatch)
    assert total > 500  # every one of them injected (about 930 on the tiny input)


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in ENTRY_POINTS if n not in ("build_pack",
                                                                        "regrade")])
def test_every_entry_point_turns_a_failure_at_any_call_into_one_alert(
        name, tiny, monkeypatch, tmp_path):
    path = tmp_path / "book.xlsx"
    shutil.copy(tiny["with_pack"], path)
    function = getattr(entry, name)

    def run() -> Any:
        bench = entry._xlwings.__self__  # type: ignore[attr-defined]  # the open_caller bench
        bench.selection = ("Measures", "$C$5")
        return function()

    def check(bench: xd.Bench, after: dict[str, Any], original: dict[str, Any], index: int
              ) -> str | None:
        if len(bench.alerts) != 1:
            return f"{len(bench.alerts)} alerts: {bench.alerts}"
        return None if app_restored(bench) else f"Excel left as {bench.app._state}"

    assert _sweep(run, path, monkeypatch, check, snapshots=False) > 5


@pytest.mark.slow
def test_add_input_sheets_is_all_or_nothing(tmp_path, monkeypatch):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "My analysis"
    wb.save(tmp_path / "mine.xlsx")

    from xlperf.writers.input_workbook import build_input_workbook

    inputs = build_input_workbook(None).sheetnames

    def check(bench: xd.Bench, after: dict[str, Any], original: dict[str, Any], index: int
              ) -> str | None:
        if len(bench.alerts) != 1:
            return f"{len(bench.alerts)} alerts"
        order = [s for s in after["order"] if s != "Issues"]
        if order not in (["My analysis"], ["My analysis", *inputs]):
            return f"left {order}"
        return None

    assert _sweep(entry.add_input_sheets, tmp_path / "mine.xlsx", monkeypatch, check) > 30


def test_the_sweep_injects_at_every_call_and_reports_what_it_finds(tiny, monkeypatch):
    """A negative self-check of the sweep: four calls write a cell, two read one; a failure
    at any of the last two leaves the cell written, and an unhandled one reaches Excel."""
    def calls() -> None:
        book = entry._xlwings.__self__.caller  # type: ignore[attr-defined]
        sheet = book.sheets["Settings"]  # Book.sheets, Sheets[]
        sheet.range("B2").value = "changed"  # Sheet.range, Range.value=
        sheet.range("B3").value  # noqa: B018 - Sheet.range, Range.value

    def swallowed() -> None:
        with contextlib.suppress(xd.Injected):
            calls()

    def check(bench: xd.Bench, after: dict[str, Any], original: dict[str, Any], index: int
              ) -> str | None:
        return "the workbook changed" if after != original else None

    total, found = sweep_results(swallowed, tiny["with_pack"], monkeypatch, check)
    assert total == 6
    assert found == {0: None, 1: None, 2: None, 3: None,
                     4: "Sheet.range: the workbook changed",
                     5: "Range.value: the workbook changed"}
    total, found = sweep_results(calls, tiny["with_pack"], monkeypatch, check)
    assert total == 6 and sorted(found) == list(range(6))
    assert all(str(problem).startswith("Injected(") and "reached Excel" in str(problem)
               for problem in found.values())
    with pytest.raises(AssertionError, match="call 4: Sheet.range: the workbook changed"):
        _sweep(swallowed, tiny["with_pack"], monkeypatch, check)
