"""What the analyst workbook's buttons and the xlperf ribbon run, through xlwings'
``RunPython`` (``import xlperf.excel.entry as e; e.build_pack()``).

Each entry point acts on the workbook that called it (``xw.Book.caller()``; from the
ribbon add-in, the active workbook), reads its input tables as they are on screen,
validates them with the same rules as ``xlperf validate``, and only then writes.

No exception reaches Excel: problems in the input go to the Issues sheet, each with a link
to its cell, and one alert says how many; a refusal (a sheet xlperf did not write, no
input tables, another Build pack running...) is one alert in plain words; anything else is
one alert in plain words with the detail (the traceback) on the Issues sheet. Build pack,
Re-grade and Add input sheets refuse a workbook Excel opened read-only or shares (legacy
Share Workbook): :func:`excel_reports`, the one call past xlwings' API. While a
button runs, screen updating and Excel's alerts are off, the status bar says what is
running and calculation is manual; all four are restored afterwards, whatever happened.

Build pack and Re-grade write the pack with the file writer ``xlperf build`` uses to a
temporary ``.xlsx`` and bring its sheets in with Excel's own sheet copy
(:mod:`xlperf.excel.swap`), so the pack inside Excel is the file pack.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from ..problems import InputError, Problems, XlperfError
from .issues import ISSUES, write_failure, write_issues

T = TypeVar("T")

#: The sheets a re-grade rewrites: the grades and their audit trail.
REGRADE_SHEETS = ("Summary", "Measures", "Audit")
TITLE = "xlperf"
CONF_SHEET = "xlwings.conf"
#: Sheets of the analyst workbook besides the input tables' (see macros/workbook.yaml).
OTHER_SHEETS = ("Start", "Instructions", "Lists", CONF_SHEET, ISSUES)
#: The pack's working sheets (layouts/audit.yaml): everything else is for the committee.
WORKING_SHEETS = ("Audit", "Checks", "Data")


class Refused(XlperfError):
    """A button that cannot run on this workbook as it is: one plain message."""


def _xlwings() -> Any:
    import xlwings  # noqa: PLC0415

    return xlwings


# -- the workbook and the run -----------------------------------------------------------
def _book() -> Any:
    """The workbook a button acts on: the caller, or the active workbook for the add-in."""
    caller = _xlwings().Book.caller()
    if not caller.name.lower().endswith(".xlam"):
        return caller
    active = caller.app.books.active
    if active is None:
        raise Refused("No workbook is open for editing. A workbook in Protected View must be "
                      "enabled first (Enable Editing), then press the button again.")
    return active


def _alert(book: Any, text: str, info: bool = False) -> None:
    app = book.app if book is not None else _xlwings().apps.active
    app.alert(text, title=TITLE, mode="info" if info else "critical")


def _lock_path(book: Any) -> Path:
    import hashlib  # noqa: PLC0415

    key = hashlib.sha256(str(book.fullname).encode("utf-8")).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"xlperf-{key}.lock"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except (OSError, ValueError):
        return False
    return True


@contextmanager
def _locked(book: Any, what: str) -> Iterator[None]:
    """One Build pack or Re-grade at a time per workbook (each press runs a new Python)."""
    path = _lock_path(book)
    for _ in range(2):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            try:
                pid = int(path.read_text("ascii").strip() or 0)
            except (OSError, ValueError):
                pid = 0
            if pid and _alive(pid):
                raise Refused(f"{what}: xlperf is already building the pack of this workbook; "
                              "wait for it to finish, then try again.") from None
            path.unlink(missing_ok=True)  # left by a run that was stopped
            continue
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(str(os.getpid()))
        try:
            yield
        finally:
            path.unlink(missing_ok=True)
        return
    raise Refused(f"{what}: could not take the lock {path}; try again.")


def _run(what: str, work: Callable[[Any], T], given: Any = None) -> T | None:
    """Run ``work`` on ``given`` (by default the button's workbook); never let an exception
    reach Excel."""
    book = None
    try:
        book = given if given is not None else _book()
    except Refused as exc:
        refusal = str(exc)
        _safe(lambda: _alert(None, refusal))
        return None
    except Exception:  # noqa: BLE001 - any failure to reach Excel is one alert
        _safe(lambda: _alert(None, f"{what}: xlperf could not reach the workbook. "
                                   f"{_last_line()}"))
        return None
    app = book.app
    saved: dict[str, Any] = {}
    try:
        saved["calculation"] = app.calculation
        saved["display_alerts"] = app.display_alerts
        app.screen_updating = False
        app.display_alerts = False
        app.status_bar = f"xlperf: {what}..."
        app.calculation = "manual"
        return work(book)
    except InputError as exc:
        _restore(app, saved)
        problems = exc.problems
        _safe(lambda: write_issues(book, problems))
        _safe(lambda: _alert(book, _problems_text(what, problems)))
    except XlperfError as exc:
        _restore(app, saved)
        said = str(exc) if str(exc).startswith(what) else f"{what}: {exc}"
        _safe(lambda: _alert(book, said))
    except Exception as exc:  # noqa: BLE001 - every failure becomes words
        detail = traceback.format_exc()
        plain = _plain(exc)
        _restore(app, saved)
        written = _safe(lambda: write_failure(book, what, detail))
        where = " The detail is on the Issues sheet." if written else ""
        _safe(lambda: _alert(book, f"{what} did not finish: {plain}. Nothing was "
                                   f"changed.{where}"))
    finally:
        _restore(app, saved)
    return None


def _restore(app: Any, saved: dict[str, Any]) -> None:
    """Screen updating, alerts, status bar and calculation as they were (idempotent)."""
    if saved.get("restored"):
        return
    saved["restored"] = True
    _safe(lambda: setattr(app, "screen_updating", True))
    if "display_alerts" in saved:
        _safe(lambda: setattr(app, "display_alerts", saved["display_alerts"]))
    _safe(lambda: setattr(app, "status_bar", False))
    if "calculation" in saved:
        _safe(lambda: setattr(app, "calculation", saved["calculation"]))


def _safe(action: Callable[[], Any], tries: int = 2) -> bool:
    """Run ``action``; a failure is retried once (Excel may be busy), then printed to the
    console, never raised."""
    for _ in range(tries):
        try:
            action()
        except Exception:  # noqa: BLE001 - the last line of defence
            failed = traceback.format_exc()
            continue
        return True
    print(failed, file=sys.stderr)
    return False


def _last_line() -> str:
    return traceback.format_exc().strip().splitlines()[-1]


def _plain(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return text or type(exc).__name__


def _problems_text(what: str, problems: Problems) -> str:
    errors = len(problems.errors)
    first = problems.errors[0] if problems.errors else None
    detail = f"\n\nFirst: {first}" if first else ""
    return (f"{what}: {errors} problem{'s' * (errors != 1)} in the input, listed on the "
            f"Issues sheet; nothing else was changed.{detail}")


# -- reading -----------------------------------------------------------------------------
def _input_tables() -> list[Any]:
    from ..schema import load_schema  # noqa: PLC0415

    return list(load_schema().tables)


def _load(book: Any, what: str) -> Any:
    """The book's Dataset; raises InputError (Issues sheet) or Refused (no input tables)."""
    from ..reading.book import load_book  # noqa: PLC0415

    present = {t.name.casefold() for s in book.sheets for t in s.tables}
    if not {t.name.casefold() for t in _input_tables()} & present:
        raise Refused(f"{what}: this workbook has none of xlperf's input tables. Press Add "
                      "input sheets to add them beside your own sheets, fill them, then "
                      "try again.")
    loaded = load_book(book)
    return loaded.dataset_or_raise(), loaded.problems


def _quarter(ds: Any) -> Any:
    """The quarter ``xlperf build`` builds: Settings' Reporting quarter, else the latest."""
    from ..api import resolve_quarter  # noqa: PLC0415

    return resolve_quarter(ds, None)


#: Which engine xlwings drives: COM on Windows, AppleScript on macOS.
ENGINE = "windows" if sys.platform.startswith("win") else "macos"


def excel_reports(book: Any) -> tuple[bool, bool]:
    """(read-only, shared) as Excel reports them for ``book``.

    xlwings 0.37.8 has neither (its Book has no such property on either engine), so this is
    the one place xlperf reaches past xlwings' API to the engine's own workbook object
    (``Book.api``): ``Workbook.ReadOnly`` and ``Workbook.MultiUserEditing`` through COM on
    Windows; the workbook's ``read only`` and ``multi user editing`` properties through
    AppleScript (appscript) on macOS. Shared means the legacy "Share Workbook", in which Excel
    cannot copy, rename or delete sheets or add tables."""
    api = book.api
    if ENGINE == "windows":
        return bool(api.ReadOnly), bool(api.MultiUserEditing)
    return bool(api.read_only.get()), bool(api.multi_user_editing.get())


def _editable(book: Any, what: str) -> None:
    """Refuse, in one sentence, a workbook Excel opened read-only or shares."""
    read_only, shared = excel_reports(book)
    if read_only:
        raise Refused(f"{what}: Excel opened this workbook read-only, so nothing xlperf adds "
                      "could be saved; save a copy (File > Save As) and press the button "
                      "there.")
    if shared:
        raise Refused(f"{what}: this is a shared workbook (Share Workbook), in which Excel "
                      "cannot copy, rename or delete sheets or add tables; turn sharing off "
                      "(Review > Unshare Workbook) or save a copy, then try again.")


# -- the pack --------------------------------------------------------------------------
def _taken(book: Any) -> set[str]:
    """Sheet names a pack sheet must not take: the input's, and the workbook's own."""
    del book
    return {t.sheet for t in _input_tables()} | set(OTHER_SHEETS)


def _plan(book: Any, pack: Any, sheets: list[str], what: str
          ) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Final sheet names, the previous pack's sheets, and final table names: refused when
    a sheet of a pack name is the analyst's own (it holds none of the pack's tables)."""
    from .swap import table_names, workbook_names  # noqa: PLC0415

    final = workbook_names([s.name for s in pack.sheets], _taken(book))
    present = {s.name.casefold(): s for s in book.sheets}
    pack_tables = [t for s in pack.sheets for t in s.tables]
    other_tables = [t.name for s in book.sheets for t in s.tables
                    if s.name.casefold() not in {final[n].casefold() for n in final}]
    tables = table_names(pack_tables, other_tables)
    from .swap import sheet_of  # noqa: PLC0415

    named = {}  # defined name -> the sheet it points into, in the workbook
    for defined in book.names:
        where = sheet_of(str(defined.refers_to).lstrip("="))
        if where:
            named[defined.name] = where[0].casefold()
    previous: dict[str, str] = {}
    for name in sheets:
        sheet = present.get(final[name].casefold())
        if sheet is None:
            continue
        # xlperf's own: it holds one of the pack's tables, or a name of the pack points in
        mine = {tables[t] for t in pack.sheet(name).tables}
        names = {n for n, (where, _ref) in pack.names.items() if where == name}
        if not mine & {t.name for t in sheet.tables} and not any(
                named.get(n) == sheet.name.casefold() for n in names):
            raise Refused(f"{what}: this workbook already has a sheet {sheet.name!r} that "
                          "xlperf did not write; xlperf never overwrites it. Rename or delete "
                          "it, then try again.")
        previous[name] = sheet.name
    return final, previous, tables


def _rebuild(book: Any, what: str, only: tuple[str, ...] | None) -> str:
    from ..api import write_pack  # noqa: PLC0415
    from .swap import read_pack_file, remove_leftovers, swap_in  # noqa: PLC0415

    _editable(book, what)
    with _locked(book, what):
        ds, problems = _load(book, what)
        quarter = _quarter(ds)
        with tempfile.TemporaryDirectory(prefix="xlperf-") as folder:
            path = Path(folder) / "xlperf-pack.xlsx"
            write_pack(ds, quarter, path)
            pack = read_pack_file(path)
            sheets = [s.name for s in pack.sheets] if only is None else list(only)
            final, previous, tables = _plan(book, pack, sheets, what)
            if only is not None and len(previous) != len(sheets):
                missing = [final[n] for n in sheets if n not in previous]
                raise Refused(f"{what}: there is no sheet {missing[0]!r} to re-grade; press "
                              "Build pack first.")
            if only is not None:
                _check_not_referred(pack, sheets, final)
            write_issues(book, problems)
            remove_leftovers(book)
            done = swap_in(book, pack, sheets, final, previous, tables)
        left = (f" Excel kept the previous pack's sheets {', '.join(done.leftovers)}; delete "
                "them (the next Build pack does)." if done.leftovers else "")
        if only is None:
            return f"The pack for {quarter.label} is in this workbook ({len(done.sheets)} " \
                   f"sheets).{left}"
        return f"Grades for {quarter.label} recomputed: {', '.join(done.sheets)} " \
               f"replaced.{left}"


def _check_not_referred(pack: Any, sheets: list[str], final: dict[str, str]) -> None:
    from .swap import sheets_referred  # noqa: PLC0415

    for other in pack.sheets:
        if other.name in sheets:
            continue
        for (row, col), formula in sorted(other.linked.items()):
            if sheets_referred(formula) & set(sheets):
                from ..a1 import column_letter  # noqa: PLC0415

                raise Refused(f"Re-grade: {final[other.name]}!{column_letter(col)}{row} "
                              "refers to a sheet a re-grade replaces; press Build pack "
                              "instead.")


# -- the buttons -----------------------------------------------------------------------
def validate(book: Any = None) -> bool | None:
    """Check the input; the Issues sheet lists every problem. True when there is no error."""
    def work(book: Any) -> bool:
        _ds, problems = _load(book, "Validate")
        write_issues(book, problems)
        warnings = len(problems.warnings)
        _alert(book, f"The input is valid ({warnings} warning{'s' * (warnings != 1)}).", True)
        return True

    return _run("Validate", work, book)


def _rebuild_button(action: str, sheets: tuple[str, ...] | None, book: Any) -> bool | None:
    """Build pack and Re-grade: ``sheets`` of the pack (None: all) into the workbook."""
    def work(book: Any) -> bool:
        done = _rebuild(book, action, sheets)
        # the pack is in place: a failing "done" message must not be reported as a build
        # that did not finish (retried once, then printed to the console)
        _safe(lambda: _alert(book, done, True))
        return True

    return _run(action, work, book)


def build_pack(book: Any = None) -> bool | None:
    """Validate, then bring every sheet of the pack into the workbook."""
    return _rebuild_button("Build pack", None, book)


def regrade(book: Any = None) -> bool | None:
    """Recompute the grades: replace the pack's Summary, Measures and Audit sheets only."""
    return _rebuild_button("Re-grade", REGRADE_SHEETS, book)


