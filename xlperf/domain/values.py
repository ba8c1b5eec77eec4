"""Computed series: year-to-date counts and pooled rates, survey percentages, subtotals.

Each function returns the figure and the cells it was computed from, so every derived
number can be traced back to the input.
"""

from functools import cache, lru_cache
from typing import NamedTuple

from ..arithmetic import rate
from ..model import Dataset, Measure, Series, SeriesTable
from ..periods import FinancialYear, Quarter
from ..schema import load_data
from .sources import source_function, value_source


class Figure(NamedTuple):
    """A derived figure, how it was worked out, and the input cells behind it. Two figures
    are equal (and hash alike) when their value and working are: the cells are not compared."""

    value: float | None
    working: str = ""
    cells: tuple[str, ...] = ()

    def __eq__(self, other: object) -> bool:
        if type(other) is Figure:
            return (self.value, self.working) == (other.value, other.working)
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        if type(other) is Figure:
            return (self.value, self.working) != (other.value, other.working)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.value, self.working))


@lru_cache(maxsize=1)
def total_category() -> str:
    """The subtotal of every recorded category (data/categories.yaml ``total``)."""
    return str(load_data("categories")["total"])


@lru_cache(maxsize=1)
def subtotal_parts() -> dict[str, tuple[str, ...]]:
    return {s["name"]: tuple(s["parts"]) for s in load_data("categories")["subtotals"]}


def leaf_categories(name: str) -> list[str]:
    """The recorded categories a category or subtotal adds up."""
    return list(_leaves(name))


@cache
def _leaves(name: str) -> tuple[str, ...]:
    """:func:`leaf_categories`, worked out once per name (a pack asks some 800 times)."""
    parts = subtotal_parts()
    if name not in parts:
        return (name,)
    return tuple(leaf for part in parts[name] for leaf in _leaves(part))


def crime_series(ds: Dataset, name: str, fy: FinancialYear) -> list[int | None] | None:
    """Monthly counts of a category or subtotal; None when a category row is missing."""
    months: list[int | None] = [0] * 12
    for leaf in _leaves(name):
        series = ds.crime.get(leaf, {}).get(fy)
        if series is None:
            return None
        for i, value in enumerate(series.values):
            current = months[i]
            months[i] = None if value is None or current is None else current + value
    return months


def months_sum(values: list[int | None], indices: range) -> int | None:
    """Sum of the given months; None when any of them has no data."""
    picked = [values[i] for i in indices]
    if any(v is None for v in picked):
        return None
    return sum(v for v in picked if v is not None)


def ytd(values: list[int | None], quarter: Quarter) -> int | None:
    return months_sum(values, range(0, quarter.last_month_index + 1))


def _series_cells(table: SeriesTable, keys: list[str], fy: FinancialYear,
                  upto: int) -> tuple[str, ...]:
    cells: list[str] = []
    for key in keys:
        series = table.get(key, {}).get(fy)
        if series:
            cells.extend(c for c in series.cells[: upto + 1] if c)
    return tuple(cells)


def crime_ytd(ds: Dataset, name: str, quarter: Quarter) -> Figure:
    months = crime_series(ds, name, quarter.fy)
    if months is None:
        return Figure(None, f"no {name} data for {quarter.fy.label}")
    value = ytd(months, quarter)
    cells = _series_cells(ds.crime, leaf_categories(name), quarter.fy, quarter.last_month_index)
    return Figure(value, f"{name}, April to {quarter.end_month_label}", cells)


def _pooled(table: SeriesTable, numerator: str, denominator: str,
            quarter: Quarter) -> Figure:
    top = table.get(numerator, {}).get(quarter.fy)
    bottom = table.get(denominator, {}).get(quarter.fy)
    if top is None or bottom is None:
        return Figure(None, f"no {numerator} / {denominator} for {quarter.fy.label}")
    num = den = 0
    seen = False
    for i in range(quarter.last_month_index + 1):
        n, d = top.values[i], bottom.values[i]
        if n is None or d is None:
            continue
        num, den, seen = num + n, den + d, True
    if not seen:
        return Figure(None, f"no months with data in {quarter.fy.label}")
    cells = _series_cells(table, [numerator, denominator], quarter.fy, quarter.last_month_index)
    return Figure(rate(num, den), f"{num} / {den}, April to {quarter.end_month_label}", cells)


