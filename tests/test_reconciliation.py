"""Issue 16: published figures computed from the input, every contradiction in one place.

The oracle is the seeds' printed figures (scripts/seed_figures.yaml, `published_figures`,
each with its seed file and line): a row marked `flag` must appear on the Reconciliation
sheet and in `xlperf reconcile` with the printed value and xlperf's; a row marked `agree`
must not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from xlperf.cli import main
from xlperf.domain.figures import FigureKey, agrees, compute, parse_printed
from xlperf.domain.grading import grade_all
from xlperf.domain.reconcile import findings, published_findings, text_findings
from xlperf.pack.build import shown_quarters
from xlperf.pack.sheets.trackers import differences
from xlperf.pack.sheets.trackers_scp import dashboard_rows
from xlperf.periods import Quarter

Q4 = Quarter.parse("Q4 2021-22")


@pytest.fixture(scope="module")
def ds(demo_ds: Any) -> Any:
    """The demo's Dataset (conftest.demo_ds)."""
    return demo_ds


@pytest.fixture(scope="module")
def found(ds: Any) -> list[Any]:
    quarters = shown_quarters(Q4)
    rows, period, _previous = dashboard_rows(ds)
    return findings(ds, grade_all(ds, quarters), quarters, differences(ds), (rows, period))


@pytest.fixture(scope="module")
def pack(demo_pack: Any) -> Any:
    """The demo's Q4 2021-22 pack (conftest.demo_pack: describe_pack of the demo's Dataset)."""
    return demo_pack


def _published_rows(seed: dict[str, Any], expect: str) -> list[dict[str, Any]]:
    return [r for r in seed["published_figures"]["rows"] if r["expect"] == expect]


def test_printed_text_is_read_as_printed() -> None:
    # seed 001:457 "reduction of -28% (n=-2,400)"; 001:442 "a decrease of 32%", "9.1%"
    assert parse_printed("reduction of -28%").value == -28  # type: ignore[union-attr]
    assert parse_printed("n=-2,400").value == -2400  # type: ignore[union-attr]
    assert parse_printed("a decrease of 32%").value == -32  # type: ignore[union-attr]
    printed = parse_printed("9.1%")
    assert printed is not None and (printed.value, printed.decimals) == (9.1, 1)
    assert agrees(printed, 9.142857) and not agrees(printed, 9.2)


def test_all_crime_v_2019_20_baseline_is_computed_and_the_seed_flagged(ds: Any) -> None:
    # seed 001:457: 6,322 in 2021/22, "reduction of -28% (n=-2,400)" on the 2019/20 baseline
    # of 8,718 (printed on the same line): the seed's own figures give -27% and -2,396.
    key = FigureKey("crime-change", "All Crime", "Q4 2021-22", "2019-20")
    assert compute(ds, key).value == 6322 - 8718 == -2396
    pct = compute(ds, FigureKey("crime-change-pct", "All Crime", "Q4 2021-22", "2019-20"))
    assert pct.value is not None and round(pct.value, 2) == -27.48
    # seed 001:464: victim-based "reduction of 32% (n=-2,301)" agrees
    vb = compute(ds, FigureKey("crime-change", "Victim-Based Crime", "Q4 2021-22", "2019-20"))
    assert vb.value == -2301


def test_servator_single_quarter_and_baseline(ds: Any) -> None:
    # seed 001:542-543: Oct-Dec 2021 23 positive of 31 stops = 74%; 001:383 prints "Q3 62%"
    q3 = compute(ds, FigureKey("servator-rate-quarter", "", "Q3 2021-22"))
    assert q3.working.startswith("23 / 31") and q3.value is not None and round(q3.value) == 74
    # seed 001:549 "7% below 2019/20": unrounded 59.28 - 66.67 = -7.39 (rounded rates give -8)
    v1920 = compute(ds, FigureKey("servator-rate-change", "", "2021-22", "2019-20"))
    assert v1920.value is not None and round(v1920.value, 2) == -7.39
    assert v1920.alternative == -8


