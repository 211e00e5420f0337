"""Production metrics: realized hashrate, realization, share of network, changes, records (methods ref. B1)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from mineresearch.metrics.production import (
    average_fleet_ehs,
    btc_per_ehs_day,
    change_pct,
    is_record_high,
    network_share_pct,
    qoq_change_pct,
    realization_rate_pct,
    realized_hashrate_ehs,
    record_check,
    value_at,
    yoy_change_pct,
)


def test_realized_hashrate_iren_feb_2025() -> None:
    # methods ref. B1: 459 BTC against 12,958.3 network BTC at 810.2 EH/s -> 28.70 EH/s.
    assert realized_hashrate_ehs(459, 12_958.3, 810.2) == pytest.approx(28.70, abs=0.005)


def test_realized_hashrate_mara_q3_2025() -> None:
    # methods ref. B1: 2,144 BTC, network 43,171.8 BTC at 961.3 EH/s -> 47.7 EH/s, ~79% of 60.4 EH/s.
    realized = realized_hashrate_ehs(2_144, 43_171.8, 961.3)
    assert realized == pytest.approx(47.7, abs=0.05)
    assert realization_rate_pct(realized, 60.4) == pytest.approx(79.0, abs=0.5)


def test_realized_hashrate_hand_worked() -> None:
    # 910 BTC when the network earned 45,500 BTC at 1,000 EH/s -> 910 / 45.5 = 20 EH/s.
    assert realized_hashrate_ehs(910, 45_500, 1_000) == pytest.approx(20.0)


def test_realized_hashrate_missing_or_zero_network_is_nan() -> None:
    assert math.isnan(realized_hashrate_ehs(910, 0.0, 1_000))
    assert math.isnan(realized_hashrate_ehs(math.nan, 45_500, 1_000))
    assert math.isnan(realized_hashrate_ehs(910, 45_500, None))  # type: ignore[arg-type]


def test_network_share_mara_q3_2025_btc_and_blocks() -> None:
    # methods ref. B1: BTC share 4.97%, block share 4.62%.
    assert network_share_pct(2_144, 43_171.8) == pytest.approx(4.97, abs=0.005)
    assert network_share_pct(633, 13_694) == pytest.approx(4.62, abs=0.005)


def test_realization_rate_hand_worked() -> None:
    assert realization_rate_pct(20.0, 25.0) == pytest.approx(80.0)
    assert math.isnan(realization_rate_pct(20.0, 0.0))


def test_btc_per_ehs_day_compass_example() -> None:
    # Compass: 1000 / 1165 PH/s x 151 BTC = 129.62 BTC per EH/s over the month (days = 1 gives per period).
    assert btc_per_ehs_day(151, 1.165, 1) == pytest.approx(129.61, abs=0.01)
    # 910 BTC from 25 EH/s over 91 days -> 0.4 BTC/EH/day.
    assert btc_per_ehs_day(910, 25, 91) == pytest.approx(0.4)


def test_change_pct_hand_worked_and_negative_base() -> None:
    assert change_pct(910, 800) == pytest.approx(13.75)
    assert change_pct(-50, -100) == pytest.approx(50.0)  # a smaller loss is an improvement
    assert change_pct(-150, -100) == pytest.approx(-50.0)
    assert math.isnan(change_pct(10, 0))
    assert math.isnan(change_pct(10, math.nan))


def test_qoq_and_yoy_from_series() -> None:
    values = pd.Series({"2024Q2": 700.0, "2025Q1": 800.0, "2025Q2": 910.0})
    assert qoq_change_pct(values, "2025Q2") == pytest.approx(13.75)
    assert yoy_change_pct(values, "2025Q2") == pytest.approx(30.0)
    assert math.isnan(qoq_change_pct(values, "2024Q2"))  # 2024Q1 is not on file
    assert math.isnan(value_at(values, "2023Q1"))
    assert value_at(values, "2025Q1") == 800.0


def test_qoq_crosses_year_boundary() -> None:
    values = pd.Series({"2024Q4": 50.0, "2025Q1": 75.0})
    assert qoq_change_pct(values, "2025Q1") == pytest.approx(50.0)


def test_is_record_high() -> None:
    values = pd.Series(
        {"2024Q1": 600.0, "2024Q2": 700.0, "2024Q3": 750.0, "2024Q4": 850.0, "2025Q1": 800.0, "2025Q2": 910.0,
         "2025Q3": 990.0}
    )
    assert is_record_high(values, "2025Q2") is True  # five quarters before it, no gap; later quarters do not count
    assert is_record_high(values, "2025Q1") is False
    assert is_record_high(values, "2024Q1") is None  # nothing earlier on file
    assert is_record_high(pd.Series({"2025Q1": 910.0, "2025Q2": 910.0}), "2025Q2") is False  # tie
    assert is_record_high(pd.Series({"2025Q1": 1.0, "2025Q2": math.nan}), "2025Q2") is None


def test_record_needs_four_consecutive_quarters_before_it() -> None:
    # The CLSK case: 2024Q2 and 2025Q1 on file, 2024Q3-Q4 missing -> the highest of 3 quarters, not a record.
    clsk = pd.Series({"2024Q2": 1_500.0, "2024Q3": math.nan, "2025Q1": 1_900.0, "2025Q2": 2_012.0})
    check = record_check(clsk, "2025Q2")
    assert (check.is_highest, check.is_record, check.quarters_on_file, check.consecutive_before) == (True, False, 3, 1)
    assert is_record_high(clsk, "2025Q2") is False
    # Exactly four consecutive quarters before it: a record.
    four = pd.Series({"2024Q2": 1.0, "2024Q3": 2.0, "2024Q4": 3.0, "2025Q1": 4.0, "2025Q2": 5.0})
    assert record_check(four, "2025Q2").is_record is True
    # Three consecutive quarters, with an older higher one beyond the gap: not even the highest.
    gapped = pd.Series({"2023Q1": 9.0, "2024Q3": 2.0, "2024Q4": 3.0, "2025Q1": 4.0, "2025Q2": 5.0})
    check = record_check(gapped, "2025Q2")
    assert (check.is_highest, check.is_record, check.quarters_on_file) == (False, False, 5)
    # Four consecutive, but beaten by an older quarter before a gap: not a record.
    older = pd.Series({"2022Q1": 9.0, "2024Q2": 1.0, "2024Q3": 2.0, "2024Q4": 3.0, "2025Q1": 4.0, "2025Q2": 5.0})
    assert record_check(older, "2025Q2").is_record is False


def test_is_record_high_ignores_missing_earlier_quarters() -> None:
    values = pd.Series({"2024Q4": math.nan, "2025Q1": 5.0, "2025Q2": 6.0})
    assert record_check(values, "2025Q2").is_highest is True
    assert is_record_high(values, "2025Q2") is False  # one quarter of history: "the highest of 2 quarters on file"


def test_realization_on_average_fleet_mara_2025q2() -> None:
    # AUDIT row 5: MARA 2025Q2 realized 49.9 EH/s; fleet 54.3 EH/s at 2025Q1 end, 57.4 EH/s at 2025Q2 end.
    assert realization_rate_pct(49.9, 57.4, 54.3) == pytest.approx(89.35, abs=0.01)
    assert realization_rate_pct(49.9, 57.4) == pytest.approx(86.93, abs=0.01)  # quarter-end only
    assert average_fleet_ehs(54.3, 57.4) == (pytest.approx(55.85), "average")
    assert average_fleet_ehs(math.nan, 57.4) == (57.4, "quarter-end")
    value, basis = average_fleet_ehs(54.3, math.nan)
    assert math.isnan(value) and basis == ""


def test_bad_period_label_raises() -> None:
    with pytest.raises(ValueError, match="2025-Q2"):
        qoq_change_pct(pd.Series({"2025Q2": 1.0}), "2025-Q2")
    with pytest.raises(ValueError, match="2025-Q2"):
        is_record_high(pd.Series({"2025Q2": 1.0}), "2025-Q2")
