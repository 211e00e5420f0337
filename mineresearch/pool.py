"""A bounded pool of report workers.

Each worker is a process that keeps one PDF browser open for all its reports and executes notebooks through
the chosen papermill engine (with ``mineresearch_warm``, kernels are forked from a warm zygote). A report that
fails is recorded and the others go on; a worker that dies is replaced and its report marked failed.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue as queue_mod
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.util import Finalize
from pathlib import Path
from typing import Any

from mineresearch.exceptions import MineResearchError
from mineresearch.jobs import ReportJob, ReportResult

_WORKER: dict[str, Any] = {}


# Imported once in the fork server, so that every worker starts with them loaded.
# (the order does not matter: mineresearch.engine builds its papermill class on first use)
WORKER_PRELOAD: tuple[str, ...] = (
    "papermill", "nbconvert", "playwright.sync_api", "mineresearch.runner", "mineresearch.exporters",
    "mineresearch.pdf", "mineresearch.engine",
)


def _init_worker(engine_name: str | None, events: Any, zygote_socket: str | None = None) -> None:
    _WORKER.update(engine=engine_name, events=events, printer=None)
    if zygote_socket:
        from mineresearch.engine import SHARED_ZYGOTE_ENV

        os.environ[SHARED_ZYGOTE_ENV] = zygote_socket  # kernels fork from the build's zygote
    Finalize(None, _close_worker, exitpriority=20)


def _close_worker() -> None:
    printer = _WORKER.pop("printer", None)
    if printer is not None:
        printer.close()
    if _WORKER.get("engine") == "mineresearch_warm":
        try:
            from mineresearch.zygote import stop_current_zygote
        except ImportError:
            return
        stop_current_zygote()


def _printer() -> Any:
    """This worker's browser, started on first use; None without Chromium (the runner then says so)."""
    if _WORKER.get("printer") is None:
        from mineresearch.exceptions import BrowserNotFoundError
        from mineresearch.pdf import PdfPrinter

        printer = PdfPrinter()
        try:
            printer.start()
        except BrowserNotFoundError:
            return None
        _WORKER["printer"] = printer
    return _WORKER["printer"]


def run_one(job: ReportJob, root: Path, input_hash: str | None) -> ReportResult:
    """Run one report in this worker; every failure becomes a ``failed`` result, never an exception."""
    from mineresearch.runner import run_report

    events = _WORKER.get("events")
    if events is not None:
        events.put(("running", job.stem))
    try:
        printer = _printer() if "pdf" in job.formats else None
        result = run_report(job, root, engine_name=_WORKER.get("engine"), printer=printer, check=False)
    except MineResearchError as exc:
        result = ReportResult(job.stem, job.params.period, job.name, "failed", error=str(exc))
    except Exception as exc:  # noqa: BLE001 - a bug in one report must not stop the batch
        tb = traceback.format_exception_only(type(exc), exc)[-1].strip()
        result = ReportResult(job.stem, job.params.period, job.name, "failed", error=f"{job.stem}: {tb}")
    result.input_hash = input_hash
    return result


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
    """
    pending = list(jobs)
    attempts: dict[str, int] = {}
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(list(WORKER_PRELOAD))
    events = ctx.Queue()
    while pending:
        retry: list[tuple[ReportJob, str | None]] = []
        with ProcessPoolExecutor(
            max_workers=max(1, workers), mp_context=ctx, initializer=_init_worker,
            initargs=(engine_name, events, zygote_socket),
        ) as pool:
            futures: dict[Future[ReportResult], tuple[ReportJob, str | None]] = {
                pool.submit(run_one, job, root, h): (job, h) for job, h in pending
            }
            while futures:
                done, _ = wait(futures, timeout=0.1, return_when=FIRST_COMPLETED)
                _drain(events, on_event)
                for fut in done:
                    job, h = futures.pop(fut)
                    try:
                        yield fut.result()
                    except BrokenProcessPool:
                        attempts[job.stem] = attempts.get(job.stem, 0) + 1
                        if attempts[job.stem] < 2:
                            retry.append((job, h))  # a worker died: run it again once in a fresh pool
                        else:
                            yield ReportResult(job.stem, job.params.period, job.name, "failed",
                                               error=f"{job.stem}: the worker process died", input_hash=h)
        _drain(events, on_event)
        pending = retry


def _drain(events: Any, on_event: Callable[[str, str], None] | None) -> None:
    while True:
        try:
            kind, stem = events.get_nowait()
        except (queue_mod.Empty, OSError, ValueError):
            return
        if on_event is not None:
            on_event(kind, stem)
