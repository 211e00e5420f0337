"""The company-quarter summary on a full and a sparse fictional company (duck-typed dataset)."""

from __future__ import annotations

import math
from dataclasses import FrozenInstanceError, fields

import pandas as pd
import pytest

from mineresearch.analysis.summary import CompanyQuarterSummary, company_quarter_summary

M = 1e6
PERIODS = ["2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2"]


def _network() -> pd.DataFrame:
    # Fictional round numbers: 2025Q2 has 45,500 network BTC at 1,000 EH/s over 91 days -> 0.5 BTC/EH/day.
    rows = {
        "2024Q2": (91, 60_000, 62_000, 800.0, 14_000, 43_750, 250, 0.5),
        "2024Q3": (92, 60_000, 63_000, 850.0, 13_800, 43_125, 325, 0.5),
        "2024Q4": (92, 80_000, 93_000, 850.0, 13_600, 42_500, 500, 0.55),
        "2025Q1": (90, 90_000, 82_000, 900.0, 14_112, 44_100, 450, 0.55),
        "2025Q2": (91, 100_000, 110_000, 1_000.0, 14_400, 45_000, 500, 0.5),
    }
    frame = pd.DataFrame.from_dict(
        rows,
        orient="index",
        columns=[
            "days",
            "price_avg_usd",
            "price_end_usd",
            "hashrate_avg_ehs",
            "blocks",
            "subsidy_btc",
            "fees_btc",
            "btc_per_ehs_day",
        ],
    )
    frame["hashprice_usd_per_ph_day"] = frame["btc_per_ehs_day"] / 1000 * frame["price_avg_usd"]
    frame["fee_share"] = frame["fees_btc"] / (frame["subsidy_btc"] + frame["fees_btc"])
    frame["difficulty_avg"] = 1.2e14
    frame.index.name = "period"
    return frame


def _full_quarters() -> pd.DataFrame:
    current = {
        "btc_produced": 910.0,
        "blocks_won": 280.0,
        "btc_sold": 455.0,
        "btc_held": 10_000.0,
        "btc_pledged": 2_000.0,
        "hashrate_installed_ehs": 25.0,
        "fleet_efficiency_jth": 20.0,
        "power_cost_usd_mwh": 40.0,
        "revenue_total": 100 * M,
        "revenue_mining": 91 * M,
        "revenue_hpc": 9 * M,
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
        "cash": 200 * M,
        "short_term_debt": 100 * M,
        "total_debt": 650 * M,
        "capex": 60 * M,
        "contracted_mw": 200.0,
        "energized_mw": 500.0,
    }
    frame = pd.DataFrame(index=PERIODS, columns=list(current), dtype=float)
    frame.loc["2025Q2"] = pd.Series(current)
    frame.loc["2025Q1", ["btc_produced", "revenue_mining", "revenue_total", "net_income"]] = [
        800,
        71 * M,
        80 * M,
        -20 * M,
    ]
    frame.loc["2024Q2", ["btc_produced", "net_income", "revenue_total"]] = [700, -10 * M, 50 * M]
    frame.loc["2024Q3", "btc_produced"] = 750
    frame.loc["2024Q4", "btc_produced"] = 850
    return frame


class FakeDataset:
    """The Dataset API of docs/architecture.md, over fictional figures."""

    def __init__(self) -> None:
        self.companies = pd.DataFrame(
            {
                "name": ["Full Mining Co", math.nan, "Empty Co"],
                "cik": [1, 2, 3],
                "fiscal_year_end": ["12-31"] * 3,
                "notes": [""] * 3,
            },
            index=pd.Index(["FULL", "THIN", "NONE"], name="ticker"),
        )
        self.network = _network()
        self._quarters = {
            "FULL": _full_quarters(),
            "THIN": pd.DataFrame({"net_income": [-5 * M]}, index=["2025Q2"]),
            "NONE": pd.DataFrame(),
        }

    def company_quarters(self, ticker: str) -> pd.DataFrame:
        return self._quarters[ticker]

    def sources(self, ticker: str, period: str) -> pd.DataFrame:
        frame = self._quarters[ticker]
        if period not in frame.index:
            return pd.DataFrame(columns=["metric", "value", "unit", "source_url", "source_type"])
        row = frame.loc[period].dropna()
        return pd.DataFrame(
            {
                "metric": row.index,
                "value": row.values,
                "unit": "",
                "source_url": "https://example.org/q",
                "source_type": "primary",
            }
        )

    def conflicts(self) -> pd.DataFrame:
        return pd.DataFrame(
            {"ticker": ["FULL", "FULL"], "period": ["2025Q2", "2024Q2"], "metric": ["cash", "cash"]}
        )


