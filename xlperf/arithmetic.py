"""The arithmetic conventions of the committee papers (see DOMAIN.md).

Rates are pooled (sum of numerators over sum of denominators); change between counts is
relative; change between rates is in percentage points; rounding is half away from zero,
as Excel's ROUND does (Python's ``round`` rounds half to even and would print 50/80 as 62%).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

NOT_AVAILABLE = "N/A"


def round_half_away(value: float, digits: int = 0) -> float:
    """Round like Excel's ROUND: halves go away from zero. ``round_half_away(62.5) == 63``.

    The rounding is done on the digits of ``repr(value)``, the shortest decimal that reads
    back as the same float, so 62.5 stays 62.5 and 1.005 (really 1.00499999...) is not
    mistaken for a half; the digits kept are read back as the nearest float. This is what
    ``Decimal(repr(value)).quantize(Decimal(10) ** -digits, ROUND_HALF_UP)`` gives
    (tests/test_arithmetic.py compares the two), without importing ``decimal``.
    """
    value = float(value)
    if not math.isfinite(value):
        return value  # NaN and infinities have nothing to round (the reader refuses them)
    text = repr(value)
    sign = "-" if text.startswith("-") else ""
    mantissa, _, exponent = text.lstrip("-").partition("e")
    whole, _, fraction = mantissa.partition(".")
    shown = whole + fraction  # the digits, the decimal point after the first ``point``
    point = len(whole) + (int(exponent) if exponent else 0)
    kept = point + digits  # how many of the digits the rounding keeps
    if kept >= len(shown):
        return value  # nothing to drop
    if kept < 0:
        return float(f"{sign}0")  # every digit dropped, the first of them a zero
    number = int(shown[:kept] or "0") + (shown[kept] >= "5")
    return float(f"{sign}{number}e{-digits}")


def rate(numerator: float | None, denominator: float | None) -> float | None:
    """``numerator / denominator * 100``; None when either is missing or the denominator is 0."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator * 100


def pooled_rate(numerators: Iterable[float | None], denominators: Iterable[float | None]) -> (
    float | None
):
    """Pooled rate over paired months: months where either figure is missing are left out."""
    num = den = 0.0
    seen = False
    for n, d in zip(numerators, denominators, strict=True):
        if n is None or d is None:
            continue
        num += n
        den += d
        seen = True
    return rate(num, den) if seen else None


def relative_change(new: float | None, old: float | None) -> float | None:
    """``(new - old) / old * 100``; None when either is missing or old is 0."""
    if new is None or old is None or old == 0:
        return None
    return (new - old) / old * 100


def points_change(new: float | None, old: float | None) -> float | None:
    """Change between two rates in percentage points."""
    if new is None or old is None:
        return None
    return new - old


def total(values: Iterable[float | None]) -> int | float | None:
    """Sum of the values present; None when none is."""
    present = [v for v in values if v is not None]
    if not present:
        return None
    return sum(present)


def fmt_percent(value: float | None, digits: int = 0) -> str:
    """``63%`` (half away from zero), ``-48%`` with no plus sign, ``N/A`` when missing."""
    if value is None:
        return NOT_AVAILABLE
    rounded = round_half_away(value, digits)
    if rounded == 0:
        rounded = 0.0  # never print -0%
    return f"{rounded:.{digits}f}%"


def fmt_count(value: float | None) -> str:
    """``4,548``; blank when missing."""
    if value is None:
        return ""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"
