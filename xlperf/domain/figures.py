"""Published figures, computed: the catalogue of figures a report prints that xlperf can work
out from the input (issue 16), each with its convention.

A figure is named by a :class:`FigureKey`: a kind from ``data/figures.yaml`` (what is
computed and how), a subject (a crime category, a measure, a survey question), a period (a
quarter or a financial year) and, for changes, what it is compared with. :func:`compute`
returns the value with its working and input cells; the pack shows it and the
reconciliation compares it with the value a report printed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, NamedTuple

from ..arithmetic import points_change, rate, relative_change, round_half_away
from ..model import Dataset, SeriesTable
from ..periods import CALENDAR_MONTHS, FinancialYear, Quarter
from ..schema import load_data
from .rules import RuleKind
from .values import Figure, crime_series, crime_ytd, measure_value, months_sum, survey_percent


class FigureKey(NamedTuple):
    """Which figure of the catalogue: its kind, subject, period and what it is compared with."""

    kind: str
    subject: str = ""
    period: str = ""
    compared: str = ""

    @property
    def text(self) -> str:
        return "|".join((self.kind, self.subject, self.period, self.compared))


class Computed(NamedTuple):
    """A figure xlperf computed: ``value`` in the figure's unit (``%`` values are 0-100),
    ``alternative`` the value under the other common convention (e.g. from rounded rates)."""

    key: FigureKey
    value: float | None
    unit: str
    working: str
    convention: str
    cells: tuple[str, ...] = ()
    alternative: float | None = None
    alternative_label: str = ""


@lru_cache(maxsize=1)
def kinds() -> dict[str, dict[str, Any]]:
    return {k["kind"]: k for k in load_data("figures")["kinds"]}


def _quarter(text: str) -> Quarter:
    return Quarter.parse(text)


def _fy(text: str) -> FinancialYear:
    return FinancialYear.parse(text)


def _period_quarter(text: str) -> Quarter:
    """A quarter (``Q3 2021-22``) or a financial year (its Q4: the full year)."""
    try:
        return _quarter(text)
    except ValueError:
        return Quarter(_fy(text), 4)


def _months(table: SeriesTable, key: str, fy: FinancialYear,
            indices: range) -> tuple[int | None, tuple[str, ...]]:
    series = table.get(key, {}).get(fy)
    if series is None:
        return None, ()
    values = [series.values[i] for i in indices]
    cells = tuple(series.cell(i) for i in indices if series.cell(i))
    if any(v is None for v in values):
        present = [v for v in values if v is not None]
        return (sum(present) if present else None), cells
    return sum(v for v in values if v is not None), cells


def _rate_between(table: SeriesTable, top: str, bottom: str, fy: FinancialYear,
                  indices: range) -> tuple[float | None, str, tuple[str, ...]]:
    num, c1 = _months(table, top, fy, indices)
    den, c2 = _months(table, bottom, fy, indices)
    return rate(num, den), f"{num} / {den}", c1 + c2


def asb_quarter_total(ds: Dataset, quarter: Quarter) -> tuple[int | None, tuple[str, ...]]:
    """ASB incidents in a financial quarter (the ASB table is by calendar month)."""
    total = 0
    cells: list[str] = []
    for index in quarter.month_indices:
        year, month = quarter.fy.month_year(index)
        series = ds.asb.get(year)
        if series is None or series.values[month - 1] is None:
            return None, tuple(cells)
        total += series.values[month - 1] or 0
        cells.append(series.cell(month - 1))
    return total, tuple(cells)


def asb_peak_month(ds: Dataset, year: int) -> tuple[str, int] | None:
    series = ds.asb.get(year)
    if series is None:
        return None
    present = [(v, i) for i, v in enumerate(series.values) if v is not None]
    if not present:
        return None
    value, index = max(present, key=lambda p: (p[0], -p[1]))
    return f"{CALENDAR_MONTHS[index]} {year}", value


def compute(ds: Dataset, key: FigureKey) -> Computed:
    """Work out one figure of the catalogue; value None (with the reason in ``working``)
    when the input lacks what it needs."""
    spec = kinds().get(key.kind)
    if spec is None:
        raise ValueError(f"unknown figure kind {key.kind!r}")
    unit, convention = spec["unit"], " ".join(spec["convention"].split())
    try:
        value, working, cells, alt, alt_label = _COMPUTE[key.kind](ds, key)
    except (ValueError, KeyError) as exc:
        return Computed(key, None, unit, f"cannot compute: {exc}", convention)
    if unit == "measure":
        unit = ds.measure(key.subject).unit
    if key.kind == "measure-change" and ds.rules[ds.measure(key.subject).rule].kind is (
            RuleKind.POINTS_CHANGE):
        unit = "points"
    return Computed(key, value, unit, working, convention, cells, alt, alt_label)


_Result = tuple[float | None, str, tuple[str, ...], float | None, str]


def _crime(ds: Dataset, key: FigureKey) -> tuple[Figure, Figure]:
    quarter = _period_quarter(key.period)
    base = _fy(key.compared)
    return (crime_ytd(ds, key.subject, quarter),
            crime_ytd(ds, key.subject, Quarter(base, quarter.number)))


def _crime_ytd(ds: Dataset, key: FigureKey) -> _Result:
    fig = crime_ytd(ds, key.subject, _period_quarter(key.period))
    return fig.value, fig.working, fig.cells, None, ""


def _crime_change(ds: Dataset, key: FigureKey) -> _Result:
    now, base = _crime(ds, key)
    if now.value is None or base.value is None:
        return None, f"{now.working}; {base.working}", (), None, ""
    return (now.value - base.value, f"{now.value:,.0f} - {base.value:,.0f}",
            now.cells + base.cells, None, "")


def _crime_change_pct(ds: Dataset, key: FigureKey) -> _Result:
    now, base = _crime(ds, key)
    value = relative_change(now.value, base.value)
    return (value, f"({now.value} - {base.value}) / {base.value}", now.cells + base.cells,
            None, "")


def crime_quarter(ds: Dataset, subject: str, quarter: Quarter) -> int | None:
    """Recorded crimes of a category or subtotal in a quarter's three months."""
    months = crime_series(ds, subject, quarter.fy)
    return None if months is None else months_sum(months, quarter.month_indices)


