"""Chart builders render offline to SVG, carry title and source, and use the project theme."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import pytest

from mineresearch.report import charts
from mineresearch.report.charts import copies, theme
from mineresearch.report.charts.builders_company import _waterfall_rows
from mineresearch.report.charts.builders_market import _hashprice_parts

SOURCE = "Company 10-Q filings; Coin Metrics"
NAN = np.nan

PERIODS = ["2023Q4", "2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1", "2025Q2"]


@pytest.fixture(scope="module", autouse=True)
def _themed() -> Iterator[None]:
    previous = alt.theme.active
    charts.use_theme()
    charts.warm_up()
    yield
    alt.theme.enable(previous)


def _output(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": PERIODS[:n],
            "btc_produced": [390.0, 450.0, 360.0, NAN, 490.0, 510.0, 509.0][:n],
            "net_income_usd": [5e6, 40e6, -15e6, -86e6, NAN, -39e6, -45.8e6][:n],
        }
    )


def _bridge() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "step": [
                "Revenue",
                "Cost of revenue ex-D&A",
                "D&A",
                "SG&A",
                "Fair-value gain",
                "Impairments",
                "Other",
                "Net income",
            ],
            "amount_usd": [43.6e6, -25.0e6, -40.0e6, -20.0e6, 5.0e6, NAN, -9.4e6, -45.8e6],
            "kind": ["total", "delta", "delta", "delta", "delta", "delta", "delta", "total"],
        }
    )


def _layers() -> pd.DataFrame:
    return pd.DataFrame(
        {"layer": ["Power", "Cash SG&A", "Interest", "D&A", "SBC"], "usd_per_btc": [27324.0, 15000, 5000, 45000, NAN]}
    )


def _network(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": PERIODS[:n],
            "hashprice_usd_per_ph_day": [90.0, 95, 60, 45, 55, NAN, 51][:n],
            "hashrate_avg_ehs": [480.0, 560, 620, 640, 700, 800, 870][:n],
            "fee_share": [0.12, 0.08, 0.10, 0.02, NAN, 0.03, 0.01][:n],
        }
    )


def _grid() -> pd.DataFrame:
    rows = [
        {"x": p, "y": h, "margin_usd_per_btc": p - 70_000 * h / 900} for p in (60e3, 80e3, 100e3) for h in (800, 900)
    ]
    rows[0]["margin_usd_per_btc"] = NAN
    return pd.DataFrame(rows)


def _treasury() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "scenario": ["Now", "-20%", "-40%", "-60%"],
            "btc_value_usd": [115e6, 92e6, 69e6, 46e6],
            "cash_usd": [62.7e6] * 4,
            "debt_usd": [180e6] * 4,
            "leverage_pct": [101.3, 117.9, 137.0, NAN],
        }
    )


def _peers() -> pd.DataFrame:
    return pd.DataFrame({"ticker": ["CIFR", "MARA", "RIOT", "IREN"], "value": [52_000.0, 81_000, -3_000, NAN]})


def _curve() -> pd.DataFrame:
    return pd.DataFrame({"ticker": ["CIFR", "MARA", "RIOT", "IREN"], "btc": [509.0, 2358, 1426, NAN],
                         "value": [27_324.0, 33_735, 58_793, 30_000]})


def _scatter() -> pd.DataFrame:
    return pd.DataFrame({"ticker": ["CIFR", "MARA", "RIOT"], "x": [16.8, 57.0, NAN], "y": [-45.8, 120.0, -200.0]})


Builder = Callable[[pd.DataFrame], Any]

BUILDERS: dict[str, tuple[Builder, Callable[[], pd.DataFrame]]] = {
    "output": (lambda d: charts.output_vs_net_income_chart(d, title="Output T", source=SOURCE), lambda: _output(7)),
    "waterfall": (lambda d: charts.margin_waterfall_chart(d, title="Bridge T", source=SOURCE), _bridge),
    "cost": (lambda d: charts.cost_stack_chart(d, price_usd=98_679.0, title="Cost T", source=SOURCE), _layers),
    "network": (lambda d: charts.network_context_chart(d, title="Network T", source=SOURCE), lambda: _network(7)),
    "heatmap": (
        lambda d: charts.sensitivity_heatmap_chart(
            d, x_title="BTC price (USD)", y_title="Network hashrate (EH/s)", title="Heat T", source=SOURCE
        ),
        _grid,
    ),
    "treasury": (lambda d: charts.treasury_drawdown_chart(d, title="Treasury T", source=SOURCE), _treasury),
    "ranking": (
        lambda d: charts.peer_ranking_chart(d, value_title="All-in cost (USD per BTC)", title="Rank T", source=SOURCE),
        _peers,
    ),
    "curve": (
        lambda d: charts.cost_curve_chart(d, value_title="Power (USD per BTC)", weighted_mean=38_000.0,
                                          median=33_735.0, title="Curve T", source=SOURCE),
        _curve,
    ),
    "scatter": (
        lambda d: charts.peer_scatter_chart(
            d, x_title="Hashrate (EH/s)", y_title="Net income (USD millions)", title="Scatter T", source=SOURCE
        ),
        _scatter,
    ),
}

TITLES = {
    "output": "Output T", "waterfall": "Bridge T", "cost": "Cost T", "network": "Network T",
    "heatmap": "Heat T", "treasury": "Treasury T", "ranking": "Rank T", "scatter": "Scatter T", "curve": "Curve T",
}  # fmt: skip


def _variants(full: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Full input, its first row alone, all numbers NaN, and an empty frame."""
    all_nan = full.copy()
    for column in all_nan.columns[1:]:
        if pd.api.types.is_numeric_dtype(all_nan[column]):
            all_nan[column] = NAN
    return {"full": full, "one_row": full.head(1), "all_nan": all_nan, "empty": full.iloc[0:0]}


