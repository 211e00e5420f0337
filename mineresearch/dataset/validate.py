"""Validate a data folder and report every problem at once, in plain words.

This is the one validation path: ``mineresearch data validate``, ``load_dataset`` (hence every report) and
the quick catalog read the files with the same reader (:mod:`mineresearch.dataset.csvfile`: encoding, empty,
binary, oversized files and cells, unbalanced quotes), so they accept and refuse the same files with the
same messages. The pandera schemas (:mod:`mineresearch.dataset.schemas`) then check each cell, and the
plausibility rules (:mod:`mineresearch.dataset.bounds`) refuse impossible values: non-finite numbers, figures far
outside any real quarter, quarters that have not ended on the day the data is read, a fiscal label that
does not match the company's fiscal year.

Row numbers follow the file as a person sees it in an editor or spreadsheet: the header is line 1,
so the first data row is row 2. Problems without a row (a missing file) have ``row=None``.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from mineresearch.dataset import bounds, periods, schemas
from mineresearch.dataset.csvfile import CsvTable, no_rows_problem, read_csv_table, read_data_file, unexpected_column
from mineresearch.dataset.plausibility import fact_plausibility as fact_plausibility
from mineresearch.dataset.plausibility import number
from mineresearch.exceptions import DataValidationError, Problem

COMPANIES_FILE = "companies.csv"
FACTS_FILE = "facts.csv"
NETWORK_FILE = "network_quarterly.csv"
NETWORK_COLUMNS: list[str] = list(schemas.NETWORK_COLUMNS)
RULES_VERSION = bounds.RULES_VERSION


@dataclass(frozen=True)
class Tables:
    """The validated tables of a data folder, with typed columns."""

    companies: pd.DataFrame  # indexed by ticker
    facts: pd.DataFrame  # value float, restated bool
    network: pd.DataFrame  # indexed by period


def _frame(table: CsvTable) -> pd.DataFrame:
    return pd.DataFrame(table.rows, columns=table.header, dtype=str)


def read_text_csv(path: Path) -> pd.DataFrame:
    """A CSV read with every cell as text (empty cells stay ``""``); unreadable files raise ``DataValidationError``."""
    return _frame(read_csv_table(path))


_PLAIN: list[tuple[str, str]] = [
    (r"greater_than_or_equal_to\((.*)\)", "must be at least {0}"),
    (r"greater_than\((.*)\)", "must be above {0}"),
    (r"less_than_or_equal_to\((.*)\)", "must be at most {0}"),
    (r"less_than\((.*)\)", "must be below {0}"),
    (r"in_range\((.*), (.*)\)", "must be between {0} and {1}"),
    (r"(?:coerce_)?dtype\('float64'\)", "not a number"),
    (r"(?:coerce_)?dtype\('int64'\)", "not a whole number"),
    (r"(?:coerce_)?dtype\('datetime64\[ns\]'\)", "not a date (expected YYYY-MM-DD)"),
    (r"(?:coerce_)?dtype\((.*)\)", "not of the expected type {0}"),
    (r"field_uniqueness", "appears more than once; each value must be unique"),
    (r"str_matches\((.*)\)", "does not have the expected form {0}"),
    (r"isin\((.*)\)", "not one of the allowed values"),
    (r"column_in_dataframe", "column missing from the header"),
    (r"column_in_schema", "unexpected column"),
    (r"(?:dataframe_)?not_nullable", "empty cell"),
]


def plain_check(check: str) -> str:
    """A pandera check name in plain words (``greater_than_or_equal_to(0)`` -> ``must be at least 0``)."""
    for pattern, words in _PLAIN:
        match = re.fullmatch(pattern, check)
        if match:
            return words.format(*match.groups())
    return check


_LEAKED = re.compile(r"^\w+(Error|Exception)\(")


def schema_problems(error: Exception, file: str, frame: pd.DataFrame, lines: list[int] | None = None) -> list[Problem]:
    """Turn a pandera ``SchemaErrors`` into problems naming file, row (line in the file) and column."""
    cases = getattr(error, "failure_cases", None)
    if cases is None:
        return [Problem(file, None, None, plain_check(str(error)))]
    problems: dict[tuple[int | None, str | None, str], Problem] = {}
    for case in cases.to_dict("records"):
        check = str(case.get("check"))
        found = case.get("failure_case")
        if isinstance(found, str) and _LEAKED.match(found):
            continue  # a check that could not run on a cell already reported (e.g. not a number)
        column = schemas.WIDE_CHECK_COLUMNS.get(check, case.get("column"))
        column = None if column is None or (isinstance(column, float) and math.isnan(column)) else str(column)
        position = _position(frame, case.get("index"))
        row = None if position is None else (lines[position] if lines else position + 2)
        if check == schemas.DUPLICATE_CHECK:
            message = "duplicate fact: same ticker, period, metric, line_item and source_url as another row"
        elif check in ("column_in_dataframe", "column_in_schema"):
            column, message = str(found), plain_check(check)
        elif position is None:
            message = f"{plain_check(check)} (found {found!r})"
        elif check in schemas.WIDE_CHECK_COLUMNS and column in frame.columns:
            message = f"{check} (found {frame.iloc[position][column]!r})"
        else:
            message = f"{plain_check(check)} (found {found!r})"
        key = (row, column, message)
        problems.setdefault(key, Problem(file, row, column, message))
    return sorted(problems.values(), key=lambda p: (p.row or 0, p.column or "", p.message))


def _position(frame: pd.DataFrame, index: object) -> int | None:
    if index is None or (isinstance(index, float) and pd.isna(index)):
        return None
    if isinstance(frame.index, pd.RangeIndex):
        return int(index)  # type: ignore[call-overload]
    matches = (frame.index == index).nonzero()[0]
    return int(matches[0]) if len(matches) else None


def _header_problems(schema: object, table: CsvTable) -> list[Problem]:
    """Columns the schema needs that the header lacks, and columns it does not know."""
    columns = getattr(schema, "columns", {})
    file = str(table.path)
    out = [Problem(file, 1, name, "column missing from the header") for name, col in columns.items()
           if getattr(col, "required", True) and name not in table.header]
    if getattr(schema, "strict", False):
        out += [unexpected_column(table.path, 1, name, tuple(columns)) for name in table.header if name not in columns]
    return out


def _run(schema: object, frame: pd.DataFrame, file: str, lines: list[int] | None = None) -> list[Problem]:
    import pandera.errors as pa_errors

    try:
        schema.validate(frame, lazy=True)  # type: ignore[attr-defined]
    except (pa_errors.SchemaErrors, pa_errors.SchemaError) as exc:
        return schema_problems(exc, file, frame, lines)
    return []


def _checked(schema: object, table: CsvTable) -> list[Problem]:
    """Header first (a missing column would make every row-wide check fail), then every cell."""
    problems = _header_problems(schema, table)
    if problems:
        return problems
    if not table.rows:
        return [no_rows_problem(table.path)]
    return _run(schema, _frame(table), str(table.path), table.lines)


def validate_companies(frame: pd.DataFrame, file: str = COMPANIES_FILE) -> list[Problem]:
    """Problems in a companies table read as text."""
    return _run(schemas.companies_schema(), frame, file)


def validate_facts(frame: pd.DataFrame, tickers: list[str], file: str = FACTS_FILE) -> list[Problem]:
    """Problems in a facts table read as text, given the known tickers."""
    return _run(schemas.facts_schema(tickers), frame, file)


def network_schema() -> object | None:
    """The network table's schema (``dataset.schemas.NETWORK_SCHEMA``)."""
    return schemas.NETWORK_SCHEMA


