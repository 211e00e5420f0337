"""Run one company report and one sector report in the zygote, outputs discarded, before any kernel forks.

A kernel forked from the zygote (:mod:`mineresearch.fast.zygote_server`) inherits everything the zygote has
done. Importing the report modules leaves about fifty more (metrics, chart builders, narwhals' pandas
backend) to each kernel's first use, and Altair fills several caches on its first chart; together about
0.09 s of every report. :func:`warm_report_code`, named in the zygote's preload list, does all of that once.
Charts are built down to their Vega-Lite spec but not converted to SVG (vl-convert's runtime starts
threads, which must not exist before a fork), and nothing is displayed. Altair's active theme and renderer,
and the package's chart mode, are put back as they were: a kernel starts with the state a fresh one has.
"""

from __future__ import annotations


def warm_report_code(data_path: str | None = None) -> None:
    """Build the sections of the newest quarter's first company report and of its sector report, silently."""
    from mineresearch.dataset import load_dataset
    from mineresearch.report import CompanyReport
    from mineresearch.report.display import outputs_discarded
    from mineresearch.report.sections import collect, show
    from mineresearch.report.sector import SectorReport

    ds = load_dataset(data_path)
    period = ds.latest_period()
    with outputs_discarded():  # also puts Altair's theme and renderer back as they were
        company = CompanyReport.open(ticker=ds.tickers(period)[0], period=period, static_charts=True)
        sector = SectorReport.open(period=period, static_charts=True)
        for report in (company, sector):
            for name in _sections(type(report)):
                show(collect(report, name))  # as the notebooks do: compute the section, then show it


def _sections(report_class: type) -> list[str]:
    """The section methods of a report class (public, callable with ``self`` alone: every other argument optional)."""
    import inspect

    names = []
    for name, member in inspect.getmembers(report_class, inspect.isfunction):
        params = list(inspect.signature(member).parameters.values())[1:]
        if not name.startswith("_") and all(p.default is not inspect.Parameter.empty for p in params):
            names.append(name)
    return names
