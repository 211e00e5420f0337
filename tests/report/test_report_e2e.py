"""End to end: the company and sector notebooks run through papermill and render to HTML and PDF."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from pypdf import PdfReader

from mineresearch.dataset.load import load_dataset
from mineresearch.publish.pdf import find_chromium
from mineresearch.report.params import ReportParams, SectorParams
from mineresearch.run.jobs import ReportJob
from mineresearch.run.runner import run_report

pytestmark = pytest.mark.slow
needs_chromium = pytest.mark.skipif(find_chromium() is None, reason="no Chromium for PDFs")

SECTIONS = ("Headline", "Key figures", "Output versus profit", "Margin decomposition", "Cost per bitcoin",
            "Network context", "Break-evens and sensitivity", "Treasury risk", "Strategy", "Checklist",
            "Sources and methodology")
EXTERNAL_RESOURCE = re.compile(r"<(script|link|img|iframe)[^>]+(src|href)=[\"']?https?://", re.I)


def _company(ticker: str, period: str, formats: tuple[str, ...] = ("html", "pdf")) -> ReportJob:
    return ReportJob(ReportParams(ticker=ticker, period=period, static_charts=True), formats)


def _check_html(html: str) -> None:
    assert not EXTERNAL_RESOURCE.search(html), "an external script, stylesheet or image is loaded"
    assert "<VegaLite" not in html and "alt.Chart" not in html
    assert not re.search(r'class="[^"]*(jp-InputPrompt|jp-OutputPrompt|hl-ipython3|jp-CodeMirrorEditor)', html)
    assert "In&nbsp;[" not in html
    assert "report.headline()" not in html and "report.notice()" not in html
    assert "injected-parameters" not in html and "report = CompanyReport.open" not in html
    assert "Traceback" not in html


@pytest.fixture(scope="module")
def cifr(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("reports")
    formats = ("html", "pdf") if find_chromium() else ("html",)
    result = run_report(_company("CIFR", "2025Q2", formats), root)
    return {k: Path(v) for k, v in result.outputs.items()}


def test_outputs_land_where_the_design_says(cifr: dict[str, Path]) -> None:
    assert cifr["ipynb"].as_posix().endswith("2025Q2/CIFR/CIFR-2025Q2.ipynb")
    assert cifr["html"].is_file()


def test_well_covered_report_shows_the_reported_figures(cifr: dict[str, Path]) -> None:
    html = cifr["html"].read_text(encoding="utf-8")
    _check_html(html)
    wide = load_dataset().company_quarters("CIFR").loc["2025Q2"]
    assert wide["net_income"] == pytest.approx(-45_781_000)
    assert "-$45.8M" in html  # the reported net loss
    revenue = wide.get("revenue_total")
    if revenue == revenue:  # disclosed
        assert f"${revenue / 1e6:,.1f}M" in html
    else:
        assert "$43.6M" in html  # bitcoin mining revenue, the figure the sources give
    for title in SECTIONS:
        assert title in html, title
    assert "Cipher" in html and "not investment advice" in html.lower()
    assert html.count("data:image/svg+xml") + html.count("<svg") >= 5  # charts are static SVG


def test_executed_notebook_keeps_parameters_and_title_metadata(cifr: dict[str, Path]) -> None:
    nb = nbformat.read(cifr["ipynb"], as_version=4)
    meta = nb.metadata["mineresearch"]
    assert meta["ticker"] == "CIFR" and meta["period"] == "2025Q2" and "Cipher" in meta["company"]
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    assert any("injected-parameters" in t for t in tags)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors == []


@needs_chromium
def test_pdf_has_pages_and_the_figures(cifr: dict[str, Path]) -> None:
    reader = PdfReader(str(cifr["pdf"]))
    assert len(reader.pages) >= 3
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595.3) < 2 and abs(float(box.height) - 841.9) < 2  # A4
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Cipher" in text
    assert "45.8M" in text


def test_sparse_company_degrades_to_not_disclosed(tmp_path: Path) -> None:
    ds = load_dataset()
    # the company-quarter with the fewest facts on file among those with a net income
    counts = ds.facts.groupby(["ticker", "period"]).size().sort_values()
    ticker, period = next((t, p) for (t, p), _ in counts.items()
                          if "net_income" in set(ds.facts[(ds.facts.ticker == t) & (ds.facts.period == p)].metric))
    result = run_report(_company(ticker, period, ("html",)), tmp_path)
    html = Path(result.outputs["html"]).read_text(encoding="utf-8")
    _check_html(html)
    for title in SECTIONS:
        assert title in html, title
    assert "not disclosed" in html


@needs_chromium
def test_sector_report(tmp_path: Path) -> None:
    job = ReportJob(SectorParams(period="2025Q2", static_charts=True), ("html", "pdf"))
    result = run_report(job, tmp_path)
    html = Path(result.outputs["html"]).read_text(encoding="utf-8")
    _check_html(html)
    for title in ("Peer table", "Cost curve", "Treasury and leverage", "Share of network BTC"):
        assert title in html
    assert "MARA" in html and "RIOT" in html
    assert len(PdfReader(result.outputs["pdf"]).pages) >= 2


@pytest.mark.parametrize("name", ["company_quarter.ipynb", "sector_quarter.ipynb"])
def test_notebooks_run_as_they_are_with_their_defaults(tmp_path: Path, name: str) -> None:
    """What an analyst gets in JupyterLab: no injected values, interactive charts drawn offline."""
    import papermill as pm

    from mineresearch.paths import notebooks_dir

    out = tmp_path / name
    pm.execute_notebook(str(notebooks_dir() / name), str(out), progress_bar=False, kernel_name="python3")
    nb = nbformat.read(out, as_version=4)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    charts = [o for o in outputs if "application/vnd.vega.v5+json" in o.get("data", {})]
    assert charts and all("image/svg+xml" in o["data"] for o in charts)  # JupyterLab's renderer; SVG to publish
    html = "".join(str(o.get("data", {}).get("text/html", "")) for o in outputs)
    assert "<script" not in html and "cdn.jsdelivr" not in html


def test_every_html_output_of_the_executed_notebook_is_guarded_against_mathjax(cifr: dict[str, Path]) -> None:
    from report.test_display_math_guard import is_guarded

    nb = nbformat.read(cifr["ipynb"], as_version=4)
    htmls = [o["data"]["text/html"] for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
             if "text/html" in o.get("data", {})]
    htmls = ["".join(h) if isinstance(h, list) else h for h in htmls]
    assert htmls and [h[:200] for h in htmls if not is_guarded(h)] == []
