"""The floors of a benchmark run, each run by benchmarks/run.py as its own process, so a
floor also pays for starting Python and importing its libraries, as xlperf does:

    python3 benchmarks/floor.py SPEC.json

SPEC: {"mode": "physical" | "io", "reads": [input paths], "jobs": N,
       "writes": [{"path": ..., "sheets": [cell counts], "parts": folder or null}]}

- **physical** (the physical limit): read the same inputs with python-calamine (every
  sheet's values), serialise the same number of cells per sheet as minimal sheet XML, zip
  them with every other part of the pack (``parts``: a folder holding the pack's other
  parts, extracted by run.py untimed), deflated, and write the file. Nothing a pack writer
  can skip.
- **io** (the I/O floor): read the same inputs with python-calamine and write workbooks of
  the same size with openpyxl (the same number of sheets and cells as each pack).

Work is spread over ``jobs`` processes, as build-all spreads its packs.
"""

from __future__ import annotations

import io
import json
import sys
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from xlperf.a1 import column_letter as _letter

COLUMNS = 12


def read(path: str) -> int:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(path)
    return sum(len(book.get_sheet_by_name(name).to_python()) for name in book.sheet_names)


def sheet_xml(cells: int) -> bytes:
    """``cells`` cells, half numbers and half text, as the least sheet XML Excel reads."""
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
           '"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
    letters = [_letter(c + 1) for c in range(COLUMNS)]
    for row in range(-(-cells // COLUMNS)):
        r = str(row + 1)
        out.append(f'<row r="{r}">')
        for col in range(min(COLUMNS, cells - row * COLUMNS)):
            n = row * COLUMNS + col
            ref = letters[col] + r
            out.append(f'<c r="{ref}"><v>{n}</v></c>' if n % 2 else
                       f'<c r="{ref}" t="inlineStr"><is><t>text {n}</t></is></c>')
        out.append("</row>")
    out.append("</sheetData></worksheet>")
    return "".join(out).encode("utf-8")


def write_physical(spec: dict[str, Any]) -> int:
    parts: list[tuple[str, bytes]] = []
    folder = spec.get("parts")
    if folder:
        parts = [(str(p.relative_to(folder)), p.read_bytes())
                 for p in sorted(Path(folder).rglob("*")) if p.is_file()]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts:
            archive.writestr(name, data)
        for index, cells in enumerate(spec["sheets"]):
            archive.writestr(f"xl/worksheets/sheet{index + 1}.xml", sheet_xml(cells))
    Path(spec["path"]).write_bytes(buffer.getvalue())
    return sum(spec["sheets"])


def write_io(spec: dict[str, Any]) -> int:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for index, cells in enumerate(spec["sheets"]):
        sheet = book.create_sheet(f"Sheet{index + 1}")
        for n in range(cells):
            row, col = divmod(n, COLUMNS)
            sheet.cell(row + 1, col + 1, n if n % 2 else f"text {n}")
    book.save(spec["path"])
    return sum(spec["sheets"])


def work(item: tuple[str, str, Any]) -> int:
    kind, mode, arg = item
    if kind == "read":
        return read(arg)
    return write_physical(arg) if mode == "physical" else write_io(arg)


def main(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    mode = spec.get("mode", "io")
    items = [("read", mode, p) for p in spec["reads"]] + \
        [("write", mode, w) for w in spec["writes"]]
    jobs = min(spec.get("jobs", 1), len(items))
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            list(pool.map(work, items, chunksize=max(1, len(items) // (jobs * 8))))
    else:
        for item in items:
            work(item)


if __name__ == "__main__":
    main(sys.argv[1])
