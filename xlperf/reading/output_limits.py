"""Excel's limits on what xlperf writes, checked while the input is validated, at the input
cell that would break them (not at a pack cell the analyst never typed):

- a narrative with its ``{placeholders}`` filled in must fit a cell (32,767 characters);
- the printed page header holds the protective marking and the footer the force name: each
  header and footer is at most 255 characters (xlperf/pack/page.yaml says what they hold);
- text cells must not hold control characters, which an .xlsx cannot store (checked per cell
  by the validator: :func:`control_character`);
- a text printed wrapped in a pack column (the layouts' ``shows:``) must fit a row of Excel's
  tallest height, 409 points, at that column's width: a longer text is cut off on the printed
  page (the cell keeps all of it). A warning, not an error: the pack is still valid.

No input value becomes a sheet name, so Excel's 31-character sheet names are the layout's
business (checked when the pack is rendered), not the input's.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .. import cache, codes, packaged
from ..domain.statement import fill, label_fields, placeholders, statement_data
from ..model import Dataset
from ..periods import Quarter
from ..problems import Problem, split_address
from ..text_fit import (
    DEFAULT_WIDTH,
    MAX_LINES,
    MAX_ROW_HEIGHT,
    chars_per_line,
    wrapped_lines,
)
from ..yamlio import cached, load_yaml

if TYPE_CHECKING:
    from .validate import TypedTable

#: Excel's limits.
MAX_CELL_TEXT = 32_767
MAX_HEADER_FOOTER = 255
#: The longest text a narrative figure can print: numbers are bounded by the schema's
#: limits (1,000,000,000 at most, so "99,999,999,900% increase" or so), period labels are
#: measured; this is a safe upper bound for the numeric ones.
MAX_NUMERIC_FIGURE = 40
#: Characters XML 1.0 cannot carry (tab, line feed and carriage return can); every one is
#: unprintable (str.isprintable), so the pattern is compiled only for a text with one.
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"
#: The quarter a label is shown with when the input has no reporting quarter.
_SAMPLE_QUARTER = Quarter.parse("Q4 2021-22")


def control_character(text: str) -> str | None:
    """Why ``text`` cannot be stored in a cell (None when it can)."""
    if text.isprintable() or text.replace("\n", "").replace("\t", "").replace(
            "\r", "").isprintable():
        return None
    found = re.search(_CONTROL, text)
    if found is None:
        return None
    char = found.group(0)
    return (f"character {found.start() + 1} is a control character (U+{ord(char):04X}, "
            f"written _x{ord(char):04X}_ in the file), which an Excel cell cannot hold; "
            "delete it")


@lru_cache(maxsize=1)
def _page() -> dict[str, Any]:
    text = packaged.text("pack", "page.yaml")
    page: dict[str, Any] = load_yaml(text)
    return page


def _band(parts: dict[str, str], fields: dict[str, str]) -> str:
    """A header or footer as Excel stores it: ``&L...&C...&R...``."""
    codes_ = {"left": "&L", "center": "&C", "right": "&R"}
    return "".join(codes_[part] + text.format_map(fields) for part, text in parts.items()
                   if text)


def _titles(ds: Dataset, quarter: Quarter) -> list[str]:
    """The titles the outputs print in their footer (pack, statement, trackers)."""
    statement = str(statement_data()["title"]).format(**label_fields(ds.force, quarter))
    return [f"{ds.force}: Policing Plan performance", statement, f"{ds.force}: action trackers"]


def header_footer(ds: Dataset) -> list[Problem]:
    """The protective marking and the force name fit the printed header and footer."""
    page = _page()
    quarter = ds.latest_quarter or _SAMPLE_QUARTER
    problems: list[Problem] = []
    for band_name, setting in (("header", "Protective marking"), ("footer", "Force name")):
        parts = page.get(band_name) or {}
        longest = max((_band(parts, {"marking": ds.marking, "quarter": quarter.label,
                                     "title": title}), title) for title in _titles(ds, quarter))
        length = len(longest[0])
        cell = ds.settings_cells.get(setting, "")
        if length <= MAX_HEADER_FOOTER or not cell:
            continue
        value = ds.marking if setting == "Protective marking" else ds.force
        room = len(value) - (length - MAX_HEADER_FOOTER)
        sheet, ref = split_address(cell)
        problems.append(Problem(
            codes.HEADER_FOOTER_TOO_LONG,
            f"the {setting.lower()} ({len(value):,} characters) makes the printed page "
            f"{band_name} {length:,} characters long, over Excel's {MAX_HEADER_FOOTER}; "
            f"shorten it to at most {max(room, 0):,} characters", sheet, ref, ds.file))
    return problems


def _figure_lengths(ds: Dataset, quarter: Quarter) -> dict[str, int]:
    """The most characters each placeholder can print in ``quarter``."""
    fields = label_fields(ds.force, quarter)
    out: dict[str, int] = {}
    for name, spec in statement_data()["figures"].items():
        if spec["from"] == "period":
            out[name] = len(fields[spec["value"]])
        else:
            out[name] = MAX_NUMERIC_FIGURE
    return out


def narratives(ds: Dataset) -> list[Problem]:
    """Each narrative, its placeholders filled in at their longest, fits a cell."""
    problems: list[Problem] = []
    for (_priority, quarter), narrative in ds.narratives.items():
        names = placeholders(narrative.text)
        if not names:
            continue
        lengths = _figure_lengths(ds, quarter)
        # the narrative filled in by statement's own fill, each figure at its longest
        longest = len(fill(narrative.text, {n: "x" * lengths.get(n, 0) for n in names}))
        if longest > MAX_CELL_TEXT:
            sheet, ref = split_address(narrative.cell)
            problems.append(Problem(
                codes.TEXT_TOO_LONG,
                f"with its {len(names):,} placeholders filled in, this narrative can reach "
                f"{longest:,} characters, over Excel's limit of {MAX_CELL_TEXT:,} per cell; "
                "shorten it or use fewer placeholders", sheet, ref, ds.file))
    return problems


class PrintedColumn:
    """A pack column where an input column's text is printed, wrapped."""

    __slots__ = ("by_paragraph", "header", "sheet", "width")

    def __init__(self, sheet: str, header: str, width: float, by_paragraph: bool = False) -> None:
        self.sheet, self.header, self.width = sheet, header, width
        #: each paragraph (separated by a blank line) is printed in a row of its own
        self.by_paragraph = by_paragraph


