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

CHECKPOINTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("gross_profit_ex_da", "Gross profit ex-D&A", ("cost_of_revenue_ex_da",)),
    ("operating_income", "Operating income", ("depreciation_amortization", "sga", "stock_based_comp", "impairment",
                                               "fv_gain_loss_digital_assets", "other_operating_gain_loss")),
    ("income_before_tax", "Income before tax", ("interest_expense", "interest_income", "other_nonoperating")),
    ("net_income", "Net income", ("income_tax",)),
)
"""The subtotals the bridge passes through, each with the steps that lead to it. A reported subtotal confines
whatever is not broken out to its own stretch of the bridge."""

REMAINDER_LABELS: dict[str, str] = {
    "gross_profit_ex_da": "Not broken out (cost of revenue)",
    "operating_income": "Not broken out (operating)",
    "income_before_tax": "Not broken out (non-operating)",
    "net_income": "Not broken out (tax and other)",
}
LARGE_REMAINDER_PCT = 10.0
"""A remainder above this share of revenue is called out in the report's prose."""


@dataclass(frozen=True)
class MarginBridge:
    """A revenue-to-net-income bridge through reported subtotals that always ends at the reported net income.

    Attributes:
        frame: one row per line with columns ``step, label, kind, value_usd, cumulative_usd, disclosed,
            share_of_revenue_pct``. ``kind`` is ``start`` (revenue), ``step`` (a disclosed line, its signed
            effect on net income), ``remainder`` (what a reported subtotal holds beyond the disclosed lines
            before it: "not broken out"), ``checkpoint`` (a subtotal: reported, or computed from disclosed
            lines when every line before it is disclosed) or ``end`` (net income). Undisclosed lines have
            no row; they are named in ``missing``.
        net_income_usd: the reported net income the bridge ends at.
        reconciling_usd: the sum of the remainders (what the undisclosed lines amount to in all).
        remainders: remainder per reported checkpoint (``operating_income``, ``income_before_tax``,
            ``net_income``), USD; gross profit ex-D&A is never reported as such, only computed.
        missing: the lines that were not disclosed (their amounts sit in the remainder of their stretch).
        notes: how SG&A and SBC were separated, which subtotals are reported, and other caveats.
        revenue_usd: the revenue the bridge starts from (NaN when none is on file).
    """

    frame: pd.DataFrame
    net_income_usd: float
    reconciling_usd: float
    remainders: dict[str, float]
    missing: tuple[str, ...]
    notes: tuple[str, ...]
    revenue_usd: float = math.nan

    def large_remainders(self, threshold_pct: float = LARGE_REMAINDER_PCT) -> dict[str, float]:
        """Remainders whose size is above ``threshold_pct`` of revenue (all non-zero ones without revenue)."""
        out: dict[str, float] = {}
        for key, value in self.remainders.items():
            if round(value) == 0:
                continue
            share = divide(abs(value), abs(self.revenue_usd)) * 100
            if math.isnan(share) or share > threshold_pct:
                out[key] = value
        return out


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
            "it is left in the remainder of its stretch."
        )
    return {name: sign * values[name] + 0.0 for name, _, sign in BRIDGE_STEPS}, labels, notes


DETAILED_STEPS: tuple[str, ...] = ("other_operating_gain_loss", "other_nonoperating")
"""Steps shown line by line where the printed lines are on file (a one-off stays visible by its own name)."""


