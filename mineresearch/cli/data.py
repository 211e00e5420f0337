"""``mineresearch data``: validate the data, show its coverage, rebuild the facts, network commands."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich import box
from rich.console import Console
from rich.table import Table

from mineresearch.paths import PACKAGE_DATA_DIR, shared_dir

if TYPE_CHECKING:
    import pandas as pd

FIGURES_FILE = "company_quarter_figures.csv"


def _network_command() -> click.Command | None:
    """The ``network`` command group of ``mineresearch.cli.network`` when that module exists."""
    try:
        from mineresearch.cli.network import network_command
    except ImportError:  # the network commands are optional
        return None
    return network_command  # type: ignore[no-any-return]


class _DataGroup(click.Group):
    """The ``data`` group; attaches ``network`` lazily so importing this module loads nothing else."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = super().list_commands(ctx)
        return sorted([*names, "network"]) if _network_command() is not None else names

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name == "network":
            return _network_command()
        return super().get_command(ctx, cmd_name)


@click.group(cls=_DataGroup, context_settings={"help_option_names": ["-h", "--help"]})
def data() -> None:
    """Check, inspect and rebuild the shipped company and network data."""


@data.command("validate")
@click.argument("path", required=False, type=click.Path(file_okay=False, path_type=Path))
def validate_command(path: Path | None) -> None:
    """Validate a data folder (default: the packaged data).

    PATH holds companies.csv, facts.csv and optionally network_quarterly.csv. Every problem is printed
    with its file, row and column; rows are line numbers in the file (the header is line 1). Exits 1
    when anything is wrong.
    """
    from mineresearch.dataset.validate import validate_folder
    from mineresearch.exceptions import DataValidationError

    folder = path or PACKAGE_DATA_DIR
    try:
        tables = validate_folder(folder)
    except DataValidationError as exc:
        click.echo(f"{len(exc.problems)} problem(s) in {folder} (row = line in the file, header = line 1):")
        for problem in exc.problems:
            click.echo(f"  - {problem}")
        raise SystemExit(1) from None
    click.echo(
        f"OK: {len(tables.companies)} companies, {len(tables.facts)} facts "
        f"({tables.facts['ticker'].nunique()} companies, {tables.facts['period'].nunique()} quarters), "
        f"{len(tables.network)} network quarters in {folder}"
    )


@data.command("coverage")
@click.option("--period", "period", default=None, help="One quarter (e.g. 2025Q2): sections per company.")
@click.option("--path", "path", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="Data folder (default: the packaged data).")
def coverage_command(period: str | None, path: Path | None) -> None:
    """Company x quarter table of the facts on file and the report sections they support."""
    from mineresearch.analysis.coverage import SECTIONS, coverage_table
    from mineresearch.dataset.load import load_dataset

    table = coverage_table(load_dataset(path), period)
    console = Console()
    if not console.is_terminal:  # piped output: wide enough for ten quarters
        console = Console(width=140)
    if table.empty:
        click.echo(f"error: no facts for {period}" if period else "error: no facts", err=True)
        raise SystemExit(1)
    if period is None:
        console.print(_matrix(table, len(SECTIONS)))
    else:
        console.print(_sections(table, period, SECTIONS))


def _matrix(table: pd.DataFrame, n_sections: int) -> Table:
    frame = table.copy()
    frame["supported"] = frame[list(_section_names())].sum(axis=1)
    grid = Table(title=f"metrics on file / sections supported (of {n_sections})", box=box.SIMPLE_HEAD,
                 padding=(0, 1), pad_edge=False)
    grid.add_column("ticker")
    quarters = sorted(frame["period"].unique())
    for quarter in quarters:
        grid.add_column(quarter, justify="right")
    for ticker, rows in frame.groupby("ticker"):
        cells = {r.period: f"{r.metrics}/{r.supported}" for r in rows.itertuples()}
        grid.add_row(str(ticker), *(cells.get(q, "") for q in quarters))
    return grid


def _sections(frame: pd.DataFrame, period: str, sections: tuple[str, ...]) -> Table:
    grid = Table(title=f"report sections the data supports, {period}", box=box.SIMPLE_HEAD,
                 padding=(0, 1), pad_edge=False)
    grid.add_column("section")
    for ticker in frame["ticker"]:
        grid.add_column(str(ticker), justify="center")
    grid.add_row("metrics on file", *(str(n) for n in frame["metrics"]))
    for section in sections:
        grid.add_row(section, *("yes" if flag else "-" for flag in frame[section]))
    return grid


def _section_names() -> tuple[str, ...]:
    from mineresearch.analysis.coverage import SECTIONS

    return SECTIONS


@data.command("facts")
@click.option("--shared", "shared", default=None, type=click.Path(exists=True, path_type=Path),
              help="The shared folder (holding data/company_quarter_figures.csv) or that CSV itself.")
