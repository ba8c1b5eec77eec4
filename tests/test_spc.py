"""XmR charts (xlperf.domain.spc) against NHSRplotthedots 0.2.2's published tests and vignettes.

Each test names the upstream file and case (nhs-r-community/NHSRplotthedots, tests/testthat/
and vignettes/) whose documented result it reproduces; the code is xlperf's own.
"""

from __future__ import annotations

import pytest

from xlperf.domain.spc import (
    SpcError,
    SpcOptions,
    assurance_type,
    part_of_seven,
    part_of_two_in_three,
    seven_point_one_side_mean,
    seven_point_trend,
    spc,
    special_cause_types,
    two_in_three,
)

# set.seed(123); rnorm(20): the data of test-ptd_spc_standard.R and test-ptd_spc.R
RNORM_20 = [-0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499,
            0.46091621, -1.26506123, -0.68685285, -0.44566197, 1.22408180, 0.35981383,
            0.40077145, 0.11068272, -0.55584113, 1.78691314, 0.49785048, -1.96661716,
            0.70135590, -0.47279141]


def series(values: list[float | None]) -> list[tuple[str, float | None]]:
    return [(f"p{i + 1:02d}", v) for i, v in enumerate(values)]


def types(values: list[float | None], **options: object) -> list[str | None]:
    return [p.point_type for p in spc(series(values), SpcOptions(**options)).points]  # type: ignore[arg-type]


# --- limits: _snaps/ptd_spc_standard.md "it returns expected values" ----------------------

def test_limits_match_the_upstream_snapshot() -> None:
    first = spc(series(RNORM_20)).points[0]
    assert first.mean == pytest.approx(0.1416238, abs=5e-8)
    assert first.lpl == pytest.approx(-3.01138, abs=5e-6)
    assert first.upl == pytest.approx(3.294627, abs=5e-7)


def test_screening_drops_the_outlying_moving_ranges() -> None:
    # same file: y[15] <- 10, then screen_outliers TRUE (r2) and FALSE (r3)
    values = list(RNORM_20)
    values[14] = 10
    screened = spc(series(values)).points[0]
    assert screened.mean == pytest.approx(0.6694159, abs=5e-8)
    assert screened.lpl == pytest.approx(-2.383666, abs=5e-7)
    assert screened.upl == pytest.approx(3.722497, abs=5e-7)
    unscreened = spc(series(values), SpcOptions(screen_outliers=False)).points[0]
    assert unscreened.lpl == pytest.approx(-4.596625, abs=5e-7)
    assert unscreened.upl == pytest.approx(5.935457, abs=5e-7)


def test_deviations_vignette_outlier_example() -> None:
    # vignettes/deviations.Rmd "Treatment of outlying points": UPL 4.6, mean 1.94, LPL -0.72
    # screened; UPL 6.95, LPL -3.06 unscreened (the Excel tool); the 10 is the only signal
    data = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]
    for screen, lpl, upl in ((True, -0.72, 4.6), (False, -3.06, 6.95)):
        result = spc(series(list(map(float, data))), SpcOptions(screen_outliers=screen))
        point = result.points[0]
        assert (round(point.lpl or 0, 2), round(point.mean or 0, 2),
                round(point.upl or 0, 2)) == (lpl, 1.94, upl)
        assert [p.point_type for p in result.points] == (
            ["common_cause"] * 4 + ["special_cause_improvement"] + ["common_cause"] * 13)
        assert result.points[4].special_cause == "Above UCL"


def test_rebase_gives_each_segment_its_own_limits() -> None:
    # _snaps/ptd_spc.md "it outputs expected content": the two halves of the data as facets
    # give mean 0.0746, limits -2.60 / 2.75 and mean 0.209, limits -3.28 / 3.70; a rebase at
    # the 11th point splits the series the same way (test-ptd_spc_standard.R "it sets the
    # rebase_group field": rebase at row 11 -> groups of 10 and 10)
    points = spc(series(RNORM_20), SpcOptions(rebase=("p11",))).points
    assert {(round(p.mean or 0, 4), round(p.lpl or 0, 2), round(p.upl or 0, 2))
            for p in points[:10]} == {(0.0746, -2.60, 2.75)}
    assert {(round(p.mean or 0, 3), round(p.lpl or 0, 2), round(p.upl or 0, 2))
            for p in points[10:]} == {(0.209, -3.28, 3.70)}


