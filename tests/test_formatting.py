"""Number formatting and escaping: one convention, edge cases pinned."""

from __future__ import annotations

import math

import pytest

from mineresearch import formatting as fmt

NAN = math.nan


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (45_800_000, "$45.8M"),
        (-45_800_000, "-$45.8M"),
        (1_234_000_000, "$1.2B"),
        (-2_500_000_000, "-$2.5B"),
        (999_960_000, "$1.0B"),  # rounds up into billions rather than "$1,000.0M"
        (27_324, "$27,324"),
        (-27_324.4, "-$27,324"),
        (1_000_000, "$1.0M"),
        (0, "$0"),
        (-0.3, "$0"),
        (NAN, "not disclosed"),
        (None, "not disclosed"),
    ],
)
def test_usd(value: float | None, text: str) -> None:
    assert fmt.usd(value) == text


def test_usd_per_btc_and_thousands() -> None:
    assert fmt.usd_per_btc(27_324.2) == "$27,324 per BTC"
    assert fmt.usd_per_btc(-19_000) == "-$19,000 per BTC"
    assert fmt.usd_per_btc(NAN) == "not disclosed"
    assert fmt.usd_thousands(37_778) == "$38k"
    assert fmt.usd_thousands(-10_000) == "-$10k"
    assert fmt.usd_thousands(-400) == "$0k"
    assert fmt.usd_thousands(NAN) == "n/d"


def test_btc_counts() -> None:
    assert fmt.btc(1063) == "1,063 BTC"
    assert fmt.btc(509.4) == "509 BTC"
    assert fmt.btc(0.5, decimals=2) == "0.50 BTC"
    assert fmt.btc(0) == "0 BTC"
    assert fmt.btc(-12) == "-12 BTC"
    assert fmt.btc(None) == "not disclosed"


def test_percentages_and_points() -> None:
    assert fmt.pct(35.44, signed=True) == "+35.4%"
    assert fmt.pct(-2.06) == "-2.1%"
    assert fmt.pct(0.0, signed=True) == "0.0%"
    assert fmt.pct(-0.04) == "0.0%"  # rounds to zero: no "-0.0%"
    assert fmt.share(0.354) == "35.4%"
    assert fmt.pp(-2.14) == "-2.1 pp"
    assert fmt.pp(0.4) == "+0.4 pp"
    assert fmt.pct(NAN) == fmt.pp(NAN) == fmt.share(None) == "not disclosed"


def test_network_units() -> None:
    assert fmt.ehs(831.43) == "831.4 EH/s"
    assert fmt.ehs(1234.5) == "1,234.5 EH/s"
    assert fmt.usd_per_ph_day(54.372) == "$54.37/PH/day"
    assert fmt.usd_per_ph_day(NAN) == "not disclosed"


def test_change_pct_and_phrase() -> None:
    assert fmt.change_pct(509, 400) == pytest.approx(27.25)
    assert math.isnan(fmt.change_pct(509, 0))
    assert math.isnan(fmt.change_pct(NAN, 400))
    assert fmt.change_phrase(509, 401, "2025Q1") == "up 26.9% from 2025Q1"
    assert fmt.change_phrase(360, 400, "2025Q1") == "down 10.0% from 2025Q1"
    assert fmt.change_phrase(400.1, 400, "2025Q1") == "unchanged from 2025Q1"
    assert fmt.change_phrase(400, NAN, "2025Q1") == ""


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (-45_800_000, "a net loss of $45.8M"),
        (12_000_000, "net income of $12.0M"),
        (0, "a break-even net result"),
        (NAN, "net income not disclosed"),
    ],
)
def test_net_result(value: float, text: str) -> None:
    assert fmt.net_result(value) == text


def test_words() -> None:
    assert fmt.join_words([]) == ""
    assert fmt.join_words(["power"]) == "power"
    assert fmt.join_words(["power", "SG&A", "interest"]) == "power, SG&A and interest"
    assert fmt.lower_first("Depreciation") == "depreciation"
    assert fmt.lower_first("SG&A") == "SG&A"
    assert fmt.lower_first("D&A") == "D&A"


def test_escaping_of_names_from_data() -> None:
    name = "A&B <Mining>"
    assert fmt.escape_html(name) == "A&amp;B &lt;Mining&gt;"
    assert fmt.to_html(name) == "<p>A&amp;B &lt;Mining&gt;</p>"
    markdown = fmt.to_markdown(f"{name} lost $45.8M *net* [of tax]")
    assert "<Mining>" not in markdown and "&lt;Mining&gt;" in markdown
    # "$" is escaped so notebook front ends do not typeset a span between two amounts as maths.
    assert r"\$45.8M" in markdown
    assert r"\*net\*" in markdown and r"\[of tax\]" in markdown
