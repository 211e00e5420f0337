"""The company-quarter report, section by section: what each notebook cell shows.

``CompanyReport.open(...)`` loads the dataset and computes the summary once; each method then displays
one section of DESIGN.md (prose generated from the numbers, a formatted table, a chart with its source
line) or says plainly what was not disclosed. A method's ``data`` argument replaces the section's figures
from the summary, and its ``prose`` and ``chart`` arguments replace the paragraph and the chart it would
make: the notebook computes the figures in view from :attr:`CompanyReport.quarter` (:mod:`mineresearch.analysis`)
and composes the prose and chart (:mod:`mineresearch.report.parts`, :mod:`~mineresearch.report.narrative`,
:mod:`~mineresearch.report.charts`); the method lays them out with the section's tables.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from mineresearch.report import charts, narrative
from mineresearch.report import formatting as fmt
from mineresearch.report.common import (
    NETWORK_SOURCE,
    Measure,
    measures_tables,
    notice_html,
    sources_html,
    unit_formatter,
)
from mineresearch.report.display import (
    bullets,
    esc,
    keep_values,
    missing_note,
    para,
    show_chart,
    show_html,
    table,
    use_chart_mode,
)
from mineresearch.report.parts import (
    COMPANY_SOURCE,
    bridge_steps,
    btc_by_quarter,
    cost_layers,
    network_history,
    output_and_net_income,
)

_DENOMINATOR = {"hashrate_installed_ehs": "installed", "hashrate_operating_ehs": "operating"}


@dataclass
class CompanyReport:
    """One company-quarter: the summary plus the data it came from."""

    summary: Any
    dataset: Any
    _quarter: Any = field(default=None, repr=False)  # the summary's QuarterData, read by the notebook's cells

    @classmethod
    def open(
        cls,
        *,
        ticker: str,
        period: str,
        btc_price_shocks_pct: Sequence[float] = (-20.0, -40.0, -60.0),
        power_price_usd_per_mwh: float | None = None,
        tariff_rate_pct: float = 21.6,
        data_path: str | None = None,
        static_charts: bool = False,
        difficulty_growth_pct_per_month: float | None = None,
        pool_fee_pct: float = 2.0,
        pue: float = 1.10,
        next_halving_month: str | None = None,
    ) -> CompanyReport:
        """Load the dataset, compute the summary, set up charts (static SVG or interactive)."""
        from mineresearch.analysis.summary import company_quarter_summary, quarter_data
        from mineresearch.dataset.load import load_dataset

        use_chart_mode(static_charts)
        ds = load_dataset(data_path)
        q = quarter_data(ds, ticker, period)
        summary = company_quarter_summary(
            ds, ticker, period, quarter=q, btc_price_shocks_pct=btc_price_shocks_pct,
            power_price_usd_per_mwh=power_price_usd_per_mwh, tariff_rate_pct=tariff_rate_pct,
            difficulty_growth_pct_per_month=difficulty_growth_pct_per_month, pool_fee_pct=pool_fee_pct, pue=pue,
            next_halving_month=next_halving_month,
        )
        return cls(summary, ds, q)

    @property
    def quarter(self) -> Any:
        """What every section's analysis reads (:class:`~mineresearch.analysis.quarter.QuarterData`)."""
        if self._quarter is None:
            from mineresearch.analysis.summary import quarter_data

            self._quarter = quarter_data(self.dataset, self.summary.ticker, self.period)
        return self._quarter

    @property
    def name(self) -> str:
        return str(self.summary.company_name)

    @property
    def period(self) -> str:
        return str(self.summary.period)

    def dataset_scope(self, metric: str) -> str:
        """The scope the source states for a figure of this company-quarter ('' when company-wide)."""
        rows = getattr(self.dataset, "chosen_rows", None)
        if not callable(rows):
            return ""
        frame = rows(self.summary.ticker)
        hit = frame[(frame["period"] == self.period) & (frame["metric"] == metric) & (frame["line_item"] == "")]
        return str(hit["scope"].iloc[0]) if len(hit) else ""

    def notice(self) -> None:
        show_html(notice_html(f"{self.name} ({self.summary.ticker}), {self.period}"))

    def headline(self, prose: str | None = None, data: Any | None = None) -> None:
        h = self.summary.headline if data is None else data
        series = btc_by_quarter(self.summary.output_vs_profit)
        sentence = narrative.headline(self.name, self.period, series, h.net_income_usd,
                                      record=h.btc_produced_rank) if prose is None else prose
        c = self.summary.cost_stack
        basis = self.dataset_scope("net_income")
        all_in = fmt.usd(h.all_in_cost_usd_per_btc)
        if fmt.is_missing(h.all_in_cost_usd_per_btc) and not fmt.is_missing(c.all_in_at_least_usd_per_btc):
            all_in = f"at least {fmt.usd(c.all_in_at_least_usd_per_btc)}"
        facts = [
            ("BTC produced", fmt.btc(h.btc_produced)),
            ("Realized hashrate", fmt.ehs(h.realized_hashrate_ehs)),
            ("Revenue", fmt.usd(h.revenue_usd)),
            ("Net income" + (f" ({basis})" if basis else ""), fmt.usd(h.net_income_usd)),
            ("All-in cost per BTC" + (" (partial)" if all_in.startswith("at least") else ""), all_in),
            ("Average BTC price", fmt.usd(h.btc_price_avg_usd, decimals=0) if h.btc_price_avg_usd < 1e6
             else fmt.usd(h.btc_price_avg_usd)),
        ]
        cards = "".join(
            f'<div class="mr-kpi"><div class="mr-kpi-label">{esc(k)}</div><div class="mr-kpi-value'
            f'{" neg" if v.startswith("-") else ""}">{esc(v)}</div></div>' for k, v in facts
        )
        ops = ("Operations (output, hashrate, unit cost) and the financial statements (revenue, net income) are "
               "shown apart: the first says how well the fleet ran, the second what the quarter earned after "
               "depreciation, fair-value marks, financing and tax.")
        show_html(f'<p class="mr-lead">{esc(sentence)}</p>', f'<div class="mr-kpis">{cards}</div>', para(ops),
                  missing_note(h.missing))

    def kpis(self, data: Any | None = None) -> None:
        k = self.summary.kpis if data is None else data
        if not k.available:
            show_html(missing_note(k.missing, what="The KPI table"))
            return
        t = k.table
        t = t[t[["current", "prior", "year_ago"]].notna().any(axis=1)]  # a row with no figure at all says nothing
        rows = []
        for r in t.itertuples():
            unit_fmt = fmt.usd_column([r.current, r.prior, r.year_ago]) if r.unit == "USD" else unit_formatter(
                str(r.unit))  # one scale per row
            rows.append({
                "Metric": r.label, self.period: unit_fmt(r.current), k.prior_period: unit_fmt(r.prior),
                k.year_ago_period: unit_fmt(r.year_ago), "QoQ": fmt.change_text(r.qoq_change),
                "YoY": fmt.change_text(r.yoy_change),
            })
        frame = pd.DataFrame(rows)
        from mineresearch.report.display import compact_table

        shown, left_out = compact_table(frame, caption=f"{self.summary.ticker}: key figures, {self.period} against "
                                        "the prior quarter and the year-ago quarter")
        show_html(shown, para("Changes of figures in percent are in percentage points (pp); n.m. = not meaningful "
                              "(the sign flipped, or the base is under a tenth of the current value)."),
                  missing_note(k.missing, left_out=left_out))

    def output_vs_profit(self, prose: str | None = None, chart: Any | None = None, data: Any | None = None) -> None:
        o = self.summary.output_vs_profit if data is None else data
        frame = output_and_net_income(o)
        show_html(para(narrative.output_paragraph(frame) if prose is None else prose), missing_note(o.missing))
        show_chart(charts.output_vs_net_income_chart(frame, source=COMPANY_SOURCE) if chart is None else chart)

    def margin_bridge(self, prose: str | None = None, chart: Any | None = None, data: Any | None = None) -> None:
        m = self.summary.margin_bridge if data is None else data
        if m.bridge.empty:
            show_html(missing_note(m.missing or ("net_income",), what="The margin bridge"))
            return
        steps = bridge_steps(m.bridge)
        show_html(para(narrative.margin_paragraph(steps) if prose is None else prose),
                  bullets(list(m.bridge_notes)) if m.bridge_notes else "")
        show_chart(charts.margin_waterfall_chart(steps, source=COMPANY_SOURCE) if chart is None else chart)
        shown = m.bridge.loc[:, ["label", "value_usd", "cumulative_usd", "share_of_revenue_pct"]]
        shown.columns = ["Line", "Amount", "Running total", "Share of revenue"]
        amounts = fmt.usd_column([*shown["Amount"], *shown["Running total"]])  # one scale
        parts = [table(shown, formats={"Amount": amounts, "Running total": amounts,
                                       "Share of revenue": lambda v: fmt.pct(v, decimals=0)},
                       caption="Revenue to net income through the reported subtotals (ends at the reported "
                               "figure; 'not broken out' holds the lines not on file for that stretch)",
                       highlight_negative=("Amount",))]
        if not m.revenue_split.empty:
            split = m.revenue_split.loc[:, ["label", "usd"]].rename(columns={"label": "Effect", "usd": "USD"})
            parts.append(table(split, formats={"USD": fmt.usd_column(split["USD"])}, highlight_negative=("USD",),
                               caption=f"Change in {_basis(m.revenue_split_basis)} against the prior quarter: "
                                       "volume, network and price effects"))
        show_html(*parts, missing_note(m.missing))

    def cost_stack(self, prose: str | None = None, chart: Any | None = None, data: Any | None = None) -> None:
        c = self.summary.cost_stack if data is None else data
        layers = cost_layers(c)
        show_html(para(narrative.cost_paragraph(layers, price_usd=c.btc_price_avg_usd, period=self.period)
                       if prose is None else prose))
        if layers["usd_per_btc"].isna().all():
            own = _company_figures(c)
            show_html(bullets(own) if own else "", missing_note(c.missing, what="The cost stack"))
            return
        if chart is None and c.available:
            chart = charts.cost_stack_chart(layers, price_usd=c.btc_price_avg_usd, source=COMPANY_SOURCE)
        show_chart(chart)
        shown = layers.loc[:, ["layer", "usd_per_btc", "cumulative_usd_per_btc", "profit_usd_per_btc"]]
        shown.columns = ["Layer", "USD per BTC", "Cumulative", "Average price less cumulative cost"]
        shown = shown[shown["USD per BTC"].notna()]  # the layers not disclosed are named once, below
        f = {c_: fmt.usd_per_btc for c_ in shown.columns[1:]}
        notes = [f"Costs allocated to mining by {c.fair_share_basis} ({fmt.share(c.fair_share)})."]
        if c.power_basis:
            notes.append(f"The power and direct cost layer comes from {c.power_basis}.")
        if c.missing_layers:
            notes.append("The cumulative column stops at the first layer not disclosed: a partial sum is never "
                         "shown as a total.")
        notes += _company_figures(c)
        show_html(table(shown, formats=f, caption="Cost per bitcoin by disclosed layer",
                        highlight_negative=("Average price less cumulative cost",)),
                  bullets(notes), missing_note(c.missing))

    def network(self, prose: str | None = None, chart: Any | None = None, data: Any | None = None) -> None:
        n = self.summary.network if data is None else data
        show_html(para(narrative.network_paragraph(n.history, self.period, name=self.name,
                                                   hashrate_realized_ehs=n.realized_hashrate_ehs)
                       if prose is None else prose))
        show_chart(charts.network_context_chart(network_history(n), source=NETWORK_SOURCE) if chart is None else chart)
        fleet = _fleet_label(n)
        measures: list[Measure] = [
            ("Hashprice (USD per PH/s per day)", n.hashprice_usd_per_ph_day, "USD per PH/s per day",
             fmt.usd_per_ph_day(n.hashprice_usd_per_ph_day)),
            ("Network hashrate (average)", n.hashrate_avg_ehs, "EH/s", fmt.ehs(n.hashrate_avg_ehs)),
            ("Fee share of block rewards", n.fee_share, "fraction", fmt.share(n.fee_share, decimals=2)),
            ("BTC per EH/s per day (network)", n.btc_per_ehs_day, "BTC per EH/s per day", _num(n.btc_per_ehs_day, 3)),
            ("Company realized hashrate", n.realized_hashrate_ehs, "EH/s", fmt.ehs(n.realized_hashrate_ehs)),
            (f"Realization rate (vs {fleet})", n.realization_rate_pct, "%", fmt.pct(n.realization_rate_pct)),
            ("Share of network BTC", n.btc_share_pct, "%", fmt.pct(n.btc_share_pct, decimals=2)),
            (f"Company BTC per EH/s per day (on {fleet})", n.company_btc_per_ehs_day, "BTC per EH/s per day",
             _num(n.company_btc_per_ehs_day, 3)),
        ]
        from mineresearch.report.display import compact_table

        frame, values = measures_tables(measures, self.period)
        shown, left_out = compact_table(frame)
        keep_values(values, caption=f"Network context, {self.period}: the measures as numbers, with their units")
        show_html(shown, missing_note(n.missing, left_out=left_out))

    def breakevens(self, heatmaps: Sequence[Any] | None = None, data: Any | None = None) -> None:
        from mineresearch.report.company_risk import show_breakevens

        show_breakevens(self, heatmaps, data)

    def treasury(self, prose: str | None = None, chart: Any | None = None, data: Any | None = None) -> None:
        from mineresearch.report.company_risk import show_treasury

        show_treasury(self, prose, chart, data)

    def strategy(self, prose: str | None = None, data: Any | None = None) -> None:
        from mineresearch.report.company_risk import show_strategy

        show_strategy(self, prose, data)

    def checklist(self, data: Any | None = None) -> None:
        c = self.summary.checklist if data is None else data
        lines = c.lines.loc[:, ["area", "question", "answer"]]
        lines.columns = ["Area", "Question", "Answer"]
        from mineresearch.report.display import compact_table

        shown, left_out = compact_table(lines, label_columns=2, caption="Analyst's checklist: answered from the data")
        show_html(shown, missing_note((), what="The checklist", left_out=left_out))

    def peers(self, values: pd.DataFrame | None = None) -> None:
        from mineresearch.report.company_peers import show_peers

        show_peers(self, values)

    def sources(self) -> None:
        s = self.summary.sources
        show_html(sources_html(s.company, s.conflicts, s.notes))


