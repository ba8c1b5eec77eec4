"""Bring the sheets of a pack file into the workbook open in Excel, atomically.

The pack is written by the file writer (the one ``xlperf build`` uses) to a temporary
``.xlsx``; this module opens it in the same Excel and copies its sheets into the analyst's
workbook with Excel's own sheet copy (xlwings ``Sheet.copy``), so charts, named styles,
conditional formats, comments and print setup come with them.

Why sheet by sheet, and what is repaired afterwards. xlwings copies one sheet at a time
(``Worksheet.Copy`` on Windows, ``copy worksheet`` on macOS, see xlwings' ``_xlwindows.py``
and ``_xlmac.py``); copying several sheets in one ``Sheets(Array(...)).Copy`` would need the
engine-specific ``.api`` object, which this module never uses. When Excel copies one sheet
into another workbook:

- a formula referring to another sheet of the source workbook becomes an external link
  (``[pack.xlsx]Data!D86``): every such cell of the pack (known from the file) gets its
  formula again, pointing at the copied sheets;
- a table whose name is taken in the destination is renamed by Excel: every table of the
  pack is renamed by its sheet and address to the name it must have;
- a workbook-level name is copied with the sheet it points to, unless the destination has
  one of that name (then Excel keeps the destination's): every name of the pack is pointed
  at its cell in the copied sheets;
- a hyperlink to a location is text and does not follow a sheet rename: links to a pack
  sheet whose name changes in this workbook are written again.

Atomic: the new sheets arrive under temporary names first; then the previous pack's sheets
and tables are renamed out of the way, the new ones take their names, and the names are
pointed at them. Every one of these steps is undone, in reverse, if a later one fails, so a
failure before the end leaves the previous pack exactly as it was and no temporary sheet
behind. Only then are the previous pack's sheets deleted; if Excel refuses that, the new
pack is complete and the leftover sheets are named in the message (the next build removes
them).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..problems import XlperfError

PACK_SUFFIX = " (pack)"
MAX_SHEET_NAME = 31
#: Sheet names xlperf uses while a swap runs; a leftover is removed by the next build.
NEW_PREFIX = "~xlperf new "
OLD_PREFIX = "~xlperf old "
OLD_TABLE_PREFIX = "xlperfOld_"


def quote_sheet(name: str) -> str:
    """A sheet name as a formula or link writes it (always quoted: always valid)."""
    return "'" + name.replace("'", "''") + "'"


def sheet_of(operand: str) -> tuple[str, str] | None:
    """``'Public Order'!B5`` -> (``Public Order``, ``B5``); None for a reference without one."""
    if "!" not in operand:
        return None
    sheet, _, ref = operand.rpartition("!")
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, ref


def sheets_referred(formula: str) -> set[str]:
    """The sheets a formula's references name (references without a sheet are left out)."""
    from openpyxl.formula.tokenizer import Token, Tokenizer  # noqa: PLC0415

    found = set()
    for token in Tokenizer(formula).items:
        if token.type == Token.OPERAND and token.subtype == Token.RANGE:
            parts = sheet_of(token.value)
            if parts:
                found.add(parts[0])
    return found


def retarget(formula: str, names: dict[str, str]) -> str:
    """``formula`` with its references to the sheets ``names`` maps renamed."""
    from openpyxl.formula.tokenizer import Token, Tokenizer  # noqa: PLC0415

    out = []
    for token in Tokenizer(formula).items:
        value = token.value
        if token.type == Token.OPERAND and token.subtype == Token.RANGE:
            parts = sheet_of(value)
            if parts and parts[0] in names:
                value = f"{quote_sheet(names[parts[0]])}!{parts[1]}"
        out.append(value)
    return "=" + "".join(out)


# -- what the pack file holds -----------------------------------------------------------
@dataclass
class PackSheet:
    name: str  # in the pack file
    tables: dict[str, str] = field(default_factory=dict)  # name -> A1 range
    #: cells whose formula refers to another sheet: (row, col) -> formula
    linked: dict[tuple[int, int], str] = field(default_factory=dict)
    #: cells with a link to a place in the workbook: (row, col) -> (sheet, ref, text)
    links: dict[tuple[int, int], tuple[str, str, str]] = field(default_factory=dict)


@dataclass
class PackFile:
    path: Path
    sheets: list[PackSheet]
    names: dict[str, tuple[str, str]]  # defined name -> (sheet, $A$1)

    def sheet(self, name: str) -> PackSheet:
        return next(s for s in self.sheets if s.name == name)


