"""One Altair theme for every chart of the reports.

A sober research-note look: one font stack that resolves offline (DejaVu Sans ships with most Linux
systems, Liberation Sans and Arial elsewhere), a neutral slate palette with a single accent for losses
and one for gains, light gridlines, and a plot width that fits a column of an A4 page.

Nothing happens at import: call :func:`use_theme` once (a report's setup cell does) to register and
enable the theme.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from altair.theme import ThemeConfig

THEME_NAME = "mineresearch"

FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"

# Palette. INK for text and totals, NEUTRAL for ordinary bars, LIGHT for secondary series,
# LOSS and GAIN the only two accents, MUTED for notes such as the source line.
INK = "#1f2933"
NEUTRAL = "#52606d"
LIGHT = "#9aa5b1"
PALE = "#d9e2ec"
GRID = "#e4e7eb"
MUTED = "#616e7c"
LOSS = "#b23a48"
GAIN = "#2f7d5b"
CATEGORY = (NEUTRAL, LIGHT, "#8d6e3f", "#3e6985", "#a39e93", "#7b8794")

# Plot area in pixels: with axes and labels the rendered chart stays within ~680 px, the text column
# of an A4 page printed with 2 cm margins.
PLOT_WIDTH = 560
PLOT_HEIGHT = 260

TITLE_SIZE = 15
LABEL_SIZE = 11
SOURCE_SIZE = 10


def theme_config() -> dict[str, Any]:
    """Return the Vega-Lite config of the theme.

    Returns:
        A dict with the single key ``config``, as Altair's theme registry expects.
    """
    axis = {
        "labelFont": FONT,
        "titleFont": FONT,
        "labelFontSize": LABEL_SIZE,
        "titleFontSize": LABEL_SIZE,
        "titleFontWeight": "normal",
        "labelColor": INK,
        "titleColor": INK,
        "gridColor": GRID,
        "domainColor": LIGHT,
        "tickColor": LIGHT,
    }
    return {
        "config": {
            "font": FONT,
            "background": "white",
            "padding": 8,
            "view": {"continuousWidth": PLOT_WIDTH, "continuousHeight": PLOT_HEIGHT, "stroke": None},
            "title": {
                "font": FONT,
                "fontSize": TITLE_SIZE,
                "fontWeight": "bold",
                "color": INK,
                "anchor": "start",
                "subtitleFont": FONT,
                "subtitleColor": MUTED,
                "offset": 10,
            },
            "axis": axis,
            "axisX": {"grid": False},
            "axisY": {"grid": True, "domain": False, "ticks": False},
            "axisBand": {"grid": False},
            "legend": {
                "labelFont": FONT,
                "titleFont": FONT,
                "labelFontSize": LABEL_SIZE,
                "titleFontSize": LABEL_SIZE,
                "titleFontWeight": "normal",
                "orient": "top",
                "labelColor": INK,
                "titleColor": INK,
            },
            "header": {"labelFont": FONT, "titleFont": FONT},
            "text": {"font": FONT, "fontSize": LABEL_SIZE, "color": INK},
            "bar": {"color": NEUTRAL},
            "line": {"color": INK, "strokeWidth": 2},
            "point": {"color": INK, "filled": True, "size": 36},
            "rule": {"color": MUTED},
            "range": {"category": list(CATEGORY)},
            "concat": {"spacing": 12},
        }
    }


def use_theme() -> None:
    """Register the theme with Altair and enable it.

    Safe to call more than once. Uses Altair's ``alt.theme.register`` / ``alt.theme.enable``.
    """
    import altair as alt

    def registered() -> ThemeConfig:
        return cast("ThemeConfig", theme_config())

    alt.theme.register(THEME_NAME, enable=True)(registered)
