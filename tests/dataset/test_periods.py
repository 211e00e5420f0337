"""Period labels, quarter dates and the fiscal <-> calendar mapping."""

from __future__ import annotations

from datetime import date

import pytest

from mineresearch.dataset import periods


def test_labels_and_quarter_dates() -> None:
    assert periods.parse_label("2025Q2") == (2025, 2)
    assert periods.label(2025, 2) == "2025Q2"
    assert periods.quarter_start("2025Q2") == date(2025, 4, 1)
    assert periods.quarter_end("2024Q1") == date(2024, 3, 31)
    assert periods.quarter_end("2025Q4") == date(2025, 12, 31)
    assert periods.period_of(date(2025, 5, 14)) == "2025Q2"
    assert periods.shift("2025Q1", -1) == "2024Q4"
    assert periods.shift("2024Q4", 4) == "2025Q4"
    with pytest.raises(ValueError, match="YYYYQn"):
        periods.parse_label("Q2 2025")


@pytest.mark.parametrize(
    ("fiscal_year", "fiscal_quarter", "fy_end", "expected"),
    [
        (2025, 3, 9, "2025Q2"),  # CleanSpark: FQ3 FY2025 = quarter to 2025-06-30
        (2025, 1, 9, "2024Q4"),  # CleanSpark: FQ1 FY2025 = quarter to 2024-12-31
        (2026, 2, 9, "2026Q1"),
        (2025, 3, 6, "2025Q1"),  # IREN: FQ3 FY2025 = quarter to 2025-03-31
        (2025, 1, 6, "2024Q3"),  # IREN: FQ1 FY2025 = quarter to 2024-09-30
        (2025, 4, 6, "2025Q2"),
        (2025, 2, 12, "2025Q2"),
    ],
)
def test_fiscal_to_calendar(fiscal_year: int, fiscal_quarter: int, fy_end: int, expected: str) -> None:
    assert periods.fiscal_to_calendar(fiscal_year, fiscal_quarter, fy_end) == expected
    assert periods.calendar_to_fiscal(expected, fy_end) == f"FY{fiscal_year}Q{fiscal_quarter}"


def test_fy_end_month_and_bad_year_end() -> None:
    assert periods.fy_end_month("09-30") == 9
    with pytest.raises(ValueError, match="quarter end"):
        periods.fiscal_to_calendar(2025, 1, 8)


@pytest.mark.parametrize(
    ("text", "kind", "year", "number"),
    [
        ("Q2 2025", "quarter", 2025, 2),
        ("FQ3 2025", "fiscal_quarter", 2025, 3),
        ("Jun 2025", "month", 2025, 6),
        ("FY 2024", "year", 2024, 0),
    ],
)
def test_parse_source_period(text: str, kind: str, year: int, number: int) -> None:
    parsed = periods.parse_source_period(text)
    assert (parsed.kind, parsed.year, parsed.number) == (kind, year, number)


def test_parse_source_period_rejects_other_text() -> None:
    with pytest.raises(ValueError, match="unrecognised period"):
        periods.parse_source_period("H1 2025")
