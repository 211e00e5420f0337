"""Publish from anywhere: plain papermill then `jupyter nbconvert` gives the report `mineresearch report` gives.

Also: the downloads (CSV per table, one XLSX) open with pandas and hold the tables the HTML shows.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from mineresearch.paths import notebooks_dir
from mineresearch.publish.pdf import find_chromium

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent
RESOURCE_URL = re.compile(
    r"<(?:script|link|img|iframe|source|video|audio|embed|object)\b[^>]*\b(?:src|href|data)=[\"']?https?://", re.I
)


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The company notebook run by plain papermill, as an analyst would (interactive charts, no title block)."""
    folder = tmp_path_factory.mktemp("papermill")
    out = folder / "out.ipynb"
    subprocess.run([str(BIN / "papermill"), str(notebooks_dir() / "company_quarter.ipynb"), str(out),
                    "-p", "ticker", "MARA", "-p", "period", "2025Q2", "--no-progress-bar"],
                   check=True, capture_output=True, cwd=folder, timeout=180)
    return out


def _nbconvert(path: Path, to: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", to, path.name], capture_output=True, text=True,
                          cwd=path.parent, timeout=180)


@pytest.fixture(scope="module")
def html(executed: Path) -> str:
    done = _nbconvert(executed, "mineresearch_html")
    assert done.returncode == 0, done.stderr
    return executed.with_suffix(".html").read_text(encoding="utf-8")


def test_papermill_output_has_vega_charts_and_no_title_block(executed: Path) -> None:
    nb = nbformat.read(executed, as_version=4)
    assert "mineresearch" not in nb.metadata
    keys = {k for c in nb.cells for o in c.get("outputs", []) for k in o.get("data", {})}
    assert "application/vnd.vega.v5+json" in keys


def test_nbconvert_html_is_self_contained_with_title_block_and_static_charts(html: str) -> None:
    soup = BeautifulSoup(html, "html.parser")
    assert not RESOURCE_URL.search(html)
    assert not soup.find_all("script", src=True) and "Error loading script" not in html
    assert soup.select_one("h1.mr-title").get_text(strip=True) == "MARA Holdings, Inc. (MARA)"
    facts = soup.select_one("dl.mr-facts").get_text(" ", strip=True)
    assert "MARA" in facts and "2025Q2" in facts
    assert len(soup.select(".mr-chart img[src^='data:image/svg+xml']")) >= 3
    assert "application/vnd.vega" not in html
    colophon = soup.select_one(".mr-provenance").get_text(" ", strip=True)
    assert "ticker=MARA" in colophon and "from dataset" in colophon


def test_downloads_open_with_pandas_and_match_the_html_tables(executed: Path, html: str) -> None:
    soup = BeautifulSoup(html, "html.parser")
    data = executed.parent / "out_data"
    tables = soup.select("table[data-mr-table]")
    assert len(tables) >= 6
    book = pd.read_excel(data / "tables.xlsx", sheet_name=None)
    contents = book["contents"].set_index("table")
    for table in tables:
        name = table["data-mr-table"]
        csv = pd.read_csv(data / f"{name}.csv")
        sheet = book[contents.loc[name, "sheet"]]
        headers = [th.get_text(strip=True) for th in table.select("thead th")]
        rows = [[td.get_text(strip=True) for td in tr.find_all("td")] for tr in table.select("tbody tr")]
        assert list(csv.columns) == headers, name
        assert list(sheet.columns) == headers, name
        assert len(csv) == len(rows) == len(sheet), name
        blank = ("\u2014", "not disclosed", "runs on", "")
        for r, row in enumerate(rows):  # text cells equal; numbers printed (formatted); blanks blank
            for c, text in enumerate(row):
                value = csv.iloc[r, c]
                if pd.isna(value):
                    assert text in blank, (name, r, c, text)
                elif isinstance(value, str):
                    assert value == text, (name, r, c)
                else:
                    assert text not in blank and re.search(r"\d|never|n\.m\.", text), (name, r, c, text)
    assert "facts" in book and len(book["facts"]) > 0
    charts = sorted((data / "charts").glob("*.csv"))
    assert charts and all(len(pd.read_csv(p)) > 0 for p in charts)
    links = {a["href"] for a in soup.select("nav.mr-downloads a")}
    assert "out_data/tables.xlsx" in links and all((executed.parent / h).is_file() for h in links)


@pytest.mark.skipif(find_chromium() is None, reason="no Chromium for PDFs")
def test_nbconvert_pdf_has_the_title_and_drawn_charts(executed: Path, html: str) -> None:
    from pypdf import PdfReader

    done = _nbconvert(executed, "mineresearch_pdf")
    assert done.returncode == 0, done.stderr
    reader = PdfReader(executed.with_suffix(".pdf"))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    assert "MARA Holdings" in text and "Error loading script" not in text
    assert "Margin decomposition" in text


def test_an_unexecuted_notebook_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    copy = tmp_path / "draft.ipynb"
    copy.write_bytes((notebooks_dir() / "company_quarter.ipynb").read_bytes())
    done = _nbconvert(copy, "mineresearch_html")
    assert done.returncode != 0
    assert "has not been run" in done.stderr
    assert not copy.with_suffix(".html").exists()


def test_interactive_option_inlines_vega_once_and_stays_offline(executed: Path) -> None:
    from mineresearch.publish.exporters import ReportHTMLExporter

    body, _ = ReportHTMLExporter(interactive_charts=True).from_notebook_node(nbformat.read(executed, as_version=4))
    assert not RESOURCE_URL.search(body)
    assert body.count('class="mr-vega mr-chart"') >= 3
    assert body.count("window.vegaEmbed=") == body.count("window.vegaLite=") == 1  # the bundle, once