#: The code that turns the layouts into printed columns (its files are part of the cache key).
_PRINTED_CODE = (("pack", "layout.py"), ("reading", "output_limits.py"), ("a1.py",),
                 ("text_fit.py",), ("yamlio.py",))


def _printed_inputs() -> str:
    """Everything :func:`_printed_rows` depends on, as one text: each layout file's name and
    exact content, and the size and time of the modules that read them."""
    folder = packaged.path("pack", "layouts")
    names = sorted(name for name in os.listdir(folder) if name.endswith(".yaml"))
    parts = ["xlperf-printed-columns 1",
             cache.stamp([str(packaged.path(*module)) for module in _PRINTED_CODE])]
    for where in [("pack", "layouts", name) for name in names] + [("pack", "styles.yaml"),
                                                                   ("pack", "page.yaml")]:
        parts += ["/".join(where), packaged.text(*where)]
    return "\0".join(parts)


def _printed_rows(_inputs: str) -> tuple[tuple[tuple[str, str],
                                              tuple[tuple[str, str, float, bool], ...]], ...]:
    """:func:`printed_columns` as plain tuples (what the cache keeps), from the layouts."""
    from ..a1 import column_letter, parse_a1  # noqa: PLC0415 - only on a cache miss
    from ..pack.layout import load_layout  # noqa: PLC0415

    found: dict[tuple[str, str], list[tuple[str, str, float, bool]]] = {}
    for sheet in load_layout().sheets:
        for table in sheet.tables:
            _row, first = parse_a1(table.at)
            for by_paragraph, shows in ((False, table.shows), (True, table.paragraphs)):
                for header, sources in shows:
                    letter = column_letter(first + table.header.index(header))
                    width = sheet.widths.get(letter) or DEFAULT_WIDTH
                    for source in sources:
                        found.setdefault(source, []).append(
                            (sheet.name, header, float(width), by_paragraph))
    return tuple((key, tuple(places)) for key, places in found.items())


@lru_cache(maxsize=1)
def printed_columns() -> dict[tuple[str, str], tuple[PrintedColumn, ...]]:
    """(input table, column) -> the pack columns that print its text, from the layouts.

    Derived from the layout files only, so kept in xlperf's cache (:mod:`xlperf.cache`) with
    the exact text of every layout file and the stamps of the code that reads them: a run
    with the cache warm neither imports the pack's layout code nor parses the layouts."""
    rows = cached("printed-columns", _printed_inputs(), _printed_rows)
    return {(str(table), str(column)): tuple(PrintedColumn(*place) for place in places)
            for (table, column), places in rows}


def row_heights(typed: dict[str, TypedTable], file: str) -> list[Problem]:
    """Each input text printed wrapped in the pack fits a row of Excel's tallest height at
    its narrowest printed column."""
    problems: list[Problem] = []
    for (table_name, column), places in printed_columns().items():
        table = typed.get(table_name)
        if table is None:
            continue
        narrowest = min(places, key=lambda p: p.width)
        per_line = chars_per_line(narrowest.width)
        for row in table.rows:
            text = row[column]
            if not isinstance(text, str) or not text:
                continue
            if len(text) / per_line + text.count("\n") + 1 <= MAX_LINES:
                continue  # fits however it wraps: at most that many lines (wrapped_lines)
            parts = text.split("\n\n") if narrowest.by_paragraph else [text]
            lines = max(wrapped_lines(part.strip(), narrowest.width) for part in parts)
            if lines <= MAX_LINES:
                continue
            room = MAX_LINES * chars_per_line(narrowest.width)
            problems.append(Problem(
                codes.ROW_TOO_TALL,
                f"printed in the pack's '{narrowest.sheet}' sheet ({narrowest.header}), this "
                f"text needs {lines:,} lines and a row shows at most {MAX_LINES} (Excel's "
                f"tallest row is {MAX_ROW_HEIGHT} points), so the printed page cuts it off; "
                f"shorten it to about {room:,} characters", row.sheet, row.cell(column), file))
    return problems
