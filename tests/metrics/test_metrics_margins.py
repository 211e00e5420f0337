"""Margin bridge to net income and the revenue change split (methods ref. E1)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from mineresearch.metrics.margins import (
    gross_margin_ex_da_pct,
    gross_profit_ex_da_usd,
    margin_bridge,
    revenue_change_split_usd,
)

M = 1e6
FULL = {
    "revenue_total": 100 * M,
    "cost_of_revenue_ex_da": 45.5 * M,
    "depreciation_amortization": 30 * M,
    "sga": 20 * M,
    "stock_based_comp": 5 * M,
    "impairment": 2 * M,
    "fv_gain_loss_digital_assets": 50 * M,
    "interest_expense": 9.1 * M,
    "interest_income": 1 * M,
    "income_tax": 3 * M,
    "net_income": 40 * M,
}


def _values(bridge) -> dict[str, float]:
    return dict(zip(bridge.frame["step"], bridge.frame["value_usd"], strict=True))


def test_bridge_hand_worked() -> None:
    bridge = margin_bridge(FULL)
    values = _values(bridge)
    assert values["revenue_total"] == 100 * M
    assert values["cost_of_revenue_ex_da"] == -45.5 * M
    assert values["depreciation_amortization"] == -30 * M
    assert values["sga"] == -15 * M  # SBC carved out of SG&A ...
    assert values["stock_based_comp"] == -5 * M  # ... and shown once
    assert values["impairment"] == -2 * M
    assert values["fv_gain_loss_digital_assets"] == 50 * M
    assert values["interest_expense"] == pytest.approx(-9.1 * M)
    assert values["interest_income"] == 1 * M
    assert values["income_tax"] == -3 * M
    # 100 - 45.5 - 30 - 15 - 5 - 2 + 50 - 9.1 + 1 - 3 = 41.4; reported 40 -> reconciling -1.4.
    assert bridge.reconciling_usd == pytest.approx(-1.4 * M)
    assert bridge.frame["cumulative_usd"].iloc[-1] == 40 * M
    assert bridge.frame["cumulative_usd"].iloc[-2] == 40 * M
    assert list(bridge.frame["kind"].iloc[[0, -2, -1]]) == ["start", "remainder", "end"]
    assert set(bridge.missing) == {"other_operating_gain_loss", "other_nonoperating"}
    assert any("counted once" in note for note in bridge.notes)


def test_bridge_cumulative_running_total() -> None:
    frame = margin_bridge(FULL).frame.set_index("step")
    assert frame.at["cost_of_revenue_ex_da", "cumulative_usd"] == pytest.approx(54.5 * M)
    assert frame.at["stock_based_comp", "cumulative_usd"] == pytest.approx(4.5 * M)
    # an undisclosed step has no row: the bridge shows what is disclosed and names the rest in ``missing``
    assert "other_operating_gain_loss" not in frame.index


def test_tax_benefit_adds_to_net_income() -> None:
    bridge = margin_bridge({"revenue_total": 10.0, "income_tax": -2.0, "net_income": 12.0})
    assert _values(bridge)["income_tax"] == 2.0
    assert bridge.reconciling_usd == 0.0


def test_bridge_with_only_net_income() -> None:
    bridge = margin_bridge({"net_income": -5 * M})
    assert bridge.reconciling_usd == -5 * M
    assert bridge.frame["cumulative_usd"].iloc[-1] == -5 * M
    assert "revenue_total" in bridge.missing and "income_tax" in bridge.missing


def test_bridge_accepts_a_row_with_nan() -> None:
    row = pd.Series({**FULL, "impairment": math.nan})
    bridge = margin_bridge(row)
    assert "impairment" in bridge.missing
    assert bridge.reconciling_usd == pytest.approx(-3.4 * M)


def test_bridge_needs_net_income() -> None:
    with pytest.raises(ValueError, match="net_income"):
        margin_bridge({"revenue_total": 1.0})


def test_sga_shown_whole_when_sbc_cannot_be_separated() -> None:
    bridge = margin_bridge({"revenue_total": 10.0, "sga": 3.0, "net_income": 7.0})
    values = _values(bridge)
    assert values["sga"] == -3.0
    assert bridge.frame.set_index("step").at["sga", "label"] == "SG&A (as reported)"
    assert "stock_based_comp" not in values and "stock_based_comp" in bridge.missing
    assert bridge.reconciling_usd == 0.0
    assert any("as reported" in note for note in bridge.notes)


def test_cost_of_revenue_with_da_inside_is_left_to_reconciling() -> None:
    bridge = margin_bridge({"revenue_total": 10.0, "cost_of_revenue": 6.0, "net_income": 4.0})
    assert bridge.reconciling_usd == -6.0
    assert any("remainder of its stretch" in note for note in bridge.notes)


def test_gross_margin_ex_da() -> None:
    assert gross_profit_ex_da_usd(408_740, 206_836) == 201_904
    assert gross_margin_ex_da_pct(100 * M, 45.5 * M) == pytest.approx(54.5)
    assert math.isnan(gross_margin_ex_da_pct(0.0, 1.0))


def _split(**kw: float) -> dict[str, float]:
    frame = revenue_change_split_usd(**kw)
    assert list(frame["effect"]) == ["volume", "network", "price", "other", "total"]
    return dict(zip(frame["effect"], frame["usd"], strict=True))


def test_revenue_split_hand_worked() -> None:
    # Q0 = 800 BTC, b0 = 0.55, P0 = 90k; Q1 = 910, b1 = 0.5, P1 = 100k.
    # E0 = 1,454.5 EH-days, E1 = 1,820. volume = 365.45 x 0.55 x 90k = 18.09M;
    # network = 1,820 x -0.05 x 90k = -8.19M; price = 10k x 910 = 9.1M; sum = 91M - 72M = 19M.
    split = _split(
        btc_prev=800,
        btc_curr=910,
        price_prev_usd=90_000,
        price_curr_usd=100_000,
        btc_per_ehs_day_prev=0.55,
        btc_per_ehs_day_curr=0.5,
        revenue_prev_usd=71 * M,
        revenue_curr_usd=91 * M,
    )
    assert split["volume"] == pytest.approx(18.09 * M)
    assert split["network"] == pytest.approx(-8.19 * M)
    assert split["price"] == pytest.approx(9.1 * M)
    assert split["other"] == pytest.approx(1 * M)  # reported change 20M vs 19M from price x BTC
    assert split["total"] == pytest.approx(20 * M)


def test_revenue_split_without_network_data() -> None:
    split = _split(btc_prev=800, btc_curr=910, price_prev_usd=90_000, price_curr_usd=100_000)
    assert split["volume"] == pytest.approx(110 * 90_000)
    assert math.isnan(split["network"]) and math.isnan(split["other"])
    assert split["total"] == pytest.approx(19 * M)


def test_revenue_split_without_prices_puts_everything_in_other() -> None:
    split = _split(
        btc_prev=800,
        btc_curr=910,
        price_prev_usd=math.nan,
        price_curr_usd=100_000,
        revenue_prev_usd=71 * M,
        revenue_curr_usd=91 * M,
    )
    assert math.isnan(split["volume"]) and math.isnan(split["price"])
    assert split["other"] == split["total"] == 20 * M


def test_bridge_checkpoints_confine_what_is_not_broken_out() -> None:
    # Revenue 100, CoR 40 -> gross profit ex-D&A 60 (computed, exact); D&A 30 and an undisclosed SG&A down to
    # a reported operating income of 5 -> remainder -25 in the operating stretch only; interest 2 to a
    # reported pre-tax -4 -> remainder -7; tax not on file -> remainder -6 to net income -10.
    bridge = margin_bridge({"revenue_total": 100.0, "cost_of_revenue_ex_da": 40.0, "depreciation_amortization": 30.0,
                            "operating_income": 5.0, "interest_expense": 2.0, "income_before_tax": -4.0,
                            "net_income": -10.0})
    assert bridge.remainders == {"operating_income": -25.0, "income_before_tax": -7.0, "net_income": -6.0}
    kinds = dict(zip(bridge.frame["step"], bridge.frame["kind"], strict=True))
    assert kinds["gross_profit_ex_da"] == kinds["operating_income"] == kinds["income_before_tax"] == "checkpoint"
    labels = list(bridge.frame["label"])
    assert "Not broken out (operating)" in labels and "Not broken out (non-operating)" in labels
    assert bridge.large_remainders() == {"operating_income": -25.0}  # 25% of revenue; the others are below 10%
    assert bridge.frame["value_usd"].isna().sum() == 0  # undisclosed lines have no row
    assert "sga" in bridge.missing and "income_tax" in bridge.missing
    shares = dict(zip(bridge.frame["step"], bridge.frame["share_of_revenue_pct"], strict=True))
    assert shares["remainder_operating_income"] == -25.0


def test_bridge_stretch_without_a_reported_subtotal_runs_on() -> None:
    bridge = margin_bridge({"revenue_total": 100.0, "cost_of_revenue_ex_da": 40.0, "net_income": -20.0})
    labels = list(bridge.frame["label"])
    assert "Not broken out (gross profit ex-D&A to net income)" in labels
    assert bridge.remainders == {"net_income": -80.0}


def test_bridge_names_printed_lines_of_other_items() -> None:
    details = {"other_operating_gain_loss": {"Loss on contract settlement": -158.0, "Power credits": 8.0,
                                             "Casualty": 0.1, "Equipment": -0.3}}
    bridge = margin_bridge({"revenue_total": 150.0, "other_operating_gain_loss": -150.2, "net_income": -0.2},
                           details)
    labels = list(bridge.frame["label"])
    assert labels[1:4] == ["Loss on contract settlement", "Power credits",
                           "Other operating gains (losses): 2 smaller lines"]
    assert bridge.remainders == {}  # the lines add up to the step: nothing is hidden
    mismatch = margin_bridge({"revenue_total": 150.0, "other_operating_gain_loss": -100.0, "net_income": 50.0},
                             details)
    assert "Other operating gains (losses)" in list(mismatch.frame["label"])  # lines that do not add up: one row
