"""Project Servator and public order tables: monthly counts (inputs) with TOTAL and
positive-outcome rates as formulas. Rates are pooled: total positives / total stops.
"""

from __future__ import annotations

from ...domain.figures import FigureKey
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
        ctx.show(FigureKey("servator-rate", "", fy.label),
                 block.ref("Stop Search Positive Outcome Rate", TOTAL_COL),
                 ratio_or_na(positives[-1], stops[-1]))
        quarter = ctx.quarter if fy == ctx.fy else Quarter(fy, 4)
        expected = servator_rate_ytd(ctx.ds, quarter).value
        if expected is not None:
            ctx.checks.add(f"Servator {fy.slash_label}: positive outcome rate (pooled) equals "
                           "the rate the grade used", "Servator",
                           block.ref("Stop Search Positive Outcome Rate", TOTAL_COL),
                           expected / 100)  # the domain's rates are percentages
    blocks += _servator_quarters(ctx, blocks)
    note = NamedCell("ServatorNote", text(
        "Inputs are the monthly counts from the input workbook. TOTAL adds the months; the "
        "positive outcome rate is positive stops / stops, so the TOTAL rate is pooled over the "
        "year (not an average of monthly rates). N/A: no stops that month. A quarter's rate "
        "pools its three months only. Changes between rates are percentage points worked out "
        "from the unrounded rates (rounding each rate first can move the result by a point)."))
    return Sheet("Servator", blocks, [note])


def _servator_quarters(ctx: Context, fy_blocks: list[Block]) -> list[Block]:
    """Each quarter's pooled rate this year, and the year's rate against earlier years in
    points (issue 16, family 4)."""
    by_name = {b.name: b for b in fy_blocks}
    current = by_name.get(f"tblServator{ctx.fy.start}")
    if current is None:
        return []
    stops_row = current.row_of("Stop and Search")
    pos_row = current.row_of("Positive Stop & Searches")
    stops = ctx.ds.servator["Stop and Search"][ctx.fy].values
    positives = ctx.ds.servator["Positive Stop & Searches"][ctx.fy].values
    name = "tblServatorQuarters"
    rows: list[list[Cell]] = []
    for number in range(1, ctx.quarter.number + 1):
        quarter = Quarter(ctx.fy, number)
        first, last = quarter.month_indices[0] + 1, quarter.month_indices[-1] + 1
        s_sum = _sum(stops[first - 1:last])
        p_sum = _sum(positives[first - 1:last])
        r = len(rows)
        rate_value = ratio_or_na(p_sum, s_sum)
        rows.append([
            text(quarter.label),
            formula("=SUM({0})", Ref(current.name, stops_row, first).to(stops_row, last),
                    value=s_sum, style="Count"),
            formula("=SUM({0})", Ref(current.name, pos_row, first).to(pos_row, last),
                    value=p_sum, style="Count"),
            formula('=IFERROR({0}/{1},"N/A")', Ref(name, r, 2), Ref(name, r, 1),
                    value=rate_value, style="Percent")])
        ctx.show(FigureKey("servator-rate-quarter", "", quarter.label), Ref(name, r, 3),
                 rate_value)
    quarters = Block(name, name, ["Quarter", "Stop and Search", "Positive Stop & Searches",
                                  "Positive outcome rate"], rows,
                     f"Project Servator by quarter, {ctx.fy.slash_label}",
                     [q[0].value for q in rows])  # type: ignore[misc]
    change_name = "tblServatorChange"
    change_rows: list[list[Cell]] = []
    rate_col = TOTAL_COL
    now_row = current.row_of("Stop Search Positive Outcome Rate")
    now = ratio_or_na(_sum(positives), _sum(stops))
    for block in fy_blocks[1:]:
        fy_start = int(block.name.removeprefix("tblServator"))
        other_fy = FinancialYear(fy_start)
        o_stops = ctx.ds.servator["Stop and Search"][other_fy].values
        o_pos = ctx.ds.servator["Positive Stop & Searches"][other_fy].values
        other = ratio_or_na(_sum(o_pos), _sum(o_stops))
        r = len(change_rows)
        points = (now - other) if isinstance(now, float) and isinstance(other, float) else (
            "N/A")
        change_rows.append([
            text(f"{ctx.fy.slash_label} on {other_fy.slash_label}"),
            formula("={0}", Ref(current.name, now_row, rate_col), value=now, style="Percent"),
            formula("={0}", Ref(block.name, block.row_of("Stop Search Positive Outcome Rate"),
                                rate_col), value=other, style="Percent"),
            formula("={0}-{1}", Ref(change_name, r, 1), Ref(change_name, r, 2), value=points,
                    style="Change")])
        ctx.show(FigureKey("servator-rate-change", "", ctx.fy.label, other_fy.label),
                 Ref(change_name, r, 3), points)
        ctx.show(FigureKey("servator-rate", "", ctx.fy.label), Ref(change_name, r, 1), now)
        ctx.show(FigureKey("servator-rate", "", other_fy.label), Ref(change_name, r, 2), other)
    out = [quarters]
    if change_rows:
        out.append(Block(change_name, change_name,
                         ["Comparison", "This year's rate", "Other year's rate",
                          "Change (points)"], change_rows,
                         "Positive outcome rate against earlier years (points, from unrounded "
                         "rates)"))
    return out


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
        ctx.show(FigureKey("public-order-rate", "", fy.label), Ref(summary, r, 3),
                 ratio_or_na(outcomes[-1], offences[-1]))
        ctx.show(FigureKey("public-order-rate", "", fy.label), Ref(name, 2, TOTAL_COL),
                 ratio_or_na(outcomes[-1], offences[-1]))
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
