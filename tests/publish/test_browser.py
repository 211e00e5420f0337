"""A real company report loaded in headless Chromium with the network blocked: every chart is drawn."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from mineresearch.publish.pdf import PdfPrinter, find_chromium
from mineresearch.report.params import ReportParams
from mineresearch.run.jobs import ReportJob
from mineresearch.run.runner import run_report

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(find_chromium() is None, reason="no Chromium"),
]


@pytest.fixture(scope="module")
def report_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    job = ReportJob(ReportParams(ticker="MARA", period="2025Q2", static_charts=True), ("html",))
    return Path(run_report(job, tmp_path_factory.mktemp("browser")).outputs["html"])


def test_every_chart_is_drawn_offline(report_html: Path) -> None:
    with PdfPrinter() as printer, printer.loaded_page(report_html) as page:
        charts = page.evaluate(
            "() => Array.from(document.querySelectorAll('img'), i => [i.complete, i.naturalWidth, i.naturalHeight,"
            " i.getBoundingClientRect().width, i.alt])"
        )
        tables_overflow = page.evaluate(
            "() => Array.from(document.querySelectorAll('table'))"
            ".filter(t => t.getBoundingClientRect().right > document.querySelector('main').getBoundingClientRect()"
            ".right + 1).length"
        )
        headings = page.evaluate("() => Array.from(document.querySelectorAll('h2'), h => h.textContent)")
        blocked = list(printer.blocked_urls)
    nb = nbformat.read(report_html.with_suffix(".ipynb"), as_version=4)
    svg_outputs = sum("image/svg+xml" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
    assert svg_outputs >= 4 and len(charts) == svg_outputs, "every chart output is on the page"
    for complete, nat_w, nat_h, shown_w, alt in charts:
        assert complete and nat_w > 0 and nat_h > 0 and shown_w > 200, alt
    assert tables_overflow == 0
    assert len(headings) == 11
    assert blocked == []  # the page asked for nothing outside the file
