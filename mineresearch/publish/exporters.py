"""nbconvert exporters for reader-facing reports: self-contained HTML and A4 PDF.

``ReportHTMLExporter`` renders an executed report notebook with the ``mineresearch`` template
(``templates/mineresearch``): no code, no prompts, no parameter cells, no stderr, no CDN assets,
a title block from ``metadata.mineresearch``, a contents box and print CSS. ``ReportPDFExporter``
prints that HTML with headless Chromium (see :mod:`mineresearch.publish.pdf`). Both are registered as
nbconvert entry points, so ``jupyter nbconvert --to mineresearch_html|mineresearch_pdf`` works.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor
from nbformat import NotebookNode
from traitlets import Bool, Unicode, default

from mineresearch.paths import templates_dir
from mineresearch.publish.polish import polish_html

REMOVED_CELL_TAGS = frozenset({"parameters", "injected-parameters", "remove-cell"})
_CHART_MIMETYPE = re.compile(r"^application/vnd\.vega(lite)?\.v\d+(\+json|\.json)$")
_SVG_TITLE = re.compile(r"role-title-text[^>]*>\s*<text[^>]*>([^<]+)</text>")


def report_header(metadata: Mapping[str, Any]) -> str:
    """Running-header text for a report: ``"Company (TICKER) · 2025Q2"``.

    Args:
        metadata: The notebook's metadata (``metadata.mineresearch`` is read when present).

    Returns:
        The header text, falling back on the title, the ticker or an empty string.
    """
    meta = metadata.get("mineresearch", {}) or {}
    name = meta.get("company") or meta.get("ticker") or meta.get("title") or metadata.get("title") or ""
    if meta.get("company") and meta.get("ticker"):
        name = f"{meta['company']} ({meta['ticker']})"
    return " \u00b7 ".join(part for part in (name, meta.get("period") or "") if part)


class ReportPublishPreprocessor(Preprocessor):
    """Make any executed report notebook publishable the way ``mineresearch report`` publishes it.

    Refuses a notebook that was not run or has a failed cell (:func:`mineresearch.publish.notebook.check_ready`);
    sets the title block and provenance from the notebook's parameters when ``metadata.mineresearch`` is
    absent (plain papermill, JupyterLab); gives every chart that has only a Vega or Vega-Lite spec its static
    SVG; and puts the report's downloads (CSV per table and chart, one XLSX) in ``resources["outputs"]``, with
    their links in ``resources["mineresearch"]["downloads"]`` (an exporter whose ``writes_downloads`` is False,
    the PDF's, gets none).

    Where the downloads go follows nbconvert's own rule for output files (``ExtractOutputPreprocessor``): when
    the caller names a folder for them (``resources["output_files_dir"]``, which ``jupyter nbconvert`` and
    ``mineresearch report`` set), they go under ``<notebook name>_data/`` beside the page; without one (the
    Jupyter server's export, whose zip keeps only each output's base name) they lie flat beside the page
    (:func:`mineresearch.publish.notebook.download_files`). Either way every link resolves.
    """

    enabled = True

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        """Check, complete and collect; the notebook's outputs are changed only to add missing SVGs."""
        from mineresearch.publish.notebook import check_ready, metadata_from_parameters

        check_ready(nb)
        if not nb.metadata.get("mineresearch"):
            meta = metadata_from_parameters(nb)
            if meta:
                nb.metadata["mineresearch"] = meta
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                if "data" in output and "image/svg+xml" not in output.data:
                    _add_svg(output.data)
        if getattr(self.parent, "writes_downloads", True):
            self._collect_downloads(nb, resources)
        return nb, resources

    @staticmethod
    def _collect_downloads(nb: NotebookNode, resources: dict[str, Any]) -> None:
        from mineresearch.publish.notebook import download_files

        name = (resources.get("metadata") or {}).get("name") or "report"
        folder = f"{name}_data" if resources.get("output_files_dir") is not None else None
        files, links = download_files(nb, folder)
        resources.setdefault("outputs", {}).update(files)
        resources.setdefault("mineresearch", {})["downloads"] = links


def _add_svg(data: dict[str, Any]) -> None:
    """Convert a Vega (5) or Vega-Lite spec in a MIME bundle to SVG, offline."""
    import vl_convert

    from mineresearch.report.charts.render import _vl_version

    for key, spec in list(data.items()):
        if not _CHART_MIMETYPE.match(key) or not isinstance(spec, Mapping):
            continue
        if ".vegalite." in key:
            data["image/svg+xml"] = vl_convert.vegalite_to_svg(dict(spec), vl_version=_vl_version())
        else:
            data["image/svg+xml"] = vl_convert.vega_to_svg(dict(spec))
        return


def tag_remover(parent: Any = None) -> TagRemovePreprocessor:
    """nbconvert's own tag filter, set up for reports: the cells tagged ``parameters``, ``injected-parameters``
    or ``remove-cell`` go, and so do the outputs of cells tagged ``remove-output``."""
    return TagRemovePreprocessor(parent=parent, remove_cell_tags=set(REMOVED_CELL_TAGS),
                                 remove_all_outputs_tags={"remove-output"}, enabled=True)


class ReportCleanupPreprocessor(Preprocessor):
    """Keep only what a reader should see (after :func:`tag_remover` has removed the tagged cells).

    Removes stderr streams; Vega/Vega-Lite specs (no JS in the page) and the ``text/plain`` fallback of
    any output that has a richer form; code cells left without output. A chart that has only a spec and its
    text fallback is dropped with a warning: its static image is missing (the notebook must enable Altair's
    ``svg`` renderer).

    When the exporter draws interactive charts (``draws_interactive_charts``), each chart's spec becomes a
    placeholder that the page's inlined Vega draws instead, and the footer's parameters say
    ``charts=interactive``; on any other page they do not name the chart mode.
    """

    enabled = True
    _interactive = 0  # charts of the notebook being cleaned that were made interactive
    _static = 0  # and those left as SVG

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        """Filter outputs and drop empty code cells, in place; return the notebook."""
        self._interactive = self._static = 0
        kept = []
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = self._clean(cell.get("outputs", []))
                if not cell.outputs:
                    continue
            kept.append(cell)
        nb.cells = kept
        if getattr(self.parent, "draws_interactive_charts", False) and self._static and not self._interactive:
            self.log.warning("interactive charts were asked for, but no chart carries a Vega spec (run the "
                             "notebook with static_charts=False): the page shows static charts")
        _name_chart_mode(nb, interactive=self._interactive > 0)
        return nb, resources

    def _clean(self, outputs: list[NotebookNode]) -> list[NotebookNode]:
        cleaned = []
        for output in outputs:
            if output.output_type == "stream" and output.get("name") == "stderr":
                continue
            if "data" in output:
                data = output.data
                if getattr(self.parent, "draws_interactive_charts", False) and _to_vega_html(data):
                    self._interactive += 1
                    cleaned.append(output)
                    continue
                had_chart = any(_CHART_MIMETYPE.match(k) for k in data)
                for key in [k for k in data if _CHART_MIMETYPE.match(k)]:
                    del data[key]
                if len(data) > 1:
                    data.pop("text/plain", None)
                if had_chart and set(data) <= {"text/plain"}:
                    self.log.warning("dropped a chart output without a static image (enable the svg renderer)")
                    continue
                if "image/svg+xml" in data:
                    self._static += 1
                    found = _SVG_TITLE.search(data["image/svg+xml"])
                    alt = found.group(1).strip() if found else "Chart"
                    output.setdefault("metadata", {})["mineresearch"] = {"alt": alt}
            cleaned.append(output)
        return cleaned


def _name_chart_mode(nb: NotebookNode, *, interactive: bool) -> None:
    """Say ``charts=interactive`` among the footer's parameters exactly when the page draws interactive charts."""
    from mineresearch.publish.notebook import CHARTS_PARAMETER

    provenance = (nb.metadata.get("mineresearch") or {}).get("provenance")
    if not isinstance(provenance, dict):
        return  # no footer parameters to amend (a notebook without a title block)
    parameters = dict(provenance.get("parameters") or {})
    parameters.pop(CHARTS_PARAMETER, None)
    if interactive:
        parameters[CHARTS_PARAMETER] = "interactive"
    provenance["parameters"] = dict(sorted(parameters.items()))


# Each chart is drawn as SVG (crisp when the page is printed from a browser), with tooltips; a chart that cannot
# be drawn says so in its box rather than staying blank.
_VEGA_INIT = """<script>
document.querySelectorAll(".mr-vega").forEach(function (el) {
  var view = el.querySelector(".mr-vega-view");
  var spec = JSON.parse(el.querySelector("script[type='application/json']").textContent);
  vegaEmbed(view, spec, {actions: false, tooltip: true, renderer: "svg"}).catch(function (err) {
    view.textContent = "This chart could not be drawn: " + err;
  });
});
</script>"""


def _to_vega_html(data: dict[str, Any]) -> bool:
    """Replace a chart's MIME bundle by a placeholder the page's inlined Vega draws (False: not a chart)."""
    import json

    from mineresearch.report.charts.render import to_vega, with_tooltips

    key = next((k for k in data if _CHART_MIMETYPE.match(k)), None)
    if key is None or not isinstance(data[key], Mapping):
        return False
    spec = dict(data[key])
    if ".vegalite." in key:
        spec = to_vega(with_tooltips(spec))
    text = json.dumps(spec).replace("</", "<\\/")
    for k in list(data):
        del data[k]
    data["text/html"] = (f'<div class="mr-vega mr-chart"><div class="mr-vega-view"></div>'
                         f'<script type="application/json">{text}</script></div>')
    return True


def _inline_vega(html: str) -> str:
    """Inline vl-convert's Vega bundle once, before ``</body>``, when the page has interactive charts."""
    if 'class="mr-vega' not in html:
        return html
    bundle = vega_bundle().replace("</script", "<\\/script")
    return html.replace("</body>", f"<script>{bundle}</script>{_VEGA_INIT}</body>", 1)


def vega_bundle() -> str:
    """Vega, Vega-Lite and Vega-Embed as one script (vl-convert's bundle), kept on disk once built.

    Building the bundle costs vl-convert about a second in each process; it is kept beside the other caches
    (:func:`mineresearch.dataset.cache.cache_dir`), keyed by the vl-convert and Vega-Lite versions, and
    built afresh when caching is off or the file cannot be read.
    """
    import vl_convert

    from mineresearch.dataset.cache import cache_dir
    from mineresearch.report.charts.render import _vl_version, javascript_bundle

    where, version = cache_dir(), getattr(vl_convert, "__version__", None)
    path = where / f"vega-bundle-{version}-vl{_vl_version()}.js" if where is not None and version else None
    if path is not None:
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            pass
    bundle = javascript_bundle()
    if path is not None:
        _keep(path, bundle)
    return bundle


def _keep(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (a temporary file, then a rename); failures are ignored."""
    import contextlib
    import os

    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


class ReportHTMLExporter(HTMLExporter):
    """Self-contained, reader-facing HTML of an executed report notebook."""

    export_from_notebook = "Research report (HTML)"

    @default("template_name")
    def _template_name_default(self) -> str:
        return "mineresearch"

    @default("extra_template_basedirs")
    def _default_extra_template_basedirs(self) -> list[str]:
        return [str(templates_dir())]

    @default("exclude_input")
    def _exclude_input_default(self) -> bool:
        return True

    @default("exclude_input_prompt")
    def _exclude_input_prompt_default(self) -> bool:
        return True

    @default("exclude_output_prompt")
    def _exclude_output_prompt_default(self) -> bool:
        return True

    @default("embed_images")
    def _embed_images_default(self) -> bool:
        return True

    interactive_charts = Bool(
        False, help="Interactive charts: the Vega bundle inlined once in the page (still no external URL); "
        "needs a notebook run with static_charts=False. Default: static SVG. The PDF exporter ignores it."
    ).tag(config=True)

    writes_downloads = True
    """Whether the export carries the report's downloads (CSV, XLSX) as output files linked from the page."""

    @property
    def draws_interactive_charts(self) -> bool:
        """Whether this export draws charts with Vega in the page (never for print: see the PDF exporter)."""
        return bool(self.interactive_charts)

    def __init__(self, **kwargs: Any) -> None:
        """Create the exporter and register the publish and cleanup preprocessors (see ``HTMLExporter``)."""
        super().__init__(**kwargs)
        self.register_preprocessor(ReportPublishPreprocessor(parent=self), enabled=True)
        self.register_preprocessor(tag_remover(parent=self), enabled=True)
        self.register_preprocessor(ReportCleanupPreprocessor(parent=self), enabled=True)

    def _create_environment(self) -> Any:
        """nbconvert's Jinja environment, with compiled templates kept on disk (a cold report skips compiling).

        Jinja keys each cached template by its name and checks its source's checksum, so an edited template
        is compiled again; the cache lives beside the dataset cache (``MINERESEARCH_CACHE=off`` disables both).
        """
        environment = super()._create_environment()
        from mineresearch.dataset.cache import cache_dir

        where = cache_dir()
        if where is not None:
            try:
                from jinja2 import FileSystemBytecodeCache

                folder = where / "templates"
                folder.mkdir(parents=True, exist_ok=True)
                environment.bytecode_cache = FileSystemBytecodeCache(str(folder))
            except OSError:
                pass  # an unwritable cache folder only costs the compilation
        return environment

    def from_notebook_node(  # type: ignore[override]
        self, nb: NotebookNode, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[str, dict[str, Any]]:
        """Render ``nb`` to HTML; the notebook passed in is not modified."""
        from mineresearch.publish.notebook import NotReadyError

        try:
            html, resources = super().from_notebook_node(nb, resources, **kw)
        except NotReadyError as exc:
            raise ValueError(f"cannot publish this notebook as a report: {exc}") from None
        html = polish_html(html)
        if self.draws_interactive_charts:
            html = _inline_vega(html)
        return html, resources


class ReportPDFExporter(ReportHTMLExporter):
    """A4 PDF of a report: the HTML of :class:`ReportHTMLExporter` printed by headless Chromium.

    Each export starts and stops its own browser; a batch should keep one
    :class:`mineresearch.publish.pdf.PdfPrinter` open and print every report's HTML with it instead.

    Charts are printed as their static SVG whatever ``interactive_charts`` says (a script-drawn chart may not
    be drawn yet when the page prints). The PDF carries no downloads (its page does not show their links), so
    the Jupyter server sends the PDF itself rather than a zip (its zip writer takes the output for text).
    """

    export_from_notebook = "Research report (PDF)"
    output_mimetype = "application/pdf"
    chromium_path = Unicode(
        None, allow_none=True, help="Chromium executable; default: mineresearch.publish.pdf.find_chromium()"
    ).tag(config=True)
    writes_downloads = False

    @property
    def draws_interactive_charts(self) -> bool:
        """Never: a printed page shows each chart's static SVG."""
        return False

    @default("file_extension")
    def _file_extension_default(self) -> str:
        return ".pdf"

    @default("template_extension")
    def _template_extension_default(self) -> str:
        return ".html.j2"

    def from_notebook_node(  # type: ignore[override]
        self, nb: NotebookNode, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[bytes, dict[str, Any]]:
        """Render ``nb`` to HTML, print it to PDF and return the PDF bytes."""
        from mineresearch.publish.pdf import PdfPrinter, run_outside_event_loop

        html, resources = super().from_notebook_node(nb, resources, **kw)
        header = report_header(nb.metadata)

        def render() -> bytes:
            with tempfile.TemporaryDirectory(prefix="mineresearch-pdf-") as tmp:
                html_path, pdf_path = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
                html_path.write_text(html, encoding="utf-8")
                with PdfPrinter(executable=self.chromium_path) as printer:
                    printer.print_html(html_path, pdf_path, header=header)
                return pdf_path.read_bytes()

        pdf = run_outside_event_loop(render)
        resources["output_extension"] = ".pdf"
        return pdf, resources
