"""The Cover: title, quarter, period, contents with links, colour key and master check."""

from __future__ import annotations

from ...domain.rules import GRADES
from ..cells import DOWN, FLAT, UP, arrow, formula, grade, text
from ..context import Context
from ..model import Block, Cell, NamedCell, Ref, Sheet

#: What each sheet shows, for the contents table (sheets not listed get no description).
CONTENTS = {
    "Report": "The committee report: front sheet, summary, each measure, key data, conclusion",
    "Summary": "Overall assessment of each priority for five quarters, with the trend",
    "Measures": "Each priority's measures and their grades for five quarters",
    "Appendix A": "Assessment criteria and the detail of every measure not Satisfactory",
    "Crime Summary": "Recorded crime year to date by category, against last year",
    "Monthly": "All crime and victim-based crime by month, YTD and year-end prediction",
    "Servator": "Project Servator stops, positive outcomes and rates by month",
    "Public Order": "Public order offences and positive outcome rates",
    "ASB": "Anti-social behaviour incidents by month, averages and changes",
    "Key Data": "The quarter's and the year's crime against last year and 2019-20, monthly "
                "five-year charts, MPS comparison",
    "National Comparison": "All crime over 12 months: every force's change and rank, chart",
    "Measure Figures": ("The figures behind every measure's grade this quarter: value, "
                        "reference, change"),
    "Result History": ("A measure's results by quarter over several years with the trend, and "
                       "two quarters compared"),
    "Reconciliation": ("Every published figure, analyst number, grade and tracker count that "
                       "disagrees with the figure computed from the input"),
    "Audit": "How every grade was reached, and reported grades that differ from the rule",
    "Checks": "Reconciliations of the pack's formulas against an independent computation",
    "Data": "The input figures the pack's formulas are computed from",
}


def describe(ctx: Context, sheet_names: list[str], descriptions: dict[str, str]) -> Sheet:
    q = ctx.quarter
    contents = [[Cell(name, "Link", link=name),
                 text(descriptions.get(name) or CONTENTS.get(name, ""))]
                for name in sheet_names if name != "Cover"]
    key_rows: list[list[Cell]] = [
        [grade(g, g.upper()), text(f"Grade: {g}")] for g in GRADES
    ]
    key_rows.append([grade(None, "N/A"), text("Not graded: a new measure, reported annually, "
                                                "or no data (the cell says which)")])
    key_rows += [
        [arrow(UP, True), text("Better: the grade improved, or the count moved the good way")],
        [arrow(DOWN, False), text("Worse: the grade fell, or the count moved the bad way")],
        [arrow(FLAT, None), text("Unchanged (a change that rounds to 0%)")],
        [Cell(12, "Input Count"), text("Input: a figure copied from the input workbook")],
        [Cell(12, "Count"), text("Calculation: an Excel formula over the input figures")],
    ]
    named = [
        NamedCell("PackTitle", text(f"Policing Plan performance: {q.label}")),
        NamedCell("PackForce", text(ctx.ds.force)),
        NamedCell("PackQuarter", text(q.label)),
        NamedCell("PackPeriod", text(q.period_label)),
        NamedCell("PackMarking", text(ctx.ds.marking)),
        NamedCell("CoverMasterCheck", formula("={0}", Ref("MasterCheck", 0, 0), value=True,
                                              style="Check")),
        NamedCell("PackSource", text(f"{ctx.ds.force} quarterly performance workbook "
                                     f"(the input file is named on the Checks sheet)")),
    ]
    return Sheet("Cover", [
        Block("tblContents", "tblContents", ["Sheet", "What it shows"], contents, "Contents"),
        Block("tblColourKey", "tblColourKey", ["Key", "Meaning"], key_rows, "Colour key"),
    ], named)
