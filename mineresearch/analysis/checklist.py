"""Summary sections 10-11: the analyst's checklist and the sources."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from mineresearch.analysis.quarter import QuarterData, unique
from mineresearch.analysis.sections import (
    Breakevens,
    Checklist,
    CostStack,
    MarginSection,
    NetworkContext,
    Sources,
    Treasury,
)
from mineresearch.metrics._common import as_float, divide
from mineresearch.metrics.costs import split_sga_usd

SOURCE_COLUMNS = ["metric", "value", "unit", "source_url", "source_type"]


def _answer(value: float, unit: str) -> str:
    if math.isnan(value):
        return "not disclosed"
    if math.isinf(value):
        return "not burning cash" if unit == "quarters" else "unbounded"
    if unit.startswith("USD"):
        sign = "-" if value < 0 else ""
        return f"{sign}${abs(value):,.0f}{unit[3:].replace('/', ' per ')}"
    suffix = {"%": "%", "x": "x"}.get(unit, " " + unit)
    return f"{value:,.1f}{suffix}"


def build_checklist(
    q: QuarterData,
    cost: CostStack,
    margins: MarginSection,
    network: NetworkContext,
    treasury: Treasury,
    breakevens: Breakevens,
) -> Checklist:
    """Section 10: one line per question, answered from data or "not disclosed"."""
    sbc = as_float(q.c("stock_based_comp"))
    if math.isnan(sbc):
        sbc = split_sga_usd(q.c("sga"), q.c("sga_ex_sbc"), sbc).sbc_usd
    price, all_in = cost.btc_price_avg_usd, cost.all_in_cost_usd_per_btc
    worst = treasury.drawdown.iloc[-1] if len(treasury.drawdown) > 1 else None
    worst_label = f"{worst['shock_pct']:+.0f}%" if worst is not None else "the largest"
    lines: list[tuple[str, str, float, str]] = [
        ("unit economics", "Margin per BTC at the average price, all-in", cost.profit_usd_per_btc, "USD/BTC"),
        ("unit economics", "Gross margin ex-D&A", margins.gross_margin_ex_da_pct, "%"),
        ("efficiency and scale", "Fleet efficiency", q.c("fleet_efficiency_jth"), "J/TH"),
        (
            "efficiency and scale",
            "Realization rate (realized / fleet hashrate)",
            network.realization_rate_pct,
            "%",
        ),
        ("efficiency and scale", "Share of network BTC", network.btc_share_pct, "%"),
        (
            "capital discipline",
            "Stock-based compensation / revenue",
            100.0 * divide(sbc, q.c("revenue_total")),
            "%",
        ),
        ("capital discipline", "BTC sold / BTC mined", treasury.sell_ratio_pct, "%"),
        ("treasury and liquidity", "Leverage: debt / (BTC value + cash)", treasury.leverage_pct, "%"),
        ("treasury and liquidity", "Cash / short-term debt", treasury.cash_to_short_term_debt, "x"),
        ("treasury and liquidity", "Liquidity runway", treasury.runway_quarters, "quarters"),
        (
            "sensitivity",
            "Average price above the all-in break-even",
            100.0 * divide(price - all_in, price),
            "%",
        ),
        (
            "sensitivity",
            f"Leverage after a {worst_label} BTC move",
            as_float(worst["leverage_pct"]) if worst is not None else math.nan,
            "%",
        ),
    ]
    frame = pd.DataFrame(lines, columns=["area", "question", "value", "unit"])
    frame["answer"] = [_answer(v, u) for v, u in zip(frame["value"], frame["unit"], strict=True)]
    if treasury.debt_is_partial:  # debt summed from some of its parts: the leverage figures are lower bounds
        bound = frame["question"].str.startswith("Leverage") & frame["value"].notna()
        frame.loc[bound, "answer"] = "at least " + frame.loc[bound, "answer"]
    unanswered = tuple(frame.loc[frame["value"].isna(), "question"])
    return Checklist(bool(frame["value"].notna().any()), unanswered, frame)


def build_sources(dataset: Any, q: QuarterData, notes: tuple[str, ...]) -> Sources:
    """Section 11: the chosen source rows, conflicts for this company-quarter and methodology notes."""
    try:
        company = pd.DataFrame(dataset.sources(q.ticker, q.period))
    except (KeyError, LookupError):
        company = pd.DataFrame(columns=SOURCE_COLUMNS)
    conflicts = pd.DataFrame()
    conflicts_fn = getattr(dataset, "conflicts", None)
    if callable(conflicts_fn):
        conflicts = pd.DataFrame(conflicts_fn())
        for column, value in (("ticker", q.ticker), ("period", q.period)):
            if column in conflicts.columns:
                conflicts = conflicts.loc[conflicts[column] == value]
    missing = ("sources",) if company.empty else ()
    return Sources(
        not company.empty,
        missing,
        company.reset_index(drop=True),
        conflicts.reset_index(drop=True),
        unique(notes),
    )
