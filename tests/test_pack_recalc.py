"""LibreOffice recalculates the demo pack headless: every formula equals xlperf's own value,
every check is TRUE, and the seed's figures appear in the recalculated cells."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from packbook import SOFFICE, formula_mismatches, keyed, percent, recalculate

from xlperf.api import template_path
from xlperf.pack.place import place
from xlperf.writers.pack_xlsx import anchors_from_workbook

pytestmark = [pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed"),
              pytest.mark.slow]


@pytest.fixture(scope="module")
def recalculated(demo_pack_file: Path, demo_pack: Any,
                 tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Any]:
    folder = tmp_path_factory.mktemp("recalc")
    pack_file = folder / "pack.xlsx"
    shutil.copyfile(demo_pack_file, pack_file)
    book = openpyxl.load_workbook(recalculate(pack_file, folder / "out"), data_only=True)
    pack = demo_pack
    placement = place(pack, anchors_from_workbook(openpyxl.load_workbook(template_path()), "t"))
    return book, placement


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
