"""The committee report sheet: its front sheet (Settings) and its prose (data/narrative.yaml),
checked against seed 001's printed report and against the pack's own table cells."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from xlperf.api import load_dataset, validate_workbook
from xlperf.arithmetic import fmt_percent
from xlperf.domain.narrative import article, change_words, paragraph_ids, points_words
from xlperf.model import Dataset, ReportText
from xlperf.pack.build import describe_pack
from xlperf.pack.model import Block, Pack
from xlperf.periods import Quarter
from xlperf.reading.report_checks import check_report_text

Q4 = Quarter.parse("Q4 2021-22")
SEED_001 = Path("/work/shared/seeds/001_d12f1d2d23936a6a.txt")


@pytest.fixture(scope="module")
def dataset(demo: Path) -> Dataset:
    return load_dataset(demo)


@pytest.fixture(scope="module")
def pack(dataset: Dataset) -> Pack:
    return describe_pack(dataset, Q4)


@pytest.fixture(scope="module")
def seed_text() -> str:
    if not SEED_001.is_file():
        pytest.skip("seed 001 is not available")
    return " ".join(SEED_001.read_text(encoding="utf-8").replace("**", "").split())


def prose(pack: Pack) -> str:
    return "\n".join(str(r[1].value) for r in pack.blocks()["tblReport"].rows)


def cell(pack: Pack, block: str, key: str, col: int = 1) -> Any:
    table: Block = pack.blocks()[block]
    return table.rows[table.row_of(key)][col].value


def count(value: Any) -> str:
    return f"{value:,}"


def pct(fraction: float, digits: int = 0) -> str:
    return fmt_percent(abs(fraction) * 100, digits)


def test_key_data_prose_states_the_seeds_figures_from_the_table_cells(
        pack: Pack, seed_text: str) -> None:
    text = prose(pack)
    all_q, all_q3 = (cell(pack, "tblKeyFigures", f"All Crime|{k}")
                     for k in ("quarter", "quarter before"))
    change = cell(pack, "tblKeyFigures", "All Crime|change on previous quarter")
    sentence = (f"There were {count(all_q)} crimes recorded across Q4, a {pct(change)} decrease "
                f"from the {count(all_q3)} offences recorded in Q3")
    assert sentence in text
    # the seed prints the same sentence (its **bold** removed): the oracle is the seed
    assert ("There were 1,636 crimes recorded across Q4, a 12% decrease from the 1,860 "
            "offences recorded in Q3") in seed_text
    assert (all_q, all_q3, pct(change)) == (1636, 1860, "12%")

    vb = {k: cell(pack, "tblKeyFigures", f"Victim-Based Crime|{k}") for k in (
        "quarter", "quarter before", "change on previous quarter", "change on baseline year n",
        "change on baseline year", "change on last year n", "change on last year")}
    assert (f"There were {count(vb['quarter'])} victim-based crimes recorded across Q4, a "
            f"{pct(vb['change on previous quarter'])} decrease from the "
            f"{count(vb['quarter before'])} offences") in text
    assert "There were 1,297 victim-based crimes recorded across Q4, a 13% decrease from the " \
           "1,484 offences recorded in Q3" in seed_text
    assert (vb["quarter"], vb["quarter before"]) == (1297, 1484)
    assert f"a {pct(vb['change on baseline year'])} decrease " \
           f"(n={count(vb['change on baseline year n'])})" in text
    assert "a 32% decrease (n=-2,301)" in text and "(n=-2,301)" in seed_text
    assert f"an {pct(vb['change on last year'])} increase " \
           f"(n={count(vb['change on last year n'])})" in text
    assert "an 80% increase (n=2,161)" in text and "increase of 80% (n=2,161)" in seed_text


def test_year_figures_use_the_computed_value_where_the_seed_contradicts_itself(
        pack: Pack, seed_text: str) -> None:
    text = prose(pack)
    year = cell(pack, "tblKeyFigures", "All Crime|year")
    baseline = cell(pack, "tblKeyFigures", "All Crime|baseline year")
    assert (year, baseline) == (6322, 8718)  # both printed in the seed
    assert "for 2021/22 is 6,322" in seed_text and "2019/20 (n=8,718)" in seed_text
    # the seed prints "-28% (n=-2,400)"; its own 6,322 and 8,718 give -27% and -2,396
    assert "reduction of -28% (n=-2,400)" in seed_text
    n = cell(pack, "tblKeyFigures", "All Crime|change on baseline year n")
    assert n == year - baseline == -2396
    assert f"is {count(year)}; compared to the 2019-20 baseline this is a 27% decrease " \
           f"(n={count(n)})" in text
    assert "2,400" not in text
    last = cell(pack, "tblKeyFigures", "All Crime|change on last year n")
    assert "a 64% increase (n=2,459)" in text and last == 2459
    assert "increase of 64% (n=2,459)" in seed_text


def test_national_and_mps_prose_quote_the_national_table(pack: Pack, seed_text: str) -> None:
    text = prose(pack)
    e_and_w = cell(pack, "tblNPNational", "england_wales_change")
    rank = cell(pack, "tblNPNational", "force_rank")
    mps = cell(pack, "tblNPNational", "metropolitan_change")
    assert f"a {pct(e_and_w, 1)} increase in crime was reported across England and Wales" in text
    assert "10.9% increase in crime was reported across England and Wales" in seed_text
    assert f"ranked {rank}th out of 43 forces" in text and "ranked 40th out of 43" in seed_text
    assert f"saw a {pct(mps, 2)} increase" in text and "9.96% increase" in seed_text
    assert "to the end of January 2022" in text and "end of January 2022" in seed_text
    assert "with 40 of 43 forces seeing an overall increase" in text
    assert "overall increase (n=40)" in seed_text


def test_a_bullet_per_measure_with_its_grade_and_figures(pack: Pack,
                                                          dataset: Dataset) -> None:
    text = prose(pack)
    bullets = [line for line in text.splitlines() if line.startswith("• ")]
    assert len(bullets) == len(dataset.measures) == 21
    servator = next(b for b in bullets if "Project Servator" in b)
    # seed 001: "has decreased slightly from 63% last year to 59% this year", Close Monitoring
    assert "is reported as Close Monitoring: 59% in 2021-22 compared to 63% in 2020-21, a fall " \
           "of 4 percentage points." in servator
    terror = next(b for b in bullets if "terrorist attack" in b)
    assert "Requires Action: 79%" in terror and "94%" in terror
    assert any("99 in 2021-22 compared to 83 in 2020-21" in b for b in bullets)  # Op Lightning
    assert any("1,287 in 2021-22 compared to 901 in 2020-21, a 43% increase" in b
               for b in bullets)
    # the analysts' commentary follows the Servator bullet (Report text, use "after")
    lines = text.splitlines()
    assert lines[lines.index(servator) + 1].startswith("While the rate has fallen")


def test_summary_and_conclusion_say_what_changed(pack: Pack, seed_text: str) -> None:
    text = prose(pack)
    assert ("Compared to the end of Q3 2021-22, Economic & Cyber Crime has improved from Close "
            "Monitoring to Satisfactory") in text
    assert "Local Policing has improved from Close Monitoring to Satisfactory" in text
    assert "there are 3 measures graded as Close Monitoring or Requires Action " \
           "(2 Close Monitoring, 1 Requires Action)" in text
    assert "only 3 measures graded as Close Monitoring or Requires Action" in seed_text


def test_appendix_current_position_is_in_words(pack: Pack) -> None:
    appendix = [str(r[1].value) for b in pack.sheet("Appendix A").blocks for r in b.rows]
    positions = [t for t in appendix if t.startswith("Reported as")]
    assert len(positions) == 3
    assert not any("same period last year" in t or "full year" in t for t in appendix)
    assert any("121 in 2021-22 compared to 84 in 2020-21, a 44% increase (n=37)" in t
               for t in positions)


def test_front_sheet_from_settings(pack: Pack, seed_text: str) -> None:
    front = {k: r[1].value for k, r in zip(pack.blocks()["tblFrontSheet"].row_keys,
                                           pack.blocks()["tblFrontSheet"].rows, strict=True)}
    assert front["Committee"] == "Strategic Planning and Performance Committee"
    assert front["Meeting date"] == "5 May 2022"
    assert "Committee(s): Strategic Planning and Performance Committee Dated: 5 May 2022" \
        in seed_text
    assert front["Report subject"] == "Q4 Performance -v- Policing Plan Measures"
    assert front["Classification"] == "Public"
    assert front["Report of"] == "Commissioner of Police" and front["Report reference"] == \
        "Pol 19-22"
    assert "Report of: Commissioner of Police Pol 19-22 For Information" in seed_text
    assert front["Purpose"] == "For Information"
    assert front["Report author"] == "Senior Analyst Performance Information Unit"
    assert front["Recommendation"] == "Members are asked to note the report."
    assert front["Report summary"].startswith("Compared to the end of Q3 2021-22")


def test_front_sheet_defaults_when_settings_are_blank(dataset: Dataset) -> None:
    keep = {"Force name", "Reporting quarter", "Protective marking"}
    bare = dataset._replace(settings={k: v for k, v in dataset.settings.items()
                                      if k in keep})
    block = describe_pack(bare, Q4).blocks()["tblFrontSheet"]
    front = {k: r[1].value for k, r in zip(block.row_keys, block.rows, strict=True)}
    assert front["Classification"] == "Public" and front["Purpose"] == "For Information"
    assert front["Recommendation"] == "Members are asked to note the report."
    assert front["Report subject"] == "Q4 Performance -v- Policing Plan Measures"
    assert front["Committee"].startswith("Not given")


def test_analysts_text_replaces_or_follows_a_paragraph(dataset: Dataset) -> None:
    own = (ReportText("keydata.all_quarter", "replace", "Crime fell to {all_quarter} ({{n}})."),
           ReportText("conclusion.grades", "after", "Nothing else."))
    block = describe_pack(dataset._replace(report_text=own), Q4).blocks()[
        "tblReport"]
    lines = [str(r[1].value) for r in block.rows]
    assert "Crime fell to 1,636 ({n})." in lines
    assert not any(line.startswith("There were 1,636 crimes") for line in lines)
    assert lines[-1] == "Nothing else." and lines[-2].startswith("Compared to the end of Q3")


def test_report_text_names_a_paragraph_and_known_figures(dataset: Dataset) -> None:
    bad = (ReportText("keydata.all_quater", "after", "x", "'Report text'!D5"),
           ReportText("measure.bullet:CT2", "replace", "{servator_rate}", "'Report text'!D6"))
    problems = check_report_text(dataset._replace(report_text=bad))
    assert [(p.code, p.cell) for p in problems] == [("unknown-paragraph", "D5"),
                                                      ("unknown-report-figure", "D6")]
    assert "did you mean keydata.all_quarter?" in problems[0].message


def test_report_text_table_is_validated_in_the_input(demo: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    book = load_workbook(demo)
    sheet = book["Report text"]
    table = sheet.tables["tblReportText"]
    first = table.ref.split(":")[0]
    row = int(re.sub(r"\D", "", first)) + 1
    col = ord(re.sub(r"\d", "", first)) - 64
    sheet.cell(row, col).value = "keydata.nowhere"
    bad = tmp_path / "bad.xlsx"
    book.save(bad)
    problems = validate_workbook(bad)
    found = [p for p in problems.errors if p.code == "unknown-paragraph"]
    assert len(found) == 1 and found[0].sheet == "Report text"


def test_words_of_changes() -> None:
    assert change_words(-0.1204) == "a 12% decrease"
    assert change_words(0.8000740) == "an 80% increase"
    assert change_words(0.11) == "an 11% increase" and change_words(0.18) == "an 18% increase"
    assert change_words(0.004) == "no change"
    assert change_words(0.10899, 1) == "a 10.9% increase"
    assert change_words("N/A") == "a change that cannot be calculated"
    assert points_words(-4) == "a fall of 4 percentage points"
    assert points_words(-1) == "a fall of 1 percentage point"
    assert article("8%") == "an" and article("81%") == "an" and article("1,800") == "a"
    assert "keydata.all_quarter" in paragraph_ids()


def test_scp_dashboard_says_it_is_the_latest_available(pack: Pack, dataset: Dataset) -> None:
    from xlperf.pack.sheets.trackers_scp import describe, period_shown

    period = {n.name: n.cell.value for n in pack.sheet("SCP Dashboard").named_cells}["SCPPeriod"]
    assert period == ("September 2018: the latest Safer City Partnership dashboard available at "
                      "the end of Q4 2021-22")
    # on its own (xlperf trackers) the dashboard is not inside a later quarter's pack
    alone = {n.name: n.cell.value for n in describe(dataset)[0].named_cells}
    assert alone["SCPPeriod"] == "September 2018"
    assert period_shown("March 2022", Q4) == "March 2022"
    assert period_shown("February 2022", Q4).startswith("February 2022: the latest")
