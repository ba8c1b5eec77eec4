"""Shared test helpers: tiny input workbooks built in tmp_path, and the demo."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from tiny_input import FY_MONTHS, crime_rows, write_input  # noqa: E402

__all__ = ["FY_MONTHS", "ROOT", "crime_rows", "write_input"]


@pytest.fixture
def make_input(tmp_path: Path):  # type: ignore[no-untyped-def]
    """``make_input(rows, name="in.xlsx")`` writes a workbook in tmp_path and returns its path."""

    def make(rows: Mapping[str, Sequence[Sequence[Any]]], name: str = "in.xlsx") -> Path:
        return write_input(tmp_path / name, rows)

    return make


@pytest.fixture(scope="session")
def demo() -> Path:
    return ROOT / "xlperf" / "assets" / "demo-q4-2021-22.xlsx"


@pytest.fixture(scope="session")
def seed() -> dict[str, Any]:
    import yaml

    return yaml.safe_load((ROOT / "scripts" / "seed_figures.yaml").read_text(encoding="utf-8"))


# -- summary lines printed at the end of the run (the bad-input catalogue's tally) ---------
#: Feature tests append lines here; they are printed even with -q.
SUMMARY_LINES: list[str] = []


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    for line in SUMMARY_LINES:
        terminalreporter.write_line(line)
