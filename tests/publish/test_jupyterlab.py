"""The analyst's notebook in JupyterLab, offline: run all, charts drawn, no LaTeX, change the ticker, rerun.

JupyterLab is started by the test on 127.0.0.1 with a temporary copy of the company notebook; the browser
may reach nothing but that server (every other request is aborted and recorded). With
``MINERESEARCH_SCREENSHOT=<path.png>`` the test also saves a screenshot of the notebook (the README's).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from publish.servers import wait_for_server

from mineresearch.paths import notebooks_dir
from mineresearch.publish.pdf import find_chromium

pytestmark = [
    pytest.mark.slow,
    pytest.mark.browser,
    pytest.mark.skipif(find_chromium() is None, reason="no Chromium"),
    pytest.mark.skipif(shutil.which("jupyter-lab", path=str(Path(sys.executable).parent)) is None,
                       reason="JupyterLab not installed (the 'lab' extra)"),
]

NOTEBOOK = "company_quarter.ipynb"
_CELLS = "() => window.jupyterapp.shell.currentWidget.content.widgets"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A JupyterLab server on 127.0.0.1 serving a temporary copy of the notebook; yields its base URL."""
    root = tmp_path_factory.mktemp("lab")
    shutil.copy(notebooks_dir() / NOTEBOOK, root / NOTEBOOK)
    settings = root / ".settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    apputils = root / ".settings" / "@jupyterlab" / "apputils-extension"
    apputils.mkdir(parents=True)
    (apputils / "notification.jupyterlab-settings").write_text(json.dumps({"fetchNews": "false"}))
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(root / ".settings"), "MINERESEARCH_TEST_LAB": "1",
           "JUPYTER_RUNTIME_DIR": str(root / ".runtime"), "JUPYTER_CONFIG_DIR": str(root / ".config")}
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "jupyter-lab"), "--no-browser", "--ip", "127.0.0.1", "--port", str(port),
         f"--ServerApp.token={token}", "--allow-root", f"--ServerApp.root_dir={root}", "--expose-app-in-browser",
         "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_server(base, token, proc, "JupyterLab")
        yield f"{base}/lab/tree/{NOTEBOOK}?token={token}"
    finally:
        proc.terminate()  # the server shuts its kernels down
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def _run_all_and_wait(page: object, previous: int) -> int:
    """Run every cell and wait until the last one has executed again; return its execution count."""
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        f"() => {{ const w = ({_CELLS})(); const last = w[w.length - 1].model;"
        f" return last.executionCount !== null && last.executionCount > {previous}; }}", timeout=45_000)
    page.wait_for_timeout(500)  # type: ignore[attr-defined]  # let the last renderers attach
    return int(page.evaluate(f"() => {{ const w = ({_CELLS})(); return w[w.length - 1].model.executionCount; }}"))  # type: ignore[attr-defined]


def _tooltip_shows(page: object) -> bool:
    """Move the mouse over the margin bridge chart in a grid until Vega's tooltip appears."""
    box = page.evaluate("""() => {  // type: ignore
        const cell = Array.from(document.querySelectorAll('.jp-Cell'))
            .find(c => c.innerText.includes('sections.margin_bridge'));
        const r = cell.querySelector('.vega-embed canvas, .vega-embed svg').getBoundingClientRect();
        return [r.x, r.y, r.width, r.height];
    }""")
    x, y, w, h = box
    for i in range(1, 16):
        for j in range(1, 10):
            page.mouse.move(x + w * i / 16, y + h * j / 10)  # type: ignore[attr-defined]
            if page.evaluate("() => !!document.querySelector('#vg-tooltip-element.visible')"):  # type: ignore[attr-defined]
                return True
    return False


def _check_outputs(page: object) -> dict[str, object]:
    found = page.evaluate("""() => {  // type: ignore
        const area = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook');
        const q = (s) => area.querySelectorAll(s);
        return {
          charts: q('.jp-OutputArea-output .vega-embed').length,
          drawn: Array.from(q('.jp-OutputArea-output .vega-embed')).filter(
              e => e.querySelector('svg, canvas')).length,
          errors: q('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"],'
                    + ' .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]').length,
          math: q('.jp-OutputArea-output mjx-container, .jp-OutputArea-output .MathJax').length,
          text: area.innerText,
        };
    }""")
    return dict(found)


def test_run_all_draws_charts_offline_then_rerun_with_another_ticker(lab: str) -> None:
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium(), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 860})

            def guard(route: object) -> None:
                url = route.request.url  # type: ignore[attr-defined]
                if url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
                    route.continue_()  # type: ignore[attr-defined]
                else:
                    outside.append(url)
                    route.abort()  # type: ignore[attr-defined]

            page.route("**/*", guard)
            page.goto(lab)
            page.wait_for_function(f"() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                                   f" && window.jupyterapp.shell.currentWidget.sessionContext"
                                   f" && window.jupyterapp.shell.currentWidget.sessionContext.session"
                                   f" && ({_CELLS})().length > 20", timeout=30_000)
            count = _run_all_and_wait(page, 0)
            first = _check_outputs(page)
            assert first["errors"] == 0, first["text"]
            assert first["charts"] >= 4 and first["drawn"] == first["charts"]
            assert first["math"] == 0
            assert "Cipher" in str(first["text"]) and "Error loading script" not in str(first["text"])
            page.evaluate("() => window.jupyterapp.commands.execute('application:toggle-left-area')")
            page.evaluate("() => { const c = Array.from(document.querySelectorAll('.jp-Cell'))"
                          ".find(c => c.innerText.includes('sections.margin_bridge')); c.scrollIntoView(); }")
            page.wait_for_timeout(400)
            assert _tooltip_shows(page), "no tooltip over the margin bridge chart"
            shot = os.environ.get("MINERESEARCH_SCREENSHOT")
            if shot:
                page.screenshot(path=shot)

            page.evaluate(f"""() => {{
                const params = ({_CELLS})().find(w => (w.model.getMetadata('tags') || []).includes('parameters'));
                params.model.sharedModel.setSource(
                    params.model.sharedModel.getSource().replace('ticker = "CIFR"', 'ticker = "MARA"'));
            }}""")
            _run_all_and_wait(page, count)
            second = _check_outputs(page)
            assert second["errors"] == 0, second["text"]
            assert second["charts"] >= 4 and second["drawn"] == second["charts"]
            assert second["math"] == 0
            assert "MARA" in str(second["text"])
        finally:
            browser.close()
    assert outside == []  # nothing left the machine
