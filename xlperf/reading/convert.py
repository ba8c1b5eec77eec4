"""Per-cell conversion: one converter per column type of the schema, in one table.

A converter turns a non-blank cell value into the typed value (counts are ints, financial
years :class:`~xlperf.periods.FinancialYear`...), or raises :class:`CellProblem` with the
problem code and message. A schema column type without a converter is refused when the
schema is checked (:func:`check_types`), not when a workbook happens to use it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from .. import codes
from ..domain.rules import parse_threshold
from ..domain.sources import parse_value_source
from ..periods import FY_MONTHS, MONTH_NAMES, FinancialYear
from ..schema import ColumnSpec, Schema, load_data

_NUMERIC_TEXT = re.compile(r"^\s*[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?\s*%?\s*$")
_DATE_TEXT = re.compile(r"^\s*\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\s*$")
MONTH_WORDS = frozenset({m.lower() for m in FY_MONTHS} | {m.lower() for m in MONTH_NAMES})
#: A row label that is a total ("TOTAL", "Grand total", "Subtotal") where a list value belongs.
_TOTAL_WORDS = re.compile(r"\b(grand\s*|sub\s*-?\s*)?totals?\b", re.IGNORECASE)


class CellProblem(Exception):
    """A cell value the column's type refuses: the problem code and message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def plain(text: str) -> str:
    """Lower-case letters and digits only, for spotting a renamed header."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


def foreign_letters(text: str) -> list[str]:
    """Letters outside ASCII that look like Latin ones (e.g. Cyrillic 'О' in 'ОСТ')."""
    out = []
    for ch in text:
        if ord(ch) > 127 and ch.isalpha():
            import unicodedata  # noqa: PLC0415 - a shared library, only to name such a letter

            out.append(f"'{ch}' ({unicodedata.name(ch, f'U+{ord(ch):04X}')})")
    return out


def show(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


@lru_cache(maxsize=1)
def _subtotals() -> dict[str, str]:
    """Lower-case subtotal name -> its name (subtotals are computed, never typed)."""
    return {s["name"].lower(): s["name"] for s in load_data("categories")["subtotals"]}


def _number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise CellProblem(codes.NOT_A_NUMBER, f"{value} is TRUE/FALSE, not a number")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        if _NUMERIC_TEXT.match(value):
            raise CellProblem(codes.NUMBER_STORED_AS_TEXT,
                              f'"{value}" is a number stored as text; enter it as a number')
        raise CellProblem(codes.NOT_A_NUMBER, f'"{value}" is not a number')
    if isinstance(value, (dt.date, dt.datetime)):
        raise CellProblem(codes.NOT_A_NUMBER, f"{value} is a date, not a number")
    raise CellProblem(codes.NOT_A_NUMBER, f"{value!r} is not a number")


Converter = Callable[[ColumnSpec, Any, Schema], Any]


def _any(column: ColumnSpec, value: Any, schema: Schema) -> Any:
    return value


def _text(column: ColumnSpec, value: Any, schema: Schema) -> str:
    return value.strip() if isinstance(value, str) else str(value)


def show_number(number: float) -> str:
    """A number as Excel would show it: ``1E+308``, ``INF``, ``NaN``, ``4,548``."""
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "INF" if number > 0 else "-INF"
    if abs(number) >= 1e15:
        return f"{number:.6G}"
    if float(number).is_integer():
        return f"{int(number):,}"
    return f"{number:,.15G}" if abs(number) >= 1e-4 else f"{number:.6G}"


def _finite(number: int | float) -> int | float:
    """Refuse NaN and infinities (an .xlsx can hold them; Excel shows #NUM!)."""
    if isinstance(number, float) and not math.isfinite(number):
        raise CellProblem(codes.NOT_FINITE, f"{show_number(number)} is not a finite number")
    return number


def _within(number: int | float, column: ColumnSpec, schema: Schema) -> None:
    """Refuse a number outside the column's declared range (schema ``limits``)."""
    bounds = schema.bounds(column)
    if bounds is None:
        return
    low, high = bounds
    if number < low or number > high:
        raise CellProblem(
            codes.NUMBER_OUT_OF_RANGE,
            f"{show_number(number)} is outside the range {column.name} accepts "
            f"({show_number(low)} to {show_number(high)})")


def _count(column: ColumnSpec, value: Any, schema: Schema) -> int:
    number = _finite(_number(value))
    if isinstance(number, float) and not number.is_integer():
        raise CellProblem(codes.FRACTIONAL_COUNT,
                          f"{show(value)} is not a whole number; counts are whole")
    if number < 0:
        raise CellProblem(codes.NEGATIVE_COUNT,
                          f"{show(value)} is negative; a count cannot be below 0")
    _within(number, column, schema)
    return int(number)


def _numeric(column: ColumnSpec, value: Any, schema: Schema) -> int | float:
    number = _finite(_number(value))
    _within(number, column, schema)
    return number


def _fy(column: ColumnSpec, value: Any, schema: Schema) -> FinancialYear:
    try:
        return FinancialYear.parse(str(value).strip())
    except ValueError:
        raise CellProblem(codes.BAD_FINANCIAL_YEAR,
                          f"{show(value)} is not a financial year like 2021-22") from None


def _year(column: ColumnSpec, value: Any, schema: Schema) -> int:
    if isinstance(value, int) and 1990 <= value <= 2100:
        return value
    raise CellProblem(codes.BAD_YEAR, f"{show(value)} is not a calendar year like 2022")


def _quarter(column: ColumnSpec, value: Any, schema: Schema) -> int:
    text = str(value).strip().upper()
    if text in ("Q1", "Q2", "Q3", "Q4"):
        return int(text[1])
    raise CellProblem(codes.BAD_QUARTER, f"{show(value)} is not a quarter (Q1, Q2, Q3 or Q4)")


def _date(column: ColumnSpec, value: Any, schema: Schema) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and (_DATE_TEXT.match(value) or plain(value)[:3] in MONTH_WORDS):
        raise CellProblem(codes.DATE_STORED_AS_TEXT,
                          f"{show(value)} is text that looks like a date; "
                          "enter it as an Excel date")
    raise CellProblem(codes.NOT_A_DATE, f"{show(value)} is not a date")


def _yesno(column: ColumnSpec, value: Any, schema: Schema) -> bool:
    text = str(value).strip().lower()
    if text in ("yes", "no"):
        return text == "yes"
    raise CellProblem(codes.UNKNOWN_VALUE, f"{show(value)} must be Yes or No")


def _choice(column: ColumnSpec, value: Any, schema: Schema) -> str:
    allowed = schema.choices[column.choices or ""]
    text = str(value).strip()
    if text in allowed:
        return text
    for option in allowed:
        if option.lower() == text.lower():
            return option
    if _TOTAL_WORDS.search(text):
        raise CellProblem(codes.TYPED_TOTAL,
                          f"{show(value)} is a total typed in by hand; totals are "
                          "computed from the rows, never typed: delete this row")
    if column.choices == "crime_categories" and text.lower() in _subtotals():
        raise CellProblem(codes.TYPED_TOTAL,
                          f"{show(value)} is a subtotal; subtotals are computed from "
                          "their categories, never typed: delete this row")
    foreign = foreign_letters(text)
    detail = f"; it contains {', '.join(foreign)}" if foreign else ""
    shown = ", ".join(allowed) if len(allowed) <= 8 else f"see the list for {column.name}"
    raise CellProblem(column.unknown or codes.UNKNOWN_VALUE,
                      f"{show(value)} is not a known {column.name.lower()} ({shown}){detail}")


def _name(column: ColumnSpec, value: Any, schema: Schema) -> str:
    """A reference to another table's value or a rule name: checked across tables later."""
    return str(value).strip()


def _threshold(column: ColumnSpec, value: Any, schema: Schema) -> Any:
    try:
        return parse_threshold(str(value))
    except ValueError as exc:
        raise CellProblem(codes.BAD_THRESHOLD, str(exc)) from None


def _value_source(column: ColumnSpec, value: Any, schema: Schema) -> Any:
    try:
        return parse_value_source(str(value))
    except ValueError as exc:
        raise CellProblem(codes.UNKNOWN_VALUE_SOURCE, str(exc)) from None


_MONTH_TEXT = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


def _month(column: ColumnSpec, value: Any, schema: Schema) -> str:
    """A calendar month as ``YYYY-MM``, from that text or an Excel date in the month."""
    if isinstance(value, (dt.date, dt.datetime)):
        return f"{value.year:04d}-{value.month:02d}"
    match = _MONTH_TEXT.match(str(value))
    if match and 1 <= int(match.group(2)) <= 12:
        return f"{int(match.group(1)):04d}-{int(match.group(2)):02d}"
    raise CellProblem(codes.BAD_MONTH, f"{show(value)} is not a month like 2020-03")


#: Column type (``type:`` in input.yaml) -> its converter.
CONVERTERS: Mapping[str, Converter] = MappingProxyType({
    "any": _any,
    "text": _text,
    "count": _count,
    "number": _numeric,
    "percent": _numeric,
    "fy": _fy,
    "year": _year,
    "quarter": _quarter,
    "date": _date,
    "yesno": _yesno,
    "choice": _choice,
    "ref": _name,
    "rule": _name,
    "threshold": _threshold,
    "value_source": _value_source,
    "month": _month,
})


def check_types(schema: Schema) -> None:
    """Every column type of the schema has a converter (else a startup error)."""
    unknown = sorted({f"{t.name}.{c.name}: {c.type}" for t in schema.tables for c in t.columns
                      if c.type not in CONVERTERS})
    if unknown:
        raise LookupError(f"xlperf/schema/input.yaml uses column types with no converter "
                          f"in xlperf/reading/convert.py: {', '.join(unknown)}")


def convert(column: ColumnSpec, value: Any, schema: Schema) -> Any:
    """The typed value of a non-blank cell; raises :class:`CellProblem`."""
    return CONVERTERS[column.type](column, value, schema)
