"""Grading rules as data: parse them, and grade one quantity under a rule.

A rule names its kind, polarity, reference and two thresholds. Thresholds are comparisons
(">= 5") an analyst can read in the Rules table; none lives in code.
"""

import operator
import re
from collections.abc import Callable, Mapping
from enum import Enum
from functools import lru_cache
from types import MappingProxyType
from typing import Any, NamedTuple

from .. import codes
from ..arithmetic import round_half_away
from ..periods import FinancialYear
from ..schema import load_data

SATISFACTORY = "Satisfactory"
CLOSE_MONITORING = "Close Monitoring"
REQUIRES_ACTION = "Requires Action"
GRADES: tuple[str, ...] = (SATISFACTORY, CLOSE_MONITORING, REQUIRES_ACTION)
#: Higher is better: Satisfactory 2, Close Monitoring 1, Requires Action 0.
GRADE_SCORE = {SATISFACTORY: 2, CLOSE_MONITORING: 1, REQUIRES_ACTION: 0}


class _Declared(Enum):
    """A value an analyst types (a drop-down of the Rules table): printed as typed."""

    def __str__(self) -> str:
        return str(self.value)


class RuleKind(_Declared):
    BANDS = "bands"
    POINTS_CHANGE = "points-change"
    RELATIVE_CHANGE = "relative-change"
    SPC = "spc"


class Polarity(_Declared):
    HIGHER_IS_BETTER = "Higher is better"
    LOWER_IS_BETTER = "Lower is better"


class Reference(_Declared):
    FIXED = "fixed"
    PREVIOUS_FY = "previous FY"
    SAME_PERIOD_LAST_YEAR = "same period last year"
    PREVIOUS_QUARTER = "previous quarter"
    BASELINE_FY = "baseline FY"


class BetweenSurveys(_Declared):
    EXCLUDE = "exclude"
    CARRY_FORWARD = "carry forward"


#: The Rules table's drop-down lists (input.yaml ``choices:``), declared by the enums above.
CHOICES: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "rule_kind": tuple(k.value for k in RuleKind),
    "polarity": tuple(p.value for p in Polarity),
    "reference": tuple(r.value for r in Reference),
    "between_surveys": tuple(b.value for b in BetweenSurveys),
})

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt,
}
#: A threshold's text in any form (:func:`parse_threshold` compiles it only for a text that is
#: not an operator, a space and digits, such as ``>= 5``).
_THRESHOLD = r"^\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)\s*%?\s*$"


class Threshold(NamedTuple):
    """A comparison of a rule's quantity with a value (``< -5``)."""

    op: str
    value: float

    def holds(self, quantity: float) -> bool:
        return _OPS[self.op](quantity, self.value)

    @property
    def text(self) -> str:
        number = int(self.value) if float(self.value).is_integer() else self.value
        return f"{self.op} {number}"

    @property
    def upward(self) -> bool:
        """True when the threshold holds for large quantities (> or >=)."""
        return self.op.startswith(">")


def parse_threshold(text: str) -> Threshold:
    string = str(text)
    op, space, number = string.partition(" ")
    if space and op in _OPS and number.isascii() and number.isdigit():
        return Threshold(op, float(number))  # as the pattern reads it
    match = re.match(_THRESHOLD, string)
    if not match:
        raise ValueError(f"{str(text)!r} is not a threshold such as '>= 5' or '< 80'")
    return Threshold(match.group(1), float(match.group(2)))


#: A rule's default ``cells``: none (a default rule is not read from the input).
_NO_CELLS: Mapping[str, str] = MappingProxyType({})


class Rule(NamedTuple):
    """A grading rule: what it compares, which way is better, where each grade starts."""

    name: str
    kind: RuleKind
    polarity: Polarity
    close_monitoring_when: Threshold
    requires_action_when: Threshold
    reference: Reference | None = None
    baseline_value: float | None = None
    baseline_fy: FinancialYear | None = None
    reducing_trend_quarters: int | None = None
    #: spc: the last n points of the measure's monthly series whose special-cause concern
    #: points are counted (kind spc grades that count; other kinds: Requires Action on one)
    spc_points: int | None = None
    between_surveys: BetweenSurveys = BetweenSurveys.EXCLUDE
    description: str = ""
    origin: str = "default"  # "default" (data/rules.yaml) or "Rules!B7" (the input workbook)
    #: where each field was read from (not compared, nor hashed)
    cells: Mapping[str, str] = _NO_CELLS

    def __eq__(self, other: object) -> bool:
        """Rules are equal when every field but ``cells`` is."""
        if not isinstance(other, Rule) or other.__class__ is not self.__class__:
            return NotImplemented
        return self[:-1] == other[:-1]

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash(self[:-1])

    @property
    def higher_is_better(self) -> bool:
        return self.polarity is Polarity.HIGHER_IS_BETTER

    def check(self) -> list[tuple[str, str, str]]:
        """Problems with the rule itself: (code, column, message)."""
        out = []
        cm, ra = self.close_monitoring_when, self.requires_action_when
        if cm.upward != ra.upward:
            out.append((codes.THRESHOLDS_OUT_OF_ORDER, "Requires Action when",
                        f"rule {self.name}: '{cm.text}' and '{ra.text}' point in opposite "
                        "directions"))
        elif (cm.upward and ra.value < cm.value) or (not cm.upward and ra.value > cm.value):
            out.append((codes.THRESHOLDS_OUT_OF_ORDER, "Requires Action when",
                        f"rule {self.name}: Requires Action ('{ra.text}') must be stricter "
                        f"than Close Monitoring ('{cm.text}')"))
        if self.kind is RuleKind.SPC and not self.spc_points:
            out.append((codes.MISSING_SPC_POINTS, "SPC points",
                        f"rule {self.name}: an spc rule needs SPC points (how many of the "
                        "latest months to look for special-cause concern in)"))
        if self.kind not in (RuleKind.BANDS, RuleKind.SPC):
            if self.reference is None:
                out.append((codes.MISSING_REFERENCE, "Reference",
                            f"rule {self.name}: a {self.kind} rule needs a reference"))
            elif self.reference is Reference.FIXED and self.baseline_value is None:
                out.append((codes.MISSING_REFERENCE, "Baseline value",
                            f"rule {self.name}: reference 'fixed' needs a baseline value"))
            elif self.reference is Reference.BASELINE_FY and self.baseline_fy is None:
                out.append((codes.MISSING_REFERENCE, "Baseline FY",
                            f"rule {self.name}: reference 'baseline FY' needs a baseline FY"))
        return out


