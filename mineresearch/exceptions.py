"""Exception hierarchy.

MineResearchError
 +-- DataValidationError      bad input data (lists every problem: file, row, column)
 +-- ParameterError           report parameters refused before papermill runs
 +-- ReportExecutionError     a notebook cell failed (names the cell)
 +-- RenderError              HTML or PDF rendering failed
 |    +-- BrowserNotFoundError  no Chromium for the PDF (says how to install it)
 +-- OutputError              the reports folder cannot be written (full disk, read-only, not a folder)
      +-- OutputBusyError       another build holds the reports folder's lock (names it)
"""

from __future__ import annotations

from dataclasses import dataclass


class MineResearchError(Exception):
    """Base class of every error the toolkit raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file: where it is and what is wrong."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        return f"{where}: {self.message}"


class DataValidationError(MineResearchError):
    """Raised once with every problem found, never on the first one alone."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{len(self.problems)} data problem(s):\n{lines}")


class ParameterError(MineResearchError):
    """Report parameters that are unknown or of the wrong type."""


class ReportExecutionError(MineResearchError):
    """A report notebook failed while executing."""


class RenderError(MineResearchError):
    """HTML or PDF rendering failed."""


class BrowserNotFoundError(RenderError):
    """No Chromium executable was found for printing PDFs."""


class OutputError(MineResearchError):
    """The reports folder, its manifest or its index cannot be written; what was there is left whole."""


class OutputBusyError(OutputError):
    """Another build or report is writing into the same reports folder (the message names it)."""
