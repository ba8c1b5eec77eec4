"""A sheet's scan in one go: regular expressions over its XML, for the regular layout every
writer produces (Excel, LibreOffice, openpyxl, xlperf's own), several times cheaper than an
expat callback per element.

:func:`xlperf.reading.xlsx.scan_sheet` parses the part with expat first (well-formed, no DTD
or entity: the guarantees of defusedxml), then asks :func:`fast_scan`; it answers only when
the bytes are in a layout it reads exactly as the streaming scan does, else None and the
streaming scan runs. Exactly means: a UTF-8 part without comments, CDATA, processing
instructions or a '>' inside a value or text; one default namespace, the spreadsheet one,
declared on the root and bound to no prefix (so a tag is the spreadsheet's when unprefixed,
whatever the prefixes); every row and cell inside one sheetData, every row and cell with
its ``r`` first and double-quoted, each cell's row the row's own, a cell's children only
``<v>``, ``<f>`` and ``<is>`` (rich text inside), no reference ('&') in a row's or cell's
tag; no error value (``t="e"``) and no row at Excel's last row (rare: the streaming scan
words those). ``tests/test_regular_sheet.py`` compares the two scans on every hostile
input the tests build and on random edits of the demo's sheets.
"""

from __future__ import annotations

import re

from ..a1 import column_index
from .xlsx import MAX_ROWS, SheetScan

_MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# Compiling a pattern costs more than using it on most sheets (compiling all of them took
# about 1.3 ms of every run), so the ones needed only by some sheets are left as bytes and
# compiled on first use by the re module's functions (re.match(pattern, ...)); the ones every
# sheet needs are compiled here.
#: the XML declaration: its encoding, if it names one
_DECLARATION = rb"<\?xml[^>]*?\?>"
_UTF8 = rb"""(?i)\sencoding\s*=\s*(["'])utf-?8\1"""
#: every namespace declaration: prefix (empty: the default namespace) and quoted value
_NAMESPACES = re.compile(rb"""xmlns(?::([^\s=]*))?\s*=\s*("[^"]*"|'[^']*')""")
_SHEET_DATA = re.compile(rb"<sheetData(?:\s[^>]*)?(/?)>")
_SHEET_DATA_END = re.compile(rb"</sheetData\s*>")
#: a cell's or a row's tag
_CELL_OR_ROW_TAG = re.compile(rb"<(?:c|row)[\s/>]")
_ERROR_TYPE = rb"""\st\s*=\s*["']\s*e"""
#: the rows and cells of sheetData, in the regular layout: ``r`` first in every row and cell
#: (a cell's row that of its row, by the back reference), a cell's children <v>, <f> and
#: <is> only; text anywhere outside tags. Every repeat is possessive (``*+``): each part of
#: the layout is told by its first characters, so giving characters back could never make a
#: match, and the engine keeps no state to try it (about a quarter faster). A repeat that did
#: need it would only make the match fail, which sends the sheet to the streaming scan, never
#: to another scan. A row's and a cell's attributes are ``[^>]*+``: a class of one byte is
#: several times faster for the engine than ``[^>&]*+``, so the layout's "no '&' in a row's
#: or cell's tag" is checked apart, by :func:`_reference_in_tag`, only when the rows hold a
#: '&' at all. The usual inline string, ``<is><t>text</t></is>``, has an alternative of its
#: own before the general one: what it matches, the general one matches too, to the same end
#: (its ``<t>`` and ``</t>`` are tags the body allows), only without a look-ahead per tag.
_IS_BODY = rb"[^<]*+(?:<(?!/?(?:is|c|v|f|row)[\s/>])[^>]*+>[^<]*+)*+"
_CONTENT = (rb"[^<]*+(?:(?:<v\s*+>[^<]*+</v\s*+>|<v\s*+/>"
            rb"|<f(?:\s[^>]*+)?(?:(?<=/)>|(?<!/)>[^<]*+</f\s*+>)"
            rb"|<is\s*+><t(?:>|\s[^>]*+>)[^<]*+</t\s*+></is\s*+>"
            rb"|<is\s*+>" + _IS_BODY + rb"</is\s*+>)[^<]*+)*+")
_CELL = rb'<c r="[A-Z]{1,3}\1"[^>]*+(?:(?<=/)>|(?<!/)>' + _CONTENT + rb"</c\s*+>)"
_ROWS = re.compile(rb'\s*+(?:<row r="([1-9][0-9]{0,6})"[^>]*+(?:(?<=/)>|(?<!/)>\s*+(?:'
                   + _CELL + rb"\s*+)*+</row\s*+>)\s*+)*+")
