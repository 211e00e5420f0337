"""The worker side of a Dask build: a plugin that keeps one warm kernel source per worker, and the task.

A Dask worker runs :func:`stage_remote` for each report: the notebook is executed with the
``mineresearch_warm`` engine (kernels forked from this worker's zygote, started once by
:class:`WarmWorkerPlugin`) and its HTML rendered into a private temporary folder; the files' contents
travel back to the build process, which writes them, prints the PDF and records the manifest
(:mod:`mineresearch.run.dask_build`). No file system is shared between the build and the workers.

Like :mod:`mineresearch.run.dask_build`, this module needs ``distributed`` (the ``dask`` extra) and is imported
only by a build given ``--scheduler``, and by the workers it runs on.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from distributed import WorkerPlugin

from mineresearch.run.jobs import ReportJob, ReportResult

EVENT_TOPIC = "mineresearch-build"
PLUGIN_NAME = "mineresearch-warm"
WARM_ENGINE = "mineresearch_warm"


@dataclass
class RemoteReport:
    """A report executed and rendered on a worker: file contents instead of paths.

    ``files`` maps a format (``ipynb``, ``html``) to its bytes; ``print_html`` is the page to print when
    a PDF is wanted and the HTML file is not that page (none asked for, or its charts are interactive).
    ``worker_root`` is the temporary reports folder the worker used, so that the build process can put its
    own folder back where the worker's path was recorded.
    """

    job: ReportJob
    files: dict[str, bytes]
    print_html: bytes | None
    header: str
    worker_root: str
    seconds: dict[str, float] = field(default_factory=dict)
    downloads: dict[str, bytes] = field(default_factory=dict)  # the report's download folder, by relative path
    provenance: dict[str, Any] = field(default_factory=dict)


@dataclass
class RemoteFailure:
    """A report that failed on a worker: the result (its error names the cell) and the failed notebook."""

    result: ReportResult
    failed_notebook: bytes | None = None
    worker_root: str = ""


def data_fingerprint(data_path: str | None) -> str:
    """Hash of the dataset files a report reads (the packaged data when ``data_path`` is None)."""
    from mineresearch.paths import PACKAGE_DATA_DIR
    from mineresearch.run.manifest import DATA_FILES

    folder = Path(data_path) if data_path else PACKAGE_DATA_DIR
    digest = hashlib.sha256()
    for name in DATA_FILES:
        path = folder / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"<absent>")
    return digest.hexdigest()


def identity(data_path: str | None) -> dict[str, str]:
    """What a worker must share with the build: package version, code and template, dataset."""
    from mineresearch import __version__
    from mineresearch.run.manifest import shared_inputs_hash

    return {"version": __version__, "dataset": data_fingerprint(data_path),
            "inputs": shared_inputs_hash(data_path)}


def identity_mismatch(expected: dict[str, str], found: dict[str, str]) -> str | None:
    """Why ``found`` (a worker's identity) differs from ``expected`` (the build's), or None when equal."""
    if found.get("version") != expected.get("version"):
        return f"mineresearch {found.get('version')} instead of {expected.get('version')}"
    if found.get("dataset") != expected.get("dataset"):
        return "a different dataset (fingerprint " + str(found.get("dataset"))[:12] + " instead of " + \
            str(expected.get("dataset"))[:12] + ")"
    if found.get("inputs") != expected.get("inputs"):
        return "different package source or report template"
    return None


_STATE: dict[str, Any] = {}


class WarmWorkerPlugin(WorkerPlugin):
    """Dask worker plugin: start this worker's zygote and compile the report template once.

    The zygote is started without waiting for its imports: the first report's kernel request simply
    queues until it is ready. It stops with the worker, or when the build unregisters the plugin.
    """

    name = PLUGIN_NAME

    def setup(self, worker: Any = None) -> None:
        from mineresearch.fast import current_zygote

        current_zygote()  # one warm kernel source for every report this worker runs
        _STATE["identities"] = {}
        try:
            import papermill  # noqa: F401 - loaded once here rather than in the first report

            from mineresearch.publish.html import warm_html_exporter

            warm_html_exporter()
        except Exception:  # noqa: BLE001 - a failed warm-up leaves the work to the first report
            pass

    def teardown(self, worker: Any = None) -> None:
        from mineresearch.fast import stop_current_zygote

        stop_current_zygote()


def _own_identity(data_path: str | None) -> dict[str, str]:
    known: dict[str | None, dict[str, str]] = _STATE.setdefault("identities", {})
    if data_path not in known:
        known[data_path] = identity(data_path)
    return known[data_path]


def _announce(stem: str) -> None:
    """Tell the build that this worker started a report (shown as 'running' in its progress display)."""
    try:
        from distributed import get_worker

        get_worker().log_event(EVENT_TOPIC, {"kind": "running", "stem": stem})
    except Exception:  # noqa: BLE001 - progress is a courtesy; outside a worker there is nobody to tell
        pass


def _failure(job: ReportJob, exc: BaseException, input_hash: str | None) -> ReportResult:
    from mineresearch.exceptions import MineResearchError

    if isinstance(exc, MineResearchError):
        error = str(exc)
    else:
        error = f"{job.stem}: {traceback.format_exception_only(type(exc), exc)[-1].strip()}"
    return ReportResult(job.stem, job.params.period, job.name, "failed", error=error, input_hash=input_hash)


def stage_remote(job: ReportJob, input_hash: str | None, expected: dict[str, str] | None = None
                 ) -> RemoteReport | RemoteFailure:
    """On a worker: execute and render one report into a private folder and return its files' contents.

    Args:
        job: the report (its ``data_path``, if any, must exist on the worker too).
        input_hash: the manifest hash the build computed, carried into a failure's result.
        expected: the build's :func:`identity`; a worker that differs refuses the report.
    """
    from mineresearch.run.runner import stage_report

    _announce(job.stem)
    if expected is not None:
        why = identity_mismatch(expected, _own_identity(job.params.data_path))
        if why:
            return RemoteFailure(ReportResult(job.stem, job.params.period, job.name, "failed", input_hash=input_hash,
                                              error=f"{job.stem}: this worker runs {why}"))
    root = Path(tempfile.mkdtemp(prefix="mineresearch-dask-"))
    try:
        try:
            staged = stage_report(job, root, engine_name=WARM_ENGINE, check=False)
        except Exception as exc:  # noqa: BLE001 - a failed report is a result, not a task error
            failed = job.out_dir(root) / f"{job.stem}.failed.ipynb"
            return RemoteFailure(_failure(job, exc, input_hash),
                                 failed.read_bytes() if failed.is_file() else None, str(root))
        files = {fmt: path.read_bytes() for fmt, path in staged.temps.items()}
        print_html = None
        if staged.print_source is not None and staged.print_source != staged.temps.get("html"):
            print_html = staged.print_source.read_bytes()  # no HTML asked for, or an interactive one
        downloads: dict[str, bytes] = {}
        if staged.data_dir is not None and staged.data_dir.is_dir():
            downloads = {p.relative_to(staged.data_dir).as_posix(): p.read_bytes()
                         for p in sorted(staged.data_dir.rglob("*")) if p.is_file()}
        return RemoteReport(job, files, print_html, staged.header, str(root), dict(staged.seconds), downloads,
                            dict(staged.provenance))
    finally:
        shutil.rmtree(root, ignore_errors=True)


def swap_root(data: bytes, worker_root: str, root: str) -> bytes:
    """``data`` with the worker's temporary reports folder replaced by the build's (as JSON strings hold it)."""
    if not worker_root or worker_root == root:
        return data
    old, new = json.dumps(worker_root)[1:-1].encode(), json.dumps(root)[1:-1].encode()
    return data.replace(old, new)
