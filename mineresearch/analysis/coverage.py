"""Which report sections a company-quarter's data supports.

``SECTION_REQUIREMENTS`` is the one place that says what each section needs: a list of groups, and
a section is supported when every group has at least one of its metrics disclosed (all-of over
any-of). The report code reuses it through ``section_support``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from mineresearch.analysis.sections import SECTION_NAMES
from mineresearch.dataset.vocabulary import METRICS

if TYPE_CHECKING:
    from mineresearch.dataset.load import Dataset

_ANY_FACT: tuple[str, ...] = tuple(METRICS)
_COSTS = ("cost_of_revenue_ex_da", "cost_of_revenue", "power_cost_per_btc", "cost_to_mine_per_btc")
_REVENUE = ("revenue_total", "revenue_mining")
_HASHRATE = ("hashrate_installed_ehs", "hashrate_operating_ehs", "hashrate_realized_ehs")

SECTION_REQUIREMENTS: dict[str, tuple[tuple[str, ...], ...]] = {
    "headline": (("net_income",), ("btc_produced", *_REVENUE)),
    "kpis": (("btc_produced", *_REVENUE, "net_income", *_HASHRATE, "btc_held"),),
    "output_vs_profit": (("btc_produced",), ("net_income",)),
    "margin_bridge": (_REVENUE, ("net_income",), ("cost_of_revenue_ex_da", "cost_of_revenue")),
    "cost_stack": (("btc_produced",), _COSTS),
    "network": (("btc_produced", *_HASHRATE),),
    "breakevens": (("btc_produced",), (*_COSTS, "power_cost_usd_mwh")),
    "treasury": (("btc_held", "digital_assets_fair_value", "cash"),),
    "strategy": (("revenue_hpc", "revenue_hosting", "contracted_mw"),),
    "checklist": (_ANY_FACT,),
    "sources": (_ANY_FACT,),
}
"""Section -> groups of metrics; each group needs at least one metric disclosed."""

SECTIONS: tuple[str, ...] = SECTION_NAMES
assert tuple(SECTION_REQUIREMENTS) == SECTION_NAMES, "coverage requirements and the section list out of step"


def section_support(wide_row: pd.Series) -> dict[str, bool]:
    """Sections a company-quarter supports, from one row of ``Dataset.company_quarters``.

    Args:
        wide_row: metric name -> value (NaN or absent = not disclosed).

    Returns:
        ``{section: True/False}`` for every section of ``SECTION_REQUIREMENTS``.
    """
    disclosed = {name for name, value in wide_row.items() if pd.notna(value)}
    return {
        section: all(disclosed.intersection(group) for group in groups)
        for section, groups in SECTION_REQUIREMENTS.items()
    }


def coverage_table(dataset: Dataset, period: str | None = None) -> pd.DataFrame:
    """One row per (ticker, period) with facts: number of metrics on file and a column per section.

    Args:
        dataset: the loaded dataset.
        period: keep one quarter only.
    """
    records: list[dict[str, object]] = []
    for ticker in dataset.tickers(period):
        table = dataset.company_quarters(ticker)
        if period is not None:
            table = table.loc[[period]] if period in table.index else table.iloc[0:0]
        for label, row in table.iterrows():
            records.append({"ticker": ticker, "period": label, "metrics": int(row.notna().sum()),
                            **section_support(row)})
    return pd.DataFrame(records, columns=["ticker", "period", "metrics", *SECTIONS])
