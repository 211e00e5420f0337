"""One report: check parameters, execute with papermill, render HTML and PDF, write atomically.

Nothing is replaced until everything succeeded: outputs are written to hidden temporary files beside the
final ones and renamed at the end. When a cell fails, the previous good report stays in place and the
failed notebook is kept beside it as ``<stem>.failed.ipynb``; the error names the failing cell.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mineresearch.exceptions import BrowserNotFoundError, ParameterError, ReportExecutionError
from mineresearch.report.params import ReportParams
from mineresearch.run.files import describe_failed_cell as describe_failed_cell
from mineresearch.run.files import keep_whole_notebook as keep_whole_notebook
from mineresearch.run.files import replace_dir, temp_token
from mineresearch.run.jobs import ReportJob, ReportResult
from mineresearch.run.warm import use_report_preload

if TYPE_CHECKING:
    import nbformat

    from mineresearch.publish.background_printer import BackgroundPrinter
    from mineresearch.publish.pdf import PdfPrinter
    from mineresearch.run.kernel_prestart import PrestartedKernel


def check_job(job: ReportJob) -> None:
    """Refuse a job whose ticker or period has no data, before any kernel starts."""
    from mineresearch.dataset.catalog import read_catalog

    cat = read_catalog(job.params.data_path)
    period = job.params.period
    if isinstance(job.params, ReportParams):
        ticker = job.params.ticker
        if ticker not in cat.names:
            raise ParameterError(f"unknown ticker {ticker!r}; known: {', '.join(sorted(cat.names))}")
        periods = cat.periods.get(ticker, ())
        if period not in periods:
            raise ParameterError(f"no figures on file for {ticker} {period}; quarters on file: {', '.join(periods)}")
    elif not cat.tickers(period):
        raise ParameterError(f"no company has figures on file for {period}")


def title_metadata(job: ReportJob) -> dict[str, Any]:
    """The title block the template prints (company, quarter, data as-of, generated date) and provenance."""
    from mineresearch.publish.notebook import title_metadata as metadata

    return metadata(job.params, scenario=job.scenario, interactive_charts=job.interactive_charts)


def _source_notebook(job: ReportJob) -> nbformat.NotebookNode:
    """The job's notebook with the title block in its metadata (papermill carries it to the output)."""
    import copy

    import nbformat

    path = job.notebook
    stamp = (str(path), path.stat().st_mtime_ns)
    if _NOTEBOOKS.get("stamp") != stamp:
        _NOTEBOOKS.update(stamp=stamp, nb=nbformat.read(path, as_version=4))
    nb = copy.deepcopy(_NOTEBOOKS["nb"])
    nb.metadata["mineresearch"] = title_metadata(job)
    return nb


_NOTEBOOKS: dict[str, Any] = {}


def _execute(job: ReportJob, out: Path, engine_name: str | None, kernel: PrestartedKernel | None = None
             ) -> nbformat.NotebookNode:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from mineresearch.fast import IPCKernelManager

    kwargs: dict[str, Any] = {"engine_name": engine_name} if engine_name else {"kernel_manager_class": IPCKernelManager}
    if kernel is not None:
        kwargs["km"] = kernel.km  # started (and warmed) by stage_report while this process imported papermill
    try:
        return pm.execute_notebook(
            _source_notebook(job), str(out), parameters=job.params.notebook_parameters(),
            progress_bar=False, log_output=False, kernel_name="python3", request_save_on_cell_execute=False,
            shutdown_kernel="immediate", **kwargs,
        )
    except PapermillExecutionError as exc:
        raise ReportExecutionError(
            f"{job.stem}: cell {exc.cell_index} (execution count {exc.exec_count}) failed: "
            f"{exc.ename}: {exc.evalue}"
        ) from None
    except Exception as exc:  # kernel died, timeout, ...
        raise ReportExecutionError(f"{job.stem}: execution failed: {type(exc).__name__}: {exc}") from exc
    finally:
        if kernel is not None:
            kernel.shutdown()


