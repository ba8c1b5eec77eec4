"""Crime Summary YTD by category (seed 003) and the monthly tables with a year-end
prediction. Every figure is a formula over the Data sheet; xlperf's own sums are the
expected values the Checks sheet compares them with.
"""

from __future__ import annotations

from ...arithmetic import total
from ...domain.figures import FigureKey
from ...domain.values import crime_series, ytd
from ...periods import FY_MONTHS, FinancialYear, Quarter
from ...schema import load_data
from ..cells import change_or_na, formula, text
from ..context import Context
from ..model import Block, Cell, NamedCell, Ref, Sheet
from .data import CrimeData

SUMMARY_SHEET = "Crime Summary"
MONTHLY_SHEET = "Monthly"
#: The Monthly sheet's tables (data/categories.yaml ``monthly_tables``).
MONTHLY_TABLES: tuple[str, ...] = tuple(load_data("categories")["monthly_tables"])


def _ytd(ctx: Context, name: str, fy: FinancialYear, quarter: Quarter) -> int | None:
    months = crime_series(ctx.ds, name, fy)
    return None if months is None else ytd(months, Quarter(fy, quarter.number))


def _baseline_cells(ctx: Context, data: CrimeData, name: str, r: int, category: str,
                    base: FinancialYear, style: str) -> list[Cell]:
    """Baseline-year YTD and the change on it, count and % (issue 16, family 1)."""
    q = ctx.quarter
    if not data.has(base):
        return [text("N/A", "Percent")] * 3
    old = _ytd(ctx, category, base, q)
    new = _ytd(ctx, category, q.fy, q)
    both = old is not None and new is not None
    count = (new - old) if both and new is not None and old is not None else None
    pct = change_or_na(new, old)
    cells = [formula("=SUM({0})", data.rect(category, base, 0, q.last_month_index), value=old,
                     style=style),
             formula("={0}-{1}", Ref(name, r, 2), Ref(name, r, 5), value=count, style=style),
             formula('=IFERROR({0}/{1},"N/A")', Ref(name, r, 6), Ref(name, r, 5), value=pct,
                     style="Change")]
    period, compared = q.label, base.label
    ctx.show(FigureKey("crime-ytd", category, Quarter(base, q.number).label), Ref(name, r, 5),
             old)
    ctx.show(FigureKey("crime-change", category, period, compared), Ref(name, r, 6), count)
    ctx.show(FigureKey("crime-change-pct", category, period, compared), Ref(name, r, 7), pct)
    return cells


def describe_summary(ctx: Context, data: CrimeData) -> Sheet:
    order: list[str] = load_data("categories")["summary_order"]
    subtotals = {s["name"]: s["parts"] for s in load_data("categories")["subtotals"]}
    q, prev, cur = ctx.quarter, ctx.previous_fy, ctx.fy
    last = q.last_month_index
    base = FinancialYear.parse(str(load_data("figures")["crime_baseline_fy"]))
    header = ["Crime Category", f"{prev.slash_label} Apr-{FY_MONTHS[last]}",
              f"{cur.slash_label} Apr-{FY_MONTHS[last]}", "Change (number)", "Change (%)",
              f"{base.slash_label} Apr-{FY_MONTHS[last]} (baseline)",
              f"Change v {base.slash_label} (number)", f"Change v {base.slash_label} (%)"]
    name = "tblCrimeSummary"
    rows: list[list[Cell]] = []
    for r, category in enumerate(order):
        style = "Count Bold" if category in subtotals else "Count"
        cells: list[Cell] = [text(category, "Label Bold" if category in subtotals else "Label")]
        values = []
        for fy in (prev, cur):
            value = _ytd(ctx, category, fy, q) if data.has(fy) else None
            values.append(value)
            if data.has(fy):
                ctx.show(FigureKey("crime-ytd", category, Quarter(fy, q.number).label),
                         Ref(name, r, len(cells)), value)
                cells.append(formula("=SUM({0})", data.rect(category, fy, 0, last),
                                     value=value, style=style))
            else:
                cells.append(text("N/A", "Percent"))
        old, new = values
        both = old is not None and new is not None
        cells.append(formula("={0}-{1}", Ref(name, r, 2), Ref(name, r, 1),
                             value=(new - old) if new is not None and old is not None else None,
                             style=style)
                     if data.has(prev) else text("N/A", "Percent"))
        cells.append(formula('=IFERROR({0}/{1},"N/A")', Ref(name, r, 3), Ref(name, r, 1),
                             value=change_or_na(new, old), style="Change")
                     if data.has(prev) else text("N/A", "Percent"))
        if data.has(prev):
            ctx.show(FigureKey("crime-change", category, q.label, prev.label), Ref(name, r, 3),
                     (new - old) if both and new is not None and old is not None else None)
            ctx.show(FigureKey("crime-change-pct", category, q.label, prev.label),
                     Ref(name, r, 4), change_or_na(new, old))
        cells += _baseline_cells(ctx, data, name, r, category, base, style)
        rows.append(cells)
    block = Block(name, name, header, rows, f"Crime Summary - Year to Date ({q.label})",
                  list(order))
    for subtotal, parts in subtotals.items():
        expected = _ytd(ctx, subtotal, cur, q)
        if expected is None:
            continue
        ctx.checks.add_sum(f"Crime Summary: {', '.join(parts)} add up to {subtotal} "
                           f"({cur.slash_label} YTD)", SUMMARY_SHEET,
                           [block.ref(p, 2) for p in parts], expected)
        ctx.checks.add(f"Crime Summary: {subtotal} {cur.slash_label} YTD", SUMMARY_SHEET,
                       block.ref(subtotal, 2), expected)
    note = NamedCell("CrimeSummaryNote", text(
        f"Recorded crime, 1 April to the end of {q.end_month_label}, against the same months of "
        f"{prev.slash_label}. Subtotals add the categories above them (Victim-Based Crime adds "
        "the three victim-based subtotals; All Crime adds Victim-Based Crime and Crimes Against "
        f"Society). Change (%) is (current - previous) / previous; the baseline columns compare "
        f"with the same months of {base.slash_label}, the last pre-Covid year."))
    return Sheet(SUMMARY_SHEET, [block], [note])