def read_pack_file(path: Path) -> PackFile:
    """The sheets, tables, defined names, cross-sheet formulas and internal links of a pack
    written by the file writer."""
    from openpyxl import load_workbook  # noqa: PLC0415

    book = load_workbook(path)
    sheets = []
    for ws in book.worksheets:
        sheet = PackSheet(ws.title, {t.displayName: t.ref for t in ws.tables.values()})
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str) and value.startswith("=") and \
                        sheets_referred(value) - {ws.title}:
                    sheet.linked[(cell.row, cell.column)] = value
                link = cell.hyperlink
                if link is not None and link.location:
                    parts = sheet_of(link.location)
                    if parts:
                        sheet.links[(cell.row, cell.column)] = (*parts, str(value or ""))
        sheets.append(sheet)
    names = {}
    for name, defined in book.defined_names.items():
        for where, ref in defined.destinations:
            names[name] = (where, ref)
    return PackFile(Path(path), sheets, names)


# -- names in the analyst's workbook ----------------------------------------------------
def workbook_names(pack_names: Iterable[str], taken: Iterable[str]) -> dict[str, str]:
    """Pack sheet name -> its name in a workbook whose input sheets are ``taken`` (Excel
    compares sheet names without case: the pack's "Measures" becomes "Measures (pack)")."""
    used = {name.casefold() for name in taken}
    out: dict[str, str] = {}
    for name in pack_names:
        new = name if name.casefold() not in used else f"{name}{PACK_SUFFIX}"
        if len(new) > MAX_SHEET_NAME:
            raise XlperfError(f"the pack's sheet name {new!r} is over {MAX_SHEET_NAME} "
                              "characters")
        out[name] = new
        used.add(new.casefold())
    return out


def table_names(pack_tables: Iterable[str], taken: Iterable[str]) -> dict[str, str]:
    """Pack table name -> its name in a workbook whose other tables are ``taken`` (table
    names are unique in a workbook: the pack's tblASB beside the input's becomes tblASBPack)."""
    used = {name.casefold() for name in taken}
    out: dict[str, str] = {}
    for name in pack_tables:
        new = name
        while new.casefold() in used:
            new += "Pack"
        out[name] = new
        used.add(new.casefold())
    return out


def _address(ref: str) -> str:
    """``B4:F9`` -> ``$B$4:$F$9`` (as xlwings gives a range's address)."""
    return ":".join(re.sub(r"^([A-Z]+)(\d+)$", r"$\1$\2", part) for part in ref.split(":"))


def runs(cells: dict[tuple[int, int], str]) -> list[tuple[int, int, list[str]]]:
    """Cells grouped into runs of neighbours along a row: (row, first column, values)."""
    out: list[tuple[int, int, list[str]]] = []
    for (row, col), value in sorted(cells.items()):
        if out and out[-1][0] == row and out[-1][1] + len(out[-1][2]) == col:
            out[-1][2].append(value)
        else:
            out.append((row, col, [value]))
    return out


# -- the swap ---------------------------------------------------------------------------
@dataclass
class Swapped:
    sheets: list[str]  # the pack's sheets, as named in the workbook
    leftovers: list[str]  # previous pack sheets Excel would not delete


class _Undo:
    """Undo actions, run in reverse when a step fails."""

    def __init__(self) -> None:
        self.actions: list[Callable[[], None]] = []

    def push(self, action: Callable[[], None]) -> None:
        self.actions.append(action)

    def run(self) -> None:
        for action in reversed(self.actions):
            try:
                action()
            except Exception:  # noqa: BLE001 - undo the rest regardless
                continue
        self.actions.clear()


def _sheet(book: Any, name: str) -> Any:
    for sheet in book.sheets:
        if sheet.name.casefold() == name.casefold():
            return sheet
    return None


def _rename_sheet(book: Any, old: str, new: str, undo: _Undo) -> None:
    _sheet(book, old).name = new
    undo.push(lambda: setattr(_sheet(book, new), "name", old))


def _rename_table(book: Any, sheet_name: str, old: str, new: str, undo: _Undo) -> None:
    def find(name: str) -> Any:
        return next(t for t in _sheet(book, sheet_name).tables if t.name == name)

    find(old).name = new
    undo.push(lambda: setattr(find(new), "name", old))


def _name_restorer(book: Any, name: str, refers_to: str) -> Callable[[], None]:
    def restore() -> None:
        for defined in book.names:
            if defined.name == name:
                defined.refers_to = refers_to

    return restore


