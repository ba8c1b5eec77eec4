"""The HMICFRS recommendations tracker (seed 001, agenda item 10 and Appendix A).

Four sheets: the summary by status (previous report v current report, and "Total not yet
delivered" = Amber + Red), the counts per report split national / force, the full list
grouped by report with status fills and the direction of travel, and the overdue list
members asked for. Every count is an Excel formula over the list sheet; the list itself
is the input (copied from the input workbook's HMICFRS table).

Per-report counts use SUMPRODUCT with ``=`` rather than COUNTIFS: a report title is free
text, and COUNTIFS would read ``*`` or ``?`` in a title as wildcards (and fails on criteria
over 255 characters).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from ...domain import trackers as t
from ...model import Dataset, Recommendation
from ...schema import load_schema
from ..cells import Checks, arrow, formula, text
from ..model import Block, Cell, NamedCell, Ref, Sheet

SUMMARY, REPORTS, LIST, OVERDUE = (
    "tblHMICFRSSummary", "tblHMICFRSReports", "tblHMICFRSList", "tblHMICFRSOverdue")
SUMMARY_SHEET, REPORTS_SHEET, LIST_SHEET, OVERDUE_SHEET = (
    "HMICFRS Summary", "HMICFRS Reports", "HMICFRS List", "HMICFRS Overdue")
REPORT_DATE, PREVIOUS_DATE = "HMICFRSReportDate", "HMICFRSPreviousDate"

# Columns of the list table.
REPORT, TYPE, PUBLISHED, NUMBER, TEXT, STATUS, PREVIOUS, DIRECTION, DUE, ORIGINAL, \
    COMMENTS, OWNER, POSITION = range(13)
LIST_HEADER = ["Report", "Type", "Published", "No.", "Recommendation", "Status",
               "Previous status", "Direction of travel", "Due date", "Original due date",
               "Comments", "Task owner", "Position"]

CONTENTS = {
    SUMMARY_SHEET: "HMICFRS recommendations by status, previous report v current report",
    REPORTS_SHEET: "HMICFRS recommendations by report, national and force, previous v current",
    LIST_SHEET: "Every HMICFRS recommendation by report, with status and direction of travel",
    OVERDUE_SHEET: "HMICFRS recommendations past their due date and not yet delivered",
}


def _status_cell(status: str | None) -> Cell:
    return Cell(status, t.status_style(status))


def _direction_cell(previous: str | None, current: str) -> Cell:
    way = t.direction(previous, current)
    return arrow(way.text, way.good) if way.is_arrow else Cell(way.text, "Label")


def _column(col: int, n: int) -> Ref:
    """A whole column of the list, fixed so the formula can be copied."""
    return Ref(LIST, 0, col, n - 1, col, fixed_row=True, fixed_col=True)


def _list_sheet(groups: list[t.Report]) -> tuple[Sheet, dict[int, int]]:
    rows: list[list[Cell]] = []
    index: dict[int, int] = {}
    for group in groups:
        for rec in group.recommendations:
            index[id(rec)] = len(rows)
            rows.append([
                text(rec.report, "Label"), text(rec.type, "Label"),
                Cell(rec.published, "Input Date"), Cell(rec.number, "Label"),
                text(rec.text or None, "Text"), _status_cell(rec.status),
                _status_cell(rec.previous_status),
                _direction_cell(rec.previous_status, rec.status),
                Cell(rec.due, "Input Date"), Cell(rec.original_due, "Input Date"),
                text(rec.comments or None, "Text"), text(rec.owner or None, "Label"),
                text(rec.position or None, "Text"),
            ])
    block = Block(LIST, LIST, LIST_HEADER, rows,
                  f"HMICFRS recommendations: {len(groups)} reports, {len(rows)} recommendations")
    note = NamedCell("HMICFRSListNote", text(
        "Every recommendation of the input's HMICFRS table, grouped by report. Direction of "
        "travel compares the status with the status at the previous report: ↑ better, "
        "↓ worse, → unchanged (GREEN is best, then GREEN pending sign-off, AMBER, RED; WHITE "
        "is not ranked). The counts on the other HMICFRS sheets are formulas over this list."))
    return Sheet(LIST_SHEET, [block], [note]), index


def _summary_sheet(ds: Dataset, recs: list[Recommendation], n: int, report_date: dt.date | None,
                   previous_date: dt.date | None) -> Sheet:
    rows: list[list[Cell]] = []
    keys: list[str] = []
    summary = t.summary(recs, ds.hmicfrs_published)
    for r, row in enumerate(summary):
        label = Ref(SUMMARY, r, 0, fixed_col=True)
        if row.previous_published:
            previous = Cell(row.previous, "Input Count")
        else:
            previous = formula("=COUNTIFS({0},{1})", _column(PREVIOUS, n), label,
                               value=row.previous, style="Count")
        rows.append([_status_cell(row.status), text(t.status_definition(row.status)),
                     previous, formula("=COUNTIFS({0},{1})", _column(STATUS, n), label,
                                       value=row.current, style="Count")])
        keys.append(row.status)
    parts = [keys.index(s) for s in t.not_delivered()]
    plus = "=" + "+".join(f"{{{i}}}" for i in range(len(parts)))
    by_status = {row.status: row for row in summary}
    rows.append([
        text(t.not_delivered_label(), "Label Bold"),
        text(" + ".join(t.status_short(s) for s in t.not_delivered())),
        formula(plus, *[Ref(SUMMARY, i, 2) for i in parts],
                value=sum(by_status[s].previous for s in t.not_delivered()), style="Count Bold"),
        formula(plus, *[Ref(SUMMARY, i, 3) for i in parts],
                value=sum(by_status[s].current for s in t.not_delivered()), style="Count Bold"),
    ])
    keys.append("not delivered")
    block = Block(SUMMARY, SUMMARY, ["Status", "Definition", "Previous report", "Current report"],
                  rows, "HMICFRS recommendation summary", keys)
    printed = [row.status for row in summary if row.previous_published]
    source = (f"Previous report: the figures published at the previous report (yellow: "
              f"{', '.join(t.status_short(s) for s in printed)}), because recommendations "
              "signed off since are no longer listed; other statuses are counted from the "
              "previous statuses in the list." if printed else
              "Previous report: counted from the previous statuses in the list.")
    note = NamedCell("HMICFRSNote", text(
        "Current report: counted from the HMICFRS List sheet. " + source +
        " Where a published figure disagrees with the list, the Tracker Reconciliation "
        "sheet says so."))
    return Sheet(SUMMARY_SHEET, [block], [
        note, NamedCell(PREVIOUS_DATE, Cell(previous_date, "Input Date")),
        NamedCell(REPORT_DATE, Cell(report_date, "Input Date"))])


def _reports_sheet(groups: list[t.Report], n: int, checks: Checks,
                   ds_totals: Mapping[str, tuple[int, int, str]] | None = None) -> Sheet:
    ds_totals = ds_totals or {}
    states = t.statuses()
    header = ["Report", "Type",
              *[f"Previous: {t.status_short(s)}" for s in states],
              *[f"Current: {t.status_short(s)}" for s in states]]
    rows: list[list[Cell]] = []
    for r, group in enumerate(groups):
        cells = [text(group.title, "Label"), text(group.type, "Label")]
        for col, counts in ((PREVIOUS, group.previous), (STATUS, group.current)):
            for i, status in enumerate(states):
                cells.append(formula(
                    "=SUMPRODUCT(({0}={1})*({2}={3}))", _column(REPORT, n),
                    Ref(REPORTS, r, 0, fixed_col=True), _column(col, n),
                    Ref(SUMMARY, i, 0, fixed_row=True, fixed_col=True),
                    value=counts[status], style="Count"))
        rows.append(cells)
    last = len(groups) - 1
    width = 2 * len(states)
    for report_type in load_schema().choices["report_type"]:
        previous, current = t.type_totals(groups, report_type)
        r = len(rows)
        rows.append([text(f"All {report_type.lower()} reports", "Label Bold"),
                     text(report_type, "Label Bold"),
                     *[formula("=SUMIF({0},{1},{2})", Ref(REPORTS, 0, 1, last, 1, True, True),
                               Ref(REPORTS, r, 1, fixed_col=True),
                               Ref(REPORTS, 0, 2 + c, last, 2 + c, fixed_row=True),
                               value=v, style="Count Bold")
                       for c, v in enumerate([*previous.values(), *current.values()])]])
    everything = [t.count_by_status([x for g in groups for x in g.recommendations], p)
                  for p in (True, False)]
    total = len(rows)
    rows.append([text("All reports", "Label Bold"), text("", "Label Bold"),
                 *[formula("=SUM({0})", Ref(REPORTS, 0, 2 + c, last, 2 + c), value=v,
                           style="Count Bold")
                   for c, v in enumerate([*everything[0].values(), *everything[1].values()])]])
    assert len(rows[-1]) == width + 2
    for i, status in enumerate(states):
        checks.add(f"HMICFRS: all reports, current {t.status_short(status)}", REPORTS_SHEET,
                   Ref(REPORTS, total, 2 + len(states) + i), everything[1][status])
    block = Block(REPORTS, REPORTS, header, rows,
                  "Number of recommendations by report and status",
                  [g.title for g in groups] + [f"All {x.lower()} reports" for x in
                                               load_schema().choices["report_type"]]
                  + ["All reports"])
    note = NamedCell("HMICFRSReportsNote", text(
        "Counted from the HMICFRS List sheet: previous from each recommendation's status at "
        "the previous report, current from its status now. Recommendations no longer listed "
        "(signed off since the previous report) are not counted here; the HMICFRS Summary "
        "uses the published previous figures where the input gives them."))
    return Sheet(REPORTS_SHEET, [block, *_totals_block(ds_totals, groups, n)], [note])


def _totals_block(totals: Mapping[str, tuple[int, int, str]], groups: list[t.Report],
                  n: int) -> list[Block]:
    """Each report's recommendations for the police and for other bodies (issue 16): the
    list holds only the police's, so a report's total is not a count of the list."""
    if not totals:
        return []
    name = "tblHMICFRSTotals"
    listed = {g.title: len(g.recommendations) for g in groups}
    rows: list[list[Cell]] = []
    for r, (title, (police, others, _cell)) in enumerate(totals.items()):
        rows.append([text(title, "Label"), Cell(police, "Input Count"),
                     Cell(others, "Input Count"),
                     formula("={0}+{1}", Ref(name, r, 1), Ref(name, r, 2), value=police + others,
                             style="Count Bold"),
                     formula("=COUNTIF({0},{1})", _column(REPORT, n), Ref(name, r, 0),
                             value=listed.get(title, 0), style="Count")])
    return [Block(name, name, ["Report", "For the police", "For other bodies",
                               "Recommendations in total", "Listed (open, for the police)"],
                  rows, "Recommendations each report made, for the police and other bodies")]


def _overdue_sheet(recs: list[Recommendation], index: dict[int, int],
                   report_date: dt.date | None) -> Sheet:
    rows: list[list[Cell]] = []
    late = t.overdue(recs, report_date) if report_date else []
    for k, item in enumerate(late):
        rec = item.recommendation
        rows.append([
            text(rec.report, "Label"), Cell(rec.number, "Label"), text(rec.text or None, "Text"),
            _status_cell(rec.status),
            formula("={0}", Ref(LIST, index[id(rec)], DUE), value=rec.due, style="Date"),
            formula(f"={REPORT_DATE}-{{0}}", Ref(OVERDUE, k, 4), value=item.days,
                    style="Count"),
            text(rec.owner or None, "Label"),
        ])
    when = f"{report_date:%d/%m/%Y}" if report_date else "the report date (not set)"
    if not rows:
        rows.append([text("None", "Label"), Cell(None, "Label"),
                     text(f"No recommendation is past its due date and not yet delivered at "
                          f"{when}.", "Text"), Cell(None, "RAG None"), Cell(None, "Date"),
                     Cell(None, "Count"), Cell(None, "Label")])
    block = Block(OVERDUE, OVERDUE, ["Report", "No.", "Recommendation", "Status", "Due date",
                                     "Days overdue", "Task owner"], rows,
                  f"Recommendations past their due date at {when} ({len(late)})")
    states = " or ".join(t.not_delivered())
    note = NamedCell("HMICFRSOverdueNote", text(
        f"Only the recommendations not yet delivered ({states}) whose due date is before the "
        f"report date ({when}, on the HMICFRS Summary sheet). Days overdue = report date - "
        "due date."))
    return Sheet(OVERDUE_SHEET, [block], [note])


def describe(ds: Dataset, checks: Checks) -> list[Sheet]:
    """The four HMICFRS sheets, or none when the input lists no recommendation."""
    recs = list(ds.recommendations)
    if not recs:
        return []
    groups = t.reports(recs)
    ordered = [r for g in groups for r in g.recommendations]
    report_date, previous_date = t.report_dates(ds.settings)
    list_sheet, index = _list_sheet(groups)
    n = len(ordered)
    return [_summary_sheet(ds, ordered, n, report_date, previous_date),
            _reports_sheet(groups, n, checks, ds.hmicfrs_totals), list_sheet,
            _overdue_sheet(ordered, index, report_date)]
