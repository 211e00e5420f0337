"""Summary sections 7-9: break-evens and sensitivity, treasury risk, strategy."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from mineresearch.analysis.quarter import QuarterData, credits_usd, missing_names, power_layer_usd, unique
from mineresearch.analysis.sections import Breakevens, CostStack, Strategy
from mineresearch.metrics._common import divide
from mineresearch.metrics.breakeven import (
    TARIFF_CHINA_2025_PCT,
    TARIFF_SE_ASIA_2025_PCT,
    asic_payback_days,
    breakeven_power_usd_per_mwh,
    cash_flow_stress_usd,
    landed_capex_usd,
    margin_grid_price_x_hashrate,
    margin_grid_price_x_power,
)
from mineresearch.metrics.costs import electricity_cost_usd_per_btc, hashcost_usd_per_ph_day, split_sga_usd
from mineresearch.metrics.forward import ForwardAssumptions, forward_assumptions_for
from mineresearch.metrics.payback import DEFAULT_POOL_FEE_PCT, DEFAULT_PUE, asic_cash_path
from mineresearch.metrics.strategy import (
    REFERENCE_ASIC_HASHRATE_THS,
    REFERENCE_ASIC_POWER_KW,
    REFERENCE_ASIC_PRICE_USD,
    hpc_revenue_share_pct,
)

POWER_SHOCK_PCT = 25.0
"""Power-price rise used in the stress when no report power price is given (a scenario choice)."""
PRICE_GRID_FACTORS = tuple(np.round(np.arange(0.4, 1.61, 0.1), 2))
HASHRATE_GRID_FACTORS = tuple(np.round(np.arange(0.8, 1.41, 0.1), 2))
POWER_GRID_FACTORS = (0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0)
REVENUE_MIX = ("revenue_mining", "revenue_hosting", "revenue_hpc", "revenue_other", "revenue_total")


def power_price(q: QuarterData, parameter: float | None) -> tuple[float, str]:
    """The report's power price parameter, else the company's disclosed power cost, else NaN."""
    if parameter is not None and not math.isnan(float(parameter)):
        return float(parameter), "parameter"
    company = q.c("power_cost_usd_mwh")
    return (company, "company") if not math.isnan(company) else (math.nan, "")


def build_breakevens(
    q: QuarterData,
    cost: CostStack,
    shocks_pct: Sequence[float],
    power_parameter: float | None,
    *,
    pool_fee_pct: float = DEFAULT_POOL_FEE_PCT,
    pue: float = DEFAULT_PUE,
) -> Breakevens:
    """Section 7: break-even prices, grids and the cash-flow stress."""
    price = cost.btc_price_avg_usd
    by_layer = cost.stack[["layer", "label"]].assign(
        breakeven_btc_price_usd=cost.stack["cumulative_usd_per_btc"], btc_price_avg_usd=price
    )
    by_layer["margin_usd_per_btc"] = price - by_layer["breakeven_btc_price_usd"]
    power, power_basis = power_price(q, power_parameter)
    efficiency, hashprice = q.c("fleet_efficiency_jth"), q.n("hashprice_usd_per_ph_day")
    layer = "all_in" if not math.isnan(cost.all_in_cost_usd_per_btc) else "cash"
    layer_cost = cost.all_in_cost_usd_per_btc if layer == "all_in" else cost.cash_cost_usd_per_btc
    grid_h, grid_p = pd.DataFrame(), pd.DataFrame()
    base_h = q.n("hashrate_avg_ehs")
    if not (math.isnan(layer_cost) or math.isnan(price)):
        grid_p = _power_grid(q, price, layer_cost, power)
        if not math.isnan(base_h):
            grid_h = margin_grid_price_x_hashrate(
                [price * f for f in PRICE_GRID_FACTORS],
                [base_h * f for f in HASHRATE_GRID_FACTORS],
                cost_usd_per_btc=layer_cost,
                base_network_hashrate_ehs=base_h,
            )
    stress, stress_missing = _stress(q, cost, shocks_pct, power, power_basis)
    missing = missing_names(
        {
            "power_price_usd_per_mwh": power,
            "fleet_efficiency_jth": efficiency,
            "hashprice_usd_per_ph_day": hashprice,
        }
    )
    return Breakevens(
        available=bool(by_layer["breakeven_btc_price_usd"].notna().any()) or not math.isnan(efficiency),
        missing=unique((*cost.missing, *missing, *stress_missing)),
        by_layer=by_layer,
        power_price_usd_per_mwh=power,
        power_price_basis=power_basis,
        hashcost_usd_per_ph_day=hashcost_usd_per_ph_day(efficiency, power),
        breakeven_power_usd_per_mwh=breakeven_power_usd_per_mwh(
            hashprice, efficiency, pue=pue, pool_fee_pct=pool_fee_pct
        ),
        grid_price_hashrate=grid_h,
        grid_price_power=grid_p,
        grid_cost_layer=layer if not (grid_h.empty and grid_p.empty) else "",
        stress=stress,
        breakeven_power_gross_usd_per_mwh=breakeven_power_usd_per_mwh(hashprice, efficiency),
        pool_fee_pct=float(pool_fee_pct),
        pue=float(pue),
    )


def _power_grid(q: QuarterData, price: float, layer_cost: float, power: float) -> pd.DataFrame:
    """Price x power grid: the power part scales, the rest of the layer's cost stays."""
    reported, company_price = q.c("power_cost_per_btc"), q.c("power_cost_usd_mwh")
    if not (math.isnan(reported) or math.isnan(company_price)):
        power_part, base = reported, company_price
    else:
        power_part = electricity_cost_usd_per_btc(q.c("fleet_efficiency_jth"), power, q.n("btc_per_ehs_day"))
        base = power
    other = layer_cost - power_part
    if math.isnan(other) or other < 0.0 or math.isnan(base):
        return pd.DataFrame()
    return margin_grid_price_x_power(
        [price * f for f in PRICE_GRID_FACTORS],
        [base * f for f in POWER_GRID_FACTORS],
        power_cost_usd_per_btc=power_part,
        base_power_usd_per_mwh=base,
        other_cost_usd_per_btc=other,
    )


