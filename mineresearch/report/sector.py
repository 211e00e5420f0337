"""The sector report: one quarter, every covered miner side by side (``notebooks/sector_quarter.ipynb``)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from mineresearch.analysis.peers import COST_CURVE_LAYERS, MIN_PEERS, cost_curve, peer_values
from mineresearch.report import charts
from mineresearch.report import formatting as fmt
from mineresearch.report.common import METHODOLOGY, notice_html
from mineresearch.report.display import (
    bullets,
    drop_empty,
    esc,
    keep_values,
    para,
    show_chart,
    show_html,
    table,
    use_chart_mode,
)

SOURCE = "Company filings and releases (see each company's note for addresses); mineresearch calculations."


def _ranked(df: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Rows with a value, and the tickers of the companies that did not disclose it."""
    known = df.dropna(subset=["value"])
    absent = sorted(set(df["ticker"]) - set(known["ticker"]))
    return known, absent


def _absent_note(absent: dict[str, list[str]]) -> str:
    """One sentence for a section: which companies did not disclose which figure (never repeated per chart)."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for what, tickers in absent.items():
        if tickers:
            groups.setdefault(tuple(tickers), []).append(what)
    parts = [f"{' and '.join(whats)} not disclosed by {', '.join(tickers)}" for tickers, whats in groups.items()]
    text = "; ".join(parts)
    return f"{text[:1].upper()}{text[1:]}." if parts else ""


def overview_sentences(peers: pd.DataFrame, period: str) -> list[str]:
    """The sector overview: companies covered, losses, total output and its largest producer, lowest all-in cost."""
    p = peers
    known = p.dropna(subset=["net_income_usd"])
    losses = known[known["net_income_usd"] < 0]
    btc = p["btc_produced"].dropna()
    lines = [
        f"{len(p)} companies have figures on file for {period}; {len(known)} disclosed net income, "
        f"{len(losses)} of them a loss.",
    ]
    if not btc.empty:
        top = p.loc[btc.idxmax()]
        lines.append(f"Together the {len(btc)} that disclosed output mined {fmt.btc(btc.sum())}; the largest "
                     f"producer was {top['company']} with {fmt.btc(top['btc_produced'])}.")
    cost = p.dropna(subset=["all_in_cost_usd_per_btc"])
    if len(cost) >= MIN_PEERS:
        low = cost.loc[cost["all_in_cost_usd_per_btc"].idxmin()]
        lines.append(f"The lowest all-in cost per BTC among the {len(cost)} with every cost layer disclosed was "
                     f"{low['company']}'s {fmt.usd_per_btc(low['all_in_cost_usd_per_btc'])}.")
    else:
        lines.append(f"{len(cost)} of the {len(p)} disclosed every cost layer, too few to rank by all-in cost "
                     f"per BTC (a ranking needs {MIN_PEERS}).")
    return lines


def curve_inputs(values: pd.DataFrame, curve: pd.DataFrame, period: str) -> list[tuple[pd.DataFrame, dict[str, Any]]]:
    """Each cost layer with enough companies: its cost-curve chart's frame (ticker, btc, value) and titles."""
    out = []
    for layer, r in zip(COST_CURVE_LAYERS, curve.itertuples(), strict=True):
        if r.n_companies < MIN_PEERS:
            continue
        data = pd.DataFrame({"ticker": values.index, "btc": values["btc_produced"], "value": values[layer.key]})
        out.append((data, {"value_title": f"{r.label} (USD per BTC)", "weighted_mean": r.weighted_mean_usd_per_btc,
                           "median": r.median_usd_per_btc, "title": f"{r.label} per bitcoin, {period}: the cost curve",
                           "source": SOURCE}))
    return out


def scatter_frame(peers: pd.DataFrame) -> pd.DataFrame:
    """``ticker``, ``x`` (BTC produced) and ``y`` (net income, USD millions): the output-against-profit chart."""
    return peers.assign(x=peers["btc_produced"], y=peers["net_income_usd"] / 1e6).loc[:, ["ticker", "x", "y"]]


FLOOR_COLUMNS = ("total_debt_usd", "leverage_pct")
"""Peer columns that are a floor ("at least") for a company whose debt is summed from some of its parts."""


