"""Issue 13: Re-grade, and every other entry point, with a failure injected at every call.

Split from test_excel.py so that the two test workers (pytest-xdist, ``--dist loadfile``)
run the long sweeps beside the rest of the suite; the sweep, its fixtures and its checks
are test_excel.py's."""

from __future__ import annotations

from typing import Any

import pytest
from test_excel import (  # the fixtures too: pytest finds them by name in this module
    ENTRY_POINTS,
    _fast_pack,
    _pack_check,
    _sweep,
    app_restored,
    entry,
    final_names,
    one_file_pack_per_input,
    shutil,
    tiny,
    xd,
)

__all__ = ["one_file_pack_per_input", "tiny"]

pytestmark = pytest.mark.slow  # thousands of injected runs through the double

@pytest.mark.slow
def test_regrade_failure_at_every_call_leaves_the_previous_pack(tiny, monkeypatch):
    _fast_pack(monkeypatch, tiny)
    names = final_names(tiny["pack"])
    total = _sweep(entry.regrade, tiny["with_pack"], monkeypatch,
                   _pack_check([names[s] for s in entry.REGRADE_SHEETS]))
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
