"""Summary section 8: treasury risk (BTC reserve, HODL, debt from disclosed parts, leverage, drawdowns, runway)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from mineresearch.analysis.quarter import QuarterData, missing_names
from mineresearch.analysis.sections import Treasury
from mineresearch.metrics.costs import split_sga_usd
from mineresearch.metrics.treasury import (
    btc_value_usd,
    cash_to_short_term_debt_ratio,
    debt_usd,
    drawdown_table,
    hodl_ratio_pct,
    leverage_pct,
    liquidity_runway_quarters,
    sell_ratio_pct,
)


def build_treasury(q: QuarterData, shocks_pct: Sequence[float]) -> Treasury:
    """Section 8: BTC reserve, HODL, leverage, drawdowns, runway."""
    held, price_end, cash = q.c("btc_held"), q.n("price_end_usd"), q.c("cash")
    debt_figure = debt_usd(q.c("total_debt"), q.c("short_term_debt"), q.c("long_term_debt"),
                           q.c("convertible_notes_principal"), q.c("line_of_credit"))
    debt = debt_figure.usd
    value = btc_value_usd(held, price_end)
    drawdown = pd.DataFrame()
    if not math.isnan(value):
        drawdown = drawdown_table(
            btc_held=held, btc_price_usd=price_end, cash_usd=cash, debt_usd=debt, shocks_pct=shocks_pct
        )
    burn = _quarterly_burn(q)
    pledged = q.c("btc_pledged")
    liquid_btc = btc_value_usd(held - pledged, price_end)  # BTC counts only when pledges are disclosed
    liquid_btc = 0.0 if math.isnan(liquid_btc) else liquid_btc
    values = {
        "btc_held": held,
        "price_end_usd": price_end,
        "cash": cash,
        "total_debt": debt,
        "short_term_debt": q.c("short_term_debt"),
        "btc_sold": q.c("btc_sold"),
        "quarterly_cash_burn": burn,
        "convertible_conversion_prices": math.nan,
    }
    return Treasury(
        available=not all(math.isnan(v) for v in (held, cash, debt)),
        missing=missing_names(values),
        btc_held=held,
        btc_pledged=pledged,
        btc_price_end_usd=price_end,
        btc_value_usd=value,
        digital_assets_fair_value_usd=q.c("digital_assets_fair_value"),
        btc_produced=q.c("btc_produced"),
        btc_sold=q.c("btc_sold"),
        sell_ratio_pct=sell_ratio_pct(q.c("btc_sold"), q.c("btc_produced")),
        hodl_ratio_pct=hodl_ratio_pct(q.c("btc_sold"), q.c("btc_produced")),
        cash_usd=cash,
        short_term_debt_usd=q.c("short_term_debt"),
        total_debt_usd=debt,
        cash_to_short_term_debt=cash_to_short_term_debt_ratio(cash, q.c("short_term_debt")),
        leverage_pct=leverage_pct(debt, value, cash),
        drawdown=drawdown,
        quarterly_cash_burn_usd=burn,
        runway_quarters=liquidity_runway_quarters(cash, burn, liquid_btc),
        convertible_notes_principal_usd=q.c("convertible_notes_principal"),
        dilution_pct=math.nan,
        debt_is_partial=not debt_figure.complete and not math.isnan(debt),
        debt_parts=debt_figure.parts,
        debt_missing=debt_figure.missing,
        btc_held_scope=q.scope("btc_held"),
        restricted_btc_value_usd=q.line("digital_assets_fair_value", "Restricted bitcoin"),
    )


def _quarterly_burn(q: QuarterData) -> float:
    """Cash cost of revenue + cash SG&A + interest + capex - revenue (positive = burning)."""
    sga_cash = split_sga_usd(q.c("sga"), q.c("sga_ex_sbc"), q.c("stock_based_comp")).cash_usd
    outflows = (q.c("cost_of_revenue_ex_da"), sga_cash, q.c("interest_expense"), q.c("capex"))
    return math.fsum(outflows) - q.c("revenue_total")
