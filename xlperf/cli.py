"""The xlperf command line: each command parses, makes one library call, and turns a
library error into a message and exit code 1 (never a traceback).

Heavy libraries (openpyxl, calamine) are imported inside the commands, so ``xlperf --help``
starts quickly.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__, gcpause
from .guard import EXIT_INTERNAL, expected, report
from .problems import XlperfError
from .validate_command import EXIT_BROKEN_PIPE, exit_code, quiet_stdout, report_lines


def _fail(exc: XlperfError) -> click.ClickException:
    return click.ClickException(str(exc))


#: Exit code of bad input or arguments (2 is an unexpected internal error: xlperf.guard).
EXIT_BAD_INPUT = 1


class BadArgument(click.UsageError):
    """A wrong argument: bad input, exit 1 (click's usage errors exit 2, which xlperf keeps
    for internal errors)."""

    exit_code = EXIT_BAD_INPUT


class Guarded(click.Group):
    """The command group with the last line of defence (:mod:`xlperf.guard`): an error
    xlperf reports, or a wrong argument, is exit 1; any other exception is one sentence on
    stderr, a log file with the traceback, and exit 2, never a traceback on screen."""

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: object) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as exc:
            raise BadArgument(exc.format_message(), exc.ctx) from None

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            raise BadArgument(exc.format_message(), exc.ctx) from None
        except (click.exceptions.ClickException, click.exceptions.Abort,
                click.exceptions.Exit):
            raise
        except XlperfError as exc:
            raise _fail(exc) from None
        except BrokenPipeError:
            # the reader stopped reading (`xlperf validate ... | head`): not an error of
            # xlperf's; end quietly, as a tool stopped by SIGPIPE does
            quiet_stdout()
            ctx.exit(EXIT_BROKEN_PIPE)
        except Exception as exc:
            if expected(exc):
                raise
            click.echo(report(exc, " ".join(["xlperf", *sys.argv[1:]])), err=True)
            ctx.exit(EXIT_INTERNAL)


def _quarter(value: str | None, hint: str = "--quarter"):  # type: ignore[no-untyped-def]
    if value is None:
        return None
    from .periods import Quarter  # noqa: PLC0415

    try:
        return Quarter.parse(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint=hint) from None


#: Options several commands share, defined once.
optional_input = click.argument("path", required=False,
                                type=click.Path(dir_okay=False, path_type=Path))
quarter_option = click.option("--quarter", "-q", help="Quarter such as 'Q4 2021-22' (default: "
                              "the latest quarter with complete data).")
template_option = click.option("--template", type=click.Path(dir_okay=False, path_type=Path),
                               help="Pack template (default: the template shipped in the package).")


@click.group(cls=Guarded, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xlperf")
def main() -> None:
    """Turn a quarterly performance workbook into the committee report pack."""


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def init(path: Path) -> None:
    """Write an empty quarterly performance workbook to PATH (never overwrites)."""
    from .api import init_workbook  # noqa: PLC0415

    try:
        init_workbook(path)
    except XlperfError as exc:
        raise _fail(exc) from None
    click.echo(f"Wrote {path}")


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
def validate(path: Path, as_json: bool) -> None:
    """Check a quarterly performance workbook and report every problem at once."""
    from .api import validate_workbook  # noqa: PLC0415

    problems = validate_workbook(path)
    for line, to_stderr in report_lines(problems, path, as_json):
        click.echo(line, err=to_stderr)
    sys.exit(exit_code(problems))


@main.command()
@click.argument("measure_id")
@optional_input
@quarter_option
def explain(measure_id: str, path: Path | None, quarter: str | None) -> None:
    """Explain in plain words how MEASURE_ID was graded (PATH: default the demo)."""
    from .api import demo_path, explain_measure  # noqa: PLC0415

    try:
        click.echo(explain_measure(path or demo_path(), measure_id, _quarter(quarter)))
    except XlperfError as exc:
        raise _fail(exc) from None


@main.command()
@click.argument("series_csv", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--improvement", type=click.Choice(["increase", "decrease", "neutral"]),
              default="increase", show_default=True, help="Which direction is better.")
@click.option("--rebase", multiple=True, metavar="PERIOD",
              help="Start new limits at PERIOD (a known change); repeatable.")
@click.option("--fix-after", type=int, metavar="N",
              help="Base each segment's limits on its first N points (N >= 12).")
@click.option("--target", type=float, help="A target, for the assurance type.")
@click.option("--no-screen-outliers", is_flag=True,
              help="Keep outlying moving ranges in the limits (as the Making Data Count "
              "Excel tools do).")
@click.option("--json", "as_json", is_flag=True, help="Print the chart as JSON.")
def spc(series_csv: Path, improvement: str, rebase: tuple[str, ...], fix_after: int | None,
        target: float | None, no_screen_outliers: bool, as_json: bool) -> None:
    """XmR chart of SERIES_CSV (columns period,value; blank value = missing): mean,
    process limits and the Making Data Count point types."""
    from .api import spc_csv  # noqa: PLC0415
    from .domain.spc import SpcOptions  # noqa: PLC0415
    from .spc_text import spc_json, spc_table  # noqa: PLC0415

    options = SpcOptions(improvement=improvement, rebase=rebase,  # type: ignore[arg-type]
                         fix_after_n_points=fix_after, screen_outliers=not no_screen_outliers,
                         target=target)
    try:
        result = spc_csv(series_csv, options)
    except XlperfError as exc:
        raise _fail(exc) from None
    for warning in result.warnings:
        click.echo(f"{series_csv}: warning: {warning}", err=True)
    click.echo(spc_json(result) if as_json else spc_table(result))


@main.command()
@optional_input
@quarter_option
@click.option("--json", "as_json", is_flag=True,
              help="Print the list as JSON (one object per row, the sheet's columns).")
def reconcile(path: Path | None, quarter: str | None, as_json: bool) -> None:
    """List every contradiction (PATH: the demo): published figures that differ from
    xlperf's, numbers in analyst text, grades that differ from their rule, tracker counts."""
    from .api import demo_path  # noqa: PLC0415
    from .api import reconcile as findings  # noqa: PLC0415

    try:
        rows = findings(path or demo_path(), _quarter(quarter))
    except XlperfError as exc:
        raise _fail(exc) from None
    if as_json:
        from .domain.reconcile import findings_json  # noqa: PLC0415

        click.echo(findings_json(rows))
        return
    if not rows:
        click.echo("No differences: every published figure and grade agrees with xlperf.")
        return
    click.echo("No.\tTopic\tItem\tPeriod\tPublished\txlperf\tIn the pack\tPrinted at\t"
               "Input cell\tRule or convention\tNote")
    for n, row in enumerate(rows, start=1):
        click.echo("\t".join([str(n), row.topic, row.item, row.period, row.published,
                              row.xlperf, row.in_pack or "not shown", row.printed_at,
                              row.input_cell, row.convention, row.note]))


