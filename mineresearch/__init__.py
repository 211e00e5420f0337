"""mineresearch: quarterly research write-ups on public Bitcoin miners.

The public API is small and pinned by ``tests/test_public_api.py``. Importing the package has no side
effects and stays cheap: the names below are loaded on first use, and no theme, renderer, logging or file
access happens until a function is called.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_LAZY: dict[str, str] = {
    "load_dataset": "mineresearch.dataset.load",
    "Dataset": "mineresearch.dataset.load",
    "ReportParams": "mineresearch.report.params",
    "SectorParams": "mineresearch.report.params",
    "run_report": "mineresearch.run.runner",
    "ReportJob": "mineresearch.run.jobs",
    "build": "mineresearch.run.build",
    "company_quarter_summary": "mineresearch.analysis.summary",
    "MineResearchError": "mineresearch.exceptions",
    "DataValidationError": "mineresearch.exceptions",
    "ParameterError": "mineresearch.exceptions",
    "ReportExecutionError": "mineresearch.exceptions",
    "RenderError": "mineresearch.exceptions",
    "BrowserNotFoundError": "mineresearch.exceptions",
}

__all__ = ["__version__", *sorted(_LAZY)]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mineresearch' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
