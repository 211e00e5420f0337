"""The sector report: one quarter, every covered miner side by side (``notebooks/sector_quarter.ipynb``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from mineresearch import charts
from mineresearch import formatting as fmt
from mineresearch.display import bullets, esc, para, show_chart, show_html, table, use_chart_mode
from mineresearch.report_common import METHODOLOGY, notice_html

SOURCE = "Company filings and releases (see each company's note for addresses); mineresearch calculations."


def _ranked(df: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Rows with a value, and a note naming the companies that did not disclose it."""
    known = df.dropna(subset=["value"])
    absent = sorted(set(df["ticker"]) - set(known["ticker"]))
    note = f"Not disclosed by {', '.join(absent)}." if absent else ""
    return known, note


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
            "leverage_pct": t.leverage_pct, "hpc_share_pct": s.strategy.hpc_share_pct,
        })
    return pd.DataFrame(rows)


@dataclass
class SectorReport:
    """Every covered company's summary for one quarter."""

    period: str
    peers: pd.DataFrame
    dataset: Any

    @classmethod
    def open(cls, *, period: str, data_path: str | None = None, static_charts: bool = False) -> SectorReport:
        from mineresearch.dataset import load_dataset
        from mineresearch.metrics.summary import company_quarter_summary

        use_chart_mode(static_charts)
        ds = load_dataset(data_path)
        summaries = [company_quarter_summary(ds, t, period) for t in ds.tickers(period)]
        return cls(period, peer_frame(summaries), ds)

    def notice(self) -> None:
        show_html(notice_html(f"the listed Bitcoin miners covered in {self.period}"))

    def overview(self) -> None:
        p = self.peers
        known = p.dropna(subset=["net_income_usd"])
        losses = known[known["net_income_usd"] < 0]
        btc = p["btc_produced"].dropna()
        lines = [
            f"{len(p)} companies have figures on file for {self.period}; {len(known)} disclosed net income, "
            f"{len(losses)} of them a loss.",
        ]
        if not btc.empty:
            top = p.loc[btc.idxmax()]
            lines.append(f"Together the {len(btc)} that disclosed output mined {fmt.btc(btc.sum())}; the largest "
                         f"producer was {top['company']} with {fmt.btc(top['btc_produced'])}.")
        cost = p.dropna(subset=["all_in_cost_usd_per_btc"])
        if not cost.empty:
            low = cost.loc[cost["all_in_cost_usd_per_btc"].idxmin()]
            lines.append(f"The lowest all-in cost per BTC among the {len(cost)} with every cost layer disclosed was "
                         f"{low['company']}'s {fmt.usd_per_btc(low['all_in_cost_usd_per_btc'])}.")
        show_html(*(para(x) for x in lines))

    def peer_table(self) -> None:
        p = self.peers
        shown = p.loc[:, ["ticker", "btc_produced", "revenue_usd", "net_income_usd", "all_in_cost_usd_per_btc",
                          "realized_hashrate_ehs", "btc_held", "leverage_pct"]]
        shown.columns = ["Ticker", "BTC produced", "Revenue", "Net income", "All-in cost/BTC", "Realized EH/s",
                         "BTC held", "Leverage"]
        show_html(table(shown, formats={"BTC produced": fmt.btc, "Revenue": fmt.usd_column(shown["Revenue"]),
                                        "Net income": fmt.usd_column(shown["Net income"]),
                                        "All-in cost/BTC": fmt.usd_per_btc, "Realized EH/s": fmt.ehs,
                                        "BTC held": fmt.btc, "Leverage": fmt.pct},
                        highlight_negative=("Net income",), missing="n/d",
                        caption=f"Peer table, {self.period} (n/d: not disclosed)"))

    def cost_ranking(self) -> None:
        self._ranking("all_in_cost_usd_per_btc", "All-in cost (USD per BTC)", f"All-in cost per bitcoin, {self.period}")
        self._ranking("cash_cost_usd_per_btc", "Cash cost (USD per BTC)", f"Cash cost per bitcoin, {self.period}")

    def _ranking(self, column: str, value_title: str, title: str, value_format: str = ",.0f") -> None:
        known, note = _ranked(self.peers.loc[:, ["ticker", column]].rename(columns={column: "value"}))
        if known.empty:
            show_html(para(f"{title}: not disclosed by any company on file."))
            return
        show_chart(charts.peer_ranking_chart(known, value_title=value_title, value_format=value_format, title=title,
                                             source=SOURCE))
        if note:
            show_html(para(note, cls="mr-missing"))

    def output_vs_net_income(self) -> None:
        df = self.peers.assign(x=self.peers["btc_produced"], y=self.peers["net_income_usd"] / 1e6)
        show_chart(charts.peer_scatter_chart(df.loc[:, ["ticker", "x", "y"]], x_title="BTC produced",
                                             y_title="Net income (USD millions)",
                                             title=f"Output against net income, {self.period}", source=SOURCE))

    def treasury(self) -> None:
        self._ranking("leverage_pct", "Debt / (BTC value + cash), %", f"Leverage at the end of {self.period}")
        shown = self.peers.loc[:, ["ticker", "btc_held", "cash_usd", "total_debt_usd", "leverage_pct"]]
        shown.columns = ["Ticker", "BTC held", "Cash", "Total debt", "Leverage"]
        show_html(table(shown, formats={"BTC held": fmt.btc, "Cash": fmt.usd_column(shown["Cash"]),
                                        "Total debt": fmt.usd_column(shown["Total debt"]),
                                        "Leverage": fmt.pct}, missing="n/d",
                        caption="Treasury and leverage (n/d: not disclosed)"))

    def network_share(self) -> None:
        self._ranking("btc_share_pct", "Share of network BTC (%)", f"Share of network block rewards, {self.period}",
                      value_format=".2f")

    def sources(self) -> None:
        names = ", ".join(f"{r.company} ({r.ticker})" for r in self.peers.itertuples())
        show_html(para(f"Companies covered: {names}."),
                  "<p>Every figure comes from the companies' filings and releases as recorded in the dataset, "
                  "with its source address in each company's note. " + esc("Network figures: ") +
                  "Coin Metrics community data (CC BY-NC 4.0) and public daily series, aggregated by "
                  "mineresearch.</p>", "<h3>Methodology</h3>", bullets(list(METHODOLOGY)))
