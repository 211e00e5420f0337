"""``--interactive-charts``: the page draws its charts with Vega inlined once, offline; the PDF stays static; the
chart mode is part of a report's identity, so a static and an interactive build never reuse each other's files.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner

from mineresearch.cli.main import _attach, cli
from mineresearch.publish.pdf import find_chromium

_attach()
pytestmark = pytest.mark.slow

STEM = "MARA-2025Q2"
# A resource the page would load (script, stylesheet, image, frame...), as opposed to a link a reader follows.
RESOURCE_URL = re.compile(
    r"<(?:script|link|img|iframe|source|video|audio|embed|object)\b[^>]*\b(?:src|href|data)=[\"']?https?://", re.I
)
BUNDLE_PARTS = ("window.vegaEmbed=", "window.vega=", "window.vegaLite=")  # the bundle's last statement


def _report(out: Path, *extra: str) -> dict[str, Any]:
    """Run ``mineresearch report MARA 2025Q2 ... --output out``; return the page, its soup and manifest entry."""
    result = CliRunner().invoke(cli, ["report", "MARA", "2025Q2", "--output", str(out), *extra],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    page = (out / "2025Q2" / "MARA" / f"{STEM}.html").read_text(encoding="utf-8")
    entry = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["reports"][STEM]
    return {"html": page, "soup": BeautifulSoup(page, "html.parser"), "entry": entry}


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """The same report into one folder: static, then interactive, then static again."""
    out = tmp_path_factory.mktemp("reports")
    runs = {"static": _report(out, "--format", "html"),
            "interactive": _report(out, "--format", "html", "--interactive-charts")}
    runs["interactive"]["folder"] = out
    runs["static again"] = _report(out, "--format", "html")
    return runs


def _static_charts(soup: BeautifulSoup) -> list[Any]:
    return soup.select(".mr-chart img[src^='data:image/svg+xml']")


def test_interactive_page_has_one_bundle_and_a_view_per_chart(builds: dict[str, dict[str, Any]]) -> None:
    page, soup = builds["interactive"]["html"], builds["interactive"]["soup"]
    charts = soup.select(".mr-vega.mr-chart")
    assert len(charts) >= 4 and len(charts) == len(_static_charts(builds["static"]["soup"]))
    assert _static_charts(soup) == []
    for part in BUNDLE_PARTS:
        assert page.count(part) == 1, part
    assert page.count("vegaEmbed(view, spec, {actions: false, tooltip: true") == 1  # one loop draws every chart
    for chart in charts:
        assert chart.select_one(".mr-vega-view") is not None
        spec = json.loads(chart.select_one("script[type='application/json']").string)
        assert spec["marks"] and '"tooltip"' in json.dumps(spec)  # data marks carry their tooltips


def test_interactive_page_loads_nothing_from_elsewhere(builds: dict[str, dict[str, Any]]) -> None:
    page, soup = builds["interactive"]["html"], builds["interactive"]["soup"]
    assert not RESOURCE_URL.search(page)
    assert soup.find_all("script", src=True) == []
    assert [link for link in soup.find_all("link") if link.get("href")] == []
    assert "cdn" not in page.lower() and "Error loading script" not in page


def test_footer_and_manifest_say_the_charts_are_interactive(builds: dict[str, dict[str, Any]]) -> None:
    interactive, static = builds["interactive"], builds["static"]
    assert "charts=interactive" in interactive["soup"].select_one(".mr-provenance").get_text(" ", strip=True)
    assert "charts=" not in static["soup"].select_one(".mr-provenance").get_text(" ", strip=True)
    assert interactive["entry"]["provenance"]["parameters"]["charts"] == "interactive"
    assert "charts" not in static["entry"]["provenance"]["parameters"]


def test_chart_mode_is_part_of_the_report_identity(builds: dict[str, dict[str, Any]]) -> None:
    static, interactive, again = builds["static"], builds["interactive"], builds["static again"]
    assert interactive["entry"]["input_hash"] != static["entry"]["input_hash"]
    assert again["entry"]["input_hash"] == static["entry"]["input_hash"]
    assert again["entry"]["status"] == "ok"


def test_a_static_build_after_an_interactive_one_rewrites_the_page(builds: dict[str, dict[str, Any]]) -> None:
    page, soup = builds["static again"]["html"], builds["static again"]["soup"]
    assert soup.select(".mr-vega") == [] and all(part not in page for part in BUNDLE_PARTS)
    assert len(_static_charts(soup)) == len(_static_charts(builds["static"]["soup"]))


def _build(out: Path, *, interactive: bool) -> list[str]:
    """Build MARA's 2025Q2 HTML into ``out`` (as ``mineresearch build``); return each report's status."""
    from mineresearch.run.build import build

    summary = build(["2025Q2"], out, formats=("html",), only=["MARA"], sector=False, jobs=1,
                    interactive_charts=interactive)
    return [result.status for result in summary.results]


def test_build_rebuilds_when_the_chart_mode_changes_and_skips_when_it_does_not(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", "2025Q2", "--only", "MARA", "--no-sector", "--format", "html", "--jobs",
                                      "1", "--interactive-charts", "--output", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    page = (tmp_path / "2025Q2" / "MARA" / f"{STEM}.html").read_text(encoding="utf-8")
    assert page.count("window.vegaEmbed=") == 1 and 'class="mr-vega mr-chart"' in page
    assert _build(tmp_path, interactive=True) == ["skipped"]
    assert _build(tmp_path, interactive=False) == ["ok"]  # static now: rebuilt, not taken for up to date
    assert "mr-vega" not in (tmp_path / "2025Q2" / "MARA" / f"{STEM}.html").read_text(encoding="utf-8")
    assert _build(tmp_path, interactive=False) == ["skipped"]


@pytest.mark.skipif(find_chromium() is None, reason="no Chromium for PDFs")
def test_pdf_of_an_interactive_report_is_the_pdf_of_the_static_one(tmp_path: Path) -> None:
    from pypdf import PdfReader

    def text(folder: Path, *extra: str) -> str:
        _report(folder, "--format", "html,pdf", *extra)
        pages = PdfReader(folder / "2025Q2" / "MARA" / f"{STEM}.pdf").pages
        printed = "\n".join(page.extract_text() for page in pages)
        return re.sub(r"Built \d{4}-\d\d-\d\d \d\d:\d\d UTC", "Built <time>", printed)

    static, interactive = text(tmp_path / "static"), text(tmp_path / "interactive", "--interactive-charts")
    assert "Error loading script" not in interactive and "Margin decomposition" in interactive
    assert interactive == static  # every chart printed as its SVG, the footer without the chart mode


@pytest.mark.parametrize("command", [["report", "MARA", "2025Q2"], ["build", "2025Q2"]])
def test_interactive_charts_without_html_are_refused_before_anything_is_written(tmp_path: Path,
                                                                                command: list[str]) -> None:
    out = tmp_path / "reports"
    result = CliRunner().invoke(cli, [*command, "--format", "pdf", "--interactive-charts", "--output", str(out)])
    assert result.exit_code == 2
    assert "add html to --format" in result.output
    assert not out.exists()
