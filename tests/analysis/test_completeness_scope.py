"""Completeness and scope travel with a figure: debt parts, the power layer's scope, credits, revenue basis."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from mineresearch.analysis.basis import with_reporting_basis
from mineresearch.analysis.quarter import QuarterData, cost_stack_for, power_layer_usd
from mineresearch.metrics.treasury import debt_usd

NAN = math.nan


def test_debt_is_total_else_the_sum_of_disclosed_parts() -> None:
    assert debt_usd(900.0, 100.0, 700.0).usd == 900.0 and debt_usd(900.0, NAN, NAN).complete
    both = debt_usd(NAN, 252.6, 585.8, convertible_notes_principal_usd=594.4)
    assert both.usd == pytest.approx(838.4) and both.complete  # converts sit inside long-term debt
    partial = debt_usd(NAN, NAN, 2_250.5, line_of_credit_usd=350.0)
    assert partial.usd == pytest.approx(2_600.5) and not partial.complete
    assert partial.parts == ("long_term_debt", "line_of_credit") and partial.missing == ("short_term_debt",)
    converts = debt_usd(NAN, 252.6, NAN, convertible_notes_principal_usd=594.4)
    assert converts.usd == pytest.approx(847.0) and not converts.complete
    nothing = debt_usd(NAN, NAN, NAN)
    assert math.isnan(nothing.usd) and not nothing.complete


def _quarter(ticker: str, values: dict[str, float], rows: list[tuple[str, str, float, str]]) -> QuarterData:
    quarters = pd.DataFrame([values], index=["2025Q2"])
    network = pd.DataFrame({"price_avg_usd": [100_000.0]}, index=["2025Q2"])
    chosen = pd.DataFrame([("2025Q2", m, line, v, scope) for m, line, v, scope in rows],
                          columns=["period", "metric", "line_item", "value", "scope"])
    return QuarterData.from_frames(ticker, "2025Q2", ticker, quarters, network, chosen)


def test_owned_sites_power_cost_never_stands_in_for_the_layer() -> None:
    q = _quarter("XMIN", {"btc_produced": 1_000.0, "power_cost_per_btc": 30_000.0},
                 [("power_cost_per_btc", "", 30_000.0, "owned sites only")])
    value, basis = power_layer_usd(q, 1.0)
    assert math.isnan(value) and basis == ""
    plain = _quarter("XMIN", {"btc_produced": 1_000.0, "power_cost_per_btc": 30_000.0},
                     [("power_cost_per_btc", "", 30_000.0, "")])
    assert power_layer_usd(plain, 1.0)[0] == 30_000_000.0


def test_mining_segment_line_and_credits_layer() -> None:
    # RIOT 2025Q2: Bitcoin Mining line 78.175M over 1,426 BTC = 54,821; credits 8.313M -> 48,992 (Riot's own)
    values = {"btc_produced": 1_426.0, "cost_of_revenue_ex_da": 91_039_000.0, "revenue_mining": 140_889_000.0,
              "revenue_total": 152_988_000.0}
    rows = [("cost_of_revenue_ex_da", "Bitcoin Mining", 78_175_000.0, ""),
            ("cost_of_revenue_ex_da", "Engineering", 9_858_000.0, ""),
            ("other_operating_gain_loss", "Power curtailment credits", 8_313_000.0, "")]
    result = cost_stack_for(_quarter("RIOT", values, rows))
    per_btc = dict(zip(result.stack["layer"], result.stack["usd_per_btc"], strict=True))
    assert per_btc["power"] == pytest.approx(54_821.18, abs=0.01)  # segment line, not scaled by the fair share
    assert per_btc["power"] + per_btc["credits"] == pytest.approx(48_991.58, abs=0.01)
    assert "Bitcoin Mining" in result.power_basis
    assert math.isnan(result.cumulative("sbc"))  # SG&A, interest, D&A, SBC missing: no all-in
    assert result.disclosed_sum(result.stack["layer"]) == pytest.approx(48_991.58, abs=0.01)


def test_reporting_basis_fills_only_what_the_table_allows() -> None:
    quarters = pd.DataFrame({"revenue_mining": [43_565_000.0], "revenue_total": [NAN], "cost_of_revenue": [15.33e6],
                             "cost_of_revenue_ex_da": [NAN]}, index=["2025Q2"])
    filled, notes = with_reporting_basis("CIFR", quarters)
    assert filled.at["2025Q2", "revenue_total"] == 43_565_000.0
    assert filled.at["2025Q2", "cost_of_revenue_ex_da"] == 15.33e6
    assert len(notes["2025Q2"]) == 2
    other, none = with_reporting_basis("MARA", quarters)
    assert math.isnan(other.at["2025Q2", "revenue_total"]) and none == {}


def test_net_income_on_another_basis_is_not_compared() -> None:
    from mineresearch.analysis.operations import build_kpis

    quarters = pd.DataFrame({"net_income": [137_312_000.0, 50_612_000.0]}, index=["2025Q2", "2025Q3"])
    network = pd.DataFrame({"price_avg_usd": [1.0, 1.0]}, index=["2025Q2", "2025Q3"])
    rows = pd.DataFrame([("2025Q2", "net_income", "", 137_312_000.0, "attributable to the company"),
                         ("2025Q3", "net_income", "", 50_612_000.0, "continuing operations")],
                        columns=["period", "metric", "line_item", "value", "scope"])
    q = QuarterData.from_frames("HUT", "2025Q3", "Hut 8", quarters, network, rows)
    row = build_kpis(q).table.set_index("metric").loc["net_income"]
    assert row["label"].startswith("Net income (continuing operations)") and "another basis" in row["label"]
    assert row["qoq_change"].not_meaningful  # -63.1% would compare two bases
    same = QuarterData.from_frames("HUT", "2025Q3", "Hut 8", quarters, network, rows.assign(scope=""))
    assert build_kpis(same).table.set_index("metric").loc["net_income", "qoq_change"].ok
