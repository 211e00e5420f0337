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
    "line_of_credit": "a line of credit not classified as current or long-term in the source",
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

    @property
    def drops(self) -> bool:
        """True when the rule leaves the row out (it neither renames the metric nor labels a line)."""
        return self.metric_to is None and self.line_item is None

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
ROW_RULES: tuple[RowRule, ...] = (
    RowRule(_NOT_QUARTER_END, quote=r"(?i)release date|report date|once deployed|not Sep 30|end of October"),
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

_PRINTED_LINE = re.compile(r"repo copy\] (?P<label>[^|\[]+?) \|")
_LABEL_PREFIXES = ("Revenue: ", "Cost of revenue (excludes D&A): ")
_RESTATED = re.compile(r"(?i)restated")
_ORIGINAL = re.compile(r"(?i)originally reported")
_AS_OF = re.compile(r"(?i)\bas of ([A-Z][a-z]{2,8})\.? (\d{1,2}), (\d{4})")


def first_rule(ticker: str, period: str, metric: str, quote: str) -> RowRule | None:
    """The first row rule matching a row, if any."""
    return next((r for r in ROW_RULES if r.matches(ticker, period, metric, quote)), None)


def printed_line(quote: str) -> str:
    """The printed label of a statement line quoted from a filing copy ('' when none is found)."""
    match = _PRINTED_LINE.search(quote)
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