def _empty_network() -> pd.DataFrame:
    return pd.DataFrame(columns=NETWORK_COLUMNS, index=pd.Index([], name="period", dtype=str))


def read_network(path: Path) -> pd.DataFrame:
    """The quarterly network table indexed by period (an empty frame with its columns when absent).

    Raises:
        DataValidationError: the file is there but unreadable or wrong (see :func:`network_problems`).
    """
    if not path.exists() and not path.is_symlink():
        return _empty_network()
    table = read_csv_table(path, required=("period",))
    problems = network_problems(table)
    if problems:
        raise DataValidationError(problems)
    return _typed_network(table)


def _typed_network(table: CsvTable) -> pd.DataFrame:
    if not table.rows:
        return _empty_network()
    return pd.read_csv(io.StringIO(table.text), index_col="period")


def network_problems(table: CsvTable) -> list[Problem]:
    """Header, period labels and dates, numbers and their plausibility in the network table."""
    file = str(table.path)
    wanted = ["period", *NETWORK_COLUMNS]
    problems = [Problem(file, 1, name, "column missing from the header") for name in wanted if name not in table.header]
    problems += [unexpected_column(table.path, 1, name, tuple(wanted)) for name in table.header if name not in wanted]
    if problems:
        return problems
    today = bounds.today()
    seen: dict[str, int] = {}
    for line, record in zip(table.lines, table.records(), strict=True):
        def bad(column: str, message: str, line: int = line, record: dict[str, str] = record) -> None:
            problems.append(Problem(file, line, column, f"{message} (found {record[column]!r})"))

        period = record["period"].strip()
        if not periods.is_label(period):
            bad("period", "period must be a quarter label YYYYQn, e.g. 2025Q2")
            continue
        if period in seen:
            bad("period", f"period appears more than once (also on row {seen[period]})")
        seen.setdefault(period, line)
        if periods.quarter_start(period) > today:
            bad("period", f"quarter has not begun on the day the data is read ({today.isoformat()})")
        for column, expected in (("start", periods.quarter_start(period)), ("end", periods.quarter_end(period))):
            if record[column].strip() != expected.isoformat():
                bad(column, f"must be the quarter's {'first' if column == 'start' else 'last'} day, "
                            f"{expected.isoformat()}")
        for column, bound in bounds.NETWORK_BOUNDS.items():
            cell = record[column]
            if not cell.strip() and column != "days":
                continue  # a gap: NaN, never guessed
            value = number(cell)
            if value is None or (column == "days" and not value.is_integer()):
                bad(column, "not a number" if column != "days" else "not a whole number of days")
            elif not bound.admits(value):
                bad(column, f"implausible {column}: expected {bound.describe()}")
    if problems:
        return problems
    schema = network_schema()
    if schema is None:
        return []
    return [Problem(p.file, p.row, p.column, p.message)
            for p in _run(schema, _typed_network(table), file, table.lines)]


