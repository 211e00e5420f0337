"""The SVG render service: the same SVG as in-process vl-convert, errors raised, no process left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import psutil
import pytest
import vl_convert
from process_tools import descendants as _descendants
from process_tools import gone as _gone

from mineresearch.fast.svg_service import SVG_SOCKET_ENV, SvgRenderError, SvgService, render_svg
from mineresearch.fast.zygote import Zygote
from mineresearch.report import charts
from mineresearch.report.charts.render import _vl_version, chart_to_svg


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SvgService]:
    started = SvgService(str(tmp_path_factory.mktemp("svg") / "svg.sock")).start()
    started.wait_ready()
    yield started
    started.stop()
    assert not started.is_alive()


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    """A themed report chart with escaping, a missing value and a non-ASCII label."""
    previous = alt.theme.active
    charts.use_theme()
    peers = pd.DataFrame({"ticker": ["CIFR", "MARA", "RIOT", "IREN"], "value": [52_000.0, 81_000, -3_000, np.nan]})
    chart = charts.peer_ranking_chart(peers, value_title="USD per BTC", title="A&B <Mining> é", source="10-Q")
    alt.theme.enable(previous)
    return chart.to_dict(validate=False)


def _local(spec: dict[str, Any]) -> str:
    return str(vl_convert.vegalite_to_svg(spec, vl_version=_vl_version()))


def test_service_svg_is_byte_identical_to_in_process(service: SvgService, spec: dict[str, Any]) -> None:
    local = _local(spec)
    first = render_svg(spec, _vl_version(), service.socket_path)
    again = render_svg(spec, _vl_version(), service.socket_path)  # answered from the cache
    assert first == local and again == local
    assert "A&amp;B &lt;Mining&gt; é" in local


def test_chart_to_svg_uses_the_named_service(
    service: SvgService, spec: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _local(spec)

    def refuse(*_: object, **__: object) -> str:
        raise AssertionError("converted in the kernel although a service is named")

    monkeypatch.setenv(SVG_SOCKET_ENV, service.socket_path)
    monkeypatch.setattr(vl_convert, "vegalite_to_svg", refuse)
    assert chart_to_svg(spec) == expected


def test_without_a_reachable_service_the_conversion_is_local(
    spec: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _local(spec)
    monkeypatch.delenv(SVG_SOCKET_ENV, raising=False)
    assert render_svg(spec, _vl_version()) is None
    assert chart_to_svg(spec) == expected
    monkeypatch.setenv(SVG_SOCKET_ENV, str(tmp_path / "missing.sock"))
    assert render_svg(spec, _vl_version()) is None
    assert chart_to_svg(spec) == expected


def test_not_json_specs_are_left_to_the_caller(service: SvgService) -> None:
    assert render_svg({"mark": "point", "data": {"values": [{"x": object()}]}}, "6.4", service.socket_path) is None


def test_conversion_errors_are_raised_in_the_caller(service: SvgService, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SvgRenderError, match="Vega-Lite to SVG conversion failed"):
        render_svg({"mark": "no-such-mark"}, _vl_version(), service.socket_path)
    monkeypatch.setenv(SVG_SOCKET_ENV, service.socket_path)
    with pytest.raises(ValueError, match="conversion failed"):
        chart_to_svg({"mark": "no-such-mark"})
    assert render_svg({"mark": "point"}, _vl_version(), service.socket_path) is not None  # still serving


def test_service_dies_with_its_owner(tmp_path: Path) -> None:
    owner_code = textwrap.dedent(f"""
        import sys, time
        from mineresearch.fast.svg_service import SvgService
        service = SvgService({str(tmp_path / "svg.sock")!r}).start()
        print(service.pid, flush=True)
        time.sleep(60)
    """)
    owner = subprocess.Popen([sys.executable, "-c", owner_code], stdout=subprocess.PIPE, text=True)
    assert owner.stdout is not None
    pid = int(owner.stdout.readline())
    assert psutil.pid_exists(pid)
    owner.send_signal(signal.SIGKILL)
    owner.wait()
    assert _gone(pid)


def test_zygote_names_replaces_and_stops_its_service(spec: dict[str, Any]) -> None:
    before = _descendants()
    zygote = Zygote(preload=()).start()
    assert zygote.svg is not None and not zygote.spare
    first = zygote.svg.pid
    assert first in _descendants()
    zygote.svg.wait_ready()
    assert render_svg(spec, _vl_version(), zygote.svg.socket_path) == _local(spec)
    os.kill(first, signal.SIGKILL)
    assert _gone(first)
    assert render_svg(spec, _vl_version(), zygote.svg.socket_path) is None  # kernels fall back meanwhile
    zygote.start()  # what each kernel request does: a dead service is replaced on the same socket
    assert zygote.svg.pid not in (None, first)
    zygote.svg.wait_ready()
    assert render_svg(spec, _vl_version(), zygote.svg.socket_path) == _local(spec)
    zygote.stop()
    assert _descendants() - before == set()
