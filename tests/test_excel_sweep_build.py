"""Issue 13: Build pack with a failure injected at every call of the double.

Split from test_excel.py so that the two test workers (pytest-xdist, ``--dist loadfile``)
run the long sweeps beside the rest of the suite; the sweep, its fixtures and its checks
are test_excel.py's."""

from __future__ import annotations

import pytest
from test_excel import (  # the fixtures too: pytest finds them by name in this module
    entry,
    one_file_pack_per_input,
    sweep_over_the_pack,
    tiny,
)

__all__ = ["one_file_pack_per_input", "tiny"]

pytestmark = pytest.mark.slow  # thousands of injected runs through the double

def test_build_pack_failure_at_every_call_leaves_the_previous_pack(tiny, monkeypatch):
    total = sweep_over_the_pack(entry.build_pack, lambda names: list(names.values()), tiny,
                                monkeypatch)
    assert total > 1000  # every one of them injected (about 1,550 on the tiny input)
