"""Nothing lost, nothing wrong published: locks, kills, full disks and interruptions of a build."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import nbformat
import psutil
import pytest
from click.testing import CliRunner

from mineresearch.cli.main import _attach, cli
from mineresearch.exceptions import OutputBusyError, OutputError
from mineresearch.fast.zygote import remove_stale_dirs
from mineresearch.run import manifest as mf
from mineresearch.run.build import build
from mineresearch.run.jobs import ReportResult
from mineresearch.run.output_lock import LOCK_NAME, clean_stale_temps, output_lock
from mineresearch.run.runner import keep_whole_notebook

_attach()
REPO = Path(__file__).resolve().parents[2]


def test_a_second_writer_is_refused_with_the_holder_named(tmp_path: Path) -> None:
    with output_lock(tmp_path):
        assert f"pid {os.getpid()}" in (tmp_path / LOCK_NAME).read_text()
        with pytest.raises(OutputBusyError, match=f"another build is writing into .*pid {os.getpid()}"):
            build(["2025Q2"], tmp_path, formats=("html",), only=["CIFR"], sector=False)
        out = CliRunner().invoke(cli, ["build", "2025Q2", "--only", "CIFR", "--output", str(tmp_path)])
        assert out.exit_code == 1 and "another build is writing into" in out.output
        assert "Traceback" not in out.output
    with output_lock(tmp_path):  # released when the holder is done
        pass


def test_taking_the_lock_removes_what_a_killed_writer_left(tmp_path: Path) -> None:
    folder = tmp_path / "2025Q2" / "CIFR"
    folder.mkdir(parents=True)
    stale = [folder / ".CIFR-2025Q2.tmp.html", folder / ".CIFR-2025Q2.123-abc.tmp.ipynb",
             tmp_path / ".manifest.json.x1.tmp", tmp_path / ".index.html.tmp"]
    (tmp_path / "notes" / "misc").mkdir(parents=True)
    keep = [folder / "CIFR-2025Q2.html", folder / "CIFR-2025Q2.failed.ipynb", tmp_path / "manifest.json",
            tmp_path / "notes" / "misc" / ".draft.tmp.txt", tmp_path / ".other.tmp"]  # not ours: left alone
    for path in (*stale, *keep):
        path.write_text("x")
    with output_lock(tmp_path):
        assert not [p for p in stale if p.exists()]
        assert all(p.exists() for p in keep)
    assert clean_stale_temps(tmp_path) == []


def test_manifest_on_a_full_disk_keeps_the_previous_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    manifest = mf.Manifest(tmp_path)
    manifest.record(ReportResult("CIFR-2025Q2", "2025Q2", "CIFR", "ok"))
    manifest.save()
    assert (tmp_path / "manifest.json").stat().st_mode & 0o777 == 0o644  # as readable as the reports
    before = (tmp_path / "manifest.json").read_bytes()

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(mf.os, "fsync", full)
    manifest.record(ReportResult("MARA-2025Q2", "2025Q2", "MARA", "ok"))
    with pytest.raises(OutputError, match="No space left on device .the previous manifest.json is unchanged"):
        manifest.save()
    assert (tmp_path / "manifest.json").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.json"]


def _results(*stems: str) -> list[ReportResult]:
    return [ReportResult(s, "2025Q2", s.split("-")[0], "ok", input_hash="h") for s in stems]


def test_an_interrupted_build_keeps_what_it_finished(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def pool(*_a: object, **_k: object) -> Iterator[ReportResult]:
        yield from _results("CIFR-2025Q2")
        raise KeyboardInterrupt

    monkeypatch.setattr("mineresearch.run.pool.run_pool", pool)
    with pytest.raises(KeyboardInterrupt):
        build(["2025Q2"], tmp_path, formats=("html",), only=["CIFR", "MARA"], sector=False, engine_name=None)
    entries = json.loads((tmp_path / "manifest.json").read_text())["reports"]
    assert list(entries) == ["CIFR-2025Q2"] and entries["CIFR-2025Q2"]["status"] == "ok"
    assert "CIFR" in (tmp_path / "index.html").read_text()


def test_a_full_disk_stops_the_build_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mf.Manifest(tmp_path).save()
    before = (tmp_path / "manifest.json").read_bytes()
    monkeypatch.setattr("mineresearch.run.pool.run_pool",
                        lambda *_a, **_k: iter(_results("CIFR-2025Q2", "MARA-2025Q2")))

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(mf.os, "fsync", full)
    out = CliRunner().invoke(cli, ["build", "2025Q2", "--only", "CIFR,MARA", "--no-sector", "--format", "html",
                                   "--output", str(tmp_path)])
    assert out.exit_code == 1
    errors = [line for line in out.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "No space left on device" in errors[0], out.output
    assert "Traceback" not in out.output
    assert (tmp_path / "manifest.json").read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_only_a_whole_failed_notebook_is_kept(tmp_path: Path) -> None:
    whole, cut = tmp_path / ".a.tmp.ipynb", tmp_path / ".b.tmp.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1/0")]), whole)
    cut.write_text(whole.read_text()[:40])
    assert keep_whole_notebook(whole, tmp_path / "a.failed.ipynb")
    assert not keep_whole_notebook(cut, tmp_path / "b.failed.ipynb")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.failed.ipynb"]
    empty = tmp_path / ".c.tmp.ipynb"
    empty.write_text("")
    assert not keep_whole_notebook(empty, tmp_path / "c.failed.ipynb") and not empty.exists()


def test_kernel_launcher_mirrors_a_sigkill_without_a_traceback() -> None:
    code = "from mineresearch.fast.kernel_launch import _exit_like; _exit_like(-9)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == -signal.SIGKILL
    assert done.stderr == ""


def test_stale_zygote_folders_of_dead_owners_are_removed(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f"mineresearch-zygote-{dead.stdout.strip()}-abc"
    live = tmp_path / f"mineresearch-zygote-{os.getpid()}-def"
    other = tmp_path / "mineresearch-zygote-xyz"  # an older name: whose it is cannot be told, so it stays
    for folder in (stale, live, other):
        folder.mkdir()
    assert remove_stale_dirs(str(tmp_path)) == [str(stale)]
    assert live.exists() and other.exists()


def test_stale_kernel_sockets_of_dead_owners_are_removed(tmp_path: Path) -> None:
    from mineresearch.fast.kernels import ipc_endpoint, remove_stale_endpoints

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f"mr-kernel-{dead.stdout.strip()}-0123456789ab-1"
    live = tmp_path / f"mr-kernel-{os.getpid()}-0123456789ab-1"
    old = tmp_path / "mr-kernel-0123456789ab-1"
    for path in (stale, live, old):
        path.write_text("")
    assert remove_stale_endpoints(str(tmp_path)) == [str(stale)]
    assert live.exists() and old.exists()
    assert Path(ipc_endpoint()).name.startswith(f"mr-kernel-{os.getpid()}-")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux only")
def test_a_child_that_asked_dies_with_its_parent() -> None:
    child = "from mineresearch.run.lifetime import die_with_parent; import time; die_with_parent(); time.sleep(60)"
    parent = (f"import subprocess, sys, time; p = subprocess.Popen([sys.executable, '-c', {child!r}]); "
              "print(p.pid, flush=True); time.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-c", parent], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    pid = int(proc.stdout.readline())
    time.sleep(1.0)  # the child has imported and asked
    proc.kill()
    proc.wait()
    try:
        psutil.Process(pid).wait(10)
    except psutil.NoSuchProcess:
        pass
    except psutil.TimeoutExpired:
        psutil.Process(pid).kill()
        pytest.fail("the child outlived its parent by 10 s")


def _marked(mark: str) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter():
        try:
            if proc.environ().get("MINERESEARCH_TEST_MARK") == mark:
                found.append(proc)
        except (psutil.Error, OSError):
            continue
    return found


def _build_cmd(out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "mineresearch", "build", "2025Q2", "--only", "CIFR,MARA,RIOT,CLSK", "--no-sector",
            "--format", "html", "--jobs", "2", "--output", str(out), *extra]


def _env(tmp_path: Path, mark: str) -> dict[str, str]:
    return dict(os.environ, MINERESEARCH_TEST_MARK=mark, MINERESEARCH_CACHE=str(tmp_path / "cache"))


def _wait_for(condition: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.2)
    return False


def _manifest(out: Path) -> dict[str, dict[str, object]]:
    try:
        return json.loads((out / "manifest.json").read_text())["reports"]  # type: ignore[no-any-return]
    except (OSError, ValueError, KeyError):
        return {}


@pytest.mark.slow
def test_sigkill_of_a_build_leaves_no_process_and_the_next_build_runs_clean(tmp_path: Path) -> None:
    out, mark = tmp_path / "reports", uuid.uuid4().hex
    proc = subprocess.Popen(_build_cmd(out, "--force"), env=_env(tmp_path, mark), cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert _wait_for(lambda: len(_manifest(out)) >= 1 or proc.poll() is not None, 240)
        assert proc.poll() is None, "the build ended before it could be killed"
        assert len(_marked(mark)) > 3  # the build, its fork server, workers, zygotes, render services
        finished = set(_manifest(out))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        _wait_for(lambda: not _marked(mark), 10)
        left = _marked(mark)
        assert not left, [" ".join(p.cmdline())[:120] for p in left]
    finally:
        for p in _marked(mark):
            p.kill()
    done = subprocess.run(_build_cmd(out), env=_env(tmp_path, mark + "-2"), cwd=REPO, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    entries = _manifest(out)
    assert sorted(entries) == ["CIFR-2025Q2", "CLSK-2025Q2", "MARA-2025Q2", "RIOT-2025Q2"]
    assert all(e["status"] == "ok" for e in entries.values())
    for stem in finished:  # what the killed build finished was kept, not rebuilt
        assert f"skipped {stem}" in " ".join(done.stderr.split()), done.stderr
    assert [p.name for p in out.rglob(".*")] == [LOCK_NAME]
    assert not _marked(mark + "-2")


@pytest.mark.slow
def test_two_builds_into_one_folder(tmp_path: Path) -> None:
    out, mark = tmp_path / "reports", uuid.uuid4().hex
    cmd = [sys.executable, "-m", "mineresearch", "build", "2025Q2", "--only", "CIFR", "--no-sector", "--format",
           "html", "--jobs", "1", "--force", "--output", str(out)]
    first = subprocess.Popen(cmd, env=_env(tmp_path, mark), cwd=REPO, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        assert _wait_for(lambda: (out / LOCK_NAME).is_file() and (out / LOCK_NAME).read_text().strip(), 120)
        second = subprocess.run(cmd, env=_env(tmp_path, mark), cwd=REPO, capture_output=True, text=True, timeout=120)
        assert second.returncode == 1
        assert f"another build is writing into {out} (pid {first.pid}" in second.stderr
        assert "Traceback" not in second.stderr
        _, err = first.communicate(timeout=600)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 0, err
    entries = _manifest(out)
    assert entries["CIFR-2025Q2"]["status"] == "ok"
    assert (out / "2025Q2" / "CIFR" / "CIFR-2025Q2.html").is_file()
    assert '<span class="failed">' not in (out / "index.html").read_text()  # no report marked failed


def test_stale_download_folders_are_cleaned_at_the_next_start(tmp_path: Path) -> None:
    from mineresearch.run.output_lock import clean_stale_temps

    report = tmp_path / "2025Q2" / "CIFR"
    scenario = report / "scenarios" / "power-200"
    for folder in (report / ".CIFR-2025Q2.123-abc.tmp.data", report / ".CIFR-2025Q2_data.old",
                   scenario / ".CIFR-2025Q2--power-200.9-f00.tmp.data"):
        (folder / "charts").mkdir(parents=True)
        (folder / "charts" / "a.csv").write_text("x\n", encoding="utf-8")
    kept = report / "CIFR-2025Q2_data"
    kept.mkdir()
    (scenario / ".CIFR-2025Q2--power-200.9-f00.tmp.html").write_text("<p>", encoding="utf-8")
    removed = clean_stale_temps(tmp_path)
    assert len(removed) == 4 and kept.is_dir()
    assert [p.name for p in tmp_path.rglob(".*")] == []
