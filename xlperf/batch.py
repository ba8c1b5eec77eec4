"""Build many packs in one run: every quarter of a range, for one or many force workbooks.

The input schema is single-force, so a multi-force run is one input workbook per force. The
work is cut into tasks, one per input (or, when there are fewer inputs than workers, one
share of an input's quarters per worker), and each task reads its input once and builds all
its quarters from the loaded data. Tasks run in worker processes. Every pack is written
through a temporary file and an atomic rename, so a failed, killed or interrupted run leaves
no half-written pack; a quarter that cannot be built is reported with its reason and the
others still build.

A quarter is checked as if it were the input's reporting quarter (months missing before its
end, a rule's reference missing for it), so one bad quarter fails alone. Data after the
quarter is not an error here: later quarters are other packs of the same run.

Memory: a worker holds one input's data and one pack being rendered at a time, so its peak
does not grow with the number of inputs or quarters (figures in benchmarks/README.md).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import re
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from . import gcpause
from .api import default_pack_name, template_path, write_pack
from .filenames import MAX_OUTPUT_NAME_BYTES, slug
from .model import Dataset
from .periods import Quarter, quarters_between
from .problems import Problem, XlperfError

if TYPE_CHECKING:
    from .reading.pipeline import Loaded

BUILT, SKIPPED, FAILED = "built", "skipped", "failed"
#: Packs xlperf writes; never taken as inputs when a folder is scanned.
PACK_FILE = re.compile(r"policing-plan-pack-q[1-4]-\d{4}-\d{2}\.xlsx$", re.IGNORECASE)


@dataclass(frozen=True)
class Outcome:
    """What happened to one pack (or, with ``quarter`` None, to a whole input)."""

    input: Path
    quarter: Quarter | None
    status: str
    force: str = ""
    output: Path | None = None
    reason: str = ""


@dataclass(frozen=True)
class Task:
    """Build share ``part`` of ``parts`` of an input's quarters (every ``parts``-th one)."""

    input: Path
    part: int
    parts: int
    first: Quarter | None
    last: Quarter | None
    output_dir: Path
    template: Path
    claims: Path


@dataclass(frozen=True)
class TaskResult:
    """What one worker task reports back: its packs' outcomes and its peak memory."""

    outcomes: list[Outcome]
    peak_rss: int | None  # bytes, the worker process's peak so far