@click.option("--out", "out", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write facts.csv (default: the packaged data folder).")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when the file on disk differs.")
def facts_command(shared: Path | None, out: Path | None, check: bool) -> None:
    """Rebuild facts.csv from the shared company figures and report the rows left out."""
    from mineresearch.ingest.figures import build, facts_csv_text

    source = _figures_csv(shared)
    result = build(source)
    target = out or PACKAGE_DATA_DIR / "facts.csv"
    text = facts_csv_text(result.facts)
    click.echo(f"{len(result.facts)} facts from {source}; {len(result.dropped)} rows left out:")
    for reason, count in result.dropped_counts().items():
        click.echo(f"  {count:4d}  {reason}")
    if check:
        same = target.is_file() and target.read_text(encoding="utf-8") == text
        click.echo(f"{target} is {'up to date' if same else 'out of date'}")
        raise SystemExit(0 if same else 1)
    target.write_text(text, encoding="utf-8")
    click.echo(f"wrote {target}")


def _figures_csv(shared: Path | None) -> Path:
    base = shared or shared_dir()
    if base is None:
        raise click.UsageError("no shared folder beside the repository; pass --shared PATH")
    source = base if base.is_file() else base / "data" / FIGURES_FILE
    if not source.is_file():
        raise click.UsageError(f"{source} not found")
    return source



def _default_cache() -> Path:
    import os

    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mineresearch" / "sec"


@data.command("sec")
@click.argument("tickers", nargs=-1)
@click.option("--user-agent", "user_agent", envvar="MINERESEARCH_SEC_USER_AGENT", default=None,
              help='Who is asking, with a contact address: "Name email@example.com" (required by the SEC; '
                   "or MINERESEARCH_SEC_USER_AGENT).")
@click.option("--into", "into", default=Path("mineresearch-data"), show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Dataset folder to write.")
@click.option("--base-url", "base_url", envvar="MINERESEARCH_SEC_BASE_URL", default="https://data.sec.gov",
              show_default=True, help="The SEC API, a mirror or a proxy (or MINERESEARCH_SEC_BASE_URL).")
@click.option("--cache", "cache", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="Response cache, revalidated on every run (default: ~/.cache/mineresearch/sec).")
@click.option("--timeout", "timeout", default=30.0, show_default=True, type=float, help="Seconds per request.")
@click.option("--retries", "retries", default=4, show_default=True, type=click.IntRange(0, 10),
              help="Further attempts after a 429, a 5xx or a failed connection (with backoff).")
def sec_command(tickers: tuple[str, ...], user_agent: str | None, into: Path, base_url: str,
                cache: Path | None, timeout: float, retries: int) -> None:
    """Fetch SEC company facts and write a complete dataset folder that reports read with --data.

    TICKERS default to every company in companies.csv with a CIK. Each company's quarterly statements
    come from its XBRL filings, each figure citing its filing; the shipped companies, network and
    curated facts are included, and the folder is validated before it is moved into place.
    """
    from mineresearch.dataset.validate import read_text_csv
    from mineresearch.ingest.figures import fiscal_year_ends
    from mineresearch.ingest.sec_client import SecClient, SecFetchError, SecNotFound, check_user_agent
    from mineresearch.ingest.sec_dataset import DatasetError, ciks, fetch_company, write_dataset
    from mineresearch.ingest.sec_tags import load_tags

    def fail(message: str) -> None:
        click.echo(f"error: {message}", err=True)
        raise SystemExit(1)

    try:
        agent = check_user_agent(user_agent)
        wanted = ciks(read_text_csv(PACKAGE_DATA_DIR / "companies.csv"), tickers)
    except (ValueError, DatasetError) as exc:
        fail(str(exc))
    client = SecClient(agent, base_url, cache or _default_cache(), timeout=timeout, retries=retries)
    tags, fy_ends, results = load_tags(), fiscal_year_ends(), []
    try:
        for i, (ticker, cik) in enumerate(wanted.items(), start=1):
            before = client.stats.downloaded
            try:
                result = fetch_company(client, ticker, cik, tags, fy_ends.get(ticker, 12))
            except SecNotFound:
                click.echo(f"[{i}/{len(wanted)}] {ticker} CIK {cik}: no XBRL company facts at the SEC "
                           "(HTTP 404); left out")
                continue
            facts = result.facts.facts
            state = "downloaded" if client.stats.downloaded > before else "unchanged (cached)"
            click.echo(f"[{i}/{len(wanted)}] {ticker} CIK {cik}: {state}; {len(facts)} quarterly facts, "
                       f"{int((facts['derived_from'] != '').sum())} derived, "
                       f"{len(result.facts.superseded)} superseded")
            if result.unmapped:
                click.echo(f"    unmapped extension tags (add rows to sec_tags.csv to use them): "
                           f"{', '.join(result.unmapped[:8])}{' ...' if len(result.unmapped) > 8 else ''}")
            results.append(result)
        if not results:
            raise DatasetError("no company facts were fetched")
        target = write_dataset(into, results, client.base_url)
    except (SecFetchError, DatasetError) as exc:
        fail(f"{exc}; no dataset written")
    stats = client.stats
    click.echo(f"wrote {target}: {sum(len(r.facts.facts) for r in results)} SEC facts from {len(results)} "
               f"companies ({stats.requests} requests, {stats.downloaded} downloaded, "
               f"{stats.not_modified} unchanged, {stats.retries} retries)")
