"""Checks of the input's Report text table: every row names a paragraph of the report and
uses only the figures the report computes (data/narrative.yaml)."""

from __future__ import annotations

from .. import codes
from ..domain.narrative import figure_names as report_figures
from ..domain.narrative import paragraph_ids, unknown_placeholders
from ..model import Dataset
from ..problems import Problem, split_address
from .hints import did_you_mean


def known_paragraphs(ds: Dataset) -> list[str]:
    """Paragraph ids, with ``measure.bullet:<measure>`` and ``priority.count:<priority>``."""
    ids = list(paragraph_ids())
    ids += [f"measure.bullet:{m.id}" for m in ds.measures]
    ids += [f"priority.count:{p}" for p, _ in ds.priorities]
    return ids


def check_report_text(ds: Dataset) -> list[Problem]:
    problems: list[Problem] = []
    known = known_paragraphs(ds)
    names = report_figures()
    for entry in ds.report_text:
        paragraph = entry.paragraph
        sheet, ref = split_address(entry.cell)
        if paragraph not in known:
            hint = did_you_mean(paragraph, known)
            problems.append(Problem(
                codes.UNKNOWN_PARAGRAPH,
                f"Report text for {paragraph!r} names no paragraph of the report{hint}; "
                "the paragraphs are listed in docs/narrative.md", sheet, ref, ds.file))
        for name in unknown_placeholders(entry.text):
            hint = did_you_mean(name, names, braces=True)
            problems.append(Problem(
                codes.UNKNOWN_REPORT_FIGURE,
                f"{{{name}}} in the report text for {paragraph!r} names no figure xlperf "
                f"computes{hint}; the figures are listed in docs/narrative.md (write {{{{ "
                "and }} for a literal brace)", sheet, ref, ds.file))
    return problems
