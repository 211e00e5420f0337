"""Report sections 7 to 9: break-evens and sensitivity, treasury risk, strategy."""

from __future__ import annotations

from typing import Any

import pandas as pd

from mineresearch import charts, narrative
from mineresearch import formatting as fmt
from mineresearch.display import bullets, compact_table, missing_note, para, show_chart, show_html, table

SOURCE = ("Company filings and releases; network data from Coin Metrics community data (CC BY-NC 4.0) "
          "and public daily series; mineresearch calculations.")


def show_breakevens(report: Any) -> None:
    b = report.summary.breakevens
    parts: list[str] = []
    left_out: list[str] = []
    if not b.by_layer.empty:
        t = b.by_layer.loc[:, ["label", "breakeven_btc_price_usd", "margin_usd_per_btc"]]
        t.columns = ["Cost layer (cumulative)", "Break-even BTC price", "Margin per BTC at average price"]
        shown, left_out = compact_table(t, formats={c: fmt.usd_per_btc for c in t.columns[1:]},
                                        highlight_negative=("Margin per BTC at average price",),
                                        caption="Break-even BTC price at each cost layer")
        parts.append(shown)
    facts = []
    if b.power_price_basis:
        basis = "report parameter" if b.power_price_basis == "parameter" else "company disclosure"
        facts.append(f"Power price used: ${b.power_price_usd_per_mwh:,.1f}/MWh ({basis}).")
    if not fmt.is_missing(b.hashcost_usd_per_ph_day):
        facts.append(f"Fleet hashcost: {fmt.usd_per_ph_day(b.hashcost_usd_per_ph_day)} per PH/s per day.")
    if not fmt.is_missing(b.breakeven_power_usd_per_mwh):
        facts.append(f"Break-even power price at the quarter's hashprice: ${b.breakeven_power_usd_per_mwh:,.0f}/MWh.")
    if facts:
        parts.append(bullets(facts))
    show_html(*parts, missing_note(b.missing, left_out=left_out))
    layer = b.grid_cost_layer.replace("_", "-") or "all-in"
    if not b.grid_price_hashrate.empty:
        show_chart(charts.sensitivity_heatmap_chart(
            b.grid_price_hashrate, x_title="BTC price (USD)", y_title="Network hashrate (EH/s)",
            title=f"Margin per BTC ({layer} cost): BTC price against network hashrate", source=SOURCE))
    if not b.grid_price_power.empty:
        show_chart(charts.sensitivity_heatmap_chart(
            b.grid_price_power, x_title="BTC price (USD)", y_title="Power price (USD/MWh)",
            title=f"Margin per BTC ({layer} cost): BTC price against power price", source=SOURCE))
    if not b.stress.empty:
        s = b.stress.loc[:, ["scenario", "btc_price_change_pct", "power_price_change_pct", "cash_flow_usd",
                             "change_vs_base_usd"]]
        s.columns = ["Scenario", "BTC price", "Power price", "Quarterly mining cash flow", "Change vs base"]
        show_html(table(s, formats={"BTC price": lambda v: fmt.pct(v, decimals=0, signed=True),
                                    "Power price": lambda v: fmt.pct(v, decimals=0, signed=True),
                                    "Quarterly mining cash flow": fmt.usd_column(s["Quarterly mining cash flow"]),
                                    "Change vs base": fmt.usd_column(s["Change vs base"])},
                        highlight_negative=("Quarterly mining cash flow", "Change vs base"),
                        caption="Cash-flow stress: output and other cash costs held at the quarter's level"))


