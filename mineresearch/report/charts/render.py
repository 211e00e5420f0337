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


VEGA_MIMETYPE = "application/vnd.vega.v5+json"
"""The chart MIME type JupyterLab 4 draws with its built-in Vega 5 extension (no CDN, tooltips on).

Altair 6's own ``mimetype`` renderer emits ``application/vnd.vegalite.v6.json``, which JupyterLab does not
render and which nbformat refuses (a JSON value under a key not ending in ``json``/``+json``)."""


TOOLTIP_MARKS = ("bar", "rect", "point", "circle", "square", "area", "line", "tick", "arc", "trail")


def with_tooltips(spec: dict[str, Any]) -> dict[str, Any]:
    """The Vega-Lite spec with tooltips on its data marks, for interactive views only.

    A mark's tooltip lists its encoded fields with their titles, except a colour given literally (a scale of
    None: the colour is the tooltip's own) and the end of a range (``x2``/``y2``), unless the builder wrote
    its own ``tooltip`` encoding. Text and rules (labels, source lines, reference lines) get none: a tooltip
    there repeats what is written.
    """
    out = _with_unit_tooltips(spec)
    config = dict(out.get("config") or {})
    for mark in TOOLTIP_MARKS:
        settings = dict(config.get(mark) or {})
        settings.setdefault("tooltip", {"content": "encoding"})
        config[mark] = settings
    out["config"] = config
    return out


_COMPOSED = ("layer", "vconcat", "hconcat", "concat")
_NOT_IN_TOOLTIP = ("x2", "y2", "tooltip", "text", "detail", "order", "href", "description")


def _field_title(field: str) -> str:
    """A readable name for a data column without a title (``net_income_musd`` -> ``Net income (USD millions)``)."""
    if field == "period":
        return "Quarter"
    units = {"_musd": " (USD millions)", "_usd": " (USD)", "_pct": " (%)", "_ehs": " (EH/s)", "_btc": " (BTC)"}
    text = field
    for suffix, unit in units.items():
        if text.endswith(suffix):
            text = text[: -len(suffix)] + unit
            break
    text = text.replace("_", " ")
    return text[:1].upper() + text[1:]


def _with_unit_tooltips(spec: dict[str, Any]) -> dict[str, Any]:
    out = dict(spec)
    for key in _COMPOSED:
        if isinstance(out.get(key), list):
            out[key] = [_with_unit_tooltips(part) if isinstance(part, dict) else part for part in out[key]]
    if isinstance(out.get("spec"), dict):  # facet or repeat
        out["spec"] = _with_unit_tooltips(out["spec"])
    mark = out.get("mark")
    kind = mark.get("type") if isinstance(mark, dict) else mark
    encoding = out.get("encoding")
    if kind in TOOLTIP_MARKS and isinstance(encoding, dict) and "tooltip" not in encoding:
        fields = []
        for channel, enc in encoding.items():
            if channel in _NOT_IN_TOOLTIP or not isinstance(enc, dict) or "field" not in enc:
                continue
            if channel in ("color", "fill", "stroke") and "scale" in enc and enc["scale"] is None:
                continue
            item = {k: enc[k] for k in ("field", "type", "title", "format", "timeUnit", "aggregate") if k in enc}
            if not item.get("title"):
                item["title"] = _field_title(str(enc["field"]))
            if isinstance(enc.get("axis"), dict) and "format" in enc["axis"] and "format" not in item:
                item["format"] = enc["axis"]["format"]
            fields.append(item)
        if fields:
            out["encoding"] = {**encoding, "tooltip": fields}
    return out


def to_vega(spec: dict[str, Any]) -> dict[str, Any]:
    """Compile a Vega-Lite spec to Vega offline (vl-convert), marked as a Vega 5 spec for JupyterLab."""
    import vl_convert

    vega = dict(vl_convert.vegalite_to_vega(spec, vl_version=_vl_version()))
    vega["$schema"] = "https://vega.github.io/schema/vega/v5.json"
    return vega


def interactive_bundle(chart: alt.TopLevelMixin | dict[str, Any]) -> dict[str, Any]:
    """A MIME bundle for notebooks: the chart as Vega (JupyterLab draws it, with tooltips) and as static SVG.

    The SVG is what a published report shows (the exporters drop the Vega key); nothing is fetched from a
    network by either form.
    """
    spec = chart if isinstance(chart, dict) else chart.to_dict(validate=False)
    return {
        VEGA_MIMETYPE: to_vega(with_tooltips(spec)),
        "image/svg+xml": chart_to_svg(spec),
        "text/plain": "<chart: Vega in JupyterLab, SVG in published reports>",
    }


def javascript_bundle() -> str:
    """Vega, Vega-Lite and Vega-Embed as one script (vl-convert's bundle), for an interactive report page."""
    import vl_convert

    return str(vl_convert.javascript_bundle(None, vl_version=_vl_version()))  # type: ignore[arg-type]


def enable_notebook_renderer() -> None:
    """Make Altair display any chart, also one built in a notebook cell, as :func:`interactive_bundle`."""
    if "mineresearch" not in alt.renderers.names():
        alt.renderers.register("mineresearch", lambda spec, **_: interactive_bundle(spec))
    alt.renderers.enable("mineresearch")
