"""The reading pipeline: one route from a workbook to a frozen Dataset built from the
schema's dataset: entries, with every check registered in one place."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from xlperf import codes
from xlperf.model import Dataset
from xlperf.periods import Quarter
from xlperf.problems import InputError
from xlperf.reading import pipeline
from xlperf.reading.convert import CONVERTERS, check_types
from xlperf.reading.records import DERIVED, RECORDS, build_fields
from xlperf.reading.validate import Row, TypedTable
from xlperf.schema import ColumnSpec, Schema, TableSpec, load_schema

ROOT = Path(__file__).resolve().parent.parent


def test_the_dataset_cannot_be_changed(demo_ds: Dataset) -> None:
    with pytest.raises(AttributeError):
        demo_ds.latest_quarter = None  # type: ignore[misc]
    with pytest.raises(TypeError):
        demo_ds.settings["Force name"] = "Other"  # type: ignore[index]
    crime: Any = demo_ds.crime["Homicide"]
    with pytest.raises(TypeError):
        crime[next(iter(crime))] = None
    assert isinstance(demo_ds.measures, tuple) and isinstance(demo_ds.recommendations, tuple)
    assert demo_ds.latest_quarter == Quarter.parse("Q4 2021-22")  # set by the pipeline
    assert len(demo_ds.hmicfrs_published) > 0  # built from the schema, not by a check


def test_every_dataset_field_is_declared_once_by_the_schema() -> None:
    declared = [entry.field for t in load_schema().tables for entry in t.records]
    fields = set(Dataset._fields) - {"file", "latest_quarter", "warnings"}
    assert sorted(declared) == sorted(fields)


def test_every_source_of_the_schema_names_a_column_or_a_derived_value() -> None:
    for table in load_schema().tables:
        for entry in table.records:
            assert entry.record is None or entry.record in RECORDS, entry
            if entry.record is not None:
                names = set(RECORDS[entry.record]._fields)
                assert {name for name, _ in entry.fields} <= names, entry
            for source in entry.sources:
                column = source[1:] if source.startswith("@") and source not in DERIVED \
                    else source
                assert source in DERIVED or column in table.column_names, (table.name, source)


def test_every_column_type_has_a_converter() -> None:
    check_types(load_schema())
    bad = Schema((TableSpec("tblX", "X", "X", "", (ColumnSpec("A", "colour"),)),))
    with pytest.raises(LookupError, match=r"tblX\.A: colour"):
        check_types(bad)
    assert set(CONVERTERS) >= {c.type for t in load_schema().tables for c in t.columns}


def _table(rows: list[Row]) -> dict[str, TypedTable]:
    spec = load_schema().table("tblNarratives")
    return {"tblNarratives": TypedTable(spec, rows, "National priorities",
                                        {c: f"{c}4" for c in spec.column_names})}


def test_an_incomplete_row_is_reported_never_dropped_silently() -> None:
    cells = {"National priority": "B5", "FY": "C5", "Quarter": "D5", "Narrative": "E5"}
    row = Row({"National priority": "Reduce murder and other homicide", "FY": None,
               "Quarter": 4, "Narrative": "text"}, cells, "National priorities", 5)
    fields, problems = build_fields(load_schema(), _table([row]), "in.xlsx", set())
    assert fields["narratives"] == {}
    assert [(p.code, p.sheet, p.cell) for p in problems] == [
        (codes.INCOMPLETE_ROW, "National priorities", "C5")]
    # the same row with its blank cell already reported: left out, not reported twice
    _fields, again = build_fields(load_schema(), _table([row]), "in.xlsx",
                                  {("National priorities", "C5")})
    assert again == []


def test_a_quarter_is_checked_by_the_pipeline_and_only_the_pipeline_raises(
        demo_ds: Dataset) -> None:
    q2 = Quarter.parse("Q2 2021-22")
    found = pipeline.quarter_problems(demo_ds, q2, "statement")
    assert {p.code for p in found} >= {codes.MISSING_METRIC}
    with pytest.raises(InputError):
        pipeline.require_quarter(demo_ds, q2, "statement")
    pipeline.require_quarter(demo_ds, Quarter.parse("Q4 2021-22"))  # the demo's own: clean
    raising = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "xlperf").rglob("*.py"))
               if "raise InputError" in p.read_text(encoding="utf-8")]
    assert raising == ["xlperf/reading/pipeline.py"]
