"""Report HTML in process: one exporter per process, so its template is compiled once.

A batch worker inherits a compiled exporter from its fork server (:mod:`mineresearch.run.worker_warmup`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mineresearch.exceptions import RenderError

if TYPE_CHECKING:
    import nbformat

_EXPORTERS: dict[str, Any] = {}


def html_exporter(*, interactive_charts: bool = False) -> Any:
    """This process's one :class:`mineresearch.publish.exporters.ReportHTMLExporter` for a chart mode."""
    key = "interactive" if interactive_charts else "html"
    if key not in _EXPORTERS:
        from mineresearch.publish.exporters import ReportHTMLExporter

        _EXPORTERS[key] = ReportHTMLExporter(interactive_charts=interactive_charts)
    return _EXPORTERS[key]


def warm_html_exporter() -> None:
    """Compile the report template by rendering a small notebook (a batch's fork server does it ahead)."""
    import nbformat

    output = nbformat.v4.new_output("display_data", data={"text/html": "<table><tr><td>1</td></tr></table>"})
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("## Warm-up\n\n*a* **b**"), nbformat.v4.new_code_cell("", outputs=[output]),
    ])
    nb.metadata["mineresearch"] = {"title": "warm-up", "period": "", "generated": "", "data_as_of": ""}
    html_exporter().from_notebook_node(nb)


def render_html(nb: nbformat.NotebookNode) -> str:
    """The report page for an executed notebook.

    Raises:
        RenderError: The exporter failed (the message names the exception).
    """
    return render_report(nb)[0]


def render_report(nb: nbformat.NotebookNode, name: str = "report", *, interactive_charts: bool = False
                  ) -> tuple[str, dict[str, bytes]]:
    """The report page and its downloads (``{"<name>_data/<file>": bytes}``, linked from the page).

    Args:
        nb: the executed report notebook.
        name: the page's file stem (its downloads folder is ``<name>_data``).
        interactive_charts: draw the charts with the inlined Vega bundle (the notebook must carry their
            specs: run with ``static_charts=False``); default: static SVG.

    Raises:
        RenderError: The exporter failed (the message names the exception).
    """
    resources = {"metadata": {"name": name}, "output_files_dir": f"{name}_data"}
    try:
        body, resources = html_exporter(interactive_charts=interactive_charts).from_notebook_node(nb, resources)
    except Exception as exc:
        raise RenderError(f"HTML rendering failed: {type(exc).__name__}: {exc}") from exc
    return str(body), dict(resources.get("outputs") or {})