def test_fix_after_n_points_changes_the_limits() -> None:
    # test-ptd_spc_standard.R "setting fix_after_n_points changes the calculations"; the
    # limits come from the first 12 points only, so they equal those of those 12 points
    fixed = spc(series(RNORM_20), SpcOptions(fix_after_n_points=12)).points
    first12 = spc(series(RNORM_20[:12])).points[0]
    assert (fixed[0].lpl, fixed[0].upl) != (spc(series(RNORM_20)).points[0].lpl,
                                            spc(series(RNORM_20)).points[0].upl)
    assert {(p.mean, p.lpl, p.upl) for p in fixed} == {(first12.mean, first12.lpl, first12.upl)}


def test_fix_after_fewer_than_12_points_is_refused() -> None:
    # R/ptd_spc_options.R: "fix_after_n_points must be ... greater than or equal to 12"
    with pytest.raises(SpcError, match="12 points or more"):
        spc(series(RNORM_20), SpcOptions(fix_after_n_points=11))


def test_points_on_opposite_sides_are_not_two_in_three() -> None:
    # test-ptd_spc_standard.R "it only reports special cause for 2of3 points close to limits
    # when they are on the same side of the mean"
    data: list[float | None] = [1.0, -1.0] * 8
    data[14], data[15] = 5.5, -5.5
    assert types(data)[-2:] == ["common_cause", "common_cause"]


# --- the rules: test-ptd_calculate_point_type.R -------------------------------------------

def test_seven_point_one_side_mean() -> None:
    assert seven_point_one_side_mean([]) == []
    assert seven_point_one_side_mean([1] * 6) == [0] * 6
    assert seven_point_one_side_mean([1] * 6 + [-1]) == [0] * 7
    assert seven_point_one_side_mean([1] * 8 + [-1]) == [0] * 6 + [1, 1, 0]
    assert seven_point_one_side_mean([-1] * 8 + [1]) == [0] * 6 + [1, 1, 0]


def test_part_of_seven_trend() -> None:
    assert part_of_seven([]) == []
    assert part_of_seven([0] * 6) == [0] * 6
    assert part_of_seven([0] * 6 + [1, 0]) == [1] * 7 + [0]
    assert part_of_seven([0] * 7 + [1, 0]) == [0] + [1] * 7 + [0]
    assert part_of_seven([0] * 6 + [-1, 0]) == [1] * 7 + [0]
    assert part_of_seven([0] * 7 + [-1, 0]) == [0] + [1] * 7 + [0]


def test_seven_point_trend() -> None:
    assert seven_point_trend([]) == []
    assert seven_point_trend([1, 2, 3, 4, 5, 6]) == [0] * 6
    assert seven_point_trend([1, 2, 3, 3, 4, 5, 6]) == [0] * 7  # a tie breaks the run
    assert seven_point_trend([1, 2, 3, 4, 5, 6, 7]) == [0] * 6 + [1]
    assert seven_point_trend([2, 1, 2, 3, 4, 5, 6, 7, 3]) == [0] * 7 + [1, 0]
    assert seven_point_trend([7, 6, 5, 4, 3, 2, 1]) == [0] * 6 + [-1]
    assert seven_point_trend([2, 7, 6, 5, 4, 3, 2, 1, 3]) == [0] * 7 + [-1, 0]


def test_two_in_three() -> None:
    assert two_in_three([], []) == []
    for close in ([1, 0, 1], [0, 1, 1], [1, 1, 0]):
        assert two_in_three(close, [1, 1, 1]) == [1, 1, 1]
        assert two_in_three(close, [1, -1, 1]) == [0, 0, 0]  # opposite sides (issue #143)
    assert two_in_three([0, 0, 1, 0, 1, 0, 0], [1] * 7) == [0, 0, 1, 1, 1, 0, 0]
    assert two_in_three([0, 0, 1, 1, 0, 0, 0], [1] * 7) == [0, 1, 1, 1, 1, 0, 0]
    assert two_in_three([0, 0, 1, 0, 1, 0, 0], [1, -1] * 3 + [1]) == [0] * 7
    assert two_in_three([0, 0, 1, 1, 0, 0, 0], [-1, 1] * 3 + [-1]) == [0] * 7


