"""The one route from an input workbook to a :class:`~xlperf.model.Dataset`.

    read -> per-cell conversion -> per-table checks -> cross-table checks -> per-quarter checks

1. **read**: :func:`~xlperf.reading.xlsx.read_workbook` (a file) or
   :func:`~xlperf.reading.book.read_book` (a workbook open in Excel) give a ``RawWorkbook``.
2. **per-cell conversion**: the :class:`~xlperf.reading.validate.Validator` finds each table
   and its columns and converts every cell with its column type's converter
   (:data:`xlperf.reading.convert.CONVERTERS`); keys and references between tables are
   checked there too. The typed rows become the Dataset's fields as the schema's
   ``dataset:`` entries say (:mod:`xlperf.reading.records`).
3. **per-table**, 4. **cross-table** and 5. **per-quarter checks** are the tuples
   :data:`TABLE_CHECKS`, :data:`CROSS_CHECKS` and :data:`QUARTER_CHECKS` below: every check
   is registered here and returns its problems. A cell already reported as an error is not
   reported again by a later check.

The result (:class:`Loaded`) is the complete problem list and the Dataset, built once,
frozen, with the reporting quarter and the warnings in it; nothing changes it afterwards.
:func:`require_quarter` makes the per-quarter checks for a quarter other than the reporting
one (``build --quarter``, ``statement``, ``build-all``) and raises :class:`InputError`,
which only this package raises.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from .. import codes
from ..domain.sources import registry as value_sources
from ..domain.statement import has_statement
from ..model import Dataset
from ..periods import Quarter
from ..problems import InputError, Problem, Problems
from ..schema import load_schema
from . import (
    dataset_checks,
    output_limits,
    quarter_checks,
    report_checks,
    statement_checks,
    tracker_checks,
    unit_checks,
)
from .convert import check_types
from .records import build_fields
from .validate import TypedTable, Validator
from .xlsx import RawWorkbook, UnreadableInput, read_workbook


class Checking:
    """What a check may look at: the typed tables (rows with their cells) and the Dataset."""

    __slots__ = ("ds", "typed")

    def __init__(self, typed: dict[str, TypedTable], ds: Dataset) -> None:
        self.typed, self.ds = typed, ds

    @property
    def file(self) -> str:
        return self.ds.file

    @property
    def headers(self) -> statement_checks.Headers:
        return {name: (t.sheet, t.header_cells) for name, t in self.typed.items()}


Check = Callable[[Checking], list[Problem]]
QuarterCheck = Callable[[Dataset, Quarter], list[Problem]]

#: Checks of one table at a time, beyond its cells.
TABLE_CHECKS: tuple[Check, ...] = (
    lambda c: dataset_checks.rules(c.ds),
    lambda c: dataset_checks.rollup(c.typed, c.file),
    lambda c: dataset_checks.crime_years(c.typed, c.ds),
    lambda c: statement_checks.placeholders(c.ds),
    lambda c: report_checks.check_report_text(c.ds),
    lambda c: tracker_checks.published(c.typed, c.file),
    lambda c: tracker_checks.recommendations(c.typed, c.file),
)

#: Checks across tables (and the Settings table).
CROSS_CHECKS: tuple[Check, ...] = (
    lambda c: dataset_checks.percent_values(c.ds),
    lambda c: tracker_checks.settings(c.ds),
    lambda c: tracker_checks.periods(c.ds),
    lambda c: unit_checks.check_units(c.ds),
    lambda c: output_limits.header_footer(c.ds),
    lambda c: output_limits.narratives(c.ds),
    lambda c: output_limits.row_heights(c.typed, c.file),
    lambda c: dataset_checks.spc_rebase(c.ds),
)

#: Checks against the reporting quarter, made when the input is validated.
REPORTING_QUARTER_CHECKS: tuple[Callable[[Checking, Quarter], list[Problem]], ...] = (
    lambda c, quarter: quarter_checks.future_months(c.ds, quarter),
    lambda c, quarter: quarter_checks.missing_months(c.ds, quarter),
    lambda c, quarter: quarter_checks.references(c.ds, quarter),
    lambda c, quarter: statement_checks.started_statements(c.ds, quarter, c.headers),
)


def _statement_if_started(ds: Dataset, quarter: Quarter) -> list[Problem]:
    return statement_checks.statement_problems(ds, quarter) if has_statement(ds, quarter) else []


def _errors_only(check: QuarterCheck) -> QuarterCheck:
    def errors(ds: Dataset, quarter: Quarter) -> list[Problem]:
        return [p for p in check(ds, quarter) if p.severity == "error"]

    return errors


#: Checks made again when another quarter is built as if it were the reporting quarter, per
#: output: its months and rules' references (future months excepted: an earlier quarter
#: always has data after it), and its statement.
QUARTER_CHECKS: dict[str, tuple[QuarterCheck, ...]] = {
    "pack": (_errors_only(quarter_checks.missing_months),
             _errors_only(quarter_checks.references), _statement_if_started),
    "statement": (statement_checks.statement_problems,),
}

#: Codes of the reporting-quarter checks: made again for each quarter a batch builds.
QUARTER_CODES = frozenset({codes.MISSING_MONTH, codes.PARTIAL_QUARTER, codes.MISSING_REFERENCE,
                           codes.FUTURE_MONTH})


class Loaded:
    """The pipeline's result: every problem, and the Dataset (None when the workbook could
    not be read as tables; built from the complete rows otherwise, errors or not, so that a
    batch can still build the quarters the errors do not concern)."""

    __slots__ = ("dataset", "problems")

    def __init__(self, dataset: Dataset | None, problems: Problems) -> None:
        self.dataset, self.problems = dataset, problems

    def dataset_or_raise(self) -> Dataset:
        if self.problems.errors or self.dataset is None:
            raise InputError(self.problems)
        return self.dataset


def load(path: Path | str) -> Loaded:
    """Read and validate ``path`` fully."""
    try:
        raw = read_workbook(Path(path))
    except UnreadableInput as exc:
        return Loaded(None, Problems([exc.problem]))
    return load_raw(raw)


def load_or_raise(path: Path | str) -> Dataset:
    """The Dataset of ``path``; :class:`InputError` listing every problem when it has errors."""
    return load(path).dataset_or_raise()


class _Collector:
    """The problems so far; a later check's problem at a cell already in error is dropped."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems

    def extend(self, found: Iterable[Problem]) -> None:
        reported = {(p.sheet, p.cell) for p in self.problems.errors if p.cell}
        self.problems.extend([p for p in found if (p.sheet, p.cell) not in reported])


