"""xlperf's benchmarks: one command that prints a table.

    python3 benchmarks/run.py [--repeat N] [--jobs N] [--quick] [--all-quarters]
                              [--profile] [--work DIR]

Each run is a fresh process (as an analyst runs it), timed from start to exit; peak memory is
the largest resident set of the process and the workers it waited for (os.wait4), CPU
seconds their user + system time (the same rusage), shown with their own ratios. Each row
is set side by side, in the same run, against yardsticks timed the same way and interleaved
with it (xlperf, yardstick, yardstick, xlperf, ...), medians of --repeat runs:

- the **physical limit** (benchmarks/floor.py, mode physical): read the same inputs with
  python-calamine, serialise the same number of cells per sheet as minimal sheet XML, zip
  them with the pack's other parts, write the file;
- the **I/O floor** (floor.py, mode io): read the same inputs with python-calamine, write
  workbooks of the same size with openpyxl;
- **Python start** (``python3 -c pass``) for ``--help`` and ``validate``;
- a **warm press**: the Python side of the Validate button inside Excel, with the process
  already running (benchmarks/press.py), seconds per press.

Ratios compare across machines; seconds do not. ``--profile`` adds where one build's time
goes (benchmarks/phases.py). The force workbooks are generated first (scripts/make_forces.py,
untimed) into --work (default: a temporary folder).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "xlperf" / "assets" / "demo-q4-2021-22.xlsx"
#: the ``xlperf`` command (what its console script runs)
XLPERF = [sys.executable, "-m", "xlperf"]
FLOOR = [sys.executable, str(ROOT / "benchmarks" / "floor.py")]
PYTHON = [sys.executable, "-c", "pass"]
#: set by run_rows: xlperf's cache folder (XLPERF_CACHE_DIR) inside the work folder
ENV: dict[str, str] = {}
TOTALS = re.compile(r"(\d+) built, (\d+) skipped, (\d+) failed")


@dataclass
class Measured:
    seconds: float
    peak_mb: float | None
    stdout: str
    #: user + system CPU seconds of the process and the workers it waited for
    cpu: float | None = None


def measure(command: list[str], expect: tuple[int, ...] = (0,)) -> Measured:
    """Wall time and peak memory of one process (and the workers it waited for)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **ENV}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its bytecode
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,
                                   stderr=subprocess.DEVNULL)
        if hasattr(os, "wait4"):
            _pid, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - start
            code = os.waitstatus_to_exitcode(status)
            process.returncode = code
            scale = 1 if sys.platform == "darwin" else 1024
            peak = usage.ru_maxrss * scale / 2**20
            cpu: float | None = usage.ru_utime + usage.ru_stime
        else:  # pragma: no cover - Windows: no rusage
            code = process.wait()
            seconds, peak, cpu = time.perf_counter() - start, None, None
        out.seek(0)
        stdout = out.read().decode("utf-8", "replace")
    if code not in expect:
        raise SystemExit(f"{' '.join(command)} exited with {code}:\n{stdout}")
    return Measured(seconds, peak, stdout, cpu)


def cells_per_sheet(pack: Path) -> list[int]:
    """How many cells each worksheet of a written pack holds (for a floor of the same size)."""
    with zipfile.ZipFile(pack) as package:
        names = sorted((n for n in package.namelist()
                        if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)),
                       key=lambda n: int(re.sub(r"\D", "", n)))
        return [len(re.findall(rb"<c ", package.read(n))) for n in names]


def other_parts(pack: Path, folder: Path) -> Path:
    """Extract every part of ``pack`` but its worksheets into ``folder`` (untimed)."""
    if folder.exists():
        shutil.rmtree(folder)
    with zipfile.ZipFile(pack) as package:
        for name in package.namelist():
            if not re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name):
                target = folder / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(package.read(name))
    return folder


def floor_command(work: Path, name: str, mode: str, reads: list[Path], packs: list[Path],
                  jobs: int, parts: Path | None) -> list[str]:
    out = work / "floor" / f"{name}-{mode}"
    out.mkdir(parents=True, exist_ok=True)
    spec = {"mode": mode, "reads": [str(p) for p in reads], "jobs": jobs,
            "writes": [{"path": str(out / p.name), "sheets": cells_per_sheet(p),
                        "parts": str(parts) if parts else None} for p in packs]}
    path = work / "floor" / f"{name}-{mode}.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    return [*FLOOR, str(path)]


