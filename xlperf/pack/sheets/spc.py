"""The SPC sheets (issue 18): an XmR chart per key monthly series, Making Data Count style.

*SPC* holds the two method constants (inputs, labelled), a summary table (variation and
assurance per series, coloured as Making Data Count colours them) and a native line chart
per series: the values with each point coloured by its type, the mean and the process limits
(stepping at the rebase points). *SPC Data* holds a table per series: each month's value
(a formula over the Data sheet for crime; copied from the input otherwise), its moving range,
and the mean, screened mean moving range and limits as formulas a reviewer can follow.

A series is charted over its latest unbroken run of months (an XmR chart needs consecutive
months) up to the quarter's end, from the input's rebase points; one the method cannot chart
says why in the summary.
"""

from __future__ import annotations

from typing import NamedTuple

from ...domain.narrative import spc_variation_words
from ...domain.spc import (
    LIMIT,
    OUTLIER_MR,
    SpcError,
    SpcOptions,
    SpcPoint,
    SpcResult,
    limits,
    spc,
)
from ...domain.spc_series import (
    Month,
    chart,
    chart_months,
    ds_rebase,
    latest_run,
    measure_series,
    series_specs,
)
from ...model import Measure
from ...periods import MONTH_NAMES, FinancialYear, fy_of
from ...schema import load_data
from ..cells import formula, text
from ..context import Context
from ..model import Block, Cell, Chart, NamedCell, Ref, Series, Sheet
from . import data as data_sheet

SHEET, DATA_SHEET = "SPC", "SPC Data"
SUMMARY, TEMPLATE, CHART_TEMPLATE = "tblSpcSummary", "tblSpcSeries", "tblSpcChart"
HEADER = ["Month", "Value", "Moving range", "Mean", "Mean moving range", "Lower limit",
          "Upper limit", "Point type", "Signal", "Concern", "Improvement", "Neutral"]
VALUE, MR, MEAN, AMR, LOWER, UPPER = 1, 2, 3, 4, 5, 6
#: The columns repeating the value of the points of one kind: the chart's coloured markers.
MARKED = {"special_cause_concern": 9, "special_cause_improvement": 10,
          "special_cause_neutral_high": 11, "special_cause_neutral_low": 11}
#: The columns of a series table a chart plots, in the order of its chart-data table on the
#: SPC sheet (a chart plots cells of its own sheet only: Excel copies a sheet with its charts
#: and keeps a chart's references into other sheets pointing at the workbook it came from).
PLOTTED = (0, VALUE, MEAN, LOWER, UPPER, 9, 10, 11)
CHART_HEADER = [HEADER[col] for col in PLOTTED]
CONTENTS = {
    SHEET: "XmR (SPC) charts of the key monthly series: signal or noise (Making Data Count)",
    DATA_SHEET: "The XmR charts' values, moving ranges, means and process limits",
}

#: Making Data Count colours (NHSRplotthedots ptd_spc_colours): grey, blue, orange, purple.
COLOURS = {"common_cause": "A6A6A6", "special_cause_improvement": "00B0F0",
           "special_cause_concern": "E46C0A", "special_cause_neutral_high": "490092",
           "special_cause_neutral_low": "490092"}
STYLES = {"common_cause": "SPC Common Cause", "special_cause_improvement": "SPC Improvement",
          "special_cause_concern": "SPC Concern", "special_cause_neutral_high": "SPC Neutral",
          "special_cause_neutral_low": "SPC Neutral"}
LABELS = {"common_cause": "Common cause: no signal",
          "special_cause_improvement": "Special cause: improvement",
          "special_cause_concern": "Special cause: concern",
          "special_cause_neutral_high": "Special cause: high (neutral)",
          "special_cause_neutral_low": "Special cause: low (neutral)"}


class Charted(NamedTuple):
    """A series' XmR chart for the SPC sheet, or why there is none."""

    name: str
    months: list[Month]
    result: SpcResult | None
    why: str = ""


def pack_series() -> list[str]:
    return [str(n) for n in load_data("spc")["pack"]]


def _chart_series(ctx: Context, name: str, years: list[FinancialYear]) -> Charted:
    months = chart_months(ctx.ds, name, ctx.quarter)
    if series_specs()[name].table == "crime":  # the months on the Data sheet
        months = [m for m in months if fy_of(*map(int, m[0].split("-")))[0] in years]
    months = latest_run(months)
    periods = [p for p, _ in months]
    rebase = tuple(p for p in ds_rebase(ctx.ds, name) if p in periods[1:])
    try:
        result = spc(months, SpcOptions(series_specs()[name].improvement, rebase))
    except SpcError as exc:
        return Charted(name, months, None, str(exc))
    return Charted(name, months, result)


