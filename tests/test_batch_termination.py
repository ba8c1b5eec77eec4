"""Feature: build-all always terminates, and a range outside the data is said plainly.

Each run is a subprocess with a timeout, so a hang fails the test instead of stopping the
suite (no timed assertion: the timeout is a guard far above the run's time)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from tiny_input import valid_rows, write_input

from xlperf.batch import SKIPPED, BatchReport, Outcome
from xlperf.periods import Quarter

GUARD_SECONDS = 300


def guarded_run(args: list[str]) -> subprocess.CompletedProcess[str]:
    """Run ``args`` in a session of its own; on a hang, kill it and its worker processes
    (which would otherwise outlive the test) and fail."""
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, start_new_session=True)
    try:
        out, err = process.communicate(timeout=GUARD_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"{args[:3]} did not return within {GUARD_SECONDS} s")
    return subprocess.CompletedProcess(args, process.returncode, out, err)


def xlperf(*args: str) -> subprocess.CompletedProcess[str]:
    return guarded_run([sys.executable, "-m", "xlperf.cli", *args])


@pytest.mark.slow
def test_build_all_over_a_range_with_no_data_returns_and_says_why(tmp_path: Path) -> None:
    source = write_input(tmp_path / "in.xlsx", valid_rows())
    done = xlperf("build-all", str(source), "-o", str(tmp_path / "packs"), "--from",
                  "Q1 1000-01", "--to", "Q4 1003-04", "--jobs", "2")
    assert done.returncode == 0, done.stderr
    assert "nothing from Q1 1000-01 to Q4 1003-04: the input covers Q1 2020-21 to " \
        "Q4 2021-22" in done.stdout
    assert "0 built, 1 skipped, 0 failed" in done.stdout
    assert "Traceback" not in done.stderr
    assert list((tmp_path / "packs").iterdir()) == []


FLOOD = """
import sys
from pathlib import Path
from xlperf import batch

def flood(task, notify):
    # far more progress events than a pipe holds, sent faster than they are read
    outcomes = [batch.Outcome(task.input, None, batch.SKIPPED, reason="x" * 200)
                for _ in range(20_000)]
    for outcome in outcomes:
        notify(("done", outcome))
    return batch.TaskResult(outcomes, None)

batch.run_task = flood
tasks = [batch.Task(Path(f"in{k}.xlsx"), 0, 1, None, None, Path("."), Path("t.xlsx"), Path("."))
         for k in range(3)]
seen = []
results = batch._run_pool(tasks, 2, seen.append)
print(len(seen), sum(len(r.outcomes) for r in results))
"""


@pytest.mark.slow
def test_the_pool_terminates_when_workers_send_more_than_a_pipe_holds() -> None:
    done = guarded_run([sys.executable, "-c", FLOOD])
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["60000", "60000"]


def test_a_long_run_of_skipped_quarters_is_one_summary_line(tmp_path: Path) -> None:
    first = Quarter.parse("Q1 1000-01")
    quarters = [first.previous(-k) for k in range(4 * 1017)]  # to Q4 2016-17
    outcomes = [Outcome(tmp_path / "in.xlsx", q, SKIPPED, "Kent",
                        reason="no crime figures before 2017-18") for q in quarters]
    report = BatchReport(outcomes, tmp_path, 1, 1.0, None, [tmp_path / "in.xlsx"])
    skipped = report.summary()[report.summary().index("Skipped:") + 1:-2]
    assert skipped == ["  in.xlsx  Q1 1000-01 to Q4 2016-17 (4,068 quarters)  "
                       "no crime figures before 2017-18"]