def _monthly_block(ctx: Context, data: CrimeData, subject: str, index: int) -> Block:
    q, prev, cur = ctx.quarter, ctx.previous_fy, ctx.fy
    name = f"tblMonthly{index + 1}"
    last = q.last_month_index
    prev_months = crime_series(ctx.ds, subject, prev) or [None] * 12
    cur_months = crime_series(ctx.ds, subject, cur) or [None] * 12
    labels = ["Month number", f"{prev.label} (Month)", f"{cur.label} (Month)", "Change (Month)",
              f"{prev.label} (YTD)", f"{cur.label} (YTD)", "Change (YTD)",
              f"Prediction {cur.start % 100:02d}/{(cur.start + 1) % 100:02d} FY End"]
    rows: list[list[Cell]] = [[text(label, "Label Bold" if i == 7 else "Label")]
                              for i, label in enumerate(labels)]
    for m in range(12):
        col = m + 1
        shown = m <= last
        rows[0].append(Cell(m + 1, "Input Count"))
        rows[1].append(formula("=SUM({0})", data.rect(subject, prev, m, m),
                               value=prev_months[m], style="Count")
                       if data.has(prev) else text("N/A", "Percent"))
        prev_ytd = total(prev_months[: m + 1])
        cur_ytd = total(cur_months[: m + 1])
        rows[4].append(formula("=SUM({0}:{1})", Ref(name, 1, 1, fixed_col=True),
                               Ref(name, 1, col), value=prev_ytd, style="Count")
                       if data.has(prev) else text("N/A", "Percent"))
        if not shown:
            for r in (2, 3, 5, 6, 7):
                rows[r].append(Cell(None, "Count"))
            continue
        rows[2].append(formula("=SUM({0})", data.rect(subject, cur, m, m),
                               value=cur_months[m], style="Count"))
        rows[3].append(formula('=IFERROR(({0}-{1})/{1},"N/A")', Ref(name, 2, col),
                               Ref(name, 1, col),
                               value=change_or_na(cur_months[m], prev_months[m]),
                               style="Change"))
        rows[5].append(formula("=SUM({0}:{1})", Ref(name, 2, 1, fixed_col=True),
                               Ref(name, 2, col), value=cur_ytd, style="Count"))
        rows[6].append(formula('=IFERROR(({0}-{1})/{1},"N/A")', Ref(name, 5, col),
                               Ref(name, 4, col), value=change_or_na(cur_ytd, prev_ytd),
                               style="Change"))
        rows[7].append(formula("={0}/{1}*{2}", Ref(name, 5, col), Ref(name, 0, col),
                               Ref("MonthsInYear", 0, 0),
                               value=None if cur_ytd is None else cur_ytd / (m + 1) * 12,
                               style="Count Bold"))
    block = Block(name, "tblMonthly", [subject, *FY_MONTHS], rows, subject, labels)
    expected = _ytd(ctx, subject, cur, q)
    if expected is not None:
        ctx.checks.add(f"Monthly: {subject} months April to {q.end_month_label} add up to the "
                       "Crime Summary YTD", MONTHLY_SHEET, block.ref(5, last + 1), expected)
    return block


def describe_monthly(ctx: Context, data: CrimeData) -> Sheet:
    blocks = [_monthly_block(ctx, data, subject, i) for i, subject in enumerate(MONTHLY_TABLES)]
    months = NamedCell("MonthsInYear", Cell(12, "Input Count"))
    return Sheet(MONTHLY_SHEET, blocks, [months])
