"""The network table's columns: units, daily inputs, methods and provenance (``sources_table``).

The column list and the pandera schema live in ``dataset.schemas`` (``NETWORK_COLUMNS``,
``NETWORK_SCHEMA``); this module describes how each column is made.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mineresearch.dataset.schemas import NETWORK_COLUMNS, NETWORK_SCHEMA
from mineresearch.ingest.network_quarterly import ANCHOR_DATE, ANCHOR_HEIGHT, SOURCES, source_commits

_FULL = " NaN unless the daily input covers every day of the period."
_CM_DIFF = ("Coin Metrics rows: DiffMean = HashRate x 1e12 x 86,400 / (BlkCnt x 2^32), the exact inverse of "
            "Coin Metrics' HashRate definition.")
_LUKMOL_BLOCKS = ("lukmol rows (Coin Metrics HashRate and DiffMean): BlkCnt = HashRate x 1e12 x 86,400 / "
                  "(DiffMean x 2^32), kept only where it is a whole number (the identity holds exactly); other "
                  "days stay missing.")
_PRICE = ("Daily price as each source publishes it: Coin Metrics PriceUSD, else the Yahoo BTC-USD close (the "
          "lukmol price file equals that close on every overlapping day but its last, partial one).")
_SUBSIDY = (f"Block heights accumulate daily block counts from block {ANCHOR_HEIGHT:,} as the first block of "
            f"{ANCHOR_DATE.date()} UTC (docs/methods.md section 0); each day's subsidy is the halving schedule "
            "(50 BTC >> height // 210,000) summed over its blocks, split at a halving.")

# table column -> (unit, daily inputs, method), in the order of ``dataset.schemas.NETWORK_COLUMNS``
NETWORK_METHODS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "start": ("date", (), "First calendar day of the period."),
    "end": ("date", (), "Last calendar day of the period."),
    "days": ("days", (), "Calendar days in the period."),
    "price_avg_usd": ("USD", ("price_usd",), "Mean of the daily BTC price. " + _PRICE + _FULL),
    "price_end_usd": ("USD", ("price_usd",), "Daily BTC price on the period's last day. " + _PRICE + _FULL),
    "hashrate_avg_ehs": ("EH/s", ("hashrate_ehs",), "Mean of the daily network hashrate (Coin Metrics "
                         "HashRate: day mean, TH/s / 1e6)." + _FULL),
    "difficulty_avg": ("difficulty", ("difficulty",), "Mean of the daily mean difficulty. " + _CM_DIFF + _FULL),
    "blocks": ("blocks", ("blocks",), "Sum of daily block counts. " + _LUKMOL_BLOCKS + _FULL),
    "subsidy_btc": ("BTC", ("subsidy_btc",), "Sum of daily subsidy. " + _SUBSIDY + " " + _LUKMOL_BLOCKS + _FULL),
    "fees_btc": ("BTC", ("fees_btc",), "Sum of daily transaction fees." + _FULL),
    "fee_share": ("fraction", ("fees_btc", "subsidy_btc"),
                  "fees / (subsidy + fees) over the period (methods ref. A4)."),
    "hashprice_usd_per_ph_day": ("USD/(PH/s)/day", ("price_usd", "hashrate_ehs", "subsidy_btc", "fees_btc"),
                                 "Mean of daily realized hashprice (subsidy + fees) x price / PH/s "
                                 "(methods ref. A3)." + _FULL),
    "hashprice_btc_per_ph_day": ("BTC/(PH/s)/day", ("hashrate_ehs", "subsidy_btc", "fees_btc"),
                                 "Mean of daily (subsidy + fees) / PH/s (methods ref. A3)." + _FULL),
    "btc_per_ehs_day": ("BTC/(EH/s)/day", ("hashrate_ehs", "subsidy_btc", "fees_btc"),
                        "(subsidy + fees) / days / hashrate_avg_ehs: the realized production benchmark "
                        "(methods ref. A2)." + _FULL),
}
assert tuple(NETWORK_METHODS) == NETWORK_COLUMNS, "network methods and columns out of step"  # noqa: S101
__all__ = ["NETWORK_COLUMNS", "NETWORK_METHODS", "NETWORK_SCHEMA", "SOURCES_COLUMNS", "sources_table"]
SOURCES_COLUMNS = ("column", "unit", "source_files", "repositories", "licences", "date_range", "method")


def sources_table(daily: pd.DataFrame, folder: Path) -> pd.DataFrame:
    """One row per table column: files and date ranges used, repositories at their commits, licences, method.

    Args:
        daily: the frame from ``build_daily`` (its ``source_<column>`` columns say which file each
            daily value came from).
        folder: the ``btc_network`` folder (for ``_source_commits.txt``).
    """
    commits = source_commits(folder)
    by_key = {s.key: s for s in SOURCES}
    rows = []
    for column, (unit, inputs, method) in NETWORK_METHODS.items():
        covered = daily[list(inputs)].notna().all(axis=1) if inputs else pd.Series(False, index=daily.index)
        used = _used_sources(daily[covered], inputs)
        files = [f"{by_key[k].file} [{lo.date()} to {hi.date()}]" for k, lo, hi in used]
        repos = dict.fromkeys(f"{by_key[k].repository}@{by_key[k].commit or commits.get(by_key[k].repository, '')}"
                              for k, _, _ in used)
        licences = dict.fromkeys(by_key[k].licence for k, _, _ in used)
        days = covered[covered].index
        span = f"{days.min().date()} to {days.max().date()}" if len(days) else ""
        rows.append((column, unit, "; ".join(files), "; ".join(repos), " | ".join(licences), span, method))
    return pd.DataFrame(rows, columns=list(SOURCES_COLUMNS))


def _used_sources(daily: pd.DataFrame, inputs: tuple[str, ...]) -> list[tuple[str, pd.Timestamp, pd.Timestamp]]:
    """(source key, first date, last date) per source behind the given daily columns, by first date."""
    spans: dict[str, tuple[pd.Timestamp, pd.Timestamp]] = {}
    for column in inputs:
        labels = daily[f"source_{column}"].dropna()
        for key, dates in labels.groupby(labels).groups.items():
            lo, hi = min(dates), max(dates)
            old = spans.get(str(key))
            spans[str(key)] = (min(lo, old[0]), max(hi, old[1])) if old else (lo, hi)
    return sorted(((k, lo, hi) for k, (lo, hi) in spans.items()), key=lambda t: (t[1], t[0]))
