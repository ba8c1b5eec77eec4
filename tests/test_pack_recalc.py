"""LibreOffice recalculates the demo pack headless: every formula equals xlperf's own value,
every check is TRUE, and the seed's figures appear in the recalculated cells."""

from __future__ import annotations

from typing import Any

import pytest
from packbook import SOFFICE, formula_mismatches, keyed, percent

pytestmark = [pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed"),
              pytest.mark.slow]


@pytest.fixture(scope="module")
def recalculated(demo_pack_recalculated: Any, demo_placement: Any) -> tuple[Any, Any]:
    """The demo pack (conftest.demo_pack_file) recalculated by LibreOffice, and where
    xlperf placed each of its cells."""
    return demo_pack_recalculated, demo_placement


def test_every_formula_equals_xlperf(recalculated: tuple[Any, Any]) -> None:
    book, placement = recalculated
    count, bad = formula_mismatches(placement, book)
    assert count > 500
    assert bad == []


def test_every_check_and_the_master_check_are_true(recalculated: tuple[Any, Any]) -> None:
    book, _ = recalculated
    checks = keyed(book, "tblChecks")
    assert checks and all(row[5] is True for row in checks.values())
    assert book["Checks"]["C4"].value is True
    assert book["Cover"]["C8"].value is True


def test_recalculated_cells_show_seed_figures(recalculated: tuple[Any, Any]) -> None:
    book, _ = recalculated
    servator = keyed(book, "tblServator2021")
    assert servator["Stop and Search"][13] == 221
    assert percent(servator["Stop Search Positive Outcome Rate"][13]) == "59%"
    assert percent(keyed(book, "tblServator2020")["Stop Search Positive Outcome Rate"][13]) \
        == "63%"
    asb = keyed(book, "tblASBSummary")
    assert round(asb["Monthly average, Jan-Mar 2022"][1]) == 72
    assert percent(asb["Change, Jan-Mar 2022 on Jan-Mar 2019"][1]) == "-31%"
    key = keyed(book, "tblKeyFigures")
    assert key["All Crime, Q4 2021-22"][1] == 1636
    assert percent(key["All Crime: change on Q3 2021-22"][1]) == "-12%"
    assert percent(keyed(book, "tblPublicOrderSummary")["2021/22"][3]) == "23%"
