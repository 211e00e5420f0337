"""A bounded pool of report workers, and one browser for all their PDFs.

Each worker is a process that executes notebooks through the chosen papermill engine (with
``mineresearch_warm``, kernels are forked from a warm zygote) and renders their HTML. The PDFs are
printed in the parent by one background browser, started while the first notebooks execute: a worker
hands over a staged report (:class:`mineresearch.run.runner.StagedReport`) and goes on with its next one.
A report that fails is recorded and the others go on; a worker that dies is replaced and its report
run once more, then marked failed.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue as queue_mod
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.util import Finalize
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mineresearch.exceptions import MineResearchError
from mineresearch.run.jobs import ReportJob, ReportResult

if TYPE_CHECKING:
    from mineresearch.publish.background_printer import BackgroundPrinter
    from mineresearch.run.runner import StagedReport

_WORKER: dict[str, Any] = {}


# Imported once in the fork server, so that every worker starts with them loaded; the last one also
# compiles the report template. (mineresearch.fast.engine builds its papermill class on first use.)
WORKER_PRELOAD: tuple[str, ...] = (
    "mineresearch.run.forkserver_lifeline",  # first: the fork server dies with the build (mineresearch.run.lifetime)
    "papermill", "nbconvert", "mineresearch.run.runner", "mineresearch.publish.exporters", "mineresearch.publish.html",
    "mineresearch.fast.engine", "mineresearch.run.worker_warmup",
)


def start_fork_server() -> Any:
    """The forkserver context, its server started now, from this thread (call from the main thread).

    The fork server dies with the thread that started it (:mod:`mineresearch.run.lifetime`): started lazily by
    a pool's helper thread, it would die when that thread ends; started here, it lives as long as the build.
    """
    from multiprocessing import forkserver

    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(list(WORKER_PRELOAD))
    forkserver.ensure_running()
    return ctx


def _init_worker(engine_name: str | None, events: Any, zygote_socket: str | None = None) -> None:
    from mineresearch.run.lifetime import die_with_parent

    die_with_parent()  # the fork server; it dies with the build, so the worker does too
    _WORKER.update(engine=engine_name, events=events)
    if zygote_socket:
        from mineresearch.fast import SHARED_ZYGOTE_ENV

        os.environ[SHARED_ZYGOTE_ENV] = zygote_socket  # kernels fork from the build's zygote
    Finalize(None, _close_worker, exitpriority=20)


def _close_worker() -> None:
    if _WORKER.get("engine") == "mineresearch_warm":
        try:
            from mineresearch.fast import stop_current_zygote
        except ImportError:
            return
        stop_current_zygote()


def _failed(job: ReportJob, exc: BaseException, input_hash: str | None) -> ReportResult:
    """A ``failed`` result naming the report and the error (a traceback's last line for a bug)."""
    if isinstance(exc, MineResearchError):
        error = str(exc)
    else:
        error = f"{job.stem}: {traceback.format_exception_only(type(exc), exc)[-1].strip()}"
    return ReportResult(job.stem, job.params.period, job.name, "failed", error=error, input_hash=input_hash)


def stage_one(job: ReportJob, root: Path, input_hash: str | None) -> StagedReport | ReportResult:
    """In a worker: execute and render one report (its PDF is left to the parent), or say why it failed."""
    from mineresearch.run.runner import stage_report

    events = _WORKER.get("events")
    if events is not None:
        events.put(("running", job.stem))
    try:
        return stage_report(job, root, engine_name=_WORKER.get("engine"), check=False)
    except Exception as exc:  # noqa: BLE001 - a bug in one report must not stop the batch
        return _failed(job, exc, input_hash)


class _Printing:
    """The parent's side of PDFs: one background browser and one thread finishing staged reports.

    The browser is launched only once the workers are running (:meth:`start`), so that it does not
    compete with the fork server's imports, and is ready by the time the first report is staged.
    """

    def __init__(self, wanted: bool) -> None:
        self.wanted = wanted
        self.printer: BackgroundPrinter | None = None
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="mineresearch-finish")

    def start(self) -> None:
        if not self.wanted or self.printer is not None:
            return
        from mineresearch.exceptions import BrowserNotFoundError
        from mineresearch.publish.background_printer import BackgroundPrinter

        try:
            self.printer = BackgroundPrinter().start()
        except BrowserNotFoundError:
            self.wanted = False  # each PDF then fails saying how to install one; its HTML is still written

    def finish(self, staged: StagedReport, input_hash: str | None) -> Future[ReportResult]:
        """Print the staged report's PDF and move its files into place, on the finishing thread."""
        return self.thread.submit(self._finish, staged, input_hash)

    def _finish(self, staged: StagedReport, input_hash: str | None) -> ReportResult:
        from mineresearch.run.runner import finish_report

        try:
            result = finish_report(staged, self.printer)
        except Exception as exc:  # noqa: BLE001 - one report's PDF must not stop the batch
            return _failed(staged.job, exc, input_hash)
        result.input_hash = input_hash
        return result

    def close(self) -> None:
        self.thread.shutdown(wait=True)
        if self.printer is not None:
            self.printer.close()
            self.printer = None


