"""JupyterLab shows the prose as written: no displayed fragment can be typeset as LaTeX by MathJax."""

from __future__ import annotations

import re
from typing import Any

import pytest

from mineresearch.report import display as dsp
from mineresearch.report import formatting as fmt

# Two dollar signs that MathJax would pair into inline maths ("$238.5M ... $808.2M").
DOLLAR_PAIR = re.compile(r"(?<!\\)\$[^$]*(?<!\\)\$", re.S)


def _section_calls(notebook: str) -> list[str]:
    """The sections a shipped notebook computes (``x = sections.<section>(report, ...)``), in order."""
    import nbformat

    from mineresearch.paths import notebooks_dir

    nb = nbformat.read(notebooks_dir() / notebook, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    return re.findall(r"^\w+ = sections\.(\w+)\(report\b", code, re.M)


def is_guarded(html: str) -> bool:
    """True when the fragment is wrapped in the MathJax guard, or has no unescaped pair of dollar signs."""
    wrapped = html.startswith(f'<div class="{dsp.MATH_GUARD_CLASSES}">') and html.endswith("</div>")
    return wrapped or not DOLLAR_PAIR.search(html)


def test_guard_wraps_and_keeps_empty_output_empty() -> None:
    assert dsp.guard_math("") == ""
    out = dsp.guard_math("<p>Revenue of $238.5M became net income of $808.2M.</p>")
    assert out.startswith('<div class="tex2jax_ignore mathjax_ignore">') and is_guarded(out)
    assert not is_guarded("<p>Revenue of $238.5M became net income of $808.2M.</p>")


def test_markdown_text_escapes_dollars() -> None:
    assert not DOLLAR_PAIR.search(fmt.to_markdown("from $238.5M to $808.2M"))


def _capture(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    import IPython.display

    shown: list[str] = []

    def fake_display(*objs: Any, **_: Any) -> None:
        for obj in objs:
            if isinstance(obj, IPython.display.HTML):
                shown.append(str(obj.data))
            elif isinstance(obj, dict) and "text/html" in obj:
                shown.append(str(obj["text/html"]))
            elif isinstance(obj, str):
                shown.append(obj)

    monkeypatch.setattr(IPython.display, "display", fake_display)
    return shown


@pytest.mark.parametrize(("ticker", "period"), [("MARA", "2025Q2"), ("CIFR", "2025Q2"), ("HUT", "2025Q3")])
def test_every_fragment_of_a_company_report_is_guarded(
    monkeypatch: pytest.MonkeyPatch, ticker: str, period: str
) -> None:
    from mineresearch.report.company import CompanyReport

    shown = _capture(monkeypatch)
    report = CompanyReport.open(ticker=ticker, period=period, static_charts=False)
    sections = _section_calls("company_quarter.ipynb")
    assert len(sections) >= 11
    for name in sections:
        getattr(report, name)()
    assert len(shown) >= len(sections)
    assert any("$" in html for html in shown)
    assert [html[:200] for html in shown if not is_guarded(html)] == []


def test_every_fragment_of_a_sector_report_is_guarded(monkeypatch: pytest.MonkeyPatch) -> None:
    from mineresearch.report.sector import SectorReport

    shown = _capture(monkeypatch)
    report = SectorReport.open(period="2025Q2", static_charts=False)
    for name in _section_calls("sector_quarter.ipynb"):
        getattr(report, name)()
    assert shown and [html[:200] for html in shown if not is_guarded(html)] == []
