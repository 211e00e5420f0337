"""A company among its peers: the sector cost curve and peer percentiles (pure functions).

Input is the list of company-quarter summaries of one quarter (``company_quarter_summary`` for each
ticker of ``Dataset.tickers(period)``). Every value is read through the accessor tables
:data:`PEER_METRICS` and :data:`COST_CURVE_LAYERS`, so a change in how a summary computes a figure (the cost
stack, leverage) flows in unchanged; NaN always means "not disclosed" and leaves the company out of that
figure, never in as zero. Methods: ``docs/methods.md``, "Peers".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

MIN_PEERS = 4  # a ranking, a percentile or a peer median needs at least this many companies with the figure


def _never(summary: Any) -> bool:
    return False


@dataclass(frozen=True)
class PeerMetric:
    """One figure compared across companies.

    Attributes:
        key: column name in :func:`peer_values`.
        label: the reader's label.
        unit: the vocabulary unit of the value (``USD/BTC``, ``J/TH``, ``%``).
        better: ``"lower"`` or ``"higher"``: which direction ranks a company better.
        value: reads the figure from a summary (NaN when not disclosed).
        partial: True when the figure is a bound rather than the whole (e.g. leverage computed with only part
            of the debt disclosed: "at least"); the hook through which such flags reach the peer views.
    """

    key: str
    label: str
    unit: str
    better: str
    value: Callable[[Any], float]
    partial: Callable[[Any], bool] = _never


def _float(value: Any) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        return math.nan
    return out if math.isfinite(out) else math.nan


def power_cost_usd_per_btc(summary: Any) -> float:
    """The bottom layer of the cost stack (power and other direct cost of revenue ex-D&A) per BTC."""
    stack = summary.cost_stack.stack
    if stack is None or stack.empty or "layer" not in stack:
        return math.nan
    rows = stack.loc[stack["layer"] == "power", "usd_per_btc"]
    return _float(rows.iloc[0]) if len(rows) else math.nan


def cash_cost_usd_per_btc(summary: Any) -> float:
    return _float(summary.cost_stack.cash_cost_usd_per_btc)


def all_in_cost_usd_per_btc(summary: Any) -> float:
    return _float(summary.cost_stack.all_in_cost_usd_per_btc)


def fleet_efficiency_jth(summary: Any) -> float:
    """The disclosed fleet efficiency (J/TH), as the checklist carries it."""
    lines = summary.checklist.lines
    if lines is None or lines.empty:
        return math.nan
    rows = lines.loc[(lines["question"] == "Fleet efficiency") & (lines["unit"] == "J/TH"), "value"]
    return _float(rows.iloc[0]) if len(rows) else math.nan


def realization_rate_pct(summary: Any) -> float:
    return _float(summary.network.realization_rate_pct)


def leverage_pct(summary: Any) -> float:
    return _float(summary.treasury.leverage_pct)


def leverage_is_partial(summary: Any) -> bool:
    """True when the summary flags its leverage as a lower bound (partial debt); False when it has no flag."""
    return bool(getattr(summary.treasury, "debt_is_partial", False))


def btc_produced(summary: Any) -> float:
    return _float(summary.headline.btc_produced)


COST_CURVE_LAYERS: tuple[PeerMetric, ...] = (
    PeerMetric("power_cost_usd_per_btc", "Power and direct cost", "USD/BTC", "lower", power_cost_usd_per_btc),
    PeerMetric("cash_cost_usd_per_btc", "Cash cost", "USD/BTC", "lower", cash_cost_usd_per_btc),
    PeerMetric("all_in_cost_usd_per_btc", "All-in cost", "USD/BTC", "lower", all_in_cost_usd_per_btc),
)
"""The cost-curve layers, each read from the company's cost stack (cumulative: cash includes power)."""

PEER_METRICS: tuple[PeerMetric, ...] = (
    PeerMetric("power_cost_usd_per_btc", "Power and direct cost per BTC", "USD/BTC", "lower", power_cost_usd_per_btc),
    PeerMetric("cash_cost_usd_per_btc", "Cash cost per BTC", "USD/BTC", "lower", cash_cost_usd_per_btc),
    PeerMetric("all_in_cost_usd_per_btc", "All-in cost per BTC", "USD/BTC", "lower", all_in_cost_usd_per_btc),
    PeerMetric("fleet_efficiency_jth", "Fleet efficiency", "J/TH", "lower", fleet_efficiency_jth),
    PeerMetric("realization_rate_pct", "Realization rate", "%", "higher", realization_rate_pct),
    PeerMetric("leverage_pct", "Leverage: debt / (BTC value + cash)", "%", "lower", leverage_pct,
               partial=leverage_is_partial),
)
"""The figures a company note places among peers; add a row to compare one more."""


def peer_values(summaries: Sequence[Any], metrics: Sequence[PeerMetric] = (*COST_CURVE_LAYERS, *PEER_METRICS)
                ) -> pd.DataFrame:
    """One row a company (index ``ticker``): ``company``, ``btc_produced`` and one column per metric key.

    A metric with a ``partial`` flag also gets ``<key>_partial`` (bool). NaN where not disclosed.
    """
    seen: dict[str, PeerMetric] = {}
    for m in metrics:
        seen.setdefault(m.key, m)
    rows = []
    for s in summaries:
        row: dict[str, Any] = {"ticker": s.ticker, "company": s.company_name, "btc_produced": btc_produced(s)}
        for m in seen.values():
            row[m.key] = m.value(s)
            if m.partial is not _never:
                row[f"{m.key}_partial"] = bool(m.partial(s)) and not math.isnan(row[m.key])
        rows.append(row)
    columns = ["ticker", "company", "btc_produced", *seen]
    frame = pd.DataFrame(rows, columns=None if rows else columns)
    return frame.set_index("ticker") if "ticker" in frame else frame


