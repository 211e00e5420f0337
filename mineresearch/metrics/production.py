"""Company production metrics: realized hashrate, realization, share of network, output per EH/s.

Source sections: methods ref. B1 (realized hashrate, realization rate, share of network, BTC per EH/s).
All functions are pure; a missing input (``None`` or NaN) gives NaN, never a guess.
"""

from __future__ import annotations

import math

import pandas as pd

from mineresearch.metrics._common import as_float, divide
from mineresearch.periods import parse_label, shift


def realized_hashrate_ehs(company_btc: float, network_btc: float, network_hashrate_ehs: float) -> float:
    """Hashrate implied by a company's output over a period (TheMinerMag's realized hashrate).

    Formula: ``realized [EH/s] = company BTC / (network BTC / network average EH/s)``, where the
    bracket is the network's BTC per EH/s over the same period (methods ref. B1). Include any
    BTC-equivalent of curtailment credits in ``company_btc`` if that is the intended reading.

    Args:
        company_btc: BTC the company produced in the period.
        network_btc: BTC the whole network earned in the period (subsidy plus fees).
        network_hashrate_ehs: the network's average hashrate over the period, EH/s.

    Returns:
        Realized hashrate in EH/s (NaN when any input is missing or the network BTC is zero).
    """
    return divide(as_float(company_btc) * as_float(network_hashrate_ehs), network_btc)


def realization_rate_pct(realized_hashrate_ehs: float, installed_hashrate_ehs: float) -> float:
    """Share of installed (or energized) hashrate turned into production, in percent.

    Formula: ``100 x realized EH/s / installed EH/s`` (methods ref. B1). Which denominator is used
    (installed, energized or operating) must be stated next to the figure.
    """
    return 100.0 * divide(realized_hashrate_ehs, installed_hashrate_ehs)


def network_share_pct(company_amount: float, network_amount: float) -> float:
    """Company share of a network total, in percent.

    Formula: ``100 x company / network`` (methods ref. B1). Works for BTC (share of rewards), blocks
    (block share) or EH/s (hashrate share); pass both amounts in the same unit and period. Blocks won
    and BTC earned differ when a company's pool mines for third parties or pays FPPS.
    """
    return 100.0 * divide(company_amount, network_amount)


def btc_per_ehs_day(btc: float, hashrate_ehs: float, days: float) -> float:
    """BTC earned per EH/s of hashrate per day over a period.

    Formula: ``BTC / (EH/s x days)`` (methods ref. B1, Compass Mining's "Bitcoin per 1 EH/s" with the
    period length made explicit).

    Args:
        btc: BTC produced in the period.
        hashrate_ehs: average hashrate over the period, EH/s.
        days: length of the period in days.
    """
    return divide(btc, as_float(hashrate_ehs) * as_float(days))


def change_pct(current: float, previous: float) -> float:
    """Percentage change from ``previous`` to ``current``.

    Formula: ``100 x (current - previous) / |previous|``. The absolute value keeps the sign
    meaningful when the base is negative (a smaller net loss is a positive change). NaN when the
    base is zero or either value is missing.
    """
    return 100.0 * divide(as_float(current) - as_float(previous), abs(as_float(previous)))


def value_at(values: pd.Series, period: str) -> float:
    """The value for ``period`` in a Series indexed by period label, NaN when absent."""
    return as_float(values.get(period, math.nan))


def qoq_change_pct(values: pd.Series, period: str) -> float:
    """Quarter-on-quarter change in percent for ``period`` (see :func:`change_pct`).

    Args:
        values: a Series indexed by period labels (``"2025Q2"``).
        period: the quarter of interest; it is compared with the calendar quarter before it.
    """
    return change_pct(value_at(values, period), value_at(values, shift(period, -1)))


def yoy_change_pct(values: pd.Series, period: str) -> float:
    """Year-on-year change in percent for ``period``: against the same quarter a year earlier."""
    return change_pct(value_at(values, period), value_at(values, shift(period, -4)))


def is_record_high(values: pd.Series, period: str) -> bool | None:
    """Whether ``period``'s value is the highest on file as of that quarter.

    A record needs a value for ``period`` and at least one earlier quarter on file, and the value
    must be strictly higher than every earlier one (a tie is not a record). Later quarters are
    ignored, so the answer is what could have been said when the quarter was reported.

    Args:
        values: a Series indexed by period labels, e.g. BTC produced per quarter.
        period: the quarter of interest.

    Returns:
        True or False, or None when the quarter's value is missing or nothing earlier is on file.
    """
    parse_label(period)  # raises ValueError for a malformed label
    current = value_at(values, period)
    if math.isnan(current):
        return None
    numeric = pd.to_numeric(values, errors="coerce")
    earlier = numeric[[str(label) < period for label in numeric.index]].dropna()
    if earlier.empty:
        return None
    return bool(current > float(earlier.max()))