def test_part_of_two_in_three_flags_only_the_close_points() -> None:
    cases = [([1, 0, 1], [1, 0, 1]), ([0, 1, 1], [0, 1, 1]), ([1, 1, 0], [1, 1, 0]),
             ([0, 0, 1, 0, 1, 0, 0], [0, 0, 1, 0, 1, 0, 0]),
             ([1, 0, 0, 1], [0, 0, 0, 0]),  # 2 close points 3 apart: no window holds both
             ([1, 0, 0, 1, 1], [0, 0, 0, 1, 1])]
    for close, expected in cases:
        rtm = [1] * len(close)
        assert part_of_two_in_three(two_in_three(close, rtm), close) == expected


def test_special_cause_precedence() -> None:
    # "ptd_special_cause_type works as expected": outside the limits beats a trend, a trend
    # beats 2-in-3, 2-in-3 beats 7 on one side. Here y rises 1..8 (a trend), point 6 is
    # outside, points 1-2 are close (2 in 3) and all are above the mean (a shift).
    y = [1.0, 2, 3, 4, 5, 6, 7, 8]
    labels = special_cause_types(y, [1] * 8, [1, 1, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 1, 0, 0])
    assert labels == ["7 Point Trend (Increasing)"] * 5 + ["Above UCL"] + \
        ["7 Point Trend (Increasing)"] * 2
    labels = special_cause_types([1.0, 3, 2, 4, 3, 5, 4, 6, 5], [1] * 9,
                                 [0, 1, 1, 0, 0, 0, 0, 0, 0], [0] * 9)
    assert labels == ["7 Points Above CL"] + ["2 in 3 Above CL"] * 2 + ["7 Points Above CL"] * 6


# --- point types and variation on whole series --------------------------------------------

RISE = [10.0, 12, 9, 11, 10, 12, 9, 11, 10, 12, 9, 11, 13, 14, 15, 16, 17, 18, 19]


def test_a_rising_trend_is_improvement_or_concern_by_direction() -> None:
    # 13..19 rise 7 times in a row after 11: 8 points strictly increasing (from 11)
    increase = types(RISE)
    assert increase[-1] == "special_cause_improvement"
    assert types(RISE, improvement="decrease")[-1] == "special_cause_concern"
    assert types(RISE, improvement="neutral")[-1] == "special_cause_neutral_high"
    result = spc(series(RISE), SpcOptions(improvement="decrease"))
    assert result.variation == "special_cause_concern"
    assert {p.rule for p in result.points[11:]} >= {"trend"}


def test_seven_below_the_mean_with_decrease_is_improvement() -> None:
    data = [10.0, 14, 11, 13, 12, 14, 10, 13, 12, 14, 11, 13, 9, 10, 9, 10, 9, 10, 9]
    result = spc(series(data), SpcOptions(improvement="decrease"))
    assert [p.special_cause for p in result.points[-7:]] == ["7 Points Below CL"] * 7
    assert result.variation == "special_cause_improvement"
    assert result.points[-8].point_type == "common_cause"


def test_a_point_on_the_mean_breaks_a_shift() -> None:
    # ptd_seven_point_one_side_mean: sign(y - mean) is 0 on the mean, which matches no side
    unbroken = [7.0, 9, 7, 9, 7, 9, 12, 12, 12, 12, 12, 12, 12]
    assert [p.rule for p in spc(series(unbroken)).points[-7:]] == ["shift"] * 7
    broken = [7.0, 9, 7, 9, 7, 9, 12, 12, 12, 10, 12, 12, 12]  # the mean is exactly 10
    result = spc(series(broken))
    assert result.points[0].mean == 10
    assert [p.rule for p in result.points[-7:]] == [None] * 7


# --- assurance: test-ptd_calculate_assurance_type.R ---------------------------------------

