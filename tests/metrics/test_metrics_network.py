"""Network metrics against docs/methods.md worked checks (section 0, A1-A4) and their algebraic properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mineresearch.metrics.network import (
    block_subsidy_btc,
    block_subsidy_btc_array,
    blocks_per_day_from_hashrate,
    difficulty_from_hashrate,
    expected_btc_per_ehs_day,
    fee_share,
    halving_heights,
    hashprice_btc_per_ph_day,
    hashprice_sats_per_th_day,
    hashprice_usd_per_ph_day,
    hashrate_ehs_from_difficulty,
    next_halving_height,
    realized_btc_per_ehs_day,
    realized_hashprice_btc_per_ph_day,
    realized_hashprice_usd_per_ph_day,
    subsidy_btc_for_blocks,
)

prices = st.floats(1.0, 1e7)
difficulties = st.floats(1e6, 1e16)
rewards = st.floats(0.01, 60.0)
heights = st.integers(0, 15_000_000)


def test_hashrate_from_difficulty_worked_checks() -> None:
    # methods ref. A1: D = 86.39T at the 2024 halving -> 618.4 EH/s; D = 110.57T -> 791.5 EH/s
    assert hashrate_ehs_from_difficulty(86.39e12) == pytest.approx(618.4, abs=0.05)
    assert hashrate_ehs_from_difficulty(110.57e12) == pytest.approx(791.5, abs=0.05)
    # a 1,200 s interval halves the implied hashrate
    assert hashrate_ehs_from_difficulty(110.57e12, block_interval_s=1200.0) == pytest.approx(791.49 / 2, rel=1e-4)


def test_hashrate_from_difficulty_is_vectorised() -> None:
    series = pd.Series([86.39e12, 110.57e12], index=["halving", "feb-2025"])
    out = hashrate_ehs_from_difficulty(series)
    assert list(out.index) == ["halving", "feb-2025"]
    np.testing.assert_allclose(out.to_numpy(), [618.40, 791.49], atol=0.01)
    # the difficulty that implies exactly 1 EH/s at 600 s blocks
    np.testing.assert_allclose(hashrate_ehs_from_difficulty(np.array([1e18 * 600 / 2**32])), [1.0], rtol=1e-12)


def test_block_subsidy_schedule() -> None:
    # docs/methods.md section 0: 840,000 // 210,000 = 4 halvings -> 50 / 16 = 3.125 BTC
    assert block_subsidy_btc(0) == 50.0
    assert block_subsidy_btc(209_999) == 50.0
    assert block_subsidy_btc(210_000) == 25.0
    assert block_subsidy_btc(839_999) == 6.25
    assert block_subsidy_btc(840_000) == 3.125
    assert block_subsidy_btc(1_050_000) == 1.5625
    assert block_subsidy_btc(32 * 210_000) == 1e-8  # 50e8 >> 32 = 1 sat
    assert block_subsidy_btc(33 * 210_000) == 0.0
    assert block_subsidy_btc(64 * 210_000) == 0.0
    with pytest.raises(ValueError):
        block_subsidy_btc(-1)


def test_block_subsidy_array_matches_scalar() -> None:
    hs = np.array([0, 209_999, 210_000, 839_999, 840_000, 1_050_000, 6_720_000, 6_930_000, 13_440_000, 20_000_000])
    expected = [block_subsidy_btc(int(h)) for h in hs]
    np.testing.assert_array_equal(block_subsidy_btc_array(hs), expected)


def test_subsidy_for_blocks_splits_a_halving_day() -> None:
    # 100 blocks below 840,000 at 6.25 BTC and 44 from it at 3.125 BTC
    assert subsidy_btc_for_blocks(839_900, 144) == 100 * 6.25 + 44 * 3.125
    out = subsidy_btc_for_blocks(pd.Series([839_856.0, 840_000.0, np.nan]), pd.Series([144.0, 144.0, 144.0]))
    assert out.iloc[0] == 144 * 6.25
    assert out.iloc[1] == 144 * 3.125
    assert np.isnan(out.iloc[2])


def test_halving_heights_and_next() -> None:
    hs = halving_heights()
    assert hs[:4] == (210_000, 420_000, 630_000, 840_000)
    assert len(hs) == 33 and hs[-1] == 6_930_000
    assert next_halving_height(840_000) == 1_050_000
    assert next_halving_height(839_999) == 840_000
    assert block_subsidy_btc(next_halving_height(900_000)) == 1.5625


def test_hashprice_difficulty_form_against_hashrate_index() -> None:
    # methods ref. A3: Hashrate Index 2025-03-03 "$49.40 per PH/s/Day"; D=110.568T, R=3.1648, P=$86,316 -> $49.70
    value = hashprice_usd_per_ph_day(86_316.0, 110.568e12, 3.1648)
    assert value == pytest.approx(49.70, abs=0.005)
    assert value == pytest.approx(49.40, rel=0.01)


def test_btc_hashprice_worked_check() -> None:
    # methods ref. A3: 1e12 x 86,400 / (110.57T x 2^32) = 1.819e-7 blocks per TH/day, x 3.17 BTC -> ~57.7 sats
    assert hashprice_sats_per_th_day(110.57e12, 3.17) == pytest.approx(57.7, abs=0.05)
    assert hashprice_btc_per_ph_day(110.57e12, 3.17) == pytest.approx(57.67e-8 * 1000, rel=1e-3)
    assert expected_btc_per_ehs_day(110.57e12, 3.17) == pytest.approx(0.5767, abs=1e-4)


def test_realized_forms_hand_worked() -> None:
    # 450 BTC subsidy + 10 BTC fees at $100,000 over 800 EH/s: 46,000,000 / 800,000 PH/s = $57.50/PH/day
    assert realized_hashprice_usd_per_ph_day(450.0, 10.0, 100_000.0, 800.0) == 57.5
    assert realized_hashprice_btc_per_ph_day(450.0, 10.0, 800.0) == 460.0 / 800_000.0
    assert realized_btc_per_ehs_day(460.0, 800.0) == 0.575
    # TheMinerMag Feb-2023 (methods ref. A2): 26,907 BTC over 297 EH/s -> 90.6 BTC per EH/s in the month
    assert realized_btc_per_ehs_day(26_907.0 / 28, 297.0) * 28 == pytest.approx(90.6, abs=0.05)


def test_fee_share_hand_worked() -> None:
    assert fee_share(10.0, 450.0) == pytest.approx(10 / 460)
    np.testing.assert_allclose(fee_share(np.array([0.0, 50.0]), np.array([450.0, 450.0])), [0.0, 0.1])


def test_blocks_and_difficulty_identities_invert_each_other() -> None:
    # Coin Metrics: HashRate = BlkCnt / 144 x DiffMean x 2^32 / 600; 144 blocks at D reproduce the 600 s rate
    hr = hashrate_ehs_from_difficulty(100e12)
    assert blocks_per_day_from_hashrate(hr, 100e12) == pytest.approx(144.0, rel=1e-12)
    assert difficulty_from_hashrate(hr, 144.0) == pytest.approx(100e12, rel=1e-12)


@given(prices, difficulties, rewards, st.floats(0.1, 10.0))
def test_hashprice_linear_in_price(price: float, difficulty: float, reward: float, k: float) -> None:
    base = hashprice_usd_per_ph_day(price, difficulty, reward)
    assert hashprice_usd_per_ph_day(price * k, difficulty, reward) == pytest.approx(base * k, rel=1e-9)


@given(prices, difficulties, rewards, st.floats(0.1, 10.0))
def test_hashprice_inverse_in_difficulty(price: float, difficulty: float, reward: float, k: float) -> None:
    base = hashprice_usd_per_ph_day(price, difficulty, reward)
    assert hashprice_usd_per_ph_day(price, difficulty * k, reward) * k == pytest.approx(base, rel=1e-9)


@given(heights, heights)
def test_subsidy_non_increasing_in_height(a: int, b: int) -> None:
    low, high = min(a, b), max(a, b)
    assert block_subsidy_btc(low) >= block_subsidy_btc(high)


@given(st.integers(0, 7_000_000), st.integers(0, 400))
def test_subsidy_for_blocks_equals_sum_of_blocks(first: int, n: int) -> None:
    expected = block_subsidy_btc_array(np.arange(first, first + n)).sum() if n else 0.0
    assert subsidy_btc_for_blocks(first, n) == pytest.approx(expected, abs=1e-9)


@given(st.floats(0.0, 1e4), st.floats(0.001, 1e4))
def test_fee_share_in_unit_interval(fees: float, subsidy: float) -> None:
    assert 0.0 <= fee_share(fees, subsidy) <= 1.0
