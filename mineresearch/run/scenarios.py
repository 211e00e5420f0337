"""Scenario grids for ``mineresearch build --scenarios FILE.yaml``.

A scenario is a company report with non-default parameters; it is written beside the published note,
never over it (:attr:`mineresearch.run.jobs.ReportJob.scenario`). The file lists scenarios, a grid of them, or
both::

    scenarios:
      - name: expensive-power          # optional; default: a slug of the parameters
        tickers: [CIFR, MARA]          # optional; default: every company of the quarter
        params: {power_price_usd_per_mwh: 120}
    grid:                              # every combination of the values
      tickers: [CIFR]
      params:
        power_price_usd_per_mwh: [60, 90]
        pool_fee_pct: [1.0, 3.0]
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mineresearch.exceptions import ParameterError

_RESERVED = {"ticker", "period", "data_path", "static_charts"}


@dataclass(frozen=True)
class Scenario:
    """Parameters to apply to some companies (``tickers`` empty: all of the quarter)."""

    params: dict[str, Any]
    name: str = ""
    tickers: tuple[str, ...] = ()


def _check(params: Any, where: str) -> dict[str, Any]:
    from mineresearch.report.params import ReportParams, parse_params

    if not isinstance(params, dict) or not params:
        raise ParameterError(f"{where}: 'params' must be a mapping of parameter names to values")
    reserved = sorted(_RESERVED & set(params))
    if reserved:
        raise ParameterError(f"{where}: {', '.join(reserved)} cannot be set by a scenario")
    parse_params(ReportParams, dict(params))  # names and values checked before anything runs
    return dict(params)


def _tickers(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise ParameterError(f"{where}: 'tickers' must be a list")
    return tuple(str(t).strip().upper() for t in value)


def parse_scenarios(doc: Any) -> list[Scenario]:
    """The scenarios of a parsed YAML document (see the module's docstring); ``ParameterError`` when malformed."""
    if not isinstance(doc, dict) or not ({"scenarios", "grid"} & set(doc)):
        raise ParameterError("a scenarios file needs a 'scenarios' list or a 'grid' mapping")
    unknown = sorted(set(doc) - {"scenarios", "grid"})
    if unknown:
        raise ParameterError(f"unknown key(s) in the scenarios file: {', '.join(unknown)}")
    out: list[Scenario] = []
    for i, item in enumerate(doc.get("scenarios") or [], start=1):
        where = f"scenario {i}"
        if not isinstance(item, dict):
            raise ParameterError(f"{where}: expected a mapping with 'params'")
        out.append(Scenario(_check(item.get("params"), where), str(item.get("name") or ""),
                            _tickers(item.get("tickers"), where)))
    grid = doc.get("grid")
    if grid:
        if not isinstance(grid, dict) or not isinstance(grid.get("params"), dict) or not grid["params"]:
            raise ParameterError("grid: expected a mapping with 'params' (each a list of values)")
        names = list(grid["params"])
        values = [v if isinstance(v, list) else [v] for v in grid["params"].values()]
        tickers = _tickers(grid.get("tickers"), "grid")
        for combo in itertools.product(*values):
            out.append(Scenario(_check(dict(zip(names, combo, strict=True)), "grid"), "", tickers))
    return out


def load_scenarios(path: str | Path) -> list[Scenario]:
    """Read a scenarios YAML file."""
    import yaml

    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ParameterError(f"cannot read scenarios file {path}: {exc}") from None
    return parse_scenarios(doc)
