"""Summary, measure overviews and Appendix A: the grades, as values with fills and arrows.

Grades are not formulas: the rule that gave each one, its inputs and thresholds are on the
Audit sheet, next to the grade the analysts reported where that differs.
"""

from __future__ import annotations

import re

from ...domain.grading import ANNUAL, MeasureGrade, PriorityGrade
from ...domain.narrative import measure_position
from ...domain.rules import (
    CLOSE_MONITORING,
    GRADES,
    REQUIRES_ACTION,
    rollup_description,
)
from ...periods import Quarter
from ..cells import UP, arrow, difference_note, grade, text
from ..context import Context
from ..model import Block, Cell, NamedCell, Sheet
from .reconciliation import text_notes

_CRITERIA = re.compile(r"(SATISFACTORY|CLOSE MONITORING|REQUIRES ACTION)\s*:\s*")


def criteria(description: str) -> list[tuple[str, str]]:
    """``SATISFACTORY: ... CLOSE MONITORING: ...`` as (grade, criterion) pairs."""
    parts = _CRITERIA.split(" ".join(description.split()))
    pairs = [(parts[i].title(), parts[i + 1].strip()) for i in range(1, len(parts) - 1, 2)]
    return pairs or [("Criteria", description.strip())]


def _trend_cell(glyph: str | None) -> Cell:
    return arrow(glyph, None if glyph is None else glyph == UP)


def _safe_table_name(text_value: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "", text_value.title().replace(" ", ""))


def describe_summary(ctx: Context) -> Sheet:
    q = ctx.quarters
    rows: list[list[Cell]] = []
    for priority, _heading in ctx.ds.priorities:
        cells = [text(priority)]
        for quarter in q:
            pgrade = ctx.grading.priorities[(priority, quarter)]
            cells.append(grade(pgrade.shown, pgrade.text.upper(), _priority_note(pgrade)))
        cells.append(_trend_cell(ctx.grading.priority_trend(priority, ctx.quarter)))
        rows.append(cells)
    block = Block("tblSummary", "tblSummary", ["Priority", *[x.label for x in q], "Trend"],
                  rows, f"Performance summary: overall assessment by priority, {ctx.quarter.label}",
                  [p for p, _ in ctx.ds.priorities])
    note = NamedCell("SummaryNote", text(
        "Each priority's grade rolls up its measures' grades by the assessment criteria on "
        "Appendix A. Trend compares this quarter's grade with the previous quarter's: "
        "↑ improved, → unchanged, ↓ worsened. Where the reported grade differs from the "
        "rule, the Audit sheet lists it."))
    return Sheet("Summary", [block], [note])


def _priority_note(pgrade: PriorityGrade) -> str | None:
    if not pgrade.differs:
        return None
    return difference_note(pgrade.computed, pgrade.reported, pgrade.reason)


def _measure_text(ctx: Context, mgrade: MeasureGrade) -> Cell:
    note = difference_note(mgrade.computed, mgrade.reported, mgrade.reason) \
        if mgrade.differs else None
    entry = ctx.ds.measure_values.get((mgrade.measure.id, mgrade.quarter))
    if note and entry is not None:
        note = " ".join([note, *text_notes(ctx, entry.reason_cell, mgrade.quarter.label)])
    return grade(mgrade.shown, mgrade.text, note)


def describe_measures(ctx: Context) -> Sheet:
    blocks: list[Block] = []
    for priority, heading in ctx.ds.priorities:
        measures = [m for m in ctx.ds.measures if m.priority == priority]
        overall = [text("Overall Assessment", "Label Bold")]
        for quarter in ctx.quarters:
            pgrade = ctx.grading.priorities[(priority, quarter)]
            overall.append(grade(pgrade.shown, pgrade.shown or "", _priority_note(pgrade)))
        overall.append(_trend_cell(ctx.grading.priority_trend(priority, ctx.quarter)))
        rows = [overall]
        for measure in measures:
            cells = [text(measure.label)]
            for quarter in ctx.quarters:
                cells.append(_measure_text(ctx, ctx.grading.measures[(measure.id, quarter)]))
            latest = ctx.grading.measures[(measure.id, ctx.quarter)]
            glyph = ctx.grading.measure_trend(measure.id, ctx.quarter)
            if glyph is None and latest.state == ANNUAL:
                cells.append(text("Trend will be added once survey results are available",
                                  "Note"))
            else:
                cells.append(_trend_cell(glyph))
            rows.append(cells)
        blocks.append(Block(f"tblMeasures{_safe_table_name(priority)}", "tblMeasureOverview",
                            ["MEASURE", *[x.label for x in ctx.quarters], "TREND"], rows,
                            f"Priority: {heading}",
                            ["Overall Assessment", *[m.id for m in measures]],
                            new_page=bool(blocks)))
    note = NamedCell("MeasuresNote", text(
        "One table per Policing Plan priority. Measures that are not graded say why (a new "
        "measure, or one reported annually). The grade shown is the analysts' reported grade "
        "where one is recorded, otherwise the rule's; the Audit sheet shows both."))
    return Sheet("Measures", blocks, [note])


