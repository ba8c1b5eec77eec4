"""XmR (process-behaviour) charts with the NHS *Making Data Count* special-cause rules.

A port of NHSRplotthedots 0.2.2 (nhs-r-community/NHSRplotthedots: R/ptd_spc_standard.R,
R/ptd_calculate_point_type.R, R/ptd_calculate_assurance_type.R), so its published results are
reproduced:

* Each segment (the series, or the points between rebase periods) has its own mean and its
  moving ranges ``|x_i - x_(i-1)|``; with ``fix_after_n_points`` only the segment's first n
  points count. With ``screen_outliers`` (the default, Nelson 1982) moving ranges of 3.267 x
  their mean or more are dropped and the mean moving range recomputed.
* Limits: mean +/- 2.66 x mean moving range; "close to a limit" is beyond mean +/- 2/3 of that.
* Rules, per segment, in this order of precedence: a point outside the limits; a run of 7
  points each strictly above (below) the previous one (a tie breaks the run); 2 of 3
  consecutive points close to a limit (not beyond it) with all 3 on the same side of the mean
  (only the close points are flagged); 7 points in a row on the same side of the mean (a point
  on the mean breaks the run). A run flags every point in it.
* Point types: ``common_cause``, ``special_cause_improvement``, ``special_cause_concern``,
  and on a neutral series ``special_cause_neutral_high`` / ``special_cause_neutral_low``.
  The variation type is the last point's type; the assurance type (with a target, not on a
  neutral series) compares the target with the last segment's limits.

Where NHSRplotthedots is silent or lenient, xlperf refuses with a :class:`SpcError` instead:
a missing value between two values, a rebase period not in the series (or its first period),
a segment with fewer than 2 values, a segment whose values are all equal, a target on a
neutral series. Leading and trailing missing values are allowed (months not yet reported):
their points have no mean, limits or type.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal, NamedTuple

Improvement = Literal["increase", "decrease", "neutral"]
PointType = Literal["common_cause", "special_cause_improvement", "special_cause_concern",
                    "special_cause_neutral_high", "special_cause_neutral_low"]
Assurance = Literal["consistent_pass", "consistent_fail", "inconsistent"]

IMPROVEMENTS: tuple[Improvement, ...] = ("increase", "decrease", "neutral")
#: Scaling of the mean moving range to 3 sigma (3 / d2, d2 = 1.128 for ranges of 2 points).
LIMIT = 2.66
#: Moving ranges of this many mean moving ranges or more are outliers (Nelson 1982: D4).
OUTLIER_MR = 3.267
#: NHSRplotthedots: fewer points than this in a segment give "trial limits".
TRIAL_LIMIT_POINTS = 12
#: NHSRplotthedots refuses fix_after_n_points below 12.
MIN_FIX_AFTER = 12
#: Run lengths of the trend and shift rules.
RUN = 7

#: Readable names of NHSRplotthedots' special-cause labels, by rule.
RULE_NAMES = {
    "outside": "a point outside the process limits",
    "trend": "a run of 7 points each higher (lower) than the one before",
    "two_in_three": "2 of 3 points close to a process limit, all 3 on the same side",
    "shift": "7 points in a row on the same side of the mean",
}


class SpcError(ValueError):
    """A series or an option the method cannot work with; the message says why."""


class SpcOptions(NamedTuple):
    """How an XmR chart is worked out: improvement, rebases, fixed limits, target."""

    improvement: Improvement = "increase"
    rebase: tuple[str, ...] = ()
    fix_after_n_points: int | None = None
    screen_outliers: bool = True
    target: float | None = None


class SpcPoint(NamedTuple):
    """One point of an XmR chart: its value, mean, limits and special-cause type."""

    period: str
    value: float | None
    mean: float | None
    lpl: float | None
    upl: float | None
    point_type: PointType | None
    #: NHSRplotthedots' special-cause label ("Above UCL", "7 Point Trend (Increasing)",
    #: "2 in 3 Below CL", "7 Points Above CL"); None for common cause and missing points.
    special_cause: str | None = None
    #: Which rule the label comes from (a key of RULE_NAMES), or None.
    rule: str | None = None

    def to_json(self) -> dict[str, object]:
        return {"period": self.period, "value": self.value, "mean": self.mean,
                "lpl": self.lpl, "upl": self.upl, "point_type": self.point_type}


class SpcResult(NamedTuple):
    """An XmR chart: its points, the latest point's variation and the assurance."""

    points: tuple[SpcPoint, ...]
    variation: PointType | None
    assurance: Assurance | None
    #: Warnings that do not stop the method (short segments give trial limits).
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {"points": [p.to_json() for p in self.points], "variation": self.variation,
                "assurance": self.assurance}

    def last_point(self) -> SpcPoint | None:
        """The last point with a value (whose type is the variation type)."""
        valued = [p for p in self.points if p.value is not None]
        return valued[-1] if valued else None


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