def _block_name(index: int) -> str:
    return f"tblSpc{index:02d}"


def _segments(points: tuple[SpcPoint, ...], rebase: set[str]) -> list[tuple[int, int]]:
    starts = [0] + [i for i, p in enumerate(points) if i and p.period in rebase]
    return list(zip(starts, [*starts[1:], len(points)], strict=True))


def _value_cell(ctx: Context, name: str, period: str, value: float | None,
                crime: data_sheet.CrimeData) -> Cell:
    spec = series_specs()[name]
    if spec.table == "crime":
        year, month = map(int, period.split("-"))
        fy, index = fy_of(year, month)
        return formula("=SUM({0})", crime.rect(name, fy, index, index), value=value,
                       style="Count")
    return Cell(value, "Input Decimal" if spec.numerator else "Input Count")


def _marked(name: str, row: int, point: SpcPoint) -> list[Cell]:
    """Concern, Improvement, Neutral: the value again (=C7) in the point's own column."""
    cells = [Cell(None, "Decimal") for _ in range(3)]
    column = MARKED.get(point.point_type or "")
    if column is not None:
        cells[column - 9] = formula("={0}", Ref(name, row, VALUE), value=point.value,
                                    style="Decimal")
    return cells


def _series_block(ctx: Context, index: int, item: Charted, crime: data_sheet.CrimeData
                  ) -> Block:
    assert item.result is not None
    name = _block_name(index)
    points = item.result.points
    rebase = set(ds_rebase(ctx.ds, item.name))
    rows: list[list[Cell]] = []
    for start, stop in _segments(points, rebase):
        values = Ref(name, start, VALUE, stop - 1, VALUE, fixed_row=True)
        ranges = Ref(name, start + 1, MR, stop - 1, MR, fixed_row=True)
        amr = limits([p.value or 0.0 for p in points[start:stop]]).amr
        for r in range(start, stop):
            p = points[r]
            moving = None if r == start else abs((p.value or 0) - (points[r - 1].value or 0))
            rows.append([
                text(p.period, "Label"),
                _value_cell(ctx, item.name, p.period, p.value, crime),
                Cell(None, "Decimal") if r == start else formula(
                    "=ABS({0}-{1})", Ref(name, r, VALUE), Ref(name, r - 1, VALUE),
                    value=moving, style="Decimal"),
                formula("=AVERAGE({0})", values, value=p.mean, style="Decimal"),
                formula('=AVERAGEIF({0},"<"&SpcOutlierFactor*AVERAGE({0}))', ranges,
                        value=amr, style="Decimal"),
                formula("={0}-SpcLimitFactor*{1}", Ref(name, r, MEAN), Ref(name, r, AMR),
                        value=p.lpl, style="Decimal"),
                formula("={0}+SpcLimitFactor*{1}", Ref(name, r, MEAN), Ref(name, r, AMR),
                        value=p.upl, style="Decimal"),
                text(LABELS[p.point_type or "common_cause"],
                     STYLES[p.point_type or "common_cause"]),
                text(p.special_cause or None, "Text"),
                *_marked(name, r, p),
            ])
    first, last = points[0].period, points[-1].period
    moves = sorted(rebase & {p.period for p in points[1:]})
    rebased = f"; new limits from {', '.join(moves)}" if moves else ""
    return Block(name, TEMPLATE, HEADER, rows,
                 f"{item.name}, {first} to {last}{rebased}", [p.period for p in points])


def _chart_block(index: int, series: Block) -> Block:
    """The cells chart ``index`` plots, on the SPC sheet itself: each a formula over its
    series table on SPC Data (a blank marker cell stays blank: a formula would plot 0)."""
    name = f"tblSpcChart{index:02d}"
    rows = []
    for r, row in enumerate(series.rows):
        cells = []
        for col in PLOTTED:
            source = row[col]
            style = "Label" if col == 0 else (
                "Count" if source.style in ("Count", "Input Count") else "Decimal")
            if source.value is None and source.formula is None:
                cells.append(Cell(None, style))
            else:
                cells.append(formula("={0}", Ref(series.name, r, col), value=source.value,
                                     style=style))
        rows.append(cells)
    title = (series.title or "").split(",")[0]
    return Block(name, CHART_TEMPLATE, CHART_HEADER, rows,
                 f"Chart {index}, {title}: the cells it plots, from the SPC Data sheet",
                 list(series.row_keys))


