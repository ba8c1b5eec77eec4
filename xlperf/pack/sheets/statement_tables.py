"""The national priorities statement's tables and data: the two neighbourhood crime tables,
victim satisfaction with the survey's response rate, and the national comparison, with the
input figures they are computed from.

Inputs (monthly neighbourhood counts, survey answers, the 43 forces' crime) sit on the data
sheet in "Input" styles; every derived figure is an Excel formula over them, one formula per
row. Each cell also carries the value xlperf computed in Python, which the narratives'
placeholders quote, so the text and the tables cannot disagree.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from ...arithmetic import round_half_away
from ...domain.figures import FigureKey
from ...domain.statement import (
    Month,
    NeighbourhoodPeriods,
    month_value,
    months_total,
    national_data,
    neighbourhood_offences,
    statement_data,
)
from ...domain.values import survey_percent
from ...model import SurveyAnswer
from ...periods import FY_MONTHS, MONTH_NAMES, FinancialYear
from ...problems import split_address
from ..cells import DOWN, FLAT, NOT_APPLICABLE, UP, arrow, change_or_na, formula, ratio_or_na, text
from ..context import Context
from ..model import Block, Cell, NamedCell, Ref, Sheet
from .keydata import latest_national, rank_block

NEIGHBOURHOOD = "tblNPNeighbourhood"
ANSWERS = "tblNPSurveyAnswers"
FORCES = "tblNPForces"
MONTHLY = "tblNPMonthly"
YEARLY = "tblNPYearly"
VICTIMS = "tblNPVictims"
SURVEY = "tblNPSurvey"
NATIONAL = "tblNPNational"
FIRST_MONTH_COL = 2  # Offence, Financial year, then Apr ... Mar
CHANGE = '=IFERROR(({0}-{1})/{1},"N/A")'


def sheet_names() -> dict[str, str]:
    return dict(statement_data()["sheets"])


class StatementData(NamedTuple):
    """The data sheet, and where its rows are for formulas to refer to."""

    sheet: Sheet
    rows: dict[tuple[str, FinancialYear], int]
    answers: list[SurveyAnswer]
    forces: Block | None

    def month(self, offence: str, month: Month) -> Ref:
        row = self.rows[(offence, month[0])]
        return Ref(NEIGHBOURHOOD, row, FIRST_MONTH_COL + month[1])

    def months(self, offence: str, months: tuple[Month, ...]) -> list[Ref]:
        """One range per financial year the months fall in."""
        out: list[Ref] = []
        for fy in sorted({fy for fy, _ in months}):
            indices = [i for year, i in months if year == fy]
            row = self.rows[(offence, fy)]
            out.append(Ref(NEIGHBOURHOOD, row, FIRST_MONTH_COL + indices[0], row,
                           FIRST_MONTH_COL + indices[-1]))
        return out


class StatementTables:
    """The tables sheet, where its figures are, and the raw figures narratives quote."""

    __slots__ = ("figures", "national_rows", "sheet", "survey", "victim_rows")

    sheet: Sheet
    figures: dict[tuple[str, ...], Any]
    victim_rows: dict[str, int]  # question id -> row
    national_rows: dict[str, int]  # figure key -> row
    survey: str

    def __init__(self, sheet: Sheet, figures: dict[tuple[str, ...], Any] | None = None,
                 victim_rows: dict[str, int] | None = None,
                 national_rows: dict[str, int] | None = None, survey: str = "") -> None:
        self.sheet = sheet
        self.figures = {} if figures is None else figures
        self.victim_rows = {} if victim_rows is None else victim_rows
        self.national_rows = {} if national_rows is None else national_rows
        self.survey = survey


def _victim_questions() -> list[dict[str, str]]:
    return list(national_data()["victim_survey"]["questions"])


def _answers(ctx: Context) -> list[SurveyAnswer]:
    """The answers survey_percent pools for the quarter, for the victim survey questions."""
    order = {q["id"]: i for i, q in enumerate(_victim_questions())}
    q = ctx.quarter
    chosen = [a for a in ctx.ds.survey_answers if a.question_id in order and a.fy == q.fy
              and (a.quarter is None or a.quarter <= q.number)]
    # grouped by question (stable), so each question's answers are one range of rows
    return sorted(chosen, key=lambda a: order[a.question_id])


def _cells_text(cells: tuple[str, ...]) -> str:
    present = [c for c in cells if c]
    if not present:
        return ""
    if len(present) == 1:
        return present[0]
    return f"{present[0]}:{split_address(present[-1])[1]}"


def describe_data(ctx: Context, periods: NeighbourhoodPeriods) -> StatementData:
    names = sheet_names()
    rows: list[list[Cell]] = []
    index: dict[tuple[str, FinancialYear], int] = {}
    for offence in neighbourhood_offences():
        for fy in periods.years:
            series = ctx.ds.neighbourhood.get(offence, {}).get(fy)
            values = series.values if series else (None,) * 12
            index[(offence, fy)] = len(rows)
            rows.append([text(offence), text(fy.label),
                         *[Cell(v, "Input Count") for v in values],
                         text(_cells_text(series.cells) if series else "")])
    blocks = [Block(NEIGHBOURHOOD, NEIGHBOURHOOD,
                    ["Offence", "Financial year", *FY_MONTHS, "Input cells"], rows,
                    "Neighbourhood crime by month (input)",
                    [f"{o} {fy.label}" for o, fy in index])]
    answers = _answers(ctx)
    if answers:
        blocks.append(Block(
            ANSWERS, ANSWERS,
            ["Question", "Answer", "Positive", "Respondents", "Input cell"],
            [[text(a.question), text(a.answer),
              Cell(a.positive, "Input Number"), Cell(a.respondents, "Input Count"),
              text(a.cell)] for a in answers],
            f"{national_data()['victim_survey']['survey']} {ctx.fy.label}: answers to the end "
            f"of {ctx.quarter.end_month_label} (input)"))
    forces = rank_block(ctx, FORCES, FORCES)
    if forces is not None:
        blocks.append(forces)
    named = [
        NamedCell("NPDataNote", text(
            f"The input figures behind the {names['statement']} and {names['tables']} sheets, "
            "copied from the input workbook (Input cells says where). Change and Rank in the "
            "forces table are formulas; rank 1 is the largest fall.")),
        NamedCell("NPMasterCheck", formula("={0}", Ref("MasterCheck", 0, 0), value=True,
                                           style="Check")),
    ]
    return StatementData(Sheet(names["data"], blocks, named), index, answers, forces)


def direction(now: float | None, before: float | None) -> Cell:
    """↑/↓ by the count, → when the change rounds to 0%; a fall is good (green)."""
    if now is None or before is None:
        return arrow(None, None)
    change = change_or_na(now, before)
    flat = now == before or (isinstance(change, float) and round_half_away(change * 100) == 0)
    glyph = FLAT if flat else (UP if now > before else DOWN)
    return arrow(glyph, None if flat else glyph == DOWN)


def _neighbourhood(ctx: Context, data: StatementData, periods: NeighbourhoodPeriods,
                   out: StatementTables) -> list[Block]:
    text_fields = statement_data()["neighbourhood"]
    fields = {"month": ctx.quarter.end_month_label,
              "baseline_month": _month_name(periods.baseline_month),
              "baseline_end": _month_name(periods.baseline_year[-1])}
    blocks: list[Block] = []
    for table, name, heading in (("monthly", MONTHLY, "Change Monthly"),
                                 ("yearly", YEARLY, "Change Yearly")):
        labels = periods.monthly_labels if table == "monthly" else periods.yearly_labels
        rows: list[list[Cell]] = []
        for r, offence in enumerate(neighbourhood_offences()):
            if table == "monthly":
                before = month_value(ctx.ds, offence, periods.baseline_month)
                now = month_value(ctx.ds, offence, periods.current_month)
                cells = [formula("={0}", data.month(offence, periods.baseline_month),
                                 value=before, style="Count"),
                         formula("={0}", data.month(offence, periods.current_month),
                                 value=now, style="Count")]
            else:
                before = months_total(ctx.ds, offence, periods.baseline_year)
                now = months_total(ctx.ds, offence, periods.current_year)
                cells = []
                for value, months in ((before, periods.baseline_year),
                                      (now, periods.current_year)):
                    refs = data.months(offence, months)
                    marks = ",".join(f"{{{i}}}" for i in range(len(refs)))
                    cells.append(formula(f"=SUM({marks})", *refs, value=value, style="Count"))
                for label, value, col in ((labels[0], before, 1), (labels[1], now, 2)):
                    if value is not None:
                        ctx.checks.add(f"National priorities: {offence}, {label}",
                                       out.sheet.name, Ref(name, r, col), value)
            change = change_or_na(now, before)
            rows.append([text(offence), *cells,
                         formula(CHANGE, Ref(name, r, 2), Ref(name, r, 1), value=change,
                                 style="Change"),
                         direction(now, before)])
            for key, figure in (("baseline", before), ("current", now), ("change", change)):
                out.figures[("neighbourhood", offence, table, key)] = figure
        title = text_fields[f"{table}_title"].format(**fields)
        blocks.append(Block(name, name, ["Offence", *labels, heading, "Direction"], rows,
                            title, neighbourhood_offences()))
    return blocks


def _month_name(month: Month) -> str:
    year, calendar_month = month[0].month_year(month[1])
    return f"{MONTH_NAMES[calendar_month - 1]} {year}"


def _victims(ctx: Context, data: StatementData, out: StatementTables) -> list[Block]:
    spec = national_data()["victim_survey"]
    labels = statement_data()["victims"]
    survey, fy = spec["survey"], ctx.fy
    out.survey = survey
    fields = {"survey": survey, "fy": fy.label, "month": ctx.quarter.end_month_label}
    n = len(data.answers)
    rows: list[list[Cell]] = []
    for r, question in enumerate(spec["questions"]):
        qid = question["id"]
        mine = [a for a in data.answers if a.question_id == qid]
        satisfied = sum(a.respondents for a in mine if a.positive)
        every = sum(a.respondents for a in mine)
        figure = survey_percent(ctx.ds, qid, fy, ctx.quarter.number).value
        share = NOT_APPLICABLE if figure is None else figure / 100
        rows_of = [i for i, a in enumerate(data.answers) if a.question_id == qid]
        if n and rows_of:
            first, last = rows_of[0], rows_of[-1]  # one range: answers are grouped by question
            positive = Ref(ANSWERS, first, 2).to(last, 2)
            people = Ref(ANSWERS, first, 3).to(last, 3)
            cells = [formula("=SUMPRODUCT({0},{1})", positive, people, value=satisfied,
                             style="Count"),
                     formula("=SUM({0})", people, value=every, style="Count"),
                     formula('=IFERROR({0}/{1},"N/A")', Ref(VICTIMS, r, 1), Ref(VICTIMS, r, 2),
                             value=share, style="Percent")]
            if figure is not None:
                ctx.checks.add(f"National priorities: victim satisfaction, {question['label']}",
                               out.sheet.name, Ref(VICTIMS, r, 3), figure / 100)
                if ctx.quarter.number == 4:  # the year's survey, as the catalogue's figure
                    ctx.show(FigureKey("survey-percent", qid, fy.label), Ref(VICTIMS, r, 3),
                             share)
        else:
            cells = [text(NOT_APPLICABLE, "Count"), text(NOT_APPLICABLE, "Count"),
                     text(NOT_APPLICABLE, "Percent")]
        rows.append([text(question["label"]), *cells])
        out.victim_rows[qid] = r
        out.figures[("survey", qid)] = None if figure is None else figure / 100
    victims = Block(VICTIMS, VICTIMS, ["Question", "Satisfied", "Answers", "Satisfaction"],
                    rows, labels["title"].format(**fields),
                    [q["id"] for q in spec["questions"]])
    invitations, responses = ctx.ds.survey_responses.get((survey, fy), (None, None))
    rate = ratio_or_na(responses, invitations)
    response_row = [text(f"{survey} {fy.label}"), Cell(invitations, "Input Count"),
                    Cell(responses, "Input Count"),
                    formula('=IFERROR({0}/{1},"N/A")', Ref(SURVEY, 0, 2), Ref(SURVEY, 0, 1),
                            value=rate, style="Percent")]
    if isinstance(rate, float):
        ctx.checks.add("National priorities: victim survey response rate", out.sheet.name,
                       Ref(SURVEY, 0, 3), rate)
    if invitations is not None:
        for col, kind, value in ((1, "survey-invitations", invitations),
                                 (2, "survey-responses", responses),
                                 (3, "survey-response-rate", rate)):
            ctx.show(FigureKey(kind, survey, fy.label), Ref(SURVEY, 0, col), value)
    out.figures.update({("responses", "invitations"): invitations,
                        ("responses", "responses"): responses,
                        ("responses", "rate"): rate})
    survey_block = Block(SURVEY, SURVEY, ["Survey", "Invitations", "Responses", "Response rate"],
                         [response_row], labels["responses_title"].format(**fields), [survey])
    return [victims, survey_block]


def _national(ctx: Context, data: StatementData, out: StatementTables) -> Block:
    forces = data.forces
    met = national_data()["metropolitan_force"]
    me = ctx.ds.force
    rows: list[list[Cell]] = []
    keys: list[str] = []
    values: dict[str, Any] = dict.fromkeys(
        ("force_change", "england_wales_change", "metropolitan_change", "force_rank",
         "forces_ranked", "forces_with_increase", "data_to"))
    if forces is None:
        rows.append([text("No national crime figures for the 12 months to the quarter's end"),
                     text(NOT_APPLICABLE, "Change Fine")])
        keys.append("none")
        data_to = "(no data)"
    else:
        national = latest_national(ctx)
        n = len(national)
        period = national[0].period_end
        data_to = f"{MONTH_NAMES[period.month - 1]} {period.year}"
        crimes = sum(f.crimes for f in national)
        previous = sum(f.previous for f in national)
        changes = [forces.rows[r][4].value for r in range(n)]
        values.update(forces_ranked=n, data_to=data_to, forces_with_increase=sum(
            1 for c in changes if isinstance(c, float) and c > 0))
        if me in forces.row_keys:
            r = forces.row_of(me)
            values.update(force_change=changes[r], force_rank=forces.rows[r][5].value)
            rows.append([text(f"{me}: change in all crime, 12 months to {data_to} v the "
                              "previous 12 months"),
                         formula("={0}", forces.ref(r, 4), value=changes[r], style="Change")])
            keys.append("force_change")
            ctx.show(FigureKey("force-12-month-change", me), Ref(NATIONAL, len(rows) - 1, 1),
                     changes[r])
        e_and_w = change_or_na(crimes, previous)
        values["england_wales_change"] = e_and_w
        rows.append([text(f"England and Wales ({n} forces): change in all crime"),
                     formula('=IFERROR((SUM({0})-SUM({1}))/SUM({1}),"N/A")',
                             Ref(FORCES, 0, 2).to(n - 1, 2), Ref(FORCES, 0, 3).to(n - 1, 3),
                             value=e_and_w, style="Change 1dp")])
        keys.append("england_wales_change")
        ctx.show(FigureKey("england-wales-change"), Ref(NATIONAL, len(rows) - 1, 1), e_and_w)
        if isinstance(e_and_w, float):
            ctx.checks.add("National priorities: England and Wales change in all crime",
                           out.sheet.name, Ref(NATIONAL, len(rows) - 1, 1), e_and_w)
        if me in forces.row_keys:
            r = forces.row_of(me)
            rows.append([text(f"{me}: rank of {n} forces by the change (1 = largest fall)"),
                         formula("={0}", forces.ref(r, 5), value=forces.rows[r][5].value,
                                 style="Count")])
            keys.append("force_rank")
            ctx.show(FigureKey("force-rank", me), Ref(NATIONAL, len(rows) - 1, 1),
                     forces.rows[r][5].value)
        if met in forces.row_keys and met != me:
            r = forces.row_of(met)
            values["metropolitan_change"] = changes[r]
            rows.append([text(f"{met}: change in all crime"),
                         formula("={0}", forces.ref(r, 4), value=changes[r], style="Change Fine")])
            keys.append("metropolitan_change")
    for key, value in values.items():
        out.figures[("national", key)] = value
    out.national_rows = {k: i for i, k in enumerate(keys)}
    title = statement_data()["national"]["title"].format(data_to=data_to)
    return Block(NATIONAL, NATIONAL, ["Figure", "Value"], rows, title, keys)


def describe_tables(ctx: Context, data: StatementData, periods: NeighbourhoodPeriods) -> (
        StatementTables):
    names = sheet_names()
    out = StatementTables(Sheet(names["tables"]))
    out.sheet.blocks = [*_neighbourhood(ctx, data, periods, out), *_victims(ctx, data, out),
                        _national(ctx, data, out)]
    out.sheet.named_cells = [NamedCell("NPTablesNote", text(
        "Counts are formulas over the monthly inputs on the "
        f"{names['data']} sheet. Change = (current - baseline) / baseline; Direction is the "
        "way the count moved, green when it fell (fewer crimes is better), → when the change "
        "rounds to 0%. Satisfaction = satisfied answers / all answers to the question; the "
        "response rate = responses / invitations."))]
    return out
