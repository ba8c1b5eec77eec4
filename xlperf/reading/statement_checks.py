"""Checks of the national priorities statement's input: narrative placeholders, and that a
quarter's statement has every metric, narrative and neighbourhood month it needs.

Pure: works on the :class:`~xlperf.model.Dataset` and the header cells of the input tables
(to locate a missing row), never on a workbook. Registered in
:mod:`xlperf.reading.pipeline`: :func:`placeholders` is a table check, :func:`started_statements`
checks every started statement up to the reporting quarter, and :func:`statement_problems`
is the per-quarter check of the quarter a statement (or pack) is written for.
"""

from __future__ import annotations

from collections.abc import Mapping

from .. import codes
from ..domain.statement import (
    figure_names,
    has_statement,
    month_name,
    national_data,
    neighbourhood_offences,
    neighbourhood_periods,
    unknown_placeholders,
)
from ..model import Dataset
from ..periods import FY_MONTHS, Quarter
from ..problems import Problem, split_address
from ..schema import load_schema
from .hints import did_you_mean

#: Table name -> (sheet, column name -> header cell such as "C4").
Headers = Mapping[str, tuple[str, Mapping[str, str]]]


def _known_cells(ds: Dataset, table: str) -> list[str]:
    """Cells of one column of ``table``'s rows, as the dataset recorded them."""
    if table == "tblNationalMetrics":
        return [m.cell for m in ds.national_metrics.values()]
    if table == "tblNarratives":
        return [n.cell for n in ds.narratives.values()]
    if table == "tblNeighbourhood":
        return [s.cells[0] for by_fy in ds.neighbourhood.values() for s in by_fy.values()
                if s.cells]
    return []


def _header(ds: Dataset, headers: Headers, table: str, column: str) -> tuple[str, str]:
    """Where to report a row missing from ``table``: its ``column`` header cell when the
    workbook's header cells are given, else the header cell above the table's first row in
    the column the dataset knows, else the table's sheet."""
    if table in headers:
        sheet, cells = headers[table]
        return sheet, cells.get(column, "")
    spots = [split_address(c) for c in _known_cells(ds, table) if c]
    spots = [(sheet, ref) for sheet, ref in spots if ref]
    if spots:
        sheet = spots[0][0]
        first = min((int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")), ref) for _, ref in spots)
        letters = first[1].rstrip("0123456789")
        return sheet, f"{letters}{first[0] - 1}"
    spec = {t.name: t for t in load_schema().tables}[table]
    return spec.sheet, ""


def placeholders(ds: Dataset) -> list[Problem]:
    """Every ``{name}`` in a narrative must name a figure of data/statement.yaml."""
    problems: list[Problem] = []
    known = figure_names()
    for narrative in ds.narratives.values():
        sheet, ref = split_address(narrative.cell)
        for name in unknown_placeholders(narrative.text):
            hint = did_you_mean(name, known, braces=True)
            problems.append(Problem(
                codes.UNKNOWN_PLACEHOLDER,
                f"{{{name}}} in the {narrative.quarter.label} narrative of "
                f"{narrative.priority!r} names no figure xlperf computes{hint}; the figures "
                "are listed in docs/national-priorities.md (write {{ and }} for a literal "
                "brace)", sheet, ref, ds.file))
    return problems


def _metrics(ds: Dataset, quarter: Quarter, headers: Headers) -> list[Problem]:
    problems: list[Problem] = []
    for metric_id, spec in national_data()["national_metrics"].items():
        entry = ds.national_metrics.get((metric_id, quarter))
        if entry is None:
            sheet, ref = _header(ds, headers, "tblNationalMetrics", "Metric ID")
            problems.append(Problem(
                codes.MISSING_METRIC, f"{quarter.label} has no row for metric {metric_id} "
                f"({spec['label']}); the statement needs every national metric (leave Value "
                "blank and give the reason when there is no data)", sheet, ref, ds.file))
        elif entry.value is None and not (entry.reason or "").strip():
            sheet, ref = split_address(entry.cell)
            problems.append(Problem(
                codes.MISSING_METRIC, f"{metric_id} {quarter.label} has no value and no reason it "
                "is not available", sheet, ref, ds.file))
    return problems


def _narratives(ds: Dataset, quarter: Quarter, headers: Headers) -> list[Problem]:
    problems: list[Problem] = []
    for priority in national_data()["national_priorities"]:
        if (priority, quarter) not in ds.narratives:
            sheet, ref = _header(ds, headers, "tblNarratives", "National priority")
            problems.append(Problem(
                codes.MISSING_NARRATIVE, f"{quarter.label} has no narrative (current position) "
                f"for {priority!r}", sheet, ref, ds.file))
    return problems


def _neighbourhood(ds: Dataset, quarter: Quarter, headers: Headers) -> list[Problem]:
    problems: list[Problem] = []
    periods = neighbourhood_periods(quarter)
    # the months the statement needs of each year, the same for every offence (worked out
    # once: ``periods`` sorts them each time it is asked)
    every, years = periods.months, periods.years
    months = {fy: [i for year, i in every if year == fy] for fy in years}
    for offence in neighbourhood_offences():
        for fy in years:
            series = ds.neighbourhood.get(offence, {}).get(fy)
            needed = months[fy]
            if series is None:
                sheet, ref = _header(ds, headers, "tblNeighbourhood", "Offence")
                problems.append(Problem(
                    codes.MISSING_ROW, f"neighbourhood crime has no {offence} row for {fy.label}; "
                    f"the {quarter.label} statement needs {month_name((fy, needed[0]))} to "
                    f"{month_name((fy, needed[-1]))}", sheet, ref, ds.file))
                continue
            for i in needed:
                if series.values[i] is not None:
                    continue
                sheet, ref = split_address(series.cell(i))
                if ref:
                    problems.append(Problem(
                        codes.MISSING_MONTH, f"{offence} {fy.label} has no neighbourhood crime "
                        f"figure for {FY_MONTHS[i]} ({month_name((fy, i))}), which the "
                        f"{quarter.label} statement compares", sheet, ref, ds.file))
    return problems


def statement_problems(ds: Dataset, quarter: Quarter, headers: Headers | None = None) -> (
        list[Problem]):
    """What the statement for ``quarter`` needs and the input lacks."""
    headers = headers or {}
    return [*_metrics(ds, quarter, headers), *_narratives(ds, quarter, headers),
            *_neighbourhood(ds, quarter, headers)]


def started_statements(ds: Dataset, latest: Quarter | None,
                       headers: Headers | None = None) -> list[Problem]:
    """The completeness of every started statement up to the reporting quarter ``latest``
    (a later quarter's data would be future months)."""
    problems: list[Problem] = []
    quarters = sorted({q for _, q in [*ds.national_metrics, *ds.narratives]})
    for quarter in quarters:
        if latest is not None and quarter <= latest and has_statement(ds, quarter):
            problems.extend(statement_problems(ds, quarter, headers))
    return problems
