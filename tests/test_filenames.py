"""Feature: file names are safe and distinct for any force name and fit the 255-byte limit
of file systems, temporary names included; a name no file system takes is refused plainly."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tiny_input import valid_rows, write_input

from xlperf.batch import BUILT, build_all, pack_name
from xlperf.filenames import MAX_NAME_BYTES, MAX_OUTPUT_NAME_BYTES, slug
from xlperf.periods import Quarter
from xlperf.problems import XlperfError
from xlperf.writers.atomic import check_output_path, write_bytes_atomically

Q4 = Quarter.parse("Q4 2021-22")
CYRILLIC = "Полиция Лондона"
GREEK = "Αστυνομία Λονδίνου"


@pytest.mark.parametrize(("force", "expected"), [
    ("Kent", "kent-policing-plan-pack-q4-2021-22.xlsx"),
    ("Avon and Somerset", "avon-and-somerset-policing-plan-pack-q4-2021-22.xlsx"),
    ("Heddlu Dyfed-Powys", "heddlu-dyfed-powys-policing-plan-pack-q4-2021-22.xlsx"),
    ("Gendarmerie de l'Île", "gendarmerie-de-l-ile-policing-plan-pack-q4-2021-22.xlsx"),
])
def test_latin_names_stay_readable(force: str, expected: str) -> None:
    assert pack_name(force, Q4) == expected


def test_cyrillic_and_greek_names_get_distinct_stable_names() -> None:
    cyrillic, greek = pack_name(CYRILLIC, Q4), pack_name(GREEK, Q4)
    assert cyrillic != greek
    assert cyrillic == pack_name(CYRILLIC, Q4)  # stable from run to run
    for name in (cyrillic, greek):
        assert name.isascii() and name.startswith("force-")
        assert name.endswith("-policing-plan-pack-q4-2021-22.xlsx")


def test_a_partly_latin_name_keeps_its_latin_part_and_a_hash() -> None:
    assert slug("Kent Полиция") != slug("Kent Αστυνομία")
    assert slug("Kent Полиция").startswith("kent-")


@pytest.mark.parametrize("force", ["x" * 300, "é" * 300, "Ж" * 300, "🚓" * 100])
def test_a_long_name_fits_with_its_temporary_name(force: str) -> None:
    name = pack_name(force, Q4)
    assert len(name.encode("utf-8")) <= MAX_OUTPUT_NAME_BYTES
    assert pack_name(force + "y", Q4) != name  # shortened names stay distinct


def test_a_245_byte_output_name_is_written(tmp_path: Path) -> None:
    name = "p" * 240 + ".xlsx"
    assert len(name.encode()) == 245
    written = write_bytes_atomically(b"data", tmp_path / name)
    assert written.read_bytes() == b"data"
    assert os.listdir(tmp_path) == [name]  # no temporary file left


def test_a_multibyte_name_at_the_limit_is_written(tmp_path: Path) -> None:
    name = "é" * 125 + ".xlsx"  # 255 bytes
    assert len(name.encode()) == MAX_NAME_BYTES
    check_output_path(tmp_path / name)
    write_bytes_atomically(b"data", tmp_path / name)
    assert os.listdir(tmp_path) == [name]


def test_a_name_over_255_bytes_is_refused_plainly(tmp_path: Path) -> None:
    with pytest.raises(XlperfError, match="the file name is 256 bytes long, over the "
                                          "255-byte limit"):
        check_output_path(tmp_path / ("p" * 251 + ".xlsx"))


@pytest.mark.slow
def test_build_all_with_cyrillic_greek_and_very_long_force_names(tmp_path: Path) -> None:
    inputs = []
    # the longest force names are limited by the page footer they are printed in (255
    # characters, tests/test_output_limits.py); pack_name shortens longer ones (above)
    for i, force in enumerate((CYRILLIC, GREEK, "Constabulary of " + "Far " * 28)):
        rows = valid_rows()
        rows["tblSettings"] = [["Force name", force], ["Reporting quarter", "Q4 2021-22"]]
        inputs.append(write_input(tmp_path / f"in{i}.xlsx", rows))
    report = build_all(inputs, tmp_path / "packs", Q4, Q4, jobs=1)
    assert [o.status for o in report.outcomes] == [BUILT] * 3, report.summary()
    names = sorted(p.name for p in (tmp_path / "packs").iterdir())
    assert names == sorted(pack_name(o.force, Q4) for o in report.outcomes)
    assert all(len(n.encode()) <= MAX_OUTPUT_NAME_BYTES for n in names)
