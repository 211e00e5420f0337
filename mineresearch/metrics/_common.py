"""Small numeric helpers shared by the metric modules (private)."""

from __future__ import annotations

import math


def as_float(value: object) -> float:
    """A value as a float, with ``None``, NaN and non-numbers all becoming NaN."""
    if value is None:
        return math.nan
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan
    return out


def divide(numerator: float, denominator: float) -> float:
    """``numerator / denominator``, NaN when the denominator is zero or either side is missing."""
    n, d = as_float(numerator), as_float(denominator)
    if math.isnan(n) or math.isnan(d) or d == 0.0:
        return math.nan
    return n / d
