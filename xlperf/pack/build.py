"""Describe the whole Policing Plan pack for one quarter: the one description the writer
puts on the grid (for a file, and for the open workbook through a file)."""

from __future__ import annotations

from collections.abc import Callable

from ..domain.grading import grade_all
from ..gcpause import paused_collection
from ..model import Dataset
from ..periods import Quarter
from .context import Context
from .model import Pack, Sheet
from .sheets import (
    asb,
    audit,
    cover,
    crime,
    data,
    grades,
    history,
    keydata,
    measure_figures,
    outcomes,
    reconciliation,
    report,
    spc,
)
from .sheets import statement as statement_sheets
from .sheets import trackers as tracker_sheets

#: A group of sheets described together, with a line for each in the Cover's contents.
SheetGroup = Callable[[Context], tuple[list[Sheet], dict[str, str]]]

#: Groups written after Key Data and before the reviewer sheets (Audit, Checks, Data).
EXTRA_GROUPS: tuple[SheetGroup, ...] = (statement_sheets.describe, tracker_sheets.group,
                                        spc.describe)


def shown_quarters(quarter: Quarter, count: int = 5) -> list[Quarter]:
    """The quarters a pack shows: ``count`` quarters ending with ``quarter``."""
    return [quarter.previous(k) for k in range(count - 1, -1, -1)]


def context(ds: Dataset, quarter: Quarter) -> Context:
    quarters = shown_quarters(quarter)
    return Context(ds, quarter, quarters, grade_all(ds, quarters))


def describe_pack(ds: Dataset, quarter: Quarter) -> Pack:
    """The pack for ``quarter`` (the garbage collector paused meanwhile: xlperf.gcpause)."""
    with paused_collection():
        return _describe(ds, quarter)


def _describe(ds: Dataset, quarter: Quarter) -> Pack:
    ctx = context(ds, quarter)
    data_sheet, crime_data = data.describe(ctx)
    summary, measures = grades.describe_summary(ctx), grades.describe_measures(ctx)
    summary.blocks.append(spc.summary_block(ctx))  # XmR signals beside the grades
    measures.blocks.append(spc.measures_block(ctx))
    sheets: list[Sheet] = [
        summary,
        measures,
        grades.describe_appendix(ctx),
        crime.describe_summary(ctx, crime_data),
        crime.describe_monthly(ctx, crime_data),
        outcomes.describe_servator(ctx),
        outcomes.describe_public_order(ctx),
    ]
    asb_sheet = asb.describe(ctx)
    if asb_sheet is not None:
        sheets.append(asb_sheet)
    sheets += keydata.describe(ctx, crime_data)
    figures_sheet = measure_figures.describe(ctx)
    if figures_sheet is not None:
        sheets.append(figures_sheet)
    history_sheet = history.describe(ctx)
    if history_sheet is not None:
        sheets.append(history_sheet)
    descriptions: dict[str, str] = {}
    for group in EXTRA_GROUPS:
        extra, described = group(ctx)
        sheets += extra
        descriptions.update(described)
    sheets.insert(0, report.describe(ctx, sheets))
    sheets.append(reconciliation.describe(ctx))
    sheets.append(audit.describe_audit(ctx))
    checks = audit.describe_checks(ctx)
    names = ["Cover", *[s.name for s in sheets], checks.name, data_sheet.name]
    front = cover.describe(ctx, names, descriptions)
    return Pack(f"{ds.force}: Policing Plan performance", quarter.label, ds.marking,
                [front, *sheets, checks, data_sheet], ctx.shown)
