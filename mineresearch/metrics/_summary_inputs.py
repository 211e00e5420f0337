"""Read access to one company's quarters and the network frame, plus derived figures the summary reuses."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from mineresearch.metrics._common import as_float, divide
from mineresearch.metrics.costs import cost_stack_usd_per_btc, fair_share_ratio, split_sga_usd
from mineresearch.metrics.production import realized_hashrate_ehs


@dataclass(frozen=True)
class QuarterData:
    """One company's quarters (index = period label) and the network frame (index = period label).

    Build it with :meth:`from_frames`, which also indexes every numeric cell for fast lookups.
    """

    ticker: str
    period: str
    name: str
    quarters: pd.DataFrame
    network: pd.DataFrame
    company_cells: dict[tuple[str, str], float] = field(default_factory=dict, repr=False)
    network_cells: dict[tuple[str, str], float] = field(default_factory=dict, repr=False)

    @classmethod
    def from_frames(
        cls, ticker: str, period: str, name: str, quarters: pd.DataFrame, network: pd.DataFrame
    ) -> QuarterData:
        """Index both frames by (period, column); non-numeric cells become NaN."""
        quarters, network = quarters.copy(), network.copy()
        quarters.index, network.index = quarters.index.astype(str), network.index.astype(str)
        return cls(ticker, period, name, quarters, network, _cells(quarters), _cells(network))

    def c(self, metric: str, period: str | None = None) -> float:
        """A company metric for ``period`` (default: the report's quarter), NaN when absent."""
        return self.company_cells.get((period or self.period, metric), math.nan)

    def n(self, column: str, period: str | None = None) -> float:
        """A network column for ``period`` (default: the report's quarter), NaN when absent."""
        return self.network_cells.get((period or self.period, column), math.nan)

    def history(self) -> list[str]:
        """Company periods on file up to and including the report's quarter, sorted."""
        return sorted(str(p) for p in self.quarters.index if str(p) <= self.period)


def _cells(frame: pd.DataFrame) -> dict[tuple[str, str], float]:
    cells: dict[tuple[str, str], float] = {}
    for column in frame.columns:
        values = pd.to_numeric(frame[column], errors="coerce")
        for row, value in zip(frame.index, values, strict=True):
            cells[(str(row), str(column))] = as_float(value)
    return cells


def missing_names(values: dict[str, float]) -> tuple[str, ...]:
    """The keys whose value is NaN, in order."""
    return tuple(name for name, value in values.items() if math.isnan(as_float(value)))


def unique(names: Iterable[str]) -> tuple[str, ...]:
    """Names without repeats, first occurrence kept."""
    return tuple(dict.fromkeys(names))


def network_btc(q: QuarterData, period: str | None = None) -> float:
    """Network BTC earned in the quarter: subsidy + fees, else BTC/EH/day x days x EH/s."""
    subsidy, fees = q.n("subsidy_btc", period), q.n("fees_btc", period)
    if not (math.isnan(subsidy) or math.isnan(fees)):
        return subsidy + fees
    return q.n("btc_per_ehs_day", period) * q.n("days", period) * q.n("hashrate_avg_ehs", period)


def realized_ehs(q: QuarterData, period: str | None = None) -> float:
    """The company's realized hashrate for a quarter (methods ref. B1)."""
    return realized_hashrate_ehs(
        q.c("btc_produced", period), network_btc(q, period), q.n("hashrate_avg_ehs", period)
    )


@dataclass(frozen=True)
class StackResult:
    """A cost stack with how it was built (see ``sections.CostStack``)."""

    stack: pd.DataFrame
    fair_share: float
    fair_share_basis: str
    power_basis: str
    missing: tuple[str, ...]

    def cumulative(self, layer: str) -> float:
        """Cumulative cost per BTC up to and including ``layer``."""
        rows = self.stack.loc[self.stack["layer"] == layer, "cumulative_usd_per_btc"]
        return as_float(rows.iloc[0]) if len(rows) else math.nan


def fair_share_for(q: QuarterData, period: str | None = None) -> tuple[float, str]:
    """Mining revenue / total revenue when both are disclosed and consistent, else 1.0."""
    mining, total = q.c("revenue_mining", period), q.c("revenue_total", period)
    try:
        share = fair_share_ratio(mining, total)
    except ValueError:
        share = math.nan
    if math.isnan(share) or share == 0.0:
        return 1.0, "all costs (revenue split not disclosed)"
    return share, "mining revenue / total revenue"


def cost_stack_for(q: QuarterData, period: str | None = None) -> StackResult:
    """The quarter's cost-per-BTC stack from disclosed lines (methods ref. C4, C7)."""
    btc = q.c("btc_produced", period)
    share, share_basis = fair_share_for(q, period)
    split = split_sga_usd(q.c("sga", period), q.c("sga_ex_sbc", period), q.c("stock_based_comp", period))
    # SBC carved out of SG&A is the layer; SBC booked in other lines (cost of revenue) stays in the layer that
    # carries it, so no dollar is counted twice. Without a split, the layer is total SBC.
    sbc = split.sbc_usd if split.sbc_inside_sga else q.c("stock_based_comp", period)
    power, power_basis = q.c("cost_of_revenue_ex_da", period), "cost_of_revenue_ex_da"
    if math.isnan(power):
        # The reported figure is already per mining BTC: undo the fair share the stack applies.
        power, power_basis = divide(q.c("power_cost_per_btc", period) * btc, share), "power_cost_per_btc"
    if math.isnan(power):
        power_basis = ""
    amounts = {
        "cost_of_revenue_ex_da": power,
        "sga_ex_sbc": split.cash_usd,
        "interest_expense": q.c("interest_expense", period),
        "depreciation_amortization": q.c("depreciation_amortization", period),
        "stock_based_comp": sbc,
    }
    stack = cost_stack_usd_per_btc(
        btc,
        power_usd=amounts["cost_of_revenue_ex_da"],
        sga_cash_usd=amounts["sga_ex_sbc"],
        interest_usd=amounts["interest_expense"],
        depreciation_usd=amounts["depreciation_amortization"],
        sbc_usd=amounts["stock_based_comp"],
        fair_share=share,
        btc_price_usd=q.n("price_avg_usd", period),
    )
    missing = missing_names({"btc_produced": btc, **amounts, "price_avg_usd": q.n("price_avg_usd", period)})
    return StackResult(stack, share, share_basis, power_basis, missing)
