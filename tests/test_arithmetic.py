import math
from decimal import ROUND_HALF_UP, Context, Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from xlperf.arithmetic import (
    fmt_count,
    fmt_percent,
    points_change,
    pooled_rate,
    rate,
    relative_change,
    round_half_away,
)


def test_rounding_is_half_away_from_zero_like_excel():
    assert round_half_away(62.5) == 63
    assert round_half_away(-62.5) == -63
    assert round_half_away(0.5) == 1
    assert round_half_away(2.675, 2) == 2.68
    assert round(62.5) == 62  # why the helper exists


#: Enough precision for any float's digits (the largest has 309) and the rounding digits.
_EXACT = Context(prec=400, Emax=1000, Emin=-1000)


def decimal_rounding(value: float, digits: int) -> float:
    """The rounding round_half_away stands for, with the decimal module."""
    quantum = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP, context=_EXACT))


def same_float(a: float, b: float) -> bool:
    return a == b and math.copysign(1, a) == math.copysign(1, b)


@given(st.floats(allow_nan=False, allow_infinity=False), st.integers(-3, 6))
@example(0.5, 0)
@example(-0.5, 0)
@example(2.675, 2)
@example(1.005, 2)
@example(-0.0, 0)
@example(-0.004, 2)
@example(0.05, 1)
@example(0.0049, 2)
@example(9.995, 2)
@example(99.5, 0)
@example(-99.5, 0)
@example(1e30, 0)
@example(1.5e-07, 0)
@example(5e-324, 2)
@example(1.7976931348623157e308, 2)
@example(123456.789, -2)
@example(449.9999999999999, -2)
def test_rounding_is_the_decimal_module_s(value: float, digits: int) -> None:
    assert same_float(round_half_away(value, digits), decimal_rounding(value, digits))


@pytest.mark.parametrize("value", [math.inf, -math.inf])
def test_infinities_are_left_as_they_are(value: float) -> None:
    assert round_half_away(value) == value
    assert math.isnan(round_half_away(math.nan))


def test_fifty_of_eighty_prints_63_percent():
    assert fmt_percent(rate(50, 80)) == "63%"


def test_zero_denominator_is_not_available():
    assert rate(0, 0) is None
    assert fmt_percent(rate(3, 0)) == "N/A"
    assert relative_change(5, 0) is None


def test_pooled_rate_is_sum_over_sum_not_mean_of_months():
    stops = [20, 28, 33, 21, 14, 11, 10, 7, 14, 29, 21, 13]
    positive = [9, 13, 21, 13, 7, 8, 9, 4, 10, 18, 11, 8]
    assert fmt_percent(pooled_rate(positive, stops)) == "59%"
    mean_of_rates = sum(p / s * 100 for p, s in zip(positive, stops, strict=True)) / 12
    assert fmt_percent(mean_of_rates) == "61%"


def test_pooled_rate_skips_months_without_data():
    assert pooled_rate([None, 0, 2], [None, 0, 2]) == 100.0
    assert pooled_rate([None], [None]) is None


def test_changes_print_without_plus_sign():
    assert fmt_percent(relative_change(12, 23)) == "-48%"
    assert fmt_percent(relative_change(9, 5)) == "80%"
    assert fmt_percent(relative_change(29, 10)) == "190%"
    assert fmt_percent(relative_change(100, 100.4)) == "0%"
    assert points_change(59, 63) == -4


def test_counts_have_thousands_separators_and_blank_for_missing():
    assert fmt_count(4548) == "4,548"
    assert fmt_count(None) == ""
