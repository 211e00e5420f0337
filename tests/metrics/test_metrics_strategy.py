"""Strategy: HPC revenue share and revenue per MW-year (methods ref. G3)."""

from __future__ import annotations

import math

import pytest

from mineresearch.metrics.strategy import (
    REFERENCE_ASIC_HASHRATE_THS,
    REFERENCE_ASIC_POWER_KW,
    REFERENCE_ASIC_PRICE_USD,
    hpc_revenue_share_pct,
    revenue_share_pct,
    revenue_usd_per_mw_year,
)


def test_core_scientific_2024_hpc_share() -> None:
    # methods ref. G3: 24,378 / (408,740 + 77,554 + 24,378) = 4.8%.
    assert hpc_revenue_share_pct(24_378, 408_740 + 77_554 + 24_378) == pytest.approx(4.8, abs=0.05)


def test_revenue_share_hand_worked() -> None:
    assert revenue_share_pct(9e6, 100e6) == pytest.approx(9.0)
    assert math.isnan(revenue_share_pct(9e6, 0.0))
    assert math.isnan(hpc_revenue_share_pct(math.nan, 100e6))


def test_revenue_per_mw_year_published_contracts() -> None:
    # TeraWulf-Fluidstack $3.7bn / 10 y / 200 MW -> $1.85M; Core Scientific $290M a year / 200 MW -> $1.45M.
    assert revenue_usd_per_mw_year(3.7e9, 200, 10) == pytest.approx(1.85e6)
    assert revenue_usd_per_mw_year(290e6, 200, 1) == pytest.approx(1.45e6)
    assert revenue_usd_per_mw_year(3.7e9, 250, 10) == pytest.approx(1.48e6)  # ForkLog's 250 MW reading
    assert math.isnan(revenue_usd_per_mw_year(1.0, 0, 10))


def test_reference_asic_is_the_d3_s21() -> None:
    assert (REFERENCE_ASIC_HASHRATE_THS, REFERENCE_ASIC_POWER_KW, REFERENCE_ASIC_PRICE_USD) == (
        200.0,
        3.5,
        3_400.0,
    )
    assert REFERENCE_ASIC_POWER_KW * 1_000 / REFERENCE_ASIC_HASHRATE_THS == 17.5  # J/TH
