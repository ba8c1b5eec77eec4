"""The demo workbook holds the seeds' raw figures, says where each came from, and is
rebuilt byte for byte by its committed script."""

from __future__ import annotations

import pytest
from conftest import load_script
from python_calamine import CalamineWorkbook

from xlperf.domain.values import crime_series, crime_ytd, survey_percent
from xlperf.periods import FinancialYear, Quarter

FY2122, FY2021, FY1920 = FinancialYear(2021), FinancialYear(2020), FinancialYear(2019)


@pytest.fixture(scope="module")
def ds(demo_ds):  # type: ignore[no-untyped-def]
    return demo_ds


def test_servator_tables_are_the_seeds(ds, seed):
    s = ds.servator
    assert sum(s["Stop and Search"][FY2122].values) == 221
    assert sum(s["Positive Stop & Searches"][FY2122].values) == 131
    assert sum(s["Arrests"][FY2122].values) == 69
    for fy, key in ((FY2021, "2020-21"), (FY2122, "2021-22")):
        printed = seed["servator"]["fy"][key]
        assert list(s["Stop and Search"][fy].values) == printed["stop_searches"]["values"]
        assert list(s["Positive Stop & Searches"][fy].values) == printed["positive"]["values"]
        assert list(s["Arrests"][fy].values) == printed["arrests"]["values"]
    assert s["Stop and Search"][FY2021].values[0] is None  # April 2020 N/A stays blank
    assert s["Stop and Search"][FY2021].values[1] == 0
    assert sum(s["Stop and Search"][FY1920].values) == 66
    assert sum(s["Positive Stop & Searches"][FY1920].values) == 44
    assert sum(s["Resolution Conversations"][FY2122].values) == 4548


def test_asb_by_month(ds, seed):
    assert list(ds.asb[2022].values[:3]) == [79, 68, 68]
    assert ds.asb[2022].values[3] is None
    for year, data in seed["asb_by_month"]["years"].items():
        assert list(ds.asb[int(year)].values) == list(data["values"].values())


def test_neighbourhood_crime_months_and_totals(ds, seed):
    for row in seed["neighbourhood_crime"]["monthly"]["rows"]:
        assert ds.neighbourhood[row["crime"]][FY1920].values[11] == row["baseline"]
        assert ds.neighbourhood[row["crime"]][FY2122].values[11] == row["current"]
    for row in seed["neighbourhood_crime"]["yearly"]["rows"]:
        assert sum(ds.neighbourhood[row["crime"]][FY1920].values) == row["baseline"]
        assert sum(ds.neighbourhood[row["crime"]][FY2122].values) == row["current"]


def test_crime_totals_match_the_published_ones(ds):
    q3, q4 = Quarter(FY2122, 3), Quarter(FY2122, 4)
    months = crime_series(ds, "All Crime", FY2122)
    assert sum(months[i] for i in q4.month_indices) == 1636
    assert sum(months[i] for i in q3.month_indices) == 1860
    assert crime_ytd(ds, "All Crime", q4).value == 6322
    assert crime_ytd(ds, "All Crime", Quarter(FY1920, 4)).value == 8718
    assert crime_ytd(ds, "All Crime", Quarter(FinancialYear(2018), 4)).value == 7249
    assert crime_ytd(ds, "All Crime", Quarter(FY2021, 4)).value == 6322 - 2459
    victim = crime_series(ds, "Victim-Based Crime", FY2122)
    assert sum(victim[i] for i in q4.month_indices) == 1297
    assert sum(victim[i] for i in q3.month_indices) == 1484
    assert crime_ytd(ds, "Victim-Based Acquisitive Crime", Quarter(FY1920, 4)).value == 5155
    assert crime_ytd(ds, "Victim-Based Acquisitive Crime", q4).value == 5155 - 2268
    assert len({fy for by_fy in ds.crime.values() for fy in by_fy}) >= 5
    assert len(ds.crime) == 20


def test_public_order_and_surveys(ds):
    po = ds.public_order
    assert sum(po["Public Order Offences"][FY2122].values) == 535
    assert sum(po["Positive Outcomes"][FY2122].values) == 121
    assert sum(po["Public Order Offences"][FY2021].values) == 260
    assert sum(po["Positive Outcomes"][FY2021].values) == 84
    ct = survey_percent(ds, "CT_PREPARED", FY2122)
    assert ct.working == "138 / 175 respondents"
    shown = [round(survey_percent(ds, q, FY2122).value) for q in
             ("VS_TREATMENT", "VS_FOLLOW_UP", "VS_OVERALL", "VS_RECOMMEND")]
    assert shown == [58, 63, 67, 77]
    assert ds.survey_responses[("Victim Satisfaction Survey", FY2122)] == (852, 84)


def test_every_data_row_says_where_it_came_from(demo):
    book = CalamineWorkbook.from_path(str(demo), load_tables=True)
    for name in book.table_names:
        table = book.get_table_by_name(name)
        if "Source" not in table.columns:
            continue
        j = table.columns.index("Source")
        for row in table.to_python():
            if any(v not in ("", None) for v in row):
                source = str(row[j])
                assert source.startswith(("seed", "synthetic", "counts", "March", "totals")) or \
                    "seed" in source or "synthetic" in source, (name, row[:3], source)


@pytest.mark.slow
def test_demo_is_rebuilt_byte_for_byte(demo, tmp_path):
    make_demo = load_script("make_demo")
    rebuilt = make_demo.build(tmp_path / "demo.xlsx")
    assert rebuilt.read_bytes() == demo.read_bytes()
