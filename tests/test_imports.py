"""Each command imports only what it uses: `xlperf --help` no data-file or workbook library,
`validate` and `build` neither openpyxl (packs are written by xlperf's own writer) nor numpy
(which openpyxl imports whenever it is installed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "xlperf" / "assets" / "demo-q4-2021-22.xlsx"
HEAVY = ("openpyxl", "numpy", "pandas", "xlwings", "yaml", "python_calamine", "defusedxml")
PROBE = f"""
import json, sys
from xlperf.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))
"""


def imported(*args: str, cache: Path) -> set[str]:
    """Libraries imported by a command, xlperf's cache (parsed YAML) in ``cache``: a new
    folder is a first run."""
    env = {**os.environ, "XLPERF_CACHE_DIR": str(cache)}
    result = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True,
                            text=True, check=True, cwd=ROOT, env=env)
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def test_help_imports_no_library_it_does_not_use(tmp_path: Path) -> None:
    assert imported("--help", cache=tmp_path) == set()


def test_validate_imports_no_writer_library(tmp_path: Path) -> None:
    found = imported("validate", str(DEMO), cache=tmp_path)
    assert {"python_calamine", "yaml"} <= found  # it did read the workbook and the rules
    assert found.isdisjoint({"openpyxl", "numpy", "pandas", "xlwings"})
    assert "defusedxml" not in found  # only a refused DTD or entity imports its exceptions


def test_validate_with_the_data_cached_imports_no_yaml(tmp_path: Path) -> None:
    first = imported("validate", str(DEMO), cache=tmp_path)
    assert "yaml" in first  # the first run parsed the data files...
    again = imported("validate", str(DEMO), cache=tmp_path)
    assert "yaml" not in again  # ... the next one has them from the cache
    assert "python_calamine" in again
    assert again.isdisjoint({"openpyxl", "numpy", "pandas", "xlwings"})


@pytest.mark.slow
def test_build_imports_no_openpyxl_or_numpy(tmp_path: Path) -> None:
    found = imported("build", str(DEMO), "-o", str(tmp_path / "pack.xlsx"),
                     cache=tmp_path / "cache")
    assert (tmp_path / "pack.xlsx").exists()
    assert found.isdisjoint({"openpyxl", "numpy", "pandas", "xlwings"})
