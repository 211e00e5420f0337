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


COMPOSED = {  # sections whose prose or charts the notebook composes in view, and the argument that takes them
    "company_quarter.ipynb": {"headline": "prose", "output_vs_profit": "chart", "margin_bridge": "chart",
                              "cost_stack": "chart", "network": "chart", "breakevens": "heatmaps",
                              "treasury": "chart", "strategy": "prose", "peers": "values"},
    "sector_quarter.ipynb": {"overview": "prose", "cost_curve": "curves", "output_vs_net_income": "chart",
                             "treasury": "chart", "network_share": "chart"},
}


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_each_section_cell_composes_package_functions_in_a_few_visible_lines(name: str) -> None:
    nb = nbformat.read(notebooks_dir() / name, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])]
    section_cells = [s for s in code if "= sections." in s and "show(" in s]
    assert len(section_cells) >= (12 if name.startswith("company") else 7)
    composed = dict(COMPOSED[name])
    for source in section_cells:
        lines = [line for line in source.splitlines() if line.strip()]
        assert len(lines) <= 8, source
        var, func, args = re.search(r"^(\w+) = sections\.(\w+)\(report(.*)\)", source, re.M).groups()  # type: ignore[union-attr]
        assert callable(getattr(sections, func))
        assert f"show({var})" in source
        argument = composed.pop(func, None)
        if argument:  # the prose or chart is written in the cell, from the narrative and chart functions
            assert f"{argument}=" in args, source
            assert re.search(r"\b(narrative|charts|parts|sector)\.\w+\(", source), source
    assert not composed, f"sections not composed in {name}: {sorted(composed)}"
    if name.startswith("company"):  # the figures themselves are computed in view, from the quarter's data
        computed = [s for s in section_cells if "analysis." in s and "data=" in s]
        assert len(computed) >= 9, computed


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_cells_compose_and_never_compute_by_hand(name: str) -> None:
    """Composition only (cookiecutter-data-science's rule): no arithmetic, no definitions; logic is in the package."""
    import ast

    nb = nbformat.read(notebooks_dir() / name, as_version=4)
    refused = (ast.BinOp, ast.AugAssign, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda,
               ast.For, ast.While)
    for cell in nb.cells:
        if cell.cell_type == "code":
            found = [type(node).__name__ for node in ast.walk(ast.parse(cell.source)) if isinstance(node, refused)]
            assert found == [], (found, cell.source)


def _run_cells(name: str, monkeypatch: pytest.MonkeyPatch, **params: object) -> dict[str, sections.Section]:
    """Execute a notebook's code in this process, keeping each shown section instead of displaying it."""
    shown: dict[str, sections.Section] = {}
    monkeypatch.setattr(sections, "show", lambda section: shown.setdefault(section.key, section))
    namespace: dict[str, object] = {}
    for cell in nbformat.read(notebooks_dir() / name, as_version=4).cells:
        if cell.cell_type == "code":
            exec(cell.source, namespace)  # noqa: S102 - our own notebook
            if "parameters" in cell.metadata.get("tags", []):
                namespace.update(params)
    return shown


def test_the_composed_company_cells_give_what_the_package_shows_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    shown = _run_cells("company_quarter.ipynb", monkeypatch, ticker="RIOT", period="2025Q2", static_charts=True)
    from mineresearch.report import CompanyReport

    report = CompanyReport.open(ticker="RIOT", period="2025Q2", static_charts=True)
    assert set(shown) == set(sections.COMPANY_SECTIONS)
    for key, section in shown.items():
        default = getattr(sections, key)(report)
        assert section.html == default.html, key
        assert [c.to_dict() for c in section.charts] == [c.to_dict() for c in default.charts], key
        assert list(section.tables) == list(default.tables), key


def test_the_composed_sector_cells_give_what_the_package_shows_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    shown = _run_cells("sector_quarter.ipynb", monkeypatch, period="2025Q2", static_charts=True)
    from mineresearch.report.sector import SectorReport

    report = SectorReport.open(period="2025Q2", static_charts=True)
    assert set(shown) == set(sections.SECTOR_SECTIONS)
    for key, section in shown.items():
        default = getattr(sections, key)(report)
        assert section.html == default.html, key
        assert [c.to_dict() for c in section.charts] == [c.to_dict() for c in default.charts], key


def test_an_analyst_s_own_prose_and_chart_replace_the_package_s(monkeypatch: pytest.MonkeyPatch) -> None:
    from mineresearch.report import CompanyReport, charts, parts

    report = CompanyReport.open(ticker="CIFR", period="2025Q2", static_charts=True)
    steps = parts.bridge_steps(report.summary.margin_bridge.bridge)
    mine = charts.margin_waterfall_chart(steps.head(3), title="Revenue to gross profit", source="Our desk")
    bridge = sections.margin_bridge(report, prose="Our reading: costs outran revenue.", chart=mine)
    assert "Our reading: costs outran revenue." in bridge.html
    assert bridge.charts == [mine]
    assert list(bridge.tables) == ["margin_bridge", "margin_bridge-2"]  # the tables stay the package's


def test_a_table_printed_as_text_has_its_numbers_beside_it() -> None:
    from mineresearch.report import CompanyReport

    report = CompanyReport.open(ticker="RIOT", period="2025Q2", static_charts=True)
    for key in ("network", "treasury"):
        section = getattr(sections, key)(report)
        shown, values = section.tables[key], section.tables[f"{key}_values"]
        assert list(values.columns) == ["Measure", "Value", "Unit"]
        assert values["Value"].dtype.kind == "f" and values["Value"].notna().all()
        assert list(values["Measure"]) == list(shown["Measure"]), key  # the same rows, as numbers
    debt = sections.treasury(report).tables["treasury_values"].set_index("Measure")
    assert debt.loc["Debt (short term debt + long term debt)", "Value"] == pytest.approx(838.4e6, rel=1e-3)
    peers = sections.peers(report).tables["peers_values"]
    assert {"value", "median", "rank", "percentile"} <= set(peers.columns) and (peers["status"] == "ok").all()


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
