"""The garbage collector's policy (xlperf.gcpause): off for a one-shot command, with no
pass at exit; on again for build-all and in its workers, whose memory must stay flat."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

#: run xlperf's entry point with the given arguments, then report the collector's state as
#: the process ends (this atexit hook is registered first, so it runs last)
PROBE = """
import atexit, gc, sys
from xlperf import start
atexit.register(lambda: print("gc-state", gc.isenabled(), gc.get_freeze_count() > 0,
                              file=sys.stderr))
sys.argv = ["xlperf", *sys.argv[1:]]
start.run()
"""


def _state(*args: str, cwd: Path) -> tuple[str, str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)
    lines = [line for line in done.stderr.splitlines() if line.startswith("gc-state")]
    assert len(lines) == 1, done.stderr
    _, enabled, frozen = lines[0].split()
    return enabled, frozen


def test_a_one_shot_command_runs_without_the_collector(demo: Path, tmp_path: Path) -> None:
    assert _state("validate", str(demo), cwd=tmp_path) == ("False", "True")
    out = tmp_path / "pack.xlsx"
    assert _state("build", str(demo), "-o", str(out), cwd=tmp_path) == ("False", "True")
    assert out.is_file()


@pytest.mark.slow
def test_build_all_turns_the_collector_back_on(demo: Path, tmp_path: Path) -> None:
    enabled, _ = _state("build-all", str(demo), "-o", str(tmp_path / "packs"),
                        "--from", "Q4 2021-22", "--to", "Q4 2021-22", "-j", "1",
                        cwd=tmp_path)
    assert enabled == "True"


def test_a_worker_turns_the_collector_back_on() -> None:
    probe = ("import gc, multiprocessing; gc.disable(); from xlperf import batch; "
             "batch._init_worker(multiprocessing.get_context().Queue()); print(gc.isenabled())")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.strip() == "True"