def margin_bridge(
    lines: Mapping[str, object], details: Mapping[str, Mapping[str, float]] | None = None
) -> MarginBridge:
    """Bridge a quarter from revenue to the reported net income through reported subtotals (methods ref. E1).

    Revenue, then each stretch of lines up to a subtotal: cost of revenue ex-D&A to gross profit ex-D&A;
    D&A, SG&A ex-SBC, SBC, impairments, fair-value marks and other operating items to operating income;
    interest and other non-operating items to income before tax; income tax to net income. Where a
    subtotal is reported, what its stretch holds beyond the disclosed lines is a "not broken out" remainder
    of that stretch, so an undisclosed line is confined to one step. Where a subtotal is not reported, its
    stretch runs on to the next reported one. Net income is always reported, so the bridge ends there.

    Args:
        lines: canonical metric values for one company-quarter (a mapping or a row of
            ``Dataset.company_quarters``); ``net_income`` is required.
        details: printed lines of a step (metric -> {printed label: signed amount}); for the steps in
            ``DETAILED_STEPS`` they replace the step's single row when they add up to it, so a one-off
            (Riot's 2025Q2 loss on contract settlement) is named rather than folded into "other".

    Raises:
        ValueError: when net income is missing (there is nothing to reconcile to).
    """
    net_income = as_float(lines.get("net_income"))
    if math.isnan(net_income):
        raise ValueError("the margin bridge needs a reported net_income")
    steps, labels, notes = _step_values(lines)
    details = details or {}
    revenue = as_float(lines.get("revenue_total"))
    rows = [_row("revenue_total", "Revenue", "start", revenue, 0.0 if math.isnan(revenue) else revenue)]
    level = 0.0 if math.isnan(revenue) else revenue
    remainders: dict[str, float] = {}
    complete = not math.isnan(revenue)  # every line so far disclosed: a computed subtotal is exact
    missing: list[str] = [] if complete else ["revenue_total"]
    reported: list[str] = []
    stretch_from = "revenue"
    for key, label, names in CHECKPOINTS:
        for name in names:
            value = steps[name]
            if math.isnan(value):
                missing.append(name)
                complete = False
                continue
            printed = details.get(name, {}) if name in DETAILED_STEPS else {}
            if len(printed) > 1 and abs(math.fsum(printed.values()) - value) < 1.0:
                for text, amount in _grouped(printed, revenue, labels[name]):
                    level += amount
                    rows.append(_row(name, text, "step", amount, level))
                continue
            level += value
            rows.append(_row(name, labels[name], "step", value, level))
        target = net_income if key == "net_income" else as_float(lines.get(key))
        if math.isnan(target):
            if complete and key != "net_income":
                rows.append(_row(key, f"{label} (computed)", "checkpoint", level, level))
                stretch_from = _lower(label)  # exact: every line before it is disclosed
            continue
        remainder = target - level
        if abs(remainder) > 1e-9 * max(1.0, abs(target), abs(level)):  # shown unless float noise: lines add up
            text = REMAINDER_LABELS[key]
            if not remainders and math.isnan(revenue):
                text = f"Revenue and lines not broken out (to {_lower(label)})"
            elif stretch_from != _previous(key):
                text = f"Not broken out ({stretch_from} to {_lower(label)})"
            rows.append(_row(f"remainder_{key}", text, "remainder", remainder, target))
            remainders[key] = remainder
        level, complete, stretch_from = target, True, _lower(label)
        if key != "net_income":
            reported.append(_lower(label))
            rows.append(_row(key, label, "checkpoint", target, target))
    rows.append(_row("net_income", "Net income", "end", net_income, net_income))
    frame = pd.DataFrame(rows)
    frame["share_of_revenue_pct"] = [100 * divide(v, abs(revenue)) for v in frame["value_usd"]]
    if reported:
        notes.append(f"Reported subtotals used as checkpoints: {', '.join(reported)}.")
    return MarginBridge(frame, net_income, math.fsum(remainders.values()), remainders, tuple(missing),
                        tuple(notes), revenue)


SMALL_LINE_PCT = 1.0
"""Printed lines smaller than this share of revenue are shown together."""


def _grouped(printed: Mapping[str, float], revenue: float, label: str) -> list[tuple[str, float]]:
    """Printed lines, largest effect first; those under ``SMALL_LINE_PCT`` of revenue summed into one row."""
    big: list[tuple[str, float]] = []
    small: list[tuple[str, float]] = []
    for text, amount in sorted(printed.items(), key=lambda kv: -abs(kv[1])):
        share = divide(abs(amount), abs(revenue)) * 100
        (small if not math.isnan(share) and share < SMALL_LINE_PCT else big).append((text, float(amount)))
    if len(small) > 1:
        big.append((f"{label}: {len(small)} smaller lines", math.fsum(a for _, a in small)))
    else:
        big += small
    return big


def _previous(key: str) -> str:
    """The label (lower case) of the checkpoint before ``key``; ``revenue`` before the first."""
    keys = [k for k, _, _ in CHECKPOINTS]
    index = keys.index(key)
    return "revenue" if index == 0 else _lower(CHECKPOINTS[index - 1][1])


def _lower(label: str) -> str:
    return label[:1].lower() + label[1:]


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
