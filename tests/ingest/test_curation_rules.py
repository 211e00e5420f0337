"""Curation rules for the second collection: ticker remaps, scope, figures stated in quotes, duplicates."""
# ruff: noqa: E501

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mineresearch.dataset import select as selection
from mineresearch.ingest.curation import scope_of
from mineresearch.ingest.figures import build

HEADER = "ticker,period,period_end,metric,value,unit,source_url,quote,source_type\n"
ROWS = [
    'ABTC,Q2 2024,2024-06-30,net_income,-4.0,USD millions,https://x.example/g,"[Gryphon (now ABTC) 8-K] net loss of $4.0 million",primary',
    'RIOT,Q2 2025,2025-06-30,btc_held,19273,BTC,https://x.example/r,"Riot held 19,273 bitcoin (with 3,300 held as collateral)",secondary',
    'RIOT,Q2 2025,2025-06-30,cost_to_mine_per_btc,48992,USD/BTC,https://x.example/q,"[excl. miner depreciation] Cost to mine one bitcoin, excluding bitcoin miner depreciation | 48,992",primary',
    'RIOT,Q2 2025,2025-06-30,cost_to_mine_per_btc,91244,USD/BTC,https://x.example/q,"[incl. miner depreciation] Cost to mine one bitcoin, including bitcoin miner depreciation | 91,244",primary',
    'MARA,Q2 2025,2025-06-30,purchased_energy_cost_per_btc,33735,USD/BTC,https://x.example/m,"purchased energy cost/ BTC fell to $33,735",secondary',
    'MARA,Q2 2025,2025-06-30,line_of_credit,350,USD millions,https://x.example/m,"an additional $350 million outstanding on the line of credit",secondary',
    'CLSK,Q1 2024,2024-03-31,eps_diluted,0.58,USD,https://x.example/c,"[Q2 FY2024] per common share - diluted | 0.58",primary',
    'CLSK,Q1 2024,2024-03-31,cash,323052,USD thousands,https://x.example/c,"[Q2 FY2024] Cash and cash equivalents, including restricted cash | 323,052",primary',
    'HUT,Q3 2025,2025-09-30,net_income,50612,USD thousands,https://x.example/h,"Net income from continuing operations | 50,612",primary',
    'BITF,Q2 2025,2025-06-30,revenue_total,78,USD millions,https://x.example/b,"Revenue of $78 million",primary',
    'BITF,Q2 2025,2025-06-30,revenue_total,78,USD millions,https://x.example/b,"[rounded] Revenue of $78 million, up 87% Y/Y",primary',
]


def _build(tmp_path: Path) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    source = tmp_path / "figures.csv"
    source.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    result = build(source)
    return result.facts.set_index(["ticker", "period", "metric"]), result.dropped, result.from_quotes


def test_second_collection_rules(tmp_path: Path) -> None:
    facts, dropped, from_quotes = _build(tmp_path)
    assert ("GRYP", "2024Q2", "net_income") in facts.index  # Gryphon before the merger is not ABTC
    assert not any(t == "ABTC" for t, _, _ in facts.index)
    assert facts.loc[("RIOT", "2025Q2", "btc_pledged"), "value"] == 3300  # stated beside the holding
    assert from_quotes == 1
    cost = facts.loc[("RIOT", "2025Q2", "cost_to_mine_per_btc")]
    assert float(cost["value"]) == 48992 and cost["scope"] == "excluding miner depreciation"
    assert facts.loc[("MARA", "2025Q2", "power_cost_per_btc"), "scope"] == "owned sites only"
    assert facts.loc[("MARA", "2025Q2", "line_of_credit"), "value"] == 350_000_000
    eps = facts.loc[("CLSK", "2024Q1", "eps_diluted")]
    assert (float(eps["value"]), eps["unit"]) == (0.58, "USD/share")
    assert ("CLSK", "2024Q1", "cash") not in facts.index
    assert facts.loc[("HUT", "2025Q3", "net_income"), "scope"] == "continuing operations"
    assert len(facts.loc[[("BITF", "2025Q2", "revenue_total")]]) == 1  # the same figure twice is one fact
    reasons = " | ".join(dropped["reason"])
    assert "including miner depreciation" in reasons and "restricted cash" in reasons
    assert "the same figure from the same source" in reasons
    assert len(facts) - from_quotes + len(dropped) == len(ROWS)


def test_scope_rules() -> None:
    assert scope_of("power_cost_per_btc", "for our owned sites") == "owned sites only"
    assert scope_of("net_income", "Net income attributable to Hut 8 Corp.") == "attributable to the company"
    assert scope_of("net_income", "Net loss") == ""
    assert scope_of("revenue_total", "[preliminary] Revenue of approximately $19.2 million") == "preliminary"


def test_agreeing_sources_use_the_more_precise_value() -> None:
    rows = pd.DataFrame({
        "ticker": ["CIFR", "CIFR", "RIOT", "RIOT"], "period": ["2024Q2"] * 4,
        "metric": ["net_income"] * 4, "line_item": [""] * 4,
        "value": [-15_000_000.0, -15_291_000.0, 100_000_000.0, 120_000_000.0],
        "source_type": ["primary", "secondary", "primary", "secondary"],
        "restated": [False] * 4, "period_end": ["2024-06-30"] * 4,
        "precision": [1_000_000.0, 1_000.0, 1_000_000.0, 1_000.0],
        "source_url": ["https://a.example", "https://b.example", "https://c.example", "https://d.example"],
    })
    picked = selection.chosen(rows).set_index("ticker")["value"]
    assert picked["CIFR"] == -15_291_000.0  # agrees within the rounding of "$15 million": the exact figure
    assert picked["RIOT"] == 100_000_000.0  # disagrees: the primary source stands
