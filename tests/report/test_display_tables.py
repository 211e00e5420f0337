"""Missing data reads well: tables drop rows and columns without figures and name them once; peer views."""

from __future__ import annotations

import math
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest

from mineresearch.report.display import EMPTY_MARK, compact_table, drop_empty, is_empty_cell, missing_note, table
from mineresearch.report.formatting import NOT_DISCLOSED

NAN = math.nan


def _frame() -> pd.DataFrame:
    return pd.DataFrame({
        "Measure": ["BTC held", "Total debt", "Cash", "Leverage"],
        "2025Q2": ["1,063 BTC", NOT_DISCLOSED, "$62.7M", NAN],
        "2025Q1": [NAN, NOT_DISCLOSED, "$23.2M", None],
        "Note": [NOT_DISCLOSED, "", NAN, NOT_DISCLOSED],
    })


def test_empty_cells() -> None:
    assert all(is_empty_cell(v) for v in (None, NAN, NOT_DISCLOSED, "n/d", "", EMPTY_MARK, " not disclosed "))
    assert not any(is_empty_cell(v) for v in (0, 0.0, "$0", "never", "-5%"))


def test_rows_and_columns_without_any_figure_are_dropped_and_named() -> None:
    kept, rows, cols = drop_empty(_frame())
    assert list(kept["Measure"]) == ["BTC held", "Cash"]  # every row with any figure stays
    assert rows == ["Total debt", "Leverage"] and cols == ["Note"]
    assert list(kept.columns) == ["Measure", "2025Q2", "2025Q1"]
    _, rows, cols = drop_empty(_frame(), columns=False)
    assert cols == [] and rows == ["Total debt", "Leverage"]


def test_no_disclosed_figure_is_ever_dropped() -> None:
    frame = _frame()
    kept, _, _ = drop_empty(frame)
    shown = {v for v in kept.iloc[:, 1:].to_numpy().ravel() if not is_empty_cell(v)}
    every = {v for v in frame.iloc[:, 1:].to_numpy().ravel() if not is_empty_cell(v)}
    assert shown == every


def test_label_columns_are_never_tested_and_the_last_one_names_the_row() -> None:
    lines = pd.DataFrame({"Area": ["unit economics", "treasury"], "Question": ["Margin", "Leverage"],
                          "Answer": ["12.0%", NOT_DISCLOSED]})
    kept, rows, cols = drop_empty(lines, label_columns=2)
    assert list(kept["Question"]) == ["Margin"] and rows == ["Leverage"] and cols == []


def test_compact_table_shows_only_disclosed_rows_and_marks_gaps_once_in_the_caption() -> None:
    html, left_out = compact_table(_frame(), caption="Treasury")
    assert left_out == ["Total debt", "Leverage", "Note"]
    assert "Total debt" not in html and "1,063 BTC" in html and "$23.2M" in html
    assert html.count(NOT_DISCLOSED) == 1  # the caption's legend, not one per cell
    assert f"Treasury ({EMPTY_MARK}: {NOT_DISCLOSED})" in html
    assert html.count(f'class="nd">{EMPTY_MARK}<') == 1  # BTC held, 2025Q1
    empty, gone = compact_table(pd.DataFrame({"Measure": ["a"], "v": [NAN]}))
    assert empty == "" and gone == ["a"]


def test_table_without_gaps_has_no_legend_and_old_marker_still_works() -> None:
    html = table(pd.DataFrame({"Measure": ["a"], "v": [1.5]}), caption="Cap")
    assert NOT_DISCLOSED not in html and "<caption>Cap</caption>" in html
    html = table(pd.DataFrame({"Ticker": ["A"], "v": [NAN]}), missing="n/d", caption="Peers (n/d: not disclosed)")
    assert html.count("n/d") == 2  # the cell and the caption's own legend, not repeated


def test_missing_note_names_inputs_and_left_out_rows_once() -> None:
    note = missing_note(["total_debt", "btc_sold"], left_out=["Total debt", "Sell ratio", "Sell ratio"])
    assert note.count("Not disclosed") == 1
    assert "Sell ratio" in note and note.count("Sell ratio") == 1
    assert len(re.findall("(?i)total debt", note)) == 1  # already named as an input
    assert missing_note([], left_out=[]) == ""
    assert "Left out" in missing_note([], left_out=["Liquidity runway"])


