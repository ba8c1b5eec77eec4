"""Write 43 synthetic force input workbooks, one per territorial force of England and Wales.

For batch runs and benchmarks (`xlperf build-all`): each workbook is a complete, valid
single-force input. Recorded crime is synthetic and reproducible from ``--seed``: six
financial years (2016-17 to 2021-22) of monthly counts for every category of
xlperf/data/categories.yaml, with force sizes spread like the real ones: the City of London
a few thousand crimes a year, the Metropolitan Police close to a million, the other 41
log-normal in between. Neighbourhood crime is derived from the same figures, and the
national comparison table (rolling 12 months at every quarter end) is computed from all 43
forces' generated crime, so every workbook carries the same national table. Every other
table (measures, rules, surveys, Servator, public order, ASB, trackers) is the demo's
(scripts/make_demo.py demo_rows), under each force's name.

Run:  python3 scripts/make_forces.py FOLDER [--seed N] [--count N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import demo_trackers  # noqa: E402 - the demo's force sizes, to rank the draws
import make_demo  # noqa: E402

from xlperf.periods import FinancialYear, days_in_month  # noqa: E402
from xlperf.schema import load_data  # noqa: E402
from xlperf.writers.input_workbook import write_input_workbook  # noqa: E402

DEFAULT_SEED = 2022
FIRST_FY = 2016
FY_COUNT = 6
SMALLEST = 6_000  # crimes a year in 2019-20: the City of London's order of size
LARGEST = 950_000  # the Metropolitan Police's order of size
SMALLEST_FORCE = "City of London Police"
LARGEST_FORCE = "Metropolitan Police"
MEDIAN, SIGMA, OTHERS = 85_000, 0.55, (20_000, 400_000)  # the other 41 forces
#: Each year's total relative to 2019-20 (2020-21: the lockdown year).
YEAR_LEVEL = {2016: 0.86, 2017: 0.91, 2018: 0.96, 2019: 1.0, 2020: 0.87, 2021: 1.03}
#: Typical share of each group in all recorded crime (before per-force variation).
GROUP_SHARE = {"Victim-Based Violence": 0.36, "Victim-Based Acquisitive Crime": 0.31,
               "Arson & Criminal Damage": 0.11, "Crimes Against Society": 0.22}
#: Neighbourhood crime (national priority) from the categories it is drawn from.
NEIGHBOURHOOD = {
    "Burglary": [("Burglary in a Dwelling", 1.0), ("Burglary - Non Dwelling", 0.35)],
    "Robbery": [("Robbery of Personal Property", 1.0)],
    "Theft of Motor Vehicle": [("Vehicle Offences", 0.25)],
    "Theft from Motor Vehicle": [("Vehicle Offences", 0.55)],
    "Theft Person": [("Theft from the Person", 1.0)],
}
SOURCE = "synthetic (scripts/make_forces.py, seed {seed})"


def force_sizes(forces: list[str], rng: random.Random) -> dict[str, int]:
    """Crimes in 2019-20 per force. The City of London and the Metropolitan Police are the
    outliers (a few thousand, close to a million); the other 41 are log-normal draws
    (median MEDIAN, clamped to OTHERS), handed out in the order of the forces' sizes in the
    demo's national table, so the big metropolitan forces get the big draws."""
    others = [f for f in forces if f not in (SMALLEST_FORCE, LARGEST_FORCE)]
    draws = sorted((min(max(rng.lognormvariate(math.log(MEDIAN), SIGMA), OTHERS[0]), OTHERS[1])
                    for _ in others), reverse=True)
    by_size = sorted(others, key=lambda f: -demo_trackers._CRIMES[f])
    sizes = {f: round(d) for f, d in zip(by_size, draws, strict=True)}
    sizes[SMALLEST_FORCE] = round(SMALLEST * rng.uniform(0.9, 1.1))
    sizes[LARGEST_FORCE] = round(LARGEST * rng.uniform(0.95, 1.0))
    return {f: sizes[f] for f in forces}


def force_crime(size: int, rng: random.Random) -> dict[str, dict[int, list[int]]]:
    """Category -> FY start -> twelve monthly counts that add up exactly to each year's total."""
    groups = {g: s * rng.lognormvariate(0.0, 0.15) for g, s in GROUP_SHARE.items()}
    out: dict[str, dict[int, list[int]]] = {}
    for fy in range(FIRST_FY, FIRST_FY + FY_COUNT):
        shape = make_demo.COVID if fy == 2020 else make_demo.SEASON
        weights = [w * rng.uniform(0.94, 1.06) for w in shape]
        total = round(size * YEAR_LEVEL[fy] * rng.gauss(1.0, 0.02))
        for month, count in enumerate(make_demo.spread(total, weights)):
            names = list(groups)
            for group, group_count in zip(names, make_demo.spread(count, list(groups.values())),
                                          strict=True):
                shares = make_demo.SHARES[group]
                for name, n in zip(shares, make_demo.spread(group_count, list(shares.values())),
                                   strict=True):
                    out.setdefault(name, {}).setdefault(fy, [0] * 12)[month] = n
    return out


