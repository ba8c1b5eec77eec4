"""What every sheet describer is given: the dataset, the quarter, the grades, the checks."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..domain.grading import Grading
from ..model import Dataset
from ..periods import FinancialYear, Quarter
from .cells import Checks


@dataclass
class Context:
    ds: Dataset
    quarter: Quarter
    quarters: list[Quarter]  # the five quarters shown, oldest first
    grading: Grading
    checks: Checks = field(default_factory=Checks)

    @property
    def fy(self) -> FinancialYear:
        return self.quarter.fy

    @property
    def previous_fy(self) -> FinancialYear:
        return self.quarter.fy.shift(-1)
