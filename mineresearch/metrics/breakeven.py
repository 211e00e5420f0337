"""Break-evens and sensitivity: break-even BTC and power prices, shutdown price, ASIC payback, grids.

Source sections: methods ref. D1 (break-even BTC price), D2 (break-even power price), D3 (shutdown
price), D4 (payback, capex, tariffs), F2 (scenario stress). Power prices are in USD/MWh throughout
(the vocabulary's unit; $0.05/kWh = $50/MWh).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from mineresearch.dataset.periods import period_of, quarter_end, shift
from mineresearch.metrics._common import as_float, divide

SECONDS_PER_DAY = 86_400.0
TWO_POW_32 = 2.0**32

TARIFF_SE_ASIA_2025_PCT = 21.6
"""US import duty on ASICs from Indonesia, Malaysia and Thailand from 2025-08-07: 19% reciprocal
tariff, 21.6% in total (coinnewsfeed.com/news/tariffs-threaten-us-bitcoin-mining-competitiveness;
ainvest.com, "Bitcoin miners face 21.6% tariff hike on Asian ASIC imports"; methods ref. D4)."""

TARIFF_CHINA_2025_PCT = 57.6
"""US import duty on ASICs from China in August 2025, 57.6% (same sources as the SE Asia rate)."""


def margin_usd_per_btc(btc_price_usd: float, cost_usd_per_btc: float) -> float:
    """Margin per coin at a price: ``price - cost per BTC``, USD/BTC (methods ref. D1)."""
    return as_float(btc_price_usd) - as_float(cost_usd_per_btc)


def breakeven_btc_price_usd(cost_usd_per_btc: float) -> float:
    """Break-even BTC price for one cost layer: the layer's cost per BTC, USD (methods ref. D1).

    It holds for the quarter's difficulty only: after a halving every cost per BTC doubles.
    """
    return as_float(cost_usd_per_btc)


def breakeven_btc_price_from_hashcost_usd(hashcost_usd_per_ph_day: float, btc_per_ehs_day: float) -> float:
    """Break-even BTC price from the hashprice side: ``hashcost $/PH/day / BTC per PH/s per day`` (D1).

    ``btc_per_ehs_day`` is converted to BTC per PH/s per day by dividing by 1,000.
    """
    return divide(hashcost_usd_per_ph_day, as_float(btc_per_ehs_day) / 1000.0)


def breakeven_power_usd_per_mwh(
    hashprice_usd_per_ph_day: float,
    efficiency_j_per_th: float,
    *,
    pue: float = 1.0,
    pool_fee_pct: float = 0.0,
) -> float:
    """The highest power price at which a fleet's revenue covers its power bill, USD/MWh (a ceiling).

    Formula: ``hashprice x (1 - pool fee) x 1000 / (J/TH x 24 x PUE)`` (methods ref. D2; CBECI applies
    PUE to consumption). Gross of every other cost (hosting, site opex, overheads) and at 100% uptime,
    so it is a ceiling, not a break-even of the business. Checks: $54.37/PH/day at 20 J/TH -> $113/MWh;
    MARA 2025Q2, $51.21/PH/day at 18.3 J/TH -> $116.6/MWh gross, about $104/MWh with PUE 1.10 and a 2%
    pool fee.
    """
    net = as_float(hashprice_usd_per_ph_day) * (1.0 - as_float(pool_fee_pct) / 100.0)
    return divide(net * 1000.0, as_float(efficiency_j_per_th) * 24.0 * as_float(pue))


def machine_btc_per_day(hashrate_ths: float, difficulty: float, reward_btc_per_block: float) -> float:
    """Expected BTC a machine earns per day: ``TH/s x 1e12 x 86400 / (D x 2^32) x R`` (methods ref. D3)."""
    blocks = divide(as_float(hashrate_ths) * 1e12 * SECONDS_PER_DAY, as_float(difficulty) * TWO_POW_32)
    return blocks * as_float(reward_btc_per_block)


def machine_power_cost_usd_per_day(power_kw: float, power_usd_per_mwh: float) -> float:
    """A machine's electricity bill per day: ``kW x 24 h x $/MWh / 1000``, USD (methods ref. D3, D4)."""
    return as_float(power_kw) * 24.0 * as_float(power_usd_per_mwh) / 1000.0


def shutdown_price_usd(
    hashrate_ths: float,
    power_kw: float,
    power_usd_per_mwh: float,
    difficulty: float,
    reward_btc_per_block: float,
) -> float:
    """BTC price below which a machine's revenue no longer pays its power, USD (methods ref. D3).

    Formula: ``daily power cost / daily BTC``. Check: S21 (200 TH/s, 3.5 kW) at $50/MWh with
    D = 110.568T and R = 3.1648 BTC/block -> about $36.5k.
    """
    return divide(
        machine_power_cost_usd_per_day(power_kw, power_usd_per_mwh),
        machine_btc_per_day(hashrate_ths, difficulty, reward_btc_per_block),
    )


def landed_capex_usd(machine_price_usd: float, tariff_rate_pct: float = 0.0) -> float:
    """Machine cost including import duty: ``price x (1 + tariff / 100)``, USD (methods ref. D4)."""
    return as_float(machine_price_usd) * (1.0 + as_float(tariff_rate_pct) / 100.0)


