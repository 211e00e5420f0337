"""Report commands: ``report``, ``build`` and ``list``."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mineresearch.exceptions import MineResearchError

if TYPE_CHECKING:
    from mineresearch.run.jobs import ReportJob, ReportResult

FORMATS = ("html", "pdf")


def _formats(value: str) -> tuple[str, ...]:
    out = tuple(v.strip().lower() for v in value.split(",") if v.strip())
    bad = [v for v in out if v not in FORMATS]
    if bad:
        raise click.BadParameter(f"unknown format(s) {', '.join(bad)}; choose from html, pdf", param_hint="'--format'")
    if not out:
        raise click.BadParameter("give at least one format: html, pdf, or html,pdf", param_hint="'--format'")
    return out


def _check_interactive(formats: tuple[str, ...], interactive: bool) -> None:
    """``--interactive-charts`` is about the HTML page: refused when no HTML is asked for."""
    if interactive and "html" not in formats:
        raise click.BadParameter("interactive charts are drawn in the HTML page (the PDF's are always static): "
                                 "add html to --format or leave --interactive-charts out", param_hint="'--format'")


RESERVED_PARAMS = ("ticker", "period", "static_charts")
"""Parameters the command line sets itself; ``-p`` may not override them."""

_INTERACTIVE_HELP = ("Draw the HTML's charts with Vega, inlined once in the page (tooltips, no external URL); "
                     "the PDF still prints static charts. Default: static SVG.")


def _chosen_periods(on_file: list[str], periods: tuple[str, ...]) -> list[str]:
    """The quarters named on the command line, each checked: a label, and with figures on file."""
    from mineresearch.dataset.periods import is_label
    from mineresearch.exceptions import ParameterError

    chosen = []
    for given in periods:
        label = given.strip().upper()
        if not is_label(label):
            raise ParameterError(f"not a quarter: {given!r} (expected a label such as 2025Q2)")
        if label not in on_file:
            raise ParameterError(f"no figures on file for {label}; quarters on file: {', '.join(on_file)}")
        chosen.append(label)
    return list(dict.fromkeys(chosen))


def _only(value: str | None, known: list[str], chosen: list[str]) -> list[str] | None:
    """``--only`` entries (``TICKER`` or ``TICKER:PERIOD``), each naming a known company and a chosen quarter."""
    from mineresearch.exceptions import ParameterError

    if value is None:
        return None
    entries = [v.strip().upper() for v in value.split(",") if v.strip()]
    if not entries:
        raise ParameterError("--only names no company; give TICKER or TICKER:PERIOD, comma-separated")
    for entry in entries:
        ticker, _, period = entry.partition(":")
        if ticker not in known:
            raise ParameterError(f"--only: unknown ticker {ticker!r}; known: {', '.join(known)}")
        if period and period not in chosen:
            raise ParameterError(f"--only: {entry} names a quarter that is not being built ({', '.join(chosen)})")
    return entries


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
@click.option("--scenario", "scenario", default="", metavar="NAME",
              help="Name of the scenario (with -p); default: made from the parameters.")
@click.option("--interactive-charts", is_flag=True, help=_INTERACTIVE_HELP)
def report_cmd(ticker: str, period: str, fmt: str, params: tuple[str, ...], output: Path,
               data_path: str | None, engine: str | None, scenario: str, interactive_charts: bool) -> None:
    """Build one company-quarter report: TICKER PERIOD (e.g. CIFR 2025Q2).

    With parameters other than the defaults (-p) the report is a scenario: it is written to
    <output>/<PERIOD>/<TICKER>/scenarios/<name>/ and never replaces the published note. The manifest and
    the index list it under the company.
    """
    if engine is None:  # a cold report: its kernel starts (and warms up) first (mineresearch.run.kernel_prestart)
        from mineresearch.run.kernel_prestart import start_early

        start_early(str(Path(data_path).resolve()) if data_path else None)
    from mineresearch.exceptions import ParameterError
    from mineresearch.report.params import ReportParams, parse_cli_values, parse_params
    from mineresearch.run.jobs import ReportJob
    from mineresearch.run.output_lock import output_lock
    from mineresearch.run.runner import check_job, run_report

    try:
        given = parse_cli_values(list(params))
        reserved = [name for name in RESERVED_PARAMS if name in given]
        if reserved:
            raise ParameterError(f"-p {', '.join(reserved)}: set by the command itself (TICKER and PERIOD are its "
                                 "arguments; charts are static unless --interactive-charts is given)")
        values = {**given, "ticker": ticker, "period": period, "static_charts": not interactive_charts}
        folder = data_path or values.get("data_path")
        if folder:
            from mineresearch.dataset.load import load_dataset

            values["data_path"] = str(Path(str(folder)).resolve())
            load_dataset(values["data_path"])  # another folder is validated in full before anything runs
        formats = _formats(fmt)
        _check_interactive(formats, interactive_charts)
        job = ReportJob(parse_params(ReportParams, values), formats,  # type: ignore[arg-type]
                        scenario_name=scenario, interactive_charts=interactive_charts)
        check_job(job)  # an unknown ticker or quarter is refused before the reports folder is touched
        t0 = time.perf_counter()
        with output_lock(output):
            result = run_report(job, output, engine_name=engine)
            _record(job, result, output)
    except MineResearchError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    for kind, path in result.outputs.items():
        click.echo(f"{kind:5} {path}")
    click.echo(f"done in {time.perf_counter() - t0:.1f} s")


def _record(job: ReportJob, result: ReportResult, output: Path) -> None:
    """Enter one report in the manifest and rewrite the index (as a build does)."""
    from mineresearch.run.index_page import write_index
    from mineresearch.run.manifest import Manifest, job_hash, shared_inputs_hash

    data_path = job.params.data_path
    result.input_hash = job_hash(job, shared_inputs_hash(data_path))
    manifest = Manifest(output)
    manifest.record(result)
    manifest.save()
    write_index(output, manifest, data_path=data_path)


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
@click.option("--scenarios", "scenarios_file", type=click.Path(exists=True, dir_okay=False), default=None,
              help="YAML file of scenarios (see mineresearch.run.scenarios), built beside the published notes.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Run the reports on a Dask cluster: tcp://HOST:PORT, or 'local' for a LocalCluster "
                   "(needs pip install 'mineresearch[dask]').")
@click.option("--interactive-charts", is_flag=True, help=_INTERACTIVE_HELP)
def build_cmd(periods: tuple[str, ...], all_periods: bool, jobs: int | None, force: bool, fmt: str, output: Path,
              data_path: str | None, only: str | None, no_sector: bool, engine: str,
              scenarios_file: str | None, scheduler: str | None, interactive_charts: bool) -> None:
    """Build every company report of PERIODS, the sector reports and the index.

    The default quarter is the latest one, already ended, in which at least two thirds of the covered companies
    (any fact in the year to that quarter) have their statements on file (revenue and net income).

    One build at a time writes into an --output folder: a second one is refused, naming the first. Each
    report is recorded in OUTPUT/manifest.json as it ends, so an interrupted build keeps what it finished.
    """
    from mineresearch.cli.progress import BuildProgress
    from mineresearch.dataset.load import load_dataset
    from mineresearch.exceptions import ParameterError
    from mineresearch.run.build import build
    from mineresearch.run.output_lock import prepare_folder
    from mineresearch.run.scenarios import load_scenarios

    data_path = str(Path(data_path).resolve()) if data_path else None
    formats = _formats(fmt)
    _check_interactive(formats, interactive_charts)
    try:
        scenarios = load_scenarios(scenarios_file) if scenarios_file else []
        ds = load_dataset(data_path)
        if all_periods and periods:
            raise ParameterError("give quarters or --all, not both")
        chosen = ds.periods() if all_periods else _chosen_periods(ds.periods(), periods) or [ds.latest_period()]
        wanted = _only(only, list(ds.companies.index), chosen)
        if wanted and not any(t in wanted or f"{t}:{p}" in wanted for p in chosen for t in ds.tickers(p)):
            raise ParameterError(f"nothing to build: no company in --only {only} has figures for {', '.join(chosen)}")
        prepare_folder(output)  # a file in the way or a read-only disk: one line before any progress bar
        t0 = time.perf_counter()
        with BuildProgress() as ui:
            summary = build(chosen, output, formats=formats, jobs=jobs, force=force, data_path=data_path,
                            engine_name=None if engine == "nbclient" else engine, on_plan=ui.on_plan,
                            only=wanted, sector=not no_sector, scenarios=scenarios,
                            on_event=ui.on_event, on_result=ui.on_result, scheduler=scheduler,
                            interactive_charts=interactive_charts)
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

    from mineresearch.dataset.load import load_dataset

    ds = load_dataset(data_path)
    table = Table(title="Companies and quarters on file")
    for col in ("Ticker", "Company", "Quarters", "First", "Last"):
        table.add_column(col)
    for ticker in ds.companies.index:
        periods = ds.periods(ticker)
        table.add_row(ticker, str(ds.companies.loc[ticker, "name"]), str(len(periods)),
                      periods[0] if periods else "-", periods[-1] if periods else "-")
    Console().print(table)
    try:
        default = ds.latest_period()
    except ValueError as exc:
        default = f"none ({exc})"
    click.echo(f"latest quarter with data: {ds.periods()[-1] if ds.periods() else '-'}; default quarter of a build "
               f"(most covered companies with statements on file): {default}")


def register(cli: click.Group) -> None:
    """Attach the report commands to the main group."""
    cli.add_command(report_cmd)
    cli.add_command(build_cmd)
    cli.add_command(list_cmd)
