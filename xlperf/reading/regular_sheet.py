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
#: the XML declaration: its encoding, if it names one
_DECLARATION = re.compile(rb"<\?xml[^>]*?\?>")
_UTF8 = re.compile(rb"""\sencoding\s*=\s*(["'])utf-?8\1""", re.IGNORECASE)
#: every namespace declaration: prefix (empty: the default namespace) and quoted value
_NAMESPACES = re.compile(rb"""xmlns(?::([^\s=]*))?\s*=\s*("[^"]*"|'[^']*')""")
_SHEET_DATA = re.compile(rb"<sheetData(?:\s[^>]*)?(/?)>")
_SHEET_DATA_END = re.compile(rb"</sheetData\s*>")
_CELL_TAG = re.compile(rb"<c[\s/>]")
_ROW_TAG = re.compile(rb"<row[\s/>]")
_MERGE_TAG = re.compile(rb"<mergeCell[\s/>]")
_ERROR_TYPE = re.compile(rb"""\st\s*=\s*["']\s*e""")
#: the rows and cells of sheetData, in the regular layout: ``r`` first in every row and cell
#: (a cell's row that of its row, by the back reference), a cell's children <v>, <f> and
#: <is> only, no '&' in a row's or cell's tag; text anywhere outside tags. Every repeat is
#: possessive (``*+``): each part of the layout is told by its first characters, so giving
#: characters back could never make a match, and the engine keeps no state to try it (about
#: a quarter faster). A repeat that did need it would only make the match fail, which sends
#: the sheet to the streaming scan, never to another scan.
_IS_BODY = rb"[^<]*+(?:<(?!/?(?:is|c|v|f|row)[\s/>])[^>]*+>[^<]*+)*+"
_CONTENT = (rb"[^<]*+(?:(?:<v\s*+>[^<]*+</v\s*+>|<v\s*+/>"
            rb"|<f(?:\s[^>]*+)?(?:(?<=/)>|(?<!/)>[^<]*+</f\s*+>)"
            rb"|<is\s*+>" + _IS_BODY + rb"</is\s*+>)[^<]*+)*+")
_CELL = rb'<c r="[A-Z]{1,3}\1"[^>&]*+(?:(?<=/)>|(?<!/)>' + _CONTENT + rb"</c\s*+>)"
_ROWS = re.compile(rb'\s*+(?:<row r="([1-9][0-9]{0,6})"[^>&]*+(?:(?<=/)>|(?<!/)>\s*+(?:'
                   + _CELL + rb"\s*+)*+</row\s*+>)\s*+)*+")
_ROW_FIELDS = re.compile(rb'<row r="([0-9]+)"([^>]*)')
#: a cell with a value: its formulas (if any), then <v> or <is>
_VALUED = re.compile(rb'<c r="([A-Z]+)([0-9]+)"[^>]*(?<!/)>[^<]*'
                     rb"(?:<f(?:\s[^>]*)?(?:(?<=/)>|(?<!/)>[^<]*</f\s*>)[^<]*)*<(?:v|is)[\s/>]")
_F = re.compile(rb"<f[\s/>]")
_FIRST_V = re.compile(rb"<v\s*(?:/>|>([^<]*)</v)")
_ATTRIBUTE = re.compile(rb"""([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_MERGE = re.compile(rb"<mergeCell(\s[^>]*?)?/?>")


def _attributes(text: bytes) -> dict[bytes, bytes] | None:
    """The attributes of a tag (its text after the name), or None when a value would need
    decoding (a reference)."""
    found: dict[bytes, bytes] = {}
    for name, double, single in _ATTRIBUTE.findall(text):
        value = double or single
        if b"&" in value:
            return None
        found[name] = value
    return found


def fast_scan(data: bytes) -> SheetScan | None:
    """What :func:`~xlperf.reading.xlsx.scan_sheet` finds in the sheet XML ``data``, which
    expat has parsed already; None when ``data`` is not in the layout read here (module
    doc)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        return None
    declaration = _DECLARATION.match(data)
    if declaration:
        if b"encoding" in declaration.group() and not _UTF8.search(declaration.group()):
            return None
        data = data[declaration.end():]
    if b"<?" in data or b"<!" in data or data.count(b"<") != data.count(b">"):
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
    starts = list(_SHEET_DATA.finditer(data))
    if len(starts) > 1:
        return None
    rows_xml = b""
    outside = data
    if starts:
        start = starts[0]
        if start.group(1):  # <sheetData/>
            outside = data[:start.start()] + data[start.end():]
        else:
            end = _SHEET_DATA_END.search(data, start.end())
            if end is None:
                return None
            rows_xml = data[start.end():end.start()]
            outside = data[:start.start()] + data[end.end():]
    if (_CELL_TAG.search(outside) or _ROW_TAG.search(outside) or _MERGE_TAG.search(rows_xml)
            or ((b'"e"' in rows_xml or b"'e'" in rows_xml) and _ERROR_TYPE.search(rows_xml))
            or not _ROWS.fullmatch(rows_xml)):
        return None
    scan = SheetScan()
    rows = _ROW_FIELDS.findall(rows_xml)
    if rows:
        scan.max_row = max(int(number) for number, _ in rows)
        if scan.max_row >= MAX_ROWS:
            return None
        for number, attrs in rows:
            if b"hidden" in attrs:
                found = _attributes(attrs.rstrip(b"/"))
                if found is None:
                    return None
                if found.get(b"hidden") in (b"1", b"true"):
                    scan.hidden_rows.add(int(number))
    valued = _VALUED.findall(rows_xml)
    if valued:  # the distinct row numbers and column letters converted, not every cell's
        letters, numbers = zip(*valued, strict=True)
        rows = [int(number) for number in set(numbers)]
        cols = [column_index(column.decode("ascii")) for column in set(letters)]
        scan.used = (min(rows), min(cols), max(rows), max(cols))
    for formula in _F.finditer(rows_xml):  # the cell around each formula (no nesting)
        cell = rows_xml[rows_xml.rfind(b'<c r="', 0, formula.start()):
                        rows_xml.find(b"</c", formula.start())]
        first_v = _FIRST_V.search(cell)
        if first_v is None or not first_v.group(1):
            scan.uncalculated.add(cell[6:cell.index(b'"', 6)].decode("ascii"))
    for match in _MERGE.finditer(outside):
        found = _attributes(match.group(1) or b"")
        if found is None:
            return None
        ref = found.get(b"ref", b"")
        if any(ch in ref for ch in b"\t\n\r"):
            return None
        scan.merged.append(ref.decode("utf-8"))
    return scan
