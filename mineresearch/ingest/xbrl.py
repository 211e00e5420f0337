"""Read SEC XBRL ``companyfacts`` JSON into facts rows.

The format (documented by the SEC for ``https://data.sec.gov/api/xbrl/companyfacts/CIK##########.json``):
``{"cik": ..., "entityName": ..., "facts": {"us-gaap": {Tag: {"units": {"USD": [{"start", "end",
"val", "fy", "fp", "form", "filed", "accn", "frame"}, ...]}}}, "dei": {...}}}``. Duration values
carry ``start`` and ``end``; instant (balance-sheet) values carry ``end`` only.

Kept: flow metrics over one quarter (a duration of 80 to 100 days) and stock metrics at an instant,
both ending on a calendar quarter end. Each metric has a fallback list of standard tags (those seen
in miner filings): for each quarter the first tag with a value is used, and the tag is logged.
Company extension tags (``mara:``, ``riot:``...) and IFRS filers' ``ifrs-full`` facts are not read.
XBRL values are exact (``precision`` 1 in the metric's unit). Every row's ``source_url`` is the
filing's EDGAR archive index built from its accession number; ``source_type`` is ``primary``; an
amended form (``10-Q/A``) is marked ``restated``.
"""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path

import pandas as pd

from mineresearch import periods
from mineresearch.ingest.figures import FACT_COLUMNS, fiscal_year_ends
from mineresearch.vocabulary import METRICS

log = logging.getLogger(__name__)

TAGS: dict[str, tuple[str, ...]] = {
    "revenue_total": ("Revenues", "RevenueFromContractWithCustomerExcludingAssessedTax"),
    "cost_of_revenue": ("CostOfRevenue",),
    "depreciation_amortization": ("DepreciationDepletionAndAmortization", "DepreciationAndAmortization"),
    "sga": ("SellingGeneralAndAdministrativeExpense", "GeneralAndAdministrativeExpense"),
    "stock_based_comp": ("ShareBasedCompensation", "AllocatedShareBasedCompensationExpense"),
    "fv_gain_loss_digital_assets": (
        "CryptoAssetRealizedAndUnrealizedGainLossOperating",
        "CryptoAssetRealizedAndUnrealizedGainLossNonoperating",
    ),
    "operating_income": ("OperatingIncomeLoss",),
    "interest_expense": ("InterestExpense",),
    "income_tax": ("IncomeTaxExpenseBenefit",),
    "net_income": ("NetIncomeLoss", "ProfitLoss"),
    "eps_diluted": ("EarningsPerShareDiluted",),
    "cash": ("CashAndCashEquivalentsAtCarryingValue",),
    "digital_assets_fair_value": ("CryptoAssetFairValue",),
    "long_term_debt": ("LongTermDebt",),
    "short_term_debt": ("LongTermDebtCurrent", "LinesOfCreditCurrent"),
    "total_assets": ("Assets",),
    "total_liabilities": ("Liabilities",),
    "stockholders_equity": ("StockholdersEquity",),
    "shares_outstanding": ("dei:EntityCommonStockSharesOutstanding",),
}
"""Metric -> us-gaap tags (``dei:`` prefix for the dei namespace), first match wins per quarter."""

LINE_TAGS: dict[str, tuple[str, ...]] = {
    "digital_assets_fair_value": ("CryptoAssetFairValueCurrent", "CryptoAssetFairValueNoncurrent"),
}
"""Metric -> tags printed as separate lines, used (as line items) when no tag of ``TAGS`` has a value."""

UNITS: dict[str, str] = {"USD": "USD", "USD/shares": "USD/share", "shares": "shares"}
QUARTER_DAYS = (80, 100)


def archive_url(cik: int, accession: str) -> str:
    """EDGAR archive index of a filing: ``.../edgar/data/<cik>/<accession digits>/<accession>-index.htm``."""
    return f"https://www.sec.gov/Archives/edgar/data/{cik}/{accession.replace('-', '')}/{accession}-index.htm"


