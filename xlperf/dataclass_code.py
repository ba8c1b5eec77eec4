"""The compiled code of the methods ``@dataclass`` generates for xlperf's classes, kept in
xlperf's cache (:mod:`xlperf.cache`) so that each process does not compile it again.

``@dataclass`` writes each class's ``__init__``, ``__repr__``, ``__eq__``, ``__hash__``,
``__setattr__``... as source text and compiles it (``exec``) when the class is created: for
xlperf's hundred classes that is some 500 compilations, about half the time of importing
xlperf. What a text compiles to depends only on the text and the Python, so the code
objects are kept with ``marshal``, each with the exact text it was compiled from, and the
next process executes the same code objects instead of compiling the same texts: the
classes, their methods and their behaviour are exactly those ``dataclasses`` makes.

:func:`install` gives the ``dataclasses`` module an ``exec`` of its own (a module-level name
shadowing the builtin, which is what ``dataclasses`` calls): a call with the text of a
generated method of an xlperf module is served from the cache, compiled with the same flags
(none) as ``dataclasses``' own call; every other call goes to the builtin ``exec``
unchanged. The cache is written at exit, only when a text was compiled.

This module has no ``from __future__`` import on purpose: ``exec`` of a text inherits its
caller's future flags, and ``dataclasses`` has none.
"""

import builtins
import marshal
import sys
from types import CodeType
from typing import Any

from . import cache

_NAME = "dataclass-code.bin"
_PREFIX = "def __create_fn__("
#: Entries kept from earlier runs, at most (others, no longer used, are dropped at a save).
_KEEP = 4000

_loaded: dict[str, CodeType] | None = None
_used: dict[str, CodeType] = {}
_compiled = [0]


def _key() -> str:
    return "\0".join(["xlperf-dataclass-code 1", repr(sys.version),
                      repr(sys.implementation.cache_tag)])


def _load() -> dict[str, CodeType]:
    global _loaded
    found: dict[str, CodeType] = {}
    body = cache.read(_NAME, _key())
    if body is not None:
        try:
            data = marshal.loads(body)
        except (EOFError, ValueError, TypeError):
            data = None
        if isinstance(data, dict):
            found = {text: code for text, code in data.items()
                     if isinstance(text, str) and isinstance(code, CodeType)}
    _loaded = found
    return found


def compiled(source: str) -> CodeType:
    """The code of a generated method's text: from the cache, or compiled now."""
    codes = _loaded if _loaded is not None else _load()
    code = codes.get(source)
    if code is None:
        code = compile(source, "<string>", "exec", dont_inherit=True)
        codes[source] = code
        if not _compiled[0]:
            import atexit  # noqa: PLC0415

            atexit.register(save)
        _compiled[0] += 1
    _used[source] = code
    return code


def _exec(source: Any, globals: Any = None, locals: Any = None, *args: Any,
          **kwargs: Any) -> None:
    if (type(source) is str and not args and not kwargs and source.startswith(_PREFIX)
            and type(globals) is dict
            and str(globals.get("__name__", "")).startswith("xlperf")):
        builtins.exec(compiled(source), globals, locals)
        return
    builtins.exec(source, globals, locals, *args, **kwargs)


def save() -> None:
    """Write this process's table (the texts used now, and those of earlier runs while
    there are not too many) to the cache."""
    if not _compiled[0]:
        return
    keep = dict(_loaded or {}) if len(_loaded or {}) <= _KEEP else {}
    keep.update(_used)
    try:
        body = marshal.dumps(keep)
    except ValueError:
        return
    cache.write(_NAME, _key(), body)


def install() -> None:
    """Serve the methods ``dataclasses`` generates for xlperf's classes from the cache (once
    per process; a no-op when caching is off)."""
    import dataclasses  # noqa: PLC0415

    if getattr(dataclasses, "exec", None) is not _exec and cache.cache_dir() is not None:
        setattr(dataclasses, "exec", _exec)  # noqa: B010 - a module global mypy cannot see
