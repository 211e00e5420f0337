"""Period labels and the fiscal <-> calendar mapping.

Calendar quarters are labelled ``YYYYQn`` (``2025Q2`` = April to June 2025). A company whose fiscal
year ends in another month also carries a fiscal label ``FY2025Q3``. A fiscal year is named after the
calendar year in which it ends: CleanSpark's year ends 30 September, so its FY2025Q3 is the quarter
to 2025-06-30 (``2025Q2``); IREN's ends 30 June, so its FY2025Q3 is the quarter to 2025-03-31
(``2025Q1``).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

LABEL_RE = re.compile(r"^(\d{4})Q([1-4])$")
FISCAL_RE = re.compile(r"^FY(\d{4})Q([1-4])$")
_MONTHS = {name: i for i, name in enumerate(calendar.month_abbr) if name}

SourceKind = Literal["quarter", "fiscal_quarter", "month", "year"]


@dataclass(frozen=True)
class SourcePeriod:
    """A period as written in a source file: its kind and numbers."""

    kind: SourceKind
    year: int
    number: int  # quarter (1-4), month (1-12), or 0 for a full year


def is_label(text: str) -> bool:
    """True for a calendar-quarter label such as ``2025Q2``."""
    return bool(LABEL_RE.match(text))


def parse_label(label: str) -> tuple[int, int]:
    """``"2025Q2"`` -> ``(2025, 2)``.

    Raises:
        ValueError: not a ``YYYYQn`` label.
    """
    match = LABEL_RE.match(label)
    if not match:
        raise ValueError(f"not a quarter label (YYYYQn): {label!r}")
    return int(match.group(1)), int(match.group(2))


def label(year: int, quarter: int) -> str:
    """``(2025, 2)`` -> ``"2025Q2"``."""
    if not 1 <= quarter <= 4:
        raise ValueError(f"quarter must be 1-4, got {quarter}")
    return f"{year}Q{quarter}"


def quarter_start(period: str) -> date:
    """First day of a calendar quarter: ``2025Q2`` -> 2025-04-01."""
    year, quarter = parse_label(period)
    return date(year, 3 * quarter - 2, 1)


def quarter_end(period: str) -> date:
    """Last day of a calendar quarter: ``2025Q2`` -> 2025-06-30."""
    year, quarter = parse_label(period)
    month = 3 * quarter
    return date(year, month, calendar.monthrange(year, month)[1])


def period_of(day: date) -> str:
    """The calendar quarter holding a date: 2025-05-14 -> ``2025Q2``."""
    return label(day.year, (day.month - 1) // 3 + 1)


def shift(period: str, quarters: int) -> str:
    """Move a label by a number of quarters: ``shift("2025Q1", -1) == "2024Q4"``."""
    year, quarter = parse_label(period)
    index = year * 4 + (quarter - 1) + quarters
    return label(index // 4, index % 4 + 1)


def fiscal_to_calendar(fiscal_year: int, fiscal_quarter: int, fy_end_month: int) -> str:
    """Calendar label of a fiscal quarter.

    Args:
        fiscal_year: the year in which the fiscal year ends (FY2025).
        fiscal_quarter: 1-4.
        fy_end_month: month in which the fiscal year ends (9 for 30 September).

    Returns:
        e.g. ``fiscal_to_calendar(2025, 3, 9) == "2025Q2"`` and ``fiscal_to_calendar(2025, 3, 6) == "2025Q1"``.
    """
    if fy_end_month % 3:
        raise ValueError(f"fiscal years must end at a calendar quarter end, got month {fy_end_month}")
    end_month = fy_end_month - 3 * (4 - fiscal_quarter)
    year = fiscal_year
    if end_month <= 0:
        end_month += 12
        year -= 1
    return label(year, end_month // 3)


def calendar_to_fiscal(period: str, fy_end_month: int) -> str:
    """Fiscal label of a calendar quarter: ``calendar_to_fiscal("2025Q2", 9) == "FY2025Q3"``."""
    year, quarter = parse_label(period)
    end_month = 3 * quarter
    fiscal_year = year if end_month <= fy_end_month else year + 1
    fiscal_quarter = ((end_month - fy_end_month - 1) % 12) // 3 + 1
    return f"FY{fiscal_year}Q{fiscal_quarter}"


def fy_end_month(fiscal_year_end: str) -> int:
    """Month of a ``MM-DD`` fiscal-year-end string: ``"09-30"`` -> 9."""
    return int(fiscal_year_end.split("-")[0])


def parse_source_period(text: str) -> SourcePeriod:
    """Read a period as the shared figures file writes it.

    ``"Q2 2025"`` (calendar quarter), ``"FQ3 2025"`` (fiscal quarter), ``"Jun 2025"`` (month),
    ``"FY 2025"`` (full year).

    Raises:
        ValueError: none of those forms.
    """
    parts = text.strip().split()
    if len(parts) == 2 and parts[1].isdigit() and len(parts[1]) == 4:
        head, year = parts[0], int(parts[1])
        if re.fullmatch(r"Q[1-4]", head):
            return SourcePeriod("quarter", year, int(head[1]))
        if re.fullmatch(r"FQ[1-4]", head):
            return SourcePeriod("fiscal_quarter", year, int(head[2]))
        if head == "FY":
            return SourcePeriod("year", year, 0)
        if head in _MONTHS:
            return SourcePeriod("month", year, _MONTHS[head])
    raise ValueError(f"unrecognised period {text!r} (expected 'Q2 2025', 'FQ3 2025', 'Jun 2025' or 'FY 2025')")