@pytest.fixture(scope="module")
def full() -> CompanyQuarterSummary:
    return company_quarter_summary(FakeDataset(), "FULL", "2025Q2")


@pytest.fixture(scope="module")
def thin() -> CompanyQuarterSummary:
    return company_quarter_summary(FakeDataset(), "THIN", "2025Q2")


def test_summary_has_the_eleven_sections(full: CompanyQuarterSummary) -> None:
    assert list(full.sections()) == [
        "headline",
        "kpis",
        "output_vs_profit",
        "margin_bridge",
        "cost_stack",
        "network",
        "breakevens",
        "treasury",
        "strategy",
        "checklist",
        "sources",
    ]
    for section in full.sections().values():
        names = {f.name for f in fields(section)}  # type: ignore[arg-type]
        assert {"available", "missing"} <= names
    with pytest.raises(FrozenInstanceError):
        full.headline.btc_produced = 1.0  # type: ignore[misc]


def test_full_headline(full: CompanyQuarterSummary) -> None:
    h = full.headline
    assert (full.company_name, h.available, h.missing) == ("Full Mining Co", True, ())
    assert h.btc_produced == 910 and h.btc_produced_record is True
    assert h.btc_produced_qoq_pct == pytest.approx(13.75)
    assert h.realized_hashrate_ehs == pytest.approx(20.0)  # 910 / (45,500 / 1,000)
    assert h.is_net_loss is False and h.net_income_usd == 40 * M
    assert h.all_in_cost_usd_per_btc == pytest.approx(104_600)


def test_full_kpis(full: CompanyQuarterSummary) -> None:
    k = full.kpis
    assert (k.prior_period, k.year_ago_period) == ("2025Q1", "2024Q2")
    table = k.table.set_index("metric")
    assert table.at["btc_produced", "prior"] == 800 and table.at["btc_produced", "year_ago"] == 700
    assert table.at["btc_produced", "yoy_change_pct"] == pytest.approx(30.0)
    assert math.isnan(table.at["net_income", "qoq_change_pct"])  # -20M -> +40M: the sign flips, n.m.
    assert table.at["net_income", "qoq_change"].status == "n.m."
    assert table.at["gross_margin_ex_da_pct", "current"] == pytest.approx(54.5)
    assert table.at["cash_cost_usd_per_btc", "current"] == pytest.approx(69_600)
    assert "adjusted_ebitda" in k.missing


def test_full_output_vs_profit(full: CompanyQuarterSummary) -> None:
    frame = full.output_vs_profit.frame
    assert list(frame["period"]) == PERIODS
    assert list(frame["btc_produced"]) == [700, 750, 850, 800, 910]
    assert frame["net_income_usd"].iloc[-1] == 40 * M and math.isnan(frame["net_income_usd"].iloc[1])


def test_full_margin_bridge_and_split(full: CompanyQuarterSummary) -> None:
    m = full.margin_bridge
    assert m.available and m.bridge["cumulative_usd"].iloc[-1] == 40 * M
    assert m.reconciling_usd == pytest.approx(-1.4 * M)
    split = dict(zip(m.revenue_split["effect"], m.revenue_split["usd"], strict=True))
    assert m.revenue_split_basis == "revenue_mining"
    assert split["volume"] == pytest.approx(18.09 * M) and split["network"] == pytest.approx(-8.19 * M)
    assert split["price"] == pytest.approx(9.1 * M) and split["total"] == pytest.approx(20 * M)


