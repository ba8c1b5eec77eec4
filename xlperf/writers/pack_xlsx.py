"""Write a pack description into the template: the finished workbook as bytes.

The template is read and indexed once per process (:mod:`xlperf.writers.xlsx_template`):
its tables and defined names are the anchors the pack is placed on
(:func:`xlperf.pack.place.place`). Each pack then costs about the bytes it writes: every
sheet's cell data is emitted as a stream of sheet XML (named styles as cell-format indices
resolved once, text in a shared-string table, each formula with the value xlperf computed
for it as its cached value), with the pack's tables, defined names, links, comments and
charts; every other part of the template (styles, theme, widths, views, print setup,
headers and footers, merged cells, validations, conditional formats, drawings) is kept as
the template has it. Nothing forces a recalculation on load, so a pack opened in Protected
View or a previewer shows its figures and Excel does not ask to save an unchanged pack.
Everything is built in memory, so an error leaves nothing behind; the same pack and
template give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import operator
import re
import time
import zipfile
from pathlib import Path
from typing import Any

from ..a1 import column_letter, parse_a1
from ..gcpause import paused_collection
from ..pack.model import Chart, Pack, Ref
from ..pack.model import Series as ChartSeries
from ..pack.place import Anchors, NameAnchor, Placement, TableAnchor, place, sheet_prefix
from ..problems import XlperfError
from ..text_fit import DEFAULT_WIDTH, chars_per_line, row_height, wrapped_lines
from .xlsx_template import (
    REL_NS,
    REL_TYPE,
    Rel,
    Template,
    TemplateCell,
    TemplateSheet,
    attrs,
    cached_template,
    merged_ranges,
    read_rels,
    unescape,
)

#: Excel's limits, checked before anything is written.
MAX_CELL_CHARS = 32_767
MAX_ROWS = 1_048_576
MAX_COLS = 16_384
MAX_SHEET_NAME = 31
FORBIDDEN_SHEET_CHARS = set("[]:*?/\\")
_TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]{0,254}$")


def _style_name(cell: Any) -> str | None:
    name = cell.style
    return None if name in (None, "Normal") else name


def anchors_from_workbook(book: Any, file: str) -> Anchors:
    """Where the template's tables and defined names are, and how their cells are styled."""
    anchors = Anchors(file, list(book.sheetnames))
    for sheet in book.worksheets:
        for table in sheet.tables.values():
            first, _, last = table.ref.partition(":")
            row, col = parse_a1(first)
            last_row, last_col = parse_a1(last or first)
            styles = tuple(_style_name(sheet.cell(row + 1, c)) for c in range(col, last_col + 1))
            anchors.tables[table.displayName] = TableAnchor(
                table.displayName, sheet.title, row, col, last_col - col + 1, last_row - row,
                styles, _style_name(sheet.cell(row, col)),
                _style_name(sheet.cell(row - 1, col)) if row > 1 else None)
    for name, defined in book.defined_names.items():
        for sheet_name, coordinate in defined.destinations:
            if sheet_name in book.sheetnames:
                row, col = parse_a1(coordinate.split(":")[0])
                anchors.names[name] = NameAnchor(name, sheet_name, row, col)
    return anchors


def check_limits(pack: Pack) -> None:
    """Excel's limits on sheet names, table names and cell text, checked before writing."""
    problems: list[str] = []
    for sheet in pack.sheets:
        if len(sheet.name) > MAX_SHEET_NAME:
            problems.append(f"sheet name {sheet.name!r} is over {MAX_SHEET_NAME} characters")
        if FORBIDDEN_SHEET_CHARS & set(sheet.name):
            problems.append(f"sheet name {sheet.name!r} contains one of [ ] : * ? / \\")
        if not sheet.name.strip() or sheet.name[0] == "'" or sheet.name[-1] == "'" \
                or sheet.name.casefold() == "history":
            problems.append(f"sheet name {sheet.name!r} is blank, starts or ends with an "
                            "apostrophe, or is 'History', which Excel reserves")
        for named in sheet.named_cells:
            for text in (named.cell.value, named.cell.note):
                if isinstance(text, str) and len(text) > MAX_CELL_CHARS:
                    problems.append(f"{sheet.name}: {named.name} holds {len(text):,} "
                                    f"characters, over Excel's {MAX_CELL_CHARS:,}")
        for block in sheet.blocks:
            if not _TABLE_NAME.match(block.name):
                problems.append(f"{block.name!r} is not a valid Excel table name")
            if len(block.rows) + 2 > MAX_ROWS or len(block.header) > MAX_COLS:
                problems.append(f"table {block.name} has {len(block.rows):,} rows and "
                                f"{len(block.header):,} columns: more than an Excel sheet holds "
                                f"({MAX_ROWS:,} rows, {MAX_COLS:,} columns)")
            headers = [str(h) for h in block.header]
            if len(set(h.casefold() for h in headers)) != len(headers) or "" in headers:
                problems.append(f"table {block.name} needs unique, non-empty headings")
            for r, row in enumerate(block.rows):
                for c, cell in enumerate(row):
                    value, note = cell.value, cell.note
                    if not ((type(value) is str and len(value) > MAX_CELL_CHARS)
                            or (note and len(note) > MAX_CELL_CHARS)):
                        continue  # the commonest case, without working out the longest
                    longest = max(len(value) if type(value) is str else 0,
                                  len(note) if note else 0)
                    if longest > MAX_CELL_CHARS:
                        problems.append(
                            f"{sheet.name}: table {block.name} row {r + 1} column {c + 1} holds "
                            f"{longest:,} characters, over Excel's {MAX_CELL_CHARS:,}")
    if problems:
        raise XlperfError("pack: " + "; ".join(problems))


def fitted_heights(wrapped: dict[int, int]) -> dict[int, float]:
    """Each row's height for its tallest wrapped cell (row -> lines), capped at Excel's
    409 pt: Excel and LibreOffice do not re-fit the rows of a file they open, so without
    this wrapped text would be cut off."""
    return {row: row_height(lines) for row, lines in sorted(wrapped.items()) if lines > 1}


