"""Generated prose follows the numbers: claims only when the data say so, gaps read "not disclosed"."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from mineresearch.report import narrative as nar

NAN = math.nan

RISING = pd.Series({"2024Q3": 400.0, "2024Q4": 450.0, "2025Q1": NAN, "2025Q2": 509.0})
RECORD = pd.Series({"2024Q2": 380.0, "2024Q3": 400.0, "2024Q4": 450.0, "2025Q1": 480.0, "2025Q2": 509.0})
FALLING = pd.Series({"2024Q3": 600.0, "2025Q1": 550.0, "2025Q2": 509.0})


def test_shift_period() -> None:
    assert nar.shift_period("2025Q1", -1) == "2024Q4"
    assert nar.shift_period("2025Q2", -4) == "2024Q2"
    assert nar.shift_period("2024Q4", 1) == "2025Q1"
    with pytest.raises(ValueError, match="FY2025Q3"):
        nar.shift_period("FY2025Q3", -1)


def test_headline_record_and_loss() -> None:
    # four consecutive quarters on file before 2025Q2, all lower: a record
    text = nar.headline("Cipher", "2025Q2", RECORD, -45.8e6)
    assert text == (
        "Cipher mined a record 509 BTC in 2025Q2 (the most of 5 quarters on file) yet booked a net loss of $45.8M."
    )


def test_headline_record_and_profit() -> None:
    text = nar.headline("Cipher", "2025Q2", RECORD, 12.0e6)
    assert text.startswith("Cipher mined a record 509 BTC in 2025Q2")
    assert text.endswith("and earned net income of $12.0M.")
    assert "loss" not in text and "yet" not in text


def test_headline_highest_of_a_short_history_is_not_a_record() -> None:
    # the CLSK case: the prior quarter is missing and only two earlier quarters are on file
    text = nar.headline("Cipher", "2025Q2", RISING, -45.8e6)
    assert text == (
        "Cipher mined 509 BTC in 2025Q2, the highest of the 3 quarters on file, yet booked a net loss of $45.8M."
    )
    assert "record" not in text
    gapped = pd.Series({"2024Q2": 380.0, "2024Q3": 400.0, "2024Q4": NAN, "2025Q1": 480.0, "2025Q2": 509.0})
    text = nar.headline("X", "2025Q2", gapped, 1e6)
    assert text == (
        "X mined 509 BTC in 2025Q2, the highest of the 4 quarters on file, up 6.0% from 2025Q1, "
        "and earned net income of $1.0M."
    )


def test_headline_uses_the_summary_record_check() -> None:
    from mineresearch.metrics.production import RecordCheck

    given = RecordCheck(is_highest=True, is_record=True, quarters_on_file=12, consecutive_before=11)
    assert "a record 509 BTC in 2025Q2 (the most of 12 quarters on file)" in nar.headline(
        "X", "2025Q2", RISING, -1e6, record=given
    )


def test_headline_not_record_and_profit() -> None:
    text = nar.headline("Cipher", "2025Q2", FALLING, 12.0e6)
    # 509 / 550 - 1 = -7.45%
    assert text == "Cipher mined 509 BTC in 2025Q2, down 7.5% from 2025Q1, and earned net income of $12.0M."
    assert "record" not in text


def test_headline_not_record_and_loss_uses_no_contrast() -> None:
    text = nar.headline("Cipher", "2025Q2", FALLING, -3.0e6)
    assert text == "Cipher mined 509 BTC in 2025Q2, down 7.5% from 2025Q1, and booked a net loss of $3.0M."


def test_headline_ties_and_single_quarter_are_not_records() -> None:
    tie = pd.Series({"2025Q1": 509.0, "2025Q2": 509.0})
    assert "record" not in nar.headline("X", "2025Q2", tie, -1e6)
    assert (
        nar.headline("X", "2025Q2", {"2025Q2": 509.0}, -1e6)
        == "X mined 509 BTC in 2025Q2 and booked a net loss of $1.0M."
    )


def test_headline_missing_inputs() -> None:
    assert nar.headline("X", "2025Q2", {"2025Q2": NAN}, None) == (
        "X's bitcoin output and net income for 2025Q2 are not disclosed."
    )
    assert nar.headline("X", "2025Q2", {}, 5e6) == (
        "X's bitcoin output for 2025Q2 is not disclosed; the quarter closed with net income of $5.0M."
    )
    assert nar.headline("X", "2025Q2", RISING, NAN).endswith("; net income for the quarter is not disclosed.")
    assert nar.headline("X", "2025Q2", FALLING, 0.0).endswith("and broke even at the net line.")


def _bridge(**overrides: float) -> pd.DataFrame:
    amounts = {
        "Revenue": 43.6e6,
        "Cost of revenue ex-D&A": -25.0e6,
        "Depreciation and amortization": -40.0e6,
        "SG&A": -20.0e6,
        "Fair-value gain on BTC": 5.0e6,
        "Impairments": NAN,
        "Other": -9.4e6,
        "Net income": -45.8e6,
    } | overrides
    kinds = ["total"] + ["delta"] * 6 + ["total"]
    return pd.DataFrame({"step": list(amounts), "amount_usd": list(amounts.values()), "kind": kinds})


def test_margin_paragraph_names_largest_drags() -> None:
    text = nar.margin_paragraph(_bridge())
    assert text.startswith("Revenue of $43.6M became a net loss of $45.8M.")
    # the two largest negative steps, largest first, with their share of revenue (40 / 43.6 = 92%)
    assert (
        "The largest charges were depreciation and amortization ($40.0M, 92% of revenue) and "
        "cost of revenue ex-D&A ($25.0M, 57% of revenue)." in text
    )
    assert "SG&A (" not in text
    assert "led by fair-value gain on BTC ($5.0M)" in text
    assert "Not disclosed for the quarter: impairments." in text
    assert "Caution: -$9.4M (22% of revenue) is not broken out (other)" in text


def test_margin_paragraph_profit_and_missing() -> None:
    text = nar.margin_paragraph(_bridge(**{"Net income": 3.0e6, "Other": 0.0}), top_n=1)
    assert text.startswith("Revenue of $43.6M became net income of $3.0M.")
    assert "The largest charge was depreciation and amortization" in text
    assert "not broken out" not in text
    empty = pd.DataFrame({"step": ["Revenue"], "amount_usd": [NAN], "kind": ["total"]})
    assert nar.margin_paragraph(empty) == "The bridge from revenue to net income is not disclosed."


LAYERS = pd.DataFrame(
    {
        "layer": ["Power", "Cash SG&A", "Interest", "D&A", "SBC"],
        "usd_per_btc": [27_324.0, 15_000.0, 5_000.0, 45_000.0, NAN],
        "cash": [True, True, True, False, False],
    }
)


def test_cost_paragraph_partial_stack_never_claims_all_in() -> None:
    text = nar.cost_paragraph(LAYERS, price_usd=80_000.0, period="2025Q2")
    assert "In 2025Q2, power cost $27,324 per BTC." in text
    assert "Cash costs (power, cash SG&A and interest) came to $47,324 per BTC." in text
    # SBC is missing: no all-in total, only the floor of the disclosed layers
    assert "The all-in cost is not computable: SBC is not disclosed" in text
    assert "at least $92,324 per BTC" in text
    # 80,000 is below the disclosed layers alone (92,324): the shortfall is at least 12,324
    assert "fell at least $12,324 per BTC short of the all-in cost" in text
    assert "to spare" not in text.split("Cash costs")[1].split(".")[0]


def test_cost_paragraph_price_above_the_floor_says_no_more_than_the_data() -> None:
    text = nar.cost_paragraph(LAYERS, price_usd=98_679.0, period="2025Q2")
    assert "covered cash costs with $51,355 per BTC to spare; the margin after every cost cannot be stated" in text
    assert "covered the all-in cost" not in text
    full = LAYERS.assign(usd_per_btc=[27_324.0, 15_000.0, 5_000.0, 45_000.0, 1_000.0])
    done = nar.cost_paragraph(full, price_usd=98_679.0, period="2025Q2")
    assert "Every layer is disclosed: the all-in cost is $93,324 per BTC." in done
    assert done.endswith("The average BTC price of $98,679 covered the all-in cost with $5,355 per BTC to spare.")
    below = nar.cost_paragraph(full.drop(columns="cash"), price_usd=40_000.0, period="2025Q2")
    assert below.endswith("fell $53,324 per BTC short of the all-in cost.")
    assert "Cash costs" not in below
    only_power = LAYERS.assign(usd_per_btc=[27_324.0, NAN, NAN, NAN, NAN])
    partial = nar.cost_paragraph(only_power, price_usd=98_679.0, period="2025Q2")
    assert "whether it covered the full cost cannot be said" in partial and "to spare" not in partial
    assert "no margin per coin" in nar.cost_paragraph(LAYERS, price_usd=None, period="2025Q2")
    none = LAYERS.assign(usd_per_btc=NAN)
    assert nar.cost_paragraph(none, price_usd=1.0, period="2025Q2") == "Cost per bitcoin for 2025Q2 is not disclosed."


def test_treasury_paragraph_partial_debt_reads_at_least() -> None:
    scen = pd.DataFrame({"scenario": ["current"], "btc_value_usd": [5.0e9], "cash_usd": [0.4e9],
                         "debt_usd": [2.6e9], "leverage_pct": [48.1]})
    text = nar.treasury_paragraph("M", "2025Q2", btc_held=49_951, scenarios=scen, debt_is_partial=True,
                                  debt_missing=("short_term_debt",), btc_pledged=15_550)
    assert "debt stood at least at $2.6B (short term debt not disclosed)" in text
    assert "Debt came to at least 48% of BTC and cash reserves." in text
    assert "15,550 BTC were pledged, restricted or loaned" in text


NETWORK = pd.DataFrame(
    {
        "hashprice_usd_per_ph_day": [60.0, 45.0, 55.0, 52.0, 51.0],
        "hashrate_avg_ehs": [620.0, 640.0, 700.0, 800.0, 870.0],
        "fee_share": [0.10, 0.02, 0.03, NAN, 0.01],
        "price_avg_usd": [NAN, NAN, NAN, NAN, 98_679.0],
    },
    index=["2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2"],
)


def test_network_paragraph_changes_and_halving() -> None:
    text = nar.network_paragraph(NETWORK, "2025Q2", name="Cipher", hashrate_realized_ehs=16.8)
    # 51/52 - 1 = -1.9%; 51/60 - 1 = -15.0%; 100 x (870 - 800) / 800 = +8.75% -> 8.8%; 870/620 - 1 = +40.3%
    assert text.startswith(
        "In 2025Q2 hashprice averaged $51.00/PH/day (down 1.9% from 2025Q1 and down 15.0% from 2024Q2) "
        "and network hashrate 870.0 EH/s (up 8.8% from 2025Q1 and up 40.3% from 2024Q2)."
    )
    assert "Transaction fees were 1.0% of block rewards." in text
    assert "Bitcoin averaged $98,679." in text
    assert "halving of 20 April 2024" in text
    assert "Cipher's realized hashrate of 16.8 EH/s was 1.93% of the network." in text


def test_network_paragraph_gaps() -> None:
    text = nar.network_paragraph(NETWORK, "2025Q1")
    assert "Transaction fees" not in text and "Bitcoin averaged" not in text
    assert nar.network_paragraph(NETWORK, "2023Q1") == "Network data for 2023Q1 is not disclosed."
    later = NETWORK.rename(index={"2024Q2": "2024Q1"}).loc[["2024Q3", "2024Q4", "2025Q1", "2025Q2"]]
    assert "halving" in nar.network_paragraph(later, "2025Q2")  # year-ago 2024Q2 still spans it
    moved = later.rename(index=lambda p: p.replace("2024", "2026").replace("2025", "2027"))
    assert "halving" not in nar.network_paragraph(moved, "2027Q2")


SCENARIOS = pd.DataFrame(
    {
        "scenario": ["Now", "-20%", "-40%", "-60%"],
        "btc_value_usd": [115e6, 92e6, 69e6, 46e6],
        "cash_usd": [62.7e6] * 4,
        "debt_usd": [180e6] * 4,
        "leverage_pct": [101.3, 117.9, 137.0, 166.0],
    }
)


def test_treasury_paragraph() -> None:
    text = nar.treasury_paragraph(
        "Cipher", "2025Q2", btc_held=1063, scenarios=SCENARIOS, btc_produced=509, btc_sold=300
    )
    assert text == (
        "At the end of 2025Q2 Cipher held 1,063 BTC, worth $115.0M. Cash stood at $62.7M and debt stood at "
        "$180.0M. Debt came to 101% of BTC and cash reserves. In the -60% BTC price scenario that ratio would "
        "reach 166%. It sold 300 BTC of the 509 BTC it mined in the quarter (a sell ratio of 59%)."
    )


def test_treasury_paragraph_missing() -> None:
    text = nar.treasury_paragraph("Cipher", "2025Q2", btc_held=NAN, scenarios=SCENARIOS.iloc[0:0])
    assert text == (
        "Cipher's bitcoin holdings at the end of 2025Q2 are not disclosed. Cash is not disclosed and debt is not "
        "disclosed. Leverage cannot be computed: an input is not disclosed."
    )


def test_names_from_data_are_escaped_when_emitted() -> None:
    text = nar.headline("A&B <Mining>", "2025Q2", RISING, -45.8e6)
    assert text.startswith("A&B <Mining> mined")  # plain text keeps the name as given
    html = nar.to_html(text)
    assert html.startswith("<p>A&amp;B &lt;Mining&gt; mined") and "<Mining>" not in html
    markdown = nar.to_markdown(text)
    assert markdown.startswith("A&amp;B &lt;Mining&gt; mined") and r"\$45.8M" in markdown


def test_margin_paragraph_with_revenue_only() -> None:
    steps = pd.DataFrame({"step": ["Revenue", "Power"], "amount_usd": [10e6, -4e6], "kind": ["total", "delta"]})
    assert nar.margin_paragraph(steps) == (
        "Revenue of $10.0M is the only level of the bridge on file; net income is not disclosed. "
        "The largest charge was power ($4.0M, 40% of revenue)."
    )


def test_margin_paragraph_without_revenue_does_not_claim_net_income_is_missing() -> None:
    steps = pd.DataFrame(
        {
            "step": ["Revenue", "Cost of revenue ex-D&A", "Other (reconciling)", "Net income"],
            "amount_usd": [float("nan"), float("nan"), -45_781_000.0, -45_781_000.0],
            "kind": ["total", "delta", "delta", "total"],
        }
    )
    text = nar.margin_paragraph(steps, other_step="Other (reconciling)")
    assert text.startswith("Revenue is not disclosed as a total for the quarter")
    assert "a net loss of $45.8M" in text
    assert "net income is not disclosed" not in text
