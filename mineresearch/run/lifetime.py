"""Every process of a build dies with the build, however the build dies.

A build's processes form a tree: the build process starts the multiprocessing fork server (which forks
the report workers), the shared zygote and its SVG render service; each worker may start a zygote and a
render service of its own; zygotes fork kernels. A ``kill -9`` of the build runs no clean-up code, so each
link of the tree is tied to its parent by the kernel or by a pipe:

* the fork server and every worker ask Linux to kill them when their parent dies
  (``prctl(PR_SET_PDEATHSIG, SIGKILL)``, :func:`die_with_parent`); the fork server must therefore be
  started from the build's main thread (:func:`mineresearch.run.pool.start_fork_server`), since the signal
  follows the thread that created the child;
* zygotes and render services exit when their standard input (a pipe held only by their owner) closes;
* kernels die with their zygote (the same ``prctl``), and kernel launchers exit when their zygote's
  socket closes.

Hidden temporary files a killed build leaves in the reports folder are removed by the next writer that
takes the folder's lock (:mod:`mineresearch.run.output_lock`).
"""

from __future__ import annotations

import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int | None = None) -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; exit at once if that already happened.

    Args:
        parent: the parent's pid as the caller knew it (default: the current parent, read first).

    Returns:
        Whether the request was made (False off Linux, where nothing is done).
    """
    expected = os.getppid() if parent is None else parent
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    if os.getppid() != expected:  # the parent died before the request: nobody will send the signal
        os._exit(1)
    return True
