"""The company note's peer context: where the company stands among the quarter's covered miners.

The peers' summaries are computed once per process for a dataset and quarter (a build renders every note
of a quarter in the same warm processes), then every note of that quarter reads the same table.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from mineresearch.analysis.peers import MIN_PEERS, PEER_METRICS, peer_values, percentiles
from mineresearch.report import formatting as fmt
from mineresearch.report.display import compact_table, keep_values, missing_note, para, show_html

_CACHE: dict[tuple[int, str], tuple[Any, pd.DataFrame]] = {}  # (id, quarter) -> (the dataset itself, its values)


def quarter_peer_values(dataset: Any, period: str) -> pd.DataFrame:
    """:func:`~mineresearch.analysis.peers.peer_values` of every company with figures in ``period`` (cached).

    The cache is keyed by the dataset object's identity and the quarter; ``load_dataset`` returns the same
    object while the data files are unchanged, and a changed folder gives a new object, so a stale entry is
    never read (the entry holds the dataset, so its id cannot be reused while cached). Only the last
    dataset's entries are kept. A dataset read from files is also looked up in the disk cache, under its
    files' key, the quarter and the code that computes the values (:func:`_stored_peer_values`).
    """
    key = (id(dataset), period)
    cached = _CACHE.get(key)
    if cached is None or cached[0] is not dataset:
        cached = (dataset, _stored_peer_values(dataset, period))
        for old in [k for k, v in _CACHE.items() if v[0] is not dataset]:
            del _CACHE[old]
        _CACHE[key] = cached
    return cached[1]


def _stored_peer_values(dataset: Any, period: str) -> pd.DataFrame:
    """The quarter's peer values, from the disk cache when this data and this code computed them before.

    The key covers the data files (``dataset.content_key``), the pandas version and the source of every module
    the values depend on (dataset, metrics, analysis), so that no change to a figure or to a formula is ever
    served stale. A dataset built in memory (no key) is always computed.
    """
    from mineresearch.analysis.summary import company_quarter_summary
    from mineresearch.dataset import cache

    content = getattr(dataset, "content_key", None)
    name = cache.derived_name("peers", content, period, code=("dataset", "metrics", "analysis")) \
        if isinstance(content, str) else ""
    stored = cache.read(name) if name else None
    if isinstance(stored, pd.DataFrame):
        return stored
    values = peer_values([company_quarter_summary(dataset, t, period) for t in dataset.tickers(period)])
    if name:
        cache.write(name, values)
    return values


def _value(unit: str, value: float, partial: bool) -> str:
    if fmt.is_missing(value):
        return fmt.NOT_DISCLOSED
    text = {"USD/BTC": fmt.usd_per_btc, "%": lambda v: fmt.pct(v, decimals=1)}.get(unit, lambda v: f"{v:,.1f} {unit}")(
        value)
    return f"at least {text}" if partial else text


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def peer_table(values: pd.DataFrame, ticker: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(The rows shown: measure with its direction, company, peer median, rank, percentile; the percentile frame)."""
    p = percentiles(values, ticker, PEER_METRICS)
    rows = []
    for r in p.itertuples():
        ok = r.status == "ok"
        rows.append({
            "Measure": f"{r.label} ({r.better} is better)",
            "Company": _value(r.unit, r.value, bool(r.partial)),
            "Peer median": _value(r.unit, r.median, False) if ok else fmt.NOT_DISCLOSED,
            "Rank": f"{_ordinal(int(r.rank))} of {r.n_companies}" if ok else fmt.NOT_DISCLOSED,
            "Percentile": f"{r.percentile:.0f}" if ok else fmt.NOT_DISCLOSED,
        })
    return pd.DataFrame(rows), p


def show_peers(report: Any, values: pd.DataFrame | None = None) -> None:
    """The peer-percentile section of a company note (``values``: :func:`quarter_peer_values` by default)."""
    ticker, period = report.summary.ticker, report.period
    values = quarter_peer_values(report.dataset, period) if values is None else values
    if ticker not in values.index or len(values) < MIN_PEERS:
        show_html(para(f"Peer percentiles need at least {MIN_PEERS} companies with a figure; {len(values)} "
                       f"{'has' if len(values) == 1 else 'have'} figures on file for {period}."))
        return
    shown, p = peer_table(values, ticker)
    ranked = p[p["status"] == "ok"]
    thin = p[p["status"] == "too few peers"]
    absent = p[p["status"] == "not disclosed"]
    intro = (f"{report.name} against the {len(values)} companies with figures on file for {period}. The percentile "
             "is the share of the other companies with the figure that the company beats (100 = best, ties count "
             f"half); it is shown only when at least {MIN_PEERS} companies disclose the figure.")
    keep = shown[p["status"].eq("ok").to_numpy()]
    html, _ = compact_table(keep, caption=f"{report.summary.ticker} among peers, {period}")
    keep_values(ranked.reset_index(drop=True), caption=f"{report.summary.ticker} among peers, {period}: figures, "
                "peer medians, ranks and percentiles as numbers")
    left_out = [f"{r.label} (only {r.n_companies} {'company discloses' if r.n_companies == 1 else 'companies disclose'}"
                " it)" for r in thin.itertuples()]
    show_html(para(intro), html if not ranked.empty else "",
              missing_note([str(x) for x in absent["label"]], what="The peer comparison", left_out=left_out))