def _typed_facts(frame: pd.DataFrame) -> pd.DataFrame:
    typed = frame.copy()
    typed["value"] = pd.to_numeric(typed["value"]).astype(float)
    typed["restated"] = typed["restated"] == "True"
    typed["precision"] = pd.to_numeric(typed["precision"]).astype(float)
    if "scope" not in typed.columns:
        typed["scope"] = ""  # optional: a figure's stated scope (owned sites, continuing operations, ...)
    return typed


def _read(path: Path, problems: list[Problem], schema: object) -> CsvTable | None:
    columns = tuple(getattr(schema, "columns", {}))
    try:
        return read_data_file(path, columns if getattr(schema, "strict", False) else None)
    except DataValidationError as exc:
        problems += exc.problems
        return None


def validate_folder(path: str | Path) -> Tables:
    """Read and validate ``companies.csv``, ``facts.csv`` and ``network_quarterly.csv`` of a folder.

    Raises:
        DataValidationError: with every problem found in every file.
    """
    folder = Path(path)
    problems: list[Problem] = []
    companies = _read(folder / COMPANIES_FILE, problems, schemas.companies_schema())
    facts = _read(folder / FACTS_FILE, problems, schemas.facts_schema(()))
    fiscal_years: dict[str, str] | None = None
    if companies is not None:
        before = len(problems)
        problems += _checked(schemas.companies_schema(), companies)
        if len(problems) == before or "ticker" in companies.header:
            fiscal_years = {r["ticker"]: r.get("fiscal_year_end", "") for r in companies.records()}
    if facts is not None:
        found = _checked(schemas.facts_schema(sorted(fiscal_years or ())), facts)
        if fiscal_years is None:  # without a companies file every ticker would be "unknown": say it once
            found = [p for p in found if not (p.column == "ticker" and "unknown ticker" in p.message)]
        problems += found
        if not _header_problems(schemas.facts_schema(()), facts):
            problems += fact_plausibility(facts, fiscal_years)
    network = _empty_network()
    try:
        network = read_network(folder / NETWORK_FILE)
    except DataValidationError as exc:
        problems += exc.problems
    if problems:
        raise DataValidationError(_sorted(problems))
    assert companies is not None and facts is not None
    return Tables(_frame(companies).set_index("ticker"), _typed_facts(_frame(facts)), network)


def _sorted(problems: list[Problem]) -> list[Problem]:
    order = {COMPANIES_FILE: 0, FACTS_FILE: 1, NETWORK_FILE: 2}
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (order.get(Path(p.file).name, 3), p.file, p.row or 0, p.column or "",
                                         p.message))