def _company_figures(c: Any) -> list[str]:
    """The company's own per-BTC figures beside ours, with their scope and the difference explained."""
    notes: list[str] = []
    ours_power = c.stack.loc[c.stack["layer"] == "power", "usd_per_btc"]
    power = float(ours_power.iloc[0]) if len(ours_power) else math.nan
    cash = c.cash_cost_usd_per_btc
    if not math.isnan(c.reported_power_cost_usd_per_btc):
        scope = c.reported_power_cost_scope
        text = f"Company-reported power cost: {fmt.usd_per_btc(c.reported_power_cost_usd_per_btc)}"
        text += f" ({scope})" if scope else ""
        if scope:
            text += ("; it covers a narrower scope than the layer and is not used as it" if math.isnan(power)
                     else f"; the layer, on the statements' wider scope, is {fmt.usd_per_btc(power)}")
        elif not math.isnan(power):
            text += f"; the layer from the statements is {fmt.usd_per_btc(power)}"
        notes.append(text + ".")
    if not math.isnan(c.reported_cost_to_mine_usd_per_btc):
        scope = c.reported_cost_to_mine_scope or "its own definition"
        text = f"Company-reported cost to mine: {fmt.usd_per_btc(c.reported_cost_to_mine_usd_per_btc)} ({scope})"
        with_credits = power + c.stack.loc[c.stack["layer"] == "credits", "usd_per_btc"].sum()
        if not math.isnan(power) and "credits" in set(c.stack["layer"]):
            gap = c.reported_cost_to_mine_usd_per_btc - with_credits
            text += (f"; power and direct cost net of curtailment credits here is {fmt.usd_per_btc(with_credits)}"
                     f" (difference {fmt.usd_per_btc(gap)})")
        elif not math.isnan(cash):
            text += (f"; our cash cost, which adds SG&A and interest to power, is {fmt.usd_per_btc(cash)}")
        notes.append(text + ".")
    return notes


def _basis(name: str) -> str:
    names = {"revenue_mining": "mining revenue", "revenue_total": "total revenue"}
    return names.get(name, "revenue implied by output x average price")


def _fleet_label(n: Any) -> str:
    """``average installed hashrate`` (opening and closing) or ``quarter-end installed hashrate``."""
    kind = _DENOMINATOR.get(n.realization_denominator, "installed")
    when = "average" if n.realization_basis == "average" else "quarter-end"
    return f"{when} {kind} hashrate"


def _num(value: float, decimals: int) -> str:
    return fmt.NOT_DISCLOSED if fmt.is_missing(value) else f"{value:,.{decimals}f}"
