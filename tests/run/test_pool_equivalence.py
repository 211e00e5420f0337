"""The batch machinery never changes a report: pool + warm kernels give what plain papermill gives."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import nbformat
import papermill as pm
import psutil
import pytest

from mineresearch.report.params import ReportParams
from mineresearch.run.jobs import ReportJob
from mineresearch.run.pool import run_pool

pytestmark = pytest.mark.slow


def _cells(nb: nbformat.NotebookNode) -> list[dict[str, Any]]:
    """Cells without what legitimately differs between runs: timings, ids, papermill's bookkeeping."""
    out = []
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        item: dict[str, Any] = {"type": cell.cell_type, "source": cell.source, "tags": sorted(tags)}
        if cell.cell_type == "code":
            item["outputs"] = [
                {k: v for k, v in o.items() if k not in ("metadata", "execution_count")} for o in cell.outputs
            ]
        out.append(item)
    return out


@contextmanager
def _watching(look: Callable[[psutil.Process], None]) -> Iterator[None]:
    """Call ``look`` on every process below this one, every 50 ms, while the block runs."""
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            for p in psutil.Process().children(recursive=True):
                try:
                    look(p)
                except psutil.Error:
                    continue
            stop.wait(0.05)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join()


def test_pool_report_equals_plain_papermill(tmp_path: Path) -> None:
    params = ReportParams(ticker="CIFR", period="2025Q2", static_charts=True)
    job = ReportJob(params, ("html",))
    [result] = list(run_pool([(job, "h")], tmp_path / "pool", workers=1, engine_name="mineresearch_warm"))
    assert result.status == "ok", result.error
    plain = tmp_path / "plain.ipynb"
    pm.execute_notebook(str(job.notebook), str(plain), parameters=params.notebook_parameters(),
                        progress_bar=False, kernel_name="python3")
    ours = _cells(nbformat.read(result.outputs["ipynb"], as_version=4))
    theirs = _cells(nbformat.read(plain, as_version=4))
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs, strict=True):
        assert a == b
    assert any("image/svg+xml" in o.get("data", {}) for c in ours for o in c.get("outputs", []))


def test_pool_leaves_no_process_behind(tmp_path: Path) -> None:
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    job = ReportJob(ReportParams(ticker="MARA", period="2025Q2", static_charts=True), ("html", "pdf"))
    results = list(run_pool([(job, "h")], tmp_path, workers=2, engine_name="mineresearch_warm"))
    assert [r.status for r in results] == ["ok"]
    left = []
    for p in psutil.Process().children(recursive=True):
        if p.pid in before:
            continue
        try:
            if p.status() != psutil.STATUS_ZOMBIE:
                left.append(" ".join(p.cmdline()[:3]))
        except psutil.NoSuchProcess:
            pass
    assert left == []  # workers, zygotes, kernels and browsers are all gone


def test_workers_fork_their_kernels_from_the_shared_zygote(tmp_path: Path) -> None:
    from mineresearch.fast.zygote import Zygote

    jobs = [(ReportJob(ReportParams(ticker=t, period="2025Q2", static_charts=True), ("html",)), t)
            for t in ("CIFR", "MARA", "RIOT")]
    seen: set[str] = set()

    def look(p: psutil.Process) -> None:
        cmd = p.cmdline()
        if "mineresearch.fast.zygote_server" in cmd:
            seen.add(cmd[cmd.index("mineresearch.fast.zygote_server") + 1])

    with Zygote() as shared, _watching(look):
        socket_path = shared.socket_path
        results = list(run_pool(jobs, tmp_path, workers=2, engine_name="mineresearch_warm",
                                zygote_socket=socket_path))
    assert [r.status for r in results] == ["ok", "ok", "ok"]
    assert seen == {socket_path}  # no worker had to start a zygote of its own


@pytest.mark.browser
def test_one_browser_in_the_parent_prints_every_pdf(tmp_path: Path) -> None:
    from pypdf import PdfReader

    from mineresearch.publish.pdf import find_chromium

    if find_chromium() is None:
        pytest.skip("no Chromium on this machine")
    jobs = [(ReportJob(ReportParams(ticker=t, period="2025Q2", static_charts=True), ("html", "pdf")), t)
            for t in ("CIFR", "MARA", "RIOT")]
    drivers: dict[int, int] = {}  # Playwright driver pid -> the process that runs it
    browsers: dict[int, set[int]] = {}  # browser main process -> its ancestors

    earlier = {p.pid for p in psutil.Process().children(recursive=True)}  # e.g. another test's printer

    def look(p: psutil.Process) -> None:
        if p.pid in earlier:
            return
        cmd = p.cmdline()
        if "run-driver" in cmd:
            drivers[p.pid] = p.ppid()
        elif "chrom" in p.name() and not any(a.startswith("--type=") for a in cmd):
            browsers[p.pid] = {a.pid for a in p.parents()}

    with _watching(look):
        results = list(run_pool(jobs, tmp_path, workers=2, engine_name="mineresearch_warm"))
    assert [r.status for r in results] == ["ok", "ok", "ok"], [r.error for r in results]
    # browser sessions run in the pool's own process only (one, or its replacement if a launch timed out under load)
    assert drivers and set(drivers.values()) == {os.getpid()}, drivers
    assert browsers and all(set(drivers) <= ancestors for ancestors in browsers.values())
    for result in results:
        assert "pdf" in result.seconds
        assert len(PdfReader(result.outputs["pdf"]).pages) >= 2


def test_stopping_a_pool_early_leaves_no_temporary_file_and_no_process(tmp_path: Path) -> None:
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    jobs = [(ReportJob(ReportParams(ticker=t, period="2025Q2", static_charts=True), ("html",)), t)
            for t in ("CIFR", "MARA", "RIOT", "CLSK", "WULF")]
    results = run_pool(jobs, tmp_path, workers=2, engine_name="mineresearch_warm")
    first = next(results)
    results.close()  # as on Ctrl-C: queued reports are cancelled, running ones end and are cleaned up
    assert first.status == "ok"
    assert not [p.name for p in tmp_path.rglob(".*")]  # no staged report left half-way
    assert len(list(tmp_path.rglob("*.html"))) < len(jobs)
    left = []
    for p in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            command = " ".join(p.cmdline())
            # multiprocessing's fork server and resource tracker serve the whole test process, by design
            if p.pid not in before and p.status() != psutil.STATUS_ZOMBIE and "multiprocessing" not in command:
                left.append(command[:80])
    assert left == []  # workers, their zygotes and kernels are gone
