"""The assumptions of forward-looking figures: difficulty growth from the trailing year on file, the date of
the next halving from the block rate on file, and the report's pool fee and PUE (docs/methods.md section 12).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from mineresearch.dataset.periods import period_of, quarter_end, shift
from mineresearch.metrics._common import as_float, divide
from mineresearch.metrics.payback import DAYS_PER_MONTH, DEFAULT_POOL_FEE_PCT, DEFAULT_PUE, PAYBACK_HORIZON_MONTHS


def monthly_growth_pct(ratio_over_year: float) -> float:
    """A year's growth factor as a compounding monthly rate: ``(ratio^(1/12) - 1) x 100``, % per month."""
    ratio = as_float(ratio_over_year)
    if math.isnan(ratio) or ratio <= 0.0:
        return math.nan
    return (ratio ** (1.0 / 12.0) - 1.0) * 100.0


def trailing_difficulty_growth_pct_per_month(network: pd.DataFrame, period: str) -> tuple[float, str]:
    """Default difficulty growth: the trailing year's growth on file, as a monthly rate.

    Uses the quarter-average ``difficulty_avg`` of ``period`` against four quarters earlier (hashprice
    moves with difficulty), else ``hashrate_avg_ehs``; the rate compounds monthly
    (:func:`monthly_growth_pct`). Only quarters up to ``period`` are read, so a report says what could
    be said at the time. 2025Q2 on file: difficulty 122.6T against 84.8T in 2024Q2, +44.6% in a year,
    3.12% a month.

    Returns:
        ``(growth % per month, basis)``; the basis names the series and the quarters
        (``"trailing-year growth of average difficulty from 2024Q2 to 2025Q2, +44.6%"``), or
        ``(NaN, "")`` when neither series is on file for both quarters.
    """
    year_ago = shift(period, -4)
    for column, words in (("difficulty_avg", "average difficulty"), ("hashrate_avg_ehs", "average network hashrate")):
        if column not in network.columns:
            continue
        values = pd.to_numeric(network[column], errors="coerce")
        values.index = values.index.astype(str)
        now, before = as_float(values.get(period)), as_float(values.get(year_ago))
        if now > 0 and before > 0:
            ratio = now / before
            basis = f"trailing-year growth of {words} from {year_ago} to {period}, {(ratio - 1) * 100:+.1f}%"
            return monthly_growth_pct(ratio), basis
    return math.nan, ""


HALVING_2024 = date(2024, 4, 20)
"""The fourth halving: block 840,000, 2024-04-20 about 00:09 UTC (methods ref. 0)."""
HALVING_2024_HEIGHT = 840_000
NEXT_HALVING_HEIGHT = 1_050_000
"""The fifth halving, when the subsidy falls from 3.125 to 1.5625 BTC (``network.next_halving_height``)."""


@dataclass(frozen=True)
class HalvingEstimate:
    """When the next halving is expected, seen from a quarter's end.

    Attributes:
        date: the expected day.
        height: the halving's block height.
        basis: how it was dated (a sentence for the report).
    """

    date: date
    height: int
    basis: str


def estimate_next_halving(network: pd.DataFrame, period: str) -> HalvingEstimate:
    """Date the next halving from the network table, as seen at the end of ``period``.

    Before 2024-04-20 it is the 2024 halving itself. After it: the height at the quarter's end is
    840,000 plus the blocks mined since 2024-04-20 (the 2024Q2 blocks pro rata to its days after the
    halving, then every later quarter's ``blocks``); the remaining blocks to 1,050,000 are divided by
    the average blocks per day of the trailing year on file (144 a day, the 600-second target, when
    block counts are missing). With the table to 2025Q2 (about 903,600 at 30 June 2025, 145.4 blocks a
    day) the estimate is early April 2028.
    """
    end = quarter_end(period)
    if end < HALVING_2024:
        return HalvingEstimate(HALVING_2024, HALVING_2024_HEIGHT, "the 2024 halving (block 840,000, 20 April 2024)")
    empty = pd.Series(dtype=float)
    blocks = pd.to_numeric(network["blocks"], errors="coerce") if "blocks" in network.columns else empty
    days = pd.to_numeric(network["days"], errors="coerce") if "days" in network.columns else empty.copy()
    blocks.index, days.index = blocks.index.astype(str), days.index.astype(str)
    first = period_of(HALVING_2024)
    mined, label = 0.0, first
    while label <= period:
        count, length = as_float(blocks.get(label)), as_float(days.get(label))
        if label == first:
            after = (quarter_end(label) - HALVING_2024).days + 1
            count = count * after / length if length > 0 else math.nan
        mined += count
        label = shift(label, 1)
    trailing = [shift(period, -k) for k in range(4)]
    per_day = divide(sum(as_float(blocks.get(p)) for p in trailing), sum(as_float(days.get(p)) for p in trailing))
    if math.isnan(mined) or math.isnan(per_day) or per_day <= 0:
        days_left = (NEXT_HALVING_HEIGHT - HALVING_2024_HEIGHT) / 144.0
        day = HALVING_2024 + timedelta(days=round(days_left))
        return HalvingEstimate(day, NEXT_HALVING_HEIGHT, "210,000 blocks after 20 April 2024 at the 600-second target")
    height = HALVING_2024_HEIGHT + mined
    day = end + timedelta(days=round((NEXT_HALVING_HEIGHT - height) / per_day))
    basis = (
        f"about {NEXT_HALVING_HEIGHT - height:,.0f} blocks to go after {period} at {per_day:,.1f} blocks a day, "
        f"the average of the year to {period}"
    )
    return HalvingEstimate(day, NEXT_HALVING_HEIGHT, basis)