def load_raw(raw: RawWorkbook) -> Loaded:
    """Validate a workbook already read: from a file, or from an open Excel workbook
    (:mod:`xlperf.reading.book`), so both are checked by exactly the same rules."""
    schema = load_schema()
    check_types(schema)
    value_sources()  # a declared value source without a function stops here
    validator = Validator(raw, schema, set(_default_rule_names()))
    typed = validator.run()
    problems = validator.problems
    if not typed:
        return Loaded(None, problems)
    file = raw.path.name
    reported = {(p.sheet, p.cell) for p in problems.errors if p.cell}
    fields, incomplete = build_fields(schema, typed, file, reported)
    collector = _Collector(problems)
    collector.extend(incomplete)
    draft = Dataset(file=file, **fields)
    checking = Checking(typed, draft)
    for check in (*TABLE_CHECKS, *CROSS_CHECKS):
        collector.extend(check(checking))
    quarter, quarter_problems_found = quarter_checks.reporting_quarter(draft)
    collector.extend(quarter_problems_found)
    if quarter is not None:
        for quarter_check in REPORTING_QUARTER_CHECKS:
            collector.extend(quarter_check(checking, quarter))
    dataset = draft._replace(latest_quarter=quarter, warnings=tuple(problems.warnings))
    return Loaded(dataset, problems)


def _default_rule_names() -> list[str]:
    from ..domain.rules import default_rules  # noqa: PLC0415

    return list(default_rules())


def quarter_problems(ds: Dataset, quarter: Quarter, output: str = "pack") -> list[Problem]:
    """What building ``output`` ("pack" or "statement") for ``quarter`` needs and the input
    lacks: the per-quarter checks with ``quarter`` as the reporting quarter."""
    return [p for check in QUARTER_CHECKS[output] for p in check(ds, quarter)]


def require_quarter(ds: Dataset, quarter: Quarter, output: str = "pack") -> None:
    """Raise :class:`InputError` listing :func:`quarter_problems` when there are any."""
    problems = quarter_problems(ds, quarter, output)
    if problems:
        raise InputError(Problems(problems))
