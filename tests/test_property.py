"""Feature: no input can make xlperf fail with a traceback. Hypothesis mutates the cells of a
small valid input (every kind of table: settings, measures, crime, the national statement)
with arbitrary values and types, and asserts that validation never raises (the command would
exit 2), that every error names a cell of the input (sheet!cell), and that a mutated input
that is still valid gives a pack that fits Excel's limits. A second test runs the command line
on mutated files: exit 0 or 1, no traceback, the input unchanged.

The main test runs 300 examples in-process on the validate path (about 0.1 s each)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tiny_input import valid_rows, write_input

from xlperf.cli import main
from xlperf.domain.statement import national_data, neighbourhood_offences
from xlperf.reading.pipeline import load_raw
from xlperf.reading.xlsx import CellError, RawWorkbook, read_workbook

A1 = re.compile(r"^[A-Z]{1,3}[1-9][0-9]*$")


def base_rows() -> dict[str, list[list[Any]]]:
    """A small valid input with a measure, two years of crime and a Q4 2021-22 statement."""
    national = national_data()
    metrics = [[spec["priority"], metric, "2021-22", "Q4", 2, None, "test"]
               for metric, spec in national["national_metrics"].items()]
    narratives = [[p, "2021-22", "Q4", "There were {homicides} homicides, {burglary_change_"
                   "yearly} on the year."] for p in national["national_priorities"]]
    neighbourhood = [[o, fy, *[10 + i for i in range(12)], "test"]
                     for o in neighbourhood_offences() for fy in ("2019-20", "2021-22")]
    return valid_rows(tblNationalMetrics=metrics, tblNarratives=narratives,
                      tblNeighbourhood=neighbourhood,
                      tblASB=[[2021, *range(1, 13), "test"], [2022, 1, 2, 3, *[None] * 9, "test"]])


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> RawWorkbook:
    path = write_input(tmp_path_factory.mktemp("base") / "base.xlsx", base_rows())
    raw = read_workbook(path)
    assert load_raw(raw).problems.errors == []  # the base is valid
    return raw


SPECIAL_TEXT = ["Q5", "Q4", "2021-23", "2021-22", "2021/22", "=1+1", "@SUM(A1)", "TOTAL",
                "All Crime", "Homicide", "{homicides}", "{nope}", "{", "}}", "1,234", "12%",
                "ОСТ", "Satisfactory", "Requires Action", ">= 5", "< -5", "bands", "Yes",
                "Measure values", "M1", "Local Policing", "\x07bell", "tab\tand\nline",
                "_x0007_", " ", "NaN", "INF", "1E+308", "-0", "x" * 40_000, "y" * 32_001]
VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, 12, 100, 101, 1e9, 1e9 + 1, 1e15, 1e308, -1e308, 0.5, 86.5]),
    st.text(max_size=30),
    st.sampled_from(SPECIAL_TEXT),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 1, 1)),
    st.sampled_from(["#REF!", "#N/A", "#DIV/0!", "#NUM!"]).map(CellError),
)


NUMBERS = st.one_of(st.integers(min_value=0, max_value=2000),
                    st.sampled_from([float("nan"), float("inf"), float("-inf"), 1e308, 1e15,
                                     1e9 + 1, -1, 0.5]),
                    st.floats(allow_nan=True, allow_infinity=True))
TEXTS = st.one_of(st.text(max_size=40), st.sampled_from(SPECIAL_TEXT),
                  st.text(alphabet=st.sampled_from("ab {}\x00\x07\x1b\t\n\ufffe"),
                          max_size=12))
BY_KIND = {"count": NUMBERS, "number": NUMBERS, "percent": NUMBERS, "text": TEXTS,
           "any": TEXTS}


def _kinds() -> dict[tuple[str, str], str]:
    from xlperf.schema import load_schema

    return {(t.name, c.name): c.type for t in load_schema().tables for c in t.columns}


#: Values at the edges, tried often whatever the column.
EXTREMES = [float("nan"), float("inf"), float("-inf"), 1e308, -1e308, 1e15, 2**63, -1,
            "a\x07b", "\x00", "x" * 32_001, "{homicides}" * 3_000, "=1/0", None, True,
            CellError("#REF!"), dt.date(1, 1, 1)]
#: Cells whose values reach the grading, the statement and the pack's text.
DEEP = [("tblMeasureValues", "Value"), ("tblMeasureValues", "Reason"),
        ("tblNationalMetrics", "Value"), ("tblMeasures", "Measure of success"),
        ("tblMeasures", "Aim/Rationale"), ("tblNarratives", "Narrative"),
        ("tblSettings", "Value"), ("tblCrime", "Apr"), ("tblCrime", "Mar"),
        ("tblNeighbourhood", "Mar"), ("tblASB", "Jan"), ("tblPriorities", "Heading")]


@st.composite
def mutations(draw: st.DrawFn, raw: RawWorkbook) -> list[tuple[str, int, int, Any]]:
    """1 to 8 (table, row, column, value) changes; row -1 is the header."""
    names = sorted(name for name, table in raw.tables.items() if table.rows)
    out = []
    for _ in range(draw(st.integers(1, 8))):
        if draw(st.booleans()):  # a cell whose value reaches the computations and the pack
            name, heading = draw(st.sampled_from(DEEP))
            table = raw.tables[name]
            row = draw(st.integers(0, len(table.rows) - 1))
            col = table.header.index(heading)
        else:
            name = draw(st.sampled_from(names))
            table = raw.tables[name]
            row = draw(st.integers(-1 if draw(st.integers(0, 9)) == 0 else 0,
                                   max(len(table.rows) - 1, 0)))
            col = draw(st.integers(0, len(table.header) - 1))
        if row == -1:
            value = draw(st.sampled_from(table.header))
        else:  # mostly a value of the column's kind, so that deep paths are reached too
            kind = _kinds().get((name, table.header[col]), "any")
            choice = draw(st.integers(0, 3))
            value = draw(st.sampled_from(EXTREMES) if choice == 0 else
                         BY_KIND.get(kind, VALUES) if choice == 1 else VALUES)
        out.append((name, row, col, value))
    return out


def mutate(raw: RawWorkbook, changes: list[tuple[str, int, int, Any]]) -> RawWorkbook:
    tables = dict(raw.tables)
    for name, row, col, value in changes:
        table = tables[name]
        if row == -1:
            header = list(table.header)
            header[col] = str(value)
            table = table._replace(header=header)
        elif table.rows:
            rows = [list(r) for r in table.rows]
            rows[row][col] = value
            table = table._replace(rows=rows)
        tables[name] = table
    return raw._replace(tables=tables)


def assert_located(problems: Any, sheets: list[str]) -> None:
    for problem in problems.errors:
        assert problem.sheet in sheets, str(problem)
        assert A1.match(problem.cell), str(problem)


@pytest.mark.slow
@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_mutated_cells_never_crash_validation_and_errors_name_input_cells(
        base: RawWorkbook, data: st.DataObject) -> None:
    from xlperf.pack.build import describe_pack
    from xlperf.writers.pack_xlsx import check_limits

    raw = mutate(base, data.draw(mutations(base)))
    loaded = load_raw(raw)  # an exception here is a traceback (exit 2) in the CLI
    assert_located(loaded.problems, raw.sheet_names)
    ds = loaded.dataset
    if ds is not None:  # every number let through is finite and within the declared range
        for number in dataset_numbers(ds):
            assert math.isfinite(number) and abs(number) <= 1e9, number
    if not loaded.problems.errors and ds is not None and ds.latest_quarter is not None:
        pack = describe_pack(ds, ds.latest_quarter)
        check_limits(pack)  # Excel's limits on cell text, sheet and table names
        for text in pack_texts(pack):
            assert not CONTROL.search(text), repr(text[:80])
        assert len(pack.marking) < 255 and len(pack.title) < 255


def dataset_numbers(ds: Any) -> list[float]:
    numbers = [v.value for v in ds.measure_values.values()]
    numbers += [m.value for m in ds.national_metrics.values()]
    for table in (ds.crime, ds.neighbourhood):
        numbers += [v for by_fy in table.values() for series in by_fy.values()
                    for v in series.values]
    numbers += [v for series in ds.asb.values() for v in series.values]
    return [float(n) for n in numbers if n is not None]


#: What an .xlsx cannot store in a cell (openpyxl's IllegalCharacterError).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def pack_texts(pack: Any) -> list[str]:
    texts = [pack.title, pack.marking, pack.quarter]
    for sheet in pack.sheets:
        cells = [named.cell for named in sheet.named_cells]
        cells += [cell for block in sheet.blocks for row in block.rows for cell in row]
        texts += [t for cell in cells for t in (cell.value, cell.note) if isinstance(t, str)]
        texts += [str(h) for block in sheet.blocks for h in block.header]
    return texts


def _set(path: Path, sheet: str, cell: str, value: Any) -> None:
    import openpyxl

    book = openpyxl.load_workbook(path)
    target = book[sheet][cell]
    target.value = value
    if isinstance(value, str) and value[:1] in "=+-@":
        target.data_type = "s"
    book.save(path)


CLI_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-(2**40), 2**40),
                       st.floats(allow_nan=False, allow_infinity=False),
                       st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs",
                                                                                        "Cc"]),
                               max_size=20),
                       st.sampled_from([s for s in SPECIAL_TEXT if len(s) < 100
                                        and "\x07" not in s]))
CELLS = [("Crime", "D5"), ("Crime", "B6"), ("Crime", "C7"), ("Measure values", "E5"),
         ("Measure values", "D5"), ("Measures", "G5"), ("Settings", "C6"),
         ("National priorities", "F5"), ("National priorities", "E12"), ("ASB", "B5")]


@pytest.fixture(scope="module")
def base_file(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The bytes of base_rows() written as an input workbook (written once: every example
    starts from a fresh copy of them)."""
    return write_input(tmp_path_factory.mktemp("base-file") / "in.xlsx", base_rows()).read_bytes()


@pytest.mark.slow
@settings(max_examples=10, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(cell=st.sampled_from(CELLS), value=CLI_VALUES)
def test_the_command_line_on_a_mutated_file(base_file: bytes, tmp_path: Path,
                                            cell: tuple[str, str], value: Any) -> None:
    path = tmp_path / "in.xlsx"
    path.write_bytes(base_file)
    _set(path, *cell, value)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    result = CliRunner().invoke(main, ["validate", str(path), "--json"])
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    report = json.loads(result.stdout)
    for problem in report["problems"]:
        if problem["severity"] == "error":
            assert problem["sheet"] and A1.match(problem["cell"]), problem
