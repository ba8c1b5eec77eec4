"""The pack template: generated from the layout files, found by table and defined names, so
an analyst may restyle it or move a table and the pack still fills."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font, PatternFill
from packbook import keyed, table

from xlperf.api import build_pack, template_path
from xlperf.problems import XlperfError
from xlperf.writers.atomic import workbook_bytes
from xlperf.writers.template import build_template

pytestmark = pytest.mark.slow  # builds packs through restyled templates


def test_committed_template_is_generated_from_the_layout() -> None:
    assert workbook_bytes(build_template()) == template_path().read_bytes()


def test_restyled_and_moved_template_still_fills(demo: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(template_path())
    # restyle: a named style's font and fill, as an analyst would in Excel
    for style in book._named_styles:
        if style.name == "Grade Satisfactory":
            style.font = Font(name="Verdana", size=12, bold=True, color="000000")
            style.fill = PatternFill("solid", fgColor="92D050")
    # move the Summary table three rows down and two columns right (title row too)
    sheet = book["Summary"]
    sheet.move_range("B4:H6", rows=3, cols=2)
    sheet.tables["tblSummary"].ref = "D8:J9"
    restyled = tmp_path / "restyled.xlsx"
    book.save(restyled)

    out = tmp_path / "pack.xlsx"
    build_pack(demo, None, out, restyled)
    built = openpyxl.load_workbook(out)
    summary = built["Summary"]
    assert summary.tables["tblSummary"].ref.startswith("D8:")
    assert summary["D9"].value == "Economic & Cyber Crime"
    assert summary["D7"].value.startswith("Performance summary")
    satisfactory = [c for row in summary.iter_rows() for c in row if c.value == "SATISFACTORY"]
    assert satisfactory and all(c.font.name == "Verdana" for c in satisfactory)
    assert built._named_styles["Grade Satisfactory"].fill.fgColor.rgb.endswith("92D050")
    # every other table still fills
    _header, rows = table(built, "tblCrimeSummary")
    assert rows[-1][0] == "All Crime"


def test_growing_table_pushes_content_below_down(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "pack.xlsx"
    build_pack(demo, None, out)
    book = openpyxl.load_workbook(out)
    sheet = book["Public Order"]
    # three yearly tables stacked where the template had room for one: the summary moved
    refs = [sheet.tables[n].ref for n in ("tblPublicOrder2021", "tblPublicOrder2020",
                                          "tblPublicOrder2019", "tblPublicOrderSummary")]
    starts = [openpyxl.utils.cell.coordinate_to_tuple(r.split(":")[0])[0] for r in refs]
    ends = [openpyxl.utils.cell.coordinate_to_tuple(r.split(":")[1])[0] for r in refs]
    assert starts == sorted(starts)
    assert all(end + 2 <= start for end, start in zip(ends, starts[1:], strict=False))
    assert keyed(book, "tblPublicOrderSummary")["2019/20"][0] == "2019/20"


def test_template_missing_a_table_names_it(demo: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(template_path())
    del book["Servator"].tables["tblServator"]
    broken = tmp_path / "broken.xlsx"
    book.save(broken)
    out = tmp_path / "pack.xlsx"
    with pytest.raises(XlperfError, match="no table 'tblServator'"):
        build_pack(demo, None, out, broken)
    assert not out.exists()


def test_template_missing_a_style_names_it(demo: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(template_path())
    for style in book._named_styles:  # an analyst renamed the style in Excel
        if style.name == "Percent":
            style.name = "Percentage"
    broken = tmp_path / "nostyle.xlsx"
    book.save(broken)
    with pytest.raises(XlperfError, match="no cell style 'Percent'"):
        build_pack(demo, None, tmp_path / "pack.xlsx", broken)


def test_same_input_same_bytes(demo: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    build_pack(demo, None, first)
    build_pack(demo, None, second)
    assert first.read_bytes() == second.read_bytes()
