"""The one change function of the package: a percent change, a percentage-point change, or "n.m.".

Every quarter-on-quarter and year-on-year figure (KPI table, headline, network prose) comes from
:func:`change`, so the same pair of numbers always reads the same way:

- a metric in percent units (``unit == "%"``: margins, shares) changes by **percentage points**,
  ``current - base`` (40.8% -> 40.5% is -0.3 pp, not -0.7%);
- any other metric changes by ``100 x (current - base) / |base|`` percent. Dividing by ``|base|`` keeps
  the sign of the change equal to the direction of the move: a loss narrowing from -100 to -50 is +50%;
- the percent change is **not meaningful** ("n.m.") when the base is zero, when the sign flips between
  base and current (a loss of $533.4M turning into income of $808.2M is not "+251.5%"), or when the
  base is tiny against the current value, ``|base| < NM_BASE_RATIO x |current|`` (a move of more than
  +900%, such as $0.9M -> $50.6M).

A missing value on either side gives a ``missing`` change (shown as "not disclosed").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mineresearch.metrics._common import as_float

NM_BASE_RATIO = 0.1
"""A base smaller than this fraction of the current value makes a percent change "n.m." (> +900%)."""

PERCENT_UNITS = frozenset({"%", "pct", "percent"})


@dataclass(frozen=True)
class Change:
    """A change between two values.

    Attributes:
        value: the change, in percent (``unit == "%"``) or percentage points (``unit == "pp"``);
            NaN unless ``status == "ok"``.
        unit: ``"%"`` or ``"pp"``.
        status: ``"ok"``, ``"n.m."`` (not meaningful: sign flip, zero or tiny base) or ``"missing"``.
    """

    value: float
    unit: str
    status: str

    @property
    def ok(self) -> bool:
        """True when the change has a value."""
        return self.status == "ok"

    @property
    def not_meaningful(self) -> bool:
        """True for "n.m." (a sign flip, or a zero or tiny base)."""
        return self.status == "n.m."


def change(current: float | None, base: float | None, unit: str = "") -> Change:
    """The change from ``base`` to ``current`` for a metric measured in ``unit``.

    Args:
        current: the later value.
        base: the earlier value (prior quarter, year-ago quarter).
        unit: the metric's unit; ``"%"`` gives a percentage-point change, anything else a percent change.

    Returns:
        A :class:`Change`. Examples: ``change(40.5, 40.8, "%")`` is -0.3 pp;
        ``change(808.2e6, -533.4e6, "USD")`` is n.m.; ``change(910, 800)`` is +13.75%.
    """
    cur, old = as_float(current), as_float(base)
    points = unit in PERCENT_UNITS
    out_unit = "pp" if points else "%"
    if math.isnan(cur) or math.isnan(old) or math.isinf(cur) or math.isinf(old):
        return Change(math.nan, out_unit, "missing")
    if points:
        return Change(cur - old, "pp", "ok")
    if old == 0.0 or cur * old < 0.0 or abs(old) < NM_BASE_RATIO * abs(cur):
        return Change(math.nan, "%", "n.m.")
    return Change(100.0 * (cur - old) / abs(old), "%", "ok")


def change_pct(current: float | None, base: float | None) -> float:
    """The percent change of :func:`change` as a number: NaN when missing or not meaningful."""
    return change(current, base).value
