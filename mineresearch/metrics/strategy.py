"""Strategy metrics: the AI/HPC revenue mix and contract revenue per MW-year.

Source section: methods ref. G3. The reference ASIC used for tariff and payback scenarios is also here.
"""

from __future__ import annotations

from mineresearch.metrics._common import as_float, divide

REFERENCE_ASIC_NAME = "Antminer S21"
REFERENCE_ASIC_HASHRATE_THS = 200.0
REFERENCE_ASIC_POWER_KW = 3.5
REFERENCE_ASIC_PRICE_USD = 3_400.0
"""Reference machine for tariff and payback scenarios (methods ref. D3, D4): an S21 at 200 TH/s and
3.5 kW; price: "S21, currently costs miners around $3,400"
(https://noncer.info/2025/04/10/how-bitcoin-miners-are-adjusting-to-the-threat-of-tariffs-blockspace)."""


def revenue_share_pct(part_usd: float, total_usd: float) -> float:
    """A revenue line's share of total revenue: ``100 x part / total`` (methods ref. G3)."""
    return 100.0 * divide(part_usd, total_usd)


def hpc_revenue_share_pct(revenue_hpc_usd: float, revenue_total_usd: float) -> float:
    """HPC/AI share of revenue in percent (methods ref. G3).

    Check: Core Scientific 2024, $24,378k of $510,672k -> 4.8%.
    """
    return revenue_share_pct(revenue_hpc_usd, revenue_total_usd)


def revenue_usd_per_mw_year(contract_value_usd: float, capacity_mw: float, years: float) -> float:
    """Contract revenue per MW per year: ``value / (MW x years)``, USD (methods ref. G3).

    Checks: TeraWulf-Fluidstack $3.7bn over 10 years for 200 MW -> $1.85M; Core Scientific-CoreWeave
    about $290M a year for 200 MW -> $1.45M. State whether MW is critical IT load or gross.
    """
    return divide(contract_value_usd, as_float(capacity_mw) * as_float(years))
