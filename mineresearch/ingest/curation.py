"""Row decisions taken from the quote column of the shared figures file.

The quote is the audit trail of each figure; the project ships figures and addresses, not quotes.
It is read here only to decide what a row is: a figure quoted as of a date other than the quarter
end, a restated comparative, one printed line of a metric that a statement splits over several lines,
or a figure whose scope differs from the metric's. Every decision is a rule below with its reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

UNMAPPED_REASONS: dict[str, str] = {
    "adjusted_earnings_nongaap": "company non-GAAP adjusted earnings: no vocabulary metric",
    "adjusted_net_loss": "company non-GAAP adjusted net loss: no vocabulary metric",
    "avg_revenue_per_btc": "revenue per BTC is derived by the metrics code, not stored",
    "btc_collateral_receivable": "a receivable for bitcoin posted as collateral, not bitcoin held",
    "btc_current_digital_assets": "current-asset bitcoin only; btc_held is the whole holding",
    "btc_loaned": "loaned bitcoin only, without the pledged part that btc_pledged covers",
    "cash_and_bitcoin": "cash and bitcoin combined in one figure",
    "cash_equivalents_restricted": "includes restricted cash; cash excludes it",
    "cash_restricted": "restricted cash only",
    "convertible_notes_carrying": "carrying amount, not the principal that convertible_notes_principal holds",
    "cost_per_ph_day": "cost per PH/s per day: no vocabulary metric",
    "crypto_and_receivable": "crypto assets combined with a receivable",
    "fv_adjustment_warrants_cvr": "warrant and CVR fair-value charge printed without a sign",
    "gross_mining_margin": "a percentage margin, derived by the metrics code",
    "hosting_and_other_energy_costs": "one part of cost of revenue",
    "purchased_energy_costs": "one part of cost of revenue",
    "net_income_to_common": "net income to common shareholders after preferred dividends",
    "net_loss_from_operations": "ambiguous line (operating loss or loss from continuing operations)",
    "operating_expenses": "a partial operating-expense line",
    "senior_notes_2026_principal": "one debt instrument, not total debt",
    "working_capital": "working capital: no vocabulary metric",
    "revenue_sealminer_external": "one product line of Bitdeer's other revenue",
    "cash_cost_per_btc": "",  # handled by a row rule (kept as cost_to_mine_per_btc)
}
"""Reasons for source metric names left out of the vocabulary (empty: a row rule decides)."""


@dataclass(frozen=True)
class RowRule:
    """A decision for the rows whose fields match (``None`` matches anything); drops by default."""

    reason: str
    quote: str | None = None  # regular expression searched in the quote
    ticker: str | None = None
    metric: str | tuple[str, ...] | None = None  # source metric name(s)
    period: str | None = None  # source period text
    metric_to: str | None = None
    line_item: str | None = None
    ticker_to: str | None = None

    @property
    def drops(self) -> bool:
        """True when the rule leaves the row out (it neither renames the metric or ticker nor labels a line)."""
        return self.metric_to is None and self.line_item is None and self.ticker_to is None

    def matches(self, ticker: str, period: str, metric: str, quote: str) -> bool:
        """True when every set field matches the row."""
        return (
            (self.ticker is None or self.ticker == ticker)
            and (self.period is None or self.period == period)
            and (self.metric is None or metric in ((self.metric,) if isinstance(self.metric, str) else self.metric))
            and (self.quote is None or re.search(self.quote, quote) is not None)
        )


_NOT_QUARTER_END = "quoted as of a date other than the quarter end"
_BITF_DIRECT = "Bitfarms' direct cost of production; its total cash cost per BTC is kept as cost_to_mine_per_btc"
_ZACKS = "an analyst service's per-share figure whose basis (GAAP or adjusted) the source does not state"
ROW_RULES: tuple[RowRule, ...] = (
    RowRule(_NOT_QUARTER_END, quote=r"(?i)release date|report date|once deployed|not Sep 30|end of October"),
    RowRule(  # American Bitcoin's listed shell was Gryphon; its figures before the 2025 merger are Gryphon's
        "Gryphon Digital Mining's figure before it became American Bitcoin: kept under GRYP", ticker="ABTC",
        quote=r"Gryphon", ticker_to="GRYP",
    ),
    RowRule("a monthly figure quoted in a quarterly release", quote=r"^\[June 2024 monthly\]"),
    RowRule("includes restricted cash; cash excludes it", metric="cash", quote=r"(?i)including restricted cash"),
    RowRule("developed power capacity, not energized load", metric="energized_mw",
            quote=r"(?i)developed power capacity"),
    RowRule("Riot's cost to mine including miner depreciation: the series keeps its figure excluding "
            "depreciation (the cash definition)", ticker="RIOT", metric="cost_to_mine_per_btc",
            quote=r"(?i)including (bitcoin )?miner depreciation"),
    RowRule("the same stock-based compensation printed again in the non-GAAP reconciliation; the "
            "compensation note's total is kept", ticker="RIOT", period="Q3 2024", metric="stock_based_comp",
            quote=r"Adjusted EBITDA reconciliation"),
    RowRule("the energy part of CleanSpark's cost to mine at owned facilities, printed beside its cost of "
            "energy per bitcoin (kept as power_cost_per_btc)", ticker="CLSK", metric="cost_to_mine_per_btc",
            quote=r"Direct Energy Cost - Owned facilities"),
    RowRule(_ZACKS, metric="eps_diluted", quote=r"(?i)Zacks"),
    RowRule(  # a rule that renames a metric to itself keeps the row
        "a quarter-end comparative beside a 'current' figure: kept", ticker="BITF", period="Q2 2024",
        metric="hashrate_installed_ehs", quote=r"up from 10\.4 EH/s in Q2 2024", metric_to="hashrate_installed_ehs",
    ),
    RowRule(_NOT_QUARTER_END, quote=r"(?i)\bcurrent (self-mining )?(hash ?rate|efficiency)\b"),
    RowRule("a full-year average, not a quarterly figure", quote=r"full-year \d{4} average"),
    RowRule(
        "the full-year 2024 figure in its source's wording (Riot published no Q4 2024 statement)",
        ticker="RIOT", period="Q4 2024", metric="net_income", quote=r"reported in the previous quarter",
    ),
    RowRule(
        "includes the equity-method share of the Nautilus joint venture (non-GAAP); the Lake Mariner "
        "figure is kept",
        ticker="WULF", quote=r"Nautilus",
    ),
    RowRule("one share class only", quote=r"Class A only"),
    RowRule("the quoted excerpt names neither the company nor the quarter", quote=r"company/quarter not named"),
    RowRule("the source does not say whether the gain is operating or not", quote=r"classification of gain not"),
    RowRule("a segment mixing bitcoin mining with GPU-as-a-service revenue", quote=r"Compute segment"),
    RowRule(_BITF_DIRECT, ticker="BITF", metric="direct_cost_per_btc"),
    RowRule(_BITF_DIRECT, ticker="BITF", metric="cost_to_mine_per_btc", quote=r"direct cost of production"),
    RowRule("power cost per BTC", quote=r"power cost only|all-in electricity cost per BTC\]",
            metric="cost_to_mine_per_btc", metric_to="power_cost_per_btc"),
    RowRule("Bitfarms' total cash cost per BTC", ticker="BITF", metric="cash_cost_per_btc",
            metric_to="cost_to_mine_per_btc"),
    # single lines from press releases or articles that match one printed line of a 10-Q
    RowRule("mining line of cost of revenue", ticker="RIOT", metric="cost_of_revenue_ex_da",
            quote=r"self-mining operations", line_item="Bitcoin Mining"),
    RowRule("derivative line", ticker="RIOT", metric="other_operating_gain_loss",
            quote=r"^Change in fair value of derivative asset", line_item="Change in fair value of derivative asset"),
    RowRule("equity-method line", ticker="RIOT", metric="other_nonoperating", quote=r"^Unrealized loss \(gain\)",
            line_item="Unrealized gain (loss) on equity method investment - marketable securities"),
    RowRule("engineering revenue", ticker="RIOT", metric=("revenue_other", "revenue_engineering"),
            quote=r"(?i)engineering revenue", line_item="Engineering"),
)

_PRINTED_LINE = re.compile(r"repo copy[^\]]*\]\s+(?P<label>[^|\[\]]+?)\s+\|")
_PRINTED_COLUMNS = re.compile(r"\] (?P<label>[A-Za-z][^\[\]|]*?) \$? ?\(?-?[\d,]+\)?( |$)")
_LABEL_PREFIXES = ("Revenue: ", "Cost of revenue (excludes D&A): ", "Cost of revenue (excl. D&A): ")
_RESTATED = re.compile(r"(?i)restated")
_ORIGINAL = re.compile(r"(?i)originally reported")
_AS_OF = re.compile(r"(?i)(?<!balance )\bas of ([A-Z][a-z]{2,8})\.? (\d{1,2}), (\d{4})")
"""A date the figure is quoted 'as of' (a roll-forward's 'Balance as of' opening date is not the figure's)."""


SCOPE_RULES: tuple[tuple[tuple[str, ...], str, str], ...] = (
    # (metrics, regular expression searched in the quote, scope written on the fact)
    (("power_cost_per_btc", "cost_to_mine_per_btc", "power_cost_usd_mwh"), r"(?i)\bowned (sites|facilities)\b",
     "owned sites only"),
    # MARA defines its purchased energy cost per bitcoin over its owned sites (shareholder letters)
    (("power_cost_per_btc",), r"(?i)purchased energy cost", "owned sites only"),
    (("cost_to_mine_per_btc",), r"(?i)excl(uding|\.) (bitcoin )?miner depreciation",
     "excluding miner depreciation"),
    (("cost_to_mine_per_btc",), r"(?i)breakeven cost", "company breakeven cost (non-GAAP)"),
    (("net_income", "eps_diluted"), r"(?i)continuing operations", "continuing operations"),
    (("net_income",), r"(?i)attributable to", "attributable to the company"),
    (("btc_held",), r"(?i)held by American Bitcoin|consolidated", "consolidated, including subsidiaries' bitcoin"),
    (("power_cost_usd_mwh",), r"(?i)all-in power cost", "all-in, including demand charges and fees"),
    (("btc_produced",), r"(?i)gross of Foundry fees", "gross of pool fees"),
    ((), r"(?i)\[preliminary", "preliminary"),
)
"""The scope a quote gives a figure (owned sites, continuing operations, ...); empty when none is stated.

