"""``xlperf spc SERIES.csv``: the JSON keys, the table, and located errors on bad CSVs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from xlperf.cli import main

# vignettes/deviations.Rmd (NHSRplotthedots): 18 daily points, one outlier of 10
VIGNETTE = [1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1]


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, ["spc", *args])


def _csv(tmp_path: Path, body: str, name: str = "series.csv") -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


def _vignette_csv(tmp_path: Path, extra: str = "") -> Path:
    rows = "".join(f"2021-03-{22 + i:02d},{v}\n" if 22 + i <= 31 else
                   f"2021-04-{i - 9:02d},{v}\n" for i, v in enumerate(VIGNETTE))
    return _csv(tmp_path, "period,value\n" + rows + extra)


def test_json_has_exactly_the_documented_keys_and_values(tmp_path: Path) -> None:
    result = _run(str(_vignette_csv(tmp_path)), "--json", "--target", "3")
    assert result.exit_code == 0, result.output
    chart = json.loads(result.stdout)
    assert set(chart) == {"points", "variation", "assurance"}
    assert all(set(p) == {"period", "value", "mean", "lpl", "upl", "point_type"}
               for p in chart["points"])
    fifth = chart["points"][4]
    assert (fifth["period"], fifth["value"], fifth["point_type"]) == (
        "2021-03-26", 10.0, "special_cause_improvement")
    assert (round(fifth["lpl"], 2), round(fifth["mean"], 2), round(fifth["upl"], 2)) == (
        -0.72, 1.94, 4.6)
    assert chart["variation"] == "common_cause"
    assert chart["assurance"] == "inconsistent"  # 3 lies between -0.72 and 4.6


def test_options_reach_the_method(tmp_path: Path) -> None:
    path = _vignette_csv(tmp_path)
    unscreened = json.loads(_run(str(path), "--json", "--no-screen-outliers").stdout)
    assert round(unscreened["points"][0]["upl"], 2) == 6.95
    decrease = json.loads(_run(str(path), "--json", "--improvement", "decrease").stdout)
    assert decrease["points"][4]["point_type"] == "special_cause_concern"
    assert decrease["assurance"] is None
    rebased = json.loads(_run(str(path), "--json", "--rebase", "2021-04-01").stdout)
    assert rebased["points"][10]["mean"] != rebased["points"][9]["mean"]
    fixed = json.loads(_run(str(path), "--json", "--fix-after", "12").stdout)
    assert fixed["points"][0]["mean"] == pytest.approx(26 / 12)  # the first 12 values add to 26


def test_blank_trailing_values_are_null(tmp_path: Path) -> None:
    chart = json.loads(_run(str(_vignette_csv(tmp_path, "2021-04-09,\n")), "--json").stdout)
    assert chart["points"][-1] == {"period": "2021-04-09", "value": None, "mean": None,
                                   "lpl": None, "upl": None, "point_type": None}


def test_table_names_the_signal_and_the_variation(tmp_path: Path) -> None:
    result = _run(str(_vignette_csv(tmp_path)))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["period", "value", "mean", "lower", "limit", "upper", "limit",
                                "point", "type", "signal"]
    assert lines[5].split() == ["2021-03-26", "10", "1.94", "-0.72", "4.60", "special",
                                "cause:", "improvement", "Above", "UCL"]
    assert "Variation: common cause" in result.output
    assert "Rules that fired: a point outside the process limits" in result.output


def test_short_series_warns_of_trial_limits_on_stderr(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["spc", str(_csv(tmp_path, "period,value\na,1\nb,3\nc,2\n")), "--json"])
    assert result.exit_code == 0
    assert "3 points (fewer than 12): its limits are trial limits" in result.stderr
    assert json.loads(result.stdout)["variation"] == "common_cause"


@pytest.mark.parametrize(("body", "args", "message"), [
    ("period,value\na,1\nb,twelve\n", (), 'series.csv line 3, column value: "twelve" is not '
     "a number"),
    ("period,value\na,1\n,2\n", (), "series.csv line 3, column period: the period is blank"),
    ("date,count\na,1\n", (), "series.csv line 1: the header must be period,value"),
    ("period,value\na,1\nb,2,3\n", (), "series.csv line 3: 3 columns; expected 2"),
    ("period,value\na,1\nb,inf\n", (), 'line 3, column value: "inf" is not a finite number'),
    ("", (), "series.csv: empty file"),
    ("period,value\n", (), "series.csv: no rows after the header"),
    ("period,value\na,1\n", (), "the segment a to a has 1 value: the limits need at least 2"),
    ("period,value\na,4\nb,4\nc,4\n", (), "every value of a to c is 4: the moving range is "
     "zero"),
    ("period,value\na,1\nb,\nc,3\n", (), "period b has no value between two values"),
    ("period,value\na,1\nb,2\nc,3\n", ("--rebase", "z"), "rebase period z is not in the "
     "series (a to c)"),
    ("period,value\na,1\nb,2\nc,3\n", ("--target", "2", "--improvement", "neutral"),
     "a target needs an improvement direction"),
    ("period,value\na,1\nb,2\nc,3\n", ("--fix-after", "3"), "fix after 3 points"),
])
def test_bad_input_is_a_located_error(tmp_path: Path, body: str, args: tuple[str, ...],
                                      message: str) -> None:
    result = _run(str(_csv(tmp_path, body)), *args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    result = _run(str(tmp_path / "nope.csv"))
    assert result.exit_code == 1
    assert "nope.csv: no such file" in result.output
