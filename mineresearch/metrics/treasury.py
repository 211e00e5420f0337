"""Treasury and balance-sheet risk: BTC reserve, HODL, leverage, drawdowns, runway, convertible dilution.

Source sections: methods ref. F1 (Convertible Monitor's reserve, leverage, conversion price and
dilution formulas), F2 (liquidity and runway), F3 (mined vs sold), E2 (fair-value sensitivity).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from mineresearch.metrics._common import as_float, divide

DEFAULT_SHOCKS_PCT: tuple[float, ...] = (-20.0, -40.0, -60.0)


@dataclass(frozen=True)
class ConvertibleTranche:
    """One convertible note issue.

    Attributes:
        principal_usd: principal outstanding, USD.
        conversion_price_usd: conversion price per share, USD.
    """

    principal_usd: float
    conversion_price_usd: float


def btc_value_usd(btc_held: float, btc_price_usd: float) -> float:
    """Value of a BTC holding: ``BTC x price``, USD (methods ref. F1 "BTC reserve")."""
    return as_float(btc_held) * as_float(btc_price_usd)


def sell_ratio_pct(btc_sold: float, btc_produced: float) -> float:
    """BTC sold as a share of BTC mined in the period: ``100 x sold / mined`` (methods ref. F3).

    Above 100 means the company also sold from its treasury.
    """
    return 100.0 * divide(btc_sold, btc_produced)


def hodl_ratio_pct(btc_sold: float, btc_produced: float) -> float:
    """Share of the period's output kept: ``100 x (mined - sold) / mined`` (methods ref. F3)."""
    return 100.0 * divide(as_float(btc_produced) - as_float(btc_sold), btc_produced)


def net_btc_accumulation(btc_produced: float, btc_purchased: float, btc_sold: float) -> float:
    """BTC added to the treasury: ``mined + purchased - sold``, BTC (methods ref. F3).

    Pass 0 for purchases only when the company states it bought none; NaN propagates.
    """
    return as_float(btc_produced) + as_float(btc_purchased) - as_float(btc_sold)


def cash_to_short_term_debt_ratio(cash_usd: float, short_term_debt_usd: float) -> float:
    """Cash cover of debt due within a year: ``cash / short-term debt`` (x; methods ref. F2)."""
    return divide(cash_usd, short_term_debt_usd)


@dataclass(frozen=True)
class DebtFigure:
    """Debt for leverage: the value, whether it is complete, the parts summed and the parts missing."""

    usd: float
    complete: bool
    parts: tuple[str, ...]
    missing: tuple[str, ...]


def debt_usd(
    total_debt_usd: float,
    short_term_debt_usd: float,
    long_term_debt_usd: float,
    convertible_notes_principal_usd: float = math.nan,
    line_of_credit_usd: float = math.nan,
) -> DebtFigure:
    """Debt from what is disclosed (methods ref. F1, "Completeness"): total debt, else the sum of its parts.

    Total debt when on file (complete). Otherwise short-term plus long-term debt, complete when both are
    on file. A drawn line of credit counts only when short-term debt is not on file (a current borrowing
    sits inside it otherwise); convertible notes count only when long-term debt is not on file (they sit
    inside it otherwise). A sum that misses short- or long-term debt is partial: a lower bound.
    """
    total = as_float(total_debt_usd)
    if not math.isnan(total):
        return DebtFigure(total, True, ("total_debt",), ())
    short, long_ = as_float(short_term_debt_usd), as_float(long_term_debt_usd)
    parts: dict[str, float] = {"short_term_debt": short, "long_term_debt": long_}
    if math.isnan(short):
        parts["line_of_credit"] = as_float(line_of_credit_usd)
    if math.isnan(long_):
        parts["convertible_notes_principal"] = as_float(convertible_notes_principal_usd)
    known = {k: v for k, v in parts.items() if not math.isnan(v)}
    if not known:
        return DebtFigure(math.nan, False, (), ("total_debt",))
    complete = not (math.isnan(short) or math.isnan(long_))
    missing = tuple(k for k in ("short_term_debt", "long_term_debt") if math.isnan(parts[k]))
    return DebtFigure(math.fsum(known.values()), complete, tuple(known), missing)


