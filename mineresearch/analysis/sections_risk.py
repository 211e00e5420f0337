"""The company-quarter summary's sections 7-11: break-evens, treasury, strategy, checklist, sources.

Same conventions as ``sections`` (``available``, ``missing``, NaN when not computable), which re-exports them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from mineresearch.metrics.forward import ForwardAssumptions


@dataclass(frozen=True)
class Breakevens:
    """Section 7: break-evens and sensitivity.

    Attributes:
        by_layer: columns ``layer, label, breakeven_btc_price_usd, btc_price_avg_usd,
            margin_usd_per_btc`` (the break-even at each cumulative cost layer).
        power_price_usd_per_mwh: the power price used (the report parameter, else the company's).
        power_price_basis: ``"parameter"``, ``"company"`` or empty when neither is available.
        hashcost_usd_per_ph_day: fleet electricity cost per PH/s per day (J/TH x $/MWh x 24 / 1000).
        breakeven_power_usd_per_mwh: a ceiling: the highest power price at which the fleet covers its
            power, gross of other costs: hashprice x (1 - pool fee) x 1000 / (J/TH x 24 x PUE).
        breakeven_power_gross_usd_per_mwh: the same with no pool fee and PUE 1 (hashprice x 1000 /
            (J/TH x 24)).
        pool_fee_pct, pue: the pool fee and PUE used.
        grid_price_hashrate: margin per BTC over BTC price x network hashrate (``x, y,
            margin_usd_per_btc``), priced at ``grid_cost_layer``; empty when unavailable.
        grid_price_power: margin per BTC over BTC price x power price; empty when unavailable.
        grid_cost_layer: the cost layer used by the grids (``all_in`` or ``cash``).
        stress: quarterly cash-flow scenarios (see ``breakeven.cash_flow_stress_usd``).
    """

    available: bool
    missing: tuple[str, ...]
    by_layer: pd.DataFrame
    power_price_usd_per_mwh: float
    power_price_basis: str
    hashcost_usd_per_ph_day: float
    breakeven_power_usd_per_mwh: float
    grid_price_hashrate: pd.DataFrame
    grid_price_power: pd.DataFrame
    grid_cost_layer: str
    stress: pd.DataFrame
    breakeven_power_gross_usd_per_mwh: float = math.nan
    pool_fee_pct: float = 0.0
    pue: float = 1.0


@dataclass(frozen=True)
class Treasury:
    """Section 8: treasury risk.

    Attributes:
        btc_held, btc_pledged: BTC at quarter end (pledged or loaned where disclosed).
        btc_price_end_usd: the quarter-end BTC price; ``btc_value_usd`` = held x that price.
        digital_assets_fair_value_usd: the company's reported fair value.
        btc_produced, btc_sold: the quarter's flows; ``sell_ratio_pct`` = sold / mined,
            ``hodl_ratio_pct`` = (mined - sold) / mined.
        cash_usd, short_term_debt_usd, total_debt_usd: balance-sheet figures (total debt falls back
            to short + long-term debt when both are disclosed).
        cash_to_short_term_debt: cash / short-term debt (x).
        leverage_pct: debt / (BTC value + cash), Convertible Monitor (methods ref. F1).
        drawdown: ``treasury.drawdown_table`` at the requested shocks.
        quarterly_cash_burn_usd: cost of revenue ex-D&A + cash SG&A + interest + capex - revenue
            (positive = burning; capex includes growth capex, so this is a conservative proxy).
        runway_quarters: (cash + unpledged BTC value) / burn; BTC counts only when the pledged amount
            is disclosed (otherwise cash alone); inf when not burning.
        convertible_notes_principal_usd: principal outstanding; ``dilution_pct`` needs tranche
            conversion prices, which the dataset does not carry (NaN, "not disclosed").
        debt_is_partial: True when debt is the sum of some disclosed parts only: ``total_debt_usd`` and
            ``leverage_pct`` are then lower bounds ("at least"); ``debt_parts`` names the parts summed,
            ``debt_missing`` the parts not on file.
        btc_held_scope: the scope the source states for the holding (e.g. consolidated with a subsidiary).
        restricted_btc_value_usd: the printed "restricted bitcoin" line of digital assets, where on file.
    """

    available: bool
    missing: tuple[str, ...]
    btc_held: float
    btc_pledged: float
    btc_price_end_usd: float
    btc_value_usd: float
    digital_assets_fair_value_usd: float
    btc_produced: float
    btc_sold: float
    sell_ratio_pct: float
    hodl_ratio_pct: float
    cash_usd: float
    short_term_debt_usd: float
    total_debt_usd: float
    cash_to_short_term_debt: float
    leverage_pct: float
    drawdown: pd.DataFrame
    quarterly_cash_burn_usd: float
    runway_quarters: float
    convertible_notes_principal_usd: float
    dilution_pct: float
    debt_is_partial: bool = False
    debt_parts: tuple[str, ...] = ()
    debt_missing: tuple[str, ...] = ()
    btc_held_scope: str = ""
    restricted_btc_value_usd: float = float("nan")


@dataclass(frozen=True)
class Strategy:
    """Section 9: AI/HPC pivot and tariffs.

    Attributes:
        revenue_hpc_usd, hpc_share_pct: HPC/AI revenue and its share of total revenue.
        contracted_mw, energized_mw: capacity figures as disclosed.
        revenue_mix: every quarter on file with ``period, revenue_mining, revenue_hosting,
            revenue_hpc, revenue_other, revenue_total``.
        tariff_scenarios: the reference ASIC (``strategy.REFERENCE_ASIC_*``) bought at the end of the
            quarter, at the quarter's hashprice and the power price of section 7, under ``forward``
            (``payback.asic_cash_path``); columns ``scenario, tariff_rate_pct, landed_capex_usd,
            capex_usd_per_th, static_payback_days, payback_days`` (``inf`` = does not pay back),
            ``payback_status, cash_12m_usd, cash_24m_usd, cash_36m_usd`` (cumulative cash net of the
            landed cost) and ``shutdown_month`` (NaN = runs to the horizon); empty without a power
            price or hashprice.
        forward: the assumptions of the payback cases (growth, halving, pool fee, PUE).
    """

    available: bool
    missing: tuple[str, ...]
    revenue_hpc_usd: float
    hpc_share_pct: float
    contracted_mw: float
    energized_mw: float
    revenue_mix: pd.DataFrame
    tariff_scenarios: pd.DataFrame
    forward: ForwardAssumptions | None = None


@dataclass(frozen=True)
class Checklist:
    """Section 10: the analyst's checklist.

    Attributes:
        lines: columns ``area, question, value, unit, answer``; ``area`` is one of unit economics,
            efficiency and scale, capital discipline, treasury and liquidity, sensitivity;
            ``answer`` is ``"not disclosed"`` when ``value`` is NaN.
    """

    available: bool
    missing: tuple[str, ...]
    lines: pd.DataFrame


@dataclass(frozen=True)
class Sources:
    """Section 11: sources and data notes.

    Attributes:
        company: the chosen rows for the quarter (``metric, value, unit, source_url, source_type``).
        conflicts: disagreements between sources for this company-quarter (empty when none, or when
            the dataset does not report conflicts).
        notes: methodology notes collected from the other sections.
    """

    available: bool
    missing: tuple[str, ...]
    company: pd.DataFrame
    conflicts: pd.DataFrame
    notes: tuple[str, ...]
