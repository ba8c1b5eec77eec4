"""The ``xlperf`` command's entry point (and ``python -m xlperf``).

Every command goes to click (:mod:`xlperf.cli`), with one shortcut: ``xlperf --help`` (or
``-h``) prints the help text click printed last time for the same inputs, from xlperf's
cache (:mod:`xlperf.cache`), without importing click or the command definitions, which
costs more than starting Python. Nothing of the help text is written here: the entry is
click's own output, captured the first time (or after any change) and stored with a key
made of everything it depends on:

- the Python, xlperf's version and ``sys.path``;
- the arguments, how the program was called (``sys.argv[0]``, ``__main__``'s package:
  click names the program from them) and the terminal's width (``COLUMNS``, its columns);
- the language settings (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``);
- the size and modification time of every module file loaded while click made the text
  (click, xlperf.cli and what they import), checked again at each use.

Any difference, or no usable cache folder, and click prints the help as usual.
"""

from __future__ import annotations

import os
import sys

from . import __version__, cache, gcpause

HELP_ARGS = (["--help"], ["-h"])
_LANGUAGE = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def run() -> None:
    """Run the command line: ``sys.argv`` -> click, or the help text from the cache."""
    gcpause.one_shot()
    args = sys.argv[1:]
    if args in HELP_ARGS:
        key = help_key(args)
        name = help_entry(key)
        text = cached_help(name, key)
        if text is not None:
            sys.stdout.write(text)
            sys.stdout.flush()
            raise SystemExit(0)
        raise SystemExit(_help_and_store(args, name, key))
    if args[:1] == ["validate"]:
        from .validate_command import plain_arguments, run_plain  # noqa: PLC0415

        plain = plain_arguments(args)
        code = run_plain(*plain) if plain is not None else None
        if code is not None:
            raise SystemExit(code)
    from .cli import main  # noqa: PLC0415

    main()


def _columns() -> str:
    """The inputs of ``shutil.get_terminal_size().columns``, which click's help reads."""
    try:
        columns = str(os.get_terminal_size(sys.__stdout__.fileno()).columns)  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        columns = "-"
    return f"{os.environ.get('COLUMNS')!r}/{columns}"


def help_key(args: list[str]) -> str:
    """Everything click's help text depends on, but the module files (see module doc)."""
    main = sys.modules.get("__main__")
    called = f"{sys.argv[0]!r}/{getattr(main, '__package__', None)!r}/{os.name}"
    language = "/".join(repr(os.environ.get(name)) for name in _LANGUAGE)
    return "\0".join(["xlperf-help 1", repr(args), repr(__version__), repr(sys.version),
                      repr(sys.executable), repr(sys.path), called, _columns(), language])


def help_entry(key: str) -> str:
    """The cache file of this key (the whole key is checked inside it)."""
    import zlib  # noqa: PLC0415

    return f"help-{zlib.crc32(key.encode('utf-8', 'surrogateescape')):08x}.txt"


def cached_help(name: str, key: str) -> str | None:
    """The help text stored under ``key``, if every module file it came from is unchanged."""
    body = cache.read(name, key)
    if body is None:
        return None
    stamps, newline, text = body.partition(b"\n")
    if not newline:
        return None
    recorded = stamps.decode("utf-8", "surrogateescape")
    paths = [part.rsplit(":", 2)[0] for part in recorded.split("\0")]
    if cache.stamp(paths) != recorded:
        return None
    return text.decode("utf-8")


def _help_and_store(args: list[str], name: str, key: str) -> int:
    """Let click print the help, and keep what it printed for next time."""
    import io  # noqa: PLC0415

    from .cli import main  # noqa: PLC0415

    real, captured = sys.stdout, io.StringIO()
    sys.stdout = captured
    try:
        code = main(args, standalone_mode=False)
    finally:
        sys.stdout = real
    text = captured.getvalue()
    real.write(text)
    real.flush()
    if code in (0, None) and text:
        files = sorted({os.path.abspath(path) for module in list(sys.modules.values())
                        if isinstance(path := getattr(module, "__file__", None), str)})
        cache.write(name, key, cache.stamp(files).encode("utf-8", "surrogateescape") + b"\n"
                    + text.encode("utf-8"))
    return int(code or 0)