A figure of narrower scope never stands in for a wider one: the report prints the scope beside it and the
cost stack does not use an owned-sites figure as a company-wide layer (docs/methods.md, "Scope")."""


def scope_of(metric: str, quote: str) -> str:
    """The scope of a figure from its quote (first matching rule; ``()`` as metrics matches any metric)."""
    for metrics, pattern, scope in SCOPE_RULES:
        if (not metrics or metric in metrics) and re.search(pattern, quote):
            return scope
    return ""


@dataclass(frozen=True)
class QuoteFigure:
    """A second figure that a kept row's quote states outright, carried as its own fact with the row's source.

    ``pattern`` must capture the number in a group named ``value`` (thousands separators allowed); the figure
    keeps the row's period, source and source type, in ``metric`` (canonical) and ``line_item``.
    """

    reason: str
    ticker: str
    metric_from: str  # canonical metric of the row whose quote holds the figure
    pattern: str
    metric: str
    line_item: str = ""

    def value(self, ticker: str, metric: str, quote: str) -> float | None:
        """The figure when the row matches, else None."""
        if ticker != self.ticker or metric != self.metric_from:
            return None
        match = re.search(self.pattern, quote)
        return float(match.group("value").replace(",", "")) if match else None


QUOTE_FIGURES: tuple[QuoteFigure, ...] = (
    QuoteFigure("bitcoin held as collateral, stated with the holding", "RIOT", "btc_held",
                r"(?P<value>[\d,]+) held as collateral", "btc_pledged"),
    QuoteFigure("restricted bitcoin, stated with the holding", "RIOT", "btc_held",
                r"including (?P<value>[\d,]+) restricted", "btc_pledged"),
    QuoteFigure("bitcoin loaned and pledged, stated with the holding", "MARA", "btc_held",
                r"(?i)including (?P<value>[\d,]+) BTC loaned, actively managed and pledged", "btc_pledged"),
    QuoteFigure("bitcoin receivable or loaned, stated with the holding", "MARA", "digital_assets_fair_value",
                r"\+ (?P<value>[\d,]+) bitcoin receivable/loaned", "btc_pledged"),
    QuoteFigure("bitcoin pledged to a manufacturer, stated with the holding", "ABTC", "btc_held",
                r"incl\. (?P<value>[\d,]+) BTC pledged", "btc_pledged"),
)
"""Figures stated inside another row's quote (pledged, restricted or loaned bitcoin beside the holding)."""


