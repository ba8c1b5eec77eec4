"""The Settings button: which Python runs xlperf, on the workbook's xlwings.conf sheet.

xlwings reads its settings from a sheet named ``xlwings.conf`` (keys in column A from A1
down to the first blank cell, values in column B). Settings creates the sheet if the
workbook has none, adds the keys it lacks with xlperf's defaults
(``xlperf/assets/macros/workbook.yaml``), never changes a value already there, and says
which Python is running now and whether the one named for this system exists.
"""

from __future__ import annotations

import os
import sys
from typing import Any

CONF_SHEET = "xlwings.conf"
#: How far down the keys are read (xlwings stops at the first blank cell anyway).
MAX_KEYS = 200


def defaults() -> dict[str, str]:
    import yaml  # noqa: PLC0415

    from ..assets import asset_path  # noqa: PLC0415

    spec = yaml.safe_load(asset_path("macros", "workbook.yaml").read_text("utf-8"))
    return {str(k): "" if v is None else str(v) for k, v in (spec.get("conf") or {}).items()}


def _key() -> str:
    return "Interpreter_Mac" if sys.platform == "darwin" else "Interpreter_Win"


def show_settings(book: Any) -> tuple[dict[str, str], str]:
    """The settings after adding the missing keys, and a message about the Python."""
    sheet = next((s for s in book.sheets if s.name.casefold() == CONF_SHEET.casefold()), None)
    if sheet is None:
        sheet = book.sheets.add(CONF_SHEET, after=book.sheets[len(book.sheets) - 1])
    rows = sheet.range((1, 1), (MAX_KEYS, 2)).value or []
    values: dict[str, str] = {}
    for key, value in rows:
        if key is None or key == "":
            break
        values[str(key)] = "" if value is None else str(value)
    missing = [(k, v) for k, v in defaults().items() if k not in values]
    if missing:
        first = len(values) + 1
        sheet.range((first, 1), (first + len(missing) - 1, 2)).number_format = "@"
        sheet.range((first, 1), (first + len(missing) - 1, 2)).value = [
            [k, v] for k, v in missing]
        values.update(missing)
    sheet.activate()
    named = os.path.expandvars(values.get(_key(), ""))
    running = sys.executable
    if not named:
        note = f"{_key()} is empty, so xlwings uses its default Python."
    elif not os.path.exists(named):
        note = (f"{_key()} names {named}, which does not exist on this computer: correct it "
                "in column B (or run xlperf excel install again).")
    else:
        note = f"{_key()} names {named}."
    added = f" Added: {', '.join(k for k, _ in missing)}." if missing else ""
    return values, (f"xlperf is running with {running}. {note}{added} Change a value in "
                    f"column B of the {CONF_SHEET} sheet; xlperf never overwrites it.")
