"""Company and sector reports: what each notebook cell shows (prose, tables, charts, parameters).

``CompanyReport`` and ``SectorReport`` are loaded on first use, so importing the package stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_LAZY = {"CompanyReport": "mineresearch.report.company", "SectorReport": "mineresearch.report.sector"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mineresearch.report.company' has no attribute {name!r}")
    return getattr(import_module(module), name)
