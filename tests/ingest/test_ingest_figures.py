"""Building facts from the shared figures file: periods, metrics, units, line items, dropped rows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mineresearch.ingest.curation import as_of_mismatch, is_restated, printed_line
from mineresearch.ingest.figures import FACT_COLUMNS, build, build_facts, facts_csv_text
from mineresearch.paths import PACKAGE_DATA_DIR, shared_dir

SAMPLE = Path(__file__).parents[1] / "fixtures" / "data" / "figures_sample.csv"


@pytest.fixture(scope="module")
def sample() -> pd.DataFrame:
    return build(SAMPLE).facts.set_index(["ticker", "period", "metric", "line_item"])


def test_metrics_and_units_are_normalised(sample: pd.DataFrame) -> None:
    assert sample.loc[("CIFR", "2025Q2", "revenue_mining", ""), "value"] == 1_000_000
    assert sample.loc[("CIFR", "2025Q2", "cash", ""), "value"] == 2_500_000
    assert sample.loc[("CIFR", "2025Q2", "power_cost_usd_mwh", ""), "value"] == 31.0  # 3.1 cents/kWh
    assert sample.loc[("CIFR", "2025Q3", "power_cost_usd_mwh", ""), "value"] == 47.0  # $0.047/kWh
    assert sample.loc[("CIFR", "2025Q3", "fleet_efficiency_jth", ""), ["value", "unit"]].tolist() == [19.0, "J/TH"]
    assert sample.loc[("CIFR", "2025Q2", "cash", ""), "precision"] == 100_000  # printed as 2.5 million


def test_fiscal_labels_map_to_calendar_quarters(sample: pd.DataFrame) -> None:
    clsk = sample.loc[("CLSK", "2025Q2", "revenue_total", "")]
    assert (clsk["fiscal_period"], clsk["period_end"]) == ("FY2025Q3", "2025-06-30")
    assert sample.loc[("IREN", "2025Q1", "btc_produced", ""), "fiscal_period"] == "FY2025Q3"
    assert sample.loc[("IREN", "2025Q1", "revenue_total", ""), "fiscal_period"] == "FY2025Q3"  # calendar row filled
    assert sample.loc[("CIFR", "2025Q2", "cash", ""), "fiscal_period"] == ""


def test_several_printed_lines_get_labels(sample: pd.DataFrame) -> None:
    lines = sample.loc[("CLSK", "2025Q2", "sga")]
    assert sorted(lines.index) == ["General and administrative expenses", "Payroll expenses"]
    assert lines["value"].sum() == 30_000


def test_restated_flag(sample: pd.DataFrame) -> None:
    assert bool(sample.loc[("MARA", "2024Q1", "adjusted_ebitda", ""), "restated"])
    assert not bool(sample.loc[("MARA", "2024Q1", "net_income", ""), "restated"])


def test_dropped_rows_have_reasons() -> None:
    dropped = build(SAMPLE).dropped.set_index("source_line")
    assert dropped.loc[7, "reason"] == "monthly figure, not a quarter"
    assert dropped.loc[8, "reason"] == "full-year figure, not a quarter"
    assert dropped.loc[9, "reason"] == "working capital: no vocabulary metric"
    assert dropped.loc[10, "reason"] == "quoted as of 2025-08-05, not the quarter end"
    assert "not in companies.csv" in dropped.loc[19, "reason"]
    assert len(dropped) == 5


def test_build_facts_returns_the_columns_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="mineresearch.ingest.figures"):
        facts = build_facts(SAMPLE)
    assert list(facts.columns) == FACT_COLUMNS
    assert "quote" not in facts.columns
    assert "13 facts built, 5 source rows left out" in caplog.text


def test_curation_helpers() -> None:
    assert printed_line("[X 10-Q; repo copy] Revenue: Engineering | 13,920") == "Engineering"
    assert printed_line("no printed line here") == ""
    assert is_restated("[comparative as restated]") and not is_restated("[note: as originally reported]")
    assert as_of_mismatch("as of March 31, 2024", pd.Timestamp("2024-03-31").date()) is None
    assert str(as_of_mismatch("as of Feb 25, 2025 release", pd.Timestamp("2024-12-31").date())) == "2025-02-25"


@pytest.mark.skipif(shared_dir() is None, reason="the shared folder is not beside the repository")
def test_committed_facts_equal_a_rebuild_from_shared() -> None:
    source = shared_dir() / "data" / "company_quarter_figures.csv"  # type: ignore[operator]
    if not source.is_file():
        pytest.skip("no company_quarter_figures.csv in the shared folder")
    result = build(source)
    assert facts_csv_text(result.facts) == (PACKAGE_DATA_DIR / "facts.csv").read_text(encoding="utf-8")
    assert len(result.facts) - result.from_quotes + len(result.dropped) == len(pd.read_csv(source))
