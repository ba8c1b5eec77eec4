"""The committee report: its front sheet (from the input's Settings) and its prose, the
paragraph templates of data/narrative.yaml filled with the figures of the pack's own tables.

Every figure a paragraph quotes is read from a cell of a table described before this sheet
(Key Data, National Priorities Tables, the grades), so a sentence and a table never show two
values for one figure. The analysts' own text (the input's Report text table) replaces a
generated paragraph or follows it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ...domain.narrative import (
    change_words,
    clause,
    count_text,
    fill_text,
    measure_position,
    number_words,
    ordinal_words,
    priority_changes,
    sections,
    signed_count,
)
from ...domain.rules import CLOSE_MONITORING, REQUIRES_ACTION
from ...domain.statement import ordinal
from ...periods import MONTH_NAMES
from ...schema import load_data
from ..cells import text
from ..context import Context
from ..model import Block, Cell, Sheet
from . import spc
from .keydata import crime_baseline_fy, latest_national
from .reconciliation import text_notes

SHEET = "Report"
#: (placeholder prefix, Key Data subject): data/categories.yaml ``key_data``.
KEY_DATA_PLACEHOLDERS = tuple((str(k["placeholder"]), str(k["name"]))
                              for k in load_data("categories")["key_data"])

#: Front sheet rows: (label, Settings key, default when the setting is blank).
FRONT_SHEET = (
    ("Committee(s)", "Committee", None),
    ("Dated", "Meeting date", None),
    ("Subject", "Report subject", "{quarter_short} Performance -v- Policing Plan Measures"),
    ("Classification", "Classification", "Public"),
    ("Report of", "Report of", None),
    ("Reference", "Report reference", None),
    ("Purpose", "Purpose", "For Information"),
    ("Report author", "Report author", None),
    ("Summary", "Report summary", None),
    ("Recommendation(s)", "Recommendation", "Members are asked to note the report."),
)
NOT_GIVEN = "Not given (Settings sheet of the input workbook)"


def _cell_value(blocks: dict[str, Block], block: str, key: str, col: int = 1) -> Any:
    table = blocks.get(block)
    if table is None or key not in table.row_keys:
        return None
    return table.rows[table.row_of(key)][col].value


def _setting(ctx: Context, key: str) -> str | None:
    value = ctx.ds.settings.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return f"{value.day} {MONTH_NAMES[value.month - 1]} {value.year}"
    return str(value)


def _key_figures(ctx: Context, blocks: dict[str, Block]) -> dict[str, str]:
    figures: dict[str, str] = {}
    for prefix, subject in KEY_DATA_PLACEHOLDERS:
        def get(what: str, subject: str = subject) -> Any:
            return _cell_value(blocks, "tblKeyFigures", f"{subject}|{what}")
        figures.update({
            f"{prefix}_quarter": count_text(get("quarter")),
            f"{prefix}_previous_quarter": count_text(get("quarter before")),
            f"{prefix}_change_previous_quarter_words": change_words(
                get("change on previous quarter")),
            f"{prefix}_year": count_text(get("year")),
            f"{prefix}_last_year": count_text(get("last year")),
            f"{prefix}_baseline_year": count_text(get("baseline year")),
            f"{prefix}_change_last_year_words": change_words(get("change on last year")),
            f"{prefix}_change_last_year_n": signed_count(get("change on last year n")),
            f"{prefix}_change_baseline_words": change_words(get("change on baseline year")),
            f"{prefix}_change_baseline_n": signed_count(get("change on baseline year n")),
        })
    national = latest_national(ctx)
    if national:
        period = national[0].period_end
        figures["national_to"] = f"{MONTH_NAMES[period.month - 1]} {period.year}"
    else:
        figures["national_to"] = "N/A"
    ranks = blocks.get("tblNationalRank")
    changes = [r[4].value for r in ranks.rows] if ranks else []
    figures["forces_ranked"] = str(len(changes))
    figures["forces_with_increase"] = str(sum(1 for c in changes
                                              if isinstance(c, float) and c > 0))
    rank = _cell_value(blocks, "tblNPNational", "force_rank")
    figures["force_rank"] = ordinal(int(rank)) if isinstance(rank, (int, float)) else "N/A"
    figures["force_change_words"] = change_words(
        _cell_value(blocks, "tblNPNational", "force_change"))
    figures["england_wales_change_words"] = change_words(
        _cell_value(blocks, "tblNPNational", "england_wales_change"), 1)
    figures["mps_change_words"] = change_words(
        _cell_value(blocks, "tblNPNational", "metropolitan_change"), 2)
    return figures


def figures(ctx: Context, blocks: dict[str, Block]) -> dict[str, str]:
    """Every placeholder of data/narrative.yaml but the per-measure and per-priority ones."""
    q = ctx.quarter
    shown = [ctx.grading.measures[(m.id, q)].shown for m in ctx.ds.measures]
    close, action = shown.count(CLOSE_MONITORING), shown.count(REQUIRES_ACTION)
    flagged = close + action
    are = ("are no measures" if flagged == 0 else
           "is 1 measure" if flagged == 1 else f"are {flagged} measures")
    short = q.label.split()[0]
    previous = q.previous()
    last_year = q.same_quarter_last_year()
    values = {
        "force": ctx.ds.force,
        "quarter_long": f"Quarter {q.number} {q.fy.label}",
        "quarter_short": short,
        "previous_quarter_short": previous.label.split()[0]
        if previous.fy == q.fy else previous.label,
        "period": q.period_label,
        "fy": q.fy.label,
        "last_fy": q.fy.shift(-1).label,
        "baseline_fy": crime_baseline_fy().label,
        "year_phrase": "end of year" if q.number == 4 else "year to date",
        "recommendation": _setting(ctx, "Recommendation") or FRONT_SHEET[-1][2] or "",
        "priority_changes_quarter": priority_changes(
            ctx.ds, ctx.grading.priorities, q, previous, f"the end of {previous.label}"),
        "priority_changes_year": priority_changes(
            ctx.ds, ctx.grading.priorities, q, last_year, f"{last_year.label}"),
        "close_monitoring_count": str(close),
        "requires_action_count": str(action),
        "are_measures": are,
    }
    values.update(_key_figures(ctx, blocks))
    return values


def _own_text(ctx: Context, paragraph_id: str, values: dict[str, str]) -> tuple[
        str | None, list[str]]:
    """The analysts' text for a paragraph: (replacement or None, paragraphs to follow it)."""
    replace: str | None = None
    after: list[str] = []
    for entry in (e for e in ctx.ds.report_text if e.paragraph == paragraph_id):
        filled = fill_text(entry.text, values)
        if entry.use == "replace":
            replace = filled
        else:
            after.append(filled)
    return replace, after


