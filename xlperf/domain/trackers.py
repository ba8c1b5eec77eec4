"""Action trackers as plain data: the HMICFRS recommendations tracker and the Safer City
Partnership KPA dashboard (issue 9).

Everything here is computed from the dataset in Python; the pack writes the counts again as
Excel formulas over its own list and the tests compare the two. Statuses, lights, ranks,
arrows and the priority-light rule come from ``xlperf/data/trackers.yaml``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from ..model import KPAStatus, PublishedCount, Recommendation
from ..schema import load_data

PREVIOUS, CURRENT = "Previous report", "Current report"
HMICFRS, SCP = "HMICFRS", "SCP"
SUMMARY, PER_REPORT = "Summary", "Per report"


@lru_cache(maxsize=1)
def config() -> dict[str, Any]:
    return load_data("trackers")


def _hmicfrs() -> dict[str, Any]:
    section: dict[str, Any] = config()["hmicfrs"]
    return section


def _partnership() -> dict[str, Any]:
    section: dict[str, Any] = config()["partnership"]
    return section


# -- HMICFRS statuses ------------------------------------------------------------------------

def statuses() -> list[str]:
    """GREEN, GREEN - pending HMICFRS sign off, AMBER, RED, WHITE (the pack's order)."""
    return [s["status"] for s in _hmicfrs()["statuses"]]


def _status(status: str) -> dict[str, Any]:
    for spec in _hmicfrs()["statuses"]:
        if spec["status"] == status:
            found: dict[str, Any] = spec
            return found
    raise KeyError(status)


def status_style(status: str | None) -> str:
    return str(_status(status)["style"]) if status in statuses() else "RAG None"


def status_short(status: str) -> str:
    return str(_status(status)["short"])


def status_definition(status: str) -> str:
    return " ".join(_status(status)["definition"].split())


def not_delivered() -> tuple[str, ...]:
    """The statuses of a recommendation not yet delivered (Amber, Red)."""
    return tuple(_hmicfrs()["not_delivered"])


def not_delivered_label() -> str:
    return str(_hmicfrs()["not_delivered_label"])


def open_statuses() -> tuple[str, ...]:
    """The statuses the published per-report table counts."""
    return tuple(_hmicfrs()["open"])


# -- HMICFRS counts --------------------------------------------------------------------------

def count_by_status(recs: Iterable[Recommendation], previous: bool = False) -> dict[str, int]:
    """How many recommendations have each status (``previous``: at the previous report)."""
    counts = Counter(r.previous_status if previous else r.status for r in recs)
    return {s: counts.get(s, 0) for s in statuses()}


class SummaryRow(NamedTuple):
    """One status of the summary: previous report v current report.

    ``previous`` is the published previous-report figure where the input gives one (the
    list cannot show recommendations signed off since), else ``previous_listed``: the
    recommendations listed now whose previous status was this one.
    """

    status: str
    previous: int
    previous_published: bool
    previous_listed: int
    current: int


def summary(recs: Sequence[Recommendation],
            published: Sequence[PublishedCount] = ()) -> list[SummaryRow]:
    listed_prev = count_by_status(recs, previous=True)
    current = count_by_status(recs)
    printed = {p.status: p.previous for p in published
               if p.table == SUMMARY and p.previous is not None}
    return [SummaryRow(s, printed.get(s, listed_prev[s]), s in printed, listed_prev[s],
                       current[s]) for s in statuses()]


class Report(NamedTuple):
    """An HMICFRS report and its recommendations."""

    title: str
    published: dt.date
    type: str
    recommendations: tuple[Recommendation, ...]

    @property
    def previous(self) -> dict[str, int]:
        return count_by_status(self.recommendations, previous=True)

    @property
    def current(self) -> dict[str, int]:
        return count_by_status(self.recommendations)


def reports(recs: Sequence[Recommendation]) -> list[Report]:
    """The recommendations grouped by report, reports in order of first appearance."""
    grouped: dict[str, list[Recommendation]] = {}
    for rec in recs:
        grouped.setdefault(rec.report, []).append(rec)
    return [Report(title, rows[0].published, rows[0].type, tuple(rows))
            for title, rows in grouped.items()]


def type_totals(groups: Sequence[Report], report_type: str) -> tuple[dict[str, int],
                                                                     dict[str, int]]:
    """Previous and current counts by status over the reports of one type."""
    recs = [r for g in groups if g.type == report_type for r in g.recommendations]
    return count_by_status(recs, previous=True), count_by_status(recs)


class Direction(NamedTuple):
    """A direction of travel: an arrow (``good`` True/False/None for flat) or a note."""

    text: str
    good: bool | None
    is_arrow: bool


def direction(previous: str | None, current: str) -> Direction:
    """The direction of travel from the previous status: ↑ better, ↓ worse, → unchanged."""
    glyphs = _hmicfrs()["direction"]
    if previous is None:
        return Direction(glyphs["new"], None, False)
    if previous == current:
        return Direction(glyphs["flat"], None, True)
    before, after = _status(previous)["rank"], _status(current)["rank"]
    if before is None or after is None:
        return Direction(glyphs["unranked"], None, False)
    if after > before:
        return Direction(glyphs["up"], True, True)
    if after < before:
        return Direction(glyphs["down"], False, True)
    return Direction(glyphs["flat"], None, True)


class Overdue(NamedTuple):
    """A recommendation past its due date, and by how many days."""

    recommendation: Recommendation
    days: int


def overdue(recs: Iterable[Recommendation], report_date: dt.date) -> list[Overdue]:
    """Recommendations not yet delivered whose due date is before the report date, with the
    days between the two (a recommendation due on the report date is not overdue yet)."""
    return [Overdue(r, (report_date - r.due).days) for r in recs
            if r.status in not_delivered() and r.due is not None and r.due < report_date]


# -- Partnership dashboard -----------------------------------------------------------------

def lights() -> list[str]:
    """GREEN, AMBER, RED."""
    return [x["light"] for x in _partnership()["lights"]]


def _light(light: str) -> dict[str, Any]:
    for spec in _partnership()["lights"]:
        if spec["light"] == light:
            found: dict[str, Any] = spec
            return found
    raise KeyError(light)


def light_style(light: str | None) -> str:
    return str(_light(light)["style"]) if light in lights() else "RAG None"


def light_criteria(light: str) -> str:
    return str(_light(light)["criteria"])


def priority_rule() -> str:
    return str(_partnership()["priority_rule"])


def rule_description(rule: str | None = None) -> str:
    return " ".join(_partnership()["rules"][rule or priority_rule()].split())


def priority_light(kpa_lights: Sequence[str], rule: str | None = None) -> str | None:
    """A priority's light from its KPAs' lights, by ``rule`` (default: trackers.yaml)."""
    rule = rule or priority_rule()
    present = [x for x in kpa_lights if x in lights()]
    if not present:
        return None
    rank = {x: _light(x)["rank"] for x in lights()}
    if rule == "worst":
        return min(present, key=rank.__getitem__)
    if rule == "majority":
        counts = Counter(present)
        most = max(counts.values())
        return min((x for x, n in counts.items() if n == most), key=rank.__getitem__)
    raise ValueError(f"unknown priority-light rule {rule!r} (majority or worst)")


class Trend(NamedTuple):
    """A trend against the previous period: an arrow, or a note saying why there is none."""

    text: str
    good: bool | None
    is_arrow: bool


def trend(previous: str | None, current: str | None, has_previous_period: bool) -> Trend:
    glyphs = _partnership()["trend"]
    if not has_previous_period:
        return Trend(glyphs["no_previous_period"], None, False)
    if previous is None or current is None:
        return Trend(glyphs["not_in_previous"], None, False)
    before, after = _light(previous)["rank"], _light(current)["rank"]
    if after > before:
        return Trend(glyphs["up"], True, True)
    if after < before:
        return Trend(glyphs["down"], False, True)
    return Trend(glyphs["flat"], None, True)


class KPARow(NamedTuple):
    """A KPA of the partnership dashboard with its previous light and trend."""

    kpa: KPAStatus
    previous: str | None
    trend: Trend


class PriorityRow(NamedTuple):
    """A partnership priority: its KPAs, rolled-up light and trend."""

    number: int
    priority: str
    kpas: list[KPARow]
    computed: str | None
    reported: str | None
    previous: str | None
    trend: Trend
    counts: dict[str, int]

    @property
    def shown(self) -> str | None:
        """The reported light where one is recorded, otherwise the rule's."""
        return self.reported or self.computed

    @property
    def differs(self) -> bool:
        return bool(self.reported and self.computed and self.reported != self.computed)


def dashboard(kpas: Sequence[KPAStatus], reported: Mapping[tuple[str, str], str], period: str,
              previous_period: str | None, rule: str | None = None) -> list[PriorityRow]:
    """The priorities of ``period`` with their KPAs, lights and trends."""
    has_previous = bool(previous_period)
    before = {k.kpa: k.light for k in kpas if has_previous and k.period == previous_period}
    names: list[str] = []
    for k in kpas:
        if k.period == period and k.priority not in names:
            names.append(k.priority)
    names += [p for (p, per) in reported if per == period and p not in names]
    rows: list[PriorityRow] = []
    for number, name in enumerate(names, start=1):
        current = [k for k in kpas if k.period == period and k.priority == name]
        kpa_rows = [KPARow(k, before.get(k.kpa), trend(before.get(k.kpa), k.light, has_previous))
                    for k in current]
        computed = priority_light([k.light for k in current], rule)
        shown_before = None
        if has_previous:
            earlier = [k.light for k in kpas if k.period == previous_period and k.priority == name]
            shown_before = reported.get((name, previous_period or "")) or priority_light(
                earlier, rule)
        reported_now = reported.get((name, period))
        rows.append(PriorityRow(number, name, kpa_rows, computed, reported_now, shown_before,
                                trend(shown_before, reported_now or computed, has_previous),
                                {x: sum(k.light == x for k in current) for x in lights()}))
    return rows


class FocusGroup(NamedTuple):
    """A "KPA's in focus" block: KPAs of one priority sharing an owner and a position."""

    priority: int
    priority_name: str
    kpas: tuple[KPARow, ...]
    owner: str
    position: str


def focus_groups(rows: Sequence[PriorityRow]) -> list[FocusGroup]:
    groups: list[FocusGroup] = []
    for row in rows:
        run: list[KPARow] = []
        for kpa_row in row.kpas:
            k = kpa_row.kpa
            if not k.in_focus:
                continue
            if run and (run[0].kpa.owner, run[0].kpa.position) != (k.owner, k.position):
                groups.append(_group(row, run))
                run = []
            run.append(kpa_row)
        if run:
            groups.append(_group(row, run))
    return groups


def _group(row: PriorityRow, run: list[KPARow]) -> FocusGroup:
    return FocusGroup(row.number, row.priority, tuple(run), run[0].kpa.owner,
                      run[0].kpa.position)


# -- reconciliation ------------------------------------------------------------------------

class Difference(NamedTuple):
    """A figure xlperf finds (counted from the list, added up, or given by the rule) that
    differs from the one published."""

    tracker: str
    check: str
    item: str
    period: str
    found: int | str | None
    published: int | str | None
    note: str
    cells: str = ""


def hmicfrs_differences(recs: Sequence[Recommendation],
                        published: Sequence[PublishedCount]) -> list[Difference]:
    """Published HMICFRS counts that disagree with the list or with each other."""
    out: list[Difference] = []
    summary_rows = {p.status: p for p in published if p.table == SUMMARY}
    per_report = [p for p in published if p.table == PER_REPORT]
    listed = {PREVIOUS: count_by_status(recs, previous=True), CURRENT: count_by_status(recs)}

    def figure(p: PublishedCount, period: str) -> int | None:
        return p.previous if period == PREVIOUS else p.current

    for status in statuses():
        p = summary_rows.get(status)
        for period in (PREVIOUS, CURRENT):
            value = None if p is None else figure(p, period)
            if value is not None and value != listed[period][status]:
                out.append(Difference(
                    HMICFRS, "Summary as published v the list", status, period,
                    listed[period][status], value,
                    f"the list has {listed[period][status]} recommendation(s) "
                    f"{'whose previous status was' if period == PREVIOUS else 'with status'} "
                    f"{status}; " + ("recommendations signed off since the previous report are "
                                     "no longer listed" if period == PREVIOUS else
                                     "the published summary says otherwise"),
                    p.cell if p else ""))
    if per_report:
        for status in statuses():
            p = summary_rows.get(status)
            for period in (PREVIOUS, CURRENT):
                value = None if p is None else figure(p, period)
                if value is None:
                    continue
                cells = [x for x in per_report if x.status == status]
                added = sum(figure(x, period) or 0 for x in cells)
                if added != value:
                    out.append(Difference(
                        HMICFRS, "Per-report table as published, added up, v the summary as "
                        "published", status, period, added, value,
                        f"the per-report cells for {status_short(status)} add up to {added}; "
                        f"the summary prints {value}",
                        "; ".join(x.cell for x in cells if x.cell) or (p.cell if p else "")))
        out += _per_report_differences(recs, per_report)
    return out


def _per_report_differences(recs: Sequence[Recommendation],
                            per_report: Sequence[PublishedCount]) -> list[Difference]:
    out: list[Difference] = []
    titles = [g.title for g in reports(recs)]
    titles += [p.report for p in per_report if p.report and p.report not in titles]
    titles = list(dict.fromkeys(titles))
    for title in titles:
        mine = [r for r in recs if r.report == title]
        theirs = [p for p in per_report if p.report == title]
        for period in (PREVIOUS, CURRENT):
            counted = count_by_status(mine, previous=period == PREVIOUS)
            for status in open_statuses():
                printed = [p for p in theirs if p.status == status]
                value = sum((p.previous if period == PREVIOUS else p.current) or 0
                            for p in printed)
                if value == counted[status]:
                    continue
                note = ("listed, but not counted in the published per-report table"
                        if counted[status] > value else
                        "counted in the published per-report table, but not in the list")
                out.append(Difference(
                    HMICFRS, "Per-report table as published v the list",
                    f"{title}: {status_short(status)}", period, counted[status], value, note,
                    "; ".join(p.cell for p in printed if p.cell)))
    return out


def kpa_differences(rows: Sequence[PriorityRow], period: str) -> list[Difference]:
    """Priorities whose reported light differs from the rule's."""
    return [Difference(SCP, "Reported priority light v the rule", r.priority, period,
                       r.computed, r.reported, rule_description())
            for r in rows if r.differs]


# -- settings ------------------------------------------------------------------------------

def as_date(value: object) -> dt.date | None:
    """A setting read as a date (an Excel date may come back as a datetime)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def report_dates(settings: Mapping[str, object]) -> tuple[dt.date | None, dt.date | None]:
    """The HMICFRS report date and the previous report date from the Settings table."""
    return (as_date(settings.get("HMICFRS report date")),
            as_date(settings.get("HMICFRS previous report date")))


def partnership_periods(settings: Mapping[str, object],
                        kpas: Sequence[KPAStatus]) -> tuple[str | None, str | None]:
    """The dashboard's period (the setting, or the only period of the KPA table) and the
    previous period (None: no previous period)."""
    period = settings.get("Partnership period")
    previous = settings.get("Partnership previous period")
    if period in (None, ""):
        periods = {k.period for k in kpas}
        period = periods.pop() if len(periods) == 1 else None
    return (None if period is None else str(period),
            None if previous in (None, "") else str(previous))
