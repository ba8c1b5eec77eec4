"""Excel's limits on what xlperf writes, checked while the input is validated, at the input
cell that would break them (not at a pack cell the analyst never typed):

- a narrative with its ``{placeholders}`` filled in must fit a cell (32,767 characters);
- the printed page header holds the protective marking and the footer the force name: each
  header and footer is at most 255 characters (xlperf/pack/page.yaml says what they hold);
- text cells must not hold control characters, which an .xlsx cannot store (checked per cell
  by the validator: :func:`control_character`).

No input value becomes a sheet name, so Excel's 31-character sheet names are the layout's
business (checked when the pack is rendered), not the input's.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from .. import codes, packaged
from ..domain.statement import label_fields, placeholders, statement_data
from ..model import Dataset
from ..periods import Quarter
from ..problems import Problem, split_address
from ..yamlio import load_yaml

#: Excel's limits.
MAX_CELL_TEXT = 32_767
MAX_HEADER_FOOTER = 255
#: The longest text a narrative figure can print: numbers are bounded by the schema's
#: limits (1,000,000,000 at most, so "99,999,999,900% increase" or so), period labels are
#: measured; this is a safe upper bound for the numeric ones.
MAX_NUMERIC_FIGURE = 40
#: Characters XML 1.0 cannot carry (tab, line feed and carriage return can).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: The quarter a label is shown with when the input has no reporting quarter.
_SAMPLE_QUARTER = Quarter.parse("Q4 2021-22")


def control_character(text: str) -> str | None:
    """Why ``text`` cannot be stored in a cell (None when it can)."""
    found = _CONTROL.search(text)
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
        bare = re.sub(r"\{\{|\}\}|\{[^{}\n]*\}", "x", narrative.text)  # each token one char
        longest = len(bare) - len(names) + sum(lengths.get(n, 0) for n in names)
        if longest > MAX_CELL_TEXT:
            sheet, ref = split_address(narrative.cell)
            problems.append(Problem(
                codes.TEXT_TOO_LONG,
                f"with its {len(names):,} placeholders filled in, this narrative can reach "
                f"{longest:,} characters, over Excel's limit of {MAX_CELL_TEXT:,} per cell; "
                "shorten it or use fewer placeholders", sheet, ref, ds.file))
    return problems
