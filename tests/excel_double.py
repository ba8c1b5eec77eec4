"""A test double of exactly the xlwings API surface xlperf's Excel entry points use.

Excel cannot run here. This double stands in for it: each class is named after the xlwings
class it imitates (``Book``, ``Sheet``, ``Range``...) and exposes only the members xlperf
calls, so ``test_excel.py`` can check every public member against xlwings' own source
(main.py, and the Windows and macOS engines). A workbook is a real ``.xlsx`` loaded with
openpyxl, so what the entry points leave in it can be compared with ``xlperf build``'s file.

Every call is recorded (``Bench.calls``) and a failure can be injected at any call index
(``Bench.fail_at``): the call raises :class:`Injected` before it has any effect.
``Bench.before_call`` sees each call first (the failure sweeps fork there).

What the double assumes of Excel (documented behaviour of ``Worksheet.Copy``,
``Worksheet.Name``, ``Worksheet.Delete``, ``ListObject.Name``, ``Names.Add``):

- copying a sheet to another workbook copies its cells, formats, tables, charts, merged
  cells, comments, links, conditional formats, validations and page setup; a formula (or a
  validation) referring to another sheet of the source workbook becomes an external
  reference ``'[source.xlsx]Sheet'!A1``; a table whose name is taken in the destination gets
  a number appended; a workbook-level name pointing into the copied sheet is copied unless
  the destination has one of that name (then the destination's stays: the answer Excel
  takes when its alerts are off); the copy is named like the source, or ``Name (2)``;
- renaming a sheet rewrites every formula, name, validation and chart series referring to
  it;
- deleting a sheet turns references to it into ``#REF!`` (in charts too);
- sheet names are unique without case, at most 31 characters, without ``[]:*?/\\``; table
  and defined names are unique without case.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import io
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.formula.tokenizer import Token, Tokenizer
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table as XlTable

#: Parsed read-only workbooks by content (a workbook the entry points copy from is never
#: changed, so one parse serves every test).
_SHARED: dict[str, Workbook] = {}


class Injected(RuntimeError):
    """The failure a test injects."""


class ExcelError(RuntimeError):
    """What Excel would refuse (a duplicate name, an invalid character...)."""


BAD_SHEET_CHARS = set("[]:*?/\\")


# -- formulas, as Excel rewrites them -----------------------------------------------------
def _split(operand: str) -> tuple[str | None, str]:
    if "!" not in operand:
        return None, operand
    sheet, _, ref = operand.rpartition("!")
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, ref


def _quote(sheet: str) -> str:
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def map_refs(formula: str, fn: Callable[[str, str], str | None]) -> str:
    """``formula`` with each sheet-qualified reference (sheet, ref) replaced by ``fn``'s
    result (None: unchanged)."""
    out = []
    for value, is_range in _tokens(formula):
        if is_range:
            sheet, ref = _split(value)
            if sheet is not None:
                new = fn(sheet, ref)
                if new is not None:
                    value = new
        out.append(value)
    return "=" + "".join(out)


@functools.lru_cache(maxsize=65536)
def _tokens(formula: str) -> tuple[tuple[str, bool], ...]:
    """A formula's tokens, each with whether it is a range (parsed once per text: Excel's
    rename rewrites the same formulas again and again)."""
    return tuple((t.value, t.type == Token.OPERAND and t.subtype == Token.RANGE)
                 for t in Tokenizer(formula).items)


def _normal(formula: str) -> str:
    """A formula as Excel stores what was typed: sheet names quoted only where needed."""
    text = formula if formula.startswith("=") else "=" + formula
    return map_refs(text, lambda sheet, ref: f"{_quote(sheet)}!{ref}")


def referred_sheets(formula: str) -> set[str]:
    found: set[str] = set()

    def see(sheet: str, _ref: str) -> None:
        found.add(sheet)

    map_refs(formula, see)
    return found


def _chart_refs(ws: Any) -> list[Any]:
    """The references of every series of every chart of ``ws``: values and categories."""
    refs = []
    for chart in ws._charts:
        for series in chart.series:
            for ref in (series.val.numRef if series.val else None,
                        series.cat.numRef if series.cat else None,
                        series.cat.strRef if series.cat else None):
                if ref is not None and ref.f:
                    refs.append(ref)
    return refs


# -- the recorder -------------------------------------------------------------------------
class Bench:
    """The Excel instance of a test: its books, the call record, injected failures."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self.fail_at: int | None = None
        self.alerts: list[str] = []
        self.pdfs: list[tuple[str, list[str]]] = []
        self.app = App(self)
        self.books: list[Book] = []
        self.caller: Book | None = None
        self.active: Book | None = None
        self.selection: tuple[str, str] | None = None  # (sheet, address) or None
        self.caller_error: BaseException | None = None
        #: called with each call's index and name before the call has any effect (a sweep
        #: forks there, see test_excel.py's ``_sweep``)
        self.before_call: Callable[[int, str], None] | None = None
        #: what ``Book.api`` offers: Excel's COM workbook ("windows") or its AppleScript
        #: workbook ("macos"), and what Excel reports of every open workbook
        self.engine = "windows"
        self.read_only = False
        self.shared = False

    def hit(self, name: str, *args: Any) -> None:
        index = len(self.calls)
        self.calls.append((name, args))
        if self.before_call is not None:
            self.before_call(index, name)
        if self.fail_at == index:
            raise Injected(f"injected failure at call {index}: {name}")

    def open(self, path: Path | str, name: str | None = None, shared: bool = False) -> Book:
        """A workbook opened in this Excel; ``shared``: one parsed copy per file content,
        for a workbook that is only read (the pack file the entry points copy from)."""
        if shared:
            data = Path(path).read_bytes()
            key = hashlib.sha256(data).hexdigest()
            if key not in _SHARED:
                _SHARED[key] = load_workbook(io.BytesIO(data))
            wb = _SHARED[key]
        else:
            wb = load_workbook(path)
        book = Book(self, wb, str(path), name or Path(path).name)
        self.books.append(book)
        return book

    def module(self) -> Any:
        """What ``import xlwings`` gives the entry points: ``Book.caller`` and ``apps``."""
        bench = self

        class _Book:
            @staticmethod
            def caller() -> Book:
                bench.hit("Book.caller")
                if bench.caller_error is not None:
                    raise bench.caller_error
                assert bench.caller is not None
                return bench.caller

        class _Apps:
            @property
            def active(self) -> App:
                return bench.app

        class _Module:
            Book = _Book
            apps = _Apps()

        return _Module()