def cost_curve(values: pd.DataFrame, layers: Sequence[PeerMetric] = COST_CURVE_LAYERS) -> pd.DataFrame:
    """The sector cost curve: per layer, the BTC-weighted mean and the median across the companies covered.

    A company counts for a layer when that layer (the cumulative cost per BTC at it, which is blank unless
    every layer below is disclosed) and its BTC produced (> 0) are both on file. The weighted mean is
    sum(cost per BTC x BTC) / sum(BTC) over those companies, i.e. their total cost over their total BTC; the
    median is the plain median of their figures.

    Args:
        values: :func:`peer_values` of one quarter.
        layers: the layers to compute.

    Returns:
        One row a layer: ``key, label, weighted_mean_usd_per_btc, median_usd_per_btc, n_companies,
        n_total, btc_covered, tickers`` (``tickers``: comma-separated, cheapest first; the means are NaN
        when no company covers the layer).
    """
    rows = []
    total = len(values)
    btc = pd.to_numeric(values["btc_produced"], errors="coerce") if total else pd.Series(dtype=float)
    for layer in layers:
        cost = pd.to_numeric(values[layer.key], errors="coerce") if layer.key in values else btc * math.nan
        ok = cost.notna() & btc.notna() & (btc > 0)
        c, w = cost[ok].astype(float), btc[ok].astype(float)
        rows.append({
            "key": layer.key, "label": layer.label,
            "weighted_mean_usd_per_btc": float(np.average(c, weights=w)) if len(c) else math.nan,
            "median_usd_per_btc": float(c.median()) if len(c) else math.nan,
            "n_companies": int(ok.sum()), "n_total": total, "btc_covered": float(w.sum()),
            "tickers": ", ".join(c.sort_values().index.astype(str)),
        })
    return pd.DataFrame(rows, columns=["key", "label", "weighted_mean_usd_per_btc", "median_usd_per_btc",
                                       "n_companies", "n_total", "btc_covered", "tickers"])


def percentile(value: float, others: Sequence[float], better: str) -> float:
    """Share of the other companies this value beats, in percent (ties count half): 100 best, 0 worst.

    NaN when the value is NaN or there are no others. ``better`` is ``"lower"`` or ``"higher"``.
    """
    if better not in ("lower", "higher"):
        raise ValueError(f"better must be 'lower' or 'higher', not {better!r}")
    v = _float(value)
    rest = [x for x in (_float(o) for o in others) if not math.isnan(x)]
    if math.isnan(v) or not rest:
        return math.nan
    beaten = sum(1 for x in rest if (x > v if better == "lower" else x < v))
    ties = sum(1 for x in rest if x == v)
    return 100.0 * (beaten + 0.5 * ties) / len(rest)


def percentiles(values: pd.DataFrame, ticker: str, metrics: Sequence[PeerMetric] = PEER_METRICS,
                min_peers: int = MIN_PEERS) -> pd.DataFrame:
    """Where one company stands among the quarter's companies on each metric.

    Computed only when at least ``min_peers`` companies (the company included) have the figure; a company
    that does not disclose it gets no percentile.

    Returns:
        One row a metric: ``key, label, unit, better, value, partial, n_companies, rank, percentile,
        median, status``. ``rank`` is 1 for the best (ties share the better rank); ``percentile`` is from
        :func:`percentile`; ``median`` is the peers' median (the company included). ``status`` is ``"ok"``,
        ``"not disclosed"`` (the company has no figure) or ``"too few peers"`` (fewer than ``min_peers``).
    """
    rows = []
    for m in metrics:
        col = pd.to_numeric(values[m.key], errors="coerce") if m.key in values else pd.Series(dtype=float)
        known = col.dropna()
        value = _float(col.get(ticker, math.nan))
        partial = bool(values[f"{m.key}_partial"].get(ticker, False)) if f"{m.key}_partial" in values else False
        row = {"key": m.key, "label": m.label, "unit": m.unit, "better": m.better, "value": value,
               "partial": partial, "n_companies": len(known), "rank": math.nan, "percentile": math.nan,
               "median": math.nan}
        if math.isnan(value):
            row["status"] = "not disclosed"
        elif len(known) < min_peers:
            row["status"] = "too few peers"
        else:
            others = known.drop(index=ticker)
            row["percentile"] = percentile(value, list(others), m.better)
            better_than_me = (others < value) if m.better == "lower" else (others > value)
            row["rank"] = int(better_than_me.sum()) + 1
            row["median"] = float(known.median())
            row["status"] = "ok"
        rows.append(row)
    return pd.DataFrame(rows, columns=["key", "label", "unit", "better", "value", "partial", "n_companies",
                                       "rank", "percentile", "median", "status"])


def ranked(values: pd.DataFrame, key: str, better: str = "lower", min_peers: int = MIN_PEERS) -> pd.DataFrame:
    """The companies with ``key`` on file, best first; empty when fewer than ``min_peers`` have it."""
    col = pd.to_numeric(values[key], errors="coerce").dropna() if key in values else pd.Series(dtype=float)
    if len(col) < min_peers:
        return pd.DataFrame({"ticker": [], "value": []})
    col = col.sort_values(ascending=better == "lower")
    return pd.DataFrame({"ticker": col.index.astype(str), "value": col.to_numpy(dtype=float)})
