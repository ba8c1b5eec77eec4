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