# -- App, Books ---------------------------------------------------------------------------
class App:
    def __init__(self, bench: Bench) -> None:
        self._bench = bench
        self._state: dict[str, Any] = {"calculation": "automatic", "screen_updating": True,
                                       "display_alerts": True, "status_bar": False}

    def _get(self, key: str) -> Any:
        self._bench.hit(f"App.{key}")
        return self._state[key]

    def _set(self, key: str, value: Any) -> None:
        self._bench.hit(f"App.{key}=", value)
        self._state[key] = value

    calculation = property(lambda self: self._get("calculation"),
                           lambda self, v: self._set("calculation", v))
    screen_updating = property(lambda self: self._get("screen_updating"),
                               lambda self, v: self._set("screen_updating", v))
    display_alerts = property(lambda self: self._get("display_alerts"),
                              lambda self, v: self._set("display_alerts", v))
    status_bar = property(lambda self: self._get("status_bar"),
                          lambda self, v: self._set("status_bar", v))

    @property
    def books(self) -> Books:
        self._bench.hit("App.books")
        return Books(self._bench)

    def alert(self, prompt: str, title: str | None = None, buttons: str = "ok",
              mode: str | None = None, callback: Any = None) -> str:
        self._bench.hit("App.alert", prompt, title, mode)
        self._bench.alerts.append(prompt)
        return "ok"


class Books:
    def __init__(self, bench: Bench) -> None:
        self._bench = bench

    def open(self, fullname: str) -> Book:
        self._bench.hit("Books.open", fullname)
        return self._bench.open(fullname, shared=True)

    @property
    def active(self) -> Book | None:
        self._bench.hit("Books.active")
        return self._bench.active


