"""Command line: ``mineresearch``. click and rich are imported here only.

Sub-command groups live in their own modules (``cli_data``, ``cli_reports``) and are attached here.

Every user error ends in one line on standard error (``error: ...``) and exit status 1, without a
traceback: bad data, bad parameters, a reports folder that cannot be written or is busy, a full disk.
``mineresearch --debug ...`` shows the traceback instead.
"""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any

import click

from mineresearch import __version__

DEBUG_ENV = "MINERESEARCH_DEBUG"


def debugging() -> bool:
    """Whether ``--debug`` (or ``MINERESEARCH_DEBUG=1``) asked for tracebacks."""
    return os.environ.get(DEBUG_ENV, "") not in ("", "0")


def user_error_message(exc: BaseException) -> str | None:
    """The one line a user error is reported with, or None for a bug (which deserves its traceback)."""
    from mineresearch.exceptions import MineResearchError

    if isinstance(exc, MineResearchError):
        return str(exc)
    if isinstance(exc, OSError):
        from mineresearch.run.output_lock import describe_os_error

        return describe_os_error(exc)
    return None


class _Cli(click.Group):
    """The main group: turns user errors raised anywhere below it into one line and exit status 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:
            if debugging():
                raise
            message = user_error_message(exc)
            if message is None:
                message = (f"internal error: {type(exc).__name__}: {exc} (run `mineresearch --debug ...` for the "
                           "traceback, and please report it)")
            click.echo(f"error: {message}", err=True)
            sys.exit(1)


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mineresearch")
@click.option("--debug", is_flag=True, help="Show the full traceback of an error instead of its one-line message.")
def cli(debug: bool) -> None:
    """Quarterly research write-ups on public Bitcoin miners."""
    if debug:
        os.environ[DEBUG_ENV] = "1"


def _attach() -> None:
    from mineresearch.cli.data import data

    cli.add_command(data)
    try:
        from mineresearch.cli.reports import register
    except ImportError:  # the report commands arrive with the pipeline
        return
    register(cli)


FAST_EXIT_ENV = "MINERESEARCH_FAST_EXIT"


def main() -> None:
    """Entry point of the ``mineresearch`` command.

    When the command is done, the exit handlers run, the output is flushed and the process ends without the
    interpreter's teardown of every module it imported (a quarter of a second after a report, for nothing:
    every file is written and closed, every child process stopped by then). ``MINERESEARCH_FAST_EXIT=0``
    keeps the ordinary exit.
    """
    _attach()
    try:
        cli(prog_name="mineresearch")
    except SystemExit as exc:
        if os.environ.get(FAST_EXIT_ENV, "1") == "0":
            raise
        _exit_now(exc.code)


def _exit_now(code: object) -> None:
    """End the process as ``sys.exit(code)`` would, minus the module teardown."""
    import atexit

    status = code if isinstance(code, int) else (0 if code is None else 1)
    if not isinstance(code, int) and code is not None:
        print(code, file=sys.stderr)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(status)