def first_rule(ticker: str, period: str, metric: str, quote: str) -> RowRule | None:
    """The first row rule matching a row, if any."""
    return next((r for r in ROW_RULES if r.matches(ticker, period, metric, quote)), None)


def printed_line(quote: str) -> str:
    """The printed label of a statement line quoted from a filing copy ('' when none is found)."""
    match = _PRINTED_LINE.search(quote) or ("repo text copy" in quote and _PRINTED_COLUMNS.search(quote)) or None
    if not match:
        return ""
    label = match.group("label").strip()
    for prefix in _LABEL_PREFIXES:
        label = label.removeprefix(prefix)
    return label


def is_restated(quote: str) -> bool:
    """True when the quote marks the figure as restated (and not as the original report)."""
    return bool(_RESTATED.search(quote)) and not _ORIGINAL.search(quote)


def as_of_mismatch(quote: str, period_end: date) -> date | None:
    """A date the quote gives the figure 'as of' when none of its such dates is the period end."""
    dates: list[date] = []
    for month, day, year in _AS_OF.findall(quote):
        for fmt in ("%B %d %Y", "%b %d %Y"):
            try:
                dates.append(datetime.strptime(f"{month} {day} {year}", fmt).date())
                break
            except ValueError:
                continue
    if dates and period_end not in dates:
        return dates[0]
    return None