def _stress(
    q: QuarterData, cost: CostStack, shocks_pct: Sequence[float], power: float, power_basis: str
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    revenue = next((q.c(m) for m in ("revenue_mining", "revenue_total") if not math.isnan(q.c(m))), math.nan)
    power_cost, _ = power_layer_usd(q, cost.fair_share)
    credits = credits_usd(q)
    if not math.isnan(credits):
        power_cost -= credits  # net of curtailment credits, as the cost stack
    split = split_sga_usd(q.c("sga"), q.c("sga_ex_sbc"), q.c("stock_based_comp"))
    sga_cash, sga_words = split.cash_usd, "cash SG&A"
    if math.isnan(sga_cash) and not math.isnan(split.total_usd):
        sga_cash, sga_words = split.total_usd, "SG&A as reported (stock-based compensation not separable)"
    overhead = {
        "sga_ex_sbc": sga_cash * cost.fair_share,
        "interest_expense": q.c("interest_expense") * cost.fair_share,
    }
    missing = missing_names({"revenue_mining": revenue, "power_cost": power_cost, **overhead})
    if math.isnan(revenue) or math.isnan(power_cost):
        return pd.DataFrame(), missing
    power_pct = POWER_SHOCK_PCT
    company_price = q.c("power_cost_usd_mwh")
    if power_basis == "parameter" and not math.isnan(company_price) and company_price > 0:
        power_pct = (power / company_price - 1.0) * 100.0
    scenarios = [(f"BTC {s:+.0f}%", float(s), 0.0) for s in shocks_pct]
    scenarios.append((f"power {power_pct:+.0f}%", 0.0, power_pct))
    if len(shocks_pct):
        worst = min(float(s) for s in shocks_pct)
        scenarios.append((f"BTC {worst:+.0f}% and power {power_pct:+.0f}%", worst, power_pct))
    other = math.fsum(v for v in overhead.values() if not math.isnan(v))
    frame = cash_flow_stress_usd(
        revenue_usd=revenue, power_cost_usd=power_cost, other_cash_cost_usd=other, scenarios=scenarios
    )
    return frame.assign(cash_flow_basis=_stress_basis(q, overhead, sga_words, credits)), missing


def _stress_basis(q: QuarterData, overhead: dict[str, float], sga_words: str, credits: float) -> str:
    """What the stress's cash flow holds and leaves out, in words (an upper bound when a cost is missing)."""
    revenue = "mining revenue" if not math.isnan(q.c("revenue_mining")) else "total revenue"
    costs = ["power and direct cost of mining" + (" net of curtailment credits" if not math.isnan(credits) else "")]
    names = {"sga_ex_sbc": sga_words, "interest_expense": "interest"}
    costs += [names[k] for k, v in overhead.items() if not math.isnan(v)]
    left = [names[k].split(" (")[0] for k, v in overhead.items() if math.isnan(v)]
    text = f"{revenue[0].upper()}{revenue[1:]} less {', '.join(costs)}"
    if left:
        text += f"; before {' and '.join(left)} (not disclosed), so each figure is an upper bound"
    return text + "."


def forward_assumptions(
    q: QuarterData,
    *,
    difficulty_growth_pct_per_month: float | None = None,
    pool_fee_pct: float = DEFAULT_POOL_FEE_PCT,
    pue: float = DEFAULT_PUE,
    next_halving_month: str | None = None,
) -> ForwardAssumptions:
    """The report's forward assumptions (``forward.forward_assumptions_for`` on the network table)."""
    return forward_assumptions_for(
        q.network,
        q.period,
        difficulty_growth_pct_per_month=difficulty_growth_pct_per_month,
        pool_fee_pct=pool_fee_pct,
        pue=pue,
        next_halving_month=next_halving_month,
    )


TARIFF_COLUMNS = [
    "scenario",
    "tariff_rate_pct",
    "landed_capex_usd",
    "capex_usd_per_th",
    "static_payback_days",
    "payback_days",
    "payback_status",
    "cash_12m_usd",
    "cash_24m_usd",
    "cash_36m_usd",
    "shutdown_month",
]


def build_strategy(
    q: QuarterData,
    hashprice: float,
    power: float,
    tariff_rate_pct: float,
    *,
    forward: ForwardAssumptions | None = None,
) -> Strategy:
    """Section 9: HPC share, capacity, revenue mix and the tariff cases on the reference ASIC.

    Every tariff case runs :func:`payback.asic_cash_path` with the same ``forward`` assumptions
    (difficulty growth, the next halving, pool fee, PUE); the static payback stays as a comparison.
    """
    forward = forward or forward_assumptions(q)
    periods = q.history()
    mix = pd.DataFrame({"period": periods, **{m: [q.c(m, p) for p in periods] for m in REVENUE_MIX}})
    rates = {"no tariff": 0.0, "SE Asia 2025": TARIFF_SE_ASIA_2025_PCT, "China 2025": TARIFF_CHINA_2025_PCT}
    if float(tariff_rate_pct) not in rates.values():
        rates["report parameter"] = float(tariff_rate_pct)
    tariffs = pd.DataFrame()
    if not (math.isnan(hashprice) or math.isnan(power) or math.isnan(forward.difficulty_growth_pct_per_month)):
        rows = []
        for name, rate in rates.items():
            capex = landed_capex_usd(REFERENCE_ASIC_PRICE_USD, rate)
            static = asic_payback_days(
                REFERENCE_ASIC_PRICE_USD,
                REFERENCE_ASIC_HASHRATE_THS,
                REFERENCE_ASIC_POWER_KW,
                hashprice,
                power,
                tariff_rate_pct=rate,
            )
            path = asic_cash_path(
                REFERENCE_ASIC_PRICE_USD,
                REFERENCE_ASIC_HASHRATE_THS,
                REFERENCE_ASIC_POWER_KW,
                hashprice,
                power,
                difficulty_growth_pct_per_month=forward.difficulty_growth_pct_per_month,
                halving_month=forward.halving_month,
                fee_share=forward.fee_share,
                pool_fee_pct=forward.pool_fee_pct,
                pue=forward.pue,
                tariff_rate_pct=rate,
                horizon_months=forward.horizon_months,
            )
            cash = path.cumulative_cash_usd
            rows.append(
                (
                    name,
                    rate,
                    capex,
                    divide(capex, REFERENCE_ASIC_HASHRATE_THS),
                    static,
                    path.payback_days,
                    path.status,
                    cash[12],
                    cash[24],
                    cash[36],
                    math.nan if path.shutdown_month is None else float(path.shutdown_month),
                )
            )
        tariffs = pd.DataFrame(rows, columns=TARIFF_COLUMNS)
    values = {
        "revenue_hpc": q.c("revenue_hpc"),
        "revenue_total": q.c("revenue_total"),
        "contracted_mw": q.c("contracted_mw"),
        "energized_mw": q.c("energized_mw"),
    }
    scenario_inputs = {"hashprice_usd_per_ph_day": hashprice, "power_price_usd_per_mwh": power}
    return Strategy(
        available=not (all(math.isnan(v) for v in values.values()) and tariffs.empty),
        missing=missing_names({**values, **scenario_inputs}),
        revenue_hpc_usd=values["revenue_hpc"],
        hpc_share_pct=hpc_revenue_share_pct(values["revenue_hpc"], values["revenue_total"]),
        contracted_mw=values["contracted_mw"],
        energized_mw=values["energized_mw"],
        revenue_mix=mix,
        tariff_scenarios=tariffs,
        forward=forward,
    )