@main.command()
@optional_input
@quarter_option
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Pack file to write (default: policing-plan-pack-qN-YYYY-YY.xlsx next to "
              "the input).")
@template_option
@click.option("--pdf", "pdf", is_flag=True, help="Also print the committee sheets to a PDF "
              "next to the pack (needs LibreOffice).")
def build(path: Path | None, quarter: str | None, output: Path | None,
          template: Path | None, pdf: bool) -> None:
    """Build the Policing Plan pack from PATH (default: the demo workbook)."""
    from .api import build_pack, demo_path  # noqa: PLC0415

    try:
        written, built = build_pack(path or demo_path(), _quarter(quarter), output, template,
                                    lambda problem: click.echo(str(problem), err=True))
    except XlperfError as exc:
        raise _fail(exc) from None
    click.echo(f"Wrote {written} ({built.label})")
    if pdf:
        from .writers.pdf import committee_pdf  # noqa: PLC0415

        try:
            printed = committee_pdf(written)
        except XlperfError as exc:
            raise _fail(exc) from None
        click.echo(f"Wrote {printed} (committee sheets)")


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def template(path: Path) -> None:
    """Write the pack template, generated from xlperf's layout files, to PATH."""
    from .api import write_template  # noqa: PLC0415

    try:
        write_template(path)
    except XlperfError as exc:
        raise _fail(exc) from None
    click.echo(f"Wrote {path}")


@main.command("build-all")
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--output", "-o", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the packs (created if missing); each file is named by force "
              "and quarter.")
@click.option("--from", "first", help="First quarter, e.g. 'Q1 2019-20' (default: the first "
              "quarter of each input's crime figures).")
@click.option("--to", "last", help="Last quarter, e.g. 'Q4 2021-22' (default: each input's "
              "reporting quarter).")
@click.option("--jobs", "-j", type=click.IntRange(min=1),
              help="Worker processes (default: 2, or 1 on a one-core machine).")
@template_option
def build_all(inputs: tuple[Path, ...], output: Path, first: str | None, last: str | None,
              jobs: int | None, template: Path | None) -> None:
    """Build the pack of every quarter in a range for every INPUT workbook, one per force
    (files or folders of .xlsx; default: the demo). Exit 1 if any pack failed."""
    from .api import build_all as run  # noqa: PLC0415
    from .api import demo_path  # noqa: PLC0415

    gcpause.collection_on()  # many packs in one process (and its workers): gcpause

    start, end = _quarter(first, "--from"), _quarter(last, "--to")
    with click.progressbar(length=0, label="Building packs", show_pos=True,
                           file=sys.stderr) as bar:

        def planned(count: int) -> None:
            bar.length = (bar.length or 0) + count

        try:
            report = run(list(inputs) or [demo_path()], output, start, end, jobs, template,
                         planned, lambda _outcome: bar.update(1))
        except XlperfError as exc:
            raise _fail(exc) from None
    for line in report.summary():
        click.echo(line)
    sys.exit(1 if report.failed else 0)


