"""Open an input workbook safely and read its Excel tables with their cell coordinates.

Input workbooks are untrusted files. Before any parser sees one, the package is checked:
size on disk, the uncompressed size of its parts (zip bombs), DTDs and entity declarations
(XML bombs), encryption. Values are then read with python-calamine, which is fast and
never evaluates anything; a pass with expat over the sheets that hold tables (refusing
DTDs, entities and external references, as defusedxml does; no element tree is built) adds
what calamine does not report: error values such as ``#REF!``, formulas with no calculated
value, hidden rows and merged cells.
"""

import datetime as dt
import posixpath
import re
import zipfile
from collections.abc import Mapping, Sequence, Set
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from .. import codes
from ..a1 import column_index, column_letter
from ..problems import Problem, XlperfError

#: Largest input file accepted, in bytes (checked before the file is opened).
MAX_INPUT_BYTES = 50 * 1024 * 1024
#: Largest total uncompressed size of the parts of an input, in bytes.
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
#: Largest compression ratio of any part larger than 1 MiB (zip bomb guard).
MAX_RATIO = 200
#: Excel's last row. A table or sheet that reaches it has almost certainly lost rows (the
#: limit that once cut 16,000 cases from a national Covid count); such a table is not loaded.
MAX_ROWS = 1_048_576
#: Largest used range (rows x columns from the first to the last cell holding a value) of a
#: sheet whose tables are read: calamine fills the used range as a grid of cells, so one
#: stray value at XFD1048576 would ask for half a terabyte. An input's tables are a few
#: thousand cells; this is ample and keeps a read within about 100 MB.
MAX_USED_CELLS = 2_000_000

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
#: element and attribute names as expat gives them (namespace, '}', local name)
_SHEET = f"{NS_MAIN[1:]}sheet"
_RELATIONSHIP = f"{NS_PKG_REL[1:]}Relationship"
_REL_ID = f"{NS_REL[1:]}id"

#: a plain A1 reference; anything else is split character by character
_PLAIN_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})\Z")

CellValue = Any  # str | float | int | bool | dt.date | dt.datetime | None


class XMLError(ValueError):
    """A part that is not well-formed XML; the message is expat's (as ElementTree's
    ParseError words it: what, line, column)."""


