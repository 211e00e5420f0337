"""PDF printing through headless Chromium: A4, running header, page numbers, offline, clean shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from pypdf import PdfReader

from mineresearch.exceptions import BrowserNotFoundError, RenderError
from mineresearch.publish.exporters import ReportHTMLExporter, ReportPDFExporter, report_header
from mineresearch.publish.pdf import (
    PdfPrinter,
    find_chromium,
    footer_template,
    header_template,
    run_outside_event_loop,
)

FIXTURE = Path(__file__).parents[1] / "fixtures" / "notebooks" / "report_executed.ipynb"
HEADER = "Cipher Mining Inc. (CIFR) \u00b7 2025Q2"
needs_browser = pytest.mark.skipif(find_chromium() is None, reason="no Chromium on this machine")
browser = [pytest.mark.browser, pytest.mark.slow, needs_browser]


def test_find_chromium_honours_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "my-chrome"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("MINERESEARCH_CHROMIUM", str(fake))
    assert find_chromium() == str(fake)
    monkeypatch.setenv("MINERESEARCH_CHROMIUM", str(tmp_path / "missing"))
    assert find_chromium() is None


def test_find_chromium_searches_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MINERESEARCH_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_chromium() is None
    browser_file = tmp_path / "chromium-browser"
    browser_file.write_text("#!/bin/sh\n")
    browser_file.chmod(0o755)
    assert find_chromium() == str(browser_file)


def test_missing_browser_says_how_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MINERESEARCH_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BrowserNotFoundError) as caught:
        PdfPrinter().start()
    assert "apt-get install chromium" in str(caught.value) and "make setup" in str(caught.value)
    assert isinstance(caught.value, RenderError)


def test_sync_api_is_refused_inside_an_event_loop() -> None:
    async def start_inside_loop() -> None:
        PdfPrinter(executable=sys.executable).start()  # an existing file: gets past the browser lookup

    with pytest.raises(RenderError, match="asyncio event loop"):
        asyncio.run(start_inside_loop())


def test_header_and_footer_templates() -> None:
    assert "AT&amp;T &lt;x&gt;" in header_template("AT&T <x>")
    footer = footer_template("Not investment advice")
    assert '<span class="pageNumber"></span>' in footer and '<span class="totalPages"></span>' in footer


# ---- with a browser -------------------------------------------------------------------------------


def _chromium_pids() -> set[int]:
    """Chromium processes descending from this test process (read from /proc)."""
    parents: dict[int, int] = {}
    names: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            names[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z":
            parents[int(entry.name)] = int(fields[1])

    def descends(pid: int) -> bool:
        while pid > 1:
            pid = parents.get(pid, 0)
            if pid == os.getpid():
                return True
        return False

    return {pid for pid in parents if "chrom" in names.get(pid, "") and descends(pid)}


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _still_alive_after(pids: set[int], timeout: float = 5.0) -> list[int]:
    """Those of ``pids`` still running once ``timeout`` seconds have passed (or all are gone)."""
    deadline = time.monotonic() + timeout
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return [pid for pid in pids if _alive(pid)]


@pytest.fixture(scope="module")
def report_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    nb = nbformat.read(FIXTURE, as_version=4)
    body, _ = ReportHTMLExporter().from_notebook_node(nb)
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def printer() -> Iterator[PdfPrinter]:
    if find_chromium() is None:
        pytest.skip("no Chromium on this machine")
    with PdfPrinter() as shared:
        yield shared


@pytest.mark.browser
@pytest.mark.slow
@needs_browser
def test_report_prints_to_a4_with_header_and_page_numbers(
    printer: PdfPrinter, report_html: Path, tmp_path: Path
) -> None:
    pdf_path = tmp_path / "report.pdf"
    assert printer.print_html(report_html, pdf_path, header=HEADER) == pdf_path
    reader = PdfReader(pdf_path)
    assert len(reader.pages) >= 1
    for page in reader.pages:
        assert abs(float(page.mediabox.width) - 595.0) < 1.0
        assert abs(float(page.mediabox.height) - 842.0) < 1.0
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Cipher Mining Inc." in text
    assert "43,565" in text  # a figure from the key-figures table
    assert HEADER in text
    assert f"Page 1 of {len(reader.pages)}" in text
    assert "not investment advice" in text.lower()
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]  # no temp file left beside it


@pytest.mark.browser
@pytest.mark.slow
@needs_browser
def test_charts_decode_offline(printer: PdfPrinter, report_html: Path) -> None:
    with printer.loaded_page(report_html) as page:
        images = page.evaluate("() => Array.from(document.images, i => [i.complete, i.naturalWidth, i.alt])")
        column = page.evaluate("() => document.querySelector('main').clientWidth")
        chart_width = page.evaluate("() => document.querySelector('.mr-chart img').getBoundingClientRect().width")
    assert images and all(complete and width > 0 for complete, width, _ in images)
    assert 0.6 * column <= chart_width <= column  # sized to the column, neither tiny nor overflowing


@pytest.mark.browser
@pytest.mark.slow
@needs_browser
def test_tables_fit_the_printed_column(printer: PdfPrinter, report_html: Path) -> None:
    with printer.loaded_page(report_html, media="print") as page:
        page.set_viewport_size({"width": 673, "height": 1000})
        page.evaluate("() => window.mineresearchFitTables()")
        overflow = page.evaluate(
            "() => Array.from(document.querySelectorAll('main table'),"
            " t => t.getBoundingClientRect().width - t.parentElement.clientWidth)"
        )
    assert overflow and max(overflow) <= 1


@pytest.mark.browser
@pytest.mark.slow
@needs_browser
def test_network_requests_are_blocked(printer: PdfPrinter, tmp_path: Path) -> None:
    page = tmp_path / "remote.html"
    page.write_text(
        '<link rel="stylesheet" href="https://example.invalid/a.css">'
        '<img src="http://192.0.2.1/chart.png"><p>offline</p>',
        encoding="utf-8",
    )
    started = time.monotonic()
    printer.print_html(page, tmp_path / "remote.pdf", header="x")
    assert time.monotonic() - started < 10
    assert {"https://example.invalid/a.css", "http://192.0.2.1/chart.png"} <= set(printer.blocked_urls)


@pytest.mark.browser
@pytest.mark.slow
@needs_browser
def test_failed_print_leaves_no_file(printer: PdfPrinter, report_html: Path, tmp_path: Path) -> None:
    with pytest.raises(RenderError, match="not found"):
        printer.print_html(tmp_path / "absent.html", tmp_path / "absent.pdf", header="x")
    taken = tmp_path / "report.pdf"
    taken.mkdir()  # the PDF prints, then cannot be renamed into place
    with pytest.raises(RenderError, match="PDF printing failed"):
        printer.print_html(report_html, taken, header="x")
    assert list(tmp_path.iterdir()) == [taken] and not any(taken.iterdir())


@pytest.mark.browser
@pytest.mark.slow
@needs_browser
def test_close_leaves_no_chromium_running(report_html: Path, tmp_path: Path) -> None:
    own = PdfPrinter()
    before = _chromium_pids()  # e.g. the shared printer of the other tests

    def print_and_close() -> set[int]:  # in its own thread: one Playwright session per thread
        with own:
            own.print_html(report_html, tmp_path / "r.pdf", header="x")
            return _chromium_pids() - before

    with ThreadPoolExecutor(max_workers=1) as pool:
        running = pool.submit(print_and_close).result()
    assert running, "expected Chromium processes while the printer is open"
    assert _still_alive_after(running) == []
    assert not own.running


@pytest.mark.browser
@pytest.mark.slow
@needs_browser
def test_pdf_exporter_works_inside_an_event_loop() -> None:
    nb = nbformat.read(FIXTURE, as_version=4)

    async def export() -> tuple[bytes, dict]:
        return ReportPDFExporter().from_notebook_node(nb)

    # asyncio.run in a fresh thread: this test thread already hosts the shared printer's session
    with ThreadPoolExecutor(max_workers=1) as pool:
        pdf, resources = pool.submit(asyncio.run, export()).result()
    assert pdf.startswith(b"%PDF") and resources["output_extension"] == ".pdf"
    assert report_header(nb.metadata) == HEADER


def test_run_outside_event_loop_moves_to_a_thread() -> None:
    def loop_running() -> bool:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return False
        return True

    async def inside() -> bool:
        return run_outside_event_loop(loop_running)

    assert run_outside_event_loop(lambda: 41 + 1) == 42
    with ThreadPoolExecutor(max_workers=1) as pool:  # a thread of its own: no Playwright session in it
        assert pool.submit(asyncio.run, inside()).result() is False


def test_background_printer_without_chromium_refuses_at_start(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from mineresearch.publish.background_printer import BackgroundPrinter

    monkeypatch.delenv("MINERESEARCH_CHROMIUM", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BrowserNotFoundError, match="apt-get install chromium"):
        BackgroundPrinter().start()


@pytest.mark.slow
def test_background_printer_reports_a_browser_that_cannot_start(tmp_path: Path) -> None:
    from mineresearch.publish.background_printer import BackgroundPrinter

    not_a_browser = tmp_path / "chromium"
    not_a_browser.write_text("#!/bin/sh\nexit 3\n")
    not_a_browser.chmod(0o755)
    with BackgroundPrinter(str(not_a_browser)) as printer:
        for _ in range(2):  # every caller hears of the failed launch
            with pytest.raises(RenderError, match="could not start Chromium"):
                printer.print_html(tmp_path / "r.html", tmp_path / "r.pdf", header="x")
    assert not list(tmp_path.glob("*.pdf"))


@pytest.mark.browser
@pytest.mark.slow
@needs_browser
def test_background_printer_prints_like_the_printer_and_closes_its_browser(
    report_html: Path, tmp_path: Path
) -> None:
    from mineresearch.publish.background_printer import BackgroundPrinter

    before = _chromium_pids()
    printer = BackgroundPrinter().start()  # returns at once: the browser launches on the printer's thread
    assert printer.running
    for name in ("a.pdf", "b.pdf"):
        printer.print_html(report_html, tmp_path / name, header=HEADER)
    running = _chromium_pids() - before
    assert running
    printer.close()
    for name in ("a.pdf", "b.pdf"):
        reader = PdfReader(tmp_path / name)
        assert len(reader.pages) >= 2
        assert HEADER in reader.pages[0].extract_text()
    assert _still_alive_after(running) == []
    assert not printer.running


@pytest.mark.browser
@pytest.mark.slow
@needs_browser
def test_background_printer_replaces_a_browser_that_died(report_html: Path, tmp_path: Path) -> None:
    import signal

    from mineresearch.publish.background_printer import BackgroundPrinter

    before = _chromium_pids()
    with BackgroundPrinter() as printer:
        printer.print_html(report_html, tmp_path / "a.pdf", header=HEADER)
        killed = _chromium_pids() - before
        for pid in killed:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)  # the browser dies between two reports
        printer.print_html(report_html, tmp_path / "b.pdf", header=HEADER)
        assert killed and (_chromium_pids() - before) - killed  # a new browser printed it
    assert HEADER in PdfReader(tmp_path / "b.pdf").pages[0].extract_text()
