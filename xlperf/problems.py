"""Problems found in an input: each with its location, a stable code and a plain message.

Validation collects every problem before failing (as pandera and frictionless do), so an
analyst fixes a workbook in one pass rather than one error per run.
"""

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from .codes import Severity

    _Severity = Severity
else:
    # a named tuple's field annotation is evaluated at run time, where codes.Severity is not
    # imported; as a string it would be compiled (a typing.ForwardRef), and a process's first
    # compile() costs about 0.9 ms (it builds the ast module's classes)
    _Severity = Any

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


class _ProblemFields(NamedTuple):
    """The fields of a :class:`Problem` (a named tuple cannot work out its severity)."""

    code: str
    message: str
    sheet: str
    cell: str
    file: str
    severity: _Severity


class Problem(_ProblemFields):
    """One problem. ``code`` must be registered (:mod:`xlperf.codes`); its severity is the
    code's registered one."""

    __slots__ = ()

    def __new__(cls, code: str, message: str, sheet: str = "", cell: str = "",
                file: str = "") -> "Problem":
        from .codes import lookup  # noqa: PLC0415 - see __getattr__

        return super().__new__(cls, code, message, sheet, cell, file, lookup(code).severity)

    def __getnewargs__(self) -> tuple[str, str, str, str, str]:
        """Pickled and copied through :meth:`__new__`: its severity is worked out again."""
        return self.code, self.message, self.sheet, self.cell, self.file

    def _replace(self, **changes: Any) -> "Problem":
        """A copy with some fields changed (not the severity: the code's)."""
        if "severity" in changes:
            raise ValueError("field severity is declared with init=False, it cannot be "
                             "specified with replace()")
        fields = {"code": self.code, "message": self.message, "sheet": self.sheet,
                  "cell": self.cell, "file": self.file}
        return type(self)(**{**fields, **changes})

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


class Problems:
    """An ordered collection of problems."""

    __slots__ = ("items",)
    __hash__ = None  # type: ignore[assignment]  # mutable, compared by its items

    def __init__(self, items: list[Problem] | None = None) -> None:
        self.items: list[Problem] = [] if items is None else items

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Problems) or other.__class__ is not self.__class__:
            return NotImplemented
        return self.items == other.items

    def __repr__(self) -> str:
        return f"{type(self).__qualname__}(items={self.items!r})"

    def add(self, problem: Problem) -> None:
        self.items.append(problem)

    def extend(self, problems: "Problems | list[Problem]") -> None:
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

    def with_file(self, file: str) -> "Problems":
        return Problems([p._replace(file=p.file or file) for p in self.items])

    def to_json(self) -> str:
        import json  # noqa: PLC0415 - only for --json

        return json.dumps(
            {
                "valid": not self.errors,
                "errors": len(self.errors),
                "warnings": len(self.warnings),
                "problems": [p._asdict() for p in self.items],
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
