"""Balance-sheet and peer charts: treasury drawdown scenarios, peer ranking, peer scatter."""

from __future__ import annotations

from typing import Literal

import altair as alt
import pandas as pd

from mineresearch.report import formatting as fmt
from mineresearch.report.charts import theme
from mineresearch.report.charts.builders_base import framed, placeholder, prepare, sign_colour
from mineresearch.report.charts.copies import owned_charts

_BTC = "BTC at scenario price"
_CASH = "Cash"
_DEBT = "Debt (tick)"


@owned_charts
def treasury_drawdown_chart(df: pd.DataFrame, *, title: str | None = None, source: str) -> alt.VConcatChart:
    """Reserves (BTC value + cash) against debt under BTC price scenarios, leverage labelled.

    Args:
        df: One row a scenario, in display order. Columns: ``scenario`` (label such as ``"Now"``,
            ``"-20%"``), ``btc_value_usd`` (USD value of BTC held at the scenario price), ``cash_usd``
            (USD), ``debt_usd`` (USD), ``leverage_pct`` (debt / (BTC value + cash), in percent).
            NaN where not disclosed.
        title: Chart title; a default is used when None.
        source: Source text printed under the chart.

    Returns:
        The framed chart: stacked reserve bars, a tick at the debt level, leverage printed above.
    """
    title = title or "Treasury under BTC price drawdowns"
    numeric = ["btc_value_usd", "cash_usd", "debt_usd", "leverage_pct"]
    data = prepare(df, ["scenario", *numeric], numeric=numeric).dropna(subset=["scenario"])
    if data[numeric[:3]].isna().all().all():
        return placeholder(title=title, source=source)
    data["scenario"] = data["scenario"].astype(str)
    order = list(dict.fromkeys(data["scenario"]))
    parts = data.melt(id_vars="scenario", value_vars=["btc_value_usd", "cash_usd"], var_name="part")
    parts["part"] = parts["part"].map({"btc_value_usd": _BTC, "cash_usd": _CASH})
    parts["value_musd"] = parts["value"] / 1e6
    parts["order"] = (parts["part"] == _CASH).astype(int)
    data["debt_musd"] = data["debt_usd"] / 1e6
    data["reserve_musd"] = (data["btc_value_usd"].fillna(0) + data["cash_usd"].fillna(0)) / 1e6
    data["top_musd"] = data[["reserve_musd", "debt_musd"]].max(axis=1)
    data["label"] = data["leverage_pct"].map(lambda v: f"Leverage {fmt.pct(v, decimals=0)}" if v == v else "")
    x = alt.X("scenario:N", sort=order, title="BTC price scenario", axis=alt.Axis(labelAngle=0))
    colours = alt.Scale(domain=[_BTC, _CASH, _DEBT], range=[theme.LIGHT, theme.NEUTRAL, theme.LOSS])
    data["part"] = _DEBT
    reserves = (
        alt.Chart(parts)
        .mark_bar(width={"band": 0.6})
        .encode(
            x=x,
            y=alt.Y("sum(value_musd):Q", title="USD millions", axis=alt.Axis(format="$,.0f")),
            color=alt.Color("part:N", scale=colours, title=None),
            order=alt.Order("order:Q"),
        )
    )
    base = alt.Chart(data).encode(x=x)
    debt = base.mark_tick(thickness=3, size=48).encode(
        y=alt.Y("debt_musd:Q"), color=alt.Color("part:N", scale=colours, title=None)
    )
    labels = base.mark_text(baseline="bottom", dy=-8).encode(y=alt.Y("top_musd:Q"), text=alt.Text("label:N"))
    body = alt.layer(reserves, debt, labels).properties(width=theme.PLOT_WIDTH, height=theme.PLOT_HEIGHT)
    return framed(body, title=title, source=source)


