"""Feature: numbers are checked as numbers. A value must be finite (NaN, INF refused at its
cell), within the range its column declares (xlperf/schema/input.yaml ``limits``) and within
its unit (xlperf/data/national.yaml ``units``: count a whole number 0 or more, percent 0-100);
and extremes never overflow a computation."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from tiny_input import measure, measure_value, valid_rows, write_input

from xlperf.api import validate_workbook
from xlperf.arithmetic import fmt_percent, round_half_away
from xlperf.cli import main
from xlperf.schema import load_data, load_schema

MARK = 123456  # a value written by openpyxl, then replaced in the XML by the raw token


def with_raw_value(path: Path, token: str) -> Path:
    """``path`` with every ``<v>123456</v>`` replaced by ``<v>token</v>``: NaN and INF cannot
    be written by openpyxl, but an .xlsx can hold them."""
    source = zipfile.ZipFile(path)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            target.writestr(name, source.read(name).replace(
                f"<v>{MARK}</v>".encode(), f"<v>{token}</v>".encode()))
    path.write_bytes(out.getvalue())
    return path


def found(path: Path) -> list[tuple[str, str, str, str]]:
    return [(p.code, p.sheet, p.cell, p.message) for p in validate_workbook(path).errors]


@pytest.mark.parametrize(("token", "shown"), [("NaN", "NaN"), ("INF", "INF"),
                                              ("-INF", "-INF"), ("inf", "INF")])
def test_a_value_that_is_not_finite_is_refused_at_its_cell(tmp_path: Path, token: str,
                                                           shown: str) -> None:
    path = write_input(tmp_path / "in.xlsx", valid_rows(tblMeasureValues=[measure_value(MARK)]))
    with_raw_value(path, token)
    assert found(path) == [("not-finite", "Measure values", "E5",
                            f"{shown} is not a finite number")]


def test_nan_is_not_graded_satisfactory_by_build(tmp_path: Path) -> None:
    path = write_input(tmp_path / "in.xlsx", valid_rows(tblMeasureValues=[measure_value(MARK)]))
    with_raw_value(path, "NaN")
    result = CliRunner().invoke(main, ["build", str(path), "-o", str(tmp_path / "p.xlsx")])
    assert result.exit_code == 1
    assert "'Measure values'!E5: error [not-finite]" in result.stderr
    assert not (tmp_path / "p.xlsx").exists()


@pytest.mark.parametrize("token", ["1E+308", "1E+30", "1000000001", "-1E+10"])
def test_a_measure_value_beyond_the_declared_range_is_refused(tmp_path: Path,
                                                             token: str) -> None:
    path = write_input(tmp_path / "in.xlsx", valid_rows(
        tblMeasures=[measure(unit="count")], tblMeasureValues=[measure_value(MARK)]))
    with_raw_value(path, token)
    [(code, sheet, cell, message)] = found(path)
    assert (code, sheet, cell) == ("number-out-of-range", "Measure values", "E5")
    assert message.endswith("is outside the range Value accepts "
                            "(-1,000,000,000 to 1,000,000,000)")


def test_two_huge_crime_counts_are_refused_not_overflowed(tmp_path: Path) -> None:
    rows = valid_rows()
    rows["tblCrime"][0][2] = MARK  # Homicide 2020-21, April: D5
    rows["tblCrime"][1][2] = MARK  # Homicide 2021-22, April: D6
    path = with_raw_value(write_input(tmp_path / "in.xlsx", rows), "1E+308")
    assert [(c, s, r) for c, s, r, _ in found(path)] == [
        ("number-out-of-range", "Crime", "D5"), ("number-out-of-range", "Crime", "D6")]
    result = CliRunner().invoke(main, ["build", str(path), "-o", str(tmp_path / "p.xlsx")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "Crime!D5: error [number-out-of-range] 1E+308 is outside the range Apr accepts " \
        "(0 to 1,000,000,000)" in result.stderr


def test_the_largest_declared_count_builds(tmp_path: Path) -> None:
    rows = valid_rows(tblCrime=[[*r[:2], *([1_000_000_000] * 12), r[-1]]
                                for r in valid_rows()["tblCrime"]])
    path = write_input(tmp_path / "in.xlsx", rows)
    assert found(path) == []
    result = CliRunner().invoke(main, ["build", str(path), "-o", str(tmp_path / "p.xlsx")])
    assert result.exit_code == 0, result.output


def test_every_numeric_column_has_a_declared_range() -> None:
    schema = load_schema()
    for table in schema.tables:
        for column in table.columns:
            if column.type in ("count", "number", "percent"):
                assert schema.bounds(column) is not None, (table.name, column.name)
    assert schema.limits["count"][0] == 0 and schema.limits["percent"] == (0, 100)


# -- national metrics by unit ---------------------------------------------------------------

def metric_rows(metric: str, value: Any) -> dict[str, list[list[Any]]]:
    priority = load_data("national")["national_metrics"][metric]["priority"]
    return valid_rows(tblNationalMetrics=[[priority, metric, "2021-22", "Q4", value, None,
                                           "test"]])


@pytest.mark.parametrize(("metric", "value", "message"), [
    ("cyber_investigated_pct", 250,
     "250 is outside 0 to 100; cyber_investigated_pct (Q4 2021-22) is a percentage"),
    ("cyber_investigated_pct", -1,
     "-1 is outside 0 to 100; cyber_investigated_pct (Q4 2021-22) is a percentage"),
    ("homicides", -4,
     "-4 is outside 0 to 1,000,000,000; homicides (Q4 2021-22) is a count"),
    ("homicides", 2.5, "2.5 is not a whole number; homicides (Q4 2021-22) is a count"),
])
def test_a_national_metric_is_checked_against_its_unit(tmp_path: Path, metric: str,
                                                       value: Any, message: str) -> None:
    path = write_input(tmp_path / "in.xlsx", metric_rows(metric, value))
    assert ("value-outside-unit", "National priorities", "F5", message) in found(path)


@pytest.mark.parametrize(("metric", "value"), [("cyber_investigated_pct", 100),
                                               ("cyber_investigated_pct", 0),
                                               ("homicides", 0), ("homicides", 12)])
def test_a_national_metric_within_its_unit_passes(tmp_path: Path, metric: str,
                                                  value: Any) -> None:
    path = write_input(tmp_path / "in.xlsx", metric_rows(metric, value))
    assert [p for p in found(path) if p[0] == "value-outside-unit"] == []


def test_every_metric_names_a_declared_unit() -> None:
    national = load_data("national")
    assert {m["unit"] for m in national["national_metrics"].values()} <= set(national["units"])


# -- arithmetic at the extremes --------------------------------------------------------------

@pytest.mark.parametrize(("value", "digits", "expected"), [
    (1e30, 0, 1e30), (1e308, 0, 1e308), (-1e308, 2, -1e308), (1e-300, 2, 0.0),
    (62.5, 0, 63.0), (-62.5, 0, -63.0), (2.675, 2, 2.68),
])
def test_round_half_away_at_the_extremes(value: float, digits: int, expected: float) -> None:
    assert round_half_away(value, digits) == expected


def test_round_half_away_leaves_non_finite_values_alone() -> None:
    assert round_half_away(float("inf")) == float("inf")
    assert str(round_half_away(float("nan"))) == "nan"
    assert fmt_percent(1e30) == f"{Decimal(1e30):f}%"
