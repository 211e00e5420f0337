"""Papermill engine whose kernels are forked from a warm zygote instead of started cold.

``papermill.execute_notebook(..., engine_name="mineresearch_warm")`` runs exactly as the default
engine (nbclient, parameter injection, output notebook, error cells) except for how the kernel
process comes to life: :class:`WarmKernelManager` replaces the kernel command with the small
launcher of :mod:`mineresearch.fast.kernel_launch`, which asks this process's zygote
(:func:`mineresearch.fast.zygote.current_zygote`) to fork a kernel that has already imported
ipykernel, IPython, pandas, numpy and altair, and whose charts go to the zygote's SVG render service
(:mod:`mineresearch.fast.svg_service`). Every report still gets its own fresh process; interrupt, kill,
restart and shutdown go through jupyter_client unchanged.
"""

from __future__ import annotations

import os
import socket
import sys
from typing import Any

from nbclient.exceptions import DeadKernelError
from traitlets import default

from mineresearch.fast.kernels import IPCKernelManager
from mineresearch.fast.zygote import current_zygote

LAUNCHER_MODULE = "mineresearch.fast.kernel_launch"
SHARED_ZYGOTE_ENV = "MINERESEARCH_ZYGOTE_SOCKET"
"""Socket of a zygote shared by several processes (a build's workers); this process's own otherwise."""


def _kernel_args(cmd: list[str]) -> list[str] | None:
    """The ipykernel arguments of ``python -m ipykernel_launcher ARGS``, or None for another kernel.

    Only this interpreter's ipykernel can be forked from the zygote; interpreter options placed
    before ``-m`` are not carried over.
    """
    if cmd[:1] != [sys.executable] or cmd[-len(cmd) + 1 :].count("ipykernel_launcher") != 1:
        return None
    index = cmd.index("ipykernel_launcher")
    return cmd[index + 1 :] if index >= 2 and cmd[index - 1] == "-m" else None


class WarmKernelManager(IPCKernelManager):
    """Kernel manager that forks Python kernels from the zygote.

    Defaults differ from jupyter_client's in two ways: IPC transport (no TCP ports, no warning
    about unencrypted TCP) and a 1 s shutdown wait, as a report's kernel has nothing left to save.

    Kernel specs that do not run ``ipykernel_launcher`` on this interpreter start as usual.
    """

    @default("shutdown_wait_time")
    def _default_shutdown_wait_time(self) -> float:
        # jupyter_client interrupts the kernel just before asking it to shut down; a relayed
        # interrupt can land while the kernel handles that request, which then never completes.
        # Half of this wait passes before the kernel is terminated (5 s by default: 2.5 s lost).
        return 1.0

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        """Return the launcher command in place of ``python -m ipykernel_launcher -f FILE``.

        Args:
            extra_arguments: Extra kernel arguments (nbclient passes an in-memory history file).

        Returns:
            The command jupyter_client starts as the kernel process.
        """
        cmd = super().format_kernel_cmd(extra_arguments)
        args = _kernel_args(cmd)
        if args is None:
            return cmd
        shared = os.environ.get(SHARED_ZYGOTE_ENV, "")
        socket_path = shared if shared and _answers(shared) else current_zygote().socket_path
        return [sys.executable, "-m", LAUNCHER_MODULE, "--socket", socket_path, "--", *args]


def _answers(socket_path: str) -> bool:
    """Whether a zygote listens on ``socket_path`` (a shared zygote that died leaves its file behind)."""
    from mineresearch.fast.kernel_launch import recv_frame, send_frame

    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            probe.settimeout(10.0)  # a zygote still importing answers once its loop runs
            probe.connect(socket_path)
            send_frame(probe, {"op": "ping"})
            reply, _ = recv_frame(probe)
    except (OSError, EOFError):
        return False
    return bool(reply and reply.get("ok"))


def _last_started_cell(nb: Any) -> int | None:
    """Index of the last cell papermill started (the one running when the kernel died)."""
    started = [i for i, cell in enumerate(nb.cells) if cell.metadata.get("papermill", {}).get("start_time")]
    return started[-1] if started else None


def _engine_class() -> type:
    """Build :class:`WarmEngine` on first use.

    papermill loads its engine entry points (this module's ``WarmEngine`` among them) while it is
    being imported. Defining the class only when it is first asked for lets this module be imported
    before or after papermill without a circular import.
    """
    from papermill.engines import NBClientEngine
    
    class WarmEngine(NBClientEngine):
        """Papermill engine running notebooks in kernels forked from a warm zygote.

        Registered under the name ``mineresearch_warm``. A caller may still pass its own
        ``kernel_manager_class``; by default :class:`WarmKernelManager` is used.
        """

        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
            """Execute through nbclient with the warm kernel manager.

            Args:
                nb_man: papermill's ``NotebookExecutionManager``.
                kernel_name: Kernel spec name from the notebook or the caller.
                **kwargs: Passed on to papermill's nbclient engine.

            Returns:
                What papermill's nbclient engine returns.

            Raises:
                DeadKernelError: The kernel died; the message names the cell that was running, and
                    that cell is marked as failed in the output notebook.
            """
            kwargs.setdefault("kernel_manager_class", WarmKernelManager)
            try:
                return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
            except DeadKernelError as exc:
                index = _last_started_cell(nb_man.nb)
                if index is None:
                    raise
                cell = nb_man.nb.cells[index]
                nb_man.cell_exception(cell, cell_index=index, exception=exc)
                first_line = (str(cell.source).strip().splitlines() or [""])[0]
                raise DeadKernelError(f"{exc} while executing cell {index} ({first_line!r})") from exc

    return WarmEngine


def _warm_engine() -> type:
    """The one ``WarmEngine`` class of this process."""
    engine = globals().get("WarmEngine")
    if engine is None:
        engine = globals()["WarmEngine"] = _engine_class()
    return engine


def __getattr__(name: str) -> Any:
    if name == "WarmEngine":
        return _warm_engine()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


ENGINE_NAME = "mineresearch_warm"


def register_engine() -> str:
    """Register :class:`WarmEngine` with papermill under ``mineresearch_warm`` (idempotent).

    papermill also finds it through the ``papermill.engine`` entry-point group when the package
    metadata declares it there.

    Returns:
        The engine name to pass as ``engine_name``.
    """
    from papermill.engines import papermill_engines

    papermill_engines.register(ENGINE_NAME, _warm_engine())
    return ENGINE_NAME
