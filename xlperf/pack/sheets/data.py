"""The Data sheet: the monthly crime counts, copied from the input, that the pack's crime
formulas add up. One row per category and financial year, categories in the order of the
Crime Summary so that every subtotal is one contiguous block of rows.
"""

from __future__ import annotations

from ...domain.values import leaf_categories
from ...periods import FY_MONTHS, FinancialYear
from ...problems import XlperfError
from ...schema import load_data
from ..cells import text
from ..context import Context
from ..model import Block, Cell, NamedCell, Ref, Sheet

SHEET = "Data"
BLOCK = "tblCrimeData"
FIRST_MONTH_COL = 2  # Category, Financial year, then Apr ... Mar


class CrimeData:
    """Where each category-year row of the Data table is, for formulas to refer to."""

    __slots__ = ("_spans", "block", "rows", "years")

    block: Block
    rows: dict[tuple[FinancialYear, str], int]
    years: list[FinancialYear]
    #: (name, year) -> its first and last row, worked out once (a pack asks 400 times)
    _spans: dict[tuple[str, FinancialYear], tuple[int, int]]

    def __init__(self, block: Block, rows: dict[tuple[FinancialYear, str], int],
                 years: list[FinancialYear]) -> None:
        self.block = block
        self.rows = rows
        self.years = years
        self._spans = {}

    def has(self, fy: FinancialYear) -> bool:
        return fy in self.years

    def rect(self, name: str, fy: FinancialYear, first_month: int, last_month: int) -> Ref:
        """The Data cells of ``name`` (a category or subtotal) for months first..last."""
        span = self._spans.get((name, fy))
        if span is None:
            indices = sorted(self.rows[(fy, leaf)] for leaf in leaf_categories(name))
            if indices != list(range(indices[0], indices[-1] + 1)):
                raise XlperfError(f"categories of {name} are not contiguous on the Data sheet")
            span = self._spans[(name, fy)] = (indices[0], indices[-1])
        return Ref(BLOCK, span[0], FIRST_MONTH_COL + first_month, span[1],
                   FIRST_MONTH_COL + last_month)


def crime_years(ctx: Context, count: int = 5) -> list[FinancialYear]:
    """Up to ``count`` financial years ending with the quarter's, those with crime data."""
    present = {fy for by_year in ctx.ds.crime.values() for fy in by_year}
    return [fy for fy in (ctx.fy.shift(-k) for k in range(count - 1, -1, -1)) if fy in present]


def describe(ctx: Context) -> tuple[Sheet, CrimeData]:
    """The Data sheet and where its rows are (described once per pack: the SPC sheet's
    crime values refer to it too)."""
    cached = ctx.cache.get("data sheet")
    if cached is None:
        cached = ctx.cache["data sheet"] = _describe(ctx)
    return cached  # type: ignore[return-value]


def _describe(ctx: Context) -> tuple[Sheet, CrimeData]:
    categories: list[str] = load_data("categories")["categories"]
    years = crime_years(ctx)
    header = ["Category", "Financial year", *FY_MONTHS, "Input cells"]
    rows: list[list[Cell]] = []
    index: dict[tuple[FinancialYear, str], int] = {}
    for fy in years:
        for category in categories:
            series = ctx.ds.crime.get(category, {}).get(fy)
            values = list(series.values) if series else [None] * 12
            cells = [c for c in (series.cells if series else ()) if c]
            source = f"{cells[0]}:{cells[-1].split('!')[-1]}" if cells else "not in the input"
            index[(fy, category)] = len(rows)
            rows.append([text(category), text(fy.label), *[Cell(v) for v in values],
                         text(source)])
    block = Block(BLOCK, BLOCK, header, rows, "Recorded crime by category and month")
    note = NamedCell("DataNote", text(
        "Inputs: the monthly counts below are copied unchanged from the input workbook "
        f"({ctx.ds.file}); the cell each row came from is in the last column. Every crime "
        "figure in the pack is a formula over these cells."))
    return Sheet(SHEET, [block], [note]), CrimeData(block, index, years)


