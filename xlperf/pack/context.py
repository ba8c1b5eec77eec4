"""What every sheet describer is given: the dataset, the quarter, the grades, the checks."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..domain.figures import FigureKey
from ..domain.grading import Grading
from ..model import Dataset
from ..periods import FinancialYear, Quarter
from .cells import Checks
from .model import Ref


@dataclass
class Context:
    """What every sheet describer is given for one pack."""

    ds: Dataset
    quarter: Quarter
    quarters: list[Quarter]  # the five quarters shown, oldest first
    grading: Grading
    checks: Checks = field(default_factory=Checks)
    #: Figures of the catalogue (``FigureKey.text``) -> the pack cells that show them, so the
    #: Reconciliation sheet can point at them and a figure shown twice can be compared.
    shown: dict[str, list[tuple[Ref, object]]] = field(default_factory=dict)
    #: Results a describer computes once for several sheets (e.g. the reconciliation's
    #: numbered findings, which Appendix A refers to), by name.
    cache: dict[str, object] = field(default_factory=dict)

    def show(self, key: FigureKey, ref: Ref, value: object) -> None:
        """Record that the pack cell ``ref`` shows ``key`` (``value``: as the cell holds it)."""
        self.shown.setdefault(key.text, []).append((ref, value))

    @property
    def fy(self) -> FinancialYear:
        return self.quarter.fy

    @property
    def previous_fy(self) -> FinancialYear:
        return self.quarter.fy.shift(-1)