def test_public_order_2020_21_rate_is_one_value(ds: Any) -> None:
    # seed 001:562: 84 positive outcomes of 260 offences, printed "33%": 32.3% is 32%
    rate = compute(ds, FigureKey("public-order-rate", "", "2020-21"))
    assert rate.working == "84 / 260" and rate.value is not None and round(rate.value) == 32


def test_asb_quarters_and_survey_points(ds: Any) -> None:
    # seed 001:1405: "n=215 compared to n=248 in Q3 a decrease of 13%"
    assert compute(ds, FigureKey("asb-quarter", "", "Q4 2021-22")).value == 215
    assert compute(ds, FigureKey("asb-quarter", "", "Q3 2021-22")).value == 248
    change = compute(ds, FigureKey("asb-quarter-change", "", "Q4 2021-22"))
    assert change.value is not None and round(change.value) == -13
    # seed 001:442: 9.1% against 43% last year is 34 points, printed "a decrease of 32%"
    points = compute(ds, FigureKey("survey-change-points", "ASB_PRIORITY", "2021-22"))
    assert points.value is not None and round(points.value) == -34


def test_every_seed_flag_is_found_and_no_agreeing_figure_is(ds: Any,
                                                            seed: dict[str, Any]) -> None:
    listed = {(f.figure.kind, f.figure.subject, f.period, f.figure.compared, f.published)
              for f in published_findings(ds)}

    def key(row: dict[str, Any]) -> tuple[str, ...]:
        return (row["kind"], row["subject"] or "", row["period"], row["compared"] or "",
                row["printed"])

    flagged = _published_rows(seed, "flag")
    assert len(flagged) == 13
    for row in flagged:
        assert key(row) in listed, row
    for row in _published_rows(seed, "agree"):
        assert key(row) not in listed, row
    assert len(listed) == len(flagged)


def test_flags_carry_both_values_and_both_locations(found: list[Any]) -> None:
    by_printed = {(f.period, f.published): f for f in found if f.topic == "Published figure"}
    all_crime = by_printed[("Q4 2021-22", "-28%")]
    assert (all_crime.xlperf, all_crime.printed_at) == ("-27%", "seed 001_d12f1d2d23936a6a.txt:457")
    assert all_crime.input_cell.startswith("Published!") and all_crime.convention
    assert by_printed[("Q4 2021-22", "n=-2,400")].xlperf == "-2,396"
    assert by_printed[("Q3 2021-22", "62%")].xlperf == "74%"
    assert by_printed[("2020-21", "33%")].xlperf == "32%"
    assert by_printed[("2021-22", "a decrease of 32%")].xlperf == "-34 pts"
    # "a decrease of 4%" on 2020/21 (seed 001:549) is 4 only from rates rounded first
    four = by_printed[("2021-22", "a decrease of 4%")]
    assert four.xlperf == "-3 pts" and "rounded first" in four.note


def test_analyst_reason_quoting_33_percent_is_flagged(ds: Any) -> None:
    # seed 001:443,562: the reason "23% v 33%" quotes the misprinted 2020/21 rate
    quarters = shown_quarters(Q4)
    texts = text_findings(ds, grade_all(ds, quarters), quarters[-1:])
    assert [(f.published, f.xlperf) for f in texts] == [("33%", "32%")]
    assert texts[0].input_cell.startswith("'Measure values'!") and "LP3" in texts[0].item


def test_reported_grade_without_a_figure_says_so(ds: Any) -> None:
    # seed 001:356: ECC5 printed Satisfactory with no figure behind it (line 370)
    grading = grade_all(ds, [Q4])
    assert grading.measures[("ECC5", Q4)].text == "Satisfactory (reported, not computed)"
    # ECC3 (seed 001:368: 1,287 v 901) and SOC1 (001:398: 78 v 59) are graded by their rule
    assert grading.measures[("ECC3", Q4)].text == "Satisfactory"
    soc1 = grading.measures[("SOC1", Q4)]
    assert (soc1.value.value, soc1.reference.value, soc1.computed) == (78, 59, "Satisfactory")


