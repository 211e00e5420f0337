"""Pieces shared by the company and sector reports: the notice, the sources section, unit formats."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from mineresearch.report import formatting as fmt
from mineresearch.report.display import bullets, esc

NETWORK_SOURCE = ("mineresearch quarterly aggregates of Coin Metrics community data (CC BY-NC 4.0), "
                  "blockchain.com and public daily price series; see Sources and methodology.")

METHODOLOGY = (
    "Hashprice is the realized block reward (subsidy + fees) per PH/s per day at the day's BTC price, averaged "
    "over the quarter; subsidy is computed from block height.",
    "Realized hashrate = company BTC / (network BTC in the quarter / network average EH/s) (TheMinerMag).",
    "Cost per BTC stacks power and other direct cost of revenue ex-D&A (the mining segment's line where printed), "
    "curtailment credits, cash SG&A (ex stock-based compensation), interest, D&A and stock-based compensation, "
    "each divided by BTC produced; for diversified companies costs are allocated to mining by mining revenue / "
    "total revenue. The all-in cost is named only when every layer is disclosed; otherwise the disclosed layers "
    "are a floor ('at least'). A company figure of narrower scope (owned sites only) is shown with its scope and "
    "never used as a layer.",
    "The margin bridge runs from revenue through gross profit ex-D&A, operating income and income before tax to "
    "the reported net income; what a reported subtotal holds beyond the disclosed lines is shown as 'not broken "
    "out' for that stretch, with its share of revenue, so the bridge always ends at the reported figure.",
    "Leverage = debt / (BTC value + cash) (Convertible Monitor); debt is total debt, else the sum of the "
    "disclosed parts, read 'at least' when a part is missing; drawdowns hold cash and debt fixed.",
    "Break-even power price = hashprice x (1 - pool fee) x 1000 / (J/TH x 24 x PUE), a ceiling gross of other "
    "costs; ASIC payback is simulated month by month with difficulty growth, the next halving, a pool fee and "
    "PUE, until the machine's daily margin turns negative (no uptime loss or resale). Tariff rates: 21.6% "
    "(Indonesia, Malaysia, Thailand) and 57.6% (China) "
    "after 7 August 2025, as reported by coinnewsfeed.com and ainvest.com.",
    "When sources disagree, every row is kept; a primary filing or release wins over a secondary article, "
    "which wins over a low-quality copy, then the later or restated figure; where sources agree within the "
    "rounding of the coarser one, the more precise value is used.",
    "Peer figures (rankings, percentiles, the sector cost curve's BTC-weighted mean and median) need at least four "
    "companies with the figure; the weighted mean is the covered companies' total cost over their total BTC.",
    "Table rows and columns without any figure are left out and named once in the section's note; a dash marks a "
    "figure the filings do not give.",
)


def notice_html(subject: str) -> str:
    return (
        '<div class="mr-notice"><strong>Research note, not investment advice.</strong> '
        f"Figures for {esc(subject)} are as reported by the company and the sources listed at the end; "
        "derived figures are computed by mineresearch from them. Where a company does not disclose a figure, "
        "the note says so instead of estimating it.</div>"
    )


def unit_formatter(unit: str) -> Callable[[Any], str]:
    """How to print a value of a vocabulary unit in a table."""
    table_ = {
        "USD": fmt.usd, "BTC": fmt.btc, "EH/s": fmt.ehs, "USD/BTC": fmt.usd_per_btc,
        "USD/PH/day": fmt.usd_per_ph_day, "%": lambda v: fmt.pct(v),
        "shares": lambda v: fmt.NOT_DISCLOSED if fmt.is_missing(v) else f"{float(v) / 1e6:,.1f}M shares",
    }
    if unit in table_:
        return table_[unit]

    def other(value: Any) -> str:
        if fmt.is_missing(value):
            return fmt.NOT_DISCLOSED
        return f"{float(value):,.2f} {unit}".strip()

    return other


def _link(url: str) -> str:
    if url.startswith(("http://", "https://")):
        return f'<a href="{esc(url)}">{esc(url)}</a>'
    return esc(url)


def _conflicts_table(conflicts: pd.DataFrame) -> str:
    from mineresearch.dataset.vocabulary import METRICS

    rows = []
    for r in conflicts.itertuples():
        unit = METRICS[r.metric].unit if r.metric in METRICS else ""
        show = unit_formatter(unit)
        label = METRICS[r.metric].label if r.metric in METRICS else str(r.metric)
        if str(r.line_item or "").strip():
            label += f" ({r.line_item})"
        rows.append(
            f"<tr><td>{esc(label)}</td><td class=\"num\">{esc(show(r.chosen_value))}<br><small>"
            f"{esc(r.chosen_source_type)}</small></td><td class=\"src\">{_link(str(r.chosen_source_url))}</td>"
            f"<td class=\"num\">{esc(show(r.other_value))}<br><small>{esc(r.other_source_type)}</small></td>"
            f"<td class=\"src\">{_link(str(r.other_source_url))}</td></tr>"
        )
    return ('<div class="mr-table-wrap"><table class="mr-table mr-sources"><caption>Both values are kept; the '
            "chosen one follows the rule under Methodology</caption><thead><tr><th>Figure</th><th>Chosen</th>"
            "<th>Chosen source</th><th>Other</th><th>Other source</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table></div>")


def sources_html(company: pd.DataFrame, conflicts: pd.DataFrame, notes: Sequence[str]) -> str:
    """Every figure used with its source address, the conflicts, and the methodology."""
    parts: list[str] = ["<h3>Figures used</h3>"]
    if company.empty:
        parts.append("<p>No company figures on file for this quarter.</p>")
    else:
        from mineresearch.dataset.vocabulary import METRICS

        rows = []
        for r in company.itertuples():
            label = METRICS[r.metric].label if r.metric in METRICS else str(r.metric)
            line_item = str(getattr(r, "line_item", "") or "").strip()
            if line_item and line_item.lower() != "nan":
                label += f": {line_item}"
            unit = str(r.unit)
            rows.append(f"<tr><td>{esc(label)}</td><td class=\"num\">{esc(unit_formatter(unit)(r.value))}</td>"
                        f"<td>{esc(r.source_type)}</td><td class=\"src\">{_link(str(r.source_url))}</td></tr>")
        parts.append('<div class="mr-table-wrap"><table class="mr-table mr-sources"><thead><tr><th>Figure</th>'
                     "<th>Value</th><th>Source type</th><th>Source</th></tr></thead><tbody>"
                     + "".join(rows) + "</tbody></table></div>")
    if conflicts is not None and not conflicts.empty:
        parts.append("<h3>Where sources disagree</h3>")
        parts.append(_conflicts_table(conflicts))
    parts.append("<h3>Network data</h3>")
    parts.append(bullets([
        "Quarterly network figures are computed by mineresearch from public daily series: Coin Metrics community "
        "data (CC BY-NC 4.0, non-commercial, credit Coin Metrics), blockchain.com chart exports, and BTC price "
        "series republished in public repositories (Yahoo Finance, CoinGecko). The daily files are not "
        "redistributed.",
        "Each network column's source files, upstream commit, licence, date range and method are listed in the "
        "dataset's network_sources.csv.",
    ]))
    parts.append("<h3>Methodology</h3>")
    parts.append(bullets(list(METHODOLOGY) + list(notes)))
    return "".join(parts)


Measure = tuple[str, float, str, str]
"""One row of a measures table: label, value, unit, and the value as printed."""


def measures_tables(measures: Sequence[Measure], period: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A measures table as printed (``Measure``, ``<period>``) and its numbers (``Measure``, ``Value``, ``Unit``).

    The numbers keep only the measures with a figure; their labels are the printed table's.
    """
    shown = pd.DataFrame([(label, text) for label, _, _, text in measures], columns=["Measure", period])
    numbers = [(label, float(value), unit) for label, value, unit, _ in measures if not fmt.is_missing(value)]
    values = pd.DataFrame(numbers, columns=["Measure", "Value", "Unit"])
    return shown, values
