"""A long-lived process that converts Vega-Lite specs to SVG, so kernels never start vl-convert.

vl-convert runs Vega in a JavaScript runtime that takes about 0.3 s of CPU to start, in every
process that converts its first chart, and that cannot be started in the zygote (its threads do
not survive ``fork``). One render service per zygote starts it once and converts for every kernel:

* the owner (:class:`mineresearch.fast.zygote.Zygote`) starts it with :class:`SvgService`; it exits when
  its standard input closes, that is when the owner stops it or dies;
* kernels find it through ``MINERESEARCH_SVG_SOCKET``, which the zygote sets for them;
  :func:`render_svg` sends a spec there and returns None when no service is set or reachable, so
  :func:`mineresearch.report.charts.render.chart_to_svg` then converts in-process exactly as before.

The wire format: one connection per conversion, a 4-byte big-endian length then the body each way.
The request body is JSON ``{"spec": ..., "vl_version": ...}``; the reply body is one status byte
(0: SVG, 1: error) then UTF-8 text. The service calls ``vl_convert.vegalite_to_svg`` with the same
spec and version as an in-process conversion, so the SVG is the same, byte for byte. Replies are
cached by the request's hash: a quarter's network charts are identical across companies.

This module imports only the standard library: a kernel pays nothing to use it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import selectors
import signal
import socket
import struct
import subprocess
import sys
import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from mineresearch.fast.cleanup import remove_private_folder as _remove_private_folder

SVG_SOCKET_ENV = "MINERESEARCH_SVG_SOCKET"
_HEADER = struct.Struct("!I")
_OK, _ERROR = b"\x00", b"\x01"
_CACHE_ENTRIES = 256
_REPLY_TIMEOUT_S = 60.0


class SvgRenderError(ValueError):
    """vl-convert, in the render service, could not convert a spec (its message is kept)."""


def _send(sock: socket.socket, body: bytes) -> None:
    sock.sendall(_HEADER.pack(len(body)) + body)


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(min(size - len(chunks), 1 << 20))
        if not chunk:
            raise EOFError("connection closed in the middle of a frame")
        chunks += chunk
    return bytes(chunks)


def _recv(sock: socket.socket) -> bytes | None:
    """One frame's body, or None when the peer closed the connection before a new frame."""
    head = sock.recv(_HEADER.size)
    if not head:
        return None
    if len(head) < _HEADER.size:
        head += _recv_exact(sock, _HEADER.size - len(head))
    (size,) = _HEADER.unpack(head)
    return _recv_exact(sock, size)


def render_svg(spec: dict[str, Any], vl_version: str, socket_path: str | None = None) -> str | None:
    """Convert ``spec`` in the render service, if there is one.

    Args:
        spec: A Vega-Lite spec (JSON-serialisable).
        vl_version: The Vega-Lite version vl-convert should use (e.g. ``"6.4"``).
        socket_path: The service's socket (default: ``MINERESEARCH_SVG_SOCKET``).

    Returns:
        The SVG markup, or None when no service is configured or it cannot be reached or dies (the
        caller then converts in-process).

    Raises:
        SvgRenderError: The service answered that vl-convert rejected the spec.
    """
    path = socket_path or os.environ.get(SVG_SOCKET_ENV)
    if not path:
        return None
    try:
        body = json.dumps({"spec": spec, "vl_version": vl_version}).encode()
    except (TypeError, ValueError):
        return None  # not plain JSON: let vl-convert see the spec itself
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(_REPLY_TIMEOUT_S)
            sock.connect(path)
            _send(sock, body)
            reply = _recv(sock)
    except (OSError, EOFError):
        return None
    if not reply:
        return None
    text = reply[1:].decode()
    if reply[:1] == _ERROR:
        raise SvgRenderError(text)
    return text


def warm_vl_convert() -> None:
    """Start vl-convert's JavaScript runtime in this process (threads: never before a ``fork``).

    One tiny conversion with the default Vega-Lite version (the newest, which Altair also asks for);
    does nothing when vl-convert is not installed.
    """
    try:
        import vl_convert
    except ImportError:
        return
    spec = {"mark": "point", "data": {"values": [{"x": 0}]}, "encoding": {"x": {"field": "x"}}}
    with contextlib.suppress(Exception):
        vl_convert.vegalite_to_svg(spec)


