"""Reviewer sheets: the Audit trail of every grade, and the Checks with the master check.

The Audit sheet holds one row per graded cell of the pack (measures and priorities, five
quarters): the value and how it was worked out, the reference, the rule and its thresholds,
the rule's grade, the reported grade and the reason, and the input cells behind the value.
"""

from __future__ import annotations

from ... import __version__
from ...domain.grading import PriorityGrade, reconciliation
from ...domain.rules import rollup_description
from ..cells import formula, grade, text
from ..context import Context
from ..model import Block, Cell, NamedCell, Ref, Sheet

CHECKS = "tblChecks"
TOLERANCE = 1e-9


def _cells(cells: tuple[str, ...], limit: int = 12) -> str:
    shown = ", ".join(cells[:limit])
    return shown + (f" and {len(cells) - limit} more" if len(cells) > limit else "")


def _rollup_text(pgrade: PriorityGrade) -> str:
    counts = {g: pgrade.counted.count(g) for g in sorted(set(pgrade.counted))}
    return "; ".join(f"{n} {g}" for g, n in counts.items()) or "no graded measure"


def describe_audit(ctx: Context) -> Sheet:
    diffs = reconciliation(ctx.grading, ctx.quarters)
    diff_rows = [[text(d.level.title()), text(d.name), text(d.quarter.label),
                  grade(d.computed if d.computed != "N/A" else None, d.computed),
                  grade(d.reported), text(d.reason or "(no reason recorded)"), text(d.cell)]
                 for d in diffs]
    if not diff_rows:
        diff_rows = [[text("None"), text("Every reported grade agrees with its rule"), text(""),
                      grade(None, ""), grade(None, ""), text(""), text("")]]
    differences = Block("tblDifferences", "tblDifferences",
                        ["Level", "Name", "Quarter", "Rule gives", "Reported", "Reason given",
                         "Reported in"], diff_rows,
                        f"Reported grades that differ from the rule ({len(diffs)})")

    used = sorted({m.rule for m in ctx.ds.measures})
    rule_rows = []
    for name in used:
        rule = ctx.ds.rules[name]
        rule_rows.append([
            text(rule.name), text(str(rule.kind)), text(str(rule.polarity)),
            text(str(rule.reference or "")),
            text(rule.close_monitoring_when.text), text(rule.requires_action_when.text),
            text("xlperf default (rules.yaml)" if rule.origin == "default" else rule.origin),
            text(rule.description)])
    rule_rows.append([text("ROLL-UP"), text("priority roll-up"), text(""), text(""),
                      text("; ".join(c.text for c in ctx.ds.rollup)), text(""),
                      text("Roll-up table or xlperf default"), text(rollup_description())])
    rules = Block("tblRules", "tblRules",
                  ["Rule", "Kind", "Polarity", "Reference", "Close Monitoring when",
                   "Requires Action when", "Defined in", "Criteria"], rule_rows, "Rules used")

    rows: list[list[Cell]] = []
    for quarter in ctx.quarters:
        for measure in ctx.ds.measures:
            g = ctx.grading.measures[(measure.id, quarter)]
            rows.append([
                text("Measure"), text(measure.priority), text(f"{measure.id} {measure.label}"),
                text(quarter.label), text(g.state),
                Cell(g.value.value, "Decimal"), text(g.value.working),
                Cell(g.reference.value, "Decimal"), text(g.reference_label),
                Cell(g.quantity, "Decimal"), text(g.rule.name),
                text(g.rule.close_monitoring_when.text), text(g.rule.requires_action_when.text),
                grade(g.computed, g.computed or ""), grade(g.reported if g.reported else None,
                                                           g.reported or ""),
                grade(g.shown, g.text), Cell(g.differs, "Check"),
                text("; ".join(x for x in (g.reason, g.trend_note) if x)),
                text(_cells(g.value.cells + g.reference.cells)),
            ])
        for priority, _heading in ctx.ds.priorities:
            p = ctx.grading.priorities[(priority, quarter)]
            rows.append([
                text("Priority"), text(priority), text("Overall Assessment"), text(quarter.label),
                text("graded" if p.computed else "no graded measure"),
                Cell(None, "Decimal"), text(_rollup_text(p)), Cell(None, "Decimal"), text(""),
                Cell(None, "Decimal"), text("ROLL-UP"), text(""), text(""),
                grade(p.computed, p.computed or ""), grade(p.reported, p.reported or ""),
                grade(p.shown, p.text), Cell(p.differs, "Check"), text(p.reason),
                text(p.reported_cell),
            ])
    audit = Block("tblAudit", "tblAudit",
                  ["Level", "Priority", "Measure", "Quarter", "State", "Value", "Working",
                   "Reference value", "Reference", "Graded quantity", "Rule",
                   "Close Monitoring when", "Requires Action when", "Rule gives", "Reported",
                   "Shown", "Differs", "Reason", "Input cells"], rows,
                  "Every grade: inputs, rule, thresholds, computed and reported grade")
    note = NamedCell("AuditNote", text(
        "Graded quantity is how far the value is worse than its reference (percentage points or "
        "per cent; negative = better), rounded as printed, and is what the thresholds are "
        "compared with. Shown is the reported grade where one is recorded, else the rule's."))
    return Sheet("Audit", [differences, rules, audit], [note])


def describe_checks(ctx: Context) -> Sheet:
    rows: list[list[Cell]] = []
    for r, (description, sheet, check, expected) in enumerate(ctx.checks.rows):
        rows.append([
            text(description), Cell(sheet, "Link", link=sheet),
            formula(check.text, *check.refs, value=expected, style="Number"),
            Cell(expected, "Input Number"),
            formula("={0}-{1}", Ref(CHECKS, r, 2), Ref(CHECKS, r, 3), value=0, style="Number"),
            formula("=ABS({0})<=Tolerance", Ref(CHECKS, r, 4), value=True, style="Check"),
        ])
    block = Block(CHECKS, CHECKS, ["Check", "Sheet", "Pack formula", "xlperf value",
                                   "Difference", "OK"], rows,
                  "Reconciliations: each pack formula against xlperf's own computation")
    n = len(rows)
    master = NamedCell("MasterCheck", formula("=AND({0})", Ref(CHECKS, 0, 5, n - 1, 5),
                                              value=True, style="Check"))
    tolerance = NamedCell("Tolerance", Cell(TOLERANCE, "Input Decimal"))
    note = NamedCell("ChecksNote", text(
        "Each row recalculates a figure of the pack with its own formula and compares it with "
        "the value xlperf computed in Python from the input. The master check is TRUE only "
        f"when every row is TRUE; the Cover shows it. Built from {ctx.ds.file} by xlperf "
        f"{__version__}."))
    return Sheet("Checks", [block], [master, tolerance, note])
