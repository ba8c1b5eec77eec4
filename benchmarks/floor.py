"""The floor of a benchmark run: only read the same inputs (python-calamine, every sheet's
values) and only write workbooks of the same size (openpyxl, the same number of sheets and
cells as each pack xlperf wrote), spread over the same number of processes.

Run by benchmarks/run.py as its own process, so the floor also pays for starting Python and
importing its libraries, as xlperf does:  python3 benchmarks/floor.py SPEC.json
SPEC: {"reads": [input paths], "writes": [{"path": ..., "sheets": [cell counts]}], "jobs": N}
"""

from __future__ import annotations

import json
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

COLUMNS = 12


def read(path: str) -> int:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(path)
    return sum(len(book.get_sheet_by_name(name).to_python()) for name in book.sheet_names)


def write(spec: dict) -> int:
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


def work(item: tuple[str, object]) -> int:
    kind, arg = item
    return read(arg) if kind == "read" else write(arg)  # type: ignore[arg-type]


def main(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    items = [("read", p) for p in spec["reads"]] + [("write", w) for w in spec["writes"]]
    jobs = min(spec.get("jobs", 1), len(items))
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            list(pool.map(work, items))
    else:
        for item in items:
            work(item)


if __name__ == "__main__":
    main(sys.argv[1])