class SvgService:
    """Owner-side handle of one render service process.

    Args:
        socket_path: Where the service listens (its folder must exist).
        python: Interpreter that runs the service (defaults to ``sys.executable``).
    """

    def __init__(self, socket_path: str, python: str | None = None) -> None:
        self.socket_path = socket_path
        self.python = python or sys.executable
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        """Process id of the service, or None when it was not started."""
        return self._proc.pid if self._proc is not None else None

    def is_alive(self) -> bool:
        """Whether the service process is running."""
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> SvgService:
        """Start the service, or replace it if it died (no-op while it runs); do not wait for it.

        Until it listens, :func:`render_svg` finds no service and kernels convert in-process.

        Returns:
            This service.
        """
        if not self.is_alive():
            self.stop()
            cmd = [self.python, "-m", "mineresearch.fast.svg_service", self.socket_path]
            # stdin is the lifeline: the service exits when it reads EOF
            self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, start_new_session=True)
        return self

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Block until the service accepts connections.

        Args:
            timeout: Seconds to wait.

        Raises:
            TimeoutError: It did not start listening in time or exited.
        """
        deadline = time.monotonic() + timeout
        while True:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                try:
                    sock.connect(self.socket_path)
                    return
                except OSError:
                    pass
            if not self.is_alive() or time.monotonic() > deadline:
                raise TimeoutError(f"the SVG render service did not start at {self.socket_path}")
            time.sleep(0.005)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the service (close its lifeline, then kill it if it lingers)."""
        proc, self._proc = self._proc, None
        stop_lifeline_process(proc, timeout)


def stop_lifeline_process(proc: subprocess.Popen[bytes] | None, timeout: float) -> None:
    """Stop a child whose stdin is its lifeline: close stdin, then kill it if it lingers past ``timeout``."""
    if proc is None:
        return
    if proc.stdin is not None:
        proc.stdin.close()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class _Converter:
    """vl-convert behind a small cache of finished replies."""

    def __init__(self) -> None:
        import vl_convert

        self.vl_convert = vl_convert
        self.cache: OrderedDict[bytes, bytes] = OrderedDict()

    def reply(self, body: bytes) -> bytes:
        """The reply frame body for a request body (cached when it is an SVG)."""
        key = hashlib.sha256(body).digest()
        if key in self.cache:
            self.cache.move_to_end(key)
            return self.cache[key]
        try:
            request = json.loads(body)
            svg = self.vl_convert.vegalite_to_svg(request["spec"], vl_version=request["vl_version"])
        except Exception as exc:  # noqa: BLE001 - every failure goes back to the kernel that asked
            return _ERROR + str(exc).encode()
        reply = _OK + str(svg).encode()
        self.cache[key] = reply
        if len(self.cache) > _CACHE_ENTRIES:
            self.cache.popitem(last=False)
        return reply


def serve(socket_path: str) -> None:
    """Run the service: listen on ``socket_path``, warm vl-convert, answer until stdin closes.

    The socket is listening before the warm-up, so early requests wait for it rather than fail.

    Args:
        socket_path: Unix socket to create (atomically replacing a dead service's socket).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(socket_path + ".new")
    listener.bind(socket_path + ".new")
    listener.listen(64)
    os.rename(socket_path + ".new", socket_path)
    converter = _Converter()
    warm_vl_convert()
    sel = selectors.DefaultSelector()
    sel.register(listener, selectors.EVENT_READ)
    sel.register(sys.stdin.fileno(), selectors.EVENT_READ)
    while True:
        for key, _ in sel.select():
            if key.fileobj is listener:
                _answer(listener, converter)
            elif not os.read(sys.stdin.fileno(), 4096):  # the owner stopped us or died
                listener.close()
                with contextlib.suppress(OSError):
                    os.unlink(socket_path)
                with contextlib.suppress(OSError):  # the last of the zygote's pair removes their folder
                    _remove_private_folder(os.path.dirname(socket_path))
                return


def _answer(listener: socket.socket, converter: _Converter) -> None:
    """Accept one connection and answer its request (a bad or silent client is dropped)."""
    conn, _ = listener.accept()
    with conn:
        conn.settimeout(10.0)
        try:
            body = _recv(conn)
            if body is not None:
                _send(conn, converter.reply(body))
        except (OSError, EOFError):
            return


def main(argv: Sequence[str] | None = None) -> None:
    """Run the service from its command line (``SOCKET``).

    Args:
        argv: The arguments after the program name (default: ``sys.argv[1:]``).
    """
    args = list(sys.argv[1:] if argv is None else argv)
    serve(args[0])


if __name__ == "__main__":
    main()