# --- the rules, one function each, as NHSRplotthedots writes them --------------------------

def seven_point_trend(y: Sequence[float]) -> list[int]:
    """1 (-1) at the 7th point of 7 strictly increasing (decreasing) points, else 0."""
    out = [0] * len(y)
    for i in range(RUN - 1, len(y)):
        steps = {_sign(y[i - k] - y[i - k - 1]) for k in range(RUN - 1)}
        if steps == {1}:
            out[i] = 1
        elif steps == {-1}:
            out[i] = -1
    return out


def part_of_seven(flags: Sequence[int]) -> list[int]:
    """1 for each point that is in a run ending at a flagged point within the next 6."""
    return [int(any(abs(f) == 1 for f in flags[i:i + RUN])) for i in range(len(flags))]


def seven_point_one_side_mean(relative_to_mean: Sequence[int]) -> list[int]:
    """1 at the 7th (and each later) point of a run of 7 on the same side of the mean."""
    padded = [0] * (RUN - 1) + list(relative_to_mean)
    out = []
    for i in range(RUN - 1, len(padded)):
        here = padded[i]
        out.append(int(here != 0 and all(padded[i - k] == here for k in range(1, RUN))))
    return out


def two_in_three(close: Sequence[int], relative_to_mean: Sequence[int]) -> list[int]:
    """1 for each point in a window of 3 with 2+ close points, all 3 on the same side."""
    if not close:
        return []
    vp = [0, 0, *close, 0, 0]
    rp = [0, 0, *relative_to_mean, 0, 0]
    out = []
    for i in range(len(close)):
        hit = any(sum(vp[i + s:i + s + 3]) >= 2 and abs(sum(rp[i + s:i + s + 3])) == 3
                  for s in range(3))
        out.append(int(hit))
    return out


def part_of_two_in_three(flags: Sequence[int], close: Sequence[int]) -> list[int]:
    """Only the close points of a 2-in-3 window are flagged."""
    return [int(f == 1 and abs(c) == 1) for f, c in zip(flags, close, strict=True)]


def special_cause_types(y: Sequence[float], relative_to_mean: Sequence[int],
                        close: Sequence[int], outside: Sequence[int]) -> list[str]:
    """NHSRplotthedots' label of each point of a segment (``ptd_special_cause_type``)."""
    trend = part_of_seven(seven_point_trend(y))
    in_two_of_three = part_of_two_in_three(two_in_three(close, relative_to_mean), close)
    shift = part_of_seven(seven_point_one_side_mean(relative_to_mean))
    n = len(y)
    labels = []
    for i in range(n):
        above_below = "Above" if relative_to_mean[i] > 0 else "Below"
        if outside[i]:
            labels.append("Above UCL" if relative_to_mean[i] == 1 else "Below LCL")
        elif trend[i]:
            # a point inside a trend takes the direction of the step after it, the last
            # point of a trend the step before it
            after = i + 1 < n and trend[i + 1]
            step = _sign(y[i + 1] - y[i]) if after else (_sign(y[i] - y[i - 1]) if i else 0)
            labels.append(f"7 Point Trend ({'In' if step == 1 else 'De'}creasing)")
        elif in_two_of_three[i]:
            labels.append(f"2 in 3 {above_below} CL")
        elif shift[i]:
            labels.append(f"7 Points {above_below} CL")
        else:
            labels.append("Common Cause")
    return labels


