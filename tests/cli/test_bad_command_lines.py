"""A corpus of bad command lines: each is an error with a non-zero exit, one message naming the option or value,
no traceback, and an existing reports folder (its report and manifest) left exactly as it was.

Nothing here starts a kernel or a pool: every case must be refused before any work begins (the test makes
starting one fail loudly).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from mineresearch.cli.main import _attach, cli
from mineresearch.dataset import load as dataset
from mineresearch.paths import PACKAGE_DATA_DIR

_attach()

# args (OUT = the reports folder, BAD = a data folder with one bad value, FILE = a plain file), exit code,
# words the output must hold
CASES: dict[str, tuple[list[str], int, str]] = {
    "report-path-ticker": (["report", "../../etc/passwd", "2025Q2"], 1, "not a ticker"),
    "report-shell-ticker": (["report", "CIFR;rm -rf", "2025Q2"], 1, "not a ticker"),
    "report-empty-ticker": (["report", "", "2025Q2"], 1, "not a ticker"),
    "report-unicode-ticker": (["report", "ÇİFR", "2025Q2"], 1, "not a ticker"),
    "report-dots-ticker": (["report", "A..", "2025Q2"], 1, "unknown ticker 'A..'"),
    "report-sector-ticker": (["report", "SECTOR", "2025Q2"], 1, "unknown ticker 'SECTOR'"),
    "report-quarter-9": (["report", "CIFR", "2025Q9"], 1, "period must look like 2025Q2"),
    "report-quarter-word": (["report", "CIFR", "abc"], 1, "period must look like 2025Q2"),
    "report-quarter-not-on-file": (["report", "CIFR", "2030Q1"], 1, "no figures on file for CIFR 2030Q1"),
    "report-param-unknown": (["report", "CIFR", "2025Q2", "-p", "bogus=1"], 1, "bogus: unknown parameter"),
    "report-param-word": (["report", "CIFR", "2025Q2", "-p", "power_price_usd_per_mwh=abc"], 1,
                          "power_price_usd_per_mwh"),
    "report-param-nan": (["report", "CIFR", "2025Q2", "-p", "power_price_usd_per_mwh=NaN"], 1, "finite number"),
    "report-param-negative": (["report", "CIFR", "2025Q2", "-p", "power_price_usd_per_mwh=-5"], 1,
                              "power_price_usd_per_mwh: Input should be greater than 0"),
    "report-shocks-word": (["report", "CIFR", "2025Q2", "-p", "btc_price_shocks_pct=abc"], 1,
                           "btc_price_shocks_pct: expected comma-separated numbers"),
    "report-shocks-empty": (["report", "CIFR", "2025Q2", "-p", "btc_price_shocks_pct=[]"], 1,
                            "give at least one price shock"),
    "report-shocks-too-many": (["report", "CIFR", "2025Q2", "-p",
                                "btc_price_shocks_pct=" + ",".join(str(-(i % 99) - 0.5) for i in range(5000))], 1,
                               "at most 12 price shocks"),
    "report-shock-out-of-range": (["report", "CIFR", "2025Q2", "-p", "btc_price_shocks_pct=-150"], 1,
                                  "outside (-100, 1000)"),
    "report-tariff-negative": (["report", "CIFR", "2025Q2", "-p", "tariff_rate_pct=-5"], 1, "tariff_rate_pct"),
    "report-param-no-equals": (["report", "CIFR", "2025Q2", "-p", "noequals"], 1, "expected NAME=VALUE"),
    "report-param-ticker": (["report", "CIFR", "2025Q2", "-p", "ticker=MARA"], 1, "-p ticker"),
    "report-param-static": (["report", "CIFR", "2025Q2", "-p", "static_charts=false"], 1, "-p static_charts"),
    "report-param-period": (["report", "CIFR", "2025Q2", "-p", "period=2025Q3"], 1, "-p period"),
    "report-param-data-missing": (["report", "CIFR", "2025Q2", "-p", "data_path=/nonexistent/folder"], 1,
                                  "/nonexistent/folder/companies.csv: file not found"),
    "report-param-data-bad": (["report", "CIFR", "2025Q2", "-p", "data_path=BAD"], 1,
                              "facts.csv, row 168, column 'value'"),
    "report-format-unknown": (["report", "CIFR", "2025Q2", "--format", "pdf,docx"], 2, "unknown format(s) docx"),
    "report-format-empty": (["report", "CIFR", "2025Q2", "--format", ""], 2, "give at least one format"),
    "report-output-file": (["report", "CIFR", "2025Q2", "--output", "FILE"], 2, "is a file"),
    "report-output-under-file": (["report", "CIFR", "2025Q2", "--output", "FILE/sub"], 1,
                                 "cannot create the reports folder"),
    "report-data-missing": (["report", "CIFR", "2025Q2", "--data", "/nonexistent/folder"], 2, "does not exist"),
    "report-data-bad": (["report", "CIFR", "2025Q2", "--data", "BAD"], 1, "facts.csv, row 168, column 'value'"),
    "build-quarter-9": (["build", "2025Q9"], 1, "not a quarter: '2025Q9'"),
    "build-quarter-word": (["build", "abc"], 1, "not a quarter: 'abc'"),
    "build-quarter-future": (["build", "2099Q2"], 1, "no figures on file for 2099Q2"),
    "build-quarter-and-all": (["build", "2025Q2", "--all"], 1, "not both"),
    "build-only-unknown": (["build", "2025Q2", "--only", "ZZZZ"], 1, "--only: unknown ticker 'ZZZZ'"),
    "build-only-some-unknown": (["build", "2025Q2", "--only", "CIFR,ZZZZ"], 1, "--only: unknown ticker 'ZZZZ'"),
    "build-only-empty": (["build", "2025Q2", "--only", " , "], 1, "--only names no company"),
    "build-only-other-quarter": (["build", "2025Q2", "--only", "CIFR:2024Q1"], 1, "not being built"),
    "build-only-nothing-on-file": (["build", "2025Q2", "--only", "GRYP"], 1, "nothing to build"),
    "build-jobs-zero": (["build", "2025Q2", "--jobs", "0"], 2, "--jobs"),
    "build-jobs-negative": (["build", "2025Q2", "--jobs", "-1"], 2, "--jobs"),
    "build-jobs-huge": (["build", "2025Q2", "--jobs", "1000"], 2, "--jobs"),
    "build-format-empty": (["build", "2025Q2", "--format", ""], 2, "give at least one format"),
    "build-format-unknown": (["build", "2025Q2", "--format", "docx"], 2, "unknown format(s) docx"),
    "build-data-missing": (["build", "2025Q2", "--data", "/nonexistent/folder"], 2, "does not exist"),
    "build-data-bad": (["build", "2025Q2", "--data", "BAD"], 1, "facts.csv, row 168, column 'value'"),
    "build-output-under-file": (["build", "2025Q2", "--only", "CIFR", "--output", "FILE/sub"], 1,
                                "cannot create the reports folder"),
    "list-data-bad": (["list", "--data", "BAD"], 1, "facts.csv, row 168, column 'value'"),
    "list-data-missing": (["list", "--data", "/nonexistent/folder"], 2, "does not exist"),
    "validate-file": (["data", "validate", "FILE"], 2, "is a file"),
    "validate-missing": (["data", "validate", "/nonexistent/folder"], 1, "companies.csv: file not found"),
    "coverage-quarter-9": (["data", "coverage", "--period", "2025Q9"], 1, "no facts for 2025Q9"),
    "coverage-quarter-word": (["data", "coverage", "--period", "abc"], 1, "no facts for abc"),
    "coverage-data-bad": (["data", "coverage", "--path", "BAD"], 1, "facts.csv, row 168, column 'value'"),
    "unknown-command": (["publish"], 2, "No such command 'publish'"),
}
OUTPUT_COMMANDS = ("report", "build")


@pytest.fixture()
def places(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    monkeypatch.setenv("MINERESEARCH_CACHE", "off")
    dataset._CACHE.clear()
    bad = tmp_path / "bad"
    shutil.copytree(PACKAGE_DATA_DIR, bad)
    lines = (bad / "facts.csv").read_text(encoding="utf-8").split("\n")
    cells = lines[167].split(",")
    cells[6] = "inf"
    lines[167] = ",".join(cells)
    (bad / "facts.csv").write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path / "reports"
    (out / "2025Q2" / "CIFR").mkdir(parents=True)
    (out / "2025Q2" / "CIFR" / "CIFR-2025Q2.html").write_text("<p>the previous good report</p>")
    (out / "manifest.json").write_text(json.dumps({"version": 1, "reports": {"CIFR-2025Q2": {"status": "ok"}}}))
    file = tmp_path / "a-file"
    file.write_text("not a folder")

    def no_work(*_a: object, **_k: object) -> None:
        raise AssertionError("work was started for a refused command line")

    monkeypatch.setattr("mineresearch.run.runner._execute", no_work)
    monkeypatch.setattr("mineresearch.run.pool.run_pool", no_work)
    return {"OUT": out, "BAD": bad, "FILE": file}


def _snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file but the folder's lock (taking the lock may create it)."""
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*")
            if p.is_file() and p.name != ".mineresearch.lock"}


