"""Checks that need more than one table: the reporting quarter, months, rule references."""

from __future__ import annotations

from ..model import Dataset, SeriesTable
from ..periods import CALENDAR_MONTHS, FY_MONTHS, Quarter, fy_of
from ..problems import Problem, split_address
from .grading import GRADED, grade_measure
from .values import crime_series


def latest_complete_quarter(ds: Dataset) -> Quarter | None:
    """The latest quarter in which every crime category has all three months."""
    years = sorted({fy for by_fy in ds.crime.values() for fy in by_fy}, reverse=True)
    for fy in years:
        months = crime_series(ds, "All Crime", fy)
        if months is None:
            continue
        for number in (4, 3, 2, 1):
            quarter = Quarter(fy, number)
            if all(months[i] is not None for i in quarter.month_indices):
                return quarter
    return None


def reporting_quarter(ds: Dataset, problems: list[Problem]) -> Quarter | None:
    setting = ds.settings.get("Reporting quarter")
    if setting not in (None, ""):
        try:
            return Quarter.parse(str(setting))
        except ValueError as exc:
            sheet, ref = split_address(ds.settings_cells.get("Reporting quarter", ""))
            problems.append(Problem("bad-quarter", str(exc), sheet, ref, ds.file))
            return None
    return latest_complete_quarter(ds)


def _future_months(ds: Dataset, quarter: Quarter, explicit: bool,
                   problems: list[Problem]) -> None:
    end_fy, end_index = quarter.fy, quarter.last_month_index
    tables: list[tuple[str, SeriesTable]] = [
        ("crime", ds.crime), ("neighbourhood crime", ds.neighbourhood),
        ("Servator", ds.servator), ("public order", ds.public_order),
    ]
    for label, table in tables:
        for key, by_fy in table.items():
            for fy, series in by_fy.items():
                for i, value in enumerate(series.values):
                    after = fy > end_fy or (fy == end_fy and i > end_index)
                    if value is None or not after:
                        continue
                    sheet, ref = split_address(series.cell(i))
                    year, month = fy.month_year(i)
                    if explicit:
                        problems.append(Problem(
                            "future-month",
                            f"{key} {FY_MONTHS[i]} {year} has data but is after the reporting "
                            f"quarter {quarter.label} ({label})", sheet, ref, ds.file))
                    else:
                        problems.append(Problem(
                            "partial-quarter",
                            f"{key} {FY_MONTHS[i]} {year}: months of a quarter that is not "
                            f"complete are not reported yet ({label})", sheet, ref, ds.file,
                            "warning"))
                    break
    for year, series in ds.asb.items():
        for i, value in enumerate(series.values):
            fy, index = fy_of(year, i + 1)
            after = fy > end_fy or (fy == end_fy and index > end_index)
            if value is not None and after and explicit:
                sheet, ref = split_address(series.cell(i))
                problems.append(Problem(
                    "future-month", f"ASB {CALENDAR_MONTHS[i]} {year} has data but is after "
                    f"the reporting quarter {quarter.label}", sheet, ref, ds.file))
                break


def _missing_months(ds: Dataset, quarter: Quarter, problems: list[Problem]) -> None:
    for label, table in (("crime", ds.crime), ("neighbourhood crime", ds.neighbourhood)):
        for key, by_fy in table.items():
            for fy, series in by_fy.items():
                last = 11 if fy < quarter.fy else quarter.last_month_index
                if fy > quarter.fy:
                    continue
                for i in range(last + 1):
                    sheet, ref = split_address(series.cell(i))
                    # no ref: the month's column is missing, which is reported already
                    if series.values[i] is None and ref:
                        problems.append(Problem(
                            "missing-month", f"{key} {fy.label} has no {label} figure for "
                            f"{FY_MONTHS[i]}, which is before the end of {quarter.label}",
                            sheet, ref, ds.file))
                        break


def _references(ds: Dataset, quarter: Quarter, problems: list[Problem]) -> None:
    """A measure with a value must have its rule's reference for the reporting quarter.

    Where the analysts reported a grade for that quarter (a quarter graded by hand before its
    reference data was kept), the grade is shown as reported and the rule cannot check it:
    a warning, so that older quarters can still be rebuilt.
    """
    for measure in ds.measures:
        if measure.rule not in ds.rules:
            continue
        grade = grade_measure(ds, measure, quarter)
        rule = ds.rules[measure.rule]
        if grade.state == GRADED or grade.value.value is None or rule.kind == "bands":
            continue
        column = "Baseline FY" if rule.reference == "baseline FY" else "Reference"
        sheet, ref = split_address(rule.cells.get(column) or measure.cell)
        missing = (f"measure {measure.id} ({quarter.label}): rule {rule.name} compares with "
                   f"{grade.reference_label or rule.reference}, for which there is no data "
                   f"({grade.reference.working})")
        if grade.reported:
            sheet, ref = split_address(grade.reported_cell) if grade.reported_cell else (
                sheet, ref)
            problems.append(Problem(
                "unchecked-grade", f"{missing}; the reported grade {grade.reported} is shown "
                "but the rule cannot check it", sheet, ref, ds.file, "warning"))
        else:
            problems.append(Problem("missing-reference", missing, sheet, ref, ds.file))


def _percent_values(ds: Dataset, problems: list[Problem]) -> None:
    """A typed value of a % measure is written 0-100: 79 for 79%, not 0.79."""
    units = {m.id: m.unit for m in ds.measures}
    for (measure_id, quarter), entry in ds.measure_values.items():
        value = entry.value
        if units.get(measure_id) != "%" or value is None:
            continue
        sheet, ref = split_address(entry.cell)
        if 0 < value <= 1:
            problems.append(Problem(
                "percent-as-fraction",
                f"{measure_id} {quarter.label}: {value} looks like a fraction; percentages are "
                f"written 0-100 (type {value * 100:g} for {value * 100:g}%)", sheet, ref, ds.file))
        elif value < 0 or value > 100:
            problems.append(Problem(
                "percent-out-of-range",
                f"{measure_id} {quarter.label}: {value} is not a percentage between 0 and 100",
                sheet, ref, ds.file))


#: Checks made against the reporting quarter; made again for any other quarter built
#: (future months excepted: an earlier quarter always has data after it).
QUARTER_CODES = frozenset({"missing-month", "partial-quarter", "missing-reference",
                           "future-month"})


def check_quarter(ds: Dataset, quarter: Quarter) -> list[Problem]:
    """The errors of the reporting-quarter checks when ``quarter`` is the one reported
    (``xlperf build --quarter`` and ``build-all`` of an earlier quarter). Data after the
    quarter is expected then, so it is not an error."""
    problems: list[Problem] = []
    _missing_months(ds, quarter, problems)
    _references(ds, quarter, problems)
    return [p for p in problems if p.severity == "error" and p.code in QUARTER_CODES]


def check_dataset(ds: Dataset) -> list[Problem]:
    problems: list[Problem] = []
    _percent_values(ds, problems)
    explicit = ds.settings.get("Reporting quarter") not in (None, "")
    quarter = reporting_quarter(ds, problems)
    ds.latest_quarter = quarter
    if quarter is None:
        if not problems and ds.crime:
            problems.append(Problem("no-complete-quarter", "no quarter has crime figures for "
                                    "all three months", "Crime", "", ds.file))
        return problems
    _future_months(ds, quarter, explicit, problems)
    _missing_months(ds, quarter, problems)
    _references(ds, quarter, problems)
    return problems
