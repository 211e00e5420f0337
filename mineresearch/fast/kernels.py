"""Kernel managers on IPC sockets with a private endpoint per kernel, and a quicker readiness check.

IPC transport avoids TCP ports and ipykernel's warning about unencrypted TCP on every start. jupyter_client
derives the IPC endpoint from the connection file only when that is set before the endpoint is first read;
otherwise every kernel started from the same folder gets ``kernel-ipc-N`` and concurrent kernels collide
(signature errors, then "Kernel didn't respond"). Each manager here picks its own path under the temp folder.
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from queue import Empty

import zmq
import zmq.asyncio
from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from traitlets import Type, default

from mineresearch.fast.cleanup import alive as _alive

ENDPOINT_PREFIX = "mr-kernel-"


def ipc_endpoint() -> str:
    """A fresh socket path prefix (short: Unix socket paths are limited to about 100 bytes).

    It names this process (``mr-kernel-<pid>-<random>``), so that the sockets of a killed process's kernels
    can be told apart and removed (:func:`remove_stale_endpoints`, run once per process).
    """
    if not _SWEPT:
        _SWEPT.append(True)
        remove_stale_endpoints()
    return os.path.join(tempfile.gettempdir(), f"{ENDPOINT_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:12]}")


_SWEPT: list[bool] = []


def remove_stale_endpoints(base: str | None = None) -> list[str]:
    """Remove kernel IPC sockets of this user whose owning process is gone (a killed worker leaves them)."""
    base = base or tempfile.gettempdir()
    removed: list[str] = []
    try:
        names = [n for n in os.listdir(base) if n.startswith(ENDPOINT_PREFIX)]
    except OSError:
        return removed
    for name in names:
        pid = name[len(ENDPOINT_PREFIX):].split("-", 1)[0]
        if not pid.isdigit() or _alive(int(pid)):
            continue  # an older name (no owner in it) or a live owner: not ours to touch
        path = os.path.join(base, name)
        try:
            if os.lstat(path).st_uid == os.getuid():
                os.unlink(path)
                removed.append(path)
        except OSError:
            continue
    return removed


class IPCKernelManager(AsyncKernelManager):
    """An ``AsyncKernelManager`` on IPC transport with a private endpoint."""

    @default("transport")
    def _default_transport(self) -> str:
        return "ipc"

    @default("ip")
    def _default_ip(self) -> str:
        return ipc_endpoint()

    @default("client_class")
    def _default_client_class(self) -> str:
        return "mineresearch.fast.kernels.QuickReadyClient"

    # AsyncKernelManager gives ``client_factory`` a static default, so a changed ``client_class`` default
    # alone is never imported: the factory must be set as well.
    client_factory = Type(klass=AsyncKernelClient, config=True)

    @default("client_factory")
    def _default_client_factory(self) -> type[AsyncKernelClient]:
        return QuickReadyClient

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        # jupyter_client polls a killed kernel every 0.1 s until it is gone; a forked kernel dies within
        # milliseconds, so a finer poll returns that much sooner on every report.
        await super()._async_wait(pollinterval=min(pollinterval, KILL_POLL_S))


class QuickReadyClient(AsyncKernelClient):
    """A client that notices a freshly started kernel sooner.

    Two waits of jupyter_client's are shortened. Its sockets connect before the kernel has bound its
    endpoints, and ZeroMQ retries a failed connection only every 0.1 s (then a lost IOPub status costs a
    second 0.2 s round of ``kernel_info``): here the retry interval is a few milliseconds. And
    ``wait_for_ready`` ends by draining IOPub until it has been quiet for 0.2 s; nbclient matches every
    later message to its request, so nothing left on IOPub can leak into a cell's outputs, and a short
    drain is enough.
    """

    @default("context")
    def _context_default(self) -> zmq.asyncio.Context:
        self._created_context = True
        context = zmq.asyncio.Context()
        context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)  # a default for every socket made from it
        return context

    async def wait_for_ready(self, timeout: float | None = None) -> None:  # type: ignore[override]
        deadline = time.time() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                msg = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                pass
            else:
                if msg["msg_type"] == "kernel_info_reply":
                    try:
                        await self.iopub_channel.get_msg(timeout=0.2)  # IOPub is connected
                    except Empty:
                        pass
                    else:
                        self._handle_kernel_info_reply(msg)
                        break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.time() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
        while True:
            try:
                await self.iopub_channel.get_msg(timeout=IOPUB_DRAIN_S)
            except Empty:
                break


IOPUB_DRAIN_S = 0.02
RECONNECT_MS = 5
KILL_POLL_S = 0.005
