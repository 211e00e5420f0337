"""Report parameters: declared once, checked before papermill runs, in step with the notebooks."""

from __future__ import annotations

import ast

import papermill as pm
import pytest

from mineresearch.exceptions import ParameterError
from mineresearch.paths import notebooks_dir
from mineresearch.report.params import ReportParams, SectorParams, parse_cli_values, parse_params
from mineresearch.run.jobs import NOTEBOOKS


def test_defaults_and_normalisation() -> None:
    p = parse_params(ReportParams, {"ticker": " cifr", "period": "2025q2"})
    assert (p.ticker, p.period) == ("CIFR", "2025Q2")
    assert p.notebook_parameters()["btc_price_shocks_pct"] == [-20.0, -40.0, -60.0]


@pytest.mark.parametrize(
    "values, needle",
    [
        ({"colour": "red"}, "colour: unknown parameter"),
        ({"period": "2025-06"}, "period"),
        ({"tariff_rate_pct": -5}, "tariff_rate_pct"),
        ({"btc_price_shocks_pct": [-120.0]}, "btc_price_shocks_pct"),
        ({"power_price_usd_per_mwh": "cheap"}, "power_price_usd_per_mwh"),
        ({"ticker": "not a ticker"}, "ticker"),
    ],
)
def test_bad_values_are_refused_with_their_name(values: dict, needle: str) -> None:
    with pytest.raises(ParameterError, match=needle):
        parse_params(ReportParams, values)


def test_every_problem_is_named_at_once() -> None:
    with pytest.raises(ParameterError) as info:
        parse_params(ReportParams, {"foo": 1, "bar": 2})
    assert "foo" in str(info.value) and "bar" in str(info.value)


def test_cli_values() -> None:
    out = parse_cli_values(["power_price_usd_per_mwh=45", "btc_price_shocks_pct=-10,-30", "ticker=MARA"])
    assert out == {"power_price_usd_per_mwh": 45, "btc_price_shocks_pct": [-10.0, -30.0], "ticker": "MARA"}
    with pytest.raises(ParameterError):
        parse_cli_values(["oops"])


@pytest.mark.parametrize("kind, model", [("company", ReportParams), ("sector", SectorParams)])
def test_notebook_parameters_cell_matches_model(kind: str, model: type) -> None:
    path = notebooks_dir() / NOTEBOOKS[kind]
    declared = pm.inspect_notebook(str(path))
    assert set(declared) == set(model.model_fields)
    defaults = model().notebook_parameters()
    for name, info in declared.items():
        assert ast.literal_eval(info["default"]) == defaults[name], name
