"""The figures behind each measure's grade (issue 16, family 2): the value graded, its
reference and change, and the supporting figures the analysts typed (the parts of a total,
a second indicator), for the pack's Measure Figures sheet and the narrative templates.

A grade with no value behind it is "reported, not computed": its evidence says so.
"""

from __future__ import annotations

from typing import NamedTuple

from ..arithmetic import points_change, rate, relative_change
from ..model import Dataset
from ..periods import Quarter
from .grading import NEW, REPORTED_NOT_COMPUTED, Grading, MeasureGrade
from .rules import Reference, RuleKind

#: Unit of a supporting figure that is a count whose share of the measure's value is shown.
SHARE = "share of the value"


class EvidenceRow(NamedTuple):
    """A figure behind a measure's grade, with its working and input cells (Evidence)."""

    measure_id: str
    figure: str
    value: float | None
    unit: str  # "%", "count", "points"
    working: str = ""
    cells: tuple[str, ...] = ()


def _supporting(ds: Dataset, grade: MeasureGrade, quarter: Quarter) -> list[EvidenceRow]:
    rows: list[EvidenceRow] = []
    for fig in ds.measure_figures:
        if fig.measure_id != grade.measure.id or fig.quarter != quarter:
            continue
        if quarter != grade.quarter:
            fig = fig._replace(figure=f"{fig.figure}, {quarter.label}")
        if fig.unit == SHARE:
            total = _value_of(ds, grade.measure.id, quarter, grade)
            share = rate(fig.value, total)
            rows.append(EvidenceRow(grade.measure.id, f"{fig.figure} (share of the value)",
                                    share, "%", f"{fig.value:g} / {total}", (fig.cell,)))
            rows.append(EvidenceRow(grade.measure.id, fig.figure, fig.value, "count", "input",
                                    (fig.cell,)))
        else:
            rows.append(EvidenceRow(grade.measure.id, fig.figure, fig.value, fig.unit, "input",
                                    (fig.cell,)))
    return rows


def _value_of(ds: Dataset, measure_id: str, quarter: Quarter,
              grade: MeasureGrade) -> float | None:
    if grade.quarter == quarter:
        return grade.value.value
    entry = ds.measure_values.get((measure_id, quarter))
    return None if entry is None else entry.value


def measure_evidence(ds: Dataset, grading: Grading, quarter: Quarter) -> list[EvidenceRow]:
    """Per measure graded in ``quarter``: value, reference, change, and supporting figures
    of the quarter and of the quarter the reference comes from."""
    out: list[EvidenceRow] = []
    for measure in ds.measures:
        grade = grading.measures.get((measure.id, quarter))
        if grade is None or grade.state == NEW:
            continue
        unit = measure.unit
        if grade.value.value is None:
            out.append(EvidenceRow(measure.id, f"Value graded: none ({REPORTED_NOT_COMPUTED})"
                                   if grade.reported else "Value graded: none", None, unit,
                                   grade.value.working))
            out += _supporting(ds, grade, quarter)
            continue
        out.append(EvidenceRow(measure.id, "Value graded", grade.value.value, unit,
                               grade.value.working, grade.value.cells))
        out += _supporting(ds, grade, quarter)
        if grade.reference.value is not None:
            out.append(EvidenceRow(measure.id, f"Reference: {grade.reference_label}",
                                   grade.reference.value, unit, grade.reference.working,
                                   grade.reference.cells))
            ref_quarter = reference_quarter(grade)
            if ref_quarter is not None:
                out += _supporting(ds, grade, ref_quarter)
        if grade.quantity is not None and grade.rule.kind is not RuleKind.BANDS:
            change_unit = "points" if grade.rule.kind is RuleKind.POINTS_CHANGE else "%"
            now, ref = grade.value.value, grade.reference.value
            change = (points_change(now, ref) if change_unit == "points"
                      else relative_change(now, ref))
            out.append(EvidenceRow(measure.id, "Change on the reference", change,
                                   change_unit, f"graded by {grade.rule.name}"))
        if grade.computed is None and grade.reported:
            out.append(EvidenceRow(measure.id, f"Grade: {REPORTED_NOT_COMPUTED}", None, ""))
    return out


def reference_quarter(grade: MeasureGrade) -> Quarter | None:
    """The quarter whose typed figures the rule's reference comes from."""
    rule, q = grade.rule, grade.quarter
    if rule.reference is Reference.PREVIOUS_FY:
        return Quarter(q.fy.shift(-1), 4)
    if rule.reference is Reference.SAME_PERIOD_LAST_YEAR:
        return q.same_quarter_last_year()
    if rule.reference is Reference.PREVIOUS_QUARTER:
        return q.previous()
    if rule.reference is Reference.BASELINE_FY and rule.baseline_fy is not None:
        return Quarter(rule.baseline_fy, q.number)
    return None
