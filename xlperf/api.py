"""The library calls behind the command line and the Excel buttons."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .assets import DEMO_FILE, TEMPLATE_FILE, asset_path
from .periods import Quarter
from .problems import Problem, Problems, XlperfError

if TYPE_CHECKING:
    from .model import Dataset


def demo_path() -> Path:
    """The demo input, shipped in the package (``xlperf/assets``)."""
    here = asset_path(DEMO_FILE)
    if not here.exists():
        raise XlperfError(f"{here}: the demo workbook is missing (run scripts/make_demo.py)")
    return here


def init_workbook(path: Path) -> Path:
    from .writers.input_workbook import write_input_workbook  # noqa: PLC0415

    return write_input_workbook(Path(path))


def validate_workbook(path: Path) -> Problems:
    from .reading.pipeline import load  # noqa: PLC0415

    loaded = load(path)
    return loaded.problems


def load_dataset(path: Path) -> Dataset:
    from .reading.pipeline import load_or_raise  # noqa: PLC0415

    return load_or_raise(path)


def first_quarter(ds: Dataset) -> Quarter | None:
    """Q1 of the first financial year with crime figures (None without any)."""
    years = [fy for by_fy in ds.crime.values() for fy in by_fy]
    return Quarter(min(years), 1) if years else None


def resolve_quarter(ds: Dataset, quarter: Quarter | None) -> Quarter:
    """``quarter``, checked against the data's range, or the latest complete quarter."""
    latest = ds.latest_quarter
    if latest is None:
        raise XlperfError(f"{ds.file}: no quarter has complete data")
    if quarter is None:
        return latest
    first = first_quarter(ds) or latest
    covers = f"the input covers {first.label} to {latest.label}"
    if quarter > latest:
        raise XlperfError(
            f"{ds.file}: {quarter.label} is after the latest quarter with data "
            f"({latest.label}); {covers}")
    if quarter < first:
        raise XlperfError(
            f"{ds.file}: {quarter.label} is before the first quarter with crime figures "
            f"({first.label}); {covers}")
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


def template_path() -> Path:
    """The pack template, shipped in the package (``xlperf/assets``)."""
    here = asset_path(TEMPLATE_FILE)
    if not here.exists():
        raise XlperfError(f"{here}: the pack template is missing (run xlperf template {here})")
    return here


def write_template(path: Path) -> Path:
    """Generate the pack template from the layout files (refuses to overwrite the input)."""
    from .writers.template import write_template as write  # noqa: PLC0415

    return write(Path(path))


def default_pack_name(quarter: Quarter) -> str:
    return f"policing-plan-pack-q{quarter.number}-{quarter.fy.label}.xlsx"


def build_pack(path: Path, quarter: Quarter | None = None, output: Path | None = None,
               template: Path | None = None,
               on_warning: Callable[[Problem], None] | None = None) -> tuple[Path, Quarter]:
    """Build the Policing Plan pack for ``quarter`` (default: the latest complete quarter).

    An earlier quarter is checked as the reporting quarter first (its months and the
    references of its rules), as ``build-all`` does. Everything is computed and rendered in
    memory; the file is written last, through a temporary file and an atomic rename, so a
    failed run leaves no partial pack.
    """
    from .reading.pipeline import require_quarter  # noqa: PLC0415

    path = Path(path)
    ds = load_dataset(path)
    if on_warning is not None:
        for warning in ds.warnings:
            on_warning(warning)
    target = resolve_quarter(ds, quarter)
    require_quarter(ds, target)
    output = Path(output) if output else path.with_name(default_pack_name(target))
    return write_pack(ds, target, output, template, (path,)), target


def write_pack(ds, quarter: Quarter, output: Path, template: Path | None = None,  # type: ignore[no-untyped-def]
               inputs: tuple[Path, ...] = ()) -> Path:
    """Render the pack of an already loaded dataset and write it atomically (a batch run
    loads an input once and writes many quarters)."""
    from .pack.build import describe_pack  # noqa: PLC0415

    return _write(lambda: describe_pack(ds, quarter), output, template, inputs)