# -- Book ---------------------------------------------------------------------------------
class Book:
    def __init__(self, bench: Bench, wb: Workbook, fullname: str, name: str) -> None:
        self._bench = bench
        self._wb = wb
        self._fullname = fullname
        self._name = name
        self._closed = False
        #: per sheet (by id, with the sheet: a sheet removed from the workbook may still be
        #: restored): its formula cells, and their formulas joined in one text (None: to be
        #: joined again), in which ``_rewrite`` looks for a sheet name once per sheet
        #: instead of once per cell
        self._fcache: dict[int, tuple[Any, list[Any], str | None]] = {}

    def _formulas(self, ws: Any) -> tuple[Any, list[Any], str | None]:
        cached = self._fcache.get(id(ws))
        if cached is None or cached[0] is not ws:
            cached = self._fcache[id(ws)] = (
                ws, [c for c in ws._cells.values()
                     if isinstance(c.value, str) and c.value.startswith("=")], None)
        return cached

    def _formula_cells(self, ws: Any) -> list[Any]:
        return self._formulas(ws)[1]

    def _formula_text(self, ws: Any) -> str:
        """Every formula of ``ws`` (as its cells hold them now) in one text."""
        _ws, cells, text = self._formulas(ws)
        if text is None:
            text = "\0".join(c._value for c in cells if isinstance(c._value, str))
            self._fcache[id(ws)] = (ws, cells, text)
        return text

    def _touched(self, ws: Any) -> None:
        self._fcache.pop(id(ws), None)

    @property
    def name(self) -> str:
        self._bench.hit("Book.name")
        return self._name

    @property
    def fullname(self) -> str:
        self._bench.hit("Book.fullname")
        return self._fullname

    @property
    def app(self) -> App:
        return self._bench.app

    @property
    def api(self) -> Any:
        """The engine's own workbook object, offering exactly what xlperf reads of it (see
        ``xlperf.excel.entry.excel_reports``): COM's ``ReadOnly`` and ``MultiUserEditing``
        on Windows, appscript's ``read_only`` and ``multi_user_editing`` on macOS."""
        self._bench.hit("Book.api")
        if self._bench.engine == "windows":
            return ComWorkbook(self._bench)
        return AppleScriptWorkbook(self._bench)

    @property
    def sheets(self) -> Sheets:
        self._bench.hit("Book.sheets")
        return Sheets(self)

    @property
    def names(self) -> Names:
        self._bench.hit("Book.names")
        return Names(self)

    @property
    def selection(self) -> Range | None:
        self._bench.hit("Book.selection")
        if self._bench.selection is None:
            return None
        sheet, address = self._bench.selection
        return Range(Sheet(self, self._wb[sheet]), address=address)

    def close(self) -> None:
        self._bench.hit("Book.close")
        self._closed = True

    def to_pdf(self, path: str | None = None, include: Any = None, exclude: Any = None,
               layout: Any = None, exclude_start_string: str = "#", show: bool = False,
               quality: str = "standard") -> str:
        self._bench.hit("Book.to_pdf", path, include)
        names = [include] if isinstance(include, str) else list(include or [])
        missing = [n for n in names if n not in self._wb.sheetnames]
        if missing:
            raise ExcelError(f"no sheet {missing}")
        self._bench.pdfs.append((str(path), names))
        return str(path)

    # -- Excel's behaviour (not xlwings API: underscored) --
    def _rewrite(self, sheet: str, fn: Callable[[str, str], str | None]) -> None:
        """Apply ``fn`` to every reference to ``sheet`` of every formula, name, validation
        and chart series (text that cannot name the sheet is skipped: a shortcut, not a
        rule)."""
        key = sheet.replace("'", "''")
        for ws in self._wb.worksheets:
            if key in self._formula_text(ws):  # else no formula of ws can name the sheet
                for cell in self._formula_cells(ws):
                    value = cell.value
                    if isinstance(value, str) and value.startswith("=") and key in value:
                        cell.value = map_refs(value, fn)
                        self._fcache[id(ws)] = self._fcache[id(ws)][:2] + (None,)
            for rule in ws.data_validations.dataValidation:
                if rule.formula1 and key in rule.formula1:
                    rule.formula1 = map_refs("=" + rule.formula1, fn)[1:]
            for ref in _chart_refs(ws):
                if key in ref.f:
                    ref.f = map_refs("=" + ref.f, fn)[1:]
        for defined in list(self._wb.defined_names.values()):
            if key in defined.attr_text:
                defined.attr_text = map_refs("=" + defined.attr_text, fn)[1:]

    def _tables(self) -> dict[str, Any]:
        return {name.casefold(): ws for ws in self._wb.worksheets for name in ws.tables}


class ComWorkbook:
    """Excel's Workbook object through COM (Windows): two read-only properties."""

    def __init__(self, bench: Bench) -> None:
        self._bench = bench

    @property
    def ReadOnly(self) -> bool:  # noqa: N802 - Excel's name
        self._bench.hit("Book.api.ReadOnly")
        return self._bench.read_only

    @property
    def MultiUserEditing(self) -> bool:  # noqa: N802 - Excel's name
        self._bench.hit("Book.api.MultiUserEditing")
        return self._bench.shared


