"""Which measure the analyst has selected, for Explain.

A selection may be a cell, a block of cells, several blocks, a whole row, a whole column,
or no range at all (a shape or a chart: xlwings gives ``None`` then, on Windows and macOS).
The measure is found in the first row of the selection: a cell holding a measure ID, or a
measure's label (the row of a pack sheet), anywhere in that row.
"""

from __future__ import annotations

import re
from typing import Any

from ..a1 import column_letter
from ..problems import XlperfError

#: How far along a row to look for a measure ID or label.
ROW_WIDTH = 40
_CELL = re.compile(r"^\$?([A-Z]{1,3})?\$?(\d+)?$")


class NoMeasure(XlperfError):
    pass


HOW = ("select a cell holding a measure ID, or any cell of a measure's row (on the "
       "Measures or Measure values sheet, or the pack's Measures sheet), then press Explain "
       "again.")


def selected_row(selection: Any) -> int:
    """The first row of a selection; an error in words for a shape, chart or column."""
    if selection is None:
        raise NoMeasure(f"Explain: a shape or chart is selected; {HOW}")
    first_area = str(selection.address).split(",")[0]
    first = first_area.split(":")[0]
    match = _CELL.match(first)
    if match is None or match.group(2) is None:
        raise NoMeasure(f"Explain: a whole column is selected; {HOW}")
    return int(match.group(2))


def selected_measure(book: Any, ds: Any) -> str:
    """The measure ID of the selection's first row (see the module's docstring)."""
    selection = book.selection
    row = selected_row(selection)
    sheet = selection.sheet
    values = sheet.range((row, 1), (row, ROW_WIDTH)).value
    values = values if isinstance(values, list) else [values]
    ids: dict[str, str] = {m.id.casefold(): m.id for m in ds.measures}
    texts = [v.strip() for v in values if isinstance(v, str) and v.strip()]
    for text in texts:
        if text.casefold() in ids:
            return ids[text.casefold()]
    labels: dict[str, str] = {m.label.casefold(): m.id for m in ds.measures if m.label}
    for text in texts:
        if text.casefold() in labels:
            return labels[text.casefold()]
    within: list[tuple[int, str]] = [
        (len(label), measure) for text in texts for label, measure in labels.items()
        if label in text.casefold()]
    if within:
        return max(within)[1]
    raise NoMeasure(f"Explain: row {row} of {sheet.name} (cells A{row}:"
                    f"{column_letter(ROW_WIDTH)}{row}) names no measure; {HOW}")
