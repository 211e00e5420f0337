"""``mineresearch data network``: rebuild (or check) the packaged network tables from the daily files."""

from __future__ import annotations

from pathlib import Path

import click
import numpy as np
import pandas as pd

from mineresearch.ingest.network_quarterly import aggregate, build_daily
from mineresearch.ingest.network_sources import NETWORK_SCHEMA, sources_table
from mineresearch.paths import PACKAGE_DATA_DIR, shared_dir

TABLE_FILE = "network_quarterly.csv"
SOURCES_FILE = "network_sources.csv"
RELATIVE_TOLERANCE = 1e-9


def network_tables(shared: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The quarterly network table (validated by ``NETWORK_SCHEMA``) and its sources table."""
    folder = shared / "btc_network" if (shared / "btc_network").is_dir() else shared
    daily = build_daily(folder)
    table = NETWORK_SCHEMA.validate(aggregate(daily, "Q"), lazy=True)
    return table, sources_table(daily, folder)


def write_tables(table: pd.DataFrame, sources: pd.DataFrame, output: Path) -> None:
    """Write both tables as CSV into ``output`` (dates ISO, floats at full precision)."""
    output.mkdir(parents=True, exist_ok=True)
    table.to_csv(output / TABLE_FILE, date_format="%Y-%m-%d", lineterminator="\n")
    sources.to_csv(output / SOURCES_FILE, index=False, lineterminator="\n")


def read_table(path: Path) -> pd.DataFrame:
    """Read a written network table back (period index, dates parsed)."""
    return pd.read_csv(path, index_col="period", parse_dates=["start", "end"])


def table_differences(new: pd.DataFrame, old: pd.DataFrame) -> list[str]:
    """Where two network tables differ (floats compared to a relative tolerance of 1e-9)."""
    if list(new.columns) != list(old.columns) or list(new.index) != list(old.index):
        return [f"periods or columns differ: {list(new.index)[:1]}..{list(new.index)[-1:]} vs "
                f"{list(old.index)[:1]}..{list(old.index)[-1:]}"]
    out = []
    for column in new.columns:
        a, b = new[column], old[column]
        if pd.api.types.is_numeric_dtype(a) and pd.api.types.is_numeric_dtype(b):
            same = np.isclose(a.astype(float), b.astype(float), rtol=RELATIVE_TOLERANCE, atol=0.0, equal_nan=True)
        else:
            same = (pd.to_datetime(a) == pd.to_datetime(b)).to_numpy()
        out += [f"{period} {column}: {a[period]!r} != {b[period]!r}" for period in new.index[~same]]
    return out


@click.command("network")
@click.option("--shared", type=click.Path(path_type=Path, file_okay=False, exists=True), default=None,
              help="Folder holding btc_network/ (default: the shared folder beside the repository).")
@click.option("--output", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Where to write the tables (default: the packaged data folder).")
@click.option("--check", is_flag=True,
              help="Compare with the tables in OUTPUT instead of writing; exit 1 on a difference.")
def network_command(shared: Path | None, output: Path | None, check: bool) -> None:
    """Rebuild network_quarterly.csv and network_sources.csv from the daily network files."""
    shared = shared or shared_dir()
    if shared is None:
        raise click.UsageError("no shared folder beside the repository; pass --shared PATH")
    output = output or PACKAGE_DATA_DIR
    table, sources = network_tables(shared)
    if not check:
        write_tables(table, sources, output)
        click.echo(f"wrote {len(table)} periods to {output / TABLE_FILE} and {output / SOURCES_FILE}")
        return
    problems = _check(table, sources, output)
    for line in problems:
        click.echo(line, err=True)
    if problems:
        raise SystemExit(1)
    click.echo(f"{TABLE_FILE} and {SOURCES_FILE} match the daily files")


def _check(table: pd.DataFrame, sources: pd.DataFrame, output: Path) -> list[str]:
    missing = [name for name in (TABLE_FILE, SOURCES_FILE) if not (output / name).is_file()]
    if missing:
        return [f"missing {name}" for name in missing]
    problems = table_differences(table, read_table(output / TABLE_FILE))
    old_sources = pd.read_csv(output / SOURCES_FILE, dtype=str, keep_default_na=False)
    if not old_sources.equals(sources.astype(str)):
        problems.append(f"{SOURCES_FILE} differs")
    return problems