def _points(value: float, reference: float) -> float | None:
    return round_half_away(value) - round_half_away(reference)


def _relative(value: float, reference: float) -> float | None:
    if reference == 0:
        return None
    return round_half_away((value - reference) / reference * 100)


#: Change kinds: the change from the reference, as printed (points, or % of the reference).
CHANGES: Mapping[RuleKind, Callable[[float, float], float | None]] = MappingProxyType({
    RuleKind.POINTS_CHANGE: _points,
    RuleKind.RELATIVE_CHANGE: _relative,
})


def graded_quantity(rule: Rule, value: float, reference: float | None) -> float | None:
    """The number the thresholds are compared with, rounded as it is printed.

    bands: the value. Change kinds: how much WORSE than the reference, so positive means
    worse whatever the polarity (points, or percent of the reference). spc: the value is
    already the count of special-cause concern points (see domain/spc_grading.py).
    """
    change_of = CHANGES.get(rule.kind)
    if change_of is None:
        return round_half_away(value)
    if reference is None:
        return None
    change = change_of(value, reference)
    if change is None:
        return None
    return -change if rule.higher_is_better else change


def grade_of(rule: Rule, quantity: float) -> str:
    if rule.requires_action_when.holds(quantity):
        return REQUIRES_ACTION
    if rule.close_monitoring_when.holds(quantity):
        return CLOSE_MONITORING
    return SATISFACTORY


def rule_from_mapping(data: dict[str, Any], origin: str = "default") -> Rule:
    """Build a rule from data/rules.yaml's keys (snake_case)."""
    baseline_fy = data.get("baseline_fy")
    reference = data.get("reference")
    return Rule(
        name=str(data["rule"]),
        kind=RuleKind(data["kind"]),
        polarity=Polarity(data["polarity"]),
        close_monitoring_when=parse_threshold(str(data["close_monitoring_when"])),
        requires_action_when=parse_threshold(str(data["requires_action_when"])),
        reference=Reference(reference) if reference else None,
        baseline_value=data.get("baseline_value"),
        baseline_fy=FinancialYear.parse(str(baseline_fy)) if baseline_fy else None,
        reducing_trend_quarters=data.get("reducing_trend_quarters"),
        spc_points=data.get("spc_points"),
        between_surveys=BetweenSurveys(data.get("between_surveys") or BetweenSurveys.EXCLUDE),
        description=" ".join(str(data.get("description", "")).split()),
        origin=origin,
    )


@lru_cache(maxsize=1)
def default_rules() -> dict[str, Rule]:
    return {r["rule"]: rule_from_mapping(r) for r in load_data("rules")["rules"]}


class RollUpCondition(NamedTuple):
    """A priority's grade when at least so many of its measures have given ones."""

    grade: str
    counts: str  # "Requires Action", "Close Monitoring", "Close Monitoring or Requires Action"
    at_least: int

    def counted(self, grades: list[str]) -> int:
        wanted = {g.strip() for g in self.counts.split(" or ")}
        return sum(1 for g in grades if g in wanted)

    def holds(self, grades: list[str]) -> bool:
        return self.counted(grades) >= self.at_least

    @property
    def text(self) -> str:
        return f"{self.grade.upper()} when at least {self.at_least} measures are {self.counts}"


@lru_cache(maxsize=1)
def default_rollup() -> tuple[RollUpCondition, ...]:
    data = load_data("rules")
    return tuple(
        RollUpCondition(c["grade"], c["counts"], int(c["at_least"])) for c in data["rollup"]
    )


def rollup_description() -> str:
    return " ".join(load_data("rules")["rollup_description"].split())


def roll_up(grades: list[str], conditions: tuple[RollUpCondition, ...]) -> str | None:
    """The priority grade from its graded measures; None when no measure is graded."""
    graded = [g for g in grades if g in GRADES]
    if not graded:
        return None
    for condition in conditions:
        if condition.holds(graded):
            return condition.grade
    return SATISFACTORY


def grade_trend(previous: str | None, current: str | None) -> str | None:
    """↑ improved, → unchanged, ↓ worsened; None when either quarter is not graded."""
    if previous not in GRADE_SCORE or current not in GRADE_SCORE:
        return None
    diff = GRADE_SCORE[current] - GRADE_SCORE[previous]
    return "↑" if diff > 0 else "↓" if diff < 0 else "→"
