"""``xlperf validate PATH [--json]``: what it prints, and a way to run it without click.

:func:`report_lines` is the command's output, shared by the click command
(:func:`xlperf.cli.validate`) and by :func:`run_plain`, which :mod:`xlperf.start` uses for
the plain forms of the command (``validate PATH``, with or without ``--json``): importing
click and the command definitions costs about as much as starting Python, which is a large
part of a validation. The plain run takes only what click would take as it is, and prints
only what click would print the same way; anything else (other arguments, a path click
refuses, an error to word or log, output click would alter, a stream click would wrap, an
interrupted write it handles) is left to click, which then runs the command as usual:

- the arguments: ``validate``, one PATH not starting with ``-`` and an optional ``--json``
  in either order; PATH is what ``click.Path(dir_okay=False)`` accepts unchanged (missing,
  or an existing readable non-folder);
- the streams: text streams with an encoding other than ASCII (click re-wraps ASCII ones)
  on a platform other than Windows (click writes to a Windows console itself), and no shell
  completion asked for (``_..._COMPLETE`` variables);
- the output: no escape character (click strips colour codes when not writing to a
  terminal); each line written and flushed in turn, as ``click.echo`` does.

A validation that raises (an :class:`~xlperf.problems.XlperfError`, or a bug for
:mod:`xlperf.guard` to log) is handed to click, which runs it again and reports it as
usual: nothing was printed yet. An interrupt prints what click prints for one; a reader
that stops reading ends the run with exit 141, as :class:`xlperf.cli.Guarded` does.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .problems import Problems

#: Exit code when the reader of xlperf's output went away (128 + SIGPIPE, as a shell shows).
EXIT_BROKEN_PIPE = 141


def report_lines(problems: Problems, path: Path, as_json: bool) -> list[tuple[str, bool]]:
    """What ``xlperf validate`` prints, in order: (line, whether it goes to stderr)."""
    if as_json:
        return [(problems.to_json(), False)]
    lines = [(str(problem), problem.severity == "error") for problem in problems]
    errors, warnings = len(problems.errors), len(problems.warnings)
    summary = f"{path}: {errors} error{'s' * (errors != 1)}, " \
              f"{warnings} warning{'s' * (warnings != 1)}"
    lines.append((summary if errors else f"{summary}: valid", False))
    return lines


def exit_code(problems: Problems) -> int:
    """0 when the input is valid (warnings allowed), 1 when it has errors."""
    return 1 if problems.errors else 0


def plain_arguments(args: list[str]) -> tuple[str, bool] | None:
    """(PATH, whether ``--json``) when ``args`` are a plain validate command that click would
    take as it is (module doc); None for anything else."""
    if len(args) not in (2, 3) or args[0] != "validate":
        return None
    rest = args[1:]
    as_json = "--json" in rest
    paths = [arg for arg in rest if arg != "--json"]
    if len(paths) != 1 or len(rest) != 1 + as_json:
        return None
    path = paths[0]
    if not path or path.startswith("-"):
        return None
    try:
        info = os.stat(path)
    except OSError:
        return path, as_json  # missing: validate reports it (click.Path(exists=False))
    except ValueError:
        return None
    import stat  # noqa: PLC0415

    if stat.S_ISDIR(info.st_mode) or not os.access(path, os.R_OK):
        return None  # click refuses a folder and an unreadable file with its own message
    return path, as_json


def _plain_stream(stream: object) -> bool:
    """True when ``click.echo`` would write to ``stream`` as it is."""
    import codecs  # noqa: PLC0415

    encoding = getattr(stream, "encoding", None)
    if not encoding or getattr(stream, "errors", None) is None:
        return False
    try:
        return codecs.lookup(encoding).name != "ascii"
    except LookupError:
        return False


def _plain_environment() -> bool:
    return (sys.platform != "win32" and _plain_stream(sys.stdout) and _plain_stream(sys.stderr)
            and not any(name.startswith("_") and name.endswith("_COMPLETE")
                        for name in os.environ))


def quiet_stdout() -> None:
    """Point stdout at the null device, so that flushing it at exit does not fail again."""
    import contextlib  # noqa: PLC0415

    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def run_plain(path_arg: str, as_json: bool) -> int | None:
    """Validate ``path_arg`` and print the report as the click command does; the exit code,
    or None when click must run the command instead (module doc)."""
    if not _plain_environment():
        return None
    try:
        from .api import validate_workbook  # noqa: PLC0415

        path = Path(path_arg)
        try:
            problems = validate_workbook(path)
        except Exception:  # noqa: BLE001 - click words it or xlperf.guard logs it, when run again
            return None
        lines = report_lines(problems, path, as_json)
        if any("\x1b" in text for text, _ in lines):
            return None
        try:
            for text, to_stderr in lines:
                stream = sys.stderr if to_stderr else sys.stdout
                stream.write(text + "\n")
                stream.flush()
        except BrokenPipeError:
            quiet_stdout()
            return EXIT_BROKEN_PIPE
        except Exception as exc:  # noqa: BLE001 - as xlperf.cli.Guarded: logged, exit 2
            from .guard import EXIT_INTERNAL, report  # noqa: PLC0415

            sys.stderr.write(report(exc, " ".join(["xlperf", *sys.argv[1:]])) + "\n")
            sys.stderr.flush()
            return EXIT_INTERNAL
        return exit_code(problems)
    except KeyboardInterrupt:
        # as click's main does: a blank line closes the terminal's ^C echo, then "Aborted!"
        for text in ("\n", "Aborted!\n"):
            sys.stderr.write(text)
            sys.stderr.flush()
        return 1
