"""Cost per bitcoin: the layered cost stack, electricity cost per BTC, hashcost, fair-share allocation.

Source sections: methods ref. C1 (electricity cost per BTC), B2 (hashcost), C3/C4/C6 (cash and all-in
cost, fair share), C7 (the layered stack against the quarter's average price).
Sign convention: costs are positive amounts; a profit per coin is positive, a loss negative.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from mineresearch.metrics._common import as_float, divide

HOURS_PER_DAY = 24.0

COST_LAYERS: tuple[tuple[str, str, str], ...] = (
    ("power", "Power and direct cost of revenue", "cash"),
    ("sga_cash", "Cash SG&A", "cash"),
    ("interest", "Interest expense", "cash"),
    ("depreciation", "Depreciation and amortization", "non-cash"),
    ("sbc", "Stock-based compensation", "non-cash"),
)
"""The stack's layers, bottom to top: (key, label, cash or non-cash). The top is the all-in cost."""


@dataclass(frozen=True)
class SgaSplit:
    """SG&A split into its cash part and the stock-based compensation inside it.

    Attributes:
        total_usd: SG&A as reported (NaN when not disclosed).
        cash_usd: SG&A excluding stock-based compensation (NaN when it cannot be separated).
        sbc_usd: stock-based compensation to show as its own line (NaN when not disclosed or when it
            cannot be carved out of SG&A without double counting).
        sbc_inside_sga: True when ``sbc_usd`` was carved out of ``total_usd``.
    """

    total_usd: float
    cash_usd: float
    sbc_usd: float
    sbc_inside_sga: bool


def split_sga_usd(sga_usd: float, sga_ex_sbc_usd: float, sbc_usd: float) -> SgaSplit:
    """Separate cash SG&A from stock-based compensation without counting SBC twice.

    Rules, in order:
    1. SG&A and the company's own SG&A ex-SBC are both disclosed: cash = SG&A ex-SBC and the SBC line
       is their difference (the SBC inside SG&A).
    2. SG&A and total SBC are disclosed and SBC <= SG&A: SBC is taken to sit inside SG&A, so cash =
       SG&A - SBC. SBC larger than SG&A must be spread over other lines too; it is then not carved
       out (cash and SBC stay NaN) because the other lines already carry their share.
    3. Only SG&A ex-SBC is disclosed: cash = SG&A ex-SBC; SBC, if disclosed, is a separate line.
    Either way cash + SBC never exceeds what the statements contain (methods ref. C3, C6).
    """
    sga, ex_sbc, sbc = as_float(sga_usd), as_float(sga_ex_sbc_usd), as_float(sbc_usd)
    if not math.isnan(sga):
        if not math.isnan(ex_sbc) and ex_sbc <= sga:
            return SgaSplit(sga, ex_sbc, sga - ex_sbc, True)
        if not math.isnan(sbc) and 0.0 <= sbc <= sga:
            return SgaSplit(sga, sga - sbc, sbc, True)
        return SgaSplit(sga, math.nan, math.nan, False)
    if not math.isnan(ex_sbc):
        return SgaSplit(math.nan, ex_sbc, sbc, False)
    return SgaSplit(math.nan, math.nan, sbc, False)


def cost_per_btc_usd(cost_usd: float, btc: float) -> float:
    """A period's cost divided by the BTC produced in it: ``USD / BTC`` (methods ref. C3, C4)."""
    return divide(cost_usd, btc)


def implied_profit_usd_per_btc(btc_price_usd: float, cost_usd_per_btc: float) -> float:
    """Profit (positive) or loss (negative) per coin: ``price - cost per BTC``, USD/BTC (methods ref. C7)."""
    return as_float(btc_price_usd) - as_float(cost_usd_per_btc)


def fair_share_ratio(revenue_mining_usd: float, revenue_total_usd: float) -> float:
    """Share of corporate costs allocated to mining: ``mining revenue / total revenue`` (methods ref. C4).

    Returns:
        A ratio in [0, 1]; NaN when either revenue is missing or total revenue is zero.

    Raises:
        ValueError: when the revenues are negative or mining revenue exceeds total revenue.
    """
    mining, total = as_float(revenue_mining_usd), as_float(revenue_total_usd)
    if mining < 0 or total < 0 or mining > total * (1 + 1e-9):
        raise ValueError(f"fair share needs 0 <= mining revenue ({mining}) <= total revenue ({total})")
    return divide(mining, total)


