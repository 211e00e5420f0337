"""The build cache: a report is skipped only when none of its inputs changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mineresearch.paths import PACKAGE_DATA_DIR, notebooks_dir, templates_dir
from mineresearch.report.params import ReportParams
from mineresearch.run import manifest as mf
from mineresearch.run.jobs import ReportJob, ReportResult


def _job(**params: object) -> ReportJob:
    return ReportJob(ReportParams(ticker="CIFR", period="2025Q2", static_charts=True, **params), ("html",))  # type: ignore[arg-type]


def _hash(job: ReportJob, data_path: str | None = None) -> str:
    return mf.job_hash(job, mf.shared_inputs_hash(data_path))


def test_hash_is_stable() -> None:
    assert _hash(_job()) == _hash(_job())


def test_parameters_change_the_hash() -> None:
    assert _hash(_job()) != _hash(_job(power_price_usd_per_mwh=45.0))
    assert _hash(_job()) != _hash(ReportJob(_job().params, ("html", "pdf")))


def test_data_change_the_hash(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(PACKAGE_DATA_DIR, data)
    before = _hash(_job(), str(data))
    with (data / "facts.csv").open("a", encoding="utf-8") as fh:
        fh.write("\n")
    assert _hash(_job(), str(data)) != before


def test_notebook_change_the_hash(tmp_path: Path) -> None:
    copy = tmp_path / "company_quarter.ipynb"
    shutil.copy(notebooks_dir() / "company_quarter.ipynb", copy)
    before = _hash(ReportJob(_job().params, ("html",), notebook_path=copy))
    copy.write_text(copy.read_text(encoding="utf-8").replace("show(headline)", "show(headline)\n"))
    assert _hash(ReportJob(_job().params, ("html",), notebook_path=copy)) != before


def test_template_and_version_change_the_hash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _hash(_job())
    tdir = tmp_path / "templates"
    shutil.copytree(templates_dir(), tdir)
    monkeypatch.setattr(mf, "templates_dir", lambda: tdir)
    assert _hash(_job()) == before
    (tdir / "mineresearch" / "conf.json").write_text('{"base_template": "lab"}', encoding="utf-8")
    after_template = _hash(_job())
    assert after_template != before
    monkeypatch.setattr(mf, "__version__", "99.0.0")
    assert _hash(_job()) != after_template


def test_fresh_needs_ok_status_same_hash_and_files(tmp_path: Path) -> None:
    job = _job()
    outputs = job.outputs(tmp_path)
    man = mf.Manifest(tmp_path)
    man.record(ReportResult(job.stem, "2025Q2", "CIFR", "ok", {k: str(v) for k, v in outputs.items()},
                            {"total": 1.0}, input_hash="abc"))
    assert not man.is_fresh(job, "abc", tmp_path)  # files missing
    for p in outputs.values():
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x")
    assert man.is_fresh(job, "abc", tmp_path)
    assert not man.is_fresh(job, "other", tmp_path)
    man.save()
    reloaded = mf.Manifest(tmp_path)
    assert reloaded.is_fresh(job, "abc", tmp_path)
    assert reloaded.entries[job.stem]["seconds"] == {"total": 1.0}
    reloaded.record(ReportResult(job.stem, "2025Q2", "CIFR", "failed", error="boom", input_hash="abc"))
    assert not reloaded.is_fresh(job, "abc", tmp_path)


def test_damaged_manifest_only_costs_a_rebuild(tmp_path: Path) -> None:
    (tmp_path / mf.MANIFEST_NAME).write_text("{not json", encoding="utf-8")
    assert mf.Manifest(tmp_path).entries == {}
