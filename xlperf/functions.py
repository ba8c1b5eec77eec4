"""The calculations analysts can use in cells (see xlperf/excel/udfs.py for the Excel side).

Plain functions over plain values, the same code the pack uses, so a figure typed with
=XLPERF.GRADE(...) in a cell agrees with the pack.
"""

from __future__ import annotations

from collections.abc import Iterable

from .arithmetic import fmt_percent, relative_change, round_half_away
from .domain.rules import (
    GRADES,
    Reference,
    default_rollup,
    default_rules,
    grade_of,
    grade_trend,
)
from .domain.rules import graded_quantity as _graded_quantity
from .domain.rules import roll_up as _roll_up

_CANONICAL = {g.lower(): g for g in GRADES}


def _grade_name(text: object) -> str | None:
    if text is None:
        return None
    return _CANONICAL.get(str(text).strip().lower())


def grade(value: float, rule: str, reference: float | None = None) -> str:
    """The grade of ``value`` under the named default rule (against ``reference``)."""
    rules = default_rules()
    if rule not in rules:
        return f"#UNKNOWN RULE {rule}"
    chosen = rules[rule]
    if reference is None and chosen.reference is Reference.FIXED:
        reference = chosen.baseline_value
    quantity = _graded_quantity(chosen, float(value),
                                None if reference is None else float(reference))
    if quantity is None:
        return "N/A"
    return grade_of(chosen, quantity)


def rollup(grades: Iterable[object]) -> str:
    """The priority grade of a range of measure grades under the default roll-up rule."""
    names = [g for g in (_grade_name(x) for x in _flatten(grades)) if g]
    result = _roll_up(names, default_rollup())
    return result.upper() if result else "N/A"


def trend(previous: object, current: object) -> str:
    """↑ improved, → unchanged, ↓ worsened ("" when either is not a grade)."""
    return grade_trend(_grade_name(previous), _grade_name(current)) or ""


def change(new: float | None, old: float | None) -> float | str:
    """Relative change in % (rounded half away from zero to 1 dp), "N/A" when old is 0."""
    value = relative_change(new, old)
    return "N/A" if value is None else round_half_away(value, 1)


def change_text(new: float | None, old: float | None) -> str:
    """``-48%`` as the tables print it."""
    return fmt_percent(relative_change(new, old))


def direction(new: float | None, old: float | None) -> str:
    """↑ the count rose, ↓ it fell, → the change rounds to 0%."""
    value = relative_change(new, old)
    if value is None:
        if new is None or old is None:
            return ""
        return "↑" if new > old else "↓" if new < old else "→"
    rounded = round_half_away(value)
    return "↑" if rounded > 0 else "↓" if rounded < 0 else "→"


def direction_is_good(new: float, old: float, lower_is_better: bool = True) -> bool | None:
    """Whether the direction is good under the polarity (None when flat)."""
    arrow = direction(new, old)
    if arrow in ("→", ""):
        return None
    return (arrow == "↓") == lower_is_better


def spc(values: Iterable[object], improvement: object = "increase",
        form: object = "type") -> str | list[list[object]]:
    """XmR chart of a range of monthly values (blanks allowed at the start and the end).

    ``form`` "type": the last point's type (``special_cause_concern`` ...); "limits": one row
    per value with its mean, lower and upper process limit (blank for blank values). A range
    the method cannot chart gives ``#SPC: <why>``.
    """
    from .domain.spc import IMPROVEMENTS, SpcError, SpcOptions  # noqa: PLC0415
    from .domain.spc import spc as xmr  # noqa: PLC0415

    direction = str(improvement or "increase").strip().lower()
    if direction not in IMPROVEMENTS:
        return f"#SPC: improvement must be {', '.join(IMPROVEMENTS)}, not {improvement!r}"
    series: list[tuple[str, float | None]] = []
    for i, value in enumerate(_flatten(values), start=1):
        if value is None or (isinstance(value, str) and not value.strip()):
            series.append((str(i), None))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            series.append((str(i), float(value)))
        else:
            return f"#SPC: value {i} ({value!r}) is not a number"
    try:
        result = xmr(series, SpcOptions(improvement=direction))
    except SpcError as exc:
        return f"#SPC: {exc}"
    if str(form).strip().lower() == "limits":
        return [[p.mean, p.lpl, p.upl] for p in result.points]
    return result.variation or ""


def _flatten(values: Iterable[object]) -> list[object]:
    out: list[object] = []
    for value in values:
        if isinstance(value, (list, tuple)):
            out.extend(_flatten(value))
        else:
            out.append(value)
    return out
