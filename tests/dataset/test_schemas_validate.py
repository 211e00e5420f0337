"""Validation: every rule has a bad row in a fixture; all problems come back in one error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mineresearch.dataset.validate import validate_folder
from mineresearch.exceptions import DataValidationError, Problem

FIXTURES = Path(__file__).parents[1] / "fixtures" / "data"


def _problems(folder: Path) -> list[Problem]:
    with pytest.raises(DataValidationError) as info:
        validate_folder(folder)
    return info.value.problems


def _find(problems: list[Problem], file: str, row: int | None, column: str | None, text: str) -> Problem:
    hits = [p for p in problems if p.file.endswith(file) and (p.row, p.column) == (row, column) and text in p.message]
    listing = "\n".join(map(str, problems))
    assert hits, f"no problem {file} row {row} column {column} containing {text!r} in:\n{listing}"
    return hits[0]


def test_good_fixture_validates_with_types() -> None:
    tables = validate_folder(FIXTURES / "good")
    assert list(tables.companies.index) == ["AAA", "BBB", "CCC"]
    assert tables.facts["value"].dtype == float
    assert tables.facts["restated"].sum() == 1
    assert tables.network.empty and tables.network.index.name == "period"


# row = line in the file (header = line 1): bad/facts.csv line 3 is its second data row
@pytest.mark.parametrize(
    ("row", "column", "text"),
    [
        (3, "period", "period must be YYYYQn"),
        (4, "ticker", "unknown ticker"),
        (5, "metric", "unknown metric"),
        (6, "value", "value is not a number"),
        (7, "value", "negative value for a nonnegative metric"),
        (8, "source_url", "source_url missing"),
        (9, "source_type", "source_type must be primary, secondary or low"),
        (10, "unit", "unit is not the metric's canonical unit"),
        (11, "source_url", "duplicate fact"),
        (12, "source_url", "duplicate fact"),
        (13, "period_end", "period_end is not the last day"),
    ],
)
def test_each_facts_rule_names_file_row_and_column(row: int, column: str, text: str) -> None:
    _find(_problems(FIXTURES / "bad"), "facts.csv", row, column, text)


def test_companies_rules_and_single_error() -> None:
    problems = _problems(FIXTURES / "bad")
    _find(problems, "companies.csv", 3, "cik", "CIK must be digits")
    _find(problems, "companies.csv", 3, "fiscal_year_end", "quarter end MM-DD")
    _find(problems, "companies.csv", 3, "cik_source", "a CIK needs a cik_source")
    assert len(problems) == 14  # every problem of both files, in one error
    assert "bad/facts.csv, row 7, column 'value'" in str(_find(problems, "facts.csv", 7, "value", "negative"))


def test_the_good_first_row_is_not_reported() -> None:
    assert not [p for p in _problems(FIXTURES / "bad") if p.file.endswith("facts.csv") and p.row == 2]


def test_missing_files_and_columns(tmp_path: Path) -> None:
    problems = _problems(tmp_path)
    assert {Path(p.file).name for p in problems} == {"companies.csv", "facts.csv"}
    assert all(p.message == "file not found" and p.row is None for p in problems)
    shutil.copy(FIXTURES / "good" / "companies.csv", tmp_path / "companies.csv")
    text = (FIXTURES / "good" / "facts.csv").read_text().replace(",restated", ",flag")
    (tmp_path / "facts.csv").write_text(text)
    problems = _problems(tmp_path)
    _find(problems, "facts.csv", 1, "restated", "column missing from the header")
    _find(problems, "facts.csv", 1, "flag", "unexpected column")
    assert len(problems) == 2  # no row-wide check is run (and fails) on a file without its columns
