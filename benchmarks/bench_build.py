"""Benchmark: the plain per-report loop against ``mineresearch build``, on the same company reports, one run.

The plain loop is what a user would write without the toolkit's batch machinery, per report: the papermill
CLI, then the nbconvert CLI (our HTML exporter), then a PDF printed by a fresh headless Chromium. Ours is
``mineresearch build PERIOD --only ... --force`` (warm forked kernels, in-process rendering, one browser per
worker). Both write HTML and PDF into separate folders under ``benchmarks/out/``.

Also measured: one report from a cold start (HTML only), and a rebuild with nothing changed.
The last line printed is ``ratio: N.N`` (plain wall time / ours).

Usage: ``python benchmarks/bench_build.py [--count 12]`` (the newest company-quarters on file).
"""

from __future__ import annotations

import argparse
import os
import shutil
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


def ours(reports: list[tuple[str, str]], out: Path, *, force: bool) -> float:
    periods = sorted({p for _, p in reports})
    only = ",".join(f"{t}:{p}" for t, p in reports)
    cmd = [sys.executable, "-m", "mineresearch", "build", *periods, "--only", only, "--no-sector", "--output", str(out)]
    t0 = time.perf_counter()
    run(cmd + (["--force"] if force else []))
    return time.perf_counter() - t0


def cold_report(ticker: str, period: str, out: Path) -> float:
    t0 = time.perf_counter()
    run([sys.executable, "-m", "mineresearch", "report", ticker, period, "--format", "html", "--output", str(out)])
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=12, help="company reports in each run")
    args = ap.parse_args()
    reports = pick_reports(args.count)
    if OUT.exists():
        shutil.rmtree(OUT)
    print(f"{len(reports)} company reports ({', '.join(f'{t} {p}' for t, p in reports)}); HTML and PDF; "
          f"{os.cpu_count()} cores", flush=True)
    with PeakRss() as mem_plain:
        t_plain = plain_loop(reports, OUT / "plain")
    with PeakRss() as mem_ours:
        t_ours = ours(reports, OUT / "ours", force=True)
    t_noop = ours(reports, OUT / "ours", force=False)
    t_cold = cold_report(*reports[0], OUT / "cold")
    n = len(reports)
    print(f"plain loop:  {t_plain:6.1f} s  ({t_plain / n:.2f} s/report)  peak RSS {mem_plain.peak / 2**20:,.0f} MiB")
    print(f"ours (build):{t_ours:6.1f} s  ({t_ours / n:.2f} s/report)  peak RSS {mem_ours.peak / 2**20:,.0f} MiB")
    print(f"rebuild, nothing changed: {t_noop:.2f} s")
    print(f"one cold report (HTML): {t_cold:.2f} s")
    print(f"ratio: {t_plain / t_ours:.1f}")


if __name__ == "__main__":
    main()
