"""Issue 13: Build pack with a failure injected at every call of the double.

Split from test_excel.py so that the two test workers (pytest-xdist, ``--dist loadfile``)
run the long sweeps beside the rest of the suite; the sweep, its fixtures and its checks
are test_excel.py's."""

from __future__ import annotations

import pytest
from test_excel import (  # the fixtures too: pytest finds them by name in this module
    _fast_pack,
    _pack_check,
    _sweep,
    entry,
    final_names,
    one_file_pack_per_input,
    tiny,
)

__all__ = ["one_file_pack_per_input", "tiny"]

pytestmark = pytest.mark.slow  # thousands of injected runs through the double

@pytest.mark.slow
def test_build_pack_failure_at_every_call_leaves_the_previous_pack(tiny, monkeypatch):
    _fast_pack(monkeypatch, tiny)
    names = final_names(tiny["pack"])
    total = _sweep(entry.build_pack, tiny["with_pack"], monkeypatch,
                   _pack_check(list(names.values())))
    assert total > 1000  # every one of them injected (about 1,550 on the tiny input)
