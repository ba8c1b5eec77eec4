"""A measure's result history (issue 16, seed 003): a series of quarterly percentages over
several years with its trend, and two quarters compared across several series."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, NamedTuple

from ..arithmetic import round_half_away
from ..model import Dataset, ResultPoint
from ..periods import Quarter
from ..schema import load_data


@lru_cache(maxsize=1)
def config() -> dict[str, Any]:
    return dict(load_data("figures")["history"])


def series(ds: Dataset, series_id: str, upto: Quarter | None = None) -> list[ResultPoint]:
    """The series' points in quarter order (none after ``upto``)."""
    points = [p for p in ds.result_history if p.series_id == series_id
              and (upto is None or p.quarter <= upto)]
    return sorted(points, key=lambda p: p.quarter)


def series_ids(ds: Dataset) -> list[str]:
    return list(dict.fromkeys(p.series_id for p in ds.result_history))


class Trend(NamedTuple):
    """The change between two results, and its arrow."""

    change: float | None  # points, between the rounded percentages
    glyph: str

    @property
    def text(self) -> str:
        """``0% ▶``, ``-5% ▼``, ``3% ▲`` (no plus sign, as the seeds print changes)."""
        if self.change is None:
            return "N/A"
        value = self.change if self.change != 0 else 0.0
        return f"{value:.0f}% {self.glyph}"


def trend(before: float | None, after: float | None, decimals: int = 0) -> Trend:
    """Trend between two percentages rounded as printed: flat when the rounded values are
    equal, even if the unrounded ones differ."""
    glyphs = config()["trend"]
    if before is None or after is None:
        return Trend(None, "")
    change = round_half_away(after, decimals) - round_half_away(before, decimals)
    glyph = glyphs["flat"] if change == 0 else glyphs["up" if change > 0 else "down"]
    return Trend(change, glyph)


def point(ds: Dataset, series_id: str, quarter: Quarter) -> ResultPoint | None:
    for p in ds.result_history:
        if p.series_id == series_id and p.quarter == quarter:
            return p
    return None


def last_trend(ds: Dataset, series_id: str, upto: Quarter | None = None) -> Trend:
    points = series(ds, series_id, upto)
    if len(points) < 2:
        return Trend(None, "")
    return trend(points[-2].value, points[-1].value)


def compared_ids(ds: Dataset) -> list[str]:
    """Series with at most ``compare_max`` quarters: the quarter-on-quarter table."""
    limit = int(config()["compare_max"])
    return [s for s in series_ids(ds) if len(series(ds, s)) <= limit]


def history_ids(ds: Dataset) -> list[str]:
    limit = int(config()["compare_max"])
    return [s for s in series_ids(ds) if len(series(ds, s)) > limit]
