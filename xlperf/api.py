"""The library calls behind the command line and the Excel buttons."""

from __future__ import annotations

from pathlib import Path

from .periods import Quarter
from .problems import Problems, XlperfError

DEMO_FILE = "demo-q4-2021-22.xlsx"


def demo_path() -> Path:
    """The demo input: ``workbooks/`` of a source checkout."""
    here = Path(__file__).resolve().parent.parent / "workbooks" / DEMO_FILE
    if not here.exists():
        raise XlperfError(f"{here}: the demo workbook is missing (run scripts/make_demo.py)")
    return here


def init_workbook(path: Path) -> Path:
    from .writers.input_workbook import write_input_workbook  # noqa: PLC0415

    return write_input_workbook(Path(path))


def validate_workbook(path: Path) -> Problems:
    from .reading.load import load  # noqa: PLC0415

    loaded = load(path)
    return loaded.problems


def load_dataset(path: Path):  # type: ignore[no-untyped-def]
    from .reading.load import load_or_raise  # noqa: PLC0415

    return load_or_raise(path)


def resolve_quarter(ds, quarter: Quarter | None) -> Quarter:  # type: ignore[no-untyped-def]
    latest = ds.latest_quarter
    if latest is None:
        raise XlperfError(f"{ds.file}: no quarter has complete data")
    if quarter is None:
        return latest
    if quarter > latest:
        raise XlperfError(
            f"{ds.file}: {quarter.label} is after the latest quarter with data ({latest.label})"
        )
    return quarter


def explain_measure(path: Path, measure_id: str, quarter: Quarter | None = None) -> str:
    from .domain.explain import explain  # noqa: PLC0415
    from .domain.grading import grade_measure  # noqa: PLC0415

    ds = load_dataset(path)
    target = resolve_quarter(ds, quarter)
    try:
        measure = ds.measure(measure_id)
    except KeyError:
        known = ", ".join(m.id for m in ds.measures)
        raise XlperfError(f"{ds.file}: no measure {measure_id!r} (known: {known})") from None
    previous = grade_measure(ds, measure, target.previous())
    return explain(grade_measure(ds, measure, target), previous)


def shown_quarters(quarter: Quarter, count: int = 5) -> list[Quarter]:
    """The quarters a pack shows: ``count`` quarters ending with ``quarter``."""
    return [quarter.previous(k) for k in range(count - 1, -1, -1)]


def reconcile(path: Path, quarter: Quarter | None = None):  # type: ignore[no-untyped-def]
    """Every measure and priority cell, in the five quarters shown, where the reported grade
    differs from the rule's."""
    from .domain.grading import grade_all, reconciliation  # noqa: PLC0415

    ds = load_dataset(path)
    quarters = shown_quarters(resolve_quarter(ds, quarter))
    return reconciliation(grade_all(ds, quarters), quarters)
