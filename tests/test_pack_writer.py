"""The streaming pack writer (issue 19) against the openpyxl writer it replaced.

The old writer is kept, for tests only, in tests/legacy_pack_writer.py. Both write the demo
pack (and the trackers pack, which drops most of the template's sheets) from the same
description and template; read back with openpyxl, the two workbooks must hold the same
content: every cell's value or formula, named style and formatting, hyperlinks and comments,
row heights and column widths, merged cells, charts, print setup, defined names, tables,
data validations and conditional formats. What changed on purpose is checked too: formulas
carry their cached values, nothing forces a full recalculation on load, and rebuilds are
byte-identical.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from legacy_pack_writer import render_pack as legacy_render_pack
from packbook import SOFFICE

from xlperf.api import template_path
from xlperf.pack.model import Pack
from xlperf.pack.sheets.trackers import describe_trackers
from xlperf.writers.pack_xlsx import render_pack

ERRORS = {"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"}


def _title(title: Any) -> str | None:
    """The text of a chart or axis title as openpyxl reads it back."""
    if title is None or title.tx is None or title.tx.rich is None:
        return None
    return "".join(run.t or "" for p in title.tx.rich.p for run in (p.r or []))


def _ref(formula: str | None) -> str | None:
    """A chart reference with the sheet name unquoted where quotes are optional ('SPC'!$B$1
    and SPC!$B$1 are the same reference)."""
    if formula is None:
        return None
    return re.sub(r"^'([A-Za-z_][A-Za-z0-9_.]*)'!", r"\1!", formula)


def _chart(chart: Any) -> dict[str, Any]:
    anchor = chart.anchor
    return {
        "type": type(chart).__name__,
        "at": (anchor._from.col, anchor._from.row),
        "size": (anchor.ext.width, anchor.ext.height) if getattr(anchor, "ext", None) else None,
        "title": _title(chart.title),
        "x_title": _title(chart.x_axis.title), "y_title": _title(chart.y_axis.title),
        "x_deleted": chart.x_axis.delete, "y_deleted": chart.y_axis.delete,
        "legend": chart.legend is not None,
        "series": [(_ref(s.val.numRef.f if s.val and s.val.numRef else None),
                    _ref(s.cat.numRef.f if s.cat and s.cat.numRef else None),
                    s.smooth) for s in chart.series],
    }


def _same_cell(a: tuple[Any, ...] | None, b: tuple[Any, ...] | None) -> bool:
    """Equal, floats to 1e-15 relative: the old writer wrote them with 16 significant
    digits ("%.16g"), the new one exactly (repr), so the last digit may differ."""
    if a is None or b is None or a[1:] != b[1:]:
        return a == b
    if isinstance(a[0], float) and isinstance(b[0], float):
        return math.isclose(a[0], b[0], rel_tol=1e-15)
    return a[0] == b[0]


def _cell(cell: Any) -> tuple[Any, ...]:
    return (cell.value, cell.style, cell.number_format,
            *(repr(part) for part in (cell.font, cell.fill, cell.border, cell.alignment,
                                      cell.protection)),
            cell.hyperlink.location if cell.hyperlink else None,
            cell.comment.text if cell.comment else None)


def content(data: bytes) -> dict[str, Any]:
    """Everything a reader sees in a workbook, as plain comparable data."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    out: dict[str, Any] = {"sheets": book.sheetnames,
                           "names": {n: d.attr_text for n, d in book.defined_names.items()}}
    for ws in book.worksheets:
        cells = {c.coordinate: _cell(c) for row in ws.iter_rows() for c in row
                 if c.value is not None or c.style_id != 0 or c.hyperlink or c.comment}
        out[ws.title] = {
            "cells": cells,
            "heights": {r: d.height for r, d in ws.row_dimensions.items() if d.height},
            "widths": {k: d.width for k, d in ws.column_dimensions.items() if d.width},
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "charts": [_chart(c) for c in ws._charts],
            "page": (ws.page_setup.orientation, ws.page_setup.paperSize,
                     ws.page_setup.fitToWidth, ws.page_setup.fitToHeight,
                     ws.sheet_properties.pageSetUpPr.fitToPage if
                     ws.sheet_properties.pageSetUpPr else None),
            "margins": (ws.page_margins.left, ws.page_margins.right, ws.page_margins.top,
                        ws.page_margins.bottom, ws.page_margins.header,
                        ws.page_margins.footer),
            "print": (ws.print_title_rows, ws.print_title_cols, ws.print_area,
                      ws.print_options.gridLines, ws.print_options.horizontalCentered),
            "header_footer": [getattr(getattr(ws, band), part).text
                              for band in ("oddHeader", "oddFooter", "evenHeader",
                                           "evenFooter", "firstHeader", "firstFooter")
                              for part in ("left", "center", "right")],
            "view": (ws.sheet_view.showGridLines, ws.freeze_panes, ws.sheet_properties.tabColor),
            "local_names": {n: d.attr_text for n, d in ws.defined_names.items()},
            "tables": {t.displayName: (t.ref, t.tableStyleInfo.name,
                                       t.tableStyleInfo.showRowStripes,
                                       [c.name for c in t.tableColumns])
                       for t in ws.tables.values()},
            "validations": [(str(v.sqref), v.type, v.formula1, v.allow_blank)
                            for v in ws.data_validations.dataValidation],
            "conditional": [(str(rng.sqref), [(r.type, r.operator, r.formula, r.dxfId)
                                              for r in rules])
                            for rng, rules in ws.conditional_formatting._cf_rules.items()],
        }
    return out