class _Property:
    """An appscript property reference: its value comes with ``get()``."""

    def __init__(self, bench: Bench, name: str, value: bool) -> None:
        self._bench, self._name, self._value = bench, name, value

    def get(self) -> bool:
        self._bench.hit(f"Book.api.{self._name}.get")
        return self._value


class AppleScriptWorkbook:
    """Excel's workbook through AppleScript (macOS): ``read only``, ``multi user editing``."""

    def __init__(self, bench: Bench) -> None:
        self._bench = bench

    @property
    def read_only(self) -> _Property:
        return _Property(self._bench, "read_only", self._bench.read_only)

    @property
    def multi_user_editing(self) -> _Property:
        return _Property(self._bench, "multi_user_editing", self._bench.shared)


class Sheets:
    def __init__(self, book: Book) -> None:
        self._book = book

    def __iter__(self) -> Iterator[Sheet]:
        return iter([Sheet(self._book, ws) for ws in self._book._wb.worksheets])

    def __len__(self) -> int:
        return len(self._book._wb.worksheets)

    def __getitem__(self, key: int | str) -> Sheet:
        self._book._bench.hit("Sheets[]", key)
        wb = self._book._wb
        if isinstance(key, int):
            return Sheet(self._book, wb.worksheets[key])
        for ws in wb.worksheets:
            if ws.title.casefold() == key.casefold():
                return Sheet(self._book, ws)
        raise KeyError(key)

    def add(self, name: str | None = None, before: Sheet | None = None,
            after: Sheet | None = None) -> Sheet:
        self._book._bench.hit("Sheets.add", name)
        wb = self._book._wb
        _check_sheet_name(wb, name or "Sheet")
        index = wb.worksheets.index(after._ws) + 1 if after is not None else (
            wb.worksheets.index(before._ws) if before is not None else 0)
        return Sheet(self._book, wb.create_sheet(name, index))


def _check_sheet_name(wb: Workbook, name: str, but: Any = None) -> None:
    if not name or len(name) > 31 or set(name) & BAD_SHEET_CHARS:
        raise ExcelError(f"invalid sheet name {name!r}")
    if any(ws.title.casefold() == name.casefold() for ws in wb.worksheets if ws is not but):
        raise ExcelError(f"a sheet {name!r} exists")


# -- Sheet --------------------------------------------------------------------------------
class Sheet:
    def __init__(self, book: Book, ws: Any) -> None:
        self._book = book
        self._ws = ws

    @property
    def _bench(self) -> Bench:
        return self._book._bench

    def _live(self) -> Any:
        if self._ws not in self._book._wb._sheets:  # .worksheets: the same, as a new list
            raise ExcelError("the sheet was deleted")
        return self._ws

    @property
    def name(self) -> str:
        return self._ws.title

    @name.setter
    def name(self, value: str) -> None:
        self._bench.hit("Sheet.name=", self._ws.title, value)
        ws = self._live()
        _check_sheet_name(self._book._wb, value, but=ws)
        old = ws.title
        ws.title = value
        self._book._rewrite(old, lambda s, r: f"{_quote(value)}!{r}" if s == old else None)

    @property
    def book(self) -> Book:
        return self._book

    @property
    def tables(self) -> Tables:
        self._bench.hit("Sheet.tables", self._ws.title)
        return Tables(self)

    def range(self, cell1: Any, cell2: Any = None) -> Range:
        self._bench.hit("Sheet.range", self._ws.title, cell1, cell2)
        if cell2 is not None:
            (r1, c1), (r2, c2) = cell1, cell2
        elif isinstance(cell1, tuple):
            (r1, c1), (r2, c2) = cell1, cell1
        else:
            c1, r1, c2, r2 = range_boundaries(cell1.replace("$", ""))
        return Range(self, (r1, c1, r2, c2))

    def activate(self) -> None:
        self._bench.hit("Sheet.activate", self._ws.title)
        self._book._wb.active = self._book._wb.worksheets.index(self._live())

    def clear(self) -> None:
        self._bench.hit("Sheet.clear", self._ws.title)
        ws = self._live()
        self._book._touched(ws)
        ws._cells.clear()
        ws.merged_cells.ranges = set()

    def delete(self) -> None:
        self._bench.hit("Sheet.delete", self._ws.title)
        wb = self._book._wb
        ws = self._live()
        if len(wb.worksheets) == 1:
            raise ExcelError("a workbook must keep one sheet")
        title = ws.title
        wb.remove(ws)
        self._book._rewrite(title, lambda s, r: f"#REF!{r}" if s == title else None)

    def copy(self, before: Sheet | None = None, after: Sheet | None = None,
             name: str | None = None) -> Sheet:
        """As xlwings' ``Sheet.copy``: Excel's copy, then the rename to ``name``."""
        self._bench.hit("Sheet.copy", self._ws.title,
                        before.name if before else None, after.name if after else None, name)
        assert (before is None) or (after is None)
        if before is None and after is None:
            raise ExcelError("the double models copies to a given place only")
        target = (before or after)._book  # type: ignore[union-attr]
        if name and name.casefold() in {ws.title.casefold() for ws in target._wb.worksheets}:
            raise ValueError(f"Sheet named '{name}' already present in workbook")
        anchor = (before or after)._live()  # type: ignore[union-attr]
        index = target._wb.worksheets.index(anchor) + (1 if after is not None else 0)
        new = _copy_sheet(self._book, self._live(), target, index)
        copied = Sheet(target, new)
        # xlwings renames the copy in a second call to Excel, which can fail on its own
        self._bench.hit("Sheet.copy>rename", new.title, name)
        if name:
            old = new.title
            _check_sheet_name(target._wb, name, but=new)
            new.title = name
            target._rewrite(old, lambda s, r: f"{_quote(name)}!{r}" if s == old else None)
        return copied


