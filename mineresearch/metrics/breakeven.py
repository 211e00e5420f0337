"""Break-evens and sensitivity: break-even BTC and power prices, shutdown price, ASIC payback, grids.

Source sections: methods ref. D1 (break-even BTC price), D2 (break-even power price), D3 (shutdown
price), D4 (payback, capex, tariffs), F2 (scenario stress). Power prices are in USD/MWh throughout
(the vocabulary's unit; $0.05/kWh = $50/MWh).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import pandas as pd

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
