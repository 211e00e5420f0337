"""How each company reports: the per-company facts about its statements that the metrics rely on.

Each entry is a row of a table with its reason, not code: which companies print bitcoin mining as their
only revenue line (so mining revenue is total revenue), whose cost of revenue excludes D&A as printed,
which printed line of cost of revenue is the mining segment's, and which printed line of other operating
items holds power curtailment credits. ``docs/methods.md`` ("Reporting basis per company") lists them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

MINING_ONLY_REVENUE: dict[str, str] = {
    "CIFR": "Cipher's income statement prints 'Revenue - bitcoin mining' as its only revenue line (10-Q, Q1 2026 "
            "and its 2025 comparatives)",
    "CLSK": "CleanSpark's 10-Qs for 2024 and fiscal 2025 print 'Bitcoin mining revenue, net' as the only revenue line",
}
"""Companies whose only revenue line in the quarters on file is mining revenue: it is their total revenue."""

COST_OF_REVENUE_EXCLUDES_DA: dict[str, str] = {
    "CIFR": "Cipher prints depreciation and amortization as its own line below cost of revenue",
}
"""Companies whose cost of revenue, as printed, excludes depreciation and amortization."""

MINING_SEGMENT_LINES: dict[str, str] = {
    "RIOT": "Bitcoin Mining",
}
"""The printed line of cost of revenue ex-D&A that is the mining segment's (TheMinerMag's cost basis)."""

CREDIT_LINES: dict[str, str] = {
    "RIOT": "Power curtailment credits",
}
"""The printed line of other operating items that holds power curtailment credits (positive = credit)."""


def with_reporting_basis(ticker: str, quarters: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, tuple[str, ...]]]:
    """The company's quarters with the fills its reporting basis allows, and a note per filled period.

    Total revenue comes from mining revenue where the company prints mining as its only revenue line and
    total revenue is not on file; cost of revenue ex-D&A comes from cost of revenue where the company
    prints D&A apart. Nothing else is filled.
    """
    out = quarters.copy()
    notes: dict[str, list[str]] = {}
    for period in out.index:
        row = out.loc[period]
        if ticker in MINING_ONLY_REVENUE and _missing(row, "revenue_total") and not _missing(row, "revenue_mining"):
            out.loc[period, "revenue_total"] = row["revenue_mining"]
            notes.setdefault(str(period), []).append(
                f"Total revenue is mining revenue: {MINING_ONLY_REVENUE[ticker]}.")
        if (ticker in COST_OF_REVENUE_EXCLUDES_DA and _missing(row, "cost_of_revenue_ex_da")
                and not _missing(row, "cost_of_revenue")):
            out.loc[period, "cost_of_revenue_ex_da"] = row["cost_of_revenue"]
            notes.setdefault(str(period), []).append(
                f"Cost of revenue ex-D&A is cost of revenue as printed: {COST_OF_REVENUE_EXCLUDES_DA[ticker]}.")
    return out, {p: tuple(n) for p, n in notes.items()}


def _missing(row: Mapping[str, object] | pd.Series, name: str) -> bool:
    value = row.get(name, math.nan)
    return value is None or (isinstance(value, float) and math.isnan(value))
