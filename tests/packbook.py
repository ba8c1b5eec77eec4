"""Test helpers for generated packs: read Excel tables by name, recalculate with
LibreOffice, and compare every formula with the value xlperf computed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from xlperf.arithmetic import round_half_away

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def table(book: Any, name: str) -> tuple[list[Any], list[list[Any]]]:
    """The header and body rows of the Excel table ``name``, wherever it is."""
    for sheet in book.worksheets:
        if name in sheet.tables:
            rows = [[c.value for c in row] for row in sheet[sheet.tables[name].ref]]
            return rows[0], rows[1:]
    raise KeyError(name)


def keyed(book: Any, name: str) -> dict[Any, list[Any]]:
    """A table's rows keyed by their first cell (the row label)."""
    _header, rows = table(book, name)
    return {row[0]: row for row in rows}


def percent(value: Any) -> Any:
    """A fraction as the pack displays it with format 0%: ``0.5927`` -> ``"59%"``."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{round_half_away(value * 100):.0f}%"
    return value


def recalculate(path: Path, outdir: Path) -> Path:
    """Open ``path`` in headless LibreOffice, recalculate, save as .xlsx in ``outdir``."""
    (done,) = recalculate_all([path], outdir)
    return done


def recalculate_all(paths: list[Path], outdir: Path) -> list[Path]:
    """:func:`recalculate` for several workbooks (of different names) in one LibreOffice
    run: its start is most of the cost of a small workbook."""
    assert SOFFICE, "LibreOffice is not installed"
    assert len({p.name for p in paths}) == len(paths), "the outputs would overwrite each other"
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / "lo-profile"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--calc",
         "--convert-to", "xlsx", "--outdir", str(outdir), *map(str, paths)],
        check=True, capture_output=True, timeout=300 * len(paths),
    )
    done = [outdir / p.name for p in paths]
    assert all(p.is_file() for p in done), "LibreOffice did not convert every workbook"
    return done


def formula_mismatches(placement: Any, recalculated: Any) -> tuple[int, list[str]]:
    """Every placed formula whose recalculated value differs from xlperf's value."""
    count, bad = 0, []
    for placed in placement.cells():
        if placed.formula is None:
            continue
        count += 1
        got = recalculated[placed.sheet].cell(placed.row, placed.col).value
        expected = placed.cell.value
        if isinstance(expected, bool) or not isinstance(expected, (int, float)):
            ok = got == expected or (expected is None and got in (None, ""))
        else:
            ok = isinstance(got, (int, float)) and abs(got - expected) <= 1e-9 * max(
                1, abs(expected))
        if not ok:
            bad.append(f"{placed.sheet}!{placed.coordinate} {placed.formula}: "
                       f"LibreOffice {got!r}, xlperf {expected!r}")
    return count, bad
