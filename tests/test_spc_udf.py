"""=XLPERF_SPC: the cell function, called directly (xw.func is a no-op off Windows)."""

from __future__ import annotations

import inspect
import re

import pytest

from xlperf.excel import udfs

# NHSRplotthedots vignettes/deviations.Rmd: one outlier (10) in 18 points; limits
# -0.72 / 4.6 around a mean of 1.94 with outliers screened
VIGNETTE: list[object] = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]


def test_last_point_type_follows_the_improvement_direction() -> None:
    rising = [10, 12, 9, 11, 10, 12, 9, 11, 10, 12, 9, 11, 13, 14, 15, 16, 17, 18, 19]
    assert udfs.XLPERF_SPC(rising, "increase") == "special_cause_improvement"
    assert udfs.XLPERF_SPC(rising, "decrease") == "special_cause_concern"
    assert udfs.XLPERF_SPC(rising, "Neutral") == "special_cause_neutral_high"
    assert udfs.XLPERF_SPC(VIGNETTE) == "common_cause"


def test_limits_form_spills_mean_lower_and_upper_per_value() -> None:
    column = [[v] for v in [None, *VIGNETTE, None]]  # a 2-D column with blank ends
    spilled = udfs.XLPERF_SPC(column, "increase", "limits")
    assert isinstance(spilled, list) and len(spilled) == 20
    assert spilled[0] == [None, None, None] and spilled[-1] == [None, None, None]
    assert [round(float(x), 2) for x in spilled[5]] == [1.94, -0.72, 4.6]  # type: ignore[arg-type]


@pytest.mark.parametrize(("values", "improvement", "message"), [
    ([1, 2, "x"], "increase", "#SPC: value 3 ('x') is not a number"),
    ([4, 4, 4], "increase", "#SPC: every value of 1 to 3 is 4: the moving range is zero"),
    ([5], "increase", "#SPC: the segment 1 to 1 has 1 value"),
    ([1, None, 3], "increase", "#SPC: period 2 has no value between two values"),
    ([1, 2, 3], "up", "#SPC: improvement must be increase, decrease, neutral, not 'up'"),
])
def test_bad_ranges_give_a_readable_error_value(values: list[object], improvement: str,
                                                message: str) -> None:
    result = udfs.XLPERF_SPC(values, improvement)
    assert isinstance(result, str) and result.startswith(message)


def test_it_is_registered_with_the_other_cell_functions() -> None:
    source = inspect.getsource(udfs)
    registered = re.findall(r"^@xw\.func\b.*\n(?:@xw\.arg\b.*\n)*def (\w+)\(", source,
                            re.MULTILINE)
    assert "XLPERF_SPC" in registered