def test_reconciliation_sheet_and_cli_list_every_flag(found: list[Any], pack: Any,
                                                      demo: Path) -> None:
    block = pack.sheet("Reconciliation").block("tblReconciliation")
    sheet_rows = [[c.value for c in row] for row in block.rows]
    assert len(sheet_rows) == len(found)
    output = CliRunner().invoke(main, ["reconcile", str(demo)]).output
    for f in found:
        assert any(r[4] == f.published and r[5] == f.xlperf and r[3] == f.period
                   for r in sheet_rows), f
        assert f"\t{f.period}\t{f.published}\t{f.xlperf}\t" in output, f
    topics = {f.topic for f in found}
    assert topics == {"Published figure", "Analyst text", "Grade", "Priority roll-up",
                      "HMICFRS", "SCP"}
    # the pack column points at the cell that shows xlperf's figure
    first = block.rows[0]
    assert first[6].formula is not None and first[6].formula.refs[0].block == "tblCrimeSummary"


def test_asb_wards_sectors_and_the_two_top_three_lists(ds: Any, found: list[Any]) -> None:
    # seed 002:57-61: East 12 wards, West 13
    from xlperf.domain.figures import ward_sectors

    sectors = list(ward_sectors().values())
    assert (sectors.count("East"), sectors.count("West")) == (12, 13)
    # seed 001:1425 (4.10): Bishopsgate 44, Tower 24, Castle Baynard 23 are the top three;
    # 001:1422 (4.9) prints Bishopsgate 45, Tower 22 and Farringdon Within (18) third: flagged
    assert compute(ds, FigureKey("asb-ward-rank", "Castle Baynard", "Q4 2021-22")).value == 3
    flagged = {(f.item, f.published, f.xlperf) for f in found}
    assert ("asb ward: Bishopsgate", "45", "44") in flagged
    assert ("asb ward: Tower", "22", "24") in flagged
    assert ("asb ward rank: Farringdon Within", "3", "4") in flagged
    assert compute(ds, FigureKey("asb-sector", "East", "Q4 2021-22")).value == 44 + 24


def test_hmicfrs_totals_and_the_duty_to_protect_narrative(ds: Any, found: list[Any]) -> None:
    # seed 001:1581 and 1583: 13 recommendations (7 police + 6 others), 9 (3 + 6)
    assert compute(ds, FigureKey("hmicfrs-report-total", "Response to Rape, Phase 2",
                                 "current")).value == 9
    phase1 = ("A Joint Thematic Inspection of the Police and Crown Prosecution Service's "
              "Response to Rape")
    assert compute(ds, FigureKey("hmicfrs-report-total", phase1, "current")).value == 13
    # seed 001:1624: thirteen reports; 1626-1627: 15 outstanding (Amber), 8 green pending
    assert compute(ds, FigureKey("hmicfrs-reports", "", "current")).value == 13
    assert compute(ds, FigureKey("hmicfrs-status", "AMBER", "current")).value == 15
    # seed 001:1732 "1 is green pending HMICFRS sign-off and 3 are in progress" v the
    # appendix's 2 and 2 (lines 1735-1744): both flagged
    flagged = {(f.item, f.published, f.xlperf) for f in found}
    assert ("hmicfrs status: A Duty to Protect: GREEN - pending HMICFRS sign off", "1",
            "2") in flagged
    assert ("hmicfrs status: A Duty to Protect: AMBER", "3", "2") in flagged
    # the per-report table's "1 Green" (line 1644) is an open, pending recommendation as the
    # summary counts it (line 1560): no disagreement between the two published tables
    assert not any("added up" in f.item and "GREEN" in f.item for f in found)


def test_scp_focus_lights_kpa_4_and_6_contradict_kpa_2(found: list[Any]) -> None:
    # seed 004:102 KPA 2 GREEN with 2 of 6 AMBER (lines 32-37); 004:126 KPA 4 AMBER with 1
    # of 3; 004:146 KPA 6 AMBER with 2 of 7 (lines 60-66)
    scp = [f for f in found if f.topic == "SCP"]
    assert [(f.item.split(" in focus")[0], f.published, f.xlperf) for f in scp] == [
        ("KPA 4", "AMBER", "GREEN"), ("KPA 6", "AMBER", "GREEN")]
    assert all("KPA 2 (2 of 6 not GREEN, printed GREEN)" in f.note for f in scp)