def _width(svg: str) -> float:
    match = re.search(r'<svg[^>]*\swidth="([0-9.]+)"', svg)
    assert match is not None
    return float(match.group(1))


@pytest.mark.parametrize("variant", ["full", "one_row", "all_nan", "empty"])
@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_builder_renders_with_title_and_source(name: str, variant: str) -> None:
    build, make = BUILDERS[name]
    svg = charts.chart_to_svg(build(_variants(make())[variant]))
    assert svg.lstrip().startswith("<svg")
    assert TITLES[name] in svg
    assert "Source: Company 10-Q filings; Coin Metrics" in svg
    assert _width(svg) <= 700, "wider than an A4 text column"


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_source_line_is_the_last_row_under_the_plot(name: str) -> None:
    build, make = BUILDERS[name]
    spec = build(make()).to_dict()
    assert spec["title"]["text"] == TITLES[name]
    last = spec["vconcat"][-1]
    assert last["mark"]["type"] == "text"
    assert last["data"]["values"][0]["source"] == [f"Source: {SOURCE}"]


def test_theme_is_applied_to_spec_and_svg() -> None:
    chart = charts.output_vs_net_income_chart(_output(3), source=SOURCE)
    config = chart.to_dict()["config"]
    assert config["font"] == theme.FONT
    assert config["view"]["stroke"] is None
    svg = charts.chart_to_svg(chart)
    assert f'font-family="{theme.FONT}"' in svg
    assert alt.theme.active == theme.THEME_NAME


def test_svg_has_no_external_address() -> None:
    svg = charts.chart_to_svg(charts.network_context_chart(_network(7), source=SOURCE))
    addresses = set(re.findall(r"https?://[^\s\"'<>)]+", svg))
    assert "cdn" not in svg.lower()
    assert addresses <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def test_long_source_wraps_instead_of_widening() -> None:
    long_source = " ".join(["https-free source words"] * 30)
    svg = charts.chart_to_svg(charts.peer_ranking_chart(_peers(), value_title="USD", source=long_source))
    assert _width(svg) <= 700