@dataclass
class Row:
    name: str
    packs: str = ""
    runs: dict[str, list[Measured]] = field(default_factory=dict)
    press: float | None = None  # seconds per warm press, measured inside the process

    def median(self, key: str) -> float | None:
        runs = self.runs.get(key)
        return statistics.median(m.seconds for m in runs) if runs else None

    def median_cpu(self, key: str) -> float | None:
        times = [m.cpu for m in self.runs.get(key, []) if m.cpu is not None]
        return statistics.median(times) if times else None

    def cpu_cells(self) -> list[str]:
        """xlperf's CPU seconds and its CPU ratios to each yardstick."""
        own = self.median_cpu("xlperf")

        def ratio(key: str) -> str:
            value = self.median_cpu(key)
            return "" if not value or own is None else f"{own / value:.2f}"

        return ["" if own is None else f"{own:.2f}", ratio("physical"), ratio("io"),
                ratio("python")]

    def peak(self, key: str) -> str:
        peaks = [m.peak_mb for m in self.runs.get(key, []) if m.peak_mb is not None]
        return f"{max(peaks):.0f}" if peaks else ""

    def cells(self) -> list[str]:
        own = self.press if self.press is not None else self.median("xlperf")

        def seconds(key: str) -> str:
            value = self.median(key)
            return "" if value is None else f"{value:.2f}"

        def ratio(key: str) -> str:
            value = self.median(key)
            return "" if value is None or own is None else f"{own / value:.2f}"

        return [self.name, self.packs, "" if own is None else f"{own:.2f}",
                seconds("physical"), seconds("io"), seconds("python"),
                ratio("physical"), ratio("io"), ratio("python"),
                self.peak("xlperf"), self.peak("physical"), self.peak("io"),
                *self.cpu_cells()]


HEADER = ["run", "packs", "xlperf s", "physical s", "I/O s", "python s", "x physical",
          "x I/O", "x python", "xlperf MB", "physical MB", "I/O MB", "xlperf CPU s",
          "CPU x physical", "CPU x I/O", "CPU x python"]


def machine() -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        ram = f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GB"
    except (ValueError, OSError, AttributeError):
        ram = "?"
    return [f"CPU: {cpu}; cores: {os.cpu_count()}; RAM: {ram}",
            f"OS: {platform.platform()}; Python {platform.python_version()}"]


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"


def interleave(row: Row, commands: dict[str, list[str]], repeat: int) -> None:
    """Run every command of the row in turn, ``repeat`` times."""
    for _ in range(repeat):
        for key, command in commands.items():
            row.runs.setdefault(key, []).append(measure(command, expect=(0, 1)))


def count_packs(row: Row, label: str) -> None:
    totals = TOTALS.search(row.runs["xlperf"][-1].stdout)
    if totals:
        built, skipped, failed = map(int, totals.groups())
        row.packs = f"{built}" + (f" ({failed} failed)" if failed else "")
        row.name = label.format(quarters=built + skipped + failed)


def run_rows(work: Path, repeat: int, jobs: int, quick: bool, all_quarters: bool,
             on_row: object = None) -> list[Row]:
    force_count = 2 if quick else 43
    # as installed: bytecode compiled (pip compiles a wheel's modules when installing), and
    # xlperf's cache filled by a first, untimed run (xlperf.cache), as for an analyst's
    # second run
    ENV["XLPERF_CACHE_DIR"] = str(work / "cache")
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "xlperf")],
                   check=True, stdout=subprocess.DEVNULL)
    for warm in (["--help"], ["validate", str(DEMO)]):
        measure([*XLPERF, *warm], expect=(0, 1))
    forces = work / "forces"
    if not forces.exists():
        subprocess.run([sys.executable, str(ROOT / "scripts" / "make_forces.py"), str(forces),
                        "--count", str(force_count)], check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL)
    force_files = sorted(forces.glob("*.xlsx"))
    one_pack = work / "build" / "pack.xlsx"
    one_pack.parent.mkdir(parents=True, exist_ok=True)
    demo_range = ["--from", "Q3 2021-22", "--to", "Q4 2021-22"] if quick else []
    last = ["--from", "Q4 2021-22", "--to", "Q4 2021-22"]
    rows: list[Row] = []

    def done(row: Row) -> None:
        rows.append(row)
        if callable(on_row):
            on_row(row)

    help_row = Row("xlperf --help")
    interleave(help_row, {"xlperf": [*XLPERF, "--help"], "python": PYTHON}, repeat)
    done(help_row)
    validate = Row("validate demo")
    interleave(validate, {"xlperf": [*XLPERF, "validate", str(DEMO)], "python": PYTHON},
               repeat)
    done(validate)

    build = [*XLPERF, "build", str(DEMO), "-o", str(one_pack)]
    measure(build)  # untimed: the pack the floors are sized on
    parts = other_parts(one_pack, work / "floor" / "parts")
    builds: list[tuple[str, list[str], list[Path], Path | None, int]] = [
        ("build demo", build, [DEMO], None, 1),
        ("build-all demo, {quarters} quarters",
         [*XLPERF, "build-all", str(DEMO), "-o", str(work / "all-demo"), "-j", str(jobs),
          *demo_range], [DEMO], work / "all-demo", jobs),
        (f"build-all {force_count} forces x 1 quarter",
         [*XLPERF, "build-all", str(forces), "-o", str(work / "all-forces"), "-j", str(jobs),
          *last], force_files, work / "all-forces", jobs),
    ]
    if all_quarters:
        builds.append((f"build-all {force_count} forces x all quarters",
                       [*XLPERF, "build-all", str(forces), "-o", str(work / "all-quarters"),
                        "-j", str(jobs)], force_files, work / "all-quarters", jobs))
    for label, command, reads, folder, processes in builds:
        if folder is not None:
            measure(command, expect=(0, 1))  # untimed: the packs the floors are sized on
            packs = sorted(folder.glob("*.xlsx"))
        else:
            packs = [one_pack]
        name = re.sub(r"\W+", "-", label)
        row = Row(label, "1" if folder is None else "")
        times = 1 if "all quarters" in label else repeat
        interleave(row, {
            "xlperf": command,
            "physical": floor_command(work, name, "physical", reads, packs, processes, parts),
            "io": floor_command(work, name, "io", reads, packs, processes, None),
        }, times)
        count_packs(row, label)
        done(row)

    press = Row("warm press: Validate (Excel entry point)")
    result = measure([sys.executable, str(ROOT / "benchmarks" / "press.py"), str(DEMO),
                      str(max(repeat, 5))], expect=(0, 1, 2))
    try:
        press.press = float(json.loads(result.stdout)["median_seconds"])
        press.packs = ""
    except (ValueError, KeyError):
        press.name += f" (not measured: {result.stdout.strip()[:80]})"
    done(press)
    return rows


