"""Company-facts documents built from real figures in the shipped ``facts.csv``, and a local SEC server.

Riot (calendar year): its 2025 first three quarters as the 10-Qs print them: three-month figures, the
six- and nine-month year-to-date columns, stock-based compensation only year-to-date (as the cash-flow
statement prints it), balance-sheet instants, the cover-page share count, the 31 December 2024 cash
repeated by every 10-Q, and two restatements of interest income collected in the shared figures
file: Q3 2024 5,175 thousand first, 5,530 thousand as the comparative of the Q3 2025 10-Q; Q2 2024
8,152 thousand first, 8,466 thousand later (here filed as a 10-Q/A, to exercise amended forms).

CleanSpark (fiscal year to 30 September): fiscal 2025 revenue: Q1 three months, Q2 three and six
months, Q3 three and nine months, and the 10-K's full year, so fiscal Q4 (calendar 2025Q3) is only
reachable as the year minus nine months.

Accession numbers are Riot's real 2025 10-Qs where known; the others are fixture numbers (0009999999-).
Riot's bitcoin held at 30 September 2025 sits under a made-up extension tag, to test company rows.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd

from mineresearch.dataset.load import load_dataset

RIOT_CIK, CLSK_CIK = 1167419, 827876
RIOT_10Q = {"2025Q1": ("0001558370-25-006119", "2025-05-01"), "2025Q2": ("0001558370-25-009896", "2025-07-31"),
            "2025Q3": ("0001104659-25-104466", "2025-10-30")}
QUARTER_DATES = {"2025Q1": ("2025-01-01", "2025-03-31"), "2025Q2": ("2025-04-01", "2025-06-30"),
                 "2025Q3": ("2025-07-01", "2025-09-30")}
RIOT_FLOWS = {
    "revenue_total": "Revenues",
    "cost_of_revenue_ex_da": "CostOfGoodsAndServiceExcludingDepreciationDepletionAndAmortization",
    "depreciation_amortization": "DepreciationDepletionAndAmortization",
    "sga": "SellingGeneralAndAdministrativeExpense",
    "impairment": "AssetImpairmentCharges",
    "fv_gain_loss_digital_assets": "CryptoAssetRealizedAndUnrealizedGainLossOperating",
    "other_operating_gain_loss": "OtherOperatingIncomeExpenseNet",
    "operating_income": "OperatingIncomeLoss",
    "interest_expense": "InterestExpense",
    "interest_income": "InvestmentIncomeInterest",
    "other_nonoperating": "OtherNonoperatingIncomeExpense",
    "income_tax": "IncomeTaxExpenseBenefit",
    "net_income": "NetIncomeLoss",
}
RIOT_STOCKS = {"cash": "CashAndCashEquivalentsAtCarryingValue", "total_assets": "Assets",
               "total_liabilities": "Liabilities"}
CLSK_REVENUE = {"2024Q4": 162_306_000.0, "2025Q1": 181_712_000.0, "2025Q2": 198_644_000.0, "2025Q3": 223_652_000.0}


def _entry(val: float, accn: str, filed: str, end: str, start: str | None = None, form: str = "10-Q",
           fp: str = "Q1") -> dict[str, object]:
    entry: dict[str, object] = {"end": end, "val": val, "accn": accn, "fy": int(filed[:4]), "fp": fp, "form": form,
                                "filed": filed}
    if start:
        entry["start"] = start
    return entry


def _quarterly(ticker: str) -> pd.DataFrame:
    """Chosen values of the shipped dataset (line items summed), by quarter."""
    return load_dataset().company_quarters(ticker)


def riot_document() -> dict:
    """Riot's 2025 10-Qs in the companyfacts shape (see the module doc)."""
    wide = _quarterly("RIOT")
    gaap: dict[str, dict] = {}

    def add(tag: str, unit: str, entry: dict[str, object]) -> None:
        gaap.setdefault(tag, {"label": tag, "units": {}})["units"].setdefault(unit, []).append(entry)

    quarters = list(RIOT_10Q)
    for metric, tag in RIOT_FLOWS.items():
        for i, q in enumerate(quarters):
            value = wide.loc[q, metric]
            if pd.isna(value):
                continue
            accn, filed = RIOT_10Q[q]
            add(tag, "USD", _entry(float(value), accn, filed, QUARTER_DATES[q][1], QUARTER_DATES[q][0], fp=f"Q{i + 1}"))
            ytd = wide.loc[quarters[: i + 1], metric]
            if i and ytd.notna().all():
                end = QUARTER_DATES[q][1]
                add(tag, "USD", _entry(float(ytd.sum()), accn, filed, end, "2025-01-01", fp=f"Q{i + 1}"))
    sbc = wide.loc[quarters, "stock_based_comp"]
    for i, q in enumerate(quarters):  # cash-flow statement: year to date only
        accn, filed = RIOT_10Q[q]
        add("ShareBasedCompensation", "USD",
            _entry(float(sbc.iloc[: i + 1].sum()), accn, filed, QUARTER_DATES[q][1], "2025-01-01", fp=f"Q{i + 1}"))
    for metric, tag in RIOT_STOCKS.items():
        for q in quarters:
            accn, filed = RIOT_10Q[q]
            add(tag, "USD", _entry(float(wide.loc[q, metric]), accn, filed, QUARTER_DATES[q][1]))
    for q in quarters:  # the 31 December 2024 balance, repeated by every 10-Q
        accn, filed = RIOT_10Q[q]
        add("CashAndCashEquivalentsAtCarryingValue", "USD", _entry(277_900_000.0, accn, filed, "2024-12-31"))
    restated = [  # (start, end, value, accession, filed, form)
        ("2024-07-01", "2024-09-30", 5_175_000.0, "0009999999-24-000003", "2024-10-30", "10-Q"),
        ("2024-07-01", "2024-09-30", 5_530_000.0, RIOT_10Q["2025Q3"][0], RIOT_10Q["2025Q3"][1], "10-Q"),
        ("2024-04-01", "2024-06-30", 8_152_000.0, "0009999999-24-000002", "2024-07-31", "10-Q"),
        ("2024-04-01", "2024-06-30", 8_466_000.0, "0009999999-24-000004", "2024-12-02", "10-Q/A"),
    ]
    for start, end, value, accn, filed, form in restated:
        add("InvestmentIncomeInterest", "USD", _entry(value, accn, filed, end, start, form=form))
    shares = wide.loc["2025Q3", "shares_outstanding"]
    dei = {"EntityCommonStockSharesOutstanding": {"label": "shares", "units": {"shares": [
        _entry(float(shares), RIOT_10Q["2025Q3"][0], RIOT_10Q["2025Q3"][1], "2025-10-24")]}}}
    held = wide.loc["2025Q3", "btc_held"]  # under a fixture extension tag (the name is made up for the test)
    ext = {"FixtureBitcoinHeldCount": {"label": "bitcoin held", "units": {"BTC": [
        _entry(float(held), RIOT_10Q["2025Q3"][0], RIOT_10Q["2025Q3"][1], "2025-09-30")]}}}
    return {"cik": RIOT_CIK, "entityName": "Riot Platforms, Inc.",
            "facts": {"dei": dei, "us-gaap": gaap, "riot": ext}}


