"""Benchmark: the plain per-report loop against ``mineresearch build``, on the same company reports, one run.

The plain loop is what a user would write without the toolkit's batch machinery, per report: the papermill
CLI, then the nbconvert CLI (our HTML exporter), then a PDF printed by a fresh headless Chromium. Ours is
``mineresearch build PERIOD --only ... --force`` (warm forked kernels, in-process rendering, one browser per
worker). Both write HTML and PDF into separate folders under ``benchmarks/out/``.

Also measured: one report from a cold start (HTML only), and a rebuild with nothing changed. The build and the
cold report are short next to the plain loop, so a burst of other work on a shared machine can double one of
them: each is run ``--repeat`` times (default 3) and the median counts (not the best, which would flatter them
against the plain loop's single long run), every run printed.
The last line printed is ``ratio: N.N`` (plain time per report / ours).

``--all`` builds every company-quarter on file (the plain loop still runs only the ``--count`` newest, and its
time per report stands for the whole set); ``--dask`` also builds the same reports on a Dask LocalCluster
(``mineresearch build --scheduler local``, needs the ``dask`` extra). Each build prints its reports per second
and the peak memory of its whole process tree.

Usage: ``python benchmarks/bench_build.py [--count 12] [--all] [--dask]`` (the newest company-quarters on file).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
BIN = Path(sys.executable).parent
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
    "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw",
]


class PeakRss:
    """Samples the summed RSS of this process's children (the whole tree) every 50 ms; keeps the peak."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for child in me.children(recursive=True):
                try:
                    total += child.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            time.sleep(0.05)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run(cmd: list[str]) -> None:
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode:
        sys.exit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stderr[-3000:]}")


def chromium() -> str:
    from mineresearch.publish.pdf import find_chromium

    exe = find_chromium()
    if not exe:
        sys.exit("no Chromium found: run `make setup` (installs it with apt) first")
    return exe


def pick_reports(count: int) -> list[tuple[str, str]]:
    """``count`` company-quarters, newest quarters first, every company of a quarter before the next."""
    from mineresearch.dataset.load import load_dataset

    ds = load_dataset()
    chosen: list[tuple[str, str]] = []
    for period in reversed(ds.periods()):
        for ticker in ds.tickers(period):
            if len(chosen) < count:
                chosen.append((ticker, period))
    return chosen


def every_report() -> list[tuple[str, str]]:
    """Every company-quarter on file, newest quarter first."""
    return pick_reports(10**6)


def plain_loop(reports: list[tuple[str, str]], out: Path) -> float:
    nb = ROOT / "notebooks" / "company_quarter.ipynb"
    exe = chromium()
    t0 = time.perf_counter()
    for ticker, period in reports:
        folder = out / period / ticker
        folder.mkdir(parents=True, exist_ok=True)
        stem = folder / f"{ticker}-{period}"
        run([str(BIN / "papermill"), "--log-level", "WARNING", str(nb), f"{stem}.ipynb",
             "-p", "ticker", ticker, "-r", "period", period, "-p", "static_charts", "True"])
        run([str(BIN / "jupyter"), "nbconvert", "--to", "mineresearch_html", f"{stem}.ipynb",
             "--output", stem.name, "--output-dir", str(folder)])
        with tempfile.TemporaryDirectory() as profile:
            run([exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={stem}.pdf",
                 f"file://{stem}.html"])
    return time.perf_counter() - t0


def ours(reports: list[tuple[str, str]], out: Path, *, force: bool, scheduler: str | None = None) -> float:
    periods = sorted({p for _, p in reports})
    only = ",".join(f"{t}:{p}" for t, p in reports)
    cmd = [sys.executable, "-m", "mineresearch", "build", *periods, "--only", only, "--no-sector", "--output", str(out)]
    t0 = time.perf_counter()
    run(cmd + (["--force"] if force else []) + (["--scheduler", scheduler] if scheduler else []))
    return time.perf_counter() - t0


def cold_report(ticker: str, period: str, out: Path) -> float:
    t0 = time.perf_counter()
    run([sys.executable, "-m", "mineresearch", "report", ticker, period, "--format", "html", "--output", str(out)])
    return time.perf_counter() - t0


def line(label: str, seconds: float, n: int, peak: int) -> str:
    return (f"{label:<13}{seconds:6.1f} s  ({seconds / n:.2f} s/report, {n / seconds:.2f} reports/s)  "
            f"peak RSS {peak / 2**20:,.0f} MiB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=12, help="company reports in each run (the plain loop's with --all)")
    ap.add_argument("--all", action="store_true", help="build every company-quarter on file")
    ap.add_argument("--dask", action="store_true", help="also build on a Dask LocalCluster (--scheduler local)")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs of the build and of the cold report (the median counts)")
    args = ap.parse_args()
    sample = pick_reports(args.count)
    reports = every_report() if args.all else sample
    if OUT.exists():
        shutil.rmtree(OUT)
    print(f"{len(reports)} company reports ({', '.join(f'{t} {p}' for t, p in reports[:12])}"
          f"{', ...' if len(reports) > 12 else ''}); HTML and PDF; {os.cpu_count()} cores"
          + (f"; plain loop on the newest {len(sample)}" if args.all else ""), flush=True)
    with PeakRss() as mem_plain:
        t_plain = plain_loop(sample, OUT / "plain")
    repeat = max(1, args.repeat)
    with PeakRss() as mem_ours:
        runs_ours = [ours(reports, OUT / "ours", force=True) for _ in range(repeat)]
    runs_dask: list[float] = []
    if args.dask:
        with PeakRss() as mem_dask:
            runs_dask = [ours(reports, OUT / "dask", force=True, scheduler="local") for _ in range(repeat)]
    t_noop = ours(reports, OUT / "ours", force=False)
    runs_cold = [cold_report(*reports[0], OUT / f"cold{i}") for i in range(repeat)]
    n = len(reports)
    per_plain = t_plain / len(sample)
    t_ours, t_cold = statistics.median(runs_ours), statistics.median(runs_cold)
    print(line("plain loop:", t_plain, len(sample), mem_plain.peak))
    print(line("ours (build):", t_ours, n, mem_ours.peak) + f"  median of {_runs(runs_ours)}")
    if args.dask:
        t_dask = statistics.median(runs_dask)
        print(line("ours (dask):", t_dask, n, mem_dask.peak) + f"  LocalCluster, start-up included; median of "
              f"{_runs(runs_dask)}")
        print(f"dask ratio: {per_plain / (t_dask / n):.1f}")
    print(f"rebuild, nothing changed: {t_noop:.2f} s")
    print(f"one cold report (HTML): {t_cold:.2f} s  median of {_runs(runs_cold)}")
    print(f"ratio: {per_plain / (t_ours / n):.1f}")


def _runs(seconds: list[float]) -> str:
    return ", ".join(f"{s:.2f}" for s in seconds) + " s"


if __name__ == "__main__":
    main()
