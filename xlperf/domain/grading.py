"""Grade every measure and priority for a run of quarters, keeping the working.

A measure-quarter is in one of four states: graded by its rule, new (introduced after that
quarter's year), reported annually (its survey result is not in yet), or without data.
The grade shown is the analyst's reported grade where one is given, else the rule's; both
are kept, and :func:`reconciliation` lists every place where they differ.
"""

from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from ..arithmetic import round_half_away
from ..model import Dataset, Measure
from ..periods import Quarter
from .rules import (
    GRADES,
    REQUIRES_ACTION,
    BetweenSurveys,
    Reference,
    Rule,
    RuleKind,
    grade_of,
    grade_trend,
    graded_quantity,
    roll_up,
)
from .sources import source_function
from .values import Figure, measure_value

if TYPE_CHECKING:
    from .spc_grading import SpcSignal

    _SpcSignal = SpcSignal
else:
    # a named tuple's field annotation is evaluated at run time, where SpcSignal is not
    # imported; as a string it would be compiled (a typing.ForwardRef), and a process's first
    # compile() costs about 0.9 ms (it builds the ast module's classes)
    _SpcSignal = Any

GRADED = "graded"
NEW = "new"
ANNUAL = "annual"
NO_DATA = "no data"
REPORTED_NOT_COMPUTED = "reported, not computed"


class MeasureGrade(NamedTuple):
    """A measure's grade for a quarter: the rule's, the reported one and their figures."""

    measure: Measure
    quarter: Quarter
    rule: Rule
    state: str
    value: Figure
    reference: Figure = Figure(None)  # immutable: one default serves every grade
    reference_label: str = ""
    quantity: float | None = None
    computed: str | None = None
    reported: str | None = None
    reason: str = ""
    reported_cell: str = ""
    trend_note: str = ""
    spc: _SpcSignal | None = None

    @property
    def shown(self) -> str | None:
        """The grade the pack shows and the roll-up counts: reported, else computed."""
        if self.reported in GRADES:
            return self.reported
        if self.reported:  # "Not graded"
            return None
        return self.computed

    @property
    def differs(self) -> bool:
        return (self.reported in GRADES and self.computed in GRADES
                and self.reported != self.computed)

    @property
    def unchecked(self) -> bool:
        """A reported grade with no computed grade behind it (no value, or no reference)."""
        return self.reported in GRADES and self.computed is None and self.state != NEW

    @property
    def text(self) -> str:
        """The cell text of the measure tables. A reported grade the rule could not compute
        says so (issue 16): it is never shown as if computed."""
        if self.shown and self.unchecked:
            return f"{self.shown} ({REPORTED_NOT_COMPUTED})"
        if self.shown:
            return self.shown
        if self.state == NEW:
            return f"N/A This was a new measure introduced for {self.measure.first_fy.label}"
        if self.state == ANNUAL:
            survey = self.measure.survey or "the annual survey"
            return f"REPORTED ANNUALLY as part of {survey}"
        if self.reported:
            return self.reported
        return "NO DATA"


class PriorityGrade(NamedTuple):
    """A priority's grade for a quarter, rolled up from its measures' grades."""

    priority: str
    quarter: Quarter
    computed: str | None
    reported: str | None
    reason: str
    counted: tuple[str, ...]
    reported_cell: str = ""

    @property
    def shown(self) -> str | None:
        if self.reported in GRADES:
            return self.reported
        return self.computed

    @property
    def differs(self) -> bool:
        return (self.reported in GRADES and self.computed in GRADES
                and self.reported != self.computed) or (
            self.reported in GRADES and self.computed is None)

    @property
    def text(self) -> str:
        return self.shown or "N/A"


def _fixed(ds: Dataset, measure: Measure, rule: Rule, quarter: Quarter) -> tuple[Figure, str]:
    return Figure(rule.baseline_value, "fixed baseline in the rule"), "baseline"


def _previous_year(ds: Dataset, measure: Measure, quarter: Quarter) -> tuple[Figure, str] | None:
    """A yearly source (a survey) compares with the previous financial year's result."""
    yearly = source_function(measure.source).yearly
    if yearly is None:
        return None
    previous = quarter.fy.shift(-1)
    return yearly(ds, measure.source.argument, previous), f"{previous.label} survey"


