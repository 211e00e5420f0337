"""Summary sections 1-6: headline, KPIs, output vs profit, margins, cost stack, network context."""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd

from mineresearch.analysis.quarter import (
    QuarterData,
    cost_stack_for,
    missing_names,
    network_btc,
    realized_ehs,
    unique,
)
from mineresearch.analysis.sections import (
    CostStack,
    Headline,
    Kpis,
    MarginSection,
    NetworkContext,
    OutputVsProfit,
)
from mineresearch.dataset.periods import shift
from mineresearch.metrics.changes import Change, change, change_pct
from mineresearch.metrics.margins import (
    DETAILED_STEPS,
    gross_margin_ex_da_pct,
    margin_bridge,
    revenue_change_split_usd,
)
from mineresearch.metrics.production import average_fleet_ehs, btc_per_ehs_day, network_share_pct, record_check
from mineresearch.metrics.production import realization_rate_pct as _realization_pct

Getter = Callable[[QuarterData, str], float]


def _metric(name: str) -> Getter:
    return lambda q, p: q.c(name, p)


KPI_SPECS: tuple[tuple[str, str, str, Getter], ...] = (
    ("btc_produced", "BTC produced", "BTC", _metric("btc_produced")),
    ("realized_hashrate_ehs", "Realized hashrate (derived)", "EH/s", realized_ehs),
    ("hashrate_installed_ehs", "Installed hashrate", "EH/s", _metric("hashrate_installed_ehs")),
    ("revenue_total", "Total revenue", "USD", _metric("revenue_total")),
    (
        "gross_margin_ex_da_pct",
        "Gross margin ex-D&A",
        "%",
        lambda q, p: gross_margin_ex_da_pct(q.c("revenue_total", p), q.c("cost_of_revenue_ex_da", p)),
    ),
    ("net_income", "Net income", "USD", _metric("net_income")),
    ("adjusted_ebitda", "Adjusted EBITDA (company definition)", "USD", _metric("adjusted_ebitda")),
    (
        "cash_cost_usd_per_btc",
        "Cash cost per BTC",
        "USD/BTC",
        lambda q, p: cost_stack_for(q, p).cumulative("interest"),
    ),
    (
        "all_in_cost_usd_per_btc",
        "All-in cost per BTC",
        "USD/BTC",
        lambda q, p: cost_stack_for(q, p).cumulative("sbc"),
    ),
    ("btc_held", "BTC held", "BTC", _metric("btc_held")),
    ("cash", "Cash and equivalents", "USD", _metric("cash")),
    ("total_debt", "Total debt", "USD", _metric("total_debt")),
)


BASIS_METRICS: tuple[str, ...] = ("net_income",)
"""KPIs whose sources state a basis (continuing operations, attributable to the company)."""


def _basis_checked(
    q: QuarterData, key: str, label: str, *bases: tuple[str, Change]
) -> tuple[str, Change, Change]:
    """The KPI's label with its basis, and its changes made n.m. against a quarter on another basis."""
    scope = q.scope(key)
    out: list[Change] = []
    differ = False
    for period, moved in bases:
        if moved.ok and q.scope(key, period) != scope:
            moved, differ = Change(math.nan, moved.unit, "n.m."), True
        out.append(moved)
    if scope:
        label = f"{label} ({scope})"
    if differ:
        label += "; compared quarters on another basis"
    return label, out[0], out[1]


def build_kpis(q: QuarterData) -> Kpis:
    """Section 2: this quarter, prior quarter, year-ago quarter and the changes (``changes.change``)."""
    prior, year_ago = shift(q.period, -1), shift(q.period, -4)
    rows = []
    for key, label, unit, get in KPI_SPECS:
        current, before, last_year = get(q, q.period), get(q, prior), get(q, year_ago)
        qoq, yoy = change(current, before, unit), change(current, last_year, unit)
        if key in BASIS_METRICS:  # a figure on another basis (continuing operations, attributable) is not comparable
            label, qoq, yoy = _basis_checked(q, key, label, (prior, qoq), (year_ago, yoy))
        rows.append((key, label, unit, current, before, last_year, qoq.value, yoy.value, qoq, yoy))
    columns = [
        "metric",
        "label",
        "unit",
        "current",
        "prior",
        "year_ago",
        "qoq_change_pct",
        "yoy_change_pct",
        "qoq_change",
        "yoy_change",
    ]
    table = pd.DataFrame(rows, columns=columns)
    missing = tuple(table.loc[table["current"].isna(), "metric"])
    return Kpis(bool(table["current"].notna().any()), missing, table, prior, year_ago)


