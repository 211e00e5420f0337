"""Arithmetic that reads right, on hand-made company-quarters: changes, records, realization, money.

The fictional companies copy the shape of the audited cases (RIOT's gross margin 40.8% -> 40.5%, MARA's
net income -$533.4M -> +$808.2M, CLSK's gapped output history, MARA's growing fleet, HUT's $908,000).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mineresearch.analysis.summary import company_quarter_summary
from mineresearch.metrics.changes import NM_BASE_RATIO, change
from mineresearch.report import formatting as fmt

M = 1e6
PERIODS = ["2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2"]


def _network() -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "days": [91, 91, 92, 92, 90, 91],
            "price_avg_usd": [60_000, 65_000, 60_000, 80_000, 90_000, 100_000],
            "price_end_usd": [70_000, 62_000, 63_000, 93_000, 82_000, 110_000],
            "hashrate_avg_ehs": [560.0, 600.0, 630.0, 740.0, 800.0, 1_000.0],
            "difficulty_avg": [7.7e13, 8.5e13, 8.7e13, 1.0e14, 1.1e14, 1.2e14],
            "blocks": [13_400, 13_000, 13_400, 13_700, 13_100, 13_100],
            "subsidy_btc": [84_000, 60_000, 42_000, 42_800, 41_000, 45_000],
            "fees_btc": [1_000, 900, 300, 500, 450, 500],
        },
        index=pd.Index(PERIODS, name="period"),
    )
    frame["btc_per_ehs_day"] = (frame["subsidy_btc"] + frame["fees_btc"]) / frame["days"] / frame["hashrate_avg_ehs"]
    frame["hashprice_usd_per_ph_day"] = frame["btc_per_ehs_day"] / 1000 * frame["price_avg_usd"]
    frame["fee_share"] = frame["fees_btc"] / (frame["subsidy_btc"] + frame["fees_btc"])
    return frame


def _quarters(rows: dict[str, dict[str, float]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_dict(rows, orient="index").astype(float)
    return frame.reindex(sorted(frame.index))


COMPANIES = {
    # RIOT-like: gross margin 40.8% -> 40.5% (-0.3 pp); a year earlier 42.5% -> -2.0 pp
    "MARG": {
        "2024Q2": {"revenue_total": 100 * M, "cost_of_revenue_ex_da": 57.5 * M},
        "2025Q1": {"revenue_total": 100 * M, "cost_of_revenue_ex_da": 59.2 * M},
        "2025Q2": {"revenue_total": 100 * M, "cost_of_revenue_ex_da": 59.5 * M},
    },
    # MARA-like: a net loss of $533.4M turns into net income of $808.2M; revenue $238.5M; a fleet that grew
    "FLIP": {
        "2025Q1": {"net_income": -533.4 * M, "revenue_total": 213.9 * M, "hashrate_installed_ehs": 54.3,
                   "btc_produced": 2_286.0},
        "2025Q2": {"net_income": 808.2 * M, "revenue_total": 238.5 * M, "hashrate_installed_ehs": 57.4,
                   "btc_produced": 2_358.0},
    },
    # HUT-like: $908,000 a year earlier among $M figures -> "$0.9M", the +5,474% reads n.m.
    "TINY": {
        "2024Q2": {"net_income": 0.908 * M},
        "2025Q1": {"net_income": 137.3 * M},
        "2025Q2": {"net_income": 50.6 * M},
    },
    # CLSK-like: output on file for 2024Q2, 2025Q1, 2025Q2 only -> the highest of 3 quarters, no record
    "GAPS": {
        "2024Q2": {"btc_produced": 1_500.0},
        "2025Q1": {"btc_produced": 1_900.0},
        "2025Q2": {"btc_produced": 2_012.0},
    },
    # five consecutive quarters on file, the last the highest -> a record
    "REC": {p: {"btc_produced": 1_000.0 + 100 * i} for i, p in enumerate(PERIODS)},
}


class HandMadeDataset:
    def __init__(self) -> None:
        self.companies = pd.DataFrame(
            {"name": [f"{t} Co" for t in COMPANIES]}, index=pd.Index(list(COMPANIES), name="ticker")
        )
        self.network = _network()

    def company_quarters(self, ticker: str) -> pd.DataFrame:
        return _quarters(COMPANIES[ticker])

    def sources(self, ticker: str, period: str) -> pd.DataFrame:
        return pd.DataFrame(columns=["metric", "value", "unit", "source_url", "source_type"])


def _kpis(ticker: str) -> pd.DataFrame:
    return company_quarter_summary(HandMadeDataset(), ticker, "2025Q2").kpis.table.set_index("metric")


def test_margin_changes_are_in_percentage_points() -> None:
    row = _kpis("MARG").loc["gross_margin_ex_da_pct"]
    assert (row["current"], row["prior"], row["year_ago"]) == pytest.approx((40.5, 40.8, 42.5))
    assert fmt.change_text(row["qoq_change"]) == "-0.3 pp"
    assert fmt.change_text(row["yoy_change"]) == "-2.0 pp"
    assert row["qoq_change_pct"] == pytest.approx(-0.3)


def test_a_change_across_a_sign_flip_is_not_meaningful() -> None:
    row = _kpis("FLIP").loc["net_income"]
    assert fmt.change_text(row["qoq_change"]) == "n.m."
    assert math.isnan(row["qoq_change_pct"])
    revenue = _kpis("FLIP").loc["revenue_total"]
    assert fmt.change_text(revenue["qoq_change"]) == "+11.5%"  # 238.5 / 213.9 - 1


def test_a_change_from_a_tiny_base_is_not_meaningful() -> None:
    row = _kpis("TINY").loc["net_income"]
    assert fmt.change_text(row["yoy_change"]) == "n.m."  # 0.908 -> 50.6 would be +5,473%
    assert fmt.change_text(row["qoq_change"]) == "-63.1%"


def test_the_kpi_table_renders_one_scale_per_row_and_the_new_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    html = _render_kpis("TINY", monkeypatch)
    assert "$908,000" not in html and "$0.9M" in html and "$137.3M" in html
    assert "n.m." in html
    html = _render_kpis("FLIP", monkeypatch)
    assert "$238.5M" in html and "$808.2M" in html and "-$533.4M" in html and "$0.2B" not in html
    assert _render_kpis("MARG", monkeypatch).count("-0.3 pp") == 1


def _render_kpis(ticker: str, monkeypatch: pytest.MonkeyPatch) -> str:
    import mineresearch.report.company as report_module

    shown: list[str] = []
    monkeypatch.setattr(report_module, "show_html", lambda *parts: shown.append("".join(p for p in parts if p)))
    summary = company_quarter_summary(HandMadeDataset(), ticker, "2025Q2")
    report_module.CompanyReport(summary, HandMadeDataset()).kpis()
    return "".join(shown)


def test_record_only_over_four_consecutive_quarters() -> None:
    gaps = company_quarter_summary(HandMadeDataset(), "GAPS", "2025Q2").headline
    assert gaps.btc_produced_record is False
    assert gaps.btc_produced_rank is not None and gaps.btc_produced_rank.quarters_on_file == 3
    rec = company_quarter_summary(HandMadeDataset(), "REC", "2025Q2").headline
    assert rec.btc_produced_record is True


def test_headline_sentence_uses_the_summary_record() -> None:
    from mineresearch.report import narrative

    for ticker, needle in (("GAPS", "the highest of the 3 quarters on file"), ("REC", "a record 1,500 BTC")):
        s = company_quarter_summary(HandMadeDataset(), ticker, "2025Q2")
        series = s.output_vs_profit.frame.set_index("period")["btc_produced"]
        text = narrative.headline(s.company_name, "2025Q2", series, None, record=s.headline.btc_produced_rank)
        assert needle in text
    assert "record" not in narrative.headline("GAPS Co", "2025Q2", _quarters(COMPANIES["GAPS"])["btc_produced"], -1e6)


def test_realization_uses_the_average_fleet_and_says_so() -> None:
    n = company_quarter_summary(HandMadeDataset(), "FLIP", "2025Q2").network
    realized = 2_358 / (45_500 / 1_000)  # network BTC 45,500 at 1,000 EH/s
    assert n.realized_hashrate_ehs == pytest.approx(realized)
    assert n.realization_basis == "average"
    assert n.realization_rate_pct == pytest.approx(100 * realized / 55.85)
    first = company_quarter_summary(HandMadeDataset(), "FLIP", "2025Q1").network
    assert first.realization_basis == "quarter-end"  # 2024Q4 fleet not on file


# --- properties of change() -------------------------------------------------------------------------------

finite = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)


@given(finite, finite)
def test_a_sign_flip_is_never_a_percent_change(current: float, base: float) -> None:
    moved = change(current, base, "USD")
    if current * base < 0 or base == 0:
        assert moved.status == "n.m." and math.isnan(moved.value)
    elif moved.ok:
        assert abs(base) >= NM_BASE_RATIO * abs(current)
        assert moved.unit == "%"
        # the sign of the change is the direction of the move
        assert (moved.value > 0) == (current > base) or current == base


@given(st.floats(min_value=-100, max_value=200), st.floats(min_value=-100, max_value=200))
def test_percent_metrics_change_in_points_even_across_zero(current: float, base: float) -> None:
    moved = change(current, base, "%")
    assert moved.ok and moved.unit == "pp"
    assert moved.value == pytest.approx(current - base)


@given(finite.filter(lambda v: v != 0), st.floats(min_value=0.1, max_value=9.9))
def test_percent_change_is_scale_free(base: float, ratio: float) -> None:
    a, b = change(base * ratio, base, "BTC"), change(base * ratio * 1_000, base * 1_000, "BTC")
    assert a.status == b.status
    if a.ok:
        assert a.value == pytest.approx(b.value, rel=1e-9, abs=1e-9)
