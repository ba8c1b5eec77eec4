"""Financial years, quarters and months as UK police performance reporting uses them.

A financial year (FY) runs April to March and is written ``2021-22``. Q1 is Apr-Jun,
Q4 is Jan-Mar of the following calendar year. Year to date (YTD) runs from April to the
end of the reporting quarter.
"""

import re
from typing import Any, NamedTuple

FY_MONTHS: tuple[str, ...] = (
    "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar",
)
CALENDAR_MONTHS: tuple[str, ...] = (
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
)
MONTH_NAMES: tuple[str, ...] = (
    "January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December",
)

#: A financial year's text in any form (:meth:`FinancialYear.parse` compiles it only for a
#: text that is not ``2021-22`` or ``2021/22``).
_FY = r"^\s*(\d{4})\s*[-/]\s*(\d{2}|\d{4})\s*$"
#: A quarter's text in any form (:meth:`Quarter.parse` compiles it only for a text that is not
#: ``Q4 2021-22``).
_QUARTER = r"^\s*(?:Q([1-4])\s*(\d{4}\s*[-/]\s*\d{2,4})|(\d{4}\s*[-/]\s*\d{2,4})\s*Q([1-4]))\s*$"


class FinancialYear(NamedTuple):
    """A financial year, identified by the calendar year its April falls in."""

    start: int

    @classmethod
    def parse(cls, text: str) -> "FinancialYear":
        """Parse ``2021-22``, ``2021/22`` or ``2021-2022``; raise ValueError otherwise."""
        string = str(text)
        if (len(string) == 7 and string[4] in "-/" and string.isascii() and string[:4].isdigit()
                and string[5:].isdigit()):
            start, end = int(string[:4]), string[5:]  # as the pattern reads it
        else:
            match = re.match(_FY, string)
            if not match:
                raise ValueError(f"{text!r} is not a financial year like 2021-22")
            start, end = int(match.group(1)), match.group(2)
        end_year = int(end) if len(end) == 4 else (start // 100) * 100 + int(end)
        if len(end) == 2 and end_year < start:
            end_year += 100
        if end_year != start + 1:
            raise ValueError(f"{text!r} is not a financial year: the years must be consecutive")
        return cls(start)

    @property
    def label(self) -> str:
        """``2021-22``."""
        return f"{self.start}-{(self.start + 1) % 100:02d}"

    @property
    def slash_label(self) -> str:
        """``2021/22``, as the committee papers print it."""
        return f"{self.start}/{(self.start + 1) % 100:02d}"

    def shift(self, years: int) -> "FinancialYear":
        return FinancialYear(self.start + years)

    def month_year(self, index: int) -> tuple[int, int]:
        """Calendar (year, month 1-12) of month ``index`` (0 = April ... 11 = March)."""
        month = (index + 3) % 12 + 1
        year = self.start if index < 9 else self.start + 1
        return year, month

    def __str__(self) -> str:
        return self.label


class _QuarterFields(NamedTuple):
    """The fields of a :class:`Quarter` (a named tuple cannot check them itself)."""

    fy: FinancialYear
    number: int


class Quarter(_QuarterFields):
    """A quarter of a financial year: ``Quarter(FinancialYear(2021), 4)`` is Jan-Mar 2022."""

    __slots__ = ()

    def __new__(cls, fy: FinancialYear, number: int) -> "Quarter":
        if number not in (1, 2, 3, 4):
            raise ValueError(f"quarter must be 1-4, not {number}")
        return super().__new__(cls, fy, number)

    def _replace(self, **changes: Any) -> "Quarter":
        """A copy with some fields changed, checked as a new quarter is."""
        return type(self)(**{**self._asdict(), **changes})

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        """Parse ``Q4 2021-22``, ``2021-22 Q4`` or ``2021/22Q4``."""
        string = str(text)
        if string[:1] in ("Q", "q") and string[1:2] in ("1", "2", "3", "4") and string[2:3] == " ":
            # Q4 2021-22 as the pattern's first form reads it, the year read by FinancialYear;
            # a text that it refuses goes to the quarter's pattern, which says why
            try:
                return cls(FinancialYear.parse(string[3:]), int(string[1]))
            except ValueError:
                pass
        match = re.match(_QUARTER, string, re.IGNORECASE)
        if not match:
            raise ValueError(f"{text!r} is not a quarter like 'Q4 2021-22'")
        if match.group(1):
            return cls(FinancialYear.parse(match.group(2)), int(match.group(1)))
        return cls(FinancialYear.parse(match.group(3)), int(match.group(4)))

    @property
    def label(self) -> str:
        """``Q4 2021-22``, as the measure tables head their columns."""
        return f"Q{self.number} {self.fy.label}"

    @property
    def last_month_index(self) -> int:
        """Index (0 = April) of the quarter's last month."""
        return self.number * 3 - 1

    @property
    def month_indices(self) -> range:
        return range(self.number * 3 - 3, self.number * 3)

    @property
    def end_year_month(self) -> tuple[int, int]:
        return self.fy.month_year(self.last_month_index)

    @property
    def end_month_label(self) -> str:
        """``March 2022``: the month the quarter ends with."""
        year, month = self.end_year_month
        return f"{MONTH_NAMES[month - 1]} {year}"

    @property
    def period_label(self) -> str:
        """``1 January to 31 March 2022``."""
        first_year, first_month = self.fy.month_year(self.month_indices[0])
        last_year, last_month = self.end_year_month
        last_day = days_in_month(last_year, last_month)
        first = f"1 {MONTH_NAMES[first_month - 1]}"
        if first_year != last_year:
            first += f" {first_year}"
        return f"{first} to {last_day} {MONTH_NAMES[last_month - 1]} {last_year}"

    def previous(self, count: int = 1) -> "Quarter":
        index = self.fy.start * 4 + self.number - 1 - count
        return Quarter(FinancialYear(index // 4), index % 4 + 1)

    def same_quarter_last_year(self) -> "Quarter":
        return Quarter(self.fy.shift(-1), self.number)

    def __str__(self) -> str:
        return self.label


def days_in_month(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def month_label(year: int, month: int) -> str:
    """``Mar-22``, as the national priorities tables head their columns."""
    return f"{CALENDAR_MONTHS[month - 1]}-{year % 100:02d}"


def fy_of(year: int, month: int) -> tuple[FinancialYear, int]:
    """The financial year a calendar month falls in, and its index (0 = April)."""
    if month >= 4:
        return FinancialYear(year), month - 4
    return FinancialYear(year - 1), month + 8


def quarters_between(first: Quarter, last: Quarter) -> list[Quarter]:
    """Every quarter from ``first`` to ``last`` inclusive."""
    out: list[Quarter] = []
    current = last
    while current >= first:
        out.append(current)
        current = current.previous()
    return out[::-1]
