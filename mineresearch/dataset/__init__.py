"""The data a report reads: loading, schemas, validation, vocabulary, units, periods, selection, cache.

``Dataset`` and ``load_dataset`` are loaded on first use, so importing the package stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_LAZY = {"Dataset": "mineresearch.dataset.load", "load_dataset": "mineresearch.dataset.load"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mineresearch.dataset.load' has no attribute {name!r}")
    return getattr(import_module(module), name)
