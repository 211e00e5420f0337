"""The controlled vocabulary of company metrics.

Every fact in the dataset names one of these metrics and carries its canonical unit; values are
normalised to that unit on load (``units.py``). Kinds: ``flow`` (over the quarter), ``stock`` (at the
quarter's end), ``rate`` (a ratio or a per-unit figure).
Sign convention: expenses positive; gains, losses and tax benefits carry their sign; a net loss is
negative.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["flow", "stock", "rate"]


@dataclass(frozen=True)
class Metric:
    """One metric of the vocabulary."""

    name: str
    unit: str
    kind: Kind
    label: str
    nonnegative: bool = False


def _m(name: str, unit: str, kind: Kind, label: str, nonnegative: bool = False) -> Metric:
    return Metric(name, unit, kind, label, nonnegative)


_ALL: tuple[Metric, ...] = (
    # operations
    _m("btc_produced", "BTC", "flow", "BTC produced", True),
    _m("btc_sold", "BTC", "flow", "BTC sold", True),
    _m("btc_purchased", "BTC", "flow", "BTC purchased", True),
    _m("btc_held", "BTC", "stock", "BTC held", True),
    _m("btc_pledged", "BTC", "stock", "BTC pledged or loaned", True),
    _m("blocks_won", "blocks", "flow", "Blocks won", True),
    _m("hashrate_installed_ehs", "EH/s", "stock", "Installed hashrate", True),
    _m("hashrate_operating_ehs", "EH/s", "rate", "Operating hashrate", True),
    _m("hashrate_realized_ehs", "EH/s", "rate", "Realized hashrate (reported)", True),
    _m("fleet_efficiency_jth", "J/TH", "rate", "Fleet efficiency", True),
    _m("power_cost_usd_mwh", "USD/MWh", "rate", "Power cost", True),
    _m("energized_mw", "MW", "stock", "Energized capacity", True),
    _m("contracted_mw", "MW", "stock", "Contracted HPC capacity", True),
    _m("cost_to_mine_per_btc", "USD/BTC", "rate", "Reported cost to mine per BTC", True),
    _m("power_cost_per_btc", "USD/BTC", "rate", "Reported power cost per BTC", True),
    _m("power_curtailment_credits", "USD", "flow", "Power curtailment credits"),
    # income statement
    _m("revenue_total", "USD", "flow", "Total revenue", True),
    _m("revenue_mining", "USD", "flow", "Mining revenue", True),
    _m("revenue_hosting", "USD", "flow", "Hosting revenue", True),
    _m("revenue_hpc", "USD", "flow", "HPC/AI revenue", True),
    _m("revenue_other", "USD", "flow", "Other revenue"),
    _m("cost_of_revenue_ex_da", "USD", "flow", "Cost of revenue ex-D&A"),
    _m("cost_of_revenue", "USD", "flow", "Cost of revenue (as reported)"),
    _m("gross_profit", "USD", "flow", "Gross profit"),
    _m("depreciation_amortization", "USD", "flow", "Depreciation and amortization"),
    _m("sga", "USD", "flow", "SG&A"),
    _m("sga_ex_sbc", "USD", "flow", "SG&A ex stock-based comp"),
    _m("stock_based_comp", "USD", "flow", "Stock-based compensation"),
    _m("impairment", "USD", "flow", "Impairments"),
    _m("fv_gain_loss_digital_assets", "USD", "flow", "Fair-value gain (loss) on digital assets"),
    _m("other_operating_gain_loss", "USD", "flow", "Other operating gains (losses)"),
    _m("operating_income", "USD", "flow", "Operating income"),
    _m("interest_expense", "USD", "flow", "Interest expense"),
    _m("interest_income", "USD", "flow", "Interest income"),
    _m("other_nonoperating", "USD", "flow", "Other non-operating items"),
    _m("income_before_tax", "USD", "flow", "Income before tax"),
    _m("income_tax", "USD", "flow", "Income tax (expense positive)"),
    _m("net_income", "USD", "flow", "Net income"),
    _m("adjusted_ebitda", "USD", "flow", "Adjusted EBITDA (company definition)"),
    _m("eps_diluted", "USD/share", "flow", "Diluted EPS"),
    # balance sheet and cash flow
    _m("cash", "USD", "stock", "Cash and equivalents"),
    _m("digital_assets_fair_value", "USD", "stock", "Digital assets at fair value"),
    _m("total_debt", "USD", "stock", "Total debt"),
    _m("short_term_debt", "USD", "stock", "Short-term debt"),
    _m("long_term_debt", "USD", "stock", "Long-term debt"),
    _m("convertible_notes_principal", "USD", "stock", "Convertible notes (principal)"),
    _m("line_of_credit", "USD", "stock", "Line of credit drawn", True),
    _m("total_assets", "USD", "stock", "Total assets"),
    _m("total_liabilities", "USD", "stock", "Total liabilities"),
    _m("stockholders_equity", "USD", "stock", "Stockholders' equity"),
    _m("shares_outstanding", "shares", "stock", "Shares outstanding", True),
    _m("capex", "USD", "flow", "Capital expenditure"),
)

METRICS: dict[str, Metric] = {m.name: m for m in _ALL}

ALIASES: dict[str, str] = {
    # older or source-specific names -> canonical metric (units are converted by ``units.py``)
    "revenue": "revenue_total",
    "revenue_bitcoin_mining": "revenue_mining",
    "revenue_crypto_mining": "revenue_mining",
    "revenue_self_mining": "revenue_mining",
    "revenue_hosted_mining": "revenue_hosting",
    "revenue_colocation": "revenue_hpc",
    "revenue_hpc_lease": "revenue_hpc",
    "revenue_engineering": "revenue_other",
    "btc_mined": "btc_produced",
    "btc_reserve": "btc_held",
    "btc_reserve_consolidated": "btc_held",
    "btc_treasury": "btc_held",
    "cash_and_equivalents": "cash",
    "cash_unrestricted": "cash",
    "cost_of_revenue_ex_depr": "cost_of_revenue_ex_da",
    "net_electricity_costs": "cost_of_revenue_ex_da",
    "depreciation_and_amortization": "depreciation_amortization",
    "depreciation": "depreciation_amortization",
    "g_and_a": "sga",
    "operating_loss": "operating_income",
    "income_before_taxes": "income_before_tax",
    "other_nonoperating_items": "other_nonoperating",
    "gain_fv_bitcoin": "fv_gain_loss_digital_assets",
    "gain_fv_digital_assets": "fv_gain_loss_digital_assets",
    "unrealized_gain_fv_bitcoin": "fv_gain_loss_digital_assets",
    "digital_assets": "digital_assets_fair_value",
    "cryptocurrencies": "digital_assets_fair_value",
    "digital_assets_in_custody": "digital_assets_fair_value",
    "loans_current": "short_term_debt",
    "loans_long_term": "long_term_debt",
    "total_debt_principal": "total_debt",
    "eps_gaap": "eps_diluted",
    "fleet_efficiency": "fleet_efficiency_jth",
    "power_cost_usd_kwh": "power_cost_usd_mwh",
    "power_price": "power_cost_usd_mwh",
    "energy_cost_per_mwh": "power_cost_usd_mwh",
    "all_in_electricity_cost_per_btc": "power_cost_per_btc",
    "electricity_cost_per_btc": "power_cost_per_btc",
    "energy_cost_per_btc": "power_cost_per_btc",
    "purchased_energy_cost_per_btc": "power_cost_per_btc",
    "direct_cost_per_btc": "cost_to_mine_per_btc",
    "cost_to_mine_ex_depr": "cost_to_mine_per_btc",
    "avg_operating_hashrate": "hashrate_operating_ehs",
    "operational_hashrate": "hashrate_operating_ehs",
    "energized_hashrate": "hashrate_installed_ehs",
    "hashrate_capacity": "hashrate_installed_ehs",
    "self_mining_hashrate_eop": "hashrate_installed_ehs",
    "demand_response_proceeds": "power_curtailment_credits",
}
"""Source metric names mapped onto the vocabulary. Names absent from both maps have no canonical home."""


def canonical_metric(name: str) -> str | None:
    """The canonical metric for a source metric name, or ``None`` when it has no home in the vocabulary."""
    if name in METRICS:
        return name
    return ALIASES.get(name)
