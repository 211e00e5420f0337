"""Daily network readers: one tiny fixture per format, and one bad file each."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mineresearch.exceptions import DataValidationError
from mineresearch.ingest.network_readers import (
    read_blockchain_com_csv,
    read_blockchain_com_json,
    read_coinmetrics_csv,
    read_date_value_csv,
)

FIXTURES = Path(__file__).parents[1] / "fixtures" / "network"


def _dates(*days: str) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(pd.to_datetime(list(days)), name="date")


def _problems(exc: pytest.ExceptionInfo[DataValidationError]) -> set[tuple[str, int | None, str | None]]:
    return {(p.file, p.row, p.column) for p in exc.value.problems}


def test_coinmetrics_csv_canonical_columns_and_units() -> None:
    frame = read_coinmetrics_csv(FIXTURES / "coinmetrics_tiny.csv")
    assert list(frame.index) == list(_dates("2024-04-19", "2024-04-20", "2024-04-21"))
    assert set(frame.columns) == {"blocks", "difficulty", "fees_btc", "hashrate_ehs", "issuance_btc", "price_usd"}
    row = frame.loc["2024-04-19"]
    assert row["blocks"] == 140 and row["fees_btc"] == 30.25 and row["issuance_btc"] == 875
    assert row["hashrate_ehs"] == pytest.approx(556.19909716)  # TH/s / 1e6
    assert row["difficulty"] == 80e12 and row["price_usd"] == 62000.25
    assert np.isnan(frame.loc["2024-04-20", "price_usd"])  # empty cell stays missing


def test_coinmetrics_bad_file_names_file_row_and_field() -> None:
    with pytest.raises(DataValidationError) as exc:
        read_coinmetrics_csv(FIXTURES / "coinmetrics_bad.csv")
    assert _problems(exc) == {("coinmetrics_bad.csv", 3, "FeeTotNtv"), ("coinmetrics_bad.csv", 4, "time")}
    assert "coinmetrics_bad.csv, row 3, column 'FeeTotNtv'" in str(exc.value)


def test_coinmetrics_without_time_column(tmp_path: Path) -> None:
    path = tmp_path / "cm.csv"
    path.write_text("date,BlkCnt\n2024-04-19,140\n")
    with pytest.raises(DataValidationError) as exc:
        read_coinmetrics_csv(path)
    assert _problems(exc) == {("cm.csv", None, "time")}


def test_blockchain_com_csv_ms_epoch_and_chart_from_name() -> None:
    frame = read_blockchain_com_csv(FIXTURES / "blockchain_com_transaction-fees.csv")
    assert list(frame.columns) == ["fees_btc"]
    assert list(frame.index) == list(_dates("2024-04-18", "2024-04-19", "2024-04-20"))
    assert frame["fees_btc"].tolist() == [20.5, 30.25, 90.0]


def test_blockchain_com_csv_bad_value() -> None:
    with pytest.raises(DataValidationError) as exc:
        read_blockchain_com_csv(FIXTURES / "blockchain_com_bad_hash-rate.csv")
    assert _problems(exc) == {("blockchain_com_bad_hash-rate.csv", 3, "y")}


def test_blockchain_com_api_json_seconds_epoch() -> None:
    frame = read_blockchain_com_json(FIXTURES / "blockchain_com_api.json")
    assert list(frame.columns) == ["price_usd"]  # named by the file's "Market Price (USD)"
    assert list(frame.index) == list(_dates("2024-04-18", "2024-04-19"))
    assert frame["price_usd"].tolist() == [61000.5, 62000.25]


def test_blockchain_com_multi_chart_json() -> None:
    path = FIXTURES / "sample_folder" / "blockchaincom-fees-prices.json"
    both = read_blockchain_com_json(path)
    assert set(both.columns) == {"fees_btc", "price_usd"}
    assert both.loc["2024-04-20", "fees_btc"] == 90.0 and both.loc["2024-04-18", "price_usd"] == 61001.0
    fees = read_blockchain_com_json(path, chart="transaction-fees")
    assert list(fees.columns) == ["fees_btc"]


def test_blockchain_com_bad_json_point() -> None:
    with pytest.raises(DataValidationError) as exc:
        read_blockchain_com_json(FIXTURES / "blockchain_com_bad.json")
    assert _problems(exc) == {("blockchain_com_bad.json", 2, "transaction-fees.y")}


def test_blockchain_com_not_json(tmp_path: Path) -> None:
    path = tmp_path / "chart.json"
    path.write_text("x,y\n1,2\n")
    with pytest.raises(DataValidationError, match="chart.json"):
        read_blockchain_com_json(path)


def test_date_value_csv_scaled_and_gaps_kept() -> None:
    frame = read_date_value_csv(FIXTURES / "date_value.csv", "hashrate_ehs", scale=1e-6)
    assert list(frame.columns) == ["hashrate_ehs"]
    assert frame.loc["2024-04-18", "hashrate_ehs"] == pytest.approx(600.0)
    assert np.isnan(frame.loc["2024-04-19", "hashrate_ehs"])
    assert frame.loc["2024-04-20", "hashrate_ehs"] == pytest.approx(580.0000005)


def test_date_value_csv_named_columns() -> None:
    path = FIXTURES / "sample_folder" / "yahoo-close.csv"
    frame = read_date_value_csv(path, "price_usd", value_field="Close", date_field="Date")
    assert frame["price_usd"].tolist() == [61000.5, 62000.25, 63000.0, 63500.0, 64500.0]
    with pytest.raises(DataValidationError) as exc:
        read_date_value_csv(path, "price_usd", date_field="Date")  # several value columns: must be named
    assert "name the value column" in str(exc.value)


def test_date_value_bad_file_collects_every_problem() -> None:
    with pytest.raises(DataValidationError) as exc:
        read_date_value_csv(FIXTURES / "date_value_bad.csv", "hashrate_ehs", scale=1e-6)
    assert _problems(exc) == {("date_value_bad.csv", 3, "date"), ("date_value_bad.csv", 4, "hashrate")}