# -- the streaming writer ---------------------------------------------------------------------

#: openpyxl refuses these control characters in cell text; so does Excel.
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")
#: A template row's own height, replaced by the height its wrapped text needs.
_ROW_HEIGHT = re.compile(r'\s*\b(ht|customHeight)="[^"]*"')
_column_of = operator.itemgetter(1)  # of a (row, column) key
_ERRORS = frozenset({"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!"})
_EPOCH = dt.datetime(1899, 12, 30)
#: Excel's calculation engine id as Excel 2019 and Microsoft 365 write it: a file with an
#: older id is recalculated on opening and Excel asks to save it on every close.
CALC_ID = "191029"
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CT = "application/vnd.openxmlformats-officedocument."
_TABLE_CT = _CT + "spreadsheetml.table+xml"
_COMMENTS_CT = _CT + "spreadsheetml.comments+xml"
_DRAWING_CT = _CT + "drawing+xml"
_CHART_CT = _CT + "drawingml.chart+xml"
_SST_CT = _CT + "spreadsheetml.sharedStrings+xml"
_VML_CT = "application/vnd.openxmlformats-officedocument.vmlDrawing"
#: The order of a worksheet's elements after its cell data (ECMA-376, CT_Worksheet).
_ORDER = {name: i for i, name in enumerate((
    "sheetCalcPr", "sheetProtection", "protectedRanges", "scenarios", "autoFilter",
    "sortState", "dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr",
    "conditionalFormatting", "dataValidations", "hyperlinks", "printOptions", "pageMargins",
    "pageSetup", "headerFooter", "rowBreaks", "colBreaks", "customProperties", "cellWatches",
    "ignoredErrors", "smartTags", "drawing", "legacyDrawing", "legacyDrawingHF",
    "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts",
    "extLst"))}
#: A chart's size, as the openpyxl writer made it: 16 x 7.5 cm, in EMU.
CHART_WIDTH_EMU, CHART_HEIGHT_EMU = 5_760_000, 2_700_000
EMU_PER_CM = 360_000


def _where(sheet: str, row: int, col: int) -> str:
    return f"{sheet_prefix(sheet)}!{column_letter(col)}{row}"


_LETTERS = [""] + [column_letter(c) for c in range(1, 703)]


def _letter(col: int) -> str:
    return _LETTERS[col] if col < 703 else column_letter(col)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(text: str) -> str:
    return _esc(text).replace('"', "&quot;")


def _t(text: str) -> str:
    """A ``<t>`` element, keeping leading and trailing spaces and line breaks."""
    if text != text.strip() or "\n" in text or "\t" in text:
        return f'<t xml:space="preserve">{_esc(text)}</t>'
    return f"<t>{_esc(text)}</t>"


def _number(value: int | float) -> str:
    return repr(float(value)) if isinstance(value, float) else str(int(value))


def _serial(value: dt.date) -> int | float:
    """A date as Excel's serial day number (1900 date system)."""
    if isinstance(value, dt.datetime):
        delta = value.replace(tzinfo=None) - _EPOCH
        return delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6
    return (value - _EPOCH.date()).days


