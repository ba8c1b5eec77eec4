from typing import Any

import pytest

from xlperf.periods import FinancialYear, Quarter, fy_of, month_label, quarters_between


def test_financial_year_forms():
    assert FinancialYear.parse("2021-22") == FinancialYear(2021)
    assert FinancialYear.parse("2021/22").label == "2021-22"
    assert FinancialYear.parse("1999-00").label == "1999-00"
    assert FinancialYear(2021).slash_label == "2021/22"
    with pytest.raises(ValueError):
        FinancialYear.parse("2021")
    with pytest.raises(ValueError):
        FinancialYear.parse("2021-23")


def test_quarter_labels_and_months():
    q4 = Quarter.parse("Q4 2021-22")
    assert q4 == Quarter.parse("2021-22 Q4")
    assert q4.end_month_label == "March 2022"
    assert q4.period_label == "1 January to 31 March 2022"
    assert Quarter.parse("Q3 2021-22").period_label == "1 October to 31 December 2021"
    assert list(q4.month_indices) == [9, 10, 11]
    assert q4.previous().label == "Q3 2021-22"
    assert Quarter.parse("Q1 2021-22").previous().label == "Q4 2020-21"
    assert q4.same_quarter_last_year().label == "Q4 2020-21"


def test_months_and_ranges():
    assert month_label(2020, 3) == "Mar-20"
    assert fy_of(2022, 3) == (FinancialYear(2021), 11)
    assert fy_of(2021, 4) == (FinancialYear(2021), 0)
    span = quarters_between(Quarter.parse("Q1 2019-20"), Quarter.parse("Q4 2021-22"))
    assert len(span) == 12 and span[0].label == "Q1 2019-20"



_FY_PATTERN = r"^\s*(\d{4})\s*[-/]\s*(\d{2}|\d{4})\s*$"


def _fy_by_pattern(text: object) -> FinancialYear:
    import re

    match = re.match(_FY_PATTERN, str(text))
    if not match:
        raise ValueError(f"{text!r} is not a financial year like 2021-22")
    start, end = int(match.group(1)), match.group(2)
    end_year = int(end) if len(end) == 4 else (start // 100) * 100 + int(end)
    if len(end) == 2 and end_year < start:
        end_year += 100
    if end_year != start + 1:
        raise ValueError(f"{text!r} is not a financial year: the years must be consecutive")
    return FinancialYear(start)


def _outcome(parse: Any, text: object) -> object:
    try:
        return parse(text)
    except ValueError as exc:
        return str(exc)


@pytest.mark.parametrize("text", ("2021-22", "2021/22", "2021-2022", "1999-00", "2099-00",
                                  "2021-23", "2021-2x", "2021+22", " 2021-22", "2021-22\n",
                                  "\uff12\uff10\uff12\uff11-\uff12\uff12",
                                  "\u0662\u0660\u0662\u0661-\u0662\u0662", "20210-22", 2021))
def test_financial_year_parse_as_its_pattern(text: object) -> None:
    """FinancialYear.parse reads ``2021-22`` without its pattern: the same year, or the same
    error, as the pattern's reading."""
    assert _outcome(FinancialYear.parse, text) == _outcome(_fy_by_pattern, text)


_QUARTER_TEXTS = ("Q4 2021-22", "q1 2021/22", "Q4 2021-2022", "Q4  2021 - 22 ", "Q42021-22",
                  "Q4 2021-23", "Q4 2021-220", "Q5 2021-22", "2021-22 Q4", " Q4 2021-22",
                  "Q4 2021-22\n", "Q4\t2021-22\n\n", "Q4 \u0662\u0660\u0662\u0661-\u0662\u0662",
                  "Q4 1999-00", "Q4 2099-00", "Q4", "Q", "", "Q4 2021-22 Q4", "Q4 2021",
                  "Q4  2021-22", "Q4 2021/2022", 4)


@pytest.mark.parametrize("text", _QUARTER_TEXTS)
def test_quarter_parse_as_its_pattern(text: object) -> None:
    """Quarter.parse reads ``Q4 2021-22`` without its pattern: the same quarter, or the same
    error, as the pattern's reading."""
    import re

    pattern = re.compile(r"^\s*(?:Q([1-4])\s*(\d{4}\s*[-/]\s*\d{2,4})|"
                         r"(\d{4}\s*[-/]\s*\d{2,4})\s*Q([1-4]))\s*$", re.IGNORECASE)

    def by_pattern(text: object) -> Quarter:
        match = pattern.match(str(text))
        if not match:
            raise ValueError(f"{text!r} is not a quarter like 'Q4 2021-22'")
        if match.group(1):
            return Quarter(_fy_by_pattern(match.group(2)), int(match.group(1)))
        return Quarter(_fy_by_pattern(match.group(3)), int(match.group(4)))

    assert _outcome(Quarter.parse, text) == _outcome(by_pattern, text)
