"""mineresearch: quarterly research write-ups on public Bitcoin miners.

The public API is small and pinned by ``tests/test_public_api.py``. Importing the package has
no side effects: no theme, renderer, logging or file access happens until a function is called.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
