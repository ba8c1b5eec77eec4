"""The input's monthly series as XmR charts: which series exist (xlperf/data/spc.yaml and the
crime categories), their months as ``YYYY-MM`` periods, and a measure's series.
"""

from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

from ..arithmetic import rate
from ..model import Dataset, Measure, Series, SeriesTable
from ..periods import FinancialYear, Quarter
from ..schema import load_data
from .values import crime_series, subtotal_parts

if TYPE_CHECKING:
    from .spc import Improvement, SpcResult

    _Improvement = Improvement
else:
    # a named tuple's field annotation is evaluated at run time, where Improvement is not
    # imported; as a string it would be compiled (a typing.ForwardRef), and a process's first
    # compile() costs about 0.9 ms (it builds the ast module's classes)
    _Improvement = Any

Month = tuple[str, float | None]


def period(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


class SeriesSpec(NamedTuple):
    """A monthly series of the input that can be charted, and where it is read."""

    name: str
    table: str  # crime, asb, servator, public_order, neighbourhood
    improvement: _Improvement
    row: str = ""
    numerator: str = ""
    denominator: str = ""


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    return load_data("spc")


@lru_cache(maxsize=1)
def series_specs() -> dict[str, SeriesSpec]:
    """Every series, by name: the crime categories and subtotals, then spc.yaml's."""
    data = _data()
    crime = [str(c) for c in load_data("categories")["categories"]] + list(subtotal_parts())
    specs = {name: SeriesSpec(name, "crime", data["crime_improvement"], row=name)
             for name in crime}
    for item in data["series"]:
        specs[item["name"]] = SeriesSpec(
            item["name"], item["table"], item["improvement"], item.get("row", ""),
            item.get("numerator", ""), item.get("denominator", ""))
    return specs


def measure_series(measure: Measure) -> str | None:
    """The name of a measure's monthly series, or None (typed or survey values)."""
    if measure.source.name == "Crime YTD:":
        return measure.source.argument
    mapped = _data()["measure_series"].get(measure.source.name)
    return str(mapped) if mapped else None


def _fy_months(table: SeriesTable, spec: SeriesSpec) -> dict[FinancialYear, list[float | None]]:
    if spec.row:
        return {fy: [None if v is None else float(v) for v in s.values]
                for fy, s in table.get(spec.row, {}).items()}
    tops, bottoms = table.get(spec.numerator, {}), table.get(spec.denominator, {})
    out: dict[FinancialYear, list[float | None]] = {}
    for fy in sorted(set(tops) & set(bottoms), key=lambda f: f.start):
        months: list[float | None] = []
        for n, d in zip(tops[fy].values, bottoms[fy].values, strict=True):
            months.append(None if n is None or d is None or d == 0 else rate(n, d))
        out[fy] = months
    return out


def monthly(ds: Dataset, name: str) -> list[Month]:
    """The months of a series, oldest first, from its first year to its last (a year with no
    row gives missing months)."""
    spec = series_specs()[name]
    if spec.table == "asb":
        years: Mapping[int, Series] = ds.asb
        if not years:
            return []
        out: list[Month] = []
        for year in range(min(years), max(years) + 1):
            values = years[year].values if year in years else (None,) * 12
            out.extend((period(year, m + 1), None if v is None else float(v))
                       for m, v in enumerate(values))
        return out
    if spec.table == "crime":
        fys = {fy for leaf in ds.crime.values() for fy in leaf}
        by_fy: dict[FinancialYear, list[float | None]] = {}
        for fy in fys:
            counts = crime_series(ds, name, fy)
            if counts is not None:
                by_fy[fy] = [None if v is None else float(v) for v in counts]
    else:
        table: SeriesTable = getattr(ds, spec.table)
        by_fy = _fy_months(table, spec)
    if not by_fy:
        return []
    starts = [fy.start for fy in by_fy]
    out = []
    for start in range(min(starts), max(starts) + 1):
        fy = FinancialYear(start)
        months_of_fy = by_fy.get(fy, [None] * 12)
        out.extend((period(*fy.month_year(i)), v) for i, v in enumerate(months_of_fy))
    return out


def upto(months: list[Month], quarter: Quarter) -> list[Month]:
    """The months up to the quarter's end, without the missing months after the last value."""
    end = period(*quarter.end_year_month)
    kept = [m for m in months if m[0] <= end]
    while kept and kept[-1][1] is None:
        kept.pop()
    return kept


def latest_run(months: list[Month]) -> list[Month]:
    """The months after the last missing month that has a value after it."""
    last_gap = max((i for i, (_, v) in enumerate(months) if v is None), default=-1)
    return months[last_gap + 1:]


def chart_months(ds: Dataset, name: str, quarter: Quarter) -> list[Month]:
    """The months of a series up to the quarter's end (see :func:`upto`)."""
    return upto(monthly(ds, name), quarter)


def chart(ds: Dataset, name: str, quarter: Quarter | None = None,
          improvement: "Improvement | None" = None) -> "SpcResult":
    """The XmR chart of a series (up to ``quarter``, its latest unbroken run of months: an
    XmR chart needs consecutive months), with the input's rebase points for it.

    Raises :class:`~xlperf.domain.spc.SpcError` when the series cannot be charted.
    """
    from .spc import SpcOptions, spc  # noqa: PLC0415 - the months alone need no SPC code

    months = monthly(ds, name)
    if quarter is not None:
        months = upto(months, quarter)
    months = latest_run(months)
    periods = {p for p, _ in months[1:]}
    rebase = tuple(p for p in ds_rebase(ds, name) if p in periods)
    options = SpcOptions(improvement=improvement or series_specs()[name].improvement,
                         rebase=rebase)
    return spc(months, options)


def ds_rebase(ds: Dataset, name: str) -> tuple[str, ...]:
    """The rebase periods the input gives for a series (its "SPC rebase" table)."""
    return tuple(r.period for r in ds.spc_rebase if r.series == name)
