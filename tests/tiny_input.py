"""The tiny valid input workbook that bad-input tests and the bad-input catalogue break.

Rows are in the schema's column order; ``write_input`` lays each table out as
``xlperf init`` does (header in row 4, columns from B). Crime: B Category, C FY,
D Apr ... O Mar, P Source; ``crime_rows()`` puts each category's 2020-21 row first, so
row 5 is Homicide 2020-21 and row 6 Homicide 2021-22; the last is row 44.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from xlperf.periods import FY_MONTHS

__all__ = ["FY_MONTHS", "crime_rows", "measure", "measure_value", "rule", "valid_rows",
           "write_input"]


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


# Measure register: B Measure ID, C Priority, D No., E Measure of success, F Aim/Rationale,
# G Rule, H Value from, I Unit, J Frequency, K Survey, L First FY.
def measure(rule: str | None = "SATISFACTION-BANDS", source: str = "Measure values",
            unit: str = "%", priority: str = "Local Policing") -> list[Any]:
    return ["M1", priority, 1, "Victims satisfied with the service", None, rule, source, unit,
            "Quarterly", None, "2021-22"]


# Measure values: B Measure ID, C FY, D Quarter, E Value, F Reported grade, G Reason, H Source.
def measure_value(value: Any = 86, grade: str | None = "Satisfactory",
                  measure_id: str = "M1") -> list[Any]:
    return [measure_id, "2021-22", "Q4", value, grade, None, "test"]


# Rules: B Rule, C Kind, D Polarity, E Reference, F Baseline value, G Baseline FY,
# H Close Monitoring when, I Requires Action when, J Reducing trend quarters,
# K Between surveys, L Description.
def rule(name: str = "R1", kind: str = "relative-change", reference: str | None = "previous FY",
         baseline_fy: str | None = None, cm: str = "> 0", ra: str = "> 5") -> list[Any]:
    return [name, kind, "Lower is better", reference, None, baseline_fy, cm, ra, None, None,
            None]


def valid_rows(**tables: list[list[Any]]) -> dict[str, list[list[Any]]]:
    """A small valid input: settings, crime for two years, one priority and one measure."""
    rows: dict[str, list[list[Any]]] = {
        "tblSettings": [["Force name", "Test Police"], ["Reporting quarter", "Q4 2021-22"]],
        "tblPriorities": [["Local Policing", "Local policing"]],
        "tblMeasures": [measure()],
        "tblMeasureValues": [measure_value()],
        "tblCrime": crime_rows(),
    }
    rows.update(tables)
    return rows