@dataclass
class StagedReport:
    """A report executed and rendered into hidden temporary files, waiting for its PDF and the final renames.

    :func:`stage_report` makes one, :func:`finish_report` completes it; a batch can stage in worker
    processes and print every PDF with one browser in the parent.
    """

    job: ReportJob
    output_root: Path
    temps: dict[str, Path]  # format -> temporary file beside the final one
    print_source: Path | None  # the HTML to print (temps["html"] or a scratch file); None without a PDF
    header: str
    seconds: dict[str, float] = field(default_factory=dict)
    data_dir: Path | None = None  # the downloads (CSV, XLSX), staged in a hidden folder beside the report
    provenance: dict[str, Any] = field(default_factory=dict)  # what the report was built from (its footer)

    def discard(self) -> None:
        """Remove the temporary files (the previous good report stays as it was)."""
        for tmp in (*self.temps.values(), *([self.print_source] if self.print_source else [])):
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        if self.data_dir is not None:
            shutil.rmtree(self.data_dir, ignore_errors=True)


def stage_report(
    job: ReportJob, output_root: Path, *, engine_name: str | None = None, check: bool = True
) -> StagedReport:
    """Execute a report's notebook and render its HTML into temporary files; raise on failure.

    Args:
        job: the report and its formats.
        output_root: the reports folder.
        engine_name: papermill engine (``None``: papermill's default; ``mineresearch_warm``: forked kernels).
        check: look the ticker and period up in the dataset first (skip when the caller already did).
    """
    if check:
        check_job(job)
    # On papermill's default engine (a cold report), the kernel starts first and warms up while this process
    # imports the rendering stack and compiles the template (mineresearch.run.kernel_prestart).
    kernel = _prestart(job) if engine_name is None else None
    from mineresearch.publish.exporters import report_header

    folder = job.out_dir(output_root)
    folder.mkdir(parents=True, exist_ok=True)
    token = temp_token()
    temps = {fmt: folder / f".{job.stem}.{token}.tmp.{fmt}" for fmt in job.outputs(output_root) if fmt != "pdf"}
    failed_nb = folder / f"{job.stem}.failed.ipynb"
    staged = StagedReport(job, Path(output_root), temps, None, "")
    t0 = time.perf_counter()
    try:
        try:
            nb = _execute(job, temps["ipynb"], engine_name, kernel)
        except ReportExecutionError as exc:
            if keep_whole_notebook(temps["ipynb"], failed_nb):
                where = describe_failed_cell(failed_nb)
                raise ReportExecutionError(f"{exc}{where} (failed notebook kept at {failed_nb})") from None
            raise
        staged.seconds["execute"] = time.perf_counter() - t0
        staged.header = report_header(nb.metadata)  # as `jupyter nbconvert --to mineresearch_pdf` prints it
        staged.provenance = dict(nb.metadata.get("mineresearch", {}).get("provenance", {}))
        if "html" in job.formats or "pdf" in job.formats:
            t1 = time.perf_counter()
            _render_pages(staged, nb, folder / f".{job.stem}.{token}")
            staged.seconds["html"] = time.perf_counter() - t1
    except BaseException:
        staged.discard()
        raise
    return staged


def _render_pages(staged: StagedReport, nb: nbformat.NotebookNode, scratch: Path) -> None:
    """Render the report's page (``temps["html"]``), the page to print and the downloads, beside the report.

    The PDF is printed from a static page: the report's own page when its charts are static, else a second
    rendering of the same notebook with each chart's SVG (``<scratch>.print.tmp.html``), so the PDF of an
    interactive report is the PDF of its static one.
    """
    from mineresearch.publish.html import render_report

    job, temps = staged.job, staged.temps
    interactive = job.interactive_charts and "html" in temps
    html, downloads = render_report(nb, job.stem, interactive_charts=interactive)
    if "html" in temps:
        temps["html"].write_text(html, encoding="utf-8")
    if "pdf" in job.formats:
        if "html" in temps and not interactive:
            staged.print_source = temps["html"]
        else:
            staged.print_source = scratch.with_name(f"{scratch.name}.print.tmp.html")
            printable = render_report(nb, job.stem)[0] if interactive else html
            staged.print_source.write_text(printable, encoding="utf-8")
    if downloads:
        staged.data_dir = scratch.with_name(f"{scratch.name}.tmp.data")
        shutil.rmtree(staged.data_dir, ignore_errors=True)
        for rel, content in downloads.items():
            target = staged.data_dir / Path(rel).relative_to(f"{job.stem}_data")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)


