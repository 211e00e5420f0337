"""Report sections 7 to 9: break-evens and sensitivity, treasury risk, strategy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mineresearch.report import charts, narrative
from mineresearch.report import formatting as fmt
from mineresearch.report.common import Measure, measures_tables
from mineresearch.report.display import (
    bullets,
    compact_table,
    keep_values,
    missing_note,
    para,
    show_chart,
    show_html,
    table,
)
from mineresearch.report.parts import RISK_SOURCE, drawdown_scenarios, has_drawdown, sensitivity_grids


def show_breakevens(report: Any, heatmaps: Sequence[Any] | None = None, data: Any | None = None) -> None:
    """Section 7; ``heatmaps`` replaces the sensitivity charts (default: one per grid with figures)."""
    b = report.summary.breakevens if data is None else data
    parts: list[str] = []
    left_out: list[str] = []
    if not b.by_layer.empty:
        t = b.by_layer.loc[:, ["label", "breakeven_btc_price_usd", "margin_usd_per_btc"]]
        t.columns = ["Cost layer (cumulative)", "Break-even BTC price", "Margin per BTC at average price"]
        shown, left_out = compact_table(t, formats={c: fmt.usd_per_btc for c in t.columns[1:]},
                                        highlight_negative=("Margin per BTC at average price",),
                                        caption="Break-even BTC price at each cost layer, at the quarter's difficulty "
                                                "and output (the next halving doubles every cost per BTC)")
        parts.append(shown)
    facts = []
    if b.power_price_basis:
        basis = "report parameter" if b.power_price_basis == "parameter" else "company disclosure"
        facts.append(f"Power price used: ${b.power_price_usd_per_mwh:,.1f}/MWh ({basis}).")
    if not fmt.is_missing(b.hashcost_usd_per_ph_day):
        facts.append(f"Fleet hashcost: {fmt.usd_per_ph_day(b.hashcost_usd_per_ph_day)} per PH/s per day.")
    if not fmt.is_missing(b.breakeven_power_usd_per_mwh):
        facts.append(
            f"Break-even power price, a ceiling (the highest power price at which the fleet covers its power, "
            f"gross of other costs): ${b.breakeven_power_usd_per_mwh:,.0f}/MWh at the quarter's hashprice, net of "
            f"a {b.pool_fee_pct:.1f}% pool fee, with PUE {b.pue:.2f} and full uptime "
            f"(${b.breakeven_power_gross_usd_per_mwh:,.0f}/MWh with neither)."
        )
    if facts:
        parts.append(bullets(facts))
    show_html(*parts, missing_note(b.missing, left_out=left_out))
    if heatmaps is None:
        heatmaps = [charts.sensitivity_heatmap_chart(grid, **titles) for grid, titles in sensitivity_grids(b)]
    for chart in heatmaps:
        show_chart(chart)
    if not b.stress.empty:
        s = b.stress.loc[:, ["scenario", "btc_price_change_pct", "power_price_change_pct", "cash_flow_usd",
                             "change_vs_base_usd"]]
        s.columns = ["Scenario", "BTC price", "Power price", "Quarterly mining cash flow", "Change vs base"]
        basis = str(b.stress["cash_flow_basis"].iloc[0]) if "cash_flow_basis" in b.stress.columns else ""
        show_html(table(s, formats={"BTC price": lambda v: fmt.pct(v, decimals=0, signed=True),
                                    "Power price": lambda v: fmt.pct(v, decimals=0, signed=True),
                                    "Quarterly mining cash flow": fmt.usd_column(s["Quarterly mining cash flow"]),
                                    "Change vs base": fmt.usd_column(s["Change vs base"])},
                        highlight_negative=("Quarterly mining cash flow", "Change vs base"),
                        caption="Cash-flow stress: output and other cash costs held at the quarter's level"),
                  para(f"Cash flow here: {basis}") if basis else "")


def show_treasury(report: Any, prose: str | None = None, chart: Any | None = None, data: Any | None = None) -> None:
    """Section 8; ``prose`` and ``chart`` replace the opening paragraph and the drawdown chart."""
    t = report.summary.treasury if data is None else data
    scen = drawdown_scenarios(t)
    show_html(para(narrative.treasury_text(report.name, report.period, t, scen) if prose is None else prose))
    at_least = "at least " if t.debt_is_partial else ""
    summed = " + ".join(p.replace("_", " ") for p in t.debt_parts)
    debt_label = f"Debt ({summed}{'; partial' if t.debt_is_partial else ''})" \
        if t.debt_parts and t.debt_parts != ("total_debt",) else "Total debt"
    held_label = "BTC held at quarter end" + (f" ({t.btc_held_scope})" if t.btc_held_scope else "")
    if chart is None and has_drawdown(scen):
        chart = charts.treasury_drawdown_chart(scen, source=RISK_SOURCE)
    show_chart(chart)
    money = fmt.usd_column([t.btc_value_usd, t.digital_assets_fair_value_usd, t.cash_usd, t.short_term_debt_usd,
                            t.total_debt_usd, t.quarterly_cash_burn_usd, t.convertible_notes_principal_usd])
    end_price = fmt.usd(t.btc_price_end_usd, decimals=0) if not fmt.is_missing(t.btc_price_end_usd) \
        and t.btc_price_end_usd < 1e6 else fmt.usd(t.btc_price_end_usd)
    measures: list[Measure] = [
        (held_label, t.btc_held, "BTC", fmt.btc(t.btc_held)),
        ("BTC pledged, restricted or loaned", t.btc_pledged, "BTC", fmt.btc(t.btc_pledged)),
        ("Restricted bitcoin (reported line)", t.restricted_btc_value_usd, "USD", fmt.usd(t.restricted_btc_value_usd)),
        ("Quarter-end BTC price", t.btc_price_end_usd, "USD", end_price),
        ("Value of BTC held", t.btc_value_usd, "USD", money(t.btc_value_usd)),
        ("Digital assets at fair value (reported)", t.digital_assets_fair_value_usd, "USD",
         money(t.digital_assets_fair_value_usd)),
        ("Sell ratio (sold / mined)", t.sell_ratio_pct, "%", fmt.pct(t.sell_ratio_pct, decimals=0)),
        ("Cash", t.cash_usd, "USD", money(t.cash_usd)),
        ("Short-term debt", t.short_term_debt_usd, "USD", money(t.short_term_debt_usd)),
        (debt_label, t.total_debt_usd, "USD (at least)" if t.debt_is_partial else "USD",
         at_least + money(t.total_debt_usd) if not fmt.is_missing(t.total_debt_usd) else money(t.total_debt_usd)),
        ("Cash / short-term debt", t.cash_to_short_term_debt, "times", _times(t.cash_to_short_term_debt)),
        ("Leverage: debt / (BTC value + cash)", t.leverage_pct, "% (at least)" if t.debt_is_partial else "%",
         at_least + fmt.pct(t.leverage_pct, decimals=1) if not fmt.is_missing(t.leverage_pct)
         else fmt.pct(t.leverage_pct, decimals=1)),
        ("Quarterly cash burn (proxy)", t.quarterly_cash_burn_usd, "USD", money(t.quarterly_cash_burn_usd)),
        ("Liquidity runway", t.runway_quarters, "quarters", _quarters(t.runway_quarters)),
        ("Convertible notes (principal)", t.convertible_notes_principal_usd, "USD",
         money(t.convertible_notes_principal_usd)),
        ("Dilution if converts convert", t.dilution_pct, "%", fmt.pct(t.dilution_pct)),
    ]
    frame, values = measures_tables(measures, report.period)
    shown, left_out = compact_table(frame, caption="Treasury and liquidity")
    keep_values(values, caption=f"Treasury and liquidity, {report.period}: the measures as numbers, with their units")
    parts = [shown]
    if not t.drawdown.empty:
        d = t.drawdown.loc[:, ["shock_pct", "btc_price_usd", "btc_value_usd", "fv_change_pretax_usd", "leverage_pct"]]
        lev = "Leverage (at least)" if t.debt_is_partial else "Leverage"
        d.columns = ["BTC price shock", "BTC price", "Value of BTC held", "Fair-value change (pre-tax)", lev]
        shown, gone = compact_table(d, formats={"BTC price shock": lambda v: fmt.pct(v, decimals=0, signed=True),
                                       "BTC price": lambda v: fmt.usd(v, decimals=0) if abs(v) < 1e6 else fmt.usd(v),
                                       "Value of BTC held": fmt.usd_column(d["Value of BTC held"]),
                                       "Fair-value change (pre-tax)": fmt.usd_column(d["Fair-value change (pre-tax)"]),
                                       lev: lambda v: fmt.pct(v)},
                                    highlight_negative=("Fair-value change (pre-tax)",),
                                    caption="BTC drawdown: cash and debt held at the quarter-end level")
        parts.append(shown)
        left_out += [f"{g} after a drawdown" for g in gone]
    show_html(*parts, missing_note(t.missing, left_out=left_out))


def show_strategy(report: Any, prose: str | None = None, data: Any | None = None) -> None:
    """Section 9; ``prose`` replaces the paragraph of the payback cases' assumptions."""
    s = report.summary.strategy if data is None else data
    figures = [("HPC/AI revenue", fmt.usd(s.revenue_hpc_usd)), ("HPC/AI share of total revenue",
               fmt.pct(s.hpc_share_pct)), ("Contracted HPC capacity", _mw(s.contracted_mw)),
               ("Energized capacity", _mw(s.energized_mw))]
    facts = [f"{k}: {v}." for k, v in figures if v != fmt.NOT_DISCLOSED]  # the rest is named once, below
    left_out = [k for k, v in figures if v == fmt.NOT_DISCLOSED]
    parts = [bullets(facts) if facts else ""]
    mix = s.revenue_mix
    if not mix.empty:
        cols = [c for c in ("period", "revenue_mining", "revenue_hosting", "revenue_hpc", "revenue_other",
                            "revenue_total") if c in mix.columns]
        m = mix.loc[:, cols].tail(8)
        m = m.rename(columns={"period": "Quarter", "revenue_mining": "Mining", "revenue_hosting": "Hosting",
                              "revenue_hpc": "HPC/AI", "revenue_other": "Other", "revenue_total": "Total"})
        mix_usd = fmt.usd_column(m.iloc[:, 1:].to_numpy().ravel())  # one scale for the whole table
        shown, gone = compact_table(m, formats={c: mix_usd for c in m.columns[1:]}, caption="Revenue mix by quarter")
        parts.append(shown)
        left_out += [f"{g} revenue by quarter" if g in m.columns else f"revenue mix in {g}" for g in gone]
    if not s.tariff_scenarios.empty:
        ts = s.tariff_scenarios.loc[:, ["scenario", "tariff_rate_pct", "landed_capex_usd", "static_payback_days",
                                        "payback_days", "cash_12m_usd", "cash_24m_usd", "cash_36m_usd",
                                        "shutdown_month"]].copy()
        statuses = s.tariff_scenarios["payback_status"]
        ts["payback_days"] = [_payback(v, st) for v, st in zip(ts["payback_days"], statuses, strict=True)]
        ts.columns = ["Scenario", "Tariff", "Landed cost per machine", "Static payback",
                      "Payback with growth and halving", "Cash after 12 months", "After 24 months",
                      "After 36 months", "Machine stops"]
        cash = fmt.usd_column([*ts["Cash after 12 months"], *ts["After 24 months"], *ts["After 36 months"]])
        parts.append(table(ts, formats={"Tariff": lambda v: fmt.pct(v), "Landed cost per machine": fmt.usd,
                                        "Static payback": _days,
                                        "Cash after 12 months": cash, "After 24 months": cash, "After 36 months": cash,
                                        "Machine stops": lambda v: f"month {v:,.0f}"},
                           missing="runs on", highlight_negative=("Cash after 12 months", "After 24 months",
                                                                 "After 36 months"),
                           caption="Reference ASIC (Antminer S21, 200 TH/s, 3.5 kW, $3,400) bought at the end of "
                                   f"{report.period}: payback and cumulative cash net of its landed cost"))
        if prose is None and s.forward is not None:
            summary = report.summary
            prose = narrative.forward_assumptions(s.forward, hashprice=summary.network.hashprice_usd_per_ph_day,
                                                  power=summary.breakevens.power_price_usd_per_mwh)
        if prose:
            parts.append(para(prose))
        parts.append(para("Tariff rates: 21.6% on ASICs from Indonesia, Malaysia and Thailand and 57.6% on "
                          "China-made machines after August 2025 (see Sources and methodology)."))
    show_html(*parts, missing_note(s.missing, left_out=left_out))


def _days(v: float) -> str:
    return "never" if v == float("inf") else f"{v:,.0f} days"


def _payback(days: float, status: str) -> str:
    return f"{days:,.0f} days" if status == "paid back" else status


def _times(v: float) -> str:
    return fmt.NOT_DISCLOSED if fmt.is_missing(v) else f"{v:,.2f}x"


def _quarters(v: float) -> str:
    if fmt.is_missing(v):
        return fmt.NOT_DISCLOSED
    return "not burning cash" if v == float("inf") else f"{v:,.1f} quarters"


def _mw(v: float) -> str:
    return fmt.NOT_DISCLOSED if fmt.is_missing(v) else f"{v:,.0f} MW"
