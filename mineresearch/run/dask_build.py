"""The build process's side of a Dask build: submit reports to a scheduler, finish them here as they arrive.

``mineresearch build --scheduler tcp://host:8786`` (or ``--scheduler local`` for a LocalCluster of this
machine) hands each report to :func:`mineresearch.run.dask_worker.stage_remote` on a Dask worker. Each worker
keeps one warm zygote (:class:`~mineresearch.run.dask_worker.WarmWorkerPlugin`) and returns the rendered
files' contents; this process writes them beside the final files under hidden temporary names, prints the
PDFs with one background browser and moves everything into place with :func:`mineresearch.run.runner.finish_report`,
exactly as the local pool does, then yields each result to :func:`mineresearch.run.build.build`, which records
the manifest and writes the index.

On connect every worker must run the same package version, source, template and dataset as this process
(checked with ``Client.run``); otherwise the build is refused. A worker that dies has its reports run once
more elsewhere (the scheduler's ``allowed-failures``: 1 on a LocalCluster); a report lost a second time, or
whose worker refuses it, is a failed result like any other.

``distributed`` is an optional extra (``pip install 'mineresearch[dask]'``); this module is imported only when
a build is given a scheduler.
"""

from __future__ import annotations

import contextlib
import queue as queue_mod
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mineresearch.exceptions import MineResearchError
from mineresearch.run.jobs import ReportJob, ReportResult
from mineresearch.run.pool import _Printing

if TYPE_CHECKING:
    from mineresearch.run.runner import StagedReport

LOCAL = "local"
CONNECT_TIMEOUT_S = 30.0
ALLOWED_FAILURES = 1  # a report whose worker died runs once more elsewhere


class DaskUnavailableError(MineResearchError):
    """``--scheduler`` was given, but ``distributed`` is missing or the cluster cannot be used."""


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise DaskUnavailableError(
            "--scheduler needs Dask's distributed package: pip install 'mineresearch[dask]'"
        ) from None
    return distributed


@contextlib.contextmanager
def connect(scheduler: str, workers: int | None = None) -> Iterator[Any]:
    """A ``distributed.Client`` on ``scheduler`` (an address, or ``local`` for a LocalCluster of this machine).

    A LocalCluster has ``workers`` processes (default: one per core) of one thread each.
    """
    distributed = _distributed()
    import dask

    if scheduler == LOCAL:
        from mineresearch.run.build import default_workers

        with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES}):
            cluster = distributed.LocalCluster(
                n_workers=workers or default_workers(), threads_per_worker=1, processes=True,
                dashboard_address=None, silence_logs=40, host="127.0.0.1",
            )
        try:
            with distributed.Client(cluster) as client:
                yield client
        finally:
            cluster.close()
        return
    try:
        client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT_S)
    except OSError as exc:
        raise DaskUnavailableError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    try:
        yield client
    finally:
        client.close()


def check_workers(client: Any, data_path: str | None) -> dict[str, str]:
    """The build's identity, once every worker connected now was found to share it; raise otherwise."""
    from mineresearch.run.dask_worker import identity, identity_mismatch

    expected = identity(data_path)
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT_S)
    except TimeoutError:
        raise DaskUnavailableError(f"no Dask worker joined within {CONNECT_TIMEOUT_S:.0f} s") from None
    try:
        found = client.run(identity, data_path)
    except Exception as exc:  # noqa: BLE001 - a worker without the package cannot even answer
        raise DaskUnavailableError(f"a Dask worker could not check its package and dataset: {exc}") from None
    problems = [f"{addr} runs {why}" for addr, ident in sorted(found.items())
                if (why := identity_mismatch(expected, ident))]
    if problems:
        raise DaskUnavailableError("workers differ from this build, refused: " + "; ".join(problems))
    return expected


class _Finisher(_Printing):
    """Write what workers return beside the final files, print PDFs with the local pool's one browser and
    finishing thread (:class:`~mineresearch.run.pool._Printing`), move files into place."""

    def __init__(self, root: Path, wanted_pdf: bool) -> None:
        super().__init__(wanted_pdf)
        self.root = Path(root)
        self.start()

    def submit(self, outcome: Any, input_hash: str | None) -> Future[ReportResult]:
        return self.thread.submit(self._finish, outcome, input_hash)

    def _finish(self, outcome: Any, input_hash: str | None) -> ReportResult:  # type: ignore[override]
        from mineresearch.run.dask_worker import RemoteFailure
        from mineresearch.run.runner import finish_report

        if isinstance(outcome, RemoteFailure):
            return self._failed(outcome)
        job: ReportJob = outcome.job
        staged = None
        try:
            staged = self._stage(outcome)
            result = finish_report(staged, self.printer)
        except Exception as exc:  # noqa: BLE001 - one report's PDF must not stop the batch
            if staged is not None:
                staged.discard()
            from mineresearch.run.dask_worker import _failure

            return _failure(job, exc, input_hash)
        result.input_hash = input_hash
        return result

    def _stage(self, remote: Any) -> StagedReport:
        """The worker's files as a :class:`~mineresearch.run.runner.StagedReport` under this reports folder."""
        from mineresearch.run.dask_worker import swap_root
        from mineresearch.run.runner import StagedReport

        job: ReportJob = remote.job
        folder = job.out_dir(self.root)
        folder.mkdir(parents=True, exist_ok=True)
        tag = uuid.uuid4().hex[:8]
        temps: dict[str, Path] = {}
        staged = StagedReport(job, self.root, temps, None, remote.header, dict(remote.seconds))
        try:
            for fmt, data in remote.files.items():
                temps[fmt] = folder / f".{job.stem}.dask-{tag}.tmp.{fmt}"
                temps[fmt].write_bytes(swap_root(data, remote.worker_root, str(self.root)))
            staged.provenance = dict(getattr(remote, "provenance", {}) or {})
            downloads = getattr(remote, "downloads", {}) or {}
            if downloads:
                staged.data_dir = folder / f".{job.stem}.dask-{tag}.tmp.data"
                for rel, data in downloads.items():
                    target = staged.data_dir / rel
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
            if "pdf" in job.formats:
                if remote.print_html is not None:  # the static page of an interactive report, or no HTML asked
                    staged.print_source = folder / f".{job.stem}.dask-{tag}.print.tmp.html"
                    staged.print_source.write_bytes(swap_root(remote.print_html, remote.worker_root, str(self.root)))
                elif "html" in temps:
                    staged.print_source = temps["html"]
        except BaseException:
            staged.discard()
            raise
        return staged

    def _failed(self, failure: Any) -> ReportResult:
        """A failed report as today: the previous files stay, the failed notebook is kept beside them."""
        from mineresearch.run.dask_worker import swap_root

        result: ReportResult = failure.result
        if failure.failed_notebook is not None and failure.worker_root:
            folder = Path(self.root) / result.period / result.name
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"{result.stem}.failed.ipynb"
            target.write_bytes(swap_root(failure.failed_notebook, failure.worker_root, str(self.root)))
        if result.error and failure.worker_root:
            result.error = result.error.replace(failure.worker_root, str(self.root))
        return result