def ranking_frame(peers: pd.DataFrame, column: str) -> pd.DataFrame:
    """``ticker`` and ``value`` of the companies that disclosed ``column`` (a ranking chart's input).

    A figure that is only a floor (debt summed from some of its parts, and the leverage from it) is labelled
    ``TICKER (at least)``.
    """
    frame = peers.loc[:, ["ticker", column]].rename(columns={column: "value"})
    if column in FLOOR_COLUMNS:
        frame["ticker"] = [f"{t} (at least)" if floor else t for t, floor in zip(frame["ticker"], _partial(peers),
                                                                                 strict=True)]
    return _ranked(frame)[0]


def peer_frame(summaries: list[Any]) -> pd.DataFrame:
    """One row a company: the figures the sector views compare (NaN where not disclosed)."""
    rows = []
    for s in summaries:
        h, c, n, t = s.headline, s.cost_stack, s.network, s.treasury
        rows.append({
            "ticker": s.ticker, "company": s.company_name, "btc_produced": h.btc_produced,
            "revenue_usd": h.revenue_usd, "net_income_usd": h.net_income_usd,
            "cash_cost_usd_per_btc": c.cash_cost_usd_per_btc, "all_in_cost_usd_per_btc": c.all_in_cost_usd_per_btc,
            "realized_hashrate_ehs": n.realized_hashrate_ehs, "btc_share_pct": n.btc_share_pct,
            "btc_held": t.btc_held, "cash_usd": t.cash_usd, "total_debt_usd": t.total_debt_usd,
            "leverage_pct": t.leverage_pct, "debt_is_partial": bool(getattr(t, "debt_is_partial", False)),
            "hpc_share_pct": s.strategy.hpc_share_pct,
        })
    return pd.DataFrame(rows)


