"""Key data: the quarter's crime totals and changes, the five-year trend (with native
charts) and the force's national rank by rolling 12-month change in all crime.
"""

from __future__ import annotations

import datetime as dt

from ...domain.figures import FigureKey
from ...domain.values import crime_series, months_sum
from ...model import ForceCrime
from ...periods import FY_MONTHS, MONTH_NAMES, FinancialYear, Quarter
from ...schema import load_data
from ..cells import change_or_na, formula, text
from ..context import Context
from ..model import Block, Cell, Chart, NamedCell, Ref, Series, Sheet
from .data import CrimeData

#: The trend's subjects and their charts (data/categories.yaml ``key_data``).
KEY_DATA: tuple[tuple[str, str], ...] = tuple(
    (str(k["name"]), str(k["chart"])) for k in load_data("categories")["key_data"])
SUBJECTS = tuple(name for name, _chart in KEY_DATA)
MONTHLY_BLOCKS = tuple("tblMonthly" + "".join(c for c in name if c.isalnum())
                       for name in SUBJECTS)
MPS = "tblMPSComparison"


def monthly_block(ctx: Context, data: CrimeData, subject: str, name: str) -> Block:
    """``subject`` by month (rows Apr..Mar) for each financial year shown (columns): the
    data of the five-line chart. Months after the reporting quarter are left blank."""
    q = ctx.quarter
    rows: list[list[Cell]] = []
    by_year = {fy: crime_series(ctx.ds, subject, fy) for fy in data.years}
    for m, month in enumerate(FY_MONTHS):
        cells = [text(month)]
        for fy in data.years:
            months = by_year[fy]
            if fy > q.fy or (fy == q.fy and m > q.last_month_index) or months is None:
                cells.append(Cell(None, "Count"))
                continue
            cells.append(formula("=SUM({0})", data.rect(subject, fy, m, m),
                                 value=months_sum(months, range(m, m + 1)), style="Count"))
        rows.append(cells)
    return Block(name, "tblMonthlyTrend", ["Month", *[fy.label for fy in data.years]], rows,
                 f"{subject} by month", list(FY_MONTHS))


def mps_block(ctx: Context, ranks: Block) -> Block | None:
    """The force, the Metropolitan Police and England and Wales: 12-month change."""
    met = str(load_data("national")["metropolitan_force"])
    if met not in ranks.row_keys or ctx.ds.force not in ranks.row_keys:
        return None
    n = len(ranks.rows)
    crimes = sum(f.crimes for f in latest_national(ctx))
    previous = sum(f.previous for f in latest_national(ctx))
    rows = [[text(name), formula("={0}", ranks.ref(ranks.row_of(name), 4),
                                 value=ranks.rows[ranks.row_of(name)][4].value, style="Change")]
            for name in (ctx.ds.force, met)]
    rows.append([text("England and Wales"),
                 formula('=IFERROR((SUM({0})-SUM({1}))/SUM({1}),"N/A")',
                         Ref(ranks.name, 0, 2, n - 1, 2), Ref(ranks.name, 0, 3, n - 1, 3),
                         value=change_or_na(crimes, previous), style="Change")])
    return Block(MPS, MPS, ["Area", "12-month change"], rows,
                 "MPS comparison: change in all crime over the latest 12 months",
                 [ctx.ds.force, met, "England and Wales"])


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
               template: str = "tblNationalRank", chart: bool = False) -> Block | None:
    """The forces' 12-month change and rank. ``chart``: largest fall first, with two more
    columns for the chart: the force's own change (so it is marked) and England and Wales'."""
    forces = latest_national(ctx)
    if not forces:
        return None
    n = len(forces)
    if chart:
        forces = sorted(forces, key=lambda f: (not f.previous,
                                               (f.crimes - f.previous) / f.previous
                                               if f.previous else 0, f.force))
    changes = [(f.crimes - f.previous) / f.previous if f.previous else None for f in forces]
    total = change_or_na(sum(f.crimes for f in forces), sum(f.previous for f in forces))
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
        if chart:
            mine = force.force == ctx.ds.force
            rows[-1] += [
                formula("={0}", Ref(name, r, 4), value=changes[r] if changes[r] is not None
                        else "N/A", style="Change") if mine else Cell(None, "Change"),
                formula('=IFERROR((SUM({0})-SUM({1}))/SUM({1}),"N/A")',
                        Ref(name, 0, 2, n - 1, 2, fixed_row=True),
                        Ref(name, 0, 3, n - 1, 3, fixed_row=True), value=total,
                        style="Change")]
    period = forces[0].period_end
    extra = [ctx.ds.force, "England and Wales"] if chart else []
    return Block(name, template, ["Force", "12 months to", "Crimes", "Previous 12 months",
                                  "Change", "Rank", *extra], rows,
                 f"All crime, 12 months to {period:%B %Y} v the previous 12 months "
                 f"(rank 1 = largest fall, of {n} forces)", [f.force for f in forces])


