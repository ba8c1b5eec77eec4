"""The pack's SPC sheets: a chart per key series, limits as formulas over the Data sheet
(no constants inside them), Making Data Count colours, and LibreOffice's recalculation of
every SPC formula agreeing with xlperf's method."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from packbook import SOFFICE, formula_mismatches
from tiny_input import valid_rows, write_input

from xlperf.api import load_dataset
from xlperf.domain.spc import SpcOptions, spc
from xlperf.domain.spc_series import monthly
from xlperf.pack.build import describe_pack
from xlperf.periods import Quarter

Q4 = Quarter.parse("Q4 2021-22")
SERIES = ["All Crime", "Victim-Based Crime", "Burglary", "Robbery", "Theft of Motor Vehicle",
          "Theft from Motor Vehicle", "Theft Person", "ASB incidents", "Servator stop-searches",
          "Servator positive outcome rate"]


@pytest.fixture(scope="module")
def pack(demo_pack: Any) -> Any:
    """The demo's Q4 2021-22 pack (conftest.demo_pack)."""
    return demo_pack


def test_summary_and_a_chart_per_key_series(pack: Any) -> None:
    sheet = pack.sheet("SPC")
    summary = sheet.block("tblSpcSummary")
    assert summary.row_keys == SERIES
    assert len(sheet.charts) == 10
    assert [c.anchor for c in sheet.charts] == [f"chtSpc{i:02d}" for i in range(1, 11)]
    all_crime = summary.rows[0]
    assert (all_crime[1].value, all_crime[1].style) == ("Special cause: concern", "SPC Concern")
    assert "2022-03 Above UCL" in str(all_crime[4].value)
    first = sheet.charts[0]
    assert [(s.title, s.colour) for s in first.series] == [
        ("Value", "A6A6A6"), ("Mean", "000000"), ("Lower limit", "7F7F7F"),
        ("Upper limit", "7F7F7F"), ("Concern", "E46C0A"), ("Improvement", "00B0F0")]
    assert all(not s.line and s.marker for s in first.series[4:])


def test_all_crime_steps_at_the_covid_rebase_and_matches_the_method(pack: Any,
                                                                    demo: Path) -> None:
    block = pack.sheet("SPC Data").block("tblSpc01")
    assert block.title == "All Crime, 2017-04 to 2022-03; new limits from 2020-03"
    ds = load_dataset(demo)
    months = monthly(ds, "All Crime")
    before = [v for p, v in months if p < "2020-03" and v is not None]
    assert block.rows[0][3].value == pytest.approx(sum(before) / len(before))
    at = block.row_of("2020-03")
    assert block.rows[at][3].value != block.rows[at - 1][3].value
    expected = spc(months, SpcOptions("decrease", ("2020-03",)))
    assert [row[5].value for row in block.rows] == [p.lpl for p in expected.points]
    assert [row[6].value for row in block.rows] == [p.upl for p in expected.points]
    concern = block.rows[-1]
    assert (concern[7].value, concern[7].style, concern[8].value) == (
        "Special cause: concern", "SPC Concern", "Above UCL")
    assert concern[9].formula is not None and concern[9].value == concern[1].value


def test_limit_formulas_hold_no_constants(demo_placement: Any) -> None:
    placement = demo_placement  # of conftest.demo_pack, this module's pack
    formulas = [p.formula for p in placement.cells()
                if p.sheet == "SPC Data" and p.formula is not None]
    assert len(formulas) > 1000
    refs = re.compile(r"(?:'[^']+'|[A-Za-z]+)?!?\$?[A-Z]{1,3}\$?\d+")
    for text in formulas:
        assert not re.search(r"\d", refs.sub("", text)), text
    assert any("SpcLimitFactor" in f for f in formulas)
    assert any(f.startswith("=SUM(Data!") for f in formulas)


