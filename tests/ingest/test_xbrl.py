"""SEC companyfacts JSON: quarterly durations, instants, tag fallback, line tags, archive addresses.

The derivation of quarters from year-to-date figures and the restatement rules: ``test_sec.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from mineresearch.ingest.figures import FACT_COLUMNS
from mineresearch.ingest.xbrl import SEC_FACT_COLUMNS, archive_url, convert, read_companyfacts

FIXTURE = Path(__file__).parents[1] / "fixtures" / "data" / "xbrl" / "companyfacts_fixture.json"


@pytest.fixture(scope="module")
def rows() -> pd.DataFrame:
    return read_companyfacts(FIXTURE, "FXTR")


def _values(rows: pd.DataFrame, period: str, metric: str) -> list[float]:
    return rows[(rows["period"] == period) & (rows["metric"] == metric)]["value"].tolist()


def test_columns_and_source(rows: pd.DataFrame) -> None:
    assert list(rows.columns) == SEC_FACT_COLUMNS and SEC_FACT_COLUMNS[: len(FACT_COLUMNS)] == FACT_COLUMNS
    assert set(rows["source_type"]) == {"primary"}
    assert set(rows["ticker"]) == {"FXTR"}
    assert archive_url(9999999, "0009999999-25-000002") == (
        "https://www.sec.gov/Archives/edgar/data/9999999/000999999925000002/"
    )


def test_only_three_month_durations_are_kept(rows: pd.DataFrame) -> None:
    assert _values(rows, "2025Q2", "revenue_total") == [2000.0]  # the six-month 3000 is left out
    assert _values(rows, "2024Q4", "net_income") == []  # a full-year duration is not a quarter


def test_tag_fallback_per_quarter(rows: pd.DataFrame) -> None:
    assert _values(rows, "2025Q1", "revenue_total") == [1000.0]  # Revenues first, not 999
    assert _values(rows, "2024Q4", "revenue_total") == [500.0]  # RevenueFromContract... fills the gap


def test_instants_at_quarter_ends_only(rows: pd.DataFrame) -> None:
    assert _values(rows, "2025Q2", "cash") == [400.0]  # the 2025-05-15 instant is not a quarter end
    assert _values(rows, "2025Q2", "shares_outstanding") == [1_000_000.0]
    assert _values(rows, "2025Q2", "eps_diluted") == [-0.07]


def test_line_tags_become_line_items(rows: pd.DataFrame) -> None:
    lines = rows[rows["metric"] == "digital_assets_fair_value"].set_index("line_item")["value"]
    assert lines.to_dict() == {"Crypto assets (current)": 300.0, "Crypto assets (noncurrent)": 50.0}


def test_amendment_supersedes_the_original() -> None:
    result = convert(json.loads(FIXTURE.read_text()), "FXTR")
    net = result.facts[(result.facts["period"] == "2025Q2") & (result.facts["metric"] == "net_income")]
    assert net["value"].tolist() == [-710.0] and net["restated"].tolist() == [True]
    assert net["accession"].tolist() == ["0009999999-25-000003"]  # the 10-Q/A
    old = result.superseded
    assert old[["value", "accession", "superseded_by"]].values.tolist() == [
        [-700.0, "0009999999-25-000002", "0009999999-25-000003"]]


def test_fiscal_period_from_companies(tmp_path: Path) -> None:
    clsk = read_companyfacts(FIXTURE, "CLSK")  # CleanSpark's fiscal year ends 30 September
    assert set(clsk.loc[clsk["period"] == "2025Q2", "fiscal_period"]) == {"FY2025Q3"}


def test_not_companyfacts_raises(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"entityName": "x"}))
    with pytest.raises(ValueError, match="not SEC companyfacts"):
        read_companyfacts(bad, "FXTR")
