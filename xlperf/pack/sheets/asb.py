"""Anti-social behaviour incidents by calendar month (seed 001 section 4.7), with the
quarter's monthly average, the 12-month average and the change on the same months of last
year and of the baseline year. All averages and changes are formulas over the month cells.
"""

from __future__ import annotations

from ...domain.figures import FigureKey, asb_quarter_total, asb_wards, ward_rank, ward_sectors
from ...model import Dataset
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
        ctx.show(FigureKey("asb-quarter-change", "", q.label,
                           q.previous(4 * (end_year - year)).label),
                 Ref(SUMMARY, len(summary) - 1, 1), change_or_na(total_new, total_old))
    peak = asb_peak_12_months(ds, end_year, end_month)
    if peak is not None and end_year - 1 in years:
        summary.append((f"Peak month, 12 months to {q.end_month_label}: {peak[0]}",
                        formula("=MAX({0},{1})",
                                Ref(NAME, years.index(end_year - 1), end_month + 1, None, 12),
                                Ref(NAME, cur_row, 1, None, end_month), value=peak[1],
                                style="Count")))
    summary_block = Block(SUMMARY, SUMMARY, ["ASB incidents", "Value"],
                          [[text(k), c] for k, c in summary], "ASB: averages and changes",
                          [k for k, _ in summary])
    ctx.checks.add(f"ASB: {end_year} total to {q.end_month_label}", "ASB",
                   Ref(NAME, cur_row, TOTAL_COL),
                   sum(v for v in _upto(ds.asb[end_year].values, end_month) if v is not None))
    note = NamedCell("ASBNote", text(
        f"Incidents by calendar month to {q.end_month_label}. Averages are per month; changes "
        f"compare the total of {label} with the same months of last year and of {baseline}."))
    quarters = _quarters_block(ctx, years)
    return Sheet("ASB", [block, summary_block, *quarters, *_wards_block(ctx),
                         *_survey_block(ctx)], [note])


def _survey_block(ctx: Context) -> list[Block]:
    """ASB in the community survey (seed 001 line 442): the top-priority share, the
    next-two share, their mean (the overall share, from the unrounded shares), last year's
    overall share and the change in points."""
    spec = load_data("figures")["asb_survey"]
    fy = ctx.fy
    answers = {q: [a for a in ctx.ds.survey_answers if a.question_id == q and a.fy == f]
               for q, f in ((spec["top"], fy), (spec["next_two"], fy),
                            (spec["overall"], fy.shift(-1)))}
    if not all(answers.values()):
        return []
    name = "tblASBSurvey"
    rows: list[list[Cell]] = []
    shares: list[float | None] = []
    labels = {spec["top"]: f"ASB the top priority, {fy.slash_label} survey",
              spec["next_two"]: f"ASB within the next two priorities, {fy.slash_label} survey",
              spec["overall"]: f"ASB a priority overall, {fy.shift(-1).slash_label} survey"}
    for qid in (spec["top"], spec["next_two"], spec["overall"]):
        found = answers[qid]
        positive = sum(a.respondents for a in found if a.positive)
        every = sum(a.respondents for a in found)
        r = len(rows)
        share = positive / every if every else None
        shares.append(share)
        rows.append([text(labels[qid]), Cell(positive, "Input Count"), Cell(every, "Input Count"),
                     formula('=IFERROR({0}/{1},"N/A")', Ref(name, r, 1), Ref(name, r, 2),
                             value=share, style="Percent 1dp")])
    top, two, last = shares
    mean = None if top is None or two is None else (top + two) / 2
    rows.append([text(f"ASB a priority overall, {fy.slash_label}: mean of the two shares"),
                  text(""), text(""),
                  formula("=AVERAGE({0},{1})", Ref(name, 0, 3), Ref(name, 1, 3), value=mean,
                          style="Percent 1dp")])
    change = None if mean is None or last is None else mean - last
    rows.append([text(f"Change on {fy.shift(-1).slash_label} (points)"), text(""), text(""),
                 formula("={0}-{1}", Ref(name, 3, 3), Ref(name, 2, 3), value=change,
                         style="Change")])
    ctx.show(FigureKey("survey-percent", spec["top"], fy.label), Ref(name, 0, 3), top)
    ctx.show(FigureKey("survey-percent", spec["next_two"], fy.label), Ref(name, 1, 3), two)
    ctx.show(FigureKey("survey-percent", spec["overall"], fy.shift(-1).label), Ref(name, 2, 3),
             last)
    ctx.show(FigureKey("survey-mean", f"{spec['top']},{spec['next_two']}", fy.label),
             Ref(name, 3, 3), mean)
    ctx.show(FigureKey("survey-change-points", spec["overall"], fy.label, fy.shift(-1).label),
             Ref(name, 4, 3), change)
    return [Block(name, name, ["ASB in the community survey", "Answers naming ASB",
                               "All answers", "Share"], rows,
                  "ASB in the community survey: shares, overall (mean of the unrounded "
                  "shares) and change in points")]


