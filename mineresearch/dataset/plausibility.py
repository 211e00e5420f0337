"""Plausibility of the facts beyond their schema: values within their metric's bounds, quarters already ended,
fiscal labels consistent with the company's fiscal year end (bounds per unit and metric: ``dataset.bounds``)."""

from __future__ import annotations

import math
import re

from mineresearch.dataset import bounds, periods
from mineresearch.dataset.csvfile import CsvTable
from mineresearch.dataset.vocabulary import METRICS
from mineresearch.exceptions import Problem


def number(cell: str) -> float | None:
    try:
        return float(cell.strip())
    except ValueError:
        return None


def fact_plausibility(table: CsvTable, companies: dict[str, str] | None) -> list[Problem]:
    """Values within their metric's bounds, quarters already ended, fiscal labels matching the fiscal year.

    Args:
        table: facts.csv as read (rows that fail a cell check are skipped: they are reported already).
        companies: ticker -> fiscal_year_end (``MM-DD``), or None when companies.csv could not be read.
    """
    file = str(table.path)
    today = bounds.today()
    problems: list[Problem] = []
    for line, r in zip(table.lines, table.records(), strict=True):
        metric = METRICS.get(r.get("metric", ""))
        value = number(r.get("value", ""))
        if metric is not None and value is not None and math.isfinite(value):
            bound = bounds.metric_bound(metric.name, metric.unit)
            if bound is not None and not bound.admits(value):
                problems.append(Problem(file, line, "value", f"implausible {metric.name} in {metric.unit}: expected "
                                        f"{bound.describe()} (found {r['value']!r})"))
        period = r.get("period", "")
        if not periods.is_label(period):
            continue
        end = periods.quarter_end(period)
        if end > today:
            problems.append(Problem(file, line, "period", f"quarter {period} ends on {end.isoformat()}, after the day "
                                    f"the data is read ({today.isoformat()}): no figures can be on file yet"))
        fiscal, fye = r.get("fiscal_period", ""), (companies or {}).get(r.get("ticker", ""), "")
        if fiscal and periods.FISCAL_RE.match(fiscal) and re.fullmatch(r"(03-31|06-30|09-30|12-31)", fye):
            expected = periods.calendar_to_fiscal(period, periods.fy_end_month(fye))
            if fiscal != expected:
                problems.append(Problem(file, line, "fiscal_period", f"{fiscal} does not match {period} for a fiscal "
                                        f"year ending {fye} (expected {expected}) (found {fiscal!r})"))
    return problems
