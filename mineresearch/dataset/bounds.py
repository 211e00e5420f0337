"""Plausibility bounds: the values a figure can take before it is refused as impossible.

A figure outside these bounds is a typing or scaling mistake (``inf``, ``1e300``, a price of zero), never
news: the validator refuses it, naming the file, row and column, so it can never reach a published report.
Bounds are kept as data, per unit of the vocabulary (``UNIT_BOUNDS``) with per-metric exceptions
(``METRIC_BOUNDS``) and per column of the network table (``NETWORK_BOUNDS``); they are deliberately wide
(several times the largest figure on file), so a real quarter never trips them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Bound:
    """``low < value`` (``low <= value`` when ``low_inclusive``) and ``value <= high``; None: no bound."""

    low: float | None
    high: float | None
    low_inclusive: bool = True

    def admits(self, value: float) -> bool:
        if not math.isfinite(value):
            return False
        if self.low is not None and (value < self.low or (value == self.low and not self.low_inclusive)):
            return False
        return self.high is None or value <= self.high

    def describe(self) -> str:
        """Plain words: ``above 0 and at most 1e+08``."""
        parts = []
        if self.low is not None:
            parts.append(f"{'at least' if self.low_inclusive else 'above'} {_num(self.low)}")
        if self.high is not None:
            parts.append(f"at most {_num(self.high)}")
        return "a finite number " + " and ".join(parts) if parts else "a finite number"


def _num(value: float) -> str:
    return f"{value:,.0f}" if abs(value) < 1e7 else f"{value:.0e}"


def _between(low: float | None, high: float | None) -> Bound:
    return Bound(low, high, True)


def _above(low: float, high: float | None) -> Bound:
    return Bound(low, high, False)


RULES_VERSION = 2
"""Bumped whenever a validation rule changes, so that tables validated under older rules are validated again.
It lives here, beside the bounds, so that the dataset cache can key on it without importing the validator."""
TRILLION = 1e12
# unit -> bound. Money within a trillion dollars either way; BTC within the 21 million there will ever be;
# prices, rates and share counts above zero.
UNIT_BOUNDS: dict[str, Bound] = {
    "USD": _between(-TRILLION, TRILLION),
    "BTC": _between(-21e6, 21e6),
    "blocks": _between(0, 1e5),
    "EH/s": _above(0, 1e5),
    "J/TH": _above(0, 1e4),
    "USD/MWh": _above(0, 1e4),
    "MW": _between(0, 1e5),
    "USD/BTC": _above(0, 1e7),
    "USD/share": _between(-1e5, 1e5),
    "shares": _above(0, 1e12),
}
METRIC_BOUNDS: dict[str, Bound] = {}
"""Per-metric exceptions to ``UNIT_BOUNDS`` (none needed so far)."""

NETWORK_BOUNDS: dict[str, Bound] = {
    "days": _between(90, 92),
    "price_avg_usd": _above(0, 1e8),
    "price_end_usd": _above(0, 1e8),
    "hashrate_avg_ehs": _above(0, 1e6),
    "difficulty_avg": _above(0, 1e18),
    "blocks": _between(0, 1e5),
    "subsidy_btc": _between(0, 21e6),
    "fees_btc": _between(0, 21e6),
    "fee_share": _between(0, 1),
    "hashprice_usd_per_ph_day": _above(0, None),
    "hashprice_btc_per_ph_day": _above(0, None),
    "btc_per_ehs_day": _above(0, None),
}
"""Network table column -> bound (empty cells are gaps and always allowed)."""


def metric_bound(metric: str, unit: str) -> Bound | None:
    """The bound of a metric (its own, else its unit's), or None when neither is known."""
    return METRIC_BOUNDS.get(metric) or UNIT_BOUNDS.get(unit)


def today() -> date:
    """The day the data is read (a function so tests can move it)."""
    return date.today()