def _args(args: list[str], places: dict[str, Path]) -> list[str]:
    out = []
    for arg in args:
        for name, path in places.items():
            if arg == name or arg.startswith(name + "/") or arg.endswith("=" + name):
                arg = arg.replace(name, str(path), 1)
        out.append(arg)
    if out and out[0] in OUTPUT_COMMANDS and "--output" not in out:
        out += ["--output", str(places["OUT"])]
    return out


def test_corpus_is_large() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_command_line(case: str, places: dict[str, Path]) -> None:
    args, code, words = CASES[case]
    before = _snapshot(places["OUT"])
    result = CliRunner().invoke(cli, _args(args, places))
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert words in result.output, result.output
    errors = [line for line in result.output.splitlines()
              if line.startswith(("error:", "Error:")) or " problem(s) in " in line]
    assert len(errors) == 1, result.output  # one error line (a data error lists its problems below it)
    assert _snapshot(places["OUT"]) == before
    assert not [p for p in places["OUT"].rglob(".*") if p.name != ".mineresearch.lock"]


def test_read_only_output_is_one_line(places: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = os.open

    def read_only(path: str, flags: int, mode: int = 0o777) -> int:
        if str(path).endswith(".mineresearch.lock"):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, mode)

    monkeypatch.setattr("mineresearch.run.output_lock.os.open", read_only)
    before = _snapshot(places["OUT"])
    result = CliRunner().invoke(cli, ["build", "2025Q2", "--only", "CIFR", "--output", str(places["OUT"])])
    assert result.exit_code == 1
    assert "error: cannot write to the reports folder" in result.output and "Read-only file system" in result.output
    assert "Traceback" not in result.output
    assert _snapshot(places["OUT"]) == before


def test_debug_shows_the_traceback(places: dict[str, Path]) -> None:
    result = CliRunner().invoke(cli, ["--debug", "list", "--data", str(places["BAD"])])
    assert result.exit_code == 1
    assert type(result.exception).__name__ == "DataValidationError"  # raised, so the traceback is printed
    os.environ.pop("MINERESEARCH_DEBUG", None)
