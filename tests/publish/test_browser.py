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


@pytest.fixture(scope="module")
def interactive_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    job = ReportJob(ReportParams(ticker="MARA", period="2025Q2", static_charts=False), ("html",),
                    interactive_charts=True)
    return Path(run_report(job, tmp_path_factory.mktemp("interactive")).outputs["html"])


_VIEWS_DRAWN = ("() => Array.from(document.querySelectorAll('.mr-vega-view'))"
                ".every(v => v.querySelector('svg.marks, canvas.marks') || v.textContent.trim())")


def _tooltip_over(page: object, index: int) -> bool:
    """Move the mouse over chart ``index`` in a grid until Vega's tooltip shows."""
    x, y, w, h = page.evaluate(  # type: ignore[attr-defined]
        f"() => {{ const r = document.querySelectorAll('.mr-vega-view svg.marks')[{index}].getBoundingClientRect();"
        " return [r.x, r.y, r.width, r.height]; }")
    for i in range(1, 20):
        for j in range(1, 12):
            page.mouse.move(x + w * i / 20, y + h * j / 12)  # type: ignore[attr-defined]
            if page.evaluate("() => !!document.querySelector('#vg-tooltip-element.visible')"):  # type: ignore[attr-defined]
                return True
    return False


def test_interactive_charts_draw_offline_with_tooltips(interactive_html: Path) -> None:
    with PdfPrinter() as printer, printer.loaded_page(interactive_html) as page:
        page.wait_for_function(_VIEWS_DRAWN, timeout=20_000)
        views = page.evaluate(
            "() => Array.from(document.querySelectorAll('.mr-vega.mr-chart'), c => {"
            " const v = c.querySelector('.mr-vega-view'); const g = v.querySelector('svg.marks, canvas.marks');"
            " return [!!g, g ? g.getBoundingClientRect().width : 0, g ? g.getBoundingClientRect().height : 0,"
            " v.innerText.trim()]; })")
        page.locator(".mr-vega-view svg.marks").first.scroll_into_view_if_needed()
        tooltip = _tooltip_over(page, 0)
        blocked = list(printer.blocked_urls)
    static_outputs = sum(1 for c in nbformat.read(interactive_html.with_suffix(".ipynb"), as_version=4).cells
                         for o in c.get("outputs", []) if "image/svg+xml" in o.get("data", {}))
    assert len(views) >= 4 and len(views) == static_outputs, "every chart output is an interactive view"
    for drawn, width, height, text in views:
        assert drawn and width > 200 and height > 100, (width, height)
        assert "could not be drawn" not in text and "Error" not in text
    assert tooltip, "no tooltip over the first chart"
    assert blocked == []  # the page, its Vega bundle included, asked for nothing outside the file


@pytest.fixture(scope="module")
def wide_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """RIOT 2025Q2: a key-figure table with long labels and per-BTC figures, wider than the column as laid out."""
    job = ReportJob(ReportParams(ticker="RIOT", period="2025Q2", static_charts=True), ("html",))
    return Path(run_report(job, tmp_path_factory.mktemp("wide")).outputs["html"])


@pytest.mark.parametrize("width", [1200, 800])
def test_no_table_is_cut_off_on_screen(wide_html: Path, width: int) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                       else route.abort())
            page.goto(wide_html.as_uri())
            page.wait_for_load_state("load")
            sizes = page.evaluate("() => Array.from(document.querySelectorAll('.mr-body table'), t => "
                                  "[t.dataset.mrTable || '', t.getBoundingClientRect().width, "
                                  "t.parentElement.clientWidth, t.style.zoom])")
        finally:
            browser.close()
    assert len(sizes) >= 8
    assert [s for s in sizes if s[1] > s[2] + 1] == []  # every table within its column, no scrolling
    assert all(float(s[3] or 1) >= 0.6 for s in sizes)  # tightened or shrunk, never below 60%
