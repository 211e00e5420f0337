"""Process helpers shared by the zygote and render-service tests."""

from __future__ import annotations

import psutil


def descendants() -> set[int]:
    """Pids of every process below this one."""
    return {child.pid for child in psutil.Process().children(recursive=True)}


def gone(pid: int, timeout: float = 10.0) -> bool:
    """Whether ``pid`` has exited (waiting up to ``timeout`` seconds)."""
    try:
        psutil.Process(pid).wait(timeout)
    except psutil.NoSuchProcess:
        pass
    except psutil.TimeoutExpired:
        return False
    return True
