"""xlperf's benchmarks: one command that prints a table.

    python3 benchmarks/run.py [--repeat N] [--jobs N] [--quick] [--work DIR]

Each run is a fresh process (as an analyst runs it), timed from start to exit; peak memory is
the largest resident set of the process and the workers it waited for (os.wait4). Every run
has a floor, timed the same way (benchmarks/floor.py): only reading the same input with
python-calamine and only writing workbooks of the same size with openpyxl, with the same
number of processes. The ratio xlperf / floor compares across machines; the seconds do not.
Medians of --repeat runs. The 43 force workbooks are generated first (scripts/make_forces.py,
untimed) into --work (default: a temporary folder).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "xlperf" / "assets" / "demo-q4-2021-22.xlsx"
XLPERF = [sys.executable, "-m", "xlperf.cli"]
FLOOR = [sys.executable, str(ROOT / "benchmarks" / "floor.py")]
TOTALS = re.compile(r"(\d+) built, (\d+) skipped, (\d+) failed")


@dataclass
class Measured:
    seconds: float
    peak_mb: float | None
    stdout: str


def measure(command: list[str], expect: tuple[int, ...] = (0,)) -> Measured:
    """Wall time and peak memory of one process (and the workers it waited for)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
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
        else:  # pragma: no cover - Windows: no rusage
            code = process.wait()
            seconds, peak = time.perf_counter() - start, None
        out.seek(0)
        stdout = out.read().decode("utf-8", "replace")
    if code not in expect:
        raise SystemExit(f"{' '.join(command)} exited with {code}:\n{stdout}")
    return Measured(seconds, peak, stdout)


def cells_per_sheet(pack: Path) -> list[int]:
    """How many cells each worksheet of a written pack holds (for a floor of the same size)."""
    with zipfile.ZipFile(pack) as package:
        names = sorted((n for n in package.namelist()
                        if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)),
                       key=lambda n: int(re.sub(r"\D", "", n)))
        return [len(re.findall(rb"<c ", package.read(n))) for n in names]


def floor_command(work: Path, name: str, reads: list[Path], packs: list[Path],
                  jobs: int) -> list[str]:
    out = work / "floor" / name
    out.mkdir(parents=True, exist_ok=True)
    spec = {"reads": [str(p) for p in reads], "jobs": jobs,
            "writes": [{"path": str(out / p.name), "sheets": cells_per_sheet(p)}
                       for p in packs]}
    path = work / "floor" / f"{name}.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    return [*FLOOR, str(path)]


@dataclass
class Row:
    name: str
    packs: str
    xlperf: list[Measured]
    floor: list[Measured]

    def cells(self) -> list[str]:
        own = statistics.median(m.seconds for m in self.xlperf)
        base = statistics.median(m.seconds for m in self.floor)

        def peak(runs: list[Measured]) -> str:
            peaks = [m.peak_mb for m in runs if m.peak_mb is not None]
            return f"{max(peaks):.0f}" if peaks else "-"

        return [self.name, self.packs, f"{own:.2f}", f"{base:.2f}", f"{own / base:.1f}",
                peak(self.xlperf), peak(self.floor)]


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
    load = f"{os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "?"
    return [f"CPU: {cpu}; cores: {os.cpu_count()}; RAM: {ram}",
            f"OS: {platform.platform()}; Python {platform.python_version()}",
            f"load average at start: {load}"]


def run_rows(work: Path, repeat: int, jobs: int, quick: bool) -> list[Row]:
    force_count = 2 if quick else 43
    forces = work / "forces"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_forces.py"), str(forces),
                    "--count", str(force_count)], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    one_pack = work / "build" / "pack.xlsx"
    one_pack.parent.mkdir(parents=True, exist_ok=True)
    demo_out, forces_out = work / "all-demo", work / "all-forces"
    demo_range = ["--from", "Q3 2021-22", "--to", "Q4 2021-22"] if quick else []
    last = ["--from", "Q4 2021-22", "--to", "Q4 2021-22"]
    plans = [
        ("xlperf --help", [*XLPERF, "--help"], [sys.executable, "-c", "pass"], None),
        ("validate demo", [*XLPERF, "validate", str(DEMO)], None, ([DEMO], None)),
        ("build demo", [*XLPERF, "build", str(DEMO), "-o", str(one_pack)], None,
         ([DEMO], [one_pack])),
        ("build-all demo", [*XLPERF, "build-all", str(DEMO), "-o", str(demo_out), "-j",
                            str(jobs), *demo_range], None, ([DEMO], demo_out)),
        ("build-all forces", [*XLPERF, "build-all", str(forces), "-o", str(forces_out),
                              "-j", str(jobs), *last], None,
         (sorted(forces.glob("*.xlsx")), forces_out)),
    ]
    rows = []
    for name, command, plain_floor, io in plans:
        runs = [measure(command, expect=(0, 1)) for _ in range(repeat)]
        packs, label = "", name
        totals = TOTALS.search(runs[-1].stdout)
        if totals:
            built, skipped, failed = map(int, totals.groups())
            packs = f"{built}" + (f" ({failed} failed)" if failed else "")
            label = (f"build-all demo, {built + skipped + failed} quarters"
                     if name == "build-all demo" else
                     f"build-all {force_count} forces x 1 quarter")
        elif name == "build demo":
            packs = "1"
        if plain_floor is not None:
            floor_cmd = plain_floor
        else:
            reads, written = io
            if written is None:
                outputs = []
            elif isinstance(written, list):
                outputs = written
            else:
                outputs = sorted(written.glob("*.xlsx"))
            floor_cmd = floor_command(work, name.replace(" ", "-"), reads, outputs,
                                      jobs if name.startswith("build-all") else 1)
        floors = [measure(floor_cmd) for _ in range(repeat)]
        rows.append(Row(label, packs, runs, floors))
    return rows


def table(rows: list[Row]) -> list[str]:
    header = ["run", "packs", "xlperf s", "floor s", "ratio", "xlperf peak MB",
              "floor peak MB"]
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
                        help="worker processes for build-all and its floor")
    parser.add_argument("--quick", action="store_true",
                        help="a smoke test: one run, 2 demo quarters, 2 forces")
    parser.add_argument("--work", type=Path, help="folder for generated files")
    args = parser.parse_args(argv)
    repeat = 1 if args.quick else args.repeat
    with tempfile.TemporaryDirectory(prefix="xlperf-bench-") as temp:
        work = args.work or Path(temp)
        lines = machine()
        rows = run_rows(work, repeat, args.jobs, args.quick)
    print("\n".join(lines))
    print(f"median of {repeat} run{'s' * (repeat != 1)}; build-all and its floor with "
          f"{args.jobs} process{'es' * (args.jobs != 1)}\n")
    print("\n".join(table(rows)))


if __name__ == "__main__":
    main()
