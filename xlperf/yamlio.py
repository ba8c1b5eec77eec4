"""YAML for xlperf's data files: libyaml's C parser where PyYAML was built with it, and
each file parsed once per install rather than once per run.

The C loader (``yaml.CSafeLoader``) builds the same plain data as ``yaml.safe_load`` about
ten times faster; PyYAML wheels for the usual platforms include it, and where it is missing
the pure-Python safe loader is used. PyYAML is imported on first use, so commands that
read no data file (``xlperf --help``) never import it.

The data files only change with an install, so what a parse built is kept in xlperf's cache
(:mod:`xlperf.cache`) with ``marshal``, together with the exact text it came from: the next
run compares the text (not a hash of it) and loads the stored data without importing PyYAML.
The entry's key holds xlperf's version, the Python (marshal's format) and the size and time
of the PyYAML installed, so a different parser never hands back another's result; data that
``marshal`` cannot hold (dates, say) is simply not cached.
"""

from __future__ import annotations

import marshal
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from . import __version__, cache

T = TypeVar("T")


def loader() -> Any:
    """The safe loader class to use: C where available."""
    import yaml  # noqa: PLC0415 - only when a data file is read

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parse(text: str) -> Any:
    import yaml  # noqa: PLC0415 - as above

    return yaml.load(text, Loader=loader())  # a safe loader, C or Python


def load_yaml(text: str) -> Any:
    """Parse ``text`` as ``yaml.safe_load`` does (safe tags only); from the cache when this
    exact text was parsed before by the same PyYAML."""
    return cached("load", text, _parse)


_PYYAML: list[str] = []


def _pyyaml_stamp() -> str | None:
    """Size and time of the PyYAML that ``import yaml`` would find (None: not found)."""
    if not _PYYAML:
        found = next((os.path.join(folder, "yaml", "__init__.py") for folder in sys.path
                      if folder and os.path.isfile(os.path.join(folder, "yaml",
                                                                "__init__.py"))), None)
        _PYYAML.append(cache.stamp([found]) if found else "")
    return _PYYAML[0] or None


def cached(kind: str, text: str, parse: Callable[[str], T]) -> T:
    """``parse(text)``, or what it returned before for exactly this text and ``kind``."""
    pyyaml = _pyyaml_stamp()
    if pyyaml is None:
        return parse(text)
    import zlib  # noqa: PLC0415

    encoded = text.encode("utf-8", "surrogatepass")
    key = "\0".join(["xlperf-yaml 1", kind, repr(__version__), repr(sys.version), pyyaml])
    # the key's checksum is in the name too: two installs (two venvs, or a checkout and a
    # wheel) read the same text with different PyYAMLs and keep an entry each, rather than
    # overwriting each other's at every run
    checksum = zlib.crc32(key.encode("utf-8", "surrogateescape"))
    name = f"yaml-{kind}-{zlib.crc32(encoded):08x}-{len(encoded)}-{checksum:08x}.bin"
    body = cache.read(name, key)
    if body is not None:
        try:
            stored_text, result = marshal.loads(body)
        except (EOFError, ValueError, TypeError):
            stored_text = None
        if stored_text == text:
            return result  # type: ignore[no-any-return]
    result = parse(text)
    try:
        data = marshal.dumps((text, result))  # type: ignore[arg-type]
    except ValueError:  # something marshal cannot hold: parse each time
        return result
    cache.write(name, key, data)
    return result
