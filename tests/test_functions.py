"""The cell functions (xlwings UDFs) and the code behind them."""


from xlperf import functions


def test_grade_under_named_rules():
    assert functions.grade(79, "CT-SURVEY-V-BASELINE") == "Requires Action"
    assert functions.grade(94, "CT-SURVEY-V-BASELINE") == "Satisfactory"
    assert functions.grade(90, "CT-SURVEY-V-BASELINE") == "Close Monitoring"
    assert functions.grade(89, "CT-SURVEY-V-BASELINE") == "Requires Action"  # 5 points: RA
    assert functions.grade(131 / 221 * 100, "RATE-V-PREVIOUS-FY", 69 / 110 * 100) == (
        "Close Monitoring")
    assert functions.grade(57, "RATE-V-PREVIOUS-FY", 63) == "Requires Action"  # > 5 points
    assert functions.grade(58, "RATE-V-PREVIOUS-FY", 63) == "Close Monitoring"  # exactly 5
    assert functions.grade(121, "COUNT-INCREASE-V-LAST-YEAR", 84) == "Satisfactory"
    assert functions.grade(84, "SATISFACTION-BANDS") == "Close Monitoring"
    assert functions.grade(85, "SATISFACTION-BANDS") == "Satisfactory"
    assert functions.grade(79, "SATISFACTION-BANDS") == "Requires Action"
    assert functions.grade(5, "NO-SUCH-RULE") == "#UNKNOWN RULE NO-SUCH-RULE"


def test_rollup_of_a_range():
    assert functions.rollup([["Satisfactory"], ["Close Monitoring"], ["Satisfactory"]]) == (
        "SATISFACTORY")
    assert functions.rollup(["Close Monitoring", "close monitoring"]) == "CLOSE MONITORING"
    assert functions.rollup(["Requires Action", "Satisfactory"]) == "CLOSE MONITORING"
    assert functions.rollup(["Requires Action", "Requires Action", "S"]) == "REQUIRES ACTION"
    assert functions.rollup(["REPORTED ANNUALLY", None]) == "N/A"


def test_trend_change_direction():
    assert functions.trend("CLOSE MONITORING", "SATISFACTORY") == "↑"
    assert functions.trend("Satisfactory", "Satisfactory") == "→"
    assert functions.trend("Satisfactory", "Requires Action") == "↓"
    assert functions.trend("N/A", "Satisfactory") == ""
    assert functions.change(12, 23) == -47.8
    assert functions.change(3, 0) == "N/A"
    assert functions.change_text(29, 10) == "190%"
    assert functions.direction(12, 23) == "↓"
    assert functions.direction(9, 5) == "↑"
    assert functions.direction(1000, 1004) == "→"  # -0.4% rounds to 0%
    assert functions.direction_is_good(12, 23) is True
    assert functions.direction_is_good(9, 5) is False


def test_excel_udfs_call_the_same_code(monkeypatch):
    """The desktop route is xlwings' open-source part: the UDFs work with no licence key."""
    monkeypatch.delenv("XLWINGS_LICENSE_KEY", raising=False)
    from xlperf.excel import udfs

    assert udfs.XLPERF_GRADE(79, "CT-SURVEY-V-BASELINE") == "Requires Action"
    assert udfs.XLPERF_ROLLUP([["Requires Action", "Close Monitoring"]]) == "CLOSE MONITORING"
    assert udfs.XLPERF_TREND("Close Monitoring", "Satisfactory") == "↑"
    assert udfs.XLPERF_CHANGE(12, 23) == -47.8
    assert udfs.XLPERF_DIRECTION(12, 23) == "↓"