def build_output_vs_profit(q: QuarterData) -> OutputVsProfit:
    """Section 3: BTC produced and net income over every quarter on file."""
    periods = q.history()
    frame = pd.DataFrame(
        {
            "period": periods,
            "btc_produced": [q.c("btc_produced", p) for p in periods],
            "net_income_usd": [q.c("net_income", p) for p in periods],
        }
    )
    missing = tuple(name for name in ("btc_produced", "net_income_usd") if frame[name].isna().all())
    available = bool(frame[["btc_produced", "net_income_usd"]].notna().any().any())
    return OutputVsProfit(available, missing, frame)


def build_margins(q: QuarterData) -> MarginSection:
    """Section 4: the bridge to net income and the revenue change split."""
    lines = {name: q.c(name) for name in q.quarters.columns}
    bridge, reconciling = pd.DataFrame(), math.nan
    notes: tuple[str, ...] = ()
    missing: tuple[str, ...] = ("net_income",)
    if not math.isnan(q.c("net_income")):
        details = {m: q.line_items.get((q.period, m), {}) for m in DETAILED_STEPS}
        result = margin_bridge(lines, details)
        bridge, reconciling, notes, missing = (
            result.frame,
            result.reconciling_usd,
            (*q.basis_notes.get(q.period, ()), *result.notes),
            result.missing,
        )
    split, basis = _revenue_split(q)
    if split.empty:
        missing = (*missing, "revenue_split")
    margin = gross_margin_ex_da_pct(q.c("revenue_total"), q.c("cost_of_revenue_ex_da"))  # company-wide
    available = not bridge.empty or not split.empty
    return MarginSection(available, unique(missing), bridge, reconciling, notes, margin, split, basis)


def _revenue_split(q: QuarterData) -> tuple[pd.DataFrame, str]:
    prior = shift(q.period, -1)
    basis = next(
        (m for m in ("revenue_mining", "revenue_total") if not math.isnan(q.c(m) - q.c(m, prior))), ""
    )
    inputs = (
        q.c("btc_produced"),
        q.c("btc_produced", prior),
        q.n("price_avg_usd"),
        q.n("price_avg_usd", prior),
    )
    if any(math.isnan(v) for v in inputs):
        return pd.DataFrame(), basis
    split = revenue_change_split_usd(
        btc_prev=inputs[1],
        btc_curr=inputs[0],
        price_prev_usd=inputs[3],
        price_curr_usd=inputs[2],
        btc_per_ehs_day_prev=q.n("btc_per_ehs_day", prior),
        btc_per_ehs_day_curr=q.n("btc_per_ehs_day"),
        revenue_prev_usd=q.c(basis, prior) if basis else math.nan,
        revenue_curr_usd=q.c(basis) if basis else math.nan,
    )
    return split, basis