class _Book:
    """One pack being written: the kept sheets' cells, the shared strings, added formats."""

    def __init__(self, template: Template, placement: Placement) -> None:
        self.template = template
        self.placement = placement
        described = {s.name for s in placement.pack.sheets}
        self.sheets: list[TemplateSheet] = [s for s in template.sheets if s.name in described]
        self.kept = {s.name for s in self.sheets}
        self.grids: dict[str, dict[tuple[int, int], Any]] = {
            s.name: dict(s.cells) for s in self.sheets}
        self.links: dict[str, dict[tuple[int, int], str]] = {s.name: {} for s in self.sheets}
        self.notes: dict[str, dict[tuple[int, int], tuple[str, str]]] = {
            s.name: {} for s in self.sheets}
        self.heights: dict[str, dict[int, int]] = {}
        self.strings: dict[str, int] = {}
        self.string_list: list[str] = []
        self.styles = template.styles
        self.extra_xfs: list[str] = []
        self.derived: dict[int, int] = {}
        self.extra_fmt: str | None = None
        #: cells covered by a merge (not its top-left cell): nothing may be written there
        self.covered: dict[str, set[tuple[int, int]]] = {
            s.name: {(r, c) for _coord, r1, c1, r2, c2 in merged_ranges(s)
                     for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)
                     if (r, c) != (r1, c1)} for s in self.sheets}

    # -- cells -----------------------------------------------------------------------------
    def string(self, text: str) -> int:
        index = self.strings.get(text)
        if index is None:
            index = self.strings[text] = len(self.string_list)
            self.string_list.append(text)
        return index

    def _date_style(self, index: int) -> int:
        """Cell format ``index`` with a date number format (a date written into a cell whose
        style is not a date format, as openpyxl did)."""
        if index < len(self.styles.date) and self.styles.date[index]:
            return index
        if index not in self.derived:
            fmt_id = 1 + max([163, *self.styles.num_fmts])
            self.extra_fmt = f'<numFmt numFmtId="{fmt_id}" formatCode="yyyy-mm-dd"/>'
            base = self.styles.xfs[index] if index < len(self.styles.xfs) else \
                '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            base = re.sub(r'numFmtId="\d+"', f'numFmtId="{fmt_id}"', base, count=1)
            if "applyNumberFormat" not in base:
                base = base.replace("<xf ", '<xf applyNumberFormat="1" ', 1)
            self.derived[index] = len(self.styles.xfs) + len(self.extra_xfs)
            self.extra_xfs.append(base)
        return self.derived[index]

    def put(self, sheet: str, row: int, col: int, value: Any, formula: str | None,
            style: str | None, where: str | None = None) -> int:
        """Write one cell; returns its cell-format index. ``where`` names the cell in
        messages (default: its address)."""
        if row > MAX_ROWS or col > MAX_COLS:
            raise XlperfError(f"{where or _where(sheet, row, col)}: beyond Excel's last row "
                              "or column")
        key = (row, col)
        grid = self.grids[sheet]
        old = grid.get(key)
        if key in self.covered[sheet]:
            raise XlperfError(f"{where or _where(sheet, row, col)}: the template merges this "
                              "cell with others, where xlperf writes; unmerge it in the "
                              "template (Home > Merge & Center)")
        if style:
            index = self.styles.named.get(style)
            if index is None:
                raise XlperfError(f"{where or _where(sheet, row, col)}: the template has no "
                                  f"cell style {style!r}")
        elif old is None:
            index = 0
        else:
            index = old.style if type(old) is TemplateCell else old[0]
        if old is not None and type(old) is TemplateCell:
            if old.link is not None:
                self.links[sheet].setdefault(key, old.link)
            if old.comment is not None:
                self.notes[sheet].setdefault(key, old.comment)
        kind = type(value)
        if kind is str:
            if formula is None:  # the commonest cells first: text, blank, numbers
                # text, even when it starts with "=": text copied from the input is never
                # a formula
                if not value:
                    grid[key] = (index, "/>")
                    return index
                if _ILLEGAL.search(value):
                    raise XlperfError(f"{where or _where(sheet, row, col)}: the text holds "
                                      "control characters Excel cannot store")
                string = self.strings.get(value)
                if string is None:
                    string = self.strings[value] = len(self.string_list)
                    self.string_list.append(value)
                grid[key] = (index, f' t="s"><v>{string}</v></c>')
                return index
            if _ILLEGAL.search(value):
                raise XlperfError(f"{where or _where(sheet, row, col)}: the text holds control "
                                  "characters Excel cannot store")
        elif formula is None:
            if value is None:
                grid[key] = (index, "/>")
                return index
            if kind is int:
                grid[key] = (index, f"><v>{value}</v></c>")
                return index
            if kind is float:
                grid[key] = (index, f"><v>{value!r}</v></c>")
                return index
        if kind is not bool and kind is not str and isinstance(value, dt.date):
            if not style:
                index = self._date_style(index)
            value, kind = _serial(value), float
        if formula is not None:
            if _ILLEGAL.search(formula):
                raise XlperfError(f"{where or _where(sheet, row, col)}: the formula holds "
                                  "control characters Excel cannot store")
            text = _esc(formula[1:] if formula.startswith("=") else formula)
            if kind is float:  # most formulas
                rest = f"><f>{text}</f><v>{value!r}</v></c>"
            elif value is None:
                rest = f"><f>{text}</f></c>"
            elif kind is bool:
                rest = f' t="b"><f>{text}</f><v>{int(value)}</v></c>'
            elif kind is int or isinstance(value, (int, float)):
                rest = f"><f>{text}</f><v>{_number(value)}</v></c>"
            else:
                error = "e" if value in _ERRORS else "str"
                rest = f' t="{error}"><f>{text}</f><v>{_esc(str(value))}</v></c>'
        elif value is None:
            rest = "/>"
        elif kind is bool:
            rest = f' t="b"><v>{int(value)}</v></c>'
        elif kind is int or kind is float or isinstance(value, (int, float)):
            rest = "><v>" + _number(value) + "</v></c>"
        else:
            rest = ' t="s"><v>' + str(self.string(str(value))) + "</v></c>"
        grid[key] = (index, rest)
        return index

    def cell_text(self, sheet: str, row: int, col: int) -> str:
        """A cell's value as text (a table column's name)."""
        cell = self.grids[sheet].get((row, col))
        if cell is None:
            return "None"
        if isinstance(cell, TemplateCell):
            if cell.text is not None:
                return cell.text
            m = re.search(r"<t\b[^>]*>(.*?)</t>|<v>(.*?)</v>", cell.inner, re.S)
            return unescape(m.group(1) or m.group(2)) if m else "None"
        rest = cell[1]
        m = re.search(r"<v>(.*?)</v>", rest)
        if m is None:
            return "None"
        if ' t="s"' in rest:
            return self.string_list[int(m.group(1))]
        return unescape(m.group(1))

    def shift(self, sheet: str, after_row: int, by: int) -> None:
        grid = self.grids[sheet]
        moved = {(r + by if r > after_row else r, c): v for (r, c), v in grid.items()}
        self.grids[sheet] = moved
        # openpyxl moved the merged cells with the others; the merge itself stays
        self.covered[sheet] = {(r + by if r > after_row else r, c)
                               for r, c in self.covered[sheet]}

    def clear(self, sheet: str, first_row: int, first_col: int, last_row: int,
              last_col: int) -> None:
        grid = self.grids[sheet]
        for key in [k for k in grid if first_row <= k[0] <= last_row
                    and first_col <= k[1] <= last_col]:
            old = grid[key]
            if isinstance(old, TemplateCell) and (old.link or old.comment):
                grid[key] = TemplateCell(0, link=old.link, comment=old.comment)
            else:
                del grid[key]

    # -- sheet XML -------------------------------------------------------------------------
    def sheet_data(self, sheet: TemplateSheet) -> tuple[str, str]:
        """The sheet's <sheetData> and its dimension."""
        grid = self.grids[sheet.name]
        heights = self.heights.get(sheet.name, {})
        keys = sorted(grid)  # by row, then column
        numbers = sorted({r for r, _c in keys} | sheet.rows.keys() | heights.keys())
        out = ["<sheetData>"]
        letters = _LETTERS
        at, count = 0, len(keys)
        for r in numbers:
            row_attrs = sheet.rows.get(r, "")
            if r in heights:
                if row_attrs:
                    row_attrs = _ROW_HEIGHT.sub("", row_attrs).strip()
                row_attrs = (row_attrs + " " if row_attrs else "") + \
                    f'ht="{heights[r]}" customHeight="1"'
            head = f'<row r="{r}"' + (" " + row_attrs if row_attrs else "")
            if at == count or keys[at][0] != r:
                out.append(head + "/>")
                continue
            out.append(head + ">")
            row_text = str(r)
            while at < count and keys[at][0] == r:
                key = keys[at]
                at += 1
                c = key[1]
                v = grid[key]
                coordinate = (letters[c] if c < 703 else column_letter(c)) + row_text
                if type(v) is tuple:
                    out.append(f'<c r="{coordinate}" s="{v[0]}"{v[1]}' if v[0]
                               else f'<c r="{coordinate}"{v[1]}')
                    continue
                if v.text is not None:
                    body = f' t="s"><v>{self.string(v.text)}</v></c>'
                    extra = ""
                else:
                    extra = " " + v.attrs if v.attrs else ""
                    body = f">{v.inner}</c>" if v.inner else "/>"
                style = f' s="{v.style}"' if v.style else ""
                out.append(f'<c r="{coordinate}"{style}{extra}{body}')
            out.append("</row>")
        out.append("</sheetData>")
        if not keys:
            return "".join(out), "A1"
        min_c = min(map(_column_of, keys))
        max_c = max(map(_column_of, keys))
        dimension = f"{column_letter(min_c)}{keys[0][0]}:{column_letter(max_c)}{keys[-1][0]}"
        return "".join(out), dimension


