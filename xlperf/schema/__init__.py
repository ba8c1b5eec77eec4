"""The input workbook's schema (input.yaml) and the fixed lists it refers to (data/*.yaml)."""

import marshal
from functools import cache, lru_cache
from typing import Any, NamedTuple

from .. import packaged
from ..codes import lookup
from ..periods import CALENDAR_MONTHS, FY_MONTHS
from ..yamlio import load_yaml


def load_data(name: str) -> dict[str, Any]:
    """Load ``xlperf/data/<name>.yaml`` (a fresh copy: callers may change it).

    The copy goes through ``marshal`` (ten times faster than ``copy.deepcopy`` and the same
    for YAML's plain data: dicts in order, lists, strings, numbers, booleans, None, aliases
    shared); data marshal cannot hold (a date) is deep-copied."""
    parsed = _parsed(name)
    try:
        copied: dict[str, Any] = marshal.loads(marshal.dumps(parsed))
    except ValueError:
        import copy  # noqa: PLC0415 - rare (copy imports weakref: about 0.5 ms)

        return copy.deepcopy(parsed)
    return copied


@cache
def _parsed(name: str) -> dict[str, Any]:
    """Parsed once per process: a batch run builds many packs from the same data files."""
    text = packaged.text("data", f"{name}.yaml")
    data: dict[str, Any] = load_yaml(text)
    return data


class ColumnSpec(NamedTuple):
    """A column of an input table (input.yaml): its type, whether it is required, its list
    of choices, the table it refers to, its range, and the codes of its problems."""

    name: str
    type: str
    required: bool = False
    choices: str | None = None
    ref: str | None = None
    unknown: str | None = None
    missing: str | None = None
    month: bool = False
    min: float | None = None  # narrows the type's range (Schema.limits)
    max: float | None = None
    #: a workbook written before the column existed may leave it out
    optional: bool = False


class RecordSpec(NamedTuple):
    """How a table's rows become one field of the Dataset (``dataset:`` in input.yaml)."""

    field: str
    record: str | None = None
    fields: tuple[tuple[str, str], ...] = ()
    value: tuple[str, ...] = ()
    key: tuple[str, ...] = ()
    nest: tuple[str, ...] = ()
    defaults: str | None = None

    @property
    def sources(self) -> tuple[str, ...]:
        """Every source the record reads (columns, addresses and derived values)."""
        return (*self.key, *self.nest, *self.value, *(source for _, source in self.fields))


def _record_spec(raw: dict[str, Any]) -> RecordSpec:
    value = raw.get("value", ())
    return RecordSpec(
        field=str(raw["field"]),
        record=raw.get("record"),
        fields=tuple((str(k), str(v)) for k, v in (raw.get("fields") or {}).items()),
        value=(value,) if isinstance(value, str) else tuple(value),
        key=tuple(raw.get("key", ())),
        nest=tuple(raw.get("nest", ())),
        defaults=raw.get("defaults"),
    )


class TableSpec(NamedTuple):
    """An input table (input.yaml): its sheet, title, columns, key, months and the Dataset
    fields its rows become."""

    name: str
    sheet: str
    title: str
    about: str
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...] = ()
    months: str | None = None  # "financial", "calendar" or None
    records: tuple[RecordSpec, ...] = ()
    #: a workbook written before the table existed may leave it out
    optional: bool = False

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def month_names(self) -> tuple[str, ...]:
        if self.months == "financial":
            return FY_MONTHS
        if self.months == "calendar":
            return CALENDAR_MONTHS
        return ()

    def column(self, name: str) -> ColumnSpec:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


class _SchemaFields(NamedTuple):
    """The fields of a :class:`Schema` (a named tuple cannot make a fresh dict per schema)."""

    tables: tuple[TableSpec, ...]
    choices: dict[str, tuple[str, ...]]
    header_row: int
    first_column: str
    #: column type -> (lowest, highest) value accepted, for the numeric types
    limits: dict[str, tuple[float, float]]


class Schema(_SchemaFields):
    """The input workbook's schema: every table, the choice lists, the header row and first
    column of the tables, and the numeric types' ranges."""

    __slots__ = ()

    def __new__(cls, tables: tuple[TableSpec, ...],
                choices: dict[str, tuple[str, ...]] | None = None, header_row: int = 4,
                first_column: str = "B",
                limits: dict[str, tuple[float, float]] | None = None) -> "Schema":
        return super().__new__(cls, tables, {} if choices is None else choices, header_row,
                               first_column, {} if limits is None else limits)

    def bounds(self, column: ColumnSpec) -> tuple[float, float] | None:
        """The range a numeric column accepts: the type's, narrowed by the column's."""
        low, high = self.limits.get(column.type, (None, None))
        low = column.min if column.min is not None else low
        high = column.max if column.max is not None else high
        if low is None or high is None:
            return None
        return float(low), float(high)

    def table(self, name: str) -> TableSpec:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(name)

    @property
    def sheets(self) -> list[str]:
        seen: list[str] = []
        for table in self.tables:
            if table.sheet not in seen:
                seen.append(table.sheet)
        return seen


def _expand_columns(raw: dict[str, Any]) -> tuple[ColumnSpec, ...]:
    months = {"financial": FY_MONTHS, "calendar": CALENDAR_MONTHS}.get(raw.get("months", ""), ())
    columns: list[ColumnSpec] = []
    for col in raw["columns"]:
        if col["name"] == "MONTHS":
            columns.extend(ColumnSpec(name=m, type="count", month=True) for m in months)
            continue
        column = ColumnSpec(**col)
        for code in (column.unknown, column.missing):
            if code is not None:
                lookup(code)  # a problem code the schema names must be registered
        columns.append(column)
    return tuple(columns)


@lru_cache(maxsize=1)
def load_schema() -> Schema:
    text = packaged.text("schema", "input.yaml")
    raw = load_yaml(text)
    categories = load_data("categories")
    national = load_data("national")
    from ..domain.rules import CHOICES  # noqa: PLC0415 - domain.rules reads data through here

    choices: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in raw["choices"].items()}
    choices.update(CHOICES)  # rule kinds, polarities, references: declared by their enums
    choices["crime_categories"] = tuple(categories["categories"])
    choices["neighbourhood_offences"] = tuple(categories["neighbourhood_offences"])
    choices["forces"] = tuple(national["forces"])
    choices["national_priorities"] = tuple(national["national_priorities"])
    choices["national_metrics"] = tuple(national["national_metrics"])
    choices["figure_kinds"] = tuple(k["kind"] for k in load_data("figures")["kinds"])
    choices["wards"] = tuple(w for s in load_data("wards")["sectors"] for w in s["wards"])
    subtotals = [str(t["name"]) for t in categories["subtotals"]]
    choices["spc_series"] = (*categories["categories"], *subtotals,
                             *(str(x["name"]) for x in load_data("spc")["series"]))
    tables = tuple(
        TableSpec(
            name=t["name"],
            sheet=t["sheet"],
            title=t["title"],
            about=" ".join(str(t.get("about", "")).split()),
            columns=_expand_columns(t),
            key=tuple(t.get("key", ())),
            months=t.get("months"),
            records=tuple(_record_spec(r) for r in t.get("dataset", ())),
            optional=bool(t.get("optional", False)),
        )
        for t in raw["tables"]
    )
    return Schema(
        tables=tables,
        choices=choices,
        header_row=int(raw.get("header_row", 4)),
        first_column=str(raw.get("first_column", "B")),
        limits={kind: (float(low), float(high))
                for kind, (low, high) in raw.get("limits", {}).items()},
    )
