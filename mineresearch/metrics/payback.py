"""Forward-looking unit economics: an ASIC's cash month by month with difficulty growth, the halving, a pool
fee and PUE, and the assumptions behind it (methods ref. D4; docs/methods.md section 12).

Static break-evens live in ``breakeven``; this module adds time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from mineresearch.metrics._common import as_float
from mineresearch.metrics.breakeven import landed_capex_usd, machine_power_cost_usd_per_day

DAYS_PER_MONTH = 365.25 / 12
"""Days in a simulated month (30.44)."""

PAYBACK_HORIZON_MONTHS = 60
"""How far the machine's cash is simulated: five years, a long life for an ASIC."""

CASH_CHECKPOINTS_MONTHS = (12, 24, 36)
"""Months at which the cumulative cash of a machine is reported."""

DEFAULT_POOL_FEE_PCT = 2.0
"""Pool fee taken from gross hashprice. Hashrate Index's hashprice is the FPPS rate net of a weighted
pool fee, 1-3% below the gross figure (methods ref. A3); 2% is the middle of that range."""

DEFAULT_PUE = 1.10
"""Power usage effectiveness (site power / machine power): CBECI's best guess, between its 1.01 and 1.20
bounds (methods ref. D2)."""


@dataclass(frozen=True)
class PaybackPath:
    """A machine's month-by-month cash under stated assumptions (see :func:`asic_cash_path`).

    Attributes:
        landed_capex_usd: machine price with import duty.
        payback_days: days until cumulative cash margin repays the landed capex; ``inf`` when it does
            not within the simulation (before shutdown or the horizon); NaN when an input is missing.
        payback_month: the month (1 = first) in which it pays back, None when it does not.
        shutdown_month: the first month whose daily margin is not positive, when the machine is
            switched off for good; None when it runs to the horizon.
        cumulative_cash_usd: cash margin earned minus landed capex at the end of each month in
            ``CASH_CHECKPOINTS_MONTHS`` (negative until payback; constant after shutdown).
        cash_recovered_usd: cash margin earned over the whole simulation (before the capex).
        horizon_months: months simulated.
        monthly: one row a month: ``month, hashprice_usd_per_ph_day, revenue_usd_per_day,
            power_usd_per_day, margin_usd, cumulative_cash_usd, running``.
    """

    landed_capex_usd: float
    payback_days: float
    payback_month: int | None
    shutdown_month: int | None
    cumulative_cash_usd: dict[int, float]
    cash_recovered_usd: float
    horizon_months: int
    monthly: pd.DataFrame

    @property
    def status(self) -> str:
        """``"paid back"``, ``"never before shutdown"``, ``"not within N months"`` or ``"not disclosed"``."""
        if math.isnan(self.payback_days):
            return "not disclosed"
        if self.payback_month is not None:
            return "paid back"
        if self.shutdown_month is not None:
            return "never before shutdown"
        return f"not within {self.horizon_months} months"


def halving_factor(fee_share: float = 0.0) -> float:
    """What a halving leaves of the block reward: ``fee share + (1 - fee share) / 2`` (fees unchanged)."""
    share = as_float(fee_share)
    share = 0.0 if math.isnan(share) else share
    return share + (1.0 - share) / 2.0


