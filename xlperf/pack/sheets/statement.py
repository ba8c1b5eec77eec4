"""The quarterly statement against the national priorities for policing (seed 001, agenda
item 7 and its Appendix A): three sheets, in the pack and as ``xlperf statement``'s
standalone workbook.

- the statement: title and heading ("as at the end of March 2022", from the quarter), then
  one table per priority: its national metrics (a metric with no data says "Not available"
  and why) and its narrative, with ``{placeholders}`` replaced by computed figures;
- the tables: neighbourhood crime (monthly and 12-month), victim satisfaction and the
  survey's response rate, and the national comparison;
- the data: the input figures those tables are formulas over.

Labels, periods and the placeholder vocabulary are data (data/statement.yaml); the priorities
and metrics are listed in data/national.yaml.
"""

from __future__ import annotations

from typing import Any

from ...domain.statement import (
    fill,
    format_figure,
    has_statement,
    label_fields,
    national_data,
    neighbourhood_periods,
    statement_data,
)
from ...model import Dataset
from ...periods import Quarter
from ..cells import formula, text
from ..context import Context
from ..model import Block, Cell, NamedCell, Pack, Ref, Sheet
from .reconciliation import text_notes
from .statement_tables import (
    NATIONAL,
    VICTIMS,
    StatementTables,
    describe_data,
    describe_tables,
    sheet_names,
)

PRIORITY = "tblNPPriority"
METRIC_STYLES = {"count": "Input Count", "percent": "Input Percent Value"}


def narrative_figures(ctx: Context, tables: StatementTables) -> dict[str, str]:
    """Every placeholder's text for this quarter (data/statement.yaml ``figures``)."""
    data = statement_data()
    fields = label_fields(ctx.ds.force, ctx.quarter)
    out: dict[str, str] = {}
    for name, spec in data["figures"].items():
        source = spec["from"]
        value: Any
        if source == "metric":
            entry = ctx.ds.national_metrics.get((spec["metric"], ctx.quarter))
            value = None if entry is None else entry.value
        elif source == "neighbourhood":
            value = tables.figures.get(("neighbourhood", spec["offence"], spec["table"],
                                        spec["value"]))
        elif source == "survey":
            value = tables.figures.get(("survey", spec["question"]))
        elif source in ("national", "responses"):
            value = tables.figures.get((source, spec["value"]))
        elif source == "period":
            value = fields[spec["value"]]
        else:  # pragma: no cover - statement.yaml is checked by the tests
            raise ValueError(f"figure {name}: unknown source {source!r}")
        out[name] = format_figure(value, spec["format"])
    return out


def _metric_rows(ctx: Context, priority: str) -> tuple[list[list[Cell]], list[str]]:
    data = statement_data()
    fields = label_fields(ctx.ds.force, ctx.quarter)
    rows: list[list[Cell]] = []
    keys: list[str] = []
    for metric_id, spec in national_data()["national_metrics"].items():
        if spec["priority"] != priority:
            continue
        entry = ctx.ds.national_metrics.get((metric_id, ctx.quarter))
        if entry is None or entry.value is None:
            reason = entry.reason if entry is not None else ""
            rows.append([text(spec["label"]), text(data["not_available"], "Label Bold"),
                         text(reason)])
        else:
            period = data["period_labels"][data["metric_periods"][metric_id]]
            rows.append([text(spec["label"]),
                         Cell(entry.value, METRIC_STYLES.get(spec["unit"], "Input Number")),
                         text(period.format(**fields))])
        keys.append(metric_id)
    return rows, keys


def _link_row(label: str, block: str, row: int, col: int, value: Any, style: str,
              detail: str = "") -> list[Cell]:
    return [text(label), formula("={0}", Ref(block, row, col), value=value, style=style),
            text(detail)]


def _neighbourhood_rows(ctx: Context, tables: StatementTables) -> tuple[
        list[list[Cell]], list[str]]:
    spec = statement_data()["neighbourhood"]
    names = sheet_names()
    base = neighbourhood_periods(ctx.quarter).baseline_year[0][0]
    rows = [[text(spec["metric"]), text(""),
             text(" ".join(spec["detail"].split()).format(tables=names["tables"],
                                                          baseline=base.slash_label))]]
    keys = ["neighbourhood"]
    national = tables.sheet.block(NATIONAL)
    for key, r in tables.national_rows.items():
        cell = national.rows[r][1]
        if cell.formula is None:
            continue
        rows.append(_link_row(str(national.rows[r][0].value or ""), NATIONAL, r, 1, cell.value,
                              cell.style or "Change"))
        keys.append(key)
    return rows, keys


