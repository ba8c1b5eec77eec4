"""Shared test helpers: tiny input workbooks built in tmp_path, and the demo."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from tiny_input import FY_MONTHS, crime_rows, write_input

try:
    import fcntl
except ImportError:  # Windows: each pytest-xdist worker makes its own
    fcntl = None  # type: ignore[assignment]

ROOT = Path(__file__).resolve().parent.parent

__all__ = ["FY_MONTHS", "ROOT", "crime_rows", "load_script", "write_input"]


def load_script(name: str) -> ModuleType:
    """A module of scripts/ (e.g. make_demo), imported from its file: scripts/ is not a
    package, and the tests put nothing on sys.path (a script adds its own folder)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def make_input(tmp_path: Path):  # type: ignore[no-untyped-def]
    """``make_input(rows, name="in.xlsx")`` writes a workbook in tmp_path and returns its path."""

    def make(rows: Mapping[str, Sequence[Sequence[Any]]], name: str = "in.xlsx") -> Path:
        return write_input(tmp_path / name, rows)

    return make


@pytest.fixture(scope="session")
def demo() -> Path:
    return ROOT / "xlperf" / "assets" / "demo-q4-2021-22.xlsx"


# -- the demo's expensive products, built once per session (the Dataset is immutable; the
# -- pack description and the file are only read by the tests that share them) ----------
@pytest.fixture(scope="session")
def demo_ds(demo: Path) -> Any:
    """The demo's Dataset, through the reading pipeline."""
    from xlperf.reading.pipeline import load_or_raise

    return load_or_raise(demo)


@pytest.fixture(scope="session")
def demo_pack(demo_ds: Any) -> Any:
    """The description of the demo's Q4 2021-22 pack (xlperf.pack.model.Pack)."""
    from xlperf.pack.build import describe_pack
    from xlperf.periods import Quarter

    return describe_pack(demo_ds, Quarter.parse("Q4 2021-22"))


@pytest.fixture(scope="session")
def demo_pack_file(demo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's pack as ``xlperf build`` writes it (latest quarter, shipped template)."""
    from xlperf.api import build_pack

    output, _quarter = build_pack(demo, None, tmp_path_factory.mktemp("demo-pack") / "pack.xlsx")
    return output


@pytest.fixture(scope="session")
def demo_placement(demo_pack: Any) -> Any:
    """Where the demo pack's cells land on the shipped template (xlperf.pack.place)."""
    import openpyxl

    from xlperf.api import template_path
    from xlperf.pack.place import place
    from xlperf.writers.pack_xlsx import anchors_from_workbook

    return place(demo_pack, anchors_from_workbook(openpyxl.load_workbook(template_path()), "t"))


@pytest.fixture(scope="session")
def demo_pack_recalculated(demo_pack_file: Path, tmp_path_factory: pytest.TempPathFactory
                           ) -> Any:
    """The demo pack as LibreOffice recalculates it (headless, every formula, saved as .xlsx)
    and openpyxl reads its values (``data_only``): one conversion for every test that
    compares the demo pack with LibreOffice (test_pack_recalc, test_pack_writer,
    test_pack_spc, test_reconciliation), shared by the pytest-xdist workers of the run.
    Those tests only read it."""
    import openpyxl
    from packbook import SOFFICE, recalculate

    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed")
    digest = hashlib.sha256(demo_pack_file.read_bytes()).hexdigest()[:16]
    with run_folder(tmp_path_factory, f"demo-recalc-{digest}") as folder:
        recalculated = folder / "out" / "pack.xlsx"
        if not recalculated.is_file():
            shutil.copyfile(demo_pack_file, folder / "pack.xlsx")
            recalculate(folder / "pack.xlsx", folder / "out")
    return openpyxl.load_workbook(recalculated, data_only=True)


@contextmanager
def run_folder(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Path]:
    """A folder for something made once per run: with pytest-xdist, the one of that name in
    the folder the run's workers share, held under a lock while the caller fills it (the
    first worker makes it, the others find it made); otherwise a new temporary folder."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None or fcntl is None:
        yield tmp_path_factory.mktemp(name)
        return
    shared = tmp_path_factory.getbasetemp().parent  # this run's, not the previous runs'
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            folder = shared / name
            folder.mkdir(exist_ok=True)
            yield folder
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def seed() -> dict[str, Any]:
    import yaml

    return yaml.safe_load((ROOT / "scripts" / "seed_figures.yaml").read_text(encoding="utf-8"))


# -- the longest test files first ----------------------------------------------------------
#: The test files that take longest (CPU seconds of a whole run on the 2-core machine: 45-90
#: s each for the first three, 30-45 s for the next three, 8-20 s for the rest listed),
#: longest first. pytest-xdist (``--dist loadfile --no-loadscope-reorder``, pyproject.toml)
#: hands the files out in this order, one to each worker, then the next to a worker as soon
#: as it holds two tests or fewer: the first worker takes the one-test Build pack sweep and
#: at once test_excel.py too, the second the other sweeps, and the short files fill in at the
#: end, so both workers finish within seconds of each other, and the sweeps fork from fresh,
#: small workers. (By default pytest-xdist orders the files by their number of tests, which
#: put the one-test sweeps last.) A file missing here only runs later; no test depends on
#: the order (each file runs whole, in its own order, on one worker).
LONGEST_FIRST = (
    "test_excel_sweep_build.py", "test_excel_sweeps.py", "test_excel.py",
    "test_committee_print.py", "test_catalogue.py", "test_batch.py",
    "test_validate.py", "test_pack_writer.py", "test_wheel.py", "test_statement.py",
    "test_property.py", "test_hostile.py", "test_trackers.py", "test_reconciliation.py",
    "test_row_height.py",
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Longest files first (``LONGEST_FIRST``); a stable sort keeps each file's own order
    and the order of the other files."""
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


# -- summary lines printed at the end of the run (the bad-input catalogue's tally) ---------
#: Feature tests append lines here; they are printed even with -q.
SUMMARY_LINES: list[str] = []


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Under pytest-xdist, a worker hands its summary lines to the controller, which prints
    them (each test file runs whole on one worker: ``--dist loadfile``)."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["summary_lines"] = list(SUMMARY_LINES)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:  # type: ignore[no-untyped-def]
    """pytest-xdist: a worker finished; keep the summary lines it sent."""
    SUMMARY_LINES.extend(getattr(node, "workeroutput", {}).get("summary_lines", []))


def pytest_terminal_summary(terminalreporter) -> None:  # type: ignore[no-untyped-def]
    for line in SUMMARY_LINES:
        terminalreporter.write_line(line)