def explain(book: Any = None) -> str | None:
    """Explain how the measure of the selected cell or row was graded (an alert)."""
    def work(book: Any) -> str:
        from ..domain.explain import explain as explain_grade  # noqa: PLC0415
        from ..domain.grading import grade_measure  # noqa: PLC0415
        from .select import selected_measure  # noqa: PLC0415

        ds, _problems = _load(book, "Explain")
        quarter = _quarter(ds)
        measure_id = selected_measure(book, ds)
        measure = ds.measure(measure_id)
        text: str = explain_grade(grade_measure(ds, measure, quarter),
                                  grade_measure(ds, measure, quarter.previous()))
        book.app.alert(text, title=f"{TITLE}: {measure_id}", mode="info")
        return text

    return _run("Explain", work, book)


def export_pdf(book: Any = None) -> str | None:
    """The pack's committee sheets, in order, to a PDF beside the workbook (Excel's own
    export: what prints is what the committee reads)."""
    def work(book: Any) -> str:
        names = committee_sheets(book)
        if not names:
            raise Refused("Export PDF: there is no pack in this workbook; press Build pack "
                          "first.")
        full = str(book.fullname)
        folder = os.path.dirname(full) or os.getcwd()
        stem = os.path.splitext(os.path.basename(full))[0]
        path = os.path.join(folder, f"{stem} - committee pack.pdf")
        book.to_pdf(path, include=names)
        _alert(book, f"The committee pack ({len(names)} sheets) is saved as {path}.", True)
        return path

    return _run("Export PDF", work, book)