def crime_baseline_fy() -> FinancialYear:
    """The financial year Key Data compares the year's crime with (data/figures.yaml)."""
    return FinancialYear.parse(str(load_data("figures")["crime_baseline_fy"]))


def year_total(ctx: Context, subject: str, fy: FinancialYear) -> int | None:
    """Crimes from April to the reporting quarter's last month of ``fy``."""
    months = crime_series(ctx.ds, subject, fy)
    return None if months is None else months_sum(months, range(ctx.quarter.last_month_index + 1))


def _year_label(ctx: Context, fy: FinancialYear) -> str:
    q = ctx.quarter
    if q.last_month_index == 11:
        return fy.label
    return f"{fy.label}, April to {MONTH_NAMES[(q.last_month_index + 3) % 12]}"


def key_figures(ctx: Context, data: CrimeData) -> tuple[list[tuple[str, Cell]], list[str]]:
    """The rows of tblKeyFigures and their keys (``All Crime|quarter``...), which the
    report's paragraphs quote (:mod:`xlperf.pack.sheets.report`)."""
    q = ctx.quarter
    figures: list[tuple[str, Cell]] = []
    keys: list[str] = []
    key = "tblKeyFigures"

    def add(row_key: str, label: str, cell: Cell) -> int:
        figures.append((label, cell))
        keys.append(row_key)
        return len(figures) - 1

    def change_rows(subject: str, what: str, label: str, now_row: int, then_row: int,
                    now: int | None, then: int | None) -> tuple[int, int]:
        first = len(figures)
        add(f"{subject}|{what} n", f"{subject}: change on {label} (number)",
            formula('=IF(AND(ISNUMBER({0}),ISNUMBER({1})),{0}-{1},"N/A")', Ref(key, now_row, 1),
                    Ref(key, then_row, 1),
                    value="N/A" if now is None or then is None else now - then, style="Count"))
        add(f"{subject}|{what}", f"{subject}: change on {label}",
            formula('=IFERROR(({0}-{1})/{1},"N/A")', Ref(key, now_row, 1), Ref(key, then_row, 1),
                    value=change_or_na(now, then), style="Change"))
        return first, first + 1

    def total(row_key: str, label: str, subject: str, fy: FinancialYear, first: int,
              last: int, value: int | None) -> int:
        if data.has(fy) and value is not None:
            cell = formula("=SUM({0})", data.rect(subject, fy, first, last), value=value,
                           style="Count")
        else:
            cell = text("N/A", "Percent")
        return add(row_key, label, cell)

    baseline = crime_baseline_fy()
    for subject in SUBJECTS:
        rows: dict[str, int] = {}
        values: dict[str, int | None] = {}
        for what, quarter in (("quarter", q), ("quarter before", q.previous()),
                              ("same quarter last year", q.same_quarter_last_year())):
            values[what] = quarter_total(ctx, subject, quarter)
            rows[what] = total(f"{subject}|{what}", f"{subject}, {quarter.label}", subject,
                               quarter.fy, quarter.month_indices[0], quarter.month_indices[-1],
                               values[what])
            if values[what] is not None:
                ctx.show(FigureKey("crime-quarter", subject, quarter.label),
                         Ref(key, rows[what], 1), values[what])
        for what, other in (("quarter before", q.previous()),
                            ("same quarter last year", q.same_quarter_last_year())):
            label = "change on previous quarter" if what == "quarter before" else (
                "change on same quarter last year")
            _n, pct = change_rows(subject, label, other.label, rows["quarter"], rows[what],
                                  values["quarter"], values[what])
            ctx.show(FigureKey("crime-quarter-change", subject, q.label, other.label),
                     Ref(key, pct, 1), figures[pct][1].value)
        years = (("year", q.fy), ("last year", q.fy.shift(-1)), ("baseline year", baseline))
        for what, fy in years:
            values[what] = year_total(ctx, subject, fy)
            rows[what] = total(f"{subject}|{what}", f"{subject}, {_year_label(ctx, fy)}",
                               subject, fy, 0, q.last_month_index, values[what])
        change_rows(subject, "change on last year", _year_label(ctx, q.fy.shift(-1)),
                    rows["year"], rows["last year"], values["year"], values["last year"])
        n_row, pct_row = change_rows(
            subject, "change on baseline year", f"{_year_label(ctx, baseline)} (baseline)",
            rows["year"], rows["baseline year"], values["year"], values["baseline year"])
        if data.has(baseline) and data.has(q.fy):
            ctx.show(FigureKey("crime-ytd", subject, q.label), Ref(key, rows["year"], 1),
                     values["year"])
            ctx.show(FigureKey("crime-ytd", subject, Quarter(baseline, q.number).label),
                     Ref(key, rows["baseline year"], 1), values["baseline year"])
            ctx.show(FigureKey("crime-change", subject, q.label, baseline.label),
                     Ref(key, n_row, 1), figures[n_row][1].value)
            ctx.show(FigureKey("crime-change-pct", subject, q.label, baseline.label),
                     Ref(key, pct_row, 1), figures[pct_row][1].value)
        now = values["quarter"]
        if now is not None:
            ctx.checks.add(f"Key Data: {subject} in {q.label}", "Key Data",
                           Ref(key, rows["quarter"], 1), now)
    return figures, keys