def test_assurance_types() -> None:
    limits = [(1, 3), (5, 7), (1, 5)]  # target 4 above, below and inside the limits
    assert [assurance_type(4, lo, hi, "increase") for lo, hi in limits] == [
        "consistent_fail", "consistent_pass", "inconsistent"]
    assert [assurance_type(4, lo, hi, "decrease") for lo, hi in limits] == [
        "consistent_pass", "consistent_fail", "inconsistent"]
    assert [assurance_type(4, lo, hi, "neutral") for lo, hi in limits] == [None] * 3


def test_assurance_uses_the_last_segment() -> None:
    # "it returns correct values for assurance when rebase": the last group decides
    data = [1.0, 2] * 6 + [11.0, 12] * 6
    result = spc(series(data), SpcOptions(rebase=("p13",), target=5))
    assert result.assurance == "consistent_pass"
    assert spc(series(data), SpcOptions(target=5)).assurance == "inconsistent"
    assert spc(series(data), SpcOptions(rebase=("p13",), target=5,
                                        improvement="decrease")).assurance == "consistent_fail"
    assert spc(series(data)).assurance is None


# --- short groups: test-ptd_add_short_group_warnings.R ------------------------------------

def test_short_segments_warn_of_trial_limits() -> None:
    assert len(spc(series(RNORM_20[:11])).warnings) == 1
    assert "trial limits" in spc(series(RNORM_20[:11])).warnings[0]
    assert spc(series(RNORM_20[:12])).warnings == ()
    assert len(spc(series(RNORM_20), SpcOptions(rebase=("p16",))).warnings) == 1


# --- bad input and stated behaviour -------------------------------------------------------

@pytest.mark.parametrize(("values", "options", "message"), [
    ([5.0], {}, r"has 1 value: the limits need at least 2 values"),
    ([4.0] * 6, {}, r"every value of p01 to p06 is 4: the moving range is zero"),
    ([1.0, None, 3.0], {}, r"period p02 has no value between two values"),
    ([1.0, 2.0, 3.0], {"rebase": ("p09",)}, r"rebase period p09 is not in the series"),
    ([1.0, 2.0, 3.0], {"rebase": ("p01",)}, r"rebase period p01 is at or before the first"),
    ([1.0, 2.0, 3.0, 4.0], {"rebase": ("p04",)}, r"segment p04 to p04 has 1 value"),
    ([1.0, 2.0, 3.0], {"target": 2.0, "improvement": "neutral"}, r"a target needs an "),
    ([None, None], {}, r"the series has no values"),
    ([1.0, 2.0, float("nan")], {}, r"p03: nan is not a finite number"),
])
def test_bad_series_are_refused_with_the_reason(values: list[float | None],
                                                options: dict[str, object],
                                                message: str) -> None:
    with pytest.raises(SpcError, match=message):
        spc(series(values), SpcOptions(**options))  # type: ignore[arg-type]


def test_duplicate_periods_are_refused() -> None:
    with pytest.raises(SpcError, match="period a appears twice"):
        spc([("a", 1.0), ("a", 2.0)])


def test_leading_and_trailing_gaps_have_no_limits() -> None:
    result = spc(series([None, *RNORM_20, None, None]))
    assert result.points[0].mean is None and result.points[0].point_type is None
    assert result.points[-1].mean is None and result.points[-1].upl is None
    assert result.points[1].mean == pytest.approx(0.1416238, abs=5e-8)
    assert result.variation == result.points[-3].point_type == "common_cause"


def test_a_trend_crossing_the_mean_is_one_colour() -> None:
    # NHSRplotthedots NEWS 0.2.2, issues #167 and #171: every point of a 7-point trend takes
    # the trend's direction, whichever side of the mean it is on
    data = [10.0, 11, 9, 10, 11, 9, 10, 11, 9, 10, 13, 12.5, 12, 11, 10, 9, 8.5]
    result = spc(series(data))
    mean = result.points[0].mean
    assert mean is not None and data[12] > mean > data[14]  # the run crosses the mean
    assert [p.special_cause for p in result.points[10:]] == ["7 Point Trend (Decreasing)"] * 7
    assert {p.point_type for p in result.points[10:]} == {"special_cause_concern"}
    assert result.points[9].special_cause is None
