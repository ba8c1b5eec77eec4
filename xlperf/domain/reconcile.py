"""Every contradiction in one list (issue 16): published figures that differ from xlperf's,
numbers in analyst text that differ from the figure they state, reported grades that differ
from their rule, and the action trackers' published counts and lights.

Each :class:`Finding` carries the published value, xlperf's value, where the published
value was printed (document and line) and typed (input cell), and the rule or convention
xlperf used. ``figure`` names the computed figure so the pack can point at the cell that
shows it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from ..model import Dataset, PublishedFigure
from ..periods import Quarter
from ..schema import load_data
from .figures import Computed, FigureKey, agrees, compute, fmt, parse_printed
from .grading import Grading, reconciliation
from .text_numbers import text_claims
from .trackers import FocusGroup, PriorityRow, focus_groups, priority_light, rule_description


class Finding(NamedTuple):
    """A figure published or typed in the input that is not the one xlperf works out."""

    topic: str
    item: str
    period: str
    published: str
    xlperf: str
    printed_at: str
    input_cell: str
    convention: str
    note: str = ""
    figure: FigureKey | None = None
    #: The pack cell that shows xlperf's figure ("'Public Order'!E25"), where the caller
    #: placed the pack (``xlperf reconcile``); the Reconciliation sheet has a formula there.
    in_pack: str = ""


def _label(key: FigureKey) -> str:
    parts = [key.kind.replace("-", " ")]
    if key.subject:
        parts.append(key.subject)
    if key.compared:
        parts.append(f"v {key.compared}")
    return ": ".join([parts[0], " ".join(parts[1:])]) if len(parts) > 1 else parts[0]


def published_findings(ds: Dataset) -> list[Finding]:
    """Published figures that differ from xlperf's, rounded as printed."""
    out: list[Finding] = []
    for pub in ds.published:
        key = FigureKey(pub.kind, pub.subject, pub.period, pub.compared)
        computed = compute(ds, key)
        printed = parse_printed(pub.published)
        if printed is None:
            out.append(_finding(pub, computed, "the published text holds no number"))
            continue
        if agrees(printed, computed.value):
            continue
        if computed.alternative is not None and agrees(printed, computed.alternative):
            note = (f"matches xlperf's figure only {computed.alternative_label} "
                    f"({fmt(computed.alternative, _alt_unit(computed), printed.decimals)}); "
                    f"xlperf uses {computed.convention}")
        elif computed.value is None:
            note = computed.working
        else:
            note = f"xlperf: {computed.working}"
        out.append(_finding(pub, computed, note, printed.decimals))
    return out


def _alt_unit(computed: Computed) -> str:
    return "%" if "relative" in computed.alternative_label else computed.unit


def _finding(pub: PublishedFigure, computed: Computed, note: str,
             decimals: int = 0) -> Finding:
    key = computed.key
    return Finding("Published figure", _label(key), pub.period, pub.published,
                   fmt(computed.value, computed.unit, decimals), pub.printed_at, pub.cell,
                   computed.convention, note, key)


# -- numbers in analyst text ------------------------------------------------------------

def text_findings(ds: Dataset, grading: Grading | None, quarters: Sequence[Quarter]) -> list[
        Finding]:
    """Numbers in the analysts' texts that reach the pack (reasons, Report text, narratives,
    tracker comments: :func:`xlperf.domain.text_numbers.analyst_texts`) that differ from the
    figure xlperf computed for the same quantity (the phrases of data/text_numbers.yaml say
    which). ``grading`` is not needed (kept for callers)."""
    del grading
    out: list[Finding] = []
    for claim in text_claims(ds, quarters):
        if claim.agrees:
            continue
        computed, source = claim.computed, claim.source
        decimals = claim.value.decimals
        xl = fmt(computed.value, computed.unit, decimals)
        if computed.alternative is not None and agrees(claim.value, computed.alternative):
            how = (f"matches xlperf's figure only {computed.alternative_label}; xlperf uses "
                   f"{computed.convention}")
        else:
            how = f"xlperf: {computed.working}"
        key = computed.key
        out.append(Finding(
            "Analyst text", f"{source.label}: {claim.printed}", source.quarter.label,
            claim.printed, xl, f"analyst text shown on {source.shown}", source.cell,
            computed.convention,
            f"\"{' '.join(claim.sentence.split())}\" states {_label(key)} "
            f"{key.period} as {claim.printed}; {how} = {xl}", key))
    return out


# -- grades and trackers ------------------------------------------------------------------

