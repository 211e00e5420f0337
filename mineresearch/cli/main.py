"""Command line: ``mineresearch``. click and rich are imported here only.

Sub-command groups live in their own modules (``cli_data``, ``cli_reports``) and are attached here.
"""

from __future__ import annotations

import click

from mineresearch import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mineresearch")
def cli() -> None:
    """Quarterly research write-ups on public Bitcoin miners."""


def _attach() -> None:
    from mineresearch.cli.data import data

    cli.add_command(data)
    try:
        from mineresearch.cli.reports import register
    except ImportError:  # the report commands arrive with the pipeline
        return
    register(cli)


def main() -> None:
    """Entry point of the ``mineresearch`` command."""
    _attach()
    cli(prog_name="mineresearch")
