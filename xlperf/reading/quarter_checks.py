"""Per-quarter checks: the reporting quarter, months after and before it, and the data each
measure's rule compares with. Registered in :mod:`xlperf.reading.pipeline`."""

from __future__ import annotations

from .. import codes
from ..domain.grading import GRADED, grade_measure
from ..domain.rules import Reference, RuleKind
from ..domain.values import crime_series, total_category
from ..model import Dataset, SeriesTable
from ..periods import CALENDAR_MONTHS, FY_MONTHS, Quarter, fy_of
from ..problems import Problem, split_address


def latest_complete_quarter(ds: Dataset) -> Quarter | None:
    """The latest quarter in which every crime category has all three months."""
    years = sorted({fy for by_fy in ds.crime.values() for fy in by_fy}, reverse=True)
    for fy in years:
        months = crime_series(ds, total_category(), fy)
        if months is None:
            continue
        for number in (4, 3, 2, 1):
            quarter = Quarter(fy, number)
            if all(months[i] is not None for i in quarter.month_indices):
                return quarter
    return None


def explicit_quarter(ds: Dataset) -> bool:
    """True when Settings names the reporting quarter."""
    return ds.settings.get("Reporting quarter") not in (None, "")


def reporting_quarter(ds: Dataset) -> tuple[Quarter | None, list[Problem]]:
    """Settings' Reporting quarter, else the latest complete quarter; and the problem when
    there is none."""
    setting = ds.settings.get("Reporting quarter")
    if explicit_quarter(ds):
        try:
            return Quarter.parse(str(setting)), []
        except ValueError as exc:
            sheet, ref = split_address(ds.settings_cells.get("Reporting quarter", ""))
            return None, [Problem(codes.BAD_QUARTER, str(exc), sheet, ref, ds.file)]
    quarter = latest_complete_quarter(ds)
    if quarter is None and ds.crime:
        return None, [Problem(codes.NO_COMPLETE_QUARTER, "no quarter has crime figures for "
                              "all three months", "Crime", "", ds.file)]
    return quarter, []


def future_months(ds: Dataset, quarter: Quarter) -> list[Problem]:
    """Data after the reporting quarter: an error when Settings names the quarter, else the
    months of a quarter not complete yet (a warning)."""
    problems: list[Problem] = []
    explicit = explicit_quarter(ds)
    end_fy, end_index = quarter.fy, quarter.last_month_index
    tables: list[tuple[str, SeriesTable]] = [
        ("crime", ds.crime), ("neighbourhood crime", ds.neighbourhood),
        ("Servator", ds.servator), ("public order", ds.public_order),
    ]
    for label, table in tables:
        for key, by_fy in table.items():
            for fy, series in by_fy.items():
                if fy.start < end_fy.start:
                    continue  # no month of it is after the quarter
                first = 0 if fy.start > end_fy.start else end_index + 1
                for i in range(first, len(series.values)):
                    value = series.values[i]
                    if value is None:
                        continue
                    sheet, ref = split_address(series.cell(i))
                    year, month = fy.month_year(i)
                    if explicit:
                        problems.append(Problem(
                            codes.FUTURE_MONTH,
                            f"{key} {FY_MONTHS[i]} {year} has data but is after the reporting "
                            f"quarter {quarter.label} ({label})", sheet, ref, ds.file))
                    else:
                        problems.append(Problem(
                            codes.PARTIAL_QUARTER,
                            f"{key} {FY_MONTHS[i]} {year}: months of a quarter that is not "
                            f"complete are not reported yet ({label})", sheet, ref, ds.file))
                    break
    for year, series in ds.asb.items():
        for i, value in enumerate(series.values):
            fy, index = fy_of(year, i + 1)
            after = fy > end_fy or (fy == end_fy and index > end_index)
            if value is not None and after and explicit:
                sheet, ref = split_address(series.cell(i))
                problems.append(Problem(
                    codes.FUTURE_MONTH, f"ASB {CALENDAR_MONTHS[i]} {year} has data but is after "
                    f"the reporting quarter {quarter.label}", sheet, ref, ds.file))
                break
    return problems


def missing_months(ds: Dataset, quarter: Quarter) -> list[Problem]:
    """A blank crime or neighbourhood month up to the end of ``quarter``."""
    problems: list[Problem] = []
    for label, table in (("crime", ds.crime), ("neighbourhood crime", ds.neighbourhood)):
        for key, by_fy in table.items():
            for fy, series in by_fy.items():
                last = 11 if fy < quarter.fy else quarter.last_month_index
                if fy > quarter.fy:
                    continue
                for i in range(last + 1):
                    if series.values[i] is not None:
                        continue
                    sheet, ref = split_address(series.cell(i))
                    # no ref: the month's column is missing, which is reported already
                    if ref:
                        problems.append(Problem(
                            codes.MISSING_MONTH, f"{key} {fy.label} has no {label} figure for "
                            f"{FY_MONTHS[i]}, which is before the end of {quarter.label}",
                            sheet, ref, ds.file))
                        break
    return problems


def references(ds: Dataset, quarter: Quarter) -> list[Problem]:
    """A measure with a value must have its rule's reference for the reporting quarter.

    Where the analysts reported a grade for that quarter (a quarter graded by hand before its
    reference data was kept), the grade is shown as reported and the rule cannot check it:
    a warning, so that older quarters can still be rebuilt.
    """
    problems: list[Problem] = []
    for measure in ds.measures:
        if measure.rule not in ds.rules:
            continue
        grade = grade_measure(ds, measure, quarter)
        rule = ds.rules[measure.rule]
        if grade.state == GRADED or grade.value.value is None or rule.kind is RuleKind.BANDS:
            continue
        column = "Baseline FY" if rule.reference is Reference.BASELINE_FY else "Reference"
        sheet, ref = split_address(rule.cells.get(column) or measure.cell)
        missing = (f"measure {measure.id} ({quarter.label}): rule {rule.name} compares with "
                   f"{grade.reference_label or rule.reference}, for which there is no data "
                   f"({grade.reference.working})")
        if grade.reported:
            sheet, ref = split_address(grade.reported_cell) if grade.reported_cell else (
                sheet, ref)
            problems.append(Problem(
                codes.UNCHECKED_GRADE, f"{missing}; the reported grade {grade.reported} is shown "
                "but the rule cannot check it", sheet, ref, ds.file))
        else:
            problems.append(Problem(codes.MISSING_REFERENCE, missing, sheet, ref, ds.file))
    return problems