def _crime_quarter(ds: Dataset, key: FigureKey) -> _Result:
    quarter = _quarter(key.period)
    return (crime_quarter(ds, key.subject, quarter),
            f"{key.subject}, {quarter.label} (three months)", (), None, "")


def _crime_quarter_change(ds: Dataset, key: FigureKey) -> _Result:
    quarter = _quarter(key.period)
    other = _quarter(key.compared) if key.compared else quarter.previous()
    now, before = crime_quarter(ds, key.subject, quarter), crime_quarter(ds, key.subject, other)
    return (relative_change(now, before), f"({now} - {before}) / {before}", (), None, "")


def _servator_quarter(ds: Dataset, key: FigureKey) -> _Result:
    quarter = _quarter(key.period)
    value, working, cells = _rate_between(ds.servator, "Positive Stop & Searches",
                                          "Stop and Search", quarter.fy, quarter.month_indices)
    return value, f"{working} ({quarter.label} months only)", cells, None, ""


def _ytd_range(key: FigureKey) -> tuple[FinancialYear, range]:
    quarter = _period_quarter(key.period)
    return quarter.fy, range(0, quarter.last_month_index + 1)


def _servator_ytd(ds: Dataset, key: FigureKey) -> _Result:
    fy, months = _ytd_range(key)
    value, working, cells = _rate_between(ds.servator, "Positive Stop & Searches",
                                          "Stop and Search", fy, months)
    return value, working, cells, None, ""


def _servator_change(ds: Dataset, key: FigureKey) -> _Result:
    fy, months = _ytd_range(key)
    now, w1, c1 = _rate_between(ds.servator, "Positive Stop & Searches", "Stop and Search",
                                fy, months)
    base, w2, c2 = _rate_between(ds.servator, "Positive Stop & Searches", "Stop and Search",
                                 _fy(key.compared), range(12))
    value = points_change(now, base)
    alt = None
    if now is not None and base is not None:
        alt = round_half_away(now) - round_half_away(base)
    return (value, f"{w1} - {w2} (unrounded rates)", c1 + c2, alt,
            "from rates rounded first")


