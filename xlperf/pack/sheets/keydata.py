"""Key data: the quarter's crime totals and changes, the five-year trend (with native
charts) and the force's national rank by rolling 12-month change in all crime.
"""

from __future__ import annotations

import datetime as dt

from ...domain.figures import FigureKey
from ...domain.values import crime_series, months_sum
from ...model import ForceCrime
from ...periods import FY_MONTHS, FinancialYear, Quarter
from ...schema import load_data
from ..cells import change_or_na, formula, text
from ..context import Context
from ..model import Block, Cell, Chart, NamedCell, Ref, Series, Sheet
from .data import CrimeData

#: The trend's subjects and their charts (data/categories.yaml ``key_data``).
KEY_DATA: tuple[tuple[str, str], ...] = tuple(
    (str(k["name"]), str(k["chart"])) for k in load_data("categories")["key_data"])
SUBJECTS = tuple(name for name, _chart in KEY_DATA)


def _count(value: object) -> int:
    """A count cell's value (blank as 0)."""
    return int(value) if isinstance(value, (int, float)) else 0


def quarter_total(ctx: Context, subject: str, quarter: Quarter) -> int | None:
    months = crime_series(ctx.ds, subject, quarter.fy)
    return None if months is None else months_sum(months, quarter.month_indices)


def latest_national(ctx: Context) -> list[ForceCrime]:
    """The force table for the latest 12-month period ending by the quarter's end."""
    year, month = ctx.quarter.end_year_month
    end = dt.date(year + (month == 12), month % 12 + 1, 1)
    periods = sorted({f.period_end for f in ctx.ds.national_crime if f.period_end < end})
    if not periods:
        return []
    return [f for f in ctx.ds.national_crime if f.period_end == periods[-1]]


def rank_block(ctx: Context, name: str = "tblNationalRank",
               template: str = "tblNationalRank") -> Block | None:
    forces = latest_national(ctx)
    if not forces:
        return None
    n = len(forces)
    changes = [(f.crimes - f.previous) / f.previous if f.previous else None for f in forces]
    rows: list[list[Cell]] = []
    for r, (force, change) in enumerate(zip(forces, changes, strict=True)):
        rank = None if change is None else 1 + sum(1 for c in changes
                                                   if c is not None and c < change)
        style = "Label Bold" if force.force == ctx.ds.force else "Label"
        rows.append([
            text(force.force, style), Cell(force.period_end, "Date"),
            Cell(force.crimes, "Input Count"), Cell(force.previous, "Input Count"),
            formula('=IFERROR(({0}-{1})/{1},"N/A")', Ref(name, r, 2), Ref(name, r, 3),
                    value=change_or_na(force.crimes, force.previous), style="Change"),
            formula("=RANK({0},{1}:{2},TRUE)", Ref(name, r, 4),
                    Ref(name, 0, 4, fixed_row=True), Ref(name, n - 1, 4, fixed_row=True),
                    value=rank, style="Count"),
        ])
    period = forces[0].period_end
    return Block(name, template, ["Force", "12 months to", "Crimes", "Previous 12 months",
                                  "Change", "Rank"], rows,
                 f"All crime, 12 months to {period:%B %Y} v the previous 12 months "
                 f"(rank 1 = largest fall, of {n} forces)", [f.force for f in forces])


def _baseline_figures(ctx: Context, data: CrimeData, key: str, subject: str,
                      first: int) -> list[tuple[str, Cell]]:
    """The year to date against the baseline year, count and % (issue 16, family 1): the
    same figures as the Crime Summary's baseline columns."""
    q = ctx.quarter
    base = FinancialYear.parse(str(load_data("figures")["crime_baseline_fy"]))
    if not (data.has(base) and data.has(q.fy)):
        return []
    last = q.last_month_index
    span = f"Apr-{FY_MONTHS[last]}"
    now_months, base_months = crime_series(ctx.ds, subject, q.fy), crime_series(
        ctx.ds, subject, base)
    now = None if now_months is None else months_sum(now_months, range(0, last + 1))
    old = None if base_months is None else months_sum(base_months, range(0, last + 1))
    count = None if now is None or old is None else now - old
    pct = change_or_na(now, old)
    rows: list[tuple[str, Cell]] = [
        (f"{subject}, {q.fy.slash_label} {span}",
         formula("=SUM({0})", data.rect(subject, q.fy, 0, last), value=now, style="Count")),
        (f"{subject}, {base.slash_label} {span} (baseline)",
         formula("=SUM({0})", data.rect(subject, base, 0, last), value=old, style="Count")),
        (f"{subject}: change on the {base.slash_label} baseline (n=)",
         formula("={0}-{1}", Ref(key, first, 1), Ref(key, first + 1, 1), value=count,
                 style="Count")),
        (f"{subject}: change on the {base.slash_label} baseline (%)",
         formula('=IFERROR(({0}-{1})/{1},"N/A")', Ref(key, first, 1), Ref(key, first + 1, 1),
                 value=pct, style="Change")),
    ]
    ctx.show(FigureKey("crime-ytd", subject, q.label), Ref(key, first, 1), now)
    ctx.show(FigureKey("crime-ytd", subject, Quarter(base, q.number).label),
             Ref(key, first + 1, 1), old)
    ctx.show(FigureKey("crime-change", subject, q.label, base.label), Ref(key, first + 2, 1),
             count)
    ctx.show(FigureKey("crime-change-pct", subject, q.label, base.label),
             Ref(key, first + 3, 1), pct)
    return rows


