"""Build ``data/facts.csv`` from the shared ``company_quarter_figures.csv``.

The source file has the columns ``ticker, period, period_end, metric, value, unit, source_url, quote,
source_type``. Only figures and addresses are carried over; the quote is read to take the decisions in
``curation.py`` and is never written out. Rows that are not quarterly facts (monthly figures, full
years) or whose metric has no honest home in the vocabulary are left out, each with its reason.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from mineresearch.dataset import periods, units
from mineresearch.dataset.vocabulary import METRICS, canonical_metric
from mineresearch.ingest import curation
from mineresearch.paths import PACKAGE_DATA_DIR

log = logging.getLogger(__name__)

FACT_COLUMNS: list[str] = [
    "ticker", "period", "fiscal_period", "period_end", "metric", "line_item",
    "value", "unit", "source_url", "source_type", "restated", "precision", "scope",
]
DROPPED_COLUMNS: list[str] = ["source_line", "ticker", "period", "metric", "reason"]
_FISCAL_TAG = re.compile(r"^\[Q([1-4]) FY(\d{4})\]")


class Skip(Exception):
    """A source row that does not become a fact; the message is the reason."""


@dataclass(frozen=True)
class FactsBuild:
    """The facts built from a source file and the rows left out (``source_line`` = line in the file)."""

    facts: pd.DataFrame
    dropped: pd.DataFrame
    from_quotes: int = 0  # facts stated inside another row's quote (``curation.QUOTE_FIGURES``)

    def dropped_counts(self) -> pd.Series:
        """Number of rows left out per reason, most frequent first."""
        return self.dropped["reason"].value_counts()


def fiscal_year_ends(companies_csv: Path | None = None) -> dict[str, int]:
    """Ticker -> month in which its fiscal year ends, from ``companies.csv``."""
    path = companies_csv or PACKAGE_DATA_DIR / "companies.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return {row.ticker: periods.fy_end_month(row.fiscal_year_end) for row in frame.itertuples()}


def _calendar_period(row: pd.Series, fy_end: int) -> tuple[str, str]:
    """(calendar label, fiscal label or '') of a source row; raises Skip for non-quarterly rows."""
    try:
        parsed = periods.parse_source_period(row["period"])
    except ValueError as exc:
        raise Skip(str(exc)) from None
    if parsed.kind == "month":
        raise Skip("monthly figure, not a quarter")
    if parsed.kind == "year":
        raise Skip("full-year figure, not a quarter")
    if parsed.kind == "fiscal_quarter":
        label = periods.fiscal_to_calendar(parsed.year, parsed.number, fy_end)
    else:
        label = periods.label(parsed.year, parsed.number)
    if row["period_end"] != periods.quarter_end(label).isoformat():
        raise Skip(f"period end {row['period_end']} is not the end of {label}")
    fiscal = periods.calendar_to_fiscal(label, fy_end) if fy_end != 12 else ""
    tag = _FISCAL_TAG.match(row["quote"])
    if tag and fiscal and fiscal != f"FY{tag.group(2)}Q{tag.group(1)}":
        raise Skip(f"fiscal label in the quote disagrees with {fiscal}")
    return label, fiscal


_PER_SHARE_UNITS = {"USD", "USD per share", "USD/share"}


def _fact(row: pd.Series, fy_ends: dict[str, int]) -> dict[str, object]:
    """One fact from one source row; raises Skip with the reason when the row is left out."""
    rule = curation.first_rule(row["ticker"], row["period"], row["metric"], row["quote"])
    if rule is not None and rule.drops:
        raise Skip(rule.reason)
    ticker = (rule.ticker_to if rule else None) or row["ticker"]
    if ticker not in fy_ends:
        raise Skip(f"ticker {ticker!r} is not in companies.csv")
    fy_end = fy_ends[ticker]
    label, fiscal = _calendar_period(row, fy_end)
    metric = (rule.metric_to if rule else None) or canonical_metric(row["metric"])
    if metric is None:
        raise Skip(curation.UNMAPPED_REASONS.get(row["metric"]) or "no canonical metric in the vocabulary")
    stated = curation.as_of_mismatch(row["quote"], periods.quarter_end(label))
    if stated is not None:
        raise Skip(f"quoted as of {stated.isoformat()}, not the quarter end")
    source_unit = row["unit"]
    if METRICS[metric].unit == "USD/share" and source_unit in _PER_SHARE_UNITS:
        source_unit = "USD/share"  # a per-share figure printed in dollars
    try:
        value, unit = units.normalise(row["value"], source_unit)
    except ValueError as exc:
        raise Skip(str(exc)) from None
    if unit != METRICS[metric].unit:
        raise Skip(f"unit {row['unit']!r} does not convert to {METRICS[metric].unit}")
    return {
        "ticker": ticker, "period": label, "fiscal_period": fiscal,
        "period_end": periods.quarter_end(label).isoformat(), "metric": metric,
        "line_item": (rule.line_item if rule else None) or "", "value": value, "unit": unit,
        "source_url": row["source_url"].strip(), "source_type": row["source_type"].strip(),
        "restated": curation.is_restated(row["quote"]),
        "precision": units.printed_step(row["value"], source_unit),
        "scope": curation.scope_of(metric, row["quote"]), "_quote": row["quote"],
    }


def _quoted_figures(fact: dict[str, object], source_url: str) -> list[dict[str, object]]:
    """Facts for the figures a kept row's quote states beside its own (``curation.QUOTE_FIGURES``)."""
    out: list[dict[str, object]] = []
    for rule in curation.QUOTE_FIGURES:
        value = rule.value(str(fact["ticker"]), str(fact["metric"]), str(fact["_quote"]))
        if value is None:
            continue
        out.append({**fact, "metric": rule.metric, "line_item": rule.line_item, "value": value,
                    "unit": METRICS[rule.metric].unit, "precision": 1.0, "scope": "",
                    "_quote": f"[{rule.reason}] {fact['_quote']}", "source_url": source_url.strip(),
                    "_from_quote": True})
    return out


