"""One daily network frame from the shared files, and its quarterly (or monthly) aggregation.

``build_daily`` reads the files of ``shared/btc_network`` that it knows (``SOURCES``), picks per
column and per date the first source in ``PRIORITY`` that has a value, records the choice in a
``source_<column>`` column, and derives block heights and the subsidy (``add_subsidy``).
``aggregate`` sums and averages per period; a column stays NaN for a period unless its daily
input covers every day of that period. Nothing is interpolated or estimated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from mineresearch.ingest import network_readers as readers
from mineresearch.metrics.network import (
    blocks_per_day_from_hashrate,
    difficulty_from_hashrate,
    fee_share,
    realized_btc_per_ehs_day,
    realized_hashprice_btc_per_ph_day,
    realized_hashprice_usd_per_ph_day,
    subsidy_btc_for_blocks,
)

# Block 840,000 (the fourth halving) was mined at about 00:09 UTC on 2024-04-20, so it is the first
# block of that UTC day (docs/methods.md section 0). Heights of other days accumulate daily block counts.
ANCHOR_DATE = pd.Timestamp("2024-04-20")
ANCHOR_HEIGHT = 840_000
DAILY_COLUMNS = ("price_usd", "hashrate_ehs", "difficulty", "blocks", "fees_btc")
_WHOLE_BLOCK_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Source:
    """One daily file of ``shared/btc_network`` and where it comes from."""

    key: str
    file: str
    repository: str
    licence: str
    commit: str | None = None  # when None, read from _source_commits.txt


_CM = "CC BY-NC 4.0 (Coin Metrics community data)"
_BC = "no licence stated; blockchain.com chart data, blockchain.com terms"
_YAHOO = "no licence stated; Yahoo Finance BTC-USD close, Yahoo terms"
SOURCES: tuple[Source, ...] = (
    Source("coinmetrics", "coinmetrics_btc_daily_2024-08-19_2025-12-29_subset.csv", "coinmetrics/data", _CM,
           "cb3f32cc6c5045d5574e730a7c9784d58965629e"),
    Source("lukmol_hashrate", "lukmol_hashrate_daily.csv", "lukmol/gamlss-btc-VaR",
           _CM + "; repository MIT"),
    Source("lukmol_difficulty", "lukmol_difficulty_daily.csv", "lukmol/gamlss-btc-VaR", _CM + "; repository MIT"),
    Source("lukmol_price", "lukmol_btc_price_volume_daily.csv", "lukmol/gamlss-btc-VaR", _YAHOO + "; repository MIT"),
    Source("lukmol_fees", "lukmol_coinmetrics_fees_txcount.csv", "lukmol/gamlss-btc-VaR", _CM + "; repository MIT"),
    Source("yahoo", "tomasalvaroba_btc_usd_yahoo_daily.csv", "TomasAlvaroBA/btc-hormuz-case-study", _YAHOO),
    Source("blockchain_com_2024", "krisp140_blockchaincom_transaction_fees_daily.json", "Krisp140/TargetedNakomoto",
           _BC),
    Source("blockchain_com_2023", "leirisyue_blockchaincom_transaction-fees_2023-2024.csv",
           "leirisyue/fed-yfinance-demo", _BC),
)
PRIORITY: dict[str, tuple[str, ...]] = {
    "price_usd": ("coinmetrics", "yahoo", "lukmol_price"),
    "hashrate_ehs": ("coinmetrics", "lukmol_hashrate"),
    "difficulty": ("lukmol_difficulty", "coinmetrics"),
    "blocks": ("coinmetrics", "lukmol_hashrate"),
    "fees_btc": ("coinmetrics", "lukmol_fees", "blockchain_com_2024", "blockchain_com_2023"),
}


def build_daily(shared: Path) -> pd.DataFrame:
    """Combine the daily files of ``shared/btc_network`` into one daily frame.

    Args:
        shared: the shared folder (holding ``btc_network/``), or ``btc_network`` itself.

    Returns:
        A frame indexed by every date from the earliest to the latest value of any source, with
        ``DAILY_COLUMNS``, ``source_<column>`` (the ``Source.key`` each value came from),
        ``first_height`` and ``subsidy_btc``. Missing values are NaN.
    """
    folder = shared / "btc_network" if (shared / "btc_network").is_dir() else shared
    frames = {key: frame for key, frame in _read_sources(folder).items() if not frame.empty}
    if not frames:
        raise FileNotFoundError(f"no known network file in {folder.name}")
    index = pd.date_range(min(f.index.min() for f in frames.values()),
                          max(f.index.max() for f in frames.values()), freq="D", name="date")
    daily = pd.DataFrame(index=index)
    for column in DAILY_COLUMNS:
        daily[column], daily[f"source_{column}"] = _choose(frames, column, index)
    return add_subsidy(daily)


def add_subsidy(
    daily: pd.DataFrame, anchor_date: pd.Timestamp = ANCHOR_DATE, anchor_height: int = ANCHOR_HEIGHT
) -> pd.DataFrame:
    """Add ``first_height`` (height of each day's first block) and ``subsidy_btc`` to a daily frame.

    Heights accumulate the daily ``blocks`` forwards and backwards from the anchor (the first block
    of ``anchor_date`` has ``anchor_height``); a day's subsidy is ``subsidy_btc_for_blocks``, which
    splits a day that crosses a halving. A height is NaN when a block count between it and the
    anchor is missing, and so is that day's subsidy.
    """
    out = daily.copy()
    blocks = out["blocks"].reindex(pd.date_range(out.index.min(), out.index.max(), freq="D"))
    heights = pd.Series(np.nan, index=blocks.index)
    if blocks.index.min() <= anchor_date <= blocks.index.max():
        after = blocks[blocks.index >= anchor_date]
        heights[after.index] = anchor_height + after.cumsum(skipna=False).shift(1, fill_value=0.0)
        before = blocks[blocks.index < anchor_date][::-1]
        heights[before.index] = anchor_height - before.cumsum(skipna=False)
    out["first_height"] = heights.reindex(out.index)
    out["subsidy_btc"] = subsidy_btc_for_blocks(out["first_height"], out["blocks"])
    if "source_blocks" in out:
        out["source_subsidy_btc"] = out["source_blocks"].where(out["subsidy_btc"].notna())
    return out


def aggregate(daily: pd.DataFrame, freq: Literal["Q", "M"] = "Q", *, today: date | None = None) -> pd.DataFrame:
    """Per-period network table from a daily frame (``build_daily`` or the same columns).

    Periods run from the first to the last period the daily index touches, stopping at the last
    period that has ended before ``today`` (default: the current date). A column's value is NaN
    unless every day of the period has its inputs.

    Args:
        daily: daily frame with ``DAILY_COLUMNS`` and ``subsidy_btc``.
        freq: ``"Q"`` for calendar quarters (labels ``2025Q2``) or ``"M"`` for months (``2025-02``).
        today: the date that decides which periods are complete.

    Returns:
        The network table, indexed by ``period`` (columns as in ``schema.NETWORK_COLUMNS``).
    """
    last_ended = pd.Period(pd.Timestamp(today or date.today()), freq) - 1
    periods = pd.period_range(daily.index.min().to_period(freq),
                              min(daily.index.max().to_period(freq), last_ended), freq=freq)
    if len(periods) == 0:
        raise ValueError("the daily series end before the first complete period")
    days = pd.date_range(periods[0].start_time, periods[-1].end_time.normalize(), freq="D")
    d = daily.reindex(days)
    d["reward_btc"] = d["subsidy_btc"] + d["fees_btc"]
    d["hp_usd"] = realized_hashprice_usd_per_ph_day(d["subsidy_btc"], d["fees_btc"], d["price_usd"], d["hashrate_ehs"])
    d["hp_btc"] = realized_hashprice_btc_per_ph_day(d["subsidy_btc"], d["fees_btc"], d["hashrate_ehs"])
    key = d.index.to_period(freq)
    numeric = d.drop(columns=[c for c in d.columns if c.startswith("source_")]).astype(float)
    grouped = numeric.groupby(key)
    n_days = grouped.size()
    full = numeric.notna().groupby(key).sum().eq(n_days, axis=0)
    mean, total = grouped.mean().where(full), grouped.sum().where(full)
    table = pd.DataFrame(index=periods)
    table["start"] = [p.start_time.normalize() for p in periods]
    table["end"] = [p.end_time.normalize() for p in periods]
    table["days"] = n_days.astype(int)
    table["price_avg_usd"] = mean["price_usd"]
    table["price_end_usd"] = grouped["price_usd"].last().where(full["price_usd"])
    table["hashrate_avg_ehs"] = mean["hashrate_ehs"]
    table["difficulty_avg"] = mean["difficulty"]
    table["blocks"] = total["blocks"]
    table["subsidy_btc"] = total["subsidy_btc"]
    table["fees_btc"] = total["fees_btc"]
    table["fee_share"] = fee_share(table["fees_btc"], table["subsidy_btc"])
    table["hashprice_usd_per_ph_day"] = mean["hp_usd"]
    table["hashprice_btc_per_ph_day"] = mean["hp_btc"]
    table["btc_per_ehs_day"] = realized_btc_per_ehs_day(total["reward_btc"] / table["days"], table["hashrate_avg_ehs"])
    table.index = pd.Index([str(p) for p in periods], name="period")
    return table


def source_commits(folder: Path) -> dict[str, str]:
    """Repository (``owner/name``) -> commit, from ``_source_commits.txt`` (lines ``owner+name sha``)."""
    path = folder / "_source_commits.txt"
    if not path.is_file():
        return {}
    pairs = (line.split() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return {parts[0].replace("+", "/", 1): parts[1] for parts in pairs if len(parts) == 2}


def _read_sources(folder: Path) -> dict[str, pd.DataFrame]:
    """Read every known file present in ``folder`` into canonical daily frames, keyed by source."""
    files = {s.key: folder / s.file for s in SOURCES if (folder / s.file).is_file()}
    read = {
        "coinmetrics": lambda p: _with_coinmetrics_difficulty(readers.read_coinmetrics_csv(p)),
        "lukmol_hashrate": lambda p: readers.read_date_value_csv(p, "hashrate_ehs", value_field="hashrate",
                                                                  scale=1e-6),
        "lukmol_difficulty": lambda p: readers.read_date_value_csv(p, "difficulty", value_field="difficulty"),
        "lukmol_price": lambda p: readers.read_date_value_csv(p, "price_usd", value_field="price"),
        "lukmol_fees": lambda p: readers.read_date_value_csv(p, "fees_btc", value_field="fees_btc"),
        "yahoo": lambda p: readers.read_date_value_csv(p, "price_usd", value_field="Close", date_field="Date"),
        "blockchain_com_2024": lambda p: readers.read_blockchain_com_json(p, chart="transaction-fees"),
        "blockchain_com_2023": lambda p: readers.read_blockchain_com_csv(p, chart="transaction-fees"),
    }
    frames = {key: read[key](path) for key, path in files.items()}
    if "lukmol_hashrate" in frames and "lukmol_difficulty" in frames:
        frames["lukmol_hashrate"] = _with_lukmol_blocks(frames["lukmol_hashrate"], frames["lukmol_difficulty"])
    if "lukmol_difficulty" in frames:  # difficulty 0 is published on days without blocks: no mean exists
        frames["lukmol_difficulty"] = frames["lukmol_difficulty"].replace(0.0, np.nan)
    return frames


def _with_coinmetrics_difficulty(frame: pd.DataFrame) -> pd.DataFrame:
    """Add DiffMean where absent, from Coin Metrics' own HashRate definition (an exact identity)."""
    if "difficulty" not in frame and {"hashrate_ehs", "blocks"} <= set(frame.columns):
        frame = frame.assign(difficulty=difficulty_from_hashrate(frame["hashrate_ehs"], frame["blocks"]))
    return frame


def _with_lukmol_blocks(hashrate: pd.DataFrame, difficulty: pd.DataFrame) -> pd.DataFrame:
    """Add block counts where Coin Metrics' HashRate identity gives a whole number; elsewhere NaN."""
    hr = hashrate["hashrate_ehs"]
    blocks = blocks_per_day_from_hashrate(hr, difficulty["difficulty"].reindex(hr.index))
    whole = (blocks - blocks.round()).abs() <= _WHOLE_BLOCK_TOLERANCE
    blocks = blocks.round().where(whole)
    return hashrate.assign(blocks=blocks.mask(hr == 0.0, 0.0))  # zero hashrate: no block that day


def _choose(frames: dict[str, pd.DataFrame], column: str, index: pd.DatetimeIndex) -> tuple[pd.Series, pd.Series]:
    """First source in ``PRIORITY[column]`` with a value, per date; and which source it was."""
    value = pd.Series(np.nan, index=index, dtype=float)
    label = pd.Series(pd.NA, index=index, dtype="string")
    for key in PRIORITY[column]:
        if key in frames and column in frames[key]:
            candidate = frames[key][column].reindex(index)
            take = value.isna() & candidate.notna()
            value = value.where(~take, candidate)
            label = label.where(~take, key)
    return value, label
