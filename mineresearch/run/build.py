"""Build a quarter (or every quarter): plan the reports, skip the unchanged, run the rest, write the index."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from mineresearch.report.params import ReportParams, SectorParams
from mineresearch.run.jobs import ReportJob, ReportResult
from mineresearch.run.manifest import Manifest, job_hash, shared_inputs_hash
from mineresearch.run.scenarios import Scenario
from mineresearch.run.warm import use_report_preload

DEFAULT_ENGINE = "mineresearch_warm"


@dataclass
class BuildSummary:
    """Every report's result, in plan order, plus where the index was written."""

    results: list[ReportResult] = field(default_factory=list)
    index: Path | None = None

    @property
    def failed(self) -> list[ReportResult]:
        return [r for r in self.results if r.status == "failed"]

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)


def plan(
    periods: Iterable[str],
    *,
    formats: tuple[str, ...],
    data_path: str | None = None,
    only: Iterable[str] | None = None,
    sector: bool = True,
    scenarios: Sequence[Scenario] = (),
    interactive_charts: bool = False,
) -> list[ReportJob]:
    """Every company with figures for each period, then the period's sector report, then the scenarios.

    ``only`` restricts the companies: ``TICKER`` (in every period) or ``TICKER:PERIOD`` (in that one).
    Each scenario adds a report per company it names (all the period's companies when it names none).
    With ``interactive_charts`` every report's HTML draws its charts with Vega (its notebook keeps the specs).
    """
    from mineresearch.dataset.load import load_dataset

    ds = load_dataset(data_path)
    wanted = {t.strip().upper() for t in only} if only else None
    static = not interactive_charts  # an interactive page needs the notebook's chart specs
    jobs: list[ReportJob] = []
    for period in periods:
        tickers = [t for t in ds.tickers(period) if wanted is None or t in wanted or f"{t}:{period}" in wanted]
        jobs += [ReportJob(ReportParams(ticker=t, period=period, data_path=data_path, static_charts=static),
                           formats, interactive_charts=interactive_charts) for t in tickers]
        if tickers and sector:
            jobs.append(ReportJob(SectorParams(period=period, data_path=data_path, static_charts=static), formats,
                                  interactive_charts=interactive_charts))
        for sc in scenarios:
            jobs += [ReportJob(ReportParams(ticker=t, period=period, data_path=data_path, static_charts=static,
                                            **sc.params), formats, scenario_name=sc.name,
                               interactive_charts=interactive_charts)
                     for t in tickers if not sc.tickers or t in sc.tickers]
    return jobs


@contextmanager
def _shared_zygote(engine_name: str | None, workers: int) -> Iterator[str | None]:
    """One warm zygote (and SVG service) for all workers of a build, instead of one per worker."""
    if engine_name != DEFAULT_ENGINE or workers < 2:
        yield None
        return
    from mineresearch.fast import Zygote

    zygote = Zygote().start(wait=False)
    try:
        yield zygote.socket_path
    finally:
        zygote.stop()


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def build(
    periods: Iterable[str],
    root: Path,
    *,
    formats: tuple[str, ...] = ("html", "pdf"),
    jobs: int | None = None,
    force: bool = False,
    data_path: str | None = None,
    engine_name: str | None = DEFAULT_ENGINE,
    only: Iterable[str] | None = None,
    sector: bool = True,
    scenarios: Sequence[Scenario] = (),
    on_plan: Callable[[list[ReportJob]], None] | None = None,
    on_event: Callable[[str, str], None] | None = None,
    on_result: Callable[[ReportResult], None] | None = None,
    scheduler: str | None = None,
    interactive_charts: bool = False,
) -> BuildSummary:
    """Build the reports of ``periods`` into ``root``; unchanged reports are skipped unless ``force``.

    Callbacks let a front end show progress: ``on_plan(jobs)`` once, ``on_event("running", stem)`` when a
    worker starts a report, ``on_result(result)`` when it ends (``ok``, ``failed`` or ``skipped``).

    The build holds ``root``'s lock (:mod:`mineresearch.run.output_lock`) throughout and records each report in
    the manifest as it ends, so an interrupted or killed build keeps what it finished.

    Raises:
        OutputBusyError: another build is writing into ``root``.
        OutputError: ``root``, its manifest or index cannot be written (previous files are left whole).

    ``scheduler`` (a Dask scheduler address, or ``local``) runs the reports on Dask workers instead of the
    local pool (:mod:`mineresearch.run.dask_build`); the reports are the same.

    ``interactive_charts`` makes every report's HTML draw its charts with the inlined Vega bundle (tooltips on,
    no external URL); the PDFs still print the static charts. The chart mode is part of each report's input
    hash, so switching it rebuilds the reports rather than skipping them.
    """
    use_report_preload()  # the warm kernels preload the report code (data handed to mineresearch.fast)
    from mineresearch.run.output_lock import output_lock

    with output_lock(Path(root)):
        return _build(periods, root, formats=formats, jobs=jobs, force=force, data_path=data_path,
                      engine_name=engine_name, only=only, sector=sector, scenarios=scenarios, scheduler=scheduler,
                      on_plan=on_plan, on_event=on_event, on_result=on_result, interactive_charts=interactive_charts)


