"""Result History sheet (issue 16, seed 003): a measure's results by quarter over several
years with the trend of the last two quarters, and two quarters compared across areas.

Percentages are formulas over the input counts (positive / all answers); a series kept as
percentages only shows them as inputs. Trends are values (the rule is on the sheet): the
change between the two percentages rounded as printed, flat ("0% ▶") when they are equal.
"""

from __future__ import annotations

from ...domain import history as h
from ...domain.figures import FigureKey
from ..cells import formula, text
from ..context import Context
from ..model import Block, Cell, NamedCell, Ref, Sheet

SHEET = "Result History"
SERIES = "tblHistory"
COMPARE = "tblHistoryCompare"
CONTENTS = "A measure's results by quarter over several years with the trend, and two " \
    "quarters compared across areas"


def _series_block(ctx: Context, index: int, series_id: str) -> Block | None:
    points = h.series(ctx.ds, series_id)
    if not points:
        return None
    name = f"{SERIES}{index}"
    rows: list[list[Cell]] = []
    for r, p in enumerate(points):
        value = None if p.value is None else p.value / 100
        if p.total:
            pct: Cell = formula('=IFERROR({0}/{1},"N/A")', Ref(name, r, 1), Ref(name, r, 2),
                                value=value, style="Percent")
        else:
            pct = Cell(value, "Input Percent")
        rows.append([text(p.quarter.label), Cell(p.positive, "Input Count"),
                     Cell(p.total, "Input Count"), pct])
        ctx.show(FigureKey("history-percent", series_id, p.quarter.label), Ref(name, r, 3),
                 value)
    trend = h.last_trend(ctx.ds, series_id)
    rows.append([text("Trend (last two quarters)", "Label Bold"), text(""), text(""),
                 text(trend.text, "Arrow Flat")])
    return Block(name, SERIES, ["Quarter", "Positive", "All answers", "Percentage"], rows,
                 str(points[0].series))


def _compare_block(ctx: Context) -> Block | None:
    ids = h.compared_ids(ctx.ds)
    quarters = sorted({p.quarter for s in ids for p in h.series(ctx.ds, s)})
    if len(ids) < 1 or len(quarters) != 2:
        return None
    first, second = quarters
    rows: list[list[Cell]] = []
    for r, sid in enumerate(ids):
        a, b = h.point(ctx.ds, sid, first), h.point(ctx.ds, sid, second)
        va = None if a is None or a.value is None else a.value / 100
        vb = None if b is None or b.value is None else b.value / 100
        change = None if va is None or vb is None else vb - va
        glyph = h.trend(None if a is None else a.value, None if b is None else b.value,
                        1).glyph
        rows.append([text(h.series(ctx.ds, sid)[0].series), Cell(va, "Input Percent 1dp"),
                     Cell(vb, "Input Percent 1dp"),
                     formula("={0}-{1}", Ref(COMPARE, r, 2), Ref(COMPARE, r, 1), value=change,
                             style="Change 1dp"),
                     text(glyph, "Arrow Flat")])
    falls = sum(1 for row in rows if isinstance(row[3].value, float) and row[3].value < 0)
    return Block(COMPARE, COMPARE, ["Area", first.label, second.label, "Change (points)",
                                    "Direction"], rows,
                 f"Comparing {second.label} with {first.label}: {falls} of {len(rows)} areas "
                 "fell")


def describe(ctx: Context) -> Sheet | None:
    blocks = [b for i, s in enumerate(h.history_ids(ctx.ds), start=1)
              if (b := _series_block(ctx, i, s)) is not None]
    compare = _compare_block(ctx)
    if compare is not None:
        blocks.append(compare)
    if not blocks:
        return None
    note = NamedCell("HistoryNote", text(
        "Results by quarter as the survey reports them (cumulative where it is). Trend: the "
        "last two quarters' percentages, each rounded as printed, compared: ▲ up, ▼ down, "
        "▶ equal (0%). The comparison table gives each area's change in points."))
    return Sheet(SHEET, blocks, [note])
