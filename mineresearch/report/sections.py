"""The notebook's building blocks: each report section as a value, then shown.

A section function computes one section of a note without displaying anything and returns a
:class:`Section`: its tables as DataFrames (exactly the rows and columns the note prints), its charts and
its prose, in the order the note shows them. In JupyterLab a ``Section`` displays itself as its tables
(``_repr_html_``); :func:`show` displays it as the published note does. The same tables become the
report's CSV and XLSX downloads (:mod:`mineresearch.publish.downloads`), so the numbers a reader takes away are
the numbers on the page.

A notebook cell composes the section in view and hands the prose and chart to the section function,
which lays them out with the section's tables::

    m = summary.margin_bridge                                  # the figures (mineresearch.analysis)
    steps = parts.bridge_steps(m.bridge)                       # shaped for the chart and the prose
    prose = narrative.margin_paragraph(steps)
    chart = charts.margin_waterfall_chart(steps, source=parts.COMPANY_SOURCE)
    bridge = sections.margin_bridge(report, prose=prose, chart=chart)   # bridge.tables, .charts, .data
    show(bridge)                                               # as the published note shows it

Left out (or ``None``), ``data`` (the section's figures), ``prose`` and ``chart`` are the package's own, from
the report's summary. A table that the note prints as text
(figures of several units in one column) has a companion ``<name>_values`` with the numbers and their unit.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from mineresearch.report.display import _MODE, collecting, display_chart, esc, guard_math

COMPANY_SECTIONS = {
    "notice": "Notice", "headline": "Headline", "kpis": "Key figures", "output_vs_profit": "Output versus profit",
    "margin_bridge": "Margin decomposition", "cost_stack": "Cost per bitcoin", "network": "Network context",
    "breakevens": "Break-evens and sensitivity", "treasury": "Treasury risk", "strategy": "Strategy",
    "checklist": "Checklist", "peers": "Among peers", "sources": "Sources and methodology",
}
SECTOR_SECTIONS = {
    "notice": "Notice", "overview": "Overview", "peer_table": "Peer table", "cost_curve": "Cost curve",
    "output_vs_net_income": "Output versus net income", "treasury": "Treasury and leverage",
    "network_share": "Share of network BTC", "sources": "Sources and methodology",
}
METADATA_KEY = "mineresearch"  # output metadata: {"section", "tables", "captions", "chart_data"}


@dataclass(frozen=True)
class Section:
    """One section of a note, computed: prose and charts in order (``blocks``) and its tables."""

    key: str
    title: str
    blocks: tuple[tuple[str, Any], ...]  # ("html", fragment) or ("chart", Altair chart)
    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    captions: Mapping[str, str] = field(default_factory=dict)
    data: Any = None  # the metric result the section is drawn from (``summary.<key>``), unformatted

    @property
    def charts(self) -> list[Any]:
        """The section's charts (Altair), in order."""
        return [value for kind, value in self.blocks if kind == "chart"]

    @property
    def html(self) -> str:
        """The section's prose and tables as HTML (charts left out)."""
        return "".join(value for kind, value in self.blocks if kind == "html")

    def table(self, n: int = 0) -> pd.DataFrame:
        """The ``n``-th table of the section."""
        return list(self.tables.values())[n]

    def _repr_html_(self) -> str:
        parts = [f"<h4>{esc(self.title)}: {len(self.tables)} table(s), {len(self.charts)} chart(s)</h4>"]
        for name, frame in self.tables.items():
            caption = self.captions.get(name) or name
            parts.append(f"<p><strong>{esc(name)}</strong>: {esc(caption)}</p>{frame.to_html(index=False)}")
        if not self.tables:
            parts.append("<p>No table; <code>show(section)</code> displays its prose and charts.</p>")
        if self.data is not None:
            kind = esc(type(self.data).__name__)
            parts.append(f"<p><code>.data</code>: the unformatted {kind} it is drawn from.</p>")
        return guard_math("".join(parts))

    def __repr__(self) -> str:
        return f"Section({self.key!r}, tables={list(self.tables)}, charts={len(self.charts)})"


def collect(report: Any, key: str, title: str | None = None, *, extra: Mapping[str, pd.DataFrame] | None = None,
            **overrides: Any) -> Section:
    """Run ``report.<key>(**overrides)`` without displaying it and return what it would show.

    ``overrides`` are the method's own arguments (``prose``, ``chart``...); one given as ``None`` is left out.
    """
    given = {name: value for name, value in overrides.items() if value is not None}
    with collecting(key) as c:
        getattr(report, key)(**given)
    tables = dict(c.tables)
    captions = dict(c.captions)
    for name, frame in (extra or {}).items():
        tables[name] = frame
        captions[name] = name
    names = SECTOR_SECTIONS if type(report).__name__ == "SectorReport" else COMPANY_SECTIONS
    data = given.get("data", getattr(getattr(report, "summary", None), key, None))
    return Section(key, title or names.get(key, key), tuple(c.blocks), tables, captions, data)


def _table_json(frame: pd.DataFrame) -> str:
    return frame.to_json(orient="split", index=False, date_format="iso", default_handler=str)


