"""What one report is: its notebook, parameters and output paths (no execution here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

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

    @property
    def kind(self) -> Kind:
        return "company" if isinstance(self.params, ReportParams) else "sector"

    @property
    def name(self) -> str:
        """Folder name under the period: the ticker, or ``sector``."""
        return self.params.ticker if isinstance(self.params, ReportParams) else "sector"

    @property
    def stem(self) -> str:
        return f"{self.name}-{self.params.period}"

    @property
    def notebook(self) -> Path:
        return self.notebook_path or notebooks_dir() / NOTEBOOKS[self.kind]

    def out_dir(self, root: Path) -> Path:
        return Path(root) / self.params.period / self.name

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
