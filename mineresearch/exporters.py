"""nbconvert exporters for reader-facing reports: self-contained HTML and A4 PDF.

``ReportHTMLExporter`` renders an executed report notebook with the ``mineresearch`` template
(``templates/mineresearch``): no code, no prompts, no parameter cells, no stderr, no CDN assets,
a title block from ``metadata.mineresearch``, a contents box and print CSS. ``ReportPDFExporter``
prints that HTML with headless Chromium (see :mod:`mineresearch.pdf`). Both are registered as
nbconvert entry points, so ``jupyter nbconvert --to mineresearch_html|mineresearch_pdf`` works.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup, Tag
from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from traitlets import Set, Unicode, default

from mineresearch.paths import templates_dir

REMOVED_CELL_TAGS = frozenset({"parameters", "injected-parameters", "remove-cell"})
_CHART_MIMETYPE = re.compile(r"^application/vnd\.vega(lite)?\.v\d+(\+json|\.json)$")
_SVG_TITLE = re.compile(r"role-title-text[^>]*>\s*<text[^>]*>([^<]+)</text>")
_NUMBER = re.compile(
    r"^[(\s]*[+\-\u2212\u2013]?\s*(?:USD\s*|US\$|\$|\u20ac|\u00a3)?[+\-\u2212]?\d[\d,]*(?:\.\d+)?\s*"
    r"(?:%|pp|bp|x|k|m|bn|[KMBT])?\)?(?:\s?[A-Za-z$%]{1,5}(?:/[A-Za-z]{1,5}){0,2})?\s*$"
)
_NUMBERED_HEADING = re.compile(r"^\d+(\.\d+)*[.)]?\s")  # "1. Headline": the contents list adds no numbers
_LONG_TEXT = 32  # characters: longer text cells may wrap even on screen
_MISSING = {"", "-", "\u2013", "\u2014", "n/a", "na", "nan", "none", "not disclosed", "\u00a0"}


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


class ReportCleanupPreprocessor(Preprocessor):
    """Keep only what a reader should see.

    Removes cells tagged ``parameters``, ``injected-parameters`` or ``remove-cell``; outputs of
    cells tagged ``remove-output``; stderr streams; Vega/Vega-Lite specs (no JS in the page) and
    the ``text/plain`` fallback of any output that has a richer form; code cells left without
    output. A chart that has only a spec and its text fallback is dropped with a warning: its
    static image is missing (the notebook must enable Altair's ``svg`` renderer).
    """

    remove_cell_tags = Set(set(REMOVED_CELL_TAGS), help="Cells with these tags are removed.").tag(config=True)
    enabled = True

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> tuple[NotebookNode, dict[str, Any]]:
        """Filter cells and outputs in place and return the notebook."""
        kept = []
        for cell in nb.cells:
            tags = set(cell.get("metadata", {}).get("tags", []))
            if tags & set(self.remove_cell_tags):
                continue
            if cell.cell_type == "code":
                cell.outputs = [] if "remove-output" in tags else self._clean(cell.get("outputs", []))
                if not cell.outputs:
                    continue
            kept.append(cell)
        nb.cells = kept
        return nb, resources

    def _clean(self, outputs: list[NotebookNode]) -> list[NotebookNode]:
        cleaned = []
        for output in outputs:
            if output.output_type == "stream" and output.get("name") == "stderr":
                continue
            if "data" in output:
                data = output.data
                had_chart = any(_CHART_MIMETYPE.match(k) for k in data)
                for key in [k for k in data if _CHART_MIMETYPE.match(k)]:
                    del data[key]
                if len(data) > 1:
                    data.pop("text/plain", None)
                if had_chart and set(data) <= {"text/plain"}:
                    self.log.warning("dropped a chart output without a static image (enable the svg renderer)")
                    continue
                if "image/svg+xml" in data:
                    found = _SVG_TITLE.search(data["image/svg+xml"])
                    alt = found.group(1).strip() if found else "Chart"
                    output.setdefault("metadata", {})["mineresearch"] = {"alt": alt}
            cleaned.append(output)
        return cleaned


def _is_missing(text: str) -> bool:
    return text.strip().lower() in _MISSING


def _span(cell: Tag, name: str) -> int:
    try:
        return max(1, int(str(cell.get(name) or 1)))
    except ValueError:
        return 1


def _grid(rows: list[Tag]) -> list[list[tuple[int, Tag]]]:
    """Rows of ``(column position, cell)``, honouring col- and rowspans."""
    grid: list[list[tuple[int, Tag]]] = []
    covered: dict[int, int] = {}  # column -> rows still covered by a rowspan from above
    for tr in rows:
        row: list[tuple[int, Tag]] = []
        col = 0
        for cell in tr.find_all(["th", "td"], recursive=False):
            while covered.get(col, 0) > 0:
                col += 1
            width, height = _span(cell, "colspan"), _span(cell, "rowspan")
            if height > 1:
                covered.update({col + offset: height for offset in range(width)})
            row.append((col, cell))
            col += width
        covered = {c: n - 1 for c, n in covered.items() if n > 1}
        grid.append(row)
    return grid


def _rows(table: Tag, *, header: bool) -> list[Tag]:
    """The table's own rows, in its head (``header=True``) or anywhere else."""
    return [
        tr
        for tr in table.find_all("tr")
        if tr.find_parent("table") is table and (tr.parent is not None and tr.parent.name == "thead") == header
    ]


def _classes(cell: Tag) -> list[str]:
    current = cell.get("class")
    return list(current) if isinstance(current, list) else str(current or "").split()


def _add_class(cell: Tag, name: str) -> None:
    cell["class"] = " ".join([*_classes(cell), name])


def _merge_index_name_row(table: Tag) -> None:
    """Fold pandas' separate index-name header row into the blank corner cell above it."""
    rows = _rows(table, header=True)
    if len(rows) != 2:
        return
    first, second = (tr.find_all(["th", "td"], recursive=False) for tr in rows)
    named = [cell for cell in second if not _is_missing(cell.get_text())]
    if len(first) == len(second) and named == second[:1] and first and _is_missing(first[0].get_text()):
        first[0].string = named[0].get_text()
        first[0]["class"] = "index_name"
        _add_class(rows[1], "mr-empty-header")


def _polish_table(table: Tag) -> None:
    """Mark numeric columns (right-aligned, tabular figures) and missing values."""
    _merge_index_name_row(table)
    body = _grid(_rows(table, header=False))
    numeric: dict[int, bool] = {}
    for row in body:
        for col, cell in row:
            if cell.name != "td":
                continue
            text, marked = cell.get_text(), _classes(cell)
            if _is_missing(text) or "nd" in marked:
                _add_class(cell, "mr-missing")
            else:
                is_number = "num" in marked or bool(_NUMBER.match(text))
                numeric[col] = numeric.get(col, True) and is_number
    for row in body:
        for col, cell in row:
            if cell.name == "td":
                _add_class(cell, "mr-num" if numeric.get(col) else "mr-text")
            if not numeric.get(col) and len(cell.get_text().strip()) > _LONG_TEXT:
                _add_class(cell, "mr-long")
    for row in _grid(_rows(table, header=True)):
        for col, cell in row:
            if numeric.get(col) and _span(cell, "colspan") == 1:
                _add_class(cell, "mr-num")


def _build_toc(soup: BeautifulSoup) -> None:
    """Fill ``nav#contents`` with links to the body's h2 headings (giving ids where missing)."""
    nav = soup.find("nav", id="contents")
    if nav is None:
        return
    headings = soup.select("main.mr-body h2")
    if not headings:
        nav.decompose()
        return
    title = soup.new_tag("p", attrs={"class": "mr-toc-title"})
    title.string = "Contents"
    numbered = all(_NUMBERED_HEADING.match(h.get_text().strip()) for h in headings)
    listing = soup.new_tag("ol", attrs={"class": "mr-toc-numbered"} if numbered else {})
    for number, heading in enumerate(headings, start=1):
        anchor = heading.get("id") or f"section-{number}"
        heading["id"] = anchor
        link_text = "".join(
            str(s) for s in heading.find_all(string=True) if not (s.parent and s.parent.get("class") == ["anchor-link"])
        ).strip()
        item, link = soup.new_tag("li"), soup.new_tag("a", href=f"#{anchor}")
        link.string = link_text
        item.append(link)
        listing.append(item)
    nav.extend([title, listing])


def polish_html(html: str) -> str:
    """Add the contents box and table classes to HTML rendered by the ``mineresearch`` template."""
    soup = BeautifulSoup(html, features="html.parser")
    _build_toc(soup)
    for table in soup.select("main.mr-body table"):
        _polish_table(table)
    return str(soup)


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

    def __init__(self, **kwargs: Any) -> None:
        """Create the exporter and register the cleanup preprocessor (see ``HTMLExporter``)."""
        super().__init__(**kwargs)
        self.register_preprocessor(ReportCleanupPreprocessor(parent=self), enabled=True)

    def from_notebook_node(  # type: ignore[override]
        self, nb: NotebookNode, resources: dict[str, Any] | None = None, **kw: Any
    ) -> tuple[str, dict[str, Any]]:
        """Render ``nb`` to HTML; the notebook passed in is not modified."""
        html, resources = super().from_notebook_node(nb, resources, **kw)
        return polish_html(html), resources


class ReportPDFExporter(ReportHTMLExporter):
    """A4 PDF of a report: the HTML of :class:`ReportHTMLExporter` printed by headless Chromium.

    Each export starts and stops its own browser; a batch should keep one
    :class:`mineresearch.pdf.PdfPrinter` open and print every report's HTML with it instead.
    """

    export_from_notebook = "Research report (PDF)"
    output_mimetype = "application/pdf"
    chromium_path = Unicode(
        None, allow_none=True, help="Chromium executable; default: mineresearch.pdf.find_chromium()"
    ).tag(config=True)

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
        from mineresearch.pdf import PdfPrinter, run_outside_event_loop

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
