"""Prose for the money sections: the margin bridge paragraph and the cost-per-bitcoin paragraph.

Part of the report's generated prose (``narrative`` re-exports both functions). A total is named only when
it is complete, a remainder over 10% of revenue is called out, and a price comparison is made only where the
disclosed figures settle it (docs/methods.md, sections 4 and 5).
"""

from __future__ import annotations

import math
import re
from typing import Any

import pandas as pd

from mineresearch.report.formatting import (
    NOT_DISCLOSED,
    is_missing,
    join_words,
    lower_first,
    net_result,
    pct,
    share,
    usd,
    usd_per_btc,
    usd_per_ph_day,
)


def _opening_sentence(totals: pd.DataFrame) -> str:
    start, end = totals.iloc[0], totals.iloc[-1]
    opening = f"{start['step']} of {usd(start['amount_usd'])}"
    if len(totals) == 1:
        return f"{opening} is the only level of the bridge on file; net income is {NOT_DISCLOSED}."
    label = str(end["step"])
    end_text = (
        net_result(end["amount_usd"]) if "net" in label.lower() else f"{lower_first(label)} of {usd(end['amount_usd'])}"
    )
    return f"{opening} became {end_text}."


def _drag_sentence(drags: pd.DataFrame, start: pd.Series) -> str:
    base, base_name = float(start["amount_usd"]), lower_first(str(start["step"]))
    parts = [
        f"{lower_first(str(r.step))} ({usd(-r.amount_usd)}"
        + (f", {pct(-r.amount_usd / base * 100, decimals=0)} of {base_name})" if base > 0 else ")")
        for r in drags.itertuples()
    ]
    noun = "charge was" if len(parts) == 1 else "charges were"
    return f"The largest {noun} {join_words(parts)}."


def margin_paragraph(steps: pd.DataFrame, *, top_n: int = 2, other_step: str = "Other") -> str:
    """What drove the margin: the start and end of the bridge and its largest negative steps.

    Args:
        steps: The margin bridge in order. Columns: ``step`` (label), ``amount_usd`` (USD; for a
            delta its signed effect on profit), ``kind`` (``"total"`` or ``"delta"``). The first total
            is the starting level (revenue), the last the end (net income).
        top_n: How many of the largest negative steps to name.
        other_step: Label of the reconciling step, described separately.

    Returns:
        A paragraph of one to five sentences.
    """
    data = steps.loc[:, ["step", "amount_usd", "kind"]].copy()
    data["amount_usd"] = pd.to_numeric(data["amount_usd"], errors="coerce")
    totals = data[data["kind"] == "total"].dropna(subset=["amount_usd"])
    if totals.empty:
        return f"The bridge from revenue to net income is {NOT_DISCLOSED}."
    levels = data[data["kind"] == "total"]
    if len(totals) == 1 and len(levels) > 1 and pd.isna(levels["amount_usd"].iloc[0]):
        sentences = [
            f"{levels['step'].iloc[0]} is {NOT_DISCLOSED} as a total for the quarter, so the bridge cannot start "
            f"from it; the quarter closed with {net_result(totals['amount_usd'].iloc[0])}."
        ]
    else:
        sentences = [_opening_sentence(totals)]
    remainder = steps["remainder"].astype(bool) if "remainder" in steps.columns else data["step"].eq(other_step)
    deltas = data[(data["kind"] != "total") & ~remainder]
    named = deltas.dropna(subset=["amount_usd"])
    drags = named[named["amount_usd"] < 0].sort_values("amount_usd").head(top_n)
    if not drags.empty:
        sentences.append(_drag_sentence(drags, totals.iloc[0]))
    gains = named[named["amount_usd"] > 0].sort_values("amount_usd", ascending=False)
    if not gains.empty:
        lead = f"{lower_first(str(gains['step'].iloc[0]))} ({usd(gains['amount_usd'].iloc[0])})"
        sentences.append(f"Items adding to profit came to {usd(gains['amount_usd'].sum())}, led by {lead}.")
    undisclosed = [lower_first(str(u)) for u in deltas[deltas["amount_usd"].isna()]["step"]]
    if undisclosed:
        sentences.append(f"Not disclosed for the quarter: {join_words(undisclosed)}.")
    sentences += _remainder_sentences(data[remainder & (data["kind"] != "total")], totals.iloc[0])
    return " ".join(sentences)