# --- the company note's peer section and the sector helpers --------------------------------------------------


def _values() -> pd.DataFrame:
    from analysis.test_metrics_peers import _quarter

    from mineresearch.analysis.peers import peer_values

    return peer_values(_quarter())


def test_company_peer_table_rows() -> None:
    from mineresearch.report.company_peers import peer_table

    shown, p = peer_table(_values(), "AAA")
    row = shown.set_index("Measure").loc["Power and direct cost per BTC (lower is better)"]
    assert row["Company"] == "$30,000 per BTC" and row["Peer median"] == "$40,000 per BTC"
    assert (row["Rank"], row["Percentile"]) == ("2nd of 5", "75")
    assert shown.set_index("Measure").loc["All-in cost per BTC (lower is better)", "Rank"] == NOT_DISCLOSED
    eee, _ = peer_table(_values(), "EEE")
    assert eee.set_index("Measure").loc["Leverage: debt / (BTC value + cash) (lower is better)", "Company"] == \
        "at least 30.0%"
    assert p.set_index("key").loc["realization_rate_pct", "better"] == "higher"


def test_quarter_peer_values_are_computed_once_per_dataset_and_quarter(monkeypatch: pytest.MonkeyPatch) -> None:
    import mineresearch.analysis.summary as summary_module
    from mineresearch.report import company_peers as report_peers

    calls: list[str] = []

    def fake(dataset: Any, ticker: str, period: str) -> Any:
        from analysis.test_metrics_peers import _summary

        calls.append(ticker)
        return _summary(ticker, btc=1, power=1)

    monkeypatch.setattr(summary_module, "company_quarter_summary", fake)
    monkeypatch.setattr(report_peers, "_CACHE", {})
    ds = SimpleNamespace(tickers=lambda period: ["AAA", "BBB"])
    first = report_peers.quarter_peer_values(ds, "2025Q2")
    again = report_peers.quarter_peer_values(ds, "2025Q2")
    assert first is again and calls == ["AAA", "BBB"]
    other = SimpleNamespace(tickers=lambda period: ["CCC"])
    report_peers.quarter_peer_values(other, "2025Q2")
    assert calls == ["AAA", "BBB", "CCC"] and len(report_peers._CACHE) == 1  # only the last dataset is kept


def test_quarter_peer_values_come_from_the_disk_cache_only_for_the_same_data_and_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mineresearch.analysis.summary as summary_module
    from mineresearch.dataset import cache
    from mineresearch.dataset.load import load_dataset
    from mineresearch.report import company_peers as report_peers

    monkeypatch.setenv("MINERESEARCH_CACHE", str(tmp_path))
    ds = load_dataset()
    assert isinstance(ds.content_key, str)
    monkeypatch.setattr(report_peers, "_CACHE", {})
    first = report_peers.quarter_peer_values(ds, "2025Q2")
    assert len(list(tmp_path.glob("peers-*.pickle"))) == 1

    def refuse(*_: Any) -> Any:
        raise AssertionError("computed again")

    monkeypatch.setattr(summary_module, "company_quarter_summary", refuse)
    monkeypatch.setattr(report_peers, "_CACHE", {})
    pd.testing.assert_frame_equal(report_peers.quarter_peer_values(ds, "2025Q2"), first)
    monkeypatch.setattr(report_peers, "_CACHE", {})
    monkeypatch.setattr(cache, "code_digest", lambda *packages: "a formula changed")
    with pytest.raises(AssertionError, match="computed again"):
        report_peers.quarter_peer_values(ds, "2025Q2")


