"""xlperf's functions for Excel cells, registered through the xlwings.conf "UDF Modules".

Excel shows each function under its Python name (xlwings imports them into the workbook as
VBA wrappers: the Import functions button of the analyst workbook, Windows only). Examples:
    =XLPERF_GRADE(79, "CT-SURVEY-V-BASELINE")            -> Requires Action
    =XLPERF_GRADE(59.3, "RATE-V-PREVIOUS-FY", 62.7)      -> Close Monitoring
    =XLPERF_ROLLUP(C5:C9)                                -> CLOSE MONITORING
    =XLPERF_TREND("Close Monitoring", "Satisfactory")    -> ↑
    =XLPERF_CHANGE(12, 23)                               -> -47.8
    =XLPERF_DIRECTION(12, 23)                            -> ↓
    =XLPERF_SPC(C5:C40, "decrease")                      -> special_cause_concern
    =XLPERF_SPC(C5:C40, "decrease", "limits")            -> spills mean, lower, upper limit
"""

from __future__ import annotations

import os

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import xlwings as xw

from .. import functions


@xw.func(category="xlperf")
@xw.arg("value", doc="The measure's value (e.g. 79 for 79%)")
@xw.arg("rule", doc="A rule name from xlperf's default rules")
@xw.arg("reference", doc="The reference value, for change rules")
def XLPERF_GRADE(value: float, rule: str, reference: float | None = None) -> str:  # noqa: N802
    """The grade of a value under a named grading rule."""
    return functions.grade(value, rule, reference)


@xw.func(category="xlperf")
@xw.arg("grades", ndim=2, doc="A range of measure grades")
def XLPERF_ROLLUP(grades: list[list[object]]) -> str:  # noqa: N802
    """The priority assessment of a range of measure grades (Appendix A rule)."""
    return functions.rollup(grades)


@xw.func(category="xlperf")
def XLPERF_TREND(previous: str, current: str) -> str:  # noqa: N802
    """The trend arrow between last quarter's grade and this quarter's."""
    return functions.trend(previous, current)


@xw.func(category="xlperf")
def XLPERF_CHANGE(new: float, old: float) -> float | str:  # noqa: N802
    """Relative change in % between two counts."""
    return functions.change(new, old)


@xw.func(category="xlperf")
def XLPERF_DIRECTION(new: float, old: float) -> str:  # noqa: N802
    """↑ rose, ↓ fell, → no change (rounded to a whole percent)."""
    return functions.direction(new, old)


@xw.func(category="xlperf")
@xw.arg("values", ndim=1, doc="A column or row of monthly values, oldest first")
@xw.arg("improvement", doc='"increase", "decrease" or "neutral": which direction is better')
@xw.arg("form", doc='"type" (default): the last point type; "limits": mean, LPL, UPL per value')
def XLPERF_SPC(values: list[object], improvement: str = "increase",  # noqa: N802
               form: str = "type") -> str | list[list[object]]:
    """XmR chart (Making Data Count rules): the last point's type, or the limits."""
    return functions.spc(values, improvement, form)