@dataclass
class SectorReport:
    """Every covered company's summary for one quarter."""

    period: str
    peers: pd.DataFrame
    dataset: Any
    values: pd.DataFrame | None = None  # ``metrics.peers.peer_values`` of the quarter (cost layers, percentiles)

    @classmethod
    def open(cls, *, period: str, data_path: str | None = None, static_charts: bool = False) -> SectorReport:
        from mineresearch.analysis.summary import company_quarter_summary
        from mineresearch.dataset.load import load_dataset

        use_chart_mode(static_charts)
        ds = load_dataset(data_path)
        summaries = [company_quarter_summary(ds, t, period) for t in ds.tickers(period)]
        return cls(period, peer_frame(summaries), ds, peer_values(summaries))

    def notice(self) -> None:
        show_html(notice_html(f"the listed Bitcoin miners covered in {self.period}"))

    def overview(self, prose: Sequence[str] | None = None) -> None:
        """Section 1: ``prose`` (paragraphs) replaces :func:`overview_sentences`."""
        show_html(*(para(x) for x in (overview_sentences(self.peers, self.period) if prose is None else prose)))

    def peer_table(self) -> None:
        p = self.peers
        shown = p.loc[:, ["ticker", "btc_produced", "revenue_usd", "net_income_usd", "all_in_cost_usd_per_btc",
                          "realized_hashrate_ehs", "btc_held", "leverage_pct"]]
        shown.columns = ["Ticker", "BTC produced", "Revenue", "Net income", "All-in cost/BTC", "Realized EH/s",
                         "BTC held", "Leverage"]
        kept, dropped = _mostly_disclosed(shown)
        if "Leverage" in kept.columns:  # a leverage computed from debt summed from some of its parts is a floor
            kept = kept.assign(Leverage=_floors(p["leverage_pct"], _partial(p), fmt.pct))
        kept, blank, _ = drop_empty(kept, columns=False)
        formats = {"BTC produced": fmt.btc, "Revenue": fmt.usd_column(shown["Revenue"]),
                   "Net income": fmt.usd_column(shown["Net income"]), "All-in cost/BTC": fmt.usd_per_btc,
                   "Realized EH/s": fmt.ehs, "BTC held": fmt.btc}
        show_html(table(kept, formats=formats, highlight_negative=("Net income",),
                        caption=f"Peer table, {self.period}: the figures at least half the companies disclose"),
                  _also_on_file(shown, dropped),
                  para(f"No figure in these columns for {', '.join(blank)}.", cls="mr-missing") if blank else "")

    def cost_curve(self, curves: Sequence[Any] | None = None) -> None:
        """Section 3: the sector cost curve; ``curves`` replaces the charts (one a layer with enough companies)."""
        values = self._values()
        curve = cost_curve(values)
        rows = []
        for r in curve.itertuples():
            enough = r.n_companies >= MIN_PEERS
            rows.append({
                "Cost per BTC": r.label,
                "BTC-weighted mean": r.weighted_mean_usd_per_btc if enough else math.nan,
                "Median": r.median_usd_per_btc if enough else math.nan,
                "Companies covered": f"{r.n_companies} of {r.n_total}",
                "BTC covered": r.btc_covered,
            })
        frame = pd.DataFrame(rows)
        parts: list[Any] = [para(
            "Each company's cost per BTC at three layers of its cost stack: power and direct cost, cash cost (+ cash "
            "SG&A and interest) and all-in cost (+ D&A and stock-based compensation). A company counts for a layer "
            "only when every layer up to it is disclosed; the BTC-weighted mean is the covered companies' total cost "
            f"over their total BTC produced. Means, medians and rankings need at least {MIN_PEERS} companies.")]
        shown, _ = drop_empty(frame)[:2]  # no mean or median column when no layer has four companies (said above)
        parts.append(table(shown, formats={"BTC-weighted mean": fmt.usd_per_btc, "Median": fmt.usd_per_btc,
                                           "BTC covered": fmt.btc},
                           caption=f"Cost curve, {self.period}"))
        if curves is None:
            curves = [charts.cost_curve_chart(data, **titles) for data, titles in curve_inputs(values, curve,
                                                                                               self.period)]
        parts += [("chart", chart) for chart in curves]
        thin = [f"{r.label}: {r.n_companies} of {r.n_total}" + (f" ({r.tickers})" if r.tickers else "")
                for r in curve.itertuples() if r.n_companies < MIN_PEERS]
        if thin:
            parts.append(para("Too few companies to draw a curve or rank (companies with the layer disclosed): "
                              + "; ".join(thin) + ".", cls="mr-missing"))
        _show(parts)

    def cost_ranking(self) -> None:
        """The cost curve (the former per-layer ranking charts); kept for notebooks that call it."""
        self.cost_curve()

    def _ranking(self, column: str, value_title: str, title: str, value_format: str = ",.0f",
                 chart: Any | None = None) -> list[str]:
        """Show a ranking chart when at least ``MIN_PEERS`` companies have ``column``; else a sentence.

        ``chart`` replaces the ranking chart. Returns the tickers that did not disclose the figure, for the
        section's one "Not disclosed by" sentence.
        """
        absent = _ranked(self.peers.loc[:, ["ticker", column]].rename(columns={column: "value"}))[1]
        known = ranking_frame(self.peers, column)
        if len(known) < MIN_PEERS:
            show_html(para(f"{title}: {len(known)} of {len(self.peers)} companies disclosed it"
                           + (f" ({', '.join(known['ticker'])})" if len(known) else "")
                           + f", too few to rank (a ranking needs {MIN_PEERS})."))
            return []
        show_chart(charts.peer_ranking_chart(known, value_title=value_title, value_format=value_format, title=title,
                                             source=SOURCE) if chart is None else chart)
        return absent

    def output_vs_net_income(self, chart: Any | None = None) -> None:
        """Section 4: BTC produced against net income, one point a company (``chart`` replaces the scatter)."""
        df = scatter_frame(self.peers)
        show_chart(charts.peer_scatter_chart(df, x_title="BTC produced", y_title="Net income (USD millions)",
                                             title=f"Output against net income, {self.period}", source=SOURCE)
                   if chart is None else chart)
        absent = df.loc[df["x"].isna() | df["y"].isna(), "ticker"]
        if len(absent):
            show_html(para(f"Not on the chart (output or net income not disclosed): {', '.join(absent)}.",
                           cls="mr-missing"))

    def treasury(self, chart: Any | None = None) -> None:
        """Section 5: the leverage ranking (``chart`` replaces it) and the treasury table."""
        absent = self._ranking("leverage_pct", "Debt / (BTC value + cash), %", f"Leverage at the end of {self.period}",
                               chart=chart)
        p = self.peers
        shown = pd.DataFrame({"Ticker": p["ticker"], "BTC held": p["btc_held"], "Cash": p["cash_usd"],
                              "Debt": _floors(p["total_debt_usd"], _partial(p), fmt.usd_column(p["total_debt_usd"])),
                              "Leverage": _floors(p["leverage_pct"], _partial(p), fmt.pct)})
        kept, rows, _ = drop_empty(shown, columns=False)
        show_html(table(kept, formats={"BTC held": fmt.btc, "Cash": fmt.usd_column(shown["Cash"])},
                        caption="Treasury and leverage (debt: total debt, or the sum of the parts disclosed, then "
                                "'at least', as is the leverage computed from it)"),
                  para(" ".join(x for x in (_absent_note({"Leverage": [t for t in absent if t not in rows]}),
                                            f"No treasury figure on file for {', '.join(rows)}." if rows else "")
                                if x), cls="mr-missing") if absent or rows else "")
        keep_values(p.loc[:, ["ticker", "btc_held", "cash_usd", "total_debt_usd", "leverage_pct", "debt_is_partial"]],
                    caption=f"Treasury and leverage, {self.period}, as numbers (debt_is_partial: debt is the sum of "
                            "the parts disclosed, a floor)")

    def network_share(self, chart: Any | None = None) -> None:
        """Section 6: each company's share of the BTC the network mined (``chart`` replaces the ranking)."""
        absent = self._ranking("btc_share_pct", "Share of network BTC (%)", f"Share of network BTC, {self.period}",
                               value_format=".2f", chart=chart)
        if absent:
            show_html(para(_absent_note({"BTC produced": absent}), cls="mr-missing"))

    def _values(self) -> pd.DataFrame:
        if self.values is None:
            from mineresearch.analysis.summary import company_quarter_summary

            self.values = peer_values([company_quarter_summary(self.dataset, t, self.period)
                                       for t in self.dataset.tickers(self.period)])
        return self.values

    def sources(self) -> None:
        names = ", ".join(f"{r.company} ({r.ticker})" for r in self.peers.itertuples())
        show_html(para(f"Companies covered: {names}."),
                  "<p>Every figure comes from the companies' filings and releases as recorded in the dataset, "
                  "with its source address in each company's note. " + esc("Network figures: ") +
                  "Coin Metrics community data (CC BY-NC 4.0) and public daily series, aggregated by "
                  "mineresearch.</p>", "<h3>Methodology</h3>", bullets(list(METHODOLOGY)))