def run_pool(
    jobs: Iterable[tuple[ReportJob, str | None]],
    root: Path,
    *,
    workers: int,
    engine_name: str | None,
    on_event: Callable[[str, str], None] | None = None,
    zygote_socket: str | None = None,
) -> Iterator[ReportResult]:
    """Run ``(job, input_hash)`` pairs on ``workers`` processes; yield results as they finish.

    Workers are forked from a fork server that has imported the rendering stack once. With
    ``zygote_socket`` (a running zygote's socket), every worker's kernels fork from that one zygote.
    PDFs are printed here, by one browser for the whole pool.
    """
    pending = list(jobs)
    printing = _Printing(any("pdf" in job.formats for job, _ in pending))
    try:
        yield from _run(pending, root, workers, engine_name, on_event, zygote_socket, printing)
    finally:
        printing.close()


def _run(
    pending: list[tuple[ReportJob, str | None]],
    root: Path,
    workers: int,
    engine_name: str | None,
    on_event: Callable[[str, str], None] | None,
    zygote_socket: str | None,
    printing: _Printing,
) -> Iterator[ReportResult]:
    attempts: dict[str, int] = {}
    ctx = start_fork_server()
    events = ctx.Queue()
    while pending:
        retry: list[tuple[ReportJob, str | None]] = []
        with ProcessPoolExecutor(
            max_workers=max(1, workers), mp_context=ctx, initializer=_init_worker,
            initargs=(engine_name, events, zygote_socket),
        ) as pool:
            staging: dict[Future[Any], tuple[ReportJob, str | None]] = {
                pool.submit(stage_one, job, root, h): (job, h) for job, h in pending
            }
            printing.start()  # the workers are up (submitting forks them): now the browser
            try:
                yield from _collect(staging, printing, attempts, retry, events, on_event)
            except BaseException:  # an interrupt, or the caller stopped iterating
                _abandon(pool, staging)
                raise
        _drain(events, on_event)
        pending = retry


def _collect(
    staging: dict[Future[Any], tuple[ReportJob, str | None]],
    printing: _Printing,
    attempts: dict[str, int],
    retry: list[tuple[ReportJob, str | None]],
    events: Any,
    on_event: Callable[[str, str], None] | None,
) -> Iterator[ReportResult]:
    """Yield results as reports end; a staged report goes on to the printer, a dead worker's job to ``retry``."""
    finishing: set[Future[ReportResult]] = set()
    while staging or finishing:
        done, _ = wait({*staging, *finishing}, timeout=0.1, return_when=FIRST_COMPLETED)
        _drain(events, on_event)
        for fut in done:
            if fut in finishing:
                finishing.discard(fut)
                yield fut.result()
                continue
            job, h = staging.pop(fut)
            try:
                outcome = fut.result()
            except BrokenProcessPool:
                attempts[job.stem] = attempts.get(job.stem, 0) + 1
                if attempts[job.stem] < 2:
                    retry.append((job, h))  # a worker died: run it again once in a fresh pool
                else:
                    yield ReportResult(job.stem, job.params.period, job.name, "failed",
                                       error=f"{job.stem}: the worker process died", input_hash=h)
                continue
            if isinstance(outcome, ReportResult):
                yield outcome
            else:
                finishing.add(printing.finish(outcome, h))


def _abandon(pool: ProcessPoolExecutor, staging: dict[Future[Any], Any]) -> None:
    """Stop a pool early: queued reports are cancelled, the running ones end, and what they staged is removed.

    The previous good reports stay as they were; no temporary file is left behind.
    """
    pool.shutdown(wait=True, cancel_futures=True)
    for fut in staging:
        if fut.done() and not fut.cancelled() and fut.exception() is None:
            outcome = fut.result()
            if not isinstance(outcome, ReportResult):
                outcome.discard()


def _drain(events: Any, on_event: Callable[[str, str], None] | None) -> None:
    while True:
        try:
            kind, stem = events.get_nowait()
        except (queue_mod.Empty, OSError, ValueError):
            return
        if on_event is not None:
            on_event(kind, stem)
