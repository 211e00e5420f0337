"""Fork-server preload target: importing this module compiles the report template once for all workers.

A build's workers are forked from a multiprocessing fork server, whose only hook is a list of modules to
import before it forks (:data:`mineresearch.run.pool.WORKER_PRELOAD`). Unlike every other module of the
package, this one therefore does work when imported: it renders a one-cell notebook with the report
exporter, which compiles the Jinja template and the CSS selectors the exporter uses, so that each worker
inherits them instead of spending a third of a second on them in its first report. Nothing else imports it.
"""

from __future__ import annotations

from mineresearch.publish.html import warm_html_exporter

try:
    warm_html_exporter()
except Exception:  # noqa: BLE001 - a failed warm-up only leaves the work to each worker's first report
    pass
