"""A monthly series from a CSV file with columns ``period,value`` (for ``xlperf spc``).

A blank value is a missing value. Every problem names the file, the line and the column.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from pathlib import Path

from ..problems import XlperfError

#: A series longer than this is refused (the CSV is read whole).
MAX_ROWS = 10_000
HEADER = ("period", "value")


def read_series_csv(path: Path) -> list[tuple[str, float | None]]:
    """The ``(period, value)`` rows of ``path``, in file order."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(_rows(path, csv.reader(handle)))
    except FileNotFoundError:
        raise XlperfError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise XlperfError(f"{path}: not a UTF-8 text file") from None
    except csv.Error as exc:
        raise XlperfError(f"{path}: not a readable CSV file ({exc})") from None
    except IsADirectoryError:
        raise XlperfError(f"{path}: is a folder, not a CSV file") from None
    if not rows:
        raise XlperfError(f"{path}: no rows after the header period,value")
    return rows


def _rows(path: Path, reader: Iterable[list[str]]) -> list[tuple[str, float | None]]:
    out: list[tuple[str, float | None]] = []
    header: list[str] | None = None
    for line_no, row in enumerate(reader, start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if header is None:
            header = [c.lower() for c in cells]
            if tuple(header[:2]) != HEADER or any(header[2:]):
                raise XlperfError(f"{path} line {line_no}: the header must be period,value "
                                  f"(found {','.join(cells)})")
            continue
        if len(cells) > 2 and any(cells[2:]):
            raise XlperfError(f"{path} line {line_no}: {len(cells)} columns; expected 2 "
                              "(period,value)")
        period = cells[0]
        text = cells[1] if len(cells) > 1 else ""
        if not period:
            raise XlperfError(f"{path} line {line_no}, column period: the period is blank")
        value: float | None = None
        if text:
            try:
                value = float(text)
            except ValueError:
                raise XlperfError(f'{path} line {line_no}, column value: "{text}" is not a '
                                  "number") from None
            if not math.isfinite(value):
                raise XlperfError(f'{path} line {line_no}, column value: "{text}" is not a '
                                  "finite number")
        out.append((period, value))
        if len(out) > MAX_ROWS:
            raise XlperfError(f"{path}: more than {MAX_ROWS:,} rows; xlperf spc reads a "
                              "single series")
    if header is None:
        raise XlperfError(f"{path}: empty file; expected the header period,value")
    return out
