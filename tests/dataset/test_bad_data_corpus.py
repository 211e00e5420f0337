"""A corpus of malformed data folders: each is refused by every reader, in one message naming the place.

Every case copies a small valid folder, spoils it in one way and checks that:
- ``mineresearch data validate`` exits 1 and names the file, row and column (or the file alone);
- ``mineresearch report`` refuses the same folder with the same problems, before any kernel starts, prints no
  traceback and leaves an existing reports folder (its report and manifest) untouched;
- the quick catalog refuses a file exactly when the validator cannot read it, with the same problems.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from mineresearch.cli.main import _attach, cli
from mineresearch.dataset import bounds, catalog, csvfile
from mineresearch.dataset import load as dataset
from mineresearch.dataset.validate import validate_folder
from mineresearch.exceptions import DataValidationError
from mineresearch.paths import PACKAGE_DATA_DIR

_attach()
GOOD = Path(__file__).parents[1] / "fixtures" / "data" / "good"
TODAY = date(2026, 12, 6)
C, F, N = "companies.csv", "facts.csv", "network_quarterly.csv"
Spoil = Callable[[Path], None]


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _write_rows(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def cell(file: str, line: int, column: str, value: str) -> Spoil:
    def spoil(folder: Path) -> None:
        rows = _rows(folder / file)
        rows[line - 1][rows[0].index(column)] = value
        _write_rows(folder / file, rows)
    return spoil


def append(file: str, text: str) -> Spoil:
    def spoil(folder: Path) -> None:
        with (folder / file).open("a", encoding="utf-8") as fh:
            fh.write(text + "\n")
    return spoil


def drop_column(file: str, column: str) -> Spoil:
    def spoil(folder: Path) -> None:
        rows = _rows(folder / file)
        at = rows[0].index(column)
        _write_rows(folder / file, [r[:at] + r[at + 1:] for r in rows])
    return spoil


def add_column(file: str, column: str) -> Spoil:
    def spoil(folder: Path) -> None:
        rows = _rows(folder / file)
        _write_rows(folder / file, [rows[0] + [column]] + [r + ["x"] for r in rows[1:]])
    return spoil


def rename_column(file: str, old: str, new: str) -> Spoil:
    def spoil(folder: Path) -> None:
        rows = _rows(folder / file)
        rows[0][rows[0].index(old)] = new
        _write_rows(folder / file, rows)
    return spoil


def raw(file: str, change: Callable[[bytes], bytes]) -> Spoil:
    def spoil(folder: Path) -> None:
        (folder / file).write_bytes(change((folder / file).read_bytes()))
    return spoil


def on_line(line: int, change: Callable[[bytes], bytes]) -> Callable[[bytes], bytes]:
    def apply(data: bytes) -> bytes:
        lines = data.split(b"\n")
        lines[line - 1] = change(lines[line - 1])
        return b"\n".join(lines)
    return apply


def replace_with(file: str, make: Callable[[Path], None]) -> Spoil:
    def spoil(folder: Path) -> None:
        (folder / file).unlink()
        make(folder / file)
    return spoil


def _loop(path: Path) -> None:
    os.symlink(path.name, path)


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _network_header() -> str:
    return (PACKAGE_DATA_DIR / N).read_text(encoding="utf-8").splitlines()[0]


AAA_Q2 = "AAA,2025Q2,,2025-06-30,{metric},,{value},{unit},https://example.com/aaa-x,primary,False,1.0"

# id -> (spoil, file, row, column, words the message must hold). Facts line 6: AAA 2025Q2 revenue_total;
# line 7: AAA 2025Q2 net_income; line 10: AAA btc_produced; line 17: BBB (fiscal year to 30 September).
CASES: dict[str, tuple[Spoil, str, int | None, str | None, str]] = {
    "value-word": (cell(F, 6, "value", "abc"), F, 6, "value", "not a number"),
    "value-empty": (cell(F, 6, "value", ""), F, 6, "value", "not a number"),
    "value-nan": (cell(F, 6, "value", "NaN"), F, 6, "value", "not a number"),
    "value-inf": (cell(F, 6, "value", "inf"), F, 6, "value", "not a finite one"),
    "value-minus-inf": (cell(F, 7, "value", "-inf"), F, 7, "value", "not a finite one"),
    "value-overflow": (cell(F, 6, "value", "1e400"), F, 6, "value", "not a finite one"),
    "value-1e300": (cell(F, 6, "value", "1e300"), F, 6, "value", "implausible revenue_total"),
    "value-minus-1e300": (cell(F, 7, "value", "-1e300"), F, 7, "value", "implausible net_income"),
    "value-hex": (cell(F, 6, "value", "0x1A"), F, 6, "value", "not a number"),
    "value-thousands-comma": (cell(F, 6, "value", "1,000"), F, 6, "value", "not a number"),
    "btc-negative": (cell(F, 10, "value", "-500"), F, 10, "value", "negative value"),
    "btc-beyond-supply": (cell(F, 10, "value", "3e7"), F, 10, "value", "implausible btc_produced"),
    "shares-zero": (append(F, AAA_Q2.format(metric="shares_outstanding", value="0", unit="shares")),
                    F, 22, "value", "implausible shares_outstanding"),
    "shares-huge": (append(F, AAA_Q2.format(metric="shares_outstanding", value="1e13", unit="shares")),
                    F, 22, "value", "implausible shares_outstanding"),
    "eps-huge": (append(F, AAA_Q2.format(metric="eps_diluted", value="1e9", unit="USD/share")),
                 F, 22, "value", "implausible eps_diluted"),
    "hashrate-zero": (append(F, AAA_Q2.format(metric="hashrate_operating_ehs", value="0", unit="EH/s")),
                      F, 22, "value", "implausible hashrate_operating_ehs"),
    "power-price-zero": (append(F, AAA_Q2.format(metric="power_cost_usd_mwh", value="0", unit="USD/MWh")),
                         F, 22, "value", "implausible power_cost_usd_mwh"),
    "ticker-unknown": (cell(F, 6, "ticker", "ZZZZ"), F, 6, "ticker", "unknown ticker"),
    "ticker-padded": (cell(F, 6, "ticker", " AAA"), F, 6, "ticker", "unknown ticker"),
    "metric-unknown": (cell(F, 6, "metric", "revenue_bogus"), F, 6, "metric", "unknown metric"),
    "unit-thousands": (cell(F, 6, "unit", "USD thousands"), F, 6, "unit", "canonical unit"),
    "period-q5": (cell(F, 6, "period", "2025Q5"), F, 6, "period", "period must be YYYYQn"),
    "period-short": (cell(F, 6, "period", "25Q2"), F, 6, "period", "period must be YYYYQn"),
    "period-2099": (append(F, "AAA,2099Q2,,2099-06-30,btc_produced,,509,BTC,https://example.com/f,primary,False,1.0"),
                    F, 22, "period", "after the day the data is read (2026-12-06)"),
    "period-not-ended": (append(F, "AAA,2026Q4,,2026-12-31,btc_produced,,9,BTC,https://example.com/f,primary,False,1.0"),
                         F, 22, "period", "ends on 2026-12-31"),
    "period-end-wrong-day": (cell(F, 6, "period_end", "2025-05-31"), F, 6, "period_end", "not the last day"),
    "period-end-impossible": (cell(F, 6, "period_end", "2025-02-30"), F, 6, "period_end", "not the last day"),
    "period-end-words": (cell(F, 6, "period_end", "June 30"), F, 6, "period_end", "YYYY-MM-DD"),
    "fiscal-label-far": (cell(F, 6, "fiscal_period", "FY2031Q4"), F, 6, "fiscal_period", "expected FY2025Q2"),
    "fiscal-label-off-by-one": (cell(F, 17, "fiscal_period", "FY2025Q2"), F, 17, "fiscal_period",
                                "expected FY2025Q3"),
    "fiscal-label-form": (cell(F, 17, "fiscal_period", "Q3"), F, 17, "fiscal_period", "FYyyyyQn"),
    "url-javascript": (cell(F, 6, "source_url", "javascript:alert(1)"), F, 6, "source_url", "not an address"),
    "url-markup": (cell(F, 6, "source_url", 'https://x.example/"><script>'), F, 6, "source_url", "not an address"),
    "url-empty": (cell(F, 6, "source_url", ""), F, 6, "source_url", "not an address"),
    "source-type": (cell(F, 6, "source_type", "bogus"), F, 6, "source_type", "primary, secondary or low"),
    "restated-yes": (cell(F, 6, "restated", "yes"), F, 6, "restated", "True or False"),
    "precision-zero": (cell(F, 6, "precision", "0"), F, 6, "precision", "positive number"),
    "precision-word": (cell(F, 6, "precision", "abc"), F, 6, "precision", "positive number"),
    "duplicate-fact": (raw(F, lambda b: b + b.split(b"\n")[5] + b"\n"), F, 22, "source_url", "duplicate fact"),
    "column-missing": (drop_column(F, "unit"), F, 1, "unit", "column missing from the header"),
    "column-extra": (add_column(F, "extra"), F, 1, "extra", "unexpected column"),
    "column-twice": (rename_column(F, "line_item", "metric"), F, 1, "metric", "more than once"),
    "facts-empty": (raw(F, lambda b: b""), F, None, None, "file is empty"),
    "facts-blank": (raw(F, lambda b: b"\n \n"), F, None, None, "file is empty"),
    "facts-header-only": (raw(F, lambda b: b.split(b"\n")[0] + b"\n"), F, None, None, "no facts"),
    "facts-missing": (lambda d: (d / F).unlink(), F, None, None, "file not found"),
    "facts-folder": (replace_with(F, lambda p: p.mkdir()), F, None, None, "is a folder"),
    "facts-symlink-loop": (replace_with(F, _loop), F, None, None, "cannot be read"),
    "facts-fifo": (replace_with(F, _fifo), F, None, None, "not a regular file"),
    "facts-binary": (raw(F, lambda b: bytes(range(256)) * 16), F, 1, None, "binary data"),
    "facts-not-utf8": (raw(F, on_line(6, lambda s: s.replace(b"AAA", b"\xff\xfe\x80"))), F, 6, None,
                       "not UTF-8"),
    "facts-unbalanced-quote": (raw(F, on_line(6, lambda s: s.replace(b",https", b',"https'))), F, 6, None,
                               "unbalanced quote"),
    "facts-extra-cell": (raw(F, on_line(6, lambda s: s + b",x")), F, 6, None, "cells where the header has"),
    "companies-latin1": (raw(C, on_line(2, lambda s: s.replace(b"Miner", b"Min\xe9r"))), C, 2, None, "not UTF-8"),
    "companies-huge-cell": (cell(C, 2, "notes", "x" * 50_000), C, 2, "notes", "cell of 50,000 characters"),
    "companies-duplicate-ticker": (cell(C, 3, "ticker", "AAA"), C, 3, "ticker", "more than once"),
    "companies-fiscal-year-end": (cell(C, 2, "fiscal_year_end", "02-30"), C, 2, "fiscal_year_end", "quarter end"),
    "companies-empty-name": (cell(C, 2, "name", ""), C, 2, "name", "name is empty"),
    "companies-cik-letters": (cell(C, 2, "cik", "12ab"), C, 2, "cik", "CIK must be digits"),
    "companies-cik-no-source": (cell(C, 2, "cik", "1234"), C, 2, "cik_source", "a CIK needs a cik_source"),
    "companies-lowercase-ticker": (cell(C, 4, "ticker", "ccc"), C, 4, "ticker", "capitals"),
    "companies-missing": (lambda d: (d / C).unlink(), C, None, None, "file not found"),
    "companies-empty": (raw(C, lambda b: b""), C, None, None, "file is empty"),
    "companies-no-name-column": (drop_column(C, "name"), C, 1, "name", "column missing from the header"),
    "network-no-period": (rename_column(N, "period", "quarter"), N, 1, "period", "column missing from the header"),
    "network-empty": (raw(N, lambda b: b""), N, None, None, "file is empty"),
    "network-not-utf8": (raw(N, on_line(3, lambda s: s + b"\xff")), N, 3, None, "not UTF-8"),
    "network-binary": (raw(N, lambda b: b"\x00" * 64), N, 1, None, "binary data"),
    "network-price-word": (cell(N, 3, "price_avg_usd", "lots"), N, 3, "price_avg_usd", "not a number"),
    "network-price-zero": (cell(N, 3, "price_avg_usd", "0"), N, 3, "price_avg_usd", "implausible price_avg_usd"),
    "network-price-inf": (cell(N, 3, "price_end_usd", "inf"), N, 3, "price_end_usd", "finite"),
    "network-hashrate-negative": (cell(N, 3, "hashrate_avg_ehs", "-900"), N, 3, "hashrate_avg_ehs", "above 0"),
    "network-hashprice-zero": (cell(N, 3, "hashprice_usd_per_ph_day", "0"), N, 3, "hashprice_usd_per_ph_day",
                               "implausible"),
    "network-fee-share": (cell(N, 3, "fee_share", "1.5"), N, 3, "fee_share", "at most 1"),
    "network-duplicate-period": (cell(N, 4, "period", "2025Q2"), N, 4, "period", "more than once"),
    "network-bad-start": (cell(N, 2, "start", "not-a-date"), N, 2, "start", "first day, 2025-01-01"),
    "network-days": (cell(N, 2, "days", "12"), N, 2, "days", "implausible days"),
    "network-period-form": (cell(N, 2, "period", "2025-Q1"), N, 2, "period", "quarter label"),
    "network-future": (append(N, "2099Q2,2099-04-01,2099-06-30,91" + "," * 11), N, 5, "period", "has not begun"),
    "network-extra-column": (add_column(N, "extra"), N, 1, "extra", "unexpected column"),
}


@pytest.fixture()
def today(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr(bounds, "today", lambda: TODAY)
    monkeypatch.setenv("MINERESEARCH_CACHE", "off")
    dataset._CACHE.clear()
    catalog._CACHE.clear()
    return TODAY


def _good_folder(folder: Path) -> Path:
    shutil.copytree(GOOD, folder)
    lines = (PACKAGE_DATA_DIR / N).read_text(encoding="utf-8").splitlines()
    keep = [line for line in lines[1:] if line.split(",")[0] in ("2025Q1", "2025Q2", "2025Q3")]
    (folder / N).write_text("\n".join([_network_header(), *keep]) + "\n", encoding="utf-8")
    return folder


def _snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}


@pytest.fixture()
def reports(tmp_path: Path) -> Path:
    root = tmp_path / "reports"
    (root / "2025Q2" / "AAA").mkdir(parents=True)
    (root / "2025Q2" / "AAA" / "AAA-2025Q2.html").write_text("<p>the previous good report</p>")
    (root / "manifest.json").write_text('{"version": 1, "reports": {}}')
    return root


def test_the_base_folder_is_valid(tmp_path: Path, today: date) -> None:
    tables = validate_folder(_good_folder(tmp_path / "data"))
    assert len(tables.network) == 3 and len(tables.facts) == 20


def test_corpus_is_large() -> None:
    assert len(CASES) >= 60


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_folder_is_refused_everywhere(case: str, tmp_path: Path, today: date, reports: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    spoil, file, row, column, words = CASES[case]
    folder = _good_folder(tmp_path / "data")
    spoil(folder)
    before = _snapshot(reports)

    validated = CliRunner().invoke(cli, ["data", "validate", str(folder)])
    assert validated.exit_code == 1, validated.output
    assert validated.exception is None or isinstance(validated.exception, SystemExit)
    assert "Traceback" not in validated.output
    where = str(folder / file) + (f", row {row}" if row else "") + (f", column {column!r}" if column else "")
    lines = [line.strip()[2:] for line in validated.output.splitlines() if line.strip().startswith("- ")]
    assert any(line.startswith(where + ":") and words in line for line in lines), validated.output

    def no_kernel(*_a: object, **_k: object) -> None:
        raise AssertionError("a kernel was started on refused data")

    monkeypatch.setattr("mineresearch.run.runner._execute", no_kernel)
    report = CliRunner().invoke(cli, ["report", "AAA", "2025Q2", "--data", str(folder), "--format", "html",
                                      "--output", str(reports)])
    assert report.exit_code == 1, report.output
    assert report.exception is None or isinstance(report.exception, SystemExit)
    assert "Traceback" not in report.output
    assert all(line in report.output for line in lines)  # the same problems, in the same words
    assert _snapshot(reports) == before

    try:
        catalog.read_catalog(folder)
    except DataValidationError as exc:
        assert {str(p) for p in exc.problems} <= set(lines)  # the catalog refuses with the validator's words
    else:
        unreadable = [line for line in lines if line.startswith((str(folder / C), str(folder / F)))
                      and (", column " not in line or "header" in line or "cell of" in line)]
        assert not unreadable, f"the catalog read a file the validator could not: {unreadable}"


def test_companies_missing_is_said_once(tmp_path: Path, today: date) -> None:
    folder = _good_folder(tmp_path / "data")
    (folder / C).unlink()
    with pytest.raises(DataValidationError) as info:
        validate_folder(folder)
    assert [p.message for p in info.value.problems] == ["file not found"]


@pytest.mark.parametrize("change", ["bom", "crlf", "padded-value", "no-network"])
def test_harmless_variants_are_accepted_by_every_reader(change: str, tmp_path: Path, today: date) -> None:
    folder = _good_folder(tmp_path / "data")
    for name in (C, F, N):
        data = (folder / name).read_bytes()
        if change == "bom":
            data = b"\xef\xbb\xbf" + data
        elif change == "crlf":
            data = data.replace(b"\n", b"\r\n")
        (folder / name).write_bytes(data)
    if change == "padded-value":
        cell(F, 6, "value", " 120000000 ")(folder)
    if change == "no-network":
        (folder / N).unlink()
    tables = validate_folder(folder)
    cat = catalog.read_catalog(folder)
    assert sorted(cat.names) == sorted(tables.companies.index) == ["AAA", "BBB", "CCC"]
    assert cat.periods["AAA"] == ("2025Q1", "2025Q2")


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path, today: date, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _good_folder(tmp_path / "data")
    monkeypatch.setattr(csvfile, "MAX_FILE_BYTES", 1000)
    with pytest.raises(DataValidationError, match="facts.csv: file is too large"):
        validate_folder(folder)
    with pytest.raises(DataValidationError, match="file is too large"):
        catalog.read_catalog(folder)


def test_the_shipped_data_is_within_every_bound() -> None:
    tables = validate_folder(PACKAGE_DATA_DIR)
    assert len(tables.facts) >= 966


def test_the_catalog_requires_the_schemas_columns() -> None:
    from mineresearch.dataset import schemas

    for name, schema in ((C, schemas.companies_schema()), (F, schemas.facts_schema(()))):
        required = {n for n, col in schema.columns.items() if col.required}
        assert set(csvfile.REQUIRED_COLUMNS[name]) == required
