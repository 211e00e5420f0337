"""What a report cell shows: escaped paragraphs, formatted tables, charts, "not disclosed" notes.

Every function returns an HTML string or displays rich output; text that comes from data is escaped here,
so the report modules can pass raw values. Charts are shown static (SVG through vl-convert) in rendered
reports and interactive in JupyterLab, depending on the report's ``static_charts`` parameter.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import pandas as pd

from mineresearch.report.formatting import NOT_DISCLOSED

Formatter = Callable[[Any], str]
_MODE: dict[str, bool] = {"static": False, "discard": False}
_COLLECTORS: list[Collector] = []  # innermost last: sections being collected (see :func:`collecting`)
_NUMBER = re.compile(r"^[-+]?\$?[-+]?[0-9][0-9,.]*(%| ?[kMB]| BTC| EH/s| per BTC|/PH/day|x| quarters| MW)?$")


def esc(text: object) -> str:
    """HTML-escape any value's text."""
    return html.escape(str(text), quote=True)


def para(text: str, *, cls: str | None = None) -> str:
    """One paragraph of plain text (escaped)."""
    klass = f' class="{esc(cls)}"' if cls else ""
    return f"<p{klass}>{esc(text)}</p>"


def bullets(items: Sequence[str]) -> str:
    return "<ul>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"


def missing_note(missing: Sequence[str], *, what: str = "This section", left_out: Sequence[str] = ()) -> str:
    """A visible note that inputs were not disclosed (never a silent gap), once per section.

    ``missing`` are the inputs not disclosed (metric or column names, given reader labels); ``left_out`` are
    the rows or columns a table of the section dropped because none of their cells had a figure
    (:func:`compact_table`), named here so that nothing disappears silently.
    """
    names = _unique(_label(m) for m in missing)
    gone = [g for g in _unique(left_out) if g.lower() not in {n.lower() for n in names}]
    if not names and not gone:
        return ""
    parts = []
    if names:
        parts.append(f"<strong>Not disclosed:</strong> {esc(', '.join(names))}.")
    if gone:
        parts.append(f"<strong>Left out for want of figures:</strong> {esc(', '.join(gone))}.")
    return (f'<p class="mr-missing">{" ".join(parts)} {esc(what)} shows what the filings support and leaves the '
            "rest blank rather than estimating it.</p>")


def _unique(items: Iterator[str] | Sequence[str]) -> list[str]:
    seen: dict[str, str] = {}
    for item in items:
        text = str(item).strip()
        if text and text.lower() not in seen:
            seen[text.lower()] = text
    return list(seen.values())


def _label(name: str) -> str:
    """A reader's label for a metric or network column name."""
    from mineresearch.dataset.vocabulary import METRICS

    if name in METRICS:
        label = METRICS[name].label
        return label[0].lower() + label[1:] if label[1:2].islower() else label
    for suffix, words in (("_usd_per_btc", " per BTC"), ("_usd_per_mwh", " (USD/MWh)"), ("_ehs", ""), ("_usd", ""),
                          ("_pct", ""), ("_btc", "")):
        if name.endswith(suffix):
            name = name[: -len(suffix)] + words
            break
    return name.replace("_ex_da", " ex-D&A").replace("_", " ").replace("btc", "BTC")


EMPTY_MARK = "\u2014"  # an em dash: a figure not disclosed, inside a table that says so in its caption
_EMPTY_TEXTS = {NOT_DISCLOSED, "n/d", "", EMPTY_MARK}


def is_empty_cell(value: Any) -> bool:
    """True for a cell with no figure: None, NaN, or a formatter's "not disclosed" text."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    return isinstance(value, str) and value.strip().lower() in _EMPTY_TEXTS


def _cell(value: Any, fmt: Formatter | None, missing: str = NOT_DISCLOSED) -> tuple[str, bool]:
    if is_empty_cell(value):
        return missing, False
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    text = fmt(value) if fmt else (f"{value:,.2f}" if isinstance(value, float) else str(value))
    if is_empty_cell(text):
        return missing, False
    return text, numeric or bool(_NUMBER.match(text))


def drop_empty(
    df: pd.DataFrame, *, label_columns: int = 1, columns: bool = True
) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Drop the rows, and the value columns, in which no cell has a figure.

    The first ``label_columns`` columns are labels (never tested, never dropped); a row is dropped when every
    other cell is empty (:func:`is_empty_cell`), a value column when every row's cell is empty. A row or
    column with any figure is kept, so no disclosed figure is ever lost.

    Returns:
        ``(kept frame, labels of the dropped rows, names of the dropped columns)``; a row's label is the text
        of its last label column.
    """
    if df.empty or df.shape[1] <= label_columns:
        return df, [], []
    values = df.iloc[:, label_columns:]
    empty = values.map(is_empty_cell)
    keep_rows = ~empty.all(axis=1)
    dropped_rows = [str(v) for v in df.loc[~keep_rows].iloc[:, label_columns - 1]]
    frame = df.loc[keep_rows]
    dropped_cols: list[str] = []
    if columns and len(frame):
        empty_cols = empty.loc[keep_rows].all(axis=0)
        dropped_cols = [str(c) for c in empty_cols[empty_cols].index]
        frame = frame.drop(columns=list(empty_cols[empty_cols].index))
    return frame, dropped_rows, dropped_cols


