"""Shared test helpers: tiny input workbooks built in tmp_path, and the demo."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

FY_MONTHS = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]


def write_input(path: Path, rows: Mapping[str, Sequence[Sequence[Any]]]) -> Path:
    """Write an input workbook holding ``rows`` (table name -> rows in schema column order)."""
    from xlperf.writers.atomic import workbook_bytes
    from xlperf.writers.input_workbook import build_input_workbook

    book = build_input_workbook(rows, blank_rows=0)
    path.write_bytes(workbook_bytes(book))
    return path


def crime_rows(fys: Sequence[str] = ("2020-21", "2021-22"), value: int = 10) -> list[list[Any]]:
    """Every category for each FY, ``value`` crimes a month."""
    from xlperf.schema import load_data

    return [[c, fy, *([value] * 12), "test"]
            for c in load_data("categories")["categories"] for fy in fys]


@pytest.fixture
def make_input(tmp_path: Path):  # type: ignore[no-untyped-def]
    """``make_input(rows, name="in.xlsx")`` writes a workbook in tmp_path and returns its path."""

    def make(rows: Mapping[str, Sequence[Sequence[Any]]], name: str = "in.xlsx") -> Path:
        return write_input(tmp_path / name, rows)

    return make


@pytest.fixture(scope="session")
def demo() -> Path:
    return ROOT / "workbooks" / "demo-q4-2021-22.xlsx"


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