def grade_findings(ds: Dataset, grading: Grading, quarters: list[Quarter]) -> list[Finding]:
    out: list[Finding] = []
    for d in reconciliation(grading, quarters):
        rule = (load_data("rules").get("rollup_description", "") if d.level == "priority"
                else _rule_text(ds, d.name))
        out.append(Finding("Grade" if d.level == "measure" else "Priority roll-up", d.name,
                           d.quarter.label, d.reported, d.computed, "reported grade (input)",
                           d.cell, " ".join(str(rule).split()),
                           f"reason given: {d.reason or 'none recorded'}"))
    return out


def _rule_text(ds: Dataset, label: str) -> str:
    for measure in ds.measures:
        if measure.label == label:
            rule = ds.rules[measure.rule]
            return f"{rule.name}: {rule.description}"
    return ""


def tracker_findings(differences: Sequence[Any]) -> list[Finding]:
    """The trackers' differences (:func:`xlperf.domain.trackers.hmicfrs_differences` ...)."""
    return [Finding(d.tracker, f"{d.check}: {d.item}", d.period, _s(d.published), _s(d.found),
                    "published count (input)", d.cells, d.check, d.note)
            for d in differences]


def focus_findings(ds: Dataset, rows: Sequence[PriorityRow], period: str | None,
                   rule: str | None = None) -> list[Finding]:
    """"KPA's in focus" blocks whose printed light is not their targets' lights grouped by
    the partnership rule (issue 16, family 9). The note says whether any rule on the count
    or share of AMBER targets could give the printed lights of every block at once."""
    if period is None:
        return []
    groups = [(g, ds.kpa_focus.get((g.kpas[0].kpa.kpa, period))) for g in focus_groups(rows)]
    printed = [(g, rep) for g, rep in groups if rep is not None]

    def ambers(group: FocusGroup) -> tuple[int, int]:
        lights = [k.kpa.light for k in group.kpas]
        return sum(1 for x in lights if x != "GREEN"), len(lights)

    out: list[Finding] = []
    for group, reported in printed:
        light, cell = reported
        computed = priority_light([k.kpa.light for k in group.kpas], rule)
        if computed == light:
            continue
        n, total = ambers(group)
        contradicts = [
            f"KPA {g.priority} ({ambers(g)[0]} of {ambers(g)[1]} not GREEN, printed {rep[0]})"
            for g, rep in printed
            if g is not group and rep[0] == "GREEN" and light != "GREEN"
            and ambers(g)[0] >= n and ambers(g)[0] / ambers(g)[1] >= n / total]
        note = (f"{n} of its {total} targets are not GREEN"
                + (f"; no rule on the count or share of such targets gives this block "
                   f"{light} and {', '.join(contradicts)} GREEN" if contradicts else ""))
        out.append(Finding(
            "SCP", f"KPA {group.priority} in focus (targets "
            f"{', '.join(k.kpa.kpa for k in group.kpas)})", period, light, computed or "",
            "reported focus light (input)", cell, rule_description(rule), note))
    return out


def _s(value: object) -> str:
    return "" if value is None else str(value)


def findings_json(rows: Sequence[Finding]) -> str:
    """The findings as ``xlperf reconcile --json`` prints them: one object per row, numbered
    as on the Reconciliation sheet, with the figure xlperf computed (kind, subject, period,
    compared with) where there is one."""
    out = []
    for n, f in enumerate(rows, start=1):
        figure = None if f.figure is None else {
            "kind": f.figure.kind, "subject": f.figure.subject, "period": f.figure.period,
            "compared": f.figure.compared}
        out.append({"no": n, "topic": f.topic, "item": f.item, "period": f.period,
                    "published": f.published, "xlperf": f.xlperf, "in_pack": f.in_pack,
                    "printed_at": f.printed_at,
                    "input_cell": f.input_cell, "convention": f.convention, "note": f.note,
                    "figure": figure})
    import json  # noqa: PLC0415 - only for `xlperf reconcile --json`

    return json.dumps(out, ensure_ascii=False, indent=2)


def findings(ds: Dataset, grading: Grading, quarters: list[Quarter],
             tracker_differences: Sequence[Any] = (),
             dashboard: tuple[Sequence[PriorityRow], str | None] = ((), None)) -> list[Finding]:
    """Everything a reviewer must see, in one list."""
    return [*published_findings(ds), *text_findings(ds, grading, quarters),
            *grade_findings(ds, grading, quarters), *tracker_findings(tracker_differences),
            *focus_findings(ds, dashboard[0], dashboard[1])]
