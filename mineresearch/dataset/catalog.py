"""A quick look-up of what is on file (company names, quarters per ticker), read with the csv module
through the same reader as the validator (:mod:`mineresearch.dataset.csvfile`), so both refuse the same files.

The runner needs only this before a kernel starts and for the title block; reading it costs milliseconds,
where loading and validating the whole dataset (pandas and pandera) costs a few hundred. Full validation
still happens wherever figures are used (``load_dataset``) and in ``mineresearch data validate``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from mineresearch.paths import PACKAGE_DATA_DIR


@dataclass(frozen=True)
class Catalog:
    """Company names by ticker and the sorted quarters on file for each ticker."""

    names: dict[str, str]
    periods: dict[str, tuple[str, ...]]

    def tickers(self, period: str) -> list[str]:
        return sorted(t for t, ps in self.periods.items() if period in ps)


def read_catalog(data_path: str | Path | None = None) -> Catalog:
    """Read ``companies.csv`` and the ticker and period columns of ``facts.csv``.

    The result is kept while both files are unchanged (size and modification time), so a report that asks
    twice (the check, then the title block) reads them once; and when this process has already loaded the
    folder as a ``Dataset`` (``load_dataset``), the catalog is taken from it: one reader of a folder per process.
    """
    folder = Path(data_path) if data_path else PACKAGE_DATA_DIR
    stamp = tuple((p.stat().st_size, p.stat().st_mtime_ns) if p.is_file() else None
                  for p in (folder / "companies.csv", folder / "facts.csv"))
    key = (str(folder.resolve()), stamp)
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = _from_loaded(folder) or _read(folder)
    return _CACHE[key]


def _from_loaded(folder: Path) -> Catalog | None:
    """The catalog of a folder this process has already loaded and validated, without reading it again.

    Only when the loader is already imported: importing it (and pandas) just to find nothing would cost a cold
    report more than reading the two files.
    """
    load = sys.modules.get("mineresearch.dataset.load")
    if load is None:
        return None
    ds = load.loaded(folder)
    if ds is None:
        return None
    names = {str(t): str(n) if isinstance(n, str) and n else str(t) for t, n in ds.companies["name"].items()}
    periods = ds.facts.groupby("ticker")["period"].agg(lambda ps: tuple(sorted(set(ps))))
    return Catalog(names, {str(t): tuple(ps) for t, ps in periods.items()})


_CACHE: dict[tuple[str, tuple[tuple[int, int] | None, ...]], Catalog] = {}


def _read(folder: Path) -> Catalog:
    names = {row["ticker"]: row.get("name") or row["ticker"] for row in _rows(folder / "companies.csv", ("ticker",))}
    seen: dict[str, set[str]] = {}
    for row in _rows(folder / "facts.csv", ("ticker", "period")):
        seen.setdefault(row["ticker"], set()).add(row["period"])
    return Catalog(names, {t: tuple(sorted(ps)) for t, ps in seen.items()})


def _rows(path: Path, needed: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of a CSV file, read exactly as the validator reads it (:mod:`mineresearch.dataset.csvfile`).

    An unreadable file (missing, empty, binary, not UTF-8, oversized, a missing column) is a
    ``DataValidationError`` with the same problems ``mineresearch data validate`` lists for it.
    """
    from mineresearch.dataset.csvfile import read_csv_table, read_data_file

    table = read_data_file(path)
    if any(c not in table.header for c in needed):
        table = read_csv_table(path, needed)  # another file name: check the columns asked for
    return table.records()
