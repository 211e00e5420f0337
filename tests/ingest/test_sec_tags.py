"""The packaged tag table's company rows: each one seen in a filing, and each used for its company only.

The values below are the ones printed in the filings the rows cite (Riot's 10-Q copies in the public
repository Sashamine/dat-tracker-next, pinned to a commit), put into a small companyfacts document in the
SEC's format: ``facts -> taxonomy -> tag -> units -> unit key -> [entries]``. Riot's counts of bitcoin use
its own unit ``riot:item``, which company facts keys by its local name, ``item``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from mineresearch.dataset.vocabulary import METRICS
from mineresearch.ingest.sec_tags import TAGS_FILE, TagRow, load_tags
from mineresearch.ingest.xbrl import convert

STANDARD = {"us-gaap", "ifrs-full", "dei", "srt"}
PINNED_COPY = re.compile(r"^https://github\.com/[\w.-]+/[\w.-]+/blob/[0-9a-f]{40}/\S+$")

RIOT_CIK = 1167419
Q1_2025 = ("0001558370-25-006119", "10-Q", "2025-05-01")
Q2_2025 = ("0001558370-25-009896", "10-Q", "2025-07-31")
Q3_2025 = ("0001104659-25-104466", "10-Q", "2025-10-30")
Q3_2024 = ("0009999999-24-000003", "10-Q", "2024-10-30")  # the quarter to 30 September 2024; number made up

# (taxonomy, tag) -> unit key, [(start, end, value, filing)], (period, metric, expected value)
FILED: dict[tuple[str, str], tuple[str, list[tuple[str | None, str, float, tuple[str, str, str]]],
                                  tuple[str, str, float]]] = {
    # 10Q-2024-09-30: "Balance as of September 30, 2024 ... 10,427" (quantity column of the bitcoin roll-forward)
    ("riot", "CryptocurrencyQuantityBalance"): (
        "item", [(None, "2024-09-30", 10_427.0, Q3_2024)], ("2024Q3", "btc_held", 10_427.0)),
    # 10Q-2025-03-31: "Revenue recognized from Bitcoin mined ... 1,530" for the three months
    ("riot", "QuantityOfCryptoCurrencyRevenueRecognizedFromMining"): (
        "item", [("2025-01-01", "2025-03-31", 1_530.0, Q1_2025)], ("2025Q1", "btc_produced", 1_530.0)),
    # 10Q-2025-06-30: "As of June 30, 2025, 3,300 of the Company's bitcoin were pledged as collateral"
    ("riot", "NumberOfBitcoinsPledgedAsDebtCollateral"): (
        "item", [(None, "2025-06-30", 3_300.0, Q2_2025)], ("2025Q2", "btc_pledged", 3_300.0)),
    # 10Q-2025-09-30: "Power curtailment credits (30,634)" in thousands, tagged negative
    ("riot", "PowerCurtailmentCredits"): (
        "USD", [("2025-07-01", "2025-09-30", -30_634_000.0, Q3_2025)],
        ("2025Q3", "power_curtailment_credits", 30_634_000.0)),
}


def _document(facts: dict[tuple[str, str], tuple[str, list[tuple[str | None, str, float, tuple[str, str, str]]]]],
              ) -> dict:
    out: dict[str, dict] = {}
    for (taxonomy, tag), (unit, entries) in facts.items():
        rows = out.setdefault(taxonomy, {}).setdefault(tag, {"label": tag, "units": {}})["units"]
        for start, end, value, (accn, form, filed) in entries:
            entry = {"end": end, "val": value, "accn": accn, "form": form, "filed": filed}
            rows.setdefault(unit, []).append({**entry, "start": start} if start else entry)
    return {"cik": RIOT_CIK, "entityName": "Riot Platforms, Inc.", "facts": out}


def _company_rows() -> list[TagRow]:
    return [row for row in load_tags() if row.taxonomy not in STANDARD]


def _value(facts: pd.DataFrame, period: str, metric: str) -> list[float]:
    return facts[(facts["period"] == period) & (facts["metric"] == metric)]["value"].tolist()


def test_every_company_row_has_a_ticker_a_pinned_source_and_a_known_metric() -> None:
    rows = _company_rows()
    assert rows, "the packaged table maps no company extension tag"
    for row in rows:
        assert row.ticker, row.name
        assert PINNED_COPY.match(row.source), (row.name, row.source)
        assert row.metric in METRICS, row.name
        assert (row.taxonomy, row.tag) in FILED, f"{row.name}: add the value seen in {row.source} to this test"
    assert all(not row.source for row in load_tags() if row.taxonomy in STANDARD)


@pytest.mark.parametrize("key", sorted(FILED))
def test_company_row_gives_the_filed_figure_for_its_company_only(key: tuple[str, str]) -> None:
    unit, entries, (period, metric, expected) = FILED[key]
    (row,) = [r for r in _company_rows() if (r.taxonomy, r.tag) == key]
    assert unit in row.units
    document = _document({key: (unit, entries)})
    facts = convert(document, row.ticker).facts
    assert _value(facts, period, metric) == [expected]
    assert facts["source_url"].str.startswith(f"https://www.sec.gov/Archives/edgar/data/{RIOT_CIK}/").all()
    assert convert(document, "MARA").facts.empty  # another company's conversion ignores RIOT's tag


def test_year_to_date_counts_give_quarters_and_a_value_in_another_unit_is_ignored() -> None:
    # 10Q-2024-09-30 prints bitcoin mined for nine months (3,312, unit item) and tags the quarter's mining
    # revenue (67,491 thousand, USD) with the same concept; 10Q-2025-06-30 prints six months 2024 (2,208).
    mined = ("riot", "QuantityOfCryptoCurrencyRevenueRecognizedFromMining")
    document = _document({mined: ("item", [("2024-01-01", "2024-09-30", 3_312.0, Q3_2024),
                                           ("2024-01-01", "2024-06-30", 2_208.0, Q2_2025)])})
    document["facts"]["riot"][mined[1]]["units"]["USD"] = [
        {"start": "2024-07-01", "end": "2024-09-30", "val": 67_491_000.0, "accn": Q3_2024[0], "form": "10-Q",
         "filed": Q3_2024[2]}]
    facts = convert(document, "RIOT").facts
    row = facts[(facts["period"] == "2024Q3") & (facts["metric"] == "btc_produced")].iloc[0]
    assert row["value"] == 1_104.0  # Riot's reported production for the quarter
    assert row["derived_from"].endswith(f"{Q2_2025[0].replace('-', '')}/")


def test_standard_counts_read_the_unit_key_item() -> None:
    # 10Q-2025-09-30: us-gaap:CryptoAssetNumberOfUnits 19,287 and CryptoAssetNumberOfRestrictedUnits 3,300,
    # both in riot:item
    document = _document({
        ("us-gaap", "CryptoAssetNumberOfUnits"): ("item", [(None, "2025-09-30", 19_287.0, Q3_2025)]),
        ("us-gaap", "CryptoAssetNumberOfRestrictedUnits"): ("item", [(None, "2025-09-30", 3_300.0, Q3_2025)]),
    })
    for ticker in ("RIOT", "MARA"):  # standard rows: any company
        facts = convert(document, ticker).facts
        assert _value(facts, "2025Q3", "btc_held") == [19_287.0]
        assert _value(facts, "2025Q3", "btc_pledged") == [3_300.0]


def test_source_column_is_optional_and_must_be_an_address(tmp_path: Path) -> None:
    header = "metric,taxonomy,tag,units,priority,sign,line_item,ticker"
    without = tmp_path / "without.csv"
    without.write_text(f"{header}\nbtc_held,riot,CryptocurrencyQuantityBalance,item,2,1,,RIOT\n")
    assert [r.source for r in load_tags(without)] == [""]
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{header},source\nbtc_held,riot,CryptocurrencyQuantityBalance,item,2,1,,RIOT,seen it\n")
    with pytest.raises(ValueError, match="not an address"):
        load_tags(bad)
    assert "source" in TAGS_FILE.read_text().splitlines()[0].split(",")
