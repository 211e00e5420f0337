"""JupyterLab's *Save and Export Notebook As* through the Jupyter server: the downloads the page links are in the zip.

The server's nbconvert handler runs the exporter with resources of its own (no ``output_files_dir``) and,
when the export returns output files, answers with a zip holding the page and each file under its *base name*
(``jupyter_server.nbconvert.handlers.respond_zip``). Every download link of the page must name a file of that
zip as extracted. A PDF export has no output files, so the server sends the PDF itself (its zip writer would
take the PDF's bytes for text and fail).

The first tests call the handler's own functions (``get_exporter``, ``respond_zip``) the way its ``get`` does;
the last one asks a real Jupyter server over HTTP.
"""

from __future__ import annotations

import io
import os
import secrets
import socket
import subprocess
import sys
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from bs4 import BeautifulSoup
from publish.servers import wait_for_server

from mineresearch.publish.pdf import find_chromium
from mineresearch.report.params import ReportParams
from mineresearch.run.jobs import ReportJob
from mineresearch.run.runner import run_report

handlers = pytest.importorskip("jupyter_server.nbconvert.handlers", reason="Jupyter server not installed (lab extra)")

pytestmark = pytest.mark.slow
NAME = "MARA-2025Q2.ipynb"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A report built by ``mineresearch report``'s runner; returns its executed notebook."""
    job = ReportJob(ReportParams(ticker="MARA", period="2025Q2", static_charts=True), ("html",))
    return Path(run_report(job, tmp_path_factory.mktemp("built")).outputs["ipynb"])


@pytest.fixture(scope="module")
def notebook(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The executed company notebook alone in a folder, as an analyst would have it open in JupyterLab."""
    folder = tmp_path_factory.mktemp("lab")
    (folder / NAME).write_bytes(built.read_bytes())
    return folder / NAME


class _Response:
    """What the handler's ``respond_zip`` calls on its handler: headers and one body."""

    def __init__(self) -> None:
        self.headers: dict[str, str] = {}
        self.body: bytes | None = None

    def set_attachment_header(self, filename: str) -> None:
        self.headers["Content-Disposition"] = filename

    def set_header(self, name: str, value: str) -> None:
        self.headers[name] = value

    def finish(self, body: bytes) -> None:
        self.body = body


def _export_like_the_server(fmt: str, path: Path) -> tuple[Any, dict[str, Any], _Response, bool]:
    """Run ``NbconvertFileHandler.get``'s steps for ``path``: its exporter, its resources, its zip."""
    from traitlets.config import Config

    exporter = handlers.get_exporter(fmt, config=Config())
    resources = {"metadata": {"name": path.stem, "modified_date": "December 6, 2026", "path": str(path.parent)},
                 "config_dir": str(path.parent / ".jupyter")}
    output, resources = exporter.from_notebook_node(nbformat.read(path, as_version=4), resources=resources)
    response = _Response()
    zipped = handlers.respond_zip(response, path.name, output, resources)
    return output, resources, response, zipped


def _download_links(html: str) -> list[str]:
    return [a["href"] for a in BeautifulSoup(html, "html.parser").select("nav.mr-downloads a")]


def _check_zip(body: bytes, into: Path) -> None:
    """Extract the server's zip and check that every download link of its page names one of its files."""
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        members = archive.namelist()
        archive.extractall(into)
    assert "MARA-2025Q2.html" in members
    links = _download_links((into / "MARA-2025Q2.html").read_text(encoding="utf-8"))
    assert "tables.xlsx" in links and any(h.endswith(".csv") for h in links)
    assert len(links) >= 10
    missing = [h for h in links if not (into / h).is_file()]
    assert missing == [], f"links without a file in the zip: {missing}"
    assert sorted(links) == sorted(m for m in members if m != "MARA-2025Q2.html")  # each file linked once


def test_html_export_zip_holds_every_linked_download(notebook: Path, built: Path, tmp_path: Path) -> None:
    _, _, response, zipped = _export_like_the_server("mineresearch_html", notebook)
    assert zipped and response.body is not None
    assert response.headers["Content-Type"] == "application/zip"
    assert response.headers["Content-Disposition"] == "MARA-2025Q2.zip"
    _check_zip(response.body, tmp_path)
    # the files a report build writes into its folder, laid flat: same bytes, charts/x.csv as charts-x.csv
    folder = built.with_name("MARA-2025Q2_data")
    csvs = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.csv"))
    assert csvs and all((tmp_path / rel.replace("/", "-")).read_bytes() == (folder / rel).read_bytes()
                        for rel in csvs)


def test_chart_data_keeps_its_own_name_beside_the_tables(notebook: Path) -> None:
    _, resources, _, _ = _export_like_the_server("mineresearch_html", notebook)
    names = [os.path.basename(name) for name in resources["outputs"]]
    assert len(names) == len(set(names))  # nothing is overwritten when the zip flattens the paths
    assert any(name.startswith("charts-") for name in names)


@pytest.mark.skipif(find_chromium() is None, reason="no Chromium for PDFs")
def test_pdf_export_is_sent_as_the_pdf_itself(notebook: Path) -> None:
    output, resources, response, zipped = _export_like_the_server("mineresearch_pdf", notebook)
    assert not zipped and response.body is None  # the handler then finishes with the PDF's bytes
    assert isinstance(output, bytes) and output.startswith(b"%PDF")
    assert not resources.get("outputs")


# A real server -------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(notebook: Path) -> Iterator[tuple[str, str]]:
    """A Jupyter server on 127.0.0.1 serving the notebook's folder; yields its base URL and token."""
    executable = Path(sys.executable).parent / "jupyter-server"
    if not executable.is_file():
        pytest.skip("jupyter-server not installed (lab extra)")
    root, port, token = notebook.parent, _free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(root / ".runtime"), "JUPYTER_CONFIG_DIR": str(root / ".config")}
    proc = subprocess.Popen(
        [str(executable), "--no-browser", "--ip", "127.0.0.1", "--port", str(port), f"--IdentityProvider.token={token}",
         "--allow-root", f"--ServerApp.root_dir={root}"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(base, token, proc, "the Jupyter server")
        yield base, token
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def _get(server: tuple[str, str], fmt: str) -> tuple[str, bytes]:
    base, token = server
    request = urllib.request.Request(f"{base}/nbconvert/{fmt}/{NAME}?download=true",
                                     headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=120) as answer:
        return str(answer.headers["Content-Type"]), answer.read()


def test_jupyter_server_sends_a_zip_whose_links_resolve(server: tuple[str, str], tmp_path: Path) -> None:
    kind, body = _get(server, "mineresearch_html")
    assert kind == "application/zip"
    _check_zip(body, tmp_path)


@pytest.mark.skipif(find_chromium() is None, reason="no Chromium for PDFs")
def test_jupyter_server_sends_the_pdf(server: tuple[str, str]) -> None:
    kind, body = _get(server, "mineresearch_pdf")
    assert kind.startswith("application/pdf") and body.startswith(b"%PDF")
