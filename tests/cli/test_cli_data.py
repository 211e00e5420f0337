"""``mineresearch data``: validate, coverage, facts and help texts."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from mineresearch.cli.data import data
from mineresearch.paths import PACKAGE_DATA_DIR, shared_dir

FIXTURES = Path(__file__).parents[1] / "fixtures" / "data"


def test_validate_packaged_data_ok() -> None:
    result = CliRunner().invoke(data, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: 13 companies, ")


def test_validate_bad_folder_lists_problems_and_exits_1() -> None:
    result = CliRunner().invoke(data, ["validate", str(FIXTURES / "bad")])
    assert result.exit_code == 1
    assert "14 problem(s)" in result.output
    assert "facts.csv, row 7, column 'value': negative value for a nonnegative metric" in result.output


def test_coverage_for_one_period() -> None:
    result = CliRunner().invoke(data, ["coverage", "--period", "2025Q2", "--path", str(FIXTURES / "good")])
    assert result.exit_code == 0, result.output
    assert "margin_bridge" in result.output and "AAA" in result.output and "BBB" in result.output


def test_coverage_matrix_and_empty_period() -> None:
    runner = CliRunner()
    assert "2025Q1" in runner.invoke(data, ["coverage", "--path", str(FIXTURES / "good")]).output
    assert runner.invoke(data, ["coverage", "--period", "1999Q1", "--path", str(FIXTURES / "good")]).exit_code == 1


@pytest.mark.skipif(shared_dir() is None, reason="the shared folder is not beside the repository")
def test_facts_check_against_shared() -> None:
    result = CliRunner().invoke(data, ["facts", "--check"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output and "monthly figure, not a quarter" in result.output


def test_facts_writes_to_out(tmp_path: Path) -> None:
    out = tmp_path / "facts.csv"
    result = CliRunner().invoke(data, ["facts", "--shared", str(FIXTURES / "figures_sample.csv"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("ticker,period,fiscal_period,")
    assert (PACKAGE_DATA_DIR / "facts.csv").is_file()


@pytest.mark.parametrize("command", [[], ["validate"], ["coverage"], ["facts"]])
def test_every_command_has_help(command: list[str]) -> None:
    result = CliRunner().invoke(data, [*command, "--help"])
    assert result.exit_code == 0
    assert len(result.output.split("\n\n")[1].strip()) > 20  # a sentence, not just the usage line
