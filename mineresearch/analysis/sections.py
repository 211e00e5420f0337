"""The company-quarter summary's sections: one frozen dataclass per report section (DESIGN.md 1-11).

Every section carries ``available`` (False when the section has nothing to show) and ``missing``
(the inputs that were not disclosed, by canonical metric or network column name), so a report can
print "not disclosed" instead of failing. Amounts follow the vocabulary's units and sign convention
(USD, BTC, EH/s; expenses positive, gains and losses signed, a net loss negative). A float field is
NaN when it could not be computed from disclosed figures; nothing is estimated or filled in.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from mineresearch.analysis.sections_risk import Breakevens as Breakevens
from mineresearch.analysis.sections_risk import Checklist as Checklist
from mineresearch.analysis.sections_risk import Sources as Sources
from mineresearch.analysis.sections_risk import Strategy as Strategy
from mineresearch.analysis.sections_risk import Treasury as Treasury
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
