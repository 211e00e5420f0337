"""The shapes between a section's figures and its chart and prose, for the notebooks' cells.

A notebook section reads its figures from the summary (``summary.margin_bridge``), shapes them with one of
these functions, and hands the result to a prose function (:mod:`mineresearch.report.narrative`) and a chart
builder (:mod:`mineresearch.report.charts`)::

    m = summary.margin_bridge
    steps = parts.bridge_steps(m.bridge)
    prose = narrative.margin_paragraph(steps)
    chart = charts.margin_waterfall_chart(steps, source=parts.COMPANY_SOURCE)
    show(sections.margin_bridge(report, prose=prose, chart=chart))

Each function is pure: frames in, a new frame out, nothing displayed.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from mineresearch.report.common import NETWORK_SOURCE

__all__ = [
    "COMPANY_SOURCE",
    "HISTORY_QUARTERS",
    "NETWORK_SOURCE",
    "RISK_SOURCE",
    "SHORT_LAYER",
    "btc_by_quarter",
    "bridge_steps",
    "cost_layers",
    "drawdown_scenarios",
    "has_drawdown",
    "network_history",
    "output_and_net_income",
    "quarter_peer_values",
    "sensitivity_grids",
]

COMPANY_SOURCE = "Company filings and releases (addresses in the Sources section); mineresearch calculations."
RISK_SOURCE = ("Company filings and releases; network data from Coin Metrics community data (CC BY-NC 4.0) "
               "and public daily series; mineresearch calculations.")
HISTORY_QUARTERS = 12  # network context shows the last three years up to the report's quarter
SHORT_LAYER = {"power": "Power & direct", "sga_cash": "Cash SG&A", "interest": "Interest", "depreciation": "D&A",
               "sbc": "Stock comp"}


def btc_by_quarter(output_vs_profit: Any) -> pd.Series:
    """BTC produced by quarter label (from the output-versus-profit figures), the headline's record check reads."""
    return output_vs_profit.frame.set_index("period")["btc_produced"]


def output_and_net_income(output_vs_profit: Any) -> pd.DataFrame:
    """``period``, ``btc_produced`` and ``net_income_usd`` by quarter (the output-versus-profit chart's input)."""
    return output_vs_profit.frame.rename(columns={"net_income": "net_income_usd"})


def bridge_steps(bridge: pd.DataFrame) -> pd.DataFrame:
    """The margin bridge as waterfall steps: ``step``, ``amount_usd``, ``kind`` (total or delta), ``remainder``.

    Revenue, the reported subtotals and net income are totals (drawn from zero); the lines between are
    deltas; ``remainder`` marks a stretch's "not broken out" line. No bridge gives no steps.
    """
    if bridge.empty:
        return pd.DataFrame(columns=["step", "amount_usd", "kind", "remainder"])
    kind = bridge["kind"].map({"start": "total", "end": "total", "checkpoint": "total"}).fillna("delta")
    return pd.DataFrame({"step": bridge["label"], "amount_usd": bridge["value_usd"], "kind": kind,
                         "remainder": bridge["kind"].eq("remainder")})


def cost_layers(cost_stack: Any) -> pd.DataFrame:
    """The cost stack with short layer names (``layer``), its key (``key``) and a ``cash`` flag."""
    layers = cost_stack.stack.rename(columns={"layer": "key", "label": "layer"})
    layers["layer"] = layers["key"].map(SHORT_LAYER).fillna(layers["layer"])
    layers["cash"] = layers["kind"].astype(str).eq("cash")
    return layers


def network_history(network: Any, quarters: int = HISTORY_QUARTERS) -> pd.DataFrame:
    """The network's last ``quarters`` quarters up to the report's, with ``period`` as a column."""
    return network.history.tail(quarters).reset_index()


def sensitivity_grids(breakevens: Any) -> list[tuple[pd.DataFrame, dict[str, str]]]:
    """The break-even section's margin grids that hold figures, each with its heatmap's titles and source."""
    layer = breakevens.grid_cost_layer.replace("_", "-") or "all-in"
    grids = [
        (breakevens.grid_price_hashrate, "Network hashrate (EH/s)", "network hashrate"),
        (breakevens.grid_price_power, "Power price (USD/MWh)", "power price"),
    ]
    return [(grid, {"x_title": "BTC price (USD)", "y_title": y_title, "source": RISK_SOURCE,
                    "title": f"Margin per BTC ({layer} cost): BTC price against {against}"})
            for grid, y_title, against in grids if not grid.empty]


def drawdown_scenarios(treasury: Any) -> pd.DataFrame:
    """One row a BTC price scenario (``Now`` first): BTC value, cash, debt and leverage."""
    if treasury.drawdown.empty:
        return pd.DataFrame(columns=["scenario", "btc_value_usd", "cash_usd", "debt_usd", "leverage_pct"])
    d = treasury.drawdown
    labels = ["Now" if s == 0 else f"{s:+.0f}%" for s in d["shock_pct"]]
    return pd.DataFrame({"scenario": labels, "btc_value_usd": d["btc_value_usd"], "cash_usd": treasury.cash_usd,
                         "debt_usd": treasury.total_debt_usd, "leverage_pct": d["leverage_pct"]})


def has_drawdown(scenarios: pd.DataFrame) -> bool:
    """Whether the drawdown chart has anything to draw (a BTC value or cash in some scenario)."""
    return not scenarios.empty and bool(scenarios[["btc_value_usd", "cash_usd"]].notna().any().any())


def quarter_peer_values(dataset: Any, period: str) -> pd.DataFrame:
    """One row a covered company of ``period``: the figures the peer percentiles compare (computed once a quarter)."""
    from mineresearch.report.company_peers import quarter_peer_values as values

    return values(dataset, period)
