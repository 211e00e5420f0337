"""The notebooks read as the analysis: each section is computed by a package function, then shown."""

from __future__ import annotations

import re

import nbformat
import pytest

from mineresearch.cli.notebook_check import dirty_cells
from mineresearch.paths import notebooks_dir
from mineresearch.report import sections

NOTEBOOKS = ("company_quarter.ipynb", "sector_quarter.ipynb")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_source_notebooks_carry_no_outputs(name: str) -> None:
    assert dirty_cells(notebooks_dir() / name) == []


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_each_section_cell_is_a_few_visible_lines(name: str) -> None:
    nb = nbformat.read(notebooks_dir() / name, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])]
    section_cells = [s for s in code if "= sections." in s and "show(" in s]
    assert len(section_cells) >= (12 if name.startswith("company") else 7)
    for source in section_cells:
        lines = [line for line in source.splitlines() if line.strip()]
        assert len(lines) <= 4, source
        var, func = re.search(r"^(\w+) = sections\.(\w+)\(report\)$", source, re.M).groups()  # type: ignore[union-attr]
        assert callable(getattr(sections, func))
        assert f"show({var})" in source


def test_a_section_is_its_tables_and_shows_itself_as_the_report_does(monkeypatch: pytest.MonkeyPatch) -> None:
    import IPython.display

    from mineresearch.report import CompanyReport

    report = CompanyReport.open(ticker="CIFR", period="2025Q2", static_charts=True)
    bridge = sections.margin_bridge(report)
    assert list(bridge.tables) == ["margin_bridge", "margin_bridge-2"]
    assert list(bridge.table().columns) == ["Line", "Amount", "Running total", "Share of revenue"]
    assert len(bridge.charts) == 1
    assert bridge.data is report.summary.margin_bridge  # the unformatted metric result behind the tables
    html = bridge._repr_html_()
    assert html.startswith('<div class="tex2jax_ignore mathjax_ignore">') and "<table" in html

    shown: list[tuple[dict, dict]] = []

    def fake_display(obj: object, raw: bool = False, metadata: dict | None = None, **_: object) -> None:
        data = obj if isinstance(obj, dict) else {"text/html": obj.data}  # type: ignore[attr-defined]
        shown.append((data, metadata or {}))

    monkeypatch.setattr(IPython.display, "display", fake_display)
    sections.show(bridge)
    kinds = [next(iter(d)) for d, _ in shown]
    assert kinds.count("image/svg+xml") == 1
    meta = shown[0][1]["mineresearch"]
    assert meta["section"] == "margin_bridge" and set(meta["tables"]) == {"margin_bridge", "margin_bridge-2"}
    svg_meta = next(m for d, m in shown if "image/svg+xml" in d)["mineresearch"]
    assert "margin_bridge-chart1" in svg_meta["chart_data"]


def test_interactive_charts_are_vega_for_jupyterlab_with_tooltips_and_an_svg() -> None:
    from mineresearch.report import CompanyReport
    from mineresearch.report.charts.render import VEGA_MIMETYPE, interactive_bundle

    report = CompanyReport.open(ticker="CIFR", period="2025Q2", static_charts=False)
    chart = sections.output_vs_profit(report).charts[0]
    bundle = interactive_bundle(chart)
    assert set(bundle) == {VEGA_MIMETYPE, "image/svg+xml", "text/plain"}
    vega = bundle[VEGA_MIMETYPE]
    assert vega["$schema"].endswith("/vega/v5.json")
    text = str(vega)
    assert "tooltip" in text and "cdn" not in text.lower()
    nbformat.validate(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "x", outputs=[nbformat.v4.new_output("display_data", data=bundle)])]))


def test_every_company_section_has_a_function() -> None:
    from mineresearch.report import CompanyReport
    from mineresearch.report.sector import SectorReport

    for name in sections.COMPANY_SECTIONS:
        assert callable(getattr(CompanyReport, name)) and callable(getattr(sections, name))
    for name in sections.SECTOR_SECTIONS:
        assert callable(getattr(SectorReport, name)) and callable(getattr(sections, name))
