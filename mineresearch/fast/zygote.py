"""A warm process that forks report kernels: imports are paid once per worker, not per report.

The zygote is a long-lived child process (:mod:`mineresearch.fast.zygote_server`) that has already
imported what a report kernel needs (ipykernel, IPython, numpy, pandas, altair, vl_convert).
For each report it forks a fresh child that becomes a real ipykernel on the connection file
jupyter_client wrote, so every report runs in its own process with fresh globals.

Beside the zygote runs an SVG render service (:mod:`mineresearch.fast.svg_service`): vl-convert's
JavaScript runtime cannot be started in the zygote (its threads do not survive ``fork``), so one
process starts it once and converts every kernel's charts. The zygote names the service's socket in
each kernel's environment; a service that died is replaced the next time a kernel is requested,
and meanwhile kernels convert in-process.

This module is the owner's side: :class:`Zygote` (or :func:`current_zygote`) starts and stops both
processes and requests kernels; the launcher in :mod:`mineresearch.fast.kernel_launch` requests them too.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from types import TracebackType

from mineresearch.fast.cleanup import alive as _alive
from mineresearch.fast.kernel_launch import (
    ZygoteUnavailableError,
    recv_frame,
    request_kernel,
    send_frame,
)
from mineresearch.fast.svg_service import SvgService, stop_lifeline_process

DEFAULT_PRELOAD: tuple[str, ...] = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.comm",
    "ipykernel.debugger",
    "sqlite3",
    "pdb",
    "IPython",
    "IPython.core.completer",
    "numpy",
    "pandas",
    "altair",
    "vl_convert",
)
"""Third-party modules every zygote imports; what else to warm is data from the caller (``PRELOAD_ENV``)."""

PRELOAD_ENV = "MINERESEARCH_WARM_PRELOAD"
"""Comma-separated ``module`` or ``module:function`` entries a zygote also preloads, set by the caller (the
build and the report runner name the report modules and the warm-up this way; this package names none)."""


def set_preload(entries: Sequence[str]) -> None:
    """Name what zygotes started from now on (here and in child processes) preload after the defaults."""
    os.environ[PRELOAD_ENV] = ",".join(entries)


def preload_entries() -> tuple[str, ...]:
    """The default preload plus the caller's entries (``PRELOAD_ENV``)."""
    extra = tuple(e for e in os.environ.get(PRELOAD_ENV, "").split(",") if e)
    return (*DEFAULT_PRELOAD, *extra)


DIR_PREFIX = "mineresearch-zygote-"


def remove_stale_dirs(base: str | None = None) -> list[str]:
    """Remove the socket folders of zygotes whose owner died without stopping them (``kill -9``).

    A folder is named ``mineresearch-zygote-<owner pid>-<random>``; it is removed only when that process no
    longer exists and the folder belongs to this user.
    """
    base = base or tempfile.gettempdir()
    removed: list[str] = []
    try:
        names = os.listdir(base)
    except OSError:
        return removed
    for name in names:
        pid = name[len(DIR_PREFIX):].split("-", 1)[0]
        if not name.startswith(DIR_PREFIX) or not pid.isdigit() or _alive(int(pid)):
            continue
        path = os.path.join(base, name)
        try:
            if os.stat(path).st_uid != os.getuid():
                continue
        except OSError:
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


