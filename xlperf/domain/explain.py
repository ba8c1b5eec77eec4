"""A measure's grade in plain words: the inputs, the rule, the thresholds and the result."""

from __future__ import annotations

from ..arithmetic import fmt_count, fmt_percent
from .grading import ANNUAL, GRADED, NEW, MeasureGrade
from .rules import RuleKind, grade_trend

#: What each rule kind grades, and the unit of its graded quantity.
KIND_WORDS: dict[RuleKind, tuple[str, str]] = {
    RuleKind.BANDS: ("the value itself", ""),
    RuleKind.POINTS_CHANGE: ("how many percentage points worse than the reference", "points"),
    RuleKind.RELATIVE_CHANGE: ("how many per cent worse than the reference", "%"),
    RuleKind.SPC: ("the number of special-cause concern points in the latest months of the "
                   "measure's XmR chart (Making Data Count rules)", "special-cause concern points"),
}


def show_value(value: float | None, unit: str) -> str:
    if value is None:
        return "N/A"
    return fmt_percent(value) if unit == "%" else fmt_count(value)


def rule_sentence(grade: MeasureGrade) -> str:
    rule = grade.rule
    what = KIND_WORDS[rule.kind][0]
    return (f"Rule {rule.name} ({rule.kind}, {rule.polarity.value.lower()}; "
            f"{'from ' + rule.origin if rule.origin != 'default' else 'xlperf default'}): "
            f"grades {what}. Requires Action when {rule.requires_action_when.text}; "
            f"Close Monitoring when {rule.close_monitoring_when.text}; otherwise Satisfactory.")


def explain(grade: MeasureGrade, previous: MeasureGrade | None = None) -> str:
    m = grade.measure
    lines = [f"{m.id} — {m.label}", f"Priority: {m.priority}", f"Quarter: {grade.quarter.label}"]
    lines.append(rule_sentence(grade))
    if grade.state == NEW:
        lines.append(f"Not graded: the measure was introduced in {m.first_fy.label}.")
    elif grade.state == ANNUAL:
        lines.append(f"Not graded: reported annually as part of {m.survey or 'a survey'}; "
                     f"the result for {grade.quarter.fy.label} is not in yet "
                     f"({grade.value.working}).")
    elif grade.state != GRADED:
        lines.append(f"Not graded by the rule: no data ({grade.value.working}).")
    else:
        if grade.rule.kind is RuleKind.SPC:
            lines.append(f"Value: {grade.value.working}")
        else:
            lines.append(f"Value: {show_value(grade.value.value, m.unit)} "
                         f"({grade.value.working})")
        if grade.value.cells:
            shown = ", ".join(grade.value.cells[:6])
            more = f" and {len(grade.value.cells) - 6} more" if len(grade.value.cells) > 6 else ""
            lines.append(f"  from cells {shown}{more}")
        if grade.rule.kind not in (RuleKind.BANDS, RuleKind.SPC):
            lines.append(f"Reference: {show_value(grade.reference.value, m.unit)} — "
                         f"{grade.reference_label} ({grade.reference.working})")
        unit = KIND_WORDS[grade.rule.kind][1]
        quantity = grade.quantity if grade.quantity is not None else 0
        if grade.rule.kind is RuleKind.SPC:
            lines.append(f"Graded quantity: {quantity:g} {unit} in the last "
                         f"{grade.rule.spc_points} months.")
        elif grade.rule.kind is RuleKind.BANDS:
            lines.append(f"Graded quantity: {quantity:g} (the value, rounded).")
        else:
            lines.append(f"Graded quantity: {quantity:g} {unit} worse than the reference "
                         "(negative = better; rounded as printed).")
        if grade.trend_note:
            lines.append(f"Note: {grade.trend_note}.")
        if grade.spc is not None and not grade.spc.error:
            lines.append(f"XmR chart of {grade.spc.series}, latest points "
                         "(which special-cause rule fired on which point):")
            lines.extend(grade.spc.lines())
        lines.append(f"Computed grade: {grade.computed}")
    if grade.reported:
        lines.append(f"Reported grade: {grade.reported}"
                     + (f" — reason: {grade.reason}" if grade.reason else ""))
        if grade.differs:
            lines.append("The reported grade DIFFERS from the rule's; the pack shows the "
                         "reported grade and lists the difference in the reconciliation.")
    lines.append(f"Shown in the pack: {grade.text}")
    if previous is not None:
        arrow = grade_trend(previous.shown, grade.shown)
        lines.append(f"Trend against {previous.quarter.label} ({previous.text}): "
                     f"{arrow or 'not available'}")
    return "\n".join(lines)
