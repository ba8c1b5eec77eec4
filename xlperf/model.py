"""The quarterly performance workbook as plain Python data, after validation.

Every figure keeps the cell it came from (``Crime!D14``) so the pack's Audit sheet and
``xlperf explain`` can say where a number came from. Nothing here imports openpyxl,
xlwings or click.

The records are named tuples, not dataclasses: a dataclass generates its methods with
``exec`` when its module is imported, which cost ``xlperf validate`` some 10 ms for this
module's classes; a named tuple costs a tenth of that. They compare, hash and print as the
frozen dataclasses did; copy one with ``_replace``.
"""


import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from .domain.rules import RollUpCondition, Rule
from .domain.sources import ValueSource
from .periods import FinancialYear, Quarter
from .problems import Problem

#: An empty read-only mapping (the default of a Dataset's mapping fields).
EMPTY: Mapping[Any, Any] = MappingProxyType({})


class Series(NamedTuple):
    """Twelve monthly counts (None = no data), the cells they came from, and their source."""

    values: tuple[int | None, ...]
    cells: tuple[str, ...] = ()
    source: str = ""

    def upto(self, month_index: int) -> list[int | None]:
        return list(self.values[: month_index + 1])

    def cell(self, index: int) -> str:
        return self.cells[index] if index < len(self.cells) else ""


#: Key -> financial year -> series.
SeriesTable = Mapping[str, Mapping[FinancialYear, Series]]


class Measure(NamedTuple):
    """A performance measure (input table Measures): its priority, wording, aim, rule, value
    source, unit, frequency (and survey), first financial year, and the cells they came from."""

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
    text_cell: str = ""
    aim_cell: str = ""

    @property
    def label(self) -> str:
        return f"Measure {self.number}- {self.text}"


class MeasureValue(NamedTuple):
    """A measure's value in a quarter as typed (Measure values), with the grade the analysts
    reported, their reason and the cells."""

    value: float | None
    reported: str | None
    reason: str
    source: str
    cell: str = ""
    reported_cell: str = ""
    reason_cell: str = ""


class ReportedGrade(NamedTuple):
    """A priority's grade in a quarter as the analysts reported it, with their reason."""

    grade: str
    reason: str
    source: str
    cell: str = ""
    reason_cell: str = ""


class SurveyAnswer(NamedTuple):
    """An answer to a survey question in a financial year (and quarter): how many
    respondents gave it, and whether it counts as positive."""

    survey: str
    fy: FinancialYear
    quarter: int | None
    question_id: str
    question: str
    answer: str
    positive: bool
    respondents: int
    cell: str = ""


class ForceCrime(NamedTuple):
    """A force's crimes in the 12 months to ``period_end`` and the 12 months before (the
    national comparison)."""

    force: str
    period_end: dt.date
    crimes: int
    previous: int
    cell: str = ""


class NationalMetric(NamedTuple):
    """A national priority metric's value in a quarter (or why there is none)."""

    priority: str
    metric: str
    value: float | None
    reason: str
    source: str
    cell: str = ""
    reason_cell: str = ""


class Narrative(NamedTuple):
    """The analysts' narrative for a national priority in a quarter."""

    priority: str
    quarter: Quarter
    text: str
    cell: str = ""


class ReportText(NamedTuple):
    """The analysts' own text for a paragraph of the report: it replaces the generated
    paragraph (``use`` "replace") or follows it ("after")."""

    paragraph: str
    use: str
    text: str
    cell: str = ""


class Recommendation(NamedTuple):
    """An HMICFRS recommendation or area for improvement and its progress."""

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
    comments_cell: str = ""
    position_cell: str = ""


class KPAStatus(NamedTuple):
    """A Safer City Partnership key performance area's status (light) in a period."""

    priority: str
    kpa: str
    description: str
    owner: str
    period: str
    light: str
    position: str
    in_focus: bool
    cell: str = ""
    position_cell: str = ""


class PublishedCount(NamedTuple):
    """A count of recommendations a tracker report printed (issue 9), to reconcile with the
    list: ``table`` is "Summary" (``report`` blank) or "Per report"."""

    table: str
    report: str
    type: str
    status: str
    previous: int | None
    current: int | None
    cell: str = ""


class PublishedFigure(NamedTuple):
    """A figure a published report printed (issue 16), to reconcile with xlperf's."""

    kind: str
    subject: str
    period: str
    compared: str
    published: str
    printed_at: str
    quote: str = ""
    cell: str = ""