def committee_sheets(book: Any) -> list[str]:
    """The pack's committee sheets present in ``book``, in the workbook's order."""
    from ..pack.layout import load_layout  # noqa: PLC0415

    layout = [s.name for s in load_layout().sheets if s.name not in WORKING_SHEETS]
    final = _final_names(layout)
    wanted = {final[n].casefold() for n in layout}
    return [s.name for s in book.sheets if s.name.casefold() in wanted and s.tables]


def _final_names(pack_names: list[str]) -> dict[str, str]:
    from .swap import workbook_names  # noqa: PLC0415

    return workbook_names(pack_names, _taken(None))


def add_input_sheets(book: Any = None) -> list[str] | None:
    """Add xlperf's input sheets that the workbook lacks, beside the analyst's sheets; an
    existing sheet is never touched."""
    def work(book: Any) -> list[str]:
        from .inputs import add_inputs  # noqa: PLC0415

        _editable(book, "Add input sheets")
        added, skipped = add_inputs(book)
        text = (f"Added {len(added)} input sheet{'s' * (len(added) != 1)}: "
                f"{', '.join(added)}." if added else "No input sheet was added.")
        if skipped:
            text += f" Left as they are (already in this workbook): {', '.join(skipped)}."
        _alert(book, text, True)
        return added

    return _run("Add input sheets", work, book)


def settings(book: Any = None) -> dict[str, str] | None:
    """Show the xlwings.conf sheet (which Python runs xlperf); add the keys it lacks, never
    changing a value already there."""
    def work(book: Any) -> dict[str, str]:
        from .conf import show_settings  # noqa: PLC0415

        values, message = show_settings(book)
        _alert(book, message, True)
        return values

    return _run("Settings", work, book)