def describe(ctx: Context, data: CrimeData) -> Sheet:
    q = ctx.quarter
    figures: list[tuple[str, Cell]] = []
    key = "tblKeyFigures"
    for subject in SUBJECTS:
        base = len(figures)
        for label, quarter in ((q.label, q), (q.previous().label, q.previous()),
                               (q.same_quarter_last_year().label, q.same_quarter_last_year())):
            value = quarter_total(ctx, subject, quarter)
            if data.has(quarter.fy) and value is not None:
                first, last = quarter.month_indices[0], quarter.month_indices[-1]
                cell = formula("=SUM({0})", data.rect(subject, quarter.fy, first, last),
                               value=value, style="Count")
            else:
                cell = text("N/A", "Percent")
            figures.append((f"{subject}, {label}", cell))
        now, before, last_year = (quarter_total(ctx, subject, x) for x in
                                  (q, q.previous(), q.same_quarter_last_year()))
        figures.append((f"{subject}: change on {q.previous().label}",
                        formula('=IFERROR(({0}-{1})/{1},"N/A")', Ref(key, base, 1),
                                Ref(key, base + 1, 1), value=change_or_na(now, before),
                                style="Change")))
        figures.append((f"{subject}: change on {q.same_quarter_last_year().label}",
                        formula('=IFERROR(({0}-{1})/{1},"N/A")', Ref(key, base, 1),
                                Ref(key, base + 2, 1), value=change_or_na(now, last_year),
                                style="Change")))
        if now is not None:
            ctx.checks.add(f"Key Data: {subject} in {q.label}", "Key Data", Ref(key, base, 1),
                           now)
        figures += _baseline_figures(ctx, data, key, subject, len(figures))
    ranks = rank_block(ctx)
    if ranks is not None and ctx.ds.force in ranks.row_keys:
        row = ranks.row_of(ctx.ds.force)
        rank_value = ranks.rows[row][5].value
        figures.append((f"{ctx.ds.force}: national rank by 12-month change (1 = largest fall)",
                        formula("={0}", ranks.ref(row, 5), value=rank_value, style="Count")))
        figures.append((f"{ctx.ds.force}: 12-month change in all crime",
                        formula("={0}", ranks.ref(row, 4), value=ranks.rows[row][4].value,
                                style="Change")))
        ctx.show(FigureKey("force-rank", ctx.ds.force), Ref(key, len(figures) - 2, 1),
                 rank_value)
        ctx.show(FigureKey("force-12-month-change", ctx.ds.force), Ref(key, len(figures) - 1, 1),
                 ranks.rows[row][4].value)
    if ranks is not None:
        crimes = sum(_count(r[2].value) for r in ranks.rows)
        previous = sum(_count(r[3].value) for r in ranks.rows)
        last = len(ranks.rows) - 1
        figures.append((f"England and Wales ({len(ranks.rows)} forces): 12-month change",
                        formula('=IFERROR((SUM({0})-SUM({1}))/SUM({1}),"N/A")',
                                Ref(ranks.name, 0, 2, last, 2), Ref(ranks.name, 0, 3, last, 3),
                                value=change_or_na(crimes, previous), style="Change 1dp")))
        ctx.show(FigureKey("england-wales-change"), Ref(key, len(figures) - 1, 1),
                 change_or_na(crimes, previous))
    key_block = Block(key, key, ["Figure", "Value"], [[text(k), c] for k, c in figures],
                      f"Key figures, {q.label}", [k for k, _ in figures])

    trend_rows: list[list[Cell]] = []
    for fy in data.years:
        last = q.last_month_index if fy == q.fy else 11
        label = fy.label if last == 11 else f"{fy.label} (Apr-{FY_MONTHS[last]})"
        cells = [text(label)]
        for subject in SUBJECTS:
            months = crime_series(ctx.ds, subject, fy)
            value = None if months is None else months_sum(months, range(0, last + 1))
            ctx.show(FigureKey("crime-ytd", subject, Quarter(fy, last // 3 + 1).label),
                     Ref("tblTrend", len(trend_rows), len(cells)), value)
            cells.append(formula("=SUM({0})", data.rect(subject, fy, 0, last), value=value,
                                 style="Count"))
        trend_rows.append(cells)
    trend = Block("tblTrend", "tblTrend", ["Financial year", *SUBJECTS], trend_rows,
                  "Five-year trend", [fy.label for fy in data.years])
    n = len(trend_rows)
    charts = [
        Chart(chart, f"{subject} by financial year", Ref("tblTrend", 0, 0, n - 1, 0),
              (Series(subject, Ref("tblTrend", 0, i + 1, n - 1, i + 1)),), "Crimes")
        for i, (subject, chart) in enumerate(KEY_DATA)
    ]
    blocks = [key_block, trend]
    if ranks is not None:
        blocks.append(ranks)
    note = NamedCell("KeyDataNote", text(
        "Crime totals are formulas over the Data sheet. The national table ranks the forces of "
        "England and Wales by their change in all crime over the latest 12 months available "
        "(1 = the largest fall)."))
    return Sheet("Key Data", blocks, [note], charts)