LARGE_REMAINDER_PCT = 10.0


def _remainder_sentences(rows: pd.DataFrame, start: pd.Series) -> list[str]:
    """What the 'not broken out' steps hold: each over 10% of revenue is called out with its share."""
    base = float(start["amount_usd"]) if "revenue" in str(start["step"]).lower() else math.nan
    out: list[str] = []
    for r in rows.dropna(subset=["amount_usd"]).itertuples():
        amount = float(r.amount_usd)
        if round(amount) == 0:
            continue
        share_pct = abs(amount) / abs(base) * 100 if not math.isnan(base) and base != 0 else math.nan
        match = re.search(r"\((.*)\)$", str(r.step))
        stretch = match.group(1) if match else lower_first(str(r.step))
        if math.isnan(share_pct) or share_pct > LARGE_REMAINDER_PCT:
            of = f" ({pct(share_pct, decimals=0)} of revenue)" if not math.isnan(share_pct) else ""
            out.append(f"Caution: {usd(amount)}{of} is not broken out ({stretch}): the lines of that stretch are "
                       "not on file, so the bridge reaches the reported figure without explaining it.")
        else:
            out.append(f"Lines not broken out come to {usd(amount)} ({stretch}).")
    return out


def _price_sentence(price_usd: float | None, cash_cost: float, all_in: float, *, cash_floor: float = math.nan,
                    all_in_floor: float = math.nan) -> str:
    """The average price against the costs: a claim only where the disclosed layers support it.

    ``cash_cost``/``all_in`` are complete totals (NaN when a layer is missing); ``*_floor`` are the sums of
    the disclosed layers, lower bounds of the totals (every layer is a cost, except credits, which are
    disclosed where they exist).
    """
    if is_missing(price_usd):
        return f"The quarter's average BTC price is {NOT_DISCLOSED}, so no margin per coin is computed."
    price = float(price_usd)  # type: ignore[arg-type]
    at = f"The average BTC price of {usd(price)}"
    if not math.isnan(all_in):
        gap = price - all_in
        if gap >= 0:
            return f"{at} covered the all-in cost with {usd_per_btc(gap)} to spare."
        if not math.isnan(cash_cost) and price >= cash_cost:
            return (f"{at} covered cash costs with {usd_per_btc(price - cash_cost)} to spare but fell "
                    f"{usd_per_btc(-gap)} short of the all-in cost.")
        return f"{at} fell {usd_per_btc(-gap)} short of the all-in cost."
    if not math.isnan(all_in_floor) and price < all_in_floor:
        return (f"{at} fell at least {usd_per_btc(all_in_floor - price)} short of the all-in cost, since the "
                "disclosed layers alone exceed it.")
    if not math.isnan(cash_cost):
        gap = price - cash_cost
        verdict = f"covered cash costs with {usd_per_btc(gap)} to spare" if gap >= 0 else \
            f"fell {usd_per_btc(-gap)} short of cash costs"
        return f"{at} {verdict}; the margin after every cost cannot be stated."
    floor = all_in_floor if math.isnan(cash_floor) else cash_floor
    if not math.isnan(floor):
        return (f"{at} was {usd_per_btc(price - floor)} above the disclosed layers; with layers not disclosed, "
                "whether it covered the full cost cannot be said.")
    return f"{at} cannot be set against a complete cost: the layers are {NOT_DISCLOSED}."


