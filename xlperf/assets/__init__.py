"""Files shipped inside the package: the demo input, the pack template and the Excel macros.

They are package data, found under the package's folder (:mod:`xlperf.packaged`), so an
installed xlperf (a wheel, ``pip install .``) finds them exactly as a source checkout does.
"""

from __future__ import annotations

from pathlib import Path

from .. import packaged

DEMO_FILE = "demo-q4-2021-22.xlsx"
TEMPLATE_FILE = "pack-template.xlsx"


def asset_path(*parts: str) -> Path:
    """The path of a packaged file or folder (packages are installed unzipped)."""
    return packaged.path("assets", *parts)