@pytest.fixture(scope="module")
def new(demo_pack_file: Path) -> bytes:
    """The demo pack (conftest.demo_pack, Q4 2021-22) as the streaming writer writes it
    (conftest.demo_pack_file)."""
    return demo_pack_file.read_bytes()


@pytest.fixture(scope="module")
def written(demo_pack: Pack, new: bytes) -> tuple[bytes, bytes]:
    """The demo pack by the old writer and by the new one."""
    return legacy_render_pack(demo_pack, template_path()), new


def _compare(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    differences = []
    for key in old.keys() | new.keys():
        if old.get(key) == new.get(key):
            continue
        if key in ("sheets", "names"):
            differences.append(f"{key}: {old.get(key)!r} != {new.get(key)!r}")
            continue
        for part in old[key].keys() | new[key].keys():
            a, b = old[key].get(part), new[key].get(part)
            if a == b:
                continue
            if part == "cells":
                for coordinate in sorted(a.keys() | b.keys()):
                    if not _same_cell(a.get(coordinate), b.get(coordinate)):
                        differences.append(f"{key}!{coordinate}: {a.get(coordinate)!r} "
                                           f"!= {b.get(coordinate)!r}")
            else:
                differences.append(f"{key} {part}: {a!r} != {b!r}")
    return differences


@pytest.mark.slow  # both writers, and every cell of both packs read back
def test_demo_pack_content_is_the_old_writers(written: tuple[bytes, bytes]) -> None:
    old, new = (content(data) for data in written)
    assert len(old["sheets"]) > 20 and sum(len(old[s]["cells"]) for s in old["sheets"]) > 5000
    assert any(old[s]["charts"] for s in old["sheets"])  # the comparison covers charts too
    assert _compare(old, new)[:20] == []


@pytest.mark.slow  # both writers, and every cell of both packs read back
def test_trackers_pack_drops_the_same_sheets_and_names(demo_ds: Any) -> None:
    pack = describe_trackers(demo_ds)
    old, new = (content(render(pack, template_path()))
                for render in (legacy_render_pack, render_pack))
    assert len(old["sheets"]) < 10
    assert _compare(old, new)[:20] == []


def test_formulas_carry_their_cached_values(new: bytes) -> None:
    """Opened without recalculation (data_only, as a previewer or Protected View shows it),
    every formula cell has the value xlperf computed."""
    formulas = openpyxl.load_workbook(io.BytesIO(new))
    values = openpyxl.load_workbook(io.BytesIO(new), data_only=True)
    count = 0
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    count += 1
                    cached = values[ws.title][cell.coordinate].value
                    assert cached is not None, f"{ws.title}!{cell.coordinate} {cell.value}"
    assert count > 500


def test_no_forced_full_recalculation(new: bytes) -> None:
    workbook = zipfile.ZipFile(io.BytesIO(new)).read("xl/workbook.xml").decode()
    assert "fullCalcOnLoad" not in workbook
    assert "<calcPr" in workbook


def test_rebuild_is_byte_identical(demo_pack: Pack, new: bytes) -> None:
    assert render_pack(demo_pack, template_path()) == new


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_cached_values_equal_libreoffice_recalculation(new: bytes, demo_pack_recalculated: Any,
                                                       tmp_path: Path) -> None:
    """What a reader sees without recalculating (openpyxl data_only) is what LibreOffice
    computes when it recalculates every formula of the pack (the session's one
    recalculation of the demo pack file, conftest.demo_pack_recalculated)."""
    pack_file = tmp_path / "pack.xlsx"
    pack_file.write_bytes(new)
    formulas = openpyxl.load_workbook(pack_file)
    cached = openpyxl.load_workbook(pack_file, data_only=True)
    again = demo_pack_recalculated
    count, bad = 0, []
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type != "f":
                    continue
                count += 1
                mine = cached[ws.title][cell.coordinate].value
                theirs = again[ws.title][cell.coordinate].value
                if isinstance(mine, float) and isinstance(theirs, (int, float)):
                    ok = math.isclose(mine, theirs, rel_tol=1e-9, abs_tol=1e-12)
                else:
                    ok = mine == theirs or (mine == "" and theirs is None)
                if not ok:
                    bad.append(f"{ws.title}!{cell.coordinate} {cell.value}: cached {mine!r}, "
                               f"LibreOffice {theirs!r}")
    assert count > 500
    assert bad[:20] == []
