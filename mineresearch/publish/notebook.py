"""What a published report needs beyond its cells: title block, provenance, readiness and downloads.

The same functions serve ``mineresearch report``/``build`` (which set ``metadata.mineresearch`` before
running the notebook) and the exporters used on their own (``jupyter nbconvert --to mineresearch_html``
after plain papermill, or JupyterLab's export menu), which rebuild the title block from the notebook's
parameters: the parameters cell, the cell papermill injected, and ``metadata.papermill.parameters``.
"""

from __future__ import annotations

import ast
import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from mineresearch import __version__

DATA_FILES = ("companies.csv", "facts.csv", "network_quarterly.csv", "network_sources.csv")
_FINGERPRINTS: dict[tuple[Any, ...], str] = {}


class NotReadyError(ValueError):
    """The notebook cannot be published as it is (not run, a failed cell, a chart that needs a CDN)."""


def dataset_fingerprint(data_path: str | None = None) -> str:
    """First 12 hex digits of the SHA-256 of the dataset's files (cached while their size and mtime hold)."""
    from mineresearch.paths import PACKAGE_DATA_DIR

    folder = Path(data_path) if data_path else PACKAGE_DATA_DIR
    files = [folder / name for name in DATA_FILES if (folder / name).is_file()]
    key = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    if key not in _FINGERPRINTS:
        digest = hashlib.sha256()
        for path in files:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
        _FINGERPRINTS[key] = digest.hexdigest()[:12]
    return _FINGERPRINTS[key]


def non_default(params: Any) -> dict[str, Any]:
    """The parameters of a report that differ from its model's defaults (what makes a scenario)."""
    defaults = type(params)()
    skip = {"ticker", "period", "data_path", "static_charts"}
    return {k: v for k, v in params.notebook_parameters().items()
            if k not in skip and v != defaults.notebook_parameters().get(k)}


CHARTS_PARAMETER = "charts"
"""The footer's and the provenance's parameter naming the chart mode; present only as ``interactive``."""


