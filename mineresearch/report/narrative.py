"""Prose generated from the numbers: the headline and the sections' opening paragraphs.

Every sentence is built from the values passed in; none is canned. A claim ("a record", "a net loss")
appears only when the numbers say so, and a missing value reads "not disclosed". Functions return
plain text; emit it with :func:`to_markdown` or :func:`to_html`, which escape text that came from
data (company names, step labels).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from mineresearch.dataset import periods
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
    net_result,
    pct,
    share,
    to_html,
    to_markdown,
    usd,
    usd_per_ph_day,
)
from mineresearch.report.narrative_money import cost_paragraph, forward_assumptions, margin_paragraph

__all__ = [
    "cost_paragraph",
    "escape_html",
    "forward_assumptions",
    "headline",
    "margin_paragraph",
    "network_paragraph",
    "output_paragraph",
    "shift_period",
    "to_html",
    "to_markdown",
    "treasury_paragraph",
    "treasury_text",
]

HALVING_PERIOD = "2024Q2"
shift_period = periods.shift  # the one period grammar (dataset/periods.py)


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


def treasury_text(name: str, period: str, treasury: Any, scenarios: pd.DataFrame) -> str:
    """:func:`treasury_paragraph` for a summary's treasury section and its drawdown scenarios."""
    t = treasury
    return treasury_paragraph(name, period, btc_held=t.btc_held, scenarios=scenarios, btc_produced=t.btc_produced,
                              btc_sold=t.btc_sold, debt_is_partial=t.debt_is_partial, debt_missing=t.debt_missing,
                              btc_pledged=t.btc_pledged)


def output_paragraph(frame: pd.DataFrame) -> str:
    """How many quarters on file carry net income and how many were losses, and why output and profit part.

    Args:
        frame: One row a quarter with ``net_income_usd`` (NaN where not on file).
    """
    known = frame.dropna(subset=["net_income_usd"])
    n_loss = int((known["net_income_usd"] < 0).sum())
    return (f"{len(known)} quarter(s) with net income on file, {n_loss} of them a loss. Output is an operating "
            "measure; net income also carries depreciation, fair-value marks on bitcoin held, impairments, "
            "financing and tax, so the two can move apart.")