_ROW_FIELDS = re.compile(rb'<row r="([0-9]+)"([^>]*)')
#: a cell with a value, in rows already in the layout (whose cells' children are <v>, <f> and
#: <is> only, and whose text holds no '<'): its tag not closed by '/>', then formulas (a
#: formula's tag and text, its end tag and text), then a child starting '<v' or '<i', which
#: can only be <v> or <is>; its column letters (its row: :func:`_row_of`)
_VALUED = re.compile(rb'<c r="([A-Z]+)[0-9]+"[^>]*+(?<!/)>[^<]*+'
                     rb"(?:<f[^<]*+(?:</f[^<]*+)?)*+<[vi]")
#: the same with the row (a match per cell costs twice as much with it: a tuple and a number)
_VALUED_CELL = _VALUED.pattern.replace(b"[0-9]+", b"([0-9]+)", 1)
_F = re.compile(rb"<f[\s/>]")
_FIRST_V = rb"<v\s*(?:/>|>([^<]*)</v)"
_ATTRIBUTE = rb"""([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')"""
_MERGE = rb"<mergeCell(\s[^>]*?)?/?>"


def _attributes(text: bytes) -> dict[bytes, bytes] | None:
    """The attributes of a tag (its text after the name), or None when a value would need
    decoding (a reference)."""
    found: dict[bytes, bytes] = {}
    for name, double, single in re.findall(_ATTRIBUTE, text):
        value = double or single
        if b"&" in value:
            return None
        found[name] = value
    return found


def _holds(data: bytes, needle: bytes, rare: int) -> bool:
    """``needle in data`` for a needle whose byte at ``rare`` is rare in sheets and whose
    others are everywhere ('<', '"'): looked for from the rare byte's places (a one-byte
    search, which skips), up to 64 of them, where a search for the needle steps over every
    place of its last byte."""
    byte = needle[rare:rare + 1]
    at = data.find(byte, rare)
    for _ in range(64):
        if at == -1:
            return False
        if data.startswith(needle, at - rare):
            return True
        at = data.find(byte, at + 1)
    return needle in data


def _reference_in_tag(rows_xml: bytes) -> bool:
    """True when a '&' is inside a row's or a cell's tag, in rows whose tags hold no '<' nor
    '>' but at their ends and whose text holds no '<' (what :data:`_ROWS` leaves to it). One
    pass: from each '&', the next '<' and '>' tell text from tag, and a tag's '<' (looked
    for back to where the search for that '&' started, never inside the tag) names it."""
    since = 0
    at = rows_xml.find(b"&")
    while at != -1:
        lt = rows_xml.find(b"<", at)
        gt = rows_xml.find(b">", at)
        if gt == -1 or lt != -1 and lt < gt:  # in text: on from the next tag
            since = lt
            at = -1 if lt == -1 else rows_xml.find(b"&", lt)
            continue
        opening = rows_xml.rfind(b"<", since, at)
        if opening == -1 or rows_xml.startswith((b"<c ", b"<row "), opening):
            return True
        since = gt
        at = rows_xml.find(b"&", gt)
    return False


def _row_of(rows_xml: bytes, valued: re.Match[bytes]) -> int:
    """The row of a cell found by :data:`_VALUED`: the digits after its column letters."""
    at = valued.end(1)
    return int(rows_xml[at:rows_xml.index(b'"', at)])


def _last_valued_row(rows_xml: bytes) -> int | None:
    """The row of the last cell with a value, in rows in ascending order (the valued cell
    found first in the last row that has one), looked for in the last 8 rows, each row
    searched once; None when they have none."""
    end = len(rows_xml)
    for _ in range(8):
        at = rows_xml.rfind(b'<row r="', 0, end)
        if at == -1:
            return None
        valued = _VALUED.search(rows_xml, at, end)
        if valued:
            return _row_of(rows_xml, valued)
        end = at
    return None


