"""Per-report wall time: papermill's default engine versus the warm (forked kernel) engine.

Runs a small report-like notebook (a seeded frame, a groupby table, Markdown and three Altair
charts through the SVG renderer) several times with each engine, in this process, one report
after another, and prints the median and mean wall time per report and their ratio. The zygote's
own start-up is paid once per worker and is printed apart.

Usage: ``python benchmarks/bench_engine.py [RUNS]`` (default 6).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import papermill as pm

from mineresearch.fast.engine import register_engine
from mineresearch.fast.zygote import current_zygote, stop_current_zygote

NOTEBOOK = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "engine" / "report.ipynb"
TICKERS = ("MARA", "RIOT", "CLSK", "CIFR", "HUT", "IREN")


def _time_reports(engine: str | None, runs: int, out_dir: Path) -> list[float]:
    """Wall seconds of each of ``runs`` executions (after one untimed warm-up execution)."""
    seconds = []
    for index in range(runs + 1):
        ticker = TICKERS[index % len(TICKERS)]
        start = time.perf_counter()
        pm.execute_notebook(
            NOTEBOOK,
            out_dir / f"{ticker}-{engine or 'default'}.ipynb",
            parameters={"ticker": ticker, "period": "2025Q2"},
            engine_name=engine,
            progress_bar=False,
        )
        if index:
            seconds.append(time.perf_counter() - start)
    return seconds


def main(runs: int = 6) -> None:
    """Print per-report times for both engines and the ratio.

    Args:
        runs: Timed executions per engine.
    """
    engine = register_engine()
    start = time.perf_counter()
    current_zygote().wait_ready()
    zygote_seconds = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        plain = _time_reports(None, runs, Path(tmp))
        warm = _time_reports(engine, runs, Path(tmp))
    stop_current_zygote()
    for label, values in (("papermill default", plain), ("warm forked kernels", warm)):
        print(
            f"{label:<20} median {statistics.median(values):.3f} s  mean {statistics.mean(values):.3f} s"
            f"  per report over {len(values)} runs ({', '.join(f'{v:.2f}' for v in values)})"
        )
    ratio = statistics.median(plain) / statistics.median(warm)
    print(f"zygote start-up (once per worker): {zygote_seconds:.3f} s")
    print(f"speed-up (median default / median warm): {ratio:.2f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 6)
