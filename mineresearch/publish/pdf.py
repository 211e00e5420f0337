"""Print report HTML to A4 PDF with the system's headless Chromium, through Playwright.

One :class:`PdfPrinter` starts one browser and prints many files, which is what a batch wants
(starting Chromium costs far more than printing a page). Pages load offline: every request that
is not a local file or inline data is aborted. Each page gets a running header (company and
quarter) and "Page X of Y" in the footer.

Playwright's sync API cannot run inside a running asyncio event loop (a Jupyter kernel, an async
web server), and an open printer counts as one for its thread: use one printer per thread, from a
plain thread or process. The batch runner calls it from
ordinary worker processes; :class:`mineresearch.publish.exporters.ReportPDFExporter` moves to a worker
thread by itself when a loop is running.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import os
import tempfile
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from mineresearch.exceptions import BrowserNotFoundError, RenderError
from mineresearch.publish.chromium import CANDIDATES as CANDIDATES
from mineresearch.publish.chromium import ENV_VAR as ENV_VAR
from mineresearch.publish.chromium import find_chromium as find_chromium
from mineresearch.publish.chromium import not_found_message as not_found_message

T = TypeVar("T")

CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
)
# A4 with the margins of the template's @page rule (mm): top, right, bottom, left.
MARGINS_MM = (20.0, 16.0, 18.0, 16.0)
A4_WIDTH_MM = 210.0
A4_HEIGHT_MM = 297.0
_PX_PER_MM = 96 / 25.4
_ALLOWED_SCHEMES = ("file:", "data:", "blob:", "about:")

_WARM_UP_HTML = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><style>body{font-family:'Helvetica Neue',Arial,"
    "'Liberation Sans','DejaVu Sans',sans-serif}</style></head><body><h1>Warm-up</h1><p>1,234.5 <b>bold</b> "
    "<i>italic</i></p><table><tr><td>a</td><td>1</td></tr></table><img alt='' src='data:image/svg+xml;base64,"
    "PHN2ZyB4bWxucz0naHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmcnIHdpZHRoPSc4JyBoZWlnaHQ9JzgnPjx0ZXh0PjE8L3RleHQ+PC9zdmc+'>"
    "</body></html>"
)

_BAND_OUTER = "width:100%; box-sizing:border-box; padding:0 {side}mm; -webkit-print-color-adjust:exact;"
_BAND_INNER = (
    "display:flex; justify-content:space-between; gap:12px; color:#5b6474; font-size:7.5pt;"
    " font-family:'Helvetica Neue',Arial,'Liberation Sans','DejaVu Sans',sans-serif;"
)


def header_template(text: str) -> str:
    """Playwright header template: the report's running header (HTML-escaped ``text``)."""
    inner = _BAND_INNER + " border-bottom:0.5pt solid #c9ced6; padding-bottom:1.5mm;"
    return (
        f'<div style="{_BAND_OUTER.format(side=MARGINS_MM[1])} padding-top:8mm;">'
        f'<div style="{inner}"><span>{html.escape(text)}</span></div></div>'
    )


def footer_template(note: str) -> str:
    """Playwright footer template: a short note on the left, "Page X of Y" on the right."""
    return (
        f'<div style="{_BAND_OUTER.format(side=MARGINS_MM[1])}"><div style="{_BAND_INNER}">'
        f"<span>{html.escape(note)}</span>"
        '<span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div></div>'
    )


