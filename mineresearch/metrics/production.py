"""Company production metrics: realized hashrate, realization, share of network, output per EH/s.

Source sections: methods ref. B1 (realized hashrate, realization rate, share of network, BTC per EH/s).
All functions are pure; a missing input (``None`` or NaN) gives NaN, never a guess.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from mineresearch.dataset.periods import parse_label, shift
from mineresearch.metrics._common import as_float, divide
from mineresearch.metrics.changes import change_pct


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


def realization_rate_pct(
    realized_hashrate_ehs: float, installed_hashrate_ehs: float, opening_hashrate_ehs: float = math.nan
) -> float:
    """Share of installed (or energized) hashrate turned into production, in percent.

    Formula: ``100 x realized EH/s / fleet EH/s`` (methods ref. B1). Realized hashrate is a quarter
    average, so the fleet is averaged too: ``(opening + closing) / 2`` when the opening fleet (the prior
    quarter-end) is given, else the quarter-end figure alone (see :func:`average_fleet_ehs`). MARA
    2025Q2: 49.9 / ((54.3 + 57.4) / 2) = 89.3%, against 86.9% on the quarter-end 57.4 EH/s. Which
    denominator is used (installed, energized or operating; average or quarter-end) must be stated next
    to the figure.
    """
    return 100.0 * divide(realized_hashrate_ehs, average_fleet_ehs(opening_hashrate_ehs, installed_hashrate_ehs)[0])


def average_fleet_ehs(opening_ehs: float, closing_ehs: float) -> tuple[float, str]:
    """A quarter's average fleet: ``(opening + closing) / 2`` and ``"average"``, else the closing figure.

    Returns:
        ``(EH/s, basis)`` with basis ``"average"`` (both ends on file), ``"quarter-end"`` (only the
        closing figure) or ``""`` (no closing figure: NaN).
    """
    opening, closing = as_float(opening_ehs), as_float(closing_ehs)
    if math.isnan(closing):
        return math.nan, ""
    if math.isnan(opening):
        return closing, "quarter-end"
    return (opening + closing) / 2.0, "average"


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


def value_at(values: pd.Series, period: str) -> float:
    """The value for ``period`` in a Series indexed by period label, NaN when absent."""
    return as_float(values.get(period, math.nan))


def qoq_change_pct(values: pd.Series, period: str) -> float:
    """Quarter-on-quarter change in percent for ``period`` (``changes.change_pct``: NaN when n.m.).

    Args:
        values: a Series indexed by period labels (``"2025Q2"``).
        period: the quarter of interest; it is compared with the calendar quarter before it.
    """
    return change_pct(value_at(values, period), value_at(values, shift(period, -1)))


def yoy_change_pct(values: pd.Series, period: str) -> float:
    """Year-on-year change in percent for ``period``: against the same quarter a year earlier."""
    return change_pct(value_at(values, period), value_at(values, shift(period, -4)))


RECORD_MIN_QUARTERS = 4
"""Consecutive quarters with output on file, just before a quarter, needed to call it "a record"."""


@dataclass(frozen=True)
class RecordCheck:
    """Where a quarter's value stands against the quarters on file before it.

    Attributes:
        is_highest: True when the value beats every earlier quarter on file, False when not, None when
            it cannot be said (no value, or nothing earlier on file).
        is_record: True only when it is the highest **and** at least ``RECORD_MIN_QUARTERS``
            consecutive quarters with a value are on file immediately before it (no gap).
        quarters_on_file: quarters with a value up to and including this one.
        consecutive_before: quarters with a value immediately before this one, without a gap.
    """

    is_highest: bool | None
    is_record: bool
    quarters_on_file: int
    consecutive_before: int


def record_check(values: pd.Series, period: str, *, min_quarters: int = RECORD_MIN_QUARTERS) -> RecordCheck:
    """Whether ``period``'s value is a record, merely the highest on file, or neither.

    "A record" needs ``min_quarters`` consecutive quarters with a value immediately before ``period``
    (no gap), and a value strictly above every earlier quarter on file (a tie is not a record). With a
    shorter or gapped history the most that can be said is "the highest of the N quarters on file".
    Later quarters are ignored, so the answer is what could have been said when the quarter was
    reported.

    Args:
        values: a Series indexed by period labels, e.g. BTC produced per quarter.
        period: the quarter of interest.
        min_quarters: consecutive earlier quarters required for "a record".
    """
    parse_label(period)  # raises ValueError for a malformed label
    current = value_at(values, period)
    numeric = pd.to_numeric(values, errors="coerce")
    earlier = numeric[[str(label) < period for label in numeric.index]].dropna()
    consecutive = 0
    while not math.isnan(value_at(numeric, shift(period, -(consecutive + 1)))):
        consecutive += 1
    if math.isnan(current):
        return RecordCheck(None, False, len(earlier), consecutive)
    if earlier.empty:
        return RecordCheck(None, False, 1, 0)
    highest = bool(current > float(earlier.max()))
    return RecordCheck(highest, highest and consecutive >= min_quarters, len(earlier) + 1, consecutive)


def is_record_high(values: pd.Series, period: str) -> bool | None:
    """Whether ``period``'s value is a record in the sense of :func:`record_check`.

    Returns:
        True for a record; False when the value is not the highest on file, or is the highest of too
        short a history to be called a record; None when the value is missing or nothing earlier is on
        file.
    """
    check = record_check(values, period)
    return None if check.is_highest is None else check.is_record
