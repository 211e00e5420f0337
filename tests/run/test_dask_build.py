"""Builds on a real Dask cluster (``dask scheduler`` and two ``dask worker`` processes on 127.0.0.1).

The reports must be the same as the local pool's, file for file, except the build's own stamps (papermill's
timings, the id papermill gives its injected-parameters cell, the generated date and the manifest's
seconds); a worker killed in the middle of a build must not stop it.
"""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

distributed = pytest.importorskip("distributed")

from mineresearch.run.dask_build import DaskUnavailableError, check_workers, connect  # noqa: E402
from mineresearch.run.dask_worker import identity, identity_mismatch, swap_root  # noqa: E402

BIN = Path(sys.executable).parent
PERIOD = "2025Q3"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    """A scheduler and named workers, each in its own process group (so that one can be killed whole)."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.port = _free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        # a report whose worker died runs once more elsewhere, as on a LocalCluster
        self.env = dict(os.environ, DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES="1")

    def _spawn(self, name: str, cmd: list[str]) -> None:
        log = (self.tmp / f"{name}.log").open("wb")
        self.procs[name] = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=self.tmp, env=self.env,
                                            start_new_session=True)

    def start(self, workers: int = 2) -> Cluster:
        self._spawn("scheduler", [str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(self.port),
                                  "--no-dashboard"])
        for i in range(workers):
            local = self.tmp / f"worker{i}"
            local.mkdir()
            self._spawn(f"worker{i}", [str(BIN / "dask"), "worker", self.address, "--nthreads", "1",
                                       "--nworkers", "1", "--no-dashboard", "--name", f"worker{i}",
                                       "--local-directory", str(local), "--host", "127.0.0.1"])
        deadline = time.monotonic() + 60
        while True:
            try:
                with distributed.Client(self.address, timeout=5) as client:
                    client.wait_for_workers(workers, timeout=max(1.0, deadline - time.monotonic()))
                return self
            except (OSError, TimeoutError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def kill(self, name: str) -> None:
        proc = self.procs[name]
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(10)

    def stop(self) -> None:
        for name in [n for n in self.procs if n != "scheduler"] + ["scheduler"]:
            if name in self.procs:
                self.kill(name)


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    c = Cluster(tmp_path)
    try:
        yield c.start()
    finally:
        c.stop()


def _build(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cwd.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "mineresearch", "build", PERIOD, "--output", "reports", "--format", "html", *args]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300)


def _normal_notebook(path: Path) -> dict[str, Any]:
    """The notebook without what differs from one build to the next: timings, the injected cell's id."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for key in ("start_time", "end_time", "duration", "output_path"):  # output_path: a unique temporary name
        nb["metadata"]["papermill"].pop(key, None)
    source = nb["metadata"]["papermill"].get("input_path")  # papermill records the notebook object it was given
    for meta in (nb["metadata"], source["metadata"] if isinstance(source, dict) else {}):
        meta.get("mineresearch", {}).pop("generated", None)
        meta.get("mineresearch", {}).get("provenance", {}).pop("built_at", None)  # the build's time
    for cell in nb["cells"]:
        cell["metadata"].pop("execution", None)  # nbclient's timestamps of the cell's messages
        for key in ("start_time", "end_time", "duration"):
            cell["metadata"].get("papermill", {}).pop(key, None)
        if "injected-parameters" in cell["metadata"].get("tags", []):
            cell.pop("id", None)
    return nb


