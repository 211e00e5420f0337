"""Bitcoin network metrics: hashrate from difficulty, block subsidy, hashprice, fee share.

Source sections: docs/methods.md section 0 (constants, subsidy schedule) and A1-A4. Every function is
pure and accepts floats, numpy arrays or pandas Series (vectorised, element-wise), except
``block_subsidy_btc``, which takes one integer height; ``block_subsidy_btc_array`` and
``subsidy_btc_for_blocks`` are its vectorised forms.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import pandas as pd

Numeric = TypeVar("Numeric", float, np.ndarray, pd.Series)

TARGET_BLOCK_INTERVAL_S = 600.0
SECONDS_PER_DAY = 86_400.0
HASHES_PER_DIFFICULTY_1 = 2.0**32  # expected hashes per block at difficulty 1
HASHES_PER_EH = 1e18
HASHES_PER_PH = 1e15
HASHES_PER_TH = 1e12
SATS_PER_BTC = 100_000_000
HALVING_INTERVAL_BLOCKS = 210_000
INITIAL_SUBSIDY_SATS = 50 * SATS_PER_BTC
_LAST_EPOCH = 64  # Bitcoin Core returns zero once the shift reaches 64 halvings


def hashrate_ehs_from_difficulty(difficulty: Numeric, block_interval_s: float = TARGET_BLOCK_INTERVAL_S) -> Numeric:
    """Network hashrate implied by difficulty.

    Formula: ``H [EH/s] = D x 2^32 / T / 1e18`` with T the block interval in seconds
    (methods ref. A1; TheMinerMag glossary, Coin Metrics, Hashrate Index).

    Args:
        difficulty: network difficulty D (dimensionless).
        block_interval_s: mean seconds between blocks, 600 at target.

    Returns:
        Hashrate in EH/s.
    """
    return difficulty * HASHES_PER_DIFFICULTY_1 / block_interval_s / HASHES_PER_EH


def blocks_per_day_from_hashrate(hashrate_ehs: Numeric, difficulty: Numeric) -> Numeric:
    """Blocks in a day implied by that day's mean hashrate and mean difficulty.

    Formula: ``blocks = H x 1e18 x 86,400 / (D x 2^32)``: Coin Metrics' daily ``HashRate`` definition,
    ``(BlkCnt / 144) x DiffMean x 2^32 / 600``, solved for BlkCnt (methods ref. A1).

    Args:
        hashrate_ehs: the day's hashrate, EH/s.
        difficulty: the day's mean difficulty.

    Returns:
        Blocks per day (a whole number when both inputs come from that definition).
    """
    return hashrate_ehs * HASHES_PER_EH * SECONDS_PER_DAY / (difficulty * HASHES_PER_DIFFICULTY_1)


def difficulty_from_hashrate(hashrate_ehs: Numeric, blocks_per_day: Numeric) -> Numeric:
    """Mean difficulty implied by a day's hashrate and block count (Coin Metrics' definition inverted).

    Formula: ``D = H x 1e18 x 86,400 / (blocks x 2^32)`` (methods ref. A1).

    Args:
        hashrate_ehs: the day's hashrate, EH/s.
        blocks_per_day: blocks mined that day.

    Returns:
        Mean difficulty of the day's blocks.
    """
    return hashrate_ehs * HASHES_PER_EH * SECONDS_PER_DAY / (blocks_per_day * HASHES_PER_DIFFICULTY_1)


def block_subsidy_btc(height: int) -> float:
    """Block subsidy at a block height, Bitcoin Core's ``GetBlockSubsidy``.

    Formula: ``halvings = height // 210,000``; ``subsidy [sats] = 50e8 >> halvings``, zero from 64
    halvings on (docs/methods.md section 0).

    Args:
        height: block height (0 is the genesis block).

    Returns:
        Subsidy in BTC (3.125 at 840,000; 6.25 at 839,999).

    Raises:
        ValueError: for a negative height.
    """
    if height < 0:
        raise ValueError(f"block height must be non-negative, got {height}")
    halvings = int(height) // HALVING_INTERVAL_BLOCKS
    if halvings >= _LAST_EPOCH:
        return 0.0
    return (INITIAL_SUBSIDY_SATS >> halvings) / SATS_PER_BTC


def block_subsidy_btc_array(heights: np.ndarray | pd.Series) -> np.ndarray:
    """Vectorised ``block_subsidy_btc``: subsidy in BTC for each height (docs/methods.md section 0).

    Args:
        heights: non-negative integer block heights.

    Returns:
        Subsidy per height in BTC, as a float array.
    """
    h = np.asarray(heights, dtype=np.int64)
    if (h < 0).any():
        raise ValueError("block heights must be non-negative")
    halvings = np.minimum(h // HALVING_INTERVAL_BLOCKS, _LAST_EPOCH)
    sats = np.where(halvings >= _LAST_EPOCH, 0, np.right_shift(INITIAL_SUBSIDY_SATS, np.minimum(halvings, 63)))
    return sats / SATS_PER_BTC


def subsidy_btc_for_blocks(first_height: Numeric, n_blocks: Numeric) -> Numeric:
    """Total subsidy of ``n_blocks`` consecutive blocks starting at ``first_height``.

    A run that crosses a halving is split: blocks below the boundary earn the old subsidy, the rest
    the new one. Formula: ``sum over epochs e of overlap([h0, h0+n), epoch e) x (50e8 >> e) / 1e8``
    (docs/methods.md section 0). NaN in either input gives NaN.

    Args:
        first_height: height of the first block of the run.
        n_blocks: number of blocks in the run.

    Returns:
        Subsidy in BTC.
    """
    start = np.asarray(first_height, dtype=float)
    count = np.asarray(n_blocks, dtype=float)
    valid = ~(np.isnan(start) | np.isnan(count))
    lo = np.where(valid, start, 0.0).astype(np.int64)
    hi = lo + np.where(valid, count, 0.0).astype(np.int64)
    total_sats = np.zeros(np.broadcast(lo, hi).shape, dtype=np.int64)
    for epoch in range(int(hi.max(initial=0)) // HALVING_INTERVAL_BLOCKS + 1):
        if epoch >= _LAST_EPOCH:
            break
        e_lo, e_hi = epoch * HALVING_INTERVAL_BLOCKS, (epoch + 1) * HALVING_INTERVAL_BLOCKS
        overlap = np.clip(np.minimum(hi, e_hi) - np.maximum(lo, e_lo), 0, None)
        total_sats += overlap * (INITIAL_SUBSIDY_SATS >> epoch)
    out = np.where(valid, total_sats / SATS_PER_BTC, np.nan)
    return _like(first_height, out)


def halving_heights() -> tuple[int, ...]:
    """Heights at which the subsidy changes: 210,000, 420,000, ... 6,930,000 (33 halvings).

    From the schedule in docs/methods.md section 0: ``50e8 >> 32`` is one sat, and the 33rd halving
    (height 6,930,000) takes the subsidy to zero.
    """
    count = 0
    while INITIAL_SUBSIDY_SATS >> (count + 1):
        count += 1
    return tuple(k * HALVING_INTERVAL_BLOCKS for k in range(1, count + 2))


def next_halving_height(height: int) -> int:
    """The first halving height strictly above ``height`` (1,050,000 for any height in 840,000-1,049,999)."""
    return (int(height) // HALVING_INTERVAL_BLOCKS + 1) * HALVING_INTERVAL_BLOCKS


def _btc_per_hash_day(difficulty: Numeric, reward_btc_per_block: Numeric) -> Numeric:
    """BTC one hash per second earns per day: ``86,400 / (D x 2^32) x R``; the forms below scale it."""
    return SECONDS_PER_DAY / (difficulty * HASHES_PER_DIFFICULTY_1) * reward_btc_per_block


def expected_btc_per_ehs_day(difficulty: Numeric, reward_btc_per_block: Numeric) -> Numeric:
    """BTC one EH/s should earn per day at a difficulty (difficulty form of the production benchmark).

    Formula: ``1e18 x 86,400 / (D x 2^32) x R``, R = subsidy + average fees per block (methods ref. A2).

    Args:
        difficulty: network difficulty D.
        reward_btc_per_block: average reward per block R, BTC.

    Returns:
        BTC per EH/s per day.
    """
    return HASHES_PER_EH * _btc_per_hash_day(difficulty, reward_btc_per_block)


def hashprice_btc_per_ph_day(difficulty: Numeric, reward_btc_per_block: Numeric) -> Numeric:
    """BTC hashprice, difficulty form.

    Formula: ``1e15 x 86,400 / (D x 2^32) x R`` (methods ref. A3).

    Args:
        difficulty: network difficulty D.
        reward_btc_per_block: average reward per block R, BTC.

    Returns:
        BTC per PH/s per day.
    """
    return HASHES_PER_PH * _btc_per_hash_day(difficulty, reward_btc_per_block)


def hashprice_sats_per_th_day(difficulty: Numeric, reward_btc_per_block: Numeric) -> Numeric:
    """BTC hashprice in sats per TH/s per day: ``1e12 x 86,400 / (D x 2^32) x R x 1e8`` (methods ref. A3)."""
    return HASHES_PER_TH * _btc_per_hash_day(difficulty, reward_btc_per_block) * 1e8


def hashprice_usd_per_ph_day(btc_price_usd: Numeric, difficulty: Numeric, reward_btc_per_block: Numeric) -> Numeric:
    """USD hashprice, difficulty form.

    Formula: ``1e15 x 86,400 / (D x 2^32) x R x P`` (methods ref. A3). Not net of pool fees.

    Args:
        btc_price_usd: BTC price P, USD.
        difficulty: network difficulty D.
        reward_btc_per_block: average reward per block R, BTC.

    Returns:
        USD per PH/s per day.
    """
    return hashprice_btc_per_ph_day(difficulty, reward_btc_per_block) * btc_price_usd


def realized_btc_per_ehs_day(network_btc_per_day: Numeric, network_hashrate_ehs: Numeric) -> Numeric:
    """Realized production benchmark: network BTC per day over network hashrate.

    Formula: ``(subsidy + fees) per day / EH/s`` (methods ref. A2, TheMinerMag's daily production
    benchmark).

    Args:
        network_btc_per_day: subsidy plus fees earned by the network per day, BTC.
        network_hashrate_ehs: network hashrate over the same days, EH/s.

    Returns:
        BTC per EH/s per day.
    """
    return network_btc_per_day / network_hashrate_ehs


def realized_hashprice_btc_per_ph_day(subsidy_btc: Numeric, fees_btc: Numeric, hashrate_ehs: Numeric) -> Numeric:
    """Realized BTC hashprice of one day: ``(subsidy + fees) / (EH/s x 1,000)`` (methods ref. A3)."""
    return (subsidy_btc + fees_btc) / (hashrate_ehs * 1_000.0)


def realized_hashprice_usd_per_ph_day(
    subsidy_btc: Numeric, fees_btc: Numeric, price_usd: Numeric, hashrate_ehs: Numeric
) -> Numeric:
    """Realized USD hashprice of one day (TheMinerMag form).

    Formula: ``(subsidy + fees) [BTC/day] x P [USD] / hashrate [PH/s]`` (methods ref. A3). Times 1,000
    it is JPMorgan's "$ per EH/s in daily block reward revenue".

    Args:
        subsidy_btc: subsidy mined that day, BTC.
        fees_btc: fees paid that day, BTC.
        price_usd: BTC price that day, USD.
        hashrate_ehs: network hashrate that day, EH/s.

    Returns:
        USD per PH/s per day.
    """
    return (subsidy_btc + fees_btc) * price_usd / (hashrate_ehs * 1_000.0)


def fee_share(fees_btc: Numeric, subsidy_btc: Numeric) -> Numeric:
    """Share of block rewards paid as fees: ``fees / (subsidy + fees)``, in [0, 1] (methods ref. A4)."""
    return fees_btc / (subsidy_btc + fees_btc)


def _like(template: Numeric, values: np.ndarray) -> Numeric:
    """Return ``values`` shaped like ``template``: a Series keeps its index, a scalar becomes a float."""
    if isinstance(template, pd.Series):
        return pd.Series(values, index=template.index, name=template.name)  # type: ignore[return-value]
    if np.ndim(values) == 0:
        return float(values)  # type: ignore[return-value]
    return values  # type: ignore[return-value]
