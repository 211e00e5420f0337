"""Peers: the sector cost curve and peer percentiles, on hand-made company-quarters."""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest

from mineresearch.analysis.peers import (
    COST_CURVE_LAYERS,
    MIN_PEERS,
    PEER_METRICS,
    cost_curve,
    peer_values,
    percentile,
    percentiles,
    ranked,
)

NAN = math.nan


def _summary(ticker: str, *, btc: float = NAN, power: float = NAN, cash: float = NAN, all_in: float = NAN,
             jth: float = NAN, realization: float = NAN, leverage: float = NAN, partial: bool | None = None) -> Any:
    """The parts of a ``CompanyQuarterSummary`` the peers module reads."""
    stack = pd.DataFrame({"layer": ["power", "sga_cash"], "usd_per_btc": [power, NAN]})
    lines = pd.DataFrame({"question": ["Fleet efficiency", "Share of network BTC"], "value": [jth, 1.0],
                          "unit": ["J/TH", "%"]})
    treasury = SimpleNamespace(leverage_pct=leverage)
    if partial is not None:
        treasury.debt_is_partial = partial
    return SimpleNamespace(
        ticker=ticker, company_name=f"{ticker} Inc.", headline=SimpleNamespace(btc_produced=btc),
        cost_stack=SimpleNamespace(stack=stack, cash_cost_usd_per_btc=cash, all_in_cost_usd_per_btc=all_in),
        checklist=SimpleNamespace(lines=lines), network=SimpleNamespace(realization_rate_pct=realization),
        treasury=treasury,
    )


def _quarter() -> list[Any]:
    return [
        _summary("AAA", btc=100, power=30_000, cash=40_000, all_in=60_000, jth=18, realization=90, leverage=20),
        _summary("BBB", btc=300, power=40_000, cash=50_000, all_in=NAN, jth=22, realization=80, leverage=50),
        _summary("CCC", btc=600, power=50_000, cash=70_000, all_in=90_000, jth=NAN, realization=70, leverage=NAN),
        _summary("DDD", btc=NAN, power=45_000, cash=NAN, all_in=NAN, jth=16, realization=NAN, leverage=10),
        _summary("EEE", btc=0.0, power=NAN, realization=95, leverage=30, partial=True),
        _summary("FFF", btc=200, power=20_000, cash=35_000, all_in=NAN, jth=20, realization=85),
    ]


def test_peer_values_read_every_metric_through_the_accessor_table() -> None:
    v = peer_values(_quarter())
    assert list(v.index) == ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF"]
    assert v.loc["AAA", "power_cost_usd_per_btc"] == 30_000 and v.loc["BBB", "fleet_efficiency_jth"] == 22
    assert math.isnan(v.loc["CCC", "fleet_efficiency_jth"]) and math.isnan(v.loc["CCC", "leverage_pct"])
    assert bool(v.loc["EEE", "leverage_pct_partial"]) and not bool(v.loc["AAA", "leverage_pct_partial"])
    assert {m.key for m in PEER_METRICS} <= set(v.columns) and {m.key for m in COST_CURVE_LAYERS} <= set(v.columns)


def test_cost_curve_is_btc_weighted_over_fully_disclosed_companies_only() -> None:
    curve = cost_curve(peer_values(_quarter())).set_index("key")
    power = curve.loc["power_cost_usd_per_btc"]
    # DDD has no BTC and EEE no power cost (and zero BTC): left out, not counted as zero
    assert power["n_companies"] == 4 and power["n_total"] == 6
    expected = (30_000 * 100 + 40_000 * 300 + 50_000 * 600 + 20_000 * 200) / 1200  # total cost / total BTC
    assert power["weighted_mean_usd_per_btc"] == pytest.approx(expected)
    assert power["median_usd_per_btc"] == pytest.approx(35_000)
    assert power["btc_covered"] == 1200 and power["tickers"] == "FFF, AAA, BBB, CCC"
    all_in = curve.loc["all_in_cost_usd_per_btc"]
    assert all_in["n_companies"] == 2
    assert all_in["weighted_mean_usd_per_btc"] == pytest.approx((60_000 * 100 + 90_000 * 600) / 700)