def _previous_fy(ds: Dataset, measure: Measure, rule: Rule,
                 quarter: Quarter) -> tuple[Figure, str]:
    yearly = _previous_year(ds, measure, quarter)
    if yearly is not None:
        return yearly
    target = Quarter(quarter.fy.shift(-1), 4)
    return measure_value(ds, measure, target), f"{target.fy.label} full year"


def _same_period_last_year(ds: Dataset, measure: Measure, rule: Rule,
                           quarter: Quarter) -> tuple[Figure, str]:
    yearly = _previous_year(ds, measure, quarter)
    if yearly is not None:
        return yearly
    target = quarter.same_quarter_last_year()
    return measure_value(ds, measure, target), f"{target.label} (same period last year)"


def _previous_quarter(ds: Dataset, measure: Measure, rule: Rule,
                      quarter: Quarter) -> tuple[Figure, str]:
    target = quarter.previous()
    return measure_value(ds, measure, target), target.label


def _baseline_fy(ds: Dataset, measure: Measure, rule: Rule,
                 quarter: Quarter) -> tuple[Figure, str]:
    if rule.baseline_fy is None:
        return Figure(None), str(rule.reference)
    target = Quarter(rule.baseline_fy, quarter.number)
    return measure_value(ds, measure, target), f"{target.label} (baseline year)"


#: Each reference a rule may compare with: the figure and its label.
REFERENCES: Mapping[Reference, Callable[[Dataset, Measure, Rule, Quarter],
                                        tuple[Figure, str]]] = MappingProxyType({
    Reference.FIXED: _fixed,
    Reference.PREVIOUS_FY: _previous_fy,
    Reference.SAME_PERIOD_LAST_YEAR: _same_period_last_year,
    Reference.PREVIOUS_QUARTER: _previous_quarter,
    Reference.BASELINE_FY: _baseline_fy,
})


def _reference(ds: Dataset, measure: Measure, rule: Rule, quarter: Quarter) -> tuple[Figure, str]:
    if rule.kind is RuleKind.BANDS or rule.reference is None:
        return Figure(None), ""
    return REFERENCES[rule.reference](ds, measure, rule, quarter)


def _reducing_trend(ds: Dataset, measure: Measure, rule: Rule, quarter: Quarter) -> bool:
    """True when the value got worse in each of the last N quarters (N from the rule)."""
    steps = rule.reducing_trend_quarters
    if not steps:
        return False
    values = [measure_value(ds, measure, quarter.previous(k)).value for k in range(steps, -1, -1)]
    if any(v is None for v in values):
        return False
    rounded = [round_half_away(v) for v in values if v is not None]
    pairs = list(zip(rounded, rounded[1:], strict=False))
    if rule.higher_is_better:
        return all(b < a for a, b in pairs)
    return all(b > a for a, b in pairs)


def _spc_signal(ds: Dataset, measure: Measure, rule: Rule, quarter: Quarter) -> "SpcSignal":
    """The SPC code is imported only for a rule that uses it (``xlperf validate`` need not)."""
    from .spc_grading import spc_signal  # noqa: PLC0415

    return spc_signal(ds, measure, rule, quarter)


