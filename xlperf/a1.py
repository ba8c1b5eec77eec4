"""A1 cell addresses: column letters and ``$C$14`` parsing, shared by readers and writers."""

from __future__ import annotations

import re
from functools import cache


@cache
def _a1() -> re.Pattern[str]:
    """The pattern of one cell's address, compiled on first use: reading a workbook parses
    none, so ``validate`` does not compile it."""
    return re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """A -> 1, AA -> 27."""
    index = 0
    for char in letters.upper():
        index = index * 26 + ord(char) - 64
    return index


def parse_a1(ref: str) -> tuple[int, int]:
    """``"$C$14"`` -> (row 14, column 3); ValueError for anything that is not one cell."""
    match = _a1().match(ref.upper())
    if not match:
        raise ValueError(f"{ref!r} is not a cell address")
    return int(match.group(2)), column_index(match.group(1))
