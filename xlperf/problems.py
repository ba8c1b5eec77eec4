"""Problems found in an input: each with its location, a stable code and a plain message.

Validation collects every problem before failing (as pandera and frictionless do), so an
analyst fixes a workbook in one pass rather than one error per run.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .codes import Severity

__all__ = ["InputError", "Problem", "Problems", "Severity", "XlperfError", "address",
           "split_address"]


def __getattr__(name: str) -> Any:
    """``Severity``, from the registry module only when asked for: importing this module
    (``xlperf --help`` does, for XlperfError) does not read the registry."""
    if name == "Severity":
        from .codes import Severity  # noqa: PLC0415

        return Severity
    raise AttributeError(name)


def address(sheet: str, ref: str) -> str:
    """``'Measure values'!E5``: a cell address as Excel writes it (quoted when needed)."""
    if not sheet:
        return ref
    quoted = f"'{sheet}'" if not sheet.replace("_", "").isalnum() else sheet
    return f"{quoted}!{ref}" if ref else quoted


def split_address(cell: str) -> tuple[str, str]:
    """The inverse of :func:`address`: ``("Measure values", "E5")``."""
    sheet, bang, ref = cell.rpartition("!")
    if not bang:
        sheet, ref = ref, ""
    if len(sheet) >= 2 and sheet[0] == sheet[-1] == "'":
        sheet = sheet[1:-1]
    return sheet, ref


@dataclass(frozen=True)
class Problem:
    """One problem. ``code`` must be registered (:mod:`xlperf.codes`); its severity is the
    code's registered one."""

    code: str
    message: str
    sheet: str = ""
    cell: str = ""
    file: str = ""
    severity: Severity = field(init=False)

    def __post_init__(self) -> None:
        from .codes import lookup  # noqa: PLC0415 - see __getattr__

        object.__setattr__(self, "severity", lookup(self.code).severity)

    @property
    def location(self) -> str:
        """``demo.xlsx Crime!D14``: file, then sheet and cell as Excel writes them."""
        place = address(self.sheet, self.cell)
        return " ".join(p for p in (self.file, place) if p)

    def __str__(self) -> str:
        where = self.location
        return f"{where}: {self.severity} [{self.code}] {self.message}" if where else (
            f"{self.severity} [{self.code}] {self.message}"
        )


@dataclass
class Problems:
    """An ordered collection of problems."""

    items: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.items.append(problem)

    def extend(self, problems: Problems | list[Problem]) -> None:
        self.items.extend(problems.items if isinstance(problems, Problems) else problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def with_file(self, file: str) -> Problems:
        return Problems([replace(p, file=p.file or file) for p in self.items])

    def to_json(self) -> str:
        import json  # noqa: PLC0415 - only for --json

        return json.dumps(
            {
                "valid": not self.errors,
                "errors": len(self.errors),
                "warnings": len(self.warnings),
                "problems": [asdict(p) for p in self.items],
            },
            indent=2,
            ensure_ascii=False,
        )


class XlperfError(Exception):
    """An error xlperf reports to the user as a message, never as a traceback."""


class InputError(XlperfError):
    """The input workbook has problems; ``problems`` lists every one of them."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        errors = problems.errors
        head = f"{len(errors)} problem{'s' if len(errors) != 1 else ''} in the input"
        super().__init__(head + "\n" + "\n".join(str(p) for p in errors))
