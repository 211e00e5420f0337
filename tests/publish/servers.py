"""Starting a Jupyter server for a browser or HTTP test: wait until it answers, or say it did not start."""

from __future__ import annotations

import subprocess
import time
import urllib.request


def wait_for_server(base: str, token: str, proc: subprocess.Popen[bytes], name: str, timeout: float = 30) -> None:
    """Poll ``base/api/status`` until the server answers; raise if it exits or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=1).read()
            return
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError(f"{name} did not start") from None
            time.sleep(0.3)
