"""Treasury: reserve, HODL, leverage, drawdowns, runway, convertible dilution (methods ref. F1-F3)."""

from __future__ import annotations

import math

import pytest

from mineresearch.metrics.treasury import (
    ConvertibleTranche,
    btc_value_usd,
    cash_to_short_term_debt_ratio,
    conversion_shares,
    dilution_pct,
    drawdown_table,
    hodl_ratio_pct,
    leverage_pct,
    liquidity_runway_quarters,
    net_btc_accumulation,
    sell_ratio_pct,
    weighted_conversion_price_usd,
)

MARA_TRANCHES = [
    ConvertibleTranche(48.077e6, 76.17),
    ConvertibleTranche(300e6, 18.89),
    ConvertibleTranche(1_000e6, 25.91),
    ConvertibleTranche(925e6, 34.58),
    ConvertibleTranche(1_025e6, 20.26),
]
MARA = {"btc_held": 52_850, "btc_price_usd": 113_972, "cash_usd": 826.4e6, "debt_usd": 3_597.6e6}


def test_mara_leverage_2025_09_30() -> None:
    # methods ref. F1: 52,850 BTC x $113,972 = $6.02B; cash $826.4M; debt $3,597.6M -> 52.5%.
    value = btc_value_usd(MARA["btc_held"], MARA["btc_price_usd"])
    assert value == pytest.approx(6_023e6, abs=1e6)
    assert leverage_pct(MARA["debt_usd"], value, MARA["cash_usd"]) == pytest.approx(52.5, abs=0.05)


def test_mara_drawdown_minus_30() -> None:
    # methods ref. F1: BTC -30% -> fair-value loss ~$1.81B pre-tax, leverage 71.3%.
    table = drawdown_table(**MARA, shocks_pct=(-30.0,))
    assert list(table["shock_pct"]) == [0.0, -30.0]
    row = table.iloc[1]
    assert row["fv_change_pretax_usd"] == pytest.approx(-1.81e9, abs=0.005e9)
    assert row["leverage_pct"] == pytest.approx(71.3, abs=0.05)
    assert table.iloc[0]["leverage_pct"] == pytest.approx(52.5, abs=0.05)


def test_drawdown_table_default_shocks_hand_worked() -> None:
    # 10,000 BTC at 110k, cash 200M, debt 650M: -20% -> 880M value, -220M FV, 650 / 1,080 = 60.19%.
    table = drawdown_table(btc_held=10_000, btc_price_usd=110_000, cash_usd=200e6, debt_usd=650e6)
    assert list(table["shock_pct"]) == [0.0, -20.0, -40.0, -60.0]
    row = table.set_index("shock_pct").loc[-20.0]
    assert row["btc_price_usd"] == pytest.approx(88_000)
    assert row["btc_value_usd"] == pytest.approx(880e6)
    assert row["fv_change_pretax_usd"] == pytest.approx(-220e6)
    assert row["leverage_pct"] == pytest.approx(100 * 650 / 1_080)


def test_mara_convertible_dilution() -> None:
    # methods ref. F1: 132.45M shares / 378.18M = 35.0%; weighted conversion price $26.68.
    assert conversion_shares(MARA_TRANCHES) == pytest.approx(132.45e6, abs=0.005e6)
    assert dilution_pct(MARA_TRANCHES, 378.18e6) == pytest.approx(35.0, abs=0.05)
    assert weighted_conversion_price_usd(MARA_TRANCHES) == pytest.approx(26.68, abs=0.005)


def test_dilution_hand_worked_and_empty() -> None:
    tranches = [ConvertibleTranche(100.0, 10.0), ConvertibleTranche(300.0, 30.0)]
    assert conversion_shares(tranches) == 20.0
    assert dilution_pct(tranches, 200.0) == 10.0
    assert weighted_conversion_price_usd(tranches) == 25.0
    assert math.isnan(weighted_conversion_price_usd([]))


def test_sell_and_hodl_ratios() -> None:
    assert sell_ratio_pct(455, 910) == 50.0
    assert hodl_ratio_pct(455, 910) == 50.0
    assert sell_ratio_pct(1_818, 1_000) == pytest.approx(181.8)  # selling from the treasury too
    assert math.isnan(sell_ratio_pct(10, 0))
    assert net_btc_accumulation(2_144, 2_257, 0) == 4_401  # MARA Q3-2025 mined + purchased, F3
    assert math.isnan(net_btc_accumulation(2_144, math.nan, 0))


def test_cash_to_short_term_debt() -> None:
    assert cash_to_short_term_debt_ratio(200e6, 100e6) == 2.0
    assert math.isnan(cash_to_short_term_debt_ratio(200e6, 0.0))


def test_liquidity_runway() -> None:
    assert liquidity_runway_quarters(200e6, 29.6e6, 880e6) == pytest.approx(1_080 / 29.6)
    assert liquidity_runway_quarters(100.0, 25.0) == 4.0
    assert liquidity_runway_quarters(100.0, -5.0) == math.inf
    assert math.isnan(liquidity_runway_quarters(100.0, math.nan))
