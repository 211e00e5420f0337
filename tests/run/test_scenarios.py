"""Scenarios are their own outputs: own slug, folder and manifest key; the published note is never replaced."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mineresearch.cli.main import _attach, cli
from mineresearch.exceptions import ParameterError
from mineresearch.report.params import ReportParams
from mineresearch.run.build import build, plan
from mineresearch.run.jobs import ReportJob
from mineresearch.run.scenarios import load_scenarios, parse_scenarios

_attach()


def test_default_parameters_are_the_published_note() -> None:
    job = ReportJob(ReportParams(ticker="CIFR", static_charts=True))
    assert job.scenario == "" and job.stem == "CIFR-2025Q2"
    assert job.out_dir(Path("r")) == Path("r/2025Q2/CIFR")


def test_other_parameters_make_a_scenario_with_its_own_folder_and_key() -> None:
    job = ReportJob(ReportParams(ticker="CIFR", power_price_usd_per_mwh=200, static_charts=True))
    assert job.scenario == "power_price_usd_per_mwh-200"
    assert job.stem == "CIFR-2025Q2--power_price_usd_per_mwh-200"
    assert job.out_dir(Path("r")) == Path("r/2025Q2/CIFR/scenarios/power_price_usd_per_mwh-200")
    named = ReportJob(job.params, scenario_name="Dear power")
    assert named.scenario == "Dear-power" and named.stem == "CIFR-2025Q2--Dear-power"
    shocks = ReportJob(ReportParams(ticker="CIFR", btc_price_shocks_pct=(-10.0, -30.0)))
    assert shocks.scenario == "btc_price_shocks_pct--10_-30"


def test_build_refuses_a_bad_scenarios_file_before_running(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("scenarios:\n  - params: {power_price_usd_per_mwh: -5}\n", encoding="utf-8")
    out = CliRunner().invoke(cli, ["build", "2025Q2", "--scenarios", str(path), "--output", str(tmp_path / "r")])
    assert out.exit_code == 1 and "power_price_usd_per_mwh" in out.output
    assert not (tmp_path / "r").exists()


def test_scenario_file_lists_and_grids(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("scenarios:\n  - name: dear\n    tickers: [cifr]\n    params: {power_price_usd_per_mwh: 120}\n"
                    "grid:\n  params:\n    pool_fee_pct: [1.0, 3.0]\n    pue: [1.05, 1.3]\n", encoding="utf-8")
    found = load_scenarios(path)
    assert len(found) == 5 and found[0].tickers == ("CIFR",) and found[0].name == "dear"
    jobs = plan(["2025Q2"], formats=("html",), only=["CIFR"], sector=False, scenarios=found)
    stems = [j.stem for j in jobs]
    assert stems[0] == "CIFR-2025Q2" and "CIFR-2025Q2--dear" in stems and len(set(stems)) == 6
    with pytest.raises(ParameterError, match="unknown parameter"):
        parse_scenarios({"scenarios": [{"params": {"power": 3}}]})
    with pytest.raises(ParameterError, match="cannot be set"):
        parse_scenarios({"scenarios": [{"params": {"ticker": "MARA"}}]})


@pytest.mark.slow
def test_a_scenario_run_leaves_the_default_note_unchanged_and_the_index_lists_both(tmp_path: Path) -> None:
    kw = dict(formats=("html",), only=["CIFR"], sector=False, engine_name=None, jobs=1)
    build(["2025Q2"], tmp_path, **kw)  # type: ignore[arg-type]
    default = tmp_path / "2025Q2" / "CIFR"
    before = {p.relative_to(default): hashlib.sha256(p.read_bytes()).hexdigest()
              for p in default.rglob("*") if p.is_file()}
    assert Path("CIFR-2025Q2.html") in before and Path("CIFR-2025Q2_data/tables.xlsx") in before
    out = CliRunner().invoke(cli, ["report", "CIFR", "2025Q2", "--format", "html", "--output", str(tmp_path),
                                   "-p", "power_price_usd_per_mwh=200"])
    assert out.exit_code == 0, out.output
    after = {p.relative_to(default): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in default.rglob("*") if p.is_file() and "scenarios" not in p.parts}
    assert after == before
    scenario = default / "scenarios" / "power_price_usd_per_mwh-200"
    html = (scenario / "CIFR-2025Q2--power_price_usd_per_mwh-200.html").read_text(encoding="utf-8")
    assert "scenario: power_price_usd_per_mwh = 200" in html
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))["reports"]
    assert {"CIFR-2025Q2", "CIFR-2025Q2--power_price_usd_per_mwh-200"} <= set(manifest)
    made = manifest["CIFR-2025Q2--power_price_usd_per_mwh-200"]["provenance"]
    assert made["parameters"]["power_price_usd_per_mwh"] == 200 and len(made["dataset_fingerprint"]) == 12
    assert made["package_version"] and made["built_at"].endswith("UTC")
    assert manifest["CIFR-2025Q2"]["provenance"]["parameters"]["power_price_usd_per_mwh"] is None
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "2025Q2/CIFR/CIFR-2025Q2.html" in index
    assert "2025Q2/CIFR/scenarios/power_price_usd_per_mwh-200/CIFR-2025Q2--power_price_usd_per_mwh-200.html" in index
    assert index.index("CIFR-2025Q2.html") < index.index("Scenario: power_price_usd_per_mwh-200")
    again = build(["2025Q2"], tmp_path, **kw)  # type: ignore[arg-type]
    assert [r.status for r in again.results] == ["skipped"]  # the next build still has the published note
