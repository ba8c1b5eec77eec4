"""How much room wrapped text takes in a printed row: one estimate, shared by the pack writer
(which sets each row's height) and the input checks (which report a text that would need a
row taller than Excel allows, at the input cell that holds it).

Excel and LibreOffice do not re-fit the rows of a file they open, so the writer sets each
row's height from this estimate; a row cannot be taller than 409 points, so a text that
needs more is cut off on the printed page.
"""

from __future__ import annotations

from typing import Any

#: Excel's tallest row, in points: a taller height makes the file invalid.
MAX_ROW_HEIGHT = 409
#: The width assumed for a column the layout does not size.
DEFAULT_WIDTH = 13.0
#: Points per line of 10-point text, and the characters a column of width 1 holds.
LINE_HEIGHT = 13.0
CHARS_PER_WIDTH = 1.15
#: Points a row adds to its lines (cell padding).
ROW_PADDING = 3
#: The most lines of wrapped text a row can show.
MAX_LINES = int((MAX_ROW_HEIGHT - ROW_PADDING) // LINE_HEIGHT)


def chars_per_line(width: float) -> int:
    """Characters a line of a column ``width`` wide holds."""
    return max(1, int(width * CHARS_PER_WIDTH))


def wrapped_lines(value: Any, width: float) -> int:
    """How many lines a wrapped text needs in a column ``width`` characters wide."""
    if not isinstance(value, str) or not value:
        return 1
    per_line = chars_per_line(width)
    return sum(max(1, -(-len(part) // per_line)) for part in value.split("\n"))


def row_height(lines: int) -> float:
    """A row's height for ``lines`` lines of wrapped text, capped at Excel's tallest row."""
    return min(round(lines * LINE_HEIGHT + ROW_PADDING, 1), MAX_ROW_HEIGHT)
