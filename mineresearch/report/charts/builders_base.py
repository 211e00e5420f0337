"""Pieces shared by the chart builders: the frame with title and source line, input checks, axes."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence

import altair as alt
import pandas as pd

from mineresearch.report.charts import theme

NO_DATA = "No data on file for this chart"


def prepare(df: pd.DataFrame | None, columns: Sequence[str], numeric: Iterable[str] = ()) -> pd.DataFrame:
    """Copy ``df`` keeping ``columns``, with ``numeric`` columns coerced to floats.

    An empty or ``None`` frame gives an empty frame with those columns. A non-empty frame that lacks a
    column is a programming error and raises.

    Args:
        df: The caller's frame.
        columns: Columns the builder reads.
        numeric: Those of ``columns`` holding numbers (non-numbers become NaN).

    Returns:
        A new frame holding exactly ``columns``.

    Raises:
        ValueError: When a non-empty frame lacks one of ``columns``.
    """
    if df is None or len(df) == 0:
        return pd.DataFrame({c: pd.Series(dtype=float if c in set(numeric) else object) for c in columns})
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"chart input lacks column(s) {missing}; it has {list(df.columns)}")
    out = df.loc[:, list(columns)].copy().reset_index(drop=True)
    for column in numeric:
        out[column] = pd.to_numeric(out[column], errors="coerce").astype(float)
    return out


def source_line(source: str, *, wrap: int = 95) -> alt.Chart:
    """A text chart naming the source, to sit under the plot; long sources wrap onto more lines."""
    text = f"Source: {source.strip()}" if source and source.strip() else "Source: not stated"
    lines = textwrap.wrap(text, width=wrap) or [text]
    data = alt.Data(values=[{"source": lines}])
    return (
        alt.Chart(data)
        .mark_text(
            align="left",
            baseline="top",
            x=0,
            y=0,
            fontSize=theme.SOURCE_SIZE,
            lineHeight=theme.SOURCE_SIZE + 3,
            color=theme.MUTED,
        )
        .encode(text=alt.Text("source:N"))
        .properties(width=10, height=(theme.SOURCE_SIZE + 3) * len(lines))
    )


def framed(
    body: alt.Chart | alt.LayerChart | alt.FacetChart | alt.VConcatChart, *, title: str, source: str
) -> alt.VConcatChart:
    """Put ``title`` above ``body`` and the source line under it.

    Args:
        body: The plot (a chart, a layer or a concatenation).
        title: Chart title.
        source: Source text, printed as ``Source: ...`` under the plot.

    Returns:
        A vertical concatenation: the title on top, ``body``, then the source line.
    """
    return alt.vconcat(body, source_line(source), spacing=6).properties(
        title=alt.TitleParams(text=title, anchor="start")
    )


def placeholder(*, title: str, source: str, message: str = NO_DATA) -> alt.VConcatChart:
    """A framed chart with a message instead of a plot, for inputs with nothing to draw."""
    body = (
        alt.Chart(alt.Data(values=[{"message": message}]))
        .mark_text(align="left", x=0, y=20, fontSize=theme.LABEL_SIZE, color=theme.MUTED)
        .encode(text=alt.Text("message:N"))
        .properties(width=theme.PLOT_WIDTH, height=40)
    )
    return framed(body, title=title, source=source)


def period_axis(n_periods: int, title: str | None = "Quarter") -> alt.Axis:
    """An axis for quarter labels, slanted when there are many of them."""
    return alt.Axis(title=title, labelAngle=-45 if n_periods > 10 else 0)


def band_width(n_bands: int, full: int = theme.PLOT_WIDTH, per_band: int = 70) -> int:
    """Plot width for ``n_bands`` categories: narrower than ``full`` when there are few of them."""
    return int(min(full, max(4, n_bands) * per_band))


def sign_colour(values: pd.Series) -> pd.Series:
    """The loss colour for negative values, the gain colour otherwise (NaN stays NaN)."""
    colours = pd.Series(theme.GAIN, index=values.index, dtype=object)
    colours[values < 0] = theme.LOSS
    colours[values.isna()] = None
    return colours
