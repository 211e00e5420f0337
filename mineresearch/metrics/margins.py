"""Margin decomposition: the revenue-to-net-income bridge and the revenue change split.

Source sections: methods ref. E1 (bridge, gross profit ex-D&A), E2 (fair-value marks under ASU 2023-08).
Sign convention of the inputs (the vocabulary's): expenses positive; gains, losses and tax benefits
carry their sign; a net loss is negative. In the bridge every step is its signed effect on net income.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from mineresearch.metrics._common import as_float, divide
from mineresearch.metrics.costs import split_sga_usd

BRIDGE_STEPS: tuple[tuple[str, str, float], ...] = (
    ("cost_of_revenue_ex_da", "Cost of revenue ex-D&A", -1.0),
    ("depreciation_amortization", "Depreciation and amortization", -1.0),
    ("sga", "SG&A ex stock-based comp", -1.0),
    ("stock_based_comp", "Stock-based compensation", -1.0),
    ("impairment", "Impairments", -1.0),
    ("fv_gain_loss_digital_assets", "Fair-value marks on digital assets", 1.0),
    ("other_operating_gain_loss", "Other operating gains (losses)", 1.0),
    ("interest_expense", "Interest expense", -1.0),
    ("interest_income", "Interest income", 1.0),
    ("other_nonoperating", "Other non-operating items", 1.0),
    ("income_tax", "Income tax", -1.0),
)
"""The bridge's steps between revenue and net income: (metric, label, sign of its effect)."""


@dataclass(frozen=True)
class MarginBridge:
    """A revenue-to-net-income bridge that always ends at the reported net income.

    Attributes:
        frame: one row per step with columns ``step, label, kind, value_usd, cumulative_usd,
            disclosed``. ``kind`` is ``start`` (revenue), ``step``, ``reconciling`` or ``end`` (net
            income). ``value_usd`` is the signed effect on net income (NaN when not disclosed);
            ``cumulative_usd`` is the running total after the step (undisclosed steps add nothing).
        net_income_usd: the reported net income the bridge ends at.
        reconciling_usd: the explicit "other" that closes the bridge (net income minus every
            disclosed step); it holds whatever the undisclosed lines amount to.
        missing: the steps that were not disclosed (their amounts are inside ``reconciling_usd``).
        notes: how SG&A and SBC were separated, and other caveats for the reader.
    """

    frame: pd.DataFrame
    net_income_usd: float
    reconciling_usd: float
    missing: tuple[str, ...]
    notes: tuple[str, ...]


def _step_values(lines: Mapping[str, object]) -> tuple[dict[str, float], dict[str, str], list[str]]:
    """The signed step amounts and labels of the bridge, SG&A and SBC split so SBC is counted once."""
    values = {name: as_float(lines.get(name)) for name, _, _ in BRIDGE_STEPS}
    split = split_sga_usd(
        as_float(lines.get("sga")), as_float(lines.get("sga_ex_sbc")), as_float(lines.get("stock_based_comp"))
    )
    notes: list[str] = []
    labels = {name: label for name, label, _ in BRIDGE_STEPS}
    values["sga"], values["stock_based_comp"] = split.cash_usd, split.sbc_usd
    if split.sbc_inside_sga:
        notes.append("Stock-based compensation is carved out of SG&A, so it is counted once.")
    elif not math.isnan(split.total_usd):
        values["sga"], labels["sga"] = split.total_usd, "SG&A (as reported)"
        notes.append("SG&A is shown as reported (including any stock-based compensation).")
    if not math.isnan(as_float(lines.get("cost_of_revenue"))) and math.isnan(values["cost_of_revenue_ex_da"]):
        notes.append(
            "Cost of revenue is disclosed only as reported (D&A may be inside it); "
            "it is left in the reconciling other."
        )
    return {name: sign * values[name] for name, _, sign in BRIDGE_STEPS}, labels, notes


