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