NATIONAL_SHEET = "National Comparison"


def describe(ctx: Context, data: CrimeData) -> list[Sheet]:
    q = ctx.quarter
    key = "tblKeyFigures"
    figures, keys = key_figures(ctx, data)
    ranks = rank_block(ctx, chart=True)
    if ranks is not None and ctx.ds.force in ranks.row_keys:
        row = ranks.row_of(ctx.ds.force)
        rank_value = ranks.rows[row][5].value
        keys.append("rank")
        figures.append((f"{ctx.ds.force}: national rank by 12-month change (1 = largest fall)",
                        formula("={0}", ranks.ref(row, 5), value=rank_value, style="Count")))
        ctx.show(FigureKey("force-rank", ctx.ds.force), Ref(key, len(figures) - 1, 1),
                 rank_value)
        keys.append("force 12-month change")
        figures.append((f"{ctx.ds.force}: 12-month change in all crime",
                        formula("={0}", ranks.ref(row, 4), value=ranks.rows[row][4].value,
                                style="Change")))
        ctx.show(FigureKey("force-12-month-change", ctx.ds.force),
                 Ref(key, len(figures) - 1, 1), ranks.rows[row][4].value)
    if ranks is not None:
        crimes = sum(f.crimes for f in latest_national(ctx))
        previous = sum(f.previous for f in latest_national(ctx))
        last = len(ranks.rows) - 1
        keys.append("England and Wales 12-month change")
        figures.append((f"England and Wales ({len(ranks.rows)} forces): 12-month change",
                        formula('=IFERROR((SUM({0})-SUM({1}))/SUM({1}),"N/A")',
                                Ref(ranks.name, 0, 2, last, 2), Ref(ranks.name, 0, 3, last, 3),
                                value=change_or_na(crimes, previous), style="Change 1dp")))
        ctx.show(FigureKey("england-wales-change"), Ref(key, len(figures) - 1, 1),
                 change_or_na(crimes, previous))
    key_block = Block(key, key, ["Figure", "Value"], [[text(k), c] for k, c in figures],
                      f"Key figures, {q.label}", keys)

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
    monthly = [monthly_block(ctx, data, subject, name)
               for subject, name in zip(SUBJECTS, MONTHLY_BLOCKS, strict=True)]
    charts = [
        Chart(anchor, f"{subject} by month",
              Ref(block.name, 0, 0, 11, 0),
              tuple(Series(fy.label, Ref(block.name, 0, c, 11, c))
                    for c, fy in enumerate(data.years, start=1)), "Crimes", width=12.5, height=7)
        for (subject, anchor), block in zip(KEY_DATA, monthly, strict=True)
    ]
    blocks = [key_block, *monthly, trend]
    national: Sheet | None = None
    if ranks is not None:
        mps = mps_block(ctx, ranks)
        if mps is not None:
            charts.append(Chart(
                "chtMPS", "All crime: 12-month change",
                Ref(mps.name, 0, 0, len(mps.rows) - 1, 0),
                (Series("Change", Ref(mps.name, 0, 1, len(mps.rows) - 1, 1)),), "Change",
                kind="bar", width=12.5, height=7))
            blocks.append(mps)
        n = len(ranks.rows)
        national = Sheet(NATIONAL_SHEET, [ranks], [NamedCell("NationalNote", text(
            "Forces of England and Wales, largest fall in all crime first, over the latest 12 "
            "months available against the 12 months before. The chart marks the force and "
            "the England and Wales change (all forces' crimes together)."))], [Chart(
                "chtNational", f"All crime: 12-month change to {ranks.rows[0][1].value:%B %Y}",
                Ref(ranks.name, 0, 0, n - 1, 0),
                (Series("Force", Ref(ranks.name, 0, 4, n - 1, 4)),
                 Series(ctx.ds.force, Ref(ranks.name, 0, 6, n - 1, 6)),
                 Series("England and Wales", Ref(ranks.name, 0, 7, n - 1, 7), kind="line")),
                "Change", kind="bar", width=25.5, height=10)])
    note = NamedCell("KeyDataNote", text(
        "The charts show each month of the last five financial years; the tables below them "
        "give the figures, all formulas over the Data sheet. The forces of England and Wales "
        "are compared on the National Comparison sheet."))
    key_data = Sheet("Key Data", blocks, [note], charts)
    return [key_data] if national is None else [key_data, national]
