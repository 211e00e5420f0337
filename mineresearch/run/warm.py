"""What the warm kernels preload for reports: the report modules, the packaged dataset and the warm-up.

Handed to ``mineresearch.fast`` as data (:func:`use_report_preload`), so the speed machinery names no
report module itself.
"""

from __future__ import annotations

REPORT_PRELOAD: tuple[str, ...] = (
    "mineresearch.report.company",
    "mineresearch.report.sector",
    "mineresearch.dataset.load:load_dataset",  # the packaged dataset, read once and inherited by every kernel
    "mineresearch.run.kernel_warmup:warm_report_code",  # first-use imports and Altair's caches, done once
)


def use_report_preload() -> None:
    """Make every zygote started from now on (here and in child processes) preload the report code."""
    from mineresearch.fast import set_preload

    set_preload(REPORT_PRELOAD)