def test_cost_curve_of_a_quarter_without_costs() -> None:
    curve = cost_curve(peer_values([_summary("AAA", btc=10), _summary("BBB")]))
    assert (curve["n_companies"] == 0).all() and curve["weighted_mean_usd_per_btc"].isna().all()
    assert curve["tickers"].eq("").all()
    empty = cost_curve(peer_values([]))
    assert (empty["n_total"] == 0).all()


def test_percentile_counts_the_peers_beaten_and_ties_half() -> None:
    assert percentile(10, [20, 30, 40], "lower") == 100
    assert percentile(40, [10, 20, 30], "lower") == 0
    assert percentile(20, [10, 20, 30], "lower") == pytest.approx(50)
    assert percentile(20, [10, 30, 40], "higher") == pytest.approx(100 / 3)
    assert math.isnan(percentile(NAN, [1, 2], "lower")) and math.isnan(percentile(1, [NAN], "lower"))
    with pytest.raises(ValueError, match="better"):
        percentile(1, [2], "smaller")


def test_percentiles_need_four_companies_and_a_figure_of_the_company() -> None:
    v = peer_values(_quarter())
    p = percentiles(v, "AAA").set_index("key")
    power = p.loc["power_cost_usd_per_btc"]  # AAA 30k among 30, 40, 50, 45, 20 (5 companies)
    assert power["status"] == "ok" and power["n_companies"] == 5
    assert power["rank"] == 2 and power["percentile"] == pytest.approx(75)  # beats 3 of 4
    assert power["median"] == pytest.approx(40_000)
    realization = p.loc["realization_rate_pct"]  # higher is better: 90 among 90, 80, 70, 95, 85
    assert realization["better"] == "higher" and realization["rank"] == 2
    assert realization["percentile"] == pytest.approx(75)
    assert p.loc["all_in_cost_usd_per_btc", "status"] == "too few peers"  # 2 companies disclose it
    assert math.isnan(p.loc["all_in_cost_usd_per_btc", "percentile"])
    assert p.loc["leverage_pct", "status"] == "ok" and p.loc["leverage_pct", "rank"] == 2  # 20 among 20, 50, 10, 30
    ccc = percentiles(v, "CCC").set_index("key")
    assert ccc.loc["fleet_efficiency_jth", "status"] == "not disclosed"


def test_partial_leverage_is_carried_to_the_percentile_row() -> None:
    p = percentiles(peer_values(_quarter()), "EEE").set_index("key")
    assert bool(p.loc["leverage_pct", "partial"]) and p.loc["leverage_pct", "status"] == "ok"
    assert not bool(p.loc["realization_rate_pct", "partial"])


def test_min_peers_and_ranking() -> None:
    assert MIN_PEERS == 4
    v = peer_values(_quarter())
    r = ranked(v, "power_cost_usd_per_btc")
    assert list(r["ticker"]) == ["FFF", "AAA", "BBB", "DDD", "CCC"]
    assert list(ranked(v, "realization_rate_pct", better="higher")["ticker"])[:2] == ["EEE", "AAA"]
    assert ranked(v, "all_in_cost_usd_per_btc").empty
    assert percentiles(v, "AAA", min_peers=6).set_index("key").loc["power_cost_usd_per_btc", "status"] == \
        "too few peers"


def test_accessors_read_the_shipped_summaries() -> None:
    from mineresearch.analysis.summary import company_quarter_summary
    from mineresearch.dataset.load import load_dataset

    ds = load_dataset()
    s = company_quarter_summary(ds, "CLSK", "2025Q2")
    v = peer_values([s])
    assert v.loc["CLSK", "all_in_cost_usd_per_btc"] == pytest.approx(s.cost_stack.all_in_cost_usd_per_btc)
    assert v.loc["CLSK", "realization_rate_pct"] == pytest.approx(s.network.realization_rate_pct)
    wide = ds.company_quarters("CLSK").loc["2025Q2"]
    assert v.loc["CLSK", "fleet_efficiency_jth"] == pytest.approx(wide["fleet_efficiency_jth"])