def _style_translator(src: Workbook, dst: Workbook) -> Callable[[Any], Any]:
    """A cell's style (indexes into its workbook's lists) as indexes into ``dst``'s lists:
    the same fonts, fills, borders, alignment, protection, number format and named style."""
    kept: dict[int, Callable[[Any], Any]] = dst.__dict__.setdefault("_xd_translators", {})
    if id(src) in kept:  # kept with the destination (it keeps ``src`` alive: ids stay)
        return kept[id(src)]
    cache: dict[tuple[int, ...], Any] = {}

    def translate(style: Any) -> Any:
        k = tuple(style)
        if k not in cache:
            new = copy.copy(style)
            new.fontId = dst._fonts.add(src._fonts[style.fontId])
            new.fillId = dst._fills.add(src._fills[style.fillId])
            new.borderId = dst._borders.add(src._borders[style.borderId])
            new.alignmentId = dst._alignments.add(src._alignments[style.alignmentId])
            new.protectionId = dst._protections.add(src._protections[style.protectionId])
            if style.numFmtId >= 164:
                fmt = src._number_formats[style.numFmtId - 164]
                new.numFmtId = dst._number_formats.add(fmt) + 164
            named = src._named_styles[style.xfId]
            if named.name not in dst._named_styles.names:
                dst.add_named_style(copy.copy(named))
            new.xfId = dst._named_styles.names.index(named.name)
            cache[k] = new
        return copy.copy(cache[k])

    kept[id(src)] = translate
    return translate


