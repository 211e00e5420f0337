"""Number formatting and escaping: one convention, edge cases pinned."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mineresearch.report import formatting as fmt

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


def test_change_phrase() -> None:
    assert fmt.change_phrase(509, 401, "2025Q1") == "up 26.9% from 2025Q1"
    assert fmt.change_phrase(360, 400, "2025Q1") == "down 10.0% from 2025Q1"
    assert fmt.change_phrase(400.1, 400, "2025Q1") == "unchanged from 2025Q1"
    assert fmt.change_phrase(400, NAN, "2025Q1") == ""
    assert fmt.change_phrase(40.5, 40.8, "2025Q1", "%") == "down 0.3 pp from 2025Q1"
    assert fmt.change_phrase(50, 1, "2025Q1") == "up from 2025Q1"  # +4,900% is n.m.: direction only
    assert fmt.change_phrase(-50, -1, "2025Q1") == "down from 2025Q1"
    assert fmt.change_phrase(5, -3, "2025Q1") == ""  # sign flip


def test_change_text() -> None:
    from mineresearch.metrics.changes import change

    assert fmt.change_text(change(40.5, 40.8, "%")) == "-0.3 pp"
    assert fmt.change_text(change(45.9, 44.3, "%")) == "+1.6 pp"
    assert fmt.change_text(change(808.2e6, -533.4e6, "USD")) == "n.m."
    assert fmt.change_text(change(910, 800, "BTC")) == "+13.8%"
    assert fmt.change_text(change(NAN, 800, "BTC")) == "not disclosed"


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


def test_a_column_of_amounts_keeps_one_scale() -> None:
    # the cash-flow stress table of a quarter near break-even: $29.7M at base, $41,105 in the worst case
    column = fmt.usd_column([29_700_000, 20_900_000, 41_105, -29_600_000, 0, NAN])
    assert [column(v) for v in (29_700_000, 41_105, -29_600_000, 3_000, 400, 0, NAN)] == [
        "$29.7M", "$0.04M", "-$29.6M", "$0.003M", "$400", "$0", "not disclosed",
    ]  # fmt: skip
    mixed = fmt.usd_column([2_300_000_000, 4_100_000_000, 46_000_000])  # one below $1B: millions for all
    assert (mixed(2_300_000_000), mixed(46_000_000)) == ("$2,300.0M", "$46.0M")
    billions = fmt.usd_column([2_300_000_000, 4_100_000_000])  # every amount >= $1B: billions, 2 decimals
    assert (billions(2_300_000_000), billions(1_000_000)) == ("$2.30B", "$0.001B")
    # some below $1B: millions, never "$0.2B" (the MARA 2025Q2 bridge)
    bridge = fmt.usd_column([238_500_000, 808_200_000, -630_300_000, 1_200_000_000])
    assert [bridge(v) for v in (238_500_000, 808_200_000, -630_300_000, 1_200_000_000)] == [
        "$238.5M", "$808.2M", "-$630.3M", "$1,200.0M",
    ]  # fmt: skip
    # a KPI row: HUT net income with $908,000 a year earlier reads in millions too
    row = fmt.usd_column([50_600_000, 137_300_000, 908_000])
    assert row(908_000) == "$0.9M"
    small = fmt.usd_column([41_105, 5_000, None])  # nothing reaches a million: amounts in full, as usd() writes
    assert (small(41_105), small(5_000)) == ("$41,105", "$5,000")
    assert fmt.usd_column([])(1_500_000) == "$1.5M"


@given(st.lists(st.floats(min_value=-5e10, max_value=5e10, allow_nan=False), min_size=1, max_size=12))
def test_column_amounts_read_back_close_to_the_value(values: list[float]) -> None:
    column = fmt.usd_column(values)
    suffixes = set()
    for value in values:
        text = column(value)
        sign = -1 if text.startswith("-") else 1
        body = text.lstrip("-$").replace(",", "")
        scale = {"M": 1e6, "B": 1e9}.get(body[-1:], 1.0)
        if scale != 1.0:
            suffixes.add(body[-1])
            body = body[:-1]
        decimals = len(body.split(".")[1]) if "." in body else 0
        assert abs(sign * float(body) * scale - value) <= 0.5 * scale * 10.0**-decimals + 0.5
    assert len(suffixes) <= 1  # never millions and billions in one column


@given(st.lists(st.floats(min_value=-5e10, max_value=5e10, allow_nan=False), min_size=1, max_size=12))
def test_column_uses_billions_only_when_every_amount_reaches_a_billion(values: list[float]) -> None:
    column = fmt.usd_column(values)
    in_billions = any(column(v).endswith("B") for v in values)
    all_large = all(abs(v) >= 999_950_000 for v in values)
    assert in_billions == all_large
    if not all_large:  # an amount of at least $1M never reads "$0.xB", and never in full among millions
        for value in values:
            if abs(value) >= 1e6:
                assert column(value).endswith("M")
            elif abs(value) >= 1e4 and any(abs(v) >= 1e6 for v in values):
                assert column(value).endswith("M"), column(value)
