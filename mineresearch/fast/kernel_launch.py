"""Tiny kernel launcher: asks the zygote to fork a kernel and stands in for it.

jupyter_client starts ``python -m mineresearch.fast.kernel_launch --socket PATH -f CONNECTION_FILE ...``
(the kernel's own arguments follow the socket path) as if it were the kernel. The launcher hands
its working directory, environment and standard streams to the zygote
(:mod:`mineresearch.fast.zygote`), which forks a process that becomes an ipykernel on that
connection file. The launcher then relays signals (interrupt, terminate)
to the kernel and exits with the kernel's exit status, so jupyter_client's process management
keeps working unchanged. If the launcher is killed outright, the zygote sees its connection
close and kills the kernel.

This module also holds the wire protocol shared with the zygote: length-prefixed JSON frames
over a Unix stream socket, with file descriptors passed alongside the first frame. It imports
only the standard library so that the launcher starts in a few milliseconds.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import struct
import sys
from collections.abc import Sequence
from typing import Any

_HEADER = struct.Struct("!I")
_MAX_FDS = 3
RELAYED_SIGNALS: tuple[signal.Signals, ...] = (
    signal.SIGINT,
    signal.SIGTERM,
    signal.SIGHUP,
    signal.SIGQUIT,
    signal.SIGUSR1,
    signal.SIGUSR2,
)


class ZygoteUnavailableError(RuntimeError):
    """The zygote could not be reached or refused to fork a kernel."""


def send_frame(sock: socket.socket, message: dict[str, Any], fds: Sequence[int] = ()) -> None:
    """Send one JSON frame, optionally passing file descriptors with it.

    Args:
        sock: A connected Unix stream socket.
        message: A JSON-serialisable mapping.
        fds: File descriptors to pass (SCM_RIGHTS) with the frame.
    """
    body = json.dumps(message).encode()
    data = _HEADER.pack(len(body)) + body
    if fds:
        sent = socket.send_fds(sock, [data], list(fds))
        data = data[sent:]
    if data:
        sock.sendall(data)


def _recv_exact(sock: socket.socket, size: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(size - len(chunks))
        if not chunk:
            raise EOFError("connection closed in the middle of a frame")
        chunks += chunk
    return bytes(chunks)


def recv_frame(sock: socket.socket) -> tuple[dict[str, Any] | None, list[int]]:
    """Receive one JSON frame and any file descriptors sent with it.

    Args:
        sock: A connected Unix stream socket.

    Returns:
        The decoded mapping (None when the peer closed the connection) and the received fds.
    """
    head, fds, _flags, _addr = socket.recv_fds(sock, _HEADER.size, _MAX_FDS)
    if not head:
        return None, fds
    if len(head) < _HEADER.size:
        head += _recv_exact(sock, _HEADER.size - len(head))
    (size,) = _HEADER.unpack(head)
    return json.loads(_recv_exact(sock, size)), fds


def request_kernel(
    socket_path: str,
    argv: Sequence[str],
    *,
    cwd: str,
    env: dict[str, str],
    stdio: Sequence[int] = (0, 1, 2),
) -> tuple[socket.socket, int]:
    """Ask the zygote at ``socket_path`` to fork a kernel started with ``argv``.

    The kernel lives while the returned socket stays open: closing it makes the zygote kill
    the kernel. The zygote sends ``{"exit": code}`` on it when the kernel ends.

    Args:
        socket_path: The zygote's Unix socket.
        argv: The kernel application's arguments (``-f CONNECTION_FILE`` and any others).
        cwd: Working directory of the kernel.
        env: Environment of the kernel.
        stdio: Descriptors that become the kernel's stdin, stdout and stderr.

    Returns:
        The open connection and the kernel's process id.

    Raises:
        ZygoteUnavailableError: The zygote is not running or refused the request.
    """
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(socket_path)
        send_frame(sock, {"op": "fork", "argv": list(argv), "cwd": cwd, "env": env}, stdio)
        reply, _ = recv_frame(sock)
    except OSError as exc:
        sock.close()
        raise ZygoteUnavailableError(f"cannot reach the kernel zygote at {socket_path}: {exc}") from exc
    if not reply or "pid" not in reply:
        sock.close()
        raise ZygoteUnavailableError(f"the kernel zygote refused to fork a kernel: {reply}")
    return sock, int(reply["pid"])


def wait_exit(sock: socket.socket) -> int | None:
    """Block until the zygote reports the kernel's exit code (None if the zygote went away).

    Args:
        sock: The connection returned by :func:`request_kernel`.

    Returns:
        The exit code as ``os.waitstatus_to_exitcode`` gives it (negative for a signal).
    """
    try:
        reply, _ = recv_frame(sock)
    except (OSError, EOFError):
        return None
    if reply is None:
        return None
    return int(reply["exit"])


def _relay_to(pid: int) -> None:
    def relay(signum: int, _frame: object) -> None:
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    for sig in RELAYED_SIGNALS:
        signal.signal(sig, relay)


def _exit_like(code: int) -> None:
    if code < 0:
        try:
            signal.signal(-code, signal.SIG_DFL)
        except (OSError, ValueError):  # SIGKILL and SIGSTOP have no handler to reset: they cannot be caught
            pass
        os.kill(os.getpid(), -code)
    os._exit(code if code >= 0 else 128 - code)


def _parse_args(argv: Sequence[str]) -> tuple[str, list[str]]:
    items = list(argv)
    if len(items) < 2 or items[0] != "--socket" or "-f" not in items[2:]:
        raise SystemExit("usage: python -m mineresearch.fast.kernel_launch --socket PATH [--] -f FILE [ARGS...]")
    rest = items[2:]
    return items[1], rest[1:] if rest[0] == "--" else rest


def main(argv: Sequence[str] | None = None) -> int:
    """Run the launcher: fork a kernel through the zygote, relay signals, mirror its exit.

    Args:
        argv: Command-line arguments (``--socket PATH -f CONNECTION_FILE [KERNEL ARGS...]``).

    Returns:
        1 when the zygote could not be reached; otherwise the process exits like the kernel.
    """
    socket_path, kernel_argv = _parse_args(sys.argv[1:] if argv is None else argv)
    try:
        sock, pid = request_kernel(socket_path, kernel_argv, cwd=os.getcwd(), env=dict(os.environ))
    except ZygoteUnavailableError as exc:
        print(f"mineresearch.fast.kernel_launch: {exc}", file=sys.stderr, flush=True)
        return 1
    _relay_to(pid)
    code = wait_exit(sock)
    if code is None:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        code = 1
    _exit_like(code)
    return code


if __name__ == "__main__":
    sys.exit(main())
