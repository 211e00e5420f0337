"""Market charts: network context over quarters, and the margin sensitivity heatmap."""

from __future__ import annotations

import altair as alt
import pandas as pd

from mineresearch.report import formatting as fmt
from mineresearch.report.charts import theme
from mineresearch.report.charts.builders_base import band_width, framed, period_axis, placeholder, prepare
from mineresearch.report.charts.copies import owned_charts

# The fourth halving: block 840,000 on 2024-04-20, subsidy 6.25 -> 3.125 BTC.
HALVING_PERIOD = "2024Q2"
HALVING_LABEL = "Halving (20 Apr 2024)"

_FEES = "Transaction fees"
_SUBSIDY = "Block subsidy"
_UNSPLIT = "Total (fee split n/a)"


def _hashprice_parts(data: pd.DataFrame) -> pd.DataFrame:
    """Long frame of hashprice split into subsidy and fees by the fee share (one total when unknown)."""
    rows: list[dict[str, object]] = []
    for period, hashprice, fee_share in data[["period", "hashprice_usd_per_ph_day", "fee_share"]].itertuples(
        index=False
    ):
        if fmt.is_missing(hashprice):
            continue
        if fmt.is_missing(fee_share):
            rows.append({"period": period, "part": _UNSPLIT, "value": hashprice, "order": 2})
            continue
        rows.append({"period": period, "part": _SUBSIDY, "value": hashprice * (1 - fee_share), "order": 0})
        rows.append({"period": period, "part": _FEES, "value": hashprice * fee_share, "order": 1})
    return pd.DataFrame(rows, columns=["period", "part", "value", "order"])


def _halving_layer(periods: list[str], *, labelled: bool) -> list[alt.Chart]:
    """A rule and label at the halving quarter when it is on the axis, else nothing."""
    if HALVING_PERIOD not in periods:
        return []
    mark = pd.DataFrame({"period": [HALVING_PERIOD], "text": [HALVING_LABEL]})
    rule = alt.Chart(mark).mark_rule(color=theme.LOSS, strokeDash=[4, 3]).encode(x=alt.X("period:O", sort=periods))
    label = alt.Chart(mark).mark_text(align="left", baseline="top", dx=4, y=2, color=theme.LOSS)
    if not labelled:
        return [rule]
    return [rule, label.encode(x=alt.X("period:O", sort=periods), text=alt.Text("text:N"))]


@owned_charts
def network_context_chart(df: pd.DataFrame, *, title: str | None = None, source: str) -> alt.VConcatChart:
    """Hashprice (top panel) and network hashrate (bottom panel) by quarter, the halving marked.

    Args:
        df: One row a quarter. Columns: ``period`` (label such as ``2025Q2``),
            ``hashprice_usd_per_ph_day`` (USD per PH/s per day), ``hashrate_avg_ehs`` (EH/s),
            ``fee_share`` (fraction of block rewards paid as fees, 0-1). NaN where unknown.
        title: Chart title; a default is used when None.
        source: Source text printed under the chart.

    Returns:
        The framed two-panel chart. Hashprice bars are split into subsidy and fees by the fee share;
        the 2024Q2 halving is marked with a rule when that quarter is on file.
    """
    title = title or "Network context: hashprice and hashrate"
    columns = ["period", "hashprice_usd_per_ph_day", "hashrate_avg_ehs", "fee_share"]
    data = prepare(df, columns, numeric=columns[1:]).dropna(subset=["period"])
    if data[columns[1:3]].isna().all().all():
        return placeholder(title=title, source=source)
    data["period"] = data["period"].astype(str)
    data = data.sort_values("period")
    periods = list(data["period"])
    x = alt.X("period:O", sort=periods, axis=period_axis(len(periods), title=None))
    parts = _hashprice_parts(data)
    palette = {_SUBSIDY: theme.LIGHT, _FEES: theme.NEUTRAL, _UNSPLIT: theme.PALE}
    present = [part for part in palette if part in set(parts["part"])]
    colours = alt.Scale(domain=present, range=[palette[p] for p in present])
    hashprice = (
        alt.Chart(parts)
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("sum(value):Q", title="Hashprice (USD/PH/day)", axis=alt.Axis(format="$,.0f")),
            color=alt.Color("part:N", scale=colours, title=None),
            order=alt.Order("order:Q"),
        )
    )
    hashrate = (
        alt.Chart(data)
        .mark_line(point=True, color=theme.INK)
        .encode(
            x=alt.X("period:O", sort=periods, axis=period_axis(len(periods))),
            y=alt.Y("hashrate_avg_ehs:Q", title="Network hashrate (EH/s)", axis=alt.Axis(format=",.0f")),
        )
    )
    size = {"width": band_width(len(periods)), "height": 150}
    top = alt.layer(hashprice, *_halving_layer(periods, labelled=True)).properties(**size)
    bottom = alt.layer(hashrate, *_halving_layer(periods, labelled=False)).properties(**size)
    return framed(alt.vconcat(top, bottom, spacing=8), title=title, source=source)


