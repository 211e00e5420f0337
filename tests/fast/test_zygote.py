"""The zygote forks real, isolated ipykernels and leaves no process behind."""

from __future__ import annotations

import os
import queue
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from jupyter_client import KernelManager
from jupyter_client.blocking import BlockingKernelClient
from process_tools import descendants as _descendants
from process_tools import gone as _gone

from mineresearch.fast.kernel_launch import (
    ZygoteUnavailableError,
    _parse_args,
    main,
    recv_frame,
    request_kernel,
    send_frame,
)
from mineresearch.fast.zygote import Zygote, current_zygote, stop_current_zygote


class _Kernel:
    """A kernel forked from a zygote with a client connected to it."""

    def __init__(self, zygote: Zygote, folder: Path) -> None:
        self.manager = KernelManager(transport="ipc")
        self.manager.connection_file = str(folder / f"kernel-{len(list(folder.iterdir()))}.json")
        self.manager.write_connection_file()
        self.pid = zygote.fork_kernel(self.manager.connection_file, cwd=str(folder))
        self.client = BlockingKernelClient()  # not tied to the manager, which did not start it
        self.client.load_connection_file(self.manager.connection_file)
        self.client.start_channels()
        self._wait_for_ready()

    def _wait_for_ready(self) -> None:
        """Like ``wait_for_ready``, which needs the manager to have started the kernel to tell it is alive."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            self.client.kernel_info()
            try:
                self.client.get_shell_msg(timeout=1)
                self.client.get_iopub_msg(timeout=0.5)  # iopub is connected too
            except queue.Empty:
                continue
            while True:
                try:
                    self.client.get_iopub_msg(timeout=0.2)
                except queue.Empty:
                    return
        raise TimeoutError("the forked kernel did not answer")

    def run(self, code: str) -> str:
        """Execute ``code`` and return what it printed."""
        printed: list[str] = []

        def hook(msg: dict) -> None:
            if msg["msg_type"] == "stream":
                printed.append(msg["content"]["text"])

        reply = self.client.execute_interactive(code, timeout=60, output_hook=hook)
        assert reply["content"]["status"] == "ok", reply["content"]
        return "".join(printed).strip()

    def close(self) -> None:
        self.client.stop_channels()
        self.manager.cleanup_resources()


ZYGOTE_OPTIONS = {
    "service": {},  # the default: SVG render service, no spare
    "service-spare": {"spare": True},
    "warm-spare": {"svg_service": False},  # the spare warms vl-convert itself
}


@pytest.fixture(params=list(ZYGOTE_OPTIONS))
def zygote(request: pytest.FixtureRequest) -> Iterator[Zygote]:
    with Zygote(**ZYGOTE_OPTIONS[request.param]) as started:
        yield started


def test_frames_carry_json_and_descriptors() -> None:
    left, right = socket.socketpair()
    read_end, write_end = os.pipe()
    with left, right:
        send_frame(left, {"op": "fork", "argv": ["-f", "k.json"]}, [write_end])
        message, fds = recv_frame(right)
        assert message == {"op": "fork", "argv": ["-f", "k.json"]}
        os.write(fds[0], b"ok")
        assert os.read(read_end, 2) == b"ok"
        left.close()
        assert recv_frame(right) == (None, [])
    for fd in (read_end, write_end, *fds):
        os.close(fd)


def test_launcher_arguments_keep_the_kernel_arguments() -> None:
    kernel_args = ["-f", "/tmp/k.json", "--HistoryManager.hist_file=:memory:"]
    assert _parse_args(["--socket", "/s", "--", *kernel_args]) == ("/s", kernel_args)
    assert _parse_args(["--socket", "/s", *kernel_args]) == ("/s", kernel_args)
    with pytest.raises(SystemExit):
        _parse_args(["-f", "/tmp/k.json"])


def test_launcher_without_zygote_fails_cleanly(tmp_path: Path) -> None:
    with pytest.raises(ZygoteUnavailableError, match="cannot reach"):
        request_kernel(str(tmp_path / "none.sock"), ["-f", "k.json"], cwd=str(tmp_path), env={})
    assert main(["--socket", str(tmp_path / "none.sock"), "-f", "k.json"]) == 1


@pytest.mark.slow
def test_each_kernel_is_a_fresh_child_of_the_zygote(zygote: Zygote, tmp_path: Path) -> None:
    first = _Kernel(zygote, tmp_path)
    assert first.run("import os, sys; print(os.getppid(), 'pandas' in sys.modules, os.getcwd())") == (
        f"{zygote.pid} True {tmp_path}"
    )
    first.run("x = 41\nimport pandas as pd\npd.options.display.max_rows = 3")
    second = _Kernel(zygote, tmp_path)
    assert second.pid not in (first.pid, zygote.pid)
    printed = second.run("import pandas as pd\nprint('x' in globals(), pd.options.display.max_rows)")
    assert printed == "False 60"
    assert first.run("print(x + 1)") == "42"
    for kernel in (first, second):
        kernel.close()


@pytest.mark.slow
def test_kernels_convert_charts_in_the_render_service(zygote: Zygote, tmp_path: Path) -> None:
    kernel = _Kernel(zygote, tmp_path)
    code = (
        "import os, vl_convert\n"
        "from mineresearch.report.charts.render import chart_to_svg\n"
        + ("vl_convert.vegalite_to_svg = None  # a conversion in the kernel would fail\n" if zygote.svg else "")
        + "print(os.environ.get('MINERESEARCH_SVG_SOCKET', '-'))\n"
        "print(chart_to_svg({'mark': 'point', 'data': {'values': [{'x': 1}]}})[:4])"
    )
    assert kernel.run(code).split() == [zygote.svg.socket_path if zygote.svg else "-", "<svg"]
    kernel.close()


@pytest.mark.slow
def test_kernels_do_not_share_numpy_random_state(zygote: Zygote, tmp_path: Path) -> None:
    draws = []
    for _ in range(2):
        kernel = _Kernel(zygote, tmp_path)
        draws.append(kernel.run("import numpy as np\nprint(np.random.random())"))
        kernel.close()
    assert draws[0] != draws[1]


@pytest.mark.slow
def test_exit_code_is_reported_and_closing_kills(zygote: Zygote, tmp_path: Path) -> None:
    exiting = _Kernel(zygote, tmp_path)
    exiting.client.execute("import os\nos._exit(3)")
    assert zygote.wait_kernel(exiting.pid, timeout=30) == 3
    exiting.close()
    killed = _Kernel(zygote, tmp_path)
    zygote.kill_kernel(killed.pid)
    assert _gone(killed.pid)
    killed.close()


@pytest.mark.slow
def test_stop_leaves_no_process(tmp_path: Path) -> None:
    before = _descendants()
    zygote = Zygote().start()
    kernel = _Kernel(zygote, tmp_path)
    assert {zygote.pid, kernel.pid} <= _descendants()
    kernel.close()
    zygote.stop()
    assert not zygote.is_alive()
    assert _descendants() - before == set()


@pytest.mark.slow
def test_current_zygote_is_replaced_after_it_dies(tmp_path: Path) -> None:
    before = _descendants()
    first = current_zygote()
    first.wait_ready(60)
    kernel = _Kernel(first, tmp_path)
    first_pid = first.pid
    assert first_pid is not None
    os.kill(first_pid, signal.SIGKILL)
    assert _gone(first_pid)
    assert _gone(kernel.pid)  # kernels die with their zygote
    kernel.close()
    second = current_zygote()
    assert second.is_alive() and second.pid != first_pid
    replacement = _Kernel(second, tmp_path)
    assert replacement.run("print(1 + 1)") == "2"
    replacement.close()
    stop_current_zygote()
    assert _descendants() - before == set()


def test_a_client_that_hangs_up_never_stops_the_zygote() -> None:
    from mineresearch.fast.engine import _answers

    with Zygote(spare=False, svg_service=False) as started:
        for _ in range(3):  # connect and hang up at once, as a port scanner or a dying launcher would
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
                probe.connect(started.socket_path)
        assert _answers(started.socket_path)  # a ping is still answered
        assert started.is_alive()


def test_report_warm_up_is_silent_and_converts_no_chart(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    import mineresearch.report.charts.render as render
    from mineresearch.report.company import CompanyReport
    from mineresearch.report.display import _MODE
    from mineresearch.run.kernel_warmup import _sections, warm_report_code

    def refuse(spec: object) -> str:
        raise AssertionError("the warm-up must not start vl-convert (threads) in the zygote")

    import altair as alt

    monkeypatch.setattr(render, "chart_to_svg", refuse)
    theme, renderer = alt.theme.active, alt.renderers.active
    warm_report_code()
    assert capfd.readouterr() == ("", "")
    assert (alt.theme.active, alt.renderers.active) == (theme, renderer)  # a plain chart looks as it would
    assert _MODE["discard"] is False  # display works again afterwards
    assert {"headline", "margin_bridge", "treasury", "sources"} <= set(_sections(CompanyReport))


def test_zygote_preloads_the_report_warm_up(monkeypatch: pytest.MonkeyPatch) -> None:
    from mineresearch.fast.zygote import DEFAULT_PRELOAD, PRELOAD_ENV, Zygote
    from mineresearch.run.warm import use_report_preload

    assert not any(entry.startswith("mineresearch") for entry in DEFAULT_PRELOAD)  # fast names no report module
    monkeypatch.delenv(PRELOAD_ENV, raising=False)
    use_report_preload()  # the run layer hands the report preload over as data
    preload = Zygote().preload
    assert preload.index("mineresearch.run.kernel_warmup:warm_report_code") > preload.index(
        "mineresearch.dataset.load:load_dataset"
    )
