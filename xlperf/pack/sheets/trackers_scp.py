"""The Safer City Partnership KPA dashboard (seed 004): priority and KPA traffic lights with
their trend against the previous period, the traffic light criteria, and the "KPA's in
focus" blocks.

Lights are values (like grades): a KPA's light is the input's, a priority's is the
reported light where one is recorded, otherwise the rule's (trackers.yaml). The Green,
Amber and Red counts behind the rule are COUNTIF formulas over the KPA tables, and the
Tracker Reconciliation sheet lists every reported light that differs from the rule.
"""

from __future__ import annotations

from ...domain import trackers as t
from ...model import Dataset
from ...periods import MONTH_NAMES, Quarter
from ..cells import arrow, formula, text
from ..model import Block, Cell, NamedCell, Ref, Sheet

PRIORITIES, CRITERIA, KPAS, FOCUS = (
    "tblSCPPriorities", "tblSCPCriteria", "tblSCPKPAs", "tblSCPFocus")
DASHBOARD_SHEET, FOCUS_SHEET = "SCP Dashboard", "SCP KPAs in Focus"
LIGHT_COL = 2

CONTENTS = {
    DASHBOARD_SHEET: "Safer City Partnership priorities and KPAs: traffic lights and trends",
    FOCUS_SHEET: "Safer City Partnership KPAs in focus: owner, criteria, current position",
}


def _light(light: str | None, missing: str = "N/A") -> Cell:
    return Cell(light or missing, t.light_style(light))


def _trend(trend: t.Trend) -> Cell:
    return arrow(trend.text, trend.good) if trend.is_arrow else Cell(trend.text, "Label")


def _kpa_block(row: t.PriorityRow) -> Block:
    rows = [[text(k.kpa.kpa, "Label"), text(k.kpa.description, "Text"), _light(k.kpa.light),
             _trend(k.trend)] for k in row.kpas]
    return Block(f"tblSCPKPA{row.number}", KPAS,
                 ["KPA", "Key performance activity", "Traffic light", "Trend"], rows,
                 f"KPA {row.number}: {row.priority}", [k.kpa.kpa for k in row.kpas])


def _dashboard(rows: list[t.PriorityRow], period: str, previous: str | None,
               shown: str) -> Sheet:
    shades = t.lights()
    criteria_rows = [[_light(x), text(t.light_criteria(x))] for x in shades]
    criteria_rows.append([text("Priority light", "Label Bold"), text(t.rule_description())])
    criteria = Block(CRITERIA, CRITERIA, ["Traffic light", "Criteria"], criteria_rows,
                     "Traffic light criteria", [*shades, "Priority light"])
    kpa_blocks = [_kpa_block(row) for row in rows if row.kpas]
    table: list[list[Cell]] = []
    for row in rows:
        counts: list[Cell] = []
        for i, shade in enumerate(shades):
            if row.kpas:
                counts.append(formula(
                    "=COUNTIF({0},{1})",
                    Ref(f"tblSCPKPA{row.number}", 0, LIGHT_COL, len(row.kpas) - 1, LIGHT_COL),
                    Ref(CRITERIA, i, 0, fixed_row=True, fixed_col=True),
                    value=row.counts[shade], style="Count"))
            else:
                counts.append(Cell("N/A", "Count"))
        table.append([Cell(row.number, "Label"), text(row.priority, "Label Bold"),
                      _light(row.shown), _trend(row.trend), _light(row.computed), *counts])
    priorities = Block(PRIORITIES, PRIORITIES,
                       ["No.", "Priority", "Traffic light", "Trend", "Rule gives",
                        *[x.title() for x in shades]], table,
                       f"Safer City Partnership priorities, {period}",
                       [r.priority for r in rows])
    trend_note = (f"Trend compares each light with {previous}: ↑ better, ↓ worse, ➡ unchanged."
                  if previous else "There is no previous period, so no trend is shown.")
    note = NamedCell("SCPNote", text(
        "Traffic light of a priority: the reported light where the input records one, "
        "otherwise the rule's (Rule gives; the rule is under the criteria). " + trend_note +
        " Reported lights that differ from the rule are listed on the Tracker Reconciliation "
        "sheet."))
    return Sheet(DASHBOARD_SHEET, [priorities, criteria, *kpa_blocks], [
        note, NamedCell("SCPPeriod", text(shown)),
        NamedCell("SCPPreviousPeriod", text(previous or t.trend(None, None, False).text))])


def _focus(rows: list[t.PriorityRow]) -> Sheet:
    criteria = " ".join(f"{x}: {t.light_criteria(x)}" for x in t.lights())
    blocks: list[Block] = []
    for i, group in enumerate(t.focus_groups(rows), start=1):
        body: list[list[Cell]] = [
            [text(f"Target {k.kpa.kpa}"), text(k.kpa.description), _light(k.kpa.light)]
            for k in group.kpas]
        grouped = t.priority_light([k.kpa.light for k in group.kpas])
        body += [
            [text("Grouped traffic light (rule)"), text(t.rule_description()), _light(grouped)],
            [text("Target owner"), text(group.owner or "not recorded"), Cell(None, "Text")],
            [text("Traffic light criteria"), text(criteria), Cell(None, "Text")],
            [text("Current position"), text(group.position or "not recorded"),
             Cell(None, "Text")],
        ]
        blocks.append(Block(f"{FOCUS}{i}", FOCUS, ["Field", "Detail", "Traffic light"], body,
                            f"KPA {group.priority}: {group.priority_name}"))
    if not blocks:
        blocks.append(Block(f"{FOCUS}None", FOCUS, ["Field", "Detail", "Traffic light"],
                            [[text("KPAs in focus"), text("No KPA is marked In focus."),
                              Cell(None, "Text")]], "KPA's in focus"))
    note = NamedCell("SCPFocusNote", text(
        "One block per group of KPAs in focus sharing an owner and a current position, as "
        "the dashboard prints them; each target's light is the KPA's."))
    return Sheet(FOCUS_SHEET, blocks, [note])


def dashboard_rows(ds: Dataset) -> tuple[list[t.PriorityRow], str | None, str | None]:
    period, previous = t.partnership_periods(ds.settings, ds.kpas)
    if period is None:
        return [], None, previous
    return t.dashboard(ds.kpas, ds.kpa_priorities, period, previous), period, previous


def period_shown(period: str, quarter: Quarter | None) -> str:
    """The dashboard's period; inside a pack for a later quarter, said to be the latest
    dashboard available (a pack for Q4 2021-22 showing September 2018 must say why)."""
    if quarter is None:
        return period
    words = period.split()
    if len(words) != 2 or words[0] not in MONTH_NAMES or not words[1].isdigit():
        return period
    end_year, end_month = quarter.end_year_month
    if (int(words[1]), MONTH_NAMES.index(words[0]) + 1) >= (end_year, end_month):
        return period
    return (f"{period}: the latest Safer City Partnership dashboard available at the end of "
            f"{quarter.label}")


def describe(ds: Dataset, quarter: Quarter | None = None) -> list[Sheet]:
    """The dashboard and the KPAs in focus, or none when the input has no KPA. ``quarter``:
    the pack's reporting quarter, when the dashboard is part of a pack."""
    rows, period, previous = dashboard_rows(ds)
    if not rows or period is None:
        return []
    return [_dashboard(rows, period, previous, period_shown(period, quarter)), _focus(rows)]
