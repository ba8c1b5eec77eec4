"""Project Servator and public order tables: monthly counts (inputs) with TOTAL and
positive-outcome rates as formulas. Rates are pooled: total positives / total stops.
"""

from __future__ import annotations

from ...domain.values import servator_rate_ytd
from ...model import SeriesTable
from ...periods import FY_MONTHS, FinancialYear, Quarter
from ..cells import formula, ratio_or_na, text
from ..context import Context
from ..model import Block, Cell, NamedCell, Ref, Sheet

TOTAL_COL = 13


def _years(table: SeriesTable, upto: FinancialYear) -> list[FinancialYear]:
    """Financial years with data, newest first, none after ``upto``."""
    years = {fy for by_year in table.values() for fy in by_year if fy <= upto}
    return sorted(years, reverse=True)


def _sum(values: tuple[int | None, ...]) -> int:
    return sum(v for v in values if v is not None)


def _count_rows(table: SeriesTable, fy: FinancialYear, name: str,
                keys: list[str]) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for r, key in enumerate(keys):
        series = table[key][fy]
        rows.append([text(key), *[Cell(v, "Input Count") for v in series.values],
                     formula("=SUM({0}:{1})", Ref(name, r, 1), Ref(name, r, 12),
                             value=_sum(series.values), style="Count Bold")])
    return rows


def _rate_row(label: str, name: str, top: int, bottom: int,
              tops: list[int | None], bottoms: list[int | None]) -> list[Cell]:
    cells = [text(label, "Label Bold")]
    for col in range(1, TOTAL_COL + 1):
        cells.append(formula('=IFERROR({0}/{1},"N/A")', Ref(name, top, col),
                             Ref(name, bottom, col),
                             value=ratio_or_na(tops[col - 1], bottoms[col - 1]),
                             style="Percent"))
    return cells


def describe_servator(ctx: Context) -> Sheet:
    table = ctx.ds.servator
    blocks: list[Block] = []
    order = ["Stop and Search", "Positive Stop & Searches", "Arrests"]
    for fy in _years(table, ctx.fy):
        name = f"tblServator{fy.start}"
        keys = [k for k in order if fy in table.get(k, {})]
        keys += [k for k in table if k not in order and fy in table[k]]
        if "Stop and Search" not in keys or "Positive Stop & Searches" not in keys:
            continue
        rows = _count_rows(table, fy, name, keys)
        stops = [*table["Stop and Search"][fy].values, _sum(table["Stop and Search"][fy].values)]
        positives = [*table["Positive Stop & Searches"][fy].values,
                     _sum(table["Positive Stop & Searches"][fy].values)]
        rows.append(_rate_row("Stop Search Positive Outcome Rate", name,
                              keys.index("Positive Stop & Searches"),
                              keys.index("Stop and Search"), positives, stops))
        block = Block(name, "tblServator", [f"Servator {fy.slash_label}", *FY_MONTHS, "TOTAL"],
                      rows, f"Project Servator stats {fy.slash_label}",
                      [*keys, "Stop Search Positive Outcome Rate"])
        blocks.append(block)
        quarter = ctx.quarter if fy == ctx.fy else Quarter(fy, 4)
        expected = servator_rate_ytd(ctx.ds, quarter).value
        if expected is not None:
            ctx.checks.add(f"Servator {fy.slash_label}: positive outcome rate (pooled) equals "
                           "the rate the grade used", "Servator",
                           block.ref("Stop Search Positive Outcome Rate", TOTAL_COL),
                           expected / 100)  # the domain's rates are percentages
    note = NamedCell("ServatorNote", text(
        "Inputs are the monthly counts from the input workbook. TOTAL adds the months; the "
        "positive outcome rate is positive stops / stops, so the TOTAL rate is pooled over the "
        "year (not an average of monthly rates). N/A: no stops that month."))
    return Sheet("Servator", blocks, [note])


def describe_public_order(ctx: Context) -> Sheet:
    table = ctx.ds.public_order
    blocks: list[Block] = []
    summary_rows: list[list[Cell]] = []
    keys = ["Public Order Offences", "Positive Outcomes"]
    summary = "tblPublicOrderSummary"
    for fy in _years(table, ctx.fy):
        if not all(fy in table.get(k, {}) for k in keys):
            continue
        name = f"tblPublicOrder{fy.start}"
        rows = _count_rows(table, fy, name, keys)
        offences = [*table[keys[0]][fy].values, _sum(table[keys[0]][fy].values)]
        outcomes = [*table[keys[1]][fy].values, _sum(table[keys[1]][fy].values)]
        rows.append(_rate_row("Positive Outcome Rate", name, 1, 0, outcomes, offences))
        blocks.append(Block(name, "tblPublicOrder",
                            [f"Public order {fy.slash_label}", *FY_MONTHS, "TOTAL"], rows,
                            f"Public order offences and positive outcomes {fy.slash_label}",
                            [*keys, "Positive Outcome Rate"]))
        r = len(summary_rows)
        summary_rows.append([
            text(fy.slash_label),
            formula("={0}", Ref(name, 0, TOTAL_COL), value=offences[-1], style="Count"),
            formula("={0}", Ref(name, 1, TOTAL_COL), value=outcomes[-1], style="Count"),
            formula('=IFERROR({0}/{1},"N/A")', Ref(summary, r, 2), Ref(summary, r, 1),
                    value=ratio_or_na(outcomes[-1], offences[-1]), style="Percent"),
        ])
        ctx.checks.add(f"Public order {fy.slash_label}: TOTAL positive outcomes", "Public Order",
                       Ref(name, 1, TOTAL_COL), outcomes[-1])
    blocks.append(Block(summary, summary,
                        ["Financial year", "Public order offences", "Positive outcomes",
                         "Positive outcome rate"], summary_rows,
                        "Public order: sanctioned detections and positive outcomes by year"))
    note = NamedCell("PublicOrderNote", text(
        f"Financial years to the end of {ctx.quarter.end_month_label}; the current year is "
        "April to date. Rate = positive outcomes / offences."))
    return Sheet("Public Order", blocks, [note])
