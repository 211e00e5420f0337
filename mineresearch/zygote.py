"""A warm process that forks report kernels: imports are paid once per worker, not per report.

The zygote is a long-lived child process (``python -m mineresearch.zygote``) that has already
imported what a report kernel needs (ipykernel, IPython, numpy, pandas, altair, vl_convert).
For each report it forks a fresh child that becomes a real ipykernel on the connection file
jupyter_client wrote, so every report runs in its own process with fresh globals.

Nothing thread-based is warmed in the zygote: vl-convert's JavaScript runtime runs on worker
threads, which do not survive ``fork`` (a conversion in the child of a warmed parent hangs).
Instead the zygote keeps one *spare* child forked ahead: the spare starts that runtime in its own
process (about 0.3 s, the cost of a kernel's first SVG chart) while it waits, and becomes the
next requested kernel. A spare has run no user code, so isolation is unchanged.

The owning process talks to the zygote through :class:`Zygote` (or :func:`current_zygote`);
kernels are requested by the launcher in :mod:`mineresearch.kernel_launch` or directly with
:meth:`Zygote.fork_kernel`. :func:`serve` is the zygote's own loop.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import importlib
import importlib.util
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from mineresearch.kernel_launch import (
    ZygoteUnavailableError,
    recv_frame,
    request_kernel,
    send_frame,
)

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
    "mineresearch.report",
    "mineresearch.sector",
    "mineresearch.dataset:load_dataset",  # the packaged dataset, read once and inherited by every kernel
)


class Zygote:
    """Owner-side handle of one zygote process.

    Args:
        preload: Modules the zygote imports before forking kernels.
        python: Interpreter that runs the zygote (defaults to ``sys.executable``).
        ready_timeout: Seconds :meth:`start` waits for the imports to finish.
        spare: Keep one kernel forked ahead, which starts the SVG renderer (vl-convert) in its own
            process while it waits, so a report does not pay that start-up.
    """

    def __init__(
        self,
        preload: Sequence[str] = DEFAULT_PRELOAD,
        python: str | None = None,
        ready_timeout: float = 120.0,
        spare: bool = True,
    ) -> None:
        self.preload = tuple(preload)
        self.spare = spare
        self.python = python or sys.executable
        self.ready_timeout = ready_timeout
        self._dir: str | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._kernels: dict[int, socket.socket] = {}

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

    def is_alive(self) -> bool:
        """Whether the zygote process is running."""
        return self._proc is not None and self._proc.poll() is None

    def start(self, wait: bool = True) -> Zygote:
        """Start the zygote process (no-op if it is running).

        Args:
            wait: Block until its imports are done; otherwise requests simply queue until then.

        Returns:
            This zygote.
        """
        if self.is_alive():
            return self
        self.stop()
        self._dir = tempfile.mkdtemp(prefix="mineresearch-zygote-")
        flags = [] if self.spare else ["--no-spare"]
        cmd = [self.python, "-m", "mineresearch.zygote", self.socket_path, *flags, *self.preload]
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
        """Stop the zygote and every kernel it forked; remove its socket folder."""
        for pid in list(self._kernels):
            self.kill_kernel(pid)
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.stdin is not None:
                proc.stdin.close()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
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


def serve(socket_path: str, preload: Sequence[str], spare: bool = True) -> None:
    """Run the zygote: listen on ``socket_path``, import ``preload``, fork kernels on request.

    Args:
        socket_path: Unix socket to create and listen on.
        preload: Modules to import before forking (missing ones are skipped).
        spare: Keep one kernel forked ahead that has warmed the SVG renderer in its own process.
    """
    if sys.path and Path(sys.path[0] or ".").resolve() == Path.cwd():
        del sys.path[0]  # as ipykernel_launcher does; IPython adds '' back in each kernel
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path + ".new")
    listener.listen(128)
    os.rename(socket_path + ".new", socket_path)  # appears only once it accepts connections
    for name in preload:
        _preload(name)
    gc.freeze()  # keep preloaded objects out of the children's collections (less copy-on-write)
    _Server(listener, spare).run()


def _preload(entry: str) -> None:
    """Import ``module``, or import ``module:function`` and call it (e.g. to load a read-only cache)."""
    module, _, func = entry.partition(":")
    try:
        loaded = importlib.import_module(module)
        if func:
            getattr(loaded, func)()
    except Exception:  # noqa: BLE001 - a failed warm-up only costs the kernel that work later
        return


class _Server:
    """The zygote's event loop: accept requests, fork kernels, report their exits."""

    def __init__(self, listener: socket.socket, spare: bool) -> None:
        self.listener = listener
        self.kernels: dict[int, socket.socket] = {}  # kernel pid -> its launcher's connection
        self.use_spare = spare
        self.spare: tuple[int, socket.socket] | None = None  # forked ahead, waiting for a request
        self.running = True
        self.wake_r, self.wake_w = os.pipe()
        for fd in (self.wake_r, self.wake_w):
            os.set_blocking(fd, False)
        signal.set_wakeup_fd(self.wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.signal(signal.SIGTERM, self._stop)
        self.sel = selectors.DefaultSelector()
        self.sel.register(listener, selectors.EVENT_READ, self._accept)
        self.sel.register(self.wake_r, selectors.EVENT_READ, self._reap)
        self.sel.register(sys.stdin.fileno(), selectors.EVENT_READ, self._lifeline)

    def run(self) -> None:
        if self.use_spare:
            self._fork_spare()
        while self.running:
            for key, _ in self.sel.select():
                key.data(key.fileobj)
        children = [*self.kernels, *([self.spare[0]] if self.spare else [])]
        for pid in children:
            os.kill(pid, signal.SIGKILL)
        for pid in children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        path = self.listener.getsockname()
        self.listener.close()
        with contextlib.suppress(OSError):
            os.unlink(path.removesuffix(".new"))

    def _stop(self, *_: object) -> None:
        self.running = False

    def _lifeline(self, fd: int) -> None:
        if not os.read(fd, 4096):  # the owning process closed our stdin or died
            self.running = False
            self.sel.unregister(fd)

    def _accept(self, listener: socket.socket) -> None:
        conn, _ = listener.accept()
        conn.settimeout(10.0)
        try:
            request, fds = recv_frame(conn)
        except (OSError, EOFError):
            conn.close()
            return
        if not request or request.get("op") != "fork":
            send_frame(conn, {"ok": True})
            conn.close()
            return
        pid = self._hand_to_spare(request, fds) or self._fork(lambda: _take_stdio(fds, request), (conn,))
        for fd in fds:
            os.close(fd)
        send_frame(conn, {"pid": pid})
        self.kernels[pid] = conn
        self.sel.register(conn, selectors.EVENT_READ, self._launcher_closed)
        if self.use_spare and self.spare is None:
            self._fork_spare()

    def _hand_to_spare(self, request: dict[str, Any], fds: list[int]) -> int | None:
        spare, self.spare = self.spare, None
        if spare is None:
            return None
        pid, channel = spare
        try:
            send_frame(channel, request, fds)
        except OSError:  # the spare died; fork a kernel directly
            return None
        finally:
            channel.close()
        return pid

    def _fork_spare(self) -> None:
        ours, theirs = socket.socketpair()
        pid = self._fork(lambda: _wait_for_request(theirs), own=(ours,))
        theirs.close()
        self.spare = (pid, ours)

    def _launcher_closed(self, conn: socket.socket) -> None:
        pid = next(p for p, c in self.kernels.items() if c is conn)
        try:
            alive = bool(conn.recv(1))
        except OSError:
            alive = False
        if not alive:  # the launcher went away without the kernel exiting: kill the kernel
            os.kill(pid, signal.SIGKILL)
            self.sel.unregister(conn)
            conn.close()
            del self.kernels[pid]

    def _reap(self, fd: int) -> None:
        with contextlib.suppress(BlockingIOError):
            while os.read(fd, 512):
                pass
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if self.spare is not None and self.spare[0] == pid:
                self.spare[1].close()
                self.spare = None
            conn = self.kernels.pop(pid, None)
            if conn is not None:
                with contextlib.suppress(OSError):
                    send_frame(conn, {"exit": os.waitstatus_to_exitcode(status)})
                self.sel.unregister(conn)
                conn.close()

    def _fork(self, prepare: Callable[[], dict[str, Any] | None], own: Sequence[socket.socket] = ()) -> int:
        """Fork a child that detaches (closing ``own`` too), gets its request from ``prepare``, runs it."""
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid:
            return pid
        code = 1
        try:
            self._detach(own)
            request = prepare()
            code = _run_kernel(request) if request else 0
        except BaseException:  # noqa: B036 - nothing may return into the zygote's loop
            traceback.print_exc()
        finally:
            os._exit(code)

    def _detach(self, own: Sequence[socket.socket]) -> None:
        """In a child: leave the zygote's session and signals; close its sockets and ``own``."""
        os.setsid()
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        self.sel.close()
        spare = [self.spare[1]] if self.spare else []
        for sock in (self.listener, *own, *spare, *self.kernels.values()):
            sock.close()
        os.close(self.wake_r)
        os.close(self.wake_w)
        _die_with_parent()


def _wait_for_request(channel: socket.socket) -> dict[str, Any] | None:
    """In a spare: warm the SVG renderer, then wait for the request the zygote hands over."""
    _warm_svg_renderer()
    request, fds = recv_frame(channel)
    channel.close()
    return _take_stdio(fds, request)


def _warm_svg_renderer() -> None:
    """Start vl-convert's JavaScript runtime (threads: only ever done after the fork)."""
    vl_convert = sys.modules.get("vl_convert")
    if vl_convert is None:
        return
    spec = {"mark": "point", "data": {"values": [{"x": 0}]}, "encoding": {"x": {"field": "x"}}}
    try:  # the Vega-Lite version altair asks for, so that it is loaded too
        from altair.utils._importers import vl_version_for_vl_convert

        options = {"vl_version": vl_version_for_vl_convert()}
    except Exception:
        options = {}
    with contextlib.suppress(Exception):
        vl_convert.vegalite_to_svg(spec, **options)


def _take_stdio(fds: list[int], request: dict[str, Any] | None) -> dict[str, Any] | None:
    """Make the launcher's descriptors this process's stdin, stdout and stderr; return ``request``."""
    for target, fd in enumerate(fds[:3]):
        os.dup2(fd, target)
    for fd in fds:
        if fd > 2:
            os.close(fd)
    return request


def _die_with_parent() -> None:
    """Ask Linux to kill this process if the zygote dies (best effort elsewhere)."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)


def _run_kernel(request: dict[str, Any]) -> int:
    """In the child: become an ipykernel with the requested arguments; return its exit code."""
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    argv = [str(arg) for arg in request["argv"]]
    spec = importlib.util.find_spec("ipykernel_launcher")
    sys.argv = [spec.origin if spec and spec.origin else "ipykernel_launcher", *argv]
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()  # forked children would otherwise share the zygote's global state
    from ipykernel.kernelapp import IPKernelApp

    code = 0
    try:
        # parent_handle's default was read from the zygote's environment at import time
        parent = int(os.environ.get("JPY_PARENT_PID") or 0)
        IPKernelApp.launch_instance(argv=argv, parent_handle=parent)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    _run_exit_handlers()
    return code


def _run_exit_handlers() -> None:
    """What interpreter exit would do before ``os._exit``: join threads, atexit, flush."""
    with contextlib.suppress(Exception):
        threading._shutdown()  # type: ignore[attr-defined]
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()


if __name__ == "__main__":
    _spare = "--no-spare" not in sys.argv[2:]
    serve(sys.argv[1], [name for name in sys.argv[2:] if name != "--no-spare"], spare=_spare)
