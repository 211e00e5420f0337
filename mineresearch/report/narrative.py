"""Prose generated from the numbers: the headline and the sections' opening paragraphs.

Every sentence is built from the values passed in; none is canned. A claim ("a record", "a net loss")
appears only when the numbers say so, and a missing value reads "not disclosed". Functions return
plain text; emit it with :func:`to_markdown` or :func:`to_html`, which escape text that came from
data (company names, step labels).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

import pandas as pd

from mineresearch.metrics.changes import change_pct
from mineresearch.metrics.production import RecordCheck, record_check
from mineresearch.report.formatting import (
    NOT_DISCLOSED,
    btc,
    change_phrase,
    ehs,
    escape_html,
    is_missing,
    join_words,
    lower_first,
    net_result,
    pct,
    share,
    to_html,
    to_markdown,
    usd,
    usd_per_btc,
    usd_per_ph_day,
)

__all__ = [
    "cost_paragraph",
    "escape_html",
    "headline",
    "margin_paragraph",
    "network_paragraph",
    "shift_period",
    "to_html",
    "to_markdown",
    "treasury_paragraph",
]

HALVING_PERIOD = "2024Q2"
_PERIOD = re.compile(r"^(\d{4})Q([1-4])$")


def shift_period(period: str, quarters: int) -> str:
    """The calendar-quarter label ``quarters`` away: ``shift_period("2025Q1", -1) == "2024Q4"``."""
    match = _PERIOD.match(period)
    if match is None:
        raise ValueError(f"period {period!r} is not a calendar-quarter label like '2025Q2'")
    index = int(match[1]) * 4 + int(match[2]) - 1 + quarters
    return f"{index // 4}Q{index % 4 + 1}"


def _value(series: pd.Series | Mapping[str, float], key: str) -> float:
    value = series.get(key, math.nan)
    return math.nan if is_missing(value) else float(value)


def headline(
    name: str,
    period: str,
    btc_produced: pd.Series | Mapping[str, float],
    net_income_usd: float | None,
    *,
    record: RecordCheck | None = None,
) -> str:
    """One sentence setting the quarter's output (operations) against its net income (financials).

    "A record" is said only when :func:`mineresearch.metrics.production.record_check` says so: output
    above every earlier quarter on file with at least four consecutive quarters on file just before it.
    Output that is the highest of a shorter or gapped history reads "the highest of the N quarters on
    file"; "yet" contrasts rising output with a net loss.

    Args:
        name: Company name as it should read.
        period: The quarter, e.g. ``"2025Q2"``.
        btc_produced: BTC produced by quarter label, every quarter on file (NaN where not disclosed).
        net_income_usd: The quarter's net income in USD (a loss negative), or None/NaN.
        record: the record check computed by the summary (``Headline.btc_produced_rank``); computed
            from ``btc_produced`` when not given.

    Returns:
        The headline sentence.
    """
    output = _value(btc_produced, period)
    income_missing = is_missing(net_income_usd)
    if math.isnan(output):
        if income_missing:
            return f"{name}'s bitcoin output and net income for {period} are {NOT_DISCLOSED}."
        closed = net_result(net_income_usd)
        return f"{name}'s bitcoin output for {period} is {NOT_DISCLOSED}; the quarter closed with {closed}."
    if record is None:
        record = record_check(pd.Series(dict(btc_produced), dtype=float), period)
    previous = shift_period(period, -1)
    move = change_phrase(output, _value(btc_produced, previous), previous)
    if record.is_record:
        count = record.quarters_on_file
        opening = f"{name} mined a record {btc(output)} in {period} (the most of {count} quarters on file)"
    else:
        clauses = [f"the highest of the {record.quarters_on_file} quarters on file"] if record.is_highest else []
        clauses += [move] if move else []
        opening = f"{name} mined {btc(output)} in {period}" + (f", {', '.join(clauses)}," if clauses else "")
    rising = bool(record.is_highest) or change_pct(output, _value(btc_produced, previous)) > 0
    if income_missing:
        return f"{opening.rstrip(',')}; net income for the quarter is {NOT_DISCLOSED}."
    income = float(net_income_usd)  # type: ignore[arg-type]
    if round(income) == 0:
        return f"{opening} and broke even at the net line."
    if income < 0:
        return f"{opening} {'yet' if rising else 'and'} booked {net_result(income)}."
    return f"{opening} and earned {net_result(income)}."


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


def _network_changes(network: pd.DataFrame, column: str, period: str) -> str:
    current = _value(network[column], period)
    moves = [
        change_phrase(current, _value(network[column], p), p)
        for p in (shift_period(period, -1), shift_period(period, -4))
    ]
    moves = [m for m in moves if m]
    return f" ({join_words(moves)})" if moves else ""


def network_paragraph(
    network: pd.DataFrame, period: str, *, name: str | None = None, hashrate_realized_ehs: float | None = None
) -> str:
    """Hashprice, network hashrate and fees for the quarter, with changes on the quarter and the year.

    Args:
        network: Indexed by period label; columns ``hashprice_usd_per_ph_day`` (USD/PH/day),
            ``hashrate_avg_ehs`` (EH/s), ``fee_share`` (fraction of block rewards) and optionally
            ``price_avg_usd`` (USD).
        period: The quarter, e.g. ``"2025Q2"``.
        name: Company name, for the share-of-network sentence.
        hashrate_realized_ehs: The company's realized hashrate in EH/s, or None.

    Returns:
        A paragraph; mentions the April 2024 halving when the year-on-year comparison spans it.
    """
    if period not in network.index:
        return f"Network data for {period} is {NOT_DISCLOSED}."
    row = network.loc[period]
    hashprice, hashrate = row.get("hashprice_usd_per_ph_day"), row.get("hashrate_avg_ehs")
    sentences = [
        f"In {period} hashprice averaged {usd_per_ph_day(hashprice)}"
        + (_network_changes(network, "hashprice_usd_per_ph_day", period) if not is_missing(hashprice) else "")
        + f" and network hashrate {ehs(hashrate)}"
        + (_network_changes(network, "hashrate_avg_ehs", period) if not is_missing(hashrate) else "")
        + "."
    ]
    if not is_missing(row.get("fee_share")):
        sentences.append(f"Transaction fees were {share(row['fee_share'])} of block rewards.")
    if not is_missing(row.get("price_avg_usd")):
        sentences.append(f"Bitcoin averaged {usd(row['price_avg_usd'])}.")
    if shift_period(period, -4) <= HALVING_PERIOD <= period:
        sentences.append(
            "Comparisons with a year earlier span the halving of 20 April 2024, which cut the block subsidy "
            "from 6.25 to 3.125 BTC."
        )
    if name and not is_missing(hashrate_realized_ehs) and not is_missing(hashrate) and float(hashrate) > 0:
        portion = float(hashrate_realized_ehs) / float(hashrate)  # type: ignore[arg-type]
        realized = ehs(hashrate_realized_ehs)
        sentences.append(f"{name}'s realized hashrate of {realized} was {share(portion, decimals=2)} of the network.")
    return " ".join(sentences)


def _stood(label: str, value: float | None) -> str:
    return f"{label} is {NOT_DISCLOSED}" if is_missing(value) else f"{label} stood at {usd(value)}"


def treasury_paragraph(
    name: str,
    period: str,
    *,
    btc_held: float | None,
    scenarios: pd.DataFrame,
    btc_produced: float | None = None,
    btc_sold: float | None = None,
    debt_is_partial: bool = False,
    debt_missing: tuple[str, ...] = (),
    btc_pledged: float | None = None,
) -> str:
    """Holdings, cash against debt, leverage now and under the worst BTC price scenario, sales.

    A debt figure summed from some of its parts (``debt_is_partial``) reads "at least", and so does the
    leverage computed from it; ``debt_missing`` names the parts not on file.

    Args:
        name: Company name.
        period: The quarter, e.g. ``"2025Q2"``.
        btc_held: BTC held at the quarter's end, or None/NaN.
        scenarios: One row a scenario, the first at current prices. Columns: ``scenario``,
            ``btc_value_usd``, ``cash_usd``, ``debt_usd`` (USD), ``leverage_pct`` (percent).
        btc_produced: BTC mined in the quarter, for the sales sentence.
        btc_sold: BTC sold in the quarter.

    Returns:
        A paragraph.
    """
    if scenarios.empty:
        now = pd.Series(dtype=float)
    else:
        now = scenarios.iloc[0]
    if is_missing(btc_held):
        sentences = [f"{name}'s bitcoin holdings at the end of {period} are {NOT_DISCLOSED}."]
    else:
        value = now.get("btc_value_usd")
        worth = f", worth {usd(value)}" if not is_missing(value) else ""
        sentences = [f"At the end of {period} {name} held {btc(btc_held)}{worth}."]
        if not is_missing(btc_pledged) and float(btc_pledged) > 0:  # type: ignore[arg-type]
            sentences.append(f"Of these, {btc(btc_pledged)} were pledged, restricted or loaned.")
    at_least = "at least " if debt_is_partial else ""
    debt_value = now.get("debt_usd")
    debt_text = _stood("debt", debt_value) if not debt_is_partial or is_missing(debt_value) else \
        f"debt stood at least at {usd(debt_value)} ({join_words([m.replace('_', ' ') for m in debt_missing])} " \
        f"{NOT_DISCLOSED})"
    sentences.append(f"{_stood('Cash', now.get('cash_usd'))} and {debt_text}.")
    leverage = now.get("leverage_pct")
    if not is_missing(leverage):
        sentences.append(f"Debt came to {at_least}{pct(leverage, decimals=0)} of BTC and cash reserves.")
        rest = scenarios.iloc[1:].dropna(subset=["leverage_pct"])
        if not rest.empty:
            worst = rest.loc[rest["leverage_pct"].astype(float).idxmax()]
            sentences.append(
                f"In the {worst['scenario']} BTC price scenario that ratio would reach "
                f"{at_least}{pct(worst['leverage_pct'], decimals=0)}."
            )
    else:
        sentences.append(f"Leverage cannot be computed: an input is {NOT_DISCLOSED}.")
    if not is_missing(btc_sold) and not is_missing(btc_produced) and float(btc_produced) > 0:  # type: ignore[arg-type]
        ratio = float(btc_sold) / float(btc_produced)  # type: ignore[arg-type]
        sold = f"It sold {btc(btc_sold)} of the {btc(btc_produced)} it mined in the quarter"
        sentences.append(f"{sold} (a sell ratio of {share(ratio, decimals=0)}).")
    return " ".join(sentences)