def cost_stack_usd_per_btc(
    btc_produced: float,
    *,
    power_usd: float,
    sga_cash_usd: float,
    interest_usd: float,
    depreciation_usd: float,
    sbc_usd: float,
    fair_share: float = 1.0,
    btc_price_usd: float = math.nan,
    credits_usd: float = math.nan,
) -> pd.DataFrame:
    """The cost-per-BTC stack: power, + cash SG&A, + interest, + D&A, + SBC = all-in (methods ref. C7).

    Each layer is ``amount x fair_share / BTC produced``; the cumulative column adds the layers
    bottom-up, so the top row is the all-in cost per BTC. A missing layer is not disclosed: its own
    value and every cumulative figure from it upwards are NaN (a partial sum is never shown as a
    total). Pass ``fair_share < 1`` (see :func:`fair_share_ratio`) for a diversified company.

    Args:
        btc_produced: BTC produced in the quarter.
        power_usd: power and other direct cost of revenue, excluding D&A, USD.
        sga_cash_usd: SG&A excluding stock-based compensation, USD (see :func:`split_sga_usd`).
        interest_usd: interest expense, USD.
        depreciation_usd: depreciation and amortization, USD.
        sbc_usd: stock-based compensation, USD.
        fair_share: share of each amount allocated to mining, in [0, 1].
        btc_price_usd: the quarter's average BTC price, for the implied profit per coin.
        credits_usd: power curtailment credits received, USD (positive). When given, a ``credits`` layer
            (negative, a cash layer, not scaled by the fair share: credits belong to mining) follows
            power, so the cash and all-in costs are net of credits (TheMinerMag). When NaN, no layer.

    Returns:
        One row per layer with columns ``layer, label, kind, usd_per_btc, cumulative_usd_per_btc,
        disclosed, profit_usd_per_btc`` (price minus the cumulative cost; NaN without a price).
    """
    amounts = (power_usd, sga_cash_usd, interest_usd, depreciation_usd, sbc_usd)
    layers = [(layer, divide(as_float(amount) * as_float(fair_share), btc_produced))
              for layer, amount in zip(COST_LAYERS, amounts, strict=True)]
    if not math.isnan(as_float(credits_usd)):
        credit = -divide(as_float(credits_usd), btc_produced)
        layers.insert(1, (("credits", "Power curtailment credits", "cash"), credit))
    rows: list[dict[str, object]] = []
    running = 0.0
    for (key, label, kind), per_btc in layers:
        running = running + per_btc  # NaN stays NaN from the first missing layer upwards
        rows.append(
            {
                "layer": key,
                "label": label,
                "kind": kind,
                "usd_per_btc": per_btc,
                "cumulative_usd_per_btc": running,
                "disclosed": not math.isnan(per_btc),
                "profit_usd_per_btc": implied_profit_usd_per_btc(btc_price_usd, running),
            }
        )
    return pd.DataFrame(rows)


def hashcost_usd_per_ph_day(efficiency_j_per_th: float, power_usd_per_mwh: float) -> float:
    """Electricity cost of one PH/s for a day: ``J/TH x $/MWh x 24 / 1000`` (methods ref. B2).

    1 PH/s at e J/TH draws e kW, i.e. ``0.024 x e`` MWh a day. TheMinerMag's printed formula lacks the
    division by 1,000 and so gives $/EH/s/day. Check: 20 J/TH at $50/MWh -> $24/PH/day.
    """
    return as_float(efficiency_j_per_th) * as_float(power_usd_per_mwh) * HOURS_PER_DAY / 1000.0


def hashcost_usd_per_ph_day_from_cost(cost_usd_per_btc: float, btc_per_ehs_day: float) -> float:
    """Hashcost implied by a cost per BTC: ``cost $/BTC x BTC per EH/s per day / 1000`` (methods ref. B2).

    Check: IREN Q4-2024, $43,700/BTC x 0.6532 BTC/EH/day / 1000 -> $28.5/PH/day.
    """
    return as_float(cost_usd_per_btc) * as_float(btc_per_ehs_day) / 1000.0


def electricity_cost_usd_per_btc(
    efficiency_j_per_th: float, power_usd_per_mwh: float, btc_per_ehs_day: float
) -> float:
    """Electricity cost of one BTC: ``J/TH x $/MWh x 24 / (BTC per EH/s per day)`` (methods ref. C1).

    The numerator is the hashcost in $/EH/s/day. Use the realized BTC per EH/s (after uptime), not a
    nameplate figure. Check: 20 J/TH, $50/MWh, 0.5712 BTC/EH/day -> $42,016/BTC.
    """
    hashcost_usd_per_ehs_day = hashcost_usd_per_ph_day(efficiency_j_per_th, power_usd_per_mwh) * 1000.0
    return divide(hashcost_usd_per_ehs_day, btc_per_ehs_day)