def _chart(index: int, item: Charted, block: Block) -> Chart:
    """The XmR chart of ``item``, plotting its chart-data table ``block`` (on the SPC
    sheet, like the chart)."""
    assert item.result is not None
    n = len(block.rows) - 1
    name = block.name
    variation = LABELS[item.result.variation or "common_cause"].lower()
    kinds = {MARKED[p.point_type] for p in item.result.points if p.point_type in MARKED}

    def column(col: int) -> Ref:
        at = PLOTTED.index(col)
        return Ref(name, 0, at, n, at)

    marked = [Series(HEADER[col], column(col), colour=COLOURS[kind], marker=True, line=False)
              for kind, col in (("special_cause_concern", 9), ("special_cause_improvement", 10),
                                ("special_cause_neutral_high", 11)) if col in kinds]
    return Chart(
        f"chtSpc{index:02d}", f"{item.name}: XmR chart ({variation})", column(0),
        (Series("Value", column(VALUE), colour=COLOURS["common_cause"], marker=True),
         Series("Mean", column(MEAN), colour="000000"),
         Series("Lower limit", column(LOWER), colour="7F7F7F", dashed=True),
         Series("Upper limit", column(UPPER), colour="7F7F7F", dashed=True),
         *marked),
        "Value")


def charted_series(ctx: Context) -> list[Charted]:
    """The XmR chart of each series the SPC sheet charts (computed once per pack: the
    sheet and the Report's prose both use them)."""
    cached = ctx.cache.get("spc charted")
    if cached is None:
        years = data_sheet.crime_years(ctx)
        cached = ctx.cache["spc charted"] = [_chart_series(ctx, name, years)
                                             for name in pack_series()]
    return cached  # type: ignore[return-value]


def series_words(ctx: Context) -> list[tuple[str, str]]:
    """For the Report's prose: (series, its latest variation in words) for each series the
    SPC sheet charts, from the same XmR computation as the sheet's charts and summary."""
    out = []
    for item in charted_series(ctx):
        name = item.name
        last = item.result.last_point() if item.result else None
        if item.result is None or last is None:
            out.append((name, spc_variation_words(None, None, "", item.why)))
            continue
        year, month = map(int, last.period.split("-"))
        out.append((name, spc_variation_words(
            item.result.variation or "common_cause", last.special_cause,
            f"{MONTH_NAMES[month - 1]} {year}")))
    return out


def _summary_row(item: Charted) -> list[Cell]:
    if item.result is None:
        return [text(item.name, "Label Bold"), text("No chart", "Grade None"),
                text("N/A", "Label"), text(None, "Label"), text(f"No XmR chart: {item.why}")]
    result = item.result
    last = result.last_point()
    recent = [p for p in result.points[-3:] if p.special_cause]
    signals = "; ".join(f"{p.period} {p.special_cause}" for p in recent) or (
        "within the normal range of variation")
    warnings = " ".join(f"Note: {w}." for w in result.warnings)
    return [text(item.name, "Label Bold"),
            text(LABELS[result.variation or "common_cause"],
                 STYLES[result.variation or "common_cause"]),
            text("N/A (no target)", "Label"), text(last.period if last else None, "Label"),
            text(f"{signals}. {warnings}".strip())]


def _measure_charts(ctx: Context) -> list[tuple[Measure, str, SpcResult | None, str]]:
    """Each measure with a monthly series: its series and XmR chart (improvement direction
    from its rule's polarity), or why there is none (computed once per pack)."""
    cached = ctx.cache.get("spc measure charts")
    if cached is None:
        cached = ctx.cache["spc measure charts"] = _measure_charts_of(ctx)
    return cached  # type: ignore[return-value]


def _measure_charts_of(ctx: Context) -> list[tuple[Measure, str, SpcResult | None, str]]:
    out: list[tuple[Measure, str, SpcResult | None, str]] = []
    for measure in ctx.ds.measures:
        series = measure_series(measure)
        if series is None:
            continue
        rule = ctx.ds.rules[measure.rule]
        try:
            result = chart(ctx.ds, series, ctx.quarter,
                           "increase" if rule.higher_is_better else "decrease")
        except SpcError as exc:
            out.append((measure, series, None, str(exc)))
            continue
        out.append((measure, series, result, ""))
    return out


