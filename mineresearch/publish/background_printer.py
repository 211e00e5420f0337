"""A PDF printer that lives in a thread of its own, so its browser starts while other work goes on.

Starting Chromium and Playwright's driver, and printing a first page, take about half a second. A batch
worker that started its browser only when its first PDF was due would wait that long; with
:class:`BackgroundPrinter` the browser is launched and warmed up in the background while the first
notebook executes. Playwright's sync API ties a browser to the thread that started it, so every call
runs on the printer's one thread; callers block until their PDF is written. A browser that died (a crash,
the out-of-memory killer) is replaced, and the PDF it was printing is tried once more.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from mineresearch.exceptions import BrowserNotFoundError, RenderError
from mineresearch.publish.pdf import PdfPrinter, find_chromium, not_found_message


class BackgroundPrinter:
    """One :class:`PdfPrinter` on a private thread; same ``print_html`` as the printer itself.

    Args:
        executable: Chromium to run; default :func:`mineresearch.publish.pdf.find_chromium`.
        warm: Print a small page once the browser is up, so the first report prints at full speed.

    Raises:
        BrowserNotFoundError: From :meth:`start`, when no Chromium executable is found (checked at once).
    """

    def __init__(self, executable: str | None = None, *, warm: bool = True) -> None:
        self.executable = executable
        self.warm = warm
        self._thread: ThreadPoolExecutor | None = None
        self._printer: PdfPrinter | None = None
        self._started: Future[None] | None = None

    @property
    def running(self) -> bool:
        """True between :meth:`start` and :meth:`close`."""
        return self._thread is not None

    def start(self) -> BackgroundPrinter:
        """Begin launching the browser in the background and return at once (a second call does nothing)."""
        if self.running:
            return self
        executable = self.executable or find_chromium()
        if not executable or not Path(executable).is_file():
            raise BrowserNotFoundError(not_found_message())
        self._printer = PdfPrinter(executable)
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mineresearch-pdf")
        self._started = self._thread.submit(self._launch)
        return self

    def _launch(self) -> None:
        assert self._printer is not None
        self._printer.start()
        if self.warm:
            self._printer.warm_up()

    def print_html(
        self, html_path: Path, pdf_path: Path, *, header: str, footer_note: str = "Not investment advice"
    ) -> Path:
        """Print one HTML file to an A4 PDF on the printer's thread (see :meth:`PdfPrinter.print_html`).

        Raises:
            RenderError: When the browser could not start or the page could not be printed.
        """
        self.start()
        assert self._thread is not None and self._started is not None and self._printer is not None
        self._started.result()  # a failed launch is raised to every caller
        printer = self._printer

        def print_once_more_if_the_browser_died() -> Path:
            try:
                return printer.print_html(html_path, pdf_path, header=header, footer_note=footer_note)
            except RenderError:
                if printer.connected:
                    raise
            printer.close()
            printer.start()
            return printer.print_html(html_path, pdf_path, header=header, footer_note=footer_note)

        return self._thread.submit(print_once_more_if_the_browser_died).result()

    def close(self) -> None:
        """Close the browser and stop the thread; no Chromium process is left behind."""
        thread, printer = self._thread, self._printer
        self._thread = self._printer = self._started = None
        if thread is None:
            return
        if printer is not None:
            thread.submit(printer.close).result()
        thread.shutdown(wait=True)

    def __enter__(self) -> BackgroundPrinter:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()