def show_treasury(report: Any) -> None:
    t = report.summary.treasury
    scen = _scenarios(t)
    show_html(para(narrative.treasury_paragraph(report.name, report.period, btc_held=t.btc_held,
                                                scenarios=scen, btc_produced=t.btc_produced, btc_sold=t.btc_sold)))
    if not scen.empty and scen[["btc_value_usd", "cash_usd"]].notna().any().any():
        show_chart(charts.treasury_drawdown_chart(scen, source=SOURCE))
    rows = [
        ("BTC held at quarter end", fmt.btc(t.btc_held)),
        ("BTC pledged or loaned", fmt.btc(t.btc_pledged)),
        ("Quarter-end BTC price", fmt.usd(t.btc_price_end_usd, decimals=0) if not fmt.is_missing(t.btc_price_end_usd)
         and t.btc_price_end_usd < 1e6 else fmt.usd(t.btc_price_end_usd)),
        ("Value of BTC held", fmt.usd(t.btc_value_usd)),
        ("Digital assets at fair value (reported)", fmt.usd(t.digital_assets_fair_value_usd)),
        ("Sell ratio (sold / mined)", fmt.pct(t.sell_ratio_pct, decimals=0)),
        ("Cash", fmt.usd(t.cash_usd)),
        ("Short-term debt", fmt.usd(t.short_term_debt_usd)),
        ("Total debt", fmt.usd(t.total_debt_usd)),
        ("Cash / short-term debt", _times(t.cash_to_short_term_debt)),
        ("Leverage: debt / (BTC value + cash)", fmt.pct(t.leverage_pct, decimals=1)),
        ("Quarterly cash burn (proxy)", fmt.usd(t.quarterly_cash_burn_usd)),
        ("Liquidity runway", _quarters(t.runway_quarters)),
        ("Convertible notes (principal)", fmt.usd(t.convertible_notes_principal_usd)),
        ("Dilution if converts convert", fmt.pct(t.dilution_pct)),
    ]
    shown, left_out = compact_table(pd.DataFrame(rows, columns=["Measure", report.period]),
                                    caption="Treasury and liquidity")
    parts = [shown]
    if not t.drawdown.empty:
        d = t.drawdown.loc[:, ["shock_pct", "btc_price_usd", "btc_value_usd", "fv_change_pretax_usd", "leverage_pct"]]
        d.columns = ["BTC price shock", "BTC price", "Value of BTC held", "Fair-value change (pre-tax)", "Leverage"]
        shown, gone = compact_table(d, formats={"BTC price shock": lambda v: fmt.pct(v, decimals=0, signed=True),
                                       "BTC price": lambda v: fmt.usd(v, decimals=0) if abs(v) < 1e6 else fmt.usd(v),
                                       "Value of BTC held": fmt.usd_column(d["Value of BTC held"]),
                                       "Fair-value change (pre-tax)": fmt.usd_column(d["Fair-value change (pre-tax)"]),
                                       "Leverage": lambda v: fmt.pct(v)},
                                    highlight_negative=("Fair-value change (pre-tax)",),
                                    caption="BTC drawdown: cash and debt held at the quarter-end level")
        parts.append(shown)
        left_out += [f"{g} after a drawdown" for g in gone]
    show_html(*parts, missing_note(t.missing, left_out=left_out))


def show_strategy(report: Any) -> None:
    s = report.summary.strategy
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
        shown, gone = compact_table(m, formats={c: fmt.usd for c in m.columns[1:]}, caption="Revenue mix by quarter")
        parts.append(shown)
        left_out += [f"{g} revenue by quarter" if g in m.columns else f"revenue mix in {g}" for g in gone]
    if not s.tariff_scenarios.empty:
        ts = s.tariff_scenarios.loc[:, ["scenario", "tariff_rate_pct", "landed_capex_usd", "capex_usd_per_th",
                                        "payback_days"]]
        ts.columns = ["Scenario", "Tariff", "Landed cost per machine", "USD per TH/s", "Payback (days)"]
        parts.append(table(ts, formats={"Tariff": lambda v: fmt.pct(v), "Landed cost per machine": fmt.usd,
                                        "USD per TH/s": lambda v: f"${v:,.2f}",
                                        "Payback (days)": lambda v: f"{v:,.0f}" if v < 1e6 else "never"},
                           caption="Reference ASIC payback at the quarter's hashprice and power price "
                                   "(static: no difficulty growth, halving or resale)"))
        parts.append(para("Tariff rates: 21.6% on ASICs from Indonesia, Malaysia and Thailand and 57.6% on "
                          "China-made machines after August 2025 (see Sources and methodology)."))
    show_html(*parts, missing_note(s.missing, left_out=left_out))


def _scenarios(t: Any) -> pd.DataFrame:
    if t.drawdown.empty:
        return pd.DataFrame(columns=["scenario", "btc_value_usd", "cash_usd", "debt_usd", "leverage_pct"])
    d = t.drawdown
    labels = ["Now" if s == 0 else f"{s:+.0f}%" for s in d["shock_pct"]]
    return pd.DataFrame({"scenario": labels, "btc_value_usd": d["btc_value_usd"], "cash_usd": t.cash_usd,
                         "debt_usd": t.total_debt_usd, "leverage_pct": d["leverage_pct"]})


def _times(v: float) -> str:
    return fmt.NOT_DISCLOSED if fmt.is_missing(v) else f"{v:,.2f}x"


def _quarters(v: float) -> str:
    if fmt.is_missing(v):
        return fmt.NOT_DISCLOSED
    return "not burning cash" if v == float("inf") else f"{v:,.1f} quarters"


def _mw(v: float) -> str:
    return fmt.NOT_DISCLOSED if fmt.is_missing(v) else f"{v:,.0f} MW"
