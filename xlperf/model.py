"""The quarterly performance workbook as plain Python data, after validation.

Every figure keeps the cell it came from (``Crime!D14``) so the pack's Audit sheet and
``xlperf explain`` can say where a number came from. Nothing here imports openpyxl,
xlwings or click.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .domain.rules import RollUpCondition, Rule
from .domain.sources import ValueSource
from .periods import FinancialYear, Quarter


@dataclass(frozen=True)
class Series:
    """Twelve monthly counts (None = no data), the cells they came from, and their source."""

    values: tuple[int | None, ...]
    cells: tuple[str, ...] = ()
    source: str = ""

    def upto(self, month_index: int) -> list[int | None]:
        return list(self.values[: month_index + 1])

    def cell(self, index: int) -> str:
        return self.cells[index] if index < len(self.cells) else ""


#: Key -> financial year (or calendar year for ASB) -> series.
SeriesTable = dict[str, dict[FinancialYear, Series]]


@dataclass(frozen=True)
class Measure:
    id: str
    priority: str
    number: int
    text: str
    aim: str
    rule: str
    source: ValueSource
    unit: str
    frequency: str
    survey: str
    first_fy: FinancialYear
    cell: str = ""

    @property
    def label(self) -> str:
        return f"Measure {self.number}- {self.text}"


@dataclass(frozen=True)
class MeasureValue:
    value: float | None
    reported: str | None
    reason: str
    source: str
    cell: str = ""
    reported_cell: str = ""


@dataclass(frozen=True)
class ReportedGrade:
    grade: str
    reason: str
    source: str
    cell: str = ""


@dataclass(frozen=True)
class SurveyAnswer:
    survey: str
    fy: FinancialYear
    quarter: int | None
    question_id: str
    question: str
    answer: str
    positive: bool
    respondents: int
    cell: str = ""


@dataclass(frozen=True)
class ForceCrime:
    force: str
    period_end: dt.date
    crimes: int
    previous: int
    cell: str = ""


@dataclass(frozen=True)
class NationalMetric:
    priority: str
    metric: str
    value: float | None
    reason: str
    source: str
    cell: str = ""


@dataclass(frozen=True)
class Narrative:
    priority: str
    quarter: Quarter
    text: str
    cell: str = ""


@dataclass(frozen=True)
class ReportText:
    """The analysts' own text for a paragraph of the report: it replaces the generated
    paragraph (``use`` "replace") or follows it ("after")."""

    paragraph: str
    use: str
    text: str
    cell: str = ""


@dataclass(frozen=True)
class Recommendation:
    report: str
    published: dt.date
    type: str
    number: int
    text: str
    status: str
    previous_status: str | None
    due: dt.date | None
    original_due: dt.date | None
    comments: str
    owner: str
    position: str
    source: str = ""
    cell: str = ""


@dataclass(frozen=True)
class KPAStatus:
    priority: str
    kpa: str
    description: str
    owner: str
    period: str
    light: str
    position: str
    in_focus: bool
    cell: str = ""


@dataclass(frozen=True)
class PublishedCount:
    """A count of recommendations a tracker report printed (issue 9), to reconcile with the
    list: ``table`` is "Summary" (``report`` blank) or "Per report"."""

    table: str
    report: str
    type: str
    status: str
    previous: int | None
    current: int | None
    cell: str = ""


@dataclass
class Dataset:
    """Everything the pack is computed from."""

    file: str
    settings: dict[str, object] = field(default_factory=dict)
    settings_cells: dict[str, str] = field(default_factory=dict)
    priorities: list[tuple[str, str]] = field(default_factory=list)
    rules: dict[str, Rule] = field(default_factory=dict)
    rollup: tuple[RollUpCondition, ...] = ()
    measures: list[Measure] = field(default_factory=list)
    measure_values: dict[tuple[str, Quarter], MeasureValue] = field(default_factory=dict)
    priority_grades: dict[tuple[str, Quarter], ReportedGrade] = field(default_factory=dict)
    crime: SeriesTable = field(default_factory=dict)
    neighbourhood: SeriesTable = field(default_factory=dict)
    servator: SeriesTable = field(default_factory=dict)
    public_order: SeriesTable = field(default_factory=dict)
    asb: dict[int, Series] = field(default_factory=dict)
    survey_answers: list[SurveyAnswer] = field(default_factory=list)
    survey_responses: dict[tuple[str, FinancialYear], tuple[int, int]] = field(
        default_factory=dict
    )
    national_crime: list[ForceCrime] = field(default_factory=list)
    national_metrics: dict[tuple[str, Quarter], NationalMetric] = field(default_factory=dict)
    narratives: dict[tuple[str, Quarter], Narrative] = field(default_factory=dict)
    report_text: dict[str, list[ReportText]] = field(default_factory=dict)
    recommendations: list[Recommendation] = field(default_factory=list)
    kpas: list[KPAStatus] = field(default_factory=list)
    kpa_priorities: dict[tuple[str, str], str] = field(default_factory=dict)
    hmicfrs_published: list[PublishedCount] = field(default_factory=list)
    latest_quarter: Quarter | None = None
    #: Warnings found when the workbook was read (e.g. macros ignored), for the caller to show.
    warnings: list[Any] = field(default_factory=list)

    @property
    def force(self) -> str:
        return str(self.settings.get("Force name") or "City of London Police")

    @property
    def marking(self) -> str:
        return str(self.settings.get("Protective marking") or "OFFICIAL")

    def measure(self, measure_id: str) -> Measure:
        for measure in self.measures:
            if measure.id == measure_id:
                return measure
        raise KeyError(measure_id)
