"""Typed rows -> the fields of a :class:`~xlperf.model.Dataset`, as the schema says.

Each table spec of ``schema/input.yaml`` has ``dataset:`` entries naming a Dataset field, a
record class (a named tuple) or a plain value, and where each of its fields comes from.
Nothing here knows a column name: a new column reaches the Dataset by a line of input.yaml.

A row is used only when every required column it reads has a value. The validator has
reported a blank or invalid required cell (or a missing column) already; a row left out
for another reason is reported here (``incomplete-row``), never dropped silently.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from types import MappingProxyType
from typing import Any

from .. import codes
from ..domain.rules import RollUpCondition, Rule, default_rollup, default_rules
from ..model import (
    ForceCrime,
    KPAStatus,
    Measure,
    MeasureFigure,
    MeasureValue,
    Narrative,
    NationalMetric,
    PublishedCount,
    PublishedFigure,
    RebasePoint,
    Recommendation,
    ReportedGrade,
    ReportText,
    ResultPoint,
    Series,
    SurveyAnswer,
)
from ..periods import Quarter
from ..problems import Problem, address
from ..schema import RecordSpec, Schema, TableSpec
from .validate import Row, TypedTable

#: The record classes (named tuples) a table spec may name (``record:``).
RECORDS: Mapping[str, type] = MappingProxyType({cls.__name__: cls for cls in (
    ForceCrime, KPAStatus, Measure, MeasureFigure, MeasureValue, Narrative, NationalMetric,
    PublishedCount, PublishedFigure, RebasePoint, Recommendation, ReportedGrade, ReportText,
    ResultPoint,
    RollUpCondition, Rule, Series, SurveyAnswer,
)})


def _rules_defaults(built: object) -> object:
    """The input's rules replace the default rule of the same name."""
    assert isinstance(built, Mapping)
    return MappingProxyType({**default_rules(), **built})


def _rollup_defaults(built: object) -> object:
    """The input's roll-up conditions replace the default ones, when there are any."""
    assert isinstance(built, tuple)
    return built or default_rollup()


#: ``defaults:`` of a dataset entry: what the rows are combined with.
DEFAULTS: Mapping[str, Callable[[object], object]] = MappingProxyType({
    "rules": _rules_defaults,
    "rollup": _rollup_defaults,
})

Derive = Callable[[Row, TableSpec], Any]

@cache
def _sheet_prefix(sheet: str) -> str:
    """What :func:`~xlperf.problems.address` writes before a cell's reference on ``sheet``
    (``'Measure values'!``; nothing for no sheet), worked out once per sheet."""
    return address(sheet, "A1")[:-2]


def _address(sheet: str, ref: str) -> str:
    """``address(sheet, ref)``, the sheet's part worked out once."""
    return _sheet_prefix(sheet) + ref if ref else address(sheet, ref)


def _addresses(row: Row, columns: Iterable[str]) -> list[str]:
    """The address of ``row``'s cell in each of ``columns`` (as :func:`_address`)."""
    prefix = _sheet_prefix(row.sheet)
    cells = row.cells
    out: list[str] = []
    for column in columns:
        ref = cells.get(column, "")
        out.append(prefix + ref if ref else address(row.sheet, ref))
    return out


#: Derived sources (``=name``): values computed from several cells of a row.
DERIVED: Mapping[str, Derive] = MappingProxyType({
    "=quarter": lambda row, spec: Quarter(row["FY"], row["Quarter"]),
    "=months": lambda row, spec: tuple(map(row.values.get, spec.month_names)),
    "@months": lambda row, spec: tuple(_addresses(row, spec.month_names)),
    "=cells": lambda row, spec: MappingProxyType(dict(zip(row.cells,
                                                          _addresses(row, row.cells),
                                                          strict=True))),
})


def _columns(source: str) -> tuple[str, ...]:
    """The columns a source reads (none for an address or every column)."""
    if source.startswith("@") or source == "=cells":
        return ()
    if source == "=quarter":
        return ("FY", "Quarter")
    if source == "=months":
        return ()
    return (source,)


