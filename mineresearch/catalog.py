"""A quick look-up of what is on file (company names, quarters per ticker), read with the csv module.

The runner needs only this before a kernel starts and for the title block; reading it costs milliseconds,
where loading and validating the whole dataset (pandas and pandera) costs a few hundred. Full validation
still happens wherever figures are used (``load_dataset``) and in ``mineresearch data validate``.
"""

from __future__ import annotations

import csv
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
    """Read ``companies.csv`` and the ticker and period columns of ``facts.csv``."""
    folder = Path(data_path) if data_path else PACKAGE_DATA_DIR
    with (folder / "companies.csv").open(encoding="utf-8", newline="") as fh:
        names = {row["ticker"]: row.get("name") or row["ticker"] for row in csv.DictReader(fh)}
    seen: dict[str, set[str]] = {}
    with (folder / "facts.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            seen.setdefault(row["ticker"], set()).add(row["period"])
    return Catalog(names, {t: tuple(sorted(ps)) for t, ps in seen.items()})
