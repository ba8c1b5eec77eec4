"""Feature: outputs honour the umask (mode 0666 less the umask, as any program's files), not
the 0600 of the temporary file they are written through."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from xlperf.writers.atomic import write_bytes_atomically

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")


@pytest.fixture
def umask() -> Iterator[None]:
    previous = os.umask(0o022)
    os.umask(previous)
    yield
    os.umask(previous)


@pytest.mark.parametrize(("mask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600),
                                            (0o000, 0o666)])
def test_an_output_has_the_mode_the_umask_gives(tmp_path: Path, umask: None, mask: int,
                                                mode: int) -> None:
    os.umask(mask)
    written = write_bytes_atomically(b"data", tmp_path / "out.xlsx")
    assert stat.S_IMODE(written.stat().st_mode) == mode
    assert os.umask(mask) == mask  # the umask itself is left as it was


def test_a_rewritten_output_gets_the_umask_mode_too(tmp_path: Path, umask: None) -> None:
    os.umask(0o027)
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"old")
    target.chmod(0o600)
    write_bytes_atomically(b"new", target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