def _public_order_rate(ds: Dataset, key: FigureKey) -> _Result:
    fy, months = _ytd_range(key)
    value, working, cells = _rate_between(ds.public_order, "Positive Outcomes",
                                          "Public Order Offences", fy, months)
    return value, working, cells, None, ""


def _asb_quarter(ds: Dataset, key: FigureKey) -> _Result:
    value, cells = asb_quarter_total(ds, _quarter(key.period))
    return value, "incidents in the quarter's three months", cells, None, ""


def _asb_quarter_change(ds: Dataset, key: FigureKey) -> _Result:
    quarter = _quarter(key.period)
    other = _quarter(key.compared) if key.compared else quarter.previous()
    now, c1 = asb_quarter_total(ds, quarter)
    before, c2 = asb_quarter_total(ds, other)
    return (relative_change(now, before), f"({now} - {before}) / {before}", c1 + c2, None, "")


@lru_cache(maxsize=1)
def ward_sectors() -> dict[str, str]:
    """Ward -> sector (data/wards.yaml)."""
    return {w: s["sector"] for s in load_data("wards")["sectors"] for w in s["wards"]}


def asb_wards(ds: Dataset, quarter: Quarter) -> list[tuple[str, int, str]]:
    """(ward, incidents, input cell) of a quarter, most incidents first, then by name."""
    rows = [(w, n, cell) for (w, q), (n, cell) in ds.asb_wards.items() if q == quarter]
    return sorted(rows, key=lambda r: (-r[1], r[0]))


def ward_rank(ds: Dataset, ward: str, quarter: Quarter) -> int | None:
    """1 + the number of wards with more incidents (Excel's RANK, ties share a place)."""
    rows = asb_wards(ds, quarter)
    mine = [n for w, n, _c in rows if w == ward]
    if not mine:
        return None
    return 1 + sum(1 for _w, n, _c in rows if n > mine[0])


def _asb_ward(ds: Dataset, key: FigureKey) -> _Result:
    entry = ds.asb_wards.get((key.subject, _quarter(key.period)))
    if entry is None:
        return None, f"no ASB count for {key.subject} in {key.period}", (), None, ""
    return entry[0], f"{key.subject} (input)", (entry[1],), None, ""


def _asb_ward_rank(ds: Dataset, key: FigureKey) -> _Result:
    quarter = _quarter(key.period)
    rank = ward_rank(ds, key.subject, quarter)
    counted = len(asb_wards(ds, quarter))
    return rank, f"rank of {counted} wards with a count", (), None, ""


def _asb_sector(ds: Dataset, key: FigureKey) -> _Result:
    quarter = _quarter(key.period)
    rows = [r for r in asb_wards(ds, quarter) if ward_sectors().get(r[0]) == key.subject]
    if not rows:
        return None, f"no ward counts for the {key.subject} sector", (), None, ""
    return (sum(n for _w, n, _c in rows), f"{len(rows)} wards with a count",
            tuple(c for _w, _n, c in rows), None, "")


def _one_title(titles: list[str], fragment: str) -> str:
    """The title equal to ``fragment``, else the only one containing it."""
    if fragment in titles:
        return fragment
    found = [t for t in titles if fragment.lower() in t.lower()]
    if len(found) != 1:
        raise ValueError(f"{fragment!r} names {len(found)} HMICFRS reports, not one")
    return found[0]


def _hmicfrs_reports(ds: Dataset, key: FigureKey) -> _Result:
    titles = list(dict.fromkeys(r.report for r in ds.recommendations))
    return len(titles), f"{len(titles)} reports in the list", (), None, ""


def _hmicfrs_status(ds: Dataset, key: FigureKey) -> _Result:
    report, _sep, status = key.subject.rpartition(":")
    status = status.strip()
    recs = list(ds.recommendations)
    if report:
        title = _one_title(list(dict.fromkeys(r.report for r in recs)), report.strip())
        recs = [r for r in recs if r.report == title]
    previous = key.period.strip().lower() == "previous"
    chosen = [r for r in recs if (r.previous_status if previous else r.status) == status]
    return (len(chosen), f"{len(chosen)} of {len(recs)} listed recommendations",
            tuple(r.cell for r in chosen), None, "")