def _header_footer(raw: str, fields: dict[str, str]) -> str:
    """Fill ``{marking}``, ``{quarter}``, ``{title}`` in a sheet's headers and footers."""
    def fill(m: re.Match[str]) -> str:
        text = unescape(m.group(2))
        try:
            text = text.format_map(fields)
        except (KeyError, ValueError, IndexError):
            return m.group(0)  # a brace the analyst typed: left as it is
        return f"{m.group(1)}{_esc(text)}{m.group(3)}"

    return re.sub(r"(<(?:\w+:)?(?:odd|even|first)(?:Header|Footer)\b[^>/]*>)(.*?)(</[^>]+>)",
                  fill, raw, flags=re.S)


def _rels_xml(rels: list[tuple[str, str, str, bool]]) -> bytes:
    """Relationships as (id, type, target, external)."""
    body = "".join(
        f'<Relationship Id="{_attr(i)}" Type="{_attr(t)}" Target="{_attr(target)}"'
        + (' TargetMode="External"' if ext else "") + "/>"
        for i, t, target, ext in rels)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
            'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + body + "</Relationships>").encode("utf-8")


def _rels_path(part: str) -> str:
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


def _title_xml(text: str) -> str:
    run = f"<a:t>{_esc(text)}</a:t>" if text else "<a:t/>"
    return ("<c:title><c:tx><c:rich><a:bodyPr/><a:p><a:pPr><a:defRPr/></a:pPr><a:r>"
            + run + "</a:r></a:p></c:rich></c:tx></c:title>")


def _series_look(s: ChartSeries) -> str:
    """A series' title, line and markers: the default look, or (SPC charts) a titled series
    in a colour, dashed or not, with round markers or markers only."""
    if s.colour is None:
        return (f"<c:tx><c:v>{_esc(s.title)}</c:v></c:tx>"
                '<c:spPr><a:ln><a:prstDash val="solid"/></a:ln></c:spPr>'
                '<c:marker><c:symbol val="none"/><c:spPr><a:ln><a:prstDash val="solid"/>'
                "</a:ln></c:spPr></c:marker>")
    fill = f'<a:solidFill><a:srgbClr val="{_attr(s.colour)}"/></a:solidFill>'
    dash = "dash" if s.dashed else "solid"
    line = (f'<a:ln w="19050">{fill}<a:prstDash val="{dash}"/></a:ln>' if s.line
            else "<a:ln><a:noFill/></a:ln>")
    marker = (f'<c:marker><c:symbol val="circle"/><c:size val="6"/><c:spPr>{fill}'
              f"<a:ln>{fill}</a:ln></c:spPr></c:marker>" if s.marker
              else '<c:marker><c:symbol val="none"/></c:marker>')
    return f"<c:tx><c:v>{_esc(s.title)}</c:v></c:tx><c:spPr>{line}</c:spPr>{marker}"


def _series_xml(chart: Chart, reference: Any, items: list[tuple[int, Any]],
                line: bool) -> str:
    out = []
    for i, s in items:
        look = _series_look(s) if line else f"<c:tx><c:v>{_esc(s.title)}</c:v></c:tx>"
        out.append(
            f'<c:ser><c:idx val="{i}"/><c:order val="{i}"/>' + look
            + f"<c:cat><c:numRef><c:f>{_esc(reference(chart.categories))}</c:f></c:numRef>"
            f"</c:cat><c:val><c:numRef><c:f>{_esc(reference(s.values))}</c:f></c:numRef>"
            "</c:val>" + ('<c:smooth val="0"/>' if line else "") + "</c:ser>")
    return "".join(out)


def _chart_xml(chart: Chart, reference: Any) -> bytes:
    """A line chart (one series per Series) or a column chart (series overlapping, so a
    second series marks chosen bars), categories shared, both axes shown, no legend for a
    single series; a column chart's series of kind "line" is drawn as a line over it."""
    indexed = list(enumerate(chart.series))
    if chart.kind == "bar":
        columns = [(i, s) for i, s in indexed if s.kind != "line"]
        lines = [(i, s) for i, s in indexed if s.kind == "line"]
        plot = ('<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/>'
                + _series_xml(chart, reference, columns, False)
                + '<c:gapWidth val="50"/><c:overlap val="100"/>'
                '<c:axId val="10"/><c:axId val="100"/></c:barChart>')
        if lines:
            plot += ('<c:lineChart><c:grouping val="standard"/>'
                     + _series_xml(chart, reference, lines, True)
                     + '<c:axId val="10"/><c:axId val="100"/></c:lineChart>')
    else:
        plot = ('<c:lineChart><c:grouping val="standard"/>'
                + _series_xml(chart, reference, indexed, True)
                + '<c:axId val="10"/><c:axId val="100"/></c:lineChart>')
    axis = ('<c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/>'
            '<c:axPos val="l"/>')
    legend = "" if len(chart.series) == 1 else '<c:legend><c:legendPos val="r"/></c:legend>'
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        "<c:chart>" + _title_xml(chart.title) + "<c:plotArea>" + plot
        + '<c:catAx><c:axId val="10"/>' + axis + _title_xml(chart.x_title)
        + '<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:crossAx val="100"/>'
        '<c:lblOffset val="100"/></c:catAx>'
        '<c:valAx><c:axId val="100"/>' + axis + "<c:majorGridlines/>"
        + _title_xml(chart.y_title)
        + '<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:crossAx val="10"/>'
        "</c:valAx></c:plotArea>" + legend
        + '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>')
    return xml.encode("utf-8")