def test_full_cost_stack(full: CompanyQuarterSummary) -> None:
    c = full.cost_stack
    assert c.fair_share == pytest.approx(0.91) and c.fair_share_basis == "mining revenue / total revenue"
    assert c.power_basis == "cost of revenue ex-D&A"
    assert list(c.stack["usd_per_btc"]) == pytest.approx([45_500, 15_000, 9_100, 30_000, 5_000])
    assert c.cash_cost_usd_per_btc == pytest.approx(69_600)
    assert c.profit_usd_per_btc == pytest.approx(-4_600)
    assert c.missing == ()


def test_full_network(full: CompanyQuarterSummary) -> None:
    n = full.network
    assert n.hashprice_usd_per_ph_day == pytest.approx(50.0)
    assert (
        n.realization_rate_pct == pytest.approx(80.0)
        and n.realization_denominator == "hashrate_installed_ehs"
        and n.realization_basis == "quarter-end"  # no installed hashrate on file for 2025Q1
    )
    assert n.btc_share_pct == pytest.approx(2.0)
    assert n.block_share_pct == pytest.approx(100 * 280 / 14_400)
    assert n.company_btc_per_ehs_day == pytest.approx(0.4)
    assert list(n.history.index) == PERIODS
    assert n.history.at["2025Q1", "realized_hashrate_ehs"] == pytest.approx(800 * 900 / 44_550)


def test_full_breakevens(full: CompanyQuarterSummary) -> None:
    b = full.breakevens
    assert b.power_price_basis == "company" and b.power_price_usd_per_mwh == 40
    assert b.hashcost_usd_per_ph_day == pytest.approx(19.2)  # 20 x 40 x 24 / 1000
    assert b.breakeven_power_gross_usd_per_mwh == pytest.approx(50_000 / 480)
    # a ceiling net of the 2% pool fee, with PUE 1.10: 50 x 0.98 x 1000 / (20 x 24 x 1.1)
    assert b.breakeven_power_usd_per_mwh == pytest.approx(49_000 / 528)
    assert (b.pool_fee_pct, b.pue) == (2.0, 1.1)
    assert b.by_layer["margin_usd_per_btc"].iloc[-1] == pytest.approx(-4_600)
    grid = b.grid_price_hashrate.set_index(["x", "y"])["margin_usd_per_btc"]
    assert b.grid_cost_layer == "all_in"
    assert grid[(100_000, 1_000)] == pytest.approx(-4_600)
    # power part from first principles: 20 J/TH x $40/MWh x 24 / 0.5 = $38,400/BTC; twice the power price
    # adds another 38,400.
    power_grid = b.grid_price_power.set_index(["x", "y"])["margin_usd_per_btc"]
    assert power_grid[(100_000, 80)] == pytest.approx(-4_600 - 38_400)
    flows = dict(zip(b.stress["scenario"], b.stress["cash_flow_usd"], strict=True))
    assert flows["base"] == pytest.approx(91 * M - 41.405 * M - (13.65 + 8.281) * M)
    assert set(flows) == {"base", "BTC -20%", "BTC -40%", "BTC -60%", "power +25%", "BTC -60% and power +25%"}


def test_power_price_parameter_drives_scenarios() -> None:
    s = company_quarter_summary(
        FakeDataset(), "FULL", "2025Q2", power_price_usd_per_mwh=60.0, tariff_rate_pct=10.0
    )
    assert s.breakevens.power_price_basis == "parameter"
    assert "power +50%" in set(s.breakevens.stress["scenario"])  # 60 / 40 - 1
    tariffs = s.strategy.tariff_scenarios.set_index("scenario")
    assert list(tariffs.index) == ["no tariff", "SE Asia 2025", "China 2025", "report parameter"]
    # reference S21 at $50/PH/day: 10 - 3.5 x 24 x 0.06 = 4.96 $/day; 3,400 x 1.1 / 4.96
    assert tariffs.at["report parameter", "static_payback_days"] == pytest.approx(3_740 / 4.96)
    # with the defaults (flat difficulty on file, 2% pool fee, PUE 1.10): 9.8 - 5.544 = 4.256 $/day, paid back
    # in month 29, before the halving (month 31 at the fictional block rate on file)
    forward = s.strategy.forward
    assert forward is not None and forward.difficulty_growth_pct_per_month == pytest.approx(0.0)
    assert tariffs.at["report parameter", "payback_days"] == pytest.approx(3_740 / 4.256)
    assert tariffs.at["report parameter", "payback_status"] == "paid back"