def _ytd_count(table: SeriesTable, key: str, quarter: Quarter) -> Figure:
    series: Series | None = table.get(key, {}).get(quarter.fy)
    if series is None:
        return Figure(None, f"no {key} for {quarter.fy.label}")
    value = ytd(list(series.values), quarter)
    return Figure(value, f"{key}, April to {quarter.end_month_label}",
                  _series_cells(table, [key], quarter.fy, quarter.last_month_index))


def servator_rate_ytd(ds: Dataset, quarter: Quarter) -> Figure:
    return _pooled(ds.servator, "Positive Stop & Searches", "Stop and Search", quarter)


def survey_percent(ds: Dataset, question_id: str, fy: FinancialYear,
                   quarter: int | None = None) -> Figure:
    """Positive answers over all answers to a question in one FY's survey.

    With ``quarter``, only a survey reported in or before that quarter counts: an annual
    survey is "not yet reported" in the quarters before its results come in.
    """
    answers = [a for a in ds.survey_answers if a.question_id == question_id and a.fy == fy]
    if quarter is not None:
        answers = [a for a in answers if a.quarter is None or a.quarter <= quarter]
    if not answers:
        return Figure(None, f"no {question_id} survey results for {fy.label}")
    positive = sum(a.respondents for a in answers if a.positive)
    every = sum(a.respondents for a in answers)
    return Figure(rate(positive, every), f"{positive} / {every} respondents",
                  tuple(a.cell for a in answers))


@value_source("Measure values")
def typed_value(ds: Dataset, measure: Measure, quarter: Quarter) -> Figure:
    """the Value typed for the quarter on the Measure values sheet"""
    entry = ds.measure_values.get((measure.id, quarter))
    if entry is None or entry.value is None:
        return Figure(None, f"no value typed for {quarter.label}")
    return Figure(entry.value, "typed on the Measure values sheet", (entry.cell,))


@value_source("Servator positive outcome rate YTD")
def servator_rate(ds: Dataset, measure: Measure, quarter: Quarter) -> Figure:
    """positive stop-searches / stop-searches, April to the quarter's end, pooled (%)"""
    return servator_rate_ytd(ds, quarter)


@value_source("Public order positive outcomes YTD")
def public_order_outcomes(ds: Dataset, measure: Measure, quarter: Quarter) -> Figure:
    """positive outcomes for public order offences, April to the quarter's end"""
    return _ytd_count(ds.public_order, "Positive Outcomes", quarter)


@value_source("Public order positive outcome rate YTD")
def public_order_rate(ds: Dataset, measure: Measure, quarter: Quarter) -> Figure:
    """positive outcomes / public order offences, April to the quarter's end (%)"""
    return _pooled(ds.public_order, "Positive Outcomes", "Public Order Offences", quarter)


@value_source("Survey:", prefixed=True, yearly=survey_percent)
def survey(ds: Dataset, measure: Measure, quarter: Quarter) -> Figure:
    """positive answers / all answers to the question, in that financial year's survey (%);
    reported from the survey's quarter"""
    return survey_percent(ds, measure.source.argument, quarter.fy, quarter.number)


@value_source("Crime YTD:", prefixed=True)
def crime_ytd_source(ds: Dataset, measure: Measure, quarter: Quarter) -> Figure:
    """recorded crimes of the category or subtotal, April to the quarter's end"""
    return crime_ytd(ds, measure.source.argument, quarter)


def measure_value(ds: Dataset, measure: Measure, quarter: Quarter) -> Figure:
    """The value a measure is graded on in a quarter: its value source's function."""
    figure: Figure = source_function(measure.source).compute(ds, measure, quarter)
    return figure
