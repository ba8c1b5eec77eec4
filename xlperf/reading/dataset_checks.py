"""Checks of the measures, rules and crime tables that the cell-by-cell schema cannot make.
Registered in :mod:`xlperf.reading.pipeline`."""

from __future__ import annotations

from .. import codes
from ..domain.rules import GRADES
from ..model import Dataset
from ..problems import Problem, split_address
from ..schema import load_data
from .validate import TypedTable


def rules(ds: Dataset) -> list[Problem]:
    """Each rule's thresholds are in order and a change rule has its reference."""
    problems: list[Problem] = []
    for rule in ds.rules.values():
        for code, column, message in rule.check():
            sheet, ref = split_address(rule.cells.get(column, rule.origin))
            problems.append(Problem(code, message, sheet, ref, ds.file))
    return problems


def rollup(typed: dict[str, TypedTable], file: str) -> list[Problem]:
    """A roll-up condition gives Close Monitoring or Requires Action."""
    table = typed.get("tblRollUp")
    return [
        Problem(codes.BAD_ROLLUP, "a roll-up condition must give Close Monitoring or Requires "
                "Action", row.sheet, row.cell("Grade"), file)
        for row in (table.rows if table else [])
        if row["Grade"] not in GRADES[1:] and row["Grade"] is not None
    ]


def crime_years(typed: dict[str, TypedTable], ds: Dataset) -> list[Problem]:
    """Every financial year in the crime table must list every category."""
    problems: list[Problem] = []
    categories = load_data("categories")["categories"]
    table = typed.get("tblCrime")
    if table is None or not table.rows:
        return problems
    years = sorted({fy for by_fy in ds.crime.values() for fy in by_fy})
    for fy in years:
        missing = [c for c in categories if fy not in ds.crime.get(c, {})]
        if missing and len(missing) < len(categories):
            problems.append(Problem(
                codes.MISSING_ROW,
                f"{fy.label} has no row for {', '.join(missing)}",
                table.sheet, table.header_cells.get("Category", ""), ds.file,
            ))
    return problems


def percent_values(ds: Dataset) -> list[Problem]:
    """A typed value of a % measure is written 0-100: 79 for 79%, not 0.79."""
    problems: list[Problem] = []
    units = {m.id: m.unit for m in ds.measures}
    for (measure_id, quarter), entry in ds.measure_values.items():
        value = entry.value
        if units.get(measure_id) != "%" or value is None:
            continue
        sheet, ref = split_address(entry.cell)
        if 0 < value <= 1:
            problems.append(Problem(
                codes.PERCENT_AS_FRACTION,
                f"{measure_id} {quarter.label}: {value} looks like a fraction; percentages are "
                f"written 0-100 (type {value * 100:g} for {value * 100:g}%)", sheet, ref, ds.file))
        elif value < 0 or value > 100:
            problems.append(Problem(
                codes.PERCENT_OUT_OF_RANGE,
                f"{measure_id} {quarter.label}: {value} is not a percentage between 0 and 100",
                sheet, ref, ds.file))
    return problems


def spc_rebase(ds: Dataset) -> list[Problem]:
    """Each SPC rebase month is a month of its series after the series' first month with
    data (a rebase starts new limits within the series)."""
    from ..domain.spc_series import monthly  # noqa: PLC0415

    problems: list[Problem] = []
    for point in ds.spc_rebase:
        valued = [p for p, v in monthly(ds, point.series) if v is not None]
        if valued and valued[0] < point.period <= valued[-1]:
            continue
        span = f"{valued[0]} to {valued[-1]}" if valued else "no months with data"
        sheet, ref = split_address(point.cell)
        problems.append(Problem(
            codes.REBASE_OUTSIDE_SERIES,
            f"{point.period} is not a month of {point.series} after its first ({span}): a "
            "rebase starts new limits within the series", sheet, ref, ds.file))
    return problems
