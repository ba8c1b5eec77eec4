"""SPC as a grading input (rule kind ``spc``, SPC points on other kinds), ``xlperf explain``
naming the special-cause rule and points, and the SPC rebase table validated like any input.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from openpyxl import load_workbook
from tiny_input import crime_rows, measure, measure_value, valid_rows, write_input

from xlperf.api import load_dataset
from xlperf.cli import main
from xlperf.domain.grading import grade_measure
from xlperf.domain.spc_series import chart, monthly
from xlperf.periods import Quarter

Q3, Q4 = Quarter.parse("Q3 2021-22"), Quarter.parse("Q4 2021-22")
STEADY = [10, 12, 11, 13] * 3
# Homicide: a steady pattern, then February and March 2022 far above the limits
HOMICIDE = {"2020-21": STEADY, "2021-22": [*STEADY[:10], 30, 31]}


def crime() -> list[list[Any]]:
    rows = crime_rows()
    for row in rows:
        if row[0] == "Homicide":
            row[2:14] = HOMICIDE[row[1]]
    return rows


# Rules: B Rule ... L Description, M SPC points
def spc_rule(name: str = "SPC-R", kind: str = "spc", points: int | None = 3,
             reference: str | None = None, cm: str = ">= 1", ra: str = ">= 2") -> list[Any]:
    return [name, kind, "Lower is better", reference, None, None, cm, ra, None, None, None,
            points]


def workbook(tmp_path: Path, rule: list[Any], **tables: list[list[Any]]) -> Path:
    rows = valid_rows(
        tblRules=[rule], tblCrime=crime(),
        tblMeasures=[measure(rule=rule[0], source="Crime YTD: Homicide", unit="count")],
        tblMeasureValues=[measure_value(value=None, grade=None)], **tables)
    return write_input(tmp_path / "in.xlsx", rows)


def validate(path: Path) -> list[tuple[str, str, str]]:
    result = CliRunner().invoke(main, ["validate", str(path), "--json"])
    return [(p["code"], p["sheet"], p["cell"]) for p in json.loads(result.stdout)["problems"]
            if p["severity"] == "error"]


def test_spc_rule_grades_the_concern_points_of_the_last_months(tmp_path: Path) -> None:
    ds = load_dataset(workbook(tmp_path, spc_rule()))
    m1 = ds.measure("M1")
    q4 = grade_measure(ds, m1, Q4)
    assert (q4.computed, q4.quantity) == ("Requires Action", 2)
    assert q4.value.working == ("2 special-cause concern points in the last 3 months of "
                                "Homicide (2022-01 to 2022-03)")
    # up to December 2021 the pattern is steady: no signal
    q3 = grade_measure(ds, m1, Q3)
    assert (q3.computed, q3.quantity) == ("Satisfactory", 0)


def test_higher_is_better_turns_the_same_points_into_improvement(tmp_path: Path) -> None:
    # the two high months pull the mean to 13.08, so every steady month sits below it: the
    # run of 7+ below the mean ending in January 2022 is the one concern when higher is better
    rule = spc_rule()
    rule[2] = "Higher is better"
    ds = load_dataset(workbook(tmp_path, rule))
    grade = grade_measure(ds, ds.measure("M1"), Q4)
    assert (grade.computed, grade.quantity) == ("Close Monitoring", 1)
    assert grade.spc is not None
    assert [p.point_type for p in grade.spc.last] == [
        "special_cause_concern", "special_cause_improvement", "special_cause_improvement"]


def test_spc_points_on_a_change_rule_make_it_requires_action(tmp_path: Path) -> None:
    # relative change against the previous FY: 175 against 138, 27% worse, under the 50% of
    # Close Monitoring, so the change rule alone gives Satisfactory
    rule = spc_rule(kind="relative-change", reference="previous FY", cm="> 50", ra="> 90")
    ds = load_dataset(workbook(tmp_path, rule))
    grade = grade_measure(ds, ds.measure("M1"), Q4)
    assert grade.computed == "Requires Action"
    assert grade.trend_note.startswith("special-cause concern: 2 special-cause concern points")
    plain = rule[:11] + [None]
    ds = load_dataset(workbook(tmp_path, plain))
    alone = grade_measure(ds, ds.measure("M1"), Q4)
    assert (alone.quantity, alone.computed, alone.spc) == (27, "Satisfactory", None)


def test_explain_names_the_rule_that_fired_on_each_point(tmp_path: Path) -> None:
    path = workbook(tmp_path, spc_rule())
    result = CliRunner().invoke(main, ["explain", "M1", str(path), "--quarter", "Q4 2021-22"])
    assert result.exit_code == 0, result.output
    assert ("2022-01: 7 Points Below CL (7 points in a row on the same side of the mean) -> "
            "special cause improvement") in result.output
    assert ("2022-02: Above UCL (a point outside the process limits) -> special cause concern"
            in result.output)
    assert "2022-03: Above UCL" in result.output
    assert "Computed grade: Requires Action" in result.output


def test_a_measure_without_a_monthly_series_is_not_graded(tmp_path: Path) -> None:
    rows = valid_rows(tblRules=[spc_rule()], tblCrime=crime(),
                      tblMeasures=[measure(rule="SPC-R", unit="count")],
                      tblMeasureValues=[measure_value(value=3, grade=None)])
    ds = load_dataset(write_input(tmp_path / "in.xlsx", rows))
    grade = grade_measure(ds, ds.measure("M1"), Q4)
    assert (grade.state, grade.computed) == ("no data", None)
    assert "has no monthly series" in grade.value.working


def test_spc_rule_without_points_is_a_located_error(tmp_path: Path) -> None:
    assert validate(workbook(tmp_path, spc_rule(points=None))) == [
        ("missing-spc-points", "Rules", "M5")]


# --- the SPC rebase table -----------------------------------------------------------------

def rebase(series: str = "Homicide", period: Any = "2021-04") -> list[Any]:
    return [series, period, "a recording-practice change", "test"]


def test_a_rebase_row_gives_new_limits_from_its_month(tmp_path: Path) -> None:
    path = workbook(tmp_path, spc_rule(), tblSpcRebase=[rebase()])
    assert validate(path) == []
    ds = load_dataset(path)
    assert [(r.series, r.period, r.cell) for r in ds.spc_rebase] == [
        ("Homicide", "2021-04", "'SPC rebase'!C5")]
    points = chart(ds, "Homicide").points
    assert points[11].mean == 11.5  # 2020-21: the steady pattern alone
    assert points[12].mean != points[11].mean
    assert {p.mean for p in points[12:]} == {points[12].mean}


def test_an_excel_date_is_read_as_its_month(tmp_path: Path) -> None:
    import datetime as dt

    path = workbook(tmp_path, spc_rule(), tblSpcRebase=[rebase(period=dt.datetime(2021, 4, 1))])
    assert validate(path) == []
    assert load_dataset(path).spc_rebase[0].period == "2021-04"


def test_bad_rebase_rows_are_located_errors(tmp_path: Path) -> None:
    cases = [(rebase(series="Homicides"), ("unknown-series", "SPC rebase", "B5")),
             (rebase(period="March 2021"), ("bad-month", "SPC rebase", "C5")),
             (rebase(period="2019-03"), ("rebase-outside-series", "SPC rebase", "C5")),
             (rebase(period="2020-04"), ("rebase-outside-series", "SPC rebase", "C5")),
             (rebase(period="2022-04"), ("rebase-outside-series", "SPC rebase", "C5"))]
    for row, expected in cases:
        assert validate(workbook(tmp_path, spc_rule(), tblSpcRebase=[row])) == [expected], row


def test_a_workbook_from_before_spc_still_validates(tmp_path: Path) -> None:
    path = write_input(tmp_path / "old.xlsx", valid_rows())
    book = load_workbook(path)
    del book["SPC rebase"]
    book.save(path)
    assert validate(path) == []


def test_the_demo_carries_the_covid_rebase(demo: Path) -> None:
    ds = load_dataset(demo)
    covid = {r.series for r in ds.spc_rebase if r.period == "2020-03"}
    assert {"All Crime", "Victim-Based Crime", "ASB incidents", "Burglary"} <= covid
    assert "Covid" in ds.spc_rebase[0].reason
    assert ds.rules["SPC-CONCERN-LAST-3"].kind.value == "spc"
    months = [p for p, _ in monthly(ds, "All Crime")]
    result = chart(ds, "All Crime")
    at = months.index("2020-03")
    assert result.points[at - 1].mean != result.points[at].mean
