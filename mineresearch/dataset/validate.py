"""Validate a data folder with the pandera schemas and report every problem at once.

Row numbers follow the file as a person sees it in an editor or spreadsheet: the header is line 1,
so the first data row is row 2 (``row = data index + 2``). Problems without a row (a missing column
or file) have ``row=None``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from mineresearch.dataset import schemas
from mineresearch.exceptions import DataValidationError, Problem

COMPANIES_FILE = "companies.csv"
FACTS_FILE = "facts.csv"
NETWORK_FILE = "network_quarterly.csv"
NETWORK_COLUMNS: list[str] = list(schemas.NETWORK_COLUMNS)


@dataclass(frozen=True)
class Tables:
    """The validated tables of a data folder, with typed columns."""

    companies: pd.DataFrame  # indexed by ticker
    facts: pd.DataFrame  # value float, restated bool
    network: pd.DataFrame  # indexed by period


def read_text_csv(path: Path) -> pd.DataFrame:
    """A CSV read with every cell as text (empty cells stay ``""``)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _position(frame: pd.DataFrame, index: object) -> int | None:
    if index is None or (isinstance(index, float) and pd.isna(index)):
        return None
    if isinstance(frame.index, pd.RangeIndex):
        return int(index)  # type: ignore[call-overload]
    matches = (frame.index == index).nonzero()[0]
    return int(matches[0]) if len(matches) else None


def schema_problems(error: Exception, file: str, frame: pd.DataFrame) -> list[Problem]:
    """Turn a pandera ``SchemaErrors`` into problems naming file, row (line in the file) and column."""
    cases = getattr(error, "failure_cases", None)
    if cases is None:
        return [Problem(file, None, None, str(error))]
    problems: dict[tuple[int | None, str | None, str], Problem] = {}
    for case in cases.to_dict("records"):
        check = str(case.get("check"))
        column = schemas.WIDE_CHECK_COLUMNS.get(check, case.get("column"))
        position = _position(frame, case.get("index"))
        row = None if position is None else position + 2
        if check == schemas.DUPLICATE_CHECK:
            message = "duplicate fact: same ticker, period, metric, line_item and source_url as another row"
        elif position is None:
            message = f"{check}: {case.get('failure_case')}"
        elif check in schemas.WIDE_CHECK_COLUMNS:
            message = f"{check} (found {frame.iloc[position][column]!r})"
        else:
            message = f"{check} (found {case.get('failure_case')!r})"
        key = (row, None if column is None else str(column), check)
        problems.setdefault(key, Problem(file, row, key[1], message))
    return sorted(problems.values(), key=lambda p: (p.row or 0, p.column or "", p.message))


def _run(schema: object, frame: pd.DataFrame, file: str) -> list[Problem]:
    import pandera.errors as pa_errors

    try:
        schema.validate(frame, lazy=True)  # type: ignore[attr-defined]
    except (pa_errors.SchemaErrors, pa_errors.SchemaError) as exc:
        return schema_problems(exc, file, frame)
    return []


def validate_companies(frame: pd.DataFrame, file: str = COMPANIES_FILE) -> list[Problem]:
    """Problems in a companies table read as text."""
    return _run(schemas.companies_schema(), frame, file)


def validate_facts(frame: pd.DataFrame, tickers: list[str], file: str = FACTS_FILE) -> list[Problem]:
    """Problems in a facts table read as text, given the known tickers."""
    return _run(schemas.facts_schema(tickers), frame, file)


def network_schema() -> object | None:
    """The network table's schema (``dataset.schemas.NETWORK_SCHEMA``)."""
    return schemas.NETWORK_SCHEMA


def read_network(path: Path) -> pd.DataFrame:
    """The quarterly network table indexed by period (an empty frame with its columns when absent)."""
    if not path.is_file():
        return pd.DataFrame(columns=NETWORK_COLUMNS, index=pd.Index([], name="period", dtype=str))
    return pd.read_csv(path, index_col="period")


def _typed_facts(frame: pd.DataFrame) -> pd.DataFrame:
    typed = frame.copy()
    typed["value"] = pd.to_numeric(typed["value"]).astype(float)
    typed["restated"] = typed["restated"] == "True"
    typed["precision"] = pd.to_numeric(typed["precision"]).astype(float)
    if "scope" not in typed.columns:
        typed["scope"] = ""  # optional: a figure's stated scope (owned sites, continuing operations, ...)
    return typed


def validate_folder(path: str | Path) -> Tables:
    """Read and validate ``companies.csv``, ``facts.csv`` and ``network_quarterly.csv`` of a folder.

    Raises:
        DataValidationError: with every problem found in every file.
    """
    folder = Path(path)
    problems: list[Problem] = []
    frames: dict[str, pd.DataFrame] = {}
    for name in (COMPANIES_FILE, FACTS_FILE):
        file = folder / name
        if not file.is_file():
            problems.append(Problem(str(file), None, None, "file not found"))
            continue
        frames[name] = read_text_csv(file)
    if COMPANIES_FILE in frames:
        problems += validate_companies(frames[COMPANIES_FILE], str(folder / COMPANIES_FILE))
    if FACTS_FILE in frames:
        tickers = list(frames[COMPANIES_FILE]["ticker"]) if COMPANIES_FILE in frames else []
        problems += validate_facts(frames[FACTS_FILE], tickers, str(folder / FACTS_FILE))
    network = read_network(folder / NETWORK_FILE)
    schema = network_schema()
    if schema is not None and (folder / NETWORK_FILE).is_file():
        problems += _run(schema, network, str(folder / NETWORK_FILE))
    if problems:
        raise DataValidationError(problems)
    return Tables(frames[COMPANIES_FILE].set_index("ticker"), _typed_facts(frames[FACTS_FILE]), network)