def _copy_sheet(source: Book, ws: Any, target: Book, index: int) -> Any:
    wb = target._wb
    title = ws.title
    n = 2
    while any(t.title.casefold() == title.casefold() for t in wb.worksheets):
        title = f"{ws.title} ({n})"
        n += 1
    new = wb.create_sheet(title, index)
    external = source is not target

    def outside(sheet: str, ref: str) -> str | None:
        if sheet == ws.title:
            return f"{_quote(new.title)}!{ref}"
        if external and not sheet.startswith("["):
            return "'" + f"[{source._name}]{sheet}".replace("'", "''") + f"'!{ref}"
        return None

    translate = _style_translator(source._wb, wb)
    for row in ws.iter_rows():
        for cell in row:
            value = cell.value
            if isinstance(value, str) and value.startswith("="):
                value = map_refs(value, outside)
            target_cell = new.cell(cell.row, cell.column, value)
            if cell.has_style:
                target_cell._style = translate(cell._style)
            if cell.hyperlink is not None:
                target_cell.hyperlink = copy.copy(cell.hyperlink)
            if cell.comment is not None:
                target_cell.comment = copy.copy(cell.comment)
    for key, dim in ws.column_dimensions.items():
        new.column_dimensions[key].width = dim.width
        new.column_dimensions[key].hidden = dim.hidden
    for key, dim in ws.row_dimensions.items():
        new.row_dimensions[key].height = dim.height
        new.row_dimensions[key].hidden = dim.hidden
    for merged in ws.merged_cells.ranges:
        new.merge_cells(str(merged))
    taken = set(target._tables())
    for table in ws.tables.values():
        name = table.displayName
        k = 2
        while name.casefold() in taken:
            name = f"{table.displayName}{k}"
            k += 1
        taken.add(name.casefold())
        clone = XlTable(displayName=name, ref=table.ref)
        clone.tableStyleInfo = copy.copy(table.tableStyleInfo)
        new.add_table(clone)
    for chart in ws._charts:
        new.add_chart(copy.deepcopy(chart), copy.deepcopy(chart.anchor))
    for ref in _chart_refs(new):
        ref.f = map_refs("=" + ref.f, outside)[1:]
    for cf_range in ws.conditional_formatting:
        for rule in cf_range.rules:
            new.conditional_formatting.add(str(cf_range.sqref), copy.copy(rule))
    for rule in ws.data_validations.dataValidation:
        clone = copy.copy(rule)
        if clone.formula1 and "!" in clone.formula1:
            clone.formula1 = map_refs("=" + clone.formula1, outside)[1:]
        new.add_data_validation(clone)
    new.page_setup = copy.copy(ws.page_setup)
    new.print_options = copy.copy(ws.print_options)
    new.page_margins = copy.copy(ws.page_margins)
    new.HeaderFooter = copy.copy(ws.HeaderFooter)
    new.sheet_properties = copy.copy(ws.sheet_properties)
    new.sheet_format = copy.copy(ws.sheet_format)
    new.views = copy.deepcopy(ws.views)
    new.print_title_rows = ws.print_title_rows
    new.print_title_cols = ws.print_title_cols
    if ws.print_area:
        new.print_area = [a.split("!")[-1] for a in str(ws.print_area).split(",")]
    new.freeze_panes = ws.freeze_panes
    # workbook-level names pointing into the copied sheet
    for name, defined in source._wb.defined_names.items():
        dests = list(defined.destinations)
        if not dests or dests[0][0] != ws.title:
            continue
        if external and name.casefold() in {n.casefold() for n in wb.defined_names}:
            continue  # the destination's name stays
        wb.defined_names[name] = DefinedName(
            name, attr_text=f"{_quote(new.title)}!{dests[0][1]}")
    return new