@dataclass
class BatchReport:
    """A whole build-all run: every pack's outcome, the workers, time and memory."""

    outcomes: list[Outcome]
    output_dir: Path
    workers: int
    seconds: float
    peak_rss: int | None = None  # bytes, the largest worker's peak
    inputs: list[Path] = field(default_factory=list)

    def with_status(self, status: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def failed(self) -> list[Outcome]:
        return self.with_status(FAILED)

    def summary(self) -> list[str]:
        """The summary table: packs per input, then every skip and failure with its reason,
        then the totals."""
        rows = [["Input", "Force", "Built", "Skipped", "Failed"]]
        for path in self.inputs:
            mine = [o for o in self.outcomes if o.input == path]
            force = next((o.force for o in mine if o.force), "-")
            rows.append([path.name, force,
                         *[str(sum(o.status == s for o in mine)) for s in (BUILT, SKIPPED,
                                                                            FAILED)]])
        lines = _columns(rows, right=(2, 3, 4))
        for status in (FAILED, SKIPPED):
            listed = self.with_status(status)
            if listed:
                lines += ["", f"{status.capitalize()}:"]
                lines += ["  " + line for line in _columns(_runs(listed))]
        built, skipped, failed = (len(self.with_status(s)) for s in (BUILT, SKIPPED, FAILED))
        memory = "" if self.peak_rss is None else \
            f", peak memory per worker {self.peak_rss / 2**20:.0f} MB"
        lines += ["", f"{built} built, {skipped} skipped, {failed} failed in "
                      f"{self.seconds:.1f} s with {self.workers} worker"
                      f"{'s' * (self.workers != 1)}{memory}; packs in {self.output_dir}"]
        return lines


def _runs(outcomes: list[Outcome]) -> list[list[str]]:
    """Summary rows: consecutive quarters of one input with the same reason on one row
    ("Q1 2010-11 to Q4 2016-17 (28 quarters)"), so a wide range stays readable."""
    rows: list[list[str]] = []
    run: list[Outcome] = []

    def flush() -> None:
        if not run:
            return
        first, last = run[0], run[-1]
        label = first.quarter.label if first.quarter else "(all)"
        if len(run) > 1 and last.quarter:
            label += f" to {last.quarter.label} ({len(run):,} quarters)"
        rows.append([first.input.name, label, first.reason])
        run.clear()

    for outcome in outcomes:
        previous = run[-1] if run else None
        if previous is not None and not (
                outcome.input == previous.input and outcome.reason == previous.reason
                and outcome.quarter is not None and previous.quarter is not None
                and outcome.quarter.previous() == previous.quarter):
            flush()
        run.append(outcome)
    flush()
    return rows


def _columns(rows: list[list[str]], right: tuple[int, ...] = ()) -> list[str]:
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [cell.rjust(w) if c in right else cell.ljust(w)
                 for c, (cell, w) in enumerate(zip(row, widths, strict=True))]
        out.append("  ".join(cells).rstrip())
    return out


def default_jobs() -> int:
    return min(2, os.cpu_count() or 1)


def peak_rss() -> int | None:
    """This process's peak resident memory in bytes (None where the OS does not say)."""
    try:
        import resource  # noqa: PLC0415 - not on Windows
    except ImportError:  # pragma: no cover
        return None
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024


def find_inputs(paths: Sequence[Path]) -> list[Path]:
    """Input workbooks: files as given, folders expanded to their .xlsx files (not Excel lock
    files, hidden files or packs written by xlperf), each once."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files = sorted(f for f in path.iterdir()
                           if f.is_file() and f.suffix.lower() == ".xlsx"
                           and not f.name.startswith(("~$", ".")) and not PACK_FILE.search(f.name))
            if not files:
                raise XlperfError(f"{path}: no input workbooks (.xlsx) in this folder")
            found += files
        elif path.exists():
            found.append(path)
        else:
            raise XlperfError(f"{path}: no such file or folder")
    seen: set[Path] = set()
    unique = []
    for path in found:
        if path.resolve() not in seen:
            seen.add(path.resolve())
            unique.append(path)
    return unique


def pack_name(force: str, quarter: Quarter) -> str:
    """``kent-policing-plan-pack-q4-2021-22.xlsx``: safe and distinct for any force name,
    and short enough for any file system (:mod:`xlperf.filenames`)."""
    rest = f"-{default_pack_name(quarter)}"
    return f"{slug(force, MAX_OUTPUT_NAME_BYTES - len(rest))}{rest}"


def supported_quarters(ds: Dataset) -> tuple[Quarter, Quarter] | None:
    """From Q1 of the first financial year with crime figures to the reporting quarter."""
    years = [fy for by_fy in ds.crime.values() for fy in by_fy]
    if not years or ds.latest_quarter is None:
        return None
    return Quarter(min(years), 1), ds.latest_quarter


def quarter_problems(ds: Dataset, quarter: Quarter) -> list[Problem]:
    """The errors the per-quarter checks find when ``quarter`` is the one reported."""
    from .reading.pipeline import quarter_problems as problems  # noqa: PLC0415

    return problems(ds, quarter)


def _problems_reason(errors: list[Problem], hint: str = "") -> str:
    """The first error, without the file name (the summary names the input)."""
    more = f" (and {len(errors) - 1} more{hint})" if len(errors) > 1 else ""
    return f"{errors[0]._replace(file='')}{more}"


def _claim(claims: Path, name: str, source: Path) -> Path | None:
    """Reserve an output file name for this run. None when reserved, else the input that
    reserved it first (two inputs for the same force would overwrite each other's packs)."""
    marker = claims / name
    temp = claims / f".{name}.{os.getpid()}"
    temp.write_text(str(source), encoding="utf-8")
    try:
        os.link(temp, marker)
        return None
    except FileExistsError:
        return Path(marker.read_text(encoding="utf-8"))
    finally:
        temp.unlink()


Notify = Callable[[tuple[str, object]], None]


def run_task(task: Task, notify: Notify) -> TaskResult:
    """Load one input and build its share of quarters. Never raises: every problem becomes
    an outcome. ``notify`` receives ("planned", count) and ("done", outcome) as work goes."""
    outcomes: list[Outcome] = []

    def record(outcome: Outcome) -> None:
        outcomes.append(outcome)
        notify(("done", outcome))

    def whole_input(status: str, reason: str, force: str = "") -> TaskResult:
        if task.part == 0:
            notify(("planned", 1))
            record(Outcome(task.input, None, status, force, reason=reason))
        return TaskResult(outcomes, peak_rss())

    from .reading.pipeline import QUARTER_CODES, load  # noqa: PLC0415

    try:
        loaded = _PRELOADED.get(task.input) or load(task.input)
    except Exception as exc:  # noqa: BLE001 - a bug must not stop the other inputs
        return whole_input(FAILED, f"internal error: {type(exc).__name__}: {exc}")
    # checks against the reporting quarter are made again for each quarter built
    errors = [p for p in loaded.problems.errors if p.code not in QUARTER_CODES]
    ds = loaded.dataset
    if ds is None or errors:
        return whole_input(FAILED, _problems_reason(
            errors or loaded.problems.errors, f": run xlperf validate {task.input.name}"))
    supported = supported_quarters(ds)
    if supported is None:
        return whole_input(FAILED, f"{task.input.name}: no quarter has crime figures for all "
                           "three months", ds.force)
    low, high = task.first or supported[0], task.last or supported[1]
    if low > high or high < supported[0] or low > supported[1]:
        return whole_input(SKIPPED, f"nothing from {low.label} to {high.label}: the input "
                           f"covers {supported[0].label} to {supported[1].label}", ds.force)
    mine = quarters_between(low, high)[task.part::task.parts]
    notify(("planned", len(mine)))
    for quarter in mine:
        record(_build_quarter(task, ds, quarter, supported))
    return TaskResult(outcomes, peak_rss())


def _build_quarter(task: Task, ds: Dataset, quarter: Quarter,
                   supported: tuple[Quarter, Quarter]) -> Outcome:
    def outcome(status: str, reason: str = "", output: Path | None = None) -> Outcome:
        return Outcome(task.input, quarter, status, ds.force, output, reason)

    if quarter < supported[0]:
        return outcome(SKIPPED, f"no crime figures before {supported[0].fy.label}")
    if quarter > supported[1]:
        kind = "reporting quarter (Settings)" if ds.settings.get("Reporting quarter") \
            else "latest quarter with complete data"
        return outcome(SKIPPED, f"after the input's {kind}, {supported[1].label}")
    name = pack_name(ds.force, quarter)
    owner = _claim(task.claims, name, task.input)
    if owner is not None:
        return outcome(FAILED, f"{owner.name} is also for {ds.force} and writes {name}; "
                       "one input per force")
    try:
        problems = quarter_problems(ds, quarter)
        if problems:
            return outcome(FAILED, _problems_reason(problems))
        written = write_pack(ds, quarter, task.output_dir / name, task.template, (task.input,))
    except XlperfError as exc:
        return outcome(FAILED, str(exc))
    except Exception as exc:  # noqa: BLE001 - a bug in one quarter must not stop the others
        return outcome(FAILED, f"internal error: {type(exc).__name__}: {exc}")
    return outcome(BUILT, output=written)


# -- worker processes -------------------------------------------------------------------------
#: Inputs read by the main process before its workers are forked: an input whose quarters are
#: shared between workers is read once, and each worker inherits it instead of reading it.
_PRELOADED: dict[Path, Loaded] = {}


def _prepare_fork(tasks: list[Task], template: Path) -> None:
    """Before forking the workers: import what every worker runs, read the template, and
    read each input that several workers share, once; the forked workers inherit all of it
    (copy-on-write) instead of doing it again each."""
    from .pack.build import describe_pack  # noqa: F401, PLC0415 - imported to be inherited
    from .reading.pipeline import load  # noqa: PLC0415 - only in the main process of a run
    from .writers.xlsx_template import cached_template  # noqa: PLC0415 - as above

    with contextlib.suppress(Exception):  # each worker reports it for its own packs
        cached_template(template)
    for task in tasks:
        if task.parts > 1 and task.part == 0:
            with contextlib.suppress(Exception):  # the workers read it and report why not
                _PRELOADED[task.input] = load(task.input)


_events: multiprocessing.Queue | None = None  # type: ignore[type-arg]


def _init_worker(events: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    global _events
    _events = events
    gcpause.collection_on()


def _queue_notify(event: tuple[str, object]) -> None:
    if _events is not None:
        _events.put(event)


def _pool_task(task: Task) -> TaskResult:
    return run_task(task, _queue_notify)


def _run_pool(tasks: list[Task], workers: int, notify: Notify) -> list[TaskResult]:
    context = multiprocessing.get_context()
    events = context.Queue()
    results: list[TaskResult] = []
    received = lost = 0

    def drain(timeout: float) -> bool:
        nonlocal received
        try:
            event = events.get(timeout=timeout)
        except queue.Empty:
            return False
        received += event[0] == "done"
        notify(event)
        return True

    if context.get_start_method() == "fork":
        _prepare_fork(tasks, tasks[0].template)
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                             initargs=(events,)) as pool:
        futures: list[Future[TaskResult]] = [pool.submit(_pool_task, t) for t in tasks]
        while not all(f.done() for f in futures):
            while drain(0.1):  # everything waiting, then look at the futures again
                if all(f.done() for f in futures):
                    break
        for task, future in zip(tasks, futures, strict=True):
            try:
                results.append(future.result())
            except Exception as exc:  # noqa: BLE001 - e.g. a worker killed for memory
                lost += 1
                notify(("planned", 1))
                outcome = Outcome(task.input, None, FAILED,
                                  reason=f"worker process failed: {type(exc).__name__}: {exc}")
                notify(("done", outcome))
                results.append(TaskResult([outcome], None))
        # Drain what the workers still send before the pool shuts down: a worker cannot
        # exit while its queue holds events no one reads, and shutdown waits for it.
        expected = sum(len(r.outcomes) for r in results) - lost
        while received < expected and drain(1.0):
            pass
    events.close()
    _PRELOADED.clear()
    return results


def build_all(inputs: Sequence[Path], output_dir: Path, first: Quarter | None = None,
              last: Quarter | None = None, jobs: int | None = None,
              template: Path | None = None,
              on_planned: Callable[[int], None] | None = None,
              on_done: Callable[[Outcome], None] | None = None) -> BatchReport:
    """Build the pack of every quarter from ``first`` to ``last`` (default: each input's
    whole range) for every input workbook (files, or folders of .xlsx) into ``output_dir``.

    ``on_planned(n)`` says n more packs are planned, ``on_done(outcome)`` that one finished:
    for a progress bar. Raises XlperfError only for a run that cannot start (no inputs, a
    bad range, an unusable output folder); everything else is an outcome in the report.
    """
    started = time.perf_counter()
    if first and last and first > last:
        raise XlperfError(f"--from {first.label} is after --to {last.label}")
    paths = find_inputs(inputs)
    output_dir = Path(output_dir)
    if output_dir.exists() and not output_dir.is_dir():
        raise XlperfError(f"{output_dir}: is a file, not a folder")
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise XlperfError(f"{output_dir}: cannot create the folder ({exc.strerror})") from None
    template = Path(template) if template else template_path()
    if not template.is_file():
        raise XlperfError(f"{template}: no such template")
    jobs = jobs or default_jobs()
    parts = max(1, jobs // len(paths))

    def notify(event: tuple[str, object]) -> None:
        kind, value = event
        if kind == "planned" and on_planned:
            on_planned(value)  # type: ignore[arg-type]
        elif kind == "done" and on_done:
            on_done(value)  # type: ignore[arg-type]

    with tempfile.TemporaryDirectory(prefix="xlperf-run-") as claims:
        tasks = [Task(p, k, parts, first, last, output_dir, template, Path(claims))
                 for p in paths for k in range(parts)]
        workers = min(jobs, len(tasks))
        if workers == 1:
            results = [run_task(t, notify) for t in tasks]
        else:
            results = _run_pool(tasks, workers, notify)
    order = {p: i for i, p in enumerate(paths)}

    def key(o: Outcome) -> tuple[int, int]:
        quarter = o.quarter
        return order[o.input], -1 if quarter is None else quarter.fy.start * 4 + quarter.number

    outcomes = sorted((o for r in results for o in r.outcomes), key=key)
    peaks = [r.peak_rss for r in results if r.peak_rss is not None]
    return BatchReport(outcomes, output_dir, workers, time.perf_counter() - started,
                       max(peaks) if peaks else None, paths)
