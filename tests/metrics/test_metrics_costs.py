"""Cost per BTC: layered stack, SG&A/SBC split, electricity cost, hashcost, fair share (methods ref. B2, C)."""

from __future__ import annotations

import math

import pytest

from mineresearch.metrics.costs import (
    COST_LAYERS,
    cost_per_btc_usd,
    cost_stack_usd_per_btc,
    electricity_cost_usd_per_btc,
    fair_share_ratio,
    hashcost_usd_per_ph_day,
    hashcost_usd_per_ph_day_from_cost,
    implied_profit_usd_per_btc,
    split_sga_usd,
)


def _stack(**overrides: float):
    amounts = {
        "power_usd": 25_000.0,
        "sga_cash_usd": 10_000.0,
        "interest_usd": 15_000.0,
        "depreciation_usd": 20_000.0,
        "sbc_usd": 0.0,
    }
    amounts.update(overrides)
    return cost_stack_usd_per_btc(1.0, btc_price_usd=51_000.0, **amounts)


def test_source_article_stack_70k_against_51k_is_a_19k_loss() -> None:
    # methods ref. C7: 25k energy + 20k depreciation + 15k financing + 10k overhead = 70k; at 51k -> -19k.
    stack = _stack()
    assert list(stack["layer"]) == [key for key, _, _ in COST_LAYERS]
    assert list(stack["usd_per_btc"]) == [25_000.0, 10_000.0, 15_000.0, 20_000.0, 0.0]
    assert list(stack["cumulative_usd_per_btc"]) == [25_000.0, 35_000.0, 50_000.0, 70_000.0, 70_000.0]
    assert stack["profit_usd_per_btc"].iloc[-1] == -19_000.0
    assert list(stack["kind"]) == ["cash", "cash", "cash", "non-cash", "non-cash"]


def test_stack_divides_by_btc_and_applies_fair_share() -> None:
    # 45.5M of cost of revenue x 0.91 fair share / 910 BTC = 45,500 per BTC.
    stack = cost_stack_usd_per_btc(
        910.0,
        power_usd=45.5e6,
        sga_cash_usd=15e6,
        interest_usd=9.1e6,
        depreciation_usd=30e6,
        sbc_usd=5e6,
        fair_share=0.91,
        btc_price_usd=100_000.0,
    )
    assert list(stack["usd_per_btc"]) == pytest.approx([45_500, 15_000, 9_100, 30_000, 5_000])
    assert stack["cumulative_usd_per_btc"].iloc[-1] == pytest.approx(104_600)
    assert stack["profit_usd_per_btc"].iloc[-1] == pytest.approx(-4_600)


def test_missing_layer_blanks_the_cumulative_from_there_up() -> None:
    stack = _stack(interest_usd=math.nan)
    assert list(stack["disclosed"]) == [True, True, False, True, True]
    assert stack["cumulative_usd_per_btc"].iloc[1] == 35_000.0
    assert stack["cumulative_usd_per_btc"].iloc[2:].isna().all()
    assert stack["usd_per_btc"].iloc[3] == 20_000.0  # the layer itself is still shown


def test_stack_without_price_has_no_profit() -> None:
    stack = cost_stack_usd_per_btc(
        1.0, power_usd=1.0, sga_cash_usd=1.0, interest_usd=1.0, depreciation_usd=1.0, sbc_usd=1.0
    )
    assert stack["profit_usd_per_btc"].isna().all()
    assert stack["cumulative_usd_per_btc"].iloc[-1] == 5.0


def test_cost_per_btc_and_profit() -> None:
    assert cost_per_btc_usd(35_275_000, 844) == pytest.approx(41_795, abs=1)  # Riot Q2-2024 gross, C2
    assert math.isnan(cost_per_btc_usd(1_000, 0))
    assert implied_profit_usd_per_btc(51_000, 70_000) == -19_000


def test_split_sga_prefers_company_sga_ex_sbc() -> None:
    split = split_sga_usd(20e6, 14e6, 5e6)
    assert (split.total_usd, split.cash_usd, split.sbc_usd, split.sbc_inside_sga) == (20e6, 14e6, 6e6, True)


def test_split_sga_carves_sbc_out_once() -> None:
    split = split_sga_usd(20e6, math.nan, 5e6)
    assert (split.cash_usd, split.sbc_usd, split.sbc_inside_sga) == (15e6, 5e6, True)
    assert split.cash_usd + split.sbc_usd == split.total_usd


def test_split_sga_when_sbc_exceeds_sga_is_not_separable() -> None:
    split = split_sga_usd(4e6, math.nan, 5e6)
    assert split.total_usd == 4e6
    assert math.isnan(split.cash_usd) and math.isnan(split.sbc_usd)
    assert split.sbc_inside_sga is False


def test_split_sga_with_only_ex_sbc_or_nothing() -> None:
    split = split_sga_usd(math.nan, 14e6, 5e6)
    assert (split.cash_usd, split.sbc_usd, split.sbc_inside_sga) == (14e6, 5e6, False)
    assert math.isnan(split.total_usd)
    empty = split_sga_usd(math.nan, math.nan, math.nan)
    assert math.isnan(empty.cash_usd) and math.isnan(empty.sbc_usd)


def test_fair_share_ratio() -> None:
    assert fair_share_ratio(91e6, 100e6) == pytest.approx(0.91)
    assert fair_share_ratio(408_740, 510_672) == pytest.approx(0.8004, abs=1e-4)  # Core Scientific 2024
    assert math.isnan(fair_share_ratio(math.nan, 100e6))
    with pytest.raises(ValueError, match="fair share"):
        fair_share_ratio(120e6, 100e6)


def test_hashcost_20_jth_at_50_usd_per_mwh() -> None:
    # methods ref. B2: 20 J/TH x $50/MWh x 24 / 1000 = $24/PH/day.
    assert hashcost_usd_per_ph_day(20, 50) == pytest.approx(24.0)


def test_hashcost_from_cost_iren_q4_2024() -> None:
    # methods ref. B2: 43,700 $/BTC x 0.0006532 BTC/PH/day -> $28.5/PH/day.
    assert hashcost_usd_per_ph_day_from_cost(43_700, 0.6532) == pytest.approx(28.5, abs=0.05)


def test_electricity_cost_per_btc_feb_2025() -> None:
    # methods ref. C1: 20 J/TH, $50/MWh, 0.5712 BTC/EH/day -> $42,016/BTC.
    assert electricity_cost_usd_per_btc(20, 50, 0.5712) == pytest.approx(42_016, abs=1)
    assert math.isnan(electricity_cost_usd_per_btc(20, 50, 0.0))
