"""National metric values checked against the unit national.yaml gives each metric (count:
a whole number 0 or more; percent: 0 to 100; rate). Measure values in % are checked by
:mod:`xlperf.domain.checks` (``percent-out-of-range``).

Pure: works on the :class:`~xlperf.model.Dataset`, reporting at each value's input cell.
"""

from __future__ import annotations

from typing import Any

from .. import codes
from ..model import Dataset
from ..problems import Problem, split_address
from ..schema import load_data
from .convert import show_number


def unit_problem(value: float, unit: str, units: dict[str, Any], what: str) -> str | None:
    """Why ``value`` is not a valid ``unit`` value (None when it is)."""
    spec = units.get(unit)
    if spec is None:
        return None
    if spec.get("whole") and not float(value).is_integer():
        return f"{show_number(value)} is not a whole number; {what} is a count"
    low, high = spec.get("min"), spec.get("max")
    if (low is not None and value < low) or (high is not None and value > high):
        name = "a percentage" if unit == "percent" else f"a {unit}"
        return (f"{show_number(value)} is outside {show_number(low)} to {show_number(high)}; "
                f"{what} is {name}")
    return None


def check_units(ds: Dataset) -> list[Problem]:
    national = load_data("national")
    units: dict[str, Any] = national.get("units", {})
    problems: list[Problem] = []
    for (metric_id, quarter), entry in sorted(ds.national_metrics.items(),
                                              key=lambda item: item[1].cell):
        spec = national["national_metrics"].get(metric_id)
        if entry.value is None or spec is None:
            continue
        why = unit_problem(entry.value, spec["unit"], units,
                           f"{metric_id} ({quarter.label})")
        if why:
            sheet, ref = split_address(entry.cell)
            problems.append(Problem(codes.VALUE_OUTSIDE_UNIT, why, sheet, ref, ds.file))
    return problems