class MeasureFigure(NamedTuple):
    """A figure supporting a measure's grade in a quarter (issue 16): a part of its value or a
    second indicator, typed on the Measure figures table."""

    measure_id: str
    quarter: Quarter
    figure: str
    value: float
    unit: str
    cell: str = ""


class ResultPoint(NamedTuple):
    """One quarter of a measure's result history (issue 16, seed 003): counts, or a percent
    where only the percentage was kept."""

    series_id: str
    series: str
    quarter: Quarter
    positive: int | None = None
    total: int | None = None
    percent: float | None = None
    cell: str = ""

    @property
    def value(self) -> float | None:
        """The percentage (0-100): positive / total, else the typed percent."""
        if self.positive is not None and self.total:
            return self.positive / self.total * 100
        return self.percent


class RebasePoint(NamedTuple):
    """A known change in a monthly series (SPC rebase table): new limits from ``period``."""

    series: str
    period: str  # YYYY-MM
    reason: str
    cell: str = ""
    reason_cell: str = ""


class Dataset(NamedTuple):
    """Everything the pack is computed from: built once by the reading pipeline
    (:mod:`xlperf.reading.pipeline`) from the schema's ``dataset:`` specs, never changed
    after. Sequences are tuples and mappings are read-only."""

    file: str
    settings: Mapping[str, object] = EMPTY
    settings_cells: Mapping[str, str] = EMPTY
    priorities: tuple[tuple[str, str], ...] = ()
    rules: Mapping[str, Rule] = EMPTY
    rollup: tuple[RollUpCondition, ...] = ()
    measures: tuple[Measure, ...] = ()
    measure_values: Mapping[tuple[str, Quarter], MeasureValue] = EMPTY
    priority_grades: Mapping[tuple[str, Quarter], ReportedGrade] = EMPTY
    crime: SeriesTable = EMPTY
    neighbourhood: SeriesTable = EMPTY
    servator: SeriesTable = EMPTY
    public_order: SeriesTable = EMPTY
    asb: Mapping[int, Series] = EMPTY
    survey_answers: tuple[SurveyAnswer, ...] = ()
    survey_responses: Mapping[tuple[str, FinancialYear], tuple[int, int]] = EMPTY
    national_crime: tuple[ForceCrime, ...] = ()
    national_metrics: Mapping[tuple[str, Quarter], NationalMetric] = EMPTY
    narratives: Mapping[tuple[str, Quarter], Narrative] = EMPTY
    report_text: tuple[ReportText, ...] = ()
    recommendations: tuple[Recommendation, ...] = ()
    kpas: tuple[KPAStatus, ...] = ()
    kpa_priorities: Mapping[tuple[str, str], str] = EMPTY
    hmicfrs_published: tuple[PublishedCount, ...] = ()
    published: tuple[PublishedFigure, ...] = ()
    #: HMICFRS report title -> (recommendations for the police, for other bodies, input cell)
    hmicfrs_totals: Mapping[str, tuple[int, int, str]] = EMPTY
    #: (first target of a "KPA's in focus" block, period) -> (reported light, input cell)
    kpa_focus: Mapping[tuple[str, str], tuple[str, str]] = EMPTY
    result_history: tuple[ResultPoint, ...] = ()
    measure_figures: tuple[MeasureFigure, ...] = ()
    spc_rebase: tuple[RebasePoint, ...] = ()
    #: (ward, quarter) -> (incidents, input cell)
    asb_wards: Mapping[tuple[str, Quarter], tuple[int, str]] = EMPTY
    #: The reporting quarter: Settings' Reporting quarter, else the latest complete quarter.
    latest_quarter: Quarter | None = None
    #: Warnings found when the workbook was read (e.g. macros ignored), for the caller to show.
    warnings: tuple[Problem, ...] = ()

    @property
    def force(self) -> str:
        return str(self.settings.get("Force name") or defaults()["force_name"])

    @property
    def marking(self) -> str:
        return str(self.settings.get("Protective marking") or defaults()["protective_marking"])

    def measure(self, measure_id: str) -> Measure:
        for measure in self.measures:
            if measure.id == measure_id:
                return measure
        raise KeyError(measure_id)


def defaults() -> Mapping[str, str]:
    """Settings used when the input leaves them blank (xlperf/data/defaults.yaml)."""
    from .schema import load_data  # noqa: PLC0415 - schema imports this package's periods

    return {str(k): str(v) for k, v in load_data("defaults").items()}
