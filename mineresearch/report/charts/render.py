"""Static rendering of charts: SVG through vl-convert, no network, no JavaScript at view time.

Altair's default renderer writes HTML that loads Vega from a CDN, which breaks offline and in PDFs;
the ``mimetype`` renderer writes a MIME key that papermill refuses. Reports therefore switch Altair to
its ``svg`` renderer (:func:`enable_static_renderer`), which converts each chart with vl-convert and
emits ``image/svg+xml``.
"""

from __future__ import annotations

from typing import Any

import altair as alt

from mineresearch.fast import render_svg


def _vl_version() -> str:
    """The Vega-Lite version string vl-convert should use for this Altair (e.g. ``"6.4"``)."""
    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return major_minor


def chart_to_svg(chart: alt.TopLevelMixin | dict[str, Any]) -> str:
    """Convert a chart to an SVG document, offline.

    In a kernel forked for a batch build, the SVG render service named by ``MINERESEARCH_SVG_SOCKET``
    converts it (:mod:`mineresearch.fast.svg_service`); without a reachable service, vl-convert runs in this
    process. Both call vl-convert with the same spec and version and give the same SVG.

    Args:
        chart: An Altair top-level chart, or a Vega-Lite spec as a dict.

    Returns:
        The SVG markup as a string.

    Raises:
        ValueError: vl-convert could not convert the spec.
    """
    spec = chart if isinstance(chart, dict) else chart.to_dict()
    version = _vl_version()
    svg = render_svg(spec, version)
    if svg is not None:
        return svg
    import vl_convert

    return str(vl_convert.vegalite_to_svg(spec, vl_version=version))


def enable_static_renderer() -> None:
    """Switch Altair to its ``svg`` renderer so notebook outputs are ``image/svg+xml``."""
    alt.renderers.enable("svg")


def warm_up() -> None:
    """Convert one tiny chart so that the first real conversion does not pay vl-convert's start-up."""
    tiny = alt.Chart(alt.Data(values=[{"x": 1}])).mark_point().encode(x="x:Q")
    chart_to_svg(tiny)
