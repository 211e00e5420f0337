"""The warm papermill engine: same notebooks as the default engine, one fresh process per report."""

from __future__ import annotations

import copy
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import papermill as pm
import psutil
import pytest
from nbclient.exceptions import DeadKernelError
from papermill.engines import papermill_engines
from papermill.exceptions import PapermillExecutionError

from mineresearch.fast.engine import ENGINE_NAME, WarmEngine, _kernel_args, register_engine
from mineresearch.fast.zygote import current_zygote, stop_current_zygote

FIXTURES = Path(__file__).parents[1] / "fixtures" / "engine"


def _descendants() -> set[int]:
    return {child.pid for child in psutil.Process().children(recursive=True)}


@pytest.fixture(scope="module")
def warm() -> Iterator[str]:
    before = _descendants()
    name = register_engine()
    yield name
    stop_current_zygote()
    assert _descendants() - before == set()


def _execute(name: str, tmp_path: Path, engine: str | None, **parameters: Any) -> Any:
    out = tmp_path / f"{name}-{engine or 'default'}.ipynb"
    return pm.execute_notebook(
        FIXTURES / f"{name}.ipynb", out, parameters=parameters, engine_name=engine, progress_bar=False
    )


def _stable(nb: Any) -> dict[str, Any]:
    """The notebook without what legitimately differs between runs: timings, paths, new cell ids."""
    stable = copy.deepcopy(dict(nb))
    for key in ("start_time", "end_time", "duration", "input_path", "output_path"):
        stable["metadata"]["papermill"].pop(key, None)
    for cell in stable["cells"]:
        cell["metadata"].pop("execution", None)
        for key in ("start_time", "end_time", "duration"):
            cell["metadata"].get("papermill", {}).pop(key, None)
        if "injected-parameters" in cell["metadata"].get("tags", []):
            cell.pop("id", None)
    return stable


def _printed(nb: Any, index: int) -> str:
    return "".join(out.get("text", "") for out in nb.cells[index].outputs).strip()


def test_kernel_command_is_replaced_only_for_this_interpreters_ipykernel() -> None:
    args = ["-f", "/tmp/k.json", "--HistoryManager.hist_file=:memory:"]
    assert _kernel_args([sys.executable, "-m", "ipykernel_launcher", *args]) == args
    assert _kernel_args(["/opt/other/python", "-m", "ipykernel_launcher", *args]) is None
    assert _kernel_args(["R", "--slave", "-e", "IRkernel::main()", "--args", "/tmp/k.json"]) is None


def test_engine_is_registered_with_papermill() -> None:
    assert register_engine() == ENGINE_NAME == "mineresearch_warm"
    assert papermill_engines.get_engine(ENGINE_NAME) is WarmEngine


@pytest.mark.slow
def test_same_notebook_as_the_default_engine(warm: str, tmp_path: Path) -> None:
    default = _execute("chart", tmp_path, None, ticker="RIOT")
    forked = _execute("chart", tmp_path, warm, ticker="RIOT")
    assert "image/svg+xml" in forked.cells[-1].outputs[0]["data"]
    assert _stable(forked) == _stable(default)


@pytest.mark.slow
def test_parameters_are_injected(warm: str, tmp_path: Path) -> None:
    nb = _execute("chart", tmp_path, warm, ticker="CLSK", rows=3)
    injected = nb.cells[1]
    assert injected.metadata.tags == ["injected-parameters"]
    assert 'ticker = "CLSK"' in injected.source and "rows = 3" in injected.source
    assert _printed(nb, 5) == "5"  # 0 + 1 + 4
    assert "CLSK" in nb.cells[4].outputs[0]["data"]["text/html"]


@pytest.mark.slow
def test_each_report_starts_from_fresh_state(warm: str, tmp_path: Path) -> None:
    first = _execute("state", tmp_path, warm, mutate=True)
    second = _execute("state", tmp_path, warm, mutate=False)
    zygote_pid = current_zygote().pid
    # forked from the zygote, and nothing set by the first report is visible in the second
    assert _printed(first, 2) == f"leaked=False rows=60 ppid={zygote_pid}"
    assert _printed(second, 2) == f"leaked=False rows=60 ppid={zygote_pid}"


