"""The report HTML exporter: what a reader sees, and what must never reach them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbconvert.exporters import get_exporter
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from mineresearch.paths import templates_dir
from mineresearch.publish.exporters import (
    ReportCleanupPreprocessor,
    ReportHTMLExporter,
    ReportPDFExporter,
    ReportPublishPreprocessor,
    report_header,
    tag_remover,
)
from mineresearch.publish.polish import polish_html

FIXTURE = Path(__file__).parents[1] / "fixtures" / "notebooks" / "report_executed.ipynb"
# A resource the page would load (script, stylesheet, image, frame...), as opposed to a link a reader follows.
RESOURCE_URL = re.compile(
    r"<(?:script|link|img|iframe|source|video|audio|embed|object)\b[^>]*\b(?:src|href|data)=[\"']?https?://", re.I
)
CSS_URL = re.compile(r"(?:url\(\s*[\"']?https?://|@import)", re.I)
ANY_URL_ATTR = re.compile(r"(src|href)=[\"']?https?://", re.I)


@pytest.fixture(scope="module")
def notebook() -> nbformat.NotebookNode:
    return nbformat.read(FIXTURE, as_version=4)


@pytest.fixture(scope="module")
def html(notebook: nbformat.NotebookNode) -> str:
    body, _ = ReportHTMLExporter().from_notebook_node(notebook)
    return body


@pytest.fixture(scope="module")
def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def test_template_folder_is_found() -> None:
    folder = templates_dir() / "mineresearch"
    assert (folder / "conf.json").is_file()
    assert (folder / "index.html.j2").is_file()
    assert (folder / "static" / "report.css").is_file()


def test_entry_points_resolve() -> None:
    assert get_exporter("mineresearch_html") is ReportHTMLExporter
    assert get_exporter("mineresearch_pdf") is ReportPDFExporter
    assert ReportPDFExporter().file_extension == ".pdf"
    assert ReportPDFExporter.output_mimetype == "application/pdf"


def test_no_code_no_prompts(html: str, soup: BeautifulSoup) -> None:
    for code in ("import altair", "alt.Chart(", "pd.DataFrame(", "kpis[cols].style", "display(Markdown"):
        assert code not in html
    assert not soup.select(".jp-InputArea-editor, .jp-InputPrompt, .jp-OutputPrompt, .highlight")
    assert "In&nbsp;[" not in html and "Out[" not in html


def test_parameter_and_removed_cells_are_gone(html: str, notebook: nbformat.NotebookNode) -> None:
    tags = [c.metadata.get("tags", []) for c in notebook.cells]
    assert ["injected-parameters"] in tags and ["parameters"] in tags  # the fixture has both
    assert 'ticker = "CIFR"' not in html and "XXXX" not in html and "2000Q1" not in html
    assert "celltag_injected-parameters" not in html and "celltag_parameters" not in html
    assert "scratch output that must not ship" not in html


def test_no_stderr_and_no_text_fallbacks(html: str) -> None:
    assert "progress: data loaded" not in html
    assert "<VegaLite" not in html and "&lt;VegaLite" not in html
    assert "alt.Chart(...)" not in html and "Styler object" not in html


def test_no_external_resources_but_source_links_stay(html: str, soup: BeautifulSoup) -> None:
    assert not RESOURCE_URL.search(html)
    assert not CSS_URL.search(html)
    assert all(tag.name == "a" for tag in soup.find_all(attrs={"href": re.compile(r"^https?://")}))
    assert not soup.find_all(attrs={"src": re.compile(r"^https?://")})
    # the sources section keeps its three links, which the plain grep would have flagged
    assert len(ANY_URL_ATTR.findall(html)) == 3
    assert len(soup.select('main a[href^="https://"]')) == 3
    for marker in ("require.js", "MathJax", "mermaid", "<script src", "@font-face"):
        assert marker not in html


def test_title_block_from_metadata(soup: BeautifulSoup) -> None:
    block = soup.select_one("header.mr-titleblock")
    assert block is not None
    assert block.select_one("h1").get_text(strip=True) == "Cipher Mining: record output, wider loss"
    assert "Cipher Mining Inc." in block.get_text()
    facts = {dt.get_text(strip=True): dt.find_next("dd").get_text(strip=True) for dt in block.select("dt")}
    assert facts == {"Ticker": "CIFR", "Quarter": "2025Q2", "Data as of": "2025-08-07", "Generated": "2025-11-24"}
    assert soup.title.get_text() == "Cipher Mining: record output, wider loss"


def test_contents_lists_h2_headings_with_working_anchors(soup: BeautifulSoup) -> None:
    links = soup.select("nav#contents ol a")
    assert [a.get_text() for a in links] == ["Headline", "Key figures", "Revenue against cost", "Sources"]
    for link in links:
        target = soup.find(id=link["href"][1:])
        assert target is not None and target.name == "h2"


def test_footer_carries_the_notice(soup: BeautifulSoup) -> None:
    footer = soup.select_one("footer.mr-footer")
    assert footer is not None and "not investment advice" in footer.get_text().lower()


def test_chart_is_an_embedded_svg_with_its_title_as_alt(soup: BeautifulSoup) -> None:
    images = soup.select(".mr-chart img")
    assert len(images) == 2  # the second chart had only its Vega-Lite spec: the exporter drew it offline
    assert all(img["src"].startswith("data:image/svg+xml;base64,") for img in images)
    assert images[0]["alt"] == "Revenue and cost of revenue, USD million"


def test_table_numbers_are_marked_and_index_name_folded(soup: BeautifulSoup) -> None:
    table = soup.select_one("main table")
    cells = {td.get_text(strip=True): td.get("class", []) for td in table.select("tbody td")}
    assert "mr-num" in cells["43,565"] and "mr-num" in cells["-45,781"] and "mr-num" in cells["+18.4%"]
    assert "mr-text" in cells["secondary"] and "mr-text" in cells["USD/BTC"]
    assert "mr-missing" in cells["not disclosed"]
    first_header = table.select("thead tr")[0].find_all("th")
    assert first_header[0].get_text() == "Metric"
    assert "mr-num" in first_header[3]["class"]  # the 2024Q2 column
    assert "mr-empty-header" in table.select("thead tr")[1]["class"]


def test_source_notebook_is_not_modified(notebook: nbformat.NotebookNode, html: str) -> None:
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in notebook.cells)
    assert any("text/plain" in o.get("data", {}) for c in notebook.cells for o in c.get("outputs", []))


def _bare_notebook() -> nbformat.NotebookNode:
    cell = new_code_cell("x", outputs=[new_output("display_data", data={"text/html": "<p>42</p>"})])
    return new_notebook(cells=[new_markdown_cell("Intro without headings."), cell])


def test_missing_metadata_falls_back_gracefully() -> None:
    body, _ = ReportHTMLExporter().from_notebook_node(_bare_notebook(), resources={"metadata": {"name": "draft"}})
    soup = BeautifulSoup(body, "html.parser")
    assert soup.select_one("h1.mr-title").get_text(strip=True) == "draft"
    assert soup.select_one("dl.mr-facts") is None  # no empty facts row
    assert soup.select_one("nav#contents") is None  # no headings, no empty contents box
    assert "not investment advice" in soup.select_one("footer").get_text().lower()


def test_cleanup_preprocessor_rules() -> None:
    chart_only = new_output(
        "display_data", data={"application/vnd.vegalite.v6+json": {}, "text/plain": "<VegaLite 6 object>"}
    )
    rich = new_output("execute_result", data={"text/html": "<b>t</b>", "text/plain": "t"}, execution_count=1)
    stderr = new_output("stream", name="stderr", text="warn")
    stdout = new_output("stream", name="stdout", text="kept")
    nb = new_notebook(
        cells=[
            new_code_cell("a", outputs=[chart_only, rich, stderr, stdout]),
            new_code_cell("b", outputs=[stdout], metadata={"tags": ["remove-output"]}),
            new_code_cell("c", outputs=[stdout], metadata={"tags": ["remove-cell"]}),
            new_code_cell("d", outputs=[]),
        ]
    )
    cleaned, _ = tag_remover().preprocess(nb, {})
    cleaned, _ = ReportCleanupPreprocessor().preprocess(cleaned, {})
    assert len(cleaned.cells) == 1
    outputs = cleaned.cells[0].outputs
    assert [o.output_type for o in outputs] == ["execute_result", "stream"]
    assert set(outputs[0].data) == {"text/html"}
    assert outputs[1].text == "kept"


def test_report_header_text() -> None:
    meta = {"mineresearch": {"company": "Cipher Mining Inc.", "ticker": "CIFR", "period": "2025Q2"}}
    assert report_header(meta) == "Cipher Mining Inc. (CIFR) \u00b7 2025Q2"
    assert report_header({"mineresearch": {"ticker": "CIFR"}}) == "CIFR"
    assert report_header({"title": "Draft"}) == "Draft"
    assert report_header({}) == ""


def test_polish_ignores_tables_outside_the_body() -> None:
    page = '<nav id="contents"></nav><main class="mr-body"><h2 id="a">A</h2></main><table><td>1</td></table>'
    soup = BeautifulSoup(polish_html(page), "html.parser")
    assert soup.select_one("nav a")["href"] == "#a"
    assert not soup.select_one("table td").get("class")


def test_nbconvert_command_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "nbconvert", "--to", "mineresearch_html", "--output-dir", str(tmp_path), str(FIXTURE)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    out = (tmp_path / "report_executed.html").read_text(encoding="utf-8")
    assert "mr-titleblock" in out and not RESOURCE_URL.search(out) and "<VegaLite" not in out


def test_numbered_headings_and_marked_cells() -> None:
    page = (
        '<nav id="contents"></nav><main class="mr-body"><h2 id="a">1. Headline</h2><h2 id="b">2. Risk</h2>'
        "<table><thead><tr><th>Metric</th><th>2025Q2</th></tr></thead><tbody>"
        '<tr><td>BTC produced</td><td class="num">509 BTC</td></tr>'
        '<tr><td>Revenue</td><td class="nd">not disclosed</td></tr>'
        "<tr><td>Hashrate</td><td>10.8 EH/s</td></tr></tbody></table></main>"
    )
    soup = BeautifulSoup(polish_html(page), "html.parser")
    assert "mr-toc-numbered" in soup.select_one("nav ol")["class"]  # no "1. 1. Headline"
    cells = soup.select("tbody td")
    assert "mr-num" in cells[1]["class"] and "mr-num" in cells[5]["class"]
    assert "mr-missing" in cells[3]["class"] and "mr-text" in cells[0]["class"]
    assert "mr-num" in soup.select("thead th")[1]["class"]


def _notebook_with_downloads() -> nbformat.NotebookNode:
    """A notebook whose one output carries a table named like a chart's flat file and that chart's data."""
    import json

    table = json.dumps({"columns": ["metric", "value"], "data": [["BTC produced", 705.0]]})
    meta = {"mineresearch": {"tables": {"kpis": table, "charts-bridge": table}, "captions": {"kpis": "Key figures"},
                             "chart_data": {"bridge": json.dumps([{"step": "Revenue", "usd": 1.0}])}}}
    output = new_output("display_data", data={"text/html": "<p>x</p>"}, metadata=meta)
    return new_notebook(cells=[new_code_cell("x", outputs=[output], execution_count=1)])


def test_downloads_in_a_folder_or_flat_each_link_naming_its_file() -> None:
    from mineresearch.publish.notebook import download_files

    nb = _notebook_with_downloads()
    files, links = download_files(nb, "out_data")
    assert sorted(files) == ["out_data/charts-bridge.csv", "out_data/charts/bridge.csv", "out_data/kpis.csv",
                             "out_data/tables.xlsx"]
    flat, flat_links = download_files(nb, None)
    assert sorted(flat) == ["charts-bridge-2.csv", "charts-bridge.csv", "kpis.csv", "tables.xlsx"]
    chart = next(h for label, h in flat_links if label == "bridge data (CSV)")
    assert chart == "charts-bridge-2.csv" and flat[chart] == files["out_data/charts/bridge.csv"]
    for found, linked in ((files, links), (flat, flat_links)):
        assert sorted(h for _, h in linked) == sorted(found)


def test_exporter_lays_downloads_out_as_the_caller_writes_output_files() -> None:
    nb = _notebook_with_downloads()
    nb.metadata["mineresearch"] = {"title": "t", "period": "2025Q2"}
    _, by_writer = ReportHTMLExporter().from_notebook_node(nb, {"metadata": {"name": "out"},
                                                                "output_files_dir": "out_files"})
    _, by_server = ReportHTMLExporter().from_notebook_node(nb, {"metadata": {"name": "out"}})
    assert "out_data/kpis.csv" in by_writer["outputs"] and "kpis.csv" in by_server["outputs"]
    assert [h for _, h in by_server["mineresearch"]["downloads"]] == list(by_server["outputs"])
    _, for_pdf = ReportPublishPreprocessor(parent=ReportPDFExporter()).preprocess(nb, {"metadata": {"name": "out"}})
    assert not for_pdf.get("outputs")  # a PDF links no downloads, so the Jupyter server sends the PDF itself


def test_vega_bundle_is_built_once_then_read_from_the_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from mineresearch.publish.exporters import vega_bundle
    from mineresearch.report.charts.render import javascript_bundle

    monkeypatch.setenv("MINERESEARCH_CACHE", str(tmp_path))
    built = vega_bundle()
    kept = list(tmp_path.glob("vega-bundle-*.js"))
    assert built == javascript_bundle() and len(kept) == 1 and kept[0].read_text(encoding="utf-8") == built
    kept[0].write_text("window.vegaEmbed=1;", encoding="utf-8")  # what is on disk is what a page gets
    assert vega_bundle() == "window.vegaEmbed=1;"
    monkeypatch.setenv("MINERESEARCH_CACHE", "off")
    assert vega_bundle() == built
    assert [p.name for p in tmp_path.iterdir()] == [kept[0].name]  # no temporary file left behind