def grade_measure(ds: Dataset, measure: Measure, quarter: Quarter) -> MeasureGrade:
    rule = ds.rules[measure.rule]
    entry = ds.measure_values.get((measure.id, quarter))
    reported = entry.reported if entry else None
    reason = entry.reason if entry else ""
    common: dict[str, Any] = {"reported": reported, "reason": reason,
              "reported_cell": entry.reported_cell if entry and reported else ""}
    if quarter.fy < measure.first_fy:
        return MeasureGrade(measure, quarter, rule, NEW, Figure(None), **common)
    if rule.kind is RuleKind.SPC:
        window = _spc_signal(ds, measure, rule, quarter)
        if window.error:
            return MeasureGrade(measure, quarter, rule, NO_DATA, Figure(None, window.working),
                                spc=window, **common)
        count = float(len(window.concerns))
        return MeasureGrade(measure, quarter, rule, GRADED, Figure(count, window.working),
                            quantity=count, computed=grade_of(rule, count), spc=window,
                            **common)
    value = measure_value(ds, measure, quarter)
    if value.value is None:
        annual = measure.frequency == "Annual"
        if annual and rule.between_surveys is BetweenSurveys.CARRY_FORWARD:
            carried = grade_measure(ds, measure, Quarter(quarter.fy.shift(-1), 4))
            if carried.computed:
                return MeasureGrade(
                    measure, quarter, rule, GRADED, carried.value, carried.reference,
                    carried.reference_label, carried.quantity, carried.computed,
                    trend_note=f"carried forward from {carried.quarter.label}", **common,
                )
        return MeasureGrade(measure, quarter, rule, ANNUAL if annual else NO_DATA, value,
                            **common)
    reference, label = _reference(ds, measure, rule, quarter)
    quantity = graded_quantity(rule, value.value, reference.value)
    if quantity is None:
        return MeasureGrade(measure, quarter, rule, NO_DATA, value, reference, label, **common)
    computed = grade_of(rule, quantity)
    note = ""
    if computed != REQUIRES_ACTION and _reducing_trend(ds, measure, rule, quarter):
        computed = REQUIRES_ACTION
        note = f"a reducing trend over {rule.reducing_trend_quarters} quarters"
    signal = _spc_signal(ds, measure, rule, quarter) if rule.spc_points else None
    if signal is not None and signal.concerns and computed != REQUIRES_ACTION:
        computed = REQUIRES_ACTION
        note = f"special-cause concern: {signal.working}"
    return MeasureGrade(measure, quarter, rule, GRADED, value, reference, label, quantity,
                        computed, trend_note=note, spc=signal, **common)


class Grading(NamedTuple):
    """All grades for a run of quarters (oldest first)."""

    quarters: list[Quarter]
    measures: dict[tuple[str, Quarter], MeasureGrade]
    priorities: dict[tuple[str, Quarter], PriorityGrade]

    def measure_trend(self, measure_id: str, quarter: Quarter) -> str | None:
        return _trend(self.measures, measure_id, quarter)

    def priority_trend(self, priority: str, quarter: Quarter) -> str | None:
        return _trend(self.priorities, priority, quarter)


def _trend(grades: Mapping[tuple[str, Quarter], MeasureGrade | PriorityGrade], name: str,
           quarter: Quarter) -> str | None:
    """The arrow from the previous quarter's shown grade to this quarter's."""
    current, previous = grades.get((name, quarter)), grades.get((name, quarter.previous()))
    if current is None or previous is None:
        return None
    return grade_trend(previous.shown, current.shown)


def grade_all(ds: Dataset, quarters: list[Quarter]) -> Grading:
    """Grade every measure and priority in ``quarters`` (plus the quarter before the first,
    so the first quarter's trend can be shown)."""
    span = [quarters[0].previous(), *quarters] if quarters else []
    measures: dict[tuple[str, Quarter], MeasureGrade] = {}
    for quarter in span:
        for measure in ds.measures:
            measures[(measure.id, quarter)] = grade_measure(ds, measure, quarter)
    priorities: dict[tuple[str, Quarter], PriorityGrade] = {}
    for quarter in span:
        for priority, _heading in ds.priorities:
            shown = [measures[(m.id, quarter)].shown for m in ds.measures
                     if m.priority == priority]
            counted = tuple(g for g in shown if g in GRADES)
            reported = ds.priority_grades.get((priority, quarter))
            priorities[(priority, quarter)] = PriorityGrade(
                priority, quarter, roll_up(list(counted), ds.rollup),
                reported.grade if reported else None, reported.reason if reported else "",
                counted, reported.cell if reported else "",
            )
    return Grading(span, measures, priorities)


class Difference(NamedTuple):
    """A grade cell whose reported grade differs from the one the rule gives."""

    level: str  # "measure" or "priority"
    name: str
    quarter: Quarter
    computed: str
    reported: str
    reason: str
    cell: str


def reconciliation(grading: Grading, quarters: list[Quarter]) -> list[Difference]:
    """Every measure and priority cell where the reported grade differs from the rule's."""
    out: list[Difference] = []
    for quarter in quarters:
        for (_mid, q), grade in grading.measures.items():
            if q == quarter and grade.differs:
                out.append(Difference("measure", grade.measure.label, quarter,
                                      grade.computed or "", grade.reported or "", grade.reason,
                                      grade.reported_cell))
        for (name, q), pgrade in grading.priorities.items():
            if q == quarter and pgrade.differs:
                out.append(Difference("priority", name, quarter, pgrade.computed or "N/A",
                                      pgrade.reported or "", pgrade.reason, pgrade.reported_cell))
    return out
