"""Company charts: output against profit, the margin bridge, the cost-per-BTC stack."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from mineresearch.report import formatting as fmt
from mineresearch.report.charts import theme
from mineresearch.report.charts.builders_base import (
    band_width,
    framed,
    period_axis,
    placeholder,
    prepare,
    sign_colour,
)
from mineresearch.report.charts.copies import owned_charts


@owned_charts
def output_vs_net_income_chart(df: pd.DataFrame, *, title: str | None = None, source: str) -> alt.VConcatChart:
    """BTC produced (bars, left axis) against net income (line, right axis), every quarter on file.

    Args:
        df: One row a quarter. Columns: ``period`` (label such as ``2025Q2``), ``btc_produced`` (BTC),
            ``net_income_usd`` (USD, a loss negative). NaN where not disclosed.
        title: Chart title; a default is used when None.
        source: Source text printed under the chart.

    Returns:
        The framed chart. Net income points are in the loss colour when negative; a dashed rule marks
        zero on the net-income axis.
    """
    title = title or "Bitcoin produced against net income"
    data = prepare(df, ["period", "btc_produced", "net_income_usd"], numeric=["btc_produced", "net_income_usd"])
    data = data.dropna(subset=["period"])
    if data[["btc_produced", "net_income_usd"]].isna().all().all():
        return placeholder(title=title, source=source)
    data["period"] = data["period"].astype(str)
    data = data.sort_values("period")
    data["net_income_musd"] = data["net_income_usd"] / 1e6
    data["colour"] = sign_colour(data["net_income_musd"])
    x = alt.X("period:O", sort=list(data["period"]), axis=period_axis(len(data)))
    base = alt.Chart(data).encode(x=x)
    bars = base.mark_bar(color=theme.LIGHT).encode(
        y=alt.Y("btc_produced:Q", title="BTC produced (bars, BTC)", axis=alt.Axis(format=",.0f"))
    )
    income_axis = alt.Axis(orient="right", format="$,.0f", grid=False)
    income_y = alt.Y("net_income_musd:Q", title="Net income (line, USD millions)", axis=income_axis)
    zero = alt.Chart(data).mark_rule(strokeDash=[4, 3], color=theme.MUTED).encode(y=alt.YDatum(0))
    line = base.mark_line(color=theme.INK).encode(y=income_y)
    points = base.mark_point(filled=True, size=48, opacity=1).encode(
        y=alt.Y("net_income_musd:Q"), color=alt.Color("colour:N", scale=None)
    )
    income = alt.layer(zero, line, points)
    body = (
        alt.layer(bars, income)
        .resolve_scale(y="independent")
        .properties(width=band_width(len(data), theme.PLOT_WIDTH - 40), height=theme.PLOT_HEIGHT)
    )
    return framed(body, title=title, source=source)


def _waterfall_rows(data: pd.DataFrame) -> pd.DataFrame:
    """Start and end of each bar: totals rise from zero and reset the level, deltas float on it."""
    level = 0.0
    starts: list[float] = []
    ends: list[float] = []
    for amount, kind in zip(data["amount_usd"], data["kind"], strict=True):
        if kind == "total":
            start, end = 0.0, amount
            if not math.isnan(amount):
                level = amount
        elif math.isnan(amount):
            start, end = level, level
        else:
            start, end = level, level + amount
            level = end
        starts.append(start)
        ends.append(end)
    out = data.assign(start_musd=[s / 1e6 for s in starts], end_musd=[e / 1e6 for e in ends])
    out["label_at"] = out[["start_musd", "end_musd"]].max(axis=1)
    out["label"] = [fmt.usd(a) if not math.isnan(a) else "not disclosed" for a in data["amount_usd"]]
    colours = sign_colour(out["amount_usd"]).fillna(theme.LIGHT)
    out["colour"] = colours.where(out["kind"] != "total", theme.NEUTRAL)
    return out


@owned_charts
def margin_waterfall_chart(df: pd.DataFrame, *, title: str | None = None, source: str) -> alt.VConcatChart:
    """Bridge from revenue to net income, one horizontal bar a step, in the order given.

    Args:
        df: One row a step, in bridge order. Columns: ``step`` (label), ``amount_usd`` (USD; for a
            ``delta`` its signed effect on profit, a cost negative), ``kind`` (``"total"`` for levels
            such as revenue or net income, drawn from zero; ``"delta"`` for the items between, drawn
            from the running level). The reconciling "other" step, when present, is an ordinary delta.
        title: Chart title; a default is used when None.
        source: Source text printed under the chart.

    Returns:
        The framed chart: totals in the neutral colour, decreases in the loss colour, increases in the
        gain colour, each bar labelled with its amount; a step that is not disclosed keeps its row.
    """
    title = title or "From revenue to net income"
    data = prepare(df, ["step", "amount_usd", "kind"], numeric=["amount_usd"]).dropna(subset=["step"])
    if data["amount_usd"].isna().all():
        return placeholder(title=title, source=source)
    data["kind"] = data["kind"].fillna("delta").astype(str).str.lower()
    data["step"] = data["step"].astype(str)
    rows = _waterfall_rows(data)
    y = alt.Y("step:N", sort=list(rows["step"]), title=None, axis=alt.Axis(labelLimit=200))
    base = alt.Chart(rows).encode(y=y)
    bars = base.mark_bar(height={"band": 0.7}).encode(
        x=alt.X("start_musd:Q", title="USD millions", axis=alt.Axis(format="$,.0f", tickCount=6)),
        x2=alt.X2("end_musd:Q"),
        color=alt.Color("colour:N", scale=None),
        tooltip=[alt.Tooltip("step:N", title="Step"), alt.Tooltip("label:N", title="Amount"),
                 alt.Tooltip("end_musd:Q", title="Running total (USD millions)", format="$,.1f")],
    )
    labels = base.mark_text(align="left", dx=4, fontSize=theme.LABEL_SIZE - 1).encode(
        x=alt.X("label_at:Q"), text=alt.Text("label:N")
    )
    zero = alt.Chart(rows).mark_rule(color=theme.MUTED).encode(x=alt.XDatum(0))
    body = alt.layer(bars, zero, labels).properties(width=theme.PLOT_WIDTH - 120, height=24 * len(rows))
    return framed(body, title=title, source=source)


@owned_charts
def cost_stack_chart(
    df: pd.DataFrame, *, price_usd: float | None = None, title: str | None = None, source: str
) -> alt.VConcatChart:
    """Cost per BTC built up layer by layer, against the quarter's average BTC price.

    Args:
        df: One row a cost layer, in stacking order (e.g. power, cash SG&A, interest, D&A, SBC).
            Columns: ``layer`` (label), ``usd_per_btc`` (that layer's own cost, USD per BTC; NaN when
            not disclosed, drawn as an empty step and left out of the total).
        price_usd: The quarter's average BTC price (USD); a labelled rule when given.
        title: Chart title; a default is used when None.
        source: Source text printed under the chart.

    Returns:
        The framed chart: each layer floats on the layers before it; the last bar is the all-in total,
        in the loss colour when it exceeds the price.
    """
    title = title or "Cost per bitcoin, layer by layer"
    data = prepare(df, ["layer", "usd_per_btc"], numeric=["usd_per_btc"]).dropna(subset=["layer"])
    if data["usd_per_btc"].isna().all():
        return placeholder(title=title, source=source)
    data["layer"] = data["layer"].astype(str)
    ends = data["usd_per_btc"].fillna(0.0).cumsum()
    data["start"] = ends - data["usd_per_btc"].fillna(0.0)
    data["end"] = ends
    data["colour"] = theme.LIGHT
    data["label"] = [fmt.usd(v) if not math.isnan(v) else "n/d" for v in data["usd_per_btc"]]
    total = float(ends.iloc[-1])
    partial = bool(data["usd_per_btc"].isna().any())
    loss = price_usd is not None and not fmt.is_missing(price_usd) and total > float(price_usd)
    total_row = {
        "layer": "At least" if partial else "All-in",
        "usd_per_btc": total,
        "start": 0.0,
        "end": total,
        "colour": theme.LOSS if loss else theme.INK,
        "label": fmt.usd(total),
    }
    rows = pd.concat([data, pd.DataFrame([total_row])], ignore_index=True)
    x = alt.X("layer:N", sort=list(rows["layer"]), title=None, axis=alt.Axis(labelAngle=0))
    base = alt.Chart(rows).encode(x=x)
    bars = base.mark_bar(width={"band": 0.65}).encode(
        y=alt.Y("start:Q", title="USD per BTC", axis=alt.Axis(format="$,.0f")),
        y2=alt.Y2("end:Q"),
        color=alt.Color("colour:N", scale=None),
    )
    labels = base.mark_text(baseline="bottom", dy=-3).encode(y=alt.Y("end:Q"), text=alt.Text("label:N"))
    layers: list[alt.Chart] = [bars, labels]
    if price_usd is not None and not fmt.is_missing(price_usd):
        price = pd.DataFrame({"price": [float(price_usd)], "text": [f"Average BTC price {fmt.usd(price_usd)}"]})
        rule = alt.Chart(price).mark_rule(color=theme.GAIN, strokeDash=[6, 3], size=1.5).encode(y=alt.Y("price:Q"))
        text = alt.Chart(price).mark_text(align="left", baseline="bottom", x=2, dy=-3, color=theme.GAIN)
        layers += [rule, text.encode(y=alt.Y("price:Q"), text=alt.Text("text:N"))]
    body = alt.layer(*layers).properties(width=theme.PLOT_WIDTH - 20, height=theme.PLOT_HEIGHT)
    return framed(body, title=title, source=source)
