"""Placing a pack on template anchors: stacking, growth, formulas in A1 form, errors."""

from __future__ import annotations

import pytest

from xlperf.pack.model import Block, Cell, Formula, NamedCell, Pack, Ref, Sheet
from xlperf.pack.place import Anchors, NameAnchor, TableAnchor, place, sheet_prefix
from xlperf.problems import XlperfError


def _anchors() -> Anchors:
    anchors = Anchors("t.xlsx", ["Main", "Other sheet"])
    anchors.tables["tblA"] = TableAnchor("tblA", "Main", 3, 2, 2, 1)  # header B3, title B2
    anchors.tables["tblB"] = TableAnchor("tblB", "Main", 7, 2, 2, 2)  # header B7
    anchors.tables["tblC"] = TableAnchor("tblC", "Other sheet", 2, 1, 1, 1)
    anchors.names["Rate"] = NameAnchor("Rate", "Main", 10, 6)
    return anchors


def _block(name: str, template: str, n: int, title: str | None = "T") -> Block:
    return Block(name, template, ["Key", "Value"],
                 [[Cell(f"k{i}"), Cell(i)] for i in range(n)], title)


def test_stacked_blocks_and_growth_push_lower_tables_down() -> None:
    pack = Pack("t", "Q1", "OFFICIAL", [
        Sheet("Main", [_block("a1", "tblA", 2), _block("a2", "tblA", 3), _block("b", "tblB", 1)],
              [NamedCell("Rate", Cell(1))]),
    ])
    placement = place(pack, _anchors())
    a1, a2, b = (placement.blocks[n] for n in ("a1", "a2", "b"))
    assert (a1.title_row, a1.header_row, a1.last_row) == (2, 3, 5)
    assert (a2.title_row, a2.header_row, a2.last_row) == (7, 8, 11)  # a blank row between
    # tblA had rows 2-4 (title, header, one body row); it now needs 2-11: 7 more rows
    assert placement.shifts[0].after_row == 4 and placement.shifts[0].by == 7
    assert b.header_row == 7 + 7
    assert placement.names["Rate"].row == 10 + 7
    assert b.ref == "B14:C15"


def test_spare_template_rows_are_cleared_not_closed_up() -> None:
    pack = Pack("t", "Q1", "OFFICIAL", [Sheet("Main", [_block("b", "tblB", 1)])])
    placement = place(pack, _anchors())
    assert placement.spare == [("Main", 9, 2, 9, 3)]
    assert [a.name for a in placement.unused_tables] == ["tblA", "tblC"]


def test_formulas_resolve_to_a1_with_sheet_prefixes() -> None:
    other = _block("c", "tblC", 1)
    main = Block("a", "tblA", ["Key", "Value"], [[
        Cell("x"),
        Cell(2, formula=Formula("={0}+{1}*{2}", (Ref("c", 0, 1), Ref("a", 0, 0, fixed_col=True),
                                                Ref("Rate", 0, 0)))),
    ]], "T")
    pack = Pack("t", "Q1", "OFFICIAL", [Sheet("Main", [main]), Sheet("Other sheet", [other])])
    placement = place(pack, _anchors())
    cells = {c.coordinate: c for c in placement.cells() if c.sheet == "Main"}
    assert cells["C4"].formula == "='Other sheet'!B3+$B4*$F$10"


def test_sheet_names_are_quoted_as_excel_writes_them() -> None:
    assert sheet_prefix("Data") == "Data"
    assert sheet_prefix("Key Data") == "'Key Data'"
    assert sheet_prefix("Officer's notes") == "'Officer''s notes'"
    assert sheet_prefix("AB12") == "'AB12'"  # looks like a cell address


def test_missing_tables_names_and_sheets_are_all_reported() -> None:
    pack = Pack("t", "Q1", "OFFICIAL", [
        Sheet("Main", [_block("x", "tblMissing", 1)], [NamedCell("NoSuchName", Cell(1))]),
        Sheet("Absent", []),
    ])
    with pytest.raises(XlperfError) as error:
        place(pack, _anchors())
    message = str(error.value)
    assert message.startswith("template t.xlsx: ")
    assert "no table 'tblMissing'" in message
    assert "no defined name 'NoSuchName'" in message
    assert "no sheet 'Absent'" in message


def test_duplicate_block_names_are_refused() -> None:
    pack = Pack("t", "Q1", "OFFICIAL", [
        Sheet("Main", [_block("same", "tblA", 1), _block("same", "tblA", 1)])])
    with pytest.raises(XlperfError, match="two tables are named 'same'"):
        place(pack, _anchors())