def test_figures_shown_twice_have_one_value_in_the_description(pack: Any) -> None:
    twice = {k: v for k, v in pack.shown.items() if len(v) > 1}
    assert "england-wales-change|||" in twice
    assert "public-order-rate||2020-21|" in twice
    assert "crime-change-pct|All Crime|Q4 2021-22|2019-20" in twice
    for key, cells in twice.items():
        values = {round(v, 9) if isinstance(v, float) else v for _ref, v in cells}
        assert len(values) == 1, key


def _displayed(cell: Any) -> str:
    """A recalculated cell as Excel prints it, for the formats figures use."""
    value, fmt = cell.value, cell.number_format
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return str(value)
    from xlperf.arithmetic import round_half_away

    if fmt.endswith("%"):
        decimals = len(fmt.split(".")[1]) - 1 if "." in fmt else 0
        return f"{round_half_away(value * 100, decimals):.{decimals}f}%"
    return f"{round_half_away(value):,.0f}"


@pytest.mark.slow
def test_every_figure_shown_twice_prints_one_value_after_libreoffice(
        demo: Path, pack: Any, demo_pack_file: Path, demo_placement: Any,
        demo_pack_recalculated: Any, tmp_path: Path) -> None:
    """One figure, one value (issue 16): LibreOffice recalculates the pack (the session's
    one recalculation of the demo pack, conftest.demo_pack_recalculated); every catalogue
    figure shown in more than one cell prints the same (E&W 10.9% on Key Data and National
    Priorities Tables, seed 001:472,751; public order 2020/21 32%, seed 001:562)."""
    from xlperf.api import build_pack

    build_pack(demo, Q4, tmp_path / "pack.xlsx")  # the Q4 pack is the shared demo pack
    assert (tmp_path / "pack.xlsx").read_bytes() == demo_pack_file.read_bytes()
    book = demo_pack_recalculated
    placement = demo_placement  # of conftest.demo_pack: this module's pack
    compared = 0
    printed: dict[str, set[str]] = {}
    for key, cells in pack.shown.items():
        if len(cells) < 2:
            continue
        for ref, _value in cells:
            placed = placement.blocks[ref.block]
            row, col = placed.position(ref.row, ref.col)
            printed.setdefault(key, set()).add(_displayed(book[placed.sheet].cell(row, col)))
        compared += 1
    assert compared >= 5
    assert {k: v for k, v in printed.items() if len(v) != 1} == {}
    assert printed["england-wales-change|||"] == {"10.9%"}  # seed 001:472
    assert printed["public-order-rate||2020-21|"] == {"32%"}  # seed 001:562 prints 33%: flagged
    assert printed["crime-change-pct|All Crime|Q4 2021-22|2019-20"] == {"-27%"}  # 001:457
    assert printed["servator-rate||2021-22|"] == {"59%"}  # seed 001:545


def test_measure_history_reproduces_seed_003(ds: Any, seed: dict[str, Any], pack: Any) -> None:
    """Seed 003 lines 237-249: the ECD satisfaction by quarter, 2014-15 Q1 to 2016-17 Q3,
    with "0% ▶" where the last two rounded values are equal; lines 434-436: Q2 v Q1 2016/17,
    "a drop in satisfaction in all areas"."""
    from xlperf.arithmetic import round_half_away
    from xlperf.domain import history

    for item in seed["result_history"]["series"]:
        points = history.series(ds, item["id"])
        assert [p.quarter.label for p in points] == item["quarters"]
        assert [f"{round_half_away(p.value):.0f}%" for p in points
                if p.value is not None] == item["percent_printed"]
        assert history.last_trend(ds, item["id"]).text == item["trend_printed"]
    # 71.8% -> 71.6% rounds to 72% both times: flat, not down
    assert history.trend(71.8, 71.6).text == "0% ▶"
    assert history.trend(71.4, 72.4).text == "1% ▲"
    assert history.trend(72.6, 71.4).text == "-2% ▼"
    falls = compute(ds, FigureKey(
        "history-falls", "ECD_CONTACT,ECD_ACTION,ECD_FOLLOW_UP,ECD_TREATMENT,"
        "ECD_WHOLE_EXPERIENCE", "Q2 2016-17", "Q1 2016-17"))
    assert falls.value == 5 and falls.working == "5 of 5 fell"
    sheet = pack.sheet("Result History")
    compare = sheet.block("tblHistoryCompare")
    assert compare.title.endswith("5 of 5 areas fell")
    assert [row[4].value for row in compare.rows] == ["▼"] * 5
    whole = sheet.block("tblHistory1")
    assert whole.rows[-1][3].value == "0% ▶"
    assert whole.rows[0][3].formula is not None  # a percentage over the input counts


