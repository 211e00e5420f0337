"""Daily combination, subsidy from block heights, period aggregation, and the committed network table."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from mineresearch.cli.network import network_command, network_tables, read_table, table_differences
from mineresearch.ingest.network_quarterly import add_subsidy, aggregate, build_daily
from mineresearch.ingest.network_sources import NETWORK_COLUMNS, NETWORK_SCHEMA
from mineresearch.paths import PACKAGE_DATA_DIR, shared_dir

SAMPLE_FOLDER = Path(__file__).parents[1] / "fixtures" / "network" / "sample_folder"
# Tiny made-up files, stored under neutral names and laid out under the names build_daily looks for.
SAMPLE_NAMES = {
    "source-commits.txt": "_source_commits.txt",
    "coinmetrics-subset.csv": "coinmetrics_btc_daily_2024-08-19_2025-12-29_subset.csv",
    "blockchaincom-fees-prices.json": "krisp140_blockchaincom_transaction_fees_daily.json",
    "difficulty.csv": "lukmol_difficulty_daily.csv",
    "hashrate.csv": "lukmol_hashrate_daily.csv",
    "yahoo-close.csv": "tomasalvaroba_btc_usd_yahoo_daily.csv",
}


def _sample_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "btc_network"
    folder.mkdir()
    for stored, name in SAMPLE_NAMES.items():
        shutil.copy(SAMPLE_FOLDER / stored, folder / name)
    return folder
SHARED = shared_dir()
needs_shared = pytest.mark.skipif(
    SHARED is None or not (SHARED / "btc_network").is_dir(), reason="no shared/btc_network folder"
)


def _two_quarters(anchor_height: int = 839_900) -> pd.DataFrame:
    """2024Q1 and 2024Q2, 144 blocks and 10 BTC fees a day, 600 EH/s; $50k in Q1, $60k in Q2.

    The first block of 2024-04-20 has ``anchor_height``; with 839,900 that day has 100 blocks at
    6.25 BTC and 44 at 3.125 BTC.
    """
    index = pd.date_range("2024-01-01", "2024-06-30", freq="D")
    daily = pd.DataFrame(
        {
            "price_usd": np.where(index < "2024-04-01", 50_000.0, 60_000.0),
            "hashrate_ehs": 600.0,
            "difficulty": 80e12,
            "blocks": 144.0,
            "fees_btc": 10.0,
        },
        index=index,
    )
    return add_subsidy(daily, pd.Timestamp("2024-04-20"), anchor_height)


def test_halving_day_is_split() -> None:
    daily = _two_quarters()
    assert daily.loc["2024-04-20", "first_height"] == 839_900
    assert daily.loc["2024-04-21", "first_height"] == 840_044
    assert daily.loc["2024-04-19", "first_height"] == 839_756
    assert daily.loc["2024-01-01", "first_height"] == 839_900 - 110 * 144  # 110 days before the anchor
    assert daily.loc["2024-04-19", "subsidy_btc"] == 144 * 6.25
    assert daily.loc["2024-04-20", "subsidy_btc"] == 100 * 6.25 + 44 * 3.125
    assert daily.loc["2024-04-21", "subsidy_btc"] == 144 * 3.125


def test_aggregate_hand_computed_quarters() -> None:
    table = aggregate(_two_quarters(), "Q", today=date(2026, 11, 24))
    assert list(table.index) == ["2024Q1", "2024Q2"]
    q1, q2 = table.loc["2024Q1"], table.loc["2024Q2"]
    assert (q1["days"], q2["days"]) == (91, 91)
    assert q1["start"] == pd.Timestamp("2024-01-01") and q1["end"] == pd.Timestamp("2024-03-31")
    assert q1["blocks"] == 91 * 144 and q2["blocks"] == 91 * 144
    assert q1["subsidy_btc"] == 91 * 144 * 6.25
    q2_subsidy = 19 * 144 * 6.25 + (100 * 6.25 + 44 * 3.125) + 71 * 144 * 3.125  # Apr 1-19, Apr 20, Apr 21-Jun 30
    assert q2["subsidy_btc"] == pytest.approx(q2_subsidy)
    assert q2["fees_btc"] == 910.0
    assert q2["fee_share"] == pytest.approx(910.0 / (q2_subsidy + 910.0))
    assert q1["price_avg_usd"] == 50_000.0 and q2["price_end_usd"] == 60_000.0
    assert q1["hashrate_avg_ehs"] == 600.0 and q1["difficulty_avg"] == 80e12
    assert q1["hashprice_usd_per_ph_day"] == pytest.approx((900.0 + 10.0) * 50_000.0 / 600_000.0)
    assert q2["hashprice_usd_per_ph_day"] == pytest.approx((q2_subsidy + 910.0) * 60_000.0 / 600_000.0 / 91)
    assert q1["hashprice_btc_per_ph_day"] == pytest.approx(910.0 / 600_000.0)
    assert q2["btc_per_ehs_day"] == pytest.approx((q2_subsidy + 910.0) / 91 / 600.0)
    NETWORK_SCHEMA.validate(table)


def test_gaps_stay_nan_per_column() -> None:
    daily = _two_quarters()
    daily.loc["2024-05-10", "fees_btc"] = np.nan
    table = aggregate(daily, "Q", today=date(2026, 11, 24))
    q2 = table.loc["2024Q2"]
    assert np.isnan(q2["fees_btc"]) and np.isnan(q2["fee_share"]) and np.isnan(q2["hashprice_usd_per_ph_day"])
    assert q2["subsidy_btc"] > 0 and q2["price_avg_usd"] == 60_000.0
    assert table.loc["2024Q1", "fees_btc"] == 910.0


def test_missing_block_count_breaks_heights_before_it() -> None:
    daily = _two_quarters().drop(columns=["first_height", "subsidy_btc"])
    daily.loc["2024-02-10", "blocks"] = np.nan
    daily = add_subsidy(daily, pd.Timestamp("2024-04-20"), 839_900)
    assert daily.loc[:"2024-02-10", "subsidy_btc"].isna().all()
    assert daily.loc["2024-02-11", "first_height"] == 839_900 - 69 * 144
    table = aggregate(daily, "Q", today=date(2026, 11, 24))
    assert np.isnan(table.loc["2024Q1", "subsidy_btc"]) and np.isnan(table.loc["2024Q1", "blocks"])
    assert table.loc["2024Q2", "subsidy_btc"] > 0


def test_only_ended_periods_and_monthly_labels() -> None:
    daily = _two_quarters()
    assert list(aggregate(daily, "Q", today=date(2024, 6, 30)).index) == ["2024Q1"]
    months = aggregate(daily, "M", today=date(2024, 7, 1))
    assert list(months.index)[:2] == ["2024-01", "2024-02"] and len(months) == 6
    assert months.loc["2024-02", "days"] == 29 and months.loc["2024-02", "blocks"] == 29 * 144


def test_build_daily_picks_sources_and_records_them(tmp_path: Path) -> None:
    daily = build_daily(_sample_folder(tmp_path))
    assert list(daily.index) == list(pd.date_range("2024-04-18", "2024-04-22"))
    assert daily["blocks"].tolist() == [150, 140, 130, 146, 147]  # lukmol identity, then Coin Metrics BlkCnt
    assert daily["source_blocks"].tolist() == ["lukmol_hashrate"] * 3 + ["coinmetrics"] * 2
    assert daily["price_usd"].tolist() == [61000.5, 62000.25, 63000.0, 64000.0, 65000.0]
    assert daily["source_price_usd"].tolist() == ["yahoo"] * 3 + ["coinmetrics"] * 2
    assert daily["fees_btc"].tolist() == [20.5, 30.25, 90.0, 7.5, 8.25]
    assert daily["source_fees_btc"].iloc[0] == "blockchain_com_2024"
    assert daily["first_height"].tolist() == [839_710, 839_860, 840_000, 840_130, 840_276]
    assert daily["subsidy_btc"].tolist() == [150 * 6.25, 140 * 6.25, 130 * 3.125, 146 * 3.125, 147 * 3.125]


def test_network_columns_match_the_contract() -> None:
    table = aggregate(_two_quarters(), "Q", today=date(2026, 11, 24))
    assert list(table.columns) == list(NETWORK_COLUMNS)
    assert list(NETWORK_COLUMNS)[3:] == [
        "price_avg_usd", "price_end_usd", "hashrate_avg_ehs", "difficulty_avg", "blocks", "subsidy_btc",
        "fees_btc", "fee_share", "hashprice_usd_per_ph_day", "hashprice_btc_per_ph_day", "btc_per_ehs_day",
    ]


@pytest.fixture(scope="module")
def shared_daily() -> pd.DataFrame:
    assert SHARED is not None
    return build_daily(SHARED)


@needs_shared
def test_committed_tables_match_a_rebuild() -> None:
    assert SHARED is not None
    table, sources = network_tables(SHARED)
    assert table_differences(table, read_table(PACKAGE_DATA_DIR / "network_quarterly.csv")) == []
    committed = pd.read_csv(PACKAGE_DATA_DIR / "network_sources.csv", dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(committed, sources)


@needs_shared
def test_jpmorgan_february_2025_block_reward_revenue(shared_daily: pd.DataFrame) -> None:
    # methods ref. A3: JPMorgan "$54,300 per EH/s on average in daily block reward revenue", Feb-2025
    feb = aggregate(shared_daily, "M").loc["2025-02"]
    assert feb["hashprice_usd_per_ph_day"] * 1000 == pytest.approx(54_300, rel=0.01)
    assert feb["hashrate_avg_ehs"] == pytest.approx(810, abs=0.5)  # JPMorgan: "rose 3% to 810 EH/s"
    assert feb["btc_per_ehs_day"] == pytest.approx(0.571, abs=0.0005)


@needs_shared
def test_quarterly_benchmarks_and_fee_shares(shared_daily: pd.DataFrame) -> None:
    # methods ref. A2 and A4, recomputed from Coin Metrics
    table = aggregate(shared_daily, "Q")
    expected = {"2024Q4": (0.653, 3.50), "2025Q2": (0.520, 1.24), "2025Q3": (0.488, 0.88)}
    for period, (btc_per_ehs, fee_pct) in expected.items():
        assert table.loc[period, "btc_per_ehs_day"] == pytest.approx(btc_per_ehs, abs=0.0005), period
        assert table.loc[period, "fee_share"] * 100 == pytest.approx(fee_pct, abs=0.005), period
    assert table.loc["2025Q2", "hashprice_usd_per_ph_day"] == pytest.approx(51.2, abs=0.05)


@needs_shared
def test_heights_and_subsidy_agree_with_the_chain(shared_daily: pd.DataFrame) -> None:
    assert SHARED is not None
    from mineresearch.ingest.network_readers import read_coinmetrics_csv

    cm = read_coinmetrics_csv(SHARED / "btc_network" / "coinmetrics_btc_daily_2024-08-19_2025-12-29_subset.csv")
    # Coin Metrics' own issuance equals the subsidy derived from heights on every day it covers
    assert (shared_daily["subsidy_btc"].reindex(cm.index) == cm["issuance_btc"]).all()
    # block 800,000 was mined on 2023-07-24 (pand.exchange, 2023-07-27) and block 700,000 on 2021-09-11
    # (financialexpress.com, 2021-09-12): accumulated counts land each on its day
    for day_label, height in (("2023-07-24", 800_000), ("2021-09-11", 700_000)):
        day = shared_daily.loc[day_label]
        assert day["first_height"] <= height < day["first_height"] + day["blocks"], day_label


@needs_shared
def test_cli_check_passes_on_committed_tables_and_fails_on_a_change(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(network_command, ["--shared", str(SHARED), "--check"])
    assert ok.exit_code == 0, ok.output
    written = runner.invoke(network_command, ["--shared", str(SHARED), "--output", str(tmp_path)])
    assert written.exit_code == 0
    path = tmp_path / "network_quarterly.csv"
    path.write_text(path.read_text().replace("2025Q2,2025-04-01,2025-06-30,91,", "2025Q2,2025-04-01,2025-06-30,92,"))
    changed = runner.invoke(network_command, ["--shared", str(SHARED), "--output", str(tmp_path), "--check"])
    assert changed.exit_code == 1
    assert "2025Q2 days" in changed.output
