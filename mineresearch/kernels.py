"""Kernel managers on IPC sockets with a private endpoint per kernel.

IPC transport avoids TCP ports and ipykernel's warning about unencrypted TCP on every start. jupyter_client
derives the IPC endpoint from the connection file only when that is set before the endpoint is first read;
otherwise every kernel started from the same folder gets ``kernel-ipc-N`` and concurrent kernels collide
(signature errors, then "Kernel didn't respond"). Each manager here picks its own path under the temp folder.
"""

from __future__ import annotations

import os
import tempfile
import uuid

from jupyter_client.manager import AsyncKernelManager
from traitlets import default


def ipc_endpoint() -> str:
    """A fresh socket path prefix (short: Unix socket paths are limited to about 100 bytes)."""
    return os.path.join(tempfile.gettempdir(), f"mr-kernel-{uuid.uuid4().hex[:12]}")


class IPCKernelManager(AsyncKernelManager):
    """An ``AsyncKernelManager`` on IPC transport with a private endpoint."""

    @default("transport")
    def _default_transport(self) -> str:
        return "ipc"

    @default("ip")
    def _default_ip(self) -> str:
        return ipc_endpoint()