def months_until(start: date, event: date) -> int:
    """The simulation month (1 = the first after ``start``) in which ``event`` falls."""
    return max(1, math.floor((event - start).days / DAYS_PER_MONTH) + 1)


@dataclass(frozen=True)
class ForwardAssumptions:
    """The assumptions behind every forward-looking figure of a report, stated next to it.

    Attributes:
        start: the day the simulated machine starts (the report quarter's last day).
        difficulty_growth_pct_per_month: network difficulty growth, % a month.
        growth_basis: ``"report parameter"`` or the trailing-year sentence of
            :func:`trailing_difficulty_growth_pct_per_month`.
        halving_date: the next halving's expected day; ``halving_month`` the simulation month it
            falls in (None beyond the horizon); ``halving_basis`` how it was dated; ``halving_height``
            its block height.
        fee_share: fees as a fraction of block rewards in the report quarter (kept through the halving).
        pool_fee_pct, pue: pool fee (%) and power usage effectiveness.
        horizon_months: months simulated.
    """

    start: date
    difficulty_growth_pct_per_month: float
    growth_basis: str
    halving_date: date
    halving_month: int | None
    halving_basis: str
    fee_share: float
    pool_fee_pct: float
    pue: float
    horizon_months: int = PAYBACK_HORIZON_MONTHS
    halving_height: int = NEXT_HALVING_HEIGHT


def forward_assumptions_for(
    network: pd.DataFrame,
    period: str,
    *,
    difficulty_growth_pct_per_month: float | None = None,
    pool_fee_pct: float = DEFAULT_POOL_FEE_PCT,
    pue: float = DEFAULT_PUE,
    next_halving_month: str | None = None,
    horizon_months: int = PAYBACK_HORIZON_MONTHS,
) -> ForwardAssumptions:
    """The forward assumptions of a report on ``period``: parameters where given, else from the table.

    Growth: the parameter, else :func:`trailing_difficulty_growth_pct_per_month`. Halving: the
    ``YYYY-MM`` parameter (its 15th), else :func:`estimate_next_halving`.
    """
    start = quarter_end(period)
    if difficulty_growth_pct_per_month is not None and not math.isnan(float(difficulty_growth_pct_per_month)):
        growth, growth_basis = float(difficulty_growth_pct_per_month), "report parameter"
    else:
        growth, growth_basis = trailing_difficulty_growth_pct_per_month(network, period)
    if next_halving_month:
        year, month = (int(x) for x in next_halving_month.split("-"))
        halving_day, halving_basis, height = date(year, month, 15), "report parameter", NEXT_HALVING_HEIGHT
    else:
        estimate = estimate_next_halving(network, period)
        halving_day, halving_basis, height = estimate.date, estimate.basis, estimate.height
    month_of_halving = months_until(start, halving_day) if halving_day > start else None
    if month_of_halving is not None and month_of_halving > horizon_months:
        month_of_halving = None
    fee_share = math.nan
    if "fee_share" in network.columns:
        values = pd.to_numeric(network["fee_share"], errors="coerce")
        values.index = values.index.astype(str)
        fee_share = as_float(values.get(period))
    return ForwardAssumptions(
        start=start,
        difficulty_growth_pct_per_month=growth,
        growth_basis=growth_basis,
        halving_date=halving_day,
        halving_month=month_of_halving,
        halving_basis=halving_basis,
        fee_share=0.0 if math.isnan(fee_share) else fee_share,
        pool_fee_pct=float(pool_fee_pct),
        pue=float(pue),
        horizon_months=horizon_months,
        halving_height=height,
    )
