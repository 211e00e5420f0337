"""SEC XBRL ``companyfacts`` JSON -> quarterly facts rows, with the filing each figure came from.

The format (documented by the SEC for ``https://data.sec.gov/api/xbrl/companyfacts/CIK##########.json``):
``{"cik": ..., "entityName": ..., "facts": {"us-gaap": {Tag: {"units": {"USD": [{"start", "end",
"val", "fy", "fp", "form", "filed", "accn", "frame"}, ...]}}}, "dei": {...}}}``. Duration values
carry ``start`` and ``end``; instant (balance-sheet) values carry ``end`` only. The same value appears
once per filing that prints it (a quarter's figure again as a comparative a year later).

Rules (``docs/methods.md``, "SEC filings"):

1. One fact per (tag, start, end): a value repeated by later filings is one fact, cited to the first
   filing that printed it. A later filing (an amended ``/A`` form included) that prints another value
   restates it: the later value is used (``restated``) and the earlier one is returned as superseded.
2. Flows: a three-month duration (80 to 100 days) ending at a quarter end is the quarter. A quarter only
   reachable from year-to-date or annual figures is their difference over the same start (Q4 = fiscal
   year - nine months, Q2 = six months - three months...), for amounts only (never per-share figures),
   marked in ``derived_from`` with both filings. A longer duration is never a quarter.
3. Stocks: instants at a calendar quarter end. The dei cover-page share count is dated a few weeks
   after the quarter; it counts for the quarter its filing reports, below the balance-sheet count.
4. Tags by priority per metric and quarter (``sec_tags.py``); line tags only where no total exists.

Every row's ``source_url`` is the filing's EDGAR archive folder, ``source_type`` is ``primary``,
``accession`` the filing's accession number, and ``precision`` 1 (0.01 for per-share figures): XBRL
values are exact.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from mineresearch.dataset import periods
from mineresearch.dataset.schemas import PROVENANCE_COLUMNS
from mineresearch.dataset.vocabulary import METRICS
from mineresearch.ingest.figures import FACT_COLUMNS, fiscal_year_ends
from mineresearch.ingest.sec_tags import TagRow, load_tags, rows_for

log = logging.getLogger(__name__)

SEC_FACT_COLUMNS: list[str] = [*FACT_COLUMNS, *PROVENANCE_COLUMNS]
SUPERSEDED_COLUMNS: list[str] = [*SEC_FACT_COLUMNS, "superseded_by"]
QUARTER_DAYS = (80, 100)
MAX_DAYS = 380
COVER_DAYS = 100
PERIODIC_FORMS = ("10-Q", "10-K", "20-F", "40-F")


@dataclass(frozen=True)
class Reported:
    """One value of one (tag, start, end) as the filings give it."""

    start: date | None
    end: date
    value: float
    accn: str
    form: str
    filed: str
    restated: bool = False


Key = tuple[date | None, date]
"""(start, end) of a reported value; ``start`` is None for an instant."""
Pair = tuple["Reported", "Reported | None"]
"""A quarter's value: (read directly, None), or (later, earlier) when it is their difference."""


@dataclass(frozen=True)
class SecFacts:
    """The quarterly facts of one company and the values later filings superseded."""

    facts: pd.DataFrame  # SEC_FACT_COLUMNS
    superseded: pd.DataFrame  # SUPERSEDED_COLUMNS


def archive_url(cik: int, accession: str) -> str:
    """EDGAR archive folder of a filing: ``https://www.sec.gov/Archives/edgar/data/<cik>/<accession digits>/``."""
    return f"https://www.sec.gov/Archives/edgar/data/{int(cik)}/{accession.replace('-', '')}/"


def _reported(facts: dict, row: TagRow) -> list[Reported]:
    concept = facts.get(row.taxonomy, {}).get(row.tag, {})
    out = []
    for unit, entries in concept.get("units", {}).items():
        if unit not in row.units:
            continue
        for e in entries:
            try:
                start = date.fromisoformat(e["start"]) if e.get("start") else None
                out.append(Reported(start, date.fromisoformat(e["end"]), float(e["val"]) * row.sign,
                                    str(e["accn"]), str(e.get("form", "")), str(e.get("filed", ""))))
            except (KeyError, TypeError, ValueError):
                continue
    return out


