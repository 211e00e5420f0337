"""Properties for any input: the bridge reconciles, splits are exact, stacks monotone, break-evens zero."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mineresearch.metrics.breakeven import (
    breakeven_btc_price_usd,
    breakeven_power_usd_per_mwh,
    machine_btc_per_day,
    machine_power_cost_usd_per_day,
    margin_usd_per_btc,
    shutdown_price_usd,
)
from mineresearch.metrics.costs import (
    COST_LAYERS,
    cost_stack_usd_per_btc,
    hashcost_usd_per_ph_day,
    split_sga_usd,
)
from mineresearch.metrics.margins import BRIDGE_STEPS, margin_bridge, revenue_change_split_usd

settings.register_profile("metrics", max_examples=150, deadline=None)
settings.load_profile("metrics")

amount = st.floats(min_value=-1e10, max_value=1e10, allow_nan=False, allow_infinity=False)
maybe_amount = st.one_of(st.just(math.nan), amount)
positive = st.floats(min_value=1e-3, max_value=1e7, allow_nan=False, allow_infinity=False)
LINE_NAMES = ["revenue_total", "sga", "sga_ex_sbc", "cost_of_revenue", *[name for name, _, _ in BRIDGE_STEPS]]


@given(lines=st.fixed_dictionaries({name: maybe_amount for name in LINE_NAMES}), net_income=amount)
def test_bridge_always_ends_at_net_income(lines: dict[str, float], net_income: float) -> None:
    bridge = margin_bridge({**lines, "net_income": net_income})
    frame = bridge.frame
    assert frame["cumulative_usd"].iloc[-1] == net_income
    assert frame["kind"].iloc[-1] == "end"
    contributions = frame.loc[frame["kind"].isin(["start", "step", "remainder"]), "value_usd"].dropna()
    scale = max([1.0, abs(net_income), *contributions.abs()])
    assert math.fsum(contributions) == pytest.approx(net_income, abs=1e-9 * scale)
    assert frame["disclosed"].iloc[1:].all()  # only disclosed lines have rows (revenue may start at nothing)
    assert bridge.reconciling_usd == pytest.approx(math.fsum(bridge.remainders.values()))
    # every checkpoint is the running total at that point of the bridge
    checkpoints = frame[frame["kind"] == "checkpoint"]
    assert (checkpoints["value_usd"] == checkpoints["cumulative_usd"]).all()


@given(
    q0=positive,
    q1=positive,
    p0=positive,
    p1=positive,
    b0=st.one_of(st.just(math.nan), positive),
    b1=st.one_of(st.just(math.nan), positive),
    r0=st.one_of(st.just(math.nan), amount),
    r1=st.one_of(st.just(math.nan), amount),
)
def test_revenue_split_sums_to_total(
    q0: float, q1: float, p0: float, p1: float, b0: float, b1: float, r0: float, r1: float
) -> None:
    frame = revenue_change_split_usd(
        btc_prev=q0,
        btc_curr=q1,
        price_prev_usd=p0,
        price_curr_usd=p1,
        btc_per_ehs_day_prev=b0,
        btc_per_ehs_day_curr=b1,
        revenue_prev_usd=r0,
        revenue_curr_usd=r1,
    )
    effects = frame.loc[frame["effect"] != "total", "usd"].dropna()
    total = frame.loc[frame["effect"] == "total", "usd"].iloc[0]
    scale = max([1.0, abs(total), *effects.abs()])
    assert math.fsum(effects) == pytest.approx(total, abs=1e-9 * scale)
    if math.isnan(r0) or math.isnan(r1):
        assert total == pytest.approx(p1 * q1 - p0 * q0, abs=1e-9 * scale)


layer_amount = st.one_of(st.just(math.nan), st.floats(min_value=0, max_value=1e10, allow_nan=False))


@given(
    layers=st.lists(layer_amount, min_size=len(COST_LAYERS), max_size=len(COST_LAYERS)),
    btc=positive,
    share=st.floats(min_value=0, max_value=1),
)
def test_cost_stack_is_monotone(layers: list[float], btc: float, share: float) -> None:
    stack = cost_stack_usd_per_btc(
        btc,
        power_usd=layers[0],
        sga_cash_usd=layers[1],
        interest_usd=layers[2],
        depreciation_usd=layers[3],
        sbc_usd=layers[4],
        fair_share=share,
    )
    cumulative = list(stack["cumulative_usd_per_btc"])
    assert (stack["usd_per_btc"].dropna() >= 0).all()
    first_missing = next((i for i, v in enumerate(layers) if math.isnan(v)), len(layers))
    assert all(math.isnan(c) for c in cumulative[first_missing:])
    known = cumulative[:first_missing]
    assert all(later >= earlier for earlier, later in zip(known, known[1:], strict=False))


@given(layers=st.lists(st.floats(min_value=0, max_value=1e9), min_size=5, max_size=5), btc=positive)
def test_margin_is_zero_at_each_breakeven(layers: list[float], btc: float) -> None:
    stack = cost_stack_usd_per_btc(
        btc,
        power_usd=layers[0],
        sga_cash_usd=layers[1],
        interest_usd=layers[2],
        depreciation_usd=layers[3],
        sbc_usd=layers[4],
    )
    for cost in stack["cumulative_usd_per_btc"]:
        assert margin_usd_per_btc(breakeven_btc_price_usd(cost), cost) == 0.0


@given(
    ths=st.floats(min_value=1, max_value=1_000),
    kw=st.floats(min_value=0.1, max_value=10),
    power=st.floats(min_value=1, max_value=500),
    difficulty=st.floats(min_value=1e12, max_value=1e15),
    reward=st.floats(min_value=0.5, max_value=50),
)
def test_machine_margin_is_zero_at_shutdown_price(
    ths: float, kw: float, power: float, difficulty: float, reward: float
) -> None:
    price = shutdown_price_usd(ths, kw, power, difficulty, reward)
    revenue = machine_btc_per_day(ths, difficulty, reward) * price
    assert revenue == pytest.approx(machine_power_cost_usd_per_day(kw, power), rel=1e-9)


@given(hashprice=st.floats(min_value=0.1, max_value=1_000), efficiency=st.floats(min_value=1, max_value=200))
def test_hashcost_equals_hashprice_at_breakeven_power(hashprice: float, efficiency: float) -> None:
    power = breakeven_power_usd_per_mwh(hashprice, efficiency)
    assert hashcost_usd_per_ph_day(efficiency, power) == pytest.approx(hashprice, rel=1e-12)


@given(sga=maybe_amount, ex_sbc=maybe_amount, sbc=maybe_amount)
def test_sga_split_never_counts_sbc_twice(sga: float, ex_sbc: float, sbc: float) -> None:
    split = split_sga_usd(sga, ex_sbc, sbc)
    if split.sbc_inside_sga:
        assert split.cash_usd + split.sbc_usd == pytest.approx(split.total_usd, abs=1e-6 * max(1.0, abs(sga)))