def _anchor_xml(col: int, row: int, number: int, rel_id: str,
                size: tuple[int, int] = (CHART_WIDTH_EMU, CHART_HEIGHT_EMU)) -> str:
    return (f"<xdr:oneCellAnchor><xdr:from><xdr:col>{col - 1}</xdr:col><xdr:colOff>0"
            f"</xdr:colOff><xdr:row>{row - 1}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
            f'<xdr:ext cx="{size[0]}" cy="{size[1]}"/><xdr:graphicFrame '
            f'macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="{number}" name="Chart {number}"/>'
            "<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm><a:off x=\"0\" y=\"0\"/>"
            '<a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic><a:graphicData '
            'uri="http://schemas.openxmlformats.org/drawingml/2006/chart"><c:chart '
            'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
            f'r:id="{rel_id}"/></a:graphicData></a:graphic></xdr:graphicFrame>'
            "<xdr:clientData/></xdr:oneCellAnchor>")


_DRAWING_OPEN = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<xdr:wsDr '
    'xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    f'xmlns:r="{REL_NS}">')


def _comments_xml(notes: list[tuple[tuple[int, int], tuple[str, str]]]) -> bytes:
    authors: list[str] = []
    body = []
    for (row, col), (author, text) in notes:
        if author not in authors:
            authors.append(author)
        body.append(f'<comment ref="{column_letter(col)}{row}" authorId="'
                    f'{authors.index(author)}" shapeId="0"><text>{_t(text)}</text></comment>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<comments '
            f'xmlns="{_MAIN_NS}"><authors>'
            + "".join(f"<author>{_esc(a)}</author>" for a in authors)
            + "</authors><commentList>" + "".join(body) + "</commentList></comments>"
            ).encode("utf-8")


def _vml_xml(notes: list[tuple[tuple[int, int], tuple[str, str]]], number: int) -> bytes:
    shapes = []
    for i, ((row, col), _note) in enumerate(notes):
        shapes.append(
            f'<v:shape id="_x0000_s{number * 1024 + 1 + i}" type="#_x0000_t202" '
            'style="position:absolute;margin-left:59.25pt;margin-top:1.5pt;width:300px;'
            'height:120px;z-index:1;visibility:hidden" fillcolor="#ffffe1" '
            'o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow color="black" '
            'obscured="t"/><v:path o:connecttype="none"/><v:textbox '
            'style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>'
            '<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
            f"<x:AutoFill>False</x:AutoFill><x:Row>{row - 1}</x:Row><x:Column>{col - 1}"
            "</x:Column></x:ClientData></v:shape>")
    return ('<xml xmlns:v="urn:schemas-microsoft-com:vml" '
            'xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:x="urn:schemas-microsoft-com:office:excel">'
            f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{number}"/>'
            '</o:shapelayout><v:shapetype id="_x0000_t202" coordsize="21600,21600" '
            'o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/>'
            '<v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
            + "".join(shapes) + "</xml>").encode("utf-8")


def _table_xml(number: int, name: str, ref: str, first_col: int, names: list[str]) -> bytes:
    columns = "".join(f'<tableColumn id="{first_col + i}" name="{_attr(n)}"/>'
                      for i, n in enumerate(names))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<table '
            f'xmlns="{_MAIN_NS}" id="{number}" name="{_attr(name)}" '
            f'displayName="{_attr(name)}" ref="{ref}" headerRowCount="1">'
            f'<autoFilter ref="{ref}"/><tableColumns count="{len(names)}">{columns}'
            '</tableColumns><tableStyleInfo name="TableStyleLight1" showFirstColumn="0" '
            'showLastColumn="0" showRowStripes="0" showColumnStripes="0"/></table>'
            ).encode()


def _next_free(parts: set[str], pattern: str) -> Any:
    """Part names ``pattern.format(n)`` not already taken, n = 1, 2, ..."""
    n = 0
    while True:
        n += 1
        if pattern.format(n) not in parts:
            parts.add(pattern.format(n))
            yield n, pattern.format(n)


def render_pack(pack: Pack, template: Path, phases: dict[str, float] | None = None) -> bytes:
    """The finished pack workbook as bytes (deterministic: same pack, same bytes).

    ``phases``, when given, receives the seconds spent in each step (benchmarks/run.py
    --profile). The garbage collector is paused meanwhile (:mod:`xlperf.gcpause`)."""
    with paused_collection():
        return _render(pack, template, phases)


