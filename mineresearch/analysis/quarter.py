"""Read access to one company's quarters and the network frame, plus derived figures the summary reuses."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from mineresearch.analysis.basis import CREDIT_LINES, MINING_SEGMENT_LINES, with_reporting_basis
from mineresearch.metrics._common import as_float
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
    line_items: dict[tuple[str, str], dict[str, float]] = field(default_factory=dict, repr=False)
    scopes: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)
    basis_notes: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    @classmethod
    def from_frames(
        cls, ticker: str, period: str, name: str, quarters: pd.DataFrame, network: pd.DataFrame,
        rows: pd.DataFrame | None = None,
    ) -> QuarterData:
        """Index both frames by (period, column); non-numeric cells become NaN.

        ``rows`` (``Dataset.chosen_rows``) adds the printed lines of each metric and the scope of each
        figure; the company's reporting basis (``basis.with_reporting_basis``) fills what it allows.
        """
        quarters, network = quarters.copy(), network.copy()
        quarters.index, network.index = quarters.index.astype(str), network.index.astype(str)
        quarters, notes = with_reporting_basis(ticker, quarters)
        lines: dict[tuple[str, str], dict[str, float]] = {}
        scopes: dict[tuple[str, str], str] = {}
        if rows is not None and not rows.empty:
            for r in rows.itertuples(index=False):
                key = (str(r.period), str(r.metric))
                if r.line_item:
                    lines.setdefault(key, {})[str(r.line_item)] = float(r.value)
                elif r.scope:
                    scopes[key] = str(r.scope)
        return cls(ticker, period, name, quarters, network, _cells(quarters), _cells(network), lines, scopes, notes)

    def line(self, metric: str, label: str, period: str | None = None) -> float:
        """One printed line of a metric (``line_item`` label), NaN when that line is not on file."""
        return self.line_items.get((period or self.period, metric), {}).get(label, math.nan)

    def scope(self, metric: str, period: str | None = None) -> str:
        """The scope the source states for a figure (``""``: the metric's plain, company-wide meaning)."""
        return self.scopes.get((period or self.period, metric), "")

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
    credits_usd: float = math.nan

    def cumulative(self, layer: str) -> float:
        """Cumulative cost per BTC up to and including ``layer`` (NaN unless every layer up to it is disclosed)."""
        rows = self.stack.loc[self.stack["layer"] == layer, "cumulative_usd_per_btc"]
        return as_float(rows.iloc[0]) if len(rows) else math.nan

    def disclosed_sum(self, layers: Iterable[str]) -> float:
        """The sum of the disclosed layers among ``layers`` (a lower bound when any is missing)."""
        wanted = set(layers)
        rows = self.stack[self.stack["layer"].isin(wanted)]["usd_per_btc"].dropna()
        return float(rows.sum()) if len(rows) else math.nan


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


def power_layer_usd(q: QuarterData, share: float, period: str | None = None) -> tuple[float, str]:
    """The power and direct cost of mining in USD for the quarter, and where it comes from (methods C4, C7).

    In order: the mining segment's printed line of cost of revenue ex-D&A (TheMinerMag's basis; not scaled
    by the fair share); the company's cost of revenue ex-D&A times the fair share; the company's reported
    power cost per BTC times BTC produced, only when its scope is company-wide. A figure of narrower scope
    (owned sites only) never stands in for the layer: the layer is then not disclosed.
    """
    segment = MINING_SEGMENT_LINES.get(q.ticker, "")
    value = q.line("cost_of_revenue_ex_da", segment, period) if segment else math.nan
    if not math.isnan(value):
        return value, f"the mining segment's cost of revenue ex-D&A (printed line '{segment}')"
    value = q.c("cost_of_revenue_ex_da", period) * share
    if not math.isnan(value):
        return value, "cost of revenue ex-D&A"
    if q.scope("power_cost_per_btc", period) == "":
        value = q.c("power_cost_per_btc", period) * q.c("btc_produced", period)
        if not math.isnan(value):
            return value, "the company's reported power cost per BTC"
    return math.nan, ""


def credits_usd(q: QuarterData, period: str | None = None) -> float:
    """Power curtailment credits of the quarter, USD (positive = money received); NaN when not on file."""
    value = q.c("power_curtailment_credits", period)
    label = CREDIT_LINES.get(q.ticker, "")
    if math.isnan(value) and label:
        value = q.line("other_operating_gain_loss", label, period)
    return value


def cost_stack_for(q: QuarterData, period: str | None = None) -> StackResult:
    """The quarter's cost-per-BTC stack from disclosed lines (methods ref. C4, C7)."""
    btc = q.c("btc_produced", period)
    share, share_basis = fair_share_for(q, period)
    split = split_sga_usd(q.c("sga", period), q.c("sga_ex_sbc", period), q.c("stock_based_comp", period))
    # SBC carved out of SG&A is the layer; SBC booked in other lines (cost of revenue) stays in the layer that
    # carries it, so no dollar is counted twice. Without a split, the layer is total SBC.
    sbc = split.sbc_usd if split.sbc_inside_sga else q.c("stock_based_comp", period)
    power, power_basis = power_layer_usd(q, share, period)
    amounts = {
        "cost_of_revenue_ex_da": power,
        "sga_ex_sbc": split.cash_usd,
        "interest_expense": q.c("interest_expense", period),
        "depreciation_amortization": q.c("depreciation_amortization", period),
        "stock_based_comp": sbc,
    }
    credits = credits_usd(q, period)
    stack = cost_stack_usd_per_btc(
        btc,
        power_usd=power / share,  # already allocated to mining; the stack scales every amount by the share
        sga_cash_usd=amounts["sga_ex_sbc"],
        interest_usd=amounts["interest_expense"],
        depreciation_usd=amounts["depreciation_amortization"],
        sbc_usd=amounts["stock_based_comp"],
        fair_share=share,
        btc_price_usd=q.n("price_avg_usd", period),
        credits_usd=credits,
    )
    missing = missing_names({"btc_produced": btc, **amounts, "price_avg_usd": q.n("price_avg_usd", period)})
    return StackResult(stack, share, share_basis, power_basis, missing, credits)
