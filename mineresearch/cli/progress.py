"""Progress display for ``mineresearch build``: a bar, what is running, and a summary table (rich)."""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

if TYPE_CHECKING:
    from mineresearch.run.build import BuildSummary
    from mineresearch.run.jobs import ReportJob, ReportResult

_STYLE = {"ok": "green", "failed": "bold red", "skipped": "dim"}


class BuildProgress:
    """Context manager wiring the build callbacks to a rich progress bar."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self.progress = Progress(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            TextColumn("{task.fields[running]}"), console=self.console, transient=False,
        )
        self.task = self.progress.add_task("reports", total=0, running="")
        self.running: list[str] = []

    def __enter__(self) -> BuildProgress:
        self.progress.start()
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.progress.stop()

    def _refresh(self) -> None:
        shown = ", ".join(self.running[:4]) + (" ..." if len(self.running) > 4 else "")
        self.progress.update(self.task, running=f"running: {shown}" if shown else "")

    def on_plan(self, jobs: list[ReportJob]) -> None:
        self.progress.update(self.task, total=len(jobs))

    def on_event(self, kind: str, stem: str) -> None:
        if kind == "running" and stem not in self.running:
            self.running.append(stem)
            self._refresh()

    def on_result(self, result: ReportResult) -> None:
        if result.stem in self.running:
            self.running.remove(result.stem)
        style = _STYLE.get(result.status, "")
        secs = result.seconds.get("total")
        took = f" in {secs:.1f} s" if secs else ""
        self.progress.console.print(f"[{style}]{result.status:7}[/] {result.stem}{took}")
        if result.error:
            self.progress.console.print(f"        [red]{result.error}[/]")
        self.progress.advance(self.task)
        self._refresh()

    def print_summary(self, summary: BuildSummary, seconds: float) -> None:
        table = Table(title="Build summary")
        for col in ("Report", "Status", "Execute s", "HTML s", "PDF s"):
            table.add_column(col, justify="right" if col.endswith(" s") else "left")
        for r in summary.results:
            s = r.seconds
            table.add_row(r.stem, f"[{_STYLE.get(r.status, '')}]{r.status}[/]",
                          *(f"{s[k]:.2f}" if k in s else "-" for k in ("execute", "html", "pdf")))
        self.console.print(table)
        self.console.print(
            f"{summary.count('ok')} built, {summary.count('skipped')} unchanged, {summary.count('failed')} failed "
            f"in {seconds:.1f} s; index: {summary.index}"
        )
