"""Report sections 7 to 9: break-evens and sensitivity, treasury risk, strategy."""

from __future__ import annotations

from typing import Any

import pandas as pd

from mineresearch.report import charts, narrative
from mineresearch.report import formatting as fmt
from mineresearch.report.display import bullets, compact_table, missing_note, para, show_chart, show_html, table

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
        basis = str(b.stress["cash_flow_basis"].iloc[0]) if "cash_flow_basis" in b.stress.columns else ""
        show_html(table(s, formats={"BTC price": lambda v: fmt.pct(v, decimals=0, signed=True),
                                    "Power price": lambda v: fmt.pct(v, decimals=0, signed=True),
                                    "Quarterly mining cash flow": fmt.usd_column(s["Quarterly mining cash flow"]),
                                    "Change vs base": fmt.usd_column(s["Change vs base"])},
                        highlight_negative=("Quarterly mining cash flow", "Change vs base"),
                        caption="Cash-flow stress: output and other cash costs held at the quarter's level"),
                  para(f"Cash flow here: {basis}") if basis else "")


def show_treasury(report: Any) -> None:
    t = report.summary.treasury
    scen = _scenarios(t)
    show_html(para(narrative.treasury_paragraph(
        report.name, report.period, btc_held=t.btc_held, scenarios=scen, btc_produced=t.btc_produced,
        btc_sold=t.btc_sold, debt_is_partial=t.debt_is_partial, debt_missing=t.debt_missing,
        btc_pledged=t.btc_pledged)))
    at_least = "at least " if t.debt_is_partial else ""
    summed = " + ".join(p.replace("_", " ") for p in t.debt_parts)
    debt_label = f"Debt ({summed}{'; partial' if t.debt_is_partial else ''})" \
        if t.debt_parts and t.debt_parts != ("total_debt",) else "Total debt"
    held_label = "BTC held at quarter end" + (f" ({t.btc_held_scope})" if t.btc_held_scope else "")
    if not scen.empty and scen[["btc_value_usd", "cash_usd"]].notna().any().any():
        show_chart(charts.treasury_drawdown_chart(scen, source=SOURCE))
    money = fmt.usd_column([t.btc_value_usd, t.digital_assets_fair_value_usd, t.cash_usd, t.short_term_debt_usd,
                            t.total_debt_usd, t.quarterly_cash_burn_usd, t.convertible_notes_principal_usd])
    rows = [
        (held_label, fmt.btc(t.btc_held)),
        ("BTC pledged, restricted or loaned", fmt.btc(t.btc_pledged)),
        ("Restricted bitcoin (reported line)", fmt.usd(t.restricted_btc_value_usd)),
        ("Quarter-end BTC price", fmt.usd(t.btc_price_end_usd, decimals=0) if not fmt.is_missing(t.btc_price_end_usd)
         and t.btc_price_end_usd < 1e6 else fmt.usd(t.btc_price_end_usd)),
        ("Value of BTC held", money(t.btc_value_usd)),
        ("Digital assets at fair value (reported)", money(t.digital_assets_fair_value_usd)),
        ("Sell ratio (sold / mined)", fmt.pct(t.sell_ratio_pct, decimals=0)),
        ("Cash", money(t.cash_usd)),
        ("Short-term debt", money(t.short_term_debt_usd)),
        (debt_label, at_least + money(t.total_debt_usd) if not fmt.is_missing(t.total_debt_usd)
         else money(t.total_debt_usd)),
        ("Cash / short-term debt", _times(t.cash_to_short_term_debt)),
        ("Leverage: debt / (BTC value + cash)", at_least + fmt.pct(t.leverage_pct, decimals=1)
         if not fmt.is_missing(t.leverage_pct) else fmt.pct(t.leverage_pct, decimals=1)),
        ("Quarterly cash burn (proxy)", money(t.quarterly_cash_burn_usd)),
        ("Liquidity runway", _quarters(t.runway_quarters)),
        ("Convertible notes (principal)", money(t.convertible_notes_principal_usd)),
        ("Dilution if converts convert", fmt.pct(t.dilution_pct)),
    ]
    shown, left_out = compact_table(pd.DataFrame(rows, columns=["Measure", report.period]),
                                    caption="Treasury and liquidity")
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
        if s.forward is not None:
            summary = report.summary
            parts.append(para(forward_assumptions_text(s.forward, hashprice=summary.network.hashprice_usd_per_ph_day,
                                                       power=summary.breakevens.power_price_usd_per_mwh)))
        parts.append(para("Tariff rates: 21.6% on ASICs from Indonesia, Malaysia and Thailand and 57.6% on "
                          "China-made machines after August 2025 (see Sources and methodology)."))
    show_html(*parts, missing_note(s.missing, left_out=left_out))


def forward_assumptions_text(f: Any, *, hashprice: float, power: float) -> str:
    """The assumptions of the payback cases, in one paragraph (``forward.ForwardAssumptions``)."""
    growth = f.difficulty_growth_pct_per_month
    basis = "a report parameter" if f.growth_basis == "report parameter" else f"the {f.growth_basis}"
    direction = "falls" if growth >= 0 else "rises"
    halving = f.halving_date.strftime("%B %Y")
    when = (f"month {f.halving_month}" if f.halving_month is not None
            else f"after the {f.horizon_months} months simulated")
    dated = "a report parameter" if f.halving_basis == "report parameter" else f"estimated: {f.halving_basis}"
    return (
        f"Assumptions: network difficulty grows {growth:+.2f}% a month ({basis}), so at a constant BTC price and "
        f"fee level hashprice {direction} by the same factor each month from the quarter's "
        f"{fmt.usd_per_ph_day(hashprice)}; the next halving (block {f.halving_height:,}) is taken in {halving} "
        f"({dated}), {when}, and halves the subsidy while fees ({fmt.share(f.fee_share)} of rewards) stay; pool fee "
        f"{f.pool_fee_pct:.1f}%; PUE {f.pue:.2f}; power ${power:,.1f}/MWh; full uptime; no resale value. The "
        "machine stops in the first month its daily margin is not positive. Static payback: the quarter's "
        "hashprice and power price held for ever, with no pool fee or PUE."
    )


def _days(v: float) -> str:
    return "never" if v == float("inf") else f"{v:,.0f} days"


def _payback(days: float, status: str) -> str:
    return f"{days:,.0f} days" if status == "paid back" else status


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
