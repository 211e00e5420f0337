"""The runner: parameters checked before any kernel starts, failures never overwrite a good report."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from mineresearch.exceptions import ParameterError, ReportExecutionError
from mineresearch.paths import notebooks_dir
from mineresearch.report.params import ReportParams
from mineresearch.run.jobs import ReportJob
from mineresearch.run.runner import check_job, run_report


def _job(ticker: str = "CIFR", period: str = "2025Q2", **kw: object) -> ReportJob:
    return ReportJob(ReportParams(ticker=ticker, period=period, static_charts=True), ("html",), **kw)  # type: ignore[arg-type]


def test_unknown_ticker_is_refused_before_execution(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="unknown ticker 'ZZZZ'"):
        run_report(_job("ZZZZ"), tmp_path)
    assert not any(tmp_path.rglob("*.ipynb"))


def test_quarter_without_figures_is_refused() -> None:
    with pytest.raises(ParameterError, match="no figures on file for CIFR 2019Q1"):
        check_job(_job(period="2019Q1"))


def _broken_notebook(tmp_path: Path) -> Path:
    nb = nbformat.read(notebooks_dir() / "company_quarter.ipynb", as_version=4)
    nb.cells.insert(4, nbformat.v4.new_code_cell("raise RuntimeError('deliberate failure in the margin cell')"))
    path = tmp_path / "broken.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.slow
def test_failed_run_keeps_the_good_report_and_names_the_cell(tmp_path: Path) -> None:
    root = tmp_path / "reports"
    good = run_report(_job(), root)
    html = Path(good.outputs["html"])
    before = html.read_bytes()

    with pytest.raises(ReportExecutionError) as info:
        run_report(_job(notebook_path=_broken_notebook(tmp_path)), root)
    message = str(info.value)
    assert "CIFR-2025Q2" in message and "deliberate failure" in message
    assert "in section '1. Headline'" in message and "code `raise RuntimeError(" in message
    assert html.read_bytes() == before  # the previous good report is untouched
    failed = html.with_name("CIFR-2025Q2.failed.ipynb")
    assert failed.is_file() and "failed notebook kept at" in message
    errors = [o for c in nbformat.read(failed, as_version=4).cells if c.cell_type == "code"
              for o in c.get("outputs", []) if o.output_type == "error"]
    assert errors and errors[0]["evalue"] == "deliberate failure in the margin cell"
    assert not [p for p in html.parent.iterdir() if p.name.startswith(".")]  # no temporary files left

    run_report(_job(), root)  # a later good run clears the failed notebook
    assert not failed.exists()


@pytest.mark.slow
def test_without_chromium_the_html_is_still_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mineresearch.exceptions import BrowserNotFoundError

    monkeypatch.setenv("MINERESEARCH_CHROMIUM", str(tmp_path / "no-such-browser"))
    job = ReportJob(ReportParams(ticker="CIFR", period="2025Q2", static_charts=True), ("pdf",))
    with pytest.raises(BrowserNotFoundError) as info:
        run_report(job, tmp_path)
    message = str(info.value)
    assert "apt-get install chromium" in message and "HTML written to" in message
    folder = tmp_path / "2025Q2" / "CIFR"
    assert (folder / "CIFR-2025Q2.html").is_file() and (folder / "CIFR-2025Q2.ipynb").is_file()
    assert not (folder / "CIFR-2025Q2.pdf").exists()
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]


def test_bad_data_folder_is_refused_with_file_and_column(tmp_path: Path) -> None:
    import shutil

    from click.testing import CliRunner

    from mineresearch.cli.main import _attach, cli
    from mineresearch.paths import PACKAGE_DATA_DIR

    _attach()
    data = tmp_path / "data"
    shutil.copytree(PACKAGE_DATA_DIR, data)
    facts = data / "facts.csv"
    lines = facts.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",USD,", ",USD thousands,", 1) if ",USD," in lines[1] else lines[1] + "x"
    facts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = CliRunner().invoke(cli, ["report", "CIFR", "2025Q2", "--data", str(data), "--output", str(tmp_path / "r")])
    assert out.exit_code == 1
    assert "facts.csv, row 2" in out.output
    assert not (tmp_path / "r").exists()  # nothing ran, nothing written


@pytest.mark.slow
def test_a_staged_report_replaces_nothing_until_it_is_finished(tmp_path: Path) -> None:
    from mineresearch.run.runner import finish_report, stage_report

    root = tmp_path / "reports"
    good = run_report(_job(), root)
    html = Path(good.outputs["html"])
    before, inode = html.read_bytes(), html.stat().st_ino
    staged = stage_report(_job(), root)
    assert html.read_bytes() == before and staged.temps["html"].is_file()
    assert staged.print_source is None and staged.header.endswith("(CIFR) \u00b7 2025Q2")
    staged.discard()  # e.g. the parent of a batch could not print it
    assert html.read_bytes() == before and html.stat().st_ino == inode
    assert not [p for p in html.parent.iterdir() if p.name.startswith(".")]

    result = finish_report(stage_report(_job(), root))
    assert result.status == "ok" and set(result.seconds) == {"execute", "html", "total"}
    assert html.stat().st_ino != inode  # the new file was renamed into place
    assert not [p for p in html.parent.iterdir() if p.name.startswith(".")]


def test_importing_the_worker_warm_up_compiles_the_report_template() -> None:
    import subprocess
    import sys

    code = (
        "import mineresearch.publish.html as r; assert 'html' not in r._EXPORTERS; "
        "import mineresearch.run.worker_warmup; assert 'html' in r._EXPORTERS; print('ok')"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.stdout.strip() == "ok", done.stderr[-2000:]
