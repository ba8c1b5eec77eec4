"""Anti-social behaviour incidents by calendar month (seed 001 section 4.7), with the
quarter's monthly average, the 12-month average and the change on the same months of last
year and of the baseline year. All averages and changes are formulas over the month cells.
"""

from __future__ import annotations

from ...periods import CALENDAR_MONTHS
from ...schema import load_data
from ..cells import change_or_na, formula, text
from ..context import Context
from ..model import Block, Cell, NamedCell, Ref, Sheet

NAME = "tblASB"
SUMMARY = "tblASBSummary"
TOTAL_COL = 13


def _months(values: list[int | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def describe(ctx: Context) -> Sheet | None:
    ds, q = ctx.ds, ctx.quarter
    end_year, end_month = q.end_year_month
    years = sorted(y for y in ds.asb if y <= end_year)
    if end_year not in years:
        return None
    rows: list[list[Cell]] = []
    for r, year in enumerate(years):
        values = list(ds.asb[year].values)
        if year == end_year:
            values = _upto(values, end_month)
        rows.append([text(str(year)), *[Cell(v, "Input Count") for v in values],
                     formula("=SUM({0}:{1})", Ref(NAME, r, 1), Ref(NAME, r, 12),
                             value=sum(v for v in values if v is not None), style="Count Bold")])
    block = Block(NAME, NAME, ["Year", *CALENDAR_MONTHS, "Total"], rows,
                  "ASB incidents by month", [str(y) for y in years])

    def value(year: int, month: int) -> int | None:
        series = ds.asb.get(year)
        return None if series is None else series.values[month - 1]

    first_month = end_month - 2
    label = f"{CALENDAR_MONTHS[first_month - 1]}-{CALENDAR_MONTHS[end_month - 1]}"
    cur_row = years.index(end_year)

    def quarter_ref(year: int) -> Ref:
        return Ref(NAME, years.index(year), first_month, None, end_month)

    summary: list[tuple[str, Cell]] = []
    current = [value(end_year, m) for m in range(first_month, end_month + 1)]
    summary.append((f"Monthly average, {label} {end_year}",
                    formula("=AVERAGE({0})", quarter_ref(end_year), value=_months(current),
                            style="Average")))
    last12 = [value(end_year - 1, m) for m in range(end_month + 1, 13)] + \
             [value(end_year, m) for m in range(1, end_month + 1)]
    if end_month == 12:
        avg12 = formula("=AVERAGE({0})", Ref(NAME, cur_row, 1, None, 12), value=_months(last12),
                        style="Average")
    elif end_year - 1 in years:
        avg12 = formula("=AVERAGE({0},{1})",
                        Ref(NAME, years.index(end_year - 1), end_month + 1, None, 12),
                        Ref(NAME, cur_row, 1, None, end_month), value=_months(last12),
                        style="Average")
    else:
        avg12 = text("N/A", "Average")
    summary.append((f"Monthly average, 12 months to {q.end_month_label}", avg12))
    baseline = load_data("baselines")["asb_baseline_year"]
    for year in sorted({end_year - 1, baseline}, reverse=True):
        if year not in years or year == end_year:
            continue
        old = [value(year, m) for m in range(first_month, end_month + 1)]
        total_old = sum(v for v in old if v is not None)
        total_new = sum(v for v in current if v is not None)
        summary.append((f"Change, {label} {end_year} on {label} {year}",
                        formula("=IFERROR((SUM({0})-SUM({1}))/SUM({1}),\"N/A\")",
                                quarter_ref(end_year), quarter_ref(year),
                                value=change_or_na(total_new, total_old), style="Change")))
    summary_block = Block(SUMMARY, SUMMARY, ["ASB incidents", "Value"],
                          [[text(k), c] for k, c in summary], "ASB: averages and changes",
                          [k for k, _ in summary])
    ctx.checks.add(f"ASB: {end_year} total to {q.end_month_label}", "ASB",
                   Ref(NAME, cur_row, TOTAL_COL),
                   sum(v for v in _upto(ds.asb[end_year].values, end_month) if v is not None))
    note = NamedCell("ASBNote", text(
        f"Incidents by calendar month to {q.end_month_label}. Averages are per month; changes "
        f"compare the total of {label} with the same months of last year and of {baseline}."))
    return Sheet("ASB", [block, summary_block], [note])


def _upto(values: tuple[int | None, ...] | list[int | None], end_month: int) -> list[int | None]:
    """The months up to ``end_month``; later months are not reported yet."""
    return [v if i < end_month else None for i, v in enumerate(values)]