def _render(pack: Pack, template: Path, phases: dict[str, float] | None) -> bytes:
    clock = time.perf_counter
    started = clock()
    check_limits(pack)
    tpl = cached_template(Path(template))
    loaded = clock()
    placement = place(pack, tpl.anchors)
    book = _Book(tpl, placement)

    for shift in placement.shifts:
        if shift.sheet in book.kept:
            book.shift(shift.sheet, shift.after_row, shift.by)
    for name, first_row, first_col, last_row, last_col in placement.spare:
        if name in book.kept:
            book.clear(name, first_row, first_col, last_row, last_col)
    for anchor in placement.unused_tables:
        if anchor.sheet in book.kept:  # a sheet not described is dropped
            book.clear(anchor.sheet, anchor.top, anchor.col, anchor.bottom,
                       anchor.col + anchor.width - 1)

    wrap = tpl.styles.wrap
    widths = {s.name: s.widths for s in book.sheets}
    #: a merged cell (a note across the sheet) wraps within the merged width
    merged_width = {(s.name, r1, c1): sum(s.widths.get(c) or DEFAULT_WIDTH
                                          for c in range(c1, c2 + 1))
                    for s in book.sheets for _coord, r1, c1, r2, c2 in merged_ranges(s)
                    if r1 == r2}
    n_wrap = len(wrap)
    per_line: dict[float, int] = {}  # column width -> characters a line holds
    for sheet, row, col, cell, style, formula, _kind in placement.cell_tuples():
        value = cell.value
        index = book.put(sheet, row, col, value, formula, style)
        if cell.link:
            # an internal link: a location in this workbook, not an external target
            book.links[sheet][(row, col)] = \
                f'location="{_attr(sheet_prefix(cell.link) + "!A1")}"'
        if cell.note:
            if _ILLEGAL.search(cell.note):
                raise XlperfError(f"{_where(sheet, row, col)}: the note holds "
                                  "control characters Excel cannot store")
            book.notes[sheet][(row, col)] = ("xlperf", cell.note)
        if formula is None and index < n_wrap and wrap[index] and isinstance(value, str):
            width = merged_width.get((sheet, row, col)) or widths[sheet].get(col) \
                or DEFAULT_WIDTH
            fits = per_line.get(width)
            if fits is None:
                fits = per_line[width] = chars_per_line(width)
            if "\n" in value or len(value) > fits:  # else it takes one line
                lines = wrapped_lines(value, width)
                rows = book.heights.setdefault(sheet, {})
                if lines > rows.get(row, 1):
                    rows[row] = lines
    for name, rows in book.heights.items():
        book.heights[name] = fitted_heights(rows)  # type: ignore[assignment]
    written = clock()
    data = _package(book, pack, phases)
    if phases is not None:
        phases["template (read once per process)"] = loaded - started
        phases["place and write cells"] = written - loaded
        phases["package parts"] = clock() - written - phases.get("zip (deflate)", 0.0)
    return data


