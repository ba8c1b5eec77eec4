"""Checks on the action-tracker tables (issue 9) that the cell-by-cell schema cannot make.

The schema already reports a status that is not in the list (``unknown-value``), a date
cell that is not a date (``not-a-date``, ``date-stored-as-text``) and a recommendation
number repeated within a report (``duplicate-row``: the table's key is Report and No.).
This module adds the checks across cells and tables: a due date before the report's
publication date, one report given two publication dates or types, the tracker settings
(report dates, partnership periods) and the published HMICFRS counts. Registered in
:mod:`xlperf.reading.pipeline`; the counts themselves reach the Dataset through the schema
(``dataset:`` of tblHMICFRSPublished).
"""

from __future__ import annotations

import datetime as dt
import re

from .. import codes
from ..model import Dataset
from ..problems import Problem, split_address
from .validate import Row, TypedTable

#: A date typed as text (compiled by re only when a date setting holds text).
_DATE_TEXT = r"^\s*\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\s*$"
DATE_SETTINGS = ("HMICFRS report date", "HMICFRS previous report date")
#: The Table value of a per-report count (xlperf.domain.trackers.PER_REPORT, which this module
#: does not import: validation needs none of the trackers' own code)
PER_REPORT = "Per report"


def _rows(typed: dict[str, TypedTable], name: str) -> list[Row]:
    table = typed.get(name)
    return table.rows if table else []


def published(typed: dict[str, TypedTable], file: str) -> list[Problem]:
    """The published HMICFRS counts: one Summary row per status; a Report for each Per
    report row."""
    problems: list[Problem] = []
    summary: dict[str, Row] = {}
    for row in _rows(typed, "tblHMICFRSPublished"):
        if row["Table"] is None or row["Status"] is None:
            continue
        if row["Table"] != PER_REPORT:  # the schema's key check skips the blank Report
            first = summary.setdefault(row["Status"], row)
            if first is not row:
                problems.append(Problem(codes.DUPLICATE_ROW, f"Summary {row['Status']} appears "
                                        f"twice (first in row {first.excel_row})", row.sheet,
                                        row.cell("Status"), file))
                continue
        if row["Table"] == PER_REPORT and row["Report"] is None:
            problems.append(Problem(codes.MISSING_VALUE, "Report is required for a Per report "
                                    "count", row.sheet, row.cell("Report"), file))
    return problems


def recommendations(typed: dict[str, TypedTable], file: str) -> list[Problem]:
    """Due dates after publication; one publication date and type per report."""
    problems: list[Problem] = []
    first: dict[str, Row] = {}
    for row in _rows(typed, "tblHMICFRS"):
        published: dt.date | None = row["Published"]
        for column in ("Due date", "Original due date"):
            due = row[column]
            if published is not None and due is not None and due < published:
                problems.append(Problem(
                    codes.DUE_BEFORE_PUBLISHED,
                    f"{column} {due:%d/%m/%Y} is before the report was published "
                    f"({published:%d/%m/%Y})", row.sheet, row.cell(column), file))
        report = row["Report"]
        if report is None:
            continue
        seen = first.setdefault(report, row)
        for column in ("Published", "Type"):
            if seen is row or row[column] is None or seen[column] is None:
                continue
            if row[column] != seen[column]:
                shown = (f"{seen[column]:%d/%m/%Y}" if isinstance(seen[column], dt.date)
                         else seen[column])
                problems.append(Problem(
                    codes.INCONSISTENT_REPORT,
                    f"{column} differs from row {seen.excel_row} ({shown}) for the same report",
                    row.sheet, row.cell(column), file))
    return problems


def _setting_cell(ds: Dataset, key: str) -> tuple[str, str]:
    cell = ds.settings_cells.get(key)
    return split_address(cell) if cell else ("Settings", "")


def settings(ds: Dataset) -> list[Problem]:
    """The tracker settings: report dates are dates; a report date when there are
    recommendations."""
    problems: list[Problem] = []
    for key in DATE_SETTINGS:
        value = ds.settings.get(key)
        if value in (None, "") or isinstance(value, dt.date):  # a date or datetime
            continue
        sheet, ref = _setting_cell(ds, key)
        if isinstance(value, str) and re.match(_DATE_TEXT, value):
            problems.append(Problem(codes.DATE_STORED_AS_TEXT, f"{key}: \"{value}\" is text that "
                                    "looks like a date; enter it as an Excel date", sheet, ref,
                                    ds.file))
        else:
            problems.append(Problem(codes.NOT_A_DATE, f"{key}: {value!r} is not a date", sheet, ref,
                                    ds.file))
    if ds.recommendations and ds.settings.get("HMICFRS report date") in (None, ""):
        sheet, ref = _setting_cell(ds, "HMICFRS report date")
        problems.append(Problem(codes.MISSING_VALUE, "HMICFRS report date is required when "
                                "the HMICFRS table lists recommendations (overdue is counted to "
                                "it)", sheet, ref, ds.file))
    return problems


def periods(ds: Dataset) -> list[Problem]:
    """The partnership periods of Settings have rows in the KPA table."""
    problems: list[Problem] = []
    if not ds.kpas:
        return problems
    known = {k.period for k in ds.kpas}
    period = ds.settings.get("Partnership period")
    if period in (None, "") and len(known) > 1:
        sheet, ref = _setting_cell(ds, "Partnership period")
        problems.append(Problem(codes.MISSING_VALUE, "Partnership period is required when the KPA "
                                f"table holds several periods ({', '.join(sorted(known))})",
                                sheet, ref, ds.file))
    for key in ("Partnership period", "Partnership previous period"):
        value = ds.settings.get(key)
        if value in (None, "") or str(value) in known:
            continue
        sheet, ref = _setting_cell(ds, key)
        problems.append(Problem(codes.UNKNOWN_PERIOD, f"{key} {str(value)!r} has no rows in the "
                                f"KPA table (periods: {', '.join(sorted(known))})", sheet, ref,
                                ds.file))
    return problems
