"""The zygote process itself: import once, then fork one fresh ipykernel per request.

Started by :class:`mineresearch.fast.zygote.Zygote` (``python -m mineresearch.fast.zygote_server SOCKET
[--no-spare] [--svg-socket PATH] MODULE...``), it imports the modules, then forks a child per request
that becomes a real ipykernel on the connection file jupyter_client wrote. It exits, killing its
kernels, when its standard input closes.

Nothing thread-based is warmed here: vl-convert's JavaScript runtime runs on threads, which do not
survive ``fork``. Charts go to the SVG render service (:mod:`mineresearch.fast.svg_service`) named in each
kernel's environment. One *spare* child is kept forked ahead and becomes the next kernel; without a
render service it starts vl-convert's runtime while it waits. A spare has run no user code.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import importlib
import importlib.util
import os
import selectors
import signal
import socket
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from mineresearch.fast.cleanup import remove_private_folder as _remove_private_folder
from mineresearch.fast.kernel_launch import recv_frame, send_frame
from mineresearch.fast.svg_service import SVG_SOCKET_ENV, warm_vl_convert


def serve(
    socket_path: str, preload: Sequence[str], spare: bool = True, svg_socket: str | None = None
) -> None:
    """Run the zygote: listen on ``socket_path``, import ``preload``, fork kernels on request.

    Args:
        socket_path: Unix socket to create and listen on.
        preload: Modules to import before forking (missing ones are skipped).
        spare: Keep one kernel forked ahead (which warms vl-convert itself without ``svg_socket``).
        svg_socket: Socket of the SVG render service, set as ``MINERESEARCH_SVG_SOCKET`` in every
            kernel whose environment does not name one already.
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
    _Server(listener, spare, svg_socket).run()


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

    def __init__(self, listener: socket.socket, spare: bool, svg_socket: str | None = None) -> None:
        self.listener = listener
        self.svg_socket = svg_socket
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
        with contextlib.suppress(OSError):  # the owner died without stopping us: leave no empty folder
            _remove_private_folder(os.path.dirname(path))

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
            with contextlib.suppress(OSError):  # a probe that hung up must never stop the zygote
                send_frame(conn, {"ok": True})
            conn.close()
            return
        if self.svg_socket and isinstance(request.get("env"), dict):
            request["env"].setdefault(SVG_SOCKET_ENV, self.svg_socket)
        pid = self._hand_to_spare(request, fds) or self._fork(lambda: _take_stdio(fds, request), (conn,))
        for fd in fds:
            os.close(fd)
        try:
            send_frame(conn, {"pid": pid})
        except OSError:  # the launcher is gone: its kernel has no owner left
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            conn.close()
            return
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
        warm = self.svg_socket is None
        pid = self._fork(lambda: _wait_for_request(theirs, warm), own=(ours,))
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


def _wait_for_request(channel: socket.socket, warm: bool) -> dict[str, Any] | None:
    """In a spare: warm the SVG renderer if asked, then wait for the request the zygote hands over."""
    if warm:
        warm_vl_convert()
    request, fds = recv_frame(channel)
    channel.close()
    return _take_stdio(fds, request)


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


def main(argv: Sequence[str] | None = None) -> None:
    """Run the zygote from its command line (``SOCKET [--no-spare] [--svg-socket PATH] MODULE...``).

    Args:
        argv: The arguments after the program name (default: ``sys.argv[1:]``).
    """
    args = list(sys.argv[1:] if argv is None else argv)
    socket_path, rest = args[0], args[1:]
    svg_socket = None
    if "--svg-socket" in rest:
        at = rest.index("--svg-socket")
        svg_socket = rest[at + 1]
        del rest[at : at + 2]
    spare = "--no-spare" not in rest
    serve(socket_path, [name for name in rest if name != "--no-spare"], spare=spare, svg_socket=svg_socket)


if __name__ == "__main__":
    main()