@main.command()
@optional_input
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Workbook to write (default: action-trackers-<input name>.xlsx next to the "
              "input).")
@template_option
def trackers(path: Path | None, output: Path | None, template: Path | None) -> None:
    """Write the action trackers (HMICFRS recommendations, partnership KPAs) on their own
    (PATH: default the demo workbook)."""
    from .api import build_trackers, demo_path  # noqa: PLC0415

    try:
        written = build_trackers(path or demo_path(), output, template)
    except XlperfError as exc:
        raise _fail(exc) from None
    click.echo(f"Wrote {written}")


@main.command()
@optional_input
@quarter_option
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Statement file to write (default: national-priorities-statement-qN-"
              "YYYY-YY.xlsx next to the input).")
@template_option
def statement(path: Path | None, quarter: str | None, output: Path | None,
              template: Path | None) -> None:
    """Write the national priorities for policing statement from PATH (default: the demo)."""
    from .api import build_statement, demo_path  # noqa: PLC0415

    try:
        written, built = build_statement(path or demo_path(), _quarter(quarter), output,
                                         template)
    except XlperfError as exc:
        raise _fail(exc) from None
    click.echo(f"Wrote {written} ({built.label})")


@main.command()
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The .xlsm file to write.")
@click.option("--demo", is_flag=True, help="Fill the input tables with the demo's rows.")
@click.option("--interpreter-win", help="Python the buttons run on Windows (default: "
              "%LOCALAPPDATA%\\xlperf\\venv\\Scripts\\pythonw.exe).")
@click.option("--interpreter-mac", help="Python the buttons run on macOS (default: "
              "$HOME/xlperf/venv/bin/python).")
def workbook(output: Path, demo: bool, interpreter_win: str | None,
             interpreter_mac: str | None) -> None:
    """Write the analyst workbook: input sheets, buttons, xlwings.conf and macros."""
    from .api import write_analyst_workbook  # noqa: PLC0415

    try:
        write_analyst_workbook(output, demo, interpreter_win, interpreter_mac)
    except XlperfError as exc:
        raise _fail(exc) from None
    click.echo(f"Wrote {output}")


@main.command()
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The .xlam file to write.")
def addin(output: Path) -> None:
    """Write the xlperf add-in: an "xlperf" ribbon tab acting on the active workbook
    ('xlperf excel install' puts it where Excel loads it)."""
    from .api import write_addin  # noqa: PLC0415

    try:
        write_addin(output)
    except XlperfError as exc:
        raise _fail(exc) from None
    click.echo(f"Wrote {output}")


@main.group()
def excel() -> None:
    """Install or remove the xlperf add-in in Excel on this PC (Windows, macOS)."""


dry_run_option = click.option("--dry-run", is_flag=True,
                              help="Show what would be done; change nothing.")


@excel.command()
@dry_run_option
@click.option("--python", "python", metavar="PATH",
              help="The Python that runs the add-in's buttons; it must have xlperf and its "
              "xlwings installed (default: this Python, the one running xlperf).")
def install(dry_run: bool, python: str | None) -> None:
    """Put the xlperf add-in in Excel's start-up folder and record which Python runs it.
    Never overwrites a file that is not xlperf's."""
    from .api import install_addin  # noqa: PLC0415

    try:
        lines = install_addin(dry_run, python)
    except XlperfError as exc:
        raise _fail(exc) from None
    _show_plan(lines, dry_run)
    if not dry_run:
        click.echo("Done. Restart Excel (on macOS quit it with Cmd-Q first): the xlperf tab "
                   "is on the ribbon.")


@excel.command()
@dry_run_option
def uninstall(dry_run: bool) -> None:
    """Remove the xlperf add-in and its settings (only files xlperf wrote)."""
    from .api import uninstall_addin  # noqa: PLC0415

    try:
        lines = uninstall_addin(dry_run)
    except XlperfError as exc:
        raise _fail(exc) from None
    _show_plan(lines, dry_run)


def _show_plan(lines: list[str], dry_run: bool) -> None:
    if dry_run:
        click.echo("Dry run, nothing changed. This would:")
    for line in lines:
        click.echo(f"- {line}" if not line.startswith("  ") else f"  {line}")


if __name__ == "__main__":  # pragma: no cover
    main()
