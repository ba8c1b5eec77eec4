"""FAST-standard rules on the demo pack's formulas: no constants inside formulas, and one
formula per row copied across the months."""

from __future__ import annotations

import re

import openpyxl
import pytest

from xlperf.a1 import column_index
from xlperf.api import template_path
from xlperf.pack.model import Pack
from xlperf.pack.place import PlacedCell, Placement, place
from xlperf.periods import CALENDAR_MONTHS
from xlperf.writers.pack_xlsx import anchors_from_workbook

_STRING = re.compile(r'"[^"]*"')
_SHEET = re.compile(r"('(?:[^']|'')+'|[A-Za-z_][A-Za-z0-9_. ]*)!")
_CELL = re.compile(r"(\$?)([A-Z]{1,3})(\$?)(\d+)")


@pytest.fixture(scope="module")
def placement(demo_pack: Pack) -> Placement:
    pack = demo_pack
    return place(pack, anchors_from_workbook(openpyxl.load_workbook(template_path()), "t"))


def r1c1(formula: str, row: int, col: int) -> str:
    """The formula with relative references as offsets, so copies across compare equal."""
    def convert(match: re.Match[str]) -> str:
        fixed_col, letters, fixed_row, digits = match.groups()
        c = f"C{column_index(letters)}" if fixed_col else f"C[{column_index(letters) - col}]"
        r = f"R{digits}" if fixed_row else f"R[{int(digits) - row}]"
        return r + c
    return _CELL.sub(convert, _STRING.sub('""', formula))


def test_r1c1_conversion() -> None:
    assert r1c1("=SUM($C8:D8)", 8, 4) == "=SUM(R[0]C3:R[0]C[0])"
    assert r1c1('=IFERROR(E9/E8,"N/A")', 10, 5) == '=IFERROR(R[-1]C[0]/R[-2]C[0],"")'


def formulas(placement: Placement) -> list[PlacedCell]:
    return [c for c in placement.cells() if c.formula is not None]


def test_no_numeric_constants_inside_formulas(placement: Placement) -> None:
    offenders = []
    for cell in formulas(placement):
        text = _STRING.sub('""', cell.formula or "")
        text = _SHEET.sub("", text)
        text = _CELL.sub("", text)
        if re.search(r"(?<![A-Za-z_])\d+(\.\d+)?", text):
            offenders.append(f"{cell.sheet}!{cell.coordinate} {cell.formula}")
    assert offenders == []


def test_one_formula_per_row_copied_across_the_months(placement: Placement) -> None:
    months = set(CALENDAR_MONTHS)
    checked = 0
    for placed in placement.blocks.values():
        month_cols = [i for i, h in enumerate(placed.block.header) if h in months]
        if len(month_cols) < 12:
            continue
        for r, row in enumerate(placed.block.rows):
            shapes = set()
            for c in month_cols:
                cell = row[c]
                if cell.formula is None:
                    continue
                text = placement.formula(cell.formula, placed.sheet)
                sheet_row, sheet_col = placed.position(r, c)
                shapes.add(r1c1(text, sheet_row, sheet_col))
            if shapes:
                checked += 1
                assert len(shapes) == 1, (placed.block.name, r, shapes)
    assert checked >= 20


def test_inputs_and_calculations_have_distinct_styles(placement: Placement) -> None:
    for cell in placement.cells():
        if cell.kind != "body" or not isinstance(cell.cell.value, (int, float)):
            continue
        if cell.formula is None and not isinstance(cell.cell.value, bool):
            assert cell.cell.style is None or not cell.cell.style.startswith(
                ("Count Bold", "Change", "Percent", "Average")), cell
        if cell.formula is not None:
            assert not (cell.cell.style or "").startswith("Input"), cell