def show(section: Section) -> None:
    """Display a section as the published note shows it; its tables and chart data ride along as metadata."""
    from IPython.display import HTML, display

    discard = _MODE["discard"]
    tables = {} if discard else {name: _table_json(frame) for name, frame in section.tables.items()}
    pending: dict[str, Any] | None = {"section": section.key, "tables": tables, "captions": dict(section.captions)}
    n_chart = 0
    for kind, value in section.blocks:
        if kind == "html":
            if not discard:
                meta = {METADATA_KEY: pending} if pending else {}
                display(HTML(value), metadata=meta)
            pending = None
        else:
            n_chart += 1
            chart_meta: dict[str, Any] = {"section": section.key}
            if pending:
                chart_meta.update(pending)
                pending = None
            display_chart(value, metadata={METADATA_KEY: chart_meta},
                          chart_name=f"{section.key}-chart{n_chart}")
    if pending and tables and not discard:
        display(HTML(""), metadata={METADATA_KEY: pending})


def chart_data(spec: Mapping[str, Any], name: str) -> dict[str, str]:
    """The data of a chart spec's named datasets, as JSON tables keyed ``name`` (``name-2``... when several)."""
    datasets = [v for v in (spec.get("datasets") or {}).values() if isinstance(v, list) and v]
    out = {}
    for i, rows in enumerate(datasets, start=1):
        out[name if i == 1 else f"{name}-{i}"] = json.dumps(rows, default=str)
    return out


# The company note, section by section -------------------------------------------------------------------

def notice(report: Any) -> Section:
    return collect(report, "notice")


def headline(report: Any, *, data: Any | None = None, prose: str | None = None) -> Section:
    """Section 1: the headline sentence (``prose``) and the quarter's key figures (``data``) as cards."""
    return collect(report, "headline", prose=prose, data=data)


def kpis(report: Any, *, data: Any | None = None) -> Section:
    """Key figures; ``kpis_values`` is the same table unformatted (numbers and units, for a spreadsheet)."""
    k = getattr(getattr(report, "summary", None), "kpis", None) if data is None else data
    raw = getattr(k, "table", None)
    extra = {"kpis_values": raw.reset_index(drop=True)} if isinstance(raw, pd.DataFrame) and not raw.empty else {}
    return collect(report, "kpis", extra=extra, data=data)


def output_vs_profit(report: Any, *, data: Any | None = None, prose: str | None = None, chart: Any | None = None
                     ) -> Section:
    """Section 3: BTC produced against net income by quarter."""
    return collect(report, "output_vs_profit", prose=prose, chart=chart, data=data)


def margin_bridge(report: Any, *, data: Any | None = None, prose: str | None = None, chart: Any | None = None
                  ) -> Section:
    """Section 4: revenue to net income through the reported subtotals, and the revenue change split."""
    return collect(report, "margin_bridge", prose=prose, chart=chart, data=data)


def cost_stack(report: Any, *, data: Any | None = None, prose: str | None = None, chart: Any | None = None
               ) -> Section:
    """Section 5: cost per BTC by layer against the quarter's average price."""
    return collect(report, "cost_stack", prose=prose, chart=chart, data=data)


def network(report: Any, *, data: Any | None = None, prose: str | None = None, chart: Any | None = None
            ) -> Section:
    """Section 6: hashprice, hashrate and fees; ``network_values`` holds the measures as numbers."""
    return collect(report, "network", prose=prose, chart=chart, data=data)


def breakevens(report: Any, *, data: Any | None = None, heatmaps: Sequence[Any] | None = None) -> Section:
    """Section 7: break-even prices, the sensitivity ``heatmaps`` and the cash-flow stress."""
    return collect(report, "breakevens", heatmaps=heatmaps, data=data)


def treasury(report: Any, *, data: Any | None = None, prose: str | None = None, chart: Any | None = None
             ) -> Section:
    """Company section 8 (holdings, liquidity, leverage, drawdowns) or sector section 5 (leverage ranking)."""
    return collect(report, "treasury", prose=prose, chart=chart, data=data)


def strategy(report: Any, *, data: Any | None = None, prose: str | None = None) -> Section:
    """Section 9: revenue mix, HPC capacity, the reference ASIC's payback; ``prose`` states its assumptions."""
    return collect(report, "strategy", prose=prose, data=data)


def checklist(report: Any, *, data: Any | None = None) -> Section:
    """Section 10: the analyst's questions, answered from the figures (``data``: a ``Checklist``)."""
    return collect(report, "checklist", data=data)


def peers(report: Any, *, values: pd.DataFrame | None = None) -> Section:
    """Among peers: percentiles among the quarter's covered miners (``values``: one row a company, its figures)."""
    return collect(report, "peers", values=values)


def sources(report: Any) -> Section:
    """Sources and methodology; its ``facts`` table is every sourced figure used (the XLSX "facts" sheet)."""
    facts = getattr(getattr(getattr(report, "summary", None), "sources", None), "company", None)
    extra = {"facts": facts.reset_index(drop=True)} if isinstance(facts, pd.DataFrame) and not facts.empty else {}
    return collect(report, "sources", extra=extra)


# The sector note ----------------------------------------------------------------------------------------

def overview(report: Any, *, prose: Sequence[str] | None = None) -> Section:
    """Sector section 1: ``prose``, its paragraphs (default :func:`mineresearch.report.sector.overview_sentences`)."""
    return collect(report, "overview", prose=prose)


def peer_table(report: Any) -> Section:
    return collect(report, "peer_table")


def cost_curve(report: Any, *, curves: Sequence[Any] | None = None) -> Section:
    """Sector section 3: the cost-curve table and ``curves``, one chart a cost layer with enough companies."""
    return collect(report, "cost_curve", curves=curves)


def output_vs_net_income(report: Any, *, chart: Any | None = None) -> Section:
    return collect(report, "output_vs_net_income", chart=chart)


def network_share(report: Any, *, chart: Any | None = None) -> Section:
    return collect(report, "network_share", chart=chart)