def _build(
    periods: Iterable[str],
    root: Path,
    *,
    formats: tuple[str, ...],
    jobs: int | None,
    force: bool,
    data_path: str | None,
    engine_name: str | None,
    only: Iterable[str] | None,
    sector: bool,
    scenarios: Sequence[Scenario],
    scheduler: str | None,
    on_plan: Callable[[list[ReportJob]], None] | None,
    on_event: Callable[[str, str], None] | None,
    on_result: Callable[[ReportResult], None] | None,
    interactive_charts: bool,
) -> BuildSummary:
    from mineresearch.run.index_page import write_index
    from mineresearch.run.pool import run_pool

    root = Path(root)
    todo = plan(periods, formats=formats, data_path=data_path, only=only, sector=sector, scenarios=scenarios,
                interactive_charts=interactive_charts)
    if on_plan:
        on_plan(todo)
    manifest = Manifest(root)
    shared = shared_inputs_hash(data_path)
    summary = BuildSummary()
    to_run: list[tuple[ReportJob, str | None]] = []
    by_stem: dict[str, ReportResult] = {}
    for job in todo:
        h = job_hash(job, shared)
        if not force and manifest.is_fresh(job, h, root):
            res = ReportResult(job.stem, job.params.period, job.name, "skipped", input_hash=h,
                               outputs={k: str(v) for k, v in job.outputs(root).items()})
            by_stem[job.stem] = res
            if on_result:
                on_result(res)
        else:
            to_run.append((job, h))
    if to_run and scheduler:  # Dask: workers stage, this process finishes (mineresearch.run.dask_build)
        from mineresearch.run.dask_build import run_dask

        for res in run_dask(to_run, root, scheduler, data_path=data_path, workers=jobs, on_event=on_event):
            by_stem[res.stem] = res
            manifest.record(res)
            manifest.save()  # as each report ends: an interrupted build keeps what it finished
            if on_result:
                on_result(res)
    elif to_run:
        workers = min(jobs or default_workers(), len(to_run))
        try:
            with _shared_zygote(engine_name, workers) as socket_path:
                for res in run_pool(to_run, root, workers=workers, engine_name=engine_name, on_event=on_event,
                                    zygote_socket=socket_path):
                    by_stem[res.stem] = res
                    manifest.record(res)
                    manifest.save()  # as each report ends: an interrupted build keeps what it finished
                    if on_result:
                        on_result(res)
        except BaseException:  # Ctrl-C, or the disk is full: the index still shows what was finished
            with contextlib.suppress(Exception):
                write_index(root, manifest, data_path=data_path)
            raise
    summary.results = [by_stem[j.stem] for j in todo]
    summary.index = write_index(root, manifest, data_path=data_path)
    return summary