def _one_per_period(reported: list[Reported]) -> tuple[dict[Key, Reported], list[tuple[Reported, Reported]]]:
    """Rule 1: the current value of each (start, end) and the (superseded, superseding) pairs."""
    groups: dict[Key, list[Reported]] = {}
    for r in reported:
        groups.setdefault((r.start, r.end), []).append(r)
    current: dict[Key, Reported] = {}
    superseded: list[tuple[Reported, Reported]] = []
    for key, items in groups.items():
        items.sort(key=lambda r: (r.filed, r.form.endswith("/A"), r.accn))
        best = replace(items[0], restated=items[0].form.endswith("/A"))
        for later in items[1:]:
            if later.value != best.value:
                new = replace(later, restated=True)
                superseded.append((best, new))
                best = new
        current[key] = best
    return current, superseded


def _is_quarter_end(day: date) -> bool:
    return periods.quarter_end(periods.period_of(day)) == day


def _flows(current: dict[Key, Reported], derive: bool) -> dict[str, Pair]:
    """Rule 2: quarter label -> (value, None) read directly or (later, earlier) to subtract."""
    out: dict[str, Pair] = {}
    for (start, end), r in current.items():
        if start is None or not _is_quarter_end(end):
            continue
        label = periods.period_of(end)
        if QUARTER_DAYS[0] <= (end - start).days + 1 <= QUARTER_DAYS[1] and start == periods.quarter_start(label):
            out[label] = (r, None)
    if not derive:
        return out
    longer = [((s, e), r) for (s, e), r in current.items() if s is not None and _is_quarter_end(e)
              and QUARTER_DAYS[1] < (e - s).days + 1 <= MAX_DAYS]
    for (start, end), later in sorted(longer, key=lambda item: item[0], reverse=True):  # shortest first
        label = periods.period_of(end)
        earlier = current.get((start, periods.quarter_start(label) - timedelta(days=1)))
        if label not in out and earlier is not None:
            out[label] = (later, earlier)
    return out


def _stocks(current: dict[Key, Reported], cover: bool) -> dict[str, Pair]:
    """Rule 3: quarter label -> the instant at its end (or the cover-page count of its filing)."""
    out: dict[str, Pair] = {}
    for (start, end), r in sorted(current.items(), key=lambda item: (_is_quarter_end(item[0][1]), item[1].filed)):
        if start is not None:
            continue
        if not cover:
            if _is_quarter_end(end):
                out[periods.period_of(end)] = (r, None)
            continue
        label = periods.shift(periods.period_of(end), 0 if _is_quarter_end(end) else -1)
        if r.form.startswith(PERIODIC_FORMS) and (end - periods.quarter_end(label)).days <= COVER_DAYS:
            out[label] = (r, None)  # later filings, then a quarter-end date, win
    return out


def _quarters(facts: dict, row: TagRow) -> tuple[dict[str, Pair], list[tuple[Reported, Reported]]]:
    current, superseded = _one_per_period(_reported(facts, row))
    if METRICS[row.metric].kind == "stock":
        return _stocks(current, row.taxonomy == "dei"), superseded
    return _flows(current, derive=not any("/" in unit for unit in row.units)), superseded  # amounts, not ratios


def _fact(ticker: str, cik: int, row: TagRow, label: str, pair: Pair, fy_end: int) -> dict[str, object]:
    later, earlier = pair
    value = later.value if earlier is None else later.value - earlier.value
    derived = "" if earlier is None else f"{archive_url(cik, later.accn)} minus {archive_url(cik, earlier.accn)}"
    unit = METRICS[row.metric].unit
    return {
        "ticker": ticker, "period": label,
        "fiscal_period": periods.calendar_to_fiscal(label, fy_end) if fy_end != 12 else "",
        "period_end": periods.quarter_end(label).isoformat(), "metric": row.metric, "line_item": row.line_item,
        "value": value, "unit": unit, "source_url": archive_url(cik, later.accn), "source_type": "primary",
        "restated": later.restated or (earlier is not None and earlier.restated),
        "precision": 0.01 if unit == "USD/share" else 1.0, "accession": later.accn, "derived_from": derived,
        "_tag": row.name,
    }


