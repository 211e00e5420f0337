"""Report parameters: the single declaration of what a notebook's ``parameters`` cell holds.

``ReportParams`` (company report) and ``SectorParams`` (peer report) are pydantic models with
``extra="forbid"``: unknown names are refused and values are checked before papermill runs. A test keeps
each notebook's ``parameters`` cell and its model in step (same names, same defaults).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mineresearch.dataset import periods
from mineresearch.exceptions import ParameterError

PERIOD_RE = periods.LABEL_RE  # the one period grammar (dataset/periods.py)
TICKER_RE = re.compile(r"^[A-Z][A-Z0-9.]{0,9}$")
MAX_PRICE_SHOCKS = 12
"""More shocks than this would make the stress tables unreadable (and the charts too large to draw)."""


def _check_period(value: str) -> str:
    value = value.strip().upper()
    if not PERIOD_RE.match(value) or not 1900 <= int(value[:4]) <= 2099:
        raise ValueError(f"period must look like 2025Q2, got {value!r}")
    return value


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    period: str = Field("2025Q2", description="Calendar quarter, e.g. 2025Q2.")
    data_path: str | None = Field(None, description="Alternative dataset folder; None = packaged.")
    static_charts: bool = Field(
        False, description="Charts as static SVG (reports, PDF); False keeps them interactive in JupyterLab."
    )

    @field_validator("period")
    @classmethod
    def _norm_period(cls, value: str) -> str:
        return _check_period(value)

    def notebook_parameters(self) -> dict[str, Any]:
        """Values to inject with papermill (JSON-friendly: tuples become lists)."""
        return {k: list(v) if isinstance(v, tuple) else v for k, v in self.model_dump().items()}


class ReportParams(_Params):
    """Parameters of the company-quarter report (``notebooks/company_quarter.ipynb``)."""

    ticker: str = Field("CIFR", description="Company ticker as in the dataset, e.g. CIFR.")
    btc_price_shocks_pct: tuple[float, ...] = Field(
        (-20.0, -40.0, -60.0), description="BTC price shocks for the drawdown and stress tables, in percent."
    )
    power_price_usd_per_mwh: float | None = Field(
        None, gt=0, le=1000, allow_inf_nan=False, description="Scenario power price; None = the disclosed one."
    )
    tariff_rate_pct: float = Field(21.6, ge=0, le=200, allow_inf_nan=False,
                                   description="ASIC import tariff (payback case).")
    difficulty_growth_pct_per_month: float | None = Field(
        None, ge=-20, le=20, allow_inf_nan=False,
        description="Network difficulty growth for payback, % a month; None = trailing year."
    )
    pool_fee_pct: float = Field(2.0, ge=0, le=10, allow_inf_nan=False,
                                description="Pool fee taken from gross hashprice, %.")
    pue: float = Field(1.10, ge=1.0, le=2.0, allow_inf_nan=False,
                       description="Power usage effectiveness (site / machine power).")
    next_halving_month: str | None = Field(
        None, description="Month of the 2028 halving, YYYY-MM; None = estimated from the block rate on file."
    )

    @field_validator("ticker")
    @classmethod
    def _norm_ticker(cls, value: str) -> str:
        value = value.strip().upper()
        if not TICKER_RE.match(value):
            raise ValueError(f"not a ticker: {value!r}")
        return value

    @field_validator("next_halving_month")
    @classmethod
    def _check_halving_month(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if not re.match(r"^20\d\d-(0[1-9]|1[0-2])$", value):
            raise ValueError(f"next_halving_month must look like 2028-04, got {value!r}")
        return value

    @field_validator("btc_price_shocks_pct")
    @classmethod
    def _check_shocks(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if not value:
            raise ValueError("give at least one price shock")
        if len(value) > MAX_PRICE_SHOCKS:
            raise ValueError(f"give at most {MAX_PRICE_SHOCKS} price shocks, not {len(value)}")
        for shock in value:
            if not -100.0 < shock < 1000.0:
                raise ValueError(f"price shock {shock}% is outside (-100, 1000)")
        return tuple(value)


class SectorParams(_Params):
    """Parameters of the sector report (``notebooks/sector_quarter.ipynb``)."""


def parse_params(model: type[_Params], values: dict[str, Any]) -> _Params:
    """Build ``model`` from ``values`` or raise ``ParameterError`` naming every bad field."""
    try:
        return model(**values)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            name = ".".join(str(p) for p in err["loc"]) or "?"
            msg = "unknown parameter" if err["type"] == "extra_forbidden" else err["msg"]
            lines.append(f"{name}: {msg}")
        known = ", ".join(sorted(model.model_fields))
        raise ParameterError(f"bad report parameters ({'; '.join(lines)}); known names: {known}") from None


def parse_cli_values(pairs: list[str]) -> dict[str, Any]:
    """Turn ``NAME=VALUE`` strings into a dict; values are parsed as JSON when they can be, else kept raw."""
    import json

    out: dict[str, Any] = {}
    for pair in pairs:
        if "=" not in pair:
            raise ParameterError(f"expected NAME=VALUE, got {pair!r}")
        name, raw = pair.split("=", 1)
        try:
            value: Any = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        if name.strip() == "btc_price_shocks_pct" and isinstance(value, int | float):
            value = [value]  # one shock: -p btc_price_shocks_pct=-30
        elif name.strip() == "btc_price_shocks_pct" and isinstance(value, str):
            try:
                value = [float(v) for v in value.split(",") if v.strip()]
            except ValueError:
                raise ParameterError(f"btc_price_shocks_pct: expected comma-separated numbers such as -20,-40, "
                                     f"got {raw!r}") from None
        out[name.strip()] = value
    return out