def compact_table(
    df: pd.DataFrame, *, label_columns: int = 1, columns: bool = True, **kwargs: Any
) -> tuple[str, list[str]]:
    """:func:`table` of ``df`` without its empty rows and columns (:func:`drop_empty`).

    Returns:
        ``(HTML, what was left out)``: pass the second to the section's :func:`missing_note` as ``left_out``,
        so each left-out row or column is named once for the section. Nothing is shown (empty HTML) when no
        row has a figure.
    """
    frame, rows, cols = drop_empty(df, label_columns=label_columns, columns=columns)
    if frame.empty:
        return "", rows
    return table(frame, **kwargs), [*rows, *cols]


def table(
    df: pd.DataFrame,
    *,
    formats: Mapping[str, Formatter] | None = None,
    caption: str | None = None,
    index: bool = False,
    highlight_negative: Sequence[str] = (),
    missing: str = EMPTY_MARK,
) -> str:
    """A formatted, escaped HTML table (numbers right-aligned, negatives marked where asked).

    ``missing`` is the text of a cell with no figure (None, NaN or a formatter's "not disclosed"): a dash by
    default, and the caption then says once what it means instead of repeating "not disclosed" in every cell.
    """
    formats = formats or {}
    frame = df.reset_index() if index else df
    head = "".join(f"<th>{esc(c)}</th>" for c in frame.columns)
    rows = []
    blanks = 0
    for _, row in frame.iterrows():
        cells = []
        for col in frame.columns:
            text, numeric = _cell(row[col], formats.get(str(col)), missing)
            classes = ["num"] if numeric else []
            if text in (NOT_DISCLOSED, missing):
                classes.append("nd")
                blanks += 1
            if col in highlight_negative and numeric and float(row[col]) < 0:
                classes.append("neg")
            klass = f' class="{" ".join(classes)}"' if classes else ""
            cells.append(f"<td{klass}>{esc(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    legend = f"{missing}: {NOT_DISCLOSED}"
    if blanks and missing != NOT_DISCLOSED and legend not in (caption or ""):
        caption = f"{caption} ({legend})" if caption else legend.capitalize()
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    name = _COLLECTORS[-1].add_table(frame, caption) if _COLLECTORS else ""
    data = f' data-mr-table="{esc(name)}"' if name else ""
    return (f'<div class="mr-table-wrap"><table class="mr-table"{data}>{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def keep_values(frame: pd.DataFrame, caption: str) -> None:
    """Keep ``frame`` as the section's ``<section>_values`` download: the numbers of a table printed as text.

    Nothing is displayed; outside a collected section (see :func:`collecting`) nothing happens.
    """
    if _COLLECTORS:
        collector = _COLLECTORS[-1]
        collector.add_table(frame, caption, name=f"{collector.key}_values")


MATH_GUARD_CLASSES = "tex2jax_ignore mathjax_ignore"
"""Classes that tell JupyterLab's MathJax (2 and 3) to leave an element alone, so "$238.5M ... $808.2M"
is never typeset as mathematics. Escaping ``$`` as ``&#36;`` does not help in HTML outputs: the browser
decodes it before MathJax reads the text."""


def guard_math(fragment: str) -> str:
    """Wrap an HTML fragment in an element MathJax skips (``MATH_GUARD_CLASSES``); ``""`` stays ``""``.

    The wrapper carries no style, so rendered reports (HTML, PDF) look the same with or without it.
    """
    if not fragment:
        return ""
    return f'<div class="{MATH_GUARD_CLASSES}">{fragment}</div>'


def show_html(*parts: str) -> None:
    """Display HTML fragments as one output, guarded against MathJax (:func:`guard_math`)."""
    if _COLLECTORS:
        _COLLECTORS[-1].blocks.append(("html", guard_math("".join(p for p in parts if p))))
        return
    from IPython.display import HTML, display

    if not _MODE["discard"]:
        display(HTML(guard_math("".join(p for p in parts if p))))


@contextmanager
def outputs_discarded() -> Iterator[None]:
    """Within: sections compute everything, charts down to their Vega-Lite spec, but display nothing.

    For warming a process up (:mod:`mineresearch.run.kernel_warmup`): no output, and no chart conversion,
    whose JavaScript runtime starts threads. On exit the chart mode, and Altair's active theme and
    renderer (which :func:`use_chart_mode` sets), are as they were before.
    """
    import altair as alt

    saved, theme, renderer = dict(_MODE), alt.theme.active, alt.renderers.active
    _MODE["discard"] = True
    try:
        yield
    finally:
        _MODE.update(saved)
        alt.theme.enable(theme)
        alt.renderers.enable(renderer)


def use_chart_mode(static: bool) -> None:
    """Static SVG charts for rendered reports; Vega for JupyterLab's own renderer (plus SVG) otherwise."""
    from mineresearch.report.charts.theme import use_theme

    use_theme()
    _MODE["static"] = static
    if static:
        from mineresearch.report.charts.render import enable_static_renderer

        enable_static_renderer()
    else:
        from mineresearch.report.charts.render import enable_notebook_renderer

        enable_notebook_renderer()


def show_chart(chart: Any | None) -> None:
    """Display a chart (nothing when the builder had no data to draw)."""
    if chart is None:
        return
    if _COLLECTORS:
        _COLLECTORS[-1].blocks.append(("chart", chart))
        return
    display_chart(chart)


def display_chart(chart: Any, metadata: Mapping[str, Any] | None = None, chart_name: str = "") -> None:
    """Display one chart now: static SVG, or Vega for JupyterLab's own renderer (with tooltips) plus SVG.

    The interactive form is an ``application/vnd.vega.v5+json`` bundle that JupyterLab draws with its
    built-in Vega extension: no script is fetched from anywhere. ``metadata`` goes with the output; with a
    ``chart_name``, the chart's data is added to it (``chart_data``, the report's chart CSV files).
    """
    from IPython.display import display

    from mineresearch.report.charts.copies import shallow_copies

    with shallow_copies():  # the chart is the builder's, used once: no defensive copies needed
        spec = chart.to_dict(validate=False)
    if _MODE["discard"]:
        return
    meta = {k: dict(v) if isinstance(v, Mapping) else v for k, v in (metadata or {}).items()}
    if chart_name:
        from mineresearch.report.sections import METADATA_KEY, chart_data

        meta.setdefault(METADATA_KEY, {})["chart_data"] = chart_data(spec, chart_name)
    if _MODE["static"]:
        # the same SVG Altair's svg renderer makes, without re-validating a spec the builders made
        from mineresearch.report.charts.render import chart_to_svg

        display({"image/svg+xml": chart_to_svg(spec)}, raw=True, metadata=meta)
    else:
        from mineresearch.report.charts.render import interactive_bundle

        display(interactive_bundle(spec), raw=True, metadata=meta)


class Collector:
    """What a section would display, kept instead: HTML blocks and charts in order, and its tables."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.blocks: list[tuple[str, Any]] = []
        self.tables: dict[str, pd.DataFrame] = {}
        self.captions: dict[str, str] = {}

    def add_table(self, frame: pd.DataFrame, caption: str | None, name: str = "") -> str:
        """Keep a copy of a table as shown (rows and columns) and return its name, ``<section>`` or ``<section>-2``."""
        shown = [n for n in self.tables if not n.endswith("_values")]
        name = name or (self.key if not shown else f"{self.key}-{len(shown) + 1}")
        self.tables[name] = frame.reset_index(drop=True).copy()
        self.captions[name] = caption or ""
        return name


@contextmanager
def collecting(key: str) -> Iterator[Collector]:
    """Within: :func:`show_html` and :func:`show_chart` add to the collector instead of displaying."""
    collector = Collector(key)
    _COLLECTORS.append(collector)
    try:
        yield collector
    finally:
        _COLLECTORS.remove(collector)