def asic_cash_path(
    machine_price_usd: float,
    hashrate_ths: float,
    power_kw: float,
    hashprice_usd_per_ph_day: float,
    power_usd_per_mwh: float,
    *,
    difficulty_growth_pct_per_month: float = 0.0,
    halving_month: int | None = None,
    fee_share: float = 0.0,
    pool_fee_pct: float = 0.0,
    pue: float = 1.0,
    tariff_rate_pct: float = 0.0,
    horizon_months: int = PAYBACK_HORIZON_MONTHS,
) -> PaybackPath:
    """Month-by-month cash of one machine with difficulty growth, the halving, a pool fee and PUE.

    Month ``m`` (1 = the first month after purchase) earns, per day,
    ``hashprice_m x PH/s x (1 - pool fee)`` with
    ``hashprice_m = hashprice_0 / (1 + g)^(m - 1) x (halving factor if m >= halving month)``: at a
    constant BTC price and fee level, hashprice falls in step with difficulty, and the halving cuts the
    subsidy in two (:func:`halving_factor`). Power per day is ``kW x PUE x 24 x $/MWh / 1000``. The
    first month whose daily margin is not positive is the shutdown: the machine is switched off and,
    since hashprice only falls, stays off. Payback is the day cumulative margin reaches the landed capex
    (:func:`landed_capex_usd`), interpolated within its month. Months are ``DAYS_PER_MONTH`` long.

    With ``g = 0``, no halving, no pool fee and PUE 1 the payback equals :func:`asic_payback_days`.
    Check (audit of the 2025Q2 notes): S21 ($3,400, 200 TH/s, 3.5 kW) at $51.21/PH/day and $50/MWh pays
    back in 563 days statically; with hashprice falling 2.5% a month (g = 1/0.975 - 1) it never pays
    back: it stops in month 37 (after about 1,096 days) having recovered about $2,860 of $3,400.

    Args:
        machine_price_usd: machine price before import duty.
        hashrate_ths, power_kw: the machine's hashrate (TH/s) and power draw (kW).
        hashprice_usd_per_ph_day: starting hashprice, gross of pool fees.
        power_usd_per_mwh: power price.
        difficulty_growth_pct_per_month: network difficulty growth, % per month (negative = falling).
        halving_month: the month in which the next halving takes effect; None = none in the horizon.
        fee_share: transaction fees as a fraction of block rewards (kept through the halving).
        pool_fee_pct: pool fee, % of gross revenue.
        pue: power usage effectiveness (site power / machine power).
        tariff_rate_pct: import duty on the machine, %.
        horizon_months: months simulated.
    """
    capex = landed_capex_usd(machine_price_usd, tariff_rate_pct)
    hashprice0, growth = as_float(hashprice_usd_per_ph_day), as_float(difficulty_growth_pct_per_month) / 100.0
    power_day = machine_power_cost_usd_per_day(power_kw, power_usd_per_mwh) * as_float(pue)
    keep = 1.0 - as_float(pool_fee_pct) / 100.0
    ph = as_float(hashrate_ths) / 1000.0
    columns = ["month", "hashprice_usd_per_ph_day", "revenue_usd_per_day", "power_usd_per_day", "margin_usd",
               "cumulative_cash_usd", "running"]
    if any(math.isnan(v) for v in (capex, hashprice0, growth, power_day, keep, ph)) or growth <= -1.0:
        return PaybackPath(capex, math.nan, None, None, {m: math.nan for m in CASH_CHECKPOINTS_MONTHS},
                           math.nan, horizon_months, pd.DataFrame(columns=columns))
    halving = halving_factor(fee_share)
    rows, earned = [], 0.0
    payback_days, payback_month, shutdown_month = math.inf, None, None
    for month in range(1, horizon_months + 1):
        hashprice = hashprice0 / (1.0 + growth) ** (month - 1)
        if halving_month is not None and month >= halving_month:
            hashprice *= halving
        revenue = hashprice * ph * keep
        margin_day = revenue - power_day
        running = shutdown_month is None and margin_day > 0.0
        if shutdown_month is None and not running:
            shutdown_month = month
        margin = margin_day * DAYS_PER_MONTH if running else 0.0
        if running and payback_month is None and earned + margin >= capex:
            payback_month = month
            payback_days = (month - 1) * DAYS_PER_MONTH + (capex - earned) / margin_day
        earned += margin
        rows.append((month, hashprice, revenue, power_day, margin, earned - capex, running))
    monthly = pd.DataFrame(rows, columns=columns)
    checkpoints = {
        m: float(monthly["cumulative_cash_usd"].iloc[m - 1]) if m <= horizon_months else math.nan
        for m in CASH_CHECKPOINTS_MONTHS
    }
    return PaybackPath(capex, payback_days, payback_month, shutdown_month, checkpoints, earned, horizon_months,
                       monthly)
