"""Action trackers (issue 9): the HMICFRS tracker and the Safer City Partnership dashboard,
and the reconciliation of their published figures.

:func:`group` hooks them into the Policing Plan pack (``EXTRA_GROUPS`` in pack/build.py);
:func:`describe_trackers` describes a workbook holding only these sheets
(``xlperf trackers``).
"""

from __future__ import annotations

from ...domain import trackers as t
from ...model import Dataset
from ...periods import Quarter
from ..cells import Checks, text
from ..context import Context
from ..model import Block, Cell, NamedCell, Pack, Sheet
from . import trackers_hmicfrs, trackers_scp

DIFFERENCES = "tblTrackerDifferences"
RECONCILIATION_SHEET = "Tracker Reconciliation"
CONTENTS = {
    **trackers_hmicfrs.CONTENTS,
    **trackers_scp.CONTENTS,
    RECONCILIATION_SHEET: "Published tracker figures that disagree with the list or the rule",
}


def differences(ds: Dataset) -> list[t.Difference]:
    """Every published HMICFRS count and reported priority light that disagrees."""
    found = t.hmicfrs_differences(ds.recommendations, ds.hmicfrs_published)
    rows, period, _previous = trackers_scp.dashboard_rows(ds)
    if period is not None:
        found += t.kpa_differences(rows, period)
    return found


def _reconciliation(ds: Dataset) -> Sheet:
    found = differences(ds)
    rows = [[text(d.tracker, "Label"), text(d.check), text(d.item), text(d.period, "Label"),
             Cell(d.found, "Number"), Cell(d.published, "Number"), text(d.note),
             text(d.cells or None)] for d in found]
    if not rows:
        rows = [[text("None", "Label"),
                 text("Every published figure agrees with the list and the rules"),
                 text(None), text(None, "Label"), Cell(None, "Number"), Cell(None, "Number"),
                 text(None), text(None)]]
    block = Block(DIFFERENCES, DIFFERENCES,
                  ["Tracker", "Check", "Item", "Period", "Counted", "Published", "Note",
                   "Input cells"], rows, f"Published figures that disagree ({len(found)})")
    note = NamedCell("TrackerNote", text(
        "Counted: from the recommendation list, added up from the published cells, or given "
        "by the rule for a priority's traffic light. Published: the figure printed (input "
        "tables HMICFRS counts as published and Safer City Partnership priorities). The pack "
        "shows the counted figures; nothing published is corrected silently."))
    return Sheet(RECONCILIATION_SHEET, [block], [note])


def tracker_sheets(ds: Dataset, checks: Checks, quarter: Quarter | None = None) -> (
        tuple[list[Sheet], dict[str, str]]):
    """The tracker sheets for ``ds`` (none for a tracker without data) and their contents
    lines."""
    sheets = [*trackers_hmicfrs.describe(ds, checks), *trackers_scp.describe(ds, quarter)]
    if sheets:
        sheets.append(_reconciliation(ds))
    return sheets, {s.name: CONTENTS[s.name] for s in sheets}


def group(ctx: Context) -> tuple[list[Sheet], dict[str, str]]:
    """The trackers as a sheet group of the Policing Plan pack."""
    return tracker_sheets(ctx.ds, ctx.checks, ctx.quarter)


def describe_trackers(ds: Dataset) -> Pack:
    """A pack of the tracker sheets alone."""
    sheets, _contents = tracker_sheets(ds, Checks())
    report_date, _previous = t.report_dates(ds.settings)
    period, _ = t.partnership_periods(ds.settings, ds.kpas)
    parts = []
    if report_date and ds.recommendations:
        parts.append(f"HMICFRS report {report_date:%d/%m/%Y}")
    if period and ds.kpas:
        parts.append(f"Safer City Partnership {period}")
    return Pack(f"{ds.force}: action trackers", "; ".join(parts), ds.marking, sheets)