def clsk_document() -> dict:
    """CleanSpark's fiscal 2025 revenue: quarters, six and nine months, and the year (see the module doc)."""
    q = CLSK_REVENUE
    rows = [
        (q["2024Q4"], "2024-10-01", "2024-12-31", "0009999999-25-000011", "2025-02-10", "10-Q"),
        (q["2025Q1"], "2025-01-01", "2025-03-31", "0009999999-25-000012", "2025-05-12", "10-Q"),
        (q["2024Q4"] + q["2025Q1"], "2024-10-01", "2025-03-31", "0009999999-25-000012", "2025-05-12", "10-Q"),
        (q["2025Q2"], "2025-04-01", "2025-06-30", "0009999999-25-000013", "2025-08-07", "10-Q"),
        (q["2024Q4"] + q["2025Q1"] + q["2025Q2"], "2024-10-01", "2025-06-30", "0009999999-25-000013",
         "2025-08-07", "10-Q"),
        (sum(q.values()), "2024-10-01", "2025-09-30", "0009999999-25-000014", "2025-11-25", "10-K"),
    ]
    entries = [_entry(v, a, f, e, s, form=form, fp="FY" if form == "10-K" else "Q") for v, s, e, a, f, form in rows]
    return {"cik": CLSK_CIK, "entityName": "CleanSpark, Inc.",
            "facts": {"us-gaap": {"Revenues": {"label": "Revenues", "units": {"USD": entries}}}}}


def path_of(cik: int) -> str:
    return f"/api/xbrl/companyfacts/CIK{cik:010d}.json"


@dataclass
class SecServer:
    """A local server of company-facts documents with ETags, and scripted failures per path."""

    documents: dict[str, bytes]
    script: dict[str, list[tuple[int | str, dict[str, str]]]] = field(default_factory=dict)
    served: list[tuple[str, int]] = field(default_factory=list)  # (path, status) of every answer
    agents: list[str] = field(default_factory=list)
    url: str = ""
    gzip: bool = False  # compress bodies for clients that accept gzip, as data.sec.gov does

    def bodies_sent(self) -> int:
        return sum(1 for _, status in self.served if status == 200)


def _handler(state: SecServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet
            pass

        def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None,
                  length: int | None = None) -> None:
            state.served.append((self.path, status))
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body) if length is None else length))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            state.agents.append(self.headers.get("User-Agent", ""))
            queued = state.script.get(self.path)
            if queued:
                kind, headers = queued.pop(0)
                if kind == "slow":
                    time.sleep(float(headers.get("seconds", "1")))
                    try:
                        self._send(200, state.documents[self.path], {})
                    except OSError:  # the client gave up waiting
                        pass
                    return
                if kind == "truncated":
                    body = state.documents[self.path]
                    self._send(200, body[: len(body) // 2], headers, length=len(body))
                    self.close_connection = True
                    return
                self._send(int(kind), b'{"error": "scripted"}', headers)
                return
            body = state.documents.get(self.path)
            if body is None:
                self._send(404, b'{"error": "not found"}')
                return
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == etag:
                self._send(304, b"", {"ETag": etag})
                return
            headers = {"ETag": etag, "Last-Modified": "Thu, 30 Oct 2025 16:00:00 GMT",
                       "Content-Type": "application/json"}
            if state.gzip and "gzip" in self.headers.get("Accept-Encoding", ""):
                body, headers["Content-Encoding"] = gzip.compress(body), "gzip"
            self._send(200, body, headers)

    return Handler


@contextmanager
def sec_server(documents: dict[int, dict]) -> Iterator[SecServer]:
    """Serve ``{cik: document}`` on 127.0.0.1 (a free port) for the duration of the block."""
    state = SecServer({path_of(cik): json.dumps(doc).encode() for cik, doc in documents.items()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
