"""What the analyst workbook's buttons run (``RunPython "import xlperf.excel.entry as e;
e.build_pack()"``, see xlperf/assets/macros/xlperf.bas).

Each entry point takes an xlwings ``Book`` (by default the workbook whose button was
pressed), reads the input tables from it as they are on screen, validates them with the
same rules as ``xlperf validate``, and only then writes. When the input has problems, the
Issues sheet lists every one (with a link to its cell), one short alert says so, and no
other sheet is touched. The Issues sheet is rewritten by every run, so it never shows
problems that have been fixed.
"""

from __future__ import annotations

import os
from typing import Any

from ..problems import Problem, Problems, XlperfError, address

#: The sheets a re-grade rewrites: the grades and their audit trail.
REGRADE_SHEETS = ("Summary", "Measures", "Audit")
ISSUES = "Issues"
TITLE = "xlperf"
#: Sheets of the analyst workbook besides the input tables'
#: (see xlperf/assets/macros/workbook.yaml).
OTHER_SHEETS = ("Start", "Instructions", "Lists", "xlwings.conf", ISSUES)


def _caller(book: Any) -> Any:
    if book is not None:
        return book
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    import xlwings as xw  # noqa: PLC0415 - only inside Excel

    return xw.Book.caller()


def _taken() -> set[str]:
    """Sheet names a pack sheet must not take: the input's, and the workbook's own."""
    from ..schema import load_schema  # noqa: PLC0415

    return {t.sheet for t in load_schema().tables} | set(OTHER_SHEETS)


# -- the Issues sheet ------------------------------------------------------------------
def _issue_rows(problems: Problems | list[Problem], note: str) -> list[list[Any]]:
    rows = [[p.severity.title(), p.code, address(p.sheet, p.cell) if p.sheet else "",
             p.message] for p in problems]
    return rows or [["", "", "", note]]


def write_issues(book: Any, problems: Problems | list[Problem], note: str = "No problems found."
                 ) -> None:
    """Rewrite the Issues sheet: every problem, with a link to its cell."""
    names = {s.name.casefold(): s.name for s in book.sheets}
    if ISSUES.casefold() in names:
        sheet = book.sheets[names[ISSUES.casefold()]]
        sheet.clear()
    else:
        sheet = book.sheets.add(ISSUES, after=book.sheets[0])
    rows = _issue_rows(problems, note)
    sheet.range("A1").value = [["Problems found by xlperf (click a cell address to go there)"]]
    sheet.range("A1").font.bold = True
    sheet.range("A3:D3").value = [["Severity", "Code", "Cell", "Problem"]]
    sheet.range("A3:D3").font.bold = True
    sheet.range((4, 1), (3 + len(rows), 4)).number_format = "@"
    sheet.range((4, 1), (3 + len(rows), 4)).value = rows
    for i, problem in enumerate(problems):
        if problem.sheet.casefold() in names:  # a missing sheet cannot be linked to
            where = address(problem.sheet, problem.cell or "A1")
            sheet.range((4 + i, 3)).add_hyperlink(
                f"#{where}", rows[i][2], f"Go to {rows[i][2]}")
    for letter, width in (("A", 10), ("B", 24), ("C", 28), ("D", 110)):
        sheet.range(f"{letter}1").column_width = width
    sheet.activate()


def _report(book: Any, problems: Problems, what: str) -> None:
    errors = len(problems.errors)
    write_issues(book, problems)
    first = problems.errors[0] if problems.errors else None
    detail = f"\n\nFirst: {first}" if first else ""
    book.app.alert(f"{what}: {errors} problem{'s' * (errors != 1)} in the input, listed on the "
                   f"Issues sheet; nothing else was changed.{detail}", title=TITLE,
                   mode="critical")


def _fail(book: Any, message: str) -> None:
    book.app.alert(message, title=TITLE, mode="critical")


# -- reading ---------------------------------------------------------------------------
def _load(book: Any, what: str):  # type: ignore[no-untyped-def]
    """The book's Dataset, or None after reporting its problems."""
    from ..reading.book import load_book  # noqa: PLC0415

    loaded = load_book(book)
    if loaded.problems.errors or loaded.dataset is None:
        _report(book, loaded.problems, what)
        return None, loaded.problems
    return loaded.dataset, loaded.problems


def _quarter(ds: Any):  # type: ignore[no-untyped-def]
    """The quarter ``xlperf build`` builds: Settings' Reporting quarter, else the latest."""
    from ..api import resolve_quarter  # noqa: PLC0415

    return resolve_quarter(ds, None)


def _plan(ds: Any):  # type: ignore[no-untyped-def]
    """The pack of ``ds`` laid out for this workbook, and its quarter (nothing written)."""
    from ..pack.build import describe_pack  # noqa: PLC0415
    from ..schema import load_schema  # noqa: PLC0415
    from .writer import plan_pack  # noqa: PLC0415

    quarter = _quarter(ds)
    inputs = [t.name for t in load_schema().tables]
    return plan_pack(describe_pack(ds, quarter), _taken(), taken_tables=inputs), quarter


