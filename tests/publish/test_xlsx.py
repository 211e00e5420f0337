"""The small XLSX writer: every sheet reads back with pandas (openpyxl) as written."""

from __future__ import annotations

import io
import math

import pandas as pd

from mineresearch.publish.xlsx import _column, workbook_bytes


def test_column_letters() -> None:
    assert [_column(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]


def test_sheets_read_back_with_numbers_text_and_blanks() -> None:
    a = pd.DataFrame({"Metric": ["BTC produced", "Revenue <&> \"net\"", "x\x01y"], "2025Q2": [2358.0, math.nan, 3],
                      "Flag": [True, False, None]})
    b = pd.DataFrame({"n": list(range(30))})
    data = workbook_bytes([("kpis", a), ("long", b), ("empty", pd.DataFrame(columns=["only", "headers"]))])
    book = pd.read_excel(io.BytesIO(data), sheet_name=None)
    assert list(book) == ["kpis", "long", "empty"]
    got = book["kpis"]
    assert list(got.columns) == ["Metric", "2025Q2", "Flag"]
    assert got["Metric"].tolist() == ["BTC produced", 'Revenue <&> "net"', "xy"]
    assert got["2025Q2"].iloc[0] == 2358.0 and math.isnan(got["2025Q2"].iloc[1]) and got["2025Q2"].iloc[2] == 3
    assert bool(got["Flag"].iloc[0]) is True
    assert book["long"]["n"].tolist() == list(range(30))
    assert list(book["empty"].columns) == ["only", "headers"] and book["empty"].empty