def build_cost_stack(q: QuarterData) -> CostStack:
    """Section 5: the cost-per-BTC stack against the average price."""
    result = cost_stack_for(q)
    all_in = result.cumulative("sbc")
    price = q.n("price_avg_usd")
    layers = result.stack
    cash_keys = tuple(layers.loc[layers["kind"] == "cash", "layer"])
    return CostStack(
        available=bool(result.stack["disclosed"].any() and not math.isnan(q.c("btc_produced"))),
        missing=result.missing,
        stack=result.stack,
        btc_price_avg_usd=price,
        fair_share=result.fair_share,
        fair_share_basis=result.fair_share_basis,
        power_basis=result.power_basis,
        cash_cost_usd_per_btc=result.cumulative("interest"),
        all_in_cost_usd_per_btc=all_in,
        profit_usd_per_btc=price - all_in,
        reported_cost_to_mine_usd_per_btc=q.c("cost_to_mine_per_btc"),
        reported_power_cost_usd_per_btc=q.c("power_cost_per_btc"),
        reported_cost_to_mine_scope=q.scope("cost_to_mine_per_btc"),
        reported_power_cost_scope=q.scope("power_cost_per_btc"),
        cash_cost_at_least_usd_per_btc=result.disclosed_sum(cash_keys),
        all_in_at_least_usd_per_btc=result.disclosed_sum(layers["layer"]),
        missing_layers=tuple(layers.loc[~layers["disclosed"], "label"]),
        credits_usd=result.credits_usd,
    )


def build_headline(q: QuarterData, cost: CostStack) -> Headline:
    """Section 1: output against profit."""
    btc_series = pd.Series({p: q.c("btc_produced", p) for p in q.history()}, dtype=float)
    net_income = q.c("net_income")
    record = record_check(btc_series, q.period)
    values = {"btc_produced": q.c("btc_produced"), "net_income": net_income}
    return Headline(
        available=not all(math.isnan(v) for v in values.values()),
        missing=missing_names(values),
        company_name=q.name,
        btc_produced=values["btc_produced"],
        btc_produced_record=None if record.is_highest is None else record.is_record,
        btc_produced_qoq_pct=change_pct(values["btc_produced"], q.c("btc_produced", shift(q.period, -1))),
        realized_hashrate_ehs=realized_ehs(q),
        revenue_usd=q.c("revenue_total"),
        net_income_usd=net_income,
        is_net_loss=None if math.isnan(net_income) else net_income < 0,
        all_in_cost_usd_per_btc=cost.all_in_cost_usd_per_btc,
        btc_price_avg_usd=cost.btc_price_avg_usd,
        btc_produced_rank=record,
    )


def build_network(q: QuarterData) -> NetworkContext:
    """Section 6: network figures and the company's share, realized hashrate and realization."""
    denominator = next(
        (m for m in ("hashrate_installed_ehs", "hashrate_operating_ehs") if not math.isnan(q.c(m))), ""
    )
    closing = q.c(denominator) if denominator else math.nan
    fleet, fleet_basis = average_fleet_ehs(q.c(denominator, shift(q.period, -1)) if denominator else math.nan, closing)
    realized = realized_ehs(q)
    names = ("hashprice_usd_per_ph_day", "hashrate_avg_ehs", "difficulty_avg", "fee_share", "btc_per_ehs_day")
    net = {name: q.n(name) for name in names}
    missing = missing_names({**net, "btc_produced": q.c("btc_produced"), "blocks_won": q.c("blocks_won")})
    if not denominator:
        missing = (*missing, "hashrate_installed_ehs")
    return NetworkContext(
        available=not all(math.isnan(v) for v in net.values()),
        missing=missing,
        **net,
        btc_price_avg_usd=q.n("price_avg_usd"),
        realized_hashrate_ehs=realized,
        realization_rate_pct=_realization_pct(realized, fleet),
        realization_denominator=denominator,
        realization_basis=fleet_basis,
        btc_share_pct=network_share_pct(q.c("btc_produced"), network_btc(q)),
        block_share_pct=network_share_pct(q.c("blocks_won"), q.n("blocks")),
        company_btc_per_ehs_day=btc_per_ehs_day(q.c("btc_produced"), fleet, q.n("days")),
        history=_network_history(q),
    )


def _network_history(q: QuarterData) -> pd.DataFrame:
    history = q.network.loc[[str(p) <= q.period for p in q.network.index]].copy()
    history.index.name = "period"
    periods = [str(p) for p in history.index]
    history["realized_hashrate_ehs"] = [realized_ehs(q, p) for p in periods]
    history["btc_share_pct"] = [network_share_pct(q.c("btc_produced", p), network_btc(q, p)) for p in periods]
    return history