def _metric_facts(facts: dict, table: list[TagRow], ticker: str, cik: int,
                  fy_end: int) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Rule 4 for one metric: (facts, superseded rows), by tag priority per quarter, lines where no total."""
    chosen: dict[tuple[str, str], dict[str, object]] = {}
    lines: dict[str, dict[str, dict[str, object]]] = {}
    old: list[dict[str, object]] = []
    for row in table:
        quarters, superseded = _quarters(facts, row)
        for label, pair in quarters.items():
            fact = _fact(ticker, cik, row, label, pair, fy_end)
            if row.line_item:
                lines.setdefault(label, {}).setdefault(row.line_item, fact)
            elif (label, "") not in chosen:
                chosen[(label, "")] = fact
                if pair[1] is None:  # values read directly keep the ones they replaced
                    key = (pair[0].start, pair[0].end)
                    old += [{**_fact(ticker, cik, row, label, (a, None), fy_end), "superseded_by": b.accn}
                            for a, b in superseded if (a.start, a.end) == key]
    for label, by_line in lines.items():
        if (label, "") not in chosen:
            chosen.update({(label, line): fact for line, fact in by_line.items()})
    return list(chosen.values()), old


def convert(document: dict, ticker: str, tags: list[TagRow] | None = None, fy_end: int | None = None) -> SecFacts:
    """Quarterly facts of one company from a parsed companyfacts document (rules in the module doc).

    Args:
        document: the parsed JSON (needs ``cik`` and ``facts``).
        ticker: the company's ticker (the JSON carries only the CIK).
        tags: the tag table (default: the packaged one).
        fy_end: month in which the fiscal year ends (default: from the packaged ``companies.csv``).

    Raises:
        ValueError: not companyfacts JSON.
    """
    if not isinstance(document, dict) or "cik" not in document or not isinstance(document.get("facts"), dict):
        raise ValueError("not SEC companyfacts JSON (needs 'cik' and 'facts')")
    cik, facts = int(document["cik"]), document["facts"]
    fy_end = fy_end if fy_end is not None else fiscal_year_ends().get(ticker, 12)
    table = rows_for(ticker, tags or load_tags())
    rows: list[dict[str, object]] = []
    old: list[dict[str, object]] = []
    for metric in sorted({r.metric for r in table}):
        chosen, replaced = _metric_facts(facts, [r for r in table if r.metric == metric], ticker, cik, fy_end)
        rows += chosen
        old += replaced
    frame = pd.DataFrame(rows, columns=[*SEC_FACT_COLUMNS, "_tag"])
    frame["scope"] = frame["scope"].astype(object).fillna("")  # XBRL facts are the filing's own line: no narrower scope
    for (metric, tag), count in frame.groupby(["metric", "_tag"]).size().items():
        log.info("%s %s: %d quarters from %s", ticker, metric, count, tag)
    frame = frame[SEC_FACT_COLUMNS].sort_values(["period", "metric", "line_item"], kind="stable")
    superseded_frame = pd.DataFrame(old, columns=[*SUPERSEDED_COLUMNS, "_tag"])[SUPERSEDED_COLUMNS]
    superseded_frame["scope"] = superseded_frame["scope"].astype(object).fillna("")
    return SecFacts(frame.reset_index(drop=True), superseded_frame.reset_index(drop=True))


def read_companyfacts(path: Path, ticker: str) -> pd.DataFrame:
    """Facts rows (``SEC_FACT_COLUMNS``) from one companyfacts JSON file; see ``convert``.

    Raises:
        ValueError: the file is not companyfacts JSON (no ``cik`` or ``facts``).
    """
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    try:
        return convert(document, ticker).facts
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None