def _row(heading: str, paragraph: str) -> list[Cell]:
    if paragraph.startswith("- "):
        paragraph = "• " + paragraph[2:]
    return [text(heading, "Label Bold"), text(paragraph, "Text")]


def paragraphs(ctx: Context, blocks: dict[str, Block]) -> list[tuple[str, str, str]]:
    """The report as (section heading, paragraph id, text), in order."""
    values = figures(ctx, blocks)
    q = ctx.quarter
    headings = dict(ctx.ds.priorities)
    out: list[tuple[str, str, str]] = []

    def emit(section: str, pid: str, template: str, fields: dict[str, str]) -> None:
        replace, after = _own_text(ctx, pid, fields)
        out.append((section, pid, replace if replace is not None else
                    fill_text(template, fields)))
        out.extend((section, pid, extra) for extra in after)
        # a number the analysts typed that is not the pack's figure is said so, below it
        for entry in (e for e in ctx.ds.report_text if e.paragraph == pid):
            out.extend((section, pid, f"Note: {note}") for note in text_notes(
                ctx, entry.cell, q.label, "in the paragraph above"))

    for section in sections():
        for paragraph in section.paragraphs:
            if paragraph.each is None:
                emit(section.heading, paragraph.id, paragraph.text, values)
                continue
            if paragraph.each == "spc_series":
                for name, words in spc.series_words(ctx):
                    emit(section.heading, f"{paragraph.id}:{name}", paragraph.text,
                         {**values, "spc_series": name, "spc_variation_words": words})
                continue
            for priority, _heading in ctx.ds.priorities:
                measures = [m for m in ctx.ds.measures if m.priority == priority]
                if paragraph.each == "priority":
                    emit(section.heading, f"{paragraph.id}:{priority}", paragraph.text,
                         {**values, "priority_heading": headings.get(priority, priority),
                          "measure_count_words": number_words(len(measures))})
                    continue
                for index, measure in enumerate(measures):
                    mgrade = ctx.grading.measures[(measure.id, q)]
                    emit(section.heading, f"{paragraph.id}:{measure.id}", paragraph.text,
                         {**values, "measure_ordinal": ordinal_words(index),
                          "measure_text": clause(measure.text),
                          "measure_position": measure_position(mgrade, q)})
    # paragraphs of a per-priority template sit with their priority: group measures after
    return _group_by_priority(out, ctx)