def test_cost_curve_bars_run_from_the_cheapest_with_widths_in_btc() -> None:
    spec = charts.cost_curve_chart(_curve(), value_title="USD", weighted_mean=38_000.0, median=33_735.0,
                                   source=SOURCE).to_dict()
    values = [v for d in spec.get("datasets", {}).values() for v in d if "x0" in v]
    assert [v["ticker"] for v in values] == ["CIFR", "MARA", "RIOT"]  # IREN has no BTC: left out
    assert [(v["x0"], v["x1"]) for v in values] == [(0, 509), (509, 2867), (2867, 4293)]
    labels = [v["label"] for d in spec.get("datasets", {}).values() for v in d if "label" in v]
    assert labels == ["BTC-weighted mean $38,000", "Median $33,735"]


def test_waterfall_levels_hand_worked() -> None:
    rows = _waterfall_rows(_bridge())
    # Revenue 43.6 -> -25 -> -40 -> -20 -> +5 -> n/d -> -9.4, then net income drawn from zero.
    assert rows["start_musd"].tolist()[:5] == pytest.approx([0.0, 43.6, 18.6, -21.4, -41.4])
    assert rows["end_musd"].tolist()[:5] == pytest.approx([43.6, 18.6, -21.4, -41.4, -36.4])
    assert rows.loc[5, "start_musd"] == rows.loc[5, "end_musd"] == pytest.approx(-36.4)
    assert rows.loc[6, "end_musd"] == pytest.approx(-45.8)
    assert (rows.loc[7, "start_musd"], rows.loc[7, "end_musd"]) == pytest.approx((0.0, -45.8))
    assert rows.loc[0, "colour"] == rows.loc[7, "colour"] == theme.NEUTRAL
    assert rows.loc[1, "colour"] == theme.LOSS and rows.loc[4, "colour"] == theme.GAIN
    assert rows.loc[5, "label"] == "not disclosed" and rows.loc[2, "label"] == "-$40.0M"


def test_cost_stack_total_and_loss_colour() -> None:
    spec = charts.cost_stack_chart(_layers(), price_usd=80_000.0, source=SOURCE).to_dict()
    values = next(v for k, v in spec["datasets"].items() if any(r.get("layer") == "Power" for r in v))
    total = values[-1]
    assert total["layer"] == "At least"
    assert total["end"] == pytest.approx(92_324.0)
    assert total["colour"] == theme.LOSS
    assert values[1]["start"] == pytest.approx(27_324.0) and values[1]["end"] == pytest.approx(42_324.0)
    below = charts.cost_stack_chart(_layers(), price_usd=100_000.0, source=SOURCE).to_dict()
    totals = [r for v in below["datasets"].values() for r in v if str(r.get("layer", "")).startswith("At least")]
    assert totals[0]["colour"] == theme.INK


def test_hashprice_split_by_fee_share() -> None:
    parts = _hashprice_parts(_network(7).iloc[[0, 4]])
    first = parts[parts["period"] == "2023Q4"].set_index("part")["value"]
    assert first["Block subsidy"] == pytest.approx(90.0 * 0.88)
    assert first["Transaction fees"] == pytest.approx(90.0 * 0.12)
    unsplit = parts[parts["period"] == "2024Q4"]
    assert len(unsplit) == 1 and unsplit["value"].iloc[0] == pytest.approx(55.0)


def test_halving_marked_only_when_on_axis() -> None:
    with_halving = charts.chart_to_svg(charts.network_context_chart(_network(7), source=SOURCE))
    without = charts.chart_to_svg(charts.network_context_chart(_network(2), source=SOURCE))
    assert "Halving (20 Apr 2024)" in with_halving
    assert "Halving" not in without


def test_heatmap_labels_in_thousands() -> None:
    svg = charts.chart_to_svg(BUILDERS["heatmap"][0](_grid()))
    # 100,000 - 70,000 * 800 / 900 = 37,778 -> "$38k"; 60,000 - 70,000 = -10,000 -> "-$10k".
    assert "$38k" in svg and "-$10k" in svg and "n/d" in svg


def test_missing_column_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="net_income_usd"):
        charts.output_vs_net_income_chart(pd.DataFrame({"period": ["2025Q2"], "btc_produced": [1.0]}), source=SOURCE)


