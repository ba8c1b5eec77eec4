"""xlperf's own cache folder: results derived from files that only change with an install
(the command line's help text, the package's parsed YAML data), kept so that the next run
need not derive them again.

An entry is a file whose first line is its *key*: everything the result was derived from
(xlperf's version, the files' sizes and modification times or contents, ...). A reader
compares the whole key and uses the entry only when it is exactly the same, so a stale or
foreign entry is never used; a missing, unreadable or corrupt entry is simply a miss. Writes
go through a temporary file and an atomic rename; a folder that cannot be written (a
read-only home, a locked-down PC) means no cache, never an error.

The folder: ``$XLPERF_CACHE_DIR`` when set (empty: no cache at all), else
``$XDG_CACHE_HOME/xlperf`` (default ``~/.cache/xlperf``) on Linux,
``~/Library/Caches/xlperf`` on macOS, ``%LOCALAPPDATA%\\xlperf\\Cache`` on Windows.

This module imports nothing beyond ``os`` and ``sys``: ``xlperf --help`` reads its entry
before anything else is imported.
"""

from __future__ import annotations

import os
import sys


def cache_dir() -> str | None:
    """The cache folder on this platform (not created), or None when caching is off."""
    chosen = os.environ.get("XLPERF_CACHE_DIR")
    if chosen is not None:
        return chosen or None
    home = os.path.expanduser("~")
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.join(home, "AppData", "Local")
        return os.path.join(base, "xlperf", "Cache")
    if sys.platform == "darwin":
        return os.path.join(home, "Library", "Caches", "xlperf")
    cache = os.environ.get("XDG_CACHE_HOME") or ""
    base = cache if cache and os.path.isabs(cache) else os.path.join(home, ".cache")
    return os.path.join(base, "xlperf")


def stamp(paths: list[str]) -> str:
    """Size and modification time (ns) of each file, NUL-separated ('-' if missing)."""
    parts = []
    for path in paths:
        try:
            info = os.stat(path)
        except OSError:
            parts.append(f"{path}:-")
            continue
        parts.append(f"{path}:{info.st_size}:{info.st_mtime_ns}")
    return "\0".join(parts)


def _path(name: str) -> str | None:
    folder = cache_dir()
    return os.path.join(folder, name) if folder else None


def read(name: str, key: str) -> bytes | None:
    """The entry's body if the entry ``name`` exists and was written with exactly ``key``."""
    path = _path(name)
    if path is None or "\n" in key:
        return None
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    head, newline, body = data.partition(b"\n")
    if not newline or head != key.encode("utf-8", "surrogateescape"):
        return None
    return body


def write(name: str, key: str, body: bytes) -> None:
    """Store ``body`` under ``name`` with ``key``; any failure is silent (no cache)."""
    path = _path(name)
    if path is None or "\n" in key:
        return
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(temporary, "wb") as handle:
            handle.write(key.encode("utf-8", "surrogateescape") + b"\n" + body)
        os.replace(temporary, path)
    except OSError:
        import contextlib  # noqa: PLC0415 - only on this rare path

        with contextlib.suppress(OSError):
            os.unlink(temporary)
