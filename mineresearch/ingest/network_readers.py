"""Readers of daily Bitcoin network series in the formats users have.

Each reader returns a DataFrame indexed by UTC calendar date (``DatetimeIndex`` named ``date``,
midnight, no time zone, sorted, unique) with canonical column names in canonical units:

| column | unit |
|---|---|
| ``price_usd`` | USD per BTC |
| ``hashrate_ehs`` | EH/s |
| ``difficulty`` | mean difficulty of the day's blocks |
| ``blocks`` | blocks mined that day |
| ``fees_btc`` | fees paid that day, BTC |
| ``issuance_btc`` | new coins issued that day, BTC |
| ``miners_revenue_usd`` | subsidy plus fees that day, USD |

Empty cells stay NaN. Anything else that cannot be read (a date or number that does not parse, a
negative or infinite value, a repeated date, a missing column) is collected and raised once as a
``DataValidationError`` whose problems name the file, the row (the line number in a CSV, header
= line 1; the point number in a JSON series) and the field.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from mineresearch.exceptions import DataValidationError, Problem

# source field -> (canonical column, multiplier to the canonical unit)
COINMETRICS_FIELDS: dict[str, tuple[str, float]] = {
    "BlkCnt": ("blocks", 1.0),
    "FeeTotNtv": ("fees_btc", 1.0),
    "IssTotNtv": ("issuance_btc", 1.0),
    "HashRate": ("hashrate_ehs", 1e-6),  # Coin Metrics publishes TH/s
    "HashRate_THs": ("hashrate_ehs", 1e-6),
    "PriceUSD": ("price_usd", 1.0),
    "DiffMean": ("difficulty", 1.0),
}
BLOCKCHAIN_COM_CHARTS: dict[str, tuple[str, float]] = {
    "transaction-fees": ("fees_btc", 1.0),
    "market-price": ("price_usd", 1.0),
    "hash-rate": ("hashrate_ehs", 1e-6),  # blockchain.com publishes TH/s
    "difficulty": ("difficulty", 1.0),
    "miners-revenue": ("miners_revenue_usd", 1.0),
}
_BLOCKCHAIN_COM_NAMES = {
    "Transaction Fees": "transaction-fees",
    "Market Price (USD)": "market-price",
    "Total Hash Rate (TH/s)": "hash-rate",
    "Difficulty": "difficulty",
    "Miners Revenue (USD)": "miners-revenue",
}
_MS_EPOCH_FLOOR = 1e11  # epoch values above this are milliseconds (1e11 s is the year 5138)


def read_coinmetrics_csv(path: Path | str) -> pd.DataFrame:
    """Read a Coin Metrics community CSV (``time`` plus any of BlkCnt, FeeTotNtv, IssTotNtv, HashRate, ...).

    Columns other than those in ``COINMETRICS_FIELDS`` are ignored; ``HashRate`` (TH/s) becomes
    ``hashrate_ehs``.
    """
    path = Path(path)
    raw = _read_csv_text(path)
    fields = {name: spec for name, spec in COINMETRICS_FIELDS.items() if name in raw.columns}
    if "time" not in raw.columns or not fields:
        wanted = "'time'" if "time" not in raw.columns else "any of " + ", ".join(COINMETRICS_FIELDS)
        raise DataValidationError([Problem(path.name, None, "time" if "time" not in raw.columns else None,
                                           f"not a Coin Metrics CSV: no column {wanted}")])
    return _to_frame(path.name, raw["time"], {c: raw[c] for c in fields}, fields, row_base=2)


def read_blockchain_com_csv(path: Path | str, chart: str | None = None) -> pd.DataFrame:
    """Read a blockchain.com chart export in CSV form: columns ``x`` (epoch, ms or s) and ``y``.

    Args:
        path: the CSV file.
        chart: the chart's slug (``transaction-fees``, ``market-price``, ``hash-rate``,
            ``difficulty``, ``miners-revenue``); found in the file name when omitted.
    """
    path = Path(path)
    slug = chart or _slug_from_name(path)
    raw = _read_csv_text(path)
    missing = [c for c in ("x", "y") if c not in raw.columns]
    if missing:
        raise DataValidationError([Problem(path.name, None, c, "missing column") for c in missing])
    spec = {"y": BLOCKCHAIN_COM_CHARTS[slug]}
    return _to_frame(path.name, _epoch_to_text(raw["x"]), {"y": raw["y"]}, spec, row_base=2)


def read_blockchain_com_json(path: Path | str, chart: str | None = None) -> pd.DataFrame:
    """Read a blockchain.com chart JSON: the charts API form ``{"name": ..., "values": [{"x", "y"}]}``
    (x in epoch seconds) or the multi-chart form ``{"transaction-fees": [{"x", "y"}], ...}`` (x in ms).

    Args:
        path: the JSON file.
        chart: keep only this chart (slug); in the ``values`` form it names the chart when the
            file's ``name`` is not one this reader knows.
    """
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        raise DataValidationError([Problem(path.name, None, None, f"not readable as JSON: {exc}")]) from exc
    series = _json_series(path, doc, chart)
    frames = [_json_points(path.name, slug, points) for slug, points in series.items()]
    return pd.concat(frames, axis=1, sort=True).rename_axis("date")


def read_date_value_csv(
    path: Path | str,
    column: str,
    *,
    value_field: str | None = None,
    date_field: str = "date",
    scale: float = 1.0,
) -> pd.DataFrame:
    """Read a plain ``date,value`` CSV into one canonical column.

    Args:
        path: the CSV file.
        column: canonical name of the output column (e.g. ``hashrate_ehs``).
        value_field: the file's value column; may be omitted when the file has one besides the date.
        date_field: the file's date column.
        scale: multiplier to the canonical unit (``1e-6`` for a TH/s file read as EH/s).
    """
    path = Path(path)
    raw = _read_csv_text(path)
    others = [c for c in raw.columns if c != date_field]
    field = value_field or (others[0] if len(others) == 1 else None)
    if field is None:
        raise DataValidationError([Problem(path.name, None, None, f"name the value column among {others}")])
    problems = [Problem(path.name, None, c, "missing column") for c in (date_field, field) if c not in raw]
    if problems:
        raise DataValidationError(problems)
    return _to_frame(path.name, raw[date_field], {field: raw[field]}, {field: (column, scale)}, row_base=2)


def _read_csv_text(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, ValueError) as exc:
        raise DataValidationError([Problem(path.name, None, None, f"not readable as CSV: {exc}")]) from exc


def _slug_from_name(path: Path) -> str:
    for slug in sorted(BLOCKCHAIN_COM_CHARTS, key=len, reverse=True):
        if slug in path.stem:
            return slug
    known = ", ".join(BLOCKCHAIN_COM_CHARTS)
    raise DataValidationError([Problem(path.name, None, None, f"cannot tell the chart; pass one of {known}")])


def _json_series(path: Path, doc: object, chart: str | None) -> dict[str, list[object]]:
    if not isinstance(doc, dict):
        raise DataValidationError([Problem(path.name, None, None, "expected a JSON object")])
    if isinstance(doc.get("values"), list):
        slug = chart or _BLOCKCHAIN_COM_NAMES.get(str(doc.get("name")))
        if slug is None:
            slug = _slug_from_name(path)
        series: dict[str, list[object]] = {slug: doc["values"]}
    else:
        series = {k: v for k, v in doc.items() if k in BLOCKCHAIN_COM_CHARTS and isinstance(v, list)}
        if chart is not None:
            series = {k: v for k, v in series.items() if k == chart}
    if not series:
        raise DataValidationError([Problem(path.name, None, chart, "no blockchain.com chart series found")])
    return series


def _json_points(file: str, slug: str, points: list[object]) -> pd.DataFrame:
    rows = pd.DataFrame([p if isinstance(p, dict) else {} for p in points])
    for key in ("x", "y"):
        if key not in rows:
            rows[key] = None
    rows = rows.astype(object).where(rows.notna(), "")
    label = f"{slug}.y"
    spec = {label: BLOCKCHAIN_COM_CHARTS[slug]}
    return _to_frame(file, _epoch_to_text(rows["x"].astype(str)), {label: rows["y"].astype(str)}, spec, row_base=1)


def _epoch_to_text(x: pd.Series) -> pd.Series:
    """Epoch seconds or milliseconds (as text) to ISO dates; unparseable cells stay as they were."""
    number = pd.to_numeric(x, errors="coerce")
    scale = np.where(number > _MS_EPOCH_FLOOR, 1e-3, 1.0)
    seconds = number * scale
    dates = pd.to_datetime(seconds, unit="s", errors="coerce", utc=True)
    return pd.Series(np.where(dates.notna(), dates.dt.strftime("%Y-%m-%dT%H:%M:%SZ"), x), index=x.index)


def _to_frame(
    file: str,
    dates: pd.Series,
    fields: dict[str, pd.Series],
    spec: dict[str, tuple[str, float]],
    row_base: int,
) -> pd.DataFrame:
    """Parse dates and numbers, collect every problem, and return the canonical daily frame."""
    problems: list[Problem] = []
    rows = np.arange(len(dates)) + row_base
    date_name = dates.name if isinstance(dates.name, str) else "date"
    parsed = pd.to_datetime(dates.str.strip(), errors="coerce", utc=True, format="ISO8601")
    for i in np.flatnonzero(parsed.isna().to_numpy()):
        problems.append(Problem(file, int(rows[i]), date_name, f"date {dates.iloc[i]!r} does not parse"))
    day = parsed.dt.tz_convert(None).dt.normalize()
    for i in np.flatnonzero((day.duplicated(keep="first") & day.notna()).to_numpy()):
        problems.append(Problem(file, int(rows[i]), date_name, f"date {day.iloc[i].date()} repeats"))
    out: dict[str, np.ndarray] = {}
    for field, text in fields.items():
        column, scale = spec[field]
        stripped = text.str.strip()
        values = pd.to_numeric(stripped, errors="coerce").to_numpy(dtype=float)
        bad = (np.isnan(values) & (stripped != "").to_numpy()) | np.isinf(values) | (values < 0)
        for i in np.flatnonzero(bad):
            problems.append(Problem(file, int(rows[i]), field, f"value {text.iloc[i]!r} is not a non-negative number"))
        out[column] = values * scale
    if problems:
        raise DataValidationError(problems)
    frame = pd.DataFrame(out, index=pd.DatetimeIndex(day.to_numpy(), name="date"))
    return frame.sort_index()