def title_metadata(params: Any, *, scenario: str = "", interactive_charts: bool = False) -> dict[str, Any]:
    """The title block and provenance a report prints (``metadata.mineresearch``).

    With ``interactive_charts`` the provenance's parameters say ``charts: interactive`` (a static report's
    do not name the chart mode); the exporter keeps that word only on a page whose charts it drew interactive.
    """
    from mineresearch.dataset.catalog import read_catalog
    from mineresearch.dataset.periods import quarter_end
    from mineresearch.report.params import ReportParams

    period = params.period
    meta: dict[str, Any] = {"period": period, "generated": date.today().isoformat()}
    meta["data_as_of"] = f"quarter ended {quarter_end(period).isoformat()}"
    if isinstance(params, ReportParams):
        ticker = params.ticker
        company = read_catalog(params.data_path).names.get(ticker, ticker)
        meta.update(ticker=ticker, company=company, title=f"{company} ({ticker})",
                    subtitle=f"Quarterly research note, {period}")
    else:
        meta.update(ticker="", company="Listed Bitcoin miners", title=f"Listed Bitcoin miners, {period}",
                    subtitle="Sector report: peers side by side")
    changed = non_default(params)
    if changed:
        meta["scenario"] = scenario or scenario_slug(params)
        meta["subtitle"] += ", scenario: " + ", ".join(f"{k} = {_text(v)}" for k, v in changed.items())
    shown = {k: v for k, v in params.notebook_parameters().items() if k not in {"data_path", "static_charts"}}
    if interactive_charts:
        shown[CHARTS_PARAMETER] = "interactive"
    shown = dict(sorted(shown.items()))
    meta["provenance"] = {
        "package_version": __version__, "dataset_fingerprint": dataset_fingerprint(params.data_path),
        "parameters": shown, "built_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    return meta


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ",".join(_text(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def scenario_slug(params: Any) -> str:
    """A folder-safe name for a report's non-default parameters, e.g. ``power_price_usd_per_mwh-200``."""
    import re

    parts = [f"{k}-{_text(v)}" for k, v in sorted(non_default(params).items())]
    slug = re.sub(r"[^A-Za-z0-9.,_-]+", "_", "_".join(parts)).replace(",", "_")
    if len(slug) > 80:
        slug = slug[:60] + "-" + hashlib.sha256(slug.encode()).hexdigest()[:8]
    return slug


# Publishing a notebook run elsewhere ---------------------------------------------------------------------

def _literal_assignments(source: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return out
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                out[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                continue
    return out


def notebook_parameters(nb: Any) -> dict[str, Any]:
    """The values a notebook ran with: its parameters cell, then papermill's injected cell and record."""
    values: dict[str, Any] = {}
    for tag in ("parameters", "injected-parameters"):
        for cell in nb.cells:
            if cell.cell_type == "code" and tag in cell.get("metadata", {}).get("tags", []):
                values.update(_literal_assignments(cell.source))
    values.update(nb.metadata.get("papermill", {}).get("parameters", {}) or {})
    return values


def metadata_from_parameters(nb: Any) -> dict[str, Any]:
    """``metadata.mineresearch`` for a notebook run outside ``mineresearch report`` ({} when unknown)."""
    from mineresearch.report.params import ReportParams, SectorParams

    values = notebook_parameters(nb)
    model: type[Any] = ReportParams if "ticker" in values else SectorParams
    known = {k: v for k, v in values.items() if k in model.model_fields}
    if "period" not in known:
        return {}
    try:
        params = model(**known)
    except ValueError:
        return {}
    return title_metadata(params)


def check_ready(nb: Any) -> None:
    """Refuse a notebook that was not run, or ran into an error: its report would be empty or broken."""
    code = [c for c in nb.cells if c.cell_type == "code"
            and not ({"parameters", "injected-parameters"} & set(c.get("metadata", {}).get("tags", [])))]
    if code and all(c.get("execution_count") is None and not c.get("outputs") for c in code):
        raise NotReadyError("this notebook has not been run: run all cells (or use papermill, or "
                            "`mineresearch report TICKER PERIOD`) before exporting it as a report")
    for cell in code:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                raise NotReadyError(f"a cell failed ({out.get('ename')}: {out.get('evalue')}); fix it and "
                                    "run the notebook again before exporting it as a report")
            html = out.get("data", {}).get("text/html", "")
            if isinstance(html, list):
                html = "".join(html)
            if "<script" in html and ("cdn.jsdelivr" in html or "vega@" in html):
                raise NotReadyError("a chart was displayed with Altair's web renderer, which loads scripts from "
                                    "a CDN; show charts with mineresearch.report.display.show_chart (or run the "
                                    "notebook again) so that they can be published offline")


# Downloads -----------------------------------------------------------------------------------------------

def collected_tables(nb: Any) -> tuple[dict[str, pd.DataFrame], dict[str, str], dict[str, pd.DataFrame]]:
    """The section tables (with captions) and chart data a notebook's outputs carry, in order."""
    from mineresearch.report.sections import METADATA_KEY

    tables: dict[str, pd.DataFrame] = {}
    captions: dict[str, str] = {}
    charts: dict[str, pd.DataFrame] = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get(METADATA_KEY, {})
            if not isinstance(meta, Mapping):
                continue
            for name, text in (meta.get("tables") or {}).items():
                split = json.loads(text)
                tables[name] = pd.DataFrame(split["data"], columns=split["columns"])
                captions[name] = (meta.get("captions") or {}).get(name, "")
            for name, text in (meta.get("chart_data") or {}).items():
                charts[name] = pd.DataFrame(json.loads(text))
    return tables, captions, charts


def _sheet(name: str, used: set[str]) -> str:
    base = "".join(ch if ch.isalnum() or ch in "-_ " else "_" for ch in name)[:31] or "table"
    sheet, n = base, 1
    while sheet.lower() in used:
        n += 1
        sheet = f"{base[:28]}-{n}"
    used.add(sheet.lower())
    return sheet


def download_files(nb: Any, folder: str | None) -> tuple[dict[str, bytes], list[tuple[str, str]]]:
    """The report's downloads: ``{path relative to the page: bytes}`` and the ``(label, href)`` links to print.

    One CSV per table (``<folder>/<table>.csv``), one per chart's data (``<folder>/charts/<chart>.csv``) and
    a workbook with a sheet per table, the sourced facts used (``facts``) and a ``contents`` sheet
    (``<folder>/tables.xlsx``). With ``folder=None`` every file lies flat beside the page instead
    (``tables.xlsx``, ``<table>.csv``, ``charts-<chart>.csv``), each name used once, for a caller that keeps
    only base names (the Jupyter server's zip). A link's href is always its file's path.
    """
    tables, captions, charts = collected_tables(nb)
    if not tables and not charts:
        return {}, []
    from mineresearch.publish.xlsx import workbook_bytes

    place = _Placement(folder)
    files: dict[str, bytes] = {}
    links: list[tuple[str, str]] = []
    used: set[str] = {"contents"}
    rows = [{"sheet": _sheet(name, used), "table": name, "caption": captions.get(name, ""), "csv": f"{name}.csv"}
            for name in tables]
    contents = pd.DataFrame(rows, columns=["sheet", "table", "caption", "csv"])
    sheets = [("contents", contents), *((row["sheet"], frame) for row, frame in zip(rows, tables.values(),
                                                                                    strict=True))]
    workbook = place.path("tables.xlsx")
    files[workbook] = workbook_bytes(sheets)
    links.append(("All tables (XLSX)", workbook))
    for name, frame in tables.items():
        path = place.path(f"{name}.csv")
        files[path] = frame.to_csv(index=False).encode()
        links.append((f"{name} (CSV)", path))
    for name, frame in charts.items():
        path = place.path(f"{name}.csv", under="charts")
        files[path] = frame.to_csv(index=False).encode()
        links.append((f"{name} data (CSV)", path))
    return files, links


class _Placement:
    """Paths of a report's downloads: in a folder (and its ``charts/`` subfolder), or flat with unique names."""

    def __init__(self, folder: str | None) -> None:
        self.folder = folder
        self.taken: set[str] = set()

    def path(self, file_name: str, *, under: str = "") -> str:
        if self.folder is not None:
            return "/".join(part for part in (self.folder, under, file_name) if part)
        stem, dot, ext = file_name.rpartition(".")
        base = f"{under}-{stem}" if under else stem
        flat, n = f"{base}{dot}{ext}", 1
        while flat.lower() in self.taken:  # a table named like a chart's flat name: keep both files
            n += 1
            flat = f"{base}-{n}{dot}{ext}"
        self.taken.add(flat.lower())
        return flat
