"""Altair charts: one theme, builders over tidy frames, static SVG rendering for reports.

Names are re-exported lazily: importing ``mineresearch.report.charts`` does not import Altair; the first
use of a name imports the submodule that defines it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, str] = {
    "use_theme": "theme",
    "theme_config": "theme",
    "THEME_NAME": "theme",
    "chart_to_svg": "render",
    "enable_static_renderer": "render",
    "warm_up": "render",
    "output_vs_net_income_chart": "builders_company",
    "margin_waterfall_chart": "builders_company",
    "cost_stack_chart": "builders_company",
    "network_context_chart": "builders_market",
    "sensitivity_heatmap_chart": "builders_market",
    "treasury_drawdown_chart": "builders_peers",
    "peer_ranking_chart": "builders_peers",
    "cost_curve_chart": "builders_peers",
    "peer_scatter_chart": "builders_peers",
}

__all__ = [
    "THEME_NAME",
    "chart_to_svg",
    "cost_curve_chart",
    "cost_stack_chart",
    "enable_static_renderer",
    "margin_waterfall_chart",
    "network_context_chart",
    "output_vs_net_income_chart",
    "peer_ranking_chart",
    "peer_scatter_chart",
    "sensitivity_heatmap_chart",
    "theme_config",
    "treasury_drawdown_chart",
    "use_theme",
    "warm_up",
]

if TYPE_CHECKING:
    from mineresearch.report.charts.builders_company import (
        cost_stack_chart,
        margin_waterfall_chart,
        output_vs_net_income_chart,
    )
    from mineresearch.report.charts.builders_market import network_context_chart, sensitivity_heatmap_chart
    from mineresearch.report.charts.builders_peers import (
        cost_curve_chart,
        peer_ranking_chart,
        peer_scatter_chart,
        treasury_drawdown_chart,
    )
    from mineresearch.report.charts.render import chart_to_svg, enable_static_renderer, warm_up
    from mineresearch.report.charts.theme import THEME_NAME, theme_config, use_theme


def __getattr__(name: str) -> Any:
    """Import the submodule defining ``name`` on first use."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