class PdfPrinter:
    """One headless Chromium that prints HTML files to A4 PDFs; use it as a context manager.

    Example:
        >>> with PdfPrinter() as printer:  # doctest: +SKIP
        ...     printer.print_html(Path("r.html"), Path("r.pdf"), header="Cipher Mining (CIFR) · 2025Q2")

    Args:
        executable: Chromium to run; default :func:`find_chromium`.
        timeout_s: Limit for launching the browser and for loading or printing one page.

    Raises:
        BrowserNotFoundError: On start, when no Chromium executable is found.
    """

    def __init__(self, executable: str | None = None, *, timeout_s: float = 60.0) -> None:
        self.executable = executable
        self.timeout_s = timeout_s
        self.blocked_urls: list[str] = []
        self._playwright: Any = None
        self._browser: Any = None
        self._context: Any = None
        self._page: Any = None  # one page reused for every print: a new page costs a renderer process

    def __enter__(self) -> PdfPrinter:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def running(self) -> bool:
        """True between :meth:`start` and :meth:`close`."""
        return self._browser is not None

    @property
    def connected(self) -> bool:
        """True while the browser is running and reachable (False after it crashed or was killed)."""
        return self._browser is not None and bool(self._browser.is_connected())

    def start(self) -> None:
        """Launch the browser (once; a second call does nothing)."""
        if self.running:
            return
        executable = self.executable or find_chromium()
        if not executable or not Path(executable).is_file():
            raise BrowserNotFoundError(not_found_message())
        _refuse_running_loop()
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        try:
            self._browser = self._playwright.chromium.launch(
                executable_path=executable, args=list(CHROMIUM_ARGS), timeout=self.timeout_s * 1000
            )
            self._context = self._browser.new_context(service_workers="block", java_script_enabled=True)
            self._context.route("**/*", self._route)
        except Exception as exc:
            self.close()
            raise RenderError(f"could not start Chromium ({executable}): {exc}") from exc

    def close(self) -> None:
        """Close the browser and Playwright's driver; no Chromium process is left behind."""
        for closer in (self._context, self._browser):
            if closer is not None:
                try:
                    closer.close()
                except Exception:  # noqa: BLE001 - best effort: the driver stop below kills the rest
                    pass
        self._context = self._browser = self._page = None
        if self._playwright is not None:
            self._playwright.stop()
            self._playwright = None

    def warm_up(self) -> None:
        """Print a small page and throw the PDF away.

        The first print of a fresh browser also starts its renderer and PDF processes and loads fonts;
        doing that ahead (in the background, see :mod:`mineresearch.publish.background_printer`) spares the
        first report.
        """
        if not self.running:
            self.start()
        with tempfile.TemporaryDirectory(prefix="mineresearch-warm-") as folder:
            page = Path(folder) / "warm-up.html"
            page.write_text(_WARM_UP_HTML, encoding="utf-8")
            self.print_html(page, Path(folder) / "warm-up.pdf", header="warm-up")

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(_ALLOWED_SCHEMES):
            route.continue_()
        else:
            self.blocked_urls.append(url)
            route.abort("blockedbyclient")

    @contextmanager
    def loaded_page(self, html_path: Path, *, media: str = "screen") -> Iterator[Any]:
        """A Playwright page showing ``html_path`` (offline), closed on exit; for checks and screenshots.

        Args:
            html_path: The HTML file to load.
            media: CSS media to emulate, ``"screen"`` or ``"print"``.
        """
        if not self.running:
            self.start()
        page = self._context.new_page()
        try:
            page.set_default_timeout(self.timeout_s * 1000)
            page.emulate_media(media=media)
            page.goto(Path(html_path).resolve().as_uri(), wait_until="load")
            yield page
        finally:
            page.close()

    def print_html(
        self, html_path: Path, pdf_path: Path, *, header: str, footer_note: str = "Not investment advice"
    ) -> Path:
        """Print one HTML file to an A4 PDF.

        The PDF is written to a temporary file beside ``pdf_path`` and renamed into place, so a
        failure never leaves a partial file at ``pdf_path``.

        Args:
            html_path: The report's HTML file (loaded as ``file://``; network requests are blocked).
            pdf_path: Where the PDF goes.
            header: Running-header text, e.g. ``"Cipher Mining Inc. (CIFR) · 2025Q2"``.
            footer_note: Text at the bottom left of every page, beside the page numbers.

        Returns:
            ``pdf_path``.

        Raises:
            RenderError: When the page cannot be loaded or printed.
        """
        if not self.running:
            self.start()
        html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path)
        if not html_path.is_file():
            raise RenderError(f"{html_path}: HTML file not found")
        tmp = pdf_path.with_name(f".{pdf_path.name}.{uuid.uuid4().hex[:8]}.tmp")
        if self._page is None or self._page.is_closed():
            self._page = self._context.new_page()
        try:
            self._print_page(self._page, html_path, tmp, header, footer_note)
            os.replace(tmp, pdf_path)
        except Exception as exc:
            with contextlib.suppress(Exception):
                self._page.close()  # a page in an unknown state is not reused
            self._page = None
            raise RenderError(f"{html_path}: PDF printing failed: {exc}") from exc
        finally:
            tmp.unlink(missing_ok=True)
        return pdf_path

    def _print_page(self, page: Any, html_path: Path, out: Path, header: str, footer_note: str) -> None:
        top, right, bottom, left = MARGINS_MM
        width_px = round((A4_WIDTH_MM - left - right) * _PX_PER_MM)
        page.set_default_timeout(self.timeout_s * 1000)
        page.set_viewport_size({"width": width_px, "height": 1000})
        page.emulate_media(media="print")
        page.goto(html_path.as_uri(), wait_until="load")
        page.evaluate("() => window.mineresearchFitTables && window.mineresearchFitTables()")
        page.pdf(
            path=str(out),
            width=f"{A4_WIDTH_MM}mm",
            height=f"{A4_HEIGHT_MM}mm",
            print_background=True,
            display_header_footer=True,
            header_template=header_template(header),
            footer_template=footer_template(footer_note),
            margin={"top": f"{top}mm", "right": f"{right}mm", "bottom": f"{bottom}mm", "left": f"{left}mm"},
            prefer_css_page_size=False,
        )


def _refuse_running_loop() -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise RenderError(
        "PdfPrinter uses Playwright's sync API, which cannot run inside a running asyncio event loop "
        "(nor while another PdfPrinter or Playwright session is open in the same thread); "
        "call it from a plain thread or process, one printer per thread"
    )


def run_outside_event_loop(func: Callable[[], T]) -> T:
    """Call ``func`` here, or in a fresh worker thread when this thread runs an asyncio loop.

    Lets code that prints PDFs work from a Jupyter kernel or an async application, where
    Playwright's sync API would refuse to start.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return func()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(func).result()
