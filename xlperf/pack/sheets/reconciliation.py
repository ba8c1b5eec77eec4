"""The Reconciliation sheet (issue 16): every contradiction in one place.

One row per finding of :func:`xlperf.domain.reconcile.findings`: published figures that
differ from xlperf's, numbers in analyst text, reported grades and roll-ups that differ from
their rule, and the trackers' published counts and lights. Where the pack shows the figure,
the "In the pack" column is a formula pointing at that cell, so a reviewer can follow it and
LibreOffice or Excel recalculates it to xlperf's value.
"""

from __future__ import annotations

from ...domain.figures import kinds
from ...domain.reconcile import Finding, findings
from ..cells import formula, text
from ..context import Context
from ..model import Block, Cell, NamedCell, Sheet
from .trackers import differences as tracker_differences
from .trackers_scp import dashboard_rows

SHEET = "Reconciliation"
TABLE = "tblReconciliation"
HEADER = ["No.", "Topic", "Item", "Period", "Published", "xlperf", "In the pack",
          "Printed at", "Input cell", "Rule or convention", "Note"]
CONTENTS = ("Every published figure, analyst number, grade and tracker count that "
            "disagrees with xlperf, with both values and where each is")


def _pack_cell(ctx: Context, finding: Finding) -> Cell:
    refs = ctx.shown.get(finding.figure.text, []) if finding.figure else []
    if not refs:
        return text("not shown", "Label")
    unit_style = "Change" if finding.xlperf.endswith(("%", "pts")) else "Count"
    ref, value = refs[0]
    return formula("={0}", ref, value=value, style=unit_style)  # type: ignore[arg-type]


def pack_findings(ctx: Context) -> list[Finding]:
    """The findings the Reconciliation sheet lists, in its order (item n is index n - 1);
    computed once per pack."""
    cached = ctx.cache.get("findings")
    if cached is None:
        rows_, period, _previous = dashboard_rows(ctx.ds)
        cached = findings(ctx.ds, ctx.grading, ctx.quarters, tracker_differences(ctx.ds),
                          (rows_, period))
        ctx.cache["findings"] = cached
    return cached  # type: ignore[return-value]


def text_notes(ctx: Context, cell: str, quarter_label: str, where: str = "here") -> list[str]:
    """Committee sentences for the numbers of the analyst text typed in ``cell`` that differ
    from xlperf's figure, each naming its Reconciliation item."""
    out: list[str] = []
    for n, f in enumerate(pack_findings(ctx), start=1):
        if f.topic != "Analyst text" or not cell or f.input_cell != cell or (
                f.period != quarter_label) or f.figure is None:
            continue
        what = kinds().get(f.figure.kind, {}).get("name") or f.figure.kind.replace("-", " ")
        subject = f" ({f.figure.subject})" if f.figure.subject else ""
        out.append(f"The {f.published} quoted {where} is not the pack's figure: the {what}"
                   f"{subject} for {f.figure.period} is {f.xlperf}. See Reconciliation item "
                   f"{n}.")
    return out


def describe(ctx: Context) -> Sheet:
    found = pack_findings(ctx)
    rows: list[list[Cell]] = []
    for n, f in enumerate(found, start=1):
        rows.append([Cell(n, "Count"), text(f.topic, "Label"), text(f.item),
                     text(f.period, "Label"), text(f.published, "Label Bold"),
                     text(f.xlperf, "Label Bold"), _pack_cell(ctx, f), text(f.printed_at),
                     text(f.input_cell or None), text(f.convention), text(f.note or None)])
    if not rows:
        rows = [[Cell(None, "Count"), text("None", "Label"),
                 text("Every published figure agrees with xlperf's"), *[text(None)] * 8]]
    block = Block(TABLE, TABLE, HEADER, rows,
                  f"Published figures, analyst numbers, grades and tracker counts that "
                  f"disagree ({len(found)})")
    note = NamedCell("ReconciliationNote", text(
        "Published: the value as printed (typed on the input's Published, Measure values and "
        "tracker sheets). xlperf: the value xlperf computes from the input's raw figures, "
        "rounded as printed (half away from zero). In the pack: the cell that shows xlperf's "
        "figure. The pack never copies a published value that disagrees; it shows xlperf's "
        "and lists the difference here."))
    return Sheet(SHEET, [block], [note])