@pytest.mark.slow
def test_crashing_kernel_names_the_cell_and_the_next_report_runs(warm: str, tmp_path: Path) -> None:
    with pytest.raises(DeadKernelError, match=r"cell 1 \('import os'\)"):
        _execute("crash", tmp_path, warm)
    saved = nbformat.read(tmp_path / f"crash-{warm}.ipynb", as_version=4)
    assert [cell.metadata.papermill.status for cell in saved.cells] == ["completed", "failed", "pending"]
    after = _execute("state", tmp_path, warm)
    assert _printed(after, 1).startswith("leaked=False rows=60")


@pytest.mark.slow
def test_interrupt_reaches_the_forked_kernel(warm: str, tmp_path: Path) -> None:
    out = tmp_path / "sleep.ipynb"
    with pytest.raises(PapermillExecutionError) as raised:
        pm.execute_notebook(
            FIXTURES / "sleep.ipynb",
            out,
            engine_name=warm,
            progress_bar=False,
            execution_timeout=2,
            interrupt_on_timeout=True,
        )
    assert raised.value.ename == "KeyboardInterrupt"
    assert raised.value.cell_index == 0


@pytest.mark.slow
def test_stopping_leaves_no_process(warm: str, tmp_path: Path) -> None:
    before = _descendants()
    _execute("state", tmp_path, warm)
    zygote = current_zygote()
    assert zygote.pid in _descendants()
    stop_current_zygote()
    assert not zygote.is_alive()
    assert _descendants() <= before - {zygote.pid}


def test_shared_zygote_that_does_not_answer_falls_back_to_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket as socket_mod

    from mineresearch.fast.engine import SHARED_ZYGOTE_ENV, _answers

    dead = tmp_path / "dead.sock"
    listener = socket_mod.socket(socket_mod.AF_UNIX, socket_mod.SOCK_STREAM)
    listener.bind(str(dead))
    listener.close()  # the file stays, nobody listens: what a crashed shared zygote leaves
    assert dead.exists() and not _answers(str(dead))
    monkeypatch.setenv(SHARED_ZYGOTE_ENV, str(dead))
    assert not _answers(str(tmp_path / "missing.sock"))
    from mineresearch.fast.engine import WarmKernelManager
    from mineresearch.fast.zygote import stop_current_zygote

    try:
        km = WarmKernelManager(kernel_name="python3")
        km.connection_file = str(tmp_path / "kernel.json")
        cmd = km.format_kernel_cmd()
        socket_arg = cmd[cmd.index("--socket") + 1]
        assert socket_arg != str(dead) and os.path.exists(socket_arg)  # this process's own zygote
    finally:
        stop_current_zygote()


def test_kernel_managers_use_the_quick_ready_client() -> None:
    import zmq

    from mineresearch.fast.engine import WarmKernelManager
    from mineresearch.fast.kernels import RECONNECT_MS, IPCKernelManager, QuickReadyClient

    for manager_class in (IPCKernelManager, WarmKernelManager):
        client = manager_class().client()
        assert isinstance(client, QuickReadyClient)
        # a socket that connects before the kernel has bound its endpoint retries within milliseconds
        assert client.context.getsockopt(zmq.RECONNECT_IVL) == RECONNECT_MS



def test_a_killed_kernel_is_polled_finely(monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    from mineresearch.fast.kernels import KILL_POLL_S, IPCKernelManager

    polls: list[float] = []
    manager = IPCKernelManager()

    async def alive() -> bool:
        return len(polls) < 3

    async def sleep(seconds: float) -> None:
        polls.append(seconds)

    monkeypatch.setattr(manager, "_async_is_alive", alive)
    monkeypatch.setattr(asyncio, "sleep", sleep)
    asyncio.run(manager._async_wait())
    assert polls == [KILL_POLL_S] * 3  # jupyter_client's default would wait 0.1 s a time