class UnreadableInput(XlperfError):
    """The file cannot be read as a workbook at all; ``problem`` says why."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


class CellError(NamedTuple):
    """An Excel error value (``#REF!``) found in a cell."""

    text: str


class RawTable(NamedTuple):
    """An Excel table as found in the file: header texts and data rows with coordinates (a
    named tuple, as :class:`RawWorkbook`: its fields are never reassigned; the reader puts
    error values into ``rows`` in place)."""

    name: str
    sheet: str
    header_row: int  # 1-based Excel row of the header
    first_col: int  # 1-based Excel column of the first table column
    header: list[str]
    rows: list[list[CellValue]]

    def cell_ref(self, row_index: int, col_index: int) -> str:
        """A1 reference of data row ``row_index`` (0-based), column ``col_index`` (0-based)."""
        return f"{column_letter(self.first_col + col_index)}{self.header_row + 1 + row_index}"

    def header_ref(self, col_index: int) -> str:
        return f"{column_letter(self.first_col + col_index)}{self.header_row}"

    @property
    def last_row(self) -> int:
        return self.header_row + len(self.rows)


class SheetScan:
    """What a pass over one sheet's XML found (a plain class: one is made per sheet, and a
    dataclass would cost more to define at import than all of them to make)."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}  # A1 -> "#REF!"
        self.uncalculated: set[str] = set()  # formula cells with no value
        self.hidden_rows: set[int] = set()
        self.merged: list[str] = []
        self.max_row = 0
        self.max_row_cell = ""  # the first cell with a value in row max_row
        #: the used range: first row, first column, last row, last column of the cells
        #: holding a value (None when none does)
        self.used: tuple[int, int, int, int] | None = None

    def extend_used(self, row: int, col: int) -> None:
        if self.used is None:
            self.used = (row, col, row, col)
        else:
            r1, c1, r2, c2 = self.used
            self.used = (min(r1, row), min(c1, col), max(r2, row), max(c2, col))

    @property
    def used_cells(self) -> int:
        """How many cells a reader that fills the used range as a grid would allocate."""
        if self.used is None:
            return 0
        r1, c1, r2, c2 = self.used
        return (r2 - r1 + 1) * (c2 - c1 + 1)


class RawWorkbook(NamedTuple):
    """A workbook as read: its sheets, tables and scans, and what the package check and
    the reader found (warnings, errors, duplicate or skipped tables). Nothing changes it
    once made; the defaults are empty and read-only (a named tuple's defaults are shared)."""

    path: Path
    sheet_names: list[str]
    tables: dict[str, RawTable]
    scans: dict[str, SheetScan]
    duplicate_tables: Sequence[str] = ()
    warnings: Sequence[Problem] = ()
    #: table name -> (sheet, top-left cell) of every table with that name, for duplicates
    table_places: Mapping[str, list[tuple[str, str]]] = MappingProxyType({})
    #: errors found while reading (reported by the validator with the warnings)
    errors: Sequence[Problem] = ()
    #: tables deliberately not loaded (an error above says why): not reported as missing
    skipped: Set[str] = frozenset()
    #: sheet -> (rows asked for, calamine's rows from row 1 as it gives them): what was read
    #: of the sheets with tables, for the validator's look below each table
    grids: Mapping[str, tuple[int, list[list[CellValue]]]] = MappingProxyType({})


def split_ref(ref: str) -> tuple[int, int]:
    """``"C14"`` -> (row 14, column 3)."""
    match = _PLAIN_REF.match(ref)
    if match:
        return int(match[2]), column_index(match[1])
    letters = "".join(ch for ch in ref if ch.isalpha())
    digits = "".join(ch for ch in ref if ch.isdigit())
    return int(digits), column_index(letters)


def _fail(file: Path, code: str, message: str) -> UnreadableInput:
    return UnreadableInput(Problem(code, message, file=str(file)))


def check_package(path: Path) -> list[Problem]:
    """Refuse files that are not safe, readable .xlsx packages. Returns warnings."""
    if not path.exists():
        raise _fail(path, codes.FILE_NOT_FOUND, "no such file")
    if path.is_dir():
        raise _fail(path, codes.NOT_A_FILE, "is a folder, not a workbook")
    suffix = path.suffix.lower()
    if suffix in (".xls", ".csv", ".ods", ".xlsb", ".txt"):
        raise _fail(
            path, codes.WRONG_FORMAT,
            f"a {suffix} file: xlperf reads Excel workbooks (.xlsx or .xlsm); "
            "open it in Excel and save as .xlsx",
        )
    size = path.stat().st_size
    if size == 0:
        raise _fail(path, codes.EMPTY_FILE, "the file is empty (0 bytes)")
    if size > MAX_INPUT_BYTES:
        raise _fail(
            path, codes.FILE_TOO_LARGE,
            f"{size:,} bytes is over the {MAX_INPUT_BYTES:,}-byte limit for an input workbook",
        )
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == OLE_SIGNATURE:
        raise _fail(
            path, codes.PASSWORD_PROTECTED,
            "the workbook is encrypted (password-protected) or in the old .xls format; "
            "remove the password or save it as .xlsx",
        )
    if not zipfile.is_zipfile(path):
        raise _fail(path, codes.CORRUPT_FILE, "not a valid .xlsx file (it is not a zip package)")
    warnings: list[Problem] = []
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            total = sum(info.file_size for info in infos)
            if total > MAX_UNCOMPRESSED_BYTES:
                raise _fail(
                    path, codes.ZIP_BOMB,
                    f"its parts unpack to {total:,} bytes, over the "
                    f"{MAX_UNCOMPRESSED_BYTES:,}-byte limit",
                )
            for info in infos:
                if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(
                    info.compress_size, 1
                ):
                    ratio = info.file_size // max(info.compress_size, 1)
                    raise _fail(
                        path, codes.ZIP_BOMB,
                        f"part {info.filename} compresses {ratio} to 1, far beyond any real "
                        "workbook",
                    )
            listed = [info.filename for info in infos]
            names = set(listed)
            if len(names) != len(listed):
                twice = next(n for i, n in enumerate(listed) if n in listed[:i])
                raise _fail(
                    path, codes.DUPLICATE_PART,
                    f"part {twice} is in the package twice; an .xlsx holds each part once, so "
                    "which one Excel would read is undefined: open the original in Excel and "
                    "save it again")
            if "xl/workbook.xml" not in names:
                raise _fail(path, codes.CORRUPT_FILE, "not a valid .xlsx file (no xl/workbook.xml)")
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")):
                    with archive.open(info) as part:
                        start = part.read(4096)
                        declares = b"<!DOCTYPE" in start or b"<!ENTITY" in start or (
                            not _plain_prolog(start) and _declares_dtd(start, part))
                    if declares:
                        raise _fail(
                            path, codes.XML_ENTITIES,
                            f"part {info.filename} declares a DTD or entities, which workbooks "
                            "never need (possible XML bomb); refused",
                        )
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                warnings.append(Problem(
                    codes.MACROS_IGNORED, "the workbook contains macros; they are never run",
                    file=str(path),
                ))
            if any(n.startswith("xl/externalLinks/") for n in names):
                warnings.append(Problem(
                    codes.EXTERNAL_LINKS_IGNORED,
                    "the workbook links to other files; the links are never followed "
                    "(the values saved in this file are used)",
                    file=str(path),
                ))
    except zipfile.BadZipFile as exc:
        raise _fail(path, codes.CORRUPT_FILE, f"not a valid .xlsx file ({exc})") from None
    return warnings


#: the bytes that may start an element's name in a plain prolog (ASCII only: a name starting
#: with any other character is left to expat)
_NAME_START = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_:")
#: XML's white space (``bytes.strip`` would also take vertical tab and form feed)
_XML_SPACE = b" \t\r\n"


def _plain_prolog(start: bytes) -> bool:
    """True when the bytes ``start`` (a part's first 4 KiB) show, with no parser, that no
    DTD comes before the root element; False when they do not show it (expat decides).

    Every part a writer produces starts this way, and a new expat parser per part cost more
    than the check. Only the plain case is read, byte by byte as expat reads it: no NUL byte
    (so not UTF-16 or UTF-32), no byte order mark but UTF-8's, an XML declaration (if any)
    naming UTF-8 or no encoding (so the bytes are ASCII where they are markup), then only
    white space and processing instructions (none named xml...), up to a '<' followed by a
    name's first character: the root element's start tag, before which a DOCTYPE would have
    to be; and no '<!' anywhere before it.
    """
    if b"\x00" in start:
        return False
    pos = 3 if start.startswith(b"\xef\xbb\xbf") else 0
    if start.startswith(b"<?xml", pos):  # the declaration, at the very start only
        end = start.find(b"?>", pos)
        if end == -1 or start[pos + 5:pos + 6] not in (b" ", b"\t", b"\r", b"\n"):
            return False
        declaration = start[pos + 5:end].lower()
        if b"encoding" in declaration and (declaration.count(b"encoding") != 1 or (
                b' encoding="utf-8"' not in declaration
                and b" encoding='utf-8'" not in declaration)):
            return False
        pos = end + 2
    while True:
        lt = start.find(b"<", pos)
        if lt == -1 or start[pos:lt].strip(_XML_SPACE):
            return False  # no root within the bytes, or text before it
        if not start.startswith(b"<?", lt):
            break
        end = start.find(b"?>", lt + 2)  # a processing instruction: skipped whole
        if end == -1 or start[lt + 2:lt + 5].lower() == b"xml":
            return False
        pos = end + 2
    return lt + 1 < len(start) and start[lt + 1] in _NAME_START and b"<!" not in start[:lt]


class _PrologEnd(Exception):
    """Raised from an expat handler to stop parsing at the root element or the DTD."""


def _declares_dtd(start: bytes, rest: Any) -> bool:
    """True when an XML part declares a DTD anywhere before its root element.

    The quick test of the first 4 KiB misses a DOCTYPE pushed further down by a long comment
    or written in UTF-16; expat reads the prolog only, and stops at the root element or the
    DOCTYPE before any entity is declared, let alone expanded.
    """
    import xml.parsers.expat as expat  # noqa: PLC0415

    found: list[bool] = []

    def doctype(*_args: Any) -> None:
        found.append(True)
        raise _PrologEnd

    def root(*_args: Any) -> None:
        raise _PrologEnd

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = root
    try:
        chunk = start
        while chunk:
            parser.Parse(chunk, False)
            chunk = rest.read(65536)
        parser.Parse(b"", True)
    except _PrologEnd:
        pass
    except expat.ExpatError:
        return False  # not well-formed: the readers report the file as corrupt
    return bool(found)


def _elements(data: bytes, wanted: str = "") -> tuple[dict[str, str], list[dict[str, str]]]:
    """The root element's attributes, and the attributes of every element named ``wanted``
    (expat's name: namespace, '}', local name) in document order, of a small XML part;
    parsed by :func:`_safe_parser` (DTDs and entities refused) without building a tree."""
    import xml.parsers.expat as expat  # noqa: PLC0415

    root: list[dict[str, str]] = []
    found: list[dict[str, str]] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        if not root:
            root.append(attrs)
        if tag == wanted:
            found.append(attrs)

    parser = _safe_parser()
    parser.StartElementHandler = start
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise XMLError(str(exc)) from None
    return (root[0] if root else {}), found


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> path of its XML part inside the package."""
    _, sheets = _elements(archive.read("xl/workbook.xml"), _SHEET)
    _, rels = _elements(archive.read("xl/_rels/workbook.xml.rels"), _RELATIONSHIP)
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels}
    parts: dict[str, str] = {}
    for sheet in sheets:
        target = targets.get(sheet.get(_REL_ID), "")
        if not target:
            continue
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join("xl", target)
        )
        parts[sheet.get("name", "")] = part
    return parts


def _table_roots(archive: zipfile.ZipFile) -> dict[str, dict[str, str]]:
    """Part -> its root element's attributes, for every table part in the package's order:
    parsed once for both :func:`_table_parts` and :func:`_table_places`."""
    return {name: _elements(archive.read(name))[0] for name in archive.namelist()
            if name.startswith("xl/tables/") and name.endswith(".xml")}


def _table_parts(roots: dict[str, dict[str, str]]) -> list[tuple[str, str]]:
    """(table name, ref) of every table part, to spot duplicates calamine would hide."""
    return [(root.get("displayName") or root.get("name") or "", root.get("ref", ""))
            for root in roots.values()]


def _table_places(archive: zipfile.ZipFile, sheet_parts: dict[str, str],
                  roots: dict[str, dict[str, str]],
                  plain: list[bool] | None = None) -> list[tuple[str, str, str]]:
    """(table name, sheet, ref) of every table, in sheet order (through each sheet's rels);
    ``roots`` are the table parts parsed already (:func:`_table_roots`). ``plain``, if given,
    gets for each of them whether Excel's own layout led to it (:func:`_plain_reference`)."""
    names = set(archive.namelist())
    found = []
    for sheet, part in sheet_parts.items():
        folder, base = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", base + ".rels")
        if rels_part not in names:
            continue
        _, rels = _elements(archive.read(rels_part), _RELATIONSHIP)
        for rel in rels:
            if not rel.get("Type", "").endswith("/table"):
                continue
            written = rel.get("Target", "")
            target = written.lstrip("/") if written.startswith("/") else posixpath.normpath(
                posixpath.join(folder, written))
            if target in names:
                root = roots[target] if target in roots else _elements(archive.read(target))[0]
                found.append((root.get("displayName") or root.get("name") or "", sheet,
                              root.get("ref", "")))
                if plain is not None:
                    plain.append(_plain_reference(part, rel.get("Type", ""), written, root))
    return found


_TABLE_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/table"
_PLAIN_SHEET_PART = re.compile(r"xl/worksheets/[A-Za-z0-9_.-]+\.xml\Z")
_PLAIN_TABLE_TARGET = re.compile(r"(?:\.\./|/xl/)tables/[A-Za-z0-9_.-]+\.xml\Z")
_PLAIN_TABLE_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})\Z")


def _plain_reference(sheet_part: str, rel_type: str, target: str,
                     root: dict[str, str]) -> bool:
    """Whether a table is referenced and shaped as Excel writes it, so that the rows
    calamine reads as its data are those :func:`_table_span` says: the sheet part in
    ``xl/worksheets/``, the relationship's exact type and a ``../tables/`` or
    ``/xl/tables/`` target (Excel writes the first, openpyxl the second: any reader resolves
    both to the same part, as :func:`_table_places` does), a ``displayName`` (calamine's
    only name for a table), one header row, no totals row, no insert row."""
    return bool(_PLAIN_SHEET_PART.match(sheet_part) and rel_type == _TABLE_TYPE
                and _PLAIN_TABLE_TARGET.match(target) and root.get("displayName")
                and root.get("headerRowCount", "1") == "1"
                and root.get("totalsRowCount", "0") == "0"
                and root.get("insertRow", "0") == "0")


def _plain_box(ref: str) -> tuple[int, int, int, int] | None:
    """(top row, left column, bottom row, right column), 1-based, of a plain ``B4:F10``
    (no ``$``, capitals only, as written, even backwards); None for any other text."""
    match = _PLAIN_TABLE_REF.match(ref)
    if match is None:
        return None
    return int(match[2]), column_index(match[1]), int(match[4]), column_index(match[3])


def _table_span(ref: str) -> tuple[int, int, int, int] | None:
    """The data rows of a plain table (:func:`_plain_reference`) with reference ``ref``:
    (first row, first column, last row, last column), 0-based, below its header row; None
    unless ``ref`` is a plain ``B4:F10``. A header-only ``B4:F4`` has no data rows (the last
    row above the first): calamine's own table read stops on it."""
    box = _plain_box(ref)
    if box is None:
        return None
    top, left, bottom, right = (edge - 1 for edge in box)
    if not (0 <= top <= bottom < MAX_ROWS and 0 <= left <= right):
        return None
    return top + 1, left, bottom, right


def _check_data_rows(name: str, sheet: str, root: dict[str, str] | None, path: Path) -> None:
    """Refuse a table whose reference leaves no row for its data once its header, totals and
    insert rows are taken out (or runs backwards), before calamine is asked for it: its Rust
    code stops on such a table with a panic that prints to the terminal. Excel always keeps
    a data row; a plain header-only table never comes here (:func:`_table_span`)."""
    if root is None:
        return
    ref = root.get("ref", "")
    box = _plain_box(ref if ":" in ref else f"{ref}:{ref}")  # one cell: a one-cell box
    counts = [root.get(attr, default) for attr, default in (
        ("headerRowCount", "1"), ("totalsRowCount", "0"))]
    if box is None or not all(count.isdigit() for count in counts):
        return  # calamine reports what it cannot parse as an error of its own
    top, left, bottom, right = box
    header, totals = (int(count) for count in counts)
    inserted = root.get("insertRow", "0") != "0"
    # calamine versions take the totals rows, or (an old slip) the header rows, off the end
    below = max(header, totals) if totals else 0
    if top > bottom or left > right or top + header + below + inserted > bottom:
        first = ref.split(":")[0]
        raise UnreadableInput(Problem(
            codes.CORRUPT_FILE,
            f"table {name}'s reference {ref} leaves no row for its data below its header; "
            "Excel always keeps one: open the file in Excel and save it again",
            sheet, first, path.name))


def _rows_from_grid(grid: list[list[CellValue]],
                    span: tuple[int, int, int, int]) -> list[list[CellValue]]:
    """A table's data rows cut from its sheet's grid (read from row 1 and column A, down to
    at least the table's last row), as calamine's table read gives them: the table's
    rectangle, a cell outside the sheet's cells blank."""
    first_row, first_col, last_row, last_col = span
    width = last_col - first_col + 1
    rows = []
    for index in range(first_row, last_row + 1):
        row = ([_normalise(v) for v in grid[index][first_col:last_col + 1]]
               if index < len(grid) else [])
        if len(row) < width:
            row.extend([None] * (width - len(row)))
        rows.append(row)
    return rows


#: Largest sheet part (uncompressed bytes) read whole for the one-go scan; a larger one is
#: only streamed.
MAX_WHOLE_PART = 16 * 1024 * 1024


def scan_sheet(archive: zipfile.ZipFile, part: str) -> SheetScan:
    """Stream one sheet's XML for error values, uncalculated formulas, hidden rows, merges
    and the used range (the cells that hold a value), in memory bounded by one cell.

    Rows and cells written without their ``r`` attribute (legal) are placed as Excel places
    them: a row after the previous row, a cell after the previous cell of its row.

    expat calls back for each element; no element tree is built (a tree and its events cost
    several times the parse). A DTD or entity declaration is refused, as defusedxml does.
    A part of at most :data:`MAX_WHOLE_PART` bytes is read whole and parsed by expat without
    callbacks first; when it is in the regular layout writers produce, its facts are read
    in one go by :mod:`xlperf.reading.regular_sheet`, which gives the same scan.
    """
    with archive.open(part) as stream:
        data = stream.read(MAX_WHOLE_PART + 1)
    if len(data) <= MAX_WHOLE_PART:
        from .regular_sheet import fast_scan  # noqa: PLC0415 - it imports this module

        _parse(data)
        found = fast_scan(data)
        if found is not None:
            return found
    return _SheetScanner().run(archive, part)


def _refuse_doctype(name: str, sysid: str | None, pubid: str | None, _internal: bool) -> None:
    from defusedxml.common import DTDForbidden  # noqa: PLC0415 - only when one is refused

    raise DTDForbidden(name, sysid, pubid)


def _refuse_entity(name: str, _is_parameter: bool, value: str | None, base: str | None,
                   sysid: str | None, pubid: str | None, _notation: str | None) -> None:
    from defusedxml.common import EntitiesForbidden  # noqa: PLC0415 - only when one is refused

    raise EntitiesForbidden(name, value, base, sysid, pubid, _notation)


def _refuse_unparsed_entity(name: str, base: str | None, sysid: str | None,
                            pubid: str | None, notation: str | None) -> None:
    _refuse_entity(name, False, None, base, sysid, pubid, notation)


def _refuse_external(_context: str, base: str | None, sysid: str | None,
                     pubid: str | None) -> int:
    from defusedxml.common import ExternalReferenceForbidden  # noqa: PLC0415 - when refused

    raise ExternalReferenceForbidden(_context, base, sysid, pubid)


def _safe_parser() -> Any:
    """An expat parser (namespaces split by '}') that refuses a DTD, an entity declaration
    and an external reference, as defusedxml does (raising defusedxml's exceptions, imported
    only then: a workbook without any does not import defusedxml)."""
    import xml.parsers.expat as expat  # noqa: PLC0415

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.EntityDeclHandler = _refuse_entity
    parser.UnparsedEntityDeclHandler = _refuse_unparsed_entity
    parser.ExternalEntityRefHandler = _refuse_external
    return parser


def _parse(data: bytes) -> None:
    """Parse ``data`` with no callbacks but :func:`_safe_parser`'s: :class:`XMLError` when it
    is not well-formed, as the streaming scan raises."""
    import xml.parsers.expat as expat  # noqa: PLC0415

    try:
        _safe_parser().Parse(data, True)
    except expat.ExpatError as exc:
        raise XMLError(str(exc)) from None


_C, _V, _F, _IS, _ROW, _MERGE = (f"{NS_MAIN[1:]}{tag}" for tag in
                                 ("c", "v", "f", "is", "row", "mergeCell"))


class _SheetScanner:
    """The expat handlers of :func:`scan_sheet` and the state between them."""

    def __init__(self) -> None:
        self.scan = SheetScan()
        self.row_number = self.col_number = 0
        self.depth = 0
        self.cell_depth = -1  # depth of the open <c>, -1 outside one
        self.cell: dict[str, str] = {}  # attributes of the open <c>
        self.row: dict[str, str] = {}  # attributes of the last <row>
        self.has_v = self.has_is = self.has_f = False
        self.v_text: str | None = None
        self.in_v = False

    def run(self, archive: zipfile.ZipFile, part: str) -> SheetScan:
        import xml.parsers.expat as expat  # noqa: PLC0415

        parser = _safe_parser()
        parser.buffer_text = True
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.text
        try:
            with archive.open(part) as stream:
                while chunk := stream.read(65536):
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise XMLError(str(exc)) from None
        return self.scan

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        if self.cell_depth >= 0:
            if self.depth == self.cell_depth + 1:  # a child of the cell
                if tag == _V:
                    if not self.has_v:
                        self.has_v = self.in_v = True
                elif tag == _F:
                    self.has_f = True
                elif tag == _IS:
                    self.has_is = True
            else:
                self.in_v = False  # an element inside <v>: its text is not v's own
            return
        if tag == _C:
            self.cell_depth = self.depth
            self.cell = attrs
            self.has_v = self.has_is = self.has_f = self.in_v = False
            self.v_text = None
        elif tag == _ROW:
            self.row_number = _int(attrs.get("r"), self.row_number + 1)
            self.col_number = 0
            self.row = attrs
        elif tag == _MERGE:
            self.scan.merged.append(attrs.get("ref", ""))

    def text(self, data: str) -> None:
        if self.in_v:
            self.v_text = data if self.v_text is None else self.v_text + data

    def end(self, tag: str) -> None:
        depth = self.depth
        self.depth -= 1
        if self.cell_depth >= 0:
            if depth == self.cell_depth + 1:
                self.in_v = False
            if depth == self.cell_depth:
                self.cell_depth = -1
                self._cell()
            return
        if tag == _ROW:
            scan, row_number = self.scan, self.row_number
            scan.max_row = max(scan.max_row, row_number)
            if row_number >= MAX_ROWS and not scan.max_row_cell:
                scan.max_row_cell = f"A{row_number}"  # the row holds no cell, only a format
            if self.row.get("hidden") in ("1", "true"):
                scan.hidden_rows.add(row_number)

    def _cell(self) -> None:
        scan, row_number, cell = self.scan, self.row_number, self.cell
        self.col_number, ref = _cell_position(cell.get("r"), row_number, self.col_number)
        if self.has_v or self.has_is:
            scan.extend_used(row_number, self.col_number)
        if not scan.max_row_cell and row_number >= MAX_ROWS and self.has_v:
            scan.max_row_cell = ref  # a cell in Excel's last row
        if cell.get("t") == "e":
            scan.errors[ref] = self.v_text if self.v_text else "#N/A"
        elif self.has_f and self.v_text is None:
            scan.uncalculated.add(ref)


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text else default
    except ValueError:
        return default


def _cell_position(ref: str | None, row: int, previous_col: int) -> tuple[int, str]:
    """(column, A1 reference) of a cell: its ``r``, or the column after the previous cell."""
    if ref:
        try:
            ref_row, col = split_ref(ref)
            if ref_row == row:
                return col, ref
        except (ValueError, KeyError):
            pass
    col = previous_col + 1
    return col, f"{column_letter(col)}{row}"


def _normalise(value: CellValue) -> CellValue:
    """calamine -> plain Python: '' is blank (None); whole floats become ints."""
    if value == "" or value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date()
    return value


def read_workbook(path: Path) -> RawWorkbook:
    """Check the package, then read every table with calamine. Raises UnreadableInput."""
    import python_calamine as calamine  # noqa: PLC0415 - heavy import only when reading

    path = Path(path)
    warnings = check_package(path)
    try:
        with zipfile.ZipFile(path) as archive:
            parts = _sheet_parts(archive)
            roots = _table_roots(archive)
            names = [name for name, _ in _table_parts(roots)]
            duplicates = sorted({n for n in names if names.count(n) > 1})
            plain: list[bool] = []
            places = _table_places(archive, parts, roots, plain)
            errors, skipped = _tables_at_row_limit(places, path)
            # every sheet holding a table is streamed first: its used range is checked
            # before calamine, which fills a sheet's used range as a grid, reads a cell
            scans = {sheet: scan_sheet(archive, parts[sheet])
                     for sheet in sorted({sheet for _, sheet, _ in places}) if sheet in parts}
            too_large = _sheets_too_large(scans, path)
            errors += [problem for _, problem in too_large]
            skipped |= {name for name, sheet, _ in places if sheet in dict(too_large)}
            book = calamine.CalamineWorkbook.from_path(str(path), load_tables=not duplicates)
            tables: dict[str, RawTable] = {}
            sheets_with_tables: set[str] = set()
            # each sheet's rows down to its lowest table header, read once per sheet (calamine
            # parses the whole sheet at every get_sheet_by_name)
            header_rows: dict[str, list[list[CellValue]]] = {}
            asked: dict[str, int] = {}
            lowest = _lowest_headers(places)
            below = _rows_below(places)
            if not duplicates:
                listed = book.table_names or []
                # a plain table (named once by calamine and once by the places, shaped and
                # referenced as Excel writes it) is cut from its sheet's grid, which is read
                # anyway for the headers: calamine parses the whole sheet again for every
                # table it is asked for
                spans: dict[str, tuple[str, tuple[int, int, int, int] | None]] = {}
                tops = {root.get("displayName") or root.get("name") or "": root
                        for root in roots.values()}
                for (name, sheet, ref), is_plain in zip(places, plain, strict=True):
                    spans[name] = (sheet, _table_span(ref) if is_plain and name not in spans
                                   and listed.count(name) == 1 else None)

                def grid(sheet: str, header_index: int) -> list[list[CellValue]]:
                    """The sheet's rows from row 1 down to its lowest table header and the row
                    below its lowest table, read once per sheet (more if a header is lower)."""
                    values = header_rows.get(sheet, [])
                    if len(values) <= header_index:
                        nrows = max(header_index + 1, lowest.get(sheet, 0), below.get(sheet, 0))
                        values = book.get_sheet_by_name(sheet).to_python(
                            skip_empty_area=False, nrows=nrows)
                        header_rows[sheet] = values
                        asked[sheet] = nrows
                    return values

                for table_name in listed:
                    if table_name in skipped:
                        continue
                    sheet_name, span = spans.get(table_name, ("", None))
                    if span is not None:
                        first_data_row, first_col = span[0], span[1]
                        header_row_values = grid(sheet_name, first_data_row - 1)
                        if asked[sheet_name] > span[2]:
                            width = span[3] - span[1] + 1
                            rows = _rows_from_grid(header_row_values, span)
                        else:  # the grid stops above the table's last row
                            span = None
                    if span is None:
                        _check_data_rows(table_name, sheet_name, tops.get(table_name), path)
                        table = book.get_table_by_name(table_name)
                        if table.start is None:  # calamine found no cells for it
                            continue
                        first_data_row, first_col = table.start
                        width, sheet_name = table.width, table.sheet
                        rows = [[_normalise(v) for v in row] for row in table.to_python()]
                        header_row_values = grid(sheet_name, first_data_row - 1)
                    header_index = first_data_row - 1
                    header = [
                        str(_normalise(header_row_values[header_index][first_col + j]) or "")
                        if header_index < len(header_row_values)
                        and first_col + j < len(header_row_values[header_index])
                        else ""
                        for j in range(width)
                    ]
                    tables[table_name] = RawTable(
                        name=table_name,
                        sheet=sheet_name,
                        header_row=first_data_row,  # 0-based data start == 1-based header row
                        first_col=first_col + 1,
                        header=header,
                        rows=rows,
                    )
                    sheets_with_tables.add(sheet_name)
            scans = {sheet: scan for sheet, scan in scans.items() if sheet in sheets_with_tables}
            _overlay_scans(tables, scans)
            errors += [
                Problem(codes.ROW_LIMIT_REACHED,
                        f"the sheet has data in row {MAX_ROWS:,}, Excel's last row: rows beyond "
                        "it were probably cut off when the data was pasted or exported",
                        sheet, scan.max_row_cell, path.name)
                for sheet, scan in scans.items() if scan.max_row_cell
            ]
            places_by_name: dict[str, list[tuple[str, str]]] = {}
            for name, sheet, ref in places:
                places_by_name.setdefault(name, []).append((sheet, ref.split(":")[0]))
            return RawWorkbook(
                path=path,
                sheet_names=list(book.sheet_names),
                tables=tables,
                scans=scans,
                duplicate_tables=duplicates,
                warnings=warnings,
                table_places=places_by_name,
                errors=errors,
                skipped=skipped,
                grids={sheet: (asked[sheet], rows) for sheet, rows in header_rows.items()},
            )
    except UnreadableInput:
        raise
    except zipfile.BadZipFile as exc:
        raise _fail(path, codes.CORRUPT_FILE, "the workbook cannot be read: a part does not "
                    f"match the size or checksum declared in its zip directory ({exc})") from None
    except (calamine.CalamineError, KeyError, XMLError) as exc:
        raise _fail(path, codes.CORRUPT_FILE, f"the workbook cannot be read ({exc})") from None
    except Exception as exc:  # calamine raises its own error types for broken parts
        if type(exc).__module__.startswith(("python_calamine", "defusedxml")):
            raise _fail(path, codes.CORRUPT_FILE, f"the workbook cannot be read ({exc})") from None
        raise
    except BaseException as exc:
        # calamine's Rust code stops on what it cannot read (a table whose reference leaves
        # no rows below its header, such as "B4" or "C21:B4"); PyO3 raises that as its
        # PanicException, which derives from BaseException, not Exception
        if type(exc).__module__ == "pyo3_runtime" and type(exc).__name__ == "PanicException":
            raise _fail(path, codes.CORRUPT_FILE, f"the workbook cannot be read ({exc})") from None
        raise


def _lowest_headers(places: list[tuple[str, str, str]]) -> dict[str, int]:
    """Sheet -> the lowest top row of the tables on it (a table's header row)."""
    lowest: dict[str, int] = {}
    for _, sheet, ref in places:
        try:
            row, _ = split_ref(ref.split(":")[0])
        except (ValueError, KeyError):
            continue
        if row < MAX_ROWS:
            lowest[sheet] = max(lowest.get(sheet, 0), row)
    return lowest


#: Rows of a sheet read with its headers so that the row below each table is at hand (a
#: sheet whose tables end further down reads that row again when it needs it).
MAX_GRID_ROWS = 2_000


def _rows_below(places: list[tuple[str, str, str]]) -> dict[str, int]:
    """Sheet -> the row just below its lowest table (by the tables' refs), where that is
    within MAX_GRID_ROWS."""
    found: dict[str, int] = {}
    for _, sheet, ref in places:
        try:
            row, _ = split_ref(ref.split(":")[-1])
        except (ValueError, KeyError):
            continue
        found[sheet] = max(found.get(sheet, 0), row + 1)
    return {sheet: row for sheet, row in found.items() if row <= MAX_GRID_ROWS}


def _sheets_too_large(scans: dict[str, SheetScan],
                      path: Path) -> list[tuple[str, Problem]]:
    """Sheets whose used range (first to last cell holding a value) is over
    MAX_USED_CELLS: an error at the cell furthest out; their tables are not read."""
    found: list[tuple[str, Problem]] = []
    for sheet, scan in scans.items():
        if scan.used is None or scan.used_cells <= MAX_USED_CELLS:
            continue
        r1, c1, r2, c2 = scan.used
        far = f"{column_letter(c2)}{r2}"
        if scan.max_row_cell:
            found.append((sheet, Problem(
                codes.ROW_LIMIT_REACHED,
                f"the sheet has data in row {MAX_ROWS:,}, Excel's last row: rows beyond it were "
                "probably cut off when the data was pasted or exported; the sheet's tables "
                "are not read", sheet, scan.max_row_cell, path.name)))
            continue
        found.append((sheet, Problem(
            codes.SHEET_TOO_LARGE,
            f"the sheet's cells with values span {column_letter(c1)}{r1}:{far} "
            f"({scan.used_cells:,} cells), over the {MAX_USED_CELLS:,}-cell limit for a sheet "
            "of an input workbook: a value far from the tables (look in row "
            f"{r2:,} and column {column_letter(c2)}) should be deleted; the sheet's tables are "
            "not read", sheet, far, path.name)))
    return found


def _tables_at_row_limit(places: list[tuple[str, str, str]],
                         path: Path) -> tuple[list[Problem], set[str]]:
    """Tables whose range reaches Excel's last row: an error each, and they are not loaded
    (a million-row table would take seconds and gigabytes for data that is cut off anyway)."""
    errors: list[Problem] = []
    skipped: set[str] = set()
    for name, sheet, ref in places:
        first, _, last = ref.partition(":")
        if not last:
            continue
        last_row, _ = split_ref(last)
        if last_row >= MAX_ROWS:
            _, first_col = split_ref(first)
            skipped.add(name)
            errors.append(Problem(
                codes.ROW_LIMIT_REACHED,
                f"table {name} runs to row {last_row:,}, Excel's last row: rows beyond it were "
                "probably cut off when the data was pasted or exported; the table is not read",
                sheet, f"{column_letter(first_col)}{MAX_ROWS}", path.name))
    return errors, skipped


def _overlay_scans(tables: dict[str, RawTable], scans: dict[str, SheetScan]) -> None:
    """Put error values back where calamine left blanks."""
    for table in tables.values():
        scan = scans.get(table.sheet)
        if not scan or not scan.errors:
            continue
        for i, row in enumerate(table.rows):
            for j in range(len(row)):
                ref = table.cell_ref(i, j)
                if ref in scan.errors:
                    row[j] = CellError(scan.errors[ref])
