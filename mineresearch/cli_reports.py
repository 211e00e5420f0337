"""Report commands: ``report``, ``build`` and ``list``."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from mineresearch.exceptions import MineResearchError

FORMATS = ("html", "pdf")


def _formats(value: str) -> tuple[str, ...]:
    out = tuple(v.strip().lower() for v in value.split(",") if v.strip())
    bad = [v for v in out if v not in FORMATS]
    if bad:
        raise click.BadParameter(f"unknown format(s) {', '.join(bad)}; choose from html, pdf")
    return out


@click.command("report")
@click.argument("ticker")
@click.argument("period")
@click.option("--format", "fmt", default="html,pdf", show_default=True, help="Comma-separated: html, pdf.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Report parameter, e.g. -p power_price_usd_per_mwh=45 -p btc_price_shocks_pct=-10,-30.")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=Path("reports"),
              show_default=True, help="Reports folder.")
@click.option("--data", "data_path", type=click.Path(exists=True, file_okay=False), default=None,
              help="Alternative dataset folder (companies.csv, facts.csv, network_quarterly.csv).")
@click.option("--engine", default=None, help="papermill engine (default papermill's; mineresearch_warm).")
def report_cmd(ticker: str, period: str, fmt: str, params: tuple[str, ...], output: Path,
               data_path: str | None, engine: str | None) -> None:
    """Build one company-quarter report: TICKER PERIOD (e.g. CIFR 2025Q2)."""
    if engine is None:  # a cold report: its kernel starts (and warms up) first (mineresearch.kernel_prestart)
        from mineresearch.kernel_prestart import start_early

        start_early(str(Path(data_path).resolve()) if data_path else None)
    from mineresearch.jobs import ReportJob
    from mineresearch.params import ReportParams, parse_cli_values, parse_params
    from mineresearch.runner import run_report

    try:
        values = {**parse_cli_values(list(params)), "ticker": ticker, "period": period, "static_charts": True}
        if data_path:
            from mineresearch.dataset import load_dataset

            values["data_path"] = str(Path(data_path).resolve())
            load_dataset(values["data_path"])  # another folder is validated in full before anything runs
        job = ReportJob(parse_params(ReportParams, values), _formats(fmt))  # type: ignore[arg-type]
        t0 = time.perf_counter()
        result = run_report(job, output, engine_name=engine)
    except MineResearchError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    for kind, path in result.outputs.items():
        click.echo(f"{kind:5} {path}")
    click.echo(f"done in {time.perf_counter() - t0:.1f} s")


@click.command("build")
@click.argument("periods", nargs=-1)
@click.option("--all", "all_periods", is_flag=True, help="Every quarter with figures on file.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None, help="Parallel workers [default: cores].")
@click.option("--force", is_flag=True, help="Rebuild even the reports whose inputs have not changed.")
@click.option("--format", "fmt", default="html,pdf", show_default=True, help="Comma-separated: html, pdf.")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=Path("reports"),
              show_default=True, help="Reports folder.")
@click.option("--data", "data_path", type=click.Path(exists=True, file_okay=False), default=None,
              help="Alternative dataset folder.")
@click.option("--only", default=None, metavar="TICKERS",
              help="Comma-separated TICKER or TICKER:PERIOD (default: all on file).")
@click.option("--no-sector", is_flag=True, help="Skip the sector report.")
@click.option("--engine", default="mineresearch_warm", show_default=True,
              help="papermill engine: mineresearch_warm (forked warm kernels) or papermill's nbclient.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Run the reports on a Dask cluster: tcp://HOST:PORT, or 'local' for a LocalCluster "
                   "(needs pip install 'mineresearch[dask]').")
def build_cmd(periods: tuple[str, ...], all_periods: bool, jobs: int | None, force: bool, fmt: str, output: Path,
              data_path: str | None, only: str | None, no_sector: bool, engine: str, scheduler: str | None) -> None:
    """Build every company report of PERIODS, the sector reports and the index.

    The default quarter is the latest one, already ended, in which at least two thirds of the covered companies
    (any fact in the year to that quarter) have their statements on file (revenue and net income).
    """
    from mineresearch.build import build
    from mineresearch.cli_progress import BuildProgress
    from mineresearch.dataset import load_dataset

    data_path = str(Path(data_path).resolve()) if data_path else None
    try:
        ds = load_dataset(data_path)
        chosen = ds.periods() if all_periods else [p.upper() for p in periods] or [ds.latest_period()]
        t0 = time.perf_counter()
        with BuildProgress() as ui:
            summary = build(chosen, output, formats=_formats(fmt), jobs=jobs, force=force, data_path=data_path,
                            engine_name=None if engine == "nbclient" else engine, on_plan=ui.on_plan,
                            only=only.split(",") if only else None, sector=not no_sector,
                            on_event=ui.on_event, on_result=ui.on_result, scheduler=scheduler)
        ui.print_summary(summary, time.perf_counter() - t0)
    except MineResearchError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if summary.failed:
        sys.exit(1)


@click.command("list")
@click.option("--data", "data_path", type=click.Path(exists=True, file_okay=False), default=None,
              help="Alternative dataset folder.")
def list_cmd(data_path: str | None) -> None:
    """Companies and the quarters on file for each."""
    from rich.console import Console
    from rich.table import Table

    from mineresearch.dataset import load_dataset

    ds = load_dataset(data_path)
    table = Table(title="Companies and quarters on file")
    for col in ("Ticker", "Company", "Quarters", "First", "Last"):
        table.add_column(col)
    for ticker in ds.companies.index:
        periods = ds.periods(ticker)
        table.add_row(ticker, str(ds.companies.loc[ticker, "name"]), str(len(periods)),
                      periods[0] if periods else "-", periods[-1] if periods else "-")
    Console().print(table)
    click.echo(f"latest quarter with data: {ds.periods()[-1] if ds.periods() else '-'}; default quarter of a build "
               f"(most covered companies with statements on file): {ds.latest_period()}")


def register(cli: click.Group) -> None:
    """Attach the report commands to the main group."""
    cli.add_command(report_cmd)
    cli.add_command(build_cmd)
    cli.add_command(list_cmd)
