"""The quarter build: parallel pool, failure path, incremental skipping, index page, command line."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from mineresearch.cli.main import _attach, cli
from mineresearch.paths import notebooks_dir
from mineresearch.report.params import ReportParams
from mineresearch.run.build import BuildSummary, build, plan
from mineresearch.run.jobs import ReportJob, ReportResult
from mineresearch.run.pool import run_pool

_attach()


def test_plan_lists_every_company_then_the_sector() -> None:
    jobs = plan(["2025Q2"], formats=("html",))
    names = [j.name for j in jobs]
    assert names[-1] == "sector" and len(names) >= 10
    assert {"CIFR", "MARA", "RIOT"} <= set(names)
    only = plan(["2025Q2"], formats=("html",), only=["cifr"], sector=False)
    assert [j.stem for j in only] == ["CIFR-2025Q2"]


def _broken(tmp_path: Path) -> Path:
    nb = nbformat.read(notebooks_dir() / "company_quarter.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise ValueError('this report fails on purpose')"))
    path = tmp_path / "broken.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.slow
def test_a_failing_report_does_not_stop_the_others(tmp_path: Path) -> None:
    good = [ReportJob(ReportParams(ticker=t, period="2025Q2", static_charts=True), ("html",)) for t in ("CIFR", "MARA")]
    bad = ReportJob(ReportParams(ticker="RIOT", period="2025Q2", static_charts=True), ("html",),
                    notebook_path=_broken(tmp_path))
    events: list[tuple[str, str]] = []
    results = list(run_pool([(good[0], "h1"), (bad, "h2"), (good[1], "h3")], tmp_path / "out", workers=2,
                            engine_name=None, on_event=lambda k, s: events.append((k, s))))
    by = {r.stem: r for r in results}
    assert by["CIFR-2025Q2"].status == "ok" and by["MARA-2025Q2"].status == "ok"
    assert by["RIOT-2025Q2"].status == "failed"
    assert "this report fails on purpose" in (by["RIOT-2025Q2"].error or "")
    assert by["RIOT-2025Q2"].input_hash == "h2"
    assert {s for _, s in events} == {"CIFR-2025Q2", "MARA-2025Q2", "RIOT-2025Q2"}
    assert (tmp_path / "out" / "2025Q2" / "RIOT" / "RIOT-2025Q2.failed.ipynb").is_file()


@pytest.mark.slow
def test_incremental_build_skips_unchanged_and_force_rebuilds(tmp_path: Path) -> None:
    kw = dict(formats=("html",), only=["CIFR"], sector=False, engine_name=None, jobs=1)
    first = build(["2025Q2"], tmp_path, **kw)  # type: ignore[arg-type]
    assert [r.status for r in first.results] == ["ok"]
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "CIFR-2025Q2.html" in index and "Cipher" in index and "-$45.8M" in index
    second = build(["2025Q2"], tmp_path, **kw)  # type: ignore[arg-type]
    assert [r.status for r in second.results] == ["skipped"]
    (tmp_path / "2025Q2" / "CIFR" / "CIFR-2025Q2.html").unlink()  # a missing output is rebuilt
    assert [r.status for r in build(["2025Q2"], tmp_path, **kw).results] == ["ok"]  # type: ignore[arg-type]
    forced = build(["2025Q2"], tmp_path, force=True, **kw)  # type: ignore[arg-type]
    assert [r.status for r in forced.results] == ["ok"]


def test_build_command_exits_non_zero_when_a_report_failed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def fake_build(periods, root, **kw):  # type: ignore[no-untyped-def]
        kw["on_plan"]([])
        res = [ReportResult("CIFR-2025Q2", "2025Q2", "CIFR", "ok"),
               ReportResult("MARA-2025Q2", "2025Q2", "MARA", "failed", error="MARA-2025Q2: cell 3 failed")]
        for r in res:
            kw["on_result"](r)
        return BuildSummary(res, tmp_path / "index.html")

    monkeypatch.setattr("mineresearch.run.build.build", fake_build)
    out = CliRunner().invoke(cli, ["build", "2025Q2", "--output", str(tmp_path)])
    assert out.exit_code == 1
    assert "1 built" in out.output and "1 failed" in out.output


@pytest.mark.parametrize("args", [["--help"], ["report", "--help"], ["build", "--help"], ["list", "--help"],
                                  ["data", "--help"], ["data", "validate", "--help"], ["data", "coverage", "--help"]])
def test_every_command_has_help(args: list[str]) -> None:
    out = CliRunner().invoke(cli, args)
    assert out.exit_code == 0 and "Usage" in out.output


def test_report_command_refuses_bad_parameters(tmp_path: Path) -> None:
    out = CliRunner().invoke(cli, ["report", "CIFR", "2025Q2", "-p", "colour=red", "--output", str(tmp_path)])
    assert out.exit_code == 1 and "colour: unknown parameter" in out.output
    out = CliRunner().invoke(cli, ["report", "CIFR", "2025Q2", "--format", "docx", "--output", str(tmp_path)])
    assert out.exit_code != 0 and "docx" in out.output


def test_list_command() -> None:
    out = CliRunner().invoke(cli, ["list"])
    assert out.exit_code == 0 and "CIFR" in out.output and "latest quarter with data" in out.output