def _package(book: _Book, pack: Pack, phases: dict[str, float] | None = None) -> bytes:
    tpl, placement = book.template, book.placement
    taken = set(tpl.parts)
    out: dict[str, bytes] = {}
    types: dict[str, str] = {}
    tables = _next_free(taken - {p for p, t in tpl.overrides.items() if t == _TABLE_CT},
                        "xl/tables/table{}.xml")
    comments = _next_free(taken, "xl/comments/comment{}.xml")
    vmls = _next_free(taken, "xl/drawings/commentsDrawing{}.vml")
    drawings = _next_free(taken, "xl/drawings/drawing{}.xml")
    charts = _next_free(taken, "xl/charts/chart{}.xml")
    blocks_by_sheet: dict[str, list[Any]] = {}
    for placed in placement.blocks.values():
        blocks_by_sheet.setdefault(placed.sheet, []).append(placed)
    charts_by_sheet = {s.name: s.charts for s in pack.sheets}
    fields = pack.header_fields
    needs_vml = False
    table_number = 0

    for sheet in book.sheets:
        sheet_data, dimension = book.sheet_data(sheet)
        rels = [(r.id, attrs(r.raw)["Type"], _target(r, sheet.part), r.external)
                for r in sheet.rels]
        used_ids = {r[0] for r in rels}

        def new_id(used: set[str] = used_ids) -> str:
            n = len(used) + 1
            while f"rId{n}" in used:
                n += 1
            used.add(f"rId{n}")
            return f"rId{n}"

        tail = [(n, raw) for n, raw in sheet.tail]
        breaks = sorted({p.title_row - 1 for p in placement.blocks.values()
                         if p.sheet == sheet.name and p.block.new_page and p.title_row > 1})
        if breaks:
            kept = [int(b) for n, raw in tail if n == "rowBreaks"
                    for b in re.findall(r'<brk\b[^>]*\bid="(\d+)"', raw)]
            rows_ = sorted({*kept, *breaks})
            tail = [(n, raw) for n, raw in tail if n != "rowBreaks"]
            tail.append(("rowBreaks", f'<rowBreaks count="{len(rows_)}" '
                         f'manualBreakCount="{len(rows_)}">' + "".join(
                             f'<brk id="{r}" max="16383" man="1"/>' for r in rows_)
                         + "</rowBreaks>"))
        tail = [(n, _header_footer(raw, fields) if n == "headerFooter" else raw)
                for n, raw in tail]
        links = book.links[sheet.name]
        # the template's own links and comments where xlperf wrote nothing over them
        marked = [(key, v) for key, v in book.grids[sheet.name].items()
                  if type(v) is not tuple and (v.link or v.comment)]
        for key, v in marked:
            if v.link and key not in links:
                links[key] = v.link
        if links:
            tail.append(("hyperlinks", "<hyperlinks>" + "".join(
                f'<hyperlink ref="{column_letter(c)}{r}" {a}/>'
                for (r, c), a in sorted(links.items())) + "</hyperlinks>"))
        chart_list = charts_by_sheet.get(sheet.name) or []
        if chart_list:
            anchors_xml: list[str] = []
            drawing_rels: list[tuple[str, str, str, bool]] = []
            for chart in chart_list:
                number, part = next(charts)
                name_anchor = placement.names[chart.anchor]
                out[part] = _chart_xml(chart, lambda ref: _reference(placement, ref))
                types[part] = _CHART_CT
                rel_id = f"rId{len(drawing_rels) + 1}"
                drawing_rels.append((rel_id, REL_TYPE + "chart", "/" + part, False))
                anchors_xml.append(_anchor_xml(
                    name_anchor.col, name_anchor.row, len(anchors_xml) + 1, rel_id,
                    (round(chart.width * EMU_PER_CM), round(chart.height * EMU_PER_CM))))
            if sheet.drawing is not None and not sheet.drawing.external:
                # the template's own drawing (a logo, a chart) gets the pack's charts too
                part = sheet.drawing.target
                existing = tpl.parts[part].decode("utf-8")
                old_rels = [(r.id, attrs(r.raw)["Type"], _target(r, part), r.external)
                            for r in _drawing_rels(tpl, part)]
                ids = {r[0] for r in old_rels}
                renamed = []
                for (rid, t, target, ext), xml_anchor in zip(drawing_rels, anchors_xml,
                                                             strict=True):
                    n = len(ids) + 1
                    while f"rId{n}" in ids:
                        n += 1
                    ids.add(f"rId{n}")
                    renamed.append((f"rId{n}", t, target, ext))
                    xml_anchor = xml_anchor.replace(f'r:id="{rid}"', f'r:id="rId{n}"')
                    close = existing.rindex("</")
                    existing = existing[:close] + xml_anchor + existing[close:]
                out[part] = existing.encode("utf-8")
                out[_rels_path(part)] = _rels_xml(old_rels + renamed)
            else:
                _n, part = next(drawings)
                out[part] = (_DRAWING_OPEN + "".join(anchors_xml) + "</xdr:wsDr>").encode()
                out[_rels_path(part)] = _rels_xml(drawing_rels)
                types[part] = _DRAWING_CT
                rid = new_id()
                rels.append((rid, REL_TYPE + "drawing", "/" + part, False))
                tail.append(("drawing", f'<drawing xmlns:r="{REL_NS}" r:id="{rid}"/>'))
        notes = dict(book.notes[sheet.name])
        for key, v in marked:
            if v.comment and key not in notes:
                notes[key] = v.comment
        if notes:
            ordered = sorted(notes.items())
            number, part = next(comments)
            out[part] = _comments_xml(ordered)
            types[part] = _COMMENTS_CT
            _vn, vml = next(vmls)
            out[vml] = _vml_xml(ordered, number)
            needs_vml = True
            rels.append((new_id(), REL_TYPE + "comments", "/" + part, False))
            vml_id = new_id()
            rels.append((vml_id, REL_TYPE + "vmlDrawing", "/" + vml, False))
            tail.append(("legacyDrawing", f'<legacyDrawing xmlns:r="{REL_NS}" r:id="{vml_id}"/>'))
        placed_here = blocks_by_sheet.get(sheet.name, [])
        if placed_here:
            parts_xml = []
            for placed in placed_here:
                table_number += 1
                _n, part = next(tables)
                first = placed.header_row
                names = [book.cell_text(sheet.name, first, c)
                         for c in range(placed.col, placed.last_col + 1)]
                out[part] = _table_xml(table_number, placed.block.name, placed.ref,
                                       placed.col, names)
                types[part] = _TABLE_CT
                rid = new_id()
                rels.append((rid, REL_TYPE + "table", "/" + part, False))
                parts_xml.append(f'<tablePart r:id="{rid}"/>')
            tail.append(("tableParts", f'<tableParts xmlns:r="{REL_NS}" '
                                       f'count="{len(parts_xml)}">' + "".join(parts_xml)
                         + "</tableParts>"))
        tail.sort(key=lambda item: _ORDER.get(item[0], len(_ORDER)))
        head = re.sub(r"<dimension\b[^>]*/>", f'<dimension ref="{dimension}"/>', sheet.head,
                      count=1)
        if "<dimension" not in head:
            head = re.sub(r"(<sheetViews\b|<sheetFormatPr\b|<cols\b|$)",
                          f'<dimension ref="{dimension}"/>' + r"\1", head, count=1)
        out[sheet.part] = (head + sheet_data + "".join(raw for _n, raw in tail)
                           + sheet.close).encode("utf-8")
        out[_rels_path(sheet.part)] = _rels_xml(rels) if rels else b""
        if not rels:
            del out[_rels_path(sheet.part)]

    # shared strings, after every sheet has added its text
    sst_rel = next((r for r in tpl.workbook_rels if r.type == "sharedStrings"), None)
    sst_part = sst_rel.target if sst_rel else "xl/sharedStrings.xml"
    out[sst_part] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst '
                     f'xmlns="{_MAIN_NS}" count="{len(book.strings)}" '
                     f'uniqueCount="{len(book.strings)}">'
                     + "".join(f"<si>{_t(text)}</si>" for text in book.strings)
                     + "</sst>").encode("utf-8")
    types[sst_part] = _SST_CT
    # styles: the template's, with any cell format a date needed
    styles = tpl.styles.xml(book.extra_xfs)
    if book.extra_fmt:
        text = styles.decode("utf-8")
        if "<numFmts" in text:
            text = re.sub(r"<numFmts\b[^>]*>", lambda m: m.group(0), text, count=1)
            text = text.replace("</numFmts>", book.extra_fmt + "</numFmts>", 1)
            text = re.sub(r'(<numFmts\b[^>]*count=")(\d+)"',
                          lambda m: f'{m.group(1)}{int(m.group(2)) + 1}"', text, count=1)
        else:
            text = re.sub(r"(<styleSheet\b[^>]*>)", r"\1<numFmts count=\"1\">"
                          + book.extra_fmt.replace("\\", "\\\\") + "</numFmts>", text,
                          count=1)
        styles = text.encode("utf-8")
    out[tpl.styles_part] = styles

    # workbook: kept sheets, names, no forced recalculation
    out[tpl.workbook_part] = _workbook_xml(book, placement).encode("utf-8")
    kept_ids = {attrs(s.element).get("r:id") for s in book.sheets}
    wb_rels = [(r.id, attrs(r.raw)["Type"], _target(r, tpl.workbook_part), r.external)
               for r in tpl.workbook_rels
               if r.type not in ("calcChain", "sharedStrings")
               and (r.type != "worksheet" or r.id in kept_ids)]
    ids = {r[0] for r in wb_rels}
    sst_id = sst_rel.id if sst_rel else "rIdSharedStrings"
    while sst_id in ids:
        sst_id += "x"
    wb_rels.append((sst_id, REL_TYPE + "sharedStrings", "/" + sst_part, False))
    out[_rels_path(tpl.workbook_part)] = _rels_xml(wb_rels)
    out["docProps/core.xml"] = _CORE
    out["docProps/app.xml"] = _APP

    # every other part the kept ones still refer to, as the template has it
    out["_rels/.rels"] = tpl.parts["_rels/.rels"]
    for part in sorted(_reachable(tpl, out)):
        out[part] = tpl.parts[part]
    overrides = {p: t for p, t in tpl.overrides.items() if p in out}
    overrides.update(types)
    overrides.setdefault("docProps/core.xml",
                         "application/vnd.openxmlformats-package.core-properties+xml")
    overrides.setdefault("docProps/app.xml", _CT + "extended-properties+xml")
    defaults = list(tpl.defaults)
    if needs_vml and not any('Extension="vml"' in d for d in defaults):
        defaults.append(f'<Default Extension="vml" ContentType="{_VML_CT}"/>')
    content_types = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types '
                     'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                     + "".join(defaults)
                     + "".join(f'<Override PartName="/{p}" ContentType="{_attr(t)}"/>'
                               for p, t in overrides.items())
                     + "</Types>").encode("utf-8")
    zipping = time.perf_counter()
    data = _zip([("[Content_Types].xml", content_types), *out.items()])
    if phases is not None:
        phases["zip (deflate)"] = time.perf_counter() - zipping
    return data