# -- Range --------------------------------------------------------------------------------
class Range:
    def __init__(self, sheet: Sheet, box: tuple[int, int, int, int] | None = None,
                 address: str | None = None, ndim: int | None = None) -> None:
        self._sheet = sheet
        self._box = box
        self._address = address
        self._ndim = ndim

    @property
    def _bench(self) -> Bench:
        return self._sheet._bench

    def _cells(self) -> list[list[Any]]:
        assert self._box is not None
        r1, c1, r2, c2 = self._box
        ws = self._sheet._live()
        return [[ws.cell(r, c) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]

    @property
    def sheet(self) -> Sheet:
        return self._sheet

    @property
    def address(self) -> str:
        if self._address is not None:
            return self._address
        assert self._box is not None
        r1, c1, r2, c2 = self._box
        first = f"${get_column_letter(c1)}${r1}"
        return first if (r1, c1) == (r2, c2) else f"{first}:${get_column_letter(c2)}${r2}"

    @property
    def count(self) -> int:
        assert self._box is not None
        r1, c1, r2, c2 = self._box
        return (r2 - r1 + 1) * (c2 - c1 + 1)

    def options(self, convert: Any = None, **options: Any) -> Range:
        self._bench.hit("Range.options", options)
        return Range(self._sheet, self._box, ndim=options.get("ndim"))

    def _peek(self) -> list[list[Any]]:
        """The values, without creating cells (reading must not change the workbook)."""
        assert self._box is not None
        r1, c1, r2, c2 = self._box
        cells = self._sheet._live()._cells
        return [[cells[(r, c)].value if (r, c) in cells else None
                 for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]

    @property
    def value(self) -> Any:
        self._bench.hit("Range.value", self._sheet.name, self.address)
        grid = [[_as_excel_gives(v) for v in row] for row in self._peek()]
        if self._ndim == 2:
            return grid
        if len(grid) == 1 and len(grid[0]) == 1:
            return grid[0][0]
        if len(grid) == 1:
            return grid[0]
        if all(len(row) == 1 for row in grid):
            return [row[0] for row in grid]
        return grid

    @value.setter
    def value(self, data: Any) -> None:
        self._bench.hit("Range.value=", self._sheet.name, self.address)
        rows = data if isinstance(data, list) and data and isinstance(data[0], list) else (
            [data] if isinstance(data, list) else [[data]])
        assert self._box is not None
        r1, c1, _r2, _c2 = self._box
        ws = self._sheet._live()
        self._sheet._book._touched(ws)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                ws.cell(r1 + i, c1 + j).value = value

    @property
    def formula(self) -> Any:
        self._bench.hit("Range.formula", self._sheet.name, self.address)
        return self._peek()

    @formula.setter
    def formula(self, value: Any) -> None:
        self._bench.hit("Range.formula=", self._sheet.name, self.address, value)
        rows = value if isinstance(value, list) and isinstance(value[0], list) else (
            [value] if isinstance(value, list) else [[value]])
        self._sheet._book._touched(self._sheet._ws)
        for cells, texts in zip(self._cells(), rows, strict=True):
            for cell, text in zip(cells, texts, strict=True):
                cell.value = _normal(text) if isinstance(text, str) and text.startswith("=") \
                    else text

    @property
    def number_format(self) -> str:
        return str(self._cells()[0][0].number_format)

    @number_format.setter
    def number_format(self, value: str) -> None:
        self._bench.hit("Range.number_format=", self._sheet.name, self.address, value)
        for row in self._cells():
            for cell in row:
                cell.number_format = value

    @property
    def column_width(self) -> float | None:
        assert self._box is not None
        return self._sheet._ws.column_dimensions[get_column_letter(self._box[1])].width

    @column_width.setter
    def column_width(self, value: float) -> None:
        self._bench.hit("Range.column_width=", self._sheet.name, self.address, value)
        assert self._box is not None
        for col in range(self._box[1], self._box[3] + 1):
            self._sheet._live().column_dimensions[get_column_letter(col)].width = value

    @property
    def font(self) -> Font:
        return Font(self)

    @property
    def rows(self) -> RangeRows:
        return RangeRows(self)

    @property
    def merge_cells(self) -> bool | None:
        self._bench.hit("Range.merge_cells", self._sheet.name, self.address)
        r1, c1, r2, c2 = self._box  # type: ignore[misc]
        inside: set[tuple[int, int]] = set()
        for ranges in self._sheet._ws.merged_cells.ranges:  # each merged cell of the box
            top, left, bottom, right = ranges.min_row, ranges.min_col, ranges.max_row, \
                ranges.max_col
            inside.update((r, c) for r in range(max(r1, top), min(r2, bottom) + 1)
                          for c in range(max(c1, left), min(c2, right) + 1))
        merged = [(r, c) in inside for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
        return True if all(merged) else (False if not any(merged) else None)

    @property
    def merge_area(self) -> Range:
        self._bench.hit("Range.merge_area", self._sheet.name, self.address)
        found = self._merged_with(self.address.split(":")[0].replace("$", ""))
        if found is None:
            return Range(self._sheet, (self._box[0], self._box[1]) * 2)  # type: ignore[index]
        c1, r1, c2, r2 = range_boundaries(str(found))
        return Range(self._sheet, (r1, c1, r2, c2))

    def _merged_with(self, coordinate: str) -> Any:
        for merged in self._sheet._ws.merged_cells.ranges:
            if coordinate in merged:
                return merged
        return None

    def add_hyperlink(self, address: str, text_to_display: str | None = None,
                      screen_tip: str | None = None) -> None:
        self._bench.hit("Range.add_hyperlink", self._sheet.name, self.address, address)
        cell = self._cells()[0][0]
        if address.startswith("#"):
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=address[1:],
                                       tooltip=screen_tip)
        else:
            cell.hyperlink = Hyperlink(ref=cell.coordinate, target=address, tooltip=screen_tip)
        self._sheet._book._touched(self._sheet._ws)
        cell.value = text_to_display if text_to_display is not None else address

    @property
    def data_validation(self) -> DataValidation:
        return DataValidation(self)


def _as_excel_gives(value: Any) -> Any:
    """A cell value as xlwings returns it: numbers as floats, empty as None."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return float(value)
    return value


class RangeRows:
    def __init__(self, rng: Range) -> None:
        self._rng = rng

    @property
    def hidden(self) -> bool | None:
        rng = self._rng
        rng._bench.hit("RangeRows.hidden", rng._sheet.name, rng.address)
        assert rng._box is not None
        dims = rng._sheet._ws.row_dimensions
        flags = [bool(dims[r].hidden) for r in range(rng._box[0], rng._box[2] + 1)]
        return True if all(flags) else (False if not any(flags) else None)


class Font:
    def __init__(self, rng: Range) -> None:
        self._rng = rng

    @property
    def bold(self) -> bool:
        return bool(self._rng._cells()[0][0].font.b)

    @bold.setter
    def bold(self, value: bool) -> None:
        self._rng._bench.hit("Font.bold=", self._rng._sheet.name, self._rng.address, value)
        for row in self._rng._cells():
            for cell in row:
                cell.font = _bold_font(cell, value)


#: A font with bold set or cleared, by the font (its id, with the font, so that a new font at
#: a freed one's address is not taken for it) and bold. A workbook's fonts are never changed
#: in place, only replaced, so one copy serves every cell.
_BOLD: dict[tuple[int, bool], tuple[Any, Any]] = {}


def _bold_font(cell: Any, value: bool) -> Any:
    cell.font  # noqa: B018 - gives the cell its style array if it has none yet
    font = cell.parent.parent._fonts[cell._style.fontId]
    known = _BOLD.get((id(font), value))
    if known is None or known[0] is not font:
        # a copy of its fields (openpyxl's copy goes through XML and back, a millisecond, and
        # every injected run of the failure sweeps writes bold headings); it equals that copy
        new = object.__new__(type(font))
        new.__dict__.update(font.__dict__)
        new.b = value
        known = _BOLD[(id(font), value)] = (font, new)
    return known[1]


class DataValidation:
    def __init__(self, rng: Range) -> None:
        self._rng = rng

    def set_list(self, source: Any, *, in_cell_dropdown: bool = True) -> None:
        rng = self._rng
        rng._bench.hit("DataValidation.set_list", rng._sheet.name, rng.address,
                       getattr(source, "address", source))
        ws = rng._sheet._live()
        target = str(rng.address).replace("$", "")
        for rule in ws.data_validations.dataValidation:
            if target in str(rule.sqref).split():
                formula = f"{_quote(source.sheet.name)}!{source.address}"
                rule.formula1 = formula
                return
        raise ExcelError(f"no validation on {target} to update")


# -- tables and names ---------------------------------------------------------------------
class Tables:
    def __init__(self, sheet: Sheet) -> None:
        self._sheet = sheet

    def __iter__(self) -> Iterator[Table]:
        return iter([Table(self._sheet, t) for t in list(self._sheet._live().tables.values())])


class Table:
    def __init__(self, sheet: Sheet, table: Any) -> None:
        self._sheet = sheet
        self._table = table

    @property
    def name(self) -> str:
        return str(self._table.displayName)

    @name.setter
    def name(self, value: str) -> None:
        self._sheet._bench.hit("Table.name=", self._table.displayName, value)
        if not re.fullmatch(r"[A-Za-z_\\][A-Za-z0-9_.]{0,254}", value):
            raise ExcelError(f"invalid table name {value!r}")
        book = self._sheet._book
        if value.casefold() in set(book._tables()) - {self._table.displayName.casefold()}:
            raise ExcelError(f"a table {value!r} exists")
        ws = self._sheet._live()
        del ws.tables[self._table.displayName]
        self._table.displayName = value
        self._table.name = value
        ws.add_table(self._table)

    def _part(self, which: str) -> Range | None:
        c1, r1, c2, r2 = range_boundaries(self._table.ref)
        box = {"range": (r1, c1, r2, c2), "header": (r1, c1, r1, c2),
               "body": (r1 + 1, c1, r2, c2)}[which]
        return None if box[0] > box[2] else Range(self._sheet, box)

    @property
    def range(self) -> Range | None:
        return self._part("range")

    @property
    def header_row_range(self) -> Range | None:
        return self._part("header")

    @property
    def data_body_range(self) -> Range | None:
        return self._part("body")


class Names:
    def __init__(self, book: Book) -> None:
        self._book = book

    def __iter__(self) -> Iterator[Name]:
        return iter([Name(self._book, n) for n in list(self._book._wb.defined_names)])

    def add(self, name: str, refers_to: str) -> Name:
        self._book._bench.hit("Names.add", name, refers_to)
        if name.casefold() in {n.casefold() for n in self._book._wb.defined_names}:
            raise ExcelError(f"a name {name!r} exists")
        self._book._wb.defined_names[name] = DefinedName(name, attr_text=_normal(refers_to)[1:])
        return Name(self._book, name)


class Name:
    def __init__(self, book: Book, name: str) -> None:
        self._book = book
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    @property
    def refers_to(self) -> str:
        self._book._bench.hit("Name.refers_to", self._name)
        return "=" + str(self._book._wb.defined_names[self._name].attr_text)

    @refers_to.setter
    def refers_to(self, value: str) -> None:
        self._book._bench.hit("Name.refers_to=", self._name, value)
        self._book._wb.defined_names[self._name].attr_text = _normal(value)[1:]

    def delete(self) -> None:
        self._book._bench.hit("Name.delete", self._name)
        del self._book._wb.defined_names[self._name]