def _group_by_priority(out: list[tuple[str, str, str]], ctx: Context) -> list[
        tuple[str, str, str]]:
    """Within a section, put each priority's measure bullets right after its count line."""
    result: list[tuple[str, str, str]] = []
    pending: dict[str, list[tuple[str, str, str]]] = {}
    measure_priority = {m.id: m.priority for m in ctx.ds.measures}
    for item in out:
        pid = item[1]
        if ":" in pid and pid.split(":", 1)[1] in measure_priority:
            pending.setdefault(measure_priority[pid.split(":", 1)[1]], []).append(item)
    placed: set[str] = set()
    for item in out:
        pid = item[1]
        key = pid.split(":", 1)[1] if ":" in pid else None
        if key is not None and key in measure_priority:
            continue  # placed with its priority
        result.append(item)
        if key is not None and key in pending and key not in placed:
            placed.add(key)
            result.extend(pending[key])
    for priority, items in pending.items():
        if priority not in placed:
            result.extend(items)
    return result


def front_sheet(ctx: Context, report: list[tuple[str, str, str]]) -> Block:
    """The front sheet's items; ``report``: the :func:`paragraphs` (the summary of changes
    stands in for a Report summary not given)."""
    short = ctx.quarter.label.split()[0]
    rows: list[list[Cell]] = []
    keys: list[str] = []
    for label, key, default in FRONT_SHEET:
        value = _setting(ctx, key)
        if value is None and default is not None:
            value = default.format(quarter_short=short)
        if value is None and key == "Report summary":
            value = next((t for _, pid, t in report if pid == "summary.changes"), None)
        notes = text_notes(ctx, ctx.ds.settings_cells.get(key, ""), ctx.quarter.label,
                           "in this entry") if _setting(ctx, key) else []
        rows.append([text(label, "Label Bold"),
                     text(" ".join([value or NOT_GIVEN, *notes]), "Text")])
        keys.append(key)
    return Block("tblFrontSheet", "tblFrontSheet", ["Item", "Detail"], rows,
                 f"{ctx.ds.force}: {short} {ctx.quarter.fy.label} performance against the "
                 "Policing Plan measures", keys)


def describe(ctx: Context, described: list[Sheet]) -> Sheet:
    blocks = {b.name: b for s in described for b in s.blocks}
    rows: list[list[Cell]] = []
    keys: list[str] = []
    last_heading = None
    report_paragraphs = paragraphs(ctx, blocks)
    for heading, pid, paragraph in report_paragraphs:
        rows.append(_row(heading if heading != last_heading else "", paragraph))
        keys.append(pid if pid not in keys else f"{pid}#{len(keys)}")
        last_heading = heading
    report = Block("tblReport", "tblReport", ["Section", "Report"], rows,
                   f"Policing Plan measures performance, {ctx.quarter.label} "
                   f"({ctx.quarter.period_label})", keys)
    return Sheet(SHEET, [front_sheet(ctx, report_paragraphs), report])
