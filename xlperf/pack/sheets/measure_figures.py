"""Measure Figures sheet (issue 16, family 2): for the reporting quarter, the figures behind
every measure's grade: the value graded, its reference and change, and the supporting
figures typed on the input's Measure figures table. A grade with no value behind it says
"reported, not computed"."""

from __future__ import annotations

from ...domain.evidence import EvidenceRow, measure_evidence, reference_quarter
from ...domain.figures import FigureKey
from ...periods import Quarter
from ..cells import text
from ..context import Context
from ..model import Block, Cell, NamedCell, Ref, Sheet

SHEET = "Measure Figures"
TABLE = "tblMeasureFigures"
CONTENTS = "The figures behind every measure's grade this quarter: value, reference, change"


def _value(row: EvidenceRow) -> Cell:
    """Values xlperf worked out (not inputs, not formulas): the "Value" styles."""
    if row.value is None:
        return Cell(None, "Value Count")
    if row.unit in ("%", "points"):
        return Cell(row.value / 100, "Value Percent")
    return Cell(row.value, "Value Count")


def _periods(quarter: Quarter) -> list[str]:
    """How a figure of the quarter is named: ``Q3 2021-22``; a Q4 value is the year's too
    (``2021-22``), as "this year" and "last year" in the reports mean."""
    return [quarter.label, *([quarter.fy.label] if quarter.number == 4 else [])]


def describe(ctx: Context) -> Sheet | None:
    q = ctx.quarter
    evidence = measure_evidence(ctx.ds, ctx.grading, q)
    if not evidence:
        return None
    rows: list[list[Cell]] = []
    for r, row in enumerate(evidence):
        value = _value(row)
        rows.append([text(row.measure_id, "Label Bold"), text(row.figure), value,
                     text(row.working or None), text(", ".join(row.cells[:6]) or None)])
        if row.figure == "Value graded":
            for period in _periods(q):
                ctx.show(FigureKey("measure-value", row.measure_id, period), Ref(TABLE, r, 2),
                         value.value)
        elif row.figure.startswith("Reference:"):
            grade = ctx.grading.measures.get((row.measure_id, q))
            ref_quarter = reference_quarter(grade) if grade is not None else None
            if ref_quarter is not None:
                for period in _periods(ref_quarter):
                    ctx.show(FigureKey("measure-value", row.measure_id, period),
                             Ref(TABLE, r, 2), value.value)
        elif row.figure == "Change on the reference":
            ctx.show(FigureKey("measure-change", row.measure_id, q.label), Ref(TABLE, r, 2),
                     value.value)
    note = NamedCell("MeasureFiguresNote", text(
        f"{q.label}: for each measure, the value its rule grades, the reference it is compared "
        "with and the change (relative for counts, points for rates), with the supporting "
        "figures typed on the input's Measure figures table. A grade with no value behind it "
        "is shown as reported, not computed."))
    return Sheet(SHEET, [Block(TABLE, TABLE, ["Measure", "Figure", "Value", "Working",
                                              "Input cells"], rows,
                               f"The figures behind each grade, {q.label}")], [note])
