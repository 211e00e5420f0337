"""Break-evens, shutdown price, ASIC payback with tariffs, margin grids, cash-flow stress (methods ref. D, F2)."""

from __future__ import annotations

import math

import pytest

from mineresearch.metrics.breakeven import (
    TARIFF_CHINA_2025_PCT,
    TARIFF_SE_ASIA_2025_PCT,
    asic_payback_days,
    breakeven_btc_price_from_hashcost_usd,
    breakeven_btc_price_usd,
    breakeven_power_usd_per_mwh,
    cash_flow_stress_usd,
    landed_capex_usd,
    machine_btc_per_day,
    machine_power_cost_usd_per_day,
    margin_grid_price_x_hashrate,
    margin_grid_price_x_power,
    margin_usd_per_btc,
    shutdown_price_usd,
)

S21 = {"hashrate_ths": 200.0, "power_kw": 3.5}


def test_breakeven_power_price_feb_2025() -> None:
    # methods ref. D2: $54.37/PH/day at 20 J/TH -> $113/MWh.
    assert breakeven_power_usd_per_mwh(54.37, 20) == pytest.approx(113, abs=0.5)
    assert breakeven_power_usd_per_mwh(48.0, 20) == pytest.approx(100.0)  # 48,000 / 480
    assert math.isnan(breakeven_power_usd_per_mwh(54.37, 0))


def test_breakeven_btc_price_and_margin() -> None:
    assert breakeven_btc_price_usd(70_000) == 70_000
    assert margin_usd_per_btc(51_000, 70_000) == -19_000
    # hashprice side: $24/PH/day over 0.0005712 BTC/PH/day = the C1 electricity cost per BTC.
    assert breakeven_btc_price_from_hashcost_usd(24.0, 0.5712) == pytest.approx(42_016, abs=1)


def test_shutdown_price_s21() -> None:
    # methods ref. D3: S21 at $0.05/kWh, D = 110.568T, R = 3.1648 -> 1.152e-4 BTC/day, $4.20/day, ~$36.5k.
    assert machine_btc_per_day(200, 110.568e12, 3.1648) == pytest.approx(1.152e-4, rel=1e-3)
    assert machine_power_cost_usd_per_day(3.5, 50) == pytest.approx(4.20)
    assert shutdown_price_usd(200, 3.5, 50, 110.568e12, 3.1648) == pytest.approx(36_500, abs=100)


def test_tariff_constants() -> None:
    assert TARIFF_SE_ASIA_2025_PCT == 21.6
    assert TARIFF_CHINA_2025_PCT == 57.6
    assert landed_capex_usd(3_400, TARIFF_SE_ASIA_2025_PCT) == pytest.approx(4_134.4)
    assert landed_capex_usd(3_400) == 3_400


@pytest.mark.parametrize(
    ("tariff", "days"), [(0.0, 509), (TARIFF_SE_ASIA_2025_PCT, 619), (TARIFF_CHINA_2025_PCT, 803)]
)
def test_asic_payback_with_tariffs(tariff: float, days: int) -> None:
    # methods ref. D4: $3,400 S21, $54.37/PH/day, $0.05/kWh -> $6.67/day net -> 509 / 619 / 803 days.
    payback = asic_payback_days(
        3_400, S21["hashrate_ths"], S21["power_kw"], 54.37, 50, tariff_rate_pct=tariff
    )
    assert payback == pytest.approx(days, abs=0.5)


def test_asic_payback_hand_worked_and_unprofitable() -> None:
    # 100 TH/s at $50/PH/day earns $5/day; 1 kW at $50/MWh costs $1.20/day; $1 other -> $2.80/day.
    assert asic_payback_days(1_400, 100, 1.0, 50, 50, other_cost_usd_per_day=1.0) == pytest.approx(500)
    assert asic_payback_days(3_400, 200, 3.5, 20.0, 50) == math.inf
    assert math.isnan(asic_payback_days(3_400, 200, 3.5, math.nan, 50))


def test_margin_grid_price_x_hashrate() -> None:
    grid = margin_grid_price_x_hashrate(
        [50_000, 100_000], [900, 1_000, 1_200], cost_usd_per_btc=60_000, base_network_hashrate_ehs=1_000
    )
    assert list(grid.columns) == ["x", "y", "margin_usd_per_btc"]
    assert grid.attrs == {"x": "btc_price_usd", "y": "network_hashrate_ehs"}
    assert len(grid) == 6
    cell = grid.set_index(["x", "y"])["margin_usd_per_btc"]
    assert cell[(100_000, 1_200)] == pytest.approx(28_000)  # cost 60k x 1.2 = 72k
    assert cell[(50_000, 900)] == pytest.approx(-4_000)  # cost 54k
    assert cell[(100_000, 1_000)] == pytest.approx(40_000)


def test_margin_grid_price_x_power() -> None:
    grid = margin_grid_price_x_power(
        [80_000, 100_000],
        [40, 80],
        power_cost_usd_per_btc=30_000,
        base_power_usd_per_mwh=40,
        other_cost_usd_per_btc=20_000,
    )
    assert grid.attrs == {"x": "btc_price_usd", "y": "power_usd_per_mwh"}
    cell = grid.set_index(["x", "y"])["margin_usd_per_btc"]
    assert cell[(100_000, 80)] == pytest.approx(20_000)  # power 60k + other 20k
    assert cell[(80_000, 40)] == pytest.approx(30_000)


def test_cash_flow_stress() -> None:
    frame = cash_flow_stress_usd(
        revenue_usd=91e6,
        power_cost_usd=45.5e6,
        other_cash_cost_usd=24.1e6,
        scenarios=[("BTC -20%", -20.0, 0.0), ("power +25%", 0.0, 25.0)],
    )
    flows = dict(zip(frame["scenario"], frame["cash_flow_usd"], strict=True))
    assert flows["base"] == pytest.approx(21.4e6)
    assert flows["BTC -20%"] == pytest.approx(3.2e6)  # 72.8 - 45.5 - 24.1
    assert flows["power +25%"] == pytest.approx(10.025e6)  # 91 - 56.875 - 24.1
    assert frame["change_vs_base_usd"].iloc[1] == pytest.approx(-18.2e6)
    assert frame["change_vs_base_usd"].iloc[0] == 0.0
