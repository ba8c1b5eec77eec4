"""The pack template as package parts, read and indexed once per process.

The pack writer (:mod:`xlperf.writers.pack_xlsx`) keeps everything of the template it does
not write itself (styles, theme, column widths, views, print setup, headers and footers,
merged cells, validations, conditional formats, drawings) as the template's own XML, and
emits only the cell data, tables, names, links, comments and charts of each pack. So the
template is read once: its parts, its sheets' cells (style index, value), its named styles
resolved to cell-format indices, its tables and defined names as anchors. A batch renders
every pack from the same :class:`Template`, which rendering never changes.

Plain string scanning, no XML library: the parts are kept byte for byte and only their cell
data is replaced. A part with a DTD is refused (nothing here expands entities).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from typing import Any, NamedTuple

from ..a1 import column_index, parse_a1
from ..pack.place import Anchors, NameAnchor, TableAnchor, sheet_prefix
from ..problems import XlperfError
from ..reading.xlsx import check_package

REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_TYPE = REL_NS + "/"
_ATTR = re.compile(r'([\w:.-]+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
# Compiled when a template is indexed (re keeps them), not at import: a template read from
# xlperf's cache needs none of them.
_ROW = r"(?s)<row\b([^>]*?)(?:/>|>(.*?)</row>)"
_CELL = r"(?s)<c\b([^>]*?)(?:/>|>(.*?)</c>)"
_TAG = r"<(/?)([A-Za-z_][\w.:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(/?)>"
_REF = r"\$?([A-Z]{1,3})\$?(\d+)"
_DEST = (r"^(?:'((?:[^']|'')+)'|([^'!]+))!"
         r"(\$?[A-Z]{1,3}\$?\d+)(?::\$?[A-Z]{1,3}\$?\d+)?$")
#: Number formats Excel shows as dates or times (built-in ids).
_DATE_IDS = set(range(14, 23)) | {27, 30, 36, 45, 46, 47, 50, 57}
_DATE_CODE = r"(?i)[dmyhs]"


#: XML's five named entities: &amp; last, so that "&amp;lt;" gives "&lt;".
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&"))


def unescape(text: str) -> str:
    """``html.unescape`` of XML text. Where every ``&`` starts one of XML's five named
    entities (a template's text as Excel writes it), they are replaced here, without
    importing :mod:`html` and its table of HTML entities; anything else (a numeric
    reference) goes to ``html.unescape``."""
    if "&" not in text:
        return text
    if text.count("&") == sum(text.count(entity) for entity, _char in _ENTITIES):
        for entity, char in _ENTITIES:
            text = text.replace(entity, char)
        return text
    import html  # noqa: PLC0415 - rarely needed

    return html.unescape(text)


def attrs(text: str) -> dict[str, str]:
    """The attributes of a start tag's text, unescaped."""
    out = {}
    for m in _ATTR.finditer(text):
        value = m[2] if m[2] is not None else m[3]
        out[m[1]] = unescape(value)
    return out


def local(name: str) -> str:
    return name.rpartition(":")[2]


def top_elements(xml: str) -> list[tuple[str, str]]:
    """The top-level elements of an XML fragment as (local name, raw text), in order."""
    out: list[tuple[str, str]] = []
    depth, start, name = 0, 0, ""
    for m in re.finditer(_TAG, xml):
        closing, tag, _rest, empty = m.groups()
        if closing:
            depth -= 1
            if depth == 0:
                out.append((name, xml[start:m.end()]))
        elif empty:
            if depth == 0:
                out.append((local(tag), m.group(0)))
        else:
            if depth == 0:
                start, name = m.start(), local(tag)
            depth += 1
    return out


class Rel(NamedTuple):
    """A relationship of a package part."""

    id: str
    type: str  # the last part of the relationship type: "worksheet", "table", ...
    target: str  # the part name it points at (resolved), or the raw target if external
    raw: str
    external: bool = False


def read_rels(parts: dict[str, bytes], source: str) -> list[Rel]:
    """The relationships of ``source`` (a part name, '' for the package), targets resolved."""
    folder, name = posixpath.split(source)
    rels_name = posixpath.join(folder, "_rels", name + ".rels")
    if rels_name not in parts:
        return []
    out = []
    for m in re.finditer(r"<Relationship\b[^>]*?/?>", parts[rels_name].decode("utf-8")):
        a = attrs(m.group(0))
        external = a.get("TargetMode") == "External"
        target = a.get("Target", "")
        if not external:
            target = target[1:] if target.startswith("/") else \
                posixpath.normpath(posixpath.join(folder, target))
        out.append(Rel(a.get("Id", ""), a.get("Type", "").rpartition("/")[2], target,
                       m.group(0), external))
    return out


class TemplateCell(NamedTuple):
    """A cell of the template: its cell-format index and its value as the template has it.

    ``attrs`` and ``inner`` are the cell's other attributes and content, kept as they are;
    a shared-string cell keeps its ``text`` instead (the pack writes its own string table).
    ``link`` holds a hyperlink's attributes (without ``ref``), ``comment`` (author, text).
    """

    style: int = 0
    attrs: str = ""
    inner: str = ""
    text: str | None = None
    link: str | None = None
    comment: tuple[str, str] | None = None

    @property
    def empty(self) -> bool:
        return not self.inner and self.text is None


#: A template cell with nothing in it (a link or a comment is added to a copy).
_BLANK = TemplateCell()


class TemplateSheet(NamedTuple):
    """A worksheet of the template: its XML around the cells, and its cells."""

    name: str
    part: str
    element: str  # its <sheet .../> element in workbook.xml
    head: str  # the sheet XML before <sheetData>
    rows: dict[int, str]  # row number -> the row's attributes (other than r and spans)
    cells: dict[tuple[int, int], TemplateCell]
    tail: list[tuple[str, str]]  # top-level elements after </sheetData>
    close: str
    rels: list[Rel]  # kept relationships (not tables, comments, their VML)
    widths: dict[int, float]
    drawing: Rel | None = None


class Styles(NamedTuple):
    """styles.xml, split around its cellXfs so formats can be added to a copy."""

    head: str
    xfs: list[str]
    tail: str
    named: dict[str, int]  # named style -> the cellXfs index of a cell in that style
    style_of_xf: list[str | None]  # cellXfs index -> its named style (None for Normal)
    wrap: list[bool]
    date: list[bool]
    num_fmts: dict[int, str]

    def xml(self, extra: list[str]) -> bytes:
        xfs = self.xfs + extra
        return (self.head + f'<cellXfs count="{len(xfs)}">' + "".join(xfs) + "</cellXfs>"
                + self.tail).encode("utf-8")


class DefinedNameXml(NamedTuple):
    """A defined name of the template's workbook.xml, as written."""

    name: str
    local_sheet: int | None
    attrs: str  # the start tag's attributes as written
    text: str  # unescaped


class Template(NamedTuple):
    """The pack template as parts, indexed (see the module docstring)."""

    file: str
    parts: dict[str, bytes]
    defaults: list[str]  # <Default .../> elements of [Content_Types].xml
    overrides: dict[str, str]  # part name -> content type
    workbook_part: str
    workbook_xml: str
    workbook_rels: list[Rel]
    sheets: list[TemplateSheet]
    names: list[DefinedNameXml]
    styles: Styles
    styles_part: str
    anchors: Anchors
    tables: dict[str, tuple[str, str]]  # name -> (sheet, ref)

    def sheet(self, name: str) -> TemplateSheet:
        for sheet in self.sheets:
            if sheet.name == name:
                return sheet
        raise KeyError(name)


def _text(parts: dict[str, bytes], name: str, file: str) -> str:
    try:
        text = parts[name].decode("utf-8")
    except (KeyError, UnicodeDecodeError):
        raise XlperfError(f"template {file}: part {name} is missing or not UTF-8") from None
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise XlperfError(f"template {file}: part {name} holds a DTD, which xlperf refuses")
    return text


def _shared_strings(text: str) -> list[str]:
    out = []
    for si in re.finditer(r"<si>(.*?)</si>|<si\s*/>", text, re.S):
        body = si.group(1) or ""
        out.append(unescape("".join(re.findall(r"<t\b[^>]*>(.*?)</t>", body, re.S))))
    return out


def _inline_text(inner: str) -> str | None:
    if "<is>" not in inner:
        return None
    return unescape("".join(re.findall(r"<t\b[^>]*>(.*?)</t>", inner, re.S)))


def _styles(text: str) -> Styles:
    m = re.search(r"<cellXfs\b[^>]*?(?:/>|>(.*?)</cellXfs>)", text, re.S)
    if m is None:
        raise XlperfError("styles.xml has no cell formats")
    xfs = [raw for name, raw in top_elements(m.group(1) or "") if name == "xf"]
    style_xfs_m = re.search(r"<cellStyleXfs\b[^>]*?(?:/>|>(.*?)</cellStyleXfs>)", text, re.S)
    style_xfs = [raw for name, raw in top_elements(style_xfs_m.group(1) or "")
                 if name == "xf"] if style_xfs_m else []
    names: dict[int, str] = {}
    for cs in re.finditer(r"<cellStyle\b([^>]*?)/?>", text):
        a = attrs(cs.group(1))
        if "xfId" in a and "name" in a:
            names.setdefault(int(a["xfId"]), a["name"])
    num_fmts = {int(a["numFmtId"]): a.get("formatCode", "")
                for a in (attrs(n.group(1)) for n in re.finditer(r"<numFmt\b([^>]*?)/?>", text))}

    def shape(xf: str) -> tuple[str, ...]:
        a = attrs(xf[:xf.index(">")])
        inner = re.sub(r"^<xf\b[^>]*?(/>|>)|</xf>$", "", xf)
        return (a.get("numFmtId", "0"), a.get("fontId", "0"), a.get("fillId", "0"),
                a.get("borderId", "0"), inner)

    style_of_xf: list[str | None] = []
    wrap, date = [], []
    for xf in xfs:
        a = attrs(xf[:xf.index(">")])
        name = names.get(int(a.get("xfId", "0")))
        style_of_xf.append(None if name in (None, "Normal") else name)
        wrap.append(bool(re.search(r'wrapText="(1|true)"', xf)))
        fmt = int(a.get("numFmtId", "0"))
        code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", num_fmts.get(fmt, ""))
        date.append(fmt in _DATE_IDS or bool(fmt >= 164 and re.search(_DATE_CODE, code)))
    named: dict[str, int] = {}
    extra: list[str] = []
    xf_ids = [int(attrs(xf[:xf.index(">")]).get("xfId", "0")) for xf in xfs]
    for xf_id, name in sorted(names.items()):
        if xf_id >= len(style_xfs):
            continue
        wanted = shape(style_xfs[xf_id])
        found = next((i for i, xf in enumerate(xfs)
                      if xf_ids[i] == xf_id and shape(xf) == wanted), None)
        if found is None:  # a named style no template cell uses yet: add its cell format
            source = style_xfs[xf_id]
            head_end = source.index(">")
            head = source[:head_end].rstrip("/").rstrip()
            head = re.sub(r'\s+xfId="[^"]*"', "", head) + f' xfId="{xf_id}"'
            rest = "/>" if source[head_end - 1] == "/" else source[head_end:]
            found = len(xfs) + len(extra)
            extra.append(head + rest)
            style_of_xf.append(None if name == "Normal" else name)
            wrap.append(bool(re.search(r'wrapText="(1|true)"', source)))
            fmt = int(attrs(source[:head_end]).get("numFmtId", "0"))
            code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", num_fmts.get(fmt, ""))
            date.append(fmt in _DATE_IDS or bool(fmt >= 164 and re.search(_DATE_CODE, code)))
        named[name] = found
    return Styles(text[:m.start()], xfs + extra, text[m.end():], named, style_of_xf, wrap,
                  date, num_fmts)


def _sheet(template: str, parts: dict[str, bytes], element: str, part: str,
           strings: list[str], styles: Styles) -> tuple[TemplateSheet, list[tuple[str, str]]]:
    text = _text(parts, part, template)
    name = attrs(element)["name"]
    start = re.search(r"<sheetData\b[^>]*?(/>|>)", text)
    if start is None:
        raise XlperfError(f"template {template}: sheet {name!r} has no cell data")
    if start.group(1) == "/>":
        body, after = "", start.end()
    else:
        end = text.index("</sheetData>", start.end())
        body, after = text[start.end():end], end + len("</sheetData>")
    close_at = text.rindex("</")
    head, tail, close = text[:start.start()], top_elements(text[after:close_at]), \
        text[close_at:]
    rows: dict[int, str] = {}
    cells: dict[tuple[int, int], TemplateCell] = {}
    plain = re.compile(r'([\w:]+)="([^"]*)"')
    for row in re.finditer(_ROW, body):
        a = row.group(1)
        row_attrs = dict(plain.findall(a))
        number = int(row_attrs.get("r", "0"))
        rest = " ".join(f'{k}="{v}"' for k, v in row_attrs.items() if k not in ("r", "spans"))
        if rest:
            rows[number] = rest
        for c in re.finditer(_CELL, row.group(2) or ""):
            ca = dict(plain.findall(c.group(1)))
            ref = re.fullmatch(_REF, ca.pop("r", ""))
            if ref is None:
                raise XlperfError(f"template {template}: sheet {name!r} has a cell without "
                                  "an address")
            r, col = int(ref[2]), column_index(ref[1])
            style = int(ca.pop("s", "0"))
            inner = c.group(2) or ""
            if ca.get("t") == "s":
                v = re.search(r"<v>(\d+)</v>", inner)
                cells[(r, col)] = TemplateCell(style, text=strings[int(v.group(1))] if v else "")
            else:
                other = " ".join(f'{k}="{v}"' for k, v in ca.items())
                cells[(r, col)] = TemplateCell(style, other, inner)
    rels = read_rels(parts, part)
    by_id = {r.id: r for r in rels}
    for element_name, raw in tail:
        if element_name == "hyperlinks":
            for h in re.finditer(r"<hyperlink\b([^>]*?)/?>", raw):
                for r, col in _cells_of(attrs(h.group(1)).get("ref", "")):
                    cells[(r, col)] = cells.get((r, col), _BLANK)._replace(
                        link=re.sub(r'\s+ref="[^"]*"', "", " " + h.group(1)).strip())
    for rel in rels:
        if rel.type == "comments":
            ctext = _text(parts, rel.target, template)
            authors = [unescape(a) for a in
                       re.findall(r"<author>(.*?)</author>", ctext, re.S)]
            for cm in re.finditer(r"<comment\b([^>]*)>(.*?)</comment>", ctext, re.S):
                ca = attrs(cm.group(1))
                words = unescape("".join(re.findall(r"<t\b[^>]*>(.*?)</t>",
                                                         cm.group(2), re.S)))
                author_id = int(ca.get("authorId", "0"))
                author = authors[author_id] if author_id < len(authors) else ""
                r, col = parse_a1(ca["ref"])
                cells[(r, col)] = cells.get((r, col), _BLANK)._replace(comment=(author, words))
    kept_tail = [(n, raw) for n, raw in tail
                 if n not in ("hyperlinks", "legacyDrawing", "tableParts", "dimension")]
    # external hyperlinks keep their relationship; tables, comments and their VML are rebuilt
    kept = [r for r in rels if r.type not in ("table", "comments", "vmlDrawing")]
    drawing = None
    for element_name, raw in tail:
        if element_name == "drawing":
            rid = attrs(raw).get("r:id")
            drawing = by_id.get(rid or "")
    widths: dict[int, float] = {}
    for col_match in re.finditer(r"<col\b([^>]*?)/?>", head):
        a = attrs(col_match.group(1))
        if "width" in a:
            for index in range(int(a.get("min", "1")), int(a.get("max", "1")) + 1):
                widths[index] = float(a["width"])
    tables = []
    for rel in rels:
        if rel.type == "table":
            start_tag = re.search(r"<table\b[^>]*>", _text(parts, rel.target, template))
            if start_tag is None:
                raise XlperfError(f"template {template}: {rel.target} is not a table")
            tables.append((rel.target, attrs(start_tag.group(0))))
    sheet = TemplateSheet(name, part, element, head, rows, cells, kept_tail, close, kept,
                          widths, drawing)
    return sheet, [(t["displayName"], t["ref"]) for _part, t in tables]


def _cells_of(ref: str) -> list[tuple[int, int]]:
    first, _, last = ref.partition(":")
    r1, c1 = parse_a1(first)
    r2, c2 = parse_a1(last or first)
    return [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


def merged_ranges(sheet: TemplateSheet) -> list[tuple[str, int, int, int, int]]:
    """The sheet's merged ranges: (A1 text, first row, first col, last row, last col)."""
    out = []
    for name, raw in sheet.tail:
        if name == "mergeCells":
            for m in re.finditer(r'<mergeCell\b[^>]*?ref="([^"]+)"', raw):
                first, _, last = m.group(1).partition(":")
                r1, c1 = parse_a1(first)
                r2, c2 = parse_a1(last or first)
                out.append((m.group(1), r1, c1, r2, c2))
    return out


def _refuse_merges(sheet: TemplateSheet, table: str, top: int, left: int, bottom: int,
                   right: int, file: str) -> None:
    """xlperf writes every cell of a table and its title: merged cells there are refused,
    named by their template cells."""
    for coord, r1, c1, r2, c2 in merged_ranges(sheet):
        if r1 <= bottom and r2 >= top and c1 <= right and c2 >= left:
            raise XlperfError(
                f"{file}: cells {sheet_prefix(sheet.name)}!{coord} are merged over "
                f"table {table} (or its title row), where xlperf writes every cell; unmerge "
                "them in the template (Home > Merge & Center)")


def destination(text: str) -> tuple[str, int, int] | None:
    """The sheet and top-left cell a defined name points at, when it is one area
    (the last one of a list), else None."""
    pieces = re.findall(r"(?:'(?:[^']|'')*'|[^,])+", text)
    found = None
    for piece in pieces:
        m = re.match(_DEST, piece.strip())
        if m:
            sheet = (m[1] or "").replace("''", "'") if m[1] else m[2]
            ref = re.match(_REF, m[3])
            if ref:
                found = (sheet, int(ref[2]), column_index(ref[1]))
    return found


def load_template(path: Path) -> Template:
    """Read and index a template workbook (see the module docstring), after the checks
    every workbook xlperf reads gets (a zip bomb, XML entities, not a package)."""
    check_package(Path(path))
    file = Path(path).name
    try:
        with zipfile.ZipFile(path) as archive:
            parts = {i.filename: archive.read(i) for i in archive.infolist()
                     if not i.is_dir()}
    except (OSError, zipfile.BadZipFile) as exc:
        raise XlperfError(f"template {file}: cannot be read ({exc})") from None
    types = _text(parts, "[Content_Types].xml", file)
    defaults = re.findall(r"<Default\b[^>]*?/?>", types)
    overrides = {}
    for o in re.finditer(r"<Override\b([^>]*?)/?>", types):
        a = attrs(o.group(1))
        overrides[a.get("PartName", "").lstrip("/")] = a.get("ContentType", "")
    root = {r.type: r for r in read_rels(parts, "")}
    if "officeDocument" not in root:
        raise XlperfError(f"template {file}: not a workbook package")
    workbook_part = root["officeDocument"].target
    workbook_xml = _text(parts, workbook_part, file)
    workbook_rels = read_rels(parts, workbook_part)
    by_id = {r.id: r for r in workbook_rels}
    styles_rel = next((r for r in workbook_rels if r.type == "styles"), None)
    if styles_rel is None:
        raise XlperfError(f"template {file}: has no styles part")
    styles = _styles(_text(parts, styles_rel.target, file))
    strings_rel = next((r for r in workbook_rels if r.type == "sharedStrings"), None)
    strings = _shared_strings(_text(parts, strings_rel.target, file)) if strings_rel else []

    sheets: list[TemplateSheet] = []
    anchors = Anchors(file, [])
    tables: dict[str, tuple[str, str]] = {}
    for element in re.findall(r"<sheet\b[^>]*?/?>", workbook_xml):
        a = attrs(element)
        rel = by_id.get(a.get("r:id", ""))
        if rel is None or rel.type != "worksheet":
            continue  # a chart sheet or dialog sheet: not something the pack writes on
        sheet, sheet_tables = _sheet(file, parts, element, rel.target, strings, styles)
        sheets.append(sheet)
        anchors.sheets.append(sheet.name)

        def style_at(row: int, col: int, sheet: TemplateSheet = sheet) -> str | None:
            cell = sheet.cells.get((row, col))
            return styles.style_of_xf[cell.style] if cell and cell.style < len(
                styles.style_of_xf) else None

        for name, ref in sheet_tables:
            first, _, last = ref.partition(":")
            row, col = parse_a1(first)
            last_row, last_col = parse_a1(last or first)
            anchors.tables[name] = TableAnchor(
                name, sheet.name, row, col, last_col - col + 1, last_row - row,
                tuple(style_at(row + 1, c) for c in range(col, last_col + 1)),
                style_at(row, col), style_at(row - 1, col) if row > 1 else None)
            tables[name] = (sheet.name, ref)
            _refuse_merges(sheet, name, max(row - 1, 1), col, last_row, last_col, file)
    names: list[DefinedNameXml] = []
    for m in re.finditer(r"<definedName\b([^>]*?)(?:/>|>(.*?)</definedName>)", workbook_xml,
                         re.S):
        a = attrs(m.group(1))
        local_id = a.get("localSheetId")
        defined = DefinedNameXml(a.get("name", ""), int(local_id) if local_id else None,
                                 m.group(1), unescape(m.group(2) or ""))
        names.append(defined)
        if defined.local_sheet is None and not defined.name.startswith("_xlnm."):
            where = destination(defined.text)
            if where and where[0] in anchors.sheets:
                anchors.names[defined.name] = NameAnchor(defined.name, where[0], where[1],
                                                         where[2])
    return Template(file, parts, defaults, overrides, workbook_part, workbook_xml,
                    workbook_rels, sheets, names, styles, styles_rel.target, anchors, tables)


_cache: dict[tuple[str, int, int], Template] = {}


def cached_template(path: Path) -> Template:
    """The template at ``path``, read once per process (again only if the file changed),
    and indexed once per install: the index is kept in xlperf's cache (see
    :func:`stored_template`)."""
    stat = Path(path).stat()
    key = (str(Path(path).resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _cache:
        _cache.clear()  # one template at a time: a batch uses one
        _cache[key] = stored_template(Path(path), key)
    return _cache[key]


#: Marks one of the template's classes in its plain form (XML text never holds a NUL).
_DATACLASS = "\0dataclass"


def _classes() -> dict[str, type]:
    """The classes a :class:`Template` is made of."""
    return {c.__name__: c for c in (Template, Rel, TemplateCell, TemplateSheet, Styles,
                                      DefinedNameXml, Anchors, TableAnchor, NameAnchor)}


def _plain(value: Any, classes: dict[str, type]) -> Any:
    """``value`` as marshal can hold it: each of the classes a tagged tuple of its fields."""
    kind = type(value)
    if kind.__name__ in classes and classes[kind.__name__] is kind:
        names = kind._fields  # every one of the classes is a named tuple
        return (_DATACLASS, kind.__name__,
                tuple(_plain(getattr(value, name), classes) for name in names))
    if kind is list:
        return [_plain(v, classes) for v in value]
    if kind is tuple:
        return tuple(_plain(v, classes) for v in value)
    if kind is dict:
        return {k: _plain(v, classes) for k, v in value.items()}
    return value


#: Values :func:`_plain` keeps as they are (most of a template: its cells' text and styles).
_ATOMIC = frozenset({str, int, float, bool, bytes, type(None)})


def _rebuilt(value: Any, classes: dict[str, type]) -> Any:
    """The inverse of :func:`_plain` (an atomic value is taken as it is without a call:
    reading the template from the cache was mostly calls for its cells' strings)."""
    atomic = _ATOMIC
    kind = type(value)
    if kind is tuple:
        if len(value) == 3 and value[0] == _DATACLASS:
            return classes[value[1]](*[v if type(v) in atomic else _rebuilt(v, classes)
                                        for v in value[2]])
        return tuple([v if type(v) in atomic else _rebuilt(v, classes) for v in value])
    if kind is list:
        return [v if type(v) in atomic else _rebuilt(v, classes) for v in value]
    if kind is dict:
        return {k: v if type(v) in atomic else _rebuilt(v, classes) for k, v in value.items()}
    return value


def stored_template(path: Path, identity: tuple[str, int, int]) -> Template:
    """:func:`load_template`, or the same Template from xlperf's cache (:mod:`xlperf.cache`):
    stored with ``marshal`` under a key holding the file's path, size and modification time,
    xlperf's version, the Python and the size and time of the modules that index a template,
    and stored only after checking that what comes back equals what was indexed."""
    import marshal  # noqa: PLC0415
    import sys  # noqa: PLC0415
    import zlib  # noqa: PLC0415

    from .. import __version__, cache  # noqa: PLC0415

    resolved, mtime_ns, size = identity
    sources = [__file__, *(sys.modules[f.__module__].__file__ or "" for f in (
        Anchors, check_package, parse_a1))]
    key = "\0".join(["xlperf-template 1", repr(__version__), repr(sys.version),
                     repr(resolved), str(size), str(mtime_ns), cache.stamp(sources)])
    name = f"template-{zlib.crc32(resolved.encode('utf-8', 'surrogateescape')):08x}.bin"
    classes = _classes()
    body = cache.read(name, key)
    if body is not None:
        try:
            stored = _rebuilt(marshal.loads(body), classes)
        except (EOFError, ValueError, TypeError, KeyError, IndexError):
            stored = None
        if isinstance(stored, Template):
            return stored
    template = load_template(path)
    try:
        data = marshal.dumps(_plain(template, classes))
    except ValueError:
        return template
    if _rebuilt(marshal.loads(data), classes) == template:
        cache.write(name, key, data)
    return template