def test_sector_peer_table_keeps_the_columns_half_the_companies_disclose() -> None:
    from mineresearch.report.sector import _absent_note, _also_on_file, _mostly_disclosed

    shown = pd.DataFrame({"Ticker": ["A", "B", "C", "D"], "BTC": [1.0, 2.0, NAN, 4.0], "Debt": [NAN, NAN, 3.0, NAN],
                          "Cash": [1.0, NAN, 2.0, NAN]})
    kept, dropped = _mostly_disclosed(shown)
    assert list(kept.columns) == ["Ticker", "BTC", "Cash"] and dropped == ["Debt"]  # 2 of 4 is half: kept
    assert "also on file for: Debt (C)" in _also_on_file(shown, dropped)
    assert _also_on_file(shown, []) == ""
    note = _absent_note({"leverage": ["A", "B"], "BTC held": ["A", "B"], "cash": []})
    assert note == "Leverage and BTC held not disclosed by A, B."
    assert _absent_note({"x": []}) == ""


def _sector(monkeypatch: pytest.MonkeyPatch, n: int) -> tuple[Any, list[str]]:
    """A sector report over ``n`` hand-made companies, with what it shows captured as text."""
    from analysis.test_metrics_peers import _quarter

    from mineresearch.analysis.peers import peer_values
    from mineresearch.report import sector

    summaries = _quarter()[:n]
    for i, s in enumerate(summaries):
        s.headline.revenue_usd, s.headline.net_income_usd = 1e6 * (i + 1), NAN if i == 0 else -1e5
        s.network.realized_hashrate_ehs, s.network.btc_share_pct = NAN, 1.0 + i
        s.treasury.btc_held, s.treasury.cash_usd, s.treasury.total_debt_usd = NAN, NAN, NAN
        s.strategy = SimpleNamespace(hpc_share_pct=NAN)
    shown: list[str] = []
    monkeypatch.setattr(sector, "show_html", lambda *parts: shown.append("".join(p for p in parts if p)))
    monkeypatch.setattr(sector, "show_chart", lambda chart: shown.append("<chart>"))
    return sector.SectorReport("2025Q2", sector.peer_frame(summaries), None, peer_values(summaries)), shown


def test_sector_ranks_and_draws_the_curve_only_with_four_companies(monkeypatch: pytest.MonkeyPatch) -> None:
    report, shown = _sector(monkeypatch, 6)
    report.cost_curve()
    text = " ".join(shown)
    assert text.count("<chart>") == 2  # power and cash: 4 companies with BTC each; all-in has 2
    assert "All-in cost: 2 of 6 (AAA, CCC)" in text and "Cash cost:" not in text
    assert "4 of 6" in text and "$35,000 per BTC" in text  # the power median
    shown.clear()
    report.treasury()  # leverage for AAA, BBB, DDD, EEE: four, so ranked; one sentence for the rest
    text = " ".join(shown)
    assert text.count("<chart>") == 1 and text.count("not disclosed by") == 0
    assert "No treasury figure on file for CCC, FFF." in text  # hand-made: only leverage is on file
    shown.clear()
    report.overview()
    assert "too few to rank by all-in cost" in " ".join(shown)


def test_sector_with_three_companies_says_how_many_disclosed(monkeypatch: pytest.MonkeyPatch) -> None:
    report, shown = _sector(monkeypatch, 3)
    report.network_share()
    report.cost_curve()
    text = " ".join(shown)
    assert "<chart>" not in text
    assert "Share of network BTC, 2025Q2: 3 of 3 companies disclosed it (AAA, BBB, CCC), too few to rank" in text
    shown.clear()
    report.peer_table()
    text = " ".join(shown)
    assert "Realized EH/s (none)" in text and "<th>Revenue</th>" in text  # columns fewer than half disclose


def test_sector_marks_debt_summed_from_some_parts_as_a_floor() -> None:
    from mineresearch.report import sections
    from mineresearch.report.sector import SectorReport, ranking_frame

    report = SectorReport.open(period="2025Q2", static_charts=True)
    shown = sections.treasury(report).tables["treasury"].set_index("Ticker")
    assert shown.loc["MARA", "Debt"] == "at least $2,600.5M" and shown.loc["MARA", "Leverage"] == "at least 47.6%"
    assert shown.loc["RIOT", "Debt"] == "$838.4M"  # short-term + long-term: every part on file
    values = sections.treasury(report).tables["treasury_values"].set_index("ticker")
    assert bool(values.loc["MARA", "debt_is_partial"]) and not bool(values.loc["RIOT", "debt_is_partial"])
    assert "MARA (at least)" in set(ranking_frame(report.peers, "leverage_pct")["ticker"])
