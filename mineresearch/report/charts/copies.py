"""Altair's defensive deep copies, made shallow while the builders compose charts they own.

Altair deep-copies whole chart trees in its composite constructors (``alt.layer``, ``alt.vconcat``) and
in ``to_dict``, so that a chart a user holds is never changed behind their back. A builder of this
package creates every chart it composes and never touches one after handing it on, so those copies
protect nothing here, yet they are about 40% of a report's chart work (0.11 s of 0.25 s per company
report, measured). Inside :func:`shallow_copies`, ``SchemaBase.copy(deep=True)`` copies the top object
only; copies of named attributes (``deep=[...]``, which ``encode`` asks for) are left as Altair makes
them. The specs that come out are the same: ``tests/test_charts.py`` compares every builder's spec
made both ways.

The switch is process-wide while it is on (it replaces a method of Altair's base class), so it is
meant for the builders and the renderer of this package, which run in one thread of a kernel.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_LOCK = threading.Lock()
_DEPTH = [0]
_ORIGINAL: list[Callable[..., Any]] = []


def _shallow_copy(self: Any, deep: bool | Iterable[Any] = True, ignore: list[str] | None = None) -> Any:
    return _ORIGINAL[0](self, deep=False if deep is True else deep, ignore=ignore)


@contextmanager
def shallow_copies() -> Iterator[None]:
    """Within: Altair copies chart objects shallowly (re-entrant; restored on exit, even on error)."""
    from altair.utils.schemapi import SchemaBase

    with _LOCK:
        if _DEPTH[0] == 0:
            _ORIGINAL[:] = [SchemaBase.copy]
            SchemaBase.copy = _shallow_copy  # type: ignore[method-assign,assignment]
        _DEPTH[0] += 1
    try:
        yield
    finally:
        with _LOCK:
            _DEPTH[0] -= 1
            if _DEPTH[0] == 0:
                SchemaBase.copy = _ORIGINAL.pop()  # type: ignore[method-assign]


def owned_charts(builder: F) -> F:
    """Decorator: run ``builder`` inside :func:`shallow_copies`."""

    @functools.wraps(builder)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with shallow_copies():
            return builder(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