def leverage_pct(debt_usd: float, btc_value_usd: float, cash_usd: float) -> float:
    """Convertible Monitor leverage: ``100 x debt / (BTC value + cash)`` (methods ref. F1).

    Check: MARA 2025-09-30, $3,597.6M / (52,850 x $113,972 + $826.4M) = 52.5%.
    """
    return 100.0 * divide(debt_usd, as_float(btc_value_usd) + as_float(cash_usd))


def drawdown_table(
    *,
    btc_held: float,
    btc_price_usd: float,
    cash_usd: float,
    debt_usd: float,
    shocks_pct: Iterable[float] = DEFAULT_SHOCKS_PCT,
) -> pd.DataFrame:
    """BTC value, fair-value loss and leverage after BTC price drops (methods ref. E2, F1, F2).

    For each shock d (e.g. -20 for a 20% fall): price ``P x (1 + d/100)``, BTC value at that price,
    the pre-tax fair-value change on the whole holding ``BTC x P x d/100`` (negative for a fall,
    the vocabulary's sign) and leverage at the new value. Cash and debt are held fixed. Check: MARA
    2025-09-30 at -30% -> fair-value loss about $1.81B and leverage 71.3%.

    Returns:
        Columns ``shock_pct, btc_price_usd, btc_value_usd, fv_change_pretax_usd, leverage_pct``,
        starting with the unshocked row (shock 0).
    """
    held, price = as_float(btc_held), as_float(btc_price_usd)
    rows = []
    for shock in (0.0, *shocks_pct):
        shocked_price = price * (1.0 + float(shock) / 100.0)
        value = btc_value_usd(held, shocked_price)
        rows.append(
            (
                float(shock),
                shocked_price,
                value,
                held * price * float(shock) / 100.0,
                leverage_pct(debt_usd, value, cash_usd),
            )
        )
    columns = ["shock_pct", "btc_price_usd", "btc_value_usd", "fv_change_pretax_usd", "leverage_pct"]
    return pd.DataFrame(rows, columns=columns)


def liquidity_runway_quarters(
    cash_usd: float, quarterly_cash_burn_usd: float, liquid_btc_value_usd: float = 0.0
) -> float:
    """Quarters the liquid reserve lasts at the current burn: ``(cash + liquid BTC) / burn`` (F2).

    Args:
        cash_usd: cash and equivalents, USD.
        quarterly_cash_burn_usd: cash consumed per quarter (positive = burning), USD.
        liquid_btc_value_usd: value of BTC that could be sold (unpledged), USD; 0 to count cash only.

    Returns:
        Quarters of runway; ``inf`` when the company is not burning cash; NaN when an input is missing.
    """
    burn = as_float(quarterly_cash_burn_usd)
    reserve = as_float(cash_usd) + as_float(liquid_btc_value_usd)
    if math.isnan(burn) or math.isnan(reserve):
        return math.nan
    if burn <= 0.0:
        return math.inf
    return reserve / burn


def conversion_shares(tranches: Sequence[ConvertibleTranche]) -> float:
    """Shares issued if every tranche converts: ``sum(principal / conversion price)`` (methods ref. F1)."""
    return math.fsum(divide(t.principal_usd, t.conversion_price_usd) for t in tranches)


def dilution_pct(tranches: Sequence[ConvertibleTranche], shares_outstanding: float) -> float:
    """Dilution if all convertibles convert: ``100 x conversion shares / shares outstanding`` (F1).

    Check: MARA's five tranches -> 132.45M shares / 378.18M = 35.0%.
    """
    return 100.0 * divide(conversion_shares(tranches), shares_outstanding)


def weighted_conversion_price_usd(tranches: Sequence[ConvertibleTranche]) -> float:
    """Principal-weighted conversion price: ``sum(principal x price) / sum(principal)``, USD (F1).

    Check: MARA's five tranches -> $26.68.
    """
    weighted = math.fsum(t.principal_usd * t.conversion_price_usd for t in tranches)
    return divide(weighted, math.fsum(t.principal_usd for t in tranches))
