"""Assemble a complete dataset folder from the shipped data and the SEC company facts.

The folder written by ``mineresearch data sec --into DIR`` holds what ``report --data DIR`` reads:

- ``companies.csv``, ``network_quarterly.csv``, ``network_sources.csv``: the shipped files, as they are;
- ``facts.csv``: the curated facts and the SEC facts (``ingest/xbrl.py``). A curated figure that agrees
  with the SEC figure of the same company, quarter, metric and line within the curated figure's
  rounding is moved to ``curated_confirmed.csv``, so the exact filed value is the one used; curated
  figures that disagree stay and the selection rule (``selection.py``) decides, listing the conflict;
- ``sec_superseded.csv``: SEC values a later filing restated (never used), with ``superseded_by``;
- ``sec_manifest.json``: where and when the facts were fetched, per company the CIK and counts.

Everything is written into a temporary folder beside the target, validated like any data folder, and
only then moved into place, so a failure never leaves a half-written dataset.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from mineresearch.dataset import select as selection
from mineresearch.dataset.validate import read_text_csv, validate_folder
from mineresearch.exceptions import DataValidationError
from mineresearch.ingest.sec_client import SecClient, SecFetchError
from mineresearch.ingest.sec_tags import TagRow, rows_for
from mineresearch.ingest.xbrl import SEC_FACT_COLUMNS, SecFacts, convert
from mineresearch.paths import PACKAGE_DATA_DIR

MANIFEST_FILE = "sec_manifest.json"
SUPERSEDED_FILE = "sec_superseded.csv"
CONFIRMED_FILE = "curated_confirmed.csv"
COPIED_FILES = ("companies.csv", "network_quarterly.csv", "network_sources.csv")
_KEY = ["ticker", "period", "metric", "line_item"]
_MINER_WORDS = re.compile(r"bitcoin|btc|crypto|digitalasset|mined|mining|pledged|collateral", re.I)


class DatasetError(Exception):
    """The dataset folder could not be written; the message says why."""


@dataclass(frozen=True)
class CompanyFacts:
    """One company's SEC facts and the extension tags that look relevant but are not mapped."""

    ticker: str
    cik: int
    facts: SecFacts
    unmapped: tuple[str, ...]


def companyfacts_path(cik: int) -> str:
    """``api/xbrl/companyfacts/CIK##########.json`` for a CIK."""
    return f"api/xbrl/companyfacts/CIK{int(cik):010d}.json"


def ciks(companies: pd.DataFrame, tickers: Iterable[str] = ()) -> dict[str, int]:
    """Ticker -> CIK for the requested tickers (default: every company with a CIK).

    Raises:
        DatasetError: a requested ticker is unknown or has no CIK.
    """
    known = {row.ticker: row.cik for row in companies.itertuples()}
    wanted = [t.upper() for t in tickers] or [t for t, c in known.items() if c]
    out: dict[str, int] = {}
    for ticker in wanted:
        if ticker not in known:
            raise DatasetError(f"unknown ticker {ticker}; known: {', '.join(known)}")
        if not known[ticker]:
            raise DatasetError(f"{ticker} has no CIK in companies.csv")
        out[ticker] = int(known[ticker])
    return out


def fetch_company(client: SecClient, ticker: str, cik: int, tags: list[TagRow], fy_end: int) -> CompanyFacts:
    """Fetch and convert one company's company facts.

    Raises:
        SecFetchError: naming the company, when the document cannot be fetched or is not company facts.
    """
    label = f"{ticker} (CIK {cik})"
    document = client.get_json(companyfacts_path(cik), label)
    try:
        facts = convert(document, ticker, tags, fy_end)
    except ValueError as exc:
        raise SecFetchError(f"{label}: {exc}") from None
    return CompanyFacts(ticker, cik, facts, unmapped_extension_tags(document, ticker, tags))