def rule_of(label: str) -> str | None:
    """The rule (a key of RULE_NAMES) a special-cause label comes from."""
    if label.endswith(("UCL", "LCL")):
        return "outside"
    if label.startswith("7 Point Trend"):
        return "trend"
    if label.startswith("2 in 3"):
        return "two_in_three"
    if label.startswith("7 Points"):
        return "shift"
    return None


def point_type(label: str, improvement: Improvement) -> PointType:
    """Orient a special-cause label by the improvement direction (``ptd_point_type``)."""
    v = 1 if ("Above" in label or "Increasing" in label) else (
        -1 if ("Below" in label or "Decreasing" in label) else 0)
    if improvement == "neutral":
        return ("special_cause_neutral_high" if v > 0 else
                "special_cause_neutral_low" if v < 0 else "common_cause")
    v *= 1 if improvement == "increase" else -1
    return ("special_cause_improvement" if v > 0 else
            "special_cause_concern" if v < 0 else "common_cause")


def assurance_type(target: float, lpl: float, upl: float,
                   improvement: Improvement) -> Assurance | None:
    """Does the process consistently pass, consistently fail, or hit and miss the target?"""
    if improvement == "neutral":
        return None
    increasing = improvement == "increase"
    if target > upl:
        return "consistent_fail" if increasing else "consistent_pass"
    if target < lpl:
        return "consistent_pass" if increasing else "consistent_fail"
    return "inconsistent"


# --- the limits ---------------------------------------------------------------------------

class Limits(NamedTuple):
    """A segment's mean, process limits and the limits a point is close to."""

    mean: float
    lpl: float
    upl: float
    nlpl: float
    nupl: float
    amr: float  # the mean moving range the limits come from (after screening)


def limits(values: Sequence[float], screen_outliers: bool = True) -> Limits:
    """Mean and process limits of the values a segment's limits are based on."""
    mean = _mean(values)
    ranges = [abs(b - a) for a, b in zip(values, values[1:], strict=False)]
    amr = _mean(ranges)
    if screen_outliers:
        kept = [r for r in ranges if r < OUTLIER_MR * amr]
        amr = _mean(kept)
    close = 2 * (LIMIT / 3)
    return Limits(mean, mean - LIMIT * amr, mean + LIMIT * amr,
                  mean - close * amr, mean + close * amr, amr)


# --- the whole series ---------------------------------------------------------------------

def _check(series: Sequence[tuple[str, float | None]], options: SpcOptions) -> tuple[int, int]:
    """Refuse what the method cannot work with; the first and last positions with values."""
    if options.improvement not in IMPROVEMENTS:
        raise SpcError(f"improvement must be one of {', '.join(IMPROVEMENTS)}, "
                       f"not {options.improvement!r}")
    periods = [p for p, _ in series]
    seen: set[str] = set()
    for period in periods:
        if period in seen:
            raise SpcError(f"period {period} appears twice: each period must appear once")
        seen.add(period)
    valued = [i for i, (_, v) in enumerate(series) if v is not None]
    if not valued:
        raise SpcError("the series has no values")
    first, last = valued[0], valued[-1]
    for i in range(first, last + 1):
        value = series[i][1]
        if value is None:
            raise SpcError(f"period {series[i][0]} has no value between two values: the "
                           "moving range needs consecutive values (missing values are allowed "
                           "only at the start or the end)")
        if not math.isfinite(value):
            raise SpcError(f"period {series[i][0]}: {value} is not a finite number")
    for period in options.rebase:
        if period not in seen:
            raise SpcError(f"rebase period {period} is not in the series "
                           f"({periods[0]} to {periods[-1]})")
        if periods.index(period) <= first:
            raise SpcError(f"rebase period {period} is at or before the first value: a rebase "
                           "starts new limits after it, so it must come after the first value")
    if options.fix_after_n_points is not None and options.fix_after_n_points < MIN_FIX_AFTER:
        raise SpcError(f"fix after {options.fix_after_n_points} points: limits may be fixed "
                       f"after {MIN_FIX_AFTER} points or more (fewer give trial limits)")
    if options.target is not None:
        if options.improvement == "neutral":
            raise SpcError("a target needs an improvement direction (increase or decrease): "
                           "on a neutral series no side of the target passes")
        if not math.isfinite(options.target):
            raise SpcError(f"target {options.target} is not a finite number")
    return first, last


