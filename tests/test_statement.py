"""Feature: the national priorities for policing statement (`xlperf statement`, and its sheets
in the pack).

The demo's Q4 2021-22 statement must reproduce seed 001's tables cell for cell (expected
figures come from scripts/seed_figures.yaml); the heading moves with --quarter; LibreOffice's
recalculation of every formula equals xlperf's value; bad statement input gives located
validation errors and writes nothing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result
from conftest import crime_rows, write_input
from openpyxl.utils.cell import coordinate_from_string
from packbook import SOFFICE, formula_mismatches, keyed, percent, recalculate_all, table

from xlperf.api import load_dataset, template_path
from xlperf.cli import main
from xlperf.domain.statement import (
    figure_names,
    fill,
    national_data,
    neighbourhood_offences,
    ordinal,
    placeholders,
)
from xlperf.pack.build import describe_pack
from xlperf.pack.place import place
from xlperf.pack.sheets.statement import describe_statement_pack
from xlperf.pack.sheets.statement_tables import direction
from xlperf.periods import Quarter
from xlperf.writers.pack_xlsx import anchors_from_workbook

ROOT = Path(__file__).resolve().parent.parent
Q4 = Quarter.parse("Q4 2021-22")
STATEMENT = "National Priorities"
TABLES = "National Priorities Tables"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def seed_rows(seed: dict[str, Any], which: str) -> dict[str, dict[str, Any]]:
    return {r["crime"]: r for r in seed["neighbourhood_crime"][which]["rows"]}


def spaced(label: str) -> str:
    """``April 2019- March 2020`` (the seed's typo) -> ``April 2019 - March 2020``."""
    return re.sub(r"\s*-\s+|\s+-\s*", " - ", label)


@pytest.fixture(scope="module")
def q4_file(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("statement") / "statement.xlsx"
    result = run("statement", demo, "-o", out)
    assert result.exit_code == 0, result.output
    return out


# -- the demo reproduces seed 001 ------------------------------------------------------------


@pytest.mark.parametrize("which, change", [("monthly", "Change Monthly"),
                                           ("yearly", "Change Yearly")])
def test_neighbourhood_tables_reproduce_seed_001(demo: Path, seed: dict[str, Any],
                                                 which: str, change: str) -> None:
    pack = describe_statement_pack(load_dataset(demo), Q4)
    block = pack.sheet(TABLES).block(f"tblNP{which.title()}")
    expected = seed["neighbourhood_crime"][which]
    assert block.header == ["Offence", spaced(expected["baseline_label"]),
                            spaced(expected["current_label"]), change, "Direction"]
    rows = seed_rows(seed, which)
    assert block.row_keys == list(rows) == neighbourhood_offences()
    for cells in block.rows:
        want = rows[cells[0].value]
        assert [cells[1].value, cells[2].value] == [want["baseline"], want["current"]]
        assert percent(cells[3].value) == want["change_printed"]
        assert cells[4].value == want["direction"]
        # a fall is good: green down arrows, red up arrows
        assert cells[4].style == ("Arrow Good" if want["direction"] == "↓" else "Arrow Bad")
        assert cells[1].formula and cells[2].formula and cells[3].formula


def test_written_tables_have_the_seed_headers_and_formulas(q4_file: Path,
                                                           seed: dict[str, Any]) -> None:
    book = openpyxl.load_workbook(q4_file)
    header, rows = table(book, "tblNPMonthly")
    assert header[1:] == seed["neighbourhood_crime"]["monthly"]["columns"]
    directions = [r[4] for r in rows]
    assert directions == [r["direction"] for r in seed["neighbourhood_crime"]["monthly"]["rows"]]
    assert all(str(r[3]).startswith("=IFERROR(") for r in rows)  # change is a formula
    _, yearly = table(book, "tblNPYearly")
    assert all(str(r[2]).startswith("=SUM(") for r in yearly)  # 12 months added by Excel


def test_victim_satisfaction_reproduces_seed_001(demo: Path, seed: dict[str, Any]) -> None:
    published = seed["surveys"]["victim_satisfaction_2021_22"]
    pack = describe_statement_pack(load_dataset(demo), Q4)
    victims = pack.sheet(TABLES).block("tblNPVictims")
    shown = {row[0].value: percent(row[3].value) for row in victims.rows}
    assert shown == {
        "Treatment": f"{published['treatment']['value']}%",
        "Follow Up": f"{published['follow_up']['value']}%",
        "Overall Service": f"{published['overall_service']['value']}%",
        "Would Recommend": f"{published['would_recommend']['value']}%",
    }
    survey = pack.sheet(TABLES).block("tblNPSurvey").rows[0]
    assert survey[1].value == published["invitations"]["value"]
    assert survey[2].value == published["responses"]["value"]
    assert percent(survey[3].value) == f"{published['response_rate']['value']}%"
    assert survey[3].formula is not None


def test_national_comparison_matches_seed_001(demo: Path, seed: dict[str, Any]) -> None:
    national = seed["national_comparison"]
    pack = describe_statement_pack(load_dataset(demo), Q4)
    rows = pack.sheet(TABLES).block("tblNPNational")
    values = {k: rows.rows[i][1].value for i, k in enumerate(rows.row_keys)}
    assert round(values["force_change"] * 100) == national["colp_rolling_12m_change"]["value"]
    assert round(values["england_wales_change"] * 100, 1) == national["england_wales_change"][
        "value"]
    assert values["force_rank"] == national["colp_rank"]["value"]
    assert round(values["metropolitan_change"] * 100, 2) == national["mps"]["change"]["value"]
    assert national["data_to_end_of"]["value"] in rows.title  # January 2022


def test_metrics_and_not_available_reason(demo: Path, seed: dict[str, Any]) -> None:
    pack = describe_statement_pack(load_dataset(demo), Q4)
    blocks = {b.title: b for b in pack.sheet(STATEMENT).blocks}
    cyber = blocks["Tackle cyber crime"]
    breach = cyber.rows[cyber.row_of("business_breach")]
    printed = next(m for p in seed["national_priorities"]["priorities"] for m in p["metrics"]
                   if m["metric"].startswith("Percentage of businesses"))
    assert [breach[1].value, breach[2].value] == ["Not available", printed["reason"]]
    drugs = blocks["Disrupt drugs supply and county lines"]
    referrals = drugs.rows[drugs.row_of("drug_treatment_referrals")]
    assert referrals[1].value == 29 and referrals[1].style == "Input Count"
    assert referrals[2].value == "1 January to 31 March 2022"
    assert [b.title for b in pack.sheet(STATEMENT).blocks][:5] == \
        national_data()["national_priorities"][:5]


def test_narratives_quote_the_computed_figures(demo: Path, seed: dict[str, Any]) -> None:
    """The demo's narratives are the seed's text with figures as placeholders: filled in, the
    seed's paragraphs come back word for word."""
    pack = describe_statement_pack(load_dataset(demo), Q4)
    blocks = {b.title: b for b in pack.sheet(STATEMENT).blocks}
    priorities = {p["key"]: p for p in seed["national_priorities"]["priorities"]}

    def narrative(title: str) -> str:
        block = blocks[title]  # one row per paragraph
        return "\n\n".join(row[2].value for key, row in zip(block.row_keys, block.rows,
                                                             strict=True)
                             if key.startswith("current position"))

    neighbourhood = narrative("Reduce neighbourhood crime")
    assert priorities["reduce_neighbourhood_crime"]["current_position"][1]["text"] \
        in neighbourhood  # 40th, 25%, January 2022, 10.9% all computed
    cyber = priorities["tackle_cyber_crime"]["current_position"][0]["text"]
    assert cyber in narrative("Tackle cyber crime")  # 100%
    victims = narrative("Improve satisfaction among victims, with a particular focus on "
                        "victims of domestic abuse")
    assert "Treatment: 58% Satisfied" in victims and "sample size (84)" in victims
    assert "{" not in "".join(narrative(t) for t in blocks)


# -- periods move with the quarter -------------------------------------------------------------


@pytest.mark.slow
def test_heading_is_computed_from_the_quarter(q4_file: Path, demo: Path, seed: dict[str, Any],
                                              tmp_path: Path) -> None:
    heading = openpyxl.load_workbook(q4_file)[STATEMENT]["B3"].value
    # seed 001's statement is "as at the end of March 2022" (its own heading says December)
    title = seed["national_priorities"]["report"]["title"]["printed"]
    assert "(end of March 2022)" in title
    assert heading.endswith("as at the end of March 2022")

    out = tmp_path / "q3.xlsx"
    result = run("statement", demo, "--quarter", "Q3 2021-22", "-o", out)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book[STATEMENT]["B3"].value.endswith("as at the end of December 2021")
    assert table(book, "tblNPMonthly")[0][1:3] == ["Dec-19", "Dec-21"]
    assert table(book, "tblNPYearly")[0][1:3] == ["April 2019 - March 2020",
                                                  "January 2021 - December 2021"]


def test_statement_workbook_holds_only_its_sheets(q4_file: Path) -> None:
    book = openpyxl.load_workbook(q4_file)
    assert book.sheetnames == [STATEMENT, TABLES, "National Priorities Data", "Checks"]
    sheets = set(book.sheetnames)
    for name, defined in book.defined_names.items():
        assert all(sheet in sheets for sheet, _ in defined.destinations), name


def test_pack_includes_the_statement(demo: Path) -> None:
    pack = describe_pack(load_dataset(demo), Q4)
    names = [s.name for s in pack.sheets]
    assert names.index("Key Data") < names.index(STATEMENT) < names.index("Audit")
    contents = {row[0].value: row[1].value for row in pack.sheet("Cover").blocks[0].rows}
    assert contents[STATEMENT].endswith("as at the end of March 2022")


# -- LibreOffice recalculation -----------------------------------------------------------------


#: A narrative that starts like a formula (it must stay text).
EQUALS_NARRATIVE = "=SUM(1,2) is not a formula; {homicides} homicides"


@pytest.fixture(scope="module")
def equals_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``xlperf statement`` of a tiny input whose narratives are EQUALS_NARRATIVE."""
    folder = tmp_path_factory.mktemp("equals")
    path = write_input(folder / "in.xlsx", statement_rows(EQUALS_NARRATIVE))
    out = folder / "equals-statement.xlsx"
    result = run("statement", path, "-o", out)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def recalculated(q4_file: Path, equals_file: Path,
                 tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo's Q4 statement and the EQUALS_NARRATIVE one recalculated by LibreOffice, in
    one run; by file name, read with openpyxl (data_only)."""
    done = recalculate_all([q4_file, equals_file], tmp_path_factory.mktemp("recalc"))
    return {p.name: openpyxl.load_workbook(p, data_only=True) for p in done}


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_libreoffice_recalculates_every_formula_to_xlperfs_value(
        q4_file: Path, demo: Path, seed: dict[str, Any], recalculated: dict[str, Any]) -> None:
    book = recalculated[q4_file.name]
    pack = describe_statement_pack(load_dataset(demo), Q4)
    placement = place(pack, anchors_from_workbook(openpyxl.load_workbook(template_path()), "t"))
    count, bad = formula_mismatches(placement, book)
    assert count > 100
    assert bad == []
    assert all(row[5] is True for row in keyed(book, "tblChecks").values())
    yearly = keyed(book, "tblNPYearly")
    for crime, want in seed_rows(seed, "yearly").items():
        assert yearly[crime][1:4] == [want["baseline"], want["current"], yearly[crime][3]]
        assert percent(yearly[crime][3]) == want["change_printed"]


# -- bad input: located errors, nothing written ------------------------------------------------


def statement_rows(narrative: str = "There were {homicides} homicides.") -> dict[str, list]:
    """A small valid input with a complete Q4 2021-22 statement."""
    national = national_data()
    metrics = [[spec["priority"], metric, "2021-22", "Q4",
                None if metric == "business_breach" else 2,
                "No robust data" if metric == "business_breach" else None, "test"]
               for metric, spec in national["national_metrics"].items()]
    narratives = [[p, "2021-22", "Q4", narrative] for p in national["national_priorities"]]
    neighbourhood = [[o, fy, *[10 + i for i in range(12)], "test"]
                     for o in neighbourhood_offences() for fy in ("2019-20", "2021-22")]
    return {
        "tblSettings": [["Force name", "Test Police"], ["Reporting quarter", "Q4 2021-22"]],
        "tblCrime": crime_rows(),
        "tblNationalMetrics": metrics,
        "tblNarratives": narratives,
        "tblNeighbourhood": neighbourhood,
    }


def find_cells(path: Path, sheet: str, predicate: Any) -> list[str]:
    """The coordinates of the cells of ``sheet`` whose value satisfies ``predicate``."""
    return [cell.coordinate for row in openpyxl.load_workbook(path)[sheet].iter_rows()
            for cell in row if cell.value is not None and predicate(cell.value)]


def find_cell(path: Path, sheet: str, predicate: Any) -> str:
    cells = find_cells(path, sheet, predicate)
    assert cells, "no such cell"
    return cells[0]


def problems(path: Path) -> list[dict[str, Any]]:
    result = run("validate", path, "--json")
    return json.loads(result.output)["problems"]


def assert_not_written(path: Path, tmp_path: Path, code: str, where: str) -> None:
    out = tmp_path / "statement.xlsx"
    result = run("statement", path, "-o", out)
    assert result.exit_code == 1
    assert f"[{code}]" in result.output and where in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


@pytest.mark.slow
def test_small_complete_statement_is_valid_and_written(tmp_path: Path) -> None:
    path = write_input(tmp_path / "in.xlsx", statement_rows())
    assert [p for p in problems(path) if p["severity"] == "error"] == []
    out = tmp_path / "ok.xlsx"
    assert run("statement", path, "-o", out).exit_code == 0
    assert out.exists()


def test_unknown_placeholder_is_located(tmp_path: Path) -> None:
    path = write_input(tmp_path / "in.xlsx", statement_rows("There were {homicide} homicides."))
    cell = find_cell(path, "National priorities", lambda v: "{homicide}" in str(v))
    found = [p for p in problems(path) if p["code"] == "unknown-placeholder"]
    assert len(found) == 6  # one per narrative; the first is the first row's cell
    assert (found[0]["sheet"], found[0]["cell"]) == ("National priorities", cell)
    assert "{homicides}" in found[0]["message"]  # the suggestion
    assert_not_written(path, tmp_path, "unknown-placeholder", f"'National priorities'!{cell}")


def test_missing_metric_is_located(tmp_path: Path) -> None:
    rows = statement_rows()
    rows["tblNationalMetrics"] = [r for r in rows["tblNationalMetrics"] if r[1] != "homicides"]
    path = write_input(tmp_path / "in.xlsx", rows)
    header = find_cell(path, "National priorities", lambda v: v == "Metric ID")
    found = [p for p in problems(path) if p["code"] == "missing-metric"]
    assert [(p["sheet"], p["cell"]) for p in found] == [("National priorities", header)]
    assert "homicides" in found[0]["message"]
    assert_not_written(path, tmp_path, "missing-metric", f"'National priorities'!{header}")


def test_metric_with_neither_value_nor_reason_is_located(tmp_path: Path) -> None:
    rows = statement_rows()
    for row in rows["tblNationalMetrics"]:
        if row[1] == "business_breach":
            row[5] = None
    path = write_input(tmp_path / "in.xlsx", rows)
    found = [p for p in problems(path) if p["code"] == "missing-metric"]
    assert len(found) == 1 and "business_breach" in found[0]["message"]
    row = [r[1] for r in rows["tblNationalMetrics"]].index("business_breach")
    column, header_row = coordinate_from_string(
        find_cell(path, "National priorities", lambda v: v == "Value"))
    assert found[0]["cell"] == f"{column}{header_row + 1 + row}"


def test_missing_month_is_located(tmp_path: Path) -> None:
    rows = statement_rows()
    for row in rows["tblNeighbourhood"]:
        if row[:2] == ["Theft Person", "2021-22"]:
            row[2 + 11] = None  # March 2022: the monthly table's current month
    path = write_input(tmp_path / "in.xlsx", rows)
    sheet = openpyxl.load_workbook(path)["Neighbourhood crime"]
    mar = find_cell(path, "Neighbourhood crime", lambda v: v == "Mar")[0]
    line = next(c.row for c in sheet["B"] if c.value == "Theft Person"
                and sheet.cell(c.row, 3).value == "2021-22")
    found = [p for p in problems(path) if p["code"] == "missing-month"]
    assert [(p["sheet"], p["cell"]) for p in found] == [("Neighbourhood crime", f"{mar}{line}")]
    assert_not_written(path, tmp_path, "missing-month", f"'Neighbourhood crime'!{mar}{line}")


def test_missing_baseline_row_is_located(tmp_path: Path) -> None:
    rows = statement_rows()
    rows["tblNeighbourhood"] = [r for r in rows["tblNeighbourhood"]
                                if r[:2] != ["Robbery", "2019-20"]]
    path = write_input(tmp_path / "in.xlsx", rows)
    header = find_cell(path, "Neighbourhood crime", lambda v: v == "Offence")
    found = [p for p in problems(path) if p["code"] == "missing-row"]
    assert [(p["sheet"], p["cell"]) for p in found] == [("Neighbourhood crime", header)]
    assert "Robbery" in found[0]["message"] and "2019-20" in found[0]["message"]


def test_missing_narrative_is_located(tmp_path: Path) -> None:
    rows = statement_rows()
    rows["tblNarratives"] = rows["tblNarratives"][:-1]
    path = write_input(tmp_path / "in.xlsx", rows)
    # the second "National priority" header is the narratives table's (metrics come first)
    header = find_cells(path, "National priorities", lambda v: v == "National priority")[1]
    found = [p for p in problems(path) if p["code"] == "missing-narrative"]
    assert [(p["sheet"], p["cell"]) for p in found] == [("National priorities", header)]
    assert found[0]["message"].endswith(f"{national_data()['national_priorities'][-1]!r}")


@pytest.mark.slow
def test_quarter_without_a_statement_is_refused(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "q2.xlsx"
    result = run("statement", demo, "-q", "Q2 2021-22", "-o", out)
    assert result.exit_code == 1
    assert "[missing-metric]" in result.output and "[missing-narrative]" in result.output
    assert not out.exists()


@pytest.mark.slow
def test_narrative_starting_with_equals_stays_text(equals_file: Path,
                                                  request: pytest.FixtureRequest) -> None:
    out = equals_file  # xlperf statement of narratives "=SUM(1,2) ...; {homicides} homicides"
    filled = "=SUM(1,2) is not a formula; 2 homicides"
    book = openpyxl.load_workbook(out)
    cells = [c for row in book[STATEMENT].iter_rows() for c in row if c.value == filled]
    assert len(cells) == len(national_data()["national_priorities"])
    assert all(c.data_type == "s" for c in cells)
    if SOFFICE:
        again = request.getfixturevalue("recalculated")[out.name]
        assert again[STATEMENT][cells[0].coordinate].value == filled


@pytest.mark.slow
def test_pack_of_an_input_without_statement_data_has_no_statement(tmp_path: Path) -> None:
    rows = statement_rows()
    for name in ("tblNationalMetrics", "tblNarratives"):
        rows.pop(name)
    path = write_input(tmp_path / "in.xlsx", rows)
    pack = describe_pack(load_dataset(path), Q4)
    assert STATEMENT not in [s.name for s in pack.sheets]


# -- placeholders, formats, arrows -------------------------------------------------------------


def test_placeholder_syntax_and_escapes() -> None:
    assert placeholders("{a} and {{b}} and {c}") == ["a", "c"]
    assert fill("{{x}} {a}", {"a": "1"}) == "{x} 1"
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 40, 101, 111)] == \
        ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "40th", "101st",
         "111th"]


def test_direction_flat_when_the_change_rounds_to_zero() -> None:
    assert direction(1001, 1000).value == "→"  # +0.1% prints 0%
    assert direction(12, 23).value == "↓" and direction(12, 23).style == "Arrow Good"
    assert direction(9, 5).value == "↑" and direction(9, 5).style == "Arrow Bad"
    assert direction(3, 0).value == "↑"  # no baseline: the change is N/A, the count rose


def test_every_figure_is_documented_and_the_demo_uses_only_known_ones(demo: Path) -> None:
    doc = (ROOT / "docs" / "national-priorities.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `\{(\w+)\}` \|", doc, re.MULTILINE))
    assert documented == set(figure_names())
    ds = load_dataset(demo)
    used = {name for n in ds.narratives.values() for name in placeholders(n.text)}
    assert used and used <= set(figure_names())


@pytest.mark.slow
def test_statement_bytes_are_deterministic(q4_file: Path, demo: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.xlsx"
    assert run("statement", demo, "-o", again).exit_code == 0
    assert again.read_bytes() == q4_file.read_bytes()