def _differences(a: Any, b: Any, where: str = "") -> list[str]:
    """The paths at which two JSON values differ, with both values (for a readable failure)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [d for k in sorted(set(a) | set(b)) for d in _differences(a.get(k), b.get(k), f"{where}.{k}")]
    return [] if a == b else [f"{where}: {a!r} != {b!r}"]


def _built_at(html: Path) -> bytes:
    """The build time a report states in its footer (the only part of the page a second build changes)."""
    meta = json.loads(html.with_suffix(".ipynb").read_text(encoding="utf-8"))["metadata"]["mineresearch"]
    return str(meta.get("provenance", {}).get("built_at", "")).encode() or b"\0"


def _svgs(html: str) -> list[bytes]:
    return [base64.b64decode(m) for m in re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", html)]


def _assert_same_reports(ours: Path, theirs: Path) -> None:
    files = sorted(p.relative_to(ours) for p in ours.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(theirs) for p in theirs.rglob("*") if p.is_file())
    assert any(f.suffix == ".html" and f.name != "index.html" for f in files)
    for rel in files:
        a, b = ours / rel, theirs / rel
        if rel.suffix == ".ipynb":
            na, nb = _normal_notebook(a), _normal_notebook(b)
            assert na["metadata"] == nb["metadata"], (rel, _differences(na["metadata"], nb["metadata"]))
            assert na == nb, rel
        elif rel.name == "manifest.json":
            ea, eb = (json.loads(p.read_text(encoding="utf-8"))["reports"] for p in (a, b))
            assert {k: (e["status"], e["input_hash"], sorted(e["outputs"])) for k, e in ea.items()} == \
                {k: (e["status"], e["input_hash"], sorted(e["outputs"])) for k, e in eb.items()}
        elif rel.suffix == ".html" and rel.name != "index.html":
            generated = json.loads(a.with_suffix(".ipynb").read_text(encoding="utf-8"))["metadata"]["mineresearch"]
            ha, hb = a.read_bytes(), b.read_bytes()
            assert _svgs(ha.decode()) == _svgs(hb.decode()) and _svgs(ha.decode()), rel  # charts, byte for byte
            # the footer's build time first (whatever minute each page was rendered in), then the other stamps
            built = re.compile(rb"Built \d{4}-\d\d-\d\d \d\d:\d\d UTC")
            ha, hb = built.sub(b"Built", ha), built.sub(b"Built", hb)
            stamps = [generated["generated"].encode(), *(_built_at(p) for p in (a, b))]
            for stamp in stamps:
                ha, hb = ha.replace(stamp, b""), hb.replace(stamp, b"")
            assert ha == hb, rel
        else:
            assert a.read_bytes() == b.read_bytes(), rel


def test_identity_checks_version_and_dataset(tmp_path: Path) -> None:
    mine = identity(None)
    assert identity_mismatch(mine, dict(mine)) is None
    assert "0.0.0" in (identity_mismatch(mine, {**mine, "version": "0.0.0"}) or "")
    other = tmp_path / "data"
    other.mkdir()
    assert "dataset" in (identity_mismatch(mine, identity(str(other))) or "")
    assert swap_root(b'{"p": "/w/tmp/x"}', "/w/tmp", "reports") == b'{"p": "reports/x"}'


def test_the_page_printed_for_an_interactive_report_travels_beside_its_html(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A worker sends the static page to print with an interactive report; the build prints that page."""
    from mineresearch.report.params import ReportParams
    from mineresearch.run import runner
    from mineresearch.run.dask_build import _Finisher
    from mineresearch.run.dask_worker import stage_remote
    from mineresearch.run.jobs import ReportJob

    job = ReportJob(ReportParams(ticker="MARA", period="2025Q2", static_charts=False), ("html", "pdf"),
                    interactive_charts=True)

    def staged(job: ReportJob, root: Path, **_: Any) -> runner.StagedReport:
        folder = job.out_dir(root)
        folder.mkdir(parents=True)
        temps = {"ipynb": folder / "nb.tmp.ipynb", "html": folder / "page.tmp.html"}
        temps["ipynb"].write_text("{}")
        temps["html"].write_text("interactive page")
        (folder / "print.tmp.html").write_text("static page")
        return runner.StagedReport(job, root, temps, folder / "print.tmp.html", "MARA · 2025Q2")

    monkeypatch.setattr(runner, "stage_report", staged)
    remote = stage_remote(job, None)
    assert remote.files["html"] == b"interactive page" and remote.print_html == b"static page"  # type: ignore[union-attr]
    finisher = _Finisher(tmp_path / "reports", wanted_pdf=False)
    try:
        local = finisher._stage(remote)
        assert local.print_source is not None and local.print_source.read_text() == "static page"
        assert local.temps["html"].read_text() == "interactive page"
        local.discard()
    finally:
        finisher.close()


class _FakeClient:
    def __init__(self, found: dict[str, dict[str, str]]) -> None:
        self.found = found

    def wait_for_workers(self, n: int, timeout: float | None = None) -> None:
        return None

    def run(self, func: Any, *args: Any) -> dict[str, dict[str, str]]:
        return self.found


def test_workers_that_differ_are_refused_on_connect() -> None:
    mine = identity(None)
    assert check_workers(_FakeClient({"tcp://a:1": mine, "tcp://b:2": mine}), None) == mine
    with pytest.raises(DaskUnavailableError, match=r"tcp://b:2 runs mineresearch 9\.9\.9"):
        check_workers(_FakeClient({"tcp://a:1": mine, "tcp://b:2": {**mine, "version": "9.9.9"}}), None)
    with pytest.raises(DaskUnavailableError, match="different package source"):
        check_workers(_FakeClient({"tcp://a:1": {**mine, "inputs": "other"}}), None)


def test_without_distributed_the_option_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(DaskUnavailableError, match=r"mineresearch\[dask\]"), connect("tcp://127.0.0.1:1"):
        pass


@pytest.mark.slow
def test_dask_build_matches_the_local_build(tmp_path: Path, cluster: Cluster) -> None:
    only = ("--only", "CIFR,MARA")
    remote = _build(tmp_path / "dask", *only, "--scheduler", cluster.address)
    assert remote.returncode == 0, remote.stderr[-3000:]
    local = _build(tmp_path / "local", *only)
    assert local.returncode == 0, local.stderr[-3000:]
    assert "3 built" in remote.stderr and "CIFR-2025Q3" in remote.stderr
    _assert_same_reports(tmp_path / "dask" / "reports", tmp_path / "local" / "reports")
    again = _build(tmp_path / "dask", *only, "--scheduler", cluster.address)  # nothing changed: no worker needed
    assert again.returncode == 0 and "3 unchanged" in again.stderr


@pytest.mark.slow
def test_a_worker_killed_mid_build_does_not_stop_it(tmp_path: Path, cluster: Cluster) -> None:
    cwd = tmp_path / "dask"
    cwd.mkdir()
    cmd = [sys.executable, "-m", "mineresearch", "build", PERIOD, "--output", "reports", "--format", "html",
           "--only", "CIFR,MARA,RIOT,CLSK,CORZ", "--no-sector", "--scheduler", cluster.address]
    build = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not list((cwd / "reports").glob(f"{PERIOD}/*/*-{PERIOD}.html")):  # the first report is in place
            assert build.poll() is None and time.monotonic() < deadline, "no report came back"
            time.sleep(0.05)
        cluster.kill("worker0")
        _, err = build.communicate(timeout=240)
    finally:
        if build.poll() is None:
            build.kill()
    assert build.returncode == 0, err[-3000:]
    assert "5 built" in err and "0 failed" in err
    for ticker in ("CIFR", "MARA", "RIOT", "CLSK", "CORZ"):
        assert (cwd / "reports" / PERIOD / ticker / f"{ticker}-{PERIOD}.html").is_file()