def _write(describe, output: Path, template: Path | None,  # type: ignore[no-untyped-def]
           inputs: tuple[Path, ...]) -> Path:
    """Check the output path (never an input or the template), describe and render the
    workbook in memory, then write it through a temporary file and an atomic rename."""
    from .writers.atomic import check_output_path, write_bytes_atomically  # noqa: PLC0415
    from .writers.pack_xlsx import render_pack  # noqa: PLC0415

    template = Path(template) if template else template_path()
    check_output_path(Path(output), (*inputs, template))
    return write_bytes_atomically(render_pack(describe(), template), Path(output))


def reconcile(path: Path, quarter: Quarter | None = None):  # type: ignore[no-untyped-def]
    """Every contradiction the Reconciliation sheet lists (issue 16): published figures that
    differ from xlperf's, numbers in analyst text, grade and roll-up differences in the five
    quarters shown, and the trackers' published counts and lights."""
    from .domain.grading import grade_all  # noqa: PLC0415
    from .domain.reconcile import findings as every  # noqa: PLC0415
    from .pack.build import shown_quarters  # noqa: PLC0415
    from .pack.sheets.trackers import differences  # noqa: PLC0415
    from .pack.sheets.trackers_scp import dashboard_rows  # noqa: PLC0415

    ds = load_dataset(path)
    quarters = shown_quarters(resolve_quarter(ds, quarter))
    rows, period, _previous = dashboard_rows(ds)
    found = every(ds, grade_all(ds, quarters), quarters, differences(ds), (rows, period))
    return _in_pack(ds, quarters[-1], found)


def _in_pack(ds, quarter: Quarter, found):  # type: ignore[no-untyped-def]
    """Each finding with the cell of the pack (as the default template lays it out) that
    shows xlperf's figure, as the Reconciliation sheet's "In the pack" formula points."""
    from .a1 import column_letter  # noqa: PLC0415
    from .pack.build import describe_pack  # noqa: PLC0415
    from .pack.layout import anchors_from_layout  # noqa: PLC0415
    from .pack.place import place  # noqa: PLC0415

    pack = describe_pack(ds, quarter)
    placement = place(pack, anchors_from_layout())

    def where(key) -> str:  # type: ignore[no-untyped-def]
        refs = pack.shown.get(key.text) if key is not None else None
        if not refs:
            return ""
        ref = refs[0][0]
        placed = placement.blocks[ref.block]
        row, col = placed.position(ref.row, ref.col)
        return f"'{placed.sheet}'!{column_letter(col)}{row}"

    return [f._replace(in_pack=where(f.figure)) for f in found]


def build_all(inputs, output_dir: Path, first: Quarter | None = None,  # type: ignore[no-untyped-def]
              last: Quarter | None = None, jobs: int | None = None,
              template: Path | None = None, on_planned=None, on_done=None):
    """Build many packs in worker processes: see :func:`xlperf.batch.build_all`."""
    from .batch import build_all as run  # noqa: PLC0415

    return run(inputs, output_dir, first, last, jobs, template, on_planned, on_done)


def default_statement_name(quarter: Quarter) -> str:
    return f"national-priorities-statement-q{quarter.number}-{quarter.fy.label}.xlsx"


def build_statement(path: Path, quarter: Quarter | None = None, output: Path | None = None,
                    template: Path | None = None) -> tuple[Path, Quarter]:
    """Write the national priorities statement for ``quarter`` (default: the latest complete
    quarter) as a workbook of its own, with the pack's template and writer.

    A statement missing a metric, a narrative or a month of neighbourhood crime, or with an
    unknown placeholder, is an InputError listing every problem with its cell; nothing is
    written.
    """
    from .pack.sheets.statement import describe_statement_pack  # noqa: PLC0415
    from .reading.pipeline import require_quarter  # noqa: PLC0415

    path = Path(path)
    ds = load_dataset(path)
    target = resolve_quarter(ds, quarter)
    require_quarter(ds, target, "statement")
    output = Path(output) if output else path.with_name(default_statement_name(target))
    return _write(lambda: describe_statement_pack(ds, target), output, template, (path,)), target