@owned_charts
def peer_ranking_chart(
    df: pd.DataFrame,
    *,
    value_title: str,
    value_format: str = ",.0f",
    highlight: str | None = None,
    title: str | None = None,
    source: str,
) -> alt.VConcatChart:
    """Peers ranked by one value, largest at the top; negatives in the loss colour.

    Args:
        df: One row a company. Columns: ``ticker``, ``value`` (the metric, in the unit named by
            ``value_title``; NaN rows are listed at the bottom as not disclosed).
        value_title: Axis title with its unit, e.g. ``"All-in cost (USD per BTC)"``.
        value_format: d3 format of the value labels and axis.
        highlight: A ticker drawn in the ink colour instead of the neutral one.
        title: Chart title; a default is used when None.
        source: Source text printed under the chart.

    Returns:
        The framed horizontal bar chart.
    """
    title = title or value_title
    data = prepare(df, ["ticker", "value"], numeric=["value"]).dropna(subset=["ticker"])
    if data["value"].isna().all():
        return placeholder(title=title, source=source)
    data["ticker"] = data["ticker"].astype(str)
    data = data.sort_values("value", ascending=False, na_position="last")
    data["colour"] = sign_colour(data["value"]).replace(theme.GAIN, theme.LIGHT).fillna(theme.LIGHT)
    if highlight is not None:
        data.loc[(data["ticker"] == highlight) & (data["value"] >= 0), "colour"] = theme.INK
    data["label_at"] = data["value"].clip(lower=0)
    data["note"] = data["value"].map(lambda v: "not disclosed" if v != v else "")
    y = alt.Y("ticker:N", sort=list(data["ticker"]), title=None)
    base = alt.Chart(data).encode(y=y)
    bars = base.mark_bar(height={"band": 0.7}).encode(
        x=alt.X("value:Q", title=value_title, axis=alt.Axis(format=value_format)),
        color=alt.Color("colour:N", scale=None),
    )
    labels = base.mark_text(align="left", dx=4).encode(
        x=alt.X("label_at:Q"), text=alt.Text("value:Q", format=value_format)
    )
    missing = base.mark_text(align="left", x=4, color=theme.MUTED).encode(text=alt.Text("note:N"))
    zero = alt.Chart(data).mark_rule(color=theme.MUTED).encode(x=alt.XDatum(0))
    body = alt.layer(bars, zero, labels, missing).properties(
        width=theme.PLOT_WIDTH - 60, height=max(22 * len(data), 60)
    )
    return framed(body, title=title, source=source)


@owned_charts
def peer_scatter_chart(
    df: pd.DataFrame,
    *,
    x_title: str,
    y_title: str,
    x_format: str = ",.0f",
    y_format: str = ",.0f",
    title: str | None = None,
    source: str,
) -> alt.VConcatChart:
    """Peers placed on two metrics, each point labelled with its ticker.

    Args:
        df: One row a company. Columns: ``ticker``, ``x``, ``y`` (in the units named by the titles;
            rows missing either value are left out).
        x_title: X axis title with its unit.
        y_title: Y axis title with its unit.
        x_format: d3 format of the x axis.
        y_format: d3 format of the y axis.
        title: Chart title; a default is used when None.
        source: Source text printed under the chart.

    Returns:
        The framed scatter chart, with zero lines when an axis spans zero.
    """
    title = title or f"{y_title} against {x_title}"
    data = prepare(df, ["ticker", "x", "y"], numeric=["x", "y"]).dropna()
    if data.empty:
        return placeholder(title=title, source=source)
    data["ticker"] = data["ticker"].astype(str)
    base = alt.Chart(data).encode(
        x=alt.X("x:Q", title=x_title, axis=alt.Axis(format=x_format), scale=alt.Scale(zero=False, nice=True)),
        y=alt.Y("y:Q", title=y_title, axis=alt.Axis(format=y_format), scale=alt.Scale(zero=False, nice=True)),
    )
    points = base.mark_point(filled=True, size=64, color=theme.NEUTRAL, opacity=1)
    labels = base.mark_text(align="left", dx=7, dy=-6).encode(text=alt.Text("ticker:N"))
    layers: list[alt.Chart] = [points, labels]
    if data["y"].min() < 0 < data["y"].max():
        layers.insert(0, alt.Chart(data).mark_rule(color=theme.MUTED).encode(y=alt.YDatum(0)))
    if data["x"].min() < 0 < data["x"].max():
        layers.insert(0, alt.Chart(data).mark_rule(color=theme.MUTED).encode(x=alt.XDatum(0)))
    body = alt.layer(*layers).properties(width=theme.PLOT_WIDTH, height=theme.PLOT_HEIGHT + 40)
    return framed(body, title=title, source=source)