def test_full_treasury(full: CompanyQuarterSummary) -> None:
    t = full.treasury
    assert t.btc_value_usd == pytest.approx(1_100 * M)
    assert t.leverage_pct == pytest.approx(50.0)
    assert t.cash_to_short_term_debt == pytest.approx(2.0)
    assert (t.sell_ratio_pct, t.hodl_ratio_pct) == (50.0, 50.0)
    assert t.quarterly_cash_burn_usd == pytest.approx(29.6 * M)
    assert t.runway_quarters == pytest.approx(1_080 / 29.6)
    assert t.drawdown.set_index("shock_pct").at[-20.0, "leverage_pct"] == pytest.approx(100 * 650 / 1_080)
    assert math.isnan(t.dilution_pct) and "convertible_conversion_prices" in t.missing


def test_full_strategy_checklist_sources(full: CompanyQuarterSummary) -> None:
    assert full.strategy.hpc_share_pct == pytest.approx(9.0)
    assert full.strategy.tariff_scenarios.set_index("scenario").at["SE Asia 2025", "tariff_rate_pct"] == 21.6
    lines = full.checklist.lines
    assert set(lines["area"]) == {
        "unit economics",
        "efficiency and scale",
        "capital discipline",
        "treasury and liquidity",
        "sensitivity",
    }
    answers = dict(zip(lines["question"], lines["answer"], strict=True))
    assert answers["Margin per BTC at the average price, all-in"] == "-$4,600 per BTC"
    assert answers["Leverage: debt / (BTC value + cash)"] == "50.0%"
    assert answers["Leverage after a -60% BTC move"] == f"{100 * 650 / 640:.1f}%"
    assert full.sources.available and "net_income" in set(full.sources.company["metric"])
    assert list(full.sources.conflicts["period"]) == ["2025Q2"]
    assert any("mining revenue / total revenue" in note for note in full.sources.notes)


def test_sparse_company_with_only_net_income(thin: CompanyQuarterSummary) -> None:
    assert thin.company_name == "THIN"
    assert thin.headline.available and thin.headline.is_net_loss is True
    assert thin.headline.missing == ("btc_produced",) and thin.headline.btc_produced_record is None
    assert thin.margin_bridge.available and thin.margin_bridge.reconciling_usd == -5 * M
    assert "revenue_total" in thin.margin_bridge.missing
    assert not thin.cost_stack.available and "btc_produced" in thin.cost_stack.missing
    assert math.isnan(thin.cost_stack.all_in_cost_usd_per_btc)
    assert thin.breakevens.grid_price_hashrate.empty and thin.breakevens.stress.empty
    assert not thin.treasury.available and thin.treasury.drawdown.empty
    assert thin.strategy.tariff_scenarios.empty and "power_price_usd_per_mwh" in thin.strategy.missing
    assert math.isnan(thin.network.realized_hashrate_ehs) and thin.network.available  # network data exists
    assert (thin.checklist.lines["answer"] == "not disclosed").all()
    assert thin.kpis.table.set_index("metric").at["net_income", "current"] == -5 * M


def test_sparse_company_never_invents_numbers(thin: CompanyQuarterSummary) -> None:
    numbers = [
        thin.headline.btc_produced,
        thin.headline.realized_hashrate_ehs,
        thin.cost_stack.profit_usd_per_btc,
        thin.treasury.leverage_pct,
        thin.treasury.runway_quarters,
        thin.strategy.hpc_share_pct,
        thin.breakevens.breakeven_power_usd_per_mwh,
        thin.margin_bridge.gross_margin_ex_da_pct,
    ]
    assert all(math.isnan(v) for v in numbers)


