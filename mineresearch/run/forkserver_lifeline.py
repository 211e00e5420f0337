"""Fork-server preload target: ties the multiprocessing fork server's life to the build that started it.

Listed first in :data:`mineresearch.run.pool.WORKER_PRELOAD`, so it is imported in the fork server only, before
the heavy imports. A fork server left alive by a killed build would otherwise keep its workers (and their
zygotes and render services) alive for ever. See :mod:`mineresearch.run.lifetime`.
"""

from __future__ import annotations

from mineresearch.run.lifetime import die_with_parent

die_with_parent()