def margin_bridge(lines: Mapping[str, object]) -> MarginBridge:
    """Bridge a quarter from revenue to the reported net income (methods ref. E1).

    Steps: revenue, cost of revenue ex-D&A, D&A, SG&A ex-SBC, SBC, impairments, fair-value marks on
    digital assets, other operating items, interest expense, interest income, other non-operating
    items, income tax, then an explicit reconciling "other" equal to net income minus every disclosed
    step, so the bridge always ends exactly at net income. A line that is not disclosed adds nothing
    and is named in ``missing``; its amount is inside the reconciling other.

    Args:
        lines: canonical metric values for one company-quarter (a mapping or a row of
            ``Dataset.company_quarters``); ``net_income`` is required.

    Raises:
        ValueError: when net income is missing (there is nothing to reconcile to).
    """
    net_income = as_float(lines.get("net_income"))
    if math.isnan(net_income):
        raise ValueError("the margin bridge needs a reported net_income")
    steps, labels, notes = _step_values(lines)
    revenue = as_float(lines.get("revenue_total"))
    rows = [_row("revenue_total", "Revenue", "start", revenue, 0.0 if math.isnan(revenue) else revenue)]
    disclosed = [] if math.isnan(revenue) else [revenue]
    for name, _, _ in BRIDGE_STEPS:
        value = steps[name]
        if not math.isnan(value):
            disclosed.append(value)
        rows.append(_row(name, labels[name], "step", value, math.fsum(disclosed)))
    reconciling = net_income - math.fsum(disclosed)
    rows.append(_row("reconciling_other", "Other (reconciling)", "reconciling", reconciling, net_income))
    rows.append(_row("net_income", "Net income", "end", net_income, net_income))
    frame = pd.DataFrame(rows)
    missing = tuple(frame.loc[~frame["disclosed"], "step"])
    return MarginBridge(frame, net_income, reconciling, missing, tuple(notes))


def _row(step: str, label: str, kind: str, value: float, cumulative: float) -> dict[str, object]:
    return {
        "step": step,
        "label": label,
        "kind": kind,
        "value_usd": value,
        "cumulative_usd": cumulative,
        "disclosed": not math.isnan(value),
    }


def gross_profit_ex_da_usd(revenue_usd: float, cost_of_revenue_ex_da_usd: float) -> float:
    """Gross profit before D&A ("hardware profit"): ``revenue - cost of revenue ex-D&A``, USD (E1)."""
    return as_float(revenue_usd) - as_float(cost_of_revenue_ex_da_usd)


def gross_margin_ex_da_pct(revenue_usd: float, cost_of_revenue_ex_da_usd: float) -> float:
    """Gross margin before D&A in percent: ``100 x gross profit ex-D&A / revenue`` (methods ref. E1)."""
    return 100.0 * divide(gross_profit_ex_da_usd(revenue_usd, cost_of_revenue_ex_da_usd), revenue_usd)


def revenue_change_split_usd(
    *,
    btc_prev: float,
    btc_curr: float,
    price_prev_usd: float,
    price_curr_usd: float,
    btc_per_ehs_day_prev: float = math.nan,
    btc_per_ehs_day_curr: float = math.nan,
    revenue_prev_usd: float = math.nan,
    revenue_curr_usd: float = math.nan,
) -> pd.DataFrame:
    """Split a quarter-on-quarter revenue change into volume, network and price effects.

    Mining revenue is modelled as ``R = P x Q`` with ``Q = E x b``: P the average BTC price, Q the BTC
    produced, b the network's BTC per EH/s per day and ``E = Q / b`` the company's effective
    EH/s-days (realized hashrate x days, methods ref. A2, B1). Sequential substitution, in this order:

    - volume  = ``(E1 - E0) x b0 x P0``  (more or fewer effective hash-days),
    - network = ``E1 x (b1 - b0) x P0``  (difficulty, fees, halving, luck),
    - price   = ``(P1 - P0) x Q1``       (the BTC price on the new output),

    which add up to ``P1 Q1 - P0 Q0`` exactly. Without b for both quarters the network effect is not
    separable: volume is ``(Q1 - Q0) x P0`` and network is NaN. When both reported revenues are
    given, ``other`` holds the difference between the reported change and ``P1 Q1 - P0 Q0`` (pool
    fees, price timing, non-mining revenue), so the effects always sum to the ``total`` row.

    Returns:
        Rows ``volume, network, price, other, total`` with columns ``effect, label, usd``.
    """
    p0, p1, q0, q1 = (as_float(v) for v in (price_prev_usd, price_curr_usd, btc_prev, btc_curr))
    b0, b1 = as_float(btc_per_ehs_day_prev), as_float(btc_per_ehs_day_curr)
    volume = network = price = math.nan
    if not any(math.isnan(v) for v in (p0, p1, q0, q1)):
        price = (p1 - p0) * q1
        if math.isnan(divide(q1, b1)) or math.isnan(divide(q0, b0)):
            volume = (q1 - q0) * p0
        else:
            volume = (q1 / b1 - q0 / b0) * b0 * p0
            network = q1 / b1 * (b1 - b0) * p0
    effects = [v for v in (volume, network, price) if not math.isnan(v)]
    reported = as_float(revenue_curr_usd) - as_float(revenue_prev_usd)
    total = reported if not math.isnan(reported) else (math.fsum(effects) if effects else math.nan)
    other = total - math.fsum(effects) if not math.isnan(reported) else math.nan
    labels = ("Volume (effective hash-days)", "Network (BTC per EH/s per day)", "BTC price", "Other", "Total")
    keys = ("volume", "network", "price", "other", "total")
    values = (volume, network, price, other, total)
    return pd.DataFrame({"effect": keys, "label": labels, "usd": values})