@cache
def _field_types(record: type) -> dict[str, Any]:
    """The record's field types: its annotations, evaluated only when they are postponed
    (``typing.get_type_hints`` costs a fraction of a millisecond per class, more than
    building the records of a table)."""
    hints: dict[str, Any] = dict(getattr(record, "__annotations__", {}))
    if any(isinstance(hint, str | typing.ForwardRef) for hint in hints.values()):
        return typing.get_type_hints(record)
    return hints


def _field_defaults(record: type) -> Mapping[str, Any]:
    """The defaults of a record class's fields that have one (every record is a named
    tuple)."""
    defaults: Mapping[str, Any] = getattr(record, "_field_defaults")  # noqa: B009
    return defaults


def _enum_of(hint: Any) -> type[enum.Enum] | None:
    """The Enum class of a field typed ``E`` or ``E | None``."""
    options = typing.get_args(hint) if isinstance(hint, types.UnionType) else (hint,)
    for option in options:
        if isinstance(option, type) and issubclass(option, enum.Enum):
            return option
    return None


#: A record field's "default" when it has none.
_NO_DEFAULT: Any = object()

#: The value of a blank optional cell for a field of this type without a default.
_BLANK: Mapping[Any, Any] = MappingProxyType({str: "", bool: False})


def _value(row: Row, spec: TableSpec, source: str) -> Any:
    """The value of ``source`` in ``row``: a derived value, a cell's address, or a column's
    value (None for a blank cell; :class:`_Record` gives a record field its blank)."""
    derive = DERIVED.get(source)
    if derive is not None:
        return derive(row, spec)
    if source.startswith("@"):
        return _address(row.sheet, row.cell(source[1:]))
    return row[source]


def _reader(source: str, spec: TableSpec) -> Callable[[Row], Any] | None:
    """How a derived or address ``source`` is read (:func:`_value`); None for a column,
    which :class:`_Record` looks up with the row's other columns in one pass."""
    if source in DERIVED or source.startswith("@"):
        return lambda row: _value(row, spec, source)
    return None


class _Record:
    """Makes an entry's record (or plain value) from a row, each source read as
    :func:`_value` reads it, a blank cell given its field's blank (:func:`_blank`).

    What depends on the entry only is worked out once: which fields read a column (all
    looked up in one pass over the row's values), what a blank cell gives each of them
    (when not None), which fields are derived values or addresses, which are made Enum
    members, and whether the fields come in the record class's order (then the record
    is made from them by position)."""

    def __init__(self, spec: TableSpec, entry: RecordSpec) -> None:
        self.spec, self.entry = spec, entry
        self.cls = RECORDS[entry.record] if entry.record is not None else None
        #: the field's name, source, what a blank cell gives it, and its Enum (or None)
        fields: list[tuple[str, str, Any, type[enum.Enum] | None]]
        if self.cls is None:
            fields = [(source, source, None, None) for source in entry.value]
        else:
            hints = _field_types(self.cls)
            defaults = _field_defaults(self.cls)
            fields = [(name, source, _blank(defaults.get(name, _NO_DEFAULT), hints[name]),
                       _enum_of(hints[name])) for name, source in entry.fields]
        self.names = [name for name, _, _, _ in fields]
        self.sources = [source for _, source, _, _ in fields]
        readers = [(i, _reader(source, spec)) for i, (_, source, _, _) in enumerate(fields)]
        self.read = [(i, read) for i, read in readers if read is not None]
        derived = {i for i, _ in self.read}
        self.blanks = [(i, blank) for i, (_, _, blank, _) in enumerate(fields)
                       if blank is not None and i not in derived]
        self.kinds = [(i, kind) for i, (_, _, _, kind) in enumerate(fields) if kind is not None]
        self.positional = (self.cls is not None
                           and self.names == list(getattr(self.cls, "_fields"))[:len(fields)])  # noqa: B009

    def build(self, row: Row) -> Any:
        """The entry's record (or value) of ``row``."""
        # a derived source's name is no column: its look-up gives None, replaced below
        values = list(map(row.values.get, self.sources))
        for i, blank in self.blanks:
            if values[i] is None:
                values[i] = blank
        for i, read in self.read:
            values[i] = read(row)
        for i, kind in self.kinds:
            value = values[i]
            if value is not None and not isinstance(value, kind):
                values[i] = kind(value)
        if self.cls is None:
            return values[0] if len(values) == 1 else tuple(values)
        if self.positional:
            return self.cls(*values)
        return self.cls(**dict(zip(self.names, values, strict=True)))


