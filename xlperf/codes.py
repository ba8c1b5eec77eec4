"""The problem-code registry: every code xlperf reports, with its severity, the usual form of
its message, a description and an example, read from ``xlperf/data/problem_codes.yaml``.

Code literals live here only, as the constants below (``codes.NOT_A_NUMBER``); each is
checked against the registry when this module is imported, and the registry's codes must
all have a constant, so a code cannot be used without being registered, nor registered
without a constant. :class:`~xlperf.problems.Problem` refuses an unregistered code and
takes its severity from the registry. ``docs/problem-codes.md`` is generated from the
registry: ``python -m xlperf.codes > docs/problem-codes.md`` (a test compares them).
"""

import sys
from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import Any, Final, Literal, NamedTuple

from . import packaged
from .yamlio import load_yaml

Severity = Literal["error", "warning"]
REGISTRY_FILE = "xlperf/data/problem_codes.yaml"


class UnknownProblemCode(LookupError):
    """A problem code that is not in the registry (a programming error, never the input's)."""


class ProblemCode(NamedTuple):
    """One registered problem code: its severity, usual message, description, example and
    the section of docs/problem-codes.md it is listed in."""

    code: str
    severity: Severity
    message: str
    description: str
    example: str
    section: str


@cache
def _document() -> dict[str, Any]:
    text = packaged.text("data", "problem_codes.yaml")
    data: dict[str, Any] = load_yaml(text)
    return data


@cache
def registry() -> Mapping[str, ProblemCode]:
    """Code -> its registration, in the order of the registry file."""
    out: dict[str, ProblemCode] = {}
    for section in _document()["sections"]:
        for entry in section["codes"]:
            code = str(entry["code"])
            if code in out:
                raise UnknownProblemCode(f"{REGISTRY_FILE}: {code} is registered twice")
            if entry["severity"] not in ("error", "warning"):
                raise UnknownProblemCode(f"{REGISTRY_FILE}: {code} has severity "
                                         f"{entry['severity']!r}, not error or warning")
            out[code] = ProblemCode(code, entry["severity"], str(entry["message"]),
                                    str(entry["description"]), str(entry["example"]),
                                    str(section["title"]))
    return MappingProxyType(out)


def lookup(code: str) -> ProblemCode:
    """The registration of ``code``; :class:`UnknownProblemCode` when it has none."""
    try:
        return registry()[code]
    except KeyError:
        raise UnknownProblemCode(f"problem code {code!r} is not registered in "
                                 f"{REGISTRY_FILE}") from None


def _code(code: str) -> str:
    return lookup(code).code


