"""Dataset API: the conflict rule, line items, the wide view, and checks on the shipped data."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from mineresearch.dataset.load import Dataset, load_dataset
from mineresearch.dataset.select import agree
from mineresearch.dataset.vocabulary import METRICS

FIXTURES = Path(__file__).parents[1] / "fixtures" / "data"


@pytest.fixture(scope="module")
def fixture_ds() -> Dataset:
    return load_dataset(FIXTURES / "good")


@pytest.fixture(scope="module")
def real_ds() -> Dataset:
    return load_dataset()


def test_agree_uses_the_printed_precision() -> None:
    assert agree(35_200_000.0, 35_215_000.0, 100_000, 1_000)  # 15,000 <= half of 100,000
    assert not agree(25_327.0, 25_329.0, 1, 1)
    assert not agree(-176_300_000.0, -176_361_000.0, 100_000, 1_000)  # 61,000 > 50,000
    assert agree(50_000_000.0, 50_300_000.0, 1_000_000, 100_000)  # "$50 million" vs "$50.3 million"
    assert not agree(50_000_000.0, 54_000_000.0, 1_000_000, 1_000_000)


def test_conflict_rule(fixture_ds: Dataset) -> None:
    aaa = fixture_ds.company_quarters("AAA")
    assert aaa.loc["2025Q1", "revenue_total"] == 100_000_000  # primary over secondary
    assert aaa.loc["2025Q1", "net_income"] == -5_500_000  # the later primary source (reports 2025Q2)
    assert aaa.loc["2025Q2", "sga"] == 10_000_000  # restated over not restated
    assert aaa.loc["2025Q2", "btc_produced"] == 100  # secondary over low (same value)
    assert fixture_ds.company_quarters("BBB").loc["2025Q2", "cash"] == 35_215_000  # more precise


def test_line_items_are_summed_and_a_total_wins(fixture_ds: Dataset) -> None:
    aaa = fixture_ds.company_quarters("AAA")
    assert aaa.loc["2025Q2", "cost_of_revenue_ex_da"] == 45_000_000  # Mining 40M + Hosting 5M
    assert aaa.loc["2025Q2", "other_operating_gain_loss"] == -3_000_000  # printed total over lines (1.5M)


def test_wide_view_shape(fixture_ds: Dataset) -> None:
    aaa = fixture_ds.company_quarters("AAA")
    assert list(aaa.index) == ["2025Q1", "2025Q2"]
    assert list(aaa.columns) == list(METRICS)
    assert math.isnan(aaa.loc["2025Q1", "btc_produced"])  # not disclosed stays NaN
    assert fixture_ds.company_quarters("CCC").empty
    with pytest.raises(KeyError, match="ZZZ"):
        fixture_ds.company_quarters("ZZZ")


def test_conflicts_list_both_sources_and_the_choice(fixture_ds: Dataset) -> None:
    conflicts = fixture_ds.conflicts()
    keys = set(zip(conflicts["ticker"], conflicts["period"], conflicts["metric"], conflicts["line_item"], strict=True))
    assert keys == {
        ("AAA", "2025Q1", "revenue_total", ""),
        ("AAA", "2025Q1", "net_income", ""),
        ("AAA", "2025Q2", "sga", ""),
        ("AAA", "2025Q2", "other_operating_gain_loss", "(sum of lines)"),
    }
    row = conflicts[conflicts["metric"] == "revenue_total"].iloc[0]
    assert (row["chosen_value"], row["chosen_source_url"]) == (100_000_000, "https://example.com/aaa-q1")
    assert (row["other_value"], row["other_source_type"]) == (101_000_000, "secondary")
    assert row["difference_pct"] == 1.0


def test_sources_periods_tickers_latest(fixture_ds: Dataset) -> None:
    rows = fixture_ds.sources("AAA", "2025Q2")
    assert list(rows.columns) == ["metric", "line_item", "value", "unit", "source_url", "source_type"]
    assert len(rows[rows["metric"] == "cost_of_revenue_ex_da"]) == 2
    assert rows.set_index(["metric", "line_item"]).loc[("sga", ""), "source_url"] == "https://example.com/b"
    assert fixture_ds.periods() == ["2025Q1", "2025Q2"]
    assert fixture_ds.periods("BBB") == ["2025Q2"]
    assert fixture_ds.tickers() == ["AAA", "BBB"]
    assert fixture_ds.tickers("2025Q1") == ["AAA"]
    assert fixture_ds.latest_period(today=date(2026, 1, 1)) == "2025Q2"


def _hand_made(rows: list[tuple[str, str, str]], tickers: str = "AAA BBB CCC DDD") -> Dataset:
    companies = pd.DataFrame({"name": tickers.split()}, index=pd.Index(tickers.split(), name="ticker"))
    facts = pd.DataFrame(rows, columns=["ticker", "period", "metric"])
    return Dataset(companies, facts, pd.DataFrame())


_MORE = ("btc_produced", "cost_of_revenue_ex_da", "sga", "depreciation_amortization", "cash", "btc_held")


def _statements(ticker: str, period: str, revenue: str = "revenue_total") -> list[tuple[str, str, str]]:
    """Revenue, net income and enough other lines for a note (``STATEMENT_MIN_METRICS`` in all)."""
    return [(ticker, period, revenue), (ticker, period, "net_income"), *((ticker, period, m) for m in _MORE)]


def test_a_quarter_with_revenue_and_net_income_alone_is_too_thin_for_a_default() -> None:
    thin = [(t, "2025Q3", m) for t in ("AAA", "BBB", "CCC") for m in ("revenue_total", "net_income", "cash")]
    rows = [r for t in ("AAA", "BBB", "CCC") for r in _statements(t, "2025Q2")] + thin
    ds = _hand_made(rows, "AAA BBB CCC")
    assert ds.statements_on_file().loc["2025Q3", "with_statements"] == 0
    assert ds.latest_period(today=date(2026, 1, 1)) == "2025Q2"  # not the thin 2025Q3


def test_default_quarter_is_the_latest_with_most_statements_on_file() -> None:
    rows = [r for t in ("AAA", "BBB", "CCC", "DDD") for r in _statements(t, "2025Q1")]
    rows += _statements("AAA", "2025Q2") + _statements("BBB", "2025Q2", "revenue_mining") + _statements("CCC", "2025Q2")
    rows += _statements("AAA", "2025Q3") + [("BBB", "2025Q3", "btc_produced"), ("CCC", "2025Q3", "net_income")]
    ds = _hand_made(rows)
    table = ds.statements_on_file()
    assert table.loc["2025Q2", "with_statements"] == 3 and table.loc["2025Q2", "covered"] == 4
    assert table.loc["2025Q3", "with_statements"] == 1  # a production figure or net income alone is not enough
    # 2025Q3 has the latest figure, but only 1 of 4 covered companies has its statements; 2025Q2 has 3 of 4
    assert ds.latest_period(today=date(2026, 1, 1)) == "2025Q2"
    assert ds.latest_period(min_share=0.25, today=date(2026, 1, 1)) == "2025Q3"
    # a quarter that has not ended by today is never the default
    assert ds.latest_period(min_share=0.25, today=date(2025, 9, 29)) == "2025Q2"
    assert ds.latest_period(today=date(2025, 3, 31)) == "2025Q1"
    with pytest.raises(ValueError, match="no quarter"):
        ds.latest_period(today=date(2024, 12, 31))


def test_covered_companies_are_those_active_in_the_year_to_the_quarter() -> None:
    # DDD stopped reporting after 2024Q1: from 2025Q1 on it is no longer covered, so 2 of 3 is most
    rows = _statements("DDD", "2024Q1") + _statements("AAA", "2024Q1")
    rows += [r for t in ("AAA", "BBB") for r in _statements(t, "2025Q1")] + [("CCC", "2025Q1", "btc_produced")]
    ds = _hand_made(rows)
    assert ds.statements_on_file().loc["2025Q1", "covered"] == 3
    assert ds.latest_period(today=date(2026, 1, 1)) == "2025Q1"
    # a ticker that is not in companies.csv does not count
    assert _hand_made(rows + [("ZZZ", "2025Q1", "btc_produced")]).statements_on_file().loc["2025Q1", "covered"] == 3


def test_no_quarter_with_most_falls_back_to_the_one_with_the_most_statements() -> None:
    rows = _statements("AAA", "2025Q1") + _statements("BBB", "2025Q1")
    rows += [(t, "2025Q1", "btc_produced") for t in ("CCC", "DDD")] + _statements("AAA", "2025Q2")
    rows += [(t, "2025Q2", "btc_produced") for t in ("BBB", "CCC", "DDD")]
    assert _hand_made(rows).latest_period(today=date(2026, 1, 1)) == "2025Q1"


def test_fiscal_period_kept(fixture_ds: Dataset) -> None:
    assert set(fixture_ds.facts.loc[fixture_ds.facts["ticker"] == "BBB", "fiscal_period"]) == {"FY2025Q3"}


# --- the shipped data -------------------------------------------------------------------------


def test_shipped_data_size(real_ds: Dataset) -> None:
    assert len(real_ds.facts) >= 250
    assert real_ds.facts["ticker"].nunique() >= 10
    required = {"MARA", "RIOT", "CLSK", "CIFR", "CORZ", "HUT", "IREN", "BITF", "WULF", "BTDR", "GREE", "ABTC"}
    assert required <= set(real_ds.companies.index)
    assert real_ds.companies.loc["CLSK", "fiscal_year_end"] == "09-30"
    assert real_ds.companies.loc["IREN", "fiscal_year_end"] == "06-30"
    assert real_ds.companies.loc["MARA", "cik"] == "1507605"
    assert real_ds.companies.loc["IREN", "cik"] == "1878848"  # from the EDGAR address of a filing
    assert "/edgar/data/1878848/" in real_ds.companies.loc["IREN", "cik_source"]
    assert real_ds.companies.loc["GRYP", "cik"] == ""  # files under ABTC's CIK


def test_cifr_2025q2_matches_the_shared_figures(real_ds: Dataset) -> None:
    cifr = real_ds.company_quarters("CIFR").loc["2025Q2"]
    assert cifr["net_income"] == -45_781_000  # coinglass: "net loss ... $45,781" (USD thousands)
    assert cifr["revenue_mining"] == 43_565_000  # coinglass: bitcoin mining revenue $43,565 thousand
    assert math.isnan(cifr["revenue_total"])  # no total revenue row for CIFR 2025Q2 in the shared file
    assert cifr["cash"] == 62_700_000  # 10-Q: cash and cash equivalents $62.7 million
    rows = real_ds.sources("CIFR", "2025Q2").set_index("metric")
    assert rows.loc["net_income", "source_url"] == "https://www.coinglass.com/news/528952"
    assert rows.loc["net_income", "source_type"] == "secondary"


def test_fiscal_mapping_in_shipped_data(real_ds: Dataset) -> None:
    facts = real_ds.facts
    clsk = facts[(facts["ticker"] == "CLSK") & (facts["period"] == "2025Q2")]
    iren = facts[(facts["ticker"] == "IREN") & (facts["period"] == "2025Q1")]
    assert set(clsk["fiscal_period"]) == {"FY2025Q3"}
    assert set(iren["fiscal_period"]) == {"FY2025Q3"}
    assert set(facts.loc[facts["ticker"] == "MARA", "fiscal_period"]) == {""}


def test_riot_cost_lines_are_summed(real_ds: Dataset) -> None:
    # Riot 10-Q, quarter to 2025-06-30: cost of revenue ex-D&A 78,175 + 9,858 + 3,006 (USD thousands)
    assert real_ds.company_quarters("RIOT").loc["2025Q2", "cost_of_revenue_ex_da"] == 91_039_000
    # CleanSpark 10-Q, quarter to 2025-06-30: G&A 16,566 + professional fees 3,004 + payroll 16,398
    assert real_ds.company_quarters("CLSK").loc["2025Q2", "sga"] == 35_968_000


def test_shipped_conflicts_name_both_sources(real_ds: Dataset) -> None:
    conflicts = real_ds.conflicts()
    corz = conflicts[(conflicts["ticker"] == "CORZ") & (conflicts["metric"] == "net_income")].iloc[0]
    assert corz["chosen_value"] == -291_100_000  # as shown a year later, beside Q4 2025
    assert corz["other_value"] == -265_500_000
    assert isinstance(conflicts, pd.DataFrame) and conflicts["chosen_source_url"].str.startswith("http").all()
    # the shipped default is a quarter most covered companies report in full, not the thin latest one
    default = real_ds.latest_period(today=date(2026, 12, 6))
    assert default < real_ds.periods()[-1]
    assert real_ds.statements_on_file().loc[default, "share"] >= 2 / 3


def test_section_support_all_of_any_of(fixture_ds: Dataset) -> None:
    from mineresearch.analysis.coverage import SECTIONS, coverage_table, section_support

    support = section_support(pd.Series({"net_income": -1.0, "revenue_mining": 5.0, "btc_produced": float("nan")}))
    assert set(support) == set(SECTIONS)
    assert support["headline"]  # net income and (output or revenue)
    assert not support["output_vs_profit"]  # BTC produced is NaN
    assert not support["margin_bridge"]  # no cost of revenue line
    assert not any(section_support(pd.Series(dtype=float)).values())
    table = coverage_table(fixture_ds, "2025Q2").set_index("ticker")
    assert table.loc["AAA", "margin_bridge"] and table.loc["AAA", "output_vs_profit"]
    assert table.loc["BBB", "treasury"] and not table.loc["BBB", "cost_stack"]