def measures_block(ctx: Context) -> Block:
    """For the Measures sheet: the XmR variation of each measure with a monthly series."""
    rows = []
    for measure, series, result, why in _measure_charts(ctx):
        variation = result.variation if result else None
        rows.append([text(measure.label, "Label"), text(series, "Label"),
                     text(LABELS[variation] if variation else f"No XmR chart: {why}",
                          STYLES[variation] if variation else "Grade None")])
    if not rows:
        rows = [[text("No measure has a monthly series", "Label"), text(None, "Label"),
                 text(None, "Grade None")]]
    return Block("tblMeasureSpc", "tblMeasureSpc", ["Measure", "Monthly series",
                                                    "Variation (XmR, latest month)"], rows,
                 f"Signal or noise: measures with a monthly series, to "
                 f"{ctx.quarter.end_month_label} (charts on the SPC sheet)")


def _short(measure: Measure) -> str:
    """``Measure 2``: the start of the measure's label on the Measures sheet."""
    return f"Measure {measure.number}"


def summary_block(ctx: Context) -> Block:
    """For the Summary sheet: per priority, its measures showing a special cause."""
    charts = _measure_charts(ctx)
    rows = []
    for priority, _heading in ctx.ds.priorities:
        mine = [(m, r) for m, _s, r, _w in charts if m.priority == priority]
        if not mine:
            continue
        # the measures as the Measures table numbers them within their priority ("Measure
        # 2"; the Measures sheet's SPC table gives each one's words): no ids on committee
        # pages, and the Summary stays one page
        concern = [_short(m) for m, r in mine if r and r.variation == "special_cause_concern"]
        better = [_short(m) for m, r in mine
                  if r and r.variation == "special_cause_improvement"]
        rows.append([text(priority, "Label Bold"), text("; ".join(_short(m) for m, _ in mine)),
                     text("; ".join(concern) or "none", "SPC Concern" if concern else "Label"),
                     text("; ".join(better) or "none",
                          "SPC Improvement" if better else "Label")])
    if not rows:
        rows = [[text("None", "Label Bold"), text("No measure has a monthly series"),
                 text(None, "Label"), text(None, "Label")]]
    return Block("tblSummarySpc", "tblSummarySpc",
                 ["Priority", "Measures with a monthly series", "Special cause: concern",
                  "Special cause: improvement"], rows,
                 f"Signal or noise (XmR, latest month {ctx.quarter.end_month_label}): see the "
                 "SPC sheet")


def describe(ctx: Context) -> tuple[list[Sheet], dict[str, str]]:
    """The SPC and SPC Data sheets of the pack, and their contents lines."""
    _data, crime = data_sheet.describe(ctx)
    charted = charted_series(ctx)
    blocks: list[Block] = []
    plotted: list[Block] = []
    charts: list[Chart] = []
    for index, item in enumerate(charted, start=1):
        if item.result is None:
            continue
        block = _series_block(ctx, index, item, crime)
        blocks.append(block)
        plotted.append(_chart_block(index, block))
        charts.append(_chart(index, item, plotted[-1]))
    summary = Block(SUMMARY, SUMMARY, ["Series", "Variation", "Assurance", "Latest month",
                                       "Signals in the latest 3 months"],
                    [_summary_row(item) for item in charted],
                    f"Signal or noise: XmR charts to {ctx.quarter.end_month_label}",
                    [item.name for item in charted])
    named = [
        NamedCell("SpcNote", text(
            "XmR (process-behaviour) charts as NHS Making Data Count draws them: a point "
            "outside the limits, 7 points rising or falling, 2 of 3 points near a limit on "
            "one side, or 7 points on one side of the mean is a special cause (orange: "
            "concern, blue: improvement, grey: common cause). The mean and limits are "
            "formulas on the SPC Data sheet: the limits are the mean plus or minus the limit "
            "factor (2.66, 3 sigma) x the mean moving range; moving ranges of the outlier "
            "factor x their mean or more are screened out of the limits. Each chart plots "
            "its chart data below the charts (on screen; not printed), read from SPC Data.")),
        NamedCell("SpcLimitFactor", Cell(LIMIT, "Input Number")),
        NamedCell("SpcOutlierFactor", Cell(OUTLIER_MR, "Input Number")),
        NamedCell("SpcDataNote", text(
            "Crime values are formulas over the Data sheet; ASB, neighbourhood crime and "
            "Servator values are copied from the input (the Servator rate is positive "
            "stop-searches / stop-searches x 100 in the month). Each title gives the months "
            "charted and the rebase points (SPC rebase sheet of the input).")),
    ]
    sheets = [Sheet(SHEET, [summary, *plotted], named[:3], charts),
              Sheet(DATA_SHEET, blocks, named[3:])]
    return sheets, dict(CONTENTS)