def _victim_rows(ctx: Context, tables: StatementTables) -> tuple[list[list[Cell]], list[str]]:
    label = statement_data()["victims"]["metric"]
    victims = tables.sheet.block(VICTIMS)
    survey = tables.sheet.block("tblNPSurvey")
    rows: list[list[Cell]] = []
    keys: list[str] = []
    detail = f"{tables.survey} {ctx.fy.label}, to the end of {ctx.quarter.end_month_label}"
    for qid, r in tables.victim_rows.items():
        cell = victims.rows[r][3]
        question = victims.rows[r][0].value
        if cell.formula is None:
            rows.append([text(f"{label} - {question}"), text(cell.value, "Percent"),
                         text(detail)])
        else:
            rows.append(_link_row(f"{label} - {question}: satisfied", VICTIMS, r, 3,
                                  cell.value, "Percent", detail))
        keys.append(qid)
    for col, name, style in ((2, "Survey responses", "Count"), (1, "Surveys sent", "Count"),
                             (3, "Response rate", "Percent")):
        rows.append(_link_row(name, "tblNPSurvey", 0, col, survey.rows[0][col].value, style,
                              detail))
        keys.append(name)
    return rows, keys


def describe_statement(ctx: Context, tables: StatementTables) -> Sheet:
    data = statement_data()
    names = sheet_names()
    fields = label_fields(ctx.ds.force, ctx.quarter)
    figures = narrative_figures(ctx, tables)
    current = " ".join(data["current_position"].split()).format(**fields)
    priorities = national_data()["national_priorities"]
    blocks: list[Block] = []
    for number, priority in enumerate(priorities, start=1):
        rows, keys = _metric_rows(ctx, priority)
        if priority == data["neighbourhood"]["priority"]:
            extra, extra_keys = _neighbourhood_rows(ctx, tables)
            rows, keys = [*extra, *rows], [*extra_keys, *keys]
        if priority == data["victims"]["priority"]:
            extra, extra_keys = _victim_rows(ctx, tables)
            rows, keys = [*rows, *extra], [*keys, *extra_keys]
        narrative = ctx.ds.narratives.get((priority, ctx.quarter))
        filled = fill(narrative.text, figures) if narrative else ""
        # one row per paragraph, so no row is taller than Excel allows (409 points)
        parts = [p.strip() for p in filled.split("\n\n") if p.strip()] or [""]
        # a number the narrative typed that is not the pack's figure is said so, after it
        notes = text_notes(ctx, narrative.cell, ctx.quarter.label,
                           "in the text above") if narrative else []
        parts += [f"Note: {note}" for note in notes]
        for index, part in enumerate(parts):
            rows.append([text(current if index == 0 else ""), text(""), text(part, "Text")])
            keys.append("current position" if index == 0 else f"current position {index + 1}")
        heading = " ".join(str(data["headings"].get(priority, priority)).split())
        blocks.append(Block(f"{PRIORITY}{number}", PRIORITY,
                            ["National metric", "Figure", "Detail"], rows, heading, keys,
                            new_page=bool(blocks)))
    named = [
        NamedCell("NPTitle", text(data["title"].format(**fields))),
        NamedCell("NPHeading", text(data["heading"].format(**fields))),
        NamedCell("NPNote", text(
            f"Figures for {fields['period']}. Yellow cells are copied from the input workbook; "
            f"the others are formulas over the {names['tables']} and {names['data']} sheets. "
            "The narratives are the force's own text; the figures in them are taken from the "
            "tables.")),
    ]
    return Sheet(names["statement"], blocks, named)


def describe(ctx: Context) -> tuple[list[Sheet], dict[str, str]]:
    """The statement's sheets for the pack, or none when its quarter has no statement data.

    A started statement with missing metrics, narratives or months is an input error found
    by the reading pipeline's per-quarter checks (``require_quarter``) before any pack is
    described, so no pack is written with a half statement.
    """
    if not has_statement(ctx.ds, ctx.quarter):
        return [], {}
    periods = neighbourhood_periods(ctx.quarter)
    data = describe_data(ctx, periods)
    tables = describe_tables(ctx, data, periods)
    statement = describe_statement(ctx, tables)
    month = ctx.quarter.end_month_label
    return [statement, tables.sheet, data.sheet], {
        statement.name: f"Statement against the national priorities for policing, as at the "
                        f"end of {month}",
        tables.sheet.name: "Neighbourhood crime v the baseline, victim satisfaction and the "
                           "national comparison behind the statement",
        data.sheet.name: "The input figures behind the statement: neighbourhood crime by "
                         "month, survey answers, the 43 forces' crime",
    }


def describe_statement_pack(ds: Dataset, quarter: Quarter) -> Pack:
    """The standalone statement workbook: the statement's sheets and their Checks (the
    quarter checked first with ``require_quarter(ds, quarter, "statement")``)."""
    from ..build import context  # noqa: PLC0415 - build imports this module
    from .audit import describe_checks  # noqa: PLC0415

    ctx = context(ds, quarter)
    sheets, _ = describe(ctx)
    fields = label_fields(ds.force, quarter)
    return Pack(statement_data()["title"].format(**fields), quarter.label, ds.marking,
                [*sheets, describe_checks(ctx)])