def remove_leftovers(book: Any) -> None:
    """Delete the sheets an interrupted swap left behind (named by xlperf, never the user)."""
    for sheet in list(book.sheets):
        if sheet.name.startswith((NEW_PREFIX, OLD_PREFIX)):
            sheet.delete()


def swap_in(book: Any, pack: PackFile, sheets: list[str], final: dict[str, str],
            previous: dict[str, str], tables: dict[str, str]) -> Swapped:
    """Copy the pack file's ``sheets`` into ``book`` as ``final[name]``, replacing the
    previous pack's sheets ``previous`` (pack name -> sheet in the book); ``tables`` maps
    each pack table to the name it gets in the book."""
    undo = _Undo()
    added_names: list[str] = []
    sheets_before: set[str] = set()
    try:
        sheets_before = {s.name for s in book.sheets}
        names_before = {n.name for n in book.names}
        source = book.app.books.open(str(pack.path))
        try:
            temp = {name: f"{NEW_PREFIX}{i + 1}" for i, name in enumerate(sheets)}
            last = None
            for name in sheets:  # each new sheet goes where its predecessor is, else last
                old = previous.get(name)
                if old is not None:
                    where = {"before": _sheet(book, old)}
                elif last is not None:
                    where = {"after": _sheet(book, last)}
                else:
                    where = {"after": book.sheets[len(book.sheets) - 1]}
                source.sheets[name].copy(name=temp[name], **where)
                last = temp[name]
        finally:
            source.close()
        added_names = [n.name for n in book.names if n.name not in names_before]
        # cross-sheet formulas came as external links: point them at the copied sheets
        where_now = {s.name: temp.get(s.name, final.get(s.name, s.name)) for s in pack.sheets}
        for name in sheets:
            target = _sheet(book, temp[name])
            for row, col, formulas in runs(pack.sheet(name).linked):
                target.range((row, col), (row, col + len(formulas) - 1)).formula = [
                    [retarget(f, where_now) for f in formulas]]
        # the previous pack steps aside, the new one takes its names
        for name in sheets:
            old = previous.get(name)
            if old is None:
                continue
            old_sheet = _sheet(book, old)
            for table in [t.name for t in old_sheet.tables]:
                _rename_table(book, old, table, OLD_TABLE_PREFIX + table, undo)
            _rename_sheet(book, old, f"{OLD_PREFIX}{sheets.index(name) + 1}", undo)
        for name in sheets:
            _rename_sheet(book, temp[name], final[name], undo)
        for name in sheets:
            by_address = {_address(ref): table for table, ref in
                          pack.sheet(name).tables.items()}
            for table in list(_sheet(book, final[name]).tables):
                wanted = tables[by_address[table.range.address]]
                if table.name != wanted:
                    _rename_table(book, final[name], table.name, wanted, undo)
        # the pack's defined names, pointed at the new sheets
        existing = {n.name: n for n in book.names}
        for name, (into, ref) in sorted(pack.names.items()):
            if into not in sheets:
                continue
            refers = f"={quote_sheet(final[into])}!{ref}"
            if name in existing:
                before = str(existing[name].refers_to)
                if before != refers:
                    existing[name].refers_to = refers
                    undo.push(_name_restorer(book, name, before))
            else:
                book.names.add(name, refers)
                added_names.append(name)
        # links to a sheet that has another name in this workbook
        for name in sheets:
            for (row, col), (to, ref, text) in sorted(pack.sheet(name).links.items()):
                if final.get(to, to) != to:
                    _sheet(book, final[name]).range((row, col)).add_hyperlink(
                        f"#{quote_sheet(final[to])}!{ref}", text, f"Go to {final[to]}")
    except BaseException:
        undo.run()
        # every sheet that was not there before is a copy (even one whose rename failed)
        for sheet in list(book.sheets) if sheets_before else ():
            if sheet.name not in sheets_before:
                with contextlib.suppress(Exception):
                    sheet.delete()
        for name in added_names:
            for defined in book.names:
                if defined.name == name:
                    with contextlib.suppress(Exception):
                        defined.delete()
        raise
    leftovers = []
    for i, name in enumerate(sheets):  # committed: the previous pack goes
        if name in previous:
            try:
                _sheet(book, f"{OLD_PREFIX}{i + 1}").delete()
            except Exception:  # noqa: BLE001 - reported; the next build removes it
                leftovers.append(f"{OLD_PREFIX}{i + 1}")
    return Swapped([final[n] for n in sheets], leftovers)
