"""A company-quarter's figures, section by section, from the dataset (``quarter_data``) through the metrics.

The section builders are named here for the notebooks (``analysis.build_margins(q)``) and imported on first
use, so importing the package stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_LAZY = {
    "quarter_data": "summary", "company_quarter_summary": "summary",
    "build_headline": "operations", "build_kpis": "operations", "build_output_vs_profit": "operations",
    "build_margins": "operations", "build_cost_stack": "operations", "build_network": "operations",
    "build_breakevens": "risk", "build_strategy": "risk", "forward_assumptions": "risk",
    "build_treasury": "treasury", "build_checklist": "checklist", "build_sources": "checklist",
}
__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mineresearch.analysis' has no attribute {name!r}")
    return getattr(import_module(f"mineresearch.analysis.{module}"), name)
