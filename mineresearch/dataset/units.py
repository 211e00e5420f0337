"""Unit normalisation: source units onto the vocabulary's canonical units.

Money goes to plain USD (thousands, millions and billions scaled up; "(rounded)" only says the source
rounded the figure), power prices to USD/MWh (1 USD/kWh = 1,000 USD/MWh; 1 US cent/kWh = 10 USD/MWh)
and fleet efficiency to J/TH (1 W/TH = 1 J/TH, since a watt is a joule per second and the TH is a
rate per second). Arithmetic is decimal so ``62.7`` USD millions becomes exactly 62,700,000 USD.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

CONVERSIONS: dict[str, tuple[str, Decimal]] = {
    "USD": ("USD", Decimal(1)),
    "USD thousands": ("USD", Decimal(1_000)),
    "USD millions": ("USD", Decimal(1_000_000)),
    "USD millions (rounded)": ("USD", Decimal(1_000_000)),
    "USD billions": ("USD", Decimal(1_000_000_000)),
    "USD/kWh": ("USD/MWh", Decimal(1_000)),
    "US cents/kWh": ("USD/MWh", Decimal(10)),
    "USD/MWh": ("USD/MWh", Decimal(1)),
    "W/TH": ("J/TH", Decimal(1)),
    "J/TH": ("J/TH", Decimal(1)),
    "EH/s": ("EH/s", Decimal(1)),
    "PH/s": ("EH/s", Decimal("0.001")),
    "BTC": ("BTC", Decimal(1)),
    "USD/BTC": ("USD/BTC", Decimal(1)),
    "USD/share": ("USD/share", Decimal(1)),
    "MW": ("MW", Decimal(1)),
    "shares": ("shares", Decimal(1)),
    "blocks": ("blocks", Decimal(1)),
}
"""Source unit -> (canonical unit, multiplier)."""


class UnknownUnitError(ValueError):
    """A unit the normaliser does not know."""


def canonical_unit(unit: str) -> str:
    """The canonical unit a source unit converts to.

    Raises:
        UnknownUnitError: the unit is not in ``CONVERSIONS``.
    """
    try:
        return CONVERSIONS[unit.strip()][0]
    except KeyError:
        raise UnknownUnitError(f"unknown unit {unit!r}") from None


def normalise(value: str | float, unit: str) -> tuple[float, str]:
    """Convert a value in a source unit to the canonical unit.

    Args:
        value: the figure as printed (a number or its text, e.g. ``"43565.0"``).
        unit: the source unit, e.g. ``"USD thousands"`` or ``"US cents/kWh"``.

    Returns:
        ``(value, canonical unit)``, e.g. ``normalise("4.3", "US cents/kWh") == (43.0, "USD/MWh")``.

    Raises:
        UnknownUnitError: the unit is not known.
        ValueError: the value is not a number.
    """
    target, factor = CONVERSIONS.get(unit.strip(), (None, None))
    if target is None or factor is None:
        raise UnknownUnitError(f"unknown unit {unit!r}")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None
    if not amount.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return float(amount * factor), target


def printed_step(value: str | float, unit: str) -> float:
    """Place value, in the canonical unit, of the last digit the source printed.

    Decimal places count once trailing zeros are stripped (a CSV writes ``43565.0`` for 43,565); the
    integer digits all count. ``printed_step("50", "USD millions") == 1_000_000`` (a figure printed as
    "$50 million"), ``printed_step("62.7", "USD millions") == 100_000``, ``printed_step("4.3", "US cents/kWh") == 1.0``.

    Raises:
        UnknownUnitError: the unit is not known.
    """
    entry = CONVERSIONS.get(unit.strip())
    if entry is None:
        raise UnknownUnitError(f"unknown unit {unit!r}")
    text = str(value).strip().lstrip("+-")
    fraction = text.partition(".")[2].rstrip("0") if "e" not in text.lower() else ""
    return float(Decimal(10) ** -len(fraction) * entry[1])


def convertible(unit: str, target: str) -> bool:
    """True when ``unit`` normalises to ``target``."""
    entry = CONVERSIONS.get(unit.strip())
    return entry is not None and entry[0] == target