def _hmicfrs_report_total(ds: Dataset, key: FigureKey) -> _Result:
    title = _one_title(list(ds.hmicfrs_totals), key.subject)
    police, others, cell = ds.hmicfrs_totals[title]
    return police + others, f"{police} for the police + {others} for other bodies", (cell,), (
        None), ""


def _history_percent(ds: Dataset, key: FigureKey) -> _Result:
    from .history import point  # noqa: PLC0415

    found = point(ds, key.subject, _quarter(key.period))
    if found is None or found.value is None:
        return None, f"no {key.subject} result for {key.period}", (), None, ""
    working = (f"{found.positive} / {found.total}" if found.total else "typed percent")
    return found.value, working, (found.cell,), None, ""


def _history_trend(ds: Dataset, key: FigureKey) -> _Result:
    from .history import point, series, trend  # noqa: PLC0415

    quarter = _quarter(key.period)
    now = point(ds, key.subject, quarter)
    if key.compared:
        before = point(ds, key.subject, _quarter(key.compared))
    else:
        earlier = [p for p in series(ds, key.subject) if p.quarter < quarter]
        before = earlier[-1] if earlier else None
    if now is None or before is None:
        return None, f"no two results of {key.subject} to compare", (), None, ""
    result = trend(before.value, now.value)
    return (result.change, f"{result.text}: rounded {before.quarter.label} v "
            f"{now.quarter.label}", (before.cell, now.cell), None, "")


def _history_falls(ds: Dataset, key: FigureKey) -> _Result:
    from .history import point  # noqa: PLC0415

    quarter, other = _quarter(key.period), _quarter(key.compared)
    falls = total = 0
    for sid in (x.strip() for x in key.subject.split(",") if x.strip()):
        now, before = point(ds, sid, quarter), point(ds, sid, other)
        if now is None or before is None or now.value is None or before.value is None:
            continue
        total += 1
        falls += now.value < before.value
    return falls, f"{falls} of {total} fell", (), None, ""


def _survey(ds: Dataset, key: FigureKey) -> _Result:
    fig = survey_percent(ds, key.subject, _fy(key.period))
    return fig.value, fig.working, fig.cells, None, ""


def _survey_mean(ds: Dataset, key: FigureKey) -> _Result:
    fy = _fy(key.period)
    parts = [survey_percent(ds, q.strip(), fy) for q in key.subject.split(",") if q.strip()]
    values = [p.value for p in parts]
    if not values or any(v is None for v in values):
        return None, "a question has no result", (), None, ""
    mean = sum(v for v in values if v is not None) / len(values)
    return (mean, " + ".join(p.working for p in parts) + f", mean of {len(values)} shares",
            tuple(c for p in parts for c in p.cells), None, "")


def _survey_points(ds: Dataset, key: FigureKey) -> _Result:
    fy = _fy(key.period)
    other = _fy(key.compared) if key.compared else fy.shift(-1)
    now, before = survey_percent(ds, key.subject, fy), survey_percent(ds, key.subject, other)
    value = points_change(now.value, before.value)
    relative = relative_change(now.value, before.value)
    return (value, f"{now.value} - {before.value} (points)", now.cells + before.cells,
            relative, "as a relative change (%)")


def _survey_counts(ds: Dataset, key: FigureKey) -> tuple[int, int, str]:
    entry = ds.survey_responses.get((key.subject, _fy(key.period)))
    if entry is None:
        raise ValueError(f"no invitations and responses for {key.subject} {key.period}")
    invitations, responses = entry
    return invitations, responses, f"{responses} responses / {invitations} invitations"


def _survey_responses(ds: Dataset, key: FigureKey) -> _Result:
    _inv, responses, working = _survey_counts(ds, key)
    return responses, working, (), None, ""


def _survey_invitations(ds: Dataset, key: FigureKey) -> _Result:
    invitations, _resp, working = _survey_counts(ds, key)
    return invitations, working, (), None, ""


def _survey_response_rate(ds: Dataset, key: FigureKey) -> _Result:
    invitations, responses, working = _survey_counts(ds, key)
    return rate(responses, invitations), working, (), None, ""