def _blank(default: Any, hint: Any) -> Any:
    """What a blank cell gives a field: the record field's default, if it has one, else the
    blank of the field's type ("" for text), else None."""
    return default if default is not _NO_DEFAULT else _BLANK.get(hint)


def _key(row: Row, spec: TableSpec, sources: tuple[str, ...]) -> Any:
    values = tuple(_value(row, spec, s) for s in sources)
    return values[0] if len(values) == 1 else values


def _incomplete(row: Row, spec: TableSpec, entry: RecordSpec) -> str | None:
    """The first required column the entry reads that has no value in ``row``."""
    for source in entry.sources:
        for column in _columns(source):
            if row[column] is None and (spec.column(column).required
                                        or source in (*entry.key, *entry.nest)):
                return column
    return None


def _first_blank(row: Row, columns: list[str]) -> str | None:
    """The first of ``columns`` that has no value in ``row`` (None when all have one)."""
    values = row.values
    for column in columns:
        if values.get(column) is None:
            return column
    return None


def _needed(spec: TableSpec, entry: RecordSpec) -> list[str] | None:
    """The columns :func:`_incomplete` looks at, in its order: those that must have a value
    (None when one is not a column of the table: then :func:`_incomplete` itself says)."""
    try:
        return [column for source in entry.sources for column in _columns(source)
                if spec.column(column).required or source in (*entry.key, *entry.nest)]
    except KeyError:
        return None


def build_fields(schema: Schema, typed: Mapping[str, TypedTable], file: str,
                 reported: set[tuple[str, str]]) -> tuple[dict[str, Any], list[Problem]]:
    """The Dataset's fields from the typed tables, and an ``incomplete-row`` problem for each
    row left out whose cells have no error in ``reported`` ((sheet, cell) pairs)."""
    fields: dict[str, Any] = {}
    problems: list[Problem] = []
    for name, table in typed.items():
        spec = table.spec
        for entry in spec.records:
            items: list[Any] = []
            keyed: dict[Any, Any] = {}
            nested: dict[Any, dict[Any, Any]] = {}
            needed = _needed(spec, entry)
            maker = _Record(spec, entry)
            for row in table.rows:
                if needed is None:
                    blank = _incomplete(row, spec, entry)
                else:
                    blank = _first_blank(row, needed)
                if blank is not None:
                    # reported already: at a cell of the row, or the column is missing
                    if blank in row.cells and not any(
                            (row.sheet, c) in reported for c in row.cells.values()):
                        problems.append(Problem(
                            codes.INCOMPLETE_ROW,
                            f"row {row.excel_row} of {name} has no {blank}, so it is not used",
                            row.sheet, row.cell(blank), file))
                    continue
                record = maker.build(row)
                if entry.nest:
                    outer, inner = (_value(row, spec, s) for s in entry.nest)
                    nested.setdefault(outer, {})[inner] = record
                elif entry.key:
                    keyed[_key(row, spec, entry.key)] = record
                else:
                    items.append(record)
            value: object
            if entry.nest:
                value = MappingProxyType({k: MappingProxyType(v) for k, v in nested.items()})
            elif entry.key:
                value = MappingProxyType(keyed)
            else:
                value = tuple(items)
            fields[entry.field] = value
    for spec in schema.tables:
        for entry in spec.records:
            if entry.defaults is not None:
                built = fields.get(entry.field, _empty(entry))
                fields[entry.field] = DEFAULTS[entry.defaults](built)
    return fields, problems


def _empty(entry: RecordSpec) -> object:
    return MappingProxyType({}) if entry.key or entry.nest else ()