def test_measures_graded_without_evidence_now_show_their_figures(ds: Any, pack: Any) -> None:
    """Seed 001 lines 363-444: the figures printed beside each grade are in the pack."""
    from xlperf.domain.evidence import measure_evidence

    rows = measure_evidence(ds, grade_all(ds, [Q4]), Q4)

    def figure(mid: str, label: str) -> float | None:
        found = [r.value for r in rows if r.measure_id == mid and r.figure.startswith(label)]
        assert found, (mid, label)
        return found[0]

    assert figure("ECC1", "Online") == 89 and figure("ECC1", "Telephone") == 96  # 001:363
    assert figure("ECC1", "Value graded") == 91
    assert any(r.measure_id == "ECC1" and "reported, not computed" in r.figure for r in rows)
    assert round(figure("ECC3", "Change") or 0) == 43  # 001:368 "a 43% increase" (1,287 v 901)
    # 001:369: 47 v 49 disruptions, 10 major both years: "from 20% to 21%"
    shares = [round(r.value or 0) for r in rows
              if r.measure_id == "ECC4" and "share" in r.figure]
    assert shares == [21, 20]
    assert figure("ECC6", "Value graded") == 1065  # 001:371
    assert figure("ECC6", "Course satisfaction (year)") == 90
    assert round(figure("SOC1", "Change") or 0) == 32  # 001:398 "increased by 32% from 59 to 78"
    assert figure("SOC1", "Major and moderate disruptions") == 48
    assert figure("SOC3", "Value graded") == 48 and figure("SOC3", "Reference") == 52  # 001:401
    assert round(figure("SOC4", "Change") or 0) == 38  # 001:402
    assert figure("VAC3", "Value graded") == 6 and figure("VAC3", "Reference") == 7  # 001:419
    assert figure("VAC3", "Offenders identified") == 24
    assert figure("VAC4", "Value graded") == 67 and figure("VAC4", "Reference") == 62  # 001:425
    assert figure("LP4", "Public protection notices for children") == 378  # 001:444
    assert figure("LP4", "Reference") == 265 + 493
    assert figure("CT3", "Value graded") == 99 and figure("CT3", "Reference") == 83  # 001:384
    assert any(r.measure_id == "ECC5" and "reported, not computed" in r.figure for r in rows)
    block = pack.sheet("Measure Figures").block("tblMeasureFigures")
    assert len(block.rows) == len(rows)


def test_asb_survey_shares_and_overall_as_the_mean_of_unrounded_shares(ds: Any,
                                                                        pack: Any) -> None:
    # seed 001:442: "11 people (6.3%) ... 42 respondents (12%) ... Overall, 9.1% ... a
    # decrease of 32% from the 43%": 9.1% is the mean of 6.29% and 12.0%; the fall is 34 points
    top = compute(ds, FigureKey("survey-percent", "ASB_TOP", "2021-22")).value
    two = compute(ds, FigureKey("survey-percent", "ASB_NEXT_TWO", "2021-22")).value
    assert top is not None and two is not None
    assert (round(top, 1), round(two)) == (6.3, 12)
    mean = compute(ds, FigureKey("survey-mean", "ASB_TOP,ASB_NEXT_TWO", "2021-22")).value
    assert mean is not None and round(mean, 1) == 9.1
    block = pack.sheet("ASB").block("tblASBSurvey")
    assert block.rows[3][3].formula is not None and block.rows[3][3].formula.text == (
        "=AVERAGE({0},{1})")
    assert round(block.rows[4][3].value * 100) == -34