@owned_charts
def cost_curve_chart(
    df: pd.DataFrame,
    *,
    value_title: str,
    weighted_mean: float | None = None,
    median: float | None = None,
    value_format: str = "$,.0f",
    title: str | None = None,
    source: str,
) -> alt.VConcatChart:
    """A cost curve: companies from the cheapest up, each bar as wide as its BTC produced.

    Args:
        df: One row a company. Columns: ``ticker``, ``btc`` (BTC produced in the quarter, the bar's width),
            ``value`` (cost per BTC in USD). Rows missing either, or with no BTC, are left out.
        value_title: Y axis title with its unit, e.g. ``"All-in cost (USD per BTC)"``.
        weighted_mean: The BTC-weighted mean, drawn as a labelled rule (none when None or NaN).
        median: The median across the companies, drawn as a dashed labelled rule (none when None or NaN).
        value_format: d3 format of the value axis and labels.
        title: Chart title; a default is used when None.
        source: Source text printed under the chart.

    Returns:
        The framed chart: bars from cumulative BTC x0 to x1, height the cost per BTC, tickers on top.
    """
    title = title or value_title
    data = prepare(df, ["ticker", "btc", "value"], numeric=["btc", "value"]).dropna()
    data = data[data["btc"] > 0]
    if data.empty:
        return placeholder(title=title, source=source)
    data["ticker"] = data["ticker"].astype(str)
    data = data.sort_values("value", kind="stable").reset_index(drop=True)
    data["x1"] = data["btc"].cumsum()
    data["x0"] = data["x1"] - data["btc"]
    data["mid"] = (data["x0"] + data["x1"]) / 2
    base = alt.Chart(data)
    bars = base.mark_rect(stroke="white", strokeWidth=1, color=theme.LIGHT).encode(
        x=alt.X("x0:Q", title="Cumulative BTC produced in the quarter", axis=alt.Axis(format=",.0f")),
        x2=alt.X2("x1"),
        y=alt.Y("value:Q", title=value_title, axis=alt.Axis(format=value_format), scale=alt.Scale(zero=True)),
        y2=alt.Y2Datum(0),
    )
    labels = base.mark_text(baseline="bottom", dy=-3).encode(
        x=alt.X("mid:Q"), y=alt.Y("value:Q"), text=alt.Text("ticker:N")
    )
    layers: list[alt.Chart] = [bars, labels]
    # the curve rises to the right, so the left end of the plot is free for the labels: the higher level's label
    # sits above its rule, the lower one's below, so the two never overlap
    mean_on_top = median is None or median != median or (weighted_mean is not None and weighted_mean >= median)
    above: Literal["bottom"] = "bottom"
    below: Literal["top"] = "top"
    for name, level, dash, baseline in (("BTC-weighted mean", weighted_mean, [], above if mean_on_top else below),
                                        ("Median", median, [4, 3], below if mean_on_top else above)):
        if level is None or level != level:
            continue
        rule_data = pd.DataFrame({"level": [float(level)], "label": [f"{name} {fmt.usd(level, decimals=0)}"]})
        rule = alt.Chart(rule_data)
        layers.append(rule.mark_rule(color=theme.LOSS, strokeDash=dash, strokeWidth=1.5).encode(y=alt.Y("level:Q")))
        layers.append(rule.mark_text(align="left", baseline=baseline, dx=4, dy=-2 if baseline == "bottom" else 2,
                                     color=theme.LOSS).encode(y=alt.Y("level:Q"), x=alt.XDatum(0),
                                                              text=alt.Text("label:N")))
    body = alt.layer(*layers).properties(width=theme.PLOT_WIDTH, height=theme.PLOT_HEIGHT)
    return framed(body, title=title, source=source)
