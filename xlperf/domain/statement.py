"""The national priorities statement as pure computations: its periods, its neighbourhood
crime counts, and the narrative placeholders (data/statement.yaml) with their formatting.

Nothing here knows about the pack or a workbook: the pack describer and the validation both
use these functions, so the figures a narrative quotes are the figures the tables show.
"""

import re
from functools import lru_cache
from typing import Any, NamedTuple

from ..arithmetic import fmt_percent, round_half_away
from ..model import Dataset
from ..periods import MONTH_NAMES, FinancialYear, Quarter, fy_of, month_label
from ..schema import load_data

#: ``{name}`` placeholders; ``{{`` and ``}}`` are literal braces.
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}\n]*)\}")

#: A month of the neighbourhood data: (financial year, month index 0 = April).
Month = tuple[FinancialYear, int]


@lru_cache(maxsize=1)
def statement_data() -> dict[str, Any]:
    return load_data("statement")


@lru_cache(maxsize=1)
def national_data() -> dict[str, Any]:
    return load_data("national")


def figure_names() -> tuple[str, ...]:
    """Every placeholder a narrative may use."""
    return tuple(statement_data()["figures"])


def placeholders(text: str) -> list[str]:
    """The placeholder names in ``text``, in order (escaped braces are not placeholders)."""
    return [m.group(1) for m in _TOKEN.finditer(text) if m.group(1) is not None]


def unknown_placeholders(text: str) -> list[str]:
    known = set(figure_names())
    return [name for name in placeholders(text) if name not in known]


def fill(text: str, figures: dict[str, str]) -> str:
    """``text`` with each ``{name}`` replaced by its figure (KeyError for an unknown one)."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token in ("{{", "}}"):
            return token[0]
        return figures[match.group(1)]

    return _TOKEN.sub(replace, text)


def ordinal(number: int) -> str:
    """``40th``, ``1st``, ``22nd``, ``13th``."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(
        number % 10, "th")
    return f"{number}{suffix}"


def _words(value: float, digits: int) -> str:
    shown = fmt_percent(abs(value) * 100, digits)
    if round_half_away(value * 100, digits) == 0:
        return "no change"
    return f"{shown} {'increase' if value > 0 else 'decrease'}"


def format_figure(value: Any, fmt: str, not_available: str = "not available") -> str:
    """A figure as the statement prints it. Changes and rates are fractions (0.25 = 25%);
    ``percent_value`` is a percentage typed 0-100."""
    if value is None or value == "N/A":
        return not_available
    if fmt == "count":
        return f"{value:,.0f}"
    if fmt in ("percent", "percent1", "percent2"):
        return fmt_percent(value * 100, int(fmt[-1]) if fmt[-1].isdigit() else 0)
    if fmt == "percent_value":
        return fmt_percent(value, 0)
    if fmt in ("words", "words1", "words2"):
        return _words(value, int(fmt[-1]) if fmt[-1].isdigit() else 0)
    if fmt == "ordinal":
        return ordinal(int(value))
    if fmt == "text":
        return str(value)
    raise ValueError(f"unknown figure format {fmt!r}")


# -- periods ---------------------------------------------------------------------------------


def label_fields(force: str, quarter: Quarter) -> dict[str, str]:
    """The fields every statement label may use (see data/statement.yaml)."""
    return {
        "force": force,
        "ordinal": statement_data()["ordinals"][quarter.number - 1],
        "quarter": quarter.label,
        "fy": quarter.fy.label,
        "month": quarter.end_month_label,
        "period": quarter.period_label,
    }


def baseline_fy() -> FinancialYear:
    return FinancialYear.parse(str(national_data()["neighbourhood_baseline_fy"]))


def month_name(month: Month) -> str:
    """``March 2020``."""
    year, calendar_month = month[0].month_year(month[1])
    return f"{MONTH_NAMES[calendar_month - 1]} {year}"


class NeighbourhoodPeriods(NamedTuple):
    """The months the two neighbourhood tables compare, for one quarter."""

    baseline_month: Month
    current_month: Month
    baseline_year: tuple[Month, ...]
    current_year: tuple[Month, ...]

    @property
    def monthly_labels(self) -> tuple[str, str]:
        """``("Mar-20", "Mar-22")``."""
        return (month_label(*self.baseline_month[0].month_year(self.baseline_month[1])),
                month_label(*self.current_month[0].month_year(self.current_month[1])))

    @property
    def yearly_labels(self) -> tuple[str, str]:
        """``("April 2019 - March 2020", "April 2021 - March 2022")``."""
        return (f"{month_name(self.baseline_year[0])} - {month_name(self.baseline_year[-1])}",
                f"{month_name(self.current_year[0])} - {month_name(self.current_year[-1])}")

    @property
    def months(self) -> tuple[Month, ...]:
        """Every month either table needs, in order, without repeats."""
        seen = dict.fromkeys([*self.baseline_year, self.baseline_month, *self.current_year,
                              self.current_month])
        return tuple(sorted(seen))

    @property
    def years(self) -> tuple[FinancialYear, ...]:
        return tuple(sorted({fy for fy, _ in self.months}))


def twelve_months_to(end: Month) -> tuple[Month, ...]:
    fy, index = end
    year, month = fy.month_year(index)
    out: list[Month] = []
    for back in range(11, -1, -1):
        total = year * 12 + month - 1 - back
        out.append(fy_of(total // 12, total % 12 + 1))
    return tuple(out)


def neighbourhood_periods(quarter: Quarter, base: FinancialYear | None = None) -> (
        NeighbourhoodPeriods):
    """Baseline = the baseline financial year (and the same month of it); current = the
    quarter's last month and the 12 months to it."""
    base = base or baseline_fy()
    current: Month = (quarter.fy, quarter.last_month_index)
    return NeighbourhoodPeriods(
        baseline_month=(base, quarter.last_month_index),
        current_month=current,
        baseline_year=tuple((base, i) for i in range(12)),
        current_year=twelve_months_to(current),
    )


def neighbourhood_offences() -> list[str]:
    return list(load_data("categories")["neighbourhood_offences"])


def month_value(ds: Dataset, offence: str, month: Month) -> int | None:
    series = ds.neighbourhood.get(offence, {}).get(month[0])
    return None if series is None else series.values[month[1]]


def months_total(ds: Dataset, offence: str, months: tuple[Month, ...]) -> int | None:
    """Sum of the months; None when any of them has no figure."""
    values = [month_value(ds, offence, m) for m in months]
    if any(v is None for v in values):
        return None
    return sum(v for v in values if v is not None)


def has_statement(ds: Dataset, quarter: Quarter) -> bool:
    """Has the analyst started this quarter's statement (any metric or narrative)?"""
    return any(q == quarter for _, q in ds.national_metrics) or any(
        q == quarter for _, q in ds.narratives)