#: The options of a chart with none given.
DEFAULT_OPTIONS = SpcOptions()


def spc(series: Sequence[tuple[str, float | None]], options: SpcOptions = DEFAULT_OPTIONS
        ) -> SpcResult:
    """The XmR chart of ``series`` (periods in time order, value None when missing)."""
    first, last = _check(series, options)
    starts = sorted({first} | {[p for p, _ in series].index(r) for r in options.rebase})
    bounds = list(zip(starts, [*starts[1:], last + 1], strict=True))
    points: list[SpcPoint] = [SpcPoint(p, None, None, None, None, None)
                              for p, _ in series[:first]]
    warnings: list[str] = []
    segment_limits: Limits | None = None
    for start, stop in bounds:
        periods = [p for p, _ in series[start:stop]]
        y = [float(v) for _, v in series[start:stop] if v is not None]
        where = f"{periods[0]} to {periods[-1]}"
        if len(y) < 2:
            raise SpcError(f"the segment {where} has {len(y)} value: the limits need at "
                           "least 2 values (one moving range, the difference between "
                           "consecutive values); move or remove the rebase")
        base = y[:options.fix_after_n_points] if options.fix_after_n_points else y
        if len(set(base)) == 1:
            raise SpcError(f"every value of {where} is {base[0]:g}: the moving range is zero, "
                           "so there is no variation to set limits from")
        if len(y) < TRIAL_LIMIT_POINTS:
            warnings.append(f"{where} has {len(y)} points (fewer than {TRIAL_LIMIT_POINTS}): "
                            "its limits are trial limits, to be revised as points are added")
        lim = limits(base, options.screen_outliers)
        segment_limits = lim
        rtm = [_sign(v - lim.mean) for v in y]
        outside = [int(v > lim.upl or v < lim.lpl) for v in y]
        close = [int(not o and (v < lim.nlpl or v > lim.nupl))
                 for v, o in zip(y, outside, strict=True)]
        labels = special_cause_types(y, rtm, close, outside)
        for period, value, label in zip(periods, y, labels, strict=True):
            special = None if label == "Common Cause" else label
            points.append(SpcPoint(period, value, lim.mean, lim.lpl, lim.upl,
                                   point_type(label, options.improvement), special,
                                   rule_of(label)))
    points.extend(SpcPoint(p, None, None, None, None, None) for p, _ in series[last + 1:])
    variation = points[last].point_type
    assurance = None
    if options.target is not None and segment_limits is not None:
        assurance = assurance_type(options.target, segment_limits.lpl, segment_limits.upl,
                                   options.improvement)
    return SpcResult(tuple(points), variation, assurance, tuple(warnings))


def describe(point: SpcPoint) -> str:
    """A plain sentence on a special-cause point: which rule and which side."""
    if point.rule is None or point.special_cause is None:
        return f"{point.period}: common cause (within the normal range of variation)"
    return f"{point.period}: {point.special_cause} ({RULE_NAMES[point.rule]})"
