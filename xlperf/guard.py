"""The last line of defence: an exception xlperf did not expect becomes one plain sentence, a
log file holding the traceback, and exit code 2 (1 is bad input).

Every command of the command line runs inside :func:`guarded` (through
:class:`xlperf.cli.Guarded`), and the Excel entry points can use it too::

    from xlperf.guard import guarded

    def build_pack(book=None):
        with guarded(lambda sentence: alert(book, sentence)):
            ...

An error xlperf reports on purpose (:class:`~xlperf.problems.XlperfError`) is not caught
here: it already carries its message. Outputs are written through a temporary file and an
atomic rename, so a run stopped by an unexpected exception has written nothing.

The log is a plain text file in the user's log folder, never sent anywhere:
``$XDG_CACHE_HOME/xlperf/log`` (default ``~/.cache/xlperf/log``) on Linux,
``%LOCALAPPDATA%\\xlperf\\Logs`` on Windows, ``~/Library/Logs/xlperf`` on macOS.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from . import __version__
from .problems import XlperfError

#: Exit code of a run stopped by an unexpected error (1 is bad input, 0 success).
EXIT_INTERNAL = 2
#: Log files older than the newest ones are removed, so the folder never grows without bound.
KEEP_LOGS = 20


def log_dir() -> Path:
    """The folder for xlperf's log files on this platform (not created)."""
    home = Path.home()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(home / "AppData" / "Local")
        return Path(base) / "xlperf" / "Logs"
    if sys.platform == "darwin":
        return home / "Library" / "Logs" / "xlperf"
    cache = os.environ.get("XDG_CACHE_HOME") or ""
    base_dir = Path(cache) if cache and Path(cache).is_absolute() else home / ".cache"
    return base_dir / "xlperf" / "log"


def write_log(exc: BaseException, context: str = "") -> Path | None:
    """Write the traceback of ``exc`` to a new log file; its path, or None if it cannot be
    written (a read-only home must not turn one error into two)."""
    now = dt.datetime.now()
    lines = [
        f"xlperf {__version__} on Python {sys.version.split()[0]} ({sys.platform})",
        f"time: {now.isoformat(timespec='seconds')}",
        f"command: {context or ' '.join(sys.argv)}",
        "",
        *traceback.format_exception(type(exc), exc, exc.__traceback__),
    ]
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"xlperf-{now:%Y%m%d-%H%M%S}-{os.getpid()}.log"
        path.write_text("\n".join(line.rstrip("\n") for line in lines) + "\n",
                        encoding="utf-8")
        _prune(folder)
        return path
    except OSError:
        return None


def _prune(folder: Path) -> None:
    logs = sorted(folder.glob("xlperf-*.log"), key=lambda p: p.stat().st_mtime)
    for old in logs[:-KEEP_LOGS]:
        old.unlink(missing_ok=True)


def sentence(exc: BaseException, log: Path | None) -> str:
    """The one sentence shown to the user."""
    kind = type(exc).__name__
    where = f"the details are in {log}" if log else "no log file could be written"
    return (f"xlperf stopped on an unexpected internal error ({kind}) and wrote nothing; "
            f"{where} (please send that file with the input to whoever supports xlperf).")


def report(exc: BaseException, context: str = "") -> str:
    """Log ``exc`` and return the sentence to show."""
    return sentence(exc, write_log(exc, context))


def expected(exc: BaseException) -> bool:
    """Exceptions that are not bugs: xlperf's own errors, exits and interrupts."""
    return isinstance(exc, (XlperfError, SystemExit, KeyboardInterrupt, GeneratorExit))


@contextmanager
def guarded(show: Callable[[str], None], context: str = "") -> Iterator[None]:
    """Run the block; an unexpected exception is logged, ``show`` gets the sentence, and
    the block ends quietly (``XlperfError``, exits and interrupts pass through)."""
    try:
        yield
    except Exception as exc:
        if expected(exc):
            raise
        show(report(exc, context))