def _entries(facts: dict, tag: str) -> list[tuple[str, dict]]:
    namespace, _, name = tag.rpartition(":")
    concept = facts.get(namespace or "us-gaap", {}).get(name, {})
    return [(unit, e) for unit, entries in concept.get("units", {}).items() for e in entries]


def _quarter(entry: dict, kind: str) -> str | None:
    """Calendar label of an entry usable for a metric of this kind, else None."""
    try:
        end = date.fromisoformat(entry["end"])
    except (KeyError, TypeError, ValueError):
        return None
    label = periods.period_of(end)
    if end != periods.quarter_end(label):
        return None
    start = entry.get("start")
    if kind == "stock":
        return label if start is None else None
    if start is None:
        return None
    days = (end - date.fromisoformat(start)).days + 1
    return label if QUARTER_DAYS[0] <= days <= QUARTER_DAYS[1] else None


def _rows(facts: dict, metric: str, tag: str, line_item: str) -> list[dict[str, object]]:
    spec = METRICS[metric]
    kind = "stock" if spec.kind == "stock" else "flow"
    rows = []
    for unit, entry in _entries(facts, tag):
        label = _quarter(entry, kind)
        if label is None or UNITS.get(unit) != spec.unit or entry.get("val") is None or not entry.get("accn"):
            continue
        rows.append({"period": label, "metric": metric, "line_item": line_item, "value": float(entry["val"]),
                     "unit": spec.unit, "accn": entry["accn"], "restated": str(entry.get("form", "")).endswith("/A"),
                     "tag": tag})
    return rows


def _by_period(rows: list[dict[str, object]]) -> dict[str, list[dict[str, object]]]:
    grouped: dict[str, list[dict[str, object]]] = {}
    for row in rows:
        grouped.setdefault(str(row["period"]), []).append(row)
    return grouped


def _metric_rows(facts: dict, metric: str) -> list[dict[str, object]]:
    """Rows of one metric: per quarter, those of the first tag that has any, else the line tags'."""
    chosen: dict[str, list[dict[str, object]]] = {}
    for tag in TAGS.get(metric, ()):
        for period, rows in _by_period(_rows(facts, metric, tag, "")).items():
            chosen.setdefault(period, rows)
    lines = [row for tag in LINE_TAGS.get(metric, ()) for row in _rows(facts, metric, tag, tag)]
    for period, rows in _by_period(lines).items():
        chosen.setdefault(period, rows)
    return [row for rows in chosen.values() for row in rows]


def read_companyfacts(path: Path, ticker: str) -> pd.DataFrame:
    """Facts rows (``FACT_COLUMNS``) from one companyfacts JSON file.

    Args:
        path: the JSON file.
        ticker: the company's ticker (the JSON carries only the CIK).

    Returns:
        One row per metric, quarter, line item and filing, sorted; empty when nothing is usable.

    Raises:
        ValueError: the file is not companyfacts JSON (no ``cik`` or ``facts``).
    """
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(document, dict) or "cik" not in document or "facts" not in document:
        raise ValueError(f"{path}: not SEC companyfacts JSON (needs 'cik' and 'facts')")
    cik = int(document["cik"])
    fy_end = fiscal_year_ends().get(ticker, 12)
    rows = [row for metric in TAGS for row in _metric_rows(document["facts"], metric)]
    frame = pd.DataFrame(rows, columns=["period", "metric", "line_item", "value", "unit", "accn", "restated", "tag"])
    for (metric, tag), count in frame.groupby(["metric", "tag"]).size().items():
        log.info("%s %s: %d values from %s", ticker, metric, count, tag)
    frame = frame.drop_duplicates(["period", "metric", "line_item", "accn"], keep="last")
    frame = frame.assign(
        ticker=ticker,
        fiscal_period=[periods.calendar_to_fiscal(p, fy_end) if fy_end != 12 else "" for p in frame["period"]],
        period_end=[periods.quarter_end(p).isoformat() for p in frame["period"]],
        source_url=[archive_url(cik, a) for a in frame["accn"]],
        source_type="primary",
        precision=1.0,
        scope="",
    )
    frame = frame[FACT_COLUMNS].sort_values(["period", "metric", "line_item", "source_url"], kind="stable")
    return frame.reset_index(drop=True)