def _current_position(mgrade: MeasureGrade, quarter: Quarter) -> str:
    """The measure's figures in words (the same sentence as the report's bullet), with the
    working behind them when it is more than a typed value."""
    position = measure_position(mgrade, quarter)
    sentence = f"{position[0].upper()}{position[1:]}"
    workings = [w for w in (mgrade.value.working, mgrade.reference.working)
                if w and "/" in w]
    if workings:
        sentence += " Worked from " + " and ".join(workings) + "."
    if mgrade.trend_note:
        sentence += f" {mgrade.trend_note[0].upper()}{mgrade.trend_note[1:]}."
    if mgrade.differs and mgrade.computed:
        sentence += f" The grading rule gives {mgrade.computed}."
    return sentence


def describe_appendix(ctx: Context) -> Sheet:
    rollup = criteria(rollup_description())
    crit = Block("tblCriteria", "tblCriteria", ["Assessment", "Criteria"],
                 [[grade(g.title() if g.title() in GRADES else None, g.upper()), text(c)]
                  for g, c in rollup], "Assessment Criteria")
    blocks = [crit]
    headings = dict(ctx.ds.priorities)
    for measure in ctx.ds.measures:
        mgrade = ctx.grading.measures[(measure.id, ctx.quarter)]
        if mgrade.shown not in (CLOSE_MONITORING, REQUIRES_ACTION):
            continue
        rows: list[list[Cell]] = [
            [text("Priority"), text(headings.get(measure.priority, measure.priority))],
            [text("Assessment"), grade(mgrade.shown, (mgrade.shown or "").upper())],
            [text("Measure of Success"), text(measure.label)],
            [text("Aim/Rationale"),
             text(measure.aim or "No aim or rationale is recorded for this measure on the "
                                 "Measures sheet of the input workbook.")],
        ]
        aim_notes = text_notes(ctx, measure.aim_cell, ctx.quarter.label)
        if aim_notes:
            rows.append([text("Figures in the aim"), text(" ".join(aim_notes))])
        for label, criterion in criteria(mgrade.rule.description):
            rows.append([text(f"Reason for Assessment: {label}"), text(criterion)])
        rows.append([text("Current Position"), text(_current_position(mgrade, ctx.quarter))])
        if mgrade.reported:
            reason = mgrade.reason or "no reason recorded"
            differs = " (differs from the rule)" if mgrade.differs else ""
            rows.append([text("Reported grade"),
                         text(f"{mgrade.reported}{differs}: {reason}")])
            entry = ctx.ds.measure_values.get((measure.id, ctx.quarter))
            notes = text_notes(ctx, entry.reason_cell if entry else "", ctx.quarter.label)
            if notes:
                rows.append([text("Figures in the reason"), text(" ".join(notes))])
        rows.append([text("Grading"), text("How the grade was reached, input by input, is on "
                                            "the Audit sheet.")])
        blocks.append(Block(f"tblAppendix{measure.id}", "tblAppendixBlock",
                            ["Field", "Detail"], rows, measure.label, new_page=True))
    if len(blocks) == 1:
        blocks.append(Block("tblAppendixNone", "tblAppendixBlock", ["Field", "Detail"],
                            [[text("Measures"),
                              text(f"No measure is graded Close Monitoring or Requires Action "
                                   f"in {ctx.quarter.label}.")]], "Measures"))
    note = NamedCell("AppendixNote", text(
        f"Appendix A: the assessment criteria, then each measure graded Close Monitoring or "
        f"Requires Action in {ctx.quarter.label}, with the criteria of its rule and the figures "
        "behind its grade."))
    return Sheet("Appendix A", blocks, [note])