def _prestart(job: ReportJob) -> PrestartedKernel | None:
    from mineresearch.run.kernel_prestart import prestart

    kernel = prestart(job.params.data_path)
    if kernel is not None and ("html" in job.formats or "pdf" in job.formats):
        from mineresearch.publish.html import warm_html_exporter

        try:
            warm_html_exporter()
        except Exception:  # noqa: BLE001 - the first render then compiles the template itself
            pass
    return kernel


def finish_report(staged: StagedReport, printer: PdfPrinter | BackgroundPrinter | None = None) -> ReportResult:
    """Print the staged report's PDF (when asked) and move every file into place; raise on failure.

    Nothing is replaced unless the PDF printed. Without a browser the HTML is still put in place, then
    ``BrowserNotFoundError`` is raised.

    Args:
        staged: what :func:`stage_report` made.
        printer: an open printer to reuse for the PDF (one browser for a batch); opened here if needed.
    """
    job = staged.job
    finals = job.outputs(staged.output_root)
    folder = job.out_dir(staged.output_root)
    temps = dict(staged.temps)
    no_browser: BrowserNotFoundError | None = None
    try:
        if staged.print_source is not None:
            temps["pdf"] = folder / f".{job.stem}.{temp_token()}.tmp.pdf"
            t2 = time.perf_counter()
            try:
                _print_pdf(staged.print_source, temps["pdf"], staged.header, printer)
            except BrowserNotFoundError as exc:
                no_browser = exc  # the HTML is still written; the error is raised once it is in place
                if "html" not in temps:
                    temps["html"] = staged.print_source
                    finals["html"] = folder / f"{job.stem}.html"
            staged.seconds["pdf"] = time.perf_counter() - t2
        for fmt in ("pdf", "html", "ipynb"):
            if fmt in temps and temps[fmt].exists():
                os.replace(temps[fmt], finals[fmt])
        if staged.data_dir is not None and staged.data_dir.is_dir():
            replace_dir(staged.data_dir, folder / f"{job.stem}_data")
        (folder / f"{job.stem}.failed.ipynb").unlink(missing_ok=True)
    finally:
        staged.discard()
        with contextlib.suppress(FileNotFoundError, KeyError):
            temps["pdf"].unlink()
    seconds = dict(staged.seconds)
    seconds["total"] = sum(seconds.values())
    if no_browser is not None:
        raise BrowserNotFoundError(f"{job.stem}: HTML written to {finals['html']}, but no PDF: {no_browser}")
    return ReportResult(
        stem=job.stem, period=job.params.period, name=job.name, status="ok",
        outputs={fmt: str(p) for fmt, p in finals.items()}, seconds=seconds,
        provenance=staged.provenance or None,
    )


def run_report(
    job: ReportJob,
    output_root: Path,
    *,
    engine_name: str | None = None,
    printer: PdfPrinter | BackgroundPrinter | None = None,
    check: bool = True,
) -> ReportResult:
    """Build one report into ``output_root/<period>/<name>/``; raise a ``MineResearchError`` on failure.

    Outputs are written to hidden temporary files and renamed into place only once everything succeeded.

    Args:
        job: the report and its formats.
        output_root: the reports folder.
        engine_name: papermill engine (``None``: papermill's default; ``mineresearch_warm``: forked kernels).
        printer: an open printer to reuse for the PDF (one browser for a batch); opened here if needed.
        check: look the ticker and period up in the dataset first (skip when the caller already did).
    """
    use_report_preload()  # the warm kernels preload the report code (data handed to mineresearch.fast)
    return finish_report(stage_report(job, output_root, engine_name=engine_name, check=check), printer)


def _print_pdf(html: Path, pdf: Path, header: str, printer: PdfPrinter | BackgroundPrinter | None) -> None:
    from mineresearch.publish.pdf import PdfPrinter

    if printer is not None:
        printer.print_html(html, pdf, header=header)
        return
    with PdfPrinter() as own:
        own.print_html(html, pdf, header=header)
