"""Add xlperf's input sheets to an analyst's own workbook (the ribbon's Add input sheets).

An empty input workbook is written by the same code as ``xlperf init`` to a temporary file,
opened in Excel, and each sheet the analyst's workbook lacks is brought in with Excel's own
sheet copy (xlwings ``Sheet.copy``), after the analyst's last sheet. A sheet whose name is
taken, or whose table's name is taken, is left out: an existing sheet is never touched.
All or nothing: if a step fails, the sheets added so far are removed again.

Drop-downs (list validations) on the input sheets point at the Lists sheet. Copied one
sheet at a time, they would point at the temporary file, so each is set again on the
copied Lists sheet (xlwings ``DataValidation.set_list``); when the workbook already had a
Lists sheet of its own, they are left as Excel copied them (pointing at the temporary file;
Data > Edit Links shows them).
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path
from typing import Any

LISTS = "Lists"


def _validations(path: Path) -> dict[str, list[tuple[str, str, str]]]:
    """Per sheet: (cells, Lists sheet range) of every list validation on the Lists sheet."""
    from openpyxl import load_workbook  # noqa: PLC0415

    from .swap import sheet_of  # noqa: PLC0415

    found: dict[str, list[tuple[str, str, str]]] = {}
    for ws in load_workbook(path).worksheets:
        for rule in ws.data_validations.dataValidation:
            formula = (rule.formula1 or "").lstrip("=")
            parts = sheet_of(formula) if rule.type == "list" else None
            if parts and parts[0] == LISTS:
                for cells in str(rule.sqref).split():
                    found.setdefault(ws.title, []).append((cells, parts[0],
                                                           parts[1].replace("$", "")))
    return found


def add_inputs(book: Any) -> tuple[list[str], list[str]]:
    """Copy the input sheets ``book`` lacks into it; (added, skipped)."""
    from ..writers.input_workbook import write_input_workbook  # noqa: PLC0415

    sheets = {s.name.casefold() for s in book.sheets}
    tables = {t.name.casefold() for s in book.sheets for t in s.tables}
    added: list[str] = []
    skipped: list[str] = []
    with tempfile.TemporaryDirectory(prefix="xlperf-") as folder:
        path = write_input_workbook(Path(folder) / "xlperf-input.xlsx")
        validations = _validations(path)
        try:
            source = book.app.books.open(str(path))
            try:
                for sheet in source.sheets:
                    mine = {t.name.casefold() for t in sheet.tables}
                    if sheet.name.casefold() in sheets or mine & tables:
                        skipped.append(sheet.name)
                        continue
                    sheet.copy(after=book.sheets[len(book.sheets) - 1], name=sheet.name)
                    added.append(sheet.name)
            finally:
                source.close()
            if LISTS in added:
                lists = book.sheets[LISTS]
                for name in added:
                    for cells, _where, ref in validations.get(name, []):
                        book.sheets[name].range(cells).data_validation.set_list(
                            lists.range(ref))
        except BaseException:
            # all or nothing: every sheet that was not there before goes again
            for sheet in list(book.sheets):
                if sheet.name.casefold() not in sheets:
                    with contextlib.suppress(Exception):
                        sheet.delete()
            raise
    return added, skipped