# -- the buttons -----------------------------------------------------------------------
def validate(book: Any = None) -> bool:
    """Check the input; the Issues sheet lists every problem. True when there is no error."""
    book = _caller(book)
    ds, problems = _load(book, "Validate")
    if ds is None:
        return False
    write_issues(book, problems)
    warnings = len(problems.warnings)
    book.app.alert(f"The input is valid ({warnings} warning{'s' * (warnings != 1)}).",
                   title=TITLE, mode="info")
    return True


def build_pack(book: Any = None) -> bool:
    """Validate, then write every sheet of the pack into the workbook."""
    from .writer import check_replaceable, replace_sheets  # noqa: PLC0415

    book = _caller(book)
    ds, problems = _load(book, "Build pack")
    if ds is None:
        return False
    try:
        plan, quarter = _plan(ds)
        check_replaceable(book, plan)
    except XlperfError as exc:
        _fail(book, f"Build pack: {exc}")
        return False
    write_issues(book, problems)
    replace_sheets(book, plan)
    book.app.alert(f"The pack for {quarter.label} is written ({len(plan.sheets)} sheets).",
                   title=TITLE, mode="info")
    return True


def regrade(book: Any = None) -> bool:
    """Recompute the grades and rewrite Summary, Measures and Audit only."""
    from .writer import check_regradable, replace_sheets  # noqa: PLC0415

    book = _caller(book)
    ds, problems = _load(book, "Re-grade")
    if ds is None:
        return False
    try:
        plan, quarter = _plan(ds)
        sheets = check_regradable(book, plan, REGRADE_SHEETS)
    except XlperfError as exc:
        _fail(book, f"Re-grade: {exc}")
        return False
    write_issues(book, problems)
    replace_sheets(book, plan, sheets)
    book.app.alert(f"Grades for {quarter.label} recomputed: "
                   f"{', '.join(s.name for s in sheets)} rewritten.", title=TITLE, mode="info")
    return True


def explain(book: Any = None) -> str | None:
    """Explain how the measure in the selected cell was graded (an alert)."""
    book = _caller(book)
    ds, _problems = _load(book, "Explain")
    if ds is None:
        return None
    try:
        quarter = _quarter(ds)
        measure_id = selected_measure(book, ds)
    except XlperfError as exc:
        _fail(book, f"Explain: {exc}")
        return None
    if measure_id is None:
        _fail(book, "Explain: select a cell holding a measure ID (for example on the Measures "
                    "or Measure values sheet, or a measure's row on the pack's Measures sheet), "
                    "then press Explain again.")
        return None
    from ..domain.explain import explain as explain_grade  # noqa: PLC0415
    from ..domain.grading import grade_measure  # noqa: PLC0415

    measure = ds.measure(measure_id)
    text = explain_grade(grade_measure(ds, measure, quarter),
                         grade_measure(ds, measure, quarter.previous()))
    book.app.alert(text, title=f"{TITLE}: {measure_id}", mode="info")
    return text


def selected_measure(book: Any, ds: Any) -> str | None:
    """The measure of the selected cell: its own text, the Measure ID of its input row, or
    the measure of its row on the pack's Measures sheet."""
    from ..reading.xlsx import split_ref  # noqa: PLC0415

    selection = book.app.selection
    if selection is None:
        return None
    sheet = selection.sheet.name
    first = selection.address.split(":")[0].replace("$", "")
    row, col = split_ref(first)
    ids: dict[str, str] = {m.id.casefold(): m.id for m in ds.measures}
    value = selection.sheet.range((row, col)).value
    if isinstance(value, str) and value.strip().casefold() in ids:
        return ids[value.strip().casefold()]
    for table in selection.sheet.tables:  # a row of an input table with a Measure ID
        header = table.header_row_range
        body = table.data_body_range
        if header is None or body is None:
            continue
        names = [str(h) for h in header.value] if isinstance(header.value, list) \
            else [str(header.value)]
        if "Measure ID" not in names:
            continue
        top, left = split_ref(body.address.split(":")[0].replace("$", ""))
        bottom = top + body.shape[0] - 1
        if top <= row <= bottom and left <= col < left + len(names):
            found = selection.sheet.range((row, left + names.index("Measure ID"))).value
            if isinstance(found, str) and found.strip().casefold() in ids:
                return ids[found.strip().casefold()]
    plan, _shown = _plan(ds)
    assert plan.placement is not None
    for placed in plan.placement.blocks.values():  # a measure's row on a pack sheet
        if placed.sheet != sheet or not placed.block.row_keys:
            continue
        if placed.first_row <= row <= placed.last_row and placed.col <= col <= placed.last_col:
            key = placed.block.row_keys[row - placed.first_row]
            if key.casefold() in ids:
                return ids[key.casefold()]
    return None
