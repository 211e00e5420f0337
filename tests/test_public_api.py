"""The public API is pinned: adding or removing a name is a deliberate change to this list."""

from __future__ import annotations

import subprocess
import sys

import mineresearch

EXPECTED = {
    "__version__", "load_dataset", "Dataset", "ReportParams", "SectorParams", "run_report", "ReportJob", "build",
    "company_quarter_summary", "MineResearchError", "DataValidationError", "ParameterError",
    "ReportExecutionError", "RenderError", "BrowserNotFoundError",
}


def test_all_is_pinned() -> None:
    assert set(mineresearch.__all__) == EXPECTED


def test_every_name_resolves() -> None:
    for name in mineresearch.__all__:
        assert getattr(mineresearch, name) is not None, name


def test_import_is_cheap_and_side_effect_free() -> None:
    code = (
        "import sys, mineresearch; "
        "heavy = [m for m in ('pandas', 'altair', 'papermill', 'nbconvert', 'rich', 'click') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