def _wards_block(ctx: Context) -> list[Block]:
    """ASB incidents by ward in the quarter, ranked, with each sector's total (wards and
    sectors: data/wards.yaml, seed 002 lines 57-61)."""
    q = ctx.quarter
    wards = asb_wards(ctx.ds, q)
    if not wards:
        return []
    name = "tblASBWards"
    sectors = load_data("wards")["sectors"]
    last = len(wards) - 1
    rows: list[list[Cell]] = []
    for r, (ward, count, _cell) in enumerate(wards):
        rank = ward_rank(ctx.ds, ward, q)
        rows.append([text(ward_sectors()[ward]), text(ward), Cell(count, "Input Count"),
                     formula("=RANK({0},{1})", Ref(name, r, 2),
                             Ref(name, 0, 2, last, 2, fixed_row=True), value=rank,
                             style="Count")])
        ctx.show(FigureKey("asb-ward", ward, q.label), Ref(name, r, 2), count)
        ctx.show(FigureKey("asb-ward-rank", ward, q.label), Ref(name, r, 3), rank)
    for sector in sectors:
        label = sector["sector"]
        total = sum(n for w, n, _c in wards if ward_sectors()[w] == label)
        r = len(rows)
        known = sum(1 for w, _n, _c in wards if ward_sectors()[w] == label)
        rows.append([text(label, "Label Bold"),
                     text(f"Sector total ({known} of its {len(sector['wards'])} wards counted)",
                          "Label Bold"),
                     formula("=SUMIF({0},{1},{2})", Ref(name, 0, 0, last, 0, fixed_row=True),
                             Ref(name, r, 0), Ref(name, 0, 2, last, 2, fixed_row=True),
                             value=total, style="Count Bold"),
                     text("", "Count")])
        if known:
            ctx.show(FigureKey("asb-sector", label, q.label), Ref(name, r, 2), total)
    return [Block(name, name, ["Sector", "Ward", "Incidents", "Rank"], rows,
                  f"ASB incidents by ward, {q.label} (rank 1 = most incidents)")]


def _quarters_block(ctx: Context, years: list[int]) -> list[Block]:
    """The reporting quarter's incidents against the previous quarter and the same quarter
    of the three years before (issue 16, family 3)."""
    q = ctx.quarter
    name = "tblASBQuarters"
    periods = [q, q.previous(), *[q.previous(4 * k) for k in (1, 2, 3)]]
    rows: list[list[Cell]] = []
    keys: list[str] = []
    for period in periods:
        total, _cells = asb_quarter_total(ctx.ds, period)
        first_index, last_index = period.month_indices[0], period.month_indices[-1]
        year, first_month = period.fy.month_year(first_index)
        _year, last_month = period.fy.month_year(last_index)
        if total is None or year not in years:
            continue
        r = len(rows)
        months = f"{CALENDAR_MONTHS[first_month - 1]}-{CALENDAR_MONTHS[last_month - 1]} {year}"
        count = formula("=SUM({0})", Ref(NAME, years.index(year), first_month, None, last_month),
                        value=total, style="Count")
        ctx.show(FigureKey("asb-quarter", "", period.label), Ref(name, r, 2), total)
        if r == 0:
            change: Cell = text("", "Change")
            now = total
        else:
            change = formula('=IFERROR(({0}-{1})/{1},"N/A")', Ref(name, 0, 2), Ref(name, r, 2),
                             value=change_or_na(now, total), style="Change")
            ctx.show(FigureKey("asb-quarter-change", "", q.label, period.label),
                     Ref(name, r, 3), change_or_na(now, total))
        rows.append([text(period.label), text(months), count, change])
        keys.append(period.label)
    if not rows:
        return []
    return [Block(name, name, ["Quarter", "Months", "Incidents", f"{q.label} change on it"],
                  rows, f"ASB incidents by quarter: {q.label} against the previous quarter and "
                  "the same quarter of the three years before", keys)]


def asb_peak_12_months(ds: Dataset, end_year: int, end_month: int) -> tuple[str, int] | None:
    """The month with most incidents in the 12 months to ``end_month`` of ``end_year``
    (the first such month on a tie)."""
    best: tuple[str, int] | None = None
    for offset in range(11, -1, -1):
        month = end_month - offset
        year = end_year if month > 0 else end_year - 1
        month = month if month > 0 else month + 12
        series = ds.asb.get(year)
        value = None if series is None else series.values[month - 1]
        if value is not None and (best is None or value > best[1]):
            best = (f"{CALENDAR_MONTHS[month - 1]} {year}", value)
    return best


def _upto(values: tuple[int | None, ...] | list[int | None], end_month: int) -> list[int | None]:
    """The months up to ``end_month``; later months are not reported yet."""
    return [v if i < end_month else None for i, v in enumerate(values)]
