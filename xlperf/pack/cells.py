"""Small constructors for the cells the describers write, and the pack's checks list."""

from __future__ import annotations

from ..domain.rules import GRADES
from .model import Block, Cell, Formula, Ref, Value

NOT_APPLICABLE = "N/A"

#: Arrow glyphs (seed 001 prints ↑ ↓; a change that rounds to 0% is flat).
UP, DOWN, FLAT = "↑", "↓", "→"


def text(value: Value, style: str | None = None) -> Cell:
    return Cell(value, style)


def count(value: int | float | None, style: str | None = "Input Count") -> Cell:
    return Cell(value, style)


def formula(template: str, *refs: Ref, value: Value, style: str | None = None) -> Cell:
    """A formula cell; ``value`` is what xlperf computed for it (the tests compare)."""
    return Cell(value, style, Formula(template, tuple(refs)))


def grade(value: str | None, shown: str | None = None, note: str | None = None) -> Cell:
    """A grade cell, filled by grade; ``shown`` is the text when it differs (upper case...)."""
    style = f"Grade {value}" if value in GRADES else "Grade None"
    return Cell(shown if shown is not None else value, style, note=note)


def difference_note(computed: str | None, reported: str | None, reason: str) -> str:
    """The comment on a grade cell whose reported grade is not the rule's."""
    return (f"Reported {reported}; the rule gives {computed or 'N/A (no graded measure)'}. "
            f"Reason given: {(reason or 'none recorded').rstrip('.')}. See the Audit sheet.")


def arrow(glyph: str | None, good: bool | None) -> Cell:
    """An arrow coloured by polarity: ``good`` True green, False red, None grey."""
    if not glyph:
        return Cell(None, "Arrow Flat")
    style = "Arrow Flat" if good is None or glyph == FLAT else (
        "Arrow Good" if good else "Arrow Bad")
    return Cell(glyph, style)


def ratio_or_na(top: float | None, bottom: float | None) -> float | str | None:
    """What ``IFERROR(top/bottom, "N/A")`` gives: blank or zero below is N/A."""
    if top is None and bottom is None:
        return NOT_APPLICABLE
    if not bottom:
        return NOT_APPLICABLE
    return (top or 0) / bottom


def change_or_na(new: float | None, old: float | None) -> float | str | None:
    """What ``IFERROR((new-old)/old, "N/A")`` gives."""
    if not old:
        return NOT_APPLICABLE
    return ((new or 0) - old) / old


class Checks:
    """Reconciliations collected while the pack is described; the Checks sheet lists them.

    Each compares a cell of the pack (a formula, recalculated by Excel) with the value
    xlperf computed independently in Python.
    """

    __slots__ = ("rows",)

    rows: list[tuple[str, str, Formula, float | None]]

    def __init__(self, rows: list[tuple[str, str, Formula, float | None]] | None = None) -> None:
        self.rows = [] if rows is None else rows

    def add(self, description: str, sheet: str, ref: Ref, expected: float | None) -> None:
        """Check that one pack cell equals ``expected``."""
        self.rows.append((description, sheet, Formula("={0}", (ref,)), expected))

    def add_sum(self, description: str, sheet: str, refs: list[Ref], expected: float) -> None:
        """Check that pack cells add up to ``expected``."""
        marks = ",".join(f"{{{i}}}" for i in range(len(refs)))
        self.rows.append((description, sheet, Formula(f"=SUM({marks})", tuple(refs)), expected))


def key_block(name: str, template: str, title: str | None, header: list[str],
              rows: list[tuple[str, list[Cell]]]) -> Block:
    """A block whose rows are keyed by their first column's text."""
    return Block(name, template, header, [[Cell(k, None), *cells] for k, cells in rows], title,
                 [k for k, _ in rows])