def run_dask(
    jobs: Iterable[tuple[ReportJob, str | None]],
    root: Path,
    scheduler: str,
    *,
    data_path: str | None = None,
    workers: int | None = None,
    on_event: Callable[[str, str], None] | None = None,
) -> Iterator[ReportResult]:
    """Run ``(job, input_hash)`` pairs on a Dask cluster; yield each result once its files are in place.

    Args:
        jobs: the reports to build and their manifest hashes.
        root: the reports folder (only this process writes to it).
        scheduler: ``tcp://host:port`` of a running scheduler, or ``local`` for a LocalCluster.
        data_path: the dataset folder (the same path must hold the same files on every worker).
        workers: worker processes of a LocalCluster (default: one per core).
        on_event: called with ``("running", stem)`` when a worker starts a report.
    """
    pending = list(jobs)
    if not pending:
        return
    with connect(scheduler, workers) as client:
        expected = check_workers(client, data_path)
        yield from _run(client, pending, Path(root), expected, on_event)


def _run(client: Any, pending: list[tuple[ReportJob, str | None]], root: Path, expected: dict[str, str],
         on_event: Callable[[str, str], None] | None) -> Iterator[ReportResult]:
    from distributed import as_completed

    from mineresearch.run.dask_worker import EVENT_TOPIC, PLUGIN_NAME, WarmWorkerPlugin, stage_remote

    events: queue_mod.Queue[tuple[str, str]] = queue_mod.Queue()

    def _on_topic(event: Any) -> None:
        _, msg = event
        if isinstance(msg, dict) and msg.get("kind") == "running":
            events.put(("running", str(msg.get("stem"))))

    client.subscribe_topic(EVENT_TOPIC, _on_topic)
    client.register_plugin(WarmWorkerPlugin(), name=PLUGIN_NAME)
    finisher = _Finisher(root, any("pdf" in job.formats for job, _ in pending))
    tag = uuid.uuid4().hex[:8]
    by_future: dict[Any, tuple[ReportJob, str | None]] = {}
    for job, h in pending:
        fut = client.submit(stage_remote, job, h, expected, key=f"mineresearch-{job.stem}-{tag}",
                            pure=False, retries=1)
        by_future[fut] = (job, h)
    arriving = as_completed(list(by_future))
    finishing: list[Future[ReportResult]] = []
    try:
        while by_future or finishing:
            idle = True
            for fut in arriving.next_batch(block=False) if by_future else []:
                idle = False
                job, h = by_future.pop(fut)
                outcome = _outcome(fut, job, h)
                if isinstance(outcome, ReportResult):
                    yield outcome
                else:
                    finishing.append(finisher.submit(outcome, h))
            for done in [f for f in finishing if f.done()]:
                idle = False
                finishing.remove(done)
                yield done.result()
            _drain(events, on_event)
            if idle:
                time.sleep(0.02)
    finally:
        for fut in by_future:
            fut.cancel()
        finisher.close()
        with contextlib.suppress(Exception):
            client.unsubscribe_topic(EVENT_TOPIC)
        with contextlib.suppress(Exception):
            client.unregister_worker_plugin(PLUGIN_NAME)  # stops the workers' zygotes


def _outcome(fut: Any, job: ReportJob, input_hash: str | None) -> Any:
    """The worker's return value, or a failed result when the task itself could not complete."""
    from distributed import KilledWorker

    try:
        return fut.result()
    except KilledWorker:
        error = f"{job.stem}: the worker process died (twice)"
    except Exception as exc:  # noqa: BLE001 - a lost task is one failed report, not a failed build
        error = f"{job.stem}: the Dask task failed: {type(exc).__name__}: {exc}"
    return ReportResult(job.stem, job.params.period, job.name, "failed", error=error, input_hash=input_hash)


def _drain(events: queue_mod.Queue[tuple[str, str]], on_event: Callable[[str, str], None] | None) -> None:
    while True:
        try:
            kind, stem = events.get_nowait()
        except queue_mod.Empty:
            return
        if on_event is not None:
            on_event(kind, stem)

