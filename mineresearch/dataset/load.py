"""The dataset a report reads: companies, every sourced fact, and the quarterly network table.

``load_dataset()`` reads the packaged ``mineresearch/data`` folder (or another folder holding the same
files), validates it, and returns a ``Dataset`` (cached while the folder's files are unchanged); a ``Dataset``
keeps its own derived tables once computed. Which value a metric takes when sources disagree, and how
line items add up, is documented in ``selection.py``.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from mineresearch.dataset import select as selection
from mineresearch.paths import PACKAGE_DATA_DIR

CHOSEN_COLUMNS: list[str] = ["metric", "line_item", "value", "unit", "source_url", "source_type"]
HEADLINE_METRICS: tuple[str, ...] = ("revenue_total", "net_income")
STATEMENT_REVENUE_METRICS: tuple[str, ...] = ("revenue_total", "revenue_mining")  # either one
STATEMENT_INCOME_METRIC = "net_income"
STATEMENT_MIN_METRICS = 8
"""A quarter with fewer metrics on file for a company than this gives a note that is mostly blank."""
DEFAULT_PERIOD_MIN_SHARE = 2 / 3  # "most" companies: at least two thirds of those covered


class Dataset:
    """Validated tables and the chosen values derived from them.

    Attributes:
        companies: indexed by ticker: ``name, cik, cik_source, fiscal_year_end, notes``.
        facts: every fact row (``value`` float, ``restated`` bool).
        network: quarterly network table indexed by period label (empty when not shipped).
    """

    DERIVED: tuple[str, ...] = ("_chosen", "_values", "_conflicts")
    """The derived tables kept in the disk cache beside the validated ones (all three depend on ``facts`` only)."""

    def __init__(self, companies: pd.DataFrame, facts: pd.DataFrame, network: pd.DataFrame) -> None:
        self.companies = companies
        self.facts = facts
        self.network = network
        self.content_key: str | None = None  # the disk cache's key of the files it was read from (load_dataset)

    def derived(self) -> dict[str, pd.DataFrame]:
        """The tables of :attr:`DERIVED`, computed now if they were not yet."""
        return {name: getattr(self, name) for name in self.DERIVED}

    def adopt(self, derived: dict[str, pd.DataFrame]) -> None:
        """Take derived tables computed earlier from the same facts (from the disk cache) instead of computing them."""
        for name in self.DERIVED:
            if isinstance(derived.get(name), pd.DataFrame):
                self.__dict__[name] = derived[name]  # where functools.cached_property keeps its value

    @cached_property
    def _chosen(self) -> pd.DataFrame:
        return selection.chosen(self.facts)

    @cached_property
    def _values(self) -> pd.DataFrame:
        return selection.quarter_values(self._chosen)

    def company_quarters(self, ticker: str) -> pd.DataFrame:
        """Wide table of one company: index = sorted periods, columns = vocabulary metrics.

        Values are the chosen ones, line items summed; NaN where not disclosed.

        Raises:
            KeyError: the ticker is not in ``companies``.
        """
        self._known(ticker)
        return selection.wide(self._values, ticker)

    def sources(self, ticker: str, period: str) -> pd.DataFrame:
        """The chosen rows of a company-quarter: ``metric, line_item, value, unit, source_url, source_type``."""
        self._known(ticker)
        rows = self._chosen[(self._chosen["ticker"] == ticker) & (self._chosen["period"] == period)]
        return rows[CHOSEN_COLUMNS].sort_values(["metric", "line_item"]).reset_index(drop=True)

    def chosen_rows(self, ticker: str) -> pd.DataFrame:
        """Every chosen row of a company: ``period, metric, line_item, value, scope`` (lines kept apart)."""
        self._known(ticker)
        rows = self._chosen[self._chosen["ticker"] == ticker]
        scope = rows["scope"] if "scope" in rows.columns else pd.Series("", index=rows.index)
        out = rows[["period", "metric", "line_item", "value"]].assign(scope=scope.fillna(""))
        return out.reset_index(drop=True)

    def conflicts(self) -> pd.DataFrame:
        """Disagreements between sources beyond rounding, with both sources and the chosen one."""
        return self._conflicts.copy()

    @cached_property
    def _conflicts(self) -> pd.DataFrame:
        return selection.conflicts(self.facts)

    def periods(self, ticker: str | None = None) -> list[str]:
        """Sorted period labels with at least one fact (for one company when ``ticker`` is given)."""
        rows = self.facts if ticker is None else self.facts[self.facts["ticker"] == ticker]
        return sorted(rows["period"].unique())

    def tickers(self, period: str | None = None) -> list[str]:
        """Sorted tickers with at least one fact (in one period when ``period`` is given)."""
        rows = self.facts if period is None else self.facts[self.facts["period"] == period]
        return sorted(rows["ticker"].unique())

    def statements_on_file(self, min_metrics: int = STATEMENT_MIN_METRICS) -> pd.DataFrame:
        """Per quarter, which companies have their statements on file and which are covered.

        A company has its statements on file for a quarter when that quarter has a revenue figure (total or
        mining revenue), net income, and at least ``min_metrics`` metrics in all (default
        ``STATEMENT_MIN_METRICS``: fewer give a note that is mostly blank). It is covered in a quarter when it
        has any fact in the year (four calendar quarters) ending with that quarter; only companies listed in
        ``companies`` count.

        Returns:
            Indexed by every period with a fact, sorted: ``with_statements`` and ``covered`` (counts of
            companies) and ``share`` (with_statements / covered).
        """
        from mineresearch.dataset.periods import shift

        listed = self.facts[self.facts["ticker"].isin(self.companies.index)]
        present = listed.groupby(["period", "ticker"])["metric"].agg(set)
        revenue = present.map(lambda m: bool(m & set(STATEMENT_REVENUE_METRICS)))
        income = present.map(lambda m: STATEMENT_INCOME_METRIC in m)
        enough = present.map(lambda m: len(m) >= min_metrics)
        statements = (revenue & income & enough).groupby(level="period").sum()
        tickers = listed.groupby("period")["ticker"].agg(set)
        rows = []
        for period in sorted(tickers.index):
            year = [shift(period, -k) for k in range(4)]
            covered = set().union(*(tickers.get(p, set()) for p in year))
            n = int(statements.get(period, 0))
            rows.append({"period": period, "with_statements": n, "covered": len(covered),
                         "share": n / len(covered) if covered else 0.0})
        return pd.DataFrame(rows, columns=["period", "with_statements", "covered", "share"]).set_index("period")

    def latest_period(self, *, min_share: float = DEFAULT_PERIOD_MIN_SHARE, today: date | None = None) -> str:
        """The default quarter of a build: the latest in which most covered companies have their statements on file.

        Among the quarters that have ended by ``today`` (default: the current date), the latest in which at least
        ``min_share`` of the covered companies have their statements on file (:meth:`statements_on_file`; default
        two thirds). When no quarter reaches that share, the latest of the quarters with the most companies with
        statements on file.

        Raises:
            ValueError: no quarter up to today has any company with its statements on file.
        """
        from mineresearch.dataset.periods import quarter_end

        today = today or date.today()
        for min_metrics in (STATEMENT_MIN_METRICS, 0):  # a dataset too small for full notes: revenue and net income
            table = self.statements_on_file(min_metrics)
            table = table[[quarter_end(p) <= today for p in table.index]]
            table = table[table["with_statements"] > 0]
            if not table.empty:
                break
        if table.empty:
            raise ValueError("no quarter up to today has revenue and net income on file for any company")
        enough = table[table["share"] >= min_share - 1e-9]
        if not enough.empty:
            return str(max(enough.index))
        best = table[table["with_statements"] == table["with_statements"].max()]
        return str(max(best.index))

    def _known(self, ticker: str) -> None:
        if ticker not in self.companies.index:
            raise KeyError(f"unknown ticker {ticker!r}; known: {', '.join(self.companies.index)}")


def load_dataset(path: str | Path | None = None) -> Dataset:
    """Read and validate a data folder (default: the packaged data).

    Args:
        path: a folder holding ``companies.csv``, ``facts.csv`` and optionally ``network_quarterly.csv``.

    The result is cached in the process while the folder's files are unchanged (same names, sizes and
    modification times), so a report that loads it twice, or a kernel forked from a process that already
    loaded it, pays nothing. Treat it as read-only.

    Raises:
        DataValidationError: any problem in any file, all listed.
    """
    folder = (PACKAGE_DATA_DIR if path is None else Path(path)).resolve()
    key = (str(folder), _stamp(folder))
    cached = _CACHE.get(key)
    if cached is None:
        cached = _open(folder)
        _CACHE.clear()  # keep one dataset: a batch reads one folder
        _CACHE[key] = cached
    return cached


def loaded(path: str | Path | None = None) -> Dataset | None:
    """The dataset of a folder if this process has already loaded it and its files are unchanged, else None."""
    folder = (PACKAGE_DATA_DIR if path is None else Path(path)).resolve()
    return _CACHE.get((str(folder), _stamp(folder)))


def _open(folder: Path) -> Dataset:
    """The dataset of a folder: from the disk cache when these exact files were validated before, else validated
    (and its derived tables computed and cached with it)."""
    from mineresearch.dataset import cache as dataset_cache

    key = dataset_cache.content_key(folder)
    stored: Any = dataset_cache.read(f"dataset-{key}")
    if isinstance(stored, tuple) and len(stored) == 4 and isinstance(stored[3], dict):
        ds = Dataset(*stored[:3])
        ds.adopt(stored[3])
    else:
        from mineresearch.dataset.validate import validate_folder

        tables = validate_folder(folder)
        ds = Dataset(tables.companies, tables.facts, tables.network)
        dataset_cache.write(f"dataset-{key}", (tables.companies, tables.facts, tables.network, ds.derived()))
    ds.content_key = key
    return ds


_CACHE: dict[tuple[str, tuple[tuple[str, int, int], ...]], Dataset] = {}


def _stamp(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Name, size and modification time of every file of the folder: a changed file is read again."""
    out = []
    for child in sorted(folder.iterdir()) if folder.is_dir() else ():
        if child.is_file():
            st = child.stat()
            out.append((child.name, st.st_size, st.st_mtime_ns))
    return tuple(out)
