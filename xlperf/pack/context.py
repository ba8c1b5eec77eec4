"""What every sheet describer is given: the dataset, the quarter, the grades, the checks."""

from __future__ import annotations

from ..domain.figures import FigureKey
from ..domain.grading import Grading
from ..model import Dataset
from ..periods import FinancialYear, Quarter
from .cells import Checks
from .model import Ref


class Context:
    """What every sheet describer is given for one pack."""

    __slots__ = ("cache", "checks", "ds", "grading", "quarter", "quarters", "shown")

    ds: Dataset
    quarter: Quarter
    quarters: list[Quarter]  # the five quarters shown, oldest first
    grading: Grading
    checks: Checks
    #: Figures of the catalogue (``FigureKey.text``) -> the pack cells that show them, so the
    #: Reconciliation sheet can point at them and a figure shown twice can be compared.
    shown: dict[str, list[tuple[Ref, object]]]
    #: Results a describer computes once for several sheets (e.g. the reconciliation's
    #: numbered findings, which Appendix A refers to), by name.
    cache: dict[str, object]

    def __init__(self, ds: Dataset, quarter: Quarter, quarters: list[Quarter],
                 grading: Grading, checks: Checks | None = None,
                 shown: dict[str, list[tuple[Ref, object]]] | None = None,
                 cache: dict[str, object] | None = None) -> None:
        self.ds = ds
        self.quarter = quarter
        self.quarters = quarters
        self.grading = grading
        self.checks = Checks() if checks is None else checks
        self.shown = {} if shown is None else shown
        self.cache = {} if cache is None else cache

    def show(self, key: FigureKey, ref: Ref, value: object) -> None:
        """Record that the pack cell ``ref`` shows ``key`` (``value``: as the cell holds it)."""
        self.shown.setdefault(key.text, []).append((ref, value))

    @property
    def fy(self) -> FinancialYear:
        return self.quarter.fy

    @property
    def previous_fy(self) -> FinancialYear:
        return self.quarter.fy.shift(-1)