def fast_scan(data: bytes) -> SheetScan | None:
    """What :func:`~xlperf.reading.xlsx.scan_sheet` finds in the sheet XML ``data``, which
    expat has parsed already; None when ``data`` is not in the layout read here (module
    doc)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        return None
    declaration = re.match(_DECLARATION, data) if data.startswith(b"<?xml") else None
    if declaration:
        if b"encoding" in declaration.group() and not re.search(_UTF8, declaration.group()):
            return None
        data = data[declaration.end():]
    if (_holds(data, b"<?", 1) or _holds(data, b"<!", 1)
            or data.count(b"<") != data.count(b">")):
        return None  # a '>' in a value or text: tags cannot be told by '>' alone
    # every unprefixed element in the main namespace, no prefixed one
    root_end = data.find(b">")
    default = None
    for match in _NAMESPACES.finditer(data):
        if data[match.start() - 1:match.start()] not in (b" ", b"\t", b"\n", b"\r"):
            continue  # not an attribute of its own (xmlns in a value or another name)
        prefix, value = match.group(1), match.group(2)[1:-1]
        if b"&" in value or (prefix is not None and value == _MAIN):
            return None
        if prefix is None:
            if default is not None or match.start() > root_end or value != _MAIN:
                return None
            default = value
    if default is None:
        return None
    # The first sheetData, found by bytes.find (the engine steps over every '<'), and its
    # end tag, looked for from the end of the part. expat has parsed ``data``: a sheetData
    # has one end tag, after all of its content, and no comment or instruction holds another
    # ('<!' and '<?' are refused above; values hold no '<'). A second sheetData, refused, is
    # looked for after the first only: inside it, the layout checked below has no place for
    # one but in an inline string (<is>), where the streaming scan reads nothing either.
    start = None
    at = data.find(b"<sheetData")
    while at != -1 and start is None:
        start = _SHEET_DATA.match(data, at)
        at = data.find(b"<sheetData", at + 1)
    rows_xml = b""
    outside = data
    if start:
        if start.group(1):  # <sheetData/>
            after = start.end()
        else:
            end = None
            at = data.rfind(b"</sheetData")
            while at >= start.end() and end is None:
                end = _SHEET_DATA_END.match(data, at)
                at = data.rfind(b"</sheetData", start.end(), at)
            if end is None:
                return None
            rows_xml = data[start.end():end.start()]
            after = end.end()
        if _SHEET_DATA.search(data, after):
            return None
        outside = data[:start.start()] + data[after:]
    # A <mergeCell> in the rows can only be inside an <is>, the layout has it nowhere else,
    # and the streaming scan does not count it there either.
    if (_CELL_OR_ROW_TAG.search(outside)
            or ((b'"e"' in rows_xml or _holds(rows_xml, b"'e'", 0))
                and re.search(_ERROR_TYPE, rows_xml))
            or not _ROWS.fullmatch(rows_xml)
            or (b"&" in rows_xml and _reference_in_tag(rows_xml))):
        return None
    scan = SheetScan()
    rows = _ROW_FIELDS.findall(rows_xml)
    numbers = [int(number) for number, _ in rows]
    if rows:
        scan.max_row = max(numbers)
        if scan.max_row >= MAX_ROWS:
            return None
        for number, attrs in rows:
            if b"hidden" in attrs:
                found = _attributes(attrs.rstrip(b"/"))
                if found is None:
                    return None
                if found.get(b"hidden") in (b"1", b"true"):
                    scan.hidden_rows.add(int(number))
    # The used range: the distinct column letters of the valued cells converted, not every
    # cell's; their rows, where the rows are in ascending order (as writers write them), from
    # the first valued cell and the last one.
    letters = _VALUED.findall(rows_xml)
    first = _VALUED.search(rows_xml)
    if first is not None:
        cols = [column_index(column.decode("ascii")) for column in set(letters)]
        last = _last_valued_row(rows_xml) if numbers == sorted(numbers) else None
        if last is not None:
            scan.used = (_row_of(rows_xml, first), min(cols), last, max(cols))
        else:
            valued = {int(number) for _, number in re.findall(_VALUED_CELL, rows_xml)}
            scan.used = (min(valued), min(cols), max(valued), max(cols))
    for formula in _F.finditer(rows_xml):  # the cell around each formula (no nesting)
        cell = rows_xml[rows_xml.rfind(b'<c r="', 0, formula.start()):
                        rows_xml.find(b"</c", formula.start())]
        first_v = re.search(_FIRST_V, cell)
        if first_v is None or not first_v.group(1):
            scan.uncalculated.add(cell[6:cell.index(b'"', 6)].decode("ascii"))
    for match in re.finditer(_MERGE, outside) if b"<mergeCell" in outside else ():
        found = _attributes(match.group(1) or b"")
        if found is None:
            return None
        ref = found.get(b"ref", b"")
        if any(ch in ref for ch in b"\t\n\r"):
            return None
        scan.merged.append(ref.decode("utf-8"))
    return scan
