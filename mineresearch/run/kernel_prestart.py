"""A cold report's kernel, started first and warmed while this process does its own imports.

A single report on papermill's default engine (``mineresearch report``) used to do everything in turn:
import papermill and nbconvert, start a kernel, import pandas, Altair and the package in it, load the
data, start vl-convert's JavaScript runtime on the first chart, then compile the report template. Here
the kernel is started as soon as the job is known, with a start-up line (IPython's ``exec_lines``, run
before the kernel answers, outside the history and the execution count) that does its imports and loads
the dataset; beside it an SVG render service (:mod:`mineresearch.fast.svg_service`, the one a build's zygote
uses: byte-identical SVG) starts vl-convert's runtime in a process of its own, since vl-convert holds the
GIL and a thread in the kernel would gain nothing; and this process imports papermill and nbconvert and
compiles the template meanwhile. papermill then runs the notebook in that kernel exactly as in one it
started itself: same cells, same outputs, same execution counts.

``MINERESEARCH_PRESTART=off`` turns it off (the kernel is then started by papermill, as before).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import time
from typing import Any

PRESTART_ENV = "MINERESEARCH_PRESTART"
WARM_MODULES: tuple[str, ...] = (  # what a company report's cells import, pandas and Altair first
    "mineresearch.report.company", "altair", "mineresearch.report.charts.render",
    "mineresearch.report.charts.builders_company", "mineresearch.report.charts.builders_market",
    "mineresearch.report.charts.builders_peers", "mineresearch.report.company_risk",
    "mineresearch.report.company_peers", "mineresearch.analysis.peers", "mineresearch.report.sections",
)
HISTORY_ARG = "--HistoryManager.hist_file=:memory:"  # as nbclient starts a kernel


class PrestartedKernel:
    """A kernel started (not yet ready) on IPC sockets; hand :attr:`km` to papermill, then :meth:`shutdown`."""

    def __init__(self, data_path: str | None) -> None:
        from jupyter_core.utils import run_sync

        from mineresearch.fast import SVG_SOCKET_ENV, IPCKernelManager, SvgService

        clients: list[Any] = []

        class Manager(IPCKernelManager):
            def client(self, **kwargs: Any) -> Any:  # nbclient leaves a client it did not start open: we stop it
                clients.append(super().client(**kwargs))
                return clients[-1]

        self.clients = clients
        self.km: Any = Manager(kernel_name="python3")
        line = f"__import__('mineresearch.run.kernel_prestart', fromlist=['_']).warm_kernel({data_path!r})"
        self.folder = tempfile.mkdtemp(prefix="mineresearch-prestart-")
        self.svg: SvgService | None = None
        try:
            env = dict(os.environ)
            run_sync(self.km.start_kernel)(extra_arguments=[HISTORY_ARG, f"--IPKernelApp.exec_lines={line}"],
                                           env=env | {SVG_SOCKET_ENV: os.path.join(self.folder, "svg.sock")})
            self.svg = SvgService(os.path.join(self.folder, "svg.sock")).start()
        except BaseException:
            self.shutdown()
            raise

    def shutdown(self) -> None:
        """Stop the kernel at once (a report's kernel has nothing to save) and remove its files."""
        from jupyter_core.utils import run_sync

        for kc in self.clients:
            with contextlib.suppress(Exception):
                kc.stop_channels()
        self.clients.clear()
        with contextlib.suppress(Exception):  # killed, not interrupted first: it may still be starting up
            if run_sync(self.km.is_alive)():
                run_sync(self.km.signal_kernel)(signal.SIGKILL)
                deadline = time.monotonic() + 5.0
                while run_sync(self.km.is_alive)() and time.monotonic() < deadline:
                    time.sleep(0.005)
        with contextlib.suppress(Exception):
            run_sync(self.km.cleanup_resources)()
        if self.svg is not None:
            self.svg.stop()
            self.svg = None
        shutil.rmtree(self.folder, ignore_errors=True)


_EARLY: dict[str, tuple[int, str | None, PrestartedKernel]] = {}


def _enabled() -> bool:
    return os.environ.get(PRESTART_ENV, "").lower() not in ("off", "0", "no")


def start_early(data_path: str | None) -> None:
    """Start the kernel of the report this process is about to build, before anything else is imported.

    The command line calls it first thing; :func:`prestart` hands this kernel over when the report's dataset
    is the same (and it is stopped at exit if no report takes it, e.g. when the parameters are refused).
    """
    if not _enabled() or "kernel" in _EARLY:
        return
    kernel = prestart(data_path)
    if kernel is not None:
        import atexit

        _EARLY["kernel"] = (os.getpid(), data_path, kernel)
        atexit.register(_stop_early)


def _stop_early() -> None:
    early = _EARLY.pop("kernel", None)
    if early is not None and early[0] == os.getpid():
        early[2].shutdown()


def prestart(data_path: str | None) -> PrestartedKernel | None:
    """Start a warming kernel for a report on papermill's default engine; None when off or it failed."""
    if not _enabled():
        return None
    early = _EARLY.get("kernel")
    if early is not None and early[0] == os.getpid():
        if early[1] == data_path:
            del _EARLY["kernel"]
            return early[2]
        _stop_early()
    try:
        return PrestartedKernel(data_path)
    except Exception:  # noqa: BLE001 - papermill then starts the kernel itself, as before
        return None


def warm_kernel(data_path: str | None = None) -> None:
    """In the kernel, before its first cell: what the report's first cells would do first, done early.

    The report's modules are imported and the dataset is loaded (from the disk cache of validated tables
    when these files were seen before); charts go to the render service named in the environment (a
    kernel without one converts in process, as always). Nothing is displayed and no name is defined in the
    user namespace.
    """
    import importlib

    for name in WARM_MODULES:
        with contextlib.suppress(Exception):  # a failed warm-up only leaves the work to the report's cells
            importlib.import_module(name)
    with contextlib.suppress(Exception):
        from mineresearch.dataset import load_dataset

        load_dataset(data_path)
