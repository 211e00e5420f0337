"""The company-quarter summary's sections: one frozen dataclass per report section (DESIGN.md 1-11).

Every section carries ``available`` (False when the section has nothing to show) and ``missing``
(the inputs that were not disclosed, by canonical metric or network column name), so a report can
print "not disclosed" instead of failing. Amounts follow the vocabulary's units and sign convention
(USD, BTC, EH/s; expenses positive, gains and losses signed, a net loss negative). A float field is
NaN when it could not be computed from disclosed figures; nothing is estimated or filled in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from mineresearch.metrics.forward import ForwardAssumptions
from mineresearch.metrics.production import RecordCheck

SECTION_NAMES: tuple[str, ...] = (
    "headline", "kpis", "output_vs_profit", "margin_bridge", "cost_stack", "network", "breakevens", "treasury",
    "strategy", "checklist", "sources",
)
"""The eleven sections of a company report, in report order (DESIGN.md 1-11): the one list of them."""


@dataclass(frozen=True)
class Headline:
    """Section 1: record output against net income.

    Attributes:
        company_name: the company's name (the ticker when the name is not on file).
        btc_produced: BTC produced in the quarter.
        btc_produced_record: True when output is a record (``production.record_check``: above every
            earlier quarter on file, with at least four consecutive quarters on file just before it),
            False when not, None when it cannot be said (no value, or no earlier quarter).
        btc_produced_qoq_pct: change in BTC produced against the prior quarter, %.
        realized_hashrate_ehs: hashrate implied by output and the network (methods ref. B1), EH/s.
        revenue_usd: total revenue.
        net_income_usd: reported net income (negative for a loss).
        is_net_loss: True for a net loss, None when net income is not disclosed.
        all_in_cost_usd_per_btc: top of the cost stack (NaN unless every layer is disclosed).
        btc_price_avg_usd: the quarter's average BTC price.
        btc_produced_rank: the full record check (record, or "the highest of N quarters on file");
            the one the headline sentence uses.
    """

    available: bool
    missing: tuple[str, ...]
    company_name: str
    btc_produced: float
    btc_produced_record: bool | None
    btc_produced_qoq_pct: float
    realized_hashrate_ehs: float
    revenue_usd: float
    net_income_usd: float
    is_net_loss: bool | None
    all_in_cost_usd_per_btc: float
    btc_price_avg_usd: float
    btc_produced_rank: RecordCheck | None = None


@dataclass(frozen=True)
class Kpis:
    """Section 2: the KPI table.

    Attributes:
        table: one row per KPI with columns ``metric, label, unit, current, prior, year_ago,
            qoq_change_pct, yoy_change_pct, qoq_change, yoy_change``. The last two are
            ``changes.Change`` objects (percent, percentage points for ``%`` metrics, or n.m.); the
            ``*_pct`` columns hold their values (NaN when n.m. or missing). Derived KPIs (realized
            hashrate, cost per BTC, gross margin) are computed per quarter from disclosed figures.
        prior_period: label of the prior calendar quarter.
        year_ago_period: label of the same quarter a year earlier.
    """

    available: bool
    missing: tuple[str, ...]
    table: pd.DataFrame
    prior_period: str
    year_ago_period: str


@dataclass(frozen=True)
class OutputVsProfit:
    """Section 3: BTC produced (bars) against net income (line).

    Attributes:
        frame: every quarter on file up to the report's quarter, columns ``period, btc_produced,
            net_income_usd`` (NaN where not disclosed).
    """

    available: bool
    missing: tuple[str, ...]
    frame: pd.DataFrame


@dataclass(frozen=True)
class MarginSection:
    """Section 4: margin decomposition.

    Attributes:
        bridge: the waterfall from revenue to net income (see ``margins.MarginBridge.frame``: columns
            ``step, label, kind, value_usd, cumulative_usd, disclosed``); empty without net income.
        reconciling_usd: the explicit "other" that closes the bridge at net income.
        bridge_notes: how SG&A and SBC were separated, and other caveats.
        gross_margin_ex_da_pct: (revenue - cost of revenue ex-D&A) / revenue, %.
        revenue_split: the quarter-on-quarter revenue change split (columns ``effect, label, usd``;
            rows volume, network, price, other, total); empty when it cannot be computed.
        revenue_split_basis: the revenue metric the split reconciles to (``revenue_mining`` or
            ``revenue_total``; empty when no revenue for both quarters).
    """

    available: bool
    missing: tuple[str, ...]
    bridge: pd.DataFrame
    reconciling_usd: float
    bridge_notes: tuple[str, ...]
    gross_margin_ex_da_pct: float
    revenue_split: pd.DataFrame
    revenue_split_basis: str


@dataclass(frozen=True)
class CostStack:
    """Section 5: cost per BTC stack against the quarter's average price.

    Attributes:
        stack: ``costs.cost_stack_usd_per_btc`` output (columns ``layer, label, kind, usd_per_btc,
            cumulative_usd_per_btc, disclosed, profit_usd_per_btc``).
        btc_price_avg_usd: the quarter's average BTC price.
        fair_share: share of company costs allocated to mining (mining / total revenue; 1.0 when the
            split is not disclosed, see ``fair_share_basis``).
        fair_share_basis: ``"mining revenue / total revenue"`` or ``"all costs (revenue split not
            disclosed)"``.
        power_basis: where the first layer comes from: ``cost_of_revenue_ex_da`` or the reported
            ``power_cost_per_btc``; empty when neither is disclosed.
        cash_cost_usd_per_btc: power + cash SG&A + interest (top cash layer).
        all_in_cost_usd_per_btc: cash cost + D&A + SBC.
        profit_usd_per_btc: average price minus the all-in cost (negative for a loss per coin).
        reported_cost_to_mine_usd_per_btc: the company's own figure (definitions differ, C2).
        reported_power_cost_usd_per_btc: the company's own power cost per BTC.
        reported_cost_to_mine_scope, reported_power_cost_scope: the scope each company figure states
            (``owned sites only``, ``excluding miner depreciation``, ...); empty when company-wide.
        cash_cost_at_least_usd_per_btc, all_in_at_least_usd_per_btc: the sum of the disclosed layers up
            to the cash top and the all-in top: lower bounds, equal to the totals when nothing is missing.
        missing_layers: labels of the layers not disclosed (the totals are NaN when any is missing).
        credits_usd: power curtailment credits of the quarter (a layer of their own when on file).
    """

    available: bool
    missing: tuple[str, ...]
    stack: pd.DataFrame
    btc_price_avg_usd: float
    fair_share: float
    fair_share_basis: str
    power_basis: str
    cash_cost_usd_per_btc: float
    all_in_cost_usd_per_btc: float
    profit_usd_per_btc: float
    reported_cost_to_mine_usd_per_btc: float
    reported_power_cost_usd_per_btc: float
    reported_cost_to_mine_scope: str = ""
    reported_power_cost_scope: str = ""
    cash_cost_at_least_usd_per_btc: float = float("nan")
    all_in_at_least_usd_per_btc: float = float("nan")
    missing_layers: tuple[str, ...] = ()
    credits_usd: float = float("nan")


@dataclass(frozen=True)
class NetworkContext:
    """Section 6: network context and the company's place in it.

    Attributes:
        hashprice_usd_per_ph_day, hashrate_avg_ehs, difficulty_avg, fee_share, btc_per_ehs_day,
            btc_price_avg_usd: the quarter's network figures (fee share as a ratio in [0, 1]).
        realized_hashrate_ehs: company BTC / (network BTC / network EH/s), methods ref. B1.
        realization_rate_pct: realized / ``realization_denominator`` hashrate, %, on the average of
            the opening (prior quarter-end) and closing fleet when both are on file.
        realization_denominator: ``hashrate_installed_ehs`` or ``hashrate_operating_ehs``.
        realization_basis: ``"average"`` (opening and closing fleet), ``"quarter-end"`` (closing
            only) or empty; ``company_btc_per_ehs_day`` uses the same fleet figure.
        btc_share_pct: company BTC / network BTC, %.
        block_share_pct: blocks won / network blocks, %.
        company_btc_per_ehs_day: company BTC per installed (or operating) EH/s per day.
        history: network quarters up to the report's quarter (the network frame's columns, index
            ``period``) with the company's ``realized_hashrate_ehs`` and ``btc_share_pct`` joined.
    """

    available: bool
    missing: tuple[str, ...]
    hashprice_usd_per_ph_day: float
    hashrate_avg_ehs: float
    difficulty_avg: float
    fee_share: float
    btc_per_ehs_day: float
    btc_price_avg_usd: float
    realized_hashrate_ehs: float
    realization_rate_pct: float
    realization_denominator: str
    btc_share_pct: float
    block_share_pct: float
    company_btc_per_ehs_day: float
    history: pd.DataFrame
    realization_basis: str = ""


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
