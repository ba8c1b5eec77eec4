"""Read, validate and turn an input workbook into a :class:`~xlperf.model.Dataset`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..domain.rules import (
    GRADES,
    RollUpCondition,
    Rule,
    default_rollup,
    default_rules,
)
from ..model import (
    Dataset,
    ForceCrime,
    KPAStatus,
    Measure,
    MeasureValue,
    Narrative,
    NationalMetric,
    Recommendation,
    ReportedGrade,
    ReportText,
    Series,
    SurveyAnswer,
)
from ..periods import FY_MONTHS, FinancialYear, Quarter
from ..problems import InputError, Problem, Problems, address, split_address
from ..schema import load_data, load_schema
from .validate import Row, TypedTable, Validator
from .xlsx import RawWorkbook, UnreadableInput, read_workbook


@dataclass
class Loaded:
    dataset: Dataset | None
    problems: Problems


def load(path: Path | str) -> Loaded:
    """Validate ``path`` fully; the dataset is None when the file could not be read."""
    path = Path(path)
    try:
        raw = read_workbook(path)
    except UnreadableInput as exc:
        return Loaded(None, Problems([exc.problem]))
    return load_raw(raw)


def load_raw(raw: RawWorkbook) -> Loaded:
    """Validate a workbook already read: from a file, or from an open Excel workbook
    (:mod:`xlperf.reading.book`), so both are checked by exactly the same rules."""
    validator = Validator(raw, load_schema(), set(default_rules()))
    typed = validator.run()
    problems = validator.problems
    if not typed:
        return Loaded(None, problems)
    dataset = build_dataset(raw.path.name, typed, problems)
    from ..domain.checks import check_dataset  # noqa: PLC0415 - avoids an import cycle

    # a cell already reported as invalid is read as blank: do not report it again as missing
    invalid = {(p.sheet, p.cell) for p in problems.errors if p.cell}
    problems.extend([p for p in check_dataset(dataset) if (p.sheet, p.cell) not in invalid])
    # national priorities statement: placeholders, and every started statement is complete
    from .statement_checks import check_statement  # noqa: PLC0415

    reported = {(p.sheet, p.cell) for p in problems.errors if p.cell}
    headers = {name: (t.sheet, t.header_cells) for name, t in typed.items()}
    problems.extend([p for p in check_statement(dataset, headers)
                     if (p.sheet, p.cell) not in reported])
    # the committee report's own text (Report text table)
    from .report_checks import check_report_text  # noqa: PLC0415

    problems.extend(check_report_text(dataset))
    # action trackers (issue 9): published HMICFRS counts, dates, report and period checks
    from .tracker_checks import add_trackers  # noqa: PLC0415

    problems.extend([p for p in add_trackers(typed, dataset) if (p.sheet, p.cell) not in invalid])
    return Loaded(dataset, problems)


def load_or_raise(path: Path | str) -> Dataset:
    loaded = load(path)
    if loaded.problems.errors or loaded.dataset is None:
        raise InputError(loaded.problems)
    loaded.dataset.warnings = list(loaded.problems.warnings)
    return loaded.dataset


def _rows(typed: dict[str, TypedTable], name: str) -> list[Row]:
    table = typed.get(name)
    return table.rows if table else []


def _series(typed: dict[str, TypedTable], name: str, key_column: str,
            problems: Problems, file: str) -> dict[str, dict[FinancialYear, Series]]:
    out: dict[str, dict[FinancialYear, Series]] = {}
    for row in _rows(typed, name):
        key, fy = row[key_column], row["FY"]
        if key is None or fy is None:
            continue
        out.setdefault(key, {})[fy] = Series(
            tuple(row[m] for m in FY_MONTHS),
            tuple(address(row.sheet, row.cell(m)) for m in FY_MONTHS),
            row.get("Source", ""),
        )
    return out


def build_dataset(file: str, typed: dict[str, TypedTable], problems: Problems) -> Dataset:
    ds = Dataset(file=file)
    for row in _rows(typed, "tblSettings"):
        if row["Setting"]:
            ds.settings[row["Setting"]] = row["Value"]
            ds.settings_cells[row["Setting"]] = address(row.sheet, row.cell('Value'))
    ds.priorities = [(r["Priority"], r.get("Heading", r["Priority"]))
                     for r in _rows(typed, "tblPriorities") if r["Priority"]]
    ds.rules = dict(default_rules())
    for row in _rows(typed, "tblRules"):
        rule = _rule(row)
        if rule is not None:
            ds.rules[rule.name] = rule
    rollup = [
        RollUpCondition(r["Grade"], r["Counts measures graded"], r["At least"])
        for r in _rows(typed, "tblRollUp")
        if r["Grade"] and r["Counts measures graded"] and r["At least"] is not None
    ]
    ds.rollup = tuple(rollup) or default_rollup()
    for row in _rows(typed, "tblMeasures"):
        if None in (row["Measure ID"], row["Priority"], row["Rule"], row["Value from"],
                    row["First FY"], row["No."], row["Measure of success"]):
            continue
        ds.measures.append(Measure(
            id=row["Measure ID"], priority=row["Priority"], number=row["No."],
            text=row["Measure of success"], aim=row.get("Aim/Rationale", ""), rule=row["Rule"],
            source=row["Value from"], unit=row.get("Unit", "count"),
            frequency=row.get("Frequency", "Quarterly"), survey=row.get("Survey", ""),
            first_fy=row["First FY"], cell=address(row.sheet, row.cell('Measure ID')),
        ))
    for row in _rows(typed, "tblMeasureValues"):
        if None in (row["Measure ID"], row["FY"], row["Quarter"]):
            continue
        reported = row["Reported grade"]
        ds.measure_values[(row["Measure ID"], Quarter(row["FY"], row["Quarter"]))] = MeasureValue(
            value=row["Value"], reported=reported, reason=row.get("Reason", ""),
            source=row.get("Source", ""), cell=address(row.sheet, row.cell('Value')),
            reported_cell=address(row.sheet, row.cell('Reported grade')),
        )
    for row in _rows(typed, "tblPriorityGrades"):
        if None in (row["Priority"], row["FY"], row["Quarter"], row["Reported grade"]):
            continue
        ds.priority_grades[(row["Priority"], Quarter(row["FY"], row["Quarter"]))] = ReportedGrade(
            row["Reported grade"], row.get("Reason", ""), row.get("Source", ""),
            address(row.sheet, row.cell('Reported grade')),
        )
    ds.crime = _series(typed, "tblCrime", "Category", problems, file)
    ds.neighbourhood = _series(typed, "tblNeighbourhood", "Offence", problems, file)
    ds.servator = _series(typed, "tblServator", "Series", problems, file)
    ds.public_order = _series(typed, "tblPublicOrder", "Series", problems, file)
    from ..periods import CALENDAR_MONTHS  # noqa: PLC0415

    for row in _rows(typed, "tblASB"):
        if row["Year"] is not None:
            ds.asb[row["Year"]] = Series(
                tuple(row[m] for m in CALENDAR_MONTHS),
                tuple(address(row.sheet, row.cell(m)) for m in CALENDAR_MONTHS),
                row.get("Source", ""),
            )
    for row in _rows(typed, "tblSurveyAnswers"):
        if None in (row["Survey"], row["FY"], row["Question ID"], row["Answer"],
                    row["Respondents"], row["Positive"]):
            continue
        ds.survey_answers.append(SurveyAnswer(
            row["Survey"], row["FY"], row["Quarter"], row["Question ID"], row.get("Question", ""),
            row["Answer"], row["Positive"], row["Respondents"],
            address(row.sheet, row.cell('Respondents')),
        ))
    for row in _rows(typed, "tblSurveyResponses"):
        if None in (row["Survey"], row["FY"], row["Invitations"], row["Responses"]):
            continue
        ds.survey_responses[(row["Survey"], row["FY"])] = (row["Invitations"], row["Responses"])
    for row in _rows(typed, "tblNationalCrime"):
        if None in (row["Force"], row["12 months to"], row["Crimes"], row["Previous 12 months"]):
            continue
        ds.national_crime.append(ForceCrime(
            row["Force"], row["12 months to"], row["Crimes"], row["Previous 12 months"],
            address(row.sheet, row.cell('Crimes')),
        ))
    for row in _rows(typed, "tblNationalMetrics"):
        if None in (row["Metric ID"], row["FY"], row["Quarter"]):
            continue
        ds.national_metrics[(row["Metric ID"], Quarter(row["FY"], row["Quarter"]))] = (
            NationalMetric(row["National priority"], row["Metric ID"], row["Value"],
                           row.get("Not available reason", ""), row.get("Source", ""),
                           address(row.sheet, row.cell('Value')))
        )
    for row in _rows(typed, "tblNarratives"):
        if None in (row["National priority"], row["FY"], row["Quarter"], row["Narrative"]):
            continue
        quarter = Quarter(row["FY"], row["Quarter"])
        ds.narratives[(row["National priority"], quarter)] = Narrative(
            row["National priority"], quarter, row["Narrative"],
            address(row.sheet, row.cell('Narrative')),
        )
    for row in _rows(typed, "tblReportText"):
        if None in (row["Paragraph"], row["Use"], row["Text"]):
            continue
        ds.report_text.setdefault(str(row["Paragraph"]).strip(), []).append(ReportText(
            str(row["Paragraph"]).strip(), row["Use"], row["Text"],
            address(row.sheet, row.cell("Text"))))
    for row in _rows(typed, "tblHMICFRS"):
        if None in (row["Report"], row["Published"], row["No."], row["Status"], row["Type"]):
            continue
        ds.recommendations.append(Recommendation(
            row["Report"], row["Published"], row["Type"], row["No."],
            row.get("Recommendation", ""), row["Status"], row["Previous status"],
            row["Due date"], row["Original due date"], row.get("Comments", ""),
            row.get("Task owner", ""), row.get("Position", ""), row.get("Source", ""),
            address(row.sheet, row.cell('Status')),
        ))
    for row in _rows(typed, "tblKPAs"):
        if None in (row["Priority"], row["KPA"], row["Period"], row["Traffic light"]):
            continue
        ds.kpas.append(KPAStatus(
            row["Priority"], row["KPA"], row.get("Description", ""), row.get("Owner", ""),
            row["Period"], row["Traffic light"], row.get("Current position", ""),
            bool(row.get("In focus", False)), address(row.sheet, row.cell('Traffic light')),
        ))
    for row in _rows(typed, "tblKPAPriorities"):
        if None in (row["Priority"], row["Period"], row["Reported light"]):
            continue
        ds.kpa_priorities[(row["Priority"], row["Period"])] = row["Reported light"]
    _check_rules(typed, ds, problems, file)
    _check_crime(typed, ds, problems, file)
    return ds


def _rule(row: Row) -> Rule | None:
    required = ("Rule", "Kind", "Polarity", "Close Monitoring when", "Requires Action when")
    if any(row[c] is None for c in required):
        return None
    return Rule(
        name=row["Rule"], kind=row["Kind"], polarity=row["Polarity"],
        close_monitoring_when=row["Close Monitoring when"],
        requires_action_when=row["Requires Action when"],
        reference=row["Reference"], baseline_value=row["Baseline value"],
        baseline_fy=row["Baseline FY"], reducing_trend_quarters=row["Reducing trend quarters"],
        between_surveys=row.get("Between surveys", "exclude"),
        description=row.get("Description", ""),
        origin=address(row.sheet, row.cell('Rule')),
        cells={c: address(row.sheet, row.cell(c)) for c in row.cells},
    )




def _check_rules(typed: dict[str, TypedTable], ds: Dataset, problems: Problems,
                 file: str) -> None:
    for rule in ds.rules.values():
        for code, column, message in rule.check():
            sheet, ref = split_address(rule.cells.get(column, rule.origin))
            problems.add(Problem(code, message, sheet, ref, file))
    for row in _rows(typed, "tblRollUp"):
        if row["Grade"] not in GRADES[1:] and row["Grade"] is not None:
            problems.add(Problem("bad-rollup", "a roll-up condition must give Close Monitoring "
                                 "or Requires Action", row.sheet, row.cell("Grade"), file))


def _check_crime(typed: dict[str, TypedTable], ds: Dataset, problems: Problems,
                 file: str) -> None:
    """Every financial year in the crime table must list every category."""
    categories = load_data("categories")["categories"]
    table = typed.get("tblCrime")
    if table is None or not table.rows:
        return
    years = sorted({fy for by_fy in ds.crime.values() for fy in by_fy})
    for fy in years:
        missing = [c for c in categories if fy not in ds.crime.get(c, {})]
        if missing and len(missing) < len(categories):
            problems.add(Problem(
                "missing-row",
                f"{fy.label} has no row for {', '.join(missing)}",
                table.sheet, table.header_cells.get("Category", ""), file,
            ))