def _axis_labels(values: pd.Series) -> tuple[pd.Series, list[str]]:
    """String labels for a heatmap axis and their order (ascending by value)."""

    def label(v: object) -> str:
        if isinstance(v, int | float) and not fmt.is_missing(v):
            if abs(float(v)) >= 10_000:
                return f"{float(v) / 1e3:,.0f}k"  # prices: "39k" reads where "39,478" would collide
            return f"{v:,.0f}" if float(v).is_integer() or abs(float(v)) >= 100 else f"{v:,.2f}"
        return str(v)

    labels = values.map(label)
    order = list(dict.fromkeys(labels[values.sort_values(kind="stable").index]))
    return labels, order


@owned_charts
def sensitivity_heatmap_chart(
    df: pd.DataFrame,
    *,
    x_title: str,
    y_title: str,
    title: str | None = None,
    source: str,
) -> alt.VConcatChart:
    """Margin per BTC over a grid of two drivers, diverging colours centred on zero, labels in $k.

    Args:
        df: One row a grid cell. Columns: ``x`` and ``y`` (the two drivers' values, e.g. BTC price in
            USD and network hashrate in EH/s), ``margin_usd_per_btc`` (USD per BTC; NaN leaves a blank
            cell labelled n/d).
        x_title: Title of the x axis, with its unit.
        y_title: Title of the y axis, with its unit.
        title: Chart title; a default is used when None.
        source: Source text printed under the chart.

    Returns:
        The framed heatmap: losses in the loss colour, gains in the gain colour, white at zero; the y
        axis ascends upwards.
    """
    title = title or "Margin per bitcoin under different conditions"
    data = prepare(df, ["x", "y", "margin_usd_per_btc"], numeric=["margin_usd_per_btc"])
    data = data.dropna(subset=["x", "y"])
    if data["margin_usd_per_btc"].isna().all():
        return placeholder(title=title, source=source)
    data["x_label"], x_order = _axis_labels(data["x"])
    data["y_label"], y_order = _axis_labels(data["y"])
    data["label"] = data["margin_usd_per_btc"].map(fmt.usd_thousands)
    extent = float(data["margin_usd_per_btc"].abs().max()) or 1.0
    data["strong"] = data["margin_usd_per_btc"].abs() > 0.6 * extent
    scale = alt.Scale(domain=[-extent, 0, extent], range=[theme.LOSS, "#ffffff", theme.GAIN], interpolate="lab")
    x = alt.X("x_label:O", sort=x_order, title=x_title, axis=alt.Axis(labelAngle=-45 if len(x_order) > 12 else 0))
    y = alt.Y("y_label:O", sort=list(reversed(y_order)), title=y_title)
    base = alt.Chart(data).encode(x=x, y=y)
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color(
            "margin_usd_per_btc:Q",
            scale=scale,
            title="Margin (USD per BTC)",
            legend=alt.Legend(format="$,.0f", orient="right", gradientLength=160),
        )
    )
    text = base.mark_text(fontSize=theme.LABEL_SIZE - (3 if len(x_order) > 10 else 1)).encode(
        text=alt.Text("label:N"),
        color=alt.ColorValue(theme.INK, condition={"test": "datum.strong", "value": "white"}),
    )
    height = min(theme.PLOT_HEIGHT + 40, 40 * max(len(y_order), 1))
    body = alt.layer(cells, text).properties(width=theme.PLOT_WIDTH - 180, height=height)
    return framed(body, title=title, source=source)
