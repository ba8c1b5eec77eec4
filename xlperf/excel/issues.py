"""The Issues sheet: every problem of the input with a link to its cell, or the detail of
a failure (the traceback) that the alert does not show."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..problems import Problem, address

ISSUES = "Issues"
WIDTHS = (("A", 10), ("B", 24), ("C", 28), ("D", 110))


def _sheet(book: Any) -> Any:
    """The Issues sheet, emptied; created after the first sheet when there is none."""
    for sheet in book.sheets:
        if sheet.name.casefold() == ISSUES.casefold():
            sheet.clear()
            return sheet
    return book.sheets.add(ISSUES, after=book.sheets[0])


def _head(sheet: Any, title: str) -> None:
    sheet.range("A1").value = [[title]]
    sheet.range("A1").font.bold = True
    sheet.range("A3:D3").value = [["Severity", "Code", "Cell", "Problem"]]
    sheet.range("A3:D3").font.bold = True
    for letter, width in WIDTHS:
        sheet.range(f"{letter}1").column_width = width


def write_issues(book: Any, problems: Iterable[Problem], note: str = "No problems found."
                 ) -> None:
    """Rewrite the Issues sheet: every problem, with a link to its cell."""
    problems = list(problems)
    names = {s.name.casefold() for s in book.sheets}
    sheet = _sheet(book)
    _head(sheet, "Problems found by xlperf (click a cell address to go there)")
    rows = [[(p.severity or "error").title(), p.code, address(p.sheet, p.cell) if p.sheet else "",
             p.message] for p in problems] or [["", "", "", note]]
    sheet.range((4, 1), (3 + len(rows), 4)).number_format = "@"
    sheet.range((4, 1), (3 + len(rows), 4)).value = rows
    for i, problem in enumerate(problems):
        if problem.sheet and problem.sheet.casefold() in names:  # a missing sheet: no link
            where = address(problem.sheet, problem.cell or "A1")
            sheet.range((4 + i, 3)).add_hyperlink(f"#{where}", rows[i][2], f"Go to {where}")
    sheet.activate()


def write_failure(book: Any, what: str, detail: str) -> None:
    """Rewrite the Issues sheet with the detail of a failure, one line per row."""
    sheet = _sheet(book)
    _head(sheet, f"{what} failed; the detail below is for whoever looks after xlperf")
    lines = detail.rstrip().splitlines() or [""]
    rows = [["Error", "failure", "", line] for line in lines]
    sheet.range((4, 1), (3 + len(rows), 4)).number_format = "@"
    sheet.range((4, 1), (3 + len(rows), 4)).value = rows
