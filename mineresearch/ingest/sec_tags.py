"""The XBRL tag -> metric table (``data/sec_tags.csv``): which company-facts concepts feed which metric.

One row per mapping, columns ``metric, taxonomy, tag, units, priority, sign, line_item, ticker`` and an
optional ``source``:

- ``taxonomy``: ``us-gaap``, ``ifrs-full``, ``dei``, or a company's own prefix (``riot``, ``clsk``...);
- ``units``: the company-facts unit keys read, ``|``-separated (``USD``, ``USD/shares``, ``shares``...);
- ``priority``: fallbacks of one metric, lowest first; for each quarter the first tag with a value wins;
- ``sign``: ``1``, or ``-1`` where the tag's sign is the opposite of the vocabulary's (an expense tag
  feeding a gains metric);
- ``line_item``: empty for a metric's total; set for tags printed as separate lines (summed only when no
  total is on file for the quarter);
- ``ticker``: empty for a standard tag; a ticker for a company extension tag used by that company only;
- ``source`` (optional): the address of a filing where the tag was seen with that unit and meaning, pinned
  to a commit for a copy in a repository; set on company rows, empty on standard ones. Evidence only: the
  mapping never reads it.

Adding a mapping is adding a row; nothing here is specific to a company.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from mineresearch.dataset.vocabulary import METRICS
from mineresearch.paths import PACKAGE_DATA_DIR

TAGS_FILE = PACKAGE_DATA_DIR / "sec_tags.csv"
TAG_COLUMNS: list[str] = ["metric", "taxonomy", "tag", "units", "priority", "sign", "line_item", "ticker"]
OPTIONAL_COLUMNS: list[str] = ["source"]


@dataclass(frozen=True)
class TagRow:
    """One mapping of the table."""

    metric: str
    taxonomy: str
    tag: str
    units: tuple[str, ...]
    priority: int
    sign: float
    line_item: str
    ticker: str
    source: str = ""

    @property
    def name(self) -> str:
        """``taxonomy:tag``, as logged and documented."""
        return f"{self.taxonomy}:{self.tag}"


def load_tags(path: Path | None = None) -> list[TagRow]:
    """The rows of a tag table (default: the packaged ``sec_tags.csv``), sorted by metric and priority.

    Raises:
        ValueError: a column is missing, a metric is not in the vocabulary, a sign is not 1 or -1, or a
            ``source`` is not an http(s) address.
    """
    frame = pd.read_csv(path or TAGS_FILE, dtype=str, keep_default_na=False)
    missing = [c for c in TAG_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path or TAGS_FILE}: missing columns {missing}")
    for column in OPTIONAL_COLUMNS:
        frame[column] = frame[column].fillna("") if column in frame.columns else ""
    rows = []
    for record in frame.to_dict("records"):
        if record["metric"] not in METRICS:
            raise ValueError(f"sec tag table: unknown metric {record['metric']!r}")
        if record["sign"] not in ("1", "-1"):
            raise ValueError(f"sec tag table: sign must be 1 or -1 for {record['tag']}")
        if record["source"] and not record["source"].startswith(("https://", "http://")):
            raise ValueError(f"sec tag table: source of {record['tag']} is not an address: {record['source']!r}")
        rows.append(TagRow(record["metric"], record["taxonomy"], record["tag"],
                           tuple(u for u in record["units"].split("|") if u), int(record["priority"]),
                           float(record["sign"]), record["line_item"], record["ticker"], record["source"]))
    return sorted(rows, key=lambda r: (r.metric, r.priority, r.line_item, r.name))


def rows_for(ticker: str, rows: Iterable[TagRow]) -> list[TagRow]:
    """The standard rows and the company's own rows, in table order."""
    return [row for row in rows if row.ticker in ("", ticker)]