def test_company_without_any_quarter_and_period_without_network() -> None:
    empty = company_quarter_summary(FakeDataset(), "NONE", "2025Q2")
    assert not empty.headline.available and not empty.margin_bridge.available
    assert empty.margin_bridge.bridge.empty and not empty.sources.available
    early = company_quarter_summary(FakeDataset(), "FULL", "2023Q1")
    assert not early.network.available and early.output_vs_profit.frame.empty


def test_bad_ticker_and_period_raise() -> None:
    with pytest.raises(ValueError, match="XXXX"):
        company_quarter_summary(FakeDataset(), "XXXX", "2025Q2")
    with pytest.raises(ValueError, match="2025-06"):
        company_quarter_summary(FakeDataset(), "FULL", "2025-06")


class _CachedConflicts:
    """Wraps a dataset so its conflicts table is computed once for a sweep."""

    def __init__(self, dataset: object) -> None:
        self._dataset = dataset
        self._conflicts = dataset.conflicts()  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self._dataset, name)

    def conflicts(self) -> pd.DataFrame:
        return self._conflicts


@pytest.fixture(scope="module")
def shipped() -> _CachedConflicts:
    dataset_module = pytest.importorskip("mineresearch.dataset.load")
    return _CachedConflicts(dataset_module.load_dataset())


def test_shipped_mara_q3_2025_matches_published_checks(shipped: _CachedConflicts) -> None:
    # methods ref. B1 and F1: realized 47.7 EH/s, BTC share 4.97%, block share 4.62%, leverage 52.5%.
    if "MARA" not in shipped.companies.index or "2025Q3" not in shipped.periods("MARA"):  # type: ignore[attr-defined]
        pytest.skip("MARA 2025Q3 is not in the shipped dataset")
    s = company_quarter_summary(shipped, "MARA", "2025Q3")  # type: ignore[arg-type]
    assert s.network.realized_hashrate_ehs == pytest.approx(47.7, abs=0.05)
    assert s.network.btc_share_pct == pytest.approx(4.97, abs=0.005)
    assert s.network.block_share_pct == pytest.approx(4.62, abs=0.005)
    assert s.treasury.leverage_pct == pytest.approx(52.5, abs=0.05)


def test_every_shipped_company_quarter_summarises(shipped: _CachedConflicts) -> None:
    count = 0
    for ticker in shipped.companies.index:  # type: ignore[attr-defined]
        for period in shipped.periods(ticker):  # type: ignore[attr-defined]
            s = company_quarter_summary(shipped, ticker, period)  # type: ignore[arg-type]
            assert (
                s.margin_bridge.bridge.empty
                or s.margin_bridge.bridge["cumulative_usd"].iloc[-1] == s.headline.net_income_usd
            )
            count += 1
    assert count > 0


def test_metrics_package_reexports_resolve() -> None:
    import mineresearch.metrics as metrics

    assert len(metrics.__all__) == len(set(metrics.__all__))
    for name in metrics.__all__:
        assert getattr(metrics, name) is not None, name
    assert {"hashprice_usd_per_ph_day", "margin_bridge"} <= set(metrics.__all__)
    assert "company_quarter_summary" not in metrics.__all__  # the summary is analysis, above the formulas


def test_sbc_outside_sga_is_not_counted_twice_in_the_cost_stack() -> None:
    ds = FakeDataset()
    quarters = ds._quarters["FULL"].copy()
    quarters["sga_ex_sbc"] = math.nan
    # the company gives SG&A ex-SBC (17M: 3M of SBC inside SG&A) and 5M of SBC in all, so 2M of SBC sits in
    # cost of revenue, which the power layer already carries
    quarters.loc["2025Q2", "sga_ex_sbc"] = 17 * M
    ds._quarters["FULL"] = quarters
    c = company_quarter_summary(ds, "FULL", "2025Q2").cost_stack
    # layers per BTC (910 BTC, fair share 0.91): power 45.5M, cash SG&A 17M, interest 9.1M, D&A 30M, SBC 3M
    assert list(c.stack["usd_per_btc"]) == pytest.approx([45_500, 17_000, 9_100, 30_000, 3_000])
    assert c.stack["usd_per_btc"].sum() * 910 / 0.91 == pytest.approx((45.5 + 20 + 9.1 + 30) * M)  # each dollar once
