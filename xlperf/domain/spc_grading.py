"""SPC as a grading input: special-cause concern in the latest months of a measure's series.

A rule of kind ``spc`` grades the number of special-cause concern points among the last
``spc_points`` months (up to the quarter's end) of the measure's monthly series; a rule of
another kind with ``spc_points`` becomes Requires Action when there is one. The improvement
direction is the rule's polarity (higher is better: increase).
"""

from __future__ import annotations

from typing import NamedTuple

from ..model import Dataset, Measure
from ..periods import Quarter
from .rules import Rule
from .spc import SpcError, SpcPoint, describe
from .spc_series import chart, measure_series

CONCERN = "special_cause_concern"


class SpcSignal(NamedTuple):
    """The latest ``spc_points`` points of a measure's XmR chart, or why there are none."""

    series: str
    last: tuple[SpcPoint, ...] = ()
    error: str = ""

    @property
    def concerns(self) -> tuple[SpcPoint, ...]:
        return tuple(p for p in self.last if p.point_type == CONCERN)

    @property
    def working(self) -> str:
        if self.error:
            return f"no XmR chart of {self.series}: {self.error}"
        span = f"{self.last[0].period} to {self.last[-1].period}" if self.last else "none"
        count = len(self.concerns)
        return (f"{count} special-cause concern point{'s' * (count != 1)} in the last "
                f"{len(self.last)} months of {self.series} ({span})")

    def lines(self) -> list[str]:
        """One line per point of the window: its type and which rule fired on it."""
        return [f"  {describe(p)} -> {(p.point_type or 'none').replace('_', ' ')}"
                for p in self.last]


def spc_signal(ds: Dataset, measure: Measure, rule: Rule, quarter: Quarter) -> SpcSignal:
    name = measure_series(measure)
    if name is None:
        return SpcSignal(measure.source.text, error="the measure has no monthly series "
                         "(its value is typed or comes from a survey)")
    try:
        result = chart(ds, name, quarter,
                       "increase" if rule.higher_is_better else "decrease")
    except SpcError as exc:
        return SpcSignal(name, error=str(exc))
    valued = [p for p in result.points if p.value is not None]
    return SpcSignal(name, tuple(valued[-(rule.spc_points or 1):]))