def test_a_series_the_method_cannot_chart_says_why(tmp_path: Path) -> None:
    # the tiny input has 10 crimes in every month and no neighbourhood, ASB or Servator rows
    ds = load_dataset(write_input(tmp_path / "in.xlsx", valid_rows()))
    pack = describe_pack(ds, Q4)
    summary = pack.sheet("SPC").block("tblSpcSummary")
    rows = {row[0].value: row for row in summary.rows}
    assert rows["All Crime"][1].value == "No chart"
    assert "every value of 2020-04 to 2022-03 is 200" in str(rows["All Crime"][4].value)
    assert "the series has no values" in str(rows["ASB incidents"][4].value)
    assert pack.sheet("SPC").charts == [] and pack.sheet("SPC Data").blocks == []


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_libreoffice_recalculates_the_limits_to_xlperfs_values(
        demo: Path, demo_placement: Any, demo_pack_recalculated: Any) -> None:
    """The demo pack (conftest.demo_pack_file, this module's pack) as LibreOffice
    recalculated it (conftest.demo_pack_recalculated)."""
    book = demo_pack_recalculated
    placement = demo_placement

    class OnlySpc:
        def cells(self) -> Any:
            return (p for p in placement.cells() if p.sheet in ("SPC", "SPC Data"))

    count, bad = formula_mismatches(OnlySpc(), book)
    assert count > 1000
    assert bad == []
    # and independently of the pack's own values: the last upper limit of All Crime
    months = monthly(load_dataset(demo), "All Crime")
    upl = spc(months, SpcOptions("decrease", ("2020-03",))).points[-1].upl
    sheet = book["SPC Data"]
    table = sheet.tables["tblSpc01"]
    last_row = int(re.findall(r"\d+", table.ref)[-1])
    assert sheet.cell(last_row, 8).value == pytest.approx(upl, rel=1e-12)


def test_measures_and_summary_show_the_xmr_variation(pack: Any) -> None:
    measures = pack.sheet("Measures").block("tblMeasureSpc")
    # the measures in words, as the Measures table names them: no ids on committee pages
    vac1 = "Measure 1- A reduction in number of victim-based violent crimes."
    vac2 = "Measure 2- A reduction in number of victim-based acquisitive crimes"
    ct2 = ("Measure 2- An increased percentage of Project Servator stops that result in a "
           "positive outcome.")
    lp3 = ("Measure 3- The public order measure- an increase in the number of positive "
           "outcomes following arrests resulting from public order incidents")
    rows = {row[0].value: row for row in measures.rows}
    assert set(rows) == {ct2, vac1, vac2, lp3}  # the measures with a monthly series
    assert (rows[vac1][1].value, rows[vac1][2].value, rows[vac1][2].style) == (
        "Victim-Based Violence", "Special cause: concern", "SPC Concern")
    # Servator has no months for April and May 2020: its latest unbroken run is charted
    assert rows[ct2][2].value.startswith(("Common cause", "Special cause"))
    summary = {row[0].value: row for row in pack.sheet("Summary").block("tblSummarySpc").rows}
    # the Summary numbers them within their priority, as the Measures sheet does
    assert summary["Violent & Acquisitive Crime"][2].value == "Measure 1; Measure 2"
    assert summary["Local Policing"][3].value == "Measure 3"
    assert summary["Counter Terrorism"][1].value == "Measure 2"


def test_each_chart_plots_its_chart_data_on_the_spc_sheet_which_does_not_print(
        demo_pack_file: Path) -> None:
    """The chart data (a table per chart below the charts) repeats, cell by cell, the SPC
    Data columns the chart plots; the SPC sheet prints the summary and the charts only."""
    book = openpyxl.load_workbook(demo_pack_file)
    sheet, data = book["SPC"], book["SPC Data"]
    area = re.fullmatch(r"'?SPC'?!\$A\$1:\$F\$(\d+)", str(sheet.print_area))
    assert area is not None, sheet.print_area
    last = int(area.group(1))
    assert all(chart.anchor._from.row + 16 <= last for chart in sheet._charts)
    charts = sorted(t for t in sheet.tables if t.startswith("tblSpcChart"))
    assert len(charts) == len(sheet._charts) == 10
    compared = 0
    for number, (name, chart) in enumerate(zip(charts, sheet._charts, strict=True), start=1):
        first, _, end = sheet.tables[name].ref.partition(":")
        top = int(re.sub(r"\D", "", first))
        assert top > last and sheet.cell(top - 1, 2).value.startswith(f"Chart {number}, ")
        for series in chart.series:
            for ref in (series.val.numRef.f, series.cat.numRef.f):
                assert ref.startswith("SPC!") and int(re.findall(r"\d+", ref)[0]) == top + 1
        for row in sheet.iter_rows(min_row=top + 1, max_row=int(re.sub(r"\D", "", end)),
                                   min_col=2, max_col=9):
            for cell in row:
                if cell.value is None:
                    continue
                target = re.fullmatch(r"='SPC Data'!([A-Z]+)(\d+)", cell.value)
                assert target is not None, (cell.coordinate, cell.value)
                assert data[f"{target.group(1)}{target.group(2)}"].value is not None
                compared += 1
    assert compared > 2000