def cost_paragraph(layers: pd.DataFrame, *, price_usd: float | None, period: str) -> str:
    """The cost of a bitcoin, layer by layer, against the quarter's average price.

    Totals are named only when complete: the cash cost when every cash layer is disclosed, the all-in cost
    when every layer is. Otherwise the paragraph gives the disclosed layers as a floor ("at least") and
    names what is missing; a price comparison is made only where the floor already settles it.

    Args:
        layers: Cost layers in stacking order. Columns: ``layer`` (label), ``usd_per_btc`` (that
            layer's own cost, USD per BTC, NaN when not disclosed) and optionally ``cash`` (bool:
            True for cash layers such as power, credits, cash SG&A and interest).
        price_usd: The quarter's average BTC price in USD, or None/NaN.
        period: The quarter, e.g. ``"2025Q2"``.

    Returns:
        A paragraph; layers not disclosed are named and never counted as zero.
    """
    data = layers.copy()
    data["usd_per_btc"] = pd.to_numeric(data["usd_per_btc"], errors="coerce")
    known = data.dropna(subset=["usd_per_btc"])
    if known.empty:
        return f"Cost per bitcoin for {period} is {NOT_DISCLOSED}."
    first = known.iloc[0]
    sentences = [f"In {period}, {lower_first(str(first['layer']))} cost {usd_per_btc(first['usd_per_btc'])}."]
    is_cash = data["cash"].astype(bool) if "cash" in data.columns else pd.Series(False, index=data.index)
    cash_rows = data[is_cash]
    cash_cost = cash_floor = math.nan
    if not cash_rows.empty and cash_rows["usd_per_btc"].notna().any():
        cash_floor = float(cash_rows["usd_per_btc"].sum())
        names = join_words([lower_first(str(v)) for v in cash_rows["layer"]])
        if cash_rows["usd_per_btc"].notna().all():
            cash_cost = cash_floor
            sentences.append(f"Cash costs ({names}) came to {usd_per_btc(cash_cost)}.")
    all_in_floor = float(known["usd_per_btc"].sum())
    missing = data[data["usd_per_btc"].isna()]["layer"].astype(str).tolist()
    all_in = math.nan
    if missing:
        sentences.append(
            f"The all-in cost is not computable: {join_words([lower_first(m) for m in missing])} "
            f"{'is' if len(missing) == 1 else 'are'} {NOT_DISCLOSED}; the disclosed layers come to at least "
            f"{usd_per_btc(all_in_floor)}."
        )
    else:
        all_in = all_in_floor
        sentences.append(f"Every layer is disclosed: the all-in cost is {usd_per_btc(all_in)}.")
    sentences.append(_price_sentence(price_usd, cash_cost, all_in, cash_floor=cash_floor, all_in_floor=all_in_floor))
    return " ".join(sentences)


def forward_assumptions(f: Any, *, hashprice: float, power: float) -> str:
    """The assumptions of the payback cases, in one paragraph (``forward.ForwardAssumptions``)."""
    growth = f.difficulty_growth_pct_per_month
    basis = "a report parameter" if f.growth_basis == "report parameter" else f"the {f.growth_basis}"
    direction = "falls" if growth >= 0 else "rises"
    halving = f.halving_date.strftime("%B %Y")
    when = (f"month {f.halving_month}" if f.halving_month is not None
            else f"after the {f.horizon_months} months simulated")
    dated = "a report parameter" if f.halving_basis == "report parameter" else f"estimated: {f.halving_basis}"
    return (
        f"Assumptions: network difficulty grows {growth:+.2f}% a month ({basis}), so at a constant BTC price and "
        f"fee level hashprice {direction} by the same factor each month from the quarter's "
        f"{usd_per_ph_day(hashprice)}; the next halving (block {f.halving_height:,}) is taken in {halving} "
        f"({dated}), {when}, and halves the subsidy while fees ({share(f.fee_share)} of rewards) stay; pool fee "
        f"{f.pool_fee_pct:.1f}%; PUE {f.pue:.2f}; power ${power:,.1f}/MWh; full uptime; no resale value. The "
        "machine stops in the first month its daily margin is not positive. Static payback: the quarter's "
        "hashprice and power price held for ever, with no pool fee or PUE."
    )