def _target(rel: Rel, source: str) -> str:
    """A relationship's target as written: absolute for package parts."""
    return rel.target if rel.external else "/" + rel.target


def _drawing_rels(tpl: Template, part: str) -> list[Any]:
    return read_rels(tpl.parts, part)


def _reference(placement: Placement, ref: Ref) -> str:
    placed = placement.blocks[ref.block]
    row, col = placed.position(ref.row, ref.col)
    row2, col2 = placed.position(ref.row if ref.row2 is None else ref.row2,
                                 ref.col if ref.col2 is None else ref.col2)
    return (f"{sheet_prefix(placed.sheet)}!${column_letter(col)}${row}:"
            f"${column_letter(col2)}${row2}")


def _workbook_xml(book: _Book, placement: Placement) -> str:
    tpl = book.template
    text = tpl.workbook_xml
    order = [s.name for s in tpl.sheets]
    new_index = {i: book.sheets.index(s) for i, s in enumerate(tpl.sheets) if s in book.sheets}
    sheets_xml = "<sheets>" + "".join(s.element for s in book.sheets) + "</sheets>"
    text = re.sub(r"<sheets\b[^>]*>.*?</sheets>", lambda _m: sheets_xml, text, count=1,
                  flags=re.S)
    names = []
    for defined in tpl.names:
        a = defined.attrs
        body = _esc(defined.text)
        if defined.local_sheet is not None:
            if defined.local_sheet not in new_index:
                continue
            a = re.sub(r'localSheetId="\d+"', f'localSheetId="{new_index[defined.local_sheet]}"',
                       a)
        elif defined.name in placement.names and defined.name in tpl.anchors.names:
            anchor = placement.names[defined.name]
            if anchor.sheet not in book.kept:  # no name may point at a deleted sheet
                continue
            body = _esc(f"{sheet_prefix(anchor.sheet)}!${column_letter(anchor.col)}"
                        f"${anchor.row}")
        names.append(f"<definedName {a.strip()}>{body}</definedName>")
    names_xml = "<definedNames>" + "".join(names) + "</definedNames>" if names else ""
    if re.search(r"<definedNames\b", text):
        text = re.sub(r"<definedNames\b[^>]*?(?:/>|>.*?</definedNames>)",
                      lambda _m: names_xml, text, count=1, flags=re.S)
    elif names_xml:
        text = text.replace("</sheets>", "</sheets>" + names_xml, 1)
    calc = re.search(r"<calcPr\b([^>]*?)/?>", text)
    kept_attrs = "" if calc is None else re.sub(
        r'\s*\b(fullCalcOnLoad|calcId|forceFullCalc)="[^"]*"', "", calc.group(1)).strip()
    calc_xml = f'<calcPr calcId="{CALC_ID}"' + (" " + kept_attrs if kept_attrs else "") + "/>"
    if calc is not None:
        text = text[:calc.start()] + calc_xml + text[calc.end():]
    else:
        m = re.search(r"<(oleSize|customWorkbookViews|pivotCaches|smartTagPr|smartTagTypes|"
                      r"webPublishing|fileRecoveryPr|webPublishObjects|extLst)\b|</workbook>",
                      text)
        at = m.start() if m else len(text)
        text = text[:at] + calc_xml + text[at:]
    count = len(book.sheets)
    text = re.sub(r'\b(activeTab|firstSheet)="(\d+)"',
                  lambda m: f'{m.group(1)}="{m.group(2) if int(m.group(2)) < count else 0}"',
                  text)
    del order
    return text


def _reachable(tpl: Template, out: dict[str, bytes]) -> set[str]:
    """Every template part (and its relationships part) that the written parts still refer
    to, followed through relationships (a kept drawing's image, custom properties)."""
    todo: list[str] = []
    for name in out:
        if name.endswith(".rels"):
            folder, _, file = name.rpartition("/_rels/") if "/_rels/" in name else \
                ("", "", name.removeprefix("_rels/"))
            source = f"{folder}/{file[:-5]}" if folder else file[:-5]
            todo += [r.target for r in read_rels(out, source) if not r.external]
    need: set[str] = set()
    while todo:
        part = todo.pop()
        if part in need or part in out or part not in tpl.parts:
            continue
        need.add(part)
        if _rels_path(part) in tpl.parts:
            need.add(_rels_path(part))
            todo += [r.target for r in read_rels(tpl.parts, part) if not r.external]
    return need


_CORE = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties '
         b'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
         b'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
         b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>xlperf</dc:creator>'
         b"<cp:lastModifiedBy>xlperf</cp:lastModifiedBy>"
         b'<dcterms:created xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:created>'
         b'<dcterms:modified xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:modified>'
         b"</cp:coreProperties>")
_APP = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties '
        b'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        b"<Application>Microsoft Excel Compatible / xlperf</Application></Properties>"
        )
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def _zip(parts: list[tuple[str, bytes]]) -> bytes:
    """The package: fixed timestamps, parts in a fixed order, so same parts, same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            archive.writestr(info, data, compresslevel=6)
    return buffer.getvalue()
