"""The company-quarter summary: every number and table a company report needs, by report section.

``company_quarter_summary`` reads a dataset (see docs/architecture.md, "Dataset API") and returns a
frozen :class:`CompanyQuarterSummary` with one attribute per report section (DESIGN.md sections
1-11). Sparse data is normal: a section whose inputs were not disclosed says so through
``available`` and ``missing``, and its numbers are NaN; nothing is estimated or filled in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import pandas as pd

from mineresearch.analysis.checklist import build_checklist, build_sources
from mineresearch.analysis.operations import (
    build_cost_stack,
    build_headline,
    build_kpis,
    build_margins,
    build_network,
    build_output_vs_profit,
)
from mineresearch.analysis.quarter import QuarterData
from mineresearch.analysis.risk import build_breakevens, build_strategy, forward_assumptions
from mineresearch.analysis.sections import (
    SECTION_NAMES,
    Breakevens,
    Checklist,
    CostStack,
    Headline,
    Kpis,
    MarginSection,
    NetworkContext,
    OutputVsProfit,
    Sources,
    Strategy,
    Treasury,
)
from mineresearch.analysis.treasury import build_treasury
from mineresearch.dataset.periods import parse_label
from mineresearch.metrics.breakeven import TARIFF_SE_ASIA_2025_PCT
from mineresearch.metrics.payback import DEFAULT_POOL_FEE_PCT, DEFAULT_PUE
from mineresearch.metrics.treasury import DEFAULT_SHOCKS_PCT


class DatasetLike(Protocol):
    """The part of ``mineresearch.dataset.load.Dataset`` the summary reads."""

    @property
    def companies(self) -> pd.DataFrame: ...

    @property
    def network(self) -> pd.DataFrame: ...

    def company_quarters(self, ticker: str) -> pd.DataFrame: ...

    def sources(self, ticker: str, period: str) -> pd.DataFrame: ...


@dataclass(frozen=True)
class CompanyQuarterSummary:
    """Everything a company-quarter report shows, one attribute per report section.

    Attributes:
        ticker: the company's ticker.
        period: the calendar quarter (``2025Q2``).
        company_name: the company's name (the ticker when the name is not on file).
        headline: section 1, record output against net income (:class:`~.sections.Headline`).
        kpis: section 2, the KPI table (:class:`~.sections.Kpis`).
        output_vs_profit: section 3, BTC produced and net income by quarter.
        margin_bridge: section 4, the bridge to net income and the revenue change split.
        cost_stack: section 5, cost per BTC by layer against the average price.
        network: section 6, network context, share of network, realized hashrate.
        breakevens: section 7, break-even prices, sensitivity grids, cash-flow stress.
        treasury: section 8, BTC held, HODL, leverage, drawdowns, runway.
        strategy: section 9, HPC/AI share, capacity, tariff scenario on ASIC payback.
        checklist: section 10, the analyst's checklist.
        sources: section 11, the source of every figure, conflicts and methodology notes.
        parameters: the scenario parameters used (shocks, power price, tariff rate).
    """

    ticker: str
    period: str
    company_name: str
    headline: Headline
    kpis: Kpis
    output_vs_profit: OutputVsProfit
    margin_bridge: MarginSection
    cost_stack: CostStack
    network: NetworkContext
    breakevens: Breakevens
    treasury: Treasury
    strategy: Strategy
    checklist: Checklist
    sources: Sources
    parameters: dict[str, object]

    def sections(self) -> dict[str, object]:
        """The eleven sections in report order, by attribute name."""
        return {name: getattr(self, name) for name in SECTION_NAMES}


def company_quarter_summary(
    dataset: DatasetLike,
    ticker: str,
    period: str,
    *,
    btc_price_shocks_pct: Sequence[float] = DEFAULT_SHOCKS_PCT,
    power_price_usd_per_mwh: float | None = None,
    tariff_rate_pct: float = TARIFF_SE_ASIA_2025_PCT,
    difficulty_growth_pct_per_month: float | None = None,
    pool_fee_pct: float = DEFAULT_POOL_FEE_PCT,
    pue: float = DEFAULT_PUE,
    next_halving_month: str | None = None,
    quarter: QuarterData | None = None,
) -> CompanyQuarterSummary:
    """Assemble every section of a company-quarter report from the dataset.

    Args:
        dataset: a ``Dataset`` (or anything with ``companies``, ``network``, ``company_quarters``
            and ``sources`` as in docs/architecture.md).
        ticker: the company's ticker, as in ``dataset.companies``.
        period: a calendar quarter label (``2025Q2``).
        btc_price_shocks_pct: BTC price moves for the drawdown table and the stress, in percent.
        power_price_usd_per_mwh: power price for break-evens, grids and tariff scenarios; None uses
            the company's disclosed power cost (and the scenarios are "not disclosed" without it).
        tariff_rate_pct: an extra tariff scenario for the reference ASIC's payback, in percent.
        difficulty_growth_pct_per_month: network difficulty growth for the payback cases, % a month;
            None takes the trailing year on file (``forward.trailing_difficulty_growth_pct_per_month``).
        pool_fee_pct: pool fee for the payback cases and the break-even power price, %.
        pue: power usage effectiveness for the payback cases and the break-even power price.
        next_halving_month: ``YYYY-MM`` of the next halving; None estimates it from the block rate on
            file (``forward.estimate_next_halving``).
        quarter: :func:`quarter_data` of the same dataset, ticker and period when the caller has it already.

    Returns:
        The summary. It never raises for sparse data: a company with only net income on file gets a
        summary whose other sections are unavailable.

    Raises:
        ValueError: for a malformed period label or a ticker that is not in ``dataset.companies``.
    """
    q = quarter if quarter is not None else quarter_data(dataset, ticker, period)
    shocks = tuple(float(s) for s in btc_price_shocks_pct)
    cost = build_cost_stack(q)
    margins = build_margins(q)
    network = build_network(q)
    breakevens = build_breakevens(q, cost, shocks, power_price_usd_per_mwh, pool_fee_pct=pool_fee_pct, pue=pue)
    treasury = build_treasury(q, shocks)
    forward = forward_assumptions(
        q,
        difficulty_growth_pct_per_month=difficulty_growth_pct_per_month,
        pool_fee_pct=pool_fee_pct,
        pue=pue,
        next_halving_month=next_halving_month,
    )
    strategy = build_strategy(
        q, network.hashprice_usd_per_ph_day, breakevens.power_price_usd_per_mwh, tariff_rate_pct, forward=forward
    )
    return CompanyQuarterSummary(
        ticker=q.ticker,
        period=q.period,
        company_name=q.name,
        headline=build_headline(q, cost),
        kpis=build_kpis(q),
        output_vs_profit=build_output_vs_profit(q),
        margin_bridge=margins,
        cost_stack=cost,
        network=network,
        breakevens=breakevens,
        treasury=treasury,
        strategy=strategy,
        checklist=build_checklist(q, cost, margins, network, treasury, breakevens),
        sources=build_sources(dataset, q, _notes(cost, margins, breakevens)),
        parameters={
            "btc_price_shocks_pct": shocks,
            "power_price_usd_per_mwh": power_price_usd_per_mwh,
            "tariff_rate_pct": float(tariff_rate_pct),
            "difficulty_growth_pct_per_month": difficulty_growth_pct_per_month,
            "pool_fee_pct": float(pool_fee_pct),
            "pue": float(pue),
            "next_halving_month": next_halving_month,
        },
    )


def quarter_data(dataset: DatasetLike, ticker: str, period: str) -> QuarterData:
    """What every section of a company-quarter reads: the company's quarters, its chosen rows and the network.

    Raises:
        ValueError: for a malformed period label or a ticker that is not in ``dataset.companies``.
    """
    parse_label(period)
    companies = dataset.companies
    if ticker not in companies.index:
        raise ValueError(f"unknown ticker {ticker!r}: it is not in the dataset's companies")
    name = companies.at[ticker, "name"] if "name" in companies.columns else None
    name = ticker if name is None or (isinstance(name, float) and math.isnan(name)) else str(name)
    chosen_rows = getattr(dataset, "chosen_rows", None)
    rows = chosen_rows(ticker) if callable(chosen_rows) else None
    return QuarterData.from_frames(ticker, period, name, dataset.company_quarters(ticker), dataset.network, rows)


def _notes(cost: CostStack, margins: MarginSection, breakevens: Breakevens) -> tuple[str, ...]:
    notes = list(margins.bridge_notes)
    notes.append(f"Cost per BTC allocates costs to mining by {cost.fair_share_basis}.")
    if cost.power_basis:
        notes.append(f"The first cost layer comes from {cost.power_basis}.")
    notes.append("Realized hashrate = company BTC / (network subsidy + fees / network average EH/s).")
    if margins.revenue_split_basis:
        notes.append(f"The revenue change split reconciles to {margins.revenue_split_basis}.")
    if breakevens.power_price_basis:
        notes.append(f"Power price for break-evens and scenarios: {breakevens.power_price_basis}.")
    return tuple(notes)