def _label_line_items(facts: pd.DataFrame) -> pd.DataFrame:
    """Give each of several rows of one metric from one source the printed line's label."""
    key = ["ticker", "period", "metric", "source_url"]
    several = facts.duplicated(key, keep=False) & (facts["line_item"] == "")
    facts.loc[several, "line_item"] = facts.loc[several, "_quote"].map(curation.printed_line)
    return facts


def build(source_csv: Path, companies_csv: Path | None = None) -> FactsBuild:
    """Read the shared figures file into facts and a report of the rows left out.

    Args:
        source_csv: ``company_quarter_figures.csv``.
        companies_csv: the companies file giving fiscal year ends (default: the packaged one).

    Returns:
        A ``FactsBuild`` whose ``facts`` has ``FACT_COLUMNS`` sorted by ticker, period, metric,
        line item and source.
    """
    source = pd.read_csv(source_csv, dtype=str, keep_default_na=False)
    fy_ends = fiscal_year_ends(companies_csv)
    kept: list[dict[str, object]] = []
    dropped: list[dict[str, object]] = []
    for index, row in source.iterrows():
        try:
            fact = {**_fact(row, fy_ends), "_line": int(index) + 2}  # type: ignore[call-overload]
            extra = _quoted_figures(fact, row["source_url"])
            kept += [fact, *extra]
        except Skip as reason:
            line = int(index) + 2  # type: ignore[call-overload]
            dropped.append({"source_line": line, "ticker": row["ticker"], "period": row["period"],
                            "metric": row["metric"], "reason": str(reason)})
    facts = pd.DataFrame(kept, columns=[*FACT_COLUMNS, "_quote", "_line", "_from_quote"])
    facts["_from_quote"] = facts["_from_quote"].eq(True)
    facts = facts.sort_values("_from_quote", kind="stable")  # a printed row beats the same figure from a quote
    same = facts.duplicated(["ticker", "period", "metric", "source_url", "value"])
    facts = facts.loc[~(same & facts["_from_quote"])]
    from_quotes = int(facts["_from_quote"].sum())
    again = facts.duplicated(["ticker", "period", "metric", "source_url", "value"])
    for line in facts.loc[again, "_line"]:
        row = source.loc[line - 2]
        dropped.append({"source_line": line, "ticker": row["ticker"], "period": row["period"],
                        "metric": row["metric"], "reason": "the same figure from the same source already on file"})
    facts = _label_line_items(facts.loc[~again].drop(columns=["_line", "_from_quote"]))
    facts = facts.drop(columns="_quote").sort_values(
        ["ticker", "period", "metric", "line_item", "source_type", "source_url", "value"], kind="stable"
    )
    return FactsBuild(facts.reset_index(drop=True), pd.DataFrame(dropped, columns=DROPPED_COLUMNS), from_quotes)


def build_facts(source_csv: Path) -> pd.DataFrame:
    """Facts from the shared figures file; logs how many rows were left out and why.

    Args:
        source_csv: path of ``company_quarter_figures.csv``.

    Returns:
        The facts frame (``FACT_COLUMNS``). Use ``build`` for the dropped-rows report itself.
    """
    result = build(Path(source_csv))
    log.info("%d facts built, %d source rows left out", len(result.facts), len(result.dropped))
    for reason, count in result.dropped_counts().items():
        log.info("  %4d  %s", count, reason)
    return result.facts


def facts_csv_text(facts: pd.DataFrame) -> str:
    """The exact text of ``facts.csv`` for a facts frame (used to write it and to compare it)."""
    return facts[FACT_COLUMNS].to_csv(index=False, lineterminator="\n")