def crime_rows(crime: dict[str, dict[int, list[int]]], seed: int) -> list[list]:
    return [[name, FinancialYear(fy).label, *crime[name][fy], SOURCE.format(seed=seed)]
            for name in load_data("categories")["categories"] for fy in sorted(crime[name])]


def neighbourhood_rows(crime: dict[str, dict[int, list[int]]], seed: int) -> list[list]:
    rows = []
    for offence in load_data("categories")["neighbourhood_offences"]:
        for fy in range(FIRST_FY, FIRST_FY + FY_COUNT):
            parts = NEIGHBOURHOOD[offence]
            months = [sum(round(crime[name][fy][m] * share) for name, share in parts)
                      for m in range(12)]
            rows.append([offence, FinancialYear(fy).label, *months,
                         f"derived from the crime categories ({SOURCE.format(seed=seed)})"])
    return rows


def monthly_totals(crime: dict[str, dict[int, list[int]]]) -> list[int]:
    """All crime per month, April of the first FY onwards."""
    return [sum(crime[name][fy][m] for name in crime)
            for fy in range(FIRST_FY, FIRST_FY + FY_COUNT) for m in range(12)]


def national_rows(totals: dict[str, list[int]], seed: int) -> list[list]:
    """Rolling 12 months v the previous 12, at every quarter end with 24 months of history."""
    forces = load_data("national")["forces"]
    rows = []
    months = FY_COUNT * 12
    for end in range(23, months, 3):  # index of the period's last month (0 = first April)
        year, month = FinancialYear(FIRST_FY + end // 12).month_year(end % 12)
        period_end = dt.date(year, month, days_in_month(year, month))
        for force in forces:
            series = totals[force]
            rows.append([force, period_end, sum(series[end - 11: end + 1]),
                         sum(series[end - 23: end - 11]), SOURCE.format(seed=seed)])
    return rows


def with_references(demo: dict[str, list[list]]) -> dict[str, list[list]]:
    """The demo holds only the printed figures, so some 2020-21 grades have no 2019-20
    reference (xlperf build-all fails those quarters). Add synthetic 2019-20 measure values
    and survey answers where 2020-21 has one and 2019-20 has none, so every quarter builds."""
    values, answers = demo["tblMeasureValues"], demo["tblSurveyAnswers"]
    typed = {(r[0], r[1], r[2]) for r in values}
    extra_values = [[r[0], "2019-20", r[2], round(r[3] * 0.95), None, None, "synthetic reference"]
                    for r in values if r[1] == "2020-21" and r[3] is not None
                    and (r[0], "2019-20", r[2]) not in typed]
    asked = {(r[0], r[1], r[3]) for r in answers}
    extra_answers = [[r[0], "2019-20", *r[2:8], "synthetic reference"] for r in answers
                     if r[1] == "2020-21" and (r[0], "2019-20", r[3]) not in asked]
    return {**demo, "tblMeasureValues": values + extra_values,
            "tblSurveyAnswers": answers + extra_answers}


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def build(folder: Path, seed: int = DEFAULT_SEED, count: int | None = None) -> list[Path]:
    """Write the workbooks into ``folder``; ``count`` keeps the first N forces (all 43 by
    default). The sizes and figures of a force do not depend on ``count``."""
    forces = load_data("national")["forces"]
    rng = random.Random(seed)
    sizes = force_sizes(forces, rng)
    crime = {f: force_crime(sizes[f], random.Random(f"{seed}:{f}")) for f in forces}
    demo = with_references(make_demo.demo_rows())
    demo["tblNationalCrime"] = national_rows({f: monthly_totals(crime[f]) for f in forces}, seed)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for force in forces[:count]:
        settings = [[key, force if key == "Force name" else value]
                    for key, value in demo["tblSettings"]]
        rows = {**demo, "tblSettings": settings, "tblCrime": crime_rows(crime[force], seed),
                "tblNeighbourhood": neighbourhood_rows(crime[force], seed)}
        written.append(write_input_workbook(folder / f"{slug(force)}.xlsx", rows,
                                            overwrite=True))
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="folder to write the workbooks into")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--count", type=int, default=None,
                        help="only the first N forces of xlperf/data/national.yaml")
    args = parser.parse_args(argv)
    paths = build(args.folder, args.seed, args.count)
    print(f"Wrote {len(paths)} force workbooks to {args.folder}")


if __name__ == "__main__":
    main()