class Zygote:
    """Owner-side handle of one zygote process.

    Args:
        preload: Modules the zygote imports before forking kernels.
        python: Interpreter that runs the zygote (defaults to ``sys.executable``).
        ready_timeout: Seconds :meth:`start` waits for the imports to finish.
        spare: Keep one kernel forked ahead; without the render service it starts vl-convert's
            runtime while it waits, so a report does not pay that start-up. Default: only without
            the render service (with it, a spare saves nothing measurable).
        svg_service: Run the SVG render service beside the zygote for its kernels' charts.
    """

    def __init__(
        self,
        preload: Sequence[str] | None = None,
        python: str | None = None,
        ready_timeout: float = 120.0,
        spare: bool | None = None,
        svg_service: bool = True,
    ) -> None:
        self.preload = tuple(preload_entries() if preload is None else preload)
        self.spare = not svg_service if spare is None else spare
        self.svg_service = svg_service
        self.python = python or sys.executable
        self.ready_timeout = ready_timeout
        self._dir: str | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._kernels: dict[int, socket.socket] = {}
        self._svg: SvgService | None = None

    @property
    def socket_path(self) -> str:
        """Path of the Unix socket the zygote listens on (the zygote must be started)."""
        if self._dir is None:
            raise ZygoteUnavailableError("the zygote is not started")
        return os.path.join(self._dir, "zygote.sock")

    @property
    def pid(self) -> int | None:
        """Process id of the zygote, or None when it is not running."""
        return self._proc.pid if self._proc is not None else None

    @property
    def svg(self) -> SvgService | None:
        """The SVG render service beside the zygote (None without one or before :meth:`start`)."""
        return self._svg

    def is_alive(self) -> bool:
        """Whether the zygote process is running."""
        return self._proc is not None and self._proc.poll() is None

    def start(self, wait: bool = True) -> Zygote:
        """Start the zygote process (no-op if it is running) and its render service (replaced if dead).

        Args:
            wait: Block until its imports are done; otherwise requests simply queue until then.

        Returns:
            This zygote.
        """
        if self.is_alive():
            if self._svg is not None:
                self._svg.start()
            return self
        self.stop()
        remove_stale_dirs()
        self._dir = tempfile.mkdtemp(prefix=f"{DIR_PREFIX}{os.getpid()}-")
        flags = [] if self.spare else ["--no-spare"]
        if self.svg_service:
            self._svg = SvgService(os.path.join(self._dir, "svg.sock"), self.python).start()
            flags += ["--svg-socket", self._svg.socket_path]
        cmd = [self.python, "-m", "mineresearch.fast.zygote_server", self.socket_path, *flags, *self.preload]
        # stdin is the lifeline: the zygote exits (killing its kernels) when it reads EOF.
        env = dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1")
        self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, env=env, start_new_session=True)
        deadline = time.monotonic() + self.ready_timeout
        while not os.path.exists(self.socket_path):
            if not self.is_alive() or time.monotonic() > deadline:
                raise ZygoteUnavailableError(f"the kernel zygote did not start: {cmd}")
            time.sleep(0.005)
        if wait:
            self.wait_ready(max(0.0, deadline - time.monotonic()))
        return self

    def wait_ready(self, timeout: float | None = None) -> None:
        """Block until the zygote has finished its imports and answers requests.

        Args:
            timeout: Seconds to wait (None: no limit).
        """
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            try:
                sock.connect(self.socket_path)
                send_frame(sock, {"op": "ping"})
                reply, _ = recv_frame(sock)
            except OSError as exc:
                raise ZygoteUnavailableError(f"the kernel zygote is not answering: {exc}") from exc
        if not reply or not reply.get("ok"):
            raise ZygoteUnavailableError("the kernel zygote died while importing")

    def fork_kernel(
        self, connection_file: str, *, cwd: str | None = None, env: dict[str, str] | None = None
    ) -> int:
        """Fork a kernel on ``connection_file``; it lives until it exits or :meth:`kill_kernel`.

        Args:
            connection_file: A kernel connection file (ports or IPC paths, key, transport).
            cwd: Working directory of the kernel (default: this process's).
            env: Environment of the kernel (default: this process's, naming it as the parent).

        Returns:
            The kernel's process id.
        """
        self.start()
        sock, pid = request_kernel(
            self.socket_path,
            ["-f", connection_file],
            cwd=cwd or os.getcwd(),
            env=dict(os.environ, JPY_PARENT_PID=str(os.getpid())) if env is None else dict(env),
        )
        self._kernels[pid] = sock
        return pid

    def wait_kernel(self, pid: int, timeout: float | None = None) -> int | None:
        """Wait for a kernel from :meth:`fork_kernel` to exit.

        Args:
            pid: The kernel's process id.
            timeout: Seconds to wait (None: no limit).

        Returns:
            Its exit code (negative for a signal), or None on timeout or if the zygote went away.
        """
        sock = self._kernels[pid]
        sock.settimeout(timeout)
        try:
            reply, _ = recv_frame(sock)
        except (TimeoutError, OSError, EOFError):
            return None
        self._kernels.pop(pid).close()
        return None if reply is None else int(reply["exit"])

    def kill_kernel(self, pid: int) -> None:
        """Kill a kernel from :meth:`fork_kernel` (closing its connection makes the zygote kill it)."""
        sock = self._kernels.pop(pid, None)
        if sock is not None:
            sock.close()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the zygote, every kernel it forked and the render service; remove the socket folder."""
        for pid in list(self._kernels):
            self.kill_kernel(pid)
        proc, self._proc = self._proc, None
        stop_lifeline_process(proc, timeout)
        svg, self._svg = self._svg, None
        if svg is not None:
            svg.stop(timeout)
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def __enter__(self) -> Zygote:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


_current: tuple[int, Zygote] | None = None


def current_zygote() -> Zygote:
    """This process's zygote, started on first use and restarted if it died.

    Returns:
        A running zygote (a child process of this process).
    """
    global _current
    if _current is None or _current[0] != os.getpid():
        if _current is None:
            atexit.register(stop_current_zygote)
        _current = (os.getpid(), Zygote())
    return _current[1].start(wait=False)


def stop_current_zygote() -> None:
    """Stop this process's zygote, if any (also registered with ``atexit``)."""
    global _current
    if _current is not None and _current[0] == os.getpid():
        _current[1].stop()
    _current = None


if __name__ == "__main__":  # the former entry point of the zygote process
    from mineresearch.fast.zygote_server import main

    main()
