"""The pack as the committee receives it: committee words only on committee sheets, print
that reads (LibreOffice's PDF, measured from pdftotext's word boxes) and ``build --pdf``."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from packbook import SOFFICE
from printsize import Page, convert, pages

from xlperf.cli import main
from xlperf.writers import pdf as pdf_writer

REVIEWER = set(pdf_writer.REVIEWER_SHEETS)
#: Printed size floors (points): committee sheets on A4, reviewer sheets (A3 allowed).
COMMITTEE_FLOOR, REVIEWER_FLOOR = 9.0, 8.0
MAX_ROW_HEIGHT = 409  # Excel's largest row height, in points
A4_LANDSCAPE_WIDTH = 842  # points; A3 landscape is 1191

#: Words that are no committee's: seed references, file names, internal ids, tool wording.
FORBIDDEN = {
    "a seed reference": re.compile(r"(?i)\bseeds?\b"),
    "a file name": re.compile(r"(?i)\b[\w-]+\.(xlsx|xlsm|xlam|txt|ya?ml|py|csv)\b"),
    "an internal id": re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b"),
    "the tool's name": re.compile(r"(?i)\bxlperf\b"),
}


def id_pattern(names: list[str]) -> re.Pattern[str]:
    """Rule and measure ids of the input, as whole words."""
    return re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, names)) + r")(?![\w-])")


@pytest.fixture(scope="module")
def pack_path(demo_pack_file: Path) -> Path:
    """The demo pack as ``xlperf build`` writes it (conftest.demo_pack_file; read only)."""
    return demo_pack_file


@pytest.fixture(scope="module")
def book(pack_path: Path) -> Any:
    return openpyxl.load_workbook(pack_path)


def committee_sheets(book: Any) -> list[Any]:
    return [s for s in book.worksheets if s.title not in REVIEWER]


def test_committee_sheets_hold_committee_words_only(book: Any, demo_ds: Any) -> None:
    ds = demo_ds
    ids = id_pattern([*ds.rules, *(m.id for m in ds.measures)])
    found: list[str] = []
    scanned = 0
    for sheet in committee_sheets(book):
        for row in sheet.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str) or cell.data_type == "f":
                    continue
                patterns = {**FORBIDDEN, "an id": ids}
                scanned += 1
                for what, pattern in patterns.items():
                    match = pattern.search(cell.value)
                    if match:
                        found.append(f"{sheet.title}!{cell.coordinate}: {what} "
                                     f"{match.group(0)!r} in {cell.value[:60]!r}")
    assert scanned > 1000
    assert found == []


def test_the_scan_finds_what_it_looks_for() -> None:
    samples = {"a seed reference": "Analyst judgement (seed 001:443)",
               "a file name": "at 001_d12f1d2d23936a6a.txt:1828",
               "an internal id": "VS_TREATMENT", "the tool's name": "xlperf finds"}
    for what, sample in samples.items():
        assert FORBIDDEN[what].search(sample), what
    assert not any(p.search("Victim-Based Crime: change on 2020-21 (a 64% increase), Q4")
                   for p in FORBIDDEN.values())
    ids = id_pattern(["CT2", "RATE-V-PREVIOUS-FY"])
    assert ids.search("CT2: Measure 2") and ids.search("rule RATE-V-PREVIOUS-FY: see")
    assert not ids.search("COVID-19, CT20, XRATE-V-PREVIOUS-FY")


def test_no_row_is_taller_than_excel_allows(book: Any) -> None:
    tall = [f"{s.title} row {r}: {d.height}" for s in book.worksheets
            for r, d in s.row_dimensions.items() if d.height and d.height > MAX_ROW_HEIGHT]
    assert tall == []


def test_long_tables_repeat_their_header_rows(book: Any) -> None:
    def header_row(sheet: Any, table: str) -> int:
        return int(re.sub(r"\D", "", sheet.tables[table].ref.split(":")[0]))

    measures = book["Measures"]
    first = min(header_row(measures, t) for t in measures.tables)  # one table per priority
    assert measures.print_title_rows == f"${first}:${first}"
    for name, table in (("HMICFRS List", "tblHMICFRSList"), ("Data", "tblCrimeData"),
                        ("National Comparison", "tblNationalRank"), ("Report", "tblReport"),
                        ("HMICFRS Overdue", "tblHMICFRSOverdue")):
        row = header_row(book[name], table)
        assert book[name].print_title_rows == f"${row}:${row}", name


# -- printed by LibreOffice ------------------------------------------------------------------


def sheet_of(page: Page, names: list[str]) -> str:
    """The sheet a page prints: the longest sheet name in its footer (the centre is &A)."""
    footer = " " + " ".join(w.text for w in page.footer) + " "
    matches = [n for n in names if f" {n} " in footer]
    assert matches, f"page {page.number}: no sheet name in its footer {footer!r}"
    return max(matches, key=len)


def activate(source: Path, target: Path, index: int) -> Path:
    """A copy of ``source`` whose active tab is sheet ``index``: LibreOffice prints the
    active sheet even when it is hidden (the pack's active tab is the Cover)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w",
                                                         zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = re.sub(rb'\b(activeTab|firstSheet)="\d+"',
                              lambda m: m.group(1) + b'="%d"' % index, data)
            zout.writestr(item, data)
    return target


@pytest.fixture(scope="module")
def built_with_pdf(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> (
        tuple[Any, Path, Path]):
    """``xlperf build --pdf`` of the demo: the command's result, the pack and its PDF (the
    committee sheets, as the committee receives them)."""
    if not SOFFICE:
        pytest.skip("LibreOffice is not installed")
    out = tmp_path_factory.mktemp("build-pdf") / "pack.xlsx"
    result = CliRunner().invoke(main, ["build", str(demo), "-o", str(out), "--pdf"])
    return result, out, out.with_suffix(".pdf")


@pytest.fixture(scope="module")
def printed(built_with_pdf: tuple[Any, Path, Path], pack_path: Path, book: Any,
            tmp_path_factory: pytest.TempPathFactory) -> tuple[list[tuple[str, Page]],
                                                               list[tuple[str, Page]]]:
    """Every sheet of the demo pack printed by LibreOffice, as (sheet, page) pairs: the
    committee sheets from ``xlperf build --pdf`` (the same pack: byte-identical to
    conftest.demo_pack_file) and the reviewer sheets from a copy of the pack with the
    committee sheets hidden, so that no sheet is printed twice."""
    result, built, pdf = built_with_pdf
    assert result.exit_code == 0, result.output
    assert built.read_bytes() == pack_path.read_bytes()
    folder = tmp_path_factory.mktemp("print")
    committee = tuple(n for n in book.sheetnames if n not in REVIEWER)
    hidden = folder / "hidden.xlsx"
    assert pdf_writer.hide_sheets(pack_path, hidden, committee) == [
        n for n in book.sheetnames if n in REVIEWER]
    first = min(book.sheetnames.index(n) for n in REVIEWER)
    reviewer_copy = activate(hidden, folder / "reviewer.xlsx", first)
    reviewer_pdf = convert(reviewer_copy, folder, folder / "profile")
    return ([(sheet_of(p, book.sheetnames), p) for p in pages(pdf)],
            [(sheet_of(p, book.sheetnames), p) for p in pages(reviewer_pdf)])


@pytest.fixture(scope="module")
def printed_pages(printed: tuple[list[tuple[str, Page]], list[tuple[str, Page]]]) -> (
        list[tuple[str, Page]]):
    """The committee pages, then the reviewer pages."""
    return printed[0] + printed[1]


@pytest.mark.slow
def test_every_page_prints_at_its_floor(
        printed: tuple[list[tuple[str, Page]], list[tuple[str, Page]]], book: Any) -> None:
    small: list[str] = []
    for sheet, page in printed[0] + printed[1]:
        floor = REVIEWER_FLOOR if sheet in REVIEWER else COMMITTEE_FLOOR
        tiny = sorted({w.text for w in page.body if w.size < floor})
        if tiny:
            small.append(f"page {page.number} ({sheet}): {page.smallest:.1f} pt, e.g. {tiny[:5]}")
        if sheet not in REVIEWER:
            assert round(page.width) == A4_LANDSCAPE_WIDTH, (page.number, sheet)
    assert small == []
    # every sheet printed, in pack order: the committee's in their PDF, the reviewers' in theirs
    committee, reviewer = (list(dict.fromkeys(s for s, _ in part)) for part in printed)
    assert committee == [n for n in book.sheetnames if n not in REVIEWER]
    assert reviewer == [n for n in book.sheetnames if n in REVIEWER]


@pytest.mark.slow
def test_page_count_stays_reasonable(printed_pages: list[tuple[str, Page]]) -> None:
    committee = [s for s, _ in printed_pages if s not in REVIEWER]
    per_sheet = {s: committee.count(s) for s in dict.fromkeys(committee)}
    # measured 75 of these pages for the demo (2 Cover, 4 Report, 16 HMICFRS List ...); then
    # 88 once the sheets merged later were laid out and counted (SPC 6, Result History 2)
    assert len(committee) <= 98, per_sheet
    assert max(per_sheet.values()) <= 18, per_sheet
    assert per_sheet["Summary"] == 1 and per_sheet["Servator"] <= 2  # 2: by quarter too


@pytest.mark.slow
def test_no_number_is_clipped(printed_pages: list[tuple[str, Page]]) -> None:
    """LibreOffice prints ### where a number does not fit its column."""
    assert [(s, p.number) for s, p in printed_pages
            if "###" in p.text] == []


@pytest.mark.slow
def test_key_data_prints_its_charts_first(printed_pages: list[tuple[str, Page]]) -> None:
    first = next(p for s, p in printed_pages if s == "Key Data")
    words = {w.text for w in first.body}
    assert {"2017-18", "2021-22", "Crimes", "month"} <= words  # chart titles, axes, legends
    assert "Figure" not in words  # the key figures table starts on the next page


# -- xlperf build --pdf ----------------------------------------------------------------------


@pytest.mark.slow
def test_build_pdf_prints_the_committee_sheets(built_with_pdf: tuple[Any, Path, Path]) -> None:
    result, out, pdf = built_with_pdf
    assert result.exit_code == 0, result.output
    assert pdf.is_file() and f"Wrote {pdf}" in result.output
    names = openpyxl.load_workbook(out, read_only=True).sheetnames
    printed = pages(pdf)
    sheets = [sheet_of(p, names) for p in printed]
    assert list(dict.fromkeys(sheets)) == [n for n in names if n not in REVIEWER]
    total = len(printed)
    for number, page in enumerate(printed, start=1):
        footer = " ".join(w.text for w in page.footer)
        assert footer.endswith(f"Page {number} of {total}"), footer
    # the pack itself is unchanged: its reviewer sheets are still visible
    written = openpyxl.load_workbook(out)
    assert all(written[n].sheet_state == "visible" for n in REVIEWER)


def test_build_pdf_without_libreoffice(demo: Path, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_writer, "find_soffice", lambda: None)
    out = tmp_path / "pack.xlsx"
    result = CliRunner().invoke(main, ["build", str(demo), "-o", str(out), "--pdf"])
    assert result.exit_code == 1
    assert "LibreOffice is not installed" in result.output
    assert "pack.pdf was not written; pack.xlsx was" in result.output
    assert "Traceback" not in result.output
    assert out.is_file() and not (tmp_path / "pack.pdf").exists()


def test_hidden_copy_keeps_the_pack_and_hides_reviewer_sheets(pack_path: Path,
                                                              tmp_path: Path) -> None:
    copy = tmp_path / "copy.xlsx"
    visible = pdf_writer.hide_sheets(pack_path, copy, pdf_writer.REVIEWER_SHEETS)
    book = openpyxl.load_workbook(copy, read_only=True)
    assert visible == [n for n in book.sheetnames if n not in REVIEWER]
    states = {s.title: s.sheet_state for s in openpyxl.load_workbook(copy).worksheets}
    assert {n for n, state in states.items() if state == "hidden"} == REVIEWER


@pytest.mark.slow
def test_a_table_title_prints_with_its_table(printed_pages: list[tuple[str, Page]]) -> None:
    """Measures: one priority per page, so no "Priority: ..." title is left at a page's foot
    without its table (its first row is always "Overall Assessment")."""
    measures = [p for s, p in printed_pages if s == "Measures"]
    assert len(measures) >= 5  # a new page for each of the demo's five priorities
    for page in measures:
        words = [w.text for w in page.body]
        assert words.count("Priority:") <= 1
        assert words.count("Priority:") == words.count("Overall"), page.number
