"""Unit normalisation onto the vocabulary's canonical units."""

from __future__ import annotations

import pytest

from mineresearch.dataset.units import UnknownUnitError, canonical_unit, convertible, normalise, printed_step


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        ("43565.0", "USD thousands", (43_565_000.0, "USD")),
        ("62.7", "USD millions", (62_700_000.0, "USD")),
        ("49", "USD millions (rounded)", (49_000_000.0, "USD")),
        ("1.03", "USD billions", (1_030_000_000.0, "USD")),
        ("0.047", "USD/kWh", (47.0, "USD/MWh")),
        ("4.3", "US cents/kWh", (43.0, "USD/MWh")),
        ("39.82", "USD/MWh", (39.82, "USD/MWh")),
        ("18.3", "W/TH", (18.3, "J/TH")),
        ("899", "PH/s", (0.899, "EH/s")),
        (1063, "BTC", (1063.0, "BTC")),
    ],
)
def test_normalise_converts_to_canonical_units(value: str, unit: str, expected: tuple[float, str]) -> None:
    assert normalise(value, unit) == expected


def test_decimal_arithmetic_is_exact() -> None:
    # 0.1 + 0.2 style float error would give 62700000.00000001
    assert normalise("62.7", "USD millions")[0] == 62_700_000
    assert normalise("0.027", "USD/kWh")[0] == 27.0


def test_unknown_unit_and_bad_value_raise() -> None:
    with pytest.raises(UnknownUnitError, match="furlongs"):
        normalise("1", "furlongs")
    with pytest.raises(ValueError, match="not a number"):
        normalise("12a", "USD")
    with pytest.raises(ValueError, match="finite"):
        normalise("nan", "USD")


def test_canonical_unit_and_convertible() -> None:
    assert canonical_unit("USD thousands") == "USD"
    assert convertible("US cents/kWh", "USD/MWh")
    assert not convertible("USD/kWh", "USD")
    with pytest.raises(UnknownUnitError):
        canonical_unit("%")


@pytest.mark.parametrize(
    ("value", "unit", "step"),
    [
        ("50", "USD millions", 1_000_000.0),
        ("62.7", "USD millions", 100_000.0),
        ("43565.0", "USD thousands", 1_000.0),
        ("1.03", "USD billions", 10_000_000.0),
        ("4.3", "US cents/kWh", 1.0),
        ("-0.047", "USD/kWh", 1.0),
        ("1063", "BTC", 1.0),
    ],
)
def test_printed_step_is_the_last_printed_digit(value: str, unit: str, step: float) -> None:
    assert printed_step(value, unit) == pytest.approx(step)