def profile(work: Path, repeat: int) -> list[str]:
    """Phases of one build of the demo, medians of ``repeat`` fresh processes."""
    runs = []
    starts = []
    totals = []
    for _ in range(repeat):
        result = measure([sys.executable, str(ROOT / "benchmarks" / "phases.py"), str(DEMO),
                          str(work / "build" / "phases.xlsx")])
        runs.append(json.loads(result.stdout))
        totals.append(result.seconds)
        starts.append(measure(PYTHON).seconds)
    total = statistics.median(totals)
    phases = {"start Python (python3 -c pass)": statistics.median(starts)}
    for key in runs[0]:
        phases[key] = statistics.median(r[key] for r in runs)
    lines = [f"phases of one `xlperf build` of the demo (medians of {repeat}); whole process "
             f"{total:.2f} s", "", "| phase | s | share |", "|---|---:|---:|"]
    for key, value in phases.items():
        lines.append(f"| {key} | {value:.3f} | {100 * value / total:.0f}% |")
    rest = total - sum(phases.values())
    lines.append(f"| rest (exit, unaccounted) | {rest:.3f} | {100 * rest / total:.0f}% |")
    return lines


def table(rows: list[Row]) -> list[str]:
    header = HEADER
    body = [r.cells() for r in rows]
    widths = [max(len(x[c]) for x in [header, *body]) for c in range(len(header))]

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.ljust(w) if i == 0 else c.rjust(w)
                                 for i, (c, w) in enumerate(zip(cells, widths, strict=True))) \
            + " |"

    rule = "|" + "|".join("-" * (w + 1) + ("-" if i == 0 else ":")
                          for i, w in enumerate(widths)) + "|"
    return [line(header), rule, *map(line, body)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per row (median)")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                        help="worker processes for build-all and its floors")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke test: one run, 2 demo quarters, 2 forces")
    parser.add_argument("--all-quarters", action="store_true",
                        help="add the forces over all their quarters (1,032 packs; one run)")
    parser.add_argument("--profile", action="store_true",
                        help="add where one build's time goes, phase by phase")
    parser.add_argument("--work", type=Path, help="folder for generated files")
    args = parser.parse_args(argv)
    repeat = 1 if args.quick else args.repeat
    with tempfile.TemporaryDirectory(prefix="xlperf-bench-") as temp:
        work = args.work or Path(temp)
        work.mkdir(parents=True, exist_ok=True)
        print("\n".join(machine()))
        print(f"load average (1, 5, 15 min) at start: {load()}", flush=True)
        rows = run_rows(work, repeat, args.jobs, args.quick, args.all_quarters,
                        lambda row: print(f"  measured: {' | '.join(row.cells())}",
                                          file=sys.stderr, flush=True))
        lines = profile(work, repeat) if args.profile else []
    print(f"load average at end: {load()}")
    print(f"medians of {repeat} interleaved run{'s' * (repeat != 1)}; build-all and its "
          f"floors with {args.jobs} process{'es' * (args.jobs != 1)}; x = xlperf / yardstick")
    print("CPU s: user + system seconds of the process and the workers it waited for "
          "(medians), which sharing the machine distorts least; CPU x: the same ratios in "
          "CPU seconds\n")
    print("\n".join(table(rows)))
    if lines:
        print()
        print("\n".join(lines))


if __name__ == "__main__":
    main()
