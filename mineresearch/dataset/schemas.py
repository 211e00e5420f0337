"""pandera schemas for the shipped tables, applied to the files read as text.

Every column is read as a string (``dtype=str``, empty cells stay ``""``) so that a stray word in a
number column is reported as a problem instead of silently turning into NaN. Row-wide checks carry a
name listed in ``WIDE_CHECK_COLUMNS`` so a failure can be pinned to the column a person must fix.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import pandera.pandas as pa

from mineresearch.dataset import periods
from mineresearch.dataset.vocabulary import METRICS

SOURCE_TYPES: tuple[str, ...] = ("primary", "secondary", "low")
COMPANY_COLUMNS: list[str] = ["ticker", "name", "cik", "cik_source", "fiscal_year_end", "notes"]
FACT_KEY: list[str] = ["ticker", "period", "metric", "line_item", "source_url"]
PROVENANCE_COLUMNS: list[str] = ["accession", "derived_from"]
"""Optional facts columns, filled for figures read from SEC filings (``ingest/xbrl.py``): the filing's
accession number, and for a quarter derived from year-to-date or annual figures the two filings'
archive addresses (``<later> minus <earlier>``)."""
ACCESSION_PATTERN = r"^(\d{10}-\d{2}-\d{6})?$"
DERIVED_FROM_PATTERN = r"^(https?://\S+ minus https?://\S+)?$"

UNIT_CHECK = "unit is not the metric's canonical unit"
NONNEGATIVE_CHECK = "negative value for a nonnegative metric"
PERIOD_END_CHECK = "period_end is not the last day of the period"
CIK_SOURCE_CHECK = "a CIK needs a cik_source"
DUPLICATE_CHECK = "multiple_fields_uniqueness"
WIDE_CHECK_COLUMNS: dict[str, str] = {
    UNIT_CHECK: "unit",
    NONNEGATIVE_CHECK: "value",
    PERIOD_END_CHECK: "period_end",
    CIK_SOURCE_CHECK: "cik_source",
    DUPLICATE_CHECK: "source_url",
}
"""Check name -> the column a failure of that row-wide check is reported under."""


def _numeric(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series.where(series.str.strip() != ""), errors="coerce")


def _is_number(series: pd.Series) -> pd.Series:
    numbers = _numeric(series)
    return numbers.notna() & numbers.abs().lt(float("inf"))  # inf, -inf and 1e400 are not figures


def _is_positive(series: pd.Series) -> pd.Series:
    return _numeric(series) > 0


def _unit_matches(frame: pd.DataFrame) -> pd.Series:
    expected = frame["metric"].map({name: m.unit for name, m in METRICS.items()})
    return expected.isna() | (frame["unit"] == expected)


def _nonnegative(frame: pd.DataFrame) -> pd.Series:
    flagged = frame["metric"].map({name: m.nonnegative for name, m in METRICS.items()}).fillna(False)
    return ~(flagged.astype(bool) & (_numeric(frame["value"]) < 0))


def _period_end_matches(frame: pd.DataFrame) -> pd.Series:
    ends = {p: periods.quarter_end(p).isoformat() for p in frame["period"].unique() if periods.is_label(p)}
    expected = frame["period"].map(ends)
    return expected.isna() | (frame["period_end"] == expected)


def _cik_has_source(frame: pd.DataFrame) -> pd.Series:
    return (frame["cik"] == "") | (frame["cik_source"].str.strip() != "")


def _text(check: pa.Check | None = None, unique: bool = False) -> pa.Column:
    return pa.Column(str, check, unique=unique)


def _matching(pattern: str, error: str) -> pa.Column:
    return _text(pa.Check.str_matches(pattern, error=error))


def _among(values: Iterable[str], error: str) -> pa.Column:
    return _text(pa.Check.isin(list(values), error=error))


def companies_schema() -> pa.DataFrameSchema:
    """Schema of ``companies.csv``: one row per ticker."""
    return pa.DataFrameSchema(
        {
            "ticker": _text(pa.Check.str_matches(r"^[A-Z]{1,6}$", error="ticker must be 1-6 capitals"), unique=True),
            "name": _text(pa.Check.str_length(min_value=1, error="name is empty")),
            "cik": _matching(r"^(\d{1,10})?$", "CIK must be digits or empty"),
            "cik_source": _matching(r"^(https?://\S+)?$", "cik_source must be an address"),
            "fiscal_year_end": _matching(r"^(03-31|06-30|09-30|12-31)$", "fiscal_year_end must be a quarter end MM-DD"),
            "notes": _text(),
        },
        checks=[pa.Check(_cik_has_source, error=CIK_SOURCE_CHECK)],
        strict=True,
        ordered=False,
    )


def facts_schema(tickers: Iterable[str]) -> pa.DataFrameSchema:
    """Schema of ``facts.csv`` given the tickers of ``companies.csv``."""
    return pa.DataFrameSchema(
        {
            "ticker": _among(sorted(set(tickers)), "unknown ticker (not in companies.csv)"),
            "period": _matching(periods.LABEL_RE.pattern, "period must be YYYYQn"),
            "fiscal_period": _matching(r"^(FY\d{4}Q[1-4])?$", "fiscal_period must be FYyyyyQn or empty"),
            "period_end": _matching(r"^\d{4}-\d{2}-\d{2}$", "period_end must be YYYY-MM-DD"),
            "metric": _among(METRICS, "unknown metric (not in the vocabulary)"),
            "line_item": _text(),
            "value": _text(pa.Check(_is_number, error="value is not a number, or not a finite one")),
            "unit": _text(),
            "source_url": _matching(r"^https?://[^\s\"<>]+$", "source_url missing or not an address"),
            "source_type": _among(SOURCE_TYPES, "source_type must be primary, secondary or low"),
            "restated": _among(("True", "False"), "restated must be True or False"),
            "precision": _text(pa.Check(_is_positive, error="precision must be a positive number")),
            "scope": pa.Column(str, required=False),
            "accession": pa.Column(str, pa.Check.str_matches(ACCESSION_PATTERN, error="accession must be "
                                   "0000000000-00-000000 or empty"), required=False),
            "derived_from": pa.Column(str, pa.Check.str_matches(DERIVED_FROM_PATTERN, error="derived_from "
                                      "must be '<address> minus <address>' or empty"), required=False),
        },
        checks=[
            pa.Check(_unit_matches, error=UNIT_CHECK),
            pa.Check(_nonnegative, error=NONNEGATIVE_CHECK),
            pa.Check(_period_end_matches, error=PERIOD_END_CHECK),
        ],
        unique=FACT_KEY,
        strict=True,
        ordered=False,
    )


NETWORK_COLUMNS: tuple[str, ...] = (
    "start", "end", "days", "price_avg_usd", "price_end_usd", "hashrate_avg_ehs", "difficulty_avg", "blocks",
    "subsidy_btc", "fees_btc", "fee_share", "hashprice_usd_per_ph_day", "hashprice_btc_per_ph_day",
    "btc_per_ehs_day",
)
"""The quarterly network table's columns, in order (their units, inputs and methods: ``ingest.network_sources``)."""


def _network_column(name: str) -> pa.Column:
    """The pandera column of one network table column (non-negative, nullable; fee share in [0, 1])."""
    if name in ("start", "end"):
        return pa.Column("datetime64[ns]", coerce=True)
    if name == "days":
        return pa.Column(int, pa.Check.in_range(90, 92), coerce=True)
    check = pa.Check.in_range(0.0, 1.0) if name == "fee_share" else pa.Check.ge(0)
    return pa.Column(float, check, nullable=True, coerce=True)


NETWORK_SCHEMA = pa.DataFrameSchema(
    {name: _network_column(name) for name in NETWORK_COLUMNS},
    index=pa.Index(str, pa.Check.str_matches(periods.LABEL_RE.pattern), name="period", unique=True),
    strict=True,
    ordered=True,
    name="network_quarterly",
)