FILE_NOT_FOUND: Final = _code("file-not-found")
NOT_A_FILE: Final = _code("not-a-file")
WRONG_FORMAT: Final = _code("wrong-format")
EMPTY_FILE: Final = _code("empty-file")
FILE_TOO_LARGE: Final = _code("file-too-large")
PASSWORD_PROTECTED: Final = _code("password-protected")
CORRUPT_FILE: Final = _code("corrupt-file")
ZIP_BOMB: Final = _code("zip-bomb")
XML_ENTITIES: Final = _code("xml-entities")
DUPLICATE_PART: Final = _code("duplicate-part")
MACROS_IGNORED: Final = _code("macros-ignored")
EXTERNAL_LINKS_IGNORED: Final = _code("external-links-ignored")
EMPTY_WORKBOOK: Final = _code("empty-workbook")
DUPLICATE_TABLE: Final = _code("duplicate-table")
MISSING_SHEET: Final = _code("missing-sheet")
MISSING_TABLE: Final = _code("missing-table")
MISSING_COLUMN: Final = _code("missing-column")
RENAMED_COLUMN: Final = _code("renamed-column")
MONTH_OUTSIDE_YEAR: Final = _code("month-outside-year")
UNKNOWN_COLUMN: Final = _code("unknown-column")
HIDDEN_ROW: Final = _code("hidden-row")
MERGED_CELLS: Final = _code("merged-cells")
OUTSIDE_TABLE: Final = _code("outside-table")
FORMULA_NOT_CALCULATED: Final = _code("formula-not-calculated")
RENAMED_SHEET: Final = _code("renamed-sheet")
ROW_LIMIT_REACHED: Final = _code("row-limit-reached")
SHEET_TOO_LARGE: Final = _code("sheet-too-large")
DUPLICATE_COLUMN: Final = _code("duplicate-column")
MISSING_VALUE: Final = _code("missing-value")
TEXT_TOO_LONG: Final = _code("text-too-long")
CONTROL_CHARACTER: Final = _code("control-character")
HEADER_FOOTER_TOO_LONG: Final = _code("header-footer-too-long")
ROW_TOO_TALL: Final = _code("row-too-tall")
FORMULA_ERROR: Final = _code("formula-error")
NOT_A_NUMBER: Final = _code("not-a-number")
NUMBER_STORED_AS_TEXT: Final = _code("number-stored-as-text")
NEGATIVE_COUNT: Final = _code("negative-count")
FRACTIONAL_COUNT: Final = _code("fractional-count")
NOT_FINITE: Final = _code("not-finite")
NUMBER_OUT_OF_RANGE: Final = _code("number-out-of-range")
BAD_FINANCIAL_YEAR: Final = _code("bad-financial-year")
BAD_YEAR: Final = _code("bad-year")
BAD_QUARTER: Final = _code("bad-quarter")
DATE_STORED_AS_TEXT: Final = _code("date-stored-as-text")
NOT_A_DATE: Final = _code("not-a-date")
UNKNOWN_VALUE: Final = _code("unknown-value")
UNKNOWN_CATEGORY: Final = _code("unknown-category")
TYPED_TOTAL: Final = _code("typed-total")
UNKNOWN_MEASURE: Final = _code("unknown-measure")
UNKNOWN_PRIORITY: Final = _code("unknown-priority")
UNKNOWN_GRADE: Final = _code("unknown-grade")
UNKNOWN_RULE_KIND: Final = _code("unknown-rule-kind")
UNKNOWN_RULE: Final = _code("unknown-rule")
MISSING_RULE: Final = _code("missing-rule")
BAD_THRESHOLD: Final = _code("bad-threshold")
UNKNOWN_VALUE_SOURCE: Final = _code("unknown-value-source")
UNKNOWN_SERIES: Final = _code("unknown-series")
BAD_MONTH: Final = _code("bad-month")
DUPLICATE_PERIOD: Final = _code("duplicate-period")
DUPLICATE_ROW: Final = _code("duplicate-row")
MISSING_ROW: Final = _code("missing-row")
INCOMPLETE_ROW: Final = _code("incomplete-row")
MISSING_MONTH: Final = _code("missing-month")
FUTURE_MONTH: Final = _code("future-month")
PARTIAL_QUARTER: Final = _code("partial-quarter")
NO_COMPLETE_QUARTER: Final = _code("no-complete-quarter")
PERCENT_AS_FRACTION: Final = _code("percent-as-fraction")
PERCENT_OUT_OF_RANGE: Final = _code("percent-out-of-range")
THRESHOLDS_OUT_OF_ORDER: Final = _code("thresholds-out-of-order")
MISSING_REFERENCE: Final = _code("missing-reference")
UNCHECKED_GRADE: Final = _code("unchecked-grade")
BAD_ROLLUP: Final = _code("bad-rollup")
MISSING_SPC_POINTS: Final = _code("missing-spc-points")
REBASE_OUTSIDE_SERIES: Final = _code("rebase-outside-series")
DUE_BEFORE_PUBLISHED: Final = _code("due-before-published")
INCONSISTENT_REPORT: Final = _code("inconsistent-report")
UNKNOWN_PERIOD: Final = _code("unknown-period")
UNKNOWN_PLACEHOLDER: Final = _code("unknown-placeholder")
MISSING_METRIC: Final = _code("missing-metric")
MISSING_NARRATIVE: Final = _code("missing-narrative")
UNKNOWN_PARAGRAPH: Final = _code("unknown-paragraph")
UNKNOWN_REPORT_FIGURE: Final = _code("unknown-report-figure")
VALUE_OUTSIDE_UNIT: Final = _code("value-outside-unit")


def _check_constants() -> None:
    """Every registered code has a constant here (a code added to the registry without one
    is reported at import)."""
    defined = {value for name, value in globals().items() if name.isupper()
               and isinstance(value, str) and name not in ("REGISTRY_FILE",)}
    missing = sorted(set(registry()) - defined)
    if missing:
        raise UnknownProblemCode(f"{REGISTRY_FILE}: no constant in xlperf/codes.py for "
                                 f"{', '.join(missing)}")


_check_constants()


def markdown() -> str:
    """docs/problem-codes.md, generated from the registry."""
    data = _document()
    lines = ["# Problem codes", "",
             "Generated from `xlperf/data/problem_codes.yaml` by "
             "`python -m xlperf.codes > docs/problem-codes.md`; do not edit by hand.", "",
             data["intro"].rstrip(), ""]
    for section in data["sections"]:
        lines += [f"## {section['title']}", ""]
        if section.get("text"):
            lines += [section["text"].rstrip(), ""]
        lines += ["| code | severity | meaning | message | example |", "|---|---|---|---|---|"]
        for entry in section["codes"]:
            code = registry()[entry["code"]]
            message = code.message.replace("|", "\\|")
            lines.append(f"| `{code.code}` | {code.severity} | {code.description} | "
                         f"{message} | {code.example} |")
        lines.append("")
        if section.get("after"):
            lines += [section["after"].rstrip(), ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(markdown())