def _measures_graded(ds: Dataset, key: FigureKey) -> _Result:
    from .grading import grade_measure  # noqa: PLC0415 - grading imports this module's users

    grades = {g.strip() for g in key.subject.split(" or ") if g.strip()}
    quarter = _period_quarter(key.period)
    shown = [m.id for m in ds.measures
             if grade_measure(ds, m, quarter).shown in grades]
    return (len(shown), f"{', '.join(shown) or 'none'} ({quarter.label})", (), None, "")


def _measure(ds: Dataset, key: FigureKey) -> _Result:
    measure = ds.measure(key.subject)
    fig = measure_value(ds, measure, _period_quarter(key.period))
    return fig.value, fig.working, fig.cells, None, ""


def _measure_change(ds: Dataset, key: FigureKey) -> _Result:
    from .grading import grade_measure  # noqa: PLC0415 - grading imports this module's users

    measure = ds.measure(key.subject)
    grade = grade_measure(ds, measure, _period_quarter(key.period))
    now, ref = grade.value.value, grade.reference.value
    if grade.rule.kind is RuleKind.POINTS_CHANGE:
        value = points_change(now, ref)
    else:
        value = relative_change(now, ref)
    return (value, f"{now} v {ref} ({grade.reference_label or 'reference'})",
            grade.value.cells + grade.reference.cells, None, "")


_COMPUTE: dict[str, Any] = {
    "crime-ytd": _crime_ytd,
    "crime-change": _crime_change,
    "crime-change-pct": _crime_change_pct,
    "crime-quarter": _crime_quarter,
    "crime-quarter-change": _crime_quarter_change,
    "servator-rate-quarter": _servator_quarter,
    "servator-rate": _servator_ytd,
    "servator-rate-change": _servator_change,
    "public-order-rate": _public_order_rate,
    "asb-quarter": _asb_quarter,
    "asb-quarter-change": _asb_quarter_change,
    "asb-ward": _asb_ward,
    "asb-ward-rank": _asb_ward_rank,
    "asb-sector": _asb_sector,
    "hmicfrs-reports": _hmicfrs_reports,
    "hmicfrs-status": _hmicfrs_status,
    "hmicfrs-report-total": _hmicfrs_report_total,
    "history-percent": _history_percent,
    "history-trend": _history_trend,
    "history-falls": _history_falls,
    "survey-percent": _survey,
    "survey-mean": _survey_mean,
    "survey-change-points": _survey_points,
    "survey-responses": _survey_responses,
    "survey-invitations": _survey_invitations,
    "survey-response-rate": _survey_response_rate,
    "measures-graded": _measures_graded,
    "measure-value": _measure,
    "measure-change": _measure_change,
}

_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")
_FALL = re.compile(r"\b(decrease|reduction|fall|fell|drop|down|below|lower)\b", re.I)


class Printed(NamedTuple):
    """A number as a report printed it: its value and how many decimals it shows."""

    value: float
    decimals: int


def parse_printed(text: str) -> Printed | None:
    """``"-28%"`` -> -28; ``"n=-2,400"`` -> -2400; ``"a decrease of 32%"`` -> -32;
    ``"9.1%"`` -> 9.1 (1 decimal). None when the text holds no number."""
    match = _NUMBER.search(str(text))
    if match is None:
        return None
    token = match.group(0)
    value = float(token.replace(",", ""))
    decimals = len(token.split(".")[1]) if "." in token else 0
    if value > 0 and _FALL.search(str(text)):
        value = -value
    return Printed(value, decimals)


def agrees(printed: Printed, value: float | None) -> bool:
    """The printed number equals the computed one rounded as printed (half away from zero)."""
    if value is None:
        return False
    return round_half_away(value, printed.decimals) == printed.value


def fmt(value: float | None, unit: str, decimals: int = 0) -> str:
    """A computed figure as the report would print it: ``-27%``, ``-2,396``, ``-3 pts``."""
    if value is None:
        return "N/A"
    rounded = round_half_away(value, decimals)
    if rounded == 0:
        rounded = 0.0
    number = f"{rounded:,.{decimals}f}"
    if unit == "%":
        return f"{number}%"
    if unit == "points":
        return f"{number} pts"
    return number