def build_trackers(path: Path, output: Path | None = None,
                   template: Path | None = None) -> Path:
    """Write the action trackers (HMICFRS recommendations, Safer City Partnership KPAs) on
    their own: the pack template's tracker sheets only, the others dropped."""
    from .pack.sheets.trackers import describe_trackers  # noqa: PLC0415

    path = Path(path)
    ds = load_dataset(path)
    pack = describe_trackers(ds)
    if not pack.sheets:
        raise XlperfError(f"{ds.file}: no HMICFRS recommendations or partnership KPAs to track")
    output = Path(output) if output else path.with_name(f"action-trackers-{path.stem}.xlsx")
    return _write(lambda: pack, output, template, (path,))


def write_analyst_workbook(output: Path, demo: bool = False, interpreter_win: str | None = None,
                           interpreter_mac: str | None = None) -> Path:
    """Build the macro-enabled analyst workbook (input sheets, buttons, xlwings.conf, VBA)
    at ``output``; ``demo`` fills the input tables with the demo's rows."""
    from .writers.xlsm import write_workbook  # noqa: PLC0415

    conf = {key: value for key, value in (("Interpreter_Win", interpreter_win),
                                          ("Interpreter_Mac", interpreter_mac)) if value}
    for key, value in conf.items():
        _check_plain_text(f"--{key.lower().replace('_', '-')}", value)
    return write_workbook(Path(output), demo=demo, conf=conf)


def _check_plain_text(option: str, value: str) -> None:
    """Refuse control characters (a tab, a bell, a line break): a cell cannot hold most of
    them, and no interpreter path contains one."""
    import unicodedata  # noqa: PLC0415 - only for the add-in's options (a shared library)

    for position, char in enumerate(value, 1):
        if unicodedata.category(char) == "Cc":
            raise XlperfError(
                f"{option}: character {position} is a control character (U+{ord(char):04X}), "
                "which a path cannot contain; give the interpreter's path as plain text")


def write_addin(output: Path) -> Path:
    """Build the xlperf add-in (``.xlam``: the ribbon tab, its VBA) at ``output``."""
    from .writers.xlam import write_addin as write  # noqa: PLC0415

    return write(Path(output))


def install_addin(dry_run: bool = False, python: str | None = None) -> list[str]:
    """``xlperf excel install``: check, then put the add-in in Excel's start-up folder and
    record the Python that runs it (``python``, default this one); what is (or, with
    ``dry_run``, would be) done. Where Excel does not run, only a dry run is possible."""
    import os  # noqa: PLC0415

    from .excel import install as setup  # noqa: PLC0415

    platform = setup.current_platform()
    if platform not in ("windows", "macos"):
        if not dry_run:
            raise XlperfError(setup.not_available(platform))
        return setup.preview(platform, python).lines
    chosen = python or setup.default_python()
    setup.check_python(chosen)
    home = Path.home()
    where = setup.places(platform, os.environ, home)
    plan = setup.plan_install(where, chosen, setup.portable(chosen, platform, os.environ, home))
    if not dry_run:
        setup.carry_out(plan)
    return plan.lines


def uninstall_addin(dry_run: bool = False) -> list[str]:
    """``xlperf excel uninstall``: remove the add-in and its settings, only if xlperf's."""
    import os  # noqa: PLC0415

    from .excel import install as setup  # noqa: PLC0415

    platform = setup.current_platform()
    if platform not in ("windows", "macos"):
        if not dry_run:
            raise XlperfError(setup.not_available(platform, "uninstall"))
        return setup.preview(platform, None, "uninstall").lines
    plan = setup.plan_uninstall(setup.places(platform, os.environ, Path.home()))
    if not dry_run:
        setup.carry_out(plan)
    return plan.lines


def spc_csv(path: Path, options):  # type: ignore[no-untyped-def]
    """The XmR chart of the ``period,value`` CSV at ``path`` (``xlperf spc``)."""
    from .domain.spc import SpcError, spc  # noqa: PLC0415
    from .reading.series_csv import read_series_csv  # noqa: PLC0415

    rows = read_series_csv(Path(path))
    try:
        return spc(rows, options)
    except SpcError as exc:
        raise XlperfError(f"{path}: {exc}") from None