def unmapped_extension_tags(document: dict, ticker: str, tags: list[TagRow]) -> tuple[str, ...]:
    """Company extension concepts whose names speak of bitcoin, mining or pledges and have no table row."""
    mapped = {row.name for row in rows_for(ticker, tags)}
    standard = {"us-gaap", "ifrs-full", "dei", "srt", "invest"}
    facts = document.get("facts", {})
    return tuple(sorted(f"{ns}:{tag}" for ns, concepts in facts.items() if ns not in standard
                        for tag in concepts if _MINER_WORDS.search(tag) and f"{ns}:{tag}" not in mapped))


def merge(curated: pd.DataFrame, sec: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(facts, confirmed): curated rows that agree with an SEC row of their key within rounding move out.

    ``curated`` is read as text (``validate.read_text_csv``); ``sec`` has ``SEC_FACT_COLUMNS``.
    """
    sec_values = sec.set_index(_KEY)[["value", "precision"]]
    sec_values = sec_values[~sec_values.index.duplicated()]
    keys = list(curated[_KEY].itertuples(index=False, name=None))
    agrees = [
        key in sec_values.index and selection.agree(float(value), float(sec_values.loc[key, "value"]),
                                                    float(step), float(sec_values.loc[key, "precision"]))
        for key, value, step in zip(keys, curated["value"], curated["precision"], strict=True)
    ]
    mask = pd.Series(agrees, index=curated.index, dtype=bool)
    facts = pd.concat([curated[~mask], sec.astype(str).replace({"nan": ""})], ignore_index=True)
    facts = facts.reindex(columns=SEC_FACT_COLUMNS).fillna("")
    facts = facts.sort_values(["ticker", "period", "metric", "line_item", "source_type", "source_url"], kind="stable")
    return facts.reset_index(drop=True), curated[mask].reset_index(drop=True)


def write_dataset(target: Path, results: list[CompanyFacts], base_url: str, source: Path = PACKAGE_DATA_DIR) -> Path:
    """Write the dataset folder (see the module doc) atomically; returns the target.

    Raises:
        DatasetError: the target exists and was not written by this command, or the result does not validate.
    """
    target = Path(target).resolve()
    if target.exists() and not (target / MANIFEST_FILE).is_file() and any(target.iterdir()):
        raise DatasetError(f"{target} exists and is not a dataset folder written by 'mineresearch data sec'; "
                           "choose another --into")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp makes it private; the dataset is an ordinary folder
    try:
        _fill(staging, results, base_url, source)
        try:
            validate_folder(staging)
        except DataValidationError as exc:
            raise DatasetError(f"the assembled dataset does not validate: {exc.problems[0]} "
                               f"({len(exc.problems)} problem(s))") from None
        _install(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _fill(folder: Path, results: list[CompanyFacts], base_url: str, source: Path) -> None:
    for name in COPIED_FILES:
        if (source / name).is_file():
            shutil.copy2(source / name, folder / name)
    sec = pd.concat([r.facts.facts for r in results], ignore_index=True) if results else \
        pd.DataFrame(columns=SEC_FACT_COLUMNS)
    facts, confirmed = merge(read_text_csv(source / "facts.csv"), sec)
    facts.to_csv(folder / "facts.csv", index=False, lineterminator="\n")
    confirmed.to_csv(folder / CONFIRMED_FILE, index=False, lineterminator="\n")
    superseded = [r.facts.superseded for r in results if not r.facts.superseded.empty]
    if superseded:
        pd.concat(superseded, ignore_index=True).to_csv(folder / SUPERSEDED_FILE, index=False, lineterminator="\n")
    manifest = {
        "base_url": base_url,
        "written_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "companies": {r.ticker: {"cik": r.cik, "facts": len(r.facts.facts),
                                 "derived": int((r.facts.facts["derived_from"] != "").sum()),
                                 "superseded": len(r.facts.superseded)} for r in results},
        "curated_confirmed": len(confirmed),
    }
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def _install(staging: Path, target: Path) -> None:
    """Move the staged folder into place; the previous one is removed only once the new one is there."""
    if not target.exists():
        os.replace(staging, target)
        return
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    os.replace(target, old)
    try:
        os.replace(staging, target)
    except OSError:
        os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)