def _partial(peers: pd.DataFrame) -> list[bool]:
    """Per company: whether its debt (and the leverage from it) is summed from some of its parts only."""
    column = peers["debt_is_partial"] if "debt_is_partial" in peers.columns else [False] * len(peers)
    return [bool(x) for x in column]


def _floors(values: pd.Series, partial: list[bool], formatter: Any) -> list[Any]:
    """``values`` as printed, "at least ..." where ``partial``; NaN stays NaN (a blank cell)."""
    return [math.nan if fmt.is_missing(v) else ("at least " if floor else "") + formatter(v)
            for v, floor in zip(values, partial, strict=True)]


def _mostly_disclosed(shown: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The label column and the value columns at least half the companies disclose; the names of the others."""
    n = len(shown)
    dropped = [c for c in shown.columns[1:] if shown[c].notna().sum() * 2 < n]
    return shown.drop(columns=dropped), dropped


def _also_on_file(shown: pd.DataFrame, dropped: list[str]) -> str:
    """One sentence naming, for each column left out of the peer table, the companies that disclose it."""
    parts = []
    for c in dropped:
        tickers = list(shown.loc[shown[c].notna(), shown.columns[0]])
        parts.append(f"{c} ({', '.join(tickers) if tickers else 'none'})")
    if not parts:
        return ""
    return para("Disclosed by fewer than half the companies, so left out of the table; also on file for: "
                + "; ".join(parts) + ".", cls="mr-missing")


def _show(parts: list[Any]) -> None:
    """Show HTML fragments and ``("chart", chart)`` items in order."""
    html: list[str] = []
    for part in parts:
        if isinstance(part, tuple):
            show_html(*html)
            html = []
            show_chart(part[1])
        else:
            html.append(part)
    show_html(*html)