def asic_payback_days(
    machine_price_usd: float,
    hashrate_ths: float,
    power_kw: float,
    hashprice_usd_per_ph_day: float,
    power_usd_per_mwh: float,
    *,
    tariff_rate_pct: float = 0.0,
    other_cost_usd_per_day: float = 0.0,
) -> float:
    """Static payback of a machine in days (methods ref. D4).

    Formula: ``landed capex / (hashprice x PH/s - power cost per day - other cost per day)``, with
    landed capex from :func:`landed_capex_usd`. Static: difficulty growth, the next halving, uptime,
    pool fees and resale value are ignored. Checks: S21 at $3,400, $54.37/PH/day, $50/MWh -> 509
    days; with the 21.6% tariff 619 days; with 57.6% 803 days.

    Returns:
        Days to pay back; ``inf`` when the machine does not earn more than it costs to run.
    """
    revenue = as_float(hashprice_usd_per_ph_day) * as_float(hashrate_ths) / 1000.0
    daily = (
        revenue
        - machine_power_cost_usd_per_day(power_kw, power_usd_per_mwh)
        - as_float(other_cost_usd_per_day)
    )
    if math.isnan(daily):
        return math.nan
    if daily <= 0.0:
        return math.inf
    return landed_capex_usd(machine_price_usd, tariff_rate_pct) / daily


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


def margin_grid_price_x_hashrate(
    btc_prices_usd: Iterable[float],
    network_hashrates_ehs: Iterable[float],
    *,
    cost_usd_per_btc: float,
    base_network_hashrate_ehs: float,
) -> pd.DataFrame:
    """Margin per BTC over BTC price x network hashrate (methods ref. D1).

    With the company's dollar costs and hashrate held fixed, its BTC output falls in proportion to
    network hashrate, so ``cost(H) = cost_base x H / H_base`` and ``margin = price - cost(H)``.

    Returns:
        Tidy frame ``x`` (BTC price, USD), ``y`` (network hashrate, EH/s), ``margin_usd_per_btc``;
        ``attrs`` names the axes.
    """
    rows = [
        (
            price,
            hashrate,
            margin_usd_per_btc(
                price, as_float(cost_usd_per_btc) * divide(hashrate, base_network_hashrate_ehs)
            ),
        )
        for hashrate in network_hashrates_ehs
        for price in btc_prices_usd
    ]
    return _grid(rows, "btc_price_usd", "network_hashrate_ehs")


def margin_grid_price_x_power(
    btc_prices_usd: Sequence[float],
    power_prices_usd_per_mwh: Iterable[float],
    *,
    power_cost_usd_per_btc: float,
    base_power_usd_per_mwh: float,
    other_cost_usd_per_btc: float = 0.0,
) -> pd.DataFrame:
    """Margin per BTC over BTC price x power price (methods ref. C1, D2).

    The power layer scales with the power price, the other layers stay:
    ``cost(p) = power_cost_base x p / p_base + other cost``; ``margin = price - cost(p)``.

    Returns:
        Tidy frame ``x`` (BTC price, USD), ``y`` (power price, USD/MWh), ``margin_usd_per_btc``.
    """
    ratio_cost = as_float(power_cost_usd_per_btc)
    rows = [
        (
            price,
            power,
            margin_usd_per_btc(
                price, ratio_cost * divide(power, base_power_usd_per_mwh) + as_float(other_cost_usd_per_btc)
            ),
        )
        for power in power_prices_usd_per_mwh
        for price in btc_prices_usd
    ]
    return _grid(rows, "btc_price_usd", "power_usd_per_mwh")


def _grid(rows: list[tuple[float, float, float]], x_name: str, y_name: str) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["x", "y", "margin_usd_per_btc"], dtype=float)
    frame.attrs.update({"x": x_name, "y": y_name})
    return frame


def cash_flow_stress_usd(
    *,
    revenue_usd: float,
    power_cost_usd: float,
    other_cash_cost_usd: float,
    scenarios: Sequence[tuple[str, float, float]],
) -> pd.DataFrame:
    """Quarterly mining cash flow under price and power scenarios (methods ref. F2).

    Each scenario is ``(name, btc_price_change_pct, power_price_change_pct)``. BTC output and the
    other cash costs are held fixed: ``cash flow = revenue x (1 + dP) - power x (1 + dE) - other``.
    A ``base`` row (no change) comes first.

    Returns:
        Columns ``scenario, btc_price_change_pct, power_price_change_pct, revenue_usd,
        power_cost_usd, other_cash_cost_usd, cash_flow_usd, change_vs_base_usd``.
    """
    revenue, power, other = as_float(revenue_usd), as_float(power_cost_usd), as_float(other_cash_cost_usd)
    base = revenue - power - other
    rows = []
    for name, price_pct, power_pct in (("base", 0.0, 0.0), *scenarios):
        rev = revenue * (1.0 + as_float(price_pct) / 100.0)
        pwr = power * (1.0 + as_float(power_pct) / 100.0)
        flow = rev - pwr - other
        rows.append((name, float(price_pct), float(power_pct), rev, pwr, other, flow, flow - base))
    columns = [
        "scenario",
        "btc_price_change_pct",
        "power_price_change_pct",
        "revenue_usd",
        "power_cost_usd",
        "other_cash_cost_usd",
        "cash_flow_usd",
        "change_vs_base_usd",
    ]
    return pd.DataFrame(rows, columns=columns)
