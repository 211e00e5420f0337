"""What one report is: its notebook, parameters and output paths (no execution here)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from mineresearch.paths import notebooks_dir
from mineresearch.report.params import ReportParams, SectorParams

Kind = Literal["company", "sector"]
NOTEBOOKS: dict[str, str] = {"company": "company_quarter.ipynb", "sector": "sector_quarter.ipynb"}


@dataclass(frozen=True)
class ReportJob:
    """One report to build: a company-quarter or the sector view of a quarter."""

    params: ReportParams | SectorParams
    formats: tuple[str, ...] = ("html", "pdf")
    notebook_path: Path | None = None  # another notebook with the same parameters (default: the packaged one)
    scenario_name: str = ""  # a name for a scenario (default: made from the non-default parameters)
    interactive_charts: bool = False  # the HTML draws its charts with the inlined Vega bundle (the PDF stays static)

    def __post_init__(self) -> None:
        if self.interactive_charts and self.params.static_charts:
            raise ValueError("interactive charts need the notebook run with static_charts=False "
                             "(a static notebook carries no chart specs to draw)")

    @property
    def charts(self) -> Literal["static", "interactive"]:
        """How the report's HTML shows charts (part of the job's identity: see the manifest's input hash)."""
        return "interactive" if self.interactive_charts else "static"

    @property
    def scenario(self) -> str:
        """``""`` for the published note (default parameters); else the scenario's slug.

        A report whose parameters (other than ticker, period, dataset and chart mode) differ from the
        defaults is a scenario: it has its own folder, file names and manifest key, and never replaces
        the published note.
        """
        from mineresearch.publish.notebook import non_default, scenario_slug

        if not non_default(self.params):
            return ""
        if self.scenario_name:
            return re.sub(r"[^A-Za-z0-9._-]+", "-", self.scenario_name).strip("-.") or scenario_slug(self.params)
        return scenario_slug(self.params)

    @property
    def kind(self) -> Kind:
        return "company" if isinstance(self.params, ReportParams) else "sector"

    @property
    def name(self) -> str:
        """Folder name under the period: the ticker, or ``sector``."""
        return self.params.ticker if isinstance(self.params, ReportParams) else "sector"

    @property
    def stem(self) -> str:
        """File stem and manifest key: ``CIFR-2025Q2``, or ``CIFR-2025Q2--<scenario>`` for a scenario."""
        base = f"{self.name}-{self.params.period}"
        return f"{base}--{self.scenario}" if self.scenario else base

    @property
    def notebook(self) -> Path:
        return self.notebook_path or notebooks_dir() / NOTEBOOKS[self.kind]

    def out_dir(self, root: Path) -> Path:
        """``<root>/<period>/<name>``, or ``<root>/<period>/<name>/scenarios/<scenario>`` for a scenario."""
        folder = Path(root) / self.params.period / self.name
        return folder / "scenarios" / self.scenario if self.scenario else folder

    def outputs(self, root: Path) -> dict[str, Path]:
        """Final output files by format (``ipynb`` always, then the requested formats)."""
        folder = self.out_dir(root)
        return {fmt: folder / f"{self.stem}.{fmt}" for fmt in ("ipynb", *self.formats)}


@dataclass
class ReportResult:
    """What happened to one report."""

    stem: str
    period: str
    name: str
    status: Literal["ok", "failed", "skipped"]
    outputs: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    input_hash: str | None = None
    provenance: dict[str, Any] | None = None  # package version, dataset fingerprint, parameters, build time
