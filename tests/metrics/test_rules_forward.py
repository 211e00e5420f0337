"""Forward-looking numbers say their assumptions: payback with difficulty growth, the halving, pool fee, PUE."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mineresearch.analysis.summary import company_quarter_summary
from mineresearch.exceptions import ParameterError
from mineresearch.metrics import breakeven as be
from mineresearch.metrics import forward, payback
from mineresearch.report.params import ReportParams, parse_params

S21 = {"machine_price_usd": 3_400.0, "hashrate_ths": 200.0, "power_kw": 3.5}


def test_audit_worked_check_static_and_with_falling_hashprice() -> None:
    # AUDIT row 16: S21 at $51.21/PH/day and $50/MWh pays back in 563 days statically ...
    static = payback.asic_cash_path(**S21, hashprice_usd_per_ph_day=51.21, power_usd_per_mwh=50.0)
    assert static.payback_days == pytest.approx(563, abs=0.5)
    assert static.payback_days == pytest.approx(be.asic_payback_days(**S21, hashprice_usd_per_ph_day=51.21,
                                                                     power_usd_per_mwh=50.0))
    assert static.status == "paid back" and static.payback_month == 19
    # ... and with hashprice falling 2.5% a month (no pool fee, PUE 1) it never pays back: it reaches shutdown
    # near day 1,100 with about $2,832 of $3,400 recovered.
    falling = payback.asic_cash_path(**S21, hashprice_usd_per_ph_day=51.21, power_usd_per_mwh=50.0,
                                difficulty_growth_pct_per_month=100 * (1 / 0.975 - 1))
    assert falling.status == "never before shutdown" and math.isinf(falling.payback_days)
    assert falling.shutdown_month == 37  # 36 months run: 36 x 30.44 = 1,096 days
    assert (falling.shutdown_month - 1) * payback.DAYS_PER_MONTH == pytest.approx(1_100, abs=10)
    assert falling.cash_recovered_usd == pytest.approx(2_832, rel=0.01)
    assert falling.cumulative_cash_usd[36] == pytest.approx(falling.cash_recovered_usd - 3_400)


def test_pool_fee_pue_and_tariff_lengthen_payback_by_hand() -> None:
    # $50/PH/day x 0.2 PH/s x 0.98 = $9.80; 3.5 kW x 24 x $60/MWh / 1000 x 1.1 = $5.544; margin $4.256/day
    path = payback.asic_cash_path(**S21, hashprice_usd_per_ph_day=50.0, power_usd_per_mwh=60.0, pool_fee_pct=2.0,
                             pue=1.1, tariff_rate_pct=10.0)
    assert path.landed_capex_usd == pytest.approx(3_740)
    assert path.payback_days == pytest.approx(3_740 / 4.256)
    assert path.cumulative_cash_usd[12] == pytest.approx(12 * payback.DAYS_PER_MONTH * 4.256 - 3_740)


def test_halving_halves_the_subsidy_and_keeps_fees() -> None:
    assert payback.halving_factor(0.0) == 0.5 and payback.halving_factor(0.1) == pytest.approx(0.55)
    path = payback.asic_cash_path(**S21, hashprice_usd_per_ph_day=50.0, power_usd_per_mwh=30.0, halving_month=4,
                             fee_share=0.1, horizon_months=6)
    hashprice = list(path.monthly["hashprice_usd_per_ph_day"])
    assert hashprice[:3] == [50.0] * 3 and hashprice[3:] == pytest.approx([27.5] * 3)


def test_shutdown_is_final_and_cash_stays() -> None:
    path = payback.asic_cash_path(**S21, hashprice_usd_per_ph_day=30.0, power_usd_per_mwh=50.0,
                             difficulty_growth_pct_per_month=5.0, horizon_months=36)
    assert path.shutdown_month is not None
    after = path.monthly[path.monthly["month"] >= path.shutdown_month]
    assert not after["running"].any() and (after["margin_usd"] == 0).all()
    assert after["cumulative_cash_usd"].nunique() == 1


def test_a_machine_that_never_covers_power_and_missing_inputs() -> None:
    path = payback.asic_cash_path(**S21, hashprice_usd_per_ph_day=10.0, power_usd_per_mwh=50.0)
    assert path.shutdown_month == 1 and path.cash_recovered_usd == 0 and path.status == "never before shutdown"
    missing = payback.asic_cash_path(**S21, hashprice_usd_per_ph_day=math.nan, power_usd_per_mwh=50.0)
    assert math.isnan(missing.payback_days) and missing.status == "not disclosed"
    slow = payback.asic_cash_path(**S21, hashprice_usd_per_ph_day=30.0, power_usd_per_mwh=20.0, horizon_months=6)
    assert slow.status == "not within 6 months" and slow.shutdown_month is None


@settings(max_examples=60, deadline=None)
@given(
    hashprice=st.floats(min_value=20, max_value=120),
    power=st.floats(min_value=10, max_value=120),
    growth=st.floats(min_value=-3, max_value=8),
    extra=st.floats(min_value=0.01, max_value=5),
    halving=st.one_of(st.none(), st.integers(min_value=1, max_value=60)),
)
def test_more_difficulty_growth_never_pays_back_sooner(
    hashprice: float, power: float, growth: float, extra: float, halving: int | None
) -> None:
    common = {**S21, "hashprice_usd_per_ph_day": hashprice, "power_usd_per_mwh": power, "halving_month": halving,
              "pool_fee_pct": 2.0, "pue": 1.1}
    slow = payback.asic_cash_path(**common, difficulty_growth_pct_per_month=growth)
    fast = payback.asic_cash_path(**common, difficulty_growth_pct_per_month=growth + extra)
    assert fast.payback_days >= slow.payback_days - 1e-9
    for month in payback.CASH_CHECKPOINTS_MONTHS:
        assert fast.cumulative_cash_usd[month] <= slow.cumulative_cash_usd[month] + 1e-9
    if slow.shutdown_month is not None:
        assert fast.shutdown_month is not None and fast.shutdown_month <= slow.shutdown_month


@settings(max_examples=60, deadline=None)
@given(hashprice=st.floats(min_value=20, max_value=120), power=st.floats(min_value=10, max_value=80))
def test_flat_difficulty_without_halving_is_the_static_payback(hashprice: float, power: float) -> None:
    static = be.asic_payback_days(**S21, hashprice_usd_per_ph_day=hashprice, power_usd_per_mwh=power)
    path = payback.asic_cash_path(**S21, hashprice_usd_per_ph_day=hashprice, power_usd_per_mwh=power,
                                  horizon_months=600)
    horizon_days = 600 * 365.25 / 12
    if static > horizon_days:  # beyond the simulated horizon: no payback inside it
        assert math.isinf(path.payback_days) or path.payback_days > horizon_days - 31
    else:
        assert path.payback_days == pytest.approx(static)


def test_breakeven_power_price_is_a_ceiling_with_pue_and_pool_fee() -> None:
    # AUDIT row 14: MARA 2025Q2, 51.21 x 1000 / (18.3 x 24) = $116.6/MWh gross; about $104 with PUE 1.1 and 2% fee
    assert be.breakeven_power_usd_per_mwh(51.21, 18.3) == pytest.approx(116.6, abs=0.05)
    assert be.breakeven_power_usd_per_mwh(51.21, 18.3, pue=1.1, pool_fee_pct=2.0) == pytest.approx(103.9, abs=0.05)


# --- default growth and the halving, from a hand-made network table ---------------------------------------


def _network(difficulty: list[float], blocks_per_day: float = 144.0) -> pd.DataFrame:
    periods = ["2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2"]
    days = [91, 91, 92, 92, 90, 91]
    return pd.DataFrame(
        {"difficulty_avg": difficulty, "hashrate_avg_ehs": [d / 1e11 for d in difficulty], "days": days,
         "blocks": [d * blocks_per_day for d in days], "fee_share": [0.02] * 6},
        index=pd.Index(periods, name="period"),
    )


def test_trailing_year_growth_is_a_compounding_monthly_rate() -> None:
    net = _network([70e12, 80e12, 90e12, 100e12, 110e12, 120e12])
    growth, basis = forward.trailing_difficulty_growth_pct_per_month(net, "2025Q2")
    assert growth == pytest.approx(((120 / 80) ** (1 / 12) - 1) * 100)  # +50% a year -> 3.44% a month
    assert basis == "trailing-year growth of average difficulty from 2024Q2 to 2025Q2, +50.0%"
    assert forward.monthly_growth_pct(1.0) == 0.0 and math.isnan(forward.monthly_growth_pct(0.0))
    no_difficulty = net.assign(difficulty_avg=math.nan)
    growth, basis = forward.trailing_difficulty_growth_pct_per_month(no_difficulty, "2025Q2")
    assert growth == pytest.approx(((1200 / 800) ** (1 / 12) - 1) * 100) and "network hashrate" in basis
    assert math.isnan(forward.trailing_difficulty_growth_pct_per_month(net, "2024Q4")[0])  # 2023Q4 not on file


def test_trailing_growth_on_the_shipped_table() -> None:
    from mineresearch.dataset.load import load_dataset

    growth, basis = forward.trailing_difficulty_growth_pct_per_month(load_dataset().network, "2025Q2")
    assert growth == pytest.approx(3.12, abs=0.01) and "+44.6%" in basis


def test_halving_estimate_from_the_block_rate() -> None:
    # 144 blocks a day: 72/91 of 2024Q2 after 20 April, then 2024Q3..2025Q2 at 144 a day
    net = _network([1e14] * 6)
    estimate = forward.estimate_next_halving(net, "2025Q2")
    mined = 91 * 144 * 72 / 91 + (92 + 92 + 90 + 91) * 144
    expected = date(2025, 6, 30).toordinal() + round((1_050_000 - 840_000 - mined) / 144)
    assert estimate.date == date.fromordinal(expected) and estimate.height == 1_050_000
    assert estimate.date.year == 2028 and "144.0 blocks a day" in estimate.basis
    before = forward.estimate_next_halving(net, "2024Q1")
    assert (before.date, before.height) == (date(2024, 4, 20), 840_000)
    no_blocks = forward.estimate_next_halving(net.drop(columns="blocks"), "2025Q2")
    assert no_blocks.date == date(2024, 4, 20) + timedelta(days=round(210_000 / 144))


def test_halving_on_the_shipped_table_is_spring_2028() -> None:
    from mineresearch.dataset.load import load_dataset

    estimate = forward.estimate_next_halving(load_dataset().network, "2025Q2")
    assert date(2028, 3, 1) <= estimate.date <= date(2028, 5, 31)


def test_forward_assumptions_take_parameters_first() -> None:
    net = _network([70e12, 80e12, 90e12, 100e12, 110e12, 120e12])
    default = forward.forward_assumptions_for(net, "2025Q2")
    assert default.growth_basis.startswith("trailing-year") and default.pool_fee_pct == payback.DEFAULT_POOL_FEE_PCT
    assert default.pue == payback.DEFAULT_PUE and default.fee_share == 0.02 and default.halving_month is not None
    given_ = forward.forward_assumptions_for(net, "2025Q2", difficulty_growth_pct_per_month=1.5,
                                        next_halving_month="2026-01", pool_fee_pct=1.0, pue=1.2)
    assert (given_.difficulty_growth_pct_per_month, given_.growth_basis) == (1.5, "report parameter")
    assert given_.halving_date == date(2026, 1, 15) and given_.halving_month == 7  # 199 days / 30.44 -> month 7


# --- the tariff cases of a hand-made company ----------------------------------------------------------------


class OneCompany:
    def __init__(self) -> None:
        self.companies = pd.DataFrame({"name": ["Fwd Co"]}, index=pd.Index(["FWD"], name="ticker"))
        net = _network([70e12, 80e12, 90e12, 100e12, 110e12, 120e12])
        net["hashprice_usd_per_ph_day"] = 50.0
        net["hashrate_avg_ehs"] = 900.0
        self.network = net

    def company_quarters(self, ticker: str) -> pd.DataFrame:
        return pd.DataFrame({"power_cost_usd_mwh": [45.0], "fleet_efficiency_jth": [20.0]}, index=["2025Q2"])

    def sources(self, ticker: str, period: str) -> pd.DataFrame:
        return pd.DataFrame(columns=["metric", "value", "unit", "source_url", "source_type"])


def test_tariff_cases_share_the_same_assumptions_and_show_cash_at_12_24_36() -> None:
    s = company_quarter_summary(OneCompany(), "FWD", "2025Q2")
    t = s.strategy.tariff_scenarios.set_index("scenario")
    assert list(t.index) == ["no tariff", "SE Asia 2025", "China 2025"]
    assert {"static_payback_days", "payback_days", "payback_status", "cash_12m_usd", "cash_24m_usd",
            "cash_36m_usd", "shutdown_month"} <= set(t.columns)
    forward = s.strategy.forward
    assert forward is not None and forward.difficulty_growth_pct_per_month == pytest.approx(3.44, abs=0.01)
    # the same growth for every case: the landed cost is the only difference
    paths = {name: payback.asic_cash_path(**S21, hashprice_usd_per_ph_day=50.0, power_usd_per_mwh=45.0,
                                     difficulty_growth_pct_per_month=forward.difficulty_growth_pct_per_month,
                                     halving_month=forward.halving_month, fee_share=0.02, pool_fee_pct=2.0, pue=1.1,
                                     tariff_rate_pct=rate) for name, rate in t["tariff_rate_pct"].items()}
    for name, path in paths.items():
        assert t.at[name, "cash_24m_usd"] == pytest.approx(path.cumulative_cash_usd[24])
        assert t.at[name, "payback_status"] == path.status
    assert t.at["no tariff", "cash_36m_usd"] - t.at["China 2025", "cash_36m_usd"] == pytest.approx(3_400 * 0.576)
    # faster growth from a parameter: no case pays back sooner
    fast = company_quarter_summary(OneCompany(), "FWD", "2025Q2", difficulty_growth_pct_per_month=6.0)
    ft = fast.strategy.tariff_scenarios.set_index("scenario")
    assert (ft["payback_days"] >= t["payback_days"]).all() and fast.strategy.forward.growth_basis == "report parameter"


def test_the_report_states_the_assumptions_next_to_the_payback_table(monkeypatch: pytest.MonkeyPatch) -> None:
    import mineresearch.report.company_risk as risk
    from mineresearch.report.company import CompanyReport

    shown: list[str] = []
    monkeypatch.setattr(risk, "show_html", lambda *parts: shown.append("".join(p for p in parts if p)))
    report = CompanyReport(company_quarter_summary(OneCompany(), "FWD", "2025Q2"), OneCompany())
    report.strategy()
    report.breakevens()
    html = "".join(shown)
    for needle in ("+3.44% a month", "trailing-year growth of average difficulty from 2024Q2 to 2025Q2",
                   "next halving (block 1,050,000) is taken in", "pool fee 2.0%", "PUE 1.10", "Cash after 12 months",
                   "After 36 months", "Static payback", "a ceiling", "$45.0/MWh"):
        assert needle in html, needle


def test_parameters_are_checked() -> None:
    p = parse_params(ReportParams, {"pool_fee_pct": 1.5, "pue": 1.2, "next_halving_month": "2028-04",
                                    "difficulty_growth_pct_per_month": 2.5})
    assert (p.pool_fee_pct, p.pue, p.next_halving_month) == (1.5, 1.2, "2028-04")
    defaults = ReportParams()
    assert (defaults.pool_fee_pct, defaults.pue, defaults.difficulty_growth_pct_per_month) == (2.0, 1.1, None)
    for bad in ({"pue": 0.9}, {"pool_fee_pct": -1}, {"next_halving_month": "April 2028"},
                {"difficulty_growth_pct_per_month": 50}):
        with pytest.raises(ParameterError, match=next(iter(bad))):
            parse_params(ReportParams, bad)