def test_static_renderer_switches_to_svg() -> None:
    previous = alt.renderers.active
    try:
        charts.enable_static_renderer()
        assert alt.renderers.active == "svg"
        bundle = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q")._repr_mimebundle_()
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        assert "image/svg+xml" in data
    finally:
        alt.renderers.enable(previous)


def test_import_is_light() -> None:
    code = "import sys, mineresearch.report.charts, mineresearch.report.narrative; print('altair' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_names_from_data_are_escaped_in_svg() -> None:
    svg = charts.chart_to_svg(charts.peer_ranking_chart(_peers(), value_title="USD", title="A&B <Mining>", source="x"))
    assert "A&amp;B &lt;Mining&gt;" in svg and "<Mining>" not in svg


def _specs() -> dict[str, dict[str, Any]]:
    return {
        f"{name}/{variant}": build(frame).to_dict()
        for name, (build, make) in BUILDERS.items()
        for variant, frame in _variants(make()).items()
    }


def test_builders_make_the_same_spec_without_altairs_deep_copies(monkeypatch: pytest.MonkeyPatch) -> None:
    from altair.utils.schemapi import SchemaBase

    altairs_own = SchemaBase.copy
    shallow = _specs()
    assert SchemaBase.copy is altairs_own  # the builders put Altair's copy back
    monkeypatch.setattr(copies, "_shallow_copy", altairs_own)  # the builders now copy as Altair does
    assert _specs() == shallow


def test_shallow_copies_are_scoped_and_restored_after_an_error() -> None:
    from altair.utils.schemapi import SchemaBase

    base = alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x:Q").properties(width=100)
    altairs_own = SchemaBase.copy
    with pytest.raises(RuntimeError), copies.shallow_copies():
        with copies.shallow_copies():
            assert SchemaBase.copy is not altairs_own
            assert base.copy().encoding is base.encoding  # shallow: nested objects shared
        assert SchemaBase.copy is not altairs_own  # still inside the outer scope
        raise RuntimeError("boom")
    assert SchemaBase.copy is altairs_own
    assert base.copy().encoding is not base.encoding


def test_builders_pass_channel_objects_not_shorthand_strings(monkeypatch: pytest.MonkeyPatch) -> None:
    # Altair turns a string or dict encoding into a channel through a converter that hashes the schema of
    # every one of its ~500 classes, per call; the builders hand it channel objects instead.
    from altair.utils import schemapi

    conversions: list[object] = []
    original = schemapi._FromDict.__init__

    def counting(self: object, *args: Any, **kwargs: Any) -> None:
        conversions.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(schemapi._FromDict, "__init__", counting)
    _specs()
    assert conversions == []


def test_interactive_tooltips_name_the_figures_not_the_drawing() -> None:
    import altair as alt

    from mineresearch.report.charts.render import with_tooltips

    rows = pd.DataFrame({"period": ["2025Q1"], "start_musd": [0.0], "end_musd": [5.0], "colour": ["#b23a48"],
                         "net_income_musd": [5.0]})
    bars = alt.Chart(rows).mark_bar().encode(y="period:N", x="start_musd:Q", x2="end_musd:Q",
                                             color=alt.Color("colour:N", scale=None))
    points = alt.Chart(rows).mark_point().encode(x="period:N", y=alt.Y("net_income_musd:Q", title=None))
    own = alt.Chart(rows).mark_bar().encode(x="period:N", tooltip=[alt.Tooltip("end_musd:Q", title="Level")])
    spec = with_tooltips(alt.vconcat(alt.layer(bars, points), own).to_dict(validate=False))
    layer, mine = spec["vconcat"][0]["layer"], spec["vconcat"][1]
    titles = [[t["title"] for t in unit["encoding"]["tooltip"]] for unit in layer]
    assert [sorted(t) for t in titles] == [["Quarter", "Start (USD millions)"],  # no literal colour, no x2
                                           ["Net income (USD millions)", "Quarter"]]
    assert mine["encoding"]["tooltip"] == [{"field": "end_musd", "type": "quantitative", "title": "Level"}]
