"""The pack template's layout as data: ``layouts/*.yaml`` and ``styles.yaml``.

The template workbook ``xlperf/assets/pack-template.xlsx`` is generated from these files
(``xlperf template``), and an analyst may then restyle it in Excel.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, NamedTuple

from .. import packaged
from ..a1 import parse_a1
from ..yamlio import load_yaml
from .place import Anchors, NameAnchor, TableAnchor


class TableLayout(NamedTuple):
    """A table of the layout: where it is, its header and its column styles."""

    name: str
    at: str
    header: tuple[str, ...]
    styles: tuple[str | None, ...]
    rows: int = 1
    #: input text printed, wrapped, in a column: header -> ("tblTable", "Column") pairs,
    #: so that validation can say which input cell would need a row taller than Excel allows
    shows: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()
    #: as ``shows``, for text printed a paragraph (separated by a blank line) per row
    paragraphs: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()


class TextLayout(NamedTuple):
    """A fixed text of the template's layout, and where it is."""

    at: str
    text: str
    style: str | None = None


class NameLayout(NamedTuple):
    """A defined name of the template's layout, and its cell."""

    name: str
    at: str
    style: str | None = None


class SheetLayout:
    """A sheet of the layout: widths, texts, names, tables and print setup."""

    __slots__ = ("charts", "name", "names", "page", "print_area", "print_titles", "row_breaks",
                 "tab_color", "tables", "text", "widths")

    name: str
    widths: dict[str, float]
    text: list[TextLayout]
    names: list[NameLayout]
    tables: list[TableLayout]
    charts: list[NameLayout]
    tab_color: str | None
    #: the table whose title and header rows repeat at the top of every printed page
    print_titles: str | None
    #: this sheet's print setup where it differs from page.yaml (paper, fit_to_width...)
    page: dict[str, Any]
    #: rows after which a printed page always ends (tables above them must not grow)
    row_breaks: tuple[int, ...]
    #: what prints, where not the whole sheet (``A1:F180``; tables above its last row must
    #: not grow): notes wrap within its columns
    print_area: str | None

    def __init__(self, name: str, widths: dict[str, float] | None = None,
                 text: list[TextLayout] | None = None, names: list[NameLayout] | None = None,
                 tables: list[TableLayout] | None = None,
                 charts: list[NameLayout] | None = None, tab_color: str | None = None,
                 print_titles: str | None = None, page: dict[str, Any] | None = None,
                 row_breaks: tuple[int, ...] = (), print_area: str | None = None) -> None:
        self.name = name
        self.widths = {} if widths is None else widths
        self.text = [] if text is None else text
        self.names = [] if names is None else names
        self.tables = [] if tables is None else tables
        self.charts = [] if charts is None else charts
        self.tab_color = tab_color
        self.print_titles = print_titles
        self.page = {} if page is None else page
        self.row_breaks = row_breaks
        self.print_area = print_area


class Layout:
    """The template's layout (xlperf/pack/layouts): page, styles and sheets.

    :class:`Layout` and :class:`SheetLayout` are plain classes with ``__slots__``, the
    other three named tuples, not dataclasses: a dataclass generates its methods with
    ``exec`` when its module is imported (about a millisecond a class).
    """

    __slots__ = ("base_font", "page", "sheets", "styles")

    page: dict[str, Any]
    styles: dict[str, dict[str, Any]]
    base_font: dict[str, Any]
    sheets: list[SheetLayout]

    def __init__(self, page: dict[str, Any], styles: dict[str, dict[str, Any]],
                 base_font: dict[str, Any], sheets: list[SheetLayout]) -> None:
        self.page = page
        self.styles = styles
        self.base_font = base_font
        self.sheets = sheets

    def sheet(self, name: str) -> SheetLayout:
        for sheet in self.sheets:
            if sheet.name == name:
                return sheet
        raise KeyError(name)


def _read(name: str) -> Any:
    return load_yaml(packaged.text("pack", name))


def _shows(data: dict[str, list[str]]) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """``{Header: [tblTable.Column, ...]}`` as pairs."""
    return tuple((header, tuple(_column(ref) for ref in refs)) for header, refs in data.items())


def _column(ref: str) -> tuple[str, str]:
    table, _, column = ref.partition(".")
    return table, column


def _sheet(data: dict[str, Any]) -> SheetLayout:
    return SheetLayout(
        name=data["name"],
        widths={k: float(v) for k, v in (data.get("widths") or {}).items()},
        text=[TextLayout(t["at"], t["text"], t.get("style")) for t in data.get("text") or []],
        names=[NameLayout(n, v["at"], v.get("style"))
               for n, v in (data.get("names") or {}).items()],
        tables=[TableLayout(t["name"], t["at"], tuple(t["header"]),
                            tuple(t.get("styles") or ()), int(t.get("rows", 1)),
                            _shows(t.get("shows") or {}),
                            _shows(t.get("paragraphs") or {}))
                for t in data.get("tables") or []],
        charts=[NameLayout(n, at) for n, at in (data.get("charts") or {}).items()],
        tab_color=data.get("tab_color"),
        print_titles=data.get("print_titles"),
        page=dict(data.get("page") or {}),
        row_breaks=tuple(int(r) for r in data.get("row_breaks") or ()),
        print_area=data.get("print_area"),
    )


@lru_cache(maxsize=1)
def load_layout() -> Layout:
    """Every layout file, sheets in the order of each file's ``order``."""
    folder = packaged.path("pack", "layouts")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".yaml")),
                   key=lambda f: f.name)
    docs = [load_yaml(f.read_text("utf-8")) for f in files]
    docs.sort(key=lambda d: d.get("order", 50))
    styles = _read("styles.yaml")
    page = _read("page.yaml")
    sheets = [_sheet(s) for d in docs for s in d.get("sheets") or []]
    return Layout(page, styles["styles"], styles.get("fonts", {}).get("base", {}), sheets)


def anchors_from_layout(layout: Layout | None = None) -> Anchors:
    """The anchors of the template as generated, before any analyst restyling."""
    layout = layout or load_layout()
    anchors = Anchors("layout", [s.name for s in layout.sheets])
    for sheet in layout.sheets:
        for table in sheet.tables:
            row, col = parse_a1(table.at)
            anchors.tables[table.name] = TableAnchor(
                table.name, sheet.name, row, col, len(table.header), table.rows,
                table.styles, "Header", "Heading")
        for named in [*sheet.names, *sheet.charts]:
            row, col = parse_a1(named.at)
            anchors.names[named.name] = NameAnchor(named.name, sheet.name, row, col)
    return anchors
